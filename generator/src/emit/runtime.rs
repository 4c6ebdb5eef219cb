//! The runtime shipped inside every generated crate: real, tested Rust
//! files under `generator/runtime/`, copied in as needed (like smithy-rs'
//! inlineables), so generated code depends on published crates only.

use super::Options;
use super::format::HEADER;
use super::layout::{Layout, Part};
use super::shape::{FormBody, form_body, preferred};
use crate::ir::{Api, Ir, Operation, Protocol, SchemeKind, TypeKind, TypeRef};
use quote::quote;

/// What the APIs of an IR need from the runtime.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Needs {
    pub aws_json: bool,
    pub sigv4: bool,
    pub huawei: bool,
    pub basic: bool,
    /// An OAuth 2.0 scheme with a client-credentials token URL
    /// (`runtime::oauth2`).
    pub oauth2: bool,
    /// A constrained-string newtype (its conversions come from a macro).
    pub newtype: bool,
    /// A string enum (`runtime::enums::string_enum!`).
    pub string_enum: bool,
    /// A constrained-string newtype with a pattern (its checking
    /// constructor matches it with `regress`, as the server stub does).
    pub pattern: bool,
    /// A `format: binary` value anywhere (`runtime::binary::Binary`).
    pub binary: bool,
    /// A paginated operation (`runtime::paginate`).
    pub paginate: bool,
    /// A typed `multipart/form-data` request body (`runtime::multipart`).
    pub multipart: bool,
    /// A `format: date-time` or `date` value (`chrono`).
    pub chrono: bool,
    /// A `format: uuid` value (`uuid`).
    pub uuid: bool,
}

impl Needs {
    pub fn of(ir: &Ir) -> Needs {
        let mut n = Needs::default();
        (n.chrono, n.uuid) = super::formats::crates(ir);
        for api in &ir.apis {
            n.aws_json |= matches!(api.protocol, Protocol::AwsJson1_1 { .. });
            let newtypes = api.types.values().filter_map(|t| match &t.kind {
                TypeKind::Alias { ty: TypeRef::String { constraints, .. } } if !constraints.is_empty() => {
                    Some(constraints)
                }
                _ => None,
            });
            n.string_enum |= api.types.values().any(|t| super::types::is_string_enum(&t.kind));
            for c in newtypes {
                n.newtype = true;
                n.pattern |= c.pattern.is_some();
            }
            n.binary |= mentions_binary(api);
            n.paginate |= api.operations.iter().any(|o| o.pagination.is_some());
            n.multipart |= api.operations.iter().any(|o| sends_multipart(api, o));
            for s in api.security_schemes.values() {
                match s.kind {
                    SchemeKind::AwsSigV4 { .. } => n.sigv4 = true,
                    SchemeKind::HuaweiSdkHmacSha256 { .. } => n.huawei = true,
                    SchemeKind::HttpBasic => n.basic = true,
                    _ => {}
                }
                n.oauth2 |= super::client::auth::client_credentials_url(&s.kind).is_some();
            }
        }
        n
    }
}

/// Whether `op`'s client sends a typed multipart body.
fn sends_multipart(api: &Api, op: &Operation) -> bool {
    let content = op.body.as_ref().and_then(|b| preferred(&b.contents));
    content.is_some_and(|c| matches!(form_body(api, c), Some(FormBody::Multipart(..))))
}

/// Whether `format: binary` appears anywhere a Rust type is made of it
/// (over-approximated: a raw-bytes body counts too).
fn mentions_binary(api: &Api) -> bool {
    fn has(t: &TypeRef) -> bool {
        match t {
            TypeRef::Binary => true,
            TypeRef::Array { items, .. } => has(items),
            TypeRef::Map { values } => has(values),
            TypeRef::Nullable { inner } => has(inner),
            _ => false,
        }
    }
    let in_types = api.types.values().any(|t| match &t.kind {
        TypeKind::Struct { fields, additional } => {
            fields.iter().any(|f| has(&f.ty)) || additional.as_ref().is_some_and(|a| has(&a.ty))
        }
        TypeKind::OneOf { variants, .. } | TypeKind::AnyOf { variants } => variants.iter().any(|v| has(&v.ty)),
        TypeKind::AllOf { parts } => parts.iter().any(has),
        TypeKind::Alias { ty } => has(ty),
        TypeKind::Enum { .. } => false,
    });
    in_types
        || api.operations.iter().chain(&api.incoming).any(|op| {
            op.parameters.iter().any(|p| has(&p.ty))
                || op.body.iter().flat_map(|b| &b.contents).any(|c| c.ty.as_ref().is_some_and(has))
                || op.responses.iter().any(|r| {
                    r.contents.iter().any(|c| c.ty.as_ref().is_some_and(has)) || r.headers.iter().any(|h| has(&h.ty))
                })
        })
}

