//! Signed continued fractions x = a_0 + s_0/(a_1 + s_1/(a_2 + …)) with a periodic sign pattern
//! (algorithms.md §8.2).
//!
//! Extraction: x_0 = x, a_i = ⌊x_i⌋ if s_i = +1 and a_i = ⌈x_i⌉ if s_i = −1, x_{i+1} = s_i/(x_i − a_i).
//! The tail x_i is kept as an exact rational function N_i(c)/D_i(c) of the constant c with integer
//! coefficients (the Möbius state), evaluated afresh at full precision at every step, so rounding
//! errors never accumulate. ESMA's s_i is the PCF partial numerator b(i+1) (§1.2).

use rug::float::Round;
use rug::ops::NegAssign;
use rug::{Assign, Float, Integer};

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
    if powers.len() < width || is_zero(den) {
        return SignedCfExpansion {
            terms: Vec::new(),
            stop: CfStop::PrecisionExhausted,
        };
    }
    let full = powers[0].prec();
    // Truncated copies of `powers`, by multiples of LEVEL bits, built on first use.
    let mut levels: Vec<Option<Vec<Float>>> = Vec::new();
    extract(num, den, period, depth, |n, d, s| {
        // Fast path: the same interval test at just enough precision for the current coefficients,
        // with the error bound widened fourfold. Its rigorous-in-practice bound δ_p also bounds the
        // full-precision bound δ (δ scales with 2^−prec), so whenever x ± 4δ_p avoids every integer
        // boundary the full-precision test [x ± δ] certainly does too and yields the same a_i. Anything
        // else is decided by the full-precision test itself: the output is that of the full test alone.
        let bits = n
            .iter()
            .chain(d)
            .map(Integer::significant_bits)
            .max()
            .unwrap_or(0);
        let level = (2 * bits as usize + 128).div_ceil(LEVEL as usize);
        if (level as u32) * LEVEL < full {
            if levels.len() <= level {
                levels.resize(level + 1, None);
            }
            let p = level as u32 * LEVEL;
            let low = levels[level]
                .get_or_insert_with(|| powers.iter().map(|x| Float::with_val(p, x)).collect());
            if let Step::Term(a) = step(n, d, low, s, 4) {
                return Step::Term(a);
            }
        }
        step(n, d, powers, s, 1)
    })
}

/// The extraction loop: `decide(N_i, D_i, s_i)` gives the verdict on a_i for the tail
/// x_i = N_i(c)/D_i(c) (both padded to one length), and the tail advances by
/// x_{i+1} = s_i·D_i/(N_i − a_i·D_i), with the joint content of N and D divided out.
fn extract(
    num: &[Integer],
    den: &[Integer],
    period: &[i8],
    depth: usize,
    mut decide: impl FnMut(&[Integer], &[Integer], i8) -> Step,
) -> SignedCfExpansion {
    let width = num.len().max(den.len());
    let mut n: Vec<Integer> = num.to_vec();
    let mut d: Vec<Integer> = den.to_vec();
    n.resize(width, Integer::new());
    d.resize(width, Integer::new());
    let mut terms = Vec::with_capacity(depth);
    for i in 0..depth {
        let s = sign_at(period, i);
        let a = match decide(&n, &d, s) {
            Step::Term(a) => a,
            Step::Last(a) => {
                terms.push(a);
                return SignedCfExpansion {
                    terms,
                    stop: CfStop::Terminated,
                };
            }
            Step::Exhausted => {
                return SignedCfExpansion {
                    terms,
                    stop: CfStop::PrecisionExhausted,
                }
            }
        };
        // x_{i+1} = s·D/(N − a·D)
        for (nc, dc) in n.iter_mut().zip(&d) {
            *nc -= &a * dc;
        }
        if s < 0 {
            d.iter_mut().for_each(|c| c.neg_assign());
        }
        std::mem::swap(&mut n, &mut d);
        terms.push(a);
        normalise(&mut n, &mut d);
    }
    SignedCfExpansion {
        terms,
        stop: CfStop::Complete,
    }
}

/// The powers c^k (k = 0 … d) as scaled integers C_k = round(c^k · 2^P) with a bound e_k ≥
/// |C_k − c^k · 2^P|: the fixed-point form of the constant used by [`expand_scaled`].
#[derive(Debug, Clone)]
pub struct ScaledPowers {
    /// P: the scale is 2^P.
    pub bits: u32,
    values: Vec<Integer>,
    errors: Vec<Integer>,
}

