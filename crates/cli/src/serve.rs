//! `specdex serve`: the REST API (and the other HTTP faces) on one port.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use specdex_query::Engine;
use specdex_server::ServerConfig;
use specdex_store::Catalog;

/// Serve the catalog over HTTP on one port: the web catalog at /, the REST
/// API under /v1 (its OpenAPI document at /openapi.json), MCP (streamable
/// HTTP, stateless) at /mcp with its description at /.well-known/mcp, how
/// to connect an agent at /docs, /healthz, and /metrics (Prometheus text
/// format: request durations per route and status, MCP tool calls, cache
/// hits, catalog generation).
///
/// The server is stateless over its catalog: several can share one
/// database, and a document ingested meanwhile (by `specdex ingest` in
/// another process) is answered within a second.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SPECDEX_ADDR")]
    addr: SocketAddr,

    /// Hosts (or host:port) accepted on /mcp besides loopback: the
    /// DNS-rebinding protection. Add the names clients use to reach this
    /// server when it listens beyond localhost.
    #[arg(
        long = "allowed-host",
        value_name = "HOST",
        env = "SPECDEX_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,

    /// Longest a request may take before it is answered with 503.
    #[arg(long, default_value = "10", value_name = "SECONDS")]
    request_timeout: u64,

    /// Answer only requests with a key (`Authorization: Bearer <key>`, any
    /// scope; see `specdex keys`): a private catalog. Without it reads are
    /// open; publishing always needs a `publish` key. /healthz and /metrics
    /// stay open.
    #[arg(long, env = "SPECDEX_REQUIRE_KEY")]
    require_key: bool,

    /// Limit each key to RATE requests (`600/min`, `10/s`, `5000/h`), across
    /// every replica over the catalog; over it, 429 with Retry-After.
    #[arg(long, value_name = "RATE", value_parser = specdex_server::parse_rate, env = "SPECDEX_LIMIT_PER_KEY")]
    limit_per_key: Option<specdex_store::RateQuota>,

    /// Limit each client address to RATE requests without a key, on this
    /// replica. Behind a proxy every client has the proxy's address.
    #[arg(long, value_name = "RATE", value_parser = specdex_server::parse_rate, env = "SPECDEX_LIMIT_PER_ADDRESS")]
    limit_per_address: Option<specdex_store::RateQuota>,

    /// Sync the catalog's sources in the background (see `specdex sources`):
    /// due sources are checked every --sync-poll seconds. With several
    /// replicas on PostgreSQL, give it to any number of them: one syncs at
    /// a time. Each check is logged under SPECDEX_LOG=info; failures at warn.
    #[arg(long, env = "SPECDEX_SYNC")]
    sync: bool,

    /// How often --sync looks for due sources.
    #[arg(long, default_value = "30", value_name = "SECONDS", requires = "sync")]
    sync_poll: u64,
}

/// How often the uses of keys counted in memory are written to the catalog.
const KEY_USE_FLUSH: Duration = Duration::from_secs(5);

