//! `GET /metrics` on the real corpus (skipped without `../shared/specs`):
//! after REST requests, MCP tool calls and ingests, the scrape is parsed and
//! every series checked by name, labels and value.
//!
//! The recorder is one per process, so this file holds one test: the counts
//! it asserts are exactly the ones it caused.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::Engine;
use specdex_server::{ServerConfig, metrics, router};
use specdex_store::SqliteCatalog;
use tower::ServiceExt;

/// One sample of the text format: `name{label="value",…} value`.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The samples of a Prometheus text-format scrape, and the metric names
/// declared by `# TYPE` with their types. Panics on a line that does not
/// parse: the test is about the format too.
fn parse(text: &str) -> (Vec<Sample>, BTreeMap<String, String>) {
    let mut samples = Vec::new();
    let mut types = BTreeMap::new();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        if let Some(declared) = line.strip_prefix("# TYPE ") {
            let (name, kind) = declared.split_once(' ').expect("# TYPE name kind");
            types.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("series and value");
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            number => number.parse().unwrap_or_else(|e| panic!("{line}: {e}")),
        };
        let (name, labels) = match series.split_once('{') {
            Some((name, rest)) => (
                name,
                parse_labels(rest.strip_suffix('}').expect("closing brace")),
            ),
            None => (series, BTreeMap::new()),
        };
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    (samples, types)
}

/// `a="x",b="y \"quoted\""` with the format's escapes (`\\`, `\"`, `\n`).
fn parse_labels(text: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (name, after) = rest.split_once("=\"").expect("label=\"");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("closing quote") {
                (i, '"') => break i,
                (_, '\\') => match chars.next().expect("escaped character").1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                (_, c) => value.push(c),
            }
        };
        labels.insert(name.trim_start_matches(',').to_owned(), value);
        rest = &after[end + 1..];
    }
    labels
}

/// The value of the one sample named `name` whose labels include `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .collect();
    assert_eq!(found.len(), 1, "{name} {labels:?}: {found:?}");
    found[0].value
}

async fn send(app: &Router, request: Request<Body>) -> (StatusCode, String, String) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let body = String::from_utf8(body.to_vec()).expect("utf-8");
    (status, content_type, body)
}

async fn get(app: &Router, uri: &str) -> StatusCode {
    let request = Request::get(uri).body(Body::empty()).expect("request");
    send(app, request).await.0
}

/// A `tools/call` over streamable HTTP, as a stateless 2025-06-18 client
/// sends it; returns the result's `isError`.
async fn call_tool(app: &Router, tool: &str, arguments: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                      "params": {"name": tool, "arguments": arguments}});
    let request = Request::post("/mcp")
        .header("host", "localhost:8080")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-06-18")
        .body(Body::from(body.to_string()))
        .expect("request");
    let (status, _, text) = send(app, request).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let reply: Value = serde_json::from_str(&text).expect("JSON-RPC reply");
    reply["result"]["isError"].clone()
}