impl ScaledPowers {
    /// C_k = round(powers\[k\] · 2^bits), where powers\[k\] holds c^k with a relative error of at most
    /// (k + 2)·2^(1 − prec) (prec = precision of `powers`, which must exceed `bits` by at least 64).
    /// Then |C_k − c^k·2^P| ≤ 1/2 + (k + 2)·2^(1 − prec)·(|C_k| + 1) ≤ e_k :=
    /// 2 + ⌊(k + 2)(|C_k| + 2) / 2^(prec − 2)⌋, doubled for the rounding of the power itself.
    pub fn new(powers: &[Float], bits: u32) -> ScaledPowers {
        let prec = powers.first().map_or(0, Float::prec);
        assert!(prec >= bits + 64, "scaled powers need 64 guard bits");
        let mut values = Vec::with_capacity(powers.len());
        let mut errors = Vec::with_capacity(powers.len());
        for (k, p) in powers.iter().enumerate() {
            let scaled = Float::with_val(prec, p << bits);
            let v = scaled
                .to_integer()
                .expect("the powers of a finite constant are finite");
            let mut e = Integer::from(v.abs_ref()) + 2u32;
            e *= k as u32 + 2;
            e >>= prec - 2;
            e += 2u32;
            values.push(v);
            errors.push(e);
        }
        ScaledPowers {
            bits,
            values,
            errors,
        }
    }

    /// (Σ coeffs\[k\]·C_k, Σ |coeffs\[k\]|·e_k): N(c)·2^P as an integer, and its error bound.
    fn eval(&self, coeffs: &[Integer]) -> (Integer, Integer) {
        let mut v = Integer::new();
        let mut e = Integer::new();
        for ((c, x), err) in coeffs.iter().zip(&self.values).zip(&self.errors) {
            v += c * x;
            e += Integer::from(c.abs_ref()) * err;
        }
        (v, e)
    }
}

/// The first `depth` partial quotients of the signed CF of x = N(c)/D(c) by exact integer
/// arithmetic on the fixed-point values, or `None` if some a_i is not certain at the scale of
/// `powers` (then nothing is returned: the caller decides with [`expand_rational_function`]).
///
/// With ν ≈ N_i(c)·2^P and δ ≈ D_i(c)·2^P (δ > 0) known to ±ε_N and ±ε_D, one step is a Euclidean
/// step: a = ⌊ν/δ⌋ (s = +1) or ⌈ν/δ⌉ (s = −1) with remainder r = ν − aδ. The partial quotient is
/// certain when the true N − aD has the sign of s and N − (a ± 1)D the other sign for every value
/// in the error boxes: |r| > ε_N + |a|·ε_D and |δ − |r|| > ε_N + |a ± 1|·ε_D. The next tail
/// x_{i+1} = s·D/(N − aD) has the values (δ, |r|) with the bounds (ε_D, ε_N + |a|·ε_D): no
/// rounding ever happens after the first evaluation, and every returned a_i equals ⌊x_i⌋ or ⌈x_i⌉.
pub fn expand_scaled(
    num: &[Integer],
    den: &[Integer],
    powers: &ScaledPowers,
    period: &[i8],
    depth: usize,
) -> Option<Vec<Integer>> {
    if num.len() > powers.values.len() || den.len() > powers.values.len() {
        return None;
    }
    let (mut nv, mut ne) = powers.eval(num);
    let (mut dv, mut de) = powers.eval(den);
    if dv < 0 {
        nv = -nv;
        dv = -dv;
    }
    let mut terms = Vec::with_capacity(depth);
    let (mut a, mut r) = (Integer::new(), Integer::new());
    let (mut bound, mut other) = (Integer::new(), Integer::new());
    for i in 0..depth {
        if dv <= de {
            return None;
        }
        let s = sign_at(period, i);
        // a = ⌊ν/δ⌋ or ⌈ν/δ⌉, r = ν − aδ
        if s > 0 {
            (&mut a, &mut r).assign(nv.div_rem_floor_ref(&dv));
        } else {
            (&mut a, &mut r).assign(nv.div_rem_ceil_ref(&dv));
        }
        // bound = ε_N + |a|·ε_D (the error of r), other = ε_N + |a ± 1|·ε_D
        bound.assign(a.abs_ref());
        bound *= &de;
        bound += &ne;
        other.assign(&a + i32::from(s));
        other.abs_mut();
        other *= &de;
        other += &ne;
        // r has the sign of s (or is 0): |r| > bound and δ − |r| > other make a certain.
        r.abs_mut();
        if r <= bound {
            return None;
        }
        nv.assign(&dv - &r);
        if nv <= other {
            return None;
        }
        // (ν, δ) ← (δ, |r|), (ε_N, ε_D) ← (ε_D, bound)
        std::mem::swap(&mut nv, &mut dv);
        std::mem::swap(&mut dv, &mut r);
        std::mem::swap(&mut ne, &mut de);
        std::mem::swap(&mut de, &mut bound);
        terms.push(a.clone());
    }
    Some(terms)
}

