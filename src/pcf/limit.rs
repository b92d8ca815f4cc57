//! The limit of a PCF with an honest count of certain digits.
//!
//! Depth doubling on exact convergents: at depths `N` and `2N` the value `x_{2N}` is reported with
//!
//! * the doubling bound: with `d(N) = |x_{2N} − x_N|` shrinking by `r = d(N/2)/d(N)` per doubling,
//!   `|x_∞ − x_{2N}| ≤ d(N)/(r − 1)` (a geometric series; error `~ C·N^{−k}` gives `r = 2^k`), with a
//!   safety factor 1.5. This is what is honest for slowly (polynomially) converging PCFs such as
//!   `a = 2, b = (2n−1)²`, whose consecutive-convergent difference overstates the digits.
//! * when the consecutive differences `c(N) = −log10|x_N − x_{N−1}|` show geometric or faster
//!   convergence (`c(2N) − c(N) ≥ 3.5`, more than any polynomial rate below order 10 gives), the
//!   geometric tail bound `|x_∞ − x_{2N}| ≤ |x_{2N} − x_{2N−1}| / (ρ − 1)` with the per-step
//!   ratio `ρ = 10^{(c(2N) − c(N))/N}`, which is much sharper.
//!
//! The larger of the two applicable bounds (each with a safety factor) is the *claim* of a level.
//!
//! **A claim is reported only after it has been tested.** A bound of the form `|L − v_k| ≤ ε_k` at
//! level `k` (value `v_k`, depth `N_k`) implies, for the next level with `ε_{k+1} ≤ ε_k`,
//! `|v_{k+1} − v_k| ≤ 2ε_k`. Every level checks that inequality for the previous level's claim;
//! the digits reported at level `k+1` are its own claim only when the claim of level `k` (of at
//! least one digit) passed.
//! A sequence that is not converging (the oscillating convergents of a divergent PCF, where an
//! accidental near-repeat of two convergents fakes a small difference) fails the test, since its
//! later convergents move away again, and is reported with 0 certain digits. Never more than the
//! working precision is claimed.
//!
//! Without geometric convergence the doubling bound is also capped by the last step: a claim
//! must not be much smaller than `|x_{2N} − x_{2N−1}|`, or the convergents would have to jump
//! across the claimed interval (as the even and odd convergents of `a = 1, b = n⁴` do, which tend
//! to two different values). Richardson extrapolation uses consecutive convergents and has its
//! own test: two extrapolations must agree.
//!
//! The PCFs the balanced-degree rule ([`super::Pcf::divergence`]) proves divergent are refused
//! before any evaluation.

use super::convergents::Convergents;
use super::Pcf;
use crate::precision::{digits_in_bits, Certainty, Margin};
use rug::ops::PowAssign;
use rug::{Assign, Float, Integer};
use thiserror::Error;

/// Why a limit could not be computed.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LimitError {
    /// `q_N = 0` at every depth tried.
    #[error("the convergent denominators q_N vanish (q_{depth} = 0): the PCF has no limit there")]
    ZeroDenominator {
        /// The depth at which `q_N = 0`.
        depth: usize,
    },
    /// The PCF provably diverges.
    #[error("the PCF diverges: {0}")]
    Diverges(super::Divergence),
}

/// How far to evaluate.
#[derive(Clone, Copy, Debug)]
pub struct EvalOptions {
    /// Digits wanted (the evaluation stops once this many are certain).
    pub digits: u32,
    /// First depth tried.
    pub start_depth: usize,
    /// Depth limit; the result then carries whatever digits are certain.
    pub max_depth: usize,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            digits: 100,
            start_depth: 32,
            max_depth: 1 << 16,
        }
    }
}

