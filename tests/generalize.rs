//! `apery generalize`: f, f̄ fields around a PCF (against the pairs of
//! `tests/fixtures/cmf_vectors.json`), the ζ(3) coboundary, PCFs found as trajectories of bundled
//! fields, families with verified limits, the catalog's `cmf-family` rows and the command line.

use apery::cmf::ffbar::{coboundary, linear_defect, quadratic_defect, solve, xy, FfbarOptions};
use apery::cmf::{load, RatMatrix};
use apery::pcf::Pcf;
use apery::poly::multi::MPoly;
use apery::poly::ratfun::{RatFun, Scope};
use apery::poly::Poly;
use common::{cmf_vectors, walk_limit};
use rug::ops::Pow;
use rug::Float;
use serde_json::Value;

mod common;

/// The f, f̄ pair of `cmf_vectors.json` named `name`, with the parameters `c0..c3` replaced.
fn fixture_pair(name: &str, c: &[(&str, i64)]) -> (MPoly, MPoly, Value) {
    let pair = cmf_vectors()["ffbar"]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("pair {name} in the fixture"))
        .clone();
    let mut vars = xy();
    vars.extend(c.iter().map(|(n, _)| n.to_string()));
    let scope = Scope::new(&vars);
    let bind = |s: &str| -> MPoly {
        let r = scope.parse(s).expect("fixture expression");
        let mut images = vec![MPoly::var(2, 0), MPoly::var(2, 1)];
        images.extend(c.iter().map(|(_, v)| MPoly::constant(2, *v)));
        let r = r.compose(&images).unwrap();
        assert!(r.is_poly());
        r.num().scale(&r.den().as_constant().unwrap().recip())
    };
    (
        bind(pair["f"].as_str().unwrap()),
        bind(pair["fbar"].as_str().unwrap()),
        pair,
    )
}

fn pcf(a: &str, b: &str) -> Pcf {
    Pcf::parse(a, b).unwrap()
}

fn walk_value(cmf: &apery::cmf::Cmf, t: &[i64], s: &[i64], digits: u32) -> Float {
    walk_limit(cmf, t, s, digits).value
}

fn close(x: &Float, decimal: &str, digits: i32) {
    let v = Float::with_val(x.prec(), Float::parse(decimal).unwrap());
    let err = Float::with_val(x.prec(), x - &v).abs();
    let tol = Float::with_val(x.prec(), 10f64).pow(-digits);
    assert!(err < tol, "{x} vs {decimal}");
}

/// PCF(2n+1, −n²) lies on the cmf1 family with (c0, c1, c2, c3) = (0, 1, 0, −1): f = x + y,
/// f̄ = y − x; every line is the same PCF (a(x, y) = 2x + 1), M_Y is not trivial (det = y²).
#[test]
fn ffbar_of_2n_plus_1_minus_n_squared_is_the_cmf1_family() {
    let sols = solve(&pcf("2n+1", "-n^2"), &FfbarOptions::default()).unwrap();
    let best = &sols[0];
    let (f, fbar, _) = fixture_pair("cmf1", &[("c0", 0), ("c1", 1), ("c2", 0), ("c3", -1)]);
    assert_eq!(best.f, f);
    assert_eq!(best.fbar, fbar);
    assert!(!best.lines_differ);
    assert_eq!(best.h.display(&xy()), "y**2");
    assert!(best.cmf("t").check().is_ok());
    // the constant inflation (6n+3, −9n²) is deflated first: the same pair, inflation 3
    let s3 = solve(&pcf("6n+3", "-9n^2"), &FfbarOptions::default()).unwrap();
    assert_eq!(s3[0].f, f);
    assert_eq!(s3[0].inflation.python(), "3");
    // and for (3n+1, −2n²)-type formulas a pair exists and checks
    let other = solve(&pcf("3n+2", "-2n^2"), &FfbarOptions::default()).unwrap();
    for s in &other {
        assert!(linear_defect(&s.f, &s.fbar).is_zero());
        assert!(quadratic_defect(&s.f, &s.fbar, &s.b).is_zero());
        assert!(s.cmf("t").check().is_ok());
    }
}

