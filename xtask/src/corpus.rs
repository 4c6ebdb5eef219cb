//! `cargo xtask corpus`: every real-world spec of a folder through the
//! whole pipeline into a crate, then `cargo check`, as a Markdown table.
//!
//! The crates go to `target/corpus/<spec>/` and share one target directory
//! (`target/generated-check/`, shared with tests/cli.rs), so the dependencies are compiled once: a
//! warm-up check of the first crate builds them, and each crate's check
//! time is then the time of its own code.

use apigen::emit::Options;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The real-world specs kept in the repository (sources in its README).
pub const DIR: &str = "tests/corpus";

pub struct Settings {
    pub dir: PathBuf,
    /// Only these specs (file names without extension); all when empty.
    pub only: Vec<String>,
    /// Skip `cargo check` (generation only).
    pub no_check: bool,
    /// Then send every operation of each spec that generates through its
    /// client and validate the requests (tests/conformance/run.py).
    pub conformance: bool,
}

struct Row {
    spec: String,
    operations: usize,
    types: usize,
    warnings: usize,
    /// How many warnings of each code: what apigen degraded.
    warning_codes: std::collections::BTreeMap<String, usize>,
    lines: usize,
    /// Of `lines`, the client's (`client.rs` and `client/`).
    client_lines: usize,
    generate: Duration,
    check: Option<(Result<(), String>, Duration)>,
    /// For an API split by tag: the largest tag's feature alone, checked.
    one_tag: Option<(String, Result<(), String>, Duration)>,
    /// The client without the server (with the largest tag, if split):
    /// the serde derives each side gates must still add up.
    client_alone: Option<Result<(), String>>,
    refused: Option<String>,
}

