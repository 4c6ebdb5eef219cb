//! Security schemes → the `Api` trait's authentication methods and the
//! `credential` function that checks one scheme on a request: tokens are
//! looked up by the implementation, signatures verified by the stub with
//! the secret the implementation looks up.

use crate::emit::docs::{describe_scheme, doc};
use crate::ir::{Api, KeyLocation, SchemeKind, Security};
use crate::naming::{camel, snake};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

pub struct Emitted {
    /// Trait methods.
    pub methods: TokenStream,
    /// The `Scheme` enum and `credential`/`authenticate` functions.
    pub items: TokenStream,
}

/// The schemes some operation requires: a scheme the spec defines but no
/// operation uses gets no variant and no trait method (it could never be
/// checked, and an unused variant is a warning).
pub fn used_schemes(api: &Api) -> BTreeSet<&str> {
    let alternatives = api.operations.iter().flat_map(|op| &op.security.alternatives);
    alternatives.flatten().map(|u| u.scheme.as_str()).filter(|s| api.security_schemes.contains_key(*s)).collect()
}

pub fn emit(api: &Api) -> Emitted {
    let mut methods = Vec::new();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut places = BTreeSet::new();
    let used = used_schemes(api);
    for (key, scheme) in api.security_schemes.iter().filter(|(k, _)| used.contains(k.as_str())) {
        let variant = format_ident!("{}", camel(key));
        let s = snake(key);
        let docs = doc(Some(&format!("`{key}`: {}", describe_scheme(&scheme.kind))), scheme.description.as_deref());
        let (method, arm) = match &scheme.kind {
            SchemeKind::AwsSigV4 { service } => {
                let m = format_ident!("{s}_secret");
                (
                    quote! {
                        #docs
                        ///
                        /// Returns the secret access key of `access_key_id` and the
                        /// caller it stands for; `None` if the key is unknown. The stub
                        /// verifies the signature (and its date) itself.
                        fn #m(&self, access_key_id: &str) -> impl Future<Output = Option<(String, Self::Caller)>> + Send;
                    },
                    quote! {
                        match runtime::sigv4_verify::claim(cx) {
                            None => Outcome::Absent,
                            Some(Err(r)) => Outcome::Rejected(r),
                            Some(Ok(claim)) => match api.#m(&claim.access_key_id).await {
                                None => Outcome::Rejected(Rejection::InvalidCredentials),
                                Some((secret, caller)) => {
                                    match runtime::sigv4_verify::verify(cx, &claim, &secret, #service, SystemTime::now()) {
                                        Ok(()) => Outcome::Caller(caller),
                                        Err(r) => Outcome::Rejected(r),
                                    }
                                }
                            },
                        }
                    },
                )
            }
            SchemeKind::HuaweiSdkHmacSha256 { date_header, .. } => {
                let m = format_ident!("{s}_secret");
                (
                    quote! {
                        #docs
                        ///
                        /// Returns the secret key of `access_key` and the caller it
                        /// stands for; `None` if the key is unknown. The stub verifies
                        /// the signature (and its date) itself.
                        fn #m(&self, access_key: &str) -> impl Future<Output = Option<(String, Self::Caller)>> + Send;
                    },
                    quote! {
                        match runtime::huawei_verify::claim(cx) {
                            None => Outcome::Absent,
                            Some(Err(r)) => Outcome::Rejected(r),
                            Some(Ok(claim)) => match api.#m(&claim.access_key).await {
                                None => Outcome::Rejected(Rejection::InvalidCredentials),
                                Some((secret, caller)) => {
                                    match runtime::huawei_verify::verify(cx, &claim, &secret, #date_header, SystemTime::now()) {
                                        Ok(()) => Outcome::Caller(caller),
                                        Err(r) => Outcome::Rejected(r),
                                    }
                                }
                            },
                        }
                    },
                )
            }
            SchemeKind::HttpBasic => {
                let m = format_ident!("authenticate_{s}");
                (
                    quote! {
                        #docs
                        ///
                        /// Returns the caller, or `None` if the user or password is wrong.
                        /// Compare the password with `runtime::server::constant_time_eq`.
                        fn #m(&self, user: &str, password: &str) -> impl Future<Output = Option<Self::Caller>> + Send;
                    },
                    quote! {
                        match runtime::server_basic::credentials(cx) {
                            None => Outcome::Absent,
                            Some((user, password)) => Outcome::known(api.#m(&user, &password).await),
                        }
                    },
                )
            }
            kind => {
                let m = format_ident!("authenticate_{s}");
                let find = match kind {
                    SchemeKind::ApiKey { location: KeyLocation::Header, name } => quote! { cx.header(#name) },
                    SchemeKind::ApiKey { location: KeyLocation::Query, name } => quote! { cx.query_value(#name) },
                    SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => quote! { cx.cookie(#name) },
                    SchemeKind::Http { scheme } => quote! { cx.authorization(#scheme) },
                    _ => quote! { cx.authorization("Bearer") },
                };
                (
                    quote! {
                        #docs
                        ///
                        /// Returns the caller the credential belongs to, or `None` if it
                        /// is not valid. Compare it with known secrets through
                        /// `runtime::server::constant_time_eq`, so that response times do
                        /// not tell how much of a guess was right.
                        fn #m(&self, token: &str) -> impl Future<Output = Option<Self::Caller>> + Send;
                    },
                    quote! {
                        match #find {
                            None => Outcome::Absent,
                            Some(token) => Outcome::known(api.#m(token).await),
                        }
                    },
                )
            }
        };
        places.insert(credential_place(&scheme.kind));
        methods.push(method);
        variants.push(quote! { #variant, });
        arms.push(quote! { Scheme::#variant => #arm, });
    }
    if variants.is_empty() {
        return Emitted { methods: quote! {}, items: quote! {} };
    }
    let places = places.iter().map(|(location, name)| quote! { (#location, #name) });
    let items = quote! {
        /// Where this API's schemes read credentials (location, name): each
        /// may be given once.
        const CREDENTIALS: &[(&str, &str)] = &[#(#places),*];

        /// A security scheme of this API, as named in the spec.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        enum Scheme {
            #(#variants)*
        }

        /// The caller of the first satisfied alternative (`None`: anonymous).
        async fn authenticate<A: Api>(
            api: &A,
            cx: &Incoming,
            alternatives: &[&[Scheme]],
        ) -> Result<Option<A::Caller>, Rejection> {
            cx.unambiguous(CREDENTIALS)?;
            runtime::server::authenticate(alternatives, |scheme| credential(api, cx, scheme)).await
        }

        /// Checks one scheme's credential on the request.
        async fn credential<A: Api>(api: &A, cx: &Incoming, scheme: Scheme) -> Outcome<A::Caller> {
            match scheme {
                #(#arms)*
            }
        }
    };
    Emitted { methods: quote! { #(#methods)* }, items }
}

/// Where a scheme reads its credential: `(location, name)`, a header's
/// name lower-cased so that one header is listed once.
fn credential_place(kind: &SchemeKind) -> (&'static str, String) {
    match kind {
        SchemeKind::ApiKey { location: KeyLocation::Header, name } => ("header", name.to_ascii_lowercase()),
        SchemeKind::ApiKey { location: KeyLocation::Query, name } => ("query", name.clone()),
        SchemeKind::ApiKey { location: KeyLocation::Cookie, name } => ("cookie", name.clone()),
        SchemeKind::HttpBearer { .. }
        | SchemeKind::HttpBasic
        | SchemeKind::Http { .. }
        | SchemeKind::AwsSigV4 { .. }
        | SchemeKind::HuaweiSdkHmacSha256 { .. }
        | SchemeKind::OAuth2 { .. }
        | SchemeKind::OpenIdConnect { .. } => ("header", "authorization".to_owned()),
    }
}

/// `&[&[Scheme::A], &[Scheme::B, Scheme::C]]`.
pub fn alternatives(security: &Security) -> TokenStream {
    let alts = security.alternatives.iter().map(|alt| {
        let schemes = alt.iter().map(|u| format_ident!("{}", camel(&u.scheme)));
        quote! { &[#(Scheme::#schemes),*] }
    });
    quote! { &[#(#alts),*] }
}
