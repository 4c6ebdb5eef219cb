//! Form request bodies on the server: `application/x-www-form-urlencoded`
//! and `multipart/form-data`, read into a tree and decoded into the
//! generated struct, exactly as the client's `Body::form` and `Multipart`
//! send them (and as curl, browsers and other clients do).
//!
//! Names carry the structure in brackets, as Stripe and Rails read them:
//! `metadata[team]=x` nests an object, `steps[0][run]=make` and
//! `expand[]=x` make arrays (indices ordered by value, `[]` appended), and
//! a name given more than once is an array of its values. Values on the
//! wire are text, so [`Deserializer`] coerces each to what the target type
//! asks for: `"100"` for an integer is 100, `"true"` for a boolean is true,
//! a lone value where an array is wanted is an array of one. A multipart
//! part declared `application/json` (without a file name) is read as
//! JSON; any part read as [`Binary`](super::binary::Binary) keeps its bytes,
//! file name and media type.

use bytes::Bytes;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde_json::Error;

/// The name under which `Binary` asks a deserializer for a file (through
/// `deserialize_newtype_struct`); must equal `binary::FILE`. Given a part,
/// [`Deserializer`] answers with a map of `bytes`, `file_name` and
/// `content_type`; any other deserializer passes the value on unchanged.
pub const FILE: &str = "$apigen::File";

/// How deeply names may nest (`a[b][c]…`); deeper is an error, so that no
/// request can exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// A value as sent: a form pair's value or a multipart part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Leaf {
    pub bytes: Bytes,
    /// A part's `filename`.
    pub file_name: Option<String>,
    /// A part's `Content-Type`.
    pub content_type: Option<String>,
}

impl Leaf {
    pub fn text(text: impl Into<String>) -> Leaf {
        Leaf { bytes: Bytes::from(text.into()), file_name: None, content_type: None }
    }

    /// A part declared as JSON and not a file: its bytes are JSON text.
    fn is_json(&self) -> bool {
        self.file_name.is_none()
            && self.content_type.as_deref().is_some_and(|c| {
                let m = c.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
                m == "application/json" || m.ends_with("+json")
            })
    }
}

/// The body as a tree: leaves, objects (in the order their names first
/// came) and arrays (a name given more than once).
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Leaf(Leaf),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

impl Node {
    /// The tree of `(name, value)` pairs; an error names a name that nests
    /// too deeply or is both a value and an object (`a=1&a[b]=2`).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, Leaf)>) -> Result<Node, String> {
        let mut root = Node::Map(Vec::new());
        for (name, leaf) in pairs {
            let path = segments(&name);
            if path.len() > MAX_DEPTH {
                return Err(format!("`{name}` nests deeper than {MAX_DEPTH} levels"));
            }
            if !insert(&mut root, &path, leaf) {
                return Err(format!("`{name}` is both a value and an object"));
            }
        }
        Ok(root)
    }

    /// An `application/x-www-form-urlencoded` body (`+` is a space,
    /// percent escapes decoded, invalid UTF-8 replaced).
    pub fn from_form(body: &[u8]) -> Result<Node, String> {
        Node::from_pairs(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), Leaf::text(v))))
    }

    /// A `multipart/form-data` body with this boundary.
    pub fn from_multipart(body: &Bytes, boundary: &str) -> Result<Node, String> {
        let parts = parse_multipart(body, boundary)?;
        Node::from_pairs(parts.into_iter().filter(|(name, _)| name != "_charset_"))
    }
}

