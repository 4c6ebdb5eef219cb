//! Checks a documented example against its schema: the keywords a server
//! stub enforces (type, enum, const, string length and ECMA-262 pattern,
//! numeric bounds, array size, required and nested properties, allOf /
//! oneOf / anyOf). Not a full JSON Schema validator: unknown keywords pass.

use super::doc::Doc;
use crate::diag::ptr;
use serde_json::Value;

/// One way an example breaks its schema: where in the example, and how.
#[derive(Debug, PartialEq)]
pub struct Violation {
    /// Pointer into the example (`""` for the example itself).
    pub at: String,
    pub message: String,
}

pub fn check(doc: &Doc<'_>, schema: &Value, value: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    walk(doc, schema, value, "", 0, &mut out);
    out
}

fn walk(doc: &Doc<'_>, schema: &Value, value: &Value, at: &str, depth: usize, out: &mut Vec<Violation>) {
    if depth > 64 {
        return;
    }
    let (schema, _) = doc.resolve(schema, "");
    let mut fail = |message: String| out.push(Violation { at: at.to_string(), message });
    if let Some(types) = types(schema)
        && !types.iter().any(|t| is_type(value, t))
    {
        fail(format!("{} is not of type {}", short(value), types.join(" or ")));
        return;
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        fail(format!("{} is not one of the enum values", short(value)));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        fail(format!("{} is not the constant {}", short(value), short(c)));
    }
    match value {
        Value::String(s) => string(schema, s, &mut fail),
        Value::Number(n) => number(schema, n.as_f64().unwrap_or(f64::NAN), &mut fail),
        _ => {}
    }
    if let Value::Array(items) = value {
        let count = items.len() as u64;
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64).filter(|m| count < *m) {
            fail(format!("has {count} items, fewer than minItems {min}"));
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64).filter(|m| count > *m) {
            fail(format!("has {count} items, more than maxItems {max}"));
        }
        if let Some(item) = schema.get("items").filter(|i| i.is_object()) {
            for (i, v) in items.iter().enumerate() {
                walk(doc, item, v, &ptr(at, &i.to_string()), depth + 1, out);
            }
        }
    }
    if let Value::Object(fields) = value {
        if let Some(Value::Array(required)) = schema.get("required") {
            for name in required.iter().filter_map(Value::as_str).filter(|n| !fields.contains_key(*n)) {
                out.push(Violation {
                    at: at.to_string(),
                    message: format!("the required property `{name}` is missing"),
                });
            }
        }
        if let Some(Value::Object(props)) = schema.get("properties") {
            for (name, v) in fields {
                if let Some(s) = props.get(name) {
                    walk(doc, s, v, &ptr(at, name), depth + 1, out);
                }
            }
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for s in parts {
            walk(doc, s, value, at, depth + 1, out);
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(options)) = schema.get(key) {
            // An example fitting several oneOf alternatives makes the
            // schema ambiguous, not the example wrong: only none is.
            if !options.iter().any(|s| check_at(doc, s, value, depth).is_empty()) {
                out.push(Violation {
                    at: at.to_string(),
                    message: format!("{} fits none of the {key} alternatives", short(value)),
                });
            }
        }
    }
}

fn check_at(doc: &Doc<'_>, schema: &Value, value: &Value, depth: usize) -> Vec<Violation> {
    let mut out = Vec::new();
    walk(doc, schema, value, "", depth + 1, &mut out);
    out
}

fn string(schema: &Value, s: &str, fail: &mut impl FnMut(String)) {
    let len = s.encode_utf16().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64).filter(|m| len < *m) {
        fail(format!("{} is {len} characters long, shorter than minLength {min}", short_str(s)));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64).filter(|m| len > *m) {
        fail(format!("{} is {len} characters long, longer than maxLength {max}", short_str(s)));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str)
        && let Ok(re) = regress::Regex::new(pattern)
        && re.find(s).is_none()
    {
        fail(format!("{} does not match the pattern `{pattern}`", short_str(s)));
    }
}

fn number(schema: &Value, n: f64, fail: &mut impl FnMut(String)) {
    let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
    // 3.0 writes exclusive bounds as booleans beside minimum/maximum.
    let excl = |k: &str| schema.get(k).and_then(Value::as_bool).unwrap_or(false);
    if let Some(min) = bound("minimum")
        && (n < min || (excl("exclusiveMinimum") && n == min))
    {
        fail(format!("{n} is below the minimum {min}"));
    }
    if let Some(max) = bound("maximum")
        && (n > max || (excl("exclusiveMaximum") && n == max))
    {
        fail(format!("{n} is above the maximum {max}"));
    }
    if let Some(min) = bound("exclusiveMinimum").filter(|m| n <= *m) {
        fail(format!("{n} is not above the exclusive minimum {min}"));
    }
    if let Some(max) = bound("exclusiveMaximum").filter(|m| n >= *m) {
        fail(format!("{n} is not below the exclusive maximum {max}"));
    }
}

/// The schema's `type`, as a list (3.1 allows an array; 3.0's `nullable`
/// adds null).
fn types(schema: &Value) -> Option<Vec<String>> {
    let mut list: Vec<String> = match schema.get("type")? {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).map(String::from).collect(),
        _ => return None,
    };
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        list.push("null".into());
    }
    Some(list)
}

fn is_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "null" => v.is_null(),
        _ => true,
    }
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => short_str(s),
        Value::Object(_) => "the object".into(),
        Value::Array(_) => "the array".into(),
        other => other.to_string(),
    }
}

fn short_str(s: &str) -> String {
    let cut: String = s.chars().take(60).collect();
    if cut.len() < s.len() { format!("\"{cut}…\"") } else { format!("{s:?}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(schema: Value, value: Value) -> Vec<String> {
        let root = json!({});
        check(&Doc::new(&root), &schema, &value).into_iter().map(|v| format!("{}: {}", v.at, v.message)).collect()
    }

    #[test]
    fn string_constraints() {
        let s = json!({"type": "string", "minLength": 21, "maxLength": 21, "pattern": "^key-[0-9a-f]{17}$"});
        let v = violations(s.clone(), json!("MyPublicKey"));
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].contains("11 characters long, shorter than minLength 21"), "{v:?}");
        assert!(v[1].contains("does not match the pattern"), "{v:?}");
        assert!(violations(s, json!("key-0123456789abcdef0")).is_empty());
    }

    #[test]
    fn nested_properties_types_and_bounds() {
        let s = json!({"type": "object", "required": ["a", "b"], "properties": {
            "a": {"type": "integer", "minimum": 1},
            "c": {"type": "array", "items": {"type": "string"}, "maxItems": 1}}});
        let v = violations(s, json!({"a": 0, "c": [1, "x"]}));
        assert_eq!(
            v,
            [
                ": the required property `b` is missing",
                "/a: 0 is below the minimum 1",
                "/c: has 2 items, more than maxItems 1",
                "/c/0: 1 is not of type string"
            ]
        );
    }

    #[test]
    fn refs_nullable_and_exclusive_bounds() {
        let root = json!({"components": {"schemas": {"N": {"type": "number", "exclusiveMinimum": 0}}}});
        let doc = Doc::new(&root);
        assert_eq!(check(&doc, &json!({"$ref": "#/components/schemas/N"}), &json!(0)).len(), 1);
        assert!(check(&doc, &json!({"type": "string", "nullable": true}), &json!(null)).is_empty());
    }
}
