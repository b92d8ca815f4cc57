//! Irrationality measure δ of a convergent p/q against a limit L (algorithms.md §3.1):
//!
//! |L − p/q| = q^{−(1+δ)}  ⇔  δ = −ln|L − p/q| / ln q − 1.
//!
//! *Naive* δ uses q = qₙ as produced by the recurrence; *reduced* (FR) δ uses q = qₙ/gcd(pₙ, qₙ);
//! *blind* δ takes L = p₂ₙ/q₂ₙ, the depth-2N convergent, when the limit is unknown.

use rug::{Float, Integer};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::convergents::{pcf_convergent, walk_pcf_convergents};

/// Errors of the δ computations.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DeltaError {
    /// The index n does not fit in a 64-bit integer.
    #[error("index n = {n} does not fit in a 64-bit integer")]
    CoefficientOverflow {
        /// The index at which the overflow happened.
        n: usize,
    },
    /// The convergent's denominator q_N is zero, so p_N/q_N is undefined.
    #[error("the convergent at depth {depth} has denominator q = 0")]
    ZeroDenominator {
        /// Depth of the offending convergent.
        depth: usize,
    },
    /// p/q equals the limit exactly (to the given precision), so ln|L − p/q| is −∞.
    #[error("the convergent equals the limit exactly: no finite δ")]
    ExactApproximation,
    /// The limit is not known to enough bits to resolve |L − p/q|.
    #[error("limit has {have} bits of precision but about {need} are needed to resolve |L - p/q|")]
    InsufficientPrecision {
        /// Precision of the given limit in bits.
        have: u32,
        /// Estimated precision needed in bits.
        need: u32,
    },
    /// The polynomial coefficient slice is empty.
    #[error("polynomial {name} has no coefficients")]
    EmptyPolynomial {
        /// "a" or "b".
        name: &'static str,
    },
}

/// Naive and gcd-reduced δ of one convergent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// δ with the unreduced denominator: −ln|L − p/q| / ln|q| − 1.
    pub naive: f64,
    /// δ with q/gcd(p, q): −ln|L − p/q| / ln(|q|/g) − 1 (+∞ when the reduced q is 1).
    pub reduced: f64,
    /// ln|L − p/q| (natural log of the approximation error).
    pub log_error: f64,
}

/// Natural logarithm of |x| computed from the leading bits of x (`Integer::to_f64_exp`):
/// ln|x| = ln|m| + e·ln 2 with x ≈ m·2ᵉ, 0.5 ≤ |m| < 1. Returns −∞ for x = 0.
pub(crate) fn ln_abs(x: &Integer) -> f64 {
    if x.is_zero() {
        return f64::NEG_INFINITY;
    }
    let (m, e) = x.to_f64_exp();
    m.abs().ln() + f64::from(e) * std::f64::consts::LN_2
}

/// δ = −log_error / log_q − 1 for ln|L − p/q| = `log_error` and ln q = `log_q`;
/// +∞ if ln q = 0 (q = 1), following ramanujantools' `Limit.delta`.
pub fn delta_from_logs(log_error: f64, log_q: f64) -> f64 {
    if log_q == 0.0 {
        f64::INFINITY
    } else {
        -log_error / log_q - 1.0
    }
}

/// Naive and reduced δ of p/q against another exact rational limit l_num/l_den:
/// ln|L − p/q| = ln|l_num·q − p·l_den| − ln|l_den| − ln|q|, computed exactly in integers.
pub fn delta_against_rational(
    p: &Integer,
    q: &Integer,
    l_num: &Integer,
    l_den: &Integer,
) -> Result<Delta, DeltaError> {
    if q.is_zero() || l_den.is_zero() {
        return Err(DeltaError::ZeroDenominator { depth: 0 });
    }
    let num = Integer::from(l_num * q) - Integer::from(p * l_den);
    if num.is_zero() {
        return Err(DeltaError::ExactApproximation);
    }
    let log_error = ln_abs(&num) - ln_abs(l_den) - ln_abs(q);
    Ok(delta_pair(p, q, log_error))
}

fn delta_pair(p: &Integer, q: &Integer, log_error: f64) -> Delta {
    let g = Integer::from(p.gcd_ref(q));
    let log_q = ln_abs(q);
    let log_q_red = log_q - ln_abs(&g);
    Delta {
        naive: delta_from_logs(log_error, log_q),
        reduced: delta_from_logs(log_error, log_q_red),
        log_error,
    }
}