/// `a[b][0][]` → `["a", "b", "0", ""]`; brackets inside a key pair up
/// (`metadata[a[b]]` → `["metadata", "a[b]"]`); a name whose brackets do
/// not is one segment as written.
fn segments(name: &str) -> Vec<&str> {
    let Some(open) = name.find('[').filter(|&i| i > 0) else { return vec![name] };
    let mut out = vec![&name[..open]];
    let mut rest = &name[open..];
    while !rest.is_empty() {
        if !rest.starts_with('[') {
            return vec![name];
        }
        let mut depth = 0usize;
        let close = rest.char_indices().find(|&(_, c)| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        match close {
            Some((i, ']')) => {
                out.push(&rest[1..i]);
                rest = &rest[i + 1..];
            }
            _ => return vec![name],
        }
    }
    out
}

/// Puts `leaf` at `path` under `node` (a map); false on a clash between
/// a value and an object.
fn insert(node: &mut Node, path: &[&str], leaf: Leaf) -> bool {
    let Node::Map(entries) = node else { return false };
    let (key, rest) = match path {
        [] => return false,
        [key, rest @ ..] => (*key, rest),
    };
    // `[]` always appends; another key joins the entry of that name.
    let found = if key.is_empty() { None } else { entries.iter().position(|(k, _)| k == key) };
    match (found, rest) {
        (None, []) => entries.push((key.to_owned(), Node::Leaf(leaf))),
        (None, rest) => {
            let mut child = Node::Map(Vec::new());
            if !insert(&mut child, rest, leaf) {
                return false;
            }
            entries.push((key.to_owned(), child));
        }
        (Some(i), []) => {
            let slot = &mut entries[i].1;
            match slot {
                Node::Map(_) => return false,
                Node::Seq(items) => items.push(Node::Leaf(leaf)),
                Node::Leaf(_) => {
                    let first = std::mem::replace(slot, Node::Seq(Vec::new()));
                    *slot = Node::Seq(vec![first, Node::Leaf(leaf)]);
                }
            }
        }
        (Some(i), rest) => return insert(&mut entries[i].1, rest, leaf),
    }
    true
}

/// The parts of a `multipart/form-data` body (RFC 7578, RFC 2046): each
/// `(name, part)`. A delimiter is `--boundary` at the start of a line and
/// followed by the end of the line (or `--` for the last one), so the
/// boundary's text inside a part's content is content. CRLF line endings,
/// bare LF accepted; a preamble and an epilogue are ignored.
pub fn parse_multipart(body: &Bytes, boundary: &str) -> Result<Vec<(String, Leaf)>, String> {
    if boundary.is_empty() || boundary.len() > 200 {
        return Err("the multipart boundary is missing or too long".into());
    }
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let data: &[u8] = body;
    // Where the delimiter line starting at `at` ends, and whether it closes.
    let delimiter_end = |at: usize| -> Option<(usize, bool)> {
        let mut i = at + delimiter.len();
        let closing = data[i..].starts_with(b"--");
        if closing {
            i += 2;
        }
        while data.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
            i += 1;
        }
        match &data[i..] {
            [] if closing => Some((i, true)),
            [b'\r', b'\n', ..] => Some((i + 2, closing)),
            [b'\n', ..] => Some((i + 1, closing)),
            _ => None,
        }
    };
    // The next delimiter line at or after `from`, at a line's start: its
    // start (with the line break before it) and its end.
    let next = |from: usize| -> Option<(usize, usize, bool)> {
        let mut i = from;
        while let Some(found) = find(&data[i..], delimiter) {
            let at = i + found;
            let line_start = at == 0 || data[at - 1] == b'\n';
            if let Some((end, closing)) = delimiter_end(at).filter(|_| line_start) {
                let start = if at >= 2 && data[at - 2] == b'\r' { at - 2 } else { at.saturating_sub(1) };
                return Some((start, end, closing));
            }
            i = at + 1;
        }
        None
    };
    let Some((_, mut at, mut closing)) = next(0) else {
        return Err("the multipart body has no boundary line".into());
    };
    let mut parts = Vec::new();
    while !closing {
        let (head_end, content_start) = match (find(&data[at..], b"\r\n\r\n"), find(&data[at..], b"\n\n")) {
            // A part without headers (it has no name: an error below).
            _ if data[at..].starts_with(b"\r\n") => (at, at + 2),
            (Some(c), Some(l)) if l + 1 < c => (at + l, at + l + 2),
            (Some(c), _) => (at + c, at + c + 4),
            (None, Some(l)) => (at + l, at + l + 2),
            (None, None) => return Err("a multipart part's headers do not end".into()),
        };
        let head = std::str::from_utf8(&data[at..head_end]).map_err(|_| "a multipart part's headers are not UTF-8")?;
        let Some((end, after, last)) = next(content_start) else {
            return Err("the multipart body ends without its closing boundary".into());
        };
        let content = if end < content_start { Bytes::new() } else { body.slice(content_start..end) };
        parts.push(part(head, content)?);
        (at, closing) = (after, last);
    }
    Ok(parts)
}

