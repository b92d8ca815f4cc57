//! The logarithms the Blind-δ recipe reads at its sample points (algorithms.md §9.2), computed
//! either exactly or — much faster at depth 2000 — from exact convergents up to the last sample
//! point S and a certified approximation of the tail M(S+1)···M(D).
//!
//! Notation: Πₙ = A·M(1)···M(n) = [[pₙ₋₁, pₙ], [qₙ₋₁, qₙ]] with A = [[1, a(0)], [0, 1]] and
//! M(k) = [[0, b(k)], [1, a(k)]]; list index x holds the convergent of depth n = x − 1.
//!
//! For n < N with T = M(n+1)···M(N) = [[t₀₀, t₀₁], [t₁₀, t₁₁]], Π_N = Πₙ·T gives
//! p_N = pₙ₋₁t₀₁ + pₙt₁₁, q_N = qₙ₋₁t₀₁ + qₙt₁₁, hence the cross term
//!
//! p_N·qₙ − pₙ·q_N = t₀₁·(pₙ₋₁qₙ − pₙqₙ₋₁) = t₀₁·det Πₙ = t₀₁·∏_{k=1}^{n} (−b(k)).
//!
//! So no product of two full-size convergents is needed. The column (t₀₁, t₁₁)ᵀ = T·e₁ and the
//! values at D are carried as [`IntBall`]s of a few hundred bits, multiplied by exact blocks of 64
//! steps (error bounds pass through entry-wise absolute values only at block joins). Every value
//! taken from a ball (the truncated mantissa behind `ln_abs`, the 256-bit rounding of the limit,
//! a sign, the |L| ≥ 1000 test) is certified to be the one the exact integers give; when a ball
//! cannot certify it (heavy cancellation, a value that is exactly 0 or sits on a rounding
//! boundary) the exact computation is used instead.
//! The fast path therefore returns bit-identical metrics.

use rug::{Assign, Float, Integer};
use std::cmp::Ordering;

use super::ball::IntBall;
use super::column_gcd::{column_gcd, ColumnFacts};
use super::convergents::poly_at;
use super::delta::ln_abs;
use super::metrics::LIMIT_BOUND;
use crate::pcf::convergents::{step_product, Mat2};
use crate::pcf::Pcf;

/// Working precision of the balls in bits (the limit is read to 256 bits).
pub(crate) const BALL_PREC: u32 = 384;
/// Precision of the limit L = P\[D\]/Q\[D\] as a float.
pub(crate) const LIMIT_PREC: u32 = 256;
/// Steps per exact block of the tail product.
const TAIL_BLOCK: usize = 64;

/// The recipe's raw readings at the sample points.
#[derive(Debug, Clone)]
pub(crate) enum Measured {
    /// Q\[D\] = 0.
    ZeroDenominator,
    /// |P\[D\]| ≥ 1000·|Q\[D\]|.
    LargeLimit,
    /// The logarithms at the sample points.
    Values(Values),
}

/// Logarithms at the sample points X (list indices) and at D.
#[derive(Debug, Clone)]
pub(crate) struct Values {
    /// L = P\[D\]/Q\[D\] at 256 bits (each of P\[D\], Q\[D\] rounded to 256 bits first).
    pub limit: Float,
    /// ln|Q\[D\]|.
    pub ln_qd: f64,
    /// ln|Q\[x\]| per sample point.
    pub ln_q: Vec<f64>,
    /// ln|Q\[x\]| − ln gcd(P\[x\], Q\[x\]) per sample point.
    pub ln_q_red: Vec<f64>,
    /// ln|P\[D\]·Q\[x\] − P\[x\]·Q\[D\]| − ln|Q\[D\]| − ln|Q\[x\]| per sample point.
    pub z: Vec<f64>,
    /// ln| |P\[D\]|·|Q\[S\]| − |P\[S\]|·|Q\[D\]| |, `None` when P\[S\] = 0 or the difference is 0.
    pub ln_blind: Option<f64>,
}

/// ln gcd(p, q) as the recipe takes it (gcd taken as 1 for list indices ≤ 1).
fn ln_gcd(j: usize, p: &Integer, q: &Integer) -> f64 {
    if j <= 1 {
        0.0
    } else {
        ln_abs(&Integer::from(p.gcd_ref(q)))
    }
}

