//! The golden fixtures' generated client on the wire: what a loopback
//! server receives for a union path parameter (GitHub's `workflow_id`),
//! `deepObject` query parameters (Stripe's `created[gte]`, `expand[0]`), an
//! exploded form object, a parameter named like a local of the method, a
//! typed `application/x-www-form-urlencoded` body (Stripe's bodies) and a
//! typed `multipart/form-data` body (read back by multer, axum's parser);
//! and typed response headers, set by the generated server stub and read
//! back by the generated client, with a missing or malformed required
//! header reported as a decode error.

use golden::runtime::binary::Binary;
use golden::runtime::client::{ClientConfig, Error, WithHeaders};
use golden::runtime::retry::RetryPolicy;
use golden::shapes::client::{
    ArchiveReportError, Client, CreateReportCreatedHeaders, CreateReportError,
    CreateReportResponse, Credentials, GetReportError, GetReportOkHeaders,
    GetReportStatus4xxHeaders, GetReportTooManyRequestsHeaders, RestoreReportError,
    RetryAfterHeaders, TooManyRequestsStatus4xxError,
};
use golden::shapes::server;
use golden::shapes::types::{
    Circle, GetReportResponse4Xx, GetReportResponse200, GetReportResponse200XCache,
    GetWorkflowCreated, GetWorkflowCreatedVariant0, GetWorkflowFilter, GetWorkflowWorkflowId,
    SearchSortItem, Shape, UpdateWorkflowRequest, UpdateWorkflowRequestStepsItem,
    UploadArtifactRequest, UploadArtifactRequestKind, UploadArtifactRequestLink,
    UploadArtifactRequestMeta,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Answers one request with 204 and returns its head and body.
async fn one_exchange() -> (String, tokio::task::JoinHandle<(String, Vec<u8>)>) {
    answering(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await
}

/// Answers one request with `answer` and returns its head and body.
async fn answering(answer: &'static [u8]) -> (String, tokio::task::JoinHandle<(String, Vec<u8>)>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut data = Vec::new();
        let mut buf = [0u8; 1024];
        let end = loop {
            if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending a whole head");
            data.extend_from_slice(&buf[..n]);
        };
        let head = String::from_utf8_lossy(&data[..end]).into_owned();
        let length = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().parse::<usize>().unwrap())
            })
            .unwrap_or(0);
        while data.len() < end + length {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "the client closed before sending the whole body");
            data.extend_from_slice(&buf[..n]);
        }
        socket.write_all(answer).await.unwrap();
        (head, data[end..].to_vec())
    });
    (url, task)
}

async fn exchange(call: impl AsyncFnOnce(Client)) -> (String, Vec<u8>) {
    let (url, server) = one_exchange().await;
    let client =
        Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    call(client).await;
    server.await.unwrap()
}

async fn request_line(call: impl AsyncFnOnce(Client)) -> String {
    exchange(call)
        .await
        .0
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn typed_form_bodies_are_encoded_with_brackets() {
    let (head, body) = exchange(async |c| {
        let body = UpdateWorkflowRequest {
            name: "nightly build & test".into(),
            metadata: Some([("team".to_string(), "ci/cd".to_string())].into()),
            steps: Some(vec![UpdateWorkflowRequestStepsItem {
                run: Some("make".into()),
                timeout: Some(60),
            }]),
        };
        c.update_workflow("ci.yml", body).send().await.unwrap();
    })
    .await;
    assert!(
        head.starts_with("POST /workflows/ci.yml HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/x-www-form-urlencoded\r\n"),
        "{head}"
    );
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "name=nightly%20build%20%26%20test&metadata%5Bteam%5D=ci%2Fcd&steps%5B0%5D%5Brun%5D=make&steps%5B0%5D%5Btimeout%5D=60"
    );
}

