//! HTTP Basic credentials on incoming requests.

use super::server::Incoming;
use base64::Engine;

/// `(user, password)` from `Authorization: Basic base64(user:password)`.
pub fn credentials(cx: &Incoming) -> Option<(String, String)> {
    let encoded = cx.authorization("Basic")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
