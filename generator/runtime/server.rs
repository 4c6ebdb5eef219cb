//! Request handling shared by the generated server stubs: reading a request
//! within limits, parameters and bodies decoded into typed values with
//! located violations, the authentication loop, and every rejection
//! answered in the API's own error format.

use super::validate::{Checker, Loc, Violation};
use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::future::Future;
use tracing::Instrument;

pub use super::stream::ByteStream;
pub use axum;
pub use bytes::Bytes;

/// Largest request body a stub reads (1 MiB) unless the spec sets another
/// limit (`x-apigen-body-limit`, for the API or an operation); a larger
/// one is rejected (413) before it is buffered.
pub const BODY_LIMIT: usize = 1 << 20;

/// How an API answers rejections (generated from the spec's
/// `x-apigen-errors`).
#[derive(Debug)]
pub struct ErrorFormat {
    pub style: Style,
    /// Header carrying a fresh request id on every response.
    pub request_id_header: Option<&'static str>,
    pub replies: Replies,
}

#[derive(Debug)]
pub enum Style {
    /// RFC 9457 problem details.
    Problem,
    /// `{"detail": ...}`, validation errors as a list.
    FastApi,
    /// `{...constants, code_field: code, message_field: message}`;
    /// constants are JSON texts.
    Fields { code_field: &'static str, message_field: &'static str, constants: &'static [(&'static str, &'static str)] },
    /// `{"__type": code, "Message": message}` and `x-amzn-ErrorType`.
    AwsJson,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub code: &'static str,
    pub message: &'static str,
}

/// One reply per kind of rejection.
#[derive(Debug)]
pub struct Replies {
    pub validation: Reply,
    pub unauthenticated: Reply,
    pub invalid_credentials: Reply,
    pub bad_signature: Reply,
    pub expired_signature: Reply,
    pub not_found: Reply,
    pub method_not_allowed: Reply,
    pub payload_too_large: Reply,
    pub ambiguous_request: Reply,
    pub request_timeout: Reply,
    pub unsupported_media_type: Reply,
    pub unknown_operation: Reply,
    pub internal: Reply,
}

/// Why a request was answered before (or instead of) the implementation.
#[derive(Debug)]
pub enum Rejection {
    Validation(Vec<Violation>),
    Unauthenticated,
    InvalidCredentials,
    BadSignature(String),
    /// The signature's date is too far off; the text (its own separator
    /// first) follows the reply's message, e.g. `: 20140325T143453Z is now
    /// earlier than …`.
    ExpiredSignature(String),
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    /// Something that may be given once is not (a credential, `Host`):
    /// what was repeated follows the reply's message.
    AmbiguousRequest(String),
    /// The body did not arrive in time (the server's body timeout).
    RequestTimeout,
    UnsupportedMediaType(String),
    UnknownOperation(String),
    Internal(String),
}

impl ErrorFormat {
    /// The response for a rejection.
    pub fn reject(&self, rejection: Rejection) -> Response {
        let r = &self.replies;
        let (reply, detail, violations) = match &rejection {
            Rejection::Validation(v) => (&r.validation, None, Some(v.as_slice())),
            Rejection::Unauthenticated => (&r.unauthenticated, None, None),
            Rejection::InvalidCredentials => (&r.invalid_credentials, None, None),
            Rejection::BadSignature(why) => (&r.bad_signature, Some(why.as_str()), None),
            Rejection::ExpiredSignature(dates) => (&r.expired_signature, Some(dates.as_str()), None),
            Rejection::NotFound => (&r.not_found, None, None),
            Rejection::MethodNotAllowed => (&r.method_not_allowed, None, None),
            Rejection::PayloadTooLarge => (&r.payload_too_large, None, None),
            Rejection::AmbiguousRequest(what) => (&r.ambiguous_request, Some(what.as_str()), None),
            Rejection::RequestTimeout => (&r.request_timeout, None, None),
            Rejection::UnsupportedMediaType(got) => (&r.unsupported_media_type, Some(got.as_str()), None),
            Rejection::UnknownOperation(target) => (&r.unknown_operation, Some(target.as_str()), None),
            Rejection::Internal(why) => (&r.internal, Some(why.as_str()), None),
        };
        let mut message = reply.message.to_owned();
        match (&rejection, detail) {
            (Rejection::UnknownOperation(_) | Rejection::AmbiguousRequest(_), Some(d)) if !d.is_empty() => {
                message = format!("{message}: {d}")
            }
            (Rejection::ExpiredSignature(_), Some(d)) => message.push_str(d),
            _ => {}
        }
        self.error(reply.status, reply.code, &message, violations)
    }