/// Naive and reduced δ of p/q against a limit L given as an MPFR float.
///
/// Computes x = L·q − p with enough working precision for L·q to be exact, so the only error is
/// L's own rounding; fails with [`DeltaError::InsufficientPrecision`] unless |x| exceeds that
/// uncertainty (|L|·q·2^{−prec}) by a factor 2²⁰.
pub fn delta_against_limit(p: &Integer, q: &Integer, limit: &Float) -> Result<Delta, DeltaError> {
    if q.is_zero() {
        return Err(DeltaError::ZeroDenominator { depth: 0 });
    }
    let have = limit.prec();
    let work = have + q.significant_bits() + p.significant_bits() + 64;
    let mut x = Float::with_val(work, limit * q);
    x -= p;
    if x.is_zero() {
        return Err(DeltaError::ExactApproximation);
    }
    // Bits of x above the uncertainty of L·q: exponent(x) − (exponent(L·q) − prec).
    let ex = x.get_exp().unwrap_or(i32::MIN);
    let lq = Float::with_val(work, limit * q);
    let elq = lq.get_exp().unwrap_or(0);
    let margin = i64::from(ex) - (i64::from(elq) - i64::from(have));
    if margin < 20 {
        let need = i64::from(have) + 20 - margin + 32;
        return Err(DeltaError::InsufficientPrecision {
            have,
            need: u32::try_from(need).unwrap_or(u32::MAX),
        });
    }
    let log_error = x.abs().ln().to_f64() - ln_abs(q);
    Ok(delta_pair(p, q, log_error))
}

fn check_polys(a: &[i64], b: &[i64]) -> Result<(), DeltaError> {
    if a.is_empty() {
        return Err(DeltaError::EmptyPolynomial { name: "a" });
    }
    if b.is_empty() {
        return Err(DeltaError::EmptyPolynomial { name: "b" });
    }
    Ok(())
}

/// δ of the depth-`n` convergent p_N/q_N of the PCF (a, b) against a known limit L
/// (algorithms.md §3.1; reference table §3.3).
pub fn delta_known(a: &[i64], b: &[i64], n: usize, limit: &Float) -> Result<Delta, DeltaError> {
    check_polys(a, b)?;
    let (p, q) = pcf_convergent(a, b, n)?;
    if q.is_zero() {
        return Err(DeltaError::ZeroDenominator { depth: n });
    }
    delta_against_limit(&p, &q, limit)
}

/// Blind δ of p_N/q_N with L = p_{2N}/q_{2N} (ramanujantools `PCF.delta`, euler2ai), exact in integers.
pub fn blind_delta(a: &[i64], b: &[i64], n: usize) -> Result<Delta, DeltaError> {
    check_polys(a, b)?;
    let mut pq = (Integer::new(), Integer::new());
    let mut lim = (Integer::new(), Integer::new());
    walk_pcf_convergents(a, b, 2 * n, |k, p, q| {
        if k == n {
            pq = (p.clone(), q.clone());
        }
        if k == 2 * n {
            lim = (p.clone(), q.clone());
        }
    })?;
    if pq.1.is_zero() {
        return Err(DeltaError::ZeroDenominator { depth: n });
    }
    if lim.1.is_zero() {
        return Err(DeltaError::ZeroDenominator { depth: 2 * n });
    }
    delta_against_rational(&pq.0, &pq.1, &lim.0, &lim.1)
}

/// One point of a δ/error profile along the depth.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DepthPoint {
    /// Depth n of the convergent p_n/q_n.
    pub n: usize,
    /// log₁₀|L − p_n/q_n|.
    pub log10_error: f64,
    /// Naive δ at depth n.
    pub naive_delta: f64,
    /// gcd-reduced δ at depth n.
    pub reduced_delta: f64,
}

/// Error and δ (naive, reduced) at each depth in `depths` against the blind limit
/// L = p_M/q_M, M = `limit_depth` (must exceed every depth); depths with q_n = 0 or p_n/q_n = L
/// are skipped.
pub fn delta_profile(
    a: &[i64],
    b: &[i64],
    depths: &[usize],
    limit_depth: usize,
) -> Result<Vec<DepthPoint>, DeltaError> {
    check_polys(a, b)?;
    let mut sorted = depths.to_vec();
    sorted.sort_unstable();
    let mut saved: Vec<(usize, Integer, Integer)> = Vec::new();
    let mut lim = (Integer::new(), Integer::new());
    walk_pcf_convergents(a, b, limit_depth, |k, p, q| {
        if k < limit_depth && sorted.binary_search(&k).is_ok() {
            saved.push((k, p.clone(), q.clone()));
        }
        if k == limit_depth {
            lim = (p.clone(), q.clone());
        }
    })?;
    if lim.1.is_zero() {
        return Err(DeltaError::ZeroDenominator { depth: limit_depth });
    }
    let mut out = Vec::new();
    for (n, p, q) in saved {
        match delta_against_rational(&p, &q, &lim.0, &lim.1) {
            Ok(d) => out.push(DepthPoint {
                n,
                log10_error: d.log_error / std::f64::consts::LN_10,
                naive_delta: d.naive,
                reduced_delta: d.reduced,
            }),
            Err(DeltaError::ZeroDenominator { .. } | DeltaError::ExactApproximation) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}
