//! `specdex sources` and `specdex sync` against an origin server started in
//! the test, on both stores (an SQLite file; PostgreSQL when reachable, as
//! `SPECDEX_TEST_PG` names it, required under `SPECDEX_REQUIRE_PG=1`): a
//! changed document becomes a snapshot with its provenance, an unchanged
//! one costs a 304, a broken source is reported, backed off and never
//! stops the others. Two replicas syncing together: tests/replicas.rs.

use std::net::TcpListener;
use std::process::Command;

use serde_json::{Value, json};
use specdex_testdb::TestDatabase;
use support::{Origin, Serving, TestResult};

mod support;

/// `specdex --db DB ARGS…`: exit status and standard output.
fn specdex(db: &str, args: &[&str]) -> Result<(bool, String), Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .args(["--db", db])
        .args(args)
        .env_remove("SPECDEX_DB")
        .output()?;
    let stdout = String::from_utf8(out.stdout)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() && stdout.is_empty() {
        return Err(format!("specdex {args:?} failed: {stderr}").into());
    }
    Ok((out.status.success(), stdout))
}

/// The JSON lines of `specdex sync --all --json`, and whether it succeeded.
fn sync_all(db: &str) -> Result<(bool, Vec<Value>), Box<dyn std::error::Error>> {
    let (ok, out) = specdex(db, &["sync", "--all", "--json"])?;
    let lines = out
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<Vec<Value>, _>>()?;
    Ok((ok, lines))
}

fn report<'a>(lines: &'a [Value], api: &str) -> Result<&'a Value, String> {
    lines
        .iter()
        .find(|line| line["source"]["api"] == api)
        .ok_or_else(|| format!("no report for {api} in {lines:?}"))
}

fn billing(version: &str) -> String {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Billing", "version": version},
        "paths": {"/invoices": {"get": {
            "summary": format!("List invoices ({version})"),
            "responses": {"200": {"description": "OK"}}
        }}}
    })
    .to_string()
}

fn document(version: &str, etag: &str) -> Serving {
    Serving::Document {
        body: billing(version),
        etag: Some(etag.to_owned()),
    }
}

#[test]
fn sqlite() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("catalog.db");
    let db = db.to_str().ok_or("a UTF-8 path")?;
    a_source_is_followed(db)?;
    a_broken_source_is_backed_off_and_stops_nothing(db)
}

#[test]
fn postgres() -> TestResult {
    let Some(database) = TestDatabase::create("specdex_cli")? else {
        return Ok(());
    };
    a_source_is_followed(database.url())?;
    a_broken_source_is_backed_off_and_stops_nothing(database.url())
}

fn a_source_is_followed(db: &str) -> TestResult {
    let origin = Origin::start(document("1.0", "\"a\""))?;
    let url = origin.url("/billing.json");
    let (_, added) = specdex(
        db,
        &[
            "sources",
            "add",
            "acme/billing",
            &url,
            "--every",
            "1h",
            "--json",
        ],
    )?;
    let added: Value = serde_json::from_str(&added)?;
    assert_eq!(added["every_seconds"], 3600);

    // Due at once: fetched and stored, with its provenance.
    let (ok, out) = specdex(db, &["sync", "--json"])?;
    assert!(ok, "{out}");
    let first: Value = serde_json::from_str(out.trim())?;
    assert_eq!(first["result"], "changed", "{first}");
    assert_eq!(first["snapshot"]["status"], "new");
    let (_, versions) = specdex(db, &["versions", "acme/billing", "--json"])?;
    let versions: Value = serde_json::from_str(&versions)?;
    let stored = &versions["versions"][0];
    assert_eq!(stored["source"], url.as_str());
    assert_eq!(stored["etag"], "\"a\"");
    assert!(stored["fetched_at"].is_i64(), "{stored}");
    let (_, table) = specdex(db, &["versions", "acme/billing"])?;
    assert!(
        table.contains(&format!("{url} · fetched ")) && table.contains("ETag \"a\" · sha256 "),
        "{table}"
    );

    // Not due again for an hour; --all checks anyway, and a 304 is nothing.
    let (ok, out) = specdex(db, &["sync", "--json"])?;
    assert!(ok && out.is_empty(), "{out}");
    let (ok, lines) = sync_all(db)?;
    assert!(ok);
    assert_eq!(report(&lines, "acme/billing")?["result"], "unchanged");
    assert_eq!(report(&lines, "acme/billing")?["not_modified"], true);
    let seen = origin.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].if_none_match.as_deref(), Some("\"a\""));
    assert_eq!(seen[1].status, 304);

    // Same content under a new ETag: fetched, not stored again.
    origin.serve(document("1.0", "\"b\""));
    let (_, lines) = sync_all(db)?;
    assert_eq!(report(&lines, "acme/billing")?["not_modified"], false);
    // A new edition.
    origin.serve(document("2.0", "\"c\""));
    let (_, lines) = sync_all(db)?;
    let changed = report(&lines, "acme/billing")?;
    assert_eq!(changed["result"], "changed");
    assert_eq!(changed["snapshot"]["version"], "2.0");
    let (_, versions) = specdex(db, &["versions", "acme/billing", "--json"])?;
    let versions: Value = serde_json::from_str(&versions)?;
    assert_eq!(versions["versions"].as_array().map(Vec::len), Some(2));
    assert_eq!(versions["versions"][0]["etag"], "\"c\"");
    let (_, listed) = specdex(db, &["sources", "list", "--json"])?;
    let listed: Value = serde_json::from_str(&listed)?;
    assert_eq!(listed[0]["etag"], "\"c\"");
    assert!(listed[0]["last_changed_at"].is_i64());
    Ok(())
}

