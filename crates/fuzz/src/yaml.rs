//! Writing a JSON value as YAML in the styles real specifications use, so
//! the YAML reader sees them all: block and flow collections, plain,
//! single- and double-quoted and literal strings, anchors and aliases for
//! repeated subtrees, comments and document markers.
//!
//! The emitter aims to write YAML that reads back as the value, but nothing
//! depends on that: a mistake here only makes another input.

use std::collections::HashMap;
use std::fmt::Write;

use serde_json::Value;

use crate::choices::Choices;

/// `value` as a YAML document.
pub fn to_yaml(c: &mut Choices, value: &Value) -> String {
    let mut emitter = Emitter {
        anchors: HashMap::new(),
        next_anchor: 0,
        compared: 0,
        out: String::new(),
    };
    if c.chance(60) {
        emitter.out.push_str("---\n");
    }
    if c.chance(30) {
        emitter.out.push_str("# generated\n");
    }
    emitter.block(c, value, 0);
    if !emitter.out.ends_with('\n') {
        emitter.out.push('\n');
    }
    if c.chance(20) {
        emitter.out.push_str("...\n");
    }
    emitter.out
}

struct Emitter {
    /// Collections given an anchor, by their JSON text.
    anchors: HashMap<String, String>,
    next_anchor: usize,
    /// Bytes of JSON text written to compare collections so far (see
    /// [`ANCHOR_TEXT_BUDGET`]).
    compared: usize,
    out: String,
}

/// Most JSON text written to compare collections in one document: each
/// collection's text holds those of all it nests, so comparing every one
/// costs the document's size times its depth, which for a large document
/// nested near the limit ran a fuzzing process out of 24 GB. Past this,
/// no more anchors or aliases.
const ANCHOR_TEXT_BUDGET: usize = 4 << 20;

impl Emitter {
    /// An anchor or alias for a non-empty collection: `Some(alias)` when an
    /// equal one was anchored before and this copy should refer to it; else
    /// possibly a new anchor (`&aN `) written to `out`.
    fn alias_or_anchor(&mut self, c: &mut Choices, value: &Value) -> Option<String> {
        let is_collection = match value {
            Value::Object(map) => !map.is_empty(),
            Value::Array(items) => !items.is_empty(),
            _ => false,
        };
        if !is_collection || self.compared > ANCHOR_TEXT_BUDGET {
            return None;
        }
        let text = value.to_string();
        self.compared += text.len();
        if let Some(anchor) = self.anchors.get(&text)
            && c.chance(200)
        {
            return Some(format!("*{anchor}"));
        }
        if c.chance(40) {
            let anchor = format!("a{}", self.next_anchor);
            self.next_anchor += 1;
            let _ = write!(self.out, "&{anchor} ");
            self.anchors.insert(text, anchor);
        }
        None
    }

