//! Lowering of the constructs real specs use and generators trip on
//! (tests/fixtures/shapes.yaml), and byte-identical output across runs.

mod support;

use serde_json::{Value, json};
use std::time::Duration;

fn ir(path: &str) -> (Vec<u8>, Value) {
    let out = support::apigen(&["ir", path], Duration::from_secs(120));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = serde_json::from_slice(&out.stdout).expect("JSON");
    (out.stdout, v)
}

/// A callback is lowered like an operation, into the requests the API
/// sends (`incoming`), named after its operation and routed by the
/// receiver at `/{name}`.
#[test]
fn callbacks_become_incoming_operations() {
    let (_, ir) = ir("tests/fixtures/shapes.yaml");
    let api = &ir["apis"][0];
    assert!(api["diagnostics"].as_array().unwrap().iter().all(|d| d["code"] != "unsupported.callback"));
    let incoming = api["incoming"].as_array().expect("incoming operations");
    assert_eq!(incoming.len(), 1);
    let callback = &incoming[0];
    assert_eq!(callback["name"], "search_on_result");
    assert_eq!(callback["method"], "POST");
    assert_eq!(callback["path"], "/search_on_result");
    assert_eq!(callback["body"]["contents"][0]["type"], json!({"kind": "named", "name": "Shape"}));
    assert_eq!(callback["security"], json!({"alternatives": []}));
}

#[test]
fn shapes() {
    let (_, ir) = ir("tests/fixtures/shapes.yaml");
    let api = &ir["apis"][0];
    let ops = api["operations"].as_array().unwrap();

    // No operationId: named from method and path. `new` would shadow
    // `Client::new` (the generated client did not compile): renamed.
    assert_eq!(ops[0]["name"], "get_items_id");
    assert_eq!(ops[1]["name"], "new2");

    // Same name in path and query: distinct Rust names; 3.1 type arrays
    // become nullable; `const` a one-value enum type; keywords escaped.
    let params = ops[0]["parameters"].as_array().unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["rust_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["id", "id_query", "type_"]);
    assert_eq!(params[1]["type"], json!({"kind": "nullable", "inner": {"kind": "integer"}}));
    assert_eq!(api["types"]["GetItemsIdType"]["values"][0]["value"], "full");

    // Statuses: codes, then ranges, then default.
    let statuses: Vec<&str> =
        ops[0]["responses"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["200", "4XX", "default"]);

    // Recursion by value is marked for boxing; through an array it is not.
    let node = &api["types"]["Node"];
    let field = |n: &str| node["fields"].as_array().unwrap().iter().find(|f| f["name"] == n).unwrap().clone();
    assert_eq!(field("self")["recursive"], true);
    assert_eq!(field("self")["rust_name"], "self_");
    // A description beside a $ref (3.1 semantics) is kept.
    assert_eq!(field("self")["description"], "the same type, annotated");
    assert!(field("children").get("recursive").is_none());
    assert_eq!(field("size")["type"], json!({"kind": "integer", "minimum": 0, "exclusive_minimum": true}));
    assert_eq!(field("pet")["type"], json!({"kind": "nullable", "inner": {"kind": "named", "name": "Pet"}}));

    // oneOf with a null branch: nullable, discriminated by `kind`.
    let pet = &api["types"]["Pet"];
    assert_eq!(pet["kind"], "oneOf");
    assert_eq!(
        pet["discriminator"],
        json!({"property": "kind", "mapping": {"Cat": "Cat", "Dog": "Dog"}, "unknown": "Unknown"})
    );

    // allOf of objects merges into one struct.
    let cat: Vec<(&str, bool)> = api["types"]["Cat"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["required"].as_bool().unwrap()))
        .collect();
    assert_eq!(cat, [("kind", true), ("meows", true)]);

    // Enum values that collide or are punctuation get distinct names.
    let order: Vec<&str> = api["types"]["New2RequestOrder"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rust_name"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["Asc", "Asc2", "Ne", "Gt"]);

    // A multipart body keeps its per-property encoding.
    let upload = ops.iter().find(|o| o["name"] == "upload_artifact").unwrap();
    assert_eq!(
        upload["body"]["contents"][0]["encoding"],
        json!({
            "file": {"content_type": "application/zip"},
            "link": {"style": "deepObject", "explode": true},
            "logs": {"content_type": "text/plain, application/octet-stream"},
        })
    );

    // Response headers: named in Rust, required or not, typed; a
    // `Content-Type` header is ignored, as OpenAPI says.
    let report = ops.iter().find(|o| o["name"] == "get_report").unwrap();
    let headers: Vec<(&str, &str, bool)> = report["responses"][0]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["name"].as_str().unwrap(), h["rust_name"].as_str().unwrap(), h["required"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        headers,
        [
            ("X-Request-Id", "x_request_id", true),
            ("RateLimit", "rate_limit", false),
            ("X-Page-Count", "x_page_count", false),
            ("Link", "link", false),
            ("X-Cache", "x_cache", false),
        ]
    );
    assert_eq!(report["responses"][0]["headers"][3]["type"], json!({"kind": "array", "items": {"kind": "string"}}));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let (a, _) = ir("specs/apis.yaml");
    let (b, _) = ir("specs/apis.yaml");
    assert_eq!(a, b);
    let (a, _) = ir("tests/corpus/stripe.json");
    let (b, _) = ir("tests/corpus/stripe.json");
    assert!(a == b, "stripe IR differs between runs");
}

#[test]
fn non_ecma_patterns_are_reported() {
    let (_, ir) = ir("tests/fixtures/non-ecma-pattern.yaml");
    let diags = ir["apis"][0]["diagnostics"].as_array().expect("a warning");
    let d = diags.iter().find(|d| d["code"] == "schema.pattern").expect("schema.pattern");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["location"]["pointer"], "/components/schemas/Id/pattern");
    assert!(d["message"].as_str().unwrap().contains("server stubs will not check it"), "{d}");
}

