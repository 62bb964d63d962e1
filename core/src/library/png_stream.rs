//! Decoding a PNG row by row while a second thread makes its 512 px preview band by band as the
//! rows arrive. The decode is the one step of an ingest that cannot be split, so the resize that
//! used to follow it now runs beside it, and only the JPEG encoding is left when the decode ends
//! (issue 19: an ingest within 1.5× a bare decode). Only the common layouts stream (8-bit RGB or RGBA, not
//! interlaced, larger than the preview); for the others [`decode_with_preview`] says so before
//! decoding anything and the caller takes the whole-image path.

use std::io::Cursor;
use std::sync::mpsc;

use fast_image_resize::images::{Image as FrImage, ImageRef};
use fast_image_resize::{MulDiv, Resizer};

use super::imaging;
use super::resize::{self, Preview};
use super::store::PREVIEW_SIZE;
use crate::{CoreError, Result};

/// Rows handed over at a time: small enough that little resizing is left when the decode ends,
/// large enough that the rows two bands' filters share (about 8 at a 2:1 scale) stay a small part.
const BAND_ROWS: usize = 64;

/// A decoded PNG reduced to what an ingest keeps of its pixels.
pub(super) struct Streamed {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) preview: Preview,
}

/// Decodes (and so validates) a PNG under the library's limits, making its preview on the way.
/// `Ok(None)`: a layout this path does not stream; nothing was decoded.
pub(super) fn decode_with_preview(bytes: &[u8]) -> Result<Option<Streamed>> {
    imaging::precheck_png(bytes)?;
    let limits = png::Limits {
        bytes: usize::try_from(imaging::MAX_ALLOC_BYTES).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), limits);
    // As the image crate decodes: palettes and low bit depths expanded, tRNS made alpha.
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(png_error)?;
    let (width, height) = (reader.info().width, reader.info().height);
    let alpha = match reader.output_color_type() {
        (png::ColorType::Rgb, png::BitDepth::Eight) => false,
        (png::ColorType::Rgba, png::BitDepth::Eight) => true,
        _ => return Ok(None),
    };
    if reader.info().interlaced || width.max(height) <= PREVIEW_SIZE {
        return Ok(None);
    }
    let pixel = resize::pixel_type(alpha);
    let row_bytes = width as usize * pixel.size();
    let (bands, received) = mpsc::channel::<Vec<u8>>();
    let (emptied, reusable) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        let resizer = std::thread::Builder::new()
            .name("nanoforge-preview".into())
            .spawn_scoped(scope, move || {
                banded_preview(received, emptied, width, height, alpha)
            })?;
        let decoded = decode_rows(&mut reader, row_bytes, height, &bands, &reusable);
        // The resizer stops at the end of the rows, or early if the decode failed.
        drop(bands);
        let preview = resizer
            .join()
            .unwrap_or_else(|_| Err(CoreError::Internal("the preview resizer failed".into())));
        decoded?;
        Ok(Some(Streamed {
            width,
            height,
            preview: preview?,
        }))
    })
}

/// Decodes every row, sending them on in bands, then consumes the rest of the image data as a
/// whole-image decode does.
fn decode_rows(
    reader: &mut png::Reader<Cursor<&[u8]>>,
    row_bytes: usize,
    height: u32,
    bands: &mpsc::Sender<Vec<u8>>,
    reusable: &mpsc::Receiver<Vec<u8>>,
) -> Result<()> {
    let mut left = height as usize;
    while left > 0 {
        let rows = left.min(BAND_ROWS);
        // A band the resizer has copied is filled again: fresh ones would cost page faults here,
        // on the thread everything waits for.
        let mut band = reusable.try_recv().unwrap_or_default();
        band.resize(rows * row_bytes, 0);
        for row in band.chunks_exact_mut(row_bytes) {
            if reader.read_row(row).map_err(png_error)?.is_none() {
                return Err(CoreError::InvalidImage(
                    "the PNG data ends before its last row".into(),
                ));
            }
        }
        left -= rows;
        // A closed channel means the resizer failed; its error is the one reported.
        if bands.send(band).is_err() {
            return Ok(());
        }
    }
    let mut spare = vec![0_u8; row_bytes];
    match reader.read_row(&mut spare).map_err(png_error)? {
        None => Ok(()),
        Some(_) => Err(CoreError::InvalidImage(
            "the PNG has more rows than its header says".into(),
        )),
    }
}

