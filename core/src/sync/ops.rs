//! What devices tell each other, and how it is packed. An operation is a fact about one job or
//! image with the version it was made at; a segment is an immutable, gzip-compressed batch of
//! them (a JSON header line, then one operation per line), written once under a key only its
//! device writes.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::SyncError;

/// The format this version writes and reads. A segment or library of a newer format stops the
/// sync with "update Nanoforge" instead of being misread.
pub const FORMAT: u32 = 1;
/// Operations per segment (and so the most one local transaction applies per segment).
pub const MAX_OPS_PER_SEGMENT: usize = 1000;
/// A segment larger than this unpacked is refused (a broken or hostile bucket).
const MAX_SEGMENT_BYTES: u64 = 64 * 1024 * 1024;

/// An image field that devices edit (last writer wins per field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Favourite,
    Rating,
    /// The value is the time it went to the trash, or null when restored.
    Trashed,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Favourite => "favourite",
            Field::Rating => "rating",
            Field::Trashed => "trashed",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        match s {
            "favourite" => Some(Field::Favourite),
            "rating" => Some(Field::Rating),
            "trashed" => Some(Field::Trashed),
            _ => None,
        }
    }

    /// The `images` column it lives in.
    pub fn column(self) -> &'static str {
        match self {
            Field::Favourite => "favourite",
            Field::Rating => "rating",
            Field::Trashed => "deleted_at",
        }
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// A job's synced columns as they are now (only the device that runs a job writes it, so a
    /// later record simply replaces an earlier one).
    Job {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// A new image: its immutable facts and its editable fields' first values.
    Image {
        id: String,
        hlc: i64,
        record: Map<String, Value>,
    },
    /// An edit of one field of an image.
    Set {
        id: String,
        hlc: i64,
        field: Field,
        value: Value,
    },
    /// Deleted forever, everywhere. Terminal: later operations about the image are ignored.
    Purge { id: String, hlc: i64 },
}

impl Op {
    pub fn hlc(&self) -> i64 {
        match self {
            Op::Job { hlc, .. }
            | Op::Image { hlc, .. }
            | Op::Set { hlc, .. }
            | Op::Purge { hlc, .. } => *hlc,
        }
    }
}

/// The first line of a segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentHeader {
    pub format: u32,
    pub device: String,
    pub seq: i64,
    pub ops: usize,
}

/// A packed segment and the hash of its bytes (to recognise our own after a lost answer).
#[derive(Debug, Clone)]
pub struct Packed {
    pub body: Vec<u8>,
    pub sha256: String,
}

pub fn pack(device: &str, seq: i64, ops: &[Op]) -> Result<Packed, SyncError> {
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
    Ok(Packed { body, sha256 })
}

/// Reads a segment of `device` numbered `seq`. Operations this version does not know (added by a
/// newer one in the same format) are skipped.
pub fn unpack(body: &[u8], device: &str, seq: i64) -> Result<Vec<Op>, SyncError> {
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
    let mut ops = Vec::with_capacity(header.ops);
    for line in lines {
        match serde_json::from_slice::<Op>(line) {
            Ok(op) => ops.push(op),
            Err(e) => {
                tracing::warn!(device, seq, error = %e, "skipping an operation this version does not know")
            }
        }
    }
    Ok(ops)
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

    #[test]
    fn segments_round_trip_and_refuse_what_they_are_not() {
        let ops = vec![
            Op::Set {
                id: "img".into(),
                hlc: 42,
                field: Field::Rating,
                value: Value::from(4),
            },
            Op::Purge {
                id: "gone".into(),
                hlc: 43,
            },
        ];
        let packed = pack("dev-a", 7, &ops).unwrap();
        assert_eq!(unpack(&packed.body, "dev-a", 7).unwrap(), ops);
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
}
