//! Scripted faults: what a test asks the server to do wrong, and the book that decides, request by
//! request, which fault (if any) applies. Every rule counts the requests that match its target
//! from the moment it is installed, so "the k-th PutObject from now" is deterministic no matter
//! what other rules do.

use std::time::Duration;

use s3s::{S3Error, S3ErrorCode};

use crate::ops::Op;

/// Which requests a fault looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Any,
    Op(Op),
}

impl From<Op> for Target {
    fn from(op: Op) -> Self {
        Target::Op(op)
    }
}

impl Target {
    fn matches(self, op: Op) -> bool {
        match self {
            Target::Any => true,
            Target::Op(target) => target == op,
        }
    }
}

/// An S3 error answer: status, `<Code>` and `<Message>`, in s3s's XML error format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ErrorAnswer {
    pub fn new(status: u16, code: &str, message: &str) -> Self {
        ErrorAnswer {
            status,
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    /// 503 SlowDown, S3's throttling answer (retried by the SDK).
    pub fn slow_down() -> Self {
        Self::new(503, "SlowDown", "Please reduce your request rate.")
    }

    /// 500 InternalError (retried by the SDK).
    pub fn internal_error() -> Self {
        Self::new(
            500,
            "InternalError",
            "We encountered an internal error. Please try again.",
        )
    }

    /// 503 ServiceUnavailable.
    pub fn service_unavailable() -> Self {
        Self::new(
            503,
            "ServiceUnavailable",
            "Service is unable to handle request.",
        )
    }

    /// 429 TooManyRequests (what some S3-compatible stores send instead of SlowDown).
    pub fn too_many_requests() -> Self {
        Self::new(429, "TooManyRequests", "Too many requests.")
    }

    /// 412 PreconditionFailed, as for `If-None-Match: *` on an existing key.
    pub fn precondition_failed() -> Self {
        Self::new(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
        )
    }

    /// 409 ConditionalRequestConflict: AWS's answer to a concurrent conditional write.
    pub fn conditional_request_conflict() -> Self {
        Self::new(
            409,
            "ConditionalRequestConflict",
            "A conflicting conditional operation is currently in progress against this resource.",
        )
    }

    /// 403 RequestTimeTooSkewed, the answer to a request signed with a clock off by > 15 min.
    pub fn request_time_too_skewed() -> Self {
        Self::new(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the server's time is too large.",
        )
    }

    /// 403 AccessDenied.
    pub fn access_denied() -> Self {
        Self::new(403, "AccessDenied", "Access Denied")
    }

    /// The answer as s3s would serialise it.
    pub(crate) fn to_response(&self) -> s3s::HttpResponse {
        let code = self
            .code
            .parse::<S3ErrorCode>()
            .unwrap_or(S3ErrorCode::InternalError);
        let mut error = S3Error::with_message(code, self.message.clone());
        if let Ok(status) = hyper::StatusCode::from_u16(self.status) {
            error.set_status_code(status);
        }
        error.to_http_response().unwrap_or_else(|_| {
            let mut response = s3s::HttpResponse::new(s3s::Body::from(self.message.clone()));
            *response.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
            response
        })
    }
}

/// What the server does to a request a fault fires for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer this error; the request never reaches the store.
    Error(ErrorAnswer),
    /// Wait this long, then serve normally. Adds up with other delays firing for the same request.
    Delay(Duration),
    /// Serve normally, but send only the headers and the first `after_bytes` bytes of the body,
    /// then reset the connection (TCP RST).
    CutBody { after_bytes: u64 },
    /// Reset the connection without an answer; the request never reaches the store.
    ResetBeforeApplying,
    /// Let the store apply the request, then reset the connection instead of answering: the
    /// "lost response" case (the write happened, the client cannot know).
    ResetAfterApplying,
    /// Serve normally with the response `Date` header moved by this many seconds (a server clock
    /// that disagrees with the device).
    ShiftDate { secs: i64 },
    /// Hold the request until the test opens the gate, then serve it normally: a request "in
    /// flight" for exactly as long as a test needs, with no sleeps.
    Hold(Gate),
}

/// A gate a held request waits at. Clones are the same gate.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    inner: std::sync::Arc<GateInner>,
}

#[derive(Debug, Default)]
struct GateInner {
    /// Requests that reached the gate so far.
    arrived: tokio::sync::watch::Sender<u64>,
    open: tokio::sync::watch::Sender<bool>,
}

impl PartialEq for Gate {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for Gate {}

impl Gate {
    pub fn new() -> Self {
        Self::default()
    }

    /// Waits until `n` requests have reached the gate.
    pub async fn arrived(&self, n: u64) {
        let mut arrived = self.inner.arrived.subscribe();
        let _ = arrived.wait_for(|count| *count >= n).await;
    }

    /// Lets every held request (and every later one) through.
    pub fn open(&self) {
        self.inner.open.send_replace(true);
    }