/// The resizer's side: gathers the rows and, whenever enough have arrived for more preview rows,
/// resizes just those. The filter of a preview row reaches a few source rows either side, so each
/// band is resized from the whole gathered image with a crop; the result is the one a single
/// whole-image resize gives (up to rounding of the crop's position).
fn banded_preview(
    bands: mpsc::Receiver<Vec<u8>>,
    emptied: mpsc::Sender<Vec<u8>>,
    width: u32,
    height: u32,
    alpha: bool,
) -> Result<Preview> {
    let pixel = resize::pixel_type(alpha);
    let row_bytes = width as usize * pixel.size();
    let (pw, ph) = resize::fit(width, height, PREVIEW_SIZE);
    let preview_row_bytes = pw as usize * pixel.size();
    let mut source = vec![0_u8; row_bytes * height as usize];
    let mut preview = vec![0_u8; preview_row_bytes * ph as usize];
    let scale = f64::from(height) / f64::from(ph);
    // Catmull-Rom reaches 2 source pixels, widened by the scale when shrinking; one more row
    // covers the rounding of a window's end.
    let reach = 2.0 * scale.max(1.0) + 1.0;
    let mul_div = MulDiv::default();
    let options = resize::resize_options().use_alpha(false);
    let mut resizer = Resizer::new();
    let (mut rows, mut done) = (0_usize, 0_u32);
    for band in bands {
        let band_rows = band.len() / row_bytes;
        let into = source
            .get_mut(rows * row_bytes..(rows + band_rows) * row_bytes)
            .ok_or_else(|| CoreError::Internal("more rows than the image has".into()))?;
        if alpha {
            // Premultiplied once per row, as the resizer would premultiply the whole image.
            let band_view = ImageRef::new(width, band_rows as u32, &band, pixel).map_err(fail)?;
            let mut into =
                FrImage::from_slice_u8(width, band_rows as u32, into, pixel).map_err(fail)?;
            mul_div
                .multiply_alpha(&band_view, &mut into)
                .map_err(fail)?;
        } else {
            into.copy_from_slice(&band);
        }
        // The decoder may have stopped; then nobody needs the band back.
        let _ = emptied.send(band);
        rows += band_rows;
        let ready = if rows == height as usize {
            ph
        } else {
            // The last preview row whose filter window ends within the rows gathered so far.
            (((rows as f64 - reach) / scale + 0.5).floor().max(0.0) as u32).min(ph)
        };
        if ready <= done {
            continue;
        }
        let source_view = ImageRef::new(width, height, &source, pixel).map_err(fail)?;
        let out_rows =
            &mut preview[done as usize * preview_row_bytes..ready as usize * preview_row_bytes];
        let mut out = FrImage::from_slice_u8(pw, ready - done, out_rows, pixel).map_err(fail)?;
        let crop = options.crop(
            0.0,
            f64::from(done) * scale,
            f64::from(width),
            f64::from(ready - done) * scale,
        );
        resizer
            .resize(&source_view, &mut out, &crop)
            .map_err(fail)?;
        if alpha {
            mul_div.divide_alpha_inplace(&mut out).map_err(fail)?;
        }
        done = ready;
    }
    if done < ph {
        // The decode stopped early; the caller reports its error.
        return Err(CoreError::InvalidImage("the PNG data is incomplete".into()));
    }
    let image = FrImage::from_vec_u8(pw, ph, preview, pixel).map_err(fail)?;
    Ok(Preview { image, alpha })
}

fn fail(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("resize failed: {e}"))
}