/// One part from its headers and content.
fn part(head: &str, bytes: Bytes) -> Result<(String, Leaf), String> {
    let mut name = None;
    let mut leaf = Leaf { bytes, file_name: None, content_type: None };
    for line in head.lines() {
        let Some((header, value)) = line.split_once(':') else { continue };
        let header = header.trim();
        if header.eq_ignore_ascii_case("content-disposition") {
            let (kind, params) = value.split_once(';').unwrap_or((value, ""));
            if !kind.trim().eq_ignore_ascii_case("form-data") {
                return Err(format!("a multipart part is `{}`, not form-data", kind.trim()));
            }
            for (k, v) in parameters(params) {
                if k.eq_ignore_ascii_case("name") {
                    name = Some(v);
                } else if k.eq_ignore_ascii_case("filename") {
                    leaf.file_name = Some(v);
                }
            }
        } else if header.eq_ignore_ascii_case("content-type") {
            leaf.content_type = Some(value.trim().to_owned());
        }
    }
    let name = name.ok_or("a multipart part has no name")?;
    Ok((name, leaf))
}

/// `; name="a"; filename="b.zip"` → pairs; quoted values unescaped (`\"`,
/// as curl writes them, and `%22`, `%0D`, `%0A`, as browsers and the
/// generated client do).
pub fn parameters(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ';' || c.is_whitespace()).is_some() {}
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ';')).collect();
        if key.is_empty() && chars.peek().is_none() {
            return out;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
                value = value.replace("%22", "\"").replace("%0D", "\r").replace("%0A", "\n");
            } else {
                value = std::iter::from_fn(|| chars.next_if(|c| *c != ';')).collect::<String>().trim().to_owned();
            }
        }
        out.push((key.trim().to_owned(), value));
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a [`Node`] into a type, coercing text to what it asks for.
pub struct Deserializer(pub Node);

impl Deserializer {
    fn unexpected(&self, expected: &dyn de::Expected) -> Error {
        let what = match &self.0 {
            Node::Map(_) => Unexpected::Map,
            Node::Seq(_) => Unexpected::Seq,
            Node::Leaf(l) => std::str::from_utf8(&l.bytes).map_or(Unexpected::Bytes(&l.bytes), Unexpected::Str),
        };
        de::Error::invalid_type(what, expected)
    }
}

/// A leaf's text; a file that is not UTF-8 is an error.
fn text(leaf: &Leaf) -> Result<&str, Error> {
    std::str::from_utf8(&leaf.bytes).map_err(|_| de::Error::invalid_type(Unexpected::Bytes(&leaf.bytes), &"text"))
}

/// Runs the same method on the JSON text of a JSON part (read as a
/// reader: the visitor may outlive the part's bytes).
macro_rules! json {
    ($leaf:expr, $method:ident ( $($arg:expr),* )) => {{
        let mut json = serde_json::Deserializer::from_reader(&$leaf.bytes[..]);
        let value = de::Deserializer::$method(&mut json, $($arg),*)?;
        json.end()?;
        Ok(value)
    }};
}

