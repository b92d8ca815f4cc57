//! The limit of a walk in a generated field, `pFq(p, q, z)` or `meijerg(m, n, p, q, z)`, identified
//! with the hypergeometric values at its start.
//!
//! **Why the values at the start.** With `v(X) = (F, θF, …, θ^{N−1}F)(X)` for
//! `F(X) = pFq(x; y; z)` at the parameters `X = (x, y)`, the contiguous relations give
//! `v(X + e_i) = v(X)·M_i(X)` for every axis (module [`super::pfq`]), so a walk's product
//! `P = M(s)·M(s + t)·…` satisfies `v(s)·P = v(s + n·t)`. When `F` is the subdominant solution
//! along the trajectory, the last column `u` of `P` becomes orthogonal to `v(s)`: `Σ_r v_r(s)·u_r → 0`,
//! and for rank 2 the limit `u₀/u₁` is `−θF(s)/F(s)`. In general the limit is a ratio of two
//! ℚ-linear combinations of the `N` values spanning `v(s)`:
//!
//! `L = (Σ αᵢ Fᵢ)/(Σ βᵢ Fᵢ)`,   `Fₖ = pFq(x; y₀ + k, y₁ …; z)` (`k < N`; `x₀ + k` when `q = 0`),
//!
//! a basis of the same ℚ-span (each `Fₖ` is `v(s)` times a rational matrix); shifting `y₀` up keeps
//! the series convergent at `z = 1`. A Meijer-G field ([`super::meijer`]) is the same with
//! `F = G^{m,n}_{p,q}(a; b | z)`: its axis matrices are `±(Θ − b_j)` and `±(Θ − a_i + 1)`, the
//! contiguous relations `G(b_j + 1) = ∓(θ − b_j)G`, so
//!
//! `Fₖ = G^{m,n}_{p,q}(a; b₀ + k, b₁ … | z)`   (`k < N`, values from [`super::meijer_value`])
//!
//! span the same ℚ-space as `v(s)` (`Fₖ` is a monic degree-`k` polynomial in `θ` applied to `G`,
//! up to sign). Where those values cannot be computed (on `|z| = 1` the shifted series may
//! diverge; a shift may reach degenerate parameters) `b₀ − k`, then `a_i ± k` are used: any shift is
//! an invertible rational matrix on `v(s)` where the axis matrices are invertible. The coefficients are found by PSLQ on
//! `(1, F₁/F₀, …, L, L·F₁/F₀, …)` ([`identify_relation`]), then verified at the digits that the
//! walk and the series values certify and passed through the relation-quality gate; nothing is
//! claimed beyond those digits. A walk whose limit involves another solution (one not spanned by
//! the values at the start) gets no relation.

use super::meijer::operator;
use super::meijer_value::{meijer_value, MeijerError};
use super::pfq::rank;
use super::pfq_value::{label, pfq_value, SeriesError, SeriesValue};
use super::spec::Generated;
use crate::identify::{identify_mobius, identify_rational, identify_relation, IdentifyError};
use crate::pcf::limit::{bits_for_digits, decimal};
use crate::precision::{Margin, SignificantDigits};
use rug::{Float, Integer, Rational};
use std::fmt::Write;

/// Most digits used for an identification (more cost time and prove nothing more).
pub const MAX_DIGITS: u32 = 300;

