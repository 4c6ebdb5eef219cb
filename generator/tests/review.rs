//! Spec review and breaking-change diff: every rule fires on its fixture
//! and stays quiet on the corrected one, the bundled specs' known problems
//! are found where they are written, and `apigen diff` classifies changes
//! and gates CI through its exit status.

mod support;

use apigen::review::{self, diff::Class, rules::RULES};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    support::root().join("tests/review").join(name)
}

/// The lines of `path` marked `# <- RULE`: where the rule must fire.
fn marked_lines(path: &Path, rule: &str) -> BTreeSet<usize> {
    let text = std::fs::read_to_string(path).expect("read fixture");
    let marker = format!("# <- {rule}");
    text.lines().enumerate().filter(|(_, l)| l.trim_end().ends_with(&marker)).map(|(i, _)| i + 1).collect()
}

fn lines_of_rule(path: &Path, rule: &str) -> BTreeSet<usize> {
    let reviews = review::review(path).expect("fixture loads");
    reviews
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.rule == rule)
        .map(|f| {
            assert_eq!(f.location.file, path, "{rule}: the finding names the fixture");
            assert!(!f.fix.is_empty(), "{rule}: every finding says what to do");
            f.location.line.unwrap_or_else(|| panic!("{rule}: finding without a line: {f:?}"))
        })
        .collect()
}

#[test]
fn every_rule_fires_on_its_fixture_and_not_on_the_corrected_one() {
    for rule in RULES {
        let bad = fixture(&format!("{}.bad.yaml", rule.id));
        let good = fixture(&format!("{}.good.yaml", rule.id));
        let expected = marked_lines(&bad, rule.id);
        assert!(!expected.is_empty(), "{}: the bad fixture marks where the rule fires", bad.display());
        assert_eq!(lines_of_rule(&bad, rule.id), expected, "{}: findings at the marked lines", rule.id);
        assert_eq!(lines_of_rule(&good, rule.id), BTreeSet::new(), "{}: no finding on the good fixture", rule.id);
    }
}

#[test]
fn every_fixture_belongs_to_a_rule() {
    for entry in std::fs::read_dir(support::root().join("tests/review")).expect("read tests/review") {
        let name = entry.expect("entry").file_name().to_string_lossy().into_owned();
        let Some(rule) = name.strip_suffix(".bad.yaml").or_else(|| name.strip_suffix(".good.yaml")) else { continue };
        assert!(RULES.iter().any(|r| r.id == rule), "{name} names no rule");
    }
}

fn findings_json(args: &[&str]) -> Value {
    let out = support::apigen(args, Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

fn finding<'a>(json: &'a Value, api: &str, rule: &str) -> &'a Value {
    let apis = json["apis"].as_array().expect("apis");
    let api = apis.iter().find(|a| a["name"] == api).unwrap_or_else(|| panic!("no API {api}"));
    let findings = api["findings"].as_array().expect("findings");
    findings.iter().find(|f| f["rule"] == rule).unwrap_or_else(|| panic!("{api}: no {rule} finding in {findings:#?}"))
}

#[test]
fn bundled_specs_aws_sample_and_phala_empty_security() {
    let json = findings_json(&["review", "specs/apis.yaml", "--format", "json"]);

    // The AWS page's sample key "MyPublicKey" breaks SshPublicKeyId's
    // pattern and length; the line is the sample's, in the spec.
    let aws = finding(&json, "aws", "example.schema-violation");
    assert_eq!(aws["severity"], "error");
    assert_eq!(aws["location"]["file"], "specs/aws/transfer.yaml");
    let text = std::fs::read_to_string(support::root().join("specs/aws/transfer.yaml")).expect("read");
    let line = text.lines().position(|l| l.trim() == "SshPublicKeyId: MyPublicKey").expect("sample line") + 1;
    assert_eq!(aws["location"]["line"], line);
    let message = aws["message"].as_str().expect("message");
    assert!(
        message.contains("MyPublicKey") && message.contains("minLength 21") && message.contains("^key-"),
        "{message}"
    );
    assert!(aws.get("corrected_by").is_none(), "no overlay corrects the AWS sample");

    // Phala's page says `security: []` beside a documented 401; the line
    // is the page's, and the overlay is named as the correction.
    let phala = finding(&json, "phala", "security.empty-with-auth-errors");
    assert_eq!(phala["location"]["file"], "specs/phala/delete-ssh-key.md");
    assert_eq!(phala["location"]["pointer"], "/security");
    let page = std::fs::read_to_string(support::root().join("specs/phala/delete-ssh-key.md")).expect("read");
    let line = page.lines().position(|l| l == "security: []").expect("security line") + 1;
    assert_eq!(phala["location"]["line"], line);
    assert_eq!(phala["corrected_by"], "specs/phala/overlay.yaml");
}

