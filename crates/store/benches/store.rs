//! Store figures on the largest API of the corpus, GitHub's (1,223
//! endpoints, 969 schemas, 13 MB): a new snapshot into a file catalog, a
//! re-ingest of unchanged content, reading the whole model back, and the
//! partial reads a query engine makes (overview, endpoint list, one
//! endpoint by key).
//!
//! Reads `../shared/specs/github/api.github.com.json` (override with
//! `SPECDEX_BENCH_SPEC`); without it the benchmarks are skipped.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use specdex_spec::{Base, NoFetch, ReadOptions, read_api};
use specdex_store::{Api, Catalog, NewSnapshot, SqliteCatalog};

const HASH: &str = "1223969000000000000000000000000000000000000000000000000000000000";

fn spec_path() -> PathBuf {
    std::env::var_os("SPECDEX_BENCH_SPEC").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/specs/github/api.github.com.json")
        },
        PathBuf::from,
    )
}

fn snapshot<'a>(api: &'a Api, document: &'a [u8]) -> NewSnapshot<'a> {
    NewSnapshot {
        provider: "github",
        version_label: &api.info.version,
        content_hash: HASH,
        source: "api.github.com.json",
        api,
        document,
        ingested_at: Some(1_700_000_000),
    }
}

fn store(c: &mut Criterion) {
    let path = spec_path();
    let Ok(document) = std::fs::read(&path) else {
        eprintln!("skipping store benchmarks: cannot read {}", path.display());
        return;
    };
    let api = read_api(
        "api.github.com.json",
        &document,
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .expect("the GitHub spec reads")
    .api;
    let mut group = c.benchmark_group("store/github");
    group.sample_size(10);

    group.bench_function("ingest new", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let catalog =
                    SqliteCatalog::open(&dir.path().join("catalog.db")).expect("a fresh catalog");
                (dir, catalog)
            },
            |(dir, catalog)| {
                black_box(catalog.ingest(snapshot(&api, &document)).expect("ingest"));
                (dir, catalog)
            },
            BatchSize::PerIteration,
        );
    });

    let dir = tempfile::tempdir().expect("a temporary directory");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("a fresh catalog");
    let id = catalog
        .ingest(snapshot(&api, &document))
        .expect("ingest")
        .snapshot
        .id;
    group.bench_function("ingest unchanged", |b| {
        b.iter(|| black_box(catalog.ingest(snapshot(&api, &document)).expect("ingest")));
    });
    group.bench_function("load_api", |b| {
        b.iter(|| black_box(catalog.load_api(id).expect("load")));
    });
    group.bench_function("overview", |b| {
        b.iter(|| black_box(catalog.overview(id).expect("overview")));
    });
    group.bench_function("endpoint_list", |b| {
        b.iter(|| black_box(catalog.endpoint_list(id).expect("list")));
    });
    // One endpoint at a time, as a detail request asks, cycling through all.
    let keys: Vec<(String, String)> = api
        .endpoints
        .iter()
        .map(|e| (e.method.clone(), e.path.clone()))
        .collect();
    let mut next = keys.iter().cycle();
    group.bench_function("endpoints_by_key (1 key)", |b| {
        b.iter(|| {
            let (method, path) = next.next().expect("the GitHub spec has endpoints");
            black_box(
                catalog
                    .endpoints_by_key(id, &[(method, path)])
                    .expect("lookup"),
            )
        });
    });
    group.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);
