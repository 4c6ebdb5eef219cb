//! Verifying AWS Signature Version 4 on incoming requests, with the
//! `aws-sigv4` signer itself: the request is re-signed with the headers the
//! client says it signed, and the signatures compared in constant time.

use super::server::{Incoming, Rejection, constant_time_eq};
use super::timestamp;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::{Duration, SystemTime};

/// How far `X-Amz-Date` may be from the server's clock (AWS allows 15 minutes).
pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// The request's claim, `None` when it carries no SigV4 header.
pub fn claim(cx: &Incoming) -> Option<Result<Claim, Rejection>> {
    let value = cx.header("authorization")?;
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let (mut credential, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => sig = Some(v),
            _ => {}
        }
    }
    let malformed = || Rejection::BadSignature("malformed AWS4-HMAC-SHA256 Authorization header".into());
    let (Some(credential), Some(signed), Some(sig)) = (credential, signed, sig) else { return Some(Err(malformed())) };
    let scope: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, "aws4_request"] = scope.as_slice() else { return Some(Err(malformed())) };
    Some(Ok(Claim {
        access_key_id: (*key).to_owned(),
        date: (*date).to_owned(),
        region: (*region).to_owned(),
        service: (*service).to_owned(),
        signed_headers: signed.split(';').map(str::to_ascii_lowercase).collect(),
        signature: sig.to_owned(),
    }))
}

/// AWS's words for a date over [`MAX_SKEW`] off, after "Signature expired":
/// `: 20140325T143453Z is now earlier than 20140325T143751Z (20140325T145251Z - 15 min.)`.
fn expired(amz_date: &str, at: SystemTime, now: SystemTime) -> Option<String> {
    let (bound, sign) = if at < now { (now - MAX_SKEW, '-') } else { (now + MAX_SKEW, '+') };
    let outside = if at < now { at < bound } else { at > bound };
    let relation = if at < now { "is now earlier than" } else { "is still later than" };
    let (bound, now) = (timestamp::format(bound), timestamp::format(now));
    outside.then(|| format!(": {amz_date} {relation} {bound} ({now} {sign} {} min.)", MAX_SKEW.as_secs() / 60))
}

/// Checks the claim for `service` against the access key's secret, at `now`.
pub fn verify(cx: &Incoming, claim: &Claim, secret: &str, service: &str, now: SystemTime) -> Result<(), Rejection> {
    let bad = |why: &str| Err(Rejection::BadSignature(why.to_owned()));
    if claim.service != service {
        return bad("the credential scope names another service");
    }
    let Some(amz_date) = cx.header("x-amz-date") else { return bad("no X-Amz-Date header") };
    let Some(at) = timestamp::parse(amz_date) else { return bad("X-Amz-Date is not YYYYMMDDTHHMMSSZ") };
    if !amz_date.starts_with(&claim.date) || !claim.signed_headers.iter().any(|h| h == "x-amz-date") {
        return bad("X-Amz-Date must be signed and match the credential scope");
    }
    if let Some(dates) = expired(amz_date, at, now) {
        return Err(Rejection::ExpiredSignature(dates));
    }
    let token = cx.header("x-amz-security-token").map(str::to_owned);
    let identity: Identity = aws_credential_types::Credentials::new(&claim.access_key_id, secret, token, None, "verify").into();
    // Sign exactly the headers the client signed (the signer's default
    // exclusions, e.g. user-agent, would otherwise drop signed ones).
    let mut settings = SigningSettings::default();
    settings.excluded_headers = Some(Vec::new());
    let Ok(params) = v4::SigningParams::builder()
        .identity(&identity)
        .region(&claim.region)
        .name(&claim.service)
        .time(at)
        .settings(settings)
        .build()
    else {
        return bad("unusable credential scope");
    };
    let mut headers = Vec::new();
    for name in &claim.signed_headers {
        let mut any = false;
        for v in cx.headers.get_all(name.as_str()) {
            let Ok(v) = v.to_str() else { return bad("a signed header is not text") };
            headers.push((name.as_str(), v));
            any = true;
        }
        if !any {
            return bad("a signed header is missing");
        }
    }
    let Some(host) = cx.header("host") else { return bad("no Host header") };
    let path_and_query = cx.uri.path_and_query().map_or("/", |p| p.as_str());
    let uri = format!("http://{host}{path_and_query}");
    let Ok(signable) = SignableRequest::new(cx.method.as_str(), uri, headers.into_iter(), SignableBody::Bytes(&cx.body))
    else {
        return bad("the request cannot be canonicalised");
    };
    let Ok(output) = sign(signable, &params.into()) else { return bad("the request cannot be signed") };
    let (_, expected) = output.into_parts();
    if constant_time_eq(expected.as_bytes(), claim.signature.as_bytes()) {
        Ok(())
    } else {
        bad("The request signature we calculated does not match the signature you provided")
    }
}
