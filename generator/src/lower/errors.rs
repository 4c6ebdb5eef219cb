//! The server's error format from the root `x-apigen-errors` extension:
//! a style, optional field names and one reply per kind of rejection, each
//! defaulting to what that style's frameworks answer.

use crate::diag::{Diagnostic, Result};
use crate::ir::{ErrorFormat, ErrorStyle, Protocol, Rejection, Reply};
use crate::source::Provenance;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const AT: &str = "/x-apigen-errors";

pub fn format(openapi: &openapiv3::OpenAPI, protocol: &Protocol, prov: &Provenance) -> Result<ErrorFormat> {
    let empty = Value::Object(Map::new());
    let ext = openapi.extensions.get("x-apigen-errors").unwrap_or(&empty);
    let Some(ext) = ext.as_object() else {
        return Err(bad(prov, AT, "`x-apigen-errors` must be a mapping", "see specs/EXTENSIONS.md").into());
    };
    for key in ext.keys() {
        if !["style", "codeField", "messageField", "constants", "requestIdHeader", "replies"].contains(&key.as_str()) {
            return Err(bad(prov, &format!("{AT}/{key}"), format!("unknown key `{key}`"), KEYS_HELP).into());
        }
    }
    let default_style = match protocol {
        Protocol::AwsJson1_1 { .. } => "awsJson",
        Protocol::Rest => "problem",
    };
    let style = match string(ext, "style", prov)?.as_deref().unwrap_or(default_style) {
        "problem" => ErrorStyle::Problem,
        "fastApi" => ErrorStyle::FastApi,
        "awsJson" => ErrorStyle::AwsJson,
        "fields" => ErrorStyle::Fields {
            code_field: string(ext, "codeField", prov)?.unwrap_or_else(|| "code".into()),
            message_field: string(ext, "messageField", prov)?.unwrap_or_else(|| "message".into()),
            constants: match ext.get("constants") {
                None => BTreeMap::new(),
                Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                Some(_) => {
                    return Err(bad(
                        prov,
                        &format!("{AT}/constants"),
                        "`constants` must be a mapping",
                        "e.g. `constants: {success: false}`",
                    )
                    .into());
                }
            },
        },
        other => {
            return Err(bad(
                prov,
                &format!("{AT}/style"),
                format!("unknown error style `{other}`"),
                "use `problem`, `fastApi`, `fields` or `awsJson`",
            )
            .into());
        }
    };
    let request_id_header = string(ext, "requestIdHeader", prov)?
        .or_else(|| matches!(style, ErrorStyle::AwsJson).then(|| "x-amzn-RequestId".to_owned()));
    let mut replies: BTreeMap<Rejection, Reply> = Rejection::ALL.iter().map(|&r| (r, default(&style, r))).collect();
    if let Some(given) = ext.get("replies") {
        let Some(given) = given.as_object() else {
            return Err(bad(prov, &format!("{AT}/replies"), "`replies` must be a mapping", KINDS_HELP).into());
        };
        for (kind, reply) in given {
            let at = format!("{AT}/replies/{kind}");
            let rejection: Rejection = serde_json::from_value(Value::String(kind.clone()))
                .map_err(|_| bad(prov, &at, format!("unknown rejection `{kind}`"), KINDS_HELP))?;
            let entry = replies.get_mut(&rejection).expect("every rejection has a default");
            override_reply(entry, reply, &at, prov)?;
        }
    }
    Ok(ErrorFormat { style, request_id_header, replies })
}

const KEYS_HELP: &str = "keys are style, codeField, messageField, constants, requestIdHeader and replies";
const KINDS_HELP: &str = "kinds are validation, unauthenticated, invalidCredentials, badSignature, \
                          expiredSignature, notFound, methodNotAllowed, payloadTooLarge, ambiguousRequest, \
                          requestTimeout, unsupportedMediaType, unknownOperation and internal";

fn override_reply(entry: &mut Reply, reply: &Value, at: &str, prov: &Provenance) -> Result<()> {
    let Some(m) = reply.as_object() else {
        return Err(bad(
            prov,
            at,
            "a reply must be a mapping",
            "e.g. `{status: 400, code: invalid_request, message: ...}`",
        )
        .into());
    };
    for (key, value) in m {
        let here = format!("{at}/{key}");
        match (key.as_str(), value) {
            ("status", Value::Number(n)) => match n.as_u64().filter(|s| (400..600).contains(s)) {
                Some(s) => entry.status = s as u16,
                None => {
                    return Err(bad(prov, &here, format!("status {n} is not an error status"), "use 400–599").into());
                }
            },
            ("code", Value::String(s)) => entry.code = s.clone(),
            ("message", Value::String(s)) => entry.message = s.clone(),
            _ => {
                return Err(bad(
                    prov,
                    &here,
                    format!("unexpected `{key}: {value}`"),
                    "a reply has status (a number), code and message (strings)",
                )
                .into());
            }
        }
    }
    Ok(())
}

