//! The univariate long division of the polynomial layer (`poly::division`, `Poly::div_rem`,
//! `pseudo_div_rem`, `gcd`, `div_poly`) and its callers: the identity `a = q·b + r`, `deg r < deg b`;
//! uniqueness (a dividend built as `q₀·b + r₀` gives back `q₀, r₀`); the ℤ gcd against Euclid over ℚ;
//! the cyclotomic factorisation of products of known cyclotomic polynomials; the reduced ESMA
//! left-hand side against its defining properties.

use apery::esma::Lhs;
use apery::poly::division::div_rem;
use apery::poly::Poly;
use apery::sequence::cyclotomic_factorization;
use proptest::prelude::*;
use rug::{Integer, Rational};

/// Naive product of coefficient lists (lowest degree first), trailing zeros removed.
fn mul_q(a: &[Rational], b: &[Rational]) -> Vec<Rational> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Rational::new(); a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += Rational::from(x * y);
        }
    }
    trim_q(out)
}

fn add_q(a: &[Rational], b: &[Rational]) -> Vec<Rational> {
    let mut out = vec![Rational::new(); a.len().max(b.len())];
    for (i, x) in a.iter().enumerate() {
        out[i] += x;
    }
    for (i, x) in b.iter().enumerate() {
        out[i] += x;
    }
    trim_q(out)
}

fn trim_q(mut p: Vec<Rational>) -> Vec<Rational> {
    while p.last().is_some_and(|c| *c == 0) {
        p.pop();
    }
    p
}

fn rats(v: &[(i64, i64)]) -> Vec<Rational> {
    trim_q(v.iter().map(|&(n, d)| Rational::from((n, d))).collect())
}

fn poly(v: &[i64]) -> Poly {
    Poly::from_i64(v)
}

/// Euclid over ℚ with the generic division, made primitive with a positive leading coefficient: the
/// oracle for the primitive pseudo-remainder gcd over ℤ.
fn gcd_over_q(a: &Poly, b: &Poly) -> Poly {
    let to_q = |p: &Poly| -> Vec<Rational> { p.coeffs().iter().map(Rational::from).collect() };
    let (mut x, mut y) = (to_q(a), to_q(b));
    while !y.is_empty() {
        let r = div_rem(&x, &y).expect("division over ℚ").1;
        x = y;
        y = r;
    }
    let l = x.iter().fold(Integer::from(1), |l, c| l.lcm(c.denom()));
    let ints: Vec<Integer> = x
        .iter()
        .map(|c| Integer::from(c.numer() * &l) / c.denom())
        .collect();
    Poly::new(ints).primitive()
}

fn coeffs() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(-9i64..=9, 0..6)
}

fn rat_coeffs() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((-9i64..=9, 1i64..=5), 0..6)
}

#[test]
fn division_of_known_polynomials() {
    // n^4 − 1 = (n^3 + n^2 + n + 1)(n − 1)
    let (q, r) = poly(&[-1, 0, 0, 0, 1]).div_rem(&poly(&[-1, 1])).unwrap();
    assert_eq!(q, poly(&[1, 1, 1, 1]));
    assert!(r.is_zero());
    // 2n^2 + 3 by 2n + 1: lc(b)^2·a = 8n^2 + 12 = (4n − 2)(2n + 1) + 14
    let (q, r) = poly(&[3, 0, 2]).pseudo_div_rem(&poly(&[1, 2]));
    assert_eq!((q, r), (poly(&[-2, 4]), poly(&[14])));
    assert_eq!(poly(&[3, 0, 2]).div_rem(&poly(&[1, 2])), None);
    assert_eq!(poly(&[3, 0, 2]).div_rem(&Poly::default()), None);
    // Apéry's a(n) = (2n+1)(17n^2+17n+5) = 34n^3 + 51n^2 + 27n + 5
    let apery = poly(&[5, 27, 51, 34]);
    assert_eq!(apery.div_poly(&poly(&[1, 2])), Some(poly(&[5, 17, 17])));
    assert_eq!(apery.div_poly(&poly(&[1, 1])), None);
}

