//! Fuzzing the source stage in-process, with proptest on stable Rust.
//!
//! Three generators feed the pipeline (Markdown extraction, YAML/JSON
//! parsing, spec review's rules and line index, merging, normalisation,
//! `$ref` resolution, lowering and, for documents that lower, emission):
//! - `bytes`: arbitrary bytes, as a `.yaml`, `.json` or `.md` file;
//! - `mutated`: the bundled and fixture specs with random byte edits;
//! - `structured`: generated OpenAPI documents (paths with templates,
//!   parameters, bodies, responses, schemas with `$ref`s, `allOf`/`oneOf`,
//!   enums, nullable, 3.1 type lists; names drawn from Rust keywords,
//!   Unicode and punctuation), printed as JSON, YAML or a Markdown page.
//!
//! Whatever the input, nothing may panic, hang (take 10 s) or overflow the stack; a
//! refusal must name a file and a fix; emitted Rust must parse and define
//! no name twice in one scope. A failure prints the shrunk input.
//!
//! `cargo test -p apigen --test fuzz_source` runs a fixed number of cases
//! with a fixed seed (about a minute). `APIGEN_FUZZ_SECONDS=600` runs each
//! generator for that long instead (and `APIGEN_FUZZ_SEED=N` picks the
//! seed), printing the number of executions:
//! `APIGEN_FUZZ_SECONDS=200 cargo test -p apigen --test fuzz_source -- --nocapture --test-threads 1`.

use apigen::{diag, emit, ir, lower, manifest, source};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- pipeline

/// How far inputs got: per refusal code, or `emitted`; printed after a run
/// to show that the generators reach the later stages.
static OUTCOMES: std::sync::Mutex<std::collections::BTreeMap<String, u64>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

fn count(outcome: &str) {
    *OUTCOMES.lock().unwrap().entry(outcome.to_string()).or_default() += 1;
}

