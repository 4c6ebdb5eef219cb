//! `cargo xtask test`: every check CI runs, in CI's order, from a clone of
//! this repository alone. `.ci/run` calls it; so does a newcomer.
//!
//! The Python tools the tests drive (moto, boto3, schemathesis, openapi-core) go into a
//! project-local virtual environment, `.venv/`: no global pip, so no PEP 668
//! "externally-managed-environment" refusal, and nothing to put on `PATH`
//! by hand. The steps that need them run with `.venv/bin` first on `PATH`;
//! the tests also look there themselves (`tests/support`), so a plain
//! `cargo test` finds them after one `cargo xtask test` or `cargo xtask setup`.
//!
//! Every cargo command here resolves the same features (the
//! `workspace-hack` crate, `hack.rs`), so the dependencies are built once
//! for all of them.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

/// The steps, in order; `--skip` and `--only` take these names.
pub const STEPS: [(&str, &str); 9] = [
    ("python", "Python tools into .venv (moto, boto3, schemathesis, openapi-core)"),
    ("fmt", "cargo fmt --check"),
    ("hack", "workspace-hack lists every dependency with its features"),
    ("codegen", "generated/ and tests/golden are fresh"),
    ("clippy", "cargo clippy -D warnings, every target"),
    ("test", "cargo test --workspace"),
    ("corpus", "real-world specs generate and compile without warnings (all but the two largest)"),
    ("schemathesis", "schemathesis against fake-cloud, every API"),
    ("conformance", "what generated clients send, validated by openapi-core (the small specs)"),
];

/// The specs whose clients CI checks with an independent validator
/// (tests/conformance/): the fixtures that have operations and the small
/// corpus specs; `cargo xtask corpus --conformance` runs every corpus spec.
pub const CI_CONFORMANCE: &[&str] = &[
    "tests/conformance/quoting.yaml",
    "tests/fixtures/wire.yaml",
    "tests/fixtures/formats.yaml",
    "tests/fixtures/streams.yaml",
    "tests/fixtures/tokens.yaml",
    "tests/fixtures/names.yaml",
    "tests/fixtures/keywords.yaml",
    "tests/corpus/onepassword-connect.json",
    "tests/corpus/train-travel.yaml",
    "tests/corpus/circleci.json",
    "tests/corpus/scalar-galaxy.yaml",
    // Not yet: shapes.yaml has an open finding (docs/guide.md,
    // "Conformance"); run.py runs it.
];

/// The corpus specs CI compiles: all but GitHub's and Stripe's, which take
/// minutes and gigabytes each (`cargo xtask corpus` runs them).
const CI_CORPUS: &str = "bitbucket,circleci,discourse,docker-engine,listennotes,netlify,onepassword-connect,scalar-galaxy,spacetraders,spotify,train-travel";

pub struct Settings {
    pub skip: Vec<String>,
    pub only: Vec<String>,
}

pub fn run(settings: &Settings) -> ExitCode {
    for name in settings.skip.iter().chain(&settings.only) {
        if !STEPS.iter().any(|(s, _)| s == name) {
            let names: Vec<&str> = STEPS.iter().map(|(s, _)| *s).collect();
            eprintln!("error: no step `{name}`; the steps are {}", names.join(", "));
            return ExitCode::from(2);
        }
    }
    let mut done: Vec<(&str, Duration)> = Vec::new();
    for (name, what) in STEPS {
        if settings.skip.iter().any(|s| s == name)
            || (!settings.only.is_empty() && !settings.only.iter().any(|s| s == name))
        {
            continue;
        }
        eprintln!("\n== {name}: {what}");
        let start = Instant::now();
        let ok = step(name);
        done.push((name, start.elapsed()));
        if !ok {
            summary(&done);
            eprintln!("\nerror: step `{name}` failed (rerun it alone with `cargo xtask test --only {name}`)");
            return ExitCode::FAILURE;
        }
    }
    summary(&done);
    ExitCode::SUCCESS
}

fn summary(done: &[(&str, Duration)]) {
    eprintln!("\n== summary");
    for (name, time) in done {
        eprintln!("{name:>14}  {:>7.1} s", time.as_secs_f64());
    }
}