    pub(crate) async fn pass(&self) {
        let mut open = self.inner.open.subscribe();
        self.inner.arrived.send_modify(|count| *count += 1);
        let _ = open.wait_for(|open| *open).await;
    }
}

impl FaultAction {
    pub(crate) fn name(&self) -> String {
        match self {
            FaultAction::Error(e) => format!("error {} {}", e.status, e.code),
            FaultAction::Delay(d) => format!("delay {} ms", d.as_millis()),
            FaultAction::CutBody { after_bytes } => format!("cut body after {after_bytes} B"),
            FaultAction::ResetBeforeApplying => "reset before applying".into(),
            FaultAction::ResetAfterApplying => "reset after applying".into(),
            FaultAction::ShiftDate { secs } => format!("shift Date by {secs} s"),
            FaultAction::Hold(_) => "hold at a gate".into(),
        }
    }
}

/// One scripted fault: "the requests number `skip + 1` to `skip + times` that match `target`,
/// counted from when it is installed, get `action`".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub target: Target,
    /// Matching requests let through before the fault starts firing.
    pub skip: u64,
    /// How many matching requests it fires for; `None` = every one from then on.
    pub times: Option<u64>,
    pub action: FaultAction,
}

impl Fault {
    /// Fires for the next matching request.
    pub fn new(target: impl Into<Target>, action: FaultAction) -> Self {
        Fault {
            target: target.into(),
            skip: 0,
            times: Some(1),
            action,
        }
    }

    /// Shorthand for an [`FaultAction::Error`] fault.
    pub fn error(target: impl Into<Target>, answer: ErrorAnswer) -> Self {
        Self::new(target, FaultAction::Error(answer))
    }

    /// Fires for `n` matching requests in a row.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Fires for every matching request until cleared.
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    /// Starts with the `k`-th matching request (1-based) instead of the next one.
    pub fn nth(mut self, k: u64) -> Self {
        self.skip = k.saturating_sub(1);
        self
    }
}

#[derive(Debug)]
struct Rule {
    fault: Fault,
    seen: u64,
}

impl Rule {
    /// Counts one matching request; whether the fault fires for it.
    fn count(&mut self) -> bool {
        let index = self.seen;
        self.seen += 1;
        index >= self.fault.skip && self.fault.times.is_none_or(|t| index - self.fault.skip < t)
    }

    fn used_up(&self) -> bool {
        self.fault
            .times
            .is_some_and(|t| self.seen >= self.fault.skip.saturating_add(t))
    }
}

/// What the faults decided for one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Sum of the delays that fired.
    pub delay: Duration,
    /// The first non-delay action that fired, in installation order.
    pub action: Option<FaultAction>,
    /// Names of every action that fired, for the request log.
    pub fired: Vec<String>,
}

/// The installed faults, oldest first.
#[derive(Debug, Default)]
pub struct FaultBook {
    rules: Vec<Rule>,
}

impl FaultBook {
    pub fn push(&mut self, fault: Fault) {
        self.rules.push(Rule { fault, seen: 0 });
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Faults that can still fire.
    pub fn pending(&self) -> Vec<Fault> {
        self.rules.iter().map(|r| r.fault.clone()).collect()
    }

    /// Counts the request against every rule and says what fires. Used-up rules are dropped.
    pub fn decide(&mut self, op: Op) -> Decision {
        let mut decision = Decision::default();
        for rule in &mut self.rules {
            if !rule.fault.target.matches(op) || !rule.count() {
                continue;
            }
            decision.fired.push(rule.fault.action.name());
            match &rule.fault.action {
                FaultAction::Delay(d) => decision.delay += *d,
                action if decision.action.is_none() => decision.action = Some(action.clone()),
                _ => {}
            }
        }
        self.rules.retain(|r| !r.used_up());
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fires(book: &mut FaultBook, op: Op) -> bool {
        book.decide(op).action.is_some()
    }

    #[test]
    fn the_kth_request_of_a_kind_fires_whatever_else_happens() {
        let mut book = FaultBook::default();
        book.push(
            Fault::error(Op::PutObject, ErrorAnswer::slow_down())
                .nth(3)
                .times(2),
        );
        let seq: Vec<bool> = [Op::PutObject, Op::GetObject, Op::PutObject, Op::PutObject]
            .into_iter()
            .chain([Op::PutObject, Op::PutObject])
            .map(|op| fires(&mut book, op))
            .collect();
        assert_eq!(seq, [false, false, false, true, true, false]);
        assert!(book.pending().is_empty(), "a used-up fault is dropped");
    }

    #[test]
    fn delays_add_up_and_the_oldest_answer_wins() {
        let mut book = FaultBook::default();
        book.push(Fault::new(Target::Any, FaultAction::Delay(Duration::from_millis(5))).always());
        book.push(Fault::error(Op::GetObject, ErrorAnswer::internal_error()));
        book.push(Fault::error(Target::Any, ErrorAnswer::slow_down()));
        book.push(Fault::new(
            Op::GetObject,
            FaultAction::Delay(Duration::from_millis(7)),
        ));
        let d = book.decide(Op::GetObject);
        assert_eq!(d.delay, Duration::from_millis(12));
        assert_eq!(
            d.action,
            Some(FaultAction::Error(ErrorAnswer::internal_error()))
        );
        assert_eq!(d.fired.len(), 4);
        let d = book.decide(Op::GetObject);
        assert_eq!((d.delay, d.action), (Duration::from_millis(5), None));
        assert_eq!(book.pending().len(), 1, "only the endless delay is left");
    }
}