/// Runs `bytes`, the content of a file named `name`, through the whole
/// pipeline. `Err` is a finding.
fn pipeline(name: &str, bytes: &[u8]) -> Result<(), String> {
    // A stack overflow or a hang cannot be caught: the input is left on
    // disk first, so that it can be replayed (`apigen ir` on this file).
    let last = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-last-{name}"));
    std::fs::write(&last, bytes).map_err(|e| format!("{}: {e}", last.display()))?;
    let path = Path::new(name);
    let mut sink = diag::Sink::default();
    let docs = source::documents(path, bytes, &mut sink);
    // Spec review reads every document that parses, valid or not.
    for d in docs.iter().flatten() {
        if let Some(hit) = apigen::review::rules::lint(&d.value).into_iter().find(|h| h.fix.is_empty()) {
            return Err(format!("review finding without a fix: {hit:?}"));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        apigen::source::lines::LineIndex::of(text);
    }
    let loaded = docs.and_then(|docs| source::load_documents(docs, &[], sink));
    let spec = manifest::from_file(path);
    let api = match loaded.and_then(|l| lower::lower_loaded(&spec, l)) {
        Ok(api) => api,
        Err(e) => {
            let first = e.diagnostics.iter().find(|d| d.severity == diag::Severity::Error);
            if let Some(d) = first.filter(|_| std::env::var_os("APIGEN_FUZZ_DEBUG").is_some()) {
                eprintln!("{d}");
            }
            count(first.map_or("no error", |d| d.code.as_str()));
            return refusal_is_actionable(&e);
        }
    };
    count("emitted");
    // Every other document is also split by tag (group modules, features).
    let by_tag = if api.operations.len() % 2 == 1 { emit::ByTag::Always } else { emit::ByTag::Auto };
    let files = emit::emit_unformatted(
        &ir::Ir { apis: vec![api] },
        emit::Options {
            client: true,
            server: true,
            by_tag,
            string_formats: false,
            rustfmt: false,
            conformance: false,
            runtime_tests: false,
        },
    );
    for (file, text) in &files {
        if file.ends_with(".rs") && !file.starts_with("src/runtime/") {
            rust_is_sound(file, text)?;
        }
    }
    Ok(())
}

fn refusal_is_actionable(e: &diag::Error) -> Result<(), String> {
    if e.diagnostics.is_empty() {
        return Err("an error without diagnostics".into());
    }
    for d in &e.diagnostics {
        if d.location.file.as_os_str().is_empty() || d.help.is_empty() {
            return Err(format!("a refusal without file or help: {d}"));
        }
    }
    Ok(())
}

/// The emitted file parses, and no scope defines a name twice (the usual
/// sign of a naming collision).
fn rust_is_sound(file: &str, text: &str) -> Result<(), String> {
    if text.contains("apigen emitted invalid Rust") {
        return Err(format!("{file}: {}", text.lines().nth(2).unwrap_or_default()));
    }
    let parsed = syn::parse_file(text).map_err(|e| format!("{file} does not parse: {e}"))?;
    unique_items(file, &parsed.items)
}

fn unique_items(file: &str, items: &[syn::Item]) -> Result<(), String> {
    let mut types = BTreeSet::new();
    let mut values = BTreeSet::new();
    let once = |set: &mut BTreeSet<String>, name: String| {
        if set.insert(name.clone()) { Ok(()) } else { Err(format!("{file}: `{name}` is defined twice")) }
    };
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                once(&mut types, s.ident.to_string())?;
                unique(file, &s.ident, s.fields.iter().filter_map(|f| f.ident.as_ref()))?;
            }
            syn::Item::Enum(e) => {
                once(&mut types, e.ident.to_string())?;
                unique(file, &e.ident, e.variants.iter().map(|v| &v.ident))?;
            }
            syn::Item::Type(t) => once(&mut types, t.ident.to_string())?,
            syn::Item::Trait(t) => {
                once(&mut types, t.ident.to_string())?;
                let fns = t
                    .items
                    .iter()
                    .filter_map(|i| if let syn::TraitItem::Fn(f) = i { Some(&f.sig.ident) } else { None });
                unique(file, &t.ident, fns)?;
            }
            syn::Item::Fn(f) => once(&mut values, f.sig.ident.to_string())?,
            syn::Item::Const(c) => once(&mut values, c.ident.to_string())?,
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    unique_items(&format!("{file}::{}", m.ident), inner)?;
                }
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                let fns =
                    i.items.iter().filter_map(|i| if let syn::ImplItem::Fn(f) = i { Some(&f.sig.ident) } else { None });
                unique(file, &"impl", fns)?;
            }
            _ => {}
        }
    }
    Ok(())
}

fn unique<'a>(
    file: &str,
    owner: &dyn std::fmt::Display,
    names: impl Iterator<Item = &'a syn::Ident>,
) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for n in names {
        if !seen.insert(n.to_string()) {
            return Err(format!("{file}: `{owner}` has two members named `{n}`"));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- inputs

/// Names that have broken code generators: keywords, digits, case and
/// punctuation variants of one word, Unicode, empty.
const NAMES: &[&str] = &[
    "Pet",
    "pet",
    "PET",
    "pet_id",
    "petId",
    "PetId",
    "pet-id",
    "pet.id",
    "type",
    "self",
    "Self",
    "crate",
    "super",
    "async",
    "await",
    "fn",
    "r#type",
    "dyn",
    "gen",
    "try",
    "union",
    "default",
    "new",
    "get",
    "client",
    "query",
    "body",
    "Error",
    "Result",
    "Option",
    "String",
    "Vec",
    "runtime",
    "types",
    "server",
    "Api",
    "1",
    "2xx",
    "_",
    "__",
    "",
    " ",
    "a b",
    "ü",
    "猫",
    "🦀",
    "مرحبا",
    "~",
    "/",
    "{x}",
    "%7B",
    "$ref",
    "x-y",
    "A",
    "a",
    "Value",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-zA-Z_$][a-zA-Z0-9_ .-]{0,6}",
        1 => "\\PC{0,4}",
    ]
}