pub fn run(settings: &Settings) -> ExitCode {
    let specs = match specs(settings) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}: {e}", settings.dir.display());
            return ExitCode::from(2);
        }
    };
    let out = PathBuf::from("target/corpus");
    let mut rows = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let row = generate(spec, &out);
        if let Some(why) = &row.refused {
            eprintln!("{}: refused: {why}", row.spec);
        }
        let mut row = row;
        if !settings.no_check && row.refused.is_none() {
            let krate = out.join(&row.spec);
            if i == 0 {
                eprintln!("warm-up: building the dependencies with {}", row.spec);
                let _ = check(&krate, &["--all-features"]);
                touch(&krate.join("src/lib.rs"));
            }
            eprintln!("checking {} ({} lines)", row.spec, row.lines);
            row.check = Some(check(&krate, &["--all-features"]));
            let tag = largest_tag(&krate);
            if let Some(tag) = &tag {
                eprintln!("checking {} with feature {tag} alone", row.spec);
                touch(&krate.join("src/lib.rs"));
                let features = format!("client,server,{tag}");
                let (result, time) = check(&krate, &["--no-default-features", "--features", &features]);
                row.one_tag = Some((tag.clone(), result, time));
            }
            eprintln!("checking {} with the client alone", row.spec);
            touch(&krate.join("src/lib.rs"));
            let features = tag.map_or("client".into(), |t| format!("client,{t}"));
            let (result, _) = check(&krate, &["--no-default-features", "--features", &features]);
            if let Err(e) = &result {
                eprintln!("{}: the client alone does not compile: {e}", row.spec);
            }
            row.client_alone = Some(result);
        }
        rows.push(row);
    }
    print_table(&rows);
    let failed = rows
        .iter()
        .filter(|r| {
            matches!(r.check, Some((Err(_), _)))
                || matches!(r.one_tag, Some((_, Err(_), _)))
                || matches!(r.client_alone, Some(Err(_)))
        })
        .count();
    let refused = rows.iter().filter(|r| r.refused.is_some()).count();
    let compiled = rows.iter().filter(|r| matches!(r.check, Some((Ok(()), _)))).count();
    println!("\n{compiled} of {} specs compile without warnings; {refused} refused; {failed} fail.", rows.len());
    let conforms = !settings.conformance || {
        let generated = specs.iter().zip(&rows).filter(|(_, r)| r.refused.is_none()).map(|(s, _)| s.as_path());
        crate::test::build_apigen() && crate::test::conformance(generated)
    };
    if failed > 0 || !conforms { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// The documents of the folder and of its subfolders one level down
/// (`swagger2/`), then the registry documents (fetched on first use).
fn specs(settings: &Settings) -> std::io::Result<Vec<PathBuf>> {
    let wanted = |p: &PathBuf| {
        matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml"))
            && (settings.only.is_empty() || settings.only.iter().any(|o| Some(o.as_str()) == stem(p).as_deref()))
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&settings.dir)?.filter_map(|e| e.ok().map(|e| e.path())) {
        if entry.is_dir() {
            files.extend(std::fs::read_dir(&entry)?.filter_map(|e| e.ok().map(|e| e.path())).filter(wanted));
        } else if wanted(&entry) {
            files.push(entry);
        }
    }
    files.sort();
    for doc in super::registry::DOCUMENTS {
        if settings.only.is_empty() || settings.only.iter().any(|o| o == doc.name) {
            match super::registry::fetch(doc, Path::new("target/corpus-sources")) {
                Ok(path) => files.push(path),
                Err(e) => eprintln!("{}: not fetched ({}): {e}", doc.name, doc.package),
            }
        }
    }
    Ok(files)
}

fn stem(p: &Path) -> Option<String> {
    p.file_stem().map(|s| s.to_string_lossy().into_owned())
}

/// Generates `spec` (client and server) into `out/<stem>/`.
fn generate(spec: &Path, out: &Path) -> Row {
    let name = stem(spec).unwrap_or_default();
    let mut timings = apigen::Timings::default();
    let start = Instant::now();
    let result = apigen::generate_crate(
        &[spec],
        Options { client: true, server: true, ..Default::default() },
        &format!("corpus-{name}"),
        &mut timings,
        &|_| {},
    );
    let generate = start.elapsed();
    let mut row = Row {
        spec: name.clone(),
        operations: 0,
        types: 0,
        warnings: 0,
        warning_codes: Default::default(),
        lines: 0,
        client_lines: 0,
        generate,
        check: None,
        one_tag: None,
        client_alone: None,
        refused: None,
    };
    match result {
        Ok((ir, output)) => {
            row.operations = ir.apis.iter().map(|a| a.operations.len()).sum();
            row.types = ir.apis.iter().map(|a| a.types.len()).sum();
            row.warnings = ir.apis.iter().map(|a| a.diagnostics.len()).sum();
            for d in ir.apis.iter().flat_map(|a| &a.diagnostics) {
                *row.warning_codes.entry(d.code.clone()).or_default() += 1;
            }
            let rust = || output.files.iter().filter(|(p, _)| p.ends_with(".rs"));
            row.lines = rust().map(|(_, t)| t.lines().count()).sum();
            let client = |p: &str| p.ends_with("/client.rs") || p.contains("/client/");
            row.client_lines = rust().filter(|(p, _)| client(p)).map(|(_, t)| t.lines().count()).sum();
            let dir = out.join(&name);
            if let Err(e) = apigen::output::replace_dir(&dir, &output.files) {
                row.refused = Some(format!("cannot write {}: {e}", dir.display()));
            }
            // The workspace's lock: the versions CI already has.
            let _ = std::fs::copy("Cargo.lock", dir.join("Cargo.lock"));
        }
        Err(e) => {
            let first = e.diagnostics.first();
            row.refused = Some(first.map_or_else(|| "?".into(), |d| format!("{} at {}", d.code, d.location)));
        }
    }
    row
}

/// The tag feature of the crate at `dir` with the most server code, if the
/// crate is split by tag.
fn largest_tag(dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let features = manifest.split("[features]").nth(1)?.split("\n[").next()?;
    let tags = features.lines().filter_map(|l| l.strip_suffix(" = []"));
    let size = |tag: &str| -> u64 {
        let file = format!("server/{}.rs", tag.replace('-', "_"));
        let modules = std::fs::read_dir(dir.join("src")).into_iter().flatten().flatten();
        modules.filter_map(|m| std::fs::metadata(m.path().join(&file)).ok()).map(|m| m.len()).sum()
    };
    tags.max_by_key(|t| (size(t), std::cmp::Reverse(t.to_string()))).map(str::to_owned)
}

/// `cargo check` of the crate at `dir` with `features` (cargo's flags):
/// warnings count as failures.
fn check(dir: &Path, features: &[&str]) -> (Result<(), String>, Duration) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let run = Command::new(cargo)
        .arg("check")
        .args(features)
        .args(["--message-format", "short", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        // The workspace's profile: dependencies optimised, as in its tests.
        .args(["--config", "profile.dev.package.\"*\".opt-level=2"])
        .env("CARGO_TARGET_DIR", "target/generated-check")
        // Every check from scratch: an incremental cache left by an earlier
        // run of the same crate would make the times incomparable.
        .env("CARGO_INCREMENTAL", "0")
        .output();
    let elapsed = start.elapsed();
    let result = match run {
        Err(e) => Err(format!("cannot run cargo: {e}")),
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stderr);
            let count = |kind: &str| text.lines().filter(|l| l.starts_with("src/") && l.contains(kind)).count();
            let (errors, warnings) = (count(": error"), count(": warning"));
            if o.status.success() && warnings == 0 {
                Ok(())
            } else {
                for line in text.lines().filter(|l| l.starts_with("src/")).take(5) {
                    eprintln!("  {line}");
                }
                if errors + warnings == 0 {
                    // Cargo itself failed: say why.
                    for line in text.lines().rev().take(6).collect::<Vec<_>>().into_iter().rev() {
                        eprintln!("  {line}");
                    }
                    return (Err("cargo failed".into()), elapsed);
                }
                Err(format!("{errors} errors, {warnings} warnings"))
            }
        }
    };
    (result, elapsed)
}

