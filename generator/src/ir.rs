//! The intermediate representation: what an API *is*, independent of how it
//! was written (YAML, Markdown, overlays) and of what is generated from it
//! (Rust tokens). Lowering fills it; emitters read it. Plain data, serde
//! serialisable, ordered deterministically (document order for operations,
//! `BTreeMap`s for everything keyed by name).

use crate::diag::Diagnostic;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ir {
    pub apis: Vec<Api>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// Identifier from the manifest (e.g. `aws`).
    pub name: String,
    /// Rust module the API is generated into (e.g. `aws_transfer`).
    pub module: String,
    pub title: String,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Source files, in the order they were merged.
    pub sources: Vec<String>,
    pub servers: Vec<Server>,
    pub protocol: Protocol,
    /// How a server stub answers what it rejects before an operation runs.
    pub errors: ErrorFormat,
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    pub operations: Vec<Operation>,
    /// Requests the API sends to you: 3.1 `webhooks` and 3.0/3.1
    /// `callbacks`, each as an operation a receiver serves at
    /// `/{name}` (its Rust name), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub incoming: Vec<Operation>,
    /// Every named type, keyed by its Rust name.
    pub types: BTreeMap<String, NamedType>,
    /// Warnings found while reading and lowering (nothing is dropped
    /// silently: what the IR cannot say is reported here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Server {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, ServerVariable>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerVariable {
    pub default: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// How requests and responses travel on the wire.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Protocol {
    /// Plain HTTP: method, path template, parameters, media-typed bodies.
    #[serde(rename = "rest")]
    Rest,
    /// AWS JSON 1.1: every operation is `POST /` with
    /// `X-Amz-Target: {target_prefix}.{Operation}` and an
    /// `application/x-amz-json-1.1` body; errors are told apart by an error
    /// code (`x-amzn-ErrorType` header, else body `code`, else `__type`).
    #[serde(rename = "awsJson1_1")]
    AwsJson1_1 { target_prefix: String },
}

/// How a server answers requests it rejects before the operation runs
/// (bad parameters, missing credentials, unknown routes): in the vendor's
/// own error format, from `x-apigen-errors` (defaults per style).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorFormat {
    pub style: ErrorStyle,
    /// Response header carrying a fresh request id (`x-amzn-RequestId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id_header: Option<String>,
    /// One reply per kind of rejection, all kinds present.
    pub replies: BTreeMap<Rejection, Reply>,
}

/// The shape of an error body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ErrorStyle {
    /// RFC 9457 `application/problem+json`.
    Problem,
    /// FastAPI: `{"detail": "..."}`; validation errors as
    /// `{"detail": [{"type", "loc", "msg", "input"}]}`.
    FastApi,
    /// A JSON object with a code field, a message field and constant fields
    /// (`{"success": false, "error": code, "msg": message}`).
    Fields {
        code_field: String,
        message_field: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        constants: BTreeMap<String, Value>,
    },
    /// AWS JSON: `{"__type": code, "Message": message}` with
    /// `x-amzn-ErrorType: code`.
    AwsJson,
}

/// What a server stub can reject before calling the implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Rejection {
    /// A parameter or the body is malformed or breaks a constraint.
    Validation,
    /// No credentials for any of the operation's security alternatives.
    Unauthenticated,
    /// Credentials were given but are not known (a wrong key or token).
    InvalidCredentials,
    /// A request signature does not verify.
    BadSignature,
    /// A signature whose date is too far from the server's clock (15
    /// minutes); the message is followed by the dates.
    ExpiredSignature,
    /// No documented route matches the path.
    NotFound,
    /// The path exists, but not with this method.
    MethodNotAllowed,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The request says twice what it may say once, so that a proxy and
    /// the stub could read it differently: a credential or `Host` given
    /// more than once. The message is followed by what was repeated.
    AmbiguousRequest,
    /// The body did not arrive within the server's body timeout.
    RequestTimeout,
    /// The body's media type is not the documented one.
    UnsupportedMediaType,
    /// awsJson1_1: an `X-Amz-Target` naming no operation.
    UnknownOperation,
    /// The implementation's answer could not be sent.
    Internal,
}

