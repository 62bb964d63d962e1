//! Plan → prompts. Every combination has an index in the all-combinations order (CSV row
//! outermost, then the text's groups as a mixed-radix number); a prompt is made by decoding its
//! index, so random mode picks indices and never walks the combinations it does not use.

use std::collections::HashSet;

use super::error::TemplateError;
use super::expansion::{Choice, ChoiceSource, Expansion, ExpansionMode};
use super::resolve::{ExpansionPlan, Options, RNode, Seq, node_count};

/// How a choice is made: from a known index, or (only below a subtree whose count saturated, so
/// has no exact index) by drawing.
enum Draw<'r> {
    Index(u128),
    Random(&'r mut fastrand::Rng),
}

/// The prompt being written.
struct Render {
    row: usize,
    prompt: String,
    choices: Vec<Choice>,
}

impl ExpansionPlan<'_> {
    /// Rows × combinations, saturating at `u128::MAX`; computed when the plan was made.
    pub fn count(&self) -> u128 {
        self.rows().saturating_mul(self.root.count)
    }

    /// Whether the CSV rows take part (the template or its wildcards use a variable).
    pub fn uses_table(&self) -> bool {
        !self.columns.is_empty()
    }

    /// How many prompts `mode` gives, without making them.
    pub fn prompts_for(&self, mode: ExpansionMode) -> Result<u128, TemplateError> {
        match mode {
            ExpansionMode::AllCombinations => Ok(self.count()),
            ExpansionMode::Random { n: 0, .. } => Err(TemplateError::NoPromptsRequested),
            ExpansionMode::Random { n, .. } => Ok(u128::from(n).min(self.count())),
        }
    }

    /// The prompts, in the all-combinations order (random mode: the drawn ones, still in that
    /// order, except past a saturated count, where they come in the order drawn). Refused
    /// before anything is allocated when there would be more than `max`.
    pub fn expand(&self, mode: ExpansionMode, max: u64) -> Result<Vec<Expansion>, TemplateError> {
        let count = self.prompts_for(mode)?;
        let too_many = TemplateError::TooManyPrompts { count, max };
        if count > u128::from(max) {
            return Err(too_many);
        }
        let Ok(wanted) = usize::try_from(count) else {
            return Err(too_many);
        };
        let total = self.count();
        let mut prompts = Vec::with_capacity(wanted);
        match mode {
            ExpansionMode::Random { seed, .. } if count < total => {
                let mut rng = fastrand::Rng::with_seed(u64::from(seed));
                if total < u128::MAX {
                    let mut indices = sample_indices(&mut rng, total, wanted);
                    indices.sort_unstable();
                    prompts.extend(indices.into_iter().map(|i| self.decode(i)));
                } else {
                    self.draw_distinct(&mut rng, wanted, &mut prompts);
                }
            }
            _ => prompts.extend((0..total).map(|i| self.decode(i))),
        }
        Ok(prompts)
    }

    fn rows(&self) -> u128 {
        match self.table {
            Some(table) if self.uses_table() => {
                u128::try_from(table.row_count()).unwrap_or(u128::MAX)
            }
            _ => 1,
        }
    }

    /// The prompt at `index` of the all-combinations order (`index < count()`).
    fn decode(&self, index: u128) -> Expansion {
        let combinations = self.root.count.max(1);
        let row = usize::try_from(index / combinations).unwrap_or(0);
        let mut render = self.start(row);
        self.seq(&self.root, Draw::Index(index % combinations), &mut render);
        self.finish(render)
    }

    /// Far beyond any `n` a limit allows, a random draw repeats a prompt with negligible odds;
    /// the attempts are bounded all the same.
    fn draw_distinct(&self, rng: &mut fastrand::Rng, wanted: usize, prompts: &mut Vec<Expansion>) {
        let mut seen = HashSet::with_capacity(wanted);
        let mut attempts = wanted.saturating_mul(8).saturating_add(64);
        let rows = usize::try_from(self.rows()).unwrap_or(usize::MAX).max(1);
        while prompts.len() < wanted && attempts > 0 {
            attempts -= 1;
            let mut render = self.start(rng.usize(0..rows));
            self.seq(&self.root, Draw::Random(&mut *rng), &mut render);
            if seen.insert((render.row, render.prompt.clone())) {
                prompts.push(self.finish(render));
            }
        }
    }

    /// The variables' choices come first: the row is the outermost loop.
    fn start(&self, row: usize) -> Render {
        let mut choices = Vec::new();
        if let Some(table) = self.table.filter(|_| self.uses_table()) {
            for &column in &self.columns {
                choices.push(Choice {
                    source: ChoiceSource::Variable {
                        column: table.columns().get(column).cloned().unwrap_or_default(),
                    },
                    index: u32::try_from(row).unwrap_or(u32::MAX),
                    value: table.cell(row, column).unwrap_or_default().to_owned(),
                });
            }
        }
        Render {
            row,
            prompt: String::new(),
            choices,
        }
    }

    fn finish(&self, render: Render) -> Expansion {
        Expansion {
            prompt: render.prompt,
            row: self
                .uses_table()
                .then(|| u32::try_from(render.row).unwrap_or(u32::MAX)),
            choices: render.choices,
        }
    }

    fn seq(&self, seq: &Seq, draw: Draw<'_>, out: &mut Render) {
        let mut draw = match draw {
            Draw::Random(rng) if seq.count < u128::MAX => {
                Draw::Index(rng.u128(0..seq.count.max(1)))
            }
            other => other,
        };
        for (node, &place) in seq.nodes.iter().zip(&seq.places) {
            let node_draw = match &mut draw {
                Draw::Index(index) => {
                    let count = node_count(node, &self.wildcards).max(1);
                    Draw::Index((*index / place.max(1)) % count)
                }
                Draw::Random(rng) => Draw::Random(rng),
            };
            self.node(node, node_draw, out);
        }
    }

    fn node(&self, node: &RNode, draw: Draw<'_>, out: &mut Render) {
        match node {
            RNode::Text(text) => out.prompt.push_str(text),
            RNode::Variable { column } => {
                let value = self.table.and_then(|t| t.cell(out.row, *column));
                out.prompt.push_str(value.unwrap_or_default());
            }
            RNode::Group { group, options } => {
                let source = group.map(|group| ChoiceSource::Alternative { group });
                self.choose(options, draw, out, source, |option| option);
            }
            RNode::Wildcard { group, id } => {
                let Some(wildcard) = self.wildcards.get(*id) else {
                    return;
                };
                let source = group.map(|group| ChoiceSource::Wildcard {
                    group,
                    name: wildcard.name.clone(),
                });
                let line = |option: usize| {
                    let line = wildcard.lines.get(option).copied().unwrap_or(u32::MAX);
                    usize::try_from(line).unwrap_or(usize::MAX)
                };
                self.choose(&wildcard.options, draw, out, source, line);
            }
        }
    }

    /// Writes one option; with a `source`, records it as a choice (in reading order: before the
    /// choices nested in it). `index_of` maps the option's position to the choice's index.
    fn choose(
        &self,
        options: &Options,
        draw: Draw<'_>,
        out: &mut Render,
        source: Option<ChoiceSource>,
        index_of: impl Fn(usize) -> usize,
    ) {
        let (option, inner) = match draw {
            Draw::Index(index) => {
                let (option, within) = options.locate(index);
                (option, Draw::Index(within))
            }
            Draw::Random(rng) if options.count < u128::MAX => {
                let (option, within) = options.locate(rng.u128(0..options.count.max(1)));
                (option, Draw::Index(within))
            }
            Draw::Random(rng) => (weighted_option(options, rng), Draw::Random(rng)),
        };
        let Some(seq) = options.seqs.get(option) else {
            return;
        };
        let start = out.prompt.len();
        let slot = source.map(|source| {
            out.choices.push(Choice {
                source,
                index: u32::try_from(index_of(option)).unwrap_or(u32::MAX),
                value: String::new(),
            });
            out.choices.len() - 1
        });
        self.seq(seq, inner, out);
        if let Some(choice) = slot.and_then(|slot| out.choices.get_mut(slot)) {
            choice.value = out.prompt.get(start..).unwrap_or_default().to_owned();
        }
    }
}

/// `wanted` distinct indices below `total` with Floyd's algorithm: exactly `wanted` draws,
/// however large `total` is (`wanted < total`).
fn sample_indices(rng: &mut fastrand::Rng, total: u128, wanted: usize) -> Vec<u128> {
    let wanted_u128 = u128::try_from(wanted).unwrap_or(u128::MAX).min(total);
    let mut picked = HashSet::with_capacity(wanted);
    for j in (total - wanted_u128)..total {
        let candidate = rng.u128(0..=j);
        if !picked.insert(candidate) {
            picked.insert(j);
        }
    }
    picked.into_iter().collect()
}

/// An option with probability proportional to its count (saturated counts approximated as
/// floating point, which is all that is left to go on at that size).
fn weighted_option(options: &Options, rng: &mut fastrand::Rng) -> usize {
    let weights: Vec<f64> = options.seqs.iter().map(|s| s.count as f64).collect();
    let total: f64 = weights.iter().sum();
    let mut target = rng.f64() * total;
    for (option, weight) in weights.iter().enumerate() {
        if target < *weight {
            return option;
        }
        target -= weight;
    }
    options.seqs.len().saturating_sub(1)
}
