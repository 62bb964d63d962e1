use std::path::PathBuf;

/// Why a crate could not be checked; each says which file to look at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: not valid Rust: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: not a valid Cargo.toml: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("{path}:{line}: `mod {name};` has no file (looked for {tried})")]
    MissingModule {
        path: PathBuf,
        line: usize,
        name: String,
        tried: String,
    },
}
