//! Large APIs split by tag, each part behind a cargo feature of its own, so
//! that a user of GitHub's 1,223 operations who needs `repos` compiles the
//! repository operations and the types they use, not the whole API.
//!
//! An operation belongs to its first tag (an untagged one to the first
//! literal segment of its path that is not a version, Stripe's
//! `/v1/customers/…` → `customers`). A type belongs to a group when only
//! that group's operations reach it; every other type (shared, or used by
//! no operation, like GitHub's webhook payloads) is always compiled, and so
//! is everything such a type refers to.

use super::ByTag;
use super::layout::Layout;
use crate::ir::{Api, Operation, Protocol, TypeKind, TypeRef};
use crate::naming::{is_keyword, snake};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// APIs with at least this many operations are split ([`ByTag::Auto`]).
pub const FROM_OPERATIONS: usize = 200;

/// Module names a group cannot take: names the generated modules bind.
const TAKEN: &[&str] = &["types", "client", "server", "runtime", "serde", "axum", "reqwest", "std"];

#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// Group module (`code_scanning`) → cargo feature (`code-scanning`).
    pub features: BTreeMap<String, String>,
    /// Operation name → group module.
    pub operations: BTreeMap<String, String>,
    /// Type name → group module, for types only one group uses.
    pub types: BTreeMap<String, String>,
}

impl Groups {
    /// How `api` is split in `layout`; `None` when it is not (small APIs,
    /// awsJson's single route, and build-script modules, which have no
    /// features). `prefix` tells apart the features of several APIs in
    /// one crate.
    pub fn of(api: &Api, layout: Layout, by_tag: ByTag, prefix: bool) -> Option<Groups> {
        let large = api.operations.len() >= FROM_OPERATIONS;
        let wanted = by_tag == ByTag::Always || by_tag == ByTag::Auto && large;
        if !wanted || layout != Layout::Crate || !matches!(api.protocol, Protocol::Rest) {
            return None;
        }
        let mut groups = Groups::default();
        for op in &api.operations {
            let module = module_of(op);
            let feature = match prefix {
                true => format!("{}-{}", api.module, module),
                false => module.clone(),
            };
            groups.features.insert(module.clone(), feature.replace('_', "-"));
            groups.operations.insert(op.name.clone(), module);
        }
        groups.types = type_groups(api, &groups.operations);
        // Declared whether or not any type lands there: the manifest reads
        // the features without redoing one type per shape.
        let feature = if prefix { format!("{}-{UNREACHED}", api.module) } else { UNREACHED.to_owned() };
        groups.features.entry(UNREACHED.to_owned()).or_insert(feature.replace('_', "-"));
        Some(groups)
    }

    /// The `#[cfg(feature = …)]` of a group module.
    pub fn gate(&self, module: &str) -> TokenStream {
        let feature = self.features.get(module).map_or(module, String::as_str);
        quote! { #[cfg(feature = #feature)] }
    }

    /// The group module of an operation, if `groups` split the API.
    pub fn of_operation<'g>(groups: Option<&'g Groups>, operation: &str) -> Option<&'g str> {
        groups?.operations.get(operation).map(String::as_str)
    }

    /// The group of all `operations` when they are in one: where an item
    /// only they use belongs (else the API's module).
    pub fn common<'o>(groups: Option<&Groups>, operations: impl IntoIterator<Item = &'o str>) -> Option<String> {
        let mut in_groups = operations.into_iter().map(|op| Groups::of_operation(groups, op));
        let first = in_groups.next().flatten();
        in_groups.all(|g| g == first).then(|| first.map(str::to_owned)).flatten()
    }

    /// The group module of a type, if it belongs to one.
    pub fn of_type<'g>(groups: Option<&'g Groups>, name: &str) -> Option<&'g str> {
        groups?.types.get(name).map(String::as_str)
    }
}

/// A module's items, with the items of each group apart.
#[derive(Default)]
pub struct Split {
    /// The module itself (it declares the group modules).
    pub main: TokenStream,
    /// Group module → its file's items.
    pub groups: BTreeMap<String, TokenStream>,
}

impl Split {
    /// Items sorted into the module or a group's file.
    pub fn sort(
        items: impl IntoIterator<Item = (Option<String>, TokenStream)>,
    ) -> (TokenStream, BTreeMap<String, TokenStream>) {
        let mut main = TokenStream::new();
        let mut groups: BTreeMap<String, TokenStream> = BTreeMap::new();
        for (group, tokens) in items {
            match group {
                Some(g) => groups.entry(g).or_default().extend(tokens),
                None => main.extend(tokens),
            }
        }
        (main, groups)
    }

