//! Present so that the manifest's `[build-dependencies]` (the same list as
//! its dependencies) take part in resolution: build scripts and proc macros
//! then see the same features as the rest, and share their builds.
fn main() {}
