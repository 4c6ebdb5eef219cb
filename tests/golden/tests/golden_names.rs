//! Names apigen adds beside the spec's own (tests/fixtures/names.yaml):
//! here, a discriminator mapping several values to one type. Each value
//! is an arm of its own, so what the caller means is what is sent, and
//! the stub hands its method the arm the client chose.

use golden::names::client::{Client, Credentials};
use golden::names::server;
use golden::names::types::{Body, Moon, Planet};
use golden::runtime::client::ClientConfig;
use golden::runtime::retry::RetryPolicy;
use serde_json::json;
use std::sync::{Arc, Mutex};

fn planet() -> Planet {
    Planet {
        name: "Pluto".into(),
        rings: Some(0),
    }
}

/// Every arm, with the tag it is sent as.
fn arms() -> Vec<(Body, &'static str)> {
    vec![
        (Body::Dwarf(planet()), "dwarf"),
        (Body::GasGiant(planet()), "gas_giant"),
        // Named after the value, beside the variant `Moon` and the
        // catch-all (`Unknown2`): suffixed where they would collide.
        (Body::Moon2(planet()), "Moon"),
        (Body::Unknown(planet()), "unknown"),
        (
            Body::Moon(Moon {
                name: "Charon".into(),
            }),
            "moon",
        ),
    ]
}

#[test]
fn each_mapping_value_is_an_arm_that_round_trips() {
    for (body, tag) in arms() {
        let wire = serde_json::to_value(&body).unwrap();
        assert_eq!(wire["type"], json!(tag), "{body:?}");
        let back: Body = serde_json::from_value(wire).unwrap();
        assert_eq!(back, body);
    }
}

#[test]
fn an_undocumented_value_is_the_catch_all() {
    let body: Body = serde_json::from_value(json!({"type": "ice_giant", "name": "x"})).unwrap();
    assert_eq!(body, Body::Unknown2);
}

#[derive(Default)]
struct Bodies {
    seen: Mutex<Vec<Body>>,
}

impl server::Api for Bodies {
    async fn names_2(&self, _: server::Names2Input) -> server::Names2Response {
        unreachable!()
    }
    async fn names2(&self, _: server::Names2_2Input) -> server::Names2_2Response {
        unreachable!()
    }
    async fn create_body(&self, input: server::CreateBodyInput) -> server::CreateBodyResponse {
        self.seen.lock().unwrap().push(input.body.clone());
        server::CreateBodyResponse::Created(input.body)
    }
}

#[tokio::test]
async fn the_stub_sees_the_value_the_client_meant() {
    let api = Arc::new(Bodies::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn({
        let api = api.clone();
        async move { axum::serve(listener, server::router(api)).await }
    });
    let config = ClientConfig::new()
        .base_url(url)
        .retry(RetryPolicy::disabled());
    let client = Client::with_config(Credentials::new(), config).unwrap();
    for (body, _) in arms() {
        let answer = client.create_body(body.clone()).send().await.unwrap();
        assert_eq!(answer, body);
    }
    let seen: Vec<Body> = api.seen.lock().unwrap().clone();
    assert_eq!(seen, arms().into_iter().map(|(b, _)| b).collect::<Vec<_>>());
}
