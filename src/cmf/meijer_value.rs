//! Values of Meijer's G-function at rational parameters and rational `z > 0`:
//!
//! `G^{m,n}_{p,q}(a; b | z) = (1/2πi) ∫_L ∏_{j<m}Γ(b_j − s)·∏_{j<n}Γ(1 − a_j + s)
//!   / (∏_{j≥m}Γ(1 − b_j + s)·∏_{j≥n}Γ(a_j − s)) · z^s ds`.
//!
//! **Slater's theorem** (DLMF 16.17.2): when `p < q`, or `p = q` and `|z| ≤ 1`, and
//! `b₀ … b_{m−1}` differ pairwise by non-integers, the residues at the poles of `Γ(b_h − s)` give
//!
//! `G = Σ_{h<m} z^{b_h}·∏_{j<m, j≠h}Γ(b_j − b_h)·∏_{j<n}Γ(1 + b_h − a_j) / (∏_{j≥m}Γ(1 + b_h − b_j)·∏_{j≥n}Γ(a_j − b_h))
//!       · pF_{q−1}(1 + b_h − a; 1 + b_h − b_j (j ≠ h); (−1)^{p−m−n}·z)`.
//!
//! Written with the regularised series `F̃ = F/∏Γ(β_j)` (finite also when a lower parameter
//! `β_j = 1 + b_h − b_j`, `j ≥ m`, is a non-positive integer; then `1/Γ(β_j) = 0` meets the pole
//! of the series), each term is `z^{b_h}·R_h·F̃`, with
//! `R_h = ∏_{j<m, j≠h}Γ(b_j − b_h)Γ(1 + b_h − b_j)·∏_{j<n}Γ(1 + b_h − a_j)/∏_{j≥n}Γ(a_j − b_h)`, and
//! `F̃ = Σ_{k≥K} t_k = t_K·p+1F_q(α + K, 1; β + K, K + 1; x)` where `K` is the first index at which
//! every `β_j + K > 0` (`K = 0`: `F̃ = F/∏Γ(β_j)`). Terms with `1/Γ(a_j − b_h) = 0` vanish.
//! When `p > q`, or `p = q` and `|z| > 1`, the same expansion is applied to
//! `G^{n,m}_{q,p}(1 − b; 1 − a | 1/z)`, which equals `G` (the expansion over the poles of
//! `Γ(1 − a_j + s)`, DLMF 16.17.3).
//!
//! **Digits.** Each series comes from [`pfq_value`] with its proven tail bound (on `|z| = 1`,
//! Richardson extrapolation judged by two extrapolations). `Γ` at a rational `r = f + k`
//! (`0 < f ≤ 1`) is `Γ(f)` from MPFR (correctly rounded; the rounded argument costs at most
//! `|f·ψ(f)| ≤ 1` ulp) times the exact rational `(f)_k`, `z^{u/v}` is the correctly rounded
//! `v`-th root of the exact `z^u`. So every factor carries at most a few ulps of relative error,
//! and the sum is off by at most `Σ_h |term_h|·(10^{−d_h} + c_h·2^{−w})`: cancellation between the
//! terms shows in `Σ|term_h| ≫ |G|` and lowers the digits claimed (the series are then asked for
//! more digits).
//!
//! **Degenerate parameters** are reported, not guessed: `b_j − b_h ∈ ℤ` for `j ≠ h < m` (the poles
//! of `Γ(b_j − s)` and `Γ(b_h − s)` merge into double poles: logarithmic terms), `a_j − b_h` a
//! positive integer for `j < n`, `h < m` (a pole of `Γ(1 − a_j + s)` meets one of `Γ(b_h − s)`, so
//! no contour separates them and `G` is undefined), and `z < 0` (on the branch cut of `z^s`, where `G`
//! is not real).

use super::pfq_value::{pfq_value, SeriesError, SeriesValue};
use crate::pcf::limit::{bits_for_digits, log10_abs};
use rug::ops::Pow;
use rug::{Float, Integer, Rational};
use thiserror::Error;

/// Largest `|r|` at which `Γ(r)` is evaluated (the rational factor `(f)_k` has `|r|` factors).
pub const MAX_GAMMA_ARGUMENT: i64 = 10_000;

/// Largest numerator and denominator of a parameter (`z^{u/v}` is computed from the exact `z^u`).
pub const MAX_PARAMETER_PART: u32 = 100_000;

