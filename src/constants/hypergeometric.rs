//! Kummer's confluent hypergeometric function ₁F₁(a; b; z) for real a, b, z.
//!
//! Definition: ₁F₁(a; b; z) = Σ_{k≥0} (a)_k/(b)_k · z^k/k!, with the rising factorial (a)_k = a(a+1)…(a+k−1);
//! b must not be a non-positive integer. A non-positive integer a makes the series a polynomial.
//!
//! Terms: t₀ = 1, t_{k+1} = t_k·(a+k)/(b+k)·z/(k+1). Stopping rule: once a+k ≥ 0 and b+k > 0, every later
//! ratio is at most Q = max(1, (a+k)/(b+k))·|z|/(k+1) (the factor (a+j)/(b+j) is monotone towards 1 and
//! |z|/(j+1) decreases), so when Q ≤ 1/2 the tail after t_k is at most |t_k|·Q/(1−Q) ≤ 2|t_k|Q.
//! Cancellation for negative z is absorbed by repeating the pass with guard bits log₂(Σ|t_k|/|S|).

use crate::constants::ball::{abs_up, BallFailure, RAD_PREC};
use crate::constants::series::{add_abs, bit_len, negligible, ziv, SeriesPass, MAX_TERMS};
use rug::float::Round;
use rug::Float;

/// ₁F₁(a; b; z) with relative error at most 2^{1−w}.
pub(crate) fn hyp1f1(a: &Float, b: &Float, z: &Float, w: u32) -> Result<Float, BallFailure> {
    if b.is_integer() && *b <= 0 {
        return Err(BallFailure::Domain(format!(
            "hyp1f1: b = {} is a non-positive integer",
            b.to_f64()
        )));
    }
    ziv(w, 16 + bit_len(u64::from(w)), "hyp1f1", |wp| {
        series(a, b, z, wp)
    })
}

fn series(a: &Float, b: &Float, z: &Float, wp: u32) -> Result<SeriesPass, BallFailure> {
    let z_abs = Float::with_val_round(RAD_PREC, z.abs_ref(), Round::Up).0;
    let mut t = Float::with_val(wp, 1);
    let mut sum = Float::new(wp);
    let mut abs_sum = Float::new(RAD_PREC);
    let mut k: u64 = 0;
    loop {
        sum += &t;
        abs_sum = add_abs(&abs_sum, &t);
        let ak = Float::with_val(wp, a + k);
        let bk = Float::with_val(wp, b + k);
        if ak.is_zero() || t.is_zero() {
            // (a)_{k+1} = 0: the series terminates exactly.
            return Ok(SeriesPass {
                sum,
                abs_sum,
                terms: k + 1,
                tail: Float::new(RAD_PREC),
                ops_per_term: 5,
            });
        }
        if ak > 0 && bk > 0 {
            let ratio = Float::with_val_round(RAD_PREC, &ak / &bk, Round::Up).0;
            let ratio = if ratio < 1 {
                Float::with_val(RAD_PREC, 1)
            } else {
                ratio
            };
            let q = Float::with_val_round(RAD_PREC, &ratio * &z_abs, Round::Up).0;
            let q = Float::with_val_round(RAD_PREC, &q / (k + 1), Round::Up).0;
            if q <= 0.5 {
                let mut tail = Float::with_val_round(RAD_PREC, &abs_up(&t) * &q, Round::Up).0;
                tail <<= 1u32;
                if negligible(&tail, &sum, wp) {
                    return Ok(SeriesPass {
                        sum,
                        abs_sum,
                        terms: k + 1,
                        tail,
                        ops_per_term: 5,
                    });
                }
            }
        }
        t *= &ak;
        t /= &bk;
        t *= z;
        t /= k + 1;
        k += 1;
        if k > MAX_TERMS {
            return Err(BallFailure::Overflow(
                "hyp1f1: too many series terms".into(),
            ));
        }
        if !t.is_finite() {
            return Err(BallFailure::Overflow("hyp1f1: term out of range".into()));
        }
    }
}
