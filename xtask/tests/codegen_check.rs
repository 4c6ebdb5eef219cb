//! The committed output is the one golden copy of what apigen emits for the
//! bundled APIs (`generated/`) and the fixture shapes (`tests/golden/`):
//! these tests fail when it is stale, with the diff.
//!
//! `cargo xtask codegen --check` over a copy of specs/ and generated/: fresh
//! output passes, a changed description fails with the doc comment in the
//! diff, regenerating makes it pass again, and a changed constraint shows
//! in REVIEW.md's diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().unwrap()
}

fn codegen(check: bool, specs: &Path, krate: &Path) -> Output {
    let manifest = specs.join("apis.yaml");
    let mut args = vec!["codegen", "--manifest", manifest.to_str().unwrap(), "--crate", krate.to_str().unwrap()];
    if check {
        args.push("--check");
    }
    xtask(&args)
}

#[test]
fn check_detects_a_changed_description() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let tmp: PathBuf = std::env::temp_dir().join(format!("apigen-codegen-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let (specs, krate) = (tmp.join("specs"), tmp.join("generated"));
    copy_dir(&root.join("specs"), &specs);
    copy_dir(&root.join("generated/src"), &krate.join("src"));
    std::fs::copy(root.join("generated/rustfmt.toml"), krate.join("rustfmt.toml")).unwrap();
    std::fs::copy(root.join("generated/REVIEW.md"), krate.join("REVIEW.md")).unwrap();

    let fresh = codegen(true, &specs, &krate);
    assert!(fresh.status.success(), "committed output is fresh: {}", String::from_utf8_lossy(&fresh.stdout));

    let page = specs.join("phala/delete-ssh-key.md");
    let old = "Soft-deletes an SSH key. Key must belong to the authenticated user.";
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(text.contains(old), "the Phala page describes the operation");
    std::fs::write(&page, text.replace(old, "Soft-deletes an SSH key, for good.")).unwrap();

    let stale = codegen(true, &specs, &krate);
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert_eq!(stale.status.code(), Some(1), "{diff}");
    assert!(diff.contains(&format!("-    /// {old}")), "{diff}");
    assert!(diff.contains("+    /// Soft-deletes an SSH key, for good."), "{diff}");
    assert!(diff.contains("phala/client.rs"), "{diff}");
    assert!(String::from_utf8_lossy(&stale.stderr).contains("cargo xtask codegen"));

    assert!(codegen(false, &specs, &krate).status.success());
    assert!(codegen(true, &specs, &krate).status.success(), "regenerated output is fresh");

    // A spec change that reviewers should see shows up in REVIEW.md too.
    let aws = specs.join("aws/transfer.yaml");
    let text = std::fs::read_to_string(&aws).unwrap();
    std::fs::write(&aws, text.replacen("          maxLength: 100\n", "          maxLength: 64\n", 1)).unwrap();
    let stale = codegen(true, &specs, &krate);
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert_eq!(stale.status.code(), Some(1), "{diff}");
    assert!(diff.contains("REVIEW.md"), "{diff}");
    assert!(diff.contains("+| `DeleteSshPublicKey` |") && diff.contains("3..=64 chars"), "{diff}");
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// `generated/` and `tests/golden/` are what the generator emits today:
/// a change to an emitter shows up as a diff of the committed code.
#[test]
fn committed_output_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    for (manifest, krate) in [("specs/apis.yaml", "generated"), ("tests/fixtures/apis.yaml", "tests/golden")] {
        let (manifest, krate) = (root.join(manifest), root.join(krate));
        let out = xtask(&[
            "codegen",
            "--check",
            "--manifest",
            manifest.to_str().unwrap(),
            "--crate",
            krate.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}/ is stale: run `cargo xtask codegen` and review the diff:\n{}",
            krate.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}
