//! The review rules, documented in one place: [`RULES`]. Each rule reads
//! the document as published and reports hits at JSON pointers; the caller
//! turns pointers into file lines.

mod operations;
mod schemas;

use super::doc::Doc;
use crate::diag::Severity;
use serde_json::Value;

/// A lint rule: its stable id, how bad a hit is, and what it checks.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub checks: &'static str,
}

const fn rule(id: &'static str, severity: Severity, checks: &'static str) -> Rule {
    Rule { id, severity, checks }
}

/// Every rule, in the order findings are listed.
pub const RULES: &[Rule] = &[
    rule(
        "operation-id.missing",
        Severity::Warning,
        "An operation has no operationId, so generated names come from the path and change when it does.",
    ),
    rule("operation-id.duplicate", Severity::Error, "Two operations share one operationId."),
    rule(
        "path.parameter-mismatch",
        Severity::Error,
        "The path template and the declared path parameters disagree (a `{name}` without a parameter, a path parameter not in the template, or one not `required: true`).",
    ),
    rule("path.trailing-slash", Severity::Warning, "Some paths of the API end with `/` and others do not."),
    rule("operation.no-success", Severity::Warning, "An operation documents no 1xx-3xx response."),
    rule(
        "security.empty-with-auth-errors",
        Severity::Warning,
        "Security is declared empty (or not at all) while 401 or 403 responses are documented.",
    ),
    rule(
        "response.error-without-body",
        Severity::Warning,
        "A documented error status (4xx, 5xx, default) has no body schema.",
    ),
    rule(
        "status.contradicts-http",
        Severity::Warning,
        "A response's description or error types say one thing (not found, throttled, ...) while its status says another (400 for a missing resource).",
    ),
    rule(
        "path-parameter.described-as-missing",
        Severity::Warning,
        "A response says a required path parameter may be missing, which a request that reached the operation cannot be.",
    ),
    rule(
        "example.schema-violation",
        Severity::Error,
        "A documented example breaks its own schema (type, enum, pattern, length, bounds, required properties).",
    ),
    rule("pattern.invalid", Severity::Error, "A `pattern` is not a valid ECMA-262 regular expression."),
    rule(
        "identifier.prose-only",
        Severity::Warning,
        "An identifier's format is described only in prose (hashid, UUID, ARN, ...) with no `pattern` or `format`.",
    ),
    rule("enum.no-type", Severity::Warning, "A schema lists `enum` values but no `type`."),
    rule("ref.unresolved", Severity::Error, "A `$ref` points at nothing in the document (or outside it)."),
    rule("component.unused", Severity::Info, "A component is defined but nothing refers to it."),
];

pub fn rule_of(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).expect("every hit names a rule in RULES")
}

/// One rule hit, at a JSON pointer of the document.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub rule: &'static str,
    pub at: String,
    pub message: String,
    pub fix: String,
}

impl Hit {
    fn new(rule: &'static str, at: impl Into<String>, message: impl Into<String>, fix: impl Into<String>) -> Hit {
        Hit { rule, at: at.into(), message: message.into(), fix: fix.into() }
    }
}

/// Every hit of every rule on `root`, ordered by rule (as in [`RULES`]),
/// then by place in the document.
pub fn lint(root: &Value) -> Vec<Hit> {
    let doc = Doc::new(root);
    let mut hits = Vec::new();
    operations::check(&doc, &mut hits);
    schemas::check(&doc, &mut hits);
    let order = |id: &str| RULES.iter().position(|r| r.id == id).unwrap_or(usize::MAX);
    hits.sort_by_key(|h| order(h.rule));
    hits
}
