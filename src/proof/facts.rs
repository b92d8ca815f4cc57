//! Exact facts about integer polynomials on the integers `n ≥ n₀`, decided without floating point.
//!
//! The tool is the *shift test*: if every coefficient of `p(n + k)` has the same sign and the
//! constant coefficient `p(k)` is not zero, then `p(n)` has that sign for every real `n ≥ k`. The
//! integers between `n₀` and `k` are then evaluated one by one. `k` is searched by doubling up to
//! [`MAX_SHIFT`]; past that the question is reported as undecided (never answered by guess).

use crate::poly::Poly;

/// Largest shift tried by the shift test (larger real roots are reported as undecided).
pub const MAX_SHIFT: i64 = 1 << 20;

/// The outcome of a sign question on `n ≥ n₀`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignFact {
    /// The property holds for every integer `n ≥ n₀`.
    Holds,
    /// It fails at this integer `n ≥ n₀`.
    FailsAt(i64),
    /// The shift test found no `k ≤ MAX_SHIFT` (a real root beyond it).
    Undecided,
}

/// The smallest `k ≥ from` of the doubling sequence `from, from+1, from+2, from+4, …` at which every
/// non-zero coefficient of `p(n + k)` has the sign `s` and `p(k)` is non-zero; `None` past
/// [`MAX_SHIFT`] or for the zero polynomial.
fn stable_from(p: &Poly, from: i64) -> Option<(i64, i32)> {
    if p.is_zero() {
        return None;
    }
    let s = if p.leading() > 0 { 1 } else { -1 };
    let mut step = 0i64;
    loop {
        let k = from + step;
        if k > MAX_SHIFT {
            return None;
        }
        let q = p.shift(k);
        let ok = q.coeffs()[0] != 0 && q.coeffs().iter().all(|c| *c == 0 || (c.cmp0() as i32) == s);
        if ok {
            return Some((k, s));
        }
        step = if step == 0 { 1 } else { step * 2 };
    }
}

/// Whether `p(n) ≠ 0` for every integer `n ≥ n₀` (the zero polynomial fails at `n₀`).
pub fn nonzero_from(p: &Poly, n0: i64) -> SignFact {
    if p.is_zero() {
        return SignFact::FailsAt(n0);
    }
    let Some((k, _)) = stable_from(p, n0) else {
        return SignFact::Undecided;
    };
    for n in n0..k {
        if p.eval(n) == 0 {
            return SignFact::FailsAt(n);
        }
    }
    SignFact::Holds
}

/// Whether `p(n) ≥ 0` for every integer `n ≥ n₀`.
pub fn nonnegative_from(p: &Poly, n0: i64) -> SignFact {
    if p.is_zero() {
        return SignFact::Holds;
    }
    if p.leading() < 0 {
        // negative for large n: find a witness
        let Some((k, _)) = stable_from(p, n0) else {
            return SignFact::Undecided;
        };
        return SignFact::FailsAt(k);
    }
    let Some((k, _)) = stable_from(p, n0) else {
        return SignFact::Undecided;
    };
    for n in n0..k {
        if p.eval(n) < 0 {
            return SignFact::FailsAt(n);
        }
    }
    SignFact::Holds
}

/// Whether `p(n) > 0` for every integer `n ≥ n₀`.
pub fn positive_from(p: &Poly, n0: i64) -> SignFact {
    match nonnegative_from(p, n0) {
        SignFact::Holds => nonzero_from(p, n0),
        other => other,
    }
}

/// Whether `p(n) ≥ 0` for all sufficiently large `n` (the leading coefficient is positive, or `p = 0`).
pub fn eventually_nonnegative(p: &Poly) -> bool {
    p.is_zero() || p.leading() > 0
}

/// The first integer `n ≥ n₀` (up to `n₀ + limit`) from which `p(n) ≠ 0` for all larger `n`, i.e.
/// one past the largest integer root `≥ n₀`; `None` when undecided or out of range.
pub fn first_nonzero_tail(p: &Poly, n0: i64, limit: i64) -> Option<i64> {
    if p.is_zero() {
        return None;
    }
    let (k, _) = stable_from(p, n0)?;
    let mut start = n0;
    for n in n0..k {
        if p.eval(n) == 0 {
            start = n + 1;
        }
    }
    (start <= n0 + limit).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::parse;

    #[test]
    fn roots_and_signs_are_found_exactly() {
        let p = parse("(n-3)*(n-7)").unwrap();
        assert_eq!(nonzero_from(&p, 1), SignFact::FailsAt(3));
        assert_eq!(nonzero_from(&p, 4), SignFact::FailsAt(7));
        assert_eq!(nonzero_from(&p, 8), SignFact::Holds);
        assert_eq!(nonnegative_from(&p, 1), SignFact::FailsAt(4));
        assert_eq!(nonnegative_from(&p, 7), SignFact::Holds);
        assert_eq!(positive_from(&p, 7), SignFact::FailsAt(7));
        assert_eq!(first_nonzero_tail(&p, 1, 100), Some(8));
        // no real root at all
        assert_eq!(nonzero_from(&parse("n^2+1").unwrap(), -5), SignFact::Holds);
        assert!(!eventually_nonnegative(&parse("-n^3+100n^2").unwrap()));
    }
}
