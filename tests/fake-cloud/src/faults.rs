//! Forced answers ("faults"): the next N calls of an operation answer a
//! given documented error, or a raw response no spec documents.
//!
//! - A **typed** fault (`status`, optional `code` and `body`) is built through
//!   the generated `<Op>Response::documented(status, code, body)`, so only a
//!   response the spec documents can be injected; it is checked when the state
//!   loads. It is answered by the operation's handler, i.e. after the
//!   generated stub has authenticated and validated the request, and the
//!   stub encodes it exactly as a real answer.
//! - A **raw** fault (`raw: {status, headers, body}`) stands for what an
//!   upstream box (a load balancer's 503, a proxy's HTML page) might send. It
//!   is answered by a middleware in front of the generated router, before
//!   authentication, so it can be anything.
//!
//! Faults are consumed in the order the state file lists them, per
//! operation: a request takes the first remaining fault of its operation,
//! raw or typed. The middleware maps a request to its operation with the
//! small table in [`operation_of`].

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::state::Vendor;

/// One entry of the state file's `faults` list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// The operation's generated name, e.g. `detach_ssh`.
    pub operation: String,
    /// Typed: the documented status to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Typed: the protocol error code (awsJson: `ThrottlingException`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Typed: the body, checked against the type documented for the status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    /// Raw: an undocumented response, answered in front of the generated router.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<RawResponse>,
    /// How many calls in a row get this answer (default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// A response sent as it is: status, headers, and a body (a JSON string is
/// sent as its text; any other JSON value as JSON, with
/// `Content-Type: application/json` unless `headers` set one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawResponse {
    pub status: u16,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}

/// A typed fault, ready for `<Op>Response::documented`.
#[derive(Clone, Debug, PartialEq)]
pub struct Typed {
    pub status: u16,
    pub code: Option<String>,
    pub body: Option<serde_json::Value>,
}

