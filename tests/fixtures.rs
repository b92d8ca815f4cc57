//! The validation formulas of the Ramanujan Machine group (`tests/fixtures/validation_formulas.json`):
//! every PCF evaluates to its stated limit, and identification recovers the stated constant.

use apery::constants;
use apery::identify::gate::description_digits;
use apery::identify::{identify_mobius, identify_relation, Identification};
use apery::pcf::convergents::Convergents;
use apery::pcf::limit::{bits_for_digits, evaluate, log10_abs, EvalOptions};
use apery::pcf::Pcf;
use apery::precision::Certainty;
use apery::precision::SignificantDigits;
use rug::Float;
use serde_json::Value;

fn fixtures() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/validation_formulas.json"
    );
    let text =
        std::fs::read_to_string(path).expect("validation_formulas.json next to the repository");
    serde_json::from_str(&text).unwrap()
}

/// `p_N/q_N` at the given depth and precision.
fn value_at(pcf: &Pcf, depth: usize, prec: u32) -> Float {
    let c = Convergents::new(pcf, depth);
    Float::with_val(prec, c.p()) / Float::with_val(prec, c.q())
}

/// The integer literals of an expression such as `(-10976 + 3675*pi)/(11552 - 3675*pi)`.
fn integers_in(src: &str) -> Vec<rug::Integer> {
    src.split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

fn stated_digits(row: &Value) -> Option<f64> {
    row["digits_direct"].as_f64()
}

/// Library constants named in a fixture's limit expression (SymPy spelling → library name).
fn constants_in(limit: &str) -> Option<Vec<&'static str>> {
    let map = [
        ("zeta(2)", "zeta2"),
        ("zeta(3)", "zeta3"),
        ("zeta(5)", "zeta5"),
        ("catalan", "catalan"),
        ("GoldenRatio", "phi"),
        ("sqrt(3)", "sqrt3"),
        ("pi", "pi"),
        ("E", "e"),
    ];
    // Limits built from functions outside the library's constants are not identification targets.
    if ["exp(", "hyp1f1", "acosh", "Rational"]
        .iter()
        .any(|f| limit.contains(f))
    {
        return None;
    }
    let mut out = Vec::new();
    for (token, name) in map {
        if limit.contains(token) {
            out.push(name);
        }
    }
    Some(out)
}

fn identification_value(id: &Identification, prec: u32) -> Float {
    let vals: Vec<Float> = id
        .constants
        .iter()
        .map(|c| constants::evaluate(c, prec).unwrap())
        .collect();
    id.value(&vals, prec).unwrap()
}

#[test]
fn every_validation_pcf_reaches_its_limit_and_is_identified() {
    let data = fixtures();
    let rows = data["pcf"].as_array().unwrap();
    let library: Vec<String> = constants::library()
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    let (mut checked, mut unparsable, mut identified, mut not_in_library) = (0, 0, 0, 0);
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let Ok(pcf) = Pcf::parse(row["a"].as_str().unwrap(), row["b"].as_str().unwrap()) else {
            // R16, R17 are written with the test file's helper polynomials A, B, C, D.
            assert!(
                row["a"].as_str().unwrap().contains("C(n"),
                "{id} should parse"
            );
            unparsable += 1;
            continue;
        };
        let want = stated_digits(row).unwrap().floor().min(100.0);
        let depth = row["depth"].as_u64().unwrap() as usize;
        let prec = bits_for_digits(want as u32 + 20);
        let limit_src = row["limit"].as_str().unwrap();
        let exact = constants::evaluate(limit_src, prec).unwrap();
        let x = value_at(&pcf, depth, prec);
        let agree = -log10_abs(&Float::with_val(prec, &x - &exact));
        assert!(
            agree >= want - 0.5,
            "{id}: {agree:.1} digits at depth {depth}, fixture states {want}"
        );
        checked += 1;

        // Identification from the digits we actually have.
        let trusted = agree.floor().min(100.0) as u32;
        let Some(names) = constants_in(limit_src) else {
            not_in_library += 1;
            continue;
        };
        let tprec = bits_for_digits(trusted) + 64;
        let x = value_at(&pcf, depth, tprec);
        let sig = SignificantDigits::from_places(&x, trusted);
        let found = if names.len() == 1 {
            let targets: Vec<(String, Float)> = library
                .iter()
                .map(|n| (n.clone(), constants::evaluate(n, tprec).unwrap()))
                .collect();
            identify_mobius(&x, sig, &targets, 1000).unwrap()
        } else {
            let targets: Vec<(String, Float)> = names
                .iter()
                .map(|n| (n.to_string(), constants::evaluate(n, tprec).unwrap()))
                .collect();
            identify_relation(&x, sig, &targets, 1000).unwrap()
        };
        let found = found
            .unwrap_or_else(|| panic!("{id}: {limit_src} not identified from {trusted} digits"));
        let v = identification_value(&found, tprec);
        let err = -log10_abs(&Float::with_val(tprec, &v - &exact));
        assert!(
            err >= trusted as f64 - 2.0,
            "{id}: identified as {} which differs from {limit_src} at digit {err:.0}",
            found.formula()
        );
        identified += 1;
    }
    assert_eq!(unparsable, 2);
    assert_eq!(checked, rows.len() - 2);
    // T1 (4^(1/3)), T4, T5 (exp(2), exp(3)), T9 (1F1) and L1 (acosh) are outside the library.
    assert_eq!(not_in_library, 5);
    assert_eq!(identified, checked - not_in_library);
}

