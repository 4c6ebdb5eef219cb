//! Each kind of pagination lowered from a small spec, and the near misses
//! that must not be taken for one.

use crate::diag::{Severity, Sink};
use crate::ir::{Api, CursorSource, NextPage, Pagination, TypeRef};
use crate::{lower, manifest, source};
use std::path::Path;

/// Lowers an OpenAPI 3.0 document given its `paths` and `components`.
fn lower(paths: &str, components: &str) -> Api {
    let yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}\ncomponents:\n  schemas:\n    Repo:\n      type: object\n      properties:\n        id: {{type: integer}}\n        name: {{type: string}}\n{components}"
    );
    let path = Path::new("t.yaml");
    let mut sink = Sink::default();
    let docs = source::documents(path, yaml.as_bytes(), &mut sink).expect("the spec parses");
    let loaded = source::load_documents(docs, &[], sink).expect("the spec loads");
    lower::lower_loaded(&manifest::from_file(path), loaded).expect("the spec lowers")
}

fn only(api: &Api) -> Option<&Pagination> {
    assert_eq!(api.operations.len(), 1);
    api.operations[0].pagination.as_ref()
}

fn repo() -> TypeRef {
    TypeRef::named("Repo")
}

fn path(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| s.to_string()).collect()
}

const LINK: &str = "          headers:\n            Link: {schema: {type: string}}\n";

#[test]
fn github_list_link_header_and_array_body() {
    let paths = format!(
        "  /orgs/{{org}}/repos:\n    get:\n      parameters:\n        - {{name: org, in: path, required: true, schema: {{type: string}}}}\n        - {{name: page, in: query, schema: {{type: integer}}}}\n      responses:\n        '200':\n          description: ok\n{LINK}          content:\n            application/json:\n              schema: {{type: array, items: {{$ref: '#/components/schemas/Repo'}}}}\n"
    );
    let api = lower(&paths, "");
    let p = only(&api).expect("detected");
    assert_eq!(p.status, 200);
    assert_eq!(p.items, Vec::<String>::new());
    assert_eq!(p.item, repo());
    assert_eq!(p.next, NextPage::LinkHeader);
    assert_eq!(p.reason, "200 documents a `Link` header and its body is an array");
}

#[test]
fn github_search_link_header_lowercase_and_items_object() {
    let paths = "  /search/repositories:\n    get:\n      responses:\n        '200':\n          description: ok\n          headers:\n            link: {schema: {type: string}}\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  total_count: {type: integer}\n                  incomplete_results: {type: boolean}\n                  items: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n";
    let api = lower(paths, "");
    let p = only(&api).expect("detected");
    assert_eq!((p.items.clone(), &p.item, &p.next), (path(&["items"]), &repo(), &NextPage::LinkHeader));
    assert_eq!(p.reason, "200 documents a `Link` header and its body's `items` is the items array");
}

#[test]
fn stripe_has_more_and_starting_after() {
    let paths = "  /v1/customers:\n    get:\n      parameters:\n        - {name: limit, in: query, schema: {type: integer}}\n        - {name: starting_after, in: query, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/CustomerList'}\n";
    let components = "    CustomerList:\n      type: object\n      required: [data, has_more, object, url]\n      properties:\n        data: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n        has_more: {type: boolean}\n        object: {type: string, enum: [list]}\n        url: {type: string}\n";
    let api = lower(paths, components);
    let p = only(&api).expect("detected");
    assert_eq!(p.items, path(&["data"]));
    assert_eq!(p.item, repo());
    assert_eq!(
        p.next,
        NextPage::Cursor {
            parameter: "starting_after".into(),
            from: CursorSource::LastItem("id".into()),
            has_more: Some(path(&["has_more"])),
        }
    );
    assert_eq!(p.reason, "response 200 has `has_more` and `data`, and `starting_after` is an optional query parameter");
}

/// A page body with `token` (a string field named by the caller) beside an
/// array `list`, and the query parameter `param`.
fn token_op(token: &str, list: &str, param: &str) -> String {
    format!(
        "  /things:\n    get:\n      parameters:\n        - {{name: {param}, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  {token}: {{type: string}}\n                  {list}: {{type: array, items: {{$ref: '#/components/schemas/Repo'}}}}\n"
    )
}

#[test]
fn google_next_page_token() {
    let api = lower(&token_op("nextPageToken", "books", "pageToken"), "");
    let p = only(&api).expect("detected");
    assert_eq!(p.items, path(&["books"]), "the only array property");
    assert_eq!(
        p.next,
        NextPage::Cursor {
            parameter: "pageToken".into(),
            from: CursorSource::Field(path(&["nextPageToken"])),
            has_more: None
        }
    );
    assert_eq!(
        p.reason,
        "response 200 has `nextPageToken` and `books`, and `pageToken` is an optional query parameter"
    );
}

