//! Approval of a Berlekamp–Massey candidate (algorithms.md §8.4) and the convergence rate (§4).
//!
//! The sequence is regenerated from the lifted integer recurrence a_n = −Σ_{j≥1} c_j a_{n−j}, seeded
//! with the first extracted terms, the signed CF of the regenerated terms is evaluated at high precision
//! and its leading significant digits are compared with those of the LHS.

use super::signed_cf::{convergent, evaluate, evaluate_i64};
use crate::precision::SignificantDigits;
use crate::sequence::Recurrence;
use rug::{Float, Integer};

/// How many extracted terms seed the regenerated sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Seed with the first L terms (L = linear complexity): the regenerated sequence equals the
    /// extracted one wherever the recurrence was observed. The correct procedure.
    #[default]
    Correct,
    /// Seed with the first deg C = len(C) − 1 terms, as the reference code does; wrong when L > deg C
    /// (a preamble), which rejects true identities. Reproduces the published counts.
    Reference,
}

impl Mode {
    /// Number of seed terms: L (correct) or deg C (reference).
    pub fn seed_len(self, rec: &Recurrence) -> usize {
        match self {
            Mode::Correct => rec.complexity.max(rec.degree()),
            Mode::Reference => rec.degree(),
        }
    }
}

/// The first `digits` significant decimal digits of x, rounded to nearest, as "d.ddd…e±x".
///
/// The string is MPFR's decimal conversion, rounded to nearest (ties to even) in the decimal
/// exponent of x itself: for N digits it reads m·u with m an integer in [10^(N−1), 10^N) and
/// u = 10^(E − N + 1). Either x has the exponent E and |x| ∈ [(m − ½)·u, (m + ½)·u] ∩ [10^E, ∞),
/// or (m = 10^(N−1) only) |x| < 10^E rounded up across the power of ten, from within half a unit
/// of its own, finer digits: |x| ∈ [10^E − u/20, 10^E). Two values x, y with equal strings
/// therefore satisfy |x − y|/|x| < 10^(1−N):
///
/// * m > 10^(N−1): |x − y| ≤ u and |x| ≥ (m − ½)·u > 10^(N−1)·u = 10^E;
/// * m = 10^(N−1): |x − y| ≤ (½ + 1/20)·u and |x| ≥ 10^E − u/20 ≥ 0.95·10^E.
///
/// That is N − 1 significant digits (`|x − y| ≤ 10^(−S)·|x|`), and never N in general:
/// 1.2344|5000…01 and 1.2345|4999…99 both read "1.2345" at N = 5 yet differ by 8.1·10^(−5)
/// relative. The digits an approval records are therefore measured ([`verified_digits`]), not
/// read off the string.
pub fn significant_digits(x: &Float, digits: usize) -> String {
    x.to_string_radix(10, Some(digits.max(1)))
}

/// The significant digits an approval certifies: the measured agreement of the CF value with
/// the target, at most the digits compared,
///
/// S = min(agreement(x, t), compare_digits),
///
/// where agreement(x, t) = [`SignificantDigits::of_agreement`] — the largest S with
/// |X − T| ≤ 10^(−S)·|X| for the exact CF value X of the regenerated terms and the exact target
/// T, proved from the computed x and t with the slack `target_error` + 2^(−prec)·|x| (x is the
/// exact rational value of the terms rounded once to nearest at `prec_bits`, so within half an
/// ulp, at most 2^(−prec)·|x|, of X), and never more than the ⌊prec·log₁₀2⌋ digits x holds.
///
/// The cap: X is the value of the first `v.terms` partial quotients, not of the infinite signed
/// CF, whose tail is not bounded here, so no more digits are claimed than the approval rule
/// compared. The approval itself (equal `compare_digits`-digit strings, [`significant_digits`])
/// proves compare_digits − 1 of them; the measurement decides whether the last one holds. (The
/// conjectures of the bundled e space converge at 0.56 digits per term or faster, so their 1000
/// regenerated terms agree with the LHS far beyond the cap, which they reach.)
pub fn verified_digits(
    value: &Float,
    target: &Float,
    target_error: &Float,
    v: &Verification,
) -> SignificantDigits {
    let rounding = Float::with_val(value.prec(), value.abs_ref()) >> (v.prec_bits as i32);
    let slack = Float::with_val(value.prec(), target_error + &rounding);
    SignificantDigits::of_agreement(value, target, &slack).at_most(v.compare_digits as u32)
}

/// A successful approval.
#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    /// The regenerated partial quotients a_0 … a_{verify_terms−1}.
    pub terms: Vec<Integer>,
    /// The common significant-digit string of the CF value and the LHS.
    pub digits: String,
    /// The CF value of the regenerated terms at the verification precision.
    pub value: Float,
}

