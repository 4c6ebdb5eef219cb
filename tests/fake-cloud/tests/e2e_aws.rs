//! The generated AWS Transfer client against fake-cloud (`--api aws`) on
//! loopback: success, a second delete, unknown server/user/key and another
//! account's server (`ResourceNotFoundException` with `Resource` and
//! `ResourceType`), input validation (`InvalidRequestException`), SigV4
//! verification, every documented error code injected, retries.

#[path = "e2e_common/mod.rs"]
mod common;

use aws_credential_types::provider::ProvideCredentials;
use common::{Fake, raw_fault};
use fake_cloud::{State, Vendor};
use serde_json::json;
use vendor_apis::aws_transfer::client::{Client, Credentials, DeleteSshPublicKeyError};
use vendor_apis::aws_transfer::types::{
    DeleteSshPublicKeyRequest, InternalServiceError, ResourceNotFoundException, ServiceUnavailableException,
    ThrottlingException,
};
use vendor_apis::runtime::client::Error;
use vendor_apis::runtime::retry::RetryPolicy;
use vendor_apis::runtime::sigv4::{AwsAuth, AwsCredentials};

const SERVER: &str = "s-01234567890abcdef";
const USER: &str = "my_user";
const KEY0: &str = "key-0123456789abcdef0";
const KEY1: &str = "key-0123456789abcdef1";

type Outcome = Result<(), Error<DeleteSshPublicKeyError>>;

fn client_as(fake: &Fake, access_key: &str, secret: &str, region: &str) -> Client {
    let credentials = Credentials::new().sig_v4(AwsCredentials::new(access_key, secret, region));
    Client::with_config(credentials, fake.config()).unwrap()
}

fn client(fake: &Fake) -> Client {
    client_as(fake, "AKIDTEST", "SECRETTEST", "us-east-1")
}

fn request(server: &str, user: &str, key: &str) -> DeleteSshPublicKeyRequest {
    DeleteSshPublicKeyRequest { server_id: server.into(), ssh_public_key_id: key.into(), user_name: user.into() }
}

fn keys(fake: &Fake) -> serde_json::Value {
    fake.state()["resources"]["servers"][0]["users"][0]["ssh_public_key_ids"].clone()
}

fn expect_not_found(what: &str, outcome: Outcome, resource: &str, resource_type: &str) -> ResourceNotFoundException {
    match outcome {
        Err(Error::Response(DeleteSshPublicKeyError::ResourceNotFoundException(e))) => {
            assert_eq!((e.resource.as_str(), e.resource_type.as_str()), (resource, resource_type), "{what}: {e:?}");
            assert!(!e.message.is_empty(), "{what}");
            e
        }
        other => panic!("{what}: expected ResourceNotFoundException, got {other:?}"),
    }
}

fn expect_invalid(what: &str, outcome: Outcome) -> String {
    match outcome {
        Err(Error::Response(DeleteSshPublicKeyError::InvalidRequestException(e))) => e.message,
        other => panic!("{what}: expected InvalidRequestException, got {other:?}"),
    }
}

