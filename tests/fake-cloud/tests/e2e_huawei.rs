//! The generated Huawei Cloud KPS client against fake-cloud (`--api huawei`)
//! on loopback: 204 and the documented 400 (typed), a second delete, the
//! token and the AK/SK signature (verified by the stub), wrong and missing
//! credentials, the project check, percent-encoded names, injected faults.

#[path = "e2e_common/mod.rs"]
mod common;

use common::{Fake, fault, raw_fault};
use fake_cloud::{State, Vendor};
use serde_json::json;
use vendor_apis::huawei_kps::client::{Client, Credentials, DeleteKeypairError};
use vendor_apis::huawei_kps::types::ErrorRsp;
use vendor_apis::runtime::client::Error;
use vendor_apis::runtime::huawei::AkSk;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "huawei_test_token";

fn token_client(fake: &Fake) -> Client {
    Client::with_config(Credentials::new().x_auth_token(TOKEN), fake.config()).unwrap()
}

fn aksk_client(fake: &Fake, sk: &str) -> Client {
    let key = AkSk::new("HUAWEITESTAK", sk).project_id(PROJECT);
    Client::with_config(Credentials::new().ak_sk_signature(key), fake.config()).unwrap()
}

fn keypairs(fake: &Fake) -> serde_json::Value {
    fake.state()["resources"]["projects"][0]["keypairs"].clone()
}

fn expect_400(what: &str, result: Result<(), Error<DeleteKeypairError>>, code: &str) -> ErrorRsp {
    match result {
        Err(Error::Response(DeleteKeypairError::BadRequest(body))) => {
            assert_eq!(body.error_code.as_deref(), Some(code), "{what}: {body:?}");
            assert!(body.error_msg.as_deref().is_some_and(|m| !m.is_empty()), "{what}: {body:?}");
            body
        }
        other => panic!("{what}: expected the documented 400 {code}, got {other:?}"),
    }
}

/// The undocumented 401 of API Gateway, with Huawei's error body and code.
fn expect_401(what: &str, result: Result<(), Error<DeleteKeypairError>>) {
    match result {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(raw.status.as_u16(), 401, "{what}: {}", raw.text());
            let body: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
            assert_eq!(body["error_code"], "APIGW.0301", "{what}: {body}");
            assert!(body["error_msg"].is_string(), "{what}: {body}");
            assert!(raw.headers.contains_key("x-request-id"), "{what}: the SDK reads X-Request-Id");
        }
        other => panic!("{what}: expected an undocumented 401, got {other:?}"),
    }
}

#[tokio::test]
async fn token_delete_once_then_400() {
    let fake = Fake::default_for(Vendor::Huawei).await;
    let c = token_client(&fake);
    c.delete_keypair(PROJECT, "my-keypair").send().await.expect("204");
    assert_eq!(keypairs(&fake), json!(["my-keypair-2"]));
    let body = expect_400("second delete", c.delete_keypair(PROJECT, "my-keypair").send().await, "KPS.0002");
    assert_eq!(body.error_msg.as_deref(), Some("The keypair does not exist."));
    assert_eq!(fake.requests("delete_keypair"), 2);
}

#[tokio::test]
async fn aksk_signed_delete_is_verified() {
    let fake = Fake::default_for(Vendor::Huawei).await;
    aksk_client(&fake, "HUAWEITESTSK")
        .delete_keypair(PROJECT, "my-keypair-2")
        .send()
        .await
        .expect("a good signature: 204");
    assert_eq!(keypairs(&fake), json!(["my-keypair"]));
    expect_401("wrong SK", aksk_client(&fake, "WRONGSK").delete_keypair(PROJECT, "my-keypair").send().await);
    let stranger = AkSk::new("UNKNOWNAK", "HUAWEITESTSK").project_id(PROJECT);
    let stranger = Client::with_config(Credentials::new().ak_sk_signature(stranger), fake.config()).unwrap();
    expect_401("unknown AK", stranger.delete_keypair(PROJECT, "my-keypair").send().await);
    assert_eq!(keypairs(&fake), json!(["my-keypair"]), "rejected requests delete nothing");
}

