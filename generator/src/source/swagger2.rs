//! Swagger 2.0 → OpenAPI 3.0, on the raw document, before merging and
//! normalisation (so everything after this module sees one model).
//!
//! | Swagger 2.0                                     | becomes (3.0)                                          |
//! |-------------------------------------------------|--------------------------------------------------------|
//! | `swagger: "2.0"`                                | `openapi: 3.0.3`                                       |
//! | `host`, `basePath`, `schemes`                   | one `servers` entry per scheme                         |
//! | `definitions`                                   | `components/schemas` (and every `$ref` to them)        |
//! | `parameters` (`in: query/path/header`)          | `components/parameters`, the type in `schema`          |
//! | `collectionFormat`                              | `style`/`explode` (`tsv` reported: it has no style)    |
//! | `in: body` parameter                            | `requestBody`, one media type per `consumes`           |
//! | `in: formData` parameters                       | one form `requestBody` (multipart when a file is sent) |
//! | response `schema`, `examples`, `headers`        | `content` per `produces`, headers with a `schema`      |
//! | `securityDefinitions` (`basic`, `oauth2` flows) | `components/securitySchemes` (`http`, `flows`)         |
//! | `x-nullable: true`                              | `nullable: true`                                       |
//! | `type: file`                                    | `type: string, format: binary`                         |
//! | `discriminator: prop`                           | `discriminator: {propertyName: prop}`                  |
//!
//! Warnings name the 2.0 location (the input the user can edit), and so do
//! later diagnostics ([`original_pointer`]); a parameter 3.0 cannot carry
//! is left out of its operation, reported.

use super::Provenance;
use crate::diag::{Diagnostic, Sink, ptr};
use serde_json::{Map, Value, json};

/// Whether `doc` is a Swagger 2.0 document (YAML reads an unquoted
/// `swagger: 2.0` as a number, which is read the same).
pub fn is_swagger2(doc: &Value) -> bool {
    match doc.get("swagger") {
        Some(Value::String(s)) => s == "2.0",
        Some(Value::Number(n)) => n.as_f64() == Some(2.0),
        _ => false,
    }
}

