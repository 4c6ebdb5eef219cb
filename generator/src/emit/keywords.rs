//! Server stub checks for the JSON Schema 2020-12 keywords the IR carries:
//! those that can be checked on the decoded Rust value. `dependentRequired`
//! (a struct's optional fields), `contains` of enumerated or `const`
//! values (with `minContains`/`maxContains`), `propertyNames` and
//! `patternProperties` of maps of scalars, and a boolean `const`. Other
//! keywords (`if`, `prefixItems`, `unevaluated*`, subschemas of other
//! shapes) are left to the implementation; review and diff still see them.

use super::validate::{Checks, text};
use crate::ir::{Field, Keywords, NamedType, StringConstraints, Subschema, TypeKind, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

/// Whether the stub checks something of `t`'s keywords.
pub fn enforced(checks: &Checks<'_>, t: &NamedType) -> bool {
    let k = &t.keywords;
    if k.is_empty() {
        return false;
    }
    match &t.kind {
        TypeKind::Struct { fields, .. } => !dependent_required(fields, k).is_empty(),
        TypeKind::Alias { ty } => !inline(checks, t, ty, &quote! { v }).is_empty(),
        _ => false,
    }
}

/// Checks of an alias's keywords on `value` (an expression of type `&T`).
pub fn inline(checks: &Checks<'_>, t: &NamedType, ty: &TypeRef, value: &TokenStream) -> TokenStream {
    let k = &t.keywords;
    let mut out = TokenStream::new();
    match ty {
        TypeRef::Array { items, .. } => out.extend(contains(checks, k, items, value)),
        TypeRef::Map { values } => {
            if let Some(c) = k.property_names.as_ref().and_then(|s| string_constraints(checks, s)) {
                let check = text(&c, &quote! { key });
                out.extend(quote! { for key in #value.keys() { c.key(key, |c| { #check }); } });
            }
            for (pattern, sub) in &k.pattern_properties {
                let Subschema::Type(sub) = sub else { continue };
                let scalar = matches!(sub, TypeRef::String { .. } | TypeRef::Integer { .. } | TypeRef::Number { .. });
                // A typed value (a date-time) is not text a string check reads.
                let typed = super::formats::is_typed(sub) || super::formats::is_typed(values);
                if !scalar || typed || std::mem::discriminant(sub) != std::mem::discriminant(values.as_ref()) {
                    continue;
                }
                let check = checks.check(sub, &quote! { item });
                if !check.is_empty() {
                    out.extend(quote! {{
                        static NAMES: runtime::validate::Pattern = runtime::validate::Pattern::new(#pattern);
                        for (key, item) in #value.iter().filter(|(key, _)| NAMES.matches(key)) {
                            c.key(key, |c| { #check });
                        }
                    }});
                }
            }
        }
        TypeRef::Boolean => {
            if let Some(Value::Bool(b)) = &k.constant {
                let message = format!("Input should be {b}");
                let wrong = if *b {
                    quote! { !*#value }
                } else {
                    quote! { *#value }
                };
                out.extend(quote! {
                    if #wrong {
                        c.fail("literal_error", #message.into(), ::serde_json::Value::Bool(*#value));
                    }
                });
            }
        }
        _ => {}
    }
    out
}

/// `contains` whose schema is a set of values (an enum, a `const`):
/// counted over the items, against `minContains` (1) and `maxContains`.
fn contains(checks: &Checks<'_>, k: &Keywords, items: &TypeRef, value: &TokenStream) -> TokenStream {
    let Some(Subschema::Type(sub)) = &k.contains else { return quote! {} };
    let Some(values) = enumerated(checks, sub) else { return quote! {} };
    let literals: Vec<TokenStream> = match items {
        TypeRef::String { .. } if !super::formats::is_typed(items) => {
            values.iter().filter_map(Value::as_str).map(|s| Literal::string(s).into_token_stream()).collect()
        }
        TypeRef::Integer { .. } => {
            values.iter().filter_map(Value::as_i64).map(|n| Literal::i64_unsuffixed(n).into_token_stream()).collect()
        }
        _ => return quote! {},
    };
    if literals.len() != values.len() || literals.is_empty() {
        return quote! {};
    }
    let item = match items {
        TypeRef::String { .. } => quote! { item.as_str() },
        _ => quote! { **item },
    };
    let shown: Vec<String> = values.iter().map(Value::to_string).collect();
    let shown = shown.join(" or ");
    let min = k.min_contains.unwrap_or(1);
    let mut out = quote! {
        let hits = #value.iter().filter(|item| matches!(#item, #(#literals)|*)).count();
    };
    if min > 0 {
        let message = format!("List should contain at least {min} item(s) equal to {shown}");
        let min = Literal::usize_unsuffixed(min as usize);
        out.extend(quote! {
            if hits < #min {
                c.fail("contains", #message.into(), ::serde_json::Value::Null);
            }
        });
    }
    if let Some(max) = k.max_contains {
        let message = format!("List should contain at most {max} item(s) equal to {shown}");
        let max = Literal::usize_unsuffixed(max as usize);
        out.extend(quote! {
            if hits > #max {
                c.fail("contains", #message.into(), ::serde_json::Value::Null);
            }
        });
    }
    out
}

/// The values a schema enumerates (an enum, or a `const`).
fn enumerated(checks: &Checks<'_>, t: &TypeRef) -> Option<Vec<Value>> {
    let TypeRef::Named { name } = t else { return None };
    let named = checks.api().types.get(name)?;
    match &named.kind {
        TypeKind::Enum { values, .. } => Some(values.iter().map(|v| v.value.clone()).collect()),
        _ => named.keywords.constant.clone().map(|c| vec![c]),
    }
}

/// The string constraints of a `propertyNames` schema.
fn string_constraints(checks: &Checks<'_>, s: &Subschema) -> Option<StringConstraints> {
    let Subschema::Type(t) = s else { return None };
    let t = match t {
        TypeRef::Named { name } => match &checks.api().types.get(name)?.kind {
            TypeKind::Alias { ty } => ty,
            _ => return None,
        },
        t => t,
    };
    match t {
        TypeRef::String { constraints, .. } if !constraints.is_empty() => Some(constraints.clone()),
        _ => None,
    }
}

/// `dependentRequired` over a struct's fields: when a field is present, so
/// must the ones it names be (required fields always are).
pub fn dependent_required(fields: &[Field], k: &Keywords) -> TokenStream {
    let field = |name: &str| fields.iter().find(|f| f.name == name);
    let mut out = TokenStream::new();
    for (key, names) in &k.dependent_required {
        let Some(trigger) = field(key) else { continue };
        let t = format_ident!("{}", trigger.rust_name);
        for name in names {
            let Some(dependent) = field(name).filter(|f| !f.required) else { continue };
            let d = format_ident!("{}", dependent.rust_name);
            let message = format!("Field required when `{key}` is present");
            let missing = quote! { c.key(#name, |c| c.fail("missing", #message.into(), ::serde_json::Value::Null)); };
            out.extend(if trigger.required {
                quote! { if self.#d.is_none() { #missing } }
            } else {
                quote! { if self.#t.is_some() && self.#d.is_none() { #missing } }
            });
        }
    }
    out
}

use quote::ToTokens;
