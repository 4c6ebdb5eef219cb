//! `git:REV:PATH` arguments: the files of PATH's folder at REV, extracted
//! into a temporary directory (so that a manifest finds its sources), and
//! shown as `git:REV:PATH` in findings.

use crate::diag::{self, Diagnostic, Location};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A spec argument ready to read from disk.
pub struct Materialized {
    pub path: PathBuf,
    /// The temporary checkout and how to name its files (`git:REV:`).
    checkout: Option<(PathBuf, String)>,
}

impl Materialized {
    /// How to show a file of this version: `git:REV:specs/a.yaml` for a
    /// file of a checkout, else as is.
    pub fn display(&self, file: PathBuf) -> PathBuf {
        match &self.checkout {
            Some((dir, label)) => match file.strip_prefix(dir) {
                Ok(rel) => PathBuf::from(format!("{label}{}", rel.display())),
                Err(_) => file,
            },
            None => file,
        }
    }
}

impl Drop for Materialized {
    fn drop(&mut self) {
        if let Some((dir, _)) = &self.checkout {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A path as is, or the folder of `git:REV:PATH` extracted at REV.
pub fn materialize(arg: &str) -> diag::Result<Materialized> {
    let Some((rev, path)) = arg.strip_prefix("git:").and_then(|r| r.split_once(':')) else {
        return Ok(Materialized { path: PathBuf::from(arg), checkout: None });
    };
    let fail = |message: String| {
        diag::Error::one(
            Diagnostic::error("diff.git", Location::file(arg), message)
                .help("write `git:REV:PATH` with a revision of the repository in the current directory and PATH relative to its root, e.g. `git:HEAD~1:specs/apis.yaml`"),
        )
    };
    let folder = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("apigen-diff-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
    let checkout = Materialized { path: dir.join(path), checkout: Some((dir.clone(), format!("git:{rev}:"))) };
    let mut archive = Command::new("git")
        .args(["archive", "--format=tar", rev, "--"])
        .arg(folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run git: {e}")))?;
    let stdout = archive.stdout.take().ok_or_else(|| fail("git gave no output".into()))?;
    let untar = Command::new("tar").arg("-x").arg("-C").arg(&dir).stdin(stdout).stderr(Stdio::null()).status();
    let out = archive.wait_with_output().map_err(|e| fail(format!("git failed: {e}")))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(fail(format!("`git archive {rev} -- {}` failed: {said}", folder.display())));
    }
    if !untar.is_ok_and(|s| s.success()) {
        return Err(fail("cannot extract the files (is `tar` installed?)".into()));
    }
    if !checkout.path.is_file() {
        return Err(fail(format!("`{path}` does not exist at {rev}")));
    }
    Ok(checkout)
}
