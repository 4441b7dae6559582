//! `specdex`: the command-line face of the catalog.
//!
//! Thin by design: parse arguments, open the store, ask the query engine,
//! print its markdown or JSON. Anything that decides what an answer is
//! belongs in a library crate.

mod ingest;
mod keys;
mod publish;
mod serve;
mod sources;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use specdex_query::check::PlannedCall;
use specdex_query::diff::Level;
use specdex_query::{CallQuery, ChangeQuery, Detail, DetailOptions, Engine, Query, Scope};

// Parsing a large specification makes millions of small allocations on
// several threads; mimalloc is faster at that than the system allocator and
// hands freed memory back, which keeps the peak of a bulk ingest down.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_destroy_on_exit` (its place in `mi_option_e`, the
/// same in mimalloc 2 and 3), which `libmimalloc-sys` does not name. At 2,
/// the exit handler returns at once instead of collecting every heap and
/// handing each arena's pages back to the kernel one `madvise` at a time:
/// work that the end of the process does anyway, and that interrupted the
/// thread still freeing the parsed document with TLB shootdowns. GitHub's
/// ingest took 5.1 ms less (paired median of 61, with the environment
/// variable) and 6.9 ms less wall, 7.0 ms less CPU with this call (81 pairs,
/// `scripts/bench-pair`).
const MI_OPTION_DESTROY_ON_EXIT: libmimalloc_sys::mi_option_t = 22;

/// Leaves the allocator's memory to the end of the process (see
/// [`MI_OPTION_DESTROY_ON_EXIT`]).
#[allow(unsafe_code)]
fn skip_allocator_teardown_at_exit() {
    // SAFETY: `mi_option_set` stores one value in mimalloc's option table and
    // takes no pointer; the option is read only by the exit handler.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_DESTROY_ON_EXIT, 2) };
}