fn string(ext: &Map<String, Value>, key: &str, prov: &Provenance) -> Result<Option<String>> {
    match ext.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => {
            Err(bad(prov, &format!("{AT}/{key}"), format!("`{key}` must be a string"), "see specs/EXTENSIONS.md")
                .into())
        }
    }
}

fn bad(prov: &Provenance, at: &str, message: impl Into<String>, help: &str) -> Diagnostic {
    Diagnostic::error("errors.invalid", prov.locate(at), message).help(help)
}

/// What each style's servers answer when nothing else is said.
fn default(style: &ErrorStyle, r: Rejection) -> Reply {
    use Rejection::*;
    let reply = |status: u16, code: &str, message: &str| Reply { status, code: code.into(), message: message.into() };
    match style {
        ErrorStyle::AwsJson => match r {
            Validation => reply(400, "ValidationException", "The request is not valid"),
            Unauthenticated => reply(403, "MissingAuthenticationTokenException", "Missing Authentication Token"),
            InvalidCredentials => {
                reply(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
            }
            BadSignature => reply(
                403,
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method.",
            ),
            // What awsJson services answer: "Signature expired: 20140325T143453Z is now
            // earlier than 20140325T143751Z (20140325T145251Z - 15 min.)".
            ExpiredSignature => reply(400, "InvalidSignatureException", "Signature expired"),
            NotFound => reply(404, "UnknownOperationException", "No operation at this path"),
            MethodNotAllowed => reply(405, "UnknownOperationException", "Operations are called with POST /"),
            PayloadTooLarge => reply(413, "SerializationException", "The request body is too large"),
            // AWS's common error for a request whose signing is not well formed.
            AmbiguousRequest => {
                reply(400, "IncompleteSignatureException", "The request signature does not conform to AWS standards")
            }
            // botocore retries RequestTimeoutException as a transient error.
            RequestTimeout => reply(
                408,
                "RequestTimeoutException",
                "Your socket connection to the server was not read from or written to within the timeout period.",
            ),
            UnsupportedMediaType => reply(400, "SerializationException", "Expected an application/x-amz-json-1.1 body"),
            UnknownOperation => reply(400, "UnknownOperationException", "Unknown X-Amz-Target"),
            Internal => reply(500, "InternalFailure", "The request processing has failed because of an unknown error"),
        },
        ErrorStyle::FastApi => match r {
            Validation => reply(422, "", "Validation Error"),
            Unauthenticated => reply(401, "", "Not authenticated"),
            InvalidCredentials | BadSignature | ExpiredSignature => {
                reply(401, "", "Invalid authentication credentials")
            }
            NotFound | UnknownOperation => reply(404, "", "Not Found"),
            MethodNotAllowed => reply(405, "", "Method Not Allowed"),
            PayloadTooLarge => reply(413, "", "Request Entity Too Large"),
            AmbiguousRequest => reply(400, "", "Bad Request"),
            RequestTimeout => reply(408, "", "Request Timeout"),
            UnsupportedMediaType => reply(415, "", "Unsupported Media Type"),
            Internal => reply(500, "", "Internal Server Error"),
        },
        ErrorStyle::Problem | ErrorStyle::Fields { .. } => match r {
            Validation => reply(400, "invalid_request", "The request is not valid"),
            Unauthenticated => reply(401, "unauthenticated", "Authentication is required"),
            InvalidCredentials => reply(401, "invalid_credentials", "The credentials are not valid"),
            BadSignature => reply(401, "bad_signature", "The request signature does not verify"),
            ExpiredSignature => reply(401, "expired_signature", "The request signature has expired"),
            NotFound => reply(404, "not_found", "Not Found"),
            MethodNotAllowed => reply(405, "method_not_allowed", "Method Not Allowed"),
            PayloadTooLarge => reply(413, "payload_too_large", "The request body is too large"),
            AmbiguousRequest => reply(400, "ambiguous_request", "The request is ambiguous"),
            RequestTimeout => reply(408, "request_timeout", "The request body was not received in time"),
            UnsupportedMediaType => reply(415, "unsupported_media_type", "Unsupported media type"),
            UnknownOperation => reply(400, "unknown_operation", "Unknown operation"),
            Internal => reply(500, "internal_error", "Internal Server Error"),
        },
    }
}
