//! `cargo xtask hack [--check]`: the `workspace-hack` crate, so that one
//! build of the dependencies serves every cargo command of the project.
//!
//! Cargo resolves features per invocation: `cargo run -p xtask` sees only
//! xtask's dependencies, `cargo build --workspace` leaves out the
//! dev-dependencies, `cargo test --workspace` adds them, and build scripts
//! and proc macros are resolved apart from the rest. A crate reached with
//! other features is another build of it and of everything above it (on a
//! fresh clone `cargo xtask codegen` after `cargo build --workspace` rebuilt
//! 126.5 s of it, measured on an idle 2-core machine). Every workspace member but the `apigen` library depends on
//! `workspace-hack`, which asks for every third-party crate of the
//! workspace with the union of its features, as a normal and as a build
//! dependency: each invocation then resolves the same features and reuses
//! the same builds. (cargo-hakari does this in general; this is the part
//! this workspace needs, without another tool to install.)
//!
//! `apigen` itself does not depend on it: a user's build script that
//! depends on apigen must not compile the generated crates' runtime.
//!
//! The set is read for CI's platform (`PLATFORM`) and written under that
//! platform's target table, so other platforms build as before, just
//! without the sharing.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, ExitCode};

const MANIFEST: &str = "xtask/hack/Cargo.toml";
const PLATFORM: &str = "x86_64-unknown-linux-gnu";
const NAME: &str = "workspace-hack";

pub fn run(check: bool) -> ExitCode {
    match if check { verify() } else { write() } {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: cargo xtask hack: {e}");
            ExitCode::FAILURE
        }
    }
}

fn verify() -> Result<ExitCode, String> {
    let wanted = manifest(&unified(&metadata(true)?)?);
    let committed = std::fs::read_to_string(MANIFEST).map_err(|e| format!("{MANIFEST}: {e}"))?;
    if wanted == committed {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!("{MANIFEST} is stale: the workspace's dependencies or their features changed.");
    eprintln!("Run `cargo xtask hack` and commit the result.\n");
    eprint!("{}", similar::TextDiff::from_lines(&committed, &wanted).unified_diff().header(MANIFEST, "wanted"));
    Ok(ExitCode::FAILURE)
}

/// Resolves the workspace without the hack's own requests (so that a
/// feature nobody asks for any more goes away), then writes the union.
fn write() -> Result<ExitCode, String> {
    std::fs::write(MANIFEST, manifest(&BTreeMap::new())).map_err(|e| format!("{MANIFEST}: {e}"))?;
    let deps = unified(&metadata(false)?)?;
    std::fs::write(MANIFEST, manifest(&deps)).map_err(|e| format!("{MANIFEST}: {e}"))?;
    // Re-lock with the hack's dependencies listed again.
    metadata(false)?;
    eprintln!("wrote {MANIFEST}: {} crates", deps.len());
    Ok(ExitCode::SUCCESS)
}

fn metadata(locked: bool) -> Result<serde_json::Value, String> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["metadata", "--format-version", "1", "--offline", "--filter-platform", PLATFORM]);
    if locked {
        cmd.arg("--locked");
    }
    let out = cmd.output().map_err(|e| format!("cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo metadata failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("cargo metadata: {e}"))
}

/// One entry per third-party crate: its dependency key (the name, or
/// `name-MAJOR` when two versions are in the graph), name, version
/// requirement and features (`default` as the flag it is).
struct Dep {
    name: String,
    req: String,
    default: bool,
    features: BTreeSet<String>,
}

/// Third-party crates reachable from the workspace members other than the
/// hack, with the features the whole workspace resolves for them.
fn unified(meta: &serde_json::Value) -> Result<BTreeMap<String, Dep>, String> {
    let bad = || "cargo metadata: unexpected shape".to_string();
    let members: BTreeSet<&str> =
        meta["workspace_members"].as_array().ok_or_else(bad)?.iter().filter_map(|v| v.as_str()).collect();
    let packages: BTreeMap<&str, &serde_json::Value> =
        meta["packages"].as_array().ok_or_else(bad)?.iter().filter_map(|p| Some((p["id"].as_str()?, p))).collect();
    let nodes: BTreeMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .filter_map(|n| Some((n["id"].as_str()?, n)))
        .collect();
    let hack = members.iter().copied().find(|id| packages.get(id).is_some_and(|p| p["name"] == NAME));
    // Reachable from the members, not counting the hack's own edges.
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&str> = members.iter().copied().filter(|id| Some(*id) != hack).collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for d in nodes.get(id).and_then(|n| n["deps"].as_array()).into_iter().flatten() {
            if let Some(pkg) = d["pkg"].as_str()
                && Some(pkg) != hack
            {
                stack.push(pkg);
            }
        }
    }
    let mut found: Vec<(&str, String, BTreeSet<String>)> = Vec::new();
    for id in seen {
        let p = packages.get(id).ok_or_else(bad)?;
        if members.contains(id) || !p["source"].as_str().is_some_and(|s| s.starts_with("registry+")) {
            continue;
        }
        let features = nodes[id]["features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str().map(str::to_owned))
            .collect();
        found.push((p["name"].as_str().ok_or_else(bad)?, p["version"].as_str().ok_or_else(bad)?.to_owned(), features));
    }
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _, _) in &found {
        *count.entry(name).or_default() += 1;
    }
    let mut deps = BTreeMap::new();
    for (name, version, mut features) in found {
        let req = requirement(&version);
        let key = if count[name] > 1 { format!("{name}-{}", req.replace('.', "_")) } else { name.to_owned() };
        let default = features.remove("default");
        deps.insert(key, Dep { name: name.to_owned(), req, default, features });
    }
    Ok(deps)
}

