//! Rust-safe names: case conversion, keywords, non-ASCII input, and
//! deterministic collision resolution.

use crate::ir::Status;
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// Strict, reserved and edition-2024 keywords: none can be a plain
/// identifier (and `self`/`Self`/`super`/`crate` cannot even be raw).
const KEYWORDS: [&str; 52] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become",
    "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Splits `s` into ASCII words; non-ASCII characters become `uXXXX` words
/// so that names stay deterministic and distinct (`删除` → `u5220_u9664`).
fn asciify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_ascii() {
            // Punctuation separates words, but some punctuation is the whole
            // meaning of an enum value (`=`, `!=`, `>`): spell it out.
            out.push(' ');
        } else {
            out.push_str(&format!(" u{:04x} ", c as u32));
        }
    }
    out
}

fn punctuation_word(s: &str) -> Option<&'static str> {
    Some(match s.trim() {
        "=" | "==" => "eq",
        "!=" | "<>" => "ne",
        ">" => "gt",
        ">=" => "ge",
        "<" => "lt",
        "<=" => "le",
        "+" => "plus",
        "-" => "minus",
        "*" => "star",
        "/" => "slash",
        "" => "empty",
        _ => return None,
    })
}

fn base_words(s: &str) -> String {
    if let Some(w) = punctuation_word(s) {
        return w.to_string();
    }
    let a = asciify(s);
    if a.trim().is_empty() { "value".to_string() } else { a }
}

/// `convert(s)` through a per-thread memo: the same names come back again
/// and again (GitHub's `url`, `id`, `html_url` on hundreds of structs),
/// and heck's conversion of each was 4 % of a GitHub run.
fn memo(
    cache: &'static std::thread::LocalKey<RefCell<HashMap<String, String>>>,
    s: &str,
    convert: fn(&str) -> String,
) -> String {
    cache.with(|c| {
        if let Some(n) = c.borrow().get(s) {
            return n.clone();
        }
        let n = convert(s);
        c.borrow_mut().insert(s.to_owned(), n.clone());
        n
    })
}

thread_local! {
    static SNAKE: RefCell<HashMap<String, String>> = RefCell::default();
    static CAMEL: RefCell<HashMap<String, String>> = RefCell::default();
}

/// snake_case identifier (functions, fields, modules, parameters).
pub fn snake(s: &str) -> String {
    memo(&SNAKE, s, snake_of)
}

fn snake_of(s: &str) -> String {
    let mut n = base_words(s).to_snake_case();
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, '_');
    }
    if is_keyword(&n) {
        n.push('_');
    }
    n
}

/// UpperCamelCase identifier (types, variants).
pub fn camel(s: &str) -> String {
    memo(&CAMEL, s, camel_of)
}

fn camel_of(s: &str) -> String {
    let mut n = base_words(s).to_upper_camel_case();
    if n.starts_with(|c: char| c.is_ascii_digit()) {
        n.insert(0, 'V');
    }
    // Only `Self` is an UpperCamelCase keyword. Not `Self_`: camel names are
    // building blocks (`{Operation}Error`, `{Type}{Property}`, `Foo2`), and
    // `Self_Error` or `Self_2` trip rustc's `non_camel_case_types`.
    if is_keyword(&n) {
        n.push_str("Value");
    }
    n
}

/// Module names the generated crate uses itself.
const RESERVED_MODULES: &[&str] = &["runtime"];

pub fn module_name(s: &str) -> String {
    let n = snake(s);
    if RESERVED_MODULES.contains(&n.as_str()) { format!("{n}_api") } else { n }
}

pub fn is_valid_module(s: &str) -> bool {
    !s.is_empty() && snake(s) == s && !s.starts_with('_') && !is_keyword(s) && !RESERVED_MODULES.contains(&s)
}

/// Hands out names, making each unique by a numeric suffix (`Foo`, `Foo2`,
/// ...). Deterministic: the same claims in the same order give the same
/// names.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `name` as used without claiming a variant of it.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn claim(&mut self, base: &str) -> String {
        let sep = if base.ends_with(|c: char| c.is_ascii_digit()) { "_" } else { "" };
        let name = if self.taken.contains(base) {
            (2..).map(|i| format!("{base}{sep}{i}")).find(|n| !self.taken.contains(n)).unwrap_or_default()
        } else {
            base.to_string()
        };
        self.taken.insert(name.clone());
        name
    }
}

/// `base`, or `base` with a suffix, whichever none of `taken` is: the name
/// of something added beside named things (a struct's map of unlisted
/// properties beside its fields, an enum's catch-all beside its values).
pub fn free<'a>(base: &str, taken: impl IntoIterator<Item = &'a str>) -> String {
    let mut namer = Namer::new();
    taken.into_iter().for_each(|n| namer.reserve(n));
    namer.claim(base)
}

/// The variant name of a response status: `404` → `NotFound`, `4XX` →
/// `Status4xx`.
pub fn status_variant(status: Status) -> String {
    match status {
        Status::Code(c) => reason(c).map_or_else(|| format!("Status{c}"), str::to_owned),
        Status::Range(r) => format!("Status{r}xx"),
        Status::Default => "Default".into(),
    }
}

/// RFC 9110 reason phrases, CamelCased.
fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "ContentTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        421 => "MisdirectedRequest",
        422 => "UnprocessableContent",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        507 => "InsufficientStorage",
        511 => "NetworkAuthenticationRequired",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_keywords_and_digits() {
        assert_eq!(snake("X-Auth-Token"), "x_auth_token");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(camel("self"), "SelfValue");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(camel("200"), "V200");
        assert_eq!(
            snake("delete_user_ssh_key_api_v1_user_ssh_keys__key_id__delete"),
            "delete_user_ssh_key_api_v1_user_ssh_keys_key_id_delete"
        );
    }

    #[test]
    fn punctuation_and_non_ascii() {
        assert_eq!(camel("!="), "Ne");
        assert_eq!(camel(">"), "Gt");
        assert_eq!(snake("删除"), "u5220_u9664");
        assert_eq!(camel(""), "Empty");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut n = Namer::new();
        assert_eq!(n.claim(&camel("ASC")), "Asc");
        assert_eq!(n.claim(&camel("asc")), "Asc2");
        assert_eq!(n.claim("V1"), "V1");
        assert_eq!(n.claim("V1"), "V1_2");
    }

    #[test]
    fn added_names_stay_clear_of_given_ones() {
        assert_eq!(free("Unknown", ["On", "Off"]), "Unknown");
        assert_eq!(free("Unknown", ["Unknown", "Unknown2"]), "Unknown3");
        assert_eq!(status_variant(Status::Code(404)), "NotFound");
        assert_eq!(status_variant(Status::Code(299)), "Status299");
        assert_eq!(status_variant(Status::Range(4)), "Status4xx");
    }
}
