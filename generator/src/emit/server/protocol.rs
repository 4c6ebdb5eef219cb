//! How requests reach an operation: REST routes one path and method per
//! operation; awsJson1_1 posts everything to `/` and dispatches on
//! `X-Amz-Target`. Also what a protocol sends for a body-less success.

use crate::emit::groups::Groups;
use crate::emit::shape::method_str;
use crate::ir::{Api, Location, Method, Operation, Protocol, Style, path_shape};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// Every axum route with, per method, the operations on it, most literal
/// first. axum captures whole segments only, so `/files/{id}` and
/// `/files/{name}.json` are one route whose handler picks the operation by
/// the literal text around the value (see [`pickers`]). Operations of one
/// shape and method (GitHub's `/compare/{basehead}` and
/// `/compare/{base}...{head}`) match the same requests: axum would panic on
/// the pair, so the first one documented is routed and lowering reports the
/// pair (`route.ambiguous`). Where the API is split by tag, operations of
/// different groups never share a handler (each group adds its own routes).
type RouteTable<'a> = Vec<(String, Vec<Vec<&'a Operation>>)>;

fn route_table<'a>(api: &'a Api, groups: Option<&Groups>) -> RouteTable<'a> {
    let mut paths: RouteTable<'a> = Vec::new();
    for op in &api.operations {
        let route = route(&op.path).0;
        let at = match paths.iter().position(|(p, _)| *p == route) {
            Some(i) => i,
            None => {
                paths.push((route, Vec::new()));
                paths.len() - 1
            }
        };
        let methods = &mut paths[at].1;
        match methods.iter_mut().find(|ops| ops[0].method == op.method) {
            None => methods.push(vec![op]),
            Some(ops) => {
                let group = |o: &Operation| Groups::of_operation(groups, &o.name);
                let shape = path_shape(&op.path);
                if group(ops[0]) == group(op) && !ops.iter().any(|o| path_shape(&o.path) == shape) {
                    ops.push(op);
                }
            }
        }
    }
    for (_, methods) in &mut paths {
        for ops in methods.iter_mut() {
            // Stable: equally literal operations keep document order.
            ops.sort_by_key(|o| std::cmp::Reverse(literal_len(&o.path)));
        }
    }
    paths
}

/// The literal text inside the parameter segments of a path: the more of
/// it, the fewer requests the path matches.
fn literal_len(path: &str) -> usize {
    path_shape(path).split('/').filter(|s| s.contains("{}")).map(|s| s.len() - 2).sum()
}

/// The REST operations the router does not reach.
pub fn shadowed(api: &Api, groups: Option<&Groups>) -> BTreeSet<String> {
    if !matches!(api.protocol, Protocol::Rest) {
        return Default::default();
    }
    let table = route_table(api, groups);
    let routed: BTreeSet<&str> = table.iter().flat_map(|(_, m)| m.iter().flatten().map(|o| o.name.as_str())).collect();
    api.operations.iter().filter(|o| !routed.contains(&o.name.as_str())).map(|o| o.name.clone()).collect()
}

