//! serde for the generated structs, from one table per struct instead of
//! `#[derive(Serialize, Deserialize)]`.
//!
//! Derived `Deserialize` was some 40% of what `cargo check` spent on a large
//! API's client (measured on GitHub's: 40.2 s and 2.94 GB with it, 23.5 s
//! and 1.98 GB with the received structs' derives taken out; with this
//! macro 23.1 s and 1.94 GB): per struct it
//! writes a field enum with its own visitor and `Deserialize`, a visitor
//! that also reads the struct from a sequence, and a block per field at
//! each step. What JSON objects and forms need is one loop over the keys,
//! which is what this macro writes; the per-field work is one match arm.
//!
//! ```text
//! runtime::object!(Name { id, kind = "type", note opt, owner null, closed_at opt_null } impl Serialize, Deserialize);
//! ```
//!
//! Each field is its Rust name, then `= "wire"` when the JSON property is
//! named otherwise, then its presence:
//! - nothing: required, present or an error;
//! - `null`: required and nullable, an `Option<T>` sent as `null` when
//!   `None` (a missing one parses as `None`, as with serde's derive);
//! - `opt`: optional, an `Option<T>` left out when `None`;
//! - `opt_null`: optional and nullable, an `Option<Option<T>>`: `None` is
//!   absent (left out), `Some(None)` is `null`.
//!
//! After `impl` come the traits to implement, each optionally behind its
//! `#[cfg(…)]`. The impls behave as serde's derives with
//! `#[serde(rename = …)]`, `#[serde(skip_serializing_if =
//! "Option::is_none")]` and `runtime::nullable` would: the same field
//! names to `deserialize_struct` (so a struct flattened into another reads
//! only its own keys), unknown keys ignored, a duplicate key an error, a
//! missing `Option` field `None`, any other missing field an error. Each
//! field costs one match arm and no `?` of its own: what rustc checks grows
//! with every early return.
//! Unlike the derive, a JSON array is not read as a struct.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::borrow::Cow;

/// See the module's documentation.
// With tag features, every struct may sit in a feature that is off.
#[allow(unused_macros)]
macro_rules! object {
    ($name:ident $fields:tt impl $($(#[$cfg:meta])* $serde:ident),+ $(,)?) => {
        $($(#[$cfg])* runtime::object!(@$serde $name $fields);)+
    };
    (@Serialize $name:ident { $($field:ident $(= $wire:literal)? $($mode:ident)?),* $(,)? }) => {
        // `unused_mut`: a struct without fields writes none.
        #[allow(deprecated, unused_mut)]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                let len = 0 $(+ runtime::object!(@len self.$field $(, $mode)?))*;
                let mut fields = runtime::object::Writer::new(serializer, stringify!($name), len)?;
                $(runtime::object!(@write $($mode)?)(
                    &mut fields,
                    runtime::object!(@wire $field $($wire)?),
                    &self.$field,
                );)*
                fields.end()
            }
        }
    };
    (@Deserialize $name:ident { $($field:ident $(= $wire:literal)? $($mode:ident)?),* $(,)? }) => {
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<$name, A::Error> {
                        $(let mut $field = None;)*
                        while let Some(key) = map.next_key::<runtime::object::Key<'de>>()? {
                            match &*key {
                                $(runtime::object!(@wire $field $($wire)?) =>
                                    runtime::object!(@read $($mode)?)(&mut map, &mut $field, &key),)*
                                _ => runtime::object::skip(&mut map),
                            }?;
                        }
                        Ok($name {
                            $($field: runtime::object!(@take $field $($wire)? $(, $mode)?),)*
                        })
                    }
                }
                const FIELDS: &[&str] = &[$(runtime::object!(@wire $field $($wire)?)),*];
                deserializer.deserialize_struct(stringify!($name), FIELDS, Fields)
            }
        }
    };
    (@wire $field:ident) => { stringify!($field) };
    (@wire $field:ident $wire:literal) => { $wire };
    (@len $value:expr) => { 1 };
    (@len $value:expr, null) => { 1 };
    (@len $value:expr, $mode:ident) => { usize::from($value.is_some()) };
    (@write) => { runtime::object::Writer::field };
    (@write null) => { runtime::object::Writer::field };
    (@write $mode:ident) => { runtime::object::Writer::optional };
    (@read) => { runtime::object::read };
    (@read opt_null) => { runtime::object::read };
    (@read $mode:ident) => { runtime::object::read_option };
    // A required field: present, or the error serde's derive gives.
    (@take $field:ident $($wire:literal)?) => {
        match $field {
            Some(value) => value,
            None => {
                return Err(::serde::de::Error::missing_field(runtime::object!(@wire $field $($wire)?)));
            }
        }
    };
    // Any other: its slot is the field, `None` when absent.
    (@take $field:ident $($wire:literal)?, $mode:ident) => { $field };
}

