//! Counting, CSV rows, the two modes, the limit and the stored JSON.

use super::tests::{expand_all, prompts, prompts_with};
use super::*;

fn plan<'t>(template: &str, table: Option<&'t CsvTable>) -> ExpansionPlan<'t> {
    Template::parse(template)
        .unwrap()
        .resolve(&Wildcards::new(), table)
        .unwrap()
}

fn count(template: &str) -> u128 {
    plan(template, None).count()
}

fn random(template: &str, n: u32, seed: u32) -> Vec<String> {
    plan(template, None)
        .expand(ExpansionMode::Random { n, seed }, 100_000)
        .unwrap()
        .into_iter()
        .map(|e| e.prompt)
        .collect()
}

/// `groups` groups of `size` alternatives: `{0|1|…} {0|1|…} …`.
fn grid(groups: usize, size: usize) -> String {
    let group = format!(
        "{{{}}}",
        (0..size)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("|")
    );
    vec![group; groups].join(" ")
}

fn subjects() -> CsvTable {
    CsvTable::parse("subject,light\ncat,dawn\n\"old dog\",noon\nowl,night\n").unwrap()
}

#[test]
fn counts_multiply_across_groups_and_add_within_them() {
    assert_eq!(count("plain"), 1);
    assert_eq!(count("{a|b|c}"), 3);
    assert_eq!(count("{a|b} {c|d|e}"), 6);
    assert_eq!(count("{a|{b|c|d}}"), 4);
    assert_eq!(count("{a|{b|c} {d|e}} {x|}"), 10);
    let mut wildcards = Wildcards::new();
    wildcards.insert("w", ["{1|2|3}", "4"]);
    let with_wildcard = Template::parse("__w__ {a|b}").unwrap();
    assert_eq!(with_wildcard.resolve(&wildcards, None).unwrap().count(), 8);
}

#[test]
fn the_count_is_the_number_of_prompts_made() {
    let mut wildcards = Wildcards::new();
    wildcards.insert("w", ["{1|2|3}", "4", "{x|__v__}"]);
    wildcards.insert("v", ["p", "q"]);
    for template in [
        "",
        "{}",
        "{a|}",
        "{a|{b|c} d} {e|f|g}",
        "{{{a|b}|c}|{d|{e|f}}}",
        "__w__ {a|__w__}",
        &grid(3, 4),
    ] {
        let plan = Template::parse(template)
            .unwrap()
            .resolve(&wildcards, None)
            .unwrap();
        let made = plan.expand(ExpansionMode::AllCombinations, 10_000).unwrap();
        assert_eq!(
            u128::try_from(made.len()).unwrap(),
            plan.count(),
            "{template}"
        );
    }
}

#[test]
fn huge_templates_are_counted_without_expanding() {
    assert_eq!(count(&grid(20, 10)), 10u128.pow(20));
    assert_eq!(count(&grid(38, 10)), 10u128.pow(38));
    // Past u128 the count saturates rather than wrapping.
    assert_eq!(count(&grid(40, 10)), u128::MAX);
    assert_eq!(count(&grid(200, 1000)), u128::MAX);
    let nested = format!("{{{}|x}}", grid(45, 10));
    assert_eq!(count(&nested), u128::MAX);
}

#[test]
fn each_csv_row_meets_every_alternative_rows_outermost() {
    let table = subjects();
    let all = expand_all(
        "a ${subject} at ${light}, {oil|ink}",
        &Wildcards::new(),
        Some(&table),
    );
    let texts: Vec<&str> = all.iter().map(|e| e.prompt.as_str()).collect();
    assert_eq!(
        texts,
        [
            "a cat at dawn, oil",
            "a cat at dawn, ink",
            "a old dog at noon, oil",
            "a old dog at noon, ink",
            "a owl at night, oil",
            "a owl at night, ink",
        ]
    );
    let rows: Vec<Option<u32>> = all.iter().map(|e| e.row).collect();
    assert_eq!(rows, [Some(0), Some(0), Some(1), Some(1), Some(2), Some(2)]);
    assert_eq!(
        all[3].choices,
        [
            Choice {
                source: ChoiceSource::Variable {
                    column: "subject".into()
                },
                index: 1,
                value: "old dog".into()
            },
            Choice {
                source: ChoiceSource::Variable {
                    column: "light".into()
                },
                index: 1,
                value: "noon".into()
            },
            Choice {
                source: ChoiceSource::Alternative { group: 0 },
                index: 1,
                value: "ink".into()
            },
        ]
    );
    assert_eq!(plan("${subject} {a|b|c}", Some(&table)).count(), 9);
}

