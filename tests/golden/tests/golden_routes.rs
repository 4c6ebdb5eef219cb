//! The golden fixtures' generated router, built and driven: routes axum
//! could not take as documented (parameters differing only in name, a
//! parameter inside a segment), anonymous access next to a cookie key,
//! exploded query arrays and header constraints.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use golden::bare::server::*;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

#[derive(Default)]
struct Bare {
    seen: Mutex<Vec<String>>,
}

impl Bare {
    fn saw(&self, s: String) {
        self.seen.lock().unwrap().push(s);
    }
}

impl Api for Bare {
    type Caller = &'static str;
    async fn authenticate_key(&self, token: &str) -> Option<&'static str> {
        (token == "good").then_some("user")
    }
    async fn get_ping(&self, caller: Option<&'static str>, input: GetPingInput) -> GetPingResponse {
        self.saw(format!("ping {caller:?} {:?} {}", input.n, input.x_trace));
        GetPingResponse::NoContent
    }
    async fn head_ping(&self, _: Option<&'static str>, _: HeadPingInput) -> HeadPingResponse {
        HeadPingResponse::Ok
    }
    async fn get_files_file_id(
        &self,
        _: Option<&'static str>,
        input: GetFilesFileIdInput,
    ) -> GetFilesFileIdResponse {
        self.saw(format!("get {}", input.file_id));
        GetFilesFileIdResponse::Ok(input.file_id)
    }
    async fn delete_files_id(
        &self,
        _: Option<&'static str>,
        input: DeleteFilesIdInput,
    ) -> DeleteFilesIdResponse {
        self.saw(format!("delete {}", input.id));
        DeleteFilesIdResponse::NoContent
    }
    async fn get_files_name_v_version_json(
        &self,
        _: Option<&'static str>,
        input: GetFilesNameVVersionJsonInput,
    ) -> GetFilesNameVVersionJsonResponse {
        self.saw(format!("json {} {}", input.name, input.version));
        GetFilesNameVVersionJsonResponse::Ok(format!("{}@{}", input.name, input.version))
    }
}

async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut b = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let response = app
        .clone()
        .oneshot(b.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn routes_axum_could_not_take_as_written() {
    let api = Arc::new(Bare::default());
    let app = router(api.clone()); // building it must not panic
    assert_eq!(
        send(&app, "GET", "/files/a%20b", &[]).await,
        (StatusCode::OK, "a b".into())
    );
    assert_eq!(send(&app, "DELETE", "/files/7", &[]).await.0, 204);
    assert_eq!(
        send(&app, "GET", "/files/x/v3.json", &[]).await,
        (StatusCode::OK, "x@3".into())
    );
    assert_eq!(
        send(&app, "GET", "/files/x/3.json", &[]).await.0,
        404,
        "the literal `v` is part of the route"
    );
    assert_eq!(
        send(&app, "GET", "/files/x/v3.txt", &[]).await.0,
        404,
        "and so is `.json`"
    );
    let (status, body) = send(&app, "GET", "/files/x/v0.json", &[]).await;
    assert_eq!(status, 400, "version has minimum 1: {body}");
    assert!(body.contains("greater than or equal to 1"), "{body}");
    assert_eq!(
        *api.seen.lock().unwrap(),
        ["get a b", "delete 7", "json x 3"]
    );
}

#[tokio::test]
async fn anonymous_or_cookie_key_and_query_arrays() {
    let api = Arc::new(Bare::default());
    let app = router(api.clone());
    assert_eq!(
        send(&app, "GET", "/ping?n=1&n=2", &[("x-trace", "t1")])
            .await
            .0,
        204
    );
    assert_eq!(
        send(
            &app,
            "GET",
            "/ping",
            &[("x-trace", "t2"), ("cookie", "a=b; session=good")]
        )
        .await
        .0,
        204
    );
    let (status, body) = send(
        &app,
        "GET",
        "/ping",
        &[("x-trace", "t3"), ("cookie", "session=bad")],
    )
    .await;
    assert_eq!(
        status, 401,
        "a wrong key is refused even where anonymous access is allowed: {body}"
    );
    let (status, body) = send(
        &app,
        "GET",
        "/ping?n=0&n=x",
        &[("x-trace", "much-too-long")],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["code"], "invalid_request");
    let locs: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["loc"].to_string())
        .collect();
    assert_eq!(
        locs,
        [r#"["query","n"]"#],
        "decoding stops at the array that is not integers: {body}"
    );
    let (_, body) = send(&app, "GET", "/ping?n=0", &[("x-trace", "much-too-long")]).await;
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    let locs: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["loc"].to_string())
        .collect();
    assert_eq!(
        locs,
        [r#"["query","n",0]"#, r#"["header","X-Trace"]"#],
        "every violation is reported: {body}"
    );
    assert_eq!(
        *api.seen.lock().unwrap(),
        [
            r#"ping None Some([1, 2]) t1"#,
            r#"ping Some("user") None t2"#
        ]
    );
}
