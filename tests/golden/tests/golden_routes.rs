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
    async fn get_files_name_json(
        &self,
        _: Option<&'static str>,
        input: GetFilesNameJsonInput,
    ) -> GetFilesNameJsonResponse {
        self.saw(format!("named {}", input.name));
        GetFilesNameJsonResponse::Ok(input.name)
    }
    async fn get_notebooks_id(
        &self,
        _: Option<&'static str>,
        input: GetNotebooksIdInput,
    ) -> GetNotebooksIdResponse {
        self.saw(format!("notebook {}", input.id));
        GetNotebooksIdResponse::Ok(input.id.to_string())
    }
    async fn get_notebooks_fn_param_value(
        &self,
        _: Option<&'static str>,
        input: GetNotebooksFnParamValueInput,
    ) -> GetNotebooksFnParamValueResponse {
        self.saw(format!("fn {}", input.value));
        GetNotebooksFnParamValueResponse::Ok(input.value)
    }
    async fn get_notebooks_key(
        &self,
        _: Option<&'static str>,
        _: GetNotebooksKeyInput,
    ) -> GetNotebooksKeyResponse {
        unreachable!("`/notebooks/{{key}}` matches what `/notebooks/{{id}}` does: it is not routed")
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

/// Operations whose paths differ only in the literal text around a
/// value share an axum route; the text decides, as a reader of the spec
/// would: the most literal path first, the plain one for the rest.
#[tokio::test]
async fn literal_text_inside_a_segment_picks_the_operation() {
    let api = Arc::new(Bare::default());
    let app = router(api.clone());
    assert_eq!(
        send(&app, "GET", "/files/report.json", &[]).await,
        (StatusCode::OK, "report".into())
    );
    assert_eq!(
        send(&app, "GET", "/files/report.txt", &[]).await,
        (StatusCode::OK, "report.txt".into())
    );
    assert_eq!(
        send(&app, "GET", "/notebooks/fn(param=abc)", &[]).await,
        (StatusCode::OK, "abc".into())
    );
    assert_eq!(
        send(&app, "GET", "/notebooks/42", &[]).await,
        (StatusCode::OK, "42".into())
    );
    // Each operation validates its own parameters: `value` has at most 3
    // characters, `id` is an integer.
    assert_eq!(
        send(&app, "GET", "/notebooks/fn(param=abcd)", &[]).await.0,
        400
    );
    assert_eq!(send(&app, "GET", "/notebooks/abc", &[]).await.0, 400);
    assert_eq!(
        *api.seen.lock().unwrap(),
        ["named report", "get report.txt", "fn abc", "notebook 42"]
    );
}

/// The generated client writes the literal text around each value, so
/// its requests reach the operation it called.
#[tokio::test]
async fn the_client_reaches_each_operation_of_a_shared_route() {
    let api = Arc::new(Bare::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(api.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = golden::bare::client::Client::with_config(
        golden::bare::client::Credentials::new(),
        golden::runtime::client::ClientConfig::new().base_url(base),
    )
    .unwrap();
    assert_eq!(
        client.get_files_name_json("a b").send().await.unwrap(),
        "a b"
    );
    assert_eq!(
        client.get_files_file_id("a.json2").send().await.unwrap(),
        "a.json2"
    );
    assert_eq!(
        client
            .get_notebooks_fn_param_value("x)y")
            .send()
            .await
            .unwrap(),
        "x)y"
    );
    assert_eq!(client.get_notebooks_id(7).send().await.unwrap(), "7");
    assert_eq!(
        *api.seen.lock().unwrap(),
        ["named a b", "get a.json2", "fn x)y", "notebook 7"]
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
