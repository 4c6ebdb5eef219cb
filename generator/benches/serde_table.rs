//! Runtime cost of the structs' serde from `runtime::object!` (the table
//! in generator/runtime/object.rs) against serde's derive, on one struct
//! shaped like GitHub's repository summary (16 fields, a rename, optional
//! and `null` ones, unknown keys to skip).
//!
//! `cargo bench -p apigen --bench serde_table`: five rounds, each parsing
//! and writing the same JSON 300,000 times with each impl, interleaved;
//! prints nanoseconds per call. The two must write the same JSON.

use std::hint::black_box;
use std::time::Instant;

/// The runtime as a generated crate has it: `runtime::object!` and the
/// helpers it names (its unit tests come along, unused here).
#[allow(dead_code, unused_imports)]
#[path = "../runtime"]
mod runtime {
    pub mod object;
    pub(crate) use object::object;
}

#[derive(serde::Deserialize, serde::Serialize)]
pub struct Derived {
    pub id: i64,
    pub node_id: String,
    pub name: String,
    pub full_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub private: bool,
    pub fork: bool,
    pub url: String,
    pub html_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    pub forks_count: i64,
    pub stargazers_count: i64,
    pub watchers_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topics: Option<Vec<String>>,
    #[serde(rename = "type")]
    pub kind: String,
}

pub struct Table {
    pub id: i64,
    pub node_id: String,
    pub name: String,
    pub full_name: String,
    pub description: Option<String>,
    pub private: bool,
    pub fork: bool,
    pub url: String,
    pub html_url: String,
    pub homepage: Option<String>,
    pub language: Option<String>,
    pub forks_count: i64,
    pub stargazers_count: i64,
    pub watchers_count: i64,
    pub topics: Option<Vec<String>>,
    pub kind: String,
}

runtime::object!(Table {
    id, node_id, name, full_name, description opt, private, fork, url, html_url, homepage opt,
    language opt, forks_count, stargazers_count, watchers_count, topics opt, kind = "type",
} impl Serialize, Deserialize);

const JSON: &str = r#"{"id":1296269,"node_id":"MDEwOlJlcG9zaXRvcnkxMjk2MjY5","name":"Hello-World","full_name":"octocat/Hello-World","description":"This your first repo!","private":false,"fork":false,"url":"https://api.github.com/repos/octocat/Hello-World","html_url":"https://github.com/octocat/Hello-World","homepage":"https://github.com","language":null,"forks_count":9,"stargazers_count":80,"watchers_count":80,"topics":["octocat","atom","electron","api"],"type":"repo","extra_field":{"a":[1,2,3]},"another":"x"}"#;

const CALLS: u32 = 300_000;

/// Nanoseconds per call of `f`.
fn time(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    for _ in 0..CALLS {
        f();
    }
    start.elapsed().as_nanos() as f64 / f64::from(CALLS)
}

fn main() {
    let derived: Derived = serde_json::from_str(JSON).expect("derive parses");
    let table: Table = serde_json::from_str(JSON).expect("table parses");
    let same = serde_json::to_string(&derived).ok() == serde_json::to_string(&table).ok();
    assert!(same, "the two impls write different JSON");
    println!("ns per call (parse: serde_json::from_str; write: serde_json::to_vec)");
    for round in 1..=5 {
        let parse_derive = time(|| drop(black_box(serde_json::from_str::<Derived>(black_box(JSON)))));
        let parse_table = time(|| drop(black_box(serde_json::from_str::<Table>(black_box(JSON)))));
        let write_derive = time(|| drop(black_box(serde_json::to_vec(black_box(&derived)))));
        let write_table = time(|| drop(black_box(serde_json::to_vec(black_box(&table)))));
        println!(
            "round {round}: parse derive {parse_derive:.0}, table {parse_table:.0}; write derive {write_derive:.0}, table {write_table:.0}"
        );
    }
}
