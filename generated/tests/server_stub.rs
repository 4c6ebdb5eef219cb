//! The generated server stubs, driven through `router()` without a socket:
//! routing exactly as documented, authentication (tokens, SigV4 and Huawei
//! signatures verified), validation, and every rejection answered in the
//! vendor's own error format. Signature verification is also pinned to the
//! official signers' vectors (botocore, huaweicloudsdkcore).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower::ServiceExt;
use vendor_apis::runtime::server::{Incoming, PathParams, Rejection};
use vendor_apis::{aws_transfer, huawei_kps, phala, runtime, vast};

/// What came back: status, headers and the body as JSON (or `Null`).
struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
    text: String,
}

async fn send(router: axum::Router, request: Request<Body>) -> Reply {
    let response = router
        .oneshot(request)
        .await
        .expect("routers are infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Reply {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text,
    }
}

fn request(method: &str, uri: &str, headers: &[(&str, &str)], body: &str) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

/// Records the inputs it is called with.
#[derive(Default)]
struct Recorder {
    inputs: Mutex<Vec<String>>,
}

impl Recorder {
    fn push(&self, s: String) {
        self.inputs.lock().unwrap().push(s);
    }
    fn seen(&self) -> Vec<String> {
        self.inputs.lock().unwrap().clone()
    }
}

// ---------------------------------------------------------------- Phala

impl phala::server::Api for Recorder {
    type Caller = String;
    async fn authenticate_api_key_header(&self, token: &str) -> Option<String> {
        (token == "phak_test_key").then(|| "user-1".to_owned())
    }
    async fn delete_ssh_key(
        &self,
        caller: String,
        input: phala::server::DeleteSshKeyInput,
    ) -> phala::server::DeleteSshKeyResponse {
        self.push(format!("{caller}:{}", input.key_id));
        phala::server::DeleteSshKeyResponse::NoContent
    }
}

