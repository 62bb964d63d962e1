//! The accept loop: one hyper HTTP/1.1 connection per socket on 127.0.0.1, each able to end itself
//! with a TCP reset (the connection faults), and all of them dropped when the server stops.

use std::sync::Arc;

use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::layer::Layer;

/// Lets the fault layer end the connection its request came on with a TCP reset.
#[derive(Debug, Clone, Default)]
pub(crate) struct ConnectionHandle(Arc<Notify>);

impl ConnectionHandle {
    pub fn reset(&self) {
        // `notify_one` keeps a permit, so this works even before the connection task waits.
        self.0.notify_one();
    }
}

/// Serves until the task is aborted; aborting drops every open connection too.
pub(crate) async fn serve(listener: TcpListener, layer: Layer) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(connection(stream, layer.clone()));
                }
                Err(e) => {
                    // E.g. too many open files: back off instead of spinning.
                    eprintln!("s3-test-server: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn connection(stream: TcpStream, layer: Layer) {
    let _ = stream.set_nodelay(true);
    // A second descriptor of the same socket: hyper owns the stream, and a reset needs SO_LINGER 0
    // on the socket before the last descriptor is closed.
    let Some((stream, twin)) = split_twin(stream) else {
        return;
    };
    let handle = ConnectionHandle::default();
    let reset = handle.0.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let layer = layer.clone();
        let handle = handle.clone();
        async move { layer.handle(request, handle).await }
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
