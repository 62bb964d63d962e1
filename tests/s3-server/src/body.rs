//! Bodies the fault layer puts around s3s's: a response body cut off after N bytes (then the
//! connection is reset), and a request body that checks `Content-MD5` before its end reaches the
//! store, so a bad digest leaves nothing behind (s3s-fs compares only after it has renamed the
//! file into place).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use base64::Engine as _;
use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use md5::{Digest, Md5};

use crate::server::ConnectionHandle;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A response body: s3s's own, or s3s's own cut short.
pub(crate) enum ResponseBody {
    Whole(s3s::Body),
    Cut {
        inner: s3s::Body,
        left: u64,
        connection: ConnectionHandle,
    },
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            ResponseBody::Whole(inner) => Pin::new(inner).poll_frame(cx),
            ResponseBody::Cut {
                inner,
                left,
                connection,
            } => {
                if *left == 0 {
                    // Everything allowed is out; hyper flushes it before this task yields, then
                    // the connection task resets the socket. This body never ends.
                    connection.reset();
                    return Poll::Pending;
                }
                match Pin::new(inner).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                        Ok(mut data) => {
                            let n = usize::try_from(*left).unwrap_or(usize::MAX).min(data.len());
                            data.truncate(n);
                            *left -= n as u64;
                            Poll::Ready(Some(Ok(Frame::data(data))))
                        }
                        Err(frame) => Poll::Ready(Some(Ok(frame))),
                    },
                    other => other,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ResponseBody::Whole(inner) => inner.is_end_stream(),
            ResponseBody::Cut { .. } => false,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            ResponseBody::Whole(inner) | ResponseBody::Cut { inner, .. } => inner.size_hint(),
        }
    }
}

/// The decoded `Content-MD5` of a request, when it is worth checking: a valid 16-byte digest on a
/// body that is not aws-chunked (whose bytes on the wire include chunk signatures).
pub(crate) fn expected_md5(headers: &hyper::HeaderMap) -> Option<[u8; 16]> {
    let streaming = headers
        .get("x-amz-content-sha256")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("STREAMING-"));
    let chunked = headers
        .get(hyper::header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("aws-chunked"));
    if streaming || chunked {
        return None;
    }
    let value = headers.get("content-md5")?.to_str().ok()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value.trim())
        .ok()?;
    bytes.try_into().ok()
}

/// A request body that fails instead of ending when its MD5 is not `expected`; `mismatch` says so
/// to the layer, which then answers 400 BadDigest.
pub(crate) struct Md5Checked {
    inner: Incoming,
    hasher: Md5,
    expected: [u8; 16],
    mismatch: Arc<AtomicBool>,
}

impl Md5Checked {
    pub fn new(inner: Incoming, expected: [u8; 16], mismatch: Arc<AtomicBool>) -> Self {
        Md5Checked {
            inner,
            hasher: Md5::new(),
            expected,
            mismatch,
        }
    }
}

impl Body for Md5Checked {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.hasher.update(data);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(Box::new(e)))),
            Poll::Ready(None) => {
                let actual: [u8; 16] = this.hasher.finalize_reset().into();
                if actual == this.expected {
                    Poll::Ready(None)
                } else {
                    this.mismatch.store(true, Ordering::SeqCst);
                    Poll::Ready(Some(Err("Content-MD5 does not match the body".into())))
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        // The end is where the digest is checked, so it is never announced early.
        false
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
