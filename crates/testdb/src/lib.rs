//! A fresh PostgreSQL database for a test, for every crate whose tests run
//! against PostgreSQL (the store's, the CLI's).
//!
//! The server is `SPECDEX_TEST_PG` (a `postgres://` URL; the local server's
//! maintenance database by default). When it does not answer, a test says
//! "skipped" and passes — unless `SPECDEX_REQUIRE_PG=1` (as CI sets it), when
//! that is an error naming the script that starts the server. Each database
//! has a name of its own (process, time, counter), so tests and test binaries
//! run in parallel, and is dropped with the [`TestDatabase`].

use std::error::Error;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The variable naming the server tests use.
pub const TEST_PG_ENV: &str = "SPECDEX_TEST_PG";
/// Set to `1`, an unreachable server fails tests instead of skipping them.
pub const REQUIRE_PG_ENV: &str = "SPECDEX_REQUIRE_PG";
const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A new, empty PostgreSQL database, dropped (`WITH (FORCE)`: a catalog
/// the test leaked may still hold connections) when this is dropped.
pub struct TestDatabase {
    /// The maintenance database's URL, to drop this one from.
    server: String,
    name: String,
    url: String,
}

impl TestDatabase {
    /// A new database named `{prefix}_{process}_{nanos}_{counter}`; `None`
    /// (after saying "skipped") when no server answers and none is
    /// required.
    pub fn create(prefix: &str) -> Result<Option<TestDatabase>, Box<dyn Error>> {
        let Some(server) = server()? else {
            return Ok(None);
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "{prefix}_{}_{nanos}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = postgres::Client::connect(&server, postgres::NoTls)?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = with_database(&server, &name)?;
        Ok(Some(TestDatabase { server, name, url }))
    }

    /// The database's URL, what `--db` takes.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = &self.name;
        let dropped = postgres::Client::connect(&self.server, postgres::NoTls).and_then(|mut c| {
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {name}: {e}");
        }
    }
}

/// The test server's URL if it answers; `None` (after saying so) if it does
/// not and [`REQUIRE_PG_ENV`] is not set. Asked once per test binary.
fn server() -> Result<Option<String>, Box<dyn Error>> {
    static REACHABLE: OnceLock<Result<String, String>> = OnceLock::new();
    let server = std::env::var(TEST_PG_ENV).unwrap_or_else(|_| DEFAULT_TEST_PG.to_owned());
    let reachable = REACHABLE.get_or_init(|| {
        let mut config: postgres::Config = server.parse().map_err(|e| format!("{e}"))?;
        config.connect_timeout(Duration::from_secs(3));
        config
            .connect(postgres::NoTls)
            .map(|_| server.clone())
            .map_err(|e| match Error::source(&e) {
                Some(source) => format!("{e}: {source}"),
                None => e.to_string(),
            })
    });
    match reachable {
        Ok(server) => Ok(Some(server.clone())),
        Err(why) if std::env::var(REQUIRE_PG_ENV).as_deref() == Ok("1") => Err(format!(
            "PostgreSQL not reachable at {server} ({why}), and {REQUIRE_PG_ENV}=1 requires it; \
             scripts/ensure-postgres starts the local server"
        )
        .into()),
        Err(why) => {
            eprintln!("skipped: PostgreSQL not reachable at {server} ({why})");
            Ok(None)
        }
    }
}

/// `server` (a URL) with its database replaced by `name`.
fn with_database(server: &str, name: &str) -> Result<String, Box<dyn Error>> {
    let (scheme, rest) = server
        .split_once("://")
        .ok_or_else(|| format!("{TEST_PG_ENV} must be a postgres:// URL, not `{server}`"))?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |at| &tail[at..]);
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_replaces_the_servers_and_keeps_its_options() {
        let url = |server| with_database(server, "t1").unwrap_or_default();
        assert_eq!(
            url("postgres://u@h:5432/postgres"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(url("postgres://u@h"), "postgres://u@h/t1");
        assert_eq!(
            url("postgresql://u@h/postgres?sslmode=disable"),
            "postgresql://u@h/t1?sslmode=disable"
        );
        assert!(with_database("u@h/postgres", "t1").is_err());
    }
}