/// An undocumented awsJson error: its status and `__type`/`x-amzn-ErrorType` code.
fn expect_undocumented(what: &str, outcome: Outcome) -> (u16, String) {
    match outcome {
        Err(Error::Undocumented(raw)) => {
            let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap_or_default();
            let header = raw.headers.get("x-amzn-errortype").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert_eq!(body["__type"], header, "{what}: body and header name the same code");
            assert!(raw.headers.contains_key("x-amzn-requestid"), "{what}: x-amzn-RequestId");
            (raw.status.as_u16(), raw.error_code.unwrap_or_default())
        }
        other => panic!("{what}: expected an undocumented error, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_once_then_resource_not_found() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let c = client(&fake);
    c.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await.expect("first delete");
    assert_eq!(keys(&fake), json!([KEY1]));
    expect_not_found(
        "second delete",
        c.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await,
        KEY0,
        "SshPublicKey",
    );
    assert_eq!(fake.requests("delete_ssh_public_key"), 2, "not found is not retried");
    // Any region signs for the same world.
    client_as(&fake, "AKIDTEST", "SECRETTEST", "eu-west-3")
        .delete_ssh_public_key(request(SERVER, USER, KEY1))
        .send()
        .await
        .expect("another region");
    assert_eq!(keys(&fake), json!([]));
}

#[tokio::test]
async fn unknown_server_user_and_other_accounts() {
    let mut doc = State::default_for(Vendor::Aws).to_json();
    doc["credentials"]["access_keys"]
        .as_array_mut()
        .unwrap()
        .push(json!({"access_key_id": "AKIDOTHER", "secret_access_key": "OTHERSECRET", "account": "210987654321"}));
    let fake = Fake::start(common::parse(Vendor::Aws, doc)).await;
    let c = client(&fake);
    let other = "s-00000000000000000";
    expect_not_found(
        "unknown server",
        c.delete_ssh_public_key(request(other, USER, KEY0)).send().await,
        other,
        "Server",
    );
    expect_not_found(
        "unknown user",
        c.delete_ssh_public_key(request(SERVER, "nobody", KEY0)).send().await,
        "nobody",
        "User",
    );
    let missing = "key-0000000000000000f";
    expect_not_found(
        "unknown key",
        c.delete_ssh_public_key(request(SERVER, USER, missing)).send().await,
        missing,
        "SshPublicKey",
    );
    let stranger = client_as(&fake, "AKIDOTHER", "OTHERSECRET", "us-east-1");
    expect_not_found(
        "another account's server",
        stranger.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await,
        SERVER,
        "Server",
    );
    assert_eq!(keys(&fake), json!([KEY0, KEY1]));
}

#[tokio::test]
async fn malformed_input_is_invalid_request() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let c = client(&fake);
    for (what, req) in [
        ("ServerId pattern", request("s-XXXXXXXXXXXXXXXXX", USER, KEY0)),
        ("ServerId length", request("s-0123", USER, KEY0)),
        ("key id: moto's format", request(SERVER, USER, "s-01234567890abcdef:my_user:public_key:1.5")),
        ("key id: the docs' sample", request(SERVER, USER, "MyPublicKey")),
        ("UserName too short", request(SERVER, "ab", KEY0)),
        ("UserName with a slash", request(SERVER, "my_user/../x", KEY0)),
    ] {
        let message = expect_invalid(what, c.delete_ssh_public_key(req).send().await);
        assert!(!message.is_empty(), "{what}");
    }
    // Not JSON, a missing member, a wrong type.
    let target =
        [("X-Amz-Target", "TransferService.DeleteSshPublicKey"), ("Content-Type", "application/x-amz-json-1.1")];
    for body in [
        "{",
        r#"{"ServerId":"s-01234567890abcdef","UserName":"my_user"}"#,
        r#"{"ServerId":1,"UserName":"my_user","SshPublicKeyId":"key-0123456789abcdef0"}"#,
    ] {
        let reply = fake.http("POST", "/", &target, body).await;
        // Unsigned: authentication comes first, whatever the body.
        assert!(matches!(reply.status, 400 | 403), "{body}: {reply:?}");
        assert!(reply.json()["__type"].is_string(), "{body}: {reply:?}");
    }
    assert_eq!(keys(&fake), json!([KEY0, KEY1]));
}

#[tokio::test]
async fn signatures_are_verified() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let (status, _) = expect_undocumented(
        "wrong secret",
        client_as(&fake, "AKIDTEST", "WRONGSECRET", "us-east-1")
            .delete_ssh_public_key(request(SERVER, USER, KEY0))
            .send()
            .await,
    );
    assert_eq!(status, 403);
    let (status, _) = expect_undocumented(
        "unknown access key",
        client_as(&fake, "AKIDNOBODY", "SECRETTEST", "us-east-1")
            .delete_ssh_public_key(request(SERVER, USER, KEY0))
            .send()
            .await,
    );
    assert_eq!(status, 403);
    let none = Client::with_config(Credentials::new(), fake.config()).unwrap();
    assert!(matches!(none.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await, Err(Error::Request(_))));
    let body = json!({"ServerId": SERVER, "SshPublicKeyId": KEY0, "UserName": USER}).to_string();
    let unsigned =
        [("X-Amz-Target", "TransferService.DeleteSshPublicKey"), ("Content-Type", "application/x-amz-json-1.1")];
    let reply = fake.http("POST", "/", &unsigned, &body).await;
    assert!(matches!(reply.status, 400 | 403), "unsigned: {reply:?}");
    assert_eq!(reply.header("x-amzn-errortype"), reply.json()["__type"].as_str(), "{reply:?}");
    assert_eq!(keys(&fake), json!([KEY0, KEY1]), "nothing deleted");
}

