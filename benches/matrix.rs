//! Matrix kernels of the walks, on real CMF step matrices.
//!
//! Group `short product`:
//! Exact products of short runs of CMF step matrices: the GMP product tree
//! (`apery::matrix::product::product`) against the fixed-width limb product
//! (`apery::matrix::limb::short_product`), on 8 consecutive steps `T_500 … T_507` of real walks:
//! the 3×3 ₄F₃ walk (1,1,2,2,3,3,4) of `benches/cmf.rs` and a 4×4 ₅F₄ walk.
//!
//! Group `content`:
//! The content of a matrix: the full gcd fold ([`IntMatrix::content`]) against the smooth part
//! found by word moduli ([`smooth_content`], and its one pass [`capped_smooth_content`]), on nodes of the ₄F₃ walk
//! (`pfq(4,3,1)`, trajectory and start (1,1,2,2,3,3,4), as in bench `cmf`) spanning
//! 8 to 500 steps from step 500: each node is the product of its two projective halves, as the
//! walk's product tree forms it. The set-up prints, for every node and bound, the share of the
//! content's bits the smooth part holds.

use apery::cmf::load;
use apery::cmf::walk::step_at;
use apery::cmf::walk::Walker;
use apery::matrix::content::{capped_smooth_content, smooth_content};
use apery::matrix::limb::short_product;
use apery::matrix::product::{product, Node};
use apery::matrix::IntMatrix;
use criterion::{criterion_group, criterion_main, Criterion};
use rug::{Integer, Rational};
use std::hint::black_box;
use std::time::Duration;

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

/// Spans of the nodes measured.
const SPANS: [u32; 7] = [8, 16, 32, 64, 125, 250, 500];

/// `log₂ |x|` (0 for |x| ≤ 1).
fn log2(x: &rug::Integer) -> f64 {
    if *x <= 1 {
        return 0.0;
    }
    let (m, e) = x.to_f64_exp();
    m.abs().log2() + f64::from(e)
}

fn content(c: &mut Criterion) {
    common::gmp_loops();
    let f43 = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let w = Walker::new(&f43).unwrap();
    let t = [1, 1, 2, 2, 3, 3, 4];
    let lo = 500;
    let mut g = c.benchmark_group("matrix content");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(2));
    for span in SPANS {
        let (l, hi) = (span as usize, lo + span as usize);
        let mid = lo + l / 2;
        let node: IntMatrix = w
            .steps_projective(&t, &t, lo, mid)
            .unwrap()
            .mul(&w.steps_projective(&t, &t, mid, hi).unwrap());
        let full = node.content();
        let bits = log2(&full);
        let width = node.e.iter().map(|x| x.significant_bits()).max().unwrap();
        let mut bounds = vec![50, 200, 1000, 4 * span];
        bounds.sort_unstable();
        bounds.dedup();
        let capped_bounds = [50, 4 * span];
        let share = |s: &rug::Integer| {
            assert!(full.is_divisible(s));
            100.0 * log2(s) / bits.max(1.0)
        };
        let shares: Vec<String> = bounds
            .iter()
            .map(|&b| format!("B={b}: {:.1}%", share(&smooth_content(&node.e, b))))
            .chain(capped_bounds.iter().map(|&b| {
                let s = capped_smooth_content(&node.e, b);
                format!("capped B={b}: {:.1}%", share(&s))
            }))
            .collect();
        eprintln!(
            "span {span}: entries ≤ {width} bits, content {bits:.0} bits; {}",
            shares.join(", ")
        );
        g.bench_function(format!("span {span}: content() (gcd fold)"), |b| {
            b.iter(|| black_box(black_box(&node).content()))
        });
        for bound in bounds {
            g.bench_function(format!("span {span}: smooth_content B={bound}"), |b| {
                b.iter(|| black_box(smooth_content(black_box(&node.e), bound)))
            });
        }
        for bound in capped_bounds {
            g.bench_function(
                format!("span {span}: capped_smooth_content B={bound}"),
                |b| b.iter(|| black_box(capped_smooth_content(black_box(&node.e), bound))),
            );
        }
    }
    g.finish();
}

criterion_group!(benches, short_products, content);
criterion_main!(benches);
