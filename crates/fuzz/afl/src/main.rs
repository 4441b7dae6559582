//! AFL's driver for `specdex-fuzz`: each input AFL makes is a byte string
//! of decisions, turned into a case for the target `SPECDEX_FUZZ_TARGET`
//! names (`read`, `bundle`, `render`) and exercised; a broken invariant
//! panics, which AFL records as a crash.
//!
//! `specdex-fuzz-afl --keep FILE` decodes one of AFL's crashes or hangs,
//! minimizes it and keeps it under `crates/fuzz/tests/fuzz-regressions/`,
//! where the normal tests replay it.

use std::time::Duration;

use specdex_fuzz::{Case, Target, exercise, minimize, regressions_dir, watch};

fn target() -> Target {
    std::env::var("SPECDEX_FUZZ_TARGET")
        .ok()
        .and_then(|t| Target::parse(&t))
        .unwrap_or(Target::Read)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, file] = args.as_slice()
        && flag == "--keep"
    {
        std::process::exit(keep(file));
    }
    let target = target();
    afl::fuzz!(|data: &[u8]| {
        let case = Case::generate(target, data);
        if let Err(broken) = exercise(&case) {
            panic!("{broken}");
        }
    });
}

/// Keeps the case AFL's input `file` stands for; a case that now passes is
/// not kept. A hang is kept by the watcher as it is, unminimized.
fn keep(file: &str) -> i32 {
    let data = match std::fs::read(file) {
        Ok(data) => data,
        Err(e) => {
            eprintln!("{file}: {e}");
            return 1;
        }
    };
    let limit = std::env::var("SPECDEX_FUZZ_CASE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    watch::start(Duration::from_secs(limit), Some(regressions_dir()));
    minimize::quiet_panics();
    let case = Case::generate(target(), &data);
    let Some(how) = watch::watched(&case, || minimize::failure(&case)) else {
        eprintln!("{file}: passes now, not kept");
        return 0;
    };
    let small = minimize::minimize(&case, Duration::from_secs(120));
    let why = minimize::failure(&small).unwrap_or(how);
    match small.save(&regressions_dir(), &why) {
        Ok(path) => {
            println!("{file}: kept as {}: {why}", path.display());
            0
        }
        Err(e) => {
            eprintln!("{file}: could not keep it: {e}");
            1
        }
    }
}
