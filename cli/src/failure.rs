//! Why a command did not succeed: the one line for stderr, its error kind and the exit status (see
//! `shared/notes/cli.md`). A leaf every command module returns.

use nanoforge_core::{CoreError, ErrorKind};

/// Why a command did not succeed: the one line for stderr, its error kind and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub(crate) message: String,
    pub(crate) kind: Option<ErrorKind>,
    pub(crate) code: u8,
}

impl Failure {
    /// A failure at run time (exit 1).
    pub fn line(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            kind: None,
            code: 1,
        }
    }

    /// A usage problem, or a question that needs `--yes` (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            kind: None,
            code: 2,
        }
    }
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure {
            kind: Some(e.kind()),
            message: e.to_string(),
            code: 1,
        }
    }
}
