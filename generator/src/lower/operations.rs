//! Paths and operations → `ir::Operation`s.

use super::types::TypeSpace;
use crate::diag::{Diagnostic, Sink, ptr};
use crate::ir::{
    Content, Encoding, ErrorCode, Header, Location as ParamIn, Method, Operation, Parameter, Protocol, RequestBody,
    Response, SecurityScheme, Server, ServerVariable, Status, Style, TypeKind, TypeRef,
};
use crate::naming::{Namer, camel, snake, status_variant};
use crate::source::Provenance;
use indexmap::IndexMap;
use openapiv3::{MediaType, OpenAPI, ParameterSchemaOrContent, ReferenceOr, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

pub struct Ctx<'a> {
    pub openapi: &'a OpenAPI,
    pub prov: &'a Provenance,
    pub protocol: &'a Protocol,
    pub schemes: &'a BTreeMap<String, SecurityScheme>,
    pub sink: &'a mut Sink,
}

pub fn operations(cx: &mut Ctx, types: &mut TypeSpace) -> Vec<Operation> {
    let mut out = Vec::new();
    let mut names = Namer::new();
    // `{type_name}Response` and the like: unique like the method names
    // (`a_2` and `a2` both read `A2`).
    let mut type_names = Namer::new();
    // Methods every generated client has: an operation must not shadow them.
    for taken in ["new", "with_config", "base_url"] {
        names.reserve(taken);
    }
    let mut ids: HashMap<String, String> = HashMap::new();
    // (method, path shape) → first path with that shape.
    let mut shapes: HashMap<(String, String), String> = HashMap::new();
    for (path, item) in cx.openapi.paths.iter() {
        let item_at = ptr("/paths", path);
        let ReferenceOr::Item(item) = item else {
            cx.sink.push(
                Diagnostic::error("ref.path-item", cx.prov.locate(&item_at), "path item `$ref` could not be resolved")
                    .help("define the path item inline"),
            );
            continue;
        };
        for (method_str, op) in item.iter() {
            let at = ptr(&item_at, method_str);
            let Some(method) = Method::parse(method_str) else { continue };
            let id = op.operation_id.clone().unwrap_or_else(|| format!("{method_str} {path}"));
            if let Some(first) = ids.get(&id) {
                cx.sink.push(
                    Diagnostic::error(
                        "operation.duplicate-id",
                        cx.prov.locate(&ptr(&at, "operationId")),
                        format!("operationId `{id}` is already used at {first}"),
                    )
                    .help("give every operation its own operationId (an overlay can rename one)"),
                );
                continue;
            }
            ids.insert(id.clone(), at.clone());
            let key = (method_str.to_string(), crate::ir::path_shape(path));
            if let Some(first) = shapes.get(&key) {
                let upper = method_str.to_uppercase();
                cx.sink.push(
                    Diagnostic::warning(
                        "route.ambiguous",
                        cx.prov.locate(&at),
                        format!("`{upper} {path}` and `{upper} {first}` match the same requests; server stubs route only `{first}`"),
                    )
                    .help("merge the two operations, or give their paths different literal segments"),
                );
            } else {
                shapes.insert(key, path.clone());
            }
            let base = snake(&id);
            let name = names.claim(&base);
            if name != base {
                cx.sink.push(
                    Diagnostic::warning(
                        "operation.name-collision",
                        cx.prov.locate(&at),
                        format!("operation `{id}` is named `{name}` because `{base}` is taken"),
                    )
                    .help("give the operation an operationId of its own (an overlay can set one)"),
                );
            }
            let type_name = type_names.claim(&camel(&name));
            let lowered = operation(cx, types, path, &at, method, id, (name, type_name), op, item);
            out.push(lowered);
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub(super) fn operation(
    cx: &mut Ctx,
    types: &mut TypeSpace,
    path: &str,
    at: &str,
    method: Method,
    id: String,
    (name, type_name): (String, String),
    op: &openapiv3::Operation,
    item: &openapiv3::PathItem,
) -> Operation {
    let ctx = type_name.clone();
    let item_at = at.rsplit_once('/').map_or("", |x| x.0);
    let mut parameters = parameters(cx, types, &ctx, [(item_at, &item.parameters), (at, &op.parameters)]);
    check_path_template(cx, path, at, &mut parameters);
    let body = op.request_body.as_ref().and_then(|b| request_body(cx, types, &ctx, &ptr(at, "requestBody"), b));
    let mut responses = responses(cx, types, &ctx, &ptr(at, "responses"), &op.responses);
    if let Protocol::AwsJson1_1 { .. } = cx.protocol {
        for r in &mut responses {
            if !r.status.is_success() {
                r.errors = aws_error_codes(types, r);
            }
        }
    }
    name_variants(&mut responses);
    let reqs = op.security.as_ref().or(cx.openapi.security.as_ref()).cloned().unwrap_or_default();
    let security = super::security::requirements(&reqs, cx.schemes, at, cx.prov, &mut cx.sink.diagnostics);
    let ext = |k: &str| op.extensions.get(k);
    let target = match cx.protocol {
        Protocol::Rest => None,
        Protocol::AwsJson1_1 { target_prefix } => {
            if method != Method::Post || !(path == "/" || path.starts_with("/#")) {
                cx.sink.push(
                    Diagnostic::error(
                        "protocol.aws-json",
                        cx.prov.locate(at),
                        format!("awsJson1_1 operations are `POST /`, found `{method:?} {path}`"),
                    )
                    .help("write the operation as `post` under `/` (or `/#OperationName` when there are several)"),
                );
            }
            Some(
                ext("x-apigen-target")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{target_prefix}.{id}")),
            )
        }
    };
    let pagination = super::pagination::detect(
        cx,
        &types.types,
        &super::pagination::Op {
            at,
            method,
            extensions: &op.extensions,
            parameters: &parameters,
            responses: &responses,
        },
    );
    let path = if target.is_some() { "/".to_string() } else { path.to_string() };
    let body_limit = body_limit(cx, op, at);
    let stream = match ext("x-apigen-stream") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            let here = cx.prov.locate(&format!("{at}/x-apigen-stream"));
            cx.sink.push(Diagnostic::error("extension.stream", here, "`x-apigen-stream` must be `true` or `false`"));
            false
        }
    };
    Operation {
        name,
        type_name,
        id,
        method,
        path,
        summary: op.summary.clone(),
        description: op.description.clone(),
        tags: op.tags.clone(),
        deprecated: op.deprecated,
        idempotent: ext("x-apigen-idempotent").and_then(Value::as_bool).unwrap_or(method.is_idempotent()),
        target,
        parameters,
        body,
        responses,
        security,
        servers: servers(if op.servers.is_empty() { &item.servers } else { &op.servers }),
        pagination,
        body_limit,
        stream,
    }
}

/// `x-apigen-body-limit` (bytes, a positive integer) of the operation, else
/// of the document.
fn body_limit(cx: &mut Ctx, op: &openapiv3::Operation, at: &str) -> Option<u64> {
    const EXT: &str = "x-apigen-body-limit";
    let (value, here) = match (op.extensions.get(EXT), cx.openapi.extensions.get(EXT)) {
        (Some(v), _) => (v, format!("{at}/{EXT}")),
        (None, Some(v)) => (v, format!("/{EXT}")),
        (None, None) => return None,
    };
    match value.as_u64().filter(|n| *n > 0) {
        Some(n) => Some(n),
        None => {
            let here = cx.prov.locate(&here);
            let message = format!("`{EXT}` must be a positive number of bytes, not `{value}`");
            cx.sink.push(Diagnostic::error("extension.body-limit", here, message).help("see specs/EXTENSIONS.md"));
            None
        }
    }
}

pub fn servers(list: &[openapiv3::Server]) -> Vec<Server> {
    list.iter()
        .map(|s| Server {
            url: s.url.clone(),
            description: s.description.clone(),
            variables: s
                .variables
                .iter()
                .flatten()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        ServerVariable {
                            default: v.default.clone(),
                            allowed: v.enumeration.clone(),
                            description: v.description.clone(),
                        },
                    )
                })
                .collect(),
        })
        .collect()
}

