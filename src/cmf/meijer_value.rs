//! Values of Meijer's G-function at rational parameters and rational `z > 0`:
//!
//! `G^{m,n}_{p,q}(a; b | z) = (1/2πi) ∫_L ∏_{j<m}Γ(b_j − s)·∏_{j<n}Γ(1 − a_j + s)
//!   / (∏_{j≥m}Γ(1 − b_j + s)·∏_{j≥n}Γ(a_j − s)) · z^s ds`.
//!
//! **Slater's theorem** (DLMF 16.17.2): when `p < q`, or `p = q` and `|z| ≤ 1`, `G` is minus the
//! sum of the residues of the integrand `I(s)` at the poles of `∏_{j<m}Γ(b_j − s)`. For a `b_h`
//! that differs from every other `b_j` (`j < m`) by a non-integer, those at `s = b_h + k` are simple
//! and sum to
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
//! **Logarithmic case.** A class `C` of `b_h` (`h < m`) that differ pairwise by integers, with least
//! member `β`, has its poles at `s = β + k` (`k ≥ 0`) of order up to `|C|`: the residues carry
//! `ln z` and polygamma values, and no finite sum of `pFq` gives them. They are summed directly:
//! with `s = β + k + ε`, the integrand is a Laurent series `I_k(ε) = ε^{v_k}·P_k(ε)` whose residue is
//! the coefficient of `ε^{−1}`, so `P_k` is needed to `|C|` coefficients only. At `k = 0` every
//! factor is expanded: `z^{β+ε} = z^β·exp(ε ln z)`, and `Γ(c + σε)^{±1}` from
//! `log Γ(c' + x) = log Γ(c') + Σ_{j≥1} ψ^{(j−1)}(c')·x^j/j!` at `c' = c` (`c > 0`) or
//! `c' = c + M ∈ (0, 1]`, divided by `∏_{i<M}(c + i + σε)` (a factor `c + i = 0` is a power of
//! `ε`: the pole of `Γ`). Then, with `x_i = 1 + β − a_i`, `y_j = 1 + β − b_j`, the integrand obeys
//!
//! `I_{k+1}(ε) = I_k(ε)·(−1)^{p−n+m}·z·∏_{i<p}(k + x_i + ε) / ∏_{j<q}(k + y_j + ε)`,
//!
//! exact linear factors that also cancel poles against the zeros of `1/Γ` wherever they meet.
//! The class contributes `−Σ_k [ε^{−1}]I_k`. Summing residues instead of differentiating
//! `pFq` in its parameters keeps every step a few multiplications by exact rationals and needs
//! polygamma values only at the start; the same sum, with `|C| = 1`, is Slater's series.
//!
//! **Digits.** Each series comes from [`pfq_value`] with its proven tail bound (on `|z| = 1`,
//! Richardson extrapolation judged by two extrapolations). `Γ` at a rational `r = f + k`
//! (`0 < f ≤ 1`) is `Γ(f)` from MPFR (correctly rounded; the rounded argument costs at most
//! `|f·ψ(f)| ≤ 1` ulp) times the exact rational `(f)_k`, `z^{u/v}` is the correctly rounded
//! `v`-th root of the exact `z^u`. So every factor carries at most a few ulps of relative error,
//! and the sum is off by at most `Σ_h |term_h|·(10^{−d_h} + c_h·2^{−w})`: cancellation between the
//! terms shows in `Σ|term_h| ≫ |G|` and lowers the digits claimed (the series are then asked for
//! more digits). A residue sum is computed in ball arithmetic (every coefficient of `P_k` with a
//! bound on its error; `Γ(c')` to 4 ulps, `ψ^{(j)}(c')`, `ln z` and the rational factors correctly
//! rounded), so its rounding error is the radius of the sum. Its tail is bounded with the norm
//! `‖Σ c_i ε^i‖_ρ = Σ|c_i|ρ^i` (`ρ = 1/2`), which is submultiplicative, also for truncated series:
//! `‖k + x + ε‖_ρ = |k + x| + ρ` and `‖1/(k + y + ε)‖_ρ ≤ 1/(|k + y| − ρ)`. Once every `k + x_i > 0`
//! and `k + y_j > ρ`, no step changes `v` (the pole order `r = −v_k` is final) and every later
//! step multiplies the norm by at most
//! `Q = z·∏_{i<p} max(1, (k + x_i + ρ)/(k + y_i − ρ))·∏_{p≤j<q} 1/(k + y_j − ρ)` (each paired
//! factor is monotone towards 1, the unpaired ones decrease; `p ≤ q` here). For `Q < 1` the
//! residues after `k` sum to at most `‖P_k‖_ρ·Q/(1 − Q)·ρ^{1−r}` (`|[ε^{r−1}]P| ≤ ‖P‖_ρ/ρ^{r−1}`);
//! summing stops when that is below `10^{−d}·Σ|residues|`, and the tail and the radius are the
//! class's error in the sum above. With `r ≤ 0` the sum has ended (the poles are cancelled).
//!
//! **Refused parameters** are reported, not guessed: `a_j − b_h` a positive integer for `j < n`,
//! `h < m` (a pole of `Γ(1 − a_j + s)` meets one of `Γ(b_h − s)`, so no contour separates them and
//! `G` is undefined), integer-spaced `b_h` when `p = q` and `z = 1` (the residue sum converges like
//! `Σ k^{−e}·(log k)^r`, too slowly to sum), and `z < 0` (on the branch cut of `z^s`, where `G` is
//! not real).

