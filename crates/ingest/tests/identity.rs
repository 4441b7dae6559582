//! Which API each document of the corpus goes to: the groupings a person
//! would make, on both catalogs (SQLite always; PostgreSQL when a server
//! answers, see the store's test helpers). Needs `../shared/specs` (or
//! `SPECDEX_CORPUS`) for the real documents; the generated example runs
//! everywhere.

#[macro_use]
#[path = "../../store/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Guard, TestResult};
use specdex_ingest::{IngestOptions, Ingested, ingest_all, plan};
use specdex_spec::DEFAULT_MAX_BYTES;
use specdex_store::{Catalog, IngestStatus, SnapshotStatus};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: corpus not found (set SPECDEX_CORPUS)");
        None
    }
}

/// Ingests `sources` in one batch; every document must go in.
fn ingest(catalog: &dyn Catalog, sources: &[PathBuf]) -> Result<Vec<Ingested>, String> {
    let sources: Vec<String> = sources.iter().map(|p| p.display().to_string()).collect();
    let (jobs, failures) = plan(&sources, None, DEFAULT_MAX_BYTES);
    if let Some(failure) = failures.first() {
        return Err(failure.message.clone());
    }
    let mut done = Vec::new();
    let mut failed = Vec::new();
    ingest_all(
        catalog,
        &jobs,
        &IngestOptions::default(),
        |result| match result.outcome {
            Ok(ok) => done.push(ok),
            Err(e) => failed.push(format!("{}: {e}", result.source)),
        },
    );
    if failed.is_empty() {
        Ok(done)
    } else {
        Err(failed.join("\n"))
    }
}

/// API id → (snapshot count, current version label).
fn histories(
    catalog: &dyn Catalog,
) -> Result<BTreeMap<String, (u32, String)>, Box<dyn std::error::Error>> {
    Ok(catalog
        .apis()?
        .into_iter()
        .map(|a| (a.id, (a.snapshot_count, a.current.version)))
        .collect())
}

fn map(entries: &[(&str, u32, &str)]) -> BTreeMap<String, (u32, String)> {
    entries
        .iter()
        .map(|(id, n, v)| ((*id).to_owned(), (*n, (*v).to_owned())))
        .collect()
}

fn jumpcloud_is_four_apis(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let Some(corpus) = corpus() else {
        return Ok(());
    };
    let done = ingest(catalog.as_ref(), &[corpus.join("jumpcloud")])?;
    assert!(done.iter().all(|d| d.api_created), "{done:#?}");
    assert_eq!(
        histories(catalog.as_ref())?,
        map(&[
            ("jumpcloud/console", 1, "1.0"),
            ("jumpcloud/directory-insights", 1, "1.0"),
            ("jumpcloud/v1", 1, "1.0"),
            ("jumpcloud/v2", 1, "2.0"),
        ])
    );
    let v2 = catalog.snapshot("jumpcloud/v2", None)?;
    assert_eq!((v2.status, v2.endpoints), (SnapshotStatus::Current, 782));
    Ok(())
}

fn twilio_is_one_api_per_product(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let Some(corpus) = corpus() else {
        return Ok(());
    };
    let done = ingest(catalog.as_ref(), &[corpus.join("twilio")])?;
    let by_source = |end: &str| {
        done.iter()
            .find(|d| d.source.ends_with(end))
            .unwrap_or_else(|| panic!("{end} ingested"))
    };
    let json = by_source("json/twilio_api_v2010.json");
    let yaml = by_source("yaml/twilio_api_v2010.yaml");
    assert_eq!(
        (json.status.clone(), json.api_created),
        (IngestStatus::New, true)
    );
    assert_eq!(
        yaml.status,
        IngestStatus::Unchanged,
        "the same content as YAML"
    );
    assert_eq!(
        (yaml.api.as_str(), yaml.snapshot),
        (json.api.as_str(), json.snapshot)
    );
    assert_eq!(
        histories(catalog.as_ref())?,
        map(&[
            ("twilio/api", 1, "1.0.0"),
            ("twilio/iam", 1, "1.0.0"),
            ("twilio/messaging", 1, "1.0.0"),
            ("twilio/sample-reference", 1, "1.0.0"),
            ("twilio/verify", 1, "1.0.0"),
        ])
    );
    Ok(())
}

