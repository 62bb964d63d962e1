//! Wildcards: named lists a template draws from with `__name__` (kept per profile by the caller).
//!
//! Names are case-sensitive, like Dynamic Prompts' wildcard files on Linux, and looked up exactly;
//! an unknown name's error suggests a list whose name differs only in case. Entries are stored as
//! given; when a template uses them, each is trimmed and blank lines and lines starting with `#`
//! are skipped (Dynamic Prompts' file convention), and each entry may itself be a template.

use std::collections::HashMap;

/// Named lists of entries; one entry per line of a wildcard file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Wildcards {
    lists: HashMap<String, Vec<String>>,
}

impl Wildcards {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the list `name`.
    pub fn insert<I, S>(&mut self, name: impl Into<String>, entries: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.lists
            .insert(name.into(), entries.into_iter().map(Into::into).collect());
    }

    /// Adds (or replaces) the list `name` from a wildcard file's text, one entry per line.
    pub fn insert_text(&mut self, name: impl Into<String>, text: &str) {
        self.insert(name, text.lines());
    }

    /// The entries of `name` as stored (blank and `#` lines included, so line numbers hold).
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.lists.get(name).map(Vec::as_slice)
    }

    /// Every list's name, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.lists.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// A list whose name matches `name` except for case, for an unknown name's error.
    pub(crate) fn suggest(&self, name: &str) -> Option<&str> {
        let wanted = name.to_lowercase();
        self.names()
            .into_iter()
            .find(|candidate| candidate.to_lowercase() == wanted)
    }
}

impl<N, I, S> FromIterator<(N, I)> for Wildcards
where
    N: Into<String>,
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    fn from_iter<T: IntoIterator<Item = (N, I)>>(lists: T) -> Self {
        let mut wildcards = Self::new();
        for (name, entries) in lists {
            wildcards.insert(name, entries);
        }
        wildcards
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_lists_and_suggests_by_case() {
        let mut wildcards = Wildcards::new();
        wildcards.insert_text("Colours", "red\n# a comment\n\nblue\r\n");
        wildcards.insert("animals", ["cat", "dog"]);
        assert_eq!(
            wildcards.get("Colours").unwrap(),
            ["red", "# a comment", "", "blue"]
        );
        assert_eq!(wildcards.get("colours"), None);
        assert_eq!(wildcards.names(), ["Colours", "animals"]);
        assert_eq!(wildcards.suggest("colours"), Some("Colours"));
        assert_eq!(wildcards.suggest("ÀNIMALS"), None);
        assert_eq!(wildcards.suggest("ANIMALS"), Some("animals"));
        assert_eq!(wildcards.suggest("plants"), None);
    }

    #[test]
    fn collects_from_pairs() {
        let wildcards: Wildcards = [("a", vec!["1", "2"]), ("b", vec!["3"])]
            .into_iter()
            .collect();
        assert_eq!(wildcards.get("a").unwrap(), ["1", "2"]);
        assert_eq!(wildcards.get("b").unwrap(), ["3"]);
    }
}
