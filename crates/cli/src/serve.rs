//! `specdex serve`: the REST API (and the other HTTP faces) on one port.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use specdex_query::Engine;
use specdex_server::ServerConfig;
use specdex_store::{Catalog, SqliteCatalog};

/// Serve the catalog over HTTP: the REST API under /v1, its OpenAPI
/// document at /openapi.json, and /healthz.
///
/// The server is stateless over its catalog: several can share one
/// database, and a document ingested meanwhile (by `specdex ingest` in
/// another process) is answered within a second.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "SPECDEX_ADDR")]
    addr: SocketAddr,

    /// Longest a request may take before it is answered with 503.
    #[arg(long, default_value = "10", value_name = "SECONDS")]
    request_timeout: u64,
}

pub fn run(catalog: Arc<SqliteCatalog>, args: ServeArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let providers = catalog.providers()?.len();
    let engine = Arc::new(Engine::new(catalog)?);
    // Build the search index off the critical path: the first answers
    // (endpoint detail, listings) need no index; a search waits for it.
    let warming = engine.clone();
    std::thread::spawn(move || {
        if let Err(e) = warming.warm() {
            tracing::error!("building the search index failed: {e}");
        }
    });
    let config = ServerConfig {
        request_timeout: Duration::from_secs(args.request_timeout),
        ..ServerConfig::default()
    };
    let app = specdex_server::router(engine, &config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("listening on {}", args.addr))?;
        let local = listener.local_addr()?;
        eprintln!(
            "specdex: serving {providers} providers on http://{local} (REST /v1, /openapi.json) — ready in {} ms",
            started.elapsed().as_millis()
        );
        specdex_server::serve(listener, app).await.context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}
