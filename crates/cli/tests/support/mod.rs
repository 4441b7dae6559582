//! What several CLI test files need: a fresh PostgreSQL database, and an
//! origin server publishing a document the way spec hosts do (ETag,
//! `If-None-Match` → 304), whose answers the test changes as it goes.
// Each test file uses its own part of this.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use std::time::Instant;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

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
