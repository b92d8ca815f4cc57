//! Integration tests of `apery::constants`: published digits, exact identities at high precision,
//! the fixture limits of `validation_formulas.json`, error messages and number formatting.

use apery::constants::{digits, evaluate, library, lookup, value, Expr, ExprError};
use rug::float::Constant as Mpfr;
use rug::ops::Pow;
use rug::Float;

/// Bits needed for `d` decimal digits plus a margin.
fn bits(d: usize) -> u32 {
    (d as f64 * std::f64::consts::LOG2_10).ceil() as u32 + 16
}

/// |a − b|/|b| at 64 bits.
fn rel_diff(a: &Float, b: &Float) -> Float {
    let mut d = Float::with_val(a.prec().max(b.prec()), a - b);
    d /= b;
    Float::with_val(64, d.abs())
}

/// Published decimal expansions (truncated), typed from standard tables (OEIS A000796, A001113, A002117,
/// A006752, A001620, A002162, A002391, A013663, A013665, A068466, A062539, A014549, A001622, A002193,
/// A002194, A072334, A002388, A070910).
const PUBLISHED: &[(&str, &str)] = &[
    (
        "pi",
        "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899",
    ),
    (
        "e",
        "2.71828182845904523536028747135266249775724709369995957496696762772407663035354759",
    ),
    (
        "zeta3",
        "1.20205690315959428539973816151144999076498629234049888179227155534183820578631309",
    ),
    (
        "catalan",
        "0.91596559417721901505460351493238411077414937428167213426649811962176301977625476",
    ),
    (
        "euler_gamma",
        "0.57721566490153286060651209008240243104215933593992359880576723488486772677766467",
    ),
    (
        "ln2",
        "0.69314718055994530941723212145817656807550013436025525412068000949339362196969471",
    ),
    (
        "ln3",
        "1.09861228866810969139524523692252570464749055782274945173469433363749429321860896",
    ),
    (
        "zeta5",
        "1.03692775514336992633136548645703416805708091950191281197419267790380358978628148",
    ),
    (
        "zeta7",
        "1.00834927738192282683979754984979675959986356056523870641728313657160147831735573",
    ),
    (
        "gamma_1_4",
        "3.62560990822190831193068515586767200299516768288006546743337799956991924353872912",
    ),
    (
        "lemniscate",
        "2.62205755429211981046483958989111941368275495143162316281682170380079",
    ),
    (
        "gauss",
        "0.83462684167407318628142973279904680899399301349034700244982737010368199270952641",
    ),
    (
        "bessel_ratio_2",
        "0.697774657964007982006790592551752599486658262998021232368630082816530",
    ),
    (
        "phi",
        "1.61803398874989484820458683436563811772030917980576286213544862270526046281890244",
    ),
    (
        "sqrt2",
        "1.41421356237309504880168872420969807856967187537694807317667973799",
    ),
    (
        "sqrt3",
        "1.73205080756887729352744634150587236694280525381038062805580697945",
    ),
    ("e2", "7.38905609893065022723042746057500781318031557055184"),
    (
        "pi2",
        "9.86960440108935861883449099987615113531369940724079",
    ),
];

#[test]
fn named_constants_match_published_digits() {
    for (name, reference) in PUBLISHED {
        let significant = reference.replace('.', "").trim_start_matches('0').len();
        assert!(significant >= 50, "{name}: reference too short");
        let prec = bits(significant + 10);
        let v = value(name, prec).unwrap_or_else(|| panic!("{name} unknown"));
        let r = Float::with_val(prec, Float::parse(reference).unwrap());
        let rel = rel_diff(&v, &r);
        let tol = Float::with_val(64, 10u32).pow(-(significant as i32 - 1));
        assert!(rel < tol, "{name}: relative error {rel} ≥ {tol}");
        // The printed digits agree with the reference up to the last (rounded) one.
        let printed = digits(name, significant - 1).unwrap();
        let head = &reference[..reference.len() - 3];
        assert!(
            printed.starts_with(head),
            "{name}: {printed} vs {reference}"
        );
    }
}

#[test]
fn every_library_constant_has_a_published_check_or_identity() {
    let covered: Vec<&str> = PUBLISHED.iter().map(|(n, _)| *n).collect();
    for c in library() {
        let by_identity = ["zeta2", "zeta4", "zeta6"].contains(&c.name);
        assert!(
            covered.contains(&c.name) || by_identity,
            "{} untested",
            c.name
        );
    }
}

