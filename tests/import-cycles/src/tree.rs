//! A crate's module tree and the names each module binds, read from its files with `syn`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::Error;

pub(crate) type FileId = usize;
pub(crate) type ModId = usize;
pub(crate) type ItemId = usize;

/// An item that a path can name: its file is where an edge points.
pub(crate) struct Item {
    pub name: String,
    pub file: FileId,
    /// An enum's variants, which `use Enum::*` brings into scope.
    pub variants: Vec<String>,
}

#[derive(Clone)]
pub(crate) enum Binding {
    Module(ModId),
    Item(ItemId),
    /// Defined inside a function body: always in the file that uses it, so never an edge.
    Local,
    /// A `use` path, resolved where it is written (lazily, since it may name things bound later).
    Use(UsePath),
}

#[derive(Clone)]
pub(crate) struct UsePath {
    pub leading_colon: bool,
    pub segments: Vec<String>,
}

pub(crate) struct Entry {
    pub binding: Binding,
    /// Private names are seen by a glob import only from the module itself and its descendants.
    pub private: bool,
}

/// The names a module or a block binds: explicit ones shadow those of its glob imports.
#[derive(Default)]
pub(crate) struct Names {
    pub named: HashMap<String, Vec<Entry>>,
    /// Each glob path, and whether the glob is private.
    pub globs: Vec<(UsePath, bool)>,
}

pub(crate) struct Module {
    pub parent: Option<ModId>,
    pub names: Names,
    /// Inline child modules, which the reference pass enters by name.
    pub inline_children: HashMap<String, ModId>,
}

pub(crate) struct Crate {
    pub files: Vec<PathBuf>,
    pub asts: Vec<syn::File>,
    pub modules: Vec<Module>,
    pub items: Vec<Item>,
    /// Each file with the module its top level is.
    pub file_modules: Vec<(FileId, ModId)>,
}

/// Whether an item is left out as test code: `#[cfg(test)]` or `#[cfg(all(test, ..))]`.
pub(crate) fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        if !attr.path().is_ident("cfg") {
            return false;
        }
        let Ok(meta) = attr.parse_args::<syn::Meta>() else {
            return false;
        };
        match meta {
            syn::Meta::Path(p) => p.is_ident("test"),
            syn::Meta::List(list) if list.path.is_ident("all") => list
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|parts| parts.iter().any(|m| m.path().is_ident("test"))),
            _ => false,
        }
    })
}

pub(crate) fn line_of(span: proc_macro2::Span) -> usize {
    span.start().line
}

