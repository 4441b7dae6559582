//! Kill and restart under load (issue 14, item 6): a `specdex serve` answering
//! REST reads on several threads is killed with SIGKILL while a bulk ingest
//! (a separate `specdex ingest` process, itself killed mid-batch) and a run
//! of publishes over HTTP are in flight; a new server on the same SQLite
//! catalog must open, answer, and hold every snapshot that was reported done
//! before the kill: each publish answered 201 or 200, each line the ingest
//! printed with `--json`.
//!
//! The load comes from threads of this test doing REST reads over keep-alive
//! connections (the wrk scripts of `scripts/bench-rest` need a tool CI does
//! not have). The documents are generated here, so the test never skips.
//! `Child::kill` sends SIGKILL on Unix: no process gets to clean up, which is
//! the point. Nothing waits on fixed delays: every step polls for what it
//! needs, with generous deadlines, so a loaded 2-core machine only makes it
//! slower.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::Server;

mod support;

type TestResult = Result<(), Box<dyn std::error::Error>>;
type Error = Box<dyn std::error::Error>;

/// Documents in the killed batch: far more than get stored before the kill.
const BATCH: usize = 300;
/// Paths per batch document (each with a GET and a POST).
const BATCH_PATHS: usize = 120;
/// Paths of the API the load reads.
const SEED_PATHS: usize = 300;
/// Reader threads putting load on the server.
const LOAD_THREADS: usize = 4;
/// The ingest starts after this many reads and a publish; the kill comes
/// after this many ingest lines and publishes.
const WANT_READS: usize = 200;
const WANT_LINES: usize = 8;
const WANT_PUBLISHED: usize = 3;
/// How long any one step may take on a slow machine before the test gives up.
const PATIENCE: Duration = Duration::from_secs(120);

/// `specdex` with `--db` and no environment that could redirect it.
fn specdex(db: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_specdex"));
    command
        .arg("--db")
        .arg(db)
        .env_remove("SPECDEX_DB")
        .env_remove("SPECDEX_ADDR")
        .env_remove("SPECDEX_REQUIRE_KEY")
        .env_remove("SPECDEX_ALLOWED_HOSTS");
    command
}

/// Runs `specdex --db DB ARGS…` to the end; its standard output.
fn run(db: &Path, args: &[&str]) -> Result<String, Error> {
    let out = specdex(db).args(args).output()?;
    if !out.status.success() {
        return Err(format!(
            "specdex {args:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// A real-looking OpenAPI 3.0 document: `paths` resources under
/// `https://api.{slug}.com/v1`, each with a GET (path parameter, query
/// parameters) and a POST (JSON body), sharing component schemas, one of
/// them recursive. `edition` goes into the version and the descriptions, so
/// each edition is new content.
fn openapi(slug: &str, title: &str, edition: usize, paths: usize) -> Value {
    let mut items = serde_json::Map::new();
    for i in 0..paths {
        let noun = ["invoice", "customer", "order", "shipment", "refund"][i % 5];
        items.insert(
            format!("/{noun}s{i}/{{id}}"),
            json!({
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "get": {
                    "operationId": format!("get{noun}{i}"),
                    "summary": format!("Retrieve the {noun} number {i}"),
                    "description": format!("Returns one {noun} (edition {edition})."),
                    "tags": [noun],
                    "parameters": [
                        {"name": "expand", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}
                    ],
                    "responses": {
                        "200": {"description": "The object.", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Resource"}}}},
                        "404": {"description": "No such object.", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}}}
                    }
                },
                "post": {
                    "operationId": format!("update{noun}{i}"),
                    "summary": format!("Update the {noun} number {i}"),
                    "tags": [noun],
                    "requestBody": {"required": true, "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Resource"}}}},
                    "responses": {"200": {"description": "Updated.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Resource"}}}}}
                }
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": title, "version": format!("{edition}.0"),
                 "description": format!("The {title} API, edition {edition}.")},
        "servers": [{"url": format!("https://api.{slug}.com/v1")}],
        "security": [{"bearer": []}],
        "paths": items,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Resource": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"},
                    "amount": {"type": "integer", "format": "int64"},
                    "status": {"type": "string", "enum": ["open", "paid", "void"]},
                    "parent": {"$ref": "#/components/schemas/Resource"},
                    "metadata": {"type": "object", "additionalProperties": {"type": "string"}}
                }},
                "Error": {"type": "object", "properties": {
                    "code": {"type": "string"}, "message": {"type": "string"}}}
            }
        }
    })
}

