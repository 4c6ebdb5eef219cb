//! awsJson1_1 error statuses are told apart by code (`Response::errors`),
//! each code with its own body type: the inline `oneOf` a response listed
//! its codes in is superseded by them. Emitted, it would be a type (and a
//! `Validate` impl) that no client, server or other type names.

use crate::ir::{Api, Response, TypeKind, TypeRef};
use std::collections::BTreeSet;

/// The types only a coded response's content names, and that the spec did
/// not write as components of their own (those stay, as every component
/// does).
pub fn superseded(api: &Api) -> BTreeSet<&str> {
    let coded = |r: &Response| !r.errors.is_empty();
    let candidates: BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|op| op.responses.iter().filter(|r| coded(r)))
        .flat_map(|r| r.contents.iter().filter_map(|c| c.ty.as_ref()))
        .filter_map(|t| match t {
            TypeRef::Named { name } => Some(name.as_str()),
            _ => None,
        })
        .filter(|name| {
            api.types.get(*name).is_some_and(|t| {
                matches!(t.kind, TypeKind::OneOf { discriminator: Some(_), .. })
                    && !t.origin.starts_with("/components/")
            })
        })
        .collect();
    if candidates.is_empty() {
        return candidates;
    }
    // Everything else is a root; a candidate any of it reaches is kept.
    let mut stack: Vec<&str> = api.types.keys().map(String::as_str).filter(|n| !candidates.contains(n)).collect();
    for op in api.operations.iter().chain(&api.incoming) {
        op.parameters.iter().for_each(|p| p.ty.named_types(&mut stack));
        op.body.iter().flat_map(|b| &b.contents).filter_map(|c| c.ty.as_ref()).for_each(|t| t.named_types(&mut stack));
        for r in &op.responses {
            if !coded(r) {
                r.contents.iter().filter_map(|c| c.ty.as_ref()).for_each(|t| t.named_types(&mut stack));
            }
            r.headers.iter().for_each(|h| h.ty.named_types(&mut stack));
            r.errors.iter().for_each(|e| e.ty.named_types(&mut stack));
        }
    }
    let mut reached = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if !reached.insert(name) {
            continue;
        }
        if let Some(t) = api.types.get(name) {
            t.kind.refs().into_iter().for_each(|r| r.named_types(&mut stack));
            if let TypeKind::OneOf { discriminator: Some(d), .. } = &t.kind {
                stack.extend(d.mapping.values().map(String::as_str));
            }
        }
    }
    candidates.into_iter().filter(|n| !reached.contains(n)).collect()
}
