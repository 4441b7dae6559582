//! `specdex keys`: the API keys a server accepts.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use specdex_query::Engine;
use specdex_store::{KeyInfo, KeyScope};

/// Make, list and revoke the API keys `specdex serve` accepts.
///
/// A key is shown once, when it is made; the catalog keeps only its hash.
/// Keys live in the catalog, so every server over it (every replica on
/// PostgreSQL) knows a new key at once and refuses a revoked one within a
/// second.
///
/// Scopes: `read` (reads, needed only when the server runs with
/// --require-key), `publish` (also publish snapshots: POST
/// /v1/apis/{provider}/{api}/snapshots, `specdex publish`), `admin`
/// (everything). `--api` restricts a publish key to those APIs.
///
/// Examples:
///   specdex keys create --name ci-stripe --scope publish --api stripe/api
///   specdex keys create --name agents --scope read --json
///   specdex keys list
///   specdex keys revoke ci-stripe
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a key and print it (once: only its hash is kept).
    Create {
        /// A name for the key (lower-case letters, digits, `.`, `-`, `_`),
        /// recorded on what it publishes; never reused.
        #[arg(long)]
        name: String,
        /// What the key may do.
        #[arg(long, value_enum)]
        scope: ScopeArg,
        /// Restrict publishing to this API (provider/api); repeat for more.
        /// Without it, a publish key may publish any API.
        #[arg(long = "api", value_name = "PROVIDER/API")]
        apis: Vec<String>,
        /// Print JSON (the key in the field `key`).
        #[arg(long)]
        json: bool,
    },
    /// List the keys: name, scope, APIs, created, last used, uses, revoked.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a key: every server refuses it within a second.
    Revoke {
        /// The key's name.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ScopeArg {
    Read,
    Publish,
    Admin,
}

impl From<ScopeArg> for KeyScope {
    fn from(scope: ScopeArg) -> KeyScope {
        match scope {
            ScopeArg::Read => KeyScope::Read,
            ScopeArg::Publish => KeyScope::Publish,
            ScopeArg::Admin => KeyScope::Admin,
        }
    }
}

pub fn run(engine: &Engine, args: KeysArgs) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match args.command {
        KeysCommand::Create {
            name,
            scope,
            apis,
            json,
        } => {
            let created = engine.create_key(&name, scope.into(), &apis)?;
            if json {
                let mut value = serde_json::to_value(&created.info)?;
                value["key"] = created.key.into();
                writeln!(out, "{value}")?;
            } else {
                writeln!(out, "{}", created.key)?;
                eprintln!(
                    "key `{}` ({}) made; it is shown only this once: keep it in a secret store",
                    created.info.name,
                    describe(&created.info)
                );
            }
        }
        KeysCommand::List { json } => {
            let keys = engine.keys()?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&keys)?)?;
            } else if keys.is_empty() {
                writeln!(out, "No keys yet: make one with `specdex keys create`.")?;
            } else {
                writeln!(
                    out,
                    "| name | scope | created | last used | uses | revoked |"
                )?;
                writeln!(out, "|---|---|---|---|---|---|")?;
                for key in &keys {
                    writeln!(
                        out,
                        "| {} | {} | {} | {} | {} | {} |",
                        key.name,
                        describe(key),
                        date(Some(key.created_at)),
                        date(key.last_used_at),
                        key.uses,
                        date(key.revoked_at),
                    )?;
                }
            }
        }
        KeysCommand::Revoke { name, json } => {
            let revoked = engine.revoke_key(&name)?;
            if json {
                writeln!(out, "{}", serde_json::to_string(&revoked)?)?;
            } else {
                writeln!(out, "revoked    {}", revoked.name)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `publish (stripe/api)`, `read`.
fn describe(key: &KeyInfo) -> String {
    if key.apis.is_empty() {
        key.scope.as_str().to_owned()
    } else {
        format!("{} ({})", key.scope.as_str(), key.apis.join(", "))
    }
}

/// A UTC date and time, or `-`.
pub fn date(unix: Option<i64>) -> String {
    unix.map_or_else(|| "-".to_owned(), specdex_query::markdown::utc_minute)
}
