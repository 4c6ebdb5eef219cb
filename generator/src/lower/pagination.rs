//! Paginated list operations → `ir::Pagination`.
//!
//! A client can only walk pages it knows how to ask for, and a wrong guess
//! loops or stops early without a word, so detection is conservative and
//! always says why: `apigen review` prints each decision's `reason`, and a
//! page-looking response that cannot be walked (no items array, a cursor
//! with nothing to feed it) is reported as a note instead of dropped.
//!
//! Order, first match wins:
//! 1. `x-apigen-pagination` (an overlay's word is final: `false` turns
//!    detection off, a mapping declares it, on any method);
//! 2. Azure's `x-ms-pageable` (`nextLinkName`, `itemName`);
//! 3. GET only from here: a 2xx documents a `Link` header (RFC 8288,
//!    GitHub) and its body is, or has, the items array;
//! 4. GET: a cursor in the body fed back as an optional query parameter
//!    (Stripe `has_more`/`starting_after`, `nextPageToken`/`pageToken`,
//!    `next_cursor`/`cursor`, ...), or a `next`/`nextLink` URL field.

use super::operations::Ctx;
use crate::diag::{Diagnostic, Severity, ptr};
use crate::ir::{
    CursorSource, Field, Location, Method, NamedType, NextPage, Pagination, Parameter, Response, Status, TypeKind,
    TypeRef,
};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const EXT: &str = "x-apigen-pagination";
const HELP: &str = "see `x-apigen-pagination` in specs/EXTENSIONS.md";

type Types = BTreeMap<String, NamedType>;

/// What detection reads of one lowered operation.
pub struct Op<'a> {
    /// JSON pointer of the operation (`/paths/~1users/get`).
    pub at: &'a str,
    pub method: Method,
    pub extensions: &'a IndexMap<String, Value>,
    pub parameters: &'a [Parameter],
    pub responses: &'a [Response],
}

/// A documented 2xx status with a body: one page.
#[derive(Clone, Copy)]
struct Page<'a> {
    status: u16,
    body: &'a TypeRef,
    response: &'a Response,
}

pub fn detect(cx: &mut Ctx, types: &Types, op: &Op) -> Option<Pagination> {
    if let Some(ext) = op.extensions.get(EXT) {
        return match declared(types, op, ext) {
            Ok(p) => p,
            Err((at, message)) => {
                cx.sink.push(
                    Diagnostic::warning(
                        "pagination.extension",
                        cx.prov.locate(&at),
                        format!("{message}; the operation is not paginated"),
                    )
                    .help(HELP),
                );
                None
            }
        };
    }
    if let Some(ext) = op.extensions.get("x-ms-pageable") {
        return ms_pageable(cx, types, op, ext);
    }
    // Walking pages re-sends the request; only GET is safe to repeat
    // without the spec saying so.
    if op.method != Method::Get {
        return None;
    }
    link_header(cx, types, op).or_else(|| body_cursor(cx, types, op))
}

// ---------------------------------------------------------------------------
// x-apigen-pagination

/// A located problem with the extension: pointer and message.
type Bad = (String, String);

