//! The `specdex` binary end to end: ingest, providers, versions, on
//! hand-written documents in temporary directories.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use specdex_store::{Catalog, SqliteCatalog};

fn specdex(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specdex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run specdex")
}

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

/// A small OpenAPI 3.0 document with `n` endpoints.
fn openapi(title: &str, version: &str, n: usize) -> String {
    let paths: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "\"/items{i}/{{id}}\": {{\"parameters\": [{{\"name\": \"id\", \"in\": \"path\", \"required\": true, \"schema\": {{\"type\": \"string\"}}}}], \"get\": {{\"operationId\": \"get{i}\", \"summary\": \"Get item {i}\", \"responses\": {{\"200\": {{\"description\": \"ok\", \"content\": {{\"application/json\": {{\"schema\": {{\"$ref\": \"#/components/schemas/Item\"}}}}}}}}}}}}}}"
            )
        })
        .collect();
    format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"{title}\", \"version\": \"{version}\"}}, \"servers\": [{{\"url\": \"https://api.{title}.com/v1\"}}], \"paths\": {{{}}}, \"components\": {{\"schemas\": {{\"Item\": {{\"type\": \"object\", \"properties\": {{\"child\": {{\"$ref\": \"#/components/schemas/Item\"}}}}}}}}}}}}",
        paths.join(",")
    )
}

fn providers(db: &Path) -> Value {
    let out = specdex(db, &["providers", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("providers JSON")
}

#[test]
fn json_lines_name_every_document_and_identical_content_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let spec = write(dir.path(), "specs/acme.json", &openapi("acme", "1.0", 3));
    let out = specdex(&db, &["ingest", spec.to_str().expect("utf-8"), "--json"]);
    assert!(out.status.success());
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    for key in [
        "source",
        "api",
        "api_created",
        "provider",
        "version",
        "endpoints",
        "schemas",
        "snapshot",
        "status",
    ] {
        assert!(line.get(key).is_some(), "missing {key} in {line}");
    }
    assert_eq!(line["provider"], "acme");
    assert_eq!(line["api"], "acme/v1");
    assert_eq!(line["api_created"], true);
    assert_eq!(line["version"], "1.0");
    assert_eq!(line["endpoints"], 3);
    assert_eq!(line["schemas"], 1);
    assert_eq!(line["status"], "new");

    let again = json_lines(&specdex(
        &db,
        &["ingest", spec.to_str().expect("utf-8"), "--json"],
    ));
    assert_eq!(again[0]["status"], "unchanged");
    assert_eq!(again[0]["api_created"], false);
    assert_eq!(again[0]["snapshot"], line["snapshot"]);
    let listed = providers(&db);
    assert_eq!(listed["providers"][0]["snapshots"], 1);
}

#[test]
fn a_new_edition_becomes_current_and_the_old_one_superseded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let v1 = write(dir.path(), "v1/acme.json", &openapi("acme", "1.0", 2));
    let v2 = write(dir.path(), "v2/acme.json", &openapi("acme", "2.0", 4));
    for spec in [&v1, &v2] {
        assert!(
            specdex(&db, &["ingest", spec.to_str().expect("utf-8")])
                .status
                .success()
        );
    }
    let out = specdex(&db, &["versions", "acme", "--json"]);
    let versions: Value = serde_json::from_slice(&out.stdout).expect("versions JSON");
    let versions = &versions["versions"];
    assert_eq!(versions[0]["version"], "2.0");
    assert_eq!(versions[0]["status"], "current");
    assert_eq!(versions[0]["endpoints"], 4);
    assert_eq!(versions[1]["version"], "1.0");
    assert_eq!(versions[1]["status"], "superseded");

    let table = String::from_utf8(specdex(&db, &["versions", "acme"]).stdout).expect("utf-8");
    assert!(
        table.contains("| Version | Endpoints | Schemas | Ingested | Status |"),
        "{table}"
    );
    assert!(table.contains("| 2.0 | 4 | 1 |"), "{table}");
}

