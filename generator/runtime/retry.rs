//! Retries: bounded attempts, exponential backoff with full jitter, and the
//! server's own hints (`Retry-After` in seconds, `x-amz-retry-after` in
//! milliseconds) honoured up to a cap.

use super::client::RawResponse;
use std::time::Duration;

/// When and how often a request is sent again. On by default for
/// idempotent operations only.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Attempts in total, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Backoff before the second attempt; doubled for each further one.
    pub initial_backoff: Duration,
    /// Upper bound of the computed backoff.
    pub max_backoff: Duration,
    /// A server hint longer than this is not waited for: the response is
    /// returned as it is.
    pub max_hint: Duration,
    /// Also retry operations that are not idempotent (POST, PATCH).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
            max_hint: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// One attempt, never retried.
    pub fn disabled() -> Self {
        RetryPolicy { max_attempts: 1, ..Self::default() }
    }

    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    pub fn max_hint(mut self, d: Duration) -> Self {
        self.max_hint = d;
        self
    }

    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Full jitter: a uniform delay in `[0, min(max, initial × 2^(n-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << (attempt - 1).min(16));
        let ceiling = exp.min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }

    pub(crate) fn decide(
        &self,
        attempt: u32,
        idempotent: bool,
        outcome: &Result<RawResponse, reqwest::Error>,
        transient: fn(&RawResponse) -> bool,
    ) -> Decision {
        if attempt >= self.max_attempts || !(idempotent || self.retry_non_idempotent) {
            return Decision::Stop;
        }
        let hint = match outcome {
            Ok(response) if transient(response) => hint(response),
            Ok(_) => return Decision::Stop,
            // Nothing came back: connection refused or reset, or a timeout.
            Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => None,
            Err(_) => return Decision::Stop,
        };
        match hint {
            Some(h) if h > self.max_hint => Decision::Stop,
            Some(h) => Decision::RetryAfter(h),
            None => Decision::RetryAfter(self.backoff(attempt)),
        }
    }
}

#[derive(Debug, PartialEq)]
pub(crate) enum Decision {
    RetryAfter(Duration),
    Stop,
}

/// The server's own delay: `x-amz-retry-after` (milliseconds) or
/// `Retry-After` (seconds; an HTTP date is not used).
fn hint(response: &RawResponse) -> Option<Duration> {
    let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = header("x-amz-retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_millis(ms));
    }
    header("retry-after").and_then(|v| v.parse::<u64>().ok()).map(Duration::from_secs)
}

/// REST: too many requests, and the gateway errors that mean "not now"
/// (502, 503, 504). A 500 is not retried: the request may have done its work.
pub fn http_transient(response: &RawResponse) -> bool {
    matches!(response.status.as_u16(), 429 | 502 | 503 | 504)
}
