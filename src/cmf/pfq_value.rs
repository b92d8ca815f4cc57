//! Values of the generalised hypergeometric function at rational parameters:
//!
//! `pFq(x₀ … x_{p−1}; y₀ … y_{q−1}; z) = Σ_{n≥0} t_n`,   `t_n = ∏(x_i)_n / ∏(y_j)_n · zⁿ/n!`,
//!
//! with the rising factorial `(a)_n = a(a+1)…(a+n−1)` and the term ratio
//! `r_n = t_{n+1}/t_n = z·∏(n + x_i) / ((n + 1)·∏(n + y_j))`.
//!
//! * **Terminating** (some `x_i = −m`, `m ∈ ℕ`): the finite sum, exactly over ℚ.
//! * **Geometric** (`p ≤ q`, or `p = q + 1` with `|z| < 1`): direct summation with MPFR. Tail bound:
//!   once every `n + x_i > 0` and `n + y'_k > 0` (`y' = (y₀ … y_{q−1}, 1)`, paired with the `x_i`),
//!   every later ratio is at most `Q = |z|·∏_{i<p} max(1, (n + x_i)/(n + y'_i))·∏_{k≥p} 1/(n + y'_k)`
//!   (each paired factor is monotone towards 1), so for `Q < 1` the tail after `t_n` is at most
//!   `|t_n|·Q/(1 − Q)`. Rounding: every term carries at most `(n + 1)` roundings of relative size
//!   `2^{−w}`, so the sum is off by at most `2(N + 1)·Σ|t_n|·2^{−w}`; the working precision `w` is
//!   raised until tail plus rounding are below the digits asked for (cancellation for `z < 0` shows
//!   as `Σ|t_n| ≫ |F|`).
//! * **On the unit circle** (`p = q + 1`, `z = ±1`): the series converges only if
//!   `s = Σy − Σx > 0` (`z = 1`) or `s > −1` (`z = −1`), and then like `N^{−s}`: too slowly to sum.
//!   The partial sums obey `S_N = F − N^{−e}·Σ_k a_k N^{−k}` (`e = s` for `z = 1`; for `z = −1` the
//!   sums `S_{2M}` in `M` with `e = s + 1`; Euler–Maclaurin / Boole summation of `t_n`, whose
//!   expansion in `1/n` has no logarithms), so the `K`-th divided difference in `1/N` of
//!   `(F − S_N)·N^e` vanishes: `F = Δ^K[S_N·N^e] / Δ^K[N^e]` over `K + 1` consecutive `N`. This is
//!   Richardson extrapolation; its digits are judged, like a walk's, by the agreement of two
//!   extrapolations (`N₀, K`) and (`5N₀/4, 5K/4`), and never claimed beyond it.
//! * Otherwise (`p > q + 1`, or `p = q + 1` with `|z| > 1`) the series diverges: an error says so
//!   (analytic continuation is not attempted).

use crate::pcf::limit::{bits_for_digits, log10_abs};
use rug::float::Round;
use rug::ops::Pow;
use rug::{Float, Integer, Rational};
use thiserror::Error;

/// Most terms summed directly before giving up.
pub const MAX_TERMS: usize = 2_000_000;

/// Largest number of terms a terminating series may have.
pub const MAX_TERMINATING: usize = 100_000;

/// A value with the decimal digits it is known to.
#[derive(Clone, Debug)]
pub struct SeriesValue {
    /// The value (precision enough for `digits`).
    pub value: Float,
    /// Correct significant decimal digits (exact values: the digits asked for).
    pub digits: u32,
    /// How the value was obtained: `exact`, `series`, or `extrapolated`.
    pub method: &'static str,
}

/// Why a `pFq` value cannot be given.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SeriesError {
    /// The series diverges.
    #[error("{series}: the series diverges ({why}); analytic continuation is not implemented")]
    Diverges {
        /// The series, e.g. `3F2(1,1,1;1,1;1)`.
        series: String,
        /// The failed convergence condition.
        why: String,
    },
    /// A denominator parameter is a non-positive integer reached before the series terminates.
    #[error("{series}: y = {y} is a non-positive integer, (y)_n = 0 at n = {n}; the series is undefined")]
    Pole {
        /// The series.
        series: String,
        /// The denominator parameter.
        y: String,
        /// The index of the vanishing term denominator.
        n: i64,
    },
    /// Converges, but not fast enough to sum to the digits asked for.
    #[error("{series}: {why}")]
    TooSlow {
        /// The series.
        series: String,
        /// What ran out.
        why: String,
    },
}

