//! Token economy on real specifications (o200k tokens, as the tools return
//! them): `get_endpoints` for every endpoint of `jumpcloud/v2`, `stripe/api`
//! and `github/api` (full within the default budget, and brief), every default page of `list_endpoints`, `search_apis` defaults,
//! the summaries and `diff_versions` between two Stripe editions; every
//! structuredContent validated against its output schema. Needs the corpus
//! at `../shared/specs` (or `SPECDEX_CORPUS`); without it every test says
//! "skipped" and passes.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use common::{schema_errors, tokens};
use serde_json::{Map, Value, json};
use specdex_ingest::{IngestOptions, ingest_file};
use specdex_mcp::SpecdexMcp;
use specdex_query::budget::DEFAULT_ENDPOINT_TOKENS;
use specdex_query::{EndpointFilter, Engine, MAX_LIMIT};
use specdex_store::SqliteCatalog;

/// The APIs measured, as `provider/api`.
const APIS: [&str; 3] = ["jumpcloud/v2", "stripe/api", "github/api"];

struct Fixture {
    server: SpecdexMcp,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.is_dir().then_some(dir)
}

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
            for (file, api) in [
                ("jumpcloud/api/2.0/index.yaml", APIS[0]),
                // An older Stripe edition first, for `diff_versions`.
                ("stripe/spec3.yaml", APIS[1]),
                ("stripe-2026-01-28/stripe.yaml", APIS[1]),
                ("github/api.github.com.json", APIS[2]),
            ] {
                let (provider, name) = api.split_once('/').expect("provider/api");
                let options = IngestOptions {
                    provider: Some(provider.to_owned()),
                    api: Some(name.to_owned()),
                    ..IngestOptions::default()
                };
                let result = ingest_file(&catalog, &corpus.join(file), None, &options);
                match result.outcome {
                    Ok(ingested) => assert_eq!(ingested.api, api, "{file}"),
                    Err(e) => panic!("{file}: {e}"),
                }
            }
            let engine = Arc::new(Engine::new(Arc::new(catalog)).expect("engine"));
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            Some(Fixture {
                server: SpecdexMcp::new(engine),
                runtime,
                _dir: dir,
            })
        })
        .as_ref()
}

impl Fixture {
    /// A tool call as `tools/call` answers it: (text, structuredContent).
    fn call(&self, tool: &str, arguments: Value) -> (String, Value) {
        let Value::Object(arguments) = arguments else {
            panic!("arguments are an object")
        };
        let result = self
            .runtime
            .block_on(self.server.call(tool, Some(arguments)));
        let text = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(result.is_error, Some(false), "{tool}: {text}");
        (text, result.structured_content.unwrap_or(Value::Null))
    }

    fn output_schema(&self, tool: &str) -> Value {
        let tool = self
            .server
            .tools()
            .iter()
            .find(|t| t.name == tool)
            .expect("tool");
        Value::Object(Map::clone(tool.output_schema.as_ref().expect("schema")))
    }

    fn endpoint_keys(&self, api: &str) -> Vec<String> {
        let engine = self.server.engine();
        let mut keys = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = engine
                .endpoints(&EndpointFilter {
                    api,
                    limit: Some(MAX_LIMIT),
                    cursor: cursor.as_deref(),
                    ..EndpointFilter::default()
                })
                .expect("listing");
            keys.extend(
                page.endpoints
                    .iter()
                    .map(|e| format!("{} {}", e.method, e.path)),
            );
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => return keys,
            }
        }
    }
}

