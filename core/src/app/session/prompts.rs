//! The prompt library and the wildcard lists of this session's profile: saved prompts and
//! templates (name, text, tags) the Generator inserts, and the `__name__` lists templates draw
//! from. Both are synced (see `library::prompts` and `library::wildcard_lists`).

use super::Session;
use crate::CoreError;
use crate::Result;
use crate::batch::{WildcardList, Wildcards};
use crate::library::{NewPrompt, PromptQuery, SavedPrompt};

impl Session {
    /// Saves `prompt` (a taken name, any case, is replaced only with `replace`: else the typed
    /// `already_exists` refusal).
    pub async fn save_prompt(&self, prompt: &NewPrompt) -> Result<SavedPrompt> {
        self.library.save_prompt(prompt).await
    }

    /// The saved prompts matching `query`, by name.
    pub async fn prompts(&self, query: &PromptQuery) -> Result<Vec<SavedPrompt>> {
        self.library.saved_prompts(query).await
    }

    /// The saved prompt called `name` (any case); an unknown name is `not_found`.
    pub async fn saved_prompt(&self, name: &str) -> Result<SavedPrompt> {
        self.library.saved_prompt(name).await
    }

    /// Removes the saved prompt called `name` (any case); an unknown name is `not_found`.
    pub async fn remove_prompt(&self, name: &str) -> Result<()> {
        self.library.remove_prompt(name).await
    }

    /// Saves (or replaces) the wildcard list `name`, one entry per line as given.
    pub async fn set_wildcard(&self, name: &str, lines: Vec<String>) -> Result<()> {
        check_wildcard_name(name)?;
        self.library.set_wildcard_list(name, &lines).await
    }

    /// Removes the wildcard list called exactly `name`; an unknown name is `not_found`.
    pub async fn remove_wildcard(&self, name: &str) -> Result<()> {
        self.library.remove_wildcard_list(name).await
    }

    /// The profile's wildcard lists, by name.
    pub async fn wildcards(&self) -> Result<Vec<WildcardList>> {
        Ok(self
            .library
            .wildcard_lists()
            .await?
            .into_iter()
            .map(|(name, entries)| WildcardList { name, entries })
            .collect())
    }

    pub(super) async fn wildcard_lists(&self) -> Result<Wildcards> {
        Ok(self.library.wildcard_lists().await?.into_iter().collect())
    }
}

/// A name a template can write as `__name__` (see `batch::template`'s syntax).
fn check_wildcard_name(name: &str) -> Result<()> {
    let bad = name
        .chars()
        .find(|c| c.is_whitespace() || "{}|$\\".contains(*c));
    if name.is_empty() || name.contains("__") || bad.is_some() {
        return Err(CoreError::InvalidInput(format!(
            "`{name}` cannot be a wildcard name: use letters, digits, `-` or single `_`, with no \
             spaces, `__` or `{{ }} | $ \\`"
        )));
    }
    Ok(())
}
