//! The relation-quality gate (algorithms.md §6.2): a relation is accepted only when it explains
//! clearly more digits than it costs to write down, and when it is verified to the trusted digits.
//!
//! **Rule.** For a relation m (all integer coefficients of the identification, numerator and
//! denominator together), with the description cost
//!
//! ```text
//! cost(m) = Σ_{mᵢ ≠ 0} ( log₁₀(1 + |mᵢ|) + 1 )      (digits; the +1 charges each nonzero term)
//! ```
//!
//! the relation is accepted iff
//!
//! 1. `trusted_digits ≥ 2 · cost(m)` (significant digits of x, [`SignificantDigits`]) (the LIReC "return on investment" ≥ 2, counted in digits), and
//! 2. `verified_digits + 1 ≥ trusted_digits`, where `verified_digits` is the number of digits to which x
//!    agrees with the value of the formula (one digit of slack for the rounding of "trusted").
//!
//! A random vector of n reals known to D digits has integer relations whose coefficients have about
//! D/(n−1) digits each, i.e. cost ≈ D·n/(n−1) > D; demanding cost ≤ D/2 leaves a margin of more than a
//! factor 2 against such coincidences.

use crate::precision::{digits_in_bits, SignificantDigits};
use rug::Integer;

/// Minimal ratio trusted digits / description digits.
pub const MIN_RETURN_ON_INVESTMENT: f64 = 2.0;

/// Digits of slack allowed between the trusted digits and the verified digits.
pub const VERIFICATION_SLACK_DIGITS: u32 = 1;

/// Description cost in digits: Σ over nonzero mᵢ of (log₁₀(1 + |mᵢ|) + 1).
pub fn description_digits(relation: &[Integer]) -> f64 {
    relation
        .iter()
        .filter(|m| !m.is_zero())
        .map(|m| {
            let a = Integer::from(m.abs_ref()) + 1u32;
            log10_integer(&a) + 1.0
        })
        .sum()
}

/// log₁₀ of a positive integer (f64 accuracy, valid for any size).
fn log10_integer(a: &Integer) -> f64 {
    let bits = a.significant_bits();
    if bits <= 1000 {
        a.to_f64().log10()
    } else {
        let shift = bits - 60;
        let top = Integer::from(a >> shift).to_f64();
        top.log10() + digits_in_bits(f64::from(shift))
    }
}

/// Why the gate rejected a relation.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GateRejection {
    /// The relation costs too many digits for the trusted digits.
    #[error("relation costs {cost:.2} digits, more than half of the {trusted} trusted digits")]
    TooExpensive {
        /// Description cost of the relation in digits.
        cost: f64,
        /// Trusted digits of x.
        trusted: u32,
    },
    /// The relation does not hold to the trusted digits.
    #[error("relation holds to {verified} digits only, {trusted} are trusted")]
    NotVerified {
        /// Digits to which x agrees with the formula.
        verified: u32,
        /// Trusted digits of x.
        trusted: u32,
    },
}

/// Applies the gate rule of the module documentation. Both counts are significant digits:
/// `verified_digits` is the relative agreement of x with the formula
/// ([`crate::identify::Identification::verify`]).
pub fn check_relation(
    trusted_digits: SignificantDigits,
    verified_digits: u32,
    relation: &[Integer],
) -> Result<(), GateRejection> {
    let trusted_digits = trusted_digits.get();
    let cost = description_digits(relation);
    if f64::from(trusted_digits) < MIN_RETURN_ON_INVESTMENT * cost {
        return Err(GateRejection::TooExpensive {
            cost,
            trusted: trusted_digits,
        });
    }
    if verified_digits + VERIFICATION_SLACK_DIGITS < trusted_digits {
        return Err(GateRejection::NotVerified {
            verified: verified_digits,
            trusted: trusted_digits,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_of_six_over_zeta3() {
        // 6 − x·ζ(3) = 0: log10(7) + 1 + log10(2) + 1
        let m = [6, 0, 0, 1].map(Integer::from);
        let expected = 7f64.log10() + 2f64.log10() + 2.0;
        assert!((description_digits(&m) - expected).abs() < 1e-12);
        let s = SignificantDigits::relative;
        assert!(check_relation(s(7), 7, &m).is_ok());
        assert!(check_relation(s(6), 6, &m).is_err());
        assert!(check_relation(s(50), 48, &m).is_err());
    }

    #[test]
    fn log10_of_huge_integer() {
        let a = Integer::from(Integer::u_pow_u(10, 500));
        assert!((log10_integer(&a) - 500.0).abs() < 1e-9);
    }
}
