//! Comparing the JSON Schema 2020-12 keywords of two versions of a type.
//! Each one constrains the values further: added (or tightened) it breaks
//! callers of what a server reads, removed (or loosened) it breaks clients
//! of what they read. A subschema is compared like any type, in the same
//! direction: a tighter `contains` admits fewer arrays.

use super::types::{TIGHTENED_FIX, Walk};
use super::{Class, In};
use crate::diag::ptr;
use crate::ir::{Keywords, Subschema, TypeRef};
use std::collections::BTreeMap;

impl Walk<'_, '_> {
    pub(super) fn keywords(&mut self, a: &Keywords, b: &Keywords, label: &str, at: (&str, &str)) {
        self.constant(a, b, label, at);
        let singles = [
            ("contains", &a.contains, &b.contains),
            ("propertyNames", &a.property_names, &b.property_names),
            ("then", &a.then, &b.then),
            ("else", &a.else_, &b.else_),
            ("unevaluatedItems", &a.unevaluated_items, &b.unevaluated_items),
            ("unevaluatedProperties", &a.unevaluated_properties, &b.unevaluated_properties),
        ];
        for (key, x, y) in singles {
            self.subschema(x.as_ref(), y.as_ref(), key, label, (&ptr(at.0, key), &ptr(at.1, key)));
        }
        self.condition(a.if_.as_ref(), b.if_.as_ref(), label, at);
        self.limit(a.min_contains, b.min_contains, true, &format!("{label}: minContains"), &ptr(at.1, "minContains"));
        self.limit(a.max_contains, b.max_contains, false, &format!("{label}: maxContains"), &ptr(at.1, "maxContains"));
        let (x, y) = (&a.prefix_items, &b.prefix_items);
        for i in 0..x.len().max(y.len()) {
            let key = format!("prefixItems/{i}");
            self.subschema(x.get(i), y.get(i), &key, label, (&ptr(at.0, &key), &ptr(at.1, &key)));
        }
        self.schema_map("dependentSchemas", &a.dependent_schemas, &b.dependent_schemas, label, at);
        self.schema_map("patternProperties", &a.pattern_properties, &b.pattern_properties, label, at);
        self.dependent_required(&a.dependent_required, &b.dependent_required, label, at);
    }

    fn tightened(&mut self, at: &str, message: String) {
        let class = self.by_dir(true);
        self.report(class, "keyword.tightened", In::New, at, message, TIGHTENED_FIX);
    }

    fn loosened(&mut self, at: &str, message: String) {
        let class = self.by_dir(false);
        let fix = if class == Class::Breaking { "clients rely on what the keyword promised: keep it" } else { "" };
        self.report(class, "keyword.loosened", In::Old, at, message, fix);
    }

    /// `const` changed: the one value callers send (or clients expect) is
    /// another, which breaks both directions.
    fn constant(&mut self, a: &Keywords, b: &Keywords, label: &str, at: (&str, &str)) {
        match (&a.constant, &b.constant) {
            (Some(x), Some(y)) if x != y => {
                let message = format!("{label}: const {x} → {y}");
                let fix = "the one value allowed is another: keep it, or version the API";
                self.report(Class::Breaking, "const.changed", In::New, &ptr(at.1, "const"), message, fix);
            }
            (None, Some(y)) => self.tightened(&ptr(at.1, "const"), format!("{label}: const {y} added")),
            (Some(x), None) => self.loosened(&ptr(at.0, "const"), format!("{label}: const {x} removed")),
            _ => {}
        }
    }