    /// `value` in block style at `indent`, after a key or `- ` (the caller
    /// has written that and a space, or nothing at the top).
    fn block(&mut self, c: &mut Choices, value: &Value, indent: usize) {
        match value {
            Value::Object(map) if !map.is_empty() => {
                if let Some(alias) = self.alias_or_anchor(c, value) {
                    self.out.push_str(&alias);
                    self.out.push('\n');
                    return;
                }
                if c.chance(12) {
                    self.flow(c, value);
                    self.out.push('\n');
                    return;
                }
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
                for (key, item) in map {
                    self.indent(indent);
                    self.scalar_key(c, key);
                    self.out.push(':');
                    self.after_key(c, item, indent);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                if let Some(alias) = self.alias_or_anchor(c, value) {
                    self.out.push_str(&alias);
                    self.out.push('\n');
                    return;
                }
                if c.chance(24) {
                    self.flow(c, value);
                    self.out.push('\n');
                    return;
                }
                if !self.out.is_empty() && !self.out.ends_with('\n') {
                    self.out.push('\n');
                }
                for item in items {
                    self.indent(indent);
                    self.out.push('-');
                    self.after_key(c, item, indent);
                }
            }
            _ => {
                self.scalar(c, value, indent);
                self.out.push('\n');
            }
        }
    }

    /// What follows `key:` or `-`: a scalar on the same line, or a nested
    /// collection on the next lines, indented.
    fn after_key(&mut self, c: &mut Choices, item: &Value, indent: usize) {
        let nested = matches!(item, Value::Object(m) if !m.is_empty())
            || matches!(item, Value::Array(a) if !a.is_empty());
        self.out.push(' ');
        if nested {
            self.block(c, item, indent + 2);
        } else {
            self.scalar(c, item, indent + 2);
            self.out.push('\n');
        }
    }

    fn indent(&mut self, indent: usize) {
        for _ in 0..indent {
            self.out.push(' ');
        }
    }

    fn scalar(&mut self, c: &mut Choices, value: &Value, indent: usize) {
        match value {
            Value::Null => self.out.push_str(if c.chance(40) { "~" } else { "null" }),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => self.out.push_str(&n.to_string()),
            Value::String(s) => self.string(c, s, indent),
            Value::Object(_) => self.out.push_str("{}"),
            Value::Array(_) => self.out.push_str("[]"),
        }
    }

    fn scalar_key(&mut self, c: &mut Choices, key: &str) {
        if plain_ok(key) && !c.chance(20) {
            self.out.push_str(key);
        } else {
            double_quoted(key, &mut self.out);
        }
    }

    fn string(&mut self, c: &mut Choices, s: &str, indent: usize) {
        let multi_line = s.contains('\n');
        if multi_line
            && c.chance(160)
            && !s.starts_with([' ', '\n'])
            && s.chars().all(|ch| ch == '\n' || !ch.is_control())
            && !s.lines().any(|line| line.ends_with(' '))
        {
            self.out
                .push_str(if s.ends_with('\n') { "|\n" } else { "|-\n" });
            for line in s.lines() {
                if !line.is_empty() {
                    self.indent(indent);
                }
                self.out.push_str(line);
                self.out.push('\n');
            }
            // The caller adds the line's end.
            self.out.pop();
            return;
        }
        if plain_ok(s) && !c.chance(40) {
            self.out.push_str(s);
        } else if !multi_line && s.chars().all(|ch| !ch.is_control()) && c.chance(80) {
            self.out.push('\'');
            self.out.push_str(&s.replace('\'', "''"));
            self.out.push('\'');
        } else {
            double_quoted(s, &mut self.out);
        }
    }

    /// `value` in flow style on one line.
    fn flow(&mut self, c: &mut Choices, value: &Value) {
        match value {
            Value::Object(map) => {
                self.out.push('{');
                for (i, (key, item)) in map.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    double_quoted(key, &mut self.out);
                    self.out.push_str(": ");
                    self.flow(c, item);
                }
                self.out.push('}');
            }
            Value::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.flow(c, item);
                }
                self.out.push(']');
            }
            Value::String(s) => double_quoted(s, &mut self.out),
            other => self.scalar(c, other, 0),
        }
    }
}

/// Whether `s` can be written as a plain scalar and read back as the same
/// string (conservatively).
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`~ ".contains(first)
        || first.is_ascii_digit()
        || first == '.'
        || first == '+'
    {
        return false;
    }
    if s.ends_with(' ') || s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s.chars().any(|ch| {
        ch.is_control()
            || "\u{feff}\u{fffd}\u{85}\u{2028}\u{2029}".contains(ch)
            || "[]{},".contains(ch)
    }) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(
        lower.as_str(),
        "null"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | "~"
            | ".inf"
            | ".nan"
            | "<<"
    )
}

fn double_quoted(s: &str, out: &mut String) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ch if ch.is_control() || ch == '\u{feff}' || ch == '\u{2028}' || ch == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}
