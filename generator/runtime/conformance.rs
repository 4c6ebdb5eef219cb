//! What the conformance driver (cargo feature `conformance`, `apigen
//! generate --conformance`) shares across operations: reading a case's
//! generated arguments into the client's own types, and telling a request
//! the client could not build or send from one it sent. tests/conformance/
//! sends every operation of a spec through the generated client to a
//! recorder that checks each request against the spec with a validator of
//! its own, so the client is checked by something that is not apigen.

use super::client::{Attempt, ClientConfig, Error};
use super::retry::RetryPolicy;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The header telling the recorder which case a request belongs to (the
/// recorder drops it before validating).
pub const CASE_HEADER: &str = "x-apigen-conformance-case";

/// A client configuration sending to `base_url`, once (no retries: one
/// case, one request), every request tagged with `case`.
pub fn config(base_url: &str, case: usize) -> ClientConfig {
    let tag = move |_: &Attempt, request: &mut reqwest::Request| {
        request.headers_mut().insert(CASE_HEADER, reqwest::header::HeaderValue::from(case));
    };
    ClientConfig::new().base_url(base_url).retry(RetryPolicy::disabled()).interceptor(tag)
}

/// A case's arguments: `{"path": {name: value}, "query": {…}, "header":
/// {…}, "cookie": {…}, "body": value}`, values as JSON.
pub struct Args<'a> {
    operation: &'a str,
    args: &'a Value,
}

impl<'a> Args<'a> {
    pub fn new(operation: &'a str, args: &'a Value) -> Self {
        Args { operation, args }
    }

    /// The value of parameter `name` in `location` (`"body"`: the body),
    /// `null` counting as absent.
    fn value(&self, location: &str, name: &str) -> Option<&'a Value> {
        let value = match location {
            "body" => self.args.get("body"),
            _ => self.args.get(location)?.get(name),
        };
        value.filter(|v| !v.is_null())
    }

    /// A required value as the client's type `T`.
    pub fn required<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<T, String> {
        match self.value(location, name) {
            Some(value) => self.read(location, name, value),
            None => Err(format!("{}: the case has no value for the required {location} `{name}`", self.operation)),
        }
    }

    /// An optional value as the client's type `T`, if the case has one.
    pub fn optional<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<Option<T>, String> {
        self.value(location, name).map(|value| self.read(location, name, value)).transpose()
    }

    /// A body the client takes as bytes: a JSON string's text, anything
    /// else its JSON.
    pub fn bytes(&self) -> Option<Vec<u8>> {
        self.value("body", "").map(|value| match value {
            Value::String(text) => text.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        })
    }

    /// A required body the client takes as bytes.
    pub fn required_bytes(&self) -> Result<Vec<u8>, String> {
        self.bytes().ok_or_else(|| format!("{}: the case has no value for the required body", self.operation))
    }

    fn read<T: DeserializeOwned>(&self, location: &str, name: &str, value: &Value) -> Result<T, String> {
        // The path inside the value says which nested field did not fit.
        serde_path_to_error::deserialize(value).map_err(|e| {
            format!(
                "{}: {location} `{name}`: the value {value} (valid for the spec) does not fit the client's type at `{}`: {}",
                self.operation,
                e.path(),
                e.inner()
            )
        })
    }
}

/// What a call's result says about its request: `Ok` when it was built and
/// sent, whatever came back (the recorder's answer need not decode).
pub fn sent<T, E>(result: Result<T, Error<E>>) -> Result<(), String> {
    match result {
        Err(Error::Request(e)) => Err(format!("the client could not build the request: {e}")),
        Err(Error::Transport(e)) => Err(format!("the client could not send the request: {e}")),
        Err(Error::Deadline(e)) => Err(format!("no answer: {e}")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_are_read_by_location_and_null_is_absent() {
        let case = json!({"path": {"id": 7}, "query": {"tags": ["a", "b"], "gone": null}, "body": "raw"});
        let args = Args::new("GET /x/{id}", &case);
        assert_eq!(args.required::<i64>("path", "id"), Ok(7));
        assert_eq!(args.optional::<Vec<String>>("query", "tags"), Ok(Some(vec!["a".into(), "b".into()])));
        assert_eq!(args.optional::<String>("query", "gone"), Ok(None));
        assert_eq!(args.bytes(), Some(b"raw".to_vec()));
        let missing = args.required::<String>("header", "X-Key").unwrap_err();
        assert!(missing.contains("required header `X-Key`"), "{missing}");
        let misfit = args.required::<bool>("path", "id").unwrap_err();
        assert!(misfit.starts_with("GET /x/{id}: path `id`: the value 7"), "{misfit}");
        let nested = json!({"body": {"a": {"b": "text"}}});
        let deep = Args::new("POST /x", &nested);
        let e = deep.required::<std::collections::BTreeMap<String, std::collections::BTreeMap<String, u8>>>("body", "");
        assert!(e.unwrap_err().contains("at `a.b`: invalid type: string \"text\""), "the nested field is named");
    }
}
