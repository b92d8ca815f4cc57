//! Meijer-G values at rational parameters (`apery::cmf::meijer_value`, Slater's theorem) against
//! closed forms, and walks of generated `meijerg(m,n,p,q,z)` fields identified with the G values at
//! their start (`apery::cmf::pfq_limit`), in the library and through the binary.

use apery::cmf::meijer_value::{meijer_value, MeijerError};
use apery::cmf::pfq_limit::{identify_limit, significant_digits, PfqLimit};
use apery::cmf::shift::parse_start;
use apery::cmf::spec::{parse_rational, Generated};
use apery::constants;
use apery::pcf::limit::{bits_for_digits, log10_abs};
use proptest::prelude::*;
use rug::{Float, Rational};

fn r(s: &str) -> Rational {
    parse_rational(s).unwrap()
}

fn rs(s: &str) -> Vec<Rational> {
    if s.is_empty() {
        return Vec::new();
    }
    parse_start(s).unwrap()
}

fn value(expr: &str) -> Float {
    constants::evaluate(expr, bits_for_digits(200)).unwrap()
}

fn agree(a: &Float, b: &Float) -> f64 {
    let d = Float::with_val(a.prec().max(b.prec()), a - b);
    if d.is_zero() {
        return f64::INFINITY;
    }
    log10_abs(b) - log10_abs(&d)
}

/// `G^{m,n}_{p,q}(a; b | z)` to 60 digits agrees with `closed` to every digit it claims (≥ `least`).
fn check_value((m, n): (usize, usize), a: &str, b: &str, z: &str, closed: &str, least: u32) {
    let v = meijer_value(m, n, &rs(a), &rs(b), &r(z), 60)
        .unwrap_or_else(|e| panic!("G^{m},{n}({a}; {b} | {z}): {e}"));
    assert!(v.digits >= least, "{a}; {b} | {z}: {} digits", v.digits);
    let want = value(closed);
    assert!(
        agree(&v.value, &want) >= f64::from(v.digits),
        "G^{m},{n}({a}; {b} | {z}) = {} against {closed} = {want}",
        v.value
    );
}

/// `G^{1,0}_{0,1}(−; b | z) = z^b·e^{−z}` (one Slater term, `0F0`), inside and outside the unit disc.
#[test]
fn g10_01_is_a_power_times_exp() {
    for z in ["2/3", "7"] {
        check_value((1, 0), "", "1/3", z, &format!("({z})^(1/3)*exp(-{z})"), 60);
    }
    check_value((1, 0), "", "-5/2", "3/2", "(3/2)^(-5/2)*exp(-3/2)", 60);
}

/// `G^{1,1}_{1,1}(a; b | z) = Γ(1 − a + b)·z^b·(1 + z)^{a−b−1}`; for `z > 1` through the expansion
/// over the `a`-poles (`G^{1,1}_{1,1}(1 − b; 1 − a | 1/z)`).
#[test]
fn g11_11_is_a_binomial_power() {
    for (a, b, z) in [
        ("1/3", "1/4", "1/2"),
        ("1/3", "1/4", "3"),
        ("-2/5", "3/7", "3/5"),
    ] {
        let closed = format!("gamma(1-({a})+({b}))*({z})^({b})*(1+{z})^(({a})-({b})-1)");
        check_value((1, 1), a, b, z, &closed, 60);
    }
}

/// `G^{1,2}_{2,2}(1, 1; 1, 0 | z) = log(1 + z)`, also on `|z| = 1` (the ₂F₁ at −1 extrapolated,
/// with the digits the extrapolation proves), and `G^{1,2}_{2,2}(5/6, 1/3; 1/3, −1/6 | z) =
/// 2·z^{−1/6}·arctan √z` (π/2 at `z = 1`).
#[test]
fn g12_22_is_a_logarithm_or_an_arctangent() {
    check_value((1, 2), "1,1", "1,0", "1/2", "log(3/2)", 60);
    check_value((1, 2), "1,1", "1,0", "1", "log(2)", 40);
    check_value(
        (1, 2),
        "5/6,1/3",
        "1/3,-1/6",
        "1/3",
        "2*(1/3)^(-1/6)*pi/6",
        60,
    );
    check_value((1, 2), "5/6,1/3", "1/3,-1/6", "1", "pi/2", 40);
}

/// A lower series parameter at a pole, `1 + b₀ − b₁ = 0`, met by `1/Γ(0)`: the regularised series
/// `1F̃1(1; 0; −z) = −z·e^{−z}`, so `G^{1,1}_{1,2}(1/3; 1/3, 4/3 | z) = −z^{4/3}·e^{−z}`.
#[test]
fn regularised_series_at_a_lower_pole() {
    check_value(
        (1, 1),
        "1/3",
        "1/3,4/3",
        "2/3",
        "-(2/3)^(4/3)*exp(-2/3)",
        60,
    );
}

