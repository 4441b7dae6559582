//! A catalog written by the release before APIs had their own identity
//! (layout 2: one history per provider) opens with this one: every snapshot
//! kept, split into APIs by the identity rule, the newest of each API
//! current, and re-ingesting the same documents records nothing new.
//!
//! `fixtures/layout2.db` was written by that release's `specdex` from the
//! documents in `fixtures/layout2/` (`scripts/make-layout2-fixture`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use specdex_store::{Catalog, SqliteCatalog};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn specdex(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_specdex"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run specdex")
}

fn json(db: &Path, args: &[&str]) -> Value {
    let out = specdex(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// A copy of the old catalog to open (the committed file stays as written).
fn old_catalog(dir: &Path) -> PathBuf {
    let db = dir.join("catalog.db");
    std::fs::copy(fixtures().join("layout2.db"), &db).expect("copy the old catalog");
    db
}

#[test]
fn an_old_catalog_is_split_into_apis_keeping_every_snapshot() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = old_catalog(dir.path());
    let apis = json(&db, &["apis", "--json"]);
    let listed: Vec<(String, u64, String)> = apis["apis"]
        .as_array()
        .expect("apis")
        .iter()
        .map(|a| {
            (
                a["api"].as_str().unwrap_or_default().to_owned(),
                a["snapshots"].as_u64().unwrap_or_default(),
                a["version"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("acme/billing", 1, "1.0"),
        ("acme/users", 2, "1.1"),
        ("googleapis.com/calendar", 1, "v3"),
        ("googleapis.com/drive", 1, "v3"),
        // `--provider internal` was the user's choice and stays.
        ("internal/orders", 1, "3"),
        // The same document as YAML and as JSON: two snapshots then, kept.
        ("weather/api", 2, "2024-05"),
    ];
    let expected: Vec<(String, u64, String)> = expected
        .iter()
        .map(|(a, n, v)| ((*a).to_owned(), *n, (*v).to_owned()))
        .collect();
    assert_eq!(listed, expected);
    let total: u64 = listed.iter().map(|(_, n, _)| n).sum();
    assert_eq!(total, 8, "every snapshot of the old catalog is kept");

    let users = json(&db, &["versions", "acme/users", "--json"]);
    let statuses: Vec<(&str, &str)> = users["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap_or(""),
                v["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(statuses, [("1.1", "current"), ("1.0", "superseded")]);
    // Answers come from the migrated catalog like from a new one.
    let detail = json(
        &db,
        &["endpoint", "acme/billing", "GET /invoices/{id}", "--json"],
    );
    assert_eq!(detail["api"], "acme/billing");
    let providers = json(&db, &["providers", "--json"]);
    assert_eq!(providers["total"], 4);

    // Every API's current snapshot got its search segment on the way.
    let catalog = SqliteCatalog::open(&db).expect("open the migrated catalog");
    let current = catalog.current_snapshots().expect("current snapshots");
    assert_eq!(current.len(), expected.len());
    let ids: Vec<i64> = current.iter().map(|(_, id)| *id).collect();
    let mut found: Vec<i64> = catalog
        .search_segments(&ids)
        .expect("search segments")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    found.sort_unstable();
    let mut ids = ids;
    ids.sort_unstable();
    assert_eq!(found, ids, "a segment for every current snapshot");
}

#[test]
fn re_ingesting_the_same_documents_after_the_split_records_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = old_catalog(dir.path());
    let docs = fixtures().join("layout2");
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&docs)
        .expect("fixture documents")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.file_name().is_some_and(|n| n != "orders.yaml"))
        .collect();
    sources.sort();
    let mut args = vec!["ingest", "--json"];
    args.extend(sources.iter().map(|p| p.to_str().expect("utf-8")));
    let out = specdex(&db, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let line: Value = serde_json::from_str(line).expect("JSON line");
        assert_eq!(line["status"], "unchanged", "{line}");
    }
    let orders = docs.join("orders.yaml");
    let out = specdex(
        &db,
        &[
            "ingest",
            "--json",
            "--provider",
            "internal",
            orders.to_str().expect("utf-8"),
        ],
    );
    let line: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        (line["status"].as_str(), line["api"].as_str()),
        (Some("unchanged"), Some("internal/orders"))
    );
}