impl Rejection {
    pub const ALL: [Rejection; 13] = [
        Rejection::Validation,
        Rejection::Unauthenticated,
        Rejection::InvalidCredentials,
        Rejection::BadSignature,
        Rejection::ExpiredSignature,
        Rejection::NotFound,
        Rejection::MethodNotAllowed,
        Rejection::PayloadTooLarge,
        Rejection::AmbiguousRequest,
        Rejection::RequestTimeout,
        Rejection::UnsupportedMediaType,
        Rejection::UnknownOperation,
        Rejection::Internal,
    ];
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub status: u16,
    /// Error code (`invalid_request`, `InvalidRequestException`); empty
    /// where the style has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "get" => Method::Get,
            "put" => Method::Put,
            "post" => Method::Post,
            "delete" => Method::Delete,
            "options" => Method::Options,
            "head" => Method::Head,
            "patch" => Method::Patch,
            "trace" => Method::Trace,
            _ => return None,
        })
    }

    /// RFC 9110 idempotent methods.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

/// What a path template matches, with parameter names left out: two
/// templates with the same shape match the same requests. Literal text
/// around a segment's one parameter is kept (`/files/{}.json` is not
/// `/files/{}`, OData's `fn(param={})` is not `{}`); a segment of several
/// parameters (`{base}...{head}`) is matched as one value, so it is `{}`.
pub fn path_shape(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| match (seg.find('{'), seg.rfind('}')) {
            (Some(open), Some(close)) if open < close && seg[open + 1..close].contains(['{', '}']) => "{}".to_owned(),
            (Some(open), Some(close)) if open < close => format!("{}{{}}{}", &seg[..open], &seg[close + 1..]),
            _ => seg.to_owned(),
        })
        .collect();
    segments.join("/")
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Rust method name: snake_case, unique within the API, not a keyword.
    pub name: String,
    /// UpperCamelCase name the operation's own types start with
    /// (`{type_name}Response`, `{type_name}Error`, `{type_name}Input`),
    /// unique within the API.
    pub type_name: String,
    /// The `operationId` as written, or one derived from method and path.
    pub id: String,
    pub method: Method,
    /// Path template exactly as documented (trailing slash included).
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Safe to retry: the method's semantics or `x-apigen-idempotent`.
    pub idempotent: bool,
    /// `X-Amz-Target` value, for awsJson1_1 operations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub parameters: Vec<Parameter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<RequestBody>,
    /// Sorted: status codes ascending, then ranges, then `default`.
    pub responses: Vec<Response>,
    pub security: Security,
    /// Server override for this operation (empty: the API's servers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Server>,
    /// How to walk the pages of a paginated list operation, when lowering
    /// recognised one (or `x-apigen-pagination` declared it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Largest request body a server stub reads, in bytes
    /// (`x-apigen-body-limit` of the operation, else of the document);
    /// `None`: the runtime's default (1 MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_limit: Option<u64>,
    /// Whether a server stub hands a binary request body to the
    /// implementation, and takes a binary response from it, as a stream
    /// (`x-apigen-stream`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stream: bool,
}

/// A paginated list operation: where one page's items are, and how to ask
/// for the next page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pagination {
    /// The documented success status whose body is one page (e.g. 200).
    pub status: u16,
    /// JSON property path from the body root to the items array; empty
    /// when the body itself is the array.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// The item type (the array's `items` TypeRef).
    pub item: TypeRef,
    pub next: NextPage,
    /// Why lowering decided so, in words shown by `apigen review` (e.g.
    /// "200 documents a `Link` header and its body is an array").
    pub reason: String,
}

/// How the next page is requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum NextPage {
    /// RFC 8288 `Link` response header, `rel="next"`: the next page is
    /// that URL, requested as is.
    LinkHeader,
    /// A URL (absolute or relative to the server) in a body field: Azure
    /// `x-ms-pageable` `nextLinkName`, a `next` field documented as
    /// `format: uri`.
    NextLink {
        /// JSON property path from the body root to the URL.
        field: Vec<String>,
    },
    /// A cursor fed back as a query parameter.
    Cursor {
        /// The query parameter's wire name (`starting_after`,
        /// `page_token`, `pageToken`, `cursor`).
        parameter: String,
        /// Where the cursor comes from.
        from: CursorSource,
        /// A boolean body field that says whether there is another page
        /// (Stripe `has_more`); when absent, an empty or missing cursor
        /// ends the walk.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        has_more: Option<Vec<String>>,
    },
}

