//! The bad-spec catalogue (`tests/bad-specs/`): malformed and hostile
//! documents, one row each. Every run is `apigen generate CASE --out DIR`
//! under a memory limit and a timeout; whatever the input, apigen exits 0
//! or 1 (never a panic or a signal), a refusal names the file, the place
//! (line or JSON pointer) and a fix and writes nothing, and an accepted
//! hostile document gives Rust that parses (and, all of them in one crate,
//! passes `cargo check`). Cases too big to commit (deep nesting, megabyte
//! strings, long chains of types) are written at test time.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// Hangs are failures: no case may take longer than this.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Address-space limit of each run (apigen and the rustfmt it starts).
const MEMORY_MIB: u64 = 2048;

enum Expect {
    /// Exit 1, nothing written; stderr holds `error[code]: FILE<at>` and
    /// every other substring.
    Refused { code: &'static str, at: &'static str, also: &'static [&'static str] },
    /// Exit 0; stderr holds every substring (warnings), the crate is written.
    Accepted { stderr: &'static [&'static str] },
}
use Expect::*;

/// One row per committed file of `tests/bad-specs/`.
const CASES: &[(&str, Expect)] = &[
    ("empty.yaml", Refused { code: "parse.empty", at: ":1", also: &["the document is empty"] }),
    ("empty.json", Refused { code: "parse.empty", at: ":1", also: &["the document is empty"] }),
    (
        "invalid-utf8.yaml",
        Refused { code: "parse.utf8", at: ":5", also: &["invalid UTF-8 at byte 74", "save the document as UTF-8"] },
    ),
    ("duplicate-key.json", Refused { code: "parse.json", at: ":7:11", also: &["duplicate key `get`"] }),
    ("trailing-garbage.json", Refused { code: "parse.json", at: ":2:1", also: &["trailing characters"] }),
    ("alias-bomb.yaml", Refused { code: "parse.yaml", at: ":5", also: &["alias bomb", "nothing was expanded"] }),
    ("not-an-object.json", Refused { code: "structure.root", at: ":1", also: &["the document is a list"] }),
    (
        "swagger-2.yaml",
        Accepted {
            stderr: &[
                "warning[swagger2.collection-format]: tests/bad-specs/swagger-2.yaml at /paths/~1pets/get/parameters/1/collectionFormat",
                "`collectionFormat: tsv` in `query` has no OpenAPI 3.0 style",
            ],
        },
    ),
    (
        "swagger-2-malformed.yaml",
        Refused {
            code: "swagger2.structure",
            at: " at /paths/~1pets/post/parameters/1",
            also: &[
                "a non-body parameter needs a `type`",
                "at /paths/~1pets/post/parameters/0: an `in: body` parameter needs a `schema`",
            ],
        },
    ),
    (
        "yaml-big-integer.yaml",
        Accepted {
            stderr: &[
                "warning[schema.integer-bound]: tests/bad-specs/yaml-big-integer.yaml at /paths/~1items/get/parameters/0/schema/maximum",
                "clamped to 9223372036854775807",
            ],
        },
    ),
    (
        "ref-not-a-schema.yaml",
        Accepted {
            stderr: &[
                "warning[structure.type]: tests/bad-specs/ref-not-a-schema.yaml at /components/schemas/Thing/properties/size/type: `type` must be a type name or a list of type names, found a map; the keyword is ignored",
                "at /components/schemas/Thing/properties/label/required: `required` must be a list, found a boolean",
                "warning[ref.not-a-schema]: tests/bad-specs/ref-not-a-schema.yaml at /paths/~1things/post/requestBody/content/application~1json/schema/$ref",
                "points to what belongs in `components/responses`; typed as any JSON value",
                "warning[schema.degraded]: tests/bad-specs/ref-not-a-schema.yaml at /components/schemas/Odd/properties/deprecated",
            ],
        },
    ),
    ("ref-into-paths.yaml", Accepted { stderr: &[] }),
    ("union-newtype-path.yaml", Accepted { stderr: &[] }),
    (
        "openapi-4.yaml",
        Refused { code: "version.unsupported", at: " at /openapi", also: &["`4.0.0`", "3.0.x and 3.1.x"] },
    ),
    ("openapi-missing.yaml", Refused { code: "version.missing", at: ":1", also: &["add `openapi: 3.1.0`"] }),
    (
        "openapi-number.yaml",
        Refused {
            code: "version.not-a-string",
            at: " at /openapi",
            also: &["found a number `3.0`", "quote the version"],
        },
    ),
    (
        "paths-array.yaml",
        Refused {
            code: "structure.type",
            at: " at /paths",
            also: &["`paths` must be a map, found a list", "/pets: {get:"],
        },
    ),
    (
        "responses-string.yaml",
        Refused {
            code: "structure.type",
            at: " at /paths/~1pets/get/responses",
            also: &["must be a map, found a string", "\"200\": {description: OK}"],
        },
    ),
    (
        "parameters-object.yaml",
        Refused {
            code: "structure.type",
            at: " at /paths/~1pets/get/parameters",
            also: &["must be a list, found a map"],
        },
    ),
    (
        "schema-number.yaml",
        Accepted {
            stderr: &[
                "warning[schema.invalid]",
                "application~1json/schema: a schema must be an object or a boolean, found `5`",
            ],
        },
    ),
    (
        "ref-cycle.yaml",
        Refused {
            code: "ref.cycle",
            at: " at /components/schemas/A",
            also: &["/components/schemas/A → /components/schemas/B", "give one of the components"],
        },
    ),
    (
        "ref-self.yaml",
        Refused { code: "ref.cycle", at: " at /components/schemas/Loop", also: &["leads back to itself"] },
    ),
    ("ref-path-item-self.yaml", Refused { code: "ref.path-item", at: " at /paths/~1a/$ref", also: &["`#/paths/~1a`"] }),
    (
        "ref-external-url.yaml",
        Refused {
            code: "ref.external",
            at: " at /paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
            also: &["fetches no URL", "bundle the document"],
        },
    ),
    (
        "ref-escape-root.yaml",
        Refused {
            code: "ref.external",
            at: " at /paths/~1pets/get/parameters/0/$ref",
            also: &["`../../../../etc/passwd`", "reads no other file"],
        },
    ),
    ("ref-recursive-ok.yaml", Accepted { stderr: &[] }),
    ("allof-recursive.yaml", Accepted { stderr: &[] }),
    ("path-parameter-collision.yaml", Accepted { stderr: &["warning[path.undeclared-parameter]", "`{item-id}`"] }),
    (
        "security-mutual-tls.yaml",
        Accepted {
            stderr: &[
                "warning[security.mutual-tls]: tests/bad-specs/security-mutual-tls.yaml at /components/securitySchemes/mtls",
            ],
        },
    ),
    (
        "security-scheme-type.yaml",
        Refused {
            code: "structure.value",
            at: " at /components/securitySchemes/key/in",
            also: &["found `body`", "at /components/securitySchemes/magic/type: `type` must be one of `apiKey`"],
        },
    ),
    (
        "path-template-unbalanced.yaml",
        Refused { code: "path.template", at: " at /paths/~1pets~1{id/get", also: &["never closed"] },
    ),
    (
        "path-template-undeclared.yaml",
        Accepted { stderr: &["warning[path.undeclared-parameter]", "`{toy}` has no path parameter"] },
    ),
    (
        "unterminated-fence.md",
        Refused { code: "parse.yaml", at: ":16:1", also: &["the fence opened at line 3 is never closed"] },
    ),
    (
        "unterminated-fence-at-end.md",
        Accepted { stderr: &["warning[markdown.unclosed-fence]: tests/bad-specs/unterminated-fence-at-end.md:5:"] },
    ),
    (
        "operation-id-collision.yaml",
        Accepted {
            stderr: &["operation `get_thing` is named `get_thing2`", "operation `GetThing` is named `get_thing3`"],
        },
    ),
    ("schema-name-collision.yaml", Accepted { stderr: &[] }),
    ("rust-keywords.yaml", Accepted { stderr: &[] }),
    ("unicode-names.yaml", Accepted { stderr: &[] }),
    ("hostile-valid.yaml", Accepted { stderr: &[] }),
];

