//! Bytes → JSON value: size limit, UTF-8 check, JSON or YAML by content.
//!
//! The syntax is recognised from the first non-blank character, not from the
//! file name: `swagger.json.unprocessed` is JSON, and a `.json` file that is
//! really YAML is read as YAML. Every reading costs time linear in the text:
//! JSON nesting deeper than [`MAX_DEPTH`] stops serde_json where it is met;
//! YAML flow nesting is bounded before the YAML parser starts
//! (`flow_depth`), whose own limit then refuses deeper block nesting; and
//! YAML aliases may expand a document only in proportion to its size. A
//! large JSON text read in halves ([`parse_in_halves`]) is read at most
//! twice: its halves, then, if a half does not read, the whole.

use std::cell::{Cell, RefCell};

use serde::de::DeserializeSeed;
use serde_json::{Map, Value};

use crate::error::SpecError;
use crate::flow_depth;
use crate::parallel::side_by_side;

mod halves;

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

/// A document parsed: its value, the syntax it was written in, and whether
/// it may reference anything outside itself.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    pub syntax: Syntax,
    /// Whether some `$ref` holds a string that does not start with `#`: a
    /// reference to another file or URL (or an empty one). When false, the
    /// document is its own bundle and bundling would change nothing. Noted
    /// while parsing, where it costs one comparison per key, instead of in
    /// another walk over the tree.
    pub external_refs: bool,
}

/// Parses `bytes` (named `file` in messages) into a JSON value.
pub fn parse_bytes(file: &str, bytes: &[u8], max_bytes: u64) -> Result<(Value, Syntax), SpecError> {
    parse_document(file, bytes, max_bytes).map(|parsed| (parsed.value, parsed.syntax))
}

/// [`parse_bytes`], telling also whether the document has external
/// references.
pub fn parse_document(file: &str, bytes: &[u8], max_bytes: u64) -> Result<Parsed, SpecError> {
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
    let ((value, external_refs), syntax) = if text.trim_start().starts_with(['{', '[']) {
        match parse_json(text) {
            Ok(read) => (read, Syntax::Json),
            // Brackets that nest too deep for JSON nest as deep in YAML's
            // flow style: no second reading.
            Err(json_err) if is_recursion_limit(&json_err) => {
                return Err(json_error(file, &json_err));
            }
            // A flow-style YAML document also starts with `{`; only if YAML
            // cannot read it either is the JSON error the one to report.
            Err(json_err) => match parse_yaml(file, text) {
                Ok(read) => (read, Syntax::Yaml),
                Err(_) => return Err(json_error(file, &json_err)),
            },
        }
    } else {
        (parse_yaml(file, text)?, Syntax::Yaml)
    };
    Ok(Parsed {
        value,
        syntax,
        external_refs,
    })
}

/// Documents from which a `parallel` reading parses a pretty-printed JSON
/// text in halves ([`parse_in_halves`]). Whole-process ingests, medians of
/// 21 to 31 alternating runs against parsing on one thread: GitHub's 13 MB
/// 8 to 11 ms faster, 8.7 MB of it 3 ms faster; Stripe's and Kubernetes'
/// 4 MB, and 3 and 5 MB of GitHub's, 1.3 to 2.1 ms slower (the third
/// thread, beside packing, costs more than half a small parse saves).
pub const HALVES_FROM_BYTES: usize = 8 << 20;

/// [`parse_document`] for a caller that owns the text and has `beside` read
/// it too (packing it, say), given as pieces that join into it. For a
/// `parallel` reading, `beside` runs on a thread of its own, and a
/// pretty-printed JSON text of [`HALVES_FROM_BYTES`] or more is parsed in
/// halves on two more.
pub fn parse_owned_document<T: Send>(
    file: &str,
    bytes: &mut [u8],
    max_bytes: u64,
    parallel: bool,
    beside: impl FnOnce(&[&[u8]]) -> T + Send,
) -> (Result<Parsed, SpecError>, T) {
    if parallel && bytes.len() >= HALVES_FROM_BYTES {
        return parse_in_halves(file, bytes, max_bytes, beside);
    }
    parse_beside(file, bytes, max_bytes, parallel, beside)
}

/// [`parse_document`] with `beside` given the whole text, on a thread of
/// its own when `parallel`.
fn parse_beside<T: Send>(
    file: &str,
    bytes: &[u8],
    max_bytes: u64,
    parallel: bool,
    beside: impl FnOnce(&[&[u8]]) -> T + Send,
) -> (Result<Parsed, SpecError>, T) {
    side_by_side(
        parallel,
        || parse_document(file, bytes, max_bytes),
        || beside(&[bytes]),
    )
}

