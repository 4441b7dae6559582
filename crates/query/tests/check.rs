//! Checking planned calls through the engine, over a stored catalog: the
//! edition asked for is the one held against, bad questions are refused
//! with a message, and the rendering (insta) says the verdict first.

use std::sync::Arc;

use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::check::{Kind, PlannedCall, Severity};
use specdex_query::{CallQuery, Engine, Query, QueryError};
use specdex_store::SqliteCatalog;

/// Pets 1.0: pets are listed by `status`; a pet is added as a form.
const PETS_1: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1.0"}
servers: [{url: "https://pets.example.com/v1"}]
security: [{key: []}]
paths:
  /pets:
    get:
      parameters:
        - {name: status, in: query, schema: {type: string, enum: [available, sold]}}
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses: {"200": {description: The pets.}}
    post:
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses: {"201": {description: Added.}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    NewPet:
      type: object
      required: [name]
      additionalProperties: false
      properties:
        name: {type: string}
        age: {type: integer, minimum: 0}
        owner:
          type: object
          properties:
            email: {type: string, format: email}
"##;

/// Pets 2.0: `status` became `state`.
const PETS_2: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "2.0"}
servers: [{url: "https://pets.example.com/v1"}]
paths:
  /pets:
    get:
      parameters:
        - {name: state, in: query, schema: {type: string, enum: [available, sold]}}
      responses: {"200": {description: The pets.}}
"##;

struct Fixture {
    engine: Engine,
    _dir: tempfile::TempDir,
}

fn catalog() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let options = IngestOptions {
        provider: Some("pets".to_owned()),
        api: Some("api".to_owned()),
        ..IngestOptions::default()
    };
    for (n, text) in [PETS_1, PETS_2].iter().enumerate() {
        let path = dir.path().join(format!("edition-{n}.yaml"));
        std::fs::write(&path, text).expect("write fixture");
        let result = ingest_file(&catalog, &path, None, &options);
        assert!(result.outcome.is_ok(), "{:?}", result.outcome.err());
    }
    let engine = Engine::new(Arc::new(catalog)).expect("engine");
    Fixture { engine, _dir: dir }
}

fn call(method: &str, path: &str) -> PlannedCall {
    PlannedCall {
        method: method.to_owned(),
        path: path.to_owned(),
        ..PlannedCall::default()
    }
}

fn question(version: Option<&str>, call: PlannedCall) -> CallQuery {
    CallQuery {
        api: "pets".to_owned(),
        version: version.map(str::to_owned),
        call,
    }
}

#[test]
fn the_edition_asked_for_is_the_one_checked() {
    let f = catalog();
    let current = f
        .engine
        .check(&question(None, call("GET", "/pets?status=sold")))
        .expect("checked");
    assert_eq!(current.version, "2.0");
    assert!(current.ok, "an unknown query parameter is a warning");
    assert_eq!(current.problems[0].kind, Kind::UnknownParameter);
    assert_eq!(current.problems[0].fix, "did you mean `state`?");

    let older = f
        .engine
        .check(&question(Some("1.0"), call("GET", "/pets?status=sold")))
        .expect("checked");
    assert_eq!(older.version, "1.0");
    // 1.0 wants credentials; they are named, and the call is still ok.
    assert!(older.ok);
    assert_eq!(older.problems.len(), 1);
    assert_eq!(older.problems[0].kind, Kind::MissingCredentials);
    assert_eq!(older.problems[0].severity, Severity::Warning);
    assert_eq!(older.problems[0].name.as_deref(), Some("X-Api-Key"));
}

#[test]
fn a_form_body_is_read_and_every_problem_named() {
    let f = catalog();
    let mut planned = call("POST", "https://pets.example.com/v1/pets");
    planned.headers = vec![("X-Api-Key".to_owned(), "secret-value".to_owned())];
    planned.body = Some("nmae=Rex&age=-2&owner[email]=not-an-email".to_owned());
    let answer = f
        .engine
        .check(&question(Some("1.0"), planned))
        .expect("checked");
    assert!(!answer.ok);
    assert_eq!(answer.endpoint.as_deref(), Some("POST /pets"));
    let kinds: Vec<(Kind, Option<&str>)> = answer
        .problems
        .iter()
        .map(|p| (p.kind, p.pointer.as_deref()))
        .collect();
    assert!(
        kinds.contains(&(Kind::MissingField, Some("/name"))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(Kind::UnknownField, Some("/nmae"))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(Kind::OutOfRange, Some("/age"))),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(Kind::WrongFormat, Some("/owner/email"))),
        "{kinds:?}"
    );
    let json = serde_json::to_string(&answer).expect("serializes");
    assert!(
        !json.contains("secret-value"),
        "a credential's value is never repeated"
    );
    let Ok(rendered) = f.engine.answer(&Query::Check(question(
        Some("1.0"),
        PlannedCall {
            body: Some("nmae=Rex&age=-2".to_owned()),
            headers: vec![("X-Api-Key".to_owned(), "k".to_owned())],
            ..call("POST", "/pets")
        },
    ))) else {
        panic!("answered");
    };
    insta::assert_snapshot!("check_form_body", rendered.markdown);
}

#[test]
fn bad_questions_are_refused_with_a_message() {
    let f = catalog();
    let refused = |planned: PlannedCall| match f.engine.check(&question(None, planned)) {
        Err(QueryError::BadRequest { parameter, message }) => format!("{parameter}: {message}"),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert!(refused(call("", "/pets")).starts_with("method:"));
    assert!(refused(call("GE T", "/pets")).starts_with("method:"));
    assert!(refused(call("GET", " ")).starts_with("path:"));
    let mut huge = call("POST", "/pets");
    huge.body = Some("x".repeat(specdex_query::check::MAX_BODY_BYTES + 1));
    assert!(refused(huge).starts_with("body:"));
    match f.engine.check(&CallQuery {
        api: "nobody".to_owned(),
        ..question(None, call("GET", "/pets"))
    }) {
        Err(QueryError::NotFound { .. }) => {}
        other => panic!("expected not found, got {other:?}"),
    }
}