/// Follows a `#/components/{section}/{key}` reference.
fn resolve<'a, T>(r: &'a ReferenceOr<T>, section: Option<&'a IndexMap<String, ReferenceOr<T>>>) -> Option<&'a T> {
    crate::resolve::component(r, section).map(|(t, _)| t)
}

/// [`resolve`], reporting a reference that names no component.
fn resolve_or_report<'a, T>(
    cx: &mut Ctx,
    r: &'a ReferenceOr<T>,
    section: Option<&'a IndexMap<String, ReferenceOr<T>>>,
    here: &str,
    (code, what, kind): (&'static str, &str, &str),
) -> Option<&'a T> {
    let found = resolve(r, section);
    if found.is_none() {
        cx.sink.push(
            Diagnostic::error(code, cx.prov.locate(here), format!("{what} `$ref` does not name a component {what}"))
                .help(format!("define it under components/{kind}")),
        );
    }
    found
}

fn parameters(
    cx: &mut Ctx,
    types: &mut TypeSpace,
    ctx: &str,
    levels: [(&str, &[ReferenceOr<openapiv3::Parameter>]); 2],
) -> Vec<Parameter> {
    let section = cx.openapi.components.as_ref().map(|c| &c.parameters);
    // Operation-level parameters override path-level ones of the same
    // name and location.
    let mut list: Vec<(String, &openapiv3::Parameter)> = Vec::new();
    for (at, params) in levels {
        for (i, p) in params.iter().enumerate() {
            let here = ptr(&ptr(at, "parameters"), &i.to_string());
            let Some(p) = resolve_or_report(cx, p, section, &here, ("ref.parameter", "parameter", "parameters")) else {
                continue;
            };
            if ignored_header(cx, p, &here, params_ref(&params[i])) {
                continue;
            }
            let key = (&p.parameter_data_ref().name, location(p));
            list.retain(|(_, q)| (&q.parameter_data_ref().name, location(q)) != key);
            list.push((here, p));
        }
    }
    let mut namer = Namer::new();
    let mut out = Vec::new();
    for (here, p) in list {
        let d = p.parameter_data_ref();
        let loc = location(p);
        let rust_name = parameter_name(&mut namer, &d.name, loc);
        let (ty, media_type) = match &d.format {
            ParameterSchemaOrContent::Schema(s) => {
                (types.lower(s, &format!("{ctx}{}", camel(&d.name)), &ptr(&here, "schema")), None)
            }
            ParameterSchemaOrContent::Content(c) => match c.iter().next() {
                Some((mt, m)) => (
                    m.schema.as_ref().map_or(TypeRef::Any, |s| {
                        types.lower(s, &format!("{ctx}{}", camel(&d.name)), &ptr(&here, "content"))
                    }),
                    Some(mt.clone()),
                ),
                None => (TypeRef::Any, None),
            },
        };
        let mut required = d.required;
        if loc == ParamIn::Path && !required {
            cx.sink.push(
                Diagnostic::warning(
                    "parameter.path-optional",
                    cx.prov.locate(&ptr(&here, "required")),
                    format!("path parameter `{}` is not marked required; path parameters always are", d.name),
                )
                .help("add `required: true`"),
            );
            required = true;
        }
        let style = style(p);
        let mut examples: Vec<Value> = d.example.iter().cloned().collect();
        examples.extend(d.examples.values().filter_map(|e| match e {
            ReferenceOr::Item(e) => e.value.clone(),
            ReferenceOr::Reference { .. } => None,
        }));
        if examples.is_empty()
            && let ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) = &d.format
            && let Some(e) = &s.schema_data.example
        {
            examples.push(e.clone());
        }
        let default = match &d.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => s.schema_data.default.clone(),
            _ => None,
        };
        out.push(Parameter {
            default,
            name: d.name.clone(),
            rust_name,
            location: loc,
            required,
            description: d.description.clone(),
            deprecated: d.deprecated.unwrap_or(false),
            ty,
            style,
            explode: d.explode.unwrap_or(style == Style::Form),
            media_type,
            examples,
        });
    }
    out
}

