//! `cargo xtask bench`: the speed figures of issue 19 side by side, in one
//! run. Per spec of a folder:
//!
//! - generation wall time of the release `apigen generate` (a client, the
//!   default options) against `cargo progenitor` (when installed) and, with
//!   `--baseline`, an older apigen binary: the tools interleaved round by
//!   round, the median and min–max of the rounds, and the ratio per round;
//!   with `--instructions`, each tool's run also counted in instructions;
//! - the generated apigen crate (and the baseline's): operations, lines,
//!   lines per operation, and `cargo check` of its own code (wall, user CPU,
//!   peak memory of rustc);
//! - then the stub against the hand-written handler (the `load` example
//!   of tests/fake-cloud, short rounds), its own summary.
//!
//! Every figure is printed, none is asserted: no timed tests.

mod check;
mod generate;
mod instructions;
mod measure;
mod stats;

use generate::{Generator, Tool};
use stats::{Spread, gb, pair, per_op, secs};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// `cargo xtask bench`'s options.
#[derive(clap::Args)]
pub struct Settings {
    /// Folder of OpenAPI documents (and its subfolders).
    #[arg(default_value = crate::corpus::DIR)]
    pub dir: PathBuf,
    /// Only these specs (file names without extension, comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Timed generation rounds per spec (after an untimed one), at least 1.
    #[arg(long, default_value_t = 5, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub runs: usize,
    /// No `cargo check` of the generated crates.
    #[arg(long)]
    pub no_check: bool,
    /// No stub-against-hand-written load benchmark.
    #[arg(long)]
    pub no_load: bool,
    /// The apigen binary to measure (default: `cargo build --release` of this one).
    #[arg(long)]
    pub apigen: Option<PathBuf>,
    /// An older apigen binary, measured beside it (before and after).
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// The `cargo-progenitor` binary (default: `$CARGO_PROGENITOR`, else `PATH`).
    #[arg(long)]
    pub progenitor: Option<PathBuf>,
    /// Arguments of the load example.
    #[arg(long, value_delimiter = ' ', default_value = "--rounds 3 --seconds 1")]
    pub load_args: Vec<String>,
    /// Also count each tool's generation in instructions, once, under
    /// `valgrind --tool=callgrind`: a figure the machine's other load
    /// does not move (about fifty times slower than a plain run).
    #[arg(long)]
    pub instructions: bool,
}

/// One spec's figures.
struct Row {
    spec: String,
    operations: Option<usize>,
    outcomes: Vec<generate::Outcome>,
    /// Lines of each tool's crate (0 when it did not generate).
    lines: Vec<usize>,
    /// `cargo check` of each apigen tool's crate.
    checks: Vec<Option<Result<check::Checked, String>>>,
    /// Instructions of each tool's generation (`--instructions`).
    instructions: Vec<Option<Result<u64, String>>>,
}

