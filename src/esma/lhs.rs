//! Left-hand sides P(c)/Q(c) and sign periods enumerated by ESMA (algorithms.md §8.5).
//!
//! LHS space: integer polynomials P, Q of degree ≤ d with coefficients in [−L, L], P, Q ≠ 0; the
//! rational function P/Q is reduced exactly (polynomial gcd over Q, joint content 1, positive leading
//! coefficients), constants are dropped and duplicates of |P/Q| removed. For a transcendental c distinct
//! reduced pairs give distinct values |P(c)/Q(c)|.

use crate::poly::Poly;
use rug::{Float, Integer};

/// A left-hand side P(c)/Q(c) (coefficients lowest degree first).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lhs {
    /// Coefficients of P.
    pub numerator: Vec<i64>,
    /// Coefficients of Q.
    pub denominator: Vec<i64>,
}

fn leading(p: &[i64]) -> i64 {
    p.iter().rev().copied().find(|&c| c != 0).unwrap_or(0)
}

fn degree(p: &[i64]) -> usize {
    p.iter().rposition(|&c| c != 0).unwrap_or(0)
}

impl Lhs {
    /// The reduced form of P/Q up to the sign of the whole fraction: P/G, Q/G for G = gcd(P, Q) over Q,
    /// scaled to coprime integers with positive leading coefficients. `None` if P or Q is zero or P/Q is
    /// constant.
    pub fn reduced(numerator: &[i64], denominator: &[i64]) -> Option<Lhs> {
        if numerator.iter().all(|&c| c == 0) || denominator.iter().all(|&c| c == 0) {
            return None;
        }
        // gcd over ℚ, taken primitive: by Gauss's lemma P/G and Q/G then have integer coefficients.
        let p = Poly::new(numerator.iter().map(|&c| Integer::from(c)).collect());
        let q = Poly::new(denominator.iter().map(|&c| Integer::from(c)).collect());
        let g = p.gcd(&q);
        let (p, q) = (
            p.div_poly(&g).expect("gcd divides P"),
            q.div_poly(&g).expect("gcd divides Q"),
        );
        if p.degree() == Some(0) && q.degree() == Some(0) {
            return None;
        }
        let content = p.content().gcd(&q.content());
        let (pi, qi) = (p.div_exact(&content), q.div_exact(&content));
        let (pi, qi) = (pi.coeffs(), qi.coeffs());
        let to_i64 = |v: &[Integer]| -> Option<Vec<i64>> { v.iter().map(|c| c.to_i64()).collect() };
        let (mut pn, mut qn) = (to_i64(pi)?, to_i64(qi)?);
        if leading(&pn) < 0 {
            pn.iter_mut().for_each(|c| *c = -*c);
        }
        if leading(&qn) < 0 {
            qn.iter_mut().for_each(|c| *c = -*c);
        }
        Some(Lhs {
            numerator: pn,
            denominator: qn,
        })
    }

    /// The same fraction with P and Q both negated where needed so that P(c) > 0 and Q(c) > 0 (the value
    /// |P(c)/Q(c)| is unchanged; only the written form changes). `powers[k]` = c^k.
    pub fn oriented(&self, powers: &[Float]) -> Lhs {
        let p = eval_i64(&self.numerator, powers);
        let q = eval_i64(&self.denominator, powers);
        let flip = |v: &[i64], neg: bool| -> Vec<i64> {
            v.iter().map(|&c| if neg { -c } else { c }).collect()
        };
        Lhs {
            numerator: flip(&self.numerator, p.is_sign_negative()),
            denominator: flip(&self.denominator, q.is_sign_negative()),
        }
    }

    /// P(c)/Q(c) at the precision of `powers` (powers\[k\] = c^k).
    pub fn value(&self, powers: &[Float]) -> Float {
        eval_i64(&self.numerator, powers) / eval_i64(&self.denominator, powers)
    }

    /// |P(c)/Q(c)|, the value ESMA expands.
    pub fn abs_value(&self, powers: &[Float]) -> Float {
        self.value(powers).abs()
    }

