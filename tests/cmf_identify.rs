//! Walks of generated `pFq` fields identified with the hypergeometric values at their start
//! (`apery::cmf::pfq_limit`), and rational start points (`apery::cmf::shift`), in the library and
//! through the binary.

use apery::cmf::pfq_limit::{closed_form, identify_pfq_limit, PfqLimit};
use apery::cmf::shift::{parse_start, shifted, split_start};
use apery::cmf::walk::step_at;
use apery::cmf::{load, Cmf};
use apery::constants;
use apery::pcf::limit::{bits_for_digits, log10_abs};
use common::walk_limit;
use rug::{Float, Rational};

mod common;

fn field(name: &str) -> Cmf {
    load(name).unwrap().build(&[]).unwrap()
}

fn rats(s: &str) -> Vec<Rational> {
    parse_start(s).unwrap()
}

/// The walk's limit with its certain digits (at least `digits`).
fn walk(cmf: &Cmf, traj: &[i64], start: &[i64], digits: u32) -> (Float, u32) {
    let lim = walk_limit(cmf, traj, start, digits);
    (
        Float::with_val(bits_for_digits(digits) + 64, &lim.exact),
        digits,
    )
}

fn agree(a: &Float, b: &Float) -> f64 {
    let d = Float::with_val(a.prec().max(b.prec()), a - b);
    if d.is_zero() {
        return f64::INFINITY;
    }
    log10_abs(b) - log10_abs(&d)
}

fn value(expr: &str) -> Float {
    constants::evaluate(expr, bits_for_digits(200)).unwrap()
}

/// Identifies a walk of `pfq(p,q,z)` from `start` and checks the formula, the value of `F0` against
/// a classical constant, and the closed form of the limit.
fn check_case(
    name: &str,
    (p, q, z): (usize, usize, &str),
    traj: &[i64],
    start: &[i64],
    formula: &str,
    f0: &str,
    limit: &str,
) {
    let cmf = field(name);
    let (x, digits) = walk(&cmf, traj, start, 60);
    let z = apery::cmf::spec::parse_rational(z).unwrap();
    let s: Vec<Rational> = start.iter().map(|&v| Rational::from(v)).collect();
    let found = identify_pfq_limit(p, q, &z, &s, &x, digits, 1000).unwrap();
    let PfqLimit::Identified(id) = found else {
        panic!("{name}: not identified: {found:?}");
    };
    assert_eq!(id.formula(), formula, "{name}");
    assert!(id.verified_digits >= 59, "{name}: {}", id.verified_digits);
    let f = &id.basis[0].value;
    assert!(f.digits >= 60, "{name}: F0 to {} digits", f.digits);
    assert!(
        agree(&f.value, &value(f0)) >= 60.0,
        "{name}: F0 = {}",
        f.value
    );
    assert!(agree(&x, &value(limit)) >= 59.0, "{name}: {x}");
    // the same value as a Möbius transform of a library constant
    let closed = closed_form(&z, &x, digits).unwrap().expect("closed form");
    assert!(closed.verified_digits >= 59, "{name}");
}

/// ₂F₁(1, 1; 2; 1/2) = 2·log 2: the walk along (1,1,2) from (1,1,2) converges to
/// −₂F₁(1,1;3;1/2)/(2·₂F₁(1,1;2;1/2)) = 1 − 1/log 2 (= −θF/F).
#[test]
fn pfq21_walk_is_a_ratio_of_its_2f1_values() {
    check_case(
        "pfq(2,1,1/2)",
        (2, 1, "1/2"),
        &[1, 1, 2],
        &[1, 1, 2],
        "x = -F1/(2*F0)",
        "2*log(2)",
        "1 - 1/log(2)",
    );
}

/// ₁F₁(1; 2; 1) = e − 1: the e-like field pfq(1,1,1) along (1,1) from (1,2) converges to −1/(e − 1).
#[test]
fn pfq11_walk_is_a_ratio_of_its_1f1_values() {
    check_case(
        "pfq(1,1,1)",
        (1, 1, "1"),
        &[1, 1],
        &[1, 2],
        "x = (-2*F0 + F1)/(2*F0)",
        "e - 1",
        "-1/(e - 1)",
    );
}

