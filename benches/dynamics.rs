//! Benchmark: Blind-δ metrics at depth 2000 for representative PCFs of the 1,768,900-PCF space
//! (a, b of degree ≤ 2, coefficients in [−5, 5]), by `metrics` and by the exact path alone.

use apery::dynamics::{metrics, metrics_exact, MetricsConfig};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

mod common;

fn bench_metrics(c: &mut Criterion) {
    common::gmp_loops();
    // (name, a lowest-degree first, b lowest-degree first)
    let cases: [(&str, [i64; 3], [i64; 3]); 6] = [
        ("pi 3n+1, -2n^2+3n", [1, 3, 0], [0, 3, -2]),
        ("e n+3, n", [3, 1, 0], [0, 1, 0]),
        ("sqrt2 2, 1", [2, 0, 0], [1, 0, 0]),
        ("worst 5n^2+5n+5, 5n^2+5n+5", [5, 5, 5], [5, 5, 5]),
        (
            "factorial -5n^2-5n-5, -5n^2+5n-5",
            [-5, -5, -5],
            [-5, 5, -5],
        ),
        ("typical 2n^2-3n+1, -4n^2+n+2", [1, -3, 2], [2, 1, -4]),
    ];
    let mut group = c.benchmark_group("metrics_depth_2000");
    group.sample_size(20);
    for (name, a, b) in cases {
        group.bench_function(name, |bench| {
            bench.iter(|| metrics(black_box(&a), black_box(&b), 2000).unwrap())
        });
    }
    group.finish();
    // The same PCFs by the exact path alone (the fallback of `metrics`, and the method before the
    // certified tail): before/after in one run.
    let config = MetricsConfig::default();
    let mut group = c.benchmark_group("metrics_depth_2000_exact");
    group.sample_size(20);
    for (name, a, b) in cases {
        group.bench_function(name, |bench| {
            bench.iter(|| metrics_exact(black_box(&a), black_box(&b), &config).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_metrics);
criterion_main!(benches);
