//! The `tracing` span of a generated client's retried call against
//! fake-cloud, and of the stub's answer, with no secret in them nor in any
//! `Debug` output. A file of its own: the subscriber is this thread's
//! default, and no other test's spans run alongside.

#[path = "e2e_common/mod.rs"]
mod common;

use common::{Fake, raw_fault};
use fake_cloud::Vendor;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use vendor_apis::runtime::client::ClientConfig;
use vendor_apis::runtime::huawei::AkSk;
use vendor_apis::runtime::sigv4::AwsCredentials;
use vendor_apis::{aws_transfer, huawei_kps, phala, vast};

/// The key fake-cloud's default Phala state knows.
const PHALA_KEY: &str = "phak_test_key";

// ---- a subscriber that records every span and event as text ----

/// A span (name, fields) or an event (`event`, fields, its span's name).
#[derive(Clone, Debug, Default)]
struct Record {
    name: String,
    fields: BTreeMap<String, String>,
    span: Option<String>,
}

#[derive(Default)]
struct Recorder {
    spans: Mutex<Vec<Record>>,
    events: Mutex<Vec<Record>>,
    /// Entered spans (ids are indexes + 1), innermost last; tests run on one thread.
    stack: Mutex<Vec<u64>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut record = Record { name: span.metadata().name().into(), ..Default::default() };
        span.record(&mut Fields(&mut record.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(record);
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.spans.lock().unwrap()[span.into_u64() as usize - 1].fields));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut record = Record { name: "event".into(), ..Default::default() };
        event.record(&mut Fields(&mut record.fields));
        let current = self.stack.lock().unwrap().last().copied();
        record.span = current.map(|id| self.spans.lock().unwrap()[id as usize - 1].name.clone());
        self.events.lock().unwrap().push(record);
    }
    fn enter(&self, span: &tracing::span::Id) {
        self.stack.lock().unwrap().push(span.into_u64());
    }
    fn exit(&self, span: &tracing::span::Id) {
        let mut stack = self.stack.lock().unwrap();
        if let Some(i) = stack.iter().rposition(|id| *id == span.into_u64()) {
            stack.remove(i);
        }
    }
}

impl Recorder {
    fn spans(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        self.spans.lock().unwrap().iter().filter(|s| s.name == name).map(|s| s.fields.clone()).collect()
    }

    /// Everything recorded, as text.
    fn text(&self) -> String {
        format!("{:?}{:?}", self.spans.lock().unwrap(), self.events.lock().unwrap())
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// One span for the call, with the template (not the key id), the second
/// attempt and its status; one retry event with its reason and wait; one
/// stub span for the request that reached it. No secret anywhere.
#[tokio::test(flavor = "current_thread")]
async fn a_retried_call_is_one_span_with_a_retry_event_and_no_secret() {
    let recorder = Arc::new(Recorder::default());
    let _guard = tracing::dispatcher::set_default(&tracing::Dispatch::from(recorder.clone()));
    let fake = Fake::with_faults(
        Vendor::Phala,
        json!([raw_fault("delete_ssh_key", 503, json!({"Retry-After": "0"}), json!("upstream connect error"), 1)]),
    )
    .await;
    let credentials = phala::client::Credentials::new().api_key_header(PHALA_KEY);
    let client = phala::client::Client::with_config(credentials.clone(), fake.config()).unwrap();
    client.delete_ssh_key("sshk_test1").send().await.expect("503, then 204");
    assert_eq!(fake.requests("delete_ssh_key"), 2);

    let calls = recorder.spans("apigen.request");
    assert_eq!(calls.len(), 1, "{}", recorder.text());
    let mut call = calls[0].clone();
    let elapsed: u64 = call.remove("elapsed_ms").expect("elapsed_ms").parse().unwrap();
    assert!(elapsed < 5_000, "{elapsed}");
    let expected = [
        ("operation", "delete_ssh_key"),
        ("method", "DELETE"),
        ("path", "/api/v1/user/ssh-keys/{key_id}"),
        ("attempt", "2"),
        ("status", "204"),
    ];
    assert_eq!(call, fields(&expected));
    let events = recorder.events.lock().unwrap().clone();
    let retries: Vec<&Record> =
        events.iter().filter(|e| e.fields.get("message").is_some_and(|m| m == "retrying")).collect();
    assert_eq!(retries.len(), 1, "{events:?}");
    let expected = [("message", "retrying"), ("attempt", "1"), ("reason", "status 503"), ("wait_ms", "0")];
    assert_eq!(retries[0].fields, fields(&expected));
    assert_eq!(retries[0].span.as_deref(), Some("apigen.request"), "the event is inside the call's span");
    let served = recorder.spans("apigen.serve");
    assert_eq!(served, [fields(&[("operation", "delete_ssh_key"), ("status", "204")])], "the stub's span");

    let text = recorder.text();
    assert!(!text.contains(PHALA_KEY), "{text}");
    assert!(!text.contains("sshk_test1"), "no filled path: {text}");
    for debug in [format!("{client:?}"), format!("{credentials:?}"), format!("{:?}", fake.config())] {
        assert!(!debug.contains(PHALA_KEY), "{debug}");
    }
}

/// Signed and token credentials are redacted in `Debug` too.
#[test]
fn debug_output_shows_no_credential() {
    let secrets = ["AWSSECRET-0001", "AWSSESSION-0001", "HUAWEISK-0001", "HUAWEITOKEN-0001", "VASTKEY-0001"];
    let aws = AwsCredentials::new("AKID", secrets[0], "us-east-1").session_token(secrets[1]);
    let aws = aws_transfer::client::Credentials::new().sig_v4(aws);
    let huawei = huawei_kps::client::Credentials::new()
        .ak_sk_signature(AkSk::new("AK", secrets[2]).project_id("p"))
        .x_auth_token(secrets[3]);
    let vast = vast::client::Credentials::new().bearer_auth(secrets[4]);
    let config = || ClientConfig::new().base_url("http://127.0.0.1:9");
    let debug = [
        format!("{aws:?}"),
        format!("{:?}", aws_transfer::client::Client::with_config(aws.clone(), config()).unwrap()),
        format!("{huawei:?}"),
        format!("{:?}", huawei_kps::client::Client::with_config(huawei.clone(), config()).unwrap()),
        format!("{vast:?}"),
        format!("{:?}", vast::client::Client::with_config(vast.clone(), config()).unwrap()),
    ];
    for (text, secret) in debug.iter().flat_map(|d| secrets.iter().map(move |s| (d, s))) {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}