fn declared(types: &Types, op: &Op, ext: &Value) -> Result<Option<Pagination>, Bad> {
    let here = ptr(op.at, EXT);
    let m = match ext {
        Value::Bool(false) => return Ok(None),
        Value::Object(m) => m,
        _ => return Err((here, "`x-apigen-pagination` must be `false` or a mapping".into())),
    };
    only_keys(m, &here, &["status", "items", "next"])?;
    let page = match m.get("status") {
        None => pages(op).next().ok_or_else(|| (here.clone(), "no 2xx response documents a body".to_string()))?,
        Some(v) => {
            let at = ptr(&here, "status");
            let status = v.as_u64().ok_or_else(|| (at.clone(), format!("`status` must be a number, not {v}")))?;
            pages(op)
                .find(|p| u64::from(p.status) == status)
                .ok_or_else(|| (at, format!("no {status} response with a body is documented")))?
        }
    };
    let status = page.status;
    let (items, item) = match m.get("items") {
        None => items_of(types, page.body).ok_or_else(|| {
            (here.clone(), format!("the body of {status} has no obvious items array; name it with `items`"))
        })?,
        Some(v) => {
            let at = ptr(&here, "items");
            let path = path(v, &at)?;
            let t = at_path(types, page.body, &path)
                .ok_or_else(|| (at.clone(), format!("the body of {status} has no property `{}`", dotted(&path))))?;
            let item = array_item(types, t)
                .ok_or_else(|| (at.clone(), format!("`{}` in the body of {status} is not an array", dotted(&path))))?;
            (path, item.clone())
        }
    };
    let next_at = ptr(&here, "next");
    let next = m.get("next").ok_or_else(|| (here.clone(), "`next` is missing".to_string()))?;
    let (kind, v) = match next.as_object() {
        Some(n) if n.len() == 1 => n.iter().next().expect("one entry"),
        _ => return Err((next_at, "`next` must be a mapping with one of linkHeader, nextLink or cursor".into())),
    };
    let at = ptr(&next_at, kind);
    let next = match kind.as_str() {
        "linkHeader" if *v == Value::Bool(true) => NextPage::LinkHeader,
        "linkHeader" => return Err((at, "`linkHeader` must be `true`".into())),
        "nextLink" => {
            let field = path(v, &at)?;
            string_at(types, page, &field, &at)?;
            NextPage::NextLink { field }
        }
        "cursor" => declared_cursor(types, op, page, &item, v, &at)?,
        other => return Err((at, format!("unknown `next` kind `{other}` (linkHeader, nextLink or cursor)"))),
    };
    Ok(Some(Pagination { status, items, item, next, reason: "declared by `x-apigen-pagination`".into() }))
}

fn declared_cursor(types: &Types, op: &Op, page: Page, item: &TypeRef, v: &Value, at: &str) -> Result<NextPage, Bad> {
    let Some(c) = v.as_object() else {
        return Err((at.into(), "`cursor` must be a mapping with parameter and field or lastItem".into()));
    };
    only_keys(c, at, &["parameter", "field", "lastItem", "hasMore"])?;
    let p_at = ptr(at, "parameter");
    let parameter = match c.get("parameter") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err((p_at, "`parameter` must be a string".into())),
        None => return Err((at.into(), "`parameter` is missing".into())),
    };
    if !op.parameters.iter().any(|p| p.location == Location::Query && p.name == parameter) {
        return Err((p_at, format!("the operation has no query parameter `{parameter}`")));
    }
    let from = match (c.get("field"), c.get("lastItem")) {
        (Some(f), None) => {
            let f_at = ptr(at, "field");
            let field = path(f, &f_at)?;
            string_at(types, page, &field, &f_at)?;
            CursorSource::Field(field)
        }
        (None, Some(Value::String(name))) => {
            if field(types, item, name).is_none() {
                return Err((ptr(at, "lastItem"), format!("the items have no property `{name}`")));
            }
            CursorSource::LastItem(name.clone())
        }
        (None, Some(_)) => return Err((ptr(at, "lastItem"), "`lastItem` must be a property name".into())),
        _ => return Err((at.into(), "a cursor has exactly one of `field` and `lastItem`".into())),
    };
    let has_more = match c.get("hasMore") {
        None => None,
        Some(v) => {
            let h_at = ptr(at, "hasMore");
            let path = path(v, &h_at)?;
            match at_path(types, page.body, &path).map(|t| deref(types, t)) {
                Some(TypeRef::Boolean) => Some(path),
                _ => return Err((h_at, format!("the body of {} has no boolean `{}`", page.status, dotted(&path)))),
            }
        }
    };
    Ok(NextPage::Cursor { parameter, from, has_more })
}

fn only_keys(m: &Map<String, Value>, at: &str, allowed: &[&str]) -> Result<(), Bad> {
    match m.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err((ptr(at, k), format!("unknown key `{k}` (expected {})", allowed.join(", ")))),
        None => Ok(()),
    }
}