#[tokio::test]
async fn union_path_segments_deep_objects_and_form_objects() {
    let line = request_line(async |c| {
        let created = GetWorkflowCreated::GetWorkflowCreatedVariant0(GetWorkflowCreatedVariant0 {
            gte: Some(1),
            lt: Some(2),
        });
        let filter = GetWorkflowFilter {
            state: Some("open now".into()),
        };
        let expand = ["data.customer".to_string(), "data.invoice".to_string()];
        let id = GetWorkflowWorkflowId::String("ci.yml".into());
        c.get_workflow(id)
            .query("q")
            .created(created)
            .expand(expand)
            .filter(filter)
            .send()
            .await
            .unwrap();
    })
    .await;
    assert_eq!(
        line,
        "GET /workflows/ci.yml?query=q&created%5Bgte%5D=1&created%5Blt%5D=2\
         &expand%5B0%5D=data.customer&expand%5B1%5D=data.invoice&state=open+now HTTP/1.1"
    );
}

#[tokio::test]
async fn scalar_union_members_print_as_themselves() {
    let line = request_line(async |c| {
        let id = GetWorkflowWorkflowId::Integer(42);
        c.get_workflow(id)
            .created(GetWorkflowCreated::Integer(1700000000))
            .send()
            .await
            .unwrap();
    })
    .await;
    assert_eq!(line, "GET /workflows/42?created=1700000000 HTTP/1.1");
}

/// The multipart fixture: every kind of part, with these files.
fn artifact(file: Binary, logs: Vec<Binary>, expand: &[&str]) -> UploadArtifactRequest {
    UploadArtifactRequest {
        name: "nightly \"build\"".into(),
        file,
        logs: Some(logs),
        checksum: Some("UEsDBA==".into()),
        size: Some(8),
        public: Some(false),
        kind: Some(UploadArtifactRequestKind::Zip),
        labels: Some(vec!["ci".into(), "nightly".into()]),
        meta: Some(UploadArtifactRequestMeta {
            branch: Some("main".into()),
        }),
        link: Some(UploadArtifactRequestLink {
            create: Some(true),
            expand: Some(expand.iter().map(|e| e.to_string()).collect()),
        }),
        notes: None,
    }
}

/// One part as a multipart parser reads it: name, file name, media type, bytes.
type ReadPart = (String, Option<String>, Option<String>, Vec<u8>);

/// Reads a `multipart/form-data` body with multer (what axum's `Multipart`
/// extractor runs).
async fn parse_multipart(content_type: &str, body: &[u8]) -> Vec<ReadPart> {
    let boundary = multer::parse_boundary(content_type).expect("a boundary in the media type");
    let mut form = multer::Multipart::with_reader(body, boundary);
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.expect("a well-formed part") {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let media = field.content_type().map(ToString::to_string);
        parts.push((
            name,
            file_name,
            media,
            field.bytes().await.unwrap().to_vec(),
        ));
    }
    parts
}

