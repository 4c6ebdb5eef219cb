//! Generation from a build script: one API into one file of `OUT_DIR`.

use crate::diag::{Diagnostic, Error, Location, Result, Severity};
use crate::emit::{self, Options};
use crate::manifest::{self, ApiSpec};
use crate::naming;
use std::path::{Path, PathBuf};

/// Generates one API's module at build time.
///
/// ```no_run
/// // build.rs, in `fn main`:
/// let out = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
/// if let Err(e) = apigen::Builder::new().spec("openapi.yaml").module("petstore").generate(out) {
///     eprintln!("{e}");
///     std::process::exit(1);
/// }
/// ```
///
/// and in the crate, at any depth:
///
/// ```ignore
/// include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
///
/// use petstore::client::{Client, Credentials};
/// ```
///
/// The file holds `pub mod petstore` with `types`, `client` and/or
/// `server`, and the runtime they share, with no cargo features to turn
/// on. The crate depends on what the generated code names (see
/// [`Builder::dependencies`]).
#[derive(Clone, Debug)]
pub struct Builder {
    sources: Vec<PathBuf>,
    overlays: Vec<PathBuf>,
    manifest: Option<(PathBuf, String)>,
    module: Option<String>,
    options: Options,
    cargo: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            sources: Vec::new(),
            overlays: Vec::new(),
            manifest: None,
            module: None,
            options: Options { client: true, server: false, ..Default::default() },
            cargo: true,
        }
    }
}

/// What [`Builder::generate`] wrote.
#[derive(Clone, Debug)]
pub struct Generated {
    /// `OUT_DIR/<module>.rs`.
    pub path: PathBuf,
    /// Whether the file changed (an unchanged file is not rewritten, so
    /// cargo does not recompile the crate for nothing).
    pub changed: bool,
    /// Findings that did not stop generation.
    pub warnings: Vec<Diagnostic>,
    /// Every file the output depends on.
    pub inputs: Vec<PathBuf>,
}

impl Builder {
    /// A builder emitting a client only.
    pub fn new() -> Self {
        Self::default()
    }

    /// An OpenAPI 3.0/3.1 document (YAML or JSON) or a Markdown page
    /// embedding one. Several sources are merged into one API, as the
    /// pages of one vendor's documentation.
    pub fn spec(mut self, path: impl Into<PathBuf>) -> Self {
        self.sources.push(path.into());
        self
    }

    /// An overlay applied to the sources (see `specs/EXTENSIONS.md`).
    pub fn overlay(mut self, path: impl Into<PathBuf>) -> Self {
        self.overlays.push(path.into());
        self
    }

    /// The API named `api` (its `name` or `module`) in a manifest such as
    /// `specs/apis.yaml`, with its sources and overlays.
    pub fn manifest(mut self, path: impl Into<PathBuf>, api: impl Into<String>) -> Self {
        self.manifest = Some((path.into(), api.into()));
        self
    }