fn write_json(path: &Path, doc: &Value) -> Result<PathBuf, Error> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, serde_json::to_vec_pretty(doc)?)?;
    Ok(path.to_path_buf())
}

/// A path as `--db` takes it.
fn utf8(path: &Path) -> Result<&str, Error> {
    Ok(path.to_str().ok_or("the catalog's path is not UTF-8")?)
}

fn http_client() -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
}

/// GET `url`: the status and the JSON body (`Null` if it is not JSON).
fn get(client: &reqwest::blocking::Client, url: &str) -> reqwest::Result<(u16, Value)> {
    let reply = client.get(url).send()?;
    let status = reply.status().as_u16();
    let text = reply.text()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// The REST reads the load cycles through: an API, a listing, endpoint
/// detail with schemas, schemas, the history, search, the web API page.
fn load_paths() -> Vec<String> {
    let detail = "e=GET%20/orders2/%7Bid%7D&e=POST%20/invoices0/%7Bid%7D&include_schemas=true";
    vec![
        "/v1/apis/seed/v1".to_owned(),
        "/v1/apis/seed/v1/endpoints?limit=50&method=get".to_owned(),
        format!("/v1/apis/seed/v1/endpoints/detail?{detail}"),
        "/v1/apis/seed/v1/schemas?names=Resource&depth=2".to_owned(),
        "/v1/apis/seed/v1/versions".to_owned(),
        "/v1/search?q=retrieve+an+invoice&limit=10".to_owned(),
        "/v1/providers?limit=20".to_owned(),
        "/v1/apis/seed/v1?format=md".to_owned(),
    ]
}

/// What the readers saw: answers by class, and the first unexpected one.
#[derive(Default)]
struct LoadCounts {
    ok: AtomicUsize,
    /// 429 (a rate limit) is an answer too, but not a success.
    limited: AtomicUsize,
    /// Transport errors: expected from the kill on.
    failed: AtomicUsize,
    unexpected: Mutex<Option<String>>,
}

/// Each reader loops over [`load_paths`] until `stop`; a status other than
/// 200 or 429 before the kill is recorded as unexpected.
fn spawn_load(
    base: &str,
    stop: &Arc<AtomicBool>,
    killed: &Arc<AtomicBool>,
    counts: &Arc<LoadCounts>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..LOAD_THREADS)
        .map(|thread| {
            let (base, stop, killed, counts) = (
                base.to_owned(),
                stop.clone(),
                killed.clone(),
                counts.clone(),
            );
            std::thread::spawn(move || {
                let Ok(client) = http_client() else {
                    return;
                };
                let paths = load_paths();
                let mut n = thread;
                while !stop.load(Ordering::Relaxed) {
                    let path = &paths[n % paths.len()];
                    n += 1;
                    match client.get(format!("{base}{path}")).send() {
                        Ok(reply) => {
                            let status = reply.status().as_u16();
                            let _ = reply.bytes();
                            match status {
                                200 => counts.ok.fetch_add(1, Ordering::Relaxed),
                                429 => counts.limited.fetch_add(1, Ordering::Relaxed),
                                _ => {
                                    if !killed.load(Ordering::Relaxed)
                                        && let Ok(mut first) = counts.unexpected.lock()
                                    {
                                        first.get_or_insert(format!("{status} for {path}"));
                                    }
                                    0
                                }
                            };
                        }
                        Err(_) => {
                            counts.failed.fetch_add(1, Ordering::Relaxed);
                            // The server is gone; do not spin.
                            std::thread::sleep(Duration::from_millis(20));
                        }
                    }
                }
            })
        })
        .collect()
}

/// A publish the server answered before the kill.
#[derive(Debug, Clone)]
struct Published {
    edition: usize,
    status: u16,
    snapshot: i64,
    endpoints: u64,
}

