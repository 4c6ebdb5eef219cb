//! Hostile requests to fake-cloud over real sockets, each answered as the
//! vendor would (status and body) or, where no answer is possible, refused
//! by the HTTP layer; none of them changes the state.
//!
//! - path values carrying `/`, `?`, `#`, NUL, CR LF or dot segments, encoded
//!   (one value, or no route) and raw (hyper's 400, no body);
//! - bodies over the stub's 1 MiB limit (413 in the vendor's format, also
//!   when chunked) and request heads over 64 KiB (hyper's 431);
//! - slowloris: a head that never ends (the connection is closed) and a body
//!   that trickles in (the stub's 408 in the vendor's format);
//! - credentials: near-miss keys, signatures dated outside the 15-minute
//!   window (AWS's "Signature expired", Huawei API Gateway's "signature
//!   expired"), tampered and replayed signed requests.

#[path = "e2e_common/mod.rs"]
mod common;

use common::{Reply, parse_response};
use fake_cloud::{Handle, Limits, State, Vendor};
use serde_json::{Value, json};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use vendor_apis::runtime::huawei::AkSk;
use vendor_apis::runtime::sigv4::AwsCredentials;

/// Short timeouts, so that slow clients are cut off quickly here.
const LIMITS: Limits = Limits {
    header_read_timeout: Duration::from_millis(400),
    body_timeout: Duration::from_millis(400),
    max_header_bytes: 64 * 1024,
};
const MIB: usize = 1 << 20;
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const PHALA_AUTH: (&str, &str) = ("X-API-Key", "phak_test_key");
const VAST_AUTH: (&str, &str) = ("Authorization", "Bearer vast_test_key");
const HUAWEI_AUTH: (&str, &str) = ("X-Auth-Token", "huawei_test_token");
const AWS_TARGET: (&str, &str) = ("X-Amz-Target", "TransferService.DeleteSshPublicKey");
const AWS_JSON: (&str, &str) = ("Content-Type", "application/x-amz-json-1.1");

struct Fake {
    addr: SocketAddr,
    handle: Handle,
}

impl Fake {
    async fn start(vendor: Vendor) -> Fake {
        let any = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let (addr, handle) = fake_cloud::spawn_with(any, State::default_for(vendor), LIMITS).await.unwrap();
        Fake { addr, handle }
    }

    fn state(&self) -> Value {
        self.handle.state().to_json()
    }

    async fn http(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        common::http(self.addr, method, target, headers, body).await
    }

    /// Sends `head` (and `body`, in pieces `gap` apart) and reads until the
    /// server closes: `None` if it closed without answering.
    async fn exchange(&self, head: &[u8], body: &[u8], pieces: usize, gap: Duration) -> Option<Reply> {
        let mut stream = TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(head).await.unwrap();
        let (mut read, mut write) = stream.into_split();
        let body = body.to_vec();
        // The server may answer and close before the body is all sent: write errors are expected.
        let writer = tokio::spawn(async move {
            for chunk in body.chunks(body.len().div_ceil(pieces.max(1)).max(1)) {
                if write.write_all(chunk).await.is_err() {
                    return;
                }
                tokio::time::sleep(gap).await;
            }
            let _ = write.flush().await;
            // Keep the write half open: closing it could end a slow request early.
            tokio::time::sleep(Duration::from_secs(10)).await;
        });
        let mut raw = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), read.read_to_end(&mut raw)).await;
        writer.abort();
        assert!(read.is_ok(), "the server neither answered nor closed within 10 s");
        (!raw.is_empty()).then(|| parse_response(&raw))
    }
}

fn assert_reply(reply: &Reply, status: u16, body: Value, what: &str) {
    assert_eq!((reply.status, reply.json()), (status, body), "{what}: {reply:?}");
}

// ------------------------------------------------------------------ paths

