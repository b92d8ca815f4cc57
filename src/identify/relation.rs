//! [`Identification`]: x = (c₀ + Σ cᵢKᵢ)/(d₀ + Σ dᵢKᵢ) with integer coefficients, its normal form,
//! pretty-printing and re-verification.
//!
//! **Normal form.** The coefficient vector (c₀, …, c_k, d₀, …, d_k) is primitive (gcd 1) and the first
//! nonzero entry of the denominator (d₀, d₁, …, d_k) is positive. Constants whose numerator and
//! denominator coefficients are both zero are dropped. The map is non-degenerate: c and d are not
//! proportional (for one constant: c₀d₁ − c₁d₀ ≠ 0), so x is not a rational number.

use rug::{Float, Integer};
use std::fmt;

/// An identification x = (c₀ + Σ cᵢKᵢ)/(d₀ + Σ dᵢKᵢ) of a number x with constants K₁..K_k.
#[derive(Clone, Debug, PartialEq)]
pub struct Identification {
    /// Names of the constants K₁..K_k used (each has a nonzero numerator or denominator coefficient).
    pub constants: Vec<String>,
    /// Position of each used constant in the `targets` slice the identification was made from.
    pub target_indices: Vec<usize>,
    /// Numerator coefficients (c₀, c₁, …, c_k): c₀ multiplies 1, cᵢ multiplies Kᵢ.
    pub numerator: Vec<Integer>,
    /// Denominator coefficients (d₀, d₁, …, d_k); its first nonzero entry is positive.
    pub denominator: Vec<Integer>,
    /// Number of significant decimal digits to which x agreed with the formula when it was accepted
    /// (relative agreement, [`Identification::verify`])
    /// (0 for an unverified candidate, e.g. one from the f64 table).
    pub verified_digits: u32,
}

/// Why coefficients do not form a valid identification.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RelationError {
    /// Numerator, denominator and constant lists have inconsistent lengths.
    #[error("numerator has {numerator} coefficients, denominator {denominator}, constants {constants}: expected k+1, k+1, k")]
    LengthMismatch {
        /// Length of the numerator.
        numerator: usize,
        /// Length of the denominator.
        denominator: usize,
        /// Number of constants.
        constants: usize,
    },
    /// The denominator is identically zero.
    #[error("the denominator is zero")]
    ZeroDenominator,
    /// Numerator and denominator are proportional: x would be rational.
    #[error("numerator and denominator are proportional: the value is a rational number")]
    Degenerate,
}

impl Identification {
    /// Builds the normal form of x = (c·(1, K))/(d·(1, K)) (see the module documentation);
    /// `verified_digits` starts at 0.
    pub fn new(
        constants: Vec<String>,
        target_indices: Vec<usize>,
        numerator: Vec<Integer>,
        denominator: Vec<Integer>,
    ) -> Result<Self, RelationError> {
        let k = constants.len();
        if numerator.len() != k + 1 || denominator.len() != k + 1 || target_indices.len() != k {
            return Err(RelationError::LengthMismatch {
                numerator: numerator.len(),
                denominator: denominator.len(),
                constants: k,
            });
        }
        if denominator.iter().all(Integer::is_zero) {
            return Err(RelationError::ZeroDenominator);
        }
        if is_proportional(&numerator, &denominator) {
            return Err(RelationError::Degenerate);
        }
        let mut id = Identification {
            constants: Vec::new(),
            target_indices: Vec::new(),
            numerator: vec![numerator[0].clone()],
            denominator: vec![denominator[0].clone()],
            verified_digits: 0,
        };
        for i in 0..k {
            if numerator[i + 1].is_zero() && denominator[i + 1].is_zero() {
                continue;
            }
            id.constants.push(constants[i].clone());
            id.target_indices.push(target_indices[i]);
            id.numerator.push(numerator[i + 1].clone());
            id.denominator.push(denominator[i + 1].clone());
        }
        id.normalise();
        Ok(id)
    }

