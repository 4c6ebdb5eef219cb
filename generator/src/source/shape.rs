//! The shape of OpenAPI objects, checked before anything reads them.
//!
//! A value of the wrong kind (`paths: []`, `responses: "x"`,
//! `parameters: {}`, `properties: [a, b]`) is reported at its own pointer,
//! every one of them. Without this, normalisation skips such values
//! silently and `openapiv3`'s deserializer, which flattens maps, names only
//! an ancestor (`/paths`) or says that no variant of an untagged enum
//! matched. Keys the tables do not list are left to deserialization.

use super::Provenance;
use super::normalize::describe;
use crate::diag::{Diagnostic, Sink, ptr};
use serde_json::Value;

/// What a field holds.
#[derive(Clone, Copy)]
enum Shape {
    Str,
    Bool,
    /// A map with the fields of an object kind.
    Object(Kind),
    /// A map whose every value has the given kind.
    MapOf(Kind),
    /// A list whose every item has the given kind.
    ListOf(Kind),
    /// A schema: a map or (3.1) a boolean; anything else normalisation
    /// reports and reads as "any value".
    Schema,
    /// `type`: a name or (3.1) a list of names.
    StrOrList,
    /// `items`: a schema or (draft 4) a list of schemas.
    SchemaOrList,
    /// One of these strings.
    Word(&'static [&'static str]),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Info,
    PathItem,
    Operation,
    Parameter,
    /// A header object: a parameter without `name` and `in`.
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Components,
    Callback,
    Server,
    Schema,
    Discriminator,
    SecurityScheme,
    /// A map whose fields are not checked (security requirements, tags).
    AnyMap,
    /// A string (list items such as `required` names).
    Str,
    /// Anything (enum values, examples).
    Any,
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn fields(kind: Kind) -> &'static [(&'static str, Shape)] {
    use Kind as K;
    use Shape::*;
    match kind {
        K::Root => &[
            ("openapi", Str),
            ("info", Object(K::Info)),
            ("paths", MapOf(K::PathItem)),
            ("components", Object(K::Components)),
            ("servers", ListOf(K::Server)),
            ("security", ListOf(K::AnyMap)),
            ("tags", ListOf(K::AnyMap)),
        ],
        K::Info => &[("title", Str), ("version", Str), ("description", Str)],
        K::PathItem => &[
            ("$ref", Str),
            ("summary", Str),
            ("description", Str),
            ("servers", ListOf(K::Server)),
            ("parameters", ListOf(K::Parameter)),
            ("get", Object(K::Operation)),
            ("put", Object(K::Operation)),
            ("post", Object(K::Operation)),
            ("delete", Object(K::Operation)),
            ("options", Object(K::Operation)),
            ("head", Object(K::Operation)),
            ("patch", Object(K::Operation)),
            ("trace", Object(K::Operation)),
        ],
        K::Operation => &[
            ("operationId", Str),
            ("summary", Str),
            ("description", Str),
            ("deprecated", Bool),
            ("tags", ListOf(K::Str)),
            ("parameters", ListOf(K::Parameter)),
            ("requestBody", Object(K::RequestBody)),
            ("responses", MapOf(K::Response)),
            ("callbacks", MapOf(K::Callback)),
            ("security", ListOf(K::AnyMap)),
            ("servers", ListOf(K::Server)),
        ],
        // And the fields of a header object.
        K::Parameter => &[("name", Str), ("in", Word(&["path", "query", "header", "cookie"]))],
        K::Header => &[
            ("$ref", Str),
            ("description", Str),
            ("required", Bool),
            ("deprecated", Bool),
            ("style", Str),
            ("explode", Bool),
            ("schema", Schema),
            ("content", MapOf(K::MediaType)),
        ],
        K::RequestBody => &[("$ref", Str), ("description", Str), ("required", Bool), ("content", MapOf(K::MediaType))],
        K::Response => {
            &[("$ref", Str), ("description", Str), ("headers", MapOf(K::Header)), ("content", MapOf(K::MediaType))]
        }
        K::MediaType => &[("schema", Schema), ("encoding", MapOf(K::Encoding))],
        K::Encoding => &[("contentType", Str), ("headers", MapOf(K::Header))],
        K::Components => &[
            ("schemas", MapOf(K::Schema)),
            ("responses", MapOf(K::Response)),
            ("parameters", MapOf(K::Parameter)),
            ("requestBodies", MapOf(K::RequestBody)),
            ("headers", MapOf(K::Header)),
            ("securitySchemes", MapOf(K::SecurityScheme)),
            ("pathItems", MapOf(K::PathItem)),
            ("callbacks", MapOf(K::Callback)),
        ],
        K::Server => &[("url", Str), ("description", Str), ("variables", MapOf(K::AnyMap))],
        K::Schema => &[
            ("$ref", Str),
            ("type", StrOrList),
            ("format", Str),
            ("pattern", Str),
            ("nullable", Bool),
            ("properties", MapOf(K::Schema)),
            ("required", ListOf(K::Str)),
            ("additionalProperties", Schema),
            ("items", SchemaOrList),
            ("not", Schema),
            ("allOf", ListOf(K::Schema)),
            ("anyOf", ListOf(K::Schema)),
            ("oneOf", ListOf(K::Schema)),
            ("enum", ListOf(K::Any)),
            ("discriminator", Object(K::Discriminator)),
        ],
        K::Discriminator => &[("propertyName", Str), ("mapping", MapOf(K::Str))],
        K::SecurityScheme => &[
            ("$ref", Str),
            ("type", Word(&["apiKey", "http", "oauth2", "openIdConnect", "mutualTLS"])),
            ("name", Str),
            ("in", Word(&["header", "query", "cookie"])),
            ("scheme", Str),
            ("flows", Object(K::AnyMap)),
        ],
        K::Callback | K::AnyMap | K::Str | K::Any => &[],
    }
}

