//! `multipart/form-data` request bodies (RFC 7578): in the clients of APIs
//! with an operation that sends one.

use super::client::{Body, Bytes, RequestError, bracketed};

/// A `multipart/form-data` body (RFC 7578), built one part per property:
/// text parts for scalars, `application/json` parts for objects, a part
/// per item for arrays, file parts for bytes; absent and `null` values are
/// left out.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    boundary: Option<String>,
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

impl Multipart {
    /// A body whose boundary is chosen at random when it is finished.
    pub fn new() -> Self {
        Self::default()
    }

    /// A body with this boundary (deterministic output, for tests); should a
    /// part contain it, random characters are added to it.
    pub fn with_boundary(boundary: &str) -> Self {
        Multipart { boundary: Some(boundary.to_owned()), parts: Vec::new() }
    }

    /// One property: a string, number or boolean as a text part, an object
    /// as an `application/json` part, an array as one such part per item
    /// (OpenAPI: an array's parts take its items' media type; what servers
    /// read as a list, like files); `null` (an absent `Option`) adds nothing.
    pub fn field<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), RequestError> {
        match to_value(name, value)? {
            serde_json::Value::Array(items) => items.into_iter().for_each(|item| self.value(name, item)),
            v => self.value(name, v),
        }
        Ok(())
    }

    fn value(&mut self, name: &str, value: serde_json::Value) {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => self.push(name, None, None, s.into()),
            v @ (serde_json::Value::Array(_) | serde_json::Value::Object(_)) => {
                self.push(name, None, Some("application/json"), v.to_string().into())
            }
            scalar => self.push(name, None, None, scalar.to_string().into()),
        }
    }

    /// One property as JSON text in a part of media type `content_type`
    /// (a documented `encoding.contentType`); `null` adds nothing.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T, content_type: &str) -> Result<(), RequestError> {
        match to_value(name, value)? {
            serde_json::Value::Null => {}
            v => self.push(name, None, Some(content_type), v.to_string().into()),
        }
        Ok(())
    }

    /// One property in `style: deepObject` (Stripe's multipart bodies): a
    /// text part per leaf, named with brackets (`file_link_data[create]`,
    /// `expand[0]`).
    pub fn deep_object<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), RequestError> {
        let mut pairs = Vec::new();
        bracketed(name.to_owned().into(), &to_value(name, value)?, &mut pairs);
        for (k, v) in pairs {
            self.push(&k, None, None, v.into());
        }
        Ok(())
    }

    /// A file part: `bytes` with `filename="file_name"` and `content_type`.
    pub fn file(&mut self, name: &str, bytes: Bytes, file_name: &str, content_type: &str) {
        self.push(name, Some(file_name), Some(content_type), bytes);
    }

    fn push(&mut self, name: &str, file_name: Option<&str>, content_type: Option<&str>, bytes: Bytes) {
        self.parts.push(Part {
            name: name.to_owned(),
            file_name: file_name.map(str::to_owned),
            content_type: content_type.map(str::to_owned),
            bytes,
        });
    }

    /// The body, sent as `content_type` (`multipart/form-data`) with its
    /// boundary: one no part contains.
    pub fn finish(self, content_type: &str) -> Body {
        let mut boundary = self.boundary.unwrap_or_else(random_boundary);
        while self.parts.iter().any(|p| contains(&p.bytes, boundary.as_bytes())) {
            boundary.push_str(&random_boundary());
        }
        let mut out = Vec::new();
        for p in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quoted(&p.name));
            if let Some(f) = &p.file_name {
                disposition.push_str(&format!("; filename=\"{}\"", quoted(f)));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(ct) = &p.content_type {
                out.extend_from_slice(format!("Content-Type: {}\r\n", one_line(ct)).as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&p.bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut body = Body::bytes("", out.into());
        body.content_type = format!("{content_type}; boundary={boundary}").into();
        body
    }
}

fn to_value<T: serde::Serialize + ?Sized>(name: &str, value: &T) -> Result<serde_json::Value, RequestError> {
    serde_json::to_value(value).map_err(|e| RequestError(format!("cannot serialise body field `{name}`: {e}")))
}

/// 30 random alphanumerics after a fixed prefix.
fn random_boundary() -> String {
    let mut b = String::from("apigen-");
    b.extend(std::iter::repeat_with(fastrand::alphanumeric).take(30));
    b
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A name or file name inside `"…"` of a part's header, escaped as the
/// WHATWG HTML standard does (`"` → `%22`, CR → `%0D`, LF → `%0A`).
fn quoted(s: &str) -> String {
    s.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A")
}

/// A header value on one line (line breaks would start another header).
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn multipart_bodies_have_one_part_per_property() {
        let mut form = Multipart::with_boundary("XyZ");
        form.field("name", "a \"b\"").unwrap();
        form.field("size", &5).unwrap();
        form.field("gone", &None::<String>).unwrap();
        form.field("labels", &["x", "y"]).unwrap();
        form.json("meta", &json!({"k": 1}), "application/vnd.x+json").unwrap();
        form.deep_object("link", &json!({"create": true, "expand": ["a"]})).unwrap();
        form.file("file\r\n", Bytes::from_static(b"\x00\xffdata"), "a\".zip", "application/zip");
        let body = form.finish("multipart/form-data");
        assert_eq!(body.content_type, "multipart/form-data; boundary=XyZ");
        let expected: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"size\"\r\n\r\n5\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"labels\"\r\n\r\nx\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"labels\"\r\n\r\ny\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/vnd.x+json\r\n\r\n{\"k\":1}\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"link[create]\"\r\n\r\ntrue\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"link[expand][0]\"\r\n\r\na\r\n\
            --XyZ\r\nContent-Disposition: form-data; name=\"file%0D%0A\"; filename=\"a%22.zip\"\r\nContent-Type: application/zip\r\n\r\n\x00\xffdata\r\n\
            --XyZ--\r\n";
        assert_eq!(body.bytes, expected);
    }

    #[test]
    fn multipart_boundaries_never_occur_in_a_part() {
        let mut form = Multipart::with_boundary("b");
        form.field("x", "abc").unwrap();
        let body = form.finish("multipart/form-data");
        let boundary = body.content_type.strip_prefix("multipart/form-data; boundary=").unwrap().to_owned();
        assert!(boundary.starts_with("bapigen-") && boundary.len() > 30, "{boundary}");
        assert!(Multipart::new().finish("multipart/form-data").content_type.len() > 60);
    }
}