/// The log family: the line y = 1 of cmf1 with (c1, c3) = (a, b) is the PCF ((a − b)n + a, ab·n²);
/// from that PCF alone the solver finds f = a(x + y), f̄ = b(x − y) and the walk (1,1) from (1,1)
/// converges to −a + b/ln(1 + b/a) (the fixture's values).
#[test]
fn ffbar_of_the_log_family_reproduces_cmf1() {
    for (name, (ca, cb), pcf_a, pcf_b) in [
        ("cmf1 (c0=0, c1=1, c2=0, c3=1)", (1, 1), "1", "n^2"),
        ("cmf1 (c0=0, c1=1, c2=0, c3=2)", (1, 2), "-n+1", "2n^2"),
        ("cmf1 (c0=0, c1=2, c2=0, c3=3)", (2, 3), "-n+2", "6n^2"),
    ] {
        let sols = solve(&pcf(pcf_a, pcf_b), &FfbarOptions::default()).unwrap();
        let (f, fbar, pair) = fixture_pair(name, &[]);
        let best = &sols[0];
        assert!(best.lines_differ, "{name}");
        assert_eq!(
            (&best.f, &best.fbar),
            (&f, &fbar),
            "{name}: a = {ca}, b = {cb}"
        );
        let cmf = best.cmf(name);
        let v = walk_value(&cmf, &[1, 1], &[1, 1], 30);
        close(&v, pair["limit_value_30"].as_str().unwrap(), 29);
    }
}

/// ζ(2) (cmf2 at c = (0,0,0,1)) and 2 − 2/ζ(3) (cmf3_2 at c = (0, 1)) from their lines y = 1.
/// Both lines are the constant inflation by 2 of a primitive PCF, which is what the solver embeds:
/// the pairs found are the fixture's halved, M_X and M_Y become ½·D·M·D⁻¹ with D = diag(½, 1), so
/// the walk limits are the fixture's halved.
#[test]
fn ffbar_of_zeta2_and_zeta3_lines_reproduce_their_pairs() {
    for (name, a, b) in [
        (
            "zeta2 = cmf2 with (c0,c1,c2,c3) = (0,0,0,1)",
            "4n^2+4n+2",
            "-4n^4",
        ),
        ("cmf3_2 (c0=0, c1=1)", "-2(2n+1)(n^2+n+1)", "-4n^6"),
    ] {
        let sols = solve(&pcf(a, b), &FfbarOptions::default()).unwrap();
        let (f, fbar, pair) = fixture_pair(name, &[]);
        let half = rug::Rational::from((1, 2));
        let (f, fbar) = (f.scale(&half), fbar.scale(&half));
        assert_eq!(sols[0].inflation.python(), "2");
        assert!(
            sols.iter().any(|s| s.f == f && s.fbar == fbar),
            "{name}: {:?}",
            sols.iter()
                .map(|s| (s.f.display(&xy()), s.fbar.display(&xy())))
                .collect::<Vec<_>>()
        );
        let best = &sols[0];
        assert!(best.lines_differ);
        let v = walk_value(&best.cmf(name), &[1, 1], &[1, 1], 30) * 2u32;
        close(&v, pair["limit_value_30"].as_str().unwrap(), 29);
    }
}

