//! AWS Signature Version 4, through the `aws-sigv4` crate.

use super::auth::Secret;
use super::client::RequestError;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign as sigv4_sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::time::SystemTime;

/// AWS credentials and the region requests are signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// Signing region (e.g. `us-east-1`); it must match the endpoint's.
    pub region: String,
}

impl AwsCredentials {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>, region: impl Into<String>) -> Self {
        AwsCredentials {
            access_key_id: access_key_id.into(),
            secret_access_key: Secret::new(secret_access_key),
            session_token: None,
            region: region.into(),
        }
    }

    /// Temporary credentials (STS) come with a session token.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(Secret::new(token));
        self
    }
}

/// Signs a complete request for `service`: adds `X-Amz-Date`,
/// `Authorization` (and `X-Amz-Security-Token`) over its headers and body.
pub fn sign(request: &mut reqwest::Request, credentials: &AwsCredentials, service: &str) -> Result<(), RequestError> {
    sign_at(request, credentials, service, SystemTime::now())
}

pub fn sign_at(
    request: &mut reqwest::Request,
    credentials: &AwsCredentials,
    service: &str,
    time: SystemTime,
) -> Result<(), RequestError> {
    let fail = |e: &dyn std::fmt::Display| RequestError(format!("cannot sign the request (SigV4): {e}"));
    let identity: Identity = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        credentials.session_token.as_ref().map(|t| t.expose().to_owned()),
        None,
        "apigen",
    )
    .into();
    // Defaults suit JSON services: no `x-amz-content-sha256` header, and
    // the URI is normalised and double-encoded.
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&credentials.region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| fail(&e))?
        .into();
    let body: &[u8] = match request.body() {
        None => &[],
        Some(b) => b.as_bytes().ok_or_else(|| fail(&"a streaming body cannot be signed"))?,
    };
    let mut headers = Vec::new();
    for (name, value) in request.headers() {
        headers.push((name.as_str(), value.to_str().map_err(|e| fail(&e))?));
    }
    let signable = SignableRequest::new(request.method().as_str(), request.url().as_str(), headers.into_iter(), SignableBody::Bytes(body))
        .map_err(|e| fail(&e))?;
    let (instructions, _) = sigv4_sign(signable, &params).map_err(|e| fail(&e))?.into_parts();
    let (new_headers, _) = instructions.into_parts();
    for h in new_headers {
        let mut value = reqwest::header::HeaderValue::from_str(h.value()).map_err(|e| fail(&e))?;
        value.set_sensitive(h.sensitive());
        request.headers_mut().insert(h.name(), value);
    }
    Ok(())
}