#[test]
fn even_zeta_values_equal_their_closed_forms_at_1000_digits() {
    let prec = bits(1000);
    for (lhs, rhs) in [
        ("zeta2", "pi^2/6"),
        ("zeta(2)", "pi**2/6"),
        ("zeta4", "pi^4/90"),
        ("zeta(4)", "pi^4/90"),
        ("zeta6", "pi^6/945"),
    ] {
        assert_eq!(
            evaluate(lhs, prec).unwrap(),
            evaluate(rhs, prec).unwrap(),
            "{lhs} = {rhs}"
        );
    }
}

#[test]
fn besseli_half_orders_match_elementary_closed_forms_at_500_digits() {
    let prec = bits(500);
    for x in ["1", "3/7", "5", "2/3"] {
        let cases = [
            (
                format!("besseli(1/2, {x})"),
                format!("sqrt(2/(pi*({x})))*sinh({x})"),
            ),
            (
                format!("besseli(-1/2, {x})"),
                format!("sqrt(2/(pi*({x})))*cosh({x})"),
            ),
            (
                format!("besseli(3/2, {x})"),
                format!("sqrt(2/(pi*({x})))*(cosh({x}) - sinh({x})/({x}))"),
            ),
        ];
        for (lhs, rhs) in cases {
            assert_eq!(
                evaluate(&lhs, prec).unwrap(),
                evaluate(&rhs, prec).unwrap(),
                "{lhs}"
            );
        }
    }
}

#[test]
fn besseli_integer_orders_and_the_bessel_continued_fraction() {
    // I_{-1}(x) = I_1(x), I_1(-x) = -I_1(x), I_0(0) = 1.
    let p = 300;
    assert_eq!(
        evaluate("besseli(-1, 3)", p).unwrap(),
        evaluate("besseli(1, 3)", p).unwrap()
    );
    assert_eq!(
        evaluate("besseli(1, -3)", p).unwrap(),
        evaluate("-besseli(1, 3)", p).unwrap()
    );
    assert_eq!(evaluate("besseli(0, 0)", p).unwrap(), 1);
    // HAKMEM 99: I_0(2)/I_1(2) = [1; 2, 3, 4, …]; 150 terms give far more than 100 digits.
    let prec = bits(100);
    let mut cf = Float::with_val(prec, 150);
    for k in (1..150).rev() {
        cf = Float::with_val(prec, k) + cf.recip();
    }
    let ratio = evaluate("besseli(0, 2)/besseli(1, 2)", prec).unwrap();
    let rel = rel_diff(&cf, &ratio);
    assert!(rel < Float::with_val(64, 10u32).pow(-100), "{rel}");
    assert_eq!(ratio.recip(), value("bessel_ratio_2", prec).unwrap());
}

#[test]
fn polygamma_special_values() {
    let prec = bits(300);
    for (lhs, rhs) in [
        ("polygamma(2, 1)", "-2*zeta(3)"),
        ("polygamma(2, 1/2)", "-14*zeta(3)"),
        ("polygamma(1, 1)", "pi^2/6"),
        ("polygamma(1, 1/2)", "pi^2/2"),
        ("polygamma(1, 1/4)", "pi^2 + 8*catalan"),
        ("polygamma(0, 1)", "-EulerGamma"),
        ("polygamma(0, 1/2)", "-EulerGamma - 2*log(2)"),
        ("polygamma(3, 1)", "6*zeta(4)"),
        ("polygamma(2, 3)", "-2*zeta(3) + 2 + 2/8"),
        ("polygamma(1, -1/2)", "pi^2/2 + 4"),
        ("zeta(3, 1)", "zeta(3)"),
    ] {
        assert_eq!(
            evaluate(lhs, prec).unwrap(),
            evaluate(rhs, prec).unwrap(),
            "{lhs} = {rhs}"
        );
    }
}

#[test]
fn hyp1f1_reduces_to_exponentials() {
    let prec = bits(200);
    for z in ["1", "-3/2", "10", "1/3", "-20"] {
        let lhs = format!("hyp1f1(1, 2, {z})");
        let rhs = format!("(exp({z}) - 1)/({z})");
        assert_eq!(
            evaluate(&lhs, prec).unwrap(),
            evaluate(&rhs, prec).unwrap(),
            "{lhs}"
        );
        let lhs = format!("hyp1f1(5/7, 5/7, {z})");
        assert_eq!(
            evaluate(&lhs, prec).unwrap(),
            evaluate(&format!("exp({z})"), prec).unwrap()
        );
    }
    // Terminating series: 1F1(−2; 1; z) = L₂(z) = 1 − 2z + z²/2 (Laguerre), so L₂(3) = −1/2 exactly.
    assert_eq!(
        evaluate("hyp1f1(-2, 1, 3)", 100).unwrap(),
        Float::with_val(100, -0.5)
    );
}

