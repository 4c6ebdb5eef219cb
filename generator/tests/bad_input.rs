//! Bad input gets one clear, located error and a non-zero exit status.

mod support;

use std::time::Duration;

/// Runs `apigen ir PATH` and returns stderr, asserting exit status 1.
fn refused(path: &str) -> String {
    let out = support::apigen(&["ir", path], Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{path}: expected exit 1, stderr:\n{stderr}");
    assert!(out.stdout.is_empty(), "{path}: nothing may be printed on failure");
    assert!(stderr.contains("help: "), "{path}: the message says what to do:\n{stderr}");
    stderr
}

#[test]
fn malformed_yaml_names_file_and_line() {
    let e = refused("tests/bad-input/malformed.yaml");
    // libyaml notices the unclosed `[` at the end of the input.
    assert!(
        e.contains(
            "error[parse.yaml]: tests/bad-input/malformed.yaml:10:1: invalid YAML: did not find expected ',' or ']'"
        ),
        "{e}"
    );
}

#[test]
fn duplicate_keys_are_refused_not_merged() {
    let e = refused("tests/bad-input/duplicate-key.yaml");
    assert!(e.contains("tests/bad-input/duplicate-key.yaml:11:"), "{e}");
    assert!(e.contains("duplicate key `get`"), "{e}");
}

#[test]
fn page_without_openapi_block() {
    let e = refused("tests/bad-input/no-openapi-block.md");
    assert!(e.contains("error[markdown.no-openapi]: tests/bad-input/no-openapi-block.md"), "{e}");
}

#[test]
fn unknown_ref_names_the_pointer() {
    let e = refused("tests/bad-input/unknown-ref.yaml");
    assert!(e.contains("error[ref.unknown]: tests/bad-input/unknown-ref.yaml at /paths/~1pets/get/responses/200/content/application~1json/schema/$ref"), "{e}");
    assert!(e.contains("#/components/schemas/Pet"), "{e}");
}

#[test]
fn duplicate_operation_id_names_both_places() {
    let e = refused("tests/bad-input/duplicate-operation-id.yaml");
    assert!(e.contains("error[operation.duplicate-id]: tests/bad-input/duplicate-operation-id.yaml at /paths/~1owners/get/operationId"), "{e}");
    assert!(e.contains("already used at /paths/~1pets/get"), "{e}");
}

#[test]
fn conflicting_merged_component_names_both_sources() {
    let e = refused("tests/bad-input/merge-conflict/apis.yaml");
    assert!(
        e.contains("error[merge.conflict]: tests/bad-input/merge-conflict/b.md at /components/schemas/Error"),
        "{e}"
    );
    assert!(e.contains("tests/bad-input/merge-conflict/a.md"), "{e}");
}

#[test]
fn error_format_with_a_success_status_names_the_reply() {
    let e = refused("tests/bad-input/bad-error-format.yaml");
    let at =
        "error[errors.invalid]: tests/bad-input/bad-error-format.yaml at /x-apigen-errors/replies/validation/status";
    assert!(e.contains(at), "{e}");
    assert!(e.contains("status 200 is not an error status") && e.contains("use 400–599"), "{e}");
}

#[test]
fn unknown_manifest_key() {
    let e = refused("tests/bad-input/unknown-manifest-key.yaml");
    assert!(e.contains("error[manifest]: tests/bad-input/unknown-manifest-key.yaml:5:"), "{e}");
    assert!(e.contains("unknown field `overlay`"), "{e}");
}

#[test]
fn missing_file() {
    let e = refused("tests/bad-input/does-not-exist.yaml");
    assert!(e.contains("error[io]: tests/bad-input/does-not-exist.yaml"), "{e}");
}

#[test]
fn usage_errors_exit_2() {
    let out = support::apigen(&["ir"], Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2));
}
