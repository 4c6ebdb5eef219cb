//! Located diagnostics: every problem apigen reports names a file, a place in
//! it (a line, a JSON pointer, or both) and what to do about it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// Where a problem sits. `line` is 1-based and, for a Markdown page, counts
/// lines of the page (not of the embedded block).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// RFC 6901 pointer into the document (after extraction from Markdown).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pointer: String,
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location { file: file.into(), ..Default::default() }
    }

    pub fn at(file: impl Into<PathBuf>, pointer: impl Into<String>) -> Self {
        Location { file: file.into(), pointer: pointer.into(), ..Default::default() }
    }

    pub fn with_line(mut self, line: usize, column: Option<usize>) -> Self {
        self.line = Some(line);
        self.column = column;
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier of the kind of problem, e.g. `parse.duplicate-key`.
    pub code: String,
    pub location: Location,
    pub message: String,
    /// What the user can do about it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            location,
            message: message.into(),
            help: String::new(),
        }
    }

    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(code, location, message) }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = help.into();
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}: {}", self.severity, self.code, self.location, self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

/// A failed run: one or more error diagnostics (warnings gathered so far
/// ride along so that nothing is lost).
#[derive(Debug)]
pub struct Error {
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    pub fn one(d: Diagnostic) -> Self {
        Error { diagnostics: vec![d] }
    }

    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        Error::one(
            Diagnostic::error("io", Location::file(path), format!("cannot read file: {err}"))
                .help("check that the path exists and is readable"),
        )
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::one(d)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Collects non-fatal findings while a stage runs.
#[derive(Debug, Default)]
pub struct Sink {
    pub diagnostics: Vec<Diagnostic>,
}

impl Sink {
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// Turns the collected findings into an `Err` when any is an error.
    pub fn check(&mut self) -> Result<()> {
        if self.has_errors() { Err(Error { diagnostics: std::mem::take(&mut self.diagnostics) }) } else { Ok(()) }
    }
}

/// Appends one reference token to an RFC 6901 JSON pointer.
pub fn ptr(base: &str, token: &str) -> String {
    // Called for every node the source stage walks (GitHub's spec: millions
    // of times): one allocation, sized up front, and no escaping pass for
    // the usual token without `~` or `/`.
    let mut out = String::with_capacity(base.len() + 1 + token.len());
    out.push_str(base);
    out.push('/');
    if token.contains(['~', '/']) {
        for c in token.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    } else {
        out.push_str(token);
    }
    out
}
