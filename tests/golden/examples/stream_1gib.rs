//! Benchmark (not a test): 1 GiB uploaded and 1 GiB downloaded through the
//! generated client and stub of tests/fixtures/streams.yaml over loopback,
//! each side in its own process, reporting throughput and each process's
//! peak resident memory (`VmHWM`).
//!
//! ```text
//! cargo run --release --locked --example stream_1gib [-- SIZE_IN_MIB]
//! ```
//!
//! The stub's implementation hashes an upload as it arrives and produces a
//! download as it is sent (tests/golden/tests/support/blobs.rs); the
//! client streams the upload from a generator and hashes the download as
//! it arrives. Both hashes are checked, so the figures include SHA-256.

#[path = "../tests/support/blobs.rs"]
mod blobs;

use golden::runtime::client::{BodySource, ClientConfig};
use golden::streams::client::{Client, Credentials};
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => serve(),
        Some("client") => client(&args[2], &args[3], args[4].parse().expect("a size")),
        size => bench(size.map_or(1024, |s| s.parse().expect("a size in MiB"))),
    }
}

/// Peak resident set of this process, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM");
    line.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// The stub: prints its address, serves until stdin closes, then prints
/// its peak memory.
fn serve() {
    let rt = runtime();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port");
    println!("{}", listener.local_addr().expect("an address"));
    std::io::stdout().flush().expect("stdout");
    let router = golden::streams::server::router(std::sync::Arc::new(blobs::Blobs));
    rt.spawn(async move { axum::serve(listener, router).await });
    let _ = std::io::stdin().lock().read_line(&mut String::new());
    println!("{}", peak_kib());
}

/// One transfer; prints seconds and peak memory.
fn client(direction: &str, address: &str, size: u64) {
    let rt = runtime();
    // A long transfer: the default 30 s per attempt would cut it.
    let config = ClientConfig::new()
        .base_url(format!("http://{address}"))
        .timeout(Duration::from_secs(3600));
    let client = Client::with_config(Credentials::new(), config).expect("a client");
    let expected = blobs::pattern_sha256(size);
    let start = Instant::now();
    rt.block_on(async {
        match direction {
            "upload" => {
                let source = BodySource::from_stream(blobs::pattern(size));
                let digest = client
                    .upload_blob("bench", source)
                    .send()
                    .await
                    .expect("uploaded");
                assert_eq!(
                    (digest.size as u64, digest.sha256),
                    (size, expected),
                    "the stub got every byte"
                );
            }
            _ => {
                let body = client
                    .download_blob("bench", size as i64)
                    .send_streaming()
                    .await
                    .expect("a stream")
                    .value;
                let digest = blobs::digest(body).await.expect("read");
                assert_eq!(
                    (digest.size as u64, digest.sha256),
                    (size, expected),
                    "every byte arrived"
                );
            }
        }
    });
    println!("{} {}", start.elapsed().as_secs_f64(), peak_kib());
}

fn bench(mib: u64) {
    let me = std::env::current_exe().expect("this program");
    let size = mib * 1024 * 1024;
    println!("{mib} MiB each way, client and stub in separate processes, over loopback:");
    println!("| direction | time | throughput | client peak RSS | stub peak RSS |");
    println!("|---|---|---|---|---|");
    for direction in ["upload", "download"] {
        let mut server = Command::new(&me)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the stub");
        let mut out = std::io::BufReader::new(server.stdout.take().expect("its stdout"));
        let mut address = String::new();
        out.read_line(&mut address).expect("its address");
        let run = Command::new(&me)
            .args(["client", direction, address.trim(), &size.to_string()])
            .output()
            .expect("the client");
        assert!(
            run.status.success(),
            "the client failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let text = String::from_utf8(run.stdout).expect("text");
        let mut fields = text.split_whitespace();
        let seconds: f64 = fields.next().and_then(|s| s.parse().ok()).expect("seconds");
        let client_kib: u64 = fields.next().and_then(|s| s.parse().ok()).expect("peak");
        drop(server.stdin.take());
        let mut line = String::new();
        out.read_line(&mut line).expect("the stub's peak");
        server.wait().expect("the stub ends");
        let server_kib: u64 = line.trim().parse().expect("a number");
        println!(
            "| {direction} | {seconds:.2} s | {:.0} MiB/s | {:.1} MiB | {:.1} MiB |",
            mib as f64 / seconds,
            client_kib as f64 / 1024.0,
            server_kib as f64 / 1024.0
        );
    }
}
