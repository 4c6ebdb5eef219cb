//! String enums from one table: a large API has hundreds (Stripe's
//! client 550), and each written out in full (the enum, `as_str`,
//! `From<String>`, `Display`, serde) was some 60 lines of generated code.

/// `string_enum! { /// docs
/// pub enum Name { Variant = "wire", …, _ => Unknown } }` defines the
/// enum, each variant documented with its wire value and a last one
/// holding a value this version of the API does not document, with
/// `as_str` (the value on the wire), `From<String>` and `Display`.
/// serde goes through the wire text: `impl Serialize, Deserialize;` after
/// the enum implements the traits named, or, each where the generated code
/// needs it, `string_enum!(impl Serialize for Name)` and
/// `string_enum!(impl Deserialize for Name)` (the trailing form calls these
/// through the path `runtime::enums`, the one the generated code uses).
// With tag features, every enum may sit in a feature that is off.
#[allow(unused_macros)]
macro_rules! string_enum {
    (impl Serialize for $name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
    (impl Deserialize for $name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    };
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $($variant:ident = $wire:literal,)*
            _ => $unknown:ident $(,)?
        }
        $(impl $($serde:ident),+;)?
    ) => {
        $(#[$attr])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $(#[doc = concat!(" `", stringify!($wire), "`")] $variant,)*
            /// A value this version of the API does not document.
            $unknown(::std::string::String),
        }

        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::$unknown(s) => s,
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(s: ::std::string::String) -> Self {
                match s.as_str() {
                    $($wire => $name::$variant,)*
                    _ => $name::$unknown(s),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $($(runtime::enums::string_enum!(impl $serde for $name);)+)?
    };
}

// Path-based use (`runtime::enums::string_enum!`) keeps the macro out of
// the crate root, so two generated modules in one crate do not clash.
#[allow(unused_imports)]
pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    string_enum! {
        /// A colour.
        pub enum Colour {
            Red = "red",
            DarkBlue = "dark-blue",
            _ => Other,
        }
    }

    #[test]
    fn wire_values_round_trip_and_unknown_ones_are_kept() {
        assert_eq!(Colour::DarkBlue.as_str(), "dark-blue");
        assert_eq!(Colour::from("red".to_owned()), Colour::Red);
        assert_eq!(Colour::from("green".to_owned()), Colour::Other("green".into()));
        assert_eq!(Colour::Other("green".into()).to_string(), "green");
    }
}
