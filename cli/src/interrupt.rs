//! Ctrl-C (and SIGTERM, SIGHUP) during a command. The first one never drops a paid request: the
//! core starts no new one and waits for those in flight to be recorded — the answer stored, or the
//! task id kept for `nanoforge retry` — each bounded by its own timeout, saying so on stderr. A
//! second one stops at once; the job is left in its honest state (may be charged, never resent).
//! Either way the exit status is 130.

use nanoforge_core::AppCore;

/// Resolves at the first interrupt: Ctrl-C, or on Unix SIGTERM or SIGHUP.
pub async fn first() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (term, hup) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        );
        if let (Ok(mut term), Ok(mut hup)) = (term, hup) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// After the first interrupt: waits for paid requests in flight unless interrupted again.
pub async fn quit(core: &AppCore) {
    let paid = core.paid_requests_in_flight();
    if paid > 0 {
        let requests = if paid == 1 { "request" } else { "requests" };
        eprintln!("nanoforge: Finishing {paid} paid {requests}… press Ctrl-C again to stop now");
    }
    tokio::select! {
        _ = core.quit() => {
            eprintln!("nanoforge: interrupted; run `nanoforge resume` to finish unfinished jobs");
        }
        () = first() => {
            let _ = core.shutdown().await;
            eprintln!(
                "nanoforge: stopped at once; a paid request may have been charged without its \
                 result being recorded (`nanoforge list --possibly-charged` shows it; it is not \
                 sent again)"
            );
        }
    }
}
