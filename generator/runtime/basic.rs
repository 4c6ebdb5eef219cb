//! HTTP Basic authentication.

use super::auth::{Secret, set_authorization};
use super::client::RequestError;

/// HTTP Basic credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Basic {
    pub username: String,
    pub password: Secret,
}

/// `Authorization: Basic base64(username:password)`.
pub fn basic(request: &mut reqwest::Request, credentials: &Basic) -> Result<(), RequestError> {
    use base64::Engine;
    let raw = format!("{}:{}", credentials.username, credentials.password.expose());
    let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
    set_authorization(request, "Basic", &Secret::new(encoded))
}
