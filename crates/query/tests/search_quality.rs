//! Search quality on the real corpus: natural-language tasks, phrased the way
//! a developer asks an agent, must find the endpoint that does the job among
//! the first three results for at least 90 % of them.
//!
//! Needs the corpus at `../shared/specs` (or `SPECDEX_CORPUS`); without it the
//! test says "skipped" and passes. Run it in release to get a meaningful
//! per-query time:
//! `cargo test --release -p specdex-query --test search_quality -- --nocapture`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::search::SearchIndex;
use specdex_query::{Engine, Scope, SearchHit};
use specdex_store::{Catalog, SqliteCatalog};

/// The documents of the catalog, relative to the corpus, and the provider
/// slug each is expected to get by default.
const DOCUMENTS: &[(&str, &str)] = &[
    ("github/api.github.com.json", "github"),
    ("stripe-2026-01-28/stripe.yaml", "stripe"),
    ("kubernetes/swagger.json.unprocessed", "kubernetes"),
    ("jumpcloud/api/2.0/index.yaml", "jumpcloud"),
    ("twilio/json/twilio_api_v2010.json", "twilio"),
    (
        "digitalocean/specification/DigitalOcean-public.v2.yaml",
        "digitalocean",
    ),
    ("cloudflare/openapi.json", "cloudflare"),
];

/// A task as a developer would put it to an agent, and the endpoint
/// (provider, method, path) that does it.
const TASKS: &[(&str, &str, &str, &str)] = &[];

struct Fixture {
    engine: Engine,
    /// The same rows the engine indexes, for checking expectations and
    /// timing the index on its own.
    index: SearchIndex,
    endpoints: Vec<(String, String, String)>,
    _dir: tempfile::TempDir,
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.is_dir().then_some(dir)
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let Some(corpus) = corpus() else {
                eprintln!("skipped: corpus not found (set SPECDEX_CORPUS)");
                return None;
            };
            if let Some((missing, _)) = DOCUMENTS.iter().find(|(f, _)| !corpus.join(f).is_file()) {
                eprintln!("skipped: {missing} not in the corpus");
                return None;
            }
            let dir = tempfile::tempdir().expect("tempdir");
            let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
            let options = IngestOptions::default();
            for (file, slug) in DOCUMENTS {
                let path = corpus.join(file);
                // Multi-file documents resolve references inside their own
                // directory, which is the default root.
                let result = ingest_file(&catalog, &path, None, &options);
                let ingested = result.outcome.unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(ingested.provider, *slug, "{file}");
                eprintln!(
                    "ingested {file}: {} endpoints as {}",
                    ingested.endpoints, ingested.provider
                );
            }
            let (providers, rows) = catalog.search_rows().expect("search rows");
            let endpoints = rows
                .iter()
                .map(|r| {
                    (
                        r.provider.clone(),
                        r.endpoint.method.clone(),
                        r.endpoint.path.clone(),
                    )
                })
                .collect();
            if let Some(out) = std::env::var_os("SPECDEX_SEARCH_DUMP") {
                let mut text = String::new();
                for r in &rows {
                    let e = &r.endpoint;
                    text.push_str(&format!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                        r.provider,
                        e.method,
                        e.path,
                        e.operation_id.as_deref().unwrap_or(""),
                        e.summary.as_deref().unwrap_or(""),
                        e.tags.join(","),
                        e.deprecated
                    ));
                }
                std::fs::write(out, text).expect("dump");
            }
            let index = SearchIndex::build(providers, rows);
            let engine = Engine::new(Arc::new(catalog)).expect("engine");
            Some(Fixture {
                engine,
                index,
                endpoints,
                _dir: dir,
            })
        })
        .as_ref()
}

fn endpoint_key(hit: &SearchHit) -> Option<(&str, &str, &str)> {
    match hit {
        SearchHit::Endpoint {
            provider,
            method,
            path,
            ..
        } => Some((provider, method, path)),
        SearchHit::Provider { .. } => None,
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
fn tasks_find_their_endpoint_in_the_top_three() {
    let Some(f) = fixture() else { return };

    // Every expectation names an endpoint that exists.
    for (task, provider, method, path) in TASKS {
        assert!(
            f.endpoints
                .iter()
                .any(|(p, m, e)| p == provider && m == method && e == path),
            "{task:?}: {provider} {method} {path} is not in the catalog"
        );
    }
    for (_, slug) in DOCUMENTS {
        assert!(
            TASKS.iter().any(|(_, p, _, _)| p == slug),
            "no task for {slug}"
        );
    }

    let mut hits = 0;
    let mut table = String::new();
    for (task, provider, method, path) in TASKS {
        let results = f
            .engine
            .search(task, Some(Scope::Endpoints), Some(3))
            .expect("search")
            .results;
        let expected = (*provider, *method, *path);
        let rank = results
            .iter()
            .position(|hit| endpoint_key(hit) == Some(expected));
        let shown = match rank {
            Some(rank) => {
                hits += 1;
                format!("{}", rank + 1)
            }
            None => {
                // Where it did land, for diagnosis.
                let deeper = f
                    .engine
                    .search(task, Some(Scope::Endpoints), Some(100))
                    .expect("search")
                    .results;
                match deeper
                    .iter()
                    .position(|hit| endpoint_key(hit) == Some(expected))
                {
                    Some(rank) => format!("miss ({})", rank + 1),
                    None => "miss (>100)".to_owned(),
                }
            }
        };
        table.push_str(&format!(
            "{shown:<12} {task:?} → {provider} {method} {path}\n"
        ));
        for hit in &results {
            if let Some((p, m, e)) = endpoint_key(hit) {
                table.push_str(&format!("{:14}{p} {m} {e}\n", ""));
            }
        }
    }
    let rate = hits as f64 / TASKS.len() as f64;
    eprintln!("{table}");
    eprintln!(
        "top-3 hit rate: {hits}/{} = {:.1} %",
        TASKS.len(),
        rate * 100.0
    );

    // Per-query time, median of 100 queries cycling through the tasks.
    let mut engine_times = Vec::with_capacity(100);
    let mut index_times = Vec::with_capacity(100);
    for i in 0..100 {
        let (task, ..) = TASKS[i % TASKS.len()];
        let started = Instant::now();
        let results = f.engine.search(task, Some(Scope::Endpoints), Some(3));
        engine_times.push(started.elapsed());
        assert!(results.is_ok());
        let started = Instant::now();
        let results = f.index.search(task, Scope::Endpoints, 3);
        index_times.push(started.elapsed());
        assert!(results.len() <= 3);
    }
    eprintln!(
        "median per query over {} endpoints: engine {:?}, index alone {:?}",
        f.endpoints.len(),
        median(engine_times),
        median(index_times)
    );

    assert!(TASKS.len() >= 30, "only {} tasks", TASKS.len());
    assert!(
        rate >= 0.9,
        "top-3 hit rate {:.1} % is under 90 %",
        rate * 100.0
    );
}