/// Why a Meijer-G value cannot be given.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MeijerError {
    /// The parameters are outside `0 ≤ m ≤ q`, `0 ≤ n ≤ p`, or `z = 0`.
    #[error("{g}: {why}")]
    Invalid {
        /// The function, e.g. `G^{1,2}_{2,2}(1,1;1,0|1/2)`.
        g: String,
        /// What is wrong.
        why: String,
    },
    /// Slater's expansion does not apply to these parameters (module documentation).
    #[error("{g}: degenerate parameters: {why}")]
    Degenerate {
        /// The function.
        g: String,
        /// Which parameters and why.
        why: String,
    },
    /// `z < 0`: `G` lies on the branch cut of `z^s`.
    #[error(
        "{g}: z < 0 lies on the branch cut of z^s, where G is not real; only z > 0 is evaluated"
    )]
    BranchCut {
        /// The function.
        g: String,
    },
    /// One of the series of the expansion cannot be summed.
    #[error("{g}: {source}")]
    Series {
        /// The function.
        g: String,
        /// The series' failure.
        source: SeriesError,
    },
}

/// `G^{m,n}_{p,q}(a; b | z)` as text, e.g. `G^{1,2}_{2,2}(1,1;1,0|1/2)`.
pub fn label(m: usize, n: usize, a: &[Rational], b: &[Rational], z: &Rational) -> String {
    let list = |v: &[Rational]| {
        v.iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "G^{{{m},{n}}}_{{{},{}}}({};{}|{z})",
        a.len(),
        b.len(),
        list(a),
        list(b)
    )
}

/// `Γ(r)` at a rational `r` that is not a pole, as `Γ(f)·(f)_k` (`r = f + k`, `0 < f ≤ 1`), with
/// relative error at most `4·2^{−w}`; `None` at a pole (`r ∈ ℤ≤0`).
fn gamma(r: &Rational, w: u32) -> Option<Float> {
    if r.is_integer() && *r <= 0 {
        return None;
    }
    let mut k = Integer::from(r.floor_ref());
    let mut f = Rational::from(r - &k);
    if f == 0 {
        f = Rational::from(1);
        k -= 1;
    }
    let k = k.to_i64()?;
    // (f)_k for k ≥ 0, 1/((f + k)_{−k}) for k < 0, exactly
    let mut factor = Rational::from(1);
    let mut t = f.clone();
    if k >= 0 {
        for _ in 0..k {
            factor *= &t;
            t += 1;
        }
    } else {
        for _ in 0..-k {
            t -= 1;
            factor /= &t;
        }
    }
    let g = Float::with_val(w, &f).gamma();
    Some(g * Float::with_val(w, &factor))
}

/// `r ← r·x`, counting the factor's ulps (at most 4 in `x`, 1 for the product, 1 spare).
fn mul(r: &mut Float, x: Float, ulps: &mut u32) {
    *r *= x;
    *ulps += 6;
}

/// `z^e` for rational `z > 0` and `e = u/v`: the `v`-th root of the exact `z^u` (relative error at
/// most `3·2^{−w}`).
fn power(z: &Rational, e: &Rational, w: u32) -> Float {
    let u = e.numer().to_i32().expect("exponent numerator fits in i32");
    let v = e
        .denom()
        .to_u32()
        .expect("exponent denominator fits in u32");
    let zu = Rational::from(z.pow(u));
    Float::with_val(w, &zu).root(v)
}