#[tokio::test]
async fn wrong_and_missing_credentials() {
    let fake = Fake::default_for(Vendor::Huawei).await;
    let wrong = Client::with_config(Credentials::new().x_auth_token("not_a_token"), fake.config()).unwrap();
    expect_401("wrong token", wrong.delete_keypair(PROJECT, "my-keypair").send().await);
    let none = Client::with_config(Credentials::new(), fake.config()).unwrap();
    assert!(
        matches!(none.delete_keypair(PROJECT, "my-keypair").send().await, Err(Error::Request(_))),
        "nothing is sent"
    );
    let target = format!("/v3/{PROJECT}/keypairs/my-keypair");
    let reply = fake.http("DELETE", &target, &[("Content-Type", "application/json")], "").await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert_eq!(reply.json()["error_code"], "APIGW.0301");
    // A forged signature header: well-formed, wrong.
    let forged = [
        ("X-Sdk-Date", "20261122T112756Z"),
        (
            "Authorization",
            "SDK-HMAC-SHA256 Access=HUAWEITESTAK, SignedHeaders=x-sdk-date, Signature=0000000000000000000000000000000000000000000000000000000000000000",
        ),
    ];
    let reply = fake.http("DELETE", &target, &forged, "").await;
    assert_eq!(reply.status, 401, "{reply:?}");
    assert_eq!(keypairs(&fake), json!(["my-keypair", "my-keypair-2"]));
}

#[tokio::test]
async fn the_project_must_be_the_callers() {
    let mut doc = State::default_for(Vendor::Huawei).to_json();
    doc["resources"]["projects"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "ffffffffffffffffffffffffffffffff", "user": "someone_else", "keypairs": ["theirs"]}));
    let fake = Fake::start(common::parse(Vendor::Huawei, doc)).await;
    let c = token_client(&fake);
    expect_400(
        "another user's project",
        c.delete_keypair("ffffffffffffffffffffffffffffffff", "theirs").send().await,
        "KPS.0001",
    );
    expect_400(
        "an unknown project",
        c.delete_keypair("00000000000000000000000000000000", "my-keypair").send().await,
        "KPS.0001",
    );
    assert_eq!(fake.state()["resources"]["projects"][1]["keypairs"], json!(["theirs"]));
    assert_eq!(keypairs(&fake), json!(["my-keypair", "my-keypair-2"]));
}

#[tokio::test]
async fn names_are_one_percent_encoded_segment() {
    let mut doc = State::default_for(Vendor::Huawei).to_json();
    doc["resources"]["projects"][0]["keypairs"] = json!(["my-keypair", "a b/c", "..", "my-keypair%2F..", "ключ"]);
    let fake = Fake::start(common::parse(Vendor::Huawei, doc)).await;
    let signed = aksk_client(&fake, "HUAWEITESTSK");
    // Encoded as the SDK does (`a%20b%2Fc`), signed over that path, and decoded as one name.
    signed.delete_keypair(PROJECT, "a b/c").send().await.expect("a b/c");
    signed.delete_keypair(PROJECT, "my-keypair%2F..").send().await.expect("a literal %2F");
    signed.delete_keypair(PROJECT, "ключ").send().await.expect("non-ASCII");
    expect_400("a b/c again", signed.delete_keypair(PROJECT, "a b/c").send().await, "KPS.0002");
    expect_400("a prefix of a name", signed.delete_keypair(PROJECT, "my-key").send().await, "KPS.0002");
    // `..` cannot be a segment: the client refuses, and on the wire it matches no route.
    assert!(matches!(signed.delete_keypair(PROJECT, "..").send().await, Err(Error::Request(_))));
    let auth = [("X-Auth-Token", TOKEN)];
    for target in [
        format!("/v3/{PROJECT}/keypairs/my-keypair/"),
        format!("/v3/{PROJECT}/keypairs/my-keypair/x"),
        format!("/v3/{PROJECT}/keypairs/../keypairs/my-keypair"),
    ] {
        let reply = fake.http("DELETE", &target, &auth, "").await;
        assert_eq!(reply.status, 404, "{target}: {reply:?}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101", "{target}");
    }
    assert_eq!(keypairs(&fake), json!(["my-keypair", ".."]));
}

