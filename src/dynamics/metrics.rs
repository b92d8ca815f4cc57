//! Blind-δ per-PCF metrics: the `calc_individual` recipe of algorithms.md §9.2.
//!
//! Lists are 0-based with list index k ↔ convergent p_{k−1}/q_{k−1} (index 0 holds p₋₁ = 1,
//! q₋₁ = 0); the recurrence runs for n = 1 … depth−1, so depth 2000 gives indices 0 … 2000.
//! With D = last list index, S = D / p (p = 2) and sample points X = [6, S/8, S/4, S/2, S]:
//!
//! * reduced-denominator growth: ln|Q\[x\]/G\[x\]| ≈ γ'·x + η'·x·ln x (η' := 0 and refit if |η'| < 0.05);
//! * eigenvalue ratio at N*: A = a(N*), B = b(N*), disc = A² + 4B, ratio = (A + √disc)/(A − √disc);
//! * blind δ at S against L = P\[D\]/Q\[D\]: E = −ln| |L| − |P\[S\]/Q\[S\]| |, δ_naive = E/ln|Q\[S\]| − 1,
//!   δ_FR = E/ln(|Q\[S\]|/G\[S\]) − 1;
//! * predicted δ = N*·|ln|ratio|| / (γ'N* + η'N* ln N*) − 1;
//! * convergence dynamics: ln|P\[D\]/Q\[D\] − P\[x\]/Q\[x\]| ≈ β ln x + γ x + η x ln x.
//!
//! Everything is exact big-integer arithmetic until a logarithm is taken; logarithms come from the
//! leading bits of the integers (`Integer::to_f64_exp`), and gcds are computed at the sample points only.

use rug::{Float, Integer};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::convergents::{poly_at, poly_at_big};
use super::delta::DeltaError;
use super::fit::least_squares;
use super::measure::{measure_exact, measure_fast, Measured, BALL_PREC};

/// The authors' default depth (`delta2_job.json`).
pub const DEFAULT_DEPTH: usize = 2000;
/// The authors' sample ratio p: S = D / p.
pub const DEFAULT_P_RATIO: usize = 2;
/// The authors' LIMIT_CONSTANT N* = 10⁹ at which the eigenvalue ratio and predicted δ are evaluated.
pub const DEFAULT_N_STAR: u64 = 1_000_000_000;
/// |L| at or above this bound marks the PCF as rational/divergent (recipe step 2).
pub const LIMIT_BOUND: i64 = 1000;
/// |η'| below this threshold means "no factorial growth": refit with η' = 0 (recipe step 4).
pub const ETA_PRIME_THRESHOLD: f64 = 0.05;

/// Errors that prevent computing metrics at all (invalid input).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MetricsError {
    /// A polynomial has no coefficients.
    #[error("polynomial {name} has no coefficients")]
    EmptyPolynomial {
        /// "a" or "b".
        name: &'static str,
    },
    /// The depth is too small for the sample points [6, S/8, S/4, S/2, S] to be increasing.
    #[error("depth {depth} too small: the sample points need S/8 > 6, i.e. at least {min} usable list entries")]
    DepthTooSmall {
        /// Requested depth.
        depth: usize,
        /// Minimum number of list entries after dropping q = 0 entries.
        min: usize,
    },
    /// The sample ratio p must be at least 1.
    #[error("sample ratio p must be at least 1, got {0}")]
    BadRatio(usize),
    /// a(n) or b(n) does not fit in 64 bits.
    #[error(transparent)]
    Delta(#[from] DeltaError),
}

/// Why a PCF's metrics are (partly) missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetricsStatus {
    /// All metrics computed.
    Computed,
    /// b(n) = 0 for this n in 1 … depth−1: the recipe marks the PCF divergent and stops.
    ZeroB {
        /// The first n with b(n) = 0.
        n: usize,
    },
    /// |L| ≥ 1000 at the last convergent: the recipe's rational/divergent marker.
    LargeLimit,
    /// Q\[D\] = 0: the last convergent, hence L, is undefined.
    ZeroDenominator,
    /// Some metric is undefined (e.g. p/q equals the final convergent exactly, or p = 0 at S).
    Partial,
}

