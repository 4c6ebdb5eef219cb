//! `apigen diff OLD NEW`: what changed between two versions of an API, and
//! whether it breaks clients, compared on the IR (so 3.0 and 3.1, Markdown
//! and YAML, overlays, all compare alike). Each change is located in the
//! version that has it: removals in OLD, everything else in NEW.

mod git;
mod keywords;
mod rust;
mod types;

use super::Finding;
use crate::diag::{self, ptr};
use crate::ir::{Api, Location, Operation, Parameter};
use crate::source::lines::Locator;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

pub use git::Materialized;
pub use rust::Breaks;

/// How a change affects existing clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Existing clients (or servers) stop working.
    Breaking,
    /// May break some clients: worth a look.
    Warning,
    /// Compatible.
    Info,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Breaking => "breaking",
            Class::Warning => "warning",
            Class::Info => "info",
        })
    }
}

pub type Change = Finding<Class>;

/// The changes of one API.
#[derive(Debug, Serialize)]
pub struct ApiDiff {
    pub name: String,
    pub old: Vec<PathBuf>,
    pub new: Vec<PathBuf>,
    pub changes: Vec<Change>,
}

impl ApiDiff {
    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.severity == class).count()
    }
}

/// One API version: its IR, and where its nodes are written.
struct Side {
    api: Api,
    locator: Locator,
    /// (operation pointer, parameter name, location) → the pointer of the
    /// parameter's schema, which the IR does not keep.
    parameters: BTreeMap<(String, String, String), String>,
}

fn load(path: &Path) -> diag::Result<Vec<Side>> {
    let mut sides = Vec::new();
    for spec in crate::api_specs(path)? {
        let loaded = crate::source::load(&spec.sources, &spec.overlays)?;
        let locator = Locator::new(&loaded.provenance);
        let parameters = parameter_pointers(&loaded.openapi);
        sides.push(Side { api: crate::lower::lower_loaded(&spec, loaded)?, locator, parameters });
    }
    Ok(sides)
}

fn parameter_pointers(openapi: &openapiv3::OpenAPI) -> BTreeMap<(String, String, String), String> {
    use openapiv3::{Parameter, ReferenceOr};
    let lookup = |p: &ReferenceOr<Parameter>, at: String| -> Option<(Parameter, String)> {
        match p {
            ReferenceOr::Item(p) => Some((p.clone(), at)),
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next()?;
                let found = openapi.components.as_ref()?.parameters.get(name)?.as_item()?.clone();
                Some((found, ptr("/components/parameters", name)))
            }
        }
    };
    let location = |p: &Parameter| match p {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    };
    let mut out = BTreeMap::new();
    for (path, item) in openapi.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        let item_at = ptr("/paths", path);
        for (method, op) in item.iter() {
            let op_at = ptr(&item_at, method);
            let lists = [(&item.parameters, ptr(&item_at, "parameters")), (&op.parameters, ptr(&op_at, "parameters"))];
            for (list, list_at) in lists {
                for (i, p) in list.iter().enumerate() {
                    if let Some((p, at)) = lookup(p, ptr(&list_at, &i.to_string())) {
                        let key = (op_at.clone(), p.parameter_data_ref().name.clone(), location(&p).to_string());
                        out.insert(key, ptr(&at, "schema"));
                    }
                }
            }
        }
    }
    out
}

/// Compares the APIs of `old` and `new` (files, pages, manifests, or
/// `git:REV:PATH`). APIs pair up by name, or one with one.
pub fn diff(old: &str, new: &str) -> diag::Result<Vec<ApiDiff>> {
    let (old_src, new_src) = (git::materialize(old)?, git::materialize(new)?);
    let (old_v, new_v) = (load(&old_src.path)?, load(&new_src.path)?);
    let single = old_v.len() == 1 && new_v.len() == 1;
    let mut out = Vec::new();
    for new in &new_v {
        let Some(old) = old_v.iter().find(|o| single || o.api.name == new.api.name) else { continue };
        let (o, n) = (&old.api, &new.api);
        let mut cx = Cx { old, new, o, n, changes: Vec::new(), seen: BTreeMap::new() };
        cx.api();
        let mut changes = cx.changes;
        for c in &mut changes {
            c.location.file = old_src.display(new_src.display(c.location.file.clone()));
        }
        changes.sort_by_key(|c| c.severity);
        out.push(ApiDiff {
            name: n.name.clone(),
            old: o.sources.iter().map(|s| old_src.display(PathBuf::from(s))).collect(),
            new: n.sources.iter().map(|s| new_src.display(PathBuf::from(s))).collect(),
            changes,
        });
    }
    Ok(out)
}

/// Which version a location is in.
#[derive(Clone, Copy)]
enum In {
    Old,
    New,
}

/// Whether a type is read by the server (request) or by the client.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dir {
    Request,
    Response,
}

