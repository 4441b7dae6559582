//! API keys as the catalog keeps them, on both backends: made once by name,
//! found by hash, uses recorded, revoked — and a second catalog open on the
//! same file or database (another replica) sees each change at once. Also
//! who published a snapshot.

#[macro_use]
mod common;

use common::{Guard, TestResult, edition, hash, named, sample_api};
use specdex_store::{Catalog, KeyScope, KeyUse, NewKey, StoreError};

on_both_backends!(
    keys_are_made_found_used_and_revoked,
    a_second_replica_sees_keys_and_revocations,
    published_by_is_kept_with_the_snapshot,
);

fn key_hash(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn keys_are_made_found_used_and_revoked(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let apis = vec!["acme/billing".to_owned()];
    let made = catalog.create_key(NewKey {
        name: "ci",
        scope: KeyScope::Publish,
        apis: &apis,
        hash: &key_hash(1),
    })?;
    assert_eq!(made.name, "ci");
    assert_eq!(made.scope, KeyScope::Publish);
    assert_eq!(made.apis, apis);
    assert_eq!(
        (made.uses, made.last_used_at, made.revoked_at),
        (0, None, None)
    );

    // A name is never reused, a hash never stored twice.
    let again = catalog.create_key(NewKey {
        name: "ci",
        scope: KeyScope::Read,
        apis: &[],
        hash: &key_hash(2),
    });
    assert!(
        matches!(again, Err(StoreError::KeyExists { .. })),
        "{again:?}"
    );
    catalog.create_key(NewKey {
        name: "agents",
        scope: KeyScope::Read,
        apis: &[],
        hash: &key_hash(3),
    })?;

    assert_eq!(catalog.key_by_hash(&key_hash(1))?, Some(made.clone()));
    assert_eq!(catalog.key_by_hash(&key_hash(9))?, None);
    let names: Vec<String> = catalog.keys()?.into_iter().map(|k| k.name).collect();
    assert_eq!(names, ["ci", "agents"]);

    catalog.record_key_uses(&[
        KeyUse {
            hash: key_hash(1),
            uses: 3,
            last_used_at: 1_800_000_000,
        },
        KeyUse {
            hash: key_hash(9),
            uses: 5,
            last_used_at: 1_800_000_000,
        },
    ])?;
    catalog.record_key_uses(&[KeyUse {
        hash: key_hash(1),
        uses: 2,
        last_used_at: 1_700_000_000,
    }])?;
    let used = catalog.key_by_hash(&key_hash(1))?.ok_or("key gone")?;
    assert_eq!((used.uses, used.last_used_at), (5, Some(1_800_000_000)));

    let revoked = catalog.revoke_key("ci")?;
    assert!(revoked.revoked_at.is_some());
    let twice = catalog.revoke_key("ci");
    assert!(
        matches!(twice, Err(StoreError::KeyNotFound { .. })),
        "{twice:?}"
    );
    let missing = catalog.revoke_key("nobody");
    assert!(
        matches!(missing, Err(StoreError::KeyNotFound { .. })),
        "{missing:?}"
    );
    // Keys do not move the generation: no cached answer depends on them.
    let generation = catalog.generation()?;
    catalog.create_key(NewKey {
        name: "later",
        scope: KeyScope::Admin,
        apis: &[],
        hash: &key_hash(4),
    })?;
    assert_eq!(catalog.generation()?, generation);
    Ok(())
}

fn a_second_replica_sees_keys_and_revocations(db: Guard, first: Box<dyn Catalog>) -> TestResult {
    let second = db.open()?;
    first.create_key(NewKey {
        name: "ci",
        scope: KeyScope::Publish,
        apis: &[],
        hash: &key_hash(1),
    })?;
    let seen = second.key_by_hash(&key_hash(1))?.ok_or("not seen")?;
    assert_eq!(seen.revoked_at, None);
    second.revoke_key("ci")?;
    let seen = first.key_by_hash(&key_hash(1))?.ok_or("gone")?;
    assert!(seen.revoked_at.is_some());
    Ok(())
}

fn published_by_is_kept_with_the_snapshot(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    let (identity, content) = (named("pets"), hash(1));
    let mut new = edition(&identity, &api, &content);
    new.published_by = Some("ci");
    let stored = catalog.ingest(new)?;
    assert_eq!(stored.snapshot.published_by.as_deref(), Some("ci"));
    let local = catalog.ingest(edition(&named("pets"), &sample_api("2.0"), &hash(2)))?;
    assert_eq!(local.snapshot.published_by, None);
    let history = catalog.versions("pets/api")?;
    let by: Vec<Option<&str>> = history.iter().map(|s| s.published_by.as_deref()).collect();
    assert!(by.contains(&Some("ci")) && by.contains(&None), "{by:?}");
    assert_eq!(catalog.apis()?[0].current.published_by, None);
    Ok(())
}
