//! JSON pointer → source line, for findings about documents that parsed.
//!
//! The strict parser (`parse.rs`) yields plain `serde_json::Value`s with no
//! positions. Spec review needs the line of any node, so the text is read a
//! second time with saphyr's span-carrying event parser (YAML 1.2, which
//! also reads JSON), and each node's pointer is mapped to the line where it
//! starts: a mapping entry to its key's line, a sequence item to its own.

use super::{Origin, Provenance, markdown};
use crate::diag::{Location, ptr};
use saphyr_parser::{Event, Parser};
use std::collections::HashMap;
use std::path::PathBuf;

/// Lines of one document, keyed by JSON pointer (1-based, counting from
/// the first line of the text that was indexed).
#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

enum Frame {
    Mapping { at: String, key: Option<String> },
    Sequence { at: String, next: usize },
}

impl LineIndex {
    /// Indexes YAML or JSON text. Text that does not parse indexes as far
    /// as it got; lookups past that fall back to an enclosing node.
    pub fn of(text: &str) -> LineIndex {
        let mut lines = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        for item in Parser::new_from_str(text) {
            let Ok((event, span)) = item else { break };
            let line = span.start.line();
            let starts = matches!(
                event,
                Event::Scalar(..) | Event::Alias(_) | Event::MappingStart(..) | Event::SequenceStart(..)
            );
            if starts {
                // The pointer of this node, or `None` when it is a mapping key.
                let at = match stack.last_mut() {
                    None => Some(String::new()),
                    Some(Frame::Sequence { at, next }) => {
                        *next += 1;
                        Some(ptr(at, &(*next - 1).to_string()))
                    }
                    Some(Frame::Mapping { at, key }) => match key.take() {
                        Some(k) => Some(ptr(at, &k)),
                        None => {
                            let k = match &event {
                                Event::Scalar(s, ..) => s.to_string(),
                                _ => String::new(),
                            };
                            lines.entry(ptr(at, &k)).or_insert(line);
                            *key = Some(k);
                            None
                        }
                    },
                };
                if let Some(at) = at {
                    lines.entry(at.clone()).or_insert(line);
                    match event {
                        Event::MappingStart(..) => stack.push(Frame::Mapping { at, key: None }),
                        Event::SequenceStart(..) => stack.push(Frame::Sequence { at, next: 0 }),
                        _ => {}
                    }
                } else if matches!(event, Event::MappingStart(..) | Event::SequenceStart(..)) {
                    // A complex key: its contents get no pointers.
                    stack.push(Frame::Sequence { at: "/\u{0}".into(), next: 0 });
                }
            } else if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
                stack.pop();
            }
        }
        LineIndex { lines }
    }

    /// The line of `pointer`, else of its nearest indexed ancestor.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut p = pointer;
        loop {
            if let Some(l) = self.lines.get(p) {
                return Some(*l);
            }
            p = &p[..p.rfind('/')?];
        }
    }
}

/// Locates pointers of a (merged) document in the files it came from,
/// with lines: Markdown blocks count in page lines.
pub struct Locator {
    provenance: Provenance,
    indexes: HashMap<(PathBuf, usize), LineIndex>,
}

impl Locator {
    /// Reads and indexes every file the provenance names.
    pub fn new(provenance: &Provenance) -> Locator {
        let mut indexes = HashMap::new();
        for origin in provenance.origins() {
            let key = (origin.file.clone(), origin.line_offset);
            indexes.entry(key).or_insert_with(|| index_origin(origin));
        }
        Locator { provenance: provenance.clone(), indexes }
    }

    pub fn locate(&self, pointer: &str) -> Location {
        let mut loc = self.provenance.locate(pointer);
        if let Some(origin) = self.provenance.origin(pointer)
            && let Some(line) =
                self.indexes.get(&(origin.file.clone(), origin.line_offset)).and_then(|i| i.line(pointer))
        {
            loc.line = Some(line + origin.line_offset);
        }
        loc
    }
}

fn index_origin(origin: &Origin) -> LineIndex {
    let Ok(bytes) = std::fs::read(&origin.file) else { return LineIndex::default() };
    let text = String::from_utf8_lossy(&bytes);
    if !super::is_markdown(&origin.file, &bytes) {
        return LineIndex::of(&text);
    }
    markdown::blocks(&text)
        .into_iter()
        .find(|b| b.body_offset == origin.line_offset)
        .map(|b| LineIndex::of(&b.body))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::LineIndex;

    #[test]
    fn yaml_keys_items_and_flow() {
        let text = "openapi: 3.1.0\npaths:\n  /a/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - {name: q, in: query}\n      tags: [x, y]\n";
        let i = LineIndex::of(text);
        assert_eq!(i.line("/openapi"), Some(1));
        assert_eq!(i.line("/paths/~1a~1{id}/get"), Some(4));
        assert_eq!(i.line("/paths/~1a~1{id}/get/parameters/0/in"), Some(7));
        assert_eq!(i.line("/paths/~1a~1{id}/get/parameters/1/name"), Some(8));
        assert_eq!(i.line("/paths/~1a~1{id}/get/tags/1"), Some(9));
        // Unknown children fall back to the nearest ancestor.
        assert_eq!(i.line("/paths/~1a~1{id}/get/responses/200"), Some(4));
    }

    #[test]
    fn json_lines() {
        let text = "{\n  \"paths\": {\n    \"/x\": {\n      \"get\": {\"operationId\": \"x\"}\n    }\n  }\n}\n";
        let i = LineIndex::of(text);
        assert_eq!(i.line("/paths/~1x/get/operationId"), Some(4));
        assert_eq!(i.line("/paths/~1x"), Some(3));
    }

    #[test]
    fn multiline_scalars_keep_later_keys_right() {
        let text = "a: |\n  one\n  two\nb:\n  c: >-\n    folded\n    text\n  d: 1\n";
        let i = LineIndex::of(text);
        assert_eq!(i.line("/b/d"), Some(8));
    }
}
