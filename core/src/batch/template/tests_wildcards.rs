//! Wildcards: lookup, nesting, loops, and errors inside their entries.

use super::tests::{expand_all, prompts_with, resolve_error};
use super::*;

fn colours() -> Wildcards {
    let mut wildcards = Wildcards::new();
    wildcards.insert_text("colour", "red\n\n# warm ones first\n  orange  \nblue\n");
    wildcards
}

#[test]
fn wildcards_pick_each_entry_trimmed_skipping_blank_and_comment_lines() {
    let all = expand_all("a __colour__ fox", &colours(), None);
    let texts: Vec<&str> = all.iter().map(|e| e.prompt.as_str()).collect();
    assert_eq!(texts, ["a red fox", "a orange fox", "a blue fox"]);
    assert_eq!(
        all[1].choices,
        [Choice {
            source: ChoiceSource::Wildcard {
                group: 0,
                name: "colour".into()
            },
            index: 3,
            value: "orange".into()
        }]
    );
}

#[test]
fn each_use_of_a_wildcard_is_its_own_choice() {
    let mut wildcards = Wildcards::new();
    wildcards.insert("c", ["x", "y"]);
    assert_eq!(
        prompts_with("__c__/__c__", &wildcards),
        ["x/x", "x/y", "y/x", "y/y"]
    );
    let last = expand_all("{a|b} __c__ __c__", &wildcards, None)
        .pop()
        .unwrap();
    let groups: Vec<&ChoiceSource> = last.choices.iter().map(|c| &c.source).collect();
    assert_eq!(
        groups,
        [
            &ChoiceSource::Alternative { group: 0 },
            &ChoiceSource::Wildcard {
                group: 1,
                name: "c".into()
            },
            &ChoiceSource::Wildcard {
                group: 2,
                name: "c".into()
            },
        ]
    );
}

#[test]
fn wildcard_entries_are_templates() {
    let mut wildcards = colours();
    wildcards.insert("animal", ["{big|small} __colour__ cat", "dog"]);
    let all = expand_all("__animal__!", &wildcards, None);
    let texts: Vec<&str> = all.iter().map(|e| e.prompt.as_str()).collect();
    assert_eq!(
        texts,
        [
            "big red cat!",
            "big orange cat!",
            "big blue cat!",
            "small red cat!",
            "small orange cat!",
            "small blue cat!",
            "dog!"
        ]
    );
    // What happened inside the entry is part of the wildcard's value, not a choice of its own.
    assert_eq!(all[4].choices.len(), 1);
    assert_eq!(all[4].choices[0].value, "small orange cat");
    assert_eq!(all[4].choices[0].index, 0);
    assert_eq!(all[6].choices[0].index, 1);
}

#[test]
fn wildcard_names_are_case_sensitive_and_unknown_ones_named() {
    let error = resolve_error("a __Colour__", &colours());
    assert_eq!(
        error,
        TemplateError::UnknownWildcard {
            at: 2,
            name: "Colour".into(),
            suggestion: Some("colour".into())
        }
    );
    assert_eq!(
        error.to_string(),
        "there is no wildcard `Colour` (character 3): did you mean `colour`? (names are \
         case-sensitive)"
    );
    assert_eq!(
        resolve_error("__plant__", &colours()).to_string(),
        "there is no wildcard `plant` (character 1): add a wildcard list with that name, or \
         write `\\_\\_` for literal underscores"
    );
}

#[test]
fn a_wildcard_that_reaches_itself_is_a_loop() {
    let mut wildcards = Wildcards::new();
    wildcards.insert("a", ["x", "{y|__b__}"]);
    wildcards.insert("b", ["__c__"]);
    wildcards.insert("c", ["z", "__a__"]);
    wildcards.insert("self", ["__self__ again"]);
    let error = resolve_error("__a__", &wildcards);
    assert_eq!(
        error,
        TemplateError::WildcardLoop {
            chain: vec!["a".into(), "b".into(), "c".into(), "a".into()]
        }
    );
    assert_eq!(
        error.to_string(),
        "the wildcard `a` uses itself (a → b → c → a): remove the loop"
    );
    // Entered in the middle, the loop is named from where it closes.
    assert_eq!(
        resolve_error("__b__", &wildcards),
        TemplateError::WildcardLoop {
            chain: vec!["b".into(), "c".into(), "a".into(), "b".into()]
        }
    );
    assert_eq!(
        resolve_error("__self__", &wildcards),
        TemplateError::WildcardLoop {
            chain: vec!["self".into(), "self".into()]
        }
    );
}