/// A PCF's limit with its digits (certain, or estimated for an extrapolation: `certainty`).
#[derive(Clone, Debug)]
pub struct Limit {
    /// `p_D/q_D` at the final depth `D`.
    pub value: Float,
    /// Decimal places after the point, `|value − L| ≤ 10^{−digits}`: certain or estimated, as
    /// `certainty` says.
    pub digits: f64,
    /// Final depth `D`.
    pub depth: usize,
    /// Convergence rate in digits per term: `(c(D) − c(D/2)) / (D/2)` with `c(n) = −log10|x_n − x_{n−1}|`.
    pub rate: f64,
    /// Irrationality measure δ of `p_N/q_N` (`N = D/2`, gcd-reduced `q`) against `p_D/q_D`
    /// ([`blind_delta`], exact): `|L − p/q| = q^{−(1+δ)}`; `None` when the reduced `q` is 1. A
    /// shallow estimate: [`settled_delta`] follows δ to where it has settled.
    pub delta: Option<f64>,
    /// Whether convergence looked geometric or faster.
    pub geometric: bool,
    /// How `digits` was obtained: [`Certainty::Certain`] from the tested doubling or geometric
    /// bound, [`Certainty::Estimated`] when `value` is a Richardson extrapolation (polynomially
    /// converging PCFs), with `digits` the agreement of two extrapolations at depths `D/2` and `D`.
    pub certainty: Certainty,
}

/// Order of the Richardson extrapolation.
pub const RICHARDSON_ORDER: usize = 24;

/// Richardson extrapolation of order `m` from the convergents `x_N … x_{N+m}` following `conv`
/// (depth `N`): for `x_n = L + c₁/n + c₂/n² + …`,
///
/// `L ≈ Σ_{k=0}^{m} x_{N+k} · (N+k)^m · (−1)^{k+m} / (k!·(m−k)!)`,
///
/// which cancels the first `m` terms of the expansion. The weights are large, so the sum is
/// formed at `prec` plus `m·log2(N+m)` guard bits.
pub fn richardson(pcf: &Pcf, conv: &Convergents, m: usize, prec: u32) -> Option<Float> {
    let n0 = conv.depth;
    let guard = (m as f64 * ((n0 + m) as f64).log2()).ceil() as u32 + 64;
    let wp = prec + guard;
    let mut mat = conv.matrix.clone();
    let mut sum = Float::with_val(wp, 0);
    let (mut an, mut bn) = (Integer::new(), Integer::new());
    for k in 0..=m {
        if k > 0 {
            let n = (n0 + k) as i64;
            an.assign(pcf.a.eval(n));
            bn.assign(pcf.b.eval(n));
            mat.step(&an, &bn);
        }
        let q = &mat.0[3];
        if *q == 0 {
            return None;
        }
        let x = Float::with_val(wp, &mat.0[1]) / Float::with_val(wp, q);
        // (N+k)^m / (k!(m−k)!) with sign (−1)^{k+m}
        let mut w = Float::with_val(wp, n0 + k);
        w.pow_assign(m as u32);
        w /= Float::with_val(wp, Float::factorial(k as u32));
        w /= Float::with_val(wp, Float::factorial((m - k) as u32));
        if (k + m) % 2 == 1 {
            w = -w;
        }
        sum += w * x;
    }
    Some(Float::with_val(prec, sum))
}

pub use crate::precision::{log10_abs, log10_int};

/// `x` as a plain decimal with `sig` significant digits (`0.8319…`, `4.99…`, `-12.5…`), switching to
/// scientific notation only for very large or very small magnitudes.
pub fn decimal(x: &Float, sig: usize) -> String {
    let s = x.to_string_radix(10, Some(sig.max(1)));
    let Some((mant, exp)) = s.split_once('e') else {
        return s;
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return s;
    };
    if !(-12..=40).contains(&exp) {
        return s;
    }
    let (sign, mant) = mant.strip_prefix('-').map_or(("", mant), |m| ("-", m));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    // mant is d.ddd; the value is 0.dddd × 10^(exp+1)
    let point = exp + 1;
    let body = if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if (point as usize) >= digits.len() {
        format!("{}{}", digits, "0".repeat(point as usize - digits.len()))
    } else {
        format!(
            "{}.{}",
            &digits[..point as usize],
            &digits[point as usize..]
        )
    };
    format!("{sign}{body}")
}