/// A property path: dotted (`response_metadata.next_cursor`, `""` for the
/// body itself) or a list, for names that contain a dot (`@odata.nextLink`).
fn path(v: &Value, at: &str) -> Result<Vec<String>, Bad> {
    match v {
        Value::String(s) if s.is_empty() => Ok(Vec::new()),
        Value::String(s) => Ok(s.split('.').map(str::to_owned).collect()),
        Value::Array(a) if a.iter().all(Value::is_string) => {
            Ok(a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        }
        _ => Err((at.into(), format!("expected a dotted property path or a list of names, not {v}"))),
    }
}

fn string_at(types: &Types, page: Page, field: &[String], at: &str) -> Result<(), Bad> {
    match at_path(types, page.body, field) {
        Some(t) if is_string(types, t) => Ok(()),
        _ => Err((at.into(), format!("the body of {} has no string `{}`", page.status, dotted(field)))),
    }
}

// ---------------------------------------------------------------------------
// x-ms-pageable (Azure/AutoRest)

fn ms_pageable(cx: &mut Ctx, types: &Types, op: &Op, ext: &Value) -> Option<Pagination> {
    let here = ptr(op.at, "x-ms-pageable");
    // AutoRest: no `nextLinkName` (or null) means the list is one page.
    let next = match ext.get("nextLinkName") {
        None | Some(Value::Null) => return None,
        Some(Value::String(s)) => s.clone(),
        Some(v) => {
            warn(cx, &ptr(&here, "nextLinkName"), format!("`nextLinkName` must be a string, not {v}"));
            return None;
        }
    };
    let item_name = ext.get("itemName").and_then(Value::as_str).unwrap_or("value").to_owned();
    // Azure names are single properties, dots and all (`@odata.nextLink`).
    let (items, field) = (vec![item_name.clone()], vec![next.clone()]);
    let found = pages(op).find_map(|page| {
        let item = at_path(types, page.body, &items).and_then(|t| array_item(types, t))?;
        at_path(types, page.body, &field).filter(|t| is_string(types, t))?;
        Some((page, item))
    });
    let Some((page, item)) = found else {
        warn(
            cx,
            &here,
            format!(
                "`x-ms-pageable` names `{next}` and `{item_name}`, but no 2xx body has a string `{next}` and an array `{item_name}`; not paginated"
            ),
        );
        return None;
    };
    Some(Pagination {
        status: page.status,
        items,
        item: item.clone(),
        next: NextPage::NextLink { field },
        reason: format!("`x-ms-pageable` names `{next}` as the next link and `{item_name}` as the items"),
    })
}

// ---------------------------------------------------------------------------
// Heuristics (GET only)

/// GitHub: a 2xx documents `Link` and its body is (or has) the items.
fn link_header(cx: &mut Ctx, types: &Types, op: &Op) -> Option<Pagination> {
    let page = pages(op).find(|p| p.response.headers.iter().any(|h| h.name.eq_ignore_ascii_case("link")))?;
    let status = page.status;
    let Some((items, item)) = items_of(types, page.body) else {
        note(
            cx,
            &ptr(&ptr(op.at, "responses"), &status.to_string()),
            format!("{status} documents a `Link` header, but its body has no items array; not paginated"),
        );
        return None;
    };
    let reason = match items.is_empty() {
        true => format!("{status} documents a `Link` header and its body is an array"),
        false => format!("{status} documents a `Link` header and its body's `{}` is the items array", dotted(&items)),
    };
    Some(Pagination { status, items, item, next: NextPage::LinkHeader, reason })
}

/// Response field → the optional query parameter it is fed back as. A
/// field only counts when it is a plain string (an integer `next_page` is
/// a page number, not a cursor).
const TOKEN_PAIRS: [(&str, &str); 6] = [
    ("next_page_token", "page_token"),
    ("next_page", "page_token"),
    // Stripe's search endpoints: `next_page` is a token sent as `page`.
    ("next_page", "page"),
    ("nextPageToken", "pageToken"),
    ("next_cursor", "cursor"),
    ("next", "cursor"),
];

/// Fields holding the next page's URL when documented as one.
const NEXT_LINKS: [&str; 3] = ["next", "nextLink", "@odata.nextLink"];

fn body_cursor(cx: &mut Ctx, types: &Types, op: &Op) -> Option<Pagination> {
    let page = pages(op).next()?;
    let (body, status) = (page.body, page.status);
    fields(types, body)?;
    let at = ptr(&ptr(op.at, "responses"), &status.to_string());
    let optional_query =
        |name: &str| op.parameters.iter().any(|p| p.location == Location::Query && p.name == name && !p.required);
    let has_more = |t| matches!(field(types, t, "has_more").map(|t| deref(types, t)), Some(TypeRef::Boolean));

    // Stripe: `{object: list, data: [...], has_more}`, next page
    // `starting_after=<last item's id>`.
    if has_more(body)
        && let Some(item) = field(types, body, "data").and_then(|t| array_item(types, t))
        && optional_query("starting_after")
    {
        if field(types, item, "id").is_none() {
            note(
                cx,
                &at,
                format!(
                    "{status} has `has_more` and `data` and `starting_after` is a query parameter, but the items have no `id`; not paginated"
                ),
            );
            return None;
        }
        return Some(Pagination {
            status,
            items: vec!["data".into()],
            item: item.clone(),
            next: NextPage::Cursor {
                parameter: "starting_after".into(),
                from: CursorSource::LastItem("id".into()),
                has_more: Some(vec!["has_more".into()]),
            },
            reason: format!(
                "response {status} has `has_more` and `data`, and `starting_after` is an optional query parameter"
            ),
        });
    }

    for (name, parameter) in TOKEN_PAIRS {
        // Slack nests its cursor: `response_metadata.next_cursor`.
        let found = match name {
            "next_cursor" => find_nested(types, body, name),
            _ => field(types, body, name).map(|t| (vec![name.to_owned()], t)),
        };
        let Some((path, t)) = found else { continue };
        if !is_string(types, t) || is_url(types, t) || !optional_query(parameter) {
            continue;
        }
        let Some((items, item)) = items_of(types, body) else {
            note(
                cx,
                &at,
                format!(
                    "{status} has `{}` and `{parameter}` is a query parameter, but the body has no items array; not paginated",
                    dotted(&path)
                ),
            );
            return None;
        };
        let reason = format!(
            "response {status} has `{}` and `{}`, and `{parameter}` is an optional query parameter",
            dotted(&path),
            dotted(&items)
        );
        let has_more = has_more(body).then(|| vec!["has_more".to_owned()]);
        let next = NextPage::Cursor { parameter: parameter.into(), from: CursorSource::Field(path), has_more };
        return Some(Pagination { status, items, item, next, reason });
    }

    for name in NEXT_LINKS {
        let Some(t) = field(types, body, name).filter(|t| is_url(types, t)) else { continue };
        let Some((items, item)) = items_of(types, body) else {
            note(cx, &at, format!("{status} has a `{name}` URL, but the body has no items array; not paginated"));
            return None;
        };
        let format = string_format(types, t).unwrap_or_default();
        let reason = format!("response {status} has `{name}` (format: {format}) and `{}`", dotted(&items));
        return Some(Pagination { status, items, item, next: NextPage::NextLink { field: vec![name.into()] }, reason });
    }
    None
}

// ---------------------------------------------------------------------------
// Reading the body's type through the IR's type table

/// The documented 2xx statuses with a body, JSON first within a status.
fn pages<'a>(op: &'a Op) -> impl Iterator<Item = Page<'a>> {
    op.responses.iter().filter_map(|r| {
        let Status::Code(status @ 200..=299) = r.status else { return None };
        let json = r.contents.iter().filter(|c| c.media_type.contains("json"));
        let body = json.chain(&r.contents).find_map(|c| c.ty.as_ref())?;
        Some(Page { status, body, response: r })
    })
}

