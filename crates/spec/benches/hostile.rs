//! Work against input size for every hostile shape of `tests/hostile.rs`:
//! each shape read at 1, 2, 4 and 8 times its small size, throughput in
//! bytes, so a linear reader shows the same bytes per second at every size
//! and a quadratic one halves it with each doubling.
//!
//!   cargo bench -p specdex-spec --bench hostile
//!   cargo bench -p specdex-spec --bench hostile -- 'yaml flow'   # one shape

#[path = "../tests/hostile/shapes.rs"]
mod shapes;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn hostile(c: &mut Criterion) {
    for shape in shapes::all() {
        let mut group = c.benchmark_group(shape.name);
        group.sample_size(10);
        group.warm_up_time(Duration::from_millis(300));
        group.measurement_time(Duration::from_secs(1));
        for factor in [1, 2, 4, 8] {
            let size = shape.small * factor;
            let doc = (shape.build)(size);
            // Measure only what reads as the suite says it must.
            if let Some(wrong) = shape.expect.mismatch(&doc) {
                panic!("{} at {size}: {wrong}", shape.name);
            }
            group.throughput(Throughput::Bytes(doc.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(size), &doc, |b, doc| {
                b.iter(|| black_box(doc.read()).is_ok());
            });
        }
        group.finish();
    }
}

criterion_group!(benches, hostile);
criterion_main!(benches);