pub fn run(settings: &Settings) -> ExitCode {
    let apigen = match &settings.apigen {
        Some(path) => path.clone(),
        None => match build_apigen() {
            Ok(path) => path,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut tools = vec![Tool { name: "apigen", generator: Generator::Apigen(absolute(&apigen)) }];
    if let Some(path) = &settings.baseline {
        tools.push(Tool { name: "apigen before", generator: Generator::Apigen(absolute(path)) });
    }
    match progenitor(settings) {
        Ok(path) => tools.push(Tool { name: "progenitor", generator: Generator::Progenitor(path) }),
        Err(why) => println!("progenitor: skipped ({why})"),
    }
    let specs = match specs(&settings.dir, &settings.only) {
        Ok(specs) if !specs.is_empty() => specs,
        Ok(_) => {
            eprintln!("error: no spec in {} matches", settings.dir.display());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {}: {e}", settings.dir.display());
            return ExitCode::from(2);
        }
    };
    let mut rows = Vec::new();
    for spec in &specs {
        let name = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        eprintln!("{name}: generating, {} rounds", settings.runs);
        let outcomes = generate::run(&tools, spec, &name, settings.runs);
        let lines = tools.iter().map(|t| generate::rust_lines(&t.out(&name).join("src"))).collect();
        let mut checks = Vec::new();
        for (tool, outcome) in tools.iter().zip(&outcomes) {
            let apigen = matches!(tool.generator, Generator::Apigen(_));
            checks.push((apigen && !settings.no_check && outcome.failed.is_none()).then(|| {
                eprintln!("{name}: cargo check of {}'s crate", tool.name);
                check::run(&tool.out(&name))
            }));
        }
        let mut counts = Vec::new();
        for (tool, outcome) in tools.iter().zip(&outcomes) {
            counts.push((settings.instructions && outcome.failed.is_none()).then(|| {
                eprintln!("{name}: {} under callgrind", tool.name);
                let out = tool.out(&name);
                let _ = std::fs::remove_dir_all(&out);
                let (log, logs) = (out.with_extension("callgrind.log"), out.with_extension("callgrind"));
                instructions::count(&tool.command(spec, &out, &name), &log, &logs)
            }));
        }
        let operations = outcomes.iter().find_map(|o| o.operations);
        rows.push(Row { spec: name, operations, outcomes, lines, checks, instructions: counts });
    }
    println!("{}", uptime());
    print_generation(&tools, &rows, settings.runs);
    if settings.instructions {
        print_instructions(&tools, &rows);
    }
    if !settings.no_check {
        print_checks(&tools, &rows);
    }
    print_failures(&tools, &rows);
    if !settings.no_load {
        println!("\n### Stub against hand-written handler (tests/fake-cloud/examples/load.rs)\n");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["run", "--release", "--locked", "--quiet", "-p", "fake-cloud", "--example", "load", "--"])
            .args(&settings.load_args)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("error: the load example failed");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// `cargo build --release` of the `apigen` command; its path.
fn build_apigen() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("building the release apigen: cargo build --release --locked -p apigen --bin apigen");
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "--quiet", "-p", "apigen", "--bin", "apigen"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build --release -p apigen failed".into());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    Ok(absolute(&target.join("release/apigen")))
}

/// `--progenitor`, else `$CARGO_PROGENITOR`, else `cargo-progenitor` on `PATH`.
fn progenitor(settings: &Settings) -> Result<PathBuf, String> {
    let given = settings.progenitor.clone().or_else(|| std::env::var_os("CARGO_PROGENITOR").map(PathBuf::from));
    if let Some(path) = given {
        return if path.is_file() { Ok(absolute(&path)) } else { Err(format!("{} not found", path.display())) };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).map(|d| d.join("cargo-progenitor")).find(|p| p.is_file()).ok_or_else(|| {
        "cargo-progenitor is not on PATH; install it (cargo install cargo-progenitor --locked) or pass --progenitor PATH"
            .into()
    })
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// The documents of `dir` and of its subfolders one level down, sorted.
fn specs(dir: &Path, only: &[String]) -> std::io::Result<Vec<PathBuf>> {
    let wanted = |p: &PathBuf| {
        matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml"))
            && (only.is_empty() || only.iter().any(|o| p.file_stem().is_some_and(|s| s == o.as_str())))
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())) {
        if entry.is_dir() {
            files.extend(std::fs::read_dir(&entry)?.filter_map(|e| e.ok().map(|e| e.path())).filter(wanted));
        } else if wanted(&entry) {
            files.push(entry);
        }
    }
    files.sort();
    Ok(files)
}

/// The load of the machine, which other builds share.
fn uptime() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("machine: {cores} cores, load average {} (1, 5, 15 min) at the end", load.join(" "))
}

fn print_generation(tools: &[Tool], rows: &[Row], runs: usize) {
    println!("\n### Generation: wall time, median (min–max) of {runs} rounds, interleaved\n");
    let mut head = vec!["spec".to_string(), "operations".into()];
    head.extend(tools.iter().map(|t| t.name.to_string()));
    let others: Vec<usize> = (1..tools.len()).collect();
    head.extend(others.iter().map(|&i| format!("{} / apigen, per round", tools[i].name)));
    println!("| {} |", head.join(" | "));
    println!("|---|{}", "---:|".repeat(head.len() - 1));
    for row in rows {
        let mut cells = vec![row.spec.clone(), row.operations.map_or_else(String::new, |n| n.to_string())];
        for outcome in &row.outcomes {
            cells.push(match (&outcome.failed, Spread::of(outcome.wall_ms.iter().copied())) {
                (Some(_), _) => "fails".into(),
                (None, Some(spread)) => spread.ms(),
                (None, None) => String::new(),
            });
        }
        for &i in &others {
            let ratios = stats::paired_ratios(&row.outcomes[i].wall_ms, &row.outcomes[0].wall_ms);
            cells.push(Spread::of(ratios).map_or_else(String::new, |s| s.times()));
        }
        println!("| {} |", cells.join(" | "));
    }
}

fn print_instructions(tools: &[Tool], rows: &[Row]) {
    println!("\n### Generation: instructions (callgrind, one run of each, every thread)\n");
    let mut head = vec!["spec".to_string(), "operations".into()];
    head.extend(tools.iter().map(|t| t.name.to_string()));
    head.extend(tools[1..].iter().map(|t| format!("{} / apigen", t.name)));
    println!("| {} |", head.join(" | "));
    println!("|---|{}", "---:|".repeat(head.len() - 1));
    for row in rows {
        let mut cells = vec![row.spec.clone(), row.operations.map_or_else(String::new, |n| n.to_string())];
        let counted = |i: usize| row.instructions[i].as_ref().and_then(|c| c.as_ref().ok()).copied();
        for (i, outcome) in row.outcomes.iter().enumerate() {
            cells.push(match (&outcome.failed, &row.instructions[i]) {
                (Some(_), _) => "fails".into(),
                (None, Some(Ok(n))) => instructions::millions(*n),
                (None, Some(Err(e))) => e.replace('|', "\\|"),
                (None, None) => String::new(),
            });
        }
        for i in 1..tools.len() {
            let ratio = counted(i).zip(counted(0)).filter(|(_, a)| *a > 0);
            cells.push(ratio.map_or_else(String::new, |(other, a)| format!("{:.2}×", other as f64 / a as f64)));
        }
        println!("| {} |", cells.join(" | "));
    }
}

fn print_checks(tools: &[Tool], rows: &[Row]) {
    let before = tools.iter().position(|t| t.name == "apigen before");
    println!("\n### The generated client crate: lines and `cargo check` of its own code");
    if before.is_some() {
        println!("(before → after)");
    }
    println!();
    println!("| spec | operations | lines | lines / op | check wall | check user CPU | peak memory | result |");
    println!("|---|---:|---:|---:|---:|---:|---:|---|");
    for row in rows {
        let ops = row.operations.unwrap_or(0);
        let figure = |i: Option<usize>, f: &dyn Fn(&check::Checked) -> String| {
            i.and_then(|i| row.checks[i].as_ref()).and_then(|c| c.as_ref().ok()).map_or_else(String::new, f)
        };
        let both = |f: &dyn Fn(&check::Checked) -> String| pair(figure(before, f), figure(Some(0), f));
        let lines = |i: Option<usize>| i.map(|i| row.lines[i]).filter(|n| *n > 0);
        let result = |i: Option<usize>| match i.and_then(|i| row.checks[i].as_ref()) {
            None => String::new(),
            Some(Err(e)) => e.clone(),
            Some(Ok(c)) if c.clean() => "compiles".into(),
            Some(Ok(c)) => format!("{} errors, {} warnings", c.errors, c.warnings),
        };
        let text = |n: Option<usize>| n.map_or_else(String::new, |n| n.to_string());
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            row.spec,
            row.operations.map_or_else(String::new, |n| n.to_string()),
            pair(text(lines(before)), text(lines(Some(0)))),
            pair(per_op(lines(before).unwrap_or(0), ops), per_op(lines(Some(0)).unwrap_or(0), ops)),
            both(&|c| secs(Some(c.measured.wall.as_secs_f64()))),
            both(&|c| secs(Some(c.measured.user.as_secs_f64()))),
            both(&|c| gb(Some(c.measured.peak_kib))),
            pair(result(before), result(Some(0))),
        );
    }
}

fn print_failures(tools: &[Tool], rows: &[Row]) {
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|row| {
            tools.iter().zip(&row.outcomes).filter_map(move |(tool, outcome)| {
                outcome.failed.as_ref().map(|why| format!("| {} | {} | {why} |", row.spec, tool.name))
            })
        })
        .collect();
    if !failures.is_empty() {
        println!("\n### Did not generate\n\n| spec | tool | why (its first error line) |\n|---|---|---|");
        for line in failures {
            println!("{line}");
        }
    }
}
