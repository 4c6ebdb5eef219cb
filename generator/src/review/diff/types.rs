//! Comparing two versions of a type. What breaks depends on who reads
//! it: a server reads requests (tighter constraints, new required fields
//! and narrower enums break callers), a client reads responses (removed
//! fields, new nullability and wider enums break it).

use super::{Class, Cx, Dir, In};
use crate::diag::ptr;
use crate::ir::{Api, Bounds, EnumValue, Field, Keywords, NamedType, StringConstraints, TypeKind, TypeRef, Variant};
use serde_json::Value;

/// Compares `o` (old) with `n` (new), at pointers `(old, new)`. `values`
/// are the API's own values for it (defaults, examples): a new limit they
/// exceed breaks the API's own callers.
pub(super) fn compare(
    cx: &mut Cx<'_>,
    o: &TypeRef,
    n: &TypeRef,
    dir: Dir,
    label: &str,
    at: (&str, &str),
    values: Vec<Value>,
) {
    Walk { cx, dir, visited: Vec::new(), values }.types(o, n, label, (at.0.to_string(), at.1.to_string()));
}

pub(super) struct Walk<'c, 'a> {
    pub(super) cx: &'c mut Cx<'a>,
    pub(super) dir: Dir,
    /// Named pairs being or already compared (recursive types end here).
    visited: Vec<(String, String)>,
    /// The API's own values of the type being compared.
    values: Vec<Value>,
}

/// A type with its named wrappers and aliases looked through, the
/// pointer of the schema that says it, and the named types passed.
struct Unwrapped<'t> {
    ty: &'t TypeRef,
    name: Option<&'t str>,
    at: String,
    named: Vec<&'t NamedType>,
}

fn unwrap<'t>(api: &'t Api, mut ty: &'t TypeRef, mut at: String) -> Unwrapped<'t> {
    let mut name = None;
    let mut named = Vec::new();
    for _ in 0..16 {
        let TypeRef::Named { name: n } = ty else { break };
        let Some(t) = api.types.get(n) else { break };
        name = Some(n.as_str());
        at = t.origin.clone();
        named.push(t);
        match &t.kind {
            TypeKind::Alias { ty: inner } => ty = inner,
            // `{$ref: X, contains: ..}` in 3.1 is `allOf: [X]` with the
            // keywords: the value is an X.
            TypeKind::AllOf { parts } if parts.len() == 1 => ty = &parts[0],
            _ => break,
        }
    }
    Unwrapped { ty, name, at, named }
}

/// The 2020-12 keywords of the first named type passed that has any.
fn keywords_of<'t>(named: &[&'t NamedType]) -> Option<&'t Keywords> {
    named.iter().map(|t| &t.keywords).find(|k| !k.is_empty())
}

/// The variants of a union type.
fn union_variants<'t>(api: &'t Api, ty: &TypeRef) -> Option<&'t [Variant]> {
    let TypeRef::Named { name } = ty else { return None };
    match &api.types.get(name)?.kind {
        TypeKind::OneOf { variants, .. } | TypeKind::AnyOf { variants } => Some(variants),
        _ => None,
    }
}

/// Whether `e` is an enum whose values are all of the scalar type `t`.
fn enum_over(api: &Api, e: &TypeRef, t: &TypeRef) -> bool {
    let TypeRef::Named { name } = e else { return false };
    let Some(TypeKind::Enum { values, .. }) = api.types.get(name).map(|t| &t.kind) else { return false };
    let fits = |v: &Value| match t {
        TypeRef::String { .. } => v.is_string(),
        TypeRef::Integer { .. } => v.is_i64() || v.is_u64(),
        TypeRef::Number { .. } => v.is_number(),
        TypeRef::Boolean => v.is_boolean(),
        _ => false,
    };
    !values.is_empty() && values.iter().all(|v| v.value.is_null() || fits(&v.value))
}