/// The `$ref` a parameter entry is, if it is one.
fn params_ref(p: &ReferenceOr<openapiv3::Parameter>) -> Option<&str> {
    match p {
        ReferenceOr::Reference { reference } => Some(reference),
        ReferenceOr::Item(_) => None,
    }
}

/// OpenAPI 3.x: a header parameter named `Accept`, `Content-Type` or
/// `Authorization` SHALL be ignored. The client sets them from the body's
/// media type, the documented responses and the security schemes. Warns
/// once per place in the spec that defines one (a shared component is
/// reported where it is defined, not at each operation using it).
fn ignored_header(cx: &mut Ctx, p: &openapiv3::Parameter, here: &str, via: Option<&str>) -> bool {
    let name = &p.parameter_data_ref().name;
    if location(p) != ParamIn::Header
        || !["accept", "content-type", "authorization"].iter().any(|h| name.eq_ignore_ascii_case(h))
    {
        return false;
    }
    // A `#/components/parameters/...` reference is reported at the component.
    let defined = match via {
        Some(r) if r.starts_with("#/") => r[1..].to_string(),
        _ => here.to_string(),
    };
    let at = cx.prov.locate(&defined);
    const CODE: &str = "parameter.header-ignored";
    if !cx.sink.diagnostics.iter().any(|d| d.code == CODE && d.location == at) {
        cx.sink.push(
            Diagnostic::warning(
                CODE,
                at,
                format!("header parameter `{name}` is ignored (OpenAPI 3: `Accept`, `Content-Type` and `Authorization` are not parameters)"),
            )
            .help("remove it: the client sets it from the request body's media type, the documented responses or the security schemes"),
        );
    }
    true
}