#[test]
fn a_variable_used_twice_is_one_value_and_one_choice() {
    let table = subjects();
    let all = expand_all(
        "${light}: ${subject}, {${subject}|x}",
        &Wildcards::new(),
        Some(&table),
    );
    assert_eq!(all[0].prompt, "dawn: cat, cat");
    assert_eq!(all[0].choices.len(), 3);
    assert_eq!(all[5].prompt, "night: owl, x");
}

#[test]
fn variables_inside_wildcards_use_the_row_too() {
    let table = subjects();
    let mut wildcards = Wildcards::new();
    wildcards.insert("scene", ["${subject} in {rain|snow}"]);
    let plan = Template::parse("__scene__")
        .unwrap()
        .resolve(&wildcards, Some(&table))
        .unwrap();
    assert!(plan.uses_table());
    assert_eq!(plan.count(), 6);
    let made = plan.expand(ExpansionMode::AllCombinations, 500).unwrap();
    assert_eq!(made[2].prompt, "old dog in rain");
    assert_eq!(made[2].row, Some(1));
}

#[test]
fn a_table_the_template_does_not_use_does_not_multiply() {
    let table = subjects();
    let plan = plan("{a|b}", Some(&table));
    assert!(!plan.uses_table());
    assert_eq!(plan.count(), 2);
    let made = plan.expand(ExpansionMode::AllCombinations, 500).unwrap();
    assert_eq!(made[1].row, None);
    assert_eq!(made[1].choices.len(), 1);
}

#[test]
fn variables_need_a_table_that_has_their_column() {
    let no_table = Template::parse("a ${subject}")
        .unwrap()
        .resolve(&Wildcards::new(), None)
        .unwrap_err();
    assert_eq!(
        no_table,
        TemplateError::NoTable {
            at: 2,
            column: "subject".into()
        }
    );
    assert_eq!(
        no_table.to_string(),
        "`${subject}` at character 3 needs a CSV file: choose one whose header row has a column \
         `subject`"
    );
    let table = subjects();
    let unknown = Template::parse("{x|${Subject}}")
        .unwrap()
        .resolve(&Wildcards::new(), Some(&table))
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "the CSV file has no column `Subject` (character 4); its columns are: subject, light"
    );
}

#[test]
fn random_mode_is_reproducible_from_its_seed() {
    let template = grid(6, 10);
    let first = random(&template, 20, 7);
    assert_eq!(first.len(), 20);
    assert_eq!(random(&template, 20, 7), first);
    assert_ne!(random(&template, 20, 8), first);
}

