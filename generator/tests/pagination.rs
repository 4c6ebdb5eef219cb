//! Pagination detected on faithful excerpts of real specs
//! (tests/fixtures/pagination/): the IR records exactly how to walk the
//! pages, and `apigen review` says so and why.

mod support;

use apigen::ir::{CursorSource, NextPage, Pagination, TypeRef};
use std::path::Path;

fn pagination(fixture: &str) -> Vec<Option<Pagination>> {
    let path = support::root().join("tests/fixtures/pagination").join(fixture);
    let ir = apigen::ir(&[path]).expect("the fixture lowers");
    ir.apis[0].operations.iter().map(|op| op.pagination.clone()).collect()
}

#[test]
fn github_lists_by_link_header() {
    assert_eq!(
        pagination("github.yaml"),
        [Some(Pagination {
            status: 200,
            items: Vec::new(),
            item: TypeRef::named("MinimalRepository"),
            next: NextPage::LinkHeader,
            reason: "200 documents a `Link` header and its body is an array".into(),
        })]
    );
}

#[test]
fn stripe_lists_by_has_more_and_starting_after() {
    assert_eq!(
        pagination("stripe.yaml"),
        [
            Some(Pagination {
                status: 200,
                items: vec!["data".into()],
                item: TypeRef::named("Customer"),
                next: NextPage::Cursor {
                    parameter: "starting_after".into(),
                    from: CursorSource::LastItem("id".into()),
                    has_more: Some(vec!["has_more".into()]),
                },
                reason: "response 200 has `has_more` and `data`, and `starting_after` is an optional query parameter"
                    .into(),
            }),
            // Retrieving one customer: not a list.
            None
        ]
    );
}

#[test]
fn review_shows_the_pagination_and_why() {
    let reviews = apigen::review::review(Path::new(&support::root().join("tests/fixtures/pagination/stripe.yaml")))
        .expect("the fixture reads");
    let text = apigen::review::render::reviews(&reviews, apigen::review::render::Format::Text);
    let line = text.lines().find(|l| l.trim_start().starts_with("pagination:")).expect("a pagination line");
    assert_eq!(
        line.trim(),
        "pagination: cursor starting_after ← last item's id, until has_more is false; items: data of 200, each \
         Customer (response 200 has `has_more` and `data`, and `starting_after` is an optional query parameter)"
    );
    let json = apigen::review::render::reviews(&reviews, apigen::review::render::Format::Json);
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let op = &json["apis"][0]["operations"][0];
    assert_eq!(op["pagination"]["reason"], reviews[0].operations[0].pagination.as_ref().unwrap().reason);
    let markdown = apigen::review::render::reviews(&reviews, apigen::review::render::Format::Markdown);
    assert!(markdown.contains("<br>pagination: cursor starting_after ← last item's id"), "{markdown}");
}
