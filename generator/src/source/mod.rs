//! The source stage: from files on disk to one checked `openapiv3::OpenAPI`
//! per API.
//!
//! read (Markdown page → embedded blocks, or a YAML/JSON file) → parse
//! (duplicate keys refused) → convert Swagger 2.0 to 3.0 → merge the pages
//! of one API → apply overlays → normalise 3.1 to 3.0 → resolve `$ref`s →
//! deserialize with `openapiv3` (a schema or operation it cannot read
//! degrades, with a warning).

pub mod degrade;
pub mod lines;
pub mod markdown;
pub mod merge;
pub mod normalize;
pub mod overlay;
pub mod parse;
pub mod refs;
pub mod shape;
pub mod swagger2;

use crate::diag::{Diagnostic, Error, Location, Result, Severity, Sink};
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
    /// Files that were Swagger 2.0: their locations are said in 2.0 terms.
    swagger2: Vec<PathBuf>,
}

impl Provenance {
    pub fn single(file: impl Into<PathBuf>) -> Self {
        Self::single_with_offset(file.into(), 0)
    }

    pub fn single_with_offset(file: PathBuf, line_offset: usize) -> Self {
        Provenance { entries: vec![(String::new(), Origin { file, line_offset })], swagger2: Vec::new() }
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
        if self.swagger2.contains(&file) {
            return Location::at(file, swagger2::original_pointer(pointer));
        }
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

/// The largest source apigen reads (GitHub's spec, the largest known, is
/// 13 MB): a bigger one, or an endless one such as `/dev/zero`, is
/// refused before it takes the machine's memory.
pub const MAX_SOURCE_BYTES: u64 = 256 << 20;

/// Reads a file, returning its bytes or a located I/O error.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SOURCE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, &e))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(Diagnostic::error(
            "io.too-large",
            Location::file(path),
            format!("the file is larger than {} MiB", MAX_SOURCE_BYTES >> 20),
        )
        .help("apigen reads documents up to 256 MiB: check that this is the spec you meant, or split it into pages")
        .into());
    }
    Ok(bytes)
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
pub fn load_file(path: &Path, sink: &mut Sink) -> Result<Vec<Document>> {
    documents(path, &read(path)?, sink)
}

/// The OpenAPI documents in `bytes`, the content of `path` (which tells a
/// Markdown page from a YAML or JSON file).
pub fn documents(path: &Path, bytes: &[u8], sink: &mut Sink) -> Result<Vec<Document>> {
    if !is_markdown(path, bytes) {
        let value = parse::parse(bytes, path, 0)?;
        return Ok(vec![Document { origin: Origin { file: path.into(), line_offset: 0 }, value }]);
    }
    let text = String::from_utf8_lossy(bytes);
    let mut docs = Vec::new();
    for block in markdown::blocks(&text).into_iter().filter(|b| b.looks_like_openapi()) {
        // An unclosed fence runs to the end of the page (CommonMark): the
        // prose after it is read as YAML, which is worth saying either way.
        let unclosed = (!block.closed).then(|| {
            let note = format!(
                "the fence opened at line {} is never closed, so the rest of the page is read as part of the document",
                block.body_offset
            );
            Diagnostic::warning(
                "markdown.unclosed-fence",
                Location::file(path).with_line(block.body_offset, None),
                note,
            )
            .help("close the block with a fence like the one that opens it")
        });
        let value = parse::parse(block.body.as_bytes(), path, block.body_offset).map_err(|mut e| {
            if let Some(u) = &unclosed {
                for d in &mut e.diagnostics {
                    d.help = format!("{}; also, {}: {}", d.help, u.message, u.help);
                }
            }
            e
        })?;
        sink.diagnostics.extend(unclosed);
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
        docs.extend(load_file(s, &mut sink)?);
    }
    load_documents(docs, overlays, sink)
}

/// The source stage after reading: merge, overlays, normalisation, `$ref`
/// resolution and deserialization of documents already parsed (`sink`
/// holds what reading them reported).
pub fn load_documents(mut docs: Vec<Document>, overlays: &[PathBuf], mut sink: Sink) -> Result<Loaded> {
    let mut converted = Vec::new();
    for d in &mut docs {
        if swagger2::is_swagger2(&d.value) {
            let prov = Provenance::single_with_offset(d.origin.file.clone(), d.origin.line_offset);
            swagger2::convert(&mut d.value, &prov, &mut sink);
            converted.push(d.origin.file.clone());
        }
    }
    sink.check()?;
    for d in &docs {
        normalize::version(&d.value, &Provenance::single_with_offset(d.origin.file.clone(), d.origin.line_offset))?;
    }
    let (mut value, mut prov) = merge::merge(docs, &mut sink)?;
    prov.swagger2 = converted;
    for o in overlays {
        let ov = parse::parse(&read(o)?, o, 0)?;
        overlay::apply(&mut value, &ov, o, &mut sink)?;
    }
    let dropped = shape::check(&value, &prov, &mut sink);
    sink.check()?;
    shape::degrade(&mut value, &dropped);
    normalize::normalize(&mut value, &prov, &mut sink)?;
    refs::resolve(&mut value, &prov, &mut sink)?;
    let openapi = degrade::deserialize(value, &prov, &mut sink)?;
    sink.check()?;
    let warnings = sink.diagnostics.into_iter().filter(|d| d.severity != Severity::Error).collect();
    Ok(Loaded { openapi, provenance: prov, warnings })
}
