//! PSLQ integer-relation detection (Ferguson–Bailey–Arno, 1999) with MPFR floats.
//!
//! Given reals x = (x₁, …, xₙ), an *integer relation* is a nonzero m ∈ Zⁿ with Σ mᵢxᵢ = 0.
//! PSLQ maintains
//!
//! * y = x·B / ‖x‖₂ — the current "residual" vector (yⱼ is the value of the relation
//!   stored in column j of B, divided by ‖x‖₂),
//! * B ∈ GL(n, Z) — a unimodular integer matrix whose columns are candidate relations,
//! * H — an n × (n−1) lower-trapezoidal real matrix, initially
//!   Hⱼⱼ = sⱼ₊₁/sⱼ, Hᵢⱼ = −yᵢyⱼ/(sⱼsⱼ₊₁) (i > j), Hᵢⱼ = 0 (i < j), with sₖ = (Σ_{j≥k} yⱼ²)^{1/2},
//!
//! and repeats, with γ = √(4/3) (any γ > 2/√3 works):
//!
//! 1. *Exchange*: pick m maximising γ^{m}·|H_{mm}| (1-based m) and swap entries m, m+1 of y,
//!    rows m, m+1 of H and columns m, m+1 of B.
//! 2. *Corner*: if m ≤ n−2, restore the lower-trapezoidal form of H by the rotation of
//!    columns m, m+1 with t₀ = (H_{mm}² + H_{m,m+1}²)^{1/2}, t₁ = H_{mm}/t₀, t₂ = H_{m,m+1}/t₀.
//! 3. *Reduction* (Hermite size reduction): for i > j, t = nint(H_{ij}/H_{jj});
//!    yⱼ += t·yᵢ, H_{ik} −= t·H_{jk} (k ≤ j), column j of B += t·(column i of B).
//! 4. *Termination*: when some |yⱼ| < 10^{−tolerance_digits}, column j of B is the relation
//!    (among all such columns the one with the smallest max |mᵢ| is returned).
//!
//! **Norm bound.** At every step, every integer relation m of x satisfies
//! ‖m‖₂ ≥ 1/maxⱼ|Hⱼⱼ| (Ferguson–Bailey–Arno, Theorem 1). Since a relation with max |mᵢ| ≤ C has
//! ‖m‖₂ ≤ C·√n, PSLQ stops with a *proof* (for the given numbers at working precision) that no
//! relation with max |mᵢ| ≤ C exists as soon as 1/maxⱼ|Hⱼⱼ| > C·√n.
//!
//! The working precision is the smallest precision among the inputs. Everything is deterministic.

use rug::ops::Pow;
use rug::{Float, Integer};

/// γ² of the PSLQ exchange rule (γ = √(4/3)).
const GAMMA_SQUARED: f64 = 4.0 / 3.0;

/// Parameters of a PSLQ run.
#[derive(Clone, Debug, PartialEq)]
pub struct PslqConfig {
    /// A relation is recognised when |Σ mᵢxᵢ| / ‖x‖₂ < 10^(−tolerance_digits).
    pub tolerance_digits: u32,
    /// Only relations with max |mᵢ| ≤ `max_coeff` are returned; PSLQ gives up once it has proved
    /// that no such relation exists (norm bound > `max_coeff`·√n).
    pub max_coeff: u64,
    /// Upper limit on the number of PSLQ iterations.
    pub max_iterations: usize,
}

impl PslqConfig {
    /// A configuration with the given tolerance and coefficient bound and 10,000 iterations at most.
    pub fn new(tolerance_digits: u32, max_coeff: u64) -> Self {
        PslqConfig {
            tolerance_digits,
            max_coeff,
            max_iterations: 10_000,
        }
    }
}