/// [`parse_document`] in two halves, each on a thread of its own, while
/// `beside` reads the text on a third, given as pieces that join into it
/// (`halves`): the brackets that make each half a document are written
/// into `bytes` for the while, which are as they were read when this
/// returns. A text that cannot be cut (not JSON, or not pretty-printed) is
/// parsed whole, beside `beside`.
pub fn parse_in_halves<T: Send>(
    file: &str,
    bytes: &mut [u8],
    max_bytes: u64,
    beside: impl FnOnce(&[&[u8]]) -> T + Send,
) -> (Result<Parsed, SpecError>, T) {
    // UTF-8 is checked where the halves are read: a text that is not
    // falls back to the whole reading, which says where.
    let cut = if bytes.len() as u64 <= max_bytes {
        let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        let start = bytes.len() - text.trim_ascii_start().len();
        halves::cut(&bytes[start..]).map(|cut| (start, cut))
    } else {
        None
    };
    let Some((start, cut)) = cut else {
        return parse_beside(file, bytes, max_bytes, true, beside);
    };
    match halves::read_cut(bytes, start, cut, beside) {
        (Some((value, external_refs)), kept) => (
            Ok(Parsed {
                value,
                syntax: Syntax::Json,
                external_refs,
            }),
            kept,
        ),
        // A guess that did not hold, or a document that is not JSON: read
        // as a whole, which says where it goes wrong.
        (None, kept) => (parse_document(file, bytes, max_bytes), kept),
    }
}

/// Values plus string bytes a YAML document may expand to per byte of its
/// text, on top of [`EXPANSION_FLOOR`]. Without aliases a document stays
/// inside (each value takes a byte of text or more, each string byte one);
/// aliases that multiply it are refused after work proportional to its
/// size, not to its expansion (yaml_serde's own limit counts alias jumps,
/// not what each one copies: n aliases of an n-item list build n² values).
const EXPANSION_PER_BYTE: usize = 2;

/// Expansion any document may use, so small documents that reuse anchors
/// generously are never refused.
const EXPANSION_FLOOR: usize = 1 << 20;

/// Reads JSON text with serde_json's reader (which refuses nesting deeper
/// than [`MAX_DEPTH`] where it meets it) into a [`ValueSeed`]'s values;
/// with whether it has external references ([`Parsed::external_refs`]).
fn parse_json(text: &str) -> Result<(Value, bool), serde_json::Error> {
    let budget = Budget::unlimited();
    let scratch = Scratch::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = ValueSeed::new(&budget, &scratch).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, scratch.external_refs.get()))
}

/// Reads YAML text as [`parse_json`] reads JSON.
fn parse_yaml(file: &str, text: &str) -> Result<(Value, bool), SpecError> {
    if let Some(offset) = flow_depth::too_deep_at(text, MAX_DEPTH) {
        let before = &text.as_bytes()[..offset];
        return Err(SpecError::TooDeep {
            file: file.to_owned(),
            line: line_of(before),
            column: column_of(before),
            limit: MAX_DEPTH,
        });
    }
    let budget = Budget {
        left: Cell::new(
            text.len()
                .saturating_mul(EXPANSION_PER_BYTE)
                .saturating_add(EXPANSION_FLOOR),
        ),
        exceeded: Cell::new(false),
    };
    let scratch = Scratch::default();
    let deserializer = yaml_serde::Deserializer::from_str(text);
    ValueSeed::new(&budget, &scratch)
        .deserialize(deserializer)
        .map(|value| (value, scratch.external_refs.get()))
        .map_err(|e| {
            if budget.exceeded.get() {
                SpecError::AliasBomb {
                    file: file.to_owned(),
                }
            } else {
                yaml_error(file, &e)
            }
        })
}

/// What is left of a document's expansion allowance.
struct Budget {
    left: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Budget {
    /// No limit: JSON has no aliases, so a value never costs more than its text.
    fn unlimited() -> Self {
        Budget {
            left: Cell::new(usize::MAX),
            exceeded: Cell::new(false),
        }
    }

    fn spend<E: serde::de::Error>(&self, units: usize) -> Result<(), E> {
        match self.left.get().checked_sub(units) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exceeded.set(true);
                Err(E::custom(
                    "YAML aliases expand past the document's allowance",
                ))
            }
        }
    }
}

