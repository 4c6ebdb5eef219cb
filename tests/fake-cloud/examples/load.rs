//! Load benchmark: the generated stub with fake-cloud's state alone against
//! a hand-written minimal axum handler doing the same work (the same
//! credential check, the same state lookup, the same JSON answer), per API,
//! on loopback; optionally fake-cloud as it serves too.
//!
//! ```sh
//! cargo run --release --locked --example load -- --rounds 7 --seconds 2 [--api vast] [--fake-cloud]
//! ```
//!
//! Each request is the operation on a resource that does not exist (Phala
//! 404, Vast 404 `no_such_ssh_key`, Huawei 400 `KPS.0002`, AWS 400
//! `ResourceNotFoundException`), so every request does the whole work and
//! the state stays the same. AWS requests are SigV4-signed once and replayed
//! (valid for 15 minutes); every server verifies every one. The server runs on
//! one tokio worker thread and the load generator (keep-alive HTTP/1.1
//! connections, one request in flight each) on another: the machine has 2
//! cores.
//!
//! The stub (A) and the hand-written handler (B) are interleaved round by
//! round, ABBA (round 1 A then B, round 2 B then A, …), so a change in the
//! machine's other load hits both alike; with `--fake-cloud` it runs third
//! in each round. Per server it prints the median and the min–max over the
//! rounds of requests per second, latency (p50, p99) and the server thread's
//! CPU time per request in user space (the stub's and the handler's own
//! work, and the HTTP stack's) and in all (with the kernel's share, which
//! grows when a slower round leaves the thread idle more often, so it
//! follows the machine too). The stub's difference from the hand-written
//! handler is taken per round, between the two runs of that round (side by
//! side in time), and given as the median with its interquartile range and
//! min–max over the rounds: the spread says how much of the difference is
//! the machine.
//!
//! `--in-process N` leaves out the network: each round passes N requests
//! straight to each router in one thread (nanoseconds per request), which
//! also runs under `valgrind --tool=callgrind` to count instructions, the
//! one measure the machine's other load does not move (see
//! `drive_in_process`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, post};
use fake_cloud::state::{AwsWorld, HuaweiWorld, PhalaWorld, VastWorld};
use fake_cloud::{Emulator, Limits, State, Vendor, World};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vendor_apis::runtime::server::{Incoming, PathParams, aws_error, constant_time_eq, json_response, stamp};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn main() {
    let (mut seconds, mut connections, mut rounds, mut only, mut with_fake_cloud) =
        (2u64, 16usize, 7usize, None, false);
    let mut in_process = None;
    let mut apis = vec![Vendor::Phala, Vendor::Vast, Vendor::Huawei, Vendor::Aws];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--fake-cloud" {
            with_fake_cloud = true;
            continue;
        }
        let value = args.next().unwrap_or_default();
        match (arg.as_str(), value.parse::<u64>()) {
            ("--seconds", Ok(v)) => seconds = v.max(1),
            ("--connections", Ok(v)) => connections = v.max(1) as usize,
            ("--rounds", Ok(v)) => rounds = v.max(1) as usize,
            ("--in-process", Ok(v)) => in_process = Some(v.max(1) as usize),
            ("--api", _) if Vendor::ALL.iter().any(|a| a.name() == value) => apis.retain(|a| a.name() == value),
            // Profiling one server: `--only stub`, `hand-written` or `fake-cloud`.
            ("--only", _) if SERVERS.contains(&value.as_str()) => only = Some(value),
            _ => {
                eprintln!(
                    "usage: load [--rounds N] [--seconds N | --in-process REQUESTS] [--connections N] [--api phala|vast|huawei|aws] [--fake-cloud] [--only stub|hand-written|fake-cloud]"
                );
                std::process::exit(2);
            }
        }
    }
    if only.as_deref() == Some(SERVERS[FAKE_CLOUD]) {
        with_fake_cloud = true;
    }
    if let Some(requests) = in_process {
        return drive_in_process(&apis, rounds, requests, only.as_deref(), with_fake_cloud);
    }
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("server")
        .enable_all()
        .build()
        .unwrap();
    let client = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    println!(
        "{rounds} rounds of {seconds} s per server after a 1 s warm-up, {connections} connections, stub and hand-written interleaved ABBA"
    );
    println!("medians over the rounds, (min–max)");
    println!();
    println!("| API | server | req/s | p50 | p99 | user CPU/req | all CPU/req |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    let mut comparisons = Vec::new();
    for vendor in apis {
        let mut runs: [Vec<Run>; 3] = Default::default();
        for round in 0..rounds {
            for index in order(round, with_fake_cloud, only.as_deref()) {
                let router = router(index, vendor);
                runs[index].push(measure(&server, &client, router, vendor, connections, seconds));
            }
        }
        for (index, runs) in runs.iter().enumerate().filter(|(_, runs)| !runs.is_empty()) {
            let rps = Spread::of(runs.iter().map(Run::rps));
            let p50 = Spread::of(runs.iter().map(|r| r.percentile(0.50)));
            let p99 = Spread::of(runs.iter().map(|r| r.percentile(0.99)));
            let user = Spread::of(runs.iter().map(|r| per_request(r.user, r)));
            let all = Spread::of(runs.iter().map(|r| per_request(r.all, r)));
            println!(
                "| {vendor} | {} | {:.0} ({:.0}–{:.0}) | {:.0} µs | {:.0} µs | {:.2} µs ({:.2}–{:.2}) | {:.2} µs ({:.2}–{:.2}) |",
                SERVERS[index],
                rps.median,
                rps.min,
                rps.max,
                p50.median,
                p99.median,
                user.median,
                user.min,
                user.max,
                all.median,
                all.min,
                all.max,
            );
        }
        for index in [STUB, FAKE_CLOUD] {
            // Round by round: the runs of one round ran side by side in time.
            let paired: Vec<(&Run, &Run)> = runs[index].iter().zip(&runs[HAND_WRITTEN]).collect();
            if paired.is_empty() {
                continue;
            }
            let change = |f: fn(&Run) -> f64| Spread::of(paired.iter().map(|(a, b)| 100.0 * (f(a) / f(b) - 1.0)));
            let rps = change(Run::rps);
            let user = change(|r| per_request(r.user, r));
            let extra = Spread::of(paired.iter().map(|(a, b)| per_request(a.user, a) - per_request(b.user, b)));
            comparisons.push(format!(
                "| {vendor} | {} | {} | {} | {} µs ({}…{}) |",
                SERVERS[index],
                rps.percent(),
                user.percent(),
                signed(extra.median, 2),
                signed(extra.min, 2),
                signed(extra.max, 2)
            ));
        }
    }
    if !comparisons.is_empty() {
        println!();
        println!("per round against the hand-written run of the same round: median [IQR] (min…max)");
        println!();
        println!("| API | server | req/s vs hand-written | user CPU/req vs hand-written | user CPU/req, difference |");
        println!("|---|---|---:|---:|---:|");
        for row in comparisons {
            println!("{row}");
        }
    }
}

