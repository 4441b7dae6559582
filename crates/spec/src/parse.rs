//! Bytes → JSON value: size limit, UTF-8 check, JSON or YAML by content.
//!
//! The syntax is recognised from the first non-blank character, not from the
//! file name: `swagger.json.unprocessed` is JSON, and a `.json` file that is
//! really YAML is read as YAML. Both parsers refuse nesting deeper than
//! [`MAX_DEPTH`], and the YAML parser refuses alias expansion past its
//! repetition limit, so hostile input costs bounded time and memory.

use serde_json::Value;

use crate::error::SpecError;

/// Deepest nesting either parser accepts (serde_json's and yaml_serde's
/// recursion limit); real specifications stay far below it.
pub const MAX_DEPTH: usize = 128;

/// Default size limit for one document or referenced file: 64 MiB, five
/// times the largest real specification we know of (GitHub, 13 MB).
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Which syntax a document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

/// Parses `bytes` (named `file` in messages) into a JSON value.
pub fn parse_bytes(file: &str, bytes: &[u8], max_bytes: u64) -> Result<(Value, Syntax), SpecError> {
    let size = bytes.len() as u64;
    if size > max_bytes {
        return Err(SpecError::TooLarge {
            file: file.to_owned(),
            size,
            limit: max_bytes,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        SpecError::NotUtf8 {
            file: file.to_owned(),
            line: line_of(&bytes[..offset]),
            offset,
        }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with(['{', '[']) {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => Ok((value, Syntax::Json)),
            // A flow-style YAML document also starts with `{`; only if YAML
            // cannot read it either is the JSON error the one to report.
            Err(json_err) => match parse_yaml(file, text) {
                Ok(value) => Ok((value, Syntax::Yaml)),
                Err(_) => Err(json_error(file, &json_err)),
            },
        }
    } else {
        parse_yaml(file, text).map(|value| (value, Syntax::Yaml))
    }
}

fn parse_yaml(file: &str, text: &str) -> Result<Value, SpecError> {
    yaml_serde::from_str::<YamlValue>(text)
        .map(|v| v.0)
        .map_err(|e| yaml_error(file, &e))
}

/// A JSON value read from YAML. Unlike `serde_json::Value`'s own reader it
/// accepts integers beyond 64 bits (YAML hands them over as 128-bit; JSON
/// text reads them as floats, and so does this): DigitalOcean writes
/// `maximum: 18446744073709552000`.
struct YamlValue(Value);

impl<'de> serde::Deserialize<'de> for YamlValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(YamlValue)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or_else(|_| Value::from(v as f64), Value::from))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Like serde_json: NaN and infinities have no JSON form and become null.
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(YamlValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((key, YamlValue(value))) = map.next_entry::<String, YamlValue>()? {
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

fn json_error(file: &str, err: &serde_json::Error) -> SpecError {
    let message = err.to_string();
    if message.starts_with("recursion limit exceeded") {
        return SpecError::TooDeep {
            file: file.to_owned(),
            line: err.line(),
            column: err.column(),
            limit: MAX_DEPTH,
        };
    }
    SpecError::Syntax {
        file: file.to_owned(),
        syntax: "JSON",
        line: err.line(),
        column: err.column(),
        // serde_json appends " at line L column C"; the prefix already says it.
        message: strip_location_suffix(&message).to_owned(),
    }
}

fn yaml_error(file: &str, err: &yaml_serde::Error) -> SpecError {
    let message = err.to_string();
    let (line, column) = err
        .location()
        .map_or((0, 0), |loc| (loc.line(), loc.column()));
    if message.contains("repetition limit exceeded") {
        return SpecError::AliasBomb {
            file: file.to_owned(),
        };
    }
    if message.contains("recursion limit exceeded") {
        return SpecError::TooDeep {
            file: file.to_owned(),
            line,
            column,
            limit: MAX_DEPTH,
        };
    }
    SpecError::Syntax {
        file: file.to_owned(),
        syntax: "YAML",
        line,
        column,
        message: strip_location_suffix(&message).to_owned(),
    }
}

fn strip_location_suffix(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
}

fn line_of(prefix: &[u8]) -> usize {
    prefix.iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, SpecError> {
        parse_bytes("t", text.as_bytes(), DEFAULT_MAX_BYTES).map(|(v, _)| v)
    }

    #[test]
    fn json_and_yaml_are_recognised_by_content() {
        let (_, syntax) = parse_bytes("x.yaml", br#" {"a": 1}"#, 100).expect("json");
        assert_eq!(syntax, Syntax::Json);
        let (v, syntax) = parse_bytes("x.json", b"a: 1\n", 100).expect("yaml");
        assert_eq!(syntax, Syntax::Yaml);
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn flow_yaml_starting_with_a_brace_is_read_as_yaml() {
        let v = parse("{openapi: 3.0.0, info: {title: t}}").expect("flow yaml");
        assert_eq!(v["openapi"], "3.0.0");
    }

    #[test]
    fn numeric_yaml_keys_become_strings() {
        let v = parse("responses:\n  200:\n    description: ok\n").expect("yaml");
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn integers_past_64_bits_become_floats() {
        let v = parse("maximum: 18446744073709552000\nminimum: -9223372036854775809\n")
            .expect("big integers");
        assert_eq!(v["maximum"].as_f64(), Some(18446744073709552000.0));
        assert_eq!(v["minimum"].as_f64(), Some(-9223372036854775809.0));
        let v = parse("a: 18446744073709551615\n").expect("u64::MAX");
        assert_eq!(v["a"].as_u64(), Some(u64::MAX));
    }

    #[test]
    fn json_syntax_errors_are_located() {
        let err = parse("{\n  \"a\": 1,\n  \"b\" 2\n}").expect_err("bad json");
        assert!(
            matches!(
                err,
                SpecError::Syntax {
                    syntax: "JSON",
                    line: 3,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn yaml_syntax_errors_are_located() {
        let err = parse("a: [1, 2\nb: 3\n").expect_err("bad yaml");
        let SpecError::Syntax { syntax, line, .. } = &err else {
            panic!("{err}")
        };
        assert_eq!(*syntax, "YAML");
        assert!(*line >= 1, "{err}");
    }

    #[test]
    fn size_limit_is_enforced() {
        let err = parse_bytes("big.json", b"{\"a\": 1}", 4).expect_err("too large");
        assert!(matches!(
            err,
            SpecError::TooLarge {
                size: 8,
                limit: 4,
                ..
            }
        ));
    }

    #[test]
    fn non_utf8_is_refused_with_its_line() {
        let err = parse_bytes("latin1.yaml", b"a: 1\nb: caf\xe9\n", 100).expect_err("latin-1");
        assert!(
            matches!(
                err,
                SpecError::NotUtf8 {
                    line: 2,
                    offset: 11,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_bom_is_skipped() {
        let v = parse("\u{feff}{\"a\": 1}").expect("bom json");
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep_json = "[".repeat(1000) + &"]".repeat(1000);
        assert!(matches!(parse(&deep_json), Err(SpecError::TooDeep { .. })));
        let deep_yaml = "a:\n".to_owned()
            + &(1..400)
                .map(|i| format!("{}a:\n", "  ".repeat(i)))
                .collect::<String>()
            + &"  ".repeat(400)
            + "1\n";
        assert!(
            matches!(parse(&deep_yaml), Err(SpecError::TooDeep { .. })),
            "{:?}",
            parse(&deep_yaml).err()
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for name in names {
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
            prev = name;
        }
        assert!(
            matches!(parse(&bomb), Err(SpecError::AliasBomb { .. })),
            "{:?}",
            parse(&bomb).err()
        );
    }
}