/// The collections being read, innermost last: a collection's items wait
/// here until it ends and then move into a collection of exactly their
/// number. Built item by item instead, a map or list keeps the room its
/// growth left (on average a third of it; most objects of a specification
/// have one to three keys), which is a fifth of a large document's tree.
///
/// It also notes whether a `$ref` was read that is not local
/// ([`Parsed::external_refs`]).
#[derive(Default)]
struct Scratch {
    entries: RefCell<Vec<(String, Value)>>,
    items: RefCell<Vec<Value>>,
    external_refs: Cell<bool>,
    /// The key of the last member read in the last object closed at each
    /// depth, for as many depths as it holds (none unless asked for): the
    /// path to where a document cut in two joins (`halves`).
    last_keys: RefCell<Vec<Option<String>>>,
}

impl Scratch {
    /// Notes a `$ref` that is not local ([`Parsed::external_refs`]).
    fn note_ref(&self, key: &str, value: &Value) {
        if key == "$ref" && matches!(value, Value::String(target) if !target.starts_with('#')) {
            self.external_refs.set(true);
        }
    }
}

/// Reads a JSON value from JSON or YAML text, spending the budget on every
/// value and string byte it builds (only YAML's aliases can exhaust it).
/// Unlike `serde_json::Value`'s own reader it builds every collection at
/// its exact size (see [`Scratch`]) and accepts integers beyond 64 bits
/// (YAML hands them over as 128-bit; JSON text reads them as floats, and so
/// does this): DigitalOcean writes `maximum: 18446744073709552000`.
///
/// It also refuses the nesting serde_json refuses: a collection
/// [`MAX_DEPTH`] levels deep (yaml_serde's own limit lets exactly that
/// one level more through, so a YAML document could be read whose JSON
/// form is refused).
#[derive(Clone, Copy)]
struct ValueSeed<'b> {
    budget: &'b Budget,
    scratch: &'b Scratch,
    /// Collections around the value being read.
    depth: usize,
}

impl<'b> ValueSeed<'b> {
    fn new(budget: &'b Budget, scratch: &'b Scratch) -> Self {
        ValueSeed {
            budget,
            scratch,
            depth: 0,
        }
    }

