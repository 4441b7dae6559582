//! The query engine on real specifications: renderings (insta snapshots)
//! and behaviour. Needs the corpus at `../shared/specs` (or
//! `SPECDEX_CORPUS`); without it every test says "skipped" and passes.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::budget::{DEFAULT_ENDPOINT_TOKENS, MAX_TOKENS, MIN_TOKENS};
use specdex_query::{
    Detail, DetailOptions, EndpointFilter, Engine, Query, QueryError, Scope, tokens,
};
use specdex_store::SqliteCatalog;

struct Fixture {
    engine: Engine,
    _dir: tempfile::TempDir,
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.is_dir().then_some(dir)
}

/// One catalog for the whole file: JumpCloud v2, Stripe 2026, GitHub,
/// Kubernetes and the Swagger 2 petstore.
fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let Some(corpus) = corpus() else {
                eprintln!("skipped: corpus not found (set SPECDEX_CORPUS)");
                return None;
            };
            let dir = tempfile::tempdir().expect("tempdir");
            let catalog = SqliteCatalog::open(&dir.path().join("catalog.db")).expect("catalog");
            for (file, provider) in [
                ("jumpcloud/api/2.0/index.yaml", None),
                ("stripe-2026-01-28/stripe.yaml", None),
                ("github/api.github.com.json", None),
                ("kubernetes/swagger.json.unprocessed", None),
                (
                    "oai-examples/v2.0/json/petstore-expanded.json",
                    Some("petstore"),
                ),
            ] {
                let options = IngestOptions {
                    provider: provider.map(str::to_owned),
                    ..IngestOptions::default()
                };
                let result = ingest_file(&catalog, &corpus.join(file), None, &options);
                assert!(result.outcome.is_ok(), "{file}: {:?}", result.outcome.err());
            }
            let engine = Engine::new(Arc::new(catalog)).expect("engine");
            Some(Fixture { engine, _dir: dir })
        })
        .as_ref()
}

fn detail_markdown(engine: &Engine, provider: &str, key: &str) -> String {
    let answer = engine
        .answer(&Query::EndpointDetails {
            api: provider.to_owned(),
            version: None,
            endpoints: vec![key.to_owned()],
            options: DetailOptions::default(),
        })
        .unwrap_or_else(|e| panic!("{provider} {key}: {e}"));
    answer.markdown.clone()
}

#[test]
fn jumpcloud_delete_endpoints() {
    let Some(f) = fixture() else { return };
    let page = f
        .engine
        .answer(&Query::Endpoints {
            api: "jumpcloud".into(),
            version: None,
            method: Some("delete".into()),
            tag: None,
            text: Some("activedirectories".into()),
            limit: Some(5),
            cursor: None,
        })
        .expect("listing");
    insta::assert_snapshot!("jumpcloud_delete_list", page.markdown);
    insta::assert_snapshot!(
        "jumpcloud_delete_activedirectory",
        detail_markdown(&f.engine, "jumpcloud", "DELETE /activedirectories/{id}")
    );
}

#[test]
fn stripe_form_encoded_post() {
    let Some(f) = fixture() else { return };
    insta::assert_snapshot!(
        "stripe_create_customer",
        detail_markdown(&f.engine, "stripe", "POST /v1/customers")
    );
}

#[test]
fn github_endpoint_with_one_of() {
    let Some(f) = fixture() else { return };
    insta::assert_snapshot!(
        "github_add_status_check_contexts",
        detail_markdown(
            &f.engine,
            "github",
            "POST /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks/contexts"
        )
    );
}

#[test]
fn kubernetes_endpoint() {
    let Some(f) = fixture() else { return };
    insta::assert_snapshot!(
        "kubernetes_list_namespaced_pods",
        detail_markdown(
            &f.engine,
            "kubernetes",
            "GET /api/v1/namespaces/{namespace}/pods"
        )
    );
}

