//! A bound on every case's time: a watcher thread notices a case that runs
//! past the limit (a hang, or work far beyond linear), keeps it as a
//! regression input, and ends the process — a hung thread cannot be
//! stopped any other way.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::case::Case;

struct Running {
    id: u64,
    started: Instant,
    case: Case,
}

struct Config {
    limit: Duration,
    keep: Option<PathBuf>,
}

static RUNNING: Mutex<Vec<Running>> = Mutex::new(Vec::new());
static CONFIG: OnceLock<Config> = OnceLock::new();
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// Exit status of a process ended by the watcher.
pub const HANG_EXIT: i32 = 86;

/// Starts the watcher (once per process; later calls keep the first
/// settings): a case running longer than it is [`allowed`] (`limit` and a
/// share per megabyte) is written to `keep` and the process exits with
/// [`HANG_EXIT`].
pub fn start(limit: Duration, keep: Option<PathBuf>) {
    let mut first = false;
    CONFIG.get_or_init(|| {
        first = true;
        Config { limit, keep }
    });
    if first {
        std::thread::spawn(watch);
    }
}

/// The limit in force, if the watcher runs.
pub fn limit() -> Option<Duration> {
    CONFIG.get().map(|c| c.limit)
}

fn watch() {
    let Some(config) = CONFIG.get() else {
        return;
    };
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let overrun = RUNNING.lock().ok().and_then(|running| {
            running
                .iter()
                .find(|r| r.started.elapsed() > allowed(config.limit, &r.case))
                .map(|r| r.case.clone())
        });
        let Some(case) = overrun else {
            continue;
        };
        let why = format!(
            "still running after {:?} (its limit): a hang, or work far beyond linear in its {} bytes",
            allowed(config.limit, &case),
            case.size()
        );
        match &config.keep {
            Some(dir) => match case.save(dir, &why) {
                Ok(path) => eprintln!(
                    "fuzz: a {} case {why}; kept as {}",
                    case.target.name(),
                    path.display()
                ),
                Err(e) => eprintln!(
                    "fuzz: a {} case {why}; could not keep it: {e}",
                    case.target.name()
                ),
            },
            None => eprintln!("fuzz: a {} case {why}", case.target.name()),
        }
        std::process::exit(HANG_EXIT);
    }
}

/// Time per megabyte of input a case may take on top of the limit: about
/// fifty times what reading costs (GitHub's 13 MB description reads in
/// half a second), as a case reads its documents several times over on a
/// machine that may be busy.
const PER_MEGABYTE: Duration = Duration::from_secs(2);

/// The time `case` may take: `limit`, plus [`PER_MEGABYTE`] for its size,
/// so only work beyond linear in the input counts as a hang.
pub fn allowed(limit: Duration, case: &Case) -> Duration {
    let megabytes = u32::try_from(case.size() >> 20).unwrap_or(u32::MAX);
    limit.saturating_add(PER_MEGABYTE.saturating_mul(megabytes))
}

/// Unregisters a case when it ends, by return or by unwinding.
struct Registered(u64);

impl Drop for Registered {
    fn drop(&mut self) {
        if let Ok(mut running) = RUNNING.lock() {
            running.retain(|r| r.id != self.0);
        }
    }
}

/// Runs `f` on `case` under the watcher (if started).
pub fn watched<T>(case: &Case, f: impl FnOnce() -> T) -> T {
    if CONFIG.get().is_none() {
        return f();
    }
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut running) = RUNNING.lock() {
        running.push(Running {
            id,
            started: Instant::now(),
            case: case.clone(),
        });
    }
    let _registered = Registered(id);
    f()
}
