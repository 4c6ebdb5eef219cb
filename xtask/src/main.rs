//! Project automation: `cargo xtask <command>`.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod codegen;

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
    /// Lower every document of a folder of real-world specs and print a
    /// Markdown table: operations, named types, warnings, result, time.
    Corpus {
        /// Folder of OpenAPI documents.
        #[arg(default_value = "../shared/corpus")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    if std::env::set_current_dir(root).is_err() {
        eprintln!("error: cannot enter the workspace root {}", root.display());
        return ExitCode::FAILURE;
    }
    match Cli::parse().command {
        Command::Codegen { check, manifest, krate } => {
            let pairs = match (manifest, krate) {
                (Some(m), Some(k)) => vec![(m, k)],
                _ => vec![
                    (PathBuf::from("specs/apis.yaml"), PathBuf::from("generated")),
                    (PathBuf::from("tests/fixtures/apis.yaml"), PathBuf::from("tests/golden")),
                ],
            };
            // Every pair is generated (and reported) even when one fails.
            let codes: Vec<ExitCode> = pairs.iter().map(|(m, k)| codegen::run(check, m, k)).collect();
            codes.into_iter().find(|c| *c != ExitCode::SUCCESS).unwrap_or(ExitCode::SUCCESS)
        }
        Command::Corpus { dir } => corpus(&dir),
    }
}

fn corpus(dir: &Path) -> ExitCode {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
            .collect(),
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    files.sort();
    println!("| spec | operations | named types | warnings | result | time |");
    println!("|---|---:|---:|---:|---|---:|");
    let mut ok = 0;
    for f in &files {
        let start = Instant::now();
        let result = apigen::ir(&[f]);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        match result {
            Ok(ir) => {
                ok += 1;
                let ops: usize = ir.apis.iter().map(|a| a.operations.len()).sum();
                let types: usize = ir.apis.iter().map(|a| a.types.len()).sum();
                let warns: usize = ir.apis.iter().map(|a| a.diagnostics.len()).sum();
                println!("| {name} | {ops} | {types} | {warns} | lowered | {ms:.0} ms |");
            }
            Err(e) => {
                let first = e.diagnostics.first().map(|d| d.code.as_str()).unwrap_or("?");
                println!("| {name} | | | | refused ({first}) | {ms:.0} ms |");
            }
        }
    }
    println!("\n{ok} of {} documents lowered fully.", files.len());
    ExitCode::SUCCESS
}
