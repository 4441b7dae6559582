//! A large JSON document read in two halves, one per thread.
//!
//! Parsing is the largest part of reading a large document (GitHub's 13 MB:
//! 42 ms of an ingest's 140), and one thread did all of it. A
//! pretty-printed document can be cut where one member of an object ends
//! and the next begins: the head, closed with the brackets it lacks, and
//! the tail, opened with the brackets it lacks, are documents of their own,
//! read at once, and their trees join into the one the whole text gives.
//!
//! No half is copied: the brackets are written into the text itself, over
//! the blanks after the head's last comma and over a member or two just
//! before the tail (the middle, read from a small copy), and the text is
//! put back as it was once read. Whoever else reads the text meanwhile is
//! given it as pieces that join into the original.
//!
//! The cut is guessed from the indentation, then proved by the head: closed
//! with one `}` per object the indentation says is open there, it parses
//! only if exactly those objects, and nothing else, are open. The middle
//! and the tail are then read in the very context the whole text gives them
//! (inside as many objects, starting with a key), so they parse if and only
//! if the rest of the whole does, into the same values at the same depths;
//! the middle must close no object. Any failure, a wrong guess or a
//! malformed document, leaves the reading to the single-thread parser,
//! which reports the error with its line and column: the guess costs at
//! most one more parse of the text.

use std::cell::RefCell;

use serde::de::{DeserializeSeed, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::{Budget, Scratch, ValueSeed};
use crate::parallel::side_by_side;

/// Deepest object a cut may fall in: enough for the members of a schema's
/// properties; a deeper guess is more likely a wrong one.
const MAX_CUT_DEPTH: usize = 16;

/// Farthest the tail may start after the head ends: the middle between
/// them is copied.
const MAX_MIDDLE_BYTES: usize = 64 * 1024;

/// Where to cut a document: between two members of an object, at a comma.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Comma {
    /// Offset of the comma that separates the two members.
    at: usize,
    /// How many objects enclose the one whose members the comma separates
    /// (0: the members of the document's top-level object).
    depth: usize,
}

/// A document cut in two: the head ends at one comma, the tail starts after
/// a later one between members of the same object, and what lies between
/// is the middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Cut {
    head: Comma,
    tail: Comma,
}

impl Cut {
    /// Where the head's closing brackets are written: over the head's
    /// comma and the blanks after it.
    fn closing(&self) -> std::ops::Range<usize> {
        self.head.at..self.head.at + self.head.depth + 1
    }

    /// Where the tail's opening brackets are written: over the end of the
    /// middle and the tail's comma.
    fn opening(&self) -> std::ops::Range<usize> {
        let end = self.tail.at + 1;
        end - opening_len(self.head.depth)..end
    }
}

/// One `}` per object open at a comma of this depth.
fn closing(depth: usize) -> String {
    "}".repeat(depth + 1)
}

/// A `{"":` per object enclosing the one at this depth, and its `{`.
fn opening(depth: usize) -> String {
    let mut opening = "{\"\":".repeat(depth);
    opening.push('{');
    opening
}

fn opening_len(depth: usize) -> usize {
    4 * depth + 1
}

/// A cut near the middle of the JSON text `text`, if its indentation offers
/// one with room for the brackets: the shallowest within a thirty-second
/// of the text after the middle. Indentation does not tell an object's
/// members from those of an object inside an array (`"parameters": [{…}]`),
/// where the head's `}` would meet a `[`; the members of `paths` or of
/// `components`, near the top, are not in arrays.
pub(super) fn cut(text: &[u8]) -> Option<Cut> {
    let middle = text.len() / 2;
    let mut shallowest: Option<Cut> = None;
    let mut head: Option<Comma> = None;
    for comma in commas(text, middle) {
        if shallowest.is_some() && comma.at - middle > text.len() / 32 {
            break;
        }
        match head {
            Some(head) if comma.at - head.at > MAX_MIDDLE_BYTES => {}
            Some(head) if comma.depth == head.depth && fits(head, comma) => {
                if shallowest.is_none_or(|cut| head.depth < cut.head.depth) {
                    shallowest = Some(Cut { head, tail: comma });
                }
                if head.depth <= 1 {
                    break;
                }
            }
            // Deeper: inside a member of the middle.
            Some(head) if comma.depth > head.depth => continue,
            _ => {}
        }
        // The first, or the object was left, or the middle would be too
        // long or too short, or a cut was found: start again from here.
        head = Some(comma);
    }
    shallowest
}