/// The readings from exact list entries `saved` = (k, P\[k\], Q\[k\]) containing every sample
/// point of `xs` and D = `d`: full-size cross products and gcds (the recipe as written).
pub(crate) fn measure_exact(
    saved: &[(usize, Integer, Integer)],
    d: usize,
    xs: &[usize],
) -> Measured {
    let entry = |k: usize| -> (&Integer, &Integer) {
        let (_, p, q) = saved
            .iter()
            .find(|(s, _, _)| *s == k)
            .expect("every sample list entry was saved by the walk");
        (p, q)
    };
    let (p_d, q_d) = entry(d);
    if q_d.is_zero() {
        return Measured::ZeroDenominator;
    }
    if Integer::from(p_d.abs_ref()) >= Integer::from(q_d.abs_ref()) * LIMIT_BOUND {
        return Measured::LargeLimit;
    }
    let limit = Float::with_val(LIMIT_PREC, p_d) / Float::with_val(LIMIT_PREC, q_d);
    let ln_qd = ln_abs(q_d);
    let mut ln_q = Vec::with_capacity(xs.len());
    let mut ln_q_red = Vec::with_capacity(xs.len());
    let mut z = Vec::with_capacity(xs.len());
    for &j in xs {
        let (p, q) = entry(j);
        let lq = ln_abs(q);
        ln_q.push(lq);
        ln_q_red.push(lq - ln_gcd(j, p, q));
        let num = Integer::from(p_d * q) - Integer::from(p * q_d);
        z.push(ln_abs(&num) - ln_qd - lq);
    }
    let (p_s, q_s) = entry(*xs.last().expect("five sample points"));
    let ln_blind = if p_s.is_zero() {
        None
    } else {
        let num = Integer::from(p_d.abs_ref()) * Integer::from(q_s.abs_ref())
            - Integer::from(p_s.abs_ref()) * Integer::from(q_d.abs_ref());
        (!num.is_zero()).then(|| ln_abs(&num))
    };
    Measured::Values(Values {
        limit,
        ln_qd,
        ln_q,
        ln_q_red,
        z,
        ln_blind,
    })
}