    fn error(&self, status: u16, code: &str, message: &str, violations: Option<&[Violation]>) -> Response {
        let described = |sep: &str, skip_root: bool| -> String {
            match violations {
                None | Some([]) => message.to_owned(),
                Some(v) => {
                    let parts: Vec<String> = v.iter().map(|v| format!("{}: {}", v.dotted(skip_root), v.message)).collect();
                    format!("{message}{sep}{}", parts.join("; "))
                }
            }
        };
        match &self.style {
            Style::FastApi => {
                let detail = match violations {
                    Some(v) => Value::Array(v.iter().map(fastapi_item).collect()),
                    None => Value::String(message.to_owned()),
                };
                json_response(status, "application/json", &serde_json::json!({ "detail": detail }))
            }
            Style::Fields { code_field, message_field, constants } => {
                let mut body = Map::new();
                for (name, json) in *constants {
                    // The generator writes JSON texts; anything else is kept as written.
                    let value = serde_json::from_str(json).unwrap_or_else(|_| Value::String((*json).to_owned()));
                    body.insert((*name).to_owned(), value);
                }
                body.insert((*code_field).to_owned(), Value::String(code.to_owned()));
                body.insert((*message_field).to_owned(), Value::String(described(": ", false)));
                json_response(status, "application/json", &Value::Object(body))
            }
            Style::Problem => {
                let title = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
                let mut body = serde_json::json!({ "type": "about:blank", "title": title, "status": status, "detail": message });
                if !code.is_empty() {
                    body["code"] = Value::String(code.to_owned());
                }
                if let Some(v) = violations {
                    body["errors"] = Value::Array(v.iter().map(fastapi_item).collect());
                }
                json_response(status, "application/problem+json", &body)
            }
            Style::AwsJson => {
                let message = match violations {
                    None | Some([]) => message.to_owned(),
                    Some(v) => aws_validation_message(v),
                };
                aws_error(status, code, Map::from_iter([("Message".to_owned(), Value::String(message))]))
            }
        }
    }
}

fn fastapi_item(v: &Violation) -> Value {
    serde_json::json!({
        "type": v.kind,
        "loc": v.loc.iter().map(Loc::to_value).collect::<Vec<_>>(),
        "msg": v.message,
        "input": v.input,
    })
}

/// AWS's wording: `2 validation errors detected: Value 'x' at 'ServerId'
/// failed to satisfy constraint: ...`.
fn aws_validation_message(v: &[Violation]) -> String {
    let n = v.len();
    let parts: Vec<String> = v
        .iter()
        .map(|v| {
            let value = match &v.input {
                Value::String(s) => format!("Value '{s}' at"),
                Value::Null => "Value at".to_owned(),
                other => format!("Value '{other}' at"),
            };
            format!("{value} '{}' failed to satisfy constraint: {}", v.dotted(true), v.message)
        })
        .collect();
    format!("{n} validation error{} detected: {}", if n == 1 { "" } else { "s" }, parts.join("; "))
}

/// An awsJson1_1 error: the code in the body's `__type` (what boto3
/// reads) and in `x-amzn-ErrorType` (what the smithy SDKs read first).
pub fn aws_error(status: u16, code: &str, mut fields: Map<String, Value>) -> Response {
    fields.insert("__type".to_owned(), Value::String(code.to_owned()));
    aws_error_response(status, code, Bytes::from(Value::Object(fields).to_string()))
}

/// An awsJson1_1 error's written body, with `x-amzn-errortype`.
fn aws_error_response(status: u16, code: &str, body: Bytes) -> Response {
    let mut response = bytes_response(status, "application/x-amz-json-1.1", body);
    if let Ok(v) = HeaderValue::from_str(code) {
        response.headers_mut().insert("x-amzn-errortype", v);
    }
    response
}

impl ErrorFormat {
    /// An implementation's documented JSON response. A body that cannot be
    /// serialised (a map with keys JSON cannot have, a failing `Serialize`)
    /// is not sent as an empty answer under its status: it is this
    /// format's internal error, and the failure is logged (`tracing`).
    pub fn json<T: Serialize + ?Sized>(&self, operation: &str, status: u16, content_type: &'static str, body: &T) -> Response {
        match serde_json::to_vec(body) {
            Ok(bytes) => bytes_response(status, content_type, Bytes::from(bytes)),
            Err(e) => self.unserialisable(operation, status, &e.to_string()),
        }
    }

    /// A documented awsJson1_1 error: the body's fields beside `__type`.
    /// A body that cannot be serialised, or is not an object, is this
    /// format's internal error, as in [`ErrorFormat::json`].
    pub fn aws_error<T: Serialize>(&self, operation: &str, status: u16, code: &str, body: &T) -> Response {
        // An object without `__type` (every documented error body) is
        // written once with `__type` added as its last member, rather than
        // built as a map and then written.
        if let Ok(mut bytes) = serde_json::to_vec(body) {
            let object = bytes.first() == Some(&b'{') && bytes.last() == Some(&b'}');
            if object && !bytes.windows(8).any(|w| w == b"\"__type\"") {
                bytes.pop();
                if bytes.len() > 1 {
                    bytes.push(b',');
                }
                bytes.extend_from_slice(b"\"__type\":");
                bytes.extend_from_slice(Value::from(code).to_string().as_bytes());
                bytes.push(b'}');
                return aws_error_response(status, code, Bytes::from(bytes));
            }
        }
        match serde_json::to_value(body) {
            Ok(Value::Object(fields)) => aws_error(status, code, fields),
            Ok(other) => self.unserialisable(operation, status, &format!("`{other}` is not an object")),
            Err(e) => self.unserialisable(operation, status, &e.to_string()),
        }
    }

