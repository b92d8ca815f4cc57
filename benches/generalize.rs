//! The f, f̄ solver: a conservative matrix field from a PCF (linear system over ℚ, quadratic
//! condition by elimination, exact conservation check of the result).

use apery::cmf::ffbar::{solve, FfbarOptions};
use apery::pcf::Pcf;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

mod common;

fn ffbar(c: &mut Criterion) {
    common::gmp_loops();
    let mut g = c.benchmark_group("ffbar");
    let opts = FfbarOptions::default();
    for (name, a, b) in [
        ("PCF(2n+1, -n^2)", "2n+1", "-n^2"),
        ("log family PCF(-n+2, 6n^2)", "-n+2", "6n^2"),
        ("zeta2 line PCF(2n^2+2n+1, -n^4)", "2n^2+2n+1", "-n^4"),
        (
            "zeta3 line PCF((2n+1)(n^2+n+1), -n^6)",
            "(2n+1)(n^2+n+1)",
            "-n^6",
        ),
    ] {
        let pcf = Pcf::parse(a, b).unwrap();
        g.bench_function(format!("f, fbar from {name}"), |bch| {
            bch.iter(|| black_box(solve(black_box(&pcf), &opts).unwrap()))
        });
    }
    g.finish();
}

criterion_group!(benches, ffbar);
criterion_main!(benches);