/// The ζ(3) f, f̄ form found from its line y = 1, PCF((2n+1)(n²+n+1), −n⁶), is the known ζ(3)
/// field after the coboundary U = diag(x³, 1), entry by entry, exactly.
#[test]
fn ffbar_zeta3_form_is_the_zeta3_field_after_diag_x_cubed_coboundary() {
    let sols = solve(&pcf("(2n+1)(n^2+n+1)", "-n^6"), &FfbarOptions::default()).unwrap();
    let best = &sols[0];
    let scope = Scope::new(&xy());
    let p = |s: &str| scope.parse(s).unwrap();
    assert_eq!(best.f, p("(x + y)*(x**2 + x*y + y**2)").num().clone());
    assert_eq!(best.fbar, p("(y - x)*(x**2 - x*y + y**2)").num().clone());
    let u = RatMatrix::from_rows(vec![
        vec![p("x**3"), RatFun::constant(2, 0)],
        vec![RatFun::constant(2, 0), RatFun::constant(2, 1)],
    ])
    .unwrap();
    let moved = coboundary(&best.cmf("zeta3_ffbar"), &u).unwrap();
    let known = load("zeta3").unwrap().build(&[]).unwrap();
    for (m1, m2) in moved.matrices.iter().zip(&known.matrices) {
        for (e1, e2) in m1.entries().iter().zip(m2.entries()) {
            assert!(
                e1.same_as(e2),
                "{} vs {}",
                e1.display(&xy()),
                e2.display(&xy())
            );
        }
    }
    // and the bundled f, f̄ file is the same field
    let bundled = load("zeta3_ffbar").unwrap().build(&[]).unwrap();
    for (m1, m2) in best.cmf("z").matrices.iter().zip(&bundled.matrices) {
        for (e1, e2) in m1.entries().iter().zip(m2.entries()) {
            assert!(e1.same_as(e2));
        }
    }
}

/// Inflating the PCF by a polynomial changes nothing but the recorded inflation.
#[test]
fn ffbar_of_an_inflated_pcf_records_the_inflation() {
    let sols = solve(
        &pcf("(n+2)(2n+1)", "-(n+2)(n+1)n^2"),
        &FfbarOptions::default(),
    )
    .unwrap();
    assert_eq!(sols[0].inflation.python(), "n + 2");
    assert_eq!(sols[0].deflated, pcf("2n+1", "-n^2"));
}

// ---------------------------------------------------------------------------------------------
// CMF-membership certificates (kind 3)

mod membership {
    use super::*;
    use apery::proof::anchors::pcf_anchor;
    use apery::proof::membership::build_membership;
    use apery::proof::{check, Certificate, Identity};

    /// The log field f = x + y, f̄ = x − y, found from the anchor's own PCF (1, n²) (Euler's
    /// continued fraction for 1/ln 2) by the f, f̄ solver, as `[[M_x], [M_y]]`.
    fn log_field() -> ([[MPoly; 2]; 2], [[MPoly; 2]; 2]) {
        let s = &solve(&pcf("1", "n^2"), &FfbarOptions::default()).unwrap()[0];
        let z = MPoly::zero(2);
        let one = MPoly::constant(2, 1);
        (
            [[z, s.b.clone()], [one.clone(), s.a.clone()]],
            [[s.fbar.clone(), s.b.clone()], [one, s.f.clone()]],
        )
    }

    fn value(l: &apery::proof::Limit, prec: u32) -> Float {
        let k = apery::constants::evaluate(&l.constant, prec).unwrap();
        let c = |v: &apery::proof::json::JsonInt| Float::with_val(prec, &v.0);
        let num = c(&l.numerator[0]) + c(&l.numerator[1]) * &k;
        let den = c(&l.denominator[0]) + c(&l.denominator[1]) * &k;
        num / den
    }

    fn certificate(p: &Pcf, line: i64) -> (Certificate, apery::proof::Proven) {
        let (mx, my) = log_field();
        let anchor = pcf_anchor("euler-log2").unwrap();
        build_membership("log field", &mx, &my, (anchor, 1), (p, line), None).unwrap()
    }

