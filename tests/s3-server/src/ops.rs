//! Which S3 operation an HTTP request is (path-style addressing), which R2 billing class it falls
//! in, and the per-operation request counters. Classification reads only the method, the path,
//! the query keys and one header, so it works for requests that never pass authentication.

use std::collections::HashSet;

use hyper::Method;

/// The operations the counters and the fault targets tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    PutObject,
    GetObject,
    HeadObject,
    ListObjectsV2,
    DeleteObject,
    /// Everything else: buckets, multipart, copies, ListObjects v1, batch delete, …
    Other,
}

/// How R2 bills an operation (Class A = writes and lists, Class B = reads, deletes are free).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BillingClass {
    A,
    B,
    Free,
}

/// What a request is: its counted [`Op`], its billing class, and its name in S3's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    pub op: Op,
    pub class: BillingClass,
    pub name: &'static str,
}

/// Bucket and key of a path-style request path, percent-decoded. `("", "")` for the service root.
pub fn split_path(path: &str) -> (String, String) {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    let (bucket, key) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    (decode(bucket), decode(key))
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Classifies one request. `copy_source` is whether `x-amz-copy-source` is present.
pub fn classify(method: &Method, path: &str, query: Option<&str>, copy_source: bool) -> Classified {
    let keys: HashSet<String> = query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, _)| k.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let has = |k: &str| keys.contains(k);
    let list_v2 = query.is_some_and(|q| {
        form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "list-type" && v == "2")
    });
    let (bucket, key) = split_path(path);
    let m = method.as_str();
    use BillingClass::{A, B, Free};
    let (op, class, name) = if bucket.is_empty() {
        match m {
            "GET" => (Op::Other, A, "ListBuckets"),
            _ => (Op::Other, A, "Unknown"),
        }
    } else if key.is_empty() {
        match m {
            "GET" if list_v2 => (Op::ListObjectsV2, A, "ListObjectsV2"),
            "GET" if has("uploads") => (Op::Other, A, "ListMultipartUploads"),
            "GET" if has("location") => (Op::Other, B, "GetBucketLocation"),
            "GET" if keys.is_empty() || has("prefix") || has("marker") => {
                (Op::Other, A, "ListObjects")
            }
            "GET" => (Op::Other, B, "GetBucketConfiguration"),
            "HEAD" => (Op::Other, B, "HeadBucket"),
            "PUT" => (Op::Other, A, "CreateBucket"),
            "DELETE" => (Op::Other, Free, "DeleteBucket"),
            "POST" if has("delete") => (Op::Other, A, "DeleteObjects"),
            _ => (Op::Other, A, "Unknown"),
        }
    } else {
        match m {
            "PUT" if has("partNumber") && has("uploadId") => (Op::Other, A, "UploadPart"),
            "PUT" if copy_source => (Op::Other, A, "CopyObject"),
            "PUT" => (Op::PutObject, A, "PutObject"),
            "GET" if has("uploadId") => (Op::Other, A, "ListParts"),
            "GET" => (Op::GetObject, B, "GetObject"),
            "HEAD" => (Op::HeadObject, B, "HeadObject"),
            "DELETE" if has("uploadId") => (Op::Other, Free, "AbortMultipartUpload"),
            "DELETE" => (Op::DeleteObject, Free, "DeleteObject"),
            "POST" if has("uploads") => (Op::Other, A, "CreateMultipartUpload"),
            "POST" if has("uploadId") => (Op::Other, A, "CompleteMultipartUpload"),
            _ => (Op::Other, A, "Unknown"),
        }
    };
    Classified { op, class, name }
}