fn location(p: &openapiv3::Parameter) -> ParamIn {
    match p {
        openapiv3::Parameter::Query { .. } => ParamIn::Query,
        openapiv3::Parameter::Header { .. } => ParamIn::Header,
        openapiv3::Parameter::Path { .. } => ParamIn::Path,
        openapiv3::Parameter::Cookie { .. } => ParamIn::Cookie,
    }
}

fn style(p: &openapiv3::Parameter) -> Style {
    use openapiv3::{PathStyle, QueryStyle};
    match p {
        openapiv3::Parameter::Query { style, .. } => match style {
            QueryStyle::Form => Style::Form,
            QueryStyle::SpaceDelimited => Style::SpaceDelimited,
            QueryStyle::PipeDelimited => Style::PipeDelimited,
            QueryStyle::DeepObject => Style::DeepObject,
        },
        openapiv3::Parameter::Path { style, .. } => match style {
            PathStyle::Simple => Style::Simple,
            PathStyle::Label => Style::Label,
            PathStyle::Matrix => Style::Matrix,
        },
        openapiv3::Parameter::Header { .. } => Style::Simple,
        openapiv3::Parameter::Cookie { .. } => Style::Form,
    }
}

/// A parameter's Rust name, distinct from those `namer` holds: two
/// parameters of one name (or of names that read alike, `a-b` and `a_b`)
/// are told apart by their location (`id`, `id_query`).
fn parameter_name(namer: &mut Namer, name: &str, loc: ParamIn) -> String {
    let base = snake(name);
    if namer.is_taken(&base) {
        namer.claim(&format!("{base}_{}", snake(&format!("{loc:?}"))))
    } else {
        namer.claim(&base)
    }
}

/// Template variables and declared path parameters must agree: a variable
/// with no declaration gets a string parameter (reported), a declaration
/// with no variable is reported.
fn check_path_template(cx: &mut Ctx, path: &str, at: &str, params: &mut Vec<Parameter>) {
    if let Some(problem) = template_problem(path) {
        cx.sink.push(
            Diagnostic::error("path.template", cx.prov.locate(at), format!("path template `{path}`: {problem}"))
                .help("write each variable as `{name}`, with no braces inside and none left open"),
        );
        return;
    }
    let vars: Vec<&str> = path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|x| x.0)).collect();
    for v in &vars {
        if !params.iter().any(|p| p.location == ParamIn::Path && p.name == *v) {
            cx.sink.push(
                Diagnostic::warning(
                    "path.undeclared-parameter",
                    cx.prov.locate(at),
                    format!("path template variable `{{{v}}}` has no path parameter; treated as a required string"),
                )
                .help(format!("declare `- name: {v}` with `in: path` and `required: true`")),
            );
            let mut namer = Namer::new();
            params.iter().for_each(|p| namer.reserve(&p.rust_name));
            let rust_name = parameter_name(&mut namer, v, ParamIn::Path);
            params.push(Parameter {
                name: v.to_string(),
                rust_name,
                location: ParamIn::Path,
                required: true,
                description: None,
                deprecated: false,
                ty: TypeRef::String { format: None, constraints: Default::default() },
                style: Style::Simple,
                explode: false,
                media_type: None,
                examples: Vec::new(),
                default: None,
            });
        }
    }
    let before = params.len();
    params.retain(|p| p.location != ParamIn::Path || vars.contains(&p.name.as_str()));
    if params.len() != before {
        cx.sink.push(
            Diagnostic::warning(
                "path.unused-parameter",
                cx.prov.locate(at),
                "a path parameter does not appear in the path template; it is not sent",
            )
            .help("remove the parameter, or add `{name}` to the path"),
        );
    }
}

