//! Constraint checks for server stubs: what the spec says a value must be
//! (pattern, length, range, size, a documented enum value), reported as
//! located violations rather than the first failure only.
//!
//! Patterns use ECMA-262 semantics (`regress`), as JSON Schema requires,
//! and match anywhere in the value unless anchored. Lengths count
//! characters (code points), not bytes.

use serde_json::Value;
use std::fmt::Write as _;

/// One element of a location: an object key or an array index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Loc {
    Key(String),
    Index(usize),
}

impl Loc {
    pub fn to_value(&self) -> Value {
        match self {
            Loc::Key(k) => Value::String(k.clone()),
            Loc::Index(i) => Value::from(*i),
        }
    }
}

/// What is wrong, and where: `loc` starts with where the value came from
/// (`path`, `query`, `header`, `cookie` or `body`).
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub loc: Vec<Loc>,
    /// A stable kind, named as pydantic names it (`string_pattern_mismatch`).
    pub kind: &'static str,
    pub message: String,
    /// The offending value (`null` when it is missing).
    pub input: Value,
}

impl Violation {
    /// `key_id` or `body.ServerId` or `items[2]`.
    pub fn dotted(&self, skip_root: bool) -> String {
        let mut s = String::new();
        for (i, l) in self.loc.iter().enumerate().skip(usize::from(skip_root)) {
            match l {
                Loc::Key(k) if i == usize::from(skip_root) => s.push_str(k),
                Loc::Key(k) => {
                    let _ = write!(s, ".{k}");
                }
                Loc::Index(n) => {
                    let _ = write!(s, "[{n}]");
                }
            }
        }
        s
    }
}

// Patterns are in a module of their own: constrained-string newtypes use
// them in every build, not only with the server.
pub use super::pattern::Pattern;

/// String constraints.
pub struct Text {
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<&'static Pattern>,
}

/// Numeric constraints (`exclusive_*` make the bound strict).
pub struct Range {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: bool,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
}

/// Collects violations while walking a value.
pub struct Checker<'a> {
    /// Where the value is, as a chain through the callers' frames: nothing
    /// is allocated for a location unless something there fails (a valid
    /// request, the common case, costs no copy of any key).
    at: At<'a>,
    out: &'a mut Vec<Violation>,
}

