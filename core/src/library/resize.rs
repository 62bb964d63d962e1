//! Resizing decoded pixels: downscaling for storage and JPEG thumbnails, with SIMD resizing
//! (fast_image_resize). Blocking and CPU-bound; callers run it off the async runtime.

use std::io::Cursor;

use fast_image_resize::images::Image as FrImage;
use fast_image_resize::{FilterType, IntoImageView, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{DynamicImage, ExtendedColorType, ImageEncoder, ImageFormat};

use super::imaging::Format;
use super::store::{PREVIEW_SIZE, THUMB_SIZE};
use crate::{CoreError, Result};

/// Encoded JPEG thumbnails: (256 px, 512 px long side).
pub(super) type Thumbs = (Vec<u8>, Vec<u8>);

const THUMB_JPEG_QUALITY: u8 = 80;
const DOWNSCALED_JPEG_QUALITY: u8 = 92;

/// Width and height scaled so the long side is at most `long_side`; never enlarges.
pub(super) fn fit(width: u32, height: u32, long_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= long_side || long == 0 {
        return (width, height);
    }
    let scale = |v: u32| {
        ((u64::from(v) * u64::from(long_side) + u64::from(long) / 2) / u64::from(long)).max(1)
            as u32
    };
    (scale(width), scale(height))
}

/// 8-bit RGB or RGBA, the two layouts the resizer and encoders handle fast. Other layouts (grey,
/// 16-bit) are rare in generated images and converted.
fn as_rgb_or_rgba(img: &DynamicImage) -> std::borrow::Cow<'_, DynamicImage> {
    match img {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => std::borrow::Cow::Borrowed(img),
        other if other.color().has_alpha() => {
            std::borrow::Cow::Owned(DynamicImage::ImageRgba8(other.to_rgba8()))
        }
        other => std::borrow::Cow::Owned(DynamicImage::ImageRgb8(other.to_rgb8())),
    }
}

fn resize_to(
    src: &impl IntoImageView,
    pixel: PixelType,
    (w, h): (u32, u32),
) -> Result<FrImage<'static>> {
    let mut dst = FrImage::new(w, h, pixel);
    Resizer::new()
        .resize(src, &mut dst, &resize_options())
        .map_err(resize_failed)?;
    Ok(dst)
}

/// Downscale for storage (the preset's long side). `None` when the image is already small enough.
pub(super) fn downscale(img: &DynamicImage, long_side: u32) -> Result<Option<DynamicImage>> {
    let target = fit(img.width(), img.height(), long_side);
    if target == (img.width(), img.height()) {
        return Ok(None);
    }
    let src = as_rgb_or_rgba(img);
    let alpha = matches!(src.as_ref(), DynamicImage::ImageRgba8(_));
    let pixel = if alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let out = resize_to(src.as_ref(), pixel, target)?.into_vec();
    let image = if alpha {
        image::RgbaImage::from_raw(target.0, target.1, out).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(target.0, target.1, out).map(DynamicImage::ImageRgb8)
    };
    image
        .map(Some)
        .ok_or_else(|| CoreError::Internal("resized buffer has the wrong size".into()))
}

/// Re-encodes a downscaled image in the format it came in.
pub(super) fn encode(img: &DynamicImage, format: Format) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let (w, h) = (img.width(), img.height());
    let color: ExtendedColorType = img.color().into();
    let result = match format {
        Format::Png => {
            PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive)
                .write_image(img.as_bytes(), w, h, color)
        }
        Format::Jpeg => {
            let rgb = img.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, DOWNSCALED_JPEG_QUALITY).write_image(
                &rgb,
                w,
                h,
                ExtendedColorType::Rgb8,
            )
        }
        Format::WebP => img.write_to(&mut Cursor::new(&mut out), ImageFormat::WebP),
    };
    result
        .map_err(|e| CoreError::Internal(format!("could not encode the downscaled image: {e}")))?;
    Ok(out)
}

/// JPEG thumbnails: (256 px, 512 px long side). The 512 is resized from the decoded image once and
/// the 256 from the 512, so the full-size pixels are read a single time.
pub(super) fn thumbnails(img: &DynamicImage) -> Result<Thumbs> {
    thumbnails_then(img, &|_, _| Ok(()))
}

/// [`thumbnails`], handing each one to `done` as [`thumbnails_from_preview`] does.
pub(super) fn thumbnails_then(
    img: &DynamicImage,
    done: &(dyn Fn(u32, &[u8]) -> Result<()> + Sync),
) -> Result<Thumbs> {
    thumbnails_from_preview(&preview(img)?, done)
}

/// The 512 px preview, still as pixels: the 256 px thumbnail is resized from it and both are
/// encoded from it. Made from the whole image here, or band by band during a streamed PNG decode
/// (`png_stream`).
pub(super) struct Preview {
    pub(super) image: FrImage<'static>,
    /// RGBA (flattened on white when encoded) rather than RGB.
    pub(super) alpha: bool,
}

/// Pixel layout of the resizer's images; only 8-bit RGB and RGBA reach it.
pub(super) fn pixel_type(alpha: bool) -> PixelType {
    if alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    }
}

/// The filter of every thumbnail and downscale, so a banded preview matches a whole-image one.
pub(super) fn resize_options() -> ResizeOptions {
    ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom))
}

