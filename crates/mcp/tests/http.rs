//! The MCP server over streamable HTTP, in process: the three protocol
//! versions, every tool and its schemas, mistakes as answers, resources,
//! completions, prompts, discovery, DNS-rebinding protection, statelessness
//! and the token budget of every response on the fixtures.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Http, fixture_engine, output_schemas, schema_errors, text, tokens};
use serde_json::{Value, json};
use specdex_mcp::{McpConfig, TOOL_NAMES, router};
use specdex_query::{Engine, Query};

fn http() -> (Http, Arc<Engine>, tempfile::TempDir) {
    let (engine, dir) = fixture_engine();
    (
        Http::new(router(engine.clone(), McpConfig::default())),
        engine,
        dir,
    )
}

fn initialize(version: &str) -> Value {
    json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": version, "capabilities": {},
                   "clientInfo": {"name": "test", "version": "1"}}
    })
}

#[tokio::test]
async fn handshake_versions_are_negotiated_without_a_session() {
    let (http, _, _dir) = http();
    for version in ["2025-06-18", "2025-11-25"] {
        let reply = http.post(&[], &initialize(version)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(
            reply.headers.get("mcp-session-id").is_none(),
            "stateless: no session id"
        );
        let result = &reply.body["result"];
        assert_eq!(result["protocolVersion"], version);
        assert_eq!(result["serverInfo"]["name"], "specdex");
        for capability in ["tools", "resources", "prompts", "completions"] {
            assert!(
                result["capabilities"].get(capability).is_some(),
                "{capability}"
            );
        }
        let instructions = result["instructions"].as_str().unwrap_or_default();
        for step in [
            "search_apis",
            "list_endpoints",
            "get_endpoints",
            "get_schemas",
        ] {
            assert!(instructions.contains(step), "instructions name {step}");
        }
        // The initialized notification is accepted, and a request needs no session.
        let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let ack = http.post(&[("mcp-protocol-version", version)], &note).await;
        assert_eq!(ack.status, StatusCode::ACCEPTED);
        let tools = http.result(version, "tools/list", json!({})).await;
        assert_eq!(tools["tools"].as_array().map(Vec::len), Some(6));
    }
}

#[tokio::test]
async fn the_2026_lifecycle_discovers_and_calls_per_request() {
    let (http, _, _dir) = http();
    let discovered = http
        .result("2026-07-28", "server/discover", json!({}))
        .await;
    let versions: Vec<&str> = discovered["supportedVersions"]
        .as_array()
        .expect("versions")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for version in ["2025-06-18", "2025-11-25", "2026-07-28"] {
        assert!(versions.contains(&version), "{versions:?}");
    }
    let called = http
        .result(
            "2026-07-28",
            "tools/call",
            json!({"name": "list_versions", "arguments": {"provider": "petstore"}}),
        )
        .await;
    assert_eq!(called["isError"], false);
    assert_eq!(called["resultType"], "complete");
    assert_eq!(
        called["structuredContent"]["versions"][0]["version"],
        "2.0.0"
    );
    // Without the per-request metadata a 2026 request is refused as malformed.
    let bare = http
        .post(
            &[
                ("mcp-protocol-version", "2026-07-28"),
                ("mcp-method", "tools/list"),
            ],
            &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {}}),
        )
        .await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST, "{}", bare.body);
}

