//! YAML and JSON text → `serde_json::Value`, refusing duplicate keys.
//!
//! libyaml-based YAML crates and `serde_json::Value` both keep the last of
//! two equal keys, which silently loses operations (two `delete:` under one
//! path). We deserialize through our own visitor that sees every key and
//! fails on the second occurrence, with the parser's line and column.

use crate::diag::{Diagnostic, Error, Location, Result};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// JSON when the text looks like JSON (so a JSON file gets JSON errors,
    /// not YAML ones), else YAML.
    pub fn sniff(text: &str) -> Format {
        match text.trim_start().as_bytes().first() {
            Some(b'{') | Some(b'[') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// Parses `bytes` (a whole file, or a block of a Markdown page starting at
/// `line_offset` lines into `file`).
pub fn parse(bytes: &[u8], file: &Path, line_offset: usize) -> Result<Value> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1 + line_offset;
        Error::one(
            Diagnostic::error(
                "parse.utf8",
                Location::file(file).with_line(line, None),
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            )
            .help("save the document as UTF-8"),
        )
    })?;
    let value = match Format::sniff(text) {
        Format::Json => parse_json(text, file, line_offset),
        Format::Yaml => parse_yaml(text, file, line_offset),
    }?;
    if value.is_null() {
        return Err(Diagnostic::error(
            "parse.empty",
            Location::file(file).with_line(line_offset + 1, None),
            "the document is empty (no content, or only comments or `null`)",
        )
        .help("write the OpenAPI document here (`openapi: 3.1.0`, `info`, `paths`), or leave this file out")
        .into());
    }
    Ok(value)
}

fn parse_json(text: &str, file: &Path, line_offset: usize) -> Result<Value> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictValue::deserialize_from(&mut de).and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        let loc = Location::file(file).with_line(e.line() + line_offset, Some(e.column()));
        let (message, help) = explain(&strip_position(&e.to_string()), "JSON", "fix the JSON syntax at this line");
        Error::one(Diagnostic::error("parse.json", loc, message).help(help))
    })
}

fn parse_yaml(text: &str, file: &Path, line_offset: usize) -> Result<Value> {
    let de = serde_yaml::Deserializer::from_str(text);
    StrictValue::deserialize_from(de).map_err(|e| {
        let msg = strip_position(&e.to_string());
        let mut help = "fix the YAML at this line (indentation, quoting, duplicate keys)";
        let mut loc = Location::file(file);
        if let Some(l) = e.location() {
            let (line, col) = duplicate_key_line(text, &msg, l.line(), l.column())
                .map_or((l.line(), l.column()), |line| (line, l.column()));
            loc = loc.with_line(line + line_offset, Some(col));
            // libyaml's limit on an implicit key shows as a syntax error.
            if text.lines().nth(l.line().saturating_sub(1)).is_some_and(|t| t.len() > MAX_IMPLICIT_KEY) {
                help = "a YAML key written on the line of its value may be at most 1024 characters long: \
                        shorten it, or write it as an explicit key (`? key` on one line, `: value` on the next)";
            }
        } else if let Some(line) = first_alias_line(text) {
            loc = loc.with_line(line + line_offset, None);
        }
        let (message, help) = explain(&msg, "YAML", help);
        Error::one(Diagnostic::error("parse.yaml", loc, message).help(help))
    })
}

/// libyaml's limit on the length of a key that is not introduced by `?`.
const MAX_IMPLICIT_KEY: usize = 1024;

/// The message and help for a parser error, in words that say what the
/// document did wrong when the parser's own words name a limit.
fn explain(msg: &str, format: &str, help: &str) -> (String, String) {
    if msg.starts_with("recursion limit exceeded") {
        return (
            format!("invalid {format}: the document nests more than 128 levels deep"),
            "no OpenAPI document needs this depth: move nested schemas into `components` and refer to them with `$ref`"
                .into(),
        );
    }
    if msg.starts_with("repetition limit exceeded") {
        return (
            format!(
                "invalid {format}: its aliases (`*name`) would expand to too many nodes (an alias bomb); nothing was expanded"
            ),
            "write out what the aliases stand for where it is needed, or remove them".into(),
        );
    }
    (format!("invalid {format}: {msg}"), help.into())
}

/// The line of the first alias (`*name`): libyaml names no place when
/// aliases expand too far.
fn first_alias_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.char_indices().any(|(i, c)| {
                c == '*'
                    && l[..i].chars().next_back().is_none_or(|p| " [{,:-".contains(p))
                    && l[i + 1..].starts_with(|n: char| n.is_alphanumeric() || n == '_')
            })
        })
        .map(|i| i + 1)
}

/// libyaml reports a duplicate key at the start of its mapping; the line
/// of the second occurrence (same indentation, same key) is more useful.
fn duplicate_key_line(text: &str, msg: &str, map_line: usize, map_col: usize) -> Option<usize> {
    let key = msg.split("duplicate key `").nth(1)?.split('`').next()?;
    let indent = map_col.saturating_sub(1);
    let mut seen = 0;
    for (i, line) in text.lines().enumerate().skip(map_line.saturating_sub(1)) {
        let Some(rest) = line.get(indent..) else { continue };
        if line[..indent].trim().is_empty() && !rest.starts_with(' ') {
            let k = rest.split(':').next().unwrap_or("").trim().trim_matches(['"', '\'']);
            if k == key {
                seen += 1;
                if seen == 2 {
                    return Some(i + 1);
                }
            }
        }
    }
    None
}