/// Parameters of the numerical verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// Number of regenerated partial quotients (reference: 1000).
    pub terms: usize,
    /// Working precision in bits (reference: 1000 decimal digits).
    pub prec_bits: u32,
    /// Significant digits compared (reference: 100).
    pub compare_digits: usize,
}

/// Approve a candidate: regenerate `v.terms` partial quotients from `rec` seeded with the first
/// `mode.seed_len(rec)` of `extracted`, evaluate the signed CF with the periodic signs at `v.prec_bits`
/// and accept iff its first `v.compare_digits` significant digits equal those of `target`.
/// `None` if rejected (including a vanishing tail or too short a seed).
pub fn approve(
    extracted: &[Integer],
    rec: &Recurrence,
    mode: Mode,
    period: &[i8],
    target: &Float,
    v: &Verification,
) -> Option<Approval> {
    let seed = mode.seed_len(rec);
    if extracted.len() < seed {
        return None;
    }
    let terms = rec.extend(&extracted[..seed], v.terms)?;
    let value = evaluate(&terms, period, v.prec_bits)?;
    let digits = significant_digits(&value, v.compare_digits);
    (digits == significant_digits(target, v.compare_digits)).then_some(Approval {
        terms,
        digits,
        value,
    })
}

/// [`approve`] without the regenerated terms: `Some((digits, value))` (the common digit string and
/// the CF value) iff [`approve`] approves. The terms are regenerated in machine integers when they
/// fit in 64 bits (they do for the partial quotients of ESMA's polynomial patterns), else as in
/// [`approve`].
pub fn approved_digits(
    extracted: &[Integer],
    rec: &Recurrence,
    mode: Mode,
    period: &[i8],
    target_digits: &str,
    v: &Verification,
) -> Option<(String, Float)> {
    let seed = mode.seed_len(rec);
    if extracted.len() < seed {
        return None;
    }
    let value = match rec.extend_i64(&extracted[..seed], v.terms) {
        Some(terms) => evaluate_i64(&terms, period, v.prec_bits)?,
        None => evaluate(
            &rec.extend(&extracted[..seed], v.terms)?,
            period,
            v.prec_bits,
        )?,
    };
    let digits = significant_digits(&value, v.compare_digits);
    (digits == target_digits).then_some((digits, value))
}

