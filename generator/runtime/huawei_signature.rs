//! The Huawei Cloud `SDK-HMAC-SHA256` signature, shared by the client
//! (which signs) and the server stubs (which verify): SigV4-like canonical
//! request, but the key is the raw SK (no derivation) and the canonical URI
//! always ends with `/`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// Method, URI (decoded, split, re-encoded, `/` appended), sorted query,
/// signed headers (`name:value` lines, names lower-case, sorted), their
/// names, and the body's SHA-256, joined by newlines.
pub fn canonical_request(method: &str, path: &str, query: &str, headers: &[(String, String)], body: &[u8]) -> String {
    // As the SDK does: the whole path is decoded *before* it is split, so
    // an encoded `/` inside a segment (`a%2Fc`) is signed as a separator.
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut uri: String = decoded.split('/').map(encode).collect::<Vec<_>>().join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    let mut pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.as_bytes()).map(|(k, v)| (encode(&k), encode(&v))).collect();
    pairs.sort();
    let pairs: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let header_lines: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    format!(
        "{method}\n{uri}\n{}\n{header_lines}\n{}\n{}",
        pairs.join("&"),
        names.join(";"),
        hex::encode(Sha256::digest(body))
    )
}

/// The hex HMAC-SHA256 of the string to sign, keyed with the raw secret.
pub fn signature(secret_key: &str, date: &str, canonical_request: &str) -> String {
    let to_sign = format!("{ALGORITHM}\n{date}\n{}", hex::encode(Sha256::digest(canonical_request.as_bytes())));
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret_key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(to_sign.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Percent-encodes all but unreserved characters (Python's `quote(s, safe="~")`).
fn encode(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}
