//! Benchmarks: Berlekamp–Massey on 105 and 1000 terms, and the whole ESMA search for e
//! (d = 1, coefficients in [−2, 2], sign periods of length 2, depth 105) in both modes.

use apery::esma::{expand_value, search, EsmaConfig, Mode};
use apery::sequence::{berlekamp_massey, find_recurrence, MERSENNE_61};
use criterion::{criterion_group, criterion_main, Criterion};
use rug::{Float, Integer};
use std::hint::black_box;

mod common;

fn e(prec: u32) -> Float {
    Float::with_val(prec, 1).exp()
}

fn bench_bm(c: &mut Criterion) {
    common::gmp_loops();
    // Simple CF of e (105 terms) and a patternless sequence (simple CF of pi, 105 terms).
    let e105 = expand_value(&e(2000), &[1], 105).terms;
    let pi = Float::with_val(2000, rug::float::Constant::Pi);
    let pi105 = expand_value(&pi, &[1], 105).terms;
    // 1000 terms: e's simple CF continued by its recurrence.
    let rec = find_recurrence(&e105).expect("e has a recurrence");
    let e1000: Vec<Integer> = rec.extend(&e105, 1000).expect("extendable");
    c.bench_function("bm_105_terms_e_p199", |b| {
        b.iter(|| berlekamp_massey(black_box(&e105), 199))
    });
    c.bench_function("bm_105_terms_pi_p2^61-1", |b| {
        b.iter(|| berlekamp_massey(black_box(&pi105), MERSENNE_61))
    });
    c.bench_function("bm_1000_terms_e_p2^61-1", |b| {
        b.iter(|| berlekamp_massey(black_box(&e1000), MERSENNE_61))
    });
    c.bench_function("find_recurrence_1000_terms_e", |b| {
        b.iter(|| find_recurrence(black_box(&e1000)))
    });
}

fn bench_search(c: &mut Criterion) {
    common::gmp_loops();
    let mut group = c.benchmark_group("esma_search_e");
    group.sample_size(10);
    for (label, cfg) in [
        (
            "reference_mode_p199",
            EsmaConfig {
                depth: 105,
                ..EsmaConfig::reference()
            },
        ),
        (
            "correct_mode_p199",
            EsmaConfig {
                depth: 105,
                mode: Mode::Correct,
                ..EsmaConfig::reference()
            },
        ),
        (
            "default_p2^61-1_recheck",
            EsmaConfig {
                depth: 105,
                ..EsmaConfig::default()
            },
        ),
    ] {
        group.bench_function(label, |b| {
            b.iter(|| search("e", &e, black_box(&cfg), &|_, _| {}).expect("valid"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_bm, bench_search);
criterion_main!(benches);