/// What is measured: the generated stub with fake-cloud's state alone, the
/// hand-written handlers, and fake-cloud as it serves (the stub, its state,
/// the raw-fault middleware that also counts requests).
const SERVERS: [&str; 3] = ["stub", "hand-written", "fake-cloud"];
const STUB: usize = 0;
const HAND_WRITTEN: usize = 1;
const FAKE_CLOUD: usize = 2;

/// The servers of one round, in turn. ABBA: the stub and the hand-written
/// handler each go first in every other round, so neither always runs on a
/// warmer (or busier) machine; fake-cloud, when measured, last.
fn order(round: usize, with_fake_cloud: bool, only: Option<&str>) -> impl Iterator<Item = usize> + '_ {
    let pair = if round.is_multiple_of(2) { [STUB, HAND_WRITTEN] } else { [HAND_WRITTEN, STUB] };
    pair.into_iter()
        .chain(with_fake_cloud.then_some(FAKE_CLOUD))
        .filter(move |&index| only.is_none_or(|only| only == SERVERS[index]))
}

/// A fresh server of kind `index` for `vendor` (fresh state each round).
fn router(index: usize, vendor: Vendor) -> Router {
    match index {
        STUB => Emulator::new(State::default_for(vendor)).stub(),
        HAND_WRITTEN => hand_written(vendor),
        _ => Emulator::new(State::default_for(vendor)).router(),
    }
}