/// Why a value at the start cannot be computed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// A `pFq` series ([`pfq_value`]).
    #[error(transparent)]
    Pfq(#[from] SeriesError),
    /// A Meijer-G value ([`meijer_value`]).
    #[error(transparent)]
    MeijerG(#[from] MeijerError),
}

/// One basis value `Fₖ` with its parameters.
#[derive(Clone, Debug)]
pub struct BasisValue {
    /// `pFq(x; y; z)` or `G^{m,n}_{p,q}(a; b | z)` as text, e.g. `2F1(1,1;3;1/2)`.
    pub label: String,
    /// The value and its certain digits.
    pub value: SeriesValue,
}

/// `L = (Σ numerator[i]·Fᵢ)/(Σ denominator[i]·Fᵢ)`, verified to `verified_digits`.
#[derive(Clone, Debug)]
pub struct PfqIdentity {
    /// `F₀ … F_{N−1}`.
    pub basis: Vec<BasisValue>,
    /// Integer coefficients of the numerator, one per basis value.
    pub numerator: Vec<Integer>,
    /// Integer coefficients of the denominator, one per basis value.
    pub denominator: Vec<Integer>,
    /// Digits to which the walk's limit agrees with the formula.
    pub verified_digits: u32,
}

/// What became of the identification.
#[derive(Clone, Debug)]
pub enum PfqLimit {
    /// The limit is a ratio of combinations of the basis values.
    Identified(PfqIdentity),
    /// The limit is a rational number of small height ([`identify_rational`]): every basis
    /// ratio would give it trivially, so no basis is needed.
    Rational {
        /// The limit.
        value: Rational,
        /// Significant digits to which the walk's limit agrees with it.
        verified_digits: u32,
    },
    /// The values were computed, but no gated relation exists with them at these digits.
    NoRelation {
        /// The basis values tried.
        basis: Vec<BasisValue>,
        /// The digits the search could use.
        digits: u32,
    },
    /// The values at the start cannot be computed (divergent series, pole, degenerate Meijer-G
    /// parameters, too slow).
    Unavailable(ValueError),
}

impl PfqLimit {
    /// Runs [`identify_pfq_limit`]; an input PSLQ cannot work on (a value that is not finite)
    /// becomes [`PfqLimit::NoRelation`] with no basis, so a walk's report is never lost to it.
    pub fn of_walk(field: &Generated, start: &[Rational], limit: &Float, trusted: u32) -> PfqLimit {
        identify_limit(field, start, limit, trusted, 1000).unwrap_or(PfqLimit::NoRelation {
            basis: Vec::new(),
            digits: 0,
        })
    }
}

/// The parameter points of the basis `F₀ … F_{N−1}` for a walk of `pFq(p, q, z)` from `start`
/// (`x₀ … x_{p−1}, y₀ … y_{q−1}`): `y₀` shifted by `0 … N−1`, or `x₀` when `q = 0`.
pub fn basis_points(
    p: usize,
    q: usize,
    z: &Rational,
    start: &[Rational],
) -> Vec<(Vec<Rational>, Vec<Rational>)> {
    let n = rank(p, q, z);
    (0..n)
        .map(|k| {
            let mut x = start[..p].to_vec();
            let mut y = start[p..p + q].to_vec();
            if q > 0 {
                y[0] += k as u32;
            } else {
                x[0] += k as u32;
            }
            (x, y)
        })
        .collect()
}

/// The significant digits of a value `x` known to `absolute` decimal places (`|L − x| ≤
/// 10^{−absolute}`, how walks count their certain digits): `absolute + ⌊log10|x|⌋`
/// ([`SignificantDigits::from_places`]); a limit of 0.006… certain to 57 places has 54 certain
/// significant digits. Identification and its gate count significant digits.
pub fn significant_digits(x: &Float, absolute: u32) -> u32 {
    SignificantDigits::from_places(x, absolute).get()
}

/// The parameter points `(a, b)` of a basis `F₀ … F_{N−1}` for a walk of
/// `meijerg(m, n, p, q, z)` from `start` (`a₀ … a_{p−1}, b₀ … b_{q−1}`): coordinate `axis` of the
/// start shifted by `0, step, …, (N−1)·step`, `N` the order of the field's θ-operator.
pub fn meijer_basis_points(
    (m, n, p, q, z): (usize, usize, usize, usize, &Rational),
    start: &[Rational],
    axis: usize,
    step: i32,
) -> Vec<(Vec<Rational>, Vec<Rational>)> {
    let order = operator(m, n, p, q, z).len().saturating_sub(1);
    (0..order)
        .map(|k| {
            let mut s = start[..p + q].to_vec();
            s[axis] += step * k as i32;
            let b = s.split_off(p);
            (s, b)
        })
        .collect()
}

/// The shifts tried for a Meijer-G basis, in order: `b₀` up, `b₀` down, then each `a_i` up and
/// down. On `|z| = 1` shifting `b₀` up slows the series down (it may diverge), and a shift may
/// reach degenerate parameters; each shift is an invertible rational matrix on `v(s)`, so every
/// one gives a basis of the same ℚ-span.
fn meijer_basis(
    (m, n, p, q, z): (usize, usize, usize, usize, &Rational),
    start: &[Rational],
    digits: u32,
) -> Result<Vec<BasisValue>, ValueError> {
    let shifts = [(p, 1), (p, -1)]
        .into_iter()
        .chain((0..p).flat_map(|i| [(i, 1), (i, -1)]));
    let mut first = None;
    for (axis, step) in shifts {
        let values: Result<Vec<BasisValue>, MeijerError> =
            meijer_basis_points((m, n, p, q, z), start, axis, step)
                .into_iter()
                .map(|(a, b)| {
                    Ok(BasisValue {
                        label: super::meijer_value::label(m, n, &a, &b, z),
                        value: meijer_value(m, n, &a, &b, z, digits)?,
                    })
                })
                .collect();
        match values {
            Ok(v) => return Ok(v),
            Err(e) => {
                first.get_or_insert(e);
            }
        }
    }
    Err(first.expect("at least one shift is tried").into())
}

/// The basis values `F₀ … F_{N−1}` at the start of a walk of a generated field, each to `digits`
/// digits at most (module documentation).
pub fn basis_values(
    field: &Generated,
    start: &[Rational],
    digits: u32,
) -> Result<Vec<BasisValue>, ValueError> {
    match field {
        Generated::Pfq(p, q, z) => basis_points(*p, *q, z, start)
            .into_iter()
            .map(|(x, y)| {
                Ok(BasisValue {
                    label: label(&x, &y, z),
                    value: pfq_value(&x, &y, z, digits)?,
                })
            })
            .collect(),
        Generated::MeijerG(m, n, p, q, z) => meijer_basis((*m, *n, *p, *q, z), start, digits),
    }
}

/// [`identify_limit`] for `pFq(p, q, z)`.
pub fn identify_pfq_limit(
    p: usize,
    q: usize,
    z: &Rational,
    start: &[Rational],
    limit: &Float,
    trusted: u32,
    max_coeff: u64,
) -> Result<PfqLimit, IdentifyError> {
    identify_limit(
        &Generated::Pfq(p, q, z.clone()),
        start,
        limit,
        trusted,
        max_coeff,
    )
}

/// Identifies the limit `limit` (certain to `trusted` decimal places) of a walk of the generated field
/// `field` from `start` (module documentation), at no more than [`MAX_DIGITS`] digits.
/// Coefficients are bounded by `max_coeff`.
pub fn identify_limit(
    field: &Generated,
    start: &[Rational],
    limit: &Float,
    trusted: u32,
    max_coeff: u64,
) -> Result<PfqLimit, IdentifyError> {
    let trusted = SignificantDigits::from_places(limit, trusted)
        .at_most(MAX_DIGITS)
        .get();
    if let Some((value, agree)) = identify_rational(limit, SignificantDigits::relative(trusted)) {
        return Ok(PfqLimit::Rational {
            value,
            verified_digits: agree.min(trusted),
        });
    }
    let basis = match basis_values(field, start, trusted.max(20) + 5) {
        Ok(b) => b,
        Err(e) => return Ok(PfqLimit::Unavailable(e)),
    };
    let digits = basis
        .iter()
        .map(|b| b.value.digits)
        .fold(trusted, u32::min)
        .min(trusted);
    let none = |basis| Ok(PfqLimit::NoRelation { basis, digits });
    if digits < 12 || basis.is_empty() || basis[0].value.value.is_zero() {
        return none(basis);
    }
    let prec = bits_for_digits(digits);
    let f0 = Float::with_val(prec, &basis[0].value.value);
    let targets: Vec<(String, Float)> = basis[1..]
        .iter()
        .enumerate()
        .map(|(i, b)| {
            (
                format!("F{}/F0", i + 1),
                Float::with_val(prec, &b.value.value / &f0),
            )
        })
        .collect();
    let x = Float::with_val(prec, limit);
    let found = if targets.is_empty() {
        None // rank 1: the limit is rational
    } else {
        match identify_relation(&x, SignificantDigits::relative(digits), &targets, max_coeff) {
            Ok(f) => f,
            // the values are dependent over ℚ (e.g. all rational): nothing to identify with
            Err(IdentifyError::DependentTargets { .. }) => None,
            Err(e) => return Err(e),
        }
    };
    let Some(id) = found else {
        return none(basis);
    };
    let n = basis.len();
    let mut numerator = vec![Integer::new(); n];
    let mut denominator = vec![Integer::new(); n];
    numerator[0] = id.numerator[0].clone();
    denominator[0] = id.denominator[0].clone();
    for (k, &t) in id.target_indices.iter().enumerate() {
        numerator[t + 1] = id.numerator[k + 1].clone();
        denominator[t + 1] = id.denominator[k + 1].clone();
    }
    Ok(PfqLimit::Identified(PfqIdentity {
        basis,
        numerator,
        denominator,
        verified_digits: id.verified_digits.min(digits),
    }))
}

/// `Σ cᵢ·Fᵢ` as text: `F0 - 2*F1`.
fn linear(c: &[Integer]) -> String {
    let mut s = String::new();
    for (i, ci) in c.iter().enumerate().filter(|(_, c)| !c.is_zero()) {
        let a = Integer::from(ci.abs_ref());
        let sign = if *ci < 0 { "-" } else { "+" };
        if s.is_empty() {
            if *ci < 0 {
                s.push('-');
            }
        } else {
            let _ = write!(s, " {sign} ");
        }
        if a != 1 {
            let _ = write!(s, "{a}*");
        }
        let _ = write!(s, "F{i}");
    }
    s
}

impl PfqIdentity {
    /// `x = (F0 - F1)/F0`.
    pub fn formula(&self) -> String {
        let terms = |c: &[Integer]| c.iter().filter(|c| !c.is_zero()).count();
        // one leading minus sign in front of a single-term numerator
        let (sign, num) = if terms(&self.numerator) == 1 && self.numerator.iter().any(|c| *c < 0) {
            let neg: Vec<Integer> = self.numerator.iter().map(|c| Integer::from(-c)).collect();
            ("-", linear(&neg))
        } else if terms(&self.numerator) > 1 {
            ("", format!("({})", linear(&self.numerator)))
        } else {
            ("", linear(&self.numerator))
        };
        let d = &self.denominator;
        let den = if terms(d) > 1 || d.iter().any(|v| !v.is_zero() && *v != 1) {
            format!("({})", linear(d))
        } else {
            linear(d)
        };
        format!("x = {sign}{num}/{den}")
    }

    /// `F0 = 2F1(1,1;2;1/2) = 1.3862943611…` for every basis value, with `shown` digits.
    pub fn legend(&self, shown: u32) -> Vec<String> {
        legend(&self.basis, shown)
    }
}

/// The basis values as `Fk = label = value…` lines.
pub fn legend(basis: &[BasisValue], shown: u32) -> Vec<String> {
    basis
        .iter()
        .enumerate()
        .map(|(k, b)| {
            let d = b.value.digits.min(shown).max(1) as usize;
            format!("F{k} = {} = {}…", b.label, decimal(&b.value.value, d))
        })
        .collect()
}

/// Library constants a `pFq(p, q, z)` or `meijerg(m, n, p, q, z)` limit may be a Möbius transform of (π, e, log 2, log 3,
/// ζ(2), ζ(3), Catalan's G, γ, and `exp(z)`, `log(1 − z)`, `log(1 + z)` for the field's `z`),
/// as expressions of the constant library.
pub fn closed_form_candidates(z: &Rational) -> Vec<String> {
    let mut c: Vec<String> = [
        "pi",
        "e",
        "ln2",
        "ln3",
        "zeta2",
        "zeta3",
        "catalan",
        "euler_gamma",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let zs = format!("({z})");
    c.push(format!("exp{zs}"));
    for arg in [1 - z.clone(), 1 + z.clone()] {
        if arg > 0 && arg != 1 && arg != 2 && arg != Rational::from((1, 2)) && arg != 3 {
            c.push(format!("log({arg})"));
        }
    }
    c
}

/// The limit (certain to `trusted` decimal places) as a Möbius transform of one of
/// [`closed_form_candidates`] (PSLQ on `[1, K, x, xK]`, gated), if one exists.
pub fn closed_form(
    z: &Rational,
    limit: &Float,
    trusted: u32,
) -> Result<Option<crate::identify::Identification>, crate::constants::ExprError> {
    let trusted = SignificantDigits::from_places(limit, trusted);
    if trusted.get() < 12 {
        return Ok(None);
    }
    let prec = Margin::CONSTANTS.bits(trusted.get());
    let mut targets = Vec::new();
    for name in closed_form_candidates(z) {
        targets.push((name.clone(), crate::constants::evaluate(&name, prec)?));
    }
    let x = Float::with_val(prec, limit);
    Ok(identify_mobius(&x, trusted, &targets, 1000)
        .ok()
        .flatten()
        .map(|mut i| {
            i.verified_digits = i.verified_digits.min(trusted.get());
            i
        }))
}
