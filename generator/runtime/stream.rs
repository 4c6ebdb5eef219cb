//! Bodies as streams of bytes, for files bigger than memory: what a client
//! downloads or uploads and what a server stub hands to, or takes from, an
//! implementation, chunk by chunk, never buffered whole.

use bytes::Bytes;
use futures_util::stream::Stream;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Bytes read from a reader at a time.
const CHUNK: usize = 64 * 1024;

/// A body as a stream of chunks, read as they arrive (a download, an
/// upload a stub hands to its implementation) or produced as they are
/// sent. It is read once; [`ByteStream::collect`] buffers it when that
/// is what is wanted.
pub struct ByteStream {
    inner: Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>,
    length: Option<u64>,
}

impl ByteStream {
    /// Any stream of chunks; its errors become `io::Error`s.
    pub fn new<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        use futures_util::StreamExt;
        ByteStream { inner: Box::pin(stream.map(|c| c.map(Into::into).map_err(io::Error::other))), length: None }
    }

    /// Reads `reader` (a `tokio::fs::File`, a socket) in 64 KiB chunks.
    pub fn from_reader<R: AsyncRead + Send + 'static>(reader: R) -> Self {
        let chunks = futures_util::stream::unfold(Box::pin(reader), |mut reader| async move {
            let mut buffer = vec![0; CHUNK];
            let read = std::future::poll_fn(|cx| {
                let mut out = ReadBuf::new(&mut buffer);
                reader.as_mut().poll_read(cx, &mut out).map_ok(|()| out.filled().len())
            })
            .await;
            match read {
                Ok(0) => None,
                Ok(n) => {
                    buffer.truncate(n);
                    Some((Ok(Bytes::from(buffer)), reader))
                }
                Err(e) => Some((Err(e), reader)),
            }
        });
        ByteStream { inner: Box::pin(chunks), length: None }
    }

    /// Declares the stream's length in bytes: a client sends it as
    /// `Content-Length` (some servers refuse a chunked upload), a stub as
    /// the response's.
    pub fn with_length(mut self, length: u64) -> Self {
        self.length = Some(length);
        self
    }

    /// The declared length, when known (a received `Content-Length`).
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// The next chunk; `None` at the end.
    pub async fn next(&mut self) -> Option<io::Result<Bytes>> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }

    /// Reads the whole stream into memory.
    pub async fn collect(mut self) -> io::Result<Bytes> {
        let mut out = Vec::with_capacity(self.length.map_or(0, |n| n.min(1 << 24) as usize));
        while let Some(chunk) = self.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.into())
    }

    /// Writes every chunk into `writer` (a file, stdout) as it arrives,
    /// then flushes it; the number of bytes written.
    pub async fn write_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W) -> io::Result<u64> {
        let mut written = 0;
        while let Some(chunk) = self.next().await {
            let mut chunk = chunk?;
            while !chunk.is_empty() {
                let n = std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_write(cx, &chunk)).await?;
                if n == 0 {
                    return Err(io::ErrorKind::WriteZero.into());
                }
                let _ = chunk.split_to(n);
                written += n as u64;
            }
        }
        std::future::poll_fn(|cx| Pin::new(&mut *writer).poll_flush(cx)).await?;
        Ok(written)
    }
}

/// One chunk of known length.
impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        let length = bytes.len() as u64;
        let once = futures_util::stream::iter((!bytes.is_empty()).then_some(Ok(bytes)));
        ByteStream { inner: Box::pin(once), length: Some(length) }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl Stream for ByteStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").field("length", &self.length).finish_non_exhaustive()
    }
}

/// A [`ByteStream`] as an `http_body::Body`: what reqwest sends and a stub
/// answers with. The mutex only makes it `Sync` (reqwest asks for it); it
/// is never contended, the body being polled by one task.
pub(crate) struct StreamBody(Mutex<ByteStream>);

impl StreamBody {
    pub(crate) fn new(stream: ByteStream) -> Self {
        StreamBody(Mutex::new(stream))
    }
}

impl http_body::Body for StreamBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<http_body::Frame<Bytes>>>> {
        let stream = self.get_mut().0.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        stream.inner.as_mut().poll_next(cx).map(|c| c.map(|c| c.map(http_body::Frame::data)))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        let stream = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match stream.length {
            Some(n) => http_body::SizeHint::with_exact(n),
            None => http_body::SizeHint::default(),
        }
    }
}

