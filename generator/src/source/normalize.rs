//! OpenAPI 3.1 → 3.0 normalisation, run on the raw JSON value in front of
//! `openapiv3` (which models 3.0 only and fails on 3.1 constructs).
//!
//! | 3.1 (JSON Schema 2020-12)                  | becomes (3.0)                                    |
//! |--------------------------------------------|--------------------------------------------------|
//! | `type: [T, "null"]`                        | `type: T`, `nullable: true`                      |
//! | `type: [A, B]`                             | `anyOf: [{type: A, ..}, {type: B, ..}]`          |
//! | `type: "null"` / `const: null`             | `nullable: true`, `x-apigen-null: true`          |
//! | `anyOf`/`oneOf` with a null branch         | branch removed, `nullable: true`                 |
//! | `const: v`                                 | `enum: [v]`                                      |
//! | `examples: [a, ..]` (in a schema)          | `example: a`                                     |
//! | `exclusiveMinimum: n` (a number)           | `minimum: n`, `exclusiveMinimum: true`           |
//! | boolean schema `true` / `false`            | `{}` / `{not: {}}`                               |
//! | `$ref` with sibling keywords               | `allOf: [{$ref}]` plus the siblings              |
//! | `paths` missing (webhooks-only document)   | `paths: {}`                                      |
//! | `webhooks`                                 | kept under `x-apigen-webhooks` (a receiver)      |
//! | `components/pathItems`                     | inlined into `paths`                             |
//! | operation without `responses`              | `responses: {}` (3.0 requires them)              |
//! | `contains`, `prefixItems`, `if`, `dependentRequired`, `patternProperties`, ... | moved under `x-apigen-keywords`, read into the IR's `Keywords` |
//!
//! Both versions also get: integer bounds that are written as floats or lie
//! beyond 64 bits made into `i64` (reported when clamped). A schema keyword
//! neither 3.0 nor the IR can express (`$dynamicRef`) is reported as a
//! warning, never dropped silently.

use super::Provenance;
use crate::diag::{Diagnostic, Result, Sink, ptr};
use serde_json::{Map, Value, json};

/// Where a document's `webhooks` are kept for lowering.
pub const WEBHOOKS: &str = "x-apigen-webhooks";

/// OpenAPI version family of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V30,
    V31,
}

/// Reads and checks the `openapi` field.
pub fn version(doc: &Value, prov: &Provenance) -> Result<Version> {
    // Problems of the whole document are placed at its first line.
    let top = || prov.locate("").with_line(prov.origin("").map_or(1, |o| o.line_offset + 1), None);
    if !doc.is_object() {
        return Err(Diagnostic::error(
            "structure.root",
            top(),
            format!("the document is {}, not an object with `openapi`, `info` and `paths`", describe(doc)),
        )
        .help("an OpenAPI document is a map at the top level: start it with `openapi: 3.1.0`")
        .into());
    }
    if let Some(v) = doc.get("openapi").filter(|v| !v.is_string()) {
        return Err(Diagnostic::error(
            "version.not-a-string",
            prov.locate("/openapi"),
            format!("`openapi` must be a version string, found {} `{v}`", describe(v)),
        )
        .help("quote the version, e.g. `openapi: \"3.0.3\"` (YAML reads an unquoted 3.0 as a number)")
        .into());
    }
    let field = doc.get("openapi").and_then(Value::as_str);
    match field {
        Some(v) if v.starts_with("3.0.") || v == "3.0" => Ok(Version::V30),
        Some(v) if v.starts_with("3.1.") || v == "3.1" => Ok(Version::V31),
        Some(v) => Err(Diagnostic::error(
            "version.unsupported",
            prov.locate("/openapi"),
            format!("unsupported OpenAPI version `{v}`"),
        )
        .help("apigen reads OpenAPI 3.0.x and 3.1.x documents")
        .into()),
        // A 2.0 document was converted before this check: this is another version.
        None if doc.get("swagger").is_some() => Err(Diagnostic::error(
            "version.swagger",
            prov.locate("/swagger"),
            format!("unsupported Swagger version `{}`", doc["swagger"].as_str().unwrap_or(&doc["swagger"].to_string())),
        )
        .help("apigen reads Swagger 2.0 (`swagger: \"2.0\"`) and OpenAPI 3.0.x and 3.1.x documents")
        .into()),
        None => Err(Diagnostic::error(
            "version.missing",
            top(),
            "not an OpenAPI document: no `openapi` version field at the top level",
        )
        .help("add `openapi: 3.1.0` (or the version the document follows)")
        .into()),
    }
}