/// Tuning of the recipe (the defaults are the authors').
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricsConfig {
    /// Depth: the recurrence runs for n = 1 … depth−1.
    pub depth: usize,
    /// Sample ratio p: S = D / p.
    pub p_ratio: usize,
    /// N* for the eigenvalue ratio and predicted δ.
    pub n_star: u64,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            depth: DEFAULT_DEPTH,
            p_ratio: DEFAULT_P_RATIO,
            n_star: DEFAULT_N_STAR,
        }
    }
}

/// Blind-δ metrics of one PCF (a CSV row of the authors' `calc_individual`).
///
/// Values that the recipe leaves undefined are `None` (a NULL in a catalog); all floating values
/// are natural-log based.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PcfMetrics {
    /// Coefficients of a(n), lowest degree first.
    pub a: Vec<i64>,
    /// Coefficients of b(n), lowest degree first.
    pub b: Vec<i64>,
    /// Depth used.
    pub depth: usize,
    /// Outcome of the recipe.
    pub status: MetricsStatus,
    /// b(n) = 0 for some n < depth, or |L| ≥ 1000 (the recipe's divergent/rational markers).
    pub divergent: bool,
    /// L = P\[D\]/Q\[D\] as f64.
    pub limit: Option<f64>,
    /// L = P\[D\]/Q\[D\] to 60 significant digits.
    pub limit_digits: Option<String>,
    /// δ_naive at list index S (column `Naive_Delta`).
    pub naive_delta: Option<f64>,
    /// δ_FR at list index S with the gcd-reduced denominator (column `FR_Delta`).
    pub fr_delta: Option<f64>,
    /// Predicted δ = N*·|ln|ratio|| / (γ'N* + η'N* ln N*) − 1 (column `Predicted_Delta`).
    pub predicted_delta: Option<f64>,
    /// γ': slope of ln|Q/G| in n (column `c`).
    pub gamma_prime: Option<f64>,
    /// η': coefficient of n ln n in ln|Q/G| (column `d`; 0 when |η'| < 0.05).
    pub eta_prime: Option<f64>,
    /// Variance of γ' (column `c_SDS`).
    pub gamma_prime_var: Option<f64>,
    /// Variance of η' (column `d_SDS`).
    pub eta_prime_var: Option<f64>,
    /// ln|λ₊/λ₋| at N*, λ± = (A ± √(A² + 4B))/2 (column `Eigenvalues_ratio`).
    pub log_eigen_ratio: Option<f64>,
    /// A² + 4B < 0 at N* (column `complex_Eigenvalues`); ratio and predicted δ are then `None`.
    pub complex_eigenvalues: bool,
    /// β: coefficient of ln n in ln|L − p/q| (column `convergence_b`).
    pub beta: Option<f64>,
    /// γ: coefficient of n in ln|L − p/q| (column `convergence_c`).
    pub gamma: Option<f64>,
    /// η: coefficient of n ln n in ln|L − p/q| (column `convergence_d`).
    pub eta: Option<f64>,
    /// Variances of β, γ, η (`convergence_*_SDS`).
    pub convergence_vars: Option<[f64; 3]>,
    /// The list indices X used as sample points.
    pub sample_points: Vec<usize>,
}

impl PcfMetrics {
    fn empty(a: &[i64], b: &[i64], depth: usize, status: MetricsStatus) -> Self {
        Self {
            a: a.to_vec(),
            b: b.to_vec(),
            depth,
            status,
            divergent: matches!(
                status,
                MetricsStatus::ZeroB { .. } | MetricsStatus::LargeLimit
            ),
            limit: None,
            limit_digits: None,
            naive_delta: None,
            fr_delta: None,
            predicted_delta: None,
            gamma_prime: None,
            eta_prime: None,
            gamma_prime_var: None,
            eta_prime_var: None,
            log_eigen_ratio: None,
            complex_eigenvalues: false,
            beta: None,
            gamma: None,
            eta: None,
            convergence_vars: None,
            sample_points: Vec::new(),
        }
    }
}

/// Metrics of the PCF (a, b) with the authors' defaults (p = 2, N* = 10⁹) at the given depth;
/// see [`metrics_with`].
pub fn metrics(a: &[i64], b: &[i64], depth: usize) -> Result<PcfMetrics, MetricsError> {
    metrics_with(
        a,
        b,
        &MetricsConfig {
            depth,
            ..MetricsConfig::default()
        },
    )
}

/// Sample list indices [6, S/8, S/4, S/2, S] with S = D / p.
pub fn sample_points(d: usize, p_ratio: usize) -> Vec<usize> {
    let s = d / p_ratio.max(1);
    vec![6, s / 8, s / 4, s / 2, s]
}

