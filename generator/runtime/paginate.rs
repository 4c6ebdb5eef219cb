//! Walking a paginated list: pages are fetched one at a time, when the
//! stream is polled past the last item of the page before. The generated
//! builder says how a page leads to the next request (a `Link` header, a
//! URL in the body, a cursor fed back as a query parameter); this module
//! only drives the walk and guards it: an error ends the stream with that
//! error, and a page pointing at a page already fetched ends it with
//! [`Error::RepeatedPage`] instead of looping forever.

use super::client::{Error, HeaderMap, RequestError};
use futures_util::future::Either;
use futures_util::stream;
pub use futures_util::stream::{Stream, StreamExt};
use std::collections::HashSet;
use std::future::Future;

/// The next request and the key that identifies the page it asks for (its
/// URL or cursor): a key seen before is a loop.
pub type Next<R> = Option<(R, String)>;

struct Walk<R, S, N> {
    request: Option<R>,
    seen: HashSet<String>,
    send: S,
    next: N,
}

/// Every page, from `first` on: `send` runs a request, `next` reads from a
/// request and its page the request of the following page.
pub fn pages<R, P, E, S, F, N>(first: R, send: S, next: N) -> impl Stream<Item = Result<P, Error<E>>>
where
    R: Clone,
    S: FnMut(R) -> F,
    F: Future<Output = Result<P, Error<E>>>,
    N: FnMut(&R, &P) -> Next<R>,
{
    let walk = Walk { request: Some(first), seen: HashSet::new(), send, next };
    stream::unfold(walk, |mut walk| async move {
        let request = walk.request.take()?;
        match (walk.send)(request.clone()).await {
            Err(e) => Some((Err(e), walk)),
            Ok(page) => match (walk.next)(&request, &page) {
                Some((next, key)) if walk.seen.insert(key.clone()) => {
                    walk.request = Some(next);
                    Some((Ok(page), walk))
                }
                // A page leading where an earlier one led is that page
                // again: it is not yielded twice.
                Some((_, key)) => Some((Err(Error::RepeatedPage { cursor: key }), walk)),
                None => Some((Ok(page), walk)),
            },
        }
    })
}

/// Every item of every page, in order.
pub fn items<P, T, E>(
    pages: impl Stream<Item = Result<P, Error<E>>>,
    items: fn(P) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error<E>>> {
    pages.flat_map(move |page| match page {
        Ok(page) => Either::Left(stream::iter(items(page).into_iter().map(Ok))),
        Err(e) => Either::Right(stream::once(async { Err(e) })),
    })
}

/// The `rel="next"` target of RFC 8288 `Link` headers (GitHub's
/// `<https://api.github.com/…?page=2>; rel="next", <…>; rel="last"`).
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(links)
        .find(|(_, rels)| rels.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("next")))
        .map(|(target, _)| target.to_owned())
}

/// `(target, rel)` of each link-value of one header value. A target is
/// between `<` and `>` (it may contain `,` and `;`); parameters follow,
/// `rel` quoted or not.
fn links(value: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        let target = &rest[start + 1..start + len];
        rest = &rest[start + len + 1..];
        // Parameters run to the next link-value's `<`.
        let params_end = rest.find('<').unwrap_or(rest.len());
        let rel = rest[..params_end].split(';').find_map(|p| {
            let (name, value) = p.split_once('=')?;
            name.trim().eq_ignore_ascii_case("rel").then(|| value.trim().trim_end_matches(',').trim().trim_matches('"').to_owned())
        });
        out.push((target, rel.unwrap_or_default()));
    }
    out
}

