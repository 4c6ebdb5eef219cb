//! Requests the API sends to you → `ir::Operation`s a receiver serves:
//! 3.1 `webhooks` (kept by normalisation under `x-apigen-webhooks`) and
//! each operation's `callbacks`. They are lowered like paths (the same
//! parameters, bodies, responses and types), with three differences: a
//! receiver routes each one at `/{name}` (the callback URL or webhook
//! subscription is the API's to choose, not a path of the spec); the
//! document's top-level `security` is the API's, so only an incoming
//! operation's own `security` applies; and the protocol is plain HTTP.

use super::operations::{Ctx, operation};
use super::types::TypeSpace;
use crate::diag::{Diagnostic, ptr};
use crate::ir::{Method, Operation, Protocol};
use crate::naming::{Namer, camel, snake};
use crate::source::normalize::WEBHOOKS;
use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};

pub fn incoming(cx: &mut Ctx, types: &mut TypeSpace) -> Vec<Operation> {
    let rest = Protocol::Rest;
    let mut cx = Ctx { openapi: cx.openapi, prov: cx.prov, protocol: &rest, schemes: cx.schemes, sink: &mut *cx.sink };
    let mut found: Vec<(String, String, &PathItem)> = Vec::new();
    let hooks = cx.openapi.extensions.get(WEBHOOKS).cloned();
    let hooks: IndexMap<String, ReferenceOr<PathItem>> = match hooks.map(serde_json::from_value).transpose() {
        Ok(h) => h.unwrap_or_default(),
        Err(e) => {
            cx.sink.push(
                Diagnostic::warning(
                    "webhook.invalid",
                    cx.prov.locate("/webhooks"),
                    format!("webhooks are not generated: {e}"),
                )
                .help("write each webhook as a path item (`post:` with a `requestBody` and `responses`)"),
            );
            IndexMap::new()
        }
    };
    for (name, item) in &hooks {
        match item {
            ReferenceOr::Item(item) => found.push((name.clone(), ptr("/webhooks", name), item)),
            ReferenceOr::Reference { .. } => cx.sink.push(
                Diagnostic::warning(
                    "webhook.ref",
                    cx.prov.locate(&ptr("/webhooks", name)),
                    format!("webhook `{name}` is a `$ref` to a path item; it is not generated"),
                )
                .help("write the webhook's path item inline"),
            ),
        }
    }
    for (path, item) in cx.openapi.paths.iter() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let parent = op.operation_id.clone().unwrap_or_else(|| format!("{method} {path}"));
            for (callback, expressions) in &op.callbacks {
                let at = ptr(&ptr(&ptr(&ptr("/paths", path), method), "callbacks"), callback);
                let several = expressions.len() > 1;
                for (i, (expression, item)) in expressions.iter().enumerate() {
                    let name = match several {
                        true => format!("{parent} {callback} {}", i + 1),
                        false => format!("{parent} {callback}"),
                    };
                    found.push((name, ptr(&at, expression), item));
                }
            }
        }
    }
    let mut names = Namer::new();
    let mut type_names = Namer::new();
    let mut out = Vec::new();
    for (key, item_at, item) in found {
        let methods: Vec<_> = item.iter().collect();
        for (method_str, op) in &methods {
            let Some(method) = Method::parse(method_str) else { continue };
            let at = ptr(&item_at, method_str);
            let id = match (&op.operation_id, methods.len()) {
                (Some(id), _) => id.clone(),
                (None, 1) => key.clone(),
                (None, _) => format!("{key} {method_str}"),
            };
            let name = names.claim(&snake(&id));
            let type_name = type_names.claim(&camel(&name));
            let route = format!("/{name}");
            // Only the incoming operation's own requirements: the
            // document's `security` protects the API, not your receiver.
            let mut op = (*op).clone();
            op.security = Some(op.security.unwrap_or_default());
            out.push(operation(&mut cx, types, &route, &at, method, id, (name, type_name), &op, item));
        }
    }
    out
}
