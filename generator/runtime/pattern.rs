//! ECMA-262 patterns (`regress`), as JSON Schema requires: what server
//! stubs validate with and what constrained-string newtypes' `new` checks,
//! so that both accept the same values.

use std::sync::OnceLock;

/// A compiled-once ECMA-262 pattern.
pub struct Pattern {
    source: &'static str,
    regex: OnceLock<Option<regress::Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Pattern {
        Pattern { source, regex: OnceLock::new() }
    }

    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` matches. A pattern `regress` cannot compile checks
    /// nothing (the generator reports such patterns).
    pub fn matches(&self, value: &str) -> bool {
        match self.regex.get_or_init(|| regress::Regex::new(self.source).ok()) {
            Some(re) => re.find(value).is_some(),
            None => true,
        }
    }
}