#[test]
fn snake_case_next_page_token() {
    let api = lower(&token_op("next_page_token", "results", "page_token"), "");
    let p = only(&api).expect("detected");
    assert_eq!(p.items, path(&["results"]));
    assert_eq!(
        p.next,
        NextPage::Cursor {
            parameter: "page_token".into(),
            from: CursorSource::Field(path(&["next_page_token"])),
            has_more: None
        }
    );
}

#[test]
fn slack_nested_next_cursor() {
    let paths = "  /conversations.list:\n    get:\n      parameters:\n        - {name: cursor, in: query, schema: {type: string}}\n        - {name: limit, in: query, schema: {type: integer}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  ok: {type: boolean}\n                  channels: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n                  response_metadata:\n                    type: object\n                    properties:\n                      next_cursor: {type: string}\n";
    let api = lower(paths, "");
    let p = only(&api).expect("detected");
    assert_eq!(p.items, path(&["channels"]));
    assert_eq!(
        p.next,
        NextPage::Cursor {
            parameter: "cursor".into(),
            from: CursorSource::Field(path(&["response_metadata", "next_cursor"])),
            has_more: None,
        }
    );
}

#[test]
fn next_documented_as_uri_is_a_next_link() {
    let paths = "  /things:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  count: {type: integer}\n                  next: {type: string, format: uri, nullable: true}\n                  results: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n";
    let api = lower(paths, "");
    let p = only(&api).expect("detected");
    assert_eq!(p.items, path(&["results"]));
    assert_eq!(p.next, NextPage::NextLink { field: path(&["next"]) });
    assert_eq!(p.reason, "response 200 has `next` (format: uri) and `results`");
}

const PAGED: &str = "    Paged:\n      type: object\n      properties:\n        value: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n        nextLink: {type: string}\n";

#[test]
fn azure_x_ms_pageable() {
    let op = |ext: &str| {
        format!(
            "  /vms:\n    get:\n{ext}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Paged'}}\n"
        )
    };
    let api = lower(&op("      x-ms-pageable: {nextLinkName: nextLink}\n"), PAGED);
    let p = only(&api).expect("detected");
    assert_eq!(p.items, path(&["value"]));
    assert_eq!(p.item, repo());
    assert_eq!(p.next, NextPage::NextLink { field: path(&["nextLink"]) });
    assert_eq!(p.reason, "`x-ms-pageable` names `nextLink` as the next link and `value` as the items");

    // AutoRest: a null nextLinkName is one page, whatever the body has.
    let api = lower(&op("      x-ms-pageable: {nextLinkName: null}\n"), PAGED);
    assert_eq!(only(&api), None);

    // A name the body does not have: warned where it is written.
    let api = lower(&op("      x-ms-pageable: {nextLinkName: next, itemName: items}\n"), PAGED);
    assert_eq!(only(&api), None);
    let d = api.diagnostics.iter().find(|d| d.code == "pagination.unresolved").expect("a warning");
    assert_eq!(d.location.pointer, "/paths/~1vms/get/x-ms-pageable");
}

/// The GitHub list operation with `ext` written on it.
fn link_op(method: &str, ext: &str) -> String {
    format!(
        "  /repos:\n    {method}:\n{ext}      parameters:\n        - {{name: cursor, in: query, schema: {{type: string}}}}\n      responses:\n        '200':\n          description: ok\n{LINK}          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Page'}}\n"
    )
}

const PAGE: &str = "    Page:\n      type: object\n      properties:\n        data: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n        meta: {type: object, properties: {after: {type: string}, more: {type: boolean}}}\n";

#[test]
fn x_apigen_pagination_false_switches_detection_off() {
    assert!(only(&lower(&link_op("get", ""), PAGE)).is_some(), "detected without the extension");
    let api = lower(&link_op("get", "      x-apigen-pagination: false\n"), PAGE);
    assert_eq!(only(&api), None);
    assert!(api.diagnostics.is_empty(), "{:?}", api.diagnostics);
}

