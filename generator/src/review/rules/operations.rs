//! Rules about operations: names, paths, security and responses.

use super::Hit;
use crate::diag::ptr;
use crate::review::doc::{Doc, Node, Op, words};
use serde_json::Value;
use std::collections::BTreeMap;

pub fn check(doc: &Doc<'_>, hits: &mut Vec<Hit>) {
    let ops = doc.operations();
    let mut ids: BTreeMap<&str, &str> = BTreeMap::new();
    for op in &ops {
        operation_id(op, &mut ids, hits);
        path_parameters(doc, op, hits);
        let responses = doc.responses(op);
        no_success(op, &responses, hits);
        empty_security(doc, op, &responses, hits);
        for (status, response) in &responses {
            error_without_body(op, status, response, hits);
            contradicting_status(doc, status, response, hits);
            missing_path_parameter(doc, op, response, hits);
        }
    }
    trailing_slashes(doc, hits);
}

fn operation_id<'a>(op: &'a Op<'_>, ids: &mut BTreeMap<&'a str, &'a str>, hits: &mut Vec<Hit>) {
    let Some(id) = op.op.get("operationId").and_then(Value::as_str) else {
        let from = op
            .op
            .get("summary")
            .and_then(Value::as_str)
            .map_or_else(|| format!("{} {}", op.method, op.path.replace(['{', '}'], "")), str::to_string);
        let suggestion = words(&from).join("_");
        hits.push(Hit::new(
            "operation-id.missing",
            &op.at,
            format!("{} {} has no operationId", op.method.to_uppercase(), op.path),
            format!("add `operationId: {suggestion}` (generated method names come from it)"),
        ));
        return;
    };
    if let Some(first) = ids.get(id) {
        hits.push(Hit::new(
            "operation-id.duplicate",
            ptr(&op.at, "operationId"),
            format!("operationId `{id}` is already used at {first}"),
            "give every operation its own operationId",
        ));
    } else {
        ids.insert(id, &op.at);
    }
}

fn path_parameters(doc: &Doc<'_>, op: &Op<'_>, hits: &mut Vec<Hit>) {
    let template: Vec<&str> = op.path.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
    let params = doc.parameters(op);
    let in_path: Vec<&Node<'_>> =
        params.iter().filter(|(p, _)| p.get("in").and_then(Value::as_str) == Some("path")).collect();
    let name = |p: &Value| p.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    for t in &template {
        if !in_path.iter().any(|(p, _)| name(p) == *t) {
            hits.push(Hit::new(
                "path.parameter-mismatch",
                &op.at,
                format!("`{{{t}}}` in the path {} has no path parameter", op.path),
                format!(
                    "declare `- {{name: {t}, in: path, required: true, schema: {{type: string}}}}` under `parameters`"
                ),
            ));
        }
    }
    for (p, at) in in_path {
        let n = name(p);
        if !template.contains(&n.as_str()) {
            hits.push(Hit::new(
                "path.parameter-mismatch",
                at,
                format!("path parameter `{n}` is not in the path {}", op.path),
                format!("add `{{{n}}}` to the path, or make `{n}` a query parameter"),
            ));
        } else if p.get("required").and_then(Value::as_bool) != Some(true) {
            hits.push(Hit::new(
                "path.parameter-mismatch",
                at,
                format!("path parameter `{n}` is not `required: true`"),
                "add `required: true`: a path parameter is always present",
            ));
        }
    }
}

fn no_success(op: &Op<'_>, responses: &[(&str, Node<'_>)], hits: &mut Vec<Hit>) {
    if !responses.iter().any(|(s, _)| matches!(s.as_bytes().first(), Some(b'1' | b'2' | b'3'))) {
        hits.push(Hit::new(
            "operation.no-success",
            ptr(&op.at, "responses"),
            format!("{} {} documents no success response", op.method.to_uppercase(), op.path),
            "document what the operation returns when it works (e.g. `200` with its body, or `204`)",
        ));
    }
}

fn empty_security(doc: &Doc<'_>, op: &Op<'_>, responses: &[(&str, Node<'_>)], hits: &mut Vec<Hit>) {
    let security = doc.security(op);
    let empty = security.as_ref().is_none_or(|(s, _)| s.as_array().is_some_and(Vec::is_empty));
    let Some((status, (response, _))) = responses.iter().find(|(s, _)| matches!(*s, "401" | "403")) else { return };
    if !empty {
        return;
    }
    let (what, at) = match &security {
        Some((_, at)) => ("declared empty (`security: []`)", at.clone()),
        None => ("not declared", op.at.clone()),
    };
    let said = response.get("description").and_then(Value::as_str).unwrap_or("");
    hits.push(Hit::new(
        "security.empty-with-auth-errors",
        at,
        format!(
            "security is {what} for {} {}, yet it documents {status} ({said:?})",
            op.method.to_uppercase(),
            op.path
        ),
        "declare the scheme the service checks under components.securitySchemes and require it \
         (or, if the operation is public, drop the 401/403)",
    ));
}

fn error_without_body(op: &Op<'_>, status: &str, (response, at): &Node<'_>, hits: &mut Vec<Hit>) {
    let is_error = status == "default" || status.starts_with('4') || status.starts_with('5');
    let has_schema = response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| c.values().any(|m| m.get("schema").is_some()));
    if is_error && !has_schema && op.method != "head" {
        hits.push(Hit::new(
            "response.error-without-body",
            at,
            format!("the {status} response documents no body"),
            "document the error body's schema (the service's error format), so that clients can read its message",
        ));
    }
}

/// What an error is about, the word runs that tell it, and the statuses
/// that mean it.
struct Meaning(&'static str, &'static [&'static [&'static str]], &'static [&'static str]);

