//! The generated Vast.ai client against a loopback server: typed success
//! bodies (an object, and a JSON string), documented errors, bearer auth,
//! trailing slashes, and retries (counted attempts, `Retry-After`).

#[path = "client_common/mod.rs"]
mod common;

use common::{config, fast_retries, header, received};
use std::time::{Duration, Instant};
use vendor_apis::runtime::client::Error;
use vendor_apis::runtime::retry::RetryPolicy;
use vendor_apis::vast::client::{Client, Credentials, DeleteApiKeyError, DetachSshError};
use vendor_apis::vast::types::{
    DetachSshResponse200, DetachSshResponse404, DetachSshResponse404Error, Error as VastError,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

async fn client(server: &MockServer) -> Client {
    Client::with_config(
        Credentials::new().bearer_auth("vast_test_key"),
        config(server),
    )
    .unwrap()
}

#[tokio::test]
async fn detach_success_is_the_documented_body() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/instances/99999/ssh/12345/"))
        .respond_with(json(
            200,
            r#"{"success":true,"msg":"SSH key removed from instance."}"#,
        ))
        .mount(&server)
        .await;
    let ok = client(&server)
        .await
        .detach_ssh(99999, 12345)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok,
        DetachSshResponse200 {
            success: Some(true),
            msg: Some("SSH key removed from instance.".into())
        }
    );
    let req = &received(&server).await[0];
    assert_eq!(header(req, "authorization"), Some("Bearer vast_test_key"));
}

#[tokio::test]
async fn detach_documented_errors() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/instances/1/ssh/2/"))
        .respond_with(json(
            404,
            r#"{"success":false,"error":"no_such_instance","msg":"Instance not found."}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/instances/1/ssh/3/"))
        .respond_with(json(
            500,
            r#"{"success":false,"error":"delete_ssh_from_instance","msg":"Error deleting"}"#,
        ))
        .expect(1) // 500 is not retried: the delete may have happened
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/instances/1/ssh/4/"))
        .respond_with(json(
            400,
            r#"{"success":false,"error":"some_new_code","msg":"?"}"#,
        ))
        .mount(&server)
        .await;
    let c = client(&server).await;
    match c.detach_ssh(1, 2).send().await {
        Err(Error::Response(DetachSshError::NotFound(body))) => assert_eq!(
            body,
            DetachSshResponse404 {
                success: Some(false),
                error: Some(DetachSshResponse404Error::NoSuchInstance),
                msg: Some("Instance not found.".into())
            }
        ),
        other => panic!("expected 404, got {other:?}"),
    }
    match c.detach_ssh(1, 3).send().await {
        Err(Error::Response(DetachSshError::InternalServerError(body))) => {
            assert_eq!(body.error.as_deref(), Some("delete_ssh_from_instance"))
        }
        other => panic!("expected 500, got {other:?}"),
    }
    // An enum value the spec does not list still decodes.
    match c.detach_ssh(1, 4).send().await {
        Err(Error::Response(DetachSshError::BadRequest(body))) => {
            assert_eq!(
                body.error.as_ref().map(|e| e.as_str()),
                Some("some_new_code")
            )
        }
        other => panic!("expected 400, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_api_key_success_is_a_json_string() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/auth/apikeys/123/"))
        .respond_with(json(200, r#""Successfully Deleted API Key""#))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/auth/apikeys/124/"))
        .respond_with(json(
            401,
            r#"{"success":false,"error":"auth_error","msg":"Invalid user key"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v0/auth/apikeys/125/"))
        .respond_with(json(403, r#"{"msg":"not yours"}"#))
        .mount(&server)
        .await;
    let c = client(&server).await;
    assert_eq!(
        c.delete_api_key(123).send().await.unwrap(),
        "Successfully Deleted API Key"
    );
    match c.delete_api_key(124).send().await {
        Err(Error::Response(DeleteApiKeyError::Unauthorized(VastError { error, .. }))) => {
            assert_eq!(error.as_deref(), Some("auth_error"))
        }
        other => panic!("expected 401, got {other:?}"),
    }
    match c.delete_api_key(125).send().await {
        Err(Error::Response(DeleteApiKeyError::Forbidden(body))) => {
            assert_eq!(body.msg.as_deref(), Some("not yours"))
        }
        other => panic!("expected 403, got {other:?}"),
    }
}

#[tokio::test]
async fn delete_api_key_400_and_404_are_typed() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v0/auth/apikeys/1/"))
        .respond_with(json(400, r#"{"msg":"no id"}"#))
        .mount(&server)
        .await;
    Mock::given(path("/api/v0/auth/apikeys/2/"))
        .respond_with(json(404, r#"{"msg":"gone"}"#))
        .mount(&server)
        .await;
    let c = client(&server).await;
    match c.delete_api_key(1).send().await {
        Err(Error::Response(DeleteApiKeyError::BadRequest(b))) => {
            assert_eq!(b.msg.as_deref(), Some("no id"))
        }
        other => panic!("expected 400, got {other:?}"),
    }
    match c.delete_api_key(2).send().await {
        Err(Error::Response(DeleteApiKeyError::NotFound(b))) => {
            assert_eq!(b.msg.as_deref(), Some("gone"))
        }
        other => panic!("expected 404, got {other:?}"),
    }
}

#[tokio::test]
async fn too_many_requests_is_retried_until_success() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(json(429, r#"{"detail":"API requests too frequent"}"#))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(json(200, r#""Successfully Deleted API Key""#))
        .expect(1)
        .mount(&server)
        .await;
    assert!(
        client(&server)
            .await
            .delete_api_key(123)
            .send()
            .await
            .is_ok()
    );
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_answer_is_typed() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(json(429, r#"{"detail":"slow down"}"#))
        .mount(&server)
        .await;
    match client(&server).await.detach_ssh(1, 2).send().await {
        Err(Error::Response(DetachSshError::TooManyRequests(b))) => {
            assert_eq!(b.detail.as_deref(), Some("slow down"))
        }
        other => panic!("expected 429, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 3, "3 attempts by default");

    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = Client::with_config(
        Credentials::new().bearer_auth("k"),
        config(&server).retry(fast_retries().max_attempts(5)),
    )
    .unwrap();
    assert!(
        matches!(c.detach_ssh(1, 2).send().await, Err(Error::Undocumented(r)) if r.status == 503)
    );
    assert_eq!(received(&server).await.len(), 5);

    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let c = Client::with_config(
        Credentials::new().bearer_auth("k"),
        config(&server).retry(RetryPolicy::disabled()),
    )
    .unwrap();
    assert!(c.detach_ssh(1, 2).send().await.is_err());
    assert_eq!(
        received(&server).await.len(),
        1,
        "retries can be turned off"
    );
}

#[tokio::test]
async fn retry_after_is_honoured_up_to_the_cap() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(json(429, r#"{"detail":"wait"}"#).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(json(200, r#""ok""#))
        .mount(&server)
        .await;
    let start = Instant::now();
    client(&server)
        .await
        .delete_api_key(1)
        .send()
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(received(&server).await.len(), 2);

    // A hint beyond the cap is not waited for: the 429 comes back at once.
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(json(429, r#"{"detail":"wait long"}"#).insert_header("Retry-After", "120"))
        .mount(&server)
        .await;
    let start = Instant::now();
    assert!(
        client(&server)
            .await
            .delete_api_key(1)
            .send()
            .await
            .is_err()
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(received(&server).await.len(), 1);
}
