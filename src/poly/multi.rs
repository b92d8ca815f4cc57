//! Multivariate polynomials over ℚ, the entries of conservative matrix fields.
//!
//! An [`MPoly`] in `k` variables `x₀ … x_{k−1}` is the sparse sum `Σ c_m · x^m` over monomials
//! `x^m = x₀^{m₀}·…·x_{k−1}^{m_{k−1}}` with exact [`rug::Rational`] coefficients `c_m ≠ 0`. The
//! variables carry no names here; a field keeps the list of names (axes, then free parameters) and
//! passes it to [`MPoly::display`] and to the parser in [`super::ratfun`].

use super::Poly;
use rug::{Integer, Rational};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Exponent vector of a monomial, one entry per variable.
pub type Monomial = Vec<u32>;

/// A polynomial in `nvars` variables with rational coefficients (no zero coefficient is stored).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct MPoly {
    nvars: usize,
    terms: BTreeMap<Monomial, Rational>,
}

impl MPoly {
    /// The zero polynomial in `nvars` variables.
    pub fn zero(nvars: usize) -> MPoly {
        MPoly {
            nvars,
            terms: BTreeMap::new(),
        }
    }

    /// The constant `c`.
    pub fn constant(nvars: usize, c: impl Into<Rational>) -> MPoly {
        let mut p = MPoly::zero(nvars);
        p.add_term(vec![0; nvars], c.into());
        p
    }

    /// The variable `x_i`.
    pub fn var(nvars: usize, i: usize) -> MPoly {
        assert!(i < nvars, "variable {i} of {nvars}");
        let mut m = vec![0; nvars];
        m[i] = 1;
        let mut p = MPoly::zero(nvars);
        p.add_term(m, Rational::from(1));
        p
    }

    /// The polynomial `Σ c·x^m` of the given terms (zero coefficients dropped, equal monomials summed).
    pub fn from_terms(
        nvars: usize,
        terms: impl IntoIterator<Item = (Monomial, Rational)>,
    ) -> MPoly {
        let mut p = MPoly::zero(nvars);
        for (m, c) in terms {
            assert_eq!(m.len(), nvars, "monomial length");
            p.add_term(m, c);
        }
        p
    }

