//! The REST API over HTTP: every route, its renderings, revalidation,
//! compression and errors, on a catalog of small documents written here; and
//! one route on the real corpus (skipped without `../shared/specs`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use serde_json::{Value, json};
use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::Engine;
use specdex_server::{ServerConfig, router};
use specdex_store::SqliteCatalog;
use tower::ServiceExt;

const PETSTORE: &str = r##"{
  "openapi": "3.1.0",
  "info": {"title": "Pet Store", "version": "1.0.0",
           "description": "Sells pets.\n\nAnd keeps them."},
  "servers": [{"url": "https://pets.example.com/v1"}],
  "security": [{"bearer": []}],
  "tags": [{"name": "pets", "description": "Everything about pets"}, {"name": "store"}],
  "paths": {
    "/pets": {
      "get": {"operationId": "listPets", "summary": "List all pets", "tags": ["pets"],
              "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
              "responses": {"200": {"description": "A page of pets",
                 "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}}}}},
      "post": {"operationId": "createPet", "summary": "Create a pet", "tags": ["pets"],
               "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
               "responses": {"201": {"description": "Created"}}}
    },
    "/pets/{petId}": {
      "parameters": [{"name": "petId", "in": "path", "required": true, "description": "The pet's id", "schema": {"type": "string"}}],
      "get": {"operationId": "showPetById", "summary": "Info for a specific pet", "tags": ["pets"],
              "responses": {"200": {"description": "The pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}},
                            "404": {"description": "No such pet", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
      "delete": {"operationId": "deletePet", "summary": "Delete a pet", "tags": ["pets"],
                 "responses": {"204": {"description": "Deleted"}}}
    },
    "/store/inventory": {
      "get": {"operationId": "getInventory", "summary": "Returns pet inventories", "tags": ["store"],
              "responses": {"200": {"description": "Counts by status"}}}
    }
  },
  "components": {
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    "schemas": {
      "Pet": {"type": "object", "required": ["id", "name"],
              "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                             "category": {"$ref": "#/components/schemas/Category"}}},
      "Category": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
      "Error": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}
    }
  }
}
"##;

const LEDGER_V1: &str = "openapi: 3.0.3
info:
  title: Ledger
  version: '1.0'
paths:
  /entries:
    get:
      summary: List entries
      responses:
        '200':
          description: Entries
components:
  schemas:
    Entry:
      type: object
      properties:
        amount:
          type: number
";

const LEDGER_V2: &str = "openapi: 3.0.3
info:
  title: Ledger
  version: '2.0'
paths:
  /entries:
    get:
      summary: List entries
      responses:
        '200':
          description: Entries
  /entries/{id}:
    delete:
      summary: Remove an entry
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        '204':
          description: Removed
components:
  schemas:
    Entry:
      type: object
      properties:
        amount:
          type: number
";

/// Two editions of one API for `/changes`: 2.0 drops `GET /pets`'s `sort`
/// (warning), removes `DELETE /pets/{id}` and `Pet.tag` (breaking), adds
/// `POST /pets` and a 404 (info); `GET /owners` does not change.
const SHOP_V1: &str = "openapi: 3.0.3
info: {title: Shop, version: '1.0'}
paths:
  /pets:
    get:
      parameters: [{name: sort, in: query, schema: {type: string}}]
      responses:
        '200': {description: Pets, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        '200': {description: A pet, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
    delete:
      responses: {'204': {description: Gone}}
  /owners:
    get:
      responses: {'200': {description: Owners}}
components:
  schemas:
    Pet: {type: object, required: [id], properties: {id: {type: integer}, tag: {type: string}}}
";

const SHOP_V2: &str = "openapi: 3.0.3
info: {title: Shop, version: '2.0'}
paths:
  /pets:
    get:
      responses:
        '200': {description: Pets, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
      responses: {'201': {description: Added}}
  /pets/{id}:
    parameters: [{name: id, in: path, required: true, schema: {type: string}}]
    get:
      responses:
        '200': {description: A pet, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
        '404': {description: No such pet}
  /owners:
    get:
      responses: {'200': {description: Owners}}
components:
  schemas:
    Pet: {type: object, required: [id], properties: {id: {type: integer}}}
";

struct Fixture {
    engine: Arc<Engine>,
    _dir: tempfile::TempDir,
}

/// A catalog of `documents` (file name, text, provider, API name if fixed),
/// ingested in order.
fn fixture(documents: &[(&str, &str, &str, Option<&str>)]) -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    for (name, text, provider, api) in documents {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write spec");
        let options = IngestOptions {
            provider: Some((*provider).to_owned()),
            api: api.map(str::to_owned),
            ..IngestOptions::default()
        };
        let result = ingest_file(&catalog, &file, None, &options);
        assert!(result.outcome.is_ok(), "{name}: {:?}", result.outcome.err());
    }
    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
    Fixture { engine, _dir: dir }
}

/// One catalog for the whole file: `petstore` (3.1 JSON) and `ledger`
/// (3.0 YAML, two versions).
fn engine() -> Arc<Engine> {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            fixture(&[
                ("petstore.json", PETSTORE, "petstore", None),
                ("ledger-1.yaml", LEDGER_V1, "ledger", None),
                ("ledger-2.yaml", LEDGER_V2, "ledger", None),
            ])
        })
        .engine
        .clone()
}

fn app() -> Router {
    router(engine(), &ServerConfig::default())
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(300)])
            )
        })
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no {name} header"))
    }

    /// Asserts the error shape and returns the message.
    fn error(&self, status: StatusCode, code: &str) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.header(header::CONTENT_TYPE)
                .starts_with("application/json")
        );
        let body = self.json();
        let error = body["error"].as_object().expect("error object");
        assert_eq!(error.len(), 2, "{body}");
        assert_eq!(error["code"], code, "{body}");
        error["message"].as_str().expect("message").to_owned()
    }
}