#[test]
fn provider_and_version_flags_win() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let spec = write(dir.path(), "a.json", &openapi("acme", "1.0", 1));
    let out = specdex(
        &db,
        &[
            "ingest",
            spec.to_str().expect("utf-8"),
            "--provider",
            "mine",
            "--version",
            "2026-01",
            "--json",
        ],
    );
    let line = &json_lines(&out)[0];
    assert_eq!(line["provider"], "mine");
    assert_eq!(line["version"], "2026-01");
    let bad = specdex(
        &db,
        &[
            "ingest",
            spec.to_str().expect("utf-8"),
            "--provider",
            "Not A Slug",
        ],
    );
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stdout).contains("--provider"));
}

#[test]
fn one_bad_document_fails_alone_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let good = write(dir.path(), "good.json", &openapi("acme", "1.0", 2));
    assert!(
        specdex(&db, &["ingest", good.to_str().expect("utf-8")])
            .status
            .success()
    );
    let before = providers(&db);

    let batch = dir.path().join("batch");
    write(&batch, "a.json", &openapi("alpha", "1.0", 1));
    write(
        &batch,
        "b.yaml",
        "openapi: 3.0.0\ninfo: {title: broken\npaths: {}\n",
    );
    write(&batch, "c.json", &openapi("gamma", "1.0", 1));
    let out = specdex(&db, &["ingest", batch.to_str().expect("utf-8"), "--json"]);
    assert!(
        !out.status.success(),
        "a failure must show in the exit status"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    let error = lines[1]["error"].as_str().expect("error line");
    assert!(
        error.contains("b.yaml") && error.contains("YAML syntax error"),
        "{error}"
    );
    assert_eq!(
        lines[2]["status"], "new",
        "the document after the failure still goes in"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("2 new (2 new APIs), 0 unchanged, 1 failed"),
        "{stderr}"
    );

    // A single failing document leaves the catalog exactly as it was.
    let only_bad = specdex(
        &db,
        &["ingest", batch.join("b.yaml").to_str().expect("utf-8")],
    );
    assert!(!only_bad.status.success());
    let after = providers(&db);
    assert_eq!(after["total"], 3);
    assert_eq!(after["providers"][0], before["providers"][0]);
}

#[test]
fn hostile_and_unreadable_documents_are_refused_with_located_messages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let cases: Vec<(PathBuf, &str)> = vec![
        (write(dir.path(), "latin1.yaml", ""), "not UTF-8"),
        (
            write(
                dir.path(),
                "old.json",
                r#"{"swaggerVersion": "1.2", "apis": []}"#,
            ),
            "unsupported specification version",
        ),
        (
            write(dir.path(), "fragment.yaml", "Error:\n  type: object\n"),
            "not an API description",
        ),
        (
            write(dir.path(), "big.json", &openapi("big", "1", 50)),
            "size limit",
        ),
    ];
    std::fs::write(&cases[0].0, b"openapi: 3.0.0\ninfo:\n  title: caf\xe9\n")
        .expect("write latin-1");
    for (path, expected) in &cases {
        let out = specdex(
            &db,
            &[
                "ingest",
                path.to_str().expect("utf-8"),
                "--json",
                "--max-bytes",
                "4000",
            ],
        );
        assert!(!out.status.success());
        let error = json_lines(&out)[0]["error"]
            .as_str()
            .expect("error")
            .to_owned();
        assert!(error.contains(expected), "{}: {error}", path.display());
        assert!(
            error.contains(path.file_name().and_then(|n| n.to_str()).expect("name")),
            "{error}"
        );
    }
    assert_eq!(providers(&db)["total"], 0);
}

