//! The MCP server over streamable HTTP, in process: the three protocol
//! versions, every tool and its schemas, mistakes as answers, resources,
//! completions, prompts, discovery, DNS-rebinding protection, statelessness
//! and the token budget of every response on the fixtures.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Http, fixture_engine, output_schemas, schema_errors, text, tokens, two_api_engine};
use serde_json::{Value, json};
use specdex_mcp::{McpConfig, TOOL_NAMES, router};
use specdex_query::{ChangeQuery, Detail, DetailOptions, Engine, Query};

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
        assert!(
            instructions.contains("`provider/api`")
                && instructions.contains("specdex://{provider}/{api}/summary"),
            "{instructions}"
        );
        // The initialized notification is accepted, and a request needs no session.
        let note = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
        let ack = http.post(&[("mcp-protocol-version", version)], &note).await;
        assert_eq!(ack.status, StatusCode::ACCEPTED);
        let tools = http.result(version, "tools/list", json!({})).await;
        assert_eq!(
            tools["tools"].as_array().map(Vec::len),
            Some(specdex_mcp::TOOL_NAMES.len())
        );
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
            json!({"name": "list_versions", "arguments": {"api": "petstore/api"}}),
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
    // Eight tools: about 1,850 tokens for the first six (with
    // `get_endpoints`' budget arguments), 550 for `diff_versions` (eight
    // arguments), 460 for `check_call` (the seven parts of a call).
    assert!(prompt_tokens <= 2_900, "{prompt_tokens}");
    let get_endpoints = &tools[2]["inputSchema"];
    assert_eq!(get_endpoints["required"], json!(["endpoints"]));
    assert_eq!(get_endpoints["properties"]["endpoints"]["maxItems"], 50);
    // Every tool that names an API takes `api`, and still `provider`.
    for tool in &tools[1..] {
        let properties = &tool["inputSchema"]["properties"];
        let api = properties["api"]["description"]
            .as_str()
            .unwrap_or_default();
        assert!(api.contains("provider/api"), "{}: {api}", tool["name"]);
        assert_eq!(
            properties["provider"]["deprecated"], true,
            "{}",
            tool["name"]
        );
    }
    let scopes = &tools[0]["inputSchema"]["$defs"]["SearchScope"]["enum"];
    assert_eq!(
        scopes,
        &json!(["apis", "endpoints", "all", "providers"]),
        "{}",
        tools[0]["inputSchema"]
    );
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
            json!({"api": "petstore/api", "tag": "PETS"}),
            Query::Endpoints {
                api: "petstore/api".into(),
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
            // The previous release's argument: a provider with one API.
            json!({"api": "petstore/api", "endpoints": ["POST /adoptions", "get /pets"]}),
            Query::EndpointDetails {
                api: "petstore".into(),
                version: None,
                endpoints: vec!["POST /adoptions".into(), "get /pets".into()],
                options: DetailOptions::default(),
            },
        ),
        (
            "get_endpoints",
            json!({"api": "petstore/api", "endpoints": ["POST /adoptions"], "detail": "brief",
                   "max_tokens": 300, "include_schemas": true}),
            Query::EndpointDetails {
                api: "petstore/api".into(),
                version: None,
                endpoints: vec!["POST /adoptions".into()],
                options: DetailOptions {
                    detail: Detail::Brief,
                    max_tokens: Some(300),
                    include_schemas: true,
                    schema_depth: None,
                },
            },
        ),
        (
            "get_schemas",
            json!({"api": "petstore:api", "version": "2.0.0", "names": ["Adoption"], "depth": 2}),
            Query::Schemas {
                api: "petstore:api".into(),
                version: Some("2.0.0".into()),
                names: vec!["Adoption".into()],
                depth: Some(2),
            },
        ),
        (
            "get_spec_summary",
            json!({"api": "weather-service/forecasts"}),
            Query::Summary {
                api: "weather-service/forecasts".into(),
                version: None,
            },
        ),
        (
            "list_versions",
            json!({"api": "petstore"}),
            Query::Versions {
                api: "petstore".into(),
            },
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "from": "1.0.0"}),
            Query::Changes(ChangeQuery {
                api: "petstore/api".into(),
                from: Some("1.0.0".into()),
                limit: Some(specdex_mcp::DIFF_LIMIT),
                ..ChangeQuery::default()
            }),
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
        if tool != "search_apis" {
            assert!(
                expected["api"] == "petstore/api" || expected["api"] == "weather-service/forecasts",
                "{tool}: the answer names the API by its id: {}",
                expected["api"]
            );
        }
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
    for arguments in [json!({"api": "petshop"}), json!({"provider": "petshop"})] {
        let text = error_text(&http, "get_spec_summary", arguments).await;
        assert!(
            text.contains("API petshop") && text.contains("- `petstore/api`"),
            "{text}"
        );
        assert!(
            text.contains("provider/api") && text.contains("search_apis"),
            "{text}"
        );
    }
    // An unknown API of a known provider: that provider's APIs first.
    let text = error_text(&http, "list_versions", json!({"api": "petstore/v9"})).await;
    assert!(
        text.contains("Closest matches:\n- `petstore/api`"),
        "{text}"
    );

    let text = error_text(
        &http,
        "get_endpoints",
        json!({"api": "petstore/api", "endpoints": ["GET /pets", "DELETE /pet/{id}"]}),
    )
    .await;
    assert!(text.contains("DELETE /pet/{id}"), "{text}");
    assert!(text.contains("- `DELETE /pets/{petId}`"), "{text}");

    let text = error_text(
        &http,
        "get_schemas",
        json!({"api": "petstore/api", "names": ["Adopton"]}),
    )
    .await;
    assert!(text.contains("- `Adoption`"), "{text}");

    let text = error_text(
        &http,
        "list_endpoints",
        json!({"api": "petstore/api", "version": "9"}),
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
            json!({"api": "petstore/api", "limit": 0}),
            "Invalid argument `limit`: must be between 1 and 500",
        ),
        (
            "list_endpoints",
            json!({"api": "petstore/api", "limit": "ten"}),
            "Invalid argument `limit` for `list_endpoints`: invalid type: string \"ten\", expected a whole number",
        ),
        (
            "list_endpoints",
            json!({"api": "petstore/api", "limit": -1}),
            "Invalid argument `limit`",
        ),
        (
            "list_endpoints",
            json!({"api": "petstore/api", "cursor": "zz"}),
            "Invalid argument `cursor`",
        ),
        (
            "list_endpoints",
            json!({"api": "petstore/api", "method": "FETCH"}),
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
            json!({"api": "petstore/api", "endpoints": []}),
            "Invalid argument `endpoints`",
        ),
        (
            "get_endpoints",
            json!({"api": "petstore/api", "endpoints": ["list pets"]}),
            "Invalid argument `endpoints`: `list pets` is not \"METHOD /path\"",
        ),
        (
            "get_endpoints",
            json!({"api": "petstore/api", "endpoints": "GET /pets"}),
            "Invalid argument `endpoints`",
        ),
        (
            "get_endpoints",
            json!({"api": "petstore/api", "endpoints": ["GET /pets", 3]}),
            "Invalid argument `endpoints[1]`",
        ),
        (
            "get_schemas",
            json!({"api": "petstore/api", "names": ["Pet"], "depth": 11}),
            "Invalid argument `depth`: must be between 0 and 10",
        ),
        (
            "list_versions",
            json!({}),
            "Invalid arguments for `list_versions`: missing field `api`: name the API as `api: \"provider/api\"`",
        ),
        (
            "list_versions",
            json!({"api": "petstore/api", "verbose": true}),
            "unknown field `verbose`",
        ),
        (
            "list_versions",
            json!({"api": 7}),
            "Invalid argument `api` for `list_versions`: invalid type: integer `7`, expected a string",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "level": "fatal"}),
            "Invalid argument `level` for `diff_versions`: unknown variant `fatal`, expected one of `breaking`, `warning`, `info`",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "endpoints": ["list pets"]}),
            "Invalid argument `endpoints`: `list pets` is not \"METHOD /path\"",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "endpoints": vec!["GET /pets"; 51]}),
            "Invalid argument `endpoints`: at most 50 endpoints",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "limit": 1001}),
            "Invalid argument `limit`: must be between 1 and 1000",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "cursor": "zz"}),
            "Invalid argument `cursor`",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "from": " "}),
            "Invalid argument `from`: name an edition",
        ),
        (
            "diff_versions",
            json!({"api": "petstore/api", "since": "1.0.0"}),
            "unknown field `since`",
        ),
        (
            "check_call",
            json!({"api": "petstore/api", "method": "GET", "path": "/pets", "heders": {}}),
            "unknown field `heders`",
        ),
        (
            "check_call",
            json!({"api": "petstore/api", "method": "GET"}),
            "missing field `path`",
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
            "specdex://petstore/api/summary",
            "specdex://weather-service/forecasts/summary"
        ]
    );
    let names: Vec<&str> = listed["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .filter_map(|r| r["name"].as_str())
        .collect();
    assert_eq!(names, ["petstore/api", "weather-service/forecasts"]);
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
            "specdex://{provider}/{api}/endpoints/{method}/{path}",
            "specdex://{provider}/{api}/schemas/{name}",
            "specdex://{provider}/{api}/summary"
        ]
    );
    let uri = specdex_mcp::endpoint_uri("petstore/api", "GET", "/pets/{petId}");
    assert_eq!(uri, "specdex://petstore/api/endpoints/GET/pets/%7BpetId%7D");
    let read = http
        .result("2025-11-25", "resources/read", json!({"uri": uri}))
        .await;
    let expected = engine
        .answer(&Query::EndpointDetails {
            api: "petstore/api".into(),
            version: None,
            endpoints: vec!["GET /pets/{petId}".into()],
            options: DetailOptions::default(),
        })
        .expect("answer");
    assert_eq!(read["contents"][0]["text"], expected.markdown.as_str());
    assert_eq!(read["contents"][0]["mimeType"], "text/markdown");
    assert_eq!(read["contents"][0]["uri"], uri.as_str());

    // The previous release's URI of the same endpoint reads the same.
    let old = http
        .result(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://petstore/endpoints/GET/pets/%7BpetId%7D"}),
        )
        .await;
    assert_eq!(old["contents"][0]["text"], expected.markdown.as_str());

    for uri in [
        "specdex://petstore/api/schemas/NewPet?version=2.0.0",
        "specdex://petstore/schemas/NewPet?version=2.0.0",
    ] {
        let schema = http
            .result("2026-07-28", "resources/read", json!({"uri": uri}))
            .await;
        assert!(
            schema["contents"][0]["text"]
                .as_str()
                .unwrap_or_default()
                .contains("## NewPet"),
            "{uri}: {schema}"
        );
    }
    let summary = http
        .result(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://weather-service/forecasts/summary"}),
        )
        .await;
    let old = http
        .result(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://weather-service/summary"}),
        )
        .await;
    assert!(
        summary["contents"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("weather-service/forecasts"),
        "{summary}"
    );
    assert_eq!(summary["contents"][0]["text"], old["contents"][0]["text"]);

    let missing = http
        .rpc(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://petstore/api/schemas/Pett"}),
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

    let unknown_api = http
        .rpc(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://petstore/v3/summary"}),
        )
        .await;
    assert_eq!(unknown_api.body["error"]["code"], -32002);
    assert_eq!(
        unknown_api.body["error"]["data"]["suggestions"][0],
        "petstore/api"
    );

    let foreign = http
        .rpc(
            "2025-11-25",
            "resources/read",
            json!({"uri": "file:///etc/passwd"}),
        )
        .await;
    assert_eq!(foreign.body["error"]["code"], -32602);
}

fn complete(reference: Value, name: &str, value: &str, context: Value) -> Value {
    json!({"ref": reference, "argument": {"name": name, "value": value},
           "context": {"arguments": context}})
}

async fn check_completions(http: &Http, cases: Vec<(Value, Value)>) {
    for (params, expected) in cases {
        let result = http
            .result("2025-11-25", "completion/complete", params.clone())
            .await;
        assert_eq!(result["completion"]["values"], expected, "{params}");
    }
}

#[tokio::test]
async fn completions_follow_the_catalog() {
    let (http, _, _dir) = http();
    let endpoint = json!({"type": "ref/resource",
                          "uri": "specdex://{provider}/{api}/endpoints/{method}/{path}"});
    let petstore = json!({"provider": "petstore", "api": "api"});
    let cases = vec![
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
                "api",
                "",
                json!({"provider": "weather-service"}),
            ),
            json!(["forecasts"]),
        ),
        (
            complete(endpoint.clone(), "api", "f", json!({})),
            json!(["forecasts"]),
        ),
        (
            complete(endpoint.clone(), "method", "", petstore.clone()),
            json!(["GET", "POST", "DELETE"]),
        ),
        (
            complete(endpoint.clone(), "path", "ado", petstore.clone()),
            json!(["adoptions"]),
        ),
        // A provider with one API is enough context.
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
                json!({"type": "ref/resource", "uri": "specdex://{provider}/{api}/schemas/{name}"}),
                "name",
                "per",
                petstore.clone(),
            ),
            json!(["Person"]),
        ),
        (
            complete(
                json!({"type": "ref/prompt", "name": "plan_call"}),
                "api",
                "PET",
                json!({}),
            ),
            json!(["petstore/api"]),
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
    check_completions(&http, cases).await;
}

