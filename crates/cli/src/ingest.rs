//! `specdex ingest`: arguments, progress, result lines, the closing summary.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use specdex_ingest::{IngestOptions, JobResult, ingest_all_opening, plan};
use specdex_spec::{DEFAULT_MAX_BYTES, ReadOptions};
use specdex_store::{IngestStatus, Writes};

/// Ingest API documents: files, directories (recursive) or http(s) URLs.
///
/// Each document becomes a snapshot (an edition) of one API, named
/// `provider/api`. Which API, in order:
///
///   1. --provider and --api, when given.
///   2. APIs.guru's x-providerName and x-serviceName (a provider without
///      service names has one API, `api`).
///   3. Otherwise the provider is the first server's host name
///      (console.jumpcloud.com → jumpcloud), else the title; among that
///      provider's APIs the document joins the one whose current edition
///      declares mostly the same paths under the same base path, so a new
///      release lands in the same history even when its title or
///      info.version changed.
///   4. Else it starts a new API, named by the title's distinctive words
///      ("Directory Insights API" → directory-insights), a host label
///      (messaging.twilio.com → messaging), the base path (/api/v2 → v2),
///      the major version (info.version 1.0 → v1), or `api`.
///
/// Identical content (the parsed document and every file it references:
/// re-indenting or converting YAML↔JSON changes nothing) is recorded once
/// (`unchanged`); a new edition becomes the API's current one. Fix a wrong
/// guess with `specdex move`, or re-ingest with --api.
///
/// In a directory, files without a top-level `openapi`/`swagger` key
/// (fragments) and documents referenced by another document are not
/// ingested on their own. One result line per document names its API and
/// says when the API is new; the exit status is 0 only if every document
/// went in.
///
/// Examples:
///   specdex ingest openapi.yaml
///   specdex ingest specs/ --json
///   specdex ingest spec/swagger.yaml --root .     (refs reach ../common)
///   specdex ingest https://example.com/openapi.json --provider example --api billing
#[derive(Args)]
pub struct IngestArgs {
    /// Files, directories or http(s) URLs.
    #[arg(required = true, value_name = "SOURCE")]
    sources: Vec<String>,

    /// Provider slug for every document (default: from x-providerName, the
    /// API host, or the title).
    #[arg(long)]
    provider: Option<String>,

    /// API name for every document, within its provider (default: from
    /// x-serviceName, or chosen by the rule above).
    #[arg(long)]
    api: Option<String>,

    /// Version label for every document (default: info.version).
    #[arg(long)]
    version: Option<String>,

    /// Print one JSON object per document instead of text.
    #[arg(long)]
    json: bool,

    /// Directory that file $refs may reach (default: the directory named, or
    /// a named file's own directory). A $ref leaving it refuses the document.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,

    /// Follow $refs to http(s) URLs (off by default).
    #[arg(long)]
    allow_remote_refs: bool,

    /// Refuse documents and referenced files larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES, value_name = "BYTES")]
    max_bytes: u64,

    /// Reader threads (default: one per CPU).
    #[arg(long, default_value_t = 0, value_name = "N")]
    jobs: usize,

    /// Print each document's warnings (specification violations that did not
    /// stop it from being read).
    #[arg(long)]
    warnings: bool,
}

#[derive(Default)]
struct Tally {
    new: usize,
    new_apis: usize,
    unchanged: usize,
    failed: usize,
    bytes: u64,
}

/// Ingests into the catalog at `location`, opened while the first documents
/// are read.
pub fn run(location: &str, args: IngestArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let read = ReadOptions {
        max_bytes: args.max_bytes,
        allow_remote_refs: args.allow_remote_refs,
        ..ReadOptions::default()
    };
    let (jobs, failures) = plan(&args.sources, args.root.as_deref(), args.max_bytes);
    let mut tally = Tally::default();
    let mut out = std::io::stdout().lock();
    for failure in &failures {
        tally.failed += 1;
        if args.json {
            writeln!(
                out,
                "{}",
                json!({"source": failure.source, "error": failure.message})
            )?;
        } else {
            writeln!(out, "failed     {}", failure.message)?;
        }
    }
    let bar = progress_bar(jobs.len(), args.json);
    let options = IngestOptions {
        provider: args.provider.clone(),
        api: args.api.clone(),
        version: args.version.clone(),
        read,
        threads: args.jobs,
        http_timeout: Some(Duration::from_secs(60)),
        published_by: None,
    };
    let mut write_error = None;
    // One document is one transaction: a new catalog file needs no
    // write-ahead log for it.
    let writes = if jobs.len() == 1 {
        Writes::One
    } else {
        Writes::Many
    };
    let ingested = ingest_all_opening(
        || specdex_store::open_catalog_for(location, writes),
        &jobs,
        &options,
        |result| {
            tally.bytes += result.bytes;
            match &result.outcome {
                Ok(ok) if ok.status == IngestStatus::New => {
                    tally.new += 1;
                    tally.new_apis += usize::from(ok.api_created);
                }
                Ok(_) => tally.unchanged += 1,
                Err(_) => tally.failed += 1,
            }
            let line = result_line(&result, args.json, args.warnings);
            let written = bar.suspend(|| writeln!(out, "{line}"));
            if let Err(e) = written {
                write_error.get_or_insert(e);
            }
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    ingested?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "ingested {} new ({} new APIs), {} unchanged, {} failed in {:.2} s ({:.1} MB/s)",
        tally.new,
        tally.new_apis,
        tally.unchanged,
        tally.failed,
        elapsed,
        tally.bytes as f64 / 1e6 / elapsed.max(1e-9),
    );
    Ok(if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn progress_bar(total: usize, json: bool) -> ProgressBar {
    if json || total < 2 || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} documents  {elapsed} (eta {eta})")
    {
        bar.set_style(style);
    }
    bar
}

fn result_line(result: &JobResult, json: bool, show_warnings: bool) -> String {
    match (&result.outcome, json) {
        (Ok(ok), true) => serde_json::to_string(&ok.line()).unwrap_or_default(),
        (Err(e), true) => json!({"source": result.source, "error": e.to_string()}).to_string(),
        (Ok(ok), false) => {
            let status = match ok.status {
                IngestStatus::New => "new",
                IngestStatus::Unchanged => "unchanged",
            };
            let mut line = format!(
                "{status:<10} {}{} {}  {} endpoints, {} schemas, {} warnings  (snapshot {})  {}",
                ok.api,
                if ok.api_created { " (new API)" } else { "" },
                ok.version,
                ok.endpoints,
                ok.schemas,
                ok.warnings.len(),
                ok.snapshot,
                ok.source
            );
            if show_warnings {
                for warning in &ok.warnings {
                    line.push_str(&format!("\n           warning: {warning}"));
                }
            }
            line
        }
        (Err(e), false) => format!("failed     {e}"),
    }
}