/// The start of `router`'s body: the `Router` with every route. Where the
/// API is split by tag, each group adds its own routes behind its feature.
pub fn routes(api: &Api, groups: Option<&Groups>) -> TokenStream {
    match &api.protocol {
        Protocol::Rest => {
            let in_group = |op: &Operation| Groups::of_operation(groups, &op.name).map(str::to_owned);
            let ungrouped = route_calls(&route_table(api, groups), |op| in_group(op).is_none());
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
    let table = route_table(api, Some(groups));
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
/// one call per path; a method with several operations goes to their
/// picker.
fn route_calls(table: &RouteTable<'_>, keep: impl Fn(&Operation) -> bool) -> TokenStream {
    let routes = table.iter().filter_map(|(path, methods)| {
        let mut chain: Option<TokenStream> = None;
        for ops in methods.iter().filter(|ops| keep(ops[0])) {
            let method = format_ident!("{}", method_fn(ops[0].method));
            let handler = match ops.as_slice() {
                [one] => format_ident!("handle_{}", one.name),
                many => picker_name(many),
            };
            chain = Some(match chain {
                None => quote! { axum::routing::#method(#handler::<A>) },
                Some(chain) => quote! { #chain.#method(#handler::<A>) },
            });
        }
        chain.map(|chain| quote! { .route(#path, #chain) })
    });
    quote! { #(#routes)* }
}

fn picker_name(ops: &[&Operation]) -> Ident {
    format_ident!("pick_{}", ops[ops.len() - 1].name)
}

/// For each route and method with several operations, the handler that
/// passes a request to the first whose literal segment text it fits; the
/// least literal one takes the rest (and answers 404 if it does not fit
/// either). Each goes where its operations' handlers are (`None`: the
/// ungrouped items).
pub fn pickers(api: &Api, groups: Option<&Groups>) -> Vec<(Option<String>, TokenStream)> {
    if !is_rest(api) {
        return Vec::new();
    }
    let table = route_table(api, groups);
    let many = table.iter().flat_map(|(_, methods)| methods.iter().filter(|ops| ops.len() > 1));
    many.map(|ops| {
        let name = picker_name(ops);
        let (last, first) = ops.split_last().expect("several operations");
        let tries = first.iter().map(|op| {
            let handle = format_ident!("handle_{}", op.name);
            let segments = path_segments(op);
            quote! {
                if path.fits(&#segments) {
                    return #handle(state, path, request).await;
                }
            }
        });
        let fallback = format_ident!("handle_{}", last.name);
        let paths: Vec<&str> = ops.iter().map(|o| o.path.as_str()).collect();
        let d = format!(
            " Passes `{} {}` to the operation whose path it fits.",
            method_str(last.method),
            paths.join("` or `")
        );
        let item = quote! {
            #[doc = #d]
            async fn #name<A: Api>(state: State<Arc<A>>, path: PathParams, request: Request) -> Response {
                #(#tries)*
                #fallback(state, path, request).await
            }
        };
        (Groups::of_operation(groups, &last.name).map(str::to_owned), item)
    })
    .collect()
}

/// An operation's path captures as `PathParams::bind` and `fits` take
/// them: `(parameter, literal prefix, literal suffix)` per captured
/// segment, where label and matrix values come after their style's
/// literal text.
pub fn path_segments(op: &Operation) -> TokenStream {
    let segments = route(&op.path).1.into_iter().map(|(name, prefix, suffix)| {
        let lead = match op.parameters.iter().find(|p| p.location == Location::Path && p.name == name).map(|p| p.style)
        {
            Some(Style::Label) => ".".to_owned(),
            Some(Style::Matrix) => format!(";{name}="),
            _ => String::new(),
        };
        let prefix = format!("{prefix}{lead}");
        quote! { (#name, #prefix, #suffix) }
    });
    quote! { [#(#segments),*] }
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
        let target = proc_macro2::Literal::byte_string(target.as_bytes());
        Some(quote! { Some(#target) => runtime::server::handle(#name, &FORMAT, Box::pin(#serve(&*api, PathParams::default(), request))).await, })
    });
    quote! {
        /// Calls the operation named by `X-Amz-Target`.
        async fn dispatch<A: Api>(State(api): State<Arc<A>>, request: Request) -> Response {
            // Compared as sent, without a copy; an unknown target is named
            // in the rejection as sent, and no header names no operation.
            let target = request.headers().get("x-amz-target").map(|v| v.as_bytes());
            match target {
                #(#arms)*
                _ => {
                    let named = match target {
                        Some(t) => String::from_utf8_lossy(t).into_owned(),
                        None => String::new(),
                    };
                    FORMAT.reject(Rejection::UnknownOperation(named))
                }
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
