//! Security schemes → a typed `Credentials` struct (one optional field per
//! scheme) and its `Authorize` implementation. Each operation lists its
//! alternatives; the runtime picks the first one whose schemes are all set.

use crate::emit::docs::{describe_scheme as describe, doc};
use crate::ir::{Api, KeyLocation, SchemeKind, Security};
use crate::naming::{camel, snake};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(api: &Api) -> TokenStream {
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut variants = Vec::new();
    let mut has_arms = Vec::new();
    let mut apply_arms = Vec::new();
    for (key, scheme) in &api.security_schemes {
        let field = format_ident!("{}", snake(key));
        let variant = format_ident!("{}", camel(key));
        let (ty, apply, param) = credential(&scheme.kind);
        let convert = if ty.to_string() == param.to_string() {
            quote! { value }
        } else {
            quote! { value.into() }
        };
        let docs = doc(Some(&format!("`{key}`: {}", describe(&scheme.kind))), scheme.description.as_deref());
        fields.push(quote! { #docs pub #field: Option<#ty>, });
        setters.push(quote! {
            #docs
            pub fn #field(mut self, value: #param) -> Self {
                self.#field = Some(#convert);
                self
            }
        });
        variants.push(quote! { #variant, });
        has_arms.push(quote! { Scheme::#variant => self.#field.is_some(), });
        apply_arms.push(quote! {
            Scheme::#variant => match &self.#field {
                Some(value) => #apply,
                None => Ok(()),
            },
        });
    }
    let scheme_doc = " A security scheme of this API, as named in the spec.";
    // With no schemes, `match scheme {}` never reads the request.
    let request = if api.security_schemes.is_empty() { format_ident!("_request") } else { format_ident!("request") };
    quote! {
        /// Credentials for this API's security schemes. Set the ones you
        /// have: each operation uses the first of its documented
        /// alternatives whose schemes are all set.
        #[derive(Clone, Debug, Default)]
        pub struct Credentials {
            #(#fields)*
        }

        impl Credentials {
            pub fn new() -> Self {
                Self::default()
            }
            #(#setters)*
        }

        #[doc = #scheme_doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Scheme {
            #(#variants)*
        }

        impl runtime::client::Authorize for Credentials {
            type Scheme = Scheme;

            fn has(&self, scheme: Scheme) -> bool {
                match scheme {
                    #(#has_arms)*
                }
            }

            fn apply(&self, scheme: Scheme, #request: &mut reqwest::Request) -> Result<(), runtime::client::RequestError> {
                match scheme {
                    #(#apply_arms)*
                }
            }
        }
    }
}

/// (credential type, how it is applied to `request`, setter argument type).
fn credential(kind: &SchemeKind) -> (TokenStream, TokenStream, TokenStream) {
    let secret = quote! { runtime::auth::Secret };
    let secret_param = quote! { impl Into<runtime::auth::Secret> };
    match kind {
        SchemeKind::ApiKey { location, name } => {
            let f = match location {
                KeyLocation::Header => quote! { header },
                KeyLocation::Query => quote! { query },
                KeyLocation::Cookie => quote! { cookie },
            };
            (secret, quote! { runtime::auth::#f(request, #name, value) }, secret_param)
        }
        SchemeKind::HttpBearer { .. } | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => {
            (secret, quote! { runtime::auth::authorization(request, "Bearer", value) }, secret_param)
        }
        SchemeKind::Http { scheme } => {
            let scheme = heck::ToUpperCamelCase::to_upper_camel_case(scheme.as_str());
            (secret, quote! { runtime::auth::authorization(request, #scheme, value) }, secret_param)
        }
        SchemeKind::HttpBasic => (
            quote! { runtime::basic::Basic },
            quote! { runtime::basic::basic(request, value) },
            quote! { runtime::basic::Basic },
        ),
        SchemeKind::AwsSigV4 { service } => (
            quote! { runtime::sigv4::AwsCredentials },
            quote! { runtime::sigv4::sign(request, value, #service) },
            quote! { runtime::sigv4::AwsCredentials },
        ),
        SchemeKind::HuaweiSdkHmacSha256 { date_header, project_header } => {
            let project = match project_header {
                Some(h) => quote! { Some(#h) },
                None => quote! { None },
            };
            (
                quote! { runtime::huawei::AkSk },
                quote! { runtime::huawei::sign(request, value, #date_header, #project) },
                quote! { runtime::huawei::AkSk },
            )
        }
    }
}

/// `&[&[Scheme::A], &[Scheme::B, Scheme::C]]`, signing schemes last in each
/// alternative so that they sign the headers the others add.
pub fn requirements(api: &Api, security: &Security) -> TokenStream {
    let alternatives = security.alternatives.iter().map(|alt| {
        let mut uses: Vec<&str> = alt.iter().map(|u| u.scheme.as_str()).collect();
        uses.sort_by_key(|s| {
            matches!(
                api.security_schemes.get(*s).map(|s| &s.kind),
                Some(SchemeKind::AwsSigV4 { .. } | SchemeKind::HuaweiSdkHmacSha256 { .. })
            )
        });
        let idents = uses.iter().map(|s| format_ident!("{}", camel(s)));
        quote! { &[#(Scheme::#idents),*] }
    });
    quote! { &[#(#alternatives),*] }
}