/// `#/components/schemas/X` for a name from the pool (which may or may
/// not be defined), or a reference of another shape.
fn schema_ref() -> impl Strategy<Value = Value> {
    prop_oneof![
        400 => name().prop_map(|n| json!({"$ref": format!("#/components/schemas/{}", n.replace('~', "~0").replace('/', "~1"))})),
        1 => (name(), name()).prop_map(|(a, b)| json!({"$ref": format!("#/components/schemas/{a}/properties/{b}")})),
        1 => Just(json!({"$ref": "#/components/schemas"})),
        1 => Just(json!({"$ref": "#/paths"})),
        1 => Just(json!({"$ref": "other.yaml#/X"})),
        1 => Just(json!({"$ref": "#"})),
    ]
}

/// Defines every component a `$ref` names but the document does not, so
/// that most documents get past reference resolution.
fn define_referenced(doc: &mut Value) {
    fn refs(v: &Value, out: &mut BTreeSet<(String, String)>) {
        match v {
            Value::Object(o) => {
                let target = o.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/"));
                if let Some((kind, name)) = target.and_then(|t| t.split_once('/')) {
                    let name = source::refs::percent_decode(name);
                    out.insert((kind.to_string(), name.replace("~1", "/").replace("~0", "~")));
                }
                o.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    let mut named = BTreeSet::new();
    refs(doc, &mut named);
    for (kind, name) in named {
        let definition = match kind.as_str() {
            "parameters" => json!({"name": name, "in": "query", "schema": {"type": "string"}}),
            "responses" => json!({"description": name}),
            _ => json!({"type": "string"}),
        };
        let Some(section) = doc["components"].as_object_mut().map(|c| c.entry(kind).or_insert_with(|| json!({})))
        else {
            continue;
        };
        if let Some(section) = section.as_object_mut() {
            section.entry(name).or_insert(definition);
        }
    }
}

fn scalar_schema() -> impl Strategy<Value = Value> {
    let ty = proptest::sample::select(&["string", "integer", "number", "boolean", "null", "object", "array"][..]);
    let format = proptest::option::of(proptest::sample::select(
        &["int32", "int64", "date-time", "binary", "byte", "uuid", "float", "weird"][..],
    ));
    let values = proptest::collection::vec(
        prop_oneof![
            name().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            Just(Value::Null),
            any::<bool>().prop_map(Value::from)
        ],
        0..4,
    );
    // Rare flags: each is hostile enough to end most documents early.
    let rare = || proptest::bool::weighted(0.04);
    (ty, format, proptest::option::of(values), any::<bool>(), any::<u8>(), (rare(), rare(), rare())).prop_map(
        |(ty, format, values, nullable, bits, (huge, constant, ref_default))| {
            let mut s = Map::new();
            s.insert("type".into(), if bits & 1 == 1 { json!([ty, "null"]) } else { json!(ty) });
            if let Some(f) = format {
                s.insert("format".into(), json!(f));
            }
            if let Some(v) = values {
                s.insert("enum".into(), Value::Array(v));
            }
            if nullable {
                s.insert("nullable".into(), json!(true));
            }
            if bits & 2 == 2 {
                s.insert("pattern".into(), json!("^[a-z]+$"));
            }
            if huge {
                s.insert("minimum".into(), json!(-9223372036854775808i64));
                s.insert("maximum".into(), json!(1e300));
            }
            if constant {
                s.insert("const".into(), json!("c"));
            }
            if ref_default {
                s.insert("default".into(), json!({"$ref": "#/nowhere"}));
            }
            Value::Object(s)
        },
    )
}

fn schema() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![4 => scalar_schema(), 3 => schema_ref(), 1 => any::<bool>().prop_map(Value::Bool)];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            3 => (proptest::collection::btree_map(name(), inner.clone(), 0..4), proptest::collection::vec(name(), 0..3), proptest::option::of(inner.clone()))
                .prop_map(|(props, required, additional)| {
                    let mut s = json!({"type": "object", "properties": props, "required": required});
                    if let Some(a) = additional {
                        s["additionalProperties"] = a;
                    }
                    s
                }),
            2 => inner.clone().prop_map(|items| json!({"type": "array", "items": items})),
            2 => (proptest::sample::select(&["allOf", "oneOf", "anyOf"][..]), proptest::collection::vec(inner.clone(), 0..4), any::<bool>())
                .prop_map(|(kind, branches, nullable)| json!({kind: branches, "nullable": nullable})),
            1 => (schema_ref(), inner.clone()).prop_map(|(r, sibling)| json!({"$ref": r["$ref"], "description": "ref with siblings", "properties": {"x": sibling}})),
            1 => (inner.clone(), name()).prop_map(|(s, d)| json!({"type": "object", "discriminator": {"propertyName": d}, "oneOf": [s]})),
        ]
    })
}

