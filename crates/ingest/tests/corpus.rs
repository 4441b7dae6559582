//! The corpus test: every document of `../shared/specs` (real specifications
//! and the validators' test fixtures) read from disk through
//! [`specdex_ingest::read_path`] and checked against `MANIFEST.tsv`, whose
//! counts were computed independently (`count.py` beside it).
//!
//! The corpus lives outside the repository: `../shared/specs` relative to
//! the workspace root, or the directory named by `SPECDEX_CORPUS`. Without
//! it every test prints "skipped: corpus not found at ..." and passes, so a
//! fresh clone's tests pass. Run in release (the corpus is ~90 MB):
//! `cargo test -p specdex-ingest --release --test corpus`.
//!
//! Which directory is the ingest root of a document (its file `$ref`s must
//! stay inside it): the document's own directory, unless the manifest notes
//! say `multi-file: N files copied from X`; then the nearest ancestor
//! directory of the document named like the last component of X (the copied
//! tree), because such documents refer to siblings of their directory
//! (`petstore-separate/spec/swagger.yaml` → `../common/Error.yaml`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use specdex_ingest::read_path;
use specdex_spec::{Api, ReadDocument, ReadOptions, SpecError};

/// One line of `MANIFEST.tsv`.
#[derive(Debug, Clone)]
struct Row {
    /// Relative to the corpus directory.
    path: String,
    operations: Option<usize>,
    schemas: Option<usize>,
    notes: String,
}

impl Row {
    fn is_fixture(&self) -> bool {
        self.notes.contains("test fixture")
    }

    /// A real document the counts apply to.
    fn is_real(&self) -> bool {
        !self.is_fixture() && self.operations.is_some() && self.schemas.is_some()
    }

    /// `circular refs: N schemas in cycles` from the notes.
    fn cycles(&self) -> Option<usize> {
        let (_, after) = self.notes.split_once("circular refs: ")?;
        after.split_whitespace().next()?.parse().ok()
    }

    /// Whether the fixture is meant to be faulty: an EXPECT saying so, or,
    /// without one, both validators failing it.
    fn expects_fault(&self) -> bool {
        let notes = &self.notes;
        if notes.contains("EXPECT valid") || notes.contains("EXPECT schema-valid") {
            return false;
        }
        if notes.contains("EXPECT ") {
            return true;
        }
        notes.contains("openapi-spec-validator 0.9.0: FAIL")
            && notes.contains("swagger-parser 13.1.0: FAIL")
    }
}

/// The corpus directory, or `None` (with the "skipped" line) if it is absent.
fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("SPECDEX_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"),
    };
    if dir.join("MANIFEST.tsv").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: corpus not found at {}", dir.display());
        None
    }
}

fn manifest(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv is readable");
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert!(fields.len() >= 8, "malformed manifest line: {line}");
            Row {
                path: fields[0].to_owned(),
                operations: fields[5].parse().ok(),
                schemas: fields[6].parse().ok(),
                notes: fields[7].to_owned(),
            }
        })
        .collect()
}

/// The ingest root of a document (see the module documentation).
fn root_for(dir: &Path, row: &Row) -> PathBuf {
    let document = dir.join(&row.path);
    let own_dir = document.parent().unwrap_or(dir).to_path_buf();
    let Some(copied) = row
        .notes
        .split_once("files copied from ")
        .and_then(|(_, rest)| rest.split(';').next())
    else {
        return own_dir;
    };
    let tree = copied.trim().rsplit('/').next().unwrap_or_default();
    own_dir
        .ancestors()
        .take_while(|a| a.starts_with(dir))
        .find(|a| a.file_name().is_some_and(|name| name == tree))
        .map_or(own_dir.clone(), Path::to_path_buf)
}

struct Read {
    row: Row,
    result: Result<ReadDocument, SpecError>,
    took: Duration,
}

fn read(dir: &Path, row: &Row) -> Read {
    let start = Instant::now();
    let result = read_path(
        &dir.join(&row.path),
        &root_for(dir, row),
        &ReadOptions::default(),
        None,
    );
    Read {
        row: row.clone(),
        result,
        took: start.elapsed(),
    }
}

fn read_one(dir: &Path, path: &str) -> Read {
    let rows = manifest(dir);
    let row = rows
        .iter()
        .find(|r| r.path == path)
        .unwrap_or_else(|| panic!("{path} is not in the manifest"));
    read(dir, row)
}

