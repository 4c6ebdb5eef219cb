//! The generated Vast.ai client against fake-cloud (`--api vast`) on
//! loopback: every documented status of both operations as its typed
//! variant, a second delete, wrong and missing credentials, path attacks,
//! retries on injected 429/503, the example state file, and the real binary
//! answering the README's curl request.

#[path = "e2e_common/mod.rs"]
mod common;

use common::{Fake, fault, raw_fault};
use fake_cloud::{State, Vendor};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use vendor_apis::runtime::client::Error;
use vendor_apis::runtime::retry::RetryPolicy;
use vendor_apis::vast::client::{Client, Credentials, DeleteApiKeyError, DetachSshError};
use vendor_apis::vast::types::{
    DeleteApiKeyResponse400, DeleteApiKeyResponse403, DeleteApiKeyResponse404, DeleteApiKeyResponse429,
    DetachSshResponse200, DetachSshResponse400, DetachSshResponse400Error, DetachSshResponse404,
    DetachSshResponse404Error, DetachSshResponse429, DetachSshResponse500, Error as VastError,
};

const KEY: &str = "vast_test_key";
const AUTH: (&str, &str) = ("Authorization", "Bearer vast_test_key");
const DETACH_PATH: &str = "/api/v0/instances/99999/ssh/12345/";
const DETACHED: &str = r#"{"success":true,"msg":"SSH key removed from instance."}"#;
const NO_SUCH_SSH_KEY: &str = r#"{"success":false,"error":"no_such_ssh_key","msg":"SSH key not found."}"#;

fn client(fake: &Fake) -> Client {
    Client::with_config(Credentials::new().bearer_auth(KEY), fake.config()).unwrap()
}

fn not_found(error: DetachSshResponse404Error, msg: &str) -> DetachSshResponse404 {
    DetachSshResponse404 { success: Some(false), error: Some(error), msg: Some(msg.into()) }
}

#[tokio::test]
async fn detach_once_then_not_found() {
    let fake = Fake::default_for(Vendor::Vast).await;
    let c = client(&fake);
    assert_eq!(
        c.detach_ssh(99999, 12345).send().await.unwrap(),
        DetachSshResponse200 { success: Some(true), msg: Some("SSH key removed from instance.".into()) }
    );
    assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], json!([12346]), "12345 is detached");
    match c.detach_ssh(99999, 12345).send().await {
        Err(Error::Response(DetachSshError::NotFound(body))) => {
            assert_eq!(body, not_found(DetachSshResponse404Error::NoSuchSshKey, "SSH key not found."))
        }
        other => panic!("second detach: expected 404 no_such_ssh_key, got {other:?}"),
    }
    match c.detach_ssh(11111, 12346).send().await {
        Err(Error::Response(DetachSshError::NotFound(body))) => {
            assert_eq!(body, not_found(DetachSshResponse404Error::NoSuchInstance, "Instance not found."))
        }
        other => panic!("unknown instance: expected 404 no_such_instance, got {other:?}"),
    }
    assert_eq!(fake.requests("detach_ssh"), 3, "404 is not retried");
    c.detach_ssh(99999, 12346).send().await.expect("the other key is still attached");
}