/// Fields an object of a kind cannot do without (unless it is a `$ref`),
/// with what to write. Alternatives are separated by `|`.
fn required(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Operation => {
            &[("responses", "add `responses:` with at least one status, e.g. `\"200\": {description: OK}`")]
        }
        Kind::Response => &[("description", "add `description:` (it may be an empty string)")],
        Kind::Parameter => &[
            ("name", "add the parameter's `name:`"),
            ("in", "add `in:` (`path`, `query`, `header` or `cookie`)"),
            ("schema|content", "add a `schema:` (or a `content:` map) saying what the value is"),
        ],
        Kind::Header => &[("schema|content", "add a `schema:` (or a `content:` map) saying what the value is")],
        Kind::Discriminator => &[("propertyName", "add `propertyName:`, the property that names the variant")],
        Kind::SecurityScheme => &[("type", "add `type:` (`apiKey`, `http`, `oauth2`, `openIdConnect` or `mutualTLS`)")],
        _ => &[],
    }
}

/// Reports every value of the wrong kind in `doc` as an error in `sink`,
/// except inside a schema: there the keyword is dropped (see [`degrade`])
/// with a warning, so that one odd schema does not cost the whole API.
/// Returns the pointers of the keywords to drop.
pub fn check(doc: &Value, prov: &Provenance, sink: &mut Sink) -> Vec<String> {
    let v31 = doc.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
    let mut checker = Checker { prov, sink, in_schema: false, dropped: Vec::new(), v31 };
    checker.node(doc, "", Kind::Root);
    checker.dropped
}

/// Removes the keywords [`check`] dropped.
pub fn degrade(doc: &mut Value, dropped: &[String]) {
    // Last first, so that removing an item of a list leaves the indices of
    // the items before it as they were.
    for at in dropped.iter().rev() {
        super::overlay::remove_at(doc, at);
    }
}

struct Checker<'a> {
    prov: &'a Provenance,
    sink: &'a mut Sink,
    /// Inside a schema, where a keyword of the wrong kind is dropped.
    in_schema: bool,
    dropped: Vec<String>,
    /// OpenAPI 3.1, where an operation's `responses` are optional.
    v31: bool,
}

