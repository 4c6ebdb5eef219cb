//! What an operation's client makes of a response: the success type, the
//! error enum and the `match` on the status (and, for protocols with error
//! codes, on the code) that decodes a body only as the type documented for
//! that status. Operations documenting the same errors share an enum
//! (`shared_error.rs`); this writes what it shares and how it is keyed.

use super::shared_error::SharedErrors;
use crate::emit::headers;
use crate::emit::rust_type::rust_type;
use crate::emit::shape::{Kind, kind, preferred, status_doc};
use crate::emit::status;
use crate::ir::{Api, Operation, Response, Status, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The Rust type of a response body and the expression decoding it from
/// `response`; `None` for a response without a body.
/// With `canonical`, a type named through aliases is named by the last of
/// them (`GetReportResponse4Xx`, not its alias `CreateReportResponse4Xx`):
/// error enums that differ only so are the same, and shared.
fn payload(r: &Response, types: &TokenStream, canonical: Option<&Api>) -> Option<(TokenStream, TokenStream)> {
    let content = preferred(&r.contents)?;
    Some(match (kind(content), &content.ty) {
        (Kind::Json, Some(t)) => (rust_type(named(canonical, t), types), quote! { json(&response)? }),
        (Kind::Text, _) => (quote! { String }, quote! { runtime::client::text(&response)? }),
        _ => (quote! { runtime::client::Bytes }, quote! { response.body.clone() }),
    })
}

/// A variant (declaration, and construction from `response`) for one
/// documented response. Ranges and `default` keep the actual status; a
/// response with documented headers carries them as `headers`.
fn variant(
    op: &Operation,
    r: &Response,
    enum_ident: &Ident,
    types: &TokenStream,
    shared: &headers::Shared,
    canonical: Option<&Api>,
) -> (TokenStream, TokenStream) {
    let ident = format_ident!("{}", r.rust_name);
    let docs = status_doc(r);
    let keeps_status = !matches!(r.status, Status::Code(_));
    if let Some(h) = headers::of(shared, op, r) {
        let h = &h.ident;
        let (mut decl, mut make) = (Vec::new(), Vec::new());
        if keeps_status {
            decl.push(quote! { status: runtime::client::StatusCode });
            make.push(quote! { status: response.status });
        }
        if let Some((ty, decode)) = payload(r, types, canonical) {
            decl.push(quote! { body: #ty });
            make.push(quote! { body: #decode });
        }
        decl.push(quote! { headers: #h });
        make.push(quote! { headers: #h::decode(&response)? });
        return (quote! { #docs #ident { #(#decl),* }, }, quote! { #enum_ident::#ident { #(#make),* } });
    }
    match (payload(r, types, canonical), keeps_status) {
        (None, false) => (quote! { #docs #ident, }, quote! { #enum_ident::#ident }),
        (Some((ty, decode)), false) => (quote! { #docs #ident(#ty), }, quote! { #enum_ident::#ident(#decode) }),
        (None, true) => (
            quote! { #docs #ident { status: runtime::client::StatusCode }, },
            quote! { #enum_ident::#ident { status: response.status } },
        ),
        (Some((ty, decode)), true) => (
            quote! { #docs #ident { status: runtime::client::StatusCode, body: #ty }, },
            quote! { #enum_ident::#ident { status: response.status, body: #decode } },
        ),
    }
}

/// `t`, or the last name of the aliases it is named through.
fn named<'a>(canonical: Option<&'a Api>, t: &'a TypeRef) -> &'a TypeRef {
    match canonical {
        Some(api) => crate::resolve::aliases(api, t, |ty| matches!(ty, TypeRef::Named { .. })).at,
        None => t,
    }
}

/// The success type: the one documented 2xx body (or `()`), or an enum
/// when several 2xx statuses are documented.
pub(super) fn success(op: &Operation, types: &TokenStream, shared: &headers::Shared) -> (TokenStream, TokenStream) {
    let ok: Vec<&Response> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    match ok.as_slice() {
        [] => (quote! { () }, quote! {}),
        [one] => {
            let body = payload(one, types, None).map_or(quote! { () }, |(t, _)| t);
            match headers::of(shared, op, one) {
                Some(h) => {
                    let h = &h.ident;
                    (quote! { WithHeaders<#body, #h> }, quote! {})
                }
                None => (body, quote! {}),
            }
        }
        many => {
            let ident = format_ident!("{}Response", op.type_name);
            let variants = many.iter().map(|r| variant(op, r, &ident, types, shared, None).0);
            let d = format!(" Documented success responses of [`Client::{}`].", op.name);
            (
                quote! { #ident },
                quote! {
                    #[doc = #d]
                    #[derive(Clone, Debug, PartialEq)]
                    pub enum #ident { #(#variants)* }
                },
            )
        }
    }
}

/// An operation's documented error responses: its enum's variants and how
/// a response is decoded as one, written for an enum named `enum_ident`
/// (`Self` inside a shared enum's own `decode`).
pub struct Errors {
    /// The variants' names, in order.
    pub names: Vec<String>,
    pub decls: Vec<TokenStream>,
    /// `pattern => result,` for each documented status but `default`.
    pub arms: Vec<TokenStream>,
    /// What any other status gives: the `default` response, else the
    /// response kept whole as undocumented.
    pub fallback: TokenStream,
}

impl Errors {
    /// The enum as text (what [`errors_key`] stands for, checked by a test).
    #[cfg(test)]
    pub fn key(&self) -> String {
        let (decls, arms, fallback) = (&self.decls, &self.arms, &self.fallback);
        quote! { #(#decls)* #(#arms)* #fallback }.to_string()
    }

    /// The arms and the fallback as one expression on `response`.
    pub fn decode(&self) -> TokenStream {
        let (arms, fallback) = (&self.arms, &self.fallback);
        match arms.is_empty() {
            true => fallback.clone(),
            false => quote! {
                match response.status.as_u16() {
                    #(#arms)*
                    _ => #fallback,
                }
            },
        }
    }
}

pub fn errors(
    api: &Api,
    op: &Operation,
    enum_ident: &Ident,
    types: &TokenStream,
    shared_headers: &headers::Shared,
) -> Errors {
    let mut e = Errors {
        names: Vec::new(),
        decls: Vec::new(),
        arms: Vec::new(),
        fallback: quote! { Err(Error::Undocumented(response)) },
    };
    let mut code_arms = Vec::new();
    let mut codes: Vec<&str> = Vec::new();
    for r in op.responses.iter().filter(|r| !r.status.is_success()) {
        if !r.errors.is_empty() {
            // Told apart by error code, whatever the status (AWS SDKs do so).
            for err in &r.errors {
                if codes.contains(&err.code.as_str()) {
                    continue;
                }
                codes.push(&err.code);
                let ident = format_ident!("{}", err.rust_name);
                let ty = rust_type(named(Some(api), &err.ty), types);
                let code = &err.code;
                let d = format!(" `{code}` ({}).", String::from(r.status));
                e.names.push(err.rust_name.clone());
                e.decls.push(quote! { #[doc = #d] #ident(#ty), });
                code_arms.push(quote! {
                    Some(#code) => Err(Error::Response(#enum_ident::#ident(json(&response)?))),
                });
            }
            continue;
        }
        let (decl, make) = variant(op, r, enum_ident, types, shared_headers, Some(api));
        e.names.push(r.rust_name.clone());
        e.decls.push(decl);
        if r.status == Status::Default {
            e.fallback = quote! { Err(Error::Response(#make)) };
        } else {
            let pat = status::pattern(r.status, quote! { _ });
            e.arms.push(quote! { #pat => Err(Error::Response(#make)), });
        }
    }
    if !code_arms.is_empty() {
        let fallback = &e.fallback;
        e.fallback = quote! {
            match response.error_code.as_deref() {
                #(#code_arms)*
                _ => #fallback,
            }
        };
    }
    e
}

/// What [`errors`] writes for `op`, from the same inputs, as text far
/// cheaper to build than the tokens (GitHub: 1,223 operations keyed on the
/// client's thread): operations with equal keys have equal enums. Empty
/// when `op` documents no error.
pub fn errors_key(api: &Api, op: &Operation, shared_headers: &headers::Shared) -> String {
    use std::fmt::Write;
    let mut key = String::new();
    for r in op.responses.iter().filter(|r| !r.status.is_success()) {
        let status = String::from(r.status);
        for e in &r.errors {
            let _ = write!(key, "{status} {} {} {:?};", e.code, e.rust_name, named(Some(api), &e.ty));
        }
        if !r.errors.is_empty() {
            continue;
        }
        let body = preferred(&r.contents).map(|c| match (kind(c), &c.ty) {
            (Kind::Json, Some(t)) => format!("{:?}", named(Some(api), t)),
            (Kind::Text, _) => "text".to_owned(),
            _ => "bytes".to_owned(),
        });
        let headers = headers::of(shared_headers, op, r).map(|h| h.ident.to_string());
        let doc = r.description.trim().lines().next();
        let _ = write!(key, "{status} {} {doc:?} {body:?} {headers:?};", r.rust_name);
    }
    key
}

/// The `match` on the response (ending the method: a `Success`, or an
/// error), and the operation's error enum (an alias of a shared one).
pub(super) fn responses(
    api: &Api,
    op: &Operation,
    error_ident: &Ident,
    types: &TokenStream,
    shared: &SharedErrors,
    shared_headers: &headers::Shared,
) -> (TokenStream, TokenStream) {
    let ok: Vec<&Response> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    let success_ident = format_ident!("{}Response", op.type_name);
    let mut arms = Vec::new();
    for r in &ok {
        let pat = status::pattern(r.status, quote! { _ });
        let value = match (ok.len(), headers::of(shared_headers, op, r)) {
            (1, None) => payload(r, types, None).map_or(quote! { () }, |(_, d)| d),
            (1, Some(h)) => {
                let body = payload(r, types, None).map_or(quote! { () }, |(_, d)| d);
                let h = &h.ident;
                quote! { WithHeaders { body: #body, headers: #h::decode(&response)? } }
            }
            _ => variant(op, r, &success_ident, types, shared_headers, None).1,
        };
        // The value is decoded before the response moves into the result.
        arms.push(quote! { #pat => Ok(Success::new(#value, response)), });
    }
    let (error_arms, fallback, error_enum) = match shared.of_operation(op) {
        Some(ident) => {
            let d = format!(" Documented error responses of [`Client::{}`]: [`{ident}`].", op.name);
            // None when the shared enum took this operation's name.
            let alias = (ident != error_ident).then(|| {
                quote! {
                    #[doc = #d]
                    pub type #error_ident = #ident;
                }
            });
            let alias = alias.unwrap_or_default();
            (Vec::new(), quote! { #ident::decode(response) }, alias)
        }
        None => {
            let e = errors(api, op, error_ident, types, shared_headers);
            let decls = &e.decls;
            let d = format!(" Documented error responses of [`Client::{}`].", op.name);
            let error_enum = quote! {
                #[doc = #d]
                #[derive(Clone, Debug, PartialEq)]
                pub enum #error_ident { #(#decls)* }
            };
            (e.arms, e.fallback, error_enum)
        }
    };
    // Every arm is the method's result; without any, the fallback alone.
    let body = match arms.is_empty() && error_arms.is_empty() {
        true => fallback,
        false => quote! {
            match response.status.as_u16() {
                #(#arms)*
                #(#error_arms)*
                _ => #fallback,
            }
        },
    };
    (body, error_enum)
}
