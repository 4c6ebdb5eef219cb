//! Rules about schemas, examples and references.

use super::Hit;
use crate::diag::ptr;
use crate::review::doc::{Doc, Node, all_schemas, words};
use crate::review::instance;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub fn check(doc: &Doc<'_>, hits: &mut Vec<Hit>) {
    let schemas = all_schemas(doc);
    examples(doc, &schemas, hits);
    for (schema, at) in &schemas {
        invalid_pattern(schema, at, hits);
        enum_without_type(schema, at, hits);
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (name, p) in props {
                let node = doc.resolve(p, &ptr(&ptr(at, "properties"), name));
                prose_identifier(name, &node, None, hits);
            }
        }
    }
    for op in doc.operations() {
        for (p, at) in doc.parameters(&op) {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            if let Some(schema) = doc.child(&(p, at.clone()), "schema") {
                prose_identifier(name, &schema, Some((p, at.clone())), hits);
            }
        }
    }
    references(doc, hits);
}

/// Documented examples against their schemas: parameters' and media
/// types' `example`/`examples`, and schemas' own `example`/`examples`.
fn examples(doc: &Doc<'_>, schemas: &[(&Value, String)], hits: &mut Vec<Hit>) {
    let mut sites: Vec<(&Value, &Value, String)> = Vec::new();
    for (schema, at) in schemas {
        if let Some(e) = schema.get("example") {
            sites.push((schema, e, ptr(at, "example")));
        }
        if let Some(Value::Array(list)) = schema.get("examples") {
            for (i, e) in list.iter().enumerate() {
                sites.push((schema, e, ptr(&ptr(at, "examples"), &i.to_string())));
            }
        }
    }
    let mut holders: Vec<Node<'_>> = Vec::new();
    for op in doc.operations() {
        holders.extend(doc.parameters(&op));
        let node = (op.op, op.at.clone());
        if let Some(body) = doc.child(&node, "requestBody") {
            holders.extend(doc.entries(&body, "content").into_iter().map(|(_, m)| m));
        }
        for (_, response) in doc.responses(&op) {
            holders.extend(doc.entries(&response, "content").into_iter().map(|(_, m)| m));
        }
    }
    for holder in &holders {
        let Some((schema, _)) = doc.child(holder, "schema") else { continue };
        if let Some(e) = holder.0.get("example") {
            sites.push((schema, e, ptr(&holder.1, "example")));
        }
        for (_, (example, at)) in doc.entries(holder, "examples") {
            if let Some(value) = example.get("value") {
                sites.push((schema, value, ptr(&at, "value")));
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (schema, value, at) in sites {
        if !seen.insert(at.clone()) {
            continue;
        }
        // One finding per place in the example, all its violations together.
        let mut by_place: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for v in instance::check(doc, schema, value) {
            by_place.entry(v.at).or_default().push(v.message);
        }
        for (place, messages) in by_place {
            let field =
                place.rsplit('/').next().filter(|f| !f.is_empty()).map(|f| format!("`{f}`: ")).unwrap_or_default();
            hits.push(Hit::new(
                "example.schema-violation",
                format!("{at}{place}"),
                format!("the example breaks its own schema: {field}{}", messages.join("; ")),
                "correct the example so that it satisfies the schema (or the schema, if the example shows what the service really accepts)",
            ));
        }
    }
}

fn invalid_pattern(schema: &Value, at: &str, hits: &mut Vec<Hit>) {
    let Some(pattern) = schema.get("pattern").and_then(Value::as_str) else { return };
    if let Err(e) = regress::Regex::new(pattern) {
        hits.push(Hit::new(
            "pattern.invalid",
            ptr(at, "pattern"),
            format!("`{pattern}` is not an ECMA-262 regular expression: {e}"),
            "write the pattern in ECMA-262 syntax (no possessive quantifiers, no `(?i)` flags, `\\d` instead of `[[:digit:]]`)",
        ));
    }
}

fn enum_without_type(schema: &Value, at: &str, hits: &mut Vec<Hit>) {
    let Some(Value::Array(values)) = schema.get("enum") else { return };
    if schema.get("type").is_some() {
        return;
    }
    let ty = match values.iter().find(|v| !v.is_null()) {
        Some(Value::String(_)) | None => "string",
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => "integer",
        Some(Value::Number(_)) => "number",
        Some(Value::Bool(_)) => "boolean",
        Some(_) => "object",
    };
    hits.push(Hit::new(
        "enum.no-type",
        ptr(at, "enum"),
        format!("the enum of {} values has no `type`", values.len()),
        format!("add `type: {ty}` beside the enum"),
    ));
}

/// Words that name an identifier format, which a pattern should state.
const FORMAT_WORDS: [&str; 11] =
    ["hashid", "hashids", "uuid", "guid", "ulid", "arn", "hex", "hexadecimal", "base64", "base58", "slug"];

/// `parameter`: the parameter whose schema this is, which may carry the
/// description instead.
fn prose_identifier(name: &str, (schema, at): &Node<'_>, parameter: Option<Node<'_>>, hits: &mut Vec<Hit>) {
    let is_string = schema.get("type").is_none_or(|t| t == "string");
    let constrained = ["pattern", "format", "enum", "const"].iter().any(|k| schema.get(*k).is_some());
    let name_words = words(name);
    let named_id = name_words.last().is_some_and(|w| matches!(w.as_str(), "id" | "ids" | "key" | "arn" | "hash"));
    if !is_string || constrained || !named_id {
        return;
    }
    // Where the prose is: the schema's description or title, else the
    // parameter's description.
    let mut prose: Vec<(&str, String)> = ["description", "title"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_str).map(|t| (t, ptr(at, k))))
        .collect();
    if let Some((p, p_at)) = parameter
        && let Some(t) = p.get("description").and_then(Value::as_str)
    {
        prose.push((t, ptr(&p_at, "description")));
    }
    let said = prose
        .iter()
        .find_map(|(t, at)| words(t).into_iter().find(|w| FORMAT_WORDS.contains(&w.as_str())).map(|w| (w, at)));
    if let Some((word, said_at)) = said {
        hits.push(Hit::new(
            "identifier.prose-only",
            said_at,
            format!("`{name}` is described as a {word} only in prose: nothing checks its format"),
            format!("state the format: add a `pattern` (and length bounds) saying what a {word} looks like"),
        ));
    }
}

/// Unresolved `$ref`s, and components nothing refers to.
fn references(doc: &Doc<'_>, hits: &mut Vec<Hit>) {
    let mut refs = Vec::new();
    collect_refs(doc.root, "", &mut refs);
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (target, at) in &refs {
        if doc.target(target).is_none() {
            let outside = !target.starts_with('#');
            hits.push(Hit::new(
                "ref.unresolved",
                ptr(at, "$ref"),
                if outside {
                    format!("`{target}` points outside the document")
                } else {
                    format!("`{target}` points at nothing in the document")
                },
                if outside {
                    "bundle the referenced file into this document (e.g. `redocly bundle`)".to_string()
                } else {
                    "define the component it names, or correct the reference".to_string()
                },
            ));
        }
    }
    // Reachability: from every reference outside `components`, then through
    // the components those reach.
    let component_of = |pointer: &str| -> Option<String> {
        let rest = pointer.strip_prefix("/components/")?;
        let mut parts = rest.splitn(3, '/');
        Some(format!("/components/{}/{}", parts.next()?, parts.next()?))
    };
    // Edges: the component a reference sits in (`None` outside
    // components) → the component it points at.
    let mut edges: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
    for (target, at) in &refs {
        if let Some(to) = doc.target(target).and_then(|(_, p)| component_of(&p)) {
            edges.entry(component_of(at)).or_default().push(to);
        }
    }
    let mut queue: Vec<String> = edges.get(&None).cloned().unwrap_or_default();
    while let Some(c) = queue.pop() {
        if used.insert(c.clone()) {
            queue.extend(edges.get(&Some(c)).into_iter().flatten().cloned());
        }
    }
    let schemes = security_scheme_names(doc);
    let Some(Value::Object(components)) = doc.root.get("components") else { return };
    for (kind, entries) in components {
        let Value::Object(entries) = entries else { continue };
        for name in entries.keys() {
            let at = ptr(&ptr("/components", kind), name);
            let is_used = if kind == "securitySchemes" { schemes.contains(name) } else { used.contains(&at) };
            if !is_used && !kind.starts_with("x-") {
                hits.push(Hit::new(
                    "component.unused",
                    &at,
                    format!("`{name}` is defined under components/{kind} but nothing refers to it"),
                    "remove it, or refer to it where it is meant to be used",
                ));
            }
        }
    }
}

/// Every `$ref` string with the pointer of the object holding it, skipping
/// data (examples, defaults, enums), where `$ref` is just a key.
fn collect_refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((r.clone(), at.to_string()));
            }
            for (k, c) in map {
                match (k.as_str(), c) {
                    // A map of Example Objects: only their own `$ref`s.
                    ("examples", Value::Object(named)) => {
                        for (name, e) in named {
                            if let Some(Value::String(r)) = e.get("$ref") {
                                out.push((r.clone(), ptr(&ptr(at, k), name)));
                            }
                        }
                    }
                    ("example" | "examples" | "default" | "enum" | "const", _) => {}
                    _ => collect_refs(c, &ptr(at, k), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, c) in items.iter().enumerate() {
                collect_refs(c, &ptr(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

fn security_scheme_names(doc: &Doc<'_>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut add = |s: Option<&Value>| {
        for req in s.and_then(Value::as_array).into_iter().flatten() {
            if let Value::Object(m) = req {
                names.extend(m.keys().cloned());
            }
        }
    };
    add(doc.root.get("security"));
    for op in doc.operations() {
        add(op.op.get("security"));
    }
    names
}