    /// [`Lhs::abs_value`] and a bound on its rounding error, for `powers[k]` within
    /// (k + 2)·2^(1 − prec) relative of c^k (c correctly rounded, the powers by repeated
    /// multiplication, as the search builds them). With A_P = Σ|p_k|·|c^k| the sum P(c) is within
    /// δP = 4(d + 9)·2^(−prec)·A_P of its computed value (each term carries the error of its power
    /// and of its product, each addition one rounding of at most A_P·2^(−prec); the factor 4 covers
    /// the rounding of A_P itself), likewise δQ, and then, as in the extraction,
    ///
    /// |P/Q − P̂/Q̂| ≤ 2·(δP + |P̂/Q̂|·δQ)/(|Q̂| − δQ),
    ///
    /// plus 2^(1 − prec)·|x̂| for the rounding of the quotient. +∞ if |Q̂| ≤ δQ.
    pub fn abs_value_with_error(&self, powers: &[Float]) -> (Float, Float) {
        let prec = powers[0].prec();
        let (p, dp) = eval_i64_with_error(&self.numerator, powers);
        let (q, dq) = eval_i64_with_error(&self.denominator, powers);
        let x = Float::with_val(prec, &p / &q).abs();
        let q_abs = Float::with_val(prec, q.abs_ref());
        if q_abs <= dq {
            return (x, Float::with_val(prec, rug::float::Special::Infinity));
        }
        let spread = Float::with_val(prec, &x * &dq) + &dp;
        let err = spread / Float::with_val(prec, &q_abs - &dq) * 2u32
            + Float::with_val(prec, &x >> (prec as i32 - 1));
        (x, err)
    }

    /// Largest degree of P and Q.
    pub fn degree(&self) -> usize {
        degree(&self.numerator).max(degree(&self.denominator))
    }

    /// Plain text in terms of the constant's display name: "e/(e - 1)", "(2*tan(1) + 1)/3".
    pub fn render(&self, name: &str) -> String {
        let atom = atom(name);
        let p = render_poly(&self.numerator, &atom, name);
        if degree(&self.denominator) == 0 && self.denominator[0] == 1 {
            let is_c =
                degree(&self.numerator) == 1 && self.numerator[0] == 0 && self.numerator[1] == 1;
            return if is_c { name.to_string() } else { p };
        }
        let q = render_poly(&self.denominator, &atom, name);
        let wrap = |s: String, v: &[i64]| {
            let bare = s == atom || !s.contains(|c: char| !c.is_ascii_digit());
            if v.iter().filter(|&&c| c != 0).count() > 1 || s.starts_with('-') || !bare {
                format!("({s})")
            } else {
                s
            }
        };
        format!(
            "{}/{}",
            wrap(p, &self.numerator),
            wrap(q, &self.denominator)
        )
    }

    /// LaTeX: "\frac{e}{e - 1}" for the constant's LaTeX name `name_latex`.
    pub fn latex(&self, name_latex: &str) -> String {
        let atom = if name_latex.chars().count() == 1 || name_latex.starts_with('\\') {
            name_latex.to_string()
        } else {
            format!("\\left({name_latex}\\right)")
        };
        let p = render_poly_latex(&self.numerator, &atom);
        if degree(&self.denominator) == 0 && self.denominator[0] == 1 {
            return p;
        }
        let q = render_poly_latex(&self.denominator, &atom);
        format!("\\frac{{{p}}}{{{q}}}")
    }
}

/// Σ coeffs\[k\]·powers\[k\] and the bound 4(d + 9)·2^(−prec)·Σ|coeffs\[k\]·powers\[k\]| on its
/// error (see [`Lhs::abs_value_with_error`]).
fn eval_i64_with_error(coeffs: &[i64], powers: &[Float]) -> (Float, Float) {
    let prec = powers[0].prec();
    let mut abs = Float::with_val(prec, 0);
    for (c, p) in coeffs.iter().zip(powers) {
        abs += Float::with_val(prec, p * *c).abs();
    }
    let slack = 4 * (coeffs.len() as u32 + 8);
    (eval_i64(coeffs, powers), (abs * slack) >> (prec as i32))
}

fn eval_i64(coeffs: &[i64], powers: &[Float]) -> Float {
    let prec = powers[0].prec();
    let mut v = Float::with_val(prec, 0);
    for (c, p) in coeffs.iter().zip(powers) {
        if *c != 0 {
            v += Float::with_val(prec, p * *c);
        }
    }
    v
}

