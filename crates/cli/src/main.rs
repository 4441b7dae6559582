//! `specdex`: the command-line face of the catalog.
//!
//! Thin by design: parse arguments, open the store, ask the query engine,
//! print its markdown or JSON. Anything that decides what an answer is
//! belongs in a library crate.

mod ingest;
mod serve;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use specdex_query::{Engine, Query, Scope};

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
/// Start with:
///   specdex ingest path/to/openapi.yaml
///   specdex search "create a payment intent"
///   specdex endpoint stripe "POST /v1/payment_intents"
#[derive(Parser)]
#[command(name = "specdex", version)]
struct Cli {
    /// The catalog: an SQLite file (created if missing) or a PostgreSQL URL
    /// (postgres://user@host/db; shared by several `specdex serve` replicas).
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
        #[command(flatten)]
        page: Page,
        #[command(flatten)]
        output: Output,
    },
    /// Show the history of a provider: every ingested edition, newest first.
    Versions {
        /// Provider slug, as `specdex providers` lists it.
        provider: String,
        #[command(flatten)]
        output: Output,
    },
    /// List a provider's endpoints, optionally filtered.
    Endpoints {
        /// Provider slug.
        provider: String,
        /// Only this HTTP method (GET, POST, ...).
        #[arg(long)]
        method: Option<String>,
        /// Only endpoints with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only endpoints whose path, summary or operationId contain every word.
        #[arg(long)]
        query: Option<String>,
        #[command(flatten)]
        page: Page,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    /// Show endpoints in full: parameters, body, responses, auth, a curl example.
    Endpoint {
        /// Provider slug.
        provider: String,
        /// One or more endpoints as "METHOD /path" (quote each).
        #[arg(required = true, value_name = "METHOD /PATH")]
        endpoints: Vec<String>,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    /// Show schemas by name, with $refs inlined to --depth levels.
    Schema {
        /// Provider slug.
        provider: String,
        /// One or more schema names.
        #[arg(required = true)]
        names: Vec<String>,
        /// Levels of $ref to inline (0 keeps references as names).
        #[arg(long, default_value_t = 0)]
        depth: usize,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    /// Search providers and endpoints across the catalog.
    Search {
        /// What you are looking for, in plain words.
        query: String,
        /// Search providers, endpoints or both.
        #[arg(long, value_enum, default_value_t = ScopeArg::All)]
        scope: ScopeArg,
        /// Most results to show.
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        output: Output,
    },
    /// A short overview of an API: purpose, base URL, auth, endpoint groups.
    Summary {
        /// Provider slug.
        provider: String,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    Serve(serve::ServeArgs),
    /// Speak MCP on stdin/stdout (for agents that launch specdex themselves;
    /// logs go to stderr).
    Mcp,
    /// Print a provider's document exactly as it was ingested.
    Spec {
        /// Provider slug.
        provider: String,
        #[command(flatten)]
        edition: Edition,
    },
}

#[derive(Args)]
struct Output {
    /// Print JSON instead of markdown.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct Edition {
    /// Ask about this version label instead of the current snapshot.
    #[arg(long, value_name = "LABEL")]
    version: Option<String>,
}

#[derive(Args)]
struct Page {
    /// Most items per page.
    #[arg(long)]
    limit: Option<usize>,
    /// Continue from a previous page (the cursor it printed).
    #[arg(long)]
    cursor: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScopeArg {
    Providers,
    Endpoints,
    All,
}

impl From<ScopeArg> for Scope {
    fn from(scope: ScopeArg) -> Scope {
        match scope {
            ScopeArg::Providers => Scope::Providers,
            ScopeArg::Endpoints => Scope::Endpoints,
            ScopeArg::All => Scope::All,
        }
    }
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
    // The store's errors name the location with any password removed, so
    // they are not wrapped with the raw --db value here.
    let location = cli
        .db
        .to_str()
        .context("--db must be valid UTF-8 (a file path or a postgres:// URL)")?;
    let catalog = specdex_store::open_catalog(location)?;
    let (query, output) = match cli.command {
        Command::Ingest(args) => return ingest::run(catalog.as_ref(), args),
        Command::Serve(args) => return serve::run(catalog, args),
        Command::Mcp => return serve::run_stdio(catalog),
        Command::Spec { provider, edition } => {
            let engine = Engine::new(catalog)?;
            let (_, bytes) = engine.document(&provider, edition.version.as_deref())?;
            std::io::stdout().lock().write_all(&bytes)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Providers { page, output } => (
            Query::Providers {
                limit: page.limit,
                cursor: page.cursor,
            },
            output,
        ),
        Command::Versions { provider, output } => (Query::Versions { provider }, output),
        Command::Endpoints {
            provider,
            method,
            tag,
            query,
            page,
            edition,
            output,
        } => (
            Query::Endpoints {
                provider,
                version: edition.version,
                method,
                tag,
                text: query,
                limit: page.limit,
                cursor: page.cursor,
            },
            output,
        ),
        Command::Endpoint {
            provider,
            endpoints,
            edition,
            output,
        } => (
            Query::EndpointDetails {
                provider,
                version: edition.version,
                endpoints,
            },
            output,
        ),
        Command::Schema {
            provider,
            names,
            depth,
            edition,
            output,
        } => (
            Query::Schemas {
                provider,
                version: edition.version,
                names,
                depth: Some(depth),
            },
            output,
        ),
        Command::Search {
            query,
            scope,
            limit,
            output,
        } => (
            Query::Search {
                query,
                scope: Some(scope.into()),
                limit,
            },
            output,
        ),
        Command::Summary {
            provider,
            edition,
            output,
        } => (
            Query::Summary {
                provider,
                version: edition.version,
            },
            output,
        ),
    };
    let engine = Engine::new(catalog)?;
    let answer = engine.answer(&query)?;
    let mut out = std::io::stdout().lock();
    if output.json {
        writeln!(out, "{}", answer.json)?;
    } else {
        write!(out, "{}", answer.markdown)?;
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