/// Documents too big to commit, made at test time: (file name, content,
/// expectation).
fn generated_cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    const HEAD: &str = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"t\", \"version\": \"1\"}, \"paths\": {}, ";
    let yaml_head = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\n";
    let n = 10_000;
    let deep = |open: &str, inner: &str, close: &str| format!("{}{inner}{}", open.repeat(n), close.repeat(n));
    let nested = Refused { code: "parse.json", at: ":1:", also: &["more than 128 levels deep", "`$ref`"] };
    let nested_yaml = Refused { code: "parse.yaml", at: ":", also: &["more than 128 levels deep"] };
    // Block nesting costs its depth squared in indentation: 1,000 levels
    // (half a megabyte) are as far past the limit of 128 as 10,000.
    let block: String = (0..1000).map(|i| format!("{}a:\n", " ".repeat(i + 1))).collect();
    let key = "k".repeat(1 << 20);
    let alias = |i: usize| format!("{{\"$ref\": \"#/components/schemas/A{i}\"}}");
    let field = |i: usize| format!("{{\"type\": \"object\", \"properties\": {{\"next\": {}}}}}", alias(i));
    let property = |k: &str| format!("components:\n  schemas:\n    T:\n      properties:\n        {k}\n");
    vec![
        ("deep-arrays.json", format!("{HEAD}\"x-deep\": {}}}", deep("[", "", "]")).into(), nested),
        ("deep-objects.json", format!("{HEAD}\"x-deep\": {}}}", deep("{\"a\": ", "1", "}")).into(), Refused { code: "parse.json", at: ":1:", also: &["more than 128 levels deep"] }),
        ("deep-flow.yaml", format!("{yaml_head}x-deep: {}\n", deep("[", "", "]")).into(), nested_yaml),
        ("deep-block.yaml", format!("{yaml_head}x-deep:\n{block}{}b: 1\n", " ".repeat(1001)).into(), Refused { code: "parse.yaml", at: ":", also: &["more than 128 levels deep"] }),
        (
            "huge-description.yaml",
            format!("{yaml_head}x-note: 1\ncomponents:\n  schemas:\n    T:\n      type: string\n      description: \"{}\"\n", "d".repeat(5 << 20)).into(),
            Accepted { stderr: &[] },
        ),
        (
            "huge-key.yaml",
            format!("{yaml_head}{}", property(&format!("{key}: {{type: string}}"))).into(),
            Refused { code: "parse.yaml", at: ":8:", also: &["at most 1024 characters", "explicit key"] },
        ),
        ("huge-key-explicit.yaml", format!("{yaml_head}{}        : {{type: string}}\n", property(&format!("? {key}"))).into(), Accepted { stderr: &[] }),
        // 5,000 components, each a `$ref` to the next (checking for loops
        // took cubic time: 49 s for 3,000), ending in a type or in a loop;
        // 5,000 structs, each with a field of the next (finding recursive
        // fields took quadratic time, and the server's validation
        // overflowed the stack).
        ("alias-chain.json", chain(5000, alias, "{\"type\": \"string\"}").into(), Accepted { stderr: &[] }),
        (
            "alias-loop.json",
            chain(5000, alias, "{\"$ref\": \"#/components/schemas/A0\"}").into(),
            Refused { code: "ref.cycle", at: " at /components/schemas/A0", also: &["A7 → …)"] },
        ),
        (
            "struct-chain.json",
            chain(5000, field, "{\"type\": \"string\", \"minLength\": 1}").into(),
            Accepted { stderr: &[] },
        ),
    ]
}

