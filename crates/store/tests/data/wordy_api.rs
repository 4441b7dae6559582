// Included by crates/store/tests/segments.rs and by the unit test in
// crates/store/src/search.rs, which bring `Api` and `json!` into scope.

/// An API with what search reads cut and escaped in every way: long
/// descriptions of multi-byte characters, NUL, tags, a deprecated and a
/// described endpoint, and a webhook (which is not an endpoint).
fn wordy_api(title: &str) -> Api {
    let long = "Größe 🐾 ".repeat(400);
    serde_json::from_value(json!({
        "format": "openapi31", "spec_version": "3.1.0",
        "info": {"title": title, "version": "1", "description": format!("a\u{0}b {long}")},
        "servers": [], "security_schemes": [], "security": [],
        "tags": [{"name": "pets", "description": "Pets"}, {"name": "\u{e9}t\u{e9}\u{0}"}],
        "endpoints": [
            {"method": "GET", "path": "/pets", "operation_id": "list", "summary": "List",
             "tags": ["pets", "x"], "description": long, "responses": []},
            {"method": "DELETE", "path": "/pets/{id}", "deprecated": true,
             "description": "", "responses": []},
            {"method": "PUT", "path": "/a\u{0}b", "summary": "N\u{0}L", "description": "short",
             "responses": []}
        ],
        "webhooks": [{"method": "POST", "path": "newPet", "summary": "not an endpoint"}],
        "schemas": [], "warnings": []
    }))
    .expect("the sample is a valid model")
}