fn editions_of_stripe_and_github_share_a_history(
    _db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let Some(corpus) = corpus() else {
        return Ok(());
    };
    ingest(
        catalog.as_ref(),
        &[
            corpus.join("stripe/spec3.yaml"),
            corpus.join("stripe/spec3.json"),
            corpus.join("stripe-2026-01-28"),
            corpus.join("github/api.github.com.json"),
            corpus.join("github-yaml/github.yaml"),
        ],
    )?;
    let all = histories(catalog.as_ref())?;
    assert_eq!(
        all.keys().collect::<Vec<_>>(),
        ["github/api", "stripe/api"],
        "{all:?}"
    );
    assert_eq!(
        all["github/api"],
        (2, "1.1.4".to_owned()),
        "the later ingest is current"
    );
    let stripe = catalog.versions("stripe/api")?;
    let labels: Vec<&str> = stripe.iter().map(|s| s.version.as_str()).collect();
    assert_eq!(labels.first(), Some(&"2026-01-28.clover"), "{labels:?}");
    assert!(labels.contains(&"2020-08-27"), "{labels:?}");
    Ok(())
}

fn apis_guru_names_provider_and_service(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let Some(corpus) = corpus() else {
        return Ok(());
    };
    ingest(catalog.as_ref(), &[corpus.join("apis-guru")])?;
    let ids: Vec<String> = histories(catalog.as_ref())?.into_keys().collect();
    assert_eq!(
        ids,
        [
            "amazonaws.com/lambda",
            "amazonaws.com/s3",
            "azure.com/web-webapps",
            "googleapis.com/youtube",
            "kubernetes.io/api",
            "openai.com/api",
            "slack.com/api",
            "xkcd.com/api",
        ]
    );
    Ok(())
}

/// Three documents at `https://api.example.com`: "Users API" 1.0,
/// "Billing API" 1.0, "Users API" 1.1.
fn services_on_one_host_stay_apart(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let dir = tempfile::tempdir()?;
    let write =
        |name: &str, title: &str, version: &str, paths: &[&str]| -> std::io::Result<PathBuf> {
            let paths: Vec<String> = paths
                .iter()
                .map(|p| format!("{p:?}: {{get: {{responses: {{'200': {{description: ok}}}}}}}}"))
                .collect();
            let path = dir.path().join(name);
            std::fs::write(
                &path,
                format!(
                    "openapi: 3.0.3\ninfo: {{title: {title:?}, version: {version:?}}}\n\
                 servers: [{{url: 'https://api.example.com'}}]\npaths: {{{}}}\n",
                    paths.join(", ")
                ),
            )?;
            Ok(path)
        };
    let sources = [
        write(
            "a-users-1.0.yaml",
            "Users API",
            "1.0",
            &["/users", "/users/{id}"],
        )?,
        write(
            "b-billing.yaml",
            "Billing API",
            "1.0",
            &["/invoices", "/invoices/{id}"],
        )?,
        write(
            "c-users-1.1.yaml",
            "Users API",
            "1.1",
            &["/users", "/users/{userId}", "/users/{id}/roles"],
        )?,
    ];
    let done = ingest(catalog.as_ref(), &sources)?;
    let lines: Vec<(&str, bool)> = done
        .iter()
        .map(|d| (d.api.as_str(), d.api_created))
        .collect();
    assert_eq!(
        lines,
        [
            ("example/users", true),
            ("example/billing", true),
            ("example/users", false)
        ]
    );
    assert_eq!(
        histories(catalog.as_ref())?,
        map(&[("example/billing", 1, "1.0"), ("example/users", 2, "1.1")])
    );
    // Re-indented, the same document is the same edition.
    let reindented = dir.path().join("d-users-1.1.json");
    let text = std::fs::read_to_string(&sources[2])?;
    let value: serde_json::Value = serde_json::to_value(yaml_to_json(&text)?)?;
    std::fs::write(&reindented, serde_json::to_string_pretty(&value)?)?;
    let again = ingest(catalog.as_ref(), &[reindented])?;
    assert_eq!(again[0].status, IngestStatus::Unchanged);
    Ok(())
}

fn yaml_to_json(text: &str) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let (value, _) =
        specdex_spec::parse::parse_bytes("doc.yaml", text.as_bytes(), DEFAULT_MAX_BYTES)?;
    Ok(value)
}

on_both_backends!(
    jumpcloud_is_four_apis,
    twilio_is_one_api_per_product,
    editions_of_stripe_and_github_share_a_history,
    apis_guru_names_provider_and_service,
    services_on_one_host_stay_apart,
);
