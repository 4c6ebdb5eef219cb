//! The generated Huawei Cloud KPS client against a loopback server: both
//! documented statuses, X-Auth-Token and AK/SK signing (checked against a
//! vector from the official SDK's signer), path encoding.

#[path = "client_common/mod.rs"]
mod common;

use common::{config, header, received};
use std::time::{Duration, UNIX_EPOCH};
use vendor_apis::huawei_kps::client::{Client, Credentials, DeleteKeypairError};
use vendor_apis::huawei_kps::types::ErrorRsp;
use vendor_apis::runtime::client::Error;
use vendor_apis::runtime::huawei::{AkSk, sign_at};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn token_204_and_documented_400() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v3/{PROJECT}/keypairs/my-keypair")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v3/{PROJECT}/keypairs/missing")))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"error_code":"KPS.XXX","error_msg":"XXX"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let client = Client::with_config(
        Credentials::new().x_auth_token("huawei_test_token"),
        config(&server),
    )
    .unwrap();

    assert_eq!(
        client
            .delete_keypair(PROJECT, "my-keypair")
            .send()
            .await
            .unwrap(),
        ()
    );
    match client.delete_keypair(PROJECT, "missing").send().await {
        Err(Error::Response(DeleteKeypairError::BadRequest(ErrorRsp {
            error_code,
            error_msg,
        }))) => {
            assert_eq!(
                (error_code.as_deref(), error_msg.as_deref()),
                (Some("KPS.XXX"), Some("XXX"))
            );
        }
        other => panic!("expected the documented 400, got {other:?}"),
    }
    let reqs = received(&server).await;
    assert_eq!(header(&reqs[0], "x-auth-token"), Some("huawei_test_token"));
    assert_eq!(
        header(&reqs[0], "authorization"),
        None,
        "a token alone is not a signature"
    );
}

#[tokio::test]
async fn aksk_requests_are_signed_like_the_sdk() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let key = AkSk::new("HUAWEITESTAK", "HUAWEITESTSK").project_id(PROJECT);
    let client =
        Client::with_config(Credentials::new().ak_sk_signature(key), config(&server)).unwrap();
    client
        .delete_keypair(PROJECT, "a b/c")
        .send()
        .await
        .unwrap();

    let req = &received(&server).await[0];
    assert_eq!(
        req.url.path(),
        format!("/v3/{PROJECT}/keypairs/a%20b%2Fc"),
        "the name stays one segment"
    );
    assert_eq!(header(req, "x-project-id"), Some(PROJECT));
    let date = header(req, "x-sdk-date").expect("X-Sdk-Date");
    assert_eq!(date.len(), 16);
    let auth = header(req, "authorization").expect("Authorization");
    assert!(
        auth.starts_with("SDK-HMAC-SHA256 Access=HUAWEITESTAK, SignedHeaders=host;x-project-id;x-sdk-date, Signature=")
    );
}

/// Signatures from huaweicloudsdkcore 3.1.219's `Signer` for
/// `DELETE http://127.0.0.1:8080{path}` at 2026-11-22T11:27:56Z.
#[test]
fn signature_matches_the_official_sdk() {
    let cases = [
        (
            "my-keypair",
            "4eca6f21ba59e225a70e4b120400a9951da29f1bf09b38d4983499b4661b37af",
        ),
        (
            "a%20b%2Fc",
            "fb3d763439f65ecc7d101786d10885010b6223ea8a3dc49f836629f676f560cb",
        ),
    ];
    let at = UNIX_EPOCH + Duration::from_secs(1_795_346_876); // 2026-11-22T11:27:56Z
    for (name, expected) in cases {
        let url = format!("http://127.0.0.1:8080/v3/{PROJECT}/keypairs/{name}");
        let mut request = reqwest::Request::new(reqwest::Method::DELETE, url.parse().unwrap());
        request
            .headers_mut()
            .insert("host", "127.0.0.1:8080".parse().unwrap());
        let key = AkSk::new("HUAWEITESTAK", "HUAWEITESTSK").project_id(PROJECT);
        sign_at(&mut request, &key, "X-Sdk-Date", Some("X-Project-Id"), at).unwrap();
        assert_eq!(request.headers()["x-sdk-date"], "20261122T112756Z");
        let auth = request.headers()["authorization"].to_str().unwrap();
        assert_eq!(auth.rsplit("Signature=").next(), Some(expected), "{name}");
    }
}

#[tokio::test]
async fn missing_credentials_send_nothing() {
    let server = MockServer::start().await;
    let client = Client::with_config(Credentials::new(), config(&server)).unwrap();
    match client.delete_keypair(PROJECT, "k").send().await {
        Err(Error::Request(e)) => {
            assert!(e.to_string().contains("XAuthToken | AkSkSignature"), "{e}")
        }
        other => panic!("expected a request error, got {other:?}"),
    }
    assert!(received(&server).await.is_empty());
}