#[tokio::test]
async fn metrics_count_requests_tool_calls_ingests_and_cache() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs");
    let file = corpus.join("jumpcloud/api/2.0/index.yaml");
    if !file.is_file() {
        eprintln!("skipped: {} not found", file.display());
        return;
    }
    let handle = metrics::install().expect("recorder");
    // Idempotent: a second app in the same process gets the same recorder.
    metrics::install().expect("installed again");

    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let options = IngestOptions::default();
    let api = ingest_file(&catalog, &file, None, &options)
        .outcome
        .expect("jumpcloud ingests")
        .api;
    let again = ingest_file(&catalog, &file, None, &options);
    assert!(again.outcome.is_ok(), "{:?}", again.outcome.err());
    let missing = ingest_file(&catalog, &dir.path().join("missing.yaml"), None, &options);
    assert!(missing.outcome.is_err());

    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
    let app = metrics::instrument(
        router(engine.clone(), &ServerConfig::default()).merge(specdex_mcp::router(
            engine,
            specdex_mcp::McpConfig::default(),
        )),
        handle,
    );

    let endpoints = format!("/v1/apis/{api}/endpoints");
    assert_eq!(get(&app, &endpoints).await, StatusCode::OK);
    // The same question again: answered from the engine's cache.
    assert_eq!(get(&app, &endpoints).await, StatusCode::OK);
    assert_eq!(
        get(&app, "/v1/apis/nobody/nothing/endpoints").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(get(&app, "/no/such/path/42").await, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/no/such/path/43").await, StatusCode::NOT_FOUND);
    assert_eq!(
        call_tool(&app, "list_versions", json!({"api": api})).await,
        false
    );
    assert_eq!(
        call_tool(&app, "get_spec_summary", json!({"api": "nobody/nothing"})).await,
        true
    );
    assert_eq!(call_tool(&app, "no_such_tool", json!({})).await, true);

    let request = Request::get("/metrics")
        .body(Body::empty())
        .expect("request");
    let (status, content_type, text) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/plain; version=0.0.4");
    let (samples, types) = parse(&text);

    // Request durations: per route template, method and status.
    let duration = metrics::REQUEST_DURATION;
    assert_eq!(types[duration], "histogram", "{text}");
    assert!(text.contains(&format!("# HELP {duration} ")), "{text}");
    let count = format!("{duration}_count");
    let route = |route: &'static str, method: &'static str, status: &'static str| {
        [
            ("http_route", route),
            ("http_request_method", method),
            ("http_response_status_code", status),
        ]
    };
    let ok = route("/v1/apis/{provider}/{api}/endpoints", "GET", "200");
    assert_eq!(value(&samples, &count, &ok), 2.0);
    let ok_buckets: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.name == format!("{duration}_bucket") && ok.iter().all(|(k, v)| s.labels[*k] == *v)
        })
        .collect();
    let bounds: Vec<&str> = ok_buckets.iter().map(|s| s.labels["le"].as_str()).collect();
    assert_eq!(bounds.first(), Some(&"0.0005"), "{bounds:?}");
    assert_eq!(bounds.last(), Some(&"+Inf"), "{bounds:?}");
    assert!(
        ok_buckets.windows(2).all(|w| w[0].value <= w[1].value),
        "buckets are cumulative: {ok_buckets:?}"
    );
    assert_eq!(ok_buckets.last().map(|s| s.value), Some(2.0));
    let not_found = route("/v1/apis/{provider}/{api}/endpoints", "GET", "404");
    assert_eq!(value(&samples, &count, &not_found), 1.0);
    // Unmatched paths share one series, whatever they were.
    assert_eq!(
        value(&samples, &count, &route("unmatched", "GET", "404")),
        2.0
    );
    assert!(!text.contains("/no/such/path"), "{text}");
    assert_eq!(value(&samples, &count, &route("/mcp", "POST", "200")), 3.0);

    // MCP tool calls by tool and isError; unknown names under one label.
    let calls = "specdex_mcp_tool_calls_total";
    assert_eq!(types[calls], "counter");
    let tool =
        |tool: &'static str, is_error: &'static str| [("tool", tool), ("is_error", is_error)];
    assert_eq!(value(&samples, calls, &tool("list_versions", "false")), 1.0);
    assert_eq!(
        value(&samples, calls, &tool("get_spec_summary", "true")),
        1.0
    );
    assert_eq!(value(&samples, calls, &tool("unknown", "true")), 1.0);

    // Ingests: one new, one unchanged, one failed.
    let ingests = specdex_ingest::metrics::DOCUMENTS_TOTAL;
    for outcome in ["new", "unchanged", "failed"] {
        let labels = [("outcome", outcome), ("via", "ingest")];
        assert_eq!(value(&samples, ingests, &labels), 1.0, "{outcome}");
    }

    // The engine: its answer cache and the catalog it sees.
    let cache = specdex_query::metrics::CACHE_REQUESTS;
    let lookups = |result: &'static str| [("cache", "answers"), ("result", result)];
    assert!(value(&samples, cache, &lookups("hit")) >= 1.0, "{text}");
    assert!(value(&samples, cache, &lookups("miss")) >= 1.0, "{text}");
    let generation = value(&samples, specdex_query::metrics::CATALOG_GENERATION, &[]);
    assert!(generation > 0.0, "{text}");
    assert_eq!(
        value(&samples, specdex_query::metrics::CATALOG_APIS, &[]),
        1.0
    );

    // Rate limits: present at 0 before any limiter refuses anything.
    for limit in ["key", "address"] {
        assert_eq!(
            value(&samples, metrics::RATE_LIMITED, &[("limit", limit)]),
            0.0
        );
    }
}