fn parameter() -> impl Strategy<Value = Value> {
    let location = prop_oneof![
        200 => proptest::sample::select(&["path", "query", "header", "cookie"][..]),
        1 => Just("body"),
    ];
    let style = proptest::option::weighted(
        0.05,
        proptest::sample::select(&["form", "deepObject", "simple", "label", "matrix", "spaceDelimited"][..]),
    );
    (name(), location, any::<bool>(), schema(), style).prop_map(|(name, location, required, schema, style)| {
        let mut p = json!({"name": name, "in": location, "required": required, "schema": schema});
        if let Some(s) = style {
            p["style"] = json!(s);
        }
        p
    })
}

fn media() -> impl Strategy<Value = Value> {
    let types = proptest::sample::select(
        &[
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
            "application/octet-stream",
            "*/*",
            "application/problem+json",
        ][..],
    );
    proptest::collection::btree_map(types, schema(), 0..3)
        .prop_map(|m| Value::Object(m.into_iter().map(|(t, s)| (t.to_string(), json!({"schema": s}))).collect()))
}

fn operation() -> impl Strategy<Value = Value> {
    let status = proptest::sample::select(
        &["200", "201", "204", "2XX", "301", "400", "404", "4XX", "500", "default", "999", "abc"][..],
    );
    let responses = proptest::collection::btree_map(status, proptest::option::of(media()), 0..4);
    let parameter_or_ref = prop_oneof![
        4 => parameter(),
        1 => proptest::sample::select(SHARED).prop_map(|n| shared_ref("parameters", n)),
    ];
    let shared_response = proptest::option::weighted(0.2, proptest::sample::select(SHARED));
    (
        proptest::option::of(name()),
        proptest::collection::vec(parameter_or_ref, 0..4),
        proptest::option::of(media()),
        responses,
        (shared_response, proptest::option::weighted(0.3, security_requirements())),
    )
        .prop_map(|(id, parameters, body, responses, (shared, security))| {
            let mut responses: Map<String, Value> = responses
                .into_iter()
                .map(|(s, content)| {
                    let mut r = json!({"description": s});
                    if let Some(c) = content {
                        r["content"] = c;
                    }
                    (s.to_string(), r)
                })
                .collect();
            if let Some(n) = shared {
                responses.insert("default".into(), shared_ref("responses", n));
            }
            let mut op = json!({"parameters": parameters, "responses": responses});
            if let Some(id) = id {
                op["operationId"] = json!(id);
            }
            if let Some(content) = body {
                op["requestBody"] = json!({"content": content});
            }
            if let Some(security) = security {
                op["security"] = security;
            }
            op
        })
}

