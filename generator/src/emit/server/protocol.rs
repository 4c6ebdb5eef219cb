//! How requests reach an operation: REST routes one path and method per
//! operation; awsJson1_1 posts everything to `/` and dispatches on
//! `X-Amz-Target`. Also what a protocol sends for a body-less success.

use crate::emit::groups::Groups;
use crate::ir::{Api, Method, Operation, Protocol};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

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

/// The start of `router`'s body: the `Router` with every route. Where the
/// API is split by tag, each group adds its own routes behind its feature.
pub fn routes(api: &Api, groups: Option<&Groups>) -> TokenStream {
    match &api.protocol {
        Protocol::Rest => {
            let in_group = |op: &Operation| Groups::of_operation(groups, &op.name).map(str::to_owned);
            let ungrouped = route_calls(&route_table(api), |op| in_group(op).is_none());
            let Some(groups) = groups else {
                return quote! { axum::Router::new() #ungrouped };
            };
            let modules: BTreeSet<&String> = groups.operations.values().collect();
            let adds = modules.into_iter().map(|g| {
                let gate = groups.gate(g);
                let module = format_ident!("{g}");
                quote! { #gate let router = #module::routes(router); }
            });
            quote! {
                let router = axum::Router::new() #ungrouped;
                #(#adds)*
                router
            }
        }
        Protocol::AwsJson1_1 { .. } => quote! {
            axum::Router::new().route("/", axum::routing::post(dispatch::<A>))
        },
    }
}

/// Each group's `routes`, which adds its operations' routes (axum merges
/// the methods of one path added by two groups).
pub fn group_routes(api: &Api, groups: Option<&Groups>) -> BTreeMap<String, TokenStream> {
    let Some(groups) = groups.filter(|_| is_rest(api)) else { return BTreeMap::new() };
    let table = route_table(api);
    let modules: BTreeSet<&String> = groups.operations.values().collect();
    modules
        .into_iter()
        .map(|g| {
            let calls = route_calls(&table, |op| groups.operations.get(&op.name) == Some(g));
            let routes = quote! {
                /// Adds the routes of this group's operations.
                pub(super) fn routes<A: Api>(router: axum::Router<Arc<A>>) -> axum::Router<Arc<A>> {
                    router #calls
                }
            };
            (g.clone(), routes)
        })
        .collect()
}

/// `.route(path, get(handle_…).post(…))` for the operations `keep` takes,
/// one call per path.
fn route_calls(table: &[(String, Vec<&Operation>)], keep: impl Fn(&Operation) -> bool) -> TokenStream {
    let routes = table.iter().filter_map(|(path, ops)| {
        let mut chain: Option<TokenStream> = None;
        for op in ops.iter().filter(|op| keep(op)) {
            let method = format_ident!("{}", method_fn(op.method));
            let handler = format_ident!("handle_{}", op.name);
            chain = Some(match chain {
                None => quote! { axum::routing::#method(#handler::<A>) },
                Some(chain) => quote! { #chain.#method(#handler::<A>) },
            });
        }
        chain.map(|chain| quote! { .route(#path, #chain) })
    });
    quote! { #(#routes)* }
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
        let name = &op.name;
        Some(quote! { #target => runtime::server::handle(#name, &FORMAT, #serve(&*api, PathParams::default(), request)).await, })
    });
    quote! {
        /// Calls the operation named by `X-Amz-Target`.
        async fn dispatch<A: Api>(State(api): State<Arc<A>>, request: Request) -> Response {
            // Named in the rejection as sent; no header names no operation.
            let target = match request.headers().get("x-amz-target") {
                Some(v) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
                None => String::new(),
            };
            match target.as_str() {
                #(#arms)*
                _ => FORMAT.reject(Rejection::UnknownOperation(target)),
            }
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
