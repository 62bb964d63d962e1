//! The error of a name that is not in the catalog (a model, size, aspect ratio or provider typed by
//! a person or read from a row). A leaf, so every catalog file can name it.

/// A model, size, ratio or provider the catalog does not know; the message lists the choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UnknownChoice(pub String);
