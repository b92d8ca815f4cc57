//! Conservative matrix fields: the ζ(3) diagonal as a deflated PCF, and an exact walk of depth 1000.

use apery::cmf::load;
use apery::cmf::to_pcf::trajectory_to_pcf;
use apery::cmf::walk::Walker;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

fn cmf(c: &mut Criterion) {
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

criterion_group!(benches, cmf);
criterion_main!(benches);
