//! Retries: bounded attempts, exponential backoff with full jitter, the
//! server's own hints (`Retry-After` in seconds or as an HTTP date,
//! `x-amz-retry-after` in milliseconds) honoured up to a cap, and a retry
//! budget shared by the clones of a client.

use super::client::{RawResponse, StatusCode};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

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
    /// The token bucket retries draw from (`None`: retries are bounded by
    /// `max_attempts` alone).
    pub budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(20),
            max_hint: Duration::from_secs(60),
            retry_non_idempotent: false,
            budget: Some(RetryBudget::default()),
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

    /// The retry budget (`None` turns it off).
    pub fn budget(mut self, budget: Option<RetryBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// Full jitter: a uniform delay in `[0, min(max, initial × 2^(n-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.initial_backoff.saturating_mul(1u32 << (attempt - 1).min(16));
        let ceiling = exp.min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }

    /// Whether attempt `attempt` is followed by another, and after how long.
    /// `now` dates a `Retry-After` given as an HTTP date.
    pub(crate) fn decide(
        &self,
        attempt: u32,
        idempotent: bool,
        outcome: &Result<RawResponse, reqwest::Error>,
        transient: fn(&RawResponse) -> bool,
        now: SystemTime,
    ) -> Decision {
        if attempt >= self.max_attempts || !(idempotent || self.retry_non_idempotent) {
            return Decision::Stop;
        }
        let (hint, cause) = match outcome {
            Ok(response) if transient(response) => (hint(response, now), Cause::Status(response.status)),
            Ok(_) => return Decision::Stop,
            // Nothing came back: connection refused or reset, or a timeout.
            Err(e) if e.is_timeout() => (None, Cause::Timeout),
            Err(e) if e.is_connect() => (None, Cause::Connect),
            Err(e) if e.is_request() => (None, Cause::Send),
            Err(_) => return Decision::Stop,
        };
        match hint {
            Some(h) if h > self.max_hint => Decision::Stop,
            Some(h) => Decision::RetryAfter(h, cause),
            None => Decision::RetryAfter(self.backoff(attempt), cause),
        }
    }
}

#[derive(Debug, PartialEq)]
pub(crate) enum Decision {
    RetryAfter(Duration, Cause),
    Stop,
}

/// Why an attempt is retried: what traces show as the retry's reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cause {
    /// A transient status (429, 503, a throttling error code…).
    Status(StatusCode),
    /// The attempt timed out.
    Timeout,
    /// No connection could be made.
    Connect,
    /// The request could not be sent (connection reset, closed).
    Send,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Status(s) => write!(f, "status {}", s.as_u16()),
            Cause::Timeout => f.write_str("timeout"),
            Cause::Connect => f.write_str("connect error"),
            Cause::Send => f.write_str("send error"),
        }
    }
}

/// The server's own delay: `x-amz-retry-after` (milliseconds) or
/// `Retry-After` (seconds, or an HTTP date: the time left until then).
fn hint(response: &RawResponse, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = header("x-amz-retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_millis(ms));
    }
    let value = header("retry-after")?;
    match value.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => http_date(value).map(|at| at.duration_since(now).unwrap_or_default()),
    }
}

/// An HTTP date (RFC 9110 §5.6.7) in any of its three forms:
/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), the obsolete
/// `Sunday, 06-Nov-94 08:49:37 GMT` and asctime's `Sun Nov  6 08:49:37 1994`.
/// Whatever the form, the day comes before the year.
pub fn http_date(text: &str) -> Option<SystemTime> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let tokens: Vec<&str> = text.split([' ', ',', '-']).filter(|t| !t.is_empty()).collect();
    let month = tokens.iter().find_map(|t| MONTHS.iter().position(|m| m == t))? as i64 + 1;
    let time: Vec<i64> = tokens.iter().find(|t| t.contains(':'))?.split(':').map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let numbers: Vec<i64> = tokens.iter().filter(|t| t.bytes().all(|b| b.is_ascii_digit())).filter_map(|t| t.parse().ok()).collect();
    let (&[day, year], &[h, m, s]) = (numbers.as_slice(), time.as_slice()) else {
        return None;
    };
    // RFC 850's two-digit years: 70–99 are the 1900s.
    let year = match year {
        0..=69 => year + 2000,
        70..=99 => year + 1900,
        _ => year,
    };
    let zoned = text.trim_end().ends_with("GMT") || tokens.len() == 5;
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || !zoned {
        return None;
    }
    let secs = super::timestamp::days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}

/// REST: too many requests, and the gateway errors that mean "not now"
/// (502, 503, 504). A 500 is not retried: the request may have done its work.
pub fn http_transient(response: &RawResponse) -> bool {
    matches!(response.status.as_u16(), 429 | 502 | 503 | 504)
}