#[tokio::test]
async fn encoded_path_values_are_one_value_or_no_route() {
    let fake = Fake::start(Vendor::Phala).await;
    let invalid = json!({"detail": "Invalid key ID format"});
    let no_route = json!({"detail": "Not Found"});
    for (target, status, body) in [
        ("/api/v1/user/ssh-keys/sshk_test1%2F..%2Fsshk_test2", 400, &invalid),
        ("/api/v1/user/ssh-keys/sshk_test1%2Fsshk_test2", 400, &invalid),
        ("/api/v1/user/ssh-keys/sshk_test1%3Fx=1", 400, &invalid),
        ("/api/v1/user/ssh-keys/sshk_test1%23x", 400, &invalid),
        ("/api/v1/user/ssh-keys/sshk_test1%00", 400, &invalid),
        ("/api/v1/user/ssh-keys/sshk_test1%0D%0AX-Evil:%201", 400, &invalid),
        ("/api/v1/user/ssh-keys/..", 404, &no_route),
        ("/api/v1/user/ssh-keys/%2e%2E", 404, &no_route),
        ("/api/v1/user/ssh-keys/sshk_test1/..", 404, &no_route),
        ("/api/v1/user/ssh-keys/x/../sshk_test1", 404, &no_route),
    ] {
        assert_reply(&fake.http("DELETE", target, &[PHALA_AUTH], "").await, status, body.clone(), target);
    }
    assert_eq!(
        fake.state()["resources"]["ssh_keys"],
        json!([{"id": "sshk_test1", "user": "test_user"}, {"id": "sshk_test2", "user": "test_user"}])
    );

    let fake = Fake::start(Vendor::Huawei).await;
    let no_keypair = json!({"error_code": "KPS.0002", "error_msg": "The keypair does not exist."});
    let no_project = json!({"error_code": "KPS.0001", "error_msg": "The project does not exist or is not accessible with these credentials."});
    let no_api = json!({"error_code": "APIGW.0101", "error_msg": "The API does not exist or has not been published in the environment"});
    let keypairs = format!("/v3/{PROJECT}/keypairs");
    for (target, status, body) in [
        (format!("{keypairs}/my-keypair%2F..%2Fmy-keypair-2"), 400, &no_keypair),
        (format!("{keypairs}/my-keypair%3F"), 400, &no_keypair),
        (format!("{keypairs}/my-keypair%23"), 400, &no_keypair),
        (format!("{keypairs}/my-keypair%00"), 400, &no_keypair),
        (format!("{keypairs}/my-keypair%0D%0A"), 400, &no_keypair),
        (format!("/v3/{PROJECT}%2Fkeypairs/keypairs/my-keypair"), 400, &no_project),
        (format!("{keypairs}/.."), 404, &no_api),
        (format!("{keypairs}/my-keypair/"), 404, &no_api),
        (format!("{keypairs}/my-keypair/../my-keypair-2"), 404, &no_api),
    ] {
        let reply = fake.http("DELETE", &target, &[HUAWEI_AUTH], "").await;
        assert_reply(&reply, status, body.clone(), &target);
        assert!(reply.header("x-request-id").is_some(), "{target}");
    }
    assert_eq!(fake.state()["resources"]["projects"][0]["keypairs"], json!(["my-keypair", "my-keypair-2"]));

    let fake = Fake::start(Vendor::Vast).await;
    for target in ["/api/v0/instances/99999/ssh/12345%2F..%2F12346/", "/api/v0/instances/99999/ssh/12345%0D%0A/"] {
        let reply = fake.http("DELETE", target, &[VAST_AUTH], "{}").await;
        assert_eq!((reply.status, &reply.json()["error"]), (400, &json!("invalid_request")), "{target}: {reply:?}");
    }
    let reply = fake.http("DELETE", "/api/v0/instances/99999/ssh/%2E%2E/", &[VAST_AUTH], "{}").await;
    assert_reply(&reply, 404, json!({"success": false, "error": "not_found", "msg": "Not Found"}), "dot segment");
    assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], json!([12345, 12346]));

    // awsJson1_1 has one path, `/`.
    let fake = Fake::start(Vendor::Aws).await;
    for target in ["/%2F", "/..", "/x/..", "/?x=%00"] {
        let reply = fake.http("POST", target, &[AWS_TARGET, AWS_JSON], "{}").await;
        let code =
            if target.starts_with("/?") { "MissingAuthenticationTokenException" } else { "UnknownOperationException" };
        assert_eq!(reply.json()["__type"], code, "{target}: {reply:?}");
        assert_eq!(reply.header("x-amzn-errortype"), Some(code), "{target}");
    }
}

