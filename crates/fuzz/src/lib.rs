//! Structure-aware fuzzing of specdex on the stable toolchain: the reader,
//! the bundler and the renderers, with no panic, no hang and a few cheap
//! invariants required of every input.
//!
//! An input is a byte string read as a sequence of decisions
//! ([`choices::Choices`]) by generators of real-looking OpenAPI and Swagger
//! documents ([`generate`]), written as JSON or YAML in varied styles and
//! mutated in structure and bytes; [`Case::generate`] turns the bytes into
//! a [`Case`] (a target and its files) and [`exercise`] runs it. Because
//! the bytes are decisions, any byte source drives it: proptest (generating
//! and shrinking them; `tests/fuzz.rs`, `scripts/fuzz DURATION`) or AFL
//! (mutating them by coverage; `afl/`, `scripts/fuzz DURATION --afl`).
//!
//! A failing input is kept as JSON under `tests/fuzz-regressions/` — the
//! decoded case, not the bytes, so it stays the same input whatever the
//! generators become — and `tests/fuzz.rs` replays every kept input on
//! each test run. [`watch`] bounds each case's time.

pub mod case;
pub mod choices;
pub mod exercise;
pub mod generate;
pub mod minimize;
pub mod mutate;
pub mod text;
pub mod watch;
pub mod yaml;

use std::path::PathBuf;

pub use case::{Case, File, Target};
pub use exercise::exercise;

/// Where kept inputs live: `crates/fuzz/tests/fuzz-regressions`.
pub fn regressions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}
