//! Named types → serde data types: structs, forward-compatible enums,
//! unions, constrained-string newtypes and aliases.

use super::derives::{Directions, Serde};
use super::docs::{doc, paragraph};
use super::groups::{Groups, Split};
use super::layout::{Layout, Part};
use super::rust_type::rust_type;
use crate::ir::{Additional, Api, Discriminator, EnumValue, Field, NamedType, TypeKind, TypeRef, Variant};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The `types` module of one API (and, for an API split by tag, the
/// types only one group uses, in that group's file).
/// `sides`: whether the output has a client, a server stub and the
/// conformance driver.
pub fn emit(
    api: &Api,
    sides: (bool, bool, bool),
    layout: Layout,
    groups: Option<&Groups>,
    type_done: &dyn Fn(),
) -> Split {
    let server = sides.1;
    let checks = server.then(|| super::validate::Checks::new(api));
    let directions = Directions::of(api, sides, layout);
    let group = |t: &NamedType| Groups::of_type(groups, &t.name).map(str::to_owned);
    let superseded = super::error_codes::superseded(api);
    let emitted = || api.types.values().filter(|t| !superseded.contains(t.name.as_str()));
    let serdes: Vec<(&NamedType, Serde)> = emitted().map(|t| (t, directions.serde(&t.name))).collect();
    let (items, group_items) =
        Split::sort(serdes.iter().map(|(t, serde)| (group(t), (named(api, t, serde), type_done()).0)));
    superseded.iter().for_each(|_| type_done());
    let (impls, group_impls) = match &checks {
        Some(c) => Split::sort(emitted().filter_map(|t| Some((group(t), c.impl_of(t, layout)?)))),
        None => Default::default(),
    };
    let names_runtime = |t: &TokenStream| super::shape::names_module(t, "runtime");
    let plain_names_runtime = names_runtime(&items) || group_items.values().any(names_runtime);
    let any_impls = !impls.is_empty() || group_impls.values().any(|t| !t.is_empty());
    let mut grouped = group_items;
    for (g, tokens) in group_impls {
        grouped.entry(g).or_default().extend(tokens);
    }
    // Only derives and hand-written impls name the imported traits: the
    // runtime's struct table and string enums name serde by path, and a
    // plain alias not at all.
    let imports = |t: &NamedType| match &t.kind {
        TypeKind::Alias { ty: TypeRef::String { constraints, .. } } => !constraints.is_empty(),
        TypeKind::Alias { .. } => false,
        kind => !serde_by_table(kind) && !is_string_enum(kind),
    };
    let serde = super::derives::import(serdes.iter().filter(|(t, _)| imports(t)).map(|(_, s)| s));
    // The runtime is imported for what names it: nullable fields and
    // newtypes in every build, validation only with the server.
    let path = layout.runtime();
    let runtime = if plain_names_runtime {
        Some(quote! { use #path; })
    } else {
        any_impls.then(|| {
            let cfg = layout.gate(Part::Server);
            quote! { #cfg use #path; }
        })
    };
    let doc = format!(" Data types of {} {}.", api.title, api.version);
    let main = quote! {
        #![doc = #doc]
        #![allow(clippy::large_enum_variant)]
        #serde
        #runtime
        #items
        #impls
    };
    Split::new(groups, main, grouped, "Data types")
}

fn named(api: &Api, t: &NamedType, serde: &Serde) -> TokenStream {
    let name = format_ident!("{}", t.name);
    let mut docs = doc(t.description.as_deref(), None);
    if let Some(example) = t.examples.first() {
        docs.extend(paragraph(&format!("Example: `{example}`")));
    }
    let body = match &t.kind {
        // The docs go inside the macro that defines the enum.
        TypeKind::Enum { values, unknown } if is_string_enum(&t.kind) => {
            return string_enum(&name, docs, values, unknown, serde);
        }
        TypeKind::Struct { fields, additional } => structure(&name, fields, additional.as_ref(), serde),
        TypeKind::Enum { values, unknown } => enumeration(&name, values, unknown, serde),
        TypeKind::OneOf { variants, discriminator: Some(d) } => tagged(&name, variants, d, serde),
        TypeKind::OneOf { variants, discriminator: None } | TypeKind::AnyOf { variants } => {
            untagged(api, &name, variants, serde)
        }
        TypeKind::AllOf { parts } => all_of(&name, parts, serde),
        TypeKind::Alias { ty: TypeRef::String { constraints, .. } } if !constraints.is_empty() => {
            newtype(&name, constraints, serde)
        }
        TypeKind::Alias { ty } => {
            // The target's own docs, when they say the same, are a click away.
            let target = match ty {
                TypeRef::Named { name } => api.types.get(name),
                _ => None,
            };
            if target.is_some_and(|n| n.description == t.description && t.examples.is_empty()) {
                docs = TokenStream::new();
            }
            let ty = rust_type(ty, &TokenStream::new());
            quote! { pub type #name = #ty; }
        }
    };
    quote! { #docs #body }
}

fn structure(
    name: &proc_macro2::Ident,
    fields: &[Field],
    additional: Option<&Additional>,
    serde: &Serde,
) -> TokenStream {
    let eq = (fields.iter().all(|f| is_eq(&f.ty)) && additional.is_none()).then(|| quote! { , Eq });
    // `Default` helps build requests with many optional fields; a required
    // field of a named type has no default.
    let default = fields
        .iter()
        .all(|f| !f.required || matches!(f.ty, TypeRef::Nullable { .. }) || !matches!(f.ty, TypeRef::Named { .. }))
        .then(|| quote! { Default, });
    let Some(additional) = additional else {
        // serde from the runtime's table (`runtime::object!`), not
        // derived: see generator/runtime/object.rs for what it saves.
        let fields_tokens = fields.iter().map(|f| field(f, FieldSerde::Table));
        let table = fields.iter().map(table_entry);
        let traits = serde.impl_cfgs().into_iter().zip([quote! { Serialize }, quote! { Deserialize }]);
        let traits: Vec<TokenStream> = traits.filter_map(|(cfg, t)| cfg.map(|cfg| quote! { #cfg #t })).collect();
        let serde_impls = (!traits.is_empty()).then(|| {
            quote! { runtime::object!(#name { #(#table),* } impl #(#traits),*); }
        });
        return quote! {
            #[derive(Clone, Debug, #default PartialEq #eq)]
            pub struct #name {
                #(#fields_tokens)*
            }
            #serde_impls
        };
    };
    let Serde { inline, gated, .. } = serde;
    let fields_tokens = fields.iter().map(|f| field(f, FieldSerde::Derived { serialized: serde.serializes() }));
    let ident = format_ident!("{}", additional.rust_name);
    let ty = rust_type(&additional.ty, &TokenStream::new());
    quote! {
        #[derive(Clone, Debug, #default PartialEq #eq #inline)]
        #gated
        pub struct #name {
            #(#fields_tokens)*
            /// Properties not listed above.
            #[serde(flatten)]
            pub #ident: ::std::collections::BTreeMap<String, #ty>,
        }
    }
}

/// Whether a struct's serde comes from the runtime's table (no
/// `#[serde(…)]` attributes, no derive to import) rather than derived.
pub fn serde_by_table(kind: &TypeKind) -> bool {
    matches!(kind, TypeKind::Struct { additional: None, .. })
}

/// A field in `runtime::object!`'s table: its name, its wire name
/// when that differs, and `null`, `opt` or `opt_null` when its type is an
/// `Option` (see generator/runtime/object.rs).
fn table_entry(f: &Field) -> TokenStream {
    let ident = format_ident!("{}", f.rust_name);
    let wire = &f.name;
    let rename = (wire != &f.rust_name).then(|| quote! { = #wire });
    let presence = match (f.required, matches!(f.ty, TypeRef::Nullable { .. })) {
        (true, false) => None,
        (true, true) => Some(quote! { null }),
        (false, false) => Some(quote! { opt }),
        (false, true) => Some(quote! { opt_null }),
    };
    quote! { #ident #rename #presence }
}

/// How a field's serde is written: by the runtime's table, or by
/// attributes for serde's derive (`serialized`: whether some build
/// serialises the struct).
#[derive(Clone, Copy)]
enum FieldSerde {
    Table,
    Derived { serialized: bool },
}

/// Whether a field type can derive `Eq` (floats cannot).
fn is_eq(t: &TypeRef) -> bool {
    match t {
        TypeRef::Number { .. } | TypeRef::Named { .. } | TypeRef::Any => false,
        TypeRef::Array { items, .. } => is_eq(items),
        TypeRef::Map { values } => is_eq(values),
        TypeRef::Nullable { inner } => is_eq(inner),
        _ => true,
    }
}

/// A derived struct's field: a missing `Option` field parses as `None`
/// without `#[serde(default)]`, so a field of a struct that is only parsed
/// needs no attribute unless it is nullable.
fn field(f: &Field, serde: FieldSerde) -> TokenStream {
    let ident = format_ident!("{}", f.rust_name);
    let mut docs = doc(f.description.as_deref(), None);
    if f.read_only {
        docs.extend(paragraph("Read-only: sent by the server, ignored in requests."));
    }
    if f.write_only {
        docs.extend(paragraph("Write-only: sent in requests, never in responses."));
    }
    let deprecated = f.deprecated.then(|| quote! { #[deprecated] });
    let wire = &f.name;
    let derived = matches!(serde, FieldSerde::Derived { .. });
    let serialized = matches!(serde, FieldSerde::Derived { serialized: true });
    let rename = (derived && wire != &f.rust_name).then(|| quote! { #[serde(rename = #wire)] });
    let (nullable, inner) = match &f.ty {
        TypeRef::Nullable { inner } => (true, inner.as_ref()),
        t => (false, t),
    };
    let mut ty = rust_type(inner, &TokenStream::new());
    if f.recursive {
        ty = quote! { Box<#ty> };
    }
    let (attrs, ty) = match (f.required, nullable) {
        (true, false) => (quote! {}, ty),
        // Present, maybe null: `None` is sent as `null`.
        (true, true) => (quote! {}, quote! { Option<#ty> }),
        (false, false) if serialized => {
            (quote! { #[serde(skip_serializing_if = "Option::is_none")] }, quote! { Option<#ty> })
        }
        (false, false) => (quote! {}, quote! { Option<#ty> }),
        (false, true) if !derived => (quote! {}, quote! { Option<Option<#ty>> }),
        // Absent (`None`), null (`Some(None)`) or a value; two attributes,
        // each short enough to print on one line.
        (false, true) if serialized => (
            quote! {
                #[serde(default, with = "runtime::nullable")]
                #[serde(skip_serializing_if = "Option::is_none")]
            },
            quote! { Option<Option<#ty>> },
        ),
        (false, true) => (
            quote! { #[serde(default, deserialize_with = "runtime::nullable::deserialize")] },
            quote! { Option<Option<#ty>> },
        ),
    };
    quote! {
        #docs
        #deprecated
        #rename
        #attrs
        pub #ident: #ty,
    }
}

/// An enum whose values (`null` aside) are all strings.
pub fn is_string_enum(kind: &TypeKind) -> bool {
    matches!(kind, TypeKind::Enum { values, .. } if values.iter().all(|v| v.value.is_string() || v.value.is_null()))
}

/// A string enum, through the runtime's `string_enum!`: the enum, its
/// wire values, `as_str`, `From<String>` and `Display` from one table
/// (one line per value), and serde by hand through the wire text, in the
/// directions used. serde by hand: derived with `from`/`into` it needed
/// `impl From<Enum> for String`, and rustc checks each such impl against
/// every other one for `String` (GitHub's 530 string enums made 11 s of
/// coherence checking).
fn string_enum(
    name: &proc_macro2::Ident,
    docs: TokenStream,
    values: &[EnumValue],
    unknown: &str,
    serde: &Serde,
) -> TokenStream {
    let unknown = format_ident!("{unknown}");
    let values = values.iter().filter_map(|v| Some((format_ident!("{}", v.rust_name), v.value.as_str()?)));
    let (idents, wires): (Vec<_>, Vec<_>) = values.unzip();
    // Traits needed in every build go in the invocation; gated ones get
    // their own, under their `#[cfg]`.
    let mut always = Vec::new();
    let mut gated = TokenStream::new();
    for (cfg, t) in serde.impl_cfgs().into_iter().zip([quote! { Serialize }, quote! { Deserialize }]) {
        match cfg {
            Some(cfg) if cfg.is_empty() => always.push(t),
            Some(cfg) => gated.extend(quote! { #cfg runtime::enums::string_enum!(impl #t for #name); }),
            None => {}
        }
    }
    // Printed as an enum with a marker attribute (prettyplease lays out a
    // macro's tokens on as few lines as it can), then rewritten into the
    // macro's form by `format::string_enums`.
    quote! {
        #[runtime::enums::string_enum(#(#always),*)]
        #docs
        pub enum #name {
            #(#idents = #wires,)*
            #unknown,
        }
        #gated
    }
}

/// An enum with an `Unknown` arm, so that a value added by the service
/// later still decodes. Strings go through `String`; other values through
/// `serde_json::Value`.
fn enumeration(name: &proc_macro2::Ident, values: &[EnumValue], unknown: &str, serde: &Serde) -> TokenStream {
    let values: Vec<&EnumValue> = values.iter().filter(|v| !v.value.is_null()).collect();
    let unknown = format_ident!("{unknown}");
    let idents: Vec<_> = values.iter().map(|v| format_ident!("{}", v.rust_name)).collect();
    let all_strings = values.iter().all(|v| v.value.is_string());
    let docs = values.iter().map(|v| {
        let d = format!(" `{}`", v.value);
        quote! { #[doc = #d] }
    });
    // serde by hand, through the wire value: derived with `from`/`into`
    // it needed `impl From<Enum> for String`, and rustc checks each such
    // impl against every other one for `String` (GitHub's 530 string
    // enums made 11 s of coherence checking).
    let [ser, de] = serde.impl_cfgs();
    if all_strings {
        let wires: Vec<&str> = values.iter().filter_map(|v| v.value.as_str()).collect();
        let ser = ser.map(|cfg| {
            quote! {
                #cfg
                impl Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }
            }
        });
        let de = de.map(|cfg| {
            quote! {
                #cfg
                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        String::deserialize(deserializer).map(Self::from)
                    }
                }
            }
        });
        quote! {
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#docs #idents,)*
                /// A value this version of the API does not document.
                #unknown(String),
            }
            impl #name {
                /// The value on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#name::#idents => #wires,)*
                        #name::#unknown(s) => s,
                    }
                }
            }
            impl From<String> for #name {
                fn from(s: String) -> Self {
                    match s.as_str() {
                        #(#wires => #name::#idents,)*
                        _ => #name::#unknown(s),
                    }
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
            #ser
            #de
        }
    } else {
        let built = values.iter().map(|v| value_expr(&v.value));
        let compared = values.iter().map(|v| comparand(&v.value));
        let ser = ser.map(|cfg| {
            quote! {
                #cfg
                impl Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        self.to_value().serialize(serializer)
                    }
                }
            }
        });
        let de = de.map(|cfg| {
            quote! {
                #cfg
                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        ::serde_json::Value::deserialize(deserializer).map(Self::from)
                    }
                }
            }
        });
        quote! {
            #[derive(Clone, Debug, PartialEq)]
            pub enum #name {
                #(#docs #idents,)*
                /// A value this version of the API does not document.
                #unknown(::serde_json::Value),
            }
            impl #name {
                /// The value on the wire.
                pub fn to_value(&self) -> ::serde_json::Value {
                    match self {
                        #(#name::#idents => #built,)*
                        #name::#unknown(v) => v.clone(),
                    }
                }
            }
            impl From<::serde_json::Value> for #name {
                fn from(v: ::serde_json::Value) -> Self {
                    #(if v == #compared { return #name::#idents; })*
                    #name::#unknown(v)
                }
            }
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self.to_value() {
                        ::serde_json::Value::String(s) => f.write_str(&s),
                        v => write!(f, "{v}"),
                    }
                }
            }
            #ser
            #de
        }
    }
}

/// An expression building `v`: constructors, not parsed text, so that
/// nothing can fail (or be defaulted) at run time.
fn value_expr(v: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    match v {
        Value::Null => quote! { ::serde_json::Value::Null },
        Value::Bool(b) => quote! { ::serde_json::Value::Bool(#b) },
        Value::Number(n) => match number_literal(n) {
            Some(lit) => quote! { ::serde_json::Value::from(#lit) },
            // Beyond f64 (only with serde_json's `arbitrary_precision`):
            // kept as its text rather than lost.
            None => {
                let text = n.to_string();
                quote! { ::serde_json::Value::String(#text.to_owned()) }
            }
        },
        Value::String(s) => quote! { ::serde_json::Value::String(#s.to_owned()) },
        Value::Array(items) => {
            let items = items.iter().map(value_expr);
            quote! { ::serde_json::Value::Array(vec![#(#items),*]) }
        }
        Value::Object(fields) => {
            let (keys, values): (Vec<&String>, Vec<TokenStream>) =
                fields.iter().map(|(k, v)| (k, value_expr(v))).unzip();
            quote! { ::serde_json::Value::Object(::serde_json::Map::from_iter([#((#keys.to_owned(), #values)),*])) }
        }
    }
}

/// What a `serde_json::Value` is compared with to recognise `v`: the
/// scalar itself where `Value` compares with it, else the built value.
fn comparand(v: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    match v {
        Value::Bool(b) => quote! { #b },
        Value::String(s) => quote! { #s },
        Value::Number(n) => match number_literal(n) {
            Some(lit) => quote! { #lit },
            None => value_expr(v),
        },
        _ => value_expr(v),
    }
}

/// A JSON number as a suffixed Rust literal (`1u64`, `-3i64`, `0.5f64`).
fn number_literal(n: &serde_json::Number) -> Option<proc_macro2::Literal> {
    use proc_macro2::Literal;
    match (n.as_u64(), n.as_i64(), n.as_f64()) {
        (Some(u), _, _) => Some(Literal::u64_suffixed(u)),
        (_, Some(i), _) => Some(Literal::i64_suffixed(i)),
        (_, _, f) => f.map(Literal::f64_suffixed),
    }
}

/// `oneOf` with a discriminator: serde's internally tagged enum, one arm
/// per wire value a caller can mean ([`Discriminator::arms`]).
fn tagged(name: &proc_macro2::Ident, variants: &[Variant], d: &Discriminator, serde: &Serde) -> TokenStream {
    let Serde { inline, gated, .. } = serde;
    let property = &d.property;
    let unknown = format_ident!("{}", d.unknown);
    let arms = d.arms(variants).into_iter().map(|arm| {
        let ident = format_ident!("{}", arm.rust_name);
        let ty = rust_type(arm.ty, &TokenStream::new());
        let tag = &arm.tag;
        quote! {
            #[serde(rename = #tag)]
            #ident(#ty),
        }
    });
    let unknown_doc = format!(" A `{property}` value this version of the API does not document.");
    quote! {
        #[derive(Clone, Debug, PartialEq #inline)]
        #gated
        #[serde(tag = #property)]
        pub enum #name {
            #(#arms)*
            #[doc = #unknown_doc]
            #[serde(other)]
            #unknown,
        }
    }
}

/// `anyOf`, or `oneOf` without a discriminator: the first variant the value
/// fits (serde's untagged enum; JSON Schema gives nothing better to go on).
fn untagged(api: &Api, name: &proc_macro2::Ident, variants: &[Variant], serde: &Serde) -> TokenStream {
    let Serde { inline, gated, .. } = serde;
    let arms = variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        match &v.ty {
            TypeRef::Null => quote! { #ident, },
            t => {
                let ty = rust_type(t, &TokenStream::new());
                quote! { #ident(#ty), }
            }
        }
    });
    let display = super::shape::scalar_variants(api, variants).then(|| {
        // A date-time's `Display` is not its wire text; its RFC 3339 is.
        let arms = variants.iter().map(|v| {
            let ident = format_ident!("{}", v.rust_name);
            let value = super::shape::wire_display(api, &v.ty, quote! { v });
            quote! { Self::#ident(v) => #value.fmt(f), }
        });
        quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    quote! {
        #[derive(Clone, Debug, PartialEq #inline)]
        #gated
        #[serde(untagged)]
        pub enum #name {
            #(#arms)*
        }
        #display
    }
}

/// `allOf` that lowering could not merge: every part flattened in.
fn all_of(name: &proc_macro2::Ident, parts: &[TypeRef], serde: &Serde) -> TokenStream {
    let Serde { inline, gated, .. } = serde;
    let fields = parts.iter().enumerate().map(|(i, p)| {
        let ident = format_ident!("part_{}", i + 1);
        let ty = rust_type(p, &TokenStream::new());
        quote! { #[serde(flatten)] pub #ident: #ty, }
    });
    quote! {
        #[derive(Clone, Debug, PartialEq #inline)]
        #gated
        pub struct #name {
            #(#fields)*
        }
    }
}

/// A string with a pattern or length bounds: its own type, carrying the
/// constraints as constants, with a checking constructor `new`. Clients
/// send whatever they are given; servers check these.
fn newtype(name: &proc_macro2::Ident, c: &crate::ir::StringConstraints, serde: &Serde) -> TokenStream {
    let Serde { inline, gated, .. } = serde;
    let pattern = c.pattern.as_ref().map(|p| {
        let d = format!(" ECMA-262 pattern the value must match: `{}`.", p.replace('`', "\\`"));
        quote! { #[doc = #d] pub const PATTERN: &'static str = #p; }
    });
    let min = c.min_length.map(|n| {
        let n = proc_macro2::Literal::u64_unsuffixed(n);
        quote! { /// Minimum length, in characters.
        pub const MIN_LENGTH: usize = #n; }
    });
    let max = c.max_length.map(|n| {
        let n = proc_macro2::Literal::u64_unsuffixed(n);
        quote! { /// Maximum length, in characters.
        pub const MAX_LENGTH: usize = #n; }
    });
    let default = empty_fits(c).then(|| quote! { Default, });
    let new = checking_constructor(name, c);
    quote! {
        #[derive(Clone, Debug, #default PartialEq, Eq, Hash, PartialOrd, Ord #inline)]
        #gated
        #[serde(transparent)]
        pub struct #name(pub String);
        impl #name {
            #pattern
            #min
            #max
            #new
        }
        runtime::newtype::string_newtype!(#name);
    }
}

/// `new`: the value if it meets the constraints as the server stub checks
/// them (lengths in characters, the pattern with the same ECMA-262 engine),
/// else `runtime::newtype::Invalid` keeping it.
fn checking_constructor(name: &proc_macro2::Ident, c: &crate::ir::StringConstraints) -> TokenStream {
    let opt = |n: Option<u64>| match n {
        Some(n) => {
            let n = proc_macro2::Literal::u64_unsuffixed(n);
            quote! { Some(#n) }
        }
        None => quote! { None },
    };
    let (min, max) = (opt(c.min_length), opt(c.max_length));
    let (statics, pattern) = match &c.pattern {
        Some(p) => (
            quote! { static PATTERN: runtime::pattern::Pattern = runtime::pattern::Pattern::new(#p); },
            quote! { Some((PATTERN.source(), &|v| PATTERN.matches(v))) },
        ),
        None => (quote! {}, quote! { None }),
    };
    let type_name = name.to_string();
    quote! {
        /// The value, checked as the server stub checks it (lengths in
        /// characters, the ECMA-262 pattern); a value that breaks a
        /// constraint is an error keeping it. `From` and the public field
        /// do not check.
        pub fn new(value: impl Into<String>) -> Result<Self, runtime::newtype::Invalid> {
            #statics
            let rules = runtime::newtype::Rules {
                type_name: #type_name,
                min_length: #min,
                max_length: #max,
                pattern: #pattern,
            };
            runtime::newtype::check(value.into(), rules).map(Self)
        }
    }
}

/// Whether the empty string meets the constraints: only then may the
/// newtype derive `Default` (a default the server would refuse is a trap).
/// A pattern that does not compile here is taken as refusing it.
fn empty_fits(c: &crate::ir::StringConstraints) -> bool {
    let long_enough = c.min_length.is_none_or(|n| n == 0);
    let matches = c.pattern.as_deref().is_none_or(|p| regress::Regex::new(p).is_ok_and(|r| r.find("").is_some()));
    long_enough && matches
}
