//! What a change breaks: calls on the wire (the class says how badly),
//! and code written against the generated Rust crate, which can break
//! where the wire does not (a new optional argument) and stay whole where
//! the wire breaks (a tighter `maxLength`).

use super::{Class, Dir};
use serde::Serialize;

/// What a change breaks for existing callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Breaks {
    /// Requests or responses that worked stop working.
    Wire,
    /// Code calling the generated Rust crate stops compiling (or matches
    /// differently): a new argument, a removed variant, `T` ↔ `Option<T>`.
    Rust,
    /// Both.
    Both,
}

impl Breaks {
    /// From a change's class (breaking on the wire) and its Rust impact.
    pub fn of(class: Class, rust: bool) -> Option<Breaks> {
        match (class == Class::Breaking, rust) {
            (true, true) => Some(Breaks::Both),
            (true, false) => Some(Breaks::Wire),
            (false, true) => Some(Breaks::Rust),
            (false, false) => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Breaks::Wire => "the wire",
            Breaks::Rust => "the generated Rust API",
            Breaks::Both => "the wire and the generated Rust API",
        }
    }
}

/// Whether a change of `rule` (in a type of direction `dir`) breaks code
/// written against the generated crate. Operations are methods returning
/// a request builder: required parameters and a required body are the
/// method's arguments, optional ones are builder methods (so a new
/// optional one breaks nobody); response statuses are enum arms, schemas
/// are structs with public fields, enums and unions are Rust enums;
/// constraints and 2020-12 keywords are checked values, not types.
pub fn breaks_rust_api(rule: &str, dir: Option<Dir>) -> bool {
    match rule {
        // A method, an argument, a builder method or an arm appears where
        // callers must use it, goes, or changes type.
        "operation.removed"
        | "parameter.added-required"
        | "parameter.removed"
        | "parameter.now-required"
        | "parameter.now-optional"
        | "body.added-required"
        | "body.removed"
        | "body.now-required"
        | "body.now-optional"
        | "response.removed"
        | "response.added"
        | "response.body-removed" => true,
        // A type or a field's type changes (`T` ↔ `Option<T>`, `i64` →
        // `f64`, a struct → an enum), or a variant comes or goes.
        "type.changed" | "type.widened" | "type.narrowed" | "type.nullability" => true,
        "field.removed" | "field.added-required" | "field.now-required" | "field.now-optional" => true,
        "enum.narrowed" | "enum.widened" | "union.member-removed" | "union.member-added" => true,
        "allof.member-added" | "allof.member-removed" => true,
        // A new public field breaks struct literals callers write for
        // requests; response structs are only read.
        "field.added" => dir == Some(Dir::Request),
        _ => false,
    }
}
