//! Reviews and diffs as terminal text, Markdown, or JSON.

use super::diff::{ApiDiff, Class};
use super::{ApiReview, Finding, summary};
use crate::diag::Severity;
use std::fmt::{Display, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

pub fn reviews(reviews: &[ApiReview], format: Format) -> String {
    match format {
        Format::Json => json(&serde_json::json!({ "apis": reviews })),
        Format::Text => reviews.iter().map(review_text).collect::<Vec<_>>().join("\n"),
        Format::Markdown => {
            let mut out = String::from("# API review\n\n");
            for r in reviews {
                out += &review_md(r);
            }
            out
        }
    }
}

pub fn diffs(diffs: &[ApiDiff], format: Format) -> String {
    match format {
        Format::Json => json(&serde_json::json!({ "apis": diffs })),
        Format::Text => {
            let mut out = String::new();
            for d in diffs {
                let _ = writeln!(out, "== {}: {}", d.name, diff_counts(d));
                out += &findings_text(&d.changes);
            }
            out
        }
        Format::Markdown => {
            let mut out = String::from("# API changes\n\n");
            for d in diffs {
                let _ = writeln!(out, "## {}\n\n{}\n", d.name, diff_counts(d));
                out += &findings_md(&d.changes);
            }
            out
        }
    }
}

fn json(v: &serde_json::Value) -> String {
    // `Value`'s own pretty printing: it cannot fail, as serialising can.
    format!("{v:#}\n")
}

fn diff_counts(d: &ApiDiff) -> String {
    format!("{} breaking, {} warning, {} info", d.count(Class::Breaking), d.count(Class::Warning), d.count(Class::Info))
}

fn review_counts(r: &ApiReview) -> String {
    let corrected = r.findings.iter().filter(|f| f.corrected_by.is_some()).count();
    let mut s = format!(
        "{} error, {} warning, {} info",
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info)
    );
    if corrected > 0 {
        let _ = write!(s, " (and {corrected} corrected by overlays)");
    }
    s
}

fn heading(r: &ApiReview) -> String {
    let files =
        |list: &[std::path::PathBuf]| list.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
    let mut s = format!("{} {}", r.title, r.version).trim().to_string();
    let _ = write!(s, " (sources: {}", files(&r.sources));
    if !r.overlays.is_empty() {
        let _ = write!(s, "; overlays: {}", files(&r.overlays));
    }
    s + ")"
}

fn review_text(r: &ApiReview) -> String {
    let mut out = format!("== {}: {}\n", r.name, heading(r));
    for op in &r.operations {
        let _ = writeln!(out, "\n  {}  {} {}{}", op.id, op.method, op.path, target(op));
        let _ = writeln!(out, "    auth: {}", op.auth.join(" | "));
        for p in &op.parameters {
            let _ = writeln!(out, "    {}", parameter(p));
        }
        if let Some(b) = &op.body {
            let _ = writeln!(out, "    body{} {}: {}", required(b.required), b.media_types.join(", "), b.ty);
            for f in &b.fields {
                let _ = writeln!(out, "      {}", parameter(f));
            }
        }
        for resp in &op.responses {
            let _ = writeln!(out, "    {} {}{}", resp.status, one_line(&resp.description), body_of(resp));
        }
        if let Some(p) = &op.pagination {
            let _ = writeln!(out, "    pagination: {} ({})", p.description, p.reason);
        }
    }
    let _ = writeln!(out, "\n  findings: {}", review_counts(r));
    out + &findings_text(&r.findings)
}

fn review_md(r: &ApiReview) -> String {
    let mut out = format!("## {}\n\n{}\n\n", r.name, heading(r));
    if !r.operations.is_empty() {
        out += "| Operation | Request | Auth | Parameters | Responses |\n|---|---|---|---|---|\n";
        for op in &r.operations {
            let mut params: Vec<String> = op.parameters.iter().map(parameter).collect();
            if let Some(b) = &op.body {
                params.push(format!("body{} {}: {}", required(b.required), b.media_types.join(", "), b.ty));
                params.extend(b.fields.iter().map(|f| format!("· {}", parameter(f))));
            }
            let mut responses: Vec<String> = op
                .responses
                .iter()
                .map(|r| format!("{} {}{}", r.status, one_line(&r.description), body_of(r)))
                .collect();
            if let Some(p) = &op.pagination {
                responses.push(format!("pagination: {} ({})", p.description, p.reason));
            }
            let _ = writeln!(
                out,
                "| `{}` | {} {}{} | {} | {} | {} |",
                op.id,
                op.method,
                cell(&op.path),
                cell(&target(op)),
                cell(&op.auth.join(" or ")),
                cell(&params.join("<br>")),
                cell(&responses.join("<br>"))
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "Findings: {}.\n", review_counts(r));
    out + &findings_md(&r.findings)
}

fn findings_text<S: Display>(findings: &[Finding<S>]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(out, "  {}[{}] {}: {}", f.severity, f.rule, where_(f), f.message);
        if !f.fix.is_empty() {
            let _ = writeln!(out, "    fix: {}", f.fix);
        }
        if let Some(o) = &f.corrected_by {
            let _ = writeln!(out, "    corrected by the overlay {}", o.display());
        }
        if let Some(b) = f.breaks {
            let _ = writeln!(out, "    breaks: {}", b.describe());
        }
    }
    out
}

fn findings_md<S: Display>(findings: &[Finding<S>]) -> String {
    if findings.is_empty() {
        return String::new();
    }
    let mut out = String::from("| Severity | Rule | Location | Finding | Fix |\n|---|---|---|---|---|\n");
    for f in findings {
        let mut fix = f.fix.clone();
        if let Some(o) = &f.corrected_by {
            fix = format!("{fix} (corrected by the overlay `{}`)", o.display()).trim_start().to_string();
        }
        if let Some(b) = f.breaks {
            fix = format!("{fix} (breaks {})", b.describe()).trim_start().to_string();
        }
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            f.severity,
            f.rule,
            cell(&where_(f)),
            cell(&f.message),
            cell(&fix)
        );
    }
    out + "\n"
}

/// `file:line (pointer)`, or `file (pointer)` without a line.
fn where_<S>(f: &Finding<S>) -> String {
    let loc = &f.location;
    let mut s = loc.file.display().to_string();
    if let Some(line) = loc.line {
        let _ = write!(s, ":{line}");
    }
    if !loc.pointer.is_empty() {
        let _ = write!(s, " ({})", loc.pointer);
    }
    s
}

fn parameter(p: &summary::Parameter) -> String {
    let required = if p.required { ", required" } else { "" };
    let access = p.access.map(|a| format!(", {a}")).unwrap_or_default();
    format!("{} ({}{required}{access}): {}", p.name, p.location, p.ty)
}

fn target(op: &summary::Operation) -> String {
    op.target.as_ref().map(|t| format!(" [target {t}]")).unwrap_or_default()
}

fn required(yes: bool) -> &'static str {
    if yes { " (required)" } else { "" }
}

/// ` → Body; headers X (header, required): string, …`
fn body_of(r: &summary::Response) -> String {
    let body = r.ty.as_ref().map(|t| format!(" → {t}")).unwrap_or_default();
    match r.headers.is_empty() {
        true => body,
        false => format!("{body}; headers {}", r.headers.iter().map(parameter).collect::<Vec<_>>().join(", ")),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}