/// Serves `router` and drives it for a warm-up second and `seconds` more.
fn measure(
    server: &tokio::runtime::Runtime,
    client: &tokio::runtime::Runtime,
    router: Router,
    vendor: Vendor,
    connections: usize,
    seconds: u64,
) -> Run {
    let listener = server.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = server.spawn(fake_cloud::serve::serve(listener, router, Limits::default(), std::future::pending()));
    let (expected, request) = request(vendor, addr);
    let before = server.block_on(server.spawn(async { thread_cpu_times() })).unwrap();
    let mut run = client.block_on(drive(addr, request, expected, connections, Duration::from_secs(seconds)));
    let after = server.block_on(server.spawn(async { thread_cpu_times() })).unwrap();
    serving.abort();
    (run.user, run.all) = (after.0 - before.0, after.1 - before.1);
    run
}

/// The median, quartiles and extremes of some rounds' figures.
struct Spread {
    median: f64,
    q1: f64,
    q3: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(values: impl Iterator<Item = f64>) -> Spread {
        let mut values: Vec<f64> = values.collect();
        values.sort_by(f64::total_cmp);
        // Linear interpolation between the closest ranks.
        let quantile = |p: f64| {
            let Some(last) = values.len().checked_sub(1) else { return f64::NAN };
            let at = p * last as f64;
            let (low, high) = (values[at.floor() as usize], values[at.ceil() as usize]);
            low + (high - low) * at.fract()
        };
        Spread { median: quantile(0.5), q1: quantile(0.25), q3: quantile(0.75), min: quantile(0.0), max: quantile(1.0) }
    }

    /// As a change in percent: `−4.1 % [−5.0…−3.2] (−7.9…−0.4)`.
    fn percent(&self) -> String {
        format!(
            "{} % [{}…{}] ({}…{})",
            signed(self.median, 1),
            signed(self.q1, 1),
            signed(self.q3, 1),
            signed(self.min, 1),
            signed(self.max, 1)
        )
    }
}

/// `value` with its sign, a minus sign for a negative one.
fn signed(value: f64, decimals: usize) -> String {
    format!("{value:+.decimals$}").replace('-', "−")
}

/// Microseconds of `time` per request of `run`, warm-up included.
fn per_request(time: Duration, run: &Run) -> f64 {
    time.as_secs_f64() * 1e6 / run.sent.max(1) as f64
}

/// One request, raw, and the status it must get.
fn request(vendor: Vendor, addr: SocketAddr) -> (u16, Vec<u8>) {
    let raw = |method: &str, target: &str, headers: &[(&str, &str)], body: &str| {
        let mut text = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n", body.len());
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        format!("{text}\r\n{body}").into_bytes()
    };
    match vendor {
        Vendor::Phala => {
            (404, raw("DELETE", "/api/v1/user/ssh-keys/sshk_missing", &[("X-API-Key", "phak_test_key")], ""))
        }
        Vendor::Vast => {
            let headers = [("Authorization", "Bearer vast_test_key"), ("Content-Type", "application/json")];
            (404, raw("DELETE", "/api/v0/instances/99999/ssh/55555/", &headers, "{}"))
        }
        Vendor::Huawei => {
            let target = format!("/v3/{PROJECT}/keypairs/missing-keypair");
            (400, raw("DELETE", &target, &[("X-Auth-Token", "huawei_test_token")], ""))
        }
        Vendor::Aws => {
            let body = json!({"ServerId": "s-01234567890abcdef", "SshPublicKeyId": "key-00000000000000000", "UserName": "my_user"}).to_string();
            let mut signed = reqwest::Request::new(reqwest::Method::POST, format!("http://{addr}/").parse().unwrap());
            let headers = signed.headers_mut();
            headers.insert("host", addr.to_string().parse().unwrap());
            headers.insert("content-type", "application/x-amz-json-1.1".parse().unwrap());
            headers.insert("x-amz-target", "TransferService.DeleteSshPublicKey".parse().unwrap());
            *signed.body_mut() = Some(body.clone().into());
            let key = vendor_apis::runtime::sigv4::AwsCredentials::new("AKIDTEST", "SECRETTEST", "us-east-1");
            vendor_apis::runtime::sigv4::sign_at(&mut signed, &key, "transfer", SystemTime::now()).unwrap();
            let headers: Vec<(String, String)> = signed
                .headers()
                .iter()
                .filter(|(n, _)| *n != "host")
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
                .collect();
            let pairs: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            (400, raw("POST", "/", &pairs, &body))
        }
    }
}

