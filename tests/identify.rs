//! Integration tests of `apery::identify`: PSLQ, the quality gate, Möbius identification by table and
//! by PSLQ, multi-constant relations and the must-not-misidentify cases of algorithms.md §6.3.

use apery::identify::{
    identify_mobius, identify_relation, pslq, Identification, MobiusTable, PslqConfig, PslqOutcome,
    PslqStop,
};
use apery::precision::SignificantDigits;
use rug::float::Constant;
use rug::{Float, Integer};

/// Bits for 200 digits plus guard.
const PREC: u32 = 700;

fn pi(prec: u32) -> Float {
    Float::with_val(prec, Constant::Pi)
}
fn e(prec: u32) -> Float {
    Float::with_val(prec, 1).exp()
}
fn zeta3(prec: u32) -> Float {
    Float::with_val(prec, Float::zeta_u(3))
}
fn ln(prec: u32, v: u32) -> Float {
    Float::with_val(prec, v).ln()
}
fn catalan(prec: u32) -> Float {
    Float::with_val(prec, Constant::Catalan)
}

fn targets(prec: u32) -> Vec<(String, Float)> {
    vec![
        ("π".to_string(), pi(prec)),
        ("e".to_string(), e(prec)),
        ("ζ(3)".to_string(), zeta3(prec)),
    ]
}

fn ints(v: &[i64]) -> Vec<Integer> {
    v.iter().map(|&x| Integer::from(x)).collect()
}

/// The six Möbius cases: (x, target index in `targets`, normalised [c0, c1, d0, d1], formula).
fn mobius_cases(prec: u32) -> Vec<(Float, usize, [i64; 4], &'static str)> {
    let p = pi(prec);
    let z = zeta3(prec);
    let ee = e(prec);
    vec![
        (Float::with_val(prec, 4 / &p), 0, [4, 0, 0, 1], "x = 4/π"),
        (Float::with_val(prec, 6 / &z), 2, [6, 0, 0, 1], "x = 6/ζ(3)"),
        (
            Float::with_val(prec, &ee / Float::with_val(prec, &ee - 2u32)),
            1,
            [0, -1, 2, -1],
            "x = e/(e - 2)",
        ),
        (
            Float::with_val(prec, &ee + 1u32) / Float::with_val(prec, &ee - 1u32),
            1,
            [-1, -1, 1, -1],
            "x = (e + 1)/(e - 1)",
        ),
        (
            Float::with_val(prec, 8 / Float::with_val(prec, &z * 7u32)),
            2,
            [8, 0, 0, 7],
            "x = 8/(7*ζ(3))",
        ),
        (
            Float::with_val(prec, 3 / Float::with_val(prec, 3 - &ee)),
            1,
            [3, 0, 3, -1],
            "x = -3/(e - 3)",
        ),
    ]
}

#[test]
fn table_identifies_mobius_values_from_f64() {
    let table = MobiusTable::build(&targets(128), 20).unwrap();
    // r = 20: 41² · (20·41 + 20) tuples before the gcd and determinant exclusions, per target.
    assert!(table.len() > 3 * 1_200_000 && table.len() < 3 * 1_420_000);
    for (x, target, coeffs, formula) in mobius_cases(PREC) {
        let xf = x.to_f64();
        let hits: Vec<_> = table.lookup(xf, 1e-13).collect();
        let hit = hits
            .iter()
            .find(|c| c.target == target && c.coefficients == coeffs)
            .unwrap_or_else(|| panic!("{formula} not found in the table: {hits:?}"));
        let id = table.identification(hit).unwrap();
        assert_eq!(id.formula(), formula);
        // The f64 candidate verifies to the full 200 digits against the true constant.
        let k = targets(PREC)[target].1.clone();
        assert!(id.verify(&x, &[k]) >= 200, "{formula}");
    }
}