/// A request body a client sends: bytes in memory (sent again on a retry)
/// or a [`ByteStream`] (sent once, read as it goes out). Builders of
/// binary bodies take `impl Into<BodySource>`, so bytes keep working:
///
/// ```ignore
/// client.upload_blob("a").body(vec![1, 2, 3]).send().await?;
/// let file = tokio::fs::File::open("big.iso").await?;
/// let length = file.metadata().await?.len();
/// client.upload_blob("b").body(BodySource::from_reader(file, Some(length))).send().await?;
/// ```
#[derive(Clone)]
pub struct BodySource(Source);

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    /// Shared by the builder's clones: whichever sends first takes it.
    Stream(Arc<Mutex<Option<ByteStream>>>),
}

impl BodySource {
    /// A stream, sent as it is read (chunked unless it has a length).
    pub fn from_stream(stream: ByteStream) -> Self {
        BodySource(Source::Stream(Arc::new(Mutex::new(Some(stream)))))
    }

    /// A reader (a `tokio::fs::File`) streamed in 64 KiB chunks; `length`
    /// is sent as `Content-Length` when given.
    pub fn from_reader<R: AsyncRead + Send + 'static>(reader: R, length: Option<u64>) -> Self {
        let stream = ByteStream::from_reader(reader);
        Self::from_stream(match length {
            Some(n) => stream.with_length(n),
            None => stream,
        })
    }

    /// The bytes, when the body is in memory.
    pub fn as_bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Source::Bytes(b) => Some(b),
            Source::Stream(_) => None,
        }
    }

    /// Whether the body is a stream (sent once, never retried).
    pub fn is_stream(&self) -> bool {
        matches!(self.0, Source::Stream(_))
    }

    /// The stream, the first time it is asked for; `None` for bytes and
    /// once it has been taken.
    pub fn take_stream(&self) -> Option<ByteStream> {
        match &self.0 {
            Source::Bytes(_) => None,
            Source::Stream(s) => s.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take(),
        }
    }
}

impl fmt::Debug for BodySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Bytes(b) => write!(f, "BodySource::Bytes({} bytes)", b.len()),
            Source::Stream(_) => f.write_str("BodySource::Stream"),
        }
    }
}

impl From<ByteStream> for BodySource {
    fn from(stream: ByteStream) -> Self {
        BodySource::from_stream(stream)
    }
}

impl From<Bytes> for BodySource {
    fn from(bytes: Bytes) -> Self {
        BodySource(Source::Bytes(bytes))
    }
}

impl From<Vec<u8>> for BodySource {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<&'static [u8]> for BodySource {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl From<String> for BodySource {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static str> for BodySource {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything here is ready at once (in-memory readers and writers).
    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("ready")
    }

    #[test]
    fn readers_stream_in_chunks_and_collect_whole() {
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        let mut stream = ByteStream::from_reader(std::io::Cursor::new(data.clone()));
        let first = block_on(stream.next()).expect("a chunk").expect("no error");
        assert_eq!(first.len(), CHUNK, "read in chunks, not whole");
        let rest = block_on(stream.collect()).expect("no error");
        assert_eq!([&first[..], &rest[..]].concat(), data);
        let mut out = Vec::new();
        let n = block_on(ByteStream::from(Bytes::from(data.clone())).write_to(&mut out)).expect("written");
        assert_eq!((n, out), (data.len() as u64, data));
    }

    #[test]
    fn a_streamed_source_is_taken_once_by_any_clone() {
        let source = BodySource::from_stream(ByteStream::from(Bytes::from_static(b"abc")));
        let clone = source.clone();
        assert!(source.is_stream() && source.as_bytes().is_none());
        assert!(clone.take_stream().is_some());
        assert!(source.take_stream().is_none(), "a stream is sent once");
        assert_eq!(BodySource::from(vec![1u8]).as_bytes().map(|b| b.to_vec()), Some(vec![1]));
        assert_eq!(format!("{:?}", BodySource::from("xy")), "BodySource::Bytes(2 bytes)");
    }
}
