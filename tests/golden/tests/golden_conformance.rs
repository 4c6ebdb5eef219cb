//! The conformance driver (`golden::conformance::run`, feature
//! `conformance`) on the wire: a case's JSON arguments reach the request
//! through the client's own builder (path styles, query, header, cookie,
//! the case-number header the recorder pairs requests by), and a case the
//! client cannot take is refused with its operation and location, with
//! nothing sent. tests/conformance/run.py drives it against openapi-core.

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers one request with 204 and gives back its head.
async fn one_request() -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let (mut data, mut buf) = (Vec::new(), [0u8; 1024]);
        while !data.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a whole head");
            data.extend_from_slice(&buf[..n]);
        }
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .await
            .unwrap();
        String::from_utf8_lossy(&data).into_owned()
    });
    (url, task)
}

#[tokio::test]
async fn a_case_is_sent_through_the_builder() {
    let (url, server) = one_request().await;
    let case = json!({
        "api": "wire",
        "operation": "GET /things/{id}/{label}/{matrix}/{ids}",
        "path": {"id": 7, "label": "big", "matrix": "m-1", "ids": ["a", "b"]},
        "query": {"sizes": ["small", "big"], "each": ["x", 2], "slug": "s"},
        "header": {"X-Size": "small"},
        "cookie": {"session": "abc"},
    });
    golden::conformance::run(&url, 41, &case).await.unwrap();
    let head = server.await.unwrap();
    let first = head.lines().next().unwrap();
    assert_eq!(
        first,
        "GET /things/7/.big/;matrix=m-1/a,b?slug=s&sizes=small%2Cbig&each=x&each=2 HTTP/1.1"
    );
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("\r\nx-size: small\r\n"), "{head}");
    assert!(lower.contains("\r\ncookie: session=abc\r\n"), "{head}");
    assert!(
        lower.contains("\r\nx-apigen-conformance-case: 41\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_case_the_client_cannot_take_is_refused_with_its_location() {
    // Nothing listens: an attempt to send would fail as a transport error.
    let url = "http://127.0.0.1:9";
    let missing = json!({"api": "wire", "operation": "GET /things/{id}/{label}/{matrix}/{ids}", "path": {"id": 7}});
    let e = golden::conformance::run(url, 0, &missing)
        .await
        .unwrap_err();
    assert_eq!(
        e,
        "GET /things/{id}/{label}/{matrix}/{ids}: the case has no value for the required path `label`"
    );
    let misfit = json!({"api": "wire", "operation": "GET /things/{id}/{label}/{matrix}/{ids}",
        "path": {"id": 7, "label": 5, "matrix": "m", "ids": []}});
    let e = golden::conformance::run(url, 0, &misfit).await.unwrap_err();
    assert!(
        e.starts_with("GET /things/{id}/{label}/{matrix}/{ids}: path `label`: the value 5"),
        "{e}"
    );
    let unknown = json!({"api": "wire", "operation": "GET /nowhere"});
    assert_eq!(
        golden::conformance::run(url, 0, &unknown)
            .await
            .unwrap_err(),
        "no operation `GET /nowhere` in this API"
    );
    let sent = json!({"api": "bare", "operation": "HEAD /ping"});
    let e = golden::conformance::run(url, 0, &sent).await;
    assert!(
        e.as_ref()
            .is_err_and(|e| e.starts_with("the client could not send the request")),
        "{e:?}"
    );
}