/// "a list", "a string", ... for messages about a value of the wrong kind.
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

/// Normalises `doc` in place to what `openapiv3` reads.
pub fn normalize(doc: &mut Value, prov: &Provenance, sink: &mut Sink) -> Result<()> {
    let version = version(doc, prov)?;
    let Some(root) = doc.as_object_mut() else {
        return Err(Diagnostic::error("structure", prov.locate(""), "the document is not an object").into());
    };
    let mut n = Normalizer { prov, sink, version };
    if version == Version::V31 {
        root.insert("openapi".into(), json!("3.0.3"));
    }
    // openapiv3 has no `webhooks`: they travel as an extension, normalised
    // like paths, and lowering reads them back (`lower::incoming`).
    if let Some(mut webhooks) = root.shift_remove("webhooks") {
        if let Some(hooks) = webhooks.as_object_mut() {
            for (name, item) in hooks.iter_mut() {
                n.path_item(item, &ptr("/webhooks", name));
            }
        }
        root.insert(WEBHOOKS.into(), webhooks);
    }
    inline_path_item_refs(root, &mut n)?;
    drop_mutual_tls(root, &mut n);
    root.entry("paths").or_insert_with(|| json!({}));
    root.entry("info").or_insert_with(|| json!({"title": "", "version": ""}));

    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            n.path_item(item, &ptr("/paths", path));
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        for (kind, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else { continue };
            for (name, v) in entries.iter_mut() {
                let p = ptr(&ptr("/components", kind), name);
                match kind.as_str() {
                    "schemas" => n.schema(v, &p),
                    "parameters" => n.parameter(v, &p),
                    "requestBodies" => n.content_holder(v, &p),
                    "responses" => n.response(v, &p),
                    "headers" => n.parameter(v, &p),
                    "callbacks" => n.callback(v, &p),
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// 3.1 lets `paths` entries `$ref` into `components/pathItems`; openapiv3
/// only knows inline path items, so the target is copied in.
fn inline_path_item_refs(root: &mut Map<String, Value>, n: &mut Normalizer) -> Result<()> {
    let items = root.get("components").and_then(|c| c.get("pathItems")).cloned();
    let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(()) };
    for (path, item) in paths.iter_mut() {
        let Some(r) = item.get("$ref").and_then(Value::as_str) else { continue };
        let target = r.strip_prefix("#/components/pathItems/").and_then(|name| items.as_ref()?.get(name)).cloned();
        match target {
            Some(t) => *item = t,
            None => {
                return Err(Diagnostic::error(
                    "ref.path-item",
                    n.prov.locate(&ptr(&ptr("/paths", path), "$ref")),
                    format!("path item `$ref` `{r}` does not name an entry of `components/pathItems`"),
                )
                .help("define the path item inline or under components/pathItems")
                .into());
            }
        }
    }
    Ok(())
}

/// 3.1's `mutualTLS` scheme is a client certificate, set on the HTTP
/// client rather than per request, and `openapiv3` refuses it: the scheme
/// is dropped (reported) and so is its place in every security requirement.
fn drop_mutual_tls(root: &mut Map<String, Value>, n: &mut Normalizer) {
    let Some(schemes) =
        root.get_mut("components").and_then(|c| c.get_mut("securitySchemes")).and_then(Value::as_object_mut)
    else {
        return;
    };
    let mtls: Vec<String> =
        schemes.iter().filter(|(_, s)| s.get("type") == Some(&json!("mutualTLS"))).map(|(k, _)| k.clone()).collect();
    for name in &mtls {
        schemes.shift_remove(name);
        n.warn(
            "security.mutual-tls",
            &ptr("/components/securitySchemes", name),
            format!(
                "security scheme `{name}` is mutualTLS, which is not generated; requirements naming it are dropped"
            ),
            "give the client its certificate through the HTTP client (`ClientConfig` takes a `reqwest::Client`)",
        );
    }
    let unlist = |security: Option<&mut Value>| {
        for requirement in security.and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(r) = requirement.as_object_mut() {
                r.retain(|scheme, _| !mtls.contains(scheme));
            }
        }
    };
    if mtls.is_empty() {
        return;
    }
    unlist(root.get_mut("security"));
    for item in root.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
        for op in item.as_object_mut().into_iter().flat_map(|i| i.values_mut()) {
            unlist(op.get_mut("security"));
        }
    }
}

struct Normalizer<'a> {
    prov: &'a Provenance,
    sink: &'a mut Sink,
    version: Version,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keywords whose meaning 3.0 cannot express, and that are not carried.
const UNSUPPORTED: [&str; 2] = ["$dynamicRef", "$recursiveRef"];

/// The extension that carries 2020-12 keywords past `openapiv3` (which
/// keeps `x-` extensions) to lowering, which puts them in the IR.
pub const KEYWORDS: &str = "x-apigen-keywords";

/// 2020-12 keywords carried to the IR, by what their value is.
const CARRIED_SCHEMA: [&str; 7] =
    ["contains", "propertyNames", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"];
const CARRIED_SCHEMA_LIST: &str = "prefixItems";
const CARRIED_SCHEMA_MAP: [&str; 2] = ["dependentSchemas", "patternProperties"];
const CARRIED_VALUE: [&str; 3] = ["minContains", "maxContains", "dependentRequired"];

/// Keywords that are fine to ignore: identifiers, comments, media hints.
const IGNORED: [&str; 11] = [
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "definitions",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "contentMediaType",
    "contentSchema",
    "xml",
];

const KNOWN: [&str; 36] = [
    "$ref",
    "title",
    "description",
    "type",
    "format",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "example",
    "default",
    "enum",
    "discriminator",
    "externalDocs",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "items",
    "maxItems",
    "minItems",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "maxProperties",
    "minProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "contentEncoding",
];

impl Normalizer<'_> {
    fn warn(&mut self, code: &'static str, at: &str, msg: String, help: &str) {
        self.sink.push(Diagnostic::warning(code, self.prov.locate(at), msg).help(help));
    }

    fn path_item(&mut self, item: &mut Value, at: &str) {
        let Some(obj) = item.as_object_mut() else { return };
        for (key, v) in obj.iter_mut() {
            let here = ptr(at, key);
            if key == "parameters" {
                self.parameters(v, &here);
            } else if METHODS.contains(&key.as_str()) {
                self.operation(v, &here);
            }
        }
    }

    fn parameters(&mut self, list: &mut Value, at: &str) {
        if let Some(list) = list.as_array_mut() {
            for (i, p) in list.iter_mut().enumerate() {
                self.parameter(p, &ptr(at, &i.to_string()));
            }
        }
    }

    fn operation(&mut self, op: &mut Value, at: &str) {
        let Some(obj) = op.as_object_mut() else { return };
        // 3.1 makes `responses` optional (no documented answer); 3.0
        // requires it, and the shape check has already said so.
        obj.entry("responses").or_insert_with(|| json!({}));
        for (key, v) in obj.iter_mut() {
            let here = ptr(at, key);
            match key.as_str() {
                "parameters" => self.parameters(v, &here),
                "requestBody" => self.content_holder(v, &here),
                "responses" => {
                    if let Some(rs) = v.as_object_mut() {
                        for (status, r) in rs.iter_mut() {
                            self.response(r, &ptr(&here, status));
                        }
                    }
                }
                "callbacks" => {
                    if let Some(cbs) = v.as_object_mut() {
                        for (name, cb) in cbs.iter_mut() {
                            let place = ptr(&here, name);
                            self.callback(cb, &place);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn callback(&mut self, cb: &mut Value, at: &str) {
        if let Some(cb) = cb.as_object_mut() {
            for (expr, item) in cb.iter_mut() {
                self.path_item(item, &ptr(at, expr));
            }
        }
    }

    /// Parameters and headers: a `schema` or a `content` map.
    fn parameter(&mut self, p: &mut Value, at: &str) {
        if let Some(s) = p.get_mut("schema") {
            self.schema(s, &ptr(at, "schema"));
        }
        self.content_holder(p, at);
    }

    fn response(&mut self, r: &mut Value, at: &str) {
        if let Some(headers) = r.get_mut("headers").and_then(Value::as_object_mut) {
            for (name, h) in headers.iter_mut() {
                self.parameter(h, &ptr(&ptr(at, "headers"), name));
            }
        }
        self.content_holder(r, at);
    }

    /// Anything with a `content` map of media types.
    fn content_holder(&mut self, v: &mut Value, at: &str) {
        let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) else { return };
        for (mt, media) in content.iter_mut() {
            let here = ptr(&ptr(at, "content"), mt);
            if let Some(s) = media.get_mut("schema") {
                self.schema(s, &ptr(&here, "schema"));
            }
            if let Some(enc) = media.get_mut("encoding").and_then(Value::as_object_mut) {
                for (prop, e) in enc.iter_mut() {
                    if let Some(hs) = e.get_mut("headers").and_then(Value::as_object_mut) {
                        for (name, h) in hs.iter_mut() {
                            self.parameter(h, &ptr(&ptr(&ptr(&here, "encoding"), prop), name));
                        }
                    }
                }
            }
        }
    }

    fn schema(&mut self, s: &mut Value, at: &str) {
        match s {
            Value::Bool(true) => *s = json!({}),
            Value::Bool(false) => *s = json!({"not": {}}),
            Value::Object(_) => {}
            _ => {
                self.warn(
                    "schema.invalid",
                    at,
                    format!("a schema must be an object or a boolean, found `{s}`; treated as any value"),
                    "replace it with a schema object",
                );
                *s = json!({});
            }
        }
        let Value::Object(obj) = s else { return };
        self.ref_siblings(obj);
        self.recurse(obj, at);
        self.carry_keywords(obj, at);
        self.type_array(obj, at);
        self.const_and_examples(obj, at);
        self.exclusive_bounds(obj);
        self.null_branches(obj);
        self.integer_bounds(obj, at);
        if obj.get("enum").and_then(Value::as_array).is_some_and(|e| e.iter().any(Value::is_null)) {
            obj.insert("nullable".into(), json!(true));
        }
        if obj.get("contentEncoding").and_then(Value::as_str) == Some("base64") && !obj.contains_key("format") {
            obj.insert("format".into(), json!("byte"));
        }
        self.unknown_keywords(obj, at);
    }

    /// `$ref` next to other keywords: 3.1 applies both, 3.0 ignores the
    /// siblings. `allOf: [{$ref}]` plus the siblings keeps both meanings
    /// (and the description) in 3.0 terms.
    fn ref_siblings(&mut self, obj: &mut Map<String, Value>) {
        if obj.contains_key("$ref") && obj.len() > 1 {
            let r = obj.shift_remove("$ref").unwrap_or(Value::Null);
            let mut all_of = vec![json!({"$ref": r})];
            if let Some(Value::Array(existing)) = obj.shift_remove("allOf") {
                all_of.extend(existing);
            }
            obj.insert("allOf".into(), Value::Array(all_of));
        }
    }

    fn recurse(&mut self, obj: &mut Map<String, Value>, at: &str) {
        for (key, v) in obj.iter_mut() {
            let here = ptr(at, key);
            match key.as_str() {
                "properties" | "$defs" | "definitions" => {
                    if let Some(props) = v.as_object_mut() {
                        for (name, p) in props.iter_mut() {
                            self.schema(p, &ptr(&here, name));
                        }
                    }
                }
                "items" if v.is_array() => {
                    // Draft-4 tuple form: the first item type stands for all.
                    self.warn(
                        "schema.tuple",
                        &here,
                        "`items` as an array (a tuple) has no 3.0 equivalent; the first item's schema is used".into(),
                        "describe the array with a single `items` schema",
                    );
                    let first = v.as_array().and_then(|a| a.first().cloned()).unwrap_or(json!({}));
                    *v = first;
                    self.schema(v, &here);
                }
                "items" | "not" => self.schema(v, &here),
                "additionalProperties" if v.is_object() => self.schema(v, &here),
                "allOf" | "anyOf" | "oneOf" => {
                    if let Some(list) = v.as_array_mut() {
                        for (i, b) in list.iter_mut().enumerate() {
                            self.schema(b, &ptr(&here, &i.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Moves the 2020-12 keywords into [`KEYWORDS`], their schemas
    /// normalised in place (boolean schemas stay booleans: `false` is
    /// what `unevaluatedProperties: false` means). `const` is copied: it
    /// also becomes a one-value `enum` for the Rust type.
    fn carry_keywords(&mut self, obj: &mut Map<String, Value>, at: &str) {
        let mut carried = Map::new();
        if let Some(c) = obj.get("const").filter(|c| !c.is_null()) {
            carried.insert("const".into(), c.clone());
        }
        let keys: Vec<String> = obj.keys().cloned().collect();
        for key in keys {
            let here = ptr(at, &key);
            let k = key.as_str();
            let mut v = if CARRIED_SCHEMA.contains(&k)
                || k == CARRIED_SCHEMA_LIST
                || CARRIED_SCHEMA_MAP.contains(&k)
                || CARRIED_VALUE.contains(&k)
            {
                obj.shift_remove(k).unwrap_or(Value::Null)
            } else {
                continue;
            };
            let mut sub = |v: &mut Value, at: &str| {
                if !v.is_boolean() {
                    self.schema(v, at);
                }
            };
            if CARRIED_SCHEMA.contains(&k) {
                sub(&mut v, &here);
            } else if k == CARRIED_SCHEMA_LIST {
                for (i, item) in v.as_array_mut().into_iter().flatten().enumerate() {
                    sub(item, &ptr(&here, &i.to_string()));
                }
            } else if CARRIED_SCHEMA_MAP.contains(&k) {
                for (name, item) in v.as_object_mut().into_iter().flatten() {
                    sub(item, &ptr(&here, name));
                }
            }
            carried.insert(key, v);
        }
        if !carried.is_empty() {
            obj.insert(KEYWORDS.into(), Value::Object(carried));
        }
    }

    fn type_array(&mut self, obj: &mut Map<String, Value>, at: &str) {
        let types: Vec<String> = match obj.get("type") {
            Some(Value::Array(ts)) => ts.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
            Some(Value::String(t)) if t == "null" => vec!["null".to_owned()],
            _ => return,
        };
        let nullable = types.iter().any(|t| t == "null");
        let mut rest: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
        rest.dedup();
        if nullable {
            obj.insert("nullable".into(), json!(true));
        }
        match rest.len() {
            0 => {
                obj.shift_remove("type");
                obj.insert("x-apigen-null".into(), json!(true));
            }
            1 => {
                obj.insert("type".into(), json!(rest[0]));
            }
            _ => {
                obj.shift_remove("type");
                let branches: Vec<Value> = rest.iter().map(|t| Value::Object(split_for_type(obj, t))).collect();
                for t in &rest {
                    for k in keywords_of(t) {
                        obj.shift_remove(*k);
                    }
                }
                if let Some(existing) = obj.shift_remove("anyOf") {
                    let all = obj.entry("allOf").or_insert_with(|| json!([]));
                    if let Some(all) = all.as_array_mut() {
                        all.push(json!({"anyOf": existing}));
                    } else {
                        self.warn("schema.type-array", at, "could not combine `type` array with `allOf`".into(), "");
                    }
                }
                obj.insert("anyOf".into(), Value::Array(branches));
            }
        }
    }

    fn const_and_examples(&mut self, obj: &mut Map<String, Value>, at: &str) {
        if let Some(c) = obj.shift_remove("const") {
            if c.is_null() {
                obj.insert("nullable".into(), json!(true));
                obj.insert("x-apigen-null".into(), json!(true));
            } else {
                if obj.contains_key("enum") {
                    self.warn(
                        "schema.const-enum",
                        at,
                        "both `const` and `enum`; `const` wins".into(),
                        "keep only one of them",
                    );
                }
                obj.insert("enum".into(), json!([c]));
            }
        }
        match obj.shift_remove("examples") {
            Some(Value::Array(mut list)) if !list.is_empty() => {
                if !obj.contains_key("example") {
                    obj.insert("example".into(), list.swap_remove(0));
                }
            }
            Some(Value::Array(_)) | None => {}
            Some(other) => {
                self.warn(
                    "schema.examples",
                    &ptr(at, "examples"),
                    "schema `examples` must be an array; ignored".into(),
                    "write `examples: [value, ...]` or `example: value`",
                );
                drop(other);
            }
        }
    }

    fn exclusive_bounds(&mut self, obj: &mut Map<String, Value>) {
        for (ex, bound, tighter) in [
            ("exclusiveMinimum", "minimum", f64::max as fn(f64, f64) -> f64),
            ("exclusiveMaximum", "maximum", f64::min),
        ] {
            let Some(Value::Number(n)) = obj.get(ex).cloned() else { continue };
            // The exclusive bound wins unless the inclusive one is tighter.
            let keep_inclusive = obj.get(bound).and_then(Value::as_f64).is_some_and(|b| {
                let x = n.as_f64().unwrap_or(b);
                tighter(b, x) == b && b != x
            });
            if keep_inclusive {
                obj.shift_remove(ex);
            } else {
                obj.insert(bound.into(), Value::Number(n));
                obj.insert(ex.into(), json!(true));
            }
        }
    }

    /// `anyOf`/`oneOf` branches that only admit `null` become `nullable`.
    fn null_branches(&mut self, obj: &mut Map<String, Value>) {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(branches)) = obj.get_mut(key) else { continue };
            let before = branches.len();
            branches.retain(|b| !is_null_only(b));
            if branches.len() != before {
                obj.insert("nullable".into(), json!(true));
                if obj.get(key).and_then(Value::as_array).is_some_and(Vec::is_empty) {
                    obj.shift_remove(key);
                    obj.insert("x-apigen-null".into(), json!(true));
                }
            }
        }
    }

    /// openapiv3 reads integer bounds as `i64`: `1.0` must be `1`, and
    /// bounds beyond 64 bits (seen in real specs) are clamped.
    fn integer_bounds(&mut self, obj: &mut Map<String, Value>, at: &str) {
        if obj.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for key in ["minimum", "maximum", "multipleOf"] {
            let Some(Value::Number(n)) = obj.get(key) else { continue };
            if n.is_i64() {
                continue;
            }
            let f = n.as_f64().unwrap_or(0.0);
            if key == "multipleOf" && f.fract() != 0.0 {
                self.warn(
                    "schema.integer-bound",
                    &ptr(at, key),
                    format!("`multipleOf: {n}` on an integer is not an integer; ignored"),
                    "use an integer multipleOf",
                );
                obj.shift_remove(key);
                continue;
            }
            let clamped = f.clamp(i64::MIN as f64, i64::MAX as f64);
            let v = if key == "minimum" { clamped.ceil() } else { clamped.floor() } as i64;
            if (v as f64 - f).abs() > 1.0 {
                self.warn(
                    "schema.integer-bound",
                    &ptr(at, key),
                    format!("integer `{key}: {n}` lies beyond 64 bits; clamped to {v}"),
                    "use a bound that fits in i64, or type: number",
                );
            }
            obj.insert(key.into(), json!(v));
        }
    }

    fn unknown_keywords(&mut self, obj: &mut Map<String, Value>, at: &str) {
        let keys: Vec<String> = obj.keys().cloned().collect();
        for key in keys {
            if key.starts_with("x-") || KNOWN.contains(&key.as_str()) || IGNORED.contains(&key.as_str()) {
                continue;
            }
            let (code, msg) = if UNSUPPORTED.contains(&key.as_str()) {
                (
                    "schema.unsupported-keyword",
                    format!("`{key}` has no OpenAPI 3.0 equivalent; its constraint is not enforced"),
                )
            } else {
                ("schema.unknown-keyword", format!("unknown schema keyword `{key}`; ignored"))
            };
            let help = match self.version {
                Version::V31 => "express the constraint with 3.0-compatible keywords, or accept that it is not checked",
                Version::V30 => "remove it, or move it under an `x-` extension",
            };
            self.warn(code, &ptr(at, &key), msg, help);
        }
    }
}

fn is_null_only(b: &Value) -> bool {
    let Some(o) = b.as_object() else { return false };
    o.get("x-apigen-null") == Some(&json!(true))
        || o.get("type").and_then(Value::as_str) == Some("null")
        || o.get("enum").and_then(Value::as_array).is_some_and(|e| !e.is_empty() && e.iter().all(Value::is_null))
}

fn keywords_of(t: &str) -> &'static [&'static str] {
    match t {
        "string" => &["minLength", "maxLength", "pattern", "format"],
        "integer" | "number" => &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "format"],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &["properties", "required", "additionalProperties", "minProperties", "maxProperties"],
        _ => &[],
    }
}

/// The branch `{type: t, ...}` of a multi-type schema, carrying the
/// keywords that apply to `t`.
fn split_for_type(obj: &Map<String, Value>, t: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!(t));
    for k in keywords_of(t) {
        if let Some(v) = obj.get(*k) {
            m.insert((*k).into(), v.clone());
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(schema: Value) -> (Value, Sink) {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "components": {"schemas": {"S": schema}}});
        let mut sink = Sink::default();
        normalize(&mut doc, &Provenance::single("t.yaml"), &mut sink).unwrap();
        (doc["components"]["schemas"]["S"].clone(), sink)
    }

    #[test]
    fn type_arrays_and_null() {
        assert_eq!(norm(json!({"type": ["string", "null"]})).0, json!({"type": "string", "nullable": true}));
        let (s, _) = norm(json!({"type": ["string", "integer"], "maxLength": 3, "minimum": 1}));
        assert_eq!(s["anyOf"], json!([{"type": "string", "maxLength": 3}, {"type": "integer", "minimum": 1}]));
        assert_eq!(norm(json!({"type": "null"})).0, json!({"nullable": true, "x-apigen-null": true}));
    }

    #[test]
    fn null_branch_of_any_of() {
        let (s, _) = norm(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}));
        assert_eq!(s, json!({"anyOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}));
    }

    #[test]
    fn const_examples_bounds_booleans() {
        assert_eq!(norm(json!({"const": "a"})).0, json!({"enum": ["a"], "x-apigen-keywords": {"const": "a"}}));
        assert_eq!(
            norm(json!({"type": "string", "examples": ["x", "y"]})).0,
            json!({"type": "string", "example": "x"})
        );
        assert_eq!(
            norm(json!({"type": "number", "exclusiveMinimum": 0})).0,
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})
        );
        assert_eq!(norm(json!(false)).0, json!({"not": {}}));
        assert_eq!(norm(json!(true)).0, json!({}));
    }

    #[test]
    fn ref_with_siblings_becomes_all_of() {
        let (s, _) = norm(json!({"$ref": "#/components/schemas/A", "description": "d"}));
        assert_eq!(s, json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]}));
    }

    #[test]
    fn huge_integer_bound_is_clamped_and_reported() {
        let (s, sink) = norm(json!({"type": "integer", "minimum": -9223372036854776000.0_f64}));
        assert_eq!(s["minimum"], json!(i64::MIN));
        assert!(sink.diagnostics.is_empty() || sink.diagnostics[0].code == "schema.integer-bound");
        let (s, _) = norm(json!({"type": "integer", "maximum": 10.0}));
        assert_eq!(s["maximum"], json!(10));
    }

    #[test]
    fn unsupported_keywords_are_reported() {
        let (_, sink) = norm(json!({"type": "array", "$dynamicRef": "#node"}));
        let d = &sink.diagnostics[0];
        assert_eq!(d.code, "schema.unsupported-keyword");
        assert_eq!(d.location.pointer, "/components/schemas/S/$dynamicRef");
    }

    #[test]
    fn json_schema_2020_keywords_are_carried_normalised() {
        let (s, sink) = norm(json!({"type": "array", "prefixItems": [{"type": ["string", "null"]}],
            "contains": {"const": "a"}, "minContains": 2, "unevaluatedItems": false}));
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
        assert_eq!(
            s,
            json!({"type": "array", "x-apigen-keywords": {
                "prefixItems": [{"type": "string", "nullable": true}],
                "contains": {"enum": ["a"], "x-apigen-keywords": {"const": "a"}},
                "minContains": 2, "unevaluatedItems": false}})
        );
    }

    /// Callbacks stay where they are and webhooks move under
    /// `x-apigen-webhooks`, both normalised like paths: the receiver is
    /// generated from them (`lower::incoming`), nothing is dropped.
    #[test]
    fn callbacks_and_webhooks_are_kept_for_the_receiver() {
        let hook = json!({"{$request.body#/url}": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"type": ["string", "null"]}}}}, "responses": {"200": {"description": "ok"}}}}});
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/subscribe": {
            "post": {"callbacks": {"onEvent": hook},
                "responses": {"201": {"description": "created"}}}}},
            "webhooks": {"ping": {"post": {"requestBody": {"content": {"application/json": {
                "schema": {"type": ["integer", "null"]}}}}}}}});
        let mut sink = Sink::default();
        normalize(&mut doc, &Provenance::single("t.yaml"), &mut sink).unwrap();
        assert_eq!(sink.diagnostics, []);
        assert!(doc.get("webhooks").is_none());
        let ping = &doc[WEBHOOKS]["ping"]["post"];
        assert_eq!(
            ping["requestBody"]["content"]["application/json"]["schema"],
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(ping["responses"], json!({}), "3.0 requires responses");
        let callback = &doc["paths"]["/subscribe"]["post"]["callbacks"]["onEvent"]["{$request.body#/url}"]["post"];
        assert_eq!(
            callback["requestBody"]["content"]["application/json"]["schema"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn versions() {
        let p = Provenance::single("t.yaml");
        assert_eq!(version(&json!({"swagger": "2.0"}), &p).unwrap_err().diagnostics[0].code, "version.swagger");
        assert_eq!(version(&json!({"openapi": "4.0.0"}), &p).unwrap_err().diagnostics[0].code, "version.unsupported");
        assert_eq!(version(&json!({"openapi": "3.0.3"}), &p).unwrap(), Version::V30);
    }
}