/// Convergence rate in decimal digits per term: −log10|x − p/q| / n, where p/q is the signed CF
/// truncated after a_n (terms a_0 … a_n). Infinite if the convergent equals x at the precision of x.
pub fn convergence_rate(terms: &[Integer], period: &[i8], x: &Float, n: usize) -> f64 {
    let n = n.min(terms.len().saturating_sub(1)).max(1);
    let (p, q) = convergent(&terms[..=n], period);
    let prec = x.prec();
    let err = Float::with_val(prec, &p) / Float::with_val(prec, &q) - x;
    if err.is_zero() {
        return f64::INFINITY;
    }
    -err.abs().log10().to_f64() / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rug::Rational;

    fn ten(k: u32) -> Integer {
        Integer::from(Integer::u_pow_u(10, k))
    }

    /// The exact agreement of two floats, by the obvious rational loop: the largest S ≥ 0 with
    /// |x − y|·10^S ≤ |x|, at most `cap`.
    fn exact_agreement(x: &Float, y: &Float, cap: u32) -> u32 {
        let (xr, yr) = (x.to_rational().unwrap(), y.to_rational().unwrap());
        let diff = Rational::from(&xr - &yr).abs();
        let abs = xr.abs();
        let mut s = 0;
        while s < cap && Rational::from(&diff * ten(s + 1)) <= abs {
            s += 1;
        }
        s
    }

    /// The verification of the search comparing `compare` digits at 1000 decimal digits.
    fn at(compare: usize) -> Verification {
        Verification {
            terms: 1000,
            prec_bits: crate::precision::Margin::ESMA.bits(1000),
            compare_digits: compare,
        }
    }

    /// (m + offset)·10^(exp − n + 1) at `prec` bits: `offset` units of the n-th significant digit
    /// of a value with decimal exponent `exp`.
    fn at_unit(m: &Integer, offset: &Rational, exp: i32, n: usize, prec: u32) -> Float {
        let k = exp - n as i32 + 1;
        let unit = if k >= 0 {
            Rational::from(ten(k as u32))
        } else {
            Rational::from((Integer::from(1), ten(k.unsigned_abs())))
        };
        Float::with_val(prec, (Rational::from(m) + offset) * unit)
    }

    /// ½ − 10^(−150) of a unit: just inside the rounding interval of a digit string.
    fn almost_half() -> Rational {
        Rational::from((1, 2)) - Rational::from((Integer::from(1), ten(150)))
    }

    #[test]
    fn esma_does_not_claim_a_digit_its_comparison_cannot_prove() {
        // 1.2344|5000…01 and 1.2345|4999…99: the same 100-digit string, almost one unit of the
        // 100th digit apart, 8.1·10^(−100) relative: 99 significant digits, not 100.
        let v = at(100);
        let zero = Float::new(v.prec_bits);
        let m = Integer::from(12345) * ten(95);
        let x = at_unit(&m, &-almost_half(), 0, 100, v.prec_bits);
        let y = at_unit(&m, &almost_half(), 0, 100, v.prec_bits);
        assert_eq!(significant_digits(&x, 100), significant_digits(&y, 100));
        let truth = exact_agreement(&x, &y, 1000);
        assert_eq!(truth, 99);
        let recorded = verified_digits(&x, &y, &zero, &v).get();
        assert!(recorded <= truth, "recorded {recorded} > true {truth}");
        assert_eq!(recorded, 99);
        // At a power of ten: 0.999…96 (exponent −1, rounding up across 1) and 1.000…049 read
        // "1.000…0" alike, 0.53 of a unit apart: still 99 digits, not 100.
        let m = ten(99);
        let x = at_unit(&m, &Rational::from((-4, 100)), 0, 100, v.prec_bits);
        let y = at_unit(&m, &Rational::from((49, 100)), 0, 100, v.prec_bits);
        assert_eq!(significant_digits(&x, 100), significant_digits(&y, 100));
        let truth = exact_agreement(&x, &y, 1000);
        assert_eq!(truth, 99);
        assert_eq!(verified_digits(&x, &y, &zero, &v).get(), 99);
        // Values that agree far beyond the comparison (2^(−1500) ≈ 10^(−451)) get the digits
        // compared, no more.
        let e = Float::with_val(v.prec_bits, 1).exp();
        let tiny = Float::with_val(v.prec_bits, Float::i_exp(1, -1500));
        let close = Float::with_val(v.prec_bits, &e * (tiny + 1u32));
        assert_eq!(verified_digits(&e, &close, &zero, &v).get(), 100);
    }

    #[test]
    fn esma_counts_the_target_error_against_the_agreement() {
        // x and t agree to 3·10^(−150) relative (149 digits), but t is known only to
        // 3·10^(−120) relative: 119 digits.
        let v = at(200);
        let zero = Float::new(v.prec_bits);
        let x = Float::with_val(v.prec_bits, 2).sqrt();
        let relative = |s: &str| Float::with_val(v.prec_bits, Float::parse(s).unwrap());
        let t = Float::with_val(v.prec_bits, &x * (relative("3e-150") + 1u32));
        assert_eq!(verified_digits(&x, &t, &zero, &v).get(), 149);
        let err = Float::with_val(v.prec_bits, &x * relative("3e-120"));
        assert_eq!(verified_digits(&x, &t, &err, &v).get(), 119);
    }

    proptest! {
        /// Two values with the same N-digit string: the recorded count is at most their exact
        /// agreement and at most N, at least N − 1 (what the equal strings prove), and at most one
        /// below the exact agreement capped at N.
        #[test]
        fn recorded_digits_never_exceed_the_exact_agreement(
            n in 2usize..80,
            lead in 1u64..10,
            rest in any::<u64>(),
            exp in -30i32..30,
            dx in -499_999i64..=499_999,
            dy in -499_999i64..=499_999,
        ) {
            let v = at(n);
            let tail = rest % 10u64.pow(n.min(19) as u32 - 1);
            let m = Integer::from(lead) * ten(n as u32 - 1) + tail;
            // Below 10^(N−1) units x would have a decimal exponent less, and finer digits.
            let lowest = m == ten(n as u32 - 1);
            let (dx, dy) = if lowest { (dx.abs(), dy.abs()) } else { (dx, dy) };
            let x = at_unit(&m, &Rational::from((dx, 1_000_000i64)), exp, n, v.prec_bits);
            let y = at_unit(&m, &Rational::from((dy, 1_000_000i64)), exp, n, v.prec_bits);
            prop_assert_eq!(significant_digits(&x, n), significant_digits(&y, n));
            let zero = Float::new(v.prec_bits);
            let recorded = verified_digits(&x, &y, &zero, &v).get();
            let truth = exact_agreement(&x, &y, 2000);
            prop_assert!(recorded <= truth, "recorded {} > exact {}", recorded, truth);
            prop_assert!(recorded as usize <= n);
            prop_assert!(recorded as usize + 1 >= n, "{} digits for equal {}-digit strings", recorded, n);
            prop_assert!(recorded + 1 >= truth.min(n as u32));
        }
    }
}