/// The semver-compatible requirement of a version (`2.0.119` → `2`,
/// `0.16.1` → `0.16`), so that `cargo update` does not make the hack stale.
fn requirement(version: &str) -> String {
    let parts: Vec<&str> = version.split(['.', '-', '+']).take(3).collect();
    match parts.as_slice() {
        ["0", "0", patch, ..] => format!("0.0.{patch}"),
        ["0", minor, ..] => format!("0.{minor}"),
        [major, ..] => (*major).to_owned(),
        [] => version.to_owned(),
    }
}

fn manifest(deps: &BTreeMap<String, Dep>) -> String {
    let mut table = String::new();
    for (key, d) in deps {
        let mut fields = Vec::new();
        if *key != d.name {
            fields.push(format!("package = \"{}\"", d.name));
        }
        fields.push(format!("version = \"{}\"", d.req));
        if !d.default {
            fields.push("default-features = false".into());
        }
        if !d.features.is_empty() {
            let list: Vec<String> = d.features.iter().map(|f| format!("\"{f}\"")).collect();
            fields.push(format!("features = [{}]", list.join(", ")));
        }
        table.push_str(&format!("{key} = {{ {} }}\n", fields.join(", ")));
    }
    format!(
        "# @generated by `cargo xtask hack` (checked by `cargo xtask hack --check`): do not edit.\n\
         # Every third-party crate of the workspace with the union of its features, so\n\
         # that each cargo command resolves the same features and reuses one build\n\
         # (see xtask/src/hack.rs).\n\
         [package]\n\
         name = \"{NAME}\"\n\
         version = \"0.1.0\"\n\
         description = \"Unifies dependency features across the workspace's cargo commands (one build serves all).\"\n\
         edition.workspace = true\n\
         rust-version.workspace = true\n\
         license.workspace = true\n\
         publish.workspace = true\n\
         build = \"build.rs\"\n\
         \n\
         [lib]\n\
         path = \"lib.rs\"\n\
         \n\
         [target.{PLATFORM}.dependencies]\n\
         {table}\n\
         [target.{PLATFORM}.build-dependencies]\n\
         {table}"
    )
}
