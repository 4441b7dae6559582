//! `specdex`: the command-line face of the catalog.
//!
//! Thin by design: parse arguments, open the store, call the library crates,
//! print. Anything that decides what an answer is belongs in a library.

mod ingest;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use specdex_store::{Catalog, SqliteCatalog};

// Parsing a large specification makes millions of small allocations on
// several threads; mimalloc is faster at that than the system allocator and
// hands freed memory back, which keeps the peak of a bulk ingest down.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A self-hosted catalog of API specifications for AI agents.
///
/// Ingest OpenAPI 3.x and Swagger 2.0 documents (JSON or YAML, single or
/// multi-file), keep every edition, and ask precise questions about them.
///
/// Start with:  specdex ingest path/to/openapi.yaml && specdex providers
#[derive(Parser)]
#[command(name = "specdex", version)]
struct Cli {
    /// The catalog database (SQLite file; created if missing).
    #[arg(long, global = true, env = "SPECDEX_DB", default_value = "specdex.db")]
    db: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Ingest(ingest::IngestArgs),
    /// List the providers in the catalog with their current version.
    Providers {
        /// Print JSON instead of a markdown table.
        #[arg(long)]
        json: bool,
    },
    /// Show the history of a provider: every ingested edition, newest first.
    Versions {
        /// Provider slug, as `specdex providers` lists it.
        provider: String,
        /// Print JSON instead of a markdown table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SPECDEX_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let catalog = SqliteCatalog::open(&cli.db)
        .with_context(|| format!("opening the catalog {}", cli.db.display()))?;
    match cli.command {
        Command::Ingest(args) => ingest::run(&catalog, args),
        Command::Providers { json } => {
            let providers = catalog.providers()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&providers)?);
            } else {
                print!("{}", render::providers_table(&providers));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Versions { provider, json } => {
            let versions = catalog.versions(&provider)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&versions)?);
            } else {
                print!("{}", render::versions_table(&provider, &versions));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
