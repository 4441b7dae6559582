//! Store figures on the largest API of the corpus, GitHub's (1,223
//! endpoints, 969 schemas, 13 MB): a new snapshot into a file catalog, a
//! re-ingest of unchanged content, reading the whole model back, and the
//! partial reads a query engine makes (overview, endpoint list, one
//! endpoint by key).
//!
//! The same on PostgreSQL (`store/github-pg`), in a database created for
//! the run on the server `SPECDEX_BENCH_PG` names (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped after; skipped
//! when no server answers. And `search_rows` on both backends over a catalog
//! of 80 APIs with GitHub's endpoints (97,840 rows, about the size of
//! the APIs.guru directory).
//!
//! Reads `../shared/specs/github/api.github.com.json` (override with
//! `SPECDEX_BENCH_SPEC`); without it the benchmarks are skipped.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
use std::sync::LazyLock;

use specdex_spec::identity::{Evidence, MAIN_API};
use specdex_spec::{Base, NoFetch, ReadOptions, read_api};
use specdex_store::{Api, Catalog, Identity, NewSnapshot, PgCatalog, SqliteCatalog};

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

/// The main API of `provider`, as a user names it.
fn named(provider: &str) -> Identity {
    Identity {
        provider: provider.to_owned(),
        api: Some(MAIN_API.to_owned()),
        evidence: Evidence::default(),
    }
}

static GITHUB: LazyLock<Identity> = LazyLock::new(|| named("github"));

fn snapshot<'a>(api: &'a Api, document: &'a [u8]) -> NewSnapshot<'a> {
    NewSnapshot {
        identity: &GITHUB,
        version_label: &api.info.version,
        content_hash: HASH,
        source: "api.github.com.json",
        api,
        document,
        ingested_at: Some(1_700_000_000),
        published_by: None,
        fetched: None,
    }
}

/// The GitHub document and its model, or `None` (after saying so).
fn github() -> Option<(Vec<u8>, Api)> {
    let path = spec_path();
    let Ok(document) = std::fs::read(&path) else {
        eprintln!("skipping store benchmarks: cannot read {}", path.display());
        return None;
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
    Some((document, api))
}

/// A database created for the run, dropped when this goes.
struct PgDatabase {
    server: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn create(name: &str) -> Option<Self> {
        let server = std::env::var("SPECDEX_BENCH_PG")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let mut admin = match postgres::Client::connect(&server, postgres::NoTls) {
            Ok(admin) => admin,
            Err(e) => {
                eprintln!("skipping PostgreSQL benchmarks: {server}: {e}");
                return None;
            }
        };
        let name = format!("specdex_bench_{name}_{}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .and_then(|()| admin.batch_execute(&format!("CREATE DATABASE {name}")))
            .expect("a database for the benchmark");
        let (base, _) = server.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        Some(PgDatabase { server, name, url })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn store(c: &mut Criterion) {
    let Some((document, api)) = github() else {
        return;
    };
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

fn store_pg(c: &mut Criterion) {
    let Some((document, api)) = github() else {
        return;
    };
    let Some(db) = PgDatabase::create("github") else {
        return;
    };
    let catalog = PgCatalog::open(&db.url).expect("a fresh catalog");
    let mut group = c.benchmark_group("store/github-pg");
    // Flat: ten ingests of 13 MB, not the 55 of linear sampling.
    group.sample_size(10).sampling_mode(SamplingMode::Flat);

    // A new provider (and API) each time: the whole of GitHub stored as new.
    let mut n = 0_u32;
    group.bench_function("ingest new", |b| {
        b.iter(|| {
            n += 1;
            let identity = named(&format!("github-{n}"));
            black_box(
                catalog
                    .ingest(NewSnapshot {
                        identity: &identity,
                        ..snapshot(&api, &document)
                    })
                    .expect("ingest"),
            )
        });
    });
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
    drop(catalog);
}

/// APIs in the search-rows catalog.
const SEARCH_PROVIDERS: usize = 80;

/// `search_rows` over 80 APIs of GitHub's size, SQLite and PostgreSQL.
fn search_rows(c: &mut Criterion) {
    let Some((document, api)) = github() else {
        return;
    };
    let fill = |catalog: &dyn Catalog| {
        for n in 0..SEARCH_PROVIDERS {
            let identity = named(&format!("github-{n:02}"));
            catalog
                .ingest(NewSnapshot {
                    identity: &identity,
                    // The document is not part of the search rows.
                    document: b"{}",
                    ..snapshot(&api, &document)
                })
                .expect("ingest");
        }
    };
    let mut group = c.benchmark_group("store/search_rows-80x-github");
    group.sample_size(10);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sqlite = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("a fresh catalog");
    fill(&sqlite);
    group.bench_function("sqlite", |b| {
        b.iter(|| black_box(sqlite.search_rows().expect("rows")));
    });
    if let Some(db) = PgDatabase::create("search") {
        let pg = PgCatalog::open(&db.url).expect("a fresh catalog");
        fill(&pg);
        assert_eq!(
            pg.search_rows().expect("rows").1,
            sqlite.search_rows().expect("rows").1,
            "the same rows"
        );
        group.bench_function("postgres", |b| {
            b.iter(|| black_box(pg.search_rows().expect("rows")));
        });
        drop(pg);
    }
    group.finish();
}

criterion_group!(benches, store, store_pg, search_rows);
criterion_main!(benches);