    /// The module's name, also the file's (`<module>.rs`). Defaults to the
    /// manifest's module, else to the first source's file name.
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.module = Some(name.into());
        self
    }

    /// Emit the async client (on by default).
    pub fn client(mut self, on: bool) -> Self {
        self.options.client = on;
        self
    }

    /// Emit the axum server stub (off by default).
    pub fn server(mut self, on: bool) -> Self {
        self.options.server = on;
        self
    }

    /// Keep `format: date-time`, `date` and `uuid` strings as `String`
    /// (off by default: they are `chrono::DateTime<chrono::Utc>`,
    /// `chrono::NaiveDate` and `uuid::Uuid`).
    pub fn string_formats(mut self, on: bool) -> Self {
        self.options.string_formats = on;
        self
    }

    /// Format the module with rustfmt (off by default: it is written to
    /// `OUT_DIR` for the compiler, and rustfmt would only move line breaks).
    pub fn rustfmt(mut self, on: bool) -> Self {
        self.options.rustfmt = on;
        self
    }

    /// Print `cargo:rerun-if-changed` for every input and
    /// `cargo:warning` for every finding (on by default; turn off outside
    /// a build script).
    pub fn cargo_instructions(mut self, on: bool) -> Self {
        self.cargo = on;
        self
    }

    /// The crates the generated code names, as `Cargo.toml` lines, for the
    /// including crate's `[dependencies]`.
    pub fn dependencies(&self) -> Result<String> {
        let spec = self.api_spec()?;
        let ir = crate::ir_of(vec![Ok(vec![spec])], &mut Default::default())?;
        let manifest = emit::cargo_manifest(&ir, self.options, "x");
        let deps = manifest.split_once("[dependencies]\n").map_or("", |(_, d)| d);
        Ok(deps.replace(", optional = true", ""))
    }

    /// Generates `out_dir/<module>.rs`. On error nothing is written and
    /// the previous file, if any, is left as it was.
    pub fn generate(&self, out_dir: impl AsRef<Path>) -> Result<Generated> {
        let spec = self.api_spec()?;
        let mut inputs: Vec<PathBuf> = self.manifest.iter().map(|(p, _)| p.clone()).collect();
        inputs.extend(spec.sources.iter().chain(&spec.overlays).chain(&spec.pages).cloned());
        // Printed before generating: a build that fails on a bad spec must
        // run again once the spec is fixed.
        self.rerun_if_changed(&inputs);
        let ir = crate::ir_of(vec![Ok(vec![spec.clone()])], &mut Default::default())?;
        let api = &ir.apis[0];
        for source in api.sources.iter().map(PathBuf::from) {
            if !inputs.contains(&source) {
                self.rerun_if_changed(std::slice::from_ref(&source));
                inputs.push(source);
            }
        }
        let warnings: Vec<Diagnostic> =
            api.diagnostics.iter().filter(|d| d.severity != Severity::Info).cloned().collect();
        if self.cargo {
            for w in &warnings {
                // One line each: cargo shows a `cargo:warning` line by line.
                println!("cargo:warning={}", w.to_string().replace('\n', " — "));
            }
        }
        let output = emit::emit_module(api, &spec.module, self.options);
        let (name, text) = output.files.into_iter().next().unwrap_or_default();
        let path = out_dir.as_ref().join(name);
        let changed = crate::output::write_file_if_changed(&path, &text).map_err(|e| {
            Error::one(
                Diagnostic::error("output.write", Location::file(&path), format!("cannot write the module: {e}"))
                    .help("check that OUT_DIR exists and is writable"),
            )
        })?;
        Ok(Generated { path, changed, warnings, inputs })
    }

    fn rerun_if_changed(&self, paths: &[PathBuf]) {
        if self.cargo {
            for p in paths {
                println!("cargo:rerun-if-changed={}", p.display());
            }
        }
    }

    /// The API to generate, with its module name checked.
    fn api_spec(&self) -> Result<ApiSpec> {
        let mut spec = match &self.manifest {
            Some((path, wanted)) => {
                let apis = manifest::load(path)?;
                let names: Vec<&str> = apis.iter().map(|a| a.name.as_str()).collect();
                let Some(found) = apis.iter().find(|a| &a.name == wanted || &a.module == wanted) else {
                    return Err(Diagnostic::error(
                        "builder.api",
                        Location::at(path, "/apis"),
                        format!("the manifest has no API named `{wanted}`"),
                    )
                    .help(format!("use one of: {}", names.join(", ")))
                    .into());
                };
                let mut found = found.clone();
                found.sources.extend(self.sources.iter().cloned());
                found.overlays.extend(self.overlays.iter().cloned());
                found
            }
            None => {
                let Some(first) = self.sources.first() else {
                    return Err(Diagnostic::error(
                        "builder.sources",
                        Location::default(),
                        "no spec given to apigen::Builder",
                    )
                    .help("call `.spec(\"openapi.yaml\")` or `.manifest(\"apis.yaml\", \"name\")`")
                    .into());
                };
                ApiSpec { sources: self.sources.clone(), overlays: self.overlays.clone(), ..manifest::from_file(first) }
            }
        };
        if let Some(module) = &self.module {
            spec.module = module.clone();
        }
        if !naming::is_valid_module(&spec.module) {
            let at = self.sources.first().map(Location::file).unwrap_or_default();
            return Err(Diagnostic::error(
                "builder.module",
                at,
                format!("`{}` is not a usable Rust module name", spec.module),
            )
            .help(format!(
                "pass `.module(\"{}\")`: a snake_case identifier that is not a keyword",
                naming::module_name(&spec.module)
            ))
            .into());
        }
        Ok(spec)
    }
}