#[tokio::test]
async fn phala_accepts_the_sdk_request_and_answers_fastapi_errors() {
    let api = Arc::new(Recorder::default());
    let app = phala::server::router(api.clone());
    // The SDK's exact request: Content-Type without a body, X-API-Key.
    let sdk = [
        ("content-type", "application/json"),
        ("x-phala-version", "2026-06-23"),
        ("x-api-key", "phak_test_key"),
    ];
    let r = send(
        app.clone(),
        request("DELETE", "/api/v1/user/ssh-keys/a%20b%2Fc", &sdk, ""),
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(r.text, "");
    assert_eq!(
        api.seen(),
        ["user-1:a b/c"],
        "the segment is decoded once, `/` included"
    );

    let r = send(
        app.clone(),
        request("DELETE", "/api/v1/user/ssh-keys/k", &[], ""),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (401, json!({"detail": "Not authenticated"}))
    );
    let r = send(
        app.clone(),
        request(
            "DELETE",
            "/api/v1/user/ssh-keys/k",
            &[("x-api-key", "nope")],
            "",
        ),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (401, json!({"detail": "Invalid authentication credentials"}))
    );
    let r = send(
        app.clone(),
        request("GET", "/api/v1/user/ssh-keys/k", &sdk, ""),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (405, json!({"detail": "Method Not Allowed"}))
    );
    let r = send(
        app.clone(),
        request("DELETE", "/api/v1/user/ssh-keys/k/", &sdk, ""),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (404, json!({"detail": "Not Found"})),
        "no trailing slash documented"
    );
    assert_eq!(
        api.seen().len(),
        1,
        "rejected requests never reach the implementation"
    );
}

// ---------------------------------------------------------------- Vast

impl vast::server::Api for Recorder {
    type Caller = ();
    async fn authenticate_bearer_auth(&self, token: &str) -> Option<()> {
        (token == "vast_test_key").then_some(())
    }
    async fn detach_ssh(
        &self,
        _: (),
        input: vast::server::DetachSshInput,
    ) -> vast::server::DetachSshResponse {
        self.push(format!("{}/{}", input.id, input.ssh_key_id));
        vast::server::DetachSshResponse::Ok(vast::types::DetachSshResponse200 {
            success: Some(true),
            msg: Some("SSH key removed from instance.".into()),
        })
    }
    async fn delete_api_key(
        &self,
        _: (),
        input: vast::server::DeleteApiKeyInput,
    ) -> vast::server::DeleteApiKeyResponse {
        self.push(format!("key {}", input.id));
        vast::server::DeleteApiKeyResponse::Ok("Successfully Deleted API Key".into())
    }
}

#[tokio::test]
async fn vast_accepts_a_json_body_on_delete_and_answers_in_its_error_body() {
    let api = Arc::new(Recorder::default());
    let app = vast::server::router(api.clone());
    let sdk = [
        ("authorization", "Bearer vast_test_key"),
        ("content-type", "application/json"),
        ("user-agent", "vastai-sdk/1.9.1"),
    ];
    let r = send(
        app.clone(),
        request("DELETE", "/api/v0/instances/99999/ssh/12345/", &sdk, "{}"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (
            200,
            json!({"success": true, "msg": "SSH key removed from instance."})
        )
    );
    let r = send(
        app.clone(),
        request("DELETE", "/api/v0/auth/apikeys/123/", &sdk, "{}"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (200, json!("Successfully Deleted API Key"))
    );
    assert_eq!(api.seen(), ["99999/12345", "key 123"]);

    let r = send(
        app.clone(),
        request("DELETE", "/api/v0/instances/99999/ssh/abc/", &sdk, "{}"),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["success"], false);
    assert_eq!(r.body["error"], "invalid_request");
    let msg = r.body["msg"].as_str().unwrap();
    assert!(
        msg.starts_with("Invalid request parameters: path.ssh_key_id: invalid type"),
        "{msg}"
    );

    let r = send(
        app.clone(),
        request("DELETE", "/api/v0/instances/99999/ssh/12345", &sdk, "{}"),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (
            404,
            json!({"success": false, "error": "not_found", "msg": "Not Found"})
        )
    );
    let r = send(
        app.clone(),
        request(
            "DELETE",
            "/api/v0/auth/apikeys/123/",
            &[("authorization", "Bearer wrong")],
            "{}",
        ),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (
            401,
            json!({"success": false, "error": "auth_error", "msg": "Invalid user key"})
        )
    );
    let r = send(
        app.clone(),
        request(
            "DELETE",
            "/api/v0/auth/apikeys/123/",
            &[("authorization", "Basic dmFzdA==")],
            "{}",
        ),
    )
    .await;
    assert_eq!(r.status, 401, "another scheme is no credential");
    assert_eq!(api.seen().len(), 2);
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_before_buffering() {
    let app = vast::server::router(Arc::new(Recorder::default()));
    let big = "x".repeat(runtime::server::BODY_LIMIT + 1);
    let auth = [("authorization", "Bearer vast_test_key")];
    let r = send(
        app.clone(),
        request("DELETE", "/api/v0/auth/apikeys/1/", &auth, &big),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body["error"].clone()),
        (413, json!("payload_too_large"))
    );
    // Without Content-Length (chunked), the limit still holds while reading.
    let stream = futures_body(big);
    let req = Request::builder()
        .method("DELETE")
        .uri("/api/v0/auth/apikeys/1/")
        .header("authorization", "Bearer vast_test_key")
        .body(stream)
        .unwrap();
    assert_eq!(send(app, req).await.status, 413);
}

fn futures_body(text: String) -> Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = text
        .into_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    Body::from_stream(tokio_stream_iter(chunks))
}

fn tokio_stream_iter(
    items: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    struct Iter(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>);
    impl futures_core::Stream for Iter {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Iter(items.into_iter())
}

// ---------------------------------------------------------------- Huawei

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

impl huawei_kps::server::Api for Recorder {
    type Caller = &'static str;
    async fn authenticate_x_auth_token(&self, token: &str) -> Option<&'static str> {
        (token == "huawei_test_token").then_some("token")
    }
    async fn ak_sk_signature_secret(&self, access_key: &str) -> Option<(String, &'static str)> {
        (access_key == "HUAWEITESTAK").then(|| ("HUAWEITESTSK".to_owned(), "aksk"))
    }
    async fn delete_keypair(
        &self,
        caller: &'static str,
        input: huawei_kps::server::DeleteKeypairInput,
    ) -> huawei_kps::server::DeleteKeypairResponse {
        self.push(format!(
            "{caller}:{}:{}",
            input.project_id, input.keypair_name
        ));
        huawei_kps::server::DeleteKeypairResponse::NoContent
    }
}

/// A request signed by the generated client's Huawei signer, as an axum request.
fn huawei_signed(path: &str, secret: &str, at: SystemTime) -> Request<Body> {
    use vendor_apis::runtime::huawei::{AkSk, sign_at};
    let url = format!("http://127.0.0.1:8080{path}");
    let mut req = reqwest::Request::new(reqwest::Method::DELETE, url.parse().unwrap());
    req.headers_mut()
        .insert("host", "127.0.0.1:8080".parse().unwrap());
    req.headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    let key = AkSk::new("HUAWEITESTAK", secret).project_id(PROJECT);
    sign_at(&mut req, &key, "X-Sdk-Date", Some("X-Project-Id"), at).unwrap();
    to_axum(req)
}

fn to_axum(req: reqwest::Request) -> Request<Body> {
    let uri = match req.url().query() {
        Some(q) => format!("{}?{q}", req.url().path()),
        None => req.url().path().to_owned(),
    };
    let mut b = Request::builder().method(req.method().as_str()).uri(uri);
    for (k, v) in req.headers() {
        b = b.header(k.as_str(), v.as_bytes());
    }
    let body = req
        .body()
        .and_then(|b| b.as_bytes())
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    b.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn huawei_accepts_a_token_or_a_verified_signature() {
    let api = Arc::new(Recorder::default());
    let app = huawei_kps::server::router(api.clone());
    let path = format!("/v3/{PROJECT}/keypairs/a%20b%2Fc");
    let r = send(
        app.clone(),
        huawei_signed(&path, "HUAWEITESTSK", SystemTime::now()),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(
        r.headers.get("x-request-id").is_some_and(|v| v.len() == 36),
        "request id on every response"
    );
    let token = [("x-auth-token", "huawei_test_token")];
    let r = send(
        app.clone(),
        request(
            "DELETE",
            &format!("/v3/{PROJECT}/keypairs/my-keypair"),
            &token,
            "",
        ),
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        api.seen(),
        [
            format!("aksk:{PROJECT}:a b/c"),
            format!("token:{PROJECT}:my-keypair")
        ]
    );

    let apigw = |msg: &str| json!({"error_code": "APIGW.0301", "error_msg": format!("Incorrect IAM authentication information: {msg}")});
    let r = send(
        app.clone(),
        huawei_signed(&path, "WRONG", SystemTime::now()),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (401, apigw("verify aksk signature fail"))
    );
    let stale = SystemTime::now() - Duration::from_secs(16 * 60);
    let r = send(app.clone(), huawei_signed(&path, "HUAWEITESTSK", stale)).await;
    assert_eq!(
        (r.status.as_u16(), &r.body["error_code"]),
        (401, &json!("APIGW.0301")),
        "a 16-minute-old date"
    );
    let message = r.body["error_msg"].as_str().unwrap();
    assert!(
        message.starts_with(
            "Incorrect IAM authentication information: signature expired, signature time:"
        ),
        "{message}"
    );
    let r = send(app.clone(), request("DELETE", &path, &[], "")).await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (401, apigw("the request carries no token or signature"))
    );
    let r = send(
        app.clone(),
        request("DELETE", &path, &[("x-auth-token", "expired")], ""),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body.clone()),
        (401, apigw("the token or access key is not valid"))
    );
    let r = send(app.clone(), request("DELETE", "/v3/keypairs", &token, "")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error_code"], "APIGW.0101");
    assert_eq!(api.seen().len(), 2);
}

/// The official SDK's signatures (huaweicloudsdkcore 3.1.219, see
/// `client_huawei.rs`) verify, at the time they were made and not 16 minutes later.
#[tokio::test]
async fn huawei_verification_matches_the_official_sdk() {
    use vendor_apis::runtime::huawei_verify::{claim, verify};
    let at = UNIX_EPOCH + Duration::from_secs(1_795_346_876);
    for (name, signature) in [
        (
            "my-keypair",
            "4eca6f21ba59e225a70e4b120400a9951da29f1bf09b38d4983499b4661b37af",
        ),
        (
            "a%20b%2Fc",
            "fb3d763439f65ecc7d101786d10885010b6223ea8a3dc49f836629f676f560cb",
        ),
    ] {
        let auth = format!(
            "SDK-HMAC-SHA256 Access=HUAWEITESTAK, SignedHeaders=host;x-project-id;x-sdk-date, Signature={signature}"
        );
        let headers = [
            ("host", "127.0.0.1:8080"),
            ("x-project-id", PROJECT),
            ("x-sdk-date", "20261122T112756Z"),
            ("authorization", auth.as_str()),
        ];
        let cx = Incoming::read(
            request(
                "DELETE",
                &format!("/v3/{PROJECT}/keypairs/{name}"),
                &headers,
                "",
            ),
            PathParams::default(),
        )
        .await
        .unwrap();
        let c = claim(&cx).unwrap().unwrap();
        assert_eq!(c.access_key, "HUAWEITESTAK");
        verify(&cx, &c, "HUAWEITESTSK", "X-Sdk-Date", at)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(matches!(
            verify(&cx, &c, "HUAWEITESTSK", "X-Sdk-Date", at + Duration::from_secs(16 * 60)),
            Err(Rejection::ExpiredSignature(dates)) if dates == ", signature time:20261122T112756Z,server time:20261122T114356Z"
        ));
        assert!(verify(&cx, &c, "OTHER", "X-Sdk-Date", at).is_err());
    }
}

// ---------------------------------------------------------------- AWS

impl aws_transfer::server::Api for Recorder {
    type Caller = String;
    async fn sig_v4_secret(&self, access_key_id: &str) -> Option<(String, String)> {
        (access_key_id == "AKIDTEST").then(|| ("SECRETTEST".to_owned(), "account-1".to_owned()))
    }
    async fn delete_ssh_public_key(
        &self,
        caller: String,
        input: aws_transfer::server::DeleteSshPublicKeyInput,
    ) -> aws_transfer::server::DeleteSshPublicKeyResponse {
        let b = &input.body;
        self.push(format!(
            "{caller}:{}:{}:{}",
            b.server_id, b.user_name, b.ssh_public_key_id
        ));
        aws_transfer::server::DeleteSshPublicKeyResponse::Ok
    }
}

const AWS_BODY: &str = r#"{"ServerId":"s-01234567890abcdef","SshPublicKeyId":"key-0123456789abcdef0","UserName":"my_user"}"#;

/// A request signed by the generated client's SigV4 signer (aws-sigv4).
fn aws_signed(target: &str, body: &str, secret: &str, at: SystemTime) -> Request<Body> {
    use vendor_apis::runtime::sigv4::{AwsCredentials, sign_at};
    let mut req = reqwest::Request::new(
        reqwest::Method::POST,
        "http://127.0.0.1:8080/".parse().unwrap(),
    );
    req.headers_mut()
        .insert("host", "127.0.0.1:8080".parse().unwrap());
    req.headers_mut().insert(
        "content-type",
        "application/x-amz-json-1.1".parse().unwrap(),
    );
    req.headers_mut()
        .insert("x-amz-target", target.parse().unwrap());
    *req.body_mut() = Some(body.to_owned().into());
    sign_at(
        &mut req,
        &AwsCredentials::new("AKIDTEST", secret, "eu-west-3"),
        "transfer",
        at,
    )
    .unwrap();
    to_axum(req)
}

fn assert_aws_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status.as_u16(), status, "{}", r.text);
    assert_eq!(r.body["__type"], code, "{}", r.text);
    assert_eq!(r.headers["x-amzn-errortype"], code);
    assert_eq!(r.headers["content-type"], "application/x-amz-json-1.1");
    assert!(r.headers.get("x-amzn-requestid").is_some());
}

#[tokio::test]
async fn aws_verifies_sigv4_and_answers_aws_json_errors() {
    let api = Arc::new(Recorder::default());
    let app = aws_transfer::server::router(api.clone());
    let target = "TransferService.DeleteSshPublicKey";
    let now = SystemTime::now();
    let r = send(app.clone(), aws_signed(target, AWS_BODY, "SECRETTEST", now)).await;
    assert_eq!((r.status.as_u16(), r.text.as_str()), (200, "{}"));
    assert!(r.headers.get("x-amzn-requestid").is_some());
    assert_eq!(
        api.seen(),
        ["account-1:s-01234567890abcdef:my_user:key-0123456789abcdef0"]
    );

    // The docs' own sample id breaks the documented pattern and length.
    let bad = AWS_BODY.replace("key-0123456789abcdef0", "MyPublicKey");
    let r = send(app.clone(), aws_signed(target, &bad, "SECRETTEST", now)).await;
    assert_aws_error(&r, 400, "InvalidRequestException");
    assert_eq!(
        r.body["Message"],
        "2 validation errors detected: Value 'MyPublicKey' at 'SshPublicKeyId' failed to satisfy constraint: \
         String should have at least 21 characters; Value 'MyPublicKey' at 'SshPublicKeyId' failed to satisfy \
         constraint: String should match pattern '^key-[0-9a-f]{17}$'"
    );
    let r = send(
        app.clone(),
        aws_signed(
            target,
            r#"{"ServerId":"s-01234567890abcdef"}"#,
            "SECRETTEST",
            now,
        ),
    )
    .await;
    assert_aws_error(&r, 400, "InvalidRequestException");
    assert!(
        r.body["Message"]
            .as_str()
            .unwrap()
            .contains("at 'SshPublicKeyId' failed to satisfy constraint: Field required")
    );
    let r = send(
        app.clone(),
        aws_signed(target, "{not json", "SECRETTEST", now),
    )
    .await;
    assert_aws_error(&r, 400, "InvalidRequestException");

    assert_aws_error(
        &send(
            app.clone(),
            aws_signed("TransferService.Nope", AWS_BODY, "SECRETTEST", now),
        )
        .await,
        400,
        "UnknownOperationException",
    );
    assert_aws_error(
        &send(app.clone(), aws_signed(target, AWS_BODY, "WRONG", now)).await,
        403,
        "InvalidSignatureException",
    );
    let stale = now - Duration::from_secs(16 * 60);
    let r = send(
        app.clone(),
        aws_signed(target, AWS_BODY, "SECRETTEST", stale),
    )
    .await;
    assert_aws_error(&r, 400, "InvalidSignatureException");
    let message = r.body["Message"].as_str().unwrap();
    assert!(
        message.starts_with("Signature expired: ") && message.ends_with(" - 15 min.)"),
        "{message}"
    );
    let mut tampered = aws_signed(target, AWS_BODY, "SECRETTEST", now);
    *tampered.body_mut() = Body::from(AWS_BODY.replace("my_user", "other_user"));
    assert_aws_error(
        &send(app.clone(), tampered).await,
        403,
        "InvalidSignatureException",
    );
    let unsigned = request(
        "POST",
        "/",
        &[
            ("x-amz-target", target),
            ("content-type", "application/x-amz-json-1.1"),
        ],
        AWS_BODY,
    );
    assert_aws_error(
        &send(app.clone(), unsigned).await,
        403,
        "MissingAuthenticationTokenException",
    );
    let r = send(app.clone(), request("GET", "/", &[], "")).await;
    assert_aws_error(&r, 405, "UnknownOperationException");
    assert_eq!(api.seen().len(), 1);
}

#[tokio::test]
async fn aws_unknown_access_keys_are_unrecognized() {
    use vendor_apis::runtime::sigv4::{AwsCredentials, sign_at};
    let app = aws_transfer::server::router(Arc::new(Recorder::default()));
    let mut req = reqwest::Request::new(
        reqwest::Method::POST,
        "http://127.0.0.1:8080/".parse().unwrap(),
    );
    req.headers_mut().insert(
        "x-amz-target",
        "TransferService.DeleteSshPublicKey".parse().unwrap(),
    );
    *req.body_mut() = Some(AWS_BODY.into());
    sign_at(
        &mut req,
        &AwsCredentials::new("AKIDOTHER", "SECRETTEST", "us-east-1"),
        "transfer",
        SystemTime::now(),
    )
    .unwrap();
    assert_aws_error(
        &send(app, to_axum(req)).await,
        403,
        "UnrecognizedClientException",
    );
}

/// botocore 1.44.5's signature of this request (see `client_aws.rs`)
/// verifies with the server-side verifier.
#[tokio::test]
async fn sigv4_verification_matches_botocore() {
    use vendor_apis::runtime::sigv4_verify::{claim, verify};
    let body = r#"{"ServerId":"s-1234567890abcdef0","SshPublicKeyId":"key-1234567890abcdef0","UserName":"alice"}"#;
    let auth = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261122/us-east-1/transfer/aws4_request, \
                SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
                Signature=c4e6fb688b8df75aaf426d7da01ff140a4052c7cffd90af2c31f6f0ac094ed45";
    let headers = [
        ("host", "transfer.us-east-1.amazonaws.com"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "TransferService.DeleteSshPublicKey"),
        ("x-amz-date", "20261122T112758Z"),
        ("user-agent", "Boto3/1.44.5 (not signed)"),
        ("authorization", auth),
    ];
    let cx = Incoming::read(request("POST", "/", &headers, body), PathParams::default())
        .await
        .unwrap();
    let c = claim(&cx).unwrap().unwrap();
    assert_eq!(
        (
            c.access_key_id.as_str(),
            c.region.as_str(),
            c.service.as_str()
        ),
        ("AKIDTEST", "us-east-1", "transfer")
    );
    let at = UNIX_EPOCH + Duration::from_secs(1_795_346_878);
    verify(&cx, &c, "SECRETTEST", "transfer", at).unwrap();
    assert!(
        verify(&cx, &c, "SECRETTEST", "s3", at).is_err(),
        "another service"
    );
    assert!(
        matches!(
            verify(&cx, &c, "SECRETTEST", "transfer", at + Duration::from_secs(16 * 60)),
            Err(Rejection::ExpiredSignature(dates))
                if dates == ": 20261122T112758Z is now earlier than 20261122T112858Z (20261122T114358Z - 15 min.)"
        ),
        "too old"
    );
    assert!(
        matches!(
            verify(&cx, &c, "SECRETTEST", "transfer", at - Duration::from_secs(16 * 60)),
            Err(Rejection::ExpiredSignature(dates))
                if dates == ": 20261122T112758Z is still later than 20261122T112658Z (20261122T111158Z + 15 min.)"
        ),
        "from the future"
    );
    assert!(
        verify(
            &cx,
            &c,
            "SECRETTEST",
            "transfer",
            at + Duration::from_secs(14 * 60)
        )
        .is_ok(),
        "within 15 minutes"
    );
}
