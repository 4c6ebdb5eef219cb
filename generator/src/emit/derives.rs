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
use crate::ir::{Api, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// Which named types the client sends and which it receives.
pub struct Directions<'a> {
    sent: BTreeSet<&'a str>,
    received: BTreeSet<&'a str>,
    /// The sides this output has.
    sides: Sides,
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
            Presence::Gated(gate) => {
                let gate = gate.tokens();
                Some(quote! { #[cfg(#gate)] })
            }
            Presence::Absent => None,
        })
    }

    /// Whether some build serialises the type (derives `Serialize` or
    /// implements it): its fields need their `skip_serializing_if`.
    pub fn serializes(&self) -> bool {
        self.uses[0] != Presence::Absent
    }

    fn derives(uses: [Presence; 2]) -> Serde {
        let derives = [quote! { Serialize }, quote! { Deserialize }];
        let (mut inline, mut gated) = (TokenStream::new(), TokenStream::new());
        for (derive, used) in derives.iter().zip(uses) {
            match used {
                Presence::Always => inline.extend(quote! { , #derive }),
                Presence::Gated(gate) => {
                    let gate = gate.tokens();
                    gated.extend(quote! { #[cfg_attr(#gate, derive(#derive))] });
                }
                Presence::Absent => {}
            }
        }
        Serde { inline, gated, uses }
    }
}

impl<'a> Directions<'a> {
    /// `sides`: whether the output has a client, a server stub and the
    /// conformance driver (which parses what the client sends).
    pub fn of(api: &'a Api, sides: (bool, bool, bool), layout: Layout) -> Self {
        let (mut sent, mut received) = travels(api);
        // A type no operation reaches derives both ways (a user may build
        // or parse it), and so must everything it holds: Spotify's
        // `AlbumBase` (only an `allOf` base) holds `CopyrightObject`,
        // which operations only receive.
        let unused: Vec<&str> =
            api.types.keys().map(String::as_str).filter(|n| !sent.contains(n) && !received.contains(n)).collect();
        for out in [&mut sent, &mut received] {
            close(api, unused.clone(), out);
        }
        let (client, server, conformance) = sides;
        let mut present = Sides::default();
        present.set(CLIENT, client);
        present.set(SERVER, server);
        present.set(CONFORMANCE, conformance);
        Directions { sent, received, sides: present, layout }
    }

    pub fn serde(&self, name: &str) -> Serde {
        let (sent, received) = (self.sent.contains(name), self.received.contains(name));
        if sent == received {
            // Both ways, or no operation's: both, always.
            return Serde::derives([Presence::Always; 2]);
        }
        // The sides that serialise the type, then those that parse it: the
        // server stub parses responses too (`documented`, a response built
        // from JSON), the conformance driver the requests it sends.
        let needs = match sent {
            true => [Sides(CLIENT), Sides(SERVER | CONFORMANCE)],
            false => [Sides(SERVER), Sides(CLIENT | SERVER)],
        };
        let masks = needs.map(|n| Sides(n.0 & self.sides.0));
        let always = masks.map(|m| self.always(m));
        let uses = [0, 1].map(|i| match (masks[i].0, always[i]) {
            (0, _) => Presence::Absent,
            (_, true) => Presence::Always,
            // So that a build with neither side (types only) still derives
            // something for the `#[serde(…)]` attributes, unless the other
            // derive is always there.
            (_, false) => Presence::Gated(Gate { sides: masks[i], neither: !always[1 - i], of: self.sides }),
        });
        Serde::derives(uses)
    }

    /// Whether every build of this output compiles the code of `sides`.
    fn always(&self, sides: Sides) -> bool {
        let main = Sides(self.sides.0 & (CLIENT | SERVER));
        sides.0 != 0 && (self.layout == Layout::Module || sides.0 & main.0 == main.0)
    }
}

/// The `use serde::…` of a types module holding `types`: what their
/// derives name, behind the gate of those derives when none is always
/// there (no unused import in any build).
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
        if let Presence::Gated(gate) = presence {
            let gate = gate.tokens();
            out.extend(quote! { #[cfg(#gate)] use serde::#name; });
        }
    }
    out
}

const CLIENT: u8 = 1;
const SERVER: u8 = 2;
const CONFORMANCE: u8 = 4;

/// A set of the output's sides, by their cargo features.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Sides(u8);

impl Sides {
    fn set(&mut self, side: u8, on: bool) {
        if on {
            self.0 |= side;
        }
    }

    fn features(self) -> Vec<&'static str> {
        [(CLIENT, "client"), (SERVER, "server"), (CONFORMANCE, "conformance")]
            .into_iter()
            .filter(|(s, _)| self.0 & s != 0)
            .map(|(_, f)| f)
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Presence {
    Always,
    Gated(Gate),
    Absent,
}

/// The builds that compile the code of `sides`, and with `neither` those
/// with neither the client nor the server (types only).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Gate {
    sides: Sides,
    neither: bool,
    /// The sides the output has (the features that exist).
    of: Sides,
}

impl Gate {
    fn tokens(self) -> TokenStream {
        let features = self.sides.features();
        let mut conditions: Vec<TokenStream> = features.iter().map(|f| quote! { feature = #f }).collect();
        if self.neither {
            // Neither side on: the sides not already named are off.
            let main = Sides(self.of.0 & (CLIENT | SERVER) & !self.sides.0).features();
            conditions.extend(match main.as_slice() {
                [] => None,
                [one] => Some(quote! { not(feature = #one) }),
                many => Some(quote! { not(any(#(feature = #many),*)) }),
            });
        }
        match conditions.as_slice() {
            [one] => one.clone(),
            many => quote! { any(#(#many),*) },
        }
    }
}

impl Presence {
    /// Where at least one of two derives is (for the import).
    fn or(self, other: Presence) -> Presence {
        match (self, other) {
            (Presence::Absent, p) | (p, Presence::Absent) => p,
            (Presence::Always, _) | (_, Presence::Always) => Presence::Always,
            (Presence::Gated(a), Presence::Gated(b)) => {
                let union = Gate { sides: Sides(a.sides.0 | b.sides.0), neither: a.neither || b.neither, of: a.of };
                // Client and server together, with neither: every build.
                let main = a.of.0 & (CLIENT | SERVER);
                match union.neither && union.sides.0 & main == main {
                    true => Presence::Always,
                    false => Presence::Gated(union),
                }
            }
        }
    }
}

/// The named types sent (reached from a parameter or a request body) and
/// those received (from a response), by the client.
fn travels(api: &Api) -> (BTreeSet<&str>, BTreeSet<&str>) {
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
    (sent, received)
}

/// `readOnly` and `writeOnly` (OpenAPI 3: "SHALL NOT be sent" in a
/// request, resp. a response): a required `readOnly` property of a type
/// that is sent is not required (a caller has no value for the `id` the
/// server assigns, and the stub must accept a request without it), and a
/// required `writeOnly` property of a type that is received is not
/// required (a response without the `password` it was given parses).
/// One struct serves both directions, so the field is optional in both;
/// a type that travels one way only keeps what the other way would relax.
pub fn views(mut api: Api) -> Api {
    let relax: Vec<(String, bool, bool)> = {
        let (sent, received) = travels(&api);
        api.types
            .keys()
            .map(|n| (n.clone(), sent.contains(n.as_str()), received.contains(n.as_str())))
            .filter(|(_, s, r)| *s || *r)
            .collect()
    };
    for (name, sent, received) in relax {
        if let Some(TypeKind::Struct { fields, .. }) = api.types.get_mut(&name).map(|t| &mut t.kind) {
            for f in fields.iter_mut().filter(|f| (f.read_only && sent) || (f.write_only && received)) {
                f.required = false;
            }
        }
    }
    api
}

/// Adds every type `roots` name, and all they refer to, to `out`.
fn reach<'a>(api: &'a Api, roots: impl Iterator<Item = &'a TypeRef>, out: &mut BTreeSet<&'a str>) {
    let mut stack = Vec::new();
    for ty in roots {
        ty.named_types(&mut stack);
    }
    close(api, stack, out);
}

/// Adds the types named in `stack`, and all they refer to, to `out`.
fn close<'a>(api: &'a Api, mut stack: Vec<&'a str>, out: &mut BTreeSet<&'a str>) {
    while let Some(name) = stack.pop() {
        if out.insert(name) {
            push_refs(api, name, &mut stack);
        }
    }
}
