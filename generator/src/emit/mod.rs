//! Emitters: IR → Rust source files. Each piece builds tokens with `quote`
//! and is printed by [`format`]; nothing here reads YAML, and lowering
//! knows nothing of Rust tokens.
//!
//! The output is a map from a path relative to the crate root to the file's
//! text, ordered (a `BTreeMap`) so that writing it is deterministic.

mod cargo;
pub(crate) mod client;
mod dedupe;
mod derives;
mod docs;
mod error_codes;
mod format;
mod formats;
mod groups;
mod headers;
mod inline;
mod keywords;
mod layout;
mod object_layout;
mod openapi;
mod runtime;
mod rust_type;
mod server;
mod shape;
mod status;
mod types;
mod validate;

use crate::ir::{Api, Ir};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

pub use cargo::{is_valid_crate_name, manifest as cargo_manifest};
pub use format::{HEADER, RUSTFMT_TOML};
use layout::{Layout, Part};
pub use openapi::stub_document;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub client: bool,
    pub server: bool,
    /// Whether each tag's operations sit behind a cargo feature.
    pub by_tag: ByTag,
    /// Keep `format: date-time`, `date` and `uuid` strings as `String`
    /// instead of `chrono::DateTime<chrono::Utc>`, `chrono::NaiveDate` and
    /// `uuid::Uuid`.
    pub string_formats: bool,
    /// Format the output with `rustfmt` (off by default). Without it the
    /// text is prettyplease's, and the crate root marks its modules
    /// `#[rustfmt::skip]`, so that `cargo fmt` leaves the generated code
    /// as it was written instead of reformatting it (and `cargo fmt
    /// --check` stays quiet where the crate sits in a workspace).
    pub rustfmt: bool,
    /// Also emit, behind the cargo feature `conformance`, a driver that
    /// sends any operation with arguments given as JSON (tests/conformance/
    /// checks what the client sends against the spec). Crate layout only.
    pub conformance: bool,
    /// Keep the runtime's own unit tests in `src/runtime/` (the committed
    /// crates of this repository, where they run). Off, a generated crate
    /// holds the runtime's code alone: its tests are this project's, not
    /// its users', and were 500 of a small crate's lines.
    pub runtime_tests: bool,
}

/// When an API is split by tag into cargo features (a generated crate
/// only; a build script's module has no features).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ByTag {
    /// APIs of 200 operations or more.
    #[default]
    Auto,
    /// Every API.
    Always,
    /// No API.
    Never,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            client: true,
            server: true,
            by_tag: ByTag::Auto,
            string_formats: false,
            rustfmt: false,
            conformance: false,
            runtime_tests: false,
        }
    }
}

/// Relative path (`src/phala/client.rs`) → file contents.
pub type Files = BTreeMap<String, String>;

/// Generated files, and what could not be done as well as it should
/// (e.g. no `rustfmt` on this machine).
#[derive(Debug, Default)]
pub struct Output {
    pub files: Files,
    pub notes: Vec<String>,
}

/// Every source file of a crate holding `ir`'s APIs: `src/lib.rs`, the
/// shared runtime, per API `mod.rs`, `types.rs`, `client.rs` and
/// `server.rs`, and the crate's `rustfmt.toml`; formatted by rustfmt when
/// `options.rustfmt` asks for it.
pub fn emit(ir: &Ir, options: Options) -> Output {
    let mut output = Output { files: emit_unformatted(ir, options), notes: Vec::new() };
    output.format(options);
    output
}

impl Output {
    /// Adds the crate's `rustfmt.toml` and, when `options.rustfmt` asks
    /// for it, formats every `.rs` file with rustfmt (or says why it could
    /// not). prettyplease's text is already what a reviewer reads; rustfmt
    /// took half of a run on a large spec (GitHub's: 1.3 s of 2.7 s) to
    /// move line breaks.
    pub fn format(&mut self, options: Options) {
        if options.rustfmt
            && let Err(e) = format::rustfmt(&mut self.files)
        {
            self.notes.push(e);
        }
        self.files.insert("rustfmt.toml".into(), RUSTFMT_TOML.into());
    }
}

