//! The `client` module of one API: `Client`, its `Credentials`, and one
//! async method per operation.

mod auth;
mod operation;
mod protocol;

use super::layout::Layout;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api, layout: Layout, operation_done: &dyn Fn()) -> TokenStream {
    let ops: Vec<operation::Emitted> = api
        .operations
        .iter()
        .map(|op| {
            let emitted = operation::emit(api, op);
            operation_done();
            emitted
        })
        .collect();
    let methods = ops.iter().map(|o| &o.method);
    let enums = ops.iter().map(|o| &o.enums);
    let credentials = auth::emit(api);
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

            #(#methods)*
        }

        #credentials
        #(#enums)*
    };
    // Only import the types module when something refers to it.
    let runtime = layout.runtime();
    let uses_types = super::shape::names_module(&body, "types");
    let types_use = uses_types.then(|| quote! { use super::types; });
    quote! {
        #![doc = #title]
        #types_use
        use #runtime;
        use runtime::client::Error;
        #body
    }
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
