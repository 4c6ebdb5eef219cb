//! One error enum for the operations whose only documented error is the
//! same `default` response. Stripe documents exactly one error, `default`
//! with its `Error` schema, on every one of its 452 operations; an enum,
//! and a decoding arm of eight lines, for each of them said the same thing
//! 452 times. They now share `DefaultError`; each operation keeps its own
//! name for it (`pub type GetCustomersError = DefaultError;`), so callers
//! and the operation's signatures read as before.

use super::operation::{DefaultVariant, default_variant};
use crate::emit::groups::Groups;
use crate::ir::{Api, Operation};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// The shared enum: which operations use it and how it is written.
pub struct SharedError {
    pub ident: Ident,
    /// The variant's declaration as text: an operation whose own
    /// declaration is the same shares the enum.
    key: String,
    variant: DefaultVariant,
    operations: Vec<String>,
}

/// The name the shared enum takes, unless an operation's own types use it.
const NAME: &str = "DefaultError";

impl SharedError {
    /// The most common `default`-only error of `api`, when at least two
    /// operations document it.
    pub fn of(api: &Api) -> Option<SharedError> {
        let ident = format_ident!("{NAME}");
        let mut by_key: BTreeMap<String, (DefaultVariant, Vec<String>)> = BTreeMap::new();
        for op in &api.operations {
            if let Some(v) = default_variant(op, &ident) {
                by_key.entry(v.decl.to_string()).or_insert_with(|| (v, Vec::new())).1.push(op.name.clone());
            }
        }
        // Most operations first; the key breaks ties, so output is stable.
        let (key, (variant, operations)) =
            by_key.into_iter().max_by(|a, b| a.1.1.len().cmp(&b.1.1.len()).then(b.0.cmp(&a.0)))?;
        let taken = api.operations.iter().any(|op| {
            ["Error", "Builder", "Response"].iter().any(|suffix| format!("{}{suffix}", op.type_name) == NAME)
        });
        (operations.len() >= 2 && !taken).then_some(SharedError { ident, key, variant, operations })
    }

    /// Whether `op`'s error enum would be this one.
    pub fn covers(&self, op: &Operation) -> bool {
        default_variant(op, &self.ident).is_some_and(|v| v.decl.to_string() == self.key)
    }

    /// The enum and its decoding function, with the group module it
    /// belongs in: the group of all its operations when they are in one
    /// (its body type may be that group's alone), else the client module.
    pub fn emit(&self, groups: Option<&Groups>) -> (Option<String>, TokenStream) {
        let ident = &self.ident;
        let decl = &self.variant.decl;
        let make = &self.variant.make;
        let doc = format!(
            " The one documented error (`default`) of {} operations, each naming it `<Operation>Error`.",
            self.operations.len()
        );
        let tokens = quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            pub enum #ident { #decl }

            impl #ident {
                /// `response` as this error: an operation's answer to any
                /// status it documents no other way.
                fn decode<T>(response: RawResponse) -> Result<T, Error<Self>> {
                    Err(Error::Response(#make))
                }
            }
        };
        let mut in_groups = self.operations.iter().map(|op| Groups::of_operation(groups, op));
        let first = in_groups.next().flatten();
        let group = match in_groups.all(|g| g == first) {
            true => first.map(str::to_owned),
            false => None,
        };
        (group, tokens)
    }
}
