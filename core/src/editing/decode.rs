//! Images as a person sees them: decoded with their EXIF orientation applied, which is what the
//! viewer shows and what a mask is painted on.

use image::{ImageDecoder, ImageReader, RgbaImage};

use super::error::{MaskedEditError, Result};

/// Decodes `bytes` (format sniffed) upright.
pub fn decode_displayed(bytes: &[u8]) -> Result<RgbaImage> {
    let not_decodable = |e: image::ImageError| MaskedEditError::AnswerNotDecodable(e.to_string());
    let mut decoder = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| MaskedEditError::AnswerNotDecodable(e.to_string()))?
        .into_decoder()
        .map_err(not_decodable)?;
    let orientation = decoder.orientation().map_err(not_decodable)?;
    let mut image = image::DynamicImage::from_decoder(decoder).map_err(not_decodable)?;
    image.apply_orientation(orientation);
    Ok(image.into_rgba8())
}