/// Requests received since the start or the last [`reset`](crate::S3Server::reset_counts), every
/// request counted once whatever its answer (faults, auth failures and 412s included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub put_object: u64,
    pub get_object: u64,
    pub head_object: u64,
    pub list_objects_v2: u64,
    pub delete_object: u64,
    pub other: u64,
    /// R2 Class A: lists, puts, copies, multipart, bucket writes.
    pub class_a: u64,
    /// R2 Class B: Get/Head object, HeadBucket, bucket reads.
    pub class_b: u64,
    /// Not billed by R2: DeleteObject, DeleteBucket, AbortMultipartUpload.
    pub free: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.class_a + self.class_b + self.free
    }

    pub fn of(&self, op: Op) -> u64 {
        match op {
            Op::PutObject => self.put_object,
            Op::GetObject => self.get_object,
            Op::HeadObject => self.head_object,
            Op::ListObjectsV2 => self.list_objects_v2,
            Op::DeleteObject => self.delete_object,
            Op::Other => self.other,
        }
    }

    pub(crate) fn add(&mut self, c: Classified) {
        let slot = match c.op {
            Op::PutObject => &mut self.put_object,
            Op::GetObject => &mut self.get_object,
            Op::HeadObject => &mut self.head_object,
            Op::ListObjectsV2 => &mut self.list_objects_v2,
            Op::DeleteObject => &mut self.delete_object,
            Op::Other => &mut self.other,
        };
        *slot += 1;
        match c.class {
            BillingClass::A => self.class_a += 1,
            BillingClass::B => self.class_b += 1,
            BillingClass::Free => self.free += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: Method, path: &str, query: Option<&str>) -> (Op, BillingClass, &'static str) {
        let c = classify(&method, path, query, false);
        (c.op, c.class, c.name)
    }

    #[test]
    fn object_and_bucket_requests_are_told_apart() {
        use BillingClass::{A, B, Free};
        assert_eq!(
            op(Method::PUT, "/b/k", None),
            (Op::PutObject, A, "PutObject")
        );
        assert_eq!(
            op(Method::GET, "/b/a/b%2Fc", Some("x-id=GetObject")).0,
            Op::GetObject
        );
        assert_eq!(
            op(Method::HEAD, "/b/k", None),
            (Op::HeadObject, B, "HeadObject")
        );
        assert_eq!(
            op(Method::DELETE, "/b/k", None),
            (Op::DeleteObject, Free, "DeleteObject")
        );
        assert_eq!(
            op(Method::GET, "/b", Some("list-type=2&prefix=p%2F")),
            (Op::ListObjectsV2, A, "ListObjectsV2")
        );
        assert_eq!(
            op(Method::GET, "/b/", Some("list-type=2")).0,
            Op::ListObjectsV2
        );
        assert_eq!(op(Method::GET, "/b", None), (Op::Other, A, "ListObjects"));
        assert_eq!(op(Method::HEAD, "/b", None), (Op::Other, B, "HeadBucket"));
        assert_eq!(op(Method::PUT, "/b", None), (Op::Other, A, "CreateBucket"));
        assert_eq!(op(Method::GET, "/", None), (Op::Other, A, "ListBuckets"));
        assert_eq!(
            op(Method::PUT, "/b/k", Some("partNumber=1&uploadId=u")).2,
            "UploadPart"
        );
        assert_eq!(op(Method::DELETE, "/b/k", Some("uploadId=u")).1, Free);
        let copy = classify(&Method::PUT, "/b/k", None, true);
        assert_eq!((copy.op, copy.name), (Op::Other, "CopyObject"));
    }

    #[test]
    fn paths_are_split_and_decoded() {
        assert_eq!(split_path("/b/a%20b/c"), ("b".into(), "a b/c".into()));
        assert_eq!(split_path("/b"), ("b".into(), String::new()));
        assert_eq!(split_path("/"), (String::new(), String::new()));
    }

    #[test]
    fn counts_add_up_by_op_and_class() {
        let mut counts = Counts::default();
        counts.add(classify(&Method::PUT, "/b/k", None, false));
        counts.add(classify(&Method::GET, "/b/k", None, false));
        counts.add(classify(&Method::DELETE, "/b/k", None, false));
        counts.add(classify(&Method::GET, "/b", Some("list-type=2"), false));
        assert_eq!((counts.class_a, counts.class_b, counts.free), (2, 1, 1));
        assert_eq!(counts.of(Op::ListObjectsV2), 1);
        assert_eq!(counts.total(), 4);
    }
}
