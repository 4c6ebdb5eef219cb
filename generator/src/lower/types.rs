//! Schemas → named types and type references.
//!
//! Every component schema becomes a named type under its own (Rust-safe)
//! name, claimed before any inline schema so that components keep their
//! names. Inline schemas that need a definition (objects, enums, unions)
//! are named from where they sit (`{Parent}{Property}`, `{Operation}Request`,
//! `{Operation}Response404`), made unique deterministically.

use super::keywords::has_keywords;
use crate::diag::{Diagnostic, ptr};
use crate::ir::{
    Additional, Bounds, Discriminator, EnumValue, Field, NamedType, StringConstraints, TypeKind, TypeRef, Variant,
};
use crate::naming::{Namer, camel, free, snake};
use crate::source::Provenance;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub struct TypeSpace<'a> {
    components: Option<&'a indexmap::IndexMap<String, ReferenceOr<Schema>>>,
    prov: &'a Provenance,
    pub types: BTreeMap<String, NamedType>,
    pub namer: Namer,
    /// Component key → Rust type name.
    names: HashMap<String, String>,
    nullable_components: BTreeSet<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Schemas whose properties are being copied into a type right now (a
    /// component being defined, the parts an `allOf` merges). Merging one
    /// of them again would copy its properties, and their inline schemas,
    /// without end: such a part stays a part, referred to by name.
    merging: Vec<String>,
}

/// The parts of a schema lowering looks at, whichever `SchemaKind`
/// openapiv3 chose for it.
#[derive(Default)]
struct Shape<'s> {
    ty: Option<&'s str>,
    format: Option<String>,
    enumeration: Vec<Value>,
    string: StringConstraints,
    bounds: Bounds,
    properties: Vec<(&'s String, &'s ReferenceOr<Box<Schema>>)>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    not: bool,
}

fn format_of<T: std::fmt::Debug>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(heck::ToKebabCase::to_kebab_case(format!("{i:?}").as_str())),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn num(f: f64) -> Option<serde_json::Number> {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Some(serde_json::Number::from(f as i64))
    } else {
        serde_json::Number::from_f64(f)
    }
}

fn usize_u64(v: Option<usize>) -> Option<u64> {
    v.map(|n| n as u64)
}

