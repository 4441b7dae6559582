//! The query commands of the `specdex` binary over a small hand-written API.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const PETS: &str = r##"openapi: 3.0.3
info:
  title: Pet Shop
  version: "2.1"
  description: Sells pets.
servers:
  - url: https://api.petshop.test/v2
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Api-Key}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        owner: {$ref: "#/components/schemas/Owner"}
    Owner:
      type: object
      properties:
        pets: {type: array, items: {$ref: "#/components/schemas/Pet"}}
security:
  - key: []
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      tags: [pets]
      parameters:
        - {name: limit, in: query, schema: {type: integer, format: int32}, description: Page size}
      responses:
        "200": {description: A page of pets, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}}}}
    post:
      operationId: createPet
      summary: Adopt out a new pet
      tags: [pets]
      requestBody:
        required: true
        content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}
      responses:
        "201": {description: Created}
  /pets/{id}:
    delete:
      operationId: deletePet
      summary: Remove a pet
      tags: [pets]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Gone}
"##;

fn specdex(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specdex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run specdex")
}

fn catalog() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("pets.yaml");
    std::fs::write(&spec, PETS).expect("write");
    let db = dir.path().join("c.db");
    let out = specdex(&db, &["ingest", spec.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    (dir, db)
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

#[test]
fn endpoint_detail_has_curl_parameters_and_auth() {
    let (_dir, db) = catalog();
    let text = stdout(&specdex(
        &db,
        &["endpoint", "petshop", "DELETE /pets/{id}", "post /pets"],
    ));
    assert!(text.contains("## DELETE /pets/{id}"), "{text}");
    assert!(text.contains("| id | path | yes | string | — |"), "{text}");
    assert!(
        text.contains("curl -X DELETE \"https://api.petshop.test/v2/pets/{id}\""),
        "{text}"
    );
    assert!(text.contains("-H \"X-Api-Key: $KEY\""), "{text}");
    assert!(text.contains("## POST /pets"), "{text}");
    assert!(text.contains("-d '{\"name\":\"string\"}'"), "{text}");
    let json: Value = serde_json::from_str(&stdout(&specdex(
        &db,
        &["endpoint", "petshop", "GET /pets", "--json"],
    )))
    .expect("json");
    assert_eq!(json["endpoints"][0]["operation_id"], "listPets");
    assert_eq!(
        json["endpoints"][0]["parameters"][0]["type"],
        "integer(int32)"
    );
}

#[test]
fn listings_filter_and_search_ranks() {
    let (_dir, db) = catalog();
    let text = stdout(&specdex(
        &db,
        &["endpoints", "petshop", "--method", "delete"],
    ));
    assert!(text.contains("petshop/v2 2.1: 1 endpoint"), "{text}");
    let json: Value = serde_json::from_str(&stdout(&specdex(
        &db,
        &[
            "endpoints",
            "petshop",
            "--query",
            "pets",
            "--limit",
            "1",
            "--json",
        ],
    )))
    .expect("json");
    assert_eq!(json["total"], 3);
    assert_eq!(json["next_cursor"], "o1");
    let next: Value = serde_json::from_str(&stdout(&specdex(
        &db,
        &[
            "endpoints",
            "petshop",
            "--limit",
            "1",
            "--cursor",
            "o1",
            "--json",
        ],
    )))
    .expect("json");
    assert_eq!(next["endpoints"][0]["method"], "POST");
    let hits = stdout(&specdex(&db, &["search", "remove a pet"]));
    assert!(
        hits.contains("1. **petshop/v2** `DELETE /pets/{id}`"),
        "{hits}"
    );
}

#[test]
fn schemas_expand_and_mark_cycles() {
    let (_dir, db) = catalog();
    let flat: Value = serde_json::from_str(&stdout(&specdex(
        &db,
        &["schema", "petshop", "Pet", "--json"],
    )))
    .expect("json");
    assert_eq!(
        flat["schemas"][0]["schema"]["properties"]["owner"]["$ref"],
        "#/components/schemas/Owner"
    );
    assert_eq!(flat["schemas"][0]["in_cycle"], true);
    let deep: Value = serde_json::from_str(&stdout(&specdex(
        &db,
        &["schema", "petshop", "Pet", "--depth", "3", "--json"],
    )))
    .expect("json");
    let items = &deep["schemas"][0]["schema"]["properties"]["owner"]["properties"]["pets"]["items"];
    assert_eq!(items["x-circular"], true, "{deep}");
}

#[test]
fn summary_versions_and_spec() {
    let (_dir, db) = catalog();
    let summary = stdout(&specdex(&db, &["summary", "petshop"]));
    assert!(summary.contains("# Pet Shop (petshop/v2 2.1)"), "{summary}");
    assert!(
        summary.contains("Auth: `key`: API key in header `X-Api-Key`"),
        "{summary}"
    );
    assert!(summary.contains("- **pets** (3):"), "{summary}");
    let versions = stdout(&specdex(&db, &["versions", "petshop"]));
    assert!(versions.contains("| 2.1 | 3 | 2 |"), "{versions}");
    assert_eq!(stdout(&specdex(&db, &["spec", "petshop"])), PETS);
}

#[test]
fn mistakes_exit_non_zero_with_closest_matches() {
    let (_dir, db) = catalog();
    let out = specdex(&db, &["summary", "petshp"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no API `petshp`; closest: petshop/"), "{err}");
    let out = specdex(&db, &["endpoint", "petshop", "DELETE /pet/{id}"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("closest: DELETE /pets/{id}"), "{err}");
    let out = specdex(&db, &["endpoint", "petshop", "/pets"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid `e`"), "{err}");
}
