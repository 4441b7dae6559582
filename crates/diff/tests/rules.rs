//! One fixture pair per rule: `tests/rules/<rule-id>.yaml` holds a `before`
//! and an `after` document and the exact changes expected between them.
//! The test also checks that every rule has a fixture and that
//! `docs/diff-rules.md` documents exactly the rules the engine has.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use specdex_diff::{Change, RULES, diff};
use specdex_spec::{Api, Base, NoFetch, ReadOptions, read_api};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// What the pair shows, in a sentence (for people reading the file).
    #[allow(dead_code)]
    about: String,
    before: Value,
    after: Value,
    expect: Vec<Expected>,
}

/// One expected change; `endpoint` and `component` absent mean none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    rule: String,
    level: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    component: Option<String>,
    location: String,
}

impl From<&Change> for Expected {
    fn from(change: &Change) -> Expected {
        Expected {
            rule: change.rule.to_owned(),
            level: change.level.as_str().to_owned(),
            endpoint: change.endpoint.clone(),
            component: change.component.clone(),
            location: change.location.clone(),
        }
    }
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

fn model(name: &str, document: &Value) -> Api {
    let bytes = serde_json::to_vec(document).expect("a YAML mapping converts to JSON");
    read_api(
        name,
        &bytes,
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .api
}

fn fixtures() -> Vec<(String, Fixture)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).expect("tests/rules exists") {
        let path = entry.expect("readable directory").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("readable fixture");
            let fixture: Fixture =
                yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{name}.yaml: {e}"));
            out.push((name, fixture));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn every_fixture_gives_exactly_its_changes() {
    let mut failures = Vec::new();
    for (name, fixture) in fixtures() {
        let before = model(&format!("{name}/before"), &fixture.before);
        let after = model(&format!("{name}/after"), &fixture.after);
        let found = diff(&before, &after);
        let mut got: Vec<Expected> = found.changes.iter().map(Expected::from).collect();
        let mut want = fixture.expect.clone();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "{name}:\n  expected {want:#?}\n  got {got:#?}\n  messages: {:#?}",
                found.changes.iter().map(|c| &c.message).collect::<Vec<_>>()
            ));
        }
        // Comparing an edition with itself finds nothing.
        let same = diff(&after, &after);
        if !same.changes.is_empty() {
            failures.push(format!(
                "{name}: `after` differs from itself: {:?}",
                same.changes
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_has_a_fixture_that_shows_it() {
    let fixtures = fixtures();
    let names: BTreeSet<&str> = fixtures.iter().map(|(n, _)| n.as_str()).collect();
    for rule in RULES {
        assert!(
            names.contains(rule.id),
            "rule {} has no fixture tests/rules/{}.yaml",
            rule.id,
            rule.id
        );
    }
    for (name, fixture) in &fixtures {
        if let Some(rule) = RULES.iter().find(|r| r.id == name) {
            assert!(
                fixture.expect.iter().any(|e| e.rule == rule.id),
                "{name}.yaml does not expect a `{}` change",
                rule.id
            );
        }
    }
}

#[test]
fn the_rules_page_lists_every_rule_and_no_other() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diff-rules.md");
    let text = std::fs::read_to_string(&page).expect("docs/diff-rules.md exists");
    let listed: BTreeSet<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect();
    let known: BTreeSet<String> = RULES.iter().map(|r| r.id.to_owned()).collect();
    assert_eq!(listed, known, "docs/diff-rules.md and rules::RULES differ");
    for rule in RULES {
        let row = format!("| `{}` | {} |", rule.id, rule.level.as_str());
        assert!(
            text.contains(&row),
            "docs/diff-rules.md lacks the row start `{row}`"
        );
    }
}