/// What is wrong with the braces of a path template, if anything: a client
/// would send a stray `{` or `}` literally.
fn template_problem(path: &str) -> Option<String> {
    let mut open: Option<usize> = None;
    for (i, c) in path.char_indices() {
        match (c, open) {
            ('{', Some(start)) => {
                return Some(format!("`{{` at offset {i} inside the variable opened at offset {start}"));
            }
            ('{', None) => open = Some(i),
            ('}', None) => return Some(format!("`}}` at offset {i} closes no variable")),
            ('}', Some(start)) if start + 1 == i => return Some(format!("empty variable `{{}}` at offset {start}")),
            ('}', Some(_)) => open = None,
            _ => {}
        }
    }
    open.map(|start| format!("the variable opened at offset {start} is never closed"))
}

fn contents(types: &mut TypeSpace, ctx: &str, at: &str, content: &IndexMap<String, MediaType>) -> Vec<Content> {
    let multi = content.len() > 1;
    content
        .iter()
        .map(|(mt, m)| {
            let name = if multi {
                format!("{ctx}{}", camel(mt.split(['/', ';']).nth(1).unwrap_or(mt)))
            } else {
                ctx.to_string()
            };
            let here = ptr(&ptr(at, "content"), mt);
            let ty = m.schema.as_ref().map(|s| types.lower(s, &name, &ptr(&here, "schema")));
            let mut examples: BTreeMap<String, Value> = m
                .examples
                .iter()
                .filter_map(|(k, e)| match e {
                    ReferenceOr::Item(e) => e.value.clone().map(|v| (k.clone(), v)),
                    ReferenceOr::Reference { .. } => None,
                })
                .collect();
            if let Some(e) = &m.example {
                examples.insert("default".into(), e.clone());
            }
            let encoding = m
                .encoding
                .iter()
                .map(|(property, e)| {
                    let style = e.style.as_ref().map(|s| match s {
                        openapiv3::QueryStyle::Form => Style::Form,
                        openapiv3::QueryStyle::SpaceDelimited => Style::SpaceDelimited,
                        openapiv3::QueryStyle::PipeDelimited => Style::PipeDelimited,
                        openapiv3::QueryStyle::DeepObject => Style::DeepObject,
                    });
                    (property.clone(), Encoding { content_type: e.content_type.clone(), style, explode: e.explode })
                })
                .filter(|(_, e)| e.content_type.is_some() || e.style.is_some() || e.explode)
                .collect();
            Content { media_type: mt.clone(), ty, examples, encoding }
        })
        .collect()
}

fn request_body(
    cx: &mut Ctx,
    types: &mut TypeSpace,
    ctx: &str,
    at: &str,
    b: &ReferenceOr<openapiv3::RequestBody>,
) -> Option<RequestBody> {
    let section = cx.openapi.components.as_ref().map(|c| &c.request_bodies);
    let b = resolve_or_report(cx, b, section, at, ("ref.request-body", "request body", "requestBodies"))?;
    if !b.required && !b.content.is_empty() && b.content.values().all(|m| carries_nothing(cx.openapi, m)) {
        // Stripe declares such a form body on each of its 236 GET and
        // DELETE operations: a `body` setter that can only send `{}` (and a
        // GET with a body, which proxies may drop) helps nobody.
        let d = Diagnostic::warning(
            "body.carries-nothing",
            cx.prov.locate(at),
            "the optional request body admits only an empty object: the client sends none and has no `body` setter",
        )
        .help("give the schema properties if the body carries something");
        cx.sink.push(Diagnostic { severity: crate::diag::Severity::Info, ..d });
        return None;
    }
    Some(RequestBody {
        required: b.required,
        description: b.description.clone(),
        contents: contents(types, &format!("{ctx}Request"), at, &b.content),
    })
}

/// Whether `m`'s schema admits only `{}`: an object without properties
/// or composition, `additionalProperties: false`.
fn carries_nothing(openapi: &OpenAPI, m: &MediaType) -> bool {
    let schemas = openapi.components.as_ref().map(|c| &c.schemas);
    let Some(schema) = m.schema.as_ref().and_then(|s| resolve(s, schemas)) else { return false };
    let openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) = &schema.schema_kind else { return false };
    o.properties.is_empty()
        && o.min_properties.unwrap_or(0) == 0
        && matches!(o.additional_properties, Some(openapiv3::AdditionalProperties::Any(false)))
}

