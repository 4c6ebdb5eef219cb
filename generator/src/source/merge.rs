//! Merging the documents (pages) of one API into one document.
//!
//! Pages published separately each repeat the API's header and the
//! components they use. Identical entries are kept once; two different
//! definitions under one name are an error naming both sources. Where
//! pages differ in root `security` or `servers`, each page's value is
//! pushed down into its own operations first, so nothing is lost.

use super::{Document, Provenance};
use crate::diag::{Diagnostic, Location, Result, Sink, ptr};
use serde_json::{Map, Value};

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub fn merge(mut docs: Vec<Document>, sink: &mut Sink) -> Result<(Value, Provenance)> {
    if docs.len() == 1 {
        let d = docs.remove(0);
        return Ok((d.value, Provenance::single_with_offset(d.origin.file, d.origin.line_offset)));
    }
    check_same_version(&docs)?;
    for key in ["security", "servers"] {
        let first = docs[0].value.get(key).cloned();
        if docs.iter().any(|d| d.value.get(key).cloned() != first) {
            for d in &mut docs {
                push_down(&mut d.value, key);
            }
        }
    }

    let mut prov = Provenance::default();
    let mut out = Map::new();
    for d in &docs {
        prov.add("", &d.origin);
        let Some(obj) = d.value.as_object() else { continue };
        for (key, v) in obj {
            match key.as_str() {
                "paths" => merge_paths(&mut out, v, d, &mut prov, sink),
                "components" => merge_components(&mut out, v, d, &mut prov, sink),
                "tags" => merge_tags(&mut out, v),
                "info" => {
                    out.entry("info").or_insert_with(|| v.clone());
                }
                _ => insert_once(&mut out, key, v, &ptr("", key), d, &mut prov, sink),
            }
        }
    }
    sink.check()?;
    Ok((Value::Object(out), prov))
}

fn check_same_version(docs: &[Document]) -> Result<()> {
    let family = |d: &Document| {
        d.value.get("openapi").and_then(Value::as_str).map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."))
    };
    let first = family(&docs[0]);
    for d in &docs[1..] {
        if family(d) != first {
            return Err(Diagnostic::error(
                "merge.version",
                Location::at(&d.origin.file, "/openapi"),
                format!(
                    "pages of one API use different OpenAPI versions ({} has {:?}, {} has {:?})",
                    docs[0].origin.file.display(),
                    first.unwrap_or_default(),
                    d.origin.file.display(),
                    family(d).unwrap_or_default()
                ),
            )
            .help("list these documents as separate APIs in the manifest")
            .into());
        }
    }
    Ok(())
}

/// Copies the root `key` into every operation (for `security`) or path
/// item (for `servers`) that does not set its own.
fn push_down(doc: &mut Value, key: &str) {
    let Some(obj) = doc.as_object_mut() else { return };
    let Some(root) = obj.shift_remove(key) else { return };
    let Some(paths) = obj.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        if key == "servers" {
            item.entry(key).or_insert_with(|| root.clone());
            continue;
        }
        for m in METHODS {
            if let Some(op) = item.get_mut(m).and_then(Value::as_object_mut) {
                op.entry(key).or_insert_with(|| root.clone());
            }
        }
    }
}

fn merge_paths(out: &mut Map<String, Value>, paths: &Value, d: &Document, prov: &mut Provenance, sink: &mut Sink) {
    let Some(paths) = paths.as_object() else { return };
    let target = out.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    let Some(target) = target.as_object_mut() else { return };
    for (path, item) in paths {
        let at = ptr("/paths", path);
        let merged = target.entry(path.clone()).or_insert_with(|| Value::Object(Map::new()));
        let (Some(merged), Some(item)) = (merged.as_object_mut(), item.as_object()) else { continue };
        for (key, v) in item {
            insert_once(merged, key, v, &ptr(&at, key), d, prov, sink);
        }
    }
}

