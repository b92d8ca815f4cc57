//! Precision: decimal digits against binary precision, and decimal places against significant
//! digits. Every conversion of the crate between the two bases, and between absolute and relative
//! accuracy, is here, each with its formula.
//!
//! * Bits for `D` decimal digits: `⌈D·log₂10⌉` ([`min_bits_for_digits`]); a working precision with
//!   guard digits and guard bits is `⌈(D + g)·log₂10⌉ + b` ([`Margin`], one named margin per use).
//! * Digits a precision holds: `⌊p·log₁₀2⌋` ([`digits_held`]), and the real-valued
//!   `b·log₁₀2` ([`digits_in_bits`]).
//! * Decimal places and significant digits. A value `x` of a limit `L` known to `P` decimal places
//!   (`|x − L| ≤ 10^{−P}`, how limits and walks count their certain digits) is known to
//!   `S = P + ⌊log₁₀|x|⌋` significant digits (`|x − L| ≤ 10^{−S}·|x|`), and back
//!   `P = S − ⌊log₁₀|x|⌋ − 1` ([`significant_from_places`], [`places_from_significant`]). Both round
//!   down, so neither ever claims more than it was given. Identification compares relative
//!   agreement, so it takes [`SignificantDigits`], built from decimal places by one function
//!   ([`SignificantDigits::from_places`]).
//! * How a digit count was obtained: [`Certainty`] — from an error bound that was tested, or
//!   estimated from the agreement of two approximations.

use rug::float::Round;
use rug::ops::PowAssignRound;
use rug::{Float, Integer};
use std::f64::consts::{LOG10_2, LOG2_10};
use std::fmt;

/// `⌈D·log₂10⌉`: the fewest bits whose precision holds `D` decimal digits (no guard).
pub fn min_bits_for_digits(digits: u32) -> u32 {
    Margin::NONE.bits(digits)
}

/// `b·log₁₀2`: the decimal digits `b` bits are worth (real-valued; `b` may be an exponent or a
/// difference of precisions).
pub fn digits_in_bits(bits: f64) -> f64 {
    bits * LOG10_2
}

/// `⌊p·log₁₀2⌋`: the whole decimal digits a precision of `p` bits holds. Never more than
/// [`min_bits_for_digits`] gives back: `min_bits_for_digits(digits_held(p)) ≤ p`.
pub fn digits_held(prec: u32) -> u32 {
    digits_in_bits(f64::from(prec)).floor() as u32
}

/// Guard digits and bits added to a working precision: `⌈(D + digits)·log₂10⌉ + bits` for `D`
/// wanted digits. Each use has its named margin, so that a change of one is a visible change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Margin {
    /// Guard decimal digits added to the digits wanted.
    pub digits: u32,
    /// Guard bits added after the conversion.
    pub bits: u32,
}

impl Margin {
    /// No guard: `⌈D·log₂10⌉`.
    pub const NONE: Margin = Margin { digits: 0, bits: 0 };
    /// Working precision of PCF limits and series values: 20 guard digits and 64 guard bits, so
    /// that rounding in the convergents never reaches the digits claimed.
    pub const LIMIT: Margin = Margin {
        digits: 20,
        bits: 64,
    };
    /// Constants and limits compared by identification: [`Margin::LIMIT`] and 64 bits more, so a
    /// constant evaluated beside a limit is never the less precise of the two.
    pub const CONSTANTS: Margin = Margin {
        digits: 20,
        bits: 128,
    };
    /// ESMA sequences and their targets: 32 guard bits.
    pub const ESMA: Margin = Margin {
        digits: 0,
        bits: 32,
    };
    /// Expression evaluation to correctly rounded decimal digits: 8 guard bits (the ball
    /// refinement adds what it needs).
    pub const EXPRESSION: Margin = Margin { digits: 0, bits: 8 };

