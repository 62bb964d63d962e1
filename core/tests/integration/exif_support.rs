//! EXIF built by hand for the copy and recall tests: TIFF blocks as AUTOMATIC1111 (piexif),
//! exiftool and ComfyUI write them, and the JPEG and WebP files that carry them, intact or broken.
//! Built byte by byte rather than with the crates the core uses, so the tests do not check the
//! core against itself.
#![allow(dead_code)]

/// One IFD entry: tag, TIFF type, count and the value's bytes (in the block's byte order).
#[derive(Clone)]
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    pub data: Vec<u8>,
}

pub const MAKE: u16 = 0x010F;
pub const MODEL: u16 = 0x0110;
pub const ORIENTATION: u16 = 0x0112;
pub const USER_COMMENT: u16 = 0x9286;
const EXIF_POINTER: u16 = 0x8769;

pub fn ascii(tag: u16, text: &str) -> Entry {
    let mut data = text.as_bytes().to_vec();
    data.push(0);
    Entry {
        tag,
        kind: 2,
        count: data.len() as u32,
        data,
    }
}

pub fn short(tag: u16, value: u16, big_endian: bool) -> Entry {
    let data = if big_endian {
        value.to_be_bytes()
    } else {
        value.to_le_bytes()
    };
    Entry {
        tag,
        kind: 3,
        count: 1,
        data: data.to_vec(),
    }
}

pub fn undefined(tag: u16, data: Vec<u8>) -> Entry {
    Entry {
        tag,
        kind: 7,
        count: data.len() as u32,
        data,
    }
}