/// Cyclotomic polynomials Φ_d, from the tables (lowest degree first).
const CYCLOTOMIC: &[(usize, &[i64])] = &[
    (1, &[-1, 1]),
    (2, &[1, 1]),
    (3, &[1, 1, 1]),
    (4, &[1, 0, 1]),
    (5, &[1, 1, 1, 1, 1]),
    (6, &[1, -1, 1]),
    (8, &[1, 0, 0, 0, 1]),
    (10, &[1, -1, 1, -1, 1]),
    (12, &[1, 0, -1, 0, 1]),
];

/// The connection polynomial C(z) = z^k·χ(1/z) of a monic χ, as `cyclotomic_factorization` takes it.
fn connection(chi: &Poly) -> Vec<i64> {
    let mut c = chi.to_i64().unwrap();
    c.reverse();
    c
}

#[test]
fn cyclotomic_factorisation_of_known_products() {
    // (z^2 − 1)^2 (z^2 + z + 1) = Φ1² Φ2² Φ3
    let chi = [1usize, 1, 2, 2, 3]
        .iter()
        .fold(Poly::constant(1), |acc, &d| {
            let phi = CYCLOTOMIC.iter().find(|c| c.0 == d).unwrap().1;
            &acc * &poly(phi)
        });
    assert_eq!(
        cyclotomic_factorization(&connection(&chi)),
        Some(vec![(1, 2), (2, 2), (3, 1)])
    );
    // z − 2 is not cyclotomic
    assert_eq!(cyclotomic_factorization(&connection(&poly(&[-2, 1]))), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Over ℚ: a = q·b + r with deg r < deg b.
    #[test]
    fn rational_division_satisfies_the_identity(a in rat_coeffs(), b in rat_coeffs()) {
        let (a, b) = (rats(&a), rats(&b));
        prop_assume!(!b.is_empty());
        let (q, r) = div_rem(&a, &b).unwrap();
        prop_assert!(r.len() < b.len());
        prop_assert_eq!(add_q(&mul_q(&q, &b), &r), a);
    }

    /// Over ℚ, q and r are unique: a = q₀·b + r₀ (deg r₀ < deg b) gives back q₀ and r₀.
    #[test]
    fn rational_division_recovers_the_quotient_and_remainder(
        q0 in rat_coeffs(), b in rat_coeffs(), r0 in rat_coeffs(),
    ) {
        let (q0, b, mut r0) = (rats(&q0), rats(&b), rats(&r0));
        prop_assume!(!b.is_empty());
        r0.truncate(b.len() - 1);
        let r0 = trim_q(r0);
        let a = add_q(&mul_q(&q0, &b), &r0);
        prop_assert_eq!(div_rem(&a, &b).unwrap(), (q0, r0));
    }

    /// Over ℤ by a monic divisor (lc = ±1) the division always succeeds and recovers q₀, r₀.
    #[test]
    fn integer_division_by_a_monic_divisor_recovers_the_quotient_and_remainder(
        q0 in coeffs(), b in coeffs(), lead in prop_oneof![Just(1i64), Just(-1i64)], r0 in coeffs(),
    ) {
        let mut b = b;
        b.push(lead);
        let b = poly(&b);
        let q0 = poly(&q0);
        let r0 = poly(&r0[..r0.len().min(b.degree().unwrap())]);
        let a = &(&q0 * &b) + &r0;
        prop_assert_eq!(a.div_rem(&b), Some((q0.clone(), r0.clone())));
        prop_assert_eq!(a.div_poly(&b), r0.is_zero().then_some(q0));
    }

    /// Pseudo-division: lc(b)^δ·a = q·b + r, deg r < deg b, δ = max(deg a − deg b + 1, 0).
    #[test]
    fn pseudo_division_satisfies_the_identity(a in coeffs(), b in coeffs()) {
        let (a, b) = (poly(&a), poly(&b));
        prop_assume!(!b.is_zero());
        let (q, r) = a.pseudo_div_rem(&b);
        let db = b.degree().unwrap();
        prop_assert!(r.degree().is_none_or(|d| d < db));
        let delta = a.degree().map_or(0, |da| (da + 1).saturating_sub(db)) as u32;
        let lc = Integer::from(Integer::i_pow_u(b.leading().to_i32().unwrap(), delta));
        prop_assert_eq!(a.scale(&lc), &(&q * &b) + &r);
    }

    /// Exact division: (q₀·b)/b = q₀, and a non-zero remainder of lower degree leaves no quotient.
    #[test]
    fn exact_division_inverts_multiplication(q0 in coeffs(), b in coeffs(), r0 in coeffs()) {
        let (q0, b) = (poly(&q0), poly(&b));
        prop_assume!(!b.is_zero());
        prop_assert_eq!((&q0 * &b).div_poly(&b), Some(q0.clone()));
        let r0 = poly(&r0[..r0.len().min(b.degree().unwrap())]);
        if !r0.is_zero() {
            prop_assert_eq!((&(&q0 * &b) + &r0).div_poly(&b), None);
        }
    }

    /// The primitive pseudo-remainder gcd over ℤ equals Euclid's gcd over ℚ made primitive, divides
    /// both arguments, and contains every common factor f.
    #[test]
    fn integer_gcd_equals_euclid_over_the_rationals(f in coeffs(), u in coeffs(), v in coeffs()) {
        let (f, u, v) = (poly(&f), poly(&u), poly(&v));
        let (a, b) = (&f * &u, &f * &v);
        prop_assume!(!a.is_zero() || !b.is_zero());
        let g = a.gcd(&b);
        prop_assert_eq!(&g, &gcd_over_q(&a, &b));
        prop_assert!(g.leading() > 0);
        prop_assert_eq!(g.content(), 1);
        prop_assert!(a.div_poly(&g).is_some() && b.div_poly(&g).is_some());
        if !f.is_zero() {
            prop_assert!(g.div_poly(&f.primitive()).is_some());
        }
    }

    /// A product of cyclotomic polynomials factors into exactly those factors.
    #[test]
    fn cyclotomic_factorisation_of_products(mult in prop::collection::vec(0usize..3, CYCLOTOMIC.len())) {
        let mut chi = Poly::constant(1);
        let mut want = Vec::new();
        for (&(d, phi), &e) in CYCLOTOMIC.iter().zip(&mult) {
            for _ in 0..e {
                chi = &chi * &poly(phi);
            }
            if e > 0 {
                want.push((d, e));
            }
        }
        prop_assert_eq!(cyclotomic_factorization(&connection(&chi)), Some(want));
    }

    /// The reduced left-hand side P′/Q′ of P/Q is the same fraction up to sign (P·Q′ = ±Q·P′), with
    /// coprime P′, Q′ (their gcd is a constant), joint content 1 and positive leading coefficients;
    /// `None` exactly when P or Q is zero or P/Q is constant.
    #[test]
    fn reduced_lhs_is_the_same_fraction_in_lowest_terms(
        p in prop::collection::vec(-6i64..=6, 1..5), q in prop::collection::vec(-6i64..=6, 1..5),
        h in prop::collection::vec(-3i64..=3, 1..3),
    ) {
        // A common factor h makes the reduction do something.
        let (hp, hq) = (&poly(&p) * &poly(&h), &poly(&q) * &poly(&h));
        let (pv, qv) = (hp.to_i64().unwrap(), hq.to_i64().unwrap());
        let constant = !hp.is_zero() && !hq.is_zero()
            && hp.div_poly(&hp.gcd(&hq)).unwrap().degree() == Some(0)
            && hq.div_poly(&hp.gcd(&hq)).unwrap().degree() == Some(0);
        match Lhs::reduced(&pv, &qv) {
            None => prop_assert!(hp.is_zero() || hq.is_zero() || constant),
            Some(l) => {
                let (p2, q2) = (poly(&l.numerator), poly(&l.denominator));
                let (left, right) = (&hp * &q2, &hq * &p2);
                prop_assert!(left == right || left == right.neg());
                prop_assert_eq!(p2.gcd(&q2).degree(), Some(0));
                prop_assert_eq!(p2.content().gcd(&q2.content()), 1);
                prop_assert!(p2.leading() > 0 && q2.leading() > 0);
                prop_assert!(!constant);
                prop_assert_eq!(l.numerator.last().map(|&c| c != 0), Some(true));
                prop_assert_eq!(l.denominator.last().map(|&c| c != 0), Some(true));
            }
        }
    }
}
