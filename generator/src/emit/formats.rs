//! Typed string formats. `format: date-time` is `chrono::DateTime<Utc>`
//! (RFC 3339 on the wire), `date` is `chrono::NaiveDate` (`YYYY-MM-DD`),
//! `uuid` is `uuid::Uuid` (hyphenated); with
//! [`Options::string_formats`](super::Options) all three stay `String`.
//!
//! Like [`dedupe`](super::dedupe), this is a plan for emission, not a fact
//! about the API: the IR that review and diff read keeps every format and
//! constraint as written. The plan rewrites the IR once, before anything
//! is emitted, so that every emitter (and the crate's dependencies) sees
//! the same decision:
//!
//! - typed: a typed string loses its string constraints (`pattern`,
//!   `minLength`, `maxLength`): the value is no longer text, and parsing
//!   it as the type is the stricter check;
//! - strings: a typed format is dropped, so the value is a plain (or
//!   constrained) string, as before.

use super::Options;
use crate::ir::{Api, Ir, Keywords, Subschema, TypeRef};

/// The formats that have a Rust type of their own.
const TYPED: &[&str] = ["date-time", "date", "uuid"].as_slice();

/// The Rust type of a string of `format`, when it has one.
pub fn rust_type(format: Option<&str>) -> Option<proc_macro2::TokenStream> {
    use quote::quote;
    match format? {
        "date-time" => Some(quote! { ::chrono::DateTime<::chrono::Utc> }),
        "date" => Some(quote! { ::chrono::NaiveDate }),
        "uuid" => Some(quote! { ::uuid::Uuid }),
        _ => None,
    }
}

/// Whether `t` is a string typed as `format` (after [`plan`]).
pub fn is(t: &TypeRef, format: &str) -> bool {
    matches!(t, TypeRef::String { format: Some(f), .. } if f == format && TYPED.contains(&f.as_str()))
}

/// Whether `t` is a string with a Rust type of its own (after [`plan`]).
pub fn is_typed(t: &TypeRef) -> bool {
    matches!(t, TypeRef::String { format: Some(f), .. } if TYPED.contains(&f.as_str()))
}

/// `ir` as emitted with `options`.
pub fn plan(ir: &Ir, options: Options) -> Ir {
    let mut ir = ir.clone();
    for api in &mut ir.apis {
        for_each_ref(api, &mut |t| {
            if let TypeRef::String { format, constraints } = t
                && format.as_deref().is_some_and(|f| TYPED.contains(&f))
            {
                if options.string_formats {
                    *format = None;
                } else {
                    *constraints = Default::default();
                }
            }
        });
    }
    ir
}

/// Whether the APIs (after [`plan`]) name `chrono` and `uuid`.
pub fn crates(ir: &Ir) -> (bool, bool) {
    fn walk(t: &TypeRef, found: &mut (bool, bool)) {
        found.0 |= is(t, "date-time") || is(t, "date");
        found.1 |= is(t, "uuid");
        match t {
            TypeRef::Array { items: inner, .. } | TypeRef::Map { values: inner } | TypeRef::Nullable { inner } => {
                walk(inner, found)
            }
            _ => {}
        }
    }
    let mut found = (false, false);
    for api in &ir.apis {
        let in_types = api.types.values().flat_map(|t| t.kind.refs());
        let in_operations = api.operations.iter().chain(&api.incoming).flat_map(|op| {
            let params = op.parameters.iter().map(|p| &p.ty);
            let bodies = op.body.iter().flat_map(|b| &b.contents).filter_map(|c| c.ty.as_ref());
            let responses = op.responses.iter().flat_map(|r| {
                let contents = r.contents.iter().filter_map(|c| c.ty.as_ref());
                contents.chain(r.headers.iter().map(|h| &h.ty)).chain(r.errors.iter().map(|e| &e.ty))
            });
            params.chain(bodies).chain(responses).chain(op.pagination.as_ref().map(|p| &p.item))
        });
        in_types.chain(in_operations).for_each(|t| walk(t, &mut found));
    }
    found
}

/// Calls `f` on every type reference of `api`, nested ones included.
fn for_each_ref(api: &mut Api, f: &mut dyn FnMut(&mut TypeRef)) {
    for t in api.types.values_mut() {
        super::dedupe::for_each_ref(&mut t.kind, f);
        keywords(&mut t.keywords, f);
    }
    for op in api.operations.iter_mut().chain(&mut api.incoming) {
        let params = op.parameters.iter_mut().map(|p| &mut p.ty);
        let bodies = op.body.iter_mut().flat_map(|b| &mut b.contents).filter_map(|c| c.ty.as_mut());
        let mut refs: Vec<&mut TypeRef> = params.chain(bodies).collect();
        for r in &mut op.responses {
            refs.extend(r.contents.iter_mut().filter_map(|c| c.ty.as_mut()));
            refs.extend(r.headers.iter_mut().map(|h| &mut h.ty));
            refs.extend(r.errors.iter_mut().map(|e| &mut e.ty));
        }
        refs.extend(op.pagination.as_mut().map(|p| &mut p.item));
        refs.into_iter().for_each(|t| super::dedupe::walk(t, f));
    }
}

fn keywords(k: &mut Keywords, f: &mut dyn FnMut(&mut TypeRef)) {
    let singles = [
        &mut k.contains,
        &mut k.property_names,
        &mut k.if_,
        &mut k.then,
        &mut k.else_,
        &mut k.unevaluated_items,
        &mut k.unevaluated_properties,
    ];
    let many =
        k.prefix_items.iter_mut().chain(k.dependent_schemas.values_mut()).chain(k.pattern_properties.values_mut());
    for s in singles.into_iter().filter_map(Option::as_mut).chain(many) {
        if let Subschema::Type(t) = s {
            super::dedupe::walk(t, f);
        }
    }
}
