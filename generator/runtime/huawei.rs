//! Huawei Cloud AK/SK signing (`SDK-HMAC-SHA256`), as the official SDKs do
//! it: the canonical request is SigV4-like, but the key is the raw SK (no
//! derivation) and the canonical URI always ends with `/`.

use super::auth::Secret;
use super::client::RequestError;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

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
    let body = request.body().and_then(|b| b.as_bytes()).unwrap_or_default();
    let canonical = canonical_request(request.method().as_str(), request.url(), &signed, body);
    let to_sign = format!("SDK-HMAC-SHA256\n{date}\n{}", hex::encode(Sha256::digest(canonical.as_bytes())));
    let mut mac = Hmac::<Sha256>::new_from_slice(key.secret_key.expose().as_bytes())
        .map_err(|_| RequestError("cannot sign the request: unusable secret key".into()))?;
    mac.update(to_sign.as_bytes());
    let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    let value = format!(
        "SDK-HMAC-SHA256 Access={}, SignedHeaders={}, Signature={}",
        key.access_key,
        names.join(";"),
        hex::encode(mac.finalize().into_bytes())
    );
    let mut value = HeaderValue::from_str(&value).map_err(|_| bad("the access key"))?;
    value.set_sensitive(true);
    request.headers_mut().insert(AUTHORIZATION, value);
    Ok(())
}

/// Method, URI (decoded, split, re-encoded, `/` appended), sorted query, signed
/// headers, their names, and the body's SHA-256, joined by newlines.
pub fn canonical_request(method: &str, url: &reqwest::Url, headers: &[(String, String)], body: &[u8]) -> String {
    // As the SDK does: the whole path is decoded *before* it is split, so
    // an encoded `/` inside a segment (`a%2Fc`) is signed as a separator.
    let decoded = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
    let mut uri: String = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut query: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (encode(&k), encode(&v))).collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let header_lines: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "{method}\n{uri}\n{}\n{header_lines}\n{}\n{}",
        query.join("&"),
        names.join(";"),
        hex::encode(Sha256::digest(body))
    )
}

/// Percent-encodes all but unreserved characters (Python's `quote(s, safe="~")`).
fn encode(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
pub fn sdk_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