// ------------------------------------------------------------- in process

/// `--in-process N`: each round passes `requests` requests straight to each
/// router in this thread, without sockets or an HTTP/1 codec. What remains
/// is the routing, the stub's or the handler's work and the answer, with
/// far less of the machine's noise; under `valgrind --tool=callgrind` (with
/// `--rounds 1 --only stub`, once with N requests and once with 3N) the
/// difference of the two counts over 2N is the instructions per request.
fn drive_in_process(apis: &[Vendor], rounds: usize, requests: usize, only: Option<&str>, with_fake_cloud: bool) {
    use hyper::service::Service as _;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], 80));
    println!("{rounds} rounds of {requests} requests per server, in process, stub and hand-written interleaved ABBA");
    println!();
    println!("| API | server | ns/request, median (min–max) | vs hand-written, per round: median [IQR] (min…max) |");
    println!("|---|---|---:|---:|");
    for &vendor in apis {
        let (expected, raw) = request(vendor, addr);
        let mut times: [Vec<f64>; 3] = Default::default();
        for round in 0..rounds {
            for index in order(round, with_fake_cloud, only) {
                let service = hyper_util::service::TowerToHyperService::new(router(index, vendor));
                let batch: Vec<Request> = (0..requests).map(|_| parse(&raw)).collect();
                let start = Instant::now();
                runtime.block_on(async {
                    for request in batch {
                        let response = service.call(request).await.unwrap();
                        assert_eq!(response.status().as_u16(), expected, "unexpected answer");
                        axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
                    }
                });
                times[index].push(start.elapsed().as_nanos() as f64 / requests as f64);
            }
        }
        for (index, runs) in times.iter().enumerate().filter(|(_, runs)| !runs.is_empty()) {
            let time = Spread::of(runs.iter().copied());
            let paired = runs.iter().zip(&times[HAND_WRITTEN]).map(|(a, b)| 100.0 * (a / b - 1.0));
            let change = if index == HAND_WRITTEN || times[HAND_WRITTEN].is_empty() {
                String::new()
            } else {
                Spread::of(paired).percent()
            };
            println!(
                "| {vendor} | {} | {:.0} ({:.0}–{:.0}) | {change} |",
                SERVERS[index], time.median, time.min, time.max
            );
        }
    }
}

/// The request `raw` (as [`request`] writes it) as axum receives it.
fn parse(raw: &[u8]) -> Request {
    let text = std::str::from_utf8(raw).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap().split(' ');
    let mut request = axum::http::Request::builder().method(start.next().unwrap()).uri(start.next().unwrap());
    for line in lines {
        let (name, value) = line.split_once(": ").unwrap();
        request = request.header(name, value);
    }
    request.body(axum::body::Body::from(body.to_owned())).unwrap()
}

// ------------------------------------------------------- the load generator

#[derive(Default)]
struct Run {
    count: usize,
    /// The server thread's CPU time over the run (warm-up included): in
    /// user space, and in all.
    user: Duration,
    all: Duration,
    /// Requests over the run, warm-up included.
    sent: usize,
    elapsed: Duration,
    /// Microseconds, sorted.
    latencies: Vec<u32>,
}

