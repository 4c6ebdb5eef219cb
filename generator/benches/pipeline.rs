//! Time and peak memory of each stage of the pipeline on large real specs.
//!
//! `cargo bench -p apigen --bench pipeline [-- SPEC...]` (default: GitHub's
//! and Stripe's specs from tests/corpus). For each spec:
//!
//! - (a) parsing alone into `serde_json::Value` (the floor: no generator
//!   can be faster than reading its input),
//! - (b) the source stage (read, parse, normalise, resolve `$ref`s,
//!   `openapiv3`),
//! - (c) lowering to the IR,
//! - (d1) emission (tokens, printed by prettyplease) and (d2) rustfmt,
//!
//! each the median of `APIGEN_BENCH_RUNS` runs (default 3), and the ratio
//! of the whole (b + c + d1 + d2) to (a). Peak memory is the high-water mark of
//! resident memory (Linux `VmHWM`) of a child process that runs the
//! pipeline up to and including the stage.

use apigen::emit::Options;

/// The allocator of the `apigen` command, so that the numbers are its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const STAGES: [&str; 4] = ["parse", "source", "lower", "emit"];
const LABELS: [&str; 5] = [
    "(a) parse into serde_json::Value",
    "(b) source stage",
    "(c) lowering",
    "(d1) emission: tokens, printed by prettyplease",
    "(d2) formatting: rustfmt",
];

fn main() {
    // A child measuring the peak memory of the stages up to one.
    if let Ok(stage) = std::env::var("APIGEN_BENCH_STAGE") {
        let spec = std::env::args().nth(1).expect("spec path");
        run_until(&stage, Path::new(&spec));
        println!("{}", peak_kib().unwrap_or(0));
        return;
    }
    let mut specs: Vec<PathBuf> =
        std::env::args().skip(1).filter(|a| !a.starts_with("--")).map(PathBuf::from).collect();
    if specs.is_empty() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
        specs = vec![corpus.join("github-rest.json"), corpus.join("stripe.json")];
    }
    let runs: usize = std::env::var("APIGEN_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    for spec in &specs {
        bench(spec, runs);
    }
}

fn bench(spec: &Path, runs: usize) {
    let name = spec.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut samples: Vec<[Duration; 5]> = Vec::new();
    for _ in 0..runs {
        samples.push(timed(spec));
    }
    let median = |i: usize| {
        let mut v: Vec<Duration> = samples.iter().map(|s| s[i]).collect();
        v.sort();
        v[v.len() / 2]
    };
    let times: Vec<Duration> = (0..5).map(median).collect();
    let peaks: Vec<Option<u64>> = STAGES.iter().map(|s| child_peak(s, spec)).collect();
    let size = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
    println!("\n{name} ({:.1} MB), median of {runs} runs", size as f64 / 1e6);
    println!("| stage | time | peak memory (up to this stage) |");
    println!("|---|---:|---:|");
    for (i, label) in LABELS.iter().enumerate() {
        // rustfmt runs in its own process: its memory is not counted.
        let peak = peaks.get(i).copied().flatten();
        let peak =
            peak.map_or_else(|| "(rustfmt's own process)".into(), |kib| format!("{:.0} MiB", kib as f64 / 1024.0));
        println!("| {label} | {:.0} ms | {peak} |", times[i].as_secs_f64() * 1e3);
    }
    let whole = times[1] + times[2] + times[3] + times[4];
    println!("| whole run (b + c + d1 + d2) | {:.0} ms | |", whole.as_secs_f64() * 1e3);
    println!("ratio whole / parse: {:.1}×", whole.as_secs_f64() / times[0].as_secs_f64());
    let unformatted = times[1] + times[2] + times[3];
    println!("ratio without rustfmt (b + c + d1) / parse: {:.1}×", unformatted.as_secs_f64() / times[0].as_secs_f64());
}

/// One run of every stage, timed.
fn timed(spec: &Path) -> [Duration; 5] {
    let start = Instant::now();
    let value = parse(spec);
    let parse_time = start.elapsed();
    drop(value);
    let api = apigen::manifest::from_file(spec);
    let start = Instant::now();
    let loaded = apigen::source::load(&api.sources, &api.overlays).expect("the spec loads");
    let source = start.elapsed();
    let start = Instant::now();
    let lowered = apigen::lower::lower_loaded(&api, loaded).expect("the spec lowers");
    let lower = start.elapsed();
    let start = Instant::now();
    let ir = apigen::ir::Ir { apis: vec![lowered] };
    let files = apigen::emit::emit_unformatted(&ir, Options { client: true, server: true, ..Default::default() });
    let emit = start.elapsed();
    let start = Instant::now();
    let mut output = apigen::emit::Output { files, notes: Vec::new() };
    output.format(apigen::emit::Options { rustfmt: true, ..Default::default() });
    let format = start.elapsed();
    assert!(output.notes.is_empty(), "{:?}", output.notes);
    [parse_time, source, lower, emit, format]
}

fn parse(spec: &Path) -> serde_json::Value {
    let bytes = std::fs::read(spec).expect("the spec is readable");
    if spec.extension().is_some_and(|e| e == "json") {
        serde_json::from_slice(&bytes).expect("valid JSON")
    } else {
        serde_yaml::from_slice(&bytes).expect("valid YAML")
    }
}

fn run_until(stage: &str, spec: &Path) {
    if stage == "parse" {
        std::hint::black_box(parse(spec));
        return;
    }
    let api = apigen::manifest::from_file(spec);
    let loaded = apigen::source::load(&api.sources, &api.overlays).expect("the spec loads");
    if stage == "source" {
        std::hint::black_box(&loaded);
        return;
    }
    let lowered = apigen::lower::lower_loaded(&api, loaded).expect("the spec lowers");
    if stage == "lower" {
        std::hint::black_box(&lowered);
        return;
    }
    let ir = apigen::ir::Ir { apis: vec![lowered] };
    std::hint::black_box(apigen::emit::emit_unformatted(
        &ir,
        Options { client: true, server: true, ..Default::default() },
    ));
}

/// The peak resident memory of a child that runs the stages up to `stage`.
fn child_peak(stage: &str, spec: &Path) -> Option<u64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe).arg(spec).env("APIGEN_BENCH_STAGE", stage).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok().filter(|kib| *kib > 0)
}

/// `VmHWM` of this process, in KiB (Linux).
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