    /// One keyword's schema in both versions (`true` is no constraint).
    fn subschema(&mut self, x: Option<&Subschema>, y: Option<&Subschema>, key: &str, label: &str, at: (&str, &str)) {
        fn real(s: Option<&Subschema>) -> Option<&Subschema> {
            s.filter(|s| **s != Subschema::Bool(true))
        }
        match (real(x), real(y)) {
            (None, None) => {}
            (None, Some(_)) => self.tightened(at.1, format!("{label}: `{key}` added")),
            (Some(_), None) => self.loosened(at.0, format!("{label}: `{key}` removed")),
            (Some(Subschema::Bool(false)), Some(Subschema::Bool(false))) => {}
            (Some(Subschema::Type(_)), Some(Subschema::Bool(_))) => {
                self.tightened(at.1, format!("{label}: `{key}` now admits nothing"))
            }
            (Some(Subschema::Bool(_)), Some(Subschema::Type(_))) => {
                self.loosened(at.0, format!("{label}: `{key}` now admits some values"))
            }
            (Some(Subschema::Type(s)), Some(Subschema::Type(t))) => {
                self.types(s, t, &format!("{label} `{key}`"), (at.0.to_string(), at.1.to_string()))
            }
            (Some(Subschema::Bool(_)), Some(Subschema::Bool(_))) => {}
        }
    }

    /// `if` decides which of `then`/`else` applies: any change of it moves
    /// values from one to the other, which can break either side.
    fn condition(&mut self, x: Option<&Subschema>, y: Option<&Subschema>, label: &str, at: (&str, &str)) {
        // Added or removed with its `then`/`else`, it is their change
        // (compared as subschemas) that counts.
        let same = match (x, y) {
            (Some(Subschema::Type(s)), Some(Subschema::Type(t))) => self.same_type(s, t),
            (Some(x), Some(y)) => x == y,
            _ => true,
        };
        if !same {
            let message = format!("{label}: the `if` condition changed");
            let fix = "values now meet `then`/`else` differently: keep the condition, or version the API";
            self.report(Class::Breaking, "keyword.changed", In::New, &ptr(at.1, "if"), message, fix);
        }
    }

    /// Two types say the same thing (definitions compared one level deep).
    fn same_type(&self, s: &TypeRef, t: &TypeRef) -> bool {
        match (s, t) {
            (TypeRef::Named { name: a }, TypeRef::Named { name: b }) => {
                match (self.cx.o.types.get(a), self.cx.n.types.get(b)) {
                    (Some(x), Some(y)) => x.kind == y.kind && x.keywords == y.keywords,
                    _ => a == b,
                }
            }
            _ => s == t,
        }
    }

    fn schema_map(
        &mut self,
        key: &str,
        x: &BTreeMap<String, Subschema>,
        y: &BTreeMap<String, Subschema>,
        label: &str,
        at: (&str, &str),
    ) {
        let names: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
        for name in names {
            let here = (ptr(&ptr(at.0, key), name), ptr(&ptr(at.1, key), name));
            let what = format!("{key} `{name}`");
            self.subschema(x.get(name), y.get(name), &what, label, (&here.0, &here.1));
        }
    }

    fn dependent_required(
        &mut self,
        x: &BTreeMap<String, Vec<String>>,
        y: &BTreeMap<String, Vec<String>>,
        label: &str,
        at: (&str, &str),
    ) {
        let names: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
        let none = Vec::new();
        for name in names {
            let (a, b) = (x.get(name).unwrap_or(&none), y.get(name).unwrap_or(&none));
            let added: Vec<&str> = b.iter().filter(|n| !a.contains(n)).map(String::as_str).collect();
            let removed: Vec<&str> = a.iter().filter(|n| !b.contains(n)).map(String::as_str).collect();
            let here = (ptr(&ptr(at.0, "dependentRequired"), name), ptr(&ptr(at.1, "dependentRequired"), name));
            if !added.is_empty() {
                let message = format!("{label}: with `{name}`, `{}` now required too", added.join("`, `"));
                self.tightened(&here.1, message);
            }
            if !removed.is_empty() {
                let message = format!("{label}: with `{name}`, `{}` no longer required", removed.join("`, `"));
                self.loosened(&here.0, message);
            }
        }
    }
}