/// Scalars: the text parsed as the type asks, or the JSON of a JSON part.
macro_rules! scalar {
    ($($method:ident => $visit:ident,)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match &self.0 {
                Node::Leaf(l) if l.is_json() => json!(l, $method(visitor)),
                Node::Leaf(l) => match text(l)?.parse() {
                    Ok(v) => visitor.$visit(v),
                    Err(_) => Err(self.unexpected(&visitor)),
                },
                _ => Err(self.unexpected(&visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Deserializer {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Leaf(l) if l.is_json() => json!(l, deserialize_any(visitor)),
            Node::Leaf(l) => match String::from_utf8(l.bytes.to_vec()) {
                Ok(s) => visitor.visit_string(s),
                Err(e) => visitor.visit_byte_buf(e.into_bytes()),
            },
            Node::Map(entries) => visitor.visit_map(Entries { entries: entries.into_iter(), value: None }),
            Node::Seq(items) => visitor.visit_seq(Items(items.into_iter())),
        }
    }

    scalar! {
        deserialize_bool => visit_bool,
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
        deserialize_char => visit_char,
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0 {
            Node::Leaf(l) if l.is_json() => json!(l, deserialize_string(visitor)),
            Node::Leaf(l) => visitor.visit_string(text(l)?.to_owned()),
            _ => Err(self.unexpected(&visitor)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.0 {
            Node::Leaf(l) => visitor.visit_bytes(&l.bytes),
            _ => Err(self.unexpected(&visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    /// Present is `Some` (a JSON part may be `null`).
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Leaf(l) if l.is_json() => json!(l, deserialize_option(visitor)),
            node => visitor.visit_some(Deserializer(node)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    /// A file for `Binary` ([`FILE`]); else the value itself.
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Leaf(l) if name == FILE => visitor.visit_map(File { leaf: l, step: 0 }),
            node => visitor.visit_newtype_struct(Deserializer(node)),
        }
    }

    /// Repeated names, an object of indices (ordered by index, `[]` kept
    /// in place), a JSON array, or one value as an array of one.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Seq(items) => visitor.visit_seq(Items(items.into_iter())),
            Node::Map(mut entries) => {
                if entries.iter().all(|(k, _)| k.parse::<usize>().is_ok()) {
                    entries.sort_by_cached_key(|(k, _)| k.parse::<usize>().ok());
                }
                let items: Vec<Node> = entries.into_iter().map(|(_, v)| v).collect();
                visitor.visit_seq(Items(items.into_iter()))
            }
            Node::Leaf(l) if l.is_json() => json!(l, deserialize_seq(visitor)),
            leaf => visitor.visit_seq(Items(vec![leaf].into_iter())),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Node::Map(entries) => visitor.visit_map(Entries { entries: entries.into_iter(), value: None }),
            Node::Leaf(l) if l.is_json() => json!(l, deserialize_map(visitor)),
            node => Err(Deserializer(node).unexpected(&visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    /// A unit variant named by the text.
    fn deserialize_enum<V: Visitor<'de>>(self, name: &'static str, variants: &'static [&'static str], visitor: V) -> Result<V::Value, Error> {
        match &self.0 {
            Node::Leaf(l) if l.is_json() => json!(l, deserialize_enum(name, variants, visitor)),
            Node::Leaf(l) => visitor.visit_enum(text(l)?.to_owned().into_deserializer()),
            _ => Err(self.unexpected(&visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

/// An object's entries; keys coerce like values (`Map<i64, _>` works).
struct Entries {
    entries: std::vec::IntoIter<(String, Node)>,
    value: Option<Node>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(Deserializer(Node::Leaf(Leaf::text(key)))).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
        seed.deserialize(Deserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Items(std::vec::IntoIter<Node>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|n| seed.deserialize(Deserializer(n))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A part as `Binary` reads a file: `bytes`, then `file_name` and
/// `content_type` when the part has them.
struct File {
    leaf: Leaf,
    step: u8,
}

impl<'de> MapAccess<'de> for File {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        loop {
            let key = match self.step {
                0 => "bytes",
                1 if self.leaf.file_name.is_some() => "file_name",
                2 if self.leaf.content_type.is_some() => "content_type",
                3.. => return Ok(None),
                _ => {
                    self.step += 1;
                    continue;
                }
            };
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let step = self.step;
        self.step += 1;
        let leaf = match step {
            0 => Leaf { bytes: self.leaf.bytes.clone(), ..Leaf::default() },
            1 => Leaf::text(self.leaf.file_name.take().unwrap_or_default()),
            _ => Leaf::text(self.leaf.content_type.take().unwrap_or_default()),
        };
        seed.deserialize(Deserializer(Node::Leaf(leaf)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Step {
        run: Option<String>,
        timeout: Option<i64>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Zip,
        Tar,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Update {
        name: String,
        amount: Option<u32>,
        ratio: Option<f64>,
        live: Option<bool>,
        kind: Option<Kind>,
        #[serde(default)]
        metadata: BTreeMap<String, String>,
        #[serde(default)]
        steps: Vec<Step>,
        #[serde(default)]
        expand: Vec<String>,
        missing: Option<String>,
    }

    fn decode<T: serde::de::DeserializeOwned>(node: Node) -> Result<T, String> {
        serde_path_to_error::deserialize(Deserializer(node)).map_err(|e| format!("{}: {}", e.path(), e.inner()))
    }

    #[test]
    fn form_names_nest_in_brackets_and_values_coerce() {
        let body = b"name=nightly+build%20%26+test&amount=100&ratio=0.5&live=true&kind=zip\
            &metadata%5Bteam%5D=ci%2Fcd&metadata[a b]=c&steps[1][run]=test&steps[0][run]=make&steps[0][timeout]=60\
            &expand[]=x&expand[]=y";
        let got: Update = decode(Node::from_form(body).unwrap()).unwrap();
        assert_eq!(
            got,
            Update {
                name: "nightly build & test".into(),
                amount: Some(100),
                ratio: Some(0.5),
                live: Some(true),
                kind: Some(Kind::Zip),
                metadata: [("team".into(), "ci/cd".into()), ("a b".into(), "c".into())].into(),
                steps: vec![
                    Step { run: Some("make".into()), timeout: Some(60) },
                    Step { run: Some("test".into()), timeout: None }
                ],
                expand: vec!["x".into(), "y".into()],
                missing: None,
            }
        );
    }

    #[test]
    fn repeated_names_are_arrays_and_one_value_is_an_array_of_one() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Ids {
            id: Vec<i64>,
            one: Vec<String>,
        }
        let got: Ids = decode(Node::from_form(b"id=1&id=2&id=3&one=x").unwrap()).unwrap();
        assert_eq!(got, Ids { id: vec![1, 2, 3], one: vec!["x".into()] });
    }

    #[test]
    fn a_value_that_does_not_fit_names_its_field() {
        let e = decode::<Update>(Node::from_form(b"name=x&steps[0][timeout]=soon").unwrap()).unwrap_err();
        assert_eq!(e, "steps[0].timeout: invalid type: string \"soon\", expected i64");
        let e = decode::<Update>(Node::from_form(b"name=x&live=yes").unwrap()).unwrap_err();
        assert_eq!(e, "live: invalid type: string \"yes\", expected a boolean");
        let e = decode::<Update>(Node::from_form(b"amount=1").unwrap()).unwrap_err();
        assert_eq!(e, ".: missing field `name`");
        let e = decode::<Update>(Node::from_form(b"name[x]=1").unwrap()).unwrap_err();
        assert_eq!(e, "name: invalid type: map, expected a string");
    }

    #[test]
    fn clashing_and_too_deep_names_are_errors() {
        assert_eq!(Node::from_form(b"a=1&a[b]=2").unwrap_err(), "`a[b]` is both a value and an object");
        assert_eq!(Node::from_form(b"a[b]=2&a=1").unwrap_err(), "`a` is both a value and an object");
        let deep = format!("a{}=1", "[x]".repeat(MAX_DEPTH + 1));
        assert!(Node::from_form(deep.as_bytes()).unwrap_err().contains("nests deeper"));
        assert_eq!(segments("a[b]c"), ["a[b]c"]);
        assert_eq!(segments("[a]"), ["[a]"]);
        assert_eq!(segments("a[b][]"), ["a", "b", ""]);
        assert_eq!(segments("metadata[a[b]][c]"), ["metadata", "a[b]", "c"]);
        assert_eq!(segments("a[b"), ["a[b"]);
        assert_eq!(segments("a[b]]"), ["a[b]]"]);
        for odd in ["]", "[", "a]", "a[]]", "a[[", "[[]]", "a[]x", "a[]]]][[", "a[b]]]c"] {
            let _ = Node::from_form(format!("{odd}=1&{odd}=2&{odd}[x]=3").as_bytes());
        }
    }

    const BODY: &[u8] = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na \"b\"\r\n\
        --XyZ\r\ncontent-disposition: form-data; name=\"size\"\r\n\r\n5\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":[1,2]}\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22.zip\"\r\nContent-Type: application/zip\r\n\r\n\
        \x00\xff\r\n--XyZa\r\n--XyZ--x\r\n\r\n\
        --XyZ--\r\nepilogue";

    #[test]
    fn multipart_parts_are_read_by_their_boundary() {
        let parts = parse_multipart(&Bytes::from_static(BODY), "XyZ").unwrap();
        let text = |n: &str, v: &str| (n.to_owned(), Leaf::text(v));
        assert_eq!(
            parts,
            [
                text("name", "a \"b\""),
                text("size", "5"),
                (n("meta"), Leaf { content_type: Some("application/json".into()), ..Leaf::text("{\"k\":[1,2]}") }),
                (
                    n("file"),
                    Leaf {
                        bytes: Bytes::from_static(b"\x00\xff\r\n--XyZa\r\n--XyZ--x\r\n"),
                        file_name: Some("a\".zip".into()),
                        content_type: Some("application/zip".into()),
                    }
                ),
            ],
            "the boundary's text inside the file is content"
        );
        fn n(s: &str) -> String {
            s.to_owned()
        }
    }

    #[test]
    fn multipart_parts_decode_into_a_struct() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Meta {
            k: Vec<u8>,
        }
        #[derive(Debug, Deserialize, PartialEq)]
        struct Upload {
            name: String,
            size: i64,
            meta: Meta,
            file: String,
        }
        let node = Node::from_multipart(&Bytes::from_static(BODY), "XyZ").unwrap();
        let e = decode::<Upload>(node.clone()).unwrap_err();
        assert!(e.starts_with("file: invalid type: byte array"), "{e}");
        #[derive(Debug, Deserialize, PartialEq)]
        struct Parsed {
            name: String,
            size: i64,
            meta: Meta,
        }
        let got: Parsed = decode(node).unwrap();
        assert_eq!(got, Parsed { name: "a \"b\"".into(), size: 5, meta: Meta { k: vec![1, 2] } });
        let e = decode::<Parsed>(Node::from_multipart(&Bytes::from(String::from_utf8_lossy(BODY).replace("[1,2]", "[1,\"x\"]")), "XyZ").unwrap())
            .unwrap_err();
        assert!(e.starts_with("meta.k[1]: invalid type: string \"x\""), "{e}");
    }

    #[test]
    fn multipart_errors_are_reported_not_panicked() {
        let cut = &BODY[..BODY.len() - 17];
        assert_eq!(
            parse_multipart(&Bytes::copy_from_slice(cut), "XyZ").unwrap_err(),
            "the multipart body ends without its closing boundary"
        );
        assert!(parse_multipart(&Bytes::from_static(BODY), "other").is_err());
        assert!(parse_multipart(&Bytes::from_static(BODY), "").is_err());
        let no_name = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n";
        assert_eq!(parse_multipart(&Bytes::from_static(no_name), "b").unwrap_err(), "a multipart part has no name");
        let lf = b"--b\nContent-Disposition: form-data; name=x\n\nvalue\n--b--";
        assert_eq!(parse_multipart(&Bytes::from_static(lf), "b").unwrap(), [("x".to_owned(), Leaf::text("value"))]);
        // Every prefix of a valid body is an error or parts, never a panic.
        for i in 0..BODY.len() {
            let _ = parse_multipart(&Bytes::copy_from_slice(&BODY[..i]), "XyZ");
        }
    }

    #[test]
    fn parameters_unescape_as_curl_and_browsers_write_them() {
        assert_eq!(
            parameters(r#" name="a\"b"; filename="c%22d.txt"; x=plain ;"#),
            [("name".into(), "a\"b".into()), ("filename".into(), "c\"d.txt".into()), ("x".into(), "plain".into())]
        );
    }
}
