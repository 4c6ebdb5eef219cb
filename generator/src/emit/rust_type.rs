//! IR type references → Rust types.

use crate::ir::TypeRef;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust type of `t`. `prefix` is how named types are reached from the
/// module being emitted (`types::` from a client, nothing from `types`).
pub fn rust_type(t: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Named { name } => {
            let n = format_ident!("{name}");
            quote! { #prefix #n }
        }
        TypeRef::String { format, .. } => {
            super::formats::rust_type(format.as_deref()).unwrap_or_else(|| quote! { String })
        }
        TypeRef::Integer { format, .. } => integer(format.as_deref()),
        TypeRef::Number { format, .. } => match format.as_deref() {
            Some("float") => quote! { f32 },
            _ => quote! { f64 },
        },
        TypeRef::Boolean => quote! { bool },
        // Raw bytes; inside JSON they read and write as a string.
        TypeRef::Binary => quote! { runtime::binary::Binary },
        TypeRef::Array { items, .. } => {
            let i = rust_type(items, prefix);
            quote! { Vec<#i> }
        }
        TypeRef::Map { values } => {
            let v = rust_type(values, prefix);
            quote! { ::std::collections::BTreeMap<String, #v> }
        }
        TypeRef::Nullable { inner } => {
            let i = rust_type(inner, prefix);
            quote! { Option<#i> }
        }
        TypeRef::Null => quote! { () },
        TypeRef::Any => quote! { ::serde_json::Value },
    }
}

fn integer(format: Option<&str>) -> TokenStream {
    match format {
        Some("int8") => quote! { i8 },
        Some("int16") => quote! { i16 },
        Some("int32") => quote! { i32 },
        Some("uint8") => quote! { u8 },
        Some("uint16") => quote! { u16 },
        Some("uint32") => quote! { u32 },
        Some("uint64") => quote! { u64 },
        _ => quote! { i64 },
    }
}

/// The range of the Rust type an integer of `format` becomes (what a
/// server stub can accept), as in [`integer`].
pub fn integer_bounds(format: Option<&str>) -> (i64, u64) {
    match format {
        Some("int8") => (i8::MIN.into(), i8::MAX as u64),
        Some("int16") => (i16::MIN.into(), i16::MAX as u64),
        Some("int32") => (i32::MIN.into(), i32::MAX as u64),
        Some("uint8") => (0, u8::MAX.into()),
        Some("uint16") => (0, u16::MAX.into()),
        Some("uint32") => (0, u32::MAX.into()),
        Some("uint64") => (0, u64::MAX),
        _ => (i64::MIN, i64::MAX as u64),
    }
}
