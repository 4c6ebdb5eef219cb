//! Fenced code blocks of a Markdown page (CommonMark rules: three or more
//! backticks or tildes, indented at most three spaces, closed by a fence of
//! the same character at least as long).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<'a> {
    /// The info string after the opening fence, e.g.
    /// `yaml /openapi.json delete /api/v1/user/ssh-keys/{key_id}`.
    pub info: &'a str,
    pub body: String,
    /// Number of page lines before the block's first body line, so that a
    /// line `n` of the body is line `n + body_offset` of the page.
    pub body_offset: usize,
    /// Whether a closing fence ends the block (an unclosed one runs to the
    /// end of the page).
    pub closed: bool,
}

impl Block<'_> {
    /// The language word of the info string (`yaml`, `json`, ...).
    pub fn language(&self) -> &str {
        self.info.split_whitespace().next().unwrap_or("")
    }

    /// Whether the block is plausibly an OpenAPI document: a YAML or JSON
    /// (or unlabelled) block with a top-level `openapi` or `swagger` key.
    pub fn looks_like_openapi(&self) -> bool {
        let lang = self.language().to_ascii_lowercase();
        if !matches!(lang.as_str(), "" | "yaml" | "yml" | "json" | "jsonc" | "openapi") {
            return false;
        }
        self.body.lines().any(|l| {
            let l = l.trim_start_matches(['{', ' ', '\t']);
            ["openapi", "\"openapi\"", "'openapi'", "swagger", "\"swagger\""]
                .iter()
                .any(|k| l.strip_prefix(k).is_some_and(|rest| rest.trim_start().starts_with(':')))
        })
    }
}

struct Fence {
    ch: char,
    len: usize,
    indent: usize,
}

fn fence_of(line: &str) -> Option<(Fence, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    // A backtick fence's info string may not contain backticks.
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((Fence { ch, len, indent }, info))
}

/// All fenced blocks of `page`, in order. An unclosed block runs to the end
/// of the page, as in CommonMark.
pub fn blocks(page: &str) -> Vec<Block<'_>> {
    let lines: Vec<&str> = page.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((fence, info)) = fence_of(lines[i]) else {
            i += 1;
            continue;
        };
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !closes(lines[end], &fence) {
            end += 1;
        }
        let body = lines[start..end].iter().map(|l| strip_indent(l, fence.indent)).collect::<Vec<_>>().join("\n");
        out.push(Block { info, body, body_offset: start, closed: end < lines.len() });
        i = end + 1;
    }
    out
}

fn closes(line: &str, open: &Fence) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = &line[indent..];
    let len = rest.chars().take_while(|c| *c == open.ch).count();
    len >= open.len && rest[len..].trim().is_empty()
}

fn strip_indent(line: &str, n: usize) -> &str {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    &line[spaces.min(n)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_backtick_fence_with_path_info_string() {
        let page =
            "# T\n\n````yaml /openapi.json delete /a/{b}\nopenapi: 3.1.0\n```\nnot closed by three\n````\nafter\n";
        let b = blocks(page);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].language(), "yaml");
        assert_eq!(b[0].info, "yaml /openapi.json delete /a/{b}");
        assert_eq!(b[0].body, "openapi: 3.1.0\n```\nnot closed by three");
        assert_eq!(b[0].body_offset, 3);
        assert!(b[0].looks_like_openapi());
    }

    #[test]
    fn tilde_fences_and_non_openapi_blocks() {
        let page = "~~~json\n{\"openapi\": \"3.0.0\"}\n~~~\n```\n{\"ServerId\": \"x\"}\n```\n";
        let b = blocks(page);
        assert_eq!(b.len(), 2);
        assert!(b[0].looks_like_openapi());
        assert!(!b[1].looks_like_openapi());
    }

    #[test]
    fn unclosed_fence_runs_to_end() {
        let b = blocks("```yaml\nopenapi: 3.0.0\ninfo: {}");
        assert_eq!(b[0].body, "openapi: 3.0.0\ninfo: {}");
        assert!(!b[0].closed);
        assert!(blocks("```\na\n```\n")[0].closed);
    }
}
