//! What changed between editions, asked of the engine over a stored
//! catalog: which editions a question names, filters, pages, the cache per
//! pair, the renderings (insta), and — on the corpus when it is present —
//! that a diff of stored snapshots equals the diff of the documents read
//! directly (the store keeps everything the diff needs).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use specdex_diff::Level;
use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::{ChangeQuery, Engine, Query, QueryError};
use specdex_store::SqliteCatalog;

/// Pets 1.0: list and fetch pets; a pet has an id, a name and a tag.
const PETS_1: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "1.0"}
servers: [{url: "https://pets.example.com/v1"}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
        - {name: status, in: query, schema: {type: string, enum: [available, sold, all]}}
      responses:
        "200":
          description: The pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404": {description: No such pet.}
    delete:
      operationId: deletePet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "204": {description: Deleted.}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
        tag: {type: string}
"##;

/// Pets 2.0: `tag` gone from Pet, `status` narrowed, `limit` lowered,
/// `DELETE` removed, `POST /pets` added, path parameter renamed.
const PETS_2: &str = r##"
openapi: 3.0.3
info: {title: Pets, version: "2.0"}
servers: [{url: "https://pets.example.com/v1"}]
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 50}}
        - {name: status, in: query, schema: {type: string, enum: [available, sold]}}
      responses:
        "200":
          description: The pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      operationId: addPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "201": {description: Added.}
  /pets/{petId}:
    get:
      operationId: getPet
      parameters:
        - {name: petId, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: A pet.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        "404": {description: No such pet.}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
"##;

struct Fixture {
    engine: Engine,
    _dir: tempfile::TempDir,
}

/// A catalog holding `documents` in order, all as `pets/api`.
fn catalog(documents: &[&str]) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let options = IngestOptions {
        provider: Some("pets".to_owned()),
        api: Some("api".to_owned()),
        ..IngestOptions::default()
    };
    for (n, text) in documents.iter().enumerate() {
        let path = dir.path().join(format!("edition-{n}.yaml"));
        std::fs::write(&path, text).expect("write fixture");
        let result = ingest_file(&catalog, &path, None, &options);
        assert!(result.outcome.is_ok(), "{:?}", result.outcome.err());
    }
    let engine = Engine::new(Arc::new(catalog)).expect("engine");
    Fixture { engine, _dir: dir }
}

fn ask(engine: &Engine, question: ChangeQuery) -> specdex_query::Changes {
    engine.changes(&question).expect("an answer")
}

fn pets() -> ChangeQuery {
    ChangeQuery {
        api: "pets/api".to_owned(),
        ..ChangeQuery::default()
    }
}

fn rules(changes: &specdex_query::Changes) -> Vec<(&str, Option<&str>)> {
    changes
        .changes
        .iter()
        .map(|c| (c.rule, c.endpoint.as_deref()))
        .collect()
}

#[test]
fn the_previous_edition_against_the_current_one_by_default() {
    let f = catalog(&[PETS_1, PETS_2]);
    let answer = ask(&f.engine, pets());
    assert_eq!(
        (answer.from.version.as_str(), answer.to.version.as_str()),
        ("1.0", "2.0")
    );
    assert_eq!(
        rules(&answer),
        vec![
            ("request-parameter-limit-tightened", Some("GET /pets")),
            ("request-parameter-enum-value-removed", Some("GET /pets")),
            ("response-property-removed", Some("GET /pets")),
            ("endpoint-added", Some("POST /pets")),
            ("endpoint-removed", Some("DELETE /pets/{id}")),
            ("response-property-removed", Some("GET /pets/{petId}")),
            ("response-property-removed", None),
        ]
    );
    let s = &answer.summary;
    assert_eq!(
        (
            s.endpoints_added,
            s.endpoints_removed,
            s.endpoints_changed,
            s.components_changed
        ),
        (1, 1, 2, 1)
    );
    // The component change counts once per endpoint that reaches it, not
    // again as a component change.
    assert_eq!((s.breaking, s.warning, s.info), (5, 0, 1));
    assert!(s.complete);
}