#[test]
fn random_mode_draws_distinct_combinations_in_template_order() {
    let template = "{a|b|c|d} {e|f|g} {h|i}";
    let all = prompts(template);
    for seed in 0..50 {
        let drawn = random(template, 10, seed);
        assert_eq!(drawn.len(), 10);
        let positions: Vec<usize> = drawn
            .iter()
            .map(|p| all.iter().position(|a| a == p).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }
}

#[test]
fn random_mode_reaches_every_combination_across_seeds() {
    // Nested groups weigh alternatives by their combinations: `d` is one of four, not one of two.
    let mut seen = std::collections::HashSet::new();
    for seed in 0..200 {
        seen.extend(random("{a|{b|c|d}}", 1, seed));
    }
    assert_eq!(seen.len(), 4);
}

#[test]
fn random_n_at_or_above_the_count_gives_every_combination_once() {
    let template = "{a|b} {c|d|e}";
    assert_eq!(random(template, 6, 1), prompts(template));
    assert_eq!(random(template, 1000, 1), prompts(template));
    let table = subjects();
    let plan = plan("${subject}", Some(&table));
    assert_eq!(
        plan.prompts_for(ExpansionMode::Random { n: 50, seed: 0 }),
        Ok(3)
    );
}

#[test]
fn random_mode_samples_astronomical_templates() {
    let huge = plan(&grid(20, 10), None);
    let drawn = huge
        .expand(ExpansionMode::Random { n: 500, seed: 3 }, 500)
        .unwrap();
    assert_eq!(drawn.len(), 500);
    let distinct: std::collections::HashSet<&str> =
        drawn.iter().map(|e| e.prompt.as_str()).collect();
    assert_eq!(distinct.len(), 500);
    assert!(drawn.windows(2).all(|w| w[0].prompt < w[1].prompt));
    assert!(drawn.iter().all(|e| e.choices.len() == 20));
}

#[test]
fn random_mode_samples_past_the_saturated_count() {
    let template = format!("${{subject}} {{x|{}}}", grid(45, 10));
    let table = subjects();
    let saturated = plan(&template, Some(&table));
    assert_eq!(saturated.count(), u128::MAX);
    let mode = ExpansionMode::Random { n: 100, seed: 9 };
    let drawn = saturated.expand(mode, 500).unwrap();
    assert_eq!(drawn.len(), 100);
    let distinct: std::collections::HashSet<&str> =
        drawn.iter().map(|e| e.prompt.as_str()).collect();
    assert_eq!(distinct.len(), 100);
    assert_eq!(saturated.expand(mode, 500).unwrap(), drawn);
    // The rare `x` (one in 10^45 + 1) does not come up; the long alternative always does.
    assert!(drawn.iter().all(|e| e.choices.len() == 1 + 1 + 45));
    assert!(drawn.iter().all(|e| e.row.is_some_and(|row| row < 3)));
}

#[test]
fn random_zero_is_refused() {
    let error = plan("{a|b}", None)
        .expand(ExpansionMode::Random { n: 0, seed: 1 }, 500)
        .unwrap_err();
    assert_eq!(error, TemplateError::NoPromptsRequested);
}

#[test]
fn the_limit_is_checked_before_anything_is_made() {
    let five_hundred = plan(
        "{a|b|c|d|e} {0|1|2|3|4|5|6|7|8|9} {0|1|2|3|4|5|6|7|8|9}",
        None,
    );
    assert_eq!(five_hundred.count(), 500);
    let all = ExpansionMode::AllCombinations;
    assert_eq!(five_hundred.expand(all, 500).unwrap().len(), 500);
    assert_eq!(
        five_hundred.expand(all, 499),
        Err(TemplateError::TooManyPrompts {
            count: 500,
            max: 499
        })
    );
    // Expanding 10^20 prompts would never return: the refusal comes first.
    let huge = plan(&grid(20, 10), None);
    let error = huge.expand(all, 500).unwrap_err();
    assert_eq!(
        error.to_string(),
        "this would make 100000000000000000000 prompts, more than the limit of 500: raise the \
         limit, or use Random N with N up to 500"
    );
    let random_too_many = ExpansionMode::Random { n: 501, seed: 0 };
    assert_eq!(
        huge.expand(random_too_many, 500),
        Err(TemplateError::TooManyPrompts {
            count: 501,
            max: 500
        })
    );
    // Random N above the count asks only for the count.
    assert_eq!(
        five_hundred.expand(random_too_many, 500).unwrap().len(),
        500
    );
    let saturated = plan(&grid(40, 10), None).expand(all, u64::MAX).unwrap_err();
    assert!(
        saturated.to_string().starts_with(
            "this would make more than 340282366920938463463374607431768211455 prompts"
        )
    );
}

#[test]
fn expansions_serialise_in_camel_case_with_tagged_sources() {
    let table = subjects();
    let mut wildcards = Wildcards::new();
    wildcards.insert("w", ["u", "v"]);
    let made = Template::parse("${subject} {a|b} __w__")
        .unwrap()
        .resolve(&wildcards, Some(&table))
        .unwrap()
        .expand(ExpansionMode::AllCombinations, 500)
        .unwrap();
    let json = serde_json::to_value(&made[3]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "prompt": "cat b v",
            "row": 0,
            "choices": [
                {"source": {"kind": "variable", "column": "subject"}, "index": 0, "value": "cat"},
                {"source": {"kind": "alternative", "group": 0}, "index": 1, "value": "b"},
                {"source": {"kind": "wildcard", "group": 1, "name": "w"}, "index": 1, "value": "v"},
            ]
        })
    );
    let back: Expansion = serde_json::from_value(json).unwrap();
    assert_eq!(back, made[3]);
    let mode = ExpansionMode::Random { n: 3, seed: 7 };
    assert_eq!(
        serde_json::to_value(mode).unwrap(),
        serde_json::json!({"kind": "random", "n": 3, "seed": 7})
    );
    assert_eq!(
        serde_json::to_value(ExpansionMode::default()).unwrap(),
        serde_json::json!({"kind": "allCombinations"})
    );
}

#[test]
fn identical_texts_from_different_choices_are_different_combinations() {
    let all = expand_all("{a|a}", &Wildcards::new(), None);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].prompt, all[1].prompt);
    assert_ne!(all[0].choices, all[1].choices);
    assert_eq!(prompts_with("x", &Wildcards::new()), ["x"]);
}
