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
/// settings): a case running longer than `limit` is written to `keep` and
/// the process exits with [`HANG_EXIT`].
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
                .find(|r| r.started.elapsed() > config.limit)
                .map(|r| r.case.clone())
        });
        let Some(case) = overrun else {
            continue;
        };
        let why = format!(
            "still running after {:?} (the limit): a hang, or work far beyond linear in its {} bytes",
            config.limit,
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