/// The obvious items array of a body: the body itself, else its `items`,
/// `data`, `value` or `results` array, else its only array property.
fn items_of(types: &Types, body: &TypeRef) -> Option<(Vec<String>, TypeRef)> {
    if let Some(item) = array_item(types, body) {
        return Some((Vec::new(), item.clone()));
    }
    let fs = fields(types, body)?;
    let arrays: Vec<&Field> = fs.into_iter().filter(|f| array_item(types, &f.ty).is_some()).collect();
    let f = ["items", "data", "value", "results"].iter().find_map(|name| arrays.iter().find(|f| f.name == *name)).or(
        match &arrays[..] {
            [only] => Some(only),
            _ => None,
        },
    )?;
    Some((vec![f.name.clone()], array_item(types, &f.ty)?.clone()))
}

/// What a type use stands for: named aliases followed, `nullable` taken
/// off (a page's field may well be `null`).
fn deref<'a>(types: &'a Types, t: &'a TypeRef) -> &'a TypeRef {
    let aliases = |t: &'a TypeRef| {
        crate::resolve::follow(t, |t| match t {
            TypeRef::Named { name } => match types.get(name).map(|n| &n.kind) {
                Some(TypeKind::Alias { ty }) => Some((name.as_str(), ty)),
                _ => None,
            },
            _ => None,
        })
        .at
    };
    match aliases(t) {
        TypeRef::Nullable { inner } => aliases(inner),
        t => t,
    }
}

