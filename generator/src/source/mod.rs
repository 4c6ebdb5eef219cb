//! The source stage: from files on disk to one checked `openapiv3::OpenAPI`
//! per API.
//!
//! read (Markdown page → embedded blocks, or a YAML/JSON file) → parse
//! (duplicate keys refused) → merge the pages of one API → apply overlays →
//! normalise 3.1 to 3.0 → resolve `$ref`s → deserialize with `openapiv3`.

pub mod lines;
pub mod markdown;
pub mod merge;
pub mod normalize;
pub mod overlay;
pub mod parse;
pub mod refs;

use crate::diag::{Diagnostic, Error, Location, Result, Severity, Sink, ptr};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Where a document came from: a file, and for a block of a Markdown page,
/// how many page lines precede the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line_offset: usize,
}

/// One parsed OpenAPI document (a whole file or one block of a page).
#[derive(Clone, Debug)]
pub struct Document {
    pub origin: Origin,
    pub value: Value,
}

/// Which source file each part of a merged document came from, so that a
/// diagnostic about `/paths/~1a/delete` names the page that defined it.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// (pointer prefix, origin), most specific last.
    entries: Vec<(String, Origin)>,
}

impl Provenance {
    pub fn single(file: impl Into<PathBuf>) -> Self {
        Self::single_with_offset(file.into(), 0)
    }

    pub fn single_with_offset(file: PathBuf, line_offset: usize) -> Self {
        Provenance { entries: vec![(String::new(), Origin { file, line_offset })] }
    }

    pub fn add(&mut self, prefix: &str, origin: &Origin) {
        self.entries.push((prefix.to_string(), origin.clone()));
    }

    /// The origin of the longest recorded prefix of `pointer`.
    pub fn origin(&self, pointer: &str) -> Option<&Origin> {
        self.entries
            .iter()
            .filter(|(p, _)| pointer == p || pointer.starts_with(&format!("{p}/")) || p.is_empty())
            .max_by_key(|(p, _)| p.len())
            .map(|(_, o)| o)
    }

    pub fn locate(&self, pointer: &str) -> Location {
        let file = self.origin(pointer).map(|o| o.file.clone()).unwrap_or_default();
        Location::at(file, pointer)
    }

    /// Every recorded origin (with repeats).
    pub fn origins(&self) -> impl Iterator<Item = &Origin> {
        self.entries.iter().map(|(_, o)| o)
    }

    /// Every distinct source file, in first-seen order.
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = Vec::new();
        for (_, o) in &self.entries {
            if !out.contains(&o.file) {
                out.push(o.file.clone());
            }
        }
        out
    }
}

/// Reads a file, returning its bytes or a located I/O error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, &e))
}

/// Whether `path` names a Markdown page (by extension, or a `.txt` page
/// whose text holds a fenced OpenAPI block).
pub(crate) fn is_markdown(path: &Path, bytes: &[u8]) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("md" | "markdown" | "mdx") => true,
        Some("yaml" | "yml" | "json") => false,
        _ => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
            head.contains("```") || head.contains("~~~")
        }
    }
}

/// Loads the OpenAPI documents of one source file: the file itself, or every
/// OpenAPI block of a Markdown page.
pub fn load_file(path: &Path) -> Result<Vec<Document>> {
    let bytes = read(path)?;
    if !is_markdown(path, &bytes) {
        let value = parse::parse(&bytes, path, 0)?;
        return Ok(vec![Document { origin: Origin { file: path.into(), line_offset: 0 }, value }]);
    }
    let text = String::from_utf8_lossy(&bytes);
    let mut docs = Vec::new();
    for block in markdown::blocks(&text).into_iter().filter(|b| b.looks_like_openapi()) {
        let value = parse::parse(block.body.as_bytes(), path, block.body_offset)?;
        docs.push(Document { origin: Origin { file: path.into(), line_offset: block.body_offset }, value });
    }
    if docs.is_empty() {
        return Err(Diagnostic::error("markdown.no-openapi", Location::file(path), "the page has no OpenAPI block")
            .help(
                "a page must embed the document in a fenced block (```yaml ... ```) whose text starts with `openapi:`; \
                 for a prose-only page, write the spec by hand and list that file instead",
            )
            .into());
    }
    Ok(docs)
}

/// A source-stage result: the API as `openapiv3` reads it, plus warnings.
#[derive(Debug)]
pub struct Loaded {
    pub openapi: openapiv3::OpenAPI,
    pub provenance: Provenance,
    pub warnings: Vec<Diagnostic>,
}

/// Runs the whole source stage for one API.
pub fn load(sources: &[PathBuf], overlays: &[PathBuf]) -> Result<Loaded> {
    let mut sink = Sink::default();
    let mut docs = Vec::new();
    for s in sources {
        docs.extend(load_file(s)?);
    }
    for d in &docs {
        normalize::version(&d.value, &Provenance::single(&d.origin.file))?;
    }
    let (mut value, prov) = merge::merge(docs, &mut sink)?;
    for o in overlays {
        let ov = parse::parse(&read(o)?, o, 0)?;
        overlay::apply(&mut value, &ov, o, &mut sink)?;
    }
    normalize::normalize(&mut value, &prov, &mut sink)?;
    refs::resolve(&mut value, &prov, &mut sink)?;
    let openapi = deserialize(value, &prov)?;
    sink.check()?;
    let warnings = sink.diagnostics.into_iter().filter(|d| d.severity != Severity::Error).collect();
    Ok(Loaded { openapi, provenance: prov, warnings })
}

/// `openapiv3` deserialization with the JSON pointer of the failing node.
fn deserialize(value: Value, prov: &Provenance) -> Result<openapiv3::OpenAPI> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut pointer = String::new();
        for seg in e.path().iter() {
            use serde_path_to_error::Segment;
            match seg {
                Segment::Seq { index } => pointer = ptr(&pointer, &index.to_string()),
                Segment::Map { key } => pointer = ptr(&pointer, key),
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        Error::one(
            Diagnostic::error(
                "openapi.structure",
                prov.locate(&pointer),
                format!("not a valid OpenAPI object here: {}", e.inner()),
            )
            .help("fix the value at this location so it matches the OpenAPI 3.0/3.1 specification"),
        )
    })
}
