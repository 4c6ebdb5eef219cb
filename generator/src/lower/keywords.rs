//! JSON Schema 2020-12 keywords (carried by normalisation under
//! `x-apigen-keywords`) → the IR's [`Keywords`], their schemas lowered like
//! any other (named from where they sit: `{Type}Contains`, `{Type}If`, ...).

use super::types::TypeSpace;
use crate::diag::ptr;
use crate::ir::{Keywords, Subschema};
use crate::naming::camel;
use crate::source::normalize::KEYWORDS;
use openapiv3::{ReferenceOr, Schema};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Keywords no server stub checks (the others are checked where the
/// value's Rust type allows: see `emit/keywords.rs`).
const UNCHECKED: [&str; 7] =
    ["prefixItems", "if", "then", "else", "dependentSchemas", "unevaluatedItems", "unevaluatedProperties"];

/// Whether a schema carries 2020-12 keywords (and so needs a named type
/// to hold them).
pub fn has_keywords(schema: &Schema) -> bool {
    schema.schema_data.extensions.contains_key(KEYWORDS)
}

impl TypeSpace<'_> {
    /// The 2020-12 keywords of `schema` (of the type `name`, at `at`).
    pub fn keywords(&mut self, schema: &Schema, name: &str, at: &str) -> Keywords {
        let Some(Value::Object(k)) = schema.schema_data.extensions.get(KEYWORDS) else { return Keywords::default() };
        for key in UNCHECKED.iter().filter(|key| k.contains_key(**key)) {
            self.warn(
                "schema.unchecked-keyword",
                &ptr(at, key),
                format!("`{key}` is kept for review and diff, but server stubs do not check it"),
                "check it in the implementation, or express it with properties, required and enums",
            );
        }
        let mut one =
            |key: &str| k.get(key).map(|v| self.subschema(v, &format!("{name}{}", camel(key)), &ptr(at, key)));
        let mut out = Keywords {
            contains: one("contains"),
            property_names: one("propertyNames"),
            if_: one("if"),
            then: one("then"),
            else_: one("else"),
            unevaluated_items: one("unevaluatedItems"),
            unevaluated_properties: one("unevaluatedProperties"),
            constant: k.get("const").cloned(),
            min_contains: k.get("minContains").and_then(Value::as_u64),
            max_contains: k.get("maxContains").and_then(Value::as_u64),
            ..Keywords::default()
        };
        if let Some(items) = k.get("prefixItems").and_then(Value::as_array) {
            out.prefix_items = items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    self.subschema(v, &format!("{name}Prefix{i}"), &ptr(&ptr(at, "prefixItems"), &i.to_string()))
                })
                .collect();
        }
        for (key, field) in [("dependentSchemas", "Dependent"), ("patternProperties", "Pattern")] {
            let mut map = BTreeMap::new();
            for (i, (p, v)) in k.get(key).and_then(Value::as_object).into_iter().flatten().enumerate() {
                map.insert(p.clone(), self.subschema(v, &format!("{name}{field}{i}"), &ptr(&ptr(at, key), p)));
            }
            match key {
                "dependentSchemas" => out.dependent_schemas = map,
                _ => out.pattern_properties = map,
            }
        }
        for (p, names) in k.get("dependentRequired").and_then(Value::as_object).into_iter().flatten() {
            let names = names.as_array().into_iter().flatten().filter_map(|n| n.as_str().map(str::to_owned)).collect();
            out.dependent_required.insert(p.clone(), names);
        }
        out
    }

    /// A keyword's schema. `{required: [a]}` (the usual `then` and
    /// `dependentSchemas`) is read as `{properties: {a: {}}, required: [a]}`,
    /// which means the same, so that the names are kept.
    fn subschema(&mut self, v: &Value, ctx: &str, at: &str) -> Subschema {
        let mut v = v.clone();
        match &mut v {
            Value::Bool(b) => return Subschema::Bool(*b),
            Value::Object(obj) if !obj.contains_key("properties") => {
                let names: Vec<String> = obj
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect();
                if !names.is_empty() {
                    let props: Map<String, Value> = names.into_iter().map(|n| (n, Value::Object(Map::new()))).collect();
                    obj.insert("properties".into(), Value::Object(props));
                }
            }
            _ => {}
        }
        match serde_json::from_value::<ReferenceOr<Schema>>(v) {
            Ok(s) => Subschema::Type(self.lower(&s, ctx, at)),
            Err(e) => {
                self.warn(
                    "schema.keyword",
                    at,
                    format!("this schema could not be read ({e}); any value is accepted"),
                    "write a schema object",
                );
                Subschema::Bool(true)
            }
        }
    }
}
