//! `cargo xtask codegen [--check]`: `generated/src` is a pure function of
//! `specs/`; this writes it, or checks that what is committed is fresh.

use similar::TextDiff;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(check: bool, manifest: &Path, root: &Path) -> ExitCode {
    let krate = root.display();
    let files = match apigen::generate(&[manifest], apigen::emit::Options { client: true, server: true }) {
        Ok(out) => {
            for note in &out.notes {
                eprintln!("warning: {note}");
            }
            out.files
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("error: nothing was written to {krate}/");
            return ExitCode::FAILURE;
        }
    };
    let on_disk = match existing(root) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read {krate}/src: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stale = Vec::new();
    for (rel, text) in &files {
        let path = root.join(rel);
        if on_disk.get(&path).map(String::as_str) != Some(text.as_str()) {
            stale.push((path, on_disk.get(&root.join(rel)).cloned(), Some(text.clone())));
        }
    }
    for (path, text) in &on_disk {
        let rel = path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/");
        if !files.contains_key(&rel) {
            stale.push((path.clone(), Some(text.clone()), None));
        }
    }
    if check {
        return report(&stale, root);
    }
    for (path, _, new) in &stale {
        let result = match new {
            Some(text) => {
                path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| std::fs::write(path, text))
            }
            None => std::fs::remove_file(path),
        };
        if let Err(e) = result {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    println!("{krate}/: {} files, {} changed", files.len(), stale.len());
    ExitCode::SUCCESS
}

fn report(stale: &[(PathBuf, Option<String>, Option<String>)], root: &Path) -> ExitCode {
    let krate = root.display();
    if stale.is_empty() {
        println!("{krate}/ is up to date");
        return ExitCode::SUCCESS;
    }
    for (path, old, new) in stale {
        let name = path.display().to_string();
        let (old, new) = (old.as_deref().unwrap_or(""), new.as_deref().unwrap_or(""));
        let diff = TextDiff::from_lines(old, new);
        print!("{}", diff.unified_diff().context_radius(3).header(&format!("a/{name}"), &format!("b/{name}")));
    }
    eprintln!("error: {} generated file(s) are stale; run `cargo xtask codegen` and commit the result", stale.len());
    ExitCode::FAILURE
}

/// The generated files of the crate: `rustfmt.toml` and every `.rs` file
/// under `src/`, with their text.
fn existing(root: &Path) -> std::io::Result<BTreeMap<PathBuf, String>> {
    let mut out = BTreeMap::new();
    let fmt = root.join("rustfmt.toml");
    if fmt.exists() {
        out.insert(fmt.clone(), std::fs::read_to_string(&fmt)?);
    }
    let dir = root.join("src");
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)?;
                out.insert(path, text);
            }
        }
    }
    Ok(out)
}