/// Names the generator adds beside the spec's own (an enum's catch-all,
/// a struct's map of unlisted properties, an operation's type prefix, the
/// variants of its response enums) are decided once, in lowering, and
/// stay clear of the spec's names.
#[test]
fn names_beside_the_specs_own_are_decided_in_lowering() {
    let (_, ir) = ir("tests/fixtures/names.yaml");
    let api = &ir["apis"][0];
    assert_eq!(api["types"]["Named"]["additional"]["rust_name"], "additional_properties2");
    assert_eq!(api["types"]["NamedState"]["unknown"], "Unknown2");
    assert_eq!(api["types"]["Tagged"]["discriminator"]["unknown"], "Unknown2");
    // The arms of `Body` are named after the values that share `Planet`,
    // one of which is `unknown`: the catch-all steers clear of the arms.
    assert_eq!(api["types"]["Body"]["discriminator"]["unknown"], "Unknown2");

    let ops = api["operations"].as_array().unwrap();
    let op = |name: &str| ops.iter().find(|o| o["name"] == name).unwrap_or_else(|| panic!("{name}"));
    // `names_2` and `names2` both read `Names2`: the second gets a suffix
    // Rust accepts as UpperCamelCase.
    assert_eq!(op("names_2")["type_name"], "Names2");
    assert_eq!(op("names2")["type_name"], "Names2_2");
}

/// An error code and a status that read alike get distinct variants (the
/// client's error enum and the server's response enum hold both).
#[test]
fn error_codes_and_statuses_get_distinct_variants() {
    let (_, ir) = ir("tests/fixtures/aws-names.yaml");
    let responses = ir["apis"][0]["operations"][0]["responses"].as_array().unwrap().clone();
    let names: Vec<&str> = responses.iter().map(|r| r["rust_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ok", "BadRequest", "NotFound2"]);
    assert_eq!(
        responses[1]["errors"],
        json!([{"code": "NotFound", "rust_name": "NotFound", "type": {"kind": "named", "name": "NotFound"}}])
    );
}

/// `route.ambiguous` fires only for paths that match the same requests:
/// the literal text around a value (`{name}.json`, OData's
/// `fn(param={value})`) tells paths apart, a parameter's name does not.
#[test]
fn only_paths_that_match_the_same_requests_are_ambiguous() {
    let (_, ir) = ir("tests/fixtures/bare.yaml");
    let ambiguous: Vec<&str> = ir["apis"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "route.ambiguous")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        ambiguous,
        [
            "`GET /notebooks/{key}` and `GET /notebooks/{id}` match the same requests; server stubs route only `/notebooks/{id}`"
        ]
    );
}

/// OpenAPI 3.x: a header parameter named `Accept`, `Content-Type` or
/// `Authorization` (any case) SHALL be ignored. Lowering drops it, with
/// one warning per place in the spec defining one: a shared component is
/// reported once, where it is defined.
#[test]
fn accept_content_type_and_authorization_headers_are_ignored() {
    let (_, ir) = ir("tests/fixtures/ignored-headers.yaml");
    let api = &ir["apis"][0];
    let names = |op: &Value| -> Vec<String> {
        op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
    };
    let ops = api["operations"].as_array().unwrap();
    let add = ops.iter().find(|o| o["name"] == "add_key").unwrap();
    let list = ops.iter().find(|o| o["name"] == "list_keys").unwrap();
    assert_eq!(names(add), ["x-trace"]);
    assert!(names(list).is_empty(), "{:?}", names(list));
    let mut at: Vec<&str> = api["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "parameter.header-ignored")
        .map(|d| {
            assert_eq!(d["severity"], "warning");
            d["location"]["pointer"].as_str().unwrap()
        })
        .collect();
    at.sort();
    assert_eq!(
        at,
        ["/components/parameters/auth", "/paths/~1keys/get/parameters/0", "/paths/~1keys/post/parameters/0"]
    );
}

/// Stripe declares an optional form body on every GET and DELETE whose
/// schema admits only `{}`: lowering leaves it out (no `body` setter, no
/// body on a GET), with an info naming where.
#[test]
fn an_optional_body_that_admits_only_an_empty_object_is_left_out() {
    let (_, ir) = ir("tests/fixtures/pagination/stripe.yaml");
    let api = &ir["apis"][0];
    let list = api["operations"].as_array().unwrap().iter().find(|o| o["name"] == "get_customers").unwrap();
    assert!(list["body"].is_null(), "{}", list["body"]);
    let notes: Vec<&Value> =
        api["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "body.carries-nothing").collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["severity"], "info");
    assert_eq!(notes[0]["location"]["pointer"], "/paths/~1v1~1customers/get/requestBody");
}
