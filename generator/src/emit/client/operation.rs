//! One operation → an async client method: its request builder, and how
//! the request goes on the wire (path segments, query and header styles,
//! bodies). Its status-discriminated success and error enums, and the
//! decoding of a response, are `responses.rs`'s.

use super::auth::requirements;
use super::builder::{self, Value};
use super::protocol::{Wire, wire};
use super::responses::{responses, success};
use super::shared_error::SharedErrors;
use crate::emit::docs::{doc, paragraph};
use crate::emit::headers;
use crate::emit::shape::{
    FormBody, Kind, displayable, form_body, is_date_time, json_media, kind, method_str, ordered_params, preferred,
    resolve, strip_nullable, wire_display,
};
use crate::ir::{Additional, Api, Content, Field, Location, Operation, Parameter, Response, Style, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub struct Emitted {
    pub method: TokenStream,
    pub enums: TokenStream,
}

pub fn emit(api: &Api, op: &Operation, shared: &SharedErrors, shared_headers: &headers::Shared) -> Emitted {
    let wire = wire(&api.protocol, op);
    let types = quote! { types:: };
    let name = format_ident!("{}", op.name);
    let error_ident = format_ident!("{}Error", op.type_name);
    let request_ident = format_ident!("{}Builder", op.type_name);

    let renamed = builder::renamed(ordered_params(op));
    let params: Vec<&Parameter> = renamed.iter().collect();
    let mut slots: Vec<builder::Slot> = params.iter().map(|p| builder::parameter(p)).collect();
    let (body_slot, body_expr) = body(api, op, &wire);
    slots.extend(body_slot);

    let path = path_expr(api, op, &params);
    let query_setup = collect(api, &params, Location::Query, quote! { query }, &[], false);
    let header_setup = headers(api, &params, &wire);
    // What the call sets beyond `call(…)`'s defaults.
    let mut fields: Vec<TokenStream> = Vec::new();
    let query_field = query_setup.as_ref().map(|_| quote! { query });
    let op_name = &op.name;
    let http_method = format_ident!("{}", format!("{:?}", op.method).to_uppercase());

    let (ok_ty, success_enum) = success(op, &types, shared_headers);
    let paging = super::paginate::emit(api, op, &params, &ok_ty, &error_ident);
    // A walk's next page may be a whole URL, query included.
    let follows = paging.as_ref().is_some_and(|p| p.follows_urls);
    let (path, query_field) = match follows {
        true => {
            let url = super::paginate::page_url();
            let query = query_field.map(|_| quote! { query: match self.#url { Some(_) => Vec::new(), None => query } });
            let path = quote! {
                match &self.#url {
                    Some(url) => runtime::paginate::follow(self.client.base_url(), url)?,
                    None => #path,
                }
            };
            (path, query)
        }
        false => (path, query_field),
    };
    fields.extend(query_field);
    fields.extend(header_setup.as_ref().map(|_| quote! { headers }));
    fields.extend(body_expr.map(|b| quote! { body: #b }));
    if !op.security.alternatives.is_empty() {
        let security = requirements(api, &op.security);
        fields.push(quote! { security: #security });
    }
    let idempotent = op.idempotent;
    let call = quote! { call(#op_name, Method::#http_method, #idempotent, path) };
    let call_expr = match fields.is_empty() {
        true => call,
        false => quote! { runtime::client::Call { #(#fields,)* ..#call } },
    };
    let call = quote! { let call = #call_expr; };
    let paging_methods = paging.map(|p| p.methods);
    let (decode, error_enum) = responses(api, op, &error_ident, &types, shared, shared_headers);
    // A binary download can also be read as it arrives.
    let streaming = downloads(op).then(|| {
        quote! {
            /// Sends the request: a success's body as a stream, read as it
            /// arrives (retries happen before it is handed out, never
            /// after); an error response is read and decoded as by `send`.
            pub async fn send_streaming(self) -> Result<Success<runtime::client::ByteStream>, Error<#error_ident>> {
                #query_setup
                #header_setup
                let path = #path;
                #call
                let response = match self.client.execute_streaming(call).await? {
                    runtime::client::Received::Streaming(success) => return Ok(success),
                    runtime::client::Received::Whole(response) => response,
                };
                // Read whole: not a success, or one that came without a body.
                let whole: Result<Success<runtime::client::Bytes>, Error<#error_ident>> = #decode;
                whole.map(|s| Success { status: s.status, headers: s.headers, value: s.value.into() })
            }
        }
    });

    let mut docs = doc(op.summary.as_deref(), op.description.as_deref());
    let route = match &op.target {
        Some(t) => format!("`{} {}` (`X-Amz-Target: {t}`)", method_str(op.method), op.path),
        None => format!("`{} {}`", method_str(op.method), op.path),
    };
    docs.extend(paragraph(&route));

    // `send` and `send_with_response` are the same for every operation:
    // `runtime::client::operation!` below writes them.
    let methods = quote! {
        fn into_call(self) -> Prepared<Self, Scheme> {
            #query_setup
            #header_setup
            let path = #path;
            Ok(#call_expr)
        }

        fn decode_response(response: RawResponse) -> SentWithResponse<Self> {
            #decode
        }

        #streaming
        #paging_methods
    };
    let emitted = builder::emit(&builder::Request {
        method: &name,
        ident: &request_ident,
        docs,
        deprecated: op.deprecated,
        slots: &slots,
        hidden: follows.then(super::paginate::page_url).into_iter().collect(),
        methods,
    });
    let headers = op.responses.iter().filter_map(|r| headers::of(shared_headers, op, r));
    let headers = headers.map(|h| h.alias().unwrap_or_else(|| decoded_headers(&h)));
    let builder = emitted.builder;
    // `send`, `send_with_response`, and the types their results name
    // (`Sent<Self>`, …).
    let operation = quote! {
        runtime::client::operation!(#request_ident => #ok_ty, #error_ident);
    };
    let enums = quote! { #builder #operation #success_enum #error_enum #(#headers)* };
    Emitted { method: emitted.method, enums }
}

/// One value a request of an operation carries, as the builder takes it.
pub struct Input {
    /// `"path"`, `"query"`, `"header"`, `"cookie"`, or `"body"`.
    pub location: &'static str,
    /// The documented name (empty for the body).
    pub name: String,
    pub slot: builder::Slot,
}

/// Every parameter and the body of `op`, each with the builder slot that
/// sets it (the conformance driver fills them from generated values).
pub fn inputs(api: &Api, op: &Operation) -> Vec<Input> {
    let renamed = builder::renamed(ordered_params(op));
    let mut inputs: Vec<Input> = renamed
        .iter()
        .map(|p| Input { location: location_name(p.location), name: p.name.clone(), slot: builder::parameter(p) })
        .collect();
    let (body_slot, _) = body(api, op, &wire(&api.protocol, op));
    inputs.extend(body_slot.map(|slot| Input { location: "body", name: String::new(), slot }));
    inputs
}

fn location_name(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

/// A response's headers struct and how it is read from a response. A
/// shared one's `decode` is public: some of its users may be behind a tag
/// feature that is off.
pub(super) fn decoded_headers(h: &headers::Headers<'_>) -> TokenStream {
    let declaration = h.declaration();
    let ident = &h.ident;
    let fields = h.fields.iter().map(|f| {
        let (field, name) = (&f.ident, &f.header.name);
        let read = if f.list {
            quote! { runtime::client::header_list(response, #name)? }
        } else {
            quote! { runtime::client::header(response, #name)? }
        };
        if f.header.required {
            quote! { #field: runtime::client::required(response, #name, #read)?, }
        } else {
            quote! { #field: #read, }
        }
    });
    let vis = h.shared().then(|| quote! { #[doc = " Reads these headers from `response`."] pub });
    quote! {
        #declaration
        impl #ident {
            #vis fn decode(response: &runtime::client::RawResponse) -> Result<Self, runtime::client::DecodeError> {
                Ok(Self { #(#fields)* })
            }
        }
    }
}

/// Whether `t` is a struct or a map (which `form` explodes into pairs).
fn is_object(api: &Api, t: &TypeRef) -> bool {
    match resolve(api, strip_nullable(t)) {
        TypeRef::Named { name } => matches!(api.types.get(name).map(|n| &n.kind), Some(TypeKind::Struct { .. })),
        TypeRef::Map { .. } => true,
        _ => false,
    }
}

/// `["/a/", &segment("id", id)?, "/b"].concat()`: the documented path
/// (trailing slash included) with each parameter encoded as one segment.
fn path_expr(api: &Api, op: &Operation, params: &[&Parameter]) -> TokenStream {
    // `format!("/orgs/{}/repos", …)`: the template as a reader knows it.
    let mut template = String::new();
    let mut args: Vec<TokenStream> = Vec::new();
    let literal = |text: &str, template: &mut String| template.push_str(&text.replace('{', "{{").replace('}', "}}"));
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 1..start + len];
        match params.iter().find(|p| p.location == Location::Path && p.name == name) {
            Some(p) => {
                literal(&rest[..start], &mut template);
                // Label and matrix styles start with literal text.
                match p.style {
                    Style::Label => template.push('.'),
                    Style::Matrix => template.push_str(&format!(";{name}=")),
                    _ => {}
                }
                template.push_str("{}");
                let ident = format_ident!("{}", p.rust_name);
                // Moved out of the request, unless the template repeats it.
                let once = op.path.matches(&format!("{{{name}}}")).count() == 1;
                args.push(match strip_nullable(&p.ty) {
                    TypeRef::Array { items, .. } => {
                        let sep = match (p.style, p.explode) {
                            (Style::Label, true) => ".".to_owned(),
                            (Style::Matrix, true) => format!(";{name}="),
                            _ => ",".to_owned(),
                        };
                        // A date-time's `Display` is not its wire text.
                        let values = match is_date_time(api, items) {
                            true => quote! { &self.#ident.iter().map(runtime::formats::Rfc3339).collect::<Vec<_>>() },
                            false => quote! { &self.#ident },
                        };
                        quote! { runtime::client::list_segment(#name, #values, #sep)? }
                    }
                    t if is_date_time(api, t) => {
                        quote! { segment(#name, runtime::formats::Rfc3339(&self.#ident))? }
                    }
                    _ if once => quote! { segment(#name, self.#ident)? },
                    _ => quote! { segment(#name, &self.#ident)? },
                });
            }
            // A template variable with no parameter: sent as written.
            None => literal(&rest[..start + len + 1], &mut template),
        }
        rest = &rest[start + len + 1..];
    }
    literal(rest, &mut template);
    match args.is_empty() {
        true => {
            let text = op.path.clone();
            quote! { #text.to_owned() }
        }
        false => quote! { format!(#template, #(#args),*) },
    }
}

/// `let query = …;`: a vector of `(name, value)` pairs of the parameters
/// at `location`, starting with `fixed` ones; nothing when there are none.
/// `more`: the caller pushes more, so the vector is mutable anyway.
fn collect(
    api: &Api,
    params: &[&Parameter],
    location: Location,
    var: TokenStream,
    fixed: &[TokenStream],
    more: bool,
) -> Option<TokenStream> {
    let ps: Vec<&&Parameter> = params.iter().filter(|p| p.location == location).collect();
    // Query names can be built (`deepObject`); header and cookie names are
    // the documented ones.
    let elem = match location {
        Location::Query => quote! { (runtime::client::QueryName, String) },
        _ => quote! { (&'static str, String) },
    };
    if ps.is_empty() {
        return (!fixed.is_empty()).then(|| quote! { let #var: Vec<#elem> = vec![#(#fixed),*]; });
    }
    // Required plain values start the vector; the rest are pushed.
    let mut init: Vec<TokenStream> = fixed.to_vec();
    let mut pushes: Vec<TokenStream> = Vec::new();
    for p in ps {
        let ident = format_ident!("{}", p.rust_name);
        let name = &p.name;
        let name = match location {
            Location::Query => quote! { #name.into() },
            _ => quote! { #name },
        };
        // A plain value, the common case, is one line (a date-time's
        // `Display` is not its wire text: it goes through `push_value`).
        let structured = matches!(strip_nullable(&p.ty), TypeRef::Array { .. })
            || (location == Location::Query && p.style == Style::DeepObject)
            || is_date_time(api, &p.ty);
        let wire = &p.name;
        if !structured && displayable(api, &p.ty) {
            match p.required {
                // A number or boolean is `Copy`: passed by value (clippy).
                true if matches!(
                    resolve(api, strip_nullable(&p.ty)),
                    TypeRef::Integer { .. } | TypeRef::Number { .. } | TypeRef::Boolean
                ) =>
                {
                    init.push(quote! { (#name, param(self.#ident)) })
                }
                true => init.push(quote! { (#name, param(&self.#ident)) }),
                false => pushes.push(quote! { push(&mut #var, #wire, self.#ident.as_ref()); }),
            }
            continue;
        }
        let push = push_value(api, p, &name, &var);
        pushes.push(match p.required {
            true => quote! { { let value = &self.#ident; #push } },
            false => quote! { if let Some(value) = &self.#ident { #push } },
        });
    }
    let mutable = (more || !pushes.is_empty()).then(|| quote! { mut });
    Some(quote! { let #mutable #var: Vec<#elem> = vec![#(#init),*]; #(#pushes)* })
}

fn push_value(api: &Api, p: &Parameter, name: &TokenStream, var: &TokenStream) -> TokenStream {
    let query = p.location == Location::Query;
    let wire = &p.name;
    match strip_nullable(&p.ty) {
        _ if query && p.style == Style::DeepObject => quote! {
            runtime::client::deep_object(#wire, value, &mut #var)?;
        },
        TypeRef::Array { items, .. } if query && p.explode && displayable(api, items) => {
            let item = wire_display(api, items, quote! { item });
            quote! { for item in value { #var.push((#name, runtime::client::param(#item))); } }
        }
        // Structured elements have no form encoding: each goes as JSON.
        TypeRef::Array { .. } if query && p.explode => quote! {
            for item in value { #var.push((#name, runtime::client::json_param(#wire, item)?)); }
        },
        TypeRef::Array { items, .. } => {
            let sep = match p.style {
                Style::SpaceDelimited => " ",
                Style::PipeDelimited => "|",
                _ => ",",
            };
            if is_date_time(api, items) {
                quote! {
                    let items: Vec<_> = value.iter().map(runtime::formats::Rfc3339).collect();
                    #var.push((#name, runtime::client::join(&items, #sep)));
                }
            } else if displayable(api, items) {
                quote! { #var.push((#name, runtime::client::join(value, #sep))); }
            } else {
                // Structured elements (arrays of arrays): each as JSON.
                quote! {
                    let items = value
                        .iter()
                        .map(|item| runtime::client::json_param(#wire, item))
                        .collect::<Result<Vec<String>, _>>()?;
                    #var.push((#name, items.join(#sep)));
                }
            }
        }
        t if displayable(api, t) => {
            let value = wire_display(api, t, quote! { value });
            quote! { #var.push((#name, runtime::client::param(#value))); }
        }
        t if query && p.explode && is_object(api, t) => quote! {
            runtime::client::form_object(#wire, value, &mut #var)?;
        },
        // A union or free-form value: encoded by the shape it has when sent
        // (JSON text of a string was `"a b"` with its quotes).
        _ if query && p.style == Style::Form => {
            let explode = p.explode;
            quote! { runtime::client::form_value(#wire, value, #explode, &mut #var)?; }
        }
        _ => quote! { #var.push((#name, runtime::client::json_param(#wire, value)?)); },
    }
}

/// `let headers = …;`: the protocol's own headers, header parameters and
/// cookie parameters (one `Cookie` header); nothing when there are none.
fn headers(api: &Api, params: &[&Parameter], wire: &Wire) -> Option<TokenStream> {
    let fixed: Vec<TokenStream> = wire.headers.iter().map(|(n, v)| quote! { (#n, #v.to_owned()) }).collect();
    let cookie = params.iter().any(|p| p.location == Location::Cookie);
    let setup = collect(api, params, Location::Header, quote! { headers }, &fixed, cookie);
    if !cookie {
        return setup;
    }
    let setup = match setup {
        Some(setup) if params.iter().any(|p| p.location == Location::Header) => setup,
        _ => quote! { let mut headers: Vec<(&'static str, String)> = vec![#(#fixed),*]; },
    };
    let cookies = collect(api, params, Location::Cookie, quote! { cookies }, &[], false);
    Some(quote! {
        #setup
        #cookies
        if !cookies.is_empty() {
            let pairs: Vec<String> = cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            headers.push(("Cookie", pairs.join("; ")));
        }
    })
}

/// The body's builder slot and the `Option<Body>` expression (none: no
/// body), which reads the body through the reference `body`.
fn body(api: &Api, op: &Operation, wire: &Wire) -> (Option<builder::Slot>, Option<TokenStream>) {
    let Some(b) = &op.body else {
        return match wire.empty_body {
            Some((ct, text)) => (
                None,
                Some(
                    quote! { Some(runtime::client::Body::bytes(#ct, runtime::client::Bytes::from_static(#text.as_bytes()))) },
                ),
            ),
            None => (None, None),
        };
    };
    let Some(content) = preferred(&b.contents) else { return (None, None) };
    let ct = content.media_type.as_str();
    // The runtime's encoder, for an optional body of a typed form or JSON.
    let mut encoder = None;
    let (slot, make) = match (kind(content), &content.ty, form_body(api, content)) {
        // A typed form: the caller gives the struct, the runtime encodes it.
        (_, _, Some(FormBody::UrlEncoded(t))) => {
            encoder = Some(quote! { Body::form });
            (Value::Typed(t), quote! { runtime::client::Body::form(#ct, body)? })
        }
        // A typed multipart body: the caller gives the struct, one part per
        // property.
        (_, _, Some(FormBody::Multipart(t, fields, additional))) => {
            (Value::Typed(t), multipart_body(api, content, fields, additional))
        }
        (Kind::Json, Some(t), _) => {
            encoder = Some(quote! { Body::json });
            (Value::Typed(t), quote! { runtime::client::Body::json(#ct, body)? })
        }
        (Kind::Text, _, _) => (Value::Text, quote! { runtime::client::Body::text(#ct, body) }),
        // Bytes as given: octet streams, and media types (untyped forms and
        // multipart bodies) the caller encodes.
        _ => (Value::Bytes, quote! { runtime::client::Body::source(#ct, body.clone()) }),
    };
    let bytes = matches!(slot, Value::Bytes);
    let slot = builder::body(slot, b.required, b.description.as_deref());
    let expr = match b.required {
        true if bytes => quote! { Some(Body::source(#ct, self.body)) },
        true => quote! { Some({ let body = &self.body; #make }) },
        // Bytes as given need no reference.
        false if bytes => quote! { self.body.map(|b| Body::source(#ct, b)) },
        false if encoder.is_some() => {
            // The usual form media type by name: the call then fits a line.
            let ct = match ct {
                "application/x-www-form-urlencoded" => quote! { FORM_URLENCODED },
                _ => quote! { #ct },
            };
            quote! { Body::optional(#encoder, #ct, self.body.as_ref())? }
        }
        false => quote! { match &self.body { Some(body) => Some(#make), None => None } },
    };
    (Some(slot), Some(expr))
}

/// A `multipart/form-data` body from the struct `body`: binary (and
/// `format: byte`) properties as file parts, with the documented
/// `encoding.contentType` when it names one media type; `deepObject`
/// properties (Stripe's) as bracketed text parts; the rest by value (text
/// for scalars, JSON for arrays and objects, nothing for `null`).
fn multipart_body(api: &Api, content: &Content, fields: &[Field], additional: Option<&Additional>) -> TokenStream {
    let ct = content.media_type.as_str();
    let mut deprecated = false;
    let parts: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            deprecated |= f.deprecated;
            let (name, ident) = (&f.name, format_ident!("{}", f.rust_name));
            let encoding = content.encoding.get(&f.name);
            let declared = encoding.and_then(|e| e.content_type.as_deref()).map(str::trim);
            // A single media type, not a list or a range (`image/*`).
            let declared = declared.filter(|c| !c.is_empty() && !c.contains([',', '*']));
            if let Some(push) = file_part(api, &f.ty, name, declared.unwrap_or("application/octet-stream")) {
                return match (f.required, matches!(f.ty, TypeRef::Nullable { .. })) {
                    (true, false) => quote! { { let v = &body.#ident; #push } },
                    (false, true) => quote! { if let Some(Some(v)) = &body.#ident { #push } },
                    _ => quote! { if let Some(v) = &body.#ident { #push } },
                };
            }
            let json = declared.is_some_and(json_media);
            match (encoding.and_then(|e| e.style), declared) {
                (Some(Style::DeepObject), _) => quote! { form.deep_object(#name, &body.#ident)?; },
                (_, Some(c)) if json => quote! { form.json(#name, &body.#ident, #c)?; },
                _ => quote! { form.field(#name, &body.#ident)?; },
            }
        })
        .collect();
    let rest = additional.map(|a| {
        let ident = format_ident!("{}", a.rust_name);
        quote! { for (k, v) in &body.#ident { form.field(k, v)?; } }
    });
    let build = quote! {
        let mut form = runtime::multipart::Multipart::new();
        #(#parts)*
        #rest
    };
    // Deprecated properties are sent all the same.
    match deprecated {
        true => quote! { { #[allow(deprecated)] let form = { #build form }; form.finish(#ct) } },
        false => quote! { { #build form.finish(#ct) } },
    }
}

/// How a property's value `v` is sent as a file part (or parts, for an
/// array), if it is bytes.
fn file_part(api: &Api, t: &TypeRef, name: &str, content_type: &str) -> Option<TokenStream> {
    match resolve(api, strip_nullable(t)) {
        TypeRef::Binary => Some(quote! {
            form.file(
                #name,
                v.bytes.clone(),
                v.file_name.as_deref().unwrap_or(#name),
                v.content_type.as_deref().unwrap_or(#content_type),
            );
        }),
        TypeRef::String { format: Some(f), .. } if f == "byte" => Some(quote! {
            form.file(#name, runtime::client::Bytes::copy_from_slice(v.as_bytes()), #name, #content_type);
        }),
        TypeRef::Array { items, .. } => {
            let one = file_part(api, items, name, content_type)?;
            Some(quote! { for v in v.iter() { #one } })
        }
        _ => None,
    }
}

/// Whether an operation's one documented success is a binary body without
/// documented headers: its client then has `send_streaming`.
pub fn downloads(op: &Operation) -> bool {
    let ok: Vec<&Response> = op.responses.iter().filter(|r| r.status.is_success()).collect();
    match ok.as_slice() {
        [one] => {
            !headers::documented(one)
                && preferred(&one.contents).is_some_and(|c| !matches!(kind(c), Kind::Json | Kind::Text))
        }
        _ => false,
    }
}
