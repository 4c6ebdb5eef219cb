//! OpenAPI Overlay 1.0: `actions` whose JSONPath (RFC 9535) `target`
//! selects nodes to `update` (merge into) or `remove`.
//!
//! Merge rule (Overlay 1.0 §"Action Object"): an object update is merged
//! into a target object key by key, recursively for nested objects; any
//! other value replaces the target's value. When the target itself is an
//! array, the update is appended to it. An action whose target selects
//! nothing is an error: it means the overlay no longer fits the document.

use crate::diag::{Diagnostic, Location, Result, Sink, ptr};
use serde_json::Value;
use serde_json_path::JsonPath;
use std::path::Path;

/// Applies `overlay` (already parsed) to `doc`.
pub fn apply(doc: &mut Value, overlay: &Value, file: &Path, sink: &mut Sink) -> Result<()> {
    let at = |p: &str| Location::at(file, p);
    if overlay.get("overlay").and_then(Value::as_str).is_none_or(|v| !v.starts_with("1.")) {
        return Err(Diagnostic::error(
            "overlay.version",
            at("/overlay"),
            "not an Overlay 1.x document (missing or unsupported `overlay` version)",
        )
        .help("start the document with `overlay: 1.0.0`")
        .into());
    }
    let Some(actions) = overlay.get("actions").and_then(Value::as_array) else {
        return Err(Diagnostic::error("overlay.actions", at("/actions"), "an overlay needs an `actions` list")
            .help("add `actions:` with at least one `target` and `update` or `remove`")
            .into());
    };
    for (i, action) in actions.iter().enumerate() {
        let here = ptr("/actions", &i.to_string());
        apply_action(doc, action, &here, file, sink)?;
    }
    Ok(())
}

fn apply_action(doc: &mut Value, action: &Value, here: &str, file: &Path, sink: &mut Sink) -> Result<()> {
    let at = |p: String| Location::at(file, p);
    let target = action.get("target").and_then(Value::as_str).ok_or_else(|| {
        Diagnostic::error("overlay.target", at(here.to_string()), "action has no `target`")
            .help("give a JSONPath such as `$.paths['/pets'].get`")
    })?;
    let path = JsonPath::parse(target).map_err(|e| {
        Diagnostic::error("overlay.jsonpath", at(ptr(here, "target")), format!("invalid JSONPath `{target}`: {e}"))
            .help("write the target as an RFC 9535 JSONPath expression")
    })?;
    if action.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
        sink.push(
            Diagnostic::warning("overlay.undocumented", at(here.to_string()), "action has no `description`")
                .help("say why the document needs this change, so reviewers can judge it"),
        );
    }
    let pointers: Vec<String> = path.query_located(doc).locations().map(|l| l.to_json_pointer()).collect();
    if pointers.is_empty() {
        return Err(Diagnostic::error(
            "overlay.no-match",
            at(ptr(here, "target")),
            format!("target `{target}` selects nothing in the document"),
        )
        .help("the document changed or the path is wrong: fix the target or drop the action")
        .into());
    }
    let remove = action.get("remove").and_then(Value::as_bool).unwrap_or(false);
    if remove {
        // Reverse document order, so removing array items keeps the indices
        // of those still to remove valid.
        for p in pointers.iter().rev() {
            remove_at(doc, p);
        }
    } else if let Some(update) = action.get("update") {
        for p in &pointers {
            if let Some(node) = doc.pointer_mut(p) {
                merge(node, update);
            }
        }
    } else {
        return Err(Diagnostic::error(
            "overlay.action",
            at(here.to_string()),
            "action has neither `update` nor `remove: true`",
        )
        .help("add an `update` object or `remove: true`")
        .into());
    }
    Ok(())
}

/// Removes the value at `pointer` (the whole document for `""`).
pub(super) fn remove_at(doc: &mut Value, pointer: &str) {
    let Some(split) = pointer.rfind('/') else {
        *doc = Value::Null;
        return;
    };
    let (parent, token) = (&pointer[..split], &pointer[split + 1..]);
    let token = token.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&token);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = token.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

/// Overlay merge: objects key by key (recursively), arrays append, anything
/// else replaces.
pub fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(t), Value::Object(u)) => {
            for (k, v) in u {
                match t.get_mut(k) {
                    Some(existing @ Value::Object(_)) if v.is_object() => merge(existing, v),
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(t), u) => t.push(u.clone()),
        (t, u) => *t = u.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: &mut Value, overlay: Value) -> Result<Sink> {
        let mut sink = Sink::default();
        apply(doc, &overlay, Path::new("o.yaml"), &mut sink).map(|()| sink)
    }

    #[test]
    fn update_remove_and_filter() {
        let mut doc = json!({"security": [], "paths": {"/a": {"get": {"parameters": [
            {"name": "X-Auth-Token", "in": "header"}, {"name": "id", "in": "path"}]}}}});
        run(&mut doc, json!({"overlay": "1.0.0", "actions": [
            {"target": "$.paths['/a'].get.parameters[?@.name == 'X-Auth-Token']", "remove": true, "description": "d"},
            {"target": "$", "update": {"security": [{"k": []}]}, "description": "d"},
        ]}))
        .unwrap();
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"], json!([{"name": "id", "in": "path"}]));
        assert_eq!(doc["security"], json!([{"k": []}]));
    }

    #[test]
    fn target_that_matches_nothing_is_an_error() {
        let mut doc = json!({"paths": {}});
        let err = run(
            &mut doc,
            json!({"overlay": "1.0.0", "actions": [
            {"target": "$.paths['/gone'].get", "remove": true, "description": "d"}]}),
        )
        .unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.code, "overlay.no-match");
        assert_eq!(d.location.pointer, "/actions/0/target");
    }

    #[test]
    fn deep_merge_and_array_append() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object"}}}, "tags": [{"name": "a"}]});
        let sink = run(
            &mut doc,
            json!({"overlay": "1.0.0", "actions": [
                {"target": "$.components", "update": {"schemas": {"B": {"type": "string"}}}},
                {"target": "$.tags", "update": {"name": "b"}, "description": "d"},
            ]}),
        )
        .unwrap();
        assert_eq!(doc["components"]["schemas"]["A"]["type"], "object");
        assert_eq!(doc["components"]["schemas"]["B"]["type"], "string");
        assert_eq!(doc["tags"][1]["name"], "b");
        assert_eq!(sink.diagnostics[0].code, "overlay.undocumented");
    }
}