/// Granularity (bits) of the precisions tried by the fast path of [`expand_rational_function`].
const LEVEL: u32 = 128;

/// One extraction step's verdict on x = N(c)/D(c).
enum Step {
    /// a = ⌊x⌋ (s = +1) or ⌈x⌉ (s = −1), certain; x ≠ a.
    Term(Integer),
    /// x = a exactly: the expansion ends with a.
    Last(Integer),
    /// a could not be decided.
    Exhausted,
}

/// The interval test of one step at the precision of `powers`, with the error bound multiplied by
/// `widen` (1: the reference test).
fn step(n: &[Integer], d: &[Integer], powers: &[Float], s: i8, widen: u32) -> Step {
    let prec = powers[0].prec();
    let (nv, ne) = eval_with_error(n, powers);
    let (dv, de) = eval_with_error(d, powers);
    let dabs = Float::with_val(prec, dv.abs_ref());
    if dabs <= de {
        return Step::Exhausted;
    }
    let x = Float::with_val(prec, &nv / &dv);
    let xabs = Float::with_val(prec, x.abs_ref());
    // |δx| ≤ (|δN| + |x|·|δD|) / (|D| − |δD|), doubled for the roundings of this very bound.
    let delta = Float::with_val(prec, &xabs * &de) + &ne;
    let mut delta = delta / Float::with_val(prec, &dabs - &de) * 2u32 + (xabs >> (prec as i32 - 4));
    if widen != 1 {
        delta *= widen;
    }
    let lo = Float::with_val(prec, &x - &delta);
    let hi = Float::with_val(prec, &x + &delta);
    let round = if s > 0 { Round::Down } else { Round::Up };
    let (a_lo, a_hi) = match (lo.to_integer_round(round), hi.to_integer_round(round)) {
        (Some((a, _)), Some((b, _))) => (a, b),
        _ => return Step::Exhausted,
    };
    // x_i − a_i must be certainly non-zero with the sign of s_i.
    let boundary_hit = if s > 0 { lo <= a_lo } else { hi >= a_hi };
    if a_lo != a_hi || boundary_hit {
        // x_i = a_i exactly iff N_i − a·D_i vanishes identically.
        let a = if s > 0 { a_lo.clone() } else { a_hi.clone() };
        let exact = a_lo == a_hi
            && n.iter()
                .zip(d)
                .all(|(nc, dc)| *nc == Integer::from(&a * dc));
        return if exact {
            Step::Last(a)
        } else {
            Step::Exhausted
        };
    }
    Step::Term(a_lo)
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
///
/// The tails t_i = a_i + s_i/t_{i+1} are kept exactly as integer fractions num/den
/// (num ← a_i·num + s_i·den, den ← num), so a vanishing tail is detected exactly and the value is
/// rounded once, correctly, at the end: one division instead of one `prec`-bit division per term.
pub fn evaluate(terms: &[Integer], period: &[i8], prec: u32) -> Option<Float> {
    evaluate_tails(terms, period, prec, Integer::clone, |out, num, a| {
        out.assign(a * num)
    })
}

/// [`evaluate`] for partial quotients that are machine integers (the same exact tails, the same
/// single rounding, hence the same value).
pub fn evaluate_i64(terms: &[i64], period: &[i8], prec: u32) -> Option<Float> {
    evaluate_tails(
        terms,
        period,
        prec,
        |&a| Integer::from(a),
        |out, num, &a| out.assign(num * a),
    )
}

/// The exact tail recurrence of [`evaluate`] for any representation `T` of the partial quotients:
/// `int(a)` converts one, `set_product(out, num, a)` sets `out = a·num`.
fn evaluate_tails<T>(
    terms: &[T],
    period: &[i8],
    prec: u32,
    int: impl Fn(&T) -> Integer,
    set_product: impl Fn(&mut Integer, &Integer, &T),
) -> Option<Float> {
    let (last, rest) = terms.split_last()?;
    let mut num = int(last);
    let mut den = Integer::from(1);
    let mut next = Integer::new();
    for (i, a) in rest.iter().enumerate().rev() {
        if num.is_zero() {
            return None;
        }
        // next = a·num + s·den
        set_product(&mut next, &num, a);
        if sign_at(period, i) > 0 {
            next += &den;
        } else {
            next -= &den;
        }
        std::mem::swap(&mut den, &mut num);
        std::mem::swap(&mut num, &mut next);
    }
    Some(exact_quotient(&num, &den, prec))
}

/// num/den correctly rounded to nearest at `prec` bits (den ≠ 0).
fn exact_quotient(num: &Integer, den: &Integer, prec: u32) -> Float {
    let exact = |z: &Integer| Float::with_val(z.significant_bits().max(1), z);
    let (n, d) = (exact(num), exact(den));
    Float::with_val(prec, &n / &d)
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::esma::lhs::powers;
    use proptest::prelude::*;

    /// The extraction with the full-precision test alone (no fast path): the reference behaviour.
    fn expand_full_precision_only(
        num: &[Integer],
        den: &[Integer],
        powers: &[Float],
        period: &[i8],
        depth: usize,
    ) -> SignedCfExpansion {
        extract(num, den, period, depth, |n, d, s| step(n, d, powers, s, 1))
    }

    /// Tail-first evaluation with one rounding per step: the obvious (slow) way.
    fn evaluate_stepwise(terms: &[Integer], period: &[i8], prec: u32) -> Option<Float> {
        let (last, rest) = terms.split_last()?;
        let mut t = Float::with_val(prec, last);
        for (i, a) in rest.iter().enumerate().rev() {
            if t.is_zero() {
                return None;
            }
            t = Float::with_val(prec, sign_at(period, i)) / t;
            t += a;
        }
        Some(t)
    }

    /// e, π or √2 (`which` = 0, 1, 2) at `prec` bits: the constants of the property tests.
    pub(crate) fn e_pi_or_sqrt2(which: usize, prec: u32) -> Float {
        match which {
            0 => Float::with_val(prec, 1).exp(),
            1 => Float::with_val(prec, rug::float::Constant::Pi),
            _ => Float::with_val(prec, 2).sqrt(),
        }
    }

    fn ints(v: &[i64]) -> Vec<Integer> {
        v.iter().map(|&c| Integer::from(c)).collect()
    }

    #[test]
    fn fast_extraction_equals_full_precision_extraction_on_constants() {
        // Working precisions from generous to starved, so that the expansions also stop early.
        for prec in [1700u32, 400, 150] {
            let e = Float::with_val(prec, 1).exp();
            let pi = Float::with_val(prec, rug::float::Constant::Pi);
            for c in [e, pi] {
                let pw = powers(&c, 2);
                for (num, den) in [
                    (vec![0, 1], vec![1]),
                    (vec![1, 1], vec![-1, 1]),
                    (vec![2, -1, 1], vec![1, 0, 2]),
                    (vec![3], vec![1]),
                ] {
                    for period in [vec![1i8], vec![1, -1], vec![-1, -1, 1]] {
                        let (num, den) = (ints(&num), ints(&den));
                        let fast = expand_rational_function(&num, &den, &pw, &period, 300);
                        let slow = expand_full_precision_only(&num, &den, &pw, &period, 300);
                        assert_eq!(fast, slow, "prec {prec}, period {period:?}");
                    }
                }
            }
        }
    }

    /// The exact integer extraction at 2^scale: the terms, when it certifies all of them.
    fn scaled(
        c: &Float,
        scale: u32,
        num: &[Integer],
        den: &[Integer],
        period: &[i8],
        depth: usize,
    ) -> Option<Vec<Integer>> {
        let sp = ScaledPowers::new(&powers(c, 2), scale);
        expand_scaled(num, den, &sp, period, depth)
    }

    #[test]
    fn scaled_extraction_of_e_gives_its_continued_fraction() {
        // e = [2; 1, 2, 1, 1, 4, 1, 1, 6, ...]
        let e = Float::with_val(2200, 1).exp();
        let terms = scaled(&e, 2048, &ints(&[0, 1]), &ints(&[1]), &[1], 100).unwrap();
        for (i, a) in terms.iter().enumerate() {
            let want = match i {
                0 => 2,
                _ if i % 3 == 2 => 2 * (i as i64 + 1) / 3,
                _ => 1,
            };
            assert_eq!(*a, want, "a_{i}");
        }
        // Too small a scale certifies nothing rather than a wrong term.
        assert_eq!(
            scaled(&e, 128, &ints(&[0, 1]), &ints(&[1]), &[1], 100),
            None
        );
        // A rational value never completes: x = 3 is not a_0 + (something non-zero).
        assert_eq!(scaled(&e, 2048, &ints(&[3]), &ints(&[1]), &[1], 5), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whatever the exact integer extraction certifies is what the floating-point extraction
        /// finds at a precision above its scale.
        #[test]
        fn scaled_extraction_equals_floating_point_extraction(
            num in proptest::collection::vec(-9i64..=9, 1..=3),
            den in proptest::collection::vec(-9i64..=9, 1..=3),
            period in proptest::collection::vec(prop_oneof![Just(1i8), Just(-1i8)], 1..=3),
            scale in 200u32..1500,
            which in 0usize..3,
        ) {
            let prec = scale + 200;
            let c = e_pi_or_sqrt2(which, prec);
            let (num, den) = (ints(&num), ints(&den));
            let depth = 60;
            if let Some(terms) = scaled(&c, scale, &num, &den, &period, depth) {
                let float = expand_rational_function(&num, &den, &powers(&c, 2), &period, depth);
                prop_assert_eq!(float.stop, CfStop::Complete);
                prop_assert_eq!(float.terms, terms);
            }
        }

        #[test]
        fn fast_extraction_equals_full_precision_extraction(
            num in proptest::collection::vec(-9i64..=9, 1..=3),
            den in proptest::collection::vec(-9i64..=9, 1..=3),
            period in proptest::collection::vec(prop_oneof![Just(1i8), Just(-1i8)], 1..=3),
            prec in 100u32..1200,
            which in 0usize..3,
        ) {
            let c = e_pi_or_sqrt2(which, prec);
            let pw = powers(&c, 2);
            let (num, den) = (ints(&num), ints(&den));
            let fast = expand_rational_function(&num, &den, &pw, &period, 120);
            let slow = expand_full_precision_only(&num, &den, &pw, &period, 120);
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn exact_evaluation_is_the_correctly_rounded_value(
            terms in proptest::collection::vec(-40i64..=40, 1..60),
            period in proptest::collection::vec(prop_oneof![Just(1i8), Just(-1i8)], 1..=3),
        ) {
            let terms = ints(&terms);
            let prec = 300;
            let exact = evaluate(&terms, &period, prec);
            // Same value as the forward convergent p/q whenever no tail vanishes.
            if let Some(v) = &exact {
                let (p, q) = convergent(&terms, &period);
                let r = rug::Rational::from((p, q));
                prop_assert_eq!(v, &Float::with_val(prec, &r));
                // And within a few ulps of the step-by-step evaluation at a higher precision.
                if let Some(w) = evaluate_stepwise(&terms, &period, 4000) {
                    if !w.is_zero() {
                        let rel = Float::with_val(prec, (Float::with_val(4000, v - &w) / &w).abs());
                        prop_assert!(rel < Float::with_val(53, 1e-80));
                    }
                }
            }
        }
    }

    #[test]
    fn evaluation_detects_a_vanishing_tail() {
        // 2 + 1/(1 + 1/(-1)): the tail 1 + 1/(-1) vanishes.
        assert_eq!(evaluate(&ints(&[2, 1, -1]), &[1], 100), None);
        assert_eq!(evaluate_stepwise(&ints(&[2, 1, -1]), &[1], 100), None);
        assert_eq!(evaluate(&[], &[1], 100), None);
        // 1 + 1/(2 - 1/3) = 8/5
        let v = evaluate(&ints(&[1, 2, 3]), &[1, -1], 100).unwrap();
        assert_eq!(v, Float::with_val(100, 8) / 5u32);
    }
}