fn path() -> impl Strategy<Value = String> {
    let segment =
        prop_oneof![name(), name().prop_map(|n| format!("{{{n}}}")), Just("{id}".to_string()), Just("".to_string())];
    proptest::collection::vec(segment, 0..4).prop_map(|s| format!("/{}", s.join("/")))
}

/// Names of shared components (parameters, responses, security schemes):
/// referenced by operations, defined or not by the document.
const SHARED: &[&str] = &["Shared", "self", "ApiKey", "猫", "a/b", "Error"];

fn security_scheme() -> impl Strategy<Value = Value> {
    let location = prop_oneof![20 => proptest::sample::select(&["header", "query", "cookie"][..]), 1 => Just("body")];
    prop_oneof![
        20 => (name(), location).prop_map(|(n, l)| json!({"type": "apiKey", "name": n, "in": l})),
        20 => proptest::sample::select(&["bearer", "basic", "digest", "Bearer", ""][..])
            .prop_map(|s| json!({"type": "http", "scheme": s})),
        5 => Just(json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {"a": "b"}}}})),
        5 => Just(json!({"type": "openIdConnect", "openIdConnectUrl": "https://o"})),
        5 => Just(json!({"type": "mutualTLS"})),
        1 => Just(json!({"type": "unknown"})),
    ]
}

/// A `$ref` to the shared component `name` of `kind`.
fn shared_ref(kind: &str, name: &str) -> Value {
    json!({"$ref": format!("#/components/{kind}/{}", name.replace('~', "~0").replace('/', "~1"))})
}

/// Alternatives of sets of schemes, as `security` lists them.
fn security_requirements() -> impl Strategy<Value = Value> {
    let set = proptest::collection::btree_map(
        proptest::sample::select(SHARED),
        proptest::collection::vec(name(), 0..2),
        0..3,
    );
    proptest::collection::vec(set, 0..3).prop_map(|sets| json!(sets))
}

/// Shared parameters, responses and security schemes for `SHARED` names.
fn shared_components() -> impl Strategy<Value = Value> {
    let names = || proptest::sample::subsequence(SHARED, 0..SHARED.len());
    (
        names(),
        names(),
        names(),
        proptest::collection::vec(parameter(), SHARED.len()),
        proptest::collection::vec(media(), SHARED.len()),
        proptest::collection::vec(security_scheme(), SHARED.len()),
    )
        .prop_map(|(p, r, k, params, contents, schemes)| {
            let params: Map<String, Value> = p.iter().zip(params).map(|(n, v)| (n.to_string(), v)).collect();
            let responses: Map<String, Value> = r
                .iter()
                .zip(contents)
                .map(|(n, c)| {
                    (
                        n.to_string(),
                        json!({"description": n, "content": c, "headers": {"X-Rate": {"schema": {"type": "integer"}}}}),
                    )
                })
                .collect();
            let schemes: Map<String, Value> = k.iter().zip(schemes).map(|(n, v)| (n.to_string(), v)).collect();
            json!({"parameters": params, "responses": responses, "securitySchemes": schemes})
        })
}

fn servers() -> impl Strategy<Value = Value> {
    let url = proptest::sample::select(
        &[
            "https://api.example.com/v1",
            "/relative",
            "https://{region}.example.com",
            "{scheme}://x",
            "",
            "https://x/{a",
        ][..],
    );
    proptest::collection::vec((url, proptest::option::of(name())), 0..3).prop_map(|list| {
        json!(
            list.into_iter()
                .map(|(url, variable)| match variable {
                    Some(v) => json!({"url": url, "variables": {"region": {"default": v, "enum": [v, "eu"]}}}),
                    None => json!({"url": url}),
                })
                .collect::<Vec<_>>()
        )
    })
}

