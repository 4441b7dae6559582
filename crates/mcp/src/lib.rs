//! specdex over MCP: the catalog's questions as tools, resources and
//! prompts, for AI agents.
//!
//! Two transports serve the same [`SpecdexMcp`] handler:
//!
//! - [`router`]: streamable HTTP at `/mcp`, **stateless** (no
//!   `Mcp-Session-Id`, so replicas need no sticky sessions; `GET` and
//!   `DELETE` answer `405`), JSON responses, `Host` checked against
//!   [`McpConfig::allowed_hosts`] (DNS-rebinding protection), plus the
//!   discovery document at `GET /.well-known/mcp`. The REST server
//!   `.merge()`s it.
//! - [`serve_stdio`]: MCP over stdin/stdout until the client hangs up; logs
//!   go to stderr only.
//!
//! Clients speaking 2025-06-18, 2025-11-25 (`initialize` handshake) and
//! 2026-07-28 (per-request `_meta`, `server/discover`) are all served.
//!
//! Handlers hold no logic: every tool maps its arguments to a
//! [`specdex_query::Query`], asks [`Engine::answer`] and returns the
//! markdown as text content and the JSON as `structuredContent`. A
//! [`QueryError`](specdex_query::QueryError) becomes a tool result with
//! `isError` whose text names the argument at fault or the closest matches.
//!
//! ```no_run
//! # async fn run(engine: std::sync::Arc<specdex_query::Engine>) -> std::io::Result<()> {
//! let app = axum::Router::new() // the REST routes
//!     .merge(specdex_mcp::router(engine, specdex_mcp::McpConfig::default()));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await
//! # }
//! ```

mod discovery;
mod handler;
pub mod metrics;
mod outcome;
mod prompts;
mod resources;
mod schemas;
mod tools;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;
use rmcp::ServiceExt;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use specdex_query::Engine;

pub use handler::{INSTRUCTIONS, SpecdexMcp};
pub use resources::{endpoint_uri, schema_uri, summary_uri};
pub use tools::{DIFF_LIMIT, LIST_LIMIT, TOOL_NAMES};

/// Where the MCP endpoint is mounted.
pub const MCP_PATH: &str = "/mcp";
/// Where the discovery document is served (also at `/.well-known/mcp.json`).
pub const WELL_KNOWN_PATH: &str = "/.well-known/mcp";

/// Settings of the HTTP transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McpConfig {
    /// `Host` values accepted on `/mcp`, as a host name (any port) or
    /// `host:port`. Anything else is refused with `403`: this is the
    /// DNS-rebinding protection. Defaults to the loopback names
    /// (`localhost`, `127.0.0.1`, `::1`); a public deployment lists its own
    /// names. An empty list accepts every host (not recommended).
    pub allowed_hosts: Vec<String>,
    /// Browser origins accepted on `/mcp` when a request carries `Origin`
    /// (`https://app.example.com:443`, `http://localhost:*`). Empty (the
    /// default) leaves `Origin` unchecked: `Host` validation already defeats
    /// DNS rebinding.
    pub allowed_origins: Vec<String>,
    /// Largest JSON-RPC request body accepted (`413` above it).
    pub max_request_body_bytes: usize,
}

impl Default for McpConfig {
    fn default() -> Self {
        McpConfig {
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "::1".into()],
            allowed_origins: Vec::new(),
            max_request_body_bytes: 256 * 1024,
        }
    }
}

impl McpConfig {
    /// The defaults plus `hosts` (for example the names a public deployment
    /// is reached by).
    pub fn allowing_hosts(hosts: impl IntoIterator<Item = impl Into<String>>) -> McpConfig {
        let mut config = McpConfig::default();
        config
            .allowed_hosts
            .extend(hosts.into_iter().map(Into::into));
        config
    }
}

/// The axum router serving `POST /mcp` (`GET`/`DELETE` answer `405`: the
/// transport is stateless) and `GET /.well-known/mcp`. It has no fallback,
/// so it merges into another router.
pub fn router(engine: Arc<Engine>, config: McpConfig) -> Router {
    let server = SpecdexMcp::new(engine);
    let http = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(None)
        .with_allowed_hosts(config.allowed_hosts)
        .with_allowed_origins(config.allowed_origins)
        .with_max_request_body_bytes(config.max_request_body_bytes);
    let factory = server.clone();
    let service = StreamableHttpService::new(
        move || Ok(factory.clone()),
        Arc::new(NeverSessionManager::default()),
        http,
    );
    let card: Arc<[u8]> = discovery::card(&server).into();
    let well_known = get(move || {
        let card = card.clone();
        async move {
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    ),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=300"),
                    ),
                    (
                        header::ACCESS_CONTROL_ALLOW_ORIGIN,
                        HeaderValue::from_static("*"),
                    ),
                ],
                axum::body::Bytes::copy_from_slice(&card),
            )
                .into_response()
        }
    });
    Router::new()
        .route_service(MCP_PATH, service)
        .route(WELL_KNOWN_PATH, well_known.clone())
        .route("/.well-known/mcp.json", well_known)
}

/// Why [`serve_stdio`] stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StdioError {
    /// The client went away or spoke something other than MCP before the
    /// session started.
    #[error("MCP session did not start: {0}")]
    Start(String),
    /// The session ended abnormally.
    #[error("MCP session failed: {0}")]
    Session(#[from] tokio::task::JoinError),
}

/// MCP over stdin/stdout until the client hangs up. Nothing but protocol
/// messages is written to stdout; log to stderr. Call it inside a tokio
/// runtime with IO enabled (`enable_all()`): when both streams are pipes
/// they are driven by the runtime's reactor.
pub async fn serve_stdio(engine: Arc<Engine>) -> Result<(), StdioError> {
    let server = SpecdexMcp::new(engine);
    let running = server
        .serve(rmcp::transport::stdio_pipes())
        .await
        .map_err(|e| StdioError::Start(e.to_string()))?;
    let reason = running.waiting().await?;
    tracing::debug!(?reason, "MCP stdio session ended");
    Ok(())
}