/// Runs the recurrence once for n = 0 … depth−1 (list indices k = n + 1 = 1 … depth) and returns
/// the list entries (k, P[k], Q[k]) whose index is in `wanted` (sorted).
fn walk(
    a: &[i64],
    b: &[i64],
    depth: usize,
    wanted: &[usize],
) -> Result<Vec<(usize, Integer, Integer)>, DeltaError> {
    // The shared exact convergents (product tree between the wanted depths) instead of a
    // step-by-step walk: only the list entries at `wanted` are needed.
    let pcf = crate::pcf::Pcf::from_i64(a, b);
    let mut saved = Vec::with_capacity(wanted.len());
    let mut conv: Option<crate::pcf::convergents::Convergents> = None;
    for &k in wanted.iter().filter(|&&k| (1..=depth).contains(&k)) {
        let n = k - 1;
        let c = match conv.take() {
            None => crate::pcf::convergents::Convergents::new(&pcf, n),
            Some(mut c) => {
                c.extend(&pcf, n);
                c
            }
        };
        saved.push((k, c.p().clone(), c.q().clone()));
        conv = Some(c);
    }
    Ok(saved)
}

/// ln|λ₊/λ₋| for the eigenvalues of [[0, B], [1, A]] at n = N*: ratio = (A + √disc)/(A − √disc),
/// disc = A² + 4B; returns (complex flag, value) with value `None` if complex or infinite.
pub fn log_eigen_ratio(a: &[i64], b: &[i64], n_star: u64) -> (bool, Option<f64>) {
    let n = Integer::from(n_star);
    let big_a = poly_at_big(a, &n);
    let big_b = poly_at_big(b, &n);
    let disc = Integer::from(big_a.square_ref()) + Integer::from(&big_b * 4u32);
    if disc < 0 {
        return (true, None);
    }
    let prec = 2 * disc.significant_bits().max(64) + 128;
    let s = Float::with_val(prec, &disc).sqrt();
    let num = Float::with_val(prec, &big_a + &s);
    let den = Float::with_val(prec, &big_a - &s);
    if den.is_zero() || num.is_zero() {
        return (false, None);
    }
    let r = (num / den).abs().ln().to_f64();
    (false, r.is_finite().then_some(r))
}

/// Metrics of the PCF (a, b) following the Blind-δ `calc_individual` recipe (algorithms.md §9.2).
///
/// Returns `Ok` with [`MetricsStatus::ZeroB`] / [`MetricsStatus::LargeLimit`] (and `divergent`)
/// for the recipe's markers, and `Err` only for invalid input. Unlike the recipe, complex
/// eigenvalues do not stop the computation: the measured metrics are still filled in and only the
/// eigenvalue ratio and predicted δ are left `None` (filter on `complex_eigenvalues`).
///
/// Convergents are exact up to the last sample point S; the values at D come from certified
/// balls, and a value the balls cannot decide is recomputed as in [`metrics_exact`].
pub fn metrics_with(
    a: &[i64],
    b: &[i64],
    config: &MetricsConfig,
) -> Result<PcfMetrics, MetricsError> {
    metrics_by(a, b, config, Method::Fast)
}

/// Metrics of the PCF (a, b) with exact big integers throughout: convergents by the shared
/// product tree, full-size cross terms P\[D\]·Q\[x\] − P\[x\]·Q\[D\] and gcds. This is the
/// computation [`metrics_with`] falls back to when its certified approximations cannot decide a
/// value; the results are identical, only slower at large depths.
pub fn metrics_exact(
    a: &[i64],
    b: &[i64],
    config: &MetricsConfig,
) -> Result<PcfMetrics, MetricsError> {
    metrics_by(a, b, config, Method::Exact)
}

/// Metrics of the PCF (a, b) by the recipe exactly as written: every convergent by the three-term
/// recurrence pₙ = a(n)pₙ₋₁ + b(n)pₙ₋₂, every cross term P\[D\]·Q\[x\] − P\[x\]·Q\[D\] and gcd in
/// full precision. Slow; the reference that [`metrics_with`] is tested against (the two agree bit
/// for bit).
pub fn metrics_reference(
    a: &[i64],
    b: &[i64],
    config: &MetricsConfig,
) -> Result<PcfMetrics, MetricsError> {
    metrics_by(a, b, config, Method::Reference)
}

