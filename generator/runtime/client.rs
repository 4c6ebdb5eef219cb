//! The HTTP machinery every generated client shares: configuration, the
//! send/retry loop, authentication hooks, RFC 3986 path segments and the
//! status-first error type. Generated operations only describe a request
//! ([`Call`]) and match the [`RawResponse`] on its status.
//!
//! Every call is one `tracing` span, `apigen.request`, with the operation
//! id, the method, the documented path template (never the filled path),
//! the attempt, the status and the elapsed time; each retry is an event
//! with its reason and wait. Credentials never appear in them: they are
//! added after the interceptors, and signed headers are marked sensitive.

use super::retry::{Decision, RetryPolicy, Tokens};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tracing::Instrument;

pub use super::stream::{BodySource, ByteStream};
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

/// A documented success: the decoded value with the response's status and
/// every header, documented or not (request ids, rate limits, ETags).
#[derive(Clone, Debug)]
pub struct Success<T> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub value: T,
}

impl<T> Success<T> {
    /// The value with the status and headers of `response` (its body,
    /// already decoded into `value`, is not kept twice).
    pub fn new(value: T, response: RawResponse) -> Self {
        Success { status: response.status, headers: response.headers, value }
    }

    /// The decoded value alone.
    pub fn into_value(self) -> T {
        self.value
    }

    /// A header's value as text, when the response carries it once and it
    /// is visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What an operation's request (its builder) answers with: `Value`, the
/// documented success, or `Error<Self::Error>`. The builder's methods name
/// their results through the aliases below, one short line each.
pub trait Operation {
    /// The documented success value.
    type Value;
    /// The documented error responses (the operation's `…Error` enum).
    type Error;
}

/// What `send` gives: the documented success value, or the error.
pub type Sent<O> = Result<<O as Operation>::Value, Error<<O as Operation>::Error>>;

/// What `send_with_response` (and each page of `pages`) gives: the success
/// value with its status and headers, or the error.
pub type SentWithResponse<O> = Result<Success<<O as Operation>::Value>, Error<<O as Operation>::Error>>;

/// A request as the transport sends it, or why it could not be built.
pub type Prepared<O, S> = Result<Call<'static, S>, Error<<O as Operation>::Error>>;

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
    /// A page of a paginated walk points at a page already fetched
    /// (`cursor`: its cursor or URL); the walk ends instead of looping.
    RepeatedPage { cursor: String },
    /// The call's deadline ([`ClientConfig::deadline`]) passed before an
    /// answer worth returning came back.
    Deadline(DeadlineError),
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
            Error::RepeatedPage { cursor } => write!(f, "the next page `{cursor}` was already fetched: the pages loop"),
            Error::Deadline(e) => write!(f, "{e}"),
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
            Failure::Deadline(e) => Error::Deadline(e),
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
    Deadline(DeadlineError),
}

/// A call stopped by its deadline: during an attempt, or because the wait
/// before the next one would pass it.
#[derive(Debug)]
pub struct DeadlineError {
    /// The deadline the call had.
    pub deadline: Duration,
    /// Attempts started.
    pub attempts: u32,
    /// The transient answer that would have been retried, when the wait for
    /// the next attempt is what passed the deadline.
    pub last_response: Option<RawResponse>,
}

impl fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the call's deadline of {:?} passed after {} attempt(s)", self.deadline, self.attempts)?;
        match &self.last_response {
            Some(r) => write!(f, "; the last answer was {}", r.status),
            None => Ok(()),
        }
    }
}

