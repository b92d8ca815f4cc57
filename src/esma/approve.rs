//! Approval of a Berlekamp–Massey candidate (algorithms.md §8.4) and the convergence rate (§4).
//!
//! The sequence is regenerated from the lifted integer recurrence a_n = −Σ_{j≥1} c_j a_{n−j}, seeded
//! with the first extracted terms, the signed CF of the regenerated terms is evaluated at high precision
//! and its leading significant digits are compared with those of the LHS.

use super::signed_cf::{convergent, evaluate, evaluate_i64};
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
pub fn significant_digits(x: &Float, digits: usize) -> String {
    x.to_string_radix(10, Some(digits.max(1)))
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

/// The digit string of [`approve`] without the regenerated terms: `Some(digits)` iff [`approve`]
/// approves. The terms are regenerated in machine integers when they fit in 64 bits (they do for
/// the partial quotients of ESMA's polynomial patterns), else as in [`approve`].
pub fn approved_digits(
    extracted: &[Integer],
    rec: &Recurrence,
    mode: Mode,
    period: &[i8],
    target_digits: &str,
    v: &Verification,
) -> Option<String> {
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
    (digits == target_digits).then_some(digits)
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