#[tokio::test]
async fn prompts_walk_through_the_tools() {
    let (http, _, _dir) = http();
    let listed = http.result("2025-11-25", "prompts/list", json!({})).await;
    let prompts = listed["prompts"].as_array().expect("prompts");
    let names: Vec<&str> = prompts.iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["explore_api", "plan_call"]);
    for prompt in prompts {
        let arguments: Vec<&str> = prompt["arguments"]
            .as_array()
            .expect("arguments")
            .iter()
            .filter_map(|a| a["name"].as_str())
            .collect();
        assert!(arguments.contains(&"api"), "{prompt}");
    }
    // `api`, and the previous release's `provider`, name the same API.
    for arguments in [
        json!({"api": "weather-service/forecasts"}),
        json!({"provider": "weather-service"}),
    ] {
        let explore = http
            .result(
                "2025-11-25",
                "prompts/get",
                json!({"name": "explore_api", "arguments": arguments}),
            )
            .await;
        let messages = explore["messages"].as_array().expect("messages");
        let text = messages[0]["content"]["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("list_endpoints")
                && text.contains("`api: \"weather-service/forecasts\"`"),
            "{text}"
        );
        assert_eq!(messages[1]["content"]["type"], "resource");
        assert_eq!(
            messages[1]["content"]["resource"]["uri"],
            "specdex://weather-service/forecasts/summary"
        );
    }
    let plan = http
        .result(
            "2025-11-25",
            "prompts/get",
            json!({"name": "plan_call", "arguments": {"task": "adopt a dog", "api": "petstore/api"}}),
        )
        .await;
    let text = plan["messages"][0]["content"]["text"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains("adopt a dog")
            && text.contains("get_endpoints")
            && text.contains("`petstore/api`"),
        "{text}"
    );
    let wrong = http
        .rpc(
            "2025-11-25",
            "prompts/get",
            json!({"name": "explore_api", "arguments": {"api": "pets"}}),
        )
        .await;
    assert_eq!(
        wrong.body["error"]["data"]["suggestions"][0],
        "petstore/api"
    );
    for arguments in [
        json!({}),
        json!({"api": "petstore/api", "provider": "petstore"}),
    ] {
        let missing = http
            .rpc(
                "2025-11-25",
                "prompts/get",
                json!({"name": "explore_api", "arguments": arguments}),
            )
            .await;
        assert_eq!(missing.body["error"]["code"], -32602, "{}", missing.body);
    }
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
        assert_eq!(
            card["resourceTemplates"][0]["uriTemplate"],
            "specdex://{provider}/{api}/endpoints/{method}/{path}"
        );
        assert!(
            card["resources"]["list"]
                .as_str()
                .is_some_and(|l| l.contains("specdex://{provider}/{api}/summary"))
        );
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