impl std::error::Error for DeadlineError {}

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
    deadline: Option<Duration>,
    retry: RetryPolicy,
    interceptors: Interceptors,
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

    /// Time allowed for a whole call: every attempt and every wait between
    /// them (default: none; `timeout` still bounds each attempt). A call
    /// past it fails with [`Error::Deadline`]; a retry whose wait would
    /// pass it is not waited for. Per call: `Client::with_deadline`.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds an interceptor; they run in the order added, on every attempt.
    pub fn interceptor(mut self, interceptor: impl Interceptor) -> Self {
        self.interceptors.0.push(Arc::new(interceptor));
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
                // means the process already chose a provider. rustls
                // 0.23.48 deprecates ring for its lack of post-quantum key
                // exchange: a caller who needs that passes a client built
                // on aws-lc-rs (`ClientConfig::http_client`), and every other
                // build is spared aws-lc-sys.
                #[allow(deprecated)]
                let provider = rustls::crypto::ring::default_provider();
                let _ = provider.install_default();
                reqwest::Client::builder()
                .user_agent(self.user_agent.unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned()))
                .timeout(self.timeout.unwrap_or(Duration::from_secs(30)))
                .connect_timeout(self.connect_timeout.unwrap_or(Duration::from_secs(10)))
                .build()
                .map_err(BuildError::Http)?
            }
        };
        Ok(Transport {
            http,
            base_url: base.trim_end_matches('/').to_owned(),
            deadline: self.deadline,
            tokens: Tokens::new(self.retry.budget),
            retry: self.retry,
            interceptors: self.interceptors,
        })
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
    /// Adds `scheme`'s credentials to a request that is otherwise complete
    /// (asking a provider for them if they come from one).
    fn apply(
        &self,
        scheme: Self::Scheme,
        request: &mut reqwest::Request,
    ) -> impl std::future::Future<Output = Result<(), RequestError>> + Send;
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

/// A request body, already serialised, or a stream read as it is sent.
#[derive(Clone, Debug)]
pub struct Body {
    /// The media type sent as `Content-Type` (with its parameters, such as
    /// a multipart boundary).
    pub content_type: std::borrow::Cow<'static, str>,
    /// The bytes (empty for a streamed body).
    pub bytes: Bytes,
    /// A streamed body: sent once, so a call with one is never retried.
    stream: Option<BodySource>,
}

impl Body {
    /// Bytes as given (octet streams, media types the caller encodes).
    pub fn bytes(content_type: &'static str, bytes: Bytes) -> Body {
        Body { content_type: content_type.into(), bytes, stream: None }
    }

    /// Bytes or a stream, as the caller gave them (binary bodies). A
    /// signed request (SigV4, Huawei's SDK-HMAC-SHA256) cannot carry a
    /// stream: the signature covers the body's hash, which would need the
    /// body read twice; the signer refuses it with a [`RequestError`].
    pub fn source(content_type: &'static str, source: BodySource) -> Body {
        match source.as_bytes() {
            Some(bytes) => Body::bytes(content_type, bytes.clone()),
            None => Body { content_type: content_type.into(), bytes: Bytes::new(), stream: Some(source) },
        }
    }

    /// Whether the body is a stream (sent once: the call is not retried).
    pub fn is_stream(&self) -> bool {
        self.stream.is_some()
    }

    /// A text body.
    pub fn text(content_type: &'static str, text: &str) -> Body {
        Body::bytes(content_type, Bytes::copy_from_slice(text.as_bytes()))
    }

    pub fn json<T: serde::Serialize + ?Sized>(content_type: &'static str, value: &T) -> Result<Body, RequestError> {
        serde_json::to_vec(value)
            .map(|v| Body::bytes(content_type, v.into()))
            .map_err(|e| RequestError(format!("cannot serialise the request body: {e}")))
    }

    /// An optional body encoded by `encode` ([`Body::json`], [`Body::form`]):
    /// none when `value` is absent.
    pub fn optional<T: ?Sized>(
        encode: fn(&'static str, &T) -> Result<Body, RequestError>,
        content_type: &'static str,
        value: Option<&T>,
    ) -> Result<Option<Body>, RequestError> {
        value.map(|v| encode(content_type, v)).transpose()
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
        Ok(Body::bytes(content_type, text.join("&").into()))
    }
}

/// The media type of a URL-encoded form body.
pub const FORM_URLENCODED: &str = "application/x-www-form-urlencoded";

/// What every operation's request builder has, the same for all: `send`,
/// `send_with_response`, and its [`Operation`] impl naming what they
/// return. Written here once; each operation invokes it
/// (`runtime::client::operation!(GetPetBuilder => types::Pet, GetPetError);`).
/// The builder has a `client` and the inherent `into_call` (the request
/// as the transport sends it) and `decode_response` (the response as
/// documented, or the error) the invocation's module writes.
#[allow(unused_macros)]
macro_rules! operation {
    ($builder:ident => $value:ty, $error:ty) => {
        impl $builder<'_> {
            /// Sends the request: the documented success value, or the error.
            pub fn send(self) -> impl Future<Output = runtime::client::Sent<Self>> {
                self.client.send(self.into_call(), |r| Self::decode_response(r).map(|r| r.value))
            }

            /// Sends the request: the success value with its status and headers.
            pub fn send_with_response(self) -> impl Future<Output = runtime::client::SentWithResponse<Self>> {
                self.client.send(self.into_call(), Self::decode_response)
            }
        }

        impl runtime::client::Operation for $builder<'_> {
            type Value = $value;
            type Error = $error;
        }
    };
}

