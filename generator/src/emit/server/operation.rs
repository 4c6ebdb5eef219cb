//! One operation → its typed input, its status-discriminated response enum
//! (the only responses the implementation can give), the trait method, and
//! the handler that reads, authenticates and validates a request.

use super::auth::alternatives;
use super::protocol::{empty_success, is_rest};
use crate::emit::docs::{doc, paragraph};
use crate::emit::headers;
use crate::emit::rust_type::rust_type;
use crate::emit::shape::{
    FormBody, Kind, form_body, kind, method_str, ordered_params, preferred, resolve, status_doc, strip_nullable,
};
use crate::emit::status;
use crate::emit::validate::Checks;
use crate::ir::{Api, Location, Operation, Parameter, Response, Status, Style, TypeKind, TypeRef};
use crate::naming::Namer;
use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

pub struct Emitted {
    pub trait_method: TokenStream,
    pub items: TokenStream,
}

/// `routed`: whether the router reaches the operation (see
/// [`super::protocol::shadowed`]).
pub fn emit(api: &Api, op: &Operation, checks: &Checks<'_>, shared: &headers::Shared, routed: bool) -> Emitted {
    // An operation the router cannot reach keeps its types and trait method
    // (the spec documents it), but nothing calls its handler.
    let unreached = (!routed).then(|| quote! { #[allow(dead_code)] });
    let name = format_ident!("{}", op.name);
    let input_ident = format_ident!("{}Input", op.type_name);
    let response_ident = format_ident!("{}Response", op.type_name);
    let params = ordered_params(op);
    let body_field = body_field_name(&params);
    let caller = caller(api, op);

    let mut docs = doc(op.summary.as_deref(), op.description.as_deref());
    let route = match &op.target {
        Some(t) => format!("`{} {}` (`X-Amz-Target: {t}`)", method_str(op.method), op.path),
        None => format!("`{} {}`", method_str(op.method), op.path),
    };
    docs.extend(paragraph(&route));
    let caller_arg = caller.as_ref().map(|(ty, _)| quote! { caller: #ty, });
    let trait_method = quote! {
        #docs
        fn #name(&self, #caller_arg input: #input_ident) -> impl Future<Output = #response_ident> + Send;
    };

    let input = input_struct(api, op, &params, &body_field, &input_ident);
    let response = responses(api, op, &response_ident, shared, unreached.as_ref());
    let serve = serve(api, op, &params, &body_field, &input_ident, caller.as_ref().map(|(_, e)| e), checks);
    let handler = is_rest(api).then(|| {
        let serve_ident = format_ident!("serve_{}", op.name);
        let handle_ident = format_ident!("handle_{}", op.name);
        let name_text = &op.name;
        let d = format!(" Handles `{} {}`.", method_str(op.method), op.path);
        let segments = super::protocol::path_segments(op);
        quote! {
            #[doc = #d]
            #unreached
            async fn #handle_ident<A: Api>(State(api): State<Arc<A>>, path: PathParams, request: Request) -> Response {
                let path = path.bind(&#segments);
                runtime::server::handle(#name_text, &FORMAT, Box::pin(#serve_ident(&*api, path, request))).await
            }
        }
    });
    Emitted { trait_method, items: quote! { #input #response #handler #unreached #serve } }
}

/// The caller argument's type and how it is obtained, or `None` for an
/// operation without security.
fn caller(api: &Api, op: &Operation) -> Option<(TokenStream, TokenStream)> {
    if op.security.alternatives.is_empty() || super::auth::used_schemes(api).is_empty() {
        return None;
    }
    let alts = alternatives(&op.security);
    let anonymous = op.security.alternatives.iter().any(Vec::is_empty);
    Some(if anonymous {
        (quote! { Option<Self::Caller> }, quote! { let caller = authenticate(api, &cx, #alts).await?; })
    } else {
        (
            quote! { Self::Caller },
            quote! {
                let Some(caller) = authenticate(api, &cx, #alts).await? else {
                    return Err(Rejection::Unauthenticated);
                };
            },
        )
    })
}

/// The input's body field: `body`, unless a parameter has that name.
fn body_field_name(params: &[&Parameter]) -> Ident {
    let mut namer = Namer::new();
    for p in params {
        namer.reserve(&p.rust_name);
    }
    format_ident!("{}", namer.claim("body"))
}

fn input_struct(api: &Api, op: &Operation, params: &[&Parameter], body_field: &Ident, ident: &Ident) -> TokenStream {
    let types = quote! { types:: };
    let mut fields: Vec<TokenStream> = params
        .iter()
        .map(|p| {
            let f = format_ident!("{}", p.rust_name);
            let ty = rust_type(strip_nullable(&p.ty), &types);
            let ty = if p.required {
                ty
            } else {
                quote! { Option<#ty> }
            };
            let wire = format!("`{}` ({}).", p.name, location_str(p.location));
            let mut docs = doc(p.description.as_deref().or(Some(&wire)), None);
            if p.description.is_some() {
                docs.extend(paragraph(&wire));
            }
            quote! { #docs pub #f: #ty, }
        })
        .collect();
    if let Some((ty, _)) = body(api, op) {
        let required = op.body.as_ref().is_some_and(|b| b.required);
        let ty = if required {
            ty
        } else {
            quote! { Option<#ty> }
        };
        let docs = doc(op.body.as_ref().and_then(|b| b.description.as_deref()), None);
        fields.push(quote! { #docs pub #body_field: #ty, });
    }
    let d = format!(" What a `{}` request carries, decoded and validated.", op.name);
    let derive = derives(streams_body(api, op));
    quote! {
        #[doc = #d]
        #derive
        pub struct #ident {
            #(#fields)*
        }
    }
}

/// The request body's Rust type and how `cx` decodes it: JSON and typed
/// forms (`application/x-www-form-urlencoded`, `multipart/form-data` with
/// a struct schema) as their type, text as a string, the rest as bytes.
fn body(api: &Api, op: &Operation) -> Option<(TokenStream, TokenStream)> {
    let b = op.body.as_ref()?;
    let content = preferred(&b.contents)?;
    let required = b.required;
    Some(match (kind(content), &content.ty, form_body(api, content)) {
        (_, _, Some(form)) => {
            let ty = rust_type(form.ty(), &quote! { types:: });
            let call = match form {
                FormBody::UrlEncoded(_) => quote! { cx.form_body::<#ty>(#required) },
                FormBody::Multipart(..) => quote! { cx.multipart_body::<#ty>(#required) },
            };
            (ty, call)
        }
        (Kind::Json, Some(t), _) => {
            let ty = rust_type(t, &quote! { types:: });
            (ty.clone(), quote! { cx.json_body::<#ty>(#required) })
        }
        (Kind::Text, _, _) => (quote! { String }, quote! { cx.text_body(#required) }),
        _ if op.stream => (quote! { runtime::server::ByteStream }, quote! { cx.stream_body(#required) }),
        _ => (quote! { runtime::server::Bytes }, quote! { cx.bytes_body(#required) }),
    })
}

/// Whether the request body reaches the implementation as a stream
/// (`x-apigen-stream` on an operation with a binary body).
fn streams_body(api: &Api, op: &Operation) -> bool {
    op.stream && body(api, op).is_some_and(|(ty, _)| ty.to_string().ends_with("ByteStream"))
}

/// A stream is neither cloned nor compared: a type holding one derives
/// `Debug` only.
fn derives(stream: bool) -> TokenStream {
    match stream {
        true => quote! { #[derive(Debug)] },
        false => quote! { #[derive(Clone, Debug, PartialEq)] },
    }
}

/// How a stub reads the request: the body streamed, or read whole within
/// the operation's limit (the runtime's default unless the spec sets one).
fn read_request(api: &Api, op: &Operation) -> TokenStream {
    let limit = op.body_limit.map(|n| {
        let n = proc_macro2::Literal::u64_unsuffixed(n);
        quote! { #n }
    });
    match (streams_body(api, op), limit) {
        (true, Some(n)) => quote! { Incoming::streaming(request, path, #n).await? },
        (true, None) => quote! { Incoming::streaming(request, path, runtime::server::BODY_LIMIT).await? },
        (false, Some(n)) => quote! { Incoming::read_limited(request, path, #n).await? },
        (false, None) => quote! { Incoming::read(request, path).await? },
    }
}

/// How a parameter's text is read: as a string, or as JSON first.
fn parse_mode(api: &Api, t: &TypeRef) -> TokenStream {
    let textual = match resolve(api, strip_nullable(t)) {
        TypeRef::String { .. } | TypeRef::Binary => true,
        TypeRef::Named { name } => match api.types.get(name).map(|n| &n.kind) {
            Some(TypeKind::Alias { .. }) => true,
            Some(TypeKind::Enum { values, .. }) => values.iter().all(|v| v.value.is_string() || v.value.is_null()),
            _ => false,
        },
        _ => false,
    };
    if textual {
        quote! { Parse::Text }
    } else {
        quote! { Parse::Json }
    }
}

/// The runtime's `Location` of a parameter.
fn location_variant(l: Location) -> TokenStream {
    match l {
        Location::Path => quote! { Location::Path },
        Location::Query => quote! { Location::Query },
        Location::Header => quote! { Location::Header },
        Location::Cookie => quote! { Location::Cookie },
    }
}

fn location_str(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

/// `serve_{op}`: read, authenticate, decode, validate, call, answer.
fn serve(
    api: &Api,
    op: &Operation,
    params: &[&Parameter],
    body_field: &Ident,
    input_ident: &Ident,
    caller: Option<&TokenStream>,
    checks: &Checks<'_>,
) -> TokenStream {
    let serve_ident = format_ident!("serve_{}", op.name);
    let name = format_ident!("{}", op.name);
    let types = quote! { types:: };
    let mut decode = Vec::new();
    let mut patterns = Vec::new();
    let mut values = Vec::new();
    let mut validate = Vec::new();
    let mut fields = Vec::new();
    for p in params {
        let ident = format_ident!("{}", p.rust_name);
        let wire = &p.name;
        let location = location_variant(p.location);
        let required = p.required;
        let t = strip_nullable(&p.ty);
        // A required parameter decodes to `Option<T>`, an optional one to
        // `Option<Option<T>>` (`None`: invalid, recorded).
        let call = match t {
            TypeRef::Array { items, .. } => {
                let item = rust_type(items, &types);
                let parse = parse_mode(api, items);
                let split = match (p.location, p.explode, p.style) {
                    (Location::Query, true, _) => quote! { Items::Repeated },
                    (_, _, Style::SpaceDelimited) => quote! { Items::Delimited(" ") },
                    (_, _, Style::PipeDelimited) => quote! { Items::Delimited("|") },
                    (Location::Path, true, Style::Label) => quote! { Items::Delimited(".") },
                    (Location::Path, true, Style::Matrix) => {
                        let sep = format!(";{wire}=");
                        quote! { Items::Delimited(#sep) }
                    }
                    _ => quote! { Items::Delimited(",") },
                };
                match required {
                    true => quote! { cx.required_list::<#item>(#location, #wire, #parse, #split) },
                    false => quote! { cx.optional_list::<#item>(#location, #wire, #parse, #split) },
                }
            }
            t => {
                let ty = rust_type(t, &types);
                let parse = parse_mode(api, t);
                match required {
                    true => quote! { cx.required::<#ty>(#location, #wire, #parse) },
                    false => quote! { cx.optional::<#ty>(#location, #wire, #parse) },
                }
            }
        };
        decode.push(quote! { let #ident = #call; });
        patterns.push(quote! { Some(#ident) });
        values.push(quote! { #ident });
        let check = checks.check(t, &quote! { v });
        if !check.is_empty() {
            let binding = if required {
                quote! { let v = &#ident; }
            } else {
                quote! { let Some(v) = &#ident else { return }; }
            };
            validate.push(quote! { cx.check(#location, #wire, |c| { #binding #check }); });
        }
        fields.push(quote! { #ident });
    }
    let mut media = quote! {};
    if let Some((_, call)) = body(api, op) {
        let content =
            op.body.as_ref().and_then(|b| preferred(&b.contents)).map(|c| c.media_type.as_str()).unwrap_or("*/*");
        media = quote! { cx.media_type_is(#content)?; };
        decode.push(quote! { let #body_field = #call; });
        let required = op.body.as_ref().is_some_and(|b| b.required);
        patterns.push(if required {
            quote! { Some(Some(#body_field)) }
        } else {
            quote! { Some(#body_field) }
        });
        values.push(quote! { #body_field });
        if let Some(t) = op.body.as_ref().and_then(|b| preferred(&b.contents)).and_then(|c| c.ty.as_ref()) {
            let check = checks.check(t, &quote! { v });
            if !check.is_empty() && typed(api, op) {
                let binding = if required {
                    quote! { let v = &#body_field; }
                } else {
                    quote! { let Some(v) = &#body_field else { return }; }
                };
                validate.push(quote! { cx.check_body(|c| { #binding #check }); });
            }
        }
        fields.push(quote! { #body_field });
    }
    let authenticate = caller.cloned().unwrap_or_default();
    let call_caller = caller.map(|_| quote! { caller, });
    let destructure = match patterns.len() {
        0 => quote! {},
        _ => quote! {
            let (#(#patterns,)*) = (#(#values,)*) else {
                return Err(cx.invalid());
            };
        },
    };
    let d = format!(" Reads, authenticates and validates a `{}` request, then calls the implementation.", op.name);
    let read = read_request(api, op);
    let answer = quote! { api.#name(#call_caller input).await.into_response() };
    // A streamed body may go past its limit after the call began.
    let answer = match streams_body(api, op) {
        true => quote! { cx.within_limit(#answer) },
        false => quote! { Ok(#answer) },
    };
    quote! {
        #[doc = #d]
        async fn #serve_ident<A: Api>(api: &A, path: PathParams, request: Request) -> Result<Response, Rejection> {
            let mut cx = #read;
            #authenticate
            #media
            #(#decode)*
            #destructure
            #(#validate)*
            cx.verdict()?;
            let input = #input_ident { #(#fields),* };
            #answer
        }
    }
}

/// Whether the body is decoded into its type (JSON, typed forms), so
/// that its constraints are checked.
fn typed(api: &Api, op: &Operation) -> bool {
    op.body
        .as_ref()
        .and_then(|b| preferred(&b.contents))
        .is_some_and(|c| kind(c) == Kind::Json || form_body(api, c).is_some())
}

/// One variant of the response enum.
struct Variant {
    ident: Ident,
    docs: TokenStream,
    /// The variant's payload type, if it has a body.
    payload: Option<(TokenStream, Payload)>,
    status: Status,
    /// awsJson1_1 error code.
    code: Option<String>,
    /// The documented headers' struct, and the required ones.
    headers: Option<(Ident, Vec<String>)>,
}

/// How a variant's body is sent, with its media type.
enum Payload {
    Json(String),
    Text(String),
    Bytes(String),
    /// Bytes the implementation streams (`x-apigen-stream`).
    Stream(String),
}

fn payload(op: &Operation, r: &Response) -> Option<(TokenStream, Payload)> {
    let content = preferred(&r.contents)?;
    let media = if content.media_type.contains('*') { "application/json" } else { content.media_type.as_str() };
    Some(match (kind(content), &content.ty) {
        (Kind::Json, Some(t)) => (rust_type(t, &quote! { types:: }), Payload::Json(media.to_owned())),
        (Kind::Text, _) => (quote! { String }, Payload::Text(media.to_owned())),
        _ if op.stream => (quote! { runtime::server::ByteStream }, Payload::Stream(media.to_owned())),
        _ => (quote! { runtime::server::Bytes }, Payload::Bytes(media.to_owned())),
    })
}

fn variants(op: &Operation, shared: &headers::Shared) -> Vec<Variant> {
    let mut out = Vec::new();
    for r in &op.responses {
        if r.errors.is_empty() {
            out.push(Variant {
                ident: format_ident!("{}", r.rust_name),
                docs: status_doc(r),
                payload: payload(op, r),
                status: r.status,
                code: None,
                headers: headers::of(shared, op, r)
                    .map(|h| (h.ident.clone(), h.required().into_iter().map(str::to_owned).collect())),
            });
            continue;
        }
        for e in &r.errors {
            if out.iter().any(|v: &Variant| v.code.as_deref() == Some(e.code.as_str())) {
                continue;
            }
            let d = format!(" `{}` ({}).", e.code, String::from(r.status));
            let media = r.contents.first().map_or("application/json", |c| c.media_type.as_str());
            out.push(Variant {
                ident: format_ident!("{}", e.rust_name),
                docs: quote! { #[doc = #d] },
                payload: Some((rust_type(&e.ty, &quote! { types:: }), Payload::Json(media.to_owned()))),
                status: r.status,
                code: Some(e.code.clone()),
                headers: None,
            });
        }
    }
    out
}

/// The status a variant is sent with: its code, or the `status` it keeps.
fn fixed_status(s: Status) -> Option<u16> {
    match s {
        Status::Code(c) => Some(c),
        Status::Range(_) | Status::Default => None,
    }
}

/// The named fields of a variant with documented headers: `status` (a
/// range or `default`), `body`, `headers`; as declared, or as bound.
fn headed_fields(v: &Variant, h: &Ident, declare: bool) -> TokenStream {
    let status = fixed_status(v.status).is_none().then(|| {
        if declare {
            quote! { status: u16, }
        } else {
            quote! { status, }
        }
    });
    let body = v.payload.as_ref().map(|(ty, _)| {
        if declare {
            quote! { body: #ty, }
        } else {
            quote! { body, }
        }
    });
    let headers = if declare {
        quote! { headers: #h, }
    } else {
        quote! { headers, }
    };
    quote! { #status #body #headers }
}

fn responses(
    api: &Api,
    op: &Operation,
    ident: &Ident,
    shared: &headers::Shared,
    unreached: Option<&TokenStream>,
) -> TokenStream {
    let vs = variants(op, shared);
    let op_name = &op.name;
    let decls = vs.iter().map(|v| {
        let (id, docs) = (&v.ident, &v.docs);
        if let Some((h, _)) = &v.headers {
            let fields = headed_fields(v, h, true);
            return quote! { #docs #id { #fields }, };
        }
        match (&v.payload, fixed_status(v.status)) {
            (None, Some(_)) => quote! { #docs #id, },
            (Some((ty, _)), Some(_)) => quote! { #docs #id(#ty), },
            (None, None) => quote! { #docs #id { status: u16 }, },
            (Some((ty, _)), None) => quote! { #docs #id { status: u16, body: #ty }, },
        }
    });
    let status_arms = vs.iter().map(|v| {
        let id = &v.ident;
        if let (Some(_), Some(s)) = (&v.headers, fixed_status(v.status)) {
            let s = Literal::u16_unsuffixed(s);
            return quote! { Self::#id { .. } => #s, };
        }
        match (&v.payload, fixed_status(v.status)) {
            (None, Some(s)) => {
                let s = Literal::u16_unsuffixed(s);
                quote! { Self::#id => #s, }
            }
            (Some(_), Some(s)) => {
                let s = Literal::u16_unsuffixed(s);
                quote! { Self::#id(_) => #s, }
            }
            (_, None) => quote! { Self::#id { status, .. } => *status, },
        }
    });
    let into_arms = vs.iter().map(|v| {
        let id = &v.ident;
        let (pattern, status) = match (&v.payload, fixed_status(v.status)) {
            _ if v.headers.is_some() => {
                let fields = v.headers.as_ref().map(|(h, _)| headed_fields(v, h, false));
                (quote! { Self::#id { #fields } }, fixed_status(v.status).map_or(quote! { status }, unsuffixed))
            }
            (None, Some(s)) => (quote! { Self::#id }, unsuffixed(s)),
            (Some(_), Some(s)) => (quote! { Self::#id(body) }, unsuffixed(s)),
            (None, None) => (quote! { Self::#id { status } }, quote! { status }),
            (Some(_), None) => (quote! { Self::#id { status, body } }, quote! { status }),
        };
        let send = match (&v.payload, &v.code) {
            (None, _) => match fixed_status(v.status) {
                Some(s) if v.status.is_success() => empty_success(&api.protocol, s),
                _ => quote! { runtime::server::empty_response(#status) },
            },
            (Some(_), Some(code)) => quote! { FORMAT.aws_error(#op_name, #status, #code, &body) },
            (Some((_, Payload::Json(m))), None) => quote! { FORMAT.json(#op_name, #status, #m, &body) },
            (Some((_, Payload::Text(m))), None) => quote! { runtime::server::text_response(#status, #m, body) },
            (Some((_, Payload::Bytes(m))), None) => quote! { runtime::server::bytes_response(#status, #m, body) },
            (Some((_, Payload::Stream(m))), None) => quote! { runtime::server::stream_response(#status, #m, body) },
        };
        match v.headers {
            Some(_) => quote! { #pattern => headers.write(#send), },
            None => quote! { #pattern => #send, },
        }
    });
    let (documented_arms, reads_body) = documented_arms(op, &vs);
    // With no documented body, a body given is refused, not dropped.
    let body_setup = if reads_body {
        quote! { let body = body.unwrap_or(::serde_json::Value::Null); }
    } else {
        let e = format!("no response of `{}` has a body", op.name);
        quote! { if body.is_some() { return Err(#e.to_owned()); } }
    };
    let headers = op.responses.iter().filter_map(|r| headers::of(shared, op, r));
    let headers = headers.map(|h| h.alias().unwrap_or_else(|| written_headers(&h, unreached)));
    let d = format!(" Every response `{}` documents; nothing else can be sent.", op.name);
    let err = format!("status {{status}} (code {{code:?}}) is not documented for `{}`", op.name);
    let derive = derives(vs.iter().any(|v| matches!(v.payload, Some((_, Payload::Stream(_))))));
    quote! {
        #[doc = #d]
        #derive
        pub enum #ident {
            #(#decls)*
        }

        impl #ident {
            /// The HTTP status this response is sent with.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }

            /// The documented response for `status` (and, where errors are
            /// told apart by code, `code`) with a JSON `body`; an error if
            /// the spec documents no such response or the body does not fit.
            pub fn documented(status: u16, code: Option<&str>, body: Option<::serde_json::Value>) -> Result<Self, String> {
                #body_setup
                match (status, code) {
                    #(#documented_arms)*
                    _ => Err(format!(#err)),
                }
            }

            #unreached
            fn into_response(self) -> Response {
                match self {
                    #(#into_arms)*
                }
            }
        }

        #(#headers)*
    }
}

/// `documented`'s arms: error codes first, then exact statuses, ranges and
/// `default` (the IR's order). Documented headers are left unset; a
/// response with required headers cannot be made from a body alone.
/// Also tells whether an arm reads the body.
fn documented_arms(op: &Operation, vs: &[Variant]) -> (Vec<TokenStream>, bool) {
    let mut coded = Vec::new();
    let mut plain = Vec::new();
    let mut reads_body = false;
    for v in vs {
        let id = &v.ident;
        let decode = match &v.payload {
            None => None,
            Some((_, Payload::Bytes(_))) => {
                Some(quote! { runtime::server::from_json::<String>(body).map(runtime::server::Bytes::from)? })
            }
            Some((_, Payload::Stream(_))) => Some(quote! {
                runtime::server::ByteStream::from(runtime::server::from_json::<String>(body).map(runtime::server::Bytes::from)?)
            }),
            Some(_) => Some(quote! { runtime::server::from_json(body)? }),
        };
        let status = status::pattern(v.status, quote! { 100..=599 });
        if let Some((_, required)) = v.headers.as_ref().filter(|(_, r)| !r.is_empty()) {
            let e = format!(
                "the {} response of `{}` has required headers ({}): build `{}` with them",
                String::from(v.status),
                op.name,
                required.join(", "),
                v.ident
            );
            plain.push(quote! { (#status, _) => Err(#e.to_owned()), });
            continue;
        }
        reads_body |= decode.is_some();
        let value = match (decode, fixed_status(v.status)) {
            (d, fixed) if v.headers.is_some() => {
                let status = fixed.is_none().then(|| quote! { status, });
                let body = d.map(|d| quote! { body: #d, });
                quote! { Self::#id { #status #body headers: Default::default() } }
            }
            (None, Some(_)) => quote! { Self::#id },
            (Some(d), Some(_)) => quote! { Self::#id(#d) },
            (None, None) => quote! { Self::#id { status } },
            (Some(d), None) => quote! { Self::#id { status, body: #d } },
        };
        match &v.code {
            Some(code) => coded.push(quote! { (#status, Some(#code)) => Ok(#value), }),
            None => plain.push(quote! { (#status, _) => Ok(#value), }),
        }
    }
    coded.extend(plain);
    (coded, reads_body)
}

fn unsuffixed(n: u16) -> TokenStream {
    let l = Literal::u16_unsuffixed(n);
    quote! { #l }
}

/// A response's headers struct and how it is written onto a response. A
/// shared one's `write` is public: some of its users may be behind a tag
/// feature that is off, or unreached.
pub fn written_headers(h: &headers::Headers<'_>, unreached: Option<&TokenStream>) -> TokenStream {
    let declaration = h.declaration();
    let ident = &h.ident;
    let pairs = h.fields.iter().map(|f| {
        let (field, name) = (&f.ident, &f.header.name);
        quote! { (#name, runtime::server::header_text(&self.#field)), }
    });
    let vis = h.shared().then(|| quote! { pub });
    quote! {
        #declaration
        #unreached
        impl #ident {
            /// Writes these headers onto `response` (`simple` style).
            #vis fn write(&self, response: Response) -> Response {
                runtime::server::with_headers(&FORMAT, response, &[#(#pairs)*])
            }
        }
    }
}