/// Converts a Swagger 2.0 document in place to the OpenAPI 3.0 model.
/// Structure too broken to convert is an error in `sink` (the caller
/// checks it); anything 3.0 cannot carry is a warning.
pub fn convert(doc: &mut Value, prov: &Provenance, sink: &mut Sink) {
    let Value::Object(src) = std::mem::take(doc) else { return };
    let mut cx = Cx { prov, sink, src: &src };
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    for (key, v) in &src {
        match key.as_str() {
            "swagger"
            | "host"
            | "basePath"
            | "schemes"
            | "consumes"
            | "produces"
            | "definitions"
            | "parameters"
            | "responses"
            | "securityDefinitions"
            | "paths" => {}
            // info, tags, security, externalDocs and extensions mean the same in 3.0.
            _ => {
                out.insert(key.clone(), v.clone());
            }
        }
    }
    if let Some(servers) = cx.servers() {
        out.insert("servers".into(), servers);
    }
    let mut components = Map::new();
    if let Some(defs) = cx.map("definitions") {
        let schemas = defs.iter().map(|(k, s)| (k.clone(), cx.schema(s, &ptr("/definitions", k)))).collect();
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if let Some(params) = cx.map("parameters") {
        // Body and form parameters become part of each operation's request
        // body where they are referenced; the others are parameters.
        let mut kept = Map::new();
        for (name, p) in params {
            let at = ptr("/parameters", name);
            if !matches!(p.get("in").and_then(Value::as_str), Some("body" | "formData"))
                && let Some(p) = cx.parameter(p, &at)
            {
                kept.insert(name.clone(), p);
            }
        }
        components.insert("parameters".into(), Value::Object(kept));
    }
    if let Some(responses) = cx.map("responses") {
        let produces = cx.media_types(None, "produces");
        let converted =
            responses.iter().map(|(k, r)| (k.clone(), cx.response(r, &ptr("/responses", k), &produces))).collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(defs) = cx.map("securityDefinitions") {
        let schemes =
            defs.iter().map(|(k, s)| (k.clone(), cx.security_scheme(s, &ptr("/securityDefinitions", k)))).collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let paths = match src.get("paths") {
        Some(Value::Object(paths)) => {
            Value::Object(paths.iter().map(|(p, item)| (p.clone(), cx.path_item(item, &ptr("/paths", p)))).collect())
        }
        // Left as it is, for the shape check to report in 3.0 words.
        Some(other) => other.clone(),
        None => json!({}),
    };
    out.insert("paths".into(), paths);
    let mut out = Value::Object(out);
    rewrite_refs(&mut out);
    *doc = out;
}

/// The 2.0 location of a pointer into the converted document, for
/// messages about it: the sections by their 2.0 names, and a media type's
/// schema as the `schema` it came from. (Parameter indices may differ
/// where body and form parameters became a request body.)
pub fn original_pointer(pointer: &str) -> String {
    let mut out = pointer.to_string();
    for (from, to) in [
        ("/components/schemas/", "/definitions/"),
        ("/components/parameters/", "/parameters/"),
        ("/components/responses/", "/responses/"),
        ("/components/securitySchemes/", "/securityDefinitions/"),
    ] {
        if let Some(rest) = out.strip_prefix(from) {
            out = format!("{to}{rest}");
        }
    }
    // `.../content/<media type>/schema...` → `.../schema...`.
    if let Some(i) = out.find("/content/")
        && !out[..i].ends_with("/properties")
        && let Some(j) = out[i + 9..].find("/schema").map(|j| i + 9 + j)
        && !out[i + 9..j].contains('/')
        && out[j + 7..].chars().next().is_none_or(|c| c == '/')
    {
        out = format!("{}{}", &out[..i], &out[j..]);
    }
    out
}

struct Cx<'a> {
    prov: &'a Provenance,
    sink: &'a mut Sink,
    src: &'a Map<String, Value>,
}

/// Keywords a 2.0 non-body parameter or header shares with a schema.
const SCHEMA_KEYS: [&str; 18] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
    "x-example",
];

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

impl<'a> Cx<'a> {
    fn warn(&mut self, code: &'static str, at: &str, msg: impl Into<String>, help: &str) {
        self.sink.push(Diagnostic::warning(code, self.prov.locate(at), msg).help(help));
    }

    fn error(&mut self, code: &'static str, at: &str, msg: impl Into<String>, help: &str) {
        self.sink.push(Diagnostic::error(code, self.prov.locate(at), msg).help(help));
    }

    /// A top-level map; anything else there is an error.
    fn map(&mut self, key: &str) -> Option<&'a Map<String, Value>> {
        let src: &'a Map<String, Value> = self.src;
        match src.get(key) {
            Some(Value::Object(m)) => Some(m),
            None => None,
            Some(other) => {
                let what = super::normalize::describe(other);
                self.error(
                    "swagger2.structure",
                    &ptr("", key),
                    format!("`{key}` must be a map, found {what}"),
                    "write it as a map from name to definition",
                );
                None
            }
        }
    }

    /// `host` + `basePath` + `schemes` → 3.0 server URLs.
    fn servers(&mut self) -> Option<Value> {
        let host = self.src.get("host").and_then(Value::as_str);
        let base = self.src.get("basePath").and_then(Value::as_str).unwrap_or("");
        let base = base.trim_end_matches('/');
        let Some(host) = host else {
            // Without a host, the API is served where the document is:
            // a relative server URL says the same.
            return (!base.is_empty()).then(|| json!([{"url": base}]));
        };
        let mut schemes: Vec<&str> =
            self.src.get("schemes").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        if schemes.is_empty() {
            schemes.push("https");
        }
        let urls: Vec<Value> = schemes
            .iter()
            .filter(|s| matches!(**s, "http" | "https"))
            .map(|s| json!({"url": format!("{s}://{host}{base}")}))
            .collect();
        if urls.len() < schemes.len() {
            self.warn(
                "swagger2.scheme",
                "/schemes",
                "only `http` and `https` schemes become servers; `ws`/`wss` are left out",
                "describe WebSocket endpoints outside the HTTP API",
            );
        }
        Some(Value::Array(urls))
    }

    /// Whether an operation's `schemes` differ from the document's: with
    /// no `host`, the server URL is relative and its scheme whatever the
    /// client uses.
    fn other_schemes(&self, schemes: &Value) -> bool {
        let set = |v: Option<&Value>| -> std::collections::BTreeSet<String> {
            v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
        };
        let mut document = set(self.src.get("schemes"));
        if document.is_empty() {
            document.insert("https".into());
        }
        self.src.contains_key("host") && set(Some(schemes)) != document
    }

    /// `consumes`/`produces` of an operation, else of the document, else JSON.
    fn media_types(&self, op: Option<&Value>, key: &str) -> Vec<String> {
        let list = |v: Option<&Value>| -> Option<Vec<String>> {
            let list: Vec<String> = v?.as_array()?.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            (!list.is_empty()).then_some(list)
        };
        list(op.and_then(|o| o.get(key)))
            .or_else(|| list(self.src.get(key)))
            .unwrap_or_else(|| vec!["application/json".into()])
    }

    /// A 2.0 schema: `x-nullable`, `type: file` and the string
    /// `discriminator` are 3.0 spelled differently; the rest is shared.
    fn schema(&mut self, s: &Value, at: &str) -> Value {
        let Value::Object(obj) = s else { return s.clone() };
        let mut out = Map::new();
        for (key, v) in obj {
            let here = ptr(at, key);
            let v = match key.as_str() {
                "x-nullable" => {
                    out.insert("nullable".into(), v.clone());
                    continue;
                }
                "type" if v == "file" => {
                    out.insert("format".into(), json!("binary"));
                    json!("string")
                }
                "discriminator" if v.is_string() => json!({"propertyName": v}),
                "properties" | "definitions" => match v {
                    Value::Object(props) => {
                        Value::Object(props.iter().map(|(k, p)| (k.clone(), self.schema(p, &ptr(&here, k)))).collect())
                    }
                    other => other.clone(),
                },
                "items" | "additionalProperties" | "not" => self.schema(v, &here),
                "allOf" | "anyOf" | "oneOf" => match v {
                    Value::Array(list) => Value::Array(
                        list.iter().enumerate().map(|(i, b)| self.schema(b, &ptr(&here, &i.to_string()))).collect(),
                    ),
                    other => other.clone(),
                },
                _ => v.clone(),
            };
            out.insert(key.clone(), v);
        }
        Value::Object(out)
    }

    /// The schema of a non-body parameter, header or `items`: its
    /// type keywords, with nested `items` converted the same way.
    fn simple_schema(&mut self, p: &Map<String, Value>, at: &str) -> Value {
        let mut schema = Map::new();
        for key in SCHEMA_KEYS {
            let Some(v) = p.get(key) else { continue };
            match key {
                "items" => {
                    let items_at = ptr(at, "items");
                    let items = match v {
                        Value::Object(i) => {
                            if i.get("collectionFormat").and_then(Value::as_str).is_some_and(|f| f != "csv") {
                                self.warn(
                                    "swagger2.collection-format",
                                    &ptr(&items_at, "collectionFormat"),
                                    "a `collectionFormat` of nested array items has no 3.0 style; the inner arrays are sent as JSON values",
                                    "flatten the parameter to one array",
                                );
                            }
                            self.simple_schema(i, &items_at)
                        }
                        other => other.clone(),
                    };
                    schema.insert("items".into(), items);
                }
                "x-nullable" => {
                    schema.insert("nullable".into(), v.clone());
                }
                "x-example" => {
                    schema.insert("example".into(), v.clone());
                }
                _ => {
                    schema.insert(key.into(), v.clone());
                }
            }
        }
        self.schema(&Value::Object(schema), at)
    }

    /// A query, path, header or cookie parameter; `None` (reported) when
    /// 3.0 cannot carry it.
    fn parameter(&mut self, p: &Value, at: &str) -> Option<Value> {
        let Value::Object(p) = p else { return Some(p.clone()) };
        if p.contains_key("$ref") {
            return Some(Value::Object(p.clone()));
        }
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let mut out = Map::new();
        for (key, v) in p {
            if !SCHEMA_KEYS.contains(&key.as_str()) && key != "collectionFormat" {
                out.insert(key.clone(), v.clone());
            }
        }
        if p.get("type").and_then(Value::as_str) == Some("file") {
            self.warn(
                "swagger2.file-parameter",
                at,
                format!("a `type: file` parameter must be `in: formData`, found `in: {location}`; left out"),
                "send the file in a form (`in: formData`) or a body",
            );
            return None;
        }
        if p.contains_key("type") {
            out.insert("schema".into(), self.simple_schema(p, at));
        } else if !p.contains_key("schema") {
            self.error(
                "swagger2.structure",
                at,
                "a non-body parameter needs a `type`",
                "add `type:` (`string`, `integer`, `number`, `boolean` or `array`)",
            );
            return None;
        }
        let is_array = p.get("type").and_then(Value::as_str) == Some("array");
        if is_array {
            let format = p.get("collectionFormat").and_then(Value::as_str).unwrap_or("csv");
            let style = match (format, location) {
                ("csv", "query" | "cookie") => Some(("form", false)),
                ("csv", _) => Some(("simple", false)),
                ("multi", "query" | "cookie") => Some(("form", true)),
                ("ssv", "query") => Some(("spaceDelimited", false)),
                ("pipes", "query") => Some(("pipeDelimited", false)),
                _ => None,
            };
            match style {
                Some((style, explode)) => {
                    out.insert("style".into(), json!(style));
                    out.insert("explode".into(), json!(explode));
                }
                None => self.warn(
                    "swagger2.collection-format",
                    &ptr(at, "collectionFormat"),
                    format!(
                        "`collectionFormat: {format}` in `{location}` has no OpenAPI 3.0 style; the values are sent comma-separated"
                    ),
                    "use `csv` (or `multi`, `ssv`, `pipes` for a query parameter)",
                ),
            }
        }
        Some(Value::Object(out))
    }

    fn response(&mut self, r: &Value, at: &str, produces: &[String]) -> Value {
        let Value::Object(r) = r else { return r.clone() };
        if r.contains_key("$ref") {
            return Value::Object(r.clone());
        }
        let mut out = Map::new();
        for (key, v) in r {
            match key.as_str() {
                "schema" | "examples" => {}
                "headers" => {
                    let Value::Object(hs) = v else {
                        out.insert(key.clone(), v.clone());
                        continue;
                    };
                    let headers = hs
                        .iter()
                        .map(|(name, h)| {
                            let here = ptr(&ptr(at, "headers"), name);
                            let header = match h {
                                Value::Object(h) => {
                                    let mut o: Map<String, Value> = h
                                        .iter()
                                        .filter(|(k, _)| !SCHEMA_KEYS.contains(&k.as_str()) && *k != "collectionFormat")
                                        .map(|(k, v)| (k.clone(), v.clone()))
                                        .collect();
                                    o.insert("schema".into(), self.simple_schema(h, &here));
                                    Value::Object(o)
                                }
                                other => other.clone(),
                            };
                            (name.clone(), header)
                        })
                        .collect();
                    out.insert(key.clone(), Value::Object(headers));
                }
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        // Each media type produced gets the schema; an example of a media
        // type (produced or not) is kept, with no schema when there is none.
        let mut content = Map::new();
        if let Some(schema) = r.get("schema") {
            let schema = self.schema(schema, &ptr(at, "schema"));
            for mt in produces {
                content.insert(mt.clone(), json!({"schema": schema}));
            }
        }
        for (mt, example) in r.get("examples").and_then(Value::as_object).into_iter().flatten() {
            let media = content.entry(mt.clone()).or_insert_with(|| json!({}));
            media["example"] = example.clone();
        }
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    fn security_scheme(&mut self, s: &Value, at: &str) -> Value {
        let Value::Object(s) = s else { return s.clone() };
        let mut out: Map<String, Value> = s
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "description" | "name" | "in") || k.starts_with("x-"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        match s.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("oauth2") => {
                out.insert("type".into(), json!("oauth2"));
                let flow = s.get("flow").and_then(Value::as_str).unwrap_or("");
                let (name, urls): (&str, &[&str]) = match flow {
                    "implicit" => ("implicit", &["authorizationUrl"]),
                    "password" => ("password", &["tokenUrl"]),
                    "application" => ("clientCredentials", &["tokenUrl"]),
                    "accessCode" => ("authorizationCode", &["authorizationUrl", "tokenUrl"]),
                    _ => {
                        self.error(
                            "swagger2.structure",
                            &ptr(at, "flow"),
                            format!("unknown oauth2 `flow` `{flow}`"),
                            "use `implicit`, `password`, `application` or `accessCode`",
                        );
                        return Value::Object(out);
                    }
                };
                let mut f = Map::new();
                for url in urls {
                    f.insert((*url).into(), s.get(*url).cloned().unwrap_or(json!("")));
                }
                f.insert("scopes".into(), s.get("scopes").cloned().unwrap_or(json!({})));
                out.insert("flows".into(), json!({ name: f }));
            }
            // `apiKey`, and anything else for the shape check to report.
            _ => {
                if let Some(t) = s.get("type") {
                    out.insert("type".into(), t.clone());
                }
            }
        }
        Value::Object(out)
    }

    fn path_item(&mut self, item: &Value, at: &str) -> Value {
        let Value::Object(item) = item else { return item.clone() };
        let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut out = Map::new();
        for (key, v) in item {
            let here = ptr(at, key);
            if METHODS.contains(&key.as_str()) {
                let op = self.operation(v, &here, &shared, &ptr(at, "parameters"));
                out.insert(key.clone(), op);
            } else if key == "parameters" {
                // Body and form parameters go into each operation's body.
                let mut kept = Vec::new();
                for (i, p) in shared.iter().enumerate() {
                    if !self.is_body_or_form(p) {
                        kept.extend(self.parameter(p, &ptr(&here, &i.to_string())));
                    }
                }
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Array(kept));
                }
            } else {
                out.insert(key.clone(), v.clone());
            }
        }
        Value::Object(out)
    }

    /// The parameter itself, or the one its `#/parameters/...` `$ref` names.
    fn deref<'v>(&self, p: &'v Value) -> Option<&'v Value>
    where
        'a: 'v,
    {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let name = r.strip_prefix("#/parameters/")?;
                let name = super::refs::percent_decode(name).replace("~1", "/").replace("~0", "~");
                self.src.get("parameters")?.get(&name)
            }
            None => Some(p),
        }
    }

    fn is_body_or_form(&self, p: &Value) -> bool {
        self.deref(p).and_then(|p| p.get("in")).and_then(Value::as_str).is_some_and(|i| i == "body" || i == "formData")
    }

    /// An operation: its parameters split into parameters and one request
    /// body, its responses given media types.
    fn operation(&mut self, op: &Value, at: &str, shared: &[Value], shared_at: &str) -> Value {
        let Value::Object(obj) = op else { return op.clone() };
        let consumes = self.media_types(Some(op), "consumes");
        let produces = self.media_types(Some(op), "produces");
        // Path-level parameters apply unless the operation redefines one
        // (same name and location).
        let own: Vec<(String, Value)> = match obj.get("parameters") {
            Some(Value::Array(list)) => {
                list.iter().enumerate().map(|(i, p)| (ptr(&ptr(at, "parameters"), &i.to_string()), p.clone())).collect()
            }
            _ => Vec::new(),
        };
        let key = |cx: &Self, p: &Value| {
            cx.deref(p).map(|p| (p.get("name").cloned(), p.get("in").cloned())).unwrap_or((None, None))
        };
        let mut all: Vec<(String, Value)> = shared
            .iter()
            .enumerate()
            .filter(|(_, p)| !own.iter().any(|(_, o)| key(self, o) == key(self, p)))
            .map(|(i, p)| (ptr(shared_at, &i.to_string()), p.clone()))
            .collect();
        all.extend(own);
        let mut parameters = Vec::new();
        let mut body: Option<(String, Value)> = None;
        let mut form: Vec<(String, Value)> = Vec::new();
        for (p_at, p) in &all {
            let Some(resolved) = self.deref(p).cloned() else {
                // A `$ref` elsewhere: `refs` reports it if it resolves nowhere.
                parameters.push(p.clone());
                continue;
            };
            match resolved.get("in").and_then(Value::as_str) {
                Some("body") if body.is_some() => self.warn(
                    "swagger2.body",
                    p_at,
                    "an operation has one body; this second body parameter is left out",
                    "keep one `in: body` parameter",
                ),
                Some("body") => body = Some((p_at.clone(), resolved)),
                Some("formData") => form.push((p_at.clone(), resolved)),
                _ => parameters.extend(self.parameter(p, p_at)),
            }
        }
        let mut out = Map::new();
        for (key, v) in obj {
            let here = ptr(at, key);
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    if !parameters.is_empty() {
                        out.insert(key.clone(), Value::Array(std::mem::take(&mut parameters)));
                    }
                }
                "responses" => {
                    let converted = match v {
                        Value::Object(rs) => Value::Object(
                            rs.iter()
                                .map(|(status, r)| (status.clone(), self.response(r, &ptr(&here, status), &produces)))
                                .collect(),
                        ),
                        other => other.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
                "schemes" if self.other_schemes(v) => self.warn(
                    "swagger2.scheme",
                    &here,
                    "per-operation `schemes` are not carried over; the operation uses the document's servers",
                    "set `schemes` on the document instead",
                ),
                "schemes" => {}
                _ => {
                    out.insert(key.clone(), v.clone());
                }
            }
        }
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        if let Some((b_at, b)) = body {
            if !form.is_empty() {
                self.warn(
                    "swagger2.body",
                    &form[0].0,
                    "an operation with a body parameter cannot also have form parameters; the form parameters are left out",
                    "use either one `in: body` parameter or `in: formData` parameters",
                );
            }
            out.insert("requestBody".into(), self.body(&b, &b_at, &consumes));
        } else if !form.is_empty() {
            out.insert("requestBody".into(), self.form(&form, &consumes));
        }
        Value::Object(out)
    }

    /// An `in: body` parameter → a request body with one media type per
    /// `consumes` entry.
    fn body(&mut self, p: &Value, at: &str, consumes: &[String]) -> Value {
        let schema = match p.get("schema") {
            Some(s) => self.schema(s, &ptr(at, "schema")),
            None => {
                self.error(
                    "swagger2.structure",
                    at,
                    "an `in: body` parameter needs a `schema`",
                    "add `schema:` saying what the body is",
                );
                json!({})
            }
        };
        let content: Map<String, Value> = consumes.iter().map(|mt| (mt.clone(), json!({"schema": schema}))).collect();
        let mut out = Map::new();
        if let Some(d) = p.get("description") {
            out.insert("description".into(), d.clone());
        }
        out.insert("content".into(), Value::Object(content));
        if p.get("required") == Some(&json!(true)) {
            out.insert("required".into(), json!(true));
        }
        if let Some(name) = p.get("name") {
            out.insert("x-codegen-request-body-name".into(), name.clone());
        }
        Value::Object(out)
    }

    /// `in: formData` parameters → one object schema, sent as multipart
    /// when a file is among them (or `consumes` says so), else urlencoded.
    fn form(&mut self, params: &[(String, Value)], consumes: &[String]) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        for (at, p) in params {
            let Some(obj) = p.as_object() else { continue };
            let Some(name) = obj.get("name").and_then(Value::as_str) else {
                self.error("swagger2.structure", at, "a form parameter needs a `name`", "add `name:`");
                continue;
            };
            has_file |= obj.get("type").and_then(Value::as_str) == Some("file");
            let mut schema = self.simple_schema(obj, at);
            if let Some(d) = obj.get("description") {
                schema["description"] = d.clone();
            }
            properties.insert(name.to_owned(), schema);
            if obj.get("required") == Some(&json!(true)) {
                required.push(json!(name));
            }
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required);
        }
        let forms: Vec<&str> = consumes
            .iter()
            .map(String::as_str)
            .filter(|mt| matches!(*mt, "multipart/form-data" | "application/x-www-form-urlencoded"))
            .filter(|mt| !has_file || *mt == "multipart/form-data")
            .collect();
        let forms = if forms.is_empty() {
            vec![if has_file { "multipart/form-data" } else { "application/x-www-form-urlencoded" }]
        } else {
            forms
        };
        let content: Map<String, Value> =
            forms.iter().map(|mt| ((*mt).to_owned(), json!({"schema": schema}))).collect();
        json!({"content": content})
    }
}