// Path-based use, as `runtime::object!`: `runtime::client::operation!`.
#[allow(unused_imports)]
pub(crate) use operation;

/// What a form value keeps as is (the URL standard's
/// application/x-www-form-urlencoded set, with space as `%20`).
const FORM: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// Acts on every request and response of a client ([`ClientConfig::interceptor`]):
/// adds headers (correlation ids, idempotency keys), observes or rewrites
/// responses, or answers without the network (tests).
///
/// `request` runs on every attempt once the request is built and before
/// credentials are added and it is signed, so signatures cover what it
/// adds, and it never sees a credential. `response` runs on every answer,
/// a short-circuited one included, before the retry decision.
pub trait Interceptor: Send + Sync + 'static {
    /// May change the request; `Ok(Some(response))` answers this attempt
    /// with `response` without sending anything; an error stops the call
    /// as [`Error::Request`].
    fn request(&self, attempt: &Attempt, request: &mut reqwest::Request) -> Result<Option<RawResponse>, RequestError> {
        let _ = (attempt, request);
        Ok(None)
    }

    /// May observe or change an answer.
    fn response(&self, attempt: &Attempt, response: &mut RawResponse) {
        let _ = (attempt, response);
    }
}

/// A closure on every request: `|attempt, request| { … }`.
impl<F: Fn(&Attempt, &mut reqwest::Request) + Send + Sync + 'static> Interceptor for F {
    fn request(&self, attempt: &Attempt, request: &mut reqwest::Request) -> Result<Option<RawResponse>, RequestError> {
        self(attempt, request);
        Ok(None)
    }
}

/// What an interceptor knows of the attempt at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempt {
    /// The operation id (`delete_ssh_key`).
    pub operation: &'static str,
    /// The documented path template (`/api/v1/user/ssh-keys/{key_id}`).
    pub template: &'static str,
    /// 1 for the first attempt, 2 for the first retry…
    pub number: u32,
}

/// A client's interceptors, in order.
#[derive(Clone, Default)]
struct Interceptors(Vec<Arc<dyn Interceptor>>);

impl fmt::Debug for Interceptors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} interceptor(s)", self.0.len())
    }
}

impl Interceptors {
    /// Runs each in turn until one answers.
    fn request(&self, attempt: &Attempt, request: &mut reqwest::Request) -> Result<Option<RawResponse>, RequestError> {
        for i in &self.0 {
            if let Some(answer) = i.request(attempt, request)? {
                return Ok(Some(answer));
            }
        }
        Ok(None)
    }

    fn response(&self, attempt: &Attempt, response: &mut RawResponse) {
        self.0.iter().for_each(|i| i.response(attempt, response));
    }
}

/// One operation's request, as a generated method describes it.
pub struct Call<'a, S> {
    pub operation: &'static str,
    pub method: reqwest::Method,
    /// The documented path template, as traces show it.
    pub template: &'static str,
    /// Path with every parameter already encoded by [`segment`], or the
    /// whole URL of a next page.
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

/// A configured HTTP client for one API. Clones share the connection
/// pool and the retry budget.
#[derive(Clone, Debug)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    tokens: Tokens,
    interceptors: Interceptors,
}

impl Transport {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The same transport (pool and retry budget shared) with another
    /// deadline for each call.
    pub fn with_deadline(&self, deadline: Duration) -> Transport {
        Transport { deadline: Some(deadline), ..self.clone() }
    }

    /// Sends `call`, retrying as the policy, the budget and the deadline
    /// allow, and returns the final response whatever its status; all of it
    /// in one `apigen.request` span.
    pub async fn execute<A: Authorize>(&self, auth: &A, call: Call<'_, A::Scheme>) -> Result<RawResponse, Failure> {
        self.traced(auth, call, None).await
    }

