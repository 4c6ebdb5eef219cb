//! hyper keeps the two largest `Content-Length` values (2^64−2 and 2^64−1)
//! for itself and refuses a request declaring one with a bodyless 431, as
//! if its head were too large, before any route is known. Such a length
//! is only a body too large for the stub, which answers 413 in its API's
//! format: so the connection's input is followed message by message (a
//! head, then as many body bytes as it declares, or its chunks) and such a
//! length, in a head, is relabelled as the largest one hyper takes. Nothing
//! else is changed, and bytes are passed on as they come, except the start
//! of a head line while it could still be such a `Content-Length`.
//!
//! This is a second reading of the framing beside hyper's, so it only ever
//! gives up: on anything it does not follow (an upgrade, a malformed
//! length or chunk, a very long line) it passes everything on unread, and
//! hyper answers as it would have.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The largest length hyper accepts (its `MAX_LEN`), over any body limit.
const LARGEST: &[u8] = b"18446744073709551613";
/// A line longer than this (fake-cloud's whole head limit) is not followed:
/// the rest of the connection is passed on unread.
const LONGEST_LINE: usize = 64 * 1024;

/// Where the input is in its current message.
#[derive(Debug, PartialEq, Eq)]
enum State {
    /// In a head; `line` is the current line so far, `held` how many of its
    /// last bytes are not passed on yet.
    Head { line: Vec<u8>, held: usize, started: bool, length: Option<u64>, chunked: bool, opaque: bool },
    /// This many body bytes to go.
    Body(u64),
    /// A chunk-size line (or a trailer line, once the last chunk is seen).
    ChunkLine { line: Vec<u8>, trailers: bool },
    /// This many bytes of chunk data, then the line end after them.
    ChunkData(u64),
    /// The line end after a chunk's data, so far.
    ChunkEnd(Vec<u8>),
    /// Passing everything on unread.
    Opaque,
}

impl State {
    fn head() -> State {
        State::Head { line: Vec::new(), held: 0, started: false, length: None, chunked: false, opaque: false }
    }
}

/// Follows one connection's input and relabels reserved lengths.
#[derive(Debug)]
pub struct Framer {
    state: State,
}

impl Default for Framer {
    fn default() -> Self {
        Framer { state: State::head() }
    }
}