#[test]
fn file_refs_stay_inside_the_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    write(dir.path(), "secret.yaml", "Secret:\n  type: string\n");
    let spec = write(
        dir.path(),
        "api/spec/openapi.yaml",
        "openapi: 3.0.0\ninfo: {title: rooted, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    E:\n      $ref: '../common/e.yaml#/Error'\n",
    );
    write(dir.path(), "api/common/e.yaml", "Error:\n  type: object\n");
    let spec_arg = spec.to_str().expect("utf-8");

    let refused = specdex(&db, &["ingest", spec_arg, "--json"]);
    assert!(!refused.status.success());
    let error = json_lines(&refused)[0]["error"]
        .as_str()
        .expect("error")
        .to_owned();
    assert!(
        error.contains("leaves the ingest root") && error.contains("--root"),
        "{error}"
    );

    let root = dir.path().join("api");
    let widened = specdex(
        &db,
        &[
            "ingest",
            spec_arg,
            "--root",
            root.to_str().expect("utf-8"),
            "--json",
        ],
    );
    assert!(
        widened.status.success(),
        "{}",
        String::from_utf8_lossy(&widened.stdout)
    );

    // A symbolic link inside the root that points outside it is refused too.
    let linked = write(
        dir.path(),
        "api/spec/linked.yaml",
        "openapi: 3.0.0\ninfo: {title: linked, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    S:\n      $ref: 'link.yaml#/Secret'\n",
    );
    std::os::unix::fs::symlink(
        dir.path().join("secret.yaml"),
        dir.path().join("api/spec/link.yaml"),
    )
    .expect("symlink");
    let out = specdex(&db, &["ingest", linked.to_str().expect("utf-8"), "--json"]);
    assert!(!out.status.success());
    let error = json_lines(&out)[0]["error"]
        .as_str()
        .expect("error")
        .to_owned();
    assert!(error.contains("symbolic link"), "{error}");
}

