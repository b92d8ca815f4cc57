//! Integer polynomials in one variable `n`, the building blocks of a PCF's `a(n)` and `b(n)`.
//!
//! A [`Poly`] stores `Σ cᵢ nⁱ` with arbitrary-size integer coefficients (lowest degree first);
//! [`parse`] reads the usual notations (`34n^3+51n^2+27n+5`, `-(2*n-1)*(n+1)`, `n**6`) and
//! [`parse_with_params`] reads a template whose coefficients depend on integer parameters.
//! [`division`] is the long division (over ℤ and ℚ) behind [`Poly::div_rem`], [`Poly::gcd`] and
//! [`Poly::div_poly`]; [`multi`] and [`ratfun`] hold multivariate polynomials and rational functions over ℚ (the entries of
//! conservative matrix fields), convertible from and to [`Poly`].

pub mod division;
pub mod multi;
mod parse;
pub mod ratfun;

pub use parse::{
    parse, parse_with_params, PolyExpr, PolyParseError, MAX_DEGREE, MAX_LEN, MAX_NESTING,
};

use rug::Integer;
use std::fmt;

/// An integer polynomial `p(n) = c₀ + c₁·n + … + c_d·n^d`, coefficients lowest degree first,
/// with no trailing zero coefficients (the zero polynomial has no coefficients).
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct Poly {
    coeffs: Vec<Integer>,
}

impl Poly {
    /// The polynomial with the given coefficients, lowest degree first (trailing zeros removed).
    pub fn new(mut coeffs: Vec<Integer>) -> Poly {
        while coeffs.last().is_some_and(|c| *c == 0) {
            coeffs.pop();
        }
        Poly { coeffs }
    }

    /// The polynomial with the given small coefficients, lowest degree first.
    pub fn from_i64(coeffs: &[i64]) -> Poly {
        Poly::new(coeffs.iter().map(|&c| Integer::from(c)).collect())
    }

    /// The constant polynomial `c`.
    pub fn constant(c: impl Into<Integer>) -> Poly {
        Poly::new(vec![c.into()])
    }

    /// The polynomial `n`.
    pub fn n() -> Poly {
        Poly::from_i64(&[0, 1])
    }

    /// Coefficients, lowest degree first.
    pub fn coeffs(&self) -> &[Integer] {
        &self.coeffs
    }

    /// Coefficients as `i64`, lowest degree first, if they all fit.
    pub fn to_i64(&self) -> Option<Vec<i64>> {
        self.coeffs.iter().map(|c| c.to_i64()).collect()
    }

    /// Degree; the zero polynomial has degree `None`.
    pub fn degree(&self) -> Option<usize> {
        self.coeffs.len().checked_sub(1)
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.coeffs.is_empty()
    }

    /// Leading coefficient (0 for the zero polynomial).
    pub fn leading(&self) -> Integer {
        self.coeffs.last().cloned().unwrap_or_default()
    }

    /// `p(n)` for an integer `n` (Horner's rule).
    pub fn eval(&self, n: i64) -> Integer {
        let mut acc = Integer::new();
        for c in self.coeffs.iter().rev() {
            acc *= n;
            acc += c;
        }
        acc
    }

    /// `p(n)` in double precision (Horner's rule), for the first pass.
    pub fn eval_f64(&self, n: f64) -> f64 {
        self.coeffs
            .iter()
            .rev()
            .fold(0.0, |acc, c| acc * n + c.to_f64())
    }

    /// The shifted polynomial `p(n + s)`.
    pub fn shift(&self, s: i64) -> Poly {
        // Horner with the polynomial (n + s).
        let lin = Poly::from_i64(&[s, 1]);
        let mut acc = Poly::default();
        for c in self.coeffs.iter().rev() {
            acc = &(&acc * &lin) + &Poly::constant(c.clone());
        }
        acc
    }

    /// `−p(n)`.
    pub fn neg(&self) -> Poly {
        Poly::new(self.coeffs.iter().map(|c| Integer::from(-c)).collect())
    }

    /// `k·p(n)`.
    pub fn scale(&self, k: &Integer) -> Poly {
        Poly::new(self.coeffs.iter().map(|c| Integer::from(c * k)).collect())
    }

    /// Content: the non-negative gcd of the coefficients (0 for the zero polynomial).
    pub fn content(&self) -> Integer {
        self.coeffs.iter().fold(Integer::new(), |g, c| g.gcd(c))
    }