/// Why PSLQ stopped without returning a relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PslqStop {
    /// The proved norm bound exceeds `max_coeff`·√n: no relation with max |mᵢ| ≤ `max_coeff` exists.
    NormBoundExceeded,
    /// A relation was detected, but its largest coefficient exceeds `max_coeff`.
    RelationTooLarge(Vec<Integer>),
    /// `max_iterations` iterations were done without a decision.
    MaxIterations,
    /// The integer matrix outgrew the working precision (or H degenerated) before a decision.
    PrecisionExhausted,
}

/// The result of a PSLQ run.
#[derive(Clone, Debug, PartialEq)]
pub enum PslqOutcome {
    /// An integer relation m with |Σ mᵢxᵢ|/‖x‖₂ < 10^(−tolerance_digits) and max |mᵢ| ≤ `max_coeff`,
    /// sign-normalised so that its first nonzero entry is positive.
    Relation {
        /// The relation m (same order as the input vector).
        coefficients: Vec<Integer>,
        /// |Σ mᵢxᵢ| / ‖x‖₂ at working precision, as f64 (may be 0 or subnormal).
        residual: f64,
        /// Number of PSLQ iterations done.
        iterations: usize,
    },
    /// No relation returned.
    NoRelation {
        /// Lower bound proved for the Euclidean norm of every integer relation of the input.
        norm_bound: f64,
        /// Why the run stopped.
        reason: PslqStop,
        /// Number of PSLQ iterations done.
        iterations: usize,
    },
}

impl PslqOutcome {
    /// The relation, if one was found.
    pub fn relation(&self) -> Option<&[Integer]> {
        match self {
            PslqOutcome::Relation { coefficients, .. } => Some(coefficients),
            PslqOutcome::NoRelation { .. } => None,
        }
    }
}

/// Errors of [`pslq`] for inputs it cannot work on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PslqError {
    /// PSLQ needs at least two numbers.
    #[error("PSLQ needs at least 2 numbers, got {0}")]
    TooFewValues(usize),
    /// An input is NaN or infinite.
    #[error("PSLQ input x[{0}] is not finite")]
    NotFinite(usize),
    /// Every input is zero.
    #[error("PSLQ input vector is zero")]
    ZeroVector,
}