/// Working precision in bits for `digits` decimal digits plus guard digits:
/// `⌈(D + 20)·log₂10⌉ + 64` ([`Margin::LIMIT`]; without guard it is
/// [`crate::precision::min_bits_for_digits`]).
pub fn bits_for_digits(digits: u32) -> u32 {
    Margin::LIMIT.bits(digits)
}

struct Level {
    conv: Convergents,
    x: Float,
    /// `c(N) = −log10|x_N − x_{N−1}| = log10|q_N q_{N−1}| − Σ_{i≤N} log10|b(i)|`
    /// (the determinant identity `p_N q_{N−1} − p_{N−1} q_N = (−1)^{N−1} ∏ b(i)`), exact of any precision.
    c: f64,
}

/// `Σ_{i=1}^{n} log10|b(i)|` (`+∞` if some `b(i) = 0`: the fraction terminates).
fn log10_prod_b(pcf: &Pcf, n: usize) -> f64 {
    (1..=n)
        .map(|i| pcf.b.eval_f64(i as f64).abs().log10())
        .fold(0.0, |s, l| {
            if l == f64::NEG_INFINITY {
                f64::INFINITY
            } else {
                s + l
            }
        })
}

fn level(pcf: &Pcf, conv: Convergents, prec: u32) -> Result<Level, LimitError> {
    if *conv.q() == 0 || *conv.q_prev() == 0 {
        return Err(LimitError::ZeroDenominator { depth: conv.depth });
    }
    let x = Float::with_val(prec, conv.p()) / Float::with_val(prec, conv.q());
    let c = log10_int(conv.q()) + log10_int(conv.q_prev()) - log10_prod_b(pcf, conv.depth);
    Ok(Level { conv, x, c })
}