    /// Adds `c·x^m` in place.
    fn add_term(&mut self, m: Monomial, c: Rational) {
        if c == 0 {
            return;
        }
        match self.terms.entry(m) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(c);
            }
            std::collections::btree_map::Entry::Occupied(mut o) => {
                *o.get_mut() += c;
                if *o.get() == 0 {
                    o.remove();
                }
            }
        }
    }

    /// Number of variables.
    pub fn nvars(&self) -> usize {
        self.nvars
    }

    /// The terms `(m, c_m)` in increasing monomial order.
    pub fn terms(&self) -> impl Iterator<Item = (&Monomial, &Rational)> {
        self.terms.iter()
    }

    /// Number of nonzero terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether there are no terms (the zero polynomial).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether this is the zero polynomial.
    pub fn is_zero(&self) -> bool {
        self.terms.is_empty()
    }

    /// `Some(c)` if the polynomial is the constant `c` (including 0).
    pub fn as_constant(&self) -> Option<Rational> {
        match self.terms.len() {
            0 => Some(Rational::new()),
            1 => {
                let (m, c) = self.terms.iter().next()?;
                m.iter().all(|&e| e == 0).then(|| c.clone())
            }
            _ => None,
        }
    }

    /// Total degree (`None` for zero).
    pub fn total_degree(&self) -> Option<u32> {
        self.terms.keys().map(|m| m.iter().sum()).max()
    }

    /// Degree in the variable `x_i` (`None` for zero).
    pub fn degree_in(&self, i: usize) -> Option<u32> {
        self.terms.keys().map(|m| m[i]).max()
    }

    /// The monomial `x^m` with the smallest exponents dividing every term (`0` exponents for zero).
    pub fn monomial_gcd(&self) -> Monomial {
        let mut it = self.terms.keys();
        let Some(first) = it.next() else {
            return vec![0; self.nvars];
        };
        let mut g = first.clone();
        for m in it {
            for (a, b) in g.iter_mut().zip(m) {
                *a = (*a).min(*b);
            }
        }
        g
    }

    /// `p / x^m` for a monomial `x^m` dividing every term.
    pub fn div_monomial(&self, m: &Monomial) -> MPoly {
        MPoly {
            nvars: self.nvars,
            terms: self
                .terms
                .iter()
                .map(|(t, c)| (t.iter().zip(m).map(|(a, b)| a - b).collect(), c.clone()))
                .collect(),
        }
    }

    /// The same polynomial seen in `nvars ≥ self.nvars()` variables (new variables appended).
    pub fn widen(&self, nvars: usize) -> MPoly {
        assert!(nvars >= self.nvars);
        MPoly {
            nvars,
            terms: self
                .terms
                .iter()
                .map(|(m, c)| {
                    let mut m = m.clone();
                    m.resize(nvars, 0);
                    (m, c.clone())
                })
                .collect(),
        }
    }

    /// `k·p`.
    pub fn scale(&self, k: &Rational) -> MPoly {
        if *k == 0 {
            return MPoly::zero(self.nvars);
        }
        MPoly {
            nvars: self.nvars,
            terms: self
                .terms
                .iter()
                .map(|(m, c)| (m.clone(), Rational::from(c * k)))
                .collect(),
        }
    }

    /// `p^e` by repeated squaring.
    pub fn pow(&self, mut e: u32) -> MPoly {
        let mut base = self.clone();
        let mut acc = MPoly::constant(self.nvars, 1);
        while e > 0 {
            if e & 1 == 1 {
                acc = &acc * &base;
            }
            e >>= 1;
            if e > 0 {
                base = &base * &base;
            }
        }
        acc
    }

    /// `p(v)` at a rational point `v` (one value per variable).
    pub fn eval(&self, v: &[Rational]) -> Rational {
        assert_eq!(v.len(), self.nvars, "point dimension");
        let mut sum = Rational::new();
        for (m, c) in &self.terms {
            let mut t = c.clone();
            for (x, &e) in v.iter().zip(m) {
                if e > 0 {
                    t *= rpow(x, e);
                }
            }
            sum += t;
        }
        sum
    }

    /// The substitution `x_i → x_i + k` (a shift along one variable).
    pub fn shift(&self, i: usize, k: &Rational) -> MPoly {
        if *k == 0 {
            return self.clone();
        }
        let mut out = MPoly::zero(self.nvars);
        for (m, c) in &self.terms {
            // (x + k)^e = Σ_j C(e, j) k^{e−j} x^j
            let e = m[i];
            for j in 0..=e {
                let binom = Integer::from(Integer::binomial_u(e, j));
                let kp = rpow(k, e - j);
                let mut mm = m.clone();
                mm[i] = j;
                out.add_term(mm, (c * kp) * binom);
            }
        }
        out
    }

    /// The composition `p(q₀, …, q_{k−1})`: every variable `x_i` replaced by the polynomial `images[i]`
    /// (all images in one ring, which becomes the ring of the result).
    pub fn compose(&self, images: &[MPoly]) -> MPoly {
        assert_eq!(images.len(), self.nvars, "one image per variable");
        let target = images.first().map_or(0, |q| q.nvars);
        let mut powers: Vec<Vec<MPoly>> = images
            .iter()
            .map(|q| vec![MPoly::constant(q.nvars, 1)])
            .collect();
        let mut out = MPoly::zero(target);
        for (m, c) in &self.terms {
            let mut t = MPoly::constant(target, c.clone());
            for (i, &e) in m.iter().enumerate() {
                while powers[i].len() <= e as usize {
                    let next = powers[i].last().unwrap() * &images[i];
                    powers[i].push(next);
                }
                if e > 0 {
                    t = &t * &powers[i][e as usize];
                }
            }
            out = &out + &t;
        }
        out
    }

    /// The least common multiple of the coefficients' denominators.
    pub fn denominator_lcm(&self) -> Integer {
        self.terms
            .values()
            .fold(Integer::from(1), |l, c| l.lcm(c.denom()))
    }

    /// `(k, p/k)` with `p/k` having coprime integer coefficients and a positive leading coefficient
    /// (the last term in monomial order); `k = 1` for zero.
    pub fn primitive(&self) -> (Rational, MPoly) {
        if self.is_zero() {
            return (Rational::from(1), self.clone());
        }
        let l = self.denominator_lcm();
        let g = self.terms.values().fold(Integer::new(), |g, c| {
            g.gcd(&(Integer::from(c.numer() * &l) / c.denom()))
        });
        let mut k = Rational::from((g, l));
        if *self.terms.values().next_back().unwrap() < 0 {
            k = -k;
        }
        let inv = Rational::from(k.recip_ref());
        (k, self.scale(&inv))
    }

    /// Integer coefficients if every coefficient is an integer.
    pub fn integer_terms(&self) -> Option<Vec<(Monomial, Integer)>> {
        self.terms
            .iter()
            .map(|(m, c)| (*c.denom() == 1).then(|| (m.clone(), c.numer().clone())))
            .collect()
    }

    /// The univariate polynomial in one variable (`nvars = 1`) built from a [`Poly`].
    pub fn from_poly(p: &Poly) -> MPoly {
        MPoly::from_terms(
            1,
            p.coeffs()
                .iter()
                .enumerate()
                .map(|(i, c)| (vec![i as u32], Rational::from(c))),
        )
    }

    /// This univariate polynomial as a [`Poly`], if it has one variable and integer coefficients.
    pub fn to_poly(&self) -> Option<Poly> {
        if self.nvars != 1 {
            return None;
        }
        let deg = self.degree_in(0).unwrap_or(0) as usize;
        let mut coeffs = vec![Integer::new(); deg + 1];
        for (m, c) in &self.terms {
            if *c.denom() != 1 {
                return None;
            }
            coeffs[m[0] as usize] = c.numer().clone();
        }
        Some(Poly::new(coeffs))
    }

    /// sympy-style text with the given variable names, highest degree first: `x**2 + 2*x*y - 1/2`.
    pub fn display(&self, names: &[String]) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut out = String::new();
        for (m, c) in self.terms.iter().rev() {
            let neg = *c < 0;
            let abs = Rational::from(c.abs_ref());
            if out.is_empty() {
                if neg {
                    out.push('-');
                }
            } else {
                out.push_str(if neg { " - " } else { " + " });
            }
            let mut factors = Vec::new();
            for (i, &e) in m.iter().enumerate() {
                let name = names.get(i).cloned().unwrap_or_else(|| format!("x{i}"));
                match e {
                    0 => {}
                    1 => factors.push(name),
                    _ => factors.push(format!("{name}**{e}")),
                }
            }
            if factors.is_empty() {
                let _ = write!(out, "{abs}");
            } else {
                if abs != 1 {
                    let _ = write!(out, "{abs}*");
                }
                out.push_str(&factors.join("*"));
            }
        }
        out
    }

    fn check_ring(&self, o: &MPoly) {
        assert_eq!(self.nvars, o.nvars, "polynomials from different rings");
    }
}

