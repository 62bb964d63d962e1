//! The fault layer: a hyper service in front of s3s's. For each request it classifies the
//! operation, counts and logs it, lets the fault book decide, applies delays and scripted answers,
//! serialises writes per key (which makes `If-None-Match: *` atomic), checks `Content-MD5` before
//! the store commits, and rewrites or cuts the answer when a fault says so.
//!
//! It sits in front of s3s rather than inside an `S3` trait wrapper because half the faults live
//! below the S3 model: connection resets, cut bodies, `Date` headers, and answers to requests that
//! never pass authentication.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use hyper::body::Incoming;
use hyper::header::{DATE, HeaderValue};
use hyper::{Request, Response};
use s3s::service::S3Service;

use crate::body::{Md5Checked, ResponseBody, expected_md5};
use crate::faults::{ErrorAnswer, Fault, FaultAction, FaultBook};
use crate::ops::{Classified, Counts, Op, classify, split_path};
use crate::server::ConnectionHandle;

/// One request as the server saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Arrival order since the server started (not reset by `reset_counts`).
    pub seq: u64,
    pub op: Op,
    /// The S3 operation name, e.g. `PutObject`, `HeadBucket`.
    pub name: &'static str,
    pub method: String,
    pub bucket: String,
    pub key: String,
    /// Whether it carried `If-None-Match: *`.
    pub if_none_match_any: bool,
    /// The answer's status; `None` while in flight or when the connection was reset instead.
    pub status: Option<u16>,
    /// The faults that fired for it.
    pub faults: Vec<String>,
}

#[derive(Debug, Default)]
struct State {
    faults: FaultBook,
    counts: Counts,
    requests: Vec<RecordedRequest>,
    next_seq: u64,
}

/// A (bucket, key) pair.
type ObjectId = (String, String);
type KeyLock = Arc<tokio::sync::Mutex<()>>;

/// One async mutex per (bucket, key) currently being written; entries go when unused.
#[derive(Debug, Default)]
struct KeyLocks(Mutex<HashMap<ObjectId, KeyLock>>);

impl KeyLocks {
    fn entry(&self, id: &ObjectId) -> KeyLock {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(id.clone()).or_default().clone()
    }

    fn release(&self, id: &ObjectId, lock: KeyLock) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        drop(lock);
        if map.get(id).is_some_and(|l| Arc::strong_count(l) == 1) {
            map.remove(id);
        }
    }
}

/// State shared by the layer and the [`S3Server`](crate::S3Server) handle.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    state: Mutex<State>,
    locks: KeyLocks,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not wedge the server: the state stays usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn push_fault(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

    pub fn clear_faults(&self) {
        self.state().faults.clear();
    }

    pub fn pending_faults(&self) -> Vec<Fault> {
        self.state().faults.pending()
    }

    pub fn counts(&self) -> Counts {
        self.state().counts
    }

    pub fn reset_counts(&self) {
        let mut state = self.state();
        state.counts = Counts::default();
        state.requests.clear();
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state().requests.clone()
    }

    fn set_status(&self, seq: u64, status: u16) {
        let mut state = self.state();
        if let Some(r) = state.requests.iter_mut().rev().find(|r| r.seq == seq) {
            r.status = Some(status);
        }
    }
}

/// Writes that must not interleave with another write of the same key.
fn is_keyed_write(c: &Classified) -> bool {
    matches!(
        c.name,
        "PutObject" | "CopyObject" | "CompleteMultipartUpload" | "DeleteObject"
    )
}

#[derive(Clone)]
pub(crate) struct Layer {
    pub inner: S3Service,
    pub shared: Arc<Shared>,
    /// The store's root folder (a bucket is a folder in it).
    pub root: std::path::PathBuf,
}

type HandlerResult = Result<Response<ResponseBody>, s3s::HttpError>;

