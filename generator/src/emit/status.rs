//! Names for documented statuses: `404` → `NotFound`, `4XX` → `Status4xx`.

use crate::ir::Status;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The variant name of a response status.
pub fn variant(status: Status) -> String {
    match status {
        Status::Code(c) => reason(c).map_or_else(|| format!("Status{c}"), str::to_owned),
        Status::Range(r) => format!("Status{r}xx"),
        Status::Default => "Default".into(),
    }
}

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

/// RFC 9110 reason phrases, CamelCased.
fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "ContentTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        421 => "MisdirectedRequest",
        422 => "UnprocessableContent",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        507 => "InsufficientStorage",
        511 => "NetworkAuthenticationRequired",
        _ => return None,
    })
}
