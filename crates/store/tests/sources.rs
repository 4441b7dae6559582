//! Sources, provenance and shared rate-limit charges as the catalog keeps
//! them, on both backends: a source added, replaced, checked, removed;
//! a synced snapshot's fetch time and ETag kept with it; what servers
//! charge a key added up across replicas; one sync at a time on
//! PostgreSQL.

#[macro_use]
mod common;

use common::{Guard, TestResult, edition, hash, named, sample_api};
use specdex_store::{
    Catalog, CheckResult, Fetched, KeyScope, NewKey, NewSource, RateQuota, SourceCheck, StoreError,
};

on_both_backends!(
    sources_are_added_checked_and_removed,
    a_new_url_starts_the_history_over,
    fetched_snapshots_keep_their_provenance,
    key_limits_are_shared_across_replicas,
    one_sync_at_a_time,
);

fn source(api: &'static str, url: &'static str) -> NewSource<'static> {
    NewSource {
        api,
        url,
        every_seconds: 3600,
        added_at: 1_800_000_000,
    }
}

fn check<'a>(api: &'a str, at: i64, result: CheckResult<'a>) -> SourceCheck<'a> {
    SourceCheck {
        api,
        checked_at: at,
        next_check_at: at + 3600,
        result,
        etag: None,
        last_modified: None,
    }
}

fn sources_are_added_checked_and_removed(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let generation = catalog.generation()?;
    let (added, created) = catalog.add_source(source("acme/billing", "http://a/x.json"))?;
    assert!(created);
    assert_eq!(
        (added.next_check_at, added.last_checked_at, added.failures),
        (1_800_000_000, None, 0)
    );
    catalog.add_source(source("acme/auth", "http://a/auth.json"))?;
    let apis: Vec<String> = catalog.sources()?.into_iter().map(|s| s.api).collect();
    assert_eq!(apis, ["acme/auth", "acme/billing"]);

    let mut changed = check("acme/billing", 1_800_000_100, CheckResult::Changed);
    changed.etag = Some("\"v1\"");
    changed.last_modified = Some("Tue, 01 Dec 2026 10:00:00 GMT");
    let after = catalog.record_source_check(changed)?;
    assert_eq!(after.last_changed_at, Some(1_800_000_100));
    assert_eq!(after.etag.as_deref(), Some("\"v1\""));

    // Failures count up and keep the validators; a success clears them.
    catalog.record_source_check(check(
        "acme/billing",
        1_800_000_200,
        CheckResult::Failed("503"),
    ))?;
    let failed = catalog.record_source_check(check(
        "acme/billing",
        1_800_000_300,
        CheckResult::Failed("timeout"),
    ))?;
    assert_eq!(failed.failures, 2);
    assert_eq!(failed.last_error.as_deref(), Some("timeout"));
    assert_eq!(failed.etag.as_deref(), Some("\"v1\""));
    assert_eq!(failed.last_changed_at, Some(1_800_000_100));
    let fine = catalog.record_source_check(check(
        "acme/billing",
        1_800_000_400,
        CheckResult::Unchanged,
    ))?;
    assert_eq!((fine.failures, fine.last_error), (0, None));
    assert_eq!(fine.last_checked_at, Some(1_800_000_400));
    assert_eq!(fine.next_check_at, 1_800_004_000);
    assert_eq!(fine.last_changed_at, Some(1_800_000_100));

    // Adding the same URL again keeps what was learnt, due at once.
    let (again, created) = catalog.add_source(NewSource {
        every_seconds: 600,
        added_at: 1_800_000_500,
        ..source("acme/billing", "http://a/x.json")
    })?;
    assert!(!created);
    assert_eq!(again.every_seconds, 600);
    assert_eq!(again.next_check_at, 1_800_000_500);
    assert_eq!(again.etag.as_deref(), Some("\"v1\""));

    let removed = catalog.remove_source("acme/billing")?;
    assert_eq!(removed.url, "http://a/x.json");
    for gone in [
        catalog.remove_source("acme/billing").err(),
        catalog
            .record_source_check(check("acme/billing", 1, CheckResult::Unchanged))
            .err(),
    ] {
        assert!(
            matches!(gone, Some(StoreError::SourceNotFound { .. })),
            "{gone:?}"
        );
    }
    // Sources are not catalog content: no cached answer depends on them.
    assert_eq!(catalog.generation()?, generation);
    Ok(())
}