/// The absolute URL of a next page given as `link` (absolute, or relative
/// to the API's base URL). A page on another origin is refused: following
/// it would send this API's credentials to whoever the response names.
pub fn follow(base_url: &str, link: &str) -> Result<String, RequestError> {
    let base = reqwest::Url::parse(base_url).map_err(|e| RequestError(format!("base URL `{base_url}`: {e}")))?;
    let url = base.join(link).map_err(|e| RequestError(format!("next page `{link}`: {e}")))?;
    if url.origin() != base.origin() {
        return Err(RequestError(format!("next page `{link}` is not on the API's origin `{}`", base.origin().ascii_serialization())));
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn link(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.append("link", HeaderValue::from_static(value));
        h
    }

    #[test]
    fn the_next_target_is_read_whatever_the_order_and_quoting() {
        let github = r#"<https://api.github.com/organizations/1/repos?page=2>; rel="next", <https://api.github.com/organizations/1/repos?page=9>; rel="last""#;
        assert_eq!(next_link(&link(github)).as_deref(), Some("https://api.github.com/organizations/1/repos?page=2"));
        let last_first = r#"<https://x/a?page=1>; rel="prev first", <https://x/a?b=1,2;c>; title="n"; rel=next"#;
        assert_eq!(next_link(&link(last_first)).as_deref(), Some("https://x/a?b=1,2;c"));
        assert_eq!(next_link(&link(r#"<https://x/a?page=9>; rel="last""#)), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn several_link_headers_are_one_list() {
        let mut h = link(r#"<https://x/p?page=1>; rel="prev""#);
        h.append("link", HeaderValue::from_static(r#"<https://x/p?page=3>; REL="Next""#));
        assert_eq!(next_link(&h).as_deref(), Some("https://x/p?page=3"));
    }

    #[test]
    fn pages_stay_on_the_apis_origin() {
        assert_eq!(follow("https://api.x.com/v1", "/v1/items?c=2").unwrap(), "https://api.x.com/v1/items?c=2");
        assert_eq!(follow("https://api.x.com", "https://api.x.com/o/1?page=2").unwrap(), "https://api.x.com/o/1?page=2");
        assert!(follow("https://api.x.com", "https://evil.example/steal").is_err());
        assert!(follow("https://api.x.com", "http://api.x.com/downgraded").is_err());
    }

    /// Runs a future whose every part is ready at once (no I/O here), so
    /// that these tests need no executor crate.
    fn ready<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        match f.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(out) => out,
            std::task::Poll::Pending => panic!("the test's futures are all ready"),
        }
    }

    #[test]
    fn a_walk_stops_at_the_last_page_and_at_a_repeated_one() {
        // Pages are numbers; page n leads to n + 1 until 3, except that
        // `loop_at` leads back to 2.
        let walk = |loop_at: u32| {
            let next = move |r: &u32, _: &Vec<u32>| -> Next<u32> {
                match *r {
                    n if n == loop_at => Some((2, "2".to_owned())),
                    3 => None,
                    n => Some((n + 1, (n + 1).to_string())),
                }
            };
            let send = |r: u32| async move { Ok::<_, Error<()>>(vec![r * 10, r * 10 + 1]) };
            items(pages(1u32, send, next), |p| p).collect::<Vec<_>>()
        };
        let all: Vec<u32> = ready(walk(0)).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(all, [10, 11, 20, 21, 30, 31]);
        // Page 3 leads where page 1 led (to page 2): it is taken for a page
        // already seen, not yielded, and the walk ends.
        let looped = ready(walk(3));
        assert_eq!(looped.len(), 5, "pages 1 and 2, then the loop ends it");
        assert!(matches!(&looped[4], Err(Error::RepeatedPage { cursor }) if cursor == "2"));
    }

    #[test]
    fn an_error_ends_the_walk_after_the_pages_before_it() {
        let send = |r: u32| async move {
            match r {
                2 => Err(Error::<()>::Request(RequestError("page 2 failed".into()))),
                n => Ok(vec![n]),
            }
        };
        let next = |r: &u32, _: &Vec<u32>| Some((r + 1, (r + 1).to_string()));
        let got = ready(items(pages(1u32, send, next), |p| p).collect::<Vec<_>>());
        assert_eq!(got.len(), 2);
        assert!(matches!(got[0], Ok(1)));
        assert!(matches!(&got[1], Err(Error::Request(e)) if e.to_string().contains("page 2")));
    }
}