fn shape(schema: &Schema) -> Shape<'_> {
    let mut s = Shape::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            s.ty = Some("string");
            s.format = format_of(&t.format);
            s.enumeration = t.enumeration.iter().flatten().map(|v| Value::String(v.clone())).collect();
            s.string = StringConstraints {
                min_length: usize_u64(t.min_length),
                max_length: usize_u64(t.max_length),
                pattern: t.pattern.clone(),
            };
        }
        SchemaKind::Type(Type::Number(t)) => {
            s.ty = Some("number");
            s.format = format_of(&t.format);
            s.enumeration = t.enumeration.iter().flatten().filter_map(|v| num(*v)).map(Value::Number).collect();
            s.bounds = Bounds {
                minimum: t.minimum.and_then(num),
                maximum: t.maximum.and_then(num),
                exclusive_minimum: t.exclusive_minimum,
                exclusive_maximum: t.exclusive_maximum,
                multiple_of: t.multiple_of.and_then(num),
            };
        }
        SchemaKind::Type(Type::Integer(t)) => {
            s.ty = Some("integer");
            s.format = format_of(&t.format);
            s.enumeration = t.enumeration.iter().flatten().map(|v| Value::from(*v)).collect();
            s.bounds = Bounds {
                minimum: t.minimum.map(Into::into),
                maximum: t.maximum.map(Into::into),
                exclusive_minimum: t.exclusive_minimum,
                exclusive_maximum: t.exclusive_maximum,
                multiple_of: t.multiple_of.map(Into::into),
            };
        }
        SchemaKind::Type(Type::Boolean(_)) => s.ty = Some("boolean"),
        SchemaKind::Type(Type::Object(o)) => {
            s.ty = Some("object");
            s.properties = o.properties.iter().collect();
            s.required = &o.required;
            s.additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => {
            s.ty = Some("array");
            s.items = a.items.as_ref();
            s.min_items = usize_u64(a.min_items);
            s.max_items = usize_u64(a.max_items);
            s.unique_items = a.unique_items;
        }
        SchemaKind::OneOf { one_of } => s.one_of = one_of,
        SchemaKind::AnyOf { any_of } => s.any_of = any_of,
        SchemaKind::AllOf { all_of } => s.all_of = all_of,
        SchemaKind::Not { .. } => s.not = true,
        SchemaKind::Any(a) => {
            s.ty = a.typ.as_deref();
            s.format = a.format.clone();
            s.enumeration = a.enumeration.iter().filter(|v| !v.is_null()).cloned().collect();
            s.string = StringConstraints {
                min_length: usize_u64(a.min_length),
                max_length: usize_u64(a.max_length),
                pattern: a.pattern.clone(),
            };
            s.bounds = Bounds {
                minimum: a.minimum.and_then(num),
                maximum: a.maximum.and_then(num),
                exclusive_minimum: a.exclusive_minimum.unwrap_or(false),
                exclusive_maximum: a.exclusive_maximum.unwrap_or(false),
                multiple_of: a.multiple_of.and_then(num),
            };
            s.properties = a.properties.iter().collect();
            s.required = &a.required;
            s.additional = a.additional_properties.as_ref();
            s.items = a.items.as_ref();
            s.min_items = usize_u64(a.min_items);
            s.max_items = usize_u64(a.max_items);
            s.unique_items = a.unique_items.unwrap_or(false);
            s.one_of = &a.one_of;
            s.any_of = &a.any_of;
            s.all_of = &a.all_of;
            s.not = a.not.is_some();
            if s.ty.is_none() {
                s.ty = if !s.properties.is_empty() || s.additional.is_some() {
                    Some("object")
                } else if s.items.is_some() {
                    Some("array")
                } else if !s.string.is_empty() {
                    Some("string")
                } else if s.bounds != Bounds::default() {
                    Some("number")
                } else {
                    None
                };
            }
        }
    }
    s
}

pub use crate::resolve::{component_key, unescape};

/// A struct's map of unlisted properties, in a field no property has.
fn additional_field(fields: &[Field], ty: TypeRef) -> Additional {
    Additional { rust_name: free("additional_properties", fields.iter().map(|f| f.rust_name.as_str())), ty }
}

impl<'a> TypeSpace<'a> {
    pub fn new(openapi: &'a openapiv3::OpenAPI, prov: &'a Provenance) -> Self {
        let components = openapi.components.as_ref().map(|c| &c.schemas);
        let mut ts = TypeSpace {
            components,
            prov,
            types: BTreeMap::new(),
            namer: Namer::new(),
            names: HashMap::new(),
            nullable_components: BTreeSet::new(),
            diagnostics: Vec::new(),
            merging: Vec::new(),
        };
        if let Some(schemas) = components {
            for (key, s) in schemas {
                let name = ts.namer.claim(&camel(key));
                ts.names.insert(key.clone(), name);
                if let ReferenceOr::Item(s) = s
                    && s.schema_data.nullable
                {
                    ts.nullable_components.insert(key.clone());
                }
            }
        }
        ts
    }

    /// Lowers every component schema into a named type.
    pub fn lower_components(&mut self) {
        let Some(schemas) = self.components else { return };
        for (key, s) in schemas {
            let name = self.names[key].clone();
            let origin = ptr("/components/schemas", key);
            let nt = match s {
                ReferenceOr::Reference { reference } => NamedType {
                    name: name.clone(),
                    origin,
                    description: None,
                    examples: Vec::new(),
                    kind: TypeKind::Alias { ty: self.reference(reference) },
                    keywords: Default::default(),
                    all_of: Vec::new(),
                },
                ReferenceOr::Item(schema) => {
                    self.merging.push(origin.clone());
                    let nt = self.named(&name, schema, &origin);
                    self.merging.pop();
                    nt
                }
            };
            self.types.insert(name, nt);
        }
    }