#[tokio::test]
async fn every_documented_error_code_can_be_injected() {
    let typed = |status: u16, code: &str, body: serde_json::Value, times: u32| json!({"operation": "delete_ssh_public_key", "status": status, "code": code, "body": body, "times": times});
    let fake = Fake::with_faults(
        Vendor::Aws,
        json!([
            typed(400, "InvalidRequestException", json!({"Message": "bad"}), 1),
            typed(
                400,
                "ResourceNotFoundException",
                json!({"Message": "gone", "Resource": "r", "ResourceType": "Server"}),
                1
            ),
            typed(400, "ThrottlingException", json!({"Message": "slow down", "RetryAfterSeconds": "0"}), 3),
            typed(500, "InternalServiceError", json!({"Message": "boom"}), 3),
            typed(500, "ServiceUnavailableException", json!({"Message": "later"}), 3),
        ]),
    )
    .await;
    let c = client(&fake);
    let req = request(SERVER, USER, KEY0);
    let call = || c.delete_ssh_public_key(req.clone()).send();
    assert_eq!(expect_invalid("injected", call().await), "bad");
    let e = expect_not_found("injected", call().await, "r", "Server");
    assert_eq!(e.message, "gone");
    match call().await {
        Err(Error::Response(DeleteSshPublicKeyError::ThrottlingException(e))) => assert_eq!(
            e,
            ThrottlingException { message: Some("slow down".into()), retry_after_seconds: Some("0".into()) }
        ),
        other => panic!("expected ThrottlingException, got {other:?}"),
    }
    match call().await {
        Err(Error::Response(DeleteSshPublicKeyError::InternalServiceError(e))) => {
            assert_eq!(e, InternalServiceError { message: "boom".into() })
        }
        other => panic!("expected InternalServiceError, got {other:?}"),
    }
    match call().await {
        Err(Error::Response(DeleteSshPublicKeyError::ServiceUnavailableException(e))) => {
            assert_eq!(e, ServiceUnavailableException { message: Some("later".into()) })
        }
        other => panic!("expected ServiceUnavailableException, got {other:?}"),
    }
    assert_eq!(fake.requests("delete_ssh_public_key"), 2 + 3 * 3, "throttling and 5xx sent 3 times each");
    assert_eq!(keys(&fake), json!([KEY0, KEY1]), "faults change nothing");
    call().await.expect("faults used up");
}

