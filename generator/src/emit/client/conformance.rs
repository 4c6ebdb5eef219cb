//! The conformance driver of one API (`conformance.rs`, behind the cargo
//! feature `conformance`): `call` sends any operation, named by its
//! documented `METHOD /path`, with arguments given as JSON, through the
//! client's own builder, and `client` builds a client holding a dummy
//! credential for every security scheme. tests/conformance/ feeds it values
//! generated from the spec and validates what arrives with a validator that
//! reads the spec itself, so the encoders are checked by something that
//! does not share their assumptions.
//!
//! The arguments are deserialized into the builder's own types, so the
//! driver needs `Deserialize` on the types a request carries.

use super::operation::{Input, inputs};
use crate::emit::groups::Groups;
use crate::emit::shape::method_str;
use crate::ir::{Api, SchemeKind};
use crate::naming::snake;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The operation's key as the driver matches it: `GET /pets/{id}`.
pub fn key(op: &crate::ir::Operation) -> String {
    format!("{} {}", method_str(op.method), op.path)
}

pub fn emit(api: &Api, groups: Option<&Groups>) -> TokenStream {
    let mut seen = BTreeSet::new();
    // Operations sharing a method and path (awsJson's targets) cannot be
    // told apart by a request, nor by the validator: the first one is driven.
    let arms = api.operations.iter().filter(|op| seen.insert(key(op))).map(|op| {
        let key = key(op);
        let method = format_ident!("{}", op.name);
        let inputs = inputs(api, op);
        let required = inputs.iter().filter(|i| i.slot.required).map(required);
        let optional = inputs.iter().filter(|i| !i.slot.required).map(optional);
        let gate = Groups::of_operation(groups, &op.name).and_then(|g| groups.map(|gs| gs.gate(g)));
        quote! {
            #gate
            #key => Box::pin(async move {
                let request = client.#method(#(#required),*);
                #(#optional)*
                runtime::conformance::sent(request.send().await)
            }),
        }
    });
    // An API whose operations take nothing reads no argument.
    let reads = api.operations.iter().any(|op| !inputs(api, op).is_empty());
    let args = if reads { format_ident!("args") } else { format_ident!("_args") };
    let credentials = api.security_schemes.iter().map(|(name, scheme)| {
        let field = format_ident!("{}", snake(name));
        let value = dummy_credential(&scheme.kind);
        quote! { .#field(#value) }
    });
    let body = quote! {
        /// A client for `config` (`runtime::conformance::config`) holding a
        /// dummy credential for every security scheme.
        pub fn client(config: runtime::client::ClientConfig) -> Result<Client, String> {
            Client::with_config(Credentials::new() #(#credentials)*, config).map_err(|e| e.to_string())
        }

        /// Sends `operation` (`METHOD /path` as documented) with `args`
        /// (`{"path": {…}, "query": {…}, "header": {…}, "cookie": {…},
        /// "body": …}`); `Ok` once the request went out, whatever came back.
        #[allow(deprecated)]
        pub async fn call(client: &Client, operation: &str, args: &serde_json::Value) -> Result<(), String> {
            let #args = runtime::conformance::Args::new(operation, args);
            // A future of its own per operation, awaited once: one `async fn`
            // awaiting in each of GitHub's 1,223 arms made rustc run out of
            // 24 GB building it.
            let sent: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + '_>> = match operation {
                #(#arms)*
                _ => return Err(format!("no operation `{operation}` in this API")),
            };
            sent.await
        }
    };
    let types_use = crate::emit::shape::names_module(&body, "types").then(|| quote! { use super::types; });
    let title = format!(" Conformance driver of the client for {} {} (feature `conformance`).", api.title, api.version);
    quote! {
        #![doc = #title]
        #types_use
        use super::client::{Client, Credentials};
        use crate::runtime;
        #body
    }
}

/// The builder argument of a required value.
fn required(input: &Input) -> TokenStream {
    let (location, name, owned) = (input.location, &input.name, &input.slot.owned);
    match input.slot.raw {
        true => quote! { args.required_bytes()? },
        false => quote! { args.required::<#owned>(#location, #name)? },
    }
}

/// Sets an optional value when the case has one.
fn optional(input: &Input) -> TokenStream {
    let (location, name, owned, setter) = (input.location, &input.name, &input.slot.owned, &input.slot.field);
    let read = match input.slot.raw {
        true => quote! { args.bytes() },
        false => quote! { args.optional::<#owned>(#location, #name)? },
    };
    quote! {
        let request = match #read {
            Some(value) => request.#setter(value),
            None => request,
        };
    }
}

/// A credential of the scheme's type that any recorder accepts.
fn dummy_credential(kind: &SchemeKind) -> TokenStream {
    match kind {
        SchemeKind::HttpBasic => quote! {
            runtime::basic::Basic { username: "conformance".into(), password: "conformance-password".into() }
        },
        SchemeKind::AwsSigV4 { .. } => quote! {
            runtime::sigv4::AwsCredentials::new("AKIDCONFORMANCE", "conformance-secret", "us-east-1")
        },
        SchemeKind::HuaweiSdkHmacSha256 { .. } => quote! {
            runtime::huawei::AkSk::new("conformance-ak", "conformance-sk")
        },
        _ => quote! { "conformance-token" },
    }
}