async fn send(request: Request<Body>) -> Reply {
    send_to(app(), request).await
}

async fn send_to(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get_with(uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request.body(Body::empty()).expect("request")).await
}

async fn get(uri: &str) -> Reply {
    get_with(uri, &[]).await
}

/// 200 in JSON and in markdown (both by `?format=md` and by `Accept`), with
/// distinct entity tags; returns the JSON and the markdown.
async fn both(uri: &str) -> (Value, String) {
    let json = get(uri).await;
    assert_eq!(json.status, StatusCode::OK, "{uri}: {}", json.text());
    assert_eq!(json.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(json.header(header::CACHE_CONTROL), "no-cache");
    let sep = if uri.contains('?') { '&' } else { '?' };
    let md = get(&format!("{uri}{sep}format=md")).await;
    assert_eq!(md.status, StatusCode::OK, "{uri}: {}", md.text());
    assert_eq!(
        md.header(header::CONTENT_TYPE),
        "text/markdown; charset=utf-8"
    );
    let accepted = get_with(uri, &[("accept", "text/markdown")]).await;
    assert_eq!(accepted.text(), md.text(), "{uri}");
    let explicit_json = get_with(
        &format!("{uri}{sep}format=json"),
        &[("accept", "text/markdown")],
    )
    .await;
    assert_eq!(explicit_json.body, json.body, "{uri}");
    assert_ne!(json.header(header::ETAG), md.header(header::ETAG));
    (json.json(), md.text())
}

#[tokio::test]
async fn providers_pages_through_the_catalog() {
    let (page, md) = both("/v1/providers").await;
    assert_eq!(page["total"], 2);
    let slugs: Vec<&str> = page["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .filter_map(|p| p["provider"].as_str())
        .collect();
    assert_eq!(slugs, ["ledger", "petstore"]);
    assert!(page.get("next_cursor").is_none());
    assert!(md.contains("petstore"), "{md}");

    let first = get("/v1/providers?limit=1").await.json();
    assert_eq!(first["providers"][0]["provider"], "ledger");
    let cursor = first["next_cursor"].as_str().expect("next_cursor");
    let second = get(&format!("/v1/providers?limit=1&cursor={cursor}"))
        .await
        .json();
    assert_eq!(second["providers"][0]["provider"], "petstore");
    assert!(second.get("next_cursor").is_none());
    assert_eq!(second["total"], 2);
}

#[tokio::test]
async fn search_finds_endpoints_and_providers() {
    let (hits, md) = both("/v1/search?q=delete%20pet").await;
    assert_eq!(hits["query"], "delete pet");
    let first = &hits["results"][0];
    assert_eq!(first["kind"], "endpoint", "{hits}");
    assert_eq!(first["provider"], "petstore");
    assert_eq!(first["method"], "DELETE");
    assert_eq!(first["path"], "/pets/{petId}");
    assert!(md.contains("/pets/{petId}"), "{md}");

    assert_eq!(first["api"], "petstore/v1");

    // `providers`, the scope's name before APIs had their own identity.
    for scope in ["apis", "providers"] {
        let apis = get(&format!("/v1/search?q=ledger&scope={scope}&limit=1"))
            .await
            .json();
        assert_eq!(apis["scope"], "apis");
        let results = apis["results"].as_array().expect("results");
        assert_eq!(results.len(), 1);
        assert_eq!(results[0]["kind"], "api");
        assert_eq!(results[0]["provider"], "ledger");
        assert_eq!(results[0]["api"], "ledger/api");
    }

    // `q` is limited in characters, as documented, not in bytes.
    let euros = "%E2%82%AC".repeat(1000);
    let long = get(&format!("/v1/search?q={euros}")).await;
    assert_eq!(long.status, StatusCode::OK, "{}", long.text());
    let message = get(&format!("/v1/search?q={}", "a".repeat(1001)))
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(message.contains("`q`"), "{message}");
}

#[tokio::test]
async fn provider_describes_current_or_asked_version() {
    let (detail, md) = both("/v1/providers/petstore").await;
    assert_eq!(detail["provider"], "petstore");
    assert_eq!(detail["api"], "petstore/v1");
    assert_eq!(
        get("/v1/apis/petstore/v1").await.body,
        get("/v1/providers/petstore").await.body
    );
    assert_eq!(detail["title"], "Pet Store");
    assert_eq!(detail["endpoints"], 5);
    assert_eq!(detail["schemas"], 3);
    assert_eq!(detail["base_urls"][0]["url"], "https://pets.example.com/v1");
    assert_eq!(detail["tags"][0]["name"], "pets");
    assert_eq!(detail["tags"][0]["endpoints"], 4);
    assert!(md.contains("Pet Store"), "{md}");

    let current = get("/v1/providers/ledger").await.json();
    assert_eq!(current["version"], "2.0");
    assert_eq!(current["endpoints"], 2);
    let old = get("/v1/providers/ledger?version=1.0").await.json();
    assert_eq!(old["version"], "1.0");
    assert_eq!(old["endpoints"], 1);
    assert_eq!(old["snapshot"]["status"], "superseded");
}

#[tokio::test]
async fn versions_list_the_history() {
    let (history, md) = both("/v1/providers/ledger/versions").await;
    assert_eq!(history["provider"], "ledger");
    assert_eq!(history["api"], "ledger/api");
    assert_eq!(
        get("/v1/apis/ledger/api/versions").await.body,
        get("/v1/providers/ledger/versions").await.body
    );
    let labels: Vec<&str> = history["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(|v| v["version"].as_str())
        .collect();
    assert_eq!(labels, ["2.0", "1.0"]);
    assert!(md.contains("superseded"), "{md}");
}

#[tokio::test]
async fn endpoints_filter_and_page() {
    let (page, md) = both("/v1/providers/petstore/endpoints").await;
    assert_eq!(page["total"], 5);
    assert!(md.contains("/store/inventory"), "{md}");

    let deletes = get("/v1/providers/petstore/endpoints?method=delete")
        .await
        .json();
    assert_eq!(deletes["total"], 1);
    assert_eq!(deletes["endpoints"][0]["path"], "/pets/{petId}");

    let store = get("/v1/providers/petstore/endpoints?tag=STORE")
        .await
        .json();
    assert_eq!(store["total"], 1);
    let text = get("/v1/providers/petstore/endpoints?q=pet%20info")
        .await
        .json();
    assert_eq!(text["total"], 1);
    assert_eq!(text["endpoints"][0]["operation_id"], "showPetById");

    let first = get("/v1/providers/petstore/endpoints?limit=2").await.json();
    assert_eq!(first["endpoints"].as_array().map(Vec::len), Some(2));
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let next = get(&format!(
        "/v1/providers/petstore/endpoints?limit=2&cursor={cursor}"
    ))
    .await
    .json();
    assert_ne!(next["endpoints"][0], first["endpoints"][0]);

    let old = get("/v1/providers/ledger/endpoints?version=1.0")
        .await
        .json();
    assert_eq!(old["version"], "1.0");
    assert_eq!(old["total"], 1);
}

#[tokio::test]
async fn endpoint_details_take_repeated_keys() {
    let (details, md) =
        both("/v1/providers/petstore/endpoints/detail?e=DELETE%20/pets/%7BpetId%7D&e=get+/pets")
            .await;
    let endpoints = details["endpoints"].as_array().expect("endpoints");
    assert_eq!(endpoints.len(), 2);
    assert_eq!(endpoints[0]["method"], "DELETE");
    assert_eq!(endpoints[0]["path"], "/pets/{petId}");
    assert_eq!(endpoints[0]["parameters"][0]["name"], "petId");
    assert_eq!(endpoints[0]["auth"][0]["name"], "bearer");
    assert!(
        endpoints[0]["curl"]
            .as_str()
            .is_some_and(|c| c.contains("-X DELETE")),
        "{details}"
    );
    assert_eq!(endpoints[1]["method"], "GET");
    assert_eq!(endpoints[1]["path"], "/pets");
    assert!(md.contains("DELETE /pets/{petId}"), "{md}");
    assert!(
        md.contains("| Name | In | Required | Type | Description |"),
        "{md}"
    );
}

#[tokio::test]
async fn endpoint_details_take_a_budget_brief_and_schemas() {
    let (details, md) = both(
        "/v1/providers/petstore/endpoints/detail?e=GET%20/pets/%7BpetId%7D&detail=brief&max_tokens=200&include_schemas=true&schema_depth=2",
    )
    .await;
    assert_eq!(details["detail"], "brief");
    assert_eq!(details["max_tokens"], 200);
    let omitted = details["omitted"].as_array().expect("omitted");
    assert!(
        omitted
            .iter()
            .any(|o| o["part"] == "responses 404"
                && o["call"].as_str().is_some_and(|c| md.contains(c))),
        "{details}"
    );
    let full = get(
        "/v1/providers/petstore/endpoints/detail?e=GET%20/pets/%7BpetId%7D&include_schemas=true",
    )
    .await
    .json();
    let names: Vec<&str> = full["schemas"]
        .as_array()
        .expect("schemas")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["Pet", "Error", "Category"]);
    get("/v1/providers/petstore/endpoints/detail?e=GET%20/pets&max_tokens=10")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn schemas_expand_to_depth() {
    let (shallow, md) = both("/v1/providers/petstore/schemas?names=Pet,Error").await;
    assert_eq!(shallow["depth"], 0);
    assert_eq!(shallow["schemas"][0]["name"], "Pet");
    assert_eq!(shallow["schemas"][1]["name"], "Error");
    assert_eq!(
        shallow["schemas"][0]["used_by"],
        json!({"total": 3, "endpoints": ["GET /pets", "POST /pets", "GET /pets/{petId}"]})
    );
    assert!(md.contains("Used by 3 endpoints: `GET /pets`"), "{md}");
    assert!(
        shallow["schemas"][0]["schema"]["properties"]["category"]
            .get("$ref")
            .is_some()
    );
    assert!(md.contains("Pet"), "{md}");
    let deep = get("/v1/providers/petstore/schemas?names=Pet&depth=1")
        .await
        .json();
    assert_eq!(deep["depth"], 1);
    assert_eq!(
        deep["schemas"][0]["schema"]["properties"]["category"]["type"],
        "object"
    );
    let repeated = get("/v1/providers/petstore/schemas?names=Pet&names=Error")
        .await
        .json();
    assert_eq!(repeated["schemas"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn summary_groups_by_tag() {
    let (summary, md) = both("/v1/providers/petstore/summary").await;
    assert_eq!(summary["purpose"], "Sells pets.");
    assert_eq!(summary["base_url"], "https://pets.example.com/v1");
    assert_eq!(summary["groups"][0]["tag"], "pets");
    assert_eq!(summary["groups"][0]["endpoints"], 4);
    assert!(md.contains("Pet Store"), "{md}");
    let old = get("/v1/providers/ledger/summary?version=1.0").await.json();
    assert_eq!(old["version"], "1.0");
}

#[tokio::test]
async fn spec_returns_the_document_as_ingested() {
    let json = get("/v1/providers/petstore/spec").await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.header(header::CONTENT_TYPE), "application/json");
    assert_eq!(json.text(), PETSTORE);
    let etag = json.header(header::ETAG).to_owned();
    let again = get_with("/v1/providers/petstore/spec", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());

    let yaml = get("/v1/providers/ledger/spec").await;
    assert_eq!(yaml.header(header::CONTENT_TYPE), "application/yaml");
    assert_eq!(yaml.text(), LEDGER_V2);
    let old = get("/v1/providers/ledger/spec?version=1.0").await;
    assert_eq!(old.text(), LEDGER_V1);
    assert_ne!(old.header(header::ETAG), yaml.header(header::ETAG));

    let missing = get("/v1/providers/ledger/spec?version=9").await;
    let message = missing.error(StatusCode::NOT_FOUND, "not_found");
    assert!(
        message.contains("2.0") && message.contains("1.0"),
        "{message}"
    );
}

#[tokio::test]
async fn if_none_match_gives_304_per_format() {
    let uri = "/v1/providers/petstore/endpoints?method=GET";
    let json = get(uri).await;
    let etag = json.header(header::ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.ends_with("-json\""), "{etag}");

    let same = get_with(uri, &[("if-none-match", &etag)]).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert!(same.body.is_empty());
    assert_eq!(same.header(header::ETAG), etag);
    assert_eq!(same.header(header::CACHE_CONTROL), "no-cache");

    let weak = get_with(uri, &[("if-none-match", &format!("\"x\", W/{etag}"))]).await;
    assert_eq!(weak.status, StatusCode::NOT_MODIFIED);

    // The markdown rendering has another tag: the JSON one does not match it.
    let md = get_with(&format!("{uri}&format=md"), &[("if-none-match", &etag)]).await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.header(header::ETAG).ends_with("-md\""));

    let stale = get_with(uri, &[("if-none-match", "\"stale\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);
}

#[tokio::test]
async fn gzip_when_accepted() {
    let plain = get("/v1/providers/petstore/endpoints/detail?e=GET%20/pets").await;
    assert!(plain.headers.get(header::CONTENT_ENCODING).is_none());
    let zipped = get_with(
        "/v1/providers/petstore/endpoints/detail?e=GET%20/pets",
        &[("accept-encoding", "gzip")],
    )
    .await;
    assert_eq!(zipped.status, StatusCode::OK);
    assert_eq!(zipped.header(header::CONTENT_ENCODING), "gzip");
    assert_eq!(&zipped.body[..2], [0x1f, 0x8b]);
    assert_ne!(zipped.body, plain.body);
    // The gzip bytes are another encoding of the same representation.
    let strong = plain.header(header::ETAG);
    assert_eq!(zipped.header(header::ETAG), format!("W/{strong}"));
    let revalidated = get_with(
        "/v1/providers/petstore/endpoints/detail?e=GET%20/pets",
        &[
            ("accept-encoding", "gzip"),
            ("if-none-match", zipped.header(header::ETAG)),
        ],
    )
    .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    let vary = zipped
        .headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    assert!(
        vary.contains("accept-encoding") && vary.contains("accept"),
        "{vary}"
    );
}

#[tokio::test]
async fn unknown_names_are_404_with_closest_matches() {
    let provider = get("/v1/providers/petstor/endpoints").await;
    let message = provider.error(StatusCode::NOT_FOUND, "not_found");
    assert!(
        message.contains("petstor") && message.contains("closest: petstore/v1"),
        "{message}"
    );

    for uri in [
        "/v1/providers/petstor",
        "/v1/providers/petstor/versions",
        "/v1/providers/petstor/summary",
        "/v1/providers/petstor/spec",
        "/v1/providers/petstor/schemas?names=Pet",
        "/v1/providers/petstor/endpoints/detail?e=GET%20/pets",
        "/v1/apis/petstore/v2",
        "/v1/apis/petstor/v1/endpoints",
        "/v1/apis/petstor/v1/changes",
        "/v1/providers/petstor/changes",
        "/v1/apis?provider=petstor",
    ] {
        let message = get(uri).await.error(StatusCode::NOT_FOUND, "not_found");
        assert!(message.contains("petstore"), "{uri}: {message}");
    }

    let endpoint =
        get("/v1/providers/petstore/endpoints/detail?e=DELETE%20/pets/%7Bpetid%7D").await;
    let message = endpoint.error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("DELETE /pets/{petId}"), "{message}");

    let schema = get("/v1/providers/petstore/schemas?names=Pets").await;
    let message = schema.error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("closest: Pet"), "{message}");

    let version = get("/v1/providers/ledger?version=3.0").await;
    let message = version.error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("2.0"), "{message}");
}

#[tokio::test]
async fn malformed_parameters_are_400_naming_them() {
    for (uri, parameter) in [
        ("/v1/providers?limit=abc", "limit"),
        ("/v1/providers?limit=0", "limit"),
        ("/v1/providers?limit=501", "limit"),
        ("/v1/providers?limit=-1", "limit"),
        ("/v1/providers?cursor=zzz", "cursor"),
        ("/v1/providers?format=xml", "format"),
        ("/v1/providers?format=", "format"),
        ("/v1/providers?limit=", "limit"),
        ("/v1/providers?limit=1&limit=2", "limit"),
        ("/v1/apis?provider=", "provider"),
        ("/v1/search", "q"),
        ("/v1/search?q=%20", "q"),
        ("/v1/search?q=pets&limit=101", "limit"),
        ("/v1/search?q=pets&scope=everything", "scope"),
        ("/v1/providers/petstore/endpoints?limit=x", "limit"),
        ("/v1/providers/petstore/endpoints?method=FETCH", "method"),
        ("/v1/providers/petstore/endpoints?method=", "method"),
        ("/v1/providers/petstore/endpoints?cursor=o", "cursor"),
        ("/v1/providers/petstore/endpoints/detail", "e"),
        ("/v1/providers/petstore/endpoints/detail?e=pets", "e"),
        (
            "/v1/providers/petstore/endpoints/detail?e=FETCH%20/pets",
            "e",
        ),
        ("/v1/providers/petstore/schemas", "names"),
        ("/v1/providers/petstore/schemas?names=", "names"),
        ("/v1/providers/petstore/schemas?names=Pet,,Error", "names"),
        ("/v1/providers/petstore/schemas?names=Pet&depth=11", "depth"),
        (
            "/v1/providers/petstore/schemas?names=Pet&depth=deep",
            "depth",
        ),
        ("/v1/providers/petstore/summary?format=html", "format"),
    ] {
        let message = get(uri).await.error(StatusCode::BAD_REQUEST, "bad_request");
        assert!(
            message.contains(&format!("`{parameter}`")),
            "{uri}: {message}"
        );
    }
}

#[tokio::test]
async fn routing_errors_keep_the_shape() {
    let unknown = get("/v2/nothing").await;
    let message = unknown.error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("/v2/nothing"), "{message}");
    get("/v1/providers/petstore/nothing")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");

    let post = send(
        Request::post("/v1/providers")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    post.error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(post.header(header::ALLOW).contains("GET"));

    let head = send(
        Request::head("/v1/providers")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(head.status, StatusCode::OK);

    let long = format!("/v1/search?q={}", "a".repeat(20_000));
    get(&long)
        .await
        .error(StatusCode::URI_TOO_LONG, "uri_too_long");

    let too_big = 3 * specdex_query::check::MAX_BODY_BYTES;
    let big = send(
        Request::get("/v1/providers")
            .header(header::CONTENT_LENGTH, too_big)
            .body(Body::from(vec![b'x'; too_big]))
            .expect("request"),
    )
    .await;
    big.error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
}

async fn post_json(uri: &str, body: &str) -> Reply {
    let request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .expect("request");
    send(request).await
}

#[tokio::test]
async fn check_holds_a_planned_call_against_the_spec() {
    let reply = post_json(
        "/v1/apis/petstore/v1/check",
        r#"{"method": "post", "path": "https://pets.example.com/v1/pets",
            "headers": {"Authorization": "Bearer t"}, "body": {"id": "7", "nmae": "Rex"}}"#,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["endpoint"], "POST /pets");
    let problems = answer["problems"].as_array().expect("problems");
    let named: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| {
            (
                p["kind"].as_str().unwrap_or(""),
                p["pointer"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(named.contains(&("wrong_type", "/id")), "{answer}");
    assert!(named.contains(&("missing_field", "/name")), "{answer}");
    assert!(named.contains(&("unknown_field", "/nmae")), "{answer}");
    for problem in problems {
        for field in [
            "kind", "severity", "name", "in", "pointer", "expected", "fix",
        ] {
            assert!(problem.get(field).is_some(), "{field} missing in {problem}");
        }
    }

    let fine = post_json(
        "/v1/apis/petstore/v1/check?format=md",
        r#"{"method": "GET", "path": "/pets", "query": {"limit": 10},
            "headers": {"Authorization": "Bearer t"}}"#,
    )
    .await;
    assert_eq!(fine.status, StatusCode::OK);
    assert!(
        fine.text().contains("**OK**: no problems found."),
        "{}",
        fine.text()
    );

    let unknown = post_json(
        "/v1/apis/petstore/v1/check",
        r#"{"method": "GET", "path": "/petz/1"}"#,
    )
    .await
    .json();
    assert_eq!(unknown["problems"][0]["kind"], "unknown_path");
    assert_eq!(unknown["problems"][0]["choices"][0], "GET /pets/{petId}");

    let message = post_json("/v1/apis/petstore/v1/check", r#"{"method": "GET"}"#)
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(message.contains("path"), "{message}");
    let message = post_json(
        "/v1/apis/petstore/v1/check",
        r#"{"method": "GET", "path": "/pets", "heders": {}}"#,
    )
    .await
    .error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(message.contains("heders"), "{message}");
    post_json(
        "/v1/apis/petstore/nope/check",
        r#"{"method": "GET", "path": "/pets"}"#,
    )
    .await
    .error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let reply = get("/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header(header::CONTENT_TYPE), "application/json");
    let etag = reply.header(header::ETAG).to_owned();
    let document = reply.json();
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "{}",
        document["openapi"]
    );
    let routes = [
        "/v1/providers",
        "/v1/apis",
        "/v1/search",
        "/v1/providers/{provider}",
        "/v1/apis/{provider}/{api}",
        "/v1/apis/{provider}/{api}/versions",
        "/v1/apis/{provider}/{api}/endpoints",
        "/v1/apis/{provider}/{api}/endpoints/detail",
        "/v1/apis/{provider}/{api}/schemas",
        "/v1/apis/{provider}/{api}/summary",
        "/v1/apis/{provider}/{api}/changes",
        "/v1/apis/{provider}/{api}/check",
        "/v1/apis/{provider}/{api}/snapshots",
        "/v1/apis/{provider}/{api}/spec",
        "/openapi.json",
        "/healthz",
    ];
    let paths = document["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), routes.len());
    for route in routes {
        let operation = match &paths[route]["get"] {
            Value::Null => &paths[route]["post"],
            get => get,
        };
        assert!(operation.is_object(), "{route} undocumented");
        assert!(operation["summary"].is_string(), "{route} has no summary");
        let responses = operation["responses"].as_object().expect("responses");
        assert!(responses.contains_key("200"), "{route}");
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            assert!(
                parameter["description"].is_string(),
                "{route}: {parameter} has no description"
            );
        }
        if route.ends_with("/snapshots") {
            // A publish creates what it names: refusals are about the key
            // and the document.
            for status in ["201", "400", "401", "403", "413", "422", "500"] {
                assert!(responses[status].is_object(), "{route} lacks {status}");
            }
        } else if route.starts_with("/v1/providers/") || route.starts_with("/v1/apis/") {
            for status in ["304", "400", "404", "500"] {
                let error = &responses[status];
                assert!(error.is_object(), "{route} lacks {status}");
            }
            assert_eq!(
                responses["404"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody"
            );
        }
    }
    // Bounds match the engine's.
    let parameter = |route: &str, name: &str| -> Value {
        paths[route]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .cloned()
            .unwrap_or_else(|| panic!("{route} has no {name}"))
    };
    let limit = parameter("/v1/providers", "limit");
    assert_eq!(limit["schema"]["minimum"], 1);
    assert_eq!(limit["schema"]["maximum"], specdex_query::MAX_LIMIT);
    let limit = parameter("/v1/search", "limit");
    assert_eq!(limit["schema"]["maximum"], specdex_query::MAX_SEARCH_LIMIT);
    let depth = parameter("/v1/apis/{provider}/{api}/schemas", "depth");
    assert_eq!(depth["schema"]["minimum"], 0);
    assert_eq!(depth["schema"]["maximum"], specdex_query::MAX_DEPTH);
    let names = parameter("/v1/apis/{provider}/{api}/schemas", "names");
    assert_eq!(names["schema"]["maxItems"], specdex_query::MAX_NAMES);
    let changes = "/v1/apis/{provider}/{api}/changes";
    assert_eq!(paths[changes]["get"]["operationId"], "listChanges");
    let limit = parameter(changes, "limit");
    assert_eq!(limit["schema"]["maximum"], specdex_query::MAX_CHANGES_LIMIT);
    let endpoint = parameter(changes, "endpoint");
    assert_eq!(endpoint["schema"]["maxItems"], specdex_query::MAX_NAMES);
    let level = parameter(changes, "level");
    assert_eq!(
        level["schema"]["enum"],
        serde_json::json!(["info", "warning", "breaking"]),
        "{level}"
    );
    // The answer's schema: counts first, each change with its rule and level.
    let answer =
        &paths[changes]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(answer["$ref"], "#/components/schemas/Changes");
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["Changes"]["properties"]["summary"]["$ref"],
        "#/components/schemas/ChangeSummary"
    );
    assert!(
        schemas["ChangeSummary"]["properties"]["breaking"].is_object(),
        "{}",
        schemas["ChangeSummary"]
    );
    // An API's summary keeps its own schema.
    assert!(
        schemas["Summary"]["properties"]["purpose"].is_object(),
        "{}",
        schemas["Summary"]
    );
    let scope = parameter("/v1/search", "scope");
    assert_eq!(
        scope["schema"]["enum"],
        serde_json::json!(["apis", "endpoints", "all"])
    );

    // specdex reads its own description like any other.
    let read = specdex_spec::read_api(
        "openapi.json",
        &reply.body,
        &specdex_spec::Base::Detached,
        &specdex_spec::NoFetch,
        &specdex_spec::ReadOptions::default(),
    )
    .expect("specdex reads its own OpenAPI document");
    assert_eq!(read.api.endpoint_count(), routes.len());
    assert!(
        read.api.warnings.is_empty(),
        "warnings: {:?}",
        read.api.warnings
    );

    let cached = get_with("/openapi.json", &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn healthz_reports_the_catalog() {
    let reply = get("/healthz").await;
    assert_eq!(reply.status, StatusCode::OK);
    let health = reply.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["providers"], 2);
    assert!(
        health["generation"].as_i64().is_some_and(|g| g > 0),
        "{health}"
    );
}

#[tokio::test]
async fn real_corpus_jumpcloud_delete_active_directory() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs");
    let file: PathBuf = corpus.join("jumpcloud/api/2.0/index.yaml");
    if !file.is_file() {
        eprintln!("skipped: {} not found", file.display());
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
    let result = ingest_file(&catalog, &file, None, &IngestOptions::default());
    let ingested = result.outcome.expect("jumpcloud ingests");
    let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
    let app = router(engine, &ServerConfig::default());
    let uri = format!(
        "/v1/providers/{}/endpoints/detail?e=DELETE%20/activedirectories/%7Bid%7D",
        ingested.provider
    );
    let fetch = |format: Option<&'static str>| {
        let app = app.clone();
        let uri = match format {
            Some(f) => format!("{uri}&format={f}"),
            None => uri.clone(),
        };
        async move {
            let response = app
                .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
                .await
                .expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            String::from_utf8(body.to_vec()).expect("utf-8")
        }
    };
    let json: Value = serde_json::from_str(&fetch(None).await).expect("json");
    let endpoint = &json["endpoints"][0];
    assert_eq!(endpoint["method"], "DELETE");
    assert_eq!(endpoint["path"], "/activedirectories/{id}");
    assert!(
        endpoint["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "id" && p["in"] == "path")),
        "{endpoint}"
    );
    let md = fetch(Some("md")).await;
    assert!(md.contains("DELETE /activedirectories/{id}"), "{md}");
    assert!(md.contains("curl"), "{md}");
}

#[tokio::test]
async fn a_real_listener_serves() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(specdex_server::serve(listener, app()));
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");
    server.abort();
}

/// A provider with two APIs, `acme/ledger` and `acme/pets`, beside the
/// one-API providers of [`engine`].
fn acme_app() -> Router {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    let engine = FIXTURE
        .get_or_init(|| {
            fixture(&[
                ("ledger.yaml", LEDGER_V2, "acme", Some("ledger")),
                ("pets.json", PETSTORE, "acme", Some("pets")),
            ])
        })
        .engine
        .clone();
    router(engine, &ServerConfig::default())
}

async fn acme_get(uri: &str) -> Reply {
    send_to(
        acme_app(),
        Request::get(uri).body(Body::empty()).expect("request"),
    )
    .await
}

#[tokio::test]
async fn apis_of_a_provider_are_named_provider_slash_api() {
    let listing = acme_get("/v1/apis").await.json();
    let ids: Vec<&str> = listing["apis"]
        .as_array()
        .expect("apis")
        .iter()
        .filter_map(|a| a["api"].as_str())
        .collect();
    assert_eq!(ids, ["acme/ledger", "acme/pets"]);
    assert_eq!(acme_get("/v1/apis?provider=acme").await.json()["total"], 2);

    let provider = acme_get("/v1/providers/acme").await.json();
    assert_eq!(provider["provider"], "acme");
    assert_eq!(provider["total"], 2, "{provider}");
    let providers = acme_get("/v1/providers").await.json();
    assert_eq!(
        providers["providers"][0]["apis"],
        serde_json::json!(["acme/ledger", "acme/pets"])
    );

    let pets = acme_get("/v1/apis/acme/pets/endpoints?method=delete")
        .await
        .json();
    assert_eq!(
        (pets["api"].as_str(), pets["total"].as_u64()),
        (Some("acme/pets"), Some(1))
    );
    let detail = acme_get("/v1/apis/acme/ledger/endpoints/detail?e=GET%20/entries")
        .await
        .json();
    assert_eq!(detail["api"], "acme/ledger");

    // A provider where an API is meant: 404, naming the APIs to choose from.
    for uri in [
        "/v1/providers/acme/endpoints",
        "/v1/providers/acme/summary",
        "/v1/providers/acme/spec",
    ] {
        let message = acme_get(uri)
            .await
            .error(StatusCode::NOT_FOUND, "ambiguous");
        assert!(
            message.contains("acme/ledger, acme/pets"),
            "{uri}: {message}"
        );
    }
    let message = acme_get("/v1/apis/acme/pet/summary")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("acme/pets"), "{message}");
}

/// `shop/api` in two editions ([`SHOP_V1`] → [`SHOP_V2`]).
fn shop_app() -> Router {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    let engine = FIXTURE
        .get_or_init(|| {
            fixture(&[
                ("shop-1.yaml", SHOP_V1, "shop", None),
                ("shop-2.yaml", SHOP_V2, "shop", None),
            ])
        })
        .engine
        .clone();
    router(engine, &ServerConfig::default())
}

async fn shop_get_with(uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send_to(shop_app(), request.body(Body::empty()).expect("request")).await
}

async fn shop_get(uri: &str) -> Reply {
    shop_get_with(uri, &[]).await
}

fn rules(changes: &Value) -> Vec<&str> {
    changes["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["rule"].as_str())
        .collect()
}

#[tokio::test]
async fn changes_open_with_counts_then_list_every_change() {
    let uri = "/v1/apis/shop/api/changes";
    let json = shop_get(uri).await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text());
    assert!(
        json.text().starts_with("{\"summary\":{"),
        "summary first: {}",
        json.text()
    );
    let changes = json.json();
    assert_eq!(
        changes["summary"],
        serde_json::json!({"endpoints_added": 1, "endpoints_removed": 1, "endpoints_changed": 2,
                           "components_changed": 1, "breaking": 3, "warning": 1, "info": 2,
                           "complete": true})
    );
    assert_eq!(changes["api"], "shop/api");
    assert_eq!(
        (&changes["from"]["version"], &changes["to"]["version"]),
        (&"1.0".into(), &"2.0".into())
    );
    assert_eq!(changes["total"], 7);
    assert_eq!(
        rules(&changes),
        [
            "request-parameter-removed",
            "response-property-removed",
            "endpoint-added",
            "endpoint-removed",
            "response-property-removed",
            "response-status-added",
            "response-property-removed",
        ]
    );
    assert_eq!(changes["changes"][3]["endpoint"], "DELETE /pets/{id}");
    assert_eq!(changes["changes"][3]["level"], "breaking");
    assert!(changes.get("next_cursor").is_none(), "{changes}");
    // The older route names the provider, which has one API.
    assert_eq!(shop_get("/v1/providers/shop/changes").await.body, json.body);
    // Editions by label, by snapshot id (`#` escaped or not) and by date.
    for query in [
        "from=1.0",
        "from=1.0&to=2.0",
        "from=%231&to=%232",
        "from=1&to=2",
        "to=2999-12-31",
    ] {
        let same = shop_get(&format!("{uri}?{query}")).await;
        assert_eq!(same.status, StatusCode::OK, "{query}: {}", same.text());
        assert_eq!(same.json()["changes"], changes["changes"], "{query}");
    }

    let md = shop_get(&format!("{uri}?format=md")).await;
    assert_eq!(md.status, StatusCode::OK);
    assert_eq!(
        md.header(header::CONTENT_TYPE),
        "text/markdown; charset=utf-8"
    );
    let md = md.text();
    assert!(
        md.starts_with("## shop/api: changes from 1.0 (#1, ")
            && md.contains("+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 2 info"),
        "{md}"
    );
    for line in [
        "- **warning** `request-parameter-removed` ",
        "### `DELETE /pets/{id}`\n\n- **breaking** `endpoint-removed` ",
        "- **info** `response-status-added` ",
        "### Schemas\n\n- **breaking** `response-property-removed` ",
    ] {
        assert!(md.contains(line), "{line}: {md}");
    }
    let accepted = shop_get_with(uri, &[("accept", "text/markdown")]).await;
    assert_eq!(accepted.text(), md);

    // Only additions: nothing breaking.
    let (ledger, md) = both("/v1/apis/ledger/api/changes").await;
    assert_eq!(ledger["summary"]["breaking"], 0);
    assert_eq!(ledger["summary"]["info"], 1);
    assert_eq!(rules(&ledger), ["endpoint-added"]);
    assert!(md.contains("`DELETE /entries/{id}`"), "{md}");
}

#[tokio::test]
async fn changes_filter_by_level_and_endpoint_and_page() {
    let uri = "/v1/apis/shop/api/changes";
    let all = shop_get(uri).await.json();
    let breaking = shop_get(&format!("{uri}?level=breaking")).await.json();
    assert_eq!(breaking["level"], "breaking");
    assert_eq!(breaking["total"], 4);
    assert!(
        breaking["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .all(|c| c["level"] == "breaking"),
        "{breaking}"
    );
    // The counts still cover every change.
    assert_eq!(breaking["summary"], all["summary"]);
    assert_eq!(
        shop_get(&format!("{uri}?level=warning")).await.json()["total"],
        5
    );
    let md = shop_get(&format!("{uri}?level=breaking&format=md"))
        .await
        .text();
    assert!(md.contains("Listed: breaking and above."), "{md}");
    assert!(!md.contains("**info**"), "{md}");

    // Repeated `endpoint`, written as agents write them.
    let some = shop_get(&format!(
        "{uri}?endpoint=delete%20/pets/%7Bpet%7D&endpoint=GET+/pets"
    ))
    .await
    .json();
    let endpoints: Vec<&str> = some["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["endpoint"].as_str())
        .collect();
    assert_eq!(endpoints, ["GET /pets", "GET /pets", "DELETE /pets/{id}"]);
    assert_eq!(
        some["endpoints"],
        serde_json::json!(["delete /pets/{pet}", "GET /pets"])
    );
    // Counted over those endpoints.
    assert_eq!(
        (
            &some["summary"]["breaking"],
            &some["summary"]["warning"],
            &some["summary"]["info"]
        ),
        (&2.into(), &1.into(), &0.into())
    );
    let unchanged = shop_get(&format!("{uri}?endpoint=GET%20/owners"))
        .await
        .json();
    assert_eq!(unchanged["total"], 0);
    assert_eq!(unchanged["summary"]["breaking"], 0);

    // Pages.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page_uri = match &cursor {
            Some(c) => format!("{uri}?limit=3&cursor={c}"),
            None => format!("{uri}?limit=3"),
        };
        let page = shop_get(&page_uri).await.json();
        assert_eq!(page["total"], 7);
        assert_eq!(page["summary"], all["summary"]);
        let changes = page["changes"].as_array().expect("changes");
        assert!(changes.len() <= 3);
        seen.extend(changes.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(Value::Array(seen), all["changes"]);
    assert_eq!(
        shop_get(&format!("{uri}?limit=3")).await.json()["next_cursor"],
        "o3"
    );
    let md = shop_get(&format!("{uri}?limit=3&format=md")).await.text();
    assert!(md.contains("Showing 3 of 7 changes."), "{md}");
}

#[tokio::test]
async fn changes_revalidate_and_explain_mistakes() {
    let uri = "/v1/apis/shop/api/changes?level=warning";
    let json = shop_get(uri).await;
    assert_eq!(json.header(header::CACHE_CONTROL), "no-cache");
    let etag = json.header(header::ETAG).to_owned();
    let same = shop_get_with(uri, &[("if-none-match", &etag)]).await;
    assert_eq!(same.status, StatusCode::NOT_MODIFIED);
    assert!(same.body.is_empty());
    let md = shop_get_with(&format!("{uri}&format=md"), &[("if-none-match", &etag)]).await;
    assert_eq!(md.status, StatusCode::OK);
    assert_ne!(md.header(header::ETAG), etag);
    // Another question, another tag.
    let other = shop_get_with(
        "/v1/apis/shop/api/changes?level=breaking",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);

    for (uri, named) in [
        ("/v1/apis/shop/api/changes?from=9.9", "9.9"),
        ("/v1/apis/shop/api/changes?to=3.0", "3.0"),
        ("/v1/apis/shop/api/changes?from=%239", "#9"),
    ] {
        let message = shop_get(uri)
            .await
            .error(StatusCode::NOT_FOUND, "not_found");
        assert!(
            message.contains(named) && message.contains("closest: 2.0 (#2), 1.0 (#1)"),
            "{uri}: {message}"
        );
    }
    let message = shop_get("/v1/apis/shop/ap/changes")
        .await
        .error(StatusCode::NOT_FOUND, "not_found");
    assert!(message.contains("shop/api"), "{message}");

    // One edition: nothing older to compare with.
    let message = get("/v1/apis/petstore/v1/changes")
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        message.contains("`from`")
            && message.contains("no snapshot older than 1.0.0 (#1) to compare with"),
        "{message}"
    );
    for (uri, parameter) in [
        ("/v1/apis/shop/api/changes?level=fatal", "level"),
        ("/v1/apis/shop/api/changes?level=", "level"),
        ("/v1/apis/shop/api/changes?limit=0", "limit"),
        ("/v1/apis/shop/api/changes?limit=1001", "limit"),
        ("/v1/apis/shop/api/changes?cursor=zz", "cursor"),
        ("/v1/apis/shop/api/changes?endpoint=pets", "endpoint"),
        ("/v1/apis/shop/api/changes?from=", "from"),
        ("/v1/apis/shop/api/changes?format=html", "format"),
    ] {
        let message = shop_get(uri)
            .await
            .error(StatusCode::BAD_REQUEST, "bad_request");
        assert!(
            message.contains(&format!("`{parameter}`")),
            "{uri}: {message}"
        );
    }
    let many = "&endpoint=GET%20/pets".repeat(51);
    let message = shop_get(&format!("/v1/apis/shop/api/changes?{}", &many[1..]))
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(message.contains("`endpoint`"), "{message}");
}