/// A UserComment as piexif's `UserComment.dump(text, encoding="unicode")` writes it (A1111):
/// `UNICODE\0` and UTF-16 big-endian; with `little_endian_text`, as exiftool writes it into a
/// little-endian block.
pub fn unicode_comment(text: &str, little_endian_text: bool) -> Entry {
    let mut data = b"UNICODE\0".to_vec();
    for unit in text.encode_utf16() {
        data.extend(if little_endian_text {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    undefined(USER_COMMENT, data)
}

/// A TIFF block: IFD0 with `ifd0` (sorted by tag) and, if `exif` has entries, a pointer to an
/// Exif IFD holding them. Values longer than four bytes follow the IFDs.
pub fn tiff(big_endian: bool, ifd0: &[Entry], exif: &[Entry]) -> Vec<u8> {
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let with_pointer = usize::from(!exif.is_empty());
    let ifd0_len = 2 + 12 * (ifd0.len() + with_pointer) + 4;
    let exif_at = 8 + ifd0_len;
    let exif_len = if exif.is_empty() {
        0
    } else {
        2 + 12 * exif.len() + 4
    };
    let mut data_at = exif_at + exif_len;
    let mut out = if big_endian {
        b"MM\0\x2a".to_vec()
    } else {
        b"II\x2a\0".to_vec()
    };
    out.extend(u32b(8));
    let mut data = Vec::new();
    let mut ifd = |out: &mut Vec<u8>, entries: &[Entry], pointer: Option<u32>| {
        out.extend(u16b(
            (entries.len() + usize::from(pointer.is_some())) as u16,
        ));
        for e in entries {
            out.extend(u16b(e.tag));
            out.extend(u16b(e.kind));
            out.extend(u32b(e.count));
            if e.data.len() <= 4 {
                let mut inline = e.data.clone();
                inline.resize(4, 0);
                out.extend(inline);
            } else {
                out.extend(u32b(data_at as u32));
                data.extend(&e.data);
                data_at += e.data.len();
                if e.data.len() % 2 == 1 {
                    data.push(0);
                    data_at += 1;
                }
            }
        }
        if let Some(at) = pointer {
            out.extend(u16b(EXIF_POINTER));
            out.extend(u16b(4));
            out.extend(u32b(1));
            out.extend(u32b(at));
        }
        out.extend(u32b(0));
    };
    let pointer = (!exif.is_empty()).then_some(exif_at as u32);
    ifd(&mut out, ifd0, pointer);
    if !exif.is_empty() {
        ifd(&mut out, exif, None);
    }
    out.extend(data);
    out
}

/// `jpeg` with an APP1 segment of `contents` right after SOI.
pub fn jpeg_with_app1(jpeg: &[u8], contents: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((contents.len() + 2) as u16).to_be_bytes());
    out.extend(contents);
    out.extend(&jpeg[2..]);
    out
}

/// `jpeg` with `tiff` as its EXIF segment.
pub fn jpeg_with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut contents = b"Exif\0\0".to_vec();
    contents.extend(tiff);
    jpeg_with_app1(jpeg, &contents)
}

/// `webp` with an `EXIF` chunk of `data` appended; `declared` overrides the chunk's length field
/// (and then the RIFF size claims the same excess).
pub fn webp_with_exif(webp: &[u8], data: &[u8], declared: Option<u32>) -> Vec<u8> {
    let mut out = webp.to_vec();
    out.extend(b"EXIF");
    let len = declared.unwrap_or(data.len() as u32);
    out.extend(len.to_le_bytes());
    out.extend(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
    let riff = (out.len() - 8) as u64 + u64::from(len) - data.len() as u64;
    let riff = u32::try_from(riff).unwrap_or(u32::MAX);
    out[4..8].copy_from_slice(&riff.to_le_bytes());
    out
}

/// A 1×1 lossy (VP8) WebP, the kind photos on the web are; the `image` crate only writes lossless.
pub fn lossy_webp() -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
        .unwrap()
}

/// The EXIF UserComment of a JPEG or WebP read as A1111 and sd-parsers read it (`UNICODE\0`, then
/// UTF-16 big-endian), after checking that the block is big-endian. The segment or chunk is found
/// by hand.
pub fn exif_comment(file: &[u8]) -> String {
    let tiff = exif_block(file).expect("the copy has an EXIF block");
    assert_eq!(&tiff[..4], b"MM\0\x2a", "a big-endian block");
    let be16 = |at: usize| u16::from_be_bytes([tiff[at], tiff[at + 1]]);
    let be32 = |at: usize| u32::from_be_bytes([tiff[at], tiff[at + 1], tiff[at + 2], tiff[at + 3]]);
    let entries = |ifd: usize| (0..be16(ifd) as usize).map(move |i| ifd + 2 + 12 * i);
    let exif_ifd = entries(be32(4) as usize)
        .find(|&e| be16(e) == EXIF_POINTER)
        .map(|e| be32(e + 8) as usize)
        .expect("an Exif IFD");
    let comment = entries(exif_ifd)
        .find(|&e| be16(e) == USER_COMMENT)
        .expect("a UserComment");
    assert_eq!(be16(comment + 2), 7, "UNDEFINED");
    let (len, at) = (be32(comment + 4) as usize, be32(comment + 8) as usize);
    let raw = &tiff[at..at + len];
    assert_eq!(&raw[..8], b"UNICODE\0");
    let units: Vec<u16> = raw[8..]
        .chunks_exact(2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

/// The raw TIFF block of a JPEG's `Exif\0\0` APP1 segment or a WebP's `EXIF` chunk.
pub fn exif_block(file: &[u8]) -> Option<Vec<u8>> {
    if file.starts_with(&[0xFF, 0xD8]) {
        let mut at = 2;
        while at + 4 <= file.len() && file[at] == 0xFF && file[at + 1] != 0xDA {
            let len = u16::from_be_bytes([file[at + 2], file[at + 3]]) as usize;
            let contents = &file[at + 4..at + 2 + len];
            if file[at + 1] == 0xE1 && contents.starts_with(b"Exif\0\0") {
                return Some(contents[6..].to_vec());
            }
            at += 2 + len;
        }
        None
    } else {
        riff_chunks(file)
            .into_iter()
            .find(|(id, _)| id == b"EXIF")
            .map(|(_, data)| data)
    }
}

/// The chunks of a RIFF (WebP) file, in order.
pub fn riff_chunks(file: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 12;
    while at + 8 <= file.len() {
        let id: [u8; 4] = file[at..at + 4].try_into().unwrap();
        let len = u32::from_le_bytes(file[at + 4..at + 8].try_into().unwrap()) as usize;
        out.push((id, file[at + 8..at + 8 + len].to_vec()));
        at += 8 + len + len % 2;
    }
    out
}
