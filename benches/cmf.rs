//! Conservative matrix fields: the ζ(3) diagonal as a deflated PCF, exact walks of depth 1000, and
//! every case of ramanujantools 0.0.8's `cmf/cmf_benchmark.py` (trajectory matrices of e, pFq(2,2,−1),
//! pFq(3,2,1), pFq(4,3,1), the pFq(8,7,1) Brown–Zudilin trajectory, the 4F3 walk to depth 1000 and
//! the sub-field of 3F3). apery evaluates the trajectory matrix at a point (`T(19)`, the point
//! that file's digest compares) instead of building it symbolically; `tests/cmf_pfq.rs` checks that
//! every one equals ramanujantools' matrix.

use apery::cmf::load;
use apery::cmf::to_pcf::{sub_cmf, trajectory_to_pcf};
use apery::cmf::walk::{step_at, Walker};
use criterion::{criterion_group, criterion_main, Criterion};
use rug::Rational;
use std::hint::black_box;

mod common;

fn cmf(c: &mut Criterion) {
    common::gmp_loops();
    let zeta3 = load("zeta3").unwrap().build(&[]).unwrap();
    let mut g = c.benchmark_group("cmf");
    g.bench_function("zeta3 trajectory (1,1) from (1,1) -> deflated PCF", |b| {
        b.iter(|| {
            let r = trajectory_to_pcf(black_box(&zeta3), &[1, 1], &[1, 1]).unwrap();
            black_box(r.pcf)
        })
    });
    let walker = Walker::new(&zeta3).unwrap();
    g.bench_function("zeta3 walk (1,1) from (1,1), depth 1000 (value)", |b| {
        b.iter(|| {
            black_box(
                walker
                    .walk_projective(black_box(&[1, 1]), &[1, 1], 1000)
                    .unwrap(),
            )
        })
    });
    g.bench_function(
        "zeta3 walk (1,1) from (1,1), depth 1000, exact with scale",
        |b| b.iter(|| black_box(walker.walk(black_box(&[1, 1]), &[1, 1], 1000).unwrap())),
    );
    g.bench_function("zeta3 walk (2,1) from (1,1), depth 1000 (value)", |b| {
        b.iter(|| {
            black_box(
                walker
                    .walk_projective(black_box(&[2, 1]), &[1, 1], 1000)
                    .unwrap(),
            )
        })
    });
    g.finish();
}

/// The cases of ramanujantools' `cmf_benchmark.py`: (name, field, trajectory, start).
fn peer_cases() -> Vec<(&'static str, &'static str, Vec<i64>, Vec<Rational>)> {
    let r = |v: &[i64]| v.iter().map(|&x| Rational::from(x)).collect::<Vec<_>>();
    let half = |k: i64| Rational::from((k, 2));
    vec![
        ("e", "e", vec![1, 1], r(&[1, 1])),
        (
            "2f2_euler",
            "pfq(2,2,-1)",
            vec![1, 1, 0, -1],
            r(&[1, 1, -1, -1]),
        ),
        (
            "2f2_deep",
            "pfq(2,2,-1)",
            vec![12, 13, -14, 20],
            r(&[1, 1, -1, 1]),
        ),
        (
            "3f2",
            "pfq(3,2,1)",
            vec![5, 5, 5, 10, 10],
            r(&[2, 2, 2, 4, 4]),
        ),
        (
            "3f2_rational",
            "pfq(3,2,1)",
            vec![5, 5, 5, 10, 10],
            vec![half(1), half(1), half(1), half(3), half(3)],
        ),
        (
            "3f2_perturbed",
            "pfq(3,2,1)",
            vec![5, 6, 5, 10, 11],
            r(&[2, 2, 2, 4, 4]),
        ),
        (
            "4f3",
            "pfq(4,3,1)",
            vec![1, 1, 2, 2, 3, 3, 4],
            r(&[1, 1, 2, 2, 3, 3, 4]),
        ),
        (
            "4f3_huge",
            "pfq(4,3,1)",
            vec![-1, 1, 2, -2, 3, 7, 4],
            r(&[-1, 1, 2, -2, 3, 7, 4]),
        ),
        (
            "4f3_adversarial_shards",
            "pfq(4,3,1)",
            vec![0, 1, 1, 1, 1, 1, 1],
            r(&[1, 1, 1, 1, 2, 2, 3]),
        ),
        (
            "8f7_brown_zudilin",
            "pfq(8,7,1)",
            vec![42, 17, 16, 15, 14, 13, 12, 11, 24, 25, 26, 27, 28, 29, 30],
            r(&[5, 2, 2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 4]),
        ),
    ]
}

fn ramanujantools_cases(c: &mut Criterion) {
    common::gmp_loops();
    let mut g = c.benchmark_group("ramanujantools cmf_benchmark");
    for (name, field, traj, start) in peer_cases() {
        let cmf = load(field).unwrap().build(&[]).unwrap();
        g.bench_function(format!("trajectory matrix {name} (T(19), exact)"), |b| {
            b.iter(|| black_box(step_at(black_box(&cmf), &traj, &start, 19).unwrap()))
        });
    }
    let f43 = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let t = [1, 1, 2, 2, 3, 3, 4];
    // A new walker per iteration; the polynomial step of a generated pFq field is built by the
    // first iteration only (it is shared by every walker of the process, as ramanujantools caches
    // a field's trajectory matrix).
    g.bench_function("walk 4f3 (1,1,2,2,3,3,4) depth 1000 (projective)", |b| {
        b.iter(|| {
            let w = Walker::new(&f43).unwrap();
            black_box(w.walk_projective(black_box(&t), &t, 1000).unwrap())
        })
    });
    let f33 = load("pfq(3,3,-1)").unwrap().build(&[]).unwrap();
    let basis = vec![
        vec![0, 1, 0, 0, 1, -1],
        vec![1, 0, 1, 0, 0, 0],
        vec![0, 0, 0, 0, 1, 1],
        vec![1, 0, 0, 1, 0, 0],
    ];
    let names: Vec<String> = ["a0", "a1", "b0", "b1"].map(String::from).to_vec();
    g.bench_function("sub_cmf 3f3 (symbolic, 4 axes)", |b| {
        b.iter(|| black_box(sub_cmf(black_box(&f33), &basis, &names).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, cmf, ramanujantools_cases);
criterion_main!(benches);
