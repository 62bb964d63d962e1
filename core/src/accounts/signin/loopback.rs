//! The one-shot loopback receiver of a sign-in (RFC 8252 §7.3): a listener on `127.0.0.1` with a
//! port the OS picks, waiting for the browser's redirect to `/callback`.
//!
//! Bound to the IPv4 loopback literal (and named so in the redirect URI) so `localhost` resolving
//! to `::1` cannot miss it and no firewall asks. Only `GET /callback` carrying our `state`
//! (compared in constant time) ends the wait; a wrong `state` (a stale tab, a forged request) gets
//! an error page and the wait goes on; favicon and other requests get a 404. Each request has a
//! size and time limit, and connections are served concurrently, so idle connections opened by
//! another local process cannot hold the browser's redirect back. No CORS header is ever sent.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::SignInError;

/// The redirect path registered with the provider.
pub const CALLBACK_PATH: &str = "/callback";
/// A request head larger than this is not a browser redirect.
const MAX_REQUEST: usize = 16 * 1024;
/// A connection that has not sent its request head by then is dropped.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once; more wait for the kernel's accept queue.
const MAX_CONNECTIONS: usize = 64;

/// What the provider sent back: a code to exchange, or the user's refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    Code(String),
    /// `error=access_denied` and similar, with the provider's description.
    Refused {
        error: String,
        description: Option<String>,
    },
}

/// A bound listener, waiting to be used once.
#[derive(Debug)]
pub struct LoopbackReceiver {
    listener: TcpListener,
    port: u16,
}

impl LoopbackReceiver {
    /// Binds `127.0.0.1:0`.
    pub async fn bind() -> Result<Self, SignInError> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| SignInError::Loopback(e.to_string()))?;
        let port = listener
            .local_addr()
            .map_err(|e| SignInError::Loopback(e.to_string()))?
            .port();
        Ok(Self { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Serves requests until one carries `state`, the flow is cancelled, or `timeout` passes. The
    /// listener (and its port) is released when this returns.
    pub async fn wait(
        self,
        state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Callback, SignInError> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Dropped (and every connection with it) when this returns.
        let mut serving: JoinSet<Option<Callback>> = JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept(), if serving.len() < MAX_CONNECTIONS => {
                    let Ok((stream, _)) = accepted else { continue };
                    let state = state.to_owned();
                    serving.spawn(async move {
                        tokio::time::timeout(REQUEST_TIMEOUT, handle(stream, &state))
                            .await
                            .ok()
                            .flatten()
                    });
                }
                Some(done) = serving.join_next(), if !serving.is_empty() => {
                    if let Ok(Some(callback)) = done {
                        return Ok(callback);
                    }
                }
                () = tokio::time::sleep_until(deadline) => return Err(SignInError::TimedOut(timeout)),
                () = cancel.cancelled() => return Err(SignInError::Cancelled),
            }
        }
    }
}

/// Answers one connection; `Some` when it was the callback for our `state`.
async fn handle(mut stream: TcpStream, state: &str) -> Option<Callback> {
    let head = read_head(&mut stream).await?;
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let parsed = matches!(request.parse(&head), Ok(httparse::Status::Complete(_)));
    let (method, target) = (request.method.unwrap_or(""), request.path.unwrap_or(""));
    if !parsed || method != "GET" {
        respond(&mut stream, "405 Method Not Allowed", PAGE_IGNORED).await;
        return None;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        respond(&mut stream, "404 Not Found", PAGE_IGNORED).await;
        return None;
    }
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let state_ok = param("state").is_some_and(|s| constant_time_eq(s.as_bytes(), state.as_bytes()));
    if !state_ok {
        tracing::warn!("a sign-in callback with a wrong state was ignored");
        respond(&mut stream, "400 Bad Request", PAGE_STALE).await;
        return None;
    }
    if let Some(error) = param("error") {
        respond(&mut stream, "200 OK", PAGE_REFUSED).await;
        return Some(Callback::Refused {
            error,
            description: param("error_description"),
        });
    }
    match param("code").filter(|c| !c.is_empty()) {
        Some(code) => {
            respond(&mut stream, "200 OK", PAGE_DONE).await;
            Some(Callback::Code(code))
        }
        None => {
            respond(&mut stream, "400 Bad Request", PAGE_STALE).await;
            None
        }
    }
}

