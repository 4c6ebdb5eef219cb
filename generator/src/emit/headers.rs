//! The headers of a documented response: `<Op><Status>Headers`, a struct
//! with one field per documented header (`Option<T>` unless required).
//! Client and server declare it alike in their own module, from here; the
//! client adds how it is decoded from a response, the server how it is
//! written onto one. Headers travel in OpenAPI `simple` style (arrays
//! comma-separated).
//!
//! Responses that document the same headers share one struct ([`Shared`]):
//! an API that puts its rate-limit headers on every response (Train
//! Travel: six responses of each of its seven operations) had 42 copies of
//! one struct and its reading code.

use super::docs::{doc, paragraph};
use super::groups::Groups;
use super::rust_type::rust_type;
use super::shape::strip_nullable;
use crate::ir::{Api, Header, Operation, Response, TypeRef};
use heck::ToUpperCamelCase;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// A response's headers struct.
pub struct Headers<'a> {
    pub ident: Ident,
    pub fields: Vec<HeaderField<'a>>,
    status: String,
    operation: &'a str,
    /// How many responses use the struct: more than one when it is shared
    /// (declared once, by [`Shared::structs`], not with the operation).
    pub users: usize,
    /// `<Op><Status>Headers`: the struct's name when it is not shared, an
    /// alias of the shared one when it is (names stay put when another
    /// response comes to document the same headers).
    pub own: Ident,
}

pub struct HeaderField<'a> {
    pub ident: Ident,
    pub header: &'a Header,
    /// An array: comma-separated elements.
    pub list: bool,
}

/// Whether `r` has a headers struct: it documents headers. Responses told
/// apart by a protocol error code (awsJson1_1) have none: their variants
/// are per code, not per status.
pub fn documented(r: &Response) -> bool {
    !r.headers.is_empty() && r.errors.is_empty()
}

/// The headers struct of `r`, when it documents headers: the shared one
/// when other responses document the same headers.
pub fn of<'a>(shared: &Shared, op: &'a Operation, r: &'a Response) -> Option<Headers<'a>> {
    let mut h = own(op, r)?;
    if let Some(&(ref ident, users)) = shared.names.get(&(op.name.clone(), r.rust_name.clone())) {
        (h.ident, h.users) = (ident.clone(), users);
    }
    Some(h)
}

/// `<Op><Status>Headers`, the struct `r` has when nothing shares it.
fn own<'a>(op: &'a Operation, r: &'a Response) -> Option<Headers<'a>> {
    if !documented(r) {
        return None;
    }
    let fields = r
        .headers
        .iter()
        .map(|h| HeaderField {
            ident: format_ident!("{}", h.rust_name),
            header: h,
            list: matches!(strip_nullable(&h.ty), TypeRef::Array { .. }),
        })
        .collect();
    let ident = format_ident!("{}{}Headers", op.type_name, r.rust_name);
    Some(Headers { own: ident.clone(), ident, fields, status: r.status.into(), operation: &op.name, users: 1 })
}

/// The headers structs responses share: one per distinct set of documented
/// headers (names, types, requiredness and descriptions alike) that two
/// responses or more document.
#[derive(Default)]
pub struct Shared<'a> {
    /// (operation, response variant) → the shared struct and its users.
    names: BTreeMap<(String, String), (Ident, usize)>,
    /// Each shared struct (as its first user declares it) and the group
    /// module it belongs in.
    structs: Vec<(Option<String>, Headers<'a>)>,
}

/// The most headers a shared struct is named after (`RateLimitHeaders`,
/// `LinkXTotalCountHeaders`); with more, it takes its first user's name.
const NAMED_AFTER: usize = 3;