#[test]
fn review_summarises_operations_from_the_ir() {
    let json = findings_json(&["review", "specs/apis.yaml", "--format", "json"]);
    let aws = json["apis"].as_array().expect("apis").iter().find(|a| a["name"] == "aws").expect("aws");
    let op = &aws["operations"][0];
    assert_eq!(op["id"], "DeleteSshPublicKey");
    assert_eq!(op["target"], "TransferService.DeleteSshPublicKey");
    assert_eq!(op["auth"], serde_json::json!(["SigV4"]));
    let user =
        op["body"]["fields"].as_array().expect("fields").iter().find(|f| f["name"] == "UserName").expect("UserName");
    assert_eq!(user["type"], r"string, 3..=100 chars, pattern ^[\w][\w@.-]{2,99}$");
    let statuses: Vec<&str> =
        op["responses"].as_array().expect("responses").iter().filter_map(|r| r["status"].as_str()).collect();
    assert_eq!(statuses, ["200", "400", "500"]);
}

#[test]
fn review_markdown_and_fail_on() {
    let out = support::apigen(&["review", "specs/apis.yaml", "--format", "md"], Duration::from_secs(60));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("# API review\n"), "{md}");
    assert!(md.contains("| error | `example.schema-violation` | specs/aws/transfer.yaml:"), "{md}");
    // Errors no overlay corrects fail the gate; Huawei alone has none.
    let gated = support::apigen(&["review", "specs/apis.yaml", "--fail-on", "error"], Duration::from_secs(60));
    assert_eq!(gated.status.code(), Some(1));
    let clean = support::apigen(&["review", "specs/huawei/kps.yaml", "--fail-on", "error"], Duration::from_secs(60));
    assert_eq!(clean.status.code(), Some(0), "{}", String::from_utf8_lossy(&clean.stdout));
}

