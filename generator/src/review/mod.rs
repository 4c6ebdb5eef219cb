//! Spec review: what a senior API engineer would say about a spec before
//! code is generated from it.
//!
//! Each source is linted as published (pages merged, no overlays), and each
//! finding says whether an overlay of the manifest already corrects it. The
//! summary comes from the IR, i.e. the API as apigen generates it.

pub mod diff;
pub mod doc;
mod instance;
pub mod render;
pub mod rules;
pub mod summary;

use crate::diag::{Diagnostic, Location, Severity, Sink};
use crate::manifest::ApiSpec;
use crate::source::{self, lines::Locator};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One finding: how bad, which rule, where, what, and what to do.
#[derive(Clone, Debug, Serialize)]
pub struct Finding<S> {
    pub severity: S,
    pub rule: String,
    pub location: Location,
    pub message: String,
    pub fix: String,
    /// The overlay (of the manifest) after which the finding is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected_by: Option<PathBuf>,
    /// A diff's change: what it breaks (the wire, the generated Rust API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaks: Option<diff::Breaks>,
}

impl Finding<Severity> {
    /// A problem the source stage or lowering reported (the spec could
    /// not be read, or generation would refuse or warn).
    fn from_diagnostic(d: Diagnostic) -> Self {
        Finding {
            severity: d.severity,
            rule: d.code,
            location: d.location,
            message: d.message,
            fix: d.help,
            corrected_by: None,
            breaks: None,
        }
    }
}

/// The review of one API.
#[derive(Debug, Serialize)]
pub struct ApiReview {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    pub sources: Vec<PathBuf>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<PathBuf>,
    /// Empty when the API could not be lowered (the findings say why).
    pub operations: Vec<summary::Operation>,
    pub findings: Vec<Finding<Severity>>,
    /// The API could not be read or lowered (a finding says why): nothing
    /// was reviewed, which `apigen review` tells apart from a clean result.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

impl ApiReview {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity && f.corrected_by.is_none()).count()
    }
}

/// Reviews every API named by `path` (a manifest, a spec, or a page).
pub fn review(path: &Path) -> crate::diag::Result<Vec<ApiReview>> {
    Ok(crate::api_specs(path)?.iter().map(review_api).collect())
}

pub fn review_api(spec: &ApiSpec) -> ApiReview {
    let (findings, locator) = lint_published(spec);
    let mut review = ApiReview {
        name: spec.name.clone(),
        title: String::new(),
        version: String::new(),
        sources: spec.sources.clone(),
        overlays: spec.overlays.clone(),
        operations: Vec::new(),
        findings,
        unreadable: false,
    };
    let diagnostics =
        match source::load(&spec.sources, &spec.overlays).and_then(|l| crate::lower::lower_loaded(spec, l)) {
            Ok(api) => {
                review.operations = summary::operations(&api);
                review.title = api.title.clone();
                review.version = api.version.clone();
                api.diagnostics
            }
            Err(e) => {
                review.unreadable = true;
                e.diagnostics
            }
        };
    // What generation would refuse or warn about, unless a rule already
    // said it of that node (or of a node inside it).
    for mut d in diagnostics {
        let said = review.findings.iter().any(|f| {
            let p = &f.location.pointer;
            !d.location.pointer.is_empty()
                && (*p == d.location.pointer || p.starts_with(&format!("{}/", d.location.pointer)))
        });
        if said {
            continue;
        }
        if let Some(locator) = &locator
            && d.location.line.is_none()
            && !d.location.pointer.is_empty()
        {
            let found = locator.locate(&d.location.pointer);
            if found.file == d.location.file {
                d.location.line = found.line;
            }
        }
        review.findings.push(Finding::from_diagnostic(d));
    }
    review
}

/// The rules' findings on the sources as published, each marked with the
/// first overlay after which it no longer holds.
/// Also returns where the published sources' nodes are, when they parse.
fn lint_published(spec: &ApiSpec) -> (Vec<Finding<Severity>>, Option<Locator>) {
    let mut sink = Sink::default();
    let mut docs = Vec::new();
    for s in &spec.sources {
        match source::load_file(s, &mut sink) {
            Ok(d) => docs.extend(d),
            // The source stage reports the same error again, with its line.
            Err(_) => return (Vec::new(), None),
        }
    }
    let Ok((published, provenance)) = source::merge::merge(docs, &mut sink) else { return (Vec::new(), None) };
    let locator = Locator::new(&provenance);
    let hits = rules::lint(&published);
    let mut corrected_by: Vec<Option<PathBuf>> = vec![None; hits.len()];
    let mut value = published;
    let mut extra = Vec::new();
    for overlay in &spec.overlays {
        let applied = source::read(overlay)
            .and_then(|bytes| source::parse::parse(&bytes, overlay, 0))
            .and_then(|o| source::overlay::apply(&mut value, &o, overlay, &mut sink));
        if let Err(e) = applied {
            extra.extend(e.diagnostics.into_iter().map(Finding::from_diagnostic));
            break;
        }
        let after = rules::lint(&value);
        for (hit, fixed) in hits.iter().zip(corrected_by.iter_mut()) {
            if fixed.is_none() && !after.iter().any(|h| h.rule == hit.rule && h.at == hit.at) {
                *fixed = Some(overlay.clone());
            }
        }
    }
    let mut findings: Vec<Finding<Severity>> = hits
        .into_iter()
        .zip(corrected_by)
        .map(|(hit, corrected_by)| Finding {
            severity: rules::rule_of(hit.rule).severity,
            rule: hit.rule.to_string(),
            location: locator.locate(&hit.at),
            message: hit.message,
            fix: hit.fix,
            corrected_by,
            breaks: None,
        })
        .collect();
    findings.extend(extra);
    (findings, Some(locator))
}
