//! Rustdoc from spec summaries and descriptions.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes: the summary, a blank line, the description. Code
/// fences become `text` blocks so that rustdoc never compiles spec prose as
/// a doctest.
pub fn doc(summary: Option<&str>, description: Option<&str>) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    let summary = summary.map(str::trim).filter(|s| !s.is_empty());
    let description = description.map(str::trim).filter(|d| !d.is_empty() && Some(*d) != summary);
    if let Some(s) = summary {
        lines.extend(text_lines(s));
    }
    if let Some(d) = description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(text_lines(d));
    }
    attrs(&lines)
}

/// Extra paragraphs appended to a doc comment.
pub fn paragraph(text: &str) -> TokenStream {
    let mut lines = vec![String::new()];
    lines.extend(text_lines(text));
    attrs(&lines)
}

fn attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote! { #(#[doc = #lines])* }
}

fn text_lines(text: &str) -> Vec<String> {
    let mut in_fence = false;
    text.lines()
        .map(|l| {
            let l = l.trim_end();
            if l.trim_start().starts_with("```") {
                in_fence = !in_fence;
                if in_fence {
                    return "```text".to_owned();
                }
            }
            l.to_owned()
        })
        .collect()
}

/// What a security scheme is, in words (for rustdoc).
pub fn describe_scheme(kind: &crate::ir::SchemeKind) -> String {
    match kind {
        crate::ir::SchemeKind::ApiKey { location, name } => {
            let place = match location {
                crate::ir::KeyLocation::Header => "header",
                crate::ir::KeyLocation::Query => "query parameter",
                crate::ir::KeyLocation::Cookie => "cookie",
            };
            format!("an API key in the `{name}` {place}")
        }
        crate::ir::SchemeKind::HttpBearer { .. } => "a bearer token (`Authorization: Bearer …`)".into(),
        crate::ir::SchemeKind::HttpBasic => "HTTP Basic".into(),
        crate::ir::SchemeKind::Http { scheme } => format!("HTTP `{scheme}` authorization"),
        crate::ir::SchemeKind::AwsSigV4 { service } => format!("AWS Signature Version 4, service `{service}`"),
        crate::ir::SchemeKind::HuaweiSdkHmacSha256 { .. } => "Huawei Cloud AK/SK signing (SDK-HMAC-SHA256)".into(),
        crate::ir::SchemeKind::OAuth2 { .. } => "an OAuth 2.0 access token, sent as a bearer token".into(),
        crate::ir::SchemeKind::OpenIdConnect { .. } => "an OpenID Connect token, sent as a bearer token".into(),
    }
}