/// Where a cursor's value is read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CursorSource {
    /// A body field (`next_page_token`, `nextPageToken`, `next_cursor`,
    /// `next`): its JSON property path from the body root.
    Field(Vec<String>),
    /// A property of the page's last item (Stripe: `starting_after` = the
    /// last item's `id`).
    LastItem(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Style {
    Simple,
    Label,
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// Name on the wire.
    pub name: String,
    /// Rust identifier, unique within the operation.
    pub rust_name: String,
    pub location: Location,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub style: Style,
    pub explode: bool,
    /// Set when the parameter is declared with `content` (serialised as
    /// that media type) instead of `schema`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
    /// The schema's `default`: what the server assumes when it is omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub contents: Vec<Content>,
}

/// One media type of a body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub media_type: String,
    /// `None` when the media type has no schema (raw bytes).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub ty: Option<TypeRef>,
    /// Named examples as documented (`example` is stored as `"default"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub examples: BTreeMap<String, Value>,
    /// How properties of a `multipart/form-data` or form body are encoded
    /// (`encoding`), by property name; only properties that say something.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encoding: BTreeMap<String, Encoding>,
}

/// One property's `encoding` in a multipart or form body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Encoding {
    /// The part's media type as documented: one type, a range (`image/*`)
    /// or a comma-separated list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub explode: bool,
}

/// A documented response status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum Status {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    Default,
}

impl From<Status> for String {
    fn from(s: Status) -> String {
        match s {
            Status::Code(c) => c.to_string(),
            Status::Range(r) => format!("{r}XX"),
            Status::Default => "default".into(),
        }
    }
}

impl TryFrom<String> for Status {
    type Error = String;
    fn try_from(s: String) -> Result<Status, String> {
        if s == "default" {
            return Ok(Status::Default);
        }
        if let Some(d) = s.strip_suffix("XX") {
            return d.parse().map(Status::Range).map_err(|_| format!("bad status range `{s}`"));
        }
        s.parse().map(Status::Code).map_err(|_| format!("bad status `{s}`"))
    }
}

impl Status {
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(c) => (200..300).contains(&c),
            Status::Range(r) => r == 2,
            Status::Default => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub status: Status,
    /// The status's variant in the operation's response enums (`NotFound`,
    /// `Status4xx`), unique within the operation together with the error
    /// codes' names. A response told apart by error codes (`errors`) has
    /// a variant per code instead.
    pub rust_name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contents: Vec<Content>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<Header>,
    /// Protocol-level error codes carried by this status (awsJson1_1
    /// `__type`s), each with its body type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorCode>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub rust_name: String,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub ty: TypeRef,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorCode {
    pub code: String,
    /// The code's variant in the operation's response enums; the same
    /// for the same code under several statuses.
    pub rust_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
}

/// Security requirements: any one alternative (OR), each satisfied by all
/// of its schemes (AND). No alternatives: no authentication. An empty
/// alternative: anonymous access allowed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Security {
    pub alternatives: Vec<Vec<SchemeUse>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeUse {
    pub scheme: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SecurityScheme {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(flatten)]
    pub kind: SchemeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyLocation {
    Header,
    Query,
    Cookie,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum SchemeKind {
    /// `Authorization: Bearer <token>`.
    HttpBearer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    HttpBasic,
    /// Another HTTP authentication scheme, passed through as written.
    Http {
        scheme: String,
    },
    ApiKey {
        location: KeyLocation,
        name: String,
    },
    /// AWS Signature Version 4 over the whole request.
    AwsSigV4 {
        service: String,
    },
    /// Huawei Cloud SDK-HMAC-SHA256 AK/SK signing.
    HuaweiSdkHmacSha256 {
        date_header: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        project_header: Option<String>,
    },
    OAuth2 {
        flows: BTreeMap<String, OAuthFlow>,
    },
    OpenIdConnect {
        url: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OAuthFlow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    pub scopes: BTreeMap<String, String>,
}

/// A use of a type: a named type, or an anonymous scalar/container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TypeRef {
    Named {
        name: String,
    },
    String {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(flatten)]
        constraints: StringConstraints,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(flatten)]
        bounds: Bounds,
    },
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(flatten)]
        bounds: Bounds,
    },
    Boolean,
    /// Raw bytes (`format: binary`, or a body without a schema).
    Binary,
    Array {
        items: Box<TypeRef>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u64>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        unique_items: bool,
    },
    /// A JSON object used as a map from string keys to `values`.
    Map {
        values: Box<TypeRef>,
    },
    /// The value may be JSON `null` (distinct from the field being absent).
    Nullable {
        inner: Box<TypeRef>,
    },
    /// Only `null`.
    Null,
    /// Any JSON value.
    Any,
}