#[test]
fn euler2ai_pi_formulas_are_mobius_transforms_of_pi() {
    let data = fixtures();
    let rows = data["euler2ai_pi"].as_array().unwrap();
    let (mut identified, mut too_few_digits, mut too_costly, mut beyond_u64) = (0, 0, 0, 0);
    for (i, row) in rows.iter().enumerate() {
        let pcf = Pcf::parse(row["a"].as_str().unwrap(), row["b"].as_str().unwrap()).unwrap();
        let stated = stated_digits(row).unwrap();
        let depth = row["depth"].as_u64().unwrap() as usize;
        let prec = bits_for_digits(120);
        let limit_src = row["limit"].as_str().unwrap();
        let exact = constants::evaluate(limit_src, prec).unwrap();
        let x = value_at(&pcf, depth, prec);
        let agree = -log10_abs(&Float::with_val(prec, &x - &exact));
        assert!(
            agree >= stated.floor().min(100.0) - 0.5,
            "row {i}: {agree:.1} digits, stated {stated}"
        );
        // PSLQ on [1, π, x, xπ] needs the digits to pay for the coefficients (the quality gate).
        let trusted = agree.floor().min(100.0) as u32;
        if trusted < 20 {
            too_few_digits += 1;
            continue;
        }
        let pi = vec![("pi".to_string(), constants::evaluate("pi", prec).unwrap())];
        // Coefficients as large as the stated limit's (up to 10^14 in the CMF-derived rows).
        let ints = integers_in(limit_src);
        let Some(bound) = ints.iter().max().map_or(Some(1000), |m| m.to_u64()) else {
            beyond_u64 += 1; // a coefficient beyond the u64 bound of `identify_mobius`
            continue;
        };
        let bound = bound.max(1000);
        let sig = SignificantDigits::from_places(&x, trusted);
        let Some(found) = identify_mobius(&x, sig, &pi, bound).unwrap() else {
            // Not identified: the only admissible reason is the quality gate — writing the relation
            // (its integers are those of the stated limit) costs more than half the digits we have.
            let cost = description_digits(&ints);
            assert!(
                2.0 * cost > f64::from(sig.get()),
                "row {i}: {limit_src} (cost {cost:.1}) not identified from {trusted} digits"
            );
            too_costly += 1;
            continue;
        };
        let v = identification_value(&found, prec);
        let err = -log10_abs(&Float::with_val(prec, &v - &exact));
        assert!(
            err >= trusted as f64 - 2.0,
            "row {i}: {} vs {limit_src}",
            found.formula()
        );
        identified += 1;
    }
    assert_eq!(
        identified + too_few_digits + too_costly + beyond_u64,
        rows.len()
    );
    eprintln!(
        "{identified} identified, {too_costly} gated (relation too costly), {too_few_digits} with < 20 digits, \
         {beyond_u64} with coefficients beyond 2^64"
    );
    assert!(identified >= 120, "only {identified} identified");
}