fn two_apis() -> (Http, Arc<Engine>, tempfile::TempDir) {
    let (engine, dir) = two_api_engine();
    (
        Http::new(router(engine.clone(), McpConfig::default())),
        engine,
        dir,
    )
}

/// Provider `pets` has two APIs, `pets/one` and `pets/two`: naming the
/// provider alone where an API is meant lists them.
#[tokio::test]
async fn a_provider_with_several_apis_is_named_by_api() {
    let (http, _, _dir) = two_apis();
    for (tool, arguments) in [
        ("get_spec_summary", json!({"provider": "pets"})),
        ("get_spec_summary", json!({"api": "pets"})),
        ("list_versions", json!({"provider": "pets"})),
        ("list_endpoints", json!({"api": "pets"})),
        (
            "get_endpoints",
            json!({"provider": "pets", "endpoints": ["GET /pets"]}),
        ),
        ("get_schemas", json!({"api": "pets", "names": ["Pet"]})),
        ("diff_versions", json!({"api": "pets"})),
    ] {
        let text = error_text(&http, tool, arguments.clone()).await;
        assert!(
            text.contains("Provider `pets` has 2 APIs; name one of:")
                && text.contains("- `pets/one`\n- `pets/two`")
                && text.contains("`api`"),
            "{tool} {arguments}: {text}"
        );
    }

    for (api, version) in [
        ("pets/one", "1.0.0"),
        ("pets:one", "1.0.0"),
        ("pets/two", "2.0.0"),
    ] {
        let result = http.call("get_spec_summary", json!({"api": api})).await;
        assert_eq!(result["isError"], false, "{api}: {result}");
        let summary = &result["structuredContent"];
        let id = api.replace(':', "/");
        assert_eq!(summary["api"], id.as_str(), "{api}");
        assert_eq!(summary["provider"], "pets", "{api}");
        assert_eq!(summary["version"], version, "{api}");
        assert!(text(&result).contains(&id), "{api}: {}", text(&result));
    }
    // `provider` still works for a provider with one API, beside `pets`…
    let result = http
        .call("get_spec_summary", json!({"provider": "petstore"}))
        .await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"]["api"], "petstore/api");
    // …and for any name the engine resolves.
    let result = http
        .call(
            "get_endpoints",
            json!({"provider": "pets/one", "endpoints": ["GET /pets"]}),
        )
        .await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"]["api"], "pets/one");
    let versions = http.call("list_versions", json!({"api": "pets/two"})).await;
    assert_eq!(versions["structuredContent"]["api"], "pets/two");
    assert_eq!(
        versions["structuredContent"]["versions"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // An unknown API of `pets` suggests its APIs.
    let text = error_text(&http, "get_spec_summary", json!({"api": "pets/three"})).await;
    assert!(
        text.contains("API pets/three") && text.contains("- `pets/one`\n- `pets/two`"),
        "{text}"
    );
}

#[tokio::test]
async fn search_hits_name_their_api() {
    let (http, _, _dir) = two_apis();
    let listed = http.result("2025-11-25", "tools/list", json!({})).await;
    let schemas = output_schemas(listed["tools"].as_array().expect("tools"));
    let result = http
        .call(
            "search_apis",
            json!({"query": "adoption", "scope": "endpoints", "limit": 20}),
        )
        .await;
    assert_eq!(result["isError"], false, "{result}");
    let errors = schema_errors(&schemas["search_apis"], &result["structuredContent"]);
    assert!(errors.is_empty(), "{errors:?}");
    let hits = result["structuredContent"]["results"]
        .as_array()
        .expect("results");
    let apis: Vec<&str> = hits.iter().filter_map(|h| h["api"].as_str()).collect();
    assert_eq!(apis.len(), hits.len(), "every hit names its API: {hits:?}");
    assert!(
        apis.contains(&"pets/two") && apis.contains(&"petstore/api"),
        "{apis:?}"
    );
    assert!(
        !apis.contains(&"pets/one"),
        "1.0.0 has no adoptions: {apis:?}"
    );
    for hit in hits {
        assert_eq!(hit["kind"], "endpoint", "{hit}");
        let api = hit["api"].as_str().unwrap_or_default();
        assert!(api.starts_with(&format!("{}/", hit["provider"].as_str().unwrap_or("?"))));
    }
    // The markdown names the API each hit belongs to.
    assert!(text(&result).contains("**pets/two**"), "{}", text(&result));
    // A hit's `api` goes straight to `get_endpoints`.
    let first = &hits[0];
    let key = format!(
        "{} {}",
        first["method"].as_str().unwrap_or_default(),
        first["path"].as_str().unwrap_or_default()
    );
    let fetched = http
        .call(
            "get_endpoints",
            json!({"api": first["api"], "endpoints": [key]}),
        )
        .await;
    assert_eq!(fetched["isError"], false, "{fetched}");

    // `apis`, and the previous release's `providers`, find APIs.
    for scope in ["apis", "providers"] {
        let result = http
            .call("search_apis", json!({"query": "weather", "scope": scope}))
            .await;
        assert_eq!(result["isError"], false, "{scope}: {result}");
        let structured = &result["structuredContent"];
        assert_eq!(structured["scope"], "apis", "{scope}");
        let first = &structured["results"][0];
        assert_eq!(first["kind"], "api", "{scope}: {structured}");
        assert_eq!(first["api"], "weather-service/forecasts", "{scope}");
        assert_eq!(first["provider"], "weather-service", "{scope}");
        let errors = schema_errors(&schemas["search_apis"], structured);
        assert!(errors.is_empty(), "{scope}: {errors:?}");
    }
}

#[tokio::test]
async fn api_and_provider_are_one_argument() {
    let (http, _, _dir) = two_apis();
    let tools = [
        ("list_endpoints", json!({})),
        ("get_endpoints", json!({"endpoints": ["GET /pets"]})),
        ("get_schemas", json!({"names": ["Pet"]})),
        ("get_spec_summary", json!({})),
        ("list_versions", json!({})),
        // Both APIs tried here have a 1.0.0 (and `pets/one` nothing else).
        ("diff_versions", json!({"from": "1.0.0", "to": "1.0.0"})),
    ];
    for (tool, rest) in tools {
        let with = |extra: Value| {
            let mut arguments = rest.clone();
            if let (Some(into), Value::Object(extra)) = (arguments.as_object_mut(), extra) {
                into.extend(extra);
            }
            arguments
        };
        let neither = error_text(&http, tool, with(json!({}))).await;
        assert!(
            neither.contains(&format!(
                "Invalid arguments for `{tool}`: missing field `api`"
            )) && neither.contains("provider/api"),
            "{tool}: {neither}"
        );
        let blank = error_text(&http, tool, with(json!({"api": " "}))).await;
        assert!(blank.contains("missing field `api`"), "{tool}: {blank}");
        let both = error_text(
            &http,
            tool,
            with(json!({"api": "pets/one", "provider": "pets"})),
        )
        .await;
        assert!(
            both.contains(&format!(
                "Invalid arguments for `{tool}`: give `api` or `provider`, not both"
            )),
            "{tool}: {both}"
        );
        let result = http.call(tool, with(json!({"api": "pets/one"}))).await;
        assert_eq!(result["isError"], false, "{tool}: {result}");
        let result = http.call(tool, with(json!({"provider": "petstore"}))).await;
        assert_eq!(result["isError"], false, "{tool}: {result}");
    }
}

#[tokio::test]
async fn resources_of_a_provider_with_several_apis() {
    let (http, engine, _dir) = two_apis();
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
            "specdex://pets/one/summary",
            "specdex://pets/two/summary",
            "specdex://petstore/api/summary",
            "specdex://weather-service/forecasts/summary"
        ]
    );
    for (uri, api) in [
        ("specdex://pets/one/summary", "pets/one"),
        ("specdex://pets/two/summary", "pets/two"),
        ("specdex://petstore/api/summary", "petstore/api"),
        ("specdex://petstore/summary", "petstore/api"),
    ] {
        let read = http
            .result("2025-11-25", "resources/read", json!({"uri": uri}))
            .await;
        let expected = engine
            .answer(&Query::Summary {
                api: api.into(),
                version: None,
            })
            .expect("answer");
        assert_eq!(
            read["contents"][0]["text"],
            expected.markdown.as_str(),
            "{uri}"
        );
        assert_eq!(read["contents"][0]["uri"], uri);
    }
    let adoption = http
        .result(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://pets/two/endpoints/POST/adoptions"}),
        )
        .await;
    assert!(
        adoption["contents"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("## POST /adoptions"),
        "{adoption}"
    );
    let missing = http
        .rpc(
            "2025-11-25",
            "resources/read",
            json!({"uri": "specdex://pets/one/endpoints/POST/adoptions"}),
        )
        .await;
    assert_eq!(missing.body["error"]["code"], -32002, "{}", missing.body);
    let schema = http
        .result(
            "2025-11-25",
            "resources/read",
            json!({"uri": specdex_mcp::schema_uri("pets/one", "Pet")}),
        )
        .await;
    assert!(
        schema["contents"][0]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("## Pet"),
        "{schema}"
    );
    // The previous release's URIs name a provider: `pets` has two APIs.
    for uri in [
        "specdex://pets/summary",
        "specdex://pets/schemas/Pet",
        "specdex://pets/endpoints/GET/pets",
    ] {
        let ambiguous = http
            .rpc("2025-11-25", "resources/read", json!({"uri": uri}))
            .await;
        let error = &ambiguous.body["error"];
        assert_eq!(error["code"], -32002, "{uri}: {}", ambiguous.body);
        assert_eq!(
            error["data"]["apis"],
            json!(["pets/one", "pets/two"]),
            "{uri}"
        );
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains("pets/one, pets/two"), "{uri}: {message}");
    }
    let endpoint = json!({"type": "ref/resource",
                          "uri": "specdex://{provider}/{api}/endpoints/{method}/{path}"});
    check_completions(
        &http,
        vec![
            (
                complete(endpoint.clone(), "api", "", json!({"provider": "pets"})),
                json!(["one", "two"]),
            ),
            (
                complete(
                    endpoint.clone(),
                    "path",
                    "ado",
                    json!({"provider": "pets", "api": "two"}),
                ),
                json!(["adoptions"]),
            ),
            (
                complete(
                    endpoint.clone(),
                    "path",
                    "ado",
                    json!({"provider": "pets", "api": "one"}),
                ),
                json!([]),
            ),
            (
                complete(
                    json!({"type": "ref/prompt", "name": "explore_api"}),
                    "api",
                    "pets/",
                    json!({}),
                ),
                json!(["pets/one", "pets/two"]),
            ),
        ],
    )
    .await;
    // Prompts: `pets` alone is ambiguous, `pets/two` is an API.
    let ambiguous = http
        .rpc(
            "2025-11-25",
            "prompts/get",
            json!({"name": "explore_api", "arguments": {"provider": "pets"}}),
        )
        .await;
    assert_eq!(
        ambiguous.body["error"]["data"]["apis"],
        json!(["pets/one", "pets/two"]),
        "{}",
        ambiguous.body
    );
    let explore = http
        .result(
            "2025-11-25",
            "prompts/get",
            json!({"name": "explore_api", "arguments": {"api": "pets/two"}}),
        )
        .await;
    assert_eq!(
        explore["messages"][1]["content"]["resource"]["uri"],
        "specdex://pets/two/summary"
    );
}

