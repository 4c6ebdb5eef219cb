//! What the client and server emitters both need to know about an
//! operation's shape: parameter order, media-type families, the preferred
//! body of several, and aliases seen through.

use crate::ir::{Additional, Api, Content, Field, Location, Method, Operation, Parameter, Response, TypeKind, TypeRef};
use quote::quote;

pub fn method_str(m: Method) -> String {
    format!("{m:?}").to_uppercase()
}

/// Path parameters in template order, then query, header and cookie ones.
pub fn ordered_params(op: &Operation) -> Vec<&Parameter> {
    let mut path: Vec<&Parameter> = op.parameters.iter().filter(|p| p.location == Location::Path).collect();
    path.sort_by_key(|p| op.path.find(&format!("{{{}}}", p.name)).unwrap_or(usize::MAX));
    let rest = op.parameters.iter().filter(|p| p.location != Location::Path);
    let mut rest: Vec<&Parameter> = rest.collect();
    rest.sort_by_key(|p| p.location);
    path.into_iter().chain(rest).collect()
}

pub fn strip_nullable(t: &TypeRef) -> &TypeRef {
    match t {
        TypeRef::Nullable { inner } => inner,
        t => t,
    }
}

/// The named type's definition, following aliases (not into a
/// constrained-string newtype, which is a type of its own).
pub fn resolve<'a>(api: &'a Api, t: &'a TypeRef) -> &'a TypeRef {
    crate::resolve::aliases(api, t, |ty| !ty.is_constrained_string()).at
}

/// A form body typed as its struct: what the client encodes and the server
/// stub decodes (`Body::form` / `Incoming::form_body`, `Multipart` /
/// `Incoming::multipart_body`).
pub enum FormBody<'a> {
    /// `application/x-www-form-urlencoded` with a named schema: the type.
    UrlEncoded(&'a TypeRef),
    /// `multipart/form-data` whose schema is a struct: the type, its fields
    /// and its map of unlisted properties.
    Multipart(&'a TypeRef, &'a [Field], Option<&'a Additional>),
}

impl FormBody<'_> {
    pub fn ty(&self) -> &TypeRef {
        match self {
            FormBody::UrlEncoded(t) | FormBody::Multipart(t, _, _) => t,
        }
    }
}

/// The typed form body of `content`, if it is one (other form and
/// multipart bodies stay bytes).
pub fn form_body<'a>(api: &'a Api, content: &'a Content) -> Option<FormBody<'a>> {
    let media = |m: &str| content.media_type.split(';').next().is_some_and(|c| c.trim().eq_ignore_ascii_case(m));
    match &content.ty {
        Some(t @ TypeRef::Named { .. }) if media("application/x-www-form-urlencoded") => Some(FormBody::UrlEncoded(t)),
        Some(t @ TypeRef::Named { .. }) if media("multipart/form-data") => {
            struct_of(api, t).map(|(fields, additional)| FormBody::Multipart(t, fields, additional))
        }
        _ => None,
    }
}

/// The fields of the struct `t` names (through aliases), with its
/// `additionalProperties` type.
fn struct_of<'a>(api: &'a Api, t: &'a TypeRef) -> Option<(&'a [Field], Option<&'a Additional>)> {
    let TypeRef::Named { name } = resolve(api, t) else { return None };
    match &api.types.get(name)?.kind {
        TypeKind::Struct { fields, additional } => Some((fields, additional.as_ref())),
        _ => None,
    }
}

#[derive(PartialEq)]
pub enum Kind {
    Json,
    Text,
    Bytes,
}

pub fn kind(c: &Content) -> Kind {
    let m = c.media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if json_media(&m) || m == "*/*" && c.ty.is_some() {
        Kind::Json
    } else if m.starts_with("text/") {
        Kind::Text
    } else {
        Kind::Bytes
    }
}

/// Whether a media type (parameters allowed) is JSON: `application/json`,
/// `+json`, awsJson's `application/x-amz-json-1.1`.
pub fn json_media(media_type: &str) -> bool {
    let m = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json") || m.starts_with("application/x-amz-json")
}

/// JSON first, then text, then anything.
pub fn preferred(contents: &[Content]) -> Option<&Content> {
    contents
        .iter()
        .find(|c| kind(c) == Kind::Json)
        .or_else(|| contents.iter().find(|c| kind(c) == Kind::Text))
        .or_else(|| contents.first())
}

