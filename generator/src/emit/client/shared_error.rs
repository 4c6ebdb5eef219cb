//! One error enum for the operations that document the same errors. Stripe
//! documents exactly one error, `default` with its `Error` schema, on every
//! one of its 452 operations; Train Travel the same five (400, 401, 403,
//! 429, 500, each with its problem body and rate-limit headers) on most of
//! its seven; GitHub a lone 404 with its `basic-error` on hundreds. An
//! enum, and decoding arms of eight lines per status, for each of them said
//! the same thing again and again. Such operations now share one enum,
//! which decodes itself (`decode`); each operation keeps its own name for
//! it (`pub type GetCustomersError = DefaultError;`), so callers and the
//! operation's signatures read as before.

use super::responses::{Errors, errors, errors_key};
use crate::emit::groups::Groups;
use crate::emit::headers;
use crate::ir::{Api, Operation};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// The shared enums of one API's client.
#[derive(Default)]
pub struct SharedErrors {
    /// Operation → its shared enum (an index into `enums`).
    by_operation: BTreeMap<String, usize>,
    enums: Vec<Shared>,
}

struct Shared {
    ident: Ident,
    /// Written with `Self` for the enum's name.
    errors: Errors,
    operations: Vec<String>,
}

/// The most variants an enum is named after (`NotFoundError`,
/// `ForbiddenNotFoundError`); with more, it takes its first operation's
/// name. `DefaultError` when `default` is the one documented error.
const NAMED_AFTER: usize = 2;

impl SharedErrors {
    /// An enum for each set of error responses (the same statuses, bodies,
    /// headers and descriptions) that two operations or more document.
    pub fn of(api: &Api, shared_headers: &headers::Shared) -> SharedErrors {
        let this = format_ident!("Self");
        let types = quote! { types:: };
        // Sets in the order of their first operation, so names are stable.
        let mut sets: Vec<Vec<&Operation>> = Vec::new();
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for op in &api.operations {
            let key = errors_key(api, op, shared_headers);
            if key.is_empty() {
                continue;
            }
            let i = *index.entry(key).or_insert_with(|| {
                sets.push(Vec::new());
                sets.len() - 1
            });
            sets[i].push(op);
        }
        // What the client module names unqualified besides these enums.
        let mut taken: BTreeSet<String> = ["Error", "Client", "Credentials", "Scheme"].map(str::to_owned).into();
        for op in &api.operations {
            taken.extend(["Error", "Builder", "Response"].map(|suffix| format!("{}{suffix}", op.type_name)));
        }
        let mut shared = SharedErrors::default();
        for ops in sets.into_iter().filter(|ops| ops.len() > 1) {
            let errors = errors(api, ops[0], &this, &types, shared_headers);
            let after: String = errors.names.concat();
            let named = format!("{after}Error");
            let fits = errors.names.len() <= NAMED_AFTER && syn::parse_str::<Ident>(&named).is_ok();
            let ident = match fits && taken.insert(named.clone()) {
                true => format_ident!("{named}"),
                // Reserved already, for this operation.
                false => format_ident!("{}Error", ops[0].type_name),
            };
            for op in &ops {
                shared.by_operation.insert(op.name.clone(), shared.enums.len());
            }
            let operations = ops.iter().map(|op| op.name.clone()).collect();
            shared.enums.push(Shared { ident, errors, operations });
        }
        shared
    }

    /// The shared enum `op`'s error enum is, if any.
    pub fn of_operation(&self, op: &Operation) -> Option<&Ident> {
        self.by_operation.get(&op.name).map(|&i| &self.enums[i].ident)
    }

    /// Each enum and its decoding function, with the group module it
    /// belongs in: the group of all its operations when they are in one
    /// (its body types may be that group's alone), else the client module.
    pub fn emit(&self, groups: Option<&Groups>) -> Vec<(Option<String>, TokenStream)> {
        let group = |s: &Shared| Groups::common(groups, s.operations.iter().map(String::as_str));
        self.enums.iter().map(|s| (group(s), s.emit())).collect()
    }
}

impl Shared {
    fn emit(&self) -> TokenStream {
        let ident = &self.ident;
        let decls = &self.errors.decls;
        let decode = self.errors.decode();
        let doc = format!(
            " The documented error responses of {} operations, the same for each (the first: [`Client::{}`]); each names it `<Operation>Error`.",
            self.operations.len(),
            self.operations[0]
        );
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            pub enum #ident { #(#decls)* }

            impl #ident {
                /// `response` as this error, or as undocumented: an
                /// operation's answer to any status it documents no other
                /// way. Public, since some of its operations may be behind
                /// a tag feature that is off.
                pub fn decode<T>(response: RawResponse) -> Result<T, Error<Self>> {
                    #decode
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Two operations have the same key exactly when their error enums
    /// (written with `Self`) are the same, over fixtures with every kind of
    /// error response: statuses, ranges, `default`, documented headers,
    /// bodies named through aliases, AWS error codes.
    #[test]
    fn operations_have_equal_keys_exactly_when_their_enums_are_equal() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let (this, types) = (format_ident!("Self"), quote! { types:: });
        for spec in ["tests/fixtures/apis.yaml", "specs/apis.yaml", "tests/corpus/train-travel.yaml"] {
            let mut pairs = 0;
            let ir = crate::ir(&[root.join(spec)]).expect("the fixture lowers");
            for api in &ir.apis {
                let shared = headers::Shared::of(api, None);
                let keyed: Vec<(String, String)> = api
                    .operations
                    .iter()
                    .map(|op| (errors_key(api, op, &shared), errors(api, op, &this, &types, &shared).key()))
                    .collect();
                for (i, a) in keyed.iter().enumerate() {
                    for b in &keyed[i + 1..] {
                        assert_eq!(a.0 == b.0, a.1 == b.1, "keys {:?} / {:?}, enums {} / {}", a.0, b.0, a.1, b.1);
                        pairs += usize::from(a.0 == b.0 && !a.0.is_empty());
                    }
                }
            }
            // The golden fixtures and Train Travel have operations that share
            // (the seeds' four APIs have one operation each).
            assert_eq!(pairs > 0, spec != "specs/apis.yaml", "{spec}: {pairs} pairs share an enum");
        }
    }
}
