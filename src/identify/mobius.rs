//! High-precision identification by PSLQ (algorithms.md §6.1), gated by [`crate::identify::gate`].
//!
//! * [`identify_mobius`]: for each target K separately, PSLQ on [1, K, x, x·K]; a relation
//!   c₀ + c₁K + e₀x + e₁xK = 0 gives x = (c₀ + c₁K)/(d₀ + d₁K) with d = −e.
//! * [`identify_relation`]: one PSLQ on [1, K₁..K_k, x, x·K₁, …, x·K_k]; a relation gives
//!   x = (c₀ + Σ cᵢKᵢ)/(d₀ + Σ dᵢKᵢ).
//!
//! **Trusted digits are significant digits.** x is compared with a formula by relative agreement
//! ([`Identification::verify`]), so the D trusted digits are [`SignificantDigits`]: a limit known
//! to P decimal places has P + ⌊log₁₀|x|⌋ of them ([`SignificantDigits::from_places`]), fewer than P
//! for |x| < 1 and more for |x| ≥ 10.
//!
//! **Precision and tolerance.** With D trusted digits the PSLQ vector is formed at
//! min(input precision, ⌈D·log₂10⌉ + 96) bits. The error 10^(−D)·|x| of x perturbs a relation m by at
//! most about 10^(−D)·‖m‖·‖v‖, so PSLQ recognises a relation when |m·v|/‖v‖ < 10^(−t) with
//! t = D − ⌈log₁₀(max_coeff·√n)⌉ − 1. Every relation found is then put in normal form
//! ([`Identification::new`]), verified against x at the full input precision and passed through the
//! quality gate; degenerate relations (x rational) are rejected.

use crate::identify::gate::{check_relation, description_digits};
use crate::identify::pslq::{pslq, PslqConfig, PslqError, PslqOutcome};
use crate::identify::relation::{Identification, RelationError};
use crate::precision::{min_bits_for_digits, SignificantDigits};
use rug::{Float, Integer};

/// Errors of [`identify_mobius`] and [`identify_relation`] for unusable inputs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdentifyError {
    /// x is NaN or infinite.
    #[error("x is not finite")]
    NonFiniteX,
    /// A target is NaN or infinite.
    #[error("target constant {0} is not finite")]
    NonFiniteTarget(String),
    /// `trusted_digits` is 0.
    #[error("trusted_digits must be at least 1 significant digit")]
    NoTrustedDigits,
    /// An input holds fewer digits than `trusted_digits`.
    #[error("{what} has precision {prec} bits, too low for {trusted} trusted significant digits (raise its precision to at least ⌈{trusted}·log₂10⌉ bits, or trust fewer digits)")]
    PrecisionTooLow {
        /// Which input ("x" or a target name).
        what: String,
        /// Its precision in bits.
        prec: u32,
        /// The trusted digits requested.
        trusted: u32,
    },
    /// The targets satisfy an integer relation among themselves (with 1), e.g. ln 4 = 2 ln 2.
    #[error(
        "the target constants {names:?} are linearly dependent over Q (relation {relation:?})"
    )]
    DependentTargets {
        /// Names of the targets involved.
        names: Vec<String>,
        /// The relation among (1, K₁, …, K_k).
        relation: Vec<Integer>,
    },
    /// PSLQ refused the vector.
    #[error("PSLQ failed: {0}")]
    Pslq(#[from] PslqError),
}

/// Identifies x as a Möbius transform (c₀ + c₁K)/(d₀ + d₁K) (c₀d₁ − c₁d₀ ≠ 0, |coefficients| ≤
/// `max_coeff`) of one of the `targets`, by PSLQ on [1, K, x, x·K] for each target in turn; among the
/// relations passing the gate the one with the smallest description cost is returned.
/// `Ok(None)` means no gated relation exists (x rational, x = 0, or no relation found).
pub fn identify_mobius(
    x: &Float,
    trusted_digits: SignificantDigits,
    targets: &[(String, Float)],
    max_coeff: u64,
) -> Result<Option<Identification>, IdentifyError> {
    let trusted_digits = trusted_digits.get();
    validate(x, trusted_digits, targets)?;
    let mut best: Option<(f64, Identification)> = None;
    for (i, (name, value)) in targets.iter().enumerate() {
        let found = solve(x, trusted_digits, &[(i, name, value)], max_coeff)?;
        if let Some(id) = found {
            let cost = description_digits(&id.coefficients());
            if best.as_ref().is_none_or(|(c, _)| cost < *c) {
                best = Some((cost, id));
            }
        }
    }
    Ok(best.map(|(_, id)| id))
}

