//! Where generated code lives, which decides two things in every emitter:
//! how an API's modules reach the runtime, and whether the client and the
//! server sit behind cargo features.

use proc_macro2::TokenStream;
use quote::quote;

/// The shape of the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A crate of its own (`generated/`, `apigen generate`): `src/runtime/`
    /// beside one folder per API, the client behind feature `client` and
    /// the server behind feature `server`.
    Crate,
    /// One module of someone else's crate (a `build.rs` writing into
    /// `OUT_DIR`): the runtime and the API's `types`/`client`/`server`
    /// side by side, no features (the build script chose what to emit).
    Module,
}

/// The part of the output an item belongs to.
#[derive(Clone, Copy, Debug)]
pub enum Part {
    Client,
    Server,
    /// Needed by the client and by the server.
    Either,
    /// The conformance driver (feature `conformance`, which turns on the
    /// client).
    Conformance,
}

impl Layout {
    /// The `use` path from an API's `types`, `client` or `server` module to
    /// the runtime: relative in the module layout, so that its file can be
    /// `include!`d at any depth of the user's crate.
    pub fn runtime(self) -> TokenStream {
        match self {
            Layout::Crate => quote! { crate::runtime },
            Layout::Module => quote! { super::runtime },
        }
    }

    /// The `#[cfg]` that gates an item of `part`, if this layout has
    /// features.
    pub fn gate(self, part: Part) -> TokenStream {
        match (self, part) {
            (Layout::Module, _) => quote! {},
            (Layout::Crate, Part::Client) => quote! { #[cfg(feature = "client")] },
            (Layout::Crate, Part::Server) => quote! { #[cfg(feature = "server")] },
            (Layout::Crate, Part::Either) => quote! { #[cfg(any(feature = "client", feature = "server"))] },
            (Layout::Crate, Part::Conformance) => quote! { #[cfg(feature = "conformance")] },
        }
    }
}