/// True if `name` has no operator outside parentheses (so it can be multiplied or raised as is).
fn is_atomic(name: &str) -> bool {
    let mut depth = 0i32;
    for ch in name.chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            '+' | '-' | '*' | '/' | '^' | ' ' if depth == 0 => return false,
            _ => {}
        }
    }
    true
}

fn atom(name: &str) -> String {
    if is_atomic(name) {
        name.to_string()
    } else {
        format!("({name})")
    }
}

/// Terms (coefficient, degree) ordered so that the written form starts with a positive term if possible.
fn ordered_terms(coeffs: &[i64]) -> Vec<(i64, usize)> {
    let mut terms: Vec<(i64, usize)> = coeffs
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, &c)| c != 0)
        .map(|(k, &c)| (c, k))
        .collect();
    if terms.first().is_some_and(|t| t.0 < 0) && terms.iter().any(|t| t.0 > 0) {
        terms.reverse();
    }
    terms
}

fn render_poly(coeffs: &[i64], atom: &str, name: &str) -> String {
    let juxtapose = name.chars().all(|c| c.is_alphabetic());
    render_terms(
        coeffs,
        |k| format!("{atom}^{k}"),
        atom,
        if juxtapose { "" } else { "*" },
    )
}

fn render_poly_latex(coeffs: &[i64], atom: &str) -> String {
    render_terms(coeffs, |k| format!("{atom}^{{{k}}}"), atom, "")
}

/// `Σ c_k·atom^k` written out with signs between terms; `power(k)` writes `atom^k` for k ≥ 2 and
/// `times` goes between a coefficient and its power.
fn render_terms(
    coeffs: &[i64],
    power: impl Fn(usize) -> String,
    atom: &str,
    times: &str,
) -> String {
    let mut s = String::new();
    for (c, k) in ordered_terms(coeffs) {
        if s.is_empty() {
            if c < 0 {
                s.push('-');
            }
        } else {
            s.push_str(if c < 0 { " - " } else { " + " });
        }
        let a = c.unsigned_abs();
        let pw = match k {
            0 => String::new(),
            1 => atom.to_string(),
            _ => power(k),
        };
        if k == 0 {
            s.push_str(&a.to_string());
        } else if a == 1 {
            s.push_str(&pw);
        } else {
            s.push_str(&format!("{a}{times}{pw}"));
        }
    }
    if s.is_empty() {
        s.push('0');
    }
    s
}

/// All reduced LHS P/Q with deg P, deg Q ≤ `degree` and coefficients in [−limit, limit], non-constant,
/// de-duplicated up to the sign of the fraction; in the order of first appearance when P then Q run
/// through the coefficient vectors (c_0, …, c_d) lexicographically from −limit.
///
/// This collects [`LhsSpace::first_appearance`] over all pairs; a large space should be streamed
/// with [`LhsSpace`] instead.
pub fn enumerate_lhs(degree: usize, coeff_limit: i64) -> Vec<Lhs> {
    let space = LhsSpace::new(degree, coeff_limit);
    let pairs = u64::try_from(space.pairs()).expect("enumerate_lhs is for small spaces");
    (0..pairs)
        .filter_map(|i| space.first_appearance(u128::from(i)))
        .collect()
}

/// The pairs (P, Q) of coefficient vectors enumerated by ESMA, indexed in enumeration order
/// (`index = index(P)·count + index(Q)`, each vector (c_0, …, c_d) read as a base-(2L+1) number with
/// c_0 most significant). The reduced LHS are streamed without a table of those seen: a pair yields
/// its LHS exactly when no earlier pair reduces to the same LHS, which is decided from the pair alone
/// ([`LhsSpace::first_appearance`]), so memory does not grow with the space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LhsSpace {
    degree: usize,
    limit: i64,
}

impl LhsSpace {
    /// Polynomials of degree ≤ `degree` with coefficients in [−`coeff_limit`, `coeff_limit`].
    pub fn new(degree: usize, coeff_limit: i64) -> LhsSpace {
        LhsSpace {
            degree,
            limit: coeff_limit,
        }
    }

