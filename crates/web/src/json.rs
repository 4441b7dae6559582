//! Schemas as pretty-printed JSON in HTML, with every `$ref` that names a
//! schema turned into a link to that schema's page.

use serde_json::Value;
use specdex_query::schema::ref_target;

/// Appends `value` as indented JSON (two spaces), HTML-escaped, to `out`;
/// the string value of a `$ref` key whose target is a named schema becomes
/// `<a href="{link(name)}">`.
pub fn write_html(value: &Value, link: &dyn Fn(&str) -> String, out: &mut String) {
    write_value(value, 0, link, out);
}

fn indent(level: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Widest container printed on one line.
const INLINE_WIDTH: usize = 72;

/// Whether `value` prints on one line: a scalar, or a container of scalars
/// whose JSON is at most [`INLINE_WIDTH`] characters.
fn fits_inline(value: &Value) -> bool {
    fn scalar_len(value: &Value) -> Option<usize> {
        match value {
            Value::String(s) => Some(s.len() + 2),
            Value::Object(m) if m.is_empty() => Some(2),
            Value::Array(a) if a.is_empty() => Some(2),
            Value::Object(_) | Value::Array(_) => None,
            other => Some(other.to_string().len()),
        }
    }
    let mut width = 2;
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                width += key.len() + 4 + scalar_len(item).unwrap_or(usize::MAX / 2);
                if width > INLINE_WIDTH {
                    return false;
                }
            }
            true
        }
        Value::Array(items) => {
            for item in items {
                width += 2 + scalar_len(item).unwrap_or(usize::MAX / 2);
                if width > INLINE_WIDTH {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

fn write_value(value: &Value, level: usize, link: &dyn Fn(&str) -> String, out: &mut String) {
    let inline = fits_inline(value);
    match value {
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Object(map) => {
            out.push('{');
            let mut first = true;
            for (key, item) in map {
                if !first {
                    out.push(',');
                }
                first = false;
                if inline {
                    out.push(' ');
                } else {
                    indent(level + 1, out);
                }
                write_string(key, out);
                out.push_str(": ");
                match (key.as_str(), item) {
                    ("$ref", Value::String(reference)) => match ref_target(reference) {
                        Some(name) => {
                            out.push_str("<a class=\"ref\" href=\"");
                            escape_into(&link(&name), out);
                            out.push_str("\">");
                            write_string(reference, out);
                            out.push_str("</a>");
                        }
                        None => write_string(reference, out),
                    },
                    _ => write_value(item, level + 1, link, out),
                }
            }
            if inline {
                out.push(' ');
            } else {
                indent(level, out);
            }
            out.push('}');
        }
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Array(items) => {
            out.push('[');
            let mut first = true;
            for item in items {
                if !first {
                    out.push_str(if inline { ", " } else { "," });
                }
                first = false;
                if !inline {
                    indent(level + 1, out);
                }
                write_value(item, level + 1, link, out);
            }
            if !inline {
                indent(level, out);
            }
            out.push(']');
        }
        Value::String(text) => write_string(text, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(text: &str, out: &mut String) {
    // serde_json's quoting (escapes quotes, backslashes, controls), then HTML.
    let quoted = serde_json::to_string(text).unwrap_or_default();
    escape_text_into(&quoted, out);
}

/// HTML-escapes `text` for element content (`&`, `<`, `>`; quotes stay).
pub fn escape_text_into(text: &str, out: &mut String) {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// HTML-escapes `text` (text content and double-quoted attribute values).
pub fn escape_into(text: &str, out: &mut String) {
    let mut last = 0;
    for (i, byte) in text.bytes().enumerate() {
        let replacement = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(replacement);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn refs_become_links_and_text_is_escaped() {
        let schema = json!({
            "type": "object",
            "description": "<script>alert(1)</script>",
            "properties": {
                "owner": {"$ref": "#/components/schemas/User"},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "odd": {"$ref": "#/components/parameters/x"}
            },
            "required": []
        });
        let mut out = String::new();
        write_html(&schema, &|name| format!("/p/x/s/{name}"), &mut out);
        assert!(
            out.contains("<a class=\"ref\" href=\"/p/x/s/User\">\"#/components/schemas/User\"</a>")
        );
        assert!(out.contains("href=\"/p/x/s/Tag\""));
        assert!(out.contains("\"#/components/parameters/x\""));
        assert!(out.contains("&lt;script&gt;"));
        assert!(!out.contains("<script"));
        assert!(out.contains("\"required\": []"));
        assert!(out.contains("\"items\": { \"$ref\": "), "{out}");
    }
}