#[test]
fn renderings_open_with_the_counts() {
    let f = catalog(&[PETS_1, PETS_2]);
    let answer = f.engine.answer(&Query::Changes(pets())).expect("answer");
    assert!(
        answer
            .json
            .starts_with(r#"{"summary":{"endpoints_added":1,"#),
        "{}",
        answer.json
    );
    // Ingest times vary; the rest of the rendering is stable.
    let markdown = answer
        .markdown
        .split('\n')
        .map(|line| {
            if line.starts_with("## ") {
                "## pets/api: changes from 1.0 (#1, …) to 2.0 (#2, …)"
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("pets_changes", markdown);
}

#[test]
fn editions_are_named_by_label_id_or_date() {
    let f = catalog(&[PETS_1, PETS_2]);
    let by = |from: &str, to: &str| {
        let a = ask(
            &f.engine,
            ChangeQuery {
                from: Some(from.to_owned()),
                to: Some(to.to_owned()),
                ..pets()
            },
        );
        (a.from.snapshot, a.to.snapshot)
    };
    assert_eq!(by("1.0", "2.0"), (1, 2));
    assert_eq!(by("#1", "#2"), (1, 2));
    assert_eq!(by("1", "2"), (1, 2));
    // Backwards works too (a downgrade): the additions become removals.
    assert_eq!(by("2.0", "1.0"), (2, 1));
    // A date names the edition current at the end of that day.
    assert_eq!(by("1.0", "9999-12-31"), (1, 2));
    let before_anything = f.engine.changes(&ChangeQuery {
        from: Some("1971-01-01".to_owned()),
        ..pets()
    });
    match before_anything {
        Err(QueryError::NotFound {
            what, suggestions, ..
        }) => {
            assert_eq!(what, "version");
            assert_eq!(suggestions, vec!["2.0 (#2)", "1.0 (#1)"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn repeated_labels_are_told_apart_by_snapshot_id() {
    // JumpCloud's editions are all "2.0": the second and third here too.
    let relabelled = PETS_2.replace("version: \"2.0\"", "version: \"1.0\"");
    let third = relabelled.replace(
        "name: {type: string}",
        "name: {type: string, maxLength: 64}",
    );
    let f = catalog(&[PETS_1, &relabelled, &third]);
    let default = ask(&f.engine, pets());
    assert_eq!((default.from.snapshot, default.to.snapshot), (2, 3));
    let first = ask(
        &f.engine,
        ChangeQuery {
            from: Some("#1".to_owned()),
            ..pets()
        },
    );
    assert_eq!((first.from.snapshot, first.to.snapshot), (1, 3));
    // A label names its newest snapshot.
    let label = ask(
        &f.engine,
        ChangeQuery {
            from: Some("1.0".to_owned()),
            to: Some("#2".to_owned()),
            ..pets()
        },
    );
    assert_eq!((label.from.snapshot, label.to.snapshot), (3, 2));
}

#[test]
fn filters_pages_and_the_cache() {
    let f = catalog(&[PETS_1, PETS_2]);
    let one = ask(
        &f.engine,
        ChangeQuery {
            endpoints: vec!["get /pets/{id}".to_owned()],
            ..pets()
        },
    );
    // Path parameter names do not matter; the summary is the endpoint's.
    assert_eq!(
        rules(&one),
        vec![("response-property-removed", Some("GET /pets/{petId}"))]
    );
    assert_eq!((one.summary.breaking, one.summary.endpoints_added), (1, 0));

    let breaking = ask(
        &f.engine,
        ChangeQuery {
            level: Some(Level::Breaking),
            ..pets()
        },
    );
    assert!(breaking.changes.iter().all(|c| c.level == Level::Breaking));
    assert_eq!(breaking.total, 6);
    assert_eq!(breaking.summary.info, 1, "the summary counts every level");

    let page = ask(
        &f.engine,
        ChangeQuery {
            limit: Some(4),
            ..pets()
        },
    );
    assert_eq!((page.changes.len(), page.total), (4, 7));
    let next = ask(
        &f.engine,
        ChangeQuery {
            limit: Some(4),
            cursor: page.next_cursor.clone(),
            ..pets()
        },
    );
    assert_eq!(next.changes.len(), 3);
    assert_eq!(next.next_cursor, None);

    let bad = f.engine.changes(&ChangeQuery {
        endpoints: vec!["pets".to_owned()],
        ..pets()
    });
    assert!(
        matches!(
            bad,
            Err(QueryError::BadRequest {
                parameter: "endpoint",
                ..
            })
        ),
        "{bad:?}"
    );

    // A pair is diffed once and then served from the cache.
    let history = f.engine.versions("pets/api").expect("history").versions;
    let first = f.engine.diff(&history[1], &history[0]).expect("diff");
    let again = f.engine.diff(&history[1], &history[0]).expect("diff");
    assert!(Arc::ptr_eq(&first, &again));
}

#[test]
fn one_edition_has_nothing_to_compare() {
    let f = catalog(&[PETS_1]);
    match f.engine.changes(&pets()) {
        Err(QueryError::BadRequest { parameter, message }) => {
            assert_eq!(parameter, "from");
            assert!(
                message.contains("no snapshot older than 1.0 (#1)"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    if dir.join("MANIFEST.tsv").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: corpus not found at {}", dir.display());
        None
    }
}

#[test]
fn stored_snapshots_diff_like_the_documents_they_came_from() {
    let Some(corpus) = corpus() else { return };
    let files = ["github-yaml/github.yaml", "github/api.github.com.json"];
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    for file in files {
        let result = ingest_file(
            &catalog,
            &corpus.join(file),
            None,
            &IngestOptions::default(),
        );
        assert!(result.outcome.is_ok(), "{file}: {:?}", result.outcome.err());
    }
    let engine = Engine::new(Arc::new(catalog)).expect("engine");
    let stored = ask(
        &engine,
        ChangeQuery {
            api: "github/api".to_owned(),
            limit: Some(1000),
            ..ChangeQuery::default()
        },
    );
    let read = |file: &str| {
        let bytes = std::fs::read(corpus.join(file)).expect("corpus file");
        specdex_spec::read_api(
            file,
            &bytes,
            &specdex_spec::Base::Detached,
            &specdex_spec::NoFetch,
            &specdex_spec::ReadOptions::default(),
        )
        .expect("reads")
        .api
    };
    let direct = specdex_diff::diff(&read(files[0]), &read(files[1]));
    assert_eq!(stored.summary, direct.summary);
    assert_eq!(stored.total, direct.changes.len());
    assert_eq!(stored.changes[..], direct.changes[..stored.changes.len()]);
}
