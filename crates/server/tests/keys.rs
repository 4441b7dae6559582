//! Keys and publishing over HTTP, on the app as `specdex serve` guards it:
//! publish new / unchanged / refused / oversize / wrong scope / no key,
//! a revoked key refused, reads open or closed by `--require-key`, the 401
//! in the shape each client speaks. Documents are built in the test; the
//! stores are SQLite files (the PostgreSQL side of keys is in
//! crates/store/tests/catalog.rs, run on both backends).

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use specdex_query::Engine;
use specdex_server::{RateLimits, ServerConfig, guard, router};
use specdex_store::{KeyScope, SqliteCatalog};
use tower::ServiceExt;

/// An OpenAPI 3.0 document with one endpoint per path in `paths`.
fn document(version: &str, paths: &[&str]) -> String {
    let mut yaml =
        format!("openapi: 3.0.3\ninfo:\n  title: Billing\n  version: \"{version}\"\npaths:\n");
    for path in paths {
        yaml.push_str(&format!(
            "  {path}:\n    get:\n      summary: Read {path}\n      responses:\n        \"200\":\n          description: ok\n"
        ));
    }
    yaml
}

struct Server {
    _dir: tempfile::TempDir,
    engine: Arc<Engine>,
    app: Router,
}

fn server(require_key: bool, config: &ServerConfig) -> Server {
    let dir = tempfile::tempdir().expect("temporary directory");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
    let app = guard(
        router(engine.clone(), config),
        engine.clone(),
        require_key,
        RateLimits::default(),
    );
    Server {
        _dir: dir,
        engine,
        app,
    }
}

impl Server {
    fn key(&self, name: &str, scope: KeyScope, apis: &[&str]) -> String {
        let apis: Vec<String> = apis.iter().map(|a| (*a).to_owned()).collect();
        self.engine.create_key(name, scope, &apis).expect("key").key
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let response = self.app.clone().oneshot(request).await.expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, headers, body)
    }

    async fn publish(&self, api: &str, key: Option<&str>, body: &str) -> (StatusCode, Value) {
        let mut request = Request::post(format!("/v1/apis/{api}/snapshots?source=ci%20run%207"));
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        let (status, _, body) = self
            .send(request.body(Body::from(body.to_owned())).expect("request"))
            .await;
        (status, body)
    }

    async fn get(
        &self,
        uri: &str,
        key: Option<&str>,
    ) -> (StatusCode, axum::http::HeaderMap, Value) {
        let mut request = Request::get(uri);
        if let Some(key) = key {
            request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
        }
        self.send(request.body(Body::empty()).expect("request"))
            .await
    }
}

#[tokio::test]
async fn publishing_needs_a_key_of_the_right_scope_for_the_api() {
    let server = server(false, &ServerConfig::default());
    let ci = server.key("ci-billing", KeyScope::Publish, &["acme/billing"]);
    let reader = server.key("reader", KeyScope::Read, &[]);
    let admin = server.key("root", KeyScope::Admin, &[]);
    let v1 = document("1.0", &["/invoices"]);

    let (status, body) = server.publish("acme/billing", None, &v1).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, body) = server.publish("acme/billing", Some(&reader), &v1).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = server.publish("acme/payroll", Some(&ci), &v1).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("acme/billing"),
        "{body}"
    );

    let (status, body) = server.publish("acme/billing", Some(&ci), &v1).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["status"], "new");
    assert_eq!(body["api"], "acme/billing");
    assert_eq!(body["api_created"], true);
    assert_eq!(body["endpoints"], 1);
    assert_eq!(body["published_by"], "ci-billing");
    let first = body["snapshot"].clone();

    // The same content again: nothing written.
    let (status, body) = server.publish("acme/billing", Some(&ci), &v1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "unchanged");
    assert_eq!(body["snapshot"], first);

    // An admin key publishes anything; the history says who and from where.
    let v2 = document("2.0", &["/invoices", "/refunds"]);
    let (status, body) = server.publish("acme/billing", Some(&admin), &v2).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, _, versions) = server.get("/v1/apis/acme/billing/versions", None).await;
    let history = versions["versions"].as_array().expect("versions");
    assert_eq!(history.len(), 2, "{versions}");
    assert_eq!(history[0]["published_by"], "root");
    assert_eq!(history[1]["published_by"], "ci-billing");
    assert_eq!(history[1]["source"], "ci run 7");

    // Unreadable documents are refused as ingest refuses them.
    for broken in ["", "openapi: 3.0.3\npaths: [", "{\"swagger\": \"1.2\"}"] {
        let (status, body) = server.publish("acme/billing", Some(&ci), broken).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{broken:?}: {body}"
        );
        assert_eq!(body["error"]["code"], "unreadable");
    }
    // A name outside the catalog's alphabet.
    let (status, body) = server.publish("Acme/Billing", Some(&admin), &v1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn an_oversize_document_is_refused_with_413() {
    let config = ServerConfig {
        max_publish_bytes: 4096,
        ..ServerConfig::default()
    };
    let server = server(false, &config);
    let ci = server.key("ci", KeyScope::Publish, &[]);
    let paths: Vec<String> = (0..200).map(|i| format!("/items{i}")).collect();
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let large = document("1.0", &paths);
    assert!(large.len() > 4096);
    let (status, body) = server.publish("acme/billing", Some(&ci), &large).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, _) = server
        .publish("acme/billing", Some(&ci), &document("1.0", &["/a"]))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_revoked_key_is_refused() {
    let server = server(false, &ServerConfig::default());
    let ci = server.key("ci", KeyScope::Publish, &[]);
    let (status, _) = server
        .publish("acme/billing", Some(&ci), &document("1.0", &["/a"]))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    server.engine.revoke_key("ci").expect("revoke");
    let (status, body) = server
        .publish("acme/billing", Some(&ci), &document("2.0", &["/a", "/b"]))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("revoked"),
        "{body}"
    );
    // Uses are counted and recorded.
    server.engine.flush_key_uses().expect("flush");
    let keys = server.engine.keys().expect("keys");
    assert_eq!(keys[0].uses, 1, "{keys:?}");
    assert!(keys[0].revoked_at.is_some());
}

#[tokio::test]
async fn a_private_catalog_answers_only_with_a_key() {
    let server = server(true, &ServerConfig::default());
    let reader = server.key("agents", KeyScope::Read, &[]);

    let (status, headers, body) = server.get("/v1/apis", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(
        headers[header::WWW_AUTHENTICATE],
        r#"Bearer realm="specdex""#
    );
    assert_eq!(body["error"]["code"], "unauthorized");

    let (status, _, body) = server.get("/v1/apis", Some(&reader)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A wrong key and a malformed header are refused as invalid tokens.
    for authorization in ["Bearer sdx_0000", "Basic dXNlcjpwYXNz", "Bearer "] {
        let request = Request::get("/v1/apis")
            .header(header::AUTHORIZATION, authorization)
            .body(Body::empty())
            .expect("request");
        let (status, headers, body) = server.send(request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{authorization}: {body}");
        assert!(
            headers[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap_or_default()
                .contains("invalid_token"),
            "{authorization}"
        );
    }

    // Load balancers probe without a key.
    let (status, _, _) = server.get("/healthz", None).await;
    assert_eq!(status, StatusCode::OK);

    // MCP clients get a JSON-RPC error.
    let request = Request::post("/mcp")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
        ))
        .expect("request");
    let (status, headers, body) = server.send(request).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.contains_key(header::WWW_AUTHENTICATE));
    assert_eq!(body["jsonrpc"], "2.0");
    assert_eq!(body["error"]["code"], -32001);
}
