//! What the check crate's corpus tests and benchmark share: where the real
//! specifications are, and a checker over one of them.

#![allow(dead_code)] // each test binary uses part of it

use std::path::{Path, PathBuf};
use std::sync::Arc;

use specdex_check::Checker;
use specdex_spec::{Api, Base, NoFetch, ReadOptions, read_api};

/// `../shared/specs` (or `SPECDEX_CORPUS`), when it is there.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    dir.join("MANIFEST.tsv").is_file().then_some(dir)
}

/// The model of the document at `path`.
pub fn model(path: &Path) -> Api {
    let bytes = std::fs::read(path).expect("readable corpus file");
    read_api(
        &path.to_string_lossy(),
        &bytes,
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .expect("the corpus document reads")
    .api
}

/// A checker over the document at `path`.
pub fn checker(path: &Path) -> Checker {
    Checker::new(Arc::new(model(path)))
}
