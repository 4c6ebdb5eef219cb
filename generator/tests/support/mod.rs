//! Shared helpers: run the real `apigen` binary from the workspace root.

// Each test crate compiles this module and uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// Runs `apigen ARGS` in the workspace root. A run that outlives `limit` is
/// killed and reported as a hang.
pub fn apigen(args: &[&str], limit: Duration) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_apigen")).args(args), args, limit)
}

/// `apigen ARGS` with its address space limited to `memory_mib` (through
/// the shell's `ulimit -v`, inherited by rustfmt): an input that makes
/// apigen allocate without bound fails instead of taking the machine.
pub fn apigen_limited(args: &[&str], limit: Duration, memory_mib: u64) -> Output {
    let script = format!("ulimit -v {} && exec \"$0\" \"$@\"", memory_mib * 1024);
    run(Command::new("sh").arg("-c").arg(script).arg(env!("CARGO_BIN_EXE_apigen")).args(args), args, limit)
}

fn run(command: &mut Command, args: &[&str], limit: Duration) -> Output {
    let mut child =
        command.current_dir(root()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn apigen");
    // Drain the pipes on threads so a large IR cannot block the child.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut v).ok();
        v
    });
    let t_err = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut v).ok();
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("apigen {args:?} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: t_out.join().unwrap_or_default(), stderr: t_err.join().unwrap_or_default() }
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap());
            }
        }
    }
    out
}