/// Whether the head's closing brackets and the tail's opening ones fit
/// between the two commas without overlapping.
fn fits(head: Comma, tail: Comma) -> bool {
    tail.at > head.at && tail.at + 1 >= head.at + head.depth + 1 + opening_len(head.depth)
}

/// The commas a document could be cut at, from `from` on, nearest first:
/// those that end a line followed by one that starts with a key (`"`),
/// whose indentation is a whole number of the first key's indentation (one
/// level). The depth is what the indentation says; reading proves it.
pub(super) fn commas(bytes: &[u8], from: usize) -> impl Iterator<Item = Comma> + '_ {
    let from = from.min(bytes.len());
    level_indentation(bytes).into_iter().flat_map(move |unit| {
        bytes[from..]
            .iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'\n')
            .filter_map(move |(at, _)| comma_before(bytes, from + at + 1, unit))
    })
}

/// The comma before the line that starts at `line`, if it is one to cut at.
fn comma_before(bytes: &[u8], line: usize, unit: usize) -> Option<Comma> {
    let indent = bytes[line..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if bytes.get(line + indent) != Some(&b'"') || indent % unit != 0 || indent < unit {
        return None;
    }
    let depth = indent / unit - 1;
    let at = last_non_blank(&bytes[..line])?;
    let before = last_non_blank(&bytes[..at]);
    // `{,` is not JSON, but its head would read as an empty object.
    let cuttable =
        bytes[at] == b',' && before.is_some_and(|b| bytes[b] != b'{') && depth <= MAX_CUT_DEPTH;
    cuttable.then_some(Comma { at, depth })
}

/// The indentation of one level: that of the first key, on the line after
/// the document's opening `{`. `None` for a document written otherwise (on
/// one line, say), which is not cut.
fn level_indentation(bytes: &[u8]) -> Option<usize> {
    let open = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    if bytes[open] != b'{' {
        return None;
    }
    let rest = &bytes[open + 1..];
    let newline = rest.iter().position(|&b| b == b'\n')?;
    if !rest[..newline].iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let line = &rest[newline + 1..];
    let indent = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    (indent > 0 && line.get(indent) == Some(&b'"')).then_some(indent)
}

/// Offset of the last byte of `bytes` that is not JSON whitespace.
fn last_non_blank(bytes: &[u8]) -> Option<usize> {
    bytes
        .iter()
        .rposition(|&b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Reads the JSON text `bytes[start..]` cut at `cut` (offsets in the
/// text), the head and the tail each on a thread of their own, while
/// `beside` is given the bytes as they were read, in pieces. The bytes are
/// as they were read again when this returns; the value is `None` when a
/// part does not read.
pub(super) fn read_cut<T: Send>(
    bytes: &mut [u8],
    start: usize,
    cut: Cut,
    beside: impl FnOnce(&[&[u8]]) -> T + Send,
) -> (Option<(Value, bool)>, T) {
    let depth = cut.head.depth;
    let closing_at = shift(cut.closing(), start);
    let opening_at = shift(cut.opening(), start);
    // Checked here: the middle is in neither half, which are checked as
    // they are read.
    let (closing, opening) = (closing(depth), opening(depth));
    let middle = std::str::from_utf8(&bytes[start + cut.head.at + 1..start + cut.tail.at])
        .ok()
        .map(|middle| format!("{opening}{middle}{closing}"));
    // Small copies: a cut leaves at most `MAX_MIDDLE_BYTES` between head
    // and tail.
    let closed_over = bytes[closing_at.clone()].to_vec();
    let opened_over = bytes[opening_at.clone()].to_vec();
    bytes[closing_at.clone()].copy_from_slice(closing.as_bytes());
    bytes[opening_at.clone()].copy_from_slice(opening.as_bytes());
    let written: &[u8] = bytes;
    let pieces = [
        &written[..closing_at.start],
        &closed_over,
        &written[closing_at.end..opening_at.start],
        &opened_over,
        &written[opening_at.end..],
    ];
    let (read, kept) = side_by_side(
        true,
        || {
            let (head, (middle, tail)) = side_by_side(
                true,
                || {
                    std::str::from_utf8(&written[start..closing_at.end])
                        .ok()
                        .and_then(|head| parse_head(head, depth))
                },
                || {
                    let tail = std::str::from_utf8(&written[opening_at.start..]).ok();
                    (
                        middle.and_then(|middle| parse_tail(&middle, depth)),
                        tail.and_then(|tail| parse_tail(tail, depth)),
                    )
                },
            );
            join(head?, middle?, tail?, depth)
        },
        || beside(&pieces),
    );
    bytes[closing_at].copy_from_slice(&closed_over);
    bytes[opening_at].copy_from_slice(&opened_over);
    (read, kept)
}

fn shift(range: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
    range.start + by..range.end + by
}

/// The whole document's value from its head, middle and tail; `None` when
/// the middle leaves the object it starts in.
fn join(
    head: (Value, Vec<String>, bool),
    middle: (TailMembers, bool),
    tail: (TailMembers, bool),
    depth: usize,
) -> Option<(Value, bool)> {
    let (mut value, path, head_refs) = head;
    let ((middle_members, middle_rests), middle_refs) = middle;
    let ((members, rests), tail_refs) = tail;
    if middle_rests.iter().any(|rest| !rest.is_empty()) {
        return None;
    }
    // Deepest first: a member after the cut that repeats the key of an
    // enclosing object's cut member replaces it, joined tail and all, as
    // it would in the whole text.
    let cut_object = object_at(&mut value, &path)?;
    cut_object.extend(middle_members);
    cut_object.extend(members);
    for (depth, rest) in (0..depth).rev().zip(rests) {
        object_at(&mut value, &path[..depth])?.extend(rest);
    }
    Some((value, head_refs || middle_refs || tail_refs))
}

/// The object reached from `value` through the members named by `path`.
fn object_at<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Map<String, Value>> {
    let mut object = value.as_object_mut()?;
    for key in path {
        object = object.get_mut(key)?.as_object_mut()?;
    }
    Some(object)
}

/// The head, closed: its value, and the key of the last member read in each
/// of the `depth` objects that enclose the cut one, outermost first (the
/// path to the object the tail's first members join).
fn parse_head(head: &str, depth: usize) -> Option<(Value, Vec<String>, bool)> {
    let budget = Budget::unlimited();
    let scratch = Scratch {
        last_keys: RefCell::new(vec![None; depth]),
        ..Scratch::default()
    };
    let mut deserializer = serde_json::Deserializer::from_str(head);
    let value = ValueSeed::new(&budget, &scratch)
        .deserialize(&mut deserializer)
        .ok()?;
    deserializer.end().ok()?;
    let path = scratch
        .last_keys
        .into_inner()
        .into_iter()
        .collect::<Option<_>>()?;
    Some((value, path, scratch.external_refs.get()))
}

/// The members after the cut, by depth: those of the cut object, then
/// those of each enclosing object, innermost first.
type TailMembers = (Map<String, Value>, Vec<Vec<(String, Value)>>);

/// The tail, opened with one `{"":` per enclosing object and a `{`.
fn parse_tail(tail: &str, depth: usize) -> Option<(TailMembers, bool)> {
    let budget = Budget::unlimited();
    let scratch = Scratch::default();
    let mut deserializer = serde_json::Deserializer::from_str(tail);
    let seed = TailSeed {
        seed: ValueSeed::new(&budget, &scratch),
        opened: depth,
    };
    let members = seed.deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some((members, scratch.external_refs.get()))
}

/// Reads an opened tail: `opened` levels of `{"": …, members…}` around the
/// cut object's remaining members. Each level's members after its `""` are
/// kept in order, repeats included, to be joined as the whole text would
/// join them.
#[derive(Clone, Copy)]
struct TailSeed<'b> {
    seed: ValueSeed<'b>,
    opened: usize,
}

impl<'de> DeserializeSeed<'de> for TailSeed<'_> {
    type Value = TailMembers;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<TailMembers, D::Error> {
        if self.opened > 0 {
            return deserializer.deserialize_map(self);
        }
        match self.seed.deserialize(deserializer)? {
            Value::Object(members) => Ok((members, Vec::new())),
            _ => Err(serde::de::Error::custom("the cut object is not an object")),
        }
    }
}

impl<'de> Visitor<'de> for TailSeed<'_> {
    type Value = TailMembers;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an opened tail")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TailMembers, A::Error> {
        let inside = self.seed.inside()?;
        // The `""` this reader put first.
        map.next_key::<serde::de::IgnoredAny>()?;
        let (members, mut rests) = map.next_value_seed(TailSeed {
            seed: inside,
            opened: self.opened - 1,
        })?;
        let mut rest = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inside)?;
            self.seed.scratch.note_ref(&key, &value);
            rest.push((key, value));
        }
        rests.push(rest);
        Ok((members, rests))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// What the single-thread reader makes of `text`, keys in order.
    fn whole(text: &str) -> Option<(String, bool)> {
        let budget = Budget::unlimited();
        let scratch = Scratch::default();
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value = ValueSeed::new(&budget, &scratch)
            .deserialize(&mut deserializer)
            .ok()?;
        deserializer.end().ok()?;
        Some((value.to_string(), scratch.external_refs.get()))
    }

    /// Every cut of `text` (every two commas of one depth with room
    /// between them) either reads what the whole reads or gives up, gives
    /// `beside` the text as read, and leaves it so; the number that read.
    fn cuts_agree(text: &str) -> Result<usize, TestCaseError> {
        let expected = whole(text);
        let commas: Vec<Comma> = commas(text.as_bytes(), 0).collect();
        let mut read = 0;
        for (i, &head) in commas.iter().enumerate() {
            for &tail in &commas[i + 1..] {
                if tail.depth != head.depth || !fits(head, tail) {
                    continue;
                }
                let cut = Cut { head, tail };
                let mut bytes = text.as_bytes().to_vec();
                let (value, joined) = read_cut(&mut bytes, 0, cut, |pieces| pieces.concat());
                prop_assert_eq!(&joined, text.as_bytes(), "beside, cut {:?}", cut);
                prop_assert_eq!(&bytes, text.as_bytes(), "put back, cut {:?}", cut);
                if let Some((value, refs)) = value {
                    prop_assert_eq!(
                        Some((value.to_string(), refs)),
                        expected.clone(),
                        "cut {:?}",
                        cut
                    );
                    read += 1;
                }
            }
        }
        Ok(read)
    }

    /// A document pretty-printed the usual way, with an external reference
    /// after the middle.
    fn document() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "tags": [{"name": "a", "description": "first"}, {"name": "b"}],
            "paths": {
                "/a": {"get": {"summary": "A", "responses": {"200": {"description": "ok"}}}},
                "/b": {"post": {"summary": "B", "parameters": [{"name": "x", "in": "query"}]}},
            },
            "components": {
                "schemas": {
                    "A": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
                    "B": {"$ref": "other.json#/B"},
                    "C": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object"}]},
                },
                "examples": {"e": {"value": {"deep": {"deeper": [1, 2, {"k": "v"}]}}}},
            },
        })
    }

    #[test]
    fn every_cut_of_a_pretty_document_reads_what_the_whole_reads() {
        let text = serde_json::to_string_pretty(&document()).expect("serializes");
        let read = cuts_agree(&text).expect("agree");
        // Most cuts between two members of one object read; those whose
        // middle closes an object, or that fall in an object inside an
        // array (the head's `}` meets a `[`), give up.
        assert!(read >= 5, "{read} cuts read");
        assert!(whole(&text).is_some_and(|(_, refs)| refs));
        // The cut chosen for a whole document starts after its middle.
        let cut = cut(text.as_bytes()).expect("a cut");
        assert!(cut.head.at >= text.len() / 2 - 1);
        let mut bytes = text.clone().into_bytes();
        assert!(read_cut(&mut bytes, 0, cut, |_| ()).0.is_some());
    }

    #[test]
    fn a_large_document_is_read_in_halves_as_the_whole_reads() {
        // Most lines are members of objects inside arrays, where no cut
        // holds.
        let parameters: Vec<Value> = (0..6)
            .map(|i| json!({"name": format!("p{i}"), "in": "query", "required": false, "schema": {"type": "string"}}))
            .collect();
        let paths: Map<String, Value> = (0..3000)
            .map(|i| (format!("/items/{i}"), json!({"get": {"summary": format!("Item {i} ü"), "parameters": parameters, "responses": {"200": {"description": "ok"}}}})))
            .collect();
        let text = format!(
            "\u{feff}\n{}",
            serde_json::to_string_pretty(&json!({"openapi": "3.0.3", "paths": paths, "components": {"schemas": {"A": {"$ref": "a.json"}}}}))
                .expect("serializes")
        );
        assert!(text.len() >= crate::THREADS_FROM_BYTES);
        let whole =
            super::super::parse_document("big.json", text.as_bytes(), u64::MAX).expect("reads");
        let mut bytes = text.clone().into_bytes();
        let (halves, joined) =
            super::super::parse_in_halves("big.json", &mut bytes, u64::MAX, |pieces| {
                pieces.concat()
            });
        let halves = halves.expect("reads");
        assert_eq!(halves.value.to_string(), whole.value.to_string());
        assert!(halves.external_refs && whole.external_refs);
        assert_eq!(
            (joined, bytes),
            (text.clone().into_bytes(), text.clone().into_bytes())
        );
        // Not by falling back: the cut holds.
        let start = "\u{feff}\n".len();
        let cut = cut(&text.as_bytes()[start..]).expect("a cut");
        // Between two members of `paths`, the shallowest near the middle.
        assert_eq!(cut.head.depth, 1, "{cut:?}");
        assert!(
            read_cut(&mut text.into_bytes(), start, cut, |_| ())
                .0
                .is_some()
        );
    }

    #[test]
    fn repeated_keys_across_the_cut_join_as_in_the_whole_text() {
        let text = "{\n  \"a\": {\n    \"x\": 1,\n    \"y\": {\n      \"\": 2,\n      \"z\": 3\n    },\n    \"x\": 4\n  },\n  \"\": 5,\n  \"a\": 6,\n  \"b\": {\n    \"a\": 7\n  },\n  \"b\": {\n    \"c\": 8\n  }\n}";
        assert!(cuts_agree(text).expect("agree") >= 6);
    }

    #[test]
    fn documents_that_are_not_json_never_read_in_halves() {
        for text in [
            // `{,` would read as `{}` in the head.
            "{\n  \"a\": {\n    ,\n    \"b\": 1\n  }\n}",
            "{\n  \"a\": 1,\n  \"b\": 2,\n}",
            "{\n  \"a\": 1,\n  \"b\": 2\n}\n,",
            "{\n  \"a\": [1,\n  \"b\": 2]\n}",
            "{\n  \"a\": \"1,\n  \"b\": 2\"\n}",
            "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": 2\n  }\n",
        ] {
            assert_eq!(whole(text), None, "{text}");
            assert_eq!(cuts_agree(text).expect("agree"), 0, "{text}");
        }
    }

    #[test]
    fn a_cut_is_not_taken_inside_an_array_when_a_shallower_one_is_near() {
        let body = r#"  "p": {
    "x": [
      {
        "name": "a name long enough",
        "in": "query, with more words",
        "required": false
      }
    ],
    "y": "a value long enough",
    "z": "another value"
  },