/// Parser messages end with " at line X column Y", which our location
/// already says (with the Markdown offset applied).
fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

struct StrictValue;

impl StrictValue {
    fn deserialize_from<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Value, D::Error> {
        StrictValue.deserialize(d)
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-compatible value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    // YAML reads integers beyond 64 bits as 128-bit ones; JSON reads them
    // as floats, and so do we here, so both formats mean the same (the
    // normaliser clamps such a bound with a warning).
    fn visit_i128<E: de::Error>(self, v: i128) -> std::result::Result<Value, E> {
        match i64::try_from(v) {
            Ok(v) => Ok(Value::Number(v.into())),
            Err(_) => self.visit_f64(v as f64),
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> std::result::Result<Value, E> {
        match u64::try_from(v) {
            Ok(v) => Ok(Value::Number(v.into())),
            Err(_) => self.visit_f64(v as f64),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {v} has no JSON representation")))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(StrictValue)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}` (the second would silently replace the first)"
                )));
            }
            let v = map.next_value_seed(StrictValue)?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Map keys as strings: YAML allows `200:` (an integer) or `true:` as keys,
/// which OpenAPI means as the strings "200" and "true".
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<String, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar map key")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<String, E> {
        Ok(v)
    }
    fn visit_unit<E>(self) -> std::result::Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Diagnostic {
        parse(text.as_bytes(), Path::new("t.yaml"), 0).unwrap_err().diagnostics.remove(0)
    }

    #[test]
    fn yaml_duplicate_key_is_located() {
        let d = err("paths:\n  /a:\n    delete: {}\n    delete: {}\n");
        assert_eq!(d.code, "parse.yaml");
        assert!(d.message.contains("duplicate key `delete`"), "{}", d.message);
        assert_eq!(d.location.line, Some(4), "{d}");
    }

    #[test]
    fn json_duplicate_key_is_located() {
        let d = err("{\"a\": 1,\n \"a\": 2}");
        assert_eq!(d.code, "parse.json");
        assert!(d.message.contains("duplicate key `a`"));
        assert_eq!(d.location.line, Some(2));
    }

    #[test]
    fn yaml_integer_keys_become_strings() {
        let v = parse(b"responses:\n  200: ok\n", Path::new("t.yaml"), 0).unwrap();
        assert_eq!(v["responses"]["200"], "ok");
    }

    #[test]
    fn yaml_integers_beyond_64_bits_read_like_json() {
        let text = "minimum: -9223372036854776000\nmaximum: 18446744073709551616\nsmall: 5\n";
        let yaml = parse(text.as_bytes(), Path::new("t.yaml"), 0).unwrap();
        let json = parse(
            br#"{"minimum": -9223372036854776000, "maximum": 18446744073709551616, "small": 5}"#,
            Path::new("t.json"),
            0,
        )
        .unwrap();
        assert_eq!(yaml, json);
        assert_eq!(yaml["minimum"].as_f64(), Some(-9223372036854776000.0));
        assert!(yaml["small"].is_i64());
    }

    #[test]
    fn bom_is_skipped_and_json_errors_are_json() {
        let v = parse(b"\xEF\xBB\xBF{\"openapi\": \"3.0.0\"}", Path::new("t.json"), 0).unwrap();
        assert_eq!(v["openapi"], "3.0.0");
        let d = err("{\"openapi\": }");
        assert_eq!(d.code, "parse.json");
    }

    #[test]
    fn markdown_offset_is_added() {
        let d = parse(b"a: [\n", Path::new("p.md"), 10).unwrap_err().diagnostics.remove(0);
        assert!(d.location.line.unwrap() > 10, "{d}");
    }

    #[test]
    fn invalid_utf8_is_reported_with_line() {
        let d = parse(b"a: 1\nb: \xff\n", Path::new("t.yaml"), 0).unwrap_err().diagnostics.remove(0);
        assert_eq!(d.code, "parse.utf8");
        assert_eq!(d.location.line, Some(2));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            doc.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let d = err(&doc);
        assert_eq!(d.code, "parse.yaml");
        assert!(d.message.contains("alias bomb"), "{d}");
        assert_eq!(d.location.line, Some(2), "the first alias: {d}");
    }

    #[test]
    fn deep_nesting_is_refused_in_both_formats() {
        for text in ["[".repeat(10_000), format!("a: {}", "[".repeat(10_000))] {
            let d = err(&text);
            assert!(d.message.contains("more than 128 levels"), "{d}");
        }
    }

    #[test]
    fn empty_documents_are_named_empty() {
        for text in ["", "  \n", "# only a comment\n", "null"] {
            assert_eq!(err(text).code, "parse.empty", "{text:?}");
        }
    }
}