/// Every `$ref` to a 2.0 section, pointed at its 3.0 place. Data (examples,
/// defaults, enums, extensions) is left alone.
fn rewrite_refs(v: &mut Value) {
    rewrite_refs_in(v, "");
}

/// `parent`: the key `v` sits under. Values under `example`, `default`,
/// `enum` and extensions are data, not schemas, except in a map of names
/// (the `default` response of a `responses` map, a property named
/// `default`: Kubernetes' `LimitRangeItem`).
fn rewrite_refs_in(v: &mut Value, parent: &str) {
    let names = matches!(
        parent,
        "responses" | "properties" | "patternProperties" | "definitions" | "schemas" | "parameters" | "headers"
    );
    match v {
        Value::Object(o) => {
            for (k, child) in o.iter_mut() {
                if k == "$ref" {
                    if let Value::String(r) = child {
                        for (from, to) in [
                            ("#/definitions/", "#/components/schemas/"),
                            ("#/parameters/", "#/components/parameters/"),
                            ("#/responses/", "#/components/responses/"),
                        ] {
                            if let Some(rest) = r.strip_prefix(from) {
                                *r = format!("{to}{rest}");
                                break;
                            }
                        }
                    }
                } else if names
                    || !matches!(k.as_str(), "example" | "examples" | "default" | "enum") && !k.starts_with("x-")
                {
                    rewrite_refs_in(child, k);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|child| rewrite_refs_in(child, "")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut doc: Value) -> (Value, Vec<Diagnostic>) {
        let mut sink = Sink::default();
        convert(&mut doc, &Provenance::single("t.yaml"), &mut sink);
        (doc, sink.diagnostics)
    }

    /// Found by the conformance run: openapi-spec-validator rejected
    /// bitbucket's converted document for a dangling `#/definitions/error`.
    #[test]
    fn a_default_response_refers_to_the_converted_schema() {
        let (doc, _) = run(json!({"swagger": "2.0", "info": {"title": "t", "version": "1"},
            "definitions": {"error": {"type": "object", "default": {"$ref": "#/definitions/kept"}}},
            "paths": {"/a": {"get": {"produces": ["application/json"], "responses": {
                "default": {"description": "e", "schema": {"$ref": "#/definitions/error"}}}}}}}));
        let schema = &doc["paths"]["/a"]["get"]["responses"]["default"]["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/error");
        // A schema's `default` is data: a `$ref` in it is not rewritten.
        assert_eq!(doc["components"]["schemas"]["error"]["default"]["$ref"], "#/definitions/kept");
    }

    /// Found by the conformance run: Kubernetes' `LimitRangeItem` has a
    /// property named `default`, a schema whose `$ref` was left in 2.0 form.
    #[test]
    fn a_property_named_default_is_a_schema() {
        let (doc, _) = run(json!({"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "definitions": {"Q": {"type": "string"}, "Item": {"type": "object", "properties": {
                "default": {"type": "object", "additionalProperties": {"$ref": "#/definitions/Q"}}}}}}));
        let item = &doc["components"]["schemas"]["Item"]["properties"]["default"];
        assert_eq!(item["additionalProperties"]["$ref"], "#/components/schemas/Q");
    }

    #[test]
    fn servers_definitions_and_refs() {
        let (doc, ds) = run(json!({"swagger": "2.0", "info": {"title": "t", "version": "1"},
            "host": "api.example.com", "basePath": "/v1/", "schemes": ["https", "http", "ws"],
            "definitions": {"Pet": {"type": "object", "discriminator": "kind", "properties": {
                "tag": {"type": "string", "x-nullable": true},
                "photo": {"type": "file"},
                "owner": {"$ref": "#/definitions/Owner"}}}, "Owner": {}},
            "paths": {}}));
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc.get("swagger").is_none() && doc.get("definitions").is_none());
        assert_eq!(
            doc["servers"],
            json!([{"url": "https://api.example.com/v1"}, {"url": "http://api.example.com/v1"}])
        );
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(pet["discriminator"], json!({"propertyName": "kind"}));
        assert_eq!(pet["properties"]["tag"], json!({"type": "string", "nullable": true}));
        assert_eq!(pet["properties"]["photo"], json!({"type": "string", "format": "binary"}));
        assert_eq!(pet["properties"]["owner"]["$ref"], "#/components/schemas/Owner");
        assert_eq!(ds.len(), 1, "{ds:?}");
        assert_eq!((ds[0].code.as_str(), ds[0].location.pointer.as_str()), ("swagger2.scheme", "/schemes"));
    }

    #[test]
    fn parameters_become_parameters_bodies_and_forms() {
        let (doc, ds) = run(json!({"swagger": "2.0", "consumes": ["application/json", "application/xml"],
            "parameters": {
                "id": {"name": "id", "in": "path", "required": true, "type": "integer", "format": "int64"},
                "pet": {"name": "pet", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Pet"}}},
            "paths": {"/pets/{id}": {
                "parameters": [{"$ref": "#/parameters/id"}],
                "put": {"parameters": [
                    {"$ref": "#/parameters/pet"},
                    {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
                    {"name": "ids", "in": "header", "type": "array", "items": {"type": "integer"}},
                    {"name": "odd", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "tsv"}],
                    "responses": {"204": {"description": "ok"}}},
                "post": {"consumes": ["multipart/form-data", "application/x-www-form-urlencoded"], "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": true},
                    {"name": "note", "in": "formData", "type": "string", "description": "a note"}],
                    "responses": {"204": {"description": "ok"}}}}}}));
        let item = &doc["paths"]["/pets/{id}"];
        assert_eq!(item["parameters"], json!([{"$ref": "#/components/parameters/id"}]));
        assert_eq!(doc["components"]["parameters"]["id"]["schema"], json!({"type": "integer", "format": "int64"}));
        assert!(doc["components"]["parameters"].get("pet").is_none(), "a body is no parameter");
        let put = &item["put"];
        let body = &put["requestBody"];
        assert_eq!(body["required"], true);
        assert_eq!(body["content"]["application/xml"]["schema"]["$ref"], "#/components/schemas/Pet");
        assert_eq!(body["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Pet");
        let params = put["parameters"].as_array().unwrap();
        assert_eq!(params[0], json!({"$ref": "#/components/parameters/id"}), "the path's parameters first");
        assert_eq!((&params[1]["style"], &params[1]["explode"]), (&json!("form"), &json!(true)));
        assert_eq!((&params[2]["style"], &params[2]["explode"]), (&json!("simple"), &json!(false)));
        assert_eq!(params[2]["schema"], json!({"type": "array", "items": {"type": "integer"}}));
        assert!(params[3].get("style").is_none() && params[3].get("collectionFormat").is_none());
        assert_eq!(ds.len(), 1, "{ds:?}");
        assert_eq!(ds[0].location.pointer, "/paths/~1pets~1{id}/put/parameters/3/collectionFormat");
        // A file in the form: multipart only.
        let form = &item["post"]["requestBody"]["content"];
        assert_eq!(form.as_object().unwrap().keys().collect::<Vec<_>>(), ["multipart/form-data"]);
        let schema = &form["multipart/form-data"]["schema"];
        assert_eq!(schema["properties"]["file"], json!({"type": "string", "format": "binary"}));
        assert_eq!(schema["properties"]["note"], json!({"type": "string", "description": "a note"}));
        assert_eq!(schema["required"], json!(["file"]));
    }

    #[test]
    fn responses_and_security() {
        let (doc, ds) = run(json!({"swagger": "2.0", "produces": ["application/json"],
            "securityDefinitions": {
                "basic": {"type": "basic", "description": "user and password"},
                "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
                "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"a": "b"}},
                "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}},
            "responses": {"Gone": {"description": "gone"}},
            "paths": {"/a": {"get": {"responses": {
                "200": {"description": "ok", "schema": {"type": "array", "items": {"$ref": "#/definitions/A"}},
                    "headers": {"X-Rate": {"type": "integer", "description": "left"}},
                    "examples": {"application/json": [1], "text/plain": "one"}},
                "410": {"$ref": "#/responses/Gone"}}}}}}));
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["basic"], json!({"description": "user and password", "type": "http", "scheme": "basic"}));
        assert_eq!(schemes["key"], json!({"name": "X-Key", "in": "header", "type": "apiKey"}));
        assert_eq!(
            schemes["app"]["flows"],
            json!({"clientCredentials": {"tokenUrl": "https://t", "scopes": {"a": "b"}}})
        );
        assert_eq!(
            schemes["code"]["flows"],
            json!({"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}})
        );
        let responses = &doc["paths"]["/a"]["get"]["responses"];
        let ok = &responses["200"];
        assert_eq!(ok["content"]["application/json"]["schema"]["items"]["$ref"], "#/components/schemas/A");
        assert_eq!(ok["content"]["application/json"]["example"], json!([1]));
        assert_eq!(ok["headers"]["X-Rate"], json!({"description": "left", "schema": {"type": "integer"}}));
        assert_eq!(ok["content"]["text/plain"], json!({"example": "one"}), "no schema, yet the example is kept");
        assert_eq!(responses["410"]["$ref"], "#/components/responses/Gone");
        assert!(ds.is_empty(), "{ds:?}");
    }

    #[test]
    fn malformed_parts_are_located_errors() {
        let (_, ds) = run(json!({"swagger": "2.0", "definitions": [],
            "paths": {"/a": {"post": {"parameters": [{"name": "b", "in": "body"}, {"name": "q", "in": "query"}],
                "responses": {"204": {"description": "ok"}}}}}}));
        let found: Vec<(&str, &str)> = ds.iter().map(|d| (d.code.as_str(), d.location.pointer.as_str())).collect();
        assert_eq!(
            found,
            [
                ("swagger2.structure", "/definitions"),
                ("swagger2.structure", "/paths/~1a/post/parameters/1"),
                ("swagger2.structure", "/paths/~1a/post/parameters/0"),
            ]
        );
        assert!(ds.iter().all(|d| d.severity == crate::diag::Severity::Error));
    }

    #[test]
    fn locations_are_said_in_2_0_terms() {
        assert_eq!(original_pointer("/components/schemas/Pet/properties/a"), "/definitions/Pet/properties/a");
        assert_eq!(
            original_pointer("/paths/~1a/get/responses/200/content/application~1json/schema/items"),
            "/paths/~1a/get/responses/200/schema/items"
        );
        assert_eq!(original_pointer("/components/securitySchemes/k"), "/securityDefinitions/k");
        assert_eq!(original_pointer("/paths/~1a/get/operationId"), "/paths/~1a/get/operationId");
    }

    #[test]
    fn unquoted_version_is_read() {
        assert!(is_swagger2(&json!({"swagger": 2.0})));
        assert!(!is_swagger2(&json!({"swagger": "1.2"})));
        assert!(!is_swagger2(&json!({"openapi": "3.0.0"})));
    }
}