/// A spec that cannot be read is neither a finding (1) nor a clean result
/// (0): a CI gate on `--fail-on` must not mistake it for either.
#[test]
fn an_unreadable_spec_has_its_own_exit_code() {
    let dir = temp_dir("unreadable");
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\ninfo: [not, a, mapping\n").expect("write");
    let broken = broken.to_string_lossy().into_owned();
    let missing = dir.join("missing.yaml").to_string_lossy().into_owned();
    let runs: [&[&str]; 4] = [
        &["review", &broken, "--fail-on", "error"],
        &["review", &missing],
        &["diff", "specs/aws/transfer.yaml", &broken, "--fail-on", "breaking"],
        &["diff", &missing, "specs/aws/transfer.yaml"],
    ];
    for args in runs {
        let out = support::apigen(args, Duration::from_secs(60));
        let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(4), "{args:?}:\n{said}");
        let bad = args.iter().find(|a| a.starts_with(&*dir.to_string_lossy())).expect("a bad path");
        assert!(said.contains(bad), "{args:?} does not name {bad}:\n{said}");
    }
    let help = support::apigen(&["--help"], Duration::from_secs(60));
    assert!(String::from_utf8_lossy(&help.stdout).contains("  4  review and diff: a spec could not be read"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The issue's scenario: shorten UserName's maxLength and drop the 500.
fn shortened_aws_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(support::root().join("specs/aws/transfer.yaml")).expect("read");
    let text = text.replacen("          maxLength: 100\n", "          maxLength: 64\n", 1);
    let (head, rest) = text.split_once("        '500':").expect("500 response");
    let tail = &rest[rest.find("components:").expect("components")..];
    let new = dir.join("transfer.yaml");
    std::fs::write(&new, format!("{head}{tail}")).expect("write copy");
    new
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigen-review-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn diff_fails_on_shorter_max_length_and_dropped_500() {
    let dir = temp_dir("diff");
    let new = shortened_aws_copy(&dir);
    let new_arg = new.to_string_lossy().into_owned();
    let out = support::apigen(
        &["diff", "specs/aws/transfer.yaml", &new_arg, "--fail-on", "breaking"],
        Duration::from_secs(60),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.trim() == needle).expect("line") + 1;
    let new_text = std::fs::read_to_string(&new).expect("read");
    let old_text = std::fs::read_to_string(support::root().join("specs/aws/transfer.yaml")).expect("read");
    let shortened = format!(
        "breaking[constraint.tightened] {new_arg}:{} (/components/schemas/DeleteSshPublicKeyRequest/properties/UserName/maxLength)",
        line_of(&new_text, "maxLength: 64")
    );
    let removed = format!(
        "breaking[response.removed] specs/aws/transfer.yaml:{} (/paths/~1/post/responses/500)",
        line_of(&old_text, "'500':")
    );
    assert!(stdout.contains(&shortened), "{shortened}\nnot in\n{stdout}");
    assert!(stdout.contains("maxLength 100 → 64"), "{stdout}");
    assert!(stdout.contains(&removed), "{removed}\nnot in\n{stdout}");
    // Reversed, the limit widens and a response is added: compatible.
    let back = support::apigen(
        &["diff", &new_arg, "specs/aws/transfer.yaml", "--fail-on", "breaking"],
        Duration::from_secs(60),
    );
    assert_eq!(back.status.code(), Some(0), "{}", String::from_utf8_lossy(&back.stdout));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn diff_reads_a_git_revision() {
    let dir = temp_dir("git");
    let new = shortened_aws_copy(&dir);
    let new_arg = new.to_string_lossy().into_owned();
    let json = findings_json(&["diff", "git:HEAD:specs/aws/transfer.yaml", &new_arg, "--format", "json"]);
    let changes = json["apis"][0]["changes"].as_array().expect("changes");
    let removed = changes.iter().find(|c| c["rule"] == "response.removed").expect("response.removed");
    assert_eq!(removed["location"]["file"], "git:HEAD:specs/aws/transfer.yaml");
    assert!(removed["location"]["line"].is_u64());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn diff_classifies_each_kind_of_change() {
    let old = fixture("diff/old.yaml");
    let new = fixture("diff/new.yaml");
    let diffs = review::diff::diff(&old.to_string_lossy(), &new.to_string_lossy()).expect("diff");
    let got: BTreeSet<(Class, String)> = diffs[0].changes.iter().map(|c| (c.severity, c.rule.clone())).collect();
    use Class::*;
    let expected: BTreeSet<(Class, String)> = [
        (Breaking, "constraint.tightened"),
        (Breaking, "parameter.added-required"),
        (Breaking, "field.removed"),
        (Breaking, "enum.narrowed"),
        (Breaking, "type.changed"),
        (Breaking, "field.added-required"),
        (Breaking, "response.removed"),
        (Breaking, "operation.removed"),
        (Breaking, "field.now-optional"),
        (Warning, "servers.changed"),
        (Warning, "enum.widened"),
        (Info, "parameter.added"),
        (Info, "operation.added"),
    ]
    .into_iter()
    .map(|(c, r)| (c, r.to_string()))
    .collect();
    assert_eq!(got, expected);
    // Removals are located in OLD, the rest in NEW, all with lines.
    for c in &diffs[0].changes {
        let file = if c.rule.ends_with(".removed") { &old } else { &new };
        assert_eq!(&c.location.file, file, "{c:?}");
        assert!(c.location.line.is_some(), "{c:?}");
    }
    // A shared component changed once is reported once.
    assert_eq!(diffs[0].changes.iter().filter(|c| c.rule == "enum.widened").count(), 1);
    // An optional parameter is a builder method: existing calls compile;
    // a required one is a new argument of the method.
    let breaks = |rule: &str| {
        let c = diffs[0].changes.iter().find(|c| c.rule == rule).expect(rule);
        serde_json::to_value(c.breaks).expect("breaks")
    };
    assert_eq!(breaks("parameter.added"), serde_json::Value::Null);
    assert_eq!(breaks("parameter.added-required"), "both");
}

#[test]
fn a_parameter_or_body_made_optional_breaks_only_the_rust_call() {
    let dir = std::env::temp_dir().join(format!("apigen-now-optional-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let spec = |required: bool| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /items:\n    post:\n      operationId: addItem\n\
             \x20     parameters:\n        - {{name: tag, in: query, required: {required}, schema: {{type: string}}}}\n\
             \x20     requestBody:\n        required: {required}\n        content:\n          application/json:\n\
             \x20           schema: {{type: object}}\n      responses:\n        '204': {{description: done}}\n"
        )
    };
    let (old, new) = (dir.join("old.yaml"), dir.join("new.yaml"));
    std::fs::write(&old, spec(true)).expect("old");
    std::fs::write(&new, spec(false)).expect("new");
    let diffs = review::diff::diff(&old.to_string_lossy(), &new.to_string_lossy()).expect("diff");
    std::fs::remove_dir_all(&dir).ok();
    for rule in ["parameter.now-optional", "body.now-optional"] {
        let c = diffs[0].changes.iter().find(|c| c.rule == rule).unwrap_or_else(|| panic!("{rule}: {diffs:#?}"));
        assert_eq!(c.severity, Class::Info, "{rule}: fine on the wire");
        assert_eq!(serde_json::to_value(c.breaks).expect("breaks"), "rust", "{rule}");
    }
}

#[test]
fn diff_of_a_spec_with_itself_is_empty() {
    let path = support::root().join("specs/apis.yaml").to_string_lossy().into_owned();
    let diffs = review::diff::diff(&path, &path).expect("diff");
    assert_eq!(diffs.len(), 4);
    assert!(diffs.iter().all(|d| d.changes.is_empty()), "{diffs:#?}");
}

/// Each diff rule's fixture pair: `old.yaml` → `bad.yaml` breaks callers
/// (the rule fires, rated breaking, saying what it breaks), `old.yaml` →
/// `good.yaml` makes the same kind of change where it breaks nobody (in
/// the other direction, or a form that changes nothing).
const DIFF_CASES: &[(&str, &str, &str)] = &[
    // (case, rule on bad, what it breaks)
    ("keyword-contains", "keyword.tightened", "wire"),
    ("keyword-contains-tightened", "constraint.tightened", "wire"),
    ("keyword-min-contains", "constraint.tightened", "wire"),
    ("keyword-max-contains", "constraint.tightened", "wire"),
    ("keyword-prefix-items", "keyword.tightened", "wire"),
    ("keyword-dependent-required", "keyword.tightened", "wire"),
    ("keyword-dependent-schemas", "keyword.tightened", "wire"),
    ("keyword-if-then-else", "keyword.tightened", "wire"),
    ("keyword-pattern-properties", "keyword.tightened", "wire"),
    ("keyword-property-names", "keyword.tightened", "wire"),
    ("keyword-unevaluated-properties", "keyword.tightened", "wire"),
    ("keyword-unevaluated-items", "keyword.tightened", "wire"),
    ("keyword-beside-ref", "keyword.tightened", "wire"),
    ("keyword-loosened", "keyword.loosened", "wire"),
    ("const-changed", "const.changed", "wire"),
    ("const-boolean-changed", "const.changed", "wire"),
    ("union-member-removed", "union.member-removed", "both"),
    ("union-member-added", "union.member-added", "both"),
    ("allof-member-added", "allof.member-added", "both"),
    ("allof-member-removed", "allof.member-removed", "both"),
    ("response-media-type-removed", "response.media-type-removed", "wire"),
    ("default-changed", "default.changed", "wire"),
    ("property-default-changed", "default.changed", "wire"),
    ("body-removed", "body.removed", "both"),
    ("field-now-optional", "field.now-optional", "both"),
    ("parameter-renamed", "parameter.added-required", "both"),
    ("read-only-in-request", "field.added-required", "both"),
    // One component read by both: its most severe rating counts.
    ("shared-field-removed", "field.removed", "both"),
    ("type-widened", "type.widened", "both"),
    ("type-list-widened", "type.widened", "both"),
    ("pattern-match-all", "constraint.tightened", "wire"),
    ("new-max-length", "constraint.tightened", "wire"),
];

fn diff_changes(case: &str, new: &str) -> Vec<review::Finding<Class>> {
    let dir = fixture("diff").join(case);
    let (old, new) = (dir.join("old.yaml"), dir.join(new));
    let mut diffs = review::diff::diff(&old.to_string_lossy(), &new.to_string_lossy()).expect("diff");
    assert_eq!(diffs.len(), 1);
    diffs.remove(0).changes
}

#[test]
fn every_diff_rule_breaks_on_its_bad_pair_and_not_on_its_good_one() {
    for (case, rule, breaks) in DIFF_CASES {
        let bad = diff_changes(case, "bad.yaml");
        let hit = bad.iter().find(|c| c.rule == *rule && c.severity == Class::Breaking);
        let hit = hit.unwrap_or_else(|| panic!("{case}: no breaking {rule} in {bad:#?}"));
        let said = serde_json::to_value(hit.breaks).expect("breaks");
        assert_eq!(said, *breaks, "{case}: what {rule} breaks");
        assert!(hit.location.line.is_some() && !hit.fix.is_empty(), "{case}: located, with a fix: {hit:?}");
        let good = diff_changes(case, "good.yaml");
        let breaking: Vec<_> = good.iter().filter(|c| c.severity == Class::Breaking).collect();
        assert!(breaking.is_empty(), "{case}: the good pair breaks nothing, got {breaking:#?}");
    }
}

#[test]
fn every_diff_fixture_directory_is_a_case() {
    for entry in std::fs::read_dir(fixture("diff")).expect("read tests/review/diff") {
        let entry = entry.expect("entry");
        if entry.path().is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(DIFF_CASES.iter().any(|(c, _, _)| *c == name), "tests/review/diff/{name} is in no case");
        }
    }
}

#[test]
fn diff_says_what_the_good_pairs_are_instead() {
    let rated = |case: &str, rule: &str| -> Class {
        let changes = diff_changes(case, "good.yaml");
        changes.iter().find(|c| c.rule == rule).unwrap_or_else(|| panic!("{case}: no {rule} in {changes:#?}")).severity
    };
    // Same path, parameter renamed: a note on the Rust argument only.
    let renamed = diff_changes("parameter-renamed", "good.yaml");
    let note = renamed.iter().find(|c| c.rule == "parameter.renamed").expect("parameter.renamed");
    assert_eq!(note.severity, Class::Info);
    assert!(note.message.contains("`item_id` is now `id`"), "{}", note.message);
    assert!(!renamed.iter().any(|c| c.rule.starts_with("parameter.added") || c.rule == "parameter.removed"));
    // A request widened; a cap above the API's own values: a warning.
    assert_eq!(rated("type-widened", "type.widened"), Class::Info);
    assert_eq!(rated("type-list-widened", "type.widened"), Class::Info);
    assert_eq!(rated("new-max-length", "constraint.tightened"), Class::Warning);
    // A match-everything pattern constrains nothing.
    assert!(diff_changes("pattern-match-all", "good.yaml").is_empty());
    // readOnly fields are not part of requests.
    let ro = diff_changes("read-only-in-request", "good.yaml");
    assert!(ro.iter().all(|c| c.severity == Class::Info), "{ro:#?}");
}

#[test]
fn responses_are_optional_in_3_1_and_required_in_3_0() {
    let dir = temp_dir("responses");
    let doc = |v: &str| {
        format!(
            "openapi: {v}\ninfo: {{title: T, version: '1'}}\npaths:\n  /ping:\n    post:\n      operationId: ping\n"
        )
    };
    std::fs::write(dir.join("v31.yaml"), doc("3.1.0")).expect("write");
    std::fs::write(dir.join("v30.yaml"), doc("3.0.3")).expect("write");
    let ir = apigen::ir(&[dir.join("v31.yaml")]).expect("3.1 without responses loads");
    assert!(ir.apis[0].operations[0].responses.is_empty());
    let err = apigen::ir(&[dir.join("v30.yaml")]).expect_err("3.0 requires responses");
    let d = &err.diagnostics[0];
    assert_eq!((d.code.as_str(), d.location.pointer.as_str()), ("structure.missing", "/paths/~1ping/post"));
    assert!(d.message.contains("`responses` is missing"), "{}", d.message);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn keywords_stubs_do_not_check_are_reported_where_they_are_written() {
    let path = fixture("diff/keyword-if-then-else/bad.yaml");
    let reviews = review::review(&path).expect("fixture loads");
    let at: BTreeSet<&str> = reviews[0]
        .findings
        .iter()
        .filter(|f| f.rule == "schema.unchecked-keyword")
        .map(|f| f.location.pointer.as_str())
        .collect();
    assert_eq!(at, BTreeSet::from(["/components/schemas/NewItem/if", "/components/schemas/NewItem/then"]));
}
