//! What changed between two real editions, through the engine: cold (a new
//! engine: both snapshots loaded from the store, then compared) and cached
//! (the same question again: the pair's diff is remembered).
//!
//! Needs the corpus at `../shared/specs` (or `SPECDEX_CORPUS`); without it
//! the benchmark says so and measures nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::{ChangeQuery, Engine};
use specdex_store::{Catalog, SqliteCatalog};

/// (name, API, older edition, newer edition).
const PAIRS: [(&str, &str, &str, &str); 2] = [
    (
        "stripe-2023-2026",
        "stripe/api",
        "stripe/spec3.yaml",
        "stripe-2026-01-28/stripe.yaml",
    ),
    (
        "github-yaml-json",
        "github/api",
        "github-yaml/github.yaml",
        "github/api.github.com.json",
    ),
];

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.is_dir().then_some(dir)
}

fn diffs(c: &mut Criterion) {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: corpus not found (set SPECDEX_CORPUS)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog: Arc<dyn Catalog> =
        Arc::new(SqliteCatalog::open(&dir.path().join("bench.db")).expect("catalog"));
    for (_, _, older, newer) in PAIRS {
        for file in [older, newer] {
            let result = ingest_file(
                catalog.as_ref(),
                &corpus.join(file),
                None,
                &IngestOptions::default(),
            );
            assert!(result.outcome.is_ok(), "{file}: {:?}", result.outcome.err());
        }
    }
    let mut group = c.benchmark_group("diff");
    group.sample_size(10);
    for (name, api, _, _) in PAIRS {
        let question = ChangeQuery {
            api: api.to_owned(),
            ..ChangeQuery::default()
        };
        group.bench_function(format!("cold/{name}"), |b| {
            b.iter(|| {
                let engine = Engine::new(catalog.clone()).expect("engine");
                engine.changes(&question).map(|c| c.total)
            })
        });
        let engine = Engine::new(catalog.clone()).expect("engine");
        group.bench_function(format!("cached/{name}"), |b| {
            b.iter(|| engine.changes(&question).map(|c| c.total))
        });
    }
    group.finish();
}

criterion_group!(benches, diffs);
criterion_main!(benches);
