//! `apigen review` and `apigen diff`: spec review for people and for CI.

use apigen::diag::Severity;
use apigen::review::{self, Finding, diff::Class, render::Format};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Text,
    Md,
    Json,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Text => Format::Text,
            OutputFormat::Md => Format::Markdown,
            OutputFormat::Json => Format::Json,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReviewGate {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DiffGate {
    Breaking,
    Warning,
}

#[derive(Args)]
pub struct ReviewArgs {
    /// Specs, Markdown pages, or manifests (specs/apis.yaml).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Exit 1 when a finding no overlay corrects is this severe or worse.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<ReviewGate>,
}

#[derive(Args)]
pub struct DiffArgs {
    /// The old version: a spec, a page, a manifest, or `git:REV:PATH`.
    old: String,
    /// The new version, written the same ways.
    new: String,
    #[arg(long, value_enum, default_value = "text")]
    format: OutputFormat,
    /// Exit 1 when a change is this severe or worse.
    #[arg(long, value_enum, value_name = "CLASS")]
    fail_on: Option<DiffGate>,
}

pub fn review(args: ReviewArgs) -> ExitCode {
    let mut reviews = Vec::new();
    for path in &args.paths {
        match review::review(path) {
            Ok(r) => reviews.extend(r),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(super::UNREADABLE);
            }
        }
    }
    super::print_out(review::render::reviews(&reviews, args.format.into()).trim_end_matches('\n'));
    if let Some(r) = reviews.iter().find(|r| r.unreadable) {
        eprintln!("error: API `{}` could not be read, so it was not reviewed (its findings say why)", r.name);
        return ExitCode::from(super::UNREADABLE);
    }
    let worst = args.fail_on.map(|g| match g {
        ReviewGate::Error => Severity::Error,
        ReviewGate::Warning => Severity::Warning,
        ReviewGate::Info => Severity::Info,
    });
    gate(reviews.iter().flat_map(|r| &r.findings), worst, "finding")
}

pub fn diff(args: DiffArgs) -> ExitCode {
    let diffs = match review::diff::diff(&args.old, &args.new) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(super::UNREADABLE);
        }
    };
    super::print_out(review::render::diffs(&diffs, args.format.into()).trim_end_matches('\n'));
    let worst = args.fail_on.map(|g| match g {
        DiffGate::Breaking => Class::Breaking,
        DiffGate::Warning => Class::Warning,
    });
    gate(diffs.iter().flat_map(|d| &d.changes), worst, "change")
}

/// Exit 1 when a finding no overlay corrects is `worst` or worse
/// (severities order from the worst).
fn gate<'a, S: Ord + Copy + std::fmt::Display + 'a>(
    findings: impl Iterator<Item = &'a Finding<S>>,
    worst: Option<S>,
    what: &str,
) -> ExitCode {
    let Some(worst) = worst else { return ExitCode::SUCCESS };
    let failing = findings.filter(|f| f.severity <= worst && f.corrected_by.is_none()).count();
    if failing > 0 {
        eprintln!("error: {failing} {what}(s) at or above --fail-on {worst}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