    fn unserialisable(&self, operation: &str, status: u16, why: &str) -> Response {
        let why = format!("the {status} response body of `{operation}` cannot be serialised: {why}");
        tracing::error!(operation, status, "{why}");
        self.reject(Rejection::Internal(why))
    }
}

/// A JSON response of the stub's own (a rejection, a `serde_json::Value`,
/// which always serialises).
pub fn json_response(status: u16, content_type: &'static str, body: &Value) -> Response {
    bytes_response(status, content_type, Bytes::from(body.to_string()))
}

pub fn text_response(status: u16, content_type: &'static str, body: String) -> Response {
    bytes_response(status, content_type, Bytes::from(body))
}

pub fn bytes_response(status: u16, content_type: &'static str, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A body sent as the implementation produces it, never buffered
/// (`Content-Length` when the stream declares one, else chunked).
pub fn stream_response(status: u16, content_type: &'static str, body: ByteStream) -> Response {
    let length = body.length();
    let mut response = Response::new(Body::new(super::stream::StreamBody::new(body)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(n) = length {
        response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(n));
    }
    response
}

pub fn empty_response(status: u16) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response
}

/// A documented response header's value in OpenAPI `simple` style: a
/// scalar as its text, an array comma-separated, an object as
/// `key,value,…`; `None` for an absent value (`None`, `null`); an error
/// for a value that cannot be serialised.
pub fn header_text<T: Serialize + ?Sized>(value: &T) -> Result<Option<String>, serde_json::Error> {
    fn scalar(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    Ok(Some(match serde_json::to_value(value)? {
        Value::Null => return Ok(None),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        Value::Object(fields) => fields.iter().flat_map(|(k, v)| [k.clone(), scalar(v)]).collect::<Vec<_>>().join(","),
        v => scalar(&v),
    }))
}

/// Writes a response's documented headers (values from [`header_text`]).
/// A value that cannot be serialised, or that no HTTP header can carry (a
/// line break, a control character), makes the answer the format's
/// internal error instead: nothing undocumented is sent, and no documented
/// header is silently left out. Framing headers (`Content-Length`,
/// `Transfer-Encoding`) are left to the server, which knows the body.
pub fn with_headers(
    format: &ErrorFormat,
    mut response: Response,
    headers: &[(&'static str, Result<Option<String>, serde_json::Error>)],
) -> Response {
    for (name, value) in headers {
        let value = match value {
            Ok(Some(value)) => value,
            Ok(None) => continue,
            Err(e) => {
                let why = format!("response header `{name}`: the value cannot be serialised: {e}");
                tracing::error!("{why}");
                return format.reject(Rejection::Internal(why));
            }
        };
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) else {
            return format.reject(Rejection::Internal(format!("response header `{name}`: the value cannot be sent in an HTTP header")));
        };
        if name == CONTENT_LENGTH || name == axum::http::header::TRANSFER_ENCODING {
            continue;
        }
        response.headers_mut().insert(name, value);
    }
    response
}

/// Serves one request of `operation` inside a `tracing` span
/// (`apigen.serve`, with the operation id and the answer's status); a
/// rejection is answered in the API's format.
///
/// `served` comes boxed: its future holds the whole request read into
/// memory, the authentication's and the implementation's state, and every
/// future around it (this one, axum's) is moved before it is polled; boxed,
/// each move copies a pointer rather than that state (the copies were a
/// tenth of the stub's time per request, measured).
pub async fn handle<F>(operation: &'static str, format: &ErrorFormat, served: std::pin::Pin<Box<F>>) -> Response
where
    F: Future<Output = Result<Response, Rejection>> + ?Sized,
{
    let span = tracing::info_span!("apigen.serve", operation, status = tracing::field::Empty);
    // Without a subscriber (or with one not interested) the span is
    // disabled: nothing to enter on every poll, nothing to record.
    if span.is_disabled() {
        return served.await.unwrap_or_else(|r| format.reject(r));
    }
    let response = async { served.await.unwrap_or_else(|r| format.reject(r)) }.instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    response
}

/// Adds the format's request-id header to a response.
pub fn stamp(format: &ErrorFormat, mut response: Response) -> Response {
    if let Some(name) = format.request_id_header {
        let id = request_id();
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::from_str(&id)) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// A random UUID-shaped (version 4) id.
fn request_id() -> String {
    let (a, b) = (fastrand::u64(..), fastrand::u64(..));
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x4000;
    format!("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48, b & 0xffff_ffff_ffff)
}

/// The route's path parameters, percent-decoded. Never rejects: a
/// parameter that is not UTF-8 once decoded becomes a validation error in
/// the API's own format.
#[derive(Debug, Default)]
pub struct PathParams {
    /// The captured values, in route order (read in place, not copied).
    raw: Option<RawPathParams>,
    /// Per capture, as [`PathParams::bind`] names it.
    names: &'static [(&'static str, &'static str, &'static str)],
    error: Option<String>,
    /// A segment lacks the literal text around its parameter.
    mismatch: bool,
}

impl PathParams {
    /// Names the route's positional captures (`{p0}`, `{p1}`, … in
    /// order): each is `(parameter, literal prefix, literal suffix)` of a
    /// documented segment such as `v{version}.json`. Routes are registered
    /// positionally because axum refuses two routes that differ only in
    /// parameter names, and captures only whole segments.
    pub fn bind(mut self, segments: &'static [(&'static str, &'static str, &'static str)]) -> PathParams {
        self.names = segments;
        let values = self.raw.iter().flat_map(|raw| raw.iter().map(|(_, v)| v));
        self.mismatch = values.zip(segments).any(|(value, segment)| inner(value, segment).is_none());
        self
    }

    /// Whether every captured segment has the literal text `segments`
    /// (as [`PathParams::bind`] takes them) puts around its value: how a
    /// route shared by `/files/{id}` and `/files/{name}.json` picks its
    /// operation.
    pub fn fits(&self, segments: &[(&str, &str, &str)]) -> bool {
        let Some(raw) = &self.raw else { return false };
        raw.iter().count() == segments.len() && raw.iter().zip(segments).all(|((_, value), segment)| inner(value, segment).is_some())
    }

    /// The value of parameter `name`, without its segment's literal text.
    fn get(&self, name: &str) -> Option<&str> {
        let index = self.names.iter().position(|(n, _, _)| *n == name)?;
        let (_, value) = self.raw.as_ref()?.iter().nth(index)?;
        inner(value, &self.names[index])
    }
}

/// A captured segment without the literal prefix and suffix around its value.
fn inner<'a>(segment: &'a str, (_, prefix, suffix): &(&str, &str, &str)) -> Option<&'a str> {
    // Most segments are the parameter alone: an empty literal is not
    // compared at all, because glibc's AVX-512 `memcmp` given the dangling
    // pointer of an empty `&str` takes a microcode assist costing hundreds
    // of cycles (a third of a Vast request's time in the stub, measured).
    let value = match (prefix.is_empty(), suffix.is_empty()) {
        (true, true) => segment,
        _ => segment.strip_prefix(prefix)?.strip_suffix(suffix)?,
    };
    (value.len() + prefix.len() + suffix.len() == segment.len()).then_some(value)
}

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(match RawPathParams::from_request_parts(parts, state).await {
            Ok(raw) => PathParams { raw: Some(raw), ..PathParams::default() },
            Err(e) => PathParams { error: Some(e.body_text()), ..PathParams::default() },
        })
    }
}

/// A documented body given as JSON (by tests, or an emulator's state).
pub fn from_json<T: DeserializeOwned>(body: Value) -> Result<T, String> {
    serde_json::from_value(body).map_err(|e| format!("the body does not fit the documented type: {e}"))
}

/// A request read into memory, with what has been found wrong with it.
pub struct Incoming {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    /// The body, read whole (empty when it is streamed).
    pub body: Bytes,
    path: PathParams,
    query: Vec<(String, String)>,
    violations: Vec<Violation>,
    /// The body unread, with its limit, for an operation that streams it
    /// (in a mutex only to be `Sync`, as a handler's future must be `Send`
    /// across awaits that borrow `Incoming`: axum's `Body` is not `Sync`).
    unread: Option<std::sync::Mutex<(Body, usize)>>,
    /// Set when a streamed body went past its limit.
    overrun: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// How a parameter's text becomes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parse {
    /// As a JSON string (strings, string enums, newtypes).
    Text,
    /// As JSON when it parses (numbers, booleans), else as a string.
    Json,
}

/// Where a parameter is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    /// The name error bodies locate a parameter with (`["query", "limit"]`).
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

/// How the items of a list parameter are given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Items {
    /// Once per item (`?id=1&id=2`: an exploded query parameter).
    Repeated,
    /// In one value, separated by the text (`?id=1,2`, `1|2`, `.a.b`).
    Delimited(&'static str),
}