#[test]
fn table_lookup_returns_every_entry_in_the_window() {
    let table = MobiusTable::build(&targets(128)[..1], 10)
        .unwrap()
        .with_rational_filter(0);
    // Brute force over the table's own definition for a few windows around π-values.
    let p = std::f64::consts::PI;
    for (x, tol) in [(1.0 / p, 1e-3), (p, 1e-2), (-2.5, 1e-2), (0.3, 5e-3)] {
        let got: Vec<[i64; 4]> = table.lookup(x, tol).map(|c| c.coefficients).collect();
        let mut expected = Vec::new();
        for d0 in 0..=10i64 {
            for d1 in -10..=10i64 {
                if d0 == 0 && d1 <= 0 {
                    continue;
                }
                for c0 in -10..=10i64 {
                    for c1 in -10..=10i64 {
                        let g = Integer::from(c0)
                            .gcd(&Integer::from(c1))
                            .gcd(&Integer::from(d0));
                        if c0 * d1 == c1 * d0 || g.gcd(&Integer::from(d1)) != 1 {
                            continue;
                        }
                        let v = (c0 as f64 + c1 as f64 * p) / (d0 as f64 + d1 as f64 * p);
                        // Exclude values within rounding of the window edge from the comparison.
                        let margin = (v - x).abs() - tol * x.abs();
                        if margin.abs() < 1e-12 {
                            continue;
                        }
                        if margin < 0.0 {
                            expected.push([c0, c1, d0, d1]);
                        }
                    }
                }
            }
        }
        assert!(!expected.is_empty());
        for c in &expected {
            assert!(got.contains(c), "window around {x} misses {c:?}");
        }
    }
}

#[test]
fn table_filters_simple_rationals() {
    let table = MobiusTable::build(&targets(128)[..1], 20).unwrap();
    // Möbius values of π are repelled from rationals with small denominators (v − p/q has numerator
    // a + bπ with small a, b), but with denominators up to 1000 and a loose tolerance some fall inside.
    let mut unfiltered_hits = 0;
    for q in 2..=60u32 {
        for p in 1..q {
            let x = f64::from(p) / f64::from(q) + f64::from(q % 3);
            unfiltered_hits += table.lookup_unfiltered(x, 1e-7).count();
            assert_eq!(table.lookup(x, 1e-7).count(), 0, "{p}/{q}");
        }
    }
    assert!(unfiltered_hits > 0);
    assert!(table
        .lookup(4.0 / std::f64::consts::PI, 1e-12)
        .next()
        .is_some());
}

#[test]
fn pslq_identifies_mobius_values() {
    let t = targets(PREC);
    for (x, target, coeffs, formula) in mobius_cases(PREC) {
        let id = identify_mobius(&x, SignificantDigits::relative(200), &t, 1000)
            .unwrap()
            .unwrap_or_else(|| panic!("{formula} not identified"));
        assert_eq!(id.formula(), formula);
        assert_eq!(id.target_indices, vec![target]);
        assert_eq!(id.numerator, ints(&coeffs[..2]));
        assert_eq!(id.denominator, ints(&coeffs[2..]));
        assert!(id.verified_digits >= 199);
    }
}

#[test]
fn identification_reverifies_at_higher_precision() {
    let x100 = Float::with_val(400, 6 / zeta3(400));
    let id = identify_mobius(&x100, SignificantDigits::relative(100), &targets(400), 1000)
        .unwrap()
        .unwrap();
    let hp = 2000;
    let x_hp = Float::with_val(hp, 6 / zeta3(hp));
    assert!(id.verify(&x_hp, &[zeta3(hp)]) >= 600);
    // A wrong x agrees only to the digits it shares.
    let perturbed = Float::with_val(hp, &x_hp * (1 + Float::with_val(hp, 1e-30)));
    let d = id.verify(&perturbed, &[zeta3(hp)]);
    assert!((29..=30).contains(&d), "{d}");
}