#[tokio::test]
async fn another_users_instance_and_api_key() {
    let mut doc = State::default_for(Vendor::Vast).to_json();
    doc["credentials"]["api_keys"].as_array_mut().unwrap().push(json!({"key": "other_key", "user": "other"}));
    doc["resources"]["instances"].as_array_mut().unwrap().push(json!({"id": 7, "user": "other", "ssh_keys": [1]}));
    doc["resources"]["api_keys"].as_array_mut().unwrap().push(json!({"id": 125, "user": "other"}));
    let fake = Fake::start(common::parse(Vendor::Vast, doc)).await;
    let c = client(&fake);
    match c.detach_ssh(7, 1).send().await {
        Err(Error::Response(DetachSshError::NotFound(body))) => {
            assert_eq!(body.error, Some(DetachSshResponse404Error::NoSuchInstance), "not visible to test_user")
        }
        other => panic!("expected 404, got {other:?}"),
    }
    match c.delete_api_key(125).send().await {
        Err(Error::Response(DeleteApiKeyError::Forbidden(body))) => assert_eq!(
            body,
            DeleteApiKeyResponse403 { msg: Some("You do not have permission to delete this API Key.".into()) }
        ),
        other => panic!("expected 403, got {other:?}"),
    }
    let other = Client::with_config(Credentials::new().bearer_auth("other_key"), fake.config()).unwrap();
    other.detach_ssh(7, 1).send().await.expect("the owner detaches");
    assert_eq!(other.delete_api_key(125).send().await.unwrap(), "Successfully Deleted API Key");
}

#[tokio::test]
async fn delete_api_key_statuses() {
    let fake = Fake::with_faults(
        Vendor::Vast,
        json!([fault("delete_api_key", 429, json!({"detail": "API requests too frequent endpoint threshold=2.0"}), 3)]),
    )
    .await;
    let c = client(&fake);
    // 429, three attempts (the default policy), then the typed body.
    match c.delete_api_key(123).send().await {
        Err(Error::Response(DeleteApiKeyError::TooManyRequests(body))) => assert_eq!(
            body,
            DeleteApiKeyResponse429 { detail: Some("API requests too frequent endpoint threshold=2.0".into()) }
        ),
        other => panic!("expected 429, got {other:?}"),
    }
    assert_eq!(fake.requests("delete_api_key"), 3);
    // 200: a JSON string. Then 404 for the same id.
    assert_eq!(c.delete_api_key(123).send().await.unwrap(), "Successfully Deleted API Key");
    match c.delete_api_key(123).send().await {
        Err(Error::Response(DeleteApiKeyError::NotFound(body))) => {
            assert_eq!(body, DeleteApiKeyResponse404 { msg: Some("API Key not found.".into()) })
        }
        other => panic!("second delete: expected 404, got {other:?}"),
    }
    // 400: ids start at 1 (the spec's `minimum`); the stub rejects 0 in Vast's error body.
    match c.delete_api_key(0).send().await {
        Err(Error::Response(DeleteApiKeyError::BadRequest(body))) => {
            assert!(body.msg.as_deref().is_some_and(|m| m.starts_with("Invalid request parameters")), "{body:?}")
        }
        other => panic!("expected 400, got {other:?}"),
    }
    // 401: the documented `Error` body, from the stub's authentication.
    let wrong = Client::with_config(Credentials::new().bearer_auth("not_the_key"), fake.config()).unwrap();
    match wrong.delete_api_key(124).send().await {
        Err(Error::Response(DeleteApiKeyError::Unauthorized(body))) => assert_eq!(
            body,
            VastError { success: Some(false), error: Some("auth_error".into()), msg: Some("Invalid user key".into()) }
        ),
        other => panic!("wrong key: expected 401, got {other:?}"),
    }
    assert_eq!(fake.state()["resources"]["api_keys"], json!([{"id": 124, "user": "test_user"}]), "124 survived");
}