/// A token bucket that retries draw from, as the AWS SDKs' standard retry
/// strategy: a client starts with `capacity` tokens; a retry takes
/// `retry_cost` (`timeout_cost` after a timeout or a failed connection); a
/// success puts back what its retry took, or one token when it needed none.
/// With the bucket empty, failures are returned instead of retried, so
/// retries cannot multiply the load on a service that is down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryBudget {
    pub capacity: u32,
    pub retry_cost: u32,
    pub timeout_cost: u32,
}

impl Default for RetryBudget {
    /// 500 tokens, 5 a retry, 10 a retry after a timeout (the AWS SDKs' values).
    fn default() -> Self {
        RetryBudget { capacity: 500, retry_cost: 5, timeout_cost: 10 }
    }
}

/// The tokens left in a client's [`RetryBudget`], shared by its clones.
#[derive(Clone, Debug)]
pub(crate) struct Tokens {
    budget: Option<RetryBudget>,
    left: Arc<Mutex<u32>>,
}

impl Tokens {
    pub(crate) fn new(budget: Option<RetryBudget>) -> Tokens {
        Tokens { budget, left: Arc::new(Mutex::new(budget.map_or(0, |b| b.capacity))) }
    }

    /// Takes what a retry for `cause` costs: `Some(cost)`, or `None` when
    /// the budget cannot pay for it.
    pub(crate) fn take(&self, cause: Cause) -> Option<u32> {
        let Some(budget) = self.budget else { return Some(0) };
        let cost = match cause {
            Cause::Timeout | Cause::Connect => budget.timeout_cost,
            Cause::Status(_) | Cause::Send => budget.retry_cost,
        };
        let mut left = self.left.lock().unwrap_or_else(PoisonError::into_inner);
        *left = left.checked_sub(cost)?;
        Some(cost)
    }

    /// A success: gives back what its last retry took, or one token.
    pub(crate) fn succeeded(&self, retry_cost: u32) {
        if let Some(budget) = self.budget {
            let mut left = self.left.lock().unwrap_or_else(PoisonError::into_inner);
            *left = (*left + retry_cost.max(1)).min(budget.capacity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    impl Tokens {
        fn left(&self) -> u32 {
            *self.left.lock().unwrap()
        }
    }

    fn answer(status: u16, retry_after: &str) -> Result<RawResponse, reqwest::Error> {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_str(retry_after).unwrap());
        Ok(RawResponse { status: StatusCode::from_u16(status).unwrap(), headers, body: Default::default(), error_code: None })
    }

    #[test]
    fn http_dates_parse_in_their_three_forms() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(http_date("Sun Nov  6 08:49:37 1994"), Some(t));
        let later = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_396_400);
        assert_eq!(http_date("Fri, 04 Dec 2026 15:00:00 GMT"), Some(later));
        for bad in ["", "soon", "Sun, 06 Nov 1994 08:49 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "06 1994 08:49:37 GMT"] {
            assert_eq!(http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_retry_after_date_is_waited_for_until_then_up_to_the_cap() {
        let now = http_date("Fri, 04 Dec 2026 15:00:00 GMT").unwrap();
        let policy = RetryPolicy::default().max_hint(Duration::from_secs(60));
        let decide = |value: &str| policy.decide(1, true, &answer(503, value), http_transient, now);
        let status = Cause::Status(StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(decide("Fri, 04 Dec 2026 15:00:30 GMT"), Decision::RetryAfter(Duration::from_secs(30), status));
        assert_eq!(decide("Fri, 04 Dec 2026 14:59:00 GMT"), Decision::RetryAfter(Duration::ZERO, status), "a date past is now");
        assert_eq!(decide("Fri, 04 Dec 2026 15:01:01 GMT"), Decision::Stop, "past max_hint");
        assert_eq!(decide("7"), Decision::RetryAfter(Duration::from_secs(7), status));
        assert_eq!(policy.decide(1, true, &answer(500, "1"), http_transient, now), Decision::Stop);
    }

    #[test]
    fn the_budget_pays_for_retries_and_successes_refill_it() {
        let tokens = Tokens::new(Some(RetryBudget { capacity: 12, retry_cost: 5, timeout_cost: 10 }));
        let shared = tokens.clone();
        assert_eq!(tokens.take(Cause::Status(StatusCode::SERVICE_UNAVAILABLE)), Some(5));
        assert_eq!(shared.take(Cause::Send), Some(5), "clones share the bucket");
        assert_eq!(tokens.take(Cause::Status(StatusCode::TOO_MANY_REQUESTS)), None, "2 left, a retry costs 5");
        tokens.succeeded(5);
        assert_eq!(tokens.left(), 7);
        assert_eq!(tokens.take(Cause::Timeout), None, "a timeout costs 10");
        tokens.succeeded(0);
        tokens.succeeded(10);
        assert_eq!(tokens.left(), 12, "never above capacity");
        let unlimited = Tokens::new(None);
        assert_eq!(unlimited.take(Cause::Timeout), Some(0));
    }
}
