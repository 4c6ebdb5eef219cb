//! AWS JSON 1.1 (awsJson1_1): how an error response names its error.

use super::client::{HeaderMap, RawResponse};

/// The error code of an awsJson1_1 response: the `x-amzn-ErrorType` header,
/// else the body's `code`, else its `__type`; sanitised, because services
/// send `aws.protocoltests#FooError` and `FooError:http://internal.amazon.com/`
/// forms for the same `FooError`.
pub fn error_code(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(v) = headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()) {
        return Some(sanitize(v).to_owned());
    }
    #[derive(serde::Deserialize)]
    struct Codes {
        code: Option<String>,
        #[serde(rename = "__type")]
        type_: Option<String>,
    }
    let codes: Codes = serde_json::from_slice(body).ok()?;
    codes.code.or(codes.type_).map(|c| sanitize(&c).to_owned())
}

/// Drops a `:`-suffix, then everything up to a `#`.
fn sanitize(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code).trim()
}

/// Error codes AWS SDKs treat as throttling, whatever the status.
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Transient error codes (the request timed out on the service's side).
const TRANSIENT: &[&str] = &["RequestTimeout", "RequestTimeoutException", "InternalError"];

/// Throttling errors and transient codes at any status, any 5xx, and 429.
pub fn transient(response: &RawResponse) -> bool {
    let code = response.error_code.as_deref();
    response.status.is_server_error()
        || response.status.as_u16() == 429
        || code.is_some_and(|c| THROTTLING.contains(&c) || TRANSIENT.contains(&c))
}
