//! What a wire protocol adds to an operation's request and how it tells
//! errors apart: a small description per protocol, read by the operation
//! emitter (smithy-rs style), never `if vendor == …`.

use crate::ir::{Operation, Protocol};
use proc_macro2::TokenStream;
use quote::quote;

pub struct Wire {
    /// Headers every request of the operation carries.
    pub headers: Vec<(&'static str, String)>,
    /// Body sent when the operation documents none.
    pub empty_body: Option<(&'static str, &'static str)>,
}

pub fn wire(protocol: &Protocol, op: &Operation) -> Wire {
    match protocol {
        Protocol::Rest => Wire { headers: Vec::new(), empty_body: None },
        Protocol::AwsJson1_1 { .. } => Wire {
            headers: op.target.iter().map(|t| ("X-Amz-Target", t.clone())).collect(),
            empty_body: Some(("application/x-amz-json-1.1", "{}")),
        },
    }
}

/// How the protocol reads responses, the same for every operation: the
/// error code reader (`fn(&HeaderMap, &[u8]) -> Option<String>`) and the
/// retry test (`fn(&RawResponse) -> bool`).
pub fn responses(protocol: &Protocol) -> (TokenStream, TokenStream) {
    match protocol {
        Protocol::Rest => (quote! { runtime::client::no_error_code }, quote! { runtime::retry::http_transient }),
        Protocol::AwsJson1_1 { .. } => {
            (quote! { runtime::aws_json::error_code }, quote! { runtime::aws_json::transient })
        }
    }
}