    /// The lines y = 2, 3 of the log field, (3, n²) and (5, n²), and an inflation of the line
    /// y = 3, are proved from Euler's 1/ln 2 by path independence; the derived limits agree with the
    /// PCFs' evaluated limits, and the certificate re-checks from its file text alone.
    #[test]
    fn membership_certificates_of_log_field_lines_recheck_and_match_the_limits() {
        for (a, b, line, digits) in [
            ("3", "n^2", 2, 8),
            ("5", "n^2", 3, 15),
            ("2*(n+1)*5", "4*(n+1)*n*n^2", 3, 10),
        ] {
            let p = pcf(a, b);
            let (cert, proven) = certificate(&p, line);
            assert_eq!(proven.anchors, vec!["euler-log2".to_string()]);
            assert_eq!(cert.kind(), "membership");
            let text = cert.to_file_string();
            let again = check(&Certificate::from_file_str(&text).unwrap()).unwrap();
            assert_eq!(again.limit, proven.limit);
            let lim = apery::pcf::limit::evaluate(
                &p,
                &apery::pcf::limit::EvalOptions {
                    digits: digits + 5,
                    start_depth: 32,
                    max_depth: 1 << 16,
                },
            )
            .unwrap();
            assert!(lim.digits >= digits as f64, "{a}: {} digits", lim.digits);
            let claimed = value(&proven.limit, 200);
            let err = Float::with_val(200, &lim.value - &claimed).abs();
            assert!(
                err < Float::with_val(200, 10f64).pow(-(digits as i32)),
                "PCF({a}, {b}) = {} but the certificate says {} = {}",
                lim.value,
                proven.limit,
                claimed
            );
        }
    }

    fn tampered(f: impl Fn(&mut Value)) -> apery::proof::ProofError {
        let (cert, _) = certificate(&pcf("5", "n^2"), 3);
        let mut v: Value = serde_json::from_str(&cert.to_file_string()).unwrap();
        f(&mut v["certificate"]);
        let c = Certificate::from_file_str(&v.to_string()).unwrap();
        check(&c).unwrap_err()
    }

    /// One changed coefficient of the field breaks conservation; a changed link breaks that link;
    /// a changed claim breaks the claim; a wrong start index breaks the start index: each named.
    #[test]
    fn tampered_membership_certificates_fail_naming_the_broken_identity() {
        let e = tampered(|c| c["field"]["my"][1][1][0][2] = Value::from("7"));
        assert_eq!(e.identity(), Some(Identity::Coboundary));
        assert!(e.to_string().contains("field conservation"), "{e}");
        let e = tampered(|c| c["pcf_link"]["u"][0][0] = serde_json::json!(["2"]));
        assert_eq!(e.identity(), Some(Identity::Coboundary));
        assert!(e.to_string().contains("PCF link"), "{e}");
        let e = tampered(|c| {
            let n = c["claim"]["numerator"][0]
                .as_str()
                .unwrap()
                .parse::<i64>()
                .unwrap();
            c["claim"]["numerator"][0] = Value::from((n + 1).to_string());
            c["equivalence"]["claim"] = c["claim"].clone();
        });
        assert_eq!(e.identity(), Some(Identity::Claim), "{e}");
        let e = tampered(|c| c["equivalence"]["n0"] = Value::from(0));
        assert_eq!(e.identity(), Some(Identity::StartIndex), "{e}");
        // the anchor line moved: the anchor is not the line y = 2
        let e = tampered(|c| c["anchor_line"] = Value::from(2));
        assert_eq!(e.identity(), Some(Identity::Coboundary));
        assert!(e.to_string().contains("anchor link"), "{e}");
    }

    /// A PCF that is not a line of the field gets no certificate.
    #[test]
    fn membership_is_refused_for_a_pcf_off_the_line() {
        let (mx, my) = log_field();
        let anchor = pcf_anchor("euler-log2").unwrap();
        let r = build_membership(
            "log field",
            &mx,
            &my,
            (anchor, 1),
            (&pcf("4", "n^2"), 2),
            None,
        );
        assert!(r.is_err());
    }
}

// ---------------------------------------------------------------------------------------------
// Trajectories of bundled fields, the catalog and the command line

mod cli {
    use super::*;
    use crate::common::apery;
    use apery::catalog::{Catalog, Conjecture};
    use apery::cmf::generalize::{generalize, GeneralizeOptions, Route};
    use apery::pcf::canonical::{simplicity_key, CanonicalKey};

    fn stored(p: &Pcf, constant: &str, relation: &str) -> (Conjecture, String) {
        // built from JSON, so that fields added to the catalog row later take their defaults
        let c: Conjecture = serde_json::from_value(serde_json::json!({
            "kind": "pcf",
            "canonical_key": CanonicalKey::of(p).to_string(),
            "a": p.a.python(),
            "b": p.b.python(),
            "constants": [constant],
            "relation": relation,
            "limit": "4.99144423548424481209875767292918440650",
            "verified_digits": 100,
            "depth": 128,
            "delta": null,
            "convergence_rate": null,
            "space": "test",
            "space_hash": "h",
            "variants": 1,
            "details": {},
        }))
        .unwrap();
        (c, simplicity_key(p))
    }

