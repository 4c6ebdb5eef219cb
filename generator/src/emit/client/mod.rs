//! The `client` module of one API: `Client`, its `Credentials`, and one
//! async method per operation.

pub(super) mod auth;
mod builder;
pub(super) mod conformance;
mod operation;
mod paginate;
mod protocol;
mod responses;
mod shared_error;

use super::groups::{Groups, Split};
use super::layout::Layout;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::quote;
use shared_error::SharedErrors;
use std::collections::{BTreeMap, BTreeSet};

/// Which of the client module's files a call emits: the tag groups of a
/// large API are split between two threads (`share`), the module itself
/// going with the second part.
#[derive(Clone, Copy)]
pub enum Part<'a> {
    /// The module and the group files not in the set.
    Without(&'a BTreeSet<String>),
    /// Only the group files in the set (`Split::main` empty).
    Only(&'a BTreeSet<String>),
}

impl Part<'_> {
    fn emits(self, group: Option<&str>) -> bool {
        match (self, group) {
            (Part::Without(_), None) => true,
            (Part::Without(set), Some(g)) => !set.contains(g),
            (Part::Only(set), Some(g)) => set.contains(g),
            (Part::Only(_), None) => false,
        }
    }
}

/// The tag groups whose client files are emitted beside the types (which
/// take about half as long as the client): the first groups by name that
/// hold two fifths of the operations (a third left GitHub's client thread
/// 90 ms behind the types'). Deterministic, so the output does not depend
/// on how many threads print it.
pub fn share(api: &Api, groups: Option<&Groups>) -> BTreeSet<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for op in &api.operations {
        if let Some(g) = Groups::of_operation(groups, &op.name) {
            *counts.entry(g).or_default() += 1;
        }
    }
    let (mut taken, mut out) = (0, BTreeSet::new());
    for (g, n) in counts {
        if taken * 5 >= api.operations.len() * 2 {
            break;
        }
        taken += n;
        out.insert(g.to_owned());
    }
    out
}