/// The preview resized from the whole decoded image.
pub(super) fn preview(img: &DynamicImage) -> Result<Preview> {
    let src = as_rgb_or_rgba(img);
    let alpha = matches!(src.as_ref(), DynamicImage::ImageRgba8(_));
    let image = resize_to(
        src.as_ref(),
        pixel_type(alpha),
        fit(img.width(), img.height(), PREVIEW_SIZE),
    )?;
    Ok(Preview { image, alpha })
}

/// Both JPEG thumbnails from the preview, on two threads: this one encodes the 512 while the
/// other resizes and encodes the 256. Each is handed to `done` (with its long side) as soon as it
/// is encoded, on the thread that encoded it, so one's file write overlaps the other's work.
pub(super) fn thumbnails_from_preview(
    preview: &Preview,
    done: &(dyn Fn(u32, &[u8]) -> Result<()> + Sync),
) -> Result<Thumbs> {
    let (image, alpha) = (&preview.image, preview.alpha);
    let (preview, thumb) = on_two_threads(
        || -> Result<Vec<u8>> {
            let jpeg = encode_thumb(image, alpha)?;
            done(PREVIEW_SIZE, &jpeg)?;
            Ok(jpeg)
        },
        || -> Result<Vec<u8>> {
            let thumb = resize_to(
                image,
                pixel_type(alpha),
                fit(image.width(), image.height(), THUMB_SIZE),
            )?;
            let jpeg = encode_thumb(&thumb, alpha)?;
            done(THUMB_SIZE, &jpeg)?;
            Ok(jpeg)
        },
    )?;
    Ok((thumb, preview))
}

fn resize_failed(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("resize failed: {e}"))
}

/// Runs `second` on a new thread while this one runs `first`. `rayon::join` was tried here and
/// ran both on one thread (the 256 px thumbnail began only once the 512 px one was encoded).
fn on_two_threads<A: Send, B: Send>(
    first: impl FnOnce() -> Result<A> + Send,
    second: impl FnOnce() -> Result<B> + Send,
) -> Result<(A, B)> {
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new()
            .name("nanoforge-thumbs".into())
            .spawn_scoped(scope, second);
        let a = first();
        let b = match other {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(CoreError::Internal("a thumbnail thread failed".into()))),
            Err(e) => Err(e.into()),
        };
        Ok((a?, b?))
    })
}

fn encode_thumb(img: &FrImage<'_>, alpha: bool) -> Result<Vec<u8>> {
    let rgb;
    let pixels = if alpha {
        rgb = flatten_on_white(img.buffer());
        rgb.as_slice()
    } else {
        img.buffer()
    };
    let fail = |e: String| CoreError::Internal(format!("could not encode a thumbnail: {e}"));
    let (w, h) = (
        u16::try_from(img.width()).map_err(|e| fail(e.to_string()))?,
        u16::try_from(img.height()).map_err(|e| fail(e.to_string()))?,
    );
    let mut out = Vec::with_capacity(pixels.len() / 8);
    jpeg_encoder::Encoder::new(&mut out, THUMB_JPEG_QUALITY)
        .encode(pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| fail(e.to_string()))?;
    Ok(out)
}

/// JPEG has no alpha; transparent areas show as white, as on a page.
pub(super) fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rgba.len() / 4 * 3);
    for px in rgba.chunks_exact(4) {
        let a = u16::from(px[3]);
        for &c in &px[..3] {
            out.push(((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::thread::ThreadId;

    use image::{DynamicImage, Rgb, RgbImage};

    use super::*;

    /// The two JPEGs are encoded on two threads, each handed over by the thread that made it. (In
    /// the ingest pipeline `rayon::join` ran them one after the other on one thread, though in an
    /// idle process like this one it spreads them; the ingest bench shows that difference.)
    #[test]
    fn the_two_thumbnails_are_encoded_on_two_threads() {
        let img = DynamicImage::ImageRgb8(RgbImage::from_fn(1024, 768, |x, y| {
            Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 239) as u8])
        }));
        let seen: Mutex<Vec<(u32, ThreadId)>> = Mutex::new(Vec::new());
        let (thumb, preview) = thumbnails_then(&img, &|side, jpeg| {
            assert!(jpeg.starts_with(&[0xFF, 0xD8]));
            seen.lock()
                .unwrap()
                .push((side, std::thread::current().id()));
            Ok(())
        })
        .unwrap();
        let mut seen = seen.into_inner().unwrap();
        seen.sort_by_key(|(side, _)| *side);
        assert_eq!(
            seen.iter().map(|(side, _)| *side).collect::<Vec<_>>(),
            [THUMB_SIZE, PREVIEW_SIZE]
        );
        assert_ne!(
            seen[0].1, seen[1].1,
            "both thumbnails were encoded on one thread"
        );
        let decoded = |jpeg: &[u8]| image::load_from_memory(jpeg).unwrap();
        assert_eq!(
            (decoded(&thumb).width(), decoded(&thumb).height()),
            (256, 192)
        );
        assert_eq!(
            (decoded(&preview).width(), decoded(&preview).height()),
            (512, 384)
        );
    }

    #[test]
    fn fit_only_shrinks_and_keeps_aspect() {
        assert_eq!(fit(1024, 1024, 512), (512, 512));
        assert_eq!(fit(1536, 1024, 512), (512, 341));
        assert_eq!(fit(300, 200, 512), (300, 200));
        assert_eq!(fit(10000, 1, 256), (256, 1));
    }
}