#[tokio::test]
async fn every_documented_detach_status_can_be_injected() {
    let fake = Fake::with_faults(
        Vendor::Vast,
        json!([
            fault("detach_ssh", 400, json!({"success": false, "error": "invalid_request", "msg": "Invalid request parameters"}), 1),
            fault("detach_ssh", 500, json!({"success": false, "error": "delete_ssh_from_instance", "msg": "Error deleting SSH key from instance"}), 1),
            fault("detach_ssh", 404, json!({"success": false, "error": "no_such_instance", "msg": "Instance not found."}), 1),
            fault("detach_ssh", 429, json!({"detail": "API requests too frequent endpoint threshold=2.0"}), 3),
            fault("delete_api_key", 401, json!({"success": false, "error": "auth_error", "msg": "Invalid user key"}), 1),
            fault("delete_api_key", 400, json!({"msg": "API Key ID not provided."}), 1),
            fault("delete_api_key", 403, json!({"msg": "You do not have permission to delete this API Key."}), 1),
            fault("delete_api_key", 404, json!({"msg": "API Key not found."}), 1),
        ]),
    )
    .await;
    let c = client(&fake);
    match c.detach_ssh(99999, 12345).send().await {
        Err(Error::Response(DetachSshError::BadRequest(body))) => assert_eq!(
            body,
            DetachSshResponse400 {
                success: Some(false),
                error: Some(DetachSshResponse400Error::InvalidRequest),
                msg: Some("Invalid request parameters".into())
            }
        ),
        other => panic!("expected 400, got {other:?}"),
    }
    match c.detach_ssh(99999, 12345).send().await {
        Err(Error::Response(DetachSshError::InternalServerError(body))) => assert_eq!(
            body,
            DetachSshResponse500 {
                success: Some(false),
                error: Some("delete_ssh_from_instance".into()),
                msg: Some("Error deleting SSH key from instance".into())
            }
        ),
        other => panic!("expected 500, got {other:?}"),
    }
    assert_eq!(fake.requests("detach_ssh"), 2, "500 is not retried");
    match c.detach_ssh(99999, 12345).send().await {
        Err(Error::Response(DetachSshError::NotFound(body))) => {
            assert_eq!(body, not_found(DetachSshResponse404Error::NoSuchInstance, "Instance not found."))
        }
        other => panic!("expected 404, got {other:?}"),
    }
    match c.detach_ssh(99999, 12345).send().await {
        Err(Error::Response(DetachSshError::TooManyRequests(body))) => assert_eq!(
            body,
            DetachSshResponse429 { detail: Some("API requests too frequent endpoint threshold=2.0".into()) }
        ),
        other => panic!("expected 429, got {other:?}"),
    }
    assert_eq!(fake.requests("detach_ssh"), 6, "the 429 was sent 3 times");
    assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], json!([12345, 12346]), "faults change nothing");
    c.detach_ssh(99999, 12345).send().await.expect("faults used up: the real answer");

    match c.delete_api_key(123).send().await {
        Err(Error::Response(DeleteApiKeyError::Unauthorized(body))) => {
            assert_eq!(body.error.as_deref(), Some("auth_error"))
        }
        other => panic!("expected 401, got {other:?}"),
    }
    match c.delete_api_key(123).send().await {
        Err(Error::Response(DeleteApiKeyError::BadRequest(body))) => {
            assert_eq!(body, DeleteApiKeyResponse400 { msg: Some("API Key ID not provided.".into()) })
        }
        other => panic!("expected 400, got {other:?}"),
    }
    match c.delete_api_key(123).send().await {
        Err(Error::Response(DeleteApiKeyError::Forbidden(body))) => assert!(body.msg.is_some()),
        other => panic!("expected 403, got {other:?}"),
    }
    match c.delete_api_key(123).send().await {
        Err(Error::Response(DeleteApiKeyError::NotFound(body))) => {
            assert_eq!(body.msg.as_deref(), Some("API Key not found."))
        }
        other => panic!("expected 404, got {other:?}"),
    }
    assert!(fake.handle.state().faults.is_empty(), "every fault used");
    assert_eq!(c.delete_api_key(123).send().await.unwrap(), "Successfully Deleted API Key");
}