impl Incoming {
    // These hand out `start`'s future itself, not one wrapping it: each
    // wrapper would copy the request once more before reading it.

    /// Reads the body (up to [`BODY_LIMIT`]) and the query string.
    pub fn read(request: Request, path: PathParams) -> impl Future<Output = Result<Incoming, Rejection>> + Send {
        Self::start(request, path, BODY_LIMIT, false)
    }

    /// Reads the body (up to `limit` bytes: 413 beyond) and the query string.
    pub fn read_limited(request: Request, path: PathParams, limit: usize) -> impl Future<Output = Result<Incoming, Rejection>> + Send {
        Self::start(request, path, limit, false)
    }

    /// Reads the query string but not the body, which
    /// [`Incoming::stream_body`] hands out as a stream of at most `limit`
    /// bytes (413 beyond, declared or found while streaming).
    pub fn streaming(request: Request, path: PathParams, limit: usize) -> impl Future<Output = Result<Incoming, Rejection>> + Send {
        Self::start(request, path, limit, true)
    }

    async fn start(request: Request, mut path: PathParams, limit: usize, stream: bool) -> Result<Incoming, Rejection> {
        let (parts, body) = request.into_parts();
        if let Some(why) = repeated_host(&parts) {
            return Err(Rejection::AmbiguousRequest(why));
        }
        // `.` and `..` segments (also encoded) name no resource: a proxy
        // would have resolved them, so no documented route matches.
        if path.mismatch || has_dot_segment(parts.uri.path()) {
            return Err(Rejection::NotFound);
        }
        let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(Rejection::PayloadTooLarge);
        }
        let (body, unread) = match stream {
            true => (Bytes::new(), Some(std::sync::Mutex::new((body, limit)))),
            false => (read_body(body, limit).await?, None),
        };
        let query = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
        let mut violations = Vec::new();
        if let Some(e) = path.error.take() {
            violations.push(Violation { loc: vec![Loc::Key("path".into())], kind: "value_error", message: e, input: Value::Null });
        }
        Ok(Incoming {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
            path,
            query,
            violations,
            unread,
            overrun: Default::default(),
        })
    }

    /// The unread body as a stream (see [`Incoming::streaming`]). A body
    /// declared empty (`Content-Length: 0`, or neither a length nor
    /// chunked encoding) counts as absent. Past the limit the stream fails
    /// and [`Incoming::within_limit`] turns the answer into a 413.
    pub fn stream_body(&mut self, required: bool) -> Option<Option<ByteStream>> {
        let present = self.has_body();
        let unread = self.unread.take().filter(|_| present);
        let Some((body, limit)) = unread.map(|u| u.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)) else {
            if required {
                self.missing("body", "");
                return None;
            }
            return Some(None);
        };
        let length = self.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let overrun = self.overrun.clone();
        let mut seen = 0;
        let chunks = futures_util::StreamExt::map(body.into_data_stream(), move |chunk| {
            let chunk = chunk.map_err(std::io::Error::other)?;
            seen += chunk.len();
            if seen > limit {
                overrun.store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, format!("the body is over its limit of {limit} bytes")));
            }
            Ok(chunk)
        });
        let stream = ByteStream::new(chunks);
        Some(Some(match length {
            Some(n) => stream.with_length(n),
            None => stream,
        }))
    }

    /// The implementation's answer, unless a streamed body went past its
    /// limit: then the 413 the limit promises, whatever was answered.
    pub fn within_limit(&self, response: Response) -> Result<Response, Rejection> {
        match self.overrun.load(std::sync::atomic::Ordering::Relaxed) {
            true => Err(Rejection::PayloadTooLarge),
            false => Ok(response),
        }
    }

    /// Whether the request carries a body (read, or declared to come).
    fn has_body(&self) -> bool {
        if self.unread.is_none() {
            return !self.body.is_empty();
        }
        match self.headers.get(CONTENT_LENGTH) {
            Some(n) => n.as_bytes() != b"0",
            None => self.headers.contains_key(axum::http::header::TRANSFER_ENCODING),
        }
    }

    /// Refuses a request that gives one of the API's credentials
    /// (`(location, name)`: `header`, `query` or `cookie`) more than once:
    /// the stub would read the first value, a proxy or log perhaps the
    /// last, and the two would disagree about who is calling.
    pub fn unambiguous(&self, credentials: &[(&str, &str)]) -> Result<(), Rejection> {
        for &(location, name) in credentials {
            let given = match location {
                "header" => self.headers.get_all(name).iter().count(),
                "query" => self.query.iter().filter(|(k, _)| k == name).count(),
                _ => self.cookies().filter(|(k, _)| *k == name).count(),
            };
            if given > 1 {
                return Err(Rejection::AmbiguousRequest(format!("the {location} `{name}` is given {given} times, a credential may be given once")));
            }
        }
        Ok(())
    }

    /// The first value of a header, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A cookie's value.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// Every `name=value` pair of every `Cookie` header.
    fn cookies(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The token of `Authorization: {scheme} {token}` (scheme compared
    /// without case).
    pub fn authorization(&self, scheme: &str) -> Option<&str> {
        let value = self.header("authorization")?;
        let (given, token) = value.split_once(' ')?;
        given.eq_ignore_ascii_case(scheme).then(|| token.trim())
    }

    /// Decodes a required parameter. `None`: it is missing or invalid (a
    /// violation is recorded).
    pub fn required<T: DeserializeOwned>(&mut self, location: Location, name: &str, parse: Parse) -> Option<T> {
        self.param(location, name, parse, true).flatten()
    }

    /// Decodes an optional parameter. `Some(None)`: it is absent; `None`:
    /// it is invalid (a violation is recorded).
    pub fn optional<T: DeserializeOwned>(&mut self, location: Location, name: &str, parse: Parse) -> Option<Option<T>> {
        self.param(location, name, parse, false)
    }

    /// Decodes a required list parameter, its items given as `items` says.
    /// `None`: it is missing or invalid (a violation is recorded).
    pub fn required_list<T: DeserializeOwned>(&mut self, location: Location, name: &str, parse: Parse, items: Items) -> Option<Vec<T>> {
        self.param_list(location, name, parse, items, true).flatten()
    }

    /// Decodes an optional list parameter, its items given as `items` says.
    /// `Some(None)`: it is absent; `None`: it is invalid.
    pub fn optional_list<T: DeserializeOwned>(&mut self, location: Location, name: &str, parse: Parse, items: Items) -> Option<Option<Vec<T>>> {
        self.param_list(location, name, parse, items, false)
    }

    /// The raw text of a parameter, if given.
    fn raw(&self, location: Location, name: &str) -> Option<&str> {
        match location {
            Location::Path => self.path.get(name),
            Location::Query => self.query_value(name),
            Location::Header => self.header(name),
            Location::Cookie => self.cookie(name),
        }
    }

    fn param<T: DeserializeOwned>(&mut self, location: Location, name: &str, parse: Parse, required: bool) -> Option<Option<T>> {
        let Some(raw) = self.raw(location, name) else {
            if !required {
                return Some(None);
            }
            self.missing(location.as_str(), name);
            return None;
        };
        // Decoded from the text itself: no copy of it on the way.
        let decoded = match parse {
            Parse::Text => T::deserialize(serde::de::value::StrDeserializer::<serde_json::Error>::new(raw)),
            Parse::Json => T::deserialize(&scalar(raw)),
        };
        match decoded {
            Ok(value) => Some(Some(value)),
            Err(e) => {
                let input = text_value(raw, parse);
                let mut v = serde_violation(vec![Loc::Key(location.as_str().into()), Loc::Key(name.into())], &e);
                v.input = input;
                self.violations.push(v);
                None
            }
        }
    }

    fn param_list<T: DeserializeOwned>(&mut self, location: Location, name: &str, parse: Parse, items: Items, required: bool) -> Option<Option<Vec<T>>> {
        let raws: Vec<String> = match location {
            Location::Query => self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect(),
            _ => self.raw(location, name).map(str::to_owned).into_iter().collect(),
        };
        if raws.is_empty() {
            if !required {
                return Some(None);
            }
            self.missing(location.as_str(), name);
            return None;
        }
        let items: Vec<Value> = match (items, raws.as_slice()) {
            (Items::Delimited(sep), [one]) => one.split(sep).map(|s| text_value(s, parse)).collect(),
            _ => raws.iter().map(|s| text_value(s, parse)).collect(),
        };
        self.decode(location.as_str(), name, Value::Array(items)).map(Some)
    }

    /// Decodes the JSON body. An empty body counts as absent.
    pub fn json_body<T: DeserializeOwned>(&mut self, required: bool) -> Option<Option<T>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            if !required {
                return Some(None);
            }
            self.violations.push(Violation {
                loc: vec![Loc::Key("body".into())],
                kind: "missing",
                message: "Field required".into(),
                input: Value::Null,
            });
            return None;
        }
        // The common case, a body that decodes, without tracking where the
        // decoder is (serde_path_to_error allocates each key it passes); a
        // failure is decoded again to locate it.
        if let Ok(v) = serde_json::from_slice::<T>(&self.body) {
            return Some(Some(v));
        }
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let decoded = serde_path_to_error::deserialize::<_, T>(&mut de);
        match decoded.map(|v| de.end().map(|()| v)) {
            Ok(Ok(v)) => Some(Some(v)),
            Ok(Err(e)) => {
                self.violations.push(serde_violation(vec![Loc::Key("body".into())], &e));
                None
            }
            Err(e) => {
                self.violations.push(located(&e));
                None
            }
        }
    }

    /// Decodes an `application/x-www-form-urlencoded` body: bracketed
    /// names nest (`metadata[k]=v`, `steps[0][run]=make`, `expand[]=x`),
    /// text coerces to the type's numbers and booleans (see
    /// [`form`](super::form)). An empty body counts as absent.
    pub fn form_body<T: DeserializeOwned>(&mut self, required: bool) -> Option<Option<T>> {
        if self.body_absent(required)? {
            return Some(None);
        }
        let tree = super::form::Node::from_form(&self.body);
        self.decode_tree(tree)
    }

    /// Decodes a `multipart/form-data` body by the boundary its
    /// `Content-Type` names: parts named like form pairs, `application/json`
    /// parts as JSON, files as `Binary` (with file name and media type).
    /// An empty body counts as absent.
    pub fn multipart_body<T: DeserializeOwned>(&mut self, required: bool) -> Option<Option<T>> {
        if self.body_absent(required)? {
            return Some(None);
        }
        let media = self.header("content-type").unwrap_or_default();
        let boundary = media.split_once(';').map(|(_, params)| super::form::parameters(params)).and_then(|params| {
            params.into_iter().find(|(k, _)| k.eq_ignore_ascii_case("boundary")).map(|(_, v)| v)
        });
        let tree = match boundary {
            Some(b) => super::form::Node::from_multipart(&self.body, &b),
            None => Err("the media type names no multipart boundary".to_owned()),
        };
        self.decode_tree(tree)
    }

    /// `Some(true)`: an empty, optional body; `None`: an empty, required one
    /// (a violation is recorded).
    fn body_absent(&mut self, required: bool) -> Option<bool> {
        if !self.body.is_empty() {
            return Some(false);
        }
        if required {
            self.missing("body", "");
            return None;
        }
        Some(true)
    }

    fn decode_tree<T: DeserializeOwned>(&mut self, tree: Result<super::form::Node, String>) -> Option<Option<T>> {
        let tree = match tree {
            Ok(tree) => tree,
            Err(message) => {
                self.fail(vec![Loc::Key("body".into())], "value_error", message, Value::Null);
                return None;
            }
        };
        match serde_path_to_error::deserialize::<_, T>(super::form::Deserializer(tree)) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                self.violations.push(located(&e));
                None
            }
        }
    }

    /// The body as text (UTF-8).
    pub fn text_body(&mut self, required: bool) -> Option<Option<String>> {
        if self.body.is_empty() {
            if required {
                self.missing("body", "");
                return None;
            }
            return Some(None);
        }
        match String::from_utf8(self.body.to_vec()) {
            Ok(s) => Some(Some(s)),
            Err(_) => {
                self.fail(vec![Loc::Key("body".into())], "string_unicode", "Input should be a valid string, unable to parse raw data as a unicode string".into(), Value::Null);
                None
            }
        }
    }

    /// The body as bytes.
    pub fn bytes_body(&mut self, required: bool) -> Option<Option<Bytes>> {
        if self.body.is_empty() && required {
            self.missing("body", "");
            return None;
        }
        Some((!self.body.is_empty()).then(|| self.body.clone()))
    }

    /// Whether the body is declared as `expected` (a media type, or a
    /// `+json`/`x-amz-json` family for JSON). A body-less request passes.
    pub fn media_type_is(&self, expected: &str) -> Result<(), Rejection> {
        if !self.has_body() {
            return Ok(());
        }
        let Some(got) = self.header("content-type") else { return Ok(()) };
        let got = got.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let json = |m: &str| m == "application/json" || m.ends_with("+json") || m.starts_with("application/x-amz-json");
        if got == expected || (json(expected) && json(&got)) || expected.ends_with("/*") {
            Ok(())
        } else {
            Err(Rejection::UnsupportedMediaType(got))
        }
    }

    /// Runs the constraint checks of the parameter `name`.
    pub fn check(&mut self, location: Location, name: &str, check: impl FnOnce(&mut Checker<'_>)) {
        Checker::new(location.as_str(), &mut self.violations).key(name, check);
    }

    /// Runs the constraint checks of the body.
    pub fn check_body(&mut self, check: impl FnOnce(&mut Checker<'_>)) {
        check(&mut Checker::new("body", &mut self.violations));
    }

    /// The validation rejection, if anything was found wrong.
    pub fn verdict(&mut self) -> Result<(), Rejection> {
        if self.violations.is_empty() { Ok(()) } else { Err(Rejection::Validation(std::mem::take(&mut self.violations))) }
    }

    /// The validation rejection for a request whose decoding failed.
    pub fn invalid(&mut self) -> Rejection {
        Rejection::Validation(std::mem::take(&mut self.violations))
    }

    fn decode<T: DeserializeOwned>(&mut self, location: &str, name: &str, value: Value) -> Option<T> {
        match T::deserialize(&value) {
            Ok(v) => Some(v),
            Err(e) => {
                let loc = vec![Loc::Key(location.into()), Loc::Key(name.into())];
                let mut v = serde_violation(loc, &e);
                v.input = value;
                self.violations.push(v);
                None
            }
        }
    }

    fn missing(&mut self, location: &str, name: &str) {
        let mut loc = vec![Loc::Key(location.into())];
        if !name.is_empty() {
            loc.push(Loc::Key(name.into()));
        }
        self.fail(loc, "missing", "Field required".into(), Value::Null);
    }

    fn fail(&mut self, loc: Vec<Loc>, kind: &'static str, message: String, input: Value) {
        self.violations.push(Violation { loc, kind, message, input });
    }
}

fn text_value(raw: &str, parse: Parse) -> Value {
    match parse {
        Parse::Text => Value::String(raw.to_owned()),
        Parse::Json => scalar(raw),
    }
}

/// A parameter's text as a boolean or number when it is exactly one (no
/// surrounding space or `+`; leading zeros allowed, as Python's `int()`
/// reads them), else as a string the typed decode rejects.
fn scalar(raw: &str) -> Value {
    match raw {
        "true" => return Value::Bool(true),
        "false" => return Value::Bool(false),
        _ => {}
    }
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = raw.parse::<i64>() {
            return Value::from(n);
        }
        if let Ok(n) = raw.parse::<u64>() {
            return Value::from(n);
        }
        return Value::String(raw.to_owned());
    }
    let numeric = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    match raw.parse::<f64>().ok().filter(|f| numeric && f.is_finite()).and_then(serde_json::Number::from_f64) {
        Some(n) => Value::Number(n),
        None => Value::String(raw.to_owned()),
    }
}

