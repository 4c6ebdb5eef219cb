//! Huawei Cloud AK/SK signing (`SDK-HMAC-SHA256`) of outgoing requests, as
//! the official SDKs do it (the signature itself: `huawei_signature`).

use super::auth::Secret;
use super::client::RequestError;
pub use super::huawei_signature::canonical_request;
pub use super::timestamp::format as sdk_date;
use super::huawei_signature::{ALGORITHM, signature};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use std::time::SystemTime;

/// An access key / secret key pair, with the project the requests act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AkSk {
    pub access_key: String,
    pub secret_key: Secret,
    /// Sent as the project header (`X-Project-Id`) when set.
    pub project_id: Option<String>,
}

impl AkSk {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        AkSk { access_key: access_key.into(), secret_key: Secret::new(secret_key), project_id: None }
    }

    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }
}

/// Signs a complete request: adds the date header (and the project header),
/// then `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`
/// over every header present.
pub fn sign(
    request: &mut reqwest::Request,
    key: &AkSk,
    date_header: &'static str,
    project_header: Option<&'static str>,
) -> Result<(), RequestError> {
    sign_at(request, key, date_header, project_header, SystemTime::now())
}

pub fn sign_at(
    request: &mut reqwest::Request,
    key: &AkSk,
    date_header: &'static str,
    project_header: Option<&'static str>,
    now: SystemTime,
) -> Result<(), RequestError> {
    let bad = |what: &str| RequestError(format!("cannot sign the request: {what} is not a valid header value"));
    let date = sdk_date(now);
    request.headers_mut().insert(date_header, HeaderValue::from_str(&date).map_err(|_| bad("the date"))?);
    if let (Some(name), Some(project)) = (project_header, &key.project_id) {
        request.headers_mut().insert(name, HeaderValue::from_str(project).map_err(|_| bad("the project id"))?);
    }
    let mut signed: Vec<(String, String)> = request
        .headers()
        .iter()
        .filter(|(name, _)| *name != AUTHORIZATION)
        .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).trim().to_owned()))
        .collect();
    signed.sort();
    // As sigv4.rs: a body the signature cannot cover is refused, not signed as empty.
    let body: &[u8] = match request.body() {
        None => &[],
        Some(b) => b.as_bytes().ok_or_else(|| RequestError("cannot sign the request: a streaming body cannot be signed".into()))?,
    };
    let url = request.url();
    let canonical = canonical_request(request.method().as_str(), url.path(), url.query().unwrap_or_default(), &signed, body);
    let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    let value = format!(
        "{ALGORITHM} Access={}, SignedHeaders={}, Signature={}",
        key.access_key,
        names.join(";"),
        signature(key.secret_key.expose(), &date, &canonical)
    );
    let mut value = HeaderValue::from_str(&value).map_err(|_| bad("the access key"))?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