/// Two Slater terms (`m = 2`): `G^{2,0}_{0,2}(−; 1/4, −1/4 | z) = 2·K_{1/2}(2√z)`
/// `= √(π/√z)·e^{−2√z}`, exponentially small against its terms at `z = 20`.
#[test]
fn two_slater_terms_cancel_honestly() {
    for z in ["1/2", "20"] {
        let closed = format!("sqrt(pi/sqrt({z}))*exp(-2*sqrt({z}))");
        check_value((2, 0), "", "1/4,-1/4", z, &closed, 60);
    }
}

/// Degenerate parameters are refused with the reason, never guessed.
#[test]
fn degenerate_parameters_are_refused_with_the_reason() {
    let e = meijer_value(2, 1, &rs("1/3,1/5"), &rs("1/2,3/2"), &r("1/2"), 30).unwrap_err();
    assert!(matches!(e, MeijerError::Degenerate { .. }), "{e}");
    assert!(
        e.to_string().contains(
            "b0 = 1/2 and b1 = 3/2 differ by an integer (1): the poles of Γ(b0 − s) and Γ(b1 − s) merge"
        ),
        "{e}"
    );
    let e = meijer_value(1, 2, &rs("3/2,1/2"), &rs("1/2,-1/2"), &r("1/2"), 30).unwrap_err();
    assert!(
        e.to_string()
            .contains("a0 − b0 = 3/2 − 1/2 = 1 is a positive integer"),
        "{e}"
    );
    // log(1 + z) for z > 1 needs the a-expansion, where 1 − b = (0, 1) meet: refused
    let e = meijer_value(1, 2, &rs("1,1"), &rs("1,0"), &r("3"), 30).unwrap_err();
    assert!(e.to_string().contains("differ by an integer"), "{e}");
    let e = meijer_value(1, 1, &rs("1/3"), &rs("1/4"), &r("-1/2"), 30).unwrap_err();
    assert!(matches!(e, MeijerError::BranchCut { .. }), "{e}");
    let e = meijer_value(3, 0, &[], &rs("1/3"), &r("1/2"), 30).unwrap_err();
    assert!(e.to_string().contains("0 ≤ m ≤ q"), "{e}");
}

/// `−θG/G` at `G = G^{1,2}_{2,2}(1/2, 1/2; 1/2, −1/2 | z) = z^{−1/2}·log(1 + z)`:
/// `1/2 − z/((1 + z)·log(1 + z))`, the limit of the walk along `b₀` (checked through the binary
/// below). `θG = b₀G − G(b₀ + 1)` makes it `F1/F0 − 1/2`.
const LOG_LIMIT: &str = "1/2 - (1/2)/((3/2)*log(3/2))";

/// The identification with the values at the start: the right field and start give
/// `x = (−F0 + 2·F1)/(2·F0)`; a wrong `z`, or a start off by a non-integer shift, gives no relation.
#[test]
fn meijer_limit_is_identified_only_with_the_right_values() {
    let x = value(LOG_LIMIT);
    let field = |z: &str| Generated::MeijerG(1, 2, 2, 2, r(z));
    let found = identify_limit(&field("1/2"), &rs("1/2,1/2,1/2,-1/2"), &x, 60, 1000).unwrap();
    let PfqLimit::Identified(id) = found else {
        panic!("{found:?}")
    };
    assert_eq!(id.formula(), "x = (-F0 + 2*F1)/(2*F0)");
    assert!(id.verified_digits >= 59, "{}", id.verified_digits);
    assert_eq!(id.basis[0].label, "G^{1,2}_{2,2}(1/2,1/2;1/2,-1/2|1/2)");
    assert!(agree(&id.basis[0].value.value, &value("sqrt(2)*log(3/2)")) >= 60.0);
    for (z, start) in [
        ("1/3", "1/2,1/2,1/2,-1/2"),
        ("1/2", "1/2,1/2,1/3,-1/2"),
        ("1/2", "1/2,1/3,1/2,-1/2"),
    ] {
        let found = identify_limit(&field(z), &rs(start), &x, 60, 1000).unwrap();
        assert!(
            matches!(found, PfqLimit::NoRelation { digits: 59, .. }),
            "z = {z}, start {start}: {found:?}"
        );
    }
}

