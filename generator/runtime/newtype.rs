//! The conversions every constrained-string newtype has, and the check
//! of its checking constructor (`Name::new`).

use std::fmt;

/// A value a constrained-string newtype's `new` refused: what the server
/// stub would refuse too (the same lengths, in characters, and the same
/// ECMA-262 pattern). The value is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// The newtype's name (`DeleteSshPublicKeyRequestServerId`).
    pub type_name: &'static str,
    pub value: String,
    /// Why, in the server's words (`String should match pattern '…'`).
    pub reason: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid `{}`: {}", self.value, self.type_name, self.reason)
    }
}

impl std::error::Error for Invalid {}

/// Whether a value matches a pattern (`runtime::pattern::Pattern::matches`).
pub type Matches<'a> = &'a dyn Fn(&str) -> bool;

/// A newtype's constraints: lengths in characters (code points), and a
/// pattern with the matcher that checks it.
pub struct Rules<'a> {
    pub type_name: &'static str,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<(&'static str, Matches<'a>)>,
}

/// `value` if it meets `rules`; else the first rule it breaks, with the
/// value.
pub fn check(value: String, rules: Rules<'_>) -> Result<String, Invalid> {
    let len = value.chars().count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let reason = if let Some(min) = rules.min_length.filter(|&m| len < m) {
        format!("String should have at least {min} character{}", plural(min))
    } else if let Some(max) = rules.max_length.filter(|&m| len > m) {
        format!("String should have at most {max} character{}", plural(max))
    } else if let Some((source, _)) = rules.pattern.filter(|(_, matches)| !matches(&value)) {
        format!("String should match pattern '{source}'")
    } else {
        return Ok(value);
    };
    Err(Invalid { type_name: rules.type_name, value, reason })
}

/// Implements `as_str`, `From<String>`, `From<&str>`, `AsRef<str>` and
/// `Display` for a `pub struct Name(pub String)`. `From` and the field
/// check nothing (a value read from the wire, or one the caller vouches
/// for); `Name::new` checks.
// With tag features, every newtype may sit in a feature that is off.
#[allow(unused_macros)]
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                $name(value)
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_owned())
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

// Path-based use (`runtime::newtype::string_newtype!`) keeps the macro out
// of the crate root, so two generated modules in one crate do not clash.
#[allow(unused_imports)]
pub(crate) use string_newtype;

#[cfg(test)]
mod tests {
    use super::*;

    fn rules<'a>(pattern: Option<(&'static str, Matches<'a>)>) -> Rules<'a> {
        Rules { type_name: "Name", min_length: Some(2), max_length: Some(4), pattern }
    }

    #[test]
    fn lengths_count_characters_and_the_value_is_kept() {
        assert_eq!(check("ééé".into(), rules(None)), Ok("ééé".into()));
        let e = check("é".into(), rules(None)).unwrap_err();
        assert_eq!((e.value.as_str(), e.reason.as_str()), ("é", "String should have at least 2 characters"));
        assert_eq!(e.to_string(), "`é` is not a valid `Name`: String should have at least 2 characters");
        assert!(check("abcde".into(), rules(None)).unwrap_err().reason.contains("at most 4"));
        let lower = |v: &str| v.chars().all(|c| c.is_ascii_lowercase());
        assert!(check("AB".into(), rules(Some(("^[a-z]+$", &lower)))).unwrap_err().reason.contains("'^[a-z]+$'"));
        assert_eq!(check("ab".into(), rules(Some(("^[a-z]+$", &lower)))), Ok("ab".into()));
    }
}