impl Run {
    fn rps(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> f64 {
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(i).copied().unwrap_or_default() as f64
    }
}

async fn drive(addr: SocketAddr, request: Vec<u8>, expected: u16, connections: usize, length: Duration) -> Run {
    let request = Arc::new(request);
    let warm_up = Instant::now() + Duration::from_secs(1);
    let end = warm_up + length;
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.unwrap();
                stream.set_nodelay(true).unwrap();
                let (mut latencies, mut sent) = (Vec::new(), 0usize);
                let mut buffer = Vec::with_capacity(4096);
                loop {
                    let start = Instant::now();
                    if start >= end {
                        return (latencies, sent);
                    }
                    stream.write_all(&request).await.unwrap();
                    let status = read_response(&mut stream, &mut buffer).await;
                    assert_eq!(status, expected, "unexpected answer: {}", String::from_utf8_lossy(&buffer));
                    sent += 1;
                    if start >= warm_up {
                        latencies.push(start.elapsed().as_micros() as u32);
                    }
                }
            })
        })
        .collect();
    let (mut latencies, mut sent) = (Vec::new(), 0);
    for task in tasks {
        let (measured, all) = task.await.unwrap();
        latencies.extend(measured);
        sent += all;
    }
    latencies.sort_unstable();
    Run { count: latencies.len(), elapsed: length, latencies, sent, ..Run::default() }
}

/// CPU time of the calling thread (the server runtime's one worker): in
/// user space, and user plus system.
fn thread_cpu_times() -> (Duration, Duration) {
    // SAFETY: all-zero is a valid `rusage`, which the call fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is valid for writes; RUSAGE_THREAD is the calling thread.
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
    let time = |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    (time(usage.ru_utime), time(usage.ru_utime) + time(usage.ru_stime))
}

/// Reads one response (head and `Content-Length` body); its status.
async fn read_response(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> u16 {
    buffer.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize =
                head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
            if buffer.len() >= end + 4 + length {
                return head[9..12].parse().unwrap();
            }
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        buffer.extend_from_slice(&chunk[..n]);
    }
}

// ------------------------------------------------ the hand-written servers

fn hand_written(vendor: Vendor) -> Router {
    match State::default_for(vendor).world {
        World::Phala(w) => {
            Router::new().route("/api/v1/user/ssh-keys/{key_id}", delete(phala)).with_state(Arc::new(Mutex::new(w)))
        }
        World::Vast(w) => Router::new()
            .route("/api/v0/instances/{id}/ssh/{ssh_key_id}/", delete(vast))
            .with_state(Arc::new(Mutex::new(w))),
        // Both vendors put a fresh request id on every response, as the stub does.
        World::Huawei(w) => Router::new()
            .route("/v3/{project_id}/keypairs/{keypair_name}", delete(huawei))
            .with_state(Arc::new(Mutex::new(w)))
            .layer(axum::middleware::map_response(|r: Response| async move {
                stamp(&vendor_apis::huawei_kps::server::FORMAT, r)
            })),
        World::Aws(w) => Router::new().route("/", post(aws)).with_state(Arc::new(Mutex::new(w))).layer(
            axum::middleware::map_response(|r: Response| async move {
                stamp(&vendor_apis::aws_transfer::server::FORMAT, r)
            }),
        ),
    }
}