/// How the readings at the sample points are obtained; everything else is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// Exact prefix and certified balls ([`measure_fast`]), exact product tree if undecided.
    Fast,
    /// Exact convergents by the product tree, full-size cross terms and gcds.
    Exact,
    /// Exact convergents by the step-by-step recurrence, full-size cross terms and gcds.
    Reference,
}

/// The one path of [`metrics_with`], [`metrics_exact`] and [`metrics_reference`]: input checks
/// and recipe step 1, the readings by `method`, then the fits and δs (steps 2–8).
fn metrics_by(
    a: &[i64],
    b: &[i64],
    config: &MetricsConfig,
    method: Method,
) -> Result<PcfMetrics, MetricsError> {
    if let Some(early) = check_input(a, b, config)? {
        return Ok(early);
    }
    let d = config.depth;
    let xs = sample_points(d, config.p_ratio);
    let fast = match method {
        Method::Fast => measure_fast(a, b, d, &xs, BALL_PREC),
        Method::Exact | Method::Reference => None,
    };
    let measured = match fast {
        Some(m) => m,
        None => {
            let wanted = wanted_entries(&xs, d);
            let saved = if method == Method::Reference {
                walk_step_by_step(a, b, d, &wanted)?
            } else {
                walk(a, b, d, &wanted)?
            };
            measure_exact(&saved, d, &xs)
        }
    };
    Ok(finish(a, b, config, xs, measured))
}

/// Validates the input (recipe step 1 included): `Err` for invalid input, `Ok(Some(_))` for the
/// b(n) = 0 marker, `Ok(None)` to go on.
fn check_input(
    a: &[i64],
    b: &[i64],
    config: &MetricsConfig,
) -> Result<Option<PcfMetrics>, MetricsError> {
    if a.is_empty() {
        return Err(MetricsError::EmptyPolynomial { name: "a" });
    }
    if b.is_empty() {
        return Err(MetricsError::EmptyPolynomial { name: "b" });
    }
    if config.p_ratio == 0 {
        return Err(MetricsError::BadRatio(0));
    }
    let depth = config.depth;
    let min_entries = 57 * config.p_ratio;
    if depth < min_entries {
        return Err(MetricsError::DepthTooSmall {
            depth,
            min: min_entries,
        });
    }
    // Step 1: b(n) = 0 for some n in 1 … depth−1 → divergent.
    for n in 1..depth {
        let ni = i64::try_from(n).map_err(|_| DeltaError::CoefficientOverflow { n })?;
        let zero = match poly_at(b, ni) {
            Some(bn) => bn == 0,
            None => poly_at_big(b, &Integer::from(ni)).is_zero(),
        };
        if zero {
            return Ok(Some(PcfMetrics::empty(
                a,
                b,
                depth,
                MetricsStatus::ZeroB { n },
            )));
        }
    }

    Ok(None)
}

/// The list entries (k, P[k], Q[k]) with k in `wanted` (sorted) by the three-term recurrence,
/// one step at a time for n = 0 … depth−1.
fn walk_step_by_step(
    a: &[i64],
    b: &[i64],
    depth: usize,
    wanted: &[usize],
) -> Result<Vec<(usize, Integer, Integer)>, DeltaError> {
    let mut saved = Vec::with_capacity(wanted.len());
    super::convergents::walk_pcf_convergents(a, b, depth - 1, |n, p, q| {
        if wanted.binary_search(&(n + 1)).is_ok() {
            saved.push((n + 1, p.clone(), q.clone()));
        }
    })?;
    Ok(saved)
}

