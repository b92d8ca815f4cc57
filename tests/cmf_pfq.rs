//! Generated D-finite fields (`pfq(p, q, z)`, `meijerg(m, n, p, q, z)`): exact matrices against
//! ramanujantools' `cmf/pfq_test.py`, conservation, walks identifying hypergeometric values, every
//! case of ramanujantools' own `cmf/cmf_benchmark.py` (projective images modulo three primes, from
//! `tests/fixtures/ramanujantools_cmf_benchmark.json`), singular points and bad names.

use apery::cmf::pfq::pfq;
use apery::cmf::to_pcf::{sub_cmf, trajectory_matrix};
use apery::cmf::walk::{projective_image, step_at, WalkError, Walker};
use apery::cmf::{load, Cmf, CmfError, RatMatrix};
use apery::constants;
use apery::identify::identify_mobius;
use apery::poly::ratfun::{RatFun, Scope};
use common::walk_limit;
use rug::{Float, Rational};
use serde_json::Value;

mod common;

fn fixture() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ramanujantools_cmf_benchmark.json"
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("json")
}

fn field(name: &str) -> Cmf {
    load(name).unwrap().build(&[]).unwrap()
}

fn ints(v: &Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn signature(entries: &[Rational], primes: &[u64]) -> Vec<u64> {
    primes
        .iter()
        .flat_map(|&p| projective_image(entries, p).expect("a nonzero image"))
        .collect()
}

fn primes(fx: &Value) -> Vec<u64> {
    fx["primes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect()
}

fn expected_signature(case: &Value) -> Vec<u64> {
    case["signature"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// The pFq(2,1,z) matrices of ramanujantools `cmf/pfq_test.py::test_2F1` (forward matrices, z
/// substituted), entry by entry.
#[test]
fn pfq21_matrices_equal_the_peers_exactly() {
    for z in ["1/2", "-7", "3"] {
        let cmf = field(&format!("pfq(2,1,{z})"));
        assert_eq!(cmf.axes, ["x0", "x1", "y0"]);
        let mut scope = Scope::new(&cmf.axes);
        scope.defs.insert(
            "z".into(),
            RatFun::constant(3, apery::cmf::spec::parse_rational(z).unwrap()),
        );
        let parse = |rows: [[&str; 2]; 2]| -> RatMatrix {
            RatMatrix::from_rows(
                rows.iter()
                    .map(|r| r.iter().map(|e| scope.parse(e).unwrap()).collect())
                    .collect(),
            )
            .unwrap()
        };
        let expected = [
            parse([
                ["1", "-x1*z/(z - 1)"],
                ["1/x0", "1 - (x0*z + x1*z - y0 + 1)/(x0*(z - 1))"],
            ]),
            parse([
                ["1", "-x0*z/(z - 1)"],
                ["1/x1", "1 - (x0*z + x1*z - y0 + 1)/(x1*(z - 1))"],
            ]),
            parse([
                [
                    "y0*(-x0 - x1 + y0)/(x0*x1 - x0*y0 - x1*y0 + y0**2)",
                    "x0*x1*y0/(x0*x1 - x0*y0 - x1*y0 + y0**2)",
                ],
                [
                    "y0*(1 - z)/(z*(x0*x1 - x0*y0 - x1*y0 + y0**2))",
                    "y0**2*(z - 1)/(z*(x0*x1 - x0*y0 - x1*y0 + y0**2))",
                ],
            ]),
        ];
        for (i, want) in expected.iter().enumerate() {
            let got = cmf.forward_matrix(i).unwrap();
            for (a, b) in got.entries().iter().zip(want.entries()) {
                assert!(a.same_as(b), "z = {z}, axis {i}: {a:?} vs {b:?}");
            }
        }
        // y0 is stored as the backward matrix B = I + Θ/(y0 − 1)
        assert!(cmf.backward[2] && !cmf.backward[0]);
    }
}

#[test]
fn generated_fields_are_conservative_and_a_changed_entry_is_not() {
    for name in [
        "pfq(1,1,1)",
        "pfq(2,1,1/2)",
        "pfq(2,2,-1)",
        "pfq(3,2,1)",
        "pfq(1,2,3/5)",
        "pfq(3,1,2)",
        "meijerg(3,2,2,3,1)",
        "meijerg(1,1,1,2,-1/2)",
    ] {
        let cmf = field(name);
        cmf.check().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(cmf.name, name);
    }
    // one entry of the backward y0 matrix of pFq(2,1,1/2) changed: the (x0, y0) pair fails
    let mut cmf = field("pfq(2,1,1/2)");
    let m = &cmf.matrices[2];
    let bumped = RatMatrix::from_rows(
        (0..2)
            .map(|r| {
                (0..2)
                    .map(|c| {
                        let e = m.get(r, c).clone();
                        if (r, c) == (1, 0) {
                            &e + &RatFun::constant(3, 1)
                        } else {
                            e
                        }
                    })
                    .collect()
            })
            .collect(),
    )
    .unwrap();
    cmf.matrices[2] = bumped;
    let err = cmf.check().unwrap_err();
    assert_eq!((err.axis_i.as_str(), err.axis_j.as_str()), ("x0", "y0"));
}

/// The rank rule of §11.6 on the generated matrices.
#[test]
fn ranks_follow_the_rule() {
    for (name, rank) in [
        ("pfq(2,1,1/2)", 2),
        ("pfq(3,2,1)", 2),
        ("pfq(2,2,-1)", 3),
        ("pfq(4,3,1)", 3),
        ("pfq(8,7,1)", 7),
        ("pfq(3,3,-1)", 4),
        ("pfq(1,3,2)", 4),
    ] {
        assert_eq!(field(name).rank(), rank, "{name}");
    }
}

fn walk_value(cmf: &Cmf, traj: &[i64], start: &[i64], digits: u32) -> (Float, u32) {
    let lim = walk_limit(cmf, traj, start, digits);
    (
        Float::with_val(apery::pcf::limit::bits_for_digits(digits), &lim.exact),
        digits,
    )
}

/// Walks of pFq fields identify the hypergeometric value at their start: ₁F₁(1; 2; 1) = e − 1 for
/// pfq(1,1,1) from (1, 2), ₂F₁(1, 1; 2; 1/2) = 2·log 2 for pfq(2,1,1/2) from (1, 1, 2).
#[test]
fn pfq_walks_identify_their_hypergeometric_values() {
    let prec = apery::pcf::limit::bits_for_digits(80);
    let cases = [
        (
            "pfq(1,1,1)",
            vec![1, 1],
            vec![1, 2],
            "hyp1f1(1, 2, 1)",
            "-1/hyp1f1(1, 2, 1)",
        ),
        (
            "pfq(1,1,-1)",
            vec![0, 1],
            vec![1, 2],
            "hyp1f1(1, 2, -1)",
            "",
        ),
        (
            "pfq(2,1,1/2)",
            vec![1, 1, 2],
            vec![1, 1, 2],
            "2*log(2)",
            "1 - 2/(2*log(2))",
        ),
    ];
    for (name, traj, start, constant, closed) in cases {
        let cmf = field(name);
        let (x, digits) = walk_value(&cmf, &traj, &start, 60);
        let k = constants::evaluate(constant, prec).unwrap();
        let trusted = apery::precision::SignificantDigits::from_places(&x, digits);
        let id = identify_mobius(&x, trusted, &[(constant.to_string(), k)], 100)
            .unwrap()
            .unwrap_or_else(|| panic!("{name}: no Möbius relation with {constant}"));
        assert!(id.verified_digits >= 55, "{name}: {}", id.verified_digits);
        if !closed.is_empty() {
            let want = constants::evaluate(closed, prec).unwrap();
            let diff = Float::with_val(prec, &x - &want);
            assert!(
                apery::pcf::limit::log10_abs(&diff) < -55.0,
                "{name}: {x} vs {want}"
            );
        }
    }
}

/// Every trajectory-matrix case of ramanujantools' `cmf_benchmark.py`: `T(19)` has the peer's
/// projective image modulo the three primes (the Brown–Zudilin case's digest is the one asserted in
/// that file, b7d20de90ae236128244).
#[test]
fn benchmark_trajectory_matrices_equal_the_peers() {
    let fx = fixture();
    let primes = primes(&fx);
    let cases = fx["cases"].as_object().unwrap();
    let fields = [
        ("e", "e"),
        ("2f2_euler", "pfq(2,2,-1)"),
        ("2f2_deep", "pfq(2,2,-1)"),
        ("3f2", "pfq(3,2,1)"),
        ("3f2_rational", "pfq(3,2,1)"),
        ("3f2_perturbed", "pfq(3,2,1)"),
        ("4f3", "pfq(4,3,1)"),
        ("4f3_huge", "pfq(4,3,1)"),
        ("4f3_adversarial_shards", "pfq(4,3,1)"),
        ("8f7_brown_zudilin", "pfq(8,7,1)"),
    ];
    for (case, name) in fields {
        let c = &cases[case];
        let cmf = field(name);
        let traj = ints(&c["trajectory"]);
        let start: Vec<Rational> = c["start"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| apery::cmf::spec::parse_rational(s.as_str().unwrap()).unwrap())
            .collect();
        let t19 = step_at(&cmf, &traj, &start, 19).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(t19.len(), cmf.rank() * cmf.rank());
        assert_eq!(
            signature(&t19, &primes),
            expected_signature(c),
            "{case} ({name})"
        );
    }
}

/// The symbolic trajectory matrix `T(n)` agrees with the numeric one at `n = 19` (2F2 at z = −1,
/// with a backward step along y1).
#[test]
fn symbolic_and_numeric_trajectory_matrices_agree() {
    let fx = fixture();
    let primes = primes(&fx);
    let c = &fx["cases"]["2f2_euler"];
    let cmf = field("pfq(2,2,-1)");
    let t = trajectory_matrix(&cmf, &[1, 1, 0, -1], &[1, 1, -1, -1]).unwrap();
    let at19: Vec<Rational> = t
        .entries()
        .iter()
        .map(|e| e.eval(&[Rational::from(19)]).unwrap())
        .collect();
    assert_eq!(signature(&at19, &primes), expected_signature(c));
}

/// The benchmark's walk: pFq(4,3,1) along (1,1,2,2,3,3,4) from the same point, depth 1000.
#[test]
fn benchmark_walk_4f3_to_depth_1000_equals_the_peers() {
    let fx = fixture();
    let primes = primes(&fx);
    let c = &fx["cases"]["walk_4f3_depth_1000"];
    let cmf = field("pfq(4,3,1)");
    let t = ints(&c["trajectory"]);
    let walker = Walker::new(&cmf).unwrap();
    let p = walker.walk_projective(&t, &t, 1000).unwrap();
    let entries: Vec<Rational> = p.e.iter().map(Rational::from).collect();
    assert_eq!(signature(&entries, &primes), expected_signature(c));
}

/// The benchmark's `sub_cmf` of pFq(3,3,−1): the four new axis matrices at the fixture's point.
#[test]
fn benchmark_sub_cmf_3f3_equals_the_peers() {
    let fx = fixture();
    let primes = primes(&fx);
    let cmf = field("pfq(3,3,-1)");
    let names = ["a0", "a1", "b0", "b1"];
    let basis: Vec<Vec<i64>> = names
        .iter()
        .map(|n| ints(&fx["cases"][format!("sub_cmf_3f3_{n}")]["basis"]))
        .collect();
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let sub = sub_cmf(&cmf, &basis, &names).unwrap();
    for (k, n) in names.iter().enumerate() {
        let c = &fx["cases"][format!("sub_cmf_3f3_{n}")];
        let point: Vec<Rational> = ints(&c["point"]).into_iter().map(Rational::from).collect();
        let at: Vec<Rational> = sub.matrices[k]
            .entries()
            .iter()
            .map(|e| e.eval(&point).unwrap())
            .collect();
        assert_eq!(signature(&at, &primes), expected_signature(c), "{n}");
    }
}

/// ramanujantools issue #154: a step whose first axis order meets a singular matrix is taken in
/// another order, and a point singular in every order is reported with its axis and coordinates.
#[test]
fn singular_points_are_avoided_or_reported_exactly() {
    // pFq(1,1,1) at y0 = 2 with x0 = 1: B_y0(1, 2) = I + Θ/1 is singular, in every order
    let cmf = field("pfq(1,1,1)");
    let walker = Walker::new(&cmf).unwrap();
    let err = walker.walk(&[0, 1], &[1, 1], 4).unwrap_err();
    assert_eq!(
        err,
        WalkError::Singular {
            axis: "y0".into(),
            point: "(x0, y0) = (1, 2)".into()
        }
    );
    assert!(err.to_string().contains("in any order"), "{err}");
    // Along (1, 1) from (0, 1) the natural order (x0 first) meets the pole of M_x0 at x0 = 0;
    // the other order (y0 first, then x0 at y0 = 2 … ) also starts at x0 = 0: reported.
    let err = walker.walk(&[1, 1], &[0, 1], 4).unwrap_err();
    assert!(
        matches!(&err, WalkError::Pole { axis, .. } if axis == "x0"),
        "{err}"
    );
    // A step order that avoids the singular point: from (1, 1) along (1, 1) the natural order takes
    // M_x0 at (1, 1) then the inverse of B_y0 at (2, 2), which is regular; the order y0 first would
    // need B_y0(1, 2)⁻¹, which is singular. Both orders agree wherever both are defined.
    let a = walker.walk(&[1, 1], &[1, 1], 30).unwrap();
    let b = walker.walk(&[1, 1], &[2, 2], 29).unwrap();
    assert!(a.p.value().is_some() && b.p.value().is_some());
}

#[test]
fn bad_generated_names_give_clear_errors() {
    for (bad, says) in [
        ("pfq(2,1)", "expected pfq(p, q, z)"),
        ("pfq(2,x,1)", "expected pfq(p, q, z)"),
        ("pfq(2,1,0)", "z = 0"),
        ("pfq(0,0,1)", "p + q ≥ 1"),
        ("pfq(40,1,1)", "p, q ≤ 16"),
        ("meijerg(3,2,2,3)", "expected"),
        ("meijerg(3,2,2,1,1)", "0 ≤ m ≤ q"),
    ] {
        let err = match load(bad).and_then(|s| s.build(&[])) {
            Err(e) => e,
            Ok(_) => panic!("{bad} loaded"),
        };
        assert!(matches!(err, CmfError::Generated(_)), "{bad}: {err:?}");
        let msg = err.to_string();
        assert!(msg.contains(bad) && msg.contains(says), "{bad}: {msg}");
    }
    // a parameter override on a generated field names the field
    let err = load("pfq(2,1,1/2)")
        .unwrap()
        .build(&[("a".into(), Rational::from(1))])
        .unwrap_err();
    assert!(err.to_string().contains("pfq(2,1,1/2)"), "{err}");
    // and pfq builds directly from the library too
    assert!(pfq(2, 1, &Rational::from(0)).is_err());
}
