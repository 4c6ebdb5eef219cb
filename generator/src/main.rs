//! The `apigen` command line.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "apigen", version, about = "Typed Rust clients and server stubs from API documentation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the intermediate representation of one or more APIs as JSON.
    ///
    /// PATH is an OpenAPI 3.0/3.1 document (YAML or JSON), a Markdown page
    /// embedding one, or a manifest such as specs/apis.yaml.
    #[command(
        after_help = "Examples:\n  apigen ir specs/apis.yaml\n  apigen ir openapi.yaml > ir.json\n  apigen ir docs/delete-key.md"
    )]
    Ir {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print warnings to stderr as well.
        #[arg(short, long)]
        verbose: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Ir { paths, verbose } => match apigen::ir(&paths) {
            Ok(ir) => {
                if verbose {
                    for d in ir.apis.iter().flat_map(|a| &a.diagnostics) {
                        eprintln!("{d}");
                    }
                }
                match serde_json::to_string_pretty(&ir) {
                    Ok(json) => {
                        println!("{json}");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        eprintln!("error: cannot serialise the IR: {e}");
                        ExitCode::FAILURE
                    }
                }
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        },
    }
}