#[tokio::test]
async fn injected_faults() {
    let fake = Fake::with_faults(
        Vendor::Huawei,
        json!([
            fault("delete_keypair", 400, json!({"error_code": "KPS.XXX", "error_msg": "XXX"}), 1),
            raw_fault("delete_keypair", 500, json!({}), json!("boom"), 1),
            raw_fault(
                "delete_keypair",
                429,
                json!({"Retry-After": "0"}),
                json!({"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached"}),
                1
            ),
        ]),
    )
    .await;
    let c = token_client(&fake);
    let body = expect_400("typed 400", c.delete_keypair(PROJECT, "my-keypair").send().await, "KPS.XXX");
    assert_eq!(body, ErrorRsp { error_code: Some("KPS.XXX".into()), error_msg: Some("XXX".into()) });
    match c.delete_keypair(PROJECT, "my-keypair").send().await {
        Err(Error::Undocumented(raw)) => assert_eq!((raw.status.as_u16(), raw.text().as_ref()), (500, "boom")),
        other => panic!("expected the raw 500 (not retried), got {other:?}"),
    }
    assert_eq!(fake.requests("delete_keypair"), 2);
    c.delete_keypair(PROJECT, "my-keypair").send().await.expect("429 retried, then 204");
    assert_eq!(fake.requests("delete_keypair"), 4);
    assert_eq!(keypairs(&fake), json!(["my-keypair-2"]));
}

/// A literal `.` or `..` segment is a dot segment (RFC 3986 §5.2.4): no
/// client sends one as a value (ours refuses), and a normalising proxy in
/// front of the real service turns `/v3/P/keypairs/..` into `/v3/P/`, which
/// is no route. The generated stub instead hands `..` to the implementation
/// as the key pair name (and as a project id in `/v3/../keypairs/x`).
#[tokio::test]
async fn literal_dot_segments_match_no_route() {
    let mut doc = State::default_for(Vendor::Huawei).to_json();
    doc["resources"]["projects"][0]["keypairs"] = json!(["my-keypair", "..", "."]);
    let fake = Fake::start(common::parse(Vendor::Huawei, doc)).await;
    let auth = [("X-Auth-Token", TOKEN)];
    for target in [
        format!("/v3/{PROJECT}/keypairs/.."),
        format!("/v3/{PROJECT}/keypairs/."),
        "/v3/../keypairs/my-keypair".to_owned(),
    ] {
        let reply = fake.http("DELETE", &target, &auth, "").await;
        assert_eq!(reply.status, 404, "{target}: {reply:?}");
        assert_eq!(reply.json()["error_code"], "APIGW.0101", "{target}");
    }
    assert_eq!(keypairs(&fake), json!(["my-keypair", "..", "."]));
}

/// AK/SK read as the SDKs read them from the environment (here through a
/// lookup, as the environment is shared by parallel tests), with a
/// temporary credential's security token: sent as `X-Security-Token`,
/// covered by the signature the emulator verifies.
#[tokio::test]
async fn aksk_from_the_sdk_variables_with_a_security_token() {
    let fake = Fake::default_for(Vendor::Huawei).await;
    let vars = [
        ("HUAWEICLOUD_SDK_AK", "HUAWEITESTAK"),
        ("HUAWEICLOUD_SDK_SK", "HUAWEITESTSK"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "temporary-token"),
    ];
    let key = AkSk::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())).unwrap();
    assert_eq!(key.security_token.as_ref().map(|t| t.expose()), Some("temporary-token"));
    let client = Client::with_config(Credentials::new().ak_sk_signature(key), fake.config()).unwrap();
    client.delete_keypair(PROJECT, "my-keypair-2").send().await.expect("a good signature: 204");
    assert_eq!(keypairs(&fake), json!(["my-keypair"]));
}
