//! The API summary of a review, read from the IR (the API as generated,
//! overlays applied): operations, auth, parameters with their constraints,
//! and responses by status.

use crate::ir::{self, Api, TypeKind, TypeRef};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Alternatives, each `A + B` for schemes used together; `none` for
    /// an alternative without credentials.
    pub auth: Vec<String>,
    pub parameters: Vec<Parameter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    /// The pagination lowering detected, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
}

/// A paginated list operation as review shows it.
#[derive(Debug, Serialize)]
pub struct Pagination {
    /// How pages are walked, in a few words: `cursor starting_after ←
    /// last item's id, until has_more is false; items: data of 200, each
    /// Customer`.
    pub description: String,
    /// Why lowering decided so.
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    #[serde(rename = "type")]
    pub ty: String,
    /// `read-only` or `write-only`, for a body field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Body {
    pub media_types: Vec<String>,
    pub required: bool,
    #[serde(rename = "type")]
    pub ty: String,
    /// The fields of an object body, described like parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Parameter>,
}

#[derive(Debug, Serialize)]
pub struct Response {
    pub status: String,
    pub description: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// Documented response headers, described like parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Parameter>,
}

pub fn operations(api: &Api) -> Vec<Operation> {
    api.operations.iter().map(|op| operation(api, op)).collect()
}

fn operation(api: &Api, op: &ir::Operation) -> Operation {
    let auth = if op.security.alternatives.is_empty() {
        vec!["none".to_string()]
    } else {
        op.security
            .alternatives
            .iter()
            .map(|alt| {
                if alt.is_empty() {
                    "none".to_string()
                } else {
                    alt.iter().map(|u| u.scheme.as_str()).collect::<Vec<_>>().join(" + ")
                }
            })
            .collect()
    };
    let parameters = op
        .parameters
        .iter()
        .map(|p| described(api, &p.name, &format!("{:?}", p.location).to_lowercase(), p.required, &p.ty))
        .collect();
    let body = op.body.as_ref().map(|b| {
        let ty = b.contents.iter().find_map(|c| c.ty.as_ref());
        Body {
            media_types: b.contents.iter().map(|c| c.media_type.clone()).collect(),
            required: b.required,
            ty: ty.map_or_else(|| "no schema".into(), |t| describe(api, t)),
            fields: ty.map(|t| fields(api, t)).unwrap_or_default(),
        }
    });
    let responses = op
        .responses
        .iter()
        .map(|r| Response {
            status: String::from(r.status),
            description: r.description.clone(),
            ty: r.contents.iter().find_map(|c| c.ty.as_ref()).map(|t| describe(api, t)),
            headers: r.headers.iter().map(|h| described(api, &h.name, "header", h.required, &h.ty)).collect(),
        })
        .collect();
    Operation {
        id: op.id.clone(),
        method: format!("{:?}", op.method).to_uppercase(),
        path: op.path.clone(),
        target: op.target.clone(),
        summary: op.summary.clone(),
        auth,
        parameters,
        body,
        responses,
        pagination: op
            .pagination
            .as_ref()
            .map(|p| Pagination { description: pagination(api, p), reason: p.reason.clone() }),
    }
}

/// `Link header rel="next"; items: the body of 200, each Repo`, `cursor
/// pageToken ← nextPageToken, until it is empty; items: books of 200, each Book`.
fn pagination(api: &Api, p: &ir::Pagination) -> String {
    let path = |p: &[String]| p.join(".");
    let next = match &p.next {
        ir::NextPage::LinkHeader => "Link header rel=\"next\"".to_string(),
        ir::NextPage::NextLink { field } => format!("next link in {}", path(field)),
        ir::NextPage::Cursor { parameter, from, has_more } => {
            let from = match from {
                ir::CursorSource::Field(f) => path(f),
                ir::CursorSource::LastItem(name) => format!("last item's {name}"),
            };
            let until = match has_more {
                Some(h) => format!("until {} is false", path(h)),
                None => "until it is empty".to_string(),
            };
            format!("cursor {parameter} ← {from}, {until}")
        }
    };
    let items = if p.items.is_empty() { "the body".to_string() } else { path(&p.items) };
    format!("{next}; items: {items} of {}, each {}", p.status, describe(api, &p.item))
}

