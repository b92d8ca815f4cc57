//! The limit of a walk by depth doubling, with the digits that are certain.

use super::{IntMatrix, WalkError, Walker};
use crate::pcf::limit::{
    bits_for_digits, claim_passes, delta_between, doubling_bound, geometric_bound, log10_int,
};
use rug::{Float, Rational};

/// How far to walk for a limit.
#[derive(Clone, Copy, Debug)]
pub struct WalkOptions {
    /// Digits wanted (the depth doubles until they are certain).
    pub digits: u32,
    /// First depth.
    pub start_depth: usize,
    /// Largest depth.
    pub max_depth: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            digits: 100,
            start_depth: 16,
            max_depth: 1 << 14,
        }
    }
}

/// A walk's limit with the digits that are certain.
#[derive(Clone, Debug)]
pub struct WalkLimit {
    /// `x_D` at the final depth `D`.
    pub value: Float,
    /// `x_D` exactly.
    pub exact: Rational,
    /// Certain digits after the point: `|value − L| ≤ 10^{−digits}` (by the bounds below).
    pub digits: f64,
    /// Final depth `D`.
    pub depth: usize,
    /// `(c(D) − c(D'))/(D − D')` digits per step, `c(n) = −log10|x_n − x_{n−1}|`, `D'` the previous depth.
    pub rate: f64,
    /// δ of the reduced approximant `x_{D'} = p/q` at the previous depth against `x_D`:
    /// `|x_D − p/q| = q^{−(1+δ)}`; `None` if `q = 1`.
    pub delta: Option<f64>,
    /// Whether convergence looked geometric or faster.
    pub geometric: bool,
}

struct Level {
    depth: usize,
    /// `P(depth)` (integral part).
    cur: IntMatrix,
    x: Rational,
    /// `c = −log10|x_depth − x_{depth−1}|`.
    c: f64,
}

/// `log10 |r|` of a rational (`−∞` for 0).
fn log10_rat(r: &Rational) -> f64 {
    log10_int(r.numer()) - log10_int(r.denom())
}

impl Walker<'_> {
    fn level(
        &self,
        traj: &[i64],
        start: &[i64],
        from: Option<&Level>,
        depth: usize,
    ) -> Result<Level, WalkError> {
        let (base, lo) = match from {
            Some(l) => (l.cur.clone(), l.depth),
            None => (IntMatrix::identity(self.cmf.rank()), 0),
        };
        let prev = base.mul(&self.steps_projective(traj, start, lo, depth - 1)?);
        let cur = prev.mul(&self.steps_projective(traj, start, depth - 1, depth)?);
        let x = cur.value().ok_or(WalkError::ZeroDenominator { depth })?;
        let c = match prev.value() {
            Some(xp) => -log10_rat(&Rational::from(&x - &xp)),
            None => f64::NEG_INFINITY,
        };
        Ok(Level { depth, cur, x, c })
    }

    /// The limit of the walk along `traj` from `start` by depth doubling, with the digits that are
    /// certain: with `d(N) = |x_{2N} − x_N|` shrinking by `r` per doubling, the tail after `2N` is at
    /// most `d(N)/(r − 1)` (safety factor 1.5); when the consecutive differences show geometric
    /// convergence (`c(2N) − c(N) ≥ 3.5`), the tail is at most `|x_{2N} − x_{2N−1}|/(ρ − 1)` with the
    /// per-step ratio `ρ = 10^{(c(2N) − c(N))/N}` (safety factor 2). The larger bound is reported, as in
    /// [`crate::pcf::limit::evaluate`].
    pub fn limit(
        &self,
        traj: &[i64],
        start: &[i64],
        opts: &WalkOptions,
    ) -> Result<WalkLimit, WalkError> {
        self.check_dims(traj, start)?;
        let mut depths = Vec::new();
        let mut n = opts.start_depth.max(2);
        while n <= opts.max_depth {
            depths.push(n);
            n *= 2;
        }
        self.limit_over(traj, start, &depths, opts.digits)
    }

    /// The walk at exactly depth `depth`, with its digits judged from depths `depth/8`, `depth/4`
    /// and `depth/2`: the claim of depth `depth` is reported when the claim of depth `depth/2`
    /// (which needs the two shallower ones) passes its test at `depth`.
    pub fn limit_at_depth(
        &self,
        traj: &[i64],
        start: &[i64],
        depth: usize,
    ) -> Result<WalkLimit, WalkError> {
        self.check_dims(traj, start)?;
        let depth = depth.max(16);
        self.limit_over(
            traj,
            start,
            &[depth / 8, depth / 4, depth / 2, depth],
            u32::MAX,
        )
    }

    fn limit_over(
        &self,
        traj: &[i64],
        start: &[i64],
        depths: &[usize],
        want: u32,
    ) -> Result<WalkLimit, WalkError> {
        assert!(depths.len() >= 2, "at least two depths");
        let mut lo = self.level(traj, start, None, depths[0])?;
        let mut prev_double: Option<f64> = None;
        // The previous level's claimed digits, not yet tested (see `pcf::limit`: a claim is
        // reported only after the next level has tested it).
        let mut prev_claim: Option<f64> = None;
        for (k, &d) in depths.iter().enumerate().skip(1) {
            let hi = self.level(traj, start, Some(&lo), d)?;
            let d_double = -log10_rat(&Rational::from(&hi.x - &lo.x));
            let gain = hi.c - lo.c;
            let geometric = gain.is_finite() && gain >= 3.5;
            let mut digits = doubling_bound(d_double, prev_double);
            if geometric {
                digits = digits.max(geometric_bound(hi.c, gain, hi.depth - lo.depth));
            }
            let exact = d_double.is_infinite() && hi.c.is_infinite();
            if exact {
                // x_n is constant from depth D/2 on: the walk is a terminating (rational) value.
                digits = f64::from(want.min(100_000));
            }
            let claim = digits;
            let tested = exact || prev_claim.is_some_and(|c| claim_passes(c, d_double));
            let digits = if tested { claim } else { 0.0 };
            prev_claim = Some(claim);
            if digits >= f64::from(want) || k + 1 == depths.len() {
                let shown = digits.clamp(10.0, 1e6).ceil() as u32;
                let prec = bits_for_digits(shown + 10);
                let value = Float::with_val(prec, &hi.x);
                let rate = if gain.is_finite() {
                    gain / (hi.depth - lo.depth) as f64
                } else {
                    0.0
                };
                let delta = delta_of(&lo.x, &hi.x);
                return Ok(WalkLimit {
                    value,
                    exact: hi.x,
                    digits: digits.max(0.0),
                    depth: hi.depth,
                    rate,
                    delta,
                    geometric,
                });
            }
            prev_double = Some(d_double);
            lo = hi;
        }
        unreachable!("the loop returns at the last depth")
    }
}

/// `δ = −log|l − p/q| / log q − 1` for the reduced fraction `p/q = approx` (`None` if `q = 1` or
/// `approx = l`): [`delta_between`], the δ of PCF limits.
pub fn delta_of(approx: &Rational, l: &Rational) -> Option<f64> {
    delta_between(approx.numer(), approx.denom(), l.numer(), l.denom())
}
