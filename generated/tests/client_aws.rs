//! The generated AWS Transfer client (awsJson1_1 + SigV4) against a
//! loopback server: the wire request, error codes from `__type` and
//! `x-amzn-ErrorType`, throttling retries with `x-amz-retry-after`, and a
//! SigV4 vector computed by botocore.

#[path = "client_common/mod.rs"]
mod common;

use common::{config, header, received};
use std::time::{Duration, Instant, UNIX_EPOCH};
use vendor_apis::aws_transfer::client::{Client, Credentials, DeleteSshPublicKeyError};
use vendor_apis::aws_transfer::types::{DeleteSshPublicKeyRequest, ResourceNotFoundException};
use vendor_apis::runtime::client::Error;
use vendor_apis::runtime::sigv4::{AwsCredentials, sign_at};
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request() -> DeleteSshPublicKeyRequest {
    DeleteSshPublicKeyRequest {
        server_id: "s-01234567890abcdef".into(),
        ssh_public_key_id: "key-0123456789abcdef0".into(),
        user_name: "my_user".into(),
    }
}

fn client(server: &MockServer) -> Client {
    let creds = AwsCredentials::new("AKIDTEST", "SECRETTEST", "eu-west-1");
    Client::with_config(Credentials::new().sig_v4(creds), config(server)).unwrap()
}

fn aws_error(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/x-amz-json-1.1")
}

#[tokio::test]
async fn request_is_awsjson_and_signed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(has_header(
            "x-amz-target",
            "TransferService.DeleteSshPublicKey",
        ))
        .and(has_header("content-type", "application/x-amz-json-1.1"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    client(&server)
        .delete_ssh_public_key(request())
        .send()
        .await
        .unwrap();
    let req = &received(&server).await[0];
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"ServerId": "s-01234567890abcdef", "SshPublicKeyId": "key-0123456789abcdef0", "UserName": "my_user"})
    );
    let auth = header(req, "authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
        "{auth}"
    );
    assert!(auth.contains(
        "/eu-west-1/transfer/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,"
    ));
    assert!(header(req, "x-amz-date").is_some());
}

#[tokio::test]
async fn error_codes_pick_the_variant_whatever_their_form() {
    let server = MockServer::start().await;
    let not_found = r#"{"__type":"com.amazonaws.transfer#ResourceNotFoundException","Message":"no key","Resource":"key","ResourceType":"SshPublicKey"}"#;
    Mock::given(method("POST"))
        .respond_with(aws_error(400, not_found))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // The header wins over the body, and its `:` suffix is dropped.
    Mock::given(method("POST"))
        .respond_with(
            aws_error(400, r#"{"__type":"Other","Message":"bad"}"#).insert_header(
                "x-amzn-ErrorType",
                "InvalidRequestException:http://internal.amazon.com/",
            ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            400,
            r#"{"__type":"PublicKeyNotFound","message":"moto's own code"}"#,
        ))
        .mount(&server)
        .await;
    let c = client(&server);
    match c.delete_ssh_public_key(request()).send().await {
        Err(Error::Response(DeleteSshPublicKeyError::ResourceNotFoundException(e))) => assert_eq!(
            e,
            ResourceNotFoundException {
                message: "no key".into(),
                resource: "key".into(),
                resource_type: "SshPublicKey".into()
            }
        ),
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
    match c.delete_ssh_public_key(request()).send().await {
        Err(Error::Response(DeleteSshPublicKeyError::InvalidRequestException(e))) => {
            assert_eq!(e.message, "bad")
        }
        other => panic!("expected InvalidRequestException, got {other:?}"),
    }
    match c.delete_ssh_public_key(request()).send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(
                (raw.status.as_u16(), raw.error_code.as_deref()),
                (400, Some("PublicKeyNotFound"))
            )
        }
        other => panic!("expected an undocumented code, got {other:?}"),
    }
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            400,
            r#"{"__type":"ThrottlingException","Message":"slow"}"#,
        ))
        .mount(&server)
        .await;
    match client(&server)
        .delete_ssh_public_key(request())
        .send()
        .await
    {
        Err(Error::Response(DeleteSshPublicKeyError::ThrottlingException(e))) => {
            assert_eq!(e.message.as_deref(), Some("slow"))
        }
        other => panic!("expected ThrottlingException, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 3);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(aws_error(
            500,
            r#"{"__type":"InternalServiceError","Message":"boom"}"#,
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    client(&server)
        .delete_ssh_public_key(request())
        .send()
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 2);
    let dates: Vec<_> = received(&server)
        .await
        .iter()
        .map(|r| header(r, "authorization").map(str::to_owned))
        .collect();
    assert!(dates.iter().all(Option::is_some), "every attempt is signed");
}

#[tokio::test]
async fn amz_retry_after_is_in_milliseconds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            aws_error(400, r#"{"__type":"ThrottlingException"}"#)
                .insert_header("x-amz-retry-after", "1500"),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let start = Instant::now();
    client(&server)
        .delete_ssh_public_key(request())
        .send()
        .await
        .unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_secs(10),
        "{waited:?}"
    );
}

/// botocore 1.44.5's `SigV4Auth` for this request at 2026-11-22T11:27:58Z.
#[test]
fn signature_matches_botocore() {
    let body = r#"{"ServerId":"s-1234567890abcdef0","SshPublicKeyId":"key-1234567890abcdef0","UserName":"alice"}"#;
    let cases = [
        (
            None,
            "c4e6fb688b8df75aaf426d7da01ff140a4052c7cffd90af2c31f6f0ac094ed45",
        ),
        (
            Some("TOKENTEST"),
            "49ce7384c357fd99f21e53da349f09e3595f0b0a9ecc5e7cfc498f46abb6a195",
        ),
    ];
    for (token, expected) in cases {
        let url = "https://transfer.us-east-1.amazonaws.com/".parse().unwrap();
        let mut req = reqwest::Request::new(reqwest::Method::POST, url);
        req.headers_mut().insert(
            "content-type",
            "application/x-amz-json-1.1".parse().unwrap(),
        );
        req.headers_mut().insert(
            "x-amz-target",
            "TransferService.DeleteSshPublicKey".parse().unwrap(),
        );
        *req.body_mut() = Some(body.into());
        let mut creds = AwsCredentials::new("AKIDTEST", "SECRETTEST", "us-east-1");
        if let Some(t) = token {
            creds = creds.session_token(t);
        }
        sign_at(
            &mut req,
            &creds,
            "transfer",
            UNIX_EPOCH + Duration::from_secs(1_795_346_878),
        )
        .unwrap();
        let auth = req.headers()["authorization"].to_str().unwrap();
        assert_eq!(
            auth.rsplit("Signature=").next(),
            Some(expected),
            "token {token:?}"
        );
        assert_eq!(
            req.headers().get("x-amz-security-token").is_some(),
            token.is_some()
        );
    }
}