    /// Exact division of every coefficient by `k` (which must divide the content).
    pub fn div_exact(&self, k: &Integer) -> Poly {
        Poly::new(
            self.coeffs
                .iter()
                .map(|c| Integer::from(c.div_exact_ref(k)))
                .collect(),
        )
    }

    /// Primitive part with a positive leading coefficient: `p / (±content)`.
    pub fn primitive(&self) -> Poly {
        if self.is_zero() {
            return self.clone();
        }
        let mut g = self.content();
        if self.leading() < 0 {
            g = -g;
        }
        self.div_exact(&g)
    }

    /// Division with remainder over ℤ: `(q, r)` with `self = q·d + r`, `deg r < deg d`, or `None` if
    /// `d = 0` or no such integer `q, r` exist (always `Some` when `lc(d) = ±1`). See
    /// [`division::div_rem`].
    pub fn div_rem(&self, d: &Poly) -> Option<(Poly, Poly)> {
        let (q, r) = division::div_rem(&self.coeffs, &d.coeffs)?;
        Some((Poly { coeffs: q }, Poly { coeffs: r }))
    }

    /// Pseudo-division: `(q, r)` with `lc(d)^δ·self = q·d + r`, `deg r < deg d`, where
    /// `δ = max(deg self − deg d + 1, 0)`; `q, r` are integral for every `d ≠ 0`.
    ///
    /// # Panics
    /// If `d` is the zero polynomial.
    pub fn pseudo_div_rem(&self, d: &Poly) -> (Poly, Poly) {
        let dd = d.degree().expect("division by the zero polynomial");
        let delta = self.degree().map_or(0, |da| (da + 1).saturating_sub(dd));
        let scale = rug::ops::Pow::pow(d.leading(), delta as u32);
        self.scale(&scale)
            .div_rem(d)
            .expect("lc(d)^δ·a is divisible with remainder by d over ℤ")
    }

    /// Greatest common divisor over ℚ, returned primitive with a positive leading coefficient
    /// (primitive pseudo-remainder sequence: `gcd(a, b) = gcd(b, pp(prem(a, b)))`).
    pub fn gcd(&self, other: &Poly) -> Poly {
        let (mut a, mut b) = (self.primitive(), other.primitive());
        while !b.is_zero() {
            let r = a.pseudo_div_rem(&b).1.primitive();
            a = b;
            b = r;
        }
        a
    }

    /// Exact quotient `self / d` over ℤ when `d` divides `self` with integer coefficients
    /// (`self = q·d`), else `None`.
    pub fn div_poly(&self, d: &Poly) -> Option<Poly> {
        let (q, r) = self.div_rem(d)?;
        r.is_zero().then_some(q)
    }

    /// Human-readable form such as `34n^3 + 51n^2 + 27n + 5`.
    pub fn pretty(&self) -> String {
        self.render(false)
    }

    /// Form readable by Python/SymPy and by [`parse`], such as `34*n**3 + 51*n**2 + 27*n + 5`.
    pub fn python(&self) -> String {
        self.render(true)
    }

    /// LaTeX form such as `34n^{3} + 51n^{2} + 27n + 5`.
    pub fn latex(&self) -> String {
        self.render_with(|k| format!("n^{{{k}}}"), "")
    }

    fn render(&self, python: bool) -> String {
        if python {
            self.render_with(|k| format!("n**{k}"), "*")
        } else {
            self.render_with(|k| format!("n^{k}"), "")
        }
    }

    fn render_with(&self, power: impl Fn(usize) -> String, times: &str) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut out = String::new();
        for (k, c) in self.coeffs.iter().enumerate().rev() {
            if *c == 0 {
                continue;
            }
            let neg = *c < 0;
            let abs = Integer::from(c.abs_ref());
            if out.is_empty() {
                if neg {
                    out.push('-');
                }
            } else {
                out.push_str(if neg { " - " } else { " + " });
            }
            let var = match k {
                0 => String::new(),
                1 => "n".into(),
                _ => power(k),
            };
            if var.is_empty() {
                out.push_str(&abs.to_string());
            } else if abs == 1 {
                out.push_str(&var);
            } else {
                out.push_str(&format!("{abs}{times}{var}"));
            }
        }
        out
    }
}

impl fmt::Display for Poly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pretty())
    }
}