impl Framer {
    /// Passes `input` on to `out`, relabelled where needed; the start of a
    /// head line may be kept back until its line ends.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) {
        while !input.is_empty() {
            match &mut self.state {
                State::Opaque => {
                    out.extend_from_slice(input);
                    return;
                }
                State::Body(left) | State::ChunkData(left) => {
                    let n = (*left).min(input.len() as u64) as usize;
                    out.extend_from_slice(&input[..n]);
                    input = &input[n..];
                    *left -= n as u64;
                    if *left == 0 {
                        let body = matches!(self.state, State::Body(_));
                        self.state = if body { State::head() } else { State::ChunkEnd(Vec::new()) };
                    }
                }
                State::ChunkLine { .. } | State::ChunkEnd(_) => {
                    let byte = input[0];
                    input = &input[1..];
                    out.push(byte);
                    self.chunk_byte(byte);
                }
                State::Head { .. } => {
                    let byte = input[0];
                    input = &input[1..];
                    self.head_byte(byte, out);
                }
            }
        }
    }

    /// The input has ended: whatever is kept back goes on as it is.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if let State::Head { line, held, .. } = &mut self.state {
            out.extend_from_slice(&line[line.len() - *held..]);
            *held = 0;
        }
        self.state = State::Opaque;
    }

    fn head_byte(&mut self, byte: u8, out: &mut Vec<u8>) {
        let State::Head { line, held, .. } = &mut self.state else { return };
        line.push(byte);
        *held += 1;
        let fits = line.len() <= LONGEST_LINE;
        if byte != b'\n' && fits && may_be_length(line) {
            return;
        }
        out.extend_from_slice(&line[line.len() - *held..]);
        let whole = *held == line.len();
        *held = 0;
        if !fits {
            self.state = State::Opaque;
        } else if byte == b'\n' {
            let line = std::mem::take(line);
            if let Some(relabelled) = self.head_line(&line).filter(|_| whole) {
                out.truncate(out.len() - line.len());
                out.extend_from_slice(&relabelled);
            }
        }
    }

    /// Reads a whole head line (with its line end), already passed on; a
    /// reserved length comes back relabelled.
    fn head_line(&mut self, line: &[u8]) -> Option<Vec<u8>> {
        let State::Head { started, length, chunked, opaque, .. } = &mut self.state else { return None };
        let text = trim_end(line);
        if text.is_empty() {
            // Empty lines before a request line are skipped.
            if *started {
                self.state = match (*opaque, *chunked, *length) {
                    (true, _, _) => State::Opaque,
                    (false, true, _) => State::ChunkLine { line: Vec::new(), trailers: false },
                    (false, false, Some(n)) if n > 0 => State::Body(n),
                    _ => State::head(),
                };
            }
            return None;
        }
        if !*started {
            *started = true;
            *opaque |= text.starts_with(b"CONNECT ");
            return None;
        }
        let Some(colon) = text.iter().position(|&b| b == b':') else {
            // Not a header line: hyper refuses the head.
            self.state = State::Opaque;
            return None;
        };
        let (name, value) = (&text[..colon], trim(&text[colon + 1..]));
        if name.eq_ignore_ascii_case(b"content-length") {
            // Not a length, or a second one that differs: hyper refuses the head.
            let Some(n) = digits(value).filter(|n| length.is_none_or(|m| m == *n)) else {
                self.state = State::Opaque;
                return None;
            };
            *length = Some(n);
            if n > u64::MAX - 2 {
                return Some([&line[..colon + 1], b" ", LARGEST, &line[text.len()..]].concat());
            }
        } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
            // hyper reads chunks when `chunked` is the last coding, and refuses
            // the request otherwise.
            let last = value.rsplit(|&b| b == b',').next().map(trim).unwrap_or_default();
            *chunked = last.eq_ignore_ascii_case(b"chunked");
            *opaque |= !*chunked;
        } else if name.eq_ignore_ascii_case(b"upgrade") {
            *opaque = true;
        }
        None
    }

    fn chunk_byte(&mut self, byte: u8) {
        if let State::ChunkEnd(line) = &mut self.state {
            line.push(byte);
            self.state = match (byte, line.as_slice()) {
                (b'\n', b"\r\n" | b"\n") => State::ChunkLine { line: Vec::new(), trailers: false },
                (b'\r', b"\r") => return,
                // hyper refuses anything else after chunk data.
                _ => State::Opaque,
            };
            return;
        }
        let State::ChunkLine { line, trailers } = &mut self.state else { return };
        line.push(byte);
        if line.len() > LONGEST_LINE {
            self.state = State::Opaque;
            return;
        }
        if byte != b'\n' {
            return;
        }
        let whole = std::mem::take(line);
        let text = trim_end(&whole);
        if *trailers {
            if text.is_empty() {
                self.state = State::head();
            }
            return;
        }
        let size = text.split(|&b| b == b';').next().map(trim).unwrap_or_default();
        self.state = match std::str::from_utf8(size).ok().and_then(|s| u64::from_str_radix(s, 16).ok()) {
            Some(0) => State::ChunkLine { line: Vec::new(), trailers: true },
            Some(n) if !size.starts_with(b"+") => State::ChunkData(n),
            _ => State::Opaque,
        };
    }
}

/// Whether a head line's start could still become a `Content-Length`
/// line (so it is kept back until its line ends).
fn may_be_length(line: &[u8]) -> bool {
    const NAME: &[u8] = b"content-length:";
    if line.len() <= NAME.len() {
        return line.eq_ignore_ascii_case(&NAME[..line.len()]);
    }
    line[..NAME.len()].eq_ignore_ascii_case(NAME)
        && line.len() < 64
        && line[NAME.len()..].iter().all(|b| b.is_ascii_digit() || matches!(b, b' ' | b'\t' | b'\r'))
}