#[tokio::test]
async fn typed_multipart_bodies_are_parts_a_parser_reads() {
    let (head, body) = exchange(async |c| {
        let file = Binary::new(vec![0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, b'\r', b'\n'])
            .with_file_name("out.zip");
        let logs = vec![
            Binary::from("line 1\n"),
            Binary::from("{}")
                .with_file_name("b.json")
                .with_content_type("application/json"),
        ];
        let body = UploadArtifactRequest {
            notes: Some(None),
            ..artifact(file, logs, &["file"])
        };
        c.upload_artifact("ci.yml", body).send().await.unwrap();
    })
    .await;
    assert!(
        head.starts_with("POST /workflows/ci.yml/artifacts HTTP/1.1\r\n"),
        "{head}"
    );
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .expect("a content type")
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let parts = parse_multipart(&content_type, &body).await;
    let text = |name: &str, value: &str| (name.to_owned(), None, None, value.as_bytes().to_vec());
    let json = |name: &str, value: &str| {
        (
            name.to_owned(),
            None,
            Some("application/json".to_owned()),
            value.as_bytes().to_vec(),
        )
    };
    let file = |name: &str, file_name: &str, media: &str, bytes: &[u8]| {
        (
            name.to_owned(),
            Some(file_name.to_owned()),
            Some(media.to_owned()),
            bytes.to_vec(),
        )
    };
    assert_eq!(
        parts,
        [
            text("name", "nightly \"build\""),
            file(
                "file",
                "out.zip",
                "application/zip",
                &[0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, b'\r', b'\n']
            ),
            file("logs", "logs", "application/octet-stream", b"line 1\n"),
            file("logs", "b.json", "application/json", b"{}"),
            file(
                "checksum",
                "checksum",
                "application/octet-stream",
                b"UEsDBA=="
            ),
            text("size", "8"),
            text("public", "false"),
            text("kind", "zip"),
            text("labels", "ci"),
            text("labels", "nightly"),
            json("meta", r#"{"branch":"main"}"#),
            text("link[create]", "true"),
            text("link[expand][0]", "file"),
        ],
        "the null `notes` is left out"
    );
}

#[tokio::test]
async fn absent_optional_multipart_properties_are_left_out() {
    let (head, body) = exchange(async |c| {
        let body = UploadArtifactRequest {
            name: "n".into(),
            file: Binary::from("x"),
            ..Default::default()
        };
        c.upload_artifact("ci.yml", body).send().await.unwrap();
    })
    .await;
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap()
        .to_owned();
    let parts = parse_multipart(&content_type, &body).await;
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(names, ["name", "file"]);
}

/// The golden server stub, answering each report id with another
/// documented response and its typed headers, and keeping the form bodies
/// it receives.
#[derive(Default)]
struct Reports {
    updates: std::sync::Mutex<Vec<server::UpdateWorkflowInput>>,
    uploads: std::sync::Mutex<Vec<server::UploadArtifactInput>>,
    /// `search` finds a circle (else a label).
    circle: bool,
    /// `create_report` answers 429.
    busy: bool,
}

impl server::Api for Reports {
    async fn get_items_id(&self, _: server::GetItemsIdInput) -> server::GetItemsIdResponse {
        server::GetItemsIdResponse::Default { status: 500 }
    }
    async fn new2(&self, _: server::New2Input) -> server::New2Response {
        server::New2Response::NoContent
    }
    async fn get_workflow(&self, _: server::GetWorkflowInput) -> server::GetWorkflowResponse {
        server::GetWorkflowResponse::NoContent
    }
    async fn update_workflow(
        &self,
        input: server::UpdateWorkflowInput,
    ) -> server::UpdateWorkflowResponse {
        self.updates.lock().unwrap().push(input);
        server::UpdateWorkflowResponse::NoContent
    }
    async fn upload_artifact(
        &self,
        input: server::UploadArtifactInput,
    ) -> server::UploadArtifactResponse {
        self.uploads.lock().unwrap().push(input);
        server::UploadArtifactResponse::NoContent
    }
    async fn get_report(&self, input: server::GetReportInput) -> server::GetReportResponse {
        match input.id.as_str() {
            "slow" => server::GetReportResponse::TooManyRequests {
                headers: server::GetReportTooManyRequestsHeaders { retry_after: 3 },
            },
            "gone" => server::GetReportResponse::Status4xx {
                status: 410,
                body: GetReportResponse4Xx {
                    message: Some("gone".into()),
                },
                headers: server::GetReportStatus4xxHeaders {
                    x_request_id: Some("r-410".into()),
                },
            },
            "broken" => server::GetReportResponse::Ok {
                body: GetReportResponse200::default(),
                headers: server::GetReportOkHeaders {
                    x_request_id: "a\r\nSet-Cookie: stolen=1".into(),
                    rate_limit: None,
                    x_page_count: None,
                    link: None,
                    x_cache: None,
                },
            },
            id => server::GetReportResponse::Ok {
                body: GetReportResponse200 {
                    title: Some(format!("report {id}")),
                },
                headers: server::GetReportOkHeaders {
                    x_request_id: "r-1".into(),
                    rate_limit: Some("limit=10, remaining=9, reset=60".into()),
                    x_page_count: Some(3),
                    link: Some(vec![
                        "<https://x/reports?page=2>; rel=next".into(),
                        "<https://x/reports?page=3>; rel=last".into(),
                    ]),
                    x_cache: Some(GetReportResponse200XCache::Hit),
                },
            },
        }
    }
    async fn create_report(&self, _: server::CreateReportInput) -> server::CreateReportResponse {
        if self.busy {
            return server::CreateReportResponse::TooManyRequests {
                headers: server::RetryAfterHeaders { retry_after: 7 },
            };
        }
        server::CreateReportResponse::Created {
            headers: server::CreateReportCreatedHeaders {
                location: "https://x/reports/7".into(),
            },
        }
    }
    async fn archive_report(&self, _: server::ArchiveReportInput) -> server::ArchiveReportResponse {
        server::ArchiveReportResponse::Conflict
    }
    async fn restore_report(&self, _: server::RestoreReportInput) -> server::RestoreReportResponse {
        server::RestoreReportResponse::Gone
    }
    /// A circle, or a label: a string member of a tagged union, which
    /// serde cannot write.
    async fn search(&self, _: server::SearchInput) -> server::SearchResponse {
        match self.circle {
            true => server::SearchResponse::Ok(Shape::Circle(Circle { radius: 1.5 })),
            false => server::SearchResponse::Ok(Shape::Label("north".into())),
        }
    }
}

/// A client of the golden stub served on loopback, without retries.
async fn served() -> Client {
    served_by(Default::default()).await
}

async fn served_by(api: std::sync::Arc<Reports>) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, server::router(api)).await });
    let config = ClientConfig::new()
        .base_url(url)
        .retry(RetryPolicy::disabled());
    Client::with_config(Credentials::new(), config).unwrap()
}

