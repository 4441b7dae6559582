//! Checks per second on real specifications: distinct planned calls over
//! GitHub (JSON bodies, path templates) and Stripe (form bodies), each
//! checker built and its validators compiled once beforehand, as a
//! server keeps them. Needs `../shared/specs` (or `SPECDEX_CORPUS`); says so
//! and measures nothing without it.
//!
//!   cargo bench -p specdex-check --bench check

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use common::{checker, corpus};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use specdex_check::PlannedCall;

fn call(method: &str, path: &str, headers: &[(&str, &str)], body: Option<String>) -> PlannedCall {
    PlannedCall {
        method: method.to_owned(),
        path: path.to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body,
        ..PlannedCall::default()
    }
}

/// A mix of valid calls and calls with one mistake, varied by `n` so no
/// two calls in a row are the same.
fn github_calls() -> Vec<PlannedCall> {
    (0..200)
        .flat_map(|n| {
            [
                call(
                    "GET",
                    &format!("/repos/octocat/repo-{n}/pulls/{n}"),
                    &[],
                    None,
                ),
                call(
                    "GET",
                    &format!(
                        "/repos/octocat/repo-{n}/pulls?state=open&per_page={}",
                        n % 100
                    ),
                    &[],
                    None,
                ),
                call(
                    "GET",
                    &format!("/repos/octocat/repo-{n}/pulls?state=opened{n}"),
                    &[],
                    None,
                ),
                call(
                    "POST",
                    &format!("/repos/octocat/repo-{n}/issues"),
                    &[],
                    Some(format!(
                        r#"{{"title":"Bug {n}","body":"It crashes","labels":["bug"]}}"#
                    )),
                ),
                call(
                    "POST",
                    &format!("/repos/octocat/repo-{n}/issues"),
                    &[],
                    Some(format!(r#"{{"body":"missing title {n}"}}"#)),
                ),
                call(
                    "GET",
                    &format!("/search/repositories?q=tetris{n}&sort=stars"),
                    &[],
                    None,
                ),
                call(
                    "GET",
                    &format!("/repos/octocat/repo-{n}/pull/{n}"),
                    &[],
                    None,
                ),
            ]
        })
        .collect()
}

fn stripe_calls() -> Vec<PlannedCall> {
    let key = [("Authorization", "Bearer sk_test")];
    (0..200)
        .flat_map(|n| {
            [
                call(
                    "POST",
                    "/v1/payment_intents",
                    &key,
                    Some(format!(
                        "amount={}&currency=usd&payment_method_types[]=card&metadata[order]={n}",
                        100 + n
                    )),
                ),
                call(
                    "POST",
                    "/v1/payment_intents",
                    &key,
                    Some(format!("currency=usd&capture_method=later{n}")),
                ),
                call(
                    "POST",
                    "/v1/customers",
                    &key,
                    Some(format!(
                        "email=jenny{n}%40example.com&name=Jenny&metadata[order_id]={n}"
                    )),
                ),
                call(
                    "POST",
                    "/v1/subscriptions",
                    &key,
                    Some(format!(
                        "customer=cus_{n}&items[0][price]=price_{n}&items[0][quantity]={}",
                        n % 9 + 1
                    )),
                ),
                call(
                    "GET",
                    &format!(
                        "/v1/customers?limit={}&email=a{n}%40example.com",
                        n % 100 + 1
                    ),
                    &key,
                    None,
                ),
                call(
                    "GET",
                    &format!("/v1/customers/cus_{n}?expand[]=default_source"),
                    &key,
                    None,
                ),
                call("DELETE", &format!("/v1/charges/ch_{n}"), &key, None),
            ]
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let Some(dir) = corpus() else {
        eprintln!("skipped: corpus not found");
        return;
    };
    for (name, spec, calls) in [
        ("github", "github/api.github.com.json", github_calls()),
        ("stripe", "stripe/spec3.yaml", stripe_calls()),
    ] {
        let checker = checker(&dir.join(spec));
        // Compile what the calls need, as a running server would have.
        for planned in &calls {
            checker.check(planned);
        }
        let mut group = c.benchmark_group(format!("check/{name}"));
        group.throughput(Throughput::Elements(calls.len() as u64));
        group.bench_function("mixed calls", |b| {
            b.iter(|| {
                for planned in &calls {
                    black_box(checker.check(black_box(planned)));
                }
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