fn fixture_limits() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validation_formulas.json"
    );
    let text = std::fs::read_to_string(path).expect("validation_formulas.json");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for list in ["pcf", "euler2ai_pi"] {
        for (i, row) in json[list].as_array().unwrap().iter().enumerate() {
            let id = row["id"]
                .as_str()
                .map(String::from)
                .unwrap_or(format!("{list}[{i}]"));
            out.push((id, row["limit"].as_str().unwrap().to_string()));
        }
    }
    out
}

#[test]
fn every_fixture_limit_parses_and_evaluates() {
    let limits = fixture_limits();
    assert!(limits.len() >= 200);
    for (id, src) in &limits {
        let expr = Expr::parse(src).unwrap_or_else(|e| panic!("{id}: {e}"));
        let v = expr.eval(256).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(v.is_finite() && !v.is_zero(), "{id}: {src} = {v}");
        // The canonical form parses back to the same tree and the same value.
        let again = Expr::parse(&expr.to_string()).unwrap();
        assert_eq!(again, expr, "{id}: {expr}");
    }
    let by_id = |id: &str| limits.iter().find(|(i, _)| i == id).unwrap().1.clone();
    // R16, R17: huge rationals over a near-cancelling Catalan combination.
    let r16 = evaluate(&by_id("R16"), 200).unwrap();
    assert!(r16 < -2.68e45 && r16 > -2.69e45, "R16 = {r16}");
    let r17 = evaluate(&by_id("R17"), 200).unwrap();
    assert!(r17 < -7.80e63 && r17 > -7.82e63, "R17 = {r17}");
    // R1 = (e+1)/(e−1) = coth(1/2).
    assert_eq!(
        evaluate(&by_id("R1"), 500).unwrap(),
        evaluate("1/tanh(1/2)", 500).unwrap()
    );
}

#[test]
fn sympy_rational_powers() {
    let p = 400;
    let v = evaluate("4**(sp.Rational(1,3))", p).unwrap();
    assert_eq!(v, Float::with_val(p, Float::with_val(p, 4).cbrt_ref()));
    assert_eq!(evaluate("Rational(-6, 4)", p).unwrap(), -1.5);
    assert_eq!(evaluate("2**-3 + 1.5e1", p).unwrap(), 15.125);
    assert_eq!(evaluate("-2^2", p).unwrap(), -4);
}

#[test]
fn pi_to_2000_digits_is_correctly_rounded() {
    let prec = bits(2000);
    let v = value("pi", prec).unwrap();
    assert_eq!(v, Float::with_val(prec, Mpfr::Pi));
    assert_eq!(evaluate("4*atan(1)", prec).unwrap(), v);
    let text = digits("pi", 2000).unwrap();
    assert_eq!(text.len(), 2001);
    assert!(text.starts_with("3.14159265358979323846264338327950288419716939937510"));
    // Digits 762..767 after the point are the Feynman point "999999".
    assert_eq!(&text[763..769], "999999");
}

#[test]
fn lemniscate_and_gauss_are_related_by_pi() {
    let prec = bits(300);
    assert_eq!(
        value("lemniscate", prec).unwrap(),
        evaluate("pi*gauss", prec).unwrap()
    );
    assert_eq!(
        value("gauss", prec).unwrap(),
        evaluate("G_B", prec).unwrap()
    );
    assert_eq!(lookup("GoldenRatio").unwrap().name, "phi");
    assert_eq!(lookup("Gamma0dot25").unwrap().name, "gamma_1_4");
}

#[test]
fn cache_is_shared_across_threads() {
    let prec = bits(3000);
    let results: Vec<Float> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| value("catalan", prec).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let direct = Float::with_val(prec, Mpfr::Catalan);
    assert!(results.iter().all(|r| *r == direct));
}

