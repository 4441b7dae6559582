//! A writer killed at an arbitrary point leaves a catalog that opens and
//! holds every snapshot it reported committed, each whole; on both
//! backends.
//!
//! The writer is this test binary run again as a child process (the ignored
//! test below), so the kill is a real SIGKILL of a real process.

#[macro_use]
mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Guard, TestResult, named};
use serde_json::json;
use specdex_store::{
    Api, Catalog, IngestStatus, NewSnapshot, SnapshotStatus, SqliteCatalog, Writes,
    open_catalog_for,
};

on_both_backends!(killed_writer_loses_nothing_committed);

/// Set for the child: the catalog it writes to (a path or a URL).
const CHILD_CATALOG: &str = "SPECDEX_STORE_CRASH_CATALOG";
/// Set for the child when it opens its catalog for one write
/// ([`Writes::One`]), as `specdex ingest` of one document does.
const CHILD_WRITES_ONE: &str = "SPECDEX_STORE_CRASH_WRITES_ONE";
const ENDPOINTS: usize = 3_000;

/// Large enough that an ingest takes a while, so kills land inside one.
fn big_api() -> Api {
    let endpoints: Vec<_> = (0..ENDPOINTS)
        .map(|n| {
            json!({
                "method": "GET",
                "path": format!("/things/{n}"),
                "description": "lorem ipsum ".repeat(100),
                "responses": [{"status": "200", "description": "ok"}]
            })
        })
        .collect();
    serde_json::from_value(json!({
        "format": "openapi30", "spec_version": "3.0.3",
        "info": {"title": "Big", "version": "1"},
        "servers": [], "security_schemes": [], "security": [], "tags": [],
        "endpoints": endpoints, "webhooks": [], "schemas": [], "warnings": []
    }))
    .expect("the sample is a valid model")
}

#[test]
#[ignore = "the child process of killed_writer_loses_nothing_committed"]
fn crash_child_writer() -> TestResult {
    let Ok(location) = std::env::var(CHILD_CATALOG) else {
        return Ok(());
    };
    let writes = if std::env::var_os(CHILD_WRITES_ONE).is_some() {
        Writes::One
    } else {
        Writes::Many
    };
    let catalog = open_catalog_for(&location, writes)?;
    let api = big_api();
    let document = vec![b'x'; 1 << 20];
    let mut out = std::io::stdout().lock();
    let identity = named("big");
    for n in 0_u64.. {
        let hash = format!("{n:064x}");
        let outcome = catalog.ingest(NewSnapshot {
            identity: &identity,
            version_label: "1",
            content_hash: &hash,
            source: "big.json",
            api: &api,
            document: &document,
            ingested_at: None,
            published_by: None,
            fetched: None,
        })?;
        if outcome.status == IngestStatus::New {
            writeln!(out, "committed {}", outcome.snapshot.id)?;
            out.flush()?;
        }
    }
    Ok(())
}

/// Notes the snapshot id of a `committed ID` line of the writer.
fn record(committed: &mut Vec<i64>, line: &str) -> TestResult {
    if let Some(id) = line.strip_prefix("committed ") {
        committed.push(id.parse()?);
    }
    Ok(())
}

fn killed_writer_loses_nothing_committed(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    drop(catalog);
    kill_writers(&db.location(), Writes::Many, || db.open())
}

/// The same, on a SQLite file that the writers create and keep in rollback
/// mode (each opens it for one write, and so does each check).
#[test]
fn killed_writer_of_a_file_opened_for_one_write_loses_nothing_committed() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let location = path.to_str().ok_or("a UTF-8 path")?.to_owned();
    kill_writers(&location, Writes::One, || {
        Ok(Box::new(SqliteCatalog::open_for(&path, Writes::One)?))
    })?;
    // Still in rollback mode (header bytes 18 and 19 are 1), so the kills
    // above landed in rollback-journal transactions.
    assert_eq!(std::fs::read(&path)?.get(18..20), Some(&[1, 1][..]));
    Ok(())
}

/// Kills writers of the catalog at `location`, opened for `writes`, at
/// spread-out points, and checks each time with `open` that every snapshot
/// they reported committed is there, whole.
fn kill_writers(
    location: &str,
    writes: Writes,
    open: impl Fn() -> Result<Box<dyn Catalog>, specdex_store::StoreError>,
) -> TestResult {
    let mut committed: Vec<i64> = Vec::new();
    // An ingest here takes about 20 ms (release) to 130 ms (debug); killing
    // at spread-out delays after a commit lands in every phase of the next.
    for delay_ms in [0, 7, 20, 45, 70, 100] {
        let mut child = Command::new(std::env::current_exe()?);
        child
            .args(["crash_child_writer", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_CATALOG, location);
        if writes == Writes::One {
            child.env(CHILD_WRITES_ONE, "1");
        }
        let mut child = child.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout from the writer")?;
        let mut lines = BufReader::new(stdout).lines();
        let before = committed.len();
        for line in lines.by_ref() {
            record(&mut committed, &line?)?;
            if committed.len() > before {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill()?;
        child.wait()?;
        // What it reported before it died was committed too.
        for line in lines {
            record(&mut committed, &line?)?;
        }
        assert!(committed.len() > before, "the writer stopped by itself");

        let catalog = open()?;
        let versions = catalog.versions("big/api")?;
        let ids: Vec<i64> = versions.iter().map(|s| s.id).collect();
        for id in &committed {
            assert!(ids.contains(id), "committed snapshot {id} lost: {ids:?}");
        }
        for snapshot in &versions {
            assert_eq!(catalog.load_api(snapshot.id)?.endpoints.len(), ENDPOINTS);
            assert_eq!(catalog.document(snapshot.id)?.len(), 1 << 20);
        }
        assert_eq!(versions[0].status, SnapshotStatus::Current);
        assert!(
            versions[1..]
                .iter()
                .all(|s| s.status == SnapshotStatus::Superseded)
        );
    }
    Ok(())
}