/// Publishes editions 1, 2, … of `crash/published` until a request fails
/// (the kill) or `stop`; each answered 201/200 is recorded, anything else
/// answered is an error. Whether the last request was cut off unanswered.
fn spawn_publisher(
    base: &str,
    key: &str,
    stop: &Arc<AtomicBool>,
    done: &Arc<Mutex<Vec<Published>>>,
) -> Publisher {
    let (base, key, stop, done) = (base.to_owned(), key.to_owned(), stop.clone(), done.clone());
    std::thread::spawn(move || {
        let client = http_client().map_err(|e| e.to_string())?;
        for edition in 1.. {
            if stop.load(Ordering::Relaxed) {
                return Ok(false);
            }
            // Each edition one path longer: new content every time.
            let doc = openapi("crash", "Crash Published", edition, 40 + edition);
            let body = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
            let sent = client
                .post(format!(
                    "{base}/v1/apis/crash/published/snapshots?version={edition}.0&source=crash-test"
                ))
                .bearer_auth(&key)
                .body(body)
                .send()
                .and_then(|reply| {
                    let status = reply.status().as_u16();
                    reply.text().map(|text| (status, text))
                });
            let Ok((status, text)) = sent else {
                return Ok(true); // in flight at the kill, or refused after it
            };
            let answer: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if !matches!(status, 200 | 201) {
                return Err(format!("publish of edition {edition}: {status} {text}"));
            }
            let (Some(snapshot), Some(endpoints)) =
                (answer["snapshot"].as_i64(), answer["endpoints"].as_u64())
            else {
                return Err(format!("publish answer without a snapshot: {text}"));
            };
            if let Ok(mut done) = done.lock() {
                done.push(Published {
                    edition,
                    status,
                    snapshot,
                    endpoints,
                });
            }
        }
        Ok(false)
    })
}

/// Reads the `--json` lines of the ingest until its output ends (the kill
/// ends it); each line is a document the ingest reported stored.
fn spawn_line_reader(
    ingest: &mut Child,
    lines: &Arc<Mutex<Vec<Value>>>,
) -> Result<std::thread::JoinHandle<Result<(), String>>, Error> {
    let stdout = ingest.stdout.take().ok_or("the ingest has no stdout")?;
    let lines = lines.clone();
    Ok(std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else {
                return Ok(()); // cut mid-line by the kill: not reported
            };
            let value: Value =
                serde_json::from_str(&line).map_err(|e| format!("not JSON: {line}: {e}"))?;
            if value.get("error").is_some() {
                return Err(format!("the ingest refused a document: {line}"));
            }
            if let Ok(mut lines) = lines.lock() {
                lines.push(value);
            }
        }
        Ok(())
    }))
}

