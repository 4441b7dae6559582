//! Rate limits on the app as `specdex serve` wraps it (limits inside the
//! key guard): per key and per address, 429 with `Retry-After`,
//! `RateLimit-Policy` and `RateLimit`; a 304 costs nothing; `/healthz`
//! never limited; MCP requests count; a key's limit shared by two engines
//! over one catalog (as two replicas are). The PostgreSQL side runs in
//! crates/cli/tests/replicas.rs with two `specdex serve` processes.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use specdex_query::Engine;
use specdex_server::{RateLimits, ServerConfig, guard, parse_rate, router};
use specdex_store::{Catalog, KeyScope, SqliteCatalog};
use tower::ServiceExt;

const DOCUMENT: &str = "openapi: 3.0.3\ninfo:\n  title: Billing\n  version: \"1.0\"\npaths:\n  /invoices:\n    get:\n      responses:\n        \"200\":\n          description: ok\n";

struct Replica {
    engine: Arc<Engine>,
    app: Router,
}

fn replica(catalog: Arc<dyn Catalog>, limits: RateLimits) -> Replica {
    let engine = Arc::new(Engine::new(catalog).expect("engine"));
    let app = router(engine.clone(), &ServerConfig::default()).merge(specdex_mcp::router(
        engine.clone(),
        specdex_mcp::McpConfig::allowing_hosts(Vec::<String>::new()),
    ));
    let app = guard(app, engine.clone(), false, limits);
    Replica { engine, app }
}

fn catalog(dir: &tempfile::TempDir) -> Arc<dyn Catalog> {
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let catalog: Arc<dyn Catalog> = Arc::new(catalog);
    let engine = Engine::new(catalog.clone()).expect("engine");
    let admin = engine
        .create_key("root", KeyScope::Admin, &[])
        .expect("key");
    let caller = engine.authenticate(&admin.key).expect("caller");
    engine
        .publish(
            &caller,
            "acme/billing",
            None,
            None,
            DOCUMENT.as_bytes().to_vec(),
        )
        .expect("published");
    catalog
}

async fn get(app: &Router, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap) {
    get_from(app, uri, headers, [10, 0, 0, 1]).await
}

/// A GET from the client address `from`, as `serve` records it.
async fn get_from(
    app: &Router,
    uri: &str,
    headers: &[(&str, &str)],
    from: [u8; 4],
) -> (StatusCode, HeaderMap) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).expect("request");
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((from, 40000))));
    let response = app.clone().oneshot(request).await.expect("response");
    (response.status(), response.headers().clone())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn addresses_get_429_with_headers_and_a_304_costs_nothing() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let limits = RateLimits {
        per_address: Some(parse_rate("3/min").expect("rate")),
        per_key: None,
    };
    let server = replica(catalog(&dir), limits);
    let (status, headers) = get(&server.app, "/v1/apis/acme/billing", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "ratelimit-policy"), "\"address\";q=3;w=60");
    assert_eq!(header(&headers, "ratelimit"), "\"address\";r=2;t=20");
    let etag = header(&headers, "etag").to_owned();
    assert!(!etag.is_empty(), "answers carry an ETag");

    // Revalidating costs nothing, however often.
    for _ in 0..5 {
        let (status, _) = get(
            &server.app,
            "/v1/apis/acme/billing",
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
    }
    // Never limited.
    for _ in 0..5 {
        let (status, _) = get(&server.app, "/healthz", &[]).await;
        assert_eq!(status, StatusCode::OK);
    }
    for _ in 0..2 {
        let (status, _) = get(&server.app, "/v1/apis", &[]).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, headers) = get(&server.app, "/v1/apis", &[]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = header(&headers, "retry-after")
        .parse()
        .expect("Retry-After");
    assert!((1..=20).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        header(&headers, "ratelimit"),
        format!("\"address\";r=0;t={retry}")
    );
    assert_eq!(header(&headers, "content-type"), "application/json");

    // A conditional request that is not a 304 is charged, and refused.
    let (status, _) = get(&server.app, "/v1/apis", &[("if-none-match", "\"stale\"")]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Another address has its own limit.
    let (status, _) = get_from(&server.app, "/v1/apis", &[], [10, 0, 0, 2]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_keys_limit_is_shared_by_replicas_and_counts_mcp_calls() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let shared = catalog(&dir);
    let limits = RateLimits {
        per_key: Some(parse_rate("6/min").expect("rate")),
        // Requests with a key count against the key, not the address.
        per_address: Some(parse_rate("1/min").expect("rate")),
    };
    let a = replica(shared.clone(), limits);
    let reopened: Arc<dyn Catalog> =
        Arc::new(SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog"));
    let b = replica(reopened, limits);
    let key = a
        .engine
        .create_key("agents", KeyScope::Read, &[])
        .expect("key")
        .key;
    let bearer = format!("Bearer {key}");
    let auth = [("authorization", bearer.as_str())];

    for _ in 0..3 {
        let (status, headers) = get(&a.app, "/v1/apis", &auth).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "ratelimit-policy"), "\"key\";q=6;w=60");
    }
    // An MCP call counts like any request.
    let call = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "list_providers", "arguments": {}}
    });
    let response = b
        .app
        .clone()
        .oneshot({
            let mut request = Request::post("/mcp")
                .header(header::HOST, "localhost:8080")
                .header("mcp-protocol-version", "2025-06-18")
                .header(header::AUTHORIZATION, &bearer)
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT, "application/json, text/event-stream")
                .body(Body::from(call.to_string()))
                .expect("request");
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))));
            request
        })
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    for _ in 0..2 {
        let (status, _) = get(&b.app, "/v1/apis", &auth).await;
        assert_eq!(status, StatusCode::OK);
    }
    // Six used between the two replicas: both refuse.
    let (status, headers) = get(&b.app, "/v1/apis", &auth).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{headers:?}");
    assert!(header(&headers, "retry-after").parse::<u64>().is_ok());
    let (status, _) = get(&a.app, "/v1/apis", &auth).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // A request without a key still has its address's quota.
    let (status, _) = get(&a.app, "/v1/apis", &[]).await;
    assert_eq!(status, StatusCode::OK);
}
