//! The same input gives the same bytes: every file of a generated crate,
//! and the IR, are identical across processes (each with its own
//! `HashMap` seed) and across thread counts (`APIGEN_THREADS=1`, where
//! emission and rustfmt run one after another, and 8, more threads than
//! this machine has cores), printed by prettyplease alone (the default) or
//! formatted by rustfmt (`--rustfmt`).

mod support;

use std::process::Command;

/// Specs with many types, operations and names to collide: the bundled
/// manifest (four APIs, overlays, Markdown pages) and Spotify's 88
/// operations and 447 types.
const INPUTS: [&str; 2] = ["specs/apis.yaml", "tests/corpus/spotify.json"];

/// How each input is generated: the bundled APIs as printed, Spotify's
/// through rustfmt (its processes run in parallel, largest file first).
const FORMAT: [&[&str]; 2] = [&[], &["--rustfmt"]];

fn apigen(args: &[&str], threads: u32) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(support::root())
        .env("APIGEN_THREADS", threads.to_string())
        .output()
        .unwrap();
    assert!(out.status.success(), "apigen {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn generated_crates_are_byte_identical_across_runs_and_thread_counts() {
    let scratch = std::env::temp_dir().join(format!("apigen-determinism-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    for (input, format) in INPUTS.into_iter().zip(FORMAT) {
        let mut crates = Vec::new();
        for threads in [1, 8] {
            let out = scratch.join(format!("run{threads}/api"));
            let mut args = vec!["generate", input, "--out", out.to_str().unwrap(), "--client", "--server", "-q"];
            args.extend(format);
            apigen(&args, threads);
            crates.push(support::tree(&out));
        }
        let (one, many) = (&crates[0], &crates[1]);
        assert!(one.len() > 5, "{input}: {:?}", one.keys());
        assert_eq!(one.keys().collect::<Vec<_>>(), many.keys().collect::<Vec<_>>(), "{input}: the same files");
        for (path, bytes) in one {
            assert!(bytes == &many[path], "{input}: {} differs between APIGEN_THREADS=1 and 8", path.display());
        }
        let _ = std::fs::remove_dir_all(&scratch);
    }
}

#[test]
fn ir_is_byte_identical_across_runs_and_thread_counts() {
    for input in INPUTS {
        let first = apigen(&["ir", input], 1);
        assert!(first.len() > 1000, "{input}");
        assert!(first == apigen(&["ir", input], 8), "{input}: the IR differs between two runs");
    }
}
