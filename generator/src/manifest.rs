//! `specs/apis.yaml`: which APIs to generate, from which sources and
//! overlays, into which Rust module.

use crate::diag::{Diagnostic, Error, Location, Result};
use crate::naming;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One API to generate. Paths are resolved against the manifest's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiSpec {
    pub name: String,
    pub module: String,
    pub sources: Vec<PathBuf>,
    pub overlays: Vec<PathBuf>,
    pub pages: Vec<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    apis: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    module: String,
    sources: Vec<PathBuf>,
    #[serde(default)]
    overlays: Vec<PathBuf>,
    #[serde(default)]
    pages: Vec<PathBuf>,
}

/// Whether YAML text is a manifest rather than an OpenAPI document: it has
/// a top-level `apis:` key and no top-level `openapi:` key.
pub fn looks_like_manifest(text: &str) -> bool {
    let top = |key: &str| text.lines().any(|l| l.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':')));
    top("apis") && !top("openapi") && !top("\"openapi\"")
}

pub fn load(path: &Path) -> Result<Vec<ApiSpec>> {
    let bytes = crate::source::read(path)?;
    // The strict parser first: it refuses duplicate keys with their line.
    crate::source::parse::parse(&bytes, path, 0)?;
    let text = String::from_utf8_lossy(&bytes);
    let manifest: Manifest = serde_yaml::from_str(&text).map_err(|e| {
        let mut loc = Location::file(path);
        if let Some(l) = e.location() {
            loc = loc.with_line(l.line(), Some(l.column()));
        }
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        Error::one(
            Diagnostic::error("manifest", loc, format!("invalid manifest: {msg}"))
                .help("each API takes `name`, `module`, `sources` and optionally `overlays` and `pages`"),
        )
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut out: Vec<ApiSpec> = Vec::new();
    for (i, e) in manifest.apis.into_iter().enumerate() {
        let at = |field: &str| Location::at(path, format!("/apis/{i}/{field}"));
        if !naming::is_valid_module(&e.module) {
            return Err(Diagnostic::error(
                "manifest.module",
                at("module"),
                format!("`{}` is not a usable Rust module name", e.module),
            )
            .help(format!(
                "use a snake_case identifier that is not a Rust keyword, e.g. `{}`",
                naming::module_name(&e.module)
            ))
            .into());
        }
        if out.iter().any(|a| a.name == e.name || a.module == e.module) {
            return Err(Diagnostic::error(
                "manifest.duplicate",
                at("name"),
                format!("API `{}` / module `{}` is listed twice", e.name, e.module),
            )
            .help("give every API its own name and module")
            .into());
        }
        if e.sources.is_empty() {
            return Err(Diagnostic::error("manifest.sources", at("sources"), "an API needs at least one source")
                .help("list the OpenAPI file or Markdown page the API comes from")
                .into());
        }
        let resolve = |list: Vec<PathBuf>, field: &str| -> Result<Vec<PathBuf>> {
            list.into_iter()
                .enumerate()
                .map(|(j, p)| {
                    let full = base.join(&p);
                    if full.is_file() {
                        Ok(full)
                    } else {
                        Err(Diagnostic::error(
                            "manifest.missing-file",
                            at(&format!("{field}/{j}")),
                            format!("`{}` does not exist", full.display()),
                        )
                        .help("paths in the manifest are relative to the manifest's folder")
                        .into())
                    }
                })
                .collect()
        };
        out.push(ApiSpec {
            sources: resolve(e.sources, "sources")?,
            overlays: resolve(e.overlays, "overlays")?,
            pages: resolve(e.pages, "pages")?,
            name: e.name,
            module: e.module,
        });
    }
    Ok(out)
}

/// An API made of one spec file given on the command line.
pub fn from_file(path: &Path) -> ApiSpec {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    ApiSpec {
        name: stem.to_string(),
        module: naming::module_name(stem),
        sources: vec![path.to_path_buf()],
        overlays: Vec::new(),
        pages: Vec::new(),
    }
}