/// The body, up to `limit` bytes (413 beyond). A body known to be empty
/// is not polled, and a body that arrives in one frame (most do) is kept
/// as it came, without a copy.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, Rejection> {
    use axum::body::HttpBody;
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    let (mut first, mut buffer, mut size) = (None::<Bytes>, Vec::new(), 0);
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(data) = frame.map_err(|e| body_error(&e))?.into_data() else { continue };
        size += data.len();
        if size > limit {
            return Err(Rejection::PayloadTooLarge);
        }
        match first.take() {
            None if buffer.is_empty() => first = Some(data),
            Some(earlier) => {
                buffer.extend_from_slice(&earlier);
                buffer.extend_from_slice(&data);
            }
            None => buffer.extend_from_slice(&data),
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(buffer)))
}

/// Why a body could not be read: stalled past a timeout the server put on
/// it (an `io::ErrorKind::TimedOut` error from the body: 408), or broken
/// (400).
fn body_error(e: &axum::Error) -> Rejection {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(error) = source {
        if error.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut) {
            return Rejection::RequestTimeout;
        }
        source = error.source();
    }
    let message = format!("the body could not be read: {e}");
    Rejection::Validation(vec![Violation { loc: vec![Loc::Key("body".into())], kind: "value_error", message, input: Value::Null }])
}