// Path-based use keeps the macro out of the crate root, so two generated
// modules in one crate do not clash; `runtime/mod.rs` re-exports it as
// `runtime::object!`.
#[allow(unused_imports)]
pub(crate) use object;

/// A key of a JSON object or form, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl std::ops::Deref for Key<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(String::from_utf8_lossy(v).into_owned())))
    }
}

/// Reads a field's value into its slot; a second value for one key is an
/// error, as with serde's derive. An optional nullable field's slot is
/// `Option<Option<T>>`: present, `null` is `Some(None)`.
pub fn read<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &str,
) -> Result<(), A::Error> {
    store(slot, Some(map.next_value()?), key)
}

/// [`read`] for an `Option` field: its slot is the field, and `null` is
/// `None` (a `null` then a value for one key goes unnoticed).
pub fn read_option<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    key: &str,
) -> Result<(), A::Error> {
    store(slot, map.next_value()?, key)
}

fn store<T, E: de::Error>(slot: &mut Option<T>, value: Option<T>, key: &str) -> Result<(), E> {
    match std::mem::replace(slot, value) {
        Some(_) => Err(duplicate(key)),
        None => Ok(()),
    }
}

/// serde's own message for a key given twice.
fn duplicate<E: de::Error>(key: &str) -> E {
    E::custom(format_args!("duplicate field `{key}`"))
}

/// Reads past the value of a key the struct does not have.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Writes a struct's fields, keeping the first error: one call per field
/// and no early return in each generated `serialize` (what rustc checks
/// grows with every `?`).
pub struct Writer<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> Writer<S> {
    pub fn new(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        Ok(Writer { state: Ok(serializer.serialize_struct(name, len)?) })
    }

    /// A field always written (a `None` of a required nullable one as `null`).
    pub fn field<T: Serialize + ?Sized>(&mut self, wire: &'static str, value: &T) {
        let written = match &mut self.state {
            Ok(state) => state.serialize_field(wire, value),
            Err(_) => return,
        };
        if let Err(e) = written {
            self.state = Err(e);
        }
    }

    /// An optional field: left out when `None`.
    pub fn optional<T: Serialize>(&mut self, wire: &'static str, value: &Option<T>) {
        match value {
            Some(_) => self.field(wire, value),
            None => {
                let skipped = match &mut self.state {
                    Ok(state) => state.skip_field(wire),
                    Err(_) => return,
                };
                if let Err(e) = skipped {
                    self.state = Err(e);
                }
            }
        }
    }

    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

#[cfg(test)]
mod tests {
    // The macro names `runtime::object`, as the generated types do.
    use crate::runtime;
    use serde_json::json;

    #[derive(Clone, Debug, PartialEq)]
    pub struct Pet {
        pub id: i64,
        pub kind: String,
        pub tag: Option<String>,
        pub owner: Option<String>,
        pub closed_at: Option<Option<String>>,
    }
    runtime::object!(Pet { id, kind = "type", tag opt, owner null, closed_at opt_null } impl Serialize, Deserialize);