    /// `⌈(D + digits)·log₂10⌉ + bits`, saturating at `u32::MAX`.
    pub fn bits(self, digits: u32) -> u32 {
        u32::try_from(self.bits_u64(u64::from(digits))).unwrap_or(u32::MAX)
    }

    /// [`Margin::bits`] for digit counts beyond `u32`: `⌈(D + digits)·log₂10⌉ + bits`, saturating
    /// at `u64::MAX`.
    pub fn bits_u64(self, digits: u64) -> u64 {
        let d = digits as f64 + f64::from(self.digits);
        ((d * LOG2_10).ceil() as u64).saturating_add(u64::from(self.bits))
    }
}

/// `log₁₀|x|` for a float of any exponent (`−∞` for 0): `log₁₀|m| + e·log₁₀2` for `x = m·2^e`.
pub fn log10_abs(x: &Float) -> f64 {
    if x.is_zero() {
        return f64::NEG_INFINITY;
    }
    let (m, e) = x.to_f64_exp();
    m.abs().log10() + digits_in_bits(f64::from(e))
}

/// `log₁₀|n|` for an integer of any size (`−∞` for 0): `log₁₀|m| + e·log₁₀2` for `n = m·2^e`.
pub fn log10_int(n: &Integer) -> f64 {
    if *n == 0 {
        return f64::NEG_INFINITY;
    }
    let (m, e) = n.to_f64_exp();
    m.abs().log10() + digits_in_bits(f64::from(e))
}

/// The decimal exponent `⌊log₁₀|x|⌋` of a nonzero finite `x`, exact: near an integer the f64
/// estimate (an f64 `log₁₀` can round across one, e.g. for `x = 1000`) is checked against
/// `10^e ≤ |x| < 10^{e+1}`. `|x| ≥ 10^e` holds iff `|x| ≥ ⌈10^e⌉_w`, `10^e` rounded up at a
/// precision `w > prec(x)`: no number of `prec(x)` bits lies strictly between `10^e` and its
/// rounding up. `None` for 0, NaN and ±∞.
pub fn decimal_exponent(x: &Float) -> Option<i64> {
    if x.is_zero() || !x.is_finite() {
        return None;
    }
    let estimate = log10_abs(x);
    let mut e = estimate.floor() as i64;
    let frac = estimate - estimate.floor();
    if (1e-6..=1.0 - 1e-6).contains(&frac) {
        return Some(e);
    }
    let abs = Float::with_val(x.prec(), x.abs_ref());
    let w = x.prec() + 1;
    let at_least = |k: i64| -> bool {
        let k = i32::try_from(k).unwrap_or(if k < 0 { i32::MIN } else { i32::MAX });
        let mut p = Float::with_val(w, 10u32);
        p.pow_assign_round(k, Round::Up);
        abs >= p
    };
    while !at_least(e) {
        e -= 1;
    }
    while at_least(e + 1) {
        e += 1;
    }
    Some(e)
}

/// Significant digits of `x` known to `places` decimal places: `S = P + ⌊log₁₀|x|⌋`, since
/// `|x − L| ≤ 10^{−P} ≤ 10^{−(P + ⌊log₁₀|x|⌋)}·|x|`; clamped at 0. For `x = 0` (no relative
/// accuracy exists) it is `P`, the absolute accuracy that agreement with 0 is measured in. A limit
/// 0.006… certain to 57 places has 54 significant digits, 3.5… to 57 places has 57, 1234.5… has 60.
/// A value not known to its first digit (`P + ⌊log₁₀|x|⌋ < 0`) has 0.
pub fn significant_from_places(x: &Float, places: u32) -> u32 {
    match decimal_exponent(x) {
        None => places,
        Some(e) => (i64::from(places) + e).clamp(0, i64::from(u32::MAX)) as u32,
    }
}

/// The significant digits that write `x` to `places` decimal places: `P + ⌊log₁₀|x|⌋ + 1`
/// (one per digit before the point and per place after it: 3.14 is `places = 2`, 3 digits;
/// 0.0061 is `places = 4`, 2 digits); at least 1.
pub fn digits_to_write(x: &Float, places: u32) -> u32 {
    (significant_from_places(x, places) + 1).max(1)
}

