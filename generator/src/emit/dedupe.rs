//! One Rust type per shape. Real specs write the same inline schema again
//! and again: GitHub writes its `read`/`write` permission enum 860 times,
//! Stripe its capability request struct 64 times.
//! Each copy would be its own enum with its own serde and validation code
//! for the compiler to check. Before emission, every inline type that has
//! the shape of another becomes an alias of it (`pub type X = Y;`): the
//! names stay, the code is written once.
//!
//! This is a plan for emission, not a fact about the API: the IR that
//! review and diff read keeps every type as written.

use crate::ir::{Api, NamedType, TypeKind, TypeRef};
use std::collections::{BTreeMap, HashMap, HashSet};

/// `api` with each duplicate inline type turned into an alias of the one
/// definition of its shape.
pub fn shared_shapes(mut api: Api) -> Api {
    for (name, target) in canonical_names(&api.types) {
        if let Some(t) = api.types.get_mut(&name) {
            t.kind = TypeKind::Alias { ty: TypeRef::named(target) };
        }
    }
    api
}

/// Duplicate → the type it becomes an alias of. Types are compared with
/// the names they refer to replaced by the definition each stands for, so
/// two structs whose fields are duplicates of each other are duplicates
/// too; this repeats until nothing more merges. Field descriptions do not
/// count (they are documentation); everything the code depends on does.
fn canonical_names(types: &BTreeMap<String, NamedType>) -> BTreeMap<String, String> {
    let mut merged: BTreeMap<String, String> = BTreeMap::new();
    // A key depends only on what the names a type refers to resolve to, so
    // after the first round only the types referring (through aliases and
    // merges) to a name merged in the last round are keyed again: GitHub's
    // 7,700 types went through six rounds, each keying every one of them
    // (90 ms of a one-second run). Keys are long (a type's whole
    // definition): each distinct one gets a number, rounds group by it.
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<&str, usize> = HashMap::new();
    // Who refers to a name: types through their definitions, aliases
    // and merged names through the chains `target` follows.
    let mut referrers: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut chained_from: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in types.values() {
        for n in referenced(&t.kind) {
            referrers.entry(n).or_default().push(&t.name);
        }
        if let TypeKind::Alias { ty: TypeRef::Named { name } } = &t.kind {
            chained_from.entry(name).or_default().push(&t.name);
        }
    }
    let mut dirty: Option<HashSet<&str>> = None; // every type, the first round
    loop {
        let mut by_shape: HashMap<usize, Vec<&NamedType>> = HashMap::new();
        for t in types.values().filter(|t| !merged.contains_key(&t.name) && emits_code(&t.kind)) {
            let stale = dirty.as_ref().is_none_or(|d| d.contains(t.name.as_str()));
            let key = match keys.get(t.name.as_str()) {
                Some(key) if !stale => *key,
                _ => {
                    let next = numbers.len();
                    let key = *numbers.entry(shape_key(t, types, &merged)).or_insert(next);
                    keys.insert(&t.name, key);
                    key
                }
            };
            by_shape.entry(key).or_default().push(t);
        }
        let mut newly: Vec<(&str, &str)> = Vec::new();
        for group in by_shape.values().filter(|g| g.len() > 1) {
            // Named components keep their own definitions (the spec named
            // them); inline copies become aliases of the preferred one.
            let Some(keep) = group.iter().min_by_key(|t| (!is_component(t), t.name.len(), &t.name)) else { continue };
            for t in group.iter().filter(|t| t.name != keep.name && !is_component(t)) {
                newly.push((&t.name, &keep.name));
            }
        }
        if newly.is_empty() {
            return merged;
        }
        // Names whose chain now ends elsewhere: the merged ones and all
        // that lead to them; then the types that refer to any of those.
        let mut changed: HashSet<&str> = HashSet::new();
        let mut queue: Vec<&str> = newly.iter().map(|(from, _)| *from).collect();
        for &(from, to) in &newly {
            merged.insert(from.to_owned(), to.to_owned());
            chained_from.entry(to).or_default().push(from);
        }
        while let Some(n) = queue.pop() {
            if changed.insert(n) {
                queue.extend(chained_from.get(n).into_iter().flatten());
            }
        }
        dirty = Some(changed.iter().flat_map(|n| referrers.get(n).into_iter().flatten().copied()).collect());
    }
}