const MEANINGS: [Meaning; 6] = [
    Meaning(
        "a missing resource",
        &[&["not", "found"], &["notfound"], &["does", "not", "exist"], &["no", "such"]],
        &["404", "410"],
    ),
    Meaning("missing credentials", &[&["unauthorized"], &["unauthenticated"], &["not", "authenticated"]], &["401"]),
    Meaning("a refusal", &[&["forbidden"], &["access", "denied"]], &["403"]),
    Meaning("a conflict", &[&["conflict"], &["already", "exists"]], &["409"]),
    Meaning(
        "throttling",
        &[&["throttling"], &["throttled"], &["too", "many", "requests"], &["rate", "limit"]],
        &["429", "503"],
    ),
    Meaning("unavailability", &[&["service", "unavailable"]], &["503"]),
];

fn contradicting_status(doc: &Doc<'_>, status: &str, response: &Node<'_>, hits: &mut Vec<Hit>) {
    if !(status.len() == 3 && (status.starts_with('4') || status.starts_with('5'))) {
        return;
    }
    let text = error_words(doc, response);
    for Meaning(meaning, phrases, statuses) in MEANINGS {
        let said = phrases.iter().find(|p| contains_run(&text, p));
        if let Some(phrase) = said
            && !statuses.contains(&status)
        {
            hits.push(Hit::new(
                "status.contradicts-http",
                &response.1,
                format!(
                    "the {status} response reports {meaning} (\"{}\"), which HTTP says with {}",
                    phrase.join(" "),
                    statuses[0]
                ),
                format!(
                    "if the service really answers {status}, keep it and say so in the description \
                     (clients must not rely on {}); otherwise document it as {}",
                    statuses[0], statuses[0]
                ),
            ));
        }
    }
}

/// The words an error response uses about itself: its description, the
/// names of the error types it may carry, and error-code enum values.
fn error_words(doc: &Doc<'_>, response: &Node<'_>) -> Vec<String> {
    let mut text = response.0.get("description").and_then(Value::as_str).unwrap_or("").to_string();
    for (_, media) in doc.entries(response, "content") {
        let Some(schema) = doc.child(&media, "schema") else { continue };
        for key in ["oneOf", "anyOf"] {
            for r in schema.0.get(key).and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = r.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) {
                    text = format!("{text} {name}");
                }
            }
        }
        for field in ["error", "code", "error_code", "__type", "type"] {
            let values = schema.0.pointer(&format!("/properties/{field}/enum")).and_then(Value::as_array);
            for v in values.into_iter().flatten().filter_map(Value::as_str) {
                text = format!("{text} {v}");
            }
        }
    }
    words(&text)
}

fn contains_run(words: &[String], run: &[&str]) -> bool {
    words.windows(run.len()).any(|w| w.iter().zip(run).all(|(a, b)| a == b))
}

/// A response saying "<parameter> not provided" for a required path
/// parameter: a request without it never matched the path.
fn missing_path_parameter(doc: &Doc<'_>, op: &Op<'_>, response: &Node<'_>, hits: &mut Vec<Hit>) {
    let mut text = response.0.get("description").and_then(Value::as_str).unwrap_or("").to_string();
    for (_, media) in doc.entries(response, "content") {
        let mut strings = Vec::new();
        collect_strings(&media.0["schema"], &mut strings);
        text = format!("{text} {}", strings.join(" "));
    }
    let text = words(&text);
    let missing = [&["missing"][..], &["not", "provided"], &["not", "given"], &["is", "required"]];
    if !missing.iter().any(|m| contains_run(&text, m))
        || ["authentication", "auth", "token", "credentials"].iter().any(|w| text.iter().any(|t| t == w))
    {
        return;
    }
    for (p, _) in doc.parameters(op) {
        if p.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        if contains_run(&text, &words(name).iter().map(String::as_str).collect::<Vec<_>>()) {
            hits.push(Hit::new(
                "path-parameter.described-as-missing",
                &response.1,
                format!("this response says `{name}` may be missing, but `{name}` is a required path parameter"),
                format!(
                    "a request without `{{{name}}}` does not match {} at all: drop that case from the description, \
                     or say what is really rejected (e.g. a malformed `{name}`)",
                    op.path
                ),
            ));
        }
    }
}

/// Example and enum strings of a schema, shallowly (what a response's
/// documented message says).
fn collect_strings<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    let Value::Object(map) = v else { return };
    for (k, c) in map {
        match (k.as_str(), c) {
            ("example", Value::String(s)) => out.push(s),
            _ if c.is_object() => collect_strings(c, out),
            _ => {}
        }
    }
}

fn trailing_slashes(doc: &Doc<'_>, hits: &mut Vec<Hit>) {
    let Some(Value::Object(paths)) = doc.root.get("paths") else { return };
    let (with, without): (Vec<&String>, Vec<&String>) =
        paths.keys().filter(|p| p.as_str() != "/").partition(|p| p.ends_with('/'));
    if with.is_empty() || without.is_empty() {
        return;
    }
    // The minority breaks the API's convention (ties: the slashes).
    let (odd, usual, count) =
        if with.len() <= without.len() { (&with, "without", without.len()) } else { (&without, "with", with.len()) };
    let total = with.len() + without.len();
    for p in odd {
        hits.push(Hit::new(
            "path.trailing-slash",
            ptr("/paths", p),
            format!("`{p}` breaks the API's convention: {count} of {total} paths are written {usual} a trailing slash"),
            "write every path of the API the same way: servers treat `/a` and `/a/` as different routes",
        ));
    }
}