/// The properties of an object type: a struct's fields, or those of every
/// part of an `allOf` lowering could not merge (Bitbucket's pages are
/// `allOf: [page, {values}]`; on the wire they are one object).
fn fields<'a>(types: &'a Types, t: &'a TypeRef) -> Option<Vec<&'a Field>> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![t];
    while let Some(t) = todo.pop() {
        let TypeRef::Named { name } = deref(types, t) else { return None };
        // A part that comes back (a loop of `allOf`s) adds nothing new.
        if !seen.insert(name.as_str()) {
            continue;
        }
        match &types.get(name)?.kind {
            TypeKind::Struct { fields, .. } => out.extend(fields),
            TypeKind::AllOf { parts } => todo.extend(parts.iter().rev()),
            _ => return None,
        }
    }
    Some(out)
}

fn field<'a>(types: &'a Types, t: &'a TypeRef, name: &str) -> Option<&'a TypeRef> {
    fields(types, t)?.into_iter().find(|f| f.name == name).map(|f| &f.ty)
}

fn at_path<'a>(types: &'a Types, t: &'a TypeRef, path: &[String]) -> Option<&'a TypeRef> {
    path.iter().try_fold(t, |t, name| field(types, t, name))
}

/// `name` in the body or in one of its object properties.
fn find_nested<'a>(types: &'a Types, body: &'a TypeRef, name: &str) -> Option<(Vec<String>, &'a TypeRef)> {
    if let Some(t) = field(types, body, name) {
        return Some((vec![name.to_owned()], t));
    }
    fields(types, body)?
        .into_iter()
        .find_map(|f| field(types, &f.ty, name).map(|t| (vec![f.name.clone(), name.to_owned()], t)))
}

fn array_item<'a>(types: &'a Types, t: &'a TypeRef) -> Option<&'a TypeRef> {
    match deref(types, t) {
        TypeRef::Array { items, .. } => Some(items),
        _ => None,
    }
}

fn is_string(types: &Types, t: &TypeRef) -> bool {
    matches!(deref(types, t), TypeRef::String { .. })
}

fn string_format<'a>(types: &'a Types, t: &'a TypeRef) -> Option<&'a str> {
    match deref(types, t) {
        TypeRef::String { format, .. } => format.as_deref(),
        _ => None,
    }
}

fn is_url(types: &Types, t: &TypeRef) -> bool {
    matches!(string_format(types, t), Some("uri" | "uri-reference" | "url"))
}

fn dotted(path: &[String]) -> String {
    if path.is_empty() { "the body".into() } else { path.join(".") }
}

fn warn(cx: &mut Ctx, at: &str, message: String) {
    cx.sink.push(Diagnostic::warning("pagination.unresolved", cx.prov.locate(at), message).help(HELP));
}

/// Looks paginated but cannot be walked: said in the review, not dropped.
fn note(cx: &mut Ctx, at: &str, message: String) {
    let d = Diagnostic::warning("pagination.not-detected", cx.prov.locate(at), message)
        .help("if the operation is paginated, declare how with `x-apigen-pagination` (specs/EXTENSIONS.md)");
    cx.sink.push(Diagnostic { severity: Severity::Info, ..d });
}

#[cfg(test)]
mod tests;
