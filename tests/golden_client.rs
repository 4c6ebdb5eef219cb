//! The golden fixtures' generated client on the wire: what a loopback
//! server receives for a union path parameter (GitHub's `workflow_id`),
//! `deepObject` query parameters (Stripe's `created[gte]`, `expand[0]`), an
//! exploded form object, and a parameter named like a local of the method.

use golden::runtime::client::ClientConfig;
use golden::shapes::client::{Client, Credentials};
use golden::shapes::types::{GetWorkflowCreated, GetWorkflowCreatedVariant0, GetWorkflowFilter, GetWorkflowWorkflowId};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers one request with 204 and returns its request line.
async fn one_request() -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a whole head");
            head.extend_from_slice(&buf[..n]);
        }
        socket.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await.unwrap();
        String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_string()
    });
    (url, task)
}

async fn request_line(call: impl AsyncFnOnce(Client)) -> String {
    let (url, server) = one_request().await;
    let client = Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    call(client).await;
    server.await.unwrap()
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
