//! `apigen::Builder`, the build-script API: one self-contained module file,
//! rewritten only when it changes, every input reported, errors located.
//! (tests/buildtime/ compiles and runs such files.)

use apigen::Builder;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-builder-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn quiet() -> Builder {
    Builder::new().cargo_instructions(false)
}

#[test]
fn writes_one_self_contained_module() {
    let out = scratch("module");
    let manifest = root().join("specs/apis.yaml");
    let builder = quiet().manifest(&manifest, "huawei").server(true);
    let generated = builder.generate(&out).unwrap();
    assert_eq!(generated.path, out.join("huawei_kps.rs"));
    assert!(generated.changed);
    let text = std::fs::read_to_string(&generated.path).unwrap();
    assert!(text.starts_with(apigen::emit::HEADER), "header");
    let file = syn::parse_file(&text).expect("the module parses");
    let items: Vec<String> = file
        .items
        .iter()
        .map(|i| match i {
            syn::Item::Mod(m) => format!("mod {}", m.ident),
            other => format!("{:?}", std::mem::discriminant(other)),
        })
        .collect();
    assert_eq!(items, ["mod huawei_kps"], "one item, so that include! works at any depth");
    assert!(file.attrs.is_empty(), "no inner attributes at the top, which include! refuses");
    assert!(!text.contains("feature ="), "no cargo features in a build-script module");
    assert!(!text.contains("crate::"), "no absolute paths: the module can sit anywhere");
    assert!(!text.contains("mod tests"), "the runtime's own tests stay in apigen");
    for part in ["pub mod runtime {", "pub mod types {", "pub mod client {", "pub mod server {"] {
        assert!(text.contains(part), "{part}");
    }
    let inputs: Vec<String> = generated.inputs.iter().map(|p| p.display().to_string()).collect();
    for input in ["apis.yaml", "huawei/kps.yaml", "huawei/overlay.yaml", "huawei/delete-keypair.page.md"] {
        assert!(inputs.iter().any(|i| i.ends_with(input)), "rerun-if-changed for {input}: {inputs:?}");
    }

    let modified = std::fs::metadata(&generated.path).unwrap().modified().unwrap();
    let again = builder.generate(&out).unwrap();
    assert!(!again.changed, "same input: the file is not rewritten");
    assert_eq!(std::fs::metadata(&again.path).unwrap().modified().unwrap(), modified);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn client_only_names_no_server_crate() {
    let out = scratch("client");
    let spec = root().join("specs/aws/transfer.yaml");
    let builder = quiet().spec(&spec).module("transfer");
    let text = std::fs::read_to_string(builder.generate(&out).unwrap().path).unwrap();
    assert!(!text.contains("pub mod server") && !text.contains("axum"), "client only by default");
    let deps = builder.dependencies().unwrap();
    assert!(deps.contains("reqwest = { version") && deps.contains("aws-sigv4 = "), "{deps}");
    assert!(!deps.contains("axum") && !deps.contains("optional"), "{deps}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_bad_spec_keeps_the_previous_file_and_says_where() {
    let out = scratch("bad");
    let good = quiet().spec(root().join("specs/aws/transfer.yaml")).module("api");
    let path = good.generate(&out).unwrap().path;
    let before = std::fs::read(&path).unwrap();
    let bad = quiet().spec(root().join("tests/bad-input/duplicate-key.yaml")).module("api");
    let err = bad.generate(&out).unwrap_err().to_string();
    assert!(err.contains("duplicate-key.yaml:"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "no temporary file left");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn misuse_is_reported_with_the_fix() {
    let out = scratch("misuse");
    let err = quiet().generate(&out).unwrap_err().to_string();
    assert!(err.contains("no spec given") && err.contains(".spec("), "{err}");
    let err = quiet().manifest(root().join("specs/apis.yaml"), "stripe").generate(&out).unwrap_err().to_string();
    assert!(err.contains("no API named `stripe`") && err.contains("phala, vast, huawei, aws"), "{err}");
    let err =
        quiet().spec(root().join("specs/aws/transfer.yaml")).module("Type").generate(&out).unwrap_err().to_string();
    assert!(err.contains("`Type` is not a usable Rust module name") && err.contains(".module(\"type_\")"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
    std::fs::remove_dir_all(&out).unwrap();
}