    /// Sends the call an operation built (or fails with the error it met
    /// building it) and decodes the response with `decode`: the one async
    /// body every operation's `send` shares, so that rustc checks it once
    /// rather than once per operation (a generic function is type- and
    /// borrow-checked once; an `async fn` per operation was a coroutine
    /// each).
    pub async fn run<A: Authorize, T, E>(
        &self,
        auth: &A,
        call: Result<Call<'_, A::Scheme>, Error<E>>,
        decode: impl FnOnce(RawResponse) -> Result<T, Error<E>>,
    ) -> Result<T, Error<E>> {
        let response = self.execute(auth, call?).await?;
        decode(response)
    }

    /// As [`Transport::execute`], but a success (2xx) body is not read:
    /// it is handed out as a [`ByteStream`], with the status and headers.
    /// Other responses are read whole, as `execute` does, so that errors
    /// decode as documented. Retries happen before a stream is handed out,
    /// never after. `ClientConfig::timeout` bounds reading the stream too.
    pub async fn execute_streaming<A: Authorize>(
        &self,
        auth: &A,
        call: Call<'_, A::Scheme>,
    ) -> Result<Received, Failure> {
        let mut stream = None;
        let response = self.traced(auth, call, Some(&mut stream)).await?;
        Ok(match stream {
            Some(body) => Received::Streaming(Success { status: response.status, headers: response.headers, value: body }),
            None => Received::Whole(response),
        })
    }

    /// The call in its `apigen.request` span; a 2xx body goes into
    /// `stream` when it is given.
    async fn traced<A: Authorize>(
        &self,
        auth: &A,
        call: Call<'_, A::Scheme>,
        stream: Option<&mut Option<ByteStream>>,
    ) -> Result<RawResponse, Failure> {
        let span = tracing::info_span!(
            "apigen.request",
            operation = call.operation,
            method = %call.method,
            path = call.template,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            elapsed_ms = tracing::field::Empty,
        );
        let started = tokio::time::Instant::now();
        let outcome = self.attempts(auth, &call, started, &span, stream).instrument(span.clone()).await;
        span.record("elapsed_ms", millis(started.elapsed()));
        outcome
    }

    async fn attempts<A: Authorize>(
        &self,
        auth: &A,
        call: &Call<'_, A::Scheme>,
        started: tokio::time::Instant,
        span: &tracing::Span,
        mut stream: Option<&mut Option<ByteStream>>,
    ) -> Result<RawResponse, Failure> {
        let deadline = self.deadline.map(|d| started + d);
        let past_deadline = |attempts, last_response| {
            let deadline = self.deadline.unwrap_or_default();
            Failure::Deadline(DeadlineError { deadline, attempts, last_response })
        };
        let schemes = choose(auth, call.operation, call.security).map_err(Failure::Request)?;
        let (mut attempt, mut retry_cost) = (1, 0);
        loop {
            span.record("attempt", attempt);
            let this = Attempt { operation: call.operation, template: call.template, number: attempt };
            let mut request = self.build(call).map_err(Failure::Request)?;
            let mut outcome = match self.interceptors.request(&this, &mut request).map_err(Failure::Request)? {
                Some(answer) => Ok(answer),
                None => {
                    for scheme in schemes {
                        auth.apply(*scheme, &mut request).await.map_err(Failure::Request)?;
                    }
                    let sent = self.send(request, call, stream.as_deref_mut());
                    match deadline {
                        None => sent.await,
                        Some(at) => tokio::time::timeout_at(at, sent).await.map_err(|_| past_deadline(attempt, None))?,
                    }
                }
            };
            if let Ok(response) = &mut outcome {
                self.interceptors.response(&this, response);
                span.record("status", response.status.as_u16());
            }
            let decision = match call.body.as_ref().is_some_and(Body::is_stream) {
                // The stream has been read: there is nothing to send again.
                true => Decision::Stop,
                false => self.retry.decide(attempt, call.idempotent, &outcome, call.transient, SystemTime::now()),
            };
            if let Decision::RetryAfter(wait, cause) = decision {
                let wait_ms = millis(wait);
                if deadline.is_some_and(|at| tokio::time::Instant::now() + wait >= at) {
                    tracing::info!(attempt, reason = %cause, wait_ms, "not retried: the wait would pass the deadline");
                    return Err(past_deadline(attempt, outcome.ok()));
                }
                match self.tokens.take(cause) {
                    Some(cost) => {
                        tracing::info!(attempt, reason = %cause, wait_ms, "retrying");
                        tokio::time::sleep(wait).await;
                        (attempt, retry_cost) = (attempt + 1, cost);
                        continue;
                    }
                    None => tracing::info!(attempt, reason = %cause, "not retried: the retry budget is spent"),
                }
            }
            return match outcome {
                Ok(response) => {
                    if response.status.is_success() {
                        self.tokens.succeeded(retry_cost);
                    }
                    Ok(response)
                }
                // The URL may carry an API key in its query.
                Err(e) => Err(Failure::Transport(e.without_url())),
            };
        }
    }

