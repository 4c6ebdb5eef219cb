//! The golden `keywords` fixture's server stub: JSON Schema 2020-12
//! keywords carried into the IR are enforced on what the stub reads
//! (`dependentRequired`, `contains`/`maxContains` of a `const`,
//! `propertyNames`, `patternProperties`, a boolean `const`), each
//! violation answered with its location.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use golden::keywords::server::*;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

#[derive(Default)]
struct Orders {
    seen: Mutex<usize>,
}

impl Api for Orders {
    async fn create_order(&self, _: CreateOrderInput) -> CreateOrderResponse {
        *self.seen.lock().unwrap() += 1;
        CreateOrderResponse::NoContent
    }
}

async fn post(app: &axum::Router, body: serde_json::Value) -> (StatusCode, serde_json::Value) {
    let request = Request::builder()
        .method("POST")
        .uri("/orders")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// The location of each violation the stub reported.
fn locs(problem: &serde_json::Value) -> Vec<String> {
    let errors = problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem}"));
    errors.iter().map(|e| e["loc"].to_string()).collect()
}

#[tokio::test]
async fn the_stub_enforces_the_2020_12_keywords() {
    use serde_json::json;
    let api = Arc::new(Orders::default());
    let app = router(api.clone());
    let valid = json!({"card": "4242", "billing": "Main St", "roles": ["owner", "viewer"],
        "labels": {"team": "a", "x-id": "abc"}, "confirmed": true});
    assert_eq!(post(&app, valid).await.0, StatusCode::NO_CONTENT);

    let (status, problem) = post(&app, json!({"card": "4242"})).await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(
        locs(&problem),
        [r#"["body","billing"]"#],
        "dependentRequired: {problem}"
    );

    let (_, problem) = post(&app, json!({"roles": ["viewer"]})).await;
    assert_eq!(
        locs(&problem),
        [r#"["body","roles"]"#],
        "contains: {problem}"
    );
    let (_, problem) = post(&app, json!({"roles": ["owner", "owner"]})).await;
    assert!(
        problem.to_string().contains("at most 1"),
        "maxContains: {problem}"
    );

    let (_, problem) = post(&app, json!({"labels": {"Team": "a", "x-id": "abcd"}})).await;
    assert_eq!(
        locs(&problem),
        [r#"["body","labels","Team"]"#, r#"["body","labels","x-id"]"#],
        "propertyNames and patternProperties: {problem}"
    );

    let (_, problem) = post(&app, json!({"confirmed": false})).await;
    assert_eq!(
        locs(&problem),
        [r#"["body","confirmed"]"#],
        "const: {problem}"
    );
    assert_eq!(
        *api.seen.lock().unwrap(),
        1,
        "only the valid order reached the implementation"
    );
}