/// Evaluates the limit to `opts.digits` certain digits or to `opts.max_depth`, whichever comes first.
pub fn evaluate(pcf: &Pcf, opts: &EvalOptions) -> Result<Limit, LimitError> {
    if let Some(d) = pcf.divergence() {
        return Err(LimitError::Diverges(d));
    }
    let prec = bits_for_digits(opts.digits);
    let max_digits = digits_in_bits(f64::from(prec) - f64::from(Margin::LIMIT.bits));
    let mut n = opts.start_depth.max(2);
    let mut lo = level(pcf, Convergents::new(pcf, n), prec);
    // Skip leading depths where q vanishes.
    while let Err(LimitError::ZeroDenominator { .. }) = lo {
        if 2 * n > opts.max_depth {
            return lo.map(|_| unreachable!());
        }
        n *= 2;
        lo = level(pcf, Convergents::new(pcf, n), prec);
    }
    let mut lo = lo?;
    // −log10|x_N − x_{N/2}| of the previous doubling, once known.
    let mut prev_double: Option<f64> = None;
    // The previous level's value and claimed digits, not yet tested.
    let mut prev_claim: Option<(Float, f64)> = None;
    loop {
        let mut conv = lo.conv.clone();
        conv.extend(pcf, 2 * n);
        let hi = level(pcf, conv, prec)?;
        let d_double = -log10_abs(&Float::with_val(prec, &hi.x - &lo.x));
        let gain = hi.c - lo.c;
        let geometric = gain.is_finite() && gain >= 3.5;
        // Doubling bound: the differences of successive doublings shrink by r = 10^(d − d_prev);
        // if they keep doing so, |x_∞ − x_{2N}| ≤ |x_{2N} − x_N|/(r − 1). A safety factor 1.5 is kept.
        let mut digits = doubling_bound(d_double, prev_double);
        if !geometric {
            // Without geometric convergence the error changes little from one convergent to the
            // next, so convergents still |x_{2N} − x_{2N−1}| = 10^(−c) apart are not within much
            // less than half of that of the limit. This catches the PCFs whose even and odd
            // convergents tend to different values (a = 1, b = n⁴): sampled at even depths only,
            // they look convergent to the doubling bound.
            digits = digits.min(hi.c + 0.5);
        }
        if geometric {
            digits = digits.max(geometric_bound(hi.c, gain, n));
        }
        if d_double.is_infinite() && hi.c > max_digits {
            digits = max_digits; // the convergents agree to all working precision
        }
        digits = digits.min(max_digits);
        let mut value = None;
        if !geometric && digits < opts.digits as f64 {
            // Polynomial convergence: extrapolate from depths N and 2N and keep the extrapolation if
            // the two agree to more digits than the plain convergents have (safety factor 10).
            let m = RICHARDSON_ORDER.min(n / 4);
            if let (Some(r1), Some(r2)) = (
                richardson(pcf, &lo.conv, m, prec),
                richardson(pcf, &hi.conv, m, prec),
            ) {
                let d = -log10_abs(&Float::with_val(prec, &r2 - &r1)) - 1.0;
                if d > digits {
                    digits = d.min(max_digits);
                    value = Some(r2);
                }
            }
        }
        let value_here = value.as_ref().unwrap_or(&hi.x);
        // The previous claim |L − v_prev| ≤ 10^(−claim) passes when |v − v_prev| ≤ 2·10^(−claim).
        // A claim of less than one digit says too little to test anything.
        let tested = prev_claim.as_ref().is_some_and(|(v_prev, claim)| {
            claim_passes(
                *claim,
                -log10_abs(&Float::with_val(prec, value_here - v_prev)),
            )
        });
        let claim = digits;
        let digits = if tested { claim } else { 0.0 };
        prev_claim = Some((value_here.clone(), claim));
        if digits >= opts.digits as f64 || 4 * n > opts.max_depth {
            let rate = if gain.is_finite() {
                gain / n as f64
            } else {
                0.0
            };
            let delta = blind_delta(&lo.conv, &hi.conv);
            let certainty = if value.is_some() {
                Certainty::Estimated
            } else {
                Certainty::Certain
            };
            return Ok(Limit {
                value: value.unwrap_or(hi.x),
                digits: digits.max(0.0),
                depth: 2 * n,
                rate,
                delta,
                geometric,
                certainty,
            });
        }
        prev_double = Some(d_double);
        n *= 2;
        lo = hi;
    }
}

/// The test of a level's claim `|L − v_prev| ≤ 10^(−claim)` at the next level: any later value
/// `v` within the same bound satisfies `|v − v_prev| ≤ 2·10^(−claim)`, i.e.
/// `moved = −log10|v − v_prev| ≥ claim − log10 2`. A claim of less than one digit says too little to
/// test anything and fails. Shared by PCF limits and CMF walks.
pub fn claim_passes(claim: f64, moved: f64) -> bool {
    claim.is_finite() && claim >= 1.0 && moved >= claim - std::f64::consts::LOG10_2
}

/// The doubling bound in digits: with `d = −log10|x_{2N} − x_N|` and `d_prev` the same one
/// doubling earlier, the differences shrink by `r = 10^{d − d_prev}` per doubling and
/// `|x_∞ − x_{2N}| ≤ |x_{2N} − x_N|/(r − 1)`, with a safety factor 1.5. `−∞` when the differences
/// do not shrink (or `d_prev` is unknown). Shared by PCF limits and CMF walks.
pub fn doubling_bound(d: f64, d_prev: Option<f64>) -> f64 {
    match d_prev {
        Some(dp) if d.is_finite() && d > dp => {
            let r_m1 = (d - dp).min(300.0).exp10_m1();
            d + r_m1.log10() - 1.5f64.log10()
        }
        _ => f64::NEG_INFINITY,
    }
}