    /// One attempt: the response with its whole body.
    async fn send<S>(
        &self,
        request: reqwest::Request,
        call: &Call<'_, S>,
        stream: Option<&mut Option<ByteStream>>,
    ) -> Result<RawResponse, reqwest::Error> {
        let response = self.http.execute(request).await?;
        read(response, call, stream).await
    }

    fn build<S>(&self, call: &Call<'_, S>) -> Result<reqwest::Request, RequestError> {
        // A followed next page is a whole URL (checked by
        // `paginate::follow`); documented paths start with `/`.
        let text = match call.path.starts_with("http://") || call.path.starts_with("https://") {
            true => call.path.clone(),
            false => format!("{}{}", self.base_url, call.path),
        };
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
            let content_type = reqwest::header::HeaderValue::from_str(&body.content_type)
                .map_err(|_| RequestError(format!("the media type `{}` cannot be sent in an HTTP header", body.content_type)))?;
            headers.insert(reqwest::header::CONTENT_TYPE, content_type);
            *request.body_mut() = Some(match &body.stream {
                None => body.bytes.clone().into(),
                Some(source) => {
                    let stream = source
                        .take_stream()
                        .ok_or_else(|| RequestError("the streamed body was already sent: a stream is sent once".into()))?;
                    if let Some(length) = stream.length() {
                        headers.insert(reqwest::header::CONTENT_LENGTH, length.into());
                    }
                    reqwest::Body::wrap(super::stream::StreamBody::new(stream))
                }
            });
        }
        Ok(request)
    }
}

/// A response of [`Transport::execute_streaming`].
#[derive(Debug)]
pub enum Received {
    /// A success, its body unread.
    Streaming(Success<ByteStream>),
    /// Any other response, read whole.
    Whole(RawResponse),
}

/// Reads a response: whole, or, for a 2xx when `stream` is given, its
/// status and headers only, the body going into `stream` unread.
async fn read<S>(
    response: reqwest::Response,
    call: &Call<'_, S>,
    stream: Option<&mut Option<ByteStream>>,
) -> Result<RawResponse, reqwest::Error> {
    let status = response.status();
    let headers = response.headers().clone();
    if let Some(slot) = stream.filter(|_| status.is_success()) {
        let length = response.content_length();
        let chunks = futures_util::stream::unfold(response, |mut r| async move {
            r.chunk().await.transpose().map(|chunk| (chunk, r))
        });
        let body = ByteStream::new(chunks);
        *slot = Some(match length {
            Some(n) => body.with_length(n),
            None => body,
        });
        return Ok(RawResponse { status, headers, body: Bytes::new(), error_code: None });
    }
    let body = response.bytes().await?;
    let error_code = (call.error_code)(&headers, &body);
    Ok(RawResponse { status, headers, body, error_code })
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

/// A list path parameter (RFC 6570 `{list}`, `{.list}`, `{;list}`): each
/// item encoded as in [`segment`], joined by the style's literal
/// separator (`,`, `.` or `;name=`), so that a `,` inside an item stays
/// apart from the ones between items.
pub fn list_segment<T: fmt::Display>(name: &str, values: &[T], sep: &str) -> Result<String, RequestError> {
    let items: Vec<String> =
        values.iter().map(|v| percent_encoding::utf8_percent_encode(&v.to_string(), SEGMENT).to_string()).collect();
    let joined = items.join(sep);
    if joined.is_empty() || joined == "." || joined == ".." {
        return Err(RequestError(format!(
            "path parameter `{name}` is `{joined}`, which would change the route; no URL can carry it"
        )));
    }
    Ok(joined)
}

/// Whole milliseconds, as traces show durations.
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
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

/// A documented response body with the documented headers of its status.
#[derive(Clone, Debug, PartialEq)]
pub struct WithHeaders<B, H> {
    pub body: B,
    pub headers: H,
}

/// A documented response header, decoded per OpenAPI `simple` style: the
/// whole value (several lines joined by `, `, as RFC 9110 combines them);
/// `None` when the response does not carry it. A value that does not fit
/// the type is a decode error keeping the response.
pub fn header<T: serde::de::DeserializeOwned>(response: &RawResponse, name: &str) -> Result<Option<T>, DecodeError> {
    let values = header_values(response, name)?;
    if values.is_empty() {
        return Ok(None);
    }
    header_value(response, name, &values.join(", ")).map(Some)
}

/// A documented list header (`simple` style: comma-separated, over every
/// line of it), each element decoded; `None` when the response does not
/// carry it.
pub fn header_list<T: serde::de::DeserializeOwned>(response: &RawResponse, name: &str) -> Result<Option<Vec<T>>, DecodeError> {
    let values = header_values(response, name)?;
    if values.is_empty() {
        return Ok(None);
    }
    let items = values.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|s| !s.is_empty());
    items.map(|item| header_value(response, name, item)).collect::<Result<Vec<T>, _>>().map(Some)
}

