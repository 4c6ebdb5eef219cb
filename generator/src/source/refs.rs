//! Local `$ref` resolution on the raw document.
//!
//! After this pass every `$ref` has the canonical form
//! `#/components/{kind}/{name}` and names an existing entry, so lowering can
//! look references up by name (and recursive types stay recursive by name,
//! which is how cycles are handled). A reference into the inside of
//! something (`#/components/schemas/X/properties/y`, `#/paths/...`) is
//! hoisted: its target is copied into `components` under a derived name.
//! External references are refused with a located message; so are
//! references that lead only to themselves (`A: {$ref: A}`).

use super::Provenance;
use crate::diag::{Diagnostic, Result, Sink, ptr};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Keys whose values are data, not OpenAPI structure: a `$ref` inside an
/// example is just a string.
const DATA_KEYS: [&str; 4] = ["example", "examples", "default", "enum"];

pub fn resolve(doc: &mut Value, prov: &Provenance, sink: &mut Sink) -> Result<()> {
    inline_example_refs(doc, prov, sink);
    sink.check()?;
    let mut sites = Vec::new();
    collect(doc, "", &mut sites);
    // Every deep target gets one component name, in the order first met.
    let mut hoisted: BTreeMap<String, (&'static str, String)> = BTreeMap::new();
    let mut order = Vec::new();
    let mut taken: BTreeSet<(&'static str, String)> = BTreeSet::new();
    // Schema `$ref`s to something that is no schema: any value there.
    let mut untyped = Vec::new();
    for (site, target) in sites {
        let at = ptr(&site, "$ref");
        let Some(fragment) = target.strip_prefix('#') else {
            sink.push(
                Diagnostic::error(
                    "ref.external",
                    prov.locate(&at),
                    format!(
                        "external `$ref` `{target}` is not supported: apigen reads no other file and fetches no URL"
                    ),
                )
                .help("bundle the document into one file first (e.g. `redocly bundle`)"),
            );
            continue;
        };
        let pointer = percent_decode(fragment);
        if doc.pointer(&pointer).is_none() {
            sink.push(
                Diagnostic::error("ref.unknown", prov.locate(&at), format!("`$ref` `{target}` points to nothing"))
                    .help("define the referenced component, or fix the reference"),
            );
            continue;
        }
        let tokens: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
        let kind = if is_canonical(&pointer) { tokens[1].as_str() } else { kind_of(&tokens) };
        if kind != "schemas" && is_schema_site(&site) {
            sink.push(
                Diagnostic::warning(
                    "ref.not-a-schema",
                    prov.locate(&at),
                    format!("`$ref` `{target}` is used as a schema but points to what belongs in `components/{kind}`; typed as any JSON value (`serde_json::Value`)"),
                )
                .help("point the reference at the schema inside it (its `schema`, or `content/<media type>/schema`)"),
            );
            untyped.push(site);
            continue;
        }
        if is_canonical(&pointer) || hoisted.contains_key(&pointer) {
            continue;
        }
        if let Some(why) = not_a_definition(&tokens, doc.pointer(&pointer)) {
            sink.push(
                Diagnostic::error(
                    "ref.not-a-definition",
                    prov.locate(&at),
                    format!("`$ref` `{target}` points to {why}"),
                )
                .help("point the reference at one definition, such as `#/components/schemas/Name`"),
            );
            continue;
        }
        let kind = kind_of(&tokens);
        let base = hoist_name(&tokens);
        let free = |n: &str| {
            doc.pointer(&ptr(&ptr("/components", kind), n)).is_none() && !taken.contains(&(kind, n.to_string()))
        };
        let name =
            if free(&base) { base } else { (2..).map(|i| format!("{base}{i}")).find(|n| free(n)).unwrap_or_default() };
        taken.insert((kind, name.clone()));
        hoisted.insert(pointer.clone(), (kind, name));
        order.push(pointer);
    }
    sink.check()?;
    for site in &untyped {
        if let Some(v) = doc.pointer_mut(site) {
            *v = Value::Object(Map::new());
        }
    }
    if !hoisted.is_empty() {
        // The definition moves to `components`; where it was, and inside
        // every other hoisted definition that contained it, a `$ref` to it
        // remains, so that one schema is one type.
        let original = doc.clone();
        *doc = rewrite(&original, "", None, &hoisted);
        for pointer in &order {
            let (kind, name) = &hoisted[pointer];
            let copy =
                original.pointer(pointer).map(|v| rewrite(v, pointer, Some(pointer), &hoisted)).unwrap_or(Value::Null);
            let components =
                doc.as_object_mut().map(|o| o.entry("components").or_insert_with(|| Value::Object(Map::new())));
            if let Some(Value::Object(c)) = components
                && let Some(entries) = c.entry(*kind).or_insert_with(|| Value::Object(Map::new())).as_object_mut()
            {
                entries.insert(name.clone(), copy);
            }
        }
    }
    check_alias_cycles(doc, prov, sink);
    sink.check()
}

/// Example objects are data: a `$ref` to one (`#/components/examples/X`, or
/// an example inside a path) is replaced by a copy of it, so that lowering
/// reads every example in place. One that leads nowhere is an error.
fn inline_example_refs(doc: &mut Value, prov: &Provenance, sink: &mut Sink) {
    let mut sites = Vec::new();
    example_sites(doc, "", &mut sites);
    for (site, target) in sites {
        let at = ptr(&site, "$ref");
        let mut found = target.strip_prefix('#').map(percent_decode).and_then(|p| doc.pointer(&p));
        // An example that is itself a reference, a few levels deep at most.
        for _ in 0..8 {
            match found.and_then(|v| v.get("$ref")).and_then(Value::as_str).and_then(|r| r.strip_prefix('#')) {
                Some(next) => found = doc.pointer(&percent_decode(next)),
                None => break,
            }
        }
        match found.filter(|v| v.is_object() && v.get("$ref").is_none()).cloned() {
            Some(example) => {
                if let Some(v) = doc.pointer_mut(&site) {
                    *v = example;
                }
            }
            None => sink.push(
                Diagnostic::error("ref.unknown", prov.locate(&at), format!("`$ref` `{target}` names no example"))
                    .help("point the reference at an example object, such as `#/components/examples/Name`"),
            ),
        }
    }
}

/// The `$ref`s of example objects: entries of an `examples` map.
fn example_sites(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                let here = ptr(at, k);
                if k == "examples"
                    && let Value::Object(entries) = child
                {
                    for (name, e) in entries {
                        if let Some(Value::String(r)) = e.get("$ref") {
                            out.push((ptr(&here, name), r.clone()));
                        }
                    }
                } else if !DATA_KEYS.contains(&k.as_str()) && !k.starts_with("x-") {
                    example_sites(child, &here, out);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                example_sites(child, &ptr(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Whether the `$ref` at `site` stands for a schema (by the keywords on
/// the way to it).
fn is_schema_site(site: &str) -> bool {
    let tokens: Vec<String> = site.split('/').skip(1).map(unescape).collect();
    super::degrade::enclosing_schema(&tokens).as_deref() == Some(site)
}

/// `#/components/{kind}/{name}`, the form lowering looks up.
fn is_canonical(pointer: &str) -> bool {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    tokens.len() == 3 && tokens[0] == "components"
}

fn canonical_ref(kind: &str, name: &str) -> Value {
    let mut o = Map::new();
    o.insert(
        "$ref".into(),
        Value::String(format!("#/components/{kind}/{}", name.replace('~', "~0").replace('/', "~1"))),
    );
    Value::Object(o)
}

/// A copy of `v` (found at `at`) in which hoisted locations are `$ref`s
/// to their components and every `$ref` is canonical. `root`: the hoisted
/// location being copied, which stays a definition.
fn rewrite(v: &Value, at: &str, root: Option<&str>, hoisted: &BTreeMap<String, (&'static str, String)>) -> Value {
    if root != Some(at)
        && let Some((kind, name)) = hoisted.get(at)
    {
        return canonical_ref(kind, name);
    }
    match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, child) in o {
                let value = if k == "$ref" {
                    let target = child.as_str().and_then(|r| r.strip_prefix('#')).map(percent_decode);
                    match target.as_deref().and_then(|t| hoisted.get(t)) {
                        Some((kind, name)) => canonical_ref(kind, name)["$ref"].clone(),
                        None => child.clone(),
                    }
                } else if DATA_KEYS.contains(&k.as_str()) || k.starts_with("x-") {
                    child.clone()
                } else {
                    rewrite(child, &ptr(at, k), root, hoisted)
                };
                out.insert(k.clone(), value);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(
            a.iter().enumerate().map(|(i, c)| rewrite(c, &ptr(at, &i.to_string()), root, hoisted)).collect(),
        ),
        other => other.clone(),
    }
}

fn collect(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push((at.to_string(), r.clone()));
            }
            for (k, child) in o {
                if DATA_KEYS.contains(&k.as_str()) || k.starts_with("x-") {
                    continue;
                }
                collect(child, &ptr(at, k), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                collect(child, &ptr(at, &i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Why a deep reference target cannot be hoisted into a component, if it
/// cannot: the whole document, a section (`#/paths`,
/// `#/components/schemas`) or a scalar is no definition, and copying it
/// would replace or nest the document itself.
fn not_a_definition(tokens: &[String], target: Option<&Value>) -> Option<String> {
    let section = tokens.len() < 2 || (tokens[0] == "components" && tokens.len() < 3);
    match target {
        _ if tokens.iter().all(String::is_empty) => Some("the whole document".into()),
        _ if section => Some(format!("the section `{}`, not one definition in it", tokens.join("/"))),
        Some(v) if !v.is_object() => Some(format!("{}, not a definition", super::normalize::describe(v))),
        _ => None,
    }
}

/// Which component section a hoisted target belongs in, from where it sits.
fn kind_of(tokens: &[String]) -> &'static str {
    let parent = tokens.len().checked_sub(2).map(|i| tokens[i].as_str());
    let last = tokens.last().map(String::as_str);
    match (parent, last) {
        (Some("parameters"), _) => "parameters",
        (Some("responses"), _) => "responses",
        (Some("headers"), _) => "headers",
        (Some("examples"), _) => "examples",
        (_, Some("requestBody")) => "requestBodies",
        _ => "schemas",
    }
}

/// `X/properties/y` → `X_y`; structural keywords are dropped.
fn hoist_name(tokens: &[String]) -> String {
    const SKIP: [&str; 9] =
        ["components", "schemas", "properties", "items", "content", "schema", "paths", "allOf", "application/json"];
    let parts: Vec<&str> = tokens
        .iter()
        .map(String::as_str)
        .filter(|t| !SKIP.contains(t))
        .map(|t| t.trim_matches('/'))
        .filter(|t| !t.is_empty())
        .collect();
    let name = parts.join("_").replace(['/', '{', '}', '.', ' '], "_");
    if name.is_empty() { "Hoisted".into() } else { name }
}

/// Components that are nothing but a `$ref` must not loop back to
/// themselves: such a type has no definition at all. Every component is
/// judged once (a chain of thousands of aliases costs its length, not its
/// length cubed), and each one that leads into a loop is reported.
fn check_alias_cycles(doc: &Value, prov: &Provenance, sink: &mut Sink) {
    let Some(components) = doc.get("components").and_then(Value::as_object) else { return };
    let target = |p: &str| {
        let r = doc.pointer(p).and_then(|v| v.get("$ref")).and_then(Value::as_str)?;
        Some(percent_decode(r.trim_start_matches('#')))
    };
    // Pointer → whether its chain of aliases ends in a loop.
    let mut verdict: HashMap<String, bool> = HashMap::new();
    for (kind, entries) in components {
        let Some(entries) = entries.as_object() else { continue };
        for name in entries.keys() {
            let start = ptr(&ptr("/components", kind), name);
            let mut path = vec![start.clone()];
            let mut on_path: BTreeSet<String> = BTreeSet::from([start.clone()]);
            let loops = loop {
                let last = &path[path.len() - 1];
                if let Some(known) = verdict.get(last) {
                    break *known;
                }
                match target(last) {
                    None => break false,
                    Some(next) if on_path.contains(&next) => break true,
                    Some(next) => {
                        on_path.insert(next.clone());
                        path.push(next);
                    }
                }
            };
            for p in path {
                verdict.insert(p, loops);
            }
            if loops {
                let mut chain = vec![start.clone()];
                while let Some(next) = target(&chain[chain.len() - 1]).filter(|n| !chain.contains(n) && chain.len() < 8)
                {
                    chain.push(next);
                }
                let more = if chain.len() == 8 { " → …" } else { "" };
                sink.push(
                    Diagnostic::error(
                        "ref.cycle",
                        prov.locate(&start),
                        format!(
                            "`{start}` is a chain of `$ref`s that leads back to itself ({}{more})",
                            chain.join(" → ")
                        ),
                    )
                    .help("give one of the components in the chain a real definition"),
                );
            }
        }
    }
}

fn unescape(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

/// URI fragments may percent-encode characters (`%7B` for `{`).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Result<()>) {
        let mut sink = Sink::default();
        let r = resolve(&mut doc, &Provenance::single("t.yaml"), &mut sink);
        (doc, r)
    }

    #[test]
    fn example_refs_are_copied_in_place() {
        let plain = json!({"summary": "s", "value": {"$ref": "data, not a reference"}});
        let (doc, r) = run(json!({"paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query",
            "schema": {"type": "string"}, "examples": {"plain": plain}}],
            "responses": {"200": {"description": "ok", "content": {"application/json": {"examples": {
                "deep": {"$ref": "#/paths/~1a/get/parameters/0/examples/plain"},
                "named": {"$ref": "#/components/examples/E"}}}}}}}}},
            "components": {"examples": {"E": {"$ref": "#/components/examples/F"}, "F": {"value": 1}}}}));
        r.unwrap();
        let examples = &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["examples"];
        assert_eq!(examples["deep"], plain);
        assert_eq!(examples["named"], json!({"value": 1}), "a chain is followed");
        let (_, r) = run(json!({"paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
            "content": {"application/json": {"examples": {"x": {"$ref": "#/components/examples/Nope"}}}}}}}}}}));
        let d = &r.unwrap_err().diagnostics[0];
        assert_eq!(d.location.pointer, "/paths/~1a/get/responses/200/content/application~1json/examples/x/$ref");
    }

    #[test]
    fn deep_ref_is_hoisted() {
        let (doc, r) = run(json!({"components": {"schemas": {
            "X": {"type": "object", "properties": {"y": {"type": "string", "maxLength": 3}}},
            "Z": {"$ref": "#/components/schemas/X/properties/y"}}}}));
        r.unwrap();
        assert_eq!(doc["components"]["schemas"]["Z"]["$ref"], "#/components/schemas/X_y");
        assert_eq!(doc["components"]["schemas"]["X_y"]["maxLength"], 3);
        assert_eq!(
            doc["components"]["schemas"]["X"]["properties"]["y"]["$ref"], "#/components/schemas/X_y",
            "one definition"
        );
    }

    /// Spacetraders: deep references into response schemas of paths, and
    /// into schemas that themselves sit inside other deep targets.
    #[test]
    fn nested_deep_refs_leave_one_definition_each() {
        let engine = json!({"type": "object", "properties": {
            "condition": {"type": "number"},
            "requirements": {"type": "object", "properties": {"power": {"type": "integer"}}}}});
        let (doc, r) = run(json!({
            "paths": {"/ship": {"get": {"responses": {"200": {"content": {"application/json": {"schema":
                {"type": "object", "properties": {"engine": engine}}}}}}}}},
            "components": {"schemas": {
                "Engine": {"$ref": "#/paths/~1ship/get/responses/200/content/application~1json/schema/properties/engine"},
                "Needs": {"$ref": "#/paths/~1ship/get/responses/200/content/application~1json/schema/properties/engine/properties/requirements"}}}}));
        r.unwrap();
        let schemas = &doc["components"]["schemas"];
        let engine = &schemas["ship_get_responses_200_engine"];
        let requirements = "#/components/schemas/ship_get_responses_200_engine_requirements";
        assert_eq!(engine["properties"]["requirements"]["$ref"], requirements, "{schemas:#}");
        assert_eq!(schemas["ship_get_responses_200_engine_requirements"]["properties"]["power"]["type"], "integer");
        let inline = &doc["paths"]["/ship"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(inline["properties"]["engine"]["$ref"], "#/components/schemas/ship_get_responses_200_engine");
        let mut refs = Vec::new();
        collect(&doc, "", &mut refs);
        assert!(refs.iter().all(|(_, r)| is_canonical(&percent_decode(&r[1..]))), "{refs:?}");
    }

    #[test]
    fn unknown_and_external_refs_are_located() {
        let (_, r) =
            run(json!({"paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Nope"}}}}},
            "components": {"schemas": {"E": {"$ref": "other.yaml#/X"}}}}));
        let ds = r.unwrap_err().diagnostics;
        assert_eq!(ds[0].code, "ref.unknown");
        assert_eq!(ds[0].location.pointer, "/paths/~1a/get/responses/200/$ref");
        assert_eq!(ds[1].code, "ref.external");
    }

    #[test]
    fn recursive_types_are_fine_but_pure_alias_loops_are_not() {
        let (_, r) = run(json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}}}));
        r.unwrap();
        let (_, r) = run(json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"},
            "C": {"$ref": "#/components/schemas/A"}, "D": {"$ref": "#/components/schemas/C"}}}}));
        let ds = r.unwrap_err().diagnostics;
        let at: Vec<&str> = ds.iter().map(|d| d.location.pointer.as_str()).collect();
        assert_eq!(
            at,
            ["/components/schemas/A", "/components/schemas/B", "/components/schemas/C", "/components/schemas/D"]
        );
        assert!(
            ds[3].message.ends_with(
                "(/components/schemas/D → /components/schemas/C → /components/schemas/A → /components/schemas/B)"
            ),
            "{}",
            ds[3]
        );
    }

    /// A long chain that ends in a definition is fine, and costs its length.
    #[test]
    fn long_alias_chains() {
        let n = 20_000;
        let mut schemas: Map<String, Value> =
            (0..n).map(|i| (format!("A{i}"), json!({"$ref": format!("#/components/schemas/A{}", i + 1)}))).collect();
        schemas.insert(format!("A{n}"), json!({"type": "string"}));
        let (_, r) = run(json!({"components": {"schemas": schemas.clone()}}));
        r.unwrap();
        schemas.insert(format!("A{n}"), json!({"$ref": "#/components/schemas/A0"}));
        let (_, r) = run(json!({"components": {"schemas": schemas}}));
        let ds = r.unwrap_err().diagnostics;
        assert_eq!(ds.len(), n + 1);
        assert!(ds[0].message.ends_with("/components/schemas/A7 → …)"), "{}", ds[0]);
    }

    #[test]
    fn references_to_the_document_or_a_section_are_refused() {
        for target in ["#", "#/paths", "#/components/schemas", "#/info/title"] {
            let (_, r) = run(json!({"info": {"title": "t"}, "paths": {}, "components": {"schemas": {
                "A": {"type": "object", "properties": {"x": {"$ref": target}}}}}}));
            let d = &r.unwrap_err().diagnostics[0];
            assert_eq!(d.code, "ref.not-a-definition", "{target}: {d}");
            assert_eq!(d.location.pointer, "/components/schemas/A/properties/x/$ref");
        }
    }

    #[test]
    fn percent_encoded_fragments() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
    }
}
