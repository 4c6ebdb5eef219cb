//! Generation of one spec by each generator, interleaved round by round.

use super::measure::{self, Measured};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A generator of client crates.
pub enum Generator {
    /// An `apigen` binary: `apigen generate SPEC --out DIR` (a client, the
    /// default options).
    Apigen(PathBuf),
    /// `cargo-progenitor`: `cargo progenitor -i SPEC -o DIR -n NAME -v 0.1.0`.
    Progenitor(PathBuf),
}

pub struct Tool {
    /// `apigen`, `apigen before`, `progenitor`: also the folder of its crates
    /// under `target/bench/`.
    pub name: &'static str,
    pub generator: Generator,
}

impl Tool {
    pub fn command(&self, spec: &Path, out: &Path, krate: &str) -> Command {
        match &self.generator {
            Generator::Apigen(binary) => {
                let mut command = Command::new(binary);
                command.arg("generate").arg(spec).arg("--out").arg(out);
                command
            }
            Generator::Progenitor(binary) => {
                let mut command = Command::new(binary);
                // Its errors without a captured backtrace.
                command.env("RUST_BACKTRACE", "0").env("RUST_LIB_BACKTRACE", "0");
                command.arg("progenitor").arg("-i").arg(spec).arg("-o").arg(out);
                command.args(["-n", krate, "-v", "0.1.0"]);
                command
            }
        }
    }

    /// Where its crate of `krate` goes.
    pub fn out(&self, krate: &str) -> PathBuf {
        Path::new("target/bench").join(self.name.replace(' ', "-")).join(krate)
    }
}

/// What one tool did with one spec.
pub struct Outcome {
    /// Wall milliseconds of each timed round, in round order.
    pub wall_ms: Vec<f64>,
    pub last: Option<Measured>,
    /// Why it could not generate, from its own output.
    pub failed: Option<String>,
    /// The summary line of apigen (`…, 1223 operations, …`).
    pub operations: Option<usize>,
}

/// Generates `spec` with every tool: an untimed first round (a warm file
/// cache; a tool that fails there is left out), then `runs` timed rounds,
/// the order reversed every other round (ABBA) so that neither tool always
/// runs first. The output folder is removed before each run.
pub fn run(tools: &[Tool], spec: &Path, krate: &str, runs: usize) -> Vec<Outcome> {
    let mut outcomes: Vec<Outcome> =
        tools.iter().map(|_| Outcome { wall_ms: Vec::new(), last: None, failed: None, operations: None }).collect();
    for round in 0..=runs {
        let mut order: Vec<usize> = (0..tools.len()).collect();
        if round % 2 == 0 {
            order.reverse();
        }
        for index in order {
            let (tool, outcome) = (&tools[index], &mut outcomes[index]);
            if outcome.failed.is_some() {
                continue;
            }
            let out = tool.out(krate);
            let _ = std::fs::remove_dir_all(&out);
            if let Some(parent) = out.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let log = out.with_extension("log");
            match measure::run(&mut tool.command(spec, &out, krate), &log) {
                Err(e) => outcome.failed = Some(format!("cannot run: {e}")),
                Ok(m) if !m.success => outcome.failed = Some(reason(&log)),
                Ok(m) => {
                    if round > 0 {
                        outcome.wall_ms.push(m.wall.as_secs_f64() * 1e3);
                    }
                    outcome.last = Some(m);
                    outcome.operations = summary_operations(&log);
                }
            }
        }
    }
    outcomes
}

/// The first line of a failed run's output that says what went wrong (a
/// panic: its message and the file of the generator that panicked).
fn reason(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let found = lines.iter().position(|l| l.contains("fail") || l.contains("rror") || l.contains("panicked at"));
    let line = match found {
        Some(i) if lines[i].contains("panicked at") => {
            // `…/progenitor-impl-0.15.1/src/method.rs:2057:23:`
            let (dir, place) = lines[i].rsplit_once("/src/").unwrap_or_default();
            let (place, crate_dir) = (place.trim_end_matches(':'), dir.rsplit('/').next().unwrap_or_default());
            format!("panic in {crate_dir} {place}: {}", lines.get(i + 1).unwrap_or(&""))
        }
        Some(i) => lines[i].to_string(),
        None => lines.last().map_or_else(|| "failed without output".into(), |l| l.to_string()),
    };
    let line: String = line.chars().take(160).collect();
    line.replace('|', "\\|")
}

/// The operation count of apigen's summary line.
fn summary_operations(log: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(log).ok()?;
    let line = text.lines().find(|l| l.contains(" operations, "))?;
    let before = line.split(" operations, ").next()?;
    before.rsplit(' ').next()?.parse().ok()
}

/// Lines of the Rust files under `dir`.
pub fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                rust_lines(&p)
            } else if p.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&p).map_or(0, |t| t.lines().count())
            } else {
                0
            }
        })
        .sum()
}
