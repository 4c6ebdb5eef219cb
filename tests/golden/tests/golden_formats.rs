//! Typed string formats (tests/fixtures/formats.yaml): `date-time`, `date`
//! and `uuid` values through the generated client and stub (path, query,
//! header, body, response header), the wire text of each (RFC 3339,
//! `YYYY-MM-DD`, hyphenated), a bad date-time in a response as a decode
//! error keeping the response, union variants named from their members,
//! and the checking constructor of a constrained-string newtype.

use chrono::{DateTime, NaiveDate, Utc};
use golden::formats::client::{Client, Credentials};
use golden::formats::server;
use golden::formats::types::{Event, Name, Target, When};
use golden::runtime::client::{ClientConfig, Error, WithHeaders};
use golden::runtime::retry::RetryPolicy;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn id(text: &str) -> Uuid {
    text.parse().unwrap()
}

const ID: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

fn event() -> Event {
    Event {
        id: id(ID),
        at: at("2024-02-29T22:59:58.250Z"),
        day: day("2024-02-29"),
        ends: Some(None),
        stamp: Some(at("2030-01-01T00:00:00+02:00")),
        when: Some(When::Date(day("2024-03-01"))),
        target: Some(Target::Name(Name::new("build-7").unwrap())),
        owner: Some(Name::new("ops").unwrap()),
        revision: None,
        secret: Some("hunter2".into()),
    }
}

/// Records what the stub hands it and answers with [`event`].
#[derive(Default)]
struct Events {
    seen: Mutex<Vec<server::ListEventsInput>>,
    booked: Mutex<Vec<server::BookSlotInput>>,
}

impl server::Api for Events {
    async fn list_events(&self, input: server::ListEventsInput) -> server::ListEventsResponse {
        let generated_at = input.since;
        self.seen.lock().unwrap().push(input);
        server::ListEventsResponse::Ok {
            body: vec![event()],
            headers: server::ListEventsOkHeaders {
                x_generated_at: generated_at,
            },
        }
    }
    async fn get_window(&self, input: server::GetWindowInput) -> server::GetWindowResponse {
        assert_eq!(
            input.span,
            [at("2024-01-01T00:00:00Z"), at("2024-01-02T12:00:00.5Z")]
        );
        server::GetWindowResponse::NoContent
    }
    async fn book_slot(&self, input: server::BookSlotInput) -> server::BookSlotResponse {
        let mut body = input.body.clone();
        body.at = input.at;
        body.day = input.day;
        // What a server does with the two: assigns the one, keeps the other.
        body.revision = Some(7);
        body.secret = None;
        self.booked.lock().unwrap().push(input);
        server::BookSlotResponse::Ok(body)
    }
}

fn client(url: String) -> Client {
    let config = ClientConfig::new()
        .base_url(url)
        .retry(RetryPolicy::disabled());
    Client::with_config(Credentials::new(), config).unwrap()
}

async fn served(api: Arc<Events>) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, server::router(api)).await });
    client(url)
}

/// Answers one request with `answer` and returns the request's head.
async fn answering(answer: Vec<u8>) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 1024];
        while !data.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a whole head");
            data.extend_from_slice(&buf[..n]);
        }
        socket.write_all(&answer).await.unwrap();
        String::from_utf8_lossy(&data).into_owned()
    });
    (url, task)
}