/// Decimal places of `x` known to `significant` digits: `P = S − ⌊log₁₀|x|⌋ − 1`, since
/// `|x − L| ≤ 10^{−S}·|x| < 10^{−(S − ⌊log₁₀|x|⌋ − 1)}`; clamped at 0. For `x = 0` it is `S`.
pub fn places_from_significant(x: &Float, significant: u32) -> u32 {
    match decimal_exponent(x) {
        None => significant,
        Some(e) => (i64::from(significant) - e - 1).clamp(0, i64::from(u32::MAX)) as u32,
    }
}

/// A count of significant (relative) decimal digits of a value `x`: `|x − L| ≤ 10^{−S}·|x|`. The
/// digits identification trusts: [`crate::identify::identify_mobius`],
/// [`crate::identify::identify_relation`] and the gate ([`crate::identify::gate`]) compare relative
/// agreement with it. Built from certain decimal places by [`SignificantDigits::from_places`]; a
/// count that is already relative (a value computed to `n` significant digits) by
/// [`SignificantDigits::relative`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignificantDigits(u32);

impl SignificantDigits {
    /// The significant digits of `x` known to `places` decimal places:
    /// `min(P + ⌊log₁₀|x|⌋, ⌊prec(x)·log₁₀2⌋)` ([`significant_from_places`], capped at the digits
    /// the precision of `x` holds, [`digits_held`]).
    pub fn from_places(x: &Float, places: u32) -> SignificantDigits {
        SignificantDigits(significant_from_places(x, places).min(digits_held(x.prec())))
    }

    /// The significant digits to which two computed values prove that the exact values they stand
    /// for agree. `x` and `y` approximate `X` and `Y` with `|x − X| + |y − Y| ≤ slack`; the count
    /// is the largest `S` with
    ///
    /// `r = (|x − y| + slack) / (|x| − slack) ≤ 10^{−S}`,
    ///
    /// which gives `|X − Y| ≤ |x − y| + slack ≤ 10^{−S}·(|x| − slack) ≤ 10^{−S}·|X|`: the unit of
    /// the crate with `X` as the value. `r` is rounded up (numerator up, denominator down), and
    /// for `r ∈ [10^e, 10^{e+1})` the count is `S = −e − 1` ([`decimal_exponent`]; `S = −e` only
    /// when `r = 10^e` exactly, which a binary `r < 1` never is). Clamped at 0, and capped at the
    /// digits the precision of `x` holds ([`digits_held`]), also when `x = y` and `slack = 0`.
    /// 0 when `|x| ≤ slack` (not even the sign of `X` is known).
    pub fn of_agreement(x: &Float, y: &Float, slack: &Float) -> SignificantDigits {
        const PREC: u32 = 64;
        let cap = digits_held(x.prec());
        let (hi, lo) = if *x >= *y { (x, y) } else { (y, x) };
        let (diff, _) = Float::with_val_round(PREC, hi - lo, Round::Up);
        let (num, _) = Float::with_val_round(PREC, &diff + slack, Round::Up);
        let abs = Float::with_val(x.prec(), x.abs_ref());
        let (den, _) = Float::with_val_round(PREC, &abs - slack, Round::Down);
        if den <= 0 || !num.is_finite() {
            return SignificantDigits(0);
        }
        if num.is_zero() {
            return SignificantDigits(cap);
        }
        let (r, _) = Float::with_val_round(PREC, &num / &den, Round::Up);
        match decimal_exponent(&r) {
            Some(e) => SignificantDigits((-e - 1).clamp(0, i64::from(cap)) as u32),
            None => SignificantDigits(0),
        }
    }

    /// `n` digits that are already significant (relative), e.g. a constant or a value computed to
    /// `n` significant digits.
    pub const fn relative(n: u32) -> SignificantDigits {
        SignificantDigits(n)
    }