/// `G^{m,n}_{p,q}(a; b | z)` to `digits` significant digits at rational parameters and `z > 0`
/// (module documentation for the expansion, its conditions and the error bound).
/// [`SeriesValue::digits`] says how many digits are certain (fewer than asked only when a series
/// on `|z| = 1` is extrapolated).
pub fn meijer_value(
    m: usize,
    n: usize,
    a: &[Rational],
    b: &[Rational],
    z: &Rational,
    digits: u32,
) -> Result<SeriesValue, MeijerError> {
    let g = label(m, n, a, b, z);
    let (p, q) = (a.len(), b.len());
    if m > q || n > p {
        return Err(MeijerError::Invalid {
            g,
            why: format!("needs 0 ≤ m ≤ q and 0 ≤ n ≤ p (m = {m}, n = {n}, p = {p}, q = {q})"),
        });
    }
    if *z == 0 {
        return Err(MeijerError::Invalid {
            g,
            why: "z = 0 is not evaluated (z^s)".into(),
        });
    }
    if *z < 0 {
        return Err(MeijerError::BranchCut { g });
    }
    if z.numer().significant_bits() > 64 || z.denom().significant_bits() > 64 {
        return Err(MeijerError::Invalid {
            g,
            why: "z is too large: its numerator and denominator must fit in 64 bits".into(),
        });
    }
    let big = a.iter().chain(b).find(|r| {
        Rational::from(r.abs_ref()) > MAX_GAMMA_ARGUMENT
            || r.numer()
                .as_abs()
                .to_u32()
                .is_none_or(|v| v > MAX_PARAMETER_PART)
            || r.denom().to_u32().is_none_or(|v| v > MAX_PARAMETER_PART)
    });
    if let Some(r) = big {
        return Err(MeijerError::Invalid {
            g,
            why: format!(
                "parameter {r} is too large (|parameter| ≤ {MAX_GAMMA_ARGUMENT}, numerator and denominator ≤ {MAX_PARAMETER_PART})"
            ),
        });
    }
    let abs_z = Rational::from(z.abs_ref());
    if p < q || (p == q && abs_z <= 1) {
        slater(&g, m, n, a, b, z, digits)
    } else {
        // G^{m,n}_{p,q}(a; b | z) = G^{n,m}_{q,p}(1 − b; 1 − a | 1/z)
        let a2: Vec<Rational> = b.iter().map(|v| Rational::from(1 - v)).collect();
        let b2: Vec<Rational> = a.iter().map(|v| Rational::from(1 - v)).collect();
        let z2 = Rational::from(z.recip_ref());
        slater(&g, n, m, &a2, &b2, &z2, digits).map_err(|e| match e {
            MeijerError::Degenerate { g, why } => MeijerError::Degenerate {
                g,
                why: format!(
                    "in the expansion over the poles of Γ(1 − a_j + s), as G^{{{n},{m}}}_{{{q},{p}}}(1 − b; 1 − a | 1/z), whose {why}"
                ),
            },
            e => e,
        })
    }
}

/// One term `z^{b_h}·R_h·F̃` of Slater's sum: its value and relative error bound (as
/// `(10^{−d}, ulps)`), or `None` if it vanishes exactly.
struct Term {
    value: Float,
    series_digits: u32,
    ulps: u32,
}

#[allow(clippy::too_many_arguments)]
fn slater_term(
    g: &str,
    h: usize,
    m: usize,
    n: usize,
    a: &[Rational],
    b: &[Rational],
    z: &Rational,
    digits: u32,
    w: u32,
) -> Result<Option<Term>, MeijerError> {
    let (p, q) = (a.len(), b.len());
    let bh = &b[h];
    let mut r = power(z, bh, w);
    let mut ulps = 4u32;
    for (j, bj) in b.iter().enumerate().take(m) {
        if j != h {
            let d = Rational::from(bj - bh);
            let g1 = gamma(&d, w).expect("b_j − b_h is not an integer");
            let g2 = gamma(&Rational::from(1 - &d), w).expect("b_h − b_j is not an integer");
            mul(&mut r, g1, &mut ulps);
            mul(&mut r, g2, &mut ulps);
        }
    }
    for aj in &a[..n] {
        let x = Rational::from(1 + bh) - aj;
        mul(&mut r, gamma(&x, w).expect("checked: a_j − b_h"), &mut ulps);
    }
    for aj in &a[n..] {
        match gamma(&Rational::from(aj - bh), w) {
            None => return Ok(None), // 1/Γ(a_j − b_h) = 0
            Some(v) => mul(&mut r, v.recip(), &mut ulps),
        }
    }
    // the series F̃(α; β; x) = Σ (α)_k/∏Γ(β_j + k)·x^k/k!
    let alpha: Vec<Rational> = a.iter().map(|aj| Rational::from(1 + bh) - aj).collect();
    let beta: Vec<Rational> = (0..q)
        .filter(|&j| j != h)
        .map(|j| Rational::from(1 + bh) - &b[j])
        .collect();
    let sign = if (p + m + n).is_multiple_of(2) { 1 } else { -1 };
    let x = Rational::from(z * sign);
    // first index K at which every β_j + K > 0
    let k0 = beta
        .iter()
        .filter(|v| v.is_integer() && **v <= 0)
        .map(|v| 1 - v.numer().to_i64().expect("small parameter"))
        .max()
        .unwrap_or(0);
    // the series summed (`upper`, `lower`) and the `Γ(β)` that divide it
    let (upper, lower, divide) = if k0 == 0 {
        (alpha, beta.clone(), beta)
    } else {
        // t_K = (α)_K/(∏Γ(β_j + K)·K!)·x^K, then Σ_k t_{K+k} = t_K·F(α + K, 1; β + K, K + 1; x)
        let mut tk = Rational::from(1);
        for al in &alpha {
            for i in 0..k0 {
                tk *= Rational::from(al + i);
            }
        }
        if tk == 0 {
            return Ok(None); // the series stops before K
        }
        for i in 1..=k0 {
            tk /= i;
        }
        tk *= x.clone().pow(i32::try_from(k0).expect("small parameter"));
        mul(&mut r, Float::with_val(w, &tk), &mut ulps);
        let shifted = |v: &[Rational]| -> Vec<Rational> {
            v.iter().map(|c| Rational::from(c + k0)).collect()
        };
        let divide = shifted(&beta);
        let mut upper = shifted(&alpha);
        upper.push(Rational::from(1));
        let mut lower = divide.clone();
        lower.push(Rational::from(1 + k0));
        (upper, lower, divide)
    };
    for bj in &divide {
        let v = gamma(bj, w).expect("positive after the shift");
        mul(&mut r, v.recip(), &mut ulps);
    }
    let f = pfq_value(&upper, &lower, &x, digits).map_err(|source| MeijerError::Series {
        g: g.to_string(),
        source,
    })?;
    r *= &f.value;
    Ok(Some(Term {
        value: r,
        series_digits: f.digits,
        ulps: ulps + 2,
    }))
}

