//! The HTTP machinery every generated client shares: configuration, the
//! send/retry loop, authentication hooks, RFC 3986 path segments and the
//! status-first error type. Generated operations only describe a request
//! ([`Call`]) and match the [`RawResponse`] on its status.

use super::retry::{Decision, RetryPolicy};
use std::fmt;
use std::time::Duration;

pub use bytes::Bytes;
pub use reqwest::StatusCode;
pub use reqwest::header::HeaderMap;

/// A response exactly as received: status, headers and the whole body.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The protocol's error code (awsJson1_1: `x-amzn-ErrorType`, body
    /// `code` or `__type`), when the protocol has one and the response
    /// carries it.
    pub error_code: Option<String>,
}

impl RawResponse {
    /// The body as text (lossy), for messages and logs.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// Everything an operation can fail with. `E` is the operation's own enum of
/// documented error responses.
#[derive(Debug)]
pub enum Error<E> {
    /// A documented error response, decoded into its documented type.
    Response(E),
    /// A response the spec does not document (status or error code),
    /// kept whole.
    Undocumented(RawResponse),
    /// A documented response whose body does not match its documented
    /// type; the response is kept whole.
    Decode { response: RawResponse, message: String },
    /// The request could not be built: missing credentials, a parameter no
    /// URL or header can carry, or a signing failure. Nothing was sent.
    Request(RequestError),
    /// The request could not be sent or the response not read.
    Transport(reqwest::Error),
}

impl<E> Error<E> {
    /// The documented error, if this is one.
    pub fn response(&self) -> Option<&E> {
        match self {
            Error::Response(e) => Some(e),
            _ => None,
        }
    }

    /// The raw response of an undocumented or undecodable answer.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::Undocumented(r) | Error::Decode { response: r, .. } => Some(r),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Response(e) => write!(f, "error response: {e:?}"),
            Error::Undocumented(r) => {
                write!(f, "undocumented response {}", r.status)?;
                if let Some(code) = &r.error_code {
                    write!(f, " ({code})")?;
                }
                write!(f, ": {}", r.text())
            }
            Error::Decode { response, message } => {
                write!(f, "response {} does not match its documented type: {message}", response.status)
            }
            Error::Request(e) => write!(f, "{e}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Request(e) => Some(e),
            _ => None,
        }
    }
}

impl<E> From<RequestError> for Error<E> {
    fn from(e: RequestError) -> Self {
        Error::Request(e)
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Request(e) => Error::Request(e),
            Failure::Transport(e) => Error::Transport(e),
        }
    }
}

impl<E> From<DecodeError> for Error<E> {
    fn from(e: DecodeError) -> Self {
        Error::Decode { response: *e.response, message: e.message }
    }
}

/// Why a request was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestError(pub String);

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RequestError {}

/// A failure before any response was received.
#[derive(Debug)]
pub enum Failure {
    Request(RequestError),
    Transport(reqwest::Error),
}

/// A documented body that could not be decoded.
#[derive(Debug)]
pub struct DecodeError {
    pub response: Box<RawResponse>,
    pub message: String,
}