#[test]
fn swagger2_body_parameter() {
    let Some(f) = fixture() else { return };
    insta::assert_snapshot!(
        "petstore_add_pet",
        detail_markdown(&f.engine, "petstore", "POST /pets")
    );
    let details = f
        .engine
        .endpoint_details("petstore", None, &["POST /pets".to_owned()])
        .expect("detail");
    insta::assert_json_snapshot!("petstore_add_pet_json", details);
}

#[test]
fn summaries_are_short_and_deterministic() {
    let Some(f) = fixture() else { return };
    let summary = f.engine.summary("jumpcloud", None).expect("summary");
    assert_eq!(summary, f.engine.summary("jumpcloud", None).expect("again"));
    let text = specdex_query::markdown::summary(&summary);
    insta::assert_snapshot!(
        "petstore_summary",
        specdex_query::markdown::summary(&f.engine.summary("petstore", None).expect("petstore"))
    );
    assert!(text.len() < 20_000, "{} bytes", text.len());
    assert!(
        summary
            .base_url
            .as_deref()
            .is_some_and(|u| u.contains("jumpcloud"))
    );
}

#[test]
fn provider_detail_counts_tags() {
    let Some(f) = fixture() else { return };
    let detail = f.engine.api("github", None).expect("github");
    assert_eq!(detail.endpoints, 1223);
    assert_eq!(detail.schemas, 969);
    let tagged: usize = detail.tags.iter().map(|t| t.endpoints).sum();
    assert!(tagged >= 1223, "every GitHub endpoint has a tag: {tagged}");
    assert!(
        detail
            .base_urls
            .iter()
            .any(|s| s.url == "https://api.github.com")
    );
}

#[test]
fn schemas_expand_to_a_depth_and_mark_cycles() {
    let Some(f) = fixture() else { return };
    let flat = f
        .engine
        .schemas("stripe", None, &["account".to_owned()], Some(0))
        .expect("account");
    assert!(
        flat.schemas[0].in_cycle,
        "Stripe's account schema is on a cycle"
    );
    let text = serde_json::to_string(&flat.schemas[0].schema).expect("json");
    assert!(text.contains("\"$ref\""));
    let deep = f
        .engine
        .schemas("stripe", None, &["account".to_owned()], Some(3))
        .expect("depth 3");
    let deep_text = serde_json::to_string(&deep.schemas[0].schema).expect("json");
    assert!(deep_text.len() > text.len());
    assert!(
        deep_text.contains("x-circular"),
        "a cycle back to account is marked"
    );
    let both = f
        .engine
        .schemas(
            "petstore",
            None,
            &["Pet".to_owned(), "NewPet".to_owned()],
            Some(1),
        )
        .expect("two");
    assert_eq!(both.schemas.len(), 2);
    assert!(
        !serde_json::to_string(&both.schemas[0].schema)
            .expect("json")
            .contains("$ref")
    );
}

#[test]
fn mistakes_name_the_closest_matches() {
    let Some(f) = fixture() else { return };
    let err = f.engine.api("jumpclod", None).expect_err("unknown API");
    assert!(
        matches!(&err, QueryError::NotFound { suggestions, .. } if suggestions[0] == "jumpcloud/v2"),
        "{err}"
    );
    assert_eq!(err.status(), 404);
    let err = f
        .engine
        .endpoint_details(
            "jumpcloud",
            None,
            &["DELETE /activedirectory/{id}".to_owned()],
        )
        .expect_err("unknown endpoint");
    assert!(
        err.to_string().contains("DELETE /activedirectories/{id}"),
        "{err}"
    );
    let err = f
        .engine
        .schemas("petstore", None, &["Pets".to_owned()], None)
        .expect_err("unknown schema");
    assert!(err.to_string().contains("Pet"), "{err}");
    let err = f
        .engine
        .api("stripe", Some("1999-01-01"))
        .expect_err("unknown version");
    assert!(err.to_string().contains("2026-01-28"), "{err}");
    for (result, parameter) in [
        (
            f.engine
                .endpoint_details("github", None, &["FETCH /x".to_owned()])
                .map(|_| ()),
            "e",
        ),
        (
            f.engine
                .schemas("github", None, &["x".to_owned()], Some(99))
                .map(|_| ()),
            "depth",
        ),
        (f.engine.search("", None, None).map(|_| ()), "q"),
        (f.engine.providers(Some(0), None).map(|_| ()), "limit"),
        (
            f.engine.providers(None, Some("garbage")).map(|_| ()),
            "cursor",
        ),
    ] {
        let err = result.expect_err(parameter);
        assert!(
            matches!(&err, QueryError::BadRequest { parameter: p, .. } if *p == parameter),
            "{err}"
        );
        assert_eq!(err.status(), 400);
    }
}