fn percentile(sorted: &[usize], p: f64) -> usize {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The parts of an endpoint's markdown, for finding where tokens go.
fn sections(markdown: &str) -> Vec<(&'static str, String)> {
    let mut parts = Vec::new();
    let (head, rest) = markdown.split_once("```bash\n").unwrap_or((markdown, ""));
    parts.push(("heading, facts, description", head.to_owned()));
    let (curl, rest) = rest.split_once("\n```\n").unwrap_or((rest, ""));
    parts.push(("curl", curl.to_owned()));
    for chunk in rest.split("\n### ") {
        let name = match chunk.trim_start_matches("### ").split('\n').next() {
            Some("Parameters") => "parameters table",
            Some("Request body") => "request body",
            Some("Responses") => "responses table",
            Some("Auth") => "auth",
            _ => "base URL, other",
        };
        parts.push((name, chunk.to_owned()));
    }
    parts
}

#[test]
fn get_endpoints_token_budget_and_schema_on_every_endpoint() {
    let Some(f) = fixture() else { return };
    let schema = f.output_schema("get_endpoints");
    let validator = jsonschema::validator_for(&schema).expect("compiles");
    let mut all: Vec<usize> = Vec::new();
    let mut section_totals: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut heavy_sections: BTreeMap<&str, usize> = BTreeMap::new();
    let mut heavy_totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut heavy_count = 0;
    let mut brief_all: Vec<usize> = Vec::new();
    let mut whole_all: Vec<usize> = Vec::new();
    let mut complete = 0;
    eprintln!("get_endpoints, o200k tokens of the markdown text content (default budget):");
    eprintln!("API          endpoints  median  p90   max  >600  (json median)");
    for api in APIS {
        let keys = f.endpoint_keys(api);
        let mut counts = Vec::with_capacity(keys.len());
        let mut json_counts = Vec::with_capacity(keys.len());
        let mut worst = (0, String::new());
        for key in &keys {
            let (text, structured) =
                f.call("get_endpoints", json!({"api": api, "endpoints": [key]}));
            if !validator.is_valid(&structured) {
                panic!(
                    "{api} {key}: structuredContent breaks the output schema: {:?}",
                    schema_errors(&schema, &structured)
                );
            }
            let count = tokens(&text);
            let parts = sections(&text);
            for (name, part) in &parts {
                let entry = section_totals.entry(name).or_default();
                entry.0 += tokens(part);
                entry.1 += 1;
            }
            if count > 600 {
                heavy_count += 1;
                for (name, part) in &parts {
                    *heavy_totals.entry(name).or_default() += tokens(part);
                }
                let (name, _) = parts
                    .iter()
                    .map(|(name, part)| (*name, tokens(part)))
                    .max_by_key(|(_, t)| *t)
                    .unwrap_or(("none", 0));
                *heavy_sections.entry(name).or_default() += 1;
            }
            if count > worst.0 {
                worst = (count, key.clone());
            }
            assert!(
                count <= DEFAULT_ENDPOINT_TOKENS,
                "{api} {key}: {count} tokens over the default budget"
            );
            if structured.get("omitted").is_none() {
                complete += 1;
            }
            counts.push(count);
            json_counts.push(tokens(&structured.to_string()));
            let (brief, _) = f.call(
                "get_endpoints",
                json!({"api": api, "endpoints": [key], "detail": "brief"}),
            );
            brief_all.push(tokens(&brief));
            let (whole, _) = f.call(
                "get_endpoints",
                json!({"api": api, "endpoints": [key], "max_tokens": 20_000}),
            );
            whole_all.push(tokens(&whole));
        }
        counts.sort_unstable();
        json_counts.sort_unstable();
        let over = counts.iter().filter(|&&c| c > 600).count();
        eprintln!(
            "{api:<12} {:>9} {:>7} {:>5} {:>5} {:>5}  ({})   heaviest: {} ({} tokens)",
            counts.len(),
            percentile(&counts, 0.5),
            percentile(&counts, 0.9),
            counts[counts.len() - 1],
            over,
            percentile(&json_counts, 0.5),
            worst.1,
            worst.0,
        );
        assert!(
            percentile(&counts, 0.5) <= 600,
            "{api}: a typical endpoint renders in more than 600 tokens"
        );
        all.extend(counts);
    }
    all.sort_unstable();
    brief_all.sort_unstable();
    for (label, sorted) in [("all", &all), ("brief", &brief_all)] {
        eprintln!(
            "{label:<12} {:>9} {:>7} {:>5} {:>5} {:>5}",
            sorted.len(),
            percentile(sorted, 0.5),
            percentile(sorted, 0.9),
            sorted[sorted.len() - 1],
            sorted.iter().filter(|&&c| c > 600).count()
        );
    }
    eprintln!(
        "complete within the default budget ({DEFAULT_ENDPOINT_TOKENS}): {complete} of {} ({:.1} %)",
        all.len(),
        100.0 * complete as f64 / all.len() as f64
    );
    assert!(
        complete * 100 >= all.len() * 95,
        "ordinary endpoints stay complete"
    );
    whole_all.sort_unstable();
    eprintln!(
        "whole (max_tokens 20000): median {} p90 {} p95 {} p99 {} max {}; over a budget of",
        percentile(&whole_all, 0.5),
        percentile(&whole_all, 0.9),
        percentile(&whole_all, 0.95),
        percentile(&whole_all, 0.99),
        whole_all[whole_all.len() - 1]
    );
    for budget in [600, 800, 1_000, 1_200, 1_500, 2_000] {
        let over = whole_all.iter().filter(|&&c| c > budget).count();
        eprintln!(
            "  {budget:>5}: {over} endpoints ({:.1} %)",
            100.0 * over as f64 / whole_all.len() as f64
        );
    }
    let agent = "DELETE /activedirectories/{activedirectory_id}/agents/{agent_id}";
    let (text, _) = f.call(
        "get_endpoints",
        json!({"api": APIS[0], "endpoints": [agent]}),
    );
    eprintln!("jumpcloud/v2 {agent}: {} tokens", tokens(&text));
    eprintln!("where the tokens go (mean tokens per endpoint that has the part):");
    for (name, (total, n)) in &section_totals {
        eprintln!("  {name:<28} {:>6}  in {n} endpoints", total / n.max(&1));
    }
    eprintln!(
        "the {heavy_count} endpoints over 600 tokens: mean tokens per part, and how often it is the largest part"
    );
    for (name, total) in &heavy_totals {
        eprintln!(
            "  {name:<28} {:>6}  largest in {}",
            total / heavy_count.max(1),
            heavy_sections.get(name).copied().unwrap_or(0)
        );
    }
}

#[test]
fn list_and_search_defaults_stay_under_2000_tokens() {
    let Some(f) = fixture() else { return };
    let list_schema = f.output_schema("list_endpoints");
    for api in APIS {
        let mut cursor: Option<String> = None;
        let mut pages = Vec::new();
        loop {
            let mut arguments = json!({"api": api});
            if let Some(c) = &cursor {
                arguments["cursor"] = json!(c);
            }
            let (text, structured) = f.call("list_endpoints", arguments);
            let errors = schema_errors(&list_schema, &structured);
            assert!(errors.is_empty(), "{api}: {errors:?}");
            pages.push(tokens(&text));
            match structured["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        pages.sort_unstable();
        eprintln!(
            "list_endpoints {api}: {} default pages, median {} max {} tokens",
            pages.len(),
            percentile(&pages, 0.5),
            pages[pages.len() - 1]
        );
        assert!(pages[pages.len() - 1] <= 2_000, "{api}: {pages:?}");
    }
    let search_schema = f.output_schema("search_apis");
    let mut counts = Vec::new();
    for query in [
        "delete an active directory agent",
        "create a charge",
        "list repositories for a user",
        "refund a payment",
        "user",
        "webhook",
        "github",
        "update system user attributes",
        "create a pull request review comment",
        "subscription schedule",
    ] {
        for scope in ["all", "endpoints", "apis"] {
            let (text, structured) = f.call("search_apis", json!({"query": query, "scope": scope}));
            let errors = schema_errors(&search_schema, &structured);
            assert!(errors.is_empty(), "{query}: {errors:?}");
            let hits = structured["results"]
                .as_array()
                .map_or(&[][..], Vec::as_slice);
            assert!(
                hits.iter().all(|h| h["api"].is_string()),
                "{query} {scope}: every hit names its API"
            );
            let count = tokens(&text);
            assert!(count <= 2_000, "search {query:?} {scope}: {count} tokens");
            counts.push(count);
        }
    }
    counts.sort_unstable();
    eprintln!(
        "search_apis defaults: median {} max {} tokens over {} searches",
        percentile(&counts, 0.5),
        counts[counts.len() - 1],
        counts.len()
    );
}

#[test]
fn summaries_versions_and_schemas_report_their_size() {
    let Some(f) = fixture() else { return };
    for api in APIS {
        let (summary, structured) = f.call("get_spec_summary", json!({"api": api}));
        let errors = schema_errors(&f.output_schema("get_spec_summary"), &structured);
        assert!(errors.is_empty(), "{api}: {errors:?}");
        let (versions, structured) = f.call("list_versions", json!({"api": api}));
        let errors = schema_errors(&f.output_schema("list_versions"), &structured);
        assert!(errors.is_empty(), "{api}: {errors:?}");
        let engine = f.server.engine();
        let snapshot = engine.resolve(api, None).expect("snapshot");
        let names = engine
            .catalog()
            .schema_names(snapshot.id)
            .expect("schema names");
        let schema = f.output_schema("get_schemas");
        let mut counts = Vec::new();
        for name in names.iter().take(300) {
            let (text, structured) =
                f.call("get_schemas", json!({"api": api, "names": [name.name]}));
            let errors = schema_errors(&schema, &structured);
            assert!(errors.is_empty(), "{api} {}: {errors:?}", name.name);
            counts.push(tokens(&text));
        }
        counts.sort_unstable();
        eprintln!(
            "{api}: get_spec_summary {} tokens, list_versions {} tokens, get_schemas (depth 0) median {} max {} over {} schemas",
            tokens(&summary),
            tokens(&versions),
            percentile(&counts, 0.5),
            counts[counts.len() - 1],
            counts.len()
        );
    }
}

#[test]
fn diff_versions_of_two_stripe_editions_fit_the_budget() {
    let Some(f) = fixture() else { return };
    let schema = f.output_schema("diff_versions");
    for arguments in [
        json!({"api": "stripe/api"}),
        json!({"api": "stripe/api", "level": "breaking"}),
        json!({"api": "stripe/api", "endpoints": ["POST /v1/charges", "GET /v1/customers/{id}"]}),
    ] {
        let (text, structured) = f.call("diff_versions", arguments.clone());
        let errors = schema_errors(&schema, &structured);
        assert!(errors.is_empty(), "{arguments}: {errors:?}");
        let summary = &structured["summary"];
        assert!(
            summary["breaking"].as_u64().is_some_and(|n| n > 0) && summary["complete"] == true,
            "{arguments}: {summary}"
        );
        let listed = structured["changes"].as_array().map_or(0, Vec::len);
        assert_eq!(listed, specdex_mcp::DIFF_LIMIT, "{arguments}");
        assert!(structured["next_cursor"].is_string(), "{arguments}");
        let count = tokens(&text);
        assert!(count <= 2_000, "{arguments}: {count} tokens");
        eprintln!(
            "diff_versions {arguments}: {count} tokens for {listed} of {} changes",
            structured["total"]
        );
    }
}
