//! Template text → tree. One pass over the characters; positions are character indices so an
//! error can point at the place a person sees.

use super::error::TemplateError;

/// Deeper nesting is refused: the tree is walked recursively when counting and expanding, and a
/// pasted run of `{` must not overflow the stack. No real prompt comes close.
pub(super) const MAX_NESTING: usize = 32;

/// What a backslash turns into the literal character.
const ESCAPABLE: [char; 6] = ['{', '}', '|', '$', '_', '\\'];

/// Characters a wildcard name cannot contain (besides whitespace): they would be template syntax.
const NOT_IN_NAMES: [char; 5] = ['{', '}', '|', '$', '\\'];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    Text(String),
    Group {
        group: u32,
        alternatives: Vec<Vec<Node>>,
    },
    Wildcard {
        group: u32,
        at: usize,
        name: String,
    },
    Variable {
        at: usize,
        column: String,
    },
}

pub(super) struct Parsed {
    pub(super) nodes: Vec<Node>,
    /// How many group numbers were handed out (`{…}` and wildcards).
    pub(super) groups: u32,
}

pub(super) fn parse(text: &str) -> Result<Parsed, TemplateError> {
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        next_group: 0,
    };
    let (nodes, _) = parser.sequence(0)?;
    Ok(Parsed {
        nodes,
        groups: parser.next_group,
    })
}

/// Calls `f` on every node, depth first in reading order.
pub(super) fn visit<'n>(nodes: &'n [Node], f: &mut impl FnMut(&'n Node)) {
    for node in nodes {
        f(node);
        if let Node::Group { alternatives, .. } = node {
            for alternative in alternatives {
                visit(alternative, f);
            }
        }
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    next_group: u32,
}

/// What ended a sequence of nodes.
enum End {
    Text,
    Bar,
    Close,
}

impl Parser {
    fn peek(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn take_group_number(&mut self) -> u32 {
        let group = self.next_group;
        self.next_group = self.next_group.saturating_add(1);
        group
    }

    /// Nodes up to the end of the text, or (inside a group, `depth > 0`) up to `|` or `}`.
    fn sequence(&mut self, depth: usize) -> Result<(Vec<Node>, End), TemplateError> {
        let mut nodes = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            let at = self.pos;
            match c {
                '\\' => match self.peek(1) {
                    Some(escaped) if ESCAPABLE.contains(&escaped) => {
                        text.push(escaped);
                        self.pos += 2;
                    }
                    // Kept as written; the next character is read normally.
                    _ => {
                        text.push('\\');
                        self.pos += 1;
                    }
                },
                '{' => {
                    flush(&mut text, &mut nodes);
                    nodes.push(self.group(depth + 1)?);
                }
                '}' | '|' if depth > 0 => {
                    self.pos += 1;
                    flush(&mut text, &mut nodes);
                    let end = if c == '|' { End::Bar } else { End::Close };
                    return Ok((nodes, end));
                }
                '}' => return Err(TemplateError::UnmatchedClose { at }),
                '$' if self.peek(1) == Some('{') => {
                    flush(&mut text, &mut nodes);
                    nodes.push(self.variable()?);
                }
                '_' if self.peek(1) == Some('_') => {
                    flush(&mut text, &mut nodes);
                    nodes.push(self.wildcard()?);
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut text, &mut nodes);
        Ok((nodes, End::Text))
    }

    /// `{a|b|…}`, at the `{`.
    fn group(&mut self, depth: usize) -> Result<Node, TemplateError> {
        let at = self.pos;
        if depth > MAX_NESTING {
            return Err(TemplateError::NestedTooDeep {
                at,
                max: MAX_NESTING,
            });
        }
        self.pos += 1;
        let group = self.take_group_number();
        let mut alternatives = Vec::new();
        loop {
            self.refuse_unsupported(alternatives.is_empty())?;
            let (alternative, end) = self.sequence(depth)?;
            alternatives.push(alternative);
            match end {
                End::Bar => {}
                End::Close => {
                    return Ok(Node::Group {
                        group,
                        alternatives,
                    });
                }
                End::Text => return Err(TemplateError::UnclosedGroup { at }),
            }
        }
    }

    /// Dynamic Prompts' `{2$$a|b}` and `{0.5::a|b}` would otherwise become literal text in a
    /// paid prompt; checked at the start of an alternative.
    fn refuse_unsupported(&self, first: bool) -> Result<(), TemplateError> {
        let rest = self.chars.get(self.pos..).unwrap_or_default();
        let prefix = rest
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == '-' || **c == '.')
            .count();
        let after = rest.get(prefix..prefix + 2).unwrap_or_default();
        if first && after == ['$', '$'] {
            return Err(TemplateError::Unsupported {
                at: self.pos,
                what: "picking several alternatives (`$$`)",
            });
        }
        if prefix > 0 && after == [':', ':'] {
            return Err(TemplateError::Unsupported {
                at: self.pos,
                what: "a weight (`::`)",
            });
        }
        Ok(())
    }

    /// `__name__`, at the first `_`.
    fn wildcard(&mut self) -> Result<Node, TemplateError> {
        let at = self.pos;
        let start = at + 2;
        let mut end = start;
        loop {
            match self.chars.get(end) {
                None | Some('\n' | '\r') => return Err(TemplateError::UnclosedWildcard { at }),
                Some('_') if self.chars.get(end + 1) == Some(&'_') => break,
                Some(_) => end += 1,
            }
        }
        let name: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        if name.trim().is_empty() {
            return Err(TemplateError::EmptyWildcard { at });
        }
        if let Some(bad) = name
            .chars()
            .find(|c| c.is_whitespace() || NOT_IN_NAMES.contains(c))
        {
            return Err(TemplateError::InvalidWildcardName { at, name, bad });
        }
        self.pos = end + 2;
        Ok(Node::Wildcard {
            group: self.take_group_number(),
            at,
            name,
        })
    }

    /// `${column}`, at the `$`.
    fn variable(&mut self) -> Result<Node, TemplateError> {
        let at = self.pos;
        let start = at + 2;
        let mut end = start;
        loop {
            match self.chars.get(end) {
                None | Some('\n' | '\r' | '{') => {
                    return Err(TemplateError::UnclosedVariable { at });
                }
                Some('}') => break,
                Some(_) => end += 1,
            }
        }
        let raw: String = self
            .chars
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .collect();
        let column = raw.trim();
        if column.is_empty() {
            return Err(TemplateError::EmptyVariable { at });
        }
        self.pos = end + 1;
        Ok(Node::Variable {
            at,
            column: column.to_owned(),
        })
    }
}

fn flush(text: &mut String, nodes: &mut Vec<Node>) {
    if !text.is_empty() {
        nodes.push(Node::Text(std::mem::take(text)));
    }
}