#[test]
fn urls_are_fetched() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let body = openapi("served", "3.1", 2);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(1) {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 2048];
            let _ = stream.read(&mut request);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let url = format!("http://{addr}/openapi.json");
    let out = specdex(&db, &["ingest", &url, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let line = &json_lines(&out)[0];
    assert_eq!(line["source"], url);
    assert_eq!(line["endpoints"], 2);
}

#[test]
fn one_document_into_a_new_catalog_writes_no_log_and_a_server_may_open_it_after() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let ingest = |name: &str, endpoints: usize| {
        let doc = write(
            dir.path(),
            &format!("{name}.json"),
            &openapi(name, "1.0", endpoints),
        );
        let out = specdex(&db, &["ingest", doc.to_str().expect("utf-8")]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ingest("alpha", 3);
    // The header's file format versions (bytes 18 and 19): 1 for a
    // rollback journal, 2 for WAL.
    let journal_mode = || match std::fs::read(&db).expect("read the catalog").get(18) {
        Some(1) => "rollback",
        Some(2) => "wal",
        other => panic!("not a SQLite header: {other:?}"),
    };
    assert_eq!(journal_mode(), "rollback");
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(beside.len(), 2, "the catalog is one file: {beside:?}");
    // A second document in another process, then any catalog opened for
    // many writes (a server's) puts the file in WAL mode, holding both.
    ingest("beta", 2);
    let catalog = SqliteCatalog::open(&db).expect("open");
    assert_eq!(journal_mode(), "wal");
    let endpoints: Vec<u32> = catalog
        .apis()
        .expect("APIs")
        .iter()
        .map(|api| api.current.endpoints)
        .collect();
    assert_eq!(endpoints, [3, 2]);
}

#[test]
fn a_killed_bulk_ingest_keeps_every_completed_document() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let specs = dir.path().join("many");
    for i in 0..400 {
        write(
            &specs,
            &format!("api{i:03}.json"),
            &openapi(&format!("p{i:03}"), "1.0", 150),
        );
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .arg("--db")
        .arg(&db)
        .args(["ingest", specs.to_str().expect("utf-8"), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut reported = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        assert!(line.contains("\"new\""), "{line}");
        reported += 1;
        if reported == 25 {
            break;
        }
    }
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(
        reported, 25,
        "the ingest finished too soon to be killed mid-way"
    );

    let catalog = SqliteCatalog::open(&db).expect("the catalog opens after a kill");
    let stored = catalog.apis().expect("APIs");
    assert!(
        stored.len() >= reported,
        "{} stored, {reported} reported",
        stored.len()
    );
    assert!(
        stored.len() < 400,
        "the kill came too late to prove anything"
    );
    for listed in &stored {
        let api = catalog
            .load_api(listed.current.id)
            .expect("complete snapshot");
        assert_eq!(api.endpoints.len(), listed.current.endpoints as usize);
        assert_eq!(api.endpoints.len(), 150);
    }
}

#[test]
fn each_line_names_its_api_and_mistakes_can_be_fixed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let doc = |title: &str, version: &str, paths: &[&str]| {
        let paths: Vec<String> = paths
            .iter()
            .map(|p| format!("{p:?}: {{\"get\": {{\"responses\": {{\"200\": {{\"description\": \"ok\"}}}}}}}}"))
            .collect();
        format!(
            "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": {title:?}, \"version\": {version:?}}}, \"servers\": [{{\"url\": \"https://api.example.com\"}}], \"paths\": {{{}}}}}",
            paths.join(", ")
        )
    };
    let users = write(
        dir.path(),
        "1/users.json",
        &doc("Users API", "1.0", &["/users", "/users/{id}"]),
    );
    let billing = write(
        dir.path(),
        "2/billing.json",
        &doc("Billing API", "1.0", &["/invoices"]),
    );
    let users2 = write(
        dir.path(),
        "3/users.json",
        &doc(
            "Users API",
            "1.1",
            &["/users", "/users/{userId}", "/users/{id}/roles"],
        ),
    );
    let out = specdex(&db, &["ingest", dir.path().to_str().expect("utf-8")]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("new        example/users (new API) 1.0"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("new        example/billing (new API) 1.0"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("new        example/users 1.1"),
        "{text}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("(2 new APIs)"));
    let _ = (users, billing, users2);

    let apis = String::from_utf8(specdex(&db, &["apis", "example"]).stdout).expect("utf-8");
    assert!(
        apis.contains("| example/billing | Billing API | 1.0 |"),
        "{apis}"
    );
    assert!(
        apis.contains("| example/users | Users API | 1.1 |"),
        "{apis}"
    );
    let ambiguous = specdex(&db, &["summary", "example"]);
    assert!(!ambiguous.status.success());
    assert!(
        String::from_utf8_lossy(&ambiguous.stderr).contains("example/billing, example/users"),
        "{}",
        String::from_utf8_lossy(&ambiguous.stderr)
    );

    // The billing snapshot belongs with users after all; then users' newest
    // edition goes.
    let moved = specdex(
        &db,
        &["move", "example/billing", "--to", "example/users", "--json"],
    );
    assert!(
        moved.status.success(),
        "{}",
        String::from_utf8_lossy(&moved.stderr)
    );
    let versions: Value =
        serde_json::from_slice(&specdex(&db, &["versions", "example", "--json"]).stdout)
            .expect("JSON");
    assert_eq!(versions["api"], "example/users", "example has one API now");
    assert_eq!(versions["versions"].as_array().map(Vec::len), Some(3));
    let removed = specdex(&db, &["remove", "example/users", "--version", "1.1"]);
    assert!(
        String::from_utf8_lossy(&removed.stdout).contains("removed snapshot"),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    let removed = specdex(&db, &["remove", "example/users"]);
    assert!(removed.status.success());
    assert_eq!(providers(&db)["total"], 0);

    let help = String::from_utf8(specdex(&db, &["help", "ingest"]).stdout).expect("utf-8");
    for rule in [
        "--provider and --api",
        "x-serviceName",
        "same paths",
        "directory-insights",
    ] {
        assert!(
            help.contains(rule),
            "`specdex help ingest` explains {rule}: {help}"
        );
    }
}

/// The binary leaves its memory to the end of the process instead of having
/// mimalloc hand it back at exit (`skip_allocator_teardown_at_exit`). The
/// exit handler that the option skips is also the one that prints mimalloc's
/// statistics, so their absence shows that the option's number in the C enum
/// is the right one; and the ingest still completes, with its output whole.
#[test]
fn the_allocator_is_not_torn_down_at_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc = write(dir.path(), "a.json", &openapi("Exit API", "1.0", 3));
    let db = dir.path().join("catalog.db");
    let out = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .env("MIMALLOC_SHOW_STATS", "1")
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--json"])
        .arg(&doc)
        .output()
        .expect("run specdex");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("subproc"),
        "mimalloc's exit handler ran:\n{stderr}"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["endpoints"], 3, "{}", lines[0]);
}