/// The readings by the fast path (exact prefix to S, certified balls beyond), or `None` when
/// the balls cannot certify some value, a(n) or b(n) leaves i64, or S = D. `prec` is the ball
/// precision in bits ([`BALL_PREC`]; smaller values only make `None` likelier).
pub(crate) fn measure_fast(
    a: &[i64],
    b: &[i64],
    d: usize,
    xs: &[usize],
    prec: u32,
) -> Option<Measured> {
    let s = *xs.last()?;
    if xs.first()? < &2 || s >= d || xs.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    // Depths of the sample convergents and of the last one.
    let ns: Vec<usize> = xs.iter().map(|x| x - 1).collect();
    let n_s = s - 1;
    let n_d = d - 1;
    let pcf = Pcf::from_i64(a, b);

    // Exact prefix: Π at every sample depth, keeping the segments between them.
    let mut pi = Mat2([
        Integer::from(1),
        pcf.a.eval(0),
        Integer::new(),
        Integer::from(1),
    ]);
    let mut segs: Vec<Mat2> = Vec::with_capacity(ns.len());
    let mut cols: Vec<(Integer, Integer)> = Vec::with_capacity(ns.len());
    let ball = |x: &Integer| IntBall::from_int(x, prec);
    let mut prev = 0;
    let last = ns.len() - 1;
    // At S only the column (p, q) is needed exactly; (p_{S−1}, q_{S−1}) only as balls.
    let mut prev_col0 = (ball(&pi.0[0]), ball(&pi.0[2]));
    for (i, &n) in ns.iter().enumerate() {
        let seg = step_product(&pcf, prev + 1, n);
        if i < last {
            pi = pi.mul(&seg);
            cols.push((pi.0[1].clone(), pi.0[3].clone()));
        } else {
            let [s00, s01, s10, s11] = &seg.0;
            let [x00, x01, x10, x11] = &pi.0;
            let col = |x: &Integer, y: &Integer, s: &Integer, t: &Integer| {
                let mut r = Integer::from(x * s);
                r += y * t;
                r
            };
            cols.push((col(x00, x01, s01, s11), col(x10, x11, s01, s11)));
            let (b00, b10) = (ball(s00), ball(s10));
            prev_col0 = (
                ball(x00).mul(&b00).add(&ball(x01).mul(&b10)),
                ball(x10).mul(&b00).add(&ball(x11).mul(&b10)),
            );
        }
        segs.push(seg);
        prev = n;
    }

    // Tail column T·e₁ for T = M(n_S+1)···M(n_D).
    let (u, v) = tail_column(a, b, n_s + 1, n_d, prec)?;
    let (p_sm1, q_sm1) = &prev_col0;
    let (p_s, q_s) = &cols[last];
    let p_d = p_sm1.mul(&u).add(&ball(p_s).mul(&v));
    let q_d = q_sm1.mul(&u).add(&ball(q_s).mul(&v));
    let sign_qd = q_d.sign()?;
    if sign_qd == Ordering::Equal {
        return None;
    }
    if p_d.abs_ge_times(u32::try_from(LIMIT_BOUND).ok()?, &q_d)? {
        return Some(Measured::LargeLimit);
    }
    let limit = p_d.to_float(LIMIT_PREC)? / q_d.to_float(LIMIT_PREC)?;
    let ln_qd = q_d.ln_abs()?;

    // det Πₙ = ∏_{k=1}^{n} (−b(k)) at every sample depth.
    let (dets, facts) = determinants(b, &ns, prec)?;

    // Walk the sample points from S down, carrying the column c = M(n+1)···M(n_D)·e₁.
    let k = xs.len();
    let mut ln_q = vec![0.0; k];
    let mut ln_q_red = vec![0.0; k];
    let mut z = vec![0.0; k];
    let mut ln_num_s = f64::NAN;
    let (mut c0, mut c1) = (u, v);
    for i in (0..k).rev() {
        let (p, q) = &cols[i];
        let lq = ln_abs(q);
        ln_q[i] = lq;
        ln_q_red[i] = if xs[i] <= 1 {
            lq
        } else {
            lq - ln_abs(&column_gcd(p, q, ns[i], b, facts[i]))
        };
        let ln_num = c0.mul(&dets[i]).ln_abs()?;
        if i == k - 1 {
            ln_num_s = ln_num;
        }
        z[i] = ln_num - ln_qd - lq;
        if i > 0 {
            // c ← seg_i·c with seg_i = M(n_{i−1}+1)···M(n_i).
            let [s00, s01, s10, s11] = &segs[i].0;
            let n0 = ball(s00).mul(&c0).add(&ball(s01).mul(&c1));
            let n1 = ball(s10).mul(&c0).add(&ball(s11).mul(&c1));
            c0 = n0;
            c1 = n1;
        }
    }

    // |P_D|·|Q_S| − |P_S|·|Q_D|: equal in magnitude to the cross term P_D·Q_S − P_S·Q_D when
    // sign(P_D·Q_D) = sign(P_S·Q_S) or Q_S = 0; otherwise (L_D and L_S of opposite signs) it is
    // computed from the balls of |P_D| and |Q_D|.
    let ln_blind = if p_s.is_zero() {
        None
    } else {
        let sign_pd = p_d.sign()?;
        if sign_pd == Ordering::Equal {
            return None;
        }
        let same = q_s.is_zero() || (sign_pd == sign_qd) == (p_s.cmp0() == q_s.cmp0());
        if same {
            Some(ln_num_s)
        } else {
            let t1 = p_d.abs()?.mul_int(&Integer::from(q_s.abs_ref()));
            let t2 = q_d.abs()?.mul_int(&Integer::from(p_s.abs_ref()));
            Some(t1.add(&t2.neg()).ln_abs()?)
        }
    };
    Some(Measured::Values(Values {
        limit,
        ln_qd,
        ln_q,
        ln_q_red,
        z,
        ln_blind,
    }))
}