    /// Divides by the gcd of all coefficients and makes the first nonzero denominator entry positive.
    fn normalise(&mut self) {
        let mut g = Integer::new();
        for v in self.numerator.iter().chain(&self.denominator) {
            g.gcd_mut(v);
        }
        let negate = self
            .denominator
            .iter()
            .find(|v| !v.is_zero())
            .is_some_and(|v| *v < 0);
        if negate {
            g = -g;
        }
        for v in self.numerator.iter_mut().chain(self.denominator.iter_mut()) {
            v.div_exact_mut(&g);
        }
    }

    /// All coefficients (numerator then denominator), the vector the quality gate is applied to.
    pub fn coefficients(&self) -> Vec<Integer> {
        self.numerator
            .iter()
            .chain(&self.denominator)
            .cloned()
            .collect()
    }

    /// The value (c₀ + Σ cᵢKᵢ)/(d₀ + Σ dᵢKᵢ) at precision `prec`, with `targets` the values of
    /// [`Self::constants`] in that order; `None` if the lengths differ or the denominator vanishes.
    pub fn value(&self, targets: &[Float], prec: u32) -> Option<Float> {
        if targets.len() != self.constants.len() {
            return None;
        }
        let num = linear_value(&self.numerator, targets, prec);
        let den = linear_value(&self.denominator, targets, prec);
        if den.is_zero() {
            return None;
        }
        Some(num / den)
    }

    /// Number of decimal digits to which `x` agrees with the formula evaluated on `targets` (the values
    /// of [`Self::constants`], in that order): ⌊−log₁₀(|x − v|/|x|)⌋ (absolute error when x = 0), capped
    /// at the digits the precision of the inputs can hold. Returns 0 for mismatched or non-finite inputs.
    pub fn verify(&self, x: &Float, targets: &[Float]) -> u32 {
        if !x.is_finite() || targets.iter().any(|t| !t.is_finite()) {
            return 0;
        }
        let prec = targets.iter().map(Float::prec).fold(x.prec(), u32::min);
        match self.value(targets, prec) {
            Some(v) => agreeing_digits(x, &v, prec),
            None => 0,
        }
    }

    /// The formula solved for x as a mathematician writes it, e.g. `x = 8/(7*ζ(3))`,
    /// `x = (e + 1)/(e - 1)` or `x = e/(e - 2)`: constants before the integer term, and the sign
    /// chosen so that the denominator's last constant term is positive (a display choice; the
    /// stored normal form is unchanged).
    pub fn formula(&self) -> String {
        let (numerator, denominator) = self.display_signed();
        let labels = self.operands();
        let num = linear_form(&numerator, &labels);
        let den = linear_form(&denominator, &labels);
        let nonzero = |v: &[Integer]| v.iter().filter(|c| !c.is_zero()).count();
        let den_terms = nonzero(&denominator);
        if den_terms == 1 && denominator[0] == 1 {
            return format!("x = {num}");
        }
        let num_s = if nonzero(&numerator) > 1 {
            format!("({num})")
        } else {
            num
        };
        // A single positive denominator term needs no parentheses when it is an integer or a bare constant.
        let simple_den =
            den_terms == 1 && (denominator[0] > 0 || denominator.contains(&Integer::from(1)));
        let den_s = if simple_den { den } else { format!("({den})") };
        format!("x = {num_s}/{den_s}")
    }

    /// The constants' names as operands ([`operand`]: expressions parenthesised).
    fn operands(&self) -> Vec<String> {
        self.constants.iter().map(|k| operand(k)).collect()
    }

    /// Numerator and denominator with the display sign: the denominator's last nonzero
    /// coefficient (its last constant term) positive.
    pub fn display_signed(&self) -> (Vec<Integer>, Vec<Integer>) {
        let flip = self
            .denominator
            .iter()
            .rev()
            .find(|c| !c.is_zero())
            .is_some_and(|c| *c < 0);
        let sign = |v: &[Integer]| -> Vec<Integer> {
            v.iter()
                .map(|c| if flip { Integer::from(-c) } else { c.clone() })
                .collect()
        };
        (sign(&self.numerator), sign(&self.denominator))
    }