/// Every document of the manifest, read once per test process.
fn all_documents(dir: &Path) -> &'static [Read] {
    static ALL: OnceLock<Vec<Read>> = OnceLock::new();
    ALL.get_or_init(|| {
        let rows = manifest(dir);
        let reads: Vec<Read> = rows.iter().map(|row| read(dir, row)).collect();
        let total: Duration = reads.iter().map(|r| r.took).sum();
        eprintln!("read {} documents in {total:.2?}", reads.len());
        reads
    })
}

fn api(read: &Read) -> &Api {
    match &read.result {
        Ok(doc) => &doc.api,
        Err(err) => panic!("{} was refused: {err}", read.row.path),
    }
}

fn warning_lines(api: &Api) -> String {
    api.warnings.iter().map(|w| format!("\n    {w}")).collect()
}

#[test]
fn real_documents_match_the_manifest_counts() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for read in all_documents(&dir).iter().filter(|r| r.row.is_real()) {
        checked += 1;
        let row = &read.row;
        let api = match &read.result {
            Ok(doc) => &doc.api,
            Err(err) => {
                failures.push(format!("{}: refused: {err}", row.path));
                continue;
            }
        };
        let ours = (api.endpoint_count(), api.schema_count());
        let theirs = (
            row.operations.unwrap_or_default(),
            row.schemas.unwrap_or_default(),
        );
        if ours != theirs {
            failures.push(format!(
                "{}: ours {}/{} endpoints/schemas, manifest {}/{}",
                row.path, ours.0, ours.1, theirs.0, theirs.1
            ));
        }
        eprintln!("{:>10.2?}  {}", read.took, row.path);
    }
    assert!(
        checked >= 50,
        "only {checked} real documents in the manifest"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Schemas on a reference cycle, as the manifest notes count them
/// (`circular refs: N schemas in cycles`).
///
/// count.py only counts references between named schemas
/// (`#/components/schemas/X`, `#/definitions/X`); we also follow references
/// through schemas pulled in from other files. On every real document and
/// fixture the manifest notes, the two agree; where the notes say nothing
/// (multi-file documents), see [`cycles_through_other_files_count`].
#[test]
fn schemas_in_cycles_match_the_manifest_notes() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    for read in all_documents(&dir) {
        let Some(expected) = read.row.cycles() else {
            continue;
        };
        let ours = in_cycle(api(read));
        if ours != expected {
            failures.push(format!(
                "{}: ours {ours}, manifest {expected}",
                read.row.path
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (path, expected) in [
        ("stripe-2026-01-28/stripe.yaml", 114),
        ("kubernetes/swagger.json.unprocessed", 1),
        ("jumpcloud/api/2.0/index.yaml", 2),
    ] {
        let read = all_documents(&dir)
            .iter()
            .find(|r| r.row.path == path)
            .unwrap_or_else(|| panic!("{path} missing"));
        assert_eq!(in_cycle(api(read)), expected, "{path}");
    }
}

fn in_cycle(api: &Api) -> usize {
    api.schemas
        .iter()
        .filter(|s| s.in_cycle && !s.external)
        .count()
}

/// swagger-parser's circular.yaml names five definitions whose cycles run
/// through other files (`definitions/person.yaml` → `child.yaml` →
/// `parent.yaml` → ...); count.py sees no reference between named schemas
/// and notes no cycle. We follow the files: the named schema that refers
/// back to itself through them is on a cycle, and so are the external ones.
#[test]
fn cycles_through_other_files_count() {
    let Some(dir) = corpus_dir() else { return };
    let read = read_one(&dir, "swagger-parser/circular/circular.yaml");
    let api = api(&read);
    let named: Vec<&str> = api
        .schemas
        .iter()
        .filter(|s| s.in_cycle && !s.external)
        .map(|s| s.name.as_str())
        .collect();
    let external = api
        .schemas
        .iter()
        .filter(|s| s.in_cycle && s.external)
        .count();
    assert_eq!(named, ["thing"], "{:#?}", api.schemas);
    assert_eq!(external, 3, "{:#?}", api.schemas);
}

/// Faulty fixtures: what each must produce. `Refused(s)`: an error naming
/// the file, with `s` in its message; `Warns(s)`: read, with a warning
/// containing `s`.
const FAULTY: &[(&str, Outcome)] = &[
    (
        "oai-schema-tests-v3.1-dev/fail/example-examples.yaml",
        Warns("`example` and `examples` are mutually exclusive"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/header-object-allowReserved.yaml",
        Warns("`allowReserved` is not a field of a header object"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/invalid_schema_types.yaml",
        Warns("a schema must be an object or a boolean, not a number"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/link-object-no-body.yaml",
        Warns("unknown field `body` in a link"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/no_containers.yaml",
        Warns("no `paths`, `webhooks` or `components`"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/parameter-object-cookie-form-allowReserved.yaml",
        Warns("`allowReserved` applies only to query parameters"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/parameter-object-header-allowReserved.yaml",
        Warns("`allowReserved` applies only to query parameters"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/parameter-object-path-allowReserved.yaml",
        Warns("path parameter \"my-path\" must have `required: true`"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/server_enum_empty.yaml",
        Warns("has an empty `enum`"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/servers.yaml",
        Warns("`servers` must be a list"),
    ),
    (
        "oai-schema-tests-v3.1-dev/fail/unknown_container.yaml",
        Warns("unknown field `overlays`"),
    ),
    (
        "swagger-parser/callbacks-promises/callbacks-promises-error.yaml",
        Refused("unsupported specification version swagger: ERROR"),
    ),
    (
        "swagger-parser/invalid/newer-version.yaml",
        Refused("unsupported specification version swagger: 3.0"),
    ),
    (
        "swagger-parser/invalid/no-paths-or-webhooks.yaml",
        Warns("no `paths`, `webhooks` or `components`"),
    ),
    (
        "swagger-parser/invalid/not-swagger.yaml",
        Refused("no `openapi` or `swagger` field"),
    ),
    (
        "swagger-parser/invalid/numeric-info-version.yaml",
        Warns("`info.version` must be a string"),
    ),
    (
        "swagger-parser/invalid/numeric-version.yaml",
        Warns("`swagger` must be a string"),
    ),
    (
        "swagger-parser/invalid/old-version.yaml",
        Refused("unsupported specification version swagger: 1.2"),
    ),
    (
        "swagger-parser/validate-schema/invalid/ref-to-invalid-path.yaml",
        Warns("unknown field `properties` in a path item"),
    ),
    (
        "swagger-parser/validate-schema/invalid/anyof.yaml",
        Warns("`anyOf` is not part of Swagger 2.0"),
    ),
    (
        "swagger-parser/validate-spec/invalid/duplicate-operation-ids.yaml",
        Warns("operationId \"users\" is used by both GET /users and POST /users"),
    ),
    (
        "swagger-parser/validate-spec/invalid/duplicate-path-params.yaml",
        Warns("parameter \"foo\" in header is listed twice"),
    ),
    (
        "swagger-parser/validate-spec/invalid/path-placeholder-no-param.yaml",
        Warns("path placeholder {foo} has no `in: path` parameter"),
    ),
    (
        "swagger-parser/validate-spec/invalid/multiple-body-params.yaml",
        Warns("POST /users/{username} has 2 `body` parameters"),
    ),
    (
        "json-schema-ref-parser/invalid/invalid.yaml",
        Refused("YAML syntax error"),
    ),
    (
        "json-schema-ref-parser/invalid/invalid.json",
        Refused("JSON syntax error"),
    ),
    (
        "openapi-spec-validator/v2.0/missing-reference.yaml",
        Warns("dangling $ref \"#/definitions/\""),
    ),
    (
        "openapi-spec-validator/v2.0/empty.yaml",
        Warns("no `paths`: Swagger 2.0 requires it"),
    ),
    (
        "openapi-spec-validator/v3.0/missing-description.yaml",
        Warns("a response needs a `description`"),
    ),
    (
        "openapi-spec-validator/v3.0/property-missing-reference.yaml",
        Warns("dangling $ref \"<some-broken-uri>\""),
    ),
    (
        "openapi-spec-validator/empty.yaml",
        Refused("no `openapi` or `swagger` field"),
    ),
];

#[derive(Debug, Clone, Copy)]
enum Outcome {
    Refused(&'static str),
    Warns(&'static str),
}
use Outcome::{Refused, Warns};

/// Warnings on fixtures that are meant to be valid, each a true finding:
/// the fixtures are valid against the meta-schema, which cannot see these.
const KNOWN_ON_VALID: &[(&str, &str)] = &[
    // `/pets/{id}` declares `petId`: the validator also says "Path parameter
    // 'id' ... was not resolved".
    (
        "oai-schema-tests-v3.1-dev/pass/operation-object-example.yaml",
        "path placeholder {id}",
    ),
    (
        "oai-schema-tests-v3.1-dev/pass/operation-object-example.yaml",
        "\"petId\" does not appear",
    ),
    // `/user/{username}` declares the path parameter `usernames`.
    (
        "oai-schema-tests-v3.1-dev/pass/parameter-object-examples.yaml",
        "\"usernames\" does not appear",
    ),
    // A `content` path parameter without `required: true`: the 3.1
    // meta-schema only checks `required` next to `schema`.
    (
        "oai-schema-tests-v3.1-dev/pass/style-defaults.yaml",
        "must have `required: true`",
    ),
    // Remote references are off by default.
    (
        "oai-schema-tests-v3.1-dev/pass/security-scheme-object-examples.yaml",
        "remote $ref",
    ),
];

#[test]
fn fixtures_are_read_or_refused_as_expected() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    let mut faulty_seen = HashSet::new();
    let fixtures = manifest(&dir).into_iter().filter(Row::is_fixture);
    for read in fixtures.map(|row| read(&dir, &row)) {
        let row = &read.row;
        let shown = dir.join(&row.path).display().to_string();
        if !row.expects_fault() {
            match &read.result {
                Err(err) => failures.push(format!("{}: valid, but refused: {err}", row.path)),
                Ok(doc) => {
                    for w in &doc.api.warnings {
                        let known = KNOWN_ON_VALID
                            .iter()
                            .any(|(p, s)| *p == row.path && w.message.contains(s));
                        if !known {
                            failures.push(format!("{}: valid, but warned: {w}", row.path));
                        }
                    }
                }
            }
            continue;
        }
        faulty_seen.insert(row.path.clone());
        let Some((_, outcome)) = FAULTY.iter().find(|(p, _)| *p == row.path) else {
            failures.push(format!("{}: faulty fixture missing from FAULTY", row.path));
            continue;
        };
        match (outcome, &read.result) {
            (Refused(needle), Err(err)) => {
                let message = err.to_string();
                if err.file() != shown || !message.contains(&shown) || !message.contains(needle) {
                    failures.push(format!(
                        "{}: error does not name the file or {needle:?}: {message}",
                        row.path
                    ));
                }
            }
            (Warns(needle), Ok(doc)) => {
                if !doc.api.warnings.iter().any(|w| w.message.contains(needle)) {
                    failures.push(format!(
                        "{}: no warning containing {needle:?}; warnings:{}",
                        row.path,
                        warning_lines(&doc.api)
                    ));
                }
            }
            (Refused(_), Ok(doc)) => failures.push(format!(
                "{}: expected a refusal, read with warnings:{}",
                row.path,
                warning_lines(&doc.api)
            )),
            (Warns(_), Err(err)) => {
                failures.push(format!("{}: expected a warning, refused: {err}", row.path))
            }
        }
    }
    for (path, _) in FAULTY {
        if !faulty_seen.contains(*path) {
            failures.push(format!(
                "{path}: in FAULTY but not a faulty fixture of the manifest"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Warnings on real documents: each must be a known, true finding, so a rule
/// that starts firing on good documents is caught here.
const KNOWN_ON_REAL: &[(&str, &str)] = &[
    // Cloudflare writes response ranges in lower case (`4xx`).
    (
        "cloudflare/openapi.json",
        "response key `4xx` is not a status code",
    ),
    ("cloudflare/openapi.json", "more invalid response codes"),
    // swagger-parser's "unknown" test: refs to an HTML page and a PNG.
    (
        "swagger-parser/unknown/unknown.yaml",
        "referenced file unreadable",
    ),
    ("swagger-parser/unknown/unknown.yaml", "could not be read"),
];

#[test]
fn real_documents_warn_only_about_real_faults() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    for read in all_documents(&dir).iter().filter(|r| r.row.is_real()) {
        let api = api(read);
        for w in &api.warnings {
            let known = KNOWN_ON_REAL
                .iter()
                .any(|(p, s)| *p == read.row.path && w.message.contains(s));
            if !known {
                failures.push(format!("{}: {w}", read.row.path));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "unexpected warnings:\n{}",
        failures.join("\n")
    );
}

#[test]
fn endpoint_keys_are_complete_and_unique() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    for read in all_documents(&dir).iter().filter(|r| r.row.is_real()) {
        let api = api(read);
        let mut keys = HashSet::new();
        for endpoint in &api.endpoints {
            let key = endpoint.key();
            let method_ok = !endpoint.method.is_empty()
                && endpoint.method == endpoint.method.to_ascii_uppercase();
            if !method_ok || endpoint.path.is_empty() {
                failures.push(format!("{}: incomplete endpoint {key:?}", read.row.path));
            }
            if !keys.insert(key.clone()) {
                failures.push(format!("{}: {key} twice", read.row.path));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// DigitalOcean: 2,907 files, whole operations and most of their parts
/// written as `$ref`s to other files.
#[test]
fn digitalocean_endpoints_carry_their_content() {
    let Some(dir) = corpus_dir() else { return };
    let read = read_one(
        &dir,
        "digitalocean/specification/DigitalOcean-public.v2.yaml",
    );
    let doc = match &read.result {
        Ok(doc) => doc,
        Err(err) => panic!("refused: {err}"),
    };
    let api = &doc.api;
    assert_eq!((api.endpoint_count(), api.schema_count()), (659, 0));
    assert!(
        api.warnings.is_empty(),
        "every reference resolves:{}",
        warning_lines(api)
    );
    // The manifest counts 661 files referenced by the root document itself;
    // they reference more.
    assert!(
        doc.referenced_files.len() >= 661,
        "{}",
        doc.referenced_files.len()
    );

    let endpoint = |key: &str| {
        api.endpoints
            .iter()
            .find(|e| e.key() == key)
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    let account = endpoint("GET /v2/account");
    assert_eq!(account.operation_id.as_deref(), Some("account_get"));
    assert_eq!(account.summary.as_deref(), Some("Get User Information"));
    assert_eq!(account.tags, ["Account"]);
    let ok = account
        .responses
        .iter()
        .find(|r| r.status == "200")
        .expect("GET /v2/account has a 200 response");
    assert!(
        ok.description.as_deref().is_some_and(|d| !d.is_empty()),
        "{ok:?}"
    );
    assert!(
        ok.content.iter().any(|m| m.schema.is_some()),
        "the 200 response has a schema: {ok:?}"
    );
    assert!(
        account.responses.iter().any(|r| r.status == "401"),
        "shared responses are resolved: {:?}",
        account.responses
    );
    assert!(
        account
            .code_samples
            .iter()
            .any(|s| s.source.contains("/v2/account")),
        "code samples kept in their own files are read: {:?}",
        account.code_samples
    );
    assert_eq!(account.security.len(), 1);

    // Parameters come from `parameters.yml` files elsewhere in the tree.
    let droplet = endpoint("GET /v2/droplets/{droplet_id}");
    let id = droplet
        .parameters
        .iter()
        .find(|p| p.name == "droplet_id")
        .unwrap_or_else(|| panic!("droplet_id parameter: {:?}", droplet.parameters));
    assert_eq!((id.location.as_str(), id.required), ("path", true));
    assert_eq!(id.type_label, "integer");
    assert!(id.description.is_some());
    let list = endpoint("GET /v2/droplets");
    let names: Vec<&str> = list.parameters.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.contains(&"per_page") && names.contains(&"page"),
        "{names:?}"
    );
    let create = endpoint("POST /v2/droplets");
    let body = create
        .request_body
        .as_ref()
        .expect("POST /v2/droplets has a body");
    assert!(body.content.iter().any(|m| m.schema.is_some()), "{body:?}");
}

/// Multi-file documents whose references climb out of their directory read
/// with the copied tree as root, and refuse to read with their own directory.
#[test]
fn references_that_leave_the_root_refuse_the_document() {
    let Some(dir) = corpus_dir() else { return };
    let path = "oai-examples/v2.0/yaml/petstore-separate/spec/swagger.yaml";
    let document = dir.join(path);
    let own_dir = document.parent().expect("a directory");
    let err = read_path(&document, own_dir, &ReadOptions::default(), None)
        .expect_err("../common/Error.yaml leaves spec/");
    assert!(matches!(err, SpecError::RefOutsideRoot { .. }), "{err}");
    assert!(err.to_string().contains("../common/Error.yaml"), "{err}");
    let read = read_one(&dir, path);
    assert_eq!(api(&read).endpoint_count(), 4);
}
