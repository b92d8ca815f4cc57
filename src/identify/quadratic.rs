//! One canonical Möbius form for limits in a quadratic field.
//!
//! For a constant K that is not a quadratic irrational, the Möbius form
//! x = (c₀ + c₁K)/(d₀ + d₁K) of a number x is unique up to a common factor: two forms of the same x
//! give, cross-multiplied, a polynomial of degree ≤ 2 in K with integer coefficients that vanishes,
//! hence is zero. For a quadratic irrational K (√2, √3, φ, `sqrt(5)`, …) with
//! u·K² + v·K + w = 0, x lies in the field ℚ(K), x = r + s·K, and every (d₀, d₁) ≠ (0, 0) for
//! which x·(d₀ + d₁K) has integer coordinates gives a form: `1 + √2 = 1/(√2 − 1) = (3 + √2)/(1 + √2)…`.
//! A relation found by a table whose coefficient bound depends on the search space, or by PSLQ,
//! can be any of them. [`simplest_form`] chooses one for all of them:
//!
//! 1. the smallest largest coefficient max(|c₀|, |c₁|, |d₀|, |d₁|),
//! 2. then the smallest sum of |coefficients|,
//! 3. then the fewest nonzero coefficients,
//! 4. then no constant in the denominator (d₁ = 0, so `√2 + 1` before `1/(√2 − 1)`),
//! 5. then the lexicographically smallest (d₀, d₁, c₀, c₁) of the normal form
//!    ([`Identification`]: gcd 1, first nonzero denominator entry positive).
//!
//! Every candidate is exact: with the conjugate K̄ (K + K̄ = −v/u, K·K̄ = w/u) the coordinates of
//! x are r = (c₀d₀ − c₀d₁·v/u + c₁d₁·w/u)/N and s = (c₁d₀ − c₀d₁)/N with the norm
//! N = d₀² − d₀d₁·v/u + d₁²·w/u, and x·(e₀ + e₁K) = (e₀r − e₁s·w/u) + (e₁r + e₀s − e₁s·v/u)·K.
//! Only denominators with |e₀|, |e₁| ≤ [`SEARCH_BOUND`] are tried, and the found form itself always
//! competes, so the result is never more complicated than the input.

use crate::identify::pslq::{pslq, PslqConfig};
use crate::identify::relation::Identification;
use rug::{Float, Integer, Rational};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Largest |e₀|, |e₁| of the denominators tried.
pub const SEARCH_BOUND: i64 = 40;

/// Largest coefficient of a minimal polynomial u·K² + v·K + w that [`minimal_quadratic`] looks for.
const MINPOLY_BOUND: u64 = 10_000;

/// The integer polynomial u·K² + v·K + w = 0 (u > 0, gcd 1) of a quadratic irrational K, found by
/// PSLQ on (1, K, K²) at K's precision, or `None` when K satisfies no such relation with
/// coefficients up to 10⁴ (K is not a quadratic irrational of small height, or K is rational).
/// Needs at least 40 digits of K; the relation must hold with 3 digits to spare per digit needed
/// to write it, so a false positive at 100 digits would be a relation among 3 numbers holding to
/// 90 digits by chance.
pub fn minimal_quadratic(k: &Float) -> Option<[Integer; 3]> {
    let prec = k.prec();
    let digits = crate::precision::digits_held(prec);
    if digits < 40 || !k.is_finite() {
        return None;
    }
    let one = Float::with_val(prec, 1);
    let k2 = Float::with_val(prec, k.square_ref());
    let out = pslq(
        &[one, k.clone(), k2],
        &PslqConfig::new(digits.saturating_sub(20), MINPOLY_BOUND),
    )
    .ok()?;
    let m = out.relation()?;
    let (w, v, u) = (m[0].clone(), m[1].clone(), m[2].clone());
    if u.is_zero() {
        return None; // a linear relation: K is rational
    }
    let sign = if u < 0 { -1 } else { 1 };
    Some([u * sign, v * sign, w * sign])
}

/// [`minimal_quadratic`] of a named constant, computed once per name.
pub fn minimal_quadratic_cached(name: &str, k: &Float) -> Option<[Integer; 3]> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<[Integer; 3]>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(name).cloned()) {
        return hit;
    }
    let m = minimal_quadratic(k);
    if let Ok(mut c) = cache.lock() {
        c.insert(name.to_string(), m.clone());
    }
    m
}

/// The canonical form of a one-constant identification whose constant has the value `k` (see the
/// module documentation); identifications with several constants, or with a constant that is not
/// a quadratic irrational, are returned unchanged (their form is already unique). The
/// `verified_digits` are kept: every candidate form has exactly the same value.
pub fn canonical_form(id: &Identification, k: &Float) -> Identification {
    if id.constants.len() != 1 {
        return id.clone();
    }
    match minimal_quadratic_cached(&id.constants[0], k) {
        Some(m) => simplest_form(id, &m),
        None => id.clone(),
    }
}

