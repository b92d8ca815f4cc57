//! Interlaced polynomial closed forms a_{Nm+j} = P_j(m) of C-finite sequences whose characteristic
//! roots are all roots of unity (algorithms.md §8.3).
//!
//! If a_{Nm+j} = P_j(m) with deg P_j ≤ K for every n = Nm + j past a preamble, then (1 − z^N)^{K+1}
//! annihilates the sequence; conversely, if the connection polynomial C(z) factors over Q into
//! cyclotomic polynomials Φ_d with multiplicities e_d, the sequence (past its preamble of length
//! L − deg C) is such an interlacing with N = lcm{d} and K = max{e_d} − 1.

use super::berlekamp_massey::{find_recurrence, Recurrence};
use crate::poly::Poly;
use rug::{Integer, Rational};
use std::collections::HashMap;
use std::fmt;

fn totient(mut n: usize) -> usize {
    let mut result = n;
    let mut p = 2;
    while p * p <= n {
        if n.is_multiple_of(p) {
            while n.is_multiple_of(p) {
                n /= p;
            }
            result -= result / p;
        }
        p += 1;
    }
    if n > 1 {
        result -= result / n;
    }
    result
}

/// Φ_n by z^n − 1 = Π_{d | n} Φ_d (memoised).
fn cyclotomic(n: usize, memo: &mut HashMap<usize, Poly>) -> Poly {
    if let Some(p) = memo.get(&n) {
        return p.clone();
    }
    let mut coeffs = vec![Integer::new(); n + 1];
    coeffs[0] = Integer::from(-1);
    coeffs[n] = Integer::from(1);
    let mut p = Poly::new(coeffs);
    for d in 1..n {
        if n.is_multiple_of(d) {
            let phi_d = cyclotomic(d, memo);
            p = p.div_poly(&phi_d).expect("Φ_d divides z^n − 1 for d | n");
        }
    }
    memo.insert(n, p.clone());
    p
}

/// Factors C(z) = 1 + c_1 z + … + c_k z^k (`connection`, lowest degree first) over Q into cyclotomic
/// polynomials: returns the list of (d, e_d) with C(z) = ± Π Φ_d(z)^{e_d}, d ascending, or `None` if
/// C has a root that is not a root of unity. C = 1 gives the empty list.
pub fn cyclotomic_factorization(connection: &[i64]) -> Option<Vec<(usize, usize)>> {
    let c: Vec<i64> = {
        let mut v = connection.to_vec();
        while v.len() > 1 && v.last() == Some(&0) {
            v.pop();
        }
        v
    };
    if c.is_empty() || c[0] != 1 {
        return None;
    }
    // Reversed polynomial χ(z) = z^k C(1/z) is monic; Φ_d is self-reciprocal up to sign.
    let mut rem = Poly::new(c.iter().rev().map(|&x| Integer::from(x)).collect());
    let mut memo = HashMap::new();
    let mut factors = Vec::new();
    let mut n = 1usize;
    while let Some(deg) = rem.degree().filter(|&d| d > 0) {
        // φ(n) ≥ sqrt(n/2), so a factor Φ_n of degree ≤ deg has n ≤ 2 deg².
        if n > 2 * deg * deg + 2 {
            return None;
        }
        if totient(n) <= deg {
            let phi = cyclotomic(n, &mut memo);
            let mut e = 0;
            // Φ_n is monic, so the division is exact over ℤ whenever Φ_n divides over ℚ.
            while let Some(q) = rem.div_poly(&phi) {
                rem = q;
                e += 1;
            }
            if e > 0 {
                factors.push((n, e));
            }
        }
        n += 1;
    }
    (rem.leading() == 1 || rem.leading() == -1).then_some(factors)
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// A polynomial in the channel variable m with rational coefficients (lowest degree first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPolynomial {
    /// Coefficients p_0, p_1, …: P(m) = Σ p_i m^i; trailing zeros stripped (the zero polynomial is `[0]`).
    pub coefficients: Vec<Rational>,
}

impl ChannelPolynomial {
    /// P(m).
    pub fn eval(&self, m: &Integer) -> Rational {
        let mut acc = Rational::new();
        for c in self.coefficients.iter().rev() {
            acc *= m;
            acc += c;
        }
        acc
    }

    /// Degree of P (0 for constants, including the zero polynomial).
    pub fn degree(&self) -> usize {
        self.coefficients.len().saturating_sub(1)
    }