impl Layer {
    pub async fn handle(
        &self,
        request: Request<Incoming>,
        conn: ConnectionHandle,
    ) -> HandlerResult {
        let (parts, body) = request.into_parts();
        let copy_source = parts.headers.contains_key("x-amz-copy-source");
        let classified = classify(
            &parts.method,
            parts.uri.path(),
            parts.uri.query(),
            copy_source,
        );
        let (bucket, key) = split_path(parts.uri.path());
        let listed_bucket = (classified.op == Op::ListObjectsV2).then(|| bucket.clone());
        let if_none_match_any = parts
            .headers
            .get(hyper::header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == b"*");

        let (seq, decision) = {
            let mut state = self.shared.state();
            let seq = state.next_seq;
            state.next_seq += 1;
            state.counts.add(classified);
            let decision = state.faults.decide(classified.op);
            state.requests.push(RecordedRequest {
                seq,
                op: classified.op,
                name: classified.name,
                method: parts.method.to_string(),
                bucket: bucket.clone(),
                key: key.clone(),
                if_none_match_any,
                status: None,
                faults: decision.fired.clone(),
            });
            (seq, decision)
        };
        if !decision.delay.is_zero() {
            tokio::time::sleep(decision.delay).await;
        }
        if let Some(FaultAction::Hold(gate)) = &decision.action {
            gate.pass().await;
        }
        match decision.action {
            Some(FaultAction::Error(answer)) => {
                return Ok(self.finish(seq, answer.to_response().map(ResponseBody::Whole)));
            }
            Some(FaultAction::ResetBeforeApplying) => return reset(conn).await,
            _ => {}
        }

        let mismatch = Arc::new(AtomicBool::new(false));
        let body = match expected_md5(&parts.headers) {
            Some(md5) if classified.op == Op::PutObject => {
                s3s::Body::http_body_unsync(Md5Checked::new(body, md5, mismatch.clone()))
            }
            _ => s3s::Body::from(body),
        };
        let request = Request::from_parts(parts, body);

        let response = if is_keyed_write(&classified) {
            let id = (bucket, key);
            let lock = self.shared.locks.entry(&id);
            let response = {
                let _guard = lock.lock().await;
                self.inner.call(request).await
            };
            self.shared.locks.release(&id, lock);
            response
        } else {
            self.inner.call(request).await
        };
        // s3s's own errors are answers already; an Err here means "abort the connection".
        let mut response = response?;
        if let Some(bucket) = listed_bucket
            && response.status().is_success()
        {
            response = self.with_listed_etags(response, &bucket).await;
        }
        if mismatch.load(Ordering::SeqCst) {
            let answer = ErrorAnswer::new(
                400,
                "BadDigest",
                "The Content-MD5 you specified did not match what we received.",
            );
            response = answer.to_response();
        }

        let response = match decision.action {
            Some(FaultAction::ResetAfterApplying) => {
                drop(response);
                return reset(conn).await;
            }
            Some(FaultAction::ShiftDate { secs }) => {
                let mut response = response;
                response.headers_mut().insert(DATE, shifted_date(secs));
                response.map(ResponseBody::Whole)
            }
            Some(FaultAction::CutBody { after_bytes }) => response.map(|inner| ResponseBody::Cut {
                inner,
                left: after_bytes,
                connection: conn,
            }),
            _ => response.map(ResponseBody::Whole),
        };
        Ok(self.finish(seq, response))
    }

    /// See `list_etags`: the listing gets the ETags s3s-fs leaves out.
    async fn with_listed_etags(
        &self,
        response: Response<s3s::Body>,
        bucket: &str,
    ) -> Response<s3s::Body> {
        let (mut parts, mut body) = response.into_parts();
        let Ok(bytes) = body.store_all_limited(64 << 20).await else {
            return Response::from_parts(parts, s3s::Body::empty());
        };
        let xml = String::from_utf8_lossy(&bytes);
        let filled = crate::list_etags::add_etags(&xml, &self.root.join(bucket));
        parts.headers.insert(
            hyper::header::CONTENT_LENGTH,
            HeaderValue::from(filled.len()),
        );
        Response::from_parts(parts, s3s::Body::from(filled))
    }

    fn finish(&self, seq: u64, response: Response<ResponseBody>) -> Response<ResponseBody> {
        self.shared.set_status(seq, response.status().as_u16());
        response
    }
}

/// Resets the connection instead of answering; the future never resolves (the connection task
/// drops it with the socket).
async fn reset(conn: ConnectionHandle) -> HandlerResult {
    conn.reset();
    std::future::pending().await
}

fn shifted_date(secs: i64) -> HeaderValue {
    let now = SystemTime::now();
    let delta = Duration::from_secs(secs.unsigned_abs());
    let at = if secs >= 0 {
        now.checked_add(delta)
    } else {
        now.checked_sub(delta)
    }
    .unwrap_or(now);
    HeaderValue::from_str(&httpdate::fmt_http_date(at))
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}