/// Adds the names one item binds (all kinds but `mod`, which needs the tree). `items` is `None` inside
/// function bodies, where a definition only shadows.
pub(crate) fn bind_item(
    names: &mut Names,
    item: &syn::Item,
    file: FileId,
    items: Option<&mut Vec<Item>>,
) {
    let (ident, vis, variants) = match item {
        syn::Item::Use(u) => {
            let private = matches!(u.vis, syn::Visibility::Inherited);
            let lead = u.leading_colon.is_some();
            bind_use(names, &u.tree, &mut Vec::new(), lead, private);
            return;
        }
        syn::Item::Struct(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::Enum(i) => (
            &i.ident,
            &i.vis,
            i.variants.iter().map(|v| v.ident.to_string()).collect(),
        ),
        syn::Item::Union(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::Fn(i) => (&i.sig.ident, &i.vis, Vec::new()),
        syn::Item::Const(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::Static(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::Trait(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::TraitAlias(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::Type(i) => (&i.ident, &i.vis, Vec::new()),
        syn::Item::Mod(i) if items.is_none() => (&i.ident, &i.vis, Vec::new()),
        syn::Item::ForeignMod(f) => {
            let mut items = items;
            for foreign in &f.items {
                let (ident, vis) = match foreign {
                    syn::ForeignItem::Fn(i) => (&i.sig.ident, &i.vis),
                    syn::ForeignItem::Static(i) => (&i.ident, &i.vis),
                    syn::ForeignItem::Type(i) => (&i.ident, &i.vis),
                    _ => continue,
                };
                let binding = new_item(items.as_deref_mut(), ident, file, Vec::new());
                add(names, ident.to_string(), binding, vis);
            }
            return;
        }
        _ => return,
    };
    let binding = new_item(items, ident, file, variants);
    add(names, ident.to_string(), binding, vis);
}

fn new_item(
    items: Option<&mut Vec<Item>>,
    ident: &syn::Ident,
    file: FileId,
    variants: Vec<String>,
) -> Binding {
    match items {
        Some(items) => {
            items.push(Item {
                name: ident.to_string(),
                file,
                variants,
            });
            Binding::Item(items.len() - 1)
        }
        None => Binding::Local,
    }
}

fn add(names: &mut Names, name: String, binding: Binding, vis: &syn::Visibility) {
    let private = matches!(vis, syn::Visibility::Inherited);
    names
        .named
        .entry(name)
        .or_default()
        .push(Entry { binding, private });
}

fn bind_use(
    names: &mut Names,
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    lead: bool,
    private: bool,
) {
    let path = |prefix: &[String], last: Option<&syn::Ident>| UsePath {
        leading_colon: lead,
        segments: prefix
            .iter()
            .cloned()
            .chain(last.map(|i| i.to_string()))
            .collect(),
    };
    let mut bind = |name: String, use_path: UsePath| {
        let entry = Entry {
            binding: Binding::Use(use_path),
            private,
        };
        names.named.entry(name).or_default().push(entry);
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            bind_use(names, &p.tree, prefix, lead, private);
            prefix.pop();
        }
        // `use a::b::{self}` binds `b`.
        syn::UseTree::Name(n) if n.ident == "self" => {
            if let Some(last) = prefix.last() {
                bind(last.clone(), path(prefix, None));
            }
        }
        syn::UseTree::Name(n) => bind(n.ident.to_string(), path(prefix, Some(&n.ident))),
        // `as _` binds no name (it brings a trait's methods, which are not resolved).
        syn::UseTree::Rename(r) if r.rename == "_" => {}
        syn::UseTree::Rename(r) if r.ident == "self" => {
            bind(r.rename.to_string(), path(prefix, None))
        }
        syn::UseTree::Rename(r) => bind(r.rename.to_string(), path(prefix, Some(&r.ident))),
        syn::UseTree::Glob(_) => names.globs.push((path(prefix, None), private)),
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                bind_use(names, tree, prefix, lead, private);
            }
        }
    }
}

impl Crate {
    pub(crate) fn load(root: &Path) -> Result<Crate, Error> {
        let mut krate = Crate {
            files: Vec::new(),
            asts: Vec::new(),
            modules: Vec::new(),
            items: Vec::new(),
            file_modules: Vec::new(),
        };
        let dir = root.parent().unwrap_or(Path::new(".")).to_path_buf();
        krate.load_file_module(root, None, None, dir)?;
        Ok(krate)
    }

    /// Reads a module file; `children_dir` is where its `mod x;` files live.
    fn load_file_module(
        &mut self,
        path: &Path,
        parent: Option<ModId>,
        name: Option<String>,
        children_dir: PathBuf,
    ) -> Result<ModId, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let ast = syn::parse_file(&text).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: line_of(e.span()),
            message: e.to_string(),
        })?;
        let file = self.files.len();
        self.files.push(path.to_path_buf());
        // Holds the file's place (ids are indexes) while its child modules load theirs.
        self.asts.push(syn::File {
            shebang: None,
            attrs: Vec::new(),
            items: Vec::new(),
        });
        let module = self.new_module(parent, name);
        self.file_modules.push((file, module));
        self.bind_module_items(module, file, &ast.items, &children_dir)?;
        self.asts[file] = ast;
        Ok(module)
    }

    fn new_module(&mut self, parent: Option<ModId>, name: Option<String>) -> ModId {
        let id = self.modules.len();
        self.modules.push(Module {
            parent,
            names: Names::default(),
            inline_children: HashMap::new(),
        });
        if let (Some(parent), Some(name)) = (parent, name) {
            let entry = Entry {
                binding: Binding::Module(id),
                private: false,
            };
            let names = &mut self.modules[parent].names.named;
            names.entry(name).or_default().push(entry);
        }
        id
    }

    fn bind_module_items(
        &mut self,
        module: ModId,
        file: FileId,
        items: &[syn::Item],
        children_dir: &Path,
    ) -> Result<(), Error> {
        for item in items {
            match item {
                syn::Item::Mod(m) if is_test_only(&m.attrs) => {}
                syn::Item::Mod(m) => self.bind_mod(module, file, m, children_dir)?,
                other if is_test_only(item_attrs(other)) => {}
                other => bind_item(
                    &mut self.modules[module].names,
                    other,
                    file,
                    Some(&mut self.items),
                ),
            }
        }
        Ok(())
    }

    fn bind_mod(
        &mut self,
        module: ModId,
        file: FileId,
        m: &syn::ItemMod,
        children_dir: &Path,
    ) -> Result<(), Error> {
        let name = m.ident.to_string();
        let path_attr = m.attrs.iter().find_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        if let Some((_, items)) = &m.content {
            let child = self.new_module(Some(module), Some(name.clone()));
            self.modules[module]
                .inline_children
                .insert(name.clone(), child);
            let dir = children_dir.join(path_attr.unwrap_or(name));
            return self.bind_module_items(child, file, items, &dir);
        }
        // A `#[path]` file is found from the declaring file's folder and owns its folder like a mod.rs.
        let (candidates, dir_of_mod_rs) = match path_attr {
            Some(p) => {
                let base = self.files[file].parent().unwrap_or(Path::new("."));
                (vec![base.join(p)], true)
            }
            None => (
                vec![
                    children_dir.join(format!("{name}.rs")),
                    children_dir.join(&name).join("mod.rs"),
                ],
                false,
            ),
        };
        let Some(found) = candidates.iter().find(|c| c.is_file()) else {
            let tried: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
            return Err(Error::MissingModule {
                path: self.files[file].clone(),
                line: line_of(m.ident.span()),
                name,
                tried: tried.join(", "),
            });
        };
        let is_mod_rs = dir_of_mod_rs || found.file_name().is_some_and(|f| f == "mod.rs");
        let dir = if is_mod_rs {
            found.parent().unwrap_or(Path::new(".")).to_path_buf()
        } else {
            found.with_extension("")
        };
        let found = found.clone();
        self.load_file_module(&found, Some(module), Some(name), dir)?;
        Ok(())
    }
}

pub(crate) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}