/// A required header's value: missing is a decode error keeping the response.
pub fn required<T>(response: &RawResponse, name: &str, value: Option<T>) -> Result<T, DecodeError> {
    value.ok_or_else(|| DecodeError {
        response: Box::new(response.clone()),
        message: format!("the required response header `{name}` is missing"),
    })
}

fn header_values<'r>(response: &'r RawResponse, name: &str) -> Result<Vec<&'r str>, DecodeError> {
    response
        .headers
        .get_all(name)
        .iter()
        .map(|v| {
            std::str::from_utf8(v.as_bytes()).map(str::trim).map_err(|_| DecodeError {
                response: Box::new(response.clone()),
                message: format!("response header `{name}` is not UTF-8"),
            })
        })
        .collect()
}

/// One value: as a string first (strings, enums, newtypes), else as JSON
/// (numbers, booleans), else as an object written `key,value,…`.
fn header_value<T: serde::de::DeserializeOwned>(response: &RawResponse, name: &str, text: &str) -> Result<T, DecodeError> {
    let as_text = match T::deserialize(serde_json::Value::String(text.to_owned())) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if let Ok(v) = serde_json::from_str(text) {
        return Ok(v);
    }
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.len().is_multiple_of(2) {
        let scalar = |s: &str| serde_json::from_str(s).unwrap_or_else(|_| serde_json::Value::String(s.to_owned()));
        let fields = items.chunks(2).map(|kv| (kv[0].to_owned(), scalar(kv[1]))).collect();
        if let Ok(v) = T::deserialize(serde_json::Value::Object(fields)) {
            return Ok(v);
        }
    }
    Err(DecodeError { response: Box::new(response.clone()), message: format!("response header `{name}` (`{text}`): {as_text}") })
}

/// The error code of a protocol that has none.
pub fn no_error_code(_: &HeaderMap, _: &[u8]) -> Option<String> {
    None
}

/// Value of a header parameter or a query parameter element.
pub fn param(value: impl fmt::Display) -> String {
    value.to_string()
}

/// Adds `name=value` (query, header or cookie) when the value is set.
pub fn push<N: From<&'static str>, T: fmt::Display>(out: &mut Vec<(N, String)>, name: &'static str, value: Option<&T>) {
    if let Some(value) = value {
        out.push((name.into(), value.to_string()));
    }
}

/// A query parameter's name: documented names are static, `deepObject`
/// ones (`created[gte]`) are built.
pub type QueryName = std::borrow::Cow<'static, str>;

/// `style: deepObject` as the services using it read it (Stripe, Rails):
/// `name[key]=value`, arrays indexed (`name[0]`), nested to any depth,
/// `null` left out. A scalar is sent as `name=value`. A value that cannot
/// be serialised is an error naming the parameter, not a missing one.
pub fn deep_object(
    name: &'static str,
    value: &impl serde::Serialize,
    out: &mut Vec<(QueryName, String)>,
) -> Result<(), RequestError> {
    bracketed(name.into(), &param_value(name, value)?, out);
    Ok(())
}