fn ok_json(body: &str) -> Vec<u8> {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-generated-at: 2024-01-01T00:00:00Z";
    format!("{head}\r\ncontent-length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

#[tokio::test]
async fn typed_values_round_trip_through_the_client_and_the_stub() {
    let api = Arc::new(Events::default());
    let client = served(api.clone()).await;
    let since = at("2024-02-29T22:59:58.250+01:00");
    let WithHeaders { body, headers } = client
        .list_events(Target::Id(id(ID)), since)
        .day(day("2024-02-29"))
        .ids(vec![id(ID), Uuid::nil()])
        .between(vec![
            at("2024-01-01T00:00:00Z"),
            at("2024-12-31T23:59:59.999999Z"),
        ])
        .x_as_of(at("2025-06-01T12:00:00-07:00"))
        .send()
        .await
        .unwrap();
    assert_eq!(body, vec![event()]);
    assert_eq!(headers.x_generated_at, since);
    let seen = api.seen.lock().unwrap().pop().unwrap();
    assert_eq!(seen.target, Target::Id(id(ID)));
    assert_eq!(seen.since, since);
    assert_eq!(seen.day, Some(day("2024-02-29")));
    assert_eq!(seen.ids, Some(vec![id(ID), Uuid::nil()]));
    assert_eq!(
        seen.between,
        Some(vec![
            at("2024-01-01T00:00:00Z"),
            at("2024-12-31T23:59:59.999999Z")
        ])
    );
    assert_eq!(seen.x_as_of, Some(at("2025-06-01T19:00:00Z")));

    // A name, not a uuid: the union's other member.
    client
        .list_events(Target::Name(Name::new("build-7").unwrap()), since)
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.seen.lock().unwrap().pop().unwrap().target,
        Target::Name("build-7".into())
    );

    // Date and date-time path parameters, and a body.
    let booked = client
        .book_slot(day("2024-03-01"), at("2024-03-01T09:30:00Z"), event())
        .send()
        .await
        .unwrap();
    assert_eq!(
        (booked.day, booked.at),
        (day("2024-03-01"), at("2024-03-01T09:30:00Z"))
    );
    assert_eq!(api.booked.lock().unwrap().pop().unwrap().body, event());
}

/// `readOnly` and `writeOnly` on a type both sent and received: the
/// request carries no `revision` (required, but read-only) and the stub
/// takes it; the response carries no `secret` (required, but write-only)
/// and the client parses it.
#[tokio::test]
async fn read_only_is_not_required_in_requests_nor_write_only_in_responses() {
    let api = Arc::new(Events::default());
    let answer = served(api.clone())
        .await
        .book_slot(day("2024-03-01"), at("2024-03-01T09:30:00Z"), event())
        .send()
        .await
        .unwrap();
    assert_eq!((answer.revision, answer.secret), (Some(7), None));
    let booked = api.booked.lock().unwrap().pop().unwrap().body;
    assert_eq!(
        (booked.revision, booked.secret.as_deref()),
        (None, Some("hunter2"))
    );

    // A response without `secret`, as a real server sends it, parses.
    let (url, head) = answering(ok_json(
        r#"{"id":"67e55044-10b1-426f-9247-bb680e5fe0c8","at":"2024-01-01T00:00:00Z","day":"2024-01-01","revision":3}"#,
    ))
    .await;
    let parsed = client(url)
        .book_slot(day("2024-03-01"), at("2024-03-01T09:30:00Z"), event())
        .send()
        .await
        .unwrap();
    assert_eq!((parsed.revision, parsed.secret), (Some(3), None));
    head.await.unwrap();

    // A request without `revision`, written by hand, is taken by the stub.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, server::router(api)).await });
    let response = reqwest::Client::new()
        .put(format!("{url}/days/2024-03-01/slots/2024-03-01T09:30:00Z"))
        .header("content-type", "application/json")
        .body(r#"{"id":"67e55044-10b1-426f-9247-bb680e5fe0c8","at":"2024-01-01T00:00:00Z","day":"2024-01-01","secret":"s"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["revision"], 7);
    assert!(body.get("secret").is_none(), "{body}");
}

/// What goes on the wire: RFC 3339 date-times (chrono's `Display`, `2024-02-29
/// 22:59:58.250 UTC`, would not parse on the server), `YYYY-MM-DD` dates,
/// hyphenated uuids, in the path, the query and headers.
#[tokio::test]
async fn parameters_go_on_the_wire_as_rfc_3339_iso_dates_and_hyphenated_uuids() {
    let (url, head) = answering(ok_json("[]")).await;
    client(url)
        .list_events(Target::Id(id(ID)), at("2024-02-29T23:59:58.250+01:00"))
        .day(day("2024-02-29"))
        .ids(vec![id(ID)])
        .between(vec![at("2024-01-01T00:00:00Z"), at("2024-01-02T00:00:00Z")])
        .x_as_of(at("2025-06-01T12:00:00Z"))
        .send()
        .await
        .unwrap();
    let head = head.await.unwrap();
    let target = head
        .lines()
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .to_owned();
    let (path, query) = target.split_once('?').unwrap();
    assert_eq!(path, format!("/targets/{ID}/events"));
    let query: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let pairs: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("since", "2024-02-29T22:59:58.250Z"),
            ("day", "2024-02-29"),
            ("ids", ID),
            ("between", "2024-01-01T00:00:00Z,2024-01-02T00:00:00Z"),
        ]
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("\r\nx-as-of: 2025-06-01t12:00:00z\r\n"),
        "{head}"
    );

    let (url, head) = answering(ok_json(&serde_json::to_string(&event()).unwrap())).await;
    client(url)
        .book_slot(day("2024-03-01"), at("2024-03-01T09:30:00Z"), event())
        .send()
        .await
        .unwrap();
    let head = head.await.unwrap();
    assert!(
        head.starts_with("PUT /days/2024-03-01/slots/2024-03-01T09%3A30%3A00Z HTTP/1.1\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_date_time_that_does_not_parse_is_a_decode_error_keeping_the_response() {
    let body = format!(r#"{{"id":"{ID}","at":"yesterday at noon","day":"2024-02-29"}}"#);
    let (url, _) = answering(ok_json(&body)).await;
    let result = client(url)
        .book_slot(day("2024-03-01"), at("2024-03-01T09:30:00Z"), event())
        .send()
        .await;
    match result {
        Err(Error::Decode { response, message }) => {
            assert_eq!(response.status, 200);
            assert_eq!(response.body, body.as_bytes());
            assert!(message.contains("line 1"), "{message}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn a_newtype_checks_its_constraints_in_new_as_the_stub_does() {
    assert_eq!(Name::new("build-7").unwrap().as_str(), "build-7");
    for (bad, why) in [
        ("b", "at least 2 characters"),
        ("abcdefghijklmnopq", "at most 16 characters"),
        ("Build", "should match pattern '^[a-z][a-z0-9-]*$'"),
        ("7up", "should match pattern"),
    ] {
        let e = Name::new(bad).unwrap_err();
        assert_eq!(e.value, bad, "the value is kept");
        assert_eq!(e.type_name, "Name");
        assert!(e.reason.contains(why), "{bad}: {}", e.reason);
    }
    // Counted in characters, as the stub counts: 16 two-byte characters fit.
    assert!(
        Name::new(format!("a{}", "é".repeat(15))).is_err(),
        "é is not in the pattern"
    );
    assert_eq!(
        Name::new(format!("a{}", "0".repeat(15)))
            .unwrap()
            .as_str()
            .len(),
        16
    );
}

/// What `new` refuses, the stub refuses too (the same ECMA-262 engine):
/// sent unchecked through `From`, it is rejected before the implementation.
#[tokio::test]
async fn the_stub_refuses_what_new_refuses() {
    let api = Arc::new(Events::default());
    let client = served(api.clone()).await;
    let bad = Name::from("Build");
    assert!(Name::new(bad.as_str()).is_err());
    let result = client
        .list_events(Target::Name(bad), at("2024-01-01T00:00:00Z"))
        .send()
        .await;
    assert!(
        matches!(result, Err(Error::Undocumented(ref r)) if r.status.is_client_error()),
        "{result:?}"
    );
    assert!(api.seen.lock().unwrap().is_empty());
}

/// Union variants are named from the member's title, the `$ref`'d type or
/// the format: `Id(Uuid)`, `Name(Name)`, `DateTime(..)`, `Date(..)`; a
/// union with a date-time member prints it as RFC 3339.
#[test]
fn union_variants_are_named_from_their_members() {
    let target = Target::Id(Uuid::nil());
    assert_eq!(target.to_string(), "00000000-0000-0000-0000-000000000000");
    assert_eq!(Target::Name(Name::from("ops")).to_string(), "ops");
    assert_eq!(
        When::DateTime(at("2024-01-01T00:00:00+01:00")).to_string(),
        "2023-12-31T23:00:00Z"
    );
    assert_eq!(When::Date(day("2024-01-01")).to_string(), "2024-01-01");
    // Untagged: a date-time first, else a date.
    let when: When = serde_json::from_str(r#""2024-01-01""#).unwrap();
    assert_eq!(when, When::Date(day("2024-01-01")));
    let target: Target = serde_json::from_str(&format!("\"{ID}\"")).unwrap();
    assert_eq!(target, Target::Id(id(ID)));
}
