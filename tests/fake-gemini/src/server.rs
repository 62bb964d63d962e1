//! The accept loop. It is ours rather than `axum::serve` so a handler can drop its own connection
//! (the `reset` scenario) and so stopping the fake also drops connections that hang.

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tower_service::Service;

/// Lets a handler close the connection its request came on. Present in every request's extensions.
#[derive(Debug, Clone, Default)]
pub struct ConnectionHandle(Arc<Notify>);

impl ConnectionHandle {
    /// Closes the connection with a TCP reset, without an answer.
    pub fn reset(&self) {
        // `notify_one` keeps a permit, so this works even before the connection task waits.
        self.0.notify_one();
    }
}

/// Serves `app` on `listener` until the task is aborted; aborting also drops every connection.
pub async fn serve(listener: TcpListener, app: Router) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, app.clone()));
                }
                Err(e) => {
                    // E.g. too many open files: back off instead of spinning.
                    eprintln!("fake-gemini: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: TcpStream, app: Router) {
    let _ = stream.set_nodelay(true);
    // A second descriptor of the same socket: hyper owns the stream, and a reset needs to set
    // SO_LINGER 0 on the socket before the last descriptor is closed.
    let Some((stream, twin)) = split_twin(stream) else {
        return;
    };
    let handle = ConnectionHandle::default();
    let reset = handle.0.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(handle.clone());
        let mut app = app.clone();
        async move { app.call(request).await }
    });
    let served =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = served => {}
        () = reset.notified() => {
            let _ = twin.set_zero_linger();
        }
    }
}

fn split_twin(stream: TcpStream) -> Option<(TcpStream, TcpStream)> {
    let std = stream.into_std().ok()?;
    let twin = std.try_clone().ok()?;
    Some((
        TcpStream::from_std(std).ok()?,
        TcpStream::from_std(twin).ok()?,
    ))
}
