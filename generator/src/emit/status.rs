//! Documented statuses in `match` patterns (their variant names are
//! decided in lowering: [`crate::naming::status_variant`]).

use crate::ir::Status;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The `match` pattern of a status (a code, `400..=499`, or `default`).
pub fn pattern(s: Status, default: TokenStream) -> TokenStream {
    match s {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote! { #c }
        }
        Status::Range(r) => {
            let (lo, hi) = (Literal::u16_unsuffixed(r * 100), Literal::u16_unsuffixed(r * 100 + 99));
            quote! { #lo..=#hi }
        }
        Status::Default => default,
    }
}
