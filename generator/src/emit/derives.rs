//! The serde derives of each named type: only the directions the
//! generated code uses. Derived code is most of what `cargo check` spends
//! on a large API's types; a client never serialises what it only
//! receives, nor parses what it only sends (the server stub the other way
//! round).
//!
//! A type the client sends (reached from a parameter or a request body)
//! is serialised by the client and parsed by the server stub; a type it
//! receives (reached from a response's body, headers or error) is parsed
//! by the client and both serialised and parsed by the stub (which builds
//! responses from JSON too); a type used both ways, or by no operation (GitHub's webhook
//! payloads, which a user parses by hand), or by a webhook or callback,
//! derives both. In a crate with both sides the derive a side needs is
//! behind that side's feature; a build with neither (types only) derives
//! both, so that the `#[serde(…)]` attributes always have a derive to
//! belong to.

use super::groups::{inputs, outputs, push_refs};
use super::layout::Layout;
use crate::ir::{Api, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// Which named types the client sends and which it receives.
pub struct Directions<'a> {
    sent: BTreeSet<&'a str>,
    received: BTreeSet<&'a str>,
    client: bool,
    server: bool,
    layout: Layout,
}

/// The serde derives of one type: `inline` goes at the end of its
/// `#[derive(…)]` list (`, Serialize, Deserialize`), `gated` after it
/// (`#[cfg_attr(…, derive(Serialize))]`).
pub struct Serde {
    pub inline: TokenStream,
    pub gated: TokenStream,
    /// Where `Serialize` and `Deserialize` are derived.
    uses: [Presence; 2],
}

impl Serde {
    /// For impls written by hand instead of derived: the `#[cfg]` of the
    /// `impl Serialize` and of the `impl Deserialize` (`None`: no impl).
    pub fn impl_cfgs(&self) -> [Option<TokenStream>; 2] {
        self.uses.map(|used| match used {
            Presence::Always => Some(TokenStream::new()),
            Presence::Gated(side) => {
                let gate = side.gate();
                Some(quote! { #[cfg(#gate)] })
            }
            Presence::Absent => None,
        })
    }

    fn derives(uses: [Presence; 2]) -> Serde {
        let derives = [quote! { Serialize }, quote! { Deserialize }];
        let (mut inline, mut gated) = (TokenStream::new(), TokenStream::new());
        for (derive, used) in derives.iter().zip(uses) {
            match used {
                Presence::Always => inline.extend(quote! { , #derive }),
                Presence::Gated(side) => {
                    let gate = side.gate();
                    gated.extend(quote! { #[cfg_attr(#gate, derive(#derive))] });
                }
                Presence::Absent => {}
            }
        }
        Serde { inline, gated, uses }
    }
}

impl<'a> Directions<'a> {
    /// `client` and `server`: the sides this output has.
    pub fn of(api: &'a Api, client: bool, server: bool, layout: Layout) -> Self {
        let (mut sent, mut received) = (BTreeSet::new(), BTreeSet::new());
        for op in &api.operations {
            reach(api, inputs(op), &mut sent);
            reach(api, outputs(op), &mut received);
        }
        // A webhook's or callback's types derive both: the user may parse
        // or build them with or without the receiver.
        for op in &api.incoming {
            reach(api, inputs(op).chain(outputs(op)), &mut sent);
            reach(api, inputs(op).chain(outputs(op)), &mut received);
        }
        Directions { sent, received, client, server, layout }
    }

    pub fn serde(&self, name: &str) -> Serde {
        let (sent, received) = (self.sent.contains(name), self.received.contains(name));
        if sent == received {
            // Both ways, or no operation's: both, always.
            return Serde::derives([Presence::Always; 2]);
        }
        // The sides that serialise the type, then those that parse it: the
        // server stub parses responses too (`documented`, a response built
        // from JSON).
        let sides: [&[Side]; 2] = match sent {
            true => [&[Side::Client], &[Side::Server]],
            false => [&[Side::Server], &[Side::Client, Side::Server]],
        };
        Serde::derives(sides.map(|sides| sides.iter().fold(Presence::Absent, |p, side| p.or(self.presence(*side)))))
    }

    /// Where a derive that `side` needs goes.
    fn presence(&self, side: Side) -> Presence {
        let (has, other_has) = match side {
            Side::Client => (self.client, self.server),
            Side::Server => (self.server, self.client),
        };
        match (has, other_has, self.layout) {
            (true, false, _) => Presence::Always,
            (false, true, _) => Presence::Absent,
            // A build script's module has no features.
            (true, true, Layout::Module) => Presence::Always,
            (true, true, Layout::Crate) => Presence::Gated(side),
            (false, false, _) => Presence::Always,
        }
    }
}

/// The `use serde::…` of a types module holding `types`: what their
/// derives name, behind the gate of those derives when they share one (no
/// unused import in any build).
pub fn import<'s>(types: impl IntoIterator<Item = &'s Serde>) -> TokenStream {
    let mut seen = [Presence::Absent; 2];
    for t in types {
        seen = [seen[0].or(t.uses[0]), seen[1].or(t.uses[1])];
    }
    let names = [quote! { Serialize }, quote! { Deserialize }];
    let always: Vec<&TokenStream> =
        names.iter().zip(seen).filter(|(_, p)| *p == Presence::Always).map(|(n, _)| n).collect();
    let mut out = match always.as_slice() {
        [] => TokenStream::new(),
        names => quote! { use serde::{#(#names),*}; },
    };
    for (name, presence) in names.iter().zip(seen) {
        if let Presence::Gated(side) = presence {
            let gate = side.gate();
            out.extend(quote! { #[cfg(#gate)] use serde::#name; });
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    Always,
    /// Behind the side's [`Side::gate`].
    Gated(Side),
    Absent,
}

impl Presence {
    /// Where at least one of two derives is: the gates of both sides
    /// together are every build.
    fn or(self, other: Presence) -> Presence {
        match (self, other) {
            (Presence::Absent, p) | (p, Presence::Absent) => p,
            (Presence::Gated(a), Presence::Gated(b)) if a == b => self,
            _ => Presence::Always,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

impl Side {
    /// The builds that compile this side's code, or neither side's (types
    /// only, which derive both).
    fn gate(self) -> TokenStream {
        let (own, other) = match self {
            Side::Client => ("client", "server"),
            Side::Server => ("server", "client"),
        };
        quote! { any(feature = #own, not(feature = #other)) }
    }
}

/// Adds every type `roots` name, and all they refer to, to `out`.
fn reach<'a>(api: &'a Api, roots: impl Iterator<Item = &'a TypeRef>, out: &mut BTreeSet<&'a str>) {
    let mut stack = Vec::new();
    for ty in roots {
        ty.named_types(&mut stack);
    }
    while let Some(name) = stack.pop() {
        if out.insert(name) {
            push_refs(api, name, &mut stack);
        }
    }
}
