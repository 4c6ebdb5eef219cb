//! Comparing two versions of a type. What breaks depends on who reads
//! it: a server reads requests (tighter constraints, new required fields
//! and narrower enums break callers), a client reads responses (removed
//! fields, new nullability and wider enums break it).

use super::{Class, Cx, Dir, In};
use crate::diag::ptr;
use crate::ir::{Api, Bounds, EnumValue, Field, StringConstraints, TypeKind, TypeRef};

/// Compares `o` (old) with `n` (new), at pointers `(old, new)`.
pub(super) fn compare(cx: &mut Cx<'_>, o: &TypeRef, n: &TypeRef, dir: Dir, label: &str, at: (&str, &str)) {
    Walk { cx, dir, visited: Vec::new() }.types(o, n, label, (at.0.to_string(), at.1.to_string()));
}

struct Walk<'c, 'a> {
    cx: &'c mut Cx<'a>,
    dir: Dir,
    /// Named pairs being or already compared (recursive types end here).
    visited: Vec<(String, String)>,
}

/// A type with its named wrappers and aliases looked through, the last
/// named type on the way, and the pointer of the schema that says it.
fn unwrap<'t>(api: &'t Api, ty: &'t TypeRef, at: String) -> (&'t TypeRef, Option<&'t str>, String) {
    let end = crate::resolve::aliases(api, ty, |_| true);
    let name = match end.at {
        TypeRef::Named { name } if api.types.contains_key(name) => Some(name.as_str()),
        _ => end.via,
    };
    let at = name.and_then(|n| api.types.get(n)).map_or(at, |t| t.origin.clone());
    (end.at, name, at)
}

impl Walk<'_, '_> {
    fn report(&mut self, class: Class, rule: &str, side: In, at: &str, message: String, fix: &str) {
        self.cx.push(class, rule, side, at, message, fix);
    }

    /// Breaking in one direction, compatible in the other.
    fn by_dir(&self, breaks_requests: bool) -> Class {
        match (self.dir, breaks_requests) {
            (Dir::Request, true) | (Dir::Response, false) => Class::Breaking,
            _ => Class::Info,
        }
    }