/// Kinds that are written out with their own impls; plain aliases cost
/// nothing.
fn emits_code(kind: &TypeKind) -> bool {
    match kind {
        TypeKind::Alias { ty } => ty.is_constrained_string(),
        _ => true,
    }
}

/// A schema of `components/schemas`, not one inside it.
fn is_component(t: &NamedType) -> bool {
    t.origin.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.contains('/'))
}

/// The definition of `t` as text, with names resolved to the definition
/// they stand for and its own name written `Self`.
fn shape_key(t: &NamedType, types: &BTreeMap<String, NamedType>, merged: &BTreeMap<String, String>) -> String {
    let mut kind = t.kind.clone();
    let me = target(&t.name, types, merged);
    for_each_ref(&mut kind, &mut |r| {
        if let TypeRef::Named { name } = r {
            let to = target(name, types, merged);
            *name = if to == me { "Self".into() } else { to.to_owned() };
        }
    });
    if let TypeKind::Struct { fields, .. } = &mut kind {
        fields.iter_mut().for_each(|f| f.description = None);
    }
    // The IR's own serialisation, tagged with the kind; 2020-12 keywords
    // are checked by stubs, so types that differ in them differ. Should it
    // ever fail, the type keeps a key of its own: never merged with another.
    let unkeyed = |e: serde_json::Error| format!("unkeyed {}: {e}", t.name);
    let key = serde_json::to_string(&kind).unwrap_or_else(unkeyed);
    if t.keywords.is_empty() { key } else { key + &serde_json::to_string(&t.keywords).unwrap_or_else(unkeyed) }
}

/// Every name `kind` refers to, discriminator mappings included (what
/// `for_each_ref` visits).
fn referenced(kind: &TypeKind) -> impl Iterator<Item = &str> {
    fn names<'a>(t: &'a TypeRef, out: &mut Vec<&'a str>) {
        match t {
            TypeRef::Named { name } => out.push(name),
            TypeRef::Array { items: inner, .. } | TypeRef::Map { values: inner } | TypeRef::Nullable { inner } => {
                names(inner, out)
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let TypeKind::OneOf { discriminator: Some(d), .. } = kind {
        out.extend(d.mapping.values().map(String::as_str));
    }
    kind.refs().into_iter().for_each(|r| names(r, &mut out));
    out.into_iter()
}

/// The name whose definition `name` uses: through merges and plain
/// aliases of a name.
fn target<'a>(name: &'a str, types: &'a BTreeMap<String, NamedType>, merged: &'a BTreeMap<String, String>) -> &'a str {
    let next = |n: &'a str| match (merged.get(n), types.get(n).map(|t| &t.kind)) {
        (Some(to), _) | (None, Some(TypeKind::Alias { ty: TypeRef::Named { name: to } })) => Some((n, to.as_str())),
        _ => None,
    };
    crate::resolve::follow(name, next).at
}

/// Calls `f` on every type reference inside `kind`, outermost first.
pub(super) fn for_each_ref(kind: &mut TypeKind, f: &mut dyn FnMut(&mut TypeRef)) {
    let refs: Vec<&mut TypeRef> = match kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter_mut().map(|x| &mut x.ty).chain(additional.as_mut().map(|a| &mut a.ty)).collect()
        }
        TypeKind::OneOf { variants, discriminator } => {
            if let Some(d) = discriminator {
                // Mapping targets are names too.
                let mut mapped: Vec<TypeRef> = d.mapping.values().map(|n| TypeRef::named(n.clone())).collect();
                mapped.iter_mut().for_each(|r| walk(r, f));
                for (value, r) in d.mapping.values_mut().zip(mapped) {
                    if let TypeRef::Named { name } = r {
                        *value = name;
                    }
                }
            }
            variants.iter_mut().map(|v| &mut v.ty).collect()
        }
        TypeKind::AnyOf { variants } => variants.iter_mut().map(|v| &mut v.ty).collect(),
        TypeKind::AllOf { parts } => parts.iter_mut().collect(),
        TypeKind::Alias { ty } => vec![ty],
        TypeKind::Enum { .. } => Vec::new(),
    };
    refs.into_iter().for_each(|r| walk(r, f));
}