/// Why a client could not be built.
#[derive(Debug)]
pub enum BuildError {
    /// The base URL (or the server template with its variables) is not a URL.
    BaseUrl(String),
    /// A server variable the server template does not have, or a value
    /// outside its documented list.
    ServerVariable(String),
    /// The HTTP client could not be created (TLS setup).
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::BaseUrl(m) | BuildError::ServerVariable(m) => f.write_str(m),
            BuildError::Http(e) => write!(f, "cannot create the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// A documented server: a URL template and its variables with defaults.
#[derive(Clone, Copy, Debug)]
pub struct Server {
    pub url: &'static str,
    /// `(name, default, allowed values)`; an empty list allows any value.
    pub variables: &'static [(&'static str, &'static str, &'static [&'static str])],
}

/// How a client talks to its server. Every setting has a default.
#[derive(Clone, Debug, Default)]
pub struct ClientConfig {
    base_url: Option<String>,
    variables: Vec<(String, String)>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
}

impl ClientConfig {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends requests here instead of the documented server
    /// (e.g. `http://127.0.0.1:8080`, or a URL with a path prefix).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets a variable of the documented server URL (e.g. `region`).
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.variables.push((name.into(), value.into()));
        self
    }

    /// Default: `{crate name}/{crate version}`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Total time allowed for one attempt (default 30 s).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }

    /// Time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = Some(t);
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Uses this `reqwest::Client` as is (its own timeouts, proxy, TLS);
    /// `user_agent`, `timeout` and `connect_timeout` are then ignored.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the transport for a client whose documented server is `server`.
    pub fn build(self, server: &Server) -> Result<Transport, BuildError> {
        let base = match self.base_url {
            Some(b) => b,
            None if server.url.starts_with("http") => expand(server, &self.variables)?,
            None => {
                return Err(BuildError::BaseUrl(format!(
                    "the spec documents no absolute server URL (`{}`); set ClientConfig::base_url",
                    server.url
                )));
            }
        };
        let parsed = reqwest::Url::parse(&base).map_err(|e| BuildError::BaseUrl(format!("base URL `{base}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(BuildError::BaseUrl(format!("base URL `{base}` must be http or https")));
        }
        let http = match self.http {
            Some(c) => c,
            None => {
                // rustls with ring (no C toolchain needed); an error only
                // means the process already chose a provider.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                .user_agent(self.user_agent.unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned()))
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(BuildError::Http)?
            }
        };
        Ok(Transport { http, base_url: base.trim_end_matches('/').to_owned(), retry: self.retry })
    }
}

const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// Fills a server template's `{variables}` from the configured values or
/// their documented defaults.
fn expand(server: &Server, values: &[(String, String)]) -> Result<String, BuildError> {
    let mut url = server.url.to_owned();
    for (name, _) in values {
        if !server.variables.iter().any(|(n, _, _)| n == name) {
            return Err(BuildError::ServerVariable(format!(
                "server `{}` has no variable `{name}`",
                server.url
            )));
        }
    }
    for (name, default, allowed) in server.variables {
        let value = values.iter().rev().find(|(n, _)| n == name).map_or(*default, |(_, v)| v.as_str());
        if !allowed.is_empty() && !allowed.contains(&value) {
            return Err(BuildError::ServerVariable(format!(
                "server variable `{name}` is `{value}`; documented values: {}",
                allowed.join(", ")
            )));
        }
        url = url.replace(&format!("{{{name}}}"), value);
    }
    Ok(url)
}

/// Credentials that can authenticate requests, scheme by scheme.
/// Generated per API from its security schemes.
pub trait Authorize {
    type Scheme: Copy + fmt::Debug;
    /// Whether credentials for `scheme` were given.
    fn has(&self, scheme: Self::Scheme) -> bool;
    /// Adds `scheme`'s credentials to a request that is otherwise complete.
    fn apply(&self, scheme: Self::Scheme, request: &mut reqwest::Request) -> Result<(), RequestError>;
}

/// The first documented alternative (OR) whose schemes (AND) all have
/// credentials; `Some(&[])` when anonymous access is allowed.
fn choose<'s, A: Authorize>(
    auth: &A,
    operation: &str,
    security: &'s [&'s [A::Scheme]],
) -> Result<&'s [A::Scheme], RequestError> {
    if security.is_empty() {
        return Ok(&[]);
    }
    if let Some(alt) = security.iter().find(|alt| alt.iter().all(|s| auth.has(*s))) {
        return Ok(alt);
    }
    let wanted: Vec<String> = security
        .iter()
        .map(|alt| alt.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" + "))
        .collect();
    Err(RequestError(format!("`{operation}` needs credentials for one of: {}", wanted.join(" | "))))
}

/// A request body, already serialised.
#[derive(Clone, Debug)]
pub struct Body {
    pub content_type: &'static str,
    pub bytes: Bytes,
}

impl Body {
    pub fn json<T: serde::Serialize + ?Sized>(content_type: &'static str, value: &T) -> Result<Body, RequestError> {
        serde_json::to_vec(value)
            .map(|v| Body { content_type, bytes: v.into() })
            .map_err(|e| RequestError(format!("cannot serialise the request body: {e}")))
    }

    /// `application/x-www-form-urlencoded`: one pair per property; nested
    /// arrays and objects in brackets (`items[0][price]=…`,
    /// `metadata[k]=…`), as Stripe and Rails-style services read them;
    /// `null` left out.
    pub fn form<T: serde::Serialize + ?Sized>(content_type: &'static str, value: &T) -> Result<Body, RequestError> {
        let value = serde_json::to_value(value).map_err(|e| RequestError(format!("cannot serialise the request body: {e}")))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(RequestError("a form body must be an object".into()));
        };
        let mut pairs = Vec::new();
        for (k, v) in &fields {
            bracketed(k.clone().into(), v, &mut pairs);
        }
        let encode = |s: &str| percent_encoding::utf8_percent_encode(s, FORM).to_string();
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        Ok(Body { content_type, bytes: text.join("&").into() })
    }
}

