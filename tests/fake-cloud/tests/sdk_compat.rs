//! The real boto3 against fake-cloud's AWS Transfer stub: a signed
//! `delete_ssh_public_key` succeeds, a second one raises
//! `ResourceNotFoundException`, a bad `ServerId` raises
//! `InvalidRequestException`, a wrong secret gets a 403
//! (`tests/sdk/boto3_transfer.py`). Needs python3 with boto3
//! (`python3 -m pip install -r tests/requirements.txt`).
//!
//! The other official SDKs run against their stubs when they are
//! importable (CI installs only boto3; each skipped part says so): the
//! Huawei SDK (`huaweicloudsdkkps`, `tests/sdk/huawei_kps.py`), the Vast.ai
//! SDK (`vastai`, `tests/sdk/vast_sdk.py`) and the Phala Cloud SDK
//! (`phala-cloud`, `tests/sdk/phala_sdk.py`).

#[path = "e2e_common/mod.rs"]
mod common;

use common::Fake;
use fake_cloud::Vendor;
use std::path::Path;
use std::process::Stdio;

const INSTALL: &str = "install the Python test tools: `cargo xtask setup` puts them into .venv";
const VENV_BIN: &str = "../../.venv/bin";

/// Runs `python3 tests/sdk/<script> <endpoint>` with no AWS profile in the way.
async fn run(script: &str, endpoint: &str) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk").join(script);
    tokio::process::Command::new(python_tool("python3"))
        .arg(&script)
        .arg(endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_RETRY_MODE")
        .env_remove("AWS_MAX_ATTEMPTS")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}; {INSTALL}", script.display()))
}

fn report(output: &std::process::Output) -> String {
    format!(
        "exit {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn boto3_against_the_aws_stub() {
    let fake = Fake::default_for(Vendor::Aws).await;
    let output = run("boto3_transfer.py", &fake.base_url()).await;
    let text = report(&output);
    if !output.status.success() && text.contains("No module named") {
        panic!("boto3 is not installed: {INSTALL}\n{text}");
    }
    assert!(output.status.success(), "tests/sdk/boto3_transfer.py failed\n{text}");
    eprintln!("boto3 against fake-cloud: {}", String::from_utf8_lossy(&output.stdout).trim());
    assert_eq!(fake.state()["resources"]["servers"][0]["users"][0]["ssh_public_key_ids"], serde_json::json!([]));
    assert_eq!(fake.requests("delete_ssh_public_key"), 5, "one attempt per call");
}

/// Whether python3 can import `modules`; if not, says which part is skipped.
async fn importable(modules: &str, package: &str) -> bool {
    let probe = tokio::process::Command::new(python_tool("python3"))
        .args(["-c", &format!("import {modules}")])
        .stdin(Stdio::null())
        .output()
        .await;
    let ok = matches!(probe, Ok(ref out) if out.status.success());
    if !ok {
        eprintln!(
            "skipped: `import {modules}` fails; CI does not install {package} (pip install {package} to run this part)"
        );
    }
    ok
}

/// Runs an optional SDK script against a fresh fake-cloud of `vendor`.
async fn optional_sdk(vendor: Vendor, script: &str, modules: &str, package: &str) -> Option<Fake> {
    if !importable(modules, package).await {
        return None;
    }
    let fake = Fake::default_for(vendor).await;
    let output = run(script, &fake.base_url()).await;
    assert!(output.status.success(), "tests/sdk/{script} failed\n{}", report(&output));
    eprintln!("{script} against fake-cloud: {}", String::from_utf8_lossy(&output.stdout).trim());
    Some(fake)
}

#[tokio::test]
async fn huawei_sdk_against_the_huawei_stub_if_installed() {
    if let Some(fake) =
        optional_sdk(Vendor::Huawei, "huawei_kps.py", "huaweicloudsdkcore, huaweicloudsdkkps", "huaweicloudsdkkps")
            .await
    {
        assert_eq!(fake.state()["resources"]["projects"][0]["keypairs"], serde_json::json!(["my-keypair-2"]));
    }
}

#[tokio::test]
async fn vast_sdk_against_the_vast_stub_if_installed() {
    if let Some(fake) = optional_sdk(Vendor::Vast, "vast_sdk.py", "vastai", "vastai").await {
        assert_eq!(fake.state()["resources"]["instances"][0]["ssh_keys"], serde_json::json!([12346]));
        assert_eq!(fake.requests("detach_ssh"), 2);
    }
}

#[tokio::test]
async fn phala_sdk_against_the_phala_stub_if_installed() {
    if let Some(fake) = optional_sdk(Vendor::Phala, "phala_sdk.py", "phala_cloud", "phala-cloud").await {
        assert_eq!(fake.requests("delete_ssh_key"), 3, "one attempt per call: the SDK never retries");
        let state = fake.state();
        let left: Vec<&str> = state["resources"]["ssh_keys"]
            .as_array()
            .map(|keys| keys.iter().filter_map(|k| k["id"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(left, ["sshk_test2"], "the wrong key deleted nothing");
    }
}

/// A Python tool from the project's environment (`.venv/bin`, made by
/// `cargo xtask setup` or `cargo xtask test`), else from `PATH`.
fn python_tool(name: &str) -> std::path::PathBuf {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(VENV_BIN).join(name);
    if venv.exists() { venv } else { name.into() }
}
