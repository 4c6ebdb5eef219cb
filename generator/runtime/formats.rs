//! The wire text of typed string formats whose `Display` is not it.

use std::fmt;

/// A `format: date-time` value as RFC 3339 (`2024-01-01T00:00:00Z`), as
/// serde writes it: what path, query and header parameters carry.
/// chrono's own `Display` writes `2024-01-01 00:00:00 UTC`, which no
/// server parses as a date-time.
#[derive(Clone, Copy, Debug)]
pub struct Rfc3339<'a>(pub &'a chrono::DateTime<chrono::Utc>);

impl fmt::Display for Rfc3339<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_are_rfc_3339_in_utc_with_the_digits_they_have() {
        let t: chrono::DateTime<chrono::Utc> = "2024-02-29T23:59:58.250+01:00".parse().unwrap();
        assert_eq!(Rfc3339(&t).to_string(), "2024-02-29T22:59:58.250Z");
        let whole: chrono::DateTime<chrono::Utc> = "2024-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(Rfc3339(&whole).to_string(), "2024-01-01T00:00:00Z");
    }
}