/// Reads until the blank line ending the request head, or gives up past [`MAX_REQUEST`].
async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        head.extend_from_slice(&chunk[..n]);
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            return Some(head);
        }
        if head.len() > MAX_REQUEST {
            return None;
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

const PAGE_DONE: &str = "<!doctype html><meta charset=utf-8><title>Nanoforge</title>\
<body style=\"font-family:system-ui;margin:15vh auto;max-width:30em;text-align:center\">\
<h1>You are signed in</h1><p>You can close this tab and return to Nanoforge.</p>";
const PAGE_REFUSED: &str = "<!doctype html><meta charset=utf-8><title>Nanoforge</title>\
<body style=\"font-family:system-ui;margin:15vh auto;max-width:30em;text-align:center\">\
<h1>Sign-in cancelled</h1><p>Nanoforge was not given access. You can close this tab.</p>";
const PAGE_STALE: &str = "<!doctype html><meta charset=utf-8><title>Nanoforge</title>\
<body style=\"font-family:system-ui;margin:15vh auto;max-width:30em;text-align:center\">\
<h1>This sign-in link is out of date</h1><p>Start the sign-in again from Nanoforge.</p>";
const PAGE_IGNORED: &str = "";

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn only_the_callback_with_our_state_ends_the_wait() {
        let receiver = LoopbackReceiver::bind().await.unwrap();
        let port = receiver.port();
        assert_eq!(
            receiver.redirect_uri(),
            format!("http://127.0.0.1:{port}/callback")
        );
        let cancel = CancellationToken::new();
        let waiting = tokio::spawn(async move {
            receiver
                .wait("s3cret", Duration::from_secs(10), &cancel)
                .await
        });
        assert!(get(port, "/favicon.ico").await.starts_with("HTTP/1.1 404"));
        assert!(
            get(port, "/callback?code=x&state=other")
                .await
                .starts_with("HTTP/1.1 400")
        );
        assert!(
            get(port, "/callback?code=abc&state=s3cret")
                .await
                .starts_with("HTTP/1.1 200")
        );
        assert_eq!(
            waiting.await.unwrap().unwrap(),
            Callback::Code("abc".into())
        );
        // The port is free again: nothing listens any more.
        assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    }

    #[tokio::test]
    async fn idle_connections_do_not_hold_the_callback_back() {
        let receiver = LoopbackReceiver::bind().await.unwrap();
        let port = receiver.port();
        let cancel = CancellationToken::new();
        let waiting =
            tokio::spawn(
                async move { receiver.wait("st", Duration::from_secs(30), &cancel).await },
            );
        // Another local process opens connections and sends nothing. Served one at a time, each
        // held the listener for its whole 5 s limit: 8 of them outlast the 30 s sign-in.
        let mut idle = Vec::new();
        for _ in 0..8 {
            idle.push(TcpStream::connect(("127.0.0.1", port)).await.unwrap());
        }
        let answer = get(port, "/callback?code=abc&state=st").await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert_eq!(
            waiting.await.unwrap().unwrap(),
            Callback::Code("abc".into())
        );
        drop(idle);
    }

    #[tokio::test]
    async fn refusal_timeout_and_cancel_are_distinct() {
        let receiver = LoopbackReceiver::bind().await.unwrap();
        let port = receiver.port();
        let cancel = CancellationToken::new();
        let waiting =
            tokio::spawn(
                async move { receiver.wait("st", Duration::from_secs(10), &cancel).await },
            );
        get(
            port,
            "/callback?error=access_denied&error_description=no&state=st",
        )
        .await;
        assert!(matches!(
            waiting.await.unwrap(),
            Ok(Callback::Refused { error, .. }) if error == "access_denied"
        ));

        let receiver = LoopbackReceiver::bind().await.unwrap();
        let cancel = CancellationToken::new();
        let timed_out = receiver
            .wait("st", Duration::from_millis(50), &cancel)
            .await;
        assert!(matches!(timed_out, Err(SignInError::TimedOut(_))));

        let receiver = LoopbackReceiver::bind().await.unwrap();
        let cancel = CancellationToken::new();
        cancel.cancel();
        let cancelled = receiver.wait("st", Duration::from_secs(10), &cancel).await;
        assert!(matches!(cancelled, Err(SignInError::Cancelled)));
    }
}