/// The column (t₀₁, t₁₁) of T = M(lo)···M(hi) as balls: T·e₁ = B₁(B₂(···(B_m·e₁))) for exact
/// blocks B_j of at most [`TAIL_BLOCK`] consecutive steps.
///
/// Within a block the product is exact, so the error bounds only pass through |B_j| (the
/// entry-wise absolute values) at the m block boundaries; bounding step by step instead, with
/// |M(n)| = [[0, |b(n)|], [1, |a(n)|]], would let the bound outgrow the values by up to a bit per
/// step when a(n) and b(n) have opposite signs (e.g. 3n+1, −2n²+3n).
fn tail_column(
    a: &[i64],
    b: &[i64],
    lo: usize,
    hi: usize,
    prec: u32,
) -> Option<(IntBall, IntBall)> {
    let mut c0 = IntBall::from_int(&Integer::new(), prec);
    let mut c1 = IntBall::from_int(&Integer::from(1), prec);
    // One set of block entries, allocated once: a step adds at most 65 bits to an entry.
    let cap = (TAIL_BLOCK + 1) * 65;
    let mut blk: [Integer; 4] = std::array::from_fn(|_| Integer::with_capacity(cap));
    let mut top = hi;
    while top >= lo {
        let bottom = top.saturating_sub(TAIL_BLOCK - 1).max(lo);
        // blk = M(bottom)···M(top): rows (x, y) → (y, x·b(n) + y·a(n)) from the identity.
        {
            let [x, y, z, w] = &mut blk;
            x.assign(1);
            y.assign(0);
            z.assign(0);
            w.assign(1);
            for n in bottom..=top {
                let ni = i64::try_from(n).ok()?;
                let (an, bn) = (poly_at(a, ni)?, poly_at(b, ni)?);
                *x *= bn;
                *x += &*y * an;
                std::mem::swap(x, y);
                *z *= bn;
                *z += &*w * an;
                std::mem::swap(z, w);
            }
        }
        let [b00, b01, b10, b11] = &blk;
        let n0 = c0.mul_int(b00).add(&c1.mul_int(b01));
        let n1 = c0.mul_int(b10).add(&c1.mul_int(b11));
        c0 = n0;
        c1 = n1;
        if bottom == 0 {
            break;
        }
        top = bottom - 1;
    }
    Some((c0, c1))
}

