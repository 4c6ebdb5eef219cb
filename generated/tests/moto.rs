//! End-to-end test of the generated AWS Transfer client against a real moto
//! server (`moto_server`, from `pip install 'moto[server]'`).
//!
//! The test starts `moto_server` on a free local port, seeds it with boto3
//! (`tests/moto/seed.py`: a server, a user and one SSH public key), then drives
//! `DeleteSshPublicKey` through the generated client: SigV4 signing, the
//! awsJson1_1 request and the error-code extraction all go over real HTTP.
//!
//! moto answers its not-found cases with its own codes (`PublicKeyNotFound`,
//! `UserNotFound`, `ServerNotFound`) instead of the documented
//! `ResourceNotFoundException`, so the client must surface them as
//! `Error::Undocumented` with the code taken from the response.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vendor_apis::aws_transfer::client::{Client, Credentials, DeleteSshPublicKeyError};
use vendor_apis::aws_transfer::types::DeleteSshPublicKeyRequest;
use vendor_apis::runtime::client::{ClientConfig, Error, RawResponse};
use vendor_apis::runtime::sigv4::AwsCredentials;

const ACCESS_KEY_ID: &str = "AKIDTEST";
const SECRET_ACCESS_KEY: &str = "SECRETTEST";
const REGION: &str = "us-east-1";
const UNKNOWN_SERVER_ID: &str = "s-00000000000000000";
const MOTO_NOT_FOUND: &str = "moto_server not found: `cargo xtask setup` installs it into .venv (or pip install 'moto[server]')";
const VENV_BIN: &str = "../.venv/bin";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `moto_server`, killed (and reaped) when dropped, also on panic.
struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl MotoServer {
    fn start() -> MotoServer {
        let port = free_port();
        let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("moto_server-{port}.log"));
        let log_file =
            File::create(&log).unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let log_file_err = log_file
            .try_clone()
            .expect("clone moto_server log file handle");
        let child = Command::new(python_tool("moto_server"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_file_err)
            .spawn()
            .unwrap_or_else(|e| panic!("{MOTO_NOT_FOUND} (spawning `moto_server` failed: {e})"));
        MotoServer { child, port, log }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Polls until the port accepts connections; fails if moto exits or the
    /// timeout passes.
    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll moto_server") {
                // A shim (e.g. pyenv's) that finds no moto_server exits 127.
                panic!(
                    "moto_server exited during startup ({status}); {MOTO_NOT_FOUND}\n--- moto_server output ---\n{}",
                    self.log_text()
                );
            }
            if tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, self.port))
                .await
                .is_ok()
            {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "moto_server did not accept connections on port {} within {STARTUP_TIMEOUT:?}\n\
                     --- moto_server output ---\n{}",
                    self.port,
                    self.log_text()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "--- moto_server output ({}) ---\n{}",
                self.log.display(),
                self.log_text()
            );
        }
    }
}

/// A port that was free a moment ago: bind port 0, read it, release it.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// What `tests/moto/seed.py` created.
struct Seed {
    server_id: String,
    user_name: String,
    ssh_public_key_id: String,
    moto_version: String,
}

