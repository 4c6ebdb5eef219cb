//! `apigen ir specs/apis.yaml`: the IR of the four bundled APIs, checked
//! field by field for what matters and snapshotted whole.

mod support;

use serde_json::Value;
use std::time::Duration;

fn ir() -> Value {
    let out = support::apigen(&["ir", "specs/apis.yaml"], Duration::from_secs(60));
    assert!(out.status.success(), "apigen ir failed:\n{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the IR is JSON")
}

fn api<'a>(ir: &'a Value, name: &str) -> &'a Value {
    ir["apis"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("no API {name}"))
}

fn statuses(op: &Value) -> Vec<&str> {
    op["responses"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect()
}

#[test]
fn bundled_apis() {
    let ir = ir();
    let ops: usize = ir["apis"].as_array().unwrap().iter().map(|a| a["operations"].as_array().unwrap().len()).sum();
    assert_eq!(ops, 5, "five operations across the four APIs");

    let aws = api(&ir, "aws");
    assert_eq!(aws["protocol"], serde_json::json!({"kind": "awsJson1_1", "target_prefix": "TransferService"}));
    let op = &aws["operations"][0];
    assert_eq!(op["target"], "TransferService.DeleteSshPublicKey");
    assert_eq!((op["method"].as_str(), op["path"].as_str()), (Some("POST"), Some("/")));
    assert_eq!(statuses(op), ["200", "400", "500"]);
    let codes: Vec<&str> =
        op["responses"][1]["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["InvalidRequestException", "ResourceNotFoundException", "ThrottlingException"]);
    assert_eq!(aws["security_schemes"]["SigV4"]["kind"], "awsSigV4");
    assert_eq!(aws["security_schemes"]["SigV4"]["service"], "transfer");
    // Identifier-like strings become named (newtype) aliases.
    let field = &aws["types"]["DeleteSshPublicKeyRequest"]["fields"][0]["type"];
    assert_eq!(field, &serde_json::json!({"kind": "named", "name": "DeleteSshPublicKeyRequestServerId"}));
    let server_id = &aws["types"]["DeleteSshPublicKeyRequestServerId"]["type"];
    assert_eq!(server_id["pattern"], "^s-([0-9a-f]{17})$");
    assert_eq!((server_id["min_length"].as_u64(), server_id["max_length"].as_u64()), (Some(19), Some(19)));
    let example = &op["body"]["contents"][0]["examples"]["page-sample"];
    assert_eq!(example["SshPublicKeyId"], "MyPublicKey", "the page's own (invalid) sample is kept");

    // Phala: the overlay records the SDK's X-API-Key instead of `security: []`.
    let phala = api(&ir, "phala");
    let op = &phala["operations"][0];
    assert_eq!(op["name"], "delete_ssh_key");
    assert_eq!(op["security"]["alternatives"], serde_json::json!([[{"scheme": "ApiKeyHeader"}]]));
    assert_eq!(
        phala["security_schemes"]["ApiKeyHeader"],
        serde_json::json!({"kind": "apiKey", "location": "header", "name": "X-API-Key", "description": "Phala Cloud API key, as sent by the official SDK."})
    );
    assert_eq!(statuses(op), ["204", "400", "401", "404", "422"]);

    // Vast: two pages, one API; trailing slashes kept.
    let vast = api(&ir, "vast");
    let paths: Vec<&str> = vast["operations"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/api/v0/instances/{id}/ssh/{ssh_key_id}/", "/api/v0/auth/apikeys/{id}/"]);
    assert_eq!(statuses(&vast["operations"][1]), ["200", "400", "401", "403", "404", "429"]);
    assert_eq!(vast["sources"].as_array().unwrap().len(), 2);

    // Huawei: a token or an AK/SK signature, as alternatives; the page's
    // required X-Auth-Token header is no longer a parameter.
    let huawei = api(&ir, "huawei");
    let op = &huawei["operations"][0];
    assert_eq!(
        op["security"]["alternatives"],
        serde_json::json!([[{"scheme": "XAuthToken"}], [{"scheme": "AkSkSignature"}]])
    );
    assert!(op["parameters"].as_array().unwrap().iter().all(|p| p["name"] != "X-Auth-Token"));
    assert_eq!(huawei["security_schemes"]["AkSkSignature"]["kind"], "huaweiSdkHmacSha256");
    assert_eq!(statuses(op), ["204", "400"]);

    for name in ["phala", "vast", "huawei", "aws"] {
        insta::assert_json_snapshot!(name, api(&ir, name));
    }
}

#[test]
fn a_markdown_page_alone_is_an_api() {
    let out = support::apigen(&["ir", "specs/vast/detach-ssh-key.md"], Duration::from_secs(60));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ir: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ir["apis"][0]["operations"][0]["method"], "DELETE");
    assert_eq!(ir["apis"][0]["servers"][0]["url"], "https://console.vast.ai");
}
