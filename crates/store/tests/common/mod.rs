//! Helpers shared by the catalog tests: a hand-built API that exercises the
//! whole model, and the snapshot to ingest it as.

use serde_json::json;
use specdex_store::{Api, NewSnapshot};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// An API that exercises every part of the model: webhooks, warnings,
/// external and cyclic schemas, security, servers, tags.
pub fn sample_api(version: &str) -> Api {
    serde_json::from_value(json!({
        "format": "openapi31",
        "spec_version": "3.1.0",
        "info": {
            "title": "Pet Store",
            "version": version,
            "description": "Pets & more",
            "contact": {"email": "pets@example.com"},
            "provider_name": "example.com"
        },
        "servers": [{"url": "https://api.example.com/v1", "description": "production"}],
        "security_schemes": [
            {"name": "key", "kind": "apiKey", "location": "header", "parameter_name": "X-Key"},
            {"name": "oauth", "kind": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://example.com/auth", "scopes": {"read": "read"}}}}
        ],
        "security": [{"schemes": [{"name": "key"}]}, {"schemes": [{"name": "oauth", "scopes": ["read"]}]}],
        "tags": [{"name": "pets", "description": "Pets"}],
        "endpoints": [
            {
                "method": "GET", "path": "/pets", "operation_id": "listPets",
                "summary": "List pets", "tags": ["pets"],
                "parameters": [{"name": "limit", "in": "query", "required": false, "type": "integer(int32)", "schema": {"type": "number", "minimum": 1.5e2, "maximum": 3.4028234663852886e38}}],
                "responses": [{"status": "200", "description": "ok", "content": [{"media_type": "application/json", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}]}]
            },
            {
                "method": "DELETE", "path": "/pets/{id}", "deprecated": true,
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "responses": [{"status": "204"}],
                "code_samples": [{"lang": "curl", "source": "curl -X DELETE https://api.example.com/v1/pets/1"}]
            }
        ],
        "webhooks": [
            {"method": "POST", "path": "newPet", "request_body": {"required": true, "content": [{"media_type": "application/json", "schema": {"$ref": "#/components/schemas/Pet"}}]}}
        ],
        "schemas": [
            {"name": "Pet", "schema": {"type": "object", "properties": {"id": {"type": "string"}, "parent": {"$ref": "#/components/schemas/Pet"}}}, "in_cycle": true},
            {"name": "Owner", "schema": {"type": "object", "properties": {"z": {}, "a": {"type": "null"}}}},
            {"name": "common.yaml#/Error", "schema": {"type": "object", "required": ["code"]}, "external": true}
        ],
        "warnings": [
            {"pointer": "/paths/~1pets/get/responses/4xx", "message": "response codes are upper-case"},
            {"pointer": "", "message": "no license"}
        ]
    }))
    .expect("the sample is a valid model")
}

pub fn hash(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

pub fn edition<'a>(provider: &'a str, api: &'a Api, content_hash: &'a str) -> NewSnapshot<'a> {
    NewSnapshot {
        provider,
        version_label: &api.info.version,
        content_hash,
        source: "specs/pets.yaml",
        api,
        document: b"openapi: 3.1.0\n",
        ingested_at: Some(1_700_000_000),
    }
}