/// A request naming its host twice (RFC 9112 §3.2 answers it with 400):
/// a proxy could route by one and the stub read the other. A request
/// without `Host` is left to the server in front (an HTTP/1.1 connection
/// must carry one, but a request built in-process, e.g. in a test, has
/// none and HTTP/2 names the authority elsewhere).
fn repeated_host(parts: &Parts) -> Option<String> {
    match parts.headers.get_all(axum::http::header::HOST).iter().count() {
        0 | 1 => None,
        n => Some(format!("the `Host` header is given {n} times, it may be given once")),
    }
}

/// Whether a path has a `.` or `..` segment (also encoded); one pass over
/// a path without `.` or `%` (most paths) decides it.
fn has_dot_segment(path: &str) -> bool {
    path.bytes().any(|b| b == b'.' || b == b'%') && path.split('/').any(is_dot_segment)
}

fn is_dot_segment(segment: &str) -> bool {
    // Only `.`, `%2e` and their doubles qualify: skip decoding the rest.
    if segment.len() > 6 || !segment.bytes().all(|b| matches!(b, b'.' | b'%' | b'2' | b'e' | b'E')) {
        return false;
    }
    let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
    decoded == "." || decoded == ".."
}

/// A body's decoding error at the place it names (`body`, then the
/// keys and indices down to the value).
fn located(e: &serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let mut loc = vec![Loc::Key("body".into())];
    for seg in e.path().iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => loc.push(Loc::Index(*index)),
            serde_path_to_error::Segment::Map { key } => loc.push(Loc::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => loc.push(Loc::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    serde_violation(loc, e.inner())
}

/// A serde error as a violation: `missing field `X`` points at `X`.
fn serde_violation(mut loc: Vec<Loc>, e: &serde_json::Error) -> Violation {
    let text = e.to_string();
    let text = match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_owned(),
        _ => text,
    };
    if let Some(field) = text.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        loc.push(Loc::Key(field.to_owned()));
        return Violation { loc, kind: "missing", message: "Field required".into(), input: Value::Null };
    }
    let kind = if e.is_syntax() || e.is_eof() {
        "json_invalid"
    } else if text.starts_with("invalid type") {
        "type_error"
    } else {
        "value_error"
    };
    Violation { loc, kind, message: text, input: Value::Null }
}

