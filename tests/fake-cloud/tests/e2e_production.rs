//! The generated clients' production features against fake-cloud: an
//! interceptor's header reaching the emulator covered by the SigV4 and the
//! Huawei signatures; an interceptor answering without a server; a deadline
//! stopping a call the server keeps answering 503; the retry budget running
//! out. (Tracing: e2e_tracing.rs.)

#[path = "e2e_common/mod.rs"]
mod common;

use common::{Fake, raw_fault};
use fake_cloud::Vendor;
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vendor_apis::runtime::client::{Attempt, ClientConfig, Error, Interceptor, RawResponse, RequestError};
use vendor_apis::runtime::huawei::AkSk;
use vendor_apis::runtime::retry::{RetryBudget, RetryPolicy};
use vendor_apis::runtime::sigv4::AwsCredentials;
use vendor_apis::{aws_transfer, huawei_kps, phala};

/// The key fake-cloud's default Phala state knows.
const PHALA_KEY: &str = "phak_test_key";
const AWS_SECRET: &str = "SECRETTEST";
const HUAWEI_SK: &str = "HUAWEITESTSK";
const HUAWEI_PROJECT: &str = "0123456789abcdef0123456789abcdef";

// ---- interceptors ----

/// Adds `X-Correlation-Id: corr-0001` to every request.
struct Correlate;

impl Interceptor for Correlate {
    fn request(&self, _: &Attempt, request: &mut reqwest::Request) -> Result<Option<RawResponse>, RequestError> {
        request.headers_mut().insert("x-correlation-id", reqwest::header::HeaderValue::from_static("corr-0001"));
        Ok(None)
    }
}

/// A loopback proxy in front of `upstream` that keeps what clients send and,
/// when `tamper` is set, changes `corr-0001` to `corr-0002` on the way.
async fn proxy(upstream: std::net::SocketAddr, tamper: bool) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = tokio::net::TcpStream::connect(upstream).await.unwrap();
            let (mut from_client, mut to_client) = client.into_split();
            let (mut from_server, mut to_server) = server.into_split();
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n @ 1..) = from_client.read(&mut buf).await {
                    let chunk = &mut buf[..n];
                    kept.lock().unwrap().extend_from_slice(chunk);
                    if tamper && let Some(i) = chunk.windows(9).position(|w| w == b"corr-0001") {
                        chunk[i + 8] = b'2';
                    }
                    if to_server.write_all(chunk).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut to_client).await });
        }
    });
    (url, seen)
}

/// The `SignedHeaders=` list of the `Authorization` header sent.
fn signed_headers(sent: &[u8]) -> String {
    let text = String::from_utf8_lossy(sent).to_ascii_lowercase();
    let line = text.lines().find(|l| l.starts_with("authorization:")).expect("an Authorization header").to_owned();
    let list = line.split("signedheaders=").nth(1).expect("SignedHeaders");
    list.split([',', ' ']).next().unwrap().to_owned()
}

#[tokio::test]
async fn an_interceptors_header_is_covered_by_the_sigv4_signature() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let request = || aws_transfer::types::DeleteSshPublicKeyRequest {
        server_id: "s-01234567890abcdef".into(),
        ssh_public_key_id: "key-0123456789abcdef0".into(),
        user_name: "my_user".into(),
    };
    let client = |url: String| {
        let credentials =
            aws_transfer::client::Credentials::new().sig_v4(AwsCredentials::new("AKIDTEST", AWS_SECRET, "us-east-1"));
        let config = ClientConfig::new().base_url(url).retry(RetryPolicy::disabled()).interceptor(Correlate);
        aws_transfer::client::Client::with_config(credentials, config).unwrap()
    };
    // Changed after signing: the emulator's SigV4 check refuses it.
    let (url, _) = proxy(fake.addr, true).await;
    match client(url).delete_ssh_public_key(request()).send().await {
        Err(Error::Undocumented(r)) => assert_eq!(r.status.as_u16(), 403, "{}", r.text()),
        other => panic!("a header changed after signing must fail the signature: {other:?}"),
    }
    let (url, sent) = proxy(fake.addr, false).await;
    client(url).delete_ssh_public_key(request()).send().await.expect("signed with the header: deleted");
    let sent = sent.lock().unwrap().clone();
    assert!(String::from_utf8_lossy(&sent).contains("x-correlation-id: corr-0001"));
    assert!(signed_headers(&sent).split(';').any(|h| h == "x-correlation-id"), "{}", signed_headers(&sent));
}

#[tokio::test]
async fn an_interceptors_header_is_covered_by_the_huawei_signature() {
    let fake = Fake::default_for(Vendor::Huawei).await;
    let client = |url: String| {
        let key = AkSk::new("HUAWEITESTAK", HUAWEI_SK).project_id(HUAWEI_PROJECT);
        // A closure is an interceptor too.
        let correlate = |_: &Attempt, request: &mut reqwest::Request| {
            request.headers_mut().insert("x-correlation-id", reqwest::header::HeaderValue::from_static("corr-0001"));
        };
        let config = ClientConfig::new().base_url(url).retry(RetryPolicy::disabled()).interceptor(correlate);
        huawei_kps::client::Client::with_config(huawei_kps::client::Credentials::new().ak_sk_signature(key), config)
            .unwrap()
    };
    let (url, _) = proxy(fake.addr, true).await;
    match client(url).delete_keypair(HUAWEI_PROJECT, "my-keypair").send().await {
        Err(Error::Undocumented(r)) => assert_eq!(r.status.as_u16(), 401, "{}", r.text()),
        other => panic!("a header changed after signing must fail the signature: {other:?}"),
    }
    let (url, sent) = proxy(fake.addr, false).await;
    client(url).delete_keypair(HUAWEI_PROJECT, "my-keypair").send().await.expect("signed with the header: deleted");
    let sent = sent.lock().unwrap().clone();
    assert!(signed_headers(&sent).split(';').any(|h| h == "x-correlation-id"), "{}", signed_headers(&sent));
}