/// `A0` → `A1` → … → `An`, which is `last`; `link(i)` is the schema of
/// `Ai`, naming `A{i+1}`.
fn chain(n: usize, link: impl Fn(usize) -> String, last: &str) -> String {
    let links: Vec<String> = (0..n).map(|i| format!("\"A{i}\": {}", link(i + 1))).collect();
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \
         \"components\": {{\"schemas\": {{{}, \"A{n}\": {last}}}}}}}",
        links.join(", ")
    )
}

/// A fresh, empty directory, removed when dropped, also when a test
/// fails: cases of megabytes must not pile up in the temp directory.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("apigen-bad-specs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

/// Runs the case and checks what holds for every input; returns stderr.
fn run_case(spec: &Path, expect: &Expect) -> String {
    let name = spec.file_name().unwrap().to_string_lossy().into_owned();
    let dir = Scratch::new(&name);
    let out = dir.join("out");
    let args = ["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--client", "--server"];
    let run: Output = support::apigen_limited(&args, TIMEOUT, MEMORY_MIB);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(
        matches!(run.status.code(), Some(0 | 1)),
        "{name}: exit status {:?} (a panic is 101, a signal has no code):\n{stderr}",
        run.status
    );
    let left: Vec<_> = std::fs::read_dir(&*dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    match expect {
        Refused { code, at, .. } => {
            assert_eq!(run.status.code(), Some(1), "{name}: expected a refusal:\n{stderr}");
            let head = format!("error[{code}]: {}{at}", spec.display());
            assert!(stderr.contains(&head), "{name}: expected `{head}` in:\n{stderr}");
            assert!(stderr.contains("\n  help: "), "{name}: the fix is missing:\n{stderr}");
            assert!(stderr.contains("error: nothing was written"), "{name}:\n{stderr}");
            assert!(left.is_empty(), "{name}: refused, yet {left:?} was left in {}", dir.display());
        }
        Accepted { .. } => {
            assert_eq!(run.status.code(), Some(0), "{name}: expected success:\n{stderr}");
            assert_eq!(left, ["out"], "{name}: only the output directory may be left");
            for (path, bytes) in support::tree(&out.join("src")) {
                if path.extension().is_some_and(|e| e == "rs")
                    && let Err(e) = syn::parse_file(&String::from_utf8_lossy(&bytes))
                {
                    panic!("{name}: {} is not Rust: {e}", path.display());
                }
            }
        }
    }
    let also = match expect {
        Refused { also, .. } => also,
        Accepted { stderr } => stderr,
    };
    for s in *also {
        assert!(stderr.contains(s), "{name}: expected `{s}` in:\n{stderr}");
    }
    stderr
}

#[test]
fn committed_cases() {
    // Relative to the workspace root, where apigen runs: messages name it so.
    let dir = Path::new("tests/bad-specs");
    let mut files: Vec<String> = std::fs::read_dir(support::root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(files, listed, "every file of tests/bad-specs/ has one row in CASES");
    for (file, expect) in CASES {
        run_case(&dir.join(file), expect);
    }
}

#[test]
fn generated_cases_deep_and_huge() {
    let dir = Scratch::new("generated-specs");
    for (file, bytes, expect) in generated_cases() {
        let spec = dir.join(file);
        std::fs::write(&spec, bytes).unwrap();
        run_case(&spec, &expect);
    }
}

/// An endless input is refused once it passes the size limit, within the
/// memory limit.
#[test]
fn endless_input_is_refused() {
    let spec = Path::new("/dev/zero");
    run_case(spec, &Refused { code: "io.too-large", at: "", also: &["larger than 256 MiB"] });
}

/// A reader that goes away (`apigen ir spec | head`) ends the output, not
/// in a panic.
#[test]
fn closed_stdout_is_not_a_panic() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(["ir", "tests/corpus/spotify.json"])
        .current_dir(support::root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the IR is far larger than a pipe's buffer
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Hostile but valid names become escaped, distinct identifiers.
#[test]
fn keywords_and_collisions_become_distinct_identifiers() {
    let dir = Scratch::new("keywords");
    let out = dir.join("out");
    let spec = support::root().join("tests/bad-specs/rust-keywords.yaml");
    let run = support::apigen(&["generate", spec.to_str().unwrap(), "--out", out.to_str().unwrap()], TIMEOUT);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let types = std::fs::read_to_string(out.join("src/rust_keywords/types.rs")).unwrap();
    for field in ["pub type_: String", "pub self_: String", "pub self_2: Option<String>", "pub crate_: Option<i64>"] {
        assert!(types.contains(field), "`{field}` missing:\n{types}");
    }
    let camel = [
        "pub struct SelfValue {",
        "pub type Async = Vec<SelfValue>;",
        "SelfValue = \"self\",",
        "SelfValue2 = \"Self\",",
    ];
    assert!(camel.iter().all(|c| types.contains(c)), "{types}");
    assert!(types.contains("self_2 = \"Self\""), "the wire name stays `Self`:\n{types}");
}

/// The hostile but valid documents, side by side in one crate (client and
/// server) with the accepted odd ones (degraded schemas, Swagger 2.0,
/// `$ref`s into paths, unions in paths) and the Swagger 2.0 petstore, pass
/// `cargo check` without warnings. Like tests/cli.rs, the
/// check uses the workspace's lock file and the target directory
/// `target/generated-check`, so dependencies are built once for both.
#[test]
fn hostile_valid_crate_passes_cargo_check() {
    let dir = Scratch::new("hostile-valid");
    let out = dir.join("hostile_valid");
    let specs = ["hostile-valid", "ref-not-a-schema", "ref-into-paths", "union-newtype-path", "swagger-2"]
        .map(|s| format!("tests/bad-specs/{s}.yaml"));
    let mut args = vec!["generate", "--out", out.to_str().unwrap(), "--client", "--server"];
    args.extend(specs.iter().map(String::as_str));
    args.push("tests/fixtures/swagger2/petstore.json");
    let run = support::apigen(&args, TIMEOUT);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    std::fs::copy(support::root().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let check = std::process::Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--all-features", "--manifest-path"])
        .arg(out.join("Cargo.toml"))
        .args(["--config", "profile.dev.package.\"*\".opt-level=2"])
        .env("CARGO_TARGET_DIR", support::root().join("target/generated-check"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success() && !stderr.contains("warning"), "cargo check of the hostile crate:\n{stderr}");
}