/// The same errors, in the same words, as a whole-image decode gives.
fn png_error(e: png::DecodingError) -> CoreError {
    match e {
        png::DecodingError::LimitsExceeded => CoreError::ImageTooLarge(format!(
            "the PNG is larger than {max}×{max} pixels or needs more than {} MiB to decode",
            imaging::MAX_ALLOC_BYTES >> 20,
            max = imaging::MAX_DIMENSION,
        )),
        other => CoreError::InvalidImage(format!("the PNG data is corrupt or truncated ({other})")),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    fn png(img: &DynamicImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// Detail in every row and column, so a band resized from the wrong rows would show.
    fn busy(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            let v = x.wrapping_mul(31) ^ y.wrapping_mul(17);
            Rgba([
                (v & 0xFF) as u8,
                ((x * 3 + y * 7) & 0xFF) as u8,
                ((v >> 4) & 0xFF) as u8,
                ((x + 2 * y) % 256) as u8,
            ])
        })
    }

    fn largest_difference(a: &[u8], b: &[u8]) -> u8 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0)
    }

    /// What a thumbnail shows: RGB as it is, RGBA flattened on white (its alpha kept too). The
    /// colour of a nearly clear pixel is a premultiplied value divided by its small alpha, so a
    /// rounding step of 1 there reads as tens; on white it is 1 again, as a viewer sees it.
    fn visible(preview: &Preview) -> Vec<u8> {
        let buffer = preview.image.buffer();
        if !preview.alpha {
            return buffer.to_vec();
        }
        let mut out = resize::flatten_on_white(buffer);
        out.extend(buffer.chunks_exact(4).map(|px| px[3]));
        out
    }

    /// The banded preview is the whole-image preview: same size, every visible channel within 2
    /// (each band's filter weights are rounded on their own; seen at a 4:1 scale with alpha), for RGB and RGBA, for
    /// sizes whose scale is not a whole number and whose last band is short.
    #[test]
    fn a_streamed_preview_matches_the_whole_image_one() {
        for (w, h) in [(1024, 1024), (1000, 700), (700, 1333), (2048, 513)] {
            let rgba = DynamicImage::ImageRgba8(busy(w, h));
            let rgb = DynamicImage::ImageRgb8(rgba.to_rgb8());
            for img in [rgb, rgba] {
                let streamed = decode_with_preview(&png(&img)).unwrap().unwrap();
                assert_eq!((streamed.width, streamed.height), (w, h));
                let whole = resize::preview(&img).unwrap();
                assert_eq!(streamed.preview.alpha, whole.alpha);
                assert_eq!(
                    (
                        streamed.preview.image.width(),
                        streamed.preview.image.height()
                    ),
                    (whole.image.width(), whole.image.height())
                );
                let diff = largest_difference(&visible(&streamed.preview), &visible(&whole));
                assert!(diff <= 2, "{w}x{h} {:?}: off by {diff}", img.color());
            }
        }
    }

    #[test]
    fn other_layouts_are_left_to_the_whole_image_path() {
        let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgba8(busy(800, 600)).to_luma8());
        let small = DynamicImage::ImageRgb8(RgbImage::from_pixel(512, 300, Rgb([1, 2, 3])));
        let deep = DynamicImage::ImageRgb16(DynamicImage::ImageRgba8(busy(800, 600)).to_rgb16());
        for img in [grey, small, deep] {
            assert!(
                decode_with_preview(&png(&img)).unwrap().is_none(),
                "{:?}",
                img.color()
            );
        }
    }

    /// Cut anywhere in its image data, or with a byte changed, a PNG is refused with the same
    /// kind of error as a whole-image decode gives, and the resizer thread ends.
    #[test]
    fn a_broken_png_is_refused() {
        let whole = png(&DynamicImage::ImageRgb8(
            DynamicImage::ImageRgba8(busy(900, 900)).to_rgb8(),
        ));
        let mut flipped = whole.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x5A;
        let cases = [
            whole[..whole.len() / 3].to_vec(),
            whole[..whole.len() - 20].to_vec(),
            flipped,
        ];
        for broken in cases {
            let err = decode_with_preview(&broken).err().expect("refused");
            assert_eq!(err.kind(), crate::ErrorKind::InvalidImage, "{err}");
        }
    }
}
