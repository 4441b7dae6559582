//! A test server for peer tests and benchmarks: an engine over `--db`,
//! optionally filled first, served over HTTP (`router()` merged into a
//! plain axum app) or over stdio.
//!
//! ```text
//! mcp-serve --db PATH [--ingest FILE [--provider SLUG] [--api NAME]]... [--only-ingest]
//!           [--addr 127.0.0.1:0] [--addr-file PATH] [--allow-host HOST]... [--stdio]
//! ```
//!
//! `--ingest` adds a document (unchanged content records nothing new), with
//! the `--provider` and `--api` that follow it (else derived from the
//! document). Over HTTP it prints `listening on
//! http://ADDR` to stderr and writes `ADDR` to `--addr-file`.

use std::path::PathBuf;
use std::sync::Arc;

use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::Engine;
use specdex_store::SqliteCatalog;

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SPECDEX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let mut db = None;
    let mut addr = "127.0.0.1:0".to_owned();
    let mut addr_file = None;
    let mut stdio = false;
    let mut only_ingest = false;
    let mut hosts = Vec::new();
    let mut ingest: Vec<(PathBuf, Option<String>, Option<String>)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--addr" => addr = value()?,
            "--addr-file" => addr_file = Some(PathBuf::from(value()?)),
            "--allow-host" => hosts.push(value()?),
            "--ingest" => ingest.push((PathBuf::from(value()?), None, None)),
            "--provider" => {
                let slug = value()?;
                let last = ingest.last_mut().ok_or("--provider follows an --ingest")?;
                last.1 = Some(slug);
            }
            "--api" => {
                let name = value()?;
                let last = ingest.last_mut().ok_or("--api follows an --ingest")?;
                last.2 = Some(name);
            }
            "--stdio" => stdio = true,
            "--only-ingest" => only_ingest = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let db = db.ok_or("--db PATH is required")?;
    let catalog = SqliteCatalog::open(&db)?;
    for (path, provider, api) in &ingest {
        let options = IngestOptions {
            provider: provider.clone(),
            api: api.clone(),
            ..IngestOptions::default()
        };
        let result = ingest_file(&catalog, path, None, &options);
        if let Err(e) = result.outcome {
            return Err(format!("{}: {e}", path.display()).into());
        }
    }
    if only_ingest {
        return Ok(());
    }
    let engine = Arc::new(Engine::new(Arc::new(catalog))?);
    engine.warm()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        if stdio {
            specdex_mcp::serve_stdio(engine).await?;
            return Ok(());
        }
        let config = specdex_mcp::McpConfig::allowing_hosts(hosts);
        let app = axum::Router::new()
            .route("/healthz", axum::routing::get(|| async { "ok" }))
            .merge(specdex_mcp::router(engine, config));
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        let local = listener.local_addr()?;
        eprintln!("listening on http://{local}");
        if let Some(file) = addr_file {
            std::fs::write(file, local.to_string())?;
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok::<(), Error>(())
    })
}
