//! Swagger 2.0 input (tests/fixtures/swagger2/, real 2.0 documents from
//! the npm package @readme/oas-examples@8.2.2, `2.0/json/`): converted in
//! the source stage to the 3.0 model, so the IR says what the 2.0
//! document meant.

mod support;

use serde_json::{Value, json};
use std::time::Duration;

fn load(path: &str) -> (Value, String) {
    let out = support::apigen(&["ir", path], Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{path}: {stderr}");
    let ir: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    (ir["apis"][0].clone(), stderr)
}

fn operation<'a>(api: &'a Value, name: &str) -> &'a Value {
    api["operations"].as_array().unwrap().iter().find(|o| o["name"] == name).unwrap_or_else(|| panic!("{name}"))
}

fn media_types(contents: &Value) -> Vec<&str> {
    contents.as_array().unwrap().iter().map(|c| c["media_type"].as_str().unwrap()).collect()
}

#[test]
fn petstore() {
    let (api, stderr) = load("tests/fixtures/swagger2/petstore.json");
    assert!(!stderr.contains("warning"), "a plain 2.0 document converts without loss:\n{stderr}");
    assert_eq!(api["operations"].as_array().unwrap().len(), 20);
    // host + basePath + schemes.
    assert_eq!(api["servers"], json!([{"url": "http://petstore.swagger.io/v2"}]));
    // securityDefinitions: an oauth2 implicit flow and an API key.
    let schemes = &api["security_schemes"];
    assert_eq!(schemes["api_key"], json!({"kind": "apiKey", "location": "header", "name": "api_key"}));
    let implicit = &schemes["petstore_auth"]["flows"]["implicit"];
    assert_eq!(implicit["authorization_url"], "http://petstore.swagger.io/oauth/dialog");
    // A body parameter: one request body per `consumes` media type.
    let add = operation(&api, "add_pet");
    assert_eq!(media_types(&add["body"]["contents"]), ["application/json", "application/xml"]);
    assert_eq!(add["body"]["required"], true);
    assert_eq!(add["body"]["contents"][0]["type"], json!({"kind": "named", "name": "Pet"}));
    // Form parameters with a file: multipart, the file as bytes.
    let upload = operation(&api, "upload_file");
    assert_eq!(media_types(&upload["body"]["contents"]), ["multipart/form-data"]);
    let form = &api["types"]["UploadFileRequest"]["fields"];
    let file = form.as_array().unwrap().iter().find(|f| f["name"] == "file").unwrap();
    assert_eq!(file["type"], json!({"kind": "binary"}));
    // Form parameters without a file: urlencoded.
    let update = operation(&api, "update_pet_with_form");
    assert_eq!(media_types(&update["body"]["contents"]), ["application/x-www-form-urlencoded"]);
    // `collectionFormat: multi`: a repeated query parameter.
    let status = &operation(&api, "find_pets_by_status")["parameters"][0];
    assert_eq!((&status["style"], &status["explode"]), (&json!("form"), &json!(true)));
    // Responses: the schema under every `produces` media type.
    let found = &operation(&api, "find_pets_by_status")["responses"][0];
    assert_eq!(media_types(&found["contents"]), ["application/xml", "application/json"]);
}

#[test]
fn examples_and_recursion() {
    // Response examples without a schema stay, as media types with an example.
    let (api, stderr) = load("tests/fixtures/swagger2/api-with-examples.json");
    assert!(!stderr.contains("warning"), "{stderr}");
    let list = &api["operations"][0]["responses"][0];
    assert_eq!(media_types(&list["contents"]), ["application/json"]);
    // (This document writes the example as JSON text, a string.)
    let example = list["contents"][0]["examples"]["default"].as_str().unwrap_or_default();
    assert!(example.contains("\"versions\""), "{list}");
    // `#/definitions/...` references, recursive ones included.
    let (api, stderr) = load("tests/fixtures/swagger2/schema-circular.json");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(!api["types"].as_object().unwrap().is_empty());
    let (api, _) = load("tests/fixtures/swagger2/petstore-expanded.json");
    let find = operation(&api, "find_pets");
    let tags = find["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "tags").unwrap();
    // The 2.0 default `collectionFormat: csv`: comma-separated.
    assert_eq!((&tags["style"], &tags["explode"]), (&json!("form"), &json!(false)));
}