/// Walks count certain digits as decimal places; a limit of size 10^{−k} has k fewer significant
/// ones, and identification must be given those (a Meijer-G limit of −0.0063 certain to 57 places
/// was rejected by the gate for claiming 57 significant digits it did not have).
#[test]
fn small_limits_are_identified_at_their_significant_digits() {
    let x = value("-1/160");
    assert_eq!(significant_digits(&x, 57), 54);
    assert_eq!(significant_digits(&value("-7/2"), 57), 57);
    assert_eq!(significant_digits(&value("0"), 57), 57);
    // F1/F0 − 1/5 at G^{1,2}_{2,2}(1/2, 1/3; 1/5, 1/7 | 1/2), as the walk along b₀ gives it
    let field = Generated::MeijerG(1, 2, 2, 2, r("1/2"));
    let start = rs("1/2,1/3,1/5,1/7");
    let basis = apery::cmf::pfq_limit::basis_values(&field, &start, 80).unwrap();
    let f0 = &basis[0].value.value;
    let mut x = Float::with_val(f0.prec(), &basis[1].value.value / f0);
    x -= Float::with_val(f0.prec(), &r("1/5"));
    assert!(x < 0 && x > -0.01, "{x}");
    // known to 57 places only: perturb the 58th
    let mut blurred = x.clone();
    blurred += Float::with_val(64, 2e-58);
    let found = identify_limit(&field, &start, &blurred, 57, 1000).unwrap();
    let PfqLimit::Identified(id) = found else {
        panic!("{found:?}")
    };
    assert_eq!(id.formula(), "x = (-F0 + 5*F1)/(5*F0)");
}