#[test]
fn listings_paginate_with_cursor_and_total() {
    let Some(f) = fixture() else { return };
    let filter = EndpointFilter {
        api: "kubernetes",
        limit: Some(400),
        ..EndpointFilter::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = f
            .engine
            .endpoints(&EndpointFilter {
                cursor: cursor.as_deref(),
                ..filter
            })
            .expect("page");
        assert_eq!(page.total, 1123);
        seen.extend(
            page.endpoints
                .into_iter()
                .map(|e| format!("{} {}", e.method, e.path)),
        );
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1123);
    let pods = f
        .engine
        .endpoints(&EndpointFilter {
            api: "kubernetes",
            method: Some("get"),
            tag: Some("core_v1"),
            text: Some("namespaces pods"),
            ..EndpointFilter::default()
        })
        .expect("filtered");
    assert!(
        pods.endpoints
            .iter()
            .all(|e| e.method == "GET" && e.path.contains("pods"))
    );
    assert!(pods.total > 3);
}

#[test]
fn search_finds_endpoints_and_providers() {
    let Some(f) = fixture() else { return };
    let results = f
        .engine
        .search("create a payment intent", None, Some(3))
        .expect("search");
    let first = serde_json::to_value(&results.results[0]).expect("json");
    assert_eq!(first["provider"], "stripe");
    assert_eq!(first["api"], "stripe/api");
    assert_eq!(first["path"], "/v1/payment_intents");
    let providers = f
        .engine
        .search("kubernetes", Some(Scope::Apis), Some(5))
        .expect("providers");
    assert!(
        providers
            .results
            .iter()
            .all(|h| matches!(h, specdex_query::SearchHit::Api { .. }))
    );
}

#[test]
fn answers_are_cached_with_stable_etags() {
    let Some(f) = fixture() else { return };
    let query = Query::Summary {
        api: "petstore".into(),
        version: None,
    };
    let a = f.engine.answer(&query).expect("a");
    let b = f.engine.answer(&query).expect("b");
    assert!(
        Arc::ptr_eq(&a, &b),
        "the second answer comes from the cache"
    );
    let other = f
        .engine
        .answer(&Query::Summary {
            api: "github".into(),
            version: None,
        })
        .expect("other");
    assert_ne!(a.etag, other.etag);
    let json: serde_json::Value = serde_json::from_str(&a.json).expect("json");
    assert_eq!(json["provider"], "petstore");
    assert_eq!(json["api"], "petstore/api");
}

// Endpoint answers within a token budget, brief answers, the schemas an
// endpoint uses and the endpoints a schema is used by.

fn ask(f: &Fixture, api: &str, key: &str, options: DetailOptions) -> (String, serde_json::Value) {
    let answer = f
        .engine
        .answer(&Query::EndpointDetails {
            api: api.to_owned(),
            version: None,
            endpoints: vec![key.to_owned()],
            options,
        })
        .unwrap_or_else(|e| panic!("{api} {key}: {e}"));
    let json = serde_json::from_str(&answer.json).expect("json");
    (answer.markdown.clone(), json)
}