/// Checks one fault of a state file for `vendor`.
pub fn check(vendor: Vendor, fault: &FaultSpec) -> Result<(), String> {
    let op = fault.operation.as_str();
    if !vendor.operations().contains(&op) {
        return Err(format!(
            "unknown operation `{op}`; --api {vendor} has {}",
            vendor.operations().iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if fault.times == 0 {
        return Err(format!("operation `{op}`: `times` must be at least 1"));
    }
    match (&fault.raw, fault.status) {
        (Some(raw), None) => {
            if fault.code.is_some() || fault.body.is_some() {
                return Err(format!("operation `{op}`: a raw fault has no `code` or `body` outside `raw`"));
            }
            raw.to_response().map(drop).map_err(|e| format!("operation `{op}`: raw: {e}"))
        }
        (None, Some(status)) => {
            crate::check_typed(vendor, op, &Typed { status, code: fault.code.clone(), body: fault.body.clone() })
                .map_err(|e| format!("operation `{op}`, status {status}: {e}"))
        }
        (Some(_), Some(_)) => Err(format!("operation `{op}`: give either `status` (typed) or `raw`, not both")),
        (None, None) => Err(format!("operation `{op}`: give `status` (a documented answer) or `raw`")),
    }
}

impl RawResponse {
    pub fn to_response(&self) -> Result<Response, String> {
        let status = StatusCode::from_u16(self.status).map_err(|_| format!("{} is not an HTTP status", self.status))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::try_from(name.as_str()).map_err(|_| format!("bad header name {name:?}"))?;
            let value = HeaderValue::try_from(value.as_str()).map_err(|_| format!("bad value {value:?} for {name}"))?;
            headers.append(name, value);
        }
        let body = match &self.body {
            None => Body::empty(),
            Some(serde_json::Value::String(text)) => Body::from(text.clone()),
            Some(json) => {
                if !headers.contains_key(header::CONTENT_TYPE) {
                    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                }
                Body::from(json.to_string())
            }
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

#[derive(Debug)]
struct Queued {
    index: usize,
    spec: FaultSpec,
    remaining: u32,
}

/// The faults still to be answered, and how many requests each operation got.
#[derive(Debug)]
pub struct Faults {
    queues: Mutex<HashMap<String, VecDeque<Queued>>>,
    /// Whether any fault was given: without, no request needs the lock.
    any: bool,
    /// Per operation of every API: counted on every request, so atomics.
    requests: Vec<(&'static str, AtomicU64)>,
}

impl Faults {
    pub fn new(specs: &[FaultSpec]) -> Faults {
        let mut queues: HashMap<String, VecDeque<Queued>> = HashMap::new();
        for (index, spec) in specs.iter().enumerate() {
            queues.entry(spec.operation.clone()).or_default().push_back(Queued {
                index,
                spec: spec.clone(),
                remaining: spec.times,
            });
        }
        let requests = Vendor::ALL.iter().flat_map(|v| v.operations()).map(|op| (*op, AtomicU64::new(0))).collect();
        Faults { any: !queues.is_empty(), queues: Mutex::new(queues), requests }
    }

    /// Takes one use of the operation's first fault if it is typed.
    pub fn take_typed(&self, op: &str) -> Option<Typed> {
        self.take(op, |spec| spec.raw.is_none())
            .and_then(|spec| Some(Typed { status: spec.status?, code: spec.code, body: spec.body }))
    }

    /// Takes one use of the operation's first fault if it is raw.
    pub fn take_raw(&self, op: &str) -> Option<RawResponse> {
        self.take(op, |spec| spec.raw.is_some()).and_then(|spec| spec.raw)
    }

    fn take(&self, op: &str, wanted: impl Fn(&FaultSpec) -> bool) -> Option<FaultSpec> {
        if !self.any {
            return None;
        }
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        let queue = queues.get_mut(op)?;
        let head = queue.front_mut().filter(|q| wanted(&q.spec))?;
        head.remaining = head.remaining.saturating_sub(1);
        let spec = head.spec.clone();
        if head.remaining == 0 {
            queue.pop_front();
        }
        Some(spec)
    }

    /// The faults not yet used up, in state-file order, with their remaining `times`.
    pub fn remaining(&self) -> Vec<FaultSpec> {
        let queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        let mut left: Vec<(usize, FaultSpec)> =
            queues.values().flatten().map(|q| (q.index, FaultSpec { times: q.remaining, ..q.spec.clone() })).collect();
        left.sort_by_key(|(index, _)| *index);
        left.into_iter().map(|(_, spec)| spec).collect()
    }

    /// Requests routed to `op` so far (each retry counts), whatever their answer.
    pub fn requests(&self, op: &str) -> u64 {
        self.requests.iter().find(|(name, _)| *name == op).map_or(0, |(_, n)| n.load(Ordering::Relaxed))
    }

    fn count(&self, op: &'static str) {
        if let Some((_, n)) = self.requests.iter().find(|(name, _)| *name == op) {
            n.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Which operation a request is for, by method and path (awsJson: by
/// `X-Amz-Target`). Mirrors the documented routes:
///
/// | API | request | operation |
/// |---|---|---|
/// | phala | `DELETE /api/v1/user/ssh-keys/{key_id}` | `delete_ssh_key` |
/// | vast | `DELETE /api/v0/instances/{id}/ssh/{ssh_key_id}/` | `detach_ssh` |
/// | vast | `DELETE /api/v0/auth/apikeys/{id}/` | `delete_api_key` |
/// | huawei | `DELETE /v3/{project_id}/keypairs/{keypair_name}` | `delete_keypair` |
/// | aws | `POST /`, `X-Amz-Target: TransferService.DeleteSshPublicKey` | `delete_ssh_public_key` |
pub fn operation_of(vendor: Vendor, method: &Method, path: &str, headers: &HeaderMap) -> Option<&'static str> {
    // Every request passes here: the segments go on the stack, not the heap.
    let mut segments = [""; 8];
    let mut count = 0;
    for segment in path.strip_prefix('/')?.split('/') {
        *segments.get_mut(count)? = segment;
        count += 1;
    }
    let filled = |s: &&str| !s.is_empty();
    match (vendor, method.as_str(), &segments[..count]) {
        (Vendor::Phala, "DELETE", ["api", "v1", "user", "ssh-keys", key]) if filled(key) => Some("delete_ssh_key"),
        (Vendor::Vast, "DELETE", ["api", "v0", "instances", id, "ssh", key, ""]) if filled(id) && filled(key) => {
            Some("detach_ssh")
        }
        (Vendor::Vast, "DELETE", ["api", "v0", "auth", "apikeys", id, ""]) if filled(id) => Some("delete_api_key"),
        (Vendor::Huawei, "DELETE", ["v3", project, "keypairs", name]) if filled(project) && filled(name) => {
            Some("delete_keypair")
        }
        (Vendor::Aws, "POST", [""])
            if headers.get("x-amz-target").is_some_and(|t| t == "TransferService.DeleteSshPublicKey") =>
        {
            Some("delete_ssh_public_key")
        }
        _ => None,
    }
}

/// The middleware in front of the generated router: counts requests per
/// operation and answers raw faults.
pub async fn raw_layer(
    State((vendor, faults)): State<(Vendor, Arc<Faults>)>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(op) = operation_of(vendor, request.method(), request.uri().path(), request.headers()) {
        faults.count(op);
        if let Some(raw) = faults.take_raw(op) {
            // Checked when the state loaded; a failure here cannot happen, but is not a panic either.
            match raw.to_response() {
                Ok(response) => return response,
                Err(e) => eprintln!("fake-cloud: raw fault for {op} skipped: {e}"),
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(status: u16) -> FaultSpec {
        FaultSpec {
            operation: "detach_ssh".into(),
            status: None,
            code: None,
            body: None,
            raw: Some(RawResponse { status, headers: BTreeMap::new(), body: None }),
            times: 1,
        }
    }

    fn typed(status: u16, times: u32) -> FaultSpec {
        FaultSpec { operation: "detach_ssh".into(), status: Some(status), code: None, body: None, raw: None, times }
    }

    #[test]
    fn consumed_in_order_per_operation() {
        let faults = Faults::new(&[typed(429, 2), raw(503), typed(500, 1)]);
        assert_eq!(faults.take_raw("detach_ssh"), None, "the head is typed");
        assert_eq!(faults.take_typed("delete_api_key"), None, "another operation");
        assert_eq!(faults.take_typed("detach_ssh").map(|t| t.status), Some(429));
        assert_eq!(faults.remaining()[0].times, 1);
        assert_eq!(faults.take_typed("detach_ssh").map(|t| t.status), Some(429));
        assert_eq!(faults.take_typed("detach_ssh"), None, "the head is raw now");
        assert_eq!(faults.take_raw("detach_ssh").map(|r| r.status), Some(503));
        assert_eq!(faults.take_typed("detach_ssh").map(|t| t.status), Some(500));
        assert!(faults.remaining().is_empty());
    }

    #[test]
    fn operations_by_route() {
        let none = HeaderMap::new();
        let del = Method::DELETE;
        assert_eq!(operation_of(Vendor::Vast, &del, "/api/v0/instances/1/ssh/2/", &none), Some("detach_ssh"));
        assert_eq!(operation_of(Vendor::Vast, &del, "/api/v0/instances/1/ssh/2", &none), None);
        assert_eq!(operation_of(Vendor::Vast, &del, "/api/v0/auth/apikeys/5/", &none), Some("delete_api_key"));
        assert_eq!(operation_of(Vendor::Phala, &del, "/api/v1/user/ssh-keys/a%2Fb", &none), Some("delete_ssh_key"));
        assert_eq!(operation_of(Vendor::Phala, &Method::GET, "/api/v1/user/ssh-keys/a", &none), None);
        assert_eq!(operation_of(Vendor::Huawei, &del, "/v3/p/keypairs/k", &none), Some("delete_keypair"));
        let mut target = HeaderMap::new();
        target.insert("x-amz-target", HeaderValue::from_static("TransferService.DeleteSshPublicKey"));
        assert_eq!(operation_of(Vendor::Aws, &Method::POST, "/", &target), Some("delete_ssh_public_key"));
        assert_eq!(operation_of(Vendor::Aws, &Method::POST, "/", &none), None);
    }
}
