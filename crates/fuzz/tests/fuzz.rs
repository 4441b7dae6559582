//! The fuzz targets under proptest, and every kept input replayed.
//!
//! In a normal test run each target runs a few fixed cases (fast, the same
//! every time). `scripts/fuzz DURATION` runs them for a time instead
//! (`SPECDEX_FUZZ_SECONDS`, random seeds, one target per process), prints
//! the number of cases and the slowest, and keeps any failing input — a
//! panic, a broken invariant, or a case past the time limit
//! (`SPECDEX_FUZZ_CASE_SECONDS`, default 60) — in `tests/fuzz-regressions/`,
//! which [`kept_inputs_still_pass`] replays from then on.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};
use specdex_fuzz::{Case, Target, exercise, minimize, regressions_dir, watch};

/// Cases per target in a normal run.
const NORMAL_CASES: u32 = 24;
/// Most decision bytes per case: enough for a few hundred paths.
const MAX_CHOICES: usize = 16 * 1024;

fn case_limit() -> Duration {
    let seconds = std::env::var("SPECDEX_FUZZ_CASE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    Duration::from_secs(seconds)
}

/// How long to fuzz, when `scripts/fuzz` asks for a timed run.
fn timed() -> Option<Duration> {
    std::env::var("SPECDEX_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
}

#[test]
fn kept_inputs_still_pass() {
    watch::start(case_limit(), None);
    minimize::quiet_panics();
    let dir = regressions_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut failures = Vec::new();
    for path in &files {
        let case = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
            .and_then(|value| Case::from_json(&value));
        let case = match case {
            Ok(case) => case,
            Err(e) => {
                failures.push(format!("{}: unreadable: {e}", path.display()));
                continue;
            }
        };
        let started = Instant::now();
        let outcome = watch::watched(&case, || minimize::failure(&case));
        let took = started.elapsed();
        if let Some(how) = outcome {
            failures.push(format!("{}: {how}", path.display()));
        }
        eprintln!("{}: {took:?}", path.display());
    }
    minimize::loud_panics();
    assert!(
        failures.is_empty(),
        "{} of {} kept inputs fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn read() {
    fuzz(Target::Read);
}

#[test]
fn bundle() {
    fuzz(Target::Bundle);
}

#[test]
fn render() {
    fuzz(Target::Render);
}

/// What a run saw.
#[derive(Default)]
struct Stats {
    cases: u64,
    total: Duration,
    slowest: Duration,
    slowest_case: Option<Case>,
}

fn fuzz(target: Target) {
    let run_for = timed();
    if let Ok(only) = std::env::var("SPECDEX_FUZZ_TARGET")
        && only != target.name()
    {
        return;
    }
    watch::start(case_limit(), Some(regressions_dir()));
    // Shrinking panics again and again: record the last panic instead of
    // printing each.
    minimize::quiet_panics();
    let started = Instant::now();
    let stats = Mutex::new(Stats::default());
    let seed = 0x5eed_0000 + target as u64;
    loop {
        let config = Config {
            cases: if run_for.is_some() { 256 } else { NORMAL_CASES },
            failure_persistence: None,
            // Shrinking thousands of decision bytes one by one is slow;
            // minimize() then cuts the documents themselves.
            max_shrink_iters: 300,
            max_shrink_time: 30_000,
            rng_seed: if run_for.is_some() {
                RngSeed::Random
            } else {
                RngSeed::Fixed(seed)
            },
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result = runner.run(
            &prop::collection::vec(any::<u8>(), 0..MAX_CHOICES),
            |data| {
                let case = Case::generate(target, &data);
                let began = Instant::now();
                let outcome = watch::watched(&case, || exercise(&case));
                let took = began.elapsed();
                if let Ok(mut stats) = stats.lock() {
                    stats.cases += 1;
                    stats.total += took;
                    if took > stats.slowest {
                        stats.slowest = took;
                        stats.slowest_case = Some(case);
                    }
                }
                outcome.map_err(TestCaseError::fail)
            },
        );
        match result {
            Ok(()) => {}
            Err(TestError::Fail(why, data)) => {
                let case = Case::generate(target, &data);
                let case = minimize::minimize(&case, Duration::from_secs(120));
                let why = minimize::failure(&case).unwrap_or_else(|| why.to_string());
                let kept = case.save(&regressions_dir(), why.trim());
                report(target, &stats, started);
                minimize::loud_panics();
                panic!(
                    "{} fails: {why}; kept as {:?} ({} bytes)",
                    target.name(),
                    kept,
                    case.size()
                );
            }
            Err(TestError::Abort(why)) => {
                minimize::loud_panics();
                panic!("{}: proptest gave up: {why}", target.name())
            }
        }
        match run_for {
            Some(run_for) if started.elapsed() < run_for => {}
            _ => break,
        }
    }
    report(target, &stats, started);
}

/// Prints the numbers of a run, and in a timed run keeps the slowest case
/// under `target/fuzz/` for a look.
fn report(target: Target, stats: &Mutex<Stats>, started: Instant) {
    let Ok(stats) = stats.lock() else {
        return;
    };
    let mean = stats
        .total
        .checked_div(u32::try_from(stats.cases).unwrap_or(u32::MAX).max(1))
        .unwrap_or_default();
    let size = stats.slowest_case.as_ref().map_or(0, Case::size);
    eprintln!(
        "fuzz {}: {} cases in {:.0?}, mean {mean:.1?}, slowest {:.1?} ({size} bytes)",
        target.name(),
        stats.cases,
        started.elapsed(),
        stats.slowest,
    );
    if timed().is_some()
        && let Some(case) = &stats.slowest_case
    {
        let dir = std::env::var("CARGO_TARGET_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| regressions_dir().join("../../../../target"))
            .join("fuzz");
        let why = format!("the slowest case of a run: {:?}", stats.slowest);
        if let Ok(path) = case.save(&dir.join(format!("slowest-{}", target.name())), &why) {
            eprintln!(
                "fuzz {}: slowest case kept as {}",
                target.name(),
                path.display()
            );
        }
    }
}
