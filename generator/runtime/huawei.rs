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
    /// Temporary AK/SK come with a token, sent (and signed) as
    /// `X-Security-Token`, as the SDKs do.
    pub security_token: Option<Secret>,
}

/// The variables Huawei Cloud's SDKs read (their `EnvCredentialProvider`).
pub const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
pub const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
pub const ENV_PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
pub const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";

impl AkSk {
    pub fn new(access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        AkSk { access_key: access_key.into(), secret_key: Secret::new(secret_key), project_id: None, security_token: None }
    }

    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    pub fn security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(Secret::new(token));
        self
    }

    /// From the environment, as the Huawei Cloud SDKs read it:
    /// `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (required),
    /// `HUAWEICLOUD_SDK_PROJECT_ID` and `HUAWEICLOUD_SDK_SECURITY_TOKEN`
    /// (when set). The error names the missing variable.
    pub fn from_env() -> Result<Self, RequestError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`AkSk::from_env`], reading variables through `var`. Empty values
    /// count as unset, as in the SDKs.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, RequestError> {
        let get = |name: &str| var(name).filter(|v| !v.is_empty());
        let required = |name: &str| {
            get(name).ok_or_else(|| RequestError(format!("Huawei Cloud credentials: the environment variable {name} is not set")))
        };
        Ok(AkSk {
            access_key: required(ENV_AK)?,
            secret_key: Secret::new(required(ENV_SK)?),
            project_id: get(ENV_PROJECT_ID),
            security_token: get(ENV_SECURITY_TOKEN).map(Secret::new),
        })
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
    if let Some(token) = &key.security_token {
        let value = super::auth::sensitive("X-Security-Token", token.expose())?;
        request.headers_mut().insert("X-Security-Token", value);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn reads_the_sdk_variables() {
        let key = AkSk::from_lookup(lookup(&[
            ("HUAWEICLOUD_SDK_AK", "AK1"),
            ("HUAWEICLOUD_SDK_SK", "SK1"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok"),
        ]))
        .unwrap();
        assert_eq!(key, AkSk::new("AK1", "SK1").project_id("p1").security_token("tok"));
        let key = AkSk::from_lookup(lookup(&[("HUAWEICLOUD_SDK_AK", "AK1"), ("HUAWEICLOUD_SDK_SK", "SK1")])).unwrap();
        assert_eq!(key, AkSk::new("AK1", "SK1"));
    }

    #[test]
    fn names_the_missing_variable() {
        let e = AkSk::from_lookup(lookup(&[("HUAWEICLOUD_SDK_SK", "SK1")])).unwrap_err();
        assert!(e.0.contains("HUAWEICLOUD_SDK_AK"), "{e}");
        let e = AkSk::from_lookup(lookup(&[("HUAWEICLOUD_SDK_AK", "AK1"), ("HUAWEICLOUD_SDK_SK", "")])).unwrap_err();
        assert!(e.0.contains("HUAWEICLOUD_SDK_SK") && !e.0.contains("AK1"), "{e}");
    }

    #[test]
    fn security_token_is_sent_signed_and_redacted() {
        let key = AkSk::new("AK", "SK").security_token("sts-token");
        assert!(!format!("{key:?}").contains("sts-token"));
        let mut request = reqwest::Request::new(reqwest::Method::GET, "http://h/v1/x".parse().unwrap());
        sign(&mut request, &key, "X-Sdk-Date", None).unwrap();
        assert_eq!(request.headers()["x-security-token"], "sts-token");
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert!(auth.contains("SignedHeaders=x-sdk-date;x-security-token,"), "{auth}");
    }
}
