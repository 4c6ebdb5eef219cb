//! Clients and a server stub generated at build time (see `build.rs`).

// At the crate root: `buildtime::vast::{client, server, types}`.
include!(concat!(env!("OUT_DIR"), "/vast.rs"));

/// At any depth: the generated file is one self-contained module.
pub mod aws {
    include!(concat!(env!("OUT_DIR"), "/transfer.rs"));
}