struct Cx<'a> {
    old: &'a Side,
    new: &'a Side,
    /// The two APIs (`old.api`, `new.api`).
    o: &'a Api,
    n: &'a Api,
    changes: Vec<Change>,
    /// (rule, pointer, message) already reported, and where: a shared
    /// type is reported once, not at every use, at its most severe (a
    /// component read by servers and clients breaks whichever it breaks).
    seen: BTreeMap<(String, String, String), usize>,
}

impl Cx<'_> {
    fn push(&mut self, class: Class, rule: &str, side: In, at: &str, message: String, fix: &str) {
        self.record(class, rule, None, side, at, message, fix);
    }

    /// Records a change; `dir` is the direction of the type it is in.
    #[allow(clippy::too_many_arguments)]
    fn record(&mut self, class: Class, rule: &str, dir: Option<Dir>, side: In, at: &str, message: String, fix: &str) {
        // A component is reported once (at its most severe), not at
        // every use.
        let key = if at.starts_with("/components/") { String::new() } else { message.clone() };
        let key = (rule.to_string(), at.to_string(), key);
        if let Some(&i) = self.seen.get(&key)
            && self.changes[i].severity <= class
        {
            return;
        }
        let location = match side {
            In::Old => self.old.locator.locate(at),
            In::New => self.new.locator.locate(at),
        };
        let change = Finding {
            severity: class,
            rule: rule.to_string(),
            location,
            message,
            fix: fix.to_string(),
            corrected_by: None,
            breaks: Breaks::of(class, rust::breaks_rust_api(rule, dir)),
        };
        match self.seen.get(&key) {
            Some(&i) => self.changes[i] = change,
            None => {
                self.seen.insert(key, self.changes.len());
                self.changes.push(change);
            }
        }
    }

    /// A `default` that changed: callers who omit the value now get
    /// another behaviour from the server.
    fn default_change(&mut self, a: &Option<Value>, b: &Option<Value>, dir: Dir, label: &str, at: &str) {
        if a == b || dir == Dir::Response {
            return;
        }
        let at = ptr(at, "default");
        let (class, rule, message, fix) = match (a, b) {
            (Some(x), Some(y)) => (
                Class::Breaking,
                "default.changed",
                format!("{label}: default {x} → {y}"),
                "callers who omit it now get other behaviour: keep the default",
            ),
            (Some(x), None) => (
                Class::Warning,
                "default.removed",
                format!("{label}: default {x} removed"),
                "say what the server does when it is omitted",
            ),
            (None, Some(y)) => (Class::Info, "default.added", format!("{label}: default {y} added"), ""),
            (None, None) => return,
        };
        self.record(class, rule, Some(dir), In::New, &at, message, fix);
    }

    fn api(&mut self) {
        let urls = |a: &Api| a.servers.iter().map(|s| s.url.clone()).collect::<Vec<_>>();
        if urls(self.o) != urls(self.n) {
            let message = format!("servers changed: {:?} → {:?}", urls(self.o), urls(self.n));
            self.push(
                Class::Warning,
                "servers.changed",
                In::New,
                "/servers",
                message,
                "check that clients' base URLs still work",
            );
        }
        for o in &self.o.operations {
            match self.n.operations.iter().find(|n| same_operation(o, n)) {
                Some(n) => self.operation(o, n),
                None => self.push(
                    Class::Breaking,
                    "operation.removed",
                    In::Old,
                    &op_pointer(o),
                    format!("operation `{}` ({}) was removed", o.id, describe_route(o)),
                    "keep the operation (deprecate it first), or release this as a new major version",
                ),
            }
        }
        for n in &self.n.operations {
            if !self.o.operations.iter().any(|o| same_operation(o, n)) {
                let message = format!("operation `{}` ({}) was added", n.id, describe_route(n));
                self.push(Class::Info, "operation.added", In::New, &op_pointer(n), message, "");
            }
        }
    }

    fn operation(&mut self, o: &Operation, n: &Operation) {
        let at = op_pointer(n);
        self.parameters(o, n);
        self.body(o, n, &at);
        self.responses(o, n, &at);
        let alternatives = |op: &Operation| -> BTreeSet<Vec<String>> {
            op.security
                .alternatives
                .iter()
                .map(|alt| {
                    let mut names: Vec<String> = alt.iter().map(|u| u.scheme.clone()).collect();
                    names.sort();
                    names
                })
                .collect()
        };
        let (before, after) = (alternatives(o), alternatives(n));
        if before != after {
            let dropped = before.iter().any(|a| !after.contains(a)) && !after.is_empty();
            let show = |s: &BTreeSet<Vec<String>>| {
                if s.is_empty() {
                    "none".to_string()
                } else {
                    s.iter().map(|a| a.join(" + ")).collect::<Vec<_>>().join(" | ")
                }
            };
            self.push(
                if dropped { Class::Breaking } else { Class::Warning },
                "security.changed",
                In::New,
                &ptr(&at, "security"),
                format!("`{}` security changed: {} → {}", n.id, show(&before), show(&after)),
                "clients must send the new credentials; announce the change before it ships",
            );
        }
    }

    fn parameters(&mut self, o: &Operation, n: &Operation) {
        // The parameter's schema, else the operation's parameter list.
        let schema_at = |side: &Side, op: &Operation, p: &Parameter| {
            let key = (op_pointer(op), p.name.clone(), location(p.location).to_string());
            side.parameters.get(&key).cloned().unwrap_or_else(|| ptr(&op_pointer(op), "parameters"))
        };
        let renamed = path_renames(o, n);
        // The same parameter in NEW: same name and place, or the path
        // parameter at the same place in the template.
        let counterpart = |p: &Parameter| -> Option<&Parameter> {
            let same = n.parameters.iter().find(|q| q.name == p.name && q.location == p.location);
            same.or_else(|| {
                let (_, to) = renamed.iter().find(|(from, _)| p.location == Location::Path && *from == p.name)?;
                n.parameters.iter().find(|q| q.location == Location::Path && q.name == *to)
            })
        };
        for p in &o.parameters {
            let old_at = schema_at(self.old, o, p);
            let Some(q) = counterpart(p) else {
                let message = format!("`{}`: {} parameter `{}` was removed", o.id, location(p.location), p.name);
                let fix = "clients still send it; make sure the server ignores it";
                self.push(Class::Warning, "parameter.removed", In::Old, &old_at, message, fix);
                continue;
            };
            let new_at = schema_at(self.new, n, q);
            if q.name != p.name {
                let message = format!(
                    "`{}`: path parameter `{}` renamed `{}`: the path is the same; the Rust argument `{}` is now `{}` \
                     (positional: calls compile unchanged)",
                    n.id, p.name, q.name, p.rust_name, q.rust_name
                );
                self.push(Class::Info, "parameter.renamed", In::New, &new_at, message, "");
            }
            if q.required && !p.required {
                let message = format!("`{}`: parameter `{}` is now required", n.id, q.name);
                let fix = "keep it optional, with a default";
                self.push(Class::Breaking, "parameter.now-required", In::New, &new_at, message, fix);
            }
            if p.required && !q.required {
                // Fine on the wire; the Rust argument becomes a builder method.
                let message = format!("`{}`: parameter `{}` is now optional", n.id, q.name);
                self.push(Class::Info, "parameter.now-optional", In::New, &new_at, message, "");
            }
            let label = format!("`{}` parameter `{}`", n.id, q.name);
            self.default_change(&p.default, &q.default, Dir::Request, &label, &new_at);
            let values = q.default.iter().chain(&q.examples).cloned().collect();
            types::compare(self, &p.ty, &q.ty, Dir::Request, &label, (&old_at, &new_at), values);
        }
        for q in &n.parameters {
            if o.parameters.iter().any(|p| counterpart(p).is_some_and(|c| std::ptr::eq(c, q))) {
                continue;
            }
            let (class, rule, fix) = if q.required {
                (Class::Breaking, "parameter.added-required", "make the new parameter optional, with a default")
            } else {
                (Class::Info, "parameter.added", "")
            };
            let message = format!("`{}`: {} parameter `{}` was added", n.id, location(q.location), q.name);
            self.push(class, rule, In::New, &schema_at(self.new, n, q), message, fix);
        }
    }

    fn body(&mut self, o: &Operation, n: &Operation, at: &str) {
        let body_at = ptr(at, "requestBody");
        match (&o.body, &n.body) {
            (None, Some(b)) if b.required => {
                let message = format!("`{}` now requires a request body", n.id);
                self.push(Class::Breaking, "body.added-required", In::New, &body_at, message, "make the body optional");
            }
            (Some(_), None) => {
                // The call changes: callers send a body the server no
                // longer reads, and the Rust method loses its argument.
                let message = format!("`{}` no longer takes a request body", n.id);
                let fix = "keep accepting the body (and ignore it), or version the API";
                self.push(Class::Breaking, "body.removed", In::Old, &ptr(&op_pointer(o), "requestBody"), message, fix);
            }
            (Some(a), Some(b)) => {
                if b.required && !a.required {
                    let message = format!("`{}`: the request body is now required", n.id);
                    self.push(Class::Breaking, "body.now-required", In::New, &body_at, message, "keep it optional");
                }
                if a.required && !b.required {
                    let message = format!("`{}`: the request body is now optional", n.id);
                    self.push(Class::Info, "body.now-optional", In::New, &body_at, message, "");
                }
                for c in &a.contents {
                    match b.contents.iter().find(|d| d.media_type == c.media_type) {
                        None => {
                            let message =
                                format!("`{}`: request media type `{}` is no longer accepted", n.id, c.media_type);
                            self.push(
                                Class::Breaking,
                                "body.media-type-removed",
                                In::New,
                                &body_at,
                                message,
                                "keep accepting it",
                            );
                        }
                        Some(d) => {
                            if let (Some(x), Some(y)) = (&c.ty, &d.ty) {
                                let label = format!("`{}` request body", n.id);
                                let values = d.examples.values().cloned().collect();
                                types::compare(self, x, y, Dir::Request, &label, (&body_at, &body_at), values);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn responses(&mut self, o: &Operation, n: &Operation, at: &str) {
        for r in &o.responses {
            let status = String::from(r.status);
            let Some(s) = n.responses.iter().find(|s| s.status == r.status) else {
                let message = format!("`{}`: the {status} response was removed", o.id);
                let old_at = ptr(&ptr(&op_pointer(o), "responses"), &status);
                let fix =
                    "clients that handle it lose the typed arm: keep it documented if the service can still send it";
                self.push(Class::Breaking, "response.removed", In::Old, &old_at, message, fix);
                continue;
            };
            let new_at = ptr(&ptr(at, "responses"), &status);
            if !s.contents.is_empty() {
                for c in
                    r.contents.iter().filter(|c| !s.contents.iter().any(|d| same_media(&c.media_type, &d.media_type)))
                {
                    let message = format!("`{}`: the {status} response is no longer sent as `{}`", n.id, c.media_type);
                    let fix = "clients that ask for it get nothing they can read: keep offering it";
                    let old_at = ptr(&ptr(&ptr(&op_pointer(o), "responses"), &status), "content");
                    self.push(Class::Breaking, "response.media-type-removed", In::Old, &old_at, message, fix);
                }
            }
            // The same media type's bodies, else the first ones.
            let pair = r.contents.iter().find_map(|c| {
                let d = s.contents.iter().find(|d| same_media(&c.media_type, &d.media_type))?;
                Some((c.ty.as_ref()?, d.ty.as_ref()?))
            });
            let first = (r.contents.iter().find_map(|c| c.ty.as_ref()), s.contents.iter().find_map(|c| c.ty.as_ref()));
            match pair.map(|(x, y)| (Some(x), Some(y))).unwrap_or(first) {
                (Some(x), Some(y)) => {
                    let label = format!("`{}` {status} response", n.id);
                    types::compare(self, x, y, Dir::Response, &label, (&new_at, &new_at), Vec::new());
                }
                (Some(_), None) => {
                    let message = format!("`{}`: the {status} response no longer has a body", n.id);
                    self.push(Class::Breaking, "response.body-removed", In::New, &new_at, message, "");
                }
                _ => {}
            }
        }
        for s in &n.responses {
            if !o.responses.iter().any(|r| r.status == s.status) {
                let status = String::from(s.status);
                let message = format!("`{}`: a {status} response was added", n.id);
                self.push(Class::Info, "response.added", In::New, &ptr(&ptr(at, "responses"), &status), message, "");
            }
        }
    }
}

/// The same operation in two versions: method, path (parameter names
/// aside) and, for target-dispatched protocols, the target.
fn same_operation(a: &Operation, b: &Operation) -> bool {
    let shape = |p: &str| -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in p.chars() {
            match c {
                '{' => (inside, out) = (true, out + "{}"),
                '}' => inside = false,
                c if !inside => out.push(c),
                _ => {}
            }
        }
        out
    };
    a.method == b.method && shape(&a.path) == shape(&b.path) && a.target == b.target
}

/// Media types compare by essence: `application/json; charset=utf-8` is
/// `application/json`.
fn same_media(a: &str, b: &str) -> bool {
    let essence = |m: &str| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase();
    essence(a) == essence(b)
}

/// Path parameters renamed in place: `/books/{bookId}` → `/books/{id}`
/// (same operation, so same template shape), as (old, new) names.
fn path_renames(o: &Operation, n: &Operation) -> Vec<(String, String)> {
    let vars = |p: &str| -> Vec<String> {
        p.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(v, _)| v.to_string())).collect()
    };
    let (a, b) = (vars(&o.path), vars(&n.path));
    a.into_iter().zip(b).filter(|(x, y)| x != y && !o.parameters.iter().any(|p| &p.name == y)).collect()
}

fn location(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Cookie => "cookie",
    }
}

fn op_pointer(op: &Operation) -> String {
    ptr(&ptr("/paths", &op.path), &format!("{:?}", op.method).to_lowercase())
}

fn describe_route(op: &Operation) -> String {
    let route = format!("{} {}", format!("{:?}", op.method).to_uppercase(), op.path);
    match &op.target {
        Some(t) => format!("{route}, target {t}"),
        None => route,
    }
}
