//! Serving the emulator over HTTP/1.1 with limits against slow and
//! oversized requests: a client must send its request head within
//! `header_read_timeout` (else the connection is closed: there is no request
//! to answer yet) and its body within `body_timeout` (else the stub answers
//! its API's `requestTimeout` rejection, 408 in the vendor's format); a
//! request head over `max_header_bytes` gets hyper's 431. Bodies are capped
//! by the stub itself (1 MiB, 413 in the vendor's format), also where the
//! declared length is one hyper keeps for itself (see [`crate::framing`]).
//!
//! What is about the connection rather than the API is decided here: an
//! HTTP/1.1 request without `Host` is 400, and a client that shuts down its
//! writing side after its request still gets the answer.

use crate::framing::Relabelled;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::header::HOST;
use axum::http::{StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

/// How long and how large a request may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// From the connection's first byte (or the previous response) to the
    /// end of the request head.
    pub header_read_timeout: Duration,
    /// From the end of the head to the end of the body, however slowly the
    /// bytes trickle in.
    pub body_timeout: Duration,
    /// Request line and headers together.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            max_header_bytes: 64 * 1024,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets open
/// connections finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = router.layer(axum::middleware::map_request(move |request: Request| async move {
        if lacks_host(&request) {
            return Err(StatusCode::BAD_REQUEST);
        }
        Ok(request.map(|body| Body::new(Deadline::new(body, limits.body_timeout))))
    }));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A failed accept (e.g. out of file descriptors) ends no other connection.
                Err(_) => continue,
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(router.clone());
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .max_header_size(limits.max_header_bytes)
                // A client may send its request and shut down its writing
                // side (`shutdown(SHUT_WR)`) while it waits: the request is
                // still answered, where by default it could be dropped.
                .half_close(true)
                .serve_connection(TokioIo::new(Relabelled::new(stream)), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopped.changed() => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
        // Reap finished connections so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    let _ = stop.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// An HTTP/1.1 request without `Host`, which RFC 9112 §3.2 answers with
/// 400. The stub cannot tell (a request built in-process has none), so the
/// connection does, like hyper for other malformed requests: no body. (A
/// repeated `Host` is the stub's to refuse, in the API's format.)
fn lacks_host(request: &Request) -> bool {
    request.version() == Version::HTTP_11 && !request.headers().contains_key(HOST)
}

/// A request body that fails with `io::ErrorKind::TimedOut` once its
/// deadline has passed; the stub answers that with its `requestTimeout`
/// rejection.
struct Deadline {
    body: Body,
    sleep: Pin<Box<Sleep>>,
}

impl Deadline {
    fn new(body: Body, timeout: Duration) -> Deadline {
        Deadline { body, sleep: Box::pin(tokio::time::sleep_until(Instant::now() + timeout)) }
    }
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                let late =
                    std::io::Error::new(std::io::ErrorKind::TimedOut, "the request body was not received in time");
                Poll::Ready(Some(Err(axum::Error::new(late))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