pub(super) fn walk(t: &mut TypeRef, f: &mut dyn FnMut(&mut TypeRef)) {
    f(t);
    match t {
        TypeRef::Array { items: inner, .. } | TypeRef::Map { values: inner } | TypeRef::Nullable { inner } => {
            walk(inner, f)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EnumValue, Field};

    fn named(name: &str, origin: &str, kind: TypeKind) -> (String, NamedType) {
        let t = NamedType {
            name: name.into(),
            origin: origin.into(),
            description: None,
            examples: vec![],
            kind,
            keywords: Default::default(),
            all_of: Vec::new(),
        };
        (name.into(), t)
    }

    fn status(values: &[&str]) -> TypeKind {
        let values = values
            .iter()
            .map(|v| EnumValue { value: serde_json::json!(v), rust_name: heck::AsUpperCamelCase(v).to_string() })
            .collect();
        TypeKind::Enum { values, unknown: "Unknown".into() }
    }

    fn holder(field_type: &str, doc: &str) -> TypeKind {
        let field = Field {
            name: "status".into(),
            rust_name: "status".into(),
            ty: TypeRef::named(field_type),
            required: true,
            recursive: false,
            description: Some(doc.into()),
            default: None,
            read_only: false,
            write_only: false,
            deprecated: false,
        };
        TypeKind::Struct { fields: vec![field], additional: None }
    }

    #[test]
    fn inline_copies_become_aliases_and_so_do_structs_that_only_differ_by_them() {
        let types: BTreeMap<String, NamedType> = [
            named("CardStatus", "/paths/~1cards/get/responses/200/x/properties/status", status(&["active", "off"])),
            named("BankStatus", "/paths/~1banks/get/responses/200/x/properties/status", status(&["active", "off"])),
            named("Other", "/paths/~1o/get/x", status(&["active", "off", "pending"])),
            named("Card", "/paths/~1cards/get/responses/200/x", holder("CardStatus", "of a card")),
            named("Bank", "/paths/~1banks/get/responses/200/x", holder("BankStatus", "of a bank")),
        ]
        .into();
        let merged = canonical_names(&types);
        assert_eq!(
            merged,
            BTreeMap::from([("CardStatus".into(), "BankStatus".into()), ("Card".into(), "Bank".into())])
        );
    }

    #[test]
    fn components_keep_their_definitions_and_inline_copies_alias_them() {
        let types: BTreeMap<String, NamedType> = [
            named("Zeta", "/components/schemas/Zeta", status(&["a"])),
            named("Alpha", "/components/schemas/Alpha", status(&["a"])),
            named("InlineA", "/components/schemas/Thing/properties/a", status(&["a"])),
        ]
        .into();
        let merged = canonical_names(&types);
        // The shortest name is kept: `Zeta`.
        assert_eq!(merged, BTreeMap::from([("InlineA".into(), "Zeta".into())]));
    }

    #[test]
    fn self_references_compare_alike() {
        let types: BTreeMap<String, NamedType> = [
            named("NodeA", "/paths/a", holder("NodeA", "")),
            named("NodeB", "/paths/b", holder("NodeB", "")),
            named("Leaf", "/paths/c", holder("NodeA", "")),
        ]
        .into();
        let merged = canonical_names(&types);
        // NodeA and NodeB each hold themselves; Leaf holds a NodeA, which
        // is not itself.
        assert_eq!(merged, BTreeMap::from([("NodeB".into(), "NodeA".into())]));
    }
}
