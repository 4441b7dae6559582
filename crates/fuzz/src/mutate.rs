//! Mutations: of a document's structure (a node replaced, removed, wrapped,
//! copied elsewhere, turned into a `$ref`) and of its bytes (flips, inserts,
//! deletions, splices, truncation, bracket runs, byte-order marks, broken
//! UTF-8).

use serde_json::{Map, Value, json};

use crate::choices::Choices;
use crate::text;

/// Most values a mutated document may hold. Mutations copy a node (the
/// root too) into the document, up to thousands of times, so copies of
/// copies grow it exponentially: a fuzzing run met a 1.1 GB case and
/// another ran out of 24 GB. Past this, no more mutations, and none that
/// would cross it.
const MAX_VALUES: usize = 1_000_000;

/// Applies `n` structure mutations to `doc`, while it holds fewer than
/// [`MAX_VALUES`] values.
pub fn mutate_value(c: &mut Choices, doc: &mut Value, n: usize) {
    for _ in 0..n {
        let room = MAX_VALUES.saturating_sub(values(doc, MAX_VALUES));
        let donor = node_at(doc, &pick_path(c, doc)).clone();
        let path = pick_path(c, doc);
        // At most 64 copies (`mutate_node`'s largest, but for its arrays,
        // which it bounds by `most_copies`).
        let donor_values = values(&donor, room);
        if donor_values * 64 >= room {
            break;
        }
        mutate_at(c, doc, &path, donor, room / donor_values);
    }
}

/// The values `value` holds, itself included, counted up to `limit`.
fn values(value: &Value, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        count += 1;
        if count >= limit {
            break;
        }
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    count
}

/// The child indices from the root to a node of `doc`: walks down,
/// stopping at random.
fn pick_path(c: &mut Choices, doc: &Value) -> Vec<usize> {
    let mut path = Vec::new();
    let mut node = doc;
    loop {
        let len = match node {
            Value::Object(map) => map.len(),
            Value::Array(items) => items.len(),
            _ => 0,
        };
        if len == 0 || c.chance(50) {
            return path;
        }
        let at = c.below(len);
        let next = match node {
            Value::Object(map) => map.values().nth(at),
            Value::Array(items) => items.get(at),
            _ => None,
        };
        match next {
            Some(next) => {
                path.push(at);
                node = next;
            }
            None => return path,
        }
    }
}

fn node_at<'v>(node: &'v Value, path: &[usize]) -> &'v Value {
    let Some((&at, rest)) = path.split_first() else {
        return node;
    };
    let child = match node {
        Value::Object(map) => map.values().nth(at),
        Value::Array(items) => items.get(at),
        _ => None,
    };
    child.map_or(node, |child| node_at(child, rest))
}

/// Mutates the node at `path` (recursively, so no mutable borrow has to
/// outlive the walk).
fn mutate_at(c: &mut Choices, node: &mut Value, path: &[usize], donor: Value, most_copies: usize) {
    let Some((&at, rest)) = path.split_first() else {
        return mutate_node(c, node, donor, most_copies);
    };
    match node {
        Value::Object(map) => {
            if let Some(child) = map.values_mut().nth(at) {
                mutate_at(c, child, rest, donor, most_copies);
            }
        }
        Value::Array(items) => {
            if let Some(child) = items.get_mut(at) {
                mutate_at(c, child, rest, donor, most_copies);
            }
        }
        _ => mutate_node(c, node, donor, most_copies),
    }
}

/// One mutation of `node`, adding at most `most_copies` copies of `donor`
/// (the room left divided by its values).
fn mutate_node(c: &mut Choices, node: &mut Value, donor: Value, most_copies: usize) {
    match c.below(12) {
        0 => *node = donor,
        1 => *node = scalar(c),
        2 => *node = json!({"$ref": ref_like(c)}),
        3 => {
            let inner = std::mem::take(node);
            *node = if c.chance(128) {
                json!([inner])
            } else {
                json!({"x": inner})
            };
        }
        4 => {
            if let Value::Object(map) = node
                && !map.is_empty()
            {
                let at = c.below(map.len());
                if let Some(key) = map.keys().nth(at).cloned() {
                    map.shift_remove(&key);
                }
            }
        }
        5 => {
            if let Value::Object(map) = node {
                let key = c.pick(KEYS).to_string();
                map.insert(key, donor);
            } else {
                *node = donor;
            }
        }
        6 => {
            if let Value::Array(items) = node {
                let copies = c.count(2, 50, 2_000).min(most_copies);
                for _ in 0..copies {
                    items.push(donor.clone());
                }
            } else {
                *node = json!([]);
            }
        }
        7 => *node = Value::Object(Map::new()),
        8 => {
            if let Value::Object(map) = node {
                // Rename a key: a method, a status, a field becomes another.
                let at = c.below(map.len());
                if let Some(key) = map.keys().nth(at).cloned()
                    && let Some(value) = map.shift_remove(&key)
                {
                    map.insert(c.pick(KEYS).to_string(), value);
                }
            }
        }
        9 => {
            if let Value::String(s) = node {
                s.push_str(&text::prose(c));
            } else {
                *node = json!(text::prose(c));
            }
        }
        10 => {
            // A self-similar copy: the donor inside itself, a few levels.
            let mut nest = donor;
            for _ in 0..c.between(1, 6) {
                nest = json!({"properties": {"again": nest.clone()}, "allOf": [nest]});
            }
            *node = nest;
        }
        _ => *node = json!({"allOf": [donor, {"$ref": ref_like(c)}], "type": "object"}),
    }
}

