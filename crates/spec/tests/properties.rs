//! Invariants that must hold for any input, checked on generated input.

use proptest::prelude::*;
use serde_json::{Value, json};
use specdex_spec::{Base, NoFetch, ReadOptions, pointer, read_api};

/// Arbitrary JSON values a few levels deep, biased towards the keys that
/// the reader cares about so the interesting code paths are reached.
fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("$ref".to_owned()),
        Just("paths".to_owned()),
        Just("get".to_owned()),
        Just("parameters".to_owned()),
        Just("responses".to_owned()),
        Just("schema".to_owned()),
        Just("components".to_owned()),
        Just("schemas".to_owned()),
        "[a-z/~{}#.]{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("#/components/schemas/A".to_owned()),
            Just("#/paths".to_owned()),
            Just("#/".to_owned()),
            Just("other.yaml#/x".to_owned()),
            "[ -~]{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any bytes at all give a document or an error, never a panic.
    #[test]
    fn reading_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_api("fuzz", &bytes, &Base::Detached, &NoFetch, &ReadOptions::default());
    }

    /// Any structure under a valid header is read without panicking, and
    /// every endpoint it yields has a method and a path.
    #[test]
    fn arbitrary_documents_never_panic(body in arb_json(), version in prop_oneof![Just("2.0"), Just("3.0.3"), Just("3.1.0")]) {
        let mut doc = match body {
            Value::Object(map) => Value::Object(map),
            other => json!({"paths": other}),
        };
        let field = if version == "2.0" { "swagger" } else { "openapi" };
        doc[field] = json!(version);
        let bytes = serde_json::to_vec(&doc).expect("serialize");
        if let Ok(read) = read_api("fuzz", &bytes, &Base::Detached, &NoFetch, &ReadOptions::default()) {
            for endpoint in &read.api.endpoints {
                prop_assert!(!endpoint.method.is_empty());
            }
        }
    }

    /// Escaping then parsing a pointer token gives the token back.
    #[test]
    fn pointer_tokens_round_trip(tokens in prop::collection::vec("[ -~]{0,10}", 0..5)) {
        let tokens: Vec<String> = tokens.into_iter().filter(|t| !t.contains('%')).collect();
        // `#/` alone means the whole document in real specs (count.py and
        // swagger-parser agree), not the key "": the one deliberate exception.
        prop_assume!(tokens != [""]);
        let joined = pointer::join(tokens.iter().map(String::as_str));
        prop_assert_eq!(pointer::tokens(&joined), tokens);
    }
}