    /// The seed for the items of a collection read at this depth; an error
    /// (mapped to [`SpecError::TooDeep`]) when that collection is as deep
    /// as serde_json refuses.
    fn inside<E: serde::de::Error>(self) -> Result<Self, E> {
        if self.depth + 1 >= MAX_DEPTH {
            return Err(E::custom("recursion limit exceeded"));
        }
        Ok(ValueSeed {
            depth: self.depth + 1,
            ..self
        })
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.budget.spend(1)?;
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any value")
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

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        self.budget.spend(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        self.budget.spend(v.len())?;
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
        let inside = self.inside()?;
        let start = self.scratch.items.borrow().len();
        while let Some(item) = seq.next_element_seed(inside)? {
            self.scratch.items.borrow_mut().push(item);
        }
        let mut items = self.scratch.items.borrow_mut();
        Ok(Value::Array(items.drain(start..).collect()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let inside = self.inside()?;
        let start = self.scratch.entries.borrow().len();
        while let Some(key) = map.next_key::<String>()? {
            self.budget.spend(key.len())?;
            let value = map.next_value_seed(inside)?;
            self.scratch.note_ref(&key, &value);
            self.scratch.entries.borrow_mut().push((key, value));
        }
        let mut entries = self.scratch.entries.borrow_mut();
        if let Some(slot) = self.scratch.last_keys.borrow_mut().get_mut(self.depth)
            && entries.len() > start
        {
            *slot = entries.last().map(|(key, _)| key.clone());
        }
        let mut object = Map::with_capacity(entries.len() - start);
        // A repeated key keeps its first place and its last value, as in
        // serde_json's own reader.
        object.extend(entries.drain(start..));
        Ok(Value::Object(object))
    }
}

fn is_recursion_limit(err: &serde_json::Error) -> bool {
    err.to_string().starts_with("recursion limit exceeded")
}

fn json_error(file: &str, err: &serde_json::Error) -> SpecError {
    let message = err.to_string();
    if is_recursion_limit(err) {
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

/// The column (from 1) of the byte just after `prefix`.
fn column_of(prefix: &[u8]) -> usize {
    let line_start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    prefix.len() - line_start + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, SpecError> {
        parse_bytes("t", text.as_bytes(), DEFAULT_MAX_BYTES).map(|(v, _)| v)
    }

    /// Any JSON value, nested a few levels.
    pub(super) fn any_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(("[a-z$]{0,4}", inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// The reader that builds collections at their exact size reads any
        /// JSON text as serde_json's own reader does: same values, keys in
        /// the same order.
        #[test]
        fn json_reads_as_serde_json_reads_it(value in any_value()) {
            let text = serde_json::to_string(&serde_json::json!({"v": value})).unwrap_or_default();
            // As text: `Value`'s equality ignores the order of keys.
            let ours = parse(&text).map(|v| v.to_string()).map_err(|e| e.to_string());
            let theirs = serde_json::from_str::<Value>(&text).map(|v| v.to_string());
            proptest::prop_assert_eq!(ours, theirs.map_err(|e| e.to_string()));
        }
    }

    #[test]
    fn a_repeated_key_keeps_its_first_place_and_last_value() {
        let text = r#"{"a": 1, "b": 2, "a": {"c": [3]}}"#;
        let ours = parse(text).expect("valid JSON");
        let theirs: Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(ours.to_string(), theirs.to_string());
        let keys: Vec<_> = ours
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["a", "b"]);
        assert_eq!(ours["a"]["c"][0], 3);
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
    fn aliases_expand_within_an_allowance_proportional_to_the_text() {
        let reuse = "a: &a {type: object, properties: {x: {type: string}}}\nb: [*a, *a, *a]\n";
        let v = parse(reuse).expect("modest aliases");
        assert_eq!(v["b"][2]["properties"]["x"]["type"], "string");
        // 2,000 aliases of a 2,000-item list: 4 million values from 14 KB.
        let square = format!(
            "a: &a [{}]\nb: [{}]\n",
            vec!["x"; 2_000].join(", "),
            vec!["*a"; 2_000].join(", ")
        );
        let err = parse(&square).expect_err("alias square");
        assert!(matches!(err, SpecError::AliasBomb { .. }), "{err}");
    }

    #[test]
    fn deep_yaml_flow_is_refused_where_it_gets_too_deep() {
        let text = "a: 1\nb: ".to_owned() + &"[".repeat(200) + &"]".repeat(200);
        let err = parse(&text).expect_err("too deep");
        assert!(
            matches!(
                err,
                SpecError::TooDeep {
                    line: 2,
                    column: 132,
                    ..
                }
            ),
            "{err}"
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

    /// One nesting limit whatever the syntax: a YAML document nested as
    /// deep as serde_json refuses is refused too, so no YAML document is
    /// read whose JSON form is not (found by `scripts/fuzz`: YAML read one
    /// level more, in block and in flow style).
    #[test]
    fn json_and_yaml_refuse_the_same_depth() {
        for depth in [MAX_DEPTH - 1, MAX_DEPTH] {
            let json = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            let flow = format!("a: {}1{}", "[".repeat(depth - 1), "]".repeat(depth - 1));
            let mut block = String::new();
            for level in 0..depth {
                block.push_str(&"  ".repeat(level));
                block.push_str("k:\n");
            }
            block.push_str(&"  ".repeat(depth));
            block.push_str("v\n");
            for (syntax, text) in [
                ("JSON", &json),
                ("YAML flow", &flow),
                ("YAML block", &block),
            ] {
                let read = parse(text);
                if depth < MAX_DEPTH {
                    assert!(read.is_ok(), "{syntax} at {depth}: {:?}", read.err());
                } else {
                    assert!(
                        matches!(read, Err(SpecError::TooDeep { .. })),
                        "{syntax} at {depth}: {:?}",
                        read.map(|_| ())
                    );
                }
            }
        }
    }

    #[test]
    fn a_reference_outside_the_document_is_noticed_in_either_syntax() {
        let external = |text: &str| {
            parse_document("t", text.as_bytes(), DEFAULT_MAX_BYTES)
                .expect("parses")
                .external_refs
        };
        // Local references only, and `$ref`s that are not references.
        assert!(!external(
            r##"{"a": {"$ref": "#/b"}, "b": {"$ref": {"x": 1}}}"##
        ));
        assert!(!external("a:\n  $ref: '#/b'\nb: [{$ref: '#/a'}]\n"));
        assert!(!external(
            r#"{"description": "see other.yaml", "$refs": "x.yaml"}"#
        ));
        // A file, a URL, an empty reference; deep inside, in a list.
        assert!(external(r#"{"a": [{"b": {"$ref": "other.yaml#/x"}}]}"#));
        assert!(external("a:\n  - $ref: https://example.com/s.json\n"));
        assert!(external(r#"{"$ref": ""}"#));
    }
}