/// What a form value keeps as is (the URL standard's
/// application/x-www-form-urlencoded set, with space as `%20`).
const FORM: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// One operation's request, as a generated method describes it.
pub struct Call<'a, S> {
    pub operation: &'static str,
    pub method: reqwest::Method,
    /// Path with every parameter already encoded by [`segment`].
    pub path: String,
    pub query: Vec<(QueryName, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Body>,
    /// Safe to send again (retries are on for these only, by default).
    pub idempotent: bool,
    pub security: &'a [&'a [S]],
    /// Reads the protocol's error code from a response, if it has one.
    pub error_code: fn(&HeaderMap, &[u8]) -> Option<String>,
    /// Whether a response is worth another attempt under this protocol.
    pub transient: fn(&RawResponse) -> bool,
}

/// A configured HTTP client for one API.
#[derive(Clone, Debug)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    retry: RetryPolicy,
}

impl Transport {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends `call`, retrying as the policy allows, and returns the final
    /// response whatever its status.
    pub async fn execute<A: Authorize>(&self, auth: &A, call: Call<'_, A::Scheme>) -> Result<RawResponse, Failure> {
        let schemes = choose(auth, call.operation, call.security).map_err(Failure::Request)?;
        let mut attempt = 1;
        loop {
            let mut request = self.build(&call).map_err(Failure::Request)?;
            for scheme in schemes {
                auth.apply(*scheme, &mut request).map_err(Failure::Request)?;
            }
            let outcome = match self.http.execute(request).await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(body) => {
                            let error_code = (call.error_code)(&headers, &body);
                            Ok(RawResponse { status, headers, body, error_code })
                        }
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            let decision = self.retry.decide(attempt, call.idempotent, &outcome, call.transient);
            match (decision, outcome) {
                (Decision::RetryAfter(delay), _) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                (Decision::Stop, Ok(response)) => return Ok(response),
                (Decision::Stop, Err(e)) => return Err(Failure::Transport(e)),
            }
        }
    }

    fn build<S>(&self, call: &Call<'_, S>) -> Result<reqwest::Request, RequestError> {
        let text = format!("{}{}", self.base_url, call.path);
        let mut url = reqwest::Url::parse(&text).map_err(|e| RequestError(format!("URL `{text}`: {e}")))?;
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        let host = host_header(&url);
        let mut request = reqwest::Request::new(call.method.clone(), url);
        let headers = request.headers_mut();
        // Signers sign the Host header, so it is set here, as it will be sent.
        if let Some(host) = host {
            headers.insert(reqwest::header::HOST, host);
        }
        for (name, value) in &call.headers {
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| RequestError(format!("header `{name}`: the value cannot be sent in an HTTP header")))?;
            headers.append(*name, value);
        }
        if let Some(body) = &call.body {
            headers.insert(reqwest::header::CONTENT_TYPE, reqwest::header::HeaderValue::from_static(body.content_type));
            *request.body_mut() = Some(body.bytes.clone().into());
        }
        Ok(request)
    }
}

fn host_header(url: &reqwest::Url) -> Option<reqwest::header::HeaderValue> {
    let host = url.host_str()?;
    let value = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    reqwest::header::HeaderValue::from_str(&value).ok()
}

/// Encodes a path parameter as one RFC 3986 segment: everything but
/// unreserved characters is percent-encoded, so `/`, `?`, `#` and `%` in a
/// value stay inside the segment. A value that is empty, `.` or `..` would
/// still change the route (URL parsers resolve dot segments even when
/// encoded), so it is refused rather than sent.
pub fn segment(name: &str, value: impl fmt::Display) -> Result<String, RequestError> {
    let value = value.to_string();
    if value.is_empty() || value == "." || value == ".." {
        return Err(RequestError(format!(
            "path parameter `{name}` is `{value}`, which would change the route; no URL can carry it"
        )));
    }
    Ok(percent_encoding::utf8_percent_encode(&value, SEGMENT).to_string())
}

/// All but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Decodes a documented JSON body.
pub fn json<T: serde::de::DeserializeOwned>(response: &RawResponse) -> Result<T, DecodeError> {
    serde_json::from_slice(&response.body).map_err(|e| DecodeError { response: Box::new(response.clone()), message: e.to_string() })
}

