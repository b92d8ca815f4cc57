//! Hot loops of the PCF engine: the first pass (PCFs per second on one core), exact convergents of
//! Apéry's PCF, and honest evaluation to 100 digits.

use apery::enumerate::Enumerator;
use apery::pcf::convergents::Convergents;
use apery::pcf::limit::{evaluate, EvalOptions};
use apery::pcf::Pcf;
use apery::space::SearchSpace;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rug::ops::Pow;
use std::hint::black_box;
use std::path::Path;

mod common;

fn first_pass(c: &mut Criterion) {
    common::gmp_loops();
    let space = SearchSpace::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/search-spaces/pi-classic.toml"
    )))
    .unwrap();
    let e = Enumerator::new(&space).unwrap();
    let n = 200_000u64;
    let start = e.size() / 3;
    let mut g = c.benchmark_group("first_pass");
    g.throughput(Throughput::Elements(n));
    g.bench_function(
        "scan 200k PCFs (deg a 2, deg b 3) at depth 32, one core",
        |b| {
            b.iter(|| {
                let mut acc = 0.0;
                e.scan(start..start + n, |_, _, _, s| {
                    if let apery::pcf::first_pass::Screen::Value { x, .. } = s {
                        acc += x;
                    }
                });
                black_box(acc)
            })
        },
    );
    // The path of the search: the screens of a block of PCFs sharing a(n) at once, without the
    // coefficients of each PCF.
    g.bench_function(
        "scan_blocks 200k PCFs (deg a 2, deg b 3) at depth 32, one core",
        |b| {
            b.iter(|| {
                let mut acc = 0.0;
                e.scan_blocks(start..start + n, |blk| {
                    for (_, s) in blk.kept() {
                        if let apery::pcf::first_pass::Screen::Value { x, .. } = s {
                            acc += x;
                        }
                    }
                });
                black_box(acc)
            })
        },
    );
    g.finish();
}

fn convergents(c: &mut Criterion) {
    common::gmp_loops();
    let apery = Pcf::parse("34n^3+51n^2+27n+5", "-n^6").unwrap();
    c.bench_function("exact convergents of Apéry's PCF to depth 1000", |b| {
        b.iter(|| black_box(Convergents::new(&apery, 1000)))
    });
    // The 2×2 product of the convergent tree by the definition (8 products) and by
    // Strassen–Winograd (7 products, 15 additions), at the entry widths of its levels: where the
    // second wins is `FAST_MUL2_BITS`.
    let mut g = c.benchmark_group("2x2 product");
    for bits in [512u32, 1024, 2048, 4096, 8192, 16384] {
        let m = |seed: u32| -> Vec<rug::Integer> {
            (0..4u32)
                .map(|k| {
                    let x = rug::Integer::from(3 + 2 * (seed + k)).pow(bits / 2);
                    x.keep_bits(bits) - (1u32 << k)
                })
                .collect()
        };
        let (a, b) = (m(0), m(4));
        g.bench_function(format!("definition, {bits} bits"), |bch| {
            bch.iter(|| {
                black_box([
                    rug::Integer::from(&a[0] * &b[0]) + &a[1] * &b[2],
                    rug::Integer::from(&a[0] * &b[1]) + &a[1] * &b[3],
                    rug::Integer::from(&a[2] * &b[0]) + &a[3] * &b[2],
                    rug::Integer::from(&a[2] * &b[1]) + &a[3] * &b[3],
                ])
            })
        });
        g.bench_function(format!("Strassen-Winograd, {bits} bits"), |bch| {
            bch.iter(|| black_box(apery::matrix::winograd(&a, &b)))
        });
    }
    g.finish();
    let opts = EvalOptions {
        digits: 100,
        ..Default::default()
    };
    c.bench_function("honest limit of Apéry's PCF to 100 digits", |b| {
        b.iter(|| black_box(evaluate(&apery, &opts).unwrap()))
    });
}

/// The whole pipeline on the ~4 million PCFs of `pi-classic` (a of degree 2, b of degree 3): enumeration,
/// first pass, table lookups, verification and the catalog (in memory), on all cores.
fn end_to_end(c: &mut Criterion) {
    common::gmp_loops();
    let space = SearchSpace::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/search-spaces/pi-classic.toml"
    )))
    .unwrap();
    let searcher = apery::search::Searcher::new(&space).unwrap();
    let mut g = c.benchmark_group("end_to_end");
    g.sample_size(10);
    g.throughput(Throughput::Elements(searcher.enumerator().size()));
    g.bench_function("search pi-classic (3,969,405 PCFs), all cores", |b| {
        b.iter(|| {
            let mut cat = apery::catalog::Catalog::in_memory().unwrap();
            black_box(searcher.run(&mut cat, 0..u64::MAX, &|_| {}).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, first_pass, convergents, end_to_end);
criterion_main!(benches);
