//! Long division of univariate polynomials, the one division of the polynomial layer.
//!
//! For `a, b` with `b ≠ 0` there are unique `q, r` over ℚ with `a = q·b + r`, `deg r < deg b`.
//! [`div_rem`] computes them over any coefficient ring with a partial division
//! ([`Coefficient::quotient`]): over ℚ it always succeeds; over ℤ it succeeds exactly when every
//! leading-coefficient quotient met on the way is an integer, in particular when `b` is monic
//! (`lc(b) = ±1`) or `b | a` over ℤ. The pseudo-division of [`super::Poly::pseudo_div_rem`]
//! (`lc(b)^δ·a = q·b + r`) and the exact quotient of [`super::Poly::div_poly`] are built on it.

use rug::{Integer, Rational};

/// A coefficient ring for [`div_rem`]: ℤ ([`Integer`]) or ℚ ([`Rational`]).
pub trait Coefficient: Clone {
    /// Whether the coefficient is zero.
    fn is_zero(&self) -> bool;
    /// The quotient `self / d` if it lies in the ring (`d ≠ 0`): always over ℚ, only for `d | self`
    /// over ℤ.
    fn quotient(&self, d: &Self) -> Option<Self>;
    /// `self ← self − t·b`.
    fn sub_mul(&mut self, t: &Self, b: &Self);
}

impl Coefficient for Integer {
    fn is_zero(&self) -> bool {
        Integer::is_zero(self)
    }
    fn quotient(&self, d: &Integer) -> Option<Integer> {
        self.is_divisible(d)
            .then(|| Integer::from(self.div_exact_ref(d)))
    }
    fn sub_mul(&mut self, t: &Integer, b: &Integer) {
        *self -= t * b;
    }
}

impl Coefficient for Rational {
    fn is_zero(&self) -> bool {
        *self == 0
    }
    fn quotient(&self, d: &Rational) -> Option<Rational> {
        Some(Rational::from(self / d))
    }
    fn sub_mul(&mut self, t: &Rational, b: &Rational) {
        *self -= Rational::from(t * b);
    }
}

/// Removes trailing zero coefficients (the zero polynomial has none).
fn trim<C: Coefficient>(p: &mut Vec<C>) {
    while p.last().is_some_and(C::is_zero) {
        p.pop();
    }
}

/// Quotient and remainder `(q, r)` of `a = q·b + r` with `deg r < deg b` (coefficients lowest degree
/// first, returned without trailing zeros; trailing zeros of the inputs are ignored).
///
/// `None` if `b = 0`, or if some step's leading-coefficient quotient `lc(r)/lc(b)` is not in the
/// ring (over ℤ: then no integer `q, r` exist with `deg r < deg b`).
pub fn div_rem<C: Coefficient>(a: &[C], b: &[C]) -> Option<(Vec<C>, Vec<C>)> {
    let db = b.iter().rposition(|c| !c.is_zero())?;
    let b = &b[..=db];
    let mut r = a.to_vec();
    trim(&mut r);
    if r.len() <= db {
        return Some((Vec::new(), r));
    }
    let lead = &b[db];
    let steps = r.len() - db;
    let mut q = Vec::with_capacity(steps);
    // Step i removes the coefficient of n^(i+db): r ← r − t·n^i·b with t = r[i+db]/lc(b).
    for i in (0..steps).rev() {
        let t = if r[i + db].is_zero() {
            r[i + db].clone()
        } else {
            let t = r[i + db].quotient(lead)?;
            for (k, bk) in b.iter().enumerate() {
                r[i + k].sub_mul(&t, bk);
            }
            t
        };
        q.push(t);
    }
    q.reverse();
    r.truncate(db);
    trim(&mut r);
    trim(&mut q);
    Some((q, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(v: &[i64]) -> Vec<Integer> {
        v.iter().map(|&c| Integer::from(c)).collect()
    }

    #[test]
    fn integer_division_by_a_monic_and_a_non_monic_divisor() {
        // n^3 + 2n + 5 = (n^2 + n + 3)(n − 1) + 8
        let (q, r) = div_rem(&ints(&[5, 2, 0, 1]), &ints(&[-1, 1])).unwrap();
        assert_eq!((q, r), (ints(&[3, 1, 1]), ints(&[8])));
        // 6n^2 + 7n + 2 = (3n + 2)(2n + 1), remainder 0
        let (q, r) = div_rem(&ints(&[2, 7, 6]), &ints(&[1, 2])).unwrap();
        assert_eq!((q, r), (ints(&[2, 3]), vec![]));
        // n^2 + 1 by 2n + 1: the quotient n/2 − 1/4 is not integral
        assert!(div_rem(&ints(&[1, 0, 1]), &ints(&[1, 2])).is_none());
        assert!(div_rem(&ints(&[1, 0, 1]), &ints(&[0, 0])).is_none());
        // deg a < deg b: q = 0, r = a
        assert_eq!(
            div_rem(&ints(&[3, 4]), &ints(&[0, 0, 5])).unwrap(),
            (vec![], ints(&[3, 4]))
        );
    }

    #[test]
    fn rational_division_always_succeeds() {
        // n^2 + 1 = (n/2 − 1/4)(2n + 1) + 5/4
        let r = |n: i64, d: i64| Rational::from((n, d));
        let (q, rem) = div_rem(&[r(1, 1), r(0, 1), r(1, 1)], &[r(1, 1), r(2, 1)]).unwrap();
        assert_eq!(q, vec![r(-1, 4), r(1, 2)]);
        assert_eq!(rem, vec![r(5, 4)]);
    }
}