#[tokio::test]
async fn tools_are_titled_annotated_and_described() {
    let (http, _, _dir) = http();
    let listed = http.result("2025-06-18", "tools/list", json!({})).await;
    let tools = listed["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, TOOL_NAMES);
    for tool in tools {
        let name = &tool["name"];
        assert!(tool["title"].is_string(), "{name} title");
        assert!(
            tool["description"].as_str().is_some_and(|d| d.len() > 80),
            "{name}"
        );
        let annotations = &tool["annotations"];
        assert_eq!(annotations["readOnlyHint"], true, "{name}");
        assert_eq!(annotations["idempotentHint"], true, "{name}");
        assert_eq!(annotations["destructiveHint"], false, "{name}");
        assert_eq!(annotations["openWorldHint"], false, "{name}");
        let input = &tool["inputSchema"];
        assert_eq!(input["type"], "object", "{name}");
        assert_eq!(input["additionalProperties"], false, "{name}");
        let properties = input["properties"].as_object().expect("properties");
        for (argument, schema) in properties {
            assert!(
                schema["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{name}.{argument} is described"
            );
        }
        let output = &tool["outputSchema"];
        assert_eq!(output["type"], "object", "{name}");
        jsonschema::validator_for(output).expect("output schema compiles");
    }
    // What a model sees of the tools: names, titles, descriptions, inputs.
    let prompt_side: Vec<Value> = tools
        .iter()
        .map(|t| {
            json!({"name": t["name"], "title": t["title"], "description": t["description"],
                   "inputSchema": t["inputSchema"]})
        })
        .collect();
    let prompt_tokens = tokens(&Value::Array(prompt_side).to_string());
    let all_tokens = tokens(&listed.to_string());
    eprintln!("tools/list: {prompt_tokens} tokens without output schemas, {all_tokens} with");
    assert!(prompt_tokens <= 2_000, "{prompt_tokens}");
    let get_endpoints = &tools[2]["inputSchema"];
    assert_eq!(get_endpoints["required"], json!(["provider", "endpoints"]));
    assert_eq!(get_endpoints["properties"]["endpoints"]["maxItems"], 50);
}

/// Every tool on valid arguments: markdown as text, the engine's JSON as
/// structuredContent, valid against the output schema, within budget.
#[tokio::test]
async fn every_tool_answers_with_markdown_and_structured_content() {
    let (http, engine, _dir) = http();
    let listed = http.result("2025-11-25", "tools/list", json!({})).await;
    let schemas = output_schemas(listed["tools"].as_array().expect("tools"));
    let calls = [
        (
            "search_apis",
            json!({"query": "delete a pet"}),
            Query::Search {
                query: "delete a pet".into(),
                scope: None,
                limit: None,
            },
        ),
        (
            "list_endpoints",
            json!({"provider": "petstore", "tag": "PETS"}),
            Query::Endpoints {
                provider: "petstore".into(),
                version: None,
                method: None,
                tag: Some("PETS".into()),
                text: None,
                limit: Some(specdex_mcp::LIST_LIMIT),
                cursor: None,
            },
        ),
        (
            "get_endpoints",
            json!({"provider": "petstore", "endpoints": ["POST /adoptions", "get /pets"]}),
            Query::EndpointDetails {
                provider: "petstore".into(),
                version: None,
                endpoints: vec!["POST /adoptions".into(), "get /pets".into()],
            },
        ),
        (
            "get_schemas",
            json!({"provider": "petstore", "version": "2.0.0", "names": ["Adoption"], "depth": 2}),
            Query::Schemas {
                provider: "petstore".into(),
                version: Some("2.0.0".into()),
                names: vec!["Adoption".into()],
                depth: Some(2),
            },
        ),
        (
            "get_spec_summary",
            json!({"provider": "weather-service"}),
            Query::Summary {
                provider: "weather-service".into(),
                version: None,
            },
        ),
        (
            "list_versions",
            json!({"provider": "petstore"}),
            Query::Versions {
                provider: "petstore".into(),
            },
        ),
    ];
    for (tool, arguments, query) in calls {
        let result = http.call(tool, arguments).await;
        let answer = engine.answer(&query).expect("engine answers");
        assert_eq!(result["isError"], false, "{tool}: {result}");
        assert_eq!(
            text(&result),
            answer.markdown,
            "{tool}: text is the markdown"
        );
        let expected: Value = serde_json::from_str(&answer.json).expect("json");
        assert_eq!(result["structuredContent"], expected, "{tool}");
        let errors = schema_errors(&schemas[tool], &result["structuredContent"]);
        assert!(errors.is_empty(), "{tool}: {errors:?}");
        let count = tokens(&answer.markdown);
        assert!(count <= 2_000, "{tool}: {count} tokens");
        eprintln!("{tool}: {count} tokens");
    }
}

async fn error_text(http: &Http, tool: &str, arguments: Value) -> String {
    let result = http.call(tool, arguments).await;
    assert_eq!(result["isError"], true, "{tool}: {result}");
    assert!(result.get("structuredContent").is_none());
    text(&result)
}

#[tokio::test]
async fn unknown_names_come_back_with_the_closest_matches() {
    let (http, _, _dir) = http();
    let text = error_text(&http, "get_spec_summary", json!({"provider": "petshop"})).await;
    assert!(
        text.contains("provider petshop") && text.contains("`petstore`"),
        "{text}"
    );
    assert!(text.contains("search_apis"), "{text}");

    let text = error_text(
        &http,
        "get_endpoints",
        json!({"provider": "petstore", "endpoints": ["GET /pets", "DELETE /pet/{id}"]}),
    )
    .await;
    assert!(text.contains("DELETE /pet/{id}"), "{text}");
    assert!(text.contains("- `DELETE /pets/{petId}`"), "{text}");

    let text = error_text(
        &http,
        "get_schemas",
        json!({"provider": "petstore", "names": ["Adopton"]}),
    )
    .await;
    assert!(text.contains("- `Adoption`"), "{text}");

    let text = error_text(
        &http,
        "list_endpoints",
        json!({"provider": "petstore", "version": "9"}),
    )
    .await;
    assert!(
        text.contains("`2.0.0`") && text.contains("list_versions"),
        "{text}"
    );

    let text = error_text(&http, "get_endpoint", json!({})).await;
    assert!(text.contains("No tool `get_endpoint`") && text.contains("`get_endpoints`"));
}

#[tokio::test]
async fn bad_arguments_name_the_argument_and_why() {
    let (http, _, _dir) = http();
    for (tool, arguments, expected) in [
        (
            "list_endpoints",
            json!({"provider": "petstore", "limit": 0}),
            "Invalid argument `limit`: must be between 1 and 500",
        ),
        (
            "list_endpoints",
            json!({"provider": "petstore", "limit": "ten"}),
            "Invalid argument `limit` for `list_endpoints`: invalid type: string \"ten\", expected a whole number",
        ),
        (
            "list_endpoints",
            json!({"provider": "petstore", "limit": -1}),
            "Invalid argument `limit`",
        ),
        (
            "list_endpoints",
            json!({"provider": "petstore", "cursor": "zz"}),
            "Invalid argument `cursor`",
        ),
        (
            "list_endpoints",
            json!({"provider": "petstore", "method": "FETCH"}),
            "Invalid argument `method`: `FETCH` is not an HTTP method",
        ),
        (
            "search_apis",
            json!({"query": "  "}),
            "Invalid argument `query`",
        ),
        (
            "search_apis",
            json!({"query": "pets", "scope": "everything"}),
            "Invalid argument `scope`",
        ),
        (
            "search_apis",
            json!({"query": "pets", "limit": 101}),
            "Invalid argument `limit`: must be between 1 and 100",
        ),
        (
            "get_endpoints",
            json!({"provider": "petstore", "endpoints": []}),
            "Invalid argument `endpoints`",
        ),
        (
            "get_endpoints",
            json!({"provider": "petstore", "endpoints": ["list pets"]}),
            "Invalid argument `endpoints`: `list pets` is not \"METHOD /path\"",
        ),
        (
            "get_endpoints",
            json!({"provider": "petstore", "endpoints": "GET /pets"}),
            "Invalid argument `endpoints`",
        ),
        (
            "get_endpoints",
            json!({"provider": "petstore", "endpoints": ["GET /pets", 3]}),
            "Invalid argument `endpoints[1]`",
        ),
        (
            "get_schemas",
            json!({"provider": "petstore", "names": ["Pet"], "depth": 11}),
            "Invalid argument `depth`: must be between 0 and 10",
        ),
        (
            "list_versions",
            json!({}),
            "Invalid arguments for `list_versions`: missing field `provider`",
        ),
        (
            "list_versions",
            json!({"provider": "petstore", "verbose": true}),
            "unknown field `verbose`",
        ),
    ] {
        let text = error_text(&http, tool, arguments.clone()).await;
        assert!(text.contains(expected), "{tool} {arguments}: {text}");
    }
}

#[tokio::test]
async fn resources_list_read_and_fail_with_suggestions() {
    let (http, engine, _dir) = http();
    let listed = http.result("2025-11-25", "resources/list", json!({})).await;
    let uris: Vec<&str> = listed["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["uri"].as_str())
        .collect();
    assert_eq!(
        uris,
        [
            "specdex://petstore/summary",
            "specdex://weather-service/summary"
        ]
    );
    let templates = http
        .result("2025-11-25", "resources/templates/list", json!({}))
        .await;
    let templates: Vec<&str> = templates["resourceTemplates"]
        .as_array()
        .expect("templates")
        .iter()
        .filter_map(|t| t["uriTemplate"].as_str())
        .collect();
    assert_eq!(
        templates,
        [
            "specdex://{provider}/endpoints/{method}/{path}",
            "specdex://{provider}/schemas/{name}",
            "specdex://{provider}/summary"
        ]
    );
    let uri = specdex_mcp::endpoint_uri("petstore", "GET", "/pets/{petId}");
    let read = http
        .result("2025-11-25", "resources/read", json!({"uri": uri}))
        .await;
    let expected = engine
        .answer(&Query::EndpointDetails {
            provider: "petstore".into(),
            version: None,
            endpoints: vec!["GET /pets/{petId}".into()],
        })
        .expect("answer");
    assert_eq!(read["contents"][0]["text"], expected.markdown.as_str());
    assert_eq!(read["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(read["contents"][0]["uri"], uri.as_str());

    let schema = http
        .result(
            "2026-07-28",
            "resources/read",
            json!({"uri": "specdex://petstore/schemas/NewPet?version=2.0.0"}),
        )
        .await;
    assert!(
        schema["contents"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("## NewPet")
    );

    let missing = http
        .rpc(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://petstore/schemas/Pett"}),
        )
        .await;
    let error = &missing.body["error"];
    assert_eq!(error["code"], -32002, "{}", missing.body);
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Pet")
    );
    assert_eq!(error["data"]["suggestions"][0], "Pet");

    let foreign = http
        .rpc(
            "2025-11-25",
            "resources/read",
            json!({"uri": "file:///etc/passwd"}),
        )
        .await;
    assert_eq!(foreign.body["error"]["code"], -32602);
}

#[tokio::test]
async fn completions_follow_the_catalog() {
    let (http, _, _dir) = http();
    let complete = |reference: Value, name: &str, value: &str, context: Value| {
        json!({"ref": reference, "argument": {"name": name, "value": value},
               "context": {"arguments": context}})
    };
    let endpoint =
        json!({"type": "ref/resource", "uri": "specdex://{provider}/endpoints/{method}/{path}"});
    let cases = [
        (
            complete(endpoint.clone(), "provider", "w", json!({})),
            json!(["weather-service"]),
        ),
        (
            complete(endpoint.clone(), "provider", "", json!({})),
            json!(["petstore", "weather-service"]),
        ),
        (
            complete(
                endpoint.clone(),
                "method",
                "",
                json!({"provider": "petstore"}),
            ),
            json!(["GET", "POST", "DELETE"]),
        ),
        (
            complete(
                endpoint.clone(),
                "path",
                "ado",
                json!({"provider": "petstore"}),
            ),
            json!(["adoptions"]),
        ),
        (
            complete(
                endpoint.clone(),
                "path",
                "/pets/",
                json!({"provider": "petstore", "method": "GET"}),
            ),
            json!(["pets/{petId}"]),
        ),
        (
            complete(
                json!({"type": "ref/resource", "uri": "specdex://{provider}/schemas/{name}"}),
                "name",
                "per",
                json!({"provider": "petstore"}),
            ),
            json!(["Person"]),
        ),
        (
            complete(
                json!({"type": "ref/prompt", "name": "plan_call"}),
                "provider",
                "PET",
                json!({}),
            ),
            json!(["petstore"]),
        ),
        (
            complete(
                json!({"type": "ref/prompt", "name": "plan_call"}),
                "task",
                "x",
                json!({}),
            ),
            json!([]),
        ),
    ];
    for (params, expected) in cases {
        let result = http
            .result("2025-11-25", "completion/complete", params.clone())
            .await;
        assert_eq!(result["completion"]["values"], expected, "{params}");
    }
}

#[tokio::test]
async fn prompts_walk_through_the_tools() {
    let (http, _, _dir) = http();
    let listed = http.result("2025-11-25", "prompts/list", json!({})).await;
    let names: Vec<&str> = listed["prompts"]
        .as_array()
        .expect("prompts")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["explore_api", "plan_call"]);
    let explore = http
        .result(
            "2025-11-25",
            "prompts/get",
            json!({"name": "explore_api", "arguments": {"provider": "weather-service"}}),
        )
        .await;
    let messages = explore["messages"].as_array().expect("messages");
    assert!(
        messages[0]["content"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("list_endpoints")
    );
    assert_eq!(messages[1]["content"]["type"], "resource");
    assert_eq!(
        messages[1]["content"]["resource"]["uri"],
        "specdex://weather-service/summary"
    );
    let plan = http
        .result(
            "2025-11-25",
            "prompts/get",
            json!({"name": "plan_call", "arguments": {"task": "adopt a dog", "provider": "petstore"}}),
        )
        .await;
    let text = plan["messages"][0]["content"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains("adopt a dog") && text.contains("get_endpoints"),
        "{text}"
    );
    let wrong = http
        .rpc(
            "2025-11-25",
            "prompts/get",
            json!({"name": "explore_api", "arguments": {"provider": "pets"}}),
        )
        .await;
    assert_eq!(wrong.body["error"]["data"]["suggestions"][0], "petstore");
    let missing = http
        .rpc("2025-11-25", "prompts/get", json!({"name": "plan_call"}))
        .await;
    assert_eq!(missing.body["error"]["code"], -32602);
}

#[tokio::test]
async fn discovery_document_describes_the_server() {
    let (http, _, _dir) = http();
    for path in ["/.well-known/mcp", "/.well-known/mcp.json"] {
        let reply = http
            .send(Request::get(path).body(Body::empty()).expect("request"))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.headers["content-type"], "application/json");
        let card = reply.body;
        assert_eq!(card["serverInfo"]["name"], "specdex");
        assert_eq!(card["transports"][0]["url"], "/mcp");
        let tools: Vec<&str> = card["tools"]
            .as_array()
            .expect("tools")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(tools, TOOL_NAMES);
        assert!(card["tools"][0]["inputSchema"].is_object());
        assert!(
            card["instructions"]
                .as_str()
                .is_some_and(|i| i.contains("search_apis"))
        );
        assert_eq!(card["prompts"].as_array().map(Vec::len), Some(2));
        assert_eq!(card["resourceTemplates"].as_array().map(Vec::len), Some(3));
    }
}

#[tokio::test]
async fn foreign_hosts_are_refused() {
    let (engine, _dir) = fixture_engine();
    let body = initialize("2025-11-25");
    let strict = Http::new(router(engine.clone(), McpConfig::default()));
    for host in [
        "localhost",
        "localhost:3000",
        "127.0.0.1:8080",
        "[::1]:8080",
    ] {
        let reply = strict.post(&[("host", host)], &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{host}");
    }
    for host in [
        "evil.example.com",
        "evil.example.com:8080",
        "specdex.example.com",
    ] {
        let reply = strict.post(&[("host", host)], &body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{host}");
    }
    let public = Http::new(router(
        engine,
        McpConfig::allowing_hosts(["specdex.example.com"]),
    ));
    let reply = public.post(&[("host", "specdex.example.com")], &body).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn only_post_is_served_and_bad_requests_are_protocol_errors() {
    let (http, _, _dir) = http();
    for method in ["GET", "DELETE"] {
        let reply = http
            .send(
                Request::builder()
                    .method(method)
                    .uri("/mcp")
                    .header("host", "localhost")
                    .header("accept", "text/event-stream")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
    let garbage = http
        .send(
            Request::post("/mcp")
                .header("host", "localhost")
                .header("content-type", "application/json")
                .header("accept", "application/json, text/event-stream")
                .body(Body::from("{not json"))
                .expect("request"),
        )
        .await;
    assert!(garbage.status.is_client_error() || garbage.body["error"]["code"] == -32700);
    let unknown = http.rpc("2025-11-25", "tools/frobnicate", json!({})).await;
    assert!(unknown.body["error"]["code"].is_i64(), "{}", unknown.body);
}

#[tokio::test]
async fn ping_answers_in_the_handshake_versions() {
    let (http, _, _dir) = http();
    let pong = http.result("2025-06-18", "ping", json!({})).await;
    assert_eq!(pong, json!({}));
}
