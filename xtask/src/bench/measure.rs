//! One child process, timed: wall time, and from `wait4` its CPU time and
//! peak resident memory, its descendants' included (Linux counts those of
//! the children it waited for: cargo waits for rustc). No `/usr/bin/time`.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub success: bool,
    pub wall: Duration,
    pub user: Duration,
    /// The largest resident set of the process or any descendant it
    /// waited for, in KiB.
    pub peak_kib: u64,
}

/// Runs `command` with its standard output and error into `log`, waits
/// for it with `wait4`, and returns what it used.
pub fn run(command: &mut Command, log: &Path) -> std::io::Result<Measured> {
    let file = File::create(log)?;
    command.stdin(Stdio::null()).stdout(file.try_clone()?).stderr(file);
    let start = Instant::now();
    let child = command.spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: all-zero is a valid `rusage`, which wait4 fills.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = loop {
        // SAFETY: `status` and `usage` are valid for writes; `pid` is our
        // child, not yet waited for (`child` is dropped without waiting).
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let error = std::io::Error::last_os_error();
        if r == -1 && error.kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        break if r == pid { Ok(()) } else { Err(error) };
    };
    let wall = start.elapsed();
    drop(child);
    waited?;
    let time = |t: libc::timeval| Duration::from_micros(t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64);
    Ok(Measured {
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        wall,
        user: time(usage.ru_utime),
        peak_kib: usage.ru_maxrss.max(0) as u64,
    })
}
