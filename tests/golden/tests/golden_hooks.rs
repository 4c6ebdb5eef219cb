//! Webhooks and callbacks: the requests an API sends to you, served by the
//! generated `receiver` with the stub's machinery (routing, typed inputs,
//! validation, the API's error format). GitHub's own `ping` example
//! payload (tests/fixtures/webhooks/github.json, from its webhooks
//! description) reaches the implementation typed; a malformed one gets the
//! validation answer and never reaches it.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use golden::github_hooks::receiver::{self, *};
use golden::github_hooks::types::WebhookPing;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

#[derive(Default)]
struct Hooks {
    pings: Mutex<Vec<(String, WebhookPing)>>,
}

impl receiver::Api for Hooks {
    async fn ping(&self, input: PingInput) -> PingResponse {
        self.pings
            .lock()
            .unwrap()
            .push((input.x_git_hub_delivery, input.body));
        PingResponse::Ok
    }
    async fn star_created(&self, _: StarCreatedInput) -> StarCreatedResponse {
        StarCreatedResponse::Ok
    }
    async fn star_deleted(&self, _: StarDeletedInput) -> StarDeletedResponse {
        StarDeletedResponse::Ok
    }
}

/// The headers GitHub sends with every delivery.
const HEADERS: [(&str, &str); 7] = [
    ("user-agent", "GitHub-Hookshot/044aadd"),
    ("x-github-hook-id", "109948940"),
    ("x-github-event", "ping"),
    ("x-github-hook-installation-target-id", "186853261"),
    ("x-github-hook-installation-target-type", "repository"),
    ("x-github-delivery", "0b989ba4-242f-11e5-81e1-c7b6966d2516"),
    (
        "x-hub-signature-256",
        "sha256=6dcb09b5b57875f334f61aebed695e2e4193db5e",
    ),
];

fn example() -> Value {
    let doc: Value =
        serde_json::from_str(include_str!("../../fixtures/webhooks/github.json")).unwrap();
    doc["components"]["examples"]["ping"]["value"].clone()
}

async fn post(
    app: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
    body: &Value,
) -> (StatusCode, String) {
    let mut b = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let response = app
        .clone()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_github_ping_reaches_the_implementation_typed() {
    let hooks = Arc::new(Hooks::default());
    let app = receiver::router(hooks.clone());
    let (status, body) = post(&app, "/ping", &HEADERS, &example()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let pings = hooks.pings.lock().unwrap();
    let (delivery, ping) = &pings[0];
    assert_eq!(delivery, "0b989ba4-242f-11e5-81e1-c7b6966d2516");
    assert_eq!(ping.hook_id, Some(109948940));
    assert_eq!(
        ping.zen.as_deref(),
        Some("Anything added dilutes everything else.")
    );
    let hook = ping.hook.as_ref().expect("the hook");
    assert!(hook.active);
    assert_eq!(
        ping.repository.as_ref().map(|r| r.full_name.as_str()),
        Some("Octocoders/Hello-World")
    );
}

#[tokio::test]
async fn a_malformed_delivery_gets_the_validation_answer() {
    let hooks = Arc::new(Hooks::default());
    let app = receiver::router(hooks.clone());
    let mut wrong = example();
    wrong["hook"]["active"] = json!("yes");
    let (status, body) = post(&app, "/ping", &HEADERS, &wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("active"),
        "the answer names the field: {body}"
    );
    let (status, body) = post(&app, "/ping", &HEADERS[..5], &example()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("X-GitHub-Delivery"),
        "the answer names the missing header: {body}"
    );
    assert_eq!(
        post(&app, "/pong", &HEADERS, &example()).await.0,
        StatusCode::NOT_FOUND
    );
    assert!(
        hooks.pings.lock().unwrap().is_empty(),
        "nothing invalid reaches the implementation"
    );
}

/// A 3.0 callback (`/search`'s `onResult`) gets a receiver method too.
#[tokio::test]
async fn a_callback_is_received_like_a_webhook() {
    use golden::shapes::receiver as shapes;
    use golden::shapes::types::{Circle, Shape};
    struct Results(Mutex<Vec<Shape>>);
    impl shapes::Api for Results {
        async fn search_on_result(
            &self,
            input: shapes::SearchOnResultInput,
        ) -> shapes::SearchOnResultResponse {
            self.0.lock().unwrap().push(input.body);
            shapes::SearchOnResultResponse::NoContent
        }
    }
    let results = Arc::new(Results(Mutex::new(Vec::new())));
    let app = shapes::router(results.clone());
    let circle = json!({"kind": "Circle", "radius": 2.5});
    assert_eq!(
        post(&app, "/search_on_result", &[], &circle).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        post(&app, "/search_on_result", &[], &json!({"kind": "Circle"}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        *results.0.lock().unwrap(),
        [Shape::Circle(Circle { radius: 2.5 })]
    );
}
