//! The `server` module of one API (feature `server`): an `Api` trait with
//! one method per operation and per security scheme, typed inputs,
//! status-discriminated responses, and `router`, which turns an
//! implementation into an `axum::Router` that routes exactly as documented,
//! authenticates, validates, and answers rejections in the vendor's format.

mod auth;
mod format;
mod operation;
mod protocol;

use super::groups::{Groups, Split};
use super::layout::Layout;
use super::validate::Checks;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::quote;

/// The API a webhook receiver serves: the requests `api` sends (its
/// webhooks and callbacks) as plain HTTP operations, each at `/{name}`,
/// answered in `api`'s error format.
pub fn receiver_api(api: &Api) -> Api {
    Api { protocol: crate::ir::Protocol::Rest, operations: api.incoming.clone(), incoming: Vec::new(), ..api.clone() }
}

/// What a generated server is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The API itself (`server`).
    Stub,
    /// The requests the API sends ([`receiver_api`], `receiver`).
    Receiver,
}

pub fn emit(api: &Api, role: Role, layout: Layout, groups: Option<&Groups>, operation_done: &dyn Fn()) -> Split {
    let checks = Checks::new(api);
    let shadowed = protocol::shadowed(api, groups);
    let shared = super::headers::Shared::of(api, groups);
    let ops: Vec<(Option<String>, operation::Emitted)> = api
        .operations
        .iter()
        .map(|op| {
            let emitted = operation::emit(api, op, &checks, &shared, !shadowed.contains(&op.name));
            operation_done();
            (Groups::of_operation(groups, &op.name).map(str::to_owned), emitted)
        })
        .collect();
    // A group's trait methods stay in the trait, behind its feature.
    let trait_methods = ops.iter().map(|(g, o)| {
        let gate = g.as_deref().zip(groups).map(|(g, groups)| groups.gate(g));
        let method = &o.trait_method;
        quote! { #gate #method }
    });
    let pickers = protocol::pickers(api, groups);
    let headers = shared.structs().map(|(g, h)| (g, operation::written_headers(h, None)));
    let items = ops.iter().map(|(g, o)| (g.clone(), o.items.clone())).chain(headers);
    let (items, mut grouped) = Split::sort(items.chain(pickers));
    let routes = protocol::routes(api, groups);
    for (g, group_routes) in protocol::group_routes(api, groups) {
        grouped.entry(g).or_default().extend(group_routes);
    }
    let auth = auth::emit(api);
    let auth_methods = &auth.methods;
    let auth_items = &auth.items;
    let format = format::emit(&api.errors);
    // A fresh request id on every response, where the API has one (a
    // layer costs every request a boxed future, so only then).
    let stamp = api.errors.request_id_header.is_some().then(|| {
        quote! {
            .layer(axum::middleware::map_response(|response: Response| async move {
                runtime::server::stamp(&FORMAT, response)
            }))
        }
    });
    let dispatch = protocol::dispatch(api);
    let used = auth::used_schemes(api);
    let caller = (!used.is_empty()).then(|| {
        quote! {
            /// Who is calling, as the authentication methods name them; given
            /// to every operation that requires authentication.
            type Caller: Send + Sync + 'static;
        }
    });
    let signs = api.security_schemes.iter().filter(|(k, _)| used.contains(k.as_str())).any(|(_, s)| {
        matches!(s.kind, crate::ir::SchemeKind::AwsSigV4 { .. } | crate::ir::SchemeKind::HuaweiSdkHmacSha256 { .. })
    });
    let time = signs.then(|| quote! { use std::time::SystemTime; });
    let title = match role {
        Role::Receiver => format!(
            " Receiver for the webhooks and callbacks of {} {}: the requests the API sends to you, each routed at `/{{name}}` (nest the router where you subscribed).",
            api.title, api.version
        ),
        Role::Stub => format!(" Server stub for {} {}.", api.title, api.version),
    };
    let implements = match role {
        Role::Stub => "a server implements it",
        Role::Receiver => "a receiver of its webhooks and callbacks implements it",
    };
    let trait_doc = format!(
        " {}, as {implements}. Requests are routed, authenticated and validated before a method is called; a method can only answer what the spec documents.",
        api.title
    );
    let body = quote! {
        #dispatch
        #auth_items
        #items
    };
    // Only import the types module when something refers to it.
    let runtime = layout.runtime();
    let names_types = |t: &TokenStream| super::shape::names_module(t, "types");
    let types_use = (names_types(&body) || grouped.values().any(names_types)).then(|| quote! { use super::types; });
    let rest = quote! {
        #format

        #[doc = #trait_doc]
        pub trait Api: Send + Sync + 'static {
            #caller
            #auth_methods
            #(#trait_methods)*
        }

        /// An `axum::Router` serving `api`: the documented routes (trailing
        /// slashes as written), bodies up to `x-apigen-body-limit` (else
        /// `runtime::server::BODY_LIMIT`),
        /// and this API's error format for unknown routes, wrong methods,
        /// bad credentials and invalid requests.
        pub fn router<A: Api>(api: Arc<A>) -> axum::Router {
            #routes
                .fallback(|| async { FORMAT.reject(Rejection::NotFound) })
                .method_not_allowed_fallback(|| async { FORMAT.reject(Rejection::MethodNotAllowed) })
                .with_state(api)
                #stamp
        }

        #body
    };
    // The runtime's names this API's code uses, and no others.
    let mentions =
        |name: &str| super::shape::mentions(&rest, name) || grouped.values().any(|t| super::shape::mentions(t, name));
    let names = ["Incoming", "Items", "Location", "Outcome", "Parse", "PathParams", "Rejection"]
        .into_iter()
        .filter(|n| mentions(n));
    let names: Vec<proc_macro2::Ident> = names.map(|n| quote::format_ident!("{n}")).collect();
    let main = quote! {
        #![doc = #title]
        #![allow(clippy::large_enum_variant)]
        #types_use
        use #runtime;
        use runtime::server::{#(#names),*};
        use axum::extract::{Request, State};
        use axum::response::Response;
        use std::future::Future;
        use std::sync::Arc;
        #time
        #rest
    };
    Split::new(groups, main, grouped, "Server stub")
}
