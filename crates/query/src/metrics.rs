//! What the engine reports through the [`metrics`] facade: its answer
//! cache's hits and misses and the catalog it sees. A no-op unless the
//! process installed a recorder (the server does, for `GET /metrics`).

/// Counter of cache lookups, by `cache` and `result` (`hit`, `miss`).
pub const CACHE_REQUESTS: &str = "specdex_cache_requests_total";
/// Gauge: the catalog generation the engine last read.
pub const CATALOG_GENERATION: &str = "specdex_catalog_generation";
/// Gauge: how many APIs the catalog held when the engine last listed them.
pub const CATALOG_APIS: &str = "specdex_catalog_apis";

/// The `cache` label of [`Engine::answer`](crate::Engine::answer)'s cache.
pub(crate) const ANSWERS: &str = "answers";

/// Describes the engine's metrics to the installed recorder; call it once
/// after installing one.
pub fn describe_metrics() {
    metrics::describe_counter!(
        CACHE_REQUESTS,
        "Lookups in the query engine's caches, by cache and result (hit, miss)."
    );
    metrics::describe_gauge!(
        CATALOG_GENERATION,
        "The catalog generation the engine last read (it grows with every change)."
    );
    metrics::describe_gauge!(
        CATALOG_APIS,
        "APIs in the catalog when the engine last listed them (once per generation)."
    );
}

/// Counts one lookup in `cache`.
pub(crate) fn cache_lookup(cache: &'static str, hit: bool) {
    let result = if hit { "hit" } else { "miss" };
    metrics::counter!(CACHE_REQUESTS, "cache" => cache, "result" => result).increment(1);
}

/// Records the generation just read from the catalog.
pub(crate) fn generation(generation: i64) {
    // A gauge is an f64: exact up to 2^53 changes.
    metrics::gauge!(CATALOG_GENERATION).set(generation as f64);
}

/// Records the number of APIs just listed.
pub(crate) fn apis(count: usize) {
    metrics::gauge!(CATALOG_APIS).set(count as f64);
}
