//! Constraint checks for server stubs: `Validate` impls for named types
//! (behind the `server` feature) and inline checks for parameters and
//! fields, from the IR's patterns, lengths, bounds, sizes and enums.
//! Only what the spec constrains is checked; a type with nothing to check
//! gets no impl.

use crate::ir::{Api, Bounds, NamedType, StringConstraints, TypeKind, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Which named types have something to check: a type does when it
/// constrains something itself or names a type that does.
pub struct Checks<'a> {
    api: &'a Api,
    memo: BTreeMap<String, bool>,
}

/// Whether values of `t` have something to check; `named` answers for
/// named types (lookups only: no recursion through names).
fn type_needed<'t>(t: &'t TypeRef, named: &mut dyn FnMut(&'t str) -> bool) -> bool {
    match t {
        TypeRef::Named { name } => named(name),
        TypeRef::String { constraints, .. } => !constraints.is_empty(),
        TypeRef::Integer { bounds, .. } | TypeRef::Number { bounds, .. } => has_bounds(bounds),
        TypeRef::Array { items, min_items, max_items, unique_items } => {
            min_items.is_some() || max_items.is_some() || *unique_items || type_needed(items, named)
        }
        TypeRef::Map { values } => type_needed(values, named),
        TypeRef::Nullable { inner } => type_needed(inner, named),
        TypeRef::Boolean | TypeRef::Binary | TypeRef::Null | TypeRef::Any => false,
    }
}

/// The same for a named type's definition.
fn kind_needed<'t>(kind: &'t TypeKind, named: &mut dyn FnMut(&'t str) -> bool) -> bool {
    // Every part is looked at (no short cut), so that every name is seen.
    let mut any =
        |types: &mut dyn Iterator<Item = &'t TypeRef>| types.fold(false, |acc, t| type_needed(t, named) | acc);
    match kind {
        TypeKind::Struct { fields, additional } => {
            any(&mut fields.iter().map(|f| &f.ty).chain(additional.as_ref().map(|a| &a.ty)))
        }
        // The `Unknown` arm: clients accept new values, servers don't.
        TypeKind::Enum { .. } | TypeKind::OneOf { discriminator: Some(_), .. } => true,
        TypeKind::OneOf { variants, discriminator: None } | TypeKind::AnyOf { variants } => {
            any(&mut variants.iter().map(|v| &v.ty))
        }
        TypeKind::AllOf { parts } => any(&mut parts.iter()),
        TypeKind::Alias { ty } => any(&mut std::iter::once(ty)),
    }
}

impl<'a> Checks<'a> {
    /// Works over the whole type graph without recursing through names (a
    /// chain of thousands of types must not exhaust the stack, and a cycle
    /// must not leave a stale answer): each type's own constraints first,
    /// then "has something to check" flows back along the references until
    /// nothing changes.
    pub fn new(api: &'a Api) -> Self {
        let mut memo = BTreeMap::new();
        let mut named_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let plain = Checks { api, memo: BTreeMap::new() };
        for t in api.types.values() {
            let own = kind_needed(&t.kind, &mut |name| {
                named_by.entry(name).or_default().push(&t.name);
                false
            });
            memo.insert(t.name.clone(), own || super::keywords::enforced(&plain, t));
        }
        let mut work: Vec<&str> = memo.iter().filter(|(_, needed)| **needed).map(|(n, _)| n.as_str()).collect();
        let mut out = memo.clone();
        while let Some(name) = work.pop() {
            for referrer in named_by.get(name).into_iter().flatten() {
                if out.insert(referrer.to_string(), true) == Some(false) {
                    work.push(referrer);
                }
            }
        }
        Checks { api, memo: out }
    }

