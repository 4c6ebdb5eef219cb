//! The conversions every constrained-string newtype has.

/// Implements `as_str`, `From<String>`, `From<&str>`, `AsRef<str>` and
/// `Display` for a `pub struct Name(pub String)`.
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
