//! Deserialization into `openapiv3`, degrading instead of refusing.
//!
//! A schema `openapiv3` cannot read (reached through a `$ref` to a node
//! that was never a schema, or with a keyword of the wrong kind that the
//! shape check could not see) becomes `{}`, any JSON value, at its own
//! pointer; an operation that cannot be read is left out. Each is a
//! located warning, and the rest of the API is generated. What is broken
//! elsewhere (the document's top level, `info`, a component that is not a
//! schema) is still an error: leaving it out would make the output wrong.

use super::Provenance;
use crate::diag::{Diagnostic, Error, Result, Sink, ptr};
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::{Value, json};

/// At most this many schemas and operations are degraded; past it the
/// document is refused (each attempt reads the whole document again).
const MAX_DEGRADED: usize = 200;

/// `value` as `openapiv3` reads it, `components` and the rest read side by
/// side; `None` when either fails (the caller then finds where, slowly).
fn read_fast(value: &Value) -> Option<OpenAPI> {
    let Value::Object(top) = value else { return None };
    let Some(components) = top.get("components") else { return OpenAPI::deserialize(value).ok() };
    std::thread::scope(|scope| {
        let components = scope.spawn(|| openapiv3::Components::deserialize(components).ok());
        let mut openapi = read_without_components(top)?;
        openapi.components = Some(components.join().ok()??);
        Some(openapi)
    })
}

/// The document without `components`: `top`'s other members, read into an
/// `OpenAPI` whose `components` is `None`.
fn read_without_components(top: &serde_json::Map<String, Value>) -> Option<OpenAPI> {
    let paths = top.get("paths").map(openapiv3::Paths::deserialize).transpose().ok()?;
    // What is left is small (`info`, `servers`, `tags`…): read from a copy,
    // with an empty `paths` standing in for the one read above (none where
    // the document has none, so that reads as it did).
    let mut small: serde_json::Map<String, Value> =
        top.iter().filter(|(k, _)| *k != "components" && *k != "paths").map(|(k, v)| (k.clone(), v.clone())).collect();
    if paths.is_some() {
        small.insert("paths".into(), json!({}));
    }
    let mut openapi = OpenAPI::deserialize(Value::Object(small)).ok()?;
    openapi.paths = paths.unwrap_or_default();
    Some(openapi)
}

/// What is left out or made untyped for a deserialization failure.
#[derive(Debug, PartialEq, Eq)]
enum Culprit {
    Schema(String),
    Operation(String),
}

/// `openapiv3` deserialization of `value`; what cannot be read is degraded
/// with a warning in `sink`.
pub fn deserialize(mut value: Value, prov: &Provenance, sink: &mut Sink) -> Result<OpenAPI> {
    // Most documents read as they are, and then fast: without tracking
    // the path, and `components` on a thread of its own beside the rest
    // (GitHub's: 180 ms in one piece, path tracked).
    if let Some(openapi) = read_fast(&value) {
        // Freeing the document's tree is tens of milliseconds more: done
        // beside the stages that follow.
        std::thread::spawn(move || drop(value));
        return Ok(openapi);
    }
    let mut degraded = 0;
    loop {
        let (pointer, message) = match serde_path_to_error::deserialize::<_, OpenAPI>(&value) {
            Ok(openapi) => return Ok(openapi),
            Err(e) => (pointer_of(e.path()), e.inner().to_string()),
        };
        let culprit = culprit(&value, &pointer);
        let Some(culprit) = culprit.filter(|_| degraded < MAX_DEGRADED) else {
            return Err(Error::one(
                Diagnostic::error(
                    "openapi.structure",
                    prov.locate(&pointer),
                    format!("not a valid OpenAPI object here: {message}"),
                )
                .help("fix the value at this location so it matches the OpenAPI 3.0/3.1 specification"),
            ));
        };
        degraded += 1;
        match culprit {
            Culprit::Schema(at) => {
                let why = schema_error(value.pointer(&at)).unwrap_or(message);
                if let Some(s) = value.pointer_mut(&at) {
                    let description = s.get("description").filter(|d| d.is_string()).cloned();
                    *s = json!({});
                    if let Some(d) = description {
                        s["description"] = d;
                    }
                }
                sink.push(
                    Diagnostic::warning(
                        "schema.degraded",
                        prov.locate(&at),
                        format!("not a schema apigen can read ({why}); typed as any JSON value (`serde_json::Value`)"),
                    )
                    .help("fix the schema here so that it follows the OpenAPI specification"),
                );
            }
            Culprit::Operation(at) => {
                if let Some((item, method)) = at.rsplit_once('/')
                    && let Some(item) = value.pointer_mut(item).and_then(Value::as_object_mut)
                {
                    item.shift_remove(method);
                }
                sink.push(
                    Diagnostic::warning(
                        "operation.dropped",
                        prov.locate(&pointer),
                        format!("the operation at {at} cannot be read ({message}); it is left out"),
                    )
                    .help("fix the value at this location so it matches the OpenAPI 3.0/3.1 specification"),
                );
            }
        }
    }
}