/// ₃F₂(2, 2, 2; 4, 4; 1) = Σ 36(n+1)/((n+2)²(n+3)²) = 180 − 108·ζ(2) (partial fractions), summed
/// by extrapolation on the unit circle; the walk along (1,1,1,2,2) (ramanujantools' ζ(2) example)
/// converges to 2·F1/F0 − 4 = (8ζ(2) − 13)/(3ζ(2) − 5).
#[test]
fn pfq32_walk_at_z_one_is_a_zeta2_value() {
    check_case(
        "pfq(3,2,1)",
        (3, 2, "1"),
        &[1, 1, 1, 2, 2],
        &[2, 2, 2, 4, 4],
        "x = (-4*F0 + 2*F1)/F0",
        "180 - 108*zeta(2)",
        "(8*zeta(2) - 13)/(3*zeta(2) - 5)",
    );
}

/// The identification can fail: the same limit against the values at a wrong `z` or at a start
/// off by a non-integer shift (integer shifts span the same ℚ-space) gives no relation.
#[test]
fn a_wrong_z_or_start_is_not_identified() {
    let cmf = field("pfq(2,1,1/2)");
    let (x, digits) = walk(&cmf, &[1, 1, 2], &[1, 1, 2], 60);
    let wrong = [
        ("1/3", "1,1,2"),
        ("2/3", "1,1,2"),
        ("1/2", "1,1/2,2"),
        ("1/2", "1,1,5/2"),
    ];
    for (z, start) in wrong {
        let z = apery::cmf::spec::parse_rational(z).unwrap();
        let found = identify_pfq_limit(2, 1, &z, &rats(start), &x, digits, 1000).unwrap();
        assert!(
            matches!(found, PfqLimit::NoRelation { digits: 59, .. }), // 60 places of −0.44…
            "z = {z}, start {start}: {found:?}"
        );
    }
    // and the right one is, with an integer shift of the start as well
    let z = Rational::from((1, 2));
    for start in ["1,1,2", "2,1,3"] {
        let found = identify_pfq_limit(2, 1, &z, &rats(start), &x, digits, 1000).unwrap();
        assert!(matches!(found, PfqLimit::Identified(_)), "{start}");
    }
}

/// Values that cannot be summed are reported, not guessed: ₃F₂ at z = 1 with Σy − Σx ≤ 0, a pole.
#[test]
fn unsummable_start_values_are_reported() {
    // any irrational stand-in for a limit (a rational one is named before the values are needed)
    let x = Float::with_val(300, rug::float::Constant::Pi);
    let one = Rational::from(1);
    let found = identify_pfq_limit(3, 2, &one, &rats("1,1,1,1,2"), &x, 60, 1000).unwrap();
    let PfqLimit::Unavailable(e) = found else {
        panic!("{found:?}")
    };
    assert!(e.to_string().contains("diverges"), "{e}");
    let found = identify_pfq_limit(2, 2, &-one, &rats("1,1,-1,-1"), &x, 60, 1000).unwrap();
    assert!(matches!(found, PfqLimit::Unavailable(_)), "{found:?}");
}

/// A rational start walks the field shifted by the fractional part from the integer part: its
/// step matrices equal those of the unshifted field at the rational points (evaluated in ℚ by
/// `step_at`), for Apéry's ζ(3) field and for pFq(3,2,1) from ramanujantools' rational start.
#[test]
fn rational_starts_walk_the_shifted_field() {
    for (name, traj, start) in [
        ("zeta3", vec![1, 1], "1/2,1"),
        ("zeta3", vec![2, 1], "-1/3,5/2"),
        ("pfq(3,2,1)", vec![5, 5, 5, 10, 10], "1/2,1/2,1/2,3/2,3/2"),
    ] {
        let cmf = field(name);
        let s = rats(start);
        let (ints, frac) = split_start(&s).unwrap();
        let sh = shifted(&cmf, &frac);
        sh.check().unwrap_or_else(|e| panic!("{name}: {e}"));
        let ints_r: Vec<Rational> = ints.iter().map(|&v| Rational::from(v)).collect();
        for k in [0, 1, 5] {
            let a = step_at(&cmf, &traj, &s, k).unwrap();
            let b = step_at(&sh, &traj, &ints_r, k).unwrap();
            assert_eq!(a, b, "{name} from {start}, step {k}");
        }
    }
}