/// A non-integer rational `k/d` (`d` in 2..=6) for the property tests.
fn param() -> impl Strategy<Value = Rational> {
    (2u32..=6, -12i32..=12)
        .prop_filter("not an integer", |(d, k)| k % (*d as i32) != 0)
        .prop_map(|(d, k)| Rational::from((k, d)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// `z^c·G(a; b | z) = G(a + c; b + c | z)` (the Mellin–Barnes integral with `s → s + c`):
    /// different Γ arguments, powers and series give the same value to the digits both claim.
    #[test]
    fn shifting_every_parameter_multiplies_by_a_power_of_z(
        a0 in param(), a1 in param(), b0 in param(), b1 in param(), c in param(),
        z in prop::sample::select(vec!["1/3", "2/3", "5/2", "4"]),
    ) {
        let z = r(z);
        let (a, b) = (vec![a0, a1], vec![b0, b1]);
        let shift = |v: &[Rational]| -> Vec<Rational> {
            v.iter().map(|x| Rational::from(x + &c)).collect()
        };
        let (Ok(g), Ok(gc)) = (
            meijer_value(1, 2, &a, &b, &z, 40),
            meijer_value(1, 2, &shift(&a), &shift(&b), &z, 40),
        ) else {
            // degenerate sets are refused for both or neither: integer differences are shift-invariant
            prop_assert_eq!(
                meijer_value(1, 2, &a, &b, &z, 40).is_ok(),
                meijer_value(1, 2, &shift(&a), &shift(&b), &z, 40).is_ok()
            );
            return Ok(());
        };
        let zc = constants::evaluate(&format!("({z})^({c})"), 400).unwrap();
        let lhs = Float::with_val(400, &g.value * &zc);
        let d = g.digits.min(gc.digits);
        prop_assert!(d >= 35, "{} {}", g.digits, gc.digits);
        prop_assert!(agree(&lhs, &gc.value) >= f64::from(d) - 1.0, "{} vs {}", lhs, gc.value);
    }

    /// The contiguous relations of the field's axis matrices, `G(b₀ + 1) = −(θ − b₀)G` (`b₀` among
    /// the first `m`) and `G(a₀ − 1) = (θ − a₀ + 1)G` (`a₀` among the first `n`), add up to
    /// `G(a; b₀ + 1, b₁ | z) + G(a₀ − 1, a₁; b | z) = (1 + b₀ − a₀)·G(a; b | z)`: three values with
    /// different Γ factors and series (both expansions: z on both sides of 1).
    #[test]
    fn values_satisfy_the_contiguous_relation_of_the_field(
        a0 in param(), a1 in param(), b0 in param(), b1 in param(),
        z in prop::sample::select(vec!["1/3", "2/3", "5/2", "4"]),
    ) {
        let z = r(z);
        let g = |a: [&Rational; 2], b: [&Rational; 2]| {
            let a: Vec<Rational> = a.iter().map(|v| (*v).clone()).collect();
            let b: Vec<Rational> = b.iter().map(|v| (*v).clone()).collect();
            meijer_value(1, 2, &a, &b, &z, 40)
        };
        let b0_up = Rational::from(&b0 + 1);
        let a0_down = Rational::from(&a0 - 1);
        let (Ok(f), Ok(up), Ok(down)) = (
            g([&a0, &a1], [&b0, &b1]),
            g([&a0, &a1], [&b0_up, &b1]),
            g([&a0_down, &a1], [&b0, &b1]),
        ) else {
            // a₀ − b₀ a positive integer (degenerate) at one of the three points
            prop_assume!(false);
            return Ok(());
        };
        let d = f.digits.min(up.digits).min(down.digits);
        prop_assert!(d >= 35, "{} {} {}", f.digits, up.digits, down.digits);
        let coeff = Rational::from(1 + &b0) - &a0;
        let rhs = Float::with_val(400, &f.value * &Float::with_val(400, &coeff));
        let lhs = Float::with_val(400, &up.value + &down.value);
        // absolute error of the three values: 10^{−d} of each
        let scale = Float::with_val(64, up.value.abs_ref())
            + Float::with_val(64, down.value.abs_ref())
            + Float::with_val(64, rhs.abs_ref());
        let diff = Float::with_val(400, &lhs - &rhs);
        prop_assert!(
            log10_abs(&scale) - log10_abs(&diff) >= f64::from(d) - 1.0,
            "{} vs {}", lhs, rhs
        );
    }
}

mod cli {
    use super::{agree, value, LOG_LIMIT};
    use assert_cmd::Command;
    use rug::Float;
    use serde_json::Value;

    fn apery() -> Command {
        Command::cargo_bin("apery").unwrap()
    }

    const WALK: [&str; 7] = [
        "cmf",
        "walk",
        "meijerg(1,2,2,2,1/2)",
        "--trajectory",
        "0,0,1,0",
        "--start",
        "1/2,1/2,1/2,-1/2",
    ];

    /// The walk of `meijerg(1,2,2,2,1/2)` along `b₀` from `(1/2, 1/2, 1/2, −1/2)` is identified with
    /// its G values, and the limit agrees with `1/2 − 1/(3·log(3/2))`.
    #[test]
    fn meijer_walk_is_identified_through_the_binary() {
        let out = apery().args(WALK).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(out.status.success(), "{text}");
        assert!(
            text.contains("identity  x = (-F0 + 2*F1)/(2*F0)   [agrees to "),
            "{text}"
        );
        assert!(
            text.contains("F0 = G^{1,2}_{2,2}(1/2,1/2;1/2,-1/2|1/2) = 0.57341425495563925622…"),
            "{text}"
        );
        assert!(
            text.contains("F1 = G^{1,2}_{2,2}(1/2,1/2;3/2,-1/2|1/2) = "),
            "{text}"
        );
        assert!(
            text.contains("closed    x = (3*log(3/2) - 2)/(6*log(3/2))"),
            "{text}"
        );
        let mut args = WALK.to_vec();
        args.push("--json");
        let out = apery().args(&args).output().unwrap();
        assert!(out.status.success());
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        let h = &j["hypergeometric"];
        assert_eq!(h["formula"], "x = (-F0 + 2*F1)/(2*F0)");
        assert_eq!(
            h["basis"][1]["series"],
            "G^{1,2}_{2,2}(1/2,1/2;3/2,-1/2|1/2)"
        );
        assert_eq!(h["basis"][0]["method"], "series");
        assert_eq!(h["closed_form"]["constants"][0], "log(3/2)");
        assert!(h["verified_digits"].as_u64().unwrap() >= 50, "{h}");
        let certain = j["certain_digits"].as_u64().unwrap();
        assert!(certain >= 55, "{certain}");
        let limit = Float::with_val(400, Float::parse(j["limit"].as_str().unwrap()).unwrap());
        assert!(
            agree(&limit, &value(LOG_LIMIT)) >= certain as f64 - 1.0,
            "{limit}"
        );
    }

    /// Degenerate parameters at the start: the walk is still reported (exit 0) and the identity
    /// line says why the values cannot be computed; in `--json` as `hypergeometric.error`.
    #[test]
    fn degenerate_start_is_reported_with_the_reason() {
        let args = [
            "cmf",
            "walk",
            "meijerg(1,2,2,2,1/2)",
            "--trajectory",
            "0,0,1,0",
            "--start",
            "3/2,1/2,1/2,-1/2",
        ];
        let out = apery().args(args).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert!(text.contains("limit     "), "{text}");
        assert!(
            text.contains(
                "identity  the hypergeometric values at the start cannot be computed: \
                 G^{1,2}_{2,2}(3/2,1/2;1/2,-1/2|1/2): degenerate parameters: a0 − b0 = 3/2 − 1/2 = 1 \
                 is a positive integer"
            ),
            "{text}"
        );
        let mut args = args.to_vec();
        args.push("--json");
        let out = apery().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(j["hypergeometric"]["formula"].is_null());
        let err = j["hypergeometric"]["error"].as_str().unwrap();
        assert!(err.contains("so G is undefined"), "{err}");
    }
}