pub fn run(catalog: Arc<dyn Catalog>, args: ServeArgs) -> Result<ExitCode> {
    let started = Instant::now();
    // Before anything records: the engine reports the generation it opens with.
    let metrics = specdex_server::metrics::install()?;
    let apis = catalog.api_ids()?.len();
    let engine = warm_engine(catalog)?;
    let config = ServerConfig {
        request_timeout: Duration::from_secs(args.request_timeout),
        ..ServerConfig::default()
    };
    // The web pages are merged last, outside the REST error layer, which
    // would turn their HTML error pages into JSON.
    let app = specdex_server::router(engine.clone(), &config)
        .merge(specdex_mcp::router(
            engine.clone(),
            specdex_mcp::McpConfig::allowing_hosts(args.allowed_hosts),
        ))
        .merge(specdex_web::router(engine.clone()));
    let limits = specdex_server::RateLimits {
        per_key: args.limit_per_key,
        per_address: args.limit_per_address,
    };
    let app = specdex_server::guard(app, engine.clone(), args.require_key, limits);
    let app = specdex_server::metrics::instrument(app, metrics);
    let runtime = server_runtime()?;
    let flushed = engine.clone();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let local = listener.local_addr()?;
        eprintln!(
            "specdex: serving {apis} APIs on http://{local} (web /, REST /v1, MCP /mcp) — ready in {} ms",
            started.elapsed().as_millis()
        );
        let syncing = args
            .sync
            .then(|| tokio::spawn(sync_sources(engine.clone(), Duration::from_secs(args.sync_poll.max(1)))));
        let flushing = tokio::spawn(flush_key_uses(engine));
        let served = specdex_server::serve(listener, app).await.context("serving");
        flushing.abort();
        if let Some(syncing) = syncing {
            syncing.abort();
        }
        served
    })?;
    // The uses counted since the last flush.
    if let Err(e) = flushed.flush_key_uses() {
        tracing::warn!("recording the use of keys failed: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the key uses counted in memory to the catalog every
/// [`KEY_USE_FLUSH`], so `keys list` shows them without a write per request.
async fn flush_key_uses(engine: Arc<Engine>) {
    let mut every = tokio::time::interval(KEY_USE_FLUSH);
    loop {
        every.tick().await;
        let engine = engine.clone();
        match tokio::task::spawn_blocking(move || engine.flush_key_uses()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!("recording the use of keys failed: {e}"),
            Err(e) => tracing::warn!("recording the use of keys failed: {e}"),
        }
    }
}

/// Checks the due sources every `poll`, on the blocking pool, logging
/// what each check found. A pass another replica is running is skipped.
async fn sync_sources(engine: Arc<Engine>, poll: Duration) {
    let mut every = tokio::time::interval(poll);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let engine = engine.clone();
        let pass = tokio::task::spawn_blocking(move || {
            engine.sync(specdex_ingest::Due::Now, |report| {
                let api = &report.source.api;
                match &report.checked {
                    specdex_ingest::Checked::Changed { snapshot } => tracing::info!(
                        "sync: {api}: new snapshot {} ({})",
                        snapshot.snapshot,
                        snapshot.version
                    ),
                    specdex_ingest::Checked::Unchanged { .. } => {
                        tracing::debug!("sync: {api}: unchanged")
                    }
                    specdex_ingest::Checked::Failed { error } => tracing::warn!(
                        "sync: {api}: {error}; {} failures in a row",
                        report.source.failures
                    ),
                }
            })
        })
        .await;
        match pass {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!("syncing sources failed: {e}"),
            Err(e) => tracing::warn!("syncing sources failed: {e}"),
        }
    }
}

/// An engine whose search index is built on a background thread: the first
/// answers (endpoint detail, listings) need no index, and a search that
/// comes early waits for it.
pub fn warm_engine(catalog: Arc<dyn Catalog>) -> Result<Arc<Engine>> {
    let engine = Arc::new(Engine::new(catalog)?);
    let warming = engine.clone();
    std::thread::spawn(move || {
        if let Err(e) = warming.warm() {
            tracing::error!("building the search index failed: {e}");
        }
    });
    Ok(engine)
}

/// `specdex mcp`: MCP over stdin/stdout until the client hangs up.
pub fn run_stdio(catalog: Arc<dyn Catalog>) -> Result<ExitCode> {
    let engine = warm_engine(catalog)?;
    let runtime = server_runtime()?;
    runtime.block_on(specdex_mcp::serve_stdio(engine))?;
    Ok(ExitCode::SUCCESS)
}

/// The async runtime for serving. Engine calls run on its blocking pool;
/// a few threads per core keep every core busy, while tokio's default of
/// 512 would let a burst of connections spawn hundreds of threads, each
/// keeping its own allocator pages (measured: 490 → 750 MB RSS under wrk).
fn server_runtime() -> Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(cores * 4)
        .build()
        .context("starting the async runtime")
}
