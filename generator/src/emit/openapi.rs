//! The OpenAPI document of a generated server stub (`apigen openapi
//! --stub`): the spec the stub was generated from, plus what the stub
//! answers on its own, so that a tool testing the server against the
//! document (schemathesis) checks those answers too instead of calling
//! them undocumented.
//!
//! - Each operation lists the rejections the stub can send before the
//!   implementation runs (`x-apigen-errors`: validation, credentials, an
//!   unroutable path, a body over the limit, a wrong media type, an unknown
//!   `X-Amz-Target`) at their status, with the error format's body, marked
//!   `x-apigen-rejection`. A status the spec documents keeps its documented
//!   body: the stub's rejection must fit it.
//! - Integers without bounds get those of the Rust type they decode into
//!   (`i64` unless a format says otherwise): a larger value is a
//!   validation error, not a resource id.
//! - A `oneOf` with a discriminator mapping gets the constraint the mapping
//!   states (the property equals the key), which JSON Schema validators
//!   otherwise ignore: awsJson1_1 error bodies are told apart by `__type`.

use crate::ir::{Api, ErrorFormat, ErrorStyle, Operation, Protocol, Rejection};
use serde_json::{Map, Value, json};

/// Adds the stub's own answers to `doc`, the API's source-stage document.
pub fn stub_document(doc: &mut Value, api: &Api) {
    // Rejection bodies that join a documented, discriminated status.
    let mut added: Vec<(String, Value)> = Vec::new();
    for op in &api.operations {
        let method = format!("{:?}", op.method).to_ascii_lowercase();
        let Some(operation) = doc.pointer_mut(&format!("/paths/{}/{method}", escape(&op.path))) else { continue };
        if let Some(target) = &op.target {
            add_target_header(operation, target);
        }
        let Some(responses) = operation.get_mut("responses").and_then(Value::as_object_mut) else { continue };
        for rejection in rejections(api, op) {
            let reply = &api.errors.replies[&rejection];
            let status = reply.status.to_string();
            let (media_type, schema) = error_body(&api.errors);
            if let Some(documented) = responses.get_mut(&status) {
                // Errors told apart by a code (awsJson1_1's `__type`): the
                // rejection's code is one more alternative.
                let of_status = documented.pointer_mut(&format!("/content/{}/schema", escape(media_type)));
                if let Some(schema_of_status) = of_status
                    && add_alternative(schema_of_status, &reply.code)
                {
                    added.push((reply.code.clone(), schema));
                }
                continue;
            }
            let mut response = json!({
                "description": format!("Rejected by the server stub ({})", kind(rejection)),
                "content": { media_type: { "schema": schema } },
                "x-apigen-rejection": kind(rejection),
            });
            if let Some(header) = error_code_header(&api.errors) {
                response["headers"] = json!({ header: { "schema": { "type": "string" } } });
            }
            responses.insert(status, response);
        }
    }
    for (code, schema) in added {
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            schemas.entry(code).or_insert(schema);
        }
    }
    pin_discriminators(doc);
    bound_integers(doc);
}

/// Adds `code` as an alternative of a `oneOf` with a discriminator mapping
/// (its body: the component schema named `code`); whether it was added.
fn add_alternative(schema: &mut Value, code: &str) -> bool {
    let reference = format!("#/components/schemas/{code}");
    let Some(Value::Object(mapping)) = schema.pointer_mut("/discriminator/mapping") else { return false };
    if mapping.contains_key(code) {
        return false; // a documented code: its documented body applies
    }
    mapping.insert(code.to_owned(), Value::String(reference.clone()));
    match schema.get_mut("oneOf") {
        Some(Value::Array(one_of)) => {
            one_of.push(json!({ "$ref": reference }));
            true
        }
        _ => false,
    }
}

/// awsJson1_1: the operation is named by a required `X-Amz-Target` header.
fn add_target_header(operation: &mut Value, target: &str) {
    let header = json!({ "in": "header", "name": "X-Amz-Target", "required": true,
        "schema": { "type": "string", "enum": [target] } });
    match operation.get_mut("parameters") {
        Some(Value::Array(parameters)) => parameters.push(header),
        _ => operation["parameters"] = json!([header]),
    }
}