    fn types(&mut self, o: &TypeRef, n: &TypeRef, label: &str, at: (String, String)) {
        let (old_api, new_api) = (self.cx.o, self.cx.n);
        let (o, o_name, o_at) = unwrap(old_api, o, at.0);
        let (n, n_name, n_at) = unwrap(new_api, n, at.1);
        if let (Some(a), Some(b)) = (o_name, n_name) {
            let pair = (a.to_string(), b.to_string());
            if self.visited.contains(&pair) {
                return;
            }
            self.visited.push(pair);
        }
        match (o, n) {
            (TypeRef::Named { name: a }, TypeRef::Named { name: b }) => {
                let (Some(x), Some(y)) = (old_api.types.get(a), new_api.types.get(b)) else { return };
                self.kinds(&x.kind, &y.kind, label, (o_at, n_at));
            }
            (TypeRef::Nullable { inner: a }, TypeRef::Nullable { inner: b }) => self.types(a, b, label, (o_at, n_at)),
            (TypeRef::Nullable { inner: a }, b) => {
                let class = self.by_dir(true);
                self.report(class, "type.nullability", In::New, &n_at, format!("{label} is no longer nullable"), "");
                self.types(a, b, label, (o_at, n_at));
            }
            (a, TypeRef::Nullable { inner: b }) => {
                let class = if self.dir == Dir::Response { Class::Breaking } else { Class::Info };
                let fix = if class == Class::Breaking { "clients that read it must now handle null" } else { "" };
                self.report(class, "type.nullability", In::New, &n_at, format!("{label} may now be null"), fix);
                self.types(a, b, label, (o_at, n_at));
            }
            (TypeRef::String { format: f, constraints: a }, TypeRef::String { format: g, constraints: b }) => {
                self.format(f, g, label, &n_at);
                self.strings(a, b, label, &n_at);
            }
            (TypeRef::Integer { format: f, bounds: a }, TypeRef::Integer { format: g, bounds: b })
            | (TypeRef::Number { format: f, bounds: a }, TypeRef::Number { format: g, bounds: b }) => {
                self.format(f, g, label, &n_at);
                self.bounds(a, b, label, &n_at);
            }
            (
                TypeRef::Array { items: a, min_items: a0, max_items: a1, .. },
                TypeRef::Array { items: b, min_items: b0, max_items: b1, .. },
            ) => {
                self.limit(*a0, *b0, true, &format!("{label}: minItems"), &ptr(&n_at, "minItems"));
                self.limit(*a1, *b1, false, &format!("{label}: maxItems"), &ptr(&n_at, "maxItems"));
                self.types(a, b, &format!("{label} items"), (ptr(&o_at, "items"), ptr(&n_at, "items")));
            }
            (TypeRef::Map { values: a }, TypeRef::Map { values: b }) => {
                self.types(a, b, &format!("{label} values"), (o_at, n_at))
            }
            (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => {}
            (a, b) => {
                let message = format!("{label} changed type: {} → {}", kind_name(a), kind_name(b));
                self.report(
                    Class::Breaking,
                    "type.changed",
                    In::New,
                    &n_at,
                    message,
                    "keep the type, or add a new field with the new one",
                );
            }
        }
    }

    fn format(&mut self, f: &Option<String>, g: &Option<String>, label: &str, at: &str) {
        if f != g {
            let show = |x: &Option<String>| x.clone().unwrap_or_else(|| "none".into());
            let message = format!("{label} changed format: {} → {}", show(f), show(g));
            self.report(Class::Breaking, "type.changed", In::New, &ptr(at, "format"), message, "keep the format");
        }
    }

    fn strings(&mut self, a: &StringConstraints, b: &StringConstraints, label: &str, at: &str) {
        self.limit(a.min_length, b.min_length, true, &format!("{label}: minLength"), &ptr(at, "minLength"));
        self.limit(a.max_length, b.max_length, false, &format!("{label}: maxLength"), &ptr(at, "maxLength"));
        if a.pattern != b.pattern {
            let at = ptr(at, "pattern");
            match (&a.pattern, &b.pattern) {
                (_, Some(p)) => {
                    let message = match &a.pattern {
                        Some(q) => format!("{label}: pattern `{q}` → `{p}`"),
                        None => format!("{label}: pattern `{p}` added"),
                    };
                    let class = self.by_dir(true);
                    self.report(class, "constraint.tightened", In::New, &at, message, TIGHTENED_FIX);
                }
                (Some(p), None) => {
                    let class = self.by_dir(false);
                    self.report(
                        class,
                        "constraint.loosened",
                        In::New,
                        &at,
                        format!("{label}: pattern `{p}` removed"),
                        "",
                    );
                }
                (None, None) => {}
            }
        }
    }

    fn bounds(&mut self, a: &Bounds, b: &Bounds, label: &str, at: &str) {
        let num = |n: &Option<serde_json::Number>| n.as_ref().and_then(serde_json::Number::as_f64);
        self.limit_f(num(&a.minimum), num(&b.minimum), true, &format!("{label}: minimum"), &ptr(at, "minimum"));
        self.limit_f(num(&a.maximum), num(&b.maximum), false, &format!("{label}: maximum"), &ptr(at, "maximum"));
    }

    fn limit(&mut self, a: Option<u64>, b: Option<u64>, is_min: bool, what: &str, at: &str) {
        self.limit_f(a.map(|x| x as f64), b.map(|x| x as f64), is_min, what, at);
    }

    /// A lower bound that rises, or an upper bound that falls (or appears),
    /// admits fewer values.
    fn limit_f(&mut self, a: Option<f64>, b: Option<f64>, is_min: bool, what: &str, at: &str) {
        let tighter = match (a, b) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) if x != y => (y > x) == is_min,
            _ => return,
        };
        let show = |x: Option<f64>| x.map_or("none".into(), |v| v.to_string());
        let message = format!("{what} {} → {}", show(a), show(b));
        if tighter {
            let class = self.by_dir(true);
            self.report(class, "constraint.tightened", In::New, at, message, TIGHTENED_FIX);
        } else {
            let class = self.by_dir(false);
            let fix = if class == Class::Breaking {
                "clients that validate what they read must accept the wider range"
            } else {
                ""
            };
            self.report(class, "constraint.loosened", In::New, at, message, fix);
        }
    }

    fn kinds(&mut self, a: &TypeKind, b: &TypeKind, label: &str, at: (String, String)) {
        match (a, b) {
            (TypeKind::Struct { fields: x, .. }, TypeKind::Struct { fields: y, .. }) => self.fields(x, y, label, at),
            (TypeKind::Enum { values: x, .. }, TypeKind::Enum { values: y, .. }) => self.enums(x, y, label, &at.1),
            (TypeKind::OneOf { variants: x, .. }, TypeKind::OneOf { variants: y, .. })
            | (TypeKind::AnyOf { variants: x }, TypeKind::AnyOf { variants: y }) => {
                for v in x {
                    if let Some(w) = y.iter().find(|w| w.rust_name == v.rust_name) {
                        self.types(&v.ty, &w.ty, &format!("{label} ({})", v.rust_name), at.clone());
                    }
                }
            }
            (TypeKind::AllOf { parts: x }, TypeKind::AllOf { parts: y }) => {
                for (p, q) in x.iter().zip(y) {
                    self.types(p, q, label, at.clone());
                }
            }
            (x, y) if std::mem::discriminant(x) == std::mem::discriminant(y) => {}
            _ => {
                let message = format!("{label} changed shape");
                self.report(Class::Breaking, "type.changed", In::New, &at.1, message, "keep the shape");
            }
        }
    }

    fn fields(&mut self, x: &[Field], y: &[Field], label: &str, at: (String, String)) {
        let field_at = |base: &str, f: &Field| ptr(&ptr(base, "properties"), &f.name);
        for f in x {
            let Some(g) = y.iter().find(|g| g.name == f.name) else {
                let (class, fix) = match self.dir {
                    Dir::Response => (Class::Breaking, "clients read it: keep it (deprecate it first)"),
                    Dir::Request => (Class::Warning, "callers still send it; make sure the server ignores it"),
                };
                let message = format!("{label}: field `{}` was removed", f.name);
                self.report(class, "field.removed", In::Old, &field_at(&at.0, f), message, fix);
                continue;
            };
            let here = field_at(&at.1, g);
            if f.required != g.required {
                let (class, rule) = match (self.dir, g.required) {
                    (Dir::Request, true) => (Class::Breaking, "field.now-required"),
                    (Dir::Response, false) => (Class::Warning, "field.now-optional"),
                    (_, true) => (Class::Info, "field.now-required"),
                    (_, false) => (Class::Info, "field.now-optional"),
                };
                let what = if g.required { "required" } else { "optional" };
                self.report(class, rule, In::New, &here, format!("{label}: field `{}` is now {what}", g.name), "");
            }
            let sub = format!("{label} field `{}`", g.name);
            self.types(&f.ty, &g.ty, &sub, (field_at(&at.0, f), here));
        }
        for g in y.iter().filter(|g| !x.iter().any(|f| f.name == g.name)) {
            let (class, rule) = if self.dir == Dir::Request && g.required {
                (Class::Breaking, "field.added-required")
            } else {
                (Class::Info, "field.added")
            };
            let message = format!("{label}: field `{}` was added", g.name);
            self.report(class, rule, In::New, &field_at(&at.1, g), message, "");
        }
    }

    fn enums(&mut self, x: &[EnumValue], y: &[EnumValue], label: &str, at: &str) {
        let removed: Vec<String> =
            x.iter().filter(|v| !y.iter().any(|w| w.value == v.value)).map(|v| v.value.to_string()).collect();
        let added: Vec<String> =
            y.iter().filter(|w| !x.iter().any(|v| v.value == w.value)).map(|w| w.value.to_string()).collect();
        let at = ptr(at, "enum");
        if !removed.is_empty() {
            let class = if self.dir == Dir::Request { Class::Breaking } else { Class::Info };
            let message = format!("{label}: enum narrowed, {} removed", removed.join(", "));
            self.report(class, "enum.narrowed", In::New, &at, message, "keep accepting the old values");
        }
        if !added.is_empty() {
            let class = if self.dir == Dir::Response { Class::Warning } else { Class::Info };
            let fix = if class == Class::Warning {
                "clients that match every value need an arm for the new ones"
            } else {
                ""
            };
            let message = format!("{label}: enum widened, {} added", added.join(", "));
            self.report(class, "enum.widened", In::New, &at, message, fix);
        }
    }
}

const TIGHTENED_FIX: &str = "requests valid before are now refused: keep the old limit, or version the API";

fn kind_name(t: &TypeRef) -> &'static str {
    match t {
        TypeRef::Named { .. } => "object",
        TypeRef::String { .. } => "string",
        TypeRef::Integer { .. } => "integer",
        TypeRef::Number { .. } => "number",
        TypeRef::Boolean => "boolean",
        TypeRef::Binary => "binary",
        TypeRef::Array { .. } => "array",
        TypeRef::Map { .. } => "map",
        TypeRef::Nullable { .. } => "nullable",
        TypeRef::Null => "null",
        TypeRef::Any => "any",
    }
}