/// `key=value`, or for arrays and objects `key[0]=…`, `key[field]=…`.
pub(crate) fn bracketed(key: QueryName, v: &serde_json::Value, out: &mut Vec<(QueryName, String)>) {
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
/// parameter (a nested value as JSON text); `null` is left out. A value
/// that cannot be serialised, or is not an object, is an error naming the
/// parameter `name`.
pub fn form_object(
    name: &'static str,
    value: &impl serde::Serialize,
    out: &mut Vec<(QueryName, String)>,
) -> Result<(), RequestError> {
    let fields = match param_value(name, value)? {
        serde_json::Value::Object(fields) => fields,
        other => {
            return Err(RequestError(format!(
                "parameter `{name}`: an exploded form object must serialise to an object, not `{other}`"
            )));
        }
    };
    for (k, v) in fields {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => out.push((k.into(), s)),
            other => out.push((k.into(), other.to_string())),
        }
    }
    Ok(())
}

/// `style: form` for a value whose shape is known only at run time (a
/// union: GitHub's `has`, a string or an array of strings): a string as
/// its text, a number or boolean as JSON text, an array's items as repeated
/// pairs (`explode`) or joined with `,`, an object's properties as their
/// own pairs (`explode`) or as `key,value,…`; a nested array or object as
/// JSON text, `null` left out.
pub fn form_value(
    name: &'static str,
    value: &impl serde::Serialize,
    explode: bool,
    out: &mut Vec<(QueryName, String)>,
) -> Result<(), RequestError> {
    use serde_json::Value;
    let text = |v: Value| match v {
        Value::String(s) => s,
        other => other.to_string(),
    };
    match param_value(name, value)? {
        Value::Null => {}
        Value::Array(items) if explode => {
            out.extend(items.into_iter().filter(|v| !v.is_null()).map(|v| (name.into(), text(v))));
        }
        Value::Array(items) => out.push((name.into(), items.into_iter().map(text).collect::<Vec<_>>().join(","))),
        Value::Object(fields) if explode => {
            out.extend(fields.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.into(), text(v))));
        }
        Value::Object(fields) => {
            let pairs: Vec<String> = fields.into_iter().flat_map(|(k, v)| [k, text(v)]).collect();
            out.push((name.into(), pairs.join(",")));
        }
        scalar => out.push((name.into(), text(scalar))),
    }
    Ok(())
}

/// A parameter value with no form encoding (an object, an array of
/// objects) as JSON text.
pub fn json_param(name: &str, value: &impl serde::Serialize) -> Result<String, RequestError> {
    serde_json::to_string(value).map_err(|e| cannot_serialise(name, e))
}

fn param_value(name: &str, value: &impl serde::Serialize) -> Result<serde_json::Value, RequestError> {
    serde_json::to_value(value).map_err(|e| cannot_serialise(name, e))
}