#[tokio::test]
async fn retries_on_injected_429_and_503() {
    let fake = Fake::with_faults(
        Vendor::Vast,
        json!([
            fault("detach_ssh", 429, json!({"detail": "slow down"}), 2),
            raw_fault(
                "delete_api_key",
                503,
                json!({"Retry-After": "0"}),
                json!("<html>503 Service Temporarily Unavailable</html>"),
                2
            ),
        ]),
    )
    .await;
    let c = client(&fake);
    c.detach_ssh(99999, 12345).send().await.expect("429, 429, then the real 200");
    assert_eq!(fake.requests("detach_ssh"), 3);
    assert_eq!(c.delete_api_key(123).send().await.unwrap(), "Successfully Deleted API Key", "503, 503, then 200");
    assert_eq!(fake.requests("delete_api_key"), 3);

    // Without retries the load balancer's 503 is an undocumented answer, kept whole.
    let fake = Fake::with_faults(
        Vendor::Vast,
        json!([raw_fault("detach_ssh", 503, json!({"Content-Type": "text/html"}), json!("<html>busy</html>"), 1)]),
    )
    .await;
    let once =
        Client::with_config(Credentials::new().bearer_auth(KEY), fake.config().retry(RetryPolicy::disabled())).unwrap();
    match once.detach_ssh(99999, 12345).send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!((raw.status.as_u16(), raw.text().as_ref()), (503, "<html>busy</html>"));
            assert_eq!(raw.headers.get("content-type").and_then(|v| v.to_str().ok()), Some("text/html"));
        }
        other => panic!("expected the raw 503, got {other:?}"),
    }
    once.detach_ssh(99999, 12345).send().await.expect("then the real answer");
}

/// A raw fault stands for a box in front of the service: it answers before
/// authentication; a typed fault only answers authenticated requests.
#[tokio::test]
async fn raw_faults_answer_before_authentication() {
    let fake = Fake::with_faults(
        Vendor::Vast,
        json!([
            raw_fault("delete_api_key", 502, json!({}), json!("Bad Gateway"), 1),
            fault("delete_api_key", 429, json!({"detail": "slow down"}), 1),
        ]),
    )
    .await;
    let target = "/api/v0/auth/apikeys/123/";
    let reply = fake.http("DELETE", target, &[], "{}").await;
    assert_eq!((reply.status, reply.body.as_str()), (502, "Bad Gateway"));
    let reply = fake.http("DELETE", target, &[], "{}").await;
    assert_eq!(reply.status, 401, "the typed 429 waits for an authenticated call: {reply:?}");
    let reply = fake.http("DELETE", target, &[AUTH], "{}").await;
    assert_eq!((reply.status, reply.json()), (429, json!({"detail": "slow down"})));
    let reply = fake.http("DELETE", target, &[AUTH], "{}").await;
    assert_eq!((reply.status, reply.body.as_str()), (200, r#""Successfully Deleted API Key""#));
    assert_eq!(fake.requests("delete_api_key"), 4);
}

#[tokio::test]
async fn wrong_and_missing_credentials() {
    let fake = Fake::default_for(Vendor::Vast).await;
    // detach_ssh documents no 401: the stub's answer reaches the client as undocumented, in Vast's error body.
    let wrong = Client::with_config(Credentials::new().bearer_auth("nope"), fake.config()).unwrap();
    match wrong.detach_ssh(99999, 12345).send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(raw.status.as_u16(), 401);
            let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
            assert_eq!(body, json!({"success": false, "error": "auth_error", "msg": "Invalid user key"}));
        }
        other => panic!("expected an undocumented 401, got {other:?}"),
    }
    // A client without credentials sends nothing.
    let none = Client::with_config(Credentials::new(), fake.config()).unwrap();
    assert!(matches!(none.detach_ssh(99999, 12345).send().await, Err(Error::Request(_))));
    // On the wire: no header, an empty bearer, another scheme.
    for headers in [&[][..], &[("Authorization", "Bearer ")][..], &[("Authorization", "Basic dmFzdA==")][..]] {
        let reply = fake.http("DELETE", DETACH_PATH, headers, "{}").await;
        assert_eq!(reply.status, 401, "{headers:?}: {reply:?}");
        assert_eq!(reply.json()["error"], "auth_error", "{headers:?}");
    }
    assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], json!([12345, 12346]), "nothing detached");
}

