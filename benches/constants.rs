//! Benchmarks of the constant library: ζ(3) and Catalan's constant at 10,000 digits (fresh computation,
//! bypassing the cache through `evaluate` of the defining function) and a Bessel ratio at 1000 digits.

use apery::constants::{evaluate, Expr};
use criterion::{criterion_group, criterion_main, Criterion};
use rug::float::Constant;
use rug::Float;
use std::hint::black_box;

mod common;

fn bits(digits: u32) -> u32 {
    (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32 + 16
}

fn constants(c: &mut Criterion) {
    common::gmp_loops();
    let p10k = bits(10_000);
    let mut g = c.benchmark_group("constants");
    g.sample_size(10);
    g.bench_function("zeta(3) 10000 digits", |b| {
        let e = Expr::parse("zeta(3)").unwrap();
        b.iter(|| black_box(e.eval(black_box(p10k)).unwrap()))
    });
    g.bench_function("catalan 10000 digits (MPFR, cache freed)", |b| {
        b.iter(|| {
            // MPFR caches Catalan's constant per thread; free it so every iteration computes it.
            // SAFETY: no MPFR constant cache is borrowed while this runs.
            unsafe { gmp_mpfr_sys::mpfr::free_cache() };
            black_box(Float::with_val(black_box(p10k), Constant::Catalan))
        })
    });
    g.bench_function("polygamma(1,1/4) 1000 digits", |b| {
        let e = Expr::parse("polygamma(1, 1/4)").unwrap();
        b.iter(|| black_box(e.eval(bits(1000)).unwrap()))
    });
    g.bench_function("besseli(0,2/3)/besseli(1,2/3) 1000 digits", |b| {
        let e = Expr::parse("besseli(0,2/3)/besseli(1,2/3)").unwrap();
        b.iter(|| black_box(e.eval(black_box(bits(1000))).unwrap()))
    });
    g.bench_function("R17 limit 1000 digits (cached constants)", |b| {
        let src = "716788855031296198695698971638683237217898375537365803335680000000000/(426654719836504931 - 465797757632857650*catalan)";
        b.iter(|| black_box(evaluate(src, bits(1000)).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, constants);
criterion_main!(benches);