impl std::ops::Add for &MPoly {
    type Output = MPoly;
    fn add(self, o: &MPoly) -> MPoly {
        self.check_ring(o);
        let mut out = self.clone();
        for (m, c) in &o.terms {
            out.add_term(m.clone(), c.clone());
        }
        out
    }
}

impl std::ops::Sub for &MPoly {
    type Output = MPoly;
    fn sub(self, o: &MPoly) -> MPoly {
        self.check_ring(o);
        let mut out = self.clone();
        for (m, c) in &o.terms {
            out.add_term(m.clone(), Rational::from(-c));
        }
        out
    }
}

impl std::ops::Neg for &MPoly {
    type Output = MPoly;
    fn neg(self) -> MPoly {
        self.scale(&Rational::from(-1))
    }
}

impl std::ops::Mul for &MPoly {
    type Output = MPoly;
    fn mul(self, o: &MPoly) -> MPoly {
        self.check_ring(o);
        let mut out = MPoly::zero(self.nvars);
        for (m1, c1) in &self.terms {
            for (m2, c2) in &o.terms {
                // x^{m1}·x^{m2} = x^{m1+m2}: exponents add
                let m: Monomial = m1
                    .iter()
                    .zip(m2)
                    .map(|(a, b)| a.saturating_add(*b))
                    .collect();
                out.add_term(m, Rational::from(c1 * c2));
            }
        }
        out
    }
}

