//! The canonical form of a PCF under inflations and sign flips.
//!
//! By the equivalence transformation of continued fractions,
//! `a(0) + K b(n)/a(n) = a(0)·(1 + K (b(n)/(a(n)a(n−1))) / 1)`, so the rational function
//!
//! `R(n) = P(n)/Q(n) = b(n) / (a(n)·a(n−1))`  (reduced, `Q` primitive with positive leading coefficient)
//!
//! determines the formula up to the factor `a(0)`. It is unchanged by an inflation
//! `a → c(n)·a`, `b → c(n)c(n−1)·b` (limit × c(0)), by a constant inflation `(k·a, k²·b)` and by the
//! sign flip `(−a, b)` (limit × −1), so PCFs with the same `R` are one formula (LIReC's
//! "semi-canonical form"). [`CanonicalKey`] is that `R`.

use super::Pcf;
use crate::poly::Poly;
use rug::Integer;
use std::fmt;

/// The reduced rational function `b(n)/(a(n)a(n−1))` identifying a PCF up to inflation.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CanonicalKey {
    /// Numerator `P`.
    pub p: Poly,
    /// Denominator `Q` (primitive, positive leading coefficient).
    pub q: Poly,
}

impl CanonicalKey {
    /// The canonical key of a PCF.
    pub fn of(pcf: &Pcf) -> CanonicalKey {
        let num = pcf.b.clone();
        let den = &pcf.a * &pcf.a.shift(-1);
        if num.is_zero() || den.is_zero() {
            return CanonicalKey { p: num, q: den };
        }
        let g = num.gcd(&den);
        let mut p = num.div_poly(&g).expect("gcd divides b");
        let mut q = den.div_poly(&g).expect("gcd divides a(n)a(n-1)");
        let c = p.content().gcd(&q.content());
        p = p.div_exact(&c);
        q = q.div_exact(&c);
        if q.leading() < 0 {
            p = p.neg();
            q = q.neg();
        }
        CanonicalKey { p, q }
    }
}

impl fmt::Display for CanonicalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({})/({})", self.p.python(), self.q.python())
    }
}

/// The "simplicity" order used to pick a representative among equivalent PCFs: lower total degree,
/// then smaller sum of absolute coefficients, then a non-negative leading coefficient of `a(n)`
/// before a negative one (so `(a, b)` is preferred to its sign flip `(−a, b)`), then the
/// coefficient vectors.
pub fn simplicity(pcf: &Pcf) -> (usize, Integer, bool, Vec<Integer>, Vec<Integer>) {
    let deg = pcf.a.degree().unwrap_or(0) + pcf.b.degree().unwrap_or(0);
    let size: Integer = pcf
        .a
        .coeffs()
        .iter()
        .chain(pcf.b.coeffs())
        .map(|c| Integer::from(c.abs_ref()))
        .sum();
    let negative_a = pcf.a.leading() < 0;
    (
        deg,
        size,
        negative_a,
        pcf.a.coeffs().to_vec(),
        pcf.b.coeffs().to_vec(),
    )
}

/// [`simplicity`] as a string whose lexicographic order is the simplicity order (for the catalog).
pub fn simplicity_key(pcf: &Pcf) -> String {
    let (deg, size, negative_a, a, b) = simplicity(pcf);
    let join = |v: &[Integer]| {
        v.iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    // The sign flag precedes the coefficients: as text, "-34" sorts before "34".
    let sign = u8::from(negative_a);
    format!("{deg:03}:{size:030}:{sign}:{}:{}", join(&a), join(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the text order put "-34…" before "34…", so a CMF trajectory that produced
    /// Apéry's PCF with a negated `a(n)` replaced the search's `(34n³+…, −n⁶)` row.
    #[test]
    fn simplicity_prefers_the_positive_sign_of_a() {
        let pos = Pcf::parse("34n^3+51n^2+27n+5", "-n^6").unwrap();
        let neg = Pcf::parse("-34n^3-51n^2-27n-5", "-n^6").unwrap();
        assert_eq!(CanonicalKey::of(&pos), CanonicalKey::of(&neg));
        assert!(simplicity(&pos) < simplicity(&neg));
        assert!(simplicity_key(&pos) < simplicity_key(&neg));
    }

    #[test]
    fn inflations_collapse() {
        let base = Pcf::parse("2n+1", "n^2").unwrap();
        let key = CanonicalKey::of(&base);
        // inflation by c(n) = n + 2: a → (n+2)(2n+1), b → (n+2)(n+1) n²
        let infl = Pcf::parse("(n+2)(2n+1)", "(n+2)(n+1)n^2").unwrap();
        assert_eq!(CanonicalKey::of(&infl), key);
        // constant inflation by 3 and the sign flip
        assert_eq!(CanonicalKey::of(&Pcf::parse("6n+3", "9n^2").unwrap()), key);
        assert_eq!(CanonicalKey::of(&Pcf::parse("-2n-1", "n^2").unwrap()), key);
        // a different formula
        assert_ne!(CanonicalKey::of(&Pcf::parse("2n+1", "2n^2").unwrap()), key);
        // Validation rows R3 ≡ L14 (constant inflation of Zeta3Domain1): same key.
        let r3 = Pcf::parse("(2*n+1)*(3*n**2+3*n+1)", "-n**6").unwrap();
        let l14 = Pcf::parse("n*(n*(6*n+9)+5)+1", "-n**6").unwrap();
        assert_eq!(CanonicalKey::of(&r3), CanonicalKey::of(&l14));
        assert_eq!(key.to_string(), "(n**2)/(4*n**2 - 1)");
    }
}