#[tokio::test]
async fn raw_control_characters_in_the_target_are_refused_by_http() {
    let fake = Fake::start(Vendor::Phala).await;
    for target in [
        &b"/api/v1/user/ssh-keys/sshk\0test1"[..],
        b"/api/v1/user/ssh-keys/sshk\r\nX-Evil: 1",
        b"/api/v1/user/ssh-keys/sshk test1",
    ] {
        let mut head = b"DELETE ".to_vec();
        head.extend_from_slice(target);
        head.extend_from_slice(b" HTTP/1.1\r\nHost: x\r\nX-API-Key: phak_test_key\r\n\r\n");
        // No route can be known from a request line that does not parse: hyper answers.
        let reply = fake.exchange(&head, b"", 1, Duration::ZERO).await.expect("an answer");
        assert_eq!((reply.status, reply.body.as_str()), (400, ""), "{:?}", String::from_utf8_lossy(target));
    }
    assert_eq!(fake.state()["resources"]["ssh_keys"].as_array().unwrap().len(), 2);
}

// ------------------------------------------------------------ large requests

/// `(vendor, head of a request the stub would otherwise serve, the vendor's 413 body)`.
fn too_large() -> Vec<(Vendor, String, Value)> {
    vec![
        (
            Vendor::Phala,
            "DELETE /api/v1/user/ssh-keys/sshk_test1 HTTP/1.1\r\nHost: x\r\nX-API-Key: phak_test_key\r\n".into(),
            json!({"detail": "Request Entity Too Large"}),
        ),
        (
            Vendor::Vast,
            "DELETE /api/v0/auth/apikeys/123/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer vast_test_key\r\n".into(),
            json!({"success": false, "error": "payload_too_large", "msg": "The request body is too large"}),
        ),
        (
            Vendor::Huawei,
            format!(
                "DELETE /v3/{PROJECT}/keypairs/my-keypair HTTP/1.1\r\nHost: x\r\nX-Auth-Token: huawei_test_token\r\n"
            ),
            json!({"error_code": "payload_too_large", "error_msg": "The request body is too large"}),
        ),
        (
            Vendor::Aws,
            "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TransferService.DeleteSshPublicKey\r\n".into(),
            json!({"__type": "SerializationException", "Message": "The request body is too large"}),
        ),
    ]
}

#[tokio::test]
async fn bodies_over_one_mib_are_413_in_the_vendors_format() {
    for (vendor, head, body) in too_large() {
        let fake = Fake::start(vendor).await;
        let before = fake.state();
        // Declared too large: refused before a byte of it is read.
        let declared = format!("{head}Content-Length: {}\r\n\r\n", MIB + 1);
        let reply = fake.exchange(declared.as_bytes(), b"", 1, Duration::ZERO).await.expect("an answer");
        assert_reply(&reply, 413, body.clone(), &format!("{vendor}: declared"));
        // Chunked, so only counting can tell.
        let chunked = format!("{head}Transfer-Encoding: chunked\r\n\r\n");
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
        let stream = chunk.repeat(MIB / (64 * 1024) + 1) + "0\r\n\r\n";
        let reply = fake.exchange(chunked.as_bytes(), stream.as_bytes(), 32, Duration::ZERO).await.expect("an answer");
        assert_reply(&reply, 413, body, &format!("{vendor}: chunked"));
        if vendor == Vendor::Aws {
            assert_eq!(reply.header("x-amzn-errortype"), Some("SerializationException"));
        }
        assert_eq!(fake.state(), before, "{vendor}: nothing changed");
    }
    // Exactly 1 MiB is within the limit: Vast's `{}` padded with spaces is read and ignored.
    let fake = Fake::start(Vendor::Vast).await;
    let body = format!("{{}}{}", " ".repeat(MIB - 2));
    let reply = fake.http("DELETE", "/api/v0/auth/apikeys/123/", &[VAST_AUTH], &body).await;
    assert_eq!((reply.status, reply.json()), (200, json!("Successfully Deleted API Key")), "{reply:?}");
}

