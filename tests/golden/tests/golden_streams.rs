//! Streamed bodies between the generated client and stub over loopback
//! (tests/fixtures/streams.yaml): uploads and downloads arrive intact
//! (SHA-256) whether streamed or buffered, error responses of a streamed
//! download still decode, and body limits hold per operation, over a
//! larger per-API one, both read whole and while streaming.

#[path = "support/blobs.rs"]
mod blobs;

use blobs::{Blobs, pattern, pattern_sha256};
use golden::runtime::client::{BodySource, ByteStream, ClientConfig, Error, StatusCode};
use golden::streams::client::{Client, Credentials, DownloadBlobError};
use golden::streams::server;
use golden::streams::types::Digest;
use std::sync::Arc;

async fn served() -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, server::router(Arc::new(Blobs))).await });
    Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap()
}

/// 5 MiB and a bit: over the API's 4 MiB limit, in many chunks.
const BIG: u64 = 5 * 1024 * 1024 + 17;

fn expected(size: u64) -> Digest {
    Digest {
        size: size as i64,
        sha256: pattern_sha256(size),
    }
}

#[tokio::test]
async fn a_streamed_upload_arrives_intact_with_or_without_a_length() {
    let client = served().await;
    let sized = client
        .upload_blob("a", BodySource::from_stream(pattern(BIG)))
        .send()
        .await;
    assert_eq!(
        sized.unwrap(),
        expected(BIG),
        "over the API's limit: the operation's own allows it"
    );
    // Without a length the body goes chunked, and is read as it comes.
    let chunked = ByteStream::new(futures_util::StreamExt::map(pattern(BIG), |c| c));
    assert_eq!(chunked.length(), None);
    let digest = client
        .upload_blob("b", BodySource::from_stream(chunked))
        .send()
        .await
        .unwrap();
    assert_eq!(digest, expected(BIG));
    // A reader (a `tokio::fs::File` is one), read in chunks.
    let bytes = pattern(300_000).collect().await.unwrap();
    let source = BodySource::from_reader(
        std::io::Cursor::new(bytes.to_vec()),
        Some(bytes.len() as u64),
    );
    let digest = client.upload_blob("c", source).send().await.unwrap();
    assert_eq!(digest, expected(300_000));
}

#[tokio::test]
async fn callers_passing_bytes_still_work() {
    let client = served().await;
    let bytes = pattern(BIG).collect().await.unwrap();
    assert_eq!(
        client.upload_blob("a", bytes.clone()).send().await.unwrap(),
        expected(BIG)
    );
    let note = client
        .put_note("n", b"hello".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(note.size, 5);
    let whole = client.download_blob("a", BIG as i64).send().await.unwrap();
    assert_eq!(whole, bytes, "a buffered download is the whole body");
}

#[tokio::test]
async fn a_streamed_download_arrives_intact_and_errors_still_decode() {
    let client = served().await;
    let success = client
        .download_blob("a", BIG as i64)
        .send_streaming()
        .await
        .unwrap();
    assert_eq!(success.status, StatusCode::OK);
    assert_eq!(
        success.header("content-type"),
        Some("application/octet-stream")
    );
    let mut body = success.value;
    assert_eq!(
        body.length(),
        Some(BIG),
        "the stub sends the stream's length"
    );
    let (mut chunks, mut hash) = (0, Vec::new());
    while let Some(chunk) = body.next().await {
        let chunk = chunk.unwrap();
        chunks += 1;
        hash.extend_from_slice(&chunk);
    }
    assert!(chunks > 1, "read in chunks as they arrive, not whole");
    assert_eq!(
        blobs::digest(ByteStream::from(hash)).await.unwrap(),
        expected(BIG)
    );
    let mut file = Vec::new();
    let stream = client
        .download_blob("a", 70_000)
        .send_streaming()
        .await
        .unwrap()
        .value;
    assert_eq!(stream.write_to(&mut file).await.unwrap(), 70_000);
    assert_eq!(file, pattern(70_000).collect().await.unwrap());
    match client.download_blob("missing", 1).send_streaming().await {
        Err(Error::Response(DownloadBlobError::NotFound(m))) => assert_eq!(m.name, "missing"),
        other => panic!("expected the documented 404, got {other:?}"),
    }
}

fn status_of<E: std::fmt::Debug>(result: Result<Digest, Error<E>>) -> u16 {
    match result {
        Err(Error::Undocumented(r)) => r.status.as_u16(),
        other => panic!("expected an undocumented error status, got {other:?}"),
    }
}

#[tokio::test]
async fn body_limits_hold_per_operation_over_the_apis_read_whole_or_streamed() {
    let client = served().await;
    let small = vec![7u8; 1024];
    let over = vec![7u8; 1025];
    // `putNote`: 1 KiB of its own, read whole.
    assert_eq!(
        client
            .put_note("n", small.clone())
            .send()
            .await
            .unwrap()
            .size,
        1024
    );
    assert_eq!(
        status_of(client.put_note("n", over.clone()).send().await),
        413
    );
    // `putBuffered`: the API's 4 MiB.
    assert_eq!(
        client
            .put_buffered("n", over.clone())
            .send()
            .await
            .unwrap()
            .size,
        1025
    );
    let big = pattern(BIG).collect().await.unwrap();
    assert_eq!(status_of(client.put_buffered("n", big).send().await), 413);
    // `putStreamedNote`: 1 KiB, streamed: refused on its declared length,
    // and found while streaming when it has none.
    let streamed = |n: u64| {
        BodySource::from_stream(ByteStream::new(futures_util::StreamExt::map(
            pattern(n),
            |c| c,
        )))
    };
    assert_eq!(
        client
            .put_streamed_note("n", streamed(1024))
            .send()
            .await
            .unwrap(),
        expected(1024)
    );
    assert_eq!(
        status_of(
            client
                .put_streamed_note("n", BodySource::from_stream(pattern(1025)))
                .send()
                .await
        ),
        413
    );
    assert_eq!(
        status_of(
            client
                .put_streamed_note("n", streamed(200_000))
                .send()
                .await
        ),
        413
    );
}

#[tokio::test]
async fn a_streamed_upload_is_sent_once_and_never_retried() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A server answering every request 503: a buffered PUT is retried
    // (PUT is idempotent), a streamed one is not.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 1 << 16];
                while let Ok(n) = socket.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    if buf[..n].starts_with(b"PUT ") {
                        seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let answer = b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
                        socket.write_all(answer).await.unwrap();
                        break;
                    }
                }
            });
        }
    });
    let retry =
        golden::runtime::retry::RetryPolicy::default().initial_backoff(std::time::Duration::ZERO);
    let client = Client::with_config(
        Credentials::new(),
        ClientConfig::new().base_url(url).retry(retry),
    )
    .unwrap();
    let buffered = client.upload_blob("a", vec![1u8; 10]).send().await;
    assert_eq!(status_of(buffered), 503);
    assert_eq!(
        requests.swap(0, std::sync::atomic::Ordering::SeqCst),
        3,
        "bytes are sent again"
    );
    let streamed = client
        .upload_blob("a", BodySource::from_stream(pattern(10)))
        .send()
        .await;
    assert_eq!(status_of(streamed), 503);
    assert_eq!(
        requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "a stream is sent once"
    );
}
