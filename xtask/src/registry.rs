//! Real documents too large to commit, fetched for `cargo xtask corpus`
//! from the registry package that publishes them, with the npm client,
//! and checked against the SHA-256 recorded here.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Document {
    /// The spec's name in the corpus table (and for `--only`).
    pub name: &'static str,
    /// `name@version` on npm.
    pub package: &'static str,
    /// The file inside the package's tarball.
    pub path: &'static str,
    /// SHA-256 of that file.
    pub sha256: &'static str,
}

pub const DOCUMENTS: &[Document] = &[
    // Netlify's API, published by Netlify as Swagger 2.0 (181 operations, 706 KiB).
    Document {
        name: "netlify-swagger2",
        package: "@netlify/open-api@2.60.0",
        path: "package/dist/swagger.json",
        sha256: "70aa5a0a052a689e87cad8fca256e9aa560165a7b6b3bdc41121ede385637521",
    },
];

/// The document's file under `dir`, fetched with `npm pack` when missing.
pub fn fetch(doc: &Document, dir: &Path) -> Result<PathBuf, String> {
    let ext = Path::new(doc.path).extension().and_then(|e| e.to_str()).unwrap_or("json");
    let file = dir.join(format!("{}.{ext}", doc.name));
    if !file.exists() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let pack = run(Command::new("npm").args(["pack", "--silent", doc.package, "--pack-destination"]).arg(dir))?;
        let tarball = dir.join(String::from_utf8_lossy(&pack).trim());
        let text = run(Command::new("tar").arg("-xzOf").arg(&tarball).arg(doc.path))?;
        let _ = std::fs::remove_file(&tarball);
        std::fs::write(&file, text).map_err(|e| e.to_string())?;
    }
    let sum = run(Command::new("sha256sum").arg(&file))?;
    let sum = String::from_utf8_lossy(&sum);
    if sum.split_whitespace().next() != Some(doc.sha256) {
        let _ = std::fs::remove_file(&file);
        return Err(format!("{} has another SHA-256 than recorded", doc.path));
    }
    Ok(file)
}

fn run(cmd: &mut Command) -> Result<Vec<u8>, String> {
    let out = cmd.output().map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(out.stdout)
}
