//! Lowering: a loaded `openapiv3::OpenAPI` → `ir::Api`.
//!
//! Knows OpenAPI and the apigen extensions; knows nothing of Rust tokens.

mod errors;
mod incoming;
mod keywords;
mod operations;
mod pagination;
mod security;
mod types;

use crate::diag::{Diagnostic, Result, Sink};
use crate::ir::{Api, Protocol};
use crate::manifest::ApiSpec;
use crate::source::{self, Provenance};
use serde_json::Value;

/// Reads, merges, normalises and lowers one API.
pub fn lower_api(spec: &ApiSpec) -> Result<Api> {
    lower_loaded(spec, source::load(&spec.sources, &spec.overlays)?)
}

/// Lowers what the source stage loaded for `spec`.
pub fn lower_loaded(spec: &ApiSpec, loaded: source::Loaded) -> Result<Api> {
    let mut sink = Sink { diagnostics: loaded.warnings };
    let api = lower(spec, &loaded.openapi, &loaded.provenance, &mut sink)?;
    sink.check()?;
    Ok(Api { diagnostics: sink.diagnostics, ..api })
}

fn lower(spec: &ApiSpec, openapi: &openapiv3::OpenAPI, prov: &Provenance, sink: &mut Sink) -> Result<Api> {
    let protocol = protocol(openapi, prov)?;
    let errors = errors::format(openapi, &protocol, prov)?;
    let schemes = security::schemes(openapi, prov)?;
    let mut types = types::TypeSpace::new(openapi, prov);
    types.lower_components();
    let mut cx = operations::Ctx { openapi, prov, protocol: &protocol, schemes: &schemes, sink };
    let operations = operations::operations(&mut cx, &mut types);
    let incoming = incoming::incoming(&mut cx, &mut types);
    types.mark_recursion();
    for d in types.diagnostics {
        // allOf merging can visit one schema twice; report each finding once.
        if !sink.diagnostics.contains(&d) {
            sink.diagnostics.push(d);
        }
    }
    Ok(Api {
        name: spec.name.clone(),
        module: spec.module.clone(),
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        description: openapi.info.description.clone(),
        sources: prov.files().iter().map(|f| f.display().to_string()).collect(),
        servers: operations::servers(&openapi.servers),
        protocol,
        errors,
        security_schemes: schemes,
        operations,
        incoming,
        types: types.types,
        diagnostics: Vec::new(),
    })
}

/// The wire protocol from the root `x-apigen-protocol` extension
/// (`{type: awsJson1_1, targetPrefix: ...}`); REST when absent.
fn protocol(openapi: &openapiv3::OpenAPI, prov: &Provenance) -> Result<Protocol> {
    let Some(p) = openapi.extensions.get("x-apigen-protocol") else { return Ok(Protocol::Rest) };
    let at = "/x-apigen-protocol";
    match p.get("type").and_then(Value::as_str) {
        Some("rest") => Ok(Protocol::Rest),
        Some("awsJson1_1") => {
            let prefix = p.get("targetPrefix").and_then(Value::as_str).ok_or_else(|| {
                Diagnostic::error("protocol.target-prefix", prov.locate(at), "awsJson1_1 needs a `targetPrefix`")
                    .help("add `targetPrefix: <ServiceName>` (the part of X-Amz-Target before the dot)")
            })?;
            Ok(Protocol::AwsJson1_1 { target_prefix: prefix.to_string() })
        }
        other => Err(Diagnostic::error(
            "protocol.unknown",
            prov.locate(&format!("{at}/type")),
            format!("unknown protocol {other:?}"),
        )
        .help("use `rest` or `awsJson1_1`")
        .into()),
    }
}
