//! Layout of the `runtime::object!` tables after prettyplease,
//! which prints a macro's tokens as a paragraph over three or more lines
//! (`Name {` on its own, a trait split from its `#[cfg]`): one line when
//! the table fits in the margin, otherwise the fields filled line by line
//! and each trait whole.

/// What the emitter prints for each struct's table.
const OPEN: &str = "runtime::object!(";

/// The crate's margin (`rustfmt.toml`'s `max_width`).
const WIDTH: usize = 100;

/// Rewrites every table of `text` (prettyplease's output) into its layout.
pub fn object_tables(text: String) -> String {
    if !text.contains(OPEN) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with(OPEN) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent = &line[..line.len() - trimmed.len()];
        // prettyplease breaks only between tokens: joining its lines with
        // one space keeps string literals as they are.
        let mut joined = trimmed.to_owned();
        while !joined.ends_with(");") {
            let Some(next) = lines.next().map(str::trim) else { break };
            if !joined.ends_with('(') && !next.starts_with(')') {
                joined.push(' ');
            }
            joined.push_str(next);
        }
        out.push_str(&layout(indent, &joined).unwrap_or_else(|| format!("{indent}{joined}\n")));
    }
    out
}

/// `runtime::object!(Name { fields } impl traits);` laid out at
/// `indent`; `None` if it is not of that shape.
fn layout(indent: &str, joined: &str) -> Option<String> {
    if indent.len() + joined.len() <= WIDTH {
        return Some(format!("{indent}{joined}\n"));
    }
    let body = joined.strip_prefix(OPEN)?.strip_suffix(");")?;
    let open = body.find('{')?;
    let close = open + matching_brace(&body[open..])?;
    let name = body[..open].trim();
    let traits = body[close + 1..].trim().strip_prefix("impl ")?;
    let mut out = format!("{indent}{OPEN}{name} {{\n");
    let inner = format!("{indent}    ");
    let mut line = inner.clone();
    for field in split_top(&body[open + 1..close]) {
        if line.len() > inner.len() && line.len() + 1 + field.len() + 1 > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = inner.clone();
        }
        line.push_str(&field);
        line.push_str(", ");
    }
    out.push_str(line.trim_end());
    out.push('\n');
    let last = format!("{indent}}} impl {traits});");
    if last.len() <= WIDTH {
        out.push_str(&last);
    } else {
        out.push_str(&format!("{indent}}} impl"));
        let traits = split_top(traits);
        for (i, t) in traits.iter().enumerate() {
            let end = if i + 1 == traits.len() { "" } else { "," };
            out.push_str(&format!("\n{inner}{t}{end}"));
        }
        out.push_str(&format!("\n{indent});"));
    }
    out.push('\n');
    Some(out)
}

/// The byte offset of the `}` closing the `{` `text` starts with.
fn matching_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in code_chars(text) {
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `text` split at its commas outside brackets and string literals, each
/// part trimmed, empty ones (a trailing comma) left out.
fn split_top(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in code_chars(text) {
        match c {
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim().to_owned());
    parts.retain(|p| !p.is_empty());
    parts
}

/// The characters of `text` outside string literals, with their offsets.
fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut in_string, mut escaped) = (false, false);
    text.char_indices().filter(move |&(_, c)| {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            return false;
        }
        in_string = c == '"';
        !in_string
    })
}

#[cfg(test)]
mod tests {
    use super::object_tables;

    #[test]
    fn a_table_that_fits_is_one_line() {
        let printed = "runtime::object!(\n    Pet { id, kind = \"type\" } impl Serialize,\n    Deserialize\n);\n";
        assert_eq!(
            object_tables(printed.into()),
            "runtime::object!(Pet { id, kind = \"type\" } impl Serialize, Deserialize);\n"
        );
    }

    #[test]
    fn a_long_table_fills_lines_and_keeps_strings_and_traits_whole() {
        let fields: Vec<String> = (0..12).map(|i| format!("field_number_{i} opt")).collect();
        let printed = format!(
            "    runtime::object!(\n        Big {{ {}, odd = \"a, b  {{c}}\\\" d\" }} impl #[cfg(any(feature = \"client\", not(feature = \"server\")))] Serialize,\n        #[cfg(any(feature = \"server\", not(feature = \"client\")))]\n        Deserialize\n    );\n",
            fields.join(", ")
        );
        let out = object_tables(printed);
        assert!(out.lines().all(|l| l.len() <= 100), "{out}");
        assert!(out.starts_with("    runtime::object!(Big {\n        field_number_0 opt, "), "{out}");
        assert!(out.contains("odd = \"a, b  {c}\\\" d\",\n    } impl\n"), "{out}");
        assert!(
            out.ends_with("        #[cfg(any(feature = \"server\", not(feature = \"client\")))] Deserialize\n    );\n"),
            "{out}"
        );
        let fields_out: String = out.lines().skip(1).take_while(|l| !l.contains("} impl")).collect();
        for i in 0..12 {
            assert!(fields_out.contains(&format!("field_number_{i} opt,")), "{out}");
        }
    }

    #[test]
    fn other_text_is_left_alone() {
        let text = "pub struct A {\n    pub a: u8,\n}\n";
        assert_eq!(object_tables(text.into()), text);
    }
}
