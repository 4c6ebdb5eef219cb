//! The streams fixture's implementation (tests/fixtures/streams.yaml),
//! shared by the golden streaming test and the 1 GiB benchmark: uploads
//! are hashed as they arrive, downloads are a fixed pattern produced as
//! they are sent; neither is ever held whole.

use golden::runtime::server::{ByteStream, Bytes};
use golden::streams::server::{
    Api, DownloadBlobInput, DownloadBlobResponse, PutBufferedInput, PutBufferedResponse,
    PutNoteInput, PutNoteResponse, PutStreamedNoteInput, PutStreamedNoteResponse, UploadBlobInput,
    UploadBlobResponse,
};
use golden::streams::types::{Digest, Missing};
use sha2::{Digest as _, Sha256};

/// Chunks of a pattern repeating every 251 bytes, 64,256 bytes (256
/// periods) each: every chunk is the same, so one buffer serves them all.
const PERIOD: usize = 251;
const CHUNK: usize = PERIOD * 256;

fn chunk() -> Bytes {
    static CHUNK_BYTES: std::sync::OnceLock<Bytes> = std::sync::OnceLock::new();
    CHUNK_BYTES
        .get_or_init(|| {
            (0..CHUNK)
                .map(|i| (i % PERIOD) as u8)
                .collect::<Vec<u8>>()
                .into()
        })
        .clone()
}

/// `size` bytes of the pattern, as a stream of known length.
pub fn pattern(size: u64) -> ByteStream {
    let chunks = futures_util::stream::unfold(size, |left| async move {
        let n = left.min(CHUNK as u64);
        (n > 0).then(|| {
            (
                Ok::<_, std::io::Error>(chunk().slice(..n as usize)),
                left - n,
            )
        })
    });
    ByteStream::new(chunks).with_length(size)
}

/// The SHA-256 (hex) of `size` bytes of the pattern.
pub fn pattern_sha256(size: u64) -> String {
    let mut hash = Sha256::new();
    let (whole, rest) = (size / CHUNK as u64, (size % CHUNK as u64) as usize);
    let c = chunk();
    for _ in 0..whole {
        hash.update(&c);
    }
    hash.update(&c[..rest]);
    hex::encode(hash.finalize())
}

/// Size and SHA-256 of a stream, read chunk by chunk.
pub async fn digest(mut body: ByteStream) -> std::io::Result<Digest> {
    let (mut hash, mut size) = (Sha256::new(), 0);
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        size += chunk.len() as i64;
        hash.update(&chunk);
    }
    Ok(Digest {
        size,
        sha256: hex::encode(hash.finalize()),
    })
}

fn digest_of(bytes: &[u8]) -> Digest {
    Digest {
        size: bytes.len() as i64,
        sha256: hex::encode(Sha256::digest(bytes)),
    }
}

pub struct Blobs;

impl Api for Blobs {
    async fn download_blob(&self, input: DownloadBlobInput) -> DownloadBlobResponse {
        match input.name.as_str() {
            "missing" => DownloadBlobResponse::NotFound(Missing { name: input.name }),
            _ => DownloadBlobResponse::Ok(pattern(input.size as u64)),
        }
    }

    async fn upload_blob(&self, input: UploadBlobInput) -> UploadBlobResponse {
        match digest(input.body).await {
            Ok(d) => UploadBlobResponse::Created(d),
            Err(_) => UploadBlobResponse::BadRequest,
        }
    }

    async fn put_streamed_note(&self, input: PutStreamedNoteInput) -> PutStreamedNoteResponse {
        match digest(input.body).await {
            Ok(d) => PutStreamedNoteResponse::Created(d),
            // Past the limit: the stub answers 413 whatever this says.
            Err(_) => PutStreamedNoteResponse::BadRequest,
        }
    }

    async fn put_note(&self, input: PutNoteInput) -> PutNoteResponse {
        PutNoteResponse::Created(digest_of(&input.body))
    }

    async fn put_buffered(&self, input: PutBufferedInput) -> PutBufferedResponse {
        PutBufferedResponse::Created(digest_of(&input.body))
    }
}
