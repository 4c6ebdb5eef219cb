//! The `apigen` command line.

mod progress;
mod review_cmd;

use apigen::{Timings, diag, emit, output};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// See `mimalloc` in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process: mimalloc asks for them
/// on its arenas, and the kernel then zeroes 2 MiB on a first touch, which
/// measured 0.4 to 1.2 s of system time on GitHub's spec (`clear_page` a
/// third of the profile) against 0.2 to 0.4 s without. A short-lived
/// process gains nothing from fewer TLB misses to pay for that.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and touches no
    // memory of ours; a kernel without it returns an error, ignored.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  a spec problem (the message names the file, the place and the fix); nothing was written
  2  a usage problem: bad arguments, or an output directory apigen may not replace
  3  the output could not be written (the previous output is left as it was)
  4  review and diff: a spec could not be read, so it was not reviewed or compared
review and diff exit 1 when a finding reaches --fail-on";

#[derive(Parser)]
#[command(
    name = "apigen",
    version,
    about = "Typed Rust clients and server stubs from API documentation",
    after_help = EXIT_CODES
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a ready-to-build crate from one or more specs.
    ///
    /// Each PATH is an OpenAPI 3.0/3.1 document (YAML or JSON), a Markdown
    /// page embedding one, or a manifest such as specs/apis.yaml; each API
    /// becomes a module of the crate. The crate is written to a temporary
    /// directory and swapped in only when everything succeeded: on any
    /// error DIR is left exactly as it was. In a DIR apigen generated
    /// before, Cargo.toml, rustfmt.toml and src/ are replaced and anything
    /// else (target/, Cargo.lock, .git) is kept.
    #[command(after_help = "Examples:
  apigen generate openapi.yaml --out petstore
  apigen generate train-travel.yaml --out /tmp/tt && cargo check --manifest-path /tmp/tt/Cargo.toml
  apigen generate specs/apis.yaml --out vendor-apis --client --server -v")]
    Generate {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// The crate's directory (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Emit async clients (the default when neither --client nor --server is given).
        #[arg(long)]
        client: bool,
        /// Emit axum server stubs.
        #[arg(long)]
        server: bool,
        /// Put each tag's operations, and the types only they use, behind
        /// a cargo feature of the tag's name (all on by default).
        #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
        by_tag: emit::ByTag,
        /// Keep `format: date-time`, `date` and `uuid` strings as `String`
        /// [default: `chrono::DateTime<Utc>`, `chrono::NaiveDate`, `uuid::Uuid`].
        #[arg(long)]
        string_formats: bool,
        /// Format the generated code with rustfmt (which must be installed)
        /// [default: as printed by prettyplease, modules marked
        /// `#[rustfmt::skip]` so that `cargo fmt` leaves them as they are].
        #[arg(long)]
        rustfmt: bool,
        /// Also emit the conformance driver behind the cargo feature
        /// `conformance`: `conformance::run` sends any operation with
        /// arguments given as JSON (see docs/guide.md, "Conformance").
        #[arg(long)]
        conformance: bool,
        /// The package name [default: DIR's name].
        #[arg(long = "crate", value_name = "NAME")]
        crate_name: Option<String>,
        /// Print warnings' help and the time spent per stage.
        #[arg(short, long)]
        verbose: bool,
        /// Print errors only.
        #[arg(short, long, conflicts_with = "verbose")]
        quiet: bool,
    },
    /// Print the intermediate representation of one or more APIs as JSON.
    ///
    /// PATH is an OpenAPI 3.0/3.1 document (YAML or JSON), a Markdown page
    /// embedding one, or a manifest such as specs/apis.yaml.
    #[command(after_help = "Examples:
  apigen ir specs/apis.yaml
  apigen ir openapi.yaml > ir.json
  apigen ir docs/delete-key.md")]
    Ir {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Print warnings to stderr as well.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Review specs: a summary of each API and lint findings.
    ///
    /// Each source is linted as published; a finding that an overlay of
    /// the manifest already corrects says so (and does not count for
    /// --fail-on). Locations are file:line (the page's line for a Markdown
    /// page) and a JSON pointer. `apigen review --help` lists the rules.
    #[command(after_help = REVIEW_HELP.as_str())]
    Review(review_cmd::ReviewArgs),
    /// Classify the changes between two versions of a spec.
    ///
    /// Each change is breaking, warning or info, located in the version
    /// that has it (removals in OLD, the rest in NEW).
    #[command(after_help = "Examples:
  apigen diff old/transfer.yaml specs/aws/transfer.yaml
  apigen diff git:HEAD~1:specs/apis.yaml specs/apis.yaml --fail-on breaking
  apigen diff a.yaml b.yaml --format json")]
    Diff(review_cmd::DiffArgs),
    /// Print the OpenAPI document code is generated from, as JSON.
    ///
    /// The API's sources merged, its overlays applied and the result
    /// normalised to OpenAPI 3.0: the contract a generated server stub
    /// implements, for tools that test servers against a spec.
    #[command(after_help = "Examples:
  apigen openapi specs/apis.yaml --api vast > vast.json
  apigen openapi specs/apis.yaml --api aws --stub > aws-stub.json
  apigen openapi openapi.yaml")]
    Openapi {
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// The API of a manifest to print (needed when it lists several).
        #[arg(long, value_name = "NAME")]
        api: Option<String>,
        /// Describe the generated server stub: add the rejections it
        /// answers on its own (x-apigen-errors) to each operation.
        #[arg(long)]
        stub: bool,
    },
}

