//! `Cargo.toml` of a generated crate: exactly the dependencies its files
//! name, the client's and the server's behind features of those names.

use super::Options;
use super::groups::{Groups, UNREACHED};
use super::layout::{Layout, Part};
use super::runtime;
use crate::ir::Ir;
use std::collections::{BTreeMap, BTreeSet};

/// How each crate generated code may name is declared. The repository's
/// own workspace declares the same (a test compares them), so what CI
/// builds is what users get.
pub const DEPENDENCIES: &[(&str, &str)] = &[
    ("aws-credential-types", r#"version = "1.2", default-features = false"#),
    ("aws-sigv4", r#"version = "1.6", default-features = false, features = ["sign-http", "http1"]"#),
    ("aws-smithy-runtime-api", r#"version = "1.7", default-features = false, features = ["client"]"#),
    // axum's router only: no default features (no JSON extractor, no macros).
    ("axum", r#"version = "0.8", default-features = false, features = ["tokio", "http1"]"#),
    ("base64", r#"version = "0.22""#),
    ("bytes", r#"version = "1""#),
    // `format: date-time` and `date` (`DateTime<Utc>`, `NaiveDate`; RFC 3339
    // through serde). chrono over time for compile cost: a cold
    // `cargo build` of serde + serde_json alone took 18.2 s, with chrono
    // (serde, std) 22.2 s, with time (std, serde-well-known,
    // serde-human-readable: what RFC 3339 and `YYYY-MM-DD` serde need)
    // 23.1 s; medians of 3 on 2 shared cores, chrono faster in each round
    // (3 crates against 6). See docs/guide.md, "Typed formats".
    ("chrono", r#"version = "0.4", default-features = false, features = ["serde", "std"]"#),
    ("fastrand", r#"version = "2""#),
    // Streams only (no executor, no macros); reqwest already builds it.
    ("futures-util", r#"version = "0.3", default-features = false, features = ["std"]"#),
    ("form_urlencoded", r#"version = "1""#),
    ("hex", r#"version = "0.4""#),
    // Streamed bodies (reqwest and axum already build it).
    ("http-body", r#"version = "1""#),
    ("hmac", r#"version = "0.13""#),
    ("percent-encoding", r#"version = "2""#),
    ("regress", r#"version = "0.10""#),
    // rustls with ring: no OpenSSL and no aws-lc-sys (a slow C build).
    ("reqwest", r#"version = "0.13", default-features = false, features = ["rustls-no-provider"]"#),
    ("rustls", r#"version = "0.23", default-features = false, features = ["ring", "std", "tls12"]"#),
    ("serde", r#"version = "1", features = ["derive"]"#),
    ("serde_json", r#"version = "1", features = ["preserve_order"]"#),
    ("serde_path_to_error", r#"version = "0.1""#),
    ("sha2", r#"version = "0.11""#),
    ("subtle", r#"version = "2.6", default-features = false"#),
    // `sync`: the single-flight credential caches (runtime/auth.rs).
    ("tokio", r#"version = "1", default-features = false, features = ["sync", "time"]"#),
    ("tracing", r#"version = "0.1", default-features = false, features = ["std"]"#),
    // `format: uuid` (+0.4 s over serde + serde_json, measured as chrono).
    ("uuid", r#"version = "1", default-features = false, features = ["serde", "std"]"#),
];

/// The oldest Rust the dependencies build with.
const RUST_VERSION: &str = "1.94";

/// What the generated modules name outside the runtime.
const OWN: &[(&str, Option<Part>)] =
    &[("serde", None), ("serde_json", None), ("reqwest", Some(Part::Client)), ("axum", Some(Part::Server))];

/// The manifest of crate `name` holding `ir`'s APIs.
pub fn manifest(ir: &Ir, options: Options, name: &str) -> String {
    planned_manifest(&super::formats::plan(ir, options), options, name)
}

/// [`manifest`] of an IR [`formats::plan`](super::formats::plan) has
/// already planned (emission plans it once for both).
pub(super) fn planned_manifest(ir: &Ir, options: Options, name: &str) -> String {
    let mut uses: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let own = OWN.iter().copied();
    for (krate, part) in runtime::crates(ir, options).into_iter().chain(own) {
        let features = uses.entry(krate).or_default();
        match part {
            None => {
                features.insert("");
            }
            // The conformance feature turns on the client.
            Some(Part::Client | Part::Conformance) => {
                features.insert("client");
            }
            Some(Part::Server) => {
                features.insert("server");
            }
            Some(Part::Either) => features.extend(["client", "server"]),
        }
    }
    let wanted = |f: &str| (f == "client" && options.client) || (f == "server" && options.server);
    uses.retain(|_, features| features.contains("") || features.iter().any(|f| wanted(f)));

    let titles: Vec<String> = ir.apis.iter().map(|a| format!("{} {}", a.title, a.version)).collect();
    let parts = match (options.client, options.server) {
        (true, true) => "clients and server stubs",
        (false, true) => "server stubs",
        _ => "clients",
    };
    let description = format!("Typed {parts} for {}, generated by apigen.", titles.join(", "));
    let mut out = format!("{} — regenerate instead of editing.\n\n[package]\n", crate::output::CARGO_MARKER);
    out += &format!("name = {}\nversion = \"0.1.0\"\nedition = \"2024\"\n", toml_string(name));
    out += &format!("rust-version = \"{RUST_VERSION}\"\ndescription = {}\n", toml_string(&description));
    out += "publish = false\n\n[features]\n";
    let feature_names: Vec<&str> = ["client", "server"].into_iter().filter(|f| wanted(f)).collect();
    let quoted = |list: &[&str]| list.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", ");
    // An API split by tag has a feature per group, on by default but for
    // the types no operation uses.
    let split: Vec<Groups> =
        ir.apis.iter().filter_map(|api| Groups::of(api, Layout::Crate, options.by_tag, ir.apis.len() > 1)).collect();
    let unreached: BTreeSet<&str> =
        split.iter().filter_map(|g| g.features.get(UNREACHED)).map(String::as_str).collect();
    let groups: BTreeSet<&str> = split.iter().flat_map(|g| g.features.values()).map(String::as_str).collect();
    let on = groups.iter().copied().filter(|f| !unreached.contains(f));
    let defaults: Vec<&str> = feature_names.iter().copied().chain(on).collect();
    out += &format!("default = [{}]\n", quoted(&defaults));
    for feature in &feature_names {
        let deps: Vec<String> = uses
            .iter()
            .filter(|(_, f)| !f.contains("") && f.contains(feature))
            .map(|(k, _)| format!("dep:{k}"))
            .collect();
        let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
        out += &format!("{feature} = [{}]\n", quoted(&deps));
    }
    if options.conformance && options.client {
        out += "conformance = [\"client\"]\n";
    }
    for feature in &groups {
        out += &format!("{feature} = []\n");
    }
    out += "\n[dependencies]\n";
    for (krate, features) in &uses {
        let spec = DEPENDENCIES.iter().find(|(k, _)| k == krate).map_or(r#"version = "*""#, |(_, s)| s);
        let optional = if features.contains("") { "" } else { ", optional = true" };
        out += &format!("{krate} = {{ {spec}{optional} }}\n");
    }
    out
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Whether `name` can name a package (what `cargo new` accepts).
pub fn is_valid_crate_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !crate::naming::is_keyword(&name.replace('-', "_"))
        && !matches!(name, "test" | "core" | "std" | "alloc" | "proc_macro" | "proc-macro")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workspace builds the committed crates with these same
    /// declarations: a change to one must be a change to both.
    #[test]
    fn dependencies_match_the_workspace() {
        let root = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml")).unwrap();
        let mut compared = 0;
        for (krate, spec) in DEPENDENCIES {
            let Some(line) = root.lines().find(|l| l.starts_with(&format!("{krate} = "))) else { continue };
            let declared = line[krate.len() + 3..].trim();
            let declared = match declared.strip_prefix('{').and_then(|d| d.strip_suffix('}')) {
                Some(table) => table.trim().to_string(),
                None => format!("version = {declared}"),
            };
            assert_eq!(declared, *spec, "{krate}: the workspace and apigen declare it differently");
            compared += 1;
        }
        assert!(compared >= 15, "only {compared} dependencies found in the workspace");
    }

    /// Every runtime file declares exactly the crates its text names.
    #[test]
    fn runtime_files_declare_the_crates_they_name() {
        for (name, text, declared) in runtime::declared_crates() {
            let code: String =
                text.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            // Any crate a `use` names is one apigen knows how to declare.
            for line in code.lines().map(str::trim_start) {
                let Some(root) = line.strip_prefix("use ").and_then(|r| r.split("::").next()) else { continue };
                let known = DEPENDENCIES.iter().any(|(k, _)| k.replace('-', "_") == root);
                let local = ["std", "core", "alloc", "super", "crate", "self"].contains(&root);
                assert!(known || local, "runtime/{name}.rs uses crate `{root}`, which DEPENDENCIES lacks");
            }
            for (krate, _) in DEPENDENCIES {
                let path = format!("{}::", krate.replace('-', "_"));
                let named = code
                    .match_indices(&path)
                    .any(|(i, _)| !code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'));
                assert_eq!(named, declared.contains(krate), "runtime/{name}.rs and crate `{krate}`");
            }
        }
    }

    #[test]
    fn crate_names() {
        assert!(is_valid_crate_name("train-travel"));
        assert!(is_valid_crate_name("tt_2"));
        for bad in ["", "2fa", "a b", "fn", "std", "-x", "ünï"] {
            assert!(!is_valid_crate_name(bad), "{bad}");
        }
    }
}