impl Checker<'_> {
    /// A value that should be of `kind` (its own kind is checked by the caller).
    fn node(&mut self, v: &Value, at: &str, kind: Kind) {
        let Value::Object(obj) = v else { return };
        if kind == Kind::Callback {
            for (expr, item) in obj {
                self.field(item, &ptr(at, expr), expr, Shape::Object(Kind::PathItem));
            }
            return;
        }
        if !obj.contains_key("$ref") {
            for (keys, help) in required(kind) {
                if self.v31 && kind == Kind::Operation && *keys == "responses" {
                    continue;
                }
                if !keys.split('|').any(|k| obj.contains_key(k)) {
                    let what = keys.split('|').map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ");
                    let message = format!("{what} is missing here");
                    self.report("structure.missing", at, message, help);
                }
            }
        }
        let outer = self.in_schema;
        self.in_schema |= kind == Kind::Schema;
        let header: &[_] = if kind == Kind::Parameter { fields(Kind::Header) } else { &[] };
        for (key, shape) in fields(kind).iter().chain(header) {
            if let Some(child) = obj.get(*key) {
                self.field(child, &ptr(at, key), key, *shape);
            }
        }
        if matches!(kind, Kind::Parameter | Kind::Header)
            && let Some(style) = obj.get("style")
        {
            // The styles each location allows (a header object has no `in`).
            let styles: &'static [&'static str] = match obj.get("in").and_then(Value::as_str) {
                Some("path") => &["simple", "label", "matrix"],
                Some("query") => &["form", "spaceDelimited", "pipeDelimited", "deepObject"],
                Some("cookie") => &["form"],
                _ => &["simple"],
            };
            self.field(style, &ptr(at, "style"), "style", Shape::Word(styles));
        }
        self.in_schema = outer;
    }

    /// An error, or inside a schema a warning that drops the value at `at`.
    fn report(&mut self, code: &'static str, at: &str, message: String, help: &str) {
        let d = if self.in_schema {
            self.dropped.push(at.to_string());
            let message = format!("{message}; the keyword is ignored, so what it said is neither typed nor checked");
            Diagnostic::warning(code, self.prov.locate(at), message)
        } else {
            Diagnostic::error(code, self.prov.locate(at), message)
        };
        self.sink.push(d.help(help));
    }

    fn field(&mut self, v: &Value, at: &str, key: &str, shape: Shape) {
        let fits = match shape {
            Shape::Str => v.is_string(),
            Shape::Bool => v.is_boolean(),
            Shape::Object(_) | Shape::MapOf(_) => v.is_object(),
            Shape::ListOf(_) => v.is_array(),
            Shape::Schema => true,
            Shape::StrOrList => v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            Shape::SchemaOrList => !v.is_string() && !v.is_number() && !v.is_null(),
            Shape::Word(words) => v.as_str().is_some_and(|w| words.contains(&w)),
        };
        if !fits {
            self.wrong(v, at, key, shape);
            return;
        }
        match (shape, v) {
            (Shape::Object(kind), _) => self.node(v, at, kind),
            (Shape::Schema | Shape::SchemaOrList, Value::Object(_)) => self.node(v, at, Kind::Schema),
            (Shape::SchemaOrList, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.node(item, &ptr(at, &i.to_string()), Kind::Schema);
                }
            }
            (Shape::MapOf(kind), Value::Object(entries)) => {
                for (name, entry) in entries {
                    self.item(entry, &ptr(at, name), name, kind);
                }
            }
            (Shape::ListOf(kind), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.item(item, &ptr(at, &i.to_string()), &format!("{key}[{i}]"), kind);
                }
            }
            _ => {}
        }
    }

    /// An entry of a map or list of `kind`.
    fn item(&mut self, v: &Value, at: &str, name: &str, kind: Kind) {
        match kind {
            Kind::Any => {}
            Kind::Str => self.field(v, at, name, Shape::Str),
            Kind::Schema => self.field(v, at, name, Shape::Schema),
            kind => self.field(v, at, name, Shape::Object(kind)),
        }
    }

    fn wrong(&mut self, v: &Value, at: &str, key: &str, shape: Shape) {
        if let Shape::Word(words) = shape {
            let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
            let help =
                if key == "style" { "use a style the parameter's location allows" } else { "use one of these values" };
            self.sink.push(
                Diagnostic::error(
                    "structure.value",
                    self.prov.locate(at),
                    format!(
                        "`{key}` must be one of {}, found `{}`",
                        words.join(", "),
                        v.as_str().unwrap_or(&v.to_string())
                    ),
                )
                .help(help),
            );
            return;
        }
        let expected = match shape {
            Shape::Str => "a string",
            Shape::Bool => "`true` or `false`",
            Shape::Object(_) | Shape::MapOf(_) => "a map",
            Shape::ListOf(_) => "a list",
            Shape::Schema => "a schema",
            Shape::StrOrList => "a type name or a list of type names",
            Shape::SchemaOrList => "a schema (a map)",
            Shape::Word(_) => "a keyword",
        };
        let help = match shape {
            Shape::MapOf(Kind::Response) => "write it as a map from status to response: `\"200\": {description: OK}`",
            Shape::MapOf(Kind::PathItem) => "write it as a map from path to path item: `/pets: {get: {...}}`",
            Shape::MapOf(Kind::MediaType) => {
                "write it as a map from media type to media type object: `application/json: {schema: {...}}`"
            }
            Shape::MapOf(Kind::Schema) => "write it as a map from name to schema: `name: {type: string}`",
            Shape::ListOf(Kind::Parameter) => {
                "write it as a list of parameters: `- {name: id, in: path, required: true, schema: {type: string}}`"
            }
            Shape::Object(Kind::Operation) => {
                "an operation is a map with `responses` (and `parameters`, `requestBody`, ...); \
                 a path item's other keys must not be HTTP methods"
            }
            _ => "change the value to the kind the OpenAPI specification defines for this key",
        };
        // Method names are operations only directly under a path item.
        let what = if METHODS.contains(&key) { format!("operation `{key}`") } else { format!("`{key}`") };
        self.report("structure.type", at, format!("{what} must be {expected}, found {}", describe(v)), help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(doc: Value) -> Vec<Diagnostic> {
        let mut sink = Sink::default();
        check(&doc, &Provenance::single("t.yaml"), &mut sink);
        sink.diagnostics
    }

    #[test]
    fn each_wrong_kind_is_reported_at_its_pointer() {
        let ds = errors(json!({"openapi": "3.0.3", "paths": {
            "/a": {"get": {"responses": "x", "parameters": {}}},
            "/b": {"post": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object", "properties": ["a"], "required": "a"}}}}}}}}}));
        let at: Vec<&str> = ds.iter().map(|d| d.location.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "/paths/~1a/get/parameters",
                "/paths/~1a/get/responses",
                "/paths/~1b/post/responses/200/content/application~1json/schema/properties",
                "/paths/~1b/post/responses/200/content/application~1json/schema/required",
            ]
        );
        assert_eq!(ds[1].message, "`responses` must be a map, found a string");
        assert!(ds[1].help.contains("\"200\": {description: OK}"));
    }

    /// Inside a schema, a keyword of the wrong kind costs that keyword,
    /// not the API: a warning, and the keyword is dropped.
    #[test]
    fn wrong_kinds_inside_schemas_are_dropped_with_a_warning() {
        let mut doc = json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {
            "application/json": {"schema": {"type": "object", "required": true, "properties": {
                "n": {"type": {"kind": "integer"}, "format": "int32"},
                "l": {"type": "array", "items": {"type": "string"}, "enum": [1, 2]}}}}}}}}}}});
        let mut sink = Sink::default();
        let dropped = check(&doc, &Provenance::single("t.yaml"), &mut sink);
        assert!(
            sink.diagnostics.iter().all(|d| d.severity == crate::diag::Severity::Warning),
            "{:?}",
            sink.diagnostics
        );
        let schema = "/paths/~1a/get/responses/200/content/application~1json/schema";
        assert_eq!(dropped, [format!("{schema}/properties/n/type"), format!("{schema}/required")]);
        degrade(&mut doc, &dropped);
        let s = doc.pointer(schema).unwrap();
        assert_eq!(s["properties"]["n"], json!({"format": "int32"}));
        assert!(s.get("required").is_none() && s["type"] == "object");
    }

    #[test]
    fn parameter_locations_and_styles() {
        let ds = errors(json!({"paths": {"/a": {"get": {"responses": {}, "parameters": [
            {"name": "a", "in": "body", "schema": {}},
            {"name": "b", "in": "query", "style": "simple", "schema": {}},
            {"name": "c", "in": "path", "style": "label", "schema": {}}]}}}}));
        let at: Vec<&str> = ds.iter().map(|d| d.location.pointer.as_str()).collect();
        assert_eq!(at, ["/paths/~1a/get/parameters/0/in", "/paths/~1a/get/parameters/1/style"]);
        assert!(ds[0].message.contains("`in` must be one of `path`, `query`, `header`, `cookie`, found `body`"));
    }

    #[test]
    fn missing_fields_are_named_where_they_belong() {
        let ds = errors(json!({"paths": {"/a": {"get": {"parameters": [{"in": "query", "schema": {}}]},
            "put": {"responses": {"200": {"headers": {"X": {}}}, "204": {"$ref": "#/components/responses/R"}}}}}}));
        let found: Vec<String> = ds.iter().map(|d| format!("{} {}", d.location.pointer, d.message)).collect();
        assert_eq!(
            found,
            [
                "/paths/~1a/get `responses` is missing here",
                "/paths/~1a/get/parameters/0 `name` is missing here",
                "/paths/~1a/put/responses/200 `description` is missing here",
                "/paths/~1a/put/responses/200/headers/X `schema` or `content` is missing here",
            ]
        );
    }

    #[test]
    fn responses_are_optional_in_3_1_only() {
        let doc = |v: &str| json!({"openapi": v, "paths": {"/a": {"get": {}}}});
        let mut sink = Sink::default();
        check(&doc("3.1.0"), &Provenance::single("t.yaml"), &mut sink);
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
        let ds = errors(doc("3.0.3"));
        assert_eq!(ds.len(), 1);
        assert_eq!(
            (ds[0].location.pointer.as_str(), ds[0].message.as_str()),
            ("/paths/~1a/get", "`responses` is missing here")
        );
    }

    #[test]
    fn valid_documents_pass() {
        let ds = errors(json!({"openapi": "3.1.0", "paths": {"/a/{id}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": ["string", "null"], "items": [{"type": "string"}]}}}}},
                "callbacks": {"cb": {"{$request.body#/url}": {"post": {"responses": {}}}}}}}},
            "components": {"schemas": {"B": true, "E": {"enum": [1, null, {"a": 1}]}},
                "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}}}}));
        assert!(ds.is_empty(), "{ds:?}");
    }
}
