//! The generated Phala Cloud client against a loopback server: every
//! documented status as its typed variant, an undocumented status kept
//! whole, a body that does not match, and path-encoding attacks.

#[path = "client_common/mod.rs"]
mod common;

use common::{config, header, received};
use vendor_apis::phala::client::{Client, Credentials, DeleteSshKeyError};
use vendor_apis::phala::types::{
    HttpException, HttpValidationError, ValidationError, ValidationErrorLocItem,
};
use vendor_apis::runtime::client::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client_answering(status: u16, body: &str) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status).insert_header("x-request-id", "req-1");
    if !body.is_empty() {
        response = response.set_body_raw(body.to_owned(), "application/json");
    }
    Mock::given(method("DELETE"))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::with_config(
        Credentials::new().api_key_header("phak_test_key"),
        config(&server),
    )
    .unwrap();
    (server, client)
}

#[tokio::test]
async fn no_content_is_success_and_the_sdk_headers_are_sent() {
    let (server, client) = client_answering(204, "").await;
    client.delete_ssh_key("sshk_abc123").send().await.unwrap();
    let req = &received(&server).await[0];
    assert_eq!(req.method.as_str(), "DELETE");
    assert_eq!(req.url.path(), "/api/v1/user/ssh-keys/sshk_abc123");
    assert_eq!(header(req, "x-api-key"), Some("phak_test_key"));
    assert_eq!(header(req, "authorization"), None);
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn each_documented_error_status_has_its_variant() {
    let detail = |d: &str| HttpException {
        detail: d.to_owned(),
    };
    let cases = [
        (
            400,
            r#"{"detail":"Invalid key ID format"}"#,
            DeleteSshKeyError::BadRequest(detail("Invalid key ID format")),
        ),
        (
            401,
            r#"{"detail":"Not authenticated"}"#,
            DeleteSshKeyError::Unauthorized(detail("Not authenticated")),
        ),
        (
            404,
            r#"{"detail":"SSH key not found"}"#,
            DeleteSshKeyError::NotFound(detail("SSH key not found")),
        ),
        (
            422,
            r#"{"detail":[{"loc":["path","key_id"],"msg":"bad","type":"value_error"}]}"#,
            DeleteSshKeyError::UnprocessableContent(HttpValidationError {
                detail: Some(vec![ValidationError {
                    loc: vec![
                        ValidationErrorLocItem::String("path".into()),
                        ValidationErrorLocItem::String("key_id".into()),
                    ],
                    msg: "bad".into(),
                    type_: "value_error".into(),
                }]),
            }),
        ),
    ];
    for (status, body, expected) in cases {
        let (_server, client) = client_answering(status, body).await;
        match client.delete_ssh_key("sshk_abc123").send().await {
            Err(Error::Response(e)) => assert_eq!(e, expected, "status {status}"),
            other => panic!("status {status}: expected a documented error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_headers_and_body() {
    let (_server, client) = client_answering(418, r#"{"detail":"teapot"}"#).await;
    match client.delete_ssh_key("k").send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(raw.status.as_u16(), 418);
            assert_eq!(raw.headers["x-request-id"], "req-1");
            assert_eq!(&raw.body[..], br#"{"detail":"teapot"}"#);
        }
        other => panic!("expected an undocumented response, got {other:?}"),
    }
}

#[tokio::test]
async fn a_documented_status_with_the_wrong_body_is_a_decode_error() {
    let (_server, client) = client_answering(404, "<html>not found</html>").await;
    match client.delete_ssh_key("k").send().await {
        Err(Error::Decode { response, .. }) => {
            assert_eq!(&response.body[..], b"<html>not found</html>")
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn path_values_never_change_the_route() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client =
        Client::with_config(Credentials::new().api_key_header("k"), config(&server)).unwrap();
    let cases = [
        ("a b/c?d#e%f", "/api/v1/user/ssh-keys/a%20b%2Fc%3Fd%23e%25f"),
        ("../../admin", "/api/v1/user/ssh-keys/..%2F..%2Fadmin"),
        ("%2e%2e", "/api/v1/user/ssh-keys/%252e%252e"),
        (
            "é\r\nX-Evil: 1",
            "/api/v1/user/ssh-keys/%C3%A9%0D%0AX-Evil%3A%201",
        ),
        ("a\0b", "/api/v1/user/ssh-keys/a%00b"),
    ];
    for (value, _) in &cases {
        client.delete_ssh_key(*value).send().await.unwrap();
    }
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    let expected: Vec<&str> = cases.iter().map(|(_, p)| *p).collect();
    assert_eq!(paths, expected);
    for r in received(&server).await {
        assert_eq!(r.url.query(), None, "nothing leaks into the query");
    }
}

#[tokio::test]
async fn dot_segments_and_empty_values_are_refused_before_sending() {
    let server = MockServer::start().await;
    let client =
        Client::with_config(Credentials::new().api_key_header("k"), config(&server)).unwrap();
    for value in ["", ".", ".."] {
        match client.delete_ssh_key(value).send().await {
            Err(Error::Request(e)) => assert!(e.to_string().contains("key_id"), "{e}"),
            other => panic!("{value:?}: expected a request error, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn base_url_with_a_prefix_and_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/prefix/api/v1/user/ssh-keys/k"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let config = config(&server)
        .base_url(format!("{}/prefix/", server.uri()))
        .user_agent("my-app/1.0");
    let client = Client::with_config(Credentials::new().api_key_header("k"), config).unwrap();
    client.delete_ssh_key("k").send().await.unwrap();
    assert_eq!(
        header(&received(&server).await[0], "user-agent"),
        Some("my-app/1.0")
    );
    let default = Client::new(Credentials::new()).unwrap();
    assert_eq!(
        default.base_url(),
        "https://cloud-api.phala.com",
        "the spec's server by default"
    );
}
