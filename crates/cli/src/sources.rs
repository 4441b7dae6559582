//! `specdex sources` and `specdex sync`: URLs the catalog follows.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use specdex_ingest::{Checked, Due, SourceReport};
use specdex_query::Engine;
use specdex_store::SourceInfo;

use crate::keys::date;

/// Follow API specifications published at URLs.
///
/// A source is a URL one API is synced from. `specdex sync` (or
/// `specdex serve --sync`, in the background) checks each due source,
/// sending the ETag / Last-Modified of its last answer so an unchanged
/// document costs a 304; a changed document becomes a new snapshot with
/// its provenance (URL, fetch time, ETag, content hash) in the history. A
/// source that fails is retried after 1 min, 2, 4, … (never later than its
/// interval) and never stops the others.
///
/// Examples:
///   specdex sources add github/api https://raw.githubusercontent.com/github/rest-api-description/main/descriptions/api.github.com/api.github.com.json --every 1d
///   specdex sources list
///   specdex sync
///   specdex sources remove github/api
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct SourcesArgs {
    #[command(subcommand)]
    command: SourcesCommand,
}

#[derive(Subcommand)]
enum SourcesCommand {
    /// Follow a URL as the source of an API (replacing its source, if any).
    Add {
        /// The API its documents are editions of (provider/api); created at
        /// the first sync if new.
        api: String,
        /// An http:// or https:// URL of an OpenAPI or Swagger document.
        url: String,
        /// How often to check it: a number with s, m, h or d (at least 1m).
        #[arg(long, default_value = "6h", value_parser = parse_interval)]
        every: i64,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the sources: API, URL, interval, last checked, last changed,
    /// next check, last error.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop following an API's source (its snapshots stay).
    Remove {
        /// The API (provider/api).
        api: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Check the sources that are due and store what changed.
///
/// Prints one line per source checked (`--json`: one JSON object each).
/// Exits 1 if any source failed (each failure is recorded and retried
/// later); with several replicas on PostgreSQL, a sync already running
/// elsewhere makes this one do nothing and say so.
#[derive(Args)]
pub struct SyncArgs {
    /// Check every source now, due or not.
    #[arg(long)]
    all: bool,
    /// Print one JSON object per source checked.
    #[arg(long)]
    json: bool,
}

/// `6h`, `30m`, `1d`, `90s` as seconds.
pub fn parse_interval(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_seconds = match unit.trim() {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: write a number and s, m, h or d (`6h`)")),
    };
    number
        .parse::<i64>()
        .ok()
        .and_then(|n| n.checked_mul(unit_seconds))
        .filter(|&seconds| seconds > 0)
        .ok_or_else(|| format!("`{text}`: write a number and s, m, h or d (`6h`)"))
}

pub fn run(engine: &Engine, args: SourcesArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match args.command {
        SourcesCommand::Add {
            api,
            url,
            every,
            json,
        } => {
            let (source, created) = engine.add_source(&api, &url, every)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&source)?)?;
            } else {
                let verb = if created { "added" } else { "replaced" };
                writeln!(
                    out,
                    "{verb}  {} ← {} (every {}); `specdex sync` checks it now",
                    source.api,
                    source.url,
                    interval(source.every_seconds)
                )?;
            }
        }
        SourcesCommand::List { json } => {
            let sources = engine.sources()?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&sources)?)?;
            } else if sources.is_empty() {
                writeln!(
                    out,
                    "No sources yet: follow one with `specdex sources add API URL`."
                )?;
            } else {
                writeln!(
                    out,
                    "| API | URL | every | last checked | last changed | next check | last error |"
                )?;
                writeln!(out, "|---|---|---|---|---|---|---|")?;
                for source in &sources {
                    writeln!(out, "{}", row(source))?;
                }
            }
        }
        SourcesCommand::Remove { api, json } => {
            let removed = engine.remove_source(&api)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&removed)?)?;
            } else {
                writeln!(out, "removed  {} ← {}", removed.api, removed.url)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_sync(engine: &Engine, args: SyncArgs) -> Result<ExitCode> {
    let due = if args.all { Due::All } else { Due::Now };
    let mut failed = 0;
    let mut printing = Ok(());
    let checked = engine.sync(due, |report| {
        if matches!(report.checked, Checked::Failed { .. }) {
            failed += 1;
        }
        if printing.is_ok() {
            printing = print_report(report, args.json);
        }
    })?;
    printing?;
    let Some(checked) = checked else {
        bail!("another specdex is syncing this catalog now; nothing was checked");
    };
    if !args.json {
        eprintln!("{checked} sources checked, {failed} failed");
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_report(report: &SourceReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(report)?)?;
        return Ok(());
    }
    let api = &report.source.api;
    match &report.checked {
        Checked::Changed { snapshot } => writeln!(
            out,
            "new        {api}  {} (snapshot {}, {} endpoints)",
            snapshot.version, snapshot.snapshot, snapshot.endpoints
        )?,
        Checked::Unchanged { not_modified: true } => {
            writeln!(out, "unchanged  {api}  (304 Not Modified)")?
        }
        Checked::Unchanged {
            not_modified: false,
        } => writeln!(out, "unchanged  {api}  (same content)")?,
        Checked::Failed { error } => writeln!(
            out,
            "failed     {api}  {error}; retried after {}",
            date(Some(report.source.next_check_at))
        )?,
    }
    Ok(())
}

fn row(source: &SourceInfo) -> String {
    format!(
        "| {} | {} | {} | {} | {} | {} | {} |",
        source.api,
        source.url,
        interval(source.every_seconds),
        date(source.last_checked_at),
        date(source.last_changed_at),
        date(Some(source.next_check_at)),
        source.last_error.as_deref().map_or_else(
            || "-".to_owned(),
            |error| format!("{error} ({} in a row)", source.failures)
        ),
    )
}

/// `6h`, `1d`, `90s`: the largest unit that divides it.
fn interval(seconds: i64) -> String {
    [(86_400, "d"), (3600, "h"), (60, "m")]
        .into_iter()
        .find(|(unit, _)| seconds % unit == 0)
        .map_or_else(
            || format!("{seconds}s"),
            |(unit, name)| format!("{}{name}", seconds / unit),
        )
}

#[cfg(test)]
mod tests {
    use super::{interval, parse_interval};

    #[test]
    fn intervals_read_and_print_in_the_same_units() {
        for (text, seconds) in [("6h", 21_600), ("30m", 1800), ("1d", 86_400), ("90s", 90)] {
            assert_eq!(parse_interval(text), Ok(seconds));
        }
        assert_eq!(interval(21_600), "6h");
        assert_eq!(interval(90), "90s");
        for wrong in ["", "6", "h", "6 weeks", "-1h", "0h", "99999999999999999d"] {
            assert!(parse_interval(wrong).is_err(), "{wrong}");
        }
    }
}