/// `pFq(x; y; z)` as text, e.g. `2F1(1,1;2;1/2)`.
pub fn label(x: &[Rational], y: &[Rational], z: &Rational) -> String {
    let list = |v: &[Rational]| {
        v.iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    format!("{}F{}({};{};{z})", x.len(), y.len(), list(x), list(y))
}

/// `pFq(x; y; z)` to `digits` significant digits (module documentation for the methods and
/// their error bounds). The result may hold fewer digits when the value comes from extrapolation;
/// [`SeriesValue::digits`] says how many are certain.
pub fn pfq_value(
    x: &[Rational],
    y: &[Rational],
    z: &Rational,
    digits: u32,
) -> Result<SeriesValue, SeriesError> {
    let series = label(x, y, z);
    let digits = digits.max(1);
    // termination and poles
    let terminating = x
        .iter()
        .filter(|a| a.is_integer() && **a <= 0)
        .map(|a| -a.numer().to_i64().unwrap_or(i64::MIN + 1))
        .min();
    for b in y.iter().filter(|b| b.is_integer() && **b <= 0) {
        let n = -b.numer().to_i64().unwrap_or(i64::MIN + 1) + 1;
        if terminating.is_none_or(|m| m >= n) {
            return Err(SeriesError::Pole {
                series,
                y: b.to_string(),
                n,
            });
        }
    }
    if let Some(m) = terminating {
        let m = usize::try_from(m).unwrap_or(usize::MAX);
        if m > MAX_TERMINATING {
            return Err(SeriesError::TooSlow {
                series,
                why: format!("terminating after {m} terms, more than {MAX_TERMINATING}"),
            });
        }
        return Ok(exact(x, y, z, m, digits));
    }
    if *z == 0 {
        return Ok(SeriesValue {
            value: Float::with_val(bits_for_digits(digits), 1),
            digits,
            method: "exact",
        });
    }
    let (p, q) = (x.len(), y.len());
    let abs_z = Rational::from(z.abs_ref());
    if p > q + 1 {
        return Err(SeriesError::Diverges {
            series,
            why: format!("p = {p} > q + 1 = {}", q + 1),
        });
    }
    if p == q + 1 && abs_z > 1 {
        return Err(SeriesError::Diverges {
            series,
            why: format!("p = q + 1 and |z| = {abs_z} > 1"),
        });
    }
    if p == q + 1 && abs_z == 1 {
        let s = y.iter().sum::<Rational>() - x.iter().sum::<Rational>();
        let (ok, need) = if *z == 1 {
            (s > 0, "Σy − Σx > 0")
        } else {
            (s > -1, "Σy − Σx > −1")
        };
        if !ok {
            return Err(SeriesError::Diverges {
                series,
                why: format!("z = {z} needs {need}, here Σy − Σx = {s}"),
            });
        }
        return extrapolated(x, y, z, &s, digits, &series);
    }
    geometric(x, y, z, digits, &series)
}

/// The term ratio `r_n = z·∏(n + x_i)/((n + 1)·∏(n + y_j))`.
fn ratio(x: &[Rational], y: &[Rational], z: &Rational, n: usize) -> Rational {
    let n = Rational::from(n as u64);
    let mut num = z.clone();
    for a in x {
        num *= Rational::from(&n + a);
    }
    let mut den = Rational::from(&n + 1u32);
    for b in y {
        den *= Rational::from(&n + b);
    }
    num / den
}

fn exact(x: &[Rational], y: &[Rational], z: &Rational, m: usize, digits: u32) -> SeriesValue {
    let mut t = Rational::from(1);
    let mut sum = Rational::new();
    for n in 0..=m {
        sum += &t;
        t *= ratio(x, y, z, n);
    }
    SeriesValue {
        value: Float::with_val(bits_for_digits(digits), &sum),
        digits,
        method: "exact",
    }
}

/// The bound `Q(n)` of the module documentation, `None` while some `n + x_i` or `n + y'_k` is not
/// positive.
fn ratio_bound(x: &[Rational], y: &[Rational], z: &Rational, n: usize) -> Option<f64> {
    let nr = Rational::from(n as u64);
    let mut yp: Vec<Rational> = y.to_vec();
    yp.push(Rational::from(1));
    if x.iter().any(|a| Rational::from(&nr + a) <= 0)
        || yp.iter().any(|b| Rational::from(&nr + b) <= 0)
    {
        return None;
    }
    let mut qb = Rational::from(z.abs_ref());
    for (k, b) in yp.iter().enumerate() {
        let den = Rational::from(&nr + b);
        match x.get(k) {
            Some(a) => {
                let f = Rational::from(&nr + a) / den;
                if f > 1 {
                    qb *= f;
                }
            }
            None => qb /= den,
        }
    }
    // round up in f64
    let f = qb.to_f64();
    Some(f * (1.0 + 1e-12) + f64::MIN_POSITIVE)
}

fn geometric(
    x: &[Rational],
    y: &[Rational],
    z: &Rational,
    digits: u32,
    series: &str,
) -> Result<SeriesValue, SeriesError> {
    let target = bits_for_digits(digits);
    let mut wp = target + 64;
    for _ in 0..4 {
        let mut t = Float::with_val(wp, 1);
        let mut sum = Float::new(wp);
        let mut abs_exp_sum = Float::with_val(64, 0);
        let mut n = 0usize;
        let tail = loop {
            sum += &t;
            let ta = Float::with_val_round(64, t.abs_ref(), Round::Up).0;
            abs_exp_sum = Float::with_val_round(64, &abs_exp_sum + &ta, Round::Up).0;
            if t.is_zero() {
                break Float::new(64);
            }
            if let Some(qb) = ratio_bound(x, y, z, n) {
                if qb < 0.75 {
                    let f = Float::with_val(64, qb / (1.0 - qb));
                    let tail = Float::with_val_round(64, &ta * &f, Round::Up).0;
                    let mut tol = Float::with_val(64, sum.abs_ref());
                    tol >>= target;
                    if tail <= tol {
                        break tail;
                    }
                }
            }
            t *= ratio(x, y, z, n);
            n += 1;
            if n > MAX_TERMS {
                return Err(SeriesError::TooSlow {
                    series: series.to_string(),
                    why: format!(
                        "more than {MAX_TERMS} terms for {digits} digits (|z| too close to 1)"
                    ),
                });
            }
        };
        // error = tail + rounding
        let mut rounding = Float::with_val(64, &abs_exp_sum * (2 * (n as u64 + 1)));
        rounding >>= wp;
        let err = Float::with_val_round(64, &tail + &rounding, Round::Up).0;
        let sum_abs = Float::with_val(64, sum.abs_ref());
        let rel = Float::with_val(64, &err / &sum_abs);
        let got = if rel.is_zero() {
            f64::INFINITY
        } else {
            -log10_abs(&rel)
        };
        if sum.is_zero() || !sum.is_finite() {
            return Err(SeriesError::TooSlow {
                series: series.to_string(),
                why: "the sum cancels to zero at this precision".into(),
            });
        }
        if got >= f64::from(digits) {
            return Ok(SeriesValue {
                value: sum,
                digits,
                method: "series",
            });
        }
        // raise the precision by what cancellation and the term count cost
        let lost = (f64::from(digits) - got).max(1.0) * std::f64::consts::LOG2_10;
        wp += lost.ceil() as u32 + 32;
    }
    Err(SeriesError::TooSlow {
        series: series.to_string(),
        why: format!("cancellation: {digits} digits not reached"),
    })
}

/// Richardson extrapolation with `(n0, k)`: `F = Δ^K[S_N·N^e]/Δ^K[N^e]` at `N = n0 … n0 + k`
/// (for `z = −1` the sums `S_{2N}`).
fn richardson(
    x: &[Rational],
    y: &[Rational],
    z: &Rational,
    e: &Float,
    n0: usize,
    k: usize,
    wp: u32,
) -> Float {
    let step = if *z == 1 { 1 } else { 2 };
    let last = step * (n0 + k);
    // partial sums S_N = Σ_{n<N} t_n at the needed N
    let mut sums = Vec::with_capacity(k + 1);
    let mut t = Float::with_val(wp, 1);
    let mut s = Float::new(wp);
    for n in 0..last {
        s += &t;
        t *= ratio(x, y, z, n);
        let count = n + 1;
        if count % step == 0 && count / step >= n0 {
            sums.push(s.clone());
        }
    }
    let mut num = Float::new(wp);
    let mut den = Float::new(wp);
    // w_j = 1/∏_{i≠j}(1/N_j − 1/N_i) = ∏_{i≠j} N_i·N_j/(N_i − N_j)
    //     = (∏_i N_i)·N_j^{K−1}·(−1)^j/(j!·(K−j)!) ∝ (−1)^j·C(K, j)·N_j^{K−1};
    // the common factor cancels in the ratio.
    let mut binom = Integer::from(1);
    for (j, sum) in sums.iter().enumerate() {
        let nj = Integer::from((n0 + j) as u64);
        let mut w = Integer::from((&nj).pow((k as u32).saturating_sub(1)));
        w *= &binom;
        if j % 2 == 1 {
            w = -w;
        }
        binom *= (k - j) as u64;
        binom /= (j + 1) as u64;
        let pw = Float::with_val(wp, Float::with_val(wp, &nj).pow(e));
        let wpw = Float::with_val(wp, &pw * &w);
        num += Float::with_val(wp, &wpw * sum);
        den += wpw;
    }
    num / den
}

fn extrapolated(
    x: &[Rational],
    y: &[Rational],
    z: &Rational,
    s: &Rational,
    digits: u32,
    series: &str,
) -> Result<SeriesValue, SeriesError> {
    let ebase = if *z == 1 {
        s.clone()
    } else {
        Rational::from(s + 1u32)
    };
    let mut n0 = (2 * digits as usize + 40).max(60);
    loop {
        let k = n0 * 3 / 10;
        let (n1, k1) = (n0 * 5 / 4, k * 5 / 4);
        let amp = 2.0 * k1 as f64 * ((n1 + k1) as f64).log2();
        let wp = bits_for_digits(digits) + amp.ceil() as u32 + 64;
        let e = Float::with_val(wp, &ebase);
        let a = richardson(x, y, z, &e, n0, k, wp);
        let b = richardson(x, y, z, &e, n1, k1, wp);
        let diff = Float::with_val(wp, &a - &b);
        let agree = if diff.is_zero() {
            f64::from(digits) + 1.0
        } else {
            log10_abs(&b) - log10_abs(&diff)
        };
        let got = (agree - 1.0).floor();
        if got >= f64::from(digits) || n0 >= 4 * (2 * digits as usize + 40) {
            if got < 1.0 {
                return Err(SeriesError::TooSlow {
                    series: series.to_string(),
                    why: format!("z = {z}: Richardson extrapolation of the partial sums does not settle (Σy − Σx = {s})"),
                });
            }
            return Ok(SeriesValue {
                value: b,
                digits: (got as u32).min(digits),
                method: "extrapolated",
            });
        }
        n0 *= 2;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::constants;

    fn r(s: &str) -> Rational {
        crate::cmf::spec::parse_rational(s).unwrap()
    }

    /// Decimal digits to which `a` agrees with `b`: −log₁₀(|a − b|/|b|) (∞ when equal).
    pub(crate) fn agree(a: &Float, b: &Float) -> f64 {
        let d = Float::with_val(a.prec(), a - b);
        if d.is_zero() {
            return f64::INFINITY;
        }
        log10_abs(b) - log10_abs(&d)
    }

    /// ₂F₁(1, 1; 2; 1/2) = 2·log 2 (geometric case).
    #[test]
    fn two_f_one_at_one_half_is_two_log_two() {
        let v = pfq_value(&[r("1"), r("1")], &[r("2")], &r("1/2"), 80).unwrap();
        assert_eq!(v.method, "series");
        let want = constants::evaluate("2*log(2)", 400).unwrap();
        assert!(agree(&v.value, &want) >= 80.0);
    }

    /// ₁F₁(1; 1; −30) = e^{−30}: heavy cancellation is paid for with precision.
    #[test]
    fn cancellation_is_paid_for() {
        let v = pfq_value(&[r("1")], &[r("1")], &r("-30"), 40).unwrap();
        let want = constants::evaluate("exp(-30)", 400).unwrap();
        assert!(agree(&v.value, &want) >= 40.0, "{}", v.value);
    }

    /// ₃F₂(1, 1, 1; 2, 2; 1) = ζ(2) and ₂F₁(1, 1; 2; −1) = log 2 on the unit circle.
    #[test]
    fn unit_circle_values_are_extrapolated_honestly() {
        let v = pfq_value(&[r("1"), r("1"), r("1")], &[r("2"), r("2")], &r("1"), 60).unwrap();
        assert_eq!(v.method, "extrapolated");
        let want = constants::evaluate("zeta(2)", 400).unwrap();
        assert!(v.digits >= 50);
        assert!(agree(&v.value, &want) >= f64::from(v.digits), "{}", v.value);
        let v = pfq_value(&[r("1"), r("1")], &[r("2")], &r("-1"), 50).unwrap();
        let want = constants::evaluate("log(2)", 400).unwrap();
        assert!(v.digits >= 40);
        assert!(agree(&v.value, &want) >= f64::from(v.digits), "{}", v.value);
    }

    /// Gauss: ₂F₁(a, b; c; 1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)) at rational parameters (a non-integer
    /// exponent `s = c − a − b` in the extrapolation), and the claimed digits hold.
    #[test]
    fn gauss_sum_at_rational_parameters() {
        for (a, b, c, want) in [
            (
                "1/3",
                "1/2",
                "7/4",
                "gamma(7/4)*gamma(11/12)/(gamma(17/12)*gamma(5/4))",
            ),
            (
                "-1/2",
                "2/3",
                "5/3",
                "gamma(5/3)*gamma(3/2)/(gamma(13/6)*gamma(1))",
            ),
        ] {
            let v = pfq_value(&[r(a), r(b)], &[r(c)], &r("1"), 60).unwrap();
            let want = constants::evaluate(want, 400).unwrap();
            assert!(v.digits >= 50, "{a} {b} {c}: {}", v.digits);
            assert!(
                agree(&v.value, &want) >= f64::from(v.digits),
                "{a} {b} {c}: {}",
                v.value
            );
        }
        // Kummer at z = −1: ₂F₁(a, b; 1 + a − b; −1) = Γ(1+a−b)Γ(1+a/2)/(Γ(1+a)Γ(1+a/2−b))
        let v = pfq_value(&[r("1/2"), r("1/3")], &[r("7/6")], &r("-1"), 60).unwrap();
        let want =
            constants::evaluate("gamma(7/6)*gamma(5/4)/(gamma(3/2)*gamma(11/12))", 400).unwrap();
        assert!(v.digits >= 50, "{}", v.digits);
        assert!(agree(&v.value, &want) >= f64::from(v.digits), "{}", v.value);
    }

    /// ₂F₁(−3, 2; 1; 1/2) terminates: (1 − 6/2 + 6·3/4·… ) summed exactly.
    #[test]
    fn terminating_series_are_exact_and_poles_are_reported() {
        // 2F1(−2, 1; 1; z) = (1 − z)² at z = 1/2
        let v = pfq_value(&[r("-2"), r("1")], &[r("1")], &r("1/2"), 30).unwrap();
        assert_eq!(v.value, 0.25);
        let err = pfq_value(&[r("1"), r("1")], &[r("-2")], &r("1/2"), 30).unwrap_err();
        assert!(matches!(err, SeriesError::Pole { n: 3, .. }), "{err}");
        let err = pfq_value(&[r("1"), r("1"), r("1")], &[r("1"), r("1")], &r("1"), 30).unwrap_err();
        assert!(err.to_string().contains("Σy − Σx = -1"), "{err}");
        let err = pfq_value(&[r("1"), r("1")], &[r("2")], &r("3"), 30).unwrap_err();
        assert!(err.to_string().contains("diverges"), "{err}");
    }
}
