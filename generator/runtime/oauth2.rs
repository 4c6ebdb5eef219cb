//! OAuth 2.0 client credentials (RFC 6749 §4.4): a [`TokenProvider`] that
//! fetches access tokens from a token endpoint, keeps each until shortly
//! before it expires, and makes one fetch for any number of concurrent
//! requests.

use super::auth::{Refreshing, Secret, TokenFuture, TokenProvider};
use super::client::RequestError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A client id and secret, exchanged for access tokens at a token URL.
///
/// A generated `Credentials` fills in the token URL and scopes its spec
/// documents (`Credentials::new().oauth2_client_credentials(
/// ClientCredentials::new(id, secret))`); set them here to override.
#[derive(Clone)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: Secret,
    token_url: Option<String>,
    scopes: Option<Vec<String>>,
    refresh_early: Duration,
    /// `None`: a client built for each fetch (fetches are rare: one per
    /// token lifetime).
    http: Option<reqwest::Client>,
    cache: Arc<Refreshing<Secret>>,
}

impl ClientCredentials {
    /// How long before it expires a token is replaced, by default (capped
    /// at half its lifetime, so that short-lived tokens are used at all).
    pub const REFRESH_EARLY: Duration = Duration::from_secs(30);

    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        ClientCredentials {
            client_id: client_id.into(),
            client_secret: Secret::new(client_secret),
            token_url: None,
            scopes: None,
            refresh_early: Self::REFRESH_EARLY,
            http: None,
            cache: Arc::new(Refreshing::new()),
        }
    }

    /// The token endpoint (instead of the spec's `tokenUrl`).
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The scopes to ask for (instead of every scope the spec's flow lists).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// How long before its expiry a token is replaced.
    pub fn refresh_early(mut self, margin: Duration) -> Self {
        self.refresh_early = margin;
        self
    }

    /// The HTTP client that talks to the token endpoint (e.g. with a proxy
    /// or timeouts of your own).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The spec's token URL and scopes where none were set (generated
    /// `Credentials` call this).
    pub fn or_spec(mut self, token_url: &str, scopes: &[&str]) -> Self {
        self.token_url.get_or_insert_with(|| token_url.to_owned());
        self.scopes.get_or_insert_with(|| scopes.iter().map(|s| s.to_string()).collect());
        self
    }

    async fn fetch(&self) -> Result<(Secret, Option<Instant>), RequestError> {
        let url = self.token_url.as_deref().ok_or_else(|| {
            RequestError("OAuth 2.0 client credentials: no token URL (set one with `token_url`)".into())
        })?;
        let fail = |what: String| RequestError(format!("OAuth 2.0 token endpoint {url}: {what}"));
        // Built before any await: the serializer is not `Send`.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if let Some(scopes) = self.scopes.as_ref().filter(|s| !s.is_empty()) {
                form.append_pair("scope", &scopes.join(" "));
            }
            form.finish()
        };
        // RFC 6749 §2.3.1: id and secret are form-encoded, then sent by
        // HTTP Basic (which every server must accept).
        let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let http = match &self.http {
            Some(http) => http.clone(),
            None => {
                // As `ClientConfig::build`: rustls with ring; an error only
                // means the process already chose a provider.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .timeout(Duration::from_secs(30))
                    .connect_timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|e| fail(format!("cannot build an HTTP client: {e}")))?
            }
        };
        let sent = http
            .post(url)
            .basic_auth(encode(&self.client_id), Some(encode(self.client_secret.expose())))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(|e| fail(format!("cannot fetch a token: {e}")))?;
        let status = sent.status();
        let body = sent.bytes().await.map_err(|e| fail(format!("cannot read the answer: {e}")))?;
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let text = |k: &str| json.get(k).and_then(serde_json::Value::as_str);
        if !status.is_success() {
            // §5.2: `error` is a code and `error_description` is meant for
            // developers; neither carries the client secret.
            let reason = match (text("error"), text("error_description")) {
                (Some(code), Some(d)) => format!(": {code} ({d})"),
                (Some(code), None) => format!(": {code}"),
                _ => String::new(),
            };
            return Err(fail(format!("answered {status}{reason}")));
        }
        let token = text("access_token").ok_or_else(|| fail("the answer has no `access_token`".into()))?;
        // Without `expires_in` the server did not say; the token is kept.
        let refresh_at = json.get("expires_in").and_then(serde_json::Value::as_u64).map(|secs| {
            let lifetime = Duration::from_secs(secs);
            Instant::now() + lifetime - self.refresh_early.min(lifetime / 2)
        });
        Ok((Secret::new(token), refresh_at))
    }
}

impl TokenProvider for ClientCredentials {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.cache.get(|| self.fetch()))
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}
