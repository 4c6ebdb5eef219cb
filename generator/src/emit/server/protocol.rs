//! How requests reach an operation: REST routes one path and method per
//! operation; awsJson1_1 posts everything to `/` and dispatches on
//! `X-Amz-Target`. Also what a protocol sends for a body-less success.

use crate::ir::{Api, Method, Operation, Protocol};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The `Router` expression, with routes to each operation's handler.
/// Every route shape with the operations on it, one per method. A second
/// operation with the same shape and method (GitHub's
/// `/compare/{basehead}` and `/compare/{base}...{head}`) would make axum
/// panic, so the first one documented is routed; lowering reports the pair.
fn route_table(api: &Api) -> Vec<(String, Vec<&Operation>)> {
    let mut paths: Vec<(String, Vec<&Operation>)> = Vec::new();
    for op in &api.operations {
        let route = route(&op.path).0;
        match paths.iter_mut().find(|(p, _)| *p == route) {
            Some((_, ops)) if ops.iter().any(|o| o.method == op.method) => {}
            Some((_, ops)) => ops.push(op),
            None => paths.push((route, vec![op])),
        }
    }
    paths
}

/// The REST operations the router does not reach.
pub fn shadowed(api: &Api) -> std::collections::BTreeSet<String> {
    if !matches!(api.protocol, Protocol::Rest) {
        return Default::default();
    }
    let routed: Vec<&str> = route_table(api).iter().flat_map(|(_, ops)| ops.iter().map(|o| o.name.as_str())).collect();
    api.operations.iter().filter(|o| !routed.contains(&o.name.as_str())).map(|o| o.name.clone()).collect()
}

pub fn routes(api: &Api) -> TokenStream {
    match &api.protocol {
        Protocol::Rest => {
            let paths = route_table(api);
            let routes = paths.iter().map(|(path, ops)| {
                let mut chain = TokenStream::new();
                for (i, op) in ops.iter().enumerate() {
                    let method = format_ident!("{}", method_fn(op.method));
                    let handler = format_ident!("handle_{}", op.name);
                    chain = if i == 0 {
                        quote! { axum::routing::#method(#handler::<A>) }
                    } else {
                        quote! { #chain.#method(#handler::<A>) }
                    };
                }
                quote! { .route(#path, #chain) }
            });
            quote! {
                axum::Router::new()
                    #(#routes)*
            }
        }
        Protocol::AwsJson1_1 { .. } => quote! {
            axum::Router::new().route("/", axum::routing::post(dispatch::<A>))
        },
    }
}

/// The axum route of a documented path: each segment holding a parameter
/// becomes a positional capture (`{p0}`, `{p1}`, …), with the parameter's
/// name and the segment's literal prefix and suffix. Literal text is
/// escaped for axum (`{{`, `}}`).
pub fn route(path: &str) -> (String, Vec<(String, String, String)>) {
    let mut captures = Vec::new();
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| match (seg.find('{'), seg.rfind('}')) {
            (Some(open), Some(close)) if open < close => {
                let name = seg[open + 1..close].to_owned();
                let i = captures.len();
                captures.push((name, seg[..open].to_owned(), seg[close + 1..].to_owned()));
                format!("{{p{i}}}")
            }
            _ => seg.replace('{', "{{").replace('}', "}}"),
        })
        .collect();
    (segments.join("/"), captures)
}

/// For awsJson1_1, the handler that picks the operation by `X-Amz-Target`.
pub fn dispatch(api: &Api) -> TokenStream {
    if !matches!(api.protocol, Protocol::AwsJson1_1 { .. }) {
        return quote! {};
    }
    let arms = api.operations.iter().filter_map(|op| {
        let target = op.target.as_deref()?;
        let serve = format_ident!("serve_{}", op.name);
        Some(quote! { #target => #serve(&*api, PathParams::default(), request).await, })
    });
    quote! {
        /// Calls the operation named by `X-Amz-Target`.
        async fn dispatch<A: Api>(State(api): State<Arc<A>>, request: Request) -> Response {
            let target = request.headers().get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            let outcome = match target.as_str() {
                #(#arms)*
                _ => Err(Rejection::UnknownOperation(target)),
            };
            outcome.unwrap_or_else(|r| FORMAT.reject(r))
        }
    }
}

/// A body-less success as the protocol sends it: awsJson1_1 sends `{}`
/// (what smithy servers and moto send; every SDK accepts it).
pub fn empty_success(protocol: &Protocol, status: u16) -> TokenStream {
    let status = proc_macro2::Literal::u16_unsuffixed(status);
    match protocol {
        Protocol::AwsJson1_1 { .. } => quote! {
            runtime::server::bytes_response(#status, "application/x-amz-json-1.1", runtime::server::Bytes::from_static(b"{}"))
        },
        Protocol::Rest => quote! { runtime::server::empty_response(#status) },
    }
}

pub fn is_rest(api: &Api) -> bool {
    matches!(api.protocol, Protocol::Rest)
}

fn method_fn(m: Method) -> &'static str {
    match m {
        Method::Get => "get",
        Method::Put => "put",
        Method::Post => "post",
        Method::Delete => "delete",
        Method::Options => "options",
        Method::Head => "head",
        Method::Patch => "patch",
        Method::Trace => "trace",
    }
}
