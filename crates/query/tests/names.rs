//! How the engine resolves the names people and agents write for APIs:
//! `provider/api`, `provider:api`, a provider with one API; and the errors
//! that list the choices. Self-contained: the documents are written here.

use std::sync::Arc;

use specdex_ingest::{IngestOptions, ingest_file};
use specdex_query::{Engine, ProviderAnswer, Query, QueryError};
use specdex_store::SqliteCatalog;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn document(title: &str, version: &str, server: &str, paths: &[&str]) -> String {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| format!("{p:?}: {{get: {{responses: {{'200': {{description: ok}}}}}}}}"))
        .collect();
    format!(
        "openapi: 3.0.3\ninfo: {{title: {title:?}, version: {version:?}}}\nservers: [{{url: {server:?}}}]\npaths: {{{}}}\n",
        paths.join(", ")
    )
}

/// `acme/users` (two editions), `acme/billing`, and `weather/v1` alone.
fn catalog() -> Result<(tempfile::TempDir, Engine), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let catalog = SqliteCatalog::open(&dir.path().join("catalog.db"))?;
    let docs = [
        (
            "users-1.yaml",
            document(
                "Users API",
                "1.0",
                "https://api.acme.com",
                &["/users", "/users/{id}"],
            ),
        ),
        (
            "billing.yaml",
            document("Billing API", "1.0", "https://api.acme.com", &["/invoices"]),
        ),
        (
            "users-2.yaml",
            document(
                "Users API",
                "1.1",
                "https://api.acme.com",
                &["/users", "/users/{userId}", "/users/{id}/roles"],
            ),
        ),
        (
            "weather.yaml",
            document(
                "Weather API",
                "2024-01",
                "https://api.weather.io/v1",
                &["/forecast"],
            ),
        ),
    ];
    for (name, text) in docs {
        let path = dir.path().join(name);
        std::fs::write(&path, text)?;
        let result = ingest_file(&catalog, &path, None, &IngestOptions::default());
        result.outcome?;
    }
    Ok((dir, Engine::new(Arc::new(catalog))?))
}

#[test]
fn ids_and_the_lone_provider_shorthand_resolve() -> TestResult {
    let (_dir, engine) = catalog()?;
    assert_eq!(engine.api_id("acme/users")?, "acme/users");
    assert_eq!(engine.api_id("acme:users")?, "acme/users");
    assert_eq!(engine.api_id("weather")?, "weather/v1");
    let versions = engine.versions("acme/users")?;
    let labels: Vec<&str> = versions
        .versions
        .iter()
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(labels, ["1.1", "1.0"]);
    assert_eq!(engine.versions("acme/billing")?.versions.len(), 1);
    let summary = engine.summary("weather", None)?;
    assert_eq!(
        (summary.api.as_str(), summary.provider.as_str()),
        ("weather/v1", "weather")
    );
    Ok(())
}

#[test]
fn a_provider_with_several_apis_is_ambiguous_and_lists_them() -> TestResult {
    let (_dir, engine) = catalog()?;
    let err = engine
        .answer(&Query::Summary {
            api: "acme".into(),
            version: None,
        })
        .expect_err("acme has two APIs");
    assert!(
        matches!(&err, QueryError::Ambiguous { apis, .. } if apis == &["acme/billing", "acme/users"]),
        "{err}"
    );
    assert_eq!((err.code(), err.status()), ("ambiguous", 404));
    assert!(
        err.to_string().contains("acme/billing, acme/users"),
        "{err}"
    );
    match engine.provider("acme", None)? {
        ProviderAnswer::Several(page) => assert_eq!(page.total, 2),
        ProviderAnswer::Single(detail) => panic!("one API: {}", detail.api),
    }
    match engine.provider("weather", None)? {
        ProviderAnswer::Single(detail) => assert_eq!(detail.api, "weather/v1"),
        ProviderAnswer::Several(page) => panic!("{} APIs", page.total),
    }
    Ok(())
}

#[test]
fn unknown_names_suggest_the_closest() -> TestResult {
    let (_dir, engine) = catalog()?;
    let err = engine.api_id("acme/user").expect_err("no such API");
    assert!(
        matches!(&err, QueryError::NotFound { what: "API", suggestions, .. }
            if suggestions.contains(&"acme/users".to_owned())),
        "{err}"
    );
    let err = engine.api_id("wether").expect_err("no such provider");
    assert!(err.to_string().contains("weather/v1"), "{err}");
    let err = engine
        .apis(Some("acm"), None, None)
        .expect_err("no such provider");
    assert!(err.to_string().contains("acme"), "{err}");
    Ok(())
}

#[test]
fn remove_and_move_change_what_names_mean() -> TestResult {
    let (_dir, engine) = catalog()?;
    // The newest edition removed: the previous one is current again.
    let removed = engine.remove("acme/users", Some("1.1"), None)?;
    assert_eq!(removed.len(), 1);
    assert_eq!(engine.resolve("acme/users", None)?.version, "1.0");
    // Billing moved into users: billing is gone, its snapshot is current.
    let moved = engine.move_snapshot("acme/billing", None, None, "acme/users")?;
    assert_eq!(moved.api, "acme/users");
    assert_eq!(
        engine.resolve("acme", None)?.id,
        moved.id,
        "acme has one API now"
    );
    assert!(engine.api_id("acme/billing").is_err());
    // A snapshot id of another API is refused.
    let weather = engine.resolve("weather", None)?;
    let err = engine
        .select("acme/users", None, Some(weather.id))
        .expect_err("not acme's");
    assert_eq!(err.status(), 404);
    let err = engine
        .move_snapshot("weather", None, None, "nowhere")
        .expect_err("no api part");
    assert_eq!(err.status(), 400);
    // The whole API removed.
    assert_eq!(engine.remove("acme/users", None, None)?.len(), 2);
    assert!(engine.api_id("acme").is_err());
    Ok(())
}