fn cannot_serialise(name: &str, e: serde_json::Error) -> RequestError {
    RequestError(format!("parameter `{name}`: the value cannot be serialised: {e}"))
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

    fn response(headers: &[(&str, &[u8])]) -> RawResponse {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.append(reqwest::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), reqwest::header::HeaderValue::from_bytes(v).unwrap());
        }
        RawResponse { status: StatusCode::OK, headers: map, body: Bytes::from_static(b"{}"), error_code: None }
    }

    #[test]
    fn response_headers_decode_in_simple_style() {
        let r = response(&[("X-Count", b"12"), ("link", b"<a>; rel=next, <b>"), ("Link", b"<c>"), ("X-On", b"true"), ("X-Id", b"007")]);
        assert_eq!(header::<i64>(&r, "x-count").unwrap(), Some(12));
        assert_eq!(header::<String>(&r, "X-Id").unwrap().as_deref(), Some("007"), "a string stays text");
        assert_eq!(header::<bool>(&r, "X-On").unwrap(), Some(true));
        assert_eq!(header::<f64>(&r, "X-Count").unwrap(), Some(12.0));
        assert_eq!(header::<String>(&r, "Link").unwrap().as_deref(), Some("<a>; rel=next, <b>, <c>"));
        assert_eq!(header_list::<String>(&r, "Link").unwrap().unwrap(), ["<a>; rel=next", "<b>", "<c>"]);
        assert_eq!(header::<i64>(&r, "X-Missing").unwrap(), None);
        let object = response(&[("X-Page", b"size,10,cursor,a b")]);
        assert_eq!(header::<serde_json::Value>(&object, "X-Page").unwrap(), Some(json!("size,10,cursor,a b")));
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Page {
            size: i64,
            cursor: String,
        }
        assert_eq!(header::<Page>(&object, "X-Page").unwrap(), Some(Page { size: 10, cursor: "a b".into() }));
        let e = header::<i64>(&r, "X-On").unwrap_err();
        assert!(e.message.contains("`X-On` (`true`)") && e.message.contains("expected i64"), "{}", e.message);
        assert_eq!(e.response.body, r.body, "the response is kept");
        let e = required::<i64>(&r, "X-Missing", None).unwrap_err();
        assert_eq!(e.message, "the required response header `X-Missing` is missing");
        let bad = response(&[("X-Name", b"\xff")]);
        assert!(header::<String>(&bad, "X-Name").unwrap_err().message.contains("not UTF-8"));
    }

    #[test]
    fn deep_objects_nest_and_index_as_stripe_reads_them() {
        let mut out = Vec::new();
        deep_object("created", &json!({"gte": 1, "lt": 2}), &mut out).unwrap();
        deep_object("expand", &json!(["data.customer", "data.invoice"]), &mut out).unwrap();
        deep_object("lines", &json!([{"amount": 5, "tax": {"code": "t"}, "note": null}]), &mut out).unwrap();
        deep_object("limit", &10, &mut out).unwrap();
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
        form_object("filter", &json!({"a": "x y", "b": true, "c": null, "d": [1, 2]}), &mut out).unwrap();
        assert_eq!(pairs(&out), [("a", "x y"), ("b", "true"), ("d", "[1,2]")]);
    }

    #[test]
    fn form_values_are_encoded_by_the_shape_they_have() {
        // A union of a string and an array (GitHub's `has`): the string as
        // its text, not JSON-quoted.
        let form = |value: serde_json::Value, explode: bool| {
            let mut out = Vec::new();
            form_value("has", &value, explode, &mut out).unwrap();
            pairs(&out).into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
        };
        assert_eq!(form(json!("a b"), true), "has=a b");
        assert_eq!(form(json!(["patch", "x"]), true), "has=patch&has=x");
        assert_eq!(form(json!(["patch", "x"]), false), "has=patch,x");
        assert_eq!(form(json!(3), true), "has=3");
        assert_eq!(form(json!(null), true), "");
        assert_eq!(form(json!({"a": 1, "b": "c"}), true), "a=1&b=c");
        assert_eq!(form(json!({"a": 1, "b": "c"}), false), "has=a,1,b,c");
        assert_eq!(form(json!([[1, 2], "y"]), true), "has=[1,2]&has=y");
    }

    /// A value whose `Serialize` fails, as a map with non-string keys does.
    struct Unserialisable;

    impl serde::Serialize for Unserialisable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("no wire form"))
        }
    }

    #[test]
    fn a_parameter_that_cannot_be_serialised_is_a_request_error_naming_it() {
        let mut out = vec![("kept".into(), "1".to_owned())];
        let e = deep_object("created", &Unserialisable, &mut out).unwrap_err();
        assert_eq!(e.0, "parameter `created`: the value cannot be serialised: no wire form");
        let e = form_object("filter", &Unserialisable, &mut out).unwrap_err();
        assert_eq!(e.0, "parameter `filter`: the value cannot be serialised: no wire form");
        let e = form_object("filter", &json!([1]), &mut out).unwrap_err();
        assert!(e.0.starts_with("parameter `filter`: an exploded form object"), "{}", e.0);
        let keyed: std::collections::BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
        let e = json_param("where", &keyed).unwrap_err();
        assert!(e.0.starts_with("parameter `where`: the value cannot be serialised: key must be a string"), "{}", e.0);
        assert_eq!(json_param("where", &json!({"a": [1]})).unwrap(), r#"{"a":[1]}"#);
        assert_eq!(pairs(&out), [("kept", "1")], "nothing half-written");
        let as_client_error: Error<()> = e.into();
        assert!(matches!(as_client_error, Error::Request(_)));
    }
}
