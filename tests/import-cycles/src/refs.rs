//! The references from each file to items of other files, with the first place that makes each edge.

use std::collections::{BTreeMap, HashSet};

use syn::visit::{self, Visit};

use crate::resolve::{Resolver, Scope, Target};
use crate::tree::{Crate, FileId, ModId, Names, bind_item, is_test_only, item_attrs, line_of};

pub(crate) struct EdgeEvidence {
    pub line: usize,
    /// The path as written, up to the segment that names the item.
    pub written: String,
    /// The item's own name (differs from `written` after a rename).
    pub item: String,
}

/// Edges between distinct files, keyed (from, to).
pub(crate) type Edges = BTreeMap<(FileId, FileId), EdgeEvidence>;

pub(crate) fn file_edges(krate: &Crate) -> Edges {
    let resolver = Resolver::new(krate);
    let mut edges = Edges::new();
    for &(file, module) in &krate.file_modules {
        let mut visitor = RefVisitor {
            krate,
            resolver: &resolver,
            file,
            module,
            blocks: Vec::new(),
            generics: Vec::new(),
            locals: Vec::new(),
            edges: &mut edges,
        };
        for item in &krate.asts[file].items {
            visitor.visit_item(item);
        }
    }
    edges
}

struct RefVisitor<'a, 'c> {
    krate: &'c Crate,
    resolver: &'a Resolver<'c>,
    file: FileId,
    module: ModId,
    /// Names bound by the function-body blocks around the code, innermost last.
    blocks: Vec<Names>,
    /// Generic parameters in scope: they shadow items in type paths.
    generics: Vec<HashSet<String>>,
    /// Variables of the enclosing functions: they shadow items in single-name value paths.
    locals: Vec<HashSet<String>>,
    edges: &'a mut Edges,
}

impl RefVisitor<'_, '_> {
    fn record(&mut self, path: &syn::Path, segment_count: usize) {
        let segments: Vec<String> = path
            .segments
            .iter()
            .take(segment_count)
            .map(|s| s.ident.to_string())
            .collect();
        let Some(first) = path.segments.first() else {
            return;
        };
        self.record_segments(
            path.leading_colon.is_some(),
            &segments,
            line_of(first.ident.span()),
        );
    }

    fn record_segments(&mut self, leading_colon: bool, segments: &[String], line: usize) {
        let Some(first) = segments.first() else {
            return;
        };
        let shadowed = self.generics.iter().any(|g| g.contains(first))
            || (segments.len() == 1 && self.locals.iter().any(|l| l.contains(first)));
        if shadowed && !leading_colon {
            return;
        }
        let scope = Scope {
            module: self.module,
            blocks: &self.blocks,
        };
        let resolved = self.resolver.resolve_path(scope, leading_colon, segments);
        for target in resolved.targets {
            let Target::Item(id) = target else { continue };
            let item = &self.krate.items[id];
            if item.file == self.file {
                continue;
            }
            let prefix = if leading_colon { "::" } else { "" };
            let evidence = EdgeEvidence {
                line,
                written: format!("{prefix}{}", segments[..resolved.segments_used].join("::")),
                item: item.name.clone(),
            };
            let slot = self
                .edges
                .entry((self.file, item.file))
                .or_insert_with(|| EdgeEvidence {
                    line: usize::MAX,
                    written: String::new(),
                    item: String::new(),
                });
            if evidence.line < slot.line {
                *slot = evidence;
            }
        }
    }

    /// Runs `f` with the generic parameters (and, for a function, its variables) in scope.
    fn with_frame(
        &mut self,
        generics: &syn::Generics,
        locals: HashSet<String>,
        f: impl FnOnce(&mut Self),
    ) {
        let names = generics
            .params
            .iter()
            .filter_map(|p| match p {
                syn::GenericParam::Type(t) => Some(t.ident.to_string()),
                syn::GenericParam::Const(c) => Some(c.ident.to_string()),
                syn::GenericParam::Lifetime(_) => None,
            })
            .collect();
        self.generics.push(names);
        self.locals.push(locals);
        f(self);
        self.locals.pop();
        self.generics.pop();
    }

    fn visit_inline_module(&mut self, m: &syn::ItemMod, items: &[syn::Item]) {
        // A module inside a function body is not in the tree; its few names stay unresolved.
        if !self.blocks.is_empty() {
            return;
        }
        let Some(&child) = self.krate.modules[self.module]
            .inline_children
            .get(&m.ident.to_string())
        else {
            return;
        };
        // A module does not see its parent's names, generics or variables.
        let outer = (
            std::mem::replace(&mut self.module, child),
            std::mem::take(&mut self.generics),
            std::mem::take(&mut self.locals),
        );
        for item in items {
            self.visit_item(item);
        }
        (self.module, self.generics, self.locals) = outer;
    }
}