    /// Apéry's PCF is not a line of an f, f̄ field of degree ≤ 4 but is the diagonal (1,1) from
    /// (1,1) of the bundled ζ(3) field; its neighbours' limits are identified with ζ(3).
    #[test]
    fn apery_pcf_is_found_as_the_zeta3_diagonal() {
        let p = pcf("34n^3+51n^2+27n+5", "-n^6");
        let opts = GeneralizeOptions {
            ffbar: FfbarOptions { max_degree: 4 },
            digits: 30,
            ..GeneralizeOptions::default()
        };
        let out = generalize(&p, &["zeta3".to_string()], &opts);
        let fam = out
            .families
            .iter()
            .find(|f| matches!(f.route, Route::Trajectory { .. }))
            .expect("a trajectory family");
        assert_eq!(fam.field.name, "zeta3");
        assert_eq!(
            (fam.original.trajectory.clone(), fam.original.start.clone()),
            (vec![1, 1], vec![1, 1])
        );
        assert_eq!(fam.original.identification.as_deref(), Some("x = 6/zeta3"));
        // the line (1,0) from (1,1) of the same field is the slowly converging 1/ζ(3) PCF
        assert!(fam.members.iter().any(|m| m.trajectory == vec![1, 0]
            && m.identification
                .as_deref()
                .is_some_and(|i| i.contains("zeta3"))));
    }