/// A self-hosted catalog of API specifications for AI agents.
///
/// Ingest OpenAPI 3.x and Swagger 2.0 documents (JSON or YAML, single or
/// multi-file), keep every edition, and ask precise questions about them.
///
/// The catalog holds providers (`stripe`, `jumpcloud`), their APIs
/// (`jumpcloud/v2`, `jumpcloud/directory-insights`) and every edition of each
/// API. Wherever a command asks for an API, write `provider/api`, or just
/// the provider when it has one API.
///
/// Start with:
///   specdex ingest path/to/openapi.yaml
///   specdex apis
///   specdex search "create a payment intent"
///   specdex endpoint stripe/api "POST /v1/payment_intents"
///   specdex check stripe/api "POST /v1/payment_intents" --body body.txt
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
    /// List the providers in the catalog with their APIs.
    Providers {
        #[command(flatten)]
        page: Page,
        #[command(flatten)]
        output: Output,
    },
    /// List the APIs in the catalog, or one provider's, with their current
    /// version.
    Apis {
        /// Only this provider's APIs.
        provider: Option<String>,
        #[command(flatten)]
        page: Page,
        #[command(flatten)]
        output: Output,
    },
    /// Show the history of an API: every ingested edition, newest first.
    Versions {
        #[command(flatten)]
        api: ApiArg,
        #[command(flatten)]
        output: Output,
    },
    /// List an API's endpoints, optionally filtered.
    Endpoints {
        #[command(flatten)]
        api: ApiArg,
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
        #[command(flatten)]
        api: ApiArg,
        /// One or more endpoints as "METHOD /path" (quote each).
        #[arg(required = true, value_name = "METHOD /PATH")]
        endpoints: Vec<String>,
        /// `brief`: only what a call needs.
        #[arg(long, value_enum, default_value_t = DetailArg::Full)]
        detail: DetailArg,
        /// Token budget of the answer (200-20000; default 1200 per endpoint).
        #[arg(long, value_name = "N")]
        max_tokens: Option<usize>,
        /// Add the named schemas the endpoints use, each once.
        #[arg(long)]
        include_schemas: bool,
        /// Levels of $ref followed for --include-schemas (default 2).
        #[arg(long, value_name = "N", requires = "include_schemas")]
        schema_depth: Option<usize>,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    /// Show schemas by name, with $refs inlined to --depth levels.
    Schema {
        #[command(flatten)]
        api: ApiArg,
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
    /// Search APIs and endpoints across the catalog.
    ///
    /// Ask as you would ask a colleague: "send an SMS with Twilio", "list my
    /// S3 buckets", "remove a user from a group". Naming the vendor or
    /// product narrows the search to it; the verb chooses the method
    /// ("remove" → DELETE). APIs come first, then their endpoints, each
    /// naming its API (`provider/api`) for the next call: `specdex endpoint
    /// API "METHOD /path"`.
    ///
    /// Examples:
    ///   specdex search "send a transactional email through SendGrid"
    ///   specdex search "add an event to my Google Calendar" --scope endpoints
    ///   specdex search payments --scope apis --json
    #[command(verbatim_doc_comment)]
    Search {
        /// What you are looking for, in plain words.
        query: String,
        /// Search APIs, endpoints or both.
        #[arg(long, value_enum, default_value_t = ScopeArg::All)]
        scope: ScopeArg,
        /// Most results to show.
        #[arg(long)]
        limit: Option<usize>,
        #[command(flatten)]
        output: Output,
    },
    /// What changed between two editions of an API, breaking changes named.
    ///
    /// FROM and TO are version labels, snapshot ids (`#12` or `12`; labels
    /// can repeat, ids do not: `specdex versions API --json` shows them) or
    /// dates (`2025-06-30`: the edition current at the end of that day,
    /// UTC). Without them: the previous snapshot → the current one; with
    /// FROM only: FROM → the current one. Every change has a level
    /// (breaking, warning, info) and a stable rule id (docs/diff-rules.md).
    ///
    /// Exit status: 0, or 3 when --fail-on finds a change at that level or
    /// above (1 on errors), so CI can stop a release that breaks clients.
    ///
    /// Examples:
    ///   specdex diff stripe
    ///   specdex diff stripe 2023-08-16 2026-01-28.clover --breaking-only
    ///   specdex diff jumpcloud/v2 '#3' '#7' --endpoint "GET /systemusers"
    ///   specdex diff acme/users --fail-on breaking --json
    #[command(verbatim_doc_comment)]
    Diff {
        #[command(flatten)]
        api: ApiArg,
        /// The older edition (default: the snapshot before TO).
        from: Option<String>,
        /// The newer edition (default: the current snapshot).
        to: Option<String>,
        /// List only breaking changes (the counts still cover all).
        #[arg(long, conflicts_with = "level")]
        breaking_only: bool,
        /// List only changes at this level or above.
        #[arg(long, value_enum)]
        level: Option<LevelArg>,
        /// Only changes of this endpoint, as "METHOD /path"; repeat for several.
        #[arg(long = "endpoint", value_name = "METHOD /PATH")]
        endpoints: Vec<String>,
        /// Exit with status 3 when a change at this level or above is found
        /// (among the endpoints asked about, if any).
        #[arg(long, value_enum, value_name = "LEVEL")]
        fail_on: Option<LevelArg>,
        #[command(flatten)]
        page: Page,
        #[command(flatten)]
        output: Output,
    },
    /// Check a planned call against the spec before making it.
    ///
    /// The path is the concrete one you would call (a whole URL on the
    /// API's server works too); it is matched to its template. Every
    /// problem is named with where it is, what the spec wants and the fix:
    /// unknown paths (with the closest endpoints), wrong methods, missing or
    /// misplaced parameters, values that break their schema, a body in the
    /// wrong content type, unknown, missing or read-only fields, missing
    /// credentials (never their values).
    ///
    /// Exit status: 0 when the call is ok (warnings allowed), 3 when a
    /// problem is an error, 1 when the check itself fails.
    ///
    /// Examples:
    ///   specdex check github "GET /repos/octocat/hello/pulls?state=open"
    ///   specdex check stripe "POST /v1/payment_intents" --body - \
    ///       --content-type application/x-www-form-urlencoded <<< 'amount=2000&currency=usd'
    ///   specdex check jumpcloud/v2 "POST /usergroups" --header x-api-key=KEY --body group.json
    #[command(verbatim_doc_comment)]
    Check {
        #[command(flatten)]
        api: ApiArg,
        /// The call, as "METHOD /concrete/path" (quote it).
        #[arg(value_name = "METHOD /PATH")]
        call: String,
        /// A query parameter as name=value; repeat for several (a name may repeat).
        #[arg(long = "query", value_name = "NAME=VALUE", value_parser = pair)]
        query: Vec<(String, String)>,
        /// A header as name=value (or "Name: value"); repeat for several.
        #[arg(long = "header", value_name = "NAME=VALUE", value_parser = pair)]
        headers: Vec<(String, String)>,
        /// A cookie as name=value; repeat for several.
        #[arg(long = "cookie", value_name = "NAME=VALUE", value_parser = pair)]
        cookies: Vec<(String, String)>,
        /// The request body: a file, or - for standard input.
        #[arg(long, value_name = "FILE|-")]
        body: Option<PathBuf>,
        /// The body's media type (default: the Content-Type header, else
        /// JSON when the body parses as JSON, else a form).
        #[arg(long, value_name = "TYPE")]
        content_type: Option<String>,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    /// A short overview of an API: purpose, base URL, auth, endpoint groups.
    Summary {
        #[command(flatten)]
        api: ApiArg,
        #[command(flatten)]
        edition: Edition,
        #[command(flatten)]
        output: Output,
    },
    Serve(serve::ServeArgs),
    Keys(keys::KeysArgs),
    Publish(publish::PublishArgs),
    Sources(sources::SourcesArgs),
    Sync(sources::SyncArgs),
    /// Speak MCP on stdin/stdout (for agents that launch specdex themselves;
    /// logs go to stderr).
    Mcp,
    /// Print an API's document exactly as it was ingested.
    Spec {
        #[command(flatten)]
        api: ApiArg,
        #[command(flatten)]
        edition: Edition,
    },
    /// Remove one snapshot of an API (--version or --snapshot), or the whole
    /// API with its history. The next newest snapshot becomes current.
    ///
    /// Examples:
    ///   specdex remove jumpcloud/v2 --version 2.0     (the newest "2.0")
    ///   specdex remove jumpcloud/v2 --snapshot 12
    ///   specdex remove example/users                  (every snapshot)
    Remove {
        #[command(flatten)]
        api: ApiArg,
        #[command(flatten)]
        which: WhichSnapshot,
        #[command(flatten)]
        output: Output,
    },
    /// Move a snapshot to another API, when ingest placed it in the wrong
    /// history. The API moved to is created if needed; both APIs' current
    /// snapshots are recomputed (the newest ingested is current).
    ///
    /// Examples:
    ///   specdex move acme/api --to acme/billing              (the current snapshot)
    ///   specdex move acme/api --snapshot 7 --to acme/users
    Move {
        #[command(flatten)]
        api: ApiArg,
        #[command(flatten)]
        which: WhichSnapshot,
        /// The API to move it to, as provider/api.
        #[arg(long, value_name = "PROVIDER/API")]
        to: String,
        #[command(flatten)]
        output: Output,
    },
}

#[derive(Args)]
struct ApiArg {
    /// The API, as `provider/api` (`specdex apis` lists them), or a provider
    /// that has one API.
    #[arg(value_name = "API")]
    api: String,
}

#[derive(Args)]
struct WhichSnapshot {
    /// The snapshot with this version label (the newest of several).
    #[arg(long, value_name = "LABEL", conflicts_with = "snapshot")]
    version: Option<String>,
    /// The snapshot with this id (`specdex versions API --json` shows ids).
    #[arg(long, value_name = "ID")]
    snapshot: Option<i64>,
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
enum LevelArg {
    Breaking,
    Warning,
    Info,
}

impl From<LevelArg> for Level {
    fn from(level: LevelArg) -> Level {
        match level {
            LevelArg::Breaking => Level::Breaking,
            LevelArg::Warning => Level::Warning,
            LevelArg::Info => Level::Info,
        }
    }
}

/// How much of each endpoint `specdex endpoint` shows.
#[derive(Clone, Copy, ValueEnum)]
enum DetailArg {
    Brief,
    Full,
}

/// Exit status of `specdex diff --fail-on` when it finds such a change, and
/// of `specdex check` when the call has an error.
const FOUND_AT_LEVEL: u8 = 3;

/// `name=value`, or a header written `Name: value`.
fn pair(text: &str) -> Result<(String, String), String> {
    let split = match (text.find('='), text.find(':')) {
        (Some(eq), Some(colon)) => Some(eq.min(colon)),
        (Some(i), None) | (None, Some(i)) => Some(i),
        (None, None) => None,
    };
    match split {
        Some(i) if i > 0 => Ok((text[..i].trim().to_owned(), text[i + 1..].trim().to_owned())),
        _ => Err(format!("expected NAME=VALUE, got {text:?}")),
    }
}

/// The body of `specdex check --body`: a file's text, or standard input's.
fn read_body(path: &Path) -> Result<String> {
    let bytes = if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes)?;
        bytes
    } else {
        std::fs::read(path).with_context(|| format!("reading the body from {}", path.display()))?
    };
    String::from_utf8(bytes).context("the body must be UTF-8 text (JSON or a form)")
}

#[derive(Clone, Copy, ValueEnum)]
enum ScopeArg {
    #[value(alias = "providers")]
    Apis,
    Endpoints,
    All,
}

impl From<ScopeArg> for Scope {
    fn from(scope: ScopeArg) -> Scope {
        match scope {
            ScopeArg::Apis => Scope::Apis,
            ScopeArg::Endpoints => Scope::Endpoints,
            ScopeArg::All => Scope::All,
        }
    }
}

impl From<DetailArg> for Detail {
    fn from(detail: DetailArg) -> Detail {
        match detail {
            DetailArg::Brief => Detail::Brief,
            DetailArg::Full => Detail::Full,
        }
    }
}

fn main() -> ExitCode {
    // No transparent huge pages: mimalloc asks for them, and on a system that
    // grants them a read of GitHub's spec touched 115 MB instead of 85 and
    // spent a varying share of its time in the kernel (0.03 to 0.5 s)
    // clearing 2 MB pages. Refused on kernels without the switch: then
    // nothing changes.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    skip_allocator_teardown_at_exit();
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
    // Publishing talks to a server, not to a catalog.
    let command = match cli.command {
        Command::Publish(args) => return publish::run(args),
        command => command,
    };
    // The store's errors name the location with any password removed, so
    // they are not wrapped with the raw --db value here.
    let location = cli
        .db
        .to_str()
        .context("--db must be valid UTF-8 (a file path or a postgres:// URL)")?;
    let command = match command {
        // Ingesting opens the catalog while it reads.
        Command::Ingest(args) => return ingest::run(location, args),
        command => command,
    };
    let catalog = specdex_store::open_catalog(location)?;
    let (query, output) = match command {
        Command::Publish(_) | Command::Ingest(_) => {
            unreachable!("answered before the catalog is opened")
        }
        Command::Keys(args) => return keys::run(&Engine::new(catalog)?, args),
        Command::Sources(args) => return sources::run(&Engine::new(catalog)?, args),
        Command::Sync(args) => return sources::run_sync(&Engine::new(catalog)?, args),
        Command::Serve(args) => return serve::run(catalog, args),
        Command::Mcp => return serve::run_stdio(catalog),
        Command::Spec { api, edition } => {
            let engine = Engine::new(catalog)?;
            let (_, bytes) = engine.document(&api.api, edition.version.as_deref())?;
            std::io::stdout().lock().write_all(&bytes)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Remove { api, which, output } => {
            let engine = Engine::new(catalog)?;
            let removed = engine.remove(&api.api, which.version.as_deref(), which.snapshot)?;
            return print_snapshots("removed", &removed, output.json);
        }
        Command::Move {
            api,
            which,
            to,
            output,
        } => {
            let engine = Engine::new(catalog)?;
            let moved =
                engine.move_snapshot(&api.api, which.version.as_deref(), which.snapshot, &to)?;
            return print_snapshots("moved", std::slice::from_ref(&moved), output.json);
        }
        Command::Diff {
            api,
            from,
            to,
            breaking_only,
            level,
            endpoints,
            fail_on,
            page,
            output,
        } => {
            let level = if breaking_only {
                Some(Level::Breaking)
            } else {
                level.map(Level::from)
            };
            let question = ChangeQuery {
                api: api.api,
                from,
                to,
                level,
                endpoints,
                limit: page.limit,
                cursor: page.cursor,
            };
            let engine = Engine::new(catalog)?;
            let changes = engine.changes(&question)?;
            let mut out = std::io::stdout().lock();
            if output.json {
                writeln!(out, "{}", serde_json::to_string(&changes)?)?;
            } else {
                write!(out, "{}", specdex_query::markdown::changes(&changes))?;
            }
            let found = fail_on.is_some_and(|at| changes.summary.at_or_above(at.into()) > 0);
            return Ok(if found {
                ExitCode::from(FOUND_AT_LEVEL)
            } else {
                ExitCode::SUCCESS
            });
        }
        Command::Check {
            api,
            call,
            query,
            headers,
            cookies,
            body,
            content_type,
            edition,
            output,
        } => {
            let (method, path) = call
                .trim()
                .split_once(char::is_whitespace)
                .context("give the call as \"METHOD /path\", e.g. \"GET /users/42\"")?;
            let question = CallQuery {
                api: api.api,
                version: edition.version,
                call: PlannedCall {
                    method: method.to_owned(),
                    path: path.trim().to_owned(),
                    query,
                    headers,
                    cookies,
                    body: body.as_deref().map(read_body).transpose()?,
                    content_type,
                },
            };
            let engine = Engine::new(catalog)?;
            let answer = engine.check(&question)?;
            let mut out = std::io::stdout().lock();
            if output.json {
                writeln!(out, "{}", serde_json::to_string(&answer)?)?;
            } else {
                write!(out, "{}", specdex_query::markdown::check(&answer))?;
            }
            return Ok(if answer.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(FOUND_AT_LEVEL)
            });
        }
        Command::Providers { page, output } => (
            Query::Providers {
                limit: page.limit,
                cursor: page.cursor,
            },
            output,
        ),
        Command::Apis {
            provider,
            page,
            output,
        } => (
            Query::Apis {
                provider,
                limit: page.limit,
                cursor: page.cursor,
            },
            output,
        ),
        Command::Versions { api, output } => (Query::Versions { api: api.api }, output),
        Command::Endpoints {
            api,
            method,
            tag,
            query,
            page,
            edition,
            output,
        } => (
            Query::Endpoints {
                api: api.api,
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
            api,
            endpoints,
            detail,
            max_tokens,
            include_schemas,
            schema_depth,
            edition,
            output,
        } => (
            Query::EndpointDetails {
                api: api.api,
                version: edition.version,
                endpoints,
                options: DetailOptions {
                    detail: detail.into(),
                    max_tokens,
                    include_schemas,
                    schema_depth,
                },
            },
            output,
        ),
        Command::Schema {
            api,
            names,
            depth,
            edition,
            output,
        } => (
            Query::Schemas {
                api: api.api,
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
            api,
            edition,
            output,
        } => (
            Query::Summary {
                api: api.api,
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

/// One line per snapshot removed or moved, or a JSON array of them.
fn print_snapshots(
    what: &str,
    snapshots: &[specdex_store::SnapshotInfo],
    json: bool,
) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(snapshots)?)?;
    } else {
        for s in snapshots {
            writeln!(
                out,
                "{what} snapshot {} of {} (version {}, {} endpoints, {})",
                s.id,
                s.api,
                s.version,
                s.endpoints,
                s.status.as_str()
            )?;
        }
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