impl TypeRef {
    pub fn named(name: impl Into<String>) -> TypeRef {
        TypeRef::Named { name: name.into() }
    }

    /// Pushes every type name this use mentions (inside arrays, maps and
    /// nullables too).
    pub fn named_types<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            TypeRef::Named { name } => out.push(name),
            TypeRef::Array { items: inner, .. } | TypeRef::Map { values: inner } | TypeRef::Nullable { inner } => {
                inner.named_types(out)
            }
            _ => {}
        }
    }

    /// A string with a pattern or length bounds: a named alias of one is
    /// a newtype of its own, not a plain alias.
    pub fn is_constrained_string(&self) -> bool {
        matches!(self, TypeRef::String { constraints, .. } if !constraints.is_empty())
    }

    pub fn nullable(self) -> TypeRef {
        match self {
            t @ (TypeRef::Nullable { .. } | TypeRef::Null | TypeRef::Any) => t,
            t => TypeRef::Nullable { inner: Box::new(t) },
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StringConstraints {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// ECMA-262 regular expression, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

impl StringConstraints {
    pub fn is_empty(&self) -> bool {
        self.min_length.is_none() && self.max_length.is_none() && self.pattern.is_none()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_minimum: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_maximum: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<serde_json::Number>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedType {
    pub name: String,
    /// Where the schema sits (JSON pointer), for diagnostics and docs.
    pub origin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<Value>,
    #[serde(flatten)]
    pub kind: TypeKind,
    /// JSON Schema 2020-12 assertions the Rust type does not express.
    #[serde(default, skip_serializing_if = "Keywords::is_empty")]
    pub keywords: Keywords,
    /// The members of the schema's `allOf`, merged or not: the named type
    /// of a `$ref`, `allOf/{i}` for an inline one (what a diff compares).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all_of: Vec<String>,
}

/// JSON Schema 2020-12 keywords (OpenAPI 3.1) beside the type they
/// constrain: review, diff and server stubs read them; the Rust type of
/// the value is the one of [`TypeKind`]. A schema that carries any of them
/// is always a named type, so that the keywords have a place.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Keywords {
    /// `const`: the only value allowed (also given as a one-value enum).
    #[serde(rename = "const", default, skip_serializing_if = "Option::is_none")]
    pub constant: Option<Value>,
    /// `contains`: at least one item (`minContains`..`maxContains` items)
    /// is of this schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<Subschema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_contains: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_contains: Option<u64>,
    /// `prefixItems`: the schemas of the first items, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_items: Vec<Subschema>,
    /// `dependentRequired`: when the key is present, so must these be.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dependent_required: BTreeMap<String, Vec<String>>,
    /// `dependentSchemas`: when the key is present, the object is also of
    /// this schema.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dependent_schemas: BTreeMap<String, Subschema>,
    /// `patternProperties`: properties whose name matches the regular
    /// expression (ECMA-262) are of the schema.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pattern_properties: BTreeMap<String, Subschema>,
    /// `propertyNames`: every property name is of this (string) schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub property_names: Option<Subschema>,
    /// `if`: when the value is of this schema, it must be of `then`, else
    /// of `else`.
    #[serde(rename = "if", default, skip_serializing_if = "Option::is_none")]
    pub if_: Option<Subschema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Subschema>,
    #[serde(rename = "else", default, skip_serializing_if = "Option::is_none")]
    pub else_: Option<Subschema>,
    /// `unevaluatedItems` / `unevaluatedProperties`: the schema of items or
    /// properties no other keyword described (`false`: none allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unevaluated_items: Option<Subschema>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unevaluated_properties: Option<Subschema>,
}

impl Keywords {
    pub fn is_empty(&self) -> bool {
        *self == Keywords::default()
    }
}

/// The schema of a 2020-12 keyword: a type, or a boolean schema (`true`
/// admits anything, `false` nothing).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Subschema {
    Bool(bool),
    Type(TypeRef),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        /// Properties not listed (`additionalProperties`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional: Option<Additional>,
    },
    Enum {
        values: Vec<EnumValue>,
        /// The variant for values this version does not document
        /// (`Unknown`, unless a value has that name).
        unknown: String,
    },
    /// Exactly one of the variants (`oneOf`).
    OneOf {
        variants: Vec<Variant>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        discriminator: Option<Discriminator>,
    },
    /// One or more of the variants (`anyOf`).
    AnyOf { variants: Vec<Variant> },
    /// All of the parts at once (`allOf` that could not be merged into one
    /// struct).
    AllOf { parts: Vec<TypeRef> },
    /// A named use of another type (a constrained string, an array, ...).
    Alias {
        #[serde(rename = "type")]
        ty: TypeRef,
    },
}

impl TypeKind {
    /// The type uses a definition is written with (fields, variants,
    /// parts; not discriminator mappings, which name types).
    pub fn refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct { fields, additional } => {
                fields.iter().map(|f| &f.ty).chain(additional.as_ref().map(|a| &a.ty)).collect()
            }
            TypeKind::OneOf { variants, .. } | TypeKind::AnyOf { variants } => variants.iter().map(|v| &v.ty).collect(),
            TypeKind::AllOf { parts } => parts.iter().collect(),
            TypeKind::Alias { ty } => vec![ty],
            TypeKind::Enum { .. } => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// Property name on the wire.
    pub name: String,
    pub rust_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub required: bool,
    /// The field contains its own type by value (directly or through
    /// other structs), so an emitter must box it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recursive: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub write_only: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// A struct's map of the properties it does not list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Additional {
    /// The map's field: `additional_properties`, unless a property has
    /// that name.
    pub rust_name: String,
    /// Type of each such property's value.
    #[serde(rename = "type")]
    pub ty: TypeRef,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: Value,
    /// UpperCamelCase variant name, unique within the enum.
    pub rust_name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub rust_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Discriminator {
    pub property: String,
    /// Wire value → Rust type name.
    pub mapping: BTreeMap<String, String>,
    /// The variant for a tag this version does not document (`Unknown`,
    /// unless an arm has that name).
    pub unknown: String,
}

/// One arm of the tagged enum a discriminated `oneOf` is emitted as.
#[derive(Clone, Debug, PartialEq)]
pub struct Arm<'v> {
    pub rust_name: String,
    pub ty: &'v TypeRef,
    /// The wire value of the discriminator property that selects the arm.
    pub tag: String,
}

impl Discriminator {
    /// The arms of the tagged enum, in variant order. A variant that one
    /// mapping value (or none: its type's name) selects is one arm, named
    /// as the variant. A variant that several values select is one arm
    /// per value (in wire order), named after the value: with a single
    /// arm the value would be lost on the way in and the client would
    /// always send the first (scalar-galaxy maps five values to `Planet`).
    /// Names are unique; a value's name that a variant has gets a suffix.
    pub fn arms<'v>(&self, variants: &'v [Variant]) -> Vec<Arm<'v>> {
        let tags = |v: &Variant| -> Vec<&str> {
            let TypeRef::Named { name } = &v.ty else { return Vec::new() };
            self.mapping.iter().filter(|(_, t)| *t == name).map(|(w, _)| w.as_str()).collect()
        };
        let mut namer = crate::naming::Namer::new();
        variants.iter().filter(|v| tags(v).len() < 2).for_each(|v| namer.reserve(&v.rust_name));
        let mut arms = Vec::new();
        for v in variants {
            match tags(v).as_slice() {
                [] => {
                    let tag = match &v.ty {
                        TypeRef::Named { name } => name.clone(),
                        _ => v.rust_name.clone(),
                    };
                    arms.push(Arm { rust_name: v.rust_name.clone(), ty: &v.ty, tag });
                }
                [one] => arms.push(Arm { rust_name: v.rust_name.clone(), ty: &v.ty, tag: one.to_string() }),
                many => arms.extend(many.iter().map(|w| Arm {
                    rust_name: namer.claim(&crate::naming::camel(w)),
                    ty: &v.ty,
                    tag: w.to_string(),
                })),
            }
        }
        arms
    }
}
