//! Shared bookkeeping for the power series of `besseli` and `hyp1f1`: a running sum, the sum of absolute
//! values of its terms (which bounds the accumulated rounding error) and the Ziv retry rule.

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