    pub fn api(&self) -> &'a Api {
        self.api
    }

    pub fn needed(&self, t: &TypeRef) -> bool {
        type_needed(t, &mut |name| self.named_needed(name))
    }

    fn named_needed(&self, name: &str) -> bool {
        self.memo.get(name).copied().unwrap_or(false)
    }

    /// Statements checking `value` (an expression of type `&T`) with the
    /// checker `c`; empty when nothing is constrained.
    pub fn check(&self, t: &TypeRef, value: &TokenStream) -> TokenStream {
        if !self.needed(t) {
            return quote! {};
        }
        match t {
            TypeRef::Named { name } => match self.api.types.get(name).map(|n| &n.kind) {
                // A plain alias (`pub type X = Vec<Y>`) has no impl of its own.
                Some(TypeKind::Alias { ty }) if !ty.is_constrained_string() => {
                    let mut out = self.check(ty, value);
                    out.extend(super::keywords::inline(self, &self.api.types[name], ty, value));
                    out
                }
                _ => quote! { runtime::validate::Validate::validate(#value, c); },
            },
            TypeRef::String { constraints, .. } => text(constraints, value),
            TypeRef::Integer { bounds, .. } | TypeRef::Number { bounds, .. } => {
                let range = range(bounds);
                // Bounds are compared as f64; an f64 needs no cast (clippy
                // refuses one).
                let number = match t {
                    TypeRef::Number { format, .. } if format.as_deref() != Some("float") => quote! { *#value },
                    _ => quote! { *#value as f64 },
                };
                quote! { c.number(#number, &#range); }
            }
            TypeRef::Array { items, min_items, max_items, unique_items } => {
                let mut out = TokenStream::new();
                if min_items.is_some() || max_items.is_some() {
                    let (min, max) = (opt_usize(*min_items), opt_usize(*max_items));
                    out.extend(quote! { c.items(#value.len(), #min, #max); });
                }
                if *unique_items {
                    out.extend(quote! { c.unique(#value); });
                }
                let inner = self.check(items, &quote! { item });
                if !inner.is_empty() {
                    out.extend(quote! {
                        for (i, item) in #value.iter().enumerate() {
                            c.index(i, |c| { #inner });
                        }
                    });
                }
                out
            }
            TypeRef::Map { values } => {
                let inner = self.check(values, &quote! { item });
                quote! {
                    for (key, item) in #value.iter() {
                        c.key(key, |c| { #inner });
                    }
                }
            }
            TypeRef::Nullable { inner } => {
                let inner = self.check(inner, &quote! { inner });
                quote! { if let Some(inner) = #value { #inner } }
            }
            _ => quote! {},
        }
    }

    /// One `match` arm per enum arm (`(name, type)`), checking its value.
    fn union_arms<'v>(&self, arms: impl Iterator<Item = (&'v str, &'v TypeRef)>) -> Vec<TokenStream> {
        arms.map(|(name, ty)| {
            let ident = format_ident!("{}", name);
            match ty {
                TypeRef::Null => quote! { Self::#ident => {} },
                t => {
                    let check = self.check(t, &quote! { v });
                    // A variant with nothing to check binds nothing.
                    if check.is_empty() {
                        quote! { Self::#ident(_) => {} }
                    } else {
                        quote! { Self::#ident(v) => { #check } }
                    }
                }
            }
        })
        .collect()
    }

    /// `impl Validate` for every named type with something to check
    /// (for the `types` module, behind the `server` feature).
    pub fn impl_of(&self, t: &NamedType, layout: super::layout::Layout) -> Option<TokenStream> {
        if !self.named_needed(&t.name) {
            return None;
        }
        let cfg = layout.gate(super::layout::Part::Server);
        let name = format_ident!("{}", t.name);
        let body = match &t.kind {
            TypeKind::Struct { fields, additional } => {
                let mut out = TokenStream::new();
                for f in fields {
                    let ident = format_ident!("{}", f.rust_name);
                    let wire = &f.name;
                    let (inner_ty, nullable) = match &f.ty {
                        TypeRef::Nullable { inner } => (inner.as_ref(), true),
                        t => (t, false),
                    };
                    let check = self.check(inner_ty, &quote! { v });
                    if check.is_empty() {
                        continue;
                    }
                    let pattern = match (f.required, nullable) {
                        (true, false) => None,
                        (true, true) | (false, false) => Some(quote! { Some(v) }),
                        (false, true) => Some(quote! { Some(Some(v)) }),
                    };
                    out.extend(match pattern {
                        None => quote! { c.key(#wire, |c| { let v = &self.#ident; #check }); },
                        Some(pattern) => quote! {
                            if let #pattern = &self.#ident {
                                c.key(#wire, |c| { #check });
                            }
                        },
                    });
                }
                out.extend(super::keywords::dependent_required(fields, &t.keywords));
                if let Some(a) = additional {
                    let check = self.check(&a.ty, &quote! { item });
                    if !check.is_empty() {
                        let ident = format_ident!("{}", a.rust_name);
                        out.extend(quote! {
                            for (key, item) in &self.#ident {
                                c.key(key, |c| { #check });
                            }
                        });
                    }
                }
                out
            }
            TypeKind::Enum { values, unknown } => {
                let values: Vec<_> = values.iter().filter(|v| !v.value.is_null()).collect();
                let unknown = format_ident!("{unknown}");
                let expected: Vec<String> = values.iter().map(|v| quoted(&v.value)).collect();
                let value = if values.iter().all(|v| v.value.is_string()) {
                    quote! { ::serde_json::Value::String(v.clone()) }
                } else {
                    quote! { v.clone() }
                };
                quote! {
                    if let Self::#unknown(v) = self {
                        c.unknown(#value, &[#(#expected),*]);
                    }
                }
            }
            TypeKind::OneOf { variants, discriminator } => {
                let arms = match discriminator {
                    Some(d) => {
                        let arms = d.arms(variants);
                        self.union_arms(arms.iter().map(|a| (a.rust_name.as_str(), a.ty)))
                    }
                    None => self.union_arms(variants.iter().map(|v| (v.rust_name.as_str(), &v.ty))),
                };
                let unknown = discriminator.as_ref().map(|d| {
                        let ident = format_ident!("{}", d.unknown);
                        let property = &d.property;
                        let expected: Vec<String> = d.mapping.keys().map(|k| format!("'{k}'")).collect();
                        quote! { Self::#ident => c.key(#property, |c| c.unknown(::serde_json::Value::Null, &[#(#expected),*])), }
                    });
                quote! {
                    match self { #(#arms)* #unknown }
                }
            }
            TypeKind::AnyOf { variants } => {
                let arms = self.union_arms(variants.iter().map(|v| (v.rust_name.as_str(), &v.ty)));
                quote! {
                    match self { #(#arms)* }
                }
            }
            TypeKind::AllOf { parts } => {
                let checks = parts.iter().enumerate().map(|(i, p)| {
                    let ident = format_ident!("part_{}", i + 1);
                    self.check(p, &quote! { &self.#ident })
                });
                quote! { #(#checks)* }
            }
            TypeKind::Alias { ty: TypeRef::String { constraints, .. } } if !constraints.is_empty() => {
                text(constraints, &quote! { &self.0 })
            }
            TypeKind::Alias { .. } => return None,
        };
        Some(quote! {
            #cfg
            impl runtime::validate::Validate for #name {
                fn validate(&self, c: &mut runtime::validate::Checker<'_>) {
                    #body
                }
            }
        })
    }
}

fn quoted(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

pub(super) fn text(c: &StringConstraints, value: &TokenStream) -> TokenStream {
    let (min, max) = (opt_usize(c.min_length), opt_usize(c.max_length));
    match &c.pattern {
        Some(p) => quote! {
            static PATTERN: runtime::validate::Pattern = runtime::validate::Pattern::new(#p);
            c.string(#value, &runtime::validate::Text { min_length: #min, max_length: #max, pattern: Some(&PATTERN) });
        },
        None => quote! {
            c.string(#value, &runtime::validate::Text { min_length: #min, max_length: #max, pattern: None });
        },
    }
}

fn has_bounds(b: &Bounds) -> bool {
    b.minimum.is_some() || b.maximum.is_some() || b.multiple_of.is_some()
}

fn range(b: &Bounds) -> TokenStream {
    let num = |n: &Option<serde_json::Number>| match n.as_ref().and_then(serde_json::Number::as_f64) {
        Some(f) => {
            let l = Literal::f64_suffixed(f);
            quote! { Some(#l) }
        }
        None => quote! { None },
    };
    let (min, max, mult) = (num(&b.minimum), num(&b.maximum), num(&b.multiple_of));
    let (emin, emax) = (b.exclusive_minimum, b.exclusive_maximum);
    quote! {
        runtime::validate::Range { minimum: #min, maximum: #max, exclusive_minimum: #emin, exclusive_maximum: #emax, multiple_of: #mult }
    }
}

fn opt_usize(n: Option<u64>) -> TokenStream {
    match n {
        Some(n) => {
            let l = Literal::usize_unsuffixed(n as usize);
            quote! { Some(#l) }
        }
        None => quote! { None },
    }
}