fn step(name: &str) -> bool {
    match name {
        "python" => setup_python().map_err(|e| eprintln!("error: {e}")).is_ok(),
        "fmt" => cargo(&["fmt", "--all", "--check"]),
        "hack" => crate::hack::run(true) == ExitCode::SUCCESS,
        "codegen" => crate::bundled().iter().all(|(m, k)| crate::codegen::run(true, m, k) == ExitCode::SUCCESS),
        "clippy" => cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
        "test" => cargo(&["test", "--workspace", "--locked"]),
        "corpus" => {
            let only = CI_CORPUS.split(',').map(str::to_owned).collect();
            crate::corpus::run(&crate::corpus::Settings {
                dir: crate::corpus::DIR.into(),
                only,
                no_check: false,
                conformance: false,
            }) == ExitCode::SUCCESS
        }
        "schemathesis" => with_venv(Command::new("bash").arg("tests/schemathesis/run.sh")),
        "conformance" => {
            // The runner's own tests first: among them, that a client
            // JSON-quoting its parameters fails the run.
            let mut unit = Command::new("python3");
            unit.args(["-m", "unittest", "-v", "tests/conformance/test_run.py"]).env("APIGEN", apigen_bin());
            build_apigen() && with_venv(&mut unit) && conformance(CI_CONFORMANCE.iter().map(Path::new))
        }
        _ => unreachable!("STEPS names every step"),
    }
}

/// Builds the `apigen` binary the Python runners drive.
pub fn build_apigen() -> bool {
    cargo(&["build", "--quiet", "--locked", "-p", "apigen", "--features", "apigen/workspace-hack"])
}

/// Where `build_apigen` puts it.
pub fn apigen_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("debug/apigen")
}

/// tests/conformance/run.py over `specs`: their clients' requests validated
/// against the specs by openapi-core.
pub fn conformance<'a>(specs: impl Iterator<Item = &'a Path>) -> bool {
    let mut run = Command::new("python3");
    run.arg("tests/conformance/run.py").arg("--apigen").arg(apigen_bin()).args(specs);
    with_venv(&mut run)
}

fn cargo(args: &[&str]) -> bool {
    with_venv(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args(args))
}

/// Runs `cmd` with `.venv/bin` first on `PATH`, and says whether it succeeded.
pub fn with_venv(cmd: &mut Command) -> bool {
    let venv = Path::new(VENV).join("bin").canonicalize().unwrap_or_else(|_| PathBuf::from(VENV).join("bin"));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let joined = std::env::join_paths(std::iter::once(venv).chain(std::env::split_paths(&path)));
    if let Ok(joined) = joined {
        cmd.env("PATH", joined);
    }
    match cmd.status() {
        Ok(status) => status.success(),
        Err(e) => {
            eprintln!("error: {:?}: {e}", cmd.get_program());
            false
        }
    }
}

pub const VENV: &str = ".venv";
const REQUIREMENTS: &str = "tests/requirements.txt";
/// The requirements the environment was built from: unchanged, nothing to do.
const STAMP: &str = ".venv/apigen-requirements.txt";

/// `cargo xtask setup`: the project-local Python environment, made or
/// brought up to date with `tests/requirements.txt`.
pub fn setup_python() -> Result<(), String> {
    let wanted = std::fs::read_to_string(REQUIREMENTS).map_err(|e| format!("{REQUIREMENTS}: {e}"))?;
    if std::fs::read_to_string(STAMP).is_ok_and(|had| had == wanted) && tools_present() {
        eprintln!("{VENV}: up to date with {REQUIREMENTS}");
        return Ok(());
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    if !Path::new(VENV).join("bin/python").exists() {
        eprintln!("creating {VENV} with {python}");
        let made = Command::new(&python).args(["-m", "venv", VENV]).status();
        match made {
            Ok(s) if s.success() => {}
            Ok(_) => {
                return Err(format!(
                    "`{python} -m venv {VENV}` failed. On Debian and Ubuntu the venv module is a package of its own: \
                     `apt install python3-venv`, then run this again (or set PYTHON to another Python 3.9+)."
                ));
            }
            Err(e) => return Err(format!("{python}: {e}: install Python 3.9 or newer, or set PYTHON to one")),
        }
    }
    eprintln!("installing {REQUIREMENTS} into {VENV}");
    let pip = Command::new(Path::new(VENV).join("bin/python"))
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS])
        .status()
        .map_err(|e| format!("{VENV}/bin/python: {e}"))?;
    if !pip.success() {
        return Err(format!("pip could not install {REQUIREMENTS} into {VENV} (see its output above)"));
    }
    if !tools_present() {
        return Err(format!("{VENV}/bin lacks moto_server or st after installing {REQUIREMENTS}"));
    }
    std::fs::write(STAMP, wanted).map_err(|e| format!("{STAMP}: {e}"))?;
    Ok(())
}

fn tools_present() -> bool {
    ["moto_server", "st", "python3"].iter().all(|t| Path::new(VENV).join("bin").join(t).exists())
}