const AGENT: &str = "DELETE /activedirectories/{activedirectory_id}/agents/{agent_id}";

#[test]
fn the_spec_sample_is_the_example_said_once() {
    let Some(f) = fixture() else { return };
    let (markdown, json) = ask(f, "jumpcloud", AGENT, DetailOptions::default());
    let count = tokens::count(&markdown);
    eprintln!("{AGENT}: {count} tokens (the reference page: 178)");
    assert_eq!(markdown.matches("curl").count(), 1, "{markdown}");
    assert!(!markdown.contains("Sample Request"), "{markdown}");
    insta::assert_snapshot!("jumpcloud_delete_agent", markdown);
    assert!(count <= 200, "{count}");
    assert_eq!(
        json["endpoints"][0]["description"],
        "This endpoint deletes an Active Directory agent."
    );
}

#[test]
fn brief_answers_keep_what_a_call_needs() {
    let Some(f) = fixture() else { return };
    let brief = DetailOptions {
        detail: Detail::Brief,
        ..DetailOptions::default()
    };
    let (full, _) = ask(f, "stripe", "POST /v1/customers", DetailOptions::default());
    let (markdown, json) = ask(f, "stripe", "POST /v1/customers", brief);
    assert!(tokens::count(&markdown) * 2 < tokens::count(&full));
    assert_eq!(json["detail"], "brief");
    assert!(
        json["omitted"]
            .as_array()
            .expect("omitted")
            .iter()
            .all(|o| o["call"]
                .as_str()
                .is_some_and(|c| c.contains("\"detail\":\"full\""))),
        "{json}"
    );
    insta::assert_snapshot!("stripe_create_customer_brief", markdown);
}

#[test]
fn a_budget_cuts_and_says_what_and_how_to_get_it() {
    let Some(f) = fixture() else { return };
    let key = "POST /v1/customers";
    let (whole, _) = ask(
        f,
        "stripe",
        key,
        DetailOptions {
            max_tokens: Some(MAX_TOKENS),
            ..DetailOptions::default()
        },
    );
    let tight = DetailOptions {
        max_tokens: Some(600),
        ..DetailOptions::default()
    };
    let (markdown, json) = ask(f, "stripe", key, tight);
    eprintln!(
        "{key}: {} tokens whole, {} within 600",
        tokens::count(&whole),
        tokens::count(&markdown)
    );
    assert!(tokens::count(&markdown) <= 600);
    assert_eq!(json["max_tokens"], 600);
    let omitted = json["omitted"].as_array().expect("omitted");
    assert!(!omitted.is_empty());
    let call = omitted[0]["call"].as_str().expect("call");
    assert!(
        markdown.contains(call),
        "the markdown gives the call: {markdown}"
    );
    // The call it gives returns the whole endpoint.
    let args: serde_json::Value = serde_json::from_str(
        call.strip_prefix("get_endpoints ")
            .expect("a get_endpoints call"),
    )
    .expect("arguments are JSON");
    let max = args["max_tokens"].as_u64().expect("max_tokens") as usize;
    let (again, again_json) = ask(
        f,
        "stripe",
        key,
        DetailOptions {
            max_tokens: Some(max),
            ..DetailOptions::default()
        },
    );
    assert_eq!(again, whole);
    assert!(again_json.get("omitted").is_none());
    insta::assert_snapshot!("stripe_create_customer_600", markdown);
}

