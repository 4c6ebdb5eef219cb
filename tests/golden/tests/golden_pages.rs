//! Pagination over loopback: the generated client walks the pages the
//! generated stub serves, for GitHub's `Link` header and Stripe's
//! `has_more` + `starting_after` cursor (fixtures trimmed from the real
//! specs, tests/fixtures/pagination/).

use golden::runtime::client::{ClientConfig, Error};
use golden::runtime::paginate::StreamExt;
use golden::runtime::retry::RetryPolicy;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const TOTAL: usize = 250;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn config(url: String) -> ClientConfig {
    ClientConfig::new()
        .base_url(url)
        .retry(RetryPolicy::disabled())
}

mod github {
    use super::*;
    use golden::github_pages::{client, server, types::MinimalRepository};

    /// Repositories 1..=250 of an organisation, `per_page` at a time, with
    /// GitHub's `Link` header (absolute URLs, `next` and `last`).
    pub struct Org {
        pub base: String,
        pub requests: AtomicUsize,
    }

    impl server::Api for Org {
        async fn repos_list_for_org(
            &self,
            input: server::ReposListForOrgInput,
        ) -> server::ReposListForOrgResponse {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let per_page = input.per_page.unwrap_or(30) as usize;
            let page = input.page.unwrap_or(1) as usize;
            let start = (page - 1) * per_page;
            let body: Vec<MinimalRepository> = (start..TOTAL.min(start + per_page))
                .map(|i| MinimalRepository {
                    id: i as i64 + 1,
                    name: format!("repo-{}", i + 1),
                    ..Default::default()
                })
                .collect();
            let last = TOTAL.div_ceil(per_page);
            let at = |p: usize| {
                format!(
                    "{}/orgs/{}/repos?per_page={per_page}&page={p}",
                    self.base, input.org
                )
            };
            let mut links = Vec::new();
            if page < last {
                links.push(format!("<{}>; rel=\"next\"", at(page + 1)));
            }
            links.push(format!("<{}>; rel=\"last\"", at(last)));
            let headers = server::ReposListForOrgOkHeaders {
                link: Some(links.join(", ")),
            };
            server::ReposListForOrgResponse::Ok { body, headers }
        }
    }

