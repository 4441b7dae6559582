//! Making a failing case small before it is kept: proptest shrinks the
//! decision bytes, but a kept case should also read well, so each document
//! is cut down as a document — object members and array items removed, top
//! down, while the case still fails the same way — and bytes that do not
//! parse are cut in halving chunks. Bounded by a time budget; whatever is
//! reached by then is kept.

use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::case::Case;
use crate::exercise::exercise;

/// The panic message and place of the last panic on any thread, recorded
/// by [`quiet_panics`].
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Replaces the panic hook with one that records the message and place
/// instead of printing them (fuzzing panics on purpose, thousands of times).
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// Puts the default panic hook back, so a test's own failure is printed.
pub fn loud_panics() {
    drop(std::panic::take_hook());
}

/// How a case fails, in full: `None` when it passes. A panic is described
/// by the panic hook's text (place and message, when [`quiet_panics`] is
/// in force), a broken invariant by its message.
pub fn failure(case: &Case) -> Option<String> {
    if let Ok(mut last) = LAST_PANIC.lock() {
        *last = None;
    }
    match std::panic::catch_unwind(AssertUnwindSafe(|| exercise(case))) {
        Ok(Ok(())) => None,
        Ok(Err(broken)) => Some(broken),
        Err(_) => {
            let place = LAST_PANIC
                .lock()
                .ok()
                .and_then(|p| p.clone())
                .unwrap_or_default();
            Some(format!("panic {place}"))
        }
    }
}

/// What makes two failures the same: a panic's place (its message may
/// quote the input), a broken invariant's message up to the first colon.
pub fn signature(failure: &str) -> String {
    if failure.starts_with("panic") {
        // "panic panicked at crates/x/src/y.rs:12:5:\nmessage"
        failure.split('\n').next().unwrap_or("").to_owned()
    } else {
        failure.split(':').next().unwrap_or("").to_owned()
    }
}

/// A smaller case failing as `case` does (or `case` itself), within
/// `budget`.
pub fn minimize(case: &Case, budget: Duration) -> Case {
    let Some(first) = failure(case) else {
        return case.clone();
    };
    let expected = signature(&first);
    let deadline = Instant::now() + budget;
    let fails = |candidate: &Case| failure(candidate).is_some_and(|f| signature(&f) == expected);
    let mut best = case.clone();
    // Files other than the first may not be needed at all.
    let mut i = best.files.len();
    while i > 1 {
        i -= 1;
        let mut candidate = best.clone();
        candidate.files.remove(i);
        if Instant::now() < deadline && fails(&candidate) {
            best = candidate;
        }
    }
    if Instant::now() < deadline {
        let mut candidate = best.clone();
        candidate.choices.clear();
        if fails(&candidate) {
            best = candidate;
        }
    }
    for index in 0..best.files.len() {
        let parsed = specdex_spec::parse::parse_bytes("min", &best.files[index].bytes, u64::MAX);
        match parsed {
            Ok((value, _)) => {
                // As JSON first (smaller and plainer), if it still fails so.
                let mut value = value;
                let mut candidate = best.clone();
                candidate.files[index].bytes =
                    serde_json::to_vec_pretty(&value).unwrap_or_default();
                if !fails(&candidate) {
                    continue;
                }
                best = candidate;
                cut_value(&mut best, index, &mut value, &fails, deadline);
            }
            Err(_) => cut_bytes(&mut best, index, &fails, deadline),
        }
    }
    best
}

/// Removes members and items of the document in file `index` (held as
/// `value`) while the case still fails, breadth first.
fn cut_value(
    best: &mut Case,
    index: usize,
    value: &mut Value,
    fails: &dyn Fn(&Case) -> bool,
    deadline: Instant,
) {
    // Paths (child positions from the root) of nodes to try cutting under.
    let mut queue: Vec<Vec<usize>> = vec![Vec::new()];
    while let Some(path) = queue.pop() {
        let mut at = 0;
        loop {
            if Instant::now() >= deadline {
                return;
            }
            let len = node(value, &path).map_or(0, children);
            if at >= len {
                break;
            }
            let mut trial = value.clone();
            if let Some(parent) = node_mut(&mut trial, &path) {
                remove_child(parent, at);
            }
            let mut candidate = best.clone();
            candidate.files[index].bytes = serde_json::to_vec_pretty(&trial).unwrap_or_default();
            if fails(&candidate) {
                *best = candidate;
                *value = trial;
            } else {
                let mut child = path.clone();
                child.push(at);
                queue.insert(0, child);
                at += 1;
            }
        }
    }
}

fn children(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    }
}

fn node<'v>(value: &'v Value, path: &[usize]) -> Option<&'v Value> {
    let Some((&at, rest)) = path.split_first() else {
        return Some(value);
    };
    let child = match value {
        Value::Object(map) => map.values().nth(at),
        Value::Array(items) => items.get(at),
        _ => None,
    }?;
    node(child, rest)
}

fn node_mut<'v>(value: &'v mut Value, path: &[usize]) -> Option<&'v mut Value> {
    let Some((&at, rest)) = path.split_first() else {
        return Some(value);
    };
    let child = match value {
        Value::Object(map) => map.values_mut().nth(at),
        Value::Array(items) => items.get_mut(at),
        _ => None,
    }?;
    node_mut(child, rest)
}

fn remove_child(value: &mut Value, at: usize) {
    match value {
        Value::Object(map) => {
            if let Some(key) = map.keys().nth(at).cloned() {
                map.shift_remove(&key);
            }
        }
        Value::Array(items) if at < items.len() => {
            items.remove(at);
        }
        _ => {}
    }
}

/// Removes chunks of the bytes of file `index`, halving the chunk size,
/// while the case still fails.
fn cut_bytes(best: &mut Case, index: usize, fails: &dyn Fn(&Case) -> bool, deadline: Instant) {
    let mut chunk = best.files[index].bytes.len() / 2;
    while chunk > 0 {
        let mut start = 0;
        while start < best.files[index].bytes.len() {
            if Instant::now() >= deadline {
                return;
            }
            let mut candidate = best.clone();
            let bytes = &mut candidate.files[index].bytes;
            let end = (start + chunk).min(bytes.len());
            bytes.drain(start..end);
            if fails(&candidate) {
                *best = candidate;
            } else {
                start += chunk;
            }
        }
        chunk /= 2;
    }
}