fn a_broken_source_is_backed_off_and_stops_nothing(db: &str) -> TestResult {
    let broken = Origin::start(Serving::Status(503))?;
    let closed = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    specdex(
        db,
        &["sources", "add", "acme/broken", &broken.url("/x.json")],
    )?;
    specdex(
        db,
        &[
            "sources",
            "add",
            "acme/gone",
            &format!("http://{closed}/x.json"),
        ],
    )?;
    let garbage = Origin::start(Serving::Document {
        body: "this is not an API description".to_owned(),
        etag: None,
    })?;
    specdex(
        db,
        &["sources", "add", "acme/garbage", &garbage.url("/x.json")],
    )?;

    let (ok, lines) = sync_all(db)?;
    assert!(!ok, "a failed source makes sync exit 1");
    for api in ["acme/broken", "acme/gone", "acme/garbage"] {
        let failed = report(&lines, api)?;
        assert_eq!(failed["result"], "failed", "{failed}");
        assert_eq!(failed["source"]["failures"], 1);
        let wait = failed["source"]["next_check_at"].as_i64().unwrap_or(0)
            - failed["source"]["last_checked_at"].as_i64().unwrap_or(0);
        assert_eq!(wait, 60, "first retry after a minute: {failed}");
    }
    assert!(
        report(&lines, "acme/broken")?["error"]
            .as_str()
            .unwrap_or_default()
            .contains("503")
    );
    // The others were still checked.
    assert_eq!(report(&lines, "acme/billing")?["result"], "unchanged");

    let (_, lines) = sync_all(db)?;
    let again = report(&lines, "acme/broken")?;
    assert_eq!(again["source"]["failures"], 2);
    let wait = again["source"]["next_check_at"].as_i64().unwrap_or(0)
        - again["source"]["last_checked_at"].as_i64().unwrap_or(0);
    assert_eq!(wait, 120, "the wait doubles: {again}");
    // Not due: a plain sync leaves it alone.
    let (_, out) = specdex(db, &["sync", "--json"])?;
    assert!(!out.contains("acme/broken"), "{out}");

    // Mended: stored, and its failures forgotten.
    broken.serve(document("1.0", "\"m\""));
    let (_, lines) = sync_all(db)?;
    let mended = report(&lines, "acme/broken")?;
    assert_eq!(mended["result"], "changed");
    assert_eq!(mended["source"]["failures"], 0);
    assert_eq!(mended["source"]["last_error"], Value::Null);

    let (_, removed) = specdex(db, &["sources", "remove", "acme/gone"])?;
    assert!(removed.starts_with("removed"), "{removed}");
    let again = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .args(["--db", db, "sources", "remove", "acme/gone"])
        .env_remove("SPECDEX_DB")
        .output()?;
    assert!(!again.status.success());
    let message = String::from_utf8_lossy(&again.stderr);
    assert!(message.contains("no source `acme/gone`"), "{message}");
    Ok(())
}