/// Identifies x = (c₀ + Σ cᵢKᵢ)/(d₀ + Σ dᵢKᵢ) with all `targets` at once by PSLQ on
/// [1, K₁..K_k, x, x·K₁, …, x·K_k] (|coefficients| ≤ `max_coeff`), gated; e.g. 2/(ln 3 − ln 2) is found as
/// −2 − x·ln 2 + x·ln 3 = 0. Constants with zero coefficients are dropped from the result.
pub fn identify_relation(
    x: &Float,
    trusted_digits: SignificantDigits,
    targets: &[(String, Float)],
    max_coeff: u64,
) -> Result<Option<Identification>, IdentifyError> {
    let trusted_digits = trusted_digits.get();
    validate(x, trusted_digits, targets)?;
    let consts: Vec<(usize, &String, &Float)> = targets
        .iter()
        .enumerate()
        .map(|(i, (n, v))| (i, n, v))
        .collect();
    solve(x, trusted_digits, &consts, max_coeff)
}

/// Checks finiteness and precision of the inputs.
fn validate(
    x: &Float,
    trusted_digits: u32,
    targets: &[(String, Float)],
) -> Result<(), IdentifyError> {
    if trusted_digits == 0 {
        return Err(IdentifyError::NoTrustedDigits);
    }
    if !x.is_finite() {
        return Err(IdentifyError::NonFiniteX);
    }
    let needed = min_bits_for_digits(trusted_digits);
    if x.prec() < needed {
        return Err(IdentifyError::PrecisionTooLow {
            what: "x".into(),
            prec: x.prec(),
            trusted: trusted_digits,
        });
    }
    for (name, v) in targets {
        if !v.is_finite() {
            return Err(IdentifyError::NonFiniteTarget(name.clone()));
        }
        if v.prec() < needed {
            return Err(IdentifyError::PrecisionTooLow {
                what: name.clone(),
                prec: v.prec(),
                trusted: trusted_digits,
            });
        }
    }
    Ok(())
}

/// One PSLQ run on [1, K₁..K_k, x, xK₁..xK_k] followed by normal form, verification and gate.
fn solve(
    x: &Float,
    trusted_digits: u32,
    consts: &[(usize, &String, &Float)],
    max_coeff: u64,
) -> Result<Option<Identification>, IdentifyError> {
    if x.is_zero() || consts.is_empty() {
        return Ok(None);
    }
    let k = consts.len();
    let n = 2 * k + 2;
    let input_prec = consts.iter().map(|c| c.2.prec()).fold(x.prec(), u32::min);
    let prec = input_prec.min(min_bits_for_digits(trusted_digits) + 96);
    let xw = Float::with_val(prec, x);
    let mut v = Vec::with_capacity(n);
    v.push(Float::with_val(prec, 1));
    v.extend(consts.iter().map(|c| Float::with_val(prec, c.2)));
    v.push(xw.clone());
    v.extend(consts.iter().map(|c| Float::with_val(prec, &xw * c.2)));

    let slack = (max_coeff.max(1) as f64 * (n as f64).sqrt()).log10().ceil() as u32 + 1;
    let config = PslqConfig::new(trusted_digits.saturating_sub(slack).max(1), max_coeff);
    let PslqOutcome::Relation { coefficients, .. } = pslq(&v, &config)? else {
        return Ok(None);
    };
    let numerator: Vec<Integer> = coefficients[..=k].to_vec();
    let denominator: Vec<Integer> = coefficients[k + 1..]
        .iter()
        .map(|e| Integer::from(-e))
        .collect();
    let names: Vec<String> = consts.iter().map(|c| c.1.clone()).collect();
    let indices: Vec<usize> = consts.iter().map(|c| c.0).collect();
    let mut id = match Identification::new(names.clone(), indices, numerator.clone(), denominator) {
        Ok(id) => id,
        Err(RelationError::ZeroDenominator) => {
            return Err(IdentifyError::DependentTargets {
                names,
                relation: numerator,
            })
        }
        Err(RelationError::Degenerate) | Err(RelationError::LengthMismatch { .. }) => {
            return Ok(None)
        }
    };
    let used: Vec<Float> = id
        .target_indices
        .iter()
        .map(|&t| {
            let pos = consts.iter().position(|c| c.0 == t).unwrap_or(0);
            consts[pos].2.clone()
        })
        .collect();
    id.verified_digits = id.verify(x, &used);
    let trusted = SignificantDigits::relative(trusted_digits);
    if check_relation(trusted, id.verified_digits, &id.coefficients()).is_err() {
        return Ok(None);
    }
    Ok(Some(id))
}
