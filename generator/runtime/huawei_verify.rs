//! Verifying Huawei `SDK-HMAC-SHA256` signatures on incoming requests:
//! the canonical request is rebuilt from the headers the client says it
//! signed, and the signature compared in constant time.

use super::huawei_signature::{ALGORITHM, canonical_request, signature};
use super::server::{Incoming, Rejection, constant_time_eq};
use super::timestamp;
use std::time::{Duration, SystemTime};

/// How far `X-Sdk-Date` may be from the server's clock (API Gateway's 15 minutes).
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// A parsed `Authorization: SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub access_key: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// The request's claim, `None` when it carries no such header.
pub fn claim(cx: &Incoming) -> Option<Result<Claim, Rejection>> {
    let value = cx.header("authorization")?;
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let (mut access, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Access", v)) => access = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => sig = Some(v),
            _ => {}
        }
    }
    Some(match (access, signed, sig) {
        (Some(a), Some(h), Some(s)) if !a.is_empty() && !h.is_empty() => Ok(Claim {
            access_key: a.to_owned(),
            signed_headers: h.split(';').map(str::to_ascii_lowercase).collect(),
            signature: s.to_owned(),
        }),
        _ => Err(Rejection::BadSignature("malformed SDK-HMAC-SHA256 Authorization header".into())),
    })
}

/// Checks the claim against the access key's secret, with `date_header`
/// (`X-Sdk-Date`) signed and within [`MAX_SKEW`] of `now`.
pub fn verify(cx: &Incoming, claim: &Claim, secret_key: &str, date_header: &str, now: SystemTime) -> Result<(), Rejection> {
    let bad = |why: &str| Err(Rejection::BadSignature(why.to_owned()));
    let date_name = date_header.to_ascii_lowercase();
    if !claim.signed_headers.contains(&date_name) {
        return bad("the date header is not signed");
    }
    // The SDKs always sign `Host`; a signature without it could be replayed
    // against another host (SigV4 needs no such check: the verifier signs
    // `host` whatever the claim says, so such a claim never matches).
    if !claim.signed_headers.iter().any(|h| h == "host") {
        return bad("the host header is not signed");
    }
    let Some(date) = cx.header(date_header) else { return bad("no date header") };
    let Some(at) = timestamp::parse(date) else { return bad("the date header is not YYYYMMDDTHHMMSSZ") };
    let skew = now.duration_since(at).or_else(|e| Ok::<_, ()>(e.duration())).unwrap_or_default();
    if skew > MAX_SKEW {
        // API Gateway's words, after "…: signature expired".
        let server_time = timestamp::format(now);
        return Err(Rejection::ExpiredSignature(format!(", signature time:{date},server time:{server_time}")));
    }
    let mut headers = Vec::new();
    for name in &claim.signed_headers {
        let values: Vec<&str> = cx.headers.get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
        if values.is_empty() {
            return bad("a signed header is missing");
        }
        headers.push((name.clone(), values.join(",").trim().to_owned()));
    }
    let canonical = canonical_request(cx.method.as_str(), cx.uri.path(), cx.uri.query().unwrap_or_default(), &headers, &cx.body);
    let expected = signature(secret_key, date, &canonical);
    if constant_time_eq(expected.as_bytes(), claim.signature.as_bytes()) {
        Ok(())
    } else {
        bad("the signature does not match")
    }
}
