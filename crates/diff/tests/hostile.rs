//! Inputs built to make a diff expensive: the work stays bounded and the
//! answer says when it stopped early.

use serde_json::{Value, json};
use specdex_diff::{MAX_CHANGES, diff};
use specdex_spec::{Api, Base, NoFetch, ReadOptions, read_api};

fn model(document: &Value) -> Api {
    let bytes = serde_json::to_vec(document).expect("JSON");
    read_api(
        "hostile.json",
        &bytes,
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .expect("reads")
    .api
}

/// `endpoints` endpoints whose 200 response is `Thing`, which has `fields`
/// properties.
fn shared_schema(endpoints: usize, fields: usize) -> Value {
    let mut paths = serde_json::Map::new();
    for n in 0..endpoints {
        paths.insert(
            format!("/things{n}"),
            json!({"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}),
        );
    }
    let properties: serde_json::Map<String, Value> = (0..fields)
        .map(|n| (format!("field{n}"), json!({"type": "string"})))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Things", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"Thing": {"type": "object", "properties": properties}}}
    })
}

#[test]
fn a_change_multiplied_by_many_endpoints_stops_at_the_limit() {
    // 1,200 endpoints × 500 removed properties = 600,000 endpoint changes.
    let before = model(&shared_schema(1_200, 500));
    let after = model(&shared_schema(1_200, 0));
    let found = diff(&before, &after);
    assert_eq!(found.changes.len(), MAX_CHANGES);
    assert!(!found.summary.complete);
    assert!(
        found
            .changes
            .iter()
            .all(|c| c.rule == "response-property-removed")
    );
}

#[test]
fn huge_enums_compare_in_linear_time() {
    let values = |range: std::ops::Range<usize>| -> Vec<Value> {
        range.map(|n| json!(format!("v{n}"))).collect()
    };
    let document = |enumeration: Vec<Value>| {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Enum", "version": "1"},
            "paths": {"/e": {"get": {
                "parameters": [{"name": "v", "in": "query", "schema": {"type": "string", "enum": enumeration}}],
                "responses": {"204": {"description": "ok"}}}}}
        })
    };
    // 200,000 values on each side, half of them shared: a quadratic
    // comparison would take 10^10 steps.
    let found = diff(
        &model(&document(values(0..200_000))),
        &model(&document(values(100_000..300_000))),
    );
    let rules: Vec<&str> = found.changes.iter().map(|c| c.rule).collect();
    assert_eq!(
        rules,
        [
            "request-parameter-enum-value-removed",
            "request-parameter-enum-value-added"
        ]
    );
    assert_eq!(
        found.changes[0]
            .before
            .as_ref()
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(100_000)
    );
}

#[test]
fn renamed_schemas_in_a_deep_diamond_are_compared_once_per_pair() {
    // Level i has two properties both referring to level i+1, under other
    // names in each edition (P_i vs Q_i), so every pair differs by name:
    // followed naively, 40 levels would be 2^40 walks.
    let chain = |prefix: &str, extra: bool| {
        let mut schemas = serde_json::Map::new();
        for level in 0..40 {
            let next = json!({"$ref": format!("#/components/schemas/{prefix}{}", level + 1)});
            schemas.insert(
                format!("{prefix}{level}"),
                json!({"type": "object", "properties": {"left": next, "right": next}}),
            );
        }
        let mut last = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        if extra {
            last["properties"]["gone"] = json!({"type": "string"});
        }
        schemas.insert(format!("{prefix}40"), last);
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Diamond", "version": "1"},
            "paths": {"/d": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": format!("#/components/schemas/{prefix}0")}}}}}}}},
            "components": {"schemas": schemas}
        })
    };
    let found = diff(&model(&chain("P", true)), &model(&chain("Q", false)));
    assert!(found.summary.complete);
    // The removal is 41 references deep: past the endpoint's reach, and the
    // P/Q schemas are added and removed as components.
    assert_eq!(found.summary.endpoints_changed, 0);
    assert_eq!(
        specdex_diff::count_by_rule(&found.changes).get("component-removed"),
        Some(&41)
    );
}

#[test]
fn references_followed_from_every_endpoint_count_as_work() {
    // 2,000 endpoints each refer to `Hub`, which refers to 2,000 schemas:
    // following every reference from every endpoint would be 4,000,000
    // steps for a document of a few hundred kilobytes.
    let document = || {
        let mut paths = serde_json::Map::new();
        for n in 0..2_000 {
            paths.insert(
                format!("/hub{n}"),
                json!({"get": {"responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Hub"}}}}}}}),
            );
        }
        let mut schemas = serde_json::Map::new();
        let spokes: serde_json::Map<String, Value> = (0..2_000)
            .map(|n| {
                (
                    format!("s{n}"),
                    json!({"$ref": format!("#/components/schemas/Spoke{n}")}),
                )
            })
            .collect();
        schemas.insert(
            "Hub".to_owned(),
            json!({"type": "object", "properties": spokes}),
        );
        for n in 0..2_000 {
            schemas.insert(format!("Spoke{n}"), json!({"type": "string"}));
        }
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Hub", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas}
        })
    };
    let api = model(&document());
    let found = diff(&api, &api);
    assert!(found.changes.is_empty());
    assert!(
        !found.summary.complete,
        "the walk stops at its budget and says so"
    );
}
