//! Security schemes and requirements.
//!
//! OpenAPI has no words for request signing, so signing schemes are written
//! as `apiKey` schemes on the `Authorization` header with an
//! `x-apigen-auth` extension (specs/EXTENSIONS.md):
//! `{type: awsSigV4, service}` or
//! `{type: huaweiSdkHmacSha256, dateHeader, projectHeader}`. API Gateway's
//! own `x-amazon-apigateway-authtype: awsSigv4` is read as SigV4 too.

use crate::diag::{Diagnostic, Result, ptr};
use crate::ir::{KeyLocation, OAuthFlow, SchemeKind, SchemeUse, Security, SecurityScheme};
use crate::source::Provenance;
use openapiv3::{APIKeyLocation, ReferenceOr, SecurityRequirement};
use serde_json::Value;
use std::collections::BTreeMap;

pub fn schemes(openapi: &openapiv3::OpenAPI, prov: &Provenance) -> Result<BTreeMap<String, SecurityScheme>> {
    let mut out = BTreeMap::new();
    let Some(c) = &openapi.components else { return Ok(out) };
    for (name, s) in &c.security_schemes {
        let at = ptr("/components/securitySchemes", name);
        let ReferenceOr::Item(s) = s else {
            return Err(Diagnostic::error(
                "security.ref",
                prov.locate(&at),
                "security scheme references are not supported",
            )
            .help("define the scheme inline")
            .into());
        };
        out.insert(name.clone(), scheme(s, &at, prov)?);
    }
    Ok(out)
}

fn scheme(s: &openapiv3::SecurityScheme, at: &str, prov: &Provenance) -> Result<SecurityScheme> {
    use openapiv3::SecurityScheme as S;
    Ok(match s {
        S::APIKey { location, name, description, extensions } => SecurityScheme {
            description: description.clone(),
            kind: match signing(extensions, at, prov)? {
                Some(kind) => kind,
                None => SchemeKind::ApiKey {
                    location: match location {
                        APIKeyLocation::Header => KeyLocation::Header,
                        APIKeyLocation::Query => KeyLocation::Query,
                        APIKeyLocation::Cookie => KeyLocation::Cookie,
                    },
                    name: name.clone(),
                },
            },
        },
        S::HTTP { scheme, bearer_format, description, .. } => SecurityScheme {
            description: description.clone(),
            kind: match scheme.to_ascii_lowercase().as_str() {
                "bearer" => SchemeKind::HttpBearer { format: bearer_format.clone() },
                "basic" => SchemeKind::HttpBasic,
                _ => SchemeKind::Http { scheme: scheme.clone() },
            },
        },
        S::OAuth2 { flows, description, .. } => {
            let mut out = BTreeMap::new();
            if let Some(f) = &flows.implicit {
                out.insert("implicit".into(), flow(Some(&f.authorization_url), None, &f.scopes));
            }
            if let Some(f) = &flows.password {
                out.insert("password".into(), flow(None, Some(&f.token_url), &f.scopes));
            }
            if let Some(f) = &flows.client_credentials {
                out.insert("clientCredentials".into(), flow(None, Some(&f.token_url), &f.scopes));
            }
            if let Some(f) = &flows.authorization_code {
                out.insert("authorizationCode".into(), flow(Some(&f.authorization_url), Some(&f.token_url), &f.scopes));
            }
            SecurityScheme { description: description.clone(), kind: SchemeKind::OAuth2 { flows: out } }
        }
        S::OpenIDConnect { open_id_connect_url, description, .. } => SecurityScheme {
            description: description.clone(),
            kind: SchemeKind::OpenIdConnect { url: open_id_connect_url.clone() },
        },
    })
}

fn flow(auth: Option<&String>, token: Option<&String>, scopes: &indexmap::IndexMap<String, String>) -> OAuthFlow {
    OAuthFlow {
        authorization_url: auth.cloned(),
        token_url: token.cloned(),
        scopes: scopes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}

fn signing(ext: &indexmap::IndexMap<String, Value>, at: &str, prov: &Provenance) -> Result<Option<SchemeKind>> {
    let here = ptr(at, "x-apigen-auth");
    let str_field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if let Some(v) = ext.get("x-apigen-auth") {
        return match v.get("type").and_then(Value::as_str) {
            Some("awsSigV4") => {
                let service = str_field(v, "service").ok_or_else(|| {
                    Diagnostic::error("security.sigv4", prov.locate(&here), "awsSigV4 needs the `service` it signs for")
                        .help("add `service: <signing name>`, e.g. `service: transfer`")
                })?;
                Ok(Some(SchemeKind::AwsSigV4 { service }))
            }
            Some("huaweiSdkHmacSha256") => Ok(Some(SchemeKind::HuaweiSdkHmacSha256 {
                date_header: str_field(v, "dateHeader").unwrap_or_else(|| "X-Sdk-Date".into()),
                project_header: str_field(v, "projectHeader"),
            })),
            other => Err(Diagnostic::error(
                "security.extension",
                prov.locate(&ptr(&here, "type")),
                format!("unknown `x-apigen-auth` type {other:?}"),
            )
            .help("use `awsSigV4` or `huaweiSdkHmacSha256`")
            .into()),
        };
    }
    if ext
        .get("x-amazon-apigateway-authtype")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("awsSigv4"))
    {
        return Ok(Some(SchemeKind::AwsSigV4 { service: "execute-api".into() }));
    }
    Ok(None)
}

/// Requirements as OR of AND-sets. A name with no scheme behind it is
/// reported (and kept, so that the operation still demands it).
pub fn requirements(
    reqs: &[SecurityRequirement],
    known: &BTreeMap<String, SecurityScheme>,
    at: &str,
    prov: &Provenance,
    diags: &mut Vec<Diagnostic>,
) -> Security {
    let alternatives = reqs
        .iter()
        .map(|req| {
            req.iter()
                .map(|(scheme, scopes)| {
                    if !known.contains_key(scheme) {
                        diags.push(
                            Diagnostic::warning(
                                "security.unknown-scheme",
                                prov.locate(at),
                                format!(
                                    "security requirement names `{scheme}`, which is not a defined security scheme"
                                ),
                            )
                            .help("define it under components/securitySchemes"),
                        );
                    }
                    SchemeUse { scheme: scheme.clone(), scopes: scopes.clone() }
                })
                .collect()
        })
        .collect();
    Security { alternatives }
}
