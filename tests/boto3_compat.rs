//! The real boto3 against fake-cloud's AWS Transfer stub: a signed
//! `delete_ssh_public_key` succeeds, a second one raises
//! `ResourceNotFoundException`, a bad `ServerId` raises
//! `InvalidRequestException`, a wrong secret gets a 403
//! (`tests/sdk/boto3_transfer.py`). Needs python3 with boto3
//! (`python3 -m pip install -r tests/requirements.txt`).
//!
//! With the Huawei SDK installed (`huaweicloudsdkcore`, `huaweicloudsdkkps`),
//! `tests/sdk/huawei_kps.py` also runs against the Huawei stub; without it
//! that part is skipped with a message (CI does not install it).

#[path = "e2e_common/mod.rs"]
mod common;

use common::Fake;
use fake_cloud::Vendor;
use std::path::Path;
use std::process::Stdio;

const INSTALL: &str =
    "install the Python test tools: python3 -m pip install -r tests/requirements.txt (the README's setup step)";

/// Runs `python3 tests/sdk/<script> <endpoint>` with no AWS profile in the way.
async fn run(script: &str, endpoint: &str) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk").join(script);
    tokio::process::Command::new("python3")
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

#[tokio::test]
async fn huawei_sdk_against_the_huawei_stub_if_installed() {
    let probe = tokio::process::Command::new("python3")
        .args(["-c", "import huaweicloudsdkcore, huaweicloudsdkkps"])
        .stdin(Stdio::null())
        .output()
        .await;
    match probe {
        Ok(out) if out.status.success() => {}
        _ => {
            eprintln!(
                "skipped: the Huawei Cloud SDK (huaweicloudsdkcore, huaweicloudsdkkps) is not importable; \
                 CI does not install it (python3 -m pip install huaweicloudsdkkps to run this part)"
            );
            return;
        }
    }
    let fake = Fake::default_for(Vendor::Huawei).await;
    let output = run("huawei_kps.py", &fake.base_url()).await;
    assert!(output.status.success(), "tests/sdk/huawei_kps.py failed\n{}", report(&output));
    eprintln!("Huawei SDK against fake-cloud: {}", String::from_utf8_lossy(&output.stdout).trim());
    assert_eq!(fake.state()["resources"]["projects"][0]["keypairs"], serde_json::json!(["my-keypair-2"]));
}
