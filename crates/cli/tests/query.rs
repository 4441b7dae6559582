//! The query commands of the `specdex` binary over a small hand-written API,
//! and `specdex diff` over the editions of `tests/fixtures/shop`.

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
fn endpoints_brief_within_a_budget_with_their_schemas() {
    let (_dir, db) = catalog();
    let args = [
        "endpoint",
        "petshop",
        "GET /pets",
        "--detail",
        "brief",
        "--max-tokens",
        "300",
        "--include-schemas",
        "--schema-depth",
        "2",
        "--json",
    ];
    let json: Value = serde_json::from_str(&stdout(&specdex(&db, &args))).expect("json");
    assert_eq!(json["detail"], "brief");
    assert_eq!(json["max_tokens"], 300);
    assert_eq!(json["schemas"][0]["name"], "Pet");
    assert_eq!(json["schemas"][1]["name"], "Owner");
    let text = stdout(&specdex(&db, &args[..args.len() - 1]));
    assert!(
        text.contains("## Schemas used (2 levels of references)"),
        "{text}"
    );
    let out = specdex(
        &db,
        &["endpoint", "petshop", "GET /pets", "--max-tokens", "5"],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("invalid `max_tokens`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&specdex(&db, &["schema", "petshop", "Owner"]));
    assert!(
        text.contains("Used by 2 endpoints: `GET /pets`, `POST /pets`"),
        "{text}"
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

/// The three editions of `tests/fixtures/shop` as `shop/pet`, snapshots #1
/// (1.0), #2 (1.1: adds `GET /owners`) and #3 (2.0, current: breaks clients).
fn shop_catalog() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop");
    for edition in ["1.0", "1.1", "2.0"] {
        let file = fixtures.join(format!("shop-{edition}.yaml"));
        let file = file.to_str().expect("utf-8");
        stdout(&specdex(&db, &["ingest", file, "--provider", "shop"]));
    }
    (dir, db)
}

/// `specdex diff --json`, parsed; the exit status must be `status`.
fn diff_json(db: &Path, args: &[&str], status: i32) -> Value {
    let out = specdex(db, &[&["diff"], args, &["--json"]].concat());
    assert_eq!(
        out.status.code(),
        Some(status),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn rules(changes: &Value) -> Vec<&str> {
    changes["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["rule"].as_str())
        .collect()
}

#[test]
fn diff_compares_the_previous_edition_with_the_current_one() {
    let (_dir, db) = shop_catalog();
    let text = stdout(&specdex(&db, &["diff", "shop"]));
    assert!(
        text.starts_with("## shop/pet: changes from 1.1 (#2, ") && text.contains(" to 2.0 (#3, "),
        "{text}"
    );
    assert!(
        text.contains(
            "+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info · 1 schema changed"
        ),
        "{text}"
    );
    for line in [
        "### `DELETE /pets/{petId}`\n\n- **breaking** `endpoint-removed` ",
        "- **warning** `request-parameter-removed` ",
        "- **breaking** `response-property-removed` ",
        "- **info** `response-property-added` ",
        "### `POST /pets`\n\n- **info** `endpoint-added` ",
        "- **info** `response-status-added` ",
        "### Schemas\n\n- **breaking** `response-property-removed` Response property removed: `tag` in schema `Pet`.",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
    assert!(
        !text.contains("/owners"),
        "GET /owners did not change: {text}"
    );

    let out = specdex(&db, &["diff", "shop/pet", "--json"]);
    let raw = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        raw.starts_with("{\"summary\":{"),
        "summary opens the answer: {raw}"
    );
    let json: Value = serde_json::from_str(&raw).expect("json");
    assert_eq!(
        json["summary"],
        serde_json::json!({"endpoints_added": 1, "endpoints_removed": 1, "endpoints_changed": 2,
                           "components_changed": 1, "breaking": 3, "warning": 1, "info": 4,
                           "complete": true})
    );
    assert_eq!(
        (&json["from"]["version"], &json["from"]["snapshot"]),
        (&"1.1".into(), &2.into())
    );
    assert_eq!(
        (&json["to"]["version"], &json["to"]["snapshot"]),
        (&"2.0".into(), &3.into())
    );
    assert_eq!(json["total"], 10);
    assert_eq!(
        rules(&json),
        [
            "request-parameter-removed",
            "response-property-removed",
            "response-property-added",
            "endpoint-added",
            "endpoint-removed",
            "response-property-removed",
            "response-property-added",
            "response-status-added",
            "response-property-removed",
            "response-property-added",
        ]
    );
    let removed = &json["changes"][4];
    assert_eq!(removed["endpoint"], "DELETE /pets/{petId}");
    assert_eq!(removed["level"], "breaking");
    assert_eq!(
        json["changes"][1]["location"],
        "/responses/200/content/application~1json/schema/items/properties/tag"
    );
    assert_eq!(
        json["changes"][8]["location"],
        "#/components/schemas/Pet/properties/tag"
    );
    assert!(json["changes"][8].get("endpoint").is_none(), "{json}");
}

#[test]
fn diff_lists_breaking_changes_or_some_endpoints_counting_what_was_asked() {
    let (_dir, db) = shop_catalog();
    let breaking = diff_json(&db, &["shop", "--breaking-only"], 0);
    assert_eq!(breaking["level"], "breaking");
    assert_eq!(
        rules(&breaking),
        [
            "response-property-removed",
            "endpoint-removed",
            "response-property-removed",
            "response-property-removed",
        ]
    );
    assert_eq!(breaking["total"], 4);
    // The counts still cover every change.
    assert_eq!(
        (
            &breaking["summary"]["breaking"],
            &breaking["summary"]["warning"],
            &breaking["summary"]["info"]
        ),
        (&3.into(), &1.into(), &4.into())
    );
    assert_eq!(
        diff_json(&db, &["shop", "--level", "warning"], 0)["total"],
        5
    );
    let text = stdout(&specdex(&db, &["diff", "shop", "--breaking-only"]));
    assert!(text.contains("Listed: breaking and above."), "{text}");
    assert!(
        !text.contains("**info**") && !text.contains("**warning**"),
        "{text}"
    );

    // Endpoints as agents write them: any case, any path parameter name.
    let some = diff_json(
        &db,
        &[
            "shop",
            "--endpoint",
            "get /pets/{id}",
            "--endpoint",
            "DELETE /pets/{petId}",
        ],
        0,
    );
    let endpoints: Vec<&str> = some["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["endpoint"].as_str())
        .collect();
    assert_eq!(
        endpoints,
        [
            "DELETE /pets/{petId}",
            "GET /pets/{petId}",
            "GET /pets/{petId}",
            "GET /pets/{petId}"
        ]
    );
    assert_eq!(
        some["endpoints"],
        serde_json::json!(["get /pets/{id}", "DELETE /pets/{petId}"])
    );
    assert_eq!(
        (
            &some["summary"]["endpoints_removed"],
            &some["summary"]["breaking"],
            &some["summary"]["info"]
        ),
        (&1.into(), &2.into(), &2.into())
    );
    let unchanged = stdout(&specdex(
        &db,
        &["diff", "shop", "--endpoint", "GET /owners"],
    ));
    assert!(
        unchanged.contains("0 breaking, 0 warnings, 0 info")
            && unchanged.contains("Endpoints: GET /owners")
            && unchanged.contains("No changes."),
        "{unchanged}"
    );

    let first = diff_json(&db, &["shop", "--limit", "3"], 0);
    assert_eq!(first["changes"].as_array().map(Vec::len), Some(3));
    assert_eq!(first["next_cursor"], "o3");
    let next = diff_json(&db, &["shop", "--limit", "3", "--cursor", "o3"], 0);
    assert_eq!(
        next["changes"][0],
        diff_json(&db, &["shop"], 0)["changes"][3]
    );
    let text = stdout(&specdex(&db, &["diff", "shop", "--limit", "3"]));
    assert!(text.contains("Showing 3 of 10 changes."), "{text}");
}

#[test]
fn diff_names_editions_by_label_id_or_date() {
    let (_dir, db) = shop_catalog();
    let additions = diff_json(&db, &["shop", "1.0", "1.1"], 0);
    assert_eq!(
        (&additions["from"]["snapshot"], &additions["to"]["snapshot"]),
        (&1.into(), &2.into())
    );
    assert_eq!(rules(&additions), ["endpoint-added"]);
    assert_eq!(additions["changes"][0]["endpoint"], "GET /owners");
    // FROM alone: FROM → the current edition.
    let from_only = diff_json(&db, &["shop", "1.0"], 0);
    assert_eq!(
        (&from_only["from"]["version"], &from_only["to"]["version"]),
        (&"1.0".into(), &"2.0".into())
    );
    assert_eq!(from_only["summary"]["endpoints_added"], 2);
    for (from, to) in [
        ("#1", "#3"),
        ("1", "3"),
        ("#1", "2.0"),
        ("1.0", "2999-12-31"),
    ] {
        let by_id = diff_json(&db, &["shop", from, to], 0);
        assert_eq!(by_id["summary"], from_only["summary"], "{from} {to}");
        assert_eq!(by_id["to"]["snapshot"], 3, "{from} {to}");
    }
    let out = specdex(&db, &["diff", "shop", "9.9"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("9.9") && err.contains("2.0 (#3), 1.1 (#2), 1.0 (#1)"),
        "{err}"
    );
}

#[test]
fn diff_fail_on_exits_3_when_it_finds_such_a_change() {
    let (_dir, db) = shop_catalog();
    for (args, status) in [
        (&["shop", "--fail-on", "breaking"][..], 3),
        (&["shop", "--fail-on", "warning", "--breaking-only"], 3),
        // Only an endpoint added: nothing breaks, something is new.
        (&["shop", "1.0", "1.1", "--fail-on", "breaking"], 0),
        (&["shop", "1.0", "1.1", "--fail-on", "warning"], 0),
        (&["shop", "1.0", "1.1", "--fail-on", "info"], 3),
        // Among the endpoints asked about.
        (
            &["shop", "--endpoint", "GET /owners", "--fail-on", "info"],
            0,
        ),
        (
            &["shop", "--endpoint", "GET /pets", "--fail-on", "breaking"],
            3,
        ),
        (
            &["shop", "--endpoint", "POST /pets", "--fail-on", "warning"],
            0,
        ),
        // Whatever page is printed.
        (
            &[
                "shop",
                "--limit",
                "1",
                "--cursor",
                "o9",
                "--fail-on",
                "breaking",
            ],
            3,
        ),
    ] {
        let out = specdex(&db, &[&["diff"], args].concat());
        assert_eq!(
            out.status.code(),
            Some(status),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The answer is printed either way.
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("## shop/pet: changes from "),
            "{args:?}"
        );
    }
    let json = diff_json(&db, &["shop", "--fail-on", "breaking"], 3);
    assert_eq!(json["summary"]["breaking"], 3);
}

#[test]
fn diff_of_a_single_edition_or_a_wrong_name_fails_with_status_1() {
    let (_dir, db) = catalog();
    let out = specdex(&db, &["diff", "petshop", "--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`petshop/v2` has no snapshot older than 2.1 (#1) to compare with"),
        "{err}"
    );
    let out = specdex(&db, &["diff", "petshp"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no API `petshp`; closest: petshop/"), "{err}");
    let out = specdex(&db, &["diff", "petshop", "--endpoint", "/pets"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`/pets` is not \"METHOD /path\""), "{err}");
}

#[test]
fn diff_help_explains_editions_exit_status_and_examples() {
    let out = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .args(["diff", "--help"])
        .output()
        .expect("run specdex");
    let help = stdout(&out);
    for needle in [
        "Usage: specdex diff [OPTIONS] <API> [FROM] [TO]",
        "`#12`",
        "Exit status: 0, or 3 when --fail-on finds a change at that level or",
        "(1 on errors)",
        "Examples:\n  specdex diff stripe\n",
        "--endpoint \"GET /systemusers\"",
        "--fail-on breaking --json",
        "--breaking-only",
        "docs/diff-rules.md",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn check_exits_3_on_an_error_and_reads_the_body_from_a_file_or_stdin() {
    let (dir, db) = catalog();
    let ok = specdex(
        &db,
        &[
            "check",
            "petshop",
            "GET /pets?limit=5",
            "--header",
            "X-Api-Key=k",
        ],
    );
    let text = stdout(&ok);
    assert!(text.contains("**OK**: no problems found."), "{text}");

    let body = dir.path().join("body.json");
    std::fs::write(&body, r#"{"name": 5}"#).expect("write body");
    let out = specdex(
        &db,
        &[
            "check",
            "petshop",
            "POST /pets",
            "--body",
            body.to_str().expect("utf-8"),
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["problems"][0]["kind"], "wrong_type", "{answer}");
    assert_eq!(answer["problems"][0]["pointer"], "/name", "{answer}");
    assert_eq!(
        answer["problems"][1]["kind"], "missing_credentials",
        "{answer}"
    );

    let mut child = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .arg("--db")
        .arg(&db)
        .args([
            "check",
            "petshop",
            "GET /pets?limit=x",
            "--header",
            "Accept: application/json",
            "--body",
            "-",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run specdex");
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, b"").expect("write stdin");
    }
    let out = child.wait_with_output().expect("finished");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(text.contains("`wrong_type` query `limit`"), "{text}");

    let out = specdex(&db, &["check", "petshop", "/pets"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("METHOD /path"));
}
