//! `application/x-www-form-urlencoded`: query strings and form bodies,
//! including the nested keys Stripe and Rails use (`card[exp_month]=12`,
//! `expand[]=customer`, `items[0][price]=p_1`).

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value};

use crate::MAX_BODY_DEPTH;

/// `a=1&b=x+y` → `[("a", "1"), ("b", "x y")]`, decoded.
pub(crate) fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// `card[exp_month]` → `["card", "exp_month"]`; `expand[]` → `["expand", ""]`
/// (an empty key appends). A key that does not parse as brackets stays
/// whole.
pub(crate) fn key_path(key: &str) -> Vec<&str> {
    let Some(open) = key.find('[') else {
        return vec![key];
    };
    if open == 0 || !key.ends_with(']') {
        return vec![key];
    }
    let mut path = vec![&key[..open]];
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return vec![key];
        };
        path.push(&inner[..close]);
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() || path.len() > MAX_BODY_DEPTH {
        return vec![key];
    }
    path
}

/// The fields of a form as one JSON object: nested keys become nested
/// objects, `[]` appends to an array. Every leaf is a string; the caller
/// reads them as the schema says.
pub(crate) fn nest(pairs: &[(String, String)]) -> Value {
    let mut root = Value::Object(Map::new());
    for (key, value) in pairs {
        insert(&mut root, &key_path(key), Value::String(value.clone()));
    }
    root
}

fn insert(node: &mut Value, path: &[&str], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *node = value;
        return;
    };
    if first.is_empty() {
        if !node.is_array() {
            *node = Value::Array(Vec::new());
        }
        if let Value::Array(items) = node {
            items.push(Value::Null);
            if let Some(last) = items.last_mut() {
                insert(last, rest, value);
            }
        }
        return;
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Value::Object(map) = node {
        let child = map.entry((*first).to_owned()).or_insert(Value::Null);
        insert(child, rest, value);
    }
}

/// A JSON object written as a form body (`a=1&b[c]=2&d[0]=x`), for the fix
/// of a body sent as JSON where the endpoint reads a form. Cut after about
/// `limit` characters.
pub(crate) fn encode(value: &Value, limit: usize) -> String {
    let mut fields = Vec::new();
    flatten(value, String::new(), &mut fields, 0);
    let mut out = String::new();
    for (key, text) in fields {
        let pair = format!("{}={}", key, utf8_percent_encode(&text, NON_ALPHANUMERIC));
        if !out.is_empty() {
            if out.len() + pair.len() > limit {
                out.push_str("&…");
                break;
            }
            out.push('&');
        }
        out.push_str(&pair);
    }
    out
}

fn flatten(value: &Value, key: String, out: &mut Vec<(String, String)>, depth: usize) {
    if depth > MAX_BODY_DEPTH {
        return;
    }
    let child = |name: &str| {
        if key.is_empty() {
            name.to_owned()
        } else {
            format!("{key}[{name}]")
        }
    };
    match value {
        Value::Object(map) => {
            for (name, inner) in map {
                flatten(inner, child(name), out, depth + 1);
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                flatten(inner, child(&i.to_string()), out, depth + 1);
            }
        }
        Value::String(text) => out.push((key, text.clone())),
        Value::Null => out.push((key, String::new())),
        other => out.push((key, other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_keys_build_objects_and_arrays() {
        let fields = pairs(
            "amount=2000&currency=usd&card[exp_month]=12&expand[]=a&expand[]=b&items[0][price]=p%5F1&note=a+b",
        );
        assert_eq!(
            nest(&fields),
            json!({
                "amount": "2000", "currency": "usd", "card": {"exp_month": "12"},
                "expand": ["a", "b"], "items": {"0": {"price": "p_1"}}, "note": "a b"
            })
        );
        assert_eq!(key_path("a[b"), ["a[b"]);
        assert_eq!(key_path("[a]"), ["[a]"]);
    }

    #[test]
    fn json_written_as_a_form() {
        let body = json!({"amount": 2000, "metadata": {"order": "6735"}, "expand": ["customer"]});
        assert_eq!(
            encode(&body, 200),
            "amount=2000&metadata[order]=6735&expand[0]=customer"
        );
    }
}
