//! The kinds of API call the client makes. A leaf: the client and its HTTP layer both name it.

/// Which call this is; it decides what is safe to repeat and how a 404 reads.
#[derive(Debug, Clone, Copy)]
pub(super) enum Call<'a> {
    Submit,
    Poll { task_id: &'a str },
    Credit,
}

impl<'a> Call<'a> {
    pub(super) fn is_submit(self) -> bool {
        matches!(self, Call::Submit)
    }

    pub(super) fn task_id(self) -> Option<&'a str> {
        match self {
            Call::Poll { task_id } => Some(task_id),
            _ => None,
        }
    }

    pub(super) fn what(self) -> &'static str {
        match self {
            Call::Submit => "submitting the generation",
            Call::Poll { .. } => "checking the task",
            Call::Credit => "reading the credit balance",
        }
    }
}
