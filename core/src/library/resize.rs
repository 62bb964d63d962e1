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
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    Resizer::new()
        .resize(src, &mut dst, &options)
        .map_err(|e| CoreError::Internal(format!("resize failed: {e}")))?;
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

/// [`thumbnails`], handing each one to `done` (with its long side) as soon as it is encoded, on the
/// thread that encoded it: the caller's file write of one overlaps the other's encoding.
pub(super) fn thumbnails_then(
    img: &DynamicImage,
    done: &(dyn Fn(u32, &[u8]) -> Result<()> + Sync),
) -> Result<Thumbs> {
    let src = as_rgb_or_rgba(img);
    let alpha = matches!(src.as_ref(), DynamicImage::ImageRgba8(_));
    let pixel = if alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let preview = resize_to(
        src.as_ref(),
        pixel,
        fit(img.width(), img.height(), PREVIEW_SIZE),
    )?;
    let (thumb, preview) = rayon::join(
        || -> Result<Vec<u8>> {
            let thumb = resize_to(
                &preview,
                pixel,
                fit(preview.width(), preview.height(), THUMB_SIZE),
            )?;
            let jpeg = encode_thumb(&thumb, alpha)?;
            done(THUMB_SIZE, &jpeg)?;
            Ok(jpeg)
        },
        || -> Result<Vec<u8>> {
            let jpeg = encode_thumb(&preview, alpha)?;
            done(PREVIEW_SIZE, &jpeg)?;
            Ok(jpeg)
        },
    );
    Ok((thumb?, preview?))
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
fn flatten_on_white(rgba: &[u8]) -> Vec<u8> {
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
    use super::fit;

    #[test]
    fn fit_only_shrinks_and_keeps_aspect() {
        assert_eq!(fit(1024, 1024, 512), (512, 512));
        assert_eq!(fit(1536, 1024, 512), (512, 341));
        assert_eq!(fit(300, 200, 512), (300, 200));
        assert_eq!(fit(10000, 1, 256), (256, 1));
    }
}