    /// Number of coefficient vectors, (2L+1)^(d+1) (saturating).
    pub fn vectors(&self) -> u128 {
        let base = (2 * self.limit + 1) as u128;
        (0..=self.degree).fold(1u128, |acc, _| acc.saturating_mul(base))
    }

    /// Number of pairs (P, Q), the square of [`LhsSpace::vectors`] (saturating).
    pub fn pairs(&self) -> u128 {
        self.vectors().saturating_mul(self.vectors())
    }

    /// The coefficient vector (lowest degree first) with the given index.
    pub fn vector(&self, mut idx: u128) -> Vec<i64> {
        let width = self.degree + 1;
        let base = (2 * self.limit + 1) as u128;
        let mut v = vec![0i64; width];
        for k in (0..width).rev() {
            v[k] = (idx % base) as i64 - self.limit;
            idx /= base;
        }
        v
    }

    /// The pair (P, Q) with the given index.
    pub fn pair(&self, index: u128) -> (Vec<i64>, Vec<i64>) {
        let n = self.vectors();
        (self.vector(index / n), self.vector(index % n))
    }

    /// The reduced LHS of pair `index` if this pair is its first appearance in the enumeration, else
    /// `None` (also for pairs that reduce to no LHS).
    ///
    /// Every pair reducing to the LHS P′/Q′ is (h·P′, ±h·Q′) for an integer polynomial h (P′, Q′
    /// are coprime with joint content 1). The pair (p, q) = (h·P′, ±h·Q′) comes first iff (1) `−q`
    /// does not come before `q` (its first non-zero coefficient is negative) and (2) no admissible
    /// h′ gives a vector h′·P′ before p: a depth-first search over the coefficients of h′, which
    /// are fixed one by one by the coefficients of h′·P′ in the order they are compared.
    pub fn first_appearance(&self, index: u128) -> Option<Lhs> {
        let (p, q) = self.pair(index);
        let lhs = Lhs::reduced(&p, &q)?;
        if q.iter().find(|&&c| c != 0).is_some_and(|&c| c > 0) {
            return None;
        }
        (!self.earlier_multiple(&lhs, &p)).then_some(lhs)
    }

    /// Whether some integer polynomial h′ makes (h′·P′, h′·Q′) an enumerated pair with h′·P′ before `p`.
    fn earlier_multiple(&self, lhs: &Lhs, p: &[i64]) -> bool {
        let (pp, qq) = (&lhs.numerator, &lhs.denominator);
        let m = pp.iter().position(|&c| c != 0).expect("P is not zero");
        let spare = self.degree - degree(pp).max(degree(qq));
        let mut h = vec![0i64; spare + 1];
        self.search_multiple(pp, qq, m, p, &mut h, 0, true)
    }

    /// Depth-first search over h′_k (k-th coefficient of h′): coefficient m + k of h′·P′ is
    /// `h′_k·P′_m + known`, tried in increasing order; `equal` says whether h′·P′ agrees with `p` so far.
    #[allow(clippy::too_many_arguments)]
    fn search_multiple(
        &self,
        pp: &[i64],
        qq: &[i64],
        m: usize,
        p: &[i64],
        h: &mut [i64],
        k: usize,
        equal: bool,
    ) -> bool {
        let l = self.limit;
        if k == h.len() {
            return !equal && h.iter().any(|&c| c != 0) && self.multiple_fits(pp, qq, h);
        }
        let lead = pp[m] as i128;
        let known: i128 = (0..k)
            .filter(|&j| m + k - j < pp.len())
            .map(|j| h[j] as i128 * pp[m + k - j] as i128)
            .sum();
        let hi = if equal { p[m + k] } else { l };
        for c in -l..=hi {
            let rest = c as i128 - known;
            if rest % lead != 0 {
                continue;
            }
            let Ok(hk) = i64::try_from(rest / lead) else {
                continue;
            };
            h[k] = hk;
            // Coefficient k of h′·Q′ is fixed by h′_0 … h′_k.
            let qk: i128 = (0..=k)
                .filter(|&j| k - j < qq.len())
                .map(|j| h[j] as i128 * qq[k - j] as i128)
                .sum();
            if qk.abs() > l as i128 {
                continue;
            }
            if self.search_multiple(pp, qq, m, p, h, k + 1, equal && c == p[m + k]) {
                h[k] = 0;
                return true;
            }
        }
        h[k] = 0;
        false
    }

