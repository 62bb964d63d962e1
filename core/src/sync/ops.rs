//! How operations are packed for the bucket: a segment is an immutable, gzip-compressed batch of
//! them (a JSON header line, then one operation per line), written once under a key only its
//! device writes. What an operation says is the library's ([`crate::library::replica::records`]).

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SyncError;
use crate::library::replica::{KNOWN_KINDS, MAX_OPS_PER_SEGMENT, Op, PackedSegment};

/// The format this version writes and reads. A segment or library of a newer format stops the
/// sync with "update Nanoforge" instead of being misread.
pub const FORMAT: u32 = 1;
/// A segment larger than this unpacked is refused (a broken or hostile bucket).
const MAX_SEGMENT_BYTES: u64 = 64 * 1024 * 1024;
/// The most a segment may weigh in the bucket (compressed); larger ones are not read.
pub const MAX_PACKED_SEGMENT_BYTES: u64 = 64 * 1024 * 1024;

/// The first line of a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentHeader {
    pub format: u32,
    pub device: String,
    pub seq: i64,
    pub ops: usize,
}

/// A segment as read: the operations this version applies, and the kinds it had that this version
/// does not know (kept for a rescan after an upgrade).
#[derive(Debug, Clone, PartialEq)]
pub struct Unpacked {
    pub ops: Vec<Op>,
    pub unknown_kinds: Vec<String>,
}

pub fn pack(device: &str, seq: i64, ops: &[Op]) -> Result<PackedSegment, SyncError> {
    let header = SegmentHeader {
        format: FORMAT,
        device: device.to_owned(),
        seq,
        ops: ops.len(),
    };
    let mut text = Vec::new();
    push_line(&mut text, &header)?;
    for op in ops {
        push_line(&mut text, op)?;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text)
        .and_then(|()| gz.flush())
        .map_err(|e| SyncError::Corrupt(format!("could not compress a segment: {e}")))?;
    let body = gz
        .finish()
        .map_err(|e| SyncError::Corrupt(format!("could not compress a segment: {e}")))?;
    let sha256 = hex(&Sha256::digest(&body));
    Ok(PackedSegment { body, sha256 })
}