#[tokio::test]
async fn path_attacks_touch_nothing() {
    let fake = Fake::default_for(Vendor::Vast).await;
    for target in [
        "/api/v0/instances/99999/ssh/12345%2F/",
        "/api/v0/instances/99999/ssh/12345%2F..%2F12346/",
        "/api/v0/instances/99999/ssh/12345%00/",
        "/api/v0/instances/99999/ssh/%2B12345/",
        "/api/v0/instances/99999/ssh/12345.0/",
        "/api/v0/instances/99999/ssh/..%2F12345/",
        "/api/v0/instances/99999/ssh/99999999999999999999999/",
        "/api/v0/instances/99999%3F/ssh/12345/",
        "/api/v0/instances/99999/ssh/0x3039/",
    ] {
        let reply = fake.http("DELETE", target, &[AUTH], "{}").await;
        assert_eq!(reply.status, 400, "{target}: {reply:?}");
        assert_eq!(reply.json()["error"], "invalid_request", "{target}");
    }
    for target in [
        "/api/v0/instances/99999/ssh/12345", // no trailing slash
        "/api/v0/instances/99999/ssh/12345//",
        "/api/v0/instances/99999/ssh/../ssh/12345/",
        "/api/v0/instances/99999/ssh/12345/../12346/",
        "/api/v0/instances/99999/ssh/12345/x/",
        "/api/v0/instances/99999/ssh/%2E%2E/", // a dot segment names nothing
    ] {
        let reply = fake.http("DELETE", target, &[AUTH], "{}").await;
        assert!(matches!(reply.status, 404 | 405), "{target}: {reply:?}");
    }
    assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], json!([12345, 12346]), "nothing detached");
    // The documented request with its `{}` body, and the same without a body.
    assert_eq!(
        fake.http("DELETE", DETACH_PATH, &[AUTH, ("Content-Type", "application/json")], "{}").await.body,
        DETACHED
    );
    assert_eq!(fake.http("DELETE", DETACH_PATH, &[AUTH], "").await.body, NO_SUCH_SSH_KEY);
}

/// Integer path parameters are parsed as JSON by the generated stub, which
/// lets whitespace around the number through: `%2012345` detaches 12345.
#[tokio::test]
async fn whitespace_around_integer_path_parameters_is_400() {
    let fake = Fake::default_for(Vendor::Vast).await;
    for target in [
        "/api/v0/instances/99999/ssh/%2012345/",
        "/api/v0/instances/99999/ssh/12345%20/",
        "/api/v0/instances/99999/ssh/%0A12345/",
        "/api/v0/instances/%2099999/ssh/12345/",
    ] {
        let reply = fake.http("DELETE", target, &[AUTH], "{}").await;
        assert_eq!(reply.status, 400, "{target}: {reply:?}");
    }
    assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], json!([12345, 12346]), "nothing detached");
}

#[tokio::test]
async fn the_example_state_file_loads_and_behaves() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vast-429.json");
    let state = State::load(Vendor::Vast, &path).unwrap_or_else(|e| panic!("{e}"));
    let fake = Fake::start(state).await;
    let c = client(&fake);
    // The file: detach_ssh answers 429 twice (retried), then works; its instance 4242 has key 7.
    c.detach_ssh(4242, 7).send().await.expect("retried past the two 429s");
    assert_eq!(fake.requests("detach_ssh"), 3);
    let once =
        Client::with_config(Credentials::new().bearer_auth(KEY), fake.config().retry(RetryPolicy::disabled())).unwrap();
    match once.delete_api_key(123).send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(raw.status.as_u16(), 503);
            assert_eq!(raw.headers.get("retry-after").and_then(|v| v.to_str().ok()), Some("0"));
        }
        other => panic!("expected the file's raw 503, got {other:?}"),
    }
    assert_eq!(once.delete_api_key(123).send().await.unwrap(), "Successfully Deleted API Key");
}