async fn seed(endpoint: &str) -> Seed {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/moto/seed.py");
    let output = tokio::process::Command::new(python_tool("python3"))
        .arg(&script)
        .arg(endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{} failed ({})\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .expect("seed.py printed nothing");
    let json: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("seed.py printed no JSON ({e}): {line}"));
    let field = |name: &str| {
        json[name]
            .as_str()
            .unwrap_or_else(|| panic!("seed.py output has no string `{name}`: {line}"))
            .to_owned()
    };
    Seed {
        server_id: field("server_id"),
        user_name: field("user_name"),
        ssh_public_key_id: field("ssh_public_key_id"),
        moto_version: json["moto_version"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned(),
    }
}

fn request(server_id: &str, user_name: &str, ssh_public_key_id: &str) -> DeleteSshPublicKeyRequest {
    DeleteSshPublicKeyRequest {
        server_id: server_id.into(),
        ssh_public_key_id: ssh_public_key_id.into(),
        user_name: user_name.into(),
    }
}

/// Asserts an `Error::Undocumented` 400 carrying moto's own error `code`.
fn expect_undocumented(
    what: &str,
    result: Result<(), Error<DeleteSshPublicKeyError>>,
    code: &str,
) -> RawResponse {
    let raw = match result {
        Err(Error::Undocumented(raw)) => raw,
        other => panic!("{what}: expected Err(Error::Undocumented(400 {code})), got {other:?}"),
    };
    assert_eq!(raw.status, 400, "{what}: status; body: {}", raw.text());
    assert_eq!(
        raw.error_code.as_deref(),
        Some(code),
        "{what}: error code; headers {:?}, body {}",
        raw.headers,
        raw.text()
    );
    let body: serde_json::Value = serde_json::from_slice(&raw.body)
        .unwrap_or_else(|e| panic!("{what}: error body is not JSON ({e}): {}", raw.text()));
    assert_eq!(
        body["__type"],
        code,
        "{what}: body __type; body: {}",
        raw.text()
    );
    raw
}

#[tokio::test]
async fn delete_ssh_public_key_against_moto() {
    let mut moto = MotoServer::start();
    moto.wait_ready().await;
    let endpoint = moto.endpoint();
    let seed = seed(&endpoint).await;
    assert!(
        seed.ssh_public_key_id
            .starts_with(&format!("{}:{}:", seed.server_id, seed.user_name)),
        "unexpected moto key id format: {}",
        seed.ssh_public_key_id
    );

    let client = Client::with_config(
        Credentials::new().sig_v4(AwsCredentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            REGION,
        )),
        ClientConfig::new().base_url(endpoint.clone()),
    )
    .expect("build AWS Transfer client");
    assert_eq!(client.base_url().trim_end_matches('/'), endpoint);

    // 1. The seeded key: deleted. The id is moto's `<server>:<user>:public_key:<time>`, not the
    //    documented `key-` + 17 hex; the client sends it unchanged.
    let delete = request(&seed.server_id, &seed.user_name, &seed.ssh_public_key_id);
    let first = client.delete_ssh_public_key(delete.clone()).send().await;
    assert!(
        matches!(first, Ok(())),
        "first delete of the seeded key: expected Ok(()), got {first:?}"
    );

    // 2. The same key again: gone. moto's code is not a documented AWS one.
    let again = expect_undocumented(
        "second delete",
        client.delete_ssh_public_key(delete).send().await,
        "PublicKeyNotFound",
    );
    assert!(
        again.text().contains(&seed.ssh_public_key_id),
        "second delete: message names the key: {}",
        again.text()
    );

    // 3. An unknown user on the seeded server.
    let no_user = request(&seed.server_id, "nobody", &seed.ssh_public_key_id);
    expect_undocumented(
        "unknown user",
        client.delete_ssh_public_key(no_user).send().await,
        "UserNotFound",
    );

    // 4. An unknown server.
    let no_server = request(UNKNOWN_SERVER_ID, &seed.user_name, &seed.ssh_public_key_id);
    expect_undocumented(
        "unknown server",
        client.delete_ssh_public_key(no_server).send().await,
        "ServerNotFound",
    );

    eprintln!(
        "moto {} at {endpoint}: DeleteSshPublicKey ok for {}; then 400 PublicKeyNotFound / UserNotFound / \
         ServerNotFound surfaced as Error::Undocumented",
        seed.moto_version, seed.ssh_public_key_id
    );
    drop(moto);
}

/// A Python tool from the project's environment (`.venv/bin`, made by
/// `cargo xtask setup` or `cargo xtask test`), else from `PATH`.
fn python_tool(name: &str) -> std::path::PathBuf {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(VENV_BIN)
        .join(name);
    if venv.exists() { venv } else { name.into() }
}