#[test]
fn multi_constant_relation_two_over_log_three_halves() {
    let prec = 600;
    let (l2, l3) = (ln(prec, 2), ln(prec, 3));
    let x = Float::with_val(prec, 2 / Float::with_val(prec, &l3 - &l2));
    let t = vec![("ln2".to_string(), l2), ("ln3".to_string(), l3)];
    let id = identify_relation(&x, SignificantDigits::relative(150), &t, 1000)
        .unwrap()
        .unwrap();
    assert_eq!(id.numerator, ints(&[-2, 0, 0]));
    assert_eq!(id.denominator, ints(&[0, 1, -1]));
    assert_eq!(id.formula(), "x = 2/(ln3 - ln2)");
    assert_eq!(id.relation_string(), "x*ln3 - x*ln2 - 2 = 0");
    // Not a Möbius transform of either logarithm alone.
    assert!(
        identify_mobius(&x, SignificantDigits::relative(150), &t, 1000)
            .unwrap()
            .is_none()
    );
}

#[test]
fn multi_constant_relation_drops_unused_constants() {
    let prec = 600;
    let p = pi(prec);
    let x = Float::with_val(prec, (1 + Float::with_val(prec, &p * 2u32)) / 5u32);
    let t = vec![
        ("π".to_string(), p),
        ("ln2".to_string(), ln(prec, 2)),
        ("G".to_string(), catalan(prec)),
    ];
    let id = identify_relation(&x, SignificantDigits::relative(150), &t, 1000)
        .unwrap()
        .unwrap();
    assert_eq!(id.constants, vec!["π".to_string()]);
    assert_eq!(id.formula(), "x = (2*π + 1)/5");
}

/// Value of the PCF a(n) = 2((n+1)³ + n³) + 13(2n+1), b(n) = −4n⁶ at depth `depth`, exactly p/q.
fn psi2_family_convergent(depth: u32, prec: u32) -> Float {
    pcf_convergent(
        |n| 2 * ((n + 1).pow(3) + n.pow(3)) + 13 * (2 * n + 1),
        |n| -4 * n.pow(6),
        depth,
        prec,
    )
}

/// p_N/q_N with p₋₁ = 1, p₀ = a(0), q₋₁ = 0, q₀ = 1, pₙ = a(n)pₙ₋₁ + b(n)pₙ₋₂ in exact integers.
fn pcf_convergent(
    a: impl Fn(i128) -> i128,
    b: impl Fn(i128) -> i128,
    depth: u32,
    prec: u32,
) -> Float {
    let (mut p_prev, mut p) = (Integer::from(1), Integer::from(a(0)));
    let (mut q_prev, mut q) = (Integer::from(0), Integer::from(1));
    for n in 1..=i128::from(depth) {
        let (an, bn) = (Integer::from(a(n)), Integer::from(b(n)));
        let p_next = Integer::from(&an * &p) + Integer::from(&bn * &p_prev);
        let q_next = Integer::from(&an * &q) + Integer::from(&bn * &q_prev);
        p_prev = std::mem::replace(&mut p, p_next);
        q_prev = std::mem::replace(&mut q, q_next);
    }
    Float::with_val(prec, &p) / Float::with_val(prec, &q)
}

/// Relative agreement in digits, capped at the digits the precision holds.
fn stable_digits(a: &Float, b: &Float) -> u32 {
    let cap = (f64::from(a.prec()) * std::f64::consts::LOG10_2) as u32;
    let d = Float::with_val(a.prec(), a - b).abs() / Float::with_val(a.prec(), b.abs_ref());
    ((-d.log10().to_f64()).floor() as u32).min(cap)
}

#[test]
fn psi2_family_is_not_a_mobius_transform_of_zeta3() {
    let prec = 400;
    let v1 = psi2_family_convergent(2000, prec);
    let v2 = psi2_family_convergent(4000, prec);
    let trusted = stable_digits(&v1, &v2);
    // Polynomial convergence (error ~ n^-7.4): about 25 stable digits between depth 2000 and 4000.
    assert!((20..40).contains(&trusted), "{trusted}");
    assert!(v2 > 14.927 && v2 < 14.928);
    let zeta = vec![("ζ(3)".to_string(), zeta3(prec))];
    assert_eq!(
        identify_mobius(&v2, SignificantDigits::relative(trusted), &zeta, 1000).unwrap(),
        None
    );
}

