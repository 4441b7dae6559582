//! Shared by the MCP tests: a catalog of the fixtures, JSON-RPC over the
//! router in process, token counting and output-schema validation.

#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use serde_json::{Value, json};
use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::Engine;
use specdex_store::SqliteCatalog;
use tower::ServiceExt;

/// The fixture catalog: `petstore/api` 1.0.0 and 2.0.0 (current), the only
/// API of provider `petstore`; `weather-service/forecasts` 3.1 (Swagger 2).
pub const FIXTURES: [(&str, &str, &str); 3] = [
    ("petstore-1.yaml", "petstore", "api"),
    ("petstore-2.yaml", "petstore", "api"),
    ("weather.json", "weather-service", "forecasts"),
];

/// Provider `pets` with two APIs: `pets/one` (petstore 1.0.0) and
/// `pets/two` (petstore 2.0.0).
pub const TWO_APIS: [(&str, &str, &str); 2] = [
    ("petstore-1.yaml", "pets", "one"),
    ("petstore-2.yaml", "pets", "two"),
];

/// An engine over [`FIXTURES`]. Ingests on its own thread: ingest builds
/// (and drops) a blocking HTTP client, which must not happen inside an
/// async runtime.
pub fn fixture_engine() -> (Arc<Engine>, tempfile::TempDir) {
    engine_over(&FIXTURES)
}

/// An engine over [`FIXTURES`] and [`TWO_APIS`].
pub fn two_api_engine() -> (Arc<Engine>, tempfile::TempDir) {
    engine_over(&[FIXTURES.as_slice(), TWO_APIS.as_slice()].concat())
}

/// An engine over `documents`: (fixture file, provider, API).
pub fn engine_over(documents: &[(&str, &str, &str)]) -> (Arc<Engine>, tempfile::TempDir) {
    let documents: Vec<(String, String, String)> = documents
        .iter()
        .map(|(f, p, a)| ((*f).to_owned(), (*p).to_owned(), (*a).to_owned()))
        .collect();
    std::thread::spawn(move || build_fixture(&documents))
        .join()
        .expect("fixture thread")
}

fn build_fixture(documents: &[(String, String, String)]) -> (Arc<Engine>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (file, provider, api) in documents {
        let options = IngestOptions {
            provider: Some(provider.clone()),
            api: Some(api.clone()),
            ..IngestOptions::default()
        };
        let result = ingest_file(&catalog, &fixtures.join(file), None, &options);
        match &result.outcome {
            Ok(ingested) => assert_eq!(ingested.api, format!("{provider}/{api}"), "{file}"),
            Err(e) => panic!("{file}: {e}"),
        }
    }
    (
        Arc::new(Engine::new(Arc::new(catalog)).expect("engine")),
        dir,
    )
}

/// JSON-RPC over `router()` in process.
pub struct Http {
    pub app: Router,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Http {
    pub fn new(app: Router) -> Http {
        Http { app }
    }

    /// A raw POST to `/mcp` with the headers every MCP client sends plus `extra`.
    pub async fn post(&self, extra: &[(&str, &str)], body: &Value) -> Reply {
        let mut request = Request::post("/mcp");
        if !extra
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            request = request.header("host", "localhost:8080");
        }
        request = request
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body.to_string())).expect("request");
        self.send(request).await
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
            .await
            .expect("body");
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// One request in protocol `version`: legacy versions send the
    /// `MCP-Protocol-Version` header only; 2026-07-28 adds the per-request
    /// `_meta` and the standard `Mcp-Method`/`Mcp-Name` headers.
    pub async fn rpc(&self, version: &str, method: &str, mut params: Value) -> Reply {
        let mut headers = vec![("mcp-protocol-version", version)];
        let name = params
            .get("name")
            .or_else(|| params.get("uri"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        if version >= "2026-07-28" {
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": version,
                "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {},
            });
            headers.push(("mcp-method", method));
            if let Some(name) = name.as_deref() {
                headers.push(("mcp-name", name));
            }
        }
        let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params});
        let reply = self.post(&headers, &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{method}: {}", reply.body);
        reply
    }

    /// `result` of a request that must succeed.
    pub async fn result(&self, version: &str, method: &str, params: Value) -> Value {
        let reply = self.rpc(version, method, params).await;
        assert!(
            reply.body.get("error").is_none(),
            "{method}: {}",
            reply.body
        );
        reply.body["result"].clone()
    }

    /// `tools/call` in 2025-11-25.
    pub async fn call(&self, tool: &str, arguments: Value) -> Value {
        self.result(
            "2025-11-25",
            "tools/call",
            json!({"name": tool, "arguments": arguments}),
        )
        .await
    }
}

/// The text content of a tool result.
pub fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// o200k tokens of `text`.
pub fn tokens(text: &str) -> usize {
    static BPE: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
    BPE.get_or_init(|| tiktoken_rs::o200k_base().expect("o200k data ships with tiktoken-rs"))
        .encode_with_special_tokens(text)
        .len()
}

/// Validates `instance` against a tool's `outputSchema`; the errors, if any.
pub fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("output schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(5)
        .collect()
}

/// The tools as listed, by name.
pub fn output_schemas(tools: &[Value]) -> std::collections::HashMap<String, Value> {
    tools
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap_or_default().to_owned(),
                t["outputSchema"].clone(),
            )
        })
        .collect()
}
