//! Several `specdex serve` replicas over one PostgreSQL catalog (issue #6):
//! they agree, they need no sticky sessions for MCP, and an edition
//! ingested while they serve load is answered whole — old or new, never a
//! mix — and, once a replica has answered the new one, never the old again.
//!
//! There is no ingest route on the server (DESIGN.md lists none): a
//! deployment ingests by running `specdex --db <the same URL> ingest FILE`
//! as a separate process (a cron or CI job), and that is what "ingested
//! through one replica" means here. The replicas notice through the catalog
//! generation, which each engine re-reads at most every 250 ms and keys its
//! "current" answers by; the tests measure the actual delay.
//!
//! Each test creates a fresh database (`specdex_replicas_*`) on the server
//! `SPECDEX_TEST_PG` names (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and drops it at the end,
//! after killing its servers. Without a reachable server the tests say
//! "skipped" and pass, unless `SPECDEX_REQUIRE_PG=1` (CI), where they fail.
//! `scripts/ensure-postgres` starts the local server.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use specdex_testdb::TestDatabase;
use support::{Server, TestResult, http_client};

mod support;

const MCP_VERSION: &str = "2025-11-25";

// ---------------------------------------------------------------------------
// The servers, the ingest process (the database: tests/support).

/// Two replicas over one database. Fields drop in order: the servers are
/// killed before the database is dropped.
struct Cluster {
    a: Server,
    b: Server,
    db: TestDatabase,
    dir: tempfile::TempDir,
}

impl Cluster {
    /// A fresh database holding `first` (ingested as provider `slug`
    /// before the replicas start), and two replicas on it.
    fn start(slug: &str, first: &Value) -> Result<Option<Cluster>, Box<dyn std::error::Error>> {
        Cluster::start_with(slug, first, &[])
    }

    /// [`Cluster::start`] with more `serve` options for both replicas.
    fn start_with(
        slug: &str,
        first: &Value,
        options: &[&str],
    ) -> Result<Option<Cluster>, Box<dyn std::error::Error>> {
        let Some(db) = TestDatabase::create("specdex_cli")? else {
            return Ok(None);
        };
        let dir = tempfile::tempdir()?;
        ingest(db.url(), &write_doc(dir.path(), "first.json", first)?, slug)?;
        let a = Server::start(db.url(), dir.path(), "a", options, Duration::from_secs(30))?;
        let b = Server::start(db.url(), dir.path(), "b", options, Duration::from_secs(30))?;
        Ok(Some(Cluster { a, b, db, dir }))
    }
}

/// Runs `specdex --db URL ingest FILE --provider SLUG --json` as its own
/// process, the way a deployment ingests, and checks it stored a new
/// snapshot.
fn ingest(url: &str, file: &Path, slug: &str) -> TestResult {
    let out = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .args(["--db", url, "ingest", "--provider", slug, "--json"])
        .arg(file)
        .env_remove("SPECDEX_DB")
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "ingest {} failed ({}): {stdout} {}",
            file.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let line: Value = serde_json::from_str(stdout.trim())?;
    assert_eq!(line["status"], "new", "{line}");
    Ok(())
}

fn write_doc(dir: &Path, name: &str, doc: &Value) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(doc)?)?;
    Ok(path)
}