/// The user whose key is `presented`, every key compared in constant time.
fn user_of<'a>(keys: impl Iterator<Item = (&'a str, &'a str)>, presented: Option<&str>) -> Option<String> {
    let presented = presented?;
    let mut found = None;
    for (key, user) in keys {
        if constant_time_eq(key.as_bytes(), presented.as_bytes()) {
            found = found.or(Some(user.to_owned()));
        }
    }
    found
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn phala(
    AxumState(world): AxumState<Arc<Mutex<PhalaWorld>>>,
    Path(key_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut world = world.lock().unwrap();
    let keys = world.credentials.api_keys.iter().map(|k| (k.key.as_str(), k.user.as_str()));
    let Some(user) = user_of(keys, header(&headers, "x-api-key")) else {
        return json_response(401, "application/json", &json!({"detail": "Not authenticated"}));
    };
    match world.resources.ssh_keys.iter().position(|k| k.id == key_id && k.user == user) {
        Some(i) => {
            world.resources.ssh_keys.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        None => json_response(404, "application/json", &json!({"detail": "SSH key not found"})),
    }
}

async fn vast(
    AxumState(world): AxumState<Arc<Mutex<VastWorld>>>,
    Path((id, ssh_key_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    _body: Bytes,
) -> Response {
    let mut world = world.lock().unwrap();
    let token = header(&headers, "authorization").and_then(|v| v.strip_prefix("Bearer "));
    let Some(user) = user_of(world.credentials.api_keys.iter().map(|k| (k.key.as_str(), k.user.as_str())), token)
    else {
        let body = json!({"success": false, "error": "auth_error", "msg": "Invalid user key"});
        return json_response(401, "application/json", &body);
    };
    let Some(instance) = world.resources.instances.iter_mut().find(|i| i.id == id && i.user == user) else {
        let body = json!({"success": false, "error": "no_such_instance", "msg": "Instance not found."});
        return json_response(404, "application/json", &body);
    };
    match instance.ssh_keys.iter().position(|k| *k == ssh_key_id) {
        Some(i) => {
            instance.ssh_keys.remove(i);
            json_response(200, "application/json", &json!({"success": true, "msg": "SSH key removed from instance."}))
        }
        None => {
            let body = json!({"success": false, "error": "no_such_ssh_key", "msg": "SSH key not found."});
            json_response(404, "application/json", &body)
        }
    }
}

async fn huawei(
    AxumState(world): AxumState<Arc<Mutex<HuaweiWorld>>>,
    Path((project_id, keypair_name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut world = world.lock().unwrap();
    let tokens = world.credentials.tokens.iter().map(|t| (t.token.as_str(), t.user.as_str()));
    let Some(user) = user_of(tokens, header(&headers, "x-auth-token")) else {
        return json_response(
            401,
            "application/json",
            &json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}),
        );
    };
    let Some(project) = world.resources.projects.iter_mut().find(|p| p.id == project_id && p.user == user) else {
        return json_response(
            400,
            "application/json",
            &json!({"error_code": "KPS.0001", "error_msg": "The project does not exist."}),
        );
    };
    match project.keypairs.iter().position(|k| *k == keypair_name) {
        Some(i) => {
            project.keypairs.remove(i);
            StatusCode::NO_CONTENT.into_response()
        }
        None => json_response(
            400,
            "application/json",
            &json!({"error_code": "KPS.0002", "error_msg": "The keypair does not exist."}),
        ),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteSshPublicKey {
    server_id: String,
    ssh_public_key_id: String,
    user_name: String,
}

async fn aws(AxumState(world): AxumState<Arc<Mutex<AwsWorld>>>, request: Request) -> Response {
    use vendor_apis::runtime::sigv4_verify::{claim, verify};
    let denied = || aws_error(403, "InvalidSignatureException", Default::default());
    // The runtime's reader and verifier: the same SigV4 check, not reimplemented.
    let Ok(cx) = Incoming::read(request, PathParams::default()).await else { return denied() };
    let Some(Ok(claimed)) = claim(&cx) else { return denied() };
    let secret = {
        let world = world.lock().unwrap();
        world
            .credentials
            .access_keys
            .iter()
            .find(|k| k.access_key_id == claimed.access_key_id)
            .map(|k| (k.secret_access_key.clone(), k.account.clone()))
    };
    let Some((secret, account)) = secret else { return denied() };
    if verify(&cx, &claimed, &secret, "transfer", SystemTime::now()).is_err() {
        return denied();
    }
    let Ok(input) = serde_json::from_slice::<DeleteSshPublicKey>(&cx.body) else {
        return aws_error(400, "InvalidRequestException", Default::default());
    };
    let mut world = world.lock().unwrap();
    let not_found = |id: &str, kind: &str| {
        let fields = json!({"Message": format!("Unknown {kind}: {id}"), "Resource": id, "ResourceType": kind});
        aws_error(400, "ResourceNotFoundException", fields.as_object().cloned().unwrap_or_default())
    };
    let Some(server) =
        world.resources.servers.iter_mut().find(|s| s.server_id == input.server_id && s.account == account)
    else {
        return not_found(&input.server_id, "Server");
    };
    let Some(user) = server.users.iter_mut().find(|u| u.user_name == input.user_name) else {
        return not_found(&input.user_name, "User");
    };
    match user.ssh_public_key_ids.iter().position(|k| *k == input.ssh_public_key_id) {
        Some(i) => {
            user.ssh_public_key_ids.remove(i);
            json_response(200, "application/x-amz-json-1.1", &json!({}))
        }
        None => not_found(&input.ssh_public_key_id, "SshPublicKey"),
    }
}