/// What checking one security scheme found.
pub enum Outcome<C> {
    /// Verified: the caller the implementation named.
    Caller(C),
    /// The request carries no credential for the scheme.
    Absent,
    /// It carries one that is wrong.
    Rejected(Rejection),
}

/// Tries the operation's security alternatives (OR of ANDs) in order. An
/// empty alternative admits anonymous callers, but a wrong credential is
/// rejected even then. The caller of the first scheme of the satisfied
/// alternative is returned.
pub async fn authenticate<S, C, F, Fut>(alternatives: &[&[S]], mut check: F) -> Result<Option<C>, Rejection>
where
    S: Copy,
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Outcome<C>>,
{
    let mut failure = None;
    let mut anonymous = false;
    'alternatives: for alternative in alternatives {
        if alternative.is_empty() {
            anonymous = true;
            continue;
        }
        let mut caller = None;
        for &scheme in *alternative {
            match check(scheme).await {
                Outcome::Caller(c) => {
                    caller.get_or_insert(c);
                }
                Outcome::Absent => continue 'alternatives,
                Outcome::Rejected(r) => {
                    failure.get_or_insert(r);
                    continue 'alternatives;
                }
            }
        }
        return Ok(caller);
    }
    match failure {
        Some(r) => Err(r),
        None if anonymous => Ok(None),
        None => Err(Rejection::Unauthenticated),
    }
}

impl<C> Outcome<C> {
    /// A token credential (API key, bearer token) the implementation
    /// looked up: known (`Some(caller)`) or not.
    pub fn known(found: Option<C>) -> Self {
        found.map_or(Outcome::Rejected(Rejection::InvalidCredentials), Outcome::Caller)
    }
}