/// GET `url`: the status and the JSON body (`Null` if it is not JSON).
fn get(client: &reqwest::blocking::Client, url: &str) -> reqwest::Result<(u16, Value)> {
    let reply = client.get(url).send()?;
    let status = reply.status().as_u16();
    let text = reply.text()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

// ---------------------------------------------------------------------------
// The documents.

/// The endpoints of edition 1; edition 2 keeps them and adds [`ADDED`].
const ENDPOINTS: &[(&str, &str, &str)] = &[
    ("get", "/items", "List items"),
    ("post", "/items", "Create an item"),
    ("get", "/items/{id}", "Get an item"),
    ("delete", "/items/{id}", "Delete an item"),
];
const ADDED: &[(&str, &str, &str)] = &[
    ("patch", "/items/{id}", "Update an item"),
    ("get", "/orders", "List orders"),
];

/// The endpoint every detail request asks for (present in both editions).
const DETAIL: &str = "GET /items/{id}";

fn endpoint_count(edition: u32) -> usize {
    ENDPOINTS.len() + if edition == 2 { ADDED.len() } else { 0 }
}

/// Edition `n` of the shop API: version `n.0`, and every text a reader can
/// see (description, summaries, operation descriptions, parameter and
/// response descriptions) says "edition n".
fn shop(edition: u32) -> Value {
    let mut paths = serde_json::Map::new();
    let added: &[_] = if edition == 2 { ADDED } else { &[] };
    for (method, path, name) in ENDPOINTS.iter().chain(added) {
        let mut operation = json!({
            "operationId": format!("{method}{}", path.replace(['/', '{', '}'], "_")),
            "summary": format!("{name} (edition {edition})"),
            "description": format!("Answered from edition {edition}."),
            "tags": ["items"],
            "responses": {"200": {"description": format!("OK, edition {edition}")}}
        });
        if path.contains("{id}") {
            operation["parameters"] = json!([{
                "name": "id", "in": "path", "required": true,
                "schema": {"type": "string"},
                "description": format!("The item (edition {edition})")
            }]);
        }
        let item = paths.entry(*path).or_insert_with(|| json!({}));
        item[*method] = operation;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Shop",
            "version": format!("{edition}.0"),
            "description": format!("The shop API, edition {edition}.")
        },
        "servers": [{"url": "https://shop.example.test"}],
        "tags": [{"name": "items", "description": format!("Items (edition {edition})")}],
        "paths": paths
    })
}

/// A second API, for "a new provider appears".
fn news() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "News", "version": "7.1", "description": "Headlines."},
        "paths": {"/headlines": {"get": {
            "operationId": "headlines", "summary": "Latest headlines",
            "responses": {"200": {"description": "OK"}}
        }}}
    })
}

// ---------------------------------------------------------------------------
// Item 3: replicas agree, and MCP needs no sticky sessions.