    /// Plain text in variable `var`, highest degree first without spaces: "2m+1", "m^2/2+3m/2+1".
    pub fn render(&self, var: &str) -> String {
        render_rational_poly(&self.coefficients, var, false)
    }

    /// LaTeX in variable `var`: "2m+1", "\tfrac{1}{2}m^{2}+1".
    pub fn latex(&self, var: &str) -> String {
        render_rational_poly(&self.coefficients, var, true)
    }
}

impl fmt::Display for ChannelPolynomial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render("m"))
    }
}

fn render_rational_poly(coeffs: &[Rational], var: &str, latex: bool) -> String {
    let mut s = String::new();
    for (k, c) in coeffs.iter().enumerate().rev() {
        if *c == 0 {
            continue;
        }
        let neg = *c < 0;
        if neg {
            s.push('-');
        } else if !s.is_empty() {
            s.push('+');
        }
        let a = Rational::from(c.abs_ref());
        let (num, den) = (a.numer().clone(), a.denom().clone());
        let power = match (k, latex) {
            (0, _) => String::new(),
            (1, _) => var.to_string(),
            (_, false) => format!("{var}^{k}"),
            (_, true) => format!("{var}^{{{k}}}"),
        };
        if k == 0 {
            if den == 1 {
                s.push_str(&num.to_string());
            } else if latex {
                s.push_str(&format!("\\tfrac{{{num}}}{{{den}}}"));
            } else {
                s.push_str(&format!("{num}/{den}"));
            }
        } else if den == 1 {
            if num != 1 {
                s.push_str(&num.to_string());
            }
            s.push_str(&power);
        } else if latex {
            s.push_str(&format!("\\tfrac{{{num}}}{{{den}}}{power}"));
        } else {
            if num != 1 {
                s.push_str(&num.to_string());
            }
            s.push_str(&format!("{power}/{den}"));
        }
    }
    if s.is_empty() {
        s.push('0');
    }
    s
}

/// An interlaced polynomial closed form: a_n = preamble\[n\] for n < len(preamble), and
/// a_{Nm+j} = P_j(m) (0 ≤ j < N) for every n = Nm + j ≥ len(preamble).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterlacedClosedForm {
    /// Number N of interlaced channels (lcm of the orders of the roots of C).
    pub period: usize,
    /// Channel degree bound K from C (max cyclotomic multiplicity − 1); each deg P_j ≤ K.
    pub degree: usize,
    /// The leading terms that do not follow the channels.
    pub preamble: Vec<Integer>,
    /// P_0, …, P_{N−1}.
    pub channels: Vec<ChannelPolynomial>,
}

impl InterlacedClosedForm {
    /// a_n from the closed form.
    pub fn term(&self, n: usize) -> Integer {
        if n < self.preamble.len() {
            return self.preamble[n].clone();
        }
        let v = self.channels[n % self.period].eval(&Integer::from(n / self.period));
        v.into_numer_denom().0
    }

    /// Subscript of channel j: "2m+1" for N = 2, j = 1; "n" for N = 1.
    pub fn index_label(&self, j: usize) -> String {
        match (self.period, j) {
            (1, _) => "n".to_string(),
            (n, 0) => format!("{n}m"),
            (n, j) => format!("{n}m+{j}"),
        }
    }

    /// "n" or "{2m+1}" (braced unless a single character).
    fn subscript(&self, j: usize) -> String {
        let label = self.index_label(j);
        if label.chars().count() == 1 {
            label
        } else {
            format!("{{{label}}}")
        }
    }