/// The rules `apigen review` applies (the RULES table of the library).
static REVIEW_HELP: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut s = String::from("Rules:\n");
    for r in apigen::review::rules::RULES {
        s += &format!("  {:<38}{:<8} {}\n", r.id, r.severity.to_string(), r.checks);
    }
    s + "\nExamples:\n  apigen review specs/apis.yaml\n  apigen review openapi.yaml --format md > REVIEW.md\n  apigen review specs/apis.yaml --format json --fail-on error"
});

/// Exit statuses (see `EXIT_CODES`).
const SPEC_PROBLEM: u8 = 1;
const USAGE: u8 = 2;
const WRITE_FAILED: u8 = 3;
/// `review` and `diff`: a spec that cannot be read is neither a finding
/// (1) nor a clean result (0), so a CI gate never mistakes one for the other.
const UNREADABLE: u8 = 4;

fn main() -> ExitCode {
    no_huge_pages();
    match Cli::parse().command {
        Command::Generate {
            paths,
            out,
            client,
            server,
            by_tag,
            string_formats,
            rustfmt,
            conformance,
            crate_name,
            verbose,
            quiet,
        } => {
            let options = emit::Options {
                client: client || !server,
                server,
                by_tag,
                string_formats,
                rustfmt,
                conformance,
                runtime_tests: false,
            };
            let report = Report { verbose, quiet };
            match generate(&paths, &out, options, crate_name, report) {
                Ok(()) => ExitCode::SUCCESS,
                Err(code) => ExitCode::from(code),
            }
        }
        Command::Ir { paths, verbose } => ir(&paths, verbose),
        Command::Review(args) => review_cmd::review(args),
        Command::Diff(args) => review_cmd::diff(args),
        Command::Openapi { path, api, stub } => openapi(&path, api.as_deref(), stub),
    }
}

#[derive(Clone, Copy)]
struct Report {
    verbose: bool,
    quiet: bool,
}