fn responses(cx: &mut Ctx, types: &mut TypeSpace, ctx: &str, at: &str, rs: &openapiv3::Responses) -> Vec<Response> {
    let section = cx.openapi.components.as_ref().map(|c| &c.responses);
    let header_section = cx.openapi.components.as_ref().map(|c| &c.headers);
    let mut all: Vec<(Status, String, &ReferenceOr<openapiv3::Response>)> = rs
        .responses
        .iter()
        .map(|(code, r)| {
            let status = match code {
                StatusCode::Code(c) => Status::Code(*c),
                StatusCode::Range(r) => Status::Range(*r),
            };
            (status, code.to_string(), r)
        })
        .collect();
    if let Some(d) = &rs.default {
        all.push((Status::Default, "default".into(), d));
    }
    all.sort_by_key(|(s, _, _)| *s);
    let mut out = Vec::new();
    for (status, key, r) in all {
        let here = ptr(at, &key);
        let Some(r) = resolve_or_report(cx, r, section, &here, ("ref.response", "response", "responses")) else {
            continue;
        };
        let mut hnamer = Namer::new();
        let headers = r
            .headers
            .iter()
            // OpenAPI: a response header named `Content-Type` is ignored
            // (the media type of the content says it).
            .filter(|(name, _)| !name.eq_ignore_ascii_case("content-type"))
            .filter_map(|(name, h)| {
                let h = resolve(h, header_section)?;
                let ty = match &h.format {
                    ParameterSchemaOrContent::Schema(s) => types.lower(
                        s,
                        &format!("{ctx}Response{}{}", type_label(status), camel(name)),
                        &ptr(&ptr(&ptr(&here, "headers"), name), "schema"),
                    ),
                    ParameterSchemaOrContent::Content(_) => {
                        TypeRef::String { format: None, constraints: Default::default() }
                    }
                };
                Some(Header {
                    name: name.clone(),
                    rust_name: hnamer.claim(&snake(name)),
                    required: h.required,
                    description: h.description.clone(),
                    ty,
                })
            })
            .collect();
        out.push(Response {
            status,
            rust_name: String::new(),
            description: r.description.clone(),
            contents: contents(types, &format!("{ctx}Response{}", type_label(status)), &here, &r.content),
            headers,
            errors: Vec::new(),
        });
    }
    out
}

/// awsJson1_1 error codes of a response: a `oneOf` discriminated by
/// `__type` lists one code per exception; a single exception type is its
/// own code.
fn aws_error_codes(types: &TypeSpace, r: &Response) -> Vec<ErrorCode> {
    let mut out = Vec::new();
    for c in &r.contents {
        let Some(TypeRef::Named { name }) = &c.ty else { continue };
        let Some(t) = types.types.get(name) else { continue };
        match &t.kind {
            TypeKind::OneOf { discriminator: Some(d), .. } if d.property == "__type" => {
                for (code, ty) in &d.mapping {
                    out.push(ErrorCode {
                        code: code.clone(),
                        rust_name: String::new(),
                        ty: TypeRef::named(ty.clone()),
                    });
                }
            }
            _ => {
                let code = t.origin.strip_prefix("/components/schemas/").unwrap_or(name).to_string();
                out.push(ErrorCode { code, rust_name: String::new(), ty: TypeRef::named(name.clone()) });
            }
        }
    }
    out
}

/// Names the variants of the operation's response enums, in the order of
/// the responses: a status by its reason (`NotFound`), then its error
/// codes by themselves (`ResourceNotFoundException`), the same code under
/// several statuses once; a later name that is taken gets a suffix.
fn name_variants(responses: &mut [Response]) {
    let mut namer = Namer::new();
    let mut codes: HashMap<String, String> = HashMap::new();
    for r in responses {
        r.rust_name = namer.claim(&status_variant(r.status));
        for e in &mut r.errors {
            e.rust_name = codes.entry(e.code.clone()).or_insert_with(|| namer.claim(&camel(&e.code))).clone();
        }
    }
}

/// `404`, `4XX` or `Default`: the status as it reads inside a type name.
fn type_label(status: Status) -> String {
    match status {
        Status::Default => "Default".into(),
        other => String::from(other),
    }
}

#[cfg(test)]
mod tests {
    use super::template_problem;

    #[test]
    fn unbalanced_templates_are_named() {
        assert_eq!(template_problem("/a/{id}/b/{c}.json"), None);
        assert_eq!(template_problem("/pets/{id").unwrap(), "the variable opened at offset 6 is never closed");
        assert!(template_problem("/a/{b{c}}").unwrap().contains("inside the variable"));
        assert!(template_problem("/a/b}").unwrap().contains("closes no variable"));
        assert!(template_problem("/a/{}").unwrap().contains("empty variable"));
    }
}