/// Whether a union member stands for `ty`: the same named type, or the
/// same kind of scalar or container.
fn stands_for(api: &Api, member: &TypeRef, ty: &TypeRef) -> bool {
    let m = unwrap(api, member, String::new()).ty;
    match (m, ty) {
        (TypeRef::Named { name: a }, TypeRef::Named { name: b }) => a == b,
        (TypeRef::Nullable { inner }, t) => stands_for(api, inner, t),
        (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// A pattern that matches every string constrains nothing.
fn effective_pattern(p: &Option<String>) -> Option<&str> {
    const MATCH_ALL: [&str; 8] = ["", ".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$", "[\\s\\S]*"];
    p.as_deref().filter(|p| !MATCH_ALL.contains(p))
}

/// What a limit measures in a value.
#[derive(Clone, Copy)]
enum Measure {
    Number,
    Length,
    None,
}

impl Measure {
    fn of(self, v: &Value) -> Option<f64> {
        match (self, v) {
            (Measure::Number, Value::Number(n)) => n.as_f64(),
            (Measure::Length, Value::String(s)) => Some(s.chars().count() as f64),
            _ => None,
        }
    }
}

impl Walk<'_, '_> {
    pub(super) fn report(&mut self, class: Class, rule: &str, side: In, at: &str, message: String, fix: &str) {
        self.cx.record(class, rule, Some(self.dir), side, at, message, fix);
    }

    /// Breaking in one direction, compatible in the other.
    pub(super) fn by_dir(&self, breaks_requests: bool) -> Class {
        match (self.dir, breaks_requests) {
            (Dir::Request, true) | (Dir::Response, false) => Class::Breaking,
            _ => Class::Info,
        }
    }

    pub(super) fn types(&mut self, o: &TypeRef, n: &TypeRef, label: &str, at: (String, String)) {
        let (old_api, new_api) = (self.cx.o, self.cx.n);
        let old = unwrap(old_api, o, at.0);
        let new = unwrap(new_api, n, at.1);
        let (o, n, o_at, n_at) = (old.ty, new.ty, old.at, new.at);
        if let (Some(a), Some(b)) = (old.name, new.name) {
            let pair = (a.to_string(), b.to_string());
            if self.visited.contains(&pair) {
                return;
            }
            self.visited.push(pair);
        }
        for t in &new.named {
            self.values.extend(t.examples.iter().cloned());
        }
        let none = Keywords::default();
        let (ko, kn) = (keywords_of(&old.named).unwrap_or(&none), keywords_of(&new.named).unwrap_or(&none));
        if ko != kn {
            self.keywords(ko, kn, label, (&o_at, &n_at));
        }
        if let (Some(x), Some(y)) = (old.named.last(), new.named.last()) {
            self.all_of_members(x, y, label, (&o_at, &n_at));
        }
        if self.widened_or_narrowed(o, n, label, (&o_at, &n_at)) {
            return;
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
            (TypeRef::Integer { bounds: a, .. }, TypeRef::Number { bounds: b, .. }) => {
                let class = self.by_dir(false);
                let message = format!("{label} widened from integer to number");
                self.report(class, "type.widened", In::New, &n_at, message, WIDENED_FIX);
                self.bounds(a, b, label, &n_at);
            }
            (TypeRef::Number { bounds: a, .. }, TypeRef::Integer { bounds: b, .. }) => {
                let class = self.by_dir(true);
                let message = format!("{label} narrowed from number to integer");
                self.report(class, "type.narrowed", In::New, &n_at, message, "keep accepting numbers");
                self.bounds(a, b, label, &n_at);
            }
            (
                TypeRef::Array { items: a, min_items: a0, max_items: a1, .. },
                TypeRef::Array { items: b, min_items: b0, max_items: b1, .. },
            ) => {
                self.limit(*a0, *b0, true, &format!("{label}: minItems"), &ptr(&n_at, "minItems"));
                self.limit(*a1, *b1, false, &format!("{label}: maxItems"), &ptr(&n_at, "maxItems"));
                let values = std::mem::take(&mut self.values);
                self.values = values.iter().filter_map(Value::as_array).flatten().cloned().collect();
                self.types(a, b, &format!("{label} items"), (ptr(&o_at, "items"), ptr(&n_at, "items")));
                self.values = values;
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

    /// A value that became one of a union's members (or a union that
    /// became one of its members): the values accepted widen (narrow).
    /// Reported, and the value compared with its member.
    fn widened_or_narrowed(&mut self, o: &TypeRef, n: &TypeRef, label: &str, at: (&str, &str)) -> bool {
        let (old_api, new_api) = (self.cx.o, self.cx.n);
        // An enum (a `const`) lifted to its plain type, or the reverse.
        if enum_over(old_api, o, n) {
            let class = self.by_dir(false);
            let message = format!("{label} widened: any {} is now allowed, not only the enum's", kind_name(n));
            self.report(class, "type.widened", In::New, at.1, message, WIDENED_FIX);
            return true;
        }
        if enum_over(new_api, n, o) {
            let class = self.by_dir(true);
            let message = format!("{label} narrowed: from any {} to an enum", kind_name(o));
            self.report(class, "type.narrowed", In::New, at.1, message, "keep accepting every value");
            return true;
        }
        let (ou, nu) = (union_variants(old_api, o), union_variants(new_api, n));
        match (ou, nu) {
            (None, Some(vs)) => {
                let Some(v) = vs.iter().find(|v| stands_for(new_api, &v.ty, o)) else { return false };
                let class = self.by_dir(false);
                let message = format!("{label} widened: {} is now one of {} types", kind_name(o), vs.len());
                self.report(class, "type.widened", In::New, at.1, message, WIDENED_FIX);
                self.types(o, &v.ty, label, (at.0.to_string(), at.1.to_string()));
                true
            }
            (Some(vs), None) => {
                let Some(v) = vs.iter().find(|v| stands_for(old_api, &v.ty, n)) else { return false };
                let class = self.by_dir(true);
                let message = format!("{label} narrowed: one of {} types is now only {}", vs.len(), kind_name(n));
                self.report(class, "type.narrowed", In::New, at.1, message, "keep accepting every member");
                self.types(&v.ty, n, label, (at.0.to_string(), at.1.to_string()));
                true
            }
            _ => false,
        }
    }

    /// `allOf` members added (every value must now also match them) or
    /// removed (values need no longer match them).
    fn all_of_members(&mut self, x: &NamedType, y: &NamedType, label: &str, at: (&str, &str)) {
        let named =
            |t: &NamedType| -> Vec<String> { t.all_of.iter().filter(|m| !m.starts_with("allOf/")).cloned().collect() };
        let inline = |t: &NamedType| t.all_of.iter().filter(|m| m.starts_with("allOf/")).count();
        let (a, b) = (named(x), named(y));
        let mut added: Vec<String> = b.iter().filter(|m| !a.contains(m)).map(|m| format!("`{m}`")).collect();
        let mut removed: Vec<String> = a.iter().filter(|m| !b.contains(m)).map(|m| format!("`{m}`")).collect();
        let (i, j) = (inline(x), inline(y));
        if j > i {
            added.push(format!("{} inline schema(s)", j - i));
        } else if i > j {
            removed.push(format!("{} inline schema(s)", i - j));
        }
        if !added.is_empty() {
            let class = self.by_dir(true);
            let message = format!("{label}: allOf member {} added", added.join(", "));
            let fix = "values valid before must now also match the new member: add it in a new version";
            self.report(class, "allof.member-added", In::New, &ptr(at.1, "allOf"), message, fix);
        }
        if !removed.is_empty() {
            let class = self.by_dir(false);
            let message = format!("{label}: allOf member {} removed", removed.join(", "));
            let fix = "clients relied on what the member promised: keep it";
            self.report(class, "allof.member-removed", In::Old, &ptr(at.0, "allOf"), message, fix);
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
        self.limit_measured(
            a.max_length.map(|x| x as f64),
            b.max_length.map(|x| x as f64),
            false,
            &format!("{label}: maxLength"),
            &ptr(at, "maxLength"),
            Measure::Length,
        );
        let (p, q) = (effective_pattern(&a.pattern), effective_pattern(&b.pattern));
        if p != q {
            let at = ptr(at, "pattern");
            match (p, q) {
                (_, Some(q)) => {
                    let message = match p {
                        Some(p) => format!("{label}: pattern `{p}` → `{q}`"),
                        None => format!("{label}: pattern `{q}` added"),
                    };
                    let class = self.by_dir(true);
                    self.report(class, "constraint.tightened", In::New, &at, message, TIGHTENED_FIX);
                }
                (Some(p), None) => {
                    let class = self.by_dir(false);
                    let message = format!("{label}: pattern `{p}` removed");
                    self.report(class, "constraint.loosened", In::New, &at, message, "");
                }
                (None, None) => {}
            }
        }
    }

    fn bounds(&mut self, a: &Bounds, b: &Bounds, label: &str, at: &str) {
        let num = |n: &Option<serde_json::Number>| n.as_ref().and_then(serde_json::Number::as_f64);
        self.limit_f(num(&a.minimum), num(&b.minimum), true, &format!("{label}: minimum"), &ptr(at, "minimum"));
        self.limit_measured(
            num(&a.maximum),
            num(&b.maximum),
            false,
            &format!("{label}: maximum"),
            &ptr(at, "maximum"),
            Measure::Number,
        );
    }

    pub(super) fn limit(&mut self, a: Option<u64>, b: Option<u64>, is_min: bool, what: &str, at: &str) {
        self.limit_f(a.map(|x| x as f64), b.map(|x| x as f64), is_min, what, at);
    }

    fn limit_f(&mut self, a: Option<f64>, b: Option<f64>, is_min: bool, what: &str, at: &str) {
        self.limit_measured(a, b, is_min, what, at, Measure::None);
    }

    /// A lower bound that rises, or an upper bound that falls (or appears),
    /// admits fewer values. A `maximum` or `maxLength` where there was none
    /// is rated a warning on requests (as oasdiff rates it: a cap is
    /// usually set above what anyone sends), unless the API's own values
    /// (defaults, examples) exceed it.
    fn limit_measured(&mut self, a: Option<f64>, b: Option<f64>, is_min: bool, what: &str, at: &str, m: Measure) {
        let tighter = match (a, b) {
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) if x != y => (y > x) == is_min,
            _ => return,
        };
        let show = |x: Option<f64>| x.map_or("none".into(), |v| v.to_string());
        let message = format!("{what} {} → {}", show(a), show(b));
        if tighter {
            let mut class = self.by_dir(true);
            let new_cap = a.is_none() && !is_min && !matches!(m, Measure::None);
            if new_cap && class == Class::Breaking {
                let cap = b.unwrap_or(f64::INFINITY);
                if !self.values.iter().filter_map(|v| m.of(v)).any(|v| v > cap) {
                    class = Class::Warning;
                }
            }
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
            | (TypeKind::AnyOf { variants: x }, TypeKind::AnyOf { variants: y }) => self.variants(x, y, label, at),
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

    /// Union members: one removed from what a server reads, or added to
    /// what a client reads, is a value the other side cannot take.
    fn variants(&mut self, x: &[Variant], y: &[Variant], label: &str, at: (String, String)) {
        for v in x {
            match y.iter().find(|w| w.rust_name == v.rust_name) {
                Some(w) => self.types(&v.ty, &w.ty, &format!("{label} ({})", v.rust_name), at.clone()),
                None => {
                    let class = self.by_dir(true);
                    let message = format!("{label}: union member `{}` removed", v.rust_name);
                    let fix = "callers still send it: keep accepting it";
                    self.report(class, "union.member-removed", In::Old, &at.0, message, fix);
                }
            }
        }
        for w in y.iter().filter(|w| !x.iter().any(|v| v.rust_name == w.rust_name)) {
            let class = self.by_dir(false);
            let message = format!("{label}: union member `{}` added", w.rust_name);
            let fix = "clients cannot read the new member: add it in a new version, or behind a request option";
            self.report(class, "union.member-added", In::New, &at.1, message, fix);
        }
    }

    fn fields(&mut self, x: &[Field], y: &[Field], label: &str, at: (String, String)) {
        // readOnly properties are not sent in requests, writeOnly ones not
        // in responses: they are not part of that direction's value.
        let present = |f: &&Field| match self.dir {
            Dir::Request => !f.read_only,
            Dir::Response => !f.write_only,
        };
        let x: Vec<&Field> = x.iter().filter(present).collect();
        let y: Vec<&Field> = y.iter().filter(present).collect();
        let field_at = |base: &str, f: &Field| ptr(&ptr(base, "properties"), &f.name);
        for f in &x {
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
                let (class, rule, fix) = match (self.dir, g.required) {
                    (Dir::Request, true) => (Class::Breaking, "field.now-required", "keep it optional, with a default"),
                    (Dir::Response, false) => (
                        Class::Breaking,
                        "field.now-optional",
                        "clients that rely on the field break when it is missing: keep it required",
                    ),
                    (_, true) => (Class::Info, "field.now-required", ""),
                    (_, false) => (Class::Info, "field.now-optional", ""),
                };
                let what = if g.required { "required" } else { "optional" };
                self.report(class, rule, In::New, &here, format!("{label}: field `{}` is now {what}", g.name), fix);
            }
            let sub = format!("{label} field `{}`", g.name);
            self.cx.default_change(&f.default, &g.default, self.dir, &sub, &here);
            let values = std::mem::take(&mut self.values);
            self.values = values.iter().filter_map(|v| v.get(&g.name)).chain(&g.default).cloned().collect();
            self.types(&f.ty, &g.ty, &sub, (field_at(&at.0, f), here));
            self.values = values;
        }
        for g in y.iter().filter(|g| !x.iter().any(|f| f.name == g.name)) {
            let (class, rule) = if self.dir == Dir::Request && g.required {
                (Class::Breaking, "field.added-required")
            } else {
                (Class::Info, "field.added")
            };
            let message = format!("{label}: field `{}` was added", g.name);
            let fix = if class == Class::Breaking { "make the new field optional, with a default" } else { "" };
            self.report(class, rule, In::New, &field_at(&at.1, g), message, fix);
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

pub(super) const TIGHTENED_FIX: &str = "requests valid before are now refused: keep the old limit, or version the API";
const WIDENED_FIX: &str = "clients read values they do not expect: widen it in a new version";

pub(super) fn kind_name(t: &TypeRef) -> &'static str {
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