#[test]
fn apery_pcf_is_identified_as_six_over_zeta3() {
    // Control for the previous test: Apéry's PCF a = 34n³ + 51n² + 27n + 5, b = −n⁶ converges to
    // 6/ζ(3) exponentially; the same pipeline must find it.
    let prec = 400;
    let apery = |d| {
        pcf_convergent(
            |n| 34 * n.pow(3) + 51 * n.pow(2) + 27 * n + 5,
            |n| -n.pow(6),
            d,
            prec,
        )
    };
    let (v1, v2) = (apery(15), apery(30));
    let trusted = stable_digits(&v1, &v2);
    // Error ≈ (√2 − 1)^(8n): about 46 stable digits at depth 15.
    assert!((40..60).contains(&trusted), "{trusted}");
    let zeta = vec![("ζ(3)".to_string(), zeta3(prec))];
    let id = identify_mobius(&v2, SignificantDigits::relative(trusted), &zeta, 1000).unwrap();
    assert_eq!(
        id.map(|i| i.formula()).as_deref(),
        Some("x = 6/ζ(3)"),
        "trusted {trusted}"
    );
}

#[test]
fn pseudo_random_reals_are_never_identified() {
    let prec = 250;
    let consts = vec![
        ("π".to_string(), pi(prec)),
        ("e".to_string(), e(prec)),
        ("ζ(3)".to_string(), zeta3(prec)),
        ("ln2".to_string(), ln(prec, 2)),
        ("G".to_string(), catalan(prec)),
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next_digit = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % 10
    };
    for i in 0..200 {
        let mut s = format!("{}.", 1 + next_digit());
        for _ in 0..60 {
            s.push(char::from(b'0' + next_digit() as u8));
        }
        let x = Float::with_val(prec, Float::parse(&s).unwrap());
        let found = identify_mobius(&x, SignificantDigits::relative(50), &consts, 1000).unwrap();
        assert!(found.is_none(), "random #{i} {s} identified as {found:?}");
    }
}

/// algorithms.md §6.3 and cmf_vectors.json list the `symmetric_pi` walk value as having no Möbius
/// relation with π (coefficients ≤ 1000, 35 digits). That is false: all 40 given digits are those of
/// (2π − 6)/(4 − π) = 0.32989618316274384723935363462853481066238547…; the gate accepts it (cost 6.3
/// digits against 35 trusted) and it re-verifies at 40 digits.
#[test]
fn symmetric_pi_value_is_two_pi_minus_six_over_four_minus_pi() {
    let prec = 200;
    let x = Float::with_val(
        prec,
        Float::parse("0.3298961831627438472393536346285348106624").unwrap(),
    );
    let t = vec![("π".to_string(), pi(prec))];
    // 40 decimal places given, 35 trusted: 34 significant digits of a value 0.33.
    let trusted = SignificantDigits::from_places(&x, 35);
    assert_eq!(trusted.get(), 34);
    let id = identify_mobius(&x, trusted, &t, 1000).unwrap().unwrap();
    assert_eq!(id.numerator, ints(&[-6, 2]));
    assert_eq!(id.denominator, ints(&[4, -1]));
    assert_eq!(id.formula(), "x = (6 - 2*π)/(π - 4)");
    assert!(id.verified_digits >= 40);
}

/// The brief's coefficient-bound proof on a value that really has no small relation: the ψ⁽²⁾
/// family's limit at 25 digits against π: PSLQ proves no relation of [1, π, x, xπ] with coefficients
/// ≤ 1000.
#[test]
fn pslq_proves_no_small_mobius_relation() {
    let wp = 120;
    let x = psi2_family_convergent(2000, wp);
    let p = pi(wp);
    let v = vec![
        Float::with_val(wp, 1),
        p.clone(),
        x.clone(),
        Float::with_val(wp, &x * &p),
    ];
    match pslq(&v, &PslqConfig::new(20, 1000)).unwrap() {
        PslqOutcome::NoRelation {
            norm_bound, reason, ..
        } => {
            assert_eq!(reason, PslqStop::NormBoundExceeded);
            assert!(norm_bound > 2000.0);
        }
        other => panic!("unexpected relation {other:?}"),
    }
}

