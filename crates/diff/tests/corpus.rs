//! Real edition pairs from `../shared/specs` (or `SPECDEX_CORPUS`): the
//! endpoints the diff says were added and removed must be exactly the sets
//! this test computes itself from the raw documents (method × path
//! template, parameter names ignored), and an edition compared with itself
//! has no changes. Skips, saying so, without the corpus.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use specdex_diff::{Level, diff};
use specdex_spec::{Api, Base, NoFetch, ReadOptions, read_api};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"));
    if dir.join("MANIFEST.tsv").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: corpus not found at {}", dir.display());
        None
    }
}

fn raw(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("readable corpus file");
    if path.extension().is_some_and(|e| e == "yaml") {
        yaml_serde::from_str(&text).expect("valid YAML")
    } else {
        serde_json::from_str(&text).expect("valid JSON")
    }
}

fn model(path: &Path) -> Api {
    let bytes = std::fs::read(path).expect("readable corpus file");
    let name = path.to_string_lossy();
    read_api(
        &name,
        &bytes,
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .expect("the corpus document reads")
    .api
}

/// `/pets/{petId}` → `/pets/{}`, written here rather than taken from the
/// crate so the test's count is its own.
fn blank(path: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '{' => {
                skipping = true;
                out.push_str("{}");
            }
            '}' => skipping = false,
            _ if !skipping => out.push(c),
            _ => {}
        }
    }
    out
}

/// `METHOD /path/{}` for every operation under `paths`, counted from the
/// raw document.
fn operations(document: &Value) -> BTreeSet<String> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut out = BTreeSet::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let template = blank(path);
        for method in METHODS {
            if item.get(method).is_some() {
                out.insert(format!("{} {template}", method.to_uppercase()));
            }
        }
    }
    out
}

/// The diff's endpoint keys for one rule, blanked like [`operations`].
fn endpoints_with(changes: &[specdex_diff::Change], rules: &[&str]) -> BTreeSet<String> {
    changes
        .iter()
        .filter(|c| rules.contains(&c.rule))
        .filter_map(|c| c.endpoint.as_deref())
        .map(|key| {
            let (method, path) = key.split_once(' ').expect("METHOD /path");
            format!("{method} {}", blank(path))
        })
        .collect()
}

fn check_pair(dir: &Path, older: &str, newer: &str) {
    let (before_raw, after_raw) = (raw(&dir.join(older)), raw(&dir.join(newer)));
    let (before, after) = (model(&dir.join(older)), model(&dir.join(newer)));
    let started = Instant::now();
    let found = diff(&before, &after);
    let took = started.elapsed();
    let (old_ops, new_ops) = (operations(&before_raw), operations(&after_raw));
    let added: BTreeSet<String> = new_ops.difference(&old_ops).cloned().collect();
    let removed: BTreeSet<String> = old_ops.difference(&new_ops).cloned().collect();
    assert_eq!(
        endpoints_with(&found.changes, &["endpoint-added"]),
        added,
        "{older} → {newer}: endpoints added"
    );
    assert_eq!(
        endpoints_with(
            &found.changes,
            &["endpoint-removed", "endpoint-removed-after-deprecation"]
        ),
        removed,
        "{older} → {newer}: endpoints removed"
    );
    assert_eq!(found.summary.endpoints_added, added.len());
    assert_eq!(found.summary.endpoints_removed, removed.len());
    assert!(
        found.summary.complete,
        "{older} → {newer}: the diff ran out of budget"
    );
    // Every change names a known rule and its level is the rule's, or
    // lower for a component no endpoint uses.
    for change in &found.changes {
        let rule = specdex_diff::rules::rule(change.rule).expect("a known rule");
        assert!(change.level <= rule.level, "{change:?}");
        if change.endpoint.is_some() {
            assert_eq!(change.level, rule.level, "{change:?}");
        }
    }
    let breaking = found
        .changes
        .iter()
        .filter(|c| c.level == Level::Breaking)
        .count();
    eprintln!(
        "{older} → {newer}: +{} −{} endpoints, {} changed, {} components changed, {} changes ({breaking} breaking) in {took:?}",
        added.len(),
        removed.len(),
        found.summary.endpoints_changed,
        found.summary.components_changed,
        found.changes.len(),
    );
    if std::env::var_os("SPECDEX_SHOW_CHANGES").is_some() {
        eprintln!(
            "  by rule: {:?}",
            specdex_diff::count_by_rule(&found.changes)
        );
        for change in found
            .changes
            .iter()
            .filter(|c| c.level == Level::Breaking)
            .step_by(97)
            .take(12)
        {
            eprintln!("  {}", change.message);
        }
    }
    let same = diff(&after, &after);
    assert!(same.changes.is_empty(), "{newer} differs from itself");
}

#[test]
fn stripe_editions() {
    let Some(dir) = corpus() else { return };
    check_pair(&dir, "stripe/spec3.json", "stripe/spec3.yaml");
    check_pair(&dir, "stripe/spec3.yaml", "stripe-2026-01-28/stripe.yaml");
}

#[test]
fn github_yaml_edition_then_json() {
    let Some(dir) = corpus() else { return };
    check_pair(
        &dir,
        "github-yaml/github.yaml",
        "github/api.github.com.json",
    );
}

#[test]
fn kubernetes_pair() {
    let Some(dir) = corpus() else { return };
    check_pair(
        &dir,
        "kubernetes/kubernetes.yaml",
        "kubernetes/swagger.json.unprocessed",
    );
}