/// The files as printed by prettyplease, before any rustfmt.
pub fn emit_unformatted(ir: &Ir, options: Options) -> Files {
    emit_crate(ir, options, &|_| {})
}

/// What emission is doing, for a progress display on large specs.
#[derive(Clone, Copy, Debug)]
pub enum Step<'a> {
    /// One more named type's or operation's tokens are built.
    Item,
    /// A file is being built or printed.
    File(&'a str),
    /// Emission starts: this many `Item`s will follow.
    Start(usize),
    /// rustfmt runs over every file.
    Formatting,
}

/// The crate layout, telling `progress` what it is doing.
pub fn emit_crate(ir: &Ir, options: Options, progress: &(dyn Fn(Step<'_>) + Sync)) -> Files {
    emit_planned(formats::plan(ir, options), options, None, progress)
}

/// [`emit_crate`] plus the crate's `Cargo.toml` (package `name`), from
/// one plan of the IR.
pub fn emit_crate_named(ir: &Ir, options: Options, name: &str, progress: &(dyn Fn(Step<'_>) + Sync)) -> Files {
    emit_planned(formats::plan(ir, options), options, Some(name), progress)
}

/// The crate's files from `planned` (a copy of the IR that emission owns,
/// API by API), with `Cargo.toml` when the package's name is given.
fn emit_planned(mut planned: Ir, options: Options, name: Option<&str>, progress: &(dyn Fn(Step<'_>) + Sync)) -> Files {
    let ir = &planned;
    let per_operation = usize::from(options.client) + usize::from(options.server);
    progress(Step::Start(ir.apis.iter().map(|a| a.types.len() + a.operations.len() * per_operation).sum()));
    let mut files = Files::new();
    if let Some(name) = name {
        files.insert("Cargo.toml".into(), cargo::planned_manifest(ir, options, name));
    }
    // `cargo fmt` formats a module's file unless its declaration says not
    // to (an inner `#![rustfmt::skip]` is not stable Rust).
    let skip = (!options.rustfmt).then(|| quote! { #[rustfmt::skip] });
    let modules: Vec<TokenStream> = ir
        .apis
        .iter()
        .map(|api| {
            let m = format_ident!("{}", api.module);
            let doc = docs::doc(Some(&format!("{} {}", api.title, api.version)), api.description.as_deref());
            quote! { #doc #skip pub mod #m; }
        })
        .collect();
    let client = options.client.then_some(quote! { #![doc = " - `client` (feature `client`): an async client;"] });
    let server = options.server.then_some(quote! { #![doc = " - `server` (feature `server`): an axum server stub."] });
    let conformance = (options.conformance && options.client).then(|| conformance_entry(ir));
    let lib = quote! {
        #![doc = " Typed clients and server stubs generated by apigen."]
        #![doc = ""]
        #![doc = " Each API is a module with"]
        #![doc = " - `types`: its data types;"]
        #client
        #server
        #skip
        pub mod runtime;
        #(#modules)*
        #conformance
    };
    files.insert("src/lib.rs".into(), format::file(lib));
    files.extend(runtime::files(ir, options, Layout::Crate));
    let base = common_dir(ir);
    let several = ir.apis.len() > 1;
    for api in std::mem::take(&mut planned.apis) {
        let dir = format!("src/{}", api.module);
        let from = format!(" Generated from {}.", source_names(&api, &base));
        let parts = parts(api, options, Layout::Crate, &dir, progress, &mut files, several);
        let module = quote! {
            #![doc = #from]
            #parts
        };
        files.insert(format!("{dir}/mod.rs"), format::file(module));
    }
    files
}

/// The crate's `conformance::run`: one case (`{"api": module, "operation":
/// "METHOD /path", …}`, `api` needed only when the crate has several APIs)
/// through the API's driver.
fn conformance_entry(ir: &Ir) -> TokenStream {
    let drivable = ir.apis.iter().filter(|a| !a.operations.is_empty());
    let arms = drivable.map(|api| {
        let (name, m) = (&api.module, format_ident!("{}", api.module));
        quote! {
            #name => {
                let client = super::#m::conformance::client(config)?;
                super::#m::conformance::call(&client, operation, case).await
            }
        }
    });
    let only = match ir.apis.as_slice() {
        [one] => one.module.as_str(),
        _ => "",
    };
    quote! {
        /// The conformance driver (tests/conformance/): any operation sent
        /// with arguments given as JSON.
        #[cfg(feature = "conformance")]
        pub mod conformance {
            /// Sends case number `number` to `base_url`: `Ok` once the
            /// client built and sent its request, else why not.
            pub async fn run(base_url: &str, number: usize, case: &serde_json::Value) -> Result<(), String> {
                let operation = case.get("operation").and_then(|o| o.as_str()).ok_or("a case without `operation`")?;
                let api = case.get("api").and_then(|a| a.as_str()).unwrap_or(#only);
                let config = super::runtime::conformance::config(base_url, number);
                match api {
                    #(#arms)*
                    _ => Err(format!("no API `{api}` in this crate")),
                }
            }
        }
    }
}

/// One API as a single file, `<module>.rs`, holding `pub mod <module>`
/// with the runtime, `types`, and the client and server asked for, with no
/// cargo features and no absolute paths: what a build script writes to
/// `OUT_DIR` for `include!`.
pub fn emit_module(api: &Api, module: &str, options: Options) -> Output {
    let mut ir = formats::plan(&Ir { apis: vec![api.clone()] }, options);
    let mut files = Files::new();
    files.extend(runtime::files(&ir, options, Layout::Module));
    let base = common_dir(&ir);
    let api = ir.apis.remove(0);
    let title = format!(" {} {}, generated by apigen from {}.", api.title, api.version, source_names(&api, &base));
    let parts = parts(api, options, Layout::Module, "src", &|_| {}, &mut files, false);
    let lib = quote! {
        #![doc = #title]
        pub mod runtime;
        #parts
    };
    files.insert("src/lib.rs".into(), format::file(lib));
    let text = format!("{}pub mod {module} {{\n{}}}\n", format::HEADER, inline::inline(&files, "src/lib.rs"));
    let mut output = Output { files: Files::from([(format!("{module}.rs"), text)]), notes: Vec::new() };
    // Written to `OUT_DIR` and read by the compiler only: rustfmt only
    // when asked for.
    if options.rustfmt
        && let Err(e) = format::rustfmt(&mut output.files)
    {
        output.notes.push(e);
    }
    output
}

/// The folder holding every source, so that generated text names sources
/// as `specs/aws/transfer.yaml` wherever the checkout is.
fn common_dir(ir: &Ir) -> std::path::PathBuf {
    let mut sources = ir.apis.iter().flat_map(|a| &a.sources).map(std::path::Path::new);
    let Some(first) = sources.next() else { return Default::default() };
    let mut base = first.parent().unwrap_or(first).to_path_buf();
    for s in sources {
        while !s.starts_with(&base) && base.pop() {}
    }
    base.pop(); // keep the folder's own name (`specs/`)
    base
}

fn source_names(api: &Api, base: &std::path::Path) -> String {
    let names: Vec<String> = api
        .sources
        .iter()
        .map(|s| std::path::Path::new(s).strip_prefix(base).map_or_else(|_| s.clone(), |p| p.display().to_string()))
        .map(|s| s.replace('\\', "/"))
        .collect();
    names.join(", ")
}

/// Writes an API's `types.rs`, `client.rs` and `server.rs` (and, for a
/// large API split by tag, `types/<group>.rs` and so on) into `dir` and
/// returns their `mod` declarations.
/// One thread's share of emission: the files it prints, path and text.
type Job<'a> = dyn Fn() -> Vec<(String, String)> + Sync + 'a;

fn parts(
    api: Api,
    options: Options,
    layout: Layout,
    dir: &str,
    progress: &(dyn Fn(Step<'_>) + Sync),
    files: &mut Files,
    several_apis: bool,
) -> TokenStream {
    let api = &derives::views(dedupe::shared_shapes(api));
    let groups = groups::Groups::of(api, layout, options.by_tag, several_apis);
    let groups = groups.as_ref();
    // A document of webhooks only (GitHub's webhooks description) has no
    // API to call or serve: only its types and its receiver.
    let only_incoming = api.operations.is_empty() && !api.incoming.is_empty();
    let (want_client, want_server) = (options.client && !only_incoming, options.server && !only_incoming);
    let client = want_client.then(|| layout.gate(Part::Client)).map(|cfg| quote! { #cfg pub mod client; });
    let server = want_server.then(|| layout.gate(Part::Server)).map(|cfg| quote! { #cfg pub mod server; });
    // Webhooks and callbacks: a server of their own, for the requests the
    // API sends (`receiver::router`), built by the stub emitter.
    let receiver_api = (options.server && !api.incoming.is_empty()).then(|| server::receiver_api(api));
    let receiver = receiver_api.as_ref().map(|_| {
        let cfg = layout.gate(Part::Server);
        quote! { #cfg pub mod receiver; }
    });
    // The driver needs a crate's feature to hide behind.
    let want_conformance = want_client && options.conformance && layout == Layout::Crate;
    let conformance = want_conformance.then(|| {
        let cfg = layout.gate(Part::Conformance);
        quote! { #cfg pub mod conformance; }
    });
    // The three parts are independent: each is built and printed on its
    // own thread (tokens are not `Send`; each thread makes its own).
    let item = || progress(Step::Item);
    let receive = || {
        server::emit(receiver_api.as_ref().expect("incoming operations"), server::Role::Receiver, layout, None, &item)
    };
    let drive = || groups::Split { main: client::conformance::emit(api, groups), groups: Default::default() };
    let sides = (want_client, options.server, want_conformance);
    // The client takes about twice as long as the types: two fifths of
    // its tag groups' operations are printed after the types, on their
    // thread.
    let beside_types = match want_client {
        true => client::share(api, groups),
        false => Default::default(),
    };
    let print = |name: &str, build: &dyn Fn() -> groups::Split| {
        let path = format!("{dir}/{name}.rs");
        progress(Step::File(&path));
        let split = build();
        // A part of the client without the module itself has no `main`.
        let main = (!split.main.is_empty()).then(|| (path, format::file(split.main)));
        let groups = split.groups.into_iter().map(|(m, tokens)| (format!("{dir}/{name}/{m}.rs"), format::file(tokens)));
        main.into_iter().chain(groups).collect::<Vec<_>>()
    };
    let types_job = || {
        let mut printed = print("types", &|| types::emit(api, sides, layout, groups, &item));
        if !beside_types.is_empty() {
            let part = client::Part::Only(&beside_types);
            printed.extend(print("client", &|| client::emit(api, layout, groups, &item, part)));
        }
        printed
    };
    let client_job = || {
        let part = client::Part::Without(&beside_types);
        print("client", &|| client::emit(api, layout, groups, &item, part))
    };
    let conformance_job = || print("conformance", &drive);
    let server_job = || print("server", &|| server::emit(api, server::Role::Stub, layout, groups, &item));
    let receiver_job = || print("receiver", &receive);
    let jobs: [(bool, &Job); 5] = [
        (true, &types_job),
        (want_client, &client_job),
        (want_conformance, &conformance_job),
        (want_server, &server_job),
        (receiver_api.is_some(), &receiver_job),
    ];
    let wanted = jobs.iter().filter(|(wanted, _)| *wanted);
    let printed: Vec<(String, String)> = if format::threads() == 1 {
        wanted.flat_map(|(_, job)| job()).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = wanted.map(|(_, job)| scope.spawn(job)).collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
        })
    };
    files.extend(printed);
    quote! {
        pub mod types;
        #client
        #conformance
        #server
        #receiver
    }
}