#[test]
fn pslq_finds_known_relations() {
    let prec = 400;
    let p = pi(prec);
    let p2 = Float::with_val(prec, p.square_ref());
    // 6 ζ(2) − π² = 0
    let z2 = Float::with_val(prec, Float::zeta_u(2));
    let out = pslq(&[z2, p2.clone()], &PslqConfig::new(100, 1000)).unwrap();
    assert_eq!(out.relation().unwrap(), ints(&[6, -1]).as_slice());
    // x = 3 + 2π − π²/7: 7x − 21 − 14π + π² = 0 on [x, 1, π, π²]
    let x = Float::with_val(prec, 3 + Float::with_val(prec, &p * 2u32))
        - Float::with_val(prec, &p2 / 7u32);
    let v = [x, Float::with_val(prec, 1), p.clone(), p2];
    let out = pslq(&v, &PslqConfig::new(100, 1000)).unwrap();
    assert_eq!(out.relation().unwrap(), ints(&[7, -21, -14, 1]).as_slice());
    // ln 6 = ln 2 + ln 3 and Machin: π/4 = 4 arctan(1/5) − arctan(1/239)
    let v = [ln(prec, 6), ln(prec, 2), ln(prec, 3)];
    let out = pslq(&v, &PslqConfig::new(100, 1000)).unwrap();
    assert_eq!(out.relation().unwrap(), ints(&[1, -1, -1]).as_slice());
    let atan = |q: u32| Float::with_val(prec, Float::with_val(prec, q).recip().atan_ref());
    let v = [p.clone(), atan(5), atan(239)];
    let out = pslq(&v, &PslqConfig::new(100, 1000)).unwrap();
    assert_eq!(out.relation().unwrap(), ints(&[1, -16, 4]).as_slice());
    // No relation among 1, π, e with small coefficients: the bound is proved.
    let v = [Float::with_val(prec, 1), p, e(prec)];
    match pslq(&v, &PslqConfig::new(100, 1000)).unwrap() {
        PslqOutcome::NoRelation {
            norm_bound, reason, ..
        } => {
            assert_eq!(reason, PslqStop::NormBoundExceeded);
            assert!(norm_bound > 1000.0 * 3f64.sqrt());
        }
        other => panic!("unexpected relation {other:?}"),
    }
}

#[test]
fn gate_rejects_relations_that_cost_more_than_half_the_digits() {
    // x = (123457 + 654321π)/(271829 − 314159π): a true relation with 6-digit coefficients.
    let prec = 600;
    let p = pi(prec);
    let num = Float::with_val(prec, &p * 654_321u32) + 123_457u32;
    let den = 271_829u32 - Float::with_val(prec, &p * 314_159u32);
    let x = Float::with_val(prec, num / den);
    let t = vec![("π".to_string(), p)];
    // cost = Σ (log10(1+|m|) + 1) ≈ 4·6.6 = 26.4 digits: rejected with 40 trusted digits …
    assert_eq!(
        identify_mobius(&x, SignificantDigits::relative(40), &t, 1_000_000).unwrap(),
        None
    );
    // … accepted with 150.
    let id: Identification = identify_mobius(&x, SignificantDigits::relative(150), &t, 1_000_000)
        .unwrap()
        .unwrap();
    assert_eq!(id.numerator, ints(&[123_457, 654_321]));
    assert_eq!(id.denominator, ints(&[271_829, -314_159]));
}

#[test]
fn rationals_are_not_identified() {
    let prec = 600;
    let x = Float::with_val(prec, 22) / 7u32;
    assert_eq!(
        identify_mobius(&x, SignificantDigits::relative(150), &targets(prec), 1000).unwrap(),
        None
    );
    assert_eq!(
        identify_relation(&x, SignificantDigits::relative(150), &targets(prec), 1000).unwrap(),
        None
    );
}
