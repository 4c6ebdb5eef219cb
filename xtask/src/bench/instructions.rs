//! `--instructions`: each tool's generation of each spec counted once in
//! instructions, under `valgrind --tool=callgrind` (every thread of the
//! process). Wall and CPU time move with whatever else the machine runs
//! (on a shared 2-core machine one binary's GitHub run went from 1.1 s to
//! 1.6 s between minutes); the count does not, so a before/after or an
//! apigen/progenitor verdict can rest on it where time cannot. valgrind
//! runs a program about fifty times slower: GitHub's spec takes minutes.
//! Child processes are counted too (`--trace-children`): progenitor's CLI
//! runs rustfmt on what it wrote.

use std::path::Path;
use std::process::Command;

/// The instructions `command` and its children executed: the sum of
/// callgrind's summary lines (`==PID== Collected : N`), one per process,
/// each written to a file of its own in `logs` (a child's standard error
/// may be read by its parent: progenitor reads rustfmt's), or why there
/// is no count. `log` has the processes' own output.
pub fn count(command: &Command, log: &Path, logs: &Path) -> Result<u64, String> {
    let _ = std::fs::remove_dir_all(logs);
    std::fs::create_dir_all(logs).map_err(|e| format!("cannot create {}: {e}", logs.display()))?;
    let mut counted = Command::new("valgrind");
    counted.args(["--tool=callgrind", "--callgrind-out-file=/dev/null", "--trace-children=yes"]);
    counted.arg(format!("--log-file={}/%p", logs.display()));
    counted.arg(command.get_program()).args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(v) => counted.env(key, v),
            None => counted.env_remove(key),
        };
    }
    let measured = super::measure::run(&mut counted, log).map_err(|e| format!("cannot run valgrind: {e}"))?;
    if !measured.success {
        return Err(format!("failed under valgrind (see {})", log.display()));
    }
    let mut total = 0;
    let mut processes = 0;
    for entry in std::fs::read_dir(logs).map_err(|e| e.to_string())?.flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for (_, n) in text.lines().filter_map(|l| l.split_once("Collected :")) {
            total += n.trim().parse::<u64>().map_err(|e| format!("{}: {e}", entry.path().display()))?;
            processes += 1;
        }
    }
    match processes {
        0 => Err(format!("no count in {}", logs.display())),
        _ => Ok(total),
    }
}

/// `1234567890` as `1,235 M`.
pub fn millions(n: u64) -> String {
    let m = (n as f64 / 1e6).round() as u64;
    let digits = m.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} M")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_print_in_millions_with_thousands_separators() {
        assert_eq!(millions(7_210_218_525), "7,210 M");
        assert_eq!(millions(24_400_000), "24 M");
        assert_eq!(millions(1_234_567_890_123), "1,234,568 M");
    }
}
