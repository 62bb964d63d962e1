//! The edit mask: one byte per image pixel, 0 = keep, 255 = change, grey = partial change.
//!
//! The mask is in the image's *displayed* orientation: the caller applies EXIF orientation to the
//! image before painting, cropping or compositing, and the mask is painted on (or read against)
//! that oriented image.

use image::GrayImage;
use rayon::prelude::*;

use super::error::{MaskedEditError, Result};

/// A rectangle of pixels inside an image; `width` and `height` are at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl PixelRect {
    /// One past the last column.
    pub fn right(&self) -> u32 {
        self.x + self.width
    }

    /// One past the last row.
    pub fn bottom(&self) -> u32 {
        self.y + self.height
    }

    /// This rectangle grown by `by` pixels on every side, kept inside a `width`×`height` image.
    pub fn grown_within(&self, by: u32, width: u32, height: u32) -> PixelRect {
        let x = self.x.saturating_sub(by);
        let y = self.y.saturating_sub(by);
        let right = self.right().saturating_add(by).min(width);
        let bottom = self.bottom().saturating_add(by).min(height);
        PixelRect {
            x,
            y,
            width: right - x,
            height: bottom - y,
        }
    }

    pub fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }
}

/// A validated mask: the image's size, with at least one non-zero pixel.
#[derive(Debug, Clone)]
pub struct Mask {
    values: GrayImage,
    bbox: PixelRect,
}

impl Mask {
    /// Checks a greyscale mask against the image it belongs to: same size, not empty.
    pub fn from_gray(values: GrayImage, image_width: u32, image_height: u32) -> Result<Mask> {
        if image_width == 0 || image_height == 0 {
            return Err(MaskedEditError::EmptyImage {
                width: image_width,
                height: image_height,
            });
        }
        if values.dimensions() != (image_width, image_height) {
            return Err(MaskedEditError::MaskSizeMismatch {
                mask_width: values.width(),
                mask_height: values.height(),
                image_width,
                image_height,
            });
        }
        let bbox = bounding_box(&values).ok_or(MaskedEditError::EmptyMask)?;
        Ok(Mask { values, bbox })
    }

    /// A mask file (the CLI's `--mask PNG`): any image format the core reads; colour masks are
    /// reduced to their luminance, so a white-on-black RGB export works too.
    pub fn from_encoded(bytes: &[u8], image_width: u32, image_height: u32) -> Result<Mask> {
        let decoded = image::load_from_memory(bytes)
            .map_err(|e| MaskedEditError::MaskNotDecodable(e.to_string()))?;
        Mask::from_gray(decoded.into_luma8(), image_width, image_height)
    }

    /// The complement (255 − value). Inverting a fully white mask gives an empty one: refused.
    pub fn inverted(&self) -> Result<Mask> {
        let mut values = self.values.clone();
        values.par_iter_mut().for_each(|v| *v = 255 - *v);
        Mask::from_gray(values, self.width(), self.height())
    }

    pub fn width(&self) -> u32 {
        self.values.width()
    }

    pub fn height(&self) -> u32 {
        self.values.height()
    }

    /// The smallest rectangle holding every non-zero pixel.
    pub fn bbox(&self) -> PixelRect {
        self.bbox
    }

    pub fn values(&self) -> &GrayImage {
        &self.values
    }

    /// The value at (x, y); 0 outside the image.
    pub fn value(&self, x: u32, y: u32) -> u8 {
        if x < self.width() && y < self.height() {
            self.values.as_raw()[y as usize * self.width() as usize + x as usize]
        } else {
            0
        }
    }
}

/// Rows are scanned in parallel; `None` when every value is 0.
fn bounding_box(values: &GrayImage) -> Option<PixelRect> {
    let width = values.width() as usize;
    if width == 0 {
        return None;
    }
    let (x0, y0, x1, y1) = values
        .as_raw()
        .par_chunks(width)
        .enumerate()
        .filter_map(|(y, row)| {
            let first = row.iter().position(|&v| v != 0)?;
            let last = row.iter().rposition(|&v| v != 0)?;
            Some((first, y, last, y))
        })
        .reduce_with(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))?;
    // Coordinates come from a u32-sized image, so they fit back into u32.
    Some(PixelRect {
        x: x0 as u32,
        y: y0 as u32,
        width: (x1 - x0 + 1) as u32,
        height: (y1 - y0 + 1) as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gray(width: u32, height: u32, on: &[(u32, u32, u8)]) -> GrayImage {
        let mut g = GrayImage::new(width, height);
        for &(x, y, v) in on {
            g.put_pixel(x, y, image::Luma([v]));
        }
        g
    }

    #[test]
    fn size_mismatch_names_both_sizes() {
        let err = Mask::from_gray(gray(800, 600, &[(1, 1, 255)]), 1024, 768).unwrap_err();
        assert_eq!(
            err,
            MaskedEditError::MaskSizeMismatch {
                mask_width: 800,
                mask_height: 600,
                image_width: 1024,
                image_height: 768
            }
        );
        assert!(
            err.to_string()
                .starts_with("the mask is 800×600 but the image is 1024×768")
        );
    }

    #[test]
    fn an_empty_mask_is_refused() {
        let err = Mask::from_gray(gray(10, 10, &[]), 10, 10).unwrap_err();
        assert_eq!(err, MaskedEditError::EmptyMask);
        assert!(err.to_string().contains("paint the region"));
    }

    #[test]
    fn a_zero_sized_image_is_refused() {
        let err = Mask::from_gray(gray(0, 0, &[]), 0, 0).unwrap_err();
        assert_eq!(
            err,
            MaskedEditError::EmptyImage {
                width: 0,
                height: 0
            }
        );
    }

    #[test]
    fn bbox_covers_grey_pixels_too() {
        let mask = Mask::from_gray(gray(20, 10, &[(3, 7, 1), (15, 2, 200)]), 20, 10).unwrap();
        assert_eq!(
            mask.bbox(),
            PixelRect {
                x: 3,
                y: 2,
                width: 13,
                height: 6
            }
        );
    }

    #[test]
    fn inverting_swaps_keep_and_change() {
        let mask = Mask::from_gray(gray(4, 4, &[(0, 0, 255), (1, 0, 100)]), 4, 4).unwrap();
        let inv = mask.inverted().unwrap();
        assert_eq!(inv.value(0, 0), 0);
        assert_eq!(inv.value(1, 0), 155);
        assert_eq!(inv.value(3, 3), 255);
        assert_eq!(
            inv.bbox(),
            PixelRect {
                x: 0,
                y: 0,
                width: 4,
                height: 4
            }
        );
    }

    #[test]
    fn inverting_a_full_mask_is_refused_as_empty() {
        let full = GrayImage::from_pixel(5, 5, image::Luma([255]));
        let mask = Mask::from_gray(full, 5, 5).unwrap();
        assert_eq!(mask.inverted().unwrap_err(), MaskedEditError::EmptyMask);
    }

    #[test]
    fn a_mask_file_that_is_not_an_image_is_refused() {
        let err = Mask::from_encoded(b"not a png", 10, 10).unwrap_err();
        assert!(matches!(err, MaskedEditError::MaskNotDecodable(_)));
    }

    #[test]
    fn a_mask_png_is_read_as_luminance() {
        let g = gray(6, 4, &[(2, 1, 255)]);
        let mut png = Vec::new();
        image::DynamicImage::ImageLuma8(g)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let mask = Mask::from_encoded(&png, 6, 4).unwrap();
        assert_eq!(mask.value(2, 1), 255);
        assert_eq!(mask.bbox().width, 1);
    }
}