/// The JSON pointer of a `serde_path_to_error` path.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for seg in path.iter() {
        use serde_path_to_error::Segment;
        match seg {
            Segment::Seq { index } => pointer = ptr(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = ptr(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Why `openapiv3` cannot read `v` as a schema, if it cannot.
fn schema_error(v: Option<&Value>) -> Option<String> {
    ReferenceOr::<Schema>::deserialize(v?).err().map(|e| e.to_string())
}

/// The innermost schema at or below `pointer` that cannot be read; else
/// the operation that holds `pointer`.
fn culprit(doc: &Value, pointer: &str) -> Option<Culprit> {
    let tokens: Vec<String> = pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect();
    // `openapiv3`'s untagged enums stop the path at the enum: the failure
    // may lie anywhere below it.
    let start = enclosing_schema(&tokens).unwrap_or_else(|| pointer.to_string());
    let in_schema = enclosing_schema(&tokens).is_some();
    if let Some(at) = failing_schema(doc.pointer(&start)?, &start, in_schema) {
        return Some(Culprit::Schema(at));
    }
    // `openapiv3` flattens `paths` too: the path may stop at `/paths`.
    if tokens.first().is_some_and(|t| t != "paths") {
        return None;
    }
    if let [_, path, method, ..] = tokens.as_slice()
        && is_method(method)
    {
        return Some(Culprit::Operation(ptr(&ptr("/paths", path), method)));
    }
    // The first operation that fails alone, in the path item named, or in any.
    let items = doc.get("paths")?.as_object()?;
    let named = tokens.get(1);
    items.iter().filter(|(path, _)| named.is_none_or(|n| n == *path)).find_map(|(path, item)| {
        let (method, _) =
            item.as_object()?.iter().find(|(m, op)| is_method(m) && openapiv3::Operation::deserialize(*op).is_err())?;
        Some(Culprit::Operation(ptr(&ptr("/paths", path), method)))
    })
}

fn is_method(m: &str) -> bool {
    matches!(m, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace")
}

/// The pointer of the innermost schema that `tokens` lie in, read from
/// the keywords on the way.
pub(super) fn enclosing_schema(tokens: &[String]) -> Option<String> {
    let mut found = None;
    let mut at = String::new();
    let mut in_schema = false;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        let next = tokens.get(i + 1);
        // How many tokens the next schema's pointer takes, if one starts here.
        let step = match (in_schema, t) {
            (false, "components") if next.is_some_and(|n| n == "schemas") && i + 2 < tokens.len() => 3,
            (false, "schema") => 1,
            (true, "properties" | "allOf" | "anyOf" | "oneOf") if next.is_some() => 2,
            (true, "items" | "additionalProperties" | "not") => 1,
            (true, _) => break,
            (false, _) => 0,
        };
        if step == 0 {
            at = ptr(&at, t);
            i += 1;
            continue;
        }
        for t in &tokens[i..i + step] {
            at = ptr(&at, t);
        }
        i += step;
        in_schema = true;
        found = Some(at.clone());
    }
    found
}

/// The innermost schema in `v` (at `at`) that cannot be read, looking
/// through non-schema objects (`v` itself is a schema when `is_schema`).
fn failing_schema(v: &Value, at: &str, is_schema: bool) -> Option<String> {
    if is_schema {
        schema_error(Some(v))?;
        let children = schema_children(v, at);
        return Some(children.into_iter().find_map(|(c, p)| failing_schema(c, &p, true)).unwrap_or(at.to_string()));
    }
    match v {
        Value::Object(o) => o.iter().find_map(|(k, c)| match k.as_str() {
            "schema" => failing_schema(c, &ptr(at, k), true),
            "example" | "examples" | "default" | "enum" => None,
            k if k.starts_with("x-") => None,
            _ => failing_schema(c, &ptr(at, k), false),
        }),
        Value::Array(a) => a.iter().enumerate().find_map(|(i, c)| failing_schema(c, &ptr(at, &i.to_string()), false)),
        _ => None,
    }
}

/// The schemas directly inside schema `v` (at `at`).
fn schema_children<'v>(v: &'v Value, at: &str) -> Vec<(&'v Value, String)> {
    let mut out = Vec::new();
    let Some(o) = v.as_object() else { return out };
    for (k, c) in o {
        let here = ptr(at, k);
        match (k.as_str(), c) {
            ("properties", Value::Object(props)) => out.extend(props.iter().map(|(n, p)| (p, ptr(&here, n)))),
            ("allOf" | "anyOf" | "oneOf", Value::Array(list)) => {
                out.extend(list.iter().enumerate().map(|(i, b)| (b, ptr(&here, &i.to_string()))))
            }
            ("items" | "additionalProperties" | "not", Value::Object(_)) => out.push((c, here)),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(doc: Value) -> (Result<OpenAPI>, Vec<Diagnostic>) {
        let mut sink = Sink::default();
        let r = deserialize(doc, &Provenance::single("t.yaml"), &mut sink);
        (r, sink.diagnostics)
    }

    fn base(paths: Value, schemas: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths,
            "components": {"schemas": schemas}})
    }

    #[test]
    fn the_innermost_bad_schema_becomes_any_value() {
        let doc = base(
            json!({}),
            json!({"Pet": {"type": "object", "properties": {
                "name": {"type": "string"},
                "tag": {"type": "object", "properties": {"odd": {"type": "string", "format": {"x": 1}}}}}}}),
        );
        let (r, ds) = run(doc);
        let api = r.unwrap();
        assert_eq!(ds.len(), 1, "{ds:?}");
        assert_eq!(ds[0].code, "schema.degraded");
        assert_eq!(ds[0].location.pointer, "/components/schemas/Pet/properties/tag/properties/odd");
        let ReferenceOr::Item(pet) = &api.components.unwrap().schemas["Pet"] else { panic!() };
        let openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) = &pet.schema_kind else { panic!("{pet:?}") };
        assert!(o.properties.contains_key("name"), "the rest of the schema is kept");
    }

    #[test]
    fn an_unreadable_operation_is_left_out_and_the_rest_kept() {
        let doc = base(
            json!({"/a": {"get": {"responses": {"200": {"description": "ok"}}},
                          "post": {"responses": {"200": {"description": "ok"}}, "deprecated": "yes"}}}),
            json!({}),
        );
        let (r, ds) = run(doc);
        let api = r.unwrap();
        let ReferenceOr::Item(item) = &api.paths.paths["/a"] else { panic!() };
        assert!(item.get.is_some() && item.post.is_none());
        assert_eq!(ds[0].code, "operation.dropped");
        assert!(ds[0].message.contains("/paths/~1a/post"), "{}", ds[0].message);
    }

    #[test]
    fn a_broken_top_level_is_still_refused() {
        let (r, _) = run(json!({"openapi": "3.0.3", "info": {"title": 5}, "paths": {}}));
        assert_eq!(r.unwrap_err().diagnostics[0].code, "openapi.structure");
    }

    #[test]
    fn schema_pointers_are_read_from_keywords() {
        let tokens = |p: &str| p.split('/').skip(1).map(|t| t.replace("~1", "/")).collect::<Vec<_>>();
        assert_eq!(
            enclosing_schema(&tokens("/components/schemas/A/properties/b/items/type")).as_deref(),
            Some("/components/schemas/A/properties/b/items")
        );
        assert_eq!(
            enclosing_schema(&tokens("/paths/~1a/get/parameters/0/schema/allOf/1")).as_deref(),
            Some("/paths/~1a/get/parameters/0/schema/allOf/1")
        );
        assert_eq!(enclosing_schema(&tokens("/paths/~1a/get/parameters/0")), None);
    }
}
