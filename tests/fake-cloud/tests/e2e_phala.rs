//! The generated Phala Cloud client against fake-cloud (`--api phala`) on
//! loopback: every documented status as its typed variant, a second delete,
//! wrong and missing credentials, path attacks, a raw 503 retried.

#[path = "e2e_common/mod.rs"]
mod common;

use common::{Fake, fault, raw_fault};
use fake_cloud::{State, Vendor};
use serde_json::json;
use vendor_apis::phala::client::{Client, Credentials, DeleteSshKeyError};
use vendor_apis::phala::types::{HttpException, HttpValidationError, ValidationError, ValidationErrorLocItem};
use vendor_apis::runtime::client::Error;

const KEY: &str = "phak_test_key";

fn client(fake: &Fake) -> Client {
    Client::with_config(Credentials::new().api_key_header(KEY), fake.config()).unwrap()
}

fn detail(text: &str) -> HttpException {
    HttpException { detail: text.into() }
}

fn key_ids(fake: &Fake) -> Vec<String> {
    fake.state()["resources"]["ssh_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn delete_once_then_not_found() {
    let fake = Fake::default_for(Vendor::Phala).await;
    let c = client(&fake);
    assert_eq!(c.delete_ssh_key("sshk_test1").send().await.unwrap(), ());
    assert_eq!(key_ids(&fake), ["sshk_test2"]);
    match c.delete_ssh_key("sshk_test1").send().await {
        Err(Error::Response(DeleteSshKeyError::NotFound(body))) => assert_eq!(body, detail("SSH key not found")),
        other => panic!("second delete: expected 404, got {other:?}"),
    }
    assert_eq!(fake.requests("delete_ssh_key"), 2);
    c.delete_ssh_key("sshk_test2").send().await.unwrap();
    assert!(key_ids(&fake).is_empty());
    // A graceful stop, with the client's keep-alive connection still open.
    let addr = fake.addr;
    tokio::time::timeout(std::time::Duration::from_secs(10), fake.handle.shutdown())
        .await
        .expect("shutdown within 10 s")
        .expect("clean shutdown");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no longer listening");
}

#[tokio::test]
async fn another_users_key_is_not_found() {
    let mut doc = State::default_for(Vendor::Phala).to_json();
    doc["resources"]["ssh_keys"].as_array_mut().unwrap().push(json!({"id": "sshk_other", "user": "someone_else"}));
    let fake = Fake::start(common::parse(Vendor::Phala, doc)).await;
    match client(&fake).delete_ssh_key("sshk_other").send().await {
        Err(Error::Response(DeleteSshKeyError::NotFound(body))) => assert_eq!(body, detail("SSH key not found")),
        other => panic!("expected 404, got {other:?}"),
    }
    assert_eq!(key_ids(&fake), ["sshk_test1", "sshk_test2", "sshk_other"]);
}

#[tokio::test]
async fn every_documented_status() {
    let validation = json!({"detail": [{"loc": ["path", "key_id"], "msg": "String should match pattern", "type": "string_pattern_mismatch"}]});
    let fake = Fake::with_faults(
        Vendor::Phala,
        json!([
            fault("delete_ssh_key", 422, validation, 1),
            fault("delete_ssh_key", 400, json!({"detail": "Invalid key ID format"}), 1),
            fault("delete_ssh_key", 401, json!({"detail": "Not authenticated"}), 1),
            fault("delete_ssh_key", 404, json!({"detail": "SSH key not found"}), 1),
        ]),
    )
    .await;
    let c = client(&fake);
    match c.delete_ssh_key("sshk_test1").send().await {
        Err(Error::Response(DeleteSshKeyError::UnprocessableContent(body))) => assert_eq!(
            body,
            HttpValidationError {
                detail: Some(vec![ValidationError {
                    loc: vec![
                        ValidationErrorLocItem::String("path".into()),
                        ValidationErrorLocItem::String("key_id".into())
                    ],
                    msg: "String should match pattern".into(),
                    type_: "string_pattern_mismatch".into(),
                }])
            }
        ),
        other => panic!("expected 422, got {other:?}"),
    }
    for (expected, text) in [(400, "Invalid key ID format"), (401, "Not authenticated"), (404, "SSH key not found")] {
        match (expected, c.delete_ssh_key("sshk_test1").send().await) {
            (400, Err(Error::Response(DeleteSshKeyError::BadRequest(body))))
            | (401, Err(Error::Response(DeleteSshKeyError::Unauthorized(body))))
            | (404, Err(Error::Response(DeleteSshKeyError::NotFound(body)))) => assert_eq!(body, detail(text)),
            (_, other) => panic!("expected {expected}, got {other:?}"),
        }
    }
    assert_eq!(key_ids(&fake), ["sshk_test1", "sshk_test2"], "faults change nothing");
    c.delete_ssh_key("sshk_test1").send().await.expect("faults used up: 204");
    assert_eq!(fake.requests("delete_ssh_key"), 5, "none of them retried");
}

#[tokio::test]
async fn bad_key_ids_are_400_and_touch_nothing() {
    let fake = Fake::default_for(Vendor::Phala).await;
    let c = client(&fake);
    for id in ["bad!", "a b", "sshk_test1/../sshk_test2", "sshk_test1?x=1", "sshk_test1#x", "%2e%2e", "ssh\u{e9}"] {
        match c.delete_ssh_key(id).send().await {
            Err(Error::Response(DeleteSshKeyError::BadRequest(body))) => {
                assert_eq!(body, detail("Invalid key ID format"), "{id:?}")
            }
            other => panic!("{id:?}: expected 400, got {other:?}"),
        }
    }
    // `..` and `.` cannot be one path segment: the client refuses to send them.
    for id in ["..", "."] {
        assert!(matches!(c.delete_ssh_key(id).send().await, Err(Error::Request(_))), "{id:?}");
    }
    // On the wire, dot segments and extra segments match no route.
    let auth = [("X-API-Key", KEY)];
    for target in [
        "/api/v1/user/ssh-keys/../ssh-keys/sshk_test1",
        "/api/v1/user/ssh-keys/sshk_test1/",
        "/api/v1/user/ssh-keys/sshk_test1/x",
        "/api/v1/user/ssh-keys/",
    ] {
        let reply = fake.http("DELETE", target, &auth, "").await;
        assert!(matches!(reply.status, 404 | 405), "{target}: {reply:?}");
        assert!(reply.json()["detail"].is_string(), "{target}: FastAPI's body: {reply:?}");
    }
    assert_eq!(key_ids(&fake), ["sshk_test1", "sshk_test2"]);
}

#[tokio::test]
async fn wrong_and_missing_credentials() {
    let fake = Fake::default_for(Vendor::Phala).await;
    let wrong = Client::with_config(Credentials::new().api_key_header("phak_wrong"), fake.config()).unwrap();
    match wrong.delete_ssh_key("sshk_test1").send().await {
        Err(Error::Response(DeleteSshKeyError::Unauthorized(body))) => assert!(!body.detail.is_empty()),
        other => panic!("expected 401, got {other:?}"),
    }
    let none = Client::with_config(Credentials::new(), fake.config()).unwrap();
    assert!(matches!(none.delete_ssh_key("sshk_test1").send().await, Err(Error::Request(_))), "nothing is sent");
    // What the SDK sends, minus the key; and a bearer token, which Phala does not take.
    for headers in [&[("Content-Type", "application/json")][..], &[("Authorization", "Bearer phak_test_key")][..]] {
        let reply = fake.http("DELETE", "/api/v1/user/ssh-keys/sshk_test1", headers, "").await;
        assert_eq!(reply.status, 401, "{headers:?}: {reply:?}");
        assert_eq!(reply.json(), json!({"detail": "Not authenticated"}), "{headers:?}");
    }
    assert_eq!(key_ids(&fake), ["sshk_test1", "sshk_test2"]);
    // The SDK's exact request works.
    let sdk = [
        ("X-API-Key", KEY),
        ("Content-Type", "application/json"),
        ("X-Phala-Version", "2026-06-23"),
        ("User-Agent", "python-httpx/0.28.1"),
    ];
    let reply = fake.http("DELETE", "/api/v1/user/ssh-keys/sshk_test1", &sdk, "").await;
    assert_eq!((reply.status, reply.body.as_str()), (204, ""));
}

#[tokio::test]
async fn a_load_balancer_503_is_retried() {
    let fake = Fake::with_faults(
        Vendor::Phala,
        json!([raw_fault("delete_ssh_key", 503, json!({"Retry-After": "0"}), json!("upstream connect error"), 1)]),
    )
    .await;
    client(&fake).delete_ssh_key("sshk_test1").send().await.expect("503, then 204");
    assert_eq!(fake.requests("delete_ssh_key"), 2);
}