/// Decodes a documented text body.
pub fn text(response: &RawResponse) -> Result<String, DecodeError> {
    String::from_utf8(response.body.to_vec())
        .map_err(|e| DecodeError { response: Box::new(response.clone()), message: format!("body is not UTF-8: {e}") })
}

/// The error code of a protocol that has none.
pub fn no_error_code(_: &HeaderMap, _: &[u8]) -> Option<String> {
    None
}

/// Value of a header parameter or a query parameter element.
pub fn param(value: impl fmt::Display) -> String {
    value.to_string()
}

/// A query parameter's name: documented names are static, `deepObject`
/// ones (`created[gte]`) are built.
pub type QueryName = std::borrow::Cow<'static, str>;

/// `style: deepObject` as the services using it read it (Stripe, Rails):
/// `name[key]=value`, arrays indexed (`name[0]`), nested to any depth,
/// `null` left out. A scalar is sent as `name=value`.
pub fn deep_object(name: &'static str, value: &impl serde::Serialize, out: &mut Vec<(QueryName, String)>) {
    if let Ok(v) = serde_json::to_value(value) {
        bracketed(name.into(), &v, out);
    }
}

/// `key=value`, or for arrays and objects `key[0]=…`, `key[field]=…`.
fn bracketed(key: QueryName, v: &serde_json::Value, out: &mut Vec<(QueryName, String)>) {
    match v {
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => out.push((key, s.clone())),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                bracketed(format!("{key}[{i}]").into(), item, out);
            }
        }
        serde_json::Value::Object(fields) => {
            for (k, item) in fields {
                bracketed(format!("{key}[{k}]").into(), item, out);
            }
        }
        scalar => out.push((key, scalar.to_string())),
    }
}

/// `style: form, explode: true` for an object: each property is its own
/// parameter (a nested value as JSON text); `null` is left out.
pub fn form_object(value: &impl serde::Serialize, out: &mut Vec<(QueryName, String)>) {
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(value) {
        for (k, v) in fields {
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::String(s) => out.push((k.into(), s)),
                other => out.push((k.into(), other.to_string())),
            }
        }
    }
}

/// Joins array elements for `style: form, explode: false` and `simple`.
pub fn join<T: fmt::Display>(values: &[T], sep: &str) -> String {
    values.iter().map(ToString::to_string).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pairs(out: &[(QueryName, String)]) -> Vec<(&str, &str)> {
        out.iter().map(|(k, v)| (k.as_ref(), v.as_str())).collect()
    }

    #[test]
    fn form_bodies_bracket_nested_values_and_encode_reserved_characters() {
        let body = Body::form(
            "application/x-www-form-urlencoded",
            &json!({"name": "a b&c=d", "metadata": {"k": "v/w"}, "items": [{"price": 5}], "gone": null}),
        )
        .unwrap();
        assert_eq!(
            std::str::from_utf8(&body.bytes).unwrap(),
            "name=a%20b%26c%3Dd&metadata%5Bk%5D=v%2Fw&items%5B0%5D%5Bprice%5D=5"
        );
        assert!(Body::form("application/x-www-form-urlencoded", &json!([1])).is_err());
    }

    #[test]
    fn deep_objects_nest_and_index_as_stripe_reads_them() {
        let mut out = Vec::new();
        deep_object("created", &json!({"gte": 1, "lt": 2}), &mut out);
        deep_object("expand", &json!(["data.customer", "data.invoice"]), &mut out);
        deep_object("lines", &json!([{"amount": 5, "tax": {"code": "t"}, "note": null}]), &mut out);
        deep_object("limit", &10, &mut out);
        assert_eq!(
            pairs(&out),
            [
                ("created[gte]", "1"),
                ("created[lt]", "2"),
                ("expand[0]", "data.customer"),
                ("expand[1]", "data.invoice"),
                ("lines[0][amount]", "5"),
                ("lines[0][tax][code]", "t"),
                ("limit", "10"),
            ]
        );
    }

    #[test]
    fn exploded_form_objects_are_one_pair_per_property() {
        let mut out = Vec::new();
        form_object(&json!({"a": "x y", "b": true, "c": null, "d": [1, 2]}), &mut out);
        assert_eq!(pairs(&out), [("a", "x y"), ("b", "true"), ("d", "[1,2]")]);
    }
}
