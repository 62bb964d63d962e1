//! The image bytes the fake answers with: real PNG and JPEG files of the requested pixel size (flat
//! bands of a gradient, so even 4K encodes quickly), and the broken variants tests need
//! (truncated, not an image, huge). Rendering is blocking work; callers run it off the runtime.

/// An output encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Jpeg,
}

impl Format {
    pub fn from_mime(mime: &str) -> Format {
        if mime == "image/jpeg" {
            Format::Jpeg
        } else {
            Format::Png
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Jpeg => "image/jpeg",
        }
    }

    /// The other one (for a `mimeType` that lies).
    pub fn other(self) -> Format {
        match self {
            Format::Png => Format::Jpeg,
            Format::Jpeg => Format::Png,
        }
    }
}

/// Rows per band of one colour: the picture is a horizontal gradient in bands, so a whole band is
/// one row copied, which keeps 5504×3072 fast even in a debug build.
const BAND: usize = 32;

/// An RGB row of the gradient for band `band` of picture `seed`.
fn row(width: usize, band: usize, bands: usize, seed: u32) -> Vec<u8> {
    let mut row = Vec::with_capacity(width * 3);
    let green = (band * 255 / bands.max(1)) as u8;
    let blue = (seed.wrapping_mul(67) % 256) as u8;
    for x in 0..width {
        row.extend_from_slice(&[(x * 255 / width.max(1)) as u8, green, blue]);
    }
    row
}

/// The picture as raw RGB.
fn pixels(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    let bands = h.div_ceil(BAND);
    let mut out = Vec::with_capacity(w * h * 3);
    for band in 0..bands {
        let line = row(w, band, bands, seed);
        for _ in 0..BAND.min(h - band * BAND) {
            out.extend_from_slice(&line);
        }
    }
    out
}

/// A decodable image of exactly `width × height`; empty if encoding failed (sizes out of range).
pub fn render(format: Format, width: u32, height: u32, seed: u32) -> Vec<u8> {
    match format {
        Format::Png => encode_png(
            width,
            height,
            &pixels(width, height, seed),
            png::Compression::Fast,
        ),
        Format::Jpeg => encode_jpeg(width, height, seed),
    }
}

fn encode_png(width: u32, height: u32, rgb: &[u8], compression: png::Compression) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(compression);
    let written = encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(rgb));
    if written.is_err() {
        out.clear();
    }
    out
}

fn encode_jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Vec::new();
    };
    let rgb = pixels(width, height, seed);
    let mut out = Vec::new();
    let encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    if encoder
        .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .is_err()
    {
        out.clear();
    }
    out
}

/// The first half of a PNG: the signature and header are intact, the data stops.
pub fn truncated_png(width: u32, height: u32) -> Vec<u8> {
    let mut png = render(Format::Png, width, height, 0);
    png.truncate(png.len() / 2);
    png
}

/// Bytes that are no image (an HTML page, as a misrouted proxy would put there).
pub fn not_an_image() -> Vec<u8> {
    b"<!DOCTYPE html><html><body><h1>Not an image</h1><p>These bytes decode from base64 \
      but are no PNG or JPEG.</p></body></html>"
        .to_vec()
}

/// A real, decodable PNG of about `bytes` bytes: an uncompressed image 4096 pixels wide (or less
/// for small sizes) and as tall as it takes.
pub fn huge_png(bytes: u64) -> Vec<u8> {
    let bytes = bytes.max(64) as usize;
    let width = (bytes / 3).clamp(1, 4096);
    let row = width * 3 + 1; // a filter byte per row
    let height = bytes.div_ceil(row).max(1);
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return Vec::new();
    };
    encode_png(w, h, &pixels(w, h, 7), png::Compression::NoCompression)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The format `bytes` start like, if any.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
            Some(Format::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Format::Jpeg)
        } else {
            None
        }
    }

    #[test]
    fn renders_both_formats_and_the_broken_variants() {
        assert_eq!(sniff(&render(Format::Png, 64, 32, 1)), Some(Format::Png));
        assert_eq!(sniff(&render(Format::Jpeg, 64, 32, 1)), Some(Format::Jpeg));
        let huge = huge_png(1_000_000);
        assert!(
            (1_000_000..1_100_000).contains(&huge.len()),
            "{}",
            huge.len()
        );
        assert!(truncated_png(64, 64).len() < render(Format::Png, 64, 64, 0).len());
        assert_eq!(sniff(&not_an_image()), None);
    }
}