#[test]
fn bad_faults_are_readable_errors() {
    let doc = |faults: serde_json::Value| {
        let mut doc = State::default_for(Vendor::Vast).to_json();
        doc["faults"] = faults;
        doc.to_string()
    };
    let cases = [
        (json!([{"operation": "detach_ssh", "status": 418}]), "faults[0]"),
        (
            json!([fault("detach_ssh", 200, json!({}), 1), {"operation": "delete_ssh_key", "status": 404}]),
            "unknown operation `delete_ssh_key`",
        ),
        (json!([{"operation": "detach_ssh", "status": 404, "body": {"success": "yes"}}]), "faults[0]"),
        (json!([{"operation": "detach_ssh", "status": 429, "times": 0}]), "at least 1"),
        (json!([{"operation": "detach_ssh"}]), "give `status`"),
        (json!([{"operation": "detach_ssh", "raw": {"status": 1000}}]), "not an HTTP status"),
        (
            json!([{"operation": "detach_ssh", "raw": {"status": 503, "headers": {"Bad Header": "x"}}}]),
            "bad header name",
        ),
        (json!([{"operation": "detach_ssh", "status": 429, "colour": "red"}]), "colour"),
    ];
    for (faults, expected) in cases {
        let e = State::parse(Vendor::Vast, &doc(faults.clone()), "my-state.json")
            .expect_err(&faults.to_string())
            .to_string();
        assert!(e.starts_with("state file my-state.json: "), "{e}");
        assert!(e.contains(expected), "{faults}: {e:?} should mention {expected:?}");
    }
}

/// Kills (and reaps) the child when dropped, also when the test panics.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The issue's "Done when": the binary serves, and the curl request answers
/// the documented success body once, then the documented not-found body.
#[tokio::test]
async fn the_binary_serves_the_curl_request() {
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_fake-cloud"))
            .args(["--api", "vast", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("run fake-cloud"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = match tokio::time::timeout(Duration::from_secs(30), line).await {
        Ok(Ok(Ok(line))) => line,
        other => panic!("fake-cloud printed no address line: {other:?}"),
    };
    let url = line.trim().strip_prefix("fake-cloud vast listening on http://").unwrap_or_else(|| panic!("{line:?}"));
    let addr = url.parse().unwrap_or_else(|e| panic!("{url}: {e}"));
    let curl = [AUTH, ("Content-Type", "application/x-www-form-urlencoded")]; // what `curl -d '{}'` sends
    let first = common::http(addr, "DELETE", DETACH_PATH, &curl, "{}").await;
    assert_eq!((first.status, first.body.as_str()), (200, DETACHED));
    let second = common::http(addr, "DELETE", DETACH_PATH, &curl, "{}").await;
    assert_eq!((second.status, second.body.as_str()), (404, NO_SUCH_SSH_KEY));
    // SIGTERM (as from a service manager) stops it cleanly.
    let term = Command::new("kill").args(["-TERM", &child.0.id().to_string()]).status().expect("run kill");
    assert!(term.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("poll fake-cloud") {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "fake-cloud did not stop within 10 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "exit after SIGTERM: {status}");
}

#[test]
fn bad_state_file_exits_non_zero_naming_the_file_and_fault() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join("fake-cloud-bad-fault.json");
    let mut doc = State::default_for(Vendor::Vast).to_json();
    doc["faults"] = json!([fault("detach_ssh", 429, json!({}), 1), {"operation": "detach_ssh", "status": 201}]);
    std::fs::write(&path, doc.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fake-cloud"))
        .args(["--api", "vast", "--listen", "127.0.0.1:0", "--state"])
        .arg(&path)
        .output()
        .expect("run fake-cloud");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&format!("state file {}", path.display())) && stderr.contains("faults[1]"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