fn document() -> impl Strategy<Value = Value> {
    let method = proptest::sample::select(&["get", "put", "post", "delete", "patch", "head", "options", "trace"][..]);
    let paths =
        proptest::collection::btree_map(path(), proptest::collection::btree_map(method, operation(), 1..3), 0..4);
    let schemas = proptest::collection::btree_map(name(), schema(), 0..6);
    let version = proptest::sample::select(&["3.0.3", "3.1.0"][..]);
    let dangling = proptest::bool::weighted(0.1);
    let extra = (shared_components(), servers(), proptest::option::weighted(0.3, security_requirements()));
    (version, paths, schemas, dangling, extra).prop_map(
        |(version, paths, schemas, dangling, (mut components, servers, security))| {
            components["schemas"] = json!(schemas);
            let mut doc = json!({"openapi": version, "info": {"title": "fuzz", "version": "1"},
                "servers": servers, "paths": paths, "components": components});
            if let Some(security) = security {
                doc["security"] = security;
            }
            if !dangling {
                define_referenced(&mut doc);
            }
            doc
        },
    )
}

/// How a generated document is written to disk.
fn printed(doc: &Value, form: u8) -> (&'static str, Vec<u8>) {
    match form % 3 {
        0 => ("fuzz.json", serde_json::to_vec_pretty(doc).unwrap()),
        1 => ("fuzz.yaml", serde_yaml::to_string(doc).unwrap().into_bytes()),
        _ => (
            "fuzz.md",
            format!("# Page\n\n```yaml\n{}```\n\nProse.\n", serde_yaml::to_string(doc).unwrap()).into_bytes(),
        ),
    }
}

const FILE_NAMES: [&str; 3] = ["fuzz.yaml", "fuzz.json", "fuzz.md"];

/// The specs the repository ships, as seeds for byte mutation.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let files = [
        "specs/aws/transfer.yaml",
        "specs/huawei/kps.yaml",
        "specs/phala/delete-ssh-key.md",
        "specs/vast/detach-ssh-key.md",
        "tests/fixtures/shapes.yaml",
        "tests/bad-specs/rust-keywords.yaml",
        "tests/bad-specs/ref-recursive-ok.yaml",
        "tests/bad-specs/unicode-names.yaml",
    ];
    files
        .iter()
        .map(|f| (if f.ends_with(".md") { "fuzz.md" } else { "fuzz.yaml" }, std::fs::read(root.join(f)).unwrap()))
        .collect()
}

#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    /// Copies a range to another place (duplicates keys, nests blocks).
    Splice(usize, usize, usize),
}

/// Byte strings that make YAML, JSON and Markdown interesting.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\n  ",
    b": ",
    b"- ",
    b"*a",
    b"&a ",
    b"$ref: '#/components/schemas/Pet'",
    b"\"",
    b"'",
    b"\xff",
    b"\t",
    b"```\n",
    b"null",
    b"~",
];

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        proptest::sample::select(TOKENS).prop_map(<[u8]>::to_vec),
        proptest::collection::vec(0x20u8..0x7f, 1..8),
        proptest::collection::vec(any::<u8>(), 1..3),
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (any::<usize>(), token).prop_map(|(at, t)| Edit::Insert(at, t)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), 1..256usize, any::<usize>()).prop_map(|(from, n, to)| Edit::Splice(from, n, to)),
    ]
}

fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        let len = b.len().max(1);
        match e {
            Edit::Replace(at, v) if !b.is_empty() => b[at % len] = *v,
            Edit::Insert(at, t) => {
                let at = at % (b.len() + 1);
                b.splice(at..at, t.iter().copied());
            }
            Edit::Delete(at, n) if !b.is_empty() => {
                let at = at % len;
                b.drain(at..(at + n).min(b.len()));
            }
            Edit::Splice(from, n, to) if !b.is_empty() => {
                let from = from % len;
                let chunk = b[from..(from + n).min(b.len())].to_vec();
                let to = to % (b.len() + 1);
                b.splice(to..to, chunk);
            }
            _ => {}
        }
    }
    b
}

// ---------------------------------------------------------------- runner

