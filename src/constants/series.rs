//! Shared bookkeeping for the series of `besseli`, `hyp1f1` and the Hurwitz zeta function: a running
//! sum, the sum of absolute values of its terms (which bounds the accumulated rounding error), the
//! stopping test against the working precision and the Ziv retry loop.

use crate::constants::ball::{abs_up, BallFailure, RAD_PREC};
use rug::float::Round;
use rug::Float;

/// Largest number of terms any series may take before giving up.
pub(crate) const MAX_TERMS: u64 = 50_000_000;

/// Largest guard (bits) a series may add before reporting a loss of precision.
pub(crate) fn max_guard(w: u32) -> u32 {
    8 * w + 20_000
}

/// Number of bits of `n` (⌈log₂(n+1)⌉).
pub(crate) fn bit_len(n: u64) -> u32 {
    64 - n.leading_zeros()
}

/// Outcome of one pass of a series at working precision `wp`.
pub(crate) struct SeriesPass {
    /// The computed sum.
    pub sum: Float,
    /// Σ |terms| (rounded up, low precision).
    pub abs_sum: Float,
    /// Number of terms used.
    pub terms: u64,
    /// Bound on the truncated tail (absolute, low precision).
    pub tail: Float,
    /// Rounding operations per term in the term recurrence.
    pub ops_per_term: u64,
}

/// Decides whether a pass achieved relative error 2^-(w+1); if not, returns a larger guard.
///
/// Rounding error bound: each term carries at most `ops_per_term·k + 8` relative roundings of 2^-wp and
/// each partial sum one more, so |error| ≤ Σ|t_k|·(ops_per_term·K + K + 8)·2^-wp + tail.
pub(crate) fn accept(pass: &SeriesPass, w: u32, wp: u32, guard: u32) -> Result<Float, u32> {
    let factor = Float::with_val(RAD_PREC, pass.terms * (pass.ops_per_term + 1) + 8);
    let mut err = Float::with_val_round(RAD_PREC, &pass.abs_sum * &factor, Round::Up).0;
    err >>= wp;
    err = Float::with_val_round(RAD_PREC, &err + &pass.tail, Round::Up).0;
    if err.is_zero() {
        return Ok(Float::with_val(w, &pass.sum));
    }
    let mut tol = Float::with_val_round(RAD_PREC, pass.sum.abs_ref(), Round::Down).0;
    tol >>= w + 1;
    if err <= tol {
        return Ok(Float::with_val(w, &pass.sum));
    }
    // Bits lost to cancellation: log2(abs_sum/|sum|), plus a margin.
    let lost = if pass.sum.is_zero() {
        guard + 64
    } else {
        let ratio = Float::with_val(RAD_PREC, &pass.abs_sum / &abs_up(&pass.sum));
        ratio.get_exp().unwrap_or(0).max(0) as u32 + 32
    };
    Err(guard.max(lost) + guard / 2 + 16)
}

/// The failure reported when the guard exceeds [`max_guard`].
pub(crate) fn precision_loss(what: &str) -> BallFailure {
    BallFailure::Overflow(format!(
        "{what}: cancellation in the series exceeds the working-precision limit"
    ))
}

/// `acc + |t|`, rounded up at [`RAD_PREC`]: the running Σ|t_k| of a series.
pub(crate) fn add_abs(acc: &Float, t: &Float) -> Float {
    Float::with_val_round(RAD_PREC, acc + &abs_up(t), Round::Up).0
}

/// Whether `bound ≤ |sum|·2^-wp` (|sum| rounded down): a tail or term below the last bit of the
/// running sum at working precision `wp`.
pub(crate) fn negligible(bound: &Float, sum: &Float, wp: u32) -> bool {
    let mut tol = Float::with_val_round(RAD_PREC, sum.abs_ref(), Round::Down).0;
    tol >>= wp;
    *bound <= tol
}

/// Ziv's loop: runs `pass` at the working precision `wp = w + guard`, from `guard = first_guard`,
/// until [`accept`] certifies relative error 2^-(w+1), growing the guard as it asks; past
/// [`max_guard`] the cancellation is reported as a loss of precision in `what`.
pub(crate) fn ziv(
    w: u32,
    first_guard: u32,
    what: &str,
    mut pass: impl FnMut(u32) -> Result<SeriesPass, BallFailure>,
) -> Result<Float, BallFailure> {
    let mut guard = first_guard;
    loop {
        let wp = w + guard;
        let p = pass(wp)?;
        match accept(&p, w, wp, guard) {
            Ok(v) => return Ok(v),
            Err(g) if g <= max_guard(w) => guard = g,
            Err(_) => return Err(precision_loss(what)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pass of exp(x) = Σ x^k/k! for an integer x < 0: the terms grow to about e^|x| before
    /// they fall, so the sum loses about |x|·log₂e bits to cancellation. Once q = |x|/(k+1) ≤ 1/2
    /// the tail after t_k is at most 2|t_k|q.
    fn exp_pass(x: i32, wp: u32) -> Result<SeriesPass, BallFailure> {
        let mut t = Float::with_val(wp, 1);
        let mut sum = Float::new(wp);
        let mut abs_sum = Float::new(RAD_PREC);
        let mut k: u64 = 0;
        loop {
            sum += &t;
            abs_sum = add_abs(&abs_sum, &t);
            let q = Float::with_val(RAD_PREC, x.unsigned_abs()) / (k + 1);
            if q <= 0.5 {
                let mut tail = Float::with_val_round(RAD_PREC, &abs_up(&t) * &q, Round::Up).0;
                tail <<= 2u32;
                if negligible(&tail, &sum, wp) {
                    return Ok(SeriesPass {
                        sum,
                        abs_sum,
                        terms: k + 1,
                        tail,
                        ops_per_term: 2,
                    });
                }
            }
            t *= x;
            t /= k + 1;
            k += 1;
        }
    }

    #[test]
    fn ziv_grows_the_guard_past_the_cancellation_of_exp_minus_60() {
        // e^-60 = 8.75651076269652e-27; Σ|t_k| = e^60, so about 173 bits cancel.
        let w = 200;
        let mut passes = Vec::new();
        let v = ziv(w, 8, "exp", |wp| {
            passes.push(wp);
            exp_pass(-60, wp)
        })
        .unwrap();
        let exact = Float::with_val(w + 64, -60).exp();
        let rel = (Float::with_val(w + 64, &v - &exact) / &exact).abs();
        assert!(rel <= Float::with_val(64, 1) >> w, "relative error {rel}");
        assert!(
            passes.len() >= 2,
            "one pass at {passes:?} cannot absorb the cancellation"
        );
        assert!(*passes.last().unwrap() >= w + 173, "{passes:?}");
        // A sum that every pass leaves at 0 is never certified: past the largest guard the loss
        // of precision is reported by name.
        let err = ziv(w, max_guard(w), "exp", |wp| {
            let mut p = exp_pass(-60, w + 8)?;
            p.sum = Float::new(wp);
            Ok(p)
        })
        .unwrap_err();
        assert!(
            matches!(&err, BallFailure::Overflow(m) if m.starts_with("exp:")),
            "{err:?}"
        );
    }

    #[test]
    fn negligible_compares_with_the_last_bit_of_the_sum() {
        let sum = Float::with_val(64, -3);
        // |sum|·2^-10 = 3/1024
        assert!(negligible(&(Float::with_val(64, 3) >> 10u32), &sum, 10));
        assert!(!negligible(&(Float::with_val(64, 3) >> 9u32), &sum, 10));
        assert!(negligible(&Float::new(64), &Float::new(64), 10));
    }
}