/// The list entries the recipe reads: the sample points and D.
fn wanted_entries(xs: &[usize], d: usize) -> Vec<usize> {
    let mut wanted = xs.to_vec();
    wanted.push(d);
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// The fits, eigenvalue ratio and δs from the readings at the sample points (recipe steps 2–8).
fn finish(
    a: &[i64],
    b: &[i64],
    config: &MetricsConfig,
    xs: Vec<usize>,
    measured: Measured,
) -> PcfMetrics {
    let depth = config.depth;
    let v = match measured {
        Measured::ZeroDenominator => {
            let mut m = PcfMetrics::empty(a, b, depth, MetricsStatus::ZeroDenominator);
            m.sample_points = xs;
            return m;
        }
        Measured::LargeLimit => {
            let mut m = PcfMetrics::empty(a, b, depth, MetricsStatus::LargeLimit);
            m.sample_points = xs;
            return m;
        }
        Measured::Values(v) => v,
    };
    let mut out = PcfMetrics::empty(a, b, depth, MetricsStatus::Computed);
    out.sample_points = xs.clone();
    out.limit = Some(v.limit.to_f64());
    out.limit_digits = Some(v.limit.to_string_radix(10, Some(60)));
    let ln_qd = v.ln_qd;
    let ln_q = v.ln_q;
    let ln_q_red = v.ln_q_red;
    let z = v.z;
    let mut partial = false;

    // Step 4: growth of the reduced denominator at the sample points.
    // A sample point whose Q is 0 (or whose convergent equals L exactly) has an infinite
    // logarithm and is left out of the corresponding fit.
    let q_points: Vec<(f64, f64)> = xs
        .iter()
        .zip(&ln_q_red)
        .filter(|(_, y)| y.is_finite())
        .map(|(&x, &y)| (x as f64, y))
        .collect();
    let z_points: Vec<(f64, f64)> = xs
        .iter()
        .zip(&z)
        .filter(|(_, y)| y.is_finite())
        .map(|(&x, &y)| (x as f64, y))
        .collect();
    let column = |pts: &[(f64, f64)], f: fn(f64) -> f64| -> Vec<f64> {
        pts.iter().map(|&(n, _)| f(n)).collect()
    };
    let ys = |pts: &[(f64, f64)]| -> Vec<f64> { pts.iter().map(|&(_, y)| y).collect() };
    let lin: fn(f64) -> f64 = |n| n;
    let nlogn: fn(f64) -> f64 = |n| n * n.ln();
    let logn: fn(f64) -> f64 = f64::ln;
    let qy = ys(&q_points);
    match least_squares(&[column(&q_points, lin), column(&q_points, nlogn)], &qy) {
        Ok(fit) if fit.params[1].abs() >= ETA_PRIME_THRESHOLD => {
            out.gamma_prime = Some(fit.params[0]);
            out.eta_prime = Some(fit.params[1]);
            out.gamma_prime_var = Some(fit.variances[0]);
            out.eta_prime_var = Some(fit.variances[1]);
        }
        Ok(_) => match least_squares(&[column(&q_points, lin)], &qy) {
            Ok(fit1) => {
                out.gamma_prime = Some(fit1.params[0]);
                out.eta_prime = Some(0.0);
                out.gamma_prime_var = Some(fit1.variances[0]);
                out.eta_prime_var = Some(0.0);
            }
            Err(_) => partial = true,
        },
        Err(_) => partial = true,
    }

    // Step 5: eigenvalue ratio at N*.
    let (complex, ratio) = log_eigen_ratio(a, b, config.n_star);
    out.complex_eigenvalues = complex;
    out.log_eigen_ratio = ratio;

    // Step 6: blind δ at list index S against |L|.
    let s_idx = xs.len() - 1;
    match v.ln_blind {
        None => partial = true,
        Some(ln_num) => {
            let e = -(ln_num - ln_qd - ln_q[s_idx]);
            out.naive_delta = Some(super::delta::delta_from_logs(-e, ln_q[s_idx]));
            out.fr_delta = Some(super::delta::delta_from_logs(-e, ln_q_red[s_idx]));
        }
    }

    // Step 7: predicted δ at N*.
    if let (Some(r), Some(c), Some(dd)) = (ratio, out.gamma_prime, out.eta_prime) {
        let ns = config.n_star as f64;
        let growth = c * ns + dd * ns * ns.ln();
        if growth != 0.0 {
            out.predicted_delta = Some(ns * r.abs() / growth - 1.0);
        }
    }

    // Step 8: convergence dynamics.
    let conv_cols = [
        column(&z_points, logn),
        column(&z_points, lin),
        column(&z_points, nlogn),
    ];
    match least_squares(&conv_cols, &ys(&z_points)) {
        Ok(fit) => {
            out.beta = Some(fit.params[0]);
            out.gamma = Some(fit.params[1]);
            out.eta = Some(fit.params[2]);
            out.convergence_vars = Some([fit.variances[0], fit.variances[1], fit.variances[2]]);
        }
        Err(_) => partial = true,
    }
    if partial {
        out.status = MetricsStatus::Partial;
    }
    out
}