/// One file of `generator/runtime/`.
struct Module {
    name: &'static str,
    text: &'static str,
    /// Whether the APIs at hand use it.
    wanted: bool,
    /// The part it serves; `None`: every part.
    part: Option<Part>,
    /// The crates it names (checked by a test against its text).
    crates: &'static [&'static str],
}

/// What signing and verifying SigV4 both name.
const SIGV4: &[&str] = &["aws-credential-types", "aws-sigv4", "aws-smithy-runtime-api"];
const SIGV4_CLIENT: &[&str] = &["aws-credential-types", "aws-sigv4", "aws-smithy-runtime-api", "reqwest"];

fn modules(needs: Needs, options: Options) -> Vec<Module> {
    let (client, server) = (options.client, options.server);
    let signing = needs.huawei || (server && needs.sigv4);
    let m = |name, text, wanted, part, crates| Module { name, text, wanted, part, crates };
    let (c, s, e) = (Some(Part::Client), Some(Part::Server), Some(Part::Either));
    vec![
        m("nullable", include_str!("../../runtime/nullable.rs"), true, None, &["serde"]),
        // The serde impls of structs (`runtime::object!`).
        m("object", include_str!("../../runtime/object.rs"), true, None, &["serde", "serde_json"]),
        m("newtype", include_str!("../../runtime/newtype.rs"), needs.newtype, None, &[]),
        // Its serde impls expand in `types`, which depends on serde anyway.
        m("enums", include_str!("../../runtime/enums.rs"), needs.string_enum, None, &[]),
        // Newtypes' constructors check patterns in every build; otherwise
        // only the server does.
        m(
            "pattern",
            include_str!("../../runtime/pattern.rs"),
            needs.pattern || server,
            if needs.pattern { None } else { s },
            &["regress"],
        ),
        m("formats", include_str!("../../runtime/formats.rs"), needs.chrono, None, &["chrono"]),
        m("binary", include_str!("../../runtime/binary.rs"), needs.binary, None, &["bytes", "serde", "serde_json"]),
        // Clients take and give bodies as streams; stubs do for
        // `x-apigen-stream` operations.
        m(
            "stream",
            include_str!("../../runtime/stream.rs"),
            client || server,
            // Gated by the features the crate has (a client-only crate has
            // no `server` feature to name).
            match (client, server) {
                (true, true) => e,
                (true, false) => c,
                _ => s,
            },
            &["bytes", "futures-util", "http-body", "tokio"],
        ),
        m(
            "client",
            include_str!("../../runtime/client.rs"),
            client,
            c,
            &[
                "bytes",
                "futures-util",
                "percent-encoding",
                "reqwest",
                "rustls",
                "serde",
                "serde_json",
                "tokio",
                "tracing",
            ],
        ),
        m(
            "multipart",
            include_str!("../../runtime/multipart.rs"),
            client && needs.multipart,
            c,
            &["fastrand", "serde", "serde_json"],
        ),
        m("retry", include_str!("../../runtime/retry.rs"), client, c, &["fastrand", "reqwest"]),
        m(
            "paginate",
            include_str!("../../runtime/paginate.rs"),
            client && needs.paginate,
            c,
            &["futures-util", "reqwest"],
        ),
        m("auth", include_str!("../../runtime/auth.rs"), client, c, &["reqwest", "tokio"]),
        m(
            "conformance",
            include_str!("../../runtime/conformance.rs"),
            client && options.conformance,
            Some(Part::Conformance),
            &["reqwest", "serde", "serde_json", "serde_path_to_error"],
        ),
        m(
            "oauth2",
            include_str!("../../runtime/oauth2.rs"),
            client && needs.oauth2,
            c,
            &["form_urlencoded", "reqwest", "rustls", "serde_json"],
        ),
        m("basic", include_str!("../../runtime/basic.rs"), client && needs.basic, c, &["base64", "reqwest"]),
        m("aws_json", include_str!("../../runtime/aws_json.rs"), client && needs.aws_json, c, &["serde", "serde_json"]),
        m("sigv4", include_str!("../../runtime/sigv4.rs"), client && needs.sigv4, c, SIGV4_CLIENT),
        m("huawei", include_str!("../../runtime/huawei.rs"), client && needs.huawei, c, &["reqwest"]),
        // Clients read `Retry-After` dates with it.
        m(
            "timestamp",
            include_str!("../../runtime/timestamp.rs"),
            client || (server && signing),
            if signing { e } else { c },
            &[],
        ),
        m(
            "huawei_signature",
            include_str!("../../runtime/huawei_signature.rs"),
            (client || server) && needs.huawei,
            e,
            &["form_urlencoded", "hex", "hmac", "percent-encoding", "sha2"],
        ),
        m(
            "server",
            include_str!("../../runtime/server.rs"),
            server,
            s,
            &[
                "axum",
                "bytes",
                "fastrand",
                "form_urlencoded",
                "futures-util",
                "percent-encoding",
                "serde",
                "serde_json",
                "serde_path_to_error",
                "subtle",
                "tracing",
            ],
        ),
        m(
            "form",
            include_str!("../../runtime/form.rs"),
            server,
            s,
            &["bytes", "form_urlencoded", "serde", "serde_json", "serde_path_to_error"],
        ),
        m("validate", include_str!("../../runtime/validate.rs"), server, s, &["serde_json"]),
        m("server_basic", include_str!("../../runtime/server_basic.rs"), server && needs.basic, s, &["base64"]),
        m("huawei_verify", include_str!("../../runtime/huawei_verify.rs"), server && needs.huawei, s, &[]),
        m("sigv4_verify", include_str!("../../runtime/sigv4_verify.rs"), server && needs.sigv4, s, SIGV4),
    ]
}

