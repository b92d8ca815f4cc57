//! Benchmarks of `apery::identify`: Möbius table build (π, r = 20), table lookup throughput, and
//! PSLQ on 4 values at 100 digits.

use apery::identify::{pslq, MobiusTable, PslqConfig};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rug::float::Constant;
use rug::Float;
use std::hint::black_box;

mod common;

fn pi_target() -> Vec<(String, Float)> {
    vec![("π".to_string(), Float::with_val(128, Constant::Pi))]
}

fn table_build(c: &mut Criterion) {
    common::gmp_loops();
    let targets = pi_target();
    let mut g = c.benchmark_group("mobius_table");
    g.sample_size(10);
    g.bench_function("build_pi_r20", |b| {
        b.iter(|| MobiusTable::build(black_box(&targets), 20).unwrap())
    });
    g.finish();
}

fn table_lookup(c: &mut Criterion) {
    common::gmp_loops();
    let table = MobiusTable::build(&pi_target(), 20).unwrap();
    // 1000 pseudo-random queries in [-5, 5] per iteration.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let queries: Vec<f64> = (0..1000)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64 * 10.0 - 5.0
        })
        .collect();
    let mut g = c.benchmark_group("mobius_table");
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("lookup_1e-10", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for &x in &queries {
                hits += table.lookup(black_box(x), 1e-10).count();
            }
            hits
        })
    });
    g.bench_function("lookup_unfiltered_1e-10", |b| {
        b.iter(|| {
            let mut hits = 0usize;
            for &x in &queries {
                hits += table.lookup_unfiltered(black_box(x), 1e-10).count();
            }
            hits
        })
    });
    g.finish();
}

fn pslq_100_digits(c: &mut Criterion) {
    common::gmp_loops();
    let prec = 340 + 64;
    let pi = Float::with_val(prec, Constant::Pi);
    let zeta3 = Float::with_val(prec, Float::zeta_u(3));
    let x = Float::with_val(prec, 8 / Float::with_val(prec, &zeta3 * 7u32));
    let relation = vec![
        Float::with_val(prec, 1),
        zeta3.clone(),
        x.clone(),
        Float::with_val(prec, &x * &zeta3),
    ];
    let none = vec![
        Float::with_val(prec, 1),
        pi.clone(),
        zeta3.clone(),
        Float::with_val(prec, &pi * &zeta3),
    ];
    let mut g = c.benchmark_group("pslq");
    g.bench_function("relation_4x100d", |b| {
        b.iter(|| pslq(black_box(&relation), &PslqConfig::new(95, 1000)).unwrap())
    });
    g.bench_function("bound_proof_4x100d", |b| {
        b.iter(|| pslq(black_box(&none), &PslqConfig::new(95, 1000)).unwrap())
    });
    g.bench_function("bound_proof_4x100d_coeff_1e12", |b| {
        b.iter(|| pslq(black_box(&none), &PslqConfig::new(95, 1_000_000_000_000)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, table_build, table_lookup, pslq_100_digits);
criterion_main!(benches);