    /// The module `main` with, for each group that has items, its file: the
    /// parent's names, then `items`; the parent declares the module behind
    /// the group's feature and re-exports what it defines.
    pub fn new(groups: Option<&Groups>, main: TokenStream, items: BTreeMap<String, TokenStream>, what: &str) -> Split {
        let Some(g) = groups else { return Split { main, groups: BTreeMap::new() } };
        let declarations = items.keys().map(|module| {
            let gate = g.gate(module);
            let ident = format_ident!("{module}");
            quote! {
                #gate
                mod #ident;
                #gate
                pub use #ident::*;
            }
        });
        // A build with some groups off leaves the parent's imports, helpers
        // and auth schemes partly unused: that is not worth a warning.
        let main = quote! { #![allow(dead_code, unused_imports)] #main #(#declarations)* };
        let groups = items
            .into_iter()
            .map(|(module, tokens)| {
                let feature = g.features.get(&module).cloned().unwrap_or_default();
                let doc = format!(" {what} of the `{module}` operations (feature `{feature}`).");
                (module, quote! { #![doc = #doc] #[allow(unused_imports)] use super::*; #tokens })
            })
            .collect();
        Split { main, groups }
    }
}

/// The group module of an operation.
fn module_of(op: &Operation) -> String {
    let label = match op.tags.first() {
        Some(tag) => tag.clone(),
        None => op
            .path
            .split('/')
            .find(|s| !s.is_empty() && !s.contains('{') && !is_version(s))
            .unwrap_or("other")
            .to_owned(),
    };
    let mut module = snake(&label).trim_matches('_').to_owned();
    if module.is_empty() || module.starts_with(|c: char| c.is_ascii_digit()) {
        module.insert_str(0, "group_");
    }
    if TAKEN.contains(&module.as_str()) || is_keyword(&module) {
        module.push_str("_tag");
    }
    module
}

fn is_version(segment: &str) -> bool {
    segment.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The group of the types no operation uses (GitHub's webhook payloads:
/// 867 of its 2,529 definitions). Its feature is the one not on by
/// default: no generated code needs those types, and they were a fifth of
/// the time `cargo check` took on GitHub's client (27 s of 130 s).
pub const UNREACHED: &str = "components";

/// Type → the one group that reaches it.
fn type_groups(api: &Api, operations: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut reached: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for op in &api.operations {
        let mut roots: Vec<&str> = Vec::new();
        for ty in operation_types(op) {
            ty.named_types(&mut roots);
        }
        visit(api, &mut reached, operations[&op.name].as_str(), roots);
    }
    // Types no operation reaches form a group of their own.
    let unreached: Vec<&str> = api.types.keys().map(String::as_str).filter(|n| !reached.contains_key(n)).collect();
    visit(api, &mut reached, UNREACHED, unreached);
    // Shared types are always compiled, and so is all they refer to.
    let mut always: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> =
        api.types.keys().map(String::as_str).filter(|n| reached.get(n).is_some_and(|g| g.len() > 1)).collect();
    // So is what webhooks and callbacks use: their receiver is not split.
    for op in &api.incoming {
        for ty in operation_types(op) {
            ty.named_types(&mut stack);
        }
    }
    while let Some(name) = stack.pop() {
        if always.insert(name) {
            push_refs(api, name, &mut stack);
        }
    }
    reached
        .into_iter()
        .filter(|(name, groups)| groups.len() == 1 && !always.contains(name) && api.types.contains_key(*name))
        .filter_map(|(name, groups)| Some((name.to_owned(), (*groups.first()?).to_owned())))
        .collect()
}

/// Adds `group` to every type `stack` names and to all they refer to.
fn visit<'a>(
    api: &'a Api,
    reached: &mut BTreeMap<&'a str, BTreeSet<&'a str>>,
    group: &'a str,
    mut stack: Vec<&'a str>,
) {
    while let Some(name) = stack.pop() {
        if reached.entry(name).or_default().insert(group) {
            push_refs(api, name, &mut stack);
        }
    }
}

pub(super) fn push_refs<'a>(api: &'a Api, name: &str, stack: &mut Vec<&'a str>) {
    if let Some(t) = api.types.get(name) {
        for r in t.kind.refs() {
            r.named_types(stack);
        }
        if let TypeKind::OneOf { discriminator: Some(d), .. } = &t.kind {
            stack.extend(d.mapping.values().map(String::as_str));
        }
    }
}

/// Every type an operation's inputs and outputs are written with.
fn operation_types(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    inputs(op).chain(outputs(op))
}

/// The types of what the client sends: parameters and the body.
pub(super) fn inputs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    let params = op.parameters.iter().map(|p| &p.ty);
    params.chain(op.body.iter().flat_map(|b| &b.contents).filter_map(|c| c.ty.as_ref()))
}

/// The types of what the client receives: bodies, headers and errors of
/// every response.
pub(super) fn outputs(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    op.responses.iter().flat_map(|r| {
        let contents = r.contents.iter().filter_map(|c| c.ty.as_ref());
        contents.chain(r.headers.iter().map(|h| &h.ty)).chain(r.errors.iter().map(|e| &e.ty))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(path: &str, tags: &[&str]) -> Operation {
        let json = serde_json::json!({
            "name": "x", "type_name": "X", "id": "x", "method": "GET", "path": path, "tags": tags, "idempotent": true,
            "parameters": [], "responses": [], "security": {"alternatives": []}
        });
        serde_json::from_value(json).expect("an operation")
    }

    #[test]
    fn groups_are_the_first_tag_or_the_first_literal_segment_after_a_version() {
        assert_eq!(module_of(&op("/repos/{owner}", &["code-scanning", "repos"])), "code_scanning");
        assert_eq!(module_of(&op("/v1/customers/{id}", &[])), "customers");
        assert_eq!(module_of(&op("/{id}", &[])), "other");
        assert_eq!(module_of(&op("/x", &["types"])), "types_tag");
        assert_eq!(module_of(&op("/x", &["type"])), "type_tag");
        assert_eq!(module_of(&op("/x", &["3D Secure"])), "group_3d_secure");
    }
}
