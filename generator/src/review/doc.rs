//! A raw OpenAPI document as review reads it: as published (3.0 or 3.1,
//! before normalisation), with local `$ref`s followed on demand so that
//! every finding keeps the pointer of the node that says the wrong thing.

use crate::diag::ptr;
use serde_json::Value;

pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

pub struct Doc<'a> {
    pub root: &'a Value,
}

/// One operation: where it sits and what it says.
pub struct Op<'a> {
    pub path: &'a str,
    pub method: &'a str,
    pub at: String,
    pub op: &'a Value,
    pub item: &'a Value,
    pub item_at: String,
}

/// A node and its pointer (after following `$ref`s, the target's).
pub type Node<'a> = (&'a Value, String);

impl<'a> Doc<'a> {
    pub fn new(root: &'a Value) -> Self {
        Doc { root }
    }

    /// The target of a local `$ref`, if it exists.
    pub fn target(&self, reference: &str) -> Option<Node<'a>> {
        let fragment = reference.strip_prefix('#')?;
        let decoded = crate::source::refs::percent_decode(fragment);
        self.root.pointer(&decoded).map(|v| (v, decoded))
    }

    /// Follows `$ref`s from `v` (bounded, so that loops end); an unresolved
    /// reference yields the `$ref` node itself.
    pub fn resolve(&self, v: &'a Value, at: &str) -> Node<'a> {
        let (mut v, mut at) = (v, at.to_string());
        for _ in 0..32 {
            match v.get("$ref").and_then(Value::as_str).and_then(|r| self.target(r)) {
                Some((t, p)) => (v, at) = (t, p),
                None => break,
            }
        }
        (v, at)
    }

    /// A child of `v` by key, resolved.
    pub fn child(&self, (v, at): &Node<'a>, key: &str) -> Option<Node<'a>> {
        v.get(key).map(|c| self.resolve(c, &ptr(at, key)))
    }

    /// The entries of an object child, resolved, in document order.
    pub fn entries(&self, node: &Node<'a>, key: &str) -> Vec<(&'a str, Node<'a>)> {
        let Some((Value::Object(map), at)) = node.0.get(key).map(|m| (m, ptr(&node.1, key))) else {
            return Vec::new();
        };
        map.iter().map(|(k, v)| (k.as_str(), self.resolve(v, &ptr(&at, k)))).collect()
    }

    pub fn operations(&self) -> Vec<Op<'a>> {
        let mut out = Vec::new();
        let Some(Value::Object(paths)) = self.root.get("paths") else { return out };
        for (path, item) in paths {
            let item_at = ptr("/paths", path);
            let (item, _) = self.resolve(item, &item_at);
            for method in METHODS {
                if let Some(op) = item.get(method).filter(|o| o.is_object()) {
                    out.push(Op { path, method, at: ptr(&item_at, method), op, item, item_at: item_at.clone() });
                }
            }
        }
        out
    }

    /// The parameters in effect for `op`: the path item's, overridden by
    /// the operation's own with the same name and location.
    pub fn parameters(&self, op: &Op<'a>) -> Vec<Node<'a>> {
        let list = |v: &'a Value, at: &str| -> Vec<Node<'a>> {
            let Some(Value::Array(items)) = v.get("parameters") else { return Vec::new() };
            let at = ptr(at, "parameters");
            items.iter().enumerate().map(|(i, p)| self.resolve(p, &ptr(&at, &i.to_string()))).collect()
        };
        let own = list(op.op, &op.at);
        let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
        let mut all: Vec<Node<'a>> = list(op.item, &op.item_at)
            .into_iter()
            .filter(|(p, _)| !own.iter().any(|(o, _)| key(o) == key(p)))
            .collect();
        all.extend(own);
        all
    }

    /// The operation's responses by status key, resolved.
    pub fn responses(&self, op: &Op<'a>) -> Vec<(&'a str, Node<'a>)> {
        self.entries(&(op.op, op.at.clone()), "responses")
    }

    /// The security requirements in effect: the operation's, else the
    /// document's; `None` when neither says anything.
    pub fn security(&self, op: &Op<'a>) -> Option<Node<'a>> {
        match op.op.get("security") {
            Some(s) => Some((s, ptr(&op.at, "security"))),
            None => self.root.get("security").map(|s| (s, "/security".to_string())),
        }
    }
}

/// Every schema object reachable from `v` without following `$ref`s,
/// with its pointer: the schema itself and its subschemas.
pub fn subschemas<'v>(v: &'v Value, at: &str, out: &mut Vec<(&'v Value, String)>) {
    if !v.is_object() || v.get("$ref").is_some() {
        return;
    }
    out.push((v, at.to_string()));
    for key in ["items", "not", "additionalProperties", "contains", "propertyNames", "if", "then", "else"] {
        if let Some(s) = v.get(key) {
            subschemas(s, &ptr(at, key), out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf", "prefixItems"] {
        if let Some(Value::Array(list)) = v.get(key) {
            for (i, s) in list.iter().enumerate() {
                subschemas(s, &ptr(&ptr(at, key), &i.to_string()), out);
            }
        }
    }
    for key in ["properties", "patternProperties", "$defs"] {
        if let Some(Value::Object(map)) = v.get(key) {
            for (k, s) in map {
                subschemas(s, &ptr(&ptr(at, key), k), out);
            }
        }
    }
}

/// Every schema of the document, each once: component schemas and the
/// inline schemas of parameters, bodies, responses and headers.
pub fn all_schemas<'a>(doc: &Doc<'a>) -> Vec<(&'a Value, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(schemas)) = doc.root.pointer("/components/schemas") {
        for (k, s) in schemas {
            subschemas(s, &ptr("/components/schemas", k), &mut out);
        }
    }
    for site in schema_sites(doc.root, "") {
        subschemas(site.0, &site.1, &mut out);
    }
    out
}

/// Schemas that sit directly under `schema` keys outside
/// `components/schemas` (parameters, media types, headers).
fn schema_sites<'v>(v: &'v Value, at: &str) -> Vec<(&'v Value, String)> {
    let mut out = Vec::new();
    match v {
        Value::Object(map) => {
            for (k, c) in map {
                let here = ptr(at, k);
                if here == "/components/schemas" || matches!(k.as_str(), "example" | "examples" | "default" | "enum") {
                    continue;
                }
                if k == "schema" && c.is_object() {
                    out.push((c, here));
                } else {
                    out.extend(schema_sites(c, &here));
                }
            }
        }
        Value::Array(items) => {
            for (i, c) in items.iter().enumerate() {
                out.extend(schema_sites(c, &ptr(at, &i.to_string())));
            }
        }
        _ => {}
    }
    out
}

/// The words of an identifier or a sentence, lower-cased:
/// `ResourceNotFoundException` → resource, not, found, exception.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