    /// The count.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// At most `n` digits: `min(S, n)` (fewer digits are as true as more).
    pub fn at_most(self, n: u32) -> SignificantDigits {
        SignificantDigits(self.0.min(n))
    }

    /// The decimal places of `x` these digits certify ([`places_from_significant`]).
    pub fn places(self, x: &Float) -> u32 {
        places_from_significant(x, self.0)
    }
}

impl fmt::Display for SignificantDigits {
    /// The count, e.g. `54`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn float(s: &str) -> Float {
        Float::with_val(400, Float::parse(s).unwrap())
    }

    #[test]
    fn margins_keep_the_former_formulas() {
        for d in [0u32, 1, 7, 50, 100, 1000, 123_456] {
            let f = f64::from(d);
            assert_eq!(min_bits_for_digits(d), (f * LOG2_10).ceil() as u32);
            assert_eq!(
                Margin::LIMIT.bits(d),
                ((f + 20.0) * LOG2_10).ceil() as u32 + 64
            );
            assert_eq!(
                Margin::CONSTANTS.bits(d),
                Margin::LIMIT.bits(d) + 64,
                "constants beside a limit"
            );
            assert_eq!(Margin::ESMA.bits(d), (f * LOG2_10).ceil() as u32 + 32);
            assert_eq!(
                Margin::EXPRESSION.bits_u64(u64::from(d)),
                (f * LOG2_10).ceil() as u64 + 8
            );
        }
        assert_eq!(Margin::LIMIT.bits(u32::MAX), u32::MAX);
    }

    #[test]
    fn decimal_exponent_is_exact_at_powers_of_ten() {
        assert_eq!(decimal_exponent(&float("1000")), Some(3));
        assert_eq!(
            decimal_exponent(&float("999.9999999999999999999999")),
            Some(2)
        );
        assert_eq!(decimal_exponent(&float("1")), Some(0));
        assert_eq!(decimal_exponent(&float("-0.001")), Some(-3));
        assert_eq!(
            decimal_exponent(&float("0.00099999999999999999999")),
            Some(-4)
        );
        assert_eq!(decimal_exponent(&float("0.006")), Some(-3));
        assert_eq!(decimal_exponent(&float("1e-5000")), Some(-5000));
        assert_eq!(decimal_exponent(&float("0")), None);
        // The neighbours of a power of ten at a precision fall on either side of it.
        let mut k = Float::with_val(53, 1000);
        k.next_down();
        assert_eq!(decimal_exponent(&k), Some(2));
        let below = Float::with_val_round(53, Float::parse("0.001").unwrap(), Round::Down).0;
        let above = Float::with_val_round(53, Float::parse("0.001").unwrap(), Round::Up).0;
        assert_eq!(decimal_exponent(&below), Some(-4));
        assert_eq!(decimal_exponent(&above), Some(-3));
        let big = Float::with_val(200, Integer::from(Integer::u_pow_u(10, 50)));
        assert_eq!(decimal_exponent(&big), Some(50));
    }

    #[test]
    fn places_and_significant_digits_of_known_values() {
        assert_eq!(significant_from_places(&float("0.0060837"), 57), 54);
        assert_eq!(significant_from_places(&float("-3.5"), 57), 57);
        assert_eq!(significant_from_places(&float("1234.5"), 57), 60);
        assert_eq!(significant_from_places(&float("0"), 57), 57);
        assert_eq!(significant_from_places(&float("1e-80"), 57), 0);
        assert_eq!(places_from_significant(&float("0.0060837"), 54), 56);
        assert_eq!(places_from_significant(&float("1234.5"), 60), 56);
        // The precision caps what a value can be known to.
        let short = Float::with_val(64, 1234.5);
        assert_eq!(SignificantDigits::from_places(&short, 57).get(), 19);
    }

    fn value() -> impl Strategy<Value = Float> {
        (1u64..u64::MAX, -300i32..300).prop_map(|(m, e)| {
            let mut x = Float::with_val(200, m);
            x *= Float::with_val(200, Float::i_exp(1, e));
            x
        })
    }

    proptest! {
        /// `S` significant digits never claim a smaller error than `P` places give, and
        /// `P` places recovered from `S` never claim a smaller error than `S` gives.
        #[test]
        fn conversions_never_over_claim(x in value(), places in 200u32..2000) {
            let s = significant_from_places(&x, places);
            let mag = log10_abs(&x);
            // relative bound 10^{−S}·|x| is at least the absolute bound 10^{−P}
            prop_assert!(f64::from(s) <= f64::from(places) + mag + 1e-9);
            let back = places_from_significant(&x, s);
            prop_assert!(back <= places);
            prop_assert!(back + 1 >= places);
            let p = places_from_significant(&x, places);
            prop_assert!(f64::from(p) <= f64::from(places) - mag + 1e-9);
        }

        /// More places give at least as many significant digits, and a larger |x| too.
        #[test]
        fn conversions_are_monotone(x in value(), places in 200u32..2000, more in 0u32..50) {
            prop_assert!(significant_from_places(&x, places + more) >= significant_from_places(&x, places));
            let bigger = Float::with_val(200, &x * 10u32);
            prop_assert_eq!(significant_from_places(&bigger, places + 1), significant_from_places(&x, places + 1) + 1);
            prop_assert!(places_from_significant(&x, places + more) >= places_from_significant(&x, places));
        }

        /// The agreement proved from two values within a slack is the exact agreement of the
        /// worst case, `(|x − y| + slack)·10^S ≤ |x| − slack` in rationals, or one digit less
        /// (the rounding up of the ratio), never more, and capped by the precision of `x`.
        #[test]
        fn agreement_is_the_exact_worst_case_agreement(
            x in value(),
            d in 1u64..u64::MAX,
            shift in 1i32..2000,
            slack_shift in prop::option::of(1i32..2100),
        ) {
            let mut y = Float::with_val(3000, d);
            y >>= 64 + shift;
            y = Float::with_val(3000, (y + 1u32) * &x);
            let x = Float::with_val(3000, &x);
            let slack = match slack_shift {
                Some(k) => Float::with_val(3000, x.abs_ref()) >> k,
                None => Float::new(3000),
            };
            let got = SignificantDigits::of_agreement(&x, &y, &slack).get();
            let cap = digits_held(3000);
            let q = |f: &Float| f.to_rational().unwrap();
            let num = (q(&x) - q(&y)).abs() + q(&slack);
            let den = q(&x).abs() - q(&slack);
            let mut exact = 0;
            while exact < cap
                && rug::Rational::from(&num * Integer::from(Integer::u_pow_u(10, exact + 1))) <= den
            {
                exact += 1;
            }
            prop_assert!(got <= exact, "{} > exact {}", got, exact);
            prop_assert!(got + 1 >= exact, "{} for exact {}", got, exact);
        }

        /// The digits a precision holds fit in it again.
        #[test]
        fn digits_held_fit_their_precision(prec in 1u32..1_000_000) {
            prop_assert!(min_bits_for_digits(digits_held(prec)) <= prec);
            prop_assert!(min_bits_for_digits(digits_held(prec) + 1) > prec);
        }
    }
}

/// How a count of digits of a value was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Certainty {
    /// From an error bound on the value (a tail or doubling bound), tested at the next depth:
    /// `|value − L| ≤ 10^{−digits}`.
    Certain,
    /// From the agreement of two approximations that are not themselves bounded (two Richardson
    /// extrapolations at depths N and 2N, less one digit): an estimate, right on every tested case
    /// but not proved.
    Estimated,
}

impl Certainty {
    /// The word a report puts before the count: `certain` or `estimated`.
    pub fn word(self) -> &'static str {
        match self {
            Certainty::Certain => "certain",
            Certainty::Estimated => "estimated",
        }
    }
}