#[test]
fn wildcards_shared_without_a_loop_are_fine() {
    let mut wildcards = colours();
    wildcards.insert("pair", ["__colour__ and __colour__"]);
    assert_eq!(prompts_with("__pair__, __colour__", &wildcards).len(), 27);
}

fn nest(levels: usize, inner: &str) -> String {
    format!("{}{inner}{}", "{".repeat(levels), "}".repeat(levels))
}

#[test]
fn long_wildcard_chains_are_capped() {
    let mut wildcards = Wildcards::new();
    for level in 0..70 {
        wildcards.insert(format!("w{level}"), [format!("__w{}__", level + 1)]);
    }
    wildcards.insert("w70", ["end"]);
    let error = resolve_error("__w0__", &wildcards);
    assert!(matches!(
        error,
        TemplateError::WildcardsTooDeep { max: 64, ref chain } if chain.len() == 65
    ));
    assert!(error.to_string().starts_with(
        "groups and wildcards nest more than 64 deep through the wildcards w0 → w1 → w2 → "
    ));
    assert_eq!(prompts_with("__w10__", &wildcards), ["end"]);
}

#[test]
fn depth_counts_through_a_wildcard_already_resolved() {
    let mut wildcards = Wildcards::new();
    wildcards.insert("deep", [nest(32, "x")]);
    let fits = format!("__deep__{}", nest(31, "__deep__"));
    assert_eq!(prompts_with(&fits, &wildcards), ["xx"]);
    let too_deep = format!("__deep__{}", nest(32, "__deep__"));
    assert_eq!(
        resolve_error(&too_deep, &wildcards),
        TemplateError::WildcardsTooDeep {
            chain: vec!["deep".into()],
            max: 64
        }
    );
}

#[test]
fn errors_inside_an_entry_name_the_wildcard_and_line() {
    let mut wildcards = Wildcards::new();
    wildcards.insert("broken", ["# header", "fine", "  {oops", "__missing__"]);
    let error = resolve_error("__broken__", &wildcards);
    assert_eq!(
        error,
        TemplateError::InWildcard {
            name: "broken".into(),
            line: 3,
            inner: Box::new(TemplateError::UnclosedGroup { at: 0 })
        }
    );
    assert_eq!(
        error.to_string(),
        "in the wildcard `broken`, line 3: the `{` at character 1 is never closed: add a `}`, or \
         write `\\{` for a literal brace"
    );
    wildcards.insert("broken", ["__missing__"]);
    wildcards.insert("outer", ["a", "__broken__"]);
    assert_eq!(
        resolve_error("__outer__", &wildcards).to_string(),
        "in the wildcard `outer`, line 2: in the wildcard `broken`, line 1: there is no wildcard \
         `missing` (character 1): add a wildcard list with that name, or write `\\_\\_` for \
         literal underscores"
    );
}

#[test]
fn a_wildcard_without_entries_is_refused() {
    let mut wildcards = Wildcards::new();
    wildcards.insert("empty", ["", "  ", "# only a comment"]);
    assert_eq!(
        resolve_error("__empty__", &wildcards),
        TemplateError::EmptyWildcardList {
            name: "empty".into()
        }
    );
}

#[test]
fn the_deepest_allowed_nesting_expands_without_overflowing_the_stack() {
    // 31 groups, a wildcard, 31 groups in its entry, a wildcard: 64 levels, the most allowed.
    let mut wildcards = Wildcards::new();
    wildcards.insert("a", [nest(31, "__b__")]);
    wildcards.insert("b", [nest(1, "bottom")]);
    let too_deep = resolve_error(&nest(31, "__a__"), &wildcards);
    assert!(matches!(too_deep, TemplateError::WildcardsTooDeep { .. }));
    wildcards.insert("b", ["bottom"]);
    let made = expand_all(&nest(31, "__a__"), &wildcards, None);
    assert_eq!(made.len(), 1);
    assert_eq!(made[0].prompt, "bottom");
    // The 31 groups and the wildcard of the template's own text.
    assert_eq!(made[0].choices.len(), 32);
}