#[test]
fn x_apigen_pagination_declares_over_what_detection_would_find() {
    let ext = "      x-apigen-pagination:\n        items: data\n        next: {cursor: {parameter: cursor, field: meta.after, hasMore: [meta, more]}}\n";
    let api = lower(&link_op("get", ext), PAGE);
    let p = only(&api).expect("declared");
    assert_eq!(p.items, path(&["data"]));
    assert_eq!(
        p.next,
        NextPage::Cursor {
            parameter: "cursor".into(),
            from: CursorSource::Field(path(&["meta", "after"])),
            has_more: Some(path(&["meta", "more"])),
        }
    );
    assert_eq!(p.reason, "declared by `x-apigen-pagination`");

    // On a POST too, where nothing is detected unless declared.
    assert_eq!(only(&lower(&link_op("post", ""), PAGE)), None);
    let ext = "      x-apigen-pagination: {next: {cursor: {parameter: cursor, lastItem: id}}}\n";
    let api = lower(&link_op("post", ext), PAGE);
    let p = only(&api).expect("declared on a POST");
    assert_eq!(p.items, path(&["data"]), "items default to the obvious array");
    assert_eq!(
        p.next,
        NextPage::Cursor { parameter: "cursor".into(), from: CursorSource::LastItem("id".into()), has_more: None }
    );
}

#[test]
fn an_invalid_extension_is_a_located_warning_and_no_pagination() {
    let at = "/paths/~1repos/get/x-apigen-pagination";
    for (ext, pointer, says) in [
        ("{items: data, next: {linkHeader: true}, pages: 3}", format!("{at}/pages"), "unknown key `pages`"),
        (
            "{next: {cursor: {parameter: page_token, field: meta.after}}}",
            format!("{at}/next/cursor/parameter"),
            "no query parameter `page_token`",
        ),
        ("{items: meta, next: {linkHeader: true}}", format!("{at}/items"), "`meta` in the body of 200 is not an array"),
        ("{next: {nextLink: meta.before}}", format!("{at}/next/nextLink"), "no string `meta.before`"),
        ("true", at.to_string(), "must be `false` or a mapping"),
    ] {
        let api = lower(&link_op("get", &format!("      x-apigen-pagination: {ext}\n")), PAGE);
        assert_eq!(only(&api), None, "{ext}");
        let d = api.diagnostics.iter().find(|d| d.code == "pagination.extension").expect("a warning");
        assert_eq!(d.severity, Severity::Warning);
        assert_eq!(d.location.pointer, pointer, "{ext}");
        assert!(d.message.contains(says), "{ext}: {}", d.message);
    }
}

#[test]
fn near_misses_are_not_paginated() {
    // A POST that looks like a Google list.
    let post = token_op("nextPageToken", "books", "pageToken").replace("get:", "post:");
    assert_eq!(only(&lower(&post, "")), None);
    // The token without its query parameter (nothing to feed it back to).
    assert_eq!(only(&lower(&token_op("nextPageToken", "books", "page"), "")), None);
    // A required query parameter cannot be left out of the first request.
    let required =
        token_op("next_page_token", "items", "page_token").replace("in: query,", "in: query, required: true,");
    assert_eq!(only(&lower(&required, "")), None);
    // Stripe-like without `starting_after`.
    let no_cursor =
        token_op("has_more", "data", "limit").replace("has_more: {type: string}", "has_more: {type: boolean}");
    assert_eq!(only(&lower(&no_cursor, "")), None);
}

#[test]
fn a_link_header_without_an_items_array_is_a_note_not_silence() {
    let paths = format!(
        "  /repo:\n    get:\n      responses:\n        '200':\n          description: ok\n{LINK}          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Repo'}}\n"
    );
    let api = lower(&paths, "");
    assert_eq!(only(&api), None);
    let d = api.diagnostics.iter().find(|d| d.code == "pagination.not-detected").expect("a note");
    assert_eq!(d.severity, Severity::Info);
    assert_eq!(d.location.pointer, "/paths/~1repo/get/responses/200");
}

#[test]
fn bitbucket_all_of_page_with_a_uri_next() {
    let paths = "  /repositories:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/PaginatedRepos'}\n";
    // As Bitbucket's: `Page` is an `allOf` itself, which keeps lowering
    // from merging the parts of `PaginatedRepos` into one struct.
    let components = "    Object:\n      type: object\n      properties:\n        type: {type: string}\n    Page:\n      allOf:\n        - $ref: '#/components/schemas/Object'\n        - type: object\n          properties:\n            pagelen: {type: integer}\n            next: {type: string, format: uri}\n    PaginatedRepos:\n      allOf:\n        - $ref: '#/components/schemas/Page'\n        - type: object\n          additionalProperties: true\n          properties:\n            values: {type: array, items: {$ref: '#/components/schemas/Repo'}}\n";
    let api = lower(paths, components);
    assert!(matches!(api.types["PaginatedRepos"].kind, crate::ir::TypeKind::AllOf { .. }), "not merged");
    let p = only(&api).expect("detected through the allOf");
    assert_eq!(p.items, path(&["values"]));
    assert_eq!(p.next, NextPage::NextLink { field: path(&["next"]) });
}