"#;
        let before = format!("{{\n  \"f\": \"{}\",\n", "f".repeat(10_000));
        let after_open = "  \"g\": \"";
        let after_close = "\"\n}";
        // The middle falls a few bytes into the body, before the array.
        let total = 2 * (before.len() + 4);
        let filler = total - before.len() - body.len() - after_open.len() - after_close.len();
        let text = format!(
            "{before}{body}{after_open}{}{after_close}",
            "g".repeat(filler)
        );
        assert_eq!(text.len() / 2, before.len() + 4);
        let cut = cut(text.as_bytes()).expect("a cut");
        assert_eq!(cut.head.depth, 1, "{cut:?}");
        let mut bytes = text.clone().into_bytes();
        assert!(read_cut(&mut bytes, 0, cut, |_| ()).0.is_some());
        // The first cut after the middle, inside the array, does not hold.
        let mut commas = commas(text.as_bytes(), text.len() / 2);
        let (head, tail) = (
            commas.next().expect("a comma"),
            commas.next().expect("a comma"),
        );
        assert_eq!((head.depth, tail.depth), (3, 3));
        assert!(fits(head, tail));
        assert!(
            read_cut(&mut bytes, 0, Cut { head, tail }, |_| ())
                .0
                .is_none()
        );
    }

    #[test]
    fn the_middle_copied_is_never_long() {
        let long = "x".repeat(100 * 1024);
        let text = serde_json::to_string_pretty(&json!({
            "f": "f".repeat(200 * 1024),
            "a": {"w": 1, "big": long, "y": 2, "z": 3},
            "g": long,
        }))
        .expect("serializes");
        // The first comma after the middle ends `f`; the next of its depth
        // ends `a`, past a long middle: the cut is taken inside `a`, after
        // `big`.
        let cut = cut(text.as_bytes()).expect("a cut");
        assert!(cut.tail.at - cut.head.at <= MAX_MIDDLE_BYTES, "{cut:?}");
        assert_eq!(cut.head.depth, 1);
        assert!(cuts_agree(&text).expect("agree") > 0);
    }

    #[test]
    fn text_that_is_not_utf8_anywhere_is_not_read_in_halves() {
        let text = serde_json::to_string_pretty(&document()).expect("serializes");
        let commas: Vec<Comma> = commas(text.as_bytes(), 0).collect();
        let mut tried = 0;
        for (i, &head) in commas.iter().enumerate() {
            for &tail in commas[i + 1..]
                .iter()
                .filter(|tail| tail.depth == head.depth && fits(head, **tail))
            {
                // In the head, in the middle (where the tail's brackets are
                // written, too) and in the tail.
                for at in [
                    head.at / 2,
                    head.at + 2,
                    (head.at + tail.at) / 2,
                    tail.at - 1,
                    tail.at + 3,
                    text.len() - 3,
                ] {
                    let mut bytes = text.clone().into_bytes();
                    bytes[at] = 0xFF;
                    let original = bytes.clone();
                    let (value, _) = read_cut(&mut bytes, 0, Cut { head, tail }, |_| ());
                    assert!(value.is_none(), "0xFF at {at}, cut {head:?} {tail:?}");
                    assert_eq!(bytes, original);
                    tried += 1;
                }
            }
        }
        assert!(tried > 30, "{tried}");
    }

    /// Text with the indentation of some lines changed, so that it no
    /// longer says how deep they are.
    fn reindented(text: &str, changes: &[(usize, usize)]) -> String {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for &(line, indent) in changes {
            if let Some(line) = lines.get_mut(line % text.lines().count().max(1)) {
                *line = format!("{}{}", " ".repeat(indent), line.trim_start());
            }
        }
        lines.join("\n")
    }

    proptest! {
        /// Whatever the document, wherever it is cut and whatever its
        /// indentation claims, its halves read as the whole or not at all.
        #[test]
        fn halves_read_as_the_whole_or_not_at_all(
            value in crate::parse::tests::any_value(),
            changes in proptest::collection::vec((0..400usize, 0..12usize), 0..6),
        ) {
            let text = serde_json::to_string_pretty(&json!({"v": value, "w": {"$ref": "x.json"}}))
                .unwrap_or_default();
            cuts_agree(&text)?;
            cuts_agree(&reindented(&text, &changes))?;
        }
    }
}