    /// The relation N(K) − x·D(K) = 0 behind the formula, e.g. `-2 - x*ln2 + x*ln3 = 0`.
    pub fn relation_string(&self) -> String {
        let mut coeffs = self.numerator.clone();
        let mut labels = self.operands();
        labels.push("x".to_string());
        labels.extend(self.operands().iter().map(|k| format!("x*{k}")));
        coeffs.extend(self.denominator.iter().map(|d| Integer::from(-d)));
        format!("{} = 0", linear_form(&coeffs, &labels))
    }
}

impl fmt::Display for Identification {
    /// Writes [`Identification::formula`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.formula())
    }
}

/// True if the vectors u, v are linearly dependent (all 2×2 minors vanish).
fn is_proportional(u: &[Integer], v: &[Integer]) -> bool {
    for i in 0..u.len() {
        for j in i + 1..u.len() {
            let minor = Integer::from(&u[i] * &v[j]) - Integer::from(&u[j] * &v[i]);
            if !minor.is_zero() {
                return false;
            }
        }
    }
    true
}

/// c₀ + Σ cᵢKᵢ at precision `prec`.
fn linear_value(coeffs: &[Integer], targets: &[Float], prec: u32) -> Float {
    let mut acc = Float::with_val(prec, &coeffs[0]);
    for (c, k) in coeffs[1..].iter().zip(targets) {
        if !c.is_zero() {
            acc += Float::with_val(prec, k * c);
        }
    }
    acc
}

/// ⌊−log₁₀(|a − b|/|a|)⌋ (absolute when a = 0), capped at ⌊prec·log₁₀2⌋.
pub(crate) fn agreeing_digits(a: &Float, b: &Float, prec: u32) -> u32 {
    let cap = crate::precision::digits_held(prec);
    let diff = Float::with_val(prec, a - b).abs();
    if diff.is_zero() {
        return cap;
    }
    let rel = if a.is_zero() {
        diff
    } else {
        diff / Float::with_val(prec, a.abs_ref())
    };
    let digits = -rel.log10().to_f64();
    if digits.is_nan() || digits <= 0.0 {
        0
    } else {
        (digits.floor() as u32).min(cap)
    }
}

/// Writes Σ coeffs\[i\]·label(i) readably: position 0 of `coeffs` is the constant term, position i ≥ 1
/// multiplies labels[i−1]; `1·K → K`, `−1·K → -K`, zero terms are skipped.
/// Indices of the nonzero coefficients of `c₀ + c₁K₁ + …` in reading order: constants first, the
/// integer last, but led by the first positive term when there is one.
pub fn reading_order(coeffs: &[Integer]) -> Vec<usize> {
    let mut order: Vec<usize> = (1..coeffs.len()).chain(std::iter::once(0)).collect();
    order.retain(|&i| !coeffs[i].is_zero());
    if let Some(p) = order.iter().position(|&i| coeffs[i] > 0) {
        let lead = order.remove(p);
        order.insert(0, lead);
    }
    order
}

/// A constant's label as an operand of `+`, `−`, `*` and `/`: a name (`pi`, `ζ(3)`) or a call
/// (`log(3)`, `besseli(0,2/3)`) stands as it is; an expression with an operator outside
/// parentheses (`log(3)-log(2)`, `pi+0`, `2^(1/3)`, `1+e-1`) is parenthesised, so that
/// `1/(log(3)-log(2))` is not printed as `1/log(3)-log(2)`, which reads as a different number.
pub fn operand(label: &str) -> String {
    let label = label.trim();
    let mut depth = 0i32;
    let mut bare = true;
    for (i, ch) in label.char_indices() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            // A sign or operator at the top level, or a space between tokens.
            '+' | '-' | '*' | '/' | '^' | ' ' | ',' if depth == 0 => {
                // An exponent sign inside a number literal (`1e-5`) is part of the number.
                let exponent_sign = matches!(ch, '+' | '-')
                    && i > 0
                    && label[..i].ends_with(['e', 'E'])
                    && label[..i - 1].ends_with(|c: char| c.is_ascii_digit());
                if !exponent_sign {
                    bare = false;
                }
            }
            _ => {}
        }
    }
    if bare && depth == 0 {
        label.to_string()
    } else {
        format!("({label})")
    }
}

