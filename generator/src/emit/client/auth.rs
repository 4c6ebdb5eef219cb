//! Security schemes → a typed `Credentials` struct (one optional field per
//! scheme) and its `Authorize` implementation. Each operation lists its
//! alternatives; the runtime picks the first one whose schemes are all set.

use crate::emit::docs::{describe_scheme as describe, doc};
use crate::ir::{Api, KeyLocation, SchemeKind, Security};
use crate::naming::{camel, snake};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub fn emit(api: &Api) -> TokenStream {
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut variants = Vec::new();
    let mut has_arms = Vec::new();
    let mut apply_arms = Vec::new();
    for (key, scheme) in &api.security_schemes {
        let field = format_ident!("{}", snake(key));
        let variant = format_ident!("{}", camel(key));
        let (ty, apply) = credential(&scheme.kind);
        let docs = doc(Some(&format!("`{key}`: {}", describe(&scheme.kind))), scheme.description.as_deref());
        fields.push(quote! { #docs pub #field: Option<#ty>, });
        setters.push(quote! {
            #docs
            pub fn #field(mut self, value: impl Into<#ty>) -> Self {
                self.#field = Some(value.into());
                self
            }
        });
        setters.extend(client_credentials(api, key, &scheme.kind));
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

            async fn apply(&self, scheme: Scheme, #request: &mut reqwest::Request) -> Result<(), runtime::client::RequestError> {
                match scheme {
                    #(#apply_arms)*
                }
            }
        }
    }
}

/// For an OAuth 2.0 scheme with a client-credentials flow: a setter that
/// fetches its tokens from the flow's token URL, asking for the scopes the
/// API's operations require of it.
fn client_credentials(api: &Api, key: &str, kind: &SchemeKind) -> Option<TokenStream> {
    let token_url = client_credentials_url(kind)?;
    let scopes: BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|op| op.security.alternatives.iter().flatten())
        .filter(|u| u.scheme == key)
        .flat_map(|u| u.scopes.iter().map(String::as_str))
        .collect();
    let field = format_ident!("{}", snake(key));
    let setter = format_ident!("{}_client_credentials", snake(key));
    let docs = format!(
        " `{key}` by OAuth 2.0 client credentials: tokens from `{token_url}` (unless `client` names another URL), \
         asking for the scopes the operations require ({}), kept until shortly before they expire.",
        if scopes.is_empty() { "none".to_owned() } else { scopes.iter().copied().collect::<Vec<_>>().join(" ") }
    );
    let scopes = scopes.iter();
    Some(quote! {
        #[doc = #docs]
        pub fn #setter(mut self, client: runtime::oauth2::ClientCredentials) -> Self {
            self.#field = Some(runtime::auth::Token::provider(client.or_spec(#token_url, &[#(#scopes),*])));
            self
        }
    })
}

/// The token URL of `kind`'s client-credentials flow, if it has one.
pub fn client_credentials_url(kind: &SchemeKind) -> Option<&str> {
    match kind {
        SchemeKind::OAuth2 { flows } => flows.get("clientCredentials")?.token_url.as_deref(),
        _ => None,
    }
}

/// (credential type, how it is applied to `request` as an expression of
/// type `Result<(), RequestError>`).
fn credential(kind: &SchemeKind) -> (TokenStream, TokenStream) {
    let token = quote! { runtime::auth::Token };
    match kind {
        SchemeKind::ApiKey { location, name } => {
            let f = match location {
                KeyLocation::Header => quote! { header },
                KeyLocation::Query => quote! { query },
                KeyLocation::Cookie => quote! { cookie },
            };
            (token, quote! { runtime::auth::#f(request, #name, value).await })
        }
        SchemeKind::HttpBearer { .. } | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => {
            (token, quote! { runtime::auth::authorization(request, "Bearer", value).await })
        }
        SchemeKind::Http { scheme } => {
            let scheme = heck::ToUpperCamelCase::to_upper_camel_case(scheme.as_str());
            (token, quote! { runtime::auth::authorization(request, #scheme, value).await })
        }
        SchemeKind::HttpBasic => (quote! { runtime::basic::Basic }, quote! { runtime::basic::basic(request, value) }),
        SchemeKind::AwsSigV4 { service } => {
            (quote! { runtime::sigv4::AwsAuth }, quote! { runtime::sigv4::sign(request, value, #service).await })
        }
        SchemeKind::HuaweiSdkHmacSha256 { date_header, project_header } => {
            let project = match project_header {
                Some(h) => quote! { Some(#h) },
                None => quote! { None },
            };
            (quote! { runtime::huawei::AkSk }, quote! { runtime::huawei::sign(request, value, #date_header, #project) })
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
