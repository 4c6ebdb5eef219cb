//! Empty on purpose: this crate exists for its dependency list (see
//! `xtask/src/hack.rs`), which makes every cargo command of the workspace
//! resolve the same features, so that one build of the dependencies serves
//! them all.
