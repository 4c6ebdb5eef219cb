//! The request builder of one operation: `client.op(required…)` returns
//! `{Op}Builder`, whose methods set the optional values and whose `send`
//! runs it. Required values are arguments so that forgetting one is a
//! compile error, not a runtime one; optional ones are methods so that a
//! spec adding an optional parameter breaks no caller.

use crate::emit::docs::doc;
use crate::emit::rust_type::rust_type;
use crate::emit::shape::strip_nullable;
use crate::ir::{Parameter, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// One value a request carries: a parameter or the body.
pub struct Slot {
    /// Field and setter name.
    pub field: Ident,
    /// The field's type (without the `Option` of an optional value).
    pub owned: TokenStream,
    /// What the argument or setter takes.
    pub arg: TokenStream,
    /// Whether the argument is `impl Into<owned>`.
    pub into: bool,
    pub required: bool,
    pub docs: TokenStream,
    pub deprecated: bool,
    /// Bytes sent as given (`BodySource`), not a value the runtime encodes.
    pub raw: bool,
}

/// Field names of the builder itself and its methods: a parameter named so
/// (a query parameter `client`, `send` or `body`) becomes `{name}_param`.
pub const RESERVED: &[&str] = &[
    "body",
    "client",
    "send",
    "send_with_response",
    "send_streaming",
    "into_stream",
    "pages",
    "page_url",
    "clone",
    "into_call",
    "decode_response",
];

/// The operation's parameters named so that none collides with the
/// builder's own names.
pub fn renamed(params: Vec<&Parameter>) -> Vec<Parameter> {
    let mut taken: Vec<String> = params.iter().map(|p| p.rust_name.clone()).collect();
    params
        .into_iter()
        .cloned()
        .map(|mut p| {
            if RESERVED.contains(&p.rust_name.as_str()) {
                let base = format!("{}_param", p.rust_name);
                let name = (1..).map(|i| if i == 1 { base.clone() } else { format!("{base}{i}") });
                p.rust_name = name.into_iter().find(|n| !taken.contains(n)).unwrap_or(base);
                taken.push(p.rust_name.clone());
            }
            p
        })
        .collect()
}

/// A parameter's slot: text taken as `impl Into<String>`, lists as
/// `impl Into<Vec<_>>`, everything else by value.
pub fn parameter(p: &Parameter) -> Slot {
    let (owned, arg, into) = owned(strip_nullable(&p.ty));
    Slot {
        field: format_ident!("{}", p.rust_name),
        owned,
        arg,
        into,
        required: p.required,
        docs: doc(None, p.description.as_deref().map(first_paragraph)),
        deprecated: p.deprecated,
        raw: false,
    }
}

/// What a body is taken as.
pub enum Value<'a> {
    /// A value of this type, encoded by the runtime (JSON, forms).
    Typed(&'a TypeRef),
    Text,
    /// Bytes sent as given, or streamed.
    Bytes,
}

/// The body's slot.
pub fn body(value: Value<'_>, required: bool, description: Option<&str>) -> Slot {
    let raw = matches!(value, Value::Bytes);
    let (owned, arg, into) = match value {
        Value::Typed(t) => owned(strip_nullable(t)),
        Value::Text => (quote! { String }, quote! { impl Into<String> }, true),
        // Bytes or a stream (`Bytes`, `Vec<u8>`, `BodySource::from_reader`).
        Value::Bytes => {
            (quote! { runtime::client::BodySource }, quote! { impl Into<runtime::client::BodySource> }, true)
        }
    };
    Slot {
        field: format_ident!("body"),
        owned,
        arg,
        into,
        required,
        docs: doc(None, description.map(first_paragraph)),
        deprecated: false,
        raw,
    }
}

fn owned(t: &TypeRef) -> (TokenStream, TokenStream, bool) {
    match t {
        t @ TypeRef::String { .. } if crate::emit::formats::is_typed(t) => {
            let r = rust_type(t, &quote! { types:: });
            (r.clone(), r, false)
        }
        TypeRef::String { .. } | TypeRef::Binary => (quote! { String }, quote! { impl Into<String> }, true),
        TypeRef::Array { items, .. } => {
            let i = rust_type(items, &quote! { types:: });
            (quote! { Vec<#i> }, quote! { impl Into<Vec<#i>> }, true)
        }
        t => {
            let r = rust_type(t, &quote! { types:: });
            (r.clone(), r, false)
        }
    }
}

/// A setter's doc is the description's first paragraph: the rest (tables,
/// examples) is in the API's own documentation, and repeating it for every
/// optional parameter doubles a big client's size.
fn first_paragraph(text: &str) -> &str {
    let text = text.trim();
    text.split("\n\n").next().unwrap_or(text)
}

/// Setter names clippy expects to follow a convention a builder method
/// cannot (`is_*` taking `&self`, `add` being `Add::add`).
fn lint_allowance(name: &str) -> Option<TokenStream> {
    const OPERATORS: &[&str] = &[
        "add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor", "neg", "not", "deref", "drop",
        "next",
    ];
    let name = name.trim_start_matches("r#");
    if OPERATORS.contains(&name) {
        return Some(quote! { #[allow(clippy::should_implement_trait)] });
    }
    let prefixed = ["as_", "from_", "into_", "is_", "to_"].iter().any(|p| name.starts_with(p));
    prefixed.then(|| quote! { #[allow(clippy::wrong_self_convention)] })
}

/// The parts the operation emitter fills in.
pub struct Request<'a> {
    /// `Client`'s method name.
    pub method: &'a Ident,
    /// `{Op}Builder`.
    pub ident: &'a Ident,
    /// Rustdoc of the method (summary, description, route).
    pub docs: TokenStream,
    pub deprecated: bool,
    pub slots: &'a [Slot],
    /// Private `Option<String>` fields the builder's own methods set
    /// (`page_url`, the next page of a walk), `None` at first.
    pub hidden: Vec<Ident>,
    /// The builder's other methods (`send`, `send_with_response`, …).
    pub methods: TokenStream,
}

pub struct Emitted {
    /// The `Client` method starting the request.
    pub method: TokenStream,
    /// The builder struct and its methods.
    pub builder: TokenStream,
}

pub fn emit(r: &Request<'_>) -> Emitted {
    let (method, ident, docs) = (r.method, r.ident, &r.docs);
    let deprecated = r.deprecated.then(|| quote! { #[deprecated] });
    let required: Vec<&Slot> = r.slots.iter().filter(|s| s.required).collect();
    let args = required.iter().map(|s| {
        let (field, arg) = (&s.field, &s.arg);
        quote! { #field: #arg }
    });
    let inits = r.slots.iter().map(|s| {
        let field = &s.field;
        match (s.required, s.into) {
            (true, true) => quote! { #field: #field.into() },
            (true, false) => quote! { #field },
            (false, _) => quote! { #field: None },
        }
    });
    let hidden = &r.hidden;
    let many = (required.len() > 6).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let method_tokens = quote! {
        #docs
        #deprecated
        #many
        pub fn #method(&self, #(#args),*) -> #ident<'_> {
            #ident { client: self, #(#inits,)* #(#hidden: None),* }
        }
    };
    let fields = r.slots.iter().map(|s| {
        let (field, owned) = (&s.field, &s.owned);
        match s.required {
            true => quote! { #field: #owned, },
            false => quote! { #field: Option<#owned>, },
        }
    });
    let setters = r.slots.iter().filter(|s| !s.required).map(|s| {
        let (field, arg, docs) = (&s.field, &s.arg, &s.docs);
        let value = match s.into {
            true => quote! { value.into() },
            false => quote! { value },
        };
        let deprecated = s.deprecated.then(|| quote! { #[deprecated] });
        let allow = lint_allowance(&field.to_string());
        quote! {
            #docs
            #deprecated
            #allow
            pub fn #field(mut self, value: #arg) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    });
    let methods = &r.methods;
    let d = format!(" A request of [`Client::{method}`]: its methods set optional values, `send` runs it.");
    let builder = quote! {
        #[doc = #d]
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #ident<'a> {
            client: &'a Client,
            #(#fields)*
            #(#hidden: Option<String>,)*
        }

        impl #ident<'_> {
            #(#setters)*
            #methods
        }
    };
    Emitted { method: method_tokens, builder }
}
