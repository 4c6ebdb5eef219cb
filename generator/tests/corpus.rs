//! Every real-world document in tests/corpus goes through `apigen ir`:
//! it lowers (exit 0, JSON on stdout) or is refused with a located message
//! (exit 1). A panic (exit 101) or a hang fails the test.

mod support;

use std::time::Duration;

#[test]
fn corpus_never_panics_or_hangs() {
    let dir = support::root().join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the corpus is part of the repository: restore it with `git checkout tests/corpus`)",
                dir.display()
            )
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "expected the corpus, found {files:?}");
    let mut lowered = 0;
    for f in &files {
        let path = f.to_str().unwrap();
        // A hang guard, not a speed assertion: generous for debug builds.
        let out = support::apigen(&["ir", path], Duration::from_secs(300));
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {
                let ir: serde_json::Value = serde_json::from_slice(&out.stdout).expect("IR is JSON");
                assert!(
                    !ir["apis"][0]["operations"].as_array().unwrap().is_empty() || path.contains("webhook"),
                    "{path}: no operations"
                );
                lowered += 1;
            }
            Some(1) => assert!(
                stderr.contains("error[") && stderr.contains(path),
                "{path}: refusal must be located:\n{stderr}"
            ),
            other => panic!("{path}: exit {other:?}\n{stderr}"),
        }
    }
    println!("{lowered} of {} corpus documents lower fully", files.len());
}
