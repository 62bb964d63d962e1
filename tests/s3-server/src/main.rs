//! `s3-test-server --port N --root DIR --access-key K --secret-key S [--bucket B]`: the test S3
//! server as a process, for out-of-process tests (desktop end-to-end, CLI). Prints its endpoint URL
//! as the first line of stdout and serves until killed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use s3_test_server::{
    DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, KeyPair, READ_ONLY_ACCESS_KEY, READ_ONLY_SECRET_KEY,
    S3Server, ServerOptions,
};

#[derive(Parser)]
#[command(
    name = "s3-test-server",
    about = "An S3-compatible server (s3s-fs) on 127.0.0.1 for tests"
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Directory holding the buckets (one subdirectory each); created if missing.
    #[arg(long)]
    root: PathBuf,
    #[arg(long, default_value = DEFAULT_ACCESS_KEY)]
    access_key: String,
    #[arg(long, default_value = DEFAULT_SECRET_KEY)]
    secret_key: String,
    /// The read-only key pair (reads and lists only).
    #[arg(long, default_value = READ_ONLY_ACCESS_KEY)]
    read_only_access_key: String,
    #[arg(long, default_value = READ_ONLY_SECRET_KEY)]
    read_only_secret_key: String,
    /// Buckets to create before serving; repeatable.
    #[arg(long)]
    bucket: Vec<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let options = ServerOptions {
        port: args.port,
        keys: KeyPair::new(args.access_key, args.secret_key),
        read_only: Some(KeyPair::new(
            args.read_only_access_key,
            args.read_only_secret_key,
        )),
    };
    let server = match S3Server::start_with(&args.root, options).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!(
                "s3-test-server: cannot serve {} on 127.0.0.1:{}: {e}",
                args.root.display(),
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    for bucket in &args.bucket {
        if let Err(e) = server.create_bucket(bucket).await {
            eprintln!("s3-test-server: cannot create bucket {bucket:?}: {e}");
            return ExitCode::FAILURE;
        }
    }
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{}", server.endpoint())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    match tokio::signal::ctrl_c().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("s3-test-server: {e}");
            ExitCode::FAILURE
        }
    }
}