#[tokio::test]
async fn request_heads_over_64_kib_are_431() {
    let fake = Fake::start(Vendor::Vast).await;
    let target = "/api/v0/auth/apikeys/123/";
    let big = "a".repeat(LIMITS.max_header_bytes);
    let reply = fake.http("DELETE", target, &[VAST_AUTH, ("X-Padding", &big)], "").await;
    // The head is refused before it is parsed, so before any route is known: hyper answers.
    assert_eq!((reply.status, reply.body.as_str()), (431, ""), "{reply:?}");
    let fits = "a".repeat(LIMITS.max_header_bytes - 1024);
    let reply = fake.http("DELETE", target, &[VAST_AUTH, ("X-Padding", &fits)], "").await;
    assert_eq!((reply.status, reply.json()), (200, json!("Successfully Deleted API Key")), "{reply:?}");
}

// ---------------------------------------------------------------- slowloris

#[tokio::test]
async fn a_head_that_never_ends_is_cut_off() {
    let fake = Fake::start(Vendor::Phala).await;
    // Stops mid-head.
    let reply =
        fake.exchange(b"DELETE /api/v1/user/ssh-keys/sshk_test1 HTTP/1.1\r\nHost: x\r\n", b"", 1, Duration::ZERO).await;
    assert!(reply.is_none(), "closed without an answer (there is no request yet): {reply:?}");
    // Trickles in, one header line every 100 ms: the deadline is for the whole head.
    let lines: Vec<u8> = (0..40).flat_map(|i| format!("X-Slow-{i}: 1\r\n").into_bytes()).collect();
    let reply = fake
        .exchange(b"DELETE /api/v1/user/ssh-keys/sshk_test1 HTTP/1.1\r\n", &lines, 40, Duration::from_millis(100))
        .await;
    assert!(reply.is_none(), "closed without an answer: {reply:?}");
    assert_eq!(fake.state()["resources"]["ssh_keys"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_body_that_trickles_in_is_408_in_the_vendors_format() {
    let timeouts = [
        (Vendor::Phala, json!({"detail": "Request Timeout"})),
        (
            Vendor::Vast,
            json!({"success": false, "error": "request_timeout", "msg": "The request body was not received in time"}),
        ),
        (
            Vendor::Huawei,
            json!({"error_code": "request_timeout", "error_msg": "The request body was not received in time"}),
        ),
        (
            Vendor::Aws,
            json!({"__type": "RequestTimeoutException", "Message": "Your socket connection to the server was not read from or written to within the timeout period."}),
        ),
    ];
    for ((vendor, head, _), (_, body)) in too_large().into_iter().zip(timeouts) {
        let fake = Fake::start(vendor).await;
        let before = fake.state();
        let declared = format!("{head}Content-Length: 40\r\n\r\n");
        // 40 bytes, one every 50 ms: 2 s in all, past the 400 ms body deadline.
        let reply = fake.exchange(declared.as_bytes(), &[b' '; 40], 40, Duration::from_millis(50)).await;
        let reply = reply.unwrap_or_else(|| panic!("{vendor}: an answer"));
        assert_reply(&reply, 408, body, &format!("{vendor}"));
        assert_eq!(fake.state(), before, "{vendor}: nothing changed");
    }
}

// -------------------------------------------------------------- credentials

#[tokio::test]
async fn near_miss_keys_are_refused() {
    let fake = Fake::start(Vendor::Phala).await;
    let target = "/api/v1/user/ssh-keys/sshk_test1";
    for key in ["phak_test_ke", "phak_test_keY", "Phak_test_key", "phak_test_key_and_more", "phak_test_key\u{0}"] {
        let reply = fake.http("DELETE", target, &[("X-API-Key", key)], "").await;
        // A NUL cannot be in a header value: hyper's 400; anything else is Phala's 401.
        if key.contains('\0') {
            assert_eq!(reply.status, 400, "{key:?}");
        } else {
            assert_reply(&reply, 401, json!({"detail": "Invalid authentication credentials"}), key);
        }
    }
    let fake = Fake::start(Vendor::Vast).await;
    let reply =
        fake.http("DELETE", "/api/v0/auth/apikeys/123/", &[("Authorization", "Bearer vast_test_kez")], "{}").await;
    assert_reply(&reply, 401, json!({"success": false, "error": "auth_error", "msg": "Invalid user key"}), "vast");
    assert_eq!(fake.state()["resources"]["api_keys"].as_array().unwrap().len(), 2);
}

/// The raw headers of a request signed by the runtime's signer for `addr`.
fn signed_headers(request: &reqwest::Request) -> Vec<(String, String)> {
    request
        .headers()
        .iter()
        .filter(|(name, _)| *name != "host")
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect()
}

fn as_pairs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

fn aws_signed(addr: SocketAddr, body: &str, at: SystemTime) -> Vec<(String, String)> {
    let mut request = reqwest::Request::new(reqwest::Method::POST, format!("http://{addr}/").parse().unwrap());
    let headers = request.headers_mut();
    headers.insert("host", addr.to_string().parse().unwrap());
    headers.insert("content-type", AWS_JSON.1.parse().unwrap());
    headers.insert("x-amz-target", AWS_TARGET.1.parse().unwrap());
    *request.body_mut() = Some(body.to_owned().into());
    let key = AwsCredentials::new("AKIDTEST", "SECRETTEST", "us-east-1");
    vendor_apis::runtime::sigv4::sign_at(&mut request, &key, "transfer", at).unwrap();
    signed_headers(&request)
}

fn huawei_signed(addr: SocketAddr, path: &str, body: &str, at: SystemTime) -> Vec<(String, String)> {
    let mut request = reqwest::Request::new(reqwest::Method::DELETE, format!("http://{addr}{path}").parse().unwrap());
    request.headers_mut().insert("host", addr.to_string().parse().unwrap());
    *request.body_mut() = Some(body.to_owned().into());
    let key = AkSk::new("HUAWEITESTAK", "HUAWEITESTSK").project_id(PROJECT);
    vendor_apis::runtime::huawei::sign_at(&mut request, &key, "X-Sdk-Date", Some("X-Project-Id"), at).unwrap();
    signed_headers(&request)
}

fn aws_body(key: &str) -> String {
    json!({"ServerId": "s-01234567890abcdef", "SshPublicKeyId": key, "UserName": "my_user"}).to_string()
}

#[tokio::test]
async fn aws_signatures_outside_fifteen_minutes_are_expired() {
    let fake = Fake::start(Vendor::Aws).await;
    let body = aws_body("key-0123456789abcdef0");
    let minutes = |m: u64| Duration::from_secs(m * 60);
    for (at, relation) in [
        (SystemTime::now() - minutes(16), "is now earlier than"),
        (SystemTime::now() + minutes(16), "is still later than"),
    ] {
        let headers = aws_signed(fake.addr, &body, at);
        let reply = fake.http("POST", "/", &as_pairs(&headers), &body).await;
        assert_eq!((reply.status, &reply.json()["__type"]), (400, &json!("InvalidSignatureException")), "{reply:?}");
        assert_eq!(reply.header("x-amzn-errortype"), Some("InvalidSignatureException"));
        let message = reply.json()["Message"].as_str().unwrap().to_owned();
        let date = vendor_apis::runtime::huawei::sdk_date(at);
        let sign = if relation.contains("earlier") { '-' } else { '+' };
        assert!(message.starts_with(&format!("Signature expired: {date} {relation} ")), "{message}");
        assert!(message.ends_with(&format!(" {sign} 15 min.)")), "{message}");
    }
    assert_eq!(fake.state()["resources"]["servers"][0]["users"][0]["ssh_public_key_ids"].as_array().unwrap().len(), 2);
    // Fourteen minutes off is within the window.
    let headers = aws_signed(fake.addr, &body, SystemTime::now() - minutes(14));
    assert_eq!(fake.http("POST", "/", &as_pairs(&headers), &body).await.status, 200);
}

#[tokio::test]
async fn huawei_signatures_outside_fifteen_minutes_are_expired() {
    let fake = Fake::start(Vendor::Huawei).await;
    let path = format!("/v3/{PROJECT}/keypairs/my-keypair");
    let at = SystemTime::now() - Duration::from_secs(16 * 60);
    let headers = huawei_signed(fake.addr, &path, "", at);
    let reply = fake.http("DELETE", &path, &as_pairs(&headers), "").await;
    assert_eq!((reply.status, &reply.json()["error_code"]), (401, &json!("APIGW.0301")), "{reply:?}");
    let message = reply.json()["error_msg"].as_str().unwrap().to_owned();
    let date = vendor_apis::runtime::huawei::sdk_date(at);
    let prefix =
        format!("Incorrect IAM authentication information: signature expired, signature time:{date},server time:");
    assert!(message.starts_with(&prefix), "{message}");
    assert_eq!(fake.state()["resources"]["projects"][0]["keypairs"], json!(["my-keypair", "my-keypair-2"]));
    let headers = huawei_signed(fake.addr, &path, "", SystemTime::now() + Duration::from_secs(14 * 60));
    assert_eq!(fake.http("DELETE", &path, &as_pairs(&headers), "").await.status, 204, "within the window");
}

#[tokio::test]
async fn aws_tampered_bodies_fail_and_replays_change_nothing_twice() {
    let fake = Fake::start(Vendor::Aws).await;
    let keys = |fake: &Fake| fake.state()["resources"]["servers"][0]["users"][0]["ssh_public_key_ids"].clone();
    let (key0, key1) = ("key-0123456789abcdef0", "key-0123456789abcdef1");
    let signed = aws_signed(fake.addr, &aws_body(key0), SystemTime::now());
    // The same headers over another body of the same length: the payload hash differs.
    let reply = fake.http("POST", "/", &as_pairs(&signed), &aws_body(key1)).await;
    assert_eq!((reply.status, &reply.json()["__type"]), (403, &json!("InvalidSignatureException")), "{reply:?}");
    assert_eq!(keys(&fake), json!([key0, key1]), "nothing deleted");
    // Replayed as it was signed: the delete happens once, then the key is gone.
    let reply = fake.http("POST", "/", &as_pairs(&signed), &aws_body(key0)).await;
    assert_eq!((reply.status, reply.body.as_str()), (200, "{}"), "{reply:?}");
    let reply = fake.http("POST", "/", &as_pairs(&signed), &aws_body(key0)).await;
    assert_eq!(
        (reply.status, reply.json()),
        (
            400,
            json!({"__type": "ResourceNotFoundException", "Message": format!("Unknown SSH public key: {key0}"), "Resource": key0, "ResourceType": "SshPublicKey"})
        )
    );
    assert_eq!(keys(&fake), json!([key1]));
}

#[tokio::test]
async fn huawei_tampered_requests_fail_and_replays_change_nothing_twice() {
    let fake = Fake::start(Vendor::Huawei).await;
    let path = format!("/v3/{PROJECT}/keypairs/my-keypair");
    let signed = huawei_signed(fake.addr, &path, "", SystemTime::now());
    let refused = json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"});
    // A body the signature did not cover, and another key pair's path.
    assert_reply(&fake.http("DELETE", &path, &as_pairs(&signed), "{}").await, 401, refused.clone(), "body added");
    let other = format!("/v3/{PROJECT}/keypairs/my-keypair-2");
    assert_reply(&fake.http("DELETE", &other, &as_pairs(&signed), "").await, 401, refused, "path changed");
    assert_eq!(fake.state()["resources"]["projects"][0]["keypairs"], json!(["my-keypair", "my-keypair-2"]));
    assert_eq!(fake.http("DELETE", &path, &as_pairs(&signed), "").await.status, 204);
    let replayed = fake.http("DELETE", &path, &as_pairs(&signed), "").await;
    assert_reply(
        &replayed,
        400,
        json!({"error_code": "KPS.0002", "error_msg": "The keypair does not exist."}),
        "replay",
    );
    assert_eq!(fake.state()["resources"]["projects"][0]["keypairs"], json!(["my-keypair-2"]));
}