/// The must-not case of algorithms.md §6.3: a = 2((n+1)^3+n^3) + 13(2n+1), b = -4n^6 converges to
/// -2/ψ⁽²⁾(c), which is not a Möbius transform of ζ(3) (nor of any library constant).
#[test]
fn psi2_family_member_is_not_identified() {
    let pcf = Pcf::parse("2*((n+1)^3 + n^3) + 13*(2n+1)", "-4n^6").unwrap();
    let lim = evaluate(
        &pcf,
        &EvalOptions {
            digits: 60,
            start_depth: 32,
            max_depth: 8192,
        },
    )
    .unwrap();
    let trusted = lim.digits.floor() as u32;
    assert!(trusted >= 15, "only {trusted} digits");
    let prec = bits_for_digits(trusted) + 64;
    let zeta3 = vec![(
        "zeta3".to_string(),
        constants::evaluate("zeta3", prec).unwrap(),
    )];
    let sig = SignificantDigits::from_places(&lim.value, trusted);
    assert!(identify_mobius(&lim.value, sig, &zeta3, 1000)
        .unwrap()
        .is_none());
    let all: Vec<(String, Float)> = constants::library()
        .iter()
        .map(|c| {
            (
                c.name.to_string(),
                constants::evaluate(c.name, prec).unwrap(),
            )
        })
        .collect();
    assert!(identify_mobius(&lim.value, sig, &all, 1000)
        .unwrap()
        .is_none());
}

/// Honesty: at the stated depth, the digits `evaluate` reports are never more than the digits that
/// agree with the exact limit (checked on the slowly converging ζ(3)/ζ(5) rows and a fast row).
#[test]
fn reported_digits_never_exceed_the_true_ones() {
    let data = fixtures();
    for id in ["R6", "R7", "R11", "R15", "D11", "T6"] {
        let row = data["pcf"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        let pcf = Pcf::parse(row["a"].as_str().unwrap(), row["b"].as_str().unwrap()).unwrap();
        let depth = (row["depth"].as_u64().unwrap() as usize).min(16384);
        let lim = evaluate(
            &pcf,
            &EvalOptions {
                digits: 100,
                start_depth: 32,
                max_depth: depth,
            },
        )
        .unwrap();
        let prec = bits_for_digits(140);
        let exact = constants::evaluate(row["limit"].as_str().unwrap(), prec).unwrap();
        let actual = -log10_abs(&Float::with_val(prec, &lim.value - &exact));
        assert!(
            lim.digits <= actual,
            "{id}: claims {:.2} digits, has {actual:.2}",
            lim.digits
        );
    }
}

/// The slowly (polynomially) converging rows carry `digits_richardson` (mpmath's Richardson on
/// convergents up to depth 64,000): our extrapolation reaches as many certain digits (up to 50) at
/// depth ≤ 16,384, and every claimed digit is real.
#[test]
fn richardson_extrapolation_matches_the_fixtures_on_slow_rows() {
    let data = fixtures();
    let mut checked = 0;
    for row in data["pcf"].as_array().unwrap() {
        if row["digits_richardson"].as_f64().is_none() {
            continue;
        }
        let id = row["id"].as_str().unwrap();
        let want = row["digits_richardson"].as_f64().unwrap().min(50.0);
        let pcf = Pcf::parse(row["a"].as_str().unwrap(), row["b"].as_str().unwrap()).unwrap();
        let lim = evaluate(
            &pcf,
            &EvalOptions {
                digits: 50,
                start_depth: 32,
                max_depth: 16384,
            },
        )
        .unwrap();
        let prec = bits_for_digits(120);
        let exact = constants::evaluate(row["limit"].as_str().unwrap(), prec).unwrap();
        let actual = -log10_abs(&Float::with_val(prec, &lim.value - &exact));
        assert_eq!(lim.certainty, Certainty::Estimated, "{id}");
        assert!(
            lim.digits >= want - 1.0,
            "{id}: only {:.1} digits, mpmath got {want}",
            lim.digits
        );
        assert!(
            lim.digits <= actual,
            "{id}: claims {:.1}, has {actual:.1}",
            lim.digits
        );
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}
