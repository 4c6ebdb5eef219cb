//! Project automation: `cargo xtask <command>`.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod codegen;
mod corpus;
mod hack;
mod registry;
mod test;

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` from specs/apis.yaml, and the golden crate
    /// `tests/golden/` from tests/fixtures/apis.yaml.
    Codegen {
        /// Write nothing: print a unified diff of what is stale and exit 1
        /// if anything is.
        #[arg(long)]
        check: bool,
        /// Only this manifest (with `--crate`).
        #[arg(long, requires = "krate")]
        manifest: Option<PathBuf>,
        /// The crate whose `src/` is generated from `--manifest`.
        #[arg(long = "crate", requires = "manifest")]
        krate: Option<PathBuf>,
    },
    /// Write `REVIEW.md` (spec review: API summary and lint findings) next
    /// to the generated code of specs/apis.yaml and tests/fixtures/apis.yaml.
    /// `cargo xtask codegen` writes it too, and `--check` keeps it fresh.
    Review {
        /// Write nothing: print a diff and exit 1 if REVIEW.md is stale.
        #[arg(long)]
        check: bool,
    },
    /// Run every check CI runs, in CI's order: the Python tools into `.venv/`,
    /// fmt, the workspace-hack, generated code fresh, clippy, the tests, the
    /// corpus (all but its two largest specs) and schemathesis. Stops at the
    /// first failing step.
    Test {
        /// Leave out these steps (comma-separated).
        #[arg(long, value_delimiter = ',')]
        skip: Vec<String>,
        /// Run only these steps (comma-separated).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Make or update `.venv/`, the project's Python environment with the
    /// tools the tests drive (tests/requirements.txt). `cargo xtask test`
    /// does this first.
    Setup,
    /// Rewrite `xtask/hack/Cargo.toml` (every dependency of the workspace
    /// with the union of its features, so one build serves every command),
    /// or with `--check` say whether it is stale.
    Hack {
        /// Write nothing: print a diff and exit 1 if the hack is stale.
        #[arg(long)]
        check: bool,
    },
    /// Generate a crate (client and server) from every spec of a folder
    /// (and of its subfolders, such as `swagger2/`) and from the registry
    /// documents of xtask/src/registry.rs (fetched with npm on first use),
    /// `cargo check` each, and print a Markdown table: operations, types,
    /// warnings and their kinds, generated lines, generate time, check
    /// result and time.
    /// Exits 1 if a crate does not compile without warnings.
    Corpus {
        /// Folder of OpenAPI documents.
        #[arg(default_value = corpus::DIR)]
        dir: PathBuf,
        /// Only these specs (file names without extension, comma-separated).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Generate only; no `cargo check`.
        #[arg(long)]
        no_check: bool,
        /// Also send every operation of each spec that generates through
        /// its generated client and validate each request against the
        /// spec with openapi-core (tests/conformance/run.py; needs
        /// `cargo xtask setup`).
        #[arg(long)]
        conformance: bool,
    },
    /// The speed figures side by side, one run: per spec, generation wall
    /// time of the release `apigen generate` against `cargo progenitor`
    /// (and `--baseline`), interleaved rounds, medians, min–max and the
    /// ratio; the generated crate's lines per operation and `cargo check`
    /// wall, user CPU and peak memory; then the stub against the
    /// hand-written handler (the `load` example). Prints Markdown tables;
    /// asserts nothing.
    Bench(bench::Settings),
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    if std::env::set_current_dir(root).is_err() {
        eprintln!("error: cannot enter the workspace root {}", root.display());
        return ExitCode::FAILURE;
    }
    // Every pair is generated (and reported) even when one fails.
    let all = |codes: Vec<ExitCode>| codes.into_iter().find(|c| *c != ExitCode::SUCCESS).unwrap_or(ExitCode::SUCCESS);
    match Cli::parse().command {
        Command::Codegen { check, manifest, krate } => {
            let pairs = match (manifest, krate) {
                (Some(m), Some(k)) => vec![(m, k)],
                _ => bundled(),
            };
            all(pairs.iter().map(|(m, k)| codegen::run(check, m, k)).collect())
        }
        Command::Review { check } => all(bundled().iter().map(|(m, k)| codegen::run_review(check, m, k)).collect()),
        Command::Corpus { dir, only, no_check, conformance } => {
            corpus::run(&corpus::Settings { dir, only, no_check, conformance })
        }
        Command::Bench(settings) => bench::run(&settings),
        Command::Test { skip, only } => test::run(&test::Settings { skip, only }),
        Command::Setup => match test::setup_python() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Command::Hack { check } => hack::run(check),
    }
}

/// The bundled manifests and the crates generated from them.
fn bundled() -> Vec<(PathBuf, PathBuf)> {
    vec![
        (PathBuf::from("specs/apis.yaml"), PathBuf::from("generated")),
        (PathBuf::from("tests/fixtures/apis.yaml"), PathBuf::from("tests/golden")),
    ]
}