use super::pfq_value::{pfq_value, SeriesError, SeriesValue, MAX_TERMS};
use crate::constants;
use crate::constants::ball::{abs_up, rel_err, Ball, BallFailure, RAD_PREC};
use crate::pcf::limit::{bits_for_digits, log10_abs};
use rug::float::Round;
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
        let gp = Params {
            g: &g,
            m,
            n,
            a,
            b,
            z,
        };
        slater(&gp, digits)
    } else {
        // G^{m,n}_{p,q}(a; b | z) = G^{n,m}_{q,p}(1 − b; 1 − a | 1/z)
        let a2: Vec<Rational> = b.iter().map(|v| Rational::from(1 - v)).collect();
        let b2: Vec<Rational> = a.iter().map(|v| Rational::from(1 - v)).collect();
        let z2 = Rational::from(z.recip_ref());
        let gp = Params {
            g: &g,
            m: n,
            n: m,
            a: &a2,
            b: &b2,
            z: &z2,
        };
        slater(&gp, digits).map_err(|e| match e {
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

fn slater_term(gp: &Params, h: usize, digits: u32, w: u32) -> Result<Option<Term>, MeijerError> {
    let Params { g, m, n, a, b, z } = *gp;
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

/// The parameters of one `G^{m,n}_{p,q}(a; b | z)` and its label.
#[derive(Clone, Copy)]
struct Params<'a> {
    g: &'a str,
    m: usize,
    n: usize,
    a: &'a [Rational],
    b: &'a [Rational],
    z: &'a Rational,
}

/// The `b_h`, `h < m`, grouped into classes that differ by integers (in order of first index).
fn classes(b: &[Rational], m: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    for h in 0..m {
        match out
            .iter_mut()
            .find(|c| Rational::from(&b[c[0]] - &b[h]).is_integer())
        {
            Some(c) => c.push(h),
            None => out.push(vec![h]),
        }
    }
    out
}

/// Slater's sum over the poles of `Γ(b_h − s)`, `h < m`: one series per single `b_h`, one residue
/// sum per class of integer-spaced `b_h` (module documentation).
fn slater(gp: &Params, digits: u32) -> Result<SeriesValue, MeijerError> {
    let Params { g, m, n, a, b, z } = *gp;
    let degenerate = |why: String| MeijerError::Degenerate {
        g: g.to_string(),
        why,
    };
    for (h, bh) in b.iter().enumerate().take(m) {
        for (j, aj) in a.iter().enumerate().take(n) {
            let d = Rational::from(aj - bh);
            if d.is_integer() && d > 0 {
                return Err(degenerate(format!(
                    "a{j} − b{h} = {aj} − {bh} = {d} is a positive integer: a pole of Γ(1 − a{j} + s) meets one of Γ(b{h} − s), so G is undefined"
                )));
            }
        }
    }
    let classes = classes(b, m);
    if a.len() == b.len() && *z == 1 {
        if let Some(c) = classes.iter().find(|c| c.len() > 1) {
            let (h, j) = (c[0], c[1]);
            return Err(degenerate(format!(
                "b{h} = {} and b{j} = {} differ by an integer ({}) and z = 1 with p = q: the residue sum of the logarithmic case converges too slowly there (not implemented)",
                b[h],
                b[j],
                Rational::from(&b[j] - &b[h])
            )));
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
        for class in &classes {
            if class.len() > 1 {
                let t = log_class(gp, class, ask, w)?;
                any |= !t.abs.is_zero();
                // the radius and the tail, plus one ulp for the addition
                let mut ulp = Float::with_val_round(64, t.value.abs_ref(), Round::Up).0;
                ulp >>= w - 1;
                err += Float::with_val_round(64, &t.err + &ulp, Round::Up).0 * 1.01;
                abs_sum += &t.abs;
                sum += &t.value;
                continue;
            }
            let Some(t) = slater_term(gp, class[0], ask, w)? else {
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

/// `ρ` of the norm `‖Σ c_i ε^i‖_ρ = Σ |c_i|·ρ^i` that bounds the tail of a residue sum.
const RHO_SHIFT: u32 = 1; // ρ = 1/2

/// A truncated Laurent series `ε^v·Σ_{i<R} c_i ε^i` with ball coefficients: the integrand of the
/// Mellin–Barnes integral at `s = β + k + ε`.
struct Laurent {
    v: i64,
    c: Vec<Ball>,
}

/// A rational as a ball at precision `w` (exact when representable).
fn ball(r: &Rational, w: u32) -> Ball {
    let (f, ord) = Float::with_val_round(w, r, Round::Nearest);
    Ball::rounded(f, ord, w)
}

fn exact(v: i64, w: u32) -> Ball {
    ball(&Rational::from(v), w)
}

impl Laurent {
    /// `ε^0·1`, truncated to `r` coefficients.
    fn one(r: usize, w: u32) -> Laurent {
        let mut c = vec![exact(0, w); r];
        c[0] = exact(1, w);
        Laurent { v: 0, c }
    }

    /// `× (d + σε)`.
    fn mul_linear(&mut self, d: &Rational, sigma: i64, w: u32) -> Result<(), BallFailure> {
        if *d == 0 {
            self.v += 1;
            if sigma < 0 {
                self.c.iter_mut().for_each(|x| *x = x.clone().neg());
            }
            return Ok(());
        }
        let d = ball(d, w);
        for i in (0..self.c.len()).rev() {
            let mut t = self.c[i].mul(&d, w)?;
            if i > 0 {
                t = t.add(&self.c[i - 1], sigma < 0, w)?;
            }
            self.c[i] = t;
        }
        Ok(())
    }

    /// `÷ (d + σε)`: `c'_0 = c_0/d`, `c'_i = (c_i − σc'_{i−1})/d`.
    fn div_linear(&mut self, d: &Rational, sigma: i64, w: u32) -> Result<(), BallFailure> {
        if *d == 0 {
            self.v -= 1;
            if sigma < 0 {
                self.c.iter_mut().for_each(|x| *x = x.clone().neg());
            }
            return Ok(());
        }
        let d = ball(d, w);
        for i in 0..self.c.len() {
            let mut t = self.c[i].clone();
            if i > 0 {
                t = t.add(&self.c[i - 1], sigma > 0, w)?;
            }
            self.c[i] = t.div(&d, w)?;
        }
        Ok(())
    }

    /// `×` a power series `Σ s_i ε^i` (truncated).
    fn mul_series(&mut self, s: &[Ball], w: u32) -> Result<(), BallFailure> {
        for i in (0..self.c.len()).rev() {
            let mut t = self.c[i].mul(&s[0], w)?;
            for (j, sj) in s.iter().enumerate().take(i + 1).skip(1) {
                t = t.add(&self.c[i - j].mul(sj, w)?, false, w)?;
            }
            self.c[i] = t;
        }
        Ok(())
    }

    /// `× z·∏(k + x_i + ε)/∏(k + y_j + ε)`: one step `s → s + 1` of the integrand.
    fn step(
        &mut self,
        z: &Ball,
        x: &[Rational],
        y: &[Rational],
        k: &Rational,
        w: u32,
    ) -> Result<(), BallFailure> {
        for c in self.c.iter_mut() {
            *c = c.mul(z, w)?;
        }
        for xi in x {
            self.mul_linear(&Rational::from(k + xi), 1, w)?;
        }
        for yj in y {
            self.div_linear(&Rational::from(k + yj), 1, w)?;
        }
        Ok(())
    }

    /// The coefficient of `ε^{−1}` (`None`: it is zero, `v ≥ 0`).
    fn residue(&self) -> Option<&Ball> {
        let i = usize::try_from(-1 - self.v).ok()?;
        Some(
            self.c
                .get(i)
                .expect("the pole order is at most the class size"),
        )
    }

    /// `‖·‖_ρ` of the exact series the balls contain, rounded up.
    fn norm(&self) -> Float {
        let mut s = Float::with_val(64, 0);
        for (i, x) in self.c.iter().enumerate() {
            let mut t = abs_up(&x.mid);
            t = Float::with_val_round(64, &t + &x.rad, Round::Up).0;
            t >>= RHO_SHIFT * i as u32;
            s = Float::with_val_round(64, &s + &t, Round::Up).0;
        }
        s
    }
}

/// `exp(Σ_{j≥1} s_j ε^j)` truncated to `s.len()` coefficients (`s_0` is ignored):
/// `E_0 = 1`, `E_i = (1/i)·Σ_{j=1}^{i} j·s_j·E_{i−j}`.
fn exp_series(s: &[Ball], w: u32) -> Result<Vec<Ball>, BallFailure> {
    let mut e = vec![exact(1, w)];
    for i in 1..s.len() {
        let mut t = exact(0, w);
        for j in 1..=i {
            let js = s[j].mul(&exact(j as i64, w), w)?;
            t = t.add(&js.mul(&e[i - j], w)?, false, w)?;
        }
        e.push(t.div(&exact(i as i64, w), w)?);
    }
    Ok(e)
}

/// `l ← l·Γ(c + σε)^{±1}` (`reciprocal`: `1/Γ`). With `c' = c` if `c > 0`, otherwise the `c' ∈ (0, 1]`
/// with `c' − c = M ∈ ℕ`: `Γ(c + x) = Γ(c' + x)/∏_{i<M}(c + i + x)`, and
/// `Γ(c' + x) = Γ(c')·exp(Σ_{j≥1} ψ^{(j−1)}(c')·x^j/j!)`; a factor `c + i = 0` is the pole
/// (a zero of `1/Γ`), a power of `ε`.
fn gamma_factor(
    l: &mut Laurent,
    c: &Rational,
    sigma: i64,
    reciprocal: bool,
    w: u32,
) -> Result<(), BallFailure> {
    let shifted = if *c > 0 {
        c.clone()
    } else {
        let f = Rational::from(c - Integer::from(c.floor_ref()));
        if f == 0 {
            Rational::from(1)
        } else {
            f
        }
    };
    let r = l.c.len();
    let g = gamma(&shifted, w).expect("a positive argument");
    // relative error at most 4·2^{−w} (`gamma`)
    let g = Ball {
        rad: rel_err(&g, w - 2),
        mid: g,
    };
    let mut s = vec![exact(0, w)];
    let mut factorial = Integer::from(1);
    for j in 1..r {
        factorial *= j as u32;
        let psi = constants::evaluate(&format!("polygamma({},{shifted})", j - 1), w)
            .map_err(|e| BallFailure::Domain(e.to_string()))?;
        let mut t = Ball::faithful(psi, w);
        let mut q = Rational::from((Integer::from(sigma.pow(j as u32)), factorial.clone()));
        if reciprocal {
            q = -q;
        }
        t = t.mul(&ball(&q, w), w)?;
        s.push(t);
    }
    let mut e = exp_series(&s, w)?;
    e[0] = if reciprocal {
        exact(1, w).div(&g, w)?
    } else {
        g
    };
    let scale = e[0].clone();
    for x in e.iter_mut().skip(1) {
        *x = x.mul(&scale, w)?;
    }
    l.mul_series(&e, w)?;
    let steps = Integer::from(Rational::from(&shifted - c).numer())
        .to_i64()
        .expect("small parameter");
    for i in 0..steps {
        let d = Rational::from(c + i);
        if reciprocal {
            l.mul_linear(&d, sigma, w)?;
        } else {
            l.div_linear(&d, sigma, w)?;
        }
    }
    Ok(())
}

/// The sum of the residues over one class of integer-spaced `b_h` (`h < m`), with its error.
struct LogTerm {
    /// `−Σ_k Res_{s=β+k}`.
    value: Float,
    /// `Σ_k |Res|` (the scale of cancellation).
    abs: Float,
    /// Bound on the absolute error: rounding (the balls' radii) plus the tail.
    err: Float,
}

/// `−Σ_{k≥0} Res_{s=β+k} I(s)` for the class `class` of `b_h` (`h < m`) that differ by integers,
/// `β` their least (module documentation, "Logarithmic case").
fn log_class(gp: &Params, class: &[usize], digits: u32, w: u32) -> Result<LogTerm, MeijerError> {
    let Params { g, m, n, a, b, z } = *gp;
    let p = a.len();
    let fail = |why: String| MeijerError::Series {
        g: g.to_string(),
        source: SeriesError::TooSlow {
            series: g.to_string(),
            why,
        },
    };
    let ball_fail = |e: BallFailure| fail(format!("the residue sum lost its precision ({e:?})"));
    let beta = class
        .iter()
        .map(|&h| &b[h])
        .min()
        .expect("a class is not empty")
        .clone();
    let x: Vec<Rational> = a.iter().map(|v| Rational::from(1 + &beta) - v).collect();
    let y: Vec<Rational> = b.iter().map(|v| Rational::from(1 + &beta) - v).collect();
    // the integrand at s = β + ε
    let mut l = Laurent::one(class.len(), w);
    let zb = power(z, &beta, w);
    let log_z = constants::evaluate(&format!("log({z})"), w).map_err(|e| fail(e.to_string()))?;
    let log_z = Ball::faithful(log_z, w);
    // z^β·exp(ε·ln z): z^β carries at most 3·2^{−w} (`power`)
    let mut zs = vec![Ball {
        rad: rel_err(&zb, w - 2),
        mid: zb,
    }];
    for i in 1..class.len() {
        let t = zs[i - 1]
            .mul(&log_z, w)
            .and_then(|t| t.div(&exact(i as i64, w), w))
            .map_err(ball_fail)?;
        zs.push(t);
    }
    l.mul_series(&zs, w).map_err(ball_fail)?;
    let one = Rational::from(1);
    for (j, yj) in y.iter().enumerate() {
        if j < m {
            gamma_factor(&mut l, &Rational::from(&one - yj), -1, false, w) // Γ(b_j − β − ε)
        } else {
            gamma_factor(&mut l, yj, 1, true, w) // 1/Γ(1 − b_j + β + ε)
        }
        .map_err(ball_fail)?;
    }
    for (i, xi) in x.iter().enumerate() {
        if i < n {
            gamma_factor(&mut l, xi, 1, false, w) // Γ(1 − a_i + β + ε)
        } else {
            gamma_factor(&mut l, &Rational::from(&one - xi), -1, true, w) // 1/Γ(a_i − β − ε)
        }
        .map_err(ball_fail)?;
    }
    // I(s + 1) = I(s)·(−1)^{p−n+m}·z·∏(k + x_i + ε)/∏(k + y_j + ε) at s = β + k + ε
    let signed_z = if (p - n + m).is_multiple_of(2) {
        z.clone()
    } else {
        Rational::from(-z)
    };
    let zball = ball(&signed_z, w);
    let rho = Rational::from((1, 1u32 << RHO_SHIFT));
    let mut sum = Ball {
        mid: Float::new(w),
        rad: Float::new(RAD_PREC),
    };
    let mut abs = Float::with_val(64, 0);
    let small = Float::with_val(64, 10).pow(-i64::from(digits)) >> 4u32;
    for k in 0..MAX_TERMS {
        if let Some(res) = l.residue() {
            sum = sum.add(res, true, w).map_err(ball_fail)?;
            abs = Float::with_val_round(64, &abs + &abs_up(&res.mid), Round::Up).0;
        }
        let kr = Rational::from(k as u64);
        // from here on no factor of the step vanishes, and every step's ‖·‖_ρ is at most Q
        if x.iter().all(|v| Rational::from(&kr + v) > 0)
            && y.iter().all(|v| Rational::from(&kr + v) > rho)
        {
            if l.v >= 0 {
                // the poles are cancelled by zeros from here on: the sum terminates
                return Ok(LogTerm {
                    value: sum.mid,
                    abs,
                    err: sum.rad,
                });
            }
            let mut bound = Rational::from(z.abs_ref());
            for (i, yi) in y.iter().enumerate() {
                let den = Rational::from(&kr + yi) - &rho;
                match x.get(i) {
                    Some(xi) => {
                        let ratio = (Rational::from(&kr + xi) + &rho) / den;
                        if ratio > 1 {
                            bound *= ratio;
                        }
                    }
                    None => bound /= den,
                }
            }
            if bound < 1 {
                // Σ_{k'>k} |Res_{k'}| ≤ ‖P_k‖_ρ·Q/(1 − Q)·ρ^{1−r}, r = −v the pole order
                let qf = Float::with_val_round(64, &bound, Round::Up).0;
                let gain =
                    Float::with_val_round(64, &qf / Float::with_val(64, 1 - &qf), Round::Up).0;
                let mut tail = Float::with_val_round(64, &l.norm() * &gain, Round::Up).0;
                tail <<= RHO_SHIFT * (u32::try_from(-l.v).expect("small order") - 1);
                if tail <= Float::with_val(64, &abs * &small) {
                    let err = Float::with_val_round(64, &sum.rad + &tail, Round::Up).0;
                    return Ok(LogTerm {
                        value: sum.mid,
                        abs,
                        err,
                    });
                }
            }
        }
        l.step(&zball, &x, &y, &kr, w).map_err(ball_fail)?;
    }
    Err(fail(format!(
        "the residue sum needs more than {MAX_TERMS} terms"
    )))
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

    /// Refused sets are refused with the reason; integer-spaced `b`'s are not among them any more:
    /// `G^{2,0}_{0,2}(−; 1/2, 3/2 | z) = 2z·K₁(2√z)` (`K₁(x) = √(π/(2x))·e^{−x}(1 + 3/(8x) + …)`
    /// is checked in `tests/cmf_meijer.rs`; here only that it is given).
    #[test]
    fn degenerate_parameters_are_refused() {
        assert!(meijer_value(2, 0, &[], &rs("1/2,3/2"), &r("1/2"), 30).is_ok());
        let e = meijer_value(1, 1, &rs("3"), &rs("1"), &r("1/2"), 30).unwrap_err();
        assert!(e.to_string().contains("is a positive integer"), "{e}");
        let e = meijer_value(1, 1, &rs("1/3"), &rs("1/4"), &r("-1/2"), 30).unwrap_err();
        assert!(matches!(e, MeijerError::BranchCut { .. }), "{e}");
        // p = q, z = 1 and a double pole: the residue sum converges like Σ log k/k²
        let e = meijer_value(2, 2, &rs("1,1"), &rs("1,1"), &r("1"), 30).unwrap_err();
        assert!(
            e.to_string().contains("differ by an integer (0) and z = 1"),
            "{e}"
        );
        // sizes that would overflow the exact power z^u or the rational factor of Γ
        for b in ["1/5000000000", "20001/2", "99999999999/10000000"] {
            let e = meijer_value(1, 1, &rs("1/3"), &rs(b), &r("1/2"), 30).unwrap_err();
            assert!(e.to_string().contains("is too large"), "{b}: {e}");
        }
    }

    /// The `b_h`, `h < m`, fall into classes by `b_h mod 1`; `b_m …` are not poles of the sum.
    #[test]
    fn classes_group_integer_spaced_parameters() {
        let b = rs("1/2,1/3,-3/2,7/3,1/4,1/4");
        assert_eq!(classes(&b, 5), vec![vec![0, 2], vec![1, 3], vec![4]]);
        assert_eq!(classes(&b, 0), Vec::<Vec<usize>>::new());
    }

    fn coefficient(l: &Laurent, i: usize) -> Float {
        let b = &l.c[i];
        assert!(b.rad < Float::with_val(64, 1) >> 380u32, "radius {}", b.rad);
        b.mid.clone()
    }

    /// Laurent expansions of `Γ` at a pole and of `1/Γ` at a zero (DLMF 5.7.1, 5.7.3):
    /// `Γ(−ε) = −1/ε − γ − (γ²/2 + π²/12)·ε + …`,
    /// `Γ(−2 + ε) = (1/2)·(1/ε + ψ(3) + …)` with `ψ(3) = 3/2 − γ`, and
    /// `1/Γ(−1 + ε) = −ε·(1 + (γ − 1)·ε + …)` (the reciprocal of `−(1/ε + 1 − γ + …)`).
    #[test]
    fn gamma_factors_expand_at_poles_and_zeros() {
        let w = 400;
        let gamma_e = constants::evaluate("EulerGamma", w).unwrap();
        let mut l = Laurent::one(3, w);
        gamma_factor(&mut l, &r("0"), -1, false, w).unwrap();
        assert_eq!(l.v, -1);
        assert_eq!(coefficient(&l, 0), -1);
        assert!(agree(&coefficient(&l, 1), &Float::with_val(w, -&gamma_e)) > 110.0);
        let want = constants::evaluate("-(EulerGamma^2/2 + pi^2/12)", w).unwrap();
        assert!(agree(&coefficient(&l, 2), &want) > 110.0);

        let mut l = Laurent::one(2, w);
        gamma_factor(&mut l, &r("-2"), 1, false, w).unwrap();
        assert_eq!(l.v, -1);
        assert!(agree(&coefficient(&l, 0), &Float::with_val(w, 0.5)) > 110.0);
        let want = constants::evaluate("(3/2 - EulerGamma)/2", w).unwrap();
        assert!(agree(&coefficient(&l, 1), &want) > 110.0);

        let mut l = Laurent::one(2, w);
        gamma_factor(&mut l, &r("-1"), 1, true, w).unwrap();
        assert_eq!(l.v, 1);
        assert!(agree(&coefficient(&l, 0), &Float::with_val(w, -1)) > 110.0);
        let want = constants::evaluate("1 - EulerGamma", w).unwrap();
        assert!(agree(&coefficient(&l, 1), &want) > 110.0);
    }

    /// The residue sum of `Γ(−s)·z^s` is `z^0·e^{−z}` truncated nowhere: `G^{1,0}_{0,1}(−; 0 | z)`
    /// through the logarithmic code (a class of one is Slater's series) agrees with `e^{−z}`,
    /// and so does the class `{0, 1}` of `G^{2,0}_{1,2}(1; 0, 1 | z) = Γ(1, z) = e^{−z}`, whose
    /// double poles are cancelled by the zeros of `1/Γ(1 − s)`.
    #[test]
    fn residue_sums_of_simple_poles_are_exponentials() {
        let w = 400;
        let z = r("3/2");
        let want = constants::evaluate("exp(-3/2)", w).unwrap();
        let (a, b) = (rs(""), rs("0"));
        let gp = Params {
            g: "G",
            m: 1,
            n: 0,
            a: &a,
            b: &b,
            z: &z,
        };
        let t = log_class(&gp, &[0], 100, w).unwrap();
        assert!(agree(&t.value, &want) > 100.0, "{}", t.value);
        assert!(t.err < Float::with_val(64, 1e-100), "{}", t.err);
        let v = meijer_value(2, 0, &rs("1"), &rs("0,1"), &z, 100).unwrap();
        assert_eq!(v.digits, 100);
        assert!(agree(&v.value, &want) >= 100.0, "{}", v.value);
    }
}