/// Apéry's field from the rational start (1/2, 1) along (1,1): the walk of the shifted field, its
/// limit the product of the exact rational step matrices, and a value 8/(7ζ(3)) − 1 (a Möbius
/// transform of ζ(3), like every integer start).
#[test]
fn aperys_field_from_a_rational_start() {
    let cmf = field("zeta3");
    let s = rats("1/2,1");
    let (ints, frac) = split_start(&s).unwrap();
    assert_eq!(ints, [0, 1]);
    let sh = shifted(&cmf, &frac);
    let (x, _) = walk(&sh, &[1, 1], &ints, 60);
    // the product of 40 exact steps at the rational points of the unshifted field
    let mut p = [
        [Rational::from(1), Rational::new()],
        [Rational::new(), Rational::from(1)],
    ];
    for k in 0..40 {
        let t = step_at(&cmf, &[1, 1], &s, k).unwrap();
        let mut q = p.clone();
        for (i, row) in q.iter_mut().enumerate() {
            for (j, e) in row.iter_mut().enumerate() {
                *e = Rational::from(&p[i][0] * &t[j]) + Rational::from(&p[i][1] * &t[2 + j]);
            }
        }
        p = q;
    }
    let direct = Float::with_val(400, Rational::from(&p[0][1] / &p[1][1]));
    assert!(agree(&direct, &x) >= 60.0, "{direct} vs {x}");
    assert!(agree(&x, &value("8/(7*zeta(3)) - 1")) >= 60.0, "{x}");
}

mod cli {
    use crate::common::apery;
    use serde_json::Value;