    /// Server stubs check patterns with ECMA-262 semantics (`regress`); one
    /// that is not ECMA-262 is reported, and checks nothing.
    fn check_pattern(&mut self, s: &Shape<'_>, at: &str) {
        if let Some(p) = &s.string.pattern
            && let Err(e) = regress::Regex::new(p)
        {
            let msg =
                format!("`pattern` {p:?} is not an ECMA-262 regular expression ({e}); server stubs will not check it");
            self.warn(
                "schema.pattern",
                &ptr(at, "pattern"),
                msg,
                "write the pattern in ECMA-262 syntax, as JSON Schema requires",
            );
        }
    }

    pub(super) fn warn(&mut self, code: &'static str, at: &str, msg: String, help: &str) {
        self.diagnostics.push(Diagnostic::warning(code, self.prov.locate(at), msg).help(help));
    }

    /// The type of a `$ref` to a component schema.
    pub fn reference(&self, r: &str) -> TypeRef {
        let key = unescape(component_key(r));
        let name = self.names.get(&key).cloned().unwrap_or_else(|| camel(&key));
        let t = TypeRef::named(name);
        if self.nullable_components.contains(&key) { t.nullable() } else { t }
    }

    /// Lowers a use of a schema; inline definitions are named from `ctx`.
    pub fn lower(&mut self, s: &ReferenceOr<Schema>, ctx: &str, at: &str) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference),
            ReferenceOr::Item(schema) => self.lower_schema(schema, ctx, at),
        }
    }

    fn lower_boxed(&mut self, s: &ReferenceOr<Box<Schema>>, ctx: &str, at: &str) -> TypeRef {
        match s {
            ReferenceOr::Reference { reference } => self.reference(reference),
            ReferenceOr::Item(schema) => self.lower_schema(schema, ctx, at),
        }
    }

    fn lower_schema(&mut self, schema: &Schema, ctx: &str, at: &str) -> TypeRef {
        if schema.schema_data.extensions.get("x-apigen-null") == Some(&Value::Bool(true)) {
            return TypeRef::Null;
        }
        let t = self.lower_inner(schema, ctx, at);
        if schema.schema_data.nullable { t.nullable() } else { t }
    }

    fn lower_inner(&mut self, schema: &Schema, ctx: &str, at: &str) -> TypeRef {
        let s = shape(schema);
        self.check_pattern(&s, at);
        // 2020-12 keywords need a named type to hold them.
        let keywords = has_keywords(schema);
        // allOf: [one part] is the 3.0 idiom for "this type, annotated".
        if !keywords && s.all_of.len() == 1 && s.properties.is_empty() && s.ty.is_none_or(|t| t == "object") {
            return self.lower(&s.all_of[0], ctx, &ptr(&ptr(at, "allOf"), "0"));
        }
        if !keywords && let Some(t) = self.single_variant(&s, ctx, at) {
            return t;
        }
        if keywords || needs_definition(&s) {
            let name = self.namer.claim(&camel(ctx));
            let nt = self.named(&name, schema, at);
            self.types.insert(name.clone(), nt);
            return TypeRef::named(name);
        }
        self.scalar(&s, ctx, at)
    }

    /// `oneOf`/`anyOf` with a single branch (often left by removing a
    /// null branch) is that branch.
    fn single_variant(&mut self, s: &Shape, ctx: &str, at: &str) -> Option<TypeRef> {
        if !s.properties.is_empty() {
            return None;
        }
        for (key, list) in [("oneOf", s.one_of), ("anyOf", s.any_of)] {
            if list.len() == 1 && s.one_of.len() + s.any_of.len() + s.all_of.len() == 1 {
                return Some(self.lower(&list[0], ctx, &ptr(&ptr(at, key), "0")));
            }
        }
        None
    }

    fn scalar(&mut self, s: &Shape, ctx: &str, at: &str) -> TypeRef {
        if s.not {
            self.warn(
                "schema.not",
                at,
                "`not` cannot be expressed as a type; any value is accepted".into(),
                "describe what the value is rather than what it is not",
            );
        }
        match s.ty {
            Some("string") if s.format.as_deref() == Some("binary") => TypeRef::Binary,
            Some("string") => TypeRef::String { format: s.format.clone(), constraints: s.string.clone() },
            Some("integer") => TypeRef::Integer { format: s.format.clone(), bounds: s.bounds.clone() },
            Some("number") => TypeRef::Number { format: s.format.clone(), bounds: s.bounds.clone() },
            Some("boolean") => TypeRef::Boolean,
            Some("array") => {
                let items = match s.items {
                    Some(i) => self.lower_boxed(i, &format!("{ctx}Item"), &ptr(at, "items")),
                    None => TypeRef::Any,
                };
                TypeRef::Array {
                    items: Box::new(items),
                    min_items: s.min_items,
                    max_items: s.max_items,
                    unique_items: s.unique_items,
                }
            }
            Some("object") => TypeRef::Map { values: Box::new(self.additional(s, ctx, at).unwrap_or(TypeRef::Any)) },
            Some(other) if other != "null" => {
                self.warn(
                    "schema.type",
                    &ptr(at, "type"),
                    format!("unknown type `{other}`; any value is accepted"),
                    "use one of string, number, integer, boolean, array, object",
                );
                TypeRef::Any
            }
            _ => TypeRef::Any,
        }
    }

    fn additional(&mut self, s: &Shape, ctx: &str, at: &str) -> Option<TypeRef> {
        match s.additional? {
            AdditionalProperties::Any(true) => Some(TypeRef::Any),
            AdditionalProperties::Any(false) => None,
            AdditionalProperties::Schema(sch) => {
                Some(self.lower(sch, &format!("{ctx}Value"), &ptr(at, "additionalProperties")))
            }
        }
    }

    /// Builds the definition of a named type.
    fn named(&mut self, name: &str, schema: &Schema, at: &str) -> NamedType {
        let s = shape(schema);
        self.check_pattern(&s, at);
        let data = &schema.schema_data;
        let kind = if !s.enumeration.is_empty() {
            self.enumeration(&s.enumeration)
        } else if !s.properties.is_empty()
            || (s.ty == Some("object")
                && s.one_of.is_empty()
                && s.any_of.is_empty()
                && s.all_of.is_empty()
                && matches!(s.additional, Some(AdditionalProperties::Any(false))))
        {
            self.structure(name, &s, at)
        } else if s.one_of.len() > 1 {
            let variants = self.variants(name, s.one_of, &ptr(at, "oneOf"));
            let discriminator = data.discriminator.as_ref().map(|d| self.discriminator(d, s.one_of, &variants));
            TypeKind::OneOf { variants, discriminator }
        } else if s.any_of.len() > 1 {
            TypeKind::AnyOf { variants: self.variants(name, s.any_of, &ptr(at, "anyOf")) }
        } else if !s.all_of.is_empty() {
            self.all_of(name, s.all_of, at)
        } else {
            let t = match self.single_variant(&s, name, at) {
                Some(t) => t,
                None => self.scalar(&s, name, at),
            };
            TypeKind::Alias { ty: t }
        };
        NamedType {
            name: name.to_string(),
            origin: at.to_string(),
            description: data.description.clone().or_else(|| data.title.clone()),
            examples: data.example.iter().cloned().collect(),
            kind,
            keywords: self.keywords(schema, name, at),
            all_of: s
                .all_of
                .iter()
                .enumerate()
                .map(|(i, part)| match part {
                    ReferenceOr::Reference { reference } => {
                        let (t, mut names) = (self.reference(reference), Vec::new());
                        t.named_types(&mut names);
                        names.concat()
                    }
                    ReferenceOr::Item(_) => format!("allOf/{i}"),
                })
                .collect(),
        }
    }

    fn enumeration(&mut self, values: &[Value]) -> TypeKind {
        let mut namer = Namer::new();
        // A value listed twice (Stripe lists one API version 98 times) is
        // one variant: a second would be an unreachable match arm.
        let mut seen: Vec<&Value> = Vec::new();
        let values = values
            .iter()
            .filter(|v| {
                let first = !seen.contains(v);
                seen.push(v);
                first
            })
            .map(|v| {
                let label = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                EnumValue { value: v.clone(), rust_name: namer.claim(&camel(&label)) }
            })
            .collect::<Vec<EnumValue>>();
        // `null` is the absence of a value in Rust, not a variant.
        let unknown = free("Unknown", values.iter().filter(|v| !v.value.is_null()).map(|v| v.rust_name.as_str()));
        TypeKind::Enum { values, unknown }
    }

    fn structure(&mut self, name: &str, s: &Shape, at: &str) -> TypeKind {
        let mut namer = Namer::new();
        let mut fields = Vec::new();
        for (prop, schema) in &s.properties {
            let here = ptr(&ptr(at, "properties"), prop);
            let ty = self.lower_boxed(schema, &format!("{name}{}", camel(prop)), &here);
            let data = match schema {
                ReferenceOr::Item(sch) => Some(&sch.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                name: (*prop).clone(),
                rust_name: namer.claim(&snake(prop)),
                ty,
                required: s.required.contains(prop),
                recursive: false,
                description: data.and_then(|d| d.description.clone().or_else(|| d.title.clone())),
                default: data.and_then(|d| d.default.clone()),
                read_only: data.is_some_and(|d| d.read_only),
                write_only: data.is_some_and(|d| d.write_only),
                deprecated: data.is_some_and(|d| d.deprecated),
            });
        }
        for r in s.required {
            if !s.properties.iter().any(|(p, _)| *p == r) && s.all_of.is_empty() {
                self.warn(
                    "schema.required-missing",
                    &ptr(at, "required"),
                    format!("required property `{r}` is not defined in `properties`"),
                    "define the property or remove it from `required`",
                );
            }
        }
        let additional = self.additional(s, name, at);
        TypeKind::Struct { additional: additional.map(|ty| additional_field(&fields, ty)), fields }
    }

    /// A union's variants, each named from the member's `title`, else the
    /// type a `$ref` names (or the inline definition's name), else its
    /// typed format (`Uuid`, `DateTime`, `Date`), else its kind (`String`,
    /// `Integer`); unique within the union, in the order written. An
    /// inline definition with a title is named `{Union}{Title}`, else
    /// `{Union}Variant{i}`.
    fn variants(&mut self, name: &str, list: &[ReferenceOr<Schema>], at: &str) -> Vec<Variant> {
        let mut namer = Namer::new();
        list.iter()
            .enumerate()
            .map(|(i, v)| {
                let here = ptr(at, &i.to_string());
                let title = match v {
                    ReferenceOr::Item(s) => s.schema_data.title.as_deref().map(camel).filter(|t| !t.is_empty()),
                    ReferenceOr::Reference { .. } => None,
                };
                let ctx = match &title {
                    Some(t) => format!("{name}{t}"),
                    None => format!("{name}Variant{i}"),
                };
                let ty = self.lower(v, &ctx, &here);
                let label = match (&title, &ty) {
                    (Some(t), _) => t.clone(),
                    (None, TypeRef::Named { name }) => name.clone(),
                    (None, TypeRef::Nullable { inner }) => match inner.as_ref() {
                        TypeRef::Named { name } => name.clone(),
                        _ => format!("Variant{i}"),
                    },
                    (None, other) => format_label(other).unwrap_or_else(|| kind_label(other)).to_string(),
                };
                Variant { rust_name: namer.claim(&camel(&label)), ty }
            })
            .collect()
    }

    fn discriminator(
        &self,
        d: &openapiv3::Discriminator,
        variants: &[ReferenceOr<Schema>],
        lowered: &[Variant],
    ) -> Discriminator {
        let mut mapping = BTreeMap::new();
        for (value, target) in &d.mapping {
            // A mapping value is a $ref or a bare component name.
            let key = unescape(component_key(target));
            mapping.insert(value.clone(), self.names.get(&key).cloned().unwrap_or_else(|| camel(&key)));
        }
        if d.mapping.is_empty() {
            for v in variants {
                if let ReferenceOr::Reference { reference } = v {
                    let key = unescape(component_key(reference));
                    mapping.insert(key.clone(), self.names.get(&key).cloned().unwrap_or_else(|| camel(&key)));
                }
            }
        }
        let mut d = Discriminator { property: d.property_name.clone(), mapping, unknown: String::new() };
        let arms = d.arms(lowered);
        d.unknown = free("Unknown", arms.iter().map(|a| a.rust_name.as_str()));
        d
    }

    /// allOf of object schemas merges into one struct; anything else stays
    /// an intersection of parts.
    fn all_of(&mut self, name: &str, parts: &[ReferenceOr<Schema>], at: &str) -> TypeKind {
        let mut merged: Vec<Field> = Vec::new();
        let mut namer = Namer::new();
        let mut mergeable = true;
        let mut additional = None;
        for (i, part) in parts.iter().enumerate() {
            let here = ptr(&ptr(at, "allOf"), &i.to_string());
            let Some((schema, part_at)) = self.resolve_object(part, &here).filter(|(_, a)| !self.merging.contains(a))
            else {
                mergeable = false;
                break;
            };
            let s = shape(schema);
            self.merging.push(part_at.clone());
            let merged_part = self.structure(name, &s, &part_at);
            self.merging.pop();
            if let TypeKind::Struct { fields, additional: a } = merged_part {
                for mut f in fields {
                    if let Some(existing) = merged.iter_mut().find(|e| e.name == f.name) {
                        existing.required |= f.required;
                        continue;
                    }
                    f.rust_name = namer.claim(&f.rust_name);
                    merged.push(f);
                }
                additional = additional.or(a);
            }
        }
        if mergeable {
            let additional = additional.map(|a: Additional| additional_field(&merged, a.ty));
            return TypeKind::Struct { fields: merged, additional };
        }
        let parts = parts
            .iter()
            .enumerate()
            .map(|(i, p)| self.lower(p, &format!("{name}Part{i}"), &ptr(&ptr(at, "allOf"), &i.to_string())))
            .collect();
        TypeKind::AllOf { parts }
    }

    /// The object schema behind a part of an allOf (following references),
    /// if it is a plain object.
    fn resolve_object<'s>(&self, part: &'s ReferenceOr<Schema>, at: &str) -> Option<(&'s Schema, String)>
    where
        'a: 's,
    {
        let (schema, key) = crate::resolve::component(part, self.components)?;
        let at = key.map_or_else(|| at.to_string(), |k| ptr("/components/schemas", &k));
        let s = shape(schema);
        let plain = s.one_of.is_empty() && s.any_of.is_empty() && s.all_of.is_empty() && s.enumeration.is_empty();
        (plain && (s.ty == Some("object") || !s.properties.is_empty())).then_some((schema, at))
    }

    /// Marks struct fields that contain their own struct by value (directly
    /// or through other named types), so emitters box them.
    pub fn mark_recursion(&mut self) {
        let mut edges: HashMap<String, Vec<String>> = HashMap::new();
        for (name, t) in &self.types {
            let mut out = Vec::new();
            match &t.kind {
                TypeKind::Struct { fields, .. } => fields.iter().for_each(|f| direct_names(&f.ty, &mut out)),
                TypeKind::OneOf { variants, .. } | TypeKind::AnyOf { variants } => {
                    variants.iter().for_each(|v| direct_names(&v.ty, &mut out))
                }
                TypeKind::AllOf { parts } => parts.iter().for_each(|p| direct_names(p, &mut out)),
                TypeKind::Alias { ty } => direct_names(ty, &mut out),
                TypeKind::Enum { .. } => {}
            }
            edges.insert(name.clone(), out);
        }
        // A field is recursive when its type leads back to its struct, that
        // is when both sit in one strongly connected component (a search
        // per field instead took quadratic time on long chains of types).
        let component = strongly_connected(&edges);
        let mut marks = Vec::new();
        for (name, t) in &self.types {
            if let TypeKind::Struct { fields, .. } = &t.kind {
                for (i, f) in fields.iter().enumerate() {
                    let mut direct = Vec::new();
                    direct_names(&f.ty, &mut direct);
                    let own = component.get(name.as_str());
                    if direct.iter().any(|d| own.is_some() && component.get(d.as_str()) == own) {
                        marks.push((name.clone(), i));
                    }
                }
            }
        }
        for (name, i) in marks {
            if let Some(TypeKind::Struct { fields, .. }) = self.types.get_mut(&name).map(|t| &mut t.kind) {
                fields[i].recursive = true;
            }
        }
    }
}