/// A length as hyper reads it: ASCII digits only, at most `u64::MAX`.
fn digits(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

fn trim_end(line: &[u8]) -> &[u8] {
    let end = line.iter().rposition(|b| !matches!(b, b'\r' | b'\n')).map_or(0, |i| i + 1);
    &line[..end]
}

fn trim(value: &[u8]) -> &[u8] {
    let start = value.iter().position(|b| !matches!(b, b' ' | b'\t')).unwrap_or(value.len());
    let end = value.iter().rposition(|b| !matches!(b, b' ' | b'\t')).map_or(start, |i| i + 1);
    &value[start..end]
}

/// A connection whose input goes through a [`Framer`]; output is untouched.
pub struct Relabelled<S> {
    inner: S,
    framer: Framer,
    /// Framed input not yet read, from `at`.
    ready: Vec<u8>,
    at: usize,
    eof: bool,
}

impl<S> Relabelled<S> {
    pub fn new(inner: S) -> Self {
        Relabelled { inner, framer: Framer::default(), ready: Vec::new(), at: 0, eof: false }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Relabelled<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            if this.at < this.ready.len() {
                let n = (this.ready.len() - this.at).min(buf.remaining());
                buf.put_slice(&this.ready[this.at..this.at + n]);
                this.at += n;
                return Poll::Ready(Ok(()));
            }
            if this.eof {
                return Poll::Ready(Ok(()));
            }
            this.ready.clear();
            this.at = 0;
            let mut chunk = [0u8; 8192];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if read.filled().is_empty() => {
                    this.framer.finish(&mut this.ready);
                    this.eof = true;
                }
                // All of it may be kept back (part of a line): read on.
                Poll::Ready(Ok(())) => this.framer.feed(read.filled(), &mut this.ready),
            }
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Relabelled<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The input fed in pieces of `piece` bytes, and what comes out.
    fn framed(input: &str, piece: usize) -> String {
        let mut framer = Framer::default();
        let mut out = Vec::new();
        for chunk in input.as_bytes().chunks(piece) {
            framer.feed(chunk, &mut out);
        }
        framer.finish(&mut out);
        String::from_utf8(out).unwrap()
    }

    const HEAD: &str = "POST / HTTP/1.1\r\nHost: x\r\n";

    #[test]
    fn reserved_lengths_in_a_head_are_relabelled() {
        for piece in [1, 3, 1000] {
            for value in ["18446744073709551615", "18446744073709551614", "  018446744073709551615 "] {
                let input = format!("{HEAD}content-LENGTH:{value}\r\n\r\n");
                let expected = format!("{HEAD}content-LENGTH: 18446744073709551613\r\n\r\n");
                assert_eq!(framed(&input, piece), expected, "{value:?} in pieces of {piece}");
            }
        }
    }

    #[test]
    fn everything_else_passes_unchanged() {
        for input in [
            format!("{HEAD}Content-Length: 18446744073709551613\r\n\r\n"),
            format!("{HEAD}Content-Length: 18446744073709551616\r\n\r\n"),
            format!("{HEAD}Content-Length: 12\r\n\r\n"),
            format!("{HEAD}X-Content-Length: 18446744073709551615\r\n\r\n"),
            // A body that reads like a head is data.
            format!("{HEAD}Content-Length: 40\r\n\r\nContent-Length: 18446744073709551615\r\n\r\n"),
            format!(
                "{HEAD}Transfer-Encoding: chunked\r\n\r\n26\r\nContent-Length: 18446744073709551615\r\n\r\n0\r\nContent-Length: 18446744073709551615\r\n\r\n"
            ),
        ] {
            assert_eq!(framed(&input, 1), input);
            assert_eq!(framed(&input, 7), input);
        }
    }

    #[test]
    fn the_next_head_is_found_after_a_length_or_chunks() {
        let big = "Content-Length: 18446744073709551615\r\n\r\n";
        let relabelled = "Content-Length: 18446744073709551613\r\n\r\n";
        let input = format!(
            "\r\n{HEAD}Content-Length: 2\r\n\r\n{{}}{HEAD}Transfer-Encoding: gzip, chunked\r\n\r\n2;x=y\r\n{{}}\r\n0\r\nX-Trailer: 1\r\n\r\n{HEAD}{big}"
        );
        let expected = input.replace(big, relabelled);
        for piece in [1, 5, 4096] {
            assert_eq!(framed(&input, piece), expected, "pieces of {piece}");
        }
    }

    #[test]
    fn what_it_cannot_follow_it_passes_on_unread() {
        let big = "Content-Length: 18446744073709551615\r\n\r\n";
        for first in [
            format!("{HEAD}Upgrade: websocket\r\n\r\n"),
            format!("{HEAD}Transfer-Encoding: gzip\r\n\r\n"),
            format!("{HEAD}Content-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            format!("{HEAD}Transfer-Encoding: chunked\r\n\r\nzz\r\n"),
            format!("{HEAD}no colon\r\n\r\n"),
        ] {
            let input = format!("{first}{HEAD}{big}");
            assert_eq!(framed(&input, 1), input, "{first:?}");
        }
        // A head cut off: the kept-back start of its last line goes on.
        assert_eq!(framed(&format!("{HEAD}Content-Len"), 1), format!("{HEAD}Content-Len"));
    }
}