/// det Πₙ = ∏_{k=1}^{n} (−b(k)) as balls at each depth of `ns` (increasing), multiplying
/// machine-word blocks of factors before touching the big integer, with what the factors tell
/// about gcd(pₙ, qₙ) (its largest |b(k)| and the size of the determinant).
fn determinants(b: &[i64], ns: &[usize], prec: u32) -> Option<(Vec<IntBall>, Vec<ColumnFacts>)> {
    let mut out = Vec::with_capacity(ns.len());
    let mut facts = Vec::with_capacity(ns.len());
    let mut acc = IntBall::from_int(&Integer::from(1), prec);
    let mut word: i128 = 1;
    let mut k = 1usize;
    let mut b_max = Some(0u64);
    for &n in ns {
        while k <= n {
            let f = -i128::from(poly_at(b, i64::try_from(k).ok()?)?);
            let abs = u64::try_from(f.unsigned_abs()).ok();
            b_max = match (b_max, abs) {
                (Some(m), Some(x)) if x != 0 => Some(m.max(x)),
                _ => None,
            };
            match word.checked_mul(f) {
                Some(w) if w.unsigned_abs() < (1u128 << 100) => word = w,
                _ => {
                    acc = acc.mul_int(&Integer::from(word));
                    word = f;
                }
            }
            k += 1;
        }
        acc = acc.mul_int(&Integer::from(word));
        word = 1;
        facts.push(ColumnFacts {
            b_max,
            det_bits: acc.bits_upper(),
        });
        out.push(acc.clone());
    }
    Some((out, facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::convergents::walk_pcf_convergents;
    use crate::dynamics::metrics::sample_points;

    /// The exact readings from the plain recurrence.
    fn exact(a: &[i64], b: &[i64], d: usize, xs: &[usize]) -> Measured {
        let mut saved = Vec::new();
        walk_pcf_convergents(a, b, d - 1, |n, p, q| {
            if xs.contains(&(n + 1)) || n + 1 == d {
                saved.push((n + 1, p.clone(), q.clone()));
            }
        })
        .unwrap();
        measure_exact(&saved, d, xs)
    }

    /// Bit-level equality of two readings.
    fn same(x: &Measured, y: &Measured) -> bool {
        let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        match (x, y) {
            (Measured::ZeroDenominator, Measured::ZeroDenominator)
            | (Measured::LargeLimit, Measured::LargeLimit) => true,
            (Measured::Values(u), Measured::Values(v)) => {
                u.limit == v.limit
                    && u.limit.prec() == v.limit.prec()
                    && u.ln_qd.to_bits() == v.ln_qd.to_bits()
                    && bits(&u.ln_q) == bits(&v.ln_q)
                    && bits(&u.ln_q_red) == bits(&v.ln_q_red)
                    && bits(&u.z) == bits(&v.z)
                    && u.ln_blind.map(f64::to_bits) == v.ln_blind.map(f64::to_bits)
            }
            _ => false,
        }
    }

    const CASES: [([i64; 3], [i64; 3]); 8] = [
        ([1, 3, 0], [0, 3, -2]),
        ([3, 1, 0], [0, 1, 0]),
        ([2, 0, 0], [1, 0, 0]),
        ([5, 5, 5], [5, 5, 5]),
        ([-5, -5, -5], [-5, 5, -5]),
        ([1, -3, 2], [2, 1, -4]),
        ([1, 0, 0], [-1, 0, -1]),
        ([0, 1, 0], [-5, 0, 5]),
    ];

    /// At the working precision the fast path answers for the benchmark PCFs (it is not
    /// silently falling back to exact arithmetic) and its readings are those of the exact recipe.
    #[test]
    fn fast_readings_equal_exact_readings_at_depth_2000() {
        let d = 2000;
        let xs = sample_points(d, 2);
        for (a, b) in &CASES[..6] {
            let fast = measure_fast(a, b, d, &xs, BALL_PREC)
                .unwrap_or_else(|| panic!("fast path declined {a:?} {b:?}"));
            assert!(same(&fast, &exact(a, b, d, &xs)), "{a:?} {b:?}");
        }
    }

    /// Whatever the ball precision, the fast path either declines or gives the exact readings:
    /// at 16–64 bits it must decline some reads, so this exercises the certification itself.
    #[test]
    fn low_precision_balls_decline_rather_than_err() {
        let d = 300;
        let xs = sample_points(d, 2);
        let mut declined = 0;
        for (a, b) in &CASES {
            let want = exact(a, b, d, &xs);
            for prec in [8, 16, 24, 40, 53, 64, 80, 128, 200, 384] {
                match measure_fast(a, b, d, &xs, prec) {
                    Some(m) => assert!(same(&m, &want), "{a:?} {b:?} prec {prec}"),
                    None => declined += 1,
                }
            }
        }
        assert!(declined > 0);
    }

    /// Over a grid of the Blind-δ space (degree 2, coefficients in {−5, −2, 1, 4}) at depth 300,
    /// the fast path answers for nearly every PCF and always with the exact readings.
    #[test]
    fn fast_path_answers_across_the_space_shape() {
        let d = 300;
        let xs = sample_points(d, 2);
        let vals = [-5i64, -2, 1, 4];
        let (mut answered, mut total) = (0, 0);
        for &a0 in &vals {
            for &a2 in &vals {
                for &b0 in &vals {
                    for &b1 in &vals {
                        for &b2 in &vals {
                            let (a, b) = ([a0, 3, a2], [b0, b1, b2]);
                            if (1..d as i64).any(|n| b0 + b1 * n + b2 * n * n == 0) {
                                continue;
                            }
                            total += 1;
                            if let Some(m) = measure_fast(&a, &b, d, &xs, BALL_PREC) {
                                answered += 1;
                                assert!(same(&m, &exact(&a, &b, d, &xs)), "{a:?} {b:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(answered * 10 >= total * 9, "{answered} of {total}");
    }
}
