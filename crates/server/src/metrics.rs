//! `GET /metrics`: the process's metrics in the Prometheus text format.
//!
//! The libraries record through the [`metrics`] facade (the engine's cache
//! and catalog, MCP tool calls, ingested documents); [`install`] puts the
//! Prometheus recorder behind it, once per process, and [`instrument`]
//! serves what it holds and times every request of an app.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

/// Where the metrics are served.
pub const PATH: &str = "/metrics";
/// The content type of the Prometheus text format.
pub const CONTENT_TYPE_TEXT: &str = "text/plain; version=0.0.4";
/// Histogram of request durations in seconds, by `http_route` (the route's
/// template, or [`UNMATCHED`]), `http_request_method` and
/// `http_response_status_code`: OpenTelemetry's HTTP server names.
pub const REQUEST_DURATION: &str = "http_server_request_duration_seconds";
/// The `http_route` of a request no route matched: one value for every
/// such path, so a scan of random paths adds no series.
pub const UNMATCHED: &str = "unmatched";
/// Counter of requests refused by a rate limit, by `limit`: `key` or
/// `address`. The limiter increments it with
/// `metrics::counter!(RATE_LIMITED, "limit" => "key").increment(1)`.
pub const RATE_LIMITED: &str = "specdex_rate_limited_requests_total";

/// Bucket bounds of [`REQUEST_DURATION`] in seconds: a cached answer takes
/// well under a millisecond, an uncached one milliseconds, and the request
/// timeout is 10 s by default.
const DURATION_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How often histogram samples are folded into their buckets. Rendering
/// folds them too; this bounds the memory they take between scrapes, or
/// when nothing scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// Why the recorder could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The recorder could not be built, or another recorder was installed
    /// in this process first.
    #[error("installing the metrics recorder: {0}")]
    Install(#[from] BuildError),
    /// The thread that keeps the histograms small could not start.
    #[error("starting the metrics upkeep thread: {0}")]
    Upkeep(#[from] std::io::Error),
}

/// The recorder this process installed, if any.
static INSTALLED: Mutex<Option<PrometheusHandle>> = Mutex::new(None);

/// Installs the Prometheus recorder for this process and describes every
/// metric specdex records; returns the handle that renders them. Calling it
/// again returns the same handle, so tests that each build an app may all
/// call it. Only the binary (or a test) calls it: libraries record through
/// the facade and never install.
pub fn install() -> Result<PrometheusHandle, MetricsError> {
    let mut installed = INSTALLED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = installed.as_ref() {
        return Ok(handle.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(REQUEST_DURATION.to_owned()),
            &DURATION_BUCKETS,
        )?
        .install_recorder()?;
    let upkeep = handle.clone();
    std::thread::Builder::new()
        .name("metrics-upkeep".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            }
        })?;
    describe();
    *installed = Some(handle.clone());
    Ok(handle)
}

/// Describes the metrics of this crate and of the engine, and registers the
/// rate-limit counters so they read 0 before the first refusal.
fn describe() {
    metrics::describe_histogram!(
        REQUEST_DURATION,
        metrics::Unit::Seconds,
        "Duration of HTTP requests, by route template, method and status code."
    );
    metrics::describe_counter!(
        RATE_LIMITED,
        "Requests refused by a rate limit, by limit (key, address)."
    );
    for limit in ["key", "address"] {
        metrics::counter!(RATE_LIMITED, "limit" => limit).absolute(0);
    }
    specdex_query::metrics::describe_metrics();
}

/// `app` with `GET /metrics` serving `handle`, and every request it
/// answers timed in [`REQUEST_DURATION`]. Call it on the whole app, after
/// merging every face, so all of them are timed; `/metrics` stays outside
/// the REST error layer.
pub fn instrument(app: Router, handle: PrometheusHandle) -> Router {
    app.merge(Router::new().route(PATH, get(scrape)).with_state(handle))
        .layer(axum::middleware::from_fn(time_request))
}

/// `GET /metrics`.
async fn scrape(State(handle): State<PrometheusHandle>) -> Response {
    (
        [(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_TEXT))],
        handle.render(),
    )
        .into_response()
}

/// Times one request. It runs after routing (a layer on every route), so
/// the matched route's template is known: labels name templates, never raw
/// paths, which keeps the number of series bounded.
async fn time_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |path| path.as_str().to_owned());
    let method = method_label(request.method());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!(
        REQUEST_DURATION,
        "http_route" => route,
        "http_request_method" => method,
        "http_response_status_code" => status,
    )
    .record(started.elapsed());
    response
}

/// The method as OpenTelemetry names it: the standard ones as they are,
/// any other as `_OTHER` (methods come from clients and are unbounded).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "_OTHER",
    }
}