/// Polls `ready` every 10 ms until it holds, for at most [`PATIENCE`].
fn wait_for(
    server: &Server,
    what: &str,
    mut ready: impl FnMut() -> Result<bool, Error>,
) -> TestResult {
    let deadline = Instant::now() + PATIENCE;
    while !ready()? {
        if Instant::now() > deadline {
            return Err(format!(
                "{what}: not within {PATIENCE:?}; server log: {}",
                server.log_text()
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

type Publisher = std::thread::JoinHandle<Result<bool, String>>;

/// `waited`, with the publisher's own error when it is what stopped early.
fn why_stopped(waited: TestResult, publisher: Publisher) -> Result<Publisher, Error> {
    match waited {
        Ok(()) => Ok(publisher),
        Err(e) if publisher.is_finished() => {
            Err(format!("{e}: {:?}", publisher.join().map_err(|_| "panicked")).into())
        }
        Err(e) => Err(e),
    }
}

fn count<T>(shared: &Mutex<Vec<T>>) -> usize {
    shared.lock().map_or(0, |v| v.len())
}

/// The history of `api` as the server answers it: snapshot id → entry.
fn history(
    client: &reqwest::blocking::Client,
    server: &Server,
    api: &str,
) -> Result<std::collections::HashMap<i64, Value>, Error> {
    let (status, body) = get(client, &server.url(&format!("/v1/apis/{api}/versions")))?;
    if status != 200 {
        return Err(format!("versions of {api}: {status} {body}").into());
    }
    let versions = body["versions"]
        .as_array()
        .ok_or_else(|| format!("no versions for {api}: {body}"))?;
    Ok(versions
        .iter()
        .filter_map(|v| Some((v["id"].as_i64()?, v.clone())))
        .collect())
}

#[test]
fn a_server_killed_under_load_mid_ingest_and_mid_publish_restarts_with_everything_reported_done()
-> TestResult {
    let started = Instant::now();
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("catalog.db");

    // The catalog: one API for the load to read, and a publish key.
    let seed = write_json(
        &dir.path().join("seed.json"),
        &openapi("seed", "Seed", 1, SEED_PATHS),
    )?;
    let line: Value = serde_json::from_str(run(&db, &["ingest", "--json", path(&seed)?])?.trim())?;
    assert_eq!(
        (&line["api"], &line["status"]),
        (&json!("seed/v1"), &json!("new"))
    );
    let made: Value = serde_json::from_str(&run(
        &db,
        &[
            "keys", "create", "--name", "crash", "--scope", "publish", "--json",
        ],
    )?)?;
    let key = made["key"].as_str().ok_or("no key made")?.to_owned();

    // The batch the ingest will be killed in: distinct APIs, each whole.
    let batch = dir.path().join("batch");
    for i in 0..BATCH {
        let slug = format!("batch{i:03}");
        write_json(
            &batch.join(format!("{slug}.json")),
            &openapi(&slug, &format!("Batch {i}"), 1, BATCH_PATHS),
        )?;
    }

    let server = Server::start(utf8(&db)?, dir.path(), "first", &[], PATIENCE)?;
    let stop = Arc::new(AtomicBool::new(false));
    let killed = Arc::new(AtomicBool::new(false));
    let counts = Arc::new(LoadCounts::default());
    let readers = spawn_load(&server.base, &stop, &killed, &counts);
    let published = Arc::new(Mutex::new(Vec::new()));
    let publisher = spawn_publisher(&server.base, &key, &stop, &published);
    // The ingest starts once the readers are served and publishes are
    // answered, and is killed a few documents in: mid-batch whatever the
    // machine's speed.
    let under_way = wait_for(&server, "reads and publishes under way", || {
        let reads = counts.ok.load(Ordering::Relaxed) + counts.limited.load(Ordering::Relaxed);
        if publisher.is_finished() {
            return Err("the publisher stopped before the kill".into());
        }
        Ok(reads >= WANT_READS && count(&published) >= 1)
    });
    let publisher = why_stopped(under_way, publisher)?;
    let mut ingest = specdex(&db)
        .args(["ingest", "--json", path(&batch)?])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let lines = Arc::new(Mutex::new(Vec::new()));
    let line_reader = spawn_line_reader(&mut ingest, &lines)?;
    let under_way = wait_for(&server, "the ingest under way", || {
        if let Some(status) = ingest.try_wait()? {
            return Err(format!(
                "the ingest ended ({status}) before the kill, after {} lines",
                count(&lines)
            )
            .into());
        }
        if publisher.is_finished() {
            return Err("the publisher stopped before the kill".into());
        }
        Ok(count(&lines) >= WANT_LINES && count(&published) >= WANT_PUBLISHED)
    });
    let publisher = why_stopped(under_way, publisher)?;
    let mut server = server;
    let ingest_running = ingest.try_wait()?.is_none();
    killed.store(true, Ordering::Relaxed);
    server.child.kill()?;
    ingest.kill()?;
    let killed_at = Instant::now();
    server.child.wait()?;
    ingest.wait()?;
    assert!(
        ingest_running,
        "the ingest finished before the kill: nothing was mid-batch"
    );
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        reader.join().map_err(|_| "a load thread panicked")?;
    }
    let publish_cut = publisher.join().map_err(|_| "the publisher panicked")??;
    line_reader
        .join()
        .map_err(|_| "the line reader panicked")??;
    let lines = lines.lock().map_err(|_| "poisoned")?.clone();
    let published = published.lock().map_err(|_| "poisoned")?.clone();
    if let Some(unexpected) = counts.unexpected.lock().map_err(|_| "poisoned")?.as_ref() {
        return Err(format!("a read before the kill answered {unexpected}").into());
    }
    assert!(
        lines.len() < BATCH,
        "the ingest reported every document: the kill came too late"
    );
    eprintln!(
        "killed {:.1} s in: {} reads answered ({} rate-limited), {} failed around the kill; \
         {} of {BATCH} batch documents reported; {} publishes answered, the next {}",
        started.elapsed().as_secs_f64() - killed_at.elapsed().as_secs_f64(),
        counts.ok.load(Ordering::Relaxed),
        counts.limited.load(Ordering::Relaxed),
        counts.failed.load(Ordering::Relaxed),
        lines.len(),
        published.len(),
        if publish_cut {
            "cut off by the kill"
        } else {
            "not sent"
        }
    );

    // The catalog opens: a new server on it answers health, reads, search.
    let server = Server::start(utf8(&db)?, dir.path(), "restarted", &[], PATIENCE)?;
    let client = http_client()?;
    let (status, body) = get(&client, &server.url("/v1/apis/seed/v1/endpoints?limit=1"))?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], json!(SEED_PATHS * 2), "{body}");
    let (status, body) = get(&client, &server.url("/v1/apis/seed/v1"))?;
    assert_eq!((status, &body["title"]), (200, &json!("Seed")), "{body}");
    let (status, body) = get(
        &client,
        &server.url("/v1/search?q=retrieve+the+shipment&scope=endpoints&limit=5"),
    )?;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["results"].as_array().is_some_and(|r| !r.is_empty()),
        "search found nothing: {body}"
    );

    // Every document the ingest reported is held, whole and current.
    for line in &lines {
        let api = line["api"].as_str().ok_or("a line without an API")?;
        let snapshot = line["snapshot"]
            .as_i64()
            .ok_or("a line without a snapshot")?;
        let held = history(&client, &server, api)?;
        let entry = held
            .get(&snapshot)
            .ok_or_else(|| format!("{api}: reported snapshot {snapshot} is gone: {held:?}"))?;
        assert_eq!(entry["endpoints"], json!(BATCH_PATHS * 2), "{entry}");
        assert_eq!(entry["status"], "current", "{entry}");
        let (status, page) = get(
            &client,
            &server.url(&format!("/v1/apis/{api}/endpoints?limit=1")),
        )?;
        assert_eq!(
            (status, &page["total"]),
            (200, &json!(BATCH_PATHS * 2)),
            "{page}"
        );
    }
    // Every publish answered is held, with the endpoints it reported; the
    // newest one answered (or one published after it, in flight at the
    // kill) is current.
    if !published.is_empty() {
        let held = history(&client, &server, "crash/published")?;
        for publish in &published {
            let entry = held
                .get(&publish.snapshot)
                .ok_or_else(|| format!("published edition {publish:?} is gone: {held:?}"))?;
            assert_eq!(entry["endpoints"], json!(publish.endpoints), "{entry}");
            assert_eq!(
                entry["version"],
                json!(format!("{}.0", publish.edition)),
                "{entry}"
            );
        }
        let newest = published.iter().map(|p| p.snapshot).max().unwrap_or(0);
        let current = held
            .values()
            .find(|v| v["status"] == "current")
            .and_then(|v| v["id"].as_i64())
            .ok_or("crash/published has no current snapshot")?;
        assert!(
            current >= newest,
            "current {current}, newest answered {newest}"
        );
        assert!(
            published.iter().all(|p| p.status == 201),
            "every edition was new content: {published:?}"
        );
    }

    // And it takes writes again: a publish and an ingest after the restart.
    let doc = openapi("crash", "Crash Published", 1000, 7);
    let reply = client
        .post(server.url("/v1/apis/crash/published/snapshots?version=after"))
        .bearer_auth(&key)
        .body(serde_json::to_vec(&doc)?)
        .send()?;
    assert_eq!(reply.status().as_u16(), 201, "{}", reply.text()?);
    let line: Value = serde_json::from_str(
        run(
            &db,
            &["ingest", "--json", path(&batch.join("batch299.json"))?],
        )?
        .trim(),
    )?;
    assert_eq!(line["api"], "batch299/v1", "{line}");
    eprintln!("whole run {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn path(path: &Path) -> Result<&str, Error> {
    path.to_str()
        .ok_or_else(|| "a non-UTF-8 temporary path".into())
}