/// Every crate the runtime modules in use name, with the part whose
/// module names it (`None`: a module every part uses).
pub fn crates(ir: &Ir, options: Options) -> Vec<(&'static str, Option<Part>)> {
    let needs = Needs::of(ir);
    let wanted = modules(needs, options).into_iter().filter(|m| m.wanted);
    let mut crates: Vec<_> = wanted.flat_map(|m| m.crates.iter().map(move |k| (*k, m.part))).collect();
    // Named by `types` itself, not by a runtime module.
    crates.extend(needs.chrono.then_some(("chrono", None)));
    crates.extend(needs.uuid.then_some(("uuid", None)));
    crates
}

/// The names of the runtime files and the crates each names, for a test
/// that reads the files.
#[cfg(test)]
pub fn declared_crates() -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    let all = Options { client: true, server: true, conformance: true, ..Default::default() };
    let needs = Needs {
        aws_json: true,
        sigv4: true,
        huawei: true,
        basic: true,
        oauth2: true,
        newtype: true,
        string_enum: true,
        pattern: true,
        binary: true,
        paginate: true,
        multipart: true,
        chrono: true,
        uuid: true,
    };
    modules(needs, all).into_iter().map(|m| (m.name, m.text, m.crates)).collect()
}

/// `src/runtime/mod.rs` and the runtime files the IR needs.
pub fn files(ir: &Ir, options: Options, layout: Layout) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut decls = Vec::new();
    for m in modules(Needs::of(ir), options).into_iter().filter(|m| m.wanted) {
        let ident = quote::format_ident!("{}", m.name);
        let cfg = m.part.map(|part| layout.gate(part));
        decls.push(quote! { #cfg pub mod #ident; });
        // The runtime's own unit tests run in this repository's committed
        // crates; elsewhere they would be lines, and a test list, of the
        // user's (a build script's module never has them).
        let text = match layout == Layout::Crate && options.runtime_tests {
            true => m.text,
            false => m.text.split_once("\n#[cfg(test)]\nmod tests {").map_or(m.text, |(code, _)| code),
        };
        out.push((format!("src/runtime/{}.rs", m.name), format!("{HEADER}{}\n", text.trim_end())));
    }
    let module = quote! {
        //! Runtime support shared by the generated modules: HTTP transport,
        //! retries, authentication and signing, serde helpers, and request
        //! handling and validation for server stubs.
        #(#decls)*
        /// Structs' serde (`runtime::object!`, from `object.rs`).
        #[allow(unused_imports)]
        pub(crate) use object::object;
    };
    out.push(("src/runtime/mod.rs".into(), super::format::file(module)));
    out
}
