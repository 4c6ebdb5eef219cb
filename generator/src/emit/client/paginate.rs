//! `pages()` and `into_stream()` of a paginated operation's builder, from
//! the IR's `Pagination`: how a page's items are taken out of its body and
//! how the page leads to the next request. The walk itself (lazy fetching,
//! errors, loops) is the runtime's `paginate` module.
//!
//! What cannot be walked in Rust terms (several success types, a path
//! through something other than struct fields, a cursor parameter that is
//! not text) gets no stream; `apigen review` still shows the detection.

use crate::emit::headers;
use crate::emit::rust_type::rust_type;
use crate::emit::shape::{Kind, kind, preferred, resolve, strip_nullable};
use crate::ir::{Api, CursorSource, Location, NextPage, Operation, Parameter, Status, TypeKind, TypeRef};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

pub struct Paging {
    /// The builder's hidden `page_url` field, for pages that are URLs.
    pub follows_urls: bool,
    /// `pages` and `into_stream`.
    pub methods: TokenStream,
}

/// The field holding the URL of a next page, when following one.
pub fn page_url() -> Ident {
    format_ident!("page_url")
}

pub fn emit(api: &Api, op: &Operation, params: &[&Parameter], ok_ty: &TokenStream, error: &Ident) -> Option<Paging> {
    let p = op.pagination.as_ref()?;
    let ok: Vec<_> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    let [page] = ok.as_slice() else { return None };
    if page.status != Status::Code(p.status) {
        return None;
    }
    let content = preferred(&page.contents)?;
    let body_ty = match (kind(content), &content.ty) {
        (Kind::Json, Some(t)) => t,
        _ => return None,
    };
    // A documented header makes the value `WithHeaders { body, headers }`.
    let body = match headers::documented(page) {
        true => quote! { page.value.body },
        false => quote! { page.value },
    };
    let item = rust_type(&p.item, &quote! { types:: });

    let give_up = quote! { return Vec::new() };
    let items = walk(api, body_ty, body.clone(), &p.items, false, Some(&give_up))?;
    if !matches!(resolve(api, strip_nullable(&items.ty)), TypeRef::Array { .. }) {
        return None;
    }
    let take_items = {
        let Leaf { steps, expr, .. } = &items;
        quote! { #steps #expr }
    };
    let none = quote! { return None };
    let (next, key, field, follows_urls) = match &p.next {
        NextPage::LinkHeader => (
            quote! {
                let url = runtime::paginate::next_link(&page.headers)?;
            },
            format_ident!("url"),
            page_url(),
            true,
        ),
        NextPage::NextLink { field } => {
            let Leaf { steps, expr, ty, .. } = walk(api, body_ty, body.clone(), field, true, None)?;
            if !matches!(resolve(api, strip_nullable(&ty)), TypeRef::String { .. }) {
                return None;
            }
            (quote! { #steps let url = #expr.to_string(); }, format_ident!("url"), page_url(), true)
        }
        NextPage::Cursor { parameter, from, has_more } => {
            let param = params.iter().find(|q| q.location == Location::Query && &q.name == parameter)?;
            // A text cursor (not a date-time or uuid, which are not `String`).
            let ty = strip_nullable(&param.ty);
            if !matches!(ty, TypeRef::String { .. }) || crate::emit::formats::is_typed(ty) {
                return None;
            }
            let more = match has_more {
                Some(path) => {
                    let flag = walk(api, body_ty, body.clone(), path, true, None)?;
                    if !matches!(resolve(api, strip_nullable(&flag.ty)), TypeRef::Boolean) {
                        return None;
                    }
                    let Leaf { steps, expr, is_ref, .. } = flag;
                    let deref = is_ref.then(|| quote! { * });
                    quote! { #steps if !#deref #expr { #none } }
                }
                None => quote! {},
            };
            let cursor = match from {
                CursorSource::Field(path) => {
                    let Leaf { steps, expr, .. } = walk(api, body_ty, body.clone(), path, true, None)?;
                    quote! { #steps let cursor = #expr.to_string(); }
                }
                CursorSource::LastItem(name) => {
                    let Leaf { steps, expr, .. } = walk(api, body_ty, body.clone(), &p.items, true, None)?;
                    let last = quote! { last };
                    let field = walk(api, &p.item, last.clone(), std::slice::from_ref(name), true, None)?;
                    let (field_steps, field_expr) = (field.steps, field.expr);
                    quote! {
                        #steps
                        let last = #expr.last()?;
                        #field_steps
                        let cursor = #field_expr.to_string();
                    }
                }
            };
            let field = format_ident!("{}", param.rust_name);
            let steps = quote! {
                #more
                #cursor
                if cursor.is_empty() { #none }
            };
            (steps, format_ident!("cursor"), field, false)
        }
    };
    // The next request is this one with the cursor or URL set; the value is
    // also the page's key, for telling a loop.
    let methods = methods(
        ok_ty,
        error,
        &item,
        &take_items,
        quote! {
            #next
            let mut next = request.clone();
            next.#field = Some(#key.clone());
            Some((next, #key))
        },
    );
    Some(Paging { follows_urls, methods })
}

fn methods(
    ok_ty: &TokenStream,
    error: &Ident,
    item: &TokenStream,
    take_items: &TokenStream,
    next: TokenStream,
) -> TokenStream {
    quote! {
        /// Every page as a whole success, fetched as the stream is polled;
        /// an error or a page seen before (`Error::RepeatedPage`) ends it.
        pub fn pages(self) -> impl runtime::paginate::Stream<Item = SentWithResponse<Self>> {
            runtime::paginate::pages(self, Self::send_with_response, |request, page| { #next })
        }

        /// Every item of every page, in order (see [`Self::pages`]).
        pub fn into_stream(self) -> impl runtime::paginate::Stream<Item = Result<#item, Error<#error>>> {
            runtime::paginate::items(self.pages(), |page: Success<#ok_ty>| { #take_items })
        }
    }
}

/// `Option<Option<T>>`: absent, `null` or a value.
fn leaf_is_nullable_optional(f: &crate::ir::Field) -> bool {
    !f.required && matches!(f.ty, TypeRef::Nullable { .. })
}

/// Where a walk down a body ends.
struct Leaf {
    /// Statements binding what the expression needs.
    steps: TokenStream,
    /// The value reached: a place (`page.value.data`), or `v` bound by
    /// `steps` (a reference when walking by reference).
    expr: TokenStream,
    /// `expr` is a reference.
    is_ref: bool,
    ty: TypeRef,
}

/// Takes `base` down `path` (JSON property names) through struct fields,
/// by reference or by value, running `bail` where an optional field is
/// absent (without one: `?`, in a function returning `Option`, by
/// reference). `None` when a step is not a struct field.
fn walk(
    api: &Api,
    ty: &TypeRef,
    base: TokenStream,
    path: &[String],
    by_ref: bool,
    bail: Option<&TokenStream>,
) -> Option<Leaf> {
    let mut leaf = Leaf { steps: TokenStream::new(), expr: base, is_ref: false, ty: ty.clone() };
    let borrow = by_ref.then(|| quote! { & });
    for name in path {
        let TypeRef::Named { name: type_name } = resolve(api, strip_nullable(&leaf.ty)) else { return None };
        let Some(TypeKind::Struct { fields, .. }) = api.types.get(type_name).map(|t| &t.kind) else { return None };
        let f = fields.iter().find(|f| &f.name == name)?;
        let ident = format_ident!("{}", f.rust_name);
        let expr = &leaf.expr;
        let pattern = match (f.required, matches!(f.ty, TypeRef::Nullable { .. })) {
            (true, false) => None,
            (false, true) => Some(quote! { Some(Some(v)) }),
            _ => Some(quote! { Some(v) }),
        };
        match (pattern, bail) {
            (None, _) => leaf.expr = quote! { #expr.#ident },
            (Some(pattern), Some(bail)) => {
                leaf.steps.extend(quote! { let #pattern = #borrow #expr.#ident else { #bail }; });
                leaf.expr = quote! { v };
                leaf.is_ref = by_ref;
            }
            // In a function returning `Option`, by reference.
            (Some(_), None) => {
                let twice = leaf_is_nullable_optional(f).then(|| quote! { .as_ref()? });
                leaf.steps.extend(quote! { let v = #expr.#ident.as_ref()? #twice; });
                leaf.expr = quote! { v };
                leaf.is_ref = true;
            }
        }
        leaf.ty = strip_nullable(&f.ty).clone();
    }
    Some(leaf)
}
