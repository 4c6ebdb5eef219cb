//! The API's error format (`ir::ErrorFormat`) → the `FORMAT` constant the
//! runtime renders rejections with.

use crate::ir::{ErrorFormat, ErrorStyle, Rejection};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn emit(format: &ErrorFormat) -> TokenStream {
    let style = match &format.style {
        ErrorStyle::Problem => quote! { runtime::server::Style::Problem },
        ErrorStyle::FastApi => quote! { runtime::server::Style::FastApi },
        ErrorStyle::AwsJson => quote! { runtime::server::Style::AwsJson },
        ErrorStyle::Fields { code_field, message_field, constants } => {
            let constants = constants.iter().map(|(k, v)| {
                let json = v.to_string();
                quote! { (#k, #json) }
            });
            quote! {
                runtime::server::Style::Fields {
                    code_field: #code_field,
                    message_field: #message_field,
                    constants: &[#(#constants),*],
                }
            }
        }
    };
    let request_id = match &format.request_id_header {
        Some(h) => quote! { Some(#h) },
        None => quote! { None },
    };
    let replies = Rejection::ALL.iter().map(|r| {
        let field = format_ident!("{}", crate::naming::snake(&format!("{r:?}")));
        let reply = &format.replies[r];
        let (status, code, message) = (proc_macro2::Literal::u16_unsuffixed(reply.status), &reply.code, &reply.message);
        quote! { #field: runtime::server::Reply { status: #status, code: #code, message: #message }, }
    });
    quote! {
        /// How this API answers what the stub rejects (`x-apigen-errors`).
        pub const FORMAT: runtime::server::ErrorFormat = runtime::server::ErrorFormat {
            style: #style,
            request_id_header: #request_id,
            replies: runtime::server::Replies { #(#replies)* },
        };
    }
}