fn fields(api: &Api, ty: &TypeRef) -> Vec<Parameter> {
    let TypeRef::Named { name } = ty else { return Vec::new() };
    let Some(TypeKind::Struct { fields, .. }) = api.types.get(name).map(|t| &t.kind) else { return Vec::new() };
    // These are a request's fields: a required `readOnly` property is not
    // required in a request (OpenAPI 3: it SHALL NOT be sent, and the
    // generated type makes it optional), a `writeOnly` one still is.
    fields
        .iter()
        .map(|f| {
            let access = match (f.read_only, f.write_only) {
                (true, _) => Some("read-only"),
                (_, true) => Some("write-only"),
                _ => None,
            };
            Parameter { access, ..described(api, &f.name, "body", f.required && !f.read_only, &f.ty) }
        })
        .collect()
}

/// A parameter, header or body field with its type described.
fn described(api: &Api, name: &str, location: &str, required: bool, ty: &TypeRef) -> Parameter {
    Parameter { name: name.to_owned(), location: location.to_owned(), required, ty: describe(api, ty), access: None }
}

/// A type in a few words, with its constraints: `string, 3..=100 chars,
/// pattern ^[\w][\w@.-]{2,99}$`.
pub fn describe(api: &Api, ty: &TypeRef) -> String {
    describe_at(api, ty, 0)
}

fn describe_at(api: &Api, ty: &TypeRef, depth: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    match ty {
        TypeRef::Named { name } => {
            let kind = api.types.get(name).map(|t| &t.kind);
            return match kind {
                Some(TypeKind::Alias { ty }) if depth < 8 => describe_at(api, ty, depth + 1),
                Some(TypeKind::Enum { values, .. }) => {
                    let shown: Vec<String> = values.iter().take(6).map(|v| v.value.to_string()).collect();
                    let more =
                        if values.len() > 6 { format!(" | … ({} values)", values.len()) } else { String::new() };
                    format!("{name} (one of {}{more})", shown.join(" | "))
                }
                _ => name.clone(),
            };
        }
        TypeRef::String { format, constraints } => {
            parts.push(format.as_ref().map_or("string".into(), |f| format!("string ({f})")));
            match (constraints.min_length, constraints.max_length) {
                (Some(a), Some(b)) if a == b => parts.push(format!("exactly {a} chars")),
                (Some(a), Some(b)) => parts.push(format!("{a}..={b} chars")),
                (Some(a), None) => parts.push(format!("at least {a} chars")),
                (None, Some(b)) => parts.push(format!("at most {b} chars")),
                (None, None) => {}
            }
            if let Some(p) = &constraints.pattern {
                parts.push(format!("pattern {p}"));
            }
        }
        TypeRef::Integer { format, bounds } | TypeRef::Number { format, bounds } => {
            let base = if matches!(ty, TypeRef::Integer { .. }) { "integer" } else { "number" };
            parts.push(format.as_ref().map_or(base.into(), |f| format!("{base} ({f})")));
            if let Some(m) = &bounds.minimum {
                parts.push(format!("{} {m}", if bounds.exclusive_minimum { ">" } else { ">=" }));
            }
            if let Some(m) = &bounds.maximum {
                parts.push(format!("{} {m}", if bounds.exclusive_maximum { "<" } else { "<=" }));
            }
        }
        TypeRef::Array { items, min_items, max_items, .. } => {
            parts.push(format!("array of {}", describe_at(api, items, depth + 1)));
            if let Some(m) = min_items {
                parts.push(format!("at least {m} items"));
            }
            if let Some(m) = max_items {
                parts.push(format!("at most {m} items"));
            }
        }
        TypeRef::Map { values } => parts.push(format!("map of {}", describe_at(api, values, depth + 1))),
        TypeRef::Nullable { inner } => parts.push(format!("{} or null", describe_at(api, inner, depth + 1))),
        TypeRef::Boolean => parts.push("boolean".into()),
        TypeRef::Binary => parts.push("binary".into()),
        TypeRef::Null => parts.push("null".into()),
        TypeRef::Any => parts.push("any".into()),
    }
    parts.join(", ")
}
