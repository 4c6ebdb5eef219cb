//! The golden fixtures' generated client on the wire: what a loopback
//! server receives for a union path parameter (GitHub's `workflow_id`),
//! `deepObject` query parameters (Stripe's `created[gte]`, `expand[0]`), an
//! exploded form object, a parameter named like a local of the method, and
//! a typed `application/x-www-form-urlencoded` body (Stripe's bodies).

use golden::runtime::client::ClientConfig;
use golden::shapes::client::{Client, Credentials};
use golden::shapes::types::{
    GetWorkflowCreated, GetWorkflowCreatedVariant0, GetWorkflowFilter, GetWorkflowWorkflowId, UpdateWorkflowRequest,
    UpdateWorkflowRequestStepsItem,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers one request with 204 and returns its head and body.
async fn one_exchange() -> (String, tokio::task::JoinHandle<(String, Vec<u8>)>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 1024];
        let end = loop {
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a whole head");
            data.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        while data.len() < end + length {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending the whole body");
            data.extend_from_slice(&buf[..n]);
        }
        socket.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await.unwrap();
        (head, data[end..].to_vec())
    });
    (url, task)
}

async fn exchange(call: impl AsyncFnOnce(Client)) -> (String, Vec<u8>) {
    let (url, server) = one_exchange().await;
    let client = Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    call(client).await;
    server.await.unwrap()
}

async fn request_line(call: impl AsyncFnOnce(Client)) -> String {
    exchange(call).await.0.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn typed_form_bodies_are_encoded_with_brackets() {
    let (head, body) = exchange(async |c| {
        let body = UpdateWorkflowRequest {
            name: "nightly build & test".into(),
            metadata: Some([("team".to_string(), "ci/cd".to_string())].into()),
            steps: Some(vec![UpdateWorkflowRequestStepsItem { run: Some("make".into()), timeout: Some(60) }]),
        };
        c.update_workflow("ci.yml", &body).await.unwrap();
    })
    .await;
    assert!(head.starts_with("POST /workflows/ci.yml HTTP/1.1\r\n"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: application/x-www-form-urlencoded\r\n"), "{head}");
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "name=nightly%20build%20%26%20test&metadata%5Bteam%5D=ci%2Fcd&steps%5B0%5D%5Brun%5D=make&steps%5B0%5D%5Btimeout%5D=60"
    );
}

#[tokio::test]
async fn union_path_segments_deep_objects_and_form_objects() {
    let line = request_line(async |c| {
        let created =
            GetWorkflowCreated::GetWorkflowCreatedVariant0(GetWorkflowCreatedVariant0 { gte: Some(1), lt: Some(2) });
        let filter = GetWorkflowFilter { state: Some("open now".into()) };
        let expand = ["data.customer".to_string(), "data.invoice".to_string()];
        let id = GetWorkflowWorkflowId::String("ci.yml".into());
        c.get_workflow(&id, Some("q"), Some(&created), Some(&expand), Some(&filter)).await.unwrap();
    })
    .await;
    assert_eq!(
        line,
        "GET /workflows/ci.yml?query=q&created%5Bgte%5D=1&created%5Blt%5D=2\
         &expand%5B0%5D=data.customer&expand%5B1%5D=data.invoice&state=open+now HTTP/1.1"
    );
}

#[tokio::test]
async fn scalar_union_members_print_as_themselves() {
    let line = request_line(async |c| {
        let id = GetWorkflowWorkflowId::Integer(42);
        c.get_workflow(&id, None, Some(&GetWorkflowCreated::Integer(1700000000)), None, None).await.unwrap();
    })
    .await;
    assert_eq!(line, "GET /workflows/42?created=1700000000 HTTP/1.1");
}
