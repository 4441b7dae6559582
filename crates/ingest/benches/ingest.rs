//! Ingest benchmarks on real specifications: read (parse, bundle, extract,
//! validate) and read → stored in a fresh SQLite catalog.
//!
//! Needs the corpus at `../shared/specs` (or `SPECDEX_CORPUS`); without it
//! the benchmarks say so and measure nothing.

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use specdex_ingest::{IngestOptions, ingest_file, read_path};
use specdex_spec::ReadOptions;
use specdex_store::SqliteCatalog;

const DOCUMENTS: [(&str, &str); 4] = [
    ("github", "github/api.github.com.json"),
    ("stripe-2026", "stripe-2026-01-28/stripe.yaml"),
    ("kubernetes", "kubernetes/swagger.json.unprocessed"),
    ("cloudflare", "cloudflare/openapi.json"),
];

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.is_dir().then_some(dir)
}

fn benches(c: &mut Criterion) {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: corpus not found (set SPECDEX_CORPUS)");
        return;
    };
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    for (name, relative) in DOCUMENTS {
        let path = corpus.join(relative);
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        group.bench_function(format!("read/{name}"), |b| {
            b.iter(|| {
                read_path(&path, &root, &ReadOptions::default(), None)
                    .map(|r| r.api.endpoints.len())
            })
        });
        group.bench_function(format!("read+store/{name}"), |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let catalog =
                        SqliteCatalog::open(&dir.path().join("bench.db")).expect("catalog");
                    (dir, catalog)
                },
                |(dir, catalog)| {
                    let result = ingest_file(&catalog, &path, None, &IngestOptions::default());
                    assert!(result.outcome.is_ok(), "{:?}", result.outcome.err());
                    (dir, catalog)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

criterion_group!(ingest, benches);
criterion_main!(ingest);