/// `diff_versions` over `petstore/api` 1.0.0 → 2.0.0: counts, then the
/// changes, which the arguments narrow by endpoint and level and page.
#[tokio::test]
async fn diff_versions_counts_and_lists_what_changed() {
    let (http, engine, _dir) = http();
    let listed = http.result("2025-11-25", "tools/list", json!({})).await;
    let tools = listed["tools"].as_array().expect("tools");
    let tool = tools
        .iter()
        .find(|t| t["name"] == "diff_versions")
        .expect("diff_versions is listed");
    let input = &tool["inputSchema"]["properties"];
    for argument in ["api", "from", "to", "endpoints", "level", "limit", "cursor"] {
        assert!(input[argument].is_object(), "{argument}: {input}");
    }
    assert_eq!(input["endpoints"]["maxItems"], 50);
    assert_eq!(input["limit"]["maximum"], specdex_query::MAX_CHANGES_LIMIT);
    let output = &tool["outputSchema"];
    for property in ["summary", "api", "from", "to", "total", "changes"] {
        assert!(
            output["properties"][property].is_object(),
            "{property}: {output}"
        );
    }
    let schemas = output_schemas(tools);
    let schema = &schemas["diff_versions"];

    let call = |arguments: Value| {
        let http = &http;
        async move {
            let result = http.call("diff_versions", arguments.clone()).await;
            assert_eq!(result["isError"], false, "{arguments}: {result}");
            let structured = result["structuredContent"].clone();
            let errors = schema_errors(schema, &structured);
            assert!(errors.is_empty(), "{arguments}: {errors:?}");
            (text(&result), structured)
        }
    };
    let (markdown, all) = call(json!({"api": "petstore/api"})).await;
    let answer = engine
        .answer(&Query::Changes(ChangeQuery {
            api: "petstore/api".into(),
            limit: Some(specdex_mcp::DIFF_LIMIT),
            ..ChangeQuery::default()
        }))
        .expect("engine answers");
    assert!(answer.json.starts_with("{\"summary\":{"), "{}", answer.json);
    assert_eq!(markdown, answer.markdown);
    assert_eq!(
        all["summary"],
        json!({"endpoints_added": 3, "endpoints_removed": 0, "endpoints_changed": 2,
               "components_changed": 1, "breaking": 4, "warning": 1, "info": 7,
               "complete": true})
    );
    assert_eq!(all["total"], 18);
    assert_eq!(
        (&all["from"]["version"], &all["to"]["version"]),
        (&json!("1.0.0"), &json!("2.0.0"))
    );
    assert!(
        markdown.starts_with("## petstore/api: changes from 1.0.0 (#1, ")
            && markdown.contains("4 breaking, 1 warning, 7 info"),
        "{markdown}"
    );
    for line in [
        "- **warning** `server-removed` ",
        "- **breaking** `request-parameter-limit-tightened` ",
        "- **breaking** `endpoint-security-added` ",
        "### `POST /adoptions`\n\n- **info** `endpoint-added` ",
        "- **info** `component-added` Schema added: schema `Adoption`.",
    ] {
        assert!(markdown.contains(line), "{line}: {markdown}");
    }
    let count = tokens(&markdown);
    assert!(count <= 2_000, "{count} tokens");

    // The endpoints an agent's code calls, written its own way.
    let (_, some) = call(json!({"api": "petstore/api",
                                "endpoints": ["get /pets/{id}", "POST /adoptions"]}))
    .await;
    let endpoints: Vec<&str> = some["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["endpoint"].as_str())
        .collect();
    assert_eq!(
        endpoints,
        [
            "POST /adoptions",
            "GET /pets/{petId}",
            "GET /pets/{petId}",
            "GET /pets/{petId}"
        ]
    );
    assert_eq!(
        (
            &some["summary"]["breaking"],
            &some["summary"]["warning"],
            &some["summary"]["info"],
            &some["summary"]["endpoints_added"]
        ),
        (&json!(1), &json!(0), &json!(3), &json!(1))
    );
    // Only what breaks clients; the counts still cover everything.
    let (markdown, breaking) = call(json!({"api": "petstore", "level": "breaking"})).await;
    assert_eq!(breaking["summary"], all["summary"]);
    assert_eq!(breaking["total"], 4);
    assert!(
        breaking["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .all(|c| c["level"] == "breaking"),
        "{breaking}"
    );
    assert!(
        markdown.contains("Listed: breaking and above."),
        "{markdown}"
    );
    let (markdown, none) = call(json!({"api": "petstore/api", "level": "breaking",
                                       "endpoints": ["POST /adoptions"]}))
    .await;
    assert_eq!(none["total"], 0);
    assert!(markdown.contains("No changes."), "{markdown}");
    // Pages, by snapshot ids.
    let (markdown, first) = call(json!({"api": "petstore/api", "from": "#1", "to": "#2",
                                        "limit": 5}))
    .await;
    assert_eq!(first["changes"].as_array().map(Vec::len), Some(5));
    assert_eq!(first["next_cursor"], "o5");
    assert!(markdown.contains("Showing 5 of 18 changes."), "{markdown}");
    let (_, next) = call(json!({"api": "petstore/api", "limit": 5, "cursor": "o5"})).await;
    assert_eq!(next["changes"][0], all["changes"][5]);
}

#[tokio::test]
async fn diff_versions_mistakes_are_answers_with_a_way_out() {
    let (http, _, _dir) = http();
    let text = error_text(&http, "diff_versions", json!({"api": "petstre"})).await;
    assert!(
        text.contains("Not found: API petstre.") && text.contains("- `petstore/api`"),
        "{text}"
    );
    let text = error_text(
        &http,
        "diff_versions",
        json!({"api": "petstore/api", "to": "3.0.0"}),
    )
    .await;
    assert!(
        text.contains("3.0.0")
            && text.contains("- `2.0.0 (#2)`\n- `1.0.0 (#1)`")
            && text.contains("list_versions")
            && text.contains("`diff_versions` compares the previous one with the current one"),
        "{text}"
    );
    // One edition: nothing older to compare it with.
    let text = error_text(
        &http,
        "diff_versions",
        json!({"provider": "weather-service"}),
    )
    .await;
    assert!(
        text.contains("Invalid argument `from`")
            && text.contains("no snapshot older than 3.1 (#3) to compare with"),
        "{text}"
    );
    let text = error_text(&http, "diff_versions", json!({})).await;
    assert!(
        text.contains("Invalid arguments for `diff_versions`: missing field `api`"),
        "{text}"
    );
}

#[tokio::test]
async fn check_call_names_each_problem_of_a_planned_call() {
    let (http, _, _dir) = http();
    let listed = http.result("2025-11-25", "tools/list", json!({})).await;
    let schemas = output_schemas(listed["tools"].as_array().expect("tools"));
    let schema = &schemas["check_call"];
    let call = |arguments: Value| {
        let http = &http;
        async move {
            let result = http.call("check_call", arguments.clone()).await;
            assert_eq!(result["isError"], false, "{arguments}: {result}");
            let structured = result["structuredContent"].clone();
            let errors = schema_errors(schema, &structured);
            assert!(errors.is_empty(), "{arguments}: {errors:?}");
            (text(&result), structured)
        }
    };
    let (markdown, answer) =
        call(json!({"api": "petstore/api", "method": "GET", "path": "/pest"})).await;
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["problems"][0]["kind"], "unknown_path");
    assert_eq!(answer["problems"][0]["choices"][0], "GET /pets");
    assert!(
        markdown.contains("**Not OK**") && markdown.contains("did you mean GET /pets?"),
        "{markdown}"
    );
    let (_, answer) = call(json!({
        "api": "petstore/api", "method": "GET", "path": "/pets", "query": {"limit": "lots"}
    }))
    .await;
    assert_eq!(answer["problems"][0]["kind"], "wrong_type", "{answer}");
    assert_eq!(answer["problems"][0]["name"], "limit");
    assert_eq!(answer["problems"][0]["in"], "query");
}