pub fn emit(api: &Api, layout: Layout, groups: Option<&Groups>, operation_done: &dyn Fn(), part: Part<'_>) -> Split {
    let shared_headers = super::headers::Shared::of(api, groups);
    let shared = SharedErrors::of(api, &shared_headers);
    let ops: Vec<(Option<String>, operation::Emitted)> = api
        .operations
        .iter()
        .map(|op| (op, Groups::of_operation(groups, &op.name)))
        .filter(|(_, g)| part.emits(*g))
        .map(|(op, g)| {
            let emitted = operation::emit(api, op, &shared, &shared_headers);
            operation_done();
            (g.map(str::to_owned), emitted)
        })
        .collect();
    let (methods, grouped_methods) = Split::sort(ops.iter().map(|(g, o)| (g.clone(), o.method.clone())));
    let headers = shared_headers.structs().map(|(g, h)| (g, operation::decoded_headers(h)));
    let shared = shared.emit(groups).into_iter().chain(headers).filter(|(g, _)| part.emits(g.as_deref()));
    let (enums, grouped_enums) = Split::sort(shared.chain(ops.iter().map(|(g, o)| (g.clone(), o.enums.clone()))));
    // A group's methods are an `impl Client` block of its own file.
    let mut grouped: BTreeMap<String, TokenStream> = grouped_methods
        .into_iter()
        .map(|(g, methods)| {
            let enums = grouped_enums.get(&g).cloned().unwrap_or_default();
            (g, quote! { impl Client { #methods } #enums })
        })
        .collect();
    let elsewhere = match part {
        Part::Only(_) => {
            return Split { main: TokenStream::new(), ..Split::new(groups, quote! {}, grouped, "Client methods") };
        }
        Part::Without(set) => set.clone(),
    };
    let credentials = auth::emit(api);
    let (error_code, transient) = protocol::responses(&api.protocol);
    let call = (!api.operations.is_empty()).then(|| {
        quote! {
            /// A call to `path` in this API's protocol; what an operation does
            /// not set is empty (query, headers, body, security).
            fn call(
                operation: &'static str,
                method: Method,
                idempotent: bool,
                path: String,
            ) -> runtime::client::Call<'static, Scheme> {
                runtime::client::Call {
                    operation,
                    method,
                    template: template(operation),
                    path,
                    query: Vec::new(),
                    headers: Vec::new(),
                    body: None,
                    idempotent,
                    security: &[],
                    error_code: #error_code,
                    transient: #transient,
                }
            }
        }
    });
    // Looked up here rather than passed by each operation: a fifth
    // argument makes rustfmt wrap most `call(…)`s over six lines.
    let templates = (!api.operations.is_empty()).then(|| {
        let arms = api.operations.iter().map(|op| {
            let (name, path) = (&op.name, &op.path);
            quote! { #name => #path, }
        });
        quote! {
            /// Each operation's documented path template, as traces show it.
            fn template(operation: &str) -> &'static str {
                match operation {
                    #(#arms)*
                    _ => "",
                }
            }
        }
    });
    let execute = (!api.operations.is_empty()).then(|| {
        quote! {
            /// Sends the call an operation built with these credentials,
            /// retrying as configured, and decodes the response.
            fn send<T, E, D>(
                &self,
                call: Result<runtime::client::Call<'static, Scheme>, Error<E>>,
                decode: D,
            ) -> impl Future<Output = Result<T, Error<E>>>
            where
                D: FnOnce(runtime::client::RawResponse) -> Result<T, Error<E>>,
            {
                self.transport.run(&self.credentials, call, decode)
            }
        }
    });
    // Only APIs with a binary download have `send_streaming`.
    let execute_streaming = api.operations.iter().any(operation::downloads).then(|| {
        quote! {
            /// As `execute`, a success's body left unread, as a stream.
            async fn execute_streaming(
                &self,
                call: runtime::client::Call<'_, Scheme>,
            ) -> Result<runtime::client::Received, runtime::client::Failure> {
                self.transport.execute_streaming(&self.credentials, call).await
            }
        }
    });
    let server = server(api);
    let title = format!(" Async client for {} {}.", api.title, api.version);
    let client_doc = format!(" A client for {}: one async method per operation.", api.title);
    let body = quote! {
        #server

        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        pub struct Client {
            transport: runtime::client::Transport,
            credentials: Credentials,
        }

        impl Client {
            /// A client for the documented server, with default settings.
            pub fn new(credentials: Credentials) -> Result<Self, runtime::client::BuildError> {
                Self::with_config(credentials, runtime::client::ClientConfig::default())
            }

            /// A client with its own base URL, timeouts, user agent or retry policy.
            pub fn with_config(
                credentials: Credentials,
                config: runtime::client::ClientConfig,
            ) -> Result<Self, runtime::client::BuildError> {
                Ok(Client { transport: config.build(&SERVER)?, credentials })
            }

            /// Where requests go.
            pub fn base_url(&self) -> &str {
                self.transport.base_url()
            }

            /// This client with a deadline for each call, covering every
            /// attempt and every wait between them (`client.with_deadline(d).op(…).send()`
            /// for one call); clones share the connection pool and the retry budget.
            pub fn with_deadline(&self, deadline: std::time::Duration) -> Self {
                Client { transport: self.transport.with_deadline(deadline), credentials: self.credentials.clone() }
            }

            #execute
            #execute_streaming

            #methods
        }

        #call
        #templates
        #credentials
        #enums
    };
    // Only import the types module when something refers to it.
    let runtime = layout.runtime();
    // With tag groups (some of them printed elsewhere) the module imports
    // all of these for its groups' files (`use super::*`); unused imports
    // are allowed there.
    let uses_types = groups.is_some() || super::shape::names_module(&body, "types");
    let uses_types = uses_types || grouped.values().any(|t| super::shape::names_module(t, "types"));
    let types_use = uses_types.then(|| quote! { use super::types; });
    // The runtime's result types, by their short names where used.
    let used = |name: &str| {
        groups.is_some()
            || super::shape::mentions_unqualified(&body, name)
            || grouped.values().any(|t| super::shape::mentions_unqualified(t, name))
    };
    let method_use = used("Method").then(|| quote! { use reqwest::Method; });
    let results = [
        "Body",
        "FORM_URLENCODED",
        "Prepared",
        "RawResponse",
        "Sent",
        "SentWithResponse",
        "Success",
        "WithHeaders",
        "json",
        "param",
        "push",
        "segment",
    ]
    .into_iter()
    .filter(|n| used(n))
    .map(|n| quote::format_ident!("{n}"));
    // `Error<E>` keeps an undocumented response whole (status, headers,
    // body) by value, for callers to match on; the plain functions that
    // build calls and decode responses return it as the async ones did.
    let main = quote! {
        #![doc = #title]
        #![allow(clippy::result_large_err)]
        #types_use
        use #runtime;
        use runtime::client::{Error #(, #results)*};
        #method_use
        #body
    };
    // The module declares the groups printed elsewhere too.
    grouped.extend(elsewhere.iter().map(|g| (g.clone(), TokenStream::new())));
    let mut split = Split::new(groups, main, grouped, "Client methods");
    split.groups.retain(|g, _| !elsewhere.contains(g));
    split
}

/// `SERVER`: the first documented server, its variables and defaults.
fn server(api: &Api) -> TokenStream {
    let (url, vars) = match api.servers.first() {
        Some(s) => (s.url.clone(), s.variables.iter().collect::<Vec<_>>()),
        None => (String::new(), Vec::new()),
    };
    let vars = vars.iter().map(|(name, v)| {
        let default = &v.default;
        let allowed = &v.allowed;
        quote! { (#name, #default, &[#(#allowed),*]) }
    });
    let doc = match api.servers.first().and_then(|s| s.description.as_deref()) {
        Some(d) => format!(" The documented server: {d}"),
        None => " The documented server.".to_owned(),
    };
    quote! {
        #[doc = #doc]
        pub const SERVER: runtime::client::Server = runtime::client::Server {
            url: #url,
            variables: &[#(#vars),*],
        };
    }
}