/// Named types held by value (not behind an array or map, which allocate).
/// The strongly connected component of every node of `edges` (Kosaraju,
/// iterative: no recursion and linear time, whatever the length of a chain
/// of types). Edges to names that are not nodes are ignored.
fn strongly_connected(edges: &HashMap<String, Vec<String>>) -> HashMap<&str, usize> {
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for start in edges.keys() {
        if !seen.insert(start.as_str()) {
            continue;
        }
        let mut stack = vec![(start.as_str(), 0)];
        while let Some((node, i)) = stack.pop() {
            match edges.get(node).and_then(|next| next.get(i)) {
                Some(child) => {
                    stack.push((node, i + 1));
                    if edges.contains_key(child) && seen.insert(child.as_str()) {
                        stack.push((child.as_str(), 0));
                    }
                }
                None => order.push(node),
            }
        }
    }
    let mut reverse: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, targets) in edges {
        for to in targets.iter().filter(|t| edges.contains_key(*t)) {
            reverse.entry(to.as_str()).or_default().push(from.as_str());
        }
    }
    let mut component = HashMap::new();
    for (id, root) in order.into_iter().rev().enumerate() {
        if component.contains_key(root) {
            continue;
        }
        component.insert(root, id);
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            for &m in reverse.get(n).into_iter().flatten() {
                if !component.contains_key(m) {
                    component.insert(m, id);
                    stack.push(m);
                }
            }
        }
    }
    component
}

