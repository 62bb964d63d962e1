//! s3s-fs 0.14 lists objects without their ETag, which every real S3 and R2 listing carries and
//! which sync relies on (a head whose ETag has not changed is not read again). The layer passes a
//! successful ListObjectsV2 answer through here to add, after each `<Key>`, the ETag that a HEAD
//! of the same object gives: the MD5 of its bytes (our objects are single-part).

use std::path::Path;

use md5::{Digest, Md5};

/// The listing `xml` of bucket folder `bucket_root`, with an `<ETag>` after every object key.
pub(crate) fn add_etags(xml: &str, bucket_root: &Path) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml;
    while let Some(start) = rest.find("<Contents>") {
        let (before, contents) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = contents.find("</Contents>") else {
            break;
        };
        let (object, after) = contents.split_at(end);
        out.push_str(&with_etag(object, bucket_root));
        rest = after;
    }
    out.push_str(rest);
    out
}

fn with_etag(object: &str, bucket_root: &Path) -> String {
    if object.contains("<ETag>") {
        return object.to_owned();
    }
    let key = object
        .split_once("<Key>")
        .and_then(|(_, k)| k.split_once("</Key>"))
        .map(|(k, _)| unescape(k));
    let Some(key) = key else {
        return object.to_owned();
    };
    let path = bucket_root.join(&key);
    let huge = std::fs::metadata(&path).is_ok_and(|m| m.len() > HASHED_UP_TO);
    let hex = match huge.then(|| recorded_etag(bucket_root, &key)).flatten() {
        Some(etag) => etag,
        None => {
            let Ok(bytes) = std::fs::read(&path) else {
                return object.to_owned();
            };
            Md5::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        }
    };
    let etag = format!("<ETag>&quot;{hex}&quot;</ETag>");
    object.replacen("</Key>", &format!("</Key>{etag}"), 1)
}

/// Objects larger than this are not read to be listed: their ETag is the one s3s-fs recorded
/// (its `.internal.json` beside the buckets, which its own HEAD and GET answer too). Only planted
/// hostile objects (`S3Server::plant_sparse`) are that large; smaller ones are hashed as they are
/// now, so a test that rewrites an object's file by hand still changes its listed ETag.
const HASHED_UP_TO: u64 = 64 << 20;

fn recorded_etag(bucket_root: &Path, key: &str) -> Option<String> {
    use base64::Engine;
    let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let bucket = bucket_root.file_name()?.to_str()?;
    let info = bucket_root.parent()?.join(format!(
        ".bucket-{}.object-{}.internal.json",
        encode(bucket),
        encode(key)
    ));
    let text = std::fs::read_to_string(info).ok()?;
    let (_, rest) = text.split_once(r#""e_tag":""#)?;
    rest.split_once('"').map(|(etag, _)| etag.to_owned())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_object_gets_the_md5_of_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/b.json"), b"hello").unwrap();
        let xml = "<R><Contents><Key>a/b.json</Key><Size>5</Size></Contents><Contents><Key>gone</Key></Contents></R>";
        assert_eq!(
            add_etags(xml, dir.path()),
            "<R><Contents><Key>a/b.json</Key><ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size></Contents><Contents><Key>gone</Key></Contents></R>"
        );
    }
}
