//! Property tests of the multivariate polynomial and rational-function layer: ring laws, evaluation
//! as a ring homomorphism (checked against a naive term-by-term oracle), shifts, printing/parsing.

use apery::poly::multi::MPoly;
use apery::poly::ratfun::{RatFun, Scope};
use apery::poly::Poly;
use proptest::prelude::*;
use rug::{Integer, Rational};

const NV: usize = 3;

/// Raw terms `(exponents, numerator, denominator)`; duplicates allowed (the oracle sums them).
type Raw = Vec<([u32; NV], i64, i64)>;

fn raw() -> impl Strategy<Value = Raw> {
    prop::collection::vec(
        (
            [0u32..4, 0u32..4, 0u32..3],
            -20i64..=20,
            prop_oneof![Just(1i64), 1i64..=6],
        ),
        0..6,
    )
}

fn build(r: &Raw) -> MPoly {
    MPoly::from_terms(
        NV,
        r.iter()
            .map(|(m, n, d)| (m.to_vec(), Rational::from((*n, *d)))),
    )
}

/// The oracle: evaluate the raw terms one by one (no merging, no maps).
fn oracle(r: &Raw, v: &[i64; NV]) -> Rational {
    let mut s = Rational::new();
    for (m, n, d) in r {
        let mut t = Rational::from((*n, *d));
        for (x, e) in v.iter().zip(m) {
            for _ in 0..*e {
                t *= *x;
            }
        }
        s += t;
    }
    s
}

fn point(v: &[i64; NV]) -> Vec<Rational> {
    v.iter().map(|&x| Rational::from(x)).collect()
}

fn names() -> Vec<String> {
    vec!["x".into(), "y".into(), "z".into()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn evaluation_matches_oracle(a in raw(), v in [-5i64..=5, -5i64..=5, -5i64..=5]) {
        prop_assert_eq!(build(&a).eval(&point(&v)), oracle(&a, &v));
    }

    #[test]
    fn evaluation_is_a_ring_homomorphism(a in raw(), b in raw(), v in [-5i64..=5, -5i64..=5, -5i64..=5]) {
        let (p, q) = (build(&a), build(&b));
        let (pa, qb) = (oracle(&a, &v), oracle(&b, &v));
        prop_assert_eq!((&p * &q).eval(&point(&v)), Rational::from(&pa * &qb));
        prop_assert_eq!((&p + &q).eval(&point(&v)), Rational::from(&pa + &qb));
        prop_assert_eq!((&p - &q).eval(&point(&v)), Rational::from(&pa - &qb));
    }

    #[test]
    fn ring_laws(a in raw(), b in raw(), c in raw()) {
        let (p, q, r) = (build(&a), build(&b), build(&c));
        prop_assert_eq!(&p * &q, &q * &p);
        prop_assert_eq!(&p + &q, &q + &p);
        prop_assert_eq!(&(&p * &q) * &r, &p * &(&q * &r));
        prop_assert_eq!(&p * &(&q + &r), &(&p * &q) + &(&p * &r));
        prop_assert!((&p - &p).is_zero());
        prop_assert_eq!(&p * &MPoly::constant(NV, 1), p.clone());
        prop_assert_eq!(p.pow(3), &(&p * &p) * &p);
    }

    #[test]
    fn shift_is_substitution(a in raw(), k in -4i64..=4, v in [-5i64..=5, -5i64..=5, -5i64..=5]) {
        let p = build(&a);
        let mut w = v;
        w[1] += k;
        prop_assert_eq!(p.shift(1, &Rational::from(k)).eval(&point(&v)), oracle(&a, &w));
    }

    #[test]
    fn printed_form_parses_back(a in raw(), b in raw()) {
        let scope = Scope::new(&names());
        let p = build(&a);
        let text = p.display(&names());
        let back = scope.parse(&text).unwrap();
        prop_assert!(back.is_poly());
        prop_assert_eq!(back.num(), &p);
        let q = build(&b);
        if !q.is_zero() {
            let f = RatFun::new(p.clone(), q.clone());
            let g = scope.parse(&f.display(&names())).unwrap();
            prop_assert!(g.same_as(&f));
        }
    }

    #[test]
    fn rational_function_field_laws(a in raw(), b in raw(), c in raw(), d in raw(), v in [-5i64..=5, -5i64..=5, -5i64..=5]) {
        let (pa, pb, pc, pd) = (build(&a), build(&b), build(&c), build(&d));
        prop_assume!(!pb.is_zero() && !pd.is_zero());
        let f = RatFun::new(pa, pb);
        let g = RatFun::new(pc, pd);
        // (f + g)·g = f·g + g² and f/g·g = f
        prop_assert!((&(&f + &g) * &g).same_as(&(&(&f * &g) + &(&g * &g))));
        if !g.is_zero() {
            prop_assert!((&f.div(&g).unwrap() * &g).same_as(&f));
        }
        // evaluation commutes with + and · where both sides are defined
        if let (Ok(fv), Ok(gv)) = (f.eval(&point(&v)), g.eval(&point(&v))) {
            prop_assert_eq!((&f * &g).eval(&point(&v)).unwrap(), Rational::from(&fv * &gv));
            prop_assert_eq!((&f + &g).eval(&point(&v)).unwrap(), Rational::from(&fv + &gv));
        }
    }

    #[test]
    fn univariate_round_trip(c in prop::collection::vec(-50i64..=50, 0..7)) {
        let p = Poly::from_i64(&c);
        let m = MPoly::from_poly(&p);
        prop_assert_eq!(m.to_poly().unwrap(), p.clone());
        for n in -3i64..=3 {
            prop_assert_eq!(m.eval(&[Rational::from(n)]), Rational::from(p.eval(n)));
        }
    }
}

#[test]
fn reduce_cancels_the_gcd() {
    let s = Scope::new(&["n".to_string()]);
    let f = s
        .parse("(n + 1)**3*(2*n + 1)/(6*n**3*(n + 1)**2)")
        .unwrap()
        .reduce();
    assert_eq!(f.display(&s.vars), "(1/3*n**2 + 1/2*n + 1/6)/(n**3)");
    assert_eq!(
        f.den().to_poly().unwrap(),
        Poly::new(vec![
            Integer::new(),
            Integer::new(),
            Integer::new(),
            Integer::from(1)
        ])
    );
}