pub fn status_doc(r: &Response) -> proc_macro2::TokenStream {
    let s: String = r.status.into();
    let d = r.description.trim();
    let text = if d.is_empty() { format!(" {s}") } else { format!(" {s}: {}", d.lines().next().unwrap_or(d)) };
    quote! { #[doc = #text] }
}

/// Whether every variant of a union prints with `Display` (scalars, enums,
/// newtypes, such unions), so that the union does too (GitHub's
/// `workflow_id`: an integer or a file name, used as a path segment).
pub fn scalar_variants(api: &Api, variants: &[crate::ir::Variant]) -> bool {
    displayable_variants(api, variants, 0)
}

/// Whether a value of `t` prints as a parameter with `Display`: scalars,
/// enums, newtypes and unions of them. Anything else goes as JSON text.
pub fn displayable(api: &Api, t: &TypeRef) -> bool {
    displayable_at(api, t, 0)
}

/// Whether `t` is a `format: date-time` value, whose `Display` is not its
/// wire text: parameters wrap it in `runtime::formats::Rfc3339`.
pub fn is_date_time(api: &Api, t: &TypeRef) -> bool {
    super::formats::is(resolve(api, strip_nullable(t)), "date-time")
}

/// `value` (an expression of type `&T`) as something whose `Display` is
/// its wire text.
pub fn wire_display(api: &Api, t: &TypeRef, value: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    if is_date_time(api, t) {
        quote! { runtime::formats::Rfc3339(#value) }
    } else {
        value
    }
}

/// `depth` stops unions that contain themselves.
fn displayable_at(api: &Api, t: &TypeRef, depth: usize) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::Named { name } => match api.types.get(name).map(|n| &n.kind) {
            Some(TypeKind::Enum { .. } | TypeKind::Alias { .. }) => true,
            Some(TypeKind::OneOf { variants, discriminator: None } | TypeKind::AnyOf { variants }) => {
                displayable_variants(api, variants, depth + 1)
            }
            _ => false,
        },
        TypeRef::String { .. }
        | TypeRef::Binary
        | TypeRef::Integer { .. }
        | TypeRef::Number { .. }
        | TypeRef::Boolean => true,
        _ => false,
    }
}

fn displayable_variants(api: &Api, variants: &[crate::ir::Variant], depth: usize) -> bool {
    depth < 8
        && !variants.is_empty()
        && variants.iter().all(|v| !matches!(v.ty, TypeRef::Nullable { .. }) && displayable_at(api, &v.ty, depth))
}

/// Whether `tokens` name the module `module` as a path (`module::…`) or,
/// in a string literal, as the start of one (`"module::x"`, serde's
/// `with`). A walk that stops at the first use: printing a large module to
/// text to search it costs more than building it.
pub fn names_module(tokens: &proc_macro2::TokenStream, module: &str) -> bool {
    use proc_macro2::TokenTree;
    let quoted = format!("\"{module}::");
    let mut previous_is_module = false;
    for tt in tokens.clone() {
        let found = match &tt {
            TokenTree::Group(g) => names_module(&g.stream(), module),
            TokenTree::Punct(p) => previous_is_module && p.as_char() == ':',
            TokenTree::Literal(l) => l.to_string().starts_with(&quoted),
            TokenTree::Ident(_) => false,
        };
        if found {
            return true;
        }
        previous_is_module = matches!(&tt, TokenTree::Ident(i) if i == module);
    }
    false
}

/// Whether `tokens` name the identifier `name` anywhere.
pub fn mentions(tokens: &proc_macro2::TokenStream, name: &str) -> bool {
    use proc_macro2::TokenTree;
    tokens.clone().into_iter().any(|tt| match &tt {
        TokenTree::Group(g) => mentions(&g.stream(), name),
        TokenTree::Ident(i) => i == name,
        _ => false,
    })
}

/// Whether `tokens` name `name` unqualified (not after `::`, not as a
/// method after `.`): what a `use` of that name serves.
pub fn mentions_unqualified(tokens: &proc_macro2::TokenStream, name: &str) -> bool {
    use proc_macro2::Spacing;
    use proc_macro2::TokenTree;
    // `::` is a joint `:` then `:`; a lone `:` (a field, a type) is not a path.
    let (mut joint_colon, mut after_path) = (false, false);
    for tt in tokens.clone() {
        let found = match &tt {
            TokenTree::Group(g) => mentions_unqualified(&g.stream(), name),
            TokenTree::Ident(i) => i == name && !after_path,
            _ => false,
        };
        if found {
            return true;
        }
        let colon = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ':');
        after_path = (colon && joint_colon) || matches!(&tt, TokenTree::Punct(p) if p.as_char() == '.');
        joint_colon = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == Spacing::Joint);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{mentions_unqualified, names_module};

    #[test]
    fn unqualified_names_are_told_from_paths_and_methods() {
        let t = quote! { let b = runtime::client::Body::json(ct, body)?; x.json(); };
        assert!(!mentions_unqualified(&t, "json"));
        assert!(mentions_unqualified(&quote! { match s { 200 => Ok(json(&response)?) } }, "json"));
        assert!(mentions_unqualified(&quote! { X { body: json(&response)? } }, "json"));
    }
    use quote::quote;

    #[test]
    fn finds_module_paths_at_any_depth_and_in_serde_paths() {
        assert!(names_module(&quote! { fn f() -> Vec<types::X> {} }, "types"));
        assert!(names_module(&quote! { #[serde(with = "runtime::nullable")] a: u8 }, "runtime"));
        assert!(!names_module(&quote! { let types = 1; mytypes::X; "types" }, "types"));
        assert!(!names_module(&quote! { super::runtime_api::X }, "runtime"));
    }
}
