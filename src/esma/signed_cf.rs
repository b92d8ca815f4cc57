//! Signed continued fractions x = a_0 + s_0/(a_1 + s_1/(a_2 + …)) with a periodic sign pattern
//! (algorithms.md §8.2).
//!
//! Extraction: x_0 = x, a_i = ⌊x_i⌋ if s_i = +1 and a_i = ⌈x_i⌉ if s_i = −1, x_{i+1} = s_i/(x_i − a_i).
//! The tail x_i is kept as an exact rational function N_i(c)/D_i(c) of the constant c with integer
//! coefficients (the Möbius state), evaluated afresh at full precision at every step, so rounding
//! errors never accumulate. ESMA's s_i is the PCF partial numerator b(i+1) (§1.2).

use rug::float::Round;
use rug::{Float, Integer};

/// The sign s_i = period[i mod len(period)] (the pattern is repeated from s_0); +1 for an empty period.
pub fn sign_at(period: &[i8], i: usize) -> i8 {
    if period.is_empty() {
        1
    } else {
        period[i % period.len()]
    }
}

/// Why an extraction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CfStop {
    /// All requested terms were extracted.
    Complete,
    /// x_i = a_i exactly (the value is a rational function identity): the expansion is finite.
    Terminated,
    /// ⌊x_i⌋ (or ⌈x_i⌉) could not be decided at the working precision; the terms returned are certain.
    PrecisionExhausted,
}

/// The certain leading partial quotients a_0, a_1, … of a signed continued fraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCfExpansion {
    /// a_0, a_1, …
    pub terms: Vec<Integer>,
    /// Why the extraction stopped.
    pub stop: CfStop,
}

/// Σ coeffs[k]·c^k at the precision of `powers` (powers[k] = c^k) and an upper bound on its error.
fn eval_with_error(coeffs: &[Integer], powers: &[Float]) -> (Float, Float) {
    let prec = powers[0].prec();
    let mut v = Float::with_val(prec, 0);
    let mut abs = Float::with_val(prec, 0);
    for (c, p) in coeffs.iter().zip(powers) {
        if *c == 0 {
            continue;
        }
        let t = Float::with_val(prec, c * p);
        abs += Float::with_val(prec, t.abs_ref());
        v += t;
    }
    // Each c^k carries a relative error ≤ (k + 2)·2^(1−prec); products and sums add a few ulps more.
    let slack = (coeffs.len() as i32 + 8) * 4;
    let err = (abs * Float::with_val(prec, slack)) >> (prec as i32);
    (v, err)
}

fn is_zero(p: &[Integer]) -> bool {
    p.iter().all(|c| *c == 0)
}

/// Divides both polynomials by the gcd of all their coefficients.
fn normalise(num: &mut [Integer], den: &mut [Integer]) {
    let mut g = Integer::new();
    for c in num.iter().chain(den.iter()) {
        g.gcd_mut(c);
    }
    if g > 1 {
        for c in num.iter_mut().chain(den.iter_mut()) {
            c.div_exact_mut(&g);
        }
    }
}