/// What the generated client sends, the generated stub hands its
/// implementation typed and equal: a form body with nested metadata and
/// an array of objects, a multipart body with files (bytes, file name and
/// media type), text, numbers, an enum, JSON parts and a deepObject part.
#[tokio::test]
async fn the_stub_decodes_the_form_bodies_the_client_sends() {
    let api = std::sync::Arc::new(Reports::default());
    let client = served_by(api.clone()).await;
    let update = UpdateWorkflowRequest {
        name: "nightly build & test+1 100%".into(),
        metadata: Some(
            [
                ("team".to_string(), "ci/cd".to_string()),
                ("a[b]".to_string(), "".to_string()),
            ]
            .into(),
        ),
        steps: Some(vec![
            UpdateWorkflowRequestStepsItem {
                run: Some("make".into()),
                timeout: Some(60),
            },
            UpdateWorkflowRequestStepsItem {
                run: None,
                timeout: Some(-1),
            },
            UpdateWorkflowRequestStepsItem {
                run: Some("a=b&c".into()),
                timeout: None,
            },
        ]),
    };
    client
        .update_workflow("ci.yml", update.clone())
        .send()
        .await
        .unwrap();
    let file = Binary::new(vec![0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, b'\r', b'\n'])
        .with_file_name("out \"1\".zip")
        .with_content_type("application/zip");
    let logs = vec![
        Binary::from("line 1\n")
            .with_file_name("logs")
            .with_content_type("application/octet-stream"),
        Binary::from("{}")
            .with_file_name("b.json")
            .with_content_type("application/json"),
    ];
    let upload = artifact(file, logs, &["file", "logs"]);
    client
        .upload_artifact("ci.yml", upload.clone())
        .send()
        .await
        .unwrap();
    // Only what is required, with one log file: still an array.
    let small = UploadArtifactRequest {
        name: "n".into(),
        file: Binary::from("x")
            .with_file_name("file")
            .with_content_type("application/zip"),
        logs: Some(vec![
            Binary::from("only")
                .with_file_name("logs")
                .with_content_type("application/octet-stream"),
        ]),
        ..Default::default()
    };
    client
        .upload_artifact("ci.yml", small.clone())
        .send()
        .await
        .unwrap();
    let updates = api.updates.lock().unwrap();
    assert_eq!(
        *updates,
        [server::UpdateWorkflowInput {
            workflow_id: "ci.yml".into(),
            body: update
        }]
    );
    let uploads = api.uploads.lock().unwrap();
    assert_eq!(
        *uploads,
        [
            server::UploadArtifactInput {
                workflow_id: "ci.yml".into(),
                body: upload
            },
            server::UploadArtifactInput {
                workflow_id: "ci.yml".into(),
                body: small
            },
        ]
    );
}

