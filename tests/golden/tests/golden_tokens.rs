//! Credentials from providers (tests/fixtures/tokens.yaml), through the
//! generated client over loopback: OAuth 2.0 client credentials fetched
//! from a local token endpoint once for many concurrent calls and again
//! after expiry, a token endpoint's refusal as a clear error, and a bearer
//! token provider asked on every call, and API keys from providers in the
//! query and in a cookie (calls spawned on the runtime, so their futures
//! must be `Send`).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use golden::runtime::auth::{Secret, Token};
use golden::runtime::client::{ClientConfig, Error};
use golden::runtime::oauth2::ClientCredentials;
use golden::tokens::client::{Client, Credentials};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A token endpoint and an API on one loopback server.
#[derive(Default)]
struct Server {
    /// Token requests so far.
    fetches: AtomicUsize,
    /// Each token request's `Authorization` header and form body.
    token_requests: Mutex<Vec<(String, String)>>,
    /// The `expires_in` the endpoint answers with.
    expires_in: u64,
    /// Answer token requests with 401 `invalid_client`.
    refuse: bool,
}

async fn token(
    State(s): State<Arc<Server>>,
    headers: HeaderMap,
    body: String,
) -> impl IntoResponse {
    let n = s.fetches.fetch_add(1, Ordering::SeqCst) + 1;
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    s.token_requests.lock().unwrap().push((auth, body));
    // Slow enough that concurrent callers all find the fetch under way.
    tokio::time::sleep(Duration::from_millis(50)).await;
    if s.refuse {
        let body = r#"{"error":"invalid_client","error_description":"unknown client"}"#;
        return (StatusCode::UNAUTHORIZED, body.to_owned());
    }
    let body = format!(
        r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":{}}}"#,
        s.expires_in
    );
    (StatusCode::OK, body)
}

/// Answers with the bearer token it was sent.
async fn whoami(headers: HeaderMap) -> impl IntoResponse {
    match headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        Some(token) => (StatusCode::OK, format!(r#"{{"token":"{token}"}}"#)),
        None => (StatusCode::UNAUTHORIZED, String::new()),
    }
}

/// Answers with the key it was sent in the query (`api_key`) or in the
/// `session` cookie.
async fn keyed(uri: Uri, headers: HeaderMap) -> impl IntoResponse {
    let query = uri
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("api_key=")));
    let cookie = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("session="));
    match query.or(cookie) {
        Some(key) => (StatusCode::OK, format!(r#"{{"token":"{key}"}}"#)),
        None => (StatusCode::UNAUTHORIZED, String::new()),
    }
}

async fn start(server: Server) -> (String, Arc<Server>) {
    let server = Arc::new(server);
    let router = Router::new()
        .route("/token", post(token))
        .route("/whoami", get(whoami))
        .route("/keyed", get(keyed))
        .with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, server)
}

fn client(url: &str, credentials: Credentials) -> Client {
    Client::with_config(credentials, ClientConfig::new().base_url(url)).unwrap()
}

#[tokio::test]
async fn client_credentials_fetch_once_for_concurrent_calls_and_again_after_expiry() {
    // Kept for 4 s less the early-refresh margin (capped at half): 2 s.
    let (url, server) = start(Server {
        expires_in: 4,
        ..Server::default()
    })
    .await;
    let oauth = ClientCredentials::new("my client", "s3cret:&").token_url(format!("{url}/token"));
    let client = client(&url, Credentials::new().oauth_client_credentials(oauth));
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.whoami().send().await.unwrap().token })
    });
    let tokens: Vec<String> = futures_util::future::join_all(calls)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        server.fetches.load(Ordering::SeqCst),
        1,
        "one fetch for 50 concurrent calls"
    );
    assert!(tokens.iter().all(|t| t == "token-1"), "{tokens:?}");
    // RFC 6749 §2.3.1: id and secret form-encoded, then HTTP Basic
    // (`my+client:s3cret%3A%26`); the scopes the spec's operations require.
    let (auth, body) = server.token_requests.lock().unwrap()[0].clone();
    assert_eq!(auth, "Basic bXkrY2xpZW50OnMzY3JldCUzQSUyNg==");
    assert_eq!(
        body,
        "grant_type=client_credentials&scope=things.read+things.write"
    );

    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(client.whoami().send().await.unwrap().token, "token-2");
    assert_eq!(client.whoami().send().await.unwrap().token, "token-2");
    assert_eq!(
        server.fetches.load(Ordering::SeqCst),
        2,
        "one more fetch after expiry"
    );
}

#[tokio::test]
async fn a_refusing_token_endpoint_is_a_request_error_without_the_secret() {
    let (url, server) = start(Server {
        refuse: true,
        ..Server::default()
    })
    .await;
    let oauth =
        ClientCredentials::new("my-client", "very-secret").token_url(format!("{url}/token"));
    let client = client(&url, Credentials::new().oauth_client_credentials(oauth));
    match client.whoami().send().await {
        Err(Error::Request(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("/token") && text.contains("401") && text.contains("invalid_client"),
                "{text}"
            );
            assert!(!text.contains("very-secret"), "{text}");
        }
        other => panic!("expected a request error, got {other:?}"),
    }
    assert_eq!(server.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_bearer_token_provider_is_asked_on_every_call() {
    let (url, _server) = start(Server::default()).await;
    let asked = Arc::new(AtomicUsize::new(0));
    let provider = {
        let asked = asked.clone();
        move || {
            let n = asked.fetch_add(1, Ordering::SeqCst) + 1;
            async move { Ok(Secret::new(format!("rotating-{n}"))) }
        }
    };
    let client = client(
        &url,
        Credentials::new().bearer_auth(Token::provider(provider)),
    );
    for n in 1..=3 {
        assert_eq!(
            client.whoami().send().await.unwrap().token,
            format!("rotating-{n}")
        );
    }
    // A fixed token still goes as it is.
    let fixed = client_static(&url);
    assert_eq!(fixed.whoami().send().await.unwrap().token, "fixed");
}

#[tokio::test]
async fn provided_api_keys_go_in_the_query_and_the_cookie_from_spawned_calls() {
    let (url, _server) = start(Server::default()).await;
    let provider = |key: &'static str| Token::provider(move || async move { Ok(Secret::new(key)) });
    let in_query = client(&url, Credentials::new().query_key(provider("q-1")));
    let in_cookie = client(&url, Credentials::new().session_key(provider("c-1")));
    // `tokio::spawn` takes only `Send` futures: a call whose credential is
    // awaited while the request's URL is borrowed would not compile here.
    let query = tokio::spawn(async move { in_query.keyed().send().await });
    let cookie = tokio::spawn(async move { in_cookie.keyed().send().await });
    assert_eq!(query.await.unwrap().unwrap().token, "q-1");
    assert_eq!(cookie.await.unwrap().unwrap().token, "c-1");
}

fn client_static(url: &str) -> Client {
    client(url, Credentials::new().bearer_auth("fixed"))
}

#[test]
fn provided_credentials_are_redacted_in_debug() {
    let credentials = Credentials::new()
        .oauth_client_credentials(ClientCredentials::new("id", "client-secret-value"))
        .bearer_auth("bearer-secret-value")
        .api_key(Token::provider(|| async {
            Ok(Secret::new("key-secret-value"))
        }));
    let text = format!("{credentials:?}");
    assert!(!text.contains("secret-value"), "{text}");
    let text = format!("{:?}", ClientCredentials::new("id", "client-secret-value"));
    assert!(
        !text.contains("secret-value") && text.contains("id"),
        "{text}"
    );
}