/// Runs PSLQ on `x` (see the module documentation) at the smallest precision among the inputs.
///
/// If some |xᵢ|/‖x‖₂ is already below the tolerance the unit vector eᵢ is returned.
pub fn pslq(x: &[Float], config: &PslqConfig) -> Result<PslqOutcome, PslqError> {
    let n = x.len();
    if n < 2 {
        return Err(PslqError::TooFewValues(n));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(PslqError::NotFinite(i));
    }
    let prec = x.iter().map(Float::prec).min().unwrap_or(64).max(64);
    let tol = Float::with_val(prec, 10u32).pow(-i64::from(config.tolerance_digits));
    let sqrt_n = (n as f64).sqrt();
    let coeff_bound = config.max_coeff as f64 * sqrt_n;

    // Normalise: y = x/‖x‖.
    let mut norm = Float::with_val(prec, 0);
    for v in x {
        norm += Float::with_val(prec, v.square_ref());
    }
    norm.sqrt_mut();
    if norm.is_zero() {
        return Err(PslqError::ZeroVector);
    }
    let mut y: Vec<Float> = x.iter().map(|v| Float::with_val(prec, v / &norm)).collect();

    // A (near-)zero entry is itself a relation.
    if let Some(i) = (0..n).find(|&i| Float::with_val(prec, y[i].abs_ref()) < tol) {
        let mut m = vec![Integer::new(); n];
        m[i] = Integer::from(1);
        let residual = y[i].to_f64().abs();
        return Ok(finish_relation(m, residual, 0.0, 0, config));
    }

    // Partial norms s_k = sqrt(sum_{j>=k} y_j^2).
    let mut s = vec![Float::new(prec); n];
    let mut acc = Float::with_val(prec, 0);
    for k in (0..n).rev() {
        acc += Float::with_val(prec, y[k].square_ref());
        s[k] = Float::with_val(prec, acc.sqrt_ref());
    }

    // H: n rows × (n−1) columns, stored row-major.
    let cols = n - 1;
    let mut h = vec![Float::new(prec); n * cols];
    for i in 0..n {
        for j in 0..cols.min(i + 1) {
            h[i * cols + j] = if i == j {
                Float::with_val(prec, &s[j + 1] / &s[j])
            } else {
                let den = Float::with_val(prec, &s[j] * &s[j + 1]);
                -Float::with_val(prec, &y[i] * &y[j]) / den
            };
        }
    }

    // B = identity.
    let mut b: Vec<Integer> = (0..n * n)
        .map(|k| Integer::from(u32::from(k / n == k % n)))
        .collect();

    // Initial full reduction.
    for i in 1..n {
        reduce_row(i, i - 1, n, cols, &mut h, &mut y, &mut b, prec);
    }

    let mut best_bound = 0f64;
    let mut iterations = 0usize;
    loop {
        // Termination tests.
        if let Some(out) = detect_relation(&y, &b, n, &tol, best_bound, iterations, config) {
            return Ok(out);
        }
        let max_diag = (0..cols)
            .map(|j| h[j * cols + j].to_f64().abs())
            .fold(0f64, f64::max);
        if max_diag == 0.0 || !max_diag.is_finite() {
            return Ok(no_relation(
                best_bound,
                PslqStop::PrecisionExhausted,
                iterations,
            ));
        }
        best_bound = best_bound.max(1.0 / max_diag);
        if best_bound > coeff_bound {
            return Ok(no_relation(
                best_bound,
                PslqStop::NormBoundExceeded,
                iterations,
            ));
        }
        if iterations >= config.max_iterations {
            return Ok(no_relation(best_bound, PslqStop::MaxIterations, iterations));
        }
        let max_b_bits = b.iter().map(Integer::significant_bits).max().unwrap_or(0);
        if max_b_bits + 16 > prec {
            return Ok(no_relation(
                best_bound,
                PslqStop::PrecisionExhausted,
                iterations,
            ));
        }
        iterations += 1;

        // 1. Exchange: m maximising gamma^(m+1) |H_mm| (0-based m).
        let mut m = 0usize;
        let mut best = f64::NEG_INFINITY;
        for j in 0..cols {
            // log of gamma^(j+1)|H_jj|, robust against under/overflow.
            let hjj = h[j * cols + j].to_f64().abs();
            let score = (j as f64 + 1.0) * 0.5 * GAMMA_SQUARED.ln() + hjj.ln();
            if score > best {
                best = score;
                m = j;
            }
        }
        y.swap(m, m + 1);
        for k in 0..cols {
            h.swap(m * cols + k, (m + 1) * cols + k);
        }
        for r in 0..n {
            b.swap(r * n + m, r * n + m + 1);
        }

        // 2. Corner: rotate columns m, m+1 when column m+1 exists.
        if m + 1 < cols {
            let a = &h[m * cols + m];
            let c = &h[m * cols + m + 1];
            let t0 = Float::with_val(prec, a.square_ref()) + Float::with_val(prec, c.square_ref());
            let t0 = t0.sqrt();
            let t1 = Float::with_val(prec, a / &t0);
            let t2 = Float::with_val(prec, c / &t0);
            for i in m..n {
                let t3 = h[i * cols + m].clone();
                let t4 = h[i * cols + m + 1].clone();
                h[i * cols + m] =
                    Float::with_val(prec, &t1 * &t3) + Float::with_val(prec, &t2 * &t4);
                h[i * cols + m + 1] =
                    Float::with_val(prec, &t1 * &t4) - Float::with_val(prec, &t2 * &t3);
            }
        }

        // 3. Reduction of the rows below the exchange.
        for i in m + 1..n {
            let jmax = (i - 1).min(m + 1);
            reduce_row(i, jmax, n, cols, &mut h, &mut y, &mut b, prec);
        }
    }
}