fn direct_names(t: &TypeRef, out: &mut Vec<String>) {
    match t {
        TypeRef::Named { name } => out.push(name.clone()),
        TypeRef::Nullable { inner } => direct_names(inner, out),
        _ => {}
    }
}

fn needs_definition(s: &Shape) -> bool {
    // An identifier-like string (a pattern, or a minimum length) becomes a
    // newtype; a free-text upper bound alone (Stripe's `maxLength: 5000` on
    // every string) does not, or every field would be its own type.
    let identifier = s.ty == Some("string")
        && s.format.as_deref() != Some("binary")
        && (s.string.pattern.is_some() || s.string.min_length.is_some_and(|m| m > 0));
    identifier
        || !s.enumeration.is_empty()
        || !s.properties.is_empty()
        || s.one_of.len() > 1
        || s.any_of.len() > 1
        || !s.all_of.is_empty()
}

/// The label of a string whose format has a Rust type of its own.
fn format_label(t: &TypeRef) -> Option<&'static str> {
    match t {
        TypeRef::String { format: Some(f), .. } => match f.as_str() {
            "date-time" => Some("DateTime"),
            "date" => Some("Date"),
            "uuid" => Some("Uuid"),
            _ => None,
        },
        _ => None,
    }
}

fn kind_label(t: &TypeRef) -> &'static str {
    match t {
        TypeRef::Named { .. } => "Named",
        TypeRef::String { .. } => "String",
        TypeRef::Integer { .. } => "Integer",
        TypeRef::Number { .. } => "Number",
        TypeRef::Boolean => "Boolean",
        TypeRef::Binary => "Bytes",
        TypeRef::Array { .. } => "Array",
        TypeRef::Map { .. } => "Map",
        TypeRef::Nullable { .. } => "Nullable",
        TypeRef::Null => "Null",
        TypeRef::Any => "Any",
    }
}