/// A request to the golden stub, answered without a network.
async fn ask(
    method: &str,
    path: &str,
    content_type: &str,
    body: &'static [u8],
) -> (u16, serde_json::Value) {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = server::router(std::sync::Arc::new(Reports::default()))
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

/// A form or multipart body that does not fit its type gets the API's
/// validation answer, naming the field; curl's way of writing parts is
/// read too.
#[tokio::test]
async fn a_malformed_form_body_is_the_vendors_validation_answer() {
    let form = "application/x-www-form-urlencoded";
    let (status, body) = ask(
        "POST",
        "/workflows/ci.yml",
        form,
        b"name=x&steps[0][timeout]=soon",
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "invalid_request");
    assert_eq!(
        body["errors"][0]["loc"],
        serde_json::json!(["body", "steps", 0, "timeout"]),
        "{body}"
    );
    assert_eq!(body["errors"][0]["type"], "type_error", "{body}");
    let (status, body) = ask("POST", "/workflows/ci.yml", form, b"steps[0][run]=make").await;
    assert_eq!(
        (status, &body["errors"][0]["loc"]),
        (400, &serde_json::json!(["body", "name"])),
        "{body}"
    );
    let (status, body) = ask("POST", "/workflows/ci.yml", form, b"name=x&name[y]=z").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["errors"][0]["msg"], "`name[y]` is both a value and an object",
        "{body}"
    );

    let multipart = "multipart/form-data; boundary=b";
    let cut = b"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nn\r\n";
    let (status, body) = ask("POST", "/workflows/ci.yml/artifacts", multipart, cut).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["errors"][0]["msg"], "the multipart body ends without its closing boundary",
        "{body}"
    );
    let (status, body) = ask(
        "POST",
        "/workflows/ci.yml/artifacts",
        "multipart/form-data",
        b"--b--\r\n",
    )
    .await;
    assert_eq!(
        (status, &body["errors"][0]["msg"]),
        (
            400,
            &serde_json::json!("the media type names no multipart boundary")
        )
    );
    let wrong = b"--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nn\r\n\
        --b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx\r\n\
        --b\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\neight\r\n--b--\r\n";
    let (status, body) = ask("POST", "/workflows/ci.yml/artifacts", multipart, wrong).await;
    assert_eq!(
        (status, &body["errors"][0]["loc"]),
        (400, &serde_json::json!(["body", "size"])),
        "{body}"
    );

    // As curl -F writes it: a quoted boundary, escaped quotes, no part
    // media type for text, a file's type as given.
    let curl = b"--------------------------d74496d66958873e\r\n\
        Content-Disposition: form-data; name=\"name\"\r\n\r\na \\\"q\\\"\r\n\
        --------------------------d74496d66958873e\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"out.zip\"\r\nContent-Type: application/zip\r\n\r\nPK\r\n\
        --------------------------d74496d66958873e--\r\n";
    let (status, body) = ask(
        "POST",
        "/workflows/ci.yml/artifacts",
        "multipart/form-data; boundary=\"------------------------d74496d66958873e\"",
        curl,
    )
    .await;
    assert_eq!(status, 204, "{body}");
}

