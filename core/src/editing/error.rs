//! What can go wrong in a masked edit, worded for the person who can fix it.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MaskedEditError {
    #[error(
        "the mask is {mask_width}×{mask_height} but the image is {image_width}×{image_height}: \
         paint the mask on this image, or give a mask of exactly {image_width}×{image_height}"
    )]
    MaskSizeMismatch {
        mask_width: u32,
        mask_height: u32,
        image_width: u32,
        image_height: u32,
    },
    #[error("the mask is empty: paint the region to change (white = change) before sending")]
    EmptyMask,
    #[error("the mask could not be read as an image ({0}); give a greyscale PNG, white = change")]
    MaskNotDecodable(String),
    #[error("the image has no pixels ({width}×{height}); nothing can be edited in it")]
    EmptyImage { width: u32, height: u32 },
    #[error(
        "the model offers no usable aspect ratio for the crop (got {0:?}); \
         the model catalogue must list at least one ratio such as 1:1"
    )]
    NoAspectRatio(Vec<(u32, u32)>),
    #[error("the edit was planned for another mask or image; plan it again with this mask")]
    PlanMismatch,
    #[error(
        "the model's answer could not be decoded as an image ({0}); \
         it is kept as received and can be opened or retried"
    )]
    AnswerNotDecodable(String),
    #[error("the model's answer has no pixels ({width}×{height}); it is kept as received")]
    EmptyAnswer { width: u32, height: u32 },
    #[error("the answer could not be resized to the crop: {0}")]
    Resize(String),
    #[error("the edited image could not be encoded losslessly: {0}")]
    Encode(String),
    #[error(
        "the edited image failed its check: pixel ({x}, {y}) outside the edited region differs \
         from the original after encoding; the edit was not saved (this is a bug, please report it)"
    )]
    UnchangedPixelDiffers { x: u32, y: u32 },
}

pub type Result<T> = std::result::Result<T, MaskedEditError>;

impl MaskedEditError {
    /// What the person can do about it: fix their mask, or nothing (a bug or a broken answer).
    pub fn kind(&self) -> crate::ErrorKind {
        use crate::ErrorKind;
        match self {
            MaskedEditError::MaskSizeMismatch { .. }
            | MaskedEditError::EmptyMask
            | MaskedEditError::MaskNotDecodable(_)
            | MaskedEditError::EmptyImage { .. } => ErrorKind::InvalidInput,
            MaskedEditError::AnswerNotDecodable(_) | MaskedEditError::EmptyAnswer { .. } => {
                ErrorKind::InvalidImage
            }
            MaskedEditError::NoAspectRatio(_)
            | MaskedEditError::PlanMismatch
            | MaskedEditError::Resize(_)
            | MaskedEditError::Encode(_)
            | MaskedEditError::UnchangedPixelDiffers { .. } => ErrorKind::Internal,
        }
    }
}