/// Reads a segment of `device` numbered `seq`. Operations of kinds this version does not know
/// (added by a newer one in the same format) are set aside by kind, not applied.
pub fn unpack(body: &[u8], device: &str, seq: i64) -> Result<Unpacked, SyncError> {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(MAX_SEGMENT_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| SyncError::Corrupt(format!("segment {seq} of {device} is not gzip: {e}")))?;
    if text.len() as u64 > MAX_SEGMENT_BYTES {
        return Err(SyncError::Corrupt(format!(
            "segment {seq} of {device} is too large"
        )));
    }
    let mut lines = text.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let header: SegmentHeader = lines
        .next()
        .and_then(|l| serde_json::from_slice(l).ok())
        .ok_or_else(|| SyncError::Corrupt(format!("segment {seq} of {device} has no header")))?;
    if header.format > FORMAT {
        return Err(SyncError::FormatTooNew(header.format));
    }
    if header.device != device || header.seq != seq {
        return Err(SyncError::Corrupt(format!(
            "segment {seq} of {device} says it is segment {} of {}",
            header.seq, header.device
        )));
    }
    // The header's count is the bucket's word: it sizes nothing (a hostile count must not
    // allocate), and one past what a device ever writes is refused.
    if header.ops > MAX_OPS_PER_SEGMENT {
        return Err(SyncError::Corrupt(format!(
            "segment {seq} of {device} claims {} operations (at most {MAX_OPS_PER_SEGMENT})",
            header.ops
        )));
    }
    let mut unpacked = Unpacked {
        ops: Vec::new(),
        unknown_kinds: Vec::new(),
    };
    for line in lines {
        if unpacked.ops.len() + unpacked.unknown_kinds.len() > MAX_OPS_PER_SEGMENT {
            return Err(SyncError::Corrupt(format!(
                "segment {seq} of {device} holds more than {MAX_OPS_PER_SEGMENT} operations"
            )));
        }
        #[derive(Deserialize)]
        struct Tag {
            op: String,
        }
        let kind = serde_json::from_slice::<Tag>(line).map(|t| t.op);
        match kind {
            Ok(kind) if !KNOWN_KINDS.contains(&kind.as_str()) => {
                if !unpacked.unknown_kinds.contains(&kind) {
                    unpacked.unknown_kinds.push(kind);
                }
            }
            _ => match serde_json::from_slice::<Op>(line) {
                Ok(op) => match op.check() {
                    Ok(()) => unpacked.ops.push(op),
                    // A bucket's ids are never trusted: such an operation is skipped, not applied.
                    Err(why) => {
                        tracing::warn!(device, seq, why, "skipping an operation with bad ids")
                    }
                },
                Err(e) => {
                    tracing::warn!(device, seq, error = %e, "skipping an operation that does not read")
                }
            },
        }
    }
    Ok(unpacked)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn push_line<T: Serialize>(out: &mut Vec<u8>, value: &T) -> Result<(), SyncError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| SyncError::Corrupt(e.to_string()))?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::replica::Field;
    use serde_json::Value;

    #[test]
    fn segments_round_trip_and_refuse_what_they_are_not() {
        let ops = vec![
            Op::Set {
                id: "0190a5c4-7b1e-7c3d-8e9f-0a1b2c3d4e5f".into(),
                hlc: 42,
                field: Field::Rating,
                value: Value::from(4),
            },
            Op::Purge {
                id: "0190a5c4-7b1e-7c3d-8e9f-0a1b2c3d4e60".into(),
                hlc: 43,
            },
        ];
        let packed = pack("dev-a", 7, &ops).unwrap();
        assert_eq!(unpack(&packed.body, "dev-a", 7).unwrap().ops, ops);
        assert!(matches!(
            unpack(&packed.body, "dev-b", 7),
            Err(SyncError::Corrupt(_))
        ));
        assert!(matches!(
            unpack(b"not gzip", "dev-a", 7),
            Err(SyncError::Corrupt(_))
        ));
        assert_eq!(
            packed.sha256,
            pack("dev-a", 7, &ops).unwrap().sha256,
            "deterministic bytes"
        );

        let newer = format!(
            "{}\n",
            serde_json::json!({"format": FORMAT + 1, "device": "dev-a", "seq": 1, "ops": 0})
        );
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(newer.as_bytes()).unwrap();
        let body = gz.finish().unwrap();
        assert!(matches!(
            unpack(&body, "dev-a", 1),
            Err(SyncError::FormatTooNew(_))
        ));
    }

    fn gz(text: &str) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn a_huge_operation_count_is_refused_without_allocating_it() {
        let evil = format!(
            "{}\n",
            serde_json::json!({"format": 1, "device": "evil", "seq": 1, "ops": 1_000_000_000_000u64})
        );
        let err = unpack(&gz(&evil), "evil", 1).unwrap_err();
        assert!(
            matches!(&err, SyncError::Corrupt(m) if m.contains("claims")),
            "{err}"
        );
    }

    #[test]
    fn kinds_from_a_newer_version_are_set_aside_by_name() {
        let text = [
            serde_json::json!({"format": 1, "device": "d", "seq": 2, "ops": 3}).to_string(),
            serde_json::json!({"op": "purge", "id": "0190a5c4-7b1e-7c3d-8e9f-0a1b2c3d4e5f", "hlc": 1}).to_string(),
            serde_json::json!({"op": "storyboard", "id": "a", "hlc": 2, "name": "Trips"}).to_string(),
            serde_json::json!({"op": "storyboard", "id": "b", "hlc": 3, "name": "Cats"}).to_string(),
        ]
        .join("\n");
        let unpacked = unpack(&gz(&text), "d", 2).unwrap();
        assert_eq!(unpacked.ops.len(), 1);
        assert_eq!(unpacked.unknown_kinds, vec!["storyboard".to_owned()]);
    }

    #[test]
    fn operations_with_ids_that_are_not_uuids_or_not_their_records_are_skipped() {
        let good = "0190a5c4-7b1e-7c3d-8e9f-0a1b2c3d4e5f";
        let other = "0190a5c4-7b1e-7c3d-8e9f-0a1b2c3d4e60";
        let text = [
            serde_json::json!({"format": 1, "device": "d", "seq": 1, "ops": 6}).to_string(),
            serde_json::json!({"op": "purge", "id": "../../x", "hlc": 1}).to_string(),
            serde_json::json!({"op": "purge", "id": good.to_uppercase(), "hlc": 1}).to_string(),
            serde_json::json!({"op": "image", "id": good, "hlc": 2, "record": {"id": other}})
                .to_string(),
            serde_json::json!({"op": "image", "id": good, "hlc": 2,
                "record": {"id": good, "job_id": "../j"}})
            .to_string(),
            serde_json::json!({"op": "set", "id": "a/b", "hlc": 3, "field": "rating", "value": 1})
                .to_string(),
            serde_json::json!({"op": "image", "id": good, "hlc": 4, "record": {"id": good}})
                .to_string(),
        ]
        .join("\n");
        let unpacked = unpack(&gz(&text), "d", 1).unwrap();
        assert_eq!(unpacked.ops.len(), 1, "{:?}", unpacked.ops);
        assert_eq!(unpacked.ops[0].hlc(), 4);
    }
}