    /// Whether h′·P′ and h′·Q′ both have all coefficients in [−L, L] (degrees fit by construction).
    fn multiple_fits(&self, pp: &[i64], qq: &[i64], h: &[i64]) -> bool {
        let fits = |f: &[i64]| {
            (0..=self.degree).all(|i| {
                let c: i128 = (0..=i)
                    .filter(|&j| j < h.len() && i - j < f.len())
                    .map(|j| h[j] as i128 * f[i - j] as i128)
                    .sum();
                c.abs() <= self.limit as i128
            })
        };
        fits(pp) && fits(qq)
    }
}

/// `c⁰, c¹, …, c^degree` at the precision of `c`, each `c^k = c^{k−1}·c` rounded once: the
/// powers an ESMA left-hand side `P(c)/Q(c)` is evaluated from.
pub fn powers(c: &Float, degree: usize) -> Vec<Float> {
    let mut out = vec![Float::with_val(c.prec(), 1)];
    for k in 1..=degree {
        let next = Float::with_val(c.prec(), &out[k - 1] * c);
        out.push(next);
    }
    out
}

/// All sign patterns {+1, −1}^N for N in `lengths` (N ≥ 1), shortest first, +1 before −1 in
/// lexicographic order; a pattern that is a repetition τ^k (k ≥ 2) of a pattern τ whose length is also
/// in `lengths` is skipped (with lengths 2..=2 all four patterns of length 2 are kept).
pub fn sign_periods(lengths: std::ops::RangeInclusive<usize>) -> Vec<Vec<i8>> {
    let (lo, hi) = (*lengths.start(), *lengths.end());
    let mut out: Vec<Vec<i8>> = Vec::new();
    for n in lo.max(1)..=hi {
        if n >= 63 {
            break;
        }
        for bits in 0..(1u64 << n) {
            let pat: Vec<i8> = (0..n)
                .map(|i| if bits >> (n - 1 - i) & 1 == 0 { 1 } else { -1 })
                .collect();
            let repeats_shorter =
                (lo.max(1)..n).any(|t| n % t == 0 && (0..n).all(|i| pat[i] == pat[i % t]));
            if !repeats_shorter {
                out.push(pat);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::esma::signed_cf::tests::e_pi_or_sqrt2;
    use proptest::prelude::*;

    proptest! {
        /// The error bound of |P(c)/Q(c)| covers the distance to the value computed with 2000
        /// bits more.
        #[test]
        fn abs_value_error_bound_covers_the_rounding(
            num in proptest::collection::vec(-20i64..=20, 1..=4),
            den in proptest::collection::vec(-20i64..=20, 1..=4),
            prec in 64u32..800,
            which in 0usize..3,
        ) {
            prop_assume!(num.iter().any(|&c| c != 0) && den.iter().any(|&c| c != 0));
            let lhs = Lhs { numerator: num.clone(), denominator: den.clone() };
            let d = num.len().max(den.len());
            let (x, err) = lhs.abs_value_with_error(&powers(&e_pi_or_sqrt2(which, prec), d));
            let exact = lhs.abs_value(&powers(&e_pi_or_sqrt2(which, prec + 2000), d));
            prop_assume!(err.is_finite());
            let dist = Float::with_val(prec + 2000, &x - &exact).abs();
            prop_assert!(dist <= err, "|{} − {}| > {}", x, exact, err);
        }
    }

    #[test]
    fn abs_value_error_is_a_few_ulps_without_cancellation() {
        // (e + 1)/(e − 1): no cancellation to speak of, so the bound is within 2^10 ulps.
        let lhs = Lhs {
            numerator: vec![1, 1],
            denominator: vec![-1, 1],
        };
        let prec = 3354;
        let (x, err) = lhs.abs_value_with_error(&powers(&e_pi_or_sqrt2(0, prec), 1));
        assert!(err > 0);
        assert!(err < Float::with_val(prec, &x >> (prec as i32 - 10)));
    }
}