const KEYS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "items",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "required",
    "enum",
    "nullable",
    "additionalProperties",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "get",
    "post",
    "delete",
    "200",
    "default",
    "in",
    "name",
    "style",
    "explode",
    "security",
    "servers",
    "paths",
    "components",
    "schemas",
    "definitions",
    "x-specdex-bundle",
    "discriminator",
    "example",
    "examples",
    "format",
    "pattern",
    "",
];

fn ref_like(c: &mut Choices) -> String {
    c.pick(&[
        "#/components/schemas/A",
        "#/definitions/A",
        "#",
        "#/",
        "#/paths",
        "#/components/parameters/p",
        "other.yaml",
        "other.yaml#/A",
        "../x.json#/B",
        "http://example.com/a.json",
        "#/x-specdex-bundle/other.yaml",
        "#/components/schemas/~1~0",
        "#/paths/~1pets/get/responses/200",
    ])
    .to_string()
}

fn scalar(c: &mut Choices) -> Value {
    c.pick(&[
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(1e300),
        json!(u64::MAX),
        json!(""),
        json!("string"),
        json!([]),
        json!({}),
        json!("#/components/schemas/A"),
    ])
    .clone()
}

/// Applies `n` byte mutations to `bytes`.
pub fn mutate_bytes(c: &mut Choices, bytes: &mut Vec<u8>, n: usize) {
    for _ in 0..n {
        let len = bytes.len();
        let at = c.below(len + 1);
        match c.below(11) {
            0 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b ^= 1 << c.below(8);
                }
            }
            1 => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = c.pick(INTERESTING);
                }
            }
            2 => {
                let insert: Vec<u8> = (0..c.between(1, 8)).map(|_| c.pick(INTERESTING)).collect();
                splice(bytes, at, at, &insert);
            }
            3 => {
                let end = (at + c.between(1, 64)).min(len);
                splice(bytes, at, end, &[]);
            }
            4 => {
                // Copy a chunk elsewhere.
                let end = (at + c.between(1, 256)).min(len);
                let chunk = bytes.get(at..end).map(<[u8]>::to_vec).unwrap_or_default();
                let to = c.below(bytes.len() + 1);
                splice(bytes, to, to, &chunk);
            }
            5 => bytes.truncate(at),
            6 => {
                let open = c.pick(&[
                    b"[".as_slice(),
                    b"{\"a\":",
                    b"- ",
                    b"{",
                    b"[{\"$ref\":\"#\"},",
                    b"a: &x\n  ",
                ]);
                let run = open.repeat(c.between(1, 300));
                splice(bytes, at, at, &run);
            }
            7 => splice(bytes, 0, 0, "\u{feff}".as_bytes()),
            8 => {
                let odd = c.pick(&[
                    &[0xffu8][..],
                    &[0xc3],
                    &[0xe2, 0x82],
                    &[0xed, 0xa0, 0x80],
                    &[0xf4, 0x90, 0x80, 0x80],
                    &[0],
                ]);
                splice(bytes, at, at, odd);
            }
            9 => {
                // Line ends: LF to CRLF or CR.
                let to: &[u8] = if c.chance(128) { b"\r\n" } else { b"\r" };
                let replaced: Vec<u8> = bytes
                    .iter()
                    .flat_map(|&b| if b == b'\n' { to.to_vec() } else { vec![b] })
                    .collect();
                *bytes = replaced;
            }
            _ => {
                let insert = text::prose(c).into_bytes();
                splice(bytes, at, at, &insert);
            }
        }
    }
}

const INTERESTING: &[u8] = b"{}[]\":,\\\n\t &*!|>-#'%@`~?0123456789eE.+nNtfu\x00\x7f";

fn splice(bytes: &mut Vec<u8>, start: usize, end: usize, insert: &[u8]) {
    let start = start.min(bytes.len());
    let end = end.clamp(start, bytes.len());
    bytes.splice(start..end, insert.iter().copied());
}
