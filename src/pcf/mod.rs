//! Polynomial continued fractions (PCFs).
//!
//! `value = a(0) + b(1)/(a(1) + b(2)/(a(2) + …))`, with convergents `p_n/q_n` given by
//! `p_{-1} = 1, p_0 = a(0), q_{-1} = 0, q_0 = 1` and
//! `p_n = a(n)·p_{n-1} + b(n)·p_{n-2}` (same for `q`), i.e. the last column of
//! `A·M(1)·…·M(n)` with `A = [[1, a(0)], [0, 1]]` and `M(n) = [[0, b(n)], [1, a(n)]]`.
//!
//! * [`convergents`]: exact big-integer convergents (sequential and product tree);
//! * [`first_pass`]: a cheap double-precision evaluation for screening millions of PCFs;
//! * [`limit`]: the limit with the number of digits that are actually certain;
//! * [`canonical`]: the canonical form under inflation and sign flips, for deduplication.

pub mod canonical;
pub mod convergents;
pub mod factorial_reduction;
pub mod first_pass;
pub mod limit;

use crate::poly::{parse, Poly, PolyParseError};
use std::fmt;

/// A polynomial continued fraction `a(0) + K_{n≥1} b(n)/a(n)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pcf {
    /// Partial denominators `a(n)`.
    pub a: Poly,
    /// Partial numerators `b(n)`.
    pub b: Poly,
}

impl Pcf {
    /// The PCF with the given polynomials.
    pub fn new(a: Poly, b: Poly) -> Pcf {
        Pcf { a, b }
    }

    /// Parses `a(n)` and `b(n)` from expressions such as `"34n^3+51n^2+27n+5"` and `"-n^6"`.
    pub fn parse(a: &str, b: &str) -> Result<Pcf, PolyParseError> {
        Ok(Pcf::new(parse(a)?, parse(b)?))
    }

    /// The PCF from small coefficient vectors, lowest degree first.
    pub fn from_i64(a: &[i64], b: &[i64]) -> Pcf {
        Pcf::new(Poly::from_i64(a), Poly::from_i64(b))
    }

    /// The LaTeX equation `value = a(0) + \cfrac{b(1)}{a(1) + \cfrac{b(2)}{a(2) + \dots}}` with the
    /// first terms written out and the general term `b(n)/a(n)`.
    pub fn latex(&self) -> String {
        let t = |p: &Poly, n: i64| p.eval(n).to_string();
        format!(
            "{a0} + \\cfrac{{{b1}}}{{{a1} + \\cfrac{{{b2}}}{{{a2} + \\cfrac{{{b3}}}{{{a3} + \\ddots + \\cfrac{{{bn}}}{{{an} + \\ddots}}}}}}}}",
            a0 = t(&self.a, 0),
            a1 = t(&self.a, 1),
            a2 = t(&self.a, 2),
            a3 = t(&self.a, 3),
            b1 = t(&self.b, 1),
            b2 = t(&self.b, 2),
            b3 = t(&self.b, 3),
            an = self.a.latex(),
            bn = self.b.latex(),
        )
    }
}

/// A proof that a PCF diverges: the balanced-degree rule.
///
/// With `deg b = 2·deg a = 2d`, the step matrix scaled by `n^{−d}` tends to
/// `[[0, lead(b)], [1, lead(a)]]`, whose eigenvalues solve `λ² − lead(a)·λ − lead(b) = 0`. When
/// `lead(a)² + 4·lead(b) < 0` they are complex conjugates of equal modulus: the convergents rotate
/// instead of settling, and the continued fraction has no limit (the enumeration skips these PCFs
/// for the same reason; `4·lead(b) = −lead(a)²` is the parabolic, slowly converging case and is kept).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// `lead(a)`.
    pub lead_a: rug::Integer,
    /// `lead(b)`.
    pub lead_b: rug::Integer,
    /// `deg a` (`deg b = 2·deg a`).
    pub deg_a: usize,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "deg b = 2·deg a = {} and 4·lead(b) = {} < −lead(a)² = {}: the limiting step matrix has complex eigenvalues of equal modulus, so the convergents oscillate",
            2 * self.deg_a,
            rug::Integer::from(&self.lead_b * 4),
            -rug::Integer::from(self.lead_a.square_ref())
        )
    }
}

impl Pcf {
    /// `Some` when the balanced-degree rule ([`Divergence`]) proves that the PCF diverges.
    pub fn divergence(&self) -> Option<Divergence> {
        let (da, db) = (self.a.degree()?, self.b.degree()?);
        if db != 2 * da {
            return None;
        }
        let (la, lb) = (self.a.leading(), self.b.leading());
        let disc = rug::Integer::from(la.square_ref()) + rug::Integer::from(&lb * 4);
        (disc < 0).then_some(Divergence {
            lead_a: la,
            lead_b: lb,
            deg_a: da,
        })
    }
}

impl fmt::Display for Pcf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a(n) = {}, b(n) = {}", self.a, self.b)
    }
}
