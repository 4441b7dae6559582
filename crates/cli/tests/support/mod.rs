//! What several CLI test files need: a fresh PostgreSQL database, and an
//! origin server publishing a document the way spec hosts do (ETag,
//! `If-None-Match` → 304), whose answers the test changes as it goes.
// Each test file uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

const TEST_PG_ENV: &str = "SPECDEX_TEST_PG";
const REQUIRE_PG_ENV: &str = "SPECDEX_REQUIRE_PG";
const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A fresh PostgreSQL database, dropped (with `FORCE`) when this is dropped.
pub struct Database {
    server: String,
    name: String,
    pub url: String,
}

impl Database {
    /// A new, empty database; `None` (after saying "skipped") when no
    /// server answers and none is required (`SPECDEX_REQUIRE_PG=1`).
    pub fn create() -> Result<Option<Database>, Box<dyn std::error::Error>> {
        let server = std::env::var(TEST_PG_ENV).unwrap_or_else(|_| DEFAULT_TEST_PG.to_owned());
        let mut config: postgres::Config = server.parse()?;
        config.connect_timeout(Duration::from_secs(3));
        let connected =
            config
                .connect(postgres::NoTls)
                .map_err(|e| match std::error::Error::source(&e) {
                    Some(source) => format!("{e}: {source}"),
                    None => e.to_string(),
                });
        let mut admin = match connected {
            Ok(client) => client,
            Err(e) if std::env::var(REQUIRE_PG_ENV).as_deref() == Ok("1") => {
                return Err(format!(
                    "PostgreSQL not reachable at {server} ({e}), and {REQUIRE_PG_ENV}=1 \
                     requires it; scripts/ensure-postgres starts the local server"
                )
                .into());
            }
            Err(e) => {
                eprintln!("skipped: PostgreSQL not reachable at {server} ({e})");
                return Ok(None);
            }
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "specdex_cli_{}_{nanos}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        let url = with_database(&server, &name)?;
        Ok(Some(Database { server, name, url }))
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let dropped = postgres::Client::connect(&self.server, postgres::NoTls).and_then(|mut c| {
            c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
        });
        if let Err(e) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

/// `server` (a URL) with its database replaced by `name`.
fn with_database(server: &str, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (scheme, rest) = server
        .split_once("://")
        .ok_or_else(|| format!("{TEST_PG_ENV} must be a postgres:// URL, not `{server}`"))?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |at| &tail[at..]);
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

/// What the origin answers next.
#[derive(Debug, Clone)]
pub enum Serving {
    /// 200 with this body and ETag; 304 to a matching `If-None-Match`.
    Document { body: String, etag: Option<String> },
    /// This status, no body.
    Status(u16),
}

/// A request the origin received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
    pub status: u16,
}

/// An HTTP origin on a loopback port, one thread, one request per
/// connection. Lives until the test process ends.
pub struct Origin {
    pub base: String,
    state: Arc<Mutex<(Serving, Vec<Seen>)>>,
}

impl Origin {
    pub fn start(serving: Serving) -> std::io::Result<Origin> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let base = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new((serving, Vec::new())));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // A broken exchange only fails the request it was.
                let _ = answer(stream, &shared);
            }
        });
        Ok(Origin { base, state })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn serve(&self, serving: Serving) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).0 = serving;
    }

    /// Every request so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .clone()
    }
}

fn answer(stream: TcpStream, state: &Mutex<(Serving, Vec<Seen>)>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_owned());
        }
    }
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    let (status, headers, body) = match &state.0 {
        Serving::Status(status) => (*status, String::new(), String::new()),
        Serving::Document { etag, .. } if etag.is_some() && *etag == if_none_match => {
            (304, String::new(), String::new())
        }
        Serving::Document { body, etag } => (
            200,
            etag.as_ref()
                .map_or_else(String::new, |etag| format!("ETag: {etag}\r\n")),
            body.clone(),
        ),
    };
    state.1.push(Seen {
        path,
        if_none_match,
        status,
    });
    drop(state);
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

/// One `specdex serve` process; killed (SIGKILL) and reaped when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    log: PathBuf,
}

impl Server {
    /// Starts `specdex --db DB serve` with `options` on a free loopback
    /// port and waits up to `patience` for `/healthz`.
    pub fn start(
        db: &str,
        dir: &Path,
        label: &str,
        options: &[&str],
        patience: Duration,
    ) -> Result<Server, Box<dyn std::error::Error>> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let log = dir.join(format!("server-{label}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_specdex"))
            .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(options)
            .env_remove("SPECDEX_DB")
            .env_remove("SPECDEX_ADDR")
            .env_remove("SPECDEX_REQUIRE_KEY")
            .env_remove("SPECDEX_ALLOWED_HOSTS")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let client = http_client()?;
        let deadline = Instant::now() + patience;
        loop {
            if let Some(status) = server.child.try_wait()? {
                return Err(format!(
                    "server {label} exited ({status}) before answering: {}",
                    server.log_text()
                )
                .into());
            }
            let healthy = client
                .get(server.url("/healthz"))
                .send()
                .is_ok_and(|r| r.status().is_success());
            if healthy {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "server {label} did not answer /healthz within {patience:?}: {}",
                    server.log_text()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP client with a 20 s timeout.
pub fn http_client() -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
}