/// Hermite-reduces row `i` of H against rows `jmax, jmax−1, …, 0`, updating y and B.
#[allow(clippy::too_many_arguments)]
fn reduce_row(
    i: usize,
    jmax: usize,
    n: usize,
    cols: usize,
    h: &mut [Float],
    y: &mut [Float],
    b: &mut [Integer],
    prec: u32,
) {
    for j in (0..=jmax).rev() {
        let hjj = &h[j * cols + j];
        if hjj.is_zero() {
            continue;
        }
        let q = Float::with_val(prec, &h[i * cols + j] / hjj);
        let Some(t) = q.round().to_integer() else {
            continue;
        };
        if t.is_zero() {
            continue;
        }
        // y_j += t y_i
        let ty = Float::with_val(prec, &y[i] * &t);
        y[j] += ty;
        // H_ik -= t H_jk, k <= j
        for k in 0..=j {
            let th = Float::with_val(prec, &h[j * cols + k] * &t);
            h[i * cols + k] -= th;
        }
        // column j of B += t * column i of B
        for r in 0..n {
            let tb = Integer::from(&b[r * n + i] * &t);
            b[r * n + j] += tb;
        }
    }
}

/// Returns the best relation column if some |y_j| < tol.
fn detect_relation(
    y: &[Float],
    b: &[Integer],
    n: usize,
    tol: &Float,
    norm_bound: f64,
    iterations: usize,
    config: &PslqConfig,
) -> Option<PslqOutcome> {
    let mut best: Option<(Vec<Integer>, f64)> = None;
    for (j, yj) in y.iter().enumerate() {
        if yj.cmp_abs(tol) != Some(std::cmp::Ordering::Less) {
            continue;
        }
        let col: Vec<Integer> = (0..n).map(|r| b[r * n + j].clone()).collect();
        let better = match &best {
            None => true,
            Some((cur, _)) => max_abs(&col) < max_abs(cur),
        };
        if better {
            best = Some((col, yj.to_f64().abs()));
        }
    }
    best.map(|(m, residual)| finish_relation(m, residual, norm_bound, iterations, config))
}

/// Largest |mᵢ|.
fn max_abs(m: &[Integer]) -> Integer {
    m.iter()
        .map(|v| Integer::from(v.abs_ref()))
        .max()
        .unwrap_or_default()
}

/// Sign-normalises a detected relation and checks it against the coefficient bound.
fn finish_relation(
    mut m: Vec<Integer>,
    residual: f64,
    norm_bound: f64,
    iterations: usize,
    config: &PslqConfig,
) -> PslqOutcome {
    if m.iter().find(|v| !v.is_zero()).is_some_and(|v| *v < 0) {
        for v in &mut m {
            *v = -std::mem::take(v);
        }
    }
    if max_abs(&m) > config.max_coeff {
        return PslqOutcome::NoRelation {
            norm_bound,
            reason: PslqStop::RelationTooLarge(m),
            iterations,
        };
    }
    PslqOutcome::Relation {
        coefficients: m,
        residual,
        iterations,
    }
}

/// A `NoRelation` outcome.
fn no_relation(norm_bound: f64, reason: PslqStop, iterations: usize) -> PslqOutcome {
    PslqOutcome::NoRelation {
        norm_bound,
        reason,
        iterations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rug::float::Constant;

    #[test]
    fn finds_two_term_relation() {
        let prec = 300;
        let pi = Float::with_val(prec, Constant::Pi);
        let x = [Float::with_val(prec, &pi * 3u32), pi];
        let out = pslq(&x, &PslqConfig::new(80, 100)).unwrap();
        assert_eq!(
            out.relation().unwrap(),
            &[Integer::from(1), Integer::from(-3)]
        );
    }
}
