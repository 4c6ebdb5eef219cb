//! The runtime shipped inside every generated crate: real, tested Rust
//! files under `generator/runtime/`, copied in as needed (like smithy-rs'
//! inlineables), so generated code depends on published crates only.

use super::Options;
use super::format::HEADER;
use crate::ir::{Ir, Protocol, SchemeKind};
use quote::quote;

/// What the APIs of an IR need from the runtime.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub aws_json: bool,
    pub sigv4: bool,
    pub huawei: bool,
    pub basic: bool,
}

impl Needs {
    pub fn of(ir: &Ir) -> Needs {
        let mut n = Needs::default();
        for api in &ir.apis {
            n.aws_json |= matches!(api.protocol, Protocol::AwsJson1_1 { .. });
            for s in api.security_schemes.values() {
                match s.kind {
                    SchemeKind::AwsSigV4 { .. } => n.sigv4 = true,
                    SchemeKind::HuaweiSdkHmacSha256 { .. } => n.huawei = true,
                    SchemeKind::HttpBasic => n.basic = true,
                    _ => {}
                }
            }
        }
        n
    }
}

/// Which feature a runtime module is compiled under.
#[derive(Clone, Copy)]
enum Gate {
    Always,
    Client,
    Server,
    Either,
}

/// `(file, text, wanted, gate)` for every runtime module.
fn modules(needs: Needs, options: Options) -> Vec<(&'static str, &'static str, bool, Gate)> {
    let (client, server) = (options.client, options.server);
    let signing = needs.huawei || (server && needs.sigv4);
    vec![
        ("nullable", include_str!("../../runtime/nullable.rs"), true, Gate::Always),
        ("newtype", include_str!("../../runtime/newtype.rs"), true, Gate::Always),
        ("client", include_str!("../../runtime/client.rs"), client, Gate::Client),
        ("retry", include_str!("../../runtime/retry.rs"), client, Gate::Client),
        ("auth", include_str!("../../runtime/auth.rs"), client, Gate::Client),
        ("basic", include_str!("../../runtime/basic.rs"), client && needs.basic, Gate::Client),
        ("aws_json", include_str!("../../runtime/aws_json.rs"), client && needs.aws_json, Gate::Client),
        ("sigv4", include_str!("../../runtime/sigv4.rs"), client && needs.sigv4, Gate::Client),
        ("huawei", include_str!("../../runtime/huawei.rs"), client && needs.huawei, Gate::Client),
        ("timestamp", include_str!("../../runtime/timestamp.rs"), (client || server) && signing, Gate::Either),
        (
            "huawei_signature",
            include_str!("../../runtime/huawei_signature.rs"),
            (client || server) && needs.huawei,
            Gate::Either,
        ),
        ("server", include_str!("../../runtime/server.rs"), server, Gate::Server),
        ("validate", include_str!("../../runtime/validate.rs"), server, Gate::Server),
        ("server_basic", include_str!("../../runtime/server_basic.rs"), server && needs.basic, Gate::Server),
        ("huawei_verify", include_str!("../../runtime/huawei_verify.rs"), server && needs.huawei, Gate::Server),
        ("sigv4_verify", include_str!("../../runtime/sigv4_verify.rs"), server && needs.sigv4, Gate::Server),
    ]
}

/// `src/runtime/mod.rs` and the runtime files the IR needs.
pub fn files(ir: &Ir, options: Options) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut decls = Vec::new();
    for (name, text, wanted, gate) in modules(Needs::of(ir), options) {
        if !wanted {
            continue;
        }
        let ident = quote::format_ident!("{name}");
        let cfg = match gate {
            Gate::Always => quote! {},
            Gate::Client => quote! { #[cfg(feature = "client")] },
            Gate::Server => quote! { #[cfg(feature = "server")] },
            Gate::Either => quote! { #[cfg(any(feature = "client", feature = "server"))] },
        };
        decls.push(quote! { #cfg pub mod #ident; });
        out.push((format!("src/runtime/{name}.rs"), format!("{HEADER}{text}")));
    }
    let module = quote! {
        //! Runtime support shared by the generated modules: HTTP transport,
        //! retries, authentication and signing, serde helpers, and request
        //! handling and validation for server stubs.
        #(#decls)*
    };
    out.push(("src/runtime/mod.rs".into(), super::format::file(module)));
    out
}