/// Answers every attempt itself with 204, noting what it was told.
#[derive(Clone, Default)]
struct Canned {
    seen: Arc<Mutex<Vec<Attempt>>>,
    responses: Arc<AtomicU64>,
}

impl Interceptor for Canned {
    fn request(&self, attempt: &Attempt, _: &mut reqwest::Request) -> Result<Option<RawResponse>, RequestError> {
        self.seen.lock().unwrap().push(*attempt);
        let status = reqwest::StatusCode::NO_CONTENT;
        Ok(Some(RawResponse { status, headers: Default::default(), body: Default::default(), error_code: None }))
    }

    fn response(&self, _: &Attempt, response: &mut RawResponse) {
        self.responses.fetch_add(1, Ordering::SeqCst);
        response.headers.insert("x-seen", reqwest::header::HeaderValue::from_static("yes"));
    }
}

#[tokio::test]
async fn an_interceptor_can_answer_without_a_server() {
    let canned = Canned::default();
    // Nothing listens on the discard port.
    let config = ClientConfig::new().base_url("http://127.0.0.1:9").interceptor(canned.clone());
    let credentials = phala::client::Credentials::new().api_key_header(PHALA_KEY);
    let client = phala::client::Client::with_config(credentials, config).unwrap();
    let answer = client.delete_ssh_key("sshk_1").send_with_response().await.expect("answered by the interceptor");
    assert_eq!(answer.header("x-seen"), Some("yes"), "response interceptors see it too");
    let seen = canned.seen.lock().unwrap().clone();
    let expected = Attempt { operation: "delete_ssh_key", template: "/api/v1/user/ssh-keys/{key_id}", number: 1 };
    assert_eq!(seen, [expected]);
    assert_eq!(canned.responses.load(Ordering::SeqCst), 1);
}

// ---- deadlines and the retry budget ----

fn phala_client(config: ClientConfig) -> phala::client::Client {
    phala::client::Client::with_config(phala::client::Credentials::new().api_key_header(PHALA_KEY), config).unwrap()
}

#[tokio::test]
async fn a_deadline_stops_a_call_the_server_keeps_answering_503() {
    let always_503 = raw_fault("delete_ssh_key", 503, json!({"Retry-After": "1"}), json!("busy"), 1000);
    let fake = Fake::with_faults(Vendor::Phala, json!([always_503])).await;
    let retry = RetryPolicy::default().max_attempts(100);
    let client = phala_client(fake.config().retry(retry).deadline(Duration::from_secs(2)));
    let started = Instant::now();
    match client.delete_ssh_key("sshk_test1").send().await {
        Err(Error::Deadline(e)) => {
            assert_eq!(e.deadline, Duration::from_secs(2));
            assert_eq!(e.last_response.map(|r| r.status.as_u16()), Some(503));
            assert!(e.attempts >= 2, "Retry-After: 1 was waited for once: {}", e.attempts);
        }
        other => panic!("expected the deadline error, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(fake.requests("delete_ssh_key") >= 2);
    // Per call: a wait of 1 s does not fit in 500 ms, so there is no retry.
    let before = fake.requests("delete_ssh_key");
    let started = Instant::now();
    let outcome = client.with_deadline(Duration::from_millis(500)).delete_ssh_key("sshk_test1").send().await;
    assert!(matches!(&outcome, Err(Error::Deadline(e)) if e.attempts == 1), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_millis(900), "{:?}", started.elapsed());
    assert_eq!(fake.requests("delete_ssh_key"), before + 1);
}

#[tokio::test]
async fn with_the_budget_spent_a_failure_is_not_retried() {
    let always_503 = raw_fault("delete_ssh_key", 503, json!({"Retry-After": "0"}), json!("busy"), 1000);
    let fake = Fake::with_faults(Vendor::Phala, json!([always_503])).await;
    // Two retries' worth of tokens.
    let budget = RetryBudget { capacity: 10, retry_cost: 5, timeout_cost: 10 };
    let client = phala_client(fake.config().retry(common::fast_retries().budget(Some(budget))));
    let outcome = client.delete_ssh_key("sshk_test1").send().await;
    assert!(matches!(&outcome, Err(Error::Undocumented(r)) if r.status == 503), "{outcome:?}");
    assert_eq!(fake.requests("delete_ssh_key"), 3, "3 attempts, 2 retries paid for");
    let outcome = client.clone().delete_ssh_key("sshk_test1").send().await;
    assert!(matches!(&outcome, Err(Error::Undocumented(r)) if r.status == 503), "{outcome:?}");
    assert_eq!(fake.requests("delete_ssh_key"), 4, "a clone shares the spent budget: no retry");
    // Without a budget the same failure is retried as max_attempts allows.
    let unbounded = phala_client(fake.config().retry(common::fast_retries().budget(None)));
    let _ = unbounded.delete_ssh_key("sshk_test1").send().await;
    assert_eq!(fake.requests("delete_ssh_key"), 7);
}