/// `c₁K₁ + … + c_kK_k + c₀` with `labels` already operands (constants first, integer last, but
/// led by a positive term when there is one), e.g. `e - 2`, `2*π + 1`, `ln3 - ln2`, `6 - 2*π`.
fn linear_form(coeffs: &[Integer], labels: &[String]) -> String {
    let mut out = String::new();
    for i in reading_order(coeffs) {
        let c = &coeffs[i];
        if c.is_zero() {
            continue;
        }
        let negative = *c < 0;
        let abs = Integer::from(c.abs_ref());
        let body = if i == 0 {
            abs.to_string()
        } else if abs == 1 {
            labels[i - 1].clone()
        } else {
            format!("{abs}*{}", labels[i - 1])
        };
        if out.is_empty() {
            if negative {
                out.push('-');
            }
        } else {
            out.push_str(if negative { " - " } else { " + " });
        }
        out.push_str(&body);
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(names: &[&str], c: &[i64], d: &[i64]) -> Identification {
        Identification::new(
            names.iter().map(|s| s.to_string()).collect(),
            (0..names.len()).collect(),
            c.iter().map(|&v| Integer::from(v)).collect(),
            d.iter().map(|&v| Integer::from(v)).collect(),
        )
        .unwrap()
    }

    #[test]
    fn pretty_printing() {
        assert_eq!(id(&["π"], &[4, 0], &[0, 1]).formula(), "x = 4/π");
        assert_eq!(
            id(&["ζ(3)"], &[16, 0], &[0, 14]).formula(),
            "x = 8/(7*ζ(3))"
        );
        assert_eq!(
            id(&["e"], &[1, 1], &[-1, 1]).formula(),
            "x = (e + 1)/(e - 1)"
        );
        assert_eq!(id(&["e"], &[0, 2], &[3, 0]).formula(), "x = 2*e/3");
        assert_eq!(id(&["e"], &[1, 2], &[1, 0]).formula(), "x = 2*e + 1");
        assert_eq!(id(&["π"], &[0, -3], &[1, 1]).formula(), "x = -3*π/(π + 1)");
        // Expression targets are operands: the formula must read as the number it is.
        assert_eq!(
            id(&["log(3)-log(2)"], &[1, 0], &[0, 1]).formula(),
            "x = 1/(log(3)-log(2))"
        );
        assert_eq!(id(&["pi+0"], &[4, 0], &[0, 1]).formula(), "x = 4/(pi+0)");
        assert_eq!(
            id(&["1+e-1"], &[0, 1], &[-2, 1]).formula(),
            "x = (1+e-1)/((1+e-1) - 2)"
        );
        assert_eq!(
            id(&["besseli(0,2/3)"], &[0, 2], &[1, 0]).formula(),
            "x = 2*besseli(0,2/3)"
        );
        assert_eq!(
            id(&["exp(2/3)"], &[1, 1], &[1, 0]).formula(),
            "x = exp(2/3) + 1"
        );
        let two = id(&["ln2", "ln3"], &[2, 0, 0], &[0, -1, 1]);
        assert_eq!(two.formula(), "x = 2/(ln3 - ln2)");
        assert_eq!(two.relation_string(), "x*ln3 - x*ln2 - 2 = 0");
        assert_eq!(
            id(&["log(3)-log(2)"], &[1, 0], &[0, 1]).relation_string(),
            "1 - x*(log(3)-log(2)) = 0"
        );
    }

    #[test]
    fn rejects_rational() {
        let r = Identification::new(
            vec!["π".into()],
            vec![0],
            vec![Integer::from(2), Integer::from(4)],
            vec![Integer::from(1), Integer::from(2)],
        );
        assert_eq!(r, Err(RelationError::Degenerate));
    }
}
