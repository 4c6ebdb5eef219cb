//! `format: binary` values: raw bytes, with the file name and media type a
//! `multipart/form-data` file part is sent with. Inside JSON (where a
//! binary string can only be text) they read and write as a string.

use bytes::Bytes;
use serde::de::{Deserialize, Deserializer, Error, Visitor};
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
        }
        deserializer.deserialize_string(Raw)
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
