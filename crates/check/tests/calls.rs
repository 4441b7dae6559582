//! Planned calls over real specifications (`../shared/specs`, or
//! `SPECDEX_CORPUS`), each valid or with exactly one realistic mistake:
//! `tests/calls.yaml` gives the call and the verdict, and for a mistake the
//! kind, field and place the first problem must name. Skips, saying so,
//! without the corpus.

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{checker, corpus};
use serde::Deserialize;
use serde_json::Value;
use specdex_check::{Checker, PlannedCall, Severity, Verdict};

/// Name → value pairs, written as a map or as a list of pairs (a name may
/// repeat).
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Pairs {
    #[default]
    None,
    Map(HashMap<String, String>),
    List(Vec<(String, String)>),
}

impl Pairs {
    fn into_vec(self) -> Vec<(String, String)> {
        match self {
            Pairs::None => Vec::new(),
            Pairs::Map(map) => {
                let mut pairs: Vec<_> = map.into_iter().collect();
                pairs.sort();
                pairs
            }
            Pairs::List(list) => list,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// The document, relative to the corpus.
    spec: String,
    /// `METHOD /concrete/path?query`.
    call: String,
    #[serde(default)]
    query: Pairs,
    #[serde(default)]
    headers: Pairs,
    #[serde(default)]
    cookies: Pairs,
    /// A JSON body, written as YAML.
    #[serde(default)]
    json: Option<Value>,
    /// A body as text (form-encoded, say).
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    /// `ok` (no problem at all) or the first problem expected.
    expect: Expect,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expect {
    Ok(String),
    Problem {
        kind: String,
        #[serde(default)]
        name: Option<String>,
        #[serde(default, rename = "in")]
        location: Option<String>,
        #[serde(default)]
        pointer: Option<String>,
        #[serde(default)]
        severity: Option<String>,
    },
}

impl Case {
    /// The planned call (the case keeps its expectation).
    fn planned(&mut self) -> PlannedCall {
        let (method, path) = self.call.split_once(' ').expect("call is METHOD /path");
        let body = match (&self.json, &self.text) {
            (Some(json), _) => Some(json.to_string()),
            (None, Some(text)) => Some(text.clone()),
            (None, None) => None,
        };
        PlannedCall {
            method: method.to_owned(),
            path: path.to_owned(),
            query: std::mem::take(&mut self.query).into_vec(),
            headers: std::mem::take(&mut self.headers).into_vec(),
            cookies: std::mem::take(&mut self.cookies).into_vec(),
            body,
            content_type: self.content_type.clone(),
        }
    }
}

fn load_cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calls.yaml"))
            .expect("tests/calls.yaml");
    yaml_serde::from_str(&text).expect("tests/calls.yaml parses")
}

fn first_line(verdict: &Verdict) -> String {
    serde_json::to_string_pretty(verdict).unwrap_or_default()
}

#[test]
fn planned_calls_get_the_right_verdict() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: corpus not found");
        return;
    };
    let mut checkers: HashMap<String, Checker> = HashMap::new();
    let mut failures = Vec::new();
    let cases = load_cases();
    let (mut valid, mut mistakes) = (0, 0);
    for mut case in cases {
        let checker = checkers
            .entry(case.spec.clone())
            .or_insert_with(|| checker(&corpus.join(&case.spec)));
        let call = case.planned();
        let verdict = checker.check(&call);
        let label = format!("{} {}", case.spec, case.call);
        match &case.expect {
            Expect::Ok(word) => {
                assert_eq!(word, "ok", "{label}: expect is `ok` or a problem");
                valid += 1;
                if !verdict.ok || !verdict.problems.is_empty() {
                    failures.push(format!(
                        "{label}: expected no problem, got {}",
                        first_line(&verdict)
                    ));
                }
            }
            Expect::Problem {
                kind,
                name,
                location,
                pointer,
                severity,
            } => {
                mistakes += 1;
                let Some(first) = verdict.problems.first() else {
                    failures.push(format!("{label}: expected {kind}, got no problem"));
                    continue;
                };
                let wrong = first.kind.name() != *kind
                    || name
                        .as_ref()
                        .is_some_and(|n| first.name.as_ref() != Some(n))
                    || location
                        .as_ref()
                        .is_some_and(|l| first.location.as_ref() != Some(l))
                    || pointer
                        .as_ref()
                        .is_some_and(|p| first.pointer.as_ref() != Some(p));
                let expected_severity = match severity.as_deref() {
                    Some("warning") => Severity::Warning,
                    _ => Severity::Error,
                };
                let errors = verdict
                    .problems
                    .iter()
                    .filter(|p| p.severity == Severity::Error)
                    .count();
                if wrong
                    || first.severity != expected_severity
                    || verdict.ok != (expected_severity == Severity::Warning)
                    || errors > 1
                {
                    failures.push(format!(
                        "{label}: expected {kind} {name:?} in {location:?} at {pointer:?}, got {}",
                        first_line(&verdict)
                    ));
                }
            }
        }
    }
    eprintln!("{valid} valid calls, {mistakes} with one mistake each");
    assert!(
        failures.is_empty(),
        "{} of {} calls:\n{}",
        failures.len(),
        valid + mistakes,
        failures.join("\n\n")
    );
    assert!(valid + mistakes >= 60, "the set holds at least 60 calls");
}
