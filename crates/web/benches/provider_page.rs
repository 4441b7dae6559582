//! The GitHub API page (1,223 endpoints, 969 schemas): its first
//! render (the listing and schema names read from SQLite, a line each
//! rendered; the tags' sections are on their pages) and a repeat view (body
//! from the per-snapshot cache).
//! Needs the corpus beside the repository (../shared/specs); says so and
//! measures nothing when it is absent.
//!
//! ```text
//! cargo bench -p specdex-web --bench provider_page
//! ```

use std::path::Path;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use specdex_ingest::IngestOptions;
use specdex_query::Engine;
use specdex_store::SqliteCatalog;
use specdex_web::Web;

// The allocator `specdex` itself uses.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn provider_page(c: &mut Criterion) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/specs/github/api.github.com.json");
    if !spec.exists() {
        eprintln!("skipped: {} is absent", spec.display());
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let options = IngestOptions {
        provider: Some("github".to_owned()),
        ..IngestOptions::default()
    };
    let result = specdex_ingest::ingest_file(&catalog, &spec, None, &options);
    let api = result.outcome.expect("ingest GitHub").api;
    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));

    let mut group = c.benchmark_group("provider_page");
    group.sample_size(10);
    group.bench_function("github_first_render", |b| {
        b.iter_batched(
            || Web::new(engine.clone()),
            |web| {
                let page = web.api(&api, None);
                assert_eq!(page.status, 200);
                page.body.len()
            },
            BatchSize::PerIteration,
        );
    });
    let web = Web::new(engine.clone());
    group.bench_function("github_cached", |b| {
        b.iter(|| web.api(&api, None).body.len());
    });
    group.finish();
}

criterion_group!(benches, provider_page);
criterion_main!(benches);