/// `x^e`.
fn rpow(x: &Rational, e: u32) -> Rational {
    let mut acc = Rational::from(1);
    for _ in 0..e {
        acc *= x;
    }
    acc
}

/// A polynomial with integer coefficients prepared for fast evaluation at integer points.
#[derive(Clone, Debug)]
pub struct IntPoly {
    nvars: usize,
    terms: Vec<(Monomial, Integer)>,
}

impl IntPoly {
    /// `(P, d)` with `p = P/d`, `P` integral and `d > 0` the lcm of the coefficient denominators.
    pub fn from_mpoly(p: &MPoly) -> (IntPoly, Integer) {
        let d = p.denominator_lcm();
        let terms = p
            .terms()
            .map(|(m, c)| (m.clone(), Integer::from(c.numer() * &d) / c.denom()))
            .collect();
        (
            IntPoly {
                nvars: p.nvars(),
                terms,
            },
            d,
        )
    }

    /// The terms `(m, c_m)`.
    pub fn terms(&self) -> &[(Monomial, Integer)] {
        &self.terms
    }

    /// `P(v)` at an integer point, with `powers[i][e] = v_i^e` supplied by the caller.
    pub fn eval_with_powers(&self, powers: &[Vec<Integer>]) -> Integer {
        let mut sum = Integer::new();
        let mut t = Integer::new();
        for (m, c) in &self.terms {
            rug::Assign::assign(&mut t, c);
            for (i, &e) in m.iter().enumerate() {
                if e > 0 {
                    t *= &powers[i][e as usize];
                }
            }
            sum += &t;
        }
        sum
    }

    /// Highest exponent of each variable.
    pub fn max_exponents(&self) -> Vec<u32> {
        let mut out = vec![0; self.nvars];
        for (m, _) in &self.terms {
            for (o, &e) in out.iter_mut().zip(m) {
                *o = (*o).max(e);
            }
        }
        out
    }
}

/// `powers[i][e] = v_i^e` for `e ≤ max[i]`.
pub fn power_table(v: &[Integer], max: &[u32]) -> Vec<Vec<Integer>> {
    v.iter()
        .zip(max)
        .map(|(x, &m)| {
            let mut row = Vec::with_capacity(m as usize + 1);
            row.push(Integer::from(1));
            for e in 1..=m as usize {
                let next = Integer::from(&row[e - 1] * x);
                row.push(next);
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64) -> Rational {
        Rational::from(n)
    }

    #[test]
    fn shift_and_compose() {
        // (x + y)^2 with x → x + 1 is x² + 2xy + y² + 2x + 2y + 1
        let x = MPoly::var(2, 0);
        let y = MPoly::var(2, 1);
        let s = (&x + &y).pow(2);
        let shifted = s.shift(0, &r(1));
        let one = MPoly::constant(2, 1);
        assert_eq!(shifted, (&(&x + &y) + &one).pow(2));
        // compose x → n + 1, y → 2n in one variable n: (3n + 1)^2
        let n = MPoly::var(1, 0);
        let c = s.compose(&[&n + &MPoly::constant(1, 1), n.scale(&r(2))]);
        assert_eq!(
            c.to_poly().unwrap(),
            crate::poly::parse("(3n+1)^2").unwrap()
        );
        assert_eq!(MPoly::from_poly(&c.to_poly().unwrap()), c);
    }

    #[test]
    fn primitive_part() {
        let x = MPoly::var(1, 0);
        let p = &x.scale(&Rational::from((-4, 3))) + &MPoly::constant(1, Rational::from((2, 5)));
        let (k, q) = p.primitive();
        assert_eq!(k, Rational::from((-2, 15)));
        assert_eq!(q.display(&["n".into()]), "10*n - 3");
        assert_eq!(&q.scale(&k), &p);
    }
}
