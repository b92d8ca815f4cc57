//! Rational limits: `x = p/q` with a short description, found from the continued fraction of `x`.
//!
//! **Why the lookup cannot miss.** The convergents `p_k/q_k` of the continued fraction of `x` are
//! its best approximations of the second kind (Lagrange): if `|x − p/q| < 1/(2q²)` then `p/q` is a
//! convergent (Legendre). A rational limit `p/q` known to `S` significant digits with
//! `q ≤ 10^{S/4}` (the gate below demands more: `p` and `q` together cost at most `S/2` digits) is
//! within `|x|·10^{1−S} < 1/(2q²)` of `x` as soon as `S` exceeds a few digits, so it is one of the
//! convergents met before the description cost exceeds `S/2`, where the walk along the continued
//! fraction stops.
//!
//! **Gate.** The relation `q·x − p = 0` is accepted under the rule every identification obeys
//! ([`super::gate::check_relation`]): its description cost is at most half the trusted digits,
//! and `x` agrees with `p/q` to the trusted digits (one digit of slack).

use super::gate::{check_relation, description_digits, MIN_RETURN_ON_INVESTMENT};
use super::relation::agreeing_digits;
use crate::precision::SignificantDigits;
use rug::{Float, Integer, Rational};

/// `x = p/q` for the first convergent `p/q` of the continued fraction of `x` that passes the gate at
/// `trusted` significant digits, with the digits to which `x` agrees with it; `None` when no
/// convergent of description cost ≤ `trusted/2` digits passes (or `x` is zero or not finite).
pub fn identify_rational(x: &Float, trusted: SignificantDigits) -> Option<(Rational, u32)> {
    if x.is_zero() {
        return None;
    }
    let mut rest = x.to_rational()?;
    let budget = f64::from(trusted.get()) / MIN_RETURN_ON_INVESTMENT;
    // convergents h/k: h₋₁/k₋₁ = 1/0, h₋₂/k₋₂ = 0/1
    let (mut h1, mut h2) = (Integer::from(1), Integer::new());
    let (mut k1, mut k2) = (Integer::new(), Integer::from(1));
    loop {
        let a = rest.clone().floor().into_numer_denom().0;
        let h = Integer::from(&a * &h1) + &h2;
        let k = Integer::from(&a * &k1) + &k2;
        let relation = [h.clone(), Integer::from(-&k)];
        if description_digits(&relation) > budget {
            return None;
        }
        let value = Rational::from((h.clone(), k.clone()));
        let agree = agreeing_digits(x, &Float::with_val(x.prec(), &value), x.prec());
        if check_relation(trusted, agree, &relation).is_ok() {
            return Some((value, agree));
        }
        rest -= &a;
        if rest == 0 {
            return None;
        }
        rest.recip_mut();
        h2 = std::mem::replace(&mut h1, h);
        k2 = std::mem::replace(&mut k1, k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(s: &str, prec: u32) -> Float {
        Float::with_val(prec, Float::parse(s).unwrap())
    }

    /// −3/2, 22/7 and 355/113 to 100 digits are found; π, e and √2 are not rational.
    #[test]
    fn small_rationals_are_found_and_constants_are_not() {
        let prec = 400;
        let s = SignificantDigits::relative(100);
        for (num, den) in [(-3, 2), (22, 7), (355, 113), (1, 1000), (123_456, 7)] {
            let x = Float::with_val(prec, num) / den;
            let (r, agree) = identify_rational(&x, s).expect("rational");
            assert_eq!(r, Rational::from((num, den)));
            assert!(agree >= 100, "{num}/{den}: {agree}");
        }
        for c in [
            Float::with_val(prec, rug::float::Constant::Pi),
            Float::with_val(prec, 1).exp(),
            Float::with_val(prec, 2).sqrt(),
        ] {
            assert_eq!(identify_rational(&c, s), None, "{c}");
        }
    }

    /// A rational known to too few digits for its height is refused by the gate: 12345/6789 costs
    /// ≈ 10 digits, so 15 trusted digits are not enough, 30 are.
    #[test]
    fn a_rational_must_pay_for_its_description() {
        let x = Float::with_val(200, 12345) / 6789;
        assert_eq!(identify_rational(&x, SignificantDigits::relative(15)), None);
        let (r, _) = identify_rational(&x, SignificantDigits::relative(30)).expect("rational");
        assert_eq!(r, Rational::from((12345, 6789)));
    }

    /// A value off the rational in its last trusted digits is not identified with it.
    #[test]
    fn a_value_that_disagrees_within_the_trusted_digits_is_not_rational() {
        let x = Float::with_val(300, -3) / 2 + float("1e-40", 300);
        assert_eq!(identify_rational(&x, SignificantDigits::relative(60)), None);
        assert!(identify_rational(&x, SignificantDigits::relative(35)).is_some());
    }
}