#[test]
fn budgets_are_bounded() {
    let Some(f) = fixture() else { return };
    for max in [MIN_TOKENS - 1, MAX_TOKENS + 1] {
        let error = f
            .engine
            .answer(&Query::EndpointDetails {
                api: "stripe".to_owned(),
                version: None,
                endpoints: vec!["POST /v1/customers".to_owned()],
                options: DetailOptions {
                    max_tokens: Some(max),
                    ..DetailOptions::default()
                },
            })
            .expect_err("out of range");
        assert!(matches!(
            error,
            QueryError::BadRequest {
                parameter: "max_tokens",
                ..
            }
        ));
    }
    // Several endpoints share the budget; the first always stays.
    let keys: Vec<String> = ["POST /v1/customers", "POST /v1/charges", "GET /v1/charges"]
        .map(str::to_owned)
        .to_vec();
    let answer = f
        .engine
        .endpoints_within(
            "stripe",
            None,
            &keys,
            &DetailOptions {
                max_tokens: Some(MIN_TOKENS),
                ..DetailOptions::default()
            },
        )
        .expect("answer");
    assert_eq!(answer.endpoints.len(), 1);
    assert!(answer.omitted.iter().any(
        |o| o.endpoint.as_deref() == Some("GET /v1/charges") && o.part == "the whole endpoint"
    ));
    let default = f
        .engine
        .endpoints_within(
            "github",
            None,
            &["GET /repos/{owner}/{repo}/issues".to_owned()],
            &DetailOptions::default(),
        )
        .expect("issues");
    assert_eq!(default.max_tokens, Some(DEFAULT_ENDPOINT_TOKENS));
}

#[test]
fn include_schemas_adds_each_schema_once() {
    let Some(f) = fixture() else { return };
    let options = DetailOptions {
        include_schemas: true,
        ..DetailOptions::default()
    };
    let (markdown, json) = ask(f, "jumpcloud", "GET /activedirectories/{id}", options);
    let names: Vec<&str> = json["schemas"]
        .as_array()
        .expect("schemas")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"active-directory"), "{names:?}");
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "each schema once");
    insta::assert_snapshot!("jumpcloud_activedirectory_with_schemas", markdown);
    // Two endpoints that share schemas list them once, and a cycle ends.
    let shared = f
        .engine
        .endpoints_within(
            "stripe",
            None,
            &[
                "GET /v1/customers/{customer}".to_owned(),
                "POST /v1/customers".to_owned(),
            ],
            &DetailOptions {
                include_schemas: true,
                schema_depth: Some(3),
                max_tokens: Some(MAX_TOKENS),
                ..DetailOptions::default()
            },
        )
        .expect("customers");
    let mut seen: Vec<&str> = shared.schemas.iter().map(|s| s.name.as_str()).collect();
    let count = seen.len();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), count);
    assert!(shared.schemas.iter().any(|s| s.in_cycle));
    // Under a small budget, schemas go first, named with their call.
    let small = f
        .engine
        .endpoints_within(
            "stripe",
            None,
            &["GET /v1/customers/{customer}".to_owned()],
            &DetailOptions {
                include_schemas: true,
                max_tokens: Some(1_000),
                ..DetailOptions::default()
            },
        )
        .expect("customer");
    assert!(
        small
            .omitted
            .iter()
            .any(|o| o.endpoint.is_none()
                && o.call.starts_with("get_schemas {\"api\":\"stripe/api\""))
    );
}

#[test]
fn schemas_say_which_endpoints_use_them() {
    let Some(f) = fixture() else { return };
    let details = f
        .engine
        .schemas("jumpcloud", None, &["active-directory".to_owned()], None)
        .expect("schema");
    let used = details.schemas[0].used_by.as_ref().expect("used by");
    assert!(
        used.endpoints
            .contains(&"GET /activedirectories/{id}".to_owned())
    );
    insta::assert_snapshot!(
        "jumpcloud_active_directory_used_by",
        specdex_query::markdown::schemas(&details)
    );
    // Through other schemas, and bounded: Stripe's customer is used by many.
    let customer = f
        .engine
        .schemas("stripe", None, &["customer".to_owned()], None)
        .expect("customer");
    let used = customer.schemas[0].used_by.as_ref().expect("used by");
    assert!(used.total > used.endpoints.len(), "{}", used.total);
    assert_eq!(used.endpoints.len(), specdex_query::USED_BY_LISTED);
}
