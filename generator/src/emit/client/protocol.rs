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
    /// `fn(&HeaderMap, &[u8]) -> Option<String>` reading the error code.
    pub error_code: TokenStream,
    /// `fn(&RawResponse) -> bool`: worth another attempt.
    pub transient: TokenStream,
}

pub fn wire(protocol: &Protocol, op: &Operation) -> Wire {
    match protocol {
        Protocol::Rest => Wire {
            headers: Vec::new(),
            empty_body: None,
            error_code: quote! { runtime::client::no_error_code },
            transient: quote! { runtime::retry::http_transient },
        },
        Protocol::AwsJson1_1 { .. } => Wire {
            headers: op.target.iter().map(|t| ("X-Amz-Target", t.clone())).collect(),
            empty_body: Some(("application/x-amz-json-1.1", "{}")),
            error_code: quote! { runtime::aws_json::error_code },
            transient: quote! { runtime::aws_json::transient },
        },
    }
}