#[tokio::test]
async fn headers_the_stub_sets_are_read_back_typed() {
    let client = served().await;
    let WithHeaders { body, headers } = client.get_report("q3").send().await.unwrap();
    assert_eq!(body.title.as_deref(), Some("report q3"));
    assert_eq!(
        headers,
        GetReportOkHeaders {
            x_request_id: "r-1".into(),
            rate_limit: Some("limit=10, remaining=9, reset=60".into()),
            x_page_count: Some(3),
            link: Some(vec![
                "<https://x/reports?page=2>; rel=next".into(),
                "<https://x/reports?page=3>; rel=last".into()
            ]),
            x_cache: Some(GetReportResponse200XCache::Hit),
        }
    );
    match client.get_report("slow").send().await {
        Err(Error::Response(GetReportError::TooManyRequests { headers })) => {
            assert_eq!(headers, GetReportTooManyRequestsHeaders { retry_after: 3 });
        }
        other => panic!("{other:?}"),
    }
    match client.get_report("gone").send().await {
        Err(Error::Response(GetReportError::Status4xx {
            status,
            body,
            headers,
        })) => {
            assert_eq!(
                (status.as_u16(), body.message.as_deref()),
                (410, Some("gone"))
            );
            assert_eq!(
                headers,
                GetReportStatus4xxHeaders {
                    x_request_id: Some("r-410".into())
                }
            );
        }
        other => panic!("{other:?}"),
    }
    match client.create_report().send().await.unwrap() {
        CreateReportResponse::Created { headers } => {
            assert_eq!(
                headers,
                CreateReportCreatedHeaders {
                    location: "https://x/reports/7".into()
                }
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Two operations documenting the same errors (`getReport`'s and
/// `createReport`'s 429 and 4XX, one of them through an alias of the
/// other's body type) share one error enum, and responses documenting the
/// same headers one struct; each operation still names them its own way.
/// The stub writes them and the client reads them back for either.
#[tokio::test]
async fn operations_with_the_same_errors_share_one_enum() {
    let client = served_by(std::sync::Arc::new(Reports {
        busy: true,
        ..Default::default()
    }))
    .await;
    let error = match client.create_report().send().await {
        Err(Error::Response(error)) => error,
        other => panic!("{other:?}"),
    };
    // The operations' own names are the shared types'.
    let same: GetReportError = error.clone();
    let headers: GetReportTooManyRequestsHeaders = RetryAfterHeaders { retry_after: 7 };
    assert_eq!(same, CreateReportError::TooManyRequests { headers });
    assert_eq!(
        error,
        TooManyRequestsStatus4xxError::TooManyRequests {
            headers: RetryAfterHeaders { retry_after: 7 }
        }
    );
    // Three variants: the enum takes its first operation's name.
    let archived = client.archive_report("r").send().await;
    assert!(
        matches!(archived, Err(Error::Response(ArchiveReportError::Conflict))),
        "{archived:?}"
    );
    let restored: Result<(), Error<ArchiveReportError>> = client.restore_report("r").send().await;
    assert!(
        matches!(restored, Err(Error::Response(RestoreReportError::Gone))),
        "{restored:?}"
    );
}

#[tokio::test]
async fn a_header_value_no_header_can_carry_is_not_sent() {
    match served().await.get_report("broken").send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(raw.status, 500, "the stub's internal error: {}", raw.text());
            assert!(
                raw.headers.get("set-cookie").is_none()
                    && raw.headers.get("x-request-id").is_none()
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_missing_required_header_is_a_decode_error_keeping_the_response() {
    let (url, server) =
        answering(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nratelimit: r\r\ncontent-length: 13\r\n\r\n{\"title\":\"t\"}")
            .await;
    let client =
        Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    match client.get_report("q3").send().await {
        Err(Error::Decode { response, message }) => {
            assert_eq!(
                message,
                "the required response header `X-Request-Id` is missing"
            );
            assert_eq!(
                (response.status.as_u16(), &*response.text()),
                (200, r#"{"title":"t"}"#)
            );
            assert_eq!(response.headers.get("ratelimit").unwrap(), "r");
        }
        other => panic!("{other:?}"),
    }
    server.await.unwrap();
}

#[tokio::test]
async fn a_required_header_that_does_not_parse_is_a_decode_error() {
    let (url, server) = answering(
        b"HTTP/1.1 429 Too Many Requests\r\nretry-after: soon\r\ncontent-length: 0\r\n\r\n",
    )
    .await;
    let config = ClientConfig::new()
        .base_url(url)
        .retry(RetryPolicy::disabled());
    let client = Client::with_config(Credentials::new(), config).unwrap();
    match client.get_report("q3").send().await {
        Err(Error::Decode { response, message }) => {
            assert_eq!(response.status.as_u16(), 429);
            assert!(
                message.starts_with("response header `Retry-After` (`soon`): invalid type"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
    server.await.unwrap();
}

/// A query value without a form encoding goes as JSON text; one serde
/// cannot write (a string inside a tagged union) is a request error naming
/// the parameter, and nothing is sent, where it used to be left out.
#[tokio::test]
async fn a_parameter_serde_cannot_write_is_a_request_error_naming_it() {
    let line = request_line(async |c| {
        let sort = [SearchSortItem {
            field: Some("name".into()),
        }];
        // The loopback server answers 204, which `search` does not document.
        assert!(matches!(
            c.search().sort(sort).send().await,
            Err(Error::Undocumented(_))
        ));
    })
    .await;
    assert_eq!(
        line,
        "GET /search?sort=%7B%22field%22%3A%22name%22%7D HTTP/1.1"
    );
    // Port 9 (discard) is never reached: the request fails before it is sent.
    let client = Client::with_config(
        Credentials::new(),
        ClientConfig::new().base_url("http://127.0.0.1:9"),
    )
    .unwrap();
    match client
        .search()
        .near(Shape::Label("north".into()))
        .send()
        .await
    {
        Err(Error::Request(e)) => {
            assert!(
                e.0.starts_with("parameter `near`: the value cannot be serialised: "),
                "{e}"
            );
            assert!(
                e.0.contains(
                    "cannot serialize tagged newtype variant Shape::Label containing a string"
                ),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A documented body serde cannot write is the stub's internal error in
/// the API's format (RFC 9457 here), not an empty 200.
#[tokio::test]
async fn a_response_body_serde_cannot_write_is_the_stubs_internal_error() {
    let client = served().await;
    match client.search().send().await {
        Err(Error::Undocumented(raw)) => {
            assert_eq!(raw.status, 500);
            assert_eq!(raw.headers["content-type"], "application/problem+json");
            let problem: serde_json::Value = serde_json::from_slice(&raw.body).unwrap();
            assert_eq!(
                (problem["status"].as_u64(), problem["title"].as_str()),
                (Some(500), Some("Internal Server Error"))
            );
        }
        other => panic!("{other:?}"),
    }
    let circles = served_by(std::sync::Arc::new(Reports {
        circle: true,
        ..Default::default()
    }))
    .await;
    assert_eq!(
        circles.search().send().await.unwrap(),
        Shape::Circle(Circle { radius: 1.5 })
    );
}

/// Enums of other JSON values than strings: each value recognised and
/// written back as it was (built, not parsed from text, on the way out).
#[test]
fn non_string_enum_values_round_trip() {
    use golden::shapes::types::{Priority, Weight};
    use serde_json::json;
    for (value, weight) in [
        (json!(0.5), Weight::V05),
        (json!("heavy"), Weight::Heavy),
        (json!(true), Weight::True),
        (json!({"unit": "kg"}), Weight::UnitKg),
        (json!(7), Weight::Unknown(json!(7))),
    ] {
        assert_eq!(
            serde_json::from_value::<Weight>(value.clone()).unwrap(),
            weight
        );
        assert_eq!(serde_json::to_value(&weight).unwrap(), value);
    }
    assert_eq!(
        serde_json::from_value::<Priority>(json!(-3)).unwrap(),
        Priority::V3
    );
    assert_eq!(Priority::V3.to_value(), json!(-3));
    assert_eq!(
        serde_json::from_value::<Priority>(json!(-3.0)).unwrap(),
        Priority::Unknown(json!(-3.0))
    );
}

#[tokio::test]
async fn a_whole_success_keeps_status_and_undocumented_headers() {
    let (url, server) = answering(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req-7\r\n\
          etag: \"v3\"\r\ncontent-length: 15\r\n\r\n{\"name\":\"root\"}",
    )
    .await;
    let client =
        Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    let whole = client
        .get_items_id("a b")
        .id_query(7)
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(whole.status.as_u16(), 200);
    assert_eq!(whole.header("x-request-id"), Some("req-7"));
    assert_eq!(whole.header("ETag"), Some("\"v3\""));
    assert_eq!(whole.value.name, "root");
    let (head, _) = server.await.unwrap();
    assert!(
        head.starts_with("GET /items/a%20b?id=7 HTTP/1.1\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_request_is_a_value_that_can_be_kept_and_sent_later() {
    let (url, server) = one_exchange().await;
    let client =
        Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    let base = client.get_items_id("n/1");
    // A clone keeps every value set so far; setting more changes only it.
    let with_query = base.clone().id_query(3);
    let debug = format!("{with_query:?}");
    assert!(debug.contains("id_query: Some(3)"), "{debug}");
    assert!(format!("{base:?}").contains("id_query: None"));
    let _ = with_query.send().await;
    let (head, _) = server.await.unwrap();
    assert!(
        head.starts_with("GET /items/n%2F1?id=3 HTTP/1.1\r\n"),
        "{head}"
    );
}

/// Every kind of Rust type in every place and style goes out as the plain
/// value its style says (tests/fixtures/wire.yaml), never as JSON text.
#[tokio::test]
async fn parameters_go_on_the_wire_as_their_style_says() {
    use golden::wire::client::{Client, Credentials};
    use golden::wire::types::{GetThingProject, Ref, Size, Slug};
    let (url, server) = one_exchange().await;
    let client =
        Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    let slug = |s: &str| Slug(s.into());
    client
        .get_thing(
            Ref::Slug(slug("my-project")),
            Size::Big,
            slug("m-1"),
            vec![slug("a"), slug("b,c")],
        )
        .project(GetThingProject::String("my-project".into()))
        .ref_(Ref::Size(Size::Small))
        .size(Size::Big)
        .slug(slug("s-1"))
        .sizes(vec![Size::Small, Size::Big])
        .each(vec![Ref::Integer(7), Ref::Slug(slug("x"))])
        .spaced(vec![1, 2])
        .piped(vec![slug("p"), slug("q")])
        .x_size(Size::Small)
        .x_ref(Ref::Slug(slug("h-1")))
        .x_slugs(vec![slug("u"), slug("v")])
        .session(slug("abc"))
        .send()
        .await
        .unwrap();
    let (head, _) = server.await.unwrap();
    let mut lines = head.lines();
    assert_eq!(
        lines.next().unwrap(),
        "GET /things/my-project/.big/;matrix=m-1/a,b%2Cc?project=my-project&ref=small&size=big\
         &slug=s-1&sizes=small%2Cbig&each=7&each=x&spaced=1+2&piped=p%7Cq HTTP/1.1"
    );
    let headers: Vec<String> = lines.map(str::to_ascii_lowercase).collect();
    for expected in [
        "x-size: small",
        "x-ref: h-1",
        "x-slugs: u,v",
        "cookie: session=abc",
    ] {
        assert!(
            headers.iter().any(|h| h == expected),
            "{expected} in {headers:?}"
        );
    }
}

/// The stub reads back, typed, what the client sent in each style.
#[tokio::test]
async fn the_stub_reads_every_style_the_client_writes() {
    use golden::wire::client::{Client, Credentials};
    use golden::wire::server::{self, GetThingInput, GetThingResponse};
    use golden::wire::types::{Ref, Size, Slug};
    #[derive(Default)]
    struct Recorder(std::sync::Mutex<Option<GetThingInput>>);
    impl server::Api for Recorder {
        async fn get_thing(&self, input: GetThingInput) -> GetThingResponse {
            *self.0.lock().unwrap() = Some(input);
            GetThingResponse::NoContent
        }
    }
    let recorder = std::sync::Arc::new(Recorder::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = server::router(recorder.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client =
        Client::with_config(Credentials::new(), ClientConfig::new().base_url(url)).unwrap();
    let slug = |s: &str| Slug(s.into());
    client
        .get_thing(
            Ref::Integer(42),
            Size::Small,
            slug("m-2"),
            vec![slug("a"), slug("b")],
        )
        // `small` and `big` are slugs too: a `Ref` of either reads back as
        // its first member, `Slug` (the spec's `oneOf` is ambiguous there).
        .ref_(Ref::Slug(slug("r-1")))
        .sizes(vec![Size::Big, Size::Small])
        .x_ref(Ref::Slug(slug("h-2")))
        .session(slug("abc"))
        .send()
        .await
        .unwrap();
    let input = recorder
        .0
        .lock()
        .unwrap()
        .take()
        .expect("the stub was called");
    assert_eq!(input.id, Ref::Integer(42));
    assert_eq!(input.label, Size::Small);
    assert_eq!(input.matrix, slug("m-2"));
    assert_eq!(input.ids, [slug("a"), slug("b")]);
    assert_eq!(input.ref_, Some(Ref::Slug(slug("r-1"))));
    assert_eq!(input.sizes, Some(vec![Size::Big, Size::Small]));
    assert_eq!(input.x_ref, Some(Ref::Slug(slug("h-2"))));
    assert_eq!(input.session, Some(slug("abc")));
}
