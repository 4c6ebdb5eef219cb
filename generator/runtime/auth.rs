//! Credentials that are sent as they are: API keys, bearer tokens, HTTP
//! Basic, either fixed or asked of a provider on every request. (Signing
//! schemes have their own modules.)

use super::client::RequestError;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderValue};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

/// A credential string whose `Debug` output is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<T: Into<String>> From<T> for Secret {
    fn from(value: T) -> Self {
        Secret(value.into())
    }
}

/// What a [`TokenProvider`] answers: boxed, so that providers of any type
/// can be stored side by side as `Arc<dyn TokenProvider>`.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Secret, RequestError>> + Send + 'a>>;

/// A source of bearer tokens or API keys, asked before every request that
/// uses its scheme (retries included). Providers that fetch tokens cache
/// them themselves (as [`super::oauth2::ClientCredentials`] does, when an
/// API has an OAuth 2.0 scheme).
///
/// Closures returning a future implement it:
/// `Token::provider(|| async { Ok(Secret::new(read_token().await)) })`.
pub trait TokenProvider: Send + Sync {
    fn token(&self) -> TokenFuture<'_>;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync,
    Fut: Future<Output = Result<Secret, RequestError>> + Send + 'static,
{
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self())
    }
}

/// A bearer token or API key: a fixed value (any string converts into
/// one) or a [`TokenProvider`].
#[derive(Clone)]
pub enum Token {
    Static(Secret),
    Provider(Arc<dyn TokenProvider>),
}

impl Token {
    /// Asks `provider` for the value on every request.
    pub fn provider(provider: impl TokenProvider + 'static) -> Self {
        Token::Provider(Arc::new(provider))
    }

    /// The value to send now.
    pub async fn get(&self) -> Result<Secret, RequestError> {
        match self {
            Token::Static(secret) => Ok(secret.clone()),
            Token::Provider(provider) => provider.token().await,
        }
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Static(secret) => f.debug_tuple("Static").field(secret).finish(),
            Token::Provider(_) => f.write_str("Provider(..)"),
        }
    }
}

impl<T: Into<Secret>> From<T> for Token {
    fn from(value: T) -> Self {
        Token::Static(value.into())
    }
}

/// A value fetched from elsewhere and kept until its refresh time: one
/// fetch at a time, so that concurrent callers of an expired value wait
/// for the same fetch instead of each making their own. The caching of the
/// runtime's providers, and of yours if you like.
pub struct Refreshing<T> {
    slot: tokio::sync::Mutex<Option<(T, Option<Instant>)>>,
}

impl<T: Clone> Default for Refreshing<T> {
    fn default() -> Self {
        Refreshing { slot: tokio::sync::Mutex::new(None) }
    }
}

impl<T: Clone> Refreshing<T> {
    pub fn new() -> Self {
        Refreshing { slot: tokio::sync::Mutex::new(None) }
    }

    /// The kept value while it is fresh, else the one `fetch` returns with
    /// the instant to refresh it at (`None`: never).
    pub async fn get<Fut>(&self, fetch: impl FnOnce() -> Fut) -> Result<T, RequestError>
    where
        Fut: Future<Output = Result<(T, Option<Instant>), RequestError>>,
    {
        // Held across the fetch: that is what makes it single-flight.
        let mut slot = self.slot.lock().await;
        if let Some((value, refresh_at)) = slot.as_ref()
            && refresh_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(value.clone());
        }
        let (value, refresh_at) = fetch().await?;
        *slot = Some((value.clone(), refresh_at));
        Ok(value)
    }
}

pub(crate) fn sensitive(name: &str, value: &str) -> Result<HeaderValue, RequestError> {
    let mut v = HeaderValue::from_str(value)
        .map_err(|_| RequestError(format!("the {name} credential cannot be sent in an HTTP header")))?;
    v.set_sensitive(true);
    Ok(v)
}

/// An API key in a header (e.g. `X-API-Key`).
pub async fn header(request: &mut reqwest::Request, name: &'static str, key: &Token) -> Result<(), RequestError> {
    let value = sensitive(name, key.get().await?.expose())?;
    request.headers_mut().insert(name, value);
    Ok(())
}

/// An API key in the query string.
pub async fn query(request: &mut reqwest::Request, name: &'static str, key: &Token) -> Result<(), RequestError> {
    // Asked before the URL is borrowed: the query serializer is not `Send`,
    // and the future must be.
    let key = key.get().await?;
    request.url_mut().query_pairs_mut().append_pair(name, key.expose());
    Ok(())
}

/// An API key in a cookie.
pub async fn cookie(request: &mut reqwest::Request, name: &'static str, key: &Token) -> Result<(), RequestError> {
    let key = key.get().await?;
    let value = sensitive(name, &format!("{name}={}", key.expose()))?;
    request.headers_mut().append(COOKIE, value);
    Ok(())
}

/// `Authorization: {scheme} {credentials}` (`Bearer`, or another HTTP
/// scheme), the credentials fixed or from a provider.
pub async fn authorization(request: &mut reqwest::Request, scheme: &str, token: &Token) -> Result<(), RequestError> {
    set_authorization(request, scheme, &token.get().await?)
}

/// `Authorization: {scheme} {token}` with a value at hand.
pub fn set_authorization(request: &mut reqwest::Request, scheme: &str, token: &Secret) -> Result<(), RequestError> {
    let value = sensitive(scheme, &format!("{scheme} {}", token.expose()))?;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}
