//! Syntax, escapes and the errors a person sees, with the helpers the other test modules share.
//! Wildcards are in `tests_wildcards.rs`; counting, CSV rows, modes and limits in
//! `tests_expand.rs`.

use super::*;

pub(super) fn expand_all(
    template: &str,
    wildcards: &Wildcards,
    table: Option<&CsvTable>,
) -> Vec<Expansion> {
    Template::parse(template)
        .unwrap()
        .resolve(wildcards, table)
        .unwrap()
        .expand(ExpansionMode::AllCombinations, 100_000)
        .unwrap()
}

pub(super) fn prompts(template: &str) -> Vec<String> {
    prompts_with(template, &Wildcards::new())
}

pub(super) fn prompts_with(template: &str, wildcards: &Wildcards) -> Vec<String> {
    expand_all(template, wildcards, None)
        .into_iter()
        .map(|e| e.prompt)
        .collect()
}

fn parse_error(template: &str) -> TemplateError {
    Template::parse(template).unwrap_err()
}

pub(super) fn resolve_error(template: &str, wildcards: &Wildcards) -> TemplateError {
    Template::parse(template)
        .unwrap()
        .resolve(wildcards, None)
        .unwrap_err()
}

fn alternative(group: u32, index: u32, value: &str) -> Choice {
    Choice {
        source: ChoiceSource::Alternative { group },
        index,
        value: value.into(),
    }
}

#[test]
fn plain_text_is_one_prompt_as_written() {
    let text = "  a red fox,\n\tjumping | over — ünïcode  ";
    assert_eq!(prompts(text), [text]);
    assert_eq!(prompts(""), [""]);
    assert_eq!(
        prompts("snake_case, $5, 50% off"),
        ["snake_case, $5, 50% off"]
    );
    let only = &expand_all("a fox", &Wildcards::new(), None)[0];
    assert_eq!(only.row, None);
    assert!(only.choices.is_empty());
}

#[test]
fn alternatives_pick_one_each() {
    assert_eq!(
        prompts("a {red|green|blue} fox"),
        ["a red fox", "a green fox", "a blue fox"]
    );
    let first = &expand_all("a {red|blue} fox", &Wildcards::new(), None)[1];
    assert_eq!(first.choices, [alternative(0, 1, "blue")]);
}

#[test]
fn alternatives_keep_whitespace_and_may_be_empty() {
    assert_eq!(prompts("[{ a | b\n}]"), ["[ a ]", "[ b\n]"]);
    assert_eq!(prompts("x{a|}y"), ["xay", "xy"]);
    assert_eq!(prompts("x{}y"), ["xy"]);
    assert_eq!(prompts("x{|}y"), ["xy", "xy"]);
}

#[test]
fn nested_alternatives_expand_inside_their_alternative() {
    assert_eq!(prompts("{a|{b|c} d}!"), ["a!", "b d!", "c d!"]);
    let all = expand_all("{a|{b|c} d}", &Wildcards::new(), None);
    assert_eq!(all[0].choices, [alternative(0, 0, "a")]);
    // The outer choice's value holds the nested one's; the nested group is numbered after it.
    assert_eq!(
        all[2].choices,
        [alternative(0, 1, "c d"), alternative(1, 1, "c")]
    );
}

#[test]
fn the_last_group_changes_fastest() {
    assert_eq!(prompts("{a|b} {c|d}"), ["a c", "a d", "b c", "b d"]);
    assert_eq!(
        prompts("{1|2}{x|y|z}"),
        ["1x", "1y", "1z", "2x", "2y", "2z"]
    );
    assert_eq!(
        prompts("{a|{b|c}}{1|2}"),
        ["a1", "a2", "b1", "b2", "c1", "c2"]
    );
}

#[test]
fn a_bar_outside_braces_is_text() {
    assert_eq!(prompts("a|b"), ["a|b"]);
    assert_eq!(prompts("a|{b|c}"), ["a|b", "a|c"]);
}

#[test]
fn escapes_give_the_literal_character() {
    assert_eq!(prompts(r"\{a\|b\}"), ["{a|b}"]);
    assert_eq!(prompts(r"\$\{col\}"), ["${col}"]);
    // `\$` only stops the variable: the braces after it are still a group.
    assert_eq!(prompts(r"\${x|y}"), ["$x", "$y"]);
    assert_eq!(prompts(r"\_\_x\_\_ and \__y_\_"), ["__x__ and __y__"]);
    assert_eq!(prompts(r"a\\b"), [r"a\b"]);
    assert_eq!(prompts(r"\\{a|b}"), [r"\a", r"\b"]);
    assert_eq!(prompts(r"{a\|b|c\}}"), ["a|b", "c}"]);
}