fn a_new_url_starts_the_history_over(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    catalog.add_source(source("acme/billing", "http://a/x.json"))?;
    let mut failed = check("acme/billing", 1_800_000_100, CheckResult::Failed("404"));
    failed.etag = Some("\"old\"");
    catalog.record_source_check(failed)?;
    let (moved, created) = catalog.add_source(source("acme/billing", "http://b/x.json"))?;
    assert!(!created);
    assert_eq!(moved.url, "http://b/x.json");
    assert_eq!(
        (moved.failures, moved.last_error, moved.etag),
        (0, None, None)
    );
    Ok(())
}

fn fetched_snapshots_keep_their_provenance(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    let (identity, content) = (named("pets"), hash(1));
    let mut new = edition(&identity, &api, &content);
    new.source = "https://example.com/pets.json";
    new.fetched = Some(Fetched {
        at: 1_800_000_000,
        etag: Some("W/\"abc\""),
    });
    let stored = catalog.ingest(new)?;
    assert_eq!(stored.snapshot.fetched_at, Some(1_800_000_000));
    assert_eq!(stored.snapshot.etag.as_deref(), Some("W/\"abc\""));
    catalog.ingest(edition(&named("pets"), &sample_api("2.0"), &hash(2)))?;
    let history = catalog.versions("pets/api")?;
    let fetched: Vec<(Option<i64>, Option<&str>)> = history
        .iter()
        .map(|s| (s.fetched_at, s.etag.as_deref()))
        .collect();
    assert_eq!(
        fetched,
        [(None, None), (Some(1_800_000_000), Some("W/\"abc\""))]
    );
    let read = catalog.snapshot_by_id(stored.snapshot.id)?;
    assert_eq!(read.fetched_at, Some(1_800_000_000));
    Ok(())
}

fn key_limits_are_shared_across_replicas(db: Guard, first: Box<dyn Catalog>) -> TestResult {
    let second = db.open()?;
    first.create_key(NewKey {
        name: "agents",
        scope: KeyScope::Read,
        apis: &[],
        hash: &"ab".repeat(32),
    })?;
    let quota = RateQuota {
        cells: 10,
        window_us: 60_000_000,
    };
    let now = 1_800_000_000_000_000;
    let a = first
        .reserve_key_requests("agents", 6, quota, now)?
        .ok_or("no key")?;
    assert_eq!((a.granted, a.remaining), (6, 4));
    // The other replica gets what is left, not a window of its own.
    let b = second
        .reserve_key_requests("agents", 6, quota, now)?
        .ok_or("no key")?;
    assert_eq!((b.granted, b.remaining), (4, 0));
    let refused = first
        .reserve_key_requests("agents", 1, quota, now)?
        .ok_or("no key")?;
    assert_eq!(refused.granted, 0);
    assert_eq!(refused.retry_after_us, 6_000_000);
    assert_eq!(first.reserve_key_requests("nobody", 1, quota, now)?, None);
    Ok(())
}

fn one_sync_at_a_time(db: Guard, first: Box<dyn Catalog>) -> TestResult {
    let held = first.sync_lock()?.ok_or("the first sync is refused")?;
    let second = db.open()?;
    if db.is_postgres() {
        assert!(second.sync_lock()?.is_none(), "two replicas sync at once");
        drop(held);
        assert!(second.sync_lock()?.is_some(), "the lock is not released");
    } else {
        assert!(second.sync_lock()?.is_some());
    }
    Ok(())
}