/// Signed CF of x = N(c)/D(c) (integer polynomials, lowest degree first) to at most `depth` terms.
///
/// `powers[k]` must hold c^k (k = 0 … max degree) at the working precision. Each a_i is returned only if
/// ⌊x_i⌋/⌈x_i⌉ is certain given a rigorous-in-practice error bound on N_i(c) and D_i(c); otherwise the
/// expansion stops with [`CfStop::PrecisionExhausted`].
pub fn expand_rational_function(
    num: &[Integer],
    den: &[Integer],
    powers: &[Float],
    period: &[i8],
    depth: usize,
) -> SignedCfExpansion {
    let width = num.len().max(den.len());
    let mut n: Vec<Integer> = num.to_vec();
    let mut d: Vec<Integer> = den.to_vec();
    n.resize(width, Integer::new());
    d.resize(width, Integer::new());
    let mut terms = Vec::with_capacity(depth);
    if powers.len() < width || is_zero(&d) {
        return SignedCfExpansion {
            terms,
            stop: CfStop::PrecisionExhausted,
        };
    }
    let prec = powers[0].prec();
    for i in 0..depth {
        let s = sign_at(period, i);
        let (nv, ne) = eval_with_error(&n, powers);
        let (dv, de) = eval_with_error(&d, powers);
        let dabs = Float::with_val(prec, dv.abs_ref());
        if dabs <= de {
            return SignedCfExpansion {
                terms,
                stop: CfStop::PrecisionExhausted,
            };
        }
        let x = Float::with_val(prec, &nv / &dv);
        let xabs = Float::with_val(prec, x.abs_ref());
        // |δx| ≤ (|δN| + |x|·|δD|) / (|D| − |δD|), doubled for the roundings of this very bound.
        let delta = Float::with_val(prec, &xabs * &de) + &ne;
        let delta = delta / Float::with_val(prec, &dabs - &de) * 2u32 + (xabs >> (prec as i32 - 4));
        let lo = Float::with_val(prec, &x - &delta);
        let hi = Float::with_val(prec, &x + &delta);
        let round = if s > 0 { Round::Down } else { Round::Up };
        let (a_lo, a_hi) = match (lo.to_integer_round(round), hi.to_integer_round(round)) {
            (Some((a, _)), Some((b, _))) => (a, b),
            _ => {
                return SignedCfExpansion {
                    terms,
                    stop: CfStop::PrecisionExhausted,
                }
            }
        };
        // x_i − a_i must be certainly non-zero with the sign of s_i.
        let boundary_hit = if s > 0 { lo <= a_lo } else { hi >= a_hi };
        if a_lo != a_hi || boundary_hit {
            // x_i = a_i exactly iff N_i − a·D_i vanishes identically.
            let a = if s > 0 { a_lo.clone() } else { a_hi.clone() };
            let exact = a_lo == a_hi
                && n.iter()
                    .zip(&d)
                    .all(|(nc, dc)| *nc == Integer::from(&a * dc));
            if exact {
                terms.push(a);
                return SignedCfExpansion {
                    terms,
                    stop: CfStop::Terminated,
                };
            }
            return SignedCfExpansion {
                terms,
                stop: CfStop::PrecisionExhausted,
            };
        }
        let a = a_lo;
        // x_{i+1} = s·D/(N − a·D)
        let new_den: Vec<Integer> = n
            .iter()
            .zip(&d)
            .map(|(nc, dc)| nc - Integer::from(&a * dc))
            .collect();
        let new_num: Vec<Integer> = d.iter().map(|dc| Integer::from(dc * s)).collect();
        terms.push(a);
        n = new_num;
        d = new_den;
        normalise(&mut n, &mut d);
    }
    SignedCfExpansion {
        terms,
        stop: CfStop::Complete,
    }
}

/// Signed CF of a number known only as the floating-point value `x` (treated as exact to its precision).
pub fn expand_value(x: &Float, period: &[i8], depth: usize) -> SignedCfExpansion {
    let powers = [Float::with_val(x.prec(), 1), x.clone()];
    expand_rational_function(
        &[Integer::new(), Integer::from(1)],
        &[Integer::from(1)],
        &powers,
        period,
        depth,
    )
}

/// Value of the finite signed CF a_0 + s_0/(a_1 + s_1/(… + s_{n−2}/a_{n−1})) at `prec` bits, evaluated
/// from the tail; `None` if a tail vanishes (division by zero) or `terms` is empty.
pub fn evaluate(terms: &[Integer], period: &[i8], prec: u32) -> Option<Float> {
    let (last, rest) = terms.split_last()?;
    let mut t = Float::with_val(prec, last);
    for (i, a) in rest.iter().enumerate().rev() {
        if t.is_zero() {
            return None;
        }
        let s = sign_at(period, i);
        t = Float::with_val(prec, s) / t;
        t += a;
    }
    Some(t)
}

/// Exact convergent p/q of a_0 + s_0/(a_1 + … + s_{n−2}/a_{n−1}) by p_{−1} = 1, q_{−1} = 0,
/// p_0 = a_0, q_0 = 1, p_k = a_k p_{k−1} + s_{k−1} p_{k−2} (and likewise q_k). Returns (p, q).
pub fn convergent(terms: &[Integer], period: &[i8]) -> (Integer, Integer) {
    let (mut p_prev, mut q_prev) = (Integer::from(1), Integer::new());
    let (mut p, mut q) = match terms.first() {
        Some(a0) => (a0.clone(), Integer::from(1)),
        None => return (Integer::new(), Integer::from(1)),
    };
    for (k, a) in terms.iter().enumerate().skip(1) {
        let s = sign_at(period, k - 1);
        let p_next = Integer::from(a * &p) + Integer::from(&p_prev * s);
        let q_next = Integer::from(a * &q) + Integer::from(&q_prev * s);
        p_prev = std::mem::replace(&mut p, p_next);
        q_prev = std::mem::replace(&mut q, q_next);
    }
    (p, q)
}