#[tokio::test]
async fn retries_on_injected_throttling_and_503() {
    let fake = Fake::with_faults(
        Vendor::Aws,
        json!([
            {"operation": "delete_ssh_public_key", "status": 400, "code": "ThrottlingException", "body": {"Message": "Rate exceeded"}, "times": 1},
            raw_fault("delete_ssh_public_key", 503, json!({"Content-Type": "text/html"}), json!("<html>Service Unavailable</html>"), 1),
        ]),
    )
    .await;
    let c = client(&fake);
    c.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await.expect("throttled, a raw 503, then deleted");
    assert_eq!(fake.requests("delete_ssh_public_key"), 3);
    c.delete_ssh_public_key(request(SERVER, USER, KEY1)).send().await.expect("faults used up");
    assert_eq!(fake.requests("delete_ssh_public_key"), 4);
    assert_eq!(keys(&fake), json!([]));

    let fake =
        Fake::with_faults(Vendor::Aws, json!([raw_fault("delete_ssh_public_key", 503, json!({}), json!(""), 1)])).await;
    let once = Client::with_config(
        Credentials::new().sig_v4(AwsCredentials::new("AKIDTEST", "SECRETTEST", "us-east-1")),
        fake.config().retry(RetryPolicy::disabled()),
    )
    .unwrap();
    match once.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await {
        Err(Error::Undocumented(raw)) => assert_eq!((raw.status.as_u16(), raw.error_code), (503, None)),
        other => panic!("expected the raw 503, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_targets_and_routes() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let json = ("Content-Type", "application/x-amz-json-1.1");
    // The target is named as sent; none names nothing.
    for (headers, message) in [
        (
            &[("X-Amz-Target", "TransferService.DeleteServer"), json][..],
            "Unknown X-Amz-Target: TransferService.DeleteServer",
        ),
        (&[json][..], "Unknown X-Amz-Target"),
    ] {
        let reply = fake.http("POST", "/", headers, "{}").await;
        assert_eq!(reply.status, 400, "{reply:?}");
        assert_eq!(reply.json(), json!({"__type": "UnknownOperationException", "Message": message}));
    }
    let reply = fake.http("GET", "/", &[], "").await;
    assert!(reply.status >= 400, "{reply:?}");
    assert_eq!(fake.requests("delete_ssh_public_key"), 0);
}

/// An `aws-credential-types` provider (as `aws-config`'s default chain is
/// one) that counts its calls and gives each set of credentials a new
/// session token; `secret` lets it hand out wrong ones.
#[derive(Debug)]
struct Rotating {
    calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    secret: &'static str,
    lifetime: std::time::Duration,
}

impl ProvideCredentials for Rotating {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let expiry = std::time::SystemTime::now() + self.lifetime;
        let credentials = aws_credential_types::Credentials::new(
            "AKIDTEST",
            self.secret,
            Some(format!("session-token-{n}")),
            Some(expiry),
            "test",
        );
        aws_credential_types::provider::future::ProvideCredentials::ready(Ok(credentials))
    }
}

fn client_with_provider(
    fake: &Fake,
    secret: &'static str,
    lifetime: std::time::Duration,
) -> (Client, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let provider = Rotating { calls: calls.clone(), secret, lifetime };
    let credentials = Credentials::new().sig_v4(AwsAuth::from_provider(provider, "us-east-1"));
    (Client::with_config(credentials, fake.config()).unwrap(), calls)
}

#[tokio::test]
async fn provided_credentials_sign_requests() {
    use std::sync::atomic::Ordering::SeqCst;
    let fake = Fake::default_for(Vendor::Aws).await;
    // Credentials expiring within the refresh margin are fetched again for
    // every request: each request goes with a new session token, signed.
    let (c, calls) = client_with_provider(&fake, "SECRETTEST", std::time::Duration::from_secs(5));
    c.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await.expect("signed with the provider's credentials");
    expect_not_found(
        "second delete",
        c.delete_ssh_public_key(request(SERVER, USER, KEY0)).send().await,
        KEY0,
        "SshPublicKey",
    );
    assert_eq!(calls.load(SeqCst), 2, "asked per request when about to expire");
    assert_eq!(keys(&fake), json!([KEY1]));
    // The emulator checks what the provider gives.
    let (wrong, _) = client_with_provider(&fake, "WRONGSECRET", std::time::Duration::from_secs(3600));
    let (status, _) =
        expect_undocumented("wrong secret", wrong.delete_ssh_public_key(request(SERVER, USER, KEY1)).send().await);
    assert_eq!(status, 403);
    assert_eq!(keys(&fake), json!([KEY1]), "nothing deleted");
}

#[tokio::test]
async fn provided_credentials_are_cached_until_near_expiry() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let (c, calls) = client_with_provider(&fake, "SECRETTEST", std::time::Duration::from_secs(3600));
    let deletes = [KEY0, KEY1, "key-0123456789abcdef2"].map(|key| {
        let c = c.clone();
        tokio::spawn(async move { c.delete_ssh_public_key(request(SERVER, USER, key)).send().await })
    });
    let outcomes = futures_join(deletes).await;
    assert!(outcomes[0].is_ok() && outcomes[1].is_ok(), "{outcomes:?}");
    expect_not_found("unknown key", outcomes.into_iter().nth(2).unwrap(), "key-0123456789abcdef2", "SshPublicKey");
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1, "one fetch for concurrent requests");
    assert_eq!(keys(&fake), json!([]));
}

async fn futures_join<T: std::fmt::Debug>(tasks: [tokio::task::JoinHandle<T>; 3]) -> Vec<T> {
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}