    pub async fn served() -> (client::Client, Arc<Org>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let org = Arc::new(Org {
            base: url.clone(),
            requests: AtomicUsize::new(0),
        });
        let router = server::router(org.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (
            client::Client::with_config(client::Credentials::new(), config(url)).unwrap(),
            org,
        )
    }
}

#[tokio::test]
async fn link_header_pages_yield_every_repository_once_in_order() {
    let (client, org) = github::served().await;
    let ids: Vec<i64> = client
        .repos_list_for_org("rust-lang")
        .into_stream()
        .map(|repo| repo.expect("every page decodes").id)
        .collect()
        .await;
    assert_eq!(ids, (1..=TOTAL as i64).collect::<Vec<_>>());
    assert_eq!(
        org.requests.load(Ordering::SeqCst),
        9,
        "250 items in pages of 30: 9 requests"
    );
}

#[tokio::test]
async fn pages_are_fetched_only_when_the_stream_needs_them() {
    let (client, org) = github::served().await;
    let mut repos = Box::pin(
        client
            .repos_list_for_org("rust-lang")
            .per_page(100)
            .into_stream(),
    );
    let first = repos.next().await.unwrap().unwrap();
    assert_eq!((first.id, first.name.as_str()), (1, "repo-1"));
    assert_eq!(
        org.requests.load(Ordering::SeqCst),
        1,
        "one page asked for, one fetched"
    );
    for _ in 1..100 {
        repos.next().await.unwrap().unwrap();
    }
    assert_eq!(org.requests.load(Ordering::SeqCst), 1);
    assert_eq!(repos.next().await.unwrap().unwrap().id, 101);
    assert_eq!(org.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn whole_pages_keep_their_status_and_headers() {
    let (client, _) = github::served().await;
    let pages: Vec<_> = client
        .repos_list_for_org("o")
        .per_page(100)
        .pages()
        .collect()
        .await;
    let sizes: Vec<usize> = pages
        .iter()
        .map(|p| p.as_ref().unwrap().value.body.len())
        .collect();
    assert_eq!(sizes, [100, 100, 50]);
    let last = pages[2].as_ref().unwrap();
    assert_eq!(last.status.as_u16(), 200);
    assert!(last.header("link").unwrap().contains("rel=\"last\""));
}

/// A `Link` to another origin is not followed: the client's credentials
/// would go to whoever the response names.
#[tokio::test]
async fn a_next_page_on_another_origin_ends_the_walk_with_an_error() {
    use golden::github_pages::{client, server};
    struct Elsewhere;
    impl server::Api for Elsewhere {
        async fn repos_list_for_org(
            &self,
            _: server::ReposListForOrgInput,
        ) -> server::ReposListForOrgResponse {
            let link = "<https://evil.example/orgs/o/repos?page=2>; rel=\"next\"".to_owned();
            let headers = server::ReposListForOrgOkHeaders { link: Some(link) };
            server::ReposListForOrgResponse::Ok {
                body: vec![Default::default()],
                headers,
            }
        }
    }
    let url = serve(server::router(Arc::new(Elsewhere))).await;
    let client = client::Client::with_config(client::Credentials::new(), config(url)).unwrap();
    let got: Vec<_> = client.repos_list_for_org("o").into_stream().collect().await;
    assert_eq!(got.len(), 2);
    assert!(got[0].is_ok());
    assert!(
        matches!(&got[1], Err(Error::Request(e)) if e.to_string().contains("evil.example")),
        "{:?}",
        got[1]
    );
}

mod stripe {
    use super::*;
    use golden::stripe_pages::{server, types};

    /// Customers `cus_001`..`cus_250`, `limit` at a time after
    /// `starting_after`; `stuck_after` answers the page after it again
    /// and again, as a broken service would.
    pub struct Customers {
        pub stuck_after: Option<usize>,
        pub requests: AtomicUsize,
    }

    fn customer(i: usize) -> types::Customer {
        types::Customer {
            id: format!("cus_{i:03}"),
            object: types::CustomerObject::Customer,
            email: None,
            name: None,
            created: 1_700_000_000 + i as i64,
        }
    }

    impl server::Api for Customers {
        async fn get_customers(
            &self,
            input: server::GetCustomersInput,
        ) -> server::GetCustomersResponse {
            self.requests.fetch_add(1, Ordering::SeqCst);
            let limit = input.limit.unwrap_or(10) as usize;
            let after = match input.starting_after.as_deref() {
                Some(id) => id
                    .trim_start_matches("cus_")
                    .parse::<usize>()
                    .expect("an id this stub gave out"),
                None => 0,
            };
            let after = match self.stuck_after {
                Some(stuck) if after > stuck => stuck,
                _ => after,
            };
            let end = TOTAL.min(after + limit);
            let data = (after + 1..=end).map(customer).collect();
            server::GetCustomersResponse::Ok(types::GetCustomersResponse200 {
                data,
                has_more: end < TOTAL,
                object: types::GetCustomersResponse200Object::List,
                url: types::GetCustomersResponse200Url("/v1/customers".into()),
            })
        }

        async fn get_customers_customer(
            &self,
            input: server::GetCustomersCustomerInput,
        ) -> server::GetCustomersCustomerResponse {
            let known = input.customer.trim_start_matches("cus_").parse::<usize>();
            match known {
                Ok(i) if (1..=TOTAL).contains(&i) => {
                    server::GetCustomersCustomerResponse::Ok(customer(i))
                }
                // Stripe's error body, with the status it sends.
                _ => server::GetCustomersCustomerResponse::Default {
                    status: 404,
                    body: types::Error {
                        error: types::ApiErrors {
                            message: Some(format!("No such customer: '{}'", input.customer)),
                            type_: types::ApiErrorsType::InvalidRequestError,
                        },
                    },
                },
            }
        }
    }
}

async fn stripe_client(
    stuck_after: Option<usize>,
) -> (golden::stripe_pages::client::Client, Arc<stripe::Customers>) {
    use golden::stripe_pages::{client, server};
    let customers = Arc::new(stripe::Customers {
        stuck_after,
        requests: AtomicUsize::new(0),
    });
    let url = serve(server::router(customers.clone())).await;
    (
        client::Client::with_config(client::Credentials::new(), config(url)).unwrap(),
        customers,
    )
}

#[tokio::test]
async fn cursor_pages_yield_every_customer_once_in_order() {
    let (client, customers) = stripe_client(None).await;
    let ids: Vec<String> = client
        .get_customers()
        .limit(30)
        .into_stream()
        .map(|c| c.expect("every page decodes").id)
        .collect()
        .await;
    let expected: Vec<String> = (1..=TOTAL).map(|i| format!("cus_{i:03}")).collect();
    assert_eq!(ids, expected);
    assert_eq!(customers.requests.load(Ordering::SeqCst), 9);
}

#[tokio::test]
async fn a_cursor_that_repeats_ends_the_stream_with_an_error() {
    let (client, customers) = stripe_client(Some(60)).await;
    let got: Vec<_> = client
        .get_customers()
        .limit(30)
        .into_stream()
        .collect()
        .await;
    let ok: Vec<String> = got
        .iter()
        .filter_map(|c| c.as_ref().ok())
        .map(|c| c.id.clone())
        .collect();
    // Pages 1 and 2, then the stub answers 61..90 for every cursor after
    // 60: the third page is new; the fourth is the third again, so it is
    // not yielded and the walk ends.
    assert_eq!(ok.len(), 90, "{ok:?}");
    assert_eq!(ok.last().map(String::as_str), Some("cus_090"));
    match got.last() {
        Some(Err(Error::RepeatedPage { cursor })) => assert_eq!(cursor, "cus_090"),
        other => panic!("expected RepeatedPage, got {other:?}"),
    }
    assert_eq!(
        customers.requests.load(Ordering::SeqCst),
        4,
        "no request after the loop is seen"
    );
}

/// Stripe documents one error, `default`, on every operation: the client's
/// operations share `DefaultError`, each under its own name, and a 404
/// decodes into it with its status and Stripe's error body.
#[tokio::test]
async fn operations_whose_only_error_is_default_share_one_enum() {
    use golden::stripe_pages::client::{
        DefaultError, GetCustomersCustomerError, GetCustomersError,
    };
    use golden::stripe_pages::types::ApiErrorsType;
    let (client, _) = stripe_client(None).await;
    let found = client
        .get_customers_customer("cus_007")
        .send()
        .await
        .unwrap();
    assert_eq!(found.id, "cus_007");
    let missing = client.get_customers_customer("cus_999").send().await;
    let Err(Error::Response(error)) = missing else {
        panic!("{missing:?}")
    };
    // The operation's own name and the list's are the one enum.
    let error: GetCustomersCustomerError = error;
    let _same: GetCustomersError = error.clone();
    let DefaultError::Default { status, body } = error;
    assert_eq!(status.as_u16(), 404);
    assert_eq!(body.error.type_, ApiErrorsType::InvalidRequestError);
    assert_eq!(
        body.error.message.as_deref(),
        Some("No such customer: 'cus_999'")
    );
}