fn merge_components(out: &mut Map<String, Value>, comps: &Value, d: &Document, prov: &mut Provenance, sink: &mut Sink) {
    let Some(comps) = comps.as_object() else { return };
    let target = out.entry("components").or_insert_with(|| Value::Object(Map::new()));
    let Some(target) = target.as_object_mut() else { return };
    for (kind, entries) in comps {
        let section = target.entry(kind.clone()).or_insert_with(|| Value::Object(Map::new()));
        let (Some(section), Some(entries)) = (section.as_object_mut(), entries.as_object()) else { continue };
        for (name, v) in entries {
            insert_once(section, name, v, &ptr(&ptr("/components", kind), name), d, prov, sink);
        }
    }
}

fn merge_tags(out: &mut Map<String, Value>, tags: &Value) {
    let Some(tags) = tags.as_array() else { return };
    let target = out.entry("tags").or_insert_with(|| Value::Array(Vec::new()));
    let Some(target) = target.as_array_mut() else { return };
    for t in tags {
        if !target.iter().any(|e| e.get("name") == t.get("name")) {
            target.push(t.clone());
        }
    }
}

/// Inserts `key: v` unless an identical value is there; a different value
/// is a conflict between two sources.
fn insert_once(
    map: &mut Map<String, Value>,
    key: &str,
    v: &Value,
    at: &str,
    d: &Document,
    prov: &mut Provenance,
    sink: &mut Sink,
) {
    match map.get(key) {
        None => {
            map.insert(key.to_string(), v.clone());
            prov.add(at, &d.origin);
        }
        Some(existing) if existing == v => {}
        Some(_) => {
            let first = prov.locate(at);
            sink.push(
                Diagnostic::error(
                    "merge.conflict",
                    Location::at(&d.origin.file, at),
                    format!("`{at}` is defined differently here and in {}", first.file.display()),
                )
                .help("make the two definitions identical, or rename one of them with an overlay"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Origin;
    use serde_json::json;

    fn doc(file: &str, v: Value) -> Document {
        Document { origin: Origin { file: file.into(), line_offset: 0 }, value: v }
    }

    #[test]
    fn identical_components_dedupe_and_paths_union() {
        let c = json!({"schemas": {"E": {"type": "object"}}});
        let (v, prov) = merge(
            vec![
                doc("a.md", json!({"openapi": "3.1.0", "paths": {"/a": {"get": {}}}, "components": c})),
                doc("b.md", json!({"openapi": "3.1.0", "paths": {"/b": {"get": {}}}, "components": c})),
            ],
            &mut Sink::default(),
        )
        .unwrap();
        assert_eq!(v["paths"].as_object().unwrap().len(), 2);
        assert_eq!(prov.locate("/paths/~1b/get").file.to_str(), Some("b.md"));
    }

    #[test]
    fn conflicting_component_names_both_sources() {
        let err = merge(
            vec![
                doc("a.md", json!({"openapi": "3.1.0", "components": {"schemas": {"E": {"type": "object"}}}})),
                doc("b.md", json!({"openapi": "3.1.0", "components": {"schemas": {"E": {"type": "string"}}}})),
            ],
            &mut Sink::default(),
        )
        .unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!(d.code, "merge.conflict");
        assert_eq!(d.location.file.to_str(), Some("b.md"));
        assert!(d.message.contains("a.md"), "{}", d.message);
    }

    #[test]
    fn differing_security_is_pushed_down() {
        let (v, _) = merge(
            vec![
                doc("a.md", json!({"openapi": "3.1.0", "security": [{"k": []}], "paths": {"/a": {"get": {}}}})),
                doc("b.md", json!({"openapi": "3.1.0", "security": [], "paths": {"/b": {"get": {}}}})),
            ],
            &mut Sink::default(),
        )
        .unwrap();
        assert_eq!(v["paths"]["/a"]["get"]["security"], json!([{"k": []}]));
        assert_eq!(v["paths"]["/b"]["get"]["security"], json!([]));
        assert!(v.get("security").is_none());
    }
}