/// What the stub can reject a request to `op` for.
fn rejections(api: &Api, op: &Operation) -> Vec<Rejection> {
    let mut kinds = vec![
        Rejection::Validation,
        Rejection::NotFound,
        Rejection::PayloadTooLarge,
        Rejection::AmbiguousRequest,
        Rejection::RequestTimeout,
    ];
    if op.security.alternatives.iter().any(|a| !a.is_empty()) {
        kinds.extend([
            Rejection::Unauthenticated,
            Rejection::InvalidCredentials,
            Rejection::BadSignature,
            Rejection::ExpiredSignature,
        ]);
    }
    if op.body.is_some() {
        kinds.push(Rejection::UnsupportedMediaType);
    }
    if matches!(api.protocol, Protocol::AwsJson1_1 { .. }) {
        kinds.push(Rejection::UnknownOperation);
    }
    kinds
}

/// The rejection's name as the IR serialises it (`payloadTooLarge`).
fn kind(rejection: Rejection) -> String {
    match serde_json::to_value(rejection) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{rejection:?}"),
    }
}

/// The media type and JSON Schema of the error format's body.
fn error_body(format: &ErrorFormat) -> (&'static str, Value) {
    let text = json!({ "type": "string" });
    match &format.style {
        ErrorStyle::FastApi => {
            let item = json!({
                "type": "object",
                "required": ["type", "loc", "msg"],
                "properties": { "type": text, "loc": { "type": "array" }, "msg": text },
            });
            let detail = json!({ "oneOf": [text, { "type": "array", "items": item }] });
            ("application/json", object(&[("detail", detail)]))
        }
        ErrorStyle::Fields { code_field, message_field, constants } => {
            let mut fields: Vec<(&str, Value)> = vec![(code_field, text.clone()), (message_field, text.clone())];
            fields.extend(constants.iter().map(|(k, v)| (k.as_str(), json!({ "enum": [v] }))));
            ("application/json", object(&fields))
        }
        ErrorStyle::Problem => (
            "application/problem+json",
            object(&[("type", text.clone()), ("title", text.clone()), ("status", json!({ "type": "integer" }))]),
        ),
        ErrorStyle::AwsJson => ("application/x-amz-json-1.1", object(&[("__type", text.clone()), ("Message", text)])),
    }
}

/// The header an error format repeats its code in.
fn error_code_header(format: &ErrorFormat) -> Option<&'static str> {
    matches!(format.style, ErrorStyle::AwsJson).then_some("x-amzn-ErrorType")
}

/// An object schema requiring each of `fields`.
fn object(fields: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> = fields.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
    json!({ "type": "object", "required": fields.iter().map(|(k, _)| *k).collect::<Vec<_>>(), "properties": properties })
}

/// `oneOf` + `discriminator.mapping` → each alternative also requires the
/// discriminating property to equal its key.
fn pin_discriminators(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let mapping: Option<Vec<(String, String, String)>> = map.get("discriminator").and_then(|d| {
                let property = d.get("propertyName")?.as_str()?.to_owned();
                let entries = d.get("mapping")?.as_object()?;
                Some(
                    entries
                        .iter()
                        .filter_map(|(key, r)| Some((property.clone(), key.clone(), r.as_str()?.to_owned())))
                        .collect(),
                )
            });
            if let (Some(mapping), Some(Value::Array(alternatives))) = (mapping, map.get_mut("oneOf")) {
                for alternative in alternatives.iter_mut() {
                    let target = alternative.get("$ref").and_then(Value::as_str).map(str::to_owned);
                    if let Some((property, key, _)) = mapping.iter().find(|(_, _, r)| Some(r) == target.as_ref()) {
                        let pinned = json!({ "required": [property], "properties": { property: { "enum": [key] } } });
                        *alternative = json!({ "allOf": [alternative.take(), pinned] });
                    }
                }
            }
            map.values_mut().for_each(pin_discriminators);
        }
        Value::Array(items) => items.iter_mut().for_each(pin_discriminators),
        _ => {}
    }
}

/// Integer schemas get the range of their Rust type where they state none.
fn bound_integers(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("integer") {
                let (min, max) = super::rust_type::integer_bounds(map.get("format").and_then(Value::as_str));
                map.entry("minimum").or_insert(Value::from(min));
                map.entry("maximum").or_insert(Value::from(max));
            }
            map.values_mut().for_each(bound_integers);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}

/// A JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discriminator_mapping_becomes_a_constraint() {
        let mut doc = json!({ "oneOf": [{ "$ref": "#/a" }, { "$ref": "#/b" }],
            "discriminator": { "propertyName": "__type", "mapping": { "A": "#/a", "B": "#/b" } } });
        pin_discriminators(&mut doc);
        assert_eq!(doc["oneOf"][1]["allOf"][0], json!({ "$ref": "#/b" }));
        assert_eq!(doc["oneOf"][1]["allOf"][1]["properties"]["__type"]["enum"], json!(["B"]));
    }
}
