//! A tree of module files → one file of inline modules.
//!
//! `include!` resolves `mod name;` relative to the including file, not to
//! `OUT_DIR`, and refuses inner attributes at its top level; a single file
//! whose only item is `pub mod x { … }` has neither problem.

use super::Files;
use super::format::HEADER;

/// The text of `path` with every `pub mod name;` line replaced by the
/// module's own file, inline. Declarations keep their attributes (which sit
/// on the lines before); files keep their inner docs, now at the top of
/// the block.
pub fn inline(files: &Files, path: &str) -> String {
    let text = files.get(path).map(String::as_str).unwrap_or_default();
    let text = text.strip_prefix(HEADER).unwrap_or(text);
    let dir = path.strip_suffix("/mod.rs").or_else(|| path.strip_suffix("/lib.rs")).unwrap_or(path);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let child = line.trim().strip_prefix("pub mod ").and_then(|r| r.strip_suffix(';'));
        let found = child.and_then(|name| {
            let own = format!("{dir}/{name}.rs");
            let folder = format!("{dir}/{name}/mod.rs");
            [own, folder].into_iter().find(|p| files.contains_key(p)).map(|p| (name, p))
        });
        match found {
            Some((name, child)) => {
                out.push_str(&format!("pub mod {name} {{\n"));
                out.push_str(&inline(files, &child));
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_modules_from_files_and_folders() {
        let files = Files::from([
            ("src/lib.rs".to_string(), format!("{HEADER}//! Root.\npub mod a;\n#[cfg(x)]\npub mod b;\n")),
            ("src/a.rs".to_string(), format!("{HEADER}pub fn a() {{}}\n")),
            ("src/b/mod.rs".to_string(), "//! B.\npub mod c;\n".to_string()),
            ("src/b/c.rs".to_string(), "pub struct C;\n".to_string()),
        ]);
        assert_eq!(
            inline(&files, "src/lib.rs"),
            "//! Root.\npub mod a {\npub fn a() {}\n}\n#[cfg(x)]\npub mod b {\n//! B.\npub mod c {\npub struct C;\n}\n}\n"
        );
    }

    #[test]
    fn leaves_declarations_without_a_file_alone() {
        let files = Files::from([("src/lib.rs".to_string(), "pub mod elsewhere;\n".to_string())]);
        assert_eq!(inline(&files, "src/lib.rs"), "pub mod elsewhere;\n");
    }
}