/// The geometric tail bound in digits: with `c = −log10|x_{2N} − x_{2N−1}|` gaining `gain` digits
/// over `steps` steps, the per-step ratio is `ρ = 10^{gain/steps}` and
/// `|x_∞ − x_{2N}| ≤ |x_{2N} − x_{2N−1}|/(ρ − 1)`, with a safety factor 2 for the
/// pre-asymptotic wobble of `ρ`. Shared by PCF limits and CMF walks.
pub fn geometric_bound(c: f64, gain: f64, steps: usize) -> f64 {
    // ρ − 1 = 10^{gain/N} − 1, tail ≤ diff_{2N}/(ρ − 1).
    let rho_m1 = (gain / steps as f64 * std::f64::consts::LN_10).exp_m1();
    c + rho_m1.log10() - std::f64::consts::LOG10_2
}

trait Exp10M1 {
    fn exp10_m1(self) -> f64;
}
impl Exp10M1 for f64 {
    /// `10^x − 1`.
    fn exp10_m1(self) -> f64 {
        (self * std::f64::consts::LN_10).exp_m1()
    }
}

/// δ of the gcd-reduced convergent `p_N/q_N` against the blind limit `p_M/q_M` (`M > N`), in
/// exact integers: `|p_M/q_M − p_N/q_N| = |p_M q_N − p_N q_M| / |q_M q_N|` and
/// `δ = −log|L − p/q| / log(q/gcd(p, q)) − 1`. `None` when the reduced `q` is 1, a denominator
/// vanishes or the two convergents are equal.
pub fn blind_delta(at: &Convergents, limit: &Convergents) -> Option<f64> {
    delta_between(at.p(), at.q(), limit.p(), limit.q())
}

/// δ of the approximation `p/q` (reduced by `gcd(p, q)` for the measure) against the limit
/// estimate `p_M/q_M`, in exact integers: `|p_M/q_M − p/q| = |p_M q − p q_M| / |q_M q|` and
/// `δ = −log|L − p/q| / log(q/gcd(p, q)) − 1`. `None` when the reduced `q` is 1, a denominator
/// vanishes or the two are equal. The one δ of PCF limits ([`blind_delta`]) and CMF walks.
pub fn delta_between(p: &Integer, q: &Integer, pm: &Integer, qm: &Integer) -> Option<f64> {
    if q.is_zero() || qm.is_zero() {
        return None;
    }
    let cross = Integer::from(pm * q) - Integer::from(p * qm);
    if cross.is_zero() {
        return None;
    }
    let log_err = log10_int(&cross) - log10_int(qm) - log10_int(q);
    let log_q = log10_int(q) - log10_int(&Integer::from(p.gcd_ref(q)));
    (log_q > 0.0).then(|| -log_err / log_q - 1.0)
}

/// The tolerance within which successive δ estimates count as settled in `eval` and the catalog.
pub const DELTA_SETTLED_TOL: f64 = 5e-3;

/// δ at a depth where it has settled, with that depth.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SettledDelta {
    /// δ of `p_N/q_N` (gcd-reduced) against `p_{2N}/q_{2N}`.
    pub delta: f64,
    /// The depth `N`.
    pub depth: usize,
    /// Whether δ at `N`, `N/2` and `N/4` agreed within the tolerance (otherwise the depth limit
    /// stopped the doubling and `delta` is the deepest estimate).
    pub settled: bool,
}

