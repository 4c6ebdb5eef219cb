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

/// `(file, text, wanted, feature)` for every runtime module.
fn modules(needs: Needs, options: Options) -> Vec<(&'static str, &'static str, bool, Option<&'static str>)> {
    let client = options.client;
    vec![
        ("nullable", include_str!("../../runtime/nullable.rs"), true, None),
        ("newtype", include_str!("../../runtime/newtype.rs"), true, None),
        ("client", include_str!("../../runtime/client.rs"), client, Some("client")),
        ("retry", include_str!("../../runtime/retry.rs"), client, Some("client")),
        ("auth", include_str!("../../runtime/auth.rs"), client, Some("client")),
        ("basic", include_str!("../../runtime/basic.rs"), client && needs.basic, Some("client")),
        ("aws_json", include_str!("../../runtime/aws_json.rs"), client && needs.aws_json, Some("client")),
        ("sigv4", include_str!("../../runtime/sigv4.rs"), client && needs.sigv4, Some("client")),
        ("huawei", include_str!("../../runtime/huawei.rs"), client && needs.huawei, Some("client")),
    ]
}

/// `src/runtime/mod.rs` and the runtime files the IR needs.
pub fn files(ir: &Ir, options: Options) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut decls = Vec::new();
    for (name, text, wanted, feature) in modules(Needs::of(ir), options) {
        if !wanted {
            continue;
        }
        let ident = quote::format_ident!("{name}");
        let cfg = feature.map(|f| quote! { #[cfg(feature = #f)] });
        decls.push(quote! { #cfg pub mod #ident; });
        out.push((format!("src/runtime/{name}.rs"), format!("{HEADER}{text}")));
    }
    let module = quote! {
        //! Runtime support shared by the generated modules: HTTP transport,
        //! retries, authentication and signing, serde helpers.
        #(#decls)*
    };
    out.push(("src/runtime/mod.rs".into(), super::format::file(module)));
    out
}