#[test]
fn digits_are_correctly_rounded_and_formatted() {
    assert_eq!(digits("pi", 10).unwrap(), "3.141592654");
    assert_eq!(digits("e", 1).unwrap(), "3");
    assert_eq!(digits("1/3", 5).unwrap(), "0.33333");
    assert_eq!(digits("-2/3", 4).unwrap(), "-0.6667");
    assert_eq!(digits("10^30", 3).unwrap(), "1.00e30");
    assert_eq!(digits("exp(-20)", 6).unwrap(), "2.06115e-9");
    assert_eq!(digits("1/800", 3).unwrap(), "0.00125");
    assert_eq!(digits("0*pi", 5).unwrap(), "0");
    assert_eq!(digits("pi - pi", 5).unwrap(), "0");
    assert_eq!(digits("sqrt(16)", 3).unwrap(), "4.00");
    // 0.1234999… must not round up: (1/8 − 10^−30) to 3 digits.
    assert_eq!(digits("1/8 - 10^-30", 3).unwrap(), "0.125");
    assert_eq!(digits("1/8 - 10^-30", 2).unwrap(), "0.12");
}

#[test]
fn parse_errors_name_the_position_and_the_expectation() {
    let err = Expr::parse("exp(2/3").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected ')' at column 8 in 'exp(2/3', found end of input"
    );
    let err = Expr::parse("2 * (pi + )").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a number, a name or '(' at column 11 in '2 * (pi + )', found ')'"
    );
    assert!(matches!(
        Expr::parse("1 $ 2"),
        Err(ExprError::Syntax { column: 3, .. })
    ));
    assert!(matches!(
        Expr::parse("pi pi"),
        Err(ExprError::Syntax { column: 4, .. })
    ));

    let err = Expr::parse("2*pj").unwrap_err().to_string();
    assert!(
        err.starts_with("unknown name 'pj' at column 3 in '2*pj'"),
        "{err}"
    );
    assert!(err.contains("did you mean") && err.contains("pi"), "{err}");
    let err = Expr::parse("x + 1").unwrap_err().to_string();
    assert!(
        err.contains("free variables are not allowed") && err.contains("known constants: pi"),
        "{err}"
    );
    let err = Expr::parse("catalan(2)").unwrap_err().to_string();
    assert_eq!(
        err,
        "'catalan' is a constant, not a function at column 1 in 'catalan(2)'"
    );
    let err = Expr::parse("besseli(1)").unwrap_err().to_string();
    assert_eq!(
        err,
        "'besseli' takes 2 arguments, got 1 at column 1 in 'besseli(1)'"
    );
    // Case-sensitive names: `PI` is an alias, `pI` is not.
    assert!(Expr::parse("PI").is_ok());
    assert!(matches!(
        Expr::parse("pI"),
        Err(ExprError::UnknownName { .. })
    ));
}

#[test]
fn domain_errors_are_errors_not_nan() {
    for src in [
        "log(-1)",
        "log(0)",
        "sqrt(-2)",
        "gamma(-2)",
        "acosh(1/2)",
        "atanh(1)",
        "zeta(1)",
        "(-8)^(1/3)",
        "besseli(1/2, -1)",
        "hyp1f1(1, -2, 1)",
        "polygamma(1, 0)",
        "polygamma(1/2, 1)",
        "agm(-1, 2)",
        "log(1 - E/E)",
        "tan(pi/2)",
        "1/(pi - pi)",
    ] {
        match evaluate(src, 128) {
            Err(ExprError::Domain(_) | ExprError::Precision { .. }) => {}
            other => panic!("{src}: {other:?}"),
        }
    }
    assert_eq!(evaluate("1/(3-3)", 64), Err(ExprError::DivisionByZero));
    assert_eq!(evaluate("0^-1", 64), Err(ExprError::DivisionByZero));
    assert!(matches!(
        evaluate("exp(10^30)", 64),
        Err(ExprError::Overflow(_))
    ));
    assert!(matches!(
        evaluate("pi", 0),
        Err(ExprError::InvalidPrecision(0))
    ));
}

#[test]
fn display_prints_a_canonical_form() {
    for (src, shown) in [
        ("(E+1)/(E-1)", "(e + 1)/(e - 1)"),
        ("4**(sp.Rational(1,3))", "4^Rational(1, 3)"),
        ("-2**2", "-2^2"),
        ("(-2)**2", "(-2)^2"),
        ("2^3^2", "2^3^2"),
        ("(2^3)^2", "(2^3)^2"),
        ("a", ""),
        ("1 - (2 - 3)", "1 - (2 - 3)"),
        ("1 - -pi", "1 - (-pi)"),
        ("6/(8*catalan - pi*acosh(2))", "6/(8*catalan - pi*acosh(2))"),
        ("ln(GoldenRatio)*EulerGamma", "log(phi)*euler_gamma"),
    ] {
        match Expr::parse(src) {
            Ok(e) => assert_eq!(e.to_string(), shown),
            Err(_) => assert!(shown.is_empty(), "{src} should parse"),
        }
    }
}