    fn json(args: &[&str]) -> Value {
        let out = apery().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    #[test]
    fn walk_prints_the_hypergeometric_identity() {
        let args = [
            "cmf",
            "walk",
            "pfq(2,1,1/2)",
            "--trajectory",
            "1,1,2",
            "--start",
            "1,1,2",
        ];
        let out = apery().args(args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{text}");
        assert!(text.contains("identity  x = -F1/(2*F0)"), "{text}");
        assert!(
            text.contains("F0 = 2F1(1,1;2;1/2) = 1.3862943611198906188…"),
            "{text}"
        );
        assert!(text.contains("closed    x = (ln2 - 1)/ln2"), "{text}");
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let j = json(&with_json);
        let h = &j["hypergeometric"];
        assert_eq!(h["formula"], "x = -F1/(2*F0)");
        assert_eq!(h["basis"][0]["series"], "2F1(1,1;2;1/2)");
        assert_eq!(h["basis"][1]["series"], "2F1(1,1;3;1/2)");
        assert_eq!(h["closed_form"]["constants"][0], "ln2");
        assert!(h["verified_digits"].as_u64().unwrap() >= 50);
    }

    #[test]
    fn rational_starts_work_for_walk_and_pcf() {
        let j = json(&[
            "cmf",
            "walk",
            "pfq(3,2,1)",
            "--trajectory",
            "5,5,5,10,10",
            "--start",
            "1/2,1/2,1/2,3/2,3/2",
            "--json",
        ]);
        assert_eq!(j["start"][0], "1/2");
        assert!(j["certain_digits"].as_u64().unwrap() >= 50);
        // (ln 2 − 1)/(2 ln 2) = −0.2213475204444817036799623405009460687133…
        assert!(
            j["limit"]
                .as_str()
                .unwrap()
                .starts_with("-0.221347520444481703679962340500946068713"),
            "{}",
            j["limit"]
        );
        assert_eq!(
            j["hypergeometric"]["basis"][0]["series"],
            "3F2(1/2,1/2,1/2;3/2,3/2;1)"
        );
        assert_eq!(j["hypergeometric"]["closed_form"]["constants"][0], "ln2");
        // an integer start is still printed as integers
        let diagonal_pcf_from = |start: &str| {
            json(&[
                "cmf",
                "pcf",
                "zeta3",
                "--trajectory",
                "1,1",
                "--start",
                start,
                "--json",
            ])
        };
        let j = diagonal_pcf_from("1,1");
        assert_eq!(j["start"], serde_json::json!([1, 1]));
        let j = diagonal_pcf_from("1/2,1");
        assert_eq!(j["start"], serde_json::json!(["1/2", 1]));
        assert!(j["a"].as_str().is_some());
    }

    #[test]
    fn bad_rational_starts_are_clear_errors() {
        for (start, says) in [
            ("1/0,2", "coordinate 1 is '1/0'"),
            ("1,x", "coordinate 2 is 'x'"),
            ("1,2,3", "3 coordinates, the field zeta3 has 2 axes"),
        ] {
            let out = apery()
                .args([
                    "cmf",
                    "walk",
                    "zeta3",
                    "--trajectory",
                    "1,1",
                    "--start",
                    start,
                ])
                .output()
                .unwrap();
            assert!(!out.status.success(), "{start}");
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains(says), "{start}: {err}");
            assert!(out.stdout.is_empty(), "{start}");
        }
    }

    /// A field's stated limit holds from its default walk's start: from another start the walk is
    /// a different number, and reporting "agrees to 0 digits" read as a failed formula.
    #[test]
    fn stated_limit_is_compared_only_from_its_own_start() {
        let at = |start: &str| {
            json(&[
                "cmf", "walk", "zeta3", "--start", start, "--depth", "100", "--json",
            ])
        };
        let own = at("1,1");
        assert!(own["stated_limit"]["agreeing_digits"].as_f64().unwrap() > 250.0);
        let other = at("1/2,1");
        assert!(other["stated_limit"].is_null(), "{other}");
        // the walk from (1/2, 1) is still identified: (8 - 7ζ(3))/(7ζ(3))
        assert_eq!(
            other["identification"]["formula"].as_str(),
            Some("x = (8 - 7*zeta3)/(7*zeta3)")
        );
        let out = apery()
            .args(["cmf", "walk", "zeta3", "--start", "2,1", "--depth", "100"])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("is the limit from (1,1); not compared from this start"),
            "{text}"
        );
    }
}

mod laws {
    use super::*;
    use proptest::prelude::*;

    fn matrix_at(cmf: &Cmf, axis: usize, point: &[Rational]) -> Option<Vec<Rational>> {
        cmf.matrices[axis]
            .entries()
            .iter()
            .map(|e| e.eval(point).ok())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Shifts compose and evaluate as the field at the shifted point:
        /// `shift(shift(M, r₁), r₂)(x) = shift(M, r₁ + r₂)(x) = M(x + r₁ + r₂)`.
        #[test]
        fn shifts_compose_and_evaluate_at_the_shifted_point(
            a in prop::collection::vec((-6i64..6, 1u32..5), 3),
            b in prop::collection::vec((-6i64..6, 1u32..5), 3),
            x in prop::collection::vec(-5i64..5, 3),
        ) {
            let cmf = field("pfq(2,1,1/2)");
            let r1: Vec<Rational> = a.iter().map(|&(n, d)| Rational::from((n, d))).collect();
            let r2: Vec<Rational> = b.iter().map(|&(n, d)| Rational::from((n, d))).collect();
            let sum: Vec<Rational> = r1.iter().zip(&r2).map(|(p, q)| Rational::from(p + q)).collect();
            let twice = shifted(&shifted(&cmf, &r1), &r2);
            let once = shifted(&cmf, &sum);
            let point: Vec<Rational> = x.iter().map(|&v| Rational::from(v)).collect();
            let moved: Vec<Rational> = point.iter().zip(&sum).map(|(p, s)| Rational::from(p + s)).collect();
            for axis in 0..3 {
                let want = matrix_at(&cmf, axis, &moved);
                prop_assert_eq!(matrix_at(&twice, axis, &point), want.clone());
                prop_assert_eq!(matrix_at(&once, axis, &point), want);
            }
        }
    }
}