/// A case slower than this is a finding (quadratic or worse behaviour).
const HANG: Duration = Duration::from_secs(10);

/// A run of `cases` cases, or of `APIGEN_FUZZ_SECONDS` seconds when set.
struct Budget {
    seconds: Option<u64>,
    seed: u64,
}

fn budget() -> Budget {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    Budget { seconds: env("APIGEN_FUZZ_SECONDS"), seed: env("APIGEN_FUZZ_SEED").unwrap_or(7) }
}

/// Runs `check` on values of `strategy` until the budget is spent, in
/// batches that each get a seed of their own (so a failure names the seed
/// that reproduces it). Returns the number of executions.
fn fuzz<S: Strategy>(label: &str, strategy: S, cases: u32, check: impl Fn(S::Value) -> Result<(), String>) -> u64
where
    S::Value: std::fmt::Debug,
{
    let Budget { seconds, seed } = budget();
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let batch = if deadline.is_some() { 256 } else { cases };
    let start = Instant::now();
    let mut executions = 0u64;
    for round in 0u64.. {
        let batch_seed = seed.wrapping_mul(1_000_003).wrapping_add(round);
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&batch_seed.to_le_bytes());
        let config = Config { cases: batch, failure_persistence: None, max_shrink_iters: 2048, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
        let result = runner.run(&strategy, |v| {
            // A generous guard against hangs (a case takes milliseconds); a
            // loop that never ends shows as a run that does not finish, its
            // input left in target/tmp.
            let start = Instant::now();
            check(v).map_err(TestCaseError::fail)?;
            match start.elapsed() {
                t if t > HANG => Err(TestCaseError::fail(format!("one case took {t:?}"))),
                _ => Ok(()),
            }
        });
        executions += u64::from(batch);
        match result {
            Ok(()) => {}
            Err(TestError::Fail(why, input)) => {
                panic!(
                    "{label}: {why}\nshrunk input: {input:?}\nreproduce with APIGEN_FUZZ_SEED={seed} (round {round})"
                )
            }
            Err(TestError::Abort(why)) => panic!("{label}: aborted: {why}"),
        }
        if deadline.is_none_or(|d| Instant::now() >= d) {
            break;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{label}: {executions} executions in {secs:.0} s ({:.0}/s), seed {seed}", executions as f64 / secs);
    let outcomes = std::mem::take(&mut *OUTCOMES.lock().unwrap());
    println!("{label}: outcomes {outcomes:?}");
    executions
}

#[test]
fn arbitrary_bytes() {
    // Raw bytes, or mostly printable text that gets past parsing now and then.
    let text = prop_oneof![100 => 0x20u8..0x7f, 20 => Just(b'\n'), 5 => Just(b'`'), 1 => any::<u8>()];
    let bytes = prop_oneof![proptest::collection::vec(any::<u8>(), 0..64), proptest::collection::vec(text, 0..512)];
    let input = (proptest::sample::select(&FILE_NAMES[..]), bytes);
    fuzz("bytes", input, 20_000, |(name, bytes)| pipeline(name, &bytes));
}

#[test]
fn mutated_specs() {
    let seeds = seeds();
    let input = (0..seeds.len(), proptest::collection::vec(edit(), 1..4));
    fuzz("mutated", input, 4000, |(i, edits)| {
        // Mostly kept valid UTF-8 (a cut through a character is
        // `arbitrary_bytes`' business), so that parsing is reached.
        let (name, seed) = &seeds[i];
        let bytes = mutate(seed, &edits);
        let text = String::from_utf8_lossy(&bytes);
        pipeline(name, if edits.len() % 4 == 0 { &bytes } else { text.as_bytes() })
    });
}

#[test]
fn structured_specs() {
    fuzz("structured", (document(), any::<u8>()), 1500, |(doc, form)| {
        let (name, bytes) = printed(&doc, form);
        pipeline(name, &bytes)
    });
}
