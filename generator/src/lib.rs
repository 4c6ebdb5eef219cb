//! apigen: typed Rust clients and server stubs from API documentation.
//!
//! Pipeline: [`source`] (Markdown extraction, YAML/JSON parsing, overlays,
//! 3.1 → 3.0 normalisation, `$ref` resolution, merging) → [`lower`] → the
//! [`ir`] that the [`emit`]ters turn into Rust source files.

mod builder;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod manifest;
pub mod naming;
pub mod output;
pub mod resolve;
pub mod review;
pub mod source;

pub use builder::Builder;
use std::path::Path;
use std::time::{Duration, Instant};

/// Time spent in each stage of a run (`apigen generate -v`, benchmarks).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Reading, Markdown extraction, parsing, overlays, normalisation and
    /// `$ref` resolution.
    pub source: Duration,
    /// Lowering to the IR.
    pub lower: Duration,
    /// Building tokens and printing them with prettyplease.
    pub emit: Duration,
    /// rustfmt.
    pub format: Duration,
    /// Writing the output.
    pub write: Duration,
}

/// The APIs named by `path`: every API of a manifest (`specs/apis.yaml`),
/// or one API made of a single spec file or Markdown page.
pub fn api_specs(path: &Path) -> diag::Result<Vec<manifest::ApiSpec>> {
    let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
    // A textual look at the top-level keys: parsing a large spec here only
    // to tell it from a manifest would parse it twice.
    if is_yaml && manifest::looks_like_manifest(&String::from_utf8_lossy(&source::read(path)?)) {
        return manifest::load(path);
    }
    Ok(vec![manifest::from_file(path)])
}

/// Builds the IR of every API named by `paths`.
pub fn ir(paths: &[impl AsRef<Path>]) -> diag::Result<ir::Ir> {
    ir_of(paths.iter().map(|p| api_specs(p.as_ref())).collect(), &mut Timings::default())
}

/// The IR of the APIs `specs` lists, timing the source and lowering
/// stages. Every API is tried, so that one run reports every problem.
pub fn ir_of(specs: Vec<diag::Result<Vec<manifest::ApiSpec>>>, timings: &mut Timings) -> diag::Result<ir::Ir> {
    let mut apis = Vec::new();
    let mut errors = Vec::new();
    for listed in specs {
        let specs = match listed {
            Ok(specs) => specs,
            Err(e) => {
                errors.extend(e.diagnostics);
                continue;
            }
        };
        for spec in specs {
            let start = Instant::now();
            let loaded = source::load(&spec.sources, &spec.overlays);
            timings.source += start.elapsed();
            let start = Instant::now();
            match loaded.and_then(|l| lower::lower_loaded(&spec, l)) {
                Ok(api) => apis.push(api),
                Err(e) => errors.extend(e.diagnostics),
            }
            timings.lower += start.elapsed();
        }
    }
    // Two files of the same name (`a/openapi.yaml`, `b/openapi.yaml`)
    // would be one module: refuse rather than overwrite.
    for (i, api) in apis.iter().enumerate() {
        if let Some(first) = apis[..i].iter().find(|a| a.module == api.module) {
            let file = api.sources.first().cloned().unwrap_or_default();
            errors.push(
                diag::Diagnostic::error(
                    "generate.duplicate-module",
                    diag::Location::file(file),
                    format!("this API would be module `{}`, like {}", api.module, first.sources.join(", ")),
                )
                .help("list both in a manifest (specs/apis.yaml) with a `module` each, or rename one file"),
            );
        }
    }
    if errors.is_empty() { Ok(ir::Ir { apis }) } else { Err(diag::Error { diagnostics: errors }) }
}

/// The OpenAPI document of the API named `api` in `path` (a manifest, or
/// one spec whose API is named after its file), as code is generated from
/// it: sources merged, overlays applied, normalised to OpenAPI 3.0 with
/// deep `$ref`s hoisted into `components`. With `stub`, it describes the
/// generated server stub: the answers the stub sends on its own are added
/// ([`emit::stub_document`]), for tools that test servers (schemathesis).
pub fn openapi(path: &Path, api: Option<&str>, stub: bool) -> diag::Result<serde_json::Value> {
    let specs = api_specs(path)?;
    let names: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    let spec = match api {
        Some(name) => specs.iter().find(|s| s.name == name),
        None if specs.len() == 1 => specs.first(),
        None => None,
    };
    let Some(spec) = spec else {
        let what = api.map_or("no API named (several are listed)".to_owned(), |n| format!("no API named `{n}`"));
        return Err(diag::Error::one(
            diag::Diagnostic::error("openapi.api", diag::Location::file(path.display().to_string()), what)
                .help(format!("name one with --api: {}", names.join(", "))),
        ));
    };
    let loaded = source::load(&spec.sources, &spec.overlays)?;
    let mut doc = serde_json::to_value(&loaded.openapi).map_err(|e| {
        diag::Error::one(diag::Diagnostic::error(
            "openapi.serialise",
            diag::Location::file(path.display().to_string()),
            format!("cannot serialise the document: {e}"),
        ))
    })?;
    if stub {
        emit::stub_document(&mut doc, &lower::lower_loaded(spec, loaded)?);
    }
    Ok(doc)
}

/// A ready-to-build crate for every API named by `paths`: `Cargo.toml`
/// (package `name`), `rustfmt.toml` and `src/`, with the time of each
/// stage added to `timings` and `progress` told what emission is doing.
pub fn generate_crate(
    paths: &[impl AsRef<Path>],
    options: emit::Options,
    name: &str,
    timings: &mut Timings,
    progress: &(dyn Fn(emit::Step<'_>) + Sync),
) -> diag::Result<(ir::Ir, emit::Output)> {
    let ir = ir_of(paths.iter().map(|p| api_specs(p.as_ref())).collect(), timings)?;
    let start = Instant::now();
    let files = emit::emit_crate_named(&ir, options, name, progress);
    timings.emit += start.elapsed();
    if options.rustfmt {
        progress(emit::Step::Formatting);
    }
    let start = Instant::now();
    let mut output = emit::Output { files, notes: Vec::new() };
    output.format(options);
    timings.format += start.elapsed();
    Ok((ir, output))
}

/// The source files of a crate for every API named by `paths`.
pub fn generate(paths: &[impl AsRef<Path>], options: emit::Options) -> diag::Result<emit::Output> {
    Ok(emit::emit(&ir(paths)?, options))
}