fn generate(
    paths: &[PathBuf],
    out: &Path,
    options: emit::Options,
    crate_name: Option<String>,
    report: Report,
) -> Result<(), u8> {
    let name = match crate_name {
        Some(n) => n,
        None => out
            .canonicalize()
            .unwrap_or_else(|_| out.to_path_buf())
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    };
    if !emit::is_valid_crate_name(&name) {
        eprintln!(
            "error: `{name}` cannot name a crate\n  help: pass --crate NAME (letters, digits, `-` and `_`, starting with a letter)"
        );
        return Err(USAGE);
    }
    if let Some(why) = output::refuse_target(out) {
        eprintln!("error: {why}");
        return Err(USAGE);
    }
    let unchanged = || {
        if out.exists() {
            eprintln!("error: nothing was written; {} is unchanged", out.display());
        } else {
            eprintln!("error: nothing was written");
        }
    };

    let started = Instant::now();
    let mut timings = Timings::default();
    let bar = progress::Bar::new(report.quiet);
    bar.spin("reading specs");
    let generated = apigen::generate_crate(paths, options, &name, &mut timings, &|step| bar.step(step));
    bar.clear();
    let (ir, generated) = match generated {
        Ok(done) => done,
        Err(e) => {
            eprintln!("{e}");
            unchanged();
            return Err(SPEC_PROBLEM);
        }
    };
    if !report.quiet {
        print_warnings(&ir, report.verbose);
    }
    let operations: usize = ir.apis.iter().map(|a| a.operations.len()).sum();
    for note in &generated.notes {
        eprintln!("warning: {note}");
    }

    let start = Instant::now();
    let changed = match output::replace_dir(out, &generated.files) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            unchanged();
            return Err(WRITE_FAILED);
        }
    };
    timings.write = start.elapsed();

    if !report.quiet {
        let lines: usize = generated.files.values().map(|t| t.lines().count()).sum();
        let apis = ir.apis.len();
        print_out(&format!(
            "{}: crate `{name}`, {apis} API{}, {operations} operations, {} files ({changed} changed), {lines} lines\n  next: cargo check --manifest-path {}",
            out.display(),
            if apis == 1 { "" } else { "s" },
            generated.files.len(),
            out.join("Cargo.toml").display()
        ));
        if let Some(ws) = enclosing_workspace(out) {
            eprintln!(
                "note: {} is inside the cargo workspace of {}; add it to that workspace's `members` (or `exclude`) before building",
                out.display(),
                ws.display()
            );
        }
    }
    if report.verbose {
        print_timings(&timings, started.elapsed());
    }
    // The process ends here: the OS takes the memory back at once, where
    // freeing the IR and the files one allocation at a time would not.
    std::mem::forget((ir, generated));
    Ok(())
}

/// The `Cargo.toml` of a workspace above `dir` that does not already list
/// it: cargo refuses to build a package inside a workspace it is not part of.
fn enclosing_workspace(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let name = dir.file_name()?.to_string_lossy().into_owned();
    dir.ancestors().skip(1).map(|a| a.join("Cargo.toml")).find_map(|manifest| {
        let text = std::fs::read_to_string(&manifest).ok()?;
        (text.contains("[workspace]") && !text.contains(&name)).then_some(manifest)
    })
}

fn print_warnings(ir: &apigen::ir::Ir, verbose: bool) {
    let warnings: Vec<&diag::Diagnostic> =
        ir.apis.iter().flat_map(|a| &a.diagnostics).filter(|d| d.severity == diag::Severity::Warning).collect();
    for d in &warnings {
        if verbose {
            eprintln!("{d}");
        } else {
            eprintln!("{}", d.to_string().lines().next().unwrap_or_default());
        }
    }
}

fn print_timings(t: &Timings, total: std::time::Duration) {
    let stages = [("source", t.source), ("lower", t.lower), ("emit", t.emit), ("format", t.format), ("write", t.write)];
    eprintln!("time per stage:");
    for (stage, d) in stages {
        eprintln!("  {stage:<7}{:>10.1} ms", d.as_secs_f64() * 1e3);
    }
    eprintln!("  {:<7}{:>10.1} ms", "total", total.as_secs_f64() * 1e3);
}

fn ir(paths: &[PathBuf], verbose: bool) -> ExitCode {
    match apigen::ir(paths) {
        Ok(ir) => {
            if verbose {
                for d in ir.apis.iter().flat_map(|a| &a.diagnostics) {
                    eprintln!("{d}");
                }
            }
            match serde_json::to_string_pretty(&ir) {
                Ok(json) => {
                    print_out(&json);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: cannot serialise the IR: {e}");
                    ExitCode::from(SPEC_PROBLEM)
                }
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(SPEC_PROBLEM)
        }
    }
}

/// Prints a line to stdout. A reader that went away (`apigen ir x | head`)
/// is not a failure, so a broken pipe is ignored instead of panicking as
/// `println!` does.
fn print_out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = writeln!(stdout, "{text}").and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to stdout: {e}");
    }
}

fn openapi(path: &Path, api: Option<&str>, stub: bool) -> ExitCode {
    let printed = apigen::openapi(path, api, stub).map_err(|e| e.to_string()).and_then(|doc| {
        serde_json::to_string_pretty(&doc).map_err(|e| format!("error: cannot serialise the document: {e}"))
    });
    match printed {
        Ok(json) => {
            print_out(&json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(SPEC_PROBLEM)
        }
    }
}
