//! The content of a matrix: the full gcd fold ([`IntMatrix::content`]) against the smooth part
//! found by word moduli ([`smooth_content`], and its one pass [`capped_smooth_content`]), on nodes of the ₄F₃ walk
//! (`pfq(4,3,1)`, trajectory and start (1,1,2,2,3,3,4), as in bench `cmf`) spanning
//! 8 to 500 steps from step 500: each node is the product of its two projective halves, as the
//! walk's product tree forms it. The set-up prints, for every node and bound, the share of the
//! content's bits the smooth part holds.

use apery::cmf::load;
use apery::cmf::walk::Walker;
use apery::matrix::content::{capped_smooth_content, smooth_content};
use apery::matrix::IntMatrix;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

mod common;

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

criterion_group!(benches, content);
criterion_main!(benches);
