//! `fake-gemini --port N [--api-key K]`: the fake Gemini API as a process, for out-of-process
//! tests (CLI, UI end-to-end). Prints its base URL as the first line of stdout and serves until
//! killed.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use fake_gemini::{DEFAULT_API_KEY, FakeGemini};

#[derive(Parser)]
#[command(
    name = "fake-gemini",
    about = "A fake Gemini API (generateContent, Batch API) on 127.0.0.1 for tests"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The API key the fake accepts (`x-goog-api-key` header or `?key=`).
    #[arg(long, default_value = DEFAULT_API_KEY)]
    api_key: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server = match FakeGemini::start_on(args.port, &args.api_key).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("fake-gemini: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", server.base_url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("fake-gemini: {e}");
            ExitCode::FAILURE
        }
    }
}