#[test]
fn other_backslashes_are_kept_as_written() {
    assert_eq!(
        prompts(r"\(masterpiece\) \n \x"),
        [r"\(masterpiece\) \n \x"]
    );
    assert_eq!(prompts(r"end\"), [r"end\"]);
    assert_eq!(prompts(r"\{a|b"), [r"{a|b"]);
}

#[test]
fn unbalanced_braces_are_refused_where_they_are() {
    assert_eq!(parse_error("ab{c"), TemplateError::UnclosedGroup { at: 2 });
    assert_eq!(
        parse_error("{a|{b}"),
        TemplateError::UnclosedGroup { at: 0 }
    );
    assert_eq!(
        parse_error("{a|{b|c}"),
        TemplateError::UnclosedGroup { at: 0 }
    );
    assert_eq!(parse_error("a}b"), TemplateError::UnmatchedClose { at: 1 });
    assert_eq!(
        parse_error("{a|b}}"),
        TemplateError::UnmatchedClose { at: 5 }
    );
    // Positions count characters, not bytes.
    assert_eq!(parse_error("é{"), TemplateError::UnclosedGroup { at: 1 });
    assert_eq!(
        parse_error("a fox {red").to_string(),
        "the `{` at character 7 is never closed: add a `}`, or write `\\{` for a literal brace"
    );
    assert_eq!(
        parse_error("}").to_string(),
        "the `}` at character 1 has no `{` before it: remove it, or write `\\}` for a literal brace"
    );
}

#[test]
fn nesting_is_capped_without_overflowing_the_stack() {
    let deepest = format!("{}x{}", "{".repeat(32), "}".repeat(32));
    assert_eq!(prompts(&deepest), ["x"]);
    let too_deep = format!("{}x{}", "{".repeat(33), "}".repeat(33));
    assert_eq!(
        parse_error(&too_deep),
        TemplateError::NestedTooDeep { at: 32, max: 32 }
    );
    let pasted = "{".repeat(200_000);
    assert!(matches!(
        parse_error(&pasted),
        TemplateError::NestedTooDeep { .. }
    ));
}

#[test]
fn dynamic_prompts_extras_are_refused_not_sent_as_text() {
    for (template, at) in [("{2$$a|b}", 1), ("{1-2$$a|b}", 1), ("x{$$a|b}", 2)] {
        assert!(matches!(
            parse_error(template),
            TemplateError::Unsupported { at: a, .. } if a == at
        ));
    }
    assert!(matches!(
        parse_error("{a|0.5::b}"),
        TemplateError::Unsupported { at: 3, .. }
    ));
    assert_eq!(
        parse_error("{2$$a|b}").to_string(),
        "picking several alternatives (`$$`) at character 2 is not supported: write one \
         alternative per option instead"
    );
    // Only at the start of an alternative: elsewhere it is text.
    assert_eq!(
        prompts("{a $$|b::c|10 apples} 2::x $$"),
        ["a $$ 2::x $$", "b::c 2::x $$", "10 apples 2::x $$"]
    );
}

#[test]
fn variable_and_wildcard_syntax_errors() {
    assert_eq!(
        parse_error("a ${col"),
        TemplateError::UnclosedVariable { at: 2 }
    );
    assert_eq!(
        parse_error("${a\n}"),
        TemplateError::UnclosedVariable { at: 0 }
    );
    assert_eq!(
        parse_error("${a{b}}"),
        TemplateError::UnclosedVariable { at: 0 }
    );
    assert_eq!(parse_error("x ${}"), TemplateError::EmptyVariable { at: 2 });
    assert_eq!(parse_error("${  }"), TemplateError::EmptyVariable { at: 0 });
    assert_eq!(
        parse_error("x __colour"),
        TemplateError::UnclosedWildcard { at: 2 }
    );
    assert_eq!(
        parse_error("__a\n__"),
        TemplateError::UnclosedWildcard { at: 0 }
    );
    assert_eq!(
        parse_error("a ____"),
        TemplateError::EmptyWildcard { at: 2 }
    );
    assert_eq!(parse_error("__ __"), TemplateError::EmptyWildcard { at: 0 });
    assert_eq!(
        parse_error("{__a b__}"),
        TemplateError::InvalidWildcardName {
            at: 1,
            name: "a b".into(),
            bad: ' '
        }
    );
    assert_eq!(
        parse_error("__a|b__").to_string(),
        "the wildcard name `a|b` at character 1 contains `|`: names have no spaces or \
         `{ } | $ \\`; write `\\_\\_` for literal underscores"
    );
    assert_eq!(
        parse_error("__x").to_string(),
        "the `__` at character 1 starts a wildcard name with no closing `__` on its line: close \
         it, or write `\\_\\_` for literal underscores"
    );
}

#[test]
fn the_template_lists_what_it_uses() {
    let template = Template::parse("${a} {x|__w__ ${b}} __v__ ${a} __w__").unwrap();
    assert_eq!(template.group_count(), 4);
    assert_eq!(template.columns(), ["a", "b"]);
    assert_eq!(template.wildcard_names(), ["w", "v"]);
    let trimmed = Template::parse("${ hair colour }").unwrap();
    assert_eq!(trimmed.columns(), ["hair colour"]);
}