/// Compares secrets without leaking through timing where they differ
/// (`subtle`; only a difference in length shows). Implementations of
/// `authenticate_<scheme>` compare the presented key or token with it.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parameter_numbers_are_exact() {
        assert_eq!(scalar("12"), json!(12));
        assert_eq!(scalar("-007"), json!(-7));
        assert_eq!(scalar("18446744073709551615"), json!(u64::MAX));
        assert_eq!(scalar("1.5"), json!(1.5));
        assert_eq!(scalar("true"), json!(true));
        for text in [" 12", "12\n", "+1", "0x10", "inf", "NaN", "1e400", "99999999999999999999999", ""] {
            assert_eq!(scalar(text), json!(text), "{text:?} stays text, so a number type rejects it");
        }
    }

    #[test]
    fn parameters_are_read_by_location_as_required_or_optional() {
        let mut headers = HeaderMap::new();
        headers.insert("x-trace", HeaderValue::from_static("t-1"));
        headers.insert(axum::http::header::COOKIE, HeaderValue::from_static("session=abc; theme=dark"));
        let query = [("limit", "5"), ("id", "1"), ("id", "2"), ("ids", "3|4"), ("bad", "x")];
        let mut cx = Incoming {
            method: Method::GET,
            uri: Uri::from_static("/"),
            headers,
            body: Bytes::new(),
            path: PathParams::default(),
            query: query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            violations: Vec::new(),
            unread: None,
            overrun: Default::default(),
        };
        assert_eq!(cx.required::<u32>(Location::Query, "limit", Parse::Json), Some(5));
        assert_eq!(cx.optional::<u32>(Location::Query, "limit", Parse::Json), Some(Some(5)));
        assert_eq!(cx.optional::<u32>(Location::Query, "offset", Parse::Json), Some(None));
        assert_eq!(cx.required::<String>(Location::Header, "x-trace", Parse::Text).as_deref(), Some("t-1"));
        assert_eq!(cx.optional::<String>(Location::Cookie, "theme", Parse::Text), Some(Some("dark".into())));
        assert_eq!(cx.required_list::<i64>(Location::Query, "id", Parse::Json, Items::Repeated), Some(vec![1, 2]));
        let delimited = cx.optional_list::<i64>(Location::Query, "ids", Parse::Json, Items::Delimited("|"));
        assert_eq!(delimited, Some(Some(vec![3, 4])));
        assert_eq!(cx.optional_list::<i64>(Location::Header, "x-ids", Parse::Json, Items::Delimited(",")), Some(None));
        assert!(cx.violations.is_empty());
        // Missing when required, malformed either way: `None`, and located.
        assert_eq!(cx.required::<u32>(Location::Path, "id", Parse::Json), None);
        assert_eq!(cx.optional::<u32>(Location::Query, "bad", Parse::Json), None);
        let found: Vec<(Value, &str)> = cx
            .violations
            .iter()
            .map(|v| (Value::Array(v.loc.iter().map(Loc::to_value).collect()), v.kind))
            .collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0], (json!(["path", "id"]), "missing"));
        assert_eq!(found[1].0, json!(["query", "bad"]));
    }

    #[test]
    fn response_headers_are_written_in_simple_style() {
        assert_eq!(header_text("limit=10, remaining=0").unwrap().as_deref(), Some("limit=10, remaining=0"));
        assert_eq!(header_text(&12).unwrap().as_deref(), Some("12"));
        assert_eq!(header_text(&Some(0.5)).unwrap().as_deref(), Some("0.5"));
        assert_eq!(header_text(&None::<i64>).unwrap(), None);
        assert_eq!(header_text(&["a", "b"]).unwrap().as_deref(), Some("a,b"));
        assert_eq!(header_text(&json!({"x": 1, "y": "z"})).unwrap().as_deref(), Some("x,1,y,z"));
        assert_eq!(header_text(&Unserialisable).unwrap_err().to_string(), "no wire form");
    }

    fn test_format() -> ErrorFormat {
        ErrorFormat {
            style: Style::FastApi,
            request_id_header: None,
            replies: Replies {
                validation: Reply { status: 422, code: "", message: "" },
                unauthenticated: Reply { status: 401, code: "", message: "" },
                invalid_credentials: Reply { status: 401, code: "", message: "" },
                bad_signature: Reply { status: 401, code: "", message: "" },
                expired_signature: Reply { status: 401, code: "", message: "" },
                not_found: Reply { status: 404, code: "", message: "" },
                method_not_allowed: Reply { status: 405, code: "", message: "" },
                payload_too_large: Reply { status: 413, code: "", message: "" },
                ambiguous_request: Reply { status: 400, code: "", message: "" },
                request_timeout: Reply { status: 408, code: "", message: "" },
                unsupported_media_type: Reply { status: 415, code: "", message: "" },
                unknown_operation: Reply { status: 400, code: "", message: "" },
                internal: Reply { status: 500, code: "internal", message: "Internal Server Error" },
            },
        }
    }

    #[test]
    fn a_header_no_http_header_can_carry_is_an_internal_error() {
        let format = test_format();
        let ok = with_headers(&format, empty_response(204), &[("X-Id", Ok(Some("a".into()))), ("X-No", Ok(None)), ("Content-Length", Ok(Some("9".into())))]);
        assert_eq!((ok.status().as_u16(), ok.headers().get("x-id").unwrap().to_str().unwrap()), (204, "a"));
        assert!(ok.headers().get("x-no").is_none() && ok.headers().get(CONTENT_LENGTH).is_none());
        let bad = with_headers(&format, empty_response(204), &[("X-Id", Ok(Some("a\r\nSet-Cookie: x".into())))]);
        assert_eq!(bad.status().as_u16(), 500);
        assert!(bad.headers().get("x-id").is_none());
        let lost = with_headers(&format, empty_response(204), &[("X-Id", Ok(Some("a".into()))), ("X-Page", header_text(&Unserialisable))]);
        assert_eq!(lost.status().as_u16(), 500, "not a 204 without its documented header");
        assert!(lost.headers().get("x-id").is_none());
    }

    /// A value whose `Serialize` fails, as a map with non-string keys does.
    struct Unserialisable;

    impl Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no wire form"))
        }
    }

    /// The JSON body of a response built in memory (ready at once: no
    /// executor needed).
    fn body_of(response: Response) -> Value {
        let mut read = std::pin::pin!(axum::body::to_bytes(response.into_body(), BODY_LIMIT));
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(Ok(bytes)) = read.as_mut().poll(&mut cx) else { panic!("a body in memory is ready") };
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn a_body_that_cannot_be_serialised_is_the_internal_error_not_an_empty_success() {
        let vast = ErrorFormat {
            style: Style::Fields { code_field: "error", message_field: "msg", constants: &[("success", "false")] },
            ..test_format()
        };
        let ok = vast.json("detach_ssh", 200, "application/json", &json!({"success": true}));
        assert_eq!(ok.status().as_u16(), 200);
        assert_eq!(body_of(ok), json!({"success": true}));
        let bad = vast.json("detach_ssh", 200, "application/json", &Unserialisable);
        assert_eq!(bad.status().as_u16(), 500);
        assert_eq!(body_of(bad), json!({"success": false, "error": "internal", "msg": "Internal Server Error"}));
        let keyed: std::collections::BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
        assert_eq!(vast.json("list", 201, "application/json", &keyed).status().as_u16(), 500);

        let aws = ErrorFormat { style: Style::AwsJson, ..test_format() };
        let fields = aws.aws_error("delete", 400, "ThrottlingException", &json!({"Message": "slow"}));
        assert_eq!(fields.status().as_u16(), 400);
        assert_eq!(fields.headers()["x-amzn-errortype"], "ThrottlingException");
        assert_eq!(body_of(fields), json!({"Message": "slow", "__type": "ThrottlingException"}));
        // No other member; a `__type` of the body's own is replaced, not repeated.
        assert_eq!(body_of(aws.aws_error("delete", 400, "X", &json!({}))), json!({"__type": "X"}));
        let own = aws.aws_error("delete", 400, "X", &json!({"__type": "Y", "Message": "m"}));
        let text = String::from_utf8(ready(axum::body::to_bytes(own.into_body(), BODY_LIMIT)).unwrap().to_vec()).unwrap();
        assert_eq!(text, r#"{"__type":"X","Message":"m"}"#);
        for bad in [aws.aws_error("delete", 400, "ThrottlingException", &Unserialisable), aws.aws_error("delete", 400, "X", &"text")] {
            assert_eq!(bad.status().as_u16(), 500);
            assert_eq!(bad.headers()["x-amzn-errortype"], "internal", "not the documented code with its fields lost");
        }
    }

    /// The output of a future that needs nothing to wait for.
    fn ready<T>(future: impl Future<Output = T>) -> T {
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match std::pin::pin!(future).poll(&mut cx) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the future waits for nothing"),
        }
    }

    #[test]
    fn bodies_are_read_whole_within_their_limit() {
        let frames = |parts: &[&'static str]| {
            let parts: Vec<Result<Bytes, std::io::Error>> = parts.iter().map(|p| Ok(Bytes::from_static(p.as_bytes()))).collect();
            Body::from_stream(futures_util::stream::iter(parts))
        };
        assert_eq!(ready(read_body(frames(&["ab"]), 3)).unwrap(), "ab");
        assert_eq!(ready(read_body(frames(&["", "ab", "", "c"]), 3)).unwrap(), "abc");
        assert_eq!(ready(read_body(frames(&["a", "b", "c"]), 3)).unwrap(), "abc");
        assert!(matches!(ready(read_body(frames(&["ab", "cd"]), 3)), Err(Rejection::PayloadTooLarge)));
        assert!(matches!(ready(read_body(frames(&["abcd"]), 3)), Err(Rejection::PayloadTooLarge)));
        assert_eq!(ready(read_body(Body::empty(), 0)).unwrap(), "");
    }

    #[test]
    fn dot_segments_are_found_encoded_too() {
        for s in [".", "..", "%2e", "%2E%2e", ".%2E"] {
            assert!(is_dot_segment(s), "{s}");
        }
        assert!(!is_dot_segment("...") && !is_dot_segment(".x") && !is_dot_segment(""));
        assert!(has_dot_segment("/a/../b") && has_dot_segment("/a/%2E") && has_dot_segment("/a/."));
        assert!(!has_dot_segment("/a/b") && !has_dot_segment("/a/b.json") && !has_dot_segment("/a%20b/c"));
    }
}
