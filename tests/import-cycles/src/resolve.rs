//! Name resolution as rustc does it, as far as syntax allows: module scopes, function-body blocks,
//! `use` bindings followed through re-exports and globs.

use std::cell::RefCell;
use std::collections::HashSet;

use crate::tree::{Binding, Crate, ItemId, ModId, Names, UsePath};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(crate) enum Target {
    Module(ModId),
    Item(ItemId),
    /// Defined in a function body, so in the file that names it.
    Local,
}

/// Where a name is looked up: a module and the function-body blocks around the code, innermost last.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub module: ModId,
    pub blocks: &'a [Names],
}

pub(crate) struct Resolved {
    pub targets: Vec<Target>,
    /// How many segments led to the targets: the rest name a variant or an associated item.
    pub segments_used: usize,
}

pub(crate) struct Resolver<'c> {
    krate: &'c Crate,
    /// Lookups under way, by names table and name: a loop of re-exports (`a` globs `b`, `b` globs
    /// `a`, or `use foo::foo` beside `mod foo`) sees only the direct definitions on re-entry instead
    /// of recursing forever.
    active: RefCell<HashSet<(usize, String)>>,
}

impl<'c> Resolver<'c> {
    pub(crate) fn new(krate: &'c Crate) -> Self {
        Resolver {
            krate,
            active: RefCell::new(HashSet::new()),
        }
    }

    pub(crate) fn resolve_path(
        &self,
        scope: Scope,
        leading_colon: bool,
        segments: &[String],
    ) -> Resolved {
        let mut resolved = Resolved {
            targets: Vec::new(),
            segments_used: 0,
        };
        // `::name` is another crate in edition 2018 and later; `Self` is the type of an impl, named
        // again in its header.
        let Some(first) = segments.first().filter(|_| !leading_colon) else {
            return resolved;
        };
        let mut current = match first.as_str() {
            "crate" => vec![Target::Module(0)],
            "self" => vec![Target::Module(scope.module)],
            "super" => self.parent(scope.module),
            "Self" => Vec::new(),
            name => self.lookup(scope, name),
        };
        for (i, segment) in segments.iter().enumerate().skip(1) {
            let modules: Vec<ModId> = current
                .iter()
                .filter_map(|t| match t {
                    Target::Module(m) => Some(*m),
                    _ => None,
                })
                .collect();
            if modules.is_empty() {
                resolved.targets = current;
                resolved.segments_used = i;
                return resolved;
            }
            current = match segment.as_str() {
                "super" => modules.iter().flat_map(|m| self.parent(*m)).collect(),
                "self" => modules.into_iter().map(Target::Module).collect(),
                name => modules
                    .iter()
                    .flat_map(|m| self.lookup_module(*m, name, scope.module))
                    .collect(),
            };
        }
        current.sort();
        current.dedup();
        resolved.targets = current;
        resolved.segments_used = segments.len();
        resolved
    }

    fn resolve_use(&self, scope: Scope, path: &UsePath) -> Vec<Target> {
        self.resolve_path(scope, path.leading_colon, &path.segments)
            .targets
    }

    fn parent(&self, module: ModId) -> Vec<Target> {
        self.krate.modules[module]
            .parent
            .map(Target::Module)
            .into_iter()
            .collect()
    }

    /// Whether code in `from` may see the private names of `module` (it is the module or inside it).
    fn is_within(&self, from: ModId, module: ModId) -> bool {
        let mut at = Some(from);
        while let Some(m) = at {
            if m == module {
                return true;
            }
            at = self.krate.modules[m].parent;
        }
        false
    }

    /// A name as code sees it: function-body blocks from the innermost out, then the module.
    fn lookup(&self, scope: Scope, name: &str) -> Vec<Target> {
        for depth in (0..scope.blocks.len()).rev() {
            let inner = Scope {
                module: scope.module,
                blocks: &scope.blocks[..=depth],
            };
            let found = self.lookup_names(&scope.blocks[depth], inner, name, true);
            if !found.is_empty() {
                return found;
            }
        }
        self.lookup_module(scope.module, name, scope.module)
    }

    fn lookup_module(&self, module: ModId, name: &str, from: ModId) -> Vec<Target> {
        let scope = Scope {
            module,
            blocks: &[],
        };
        let see_private = self.is_within(from, module);
        self.lookup_names(&self.krate.modules[module].names, scope, name, see_private)
    }

    fn lookup_names(
        &self,
        names: &Names,
        scope: Scope,
        name: &str,
        see_private: bool,
    ) -> Vec<Target> {
        let key = (names as *const Names as usize, name.to_string());
        let reentered = !self.active.borrow_mut().insert(key.clone());
        let mut found = Vec::new();
        let visible = names
            .named
            .get(name)
            .into_iter()
            .flatten()
            .filter(|e| see_private || !e.private);
        for entry in visible {
            match &entry.binding {
                Binding::Module(m) => found.push(Target::Module(*m)),
                Binding::Item(i) => found.push(Target::Item(*i)),
                Binding::Local => found.push(Target::Local),
                Binding::Use(path) if !reentered => found.extend(self.resolve_use(scope, path)),
                Binding::Use(_) => {}
            }
        }
        if found.is_empty() && !reentered {
            for (glob, private) in &names.globs {
                if *private && !see_private {
                    continue;
                }
                for source in self.resolve_use(scope, glob) {
                    match source {
                        Target::Module(m) => {
                            found.extend(self.lookup_module(m, name, scope.module))
                        }
                        Target::Item(i)
                            if self.krate.items[i].variants.iter().any(|v| v == name) =>
                        {
                            found.push(Target::Item(i))
                        }
                        _ => {}
                    }
                }
            }
        }
        if !reentered {
            self.active.borrow_mut().remove(&key);
        }
        found.sort();
        found.dedup();
        found
    }
}
