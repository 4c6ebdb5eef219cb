//! AWS Signature Version 4, through the `aws-sigv4` crate, with fixed
//! credentials or from an `aws-credential-types` `ProvideCredentials`
//! (such as `aws-config`'s default chain).

use super::auth::{Refreshing, Secret};
use super::client::RequestError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign as sigv4_sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

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

/// Credentials to sign with: fixed ones ([`AwsCredentials`] converts into
/// this), or a provider's.
#[derive(Clone, Debug)]
pub enum AwsAuth {
    Static(AwsCredentials),
    Provider(AwsProvider),
}

impl From<AwsCredentials> for AwsAuth {
    fn from(credentials: AwsCredentials) -> Self {
        AwsAuth::Static(credentials)
    }
}

impl AwsAuth {
    /// Credentials from `provider` (e.g. `aws-config`'s
    /// `SdkConfig::credentials_provider()`), for signing in `region`.
    pub fn from_provider(provider: impl ProvideCredentials + 'static, region: impl Into<String>) -> Self {
        AwsAuth::Provider(AwsProvider::new(provider, region))
    }
}

/// A `ProvideCredentials` and a signing region. Credentials are cached
/// until [`AwsProvider::REFRESH_EARLY`] before their expiry (those without
/// one for [`AwsProvider::NO_EXPIRY`]), as the AWS SDKs' identity cache
/// does: `aws-config`'s providers themselves do not cache, and an
/// assume-role or IMDS provider would otherwise be called per request.
/// Concurrent requests wait for one fetch.
#[derive(Clone)]
pub struct AwsProvider {
    provider: SharedCredentialsProvider,
    region: String,
    cache: Arc<Refreshing<aws_credential_types::Credentials>>,
}

impl AwsProvider {
    /// How long before their expiry credentials are fetched again.
    pub const REFRESH_EARLY: Duration = Duration::from_secs(10);
    /// How long credentials without an expiry are kept (as the SDKs' default).
    pub const NO_EXPIRY: Duration = Duration::from_secs(15 * 60);

    pub fn new(provider: impl ProvideCredentials + 'static, region: impl Into<String>) -> Self {
        AwsProvider {
            provider: SharedCredentialsProvider::new(provider),
            region: region.into(),
            cache: Arc::new(Refreshing::new()),
        }
    }

    async fn credentials(&self) -> Result<aws_credential_types::Credentials, RequestError> {
        self.cache
            .get(|| async {
                let credentials = self.provider.provide_credentials().await.map_err(|e| {
                    RequestError(format!("cannot sign the request (SigV4): no AWS credentials: {}", chain(&e)))
                })?;
                let lifetime = match credentials.expiry() {
                    Some(at) => at.duration_since(SystemTime::now()).unwrap_or_default().saturating_sub(Self::REFRESH_EARLY),
                    None => Self::NO_EXPIRY,
                };
                Ok((credentials, Some(Instant::now() + lifetime)))
            })
            .await
    }
}

impl fmt::Debug for AwsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsProvider").field("provider", &self.provider).field("region", &self.region).finish_non_exhaustive()
    }
}

/// An error and its sources, as one line (a provider chain's top error
/// rarely says why).
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Signs a complete request for `service`: adds `X-Amz-Date`,
/// `Authorization` (and `X-Amz-Security-Token`) over its headers and body,
/// with credentials asked of the provider if they come from one.
pub async fn sign(request: &mut reqwest::Request, auth: &AwsAuth, service: &str) -> Result<(), RequestError> {
    match auth {
        AwsAuth::Static(credentials) => sign_at(request, credentials, service, SystemTime::now()),
        AwsAuth::Provider(p) => {
            let identity: Identity = p.credentials().await?.into();
            sign_identity(request, &identity, &p.region, service, SystemTime::now())
        }
    }
}

/// Signs with fixed credentials at `time`.
pub fn sign_at(
    request: &mut reqwest::Request,
    credentials: &AwsCredentials,
    service: &str,
    time: SystemTime,
) -> Result<(), RequestError> {
    let identity: Identity = aws_credential_types::Credentials::new(
        &credentials.access_key_id,
        credentials.secret_access_key.expose(),
        credentials.session_token.as_ref().map(|t| t.expose().to_owned()),
        None,
        "apigen",
    )
    .into();
    sign_identity(request, &identity, &credentials.region, service, time)
}

fn sign_identity(
    request: &mut reqwest::Request,
    identity: &Identity,
    region: &str,
    service: &str,
    time: SystemTime,
) -> Result<(), RequestError> {
    let fail = |e: &dyn std::fmt::Display| RequestError(format!("cannot sign the request (SigV4): {e}"));
    // Defaults suit JSON services: no `x-amz-content-sha256` header, and
    // the URI is normalised and double-encoded.
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(region)
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