    fn channel_var(&self) -> &'static str {
        if self.period == 1 {
            "n"
        } else {
            "m"
        }
    }

    /// The channel formulas, "a_{2m} = 2m+1, a_{2m+1} = 2".
    pub fn channels_text(&self) -> String {
        (0..self.period)
            .map(|j| {
                format!(
                    "a_{} = {}",
                    self.subscript(j),
                    self.channels[j].render(self.channel_var())
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The channel formulas in LaTeX.
    pub fn channels_latex(&self) -> String {
        (0..self.period)
            .map(|j| {
                format!(
                    "a_{} = {}",
                    self.subscript(j),
                    self.channels[j].latex(self.channel_var())
                )
            })
            .collect::<Vec<_>>()
            .join(",\\ ")
    }
}

impl fmt::Display for InterlacedClosedForm {
    /// "a_{3m} = 1, a_{3m+1} = 1, a_{3m+2} = 2m+2 for n >= 1; preamble a_0 = 2".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.channels_text())?;
        if !self.preamble.is_empty() {
            let pre: Vec<String> = self
                .preamble
                .iter()
                .enumerate()
                .map(|(i, a)| format!("a_{i} = {a}"))
                .collect();
            write!(
                f,
                " for n >= {}; preamble {}",
                self.preamble.len(),
                pre.join(", ")
            )?;
        }
        Ok(())
    }
}

/// Lagrange interpolation through (x_i, y_i); coefficients lowest degree first.
fn interpolate(xs: &[Integer], ys: &[Integer]) -> Vec<Rational> {
    let n = xs.len();
    let mut result = vec![Rational::new(); n.max(1)];
    for i in 0..n {
        let mut basis = vec![Rational::from(1)];
        let mut denom = Rational::from(1);
        for k in 0..n {
            if k == i {
                continue;
            }
            // basis *= (m − x_k)
            let mut next = vec![Rational::new(); basis.len() + 1];
            for (d, b) in basis.iter().enumerate() {
                next[d + 1] += b;
                next[d] -= Rational::from(b * &xs[k]);
            }
            basis = next;
            denom *= Rational::from(Integer::from(&xs[i] - &xs[k]));
        }
        let scale = Rational::from(&ys[i]) / denom;
        for (d, b) in basis.iter().enumerate() {
            result[d] += Rational::from(b * &scale);
        }
    }
    while result.len() > 1 && result.last().is_some_and(|c| *c == 0) {
        result.pop();
    }
    result
}

/// The interlaced closed form of a sequence that satisfies `rec` (Σ c_j a_{n−j} = 0 for n ≥ L).
///
/// Period N and channel degree K come from the cyclotomic factorisation of C; the sequence is
/// continued by the recurrence as far as needed, each channel P_j is interpolated exactly from K + 1
/// terms past the preamble (length L − deg C) and checked on the terms up to the `needed` ones (the
/// recurrence, checked on all terms, makes the rest follow); the preamble is then
/// shortened while its last term already fits its channel. `None` if C has a root that is not a root of
/// unity or the terms do not satisfy `rec`.
pub fn closed_form_from_recurrence(
    seq: &[Integer],
    rec: &Recurrence,
) -> Option<InterlacedClosedForm> {
    let factors = cyclotomic_factorization(&rec.connection)?;
    let period = factors.iter().fold(1, |acc, &(d, _)| acc / gcd(acc, d) * d);
    let max_mult = factors.iter().map(|&(_, e)| e).max().unwrap_or(1);
    let degree = max_mult - 1;
    let pre = rec.preamble_len();
    let needed = pre + period * (degree + 2) + rec.complexity;
    if seq.len() < rec.degree() || !rec.holds_on(seq) {
        return None;
    }
    let extended;
    let full: &[Integer] = if seq.len() < needed {
        extended = rec.extend(seq, needed)?;
        &extended
    } else {
        seq
    };
    let mut channels = Vec::with_capacity(period);
    for j in 0..period {
        let m0 = if pre > j {
            (pre - j).div_ceil(period)
        } else {
            0
        };
        let xs: Vec<Integer> = (m0..=m0 + degree).map(Integer::from).collect();
        let ys: Vec<Integer> = (m0..=m0 + degree)
            .map(|m| full[period * m + j].clone())
            .collect();
        channels.push(ChannelPolynomial {
            coefficients: interpolate(&xs, &ys),
        });
    }
    let fits =
        |n: usize| -> bool { channels[n % period].eval(&Integer::from(n / period)) == full[n] };
    // The terms past `needed` need no check: C divides (1 − z^N)^(K+1), so a sequence satisfying
    // the C-recurrence for n ≥ L satisfies (1 − z^N)^(K+1) for n ≥ L + N(K+1) − deg C, i.e. each
    // channel has vanishing (K+1)-th differences from the preamble on and is the polynomial of
    // degree ≤ K through any K + 1 of its terms. The check below covers the interpolation window
    // and the terms right after it.
    if !(pre..full.len().min(needed)).all(fits) {
        return None;
    }
    let mut start = pre;
    while start > 0 && fits(start - 1) {
        start -= 1;
    }
    Some(InterlacedClosedForm {
        period,
        degree,
        preamble: full[..start].to_vec(),
        channels,
    })
}

/// The recurrence ([`find_recurrence`], exact) and then the interlaced closed form of `seq`, if any.
pub fn closed_form(seq: &[Integer]) -> Option<InterlacedClosedForm> {
    let rec = find_recurrence(seq)?;
    closed_form_from_recurrence(seq, &rec)
}
