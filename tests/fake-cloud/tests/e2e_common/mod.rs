//! Shared by the end-to-end tests: fake-cloud in-process on loopback, client
//! settings with quick retries, a raw HTTP/1.1 exchange for requests no
//! generated client would send, and fault-state builders.

#![allow(dead_code)]

use fake_cloud::{Handle, State, Vendor};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vendor_apis::runtime::client::ClientConfig;
use vendor_apis::runtime::retry::RetryPolicy;

/// A running fake-cloud and its base URL.
pub struct Fake {
    pub addr: SocketAddr,
    pub handle: Handle,
}

impl Fake {
    pub async fn start(state: State) -> Fake {
        let (addr, handle) = fake_cloud::spawn(state).await.expect("start fake-cloud on 127.0.0.1:0");
        Fake { addr, handle }
    }

    pub async fn default_for(vendor: Vendor) -> Fake {
        Fake::start(State::default_for(vendor)).await
    }

    /// The default state of `vendor` plus `faults` (the state file's `faults` list).
    pub async fn with_faults(vendor: Vendor, faults: Value) -> Fake {
        Fake::start(with_faults(vendor, faults)).await
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Client settings pointing here, with millisecond backoffs.
    pub fn config(&self) -> ClientConfig {
        ClientConfig::new().base_url(self.base_url()).retry(fast_retries()).timeout(Duration::from_secs(10))
    }

    /// The live state as its JSON document.
    pub fn state(&self) -> Value {
        self.handle.state().to_json()
    }

    pub fn requests(&self, operation: &str) -> u64 {
        self.handle.requests(operation)
    }

    /// One raw HTTP/1.1 exchange with this server.
    pub async fn http(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        http(self.addr, method, target, headers, body).await
    }
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(5))
}

/// The default state of `vendor` with `faults` added, read the way a state file is.
pub fn with_faults(vendor: Vendor, faults: Value) -> State {
    let mut doc = State::default_for(vendor).to_json();
    doc["faults"] = faults;
    parse(vendor, doc)
}

/// A state document (JSON) read as `--state` would read it.
pub fn parse(vendor: Vendor, doc: Value) -> State {
    State::parse(vendor, &doc.to_string(), "test state").unwrap_or_else(|e| panic!("{e}"))
}

/// A typed fault: `times` calls of `operation` answer `status` (and `code`) with `body`.
pub fn fault(operation: &str, status: u16, body: Value, times: u32) -> Value {
    json!({ "operation": operation, "status": status, "body": body, "times": times })
}

/// A raw fault answered in front of the generated router.
pub fn raw_fault(operation: &str, status: u16, headers: Value, body: Value, times: u32) -> Value {
    json!({ "operation": operation, "raw": { "status": status, "headers": headers, "body": body }, "times": times })
}

/// What a raw exchange got back.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }
}

/// Sends one request exactly as given (the target is not re-encoded) over a
/// fresh connection, and reads the whole response.
pub async fn http(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect to fake-cloud");
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method != "GET" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.expect("send request");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("response within 10 s")
        .expect("read response");
    parse_response(&raw)
}

/// A raw HTTP/1.1 response (the whole connection's bytes) as a [`Reply`].
pub fn parse_response(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no end of headers in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned())).collect();
    let chunked =
        headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked { dechunk(body) } else { body.to_owned() };
    Reply { status, headers, body }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}