impl<'a> Shared<'a> {
    pub fn of(api: &'a Api, groups: Option<&Groups>) -> Shared<'a> {
        // Sets in the order of their first response, so names are stable.
        let mut sets: Vec<(Headers<'a>, Vec<(&'a Operation, &'a Response)>)> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for op in &api.operations {
            for r in &op.responses {
                let Some(h) = own(op, r) else { continue };
                let mut key = h.fields_text();
                // A struct naming an API type may only be shared where that
                // type is: within the group module of its operations.
                if key.contains("types ::") {
                    key.push_str(Groups::of_operation(groups, &op.name).unwrap_or_default());
                }
                let i = *index.entry(key).or_insert_with(|| {
                    sets.push((h, Vec::new()));
                    sets.len() - 1
                });
                sets[i].1.push((op, r));
            }
        }
        // The per-response names stay reserved: an operation's own struct
        // keeps its name, and a shared one never takes another's.
        let mut taken: BTreeSet<String> = sets
            .iter()
            .flat_map(|(_, users)| users)
            .filter_map(|(op, r)| own(op, r))
            .map(|h| h.ident.to_string())
            .collect();
        taken.insert("WithHeaders".to_owned());
        let mut shared = Shared::default();
        for (mut h, users) in sets.into_iter().filter(|(_, users)| users.len() > 1) {
            let after: String = h.fields.iter().map(|f| f.header.name.to_upper_camel_case()).collect();
            let named = format!("{after}Headers");
            let fits = h.fields.len() <= NAMED_AFTER && after.starts_with(|c: char| c.is_ascii_alphabetic());
            if fits && syn::parse_str::<Ident>(&named).is_ok() && taken.insert(named.clone()) {
                h.ident = format_ident!("{named}");
            }
            h.users = users.len();
            let group = Groups::common(groups, users.iter().map(|(op, _)| op.name.as_str()));
            for (op, r) in users {
                shared.names.insert((op.name.clone(), r.rust_name.clone()), (h.ident.clone(), h.users));
            }
            shared.structs.push((group, h));
        }
        shared
    }

    /// Each shared struct, with the group module it belongs in: the group
    /// of all its users when they are in one, else the API's module.
    pub fn structs(&self) -> impl Iterator<Item = (Option<String>, &Headers<'a>)> {
        self.structs.iter().map(|(g, h)| (g.clone(), h))
    }
}

impl Headers<'_> {
    /// Whether every header is optional (the struct has a `Default`).
    pub fn all_optional(&self) -> bool {
        self.fields.iter().all(|f| !f.header.required)
    }

    /// The wire names of the required headers.
    pub fn required(&self) -> Vec<&str> {
        self.fields.iter().filter(|f| f.header.required).map(|f| f.header.name.as_str()).collect()
    }

    /// The fields' declarations, as text: what responses must have alike
    /// to share a struct.
    fn fields_text(&self) -> String {
        self.field_declarations().map(|f| f.to_string()).collect::<Vec<_>>().join(" ")
    }

    fn field_declarations(&self) -> impl Iterator<Item = TokenStream> + '_ {
        let types = quote! { types:: };
        self.fields.iter().map(move |f| {
            let ident = &f.ident;
            let ty = rust_type(strip_nullable(&f.header.ty), &types);
            let ty = if f.header.required {
                ty
            } else {
                quote! { Option<#ty> }
            };
            let wire = format!("`{}`{}.", f.header.name, if f.header.required { " (required)" } else { "" });
            let mut docs = doc(f.header.description.as_deref().or(Some(&wire)), None);
            if f.header.description.is_some() {
                docs.extend(paragraph(&wire));
            }
            quote! { #docs pub #ident: #ty, }
        })
    }

    /// Whether other responses use this struct too.
    pub fn shared(&self) -> bool {
        self.users > 1
    }

    /// The response's own name for a shared struct (nothing when the
    /// struct took that name).
    pub fn alias(&self) -> Option<TokenStream> {
        let (own, ident) = (&self.own, &self.ident);
        let d = format!(" Documented headers of the {} response of `{}`: [`{ident}`].", self.status, self.operation);
        let alias = match own == ident {
            true => TokenStream::new(),
            false => quote! { #[doc = #d] pub type #own = #ident; },
        };
        self.shared().then_some(alias)
    }

    /// The struct, its fields typed from `types`.
    pub fn declaration(&self) -> TokenStream {
        let fields = self.field_declarations();
        let ident = &self.ident;
        let d = match self.users {
            1 => format!(" Documented headers of the {} response of `{}`.", self.status, self.operation),
            n => format!(
                " Documented headers of {n} responses, the same for each (the first: the {} response of `{}`).",
                self.status, self.operation
            ),
        };
        let default = self.all_optional().then(|| quote! { Default, });
        quote! {
            #[doc = #d]
            #[derive(Clone, Debug, #default PartialEq)]
            pub struct #ident {
                #(#fields)*
            }
        }
    }
}