fn touch(path: &Path) {
    if let Ok(text) = std::fs::read(path) {
        let _ = std::fs::write(path, text);
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "| spec | operations | types | warnings | warnings by kind | generated lines | generate | cargo check | check time | lines / op | client lines / op | check ms / op | largest tag alone |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|---|");
    for r in rows {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let per_op = |x: f64| if r.operations == 0 { "".into() } else { format!("{:.0}", x / r.operations as f64) };
        let (result, time, per) = match (&r.refused, &r.check) {
            (Some(why), _) => (format!("refused: {why}"), String::new(), String::new()),
            (None, None) => ("not checked".into(), String::new(), String::new()),
            (None, Some((Ok(()), d))) => ("compiles".into(), format!("{:.1} s", d.as_secs_f64()), per_op(ms(*d))),
            (None, Some((Err(e), d))) => (format!("fails: {e}"), format!("{:.1} s", d.as_secs_f64()), per_op(ms(*d))),
        };
        let one_tag = match &r.one_tag {
            None => String::new(),
            Some((tag, Ok(()), d)) => format!("`{tag}`: {:.1} s", d.as_secs_f64()),
            Some((tag, Err(e), _)) => format!("`{tag}` fails: {e}"),
        };
        let kinds: Vec<String> = r.warning_codes.iter().map(|(code, n)| format!("`{code}` {n}")).collect();
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} ms | {result} | {time} | {} | {} | {per} | {one_tag} |",
            r.spec,
            r.operations,
            r.types,
            r.warnings,
            kinds.join(", "),
            r.lines,
            ms(r.generate),
            per_op(r.lines as f64),
            per_op(r.client_lines as f64),
        );
    }
}