/// δ doubled in depth from `start` until three successive estimates `δ(N/4)`, `δ(N/2)`, `δ(N)`
/// (each [`blind_delta`] against depth `2N`) agree pairwise-successively within `tol`, or `2N`
/// would exceed `max_depth`. (The reduced denominators jump with the gcd, so δ wobbles on its way
/// to the limit; one agreement can be an accident of the wobble.)
///
/// δ converges slowly for some PCFs: Apéry's `(34n³+51n²+27n+5, −n⁶)` gives 0.15 at depth 64 and
/// approaches `(4·ln(1+√2) − 3)/(4·ln(1+√2) + 3) = 0.0805…` only over thousands of terms, so a
/// δ read off the shallow depth that suffices for 100 digits misleads.
pub fn settled_delta(pcf: &Pcf, start: usize, max_depth: usize, tol: f64) -> Option<SettledDelta> {
    let mut n = start.max(2);
    if 2 * n > max_depth {
        return None;
    }
    let mut at = Convergents::new(pcf, n);
    let mut limit = at.clone();
    limit.extend(pcf, 2 * n);
    let mut prev: Option<f64> = None;
    let mut agreed_before = false;
    let mut best = None;
    loop {
        let d = blind_delta(&at, &limit);
        if let Some(d) = d {
            let agrees = prev.is_some_and(|p| (d - p).abs() <= tol);
            let settled = agrees && agreed_before;
            agreed_before = agrees;
            best = Some(SettledDelta {
                delta: d,
                depth: n,
                settled,
            });
            if settled {
                return best;
            }
        }
        if d.is_none() {
            agreed_before = false;
        }
        prev = d;
        if 4 * n > max_depth {
            return best;
        }
        // The old limit becomes the new convergent; extend a copy to twice its depth.
        at = limit.clone();
        limit.extend(pcf, 4 * n);
        n *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::float::Constant;

    fn pi(prec: u32) -> Float {
        Float::with_val(prec, Constant::Pi)
    }

    /// `(2n+1, n²)` → 4/π: geometric convergence, digits must be real.
    #[test]
    fn decimals_are_plain() {
        let x = Float::with_val(200, 1) / 3u32;
        assert_eq!(decimal(&x, 5), "0.33333");
        assert_eq!(decimal(&(Float::with_val(200, 1000) / 3u32), 6), "333.333");
        assert_eq!(decimal(&(Float::with_val(200, -1) / 300u32), 3), "-0.00333");
        assert_eq!(decimal(&Float::with_val(200, 4), 3), "4.00");
    }

    #[test]
    fn four_over_pi_digits_are_certain() {
        let pcf = Pcf::from_i64(&[1, 2], &[0, 0, 1]);
        let lim = evaluate(
            &pcf,
            &EvalOptions {
                digits: 200,
                ..Default::default()
            },
        )
        .unwrap();
        let exact = Float::with_val(800, 4) / pi(800);
        let actual = -log10_abs(&Float::with_val(800, &lim.value - &exact));
        assert!(lim.digits >= 200.0, "{}", lim.digits);
        assert!(
            lim.digits <= actual + 0.5,
            "claimed {} actual {actual}",
            lim.digits
        );
        assert!(lim.geometric);
        // rate ≈ log10((1+√2)²) = 0.7656 digits per term
        assert!((lim.rate - 0.7656).abs() < 0.01, "{}", lim.rate);
    }

    /// `a = 2, b = (2n−1)²` is Brouncker's 4/π − ... its convergence is polynomial (error ~ 1/n):
    /// value = 2 + 1/(2 + 9/(2 + 25/…)) = 4/π + 1, and only a few digits are certain at depth 4096.
    #[test]
    fn slow_pcf_reports_only_the_digits_it_has() {
        let pcf = Pcf::from_i64(&[2], &[1, -4, 4]);
        let lim = evaluate(
            &pcf,
            &EvalOptions {
                digits: 100,
                start_depth: 32,
                max_depth: 4096,
            },
        )
        .unwrap();
        let exact = Float::with_val(400, 4) / pi(400) + 1u32;
        let actual = -log10_abs(&Float::with_val(400, &lim.value - &exact));
        assert!(actual > 2.5 && actual < 6.0, "actual {actual}");
        assert!(
            lim.digits <= actual,
            "claimed {} but only {actual} correct",
            lim.digits
        );
        assert!(
            lim.digits >= actual - 1.0,
            "claimed {} of {actual}",
            lim.digits
        );
        assert!(!lim.geometric);
    }
}
