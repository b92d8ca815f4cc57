//! Identification is fed significant digits: a limit known to P decimal places is trusted to
//! P + ⌊log₁₀|x|⌋ significant digits ([`SignificantDigits::from_places`]), since the identification
//! functions and their gate compare relative agreement.

use apery::identify::identify_mobius;
use apery::precision::{places_from_significant, significant_from_places, SignificantDigits};
use assert_cmd::Command;
use rug::float::Constant;
use rug::ops::Pow;
use rug::Float;

/// `x` with an absolute error of `0.4·10^{−places}`, the worst a value certain to `places` places
/// may have (up to the 0.4).
fn blurred(x: &Float, places: i32) -> Float {
    let prec = x.prec();
    let err = Float::with_val(prec, Float::parse(format!("4e-{}", places + 1)).unwrap());
    Float::with_val(prec, x + err)
}

/// 10^k.
fn ten_pow(prec: u32, k: i32) -> Float {
    Float::with_val(prec, 10u32).pow(k)
}

fn pi(prec: u32) -> Float {
    Float::with_val(prec, Constant::Pi)
}

/// x = π/1000 certain to 60 decimal places: relative agreement is 57 digits. Trusted as 60 (the
/// decimal places, as the callers passed them before) the gate demands 59 and rejects the true
/// identity; trusted as the 57 significant digits it accepts it.
#[test]
fn small_value_is_identified_at_its_significant_digits() {
    let prec = 400;
    let x = blurred(&Float::with_val(prec, pi(prec) / 1000u32), 60);
    let targets = vec![("pi".to_string(), pi(prec))];
    let trusted = SignificantDigits::from_places(&x, 60);
    assert_eq!(trusted.get(), 57);
    let id = identify_mobius(&x, trusted, &targets, 1000)
        .unwrap()
        .expect("π/1000 from 57 significant digits");
    assert_eq!(id.formula(), "x = pi/1000");
    assert!(id.verified_digits >= 57, "{}", id.verified_digits);
    // The decimal places taken for significant digits over-demand: the true identity is rejected.
    let places_as_digits = SignificantDigits::relative(60);
    assert_eq!(
        identify_mobius(&x, places_as_digits, &targets, 1000).unwrap(),
        None
    );
}

/// x = 1000π certain to 60 decimal places has 63 significant digits; all of them verify.
#[test]
fn large_value_uses_all_its_significant_digits() {
    let prec = 400;
    let x = blurred(&Float::with_val(prec, pi(prec) * 1000u32), 60);
    let trusted = SignificantDigits::from_places(&x, 60);
    assert_eq!(trusted.get(), 63);
    let id = identify_mobius(&x, trusted, &[("pi".to_string(), pi(prec))], 1000)
        .unwrap()
        .expect("1000π from 63 significant digits");
    assert_eq!(id.formula(), "x = 1000*pi");
    assert!(id.verified_digits >= 63, "{}", id.verified_digits);
}

/// The conversions on known values never claim more than the error allows: for x = π·10^k
/// blurred at P places, the relative error really is below 10^{−S}.
#[test]
fn significant_digits_never_over_claim_on_real_errors() {
    let prec = 600;
    for k in -20i32..=20 {
        let exact = pi(prec) * ten_pow(prec, k);
        for places in [30i32, 57, 100] {
            let x = blurred(&exact, places);
            let s = significant_from_places(&x, places as u32);
            let rel =
                Float::with_val(prec, &x - &exact).abs() / Float::with_val(prec, exact.abs_ref());
            let bound = ten_pow(prec, -(s as i32));
            assert!(rel <= bound, "k {k}, places {places}: {s} significant");
            // and back: the places recovered from S are still true
            let p = places_from_significant(&x, s);
            assert!(p <= places as u32, "k {k}: {p} > {places}");
            let abs = Float::with_val(prec, &x - &exact).abs();
            assert!(abs <= ten_pow(prec, -(p as i32)));
        }
    }
}

fn walk(args: &[&str]) -> String {
    let out = Command::cargo_bin("apery")
        .unwrap()
        .args(["cmf", "walk"])
        .arg(format!(
            "{}/tests/fixtures/cmf/bessel_ratio.toml",
            env!("CARGO_MANIFEST_DIR")
        ))
        .args(args)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// `cmf walk` of a field whose limit I₁(1/500)/I₀(1/500) = 0.000999999500… is certain to 566 decimal
/// places at depth 64: the field's-constant match must trust its 566 − 4 = 562 significant digits.
/// Trusting 566 (the decimal places) it demanded 4 digits more than the value carries and reported
/// no relation.
#[test]
fn walk_limit_below_one_is_matched_with_its_constant() {
    let out = walk(&["--depth", "64"]);
    assert!(out.contains("certain   566 digits"), "{out}");
    assert!(
        out.contains("identity  x = (besseli(1,1/500)/besseli(0,1/500))"),
        "{out}"
    );
    let j: serde_json::Value = serde_json::from_str(&walk(&["--depth", "64", "--json"])).unwrap();
    assert_eq!(j["certain_digits"], 566);
    let id = &j["identification"];
    assert_eq!(
        id["formula"].as_str(),
        Some("x = (besseli(1,1/500)/besseli(0,1/500))"),
        "{j}"
    );
    assert_eq!(id["verified_digits"], 562, "{j}");
}
