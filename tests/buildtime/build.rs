//! Generates the crate's API modules into OUT_DIR, the way a user's build
//! script would: one API from the manifest (with its overlays), one from a
//! plain spec file.

use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let builders = [
        // Client and server, from specs/apis.yaml (Markdown pages + overlay).
        apigen::Builder::new().manifest("../../specs/apis.yaml", "vast").client(true).server(true),
        // A client from a single OpenAPI file, under a module name of ours.
        apigen::Builder::new().spec("../../specs/aws/transfer.yaml").module("transfer"),
    ];
    for builder in builders {
        if let Err(e) = builder.generate(&out) {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
