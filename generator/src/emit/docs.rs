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
