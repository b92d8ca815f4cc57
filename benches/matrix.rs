//! Exact products of short runs of CMF step matrices: the GMP product tree
//! (`apery::matrix::product::product`) against the fixed-width limb product
//! (`apery::matrix::limb::short_product`), on 8 consecutive steps `T_500 … T_507` of real walks:
//! the 3×3 ₄F₃ walk (1,1,2,2,3,3,4) of `benches/cmf.rs` and a 4×4 ₅F₄ walk.

use apery::cmf::load;
use apery::cmf::walk::step_at;
use apery::matrix::limb::short_product;
use apery::matrix::product::{product, Node};
use apery::matrix::IntMatrix;
use criterion::{criterion_group, criterion_main, Criterion};
use rug::{Integer, Rational};
use std::hint::black_box;

mod common;

/// The step `T_k` of the walk of `field` along `traj` from `traj`, scaled to a primitive integer
/// matrix, as the walk keeps it: machine integers when every entry fits an `i128`.
fn step(field: &str, traj: &[i64], k: i64) -> Node {
    let cmf = load(field).unwrap().build(&[]).unwrap();
    let start: Vec<Rational> = traj.iter().map(|&t| Rational::from(t)).collect();
    let r = step_at(&cmf, traj, &start, k).unwrap();
    let den = r.iter().fold(Integer::from(1), |l, x| l.lcm(x.denom()));
    let mut e: Vec<Integer> = r
        .iter()
        .map(|x| Rational::from(x * &den).into_numer_denom().0)
        .collect();
    let g = e.iter().fold(Integer::new(), |g, x| g.gcd(x));
    for x in &mut e {
        x.div_exact_mut(&g);
    }
    let dim = (e.len() as f64).sqrt() as usize;
    match e.iter().map(Integer::to_i128).collect::<Option<Vec<_>>>() {
        Some(s) => Node::Small(dim, s),
        None => Node::Big(IntMatrix { dim, e }),
    }
}

fn short_products(c: &mut Criterion) {
    common::gmp_loops();
    let cases: [(&str, &str, Vec<i64>); 2] = [
        (
            "3x3 4f3 (1,1,2,2,3,3,4)",
            "pfq(4,3,1)",
            vec![1, 1, 2, 2, 3, 3, 4],
        ),
        (
            "4x4 5f4 (1,1,2,2,3,3,4,4,5)",
            "pfq(5,4,1)",
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5],
        ),
    ];
    let mut g = c.benchmark_group("short product");
    for (name, field, traj) in cases {
        let ms: Vec<Node> = (500..508).map(|k| step(field, &traj, k)).collect();
        let d = match &ms[0] {
            Node::Small(d, _) => *d,
            Node::Big(m) => m.dim,
        };
        assert_eq!(short_product(&ms), Some(product(&ms, d)));
        g.bench_function(format!("{name} T_500..T_507, GMP tree"), |b| {
            b.iter(|| black_box(product(black_box(&ms), d)))
        });
        g.bench_function(format!("{name} T_500..T_507, limbs"), |b| {
            b.iter(|| black_box(short_product(black_box(&ms))))
        });
    }
    g.finish();
}

criterion_group!(benches, short_products);
criterion_main!(benches);
