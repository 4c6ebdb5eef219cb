//! The headers of a documented response: `<Op><Status>Headers`, a struct
//! with one field per documented header (`Option<T>` unless required).
//! Client and server declare it alike in their own module, from here; the
//! client adds how it is decoded from a response, the server how it is
//! written onto one. Headers travel in OpenAPI `simple` style (arrays
//! comma-separated).

use super::docs::{doc, paragraph};
use super::rust_type::rust_type;
use super::shape::strip_nullable;
use crate::ir::{Header, Operation, Response, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// A response's headers struct.
pub struct Headers<'a> {
    pub ident: Ident,
    pub fields: Vec<HeaderField<'a>>,
    status: String,
    operation: &'a str,
}

pub struct HeaderField<'a> {
    pub ident: Ident,
    pub header: &'a Header,
    /// An array: comma-separated elements.
    pub list: bool,
}

/// The headers struct of `r`, when it documents headers. Responses told
/// apart by a protocol error code (awsJson1_1) have none: their variants
/// are per code, not per status.
pub fn of<'a>(op: &'a Operation, r: &'a Response) -> Option<Headers<'a>> {
    if r.headers.is_empty() || !r.errors.is_empty() {
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
    Some(Headers {
        ident: format_ident!("{}{}Headers", op.type_name, r.rust_name),
        fields,
        status: r.status.into(),
        operation: &op.name,
    })
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

    /// The struct, its fields typed from `types`.
    pub fn declaration(&self) -> TokenStream {
        let types = quote! { types:: };
        let fields = self.fields.iter().map(|f| {
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
        });
        let ident = &self.ident;
        let d = format!(" Documented headers of the {} response of `{}`.", self.status, self.operation);
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