/// Variable names bound anywhere in a function (parameters, `let`, closures, match arms): a per-function
/// over-approximation of Rust's block scoping, which only errs towards seeing fewer edges.
fn variables(sig: &syn::Signature, block: Option<&syn::Block>) -> HashSet<String> {
    #[derive(Default)]
    struct Collect(HashSet<String>);
    impl Visit<'_> for Collect {
        fn visit_pat_ident(&mut self, p: &syn::PatIdent) {
            if !starts_upper(&p.ident) {
                self.0.insert(p.ident.to_string());
            }
            visit::visit_pat_ident(self, p);
        }
    }
    let mut collect = Collect::default();
    collect.visit_signature(sig);
    if let Some(block) = block {
        collect.visit_block(block);
    }
    collect.0
}

fn starts_upper(ident: &syn::Ident) -> bool {
    ident
        .to_string()
        .starts_with(|c: char| c.is_ascii_uppercase())
}

impl<'ast> Visit<'ast> for RefVisitor<'_, '_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test_only(item_attrs(item)) {
            return;
        }
        match item {
            syn::Item::Mod(m) => {
                // File modules are visited from their own file.
                if let Some((_, items)) = &m.content {
                    self.visit_inline_module(m, items);
                }
            }
            syn::Item::Fn(f) => {
                let locals = variables(&f.sig, Some(&f.block));
                self.with_frame(&f.sig.generics, locals, |v| visit::visit_item_fn(v, f));
            }
            syn::Item::Impl(i) => self.with_frame(&i.generics, HashSet::new(), |v| {
                visit::visit_item_impl(v, i)
            }),
            syn::Item::Struct(i) => self.with_frame(&i.generics, HashSet::new(), |v| {
                visit::visit_item_struct(v, i)
            }),
            syn::Item::Enum(i) => self.with_frame(&i.generics, HashSet::new(), |v| {
                visit::visit_item_enum(v, i)
            }),
            syn::Item::Union(i) => self.with_frame(&i.generics, HashSet::new(), |v| {
                visit::visit_item_union(v, i)
            }),
            syn::Item::Trait(i) => self.with_frame(&i.generics, HashSet::new(), |v| {
                visit::visit_item_trait(v, i)
            }),
            syn::Item::Type(i) => self.with_frame(&i.generics, HashSet::new(), |v| {
                visit::visit_item_type(v, i)
            }),
            other => visit::visit_item(self, other),
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        match item {
            syn::ImplItem::Fn(f) if is_test_only(&f.attrs) => {}
            syn::ImplItem::Fn(f) => {
                let locals = variables(&f.sig, Some(&f.block));
                self.with_frame(&f.sig.generics, locals, |v| visit::visit_impl_item_fn(v, f));
            }
            syn::ImplItem::Const(c) if is_test_only(&c.attrs) => {}
            syn::ImplItem::Type(t) if is_test_only(&t.attrs) => {}
            other => visit::visit_impl_item(self, other),
        }
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        match item {
            syn::TraitItem::Fn(f) => {
                let locals = variables(&f.sig, f.default.as_ref());
                self.with_frame(&f.sig.generics, locals, |v| {
                    visit::visit_trait_item_fn(v, f)
                });
            }
            other => visit::visit_trait_item(self, other),
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        let mut names = Names::default();
        for stmt in &block.stmts {
            if let syn::Stmt::Item(item) = stmt
                && !is_test_only(item_attrs(item))
            {
                bind_item(&mut names, item, self.file, None);
            }
        }
        self.blocks.push(names);
        visit::visit_block(self, block);
        self.blocks.pop();
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.record(path, path.segments.len());
        visit::visit_path(self, path);
    }

    // `<T as Trait>::Assoc` names `Trait` in its path; `<T>::f` names nothing there.
    fn visit_type_path(&mut self, tp: &'ast syn::TypePath) {
        match &tp.qself {
            None => self.visit_path(&tp.path),
            Some(q) => {
                self.visit_qself(q);
                self.record(&tp.path, q.position);
                tp.path
                    .segments
                    .iter()
                    .for_each(|s| self.visit_path_segment(s));
            }
        }
    }

    fn visit_expr_path(&mut self, ep: &'ast syn::ExprPath) {
        match &ep.qself {
            None => self.visit_path(&ep.path),
            Some(q) => {
                self.visit_qself(q);
                self.record(&ep.path, q.position);
                ep.path
                    .segments
                    .iter()
                    .for_each(|s| self.visit_path_segment(s));
            }
        }
    }

    // A capitalised name in a pattern is a constant or a unit variant or struct, not a new variable.
    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        if p.by_ref.is_none()
            && p.mutability.is_none()
            && p.subpat.is_none()
            && starts_upper(&p.ident)
        {
            self.record_segments(false, &[p.ident.to_string()], line_of(p.ident.span()));
        }
        visit::visit_pat_ident(self, p);
    }

    // Macro input is tokens, attributes are not code, and `pub(in path)` names a module.
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}
}