    #[derive(Clone, Debug, PartialEq)]
    pub struct Flat {
        pub pet: Pet,
        pub more: std::collections::BTreeMap<String, serde_json::Value>,
    }

    // serde's own derive around a struct of this macro: `flatten` hands it
    // only its own keys.
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Outer {
        #[serde(flatten)]
        pet: Pet,
        #[serde(flatten)]
        more: std::collections::BTreeMap<String, serde_json::Value>,
    }

    fn pet(json: serde_json::Value) -> Result<Pet, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn renamed_optional_and_nullable_fields_parse_as_the_derive_parses_them() {
        let full = pet(json!({"id": 1, "type": "cat", "tag": "t", "owner": null, "closed_at": null, "x": [1]}));
        assert_eq!(
            full,
            Ok(Pet { id: 1, kind: "cat".into(), tag: Some("t".into()), owner: None, closed_at: Some(None) })
        );
        let bare = pet(json!({"id": 2, "type": "dog"})).unwrap();
        assert_eq!((bare.tag, bare.owner, bare.closed_at), (None, None, None));
        let set = pet(json!({"id": 2, "type": "dog", "closed_at": "2026"})).unwrap();
        assert_eq!(set.closed_at, Some(Some("2026".into())));
    }

    #[test]
    fn missing_duplicate_and_mistyped_fields_are_errors_that_name_them() {
        assert!(pet(json!({"type": "cat"})).unwrap_err().contains("missing field `id`"));
        let text = r#"{"id": 1, "type": "cat", "id": 2}"#;
        let duplicate = serde_json::from_str::<Pet>(text).unwrap_err().to_string();
        assert!(duplicate.contains("duplicate field `id`"), "{duplicate}");
        assert!(pet(json!({"id": "one", "type": "cat"})).unwrap_err().contains("invalid type"));
        assert!(pet(json!([1, "cat"])).unwrap_err().contains("struct Pet"));
    }

    #[test]
    fn absent_optionals_are_left_out_and_required_nullables_sent_as_null() {
        let bare = Pet { id: 1, kind: "cat".into(), tag: None, owner: None, closed_at: None };
        assert_eq!(serde_json::to_value(&bare).unwrap(), json!({"id": 1, "type": "cat", "owner": null}));
        let null = Pet { tag: Some("t".into()), closed_at: Some(None), ..bare.clone() };
        assert_eq!(
            serde_json::to_value(&null).unwrap(),
            json!({"id": 1, "type": "cat", "tag": "t", "owner": null, "closed_at": null})
        );
        let round: Pet = serde_json::from_value(serde_json::to_value(&null).unwrap()).unwrap();
        assert_eq!(round, null);
    }

    #[test]
    fn a_flattened_struct_reads_only_its_own_keys() {
        let outer: Outer = serde_json::from_value(json!({"id": 1, "type": "cat", "extra": true})).unwrap();
        let flat = Flat { pet: outer.pet, more: outer.more };
        assert_eq!(flat.pet.id, 1);
        assert_eq!(flat.more.keys().collect::<Vec<_>>(), ["extra"]);
        let back = serde_json::to_value(Outer { pet: flat.pet, more: flat.more }).unwrap();
        assert_eq!(back, json!({"id": 1, "type": "cat", "owner": null, "extra": true}));
    }

    #[test]
    fn keys_read_from_a_form_parse_too() {
        let form: Pet = serde_urlencoded_like(&[("id", "3"), ("type", "cat")]);
        assert_eq!(form.id, 3);
    }

    /// A map of strings through `serde::de::value`, as form deserializers
    /// hand keys over (owned strings, values parsed from text).
    fn serde_urlencoded_like(pairs: &[(&str, &str)]) -> Pet {
        let map = pairs.iter().map(|(k, v)| {
            (k.to_string(), v.parse::<i64>().map(serde_json::Value::from).unwrap_or_else(|_| (*v).into()))
        });
        let de = serde::de::value::MapDeserializer::<_, serde_json::Error>::new(map);
        serde::Deserialize::deserialize(de).unwrap()
    }
}
