//! JSON pointers (RFC 6901) as they appear in `$ref` fragments.
//!
//! A fragment is percent-decoded first (it is part of a URI), then split on
//! `/`, then each token is unescaped (`~1` → `/`, `~0` → `~`).

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// The key under which bundling stores targets of references into other
/// files; `#/x-specdex-bundle/<name>` points at one.
pub const BUNDLE_KEY: &str = "x-specdex-bundle";

/// Splits a `$ref` into its document part and its fragment (without `#`).
pub fn split_ref(reference: &str) -> (&str, &str) {
    match reference.split_once('#') {
        Some((doc, fragment)) => (doc, fragment),
        None => (reference, ""),
    }
}

/// The unescaped tokens of a pointer fragment (`/a~1b/c` → `["a/b", "c"]`).
pub fn tokens(fragment: &str) -> Vec<String> {
    let decoded = percent_decode_str(fragment).decode_utf8_lossy();
    let trimmed = decoded.strip_prefix('/').unwrap_or(&decoded);
    if trimmed.is_empty() {
        return Vec::new();
    }
    trimmed
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Escapes one token for use in a pointer.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Builds a pointer (`/a~1b/c`) from tokens.
pub fn join<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    tokens
        .into_iter()
        .map(|t| format!("/{}", escape(t)))
        .collect()
}

/// Looks a fragment up in `root`; `""` and `"/"` are the root itself.
///
/// Lenient like real tools: when a step meets a `{"$ref": "#..."}` object that
/// lacks the next key, the reference is followed (bounded) before stepping on.
pub fn resolve<'a>(root: &'a Value, fragment: &str) -> Option<&'a Value> {
    resolve_tokens(root, &tokens(fragment), 0)
}

fn resolve_tokens<'a>(root: &'a Value, tokens: &[String], hops: usize) -> Option<&'a Value> {
    const MAX_HOPS: usize = 32;
    let mut current = root;
    let mut hops = hops;
    for token in tokens {
        // A reference may lead to another reference: follow until the key
        // is found or the hops run out.
        current = loop {
            match current {
                Value::Object(map) => match map.get(token.as_str()) {
                    Some(next) => break next,
                    None => {
                        let reference = map.get("$ref")?.as_str()?;
                        let (doc, fragment) = split_ref(reference);
                        if !doc.is_empty() || hops >= MAX_HOPS {
                            return None;
                        }
                        hops += 1;
                        current = resolve_tokens(root, &self::tokens(fragment), hops)?;
                    }
                },
                Value::Array(items) => break items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            }
        };
    }
    Some(current)
}

/// The display name of a local reference: the last token
/// (`#/components/schemas/Pet` → `Pet`; a bundled file → its relative path).
pub fn ref_name(reference: &str) -> String {
    let (_, fragment) = split_ref(reference);
    tokens(fragment)
        .pop()
        .unwrap_or_else(|| reference.to_owned())
}

/// The named schema a `$ref` points at, if it points at a whole one
/// (`#/components/schemas/Pet`, `#/definitions/Pet`, a bundled file).
pub fn schema_ref_target(reference: &str) -> Option<String> {
    let (doc, fragment) = split_ref(reference);
    if !doc.is_empty() {
        return None;
    }
    let tokens = tokens(fragment);
    match tokens.as_slice() {
        [c, s, name] if c == "components" && s == "schemas" => Some(name.clone()),
        [d, name] if d == "definitions" || d == BUNDLE_KEY => Some(name.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_unescape_in_order() {
        assert_eq!(
            tokens("/paths/~1users~1{id}/get"),
            ["paths", "/users/{id}", "get"]
        );
        // `~01` is `~1` literally, not `/`.
        assert_eq!(tokens("/a~01b"), ["a~1b"]);
        assert_eq!(
            tokens("/components/schemas/Foo%20Bar"),
            ["components", "schemas", "Foo Bar"]
        );
        assert!(tokens("").is_empty());
        assert!(tokens("/").is_empty());
    }

    #[test]
    fn resolve_walks_objects_and_arrays() {
        let doc = json!({"a": {"b/c": [10, {"d~e": 5}]}});
        assert_eq!(resolve(&doc, "/a/b~1c/1/d~0e"), Some(&json!(5)));
        assert_eq!(resolve(&doc, "/a/b~1c/7"), None);
        assert_eq!(resolve(&doc, ""), Some(&doc));
    }

    #[test]
    fn resolve_follows_refs_met_on_the_way() {
        let doc = json!({"x": {"$ref": "#/y"}, "y": {"z": 1}});
        assert_eq!(resolve(&doc, "/x/z"), Some(&json!(1)));
        let looped = json!({"x": {"$ref": "#/x"}});
        assert_eq!(resolve(&looped, "/x/z"), None);
        // A reference to a reference (swagger-parser's callbacks-promises).
        let chained = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"title": "t"}});
        assert_eq!(resolve(&chained, "/a/title"), Some(&json!("t")));
        let mutual = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}});
        assert_eq!(resolve(&mutual, "/a/title"), None);
    }

    #[test]
    fn escape_and_tokens_round_trip() {
        for name in ["a/b", "~", "~1", "plain", "x~/y"] {
            assert_eq!(tokens(&join([name])), [name]);
        }
    }

    #[test]
    fn ref_names() {
        assert_eq!(ref_name("#/components/schemas/Pet"), "Pet");
        assert_eq!(
            ref_name("#/x-specdex-bundle/models~1droplet.yml"),
            "models/droplet.yml"
        );
    }
}