/// One step of a [`Checker`]'s location, and the step before it.
#[derive(Clone, Copy)]
enum At<'a> {
    Root(&'a str),
    Key(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl At<'_> {
    fn to_loc(self) -> Vec<Loc> {
        let mut loc = Vec::new();
        let mut at = self;
        loop {
            match at {
                At::Root(root) => {
                    loc.push(Loc::Key(root.to_owned()));
                    break;
                }
                At::Key(parent, key) => {
                    loc.push(Loc::Key(key.to_owned()));
                    at = *parent;
                }
                At::Index(parent, index) => {
                    loc.push(Loc::Index(index));
                    at = *parent;
                }
            }
        }
        loc.reverse();
        loc
    }
}

impl<'a> Checker<'a> {
    pub fn new(root: &'a str, out: &'a mut Vec<Violation>) -> Self {
        Checker { at: At::Root(root), out }
    }

    /// Checks under an object key.
    pub fn key(&mut self, key: &str, check: impl FnOnce(&mut Checker<'_>)) {
        check(&mut Checker { at: At::Key(&self.at, key), out: self.out });
    }

    /// Checks under an array index.
    pub fn index(&mut self, index: usize, check: impl FnOnce(&mut Checker<'_>)) {
        check(&mut Checker { at: At::Index(&self.at, index), out: self.out });
    }

    pub fn fail(&mut self, kind: &'static str, message: String, input: Value) {
        self.out.push(Violation { loc: self.at.to_loc(), kind, message, input });
    }

    pub fn string(&mut self, value: &str, rules: &Text) {
        let len = value.chars().count();
        if let Some(min) = rules.min_length.filter(|&m| len < m) {
            let s = if min == 1 { "" } else { "s" };
            self.fail("string_too_short", format!("String should have at least {min} character{s}"), value.into());
        }
        if let Some(max) = rules.max_length.filter(|&m| len > m) {
            let s = if max == 1 { "" } else { "s" };
            self.fail("string_too_long", format!("String should have at most {max} character{s}"), value.into());
        }
        if let Some(p) = rules.pattern.filter(|p| !p.matches(value)) {
            self.fail("string_pattern_mismatch", format!("String should match pattern '{}'", p.source()), value.into());
        }
    }

    /// Integers are compared as `f64`: exact up to 2^53.
    pub fn number(&mut self, value: f64, rules: &Range) {
        let input = || serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number);
        if let Some(min) = rules.minimum {
            if rules.exclusive_minimum && value <= min {
                self.fail("greater_than", format!("Input should be greater than {min}"), input());
            } else if value < min {
                self.fail("greater_than_equal", format!("Input should be greater than or equal to {min}"), input());
            }
        }
        if let Some(max) = rules.maximum {
            if rules.exclusive_maximum && value >= max {
                self.fail("less_than", format!("Input should be less than {max}"), input());
            } else if value > max {
                self.fail("less_than_equal", format!("Input should be less than or equal to {max}"), input());
            }
        }
        if let Some(m) = rules.multiple_of.filter(|&m| m != 0.0) {
            let q = value / m;
            if (q - q.round()).abs() > 1e-9 {
                self.fail("multiple_of", format!("Input should be a multiple of {m}"), input());
            }
        }
    }

    pub fn items(&mut self, len: usize, min: Option<usize>, max: Option<usize>) {
        if let Some(min) = min.filter(|&m| len < m) {
            self.fail("too_short", format!("List should have at least {min} items, not {len}"), Value::Null);
        }
        if let Some(max) = max.filter(|&m| len > m) {
            self.fail("too_long", format!("List should have at most {max} items, not {len}"), Value::Null);
        }
    }

    /// Items of an array whose items must be unique.
    pub fn unique<T: PartialEq>(&mut self, items: &[T]) {
        if items.iter().enumerate().any(|(i, a)| items[..i].contains(a)) {
            self.fail("unique_items", "List should have unique items".into(), Value::Null);
        }
    }

    /// A value outside a documented enum (decoded into its `Unknown` arm).
    pub fn unknown(&mut self, value: Value, expected: &[&str]) {
        let expected = match expected {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
        };
        self.fail("enum", format!("Input should be {expected}"), value);
    }
}

/// Types that can check their own constraints.
pub trait Validate {
    fn validate(&self, c: &mut Checker<'_>);
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, c: &mut Checker<'_>) {
        (**self).validate(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: impl FnOnce(&mut Checker<'_>)) -> Vec<Violation> {
        let mut out = Vec::new();
        f(&mut Checker::new("body", &mut out));
        out
    }

    #[test]
    fn patterns_are_ecma_262_and_unanchored() {
        static LOOKAHEAD: Pattern = Pattern::new(r"^(?=.*\d)[a-z0-9]+$");
        static ANYWHERE: Pattern = Pattern::new("b");
        assert!(LOOKAHEAD.matches("abc1") && !LOOKAHEAD.matches("abc"));
        assert!(ANYWHERE.matches("abc"));
    }

    #[test]
    fn lengths_count_characters() {
        let rules = Text { min_length: Some(2), max_length: Some(3), pattern: None };
        assert!(check(|c| c.string("éé", &rules)).is_empty());
        let v = check(|c| c.key("Name", |c| c.string("ééée", &rules)));
        assert_eq!(v[0].kind, "string_too_long");
        assert_eq!(v[0].dotted(true), "Name");
        let nested = check(|c| c.key("Items", |c| c.index(2, |c| c.key("Id", |c| c.string("x", &rules)))));
        let expected = [Loc::Key("body".into()), Loc::Key("Items".into()), Loc::Index(2), Loc::Key("Id".into())];
        assert_eq!(nested[0].loc, expected);
        assert_eq!(nested[0].dotted(false), "body.Items[2].Id");
    }

    #[test]
    fn bounds() {
        let r = Range { minimum: Some(1.0), maximum: Some(10.0), exclusive_minimum: true, exclusive_maximum: false, multiple_of: Some(0.5) };
        assert_eq!(check(|c| c.number(1.0, &r))[0].kind, "greater_than");
        assert_eq!(check(|c| c.number(10.5, &r))[0].kind, "less_than_equal");
        assert_eq!(check(|c| c.number(2.2, &r))[0].kind, "multiple_of");
        assert!(check(|c| c.number(2.5, &r)).is_empty());
    }
}
