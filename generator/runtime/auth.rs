//! Credentials that are sent as they are: API keys, bearer tokens, HTTP
//! Basic. (Signing schemes have their own modules.)

use super::client::RequestError;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderValue};
use std::fmt;

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

pub(crate) fn sensitive(name: &str, value: &str) -> Result<HeaderValue, RequestError> {
    let mut v = HeaderValue::from_str(value)
        .map_err(|_| RequestError(format!("the {name} credential cannot be sent in an HTTP header")))?;
    v.set_sensitive(true);
    Ok(v)
}

/// An API key in a header (e.g. `X-API-Key`).
pub fn header(request: &mut reqwest::Request, name: &'static str, key: &Secret) -> Result<(), RequestError> {
    let value = sensitive(name, key.expose())?;
    request.headers_mut().insert(name, value);
    Ok(())
}

/// An API key in the query string.
pub fn query(request: &mut reqwest::Request, name: &'static str, key: &Secret) -> Result<(), RequestError> {
    request.url_mut().query_pairs_mut().append_pair(name, key.expose());
    Ok(())
}

/// An API key in a cookie.
pub fn cookie(request: &mut reqwest::Request, name: &'static str, key: &Secret) -> Result<(), RequestError> {
    let value = sensitive(name, &format!("{name}={}", key.expose()))?;
    request.headers_mut().append(COOKIE, value);
    Ok(())
}

/// `Authorization: {scheme} {credentials}` (`Bearer`, or another HTTP scheme).
pub fn authorization(request: &mut reqwest::Request, scheme: &str, token: &Secret) -> Result<(), RequestError> {
    let value = sensitive(scheme, &format!("{scheme} {}", token.expose()))?;
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}
