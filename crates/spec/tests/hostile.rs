//! Hostile documents: whatever a document holds, reading it costs time
//! linear in its size. Each shape is read at a small size and at ten times
//! that size, and the larger read may take at most the size ratio times a
//! generous constant times the smaller one (plus a floor for timer noise):
//! a bound derived from a linear baseline on this machine, not a wall clock.

#[path = "hostile/shapes.rs"]
mod shapes;

use std::time::{Duration, Instant};

use shapes::Document;

/// How many times the smaller input's time per byte the larger may spend.
const SLACK: f64 = 4.0;
/// Below this, differences are timer and scheduler noise.
const FLOOR: Duration = Duration::from_millis(20);

/// The fastest of three reads: the least disturbed by other work.
fn time(doc: &Document) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let _ = doc.read();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

#[test]
fn every_hostile_shape_costs_time_linear_in_its_size() {
    let mut failures = Vec::new();
    for shape in shapes::all() {
        let small = (shape.build)(shape.small);
        let large = (shape.build)(shape.small * 10);
        for doc in [&small, &large] {
            if let Some(wrong) = shape.expect.mismatch(doc) {
                failures.push(format!("{} ({} bytes): {wrong}", shape.name, doc.len()));
            }
        }
        let (small_time, large_time) = (time(&small), time(&large));
        let ratio = large.len() as f64 / small.len() as f64;
        let bound = small_time.mul_f64(ratio * SLACK) + FLOOR;
        println!(
            "{:<32} {:>9} B {:>10.2?}   {:>10} B {:>10.2?}   bound {:>10.2?}",
            shape.name,
            small.len(),
            small_time,
            large.len(),
            large_time,
            bound
        );
        if large_time > bound {
            failures.push(format!(
                "{}: {} bytes took {large_time:?}, over {bound:?} ({} bytes took {small_time:?})",
                shape.name,
                large.len(),
                small.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