/// Polls `url` every 20 ms until `done` holds for its answer; the time
/// from `since` to that answer.
fn wait_until(
    client: &reqwest::blocking::Client,
    url: &str,
    since: Instant,
    done: impl Fn(u16, &Value) -> bool,
) -> Result<Duration, Box<dyn std::error::Error>> {
    loop {
        let (status, body) = get(client, url)?;
        if done(status, &body) {
            return Ok(since.elapsed());
        }
        if since.elapsed() > Duration::from_secs(10) {
            return Err(format!("{url} still answers {status} {body} after 10 s").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_document_ingested_beside_one_replica_is_answered_by_the_other_within_a_second() -> TestResult {
    let Some(cluster) = Cluster::start("shop", &shop(1))? else {
        return Ok(());
    };
    let (a, b) = (&cluster.a, &cluster.b);
    let client = http_client()?;

    // Both replicas answer edition 1, and B has "current" answers cached.
    for server in [a, b] {
        for _ in 0..2 {
            let (status, body) = get(&client, &server.url("/v1/providers/shop/summary"))?;
            assert_eq!((status, &body["version"]), (200, &json!("1.0")), "{body}");
        }
    }
    let (status, _) = get(&client, &b.url("/v1/providers/news"))?;
    assert_eq!(status, 404);

    // A new provider, ingested by a separate process on the same database.
    let file = write_doc(cluster.dir.path(), "news.json", &news())?;
    ingest(cluster.db.url(), &file, "news")?;
    let ingested = Instant::now();
    let delay = wait_until(&client, &b.url("/v1/providers/news"), ingested, |s, b| {
        s == 200 && b["version"] == "7.1"
    })?;
    eprintln!(
        "new provider answered by replica B {} ms after the ingest finished",
        delay.as_millis()
    );
    assert!(delay < Duration::from_secs(1), "took {delay:?}");
    let (status, body) = get(&client, &a.url("/v1/providers/news"))?;
    assert_eq!((status, &body["version"]), (200, &json!("7.1")), "{body}");
    // Search too: replica B reads the segment the ingest stored, and
    // indexes nothing itself.
    let finds_news = |s: u16, b: &Value| {
        s == 200
            && b["results"]
                .as_array()
                .is_some_and(|hits| hits.iter().any(|h| h["api"] == "news/api"))
    };
    let delay = wait_until(
        &client,
        &b.url("/v1/search?q=latest+headlines"),
        ingested,
        finds_news,
    )?;
    eprintln!(
        "new API found by search on replica B {} ms after the ingest finished",
        delay.as_millis()
    );
    assert!(delay < Duration::from_secs(1), "took {delay:?}");

    // A new edition of a provider whose current answers are cached.
    let file = write_doc(cluster.dir.path(), "shop-2.json", &shop(2))?;
    ingest(cluster.db.url(), &file, "shop")?;
    let ingested = Instant::now();
    let delay = wait_until(
        &client,
        &b.url("/v1/providers/shop/summary"),
        ingested,
        |s, b| s == 200 && b["version"] == "2.0",
    )?;
    eprintln!(
        "new edition answered by replica B {} ms after the ingest finished",
        delay.as_millis()
    );
    assert!(delay < Duration::from_secs(1), "took {delay:?}");
    for server in [a, b] {
        let (status, body) = get(&client, &server.url("/v1/providers/shop/versions"))?;
        assert_eq!(status, 200, "{body}");
        let labels: Vec<&str> = body["versions"]
            .as_array()
            .map(|v| v.iter().filter_map(|s| s["version"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(labels, ["2.0", "1.0"], "{body}");
    }

    // A mistake fixed beside the replicas: the newest edition removed.
    let removed = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .args([
            "--db",
            cluster.db.url(),
            "remove",
            "shop",
            "--version",
            "2.0",
        ])
        .output()?;
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    let removed_at = Instant::now();
    let delay = wait_until(
        &client,
        &b.url("/v1/providers/shop/summary"),
        removed_at,
        |s, b| s == 200 && b["version"] == "1.0",
    )?;
    eprintln!(
        "removal seen by replica B {} ms after it finished",
        delay.as_millis()
    );
    assert!(delay < Duration::from_secs(1), "took {delay:?}");
    Ok(())
}

/// POSTs one JSON-RPC message to `/mcp` with no session header.
fn mcp(
    client: &reqwest::blocking::Client,
    server: &Server,
    message: &Value,
) -> Result<(u16, reqwest::header::HeaderMap, Value), Box<dyn std::error::Error>> {
    let reply = client
        .post(server.url("/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", MCP_VERSION)
        .body(serde_json::to_vec(message)?)
        .send()?;
    let status = reply.status().as_u16();
    let headers = reply.headers().clone();
    let text = reply.text()?;
    Ok((
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    ))
}

#[test]
fn mcp_calls_spread_across_replicas_need_no_sticky_sessions() -> TestResult {
    let Some(cluster) = Cluster::start("shop", &shop(1))? else {
        return Ok(());
    };
    let (a, b) = (&cluster.a, &cluster.b);
    let client = http_client()?;

    let (status, headers, body) = mcp(
        &client,
        a,
        &json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": MCP_VERSION, "capabilities": {},
                       "clientInfo": {"name": "replicas-test", "version": "1"}}
        }),
    )?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["protocolVersion"], MCP_VERSION, "{body}");
    assert!(
        headers.get("mcp-session-id").is_none(),
        "stateless: no session to stick to"
    );

    let (status, _, body) = mcp(
        &client,
        a,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )?;
    assert_eq!(status, 202, "{body}");

    // The next request goes to the other replica, which never saw the
    // handshake.
    let (status, _, body) = mcp(
        &client,
        b,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}),
    )?;
    assert_eq!(status, 200, "{body}");
    let tools: Vec<&str> = body["result"]["tools"]
        .as_array()
        .map(|t| t.iter().filter_map(|t| t["name"].as_str()).collect())
        .unwrap_or_default();
    assert!(tools.contains(&"get_endpoints"), "{body}");

    for (id, server) in [(3, a), (4, b), (5, a), (6, b)] {
        let (status, _, body) = mcp(
            &client,
            server,
            &json!({
                "jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": {"name": "get_endpoints",
                           "arguments": {"provider": "shop", "endpoints": [DETAIL]}}
            }),
        )?;
        assert_eq!(status, 200, "{body}");
        let result = &body["result"];
        assert_eq!(result["isError"], false, "{body}");
        assert_eq!(result["structuredContent"]["version"], "1.0", "{body}");
        assert_eq!(
            result["structuredContent"]["endpoints"][0]["summary"], "Get an item (edition 1)",
            "{body}"
        );
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        assert!(text.contains("GET /items/{id}"), "{text}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Item 4: consistency under load.

/// The four questions the load asks, none naming a version.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Detail,
    List,
    Summary,
    Provider,
}

const KINDS: [Kind; 4] = [Kind::Detail, Kind::List, Kind::Summary, Kind::Provider];

impl Kind {
    fn path(self) -> String {
        match self {
            Kind::Detail => format!(
                "/v1/providers/shop/endpoints/detail?e={}",
                DETAIL
                    .replace(' ', "%20")
                    .replace('{', "%7B")
                    .replace('}', "%7D")
            ),
            Kind::List => "/v1/providers/shop/endpoints?limit=500".to_owned(),
            Kind::Summary => "/v1/providers/shop/summary".to_owned(),
            Kind::Provider => "/v1/providers/shop".to_owned(),
        }
    }
}

/// One response of the load.
struct Sample {
    replica: usize,
    kind: Kind,
    issued: Instant,
    answered: Instant,
    status: u16,
    /// The edition the whole body is from, or why it is not from one.
    edition: Result<u32, String>,
}

/// The one edition `body` is from: every "edition N" in it names the same
/// N, its version label is `N.0`, and its counts are edition N's.
fn edition_of(kind: Kind, body: &Value) -> Result<u32, String> {
    let text = body.to_string();
    let seen: Vec<u32> = [1, 2]
        .into_iter()
        .filter(|n| text.contains(&format!("edition {n}")))
        .collect();
    let [edition] = seen[..] else {
        return Err(format!("mentions editions {seen:?}: {text}"));
    };
    let label = format!("{edition}.0");
    if body["version"] != label.as_str() {
        return Err(format!(
            "edition {edition} text under version {}",
            body["version"]
        ));
    }
    let count = endpoint_count(edition);
    let counted = match kind {
        Kind::Detail => {
            let summary = &body["endpoints"][0]["summary"];
            if *summary != format!("Get an item (edition {edition})").as_str() {
                return Err(format!("edition {edition} with summary {summary}"));
            }
            None
        }
        Kind::List => {
            let listed = body["endpoints"].as_array().map_or(0, Vec::len);
            if listed != count {
                return Err(format!("edition {edition} listing {listed} endpoints"));
            }
            Some(&body["total"])
        }
        Kind::Summary | Kind::Provider => Some(&body["endpoints"]),
    };
    match counted {
        Some(n) if n.as_u64() != Some(count as u64) => Err(format!(
            "edition {edition} counting {n} endpoints, not {count}"
        )),
        _ => Ok(edition),
    }
}

#[test]
fn an_edition_ingested_under_load_is_answered_whole_and_for_good() -> TestResult {
    let Some(cluster) = Cluster::start("shop", &shop(1))? else {
        return Ok(());
    };
    let bases = Arc::new([cluster.a.url(""), cluster.b.url("")]);
    let file = write_doc(cluster.dir.path(), "shop-2.json", &shop(2))?;

    const THREADS: usize = 4;
    let stop = Arc::new(AtomicBool::new(false));
    let ready = Arc::new(Barrier::new(THREADS + 1));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (bases, stop, ready) = (bases.clone(), stop.clone(), ready.clone());
            std::thread::spawn(move || -> Result<Vec<Sample>, String> {
                let client = http_client().map_err(|e| e.to_string())?;
                let mut samples = Vec::new();
                ready.wait();
                let mut i = t;
                while !stop.load(Ordering::Relaxed) {
                    let replica = i % 2;
                    let kind = KINDS[(i / 2) % KINDS.len()];
                    i += 1;
                    let issued = Instant::now();
                    let (status, body) =
                        get(&client, &format!("{}{}", bases[replica], kind.path()))
                            .map_err(|e| format!("{kind:?} on replica {replica}: {e}"))?;
                    samples.push(Sample {
                        replica,
                        kind,
                        issued,
                        answered: Instant::now(),
                        status,
                        edition: edition_of(kind, &body),
                    });
                }
                Ok(samples)
            })
        })
        .collect();

    ready.wait();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    let ingest_began = Instant::now();
    let ingested = ingest(cluster.db.url(), &file, "shop");
    let ingest_ended = Instant::now();
    // At least 3 s of load, and 2 s of it after the new edition is stored.
    let end = (started + Duration::from_secs(3)).max(ingest_ended + Duration::from_secs(2));
    std::thread::sleep(end.saturating_duration_since(Instant::now()));
    stop.store(true, Ordering::Relaxed);
    let mut samples = Vec::new();
    for worker in workers {
        samples.extend(worker.join().map_err(|_| "a load thread panicked")??);
    }
    ingested?;

    // Every response is a 200 and from one edition.
    let failed: Vec<String> = samples
        .iter()
        .filter(|s| s.status != 200 || s.edition.is_err())
        .map(|s| {
            format!(
                "{:?} on replica {}: {} {:?}",
                s.kind, s.replica, s.status, s.edition
            )
        })
        .take(5)
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} responses failed or mixed editions, e.g. {failed:#?}",
        samples
            .iter()
            .filter(|s| s.status != 200 || s.edition.is_err())
            .count(),
        samples.len()
    );

    for replica in 0..2 {
        let mine: Vec<&Sample> = samples.iter().filter(|s| s.replica == replica).collect();
        let old = mine.iter().filter(|s| s.edition == Ok(1)).count();
        let new = mine.iter().filter(|s| s.edition == Ok(2)).count();
        // Nothing from edition 2 before it was ingested.
        assert!(
            mine.iter()
                .all(|s| s.edition == Ok(1) || s.answered > ingest_began),
            "replica {replica} answered edition 2 before its ingest began"
        );
        // The switch: the first edition-2 answer this replica gave. A request
        // issued after it was received must not get edition 1 (requests in
        // flight at that moment may).
        let switched = mine
            .iter()
            .filter(|s| s.edition == Ok(2))
            .map(|s| s.answered)
            .min()
            .ok_or_else(|| format!("replica {replica} never answered edition 2"))?;
        let regressions: Vec<String> = mine
            .iter()
            .filter(|s| s.edition == Ok(1) && s.issued > switched)
            .map(|s| {
                format!(
                    "{:?} issued {} ms after the switch",
                    s.kind,
                    (s.issued - switched).as_millis()
                )
            })
            .collect();
        assert!(
            regressions.is_empty(),
            "replica {replica} answered edition 1 after answering edition 2: {regressions:?}"
        );
        eprintln!(
            "replica {replica}: {} responses ({old} edition 1, {new} edition 2); \
             switched {} ms after the ingest finished",
            mine.len(),
            switched.saturating_duration_since(ingest_ended).as_millis()
        );
    }
    eprintln!(
        "{} responses in {:.1} s; ingest of edition 2 took {} ms",
        samples.len(),
        started.elapsed().as_secs_f64(),
        (ingest_ended - ingest_began).as_millis()
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Keys: made and revoked in the catalog, known to every replica.

/// Runs `specdex --db URL ARGS…` and returns its standard output.
fn specdex(url: &str, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_specdex"))
        .args(["--db", url])
        .args(args)
        .env_remove("SPECDEX_DB")
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "specdex {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// POSTs `doc` to `server`'s publish route for `shop/api` with `key`: the
/// status and the JSON answer.
fn publish(
    client: &reqwest::blocking::Client,
    server: &Server,
    key: &str,
    doc: &Value,
) -> reqwest::Result<(u16, Value)> {
    let reply = client
        .post(server.url("/v1/apis/shop/api/snapshots"))
        .bearer_auth(key)
        .body(serde_json::to_vec(doc).unwrap_or_default())
        .send()?;
    let status = reply.status().as_u16();
    let text = reply.text()?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

#[test]
fn a_key_made_once_works_on_every_replica_and_a_revocation_reaches_them_within_a_second()
-> TestResult {
    let Some(cluster) = Cluster::start("shop", &shop(1))? else {
        return Ok(());
    };
    let made: Value = serde_json::from_str(&specdex(
        cluster.db.url(),
        &[
            "keys", "create", "--name", "ci", "--scope", "publish", "--json",
        ],
    )?)?;
    let key = made["key"]
        .as_str()
        .ok_or("no key in the answer")?
        .to_owned();
    let client = http_client()?;

    // Edition 2 through replica A, then the same content through B.
    let (status, body) = publish(&client, &cluster.a, &key, &shop(2))?;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["published_by"], "ci");
    let (status, body) = publish(&client, &cluster.b, &key, &shop(2))?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "unchanged");

    specdex(cluster.db.url(), &["keys", "revoke", "ci"])?;
    let revoked = Instant::now();
    for (name, replica) in [("B", &cluster.b), ("A", &cluster.a)] {
        loop {
            let (status, body) = publish(&client, replica, &key, &shop(1))?;
            if status == 401 {
                break;
            }
            // Accepted until the revocation is seen: new, then unchanged.
            assert!(matches!(status, 200 | 201), "{status}: {body}");
            assert!(
                revoked.elapsed() < Duration::from_secs(1),
                "replica {name} still accepted the revoked key after {:?}",
                revoked.elapsed()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!(
            "revocation refused by replica {name} after {:?}",
            revoked.elapsed()
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Sources synced by replicas, one at a time; a key's limit across replicas.

/// The versions of `shop/api`, newest first, as the CLI prints them.
fn shop_versions(url: &str) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let answer: Value = serde_json::from_str(&specdex(url, &["versions", "shop/api", "--json"])?)?;
    Ok(answer["versions"].as_array().cloned().unwrap_or_default())
}

#[test]
fn two_replicas_with_sync_ingest_each_change_once() -> TestResult {
    let options = ["--sync", "--sync-poll", "1"];
    let Some(cluster) = Cluster::start_with("shop", &shop(1), &options)? else {
        return Ok(());
    };
    let origin = support::Origin::start(support::Serving::Document {
        body: shop(2).to_string(),
        etag: Some("\"v2\"".to_owned()),
    })?;
    let source = origin.url("/shop.json");
    let url = cluster.db.url();
    specdex(
        url,
        &["sources", "add", "shop/api", &source, "--every", "1h"],
    )?;
    let client = http_client()?;
    let history = cluster.a.url("/v1/apis/shop/api/versions");
    let synced = |count: usize| {
        move |status: u16, body: &Value| {
            status == 200
                && body["versions"]
                    .as_array()
                    .is_some_and(|v| v.len() == count)
        }
    };
    wait_until(&client, &history, Instant::now(), synced(2))?;
    // Both replicas poll every second: give each several chances.
    std::thread::sleep(Duration::from_secs(3));
    let versions = shop_versions(url)?;
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0]["source"], source.as_str());
    assert_eq!(versions[0]["etag"], "\"v2\"");
    assert!(versions[0]["fetched_at"].is_i64(), "{}", versions[0]);
    assert_eq!(origin.seen().len(), 1, "{:?}", origin.seen());

    // A change, and the source due again (re-adding it makes it due now).
    origin.serve(support::Serving::Document {
        body: shop(3).to_string(),
        etag: Some("\"v3\"".to_owned()),
    });
    specdex(
        url,
        &["sources", "add", "shop/api", &source, "--every", "1h"],
    )?;
    wait_until(&client, &history, Instant::now(), synced(3))?;
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(shop_versions(url)?.len(), 3);
    let seen = origin.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[1].if_none_match.as_deref(), Some("\"v2\""));
    let listed: Value = serde_json::from_str(&specdex(url, &["sources", "list", "--json"])?)?;
    assert_eq!(listed[0]["etag"], "\"v3\"");
    assert_eq!(listed[0]["failures"], 0);
    Ok(())
}

#[test]
fn a_keys_limit_holds_across_replicas() -> TestResult {
    let options = ["--limit-per-key", "10/min"];
    let Some(cluster) = Cluster::start_with("shop", &shop(1), &options)? else {
        return Ok(());
    };
    let key = specdex(
        cluster.db.url(),
        &["keys", "create", "--name", "agents", "--scope", "read"],
    )?;
    let key = key.trim();
    let client = http_client()?;
    let mut admitted = 0;
    let mut refused = Vec::new();
    for n in 0..30 {
        let server = if n % 2 == 0 { &cluster.a } else { &cluster.b };
        let reply = client
            .get(server.url("/v1/apis/shop/api"))
            .bearer_auth(key)
            .send()?;
        match reply.status().as_u16() {
            200 => admitted += 1,
            429 => refused.push(reply.headers().clone()),
            other => return Err(format!("unexpected status {other}").into()),
        }
    }
    assert_eq!(
        admitted, 10,
        "two replicas admitted {admitted} of a 10/min limit"
    );
    let headers = refused.first().ok_or("nothing was refused")?;
    let retry: u64 = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or("no Retry-After")?;
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(
        headers
            .get("ratelimit-policy")
            .and_then(|v| v.to_str().ok()),
        Some("\"key\";q=10;w=60")
    );
    // Load balancers are never limited.
    let (status, _) = get(&client, &cluster.a.url("/healthz"))?;
    assert_eq!(status, 200);
    Ok(())
}