    /// A catalog conjecture (Apéry's PCF, row id 1) generalised from the command line: the family
    /// is printed and stored as a `cmf-family` row linked to the conjecture's canonical key.
    #[test]
    fn catalog_pcf_found_as_a_trajectory_is_stored_as_a_cmf_family() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.sqlite");
        let p = pcf("34n^3+51n^2+27n+5", "-n^6");
        let (c, s) = stored(&p, "zeta3", "x = 6/zeta3");
        Catalog::open(&path).unwrap().insert(&c, &s).unwrap();
        // --no-write prints and writes nothing
        apery()
            .args([
                "generalize",
                "1",
                "--no-write",
                "--digits",
                "30",
                "--catalog",
            ])
            .arg(&path)
            .assert()
            .success();
        assert!(Catalog::open_read_only(&path)
            .unwrap()
            .families(None)
            .unwrap()
            .is_empty());
        let out = apery()
            .args(["generalize", "1", "--digits", "30", "--catalog"])
            .arg(&path)
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(text.contains("bundled field 'zeta3'"), "{text}");
        assert!(text.contains("6/zeta3"), "{text}");
        let fams = Catalog::open_read_only(&path)
            .unwrap()
            .families(Some(&c.canonical_key))
            .unwrap();
        let row = fams.iter().find(|f| f.route == "trajectory").unwrap();
        assert_eq!(row.kind, "cmf-family");
        assert_eq!(row.field_name, "zeta3");
        assert_eq!(row.original["trajectory"], serde_json::json!([1, 1]));
        assert!(!row.members.as_array().unwrap().is_empty());
        // running again replaces the row instead of adding one
        apery()
            .args(["generalize", "1", "--digits", "30", "--catalog"])
            .arg(&path)
            .assert()
            .success();
        let again = Catalog::open_read_only(&path)
            .unwrap()
            .families(None)
            .unwrap();
        assert_eq!(again.len(), fams.len());
    }

    /// A PCF without a family: exit status 1 and a message saying what was tried.
    #[test]
    fn pcf_without_family_gives_a_clear_message() {
        let out = apery()
            .args([
                "generalize",
                "--a",
                "3n+1",
                "--b",
                "n^2+5",
                "--max-degree",
                "3",
            ])
            .assert()
            .failure();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(
            text.contains("no family found for PCF (3*n + 1, n**2 + 5)"),
            "{text}"
        );
        assert!(text.contains("f, f̄ pairs at degrees 1..=3"), "{text}");
        assert!(text.contains("zeta3") && text.contains("cmf1"), "{text}");
        // an unknown id is an error naming the catalog
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        Catalog::open(&path).unwrap();
        let out = apery()
            .args(["generalize", "42", "--catalog"])
            .arg(&path)
            .assert()
            .failure();
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(
            err.contains("no conjecture with id or canonical key '42'"),
            "{err}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A law: every line y = 1 of the cmf1 family is solved, and every pair returned checks

mod law {
    use super::*;
    use apery::cmf::to_pcf::deflate;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The line y = 1 of cmf1 (f = c0 + c1(x+y), f̄ = c2 + c3(x−y)) is the PCF
        /// a = (c1 − c3)n + c0 + c1 − c2, b = n(c0c3 + c1c2 + c1c3n). Every pair the solver returns
        /// satisfies both conditions exactly, has the PCF on its line y = 1 and a conservative field;
        /// when the PCF is already deflated, one is found.
        #[test]
        fn ffbar_solutions_of_cmf1_lines_check(
            c0 in -3i64..=3, c1 in 1i64..=3, c2 in -3i64..=3, c3 in -3i64..=3,
        ) {
            prop_assume!(c3 != 0 && c1 != c3);
            let a = Poly::from_i64(&[c0 + c1 - c2, c1 - c3]);
            let b = Poly::from_i64(&[0, c0 * c3 + c1 * c2, c1 * c3]);
            let p = Pcf::new(a, b);
            let sols = solve(&p, &FfbarOptions { max_degree: 2 }).unwrap();
            for s in &sols {
                prop_assert!(linear_defect(&s.f, &s.fbar).is_zero());
                prop_assert!(quadratic_defect(&s.f, &s.fbar, &s.b).is_zero());
                prop_assert!(s.cmf("law").check().is_ok());
                let line = s.a.compose(&[MPoly::var(1, 0), MPoly::constant(1, 1)]);
                prop_assert_eq!(line, MPoly::from_poly(&s.deflated.a));
            }
            let (_, _, factor) = deflate(&p.a, &p.b);
            if factor == Poly::constant(1) {
                prop_assert!(!sols.is_empty(), "no pair for {}", p);
            }
        }
    }
}

/// (5, n²) is not an anchor, but its f, f̄ field has Euler's 1/ln 2 continued fraction (1, n²) as
/// a neighbouring line: the membership certificate proves PCF(5, n²) = 2/(2 ln 2 − 1) exactly.
#[test]
fn membership_certificate_from_the_generalized_field_proves_a_neighbour_of_an_anchor() {
    use apery::cmf::generalize::membership_certificate;
    let p = pcf("5", "n^2");
    let sol = &solve(&p, &FfbarOptions::default()).unwrap()[0];
    let (cert, proven) = membership_certificate(sol).expect("an anchor line");
    assert_eq!(proven.anchors, vec!["euler-log2".to_string()]);
    let again = apery::proof::check(&cert).unwrap();
    assert_eq!(again.limit, proven.limit);
    // 5 + 1/(5 + 4/(5 + …)) = 2/(2 ln 2 − 1) (the family's identification of the line y = 3)
    let want = apery::proof::Limit::new("ln2", [2.into(), 0.into()], [(-1).into(), 2.into()]);
    assert!(proven.limit.same_as(&want), "{}", proven.limit);
}

/// `--certificate FILE` writes the membership certificate, which re-checks from the file alone.
#[test]
fn generalize_writes_a_membership_certificate_that_rechecks() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cert.json");
    common::apery()
        .args([
            "generalize",
            "--a",
            "5",
            "--b",
            "n^2",
            "--digits",
            "20",
            "--no-trajectories",
        ])
        .arg("--certificate")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "CMF membership (anchor euler-log2)",
        ));
    let text = std::fs::read_to_string(&file).unwrap();
    let cert = apery::proof::Certificate::from_file_str(&text).unwrap();
    let p = apery::proof::check(&cert).unwrap();
    assert_eq!(p.pcf, pcf("5", "n^2"));
}
