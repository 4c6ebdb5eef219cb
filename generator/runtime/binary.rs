//! `format: binary` values: raw bytes, with the file name and media type a
//! `multipart/form-data` file part is sent with. Inside JSON (where a
//! binary string can only be text) they read and write as a string.

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, Error, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use std::fmt;

/// Raw bytes of a `format: binary` property. A multipart body sends it as a
/// file part: `filename` is [`Binary::file_name`] (else the property's
/// name) and `Content-Type` is [`Binary::content_type`] (else the
/// documented `encoding.contentType`, else `application/octet-stream`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Binary {
    pub bytes: Bytes,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl Binary {
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Binary { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// The file name a multipart file part carries (`filename="…"`).
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The media type a multipart file part carries.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Binary::new(bytes)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary::new(bytes)
    }
}

impl From<&'static [u8]> for Binary {
    fn from(bytes: &'static [u8]) -> Self {
        Binary::new(bytes)
    }
}

impl From<String> for Binary {
    fn from(text: String) -> Self {
        Binary::new(text)
    }
}

impl From<&str> for Binary {
    fn from(text: &str) -> Self {
        Binary::new(text.to_owned())
    }
}

/// The bytes as text (invalid UTF-8 replaced), as a path or query value.
impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.bytes))
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

/// The name under which a server's form decoder (`form::FILE`, equal to
/// this) is asked for a whole file part: it answers with a map of
/// `bytes`, `file_name` and `content_type`. Other deserializers (JSON)
/// pass the value on, read as a string.
const FILE: &str = "$apigen::File";

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Raw;
        impl<'de> Visitor<'de> for Raw {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a binary string")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Binary, E> {
                Ok(Binary::new(v.to_owned()))
            }
            fn visit_string<E: Error>(self, v: String) -> Result<Binary, E> {
                Ok(Binary::new(v))
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Binary, E> {
                Ok(Binary::new(v.to_vec()))
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Binary, E> {
                Ok(Binary::new(v))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Binary, D::Error> {
                d.deserialize_string(Raw)
            }
            /// A file part: its bytes, file name and media type.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Binary, A::Error> {
                let mut file = Binary::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "bytes" => file.bytes = map.next_value::<Data>()?.0,
                        "file_name" => file.file_name = Some(map.next_value()?),
                        "content_type" => file.content_type = Some(map.next_value()?),
                        _ => map.next_value::<de::IgnoredAny>().map(drop)?,
                    }
                }
                Ok(file)
            }
        }
        /// A file part's bytes.
        struct Data(Bytes);
        impl<'de> Deserialize<'de> for Data {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Data, D::Error> {
                d.deserialize_byte_buf(Raw).map(|b| Data(b.bytes))
            }
        }
        deserializer.deserialize_newtype_struct(FILE, Raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_sees_a_string_and_the_bytes_stay_whole() {
        let b = Binary::new(vec![0xff, b'a']).with_file_name("a.bin");
        assert_eq!(b.as_bytes(), [0xff, b'a']);
        assert_eq!(serde_json::to_string(&Binary::from("text")).unwrap(), "\"text\"");
        let back: Binary = serde_json::from_str("\"x y\"").unwrap();
        assert_eq!(back, Binary::from("x y"));
        assert_eq!(b.to_string(), "\u{fffd}a");
    }
}
