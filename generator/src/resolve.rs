//! Following chains of references to what they stand for: a `$ref` to the
//! component it names (lowering), a named alias to the type it stands for
//! (emitters, review, diff). One walk with one cycle check, so that no
//! stage carries its own loop with its own bound.

use crate::ir::{Api, TypeKind, TypeRef};
use indexmap::IndexMap;
use openapiv3::ReferenceOr;
use std::collections::BTreeSet;

/// Where a chain of references ends.
#[derive(Debug)]
pub struct End<'a, T: ?Sized> {
    /// The last link reached: what the chain stands for, or where it
    /// stopped (a reference to nothing, a cycle).
    pub at: &'a T,
    /// The key of the last reference followed (a `$ref`, an alias name).
    pub via: Option<&'a str>,
    /// The chain came back to a reference it had already followed.
    pub cycle: bool,
}

/// Follows `start` while `next` gives a link: the key of the reference
/// taken and what it leads to. Stops at the first key seen twice.
pub fn follow<'a, T: ?Sized>(start: &'a T, mut next: impl FnMut(&'a T) -> Option<(&'a str, &'a T)>) -> End<'a, T> {
    let mut seen = BTreeSet::new();
    let mut end = End { at: start, via: None, cycle: false };
    while let Some((key, to)) = next(end.at) {
        if !seen.insert(key) {
            end.cycle = true;
            break;
        }
        end = End { at: to, via: Some(key), cycle: false };
    }
    end
}

/// Key of a canonical `#/components/{section}/{key}` reference, escaped
/// as in the pointer (see [`unescape`]).
pub fn component_key(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// A JSON-pointer token as the key it stands for (`~1` is `/`, `~0` `~`).
pub fn unescape(s: &str) -> String {
    s.replace("~1", "/").replace("~0", "~")
}

/// The item a `#/components/{section}/{key}` reference (or chain of them)
/// names, with the key of the last component followed; `None` for a
/// reference to nothing or a loop of references.
pub fn component<'a, T>(
    r: &'a ReferenceOr<T>,
    section: Option<&'a IndexMap<String, ReferenceOr<T>>>,
) -> Option<(&'a T, Option<String>)> {
    let end = follow(r, |r| match r {
        ReferenceOr::Reference { reference } => {
            section?.get(&unescape(component_key(reference))).map(|to| (reference.as_str(), to))
        }
        ReferenceOr::Item(_) => None,
    });
    match end.at {
        ReferenceOr::Item(t) => Some((t, end.via.map(|r| unescape(component_key(r))))),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Follows the named aliases `t` goes through while `through` accepts the
/// aliased type (an alias it refuses, like a constrained-string newtype,
/// is where the chain ends). `via` is the last alias followed.
pub fn aliases<'a>(api: &'a Api, t: &'a TypeRef, through: impl Fn(&TypeRef) -> bool) -> End<'a, TypeRef> {
    follow(t, |t| match t {
        TypeRef::Named { name } => match api.types.get(name).map(|n| &n.kind) {
            Some(TypeKind::Alias { ty }) if through(ty) => Some((name.as_str(), ty)),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::NamedType;

    fn alias(name: &str, ty: TypeRef) -> (String, NamedType) {
        let t = NamedType {
            name: name.into(),
            origin: format!("/components/schemas/{name}"),
            description: None,
            examples: Vec::new(),
            kind: TypeKind::Alias { ty },
            keywords: Default::default(),
            all_of: Vec::new(),
        };
        (name.into(), t)
    }

    fn api(types: Vec<(String, NamedType)>) -> Api {
        let mut api: Api = serde_json::from_value(serde_json::json!({
            "name": "t", "module": "t", "title": "T", "version": "1", "sources": [], "servers": [],
            "protocol": {"kind": "rest"},
            "errors": {"style": {"kind": "problem"}, "replies": {}},
            "security_schemes": {}, "operations": [], "types": {}
        }))
        .expect("a minimal IR");
        api.types = types.into_iter().collect();
        api
    }

    #[test]
    fn aliases_are_followed_to_the_type_they_stand_for() {
        let text = TypeRef::String { format: None, constraints: Default::default() };
        let api = api(vec![alias("A", TypeRef::named("B")), alias("B", text.clone())]);
        let start = TypeRef::named("A");
        let end = aliases(&api, &start, |_| true);
        assert_eq!(end.at, &text);
        assert_eq!(end.via, Some("B"));
        assert!(!end.cycle);
        // An alias `through` refuses ends the chain at its name.
        let end = aliases(&api, &start, |t| matches!(t, TypeRef::Named { .. }));
        assert_eq!(end.at, &TypeRef::named("B"));
    }

    #[test]
    fn a_loop_of_aliases_ends_where_it_closes() {
        let api = api(vec![alias("A", TypeRef::named("B")), alias("B", TypeRef::named("A"))]);
        let start = TypeRef::named("A");
        let end = aliases(&api, &start, |_| true);
        assert!(end.cycle);
        assert_eq!(end.at, &TypeRef::named("A"));
        assert_eq!(end.via, Some("B"));
    }

    #[test]
    fn component_references_resolve_and_loops_and_dangling_ones_do_not() {
        let reference = |to: &str| ReferenceOr::<u8>::Reference { reference: format!("#/components/x/{to}") };
        let mut section = IndexMap::new();
        section.insert("a/b".to_owned(), reference("c"));
        section.insert("c".to_owned(), ReferenceOr::Item(7));
        section.insert("loop".to_owned(), reference("loop"));
        section.insert("gone".to_owned(), reference("nothing"));
        let escaped = reference("a~1b");
        assert_eq!(component(&escaped, Some(&section)), Some((&7, Some("c".to_owned()))));
        assert_eq!(component(&ReferenceOr::Item(1), Some(&section)), Some((&1, None)));
        assert_eq!(component(&reference("loop"), Some(&section)), None);
        assert_eq!(component(&reference("gone"), Some(&section)), None);
        assert_eq!(component(&reference("c"), None), None);
    }
}