/// Slater's sum over the poles of `Γ(b_h − s)`, `h < m` (module documentation).
fn slater(
    g: &str,
    m: usize,
    n: usize,
    a: &[Rational],
    b: &[Rational],
    z: &Rational,
    digits: u32,
) -> Result<SeriesValue, MeijerError> {
    let degenerate = |why: String| MeijerError::Degenerate {
        g: g.to_string(),
        why,
    };
    for h in 0..m {
        for j in h + 1..m {
            let d = Rational::from(&b[j] - &b[h]);
            if d.is_integer() {
                return Err(degenerate(format!(
                    "b{h} = {} and b{j} = {} differ by an integer ({d}): the poles of Γ(b{h} − s) and Γ(b{j} − s) merge (logarithmic case, not implemented)",
                    b[h], b[j]
                )));
            }
        }
        for (j, aj) in a.iter().enumerate().take(n) {
            let d = Rational::from(aj - &b[h]);
            if d.is_integer() && d > 0 {
                return Err(degenerate(format!(
                    "a{j} − b{h} = {aj} − {} = {d} is a positive integer: a pole of Γ(1 − a{j} + s) meets one of Γ(b{h} − s), so G is undefined",
                    b[h]
                )));
            }
        }
    }
    let digits = digits.max(1);
    let mut extra = 5u32;
    let mut last = None;
    for _ in 0..4 {
        let ask = digits + extra;
        let w = bits_for_digits(ask) + 64;
        let mut sum = Float::new(w);
        let mut abs_sum = Float::with_val(64, 0);
        let mut err = Float::with_val(64, 0);
        let mut fewest = ask;
        let mut any = false;
        for h in 0..m {
            let Some(t) = slater_term(g, h, m, n, a, b, z, ask, w)? else {
                continue;
            };
            any = true;
            let ta = Float::with_val(64, t.value.abs_ref());
            // |term|·(10^{−d} + ulps·2^{−w}) (+ one ulp for the addition)
            let mut rel = Float::with_val(64, 10).pow(-i64::from(t.series_digits));
            let mut ulp = Float::with_val(64, t.ulps + 1);
            ulp >>= w - 1;
            rel += ulp;
            err += Float::with_val(64, &ta * &rel) * 1.01;
            abs_sum += &ta;
            fewest = fewest.min(t.series_digits);
            sum += &t.value;
        }
        if !any {
            // every term vanishes exactly
            return Ok(SeriesValue {
                value: Float::with_val(bits_for_digits(digits), 0),
                digits,
                method: "exact",
            });
        }
        if sum.is_zero() {
            last = Some(format!("the {m} terms of Slater's sum cancel to zero"));
            extra += 40;
            continue;
        }
        let rel = Float::with_val(64, &err / &Float::with_val(64, sum.abs_ref()));
        let got = if rel.is_zero() {
            f64::from(ask)
        } else {
            (-log10_abs(&rel)).floor()
        };
        let got = got.clamp(0.0, f64::from(digits)) as u32;
        let lost = (log10_abs(&abs_sum) - log10_abs(&sum)).max(0.0);
        // enough, or the series themselves give no more (extrapolated on |z| = 1)
        if got >= digits
            || f64::from(fewest) < f64::from(ask) - 1.0
            || lost + 2.0 < f64::from(extra)
        {
            if got == 0 {
                last = Some("no digit is certain".into());
                break;
            }
            let method = if fewest < ask {
                "extrapolated"
            } else {
                "series"
            };
            return Ok(SeriesValue {
                value: sum,
                digits: got,
                method,
            });
        }
        extra = lost.ceil() as u32 + 10;
        last = Some(format!(
            "cancellation between the terms of Slater's sum ({lost:.0} digits)"
        ));
    }
    Err(MeijerError::Series {
        g: g.to_string(),
        source: SeriesError::TooSlow {
            series: g.to_string(),
            why: last.unwrap_or_default(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmf::pfq_value::tests::agree;
    use crate::constants;

    fn r(s: &str) -> Rational {
        crate::cmf::spec::parse_rational(s).unwrap()
    }

    fn rs(s: &str) -> Vec<Rational> {
        if s.is_empty() {
            return Vec::new();
        }
        s.split(',').map(r).collect()
    }

    /// `Γ` at rational arguments, also negative ones: Γ(1/2) = √π, Γ(−3/2) = 4√π/3, Γ(7/3).
    #[test]
    fn gamma_at_rationals() {
        let w = 400;
        let pi_sqrt = constants::evaluate("sqrt(pi)", w).unwrap();
        assert!(agree(&gamma(&r("1/2"), w).unwrap(), &pi_sqrt) > 110.0);
        let want = constants::evaluate("4*sqrt(pi)/3", w).unwrap();
        assert!(agree(&gamma(&r("-3/2"), w).unwrap(), &want) > 110.0);
        let want = Float::with_val(w, &r("7/3")).gamma();
        assert!(agree(&gamma(&r("7/3"), w).unwrap(), &want) > 110.0);
        assert_eq!(gamma(&r("5"), w).unwrap(), 24);
        assert!(gamma(&r("-2"), w).is_none() && gamma(&r("0"), w).is_none());
    }

    /// `G^{1,1}_{1,1}(a; b | z) = Γ(1 − a + b)·z^b·(1 + z)^{a−b−1}` on both sides of `|z| = 1`
    /// (the second through `G^{1,1}_{1,1}(1 − b; 1 − a | 1/z)`).
    #[test]
    fn g11_11_is_a_binomial_power() {
        for z in ["1/3", "5/2"] {
            let v = meijer_value(1, 1, &rs("1/3"), &rs("1/4"), &r(z), 60).unwrap();
            assert_eq!(v.digits, 60);
            let want =
                constants::evaluate(&format!("gamma(11/12)*({z})^(1/4)*(1+{z})^(-11/12)"), 400)
                    .unwrap();
            assert!(agree(&v.value, &want) >= 60.0, "z = {z}: {}", v.value);
        }
    }

    /// `G^{2,0}_{0,2}(−; b, −b | z) = 2·K_{2b}(2√z)`, here with `b = 1/4`: two Slater terms that
    /// cancel heavily at `z = 30` (`K` is exponentially small), checked against `K_{1/2}(x) =
    /// √(π/(2x))·e^{−x}`.
    #[test]
    fn cancelling_slater_terms_are_paid_for() {
        let v = meijer_value(2, 0, &[], &rs("1/4,-1/4"), &r("30"), 50).unwrap();
        let want = constants::evaluate("2*sqrt(pi/(4*sqrt(30)))*exp(-2*sqrt(30))", 400).unwrap();
        assert!(v.digits >= 50, "{}", v.digits);
        assert!(agree(&v.value, &want) >= 50.0, "{}", v.value);
    }

    /// Degenerate sets are refused with the reason.
    #[test]
    fn degenerate_parameters_are_refused() {
        let e = meijer_value(2, 0, &[], &rs("1/2,3/2"), &r("1/2"), 30).unwrap_err();
        assert!(e.to_string().contains("differ by an integer (1)"), "{e}");
        let e = meijer_value(1, 1, &rs("3"), &rs("1"), &r("1/2"), 30).unwrap_err();
        assert!(e.to_string().contains("is a positive integer"), "{e}");
        let e = meijer_value(1, 1, &rs("1/3"), &rs("1/4"), &r("-1/2"), 30).unwrap_err();
        assert!(matches!(e, MeijerError::BranchCut { .. }), "{e}");
        // sizes that would overflow the exact power z^u or the rational factor of Γ
        for b in ["1/5000000000", "20001/2", "99999999999/10000000"] {
            let e = meijer_value(1, 1, &rs("1/3"), &rs(b), &r("1/2"), 30).unwrap_err();
            assert!(e.to_string().contains("is too large"), "{b}: {e}");
        }
    }
}
