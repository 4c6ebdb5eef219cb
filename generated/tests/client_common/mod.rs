//! Shared by the client tests: a loopback mock server and client settings.

#![allow(dead_code)]

use std::time::Duration;
use vendor_apis::runtime::client::ClientConfig;
use vendor_apis::runtime::retry::RetryPolicy;
use wiremock::MockServer;

/// Client settings pointing at `server`, with millisecond backoffs so
/// retry tests stay quick.
pub fn config(server: &MockServer) -> ClientConfig {
    ClientConfig::new()
        .base_url(server.uri())
        .retry(fast_retries())
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// Requests the server received, in order.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

pub fn header<'a>(req: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}
