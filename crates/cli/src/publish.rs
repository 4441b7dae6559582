//! `specdex publish`: send a document to a running server's catalog.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use specdex_ingest::HttpClient;

/// Publish a document to a specdex server, as CI does on each release:
/// POST /v1/apis/{provider}/{api}/snapshots with a `publish` key.
///
/// The server reads it as `specdex ingest` does (JSON or YAML, OpenAPI 3.x
/// or Swagger 2.0), from the file alone: it may not reference other files
/// or URLs. Prints the ingest line (`new` or `unchanged`); exits 1 when the
/// server refuses, with its message.
///
/// Examples:
///   SPECDEX_KEY=sdx_... specdex publish openapi.yaml --to https://specs.example.com --api billing/api
///   specdex publish spec.json --to http://127.0.0.1:8080 --api stripe/api --version 2026-01-28 --key sdx_...
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct PublishArgs {
    /// The document to publish.
    file: PathBuf,
    /// The server's base URL.
    #[arg(long, value_name = "URL")]
    to: String,
    /// The API it is an edition of, as provider/api (created if needed).
    #[arg(long, value_name = "PROVIDER/API")]
    api: String,
    /// The edition's label (default: the document's info.version).
    #[arg(long, value_name = "LABEL")]
    version: Option<String>,
    /// Where the document comes from, recorded with the snapshot (default:
    /// the file's path).
    #[arg(long)]
    source: Option<String>,
    /// A key with scope `publish` or `admin`.
    #[arg(long, env = "SPECDEX_KEY", hide_env_values = true)]
    key: String,
    /// Print the server's JSON answer.
    #[arg(long)]
    json: bool,
}

pub fn run(args: PublishArgs) -> Result<ExitCode> {
    let Some((provider, api)) = args.api.split_once('/') else {
        bail!("--api {:?}: write the API as provider/api", args.api);
    };
    let document =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let url = format!(
        "{}/v1/apis/{provider}/{api}/snapshots",
        args.to.trim_end_matches('/')
    );
    let source = args
        .source
        .unwrap_or_else(|| args.file.display().to_string());
    let mut query = vec![("source", source.as_str())];
    if let Some(version) = &args.version {
        query.push(("version", version.as_str()));
    }
    let client = HttpClient::new(Duration::from_secs(300), 1024 * 1024)?;
    let answer = client.post_document(&url, &query, Some(&args.key), document)?;
    let body: serde_json::Value = serde_json::from_str(&answer.body)
        .unwrap_or_else(|_| serde_json::json!({"error": {"message": answer.body.trim()}}));
    if !(200..300).contains(&answer.status) {
        let message = body["error"]["message"].as_str().unwrap_or("no message");
        bail!("the server refused ({}): {message}", answer.status);
    }
    if args.json {
        println!("{body}");
    } else {
        println!(
            "{:<10} {} {}  {} endpoints, {} schemas, {} warnings  (snapshot {})  published by {}",
            body["status"].as_str().unwrap_or("?"),
            body["api"].as_str().unwrap_or("?"),
            body["version"].as_str().unwrap_or("?"),
            body["endpoints"],
            body["schemas"],
            body["warnings"],
            body["snapshot"],
            body["published_by"].as_str().unwrap_or("?"),
        );
    }
    Ok(ExitCode::SUCCESS)
}
