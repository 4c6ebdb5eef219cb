//! apigen: typed Rust clients and server stubs from API documentation.
//!
//! Pipeline: [`source`] (Markdown extraction, YAML/JSON parsing, overlays,
//! 3.1 → 3.0 normalisation, `$ref` resolution, merging) → [`lower`] → the
//! [`ir`] that the [`emit`]ters turn into Rust source files.

pub mod diag;
pub mod emit;
pub mod ir;
pub mod lower;
pub mod manifest;
pub mod naming;
pub mod source;

use std::path::Path;

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
    let mut apis = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match api_specs(p.as_ref()) {
            Ok(specs) => {
                for spec in specs {
                    match lower::lower_api(&spec) {
                        Ok(api) => apis.push(api),
                        Err(e) => errors.extend(e.diagnostics),
                    }
                }
            }
            Err(e) => errors.extend(e.diagnostics),
        }
    }
    if errors.is_empty() { Ok(ir::Ir { apis }) } else { Err(diag::Error { diagnostics: errors }) }
}

/// The source files of a crate for every API named by `paths`.
pub fn generate(paths: &[impl AsRef<Path>], options: emit::Options) -> diag::Result<emit::Output> {
    Ok(emit::emit(&ir(paths)?, options))
}