/// The simplest form (module documentation) of the one-constant identification `id` whose
/// constant satisfies `minpoly` = [u, v, w]: u·K² + v·K + w = 0.
pub fn simplest_form(id: &Identification, minpoly: &[Integer; 3]) -> Identification {
    if id.constants.len() != 1 || minpoly[0].is_zero() {
        return id.clone();
    }
    let [u, v, w] = minpoly;
    let vu = Rational::from((v.clone(), u.clone()));
    let wu = Rational::from((w.clone(), u.clone()));
    let (c0, c1) = (&id.numerator[0], &id.numerator[1]);
    let (d0, d1) = (&id.denominator[0], &id.denominator[1]);
    // x = r + s·K through the conjugate.
    let norm = Rational::from(d0.square_ref()) - Rational::from(d0 * d1) * &vu
        + Rational::from(d1.square_ref()) * &wu;
    if norm == 0 {
        return id.clone(); // d₀ + d₁K = 0 cannot happen for irrational K; keep the input.
    }
    let r = (Rational::from(c0 * d0) - Rational::from(c0 * d1) * &vu
        + Rational::from(c1 * d1) * &wu)
        / &norm;
    let s = Rational::from(Integer::from(c1 * d0) - Integer::from(c0 * d1)) / &norm;

    let mut best = id.clone();
    let mut best_key = simplicity(&best);
    for e0 in -SEARCH_BOUND..=SEARCH_BOUND {
        for e1 in 0..=SEARCH_BOUND {
            // (e₀, e₁) and (−e₀, −e₁) give the same form; e₁ ≥ 0 and e₀ > 0 when e₁ = 0.
            if e1 == 0 && e0 <= 0 {
                continue;
            }
            let n0 = Rational::from(&r * e0) - Rational::from(&s * e1) * &wu;
            let n1 =
                Rational::from(&r * e1) + Rational::from(&s * e0) - Rational::from(&s * e1) * &vu;
            if *n0.denom() != 1 || *n1.denom() != 1 {
                continue;
            }
            let Ok(cand) = Identification::new(
                id.constants.clone(),
                id.target_indices.clone(),
                vec![n0.numer().clone(), n1.numer().clone()],
                vec![Integer::from(e0), Integer::from(e1)],
            ) else {
                continue;
            };
            let key = simplicity(&cand);
            if key < best_key {
                best_key = key;
                best = cand;
            }
        }
    }
    best.verified_digits = id.verified_digits;
    best
}

/// The ordering key of the module documentation (smaller is simpler).
fn simplicity(id: &Identification) -> (Integer, Integer, usize, bool, Vec<Integer>) {
    let all = id.coefficients();
    let max = all
        .iter()
        .map(|c| Integer::from(c.abs_ref()))
        .max()
        .unwrap_or_default();
    let sum: Integer = all.iter().map(|c| Integer::from(c.abs_ref())).sum();
    let nonzero = all.iter().filter(|c| !c.is_zero()).count();
    let constant_in_denominator = id.denominator[1..].iter().any(|c| !c.is_zero());
    let order: Vec<Integer> = id
        .denominator
        .iter()
        .chain(&id.numerator)
        .cloned()
        .collect();
    (max, sum, nonzero, constant_in_denominator, order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str, c: [i64; 2], d: [i64; 2]) -> Identification {
        Identification::new(
            vec![name.into()],
            vec![0],
            c.iter().map(|&v| Integer::from(v)).collect(),
            d.iter().map(|&v| Integer::from(v)).collect(),
        )
        .unwrap()
    }

    fn sqrt2(prec: u32) -> Float {
        Float::with_val(prec, 2).sqrt()
    }

    /// The three forms under which the PCF (2, 1) → 1 + √2 was stored become one.
    #[test]
    fn forms_of_one_plus_sqrt2_become_one() {
        let m = [Integer::from(1), Integer::from(0), Integer::from(-2)];
        let forms = [
            id("sqrt2", [-3, -5], [-7, 2]), // (−5√2 − 3)/(2√2 − 7)
            id("sqrt2", [3, -2], [-7, 5]),  // (3 − 2√2)/(5√2 − 7)
            id("sqrt2", [1, 0], [-1, 1]),   // 1/(√2 − 1)
        ];
        let k = sqrt2(400);
        for f in &forms {
            let c = simplest_form(f, &m);
            assert_eq!(c.formula(), "x = sqrt2 + 1", "from {}", f.formula());
            // The value is unchanged.
            let v0 = f.value(std::slice::from_ref(&k), 400).unwrap();
            let v1 = c.value(std::slice::from_ref(&k), 400).unwrap();
            let diff = Float::with_val(400, &v0 - &v1).abs();
            assert!(diff < Float::with_val(400, -380f64).exp2(), "{v0} vs {v1}");
        }
    }

    #[test]
    fn minimal_polynomials_of_quadratic_constants() {
        let p = 400;
        assert_eq!(
            minimal_quadratic(&sqrt2(p)),
            Some([Integer::from(1), Integer::from(0), Integer::from(-2)])
        );
        let phi = (Float::with_val(p, 5).sqrt() + 1u32) / 2u32;
        assert_eq!(
            minimal_quadratic(&phi),
            Some([Integer::from(1), Integer::from(-1), Integer::from(-1)])
        );
        let pi = Float::with_val(p, rug::float::Constant::Pi);
        assert_eq!(minimal_quadratic(&pi), None);
    }

    /// A transcendental constant's form is unique: nothing changes.
    #[test]
    fn transcendental_forms_are_kept() {
        let pi = Float::with_val(400, rug::float::Constant::Pi);
        let f = id("pi", [4, 0], [0, 1]);
        assert_eq!(canonical_form(&f, &pi), f);
    }
}