impl Poly {
    /// Coefficient-wise combination `f(self_i, other_i)` (missing coefficients are 0).
    fn zip_with(&self, o: &Poly, f: impl Fn(&Integer, &Integer) -> Integer) -> Poly {
        let n = self.coeffs.len().max(o.coeffs.len());
        let zero = Integer::new();
        Poly::new(
            (0..n)
                .map(|i| {
                    f(
                        self.coeffs.get(i).unwrap_or(&zero),
                        o.coeffs.get(i).unwrap_or(&zero),
                    )
                })
                .collect(),
        )
    }
}

impl std::ops::Add for &Poly {
    type Output = Poly;
    fn add(self, o: &Poly) -> Poly {
        self.zip_with(o, |x, y| Integer::from(x + y))
    }
}

impl std::ops::Sub for &Poly {
    type Output = Poly;
    fn sub(self, o: &Poly) -> Poly {
        self.zip_with(o, |x, y| Integer::from(x - y))
    }
}

impl std::ops::Mul for &Poly {
    type Output = Poly;
    fn mul(self, o: &Poly) -> Poly {
        if self.is_zero() || o.is_zero() {
            return Poly::default();
        }
        let mut out = vec![Integer::new(); self.coeffs.len() + o.coeffs.len() - 1];
        for (i, x) in self.coeffs.iter().enumerate() {
            for (j, y) in o.coeffs.iter().enumerate() {
                out[i + j] += x * y;
            }
        }
        Poly::new(out)
    }
}

/// The positive divisors `d | n` of `|n|`, for `0 < |n| ≤ 10¹²` (`None` otherwise: 0 has no finite
/// list and larger numbers are not factored by trial division), in pairs `d, |n|/d` by increasing
/// `d ≤ √|n|`. Used for the rational-root candidates `p/q`, `p | c₀`, `q | c_d`.
pub fn small_divisors(n: &Integer) -> Option<Vec<i64>> {
    let n = n.clone().abs().to_i64()?;
    if n == 0 || n > 1_000_000_000_000 {
        return None;
    }
    let mut out = Vec::new();
    let mut d = 1;
    while d * d <= n {
        if n % d == 0 {
            out.push(d);
            if d * d != n {
                out.push(n / d);
            }
        }
        d += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_divisors_are_all_divisors_against_a_slow_count() {
        for n in [-360i64, -1, 1, 12, 97, 1001, 65536] {
            let mut d = small_divisors(&Integer::from(n)).unwrap();
            d.sort_unstable();
            let slow: Vec<i64> = (1..=n.abs()).filter(|k| n % k == 0).collect();
            assert_eq!(d, slow, "n = {n}");
        }
        assert_eq!(small_divisors(&Integer::from(0)), None);
        assert_eq!(small_divisors(&Integer::from(10i64.pow(13))), None);
    }

    #[test]
    fn arithmetic_and_printing() {
        let p = parse("34n^3+51n^2+27n+5").unwrap();
        assert_eq!(p, Poly::from_i64(&[5, 27, 51, 34]));
        assert_eq!(p.pretty(), "34n^3 + 51n^2 + 27n + 5");
        assert_eq!(parse(&p.python()).unwrap(), p);
        // (n+1)^3 + n^3 = 2n^3 + 3n^2 + 3n + 1, and Apéry's a(n) = 17((n+1)^3+n^3) - 12(2n+1)... check shift
        let q = parse("(n+1)^3 + n^3").unwrap();
        assert_eq!(q, Poly::from_i64(&[1, 3, 3, 2]));
        assert_eq!(
            Poly::from_i64(&[0, 0, 0, 1]).shift(1),
            parse("(n+1)**3").unwrap()
        );
        assert_eq!(p.eval(2), Integer::from(34 * 8 + 51 * 4 + 27 * 2 + 5));
    }

    #[test]
    fn gcd_and_division() {
        let a = parse("(2n+1)*(n-3)*(n+2)").unwrap();
        let b = parse("(4n+2)*(n+2)*(n^2+1)").unwrap();
        assert_eq!(a.gcd(&b), parse("(2n+1)*(n+2)").unwrap());
        let q = a.div_poly(&parse("2n+1").unwrap()).unwrap();
        assert_eq!(q, parse("(n-3)*(n+2)").unwrap());
        assert!(a.div_poly(&parse("n+5").unwrap()).is_none());
        assert_eq!(parse("6n^2+4").unwrap().content(), 2);
    }
}
