//! The conformance harness: sends every case of a file through the driver
//! of a crate generated with `apigen generate --conformance` (the
//! dependency `api`), one request per case, and prints one JSON line per
//! case: `{"case": N, "error": null | "why the client sent nothing"}`.
//! run.py writes a Cargo.toml beside a copy of this file for each crate.
//!
//!     harness BASE_URL CASES.json

use std::process::ExitCode;

/// The driver's `run` is one `match` with an arm per operation; unoptimised
/// (as run.py builds it), its frame grows with the operations and Stripe's
/// 452 overflowed the main thread's 8 MiB. A thread with room runs it.
const STACK: usize = 1 << 30;

fn main() -> ExitCode {
    match std::thread::Builder::new().stack_size(STACK).spawn(cases) {
        Ok(thread) => thread.join().unwrap_or(ExitCode::FAILURE),
        Err(e) => {
            eprintln!("error: no thread for the cases: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cases() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, base_url, cases] = args.as_slice() else {
        eprintln!("usage: harness BASE_URL CASES.json");
        return ExitCode::from(2);
    };
    let cases: Vec<serde_json::Value> = match std::fs::read_to_string(cases).map(|t| serde_json::from_str(&t)) {
        Ok(Ok(cases)) => cases,
        Ok(Err(e)) => {
            eprintln!("error: {cases}: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("error: {cases}: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: no tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (number, case) in cases.iter().enumerate() {
        let result = runtime.block_on(api::conformance::run(base_url, number, case));
        println!("{}", serde_json::json!({ "case": number, "error": result.err() }));
    }
    ExitCode::SUCCESS
}
