//! `cargo check` of a generated crate, its own code alone: the
//! dependencies are built first by a check with an empty `src/lib.rs` (in
//! a target folder all generated crates share), then the crate is checked
//! with `src/lib.rs` restored (so touched), without an incremental cache.

use super::measure::{self, Measured};
use std::path::Path;
use std::process::Command;

/// `target/generated-check`, shared with `cargo xtask corpus` and tests/cli.rs.
const TARGET: &str = "target/generated-check";

pub struct Checked {
    pub measured: Measured,
    /// Errors and warnings in the crate's code (a warning is a failure).
    pub errors: usize,
    pub warnings: usize,
}

impl Checked {
    pub fn clean(&self) -> bool {
        self.measured.success && self.warnings == 0
    }
}

pub fn run(krate: &Path) -> Result<Checked, String> {
    // The workspace's lock: the versions already built.
    let _ = std::fs::copy("Cargo.lock", krate.join("Cargo.lock"));
    let lib = krate.join("src/lib.rs");
    let code = std::fs::read(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    let log = krate.join("check.log");
    std::fs::write(&lib, "").map_err(|e| e.to_string())?;
    let warm = measure::run(&mut cargo_check(krate), &log);
    std::fs::write(&lib, &code).map_err(|e| e.to_string())?;
    match warm {
        Ok(m) if m.success => {}
        Ok(_) => return Err(format!("the dependencies do not build: see {}", log.display())),
        Err(e) => return Err(format!("cannot run cargo: {e}")),
    }
    let measured = measure::run(&mut cargo_check(krate), &log).map_err(|e| format!("cannot run cargo: {e}"))?;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let count = |kind: &str| text.lines().filter(|l| l.starts_with("src/") && l.contains(kind)).count();
    Ok(Checked { measured, errors: count(": error"), warnings: count(": warning") })
}

fn cargo_check(krate: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args(["check", "--message-format", "short", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        // The workspace's profile: dependencies optimised, as in its tests.
        .args(["--config", "profile.dev.package.\"*\".opt-level=2"])
        .env("CARGO_TARGET_DIR", TARGET)
        .env("CARGO_INCREMENTAL", "0");
    command
}
