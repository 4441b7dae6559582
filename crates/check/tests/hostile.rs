//! Hostile planned calls: the work of a check is bounded by the size of
//! the call, whatever it holds. Each case is timed against the same check
//! of a small call, so the test holds on a slow machine too.

use std::sync::Arc;
use std::time::{Duration, Instant};

use specdex_check::{Checker, PlannedCall};
use specdex_spec::{Base, NoFetch, ReadOptions, read_api};

/// A tree whose nodes are one of two shapes, each with children of the
/// same type: a validator that tries both shapes at every level would do
/// 2^depth work on a deep body.
const TREES: &str = r##"
openapi: 3.0.3
info: {title: Trees, version: "1"}
paths:
  /trees:
    post:
      parameters:
        - {name: tag, in: query, schema: {type: array, items: {type: string, enum: [a, b]}}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Node"}
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Node"}
      responses: {"201": {description: Planted.}}
components:
  schemas:
    Node:
      anyOf:
        - type: object
          required: [leaf]
          properties:
            leaf: {type: string}
            kids: {type: array, items: {$ref: "#/components/schemas/Node"}}
        - type: object
          required: [branch]
          properties:
            branch: {type: string}
            kids: {type: array, items: {$ref: "#/components/schemas/Node"}}
"##;

fn checker() -> Checker {
    let api = read_api(
        "trees.yaml",
        TREES.as_bytes(),
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .expect("reads")
    .api;
    Checker::new(Arc::new(api))
}

fn post(body: String, content_type: &str) -> PlannedCall {
    PlannedCall {
        method: "POST".to_owned(),
        path: "/trees".to_owned(),
        body: Some(body),
        content_type: Some(content_type.to_owned()),
        ..PlannedCall::default()
    }
}

/// The time of the slowest of three checks of `call`.
fn time(checker: &Checker, call: &PlannedCall) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            checker.check(call);
            start.elapsed()
        })
        .max()
        .unwrap_or_default()
}

/// A chain of `depth` nodes that fit both alternatives, over a last node
/// that fits neither: each level is worth descending for both.
fn chain(depth: usize) -> String {
    let mut body = String::from(r#"{"leaf": 5, "branch": 5}"#);
    for _ in 0..depth {
        body = format!(r#"{{"leaf": "x", "branch": "y", "kids": [{body}]}}"#);
    }
    body
}

#[test]
fn nested_alternatives_cost_no_more_than_the_body_is_deep() {
    let checker = checker();
    let small = post(chain(4), "application/json");
    checker.check(&small);
    let base = time(&checker, &small).max(Duration::from_micros(50));
    // 60 levels: 2^60 if each level tried both alternatives below it.
    let deep = post(chain(60), "application/json");
    let verdict = checker.check(&deep);
    assert!(!verdict.ok);
    let took = time(&checker, &deep);
    assert!(
        took < base * 200,
        "60 levels took {took:?} (4 levels: {base:?})"
    );
}

#[test]
fn large_bodies_queries_and_forms_stay_linear() {
    let checker = checker();
    let wide = |n: usize| {
        let kids = vec![r#"{"leaf": "x"}"#; n].join(",");
        post(
            format!(r#"{{"leaf": "root", "kids": [{kids}]}}"#),
            "application/json",
        )
    };
    let form = |n: usize| {
        let fields: Vec<String> = (0..n).map(|i| format!("kids[{i}][leaf]=x")).collect();
        post(
            format!("leaf=root&{}", fields.join("&")),
            "application/x-www-form-urlencoded",
        )
    };
    let query = |n: usize| PlannedCall {
        query: (0..n)
            .map(|i| {
                (
                    "tag".to_owned(),
                    if i % 2 == 0 { "a" } else { "b" }.to_owned(),
                )
            })
            .collect(),
        ..wide(1)
    };
    for (name, make) in [
        ("wide JSON body", &wide as &dyn Fn(usize) -> PlannedCall),
        ("form body", &form),
        ("repeated query parameter", &query),
    ] {
        let small = make(1_000);
        checker.check(&small);
        let base = time(&checker, &small).max(Duration::from_micros(50));
        let large = make(20_000);
        let took = time(&checker, &large);
        // 20× the input: linear work is about 20× the time; allow noise.
        assert!(
            took < base * 80,
            "{name}: 20,000 took {took:?}, 1,000 took {base:?}"
        );
    }
}
