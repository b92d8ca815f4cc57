//! `apery eval` through the binary: formula text, divergent PCFs, honest δ, argument errors.

use assert_cmd::Command;
use predicates::prelude::*;

fn eval(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("apery")
        .unwrap()
        .arg("eval")
        .args(args)
        .assert()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

/// 1/(log 3 − log 2) = 2.4663… must not print as `1/log(3)-log(2)` (= 0.217…).
#[test]
fn expression_target_formula_reads_as_its_value() {
    let a = eval(&["--a", "n+2", "--b", "2n^2", "--constants", "log(3)-log(2)"]).success();
    let out = stdout(&a);
    assert!(out.contains("limit     2.4663034623764316860"), "{out}");
    assert!(out.contains("x = 1/(log(3)-log(2))"), "{out}");
    assert!(!out.contains("1/log(3)-log(2)"), "{out}");
}

/// `--constants` splits at commas outside parentheses only: a function of two arguments is one
/// constant. The PCF a(n) = 1000n, b(n) = 1 is the continued fraction of I₁(x)/I₀(x) at x = 1/500
/// (1/(2/x + 1/(4/x + …))), a limit 0.000999… identified with that ratio; a list of several
/// constants, and the flag given twice, work the same way.
#[test]
fn constants_with_commas_inside_parentheses_are_one_constant() {
    let ratio = "besseli(1,1/500)/besseli(0,1/500)";
    for list in [
        vec!["--constants", ratio],
        vec!["--constants", "pi, besseli(1,1/500)/besseli(0,1/500) ,e"],
        vec!["--constants", "pi", "--constants", ratio],
    ] {
        let mut args = vec!["--a", "1000n", "--b", "1"];
        args.extend(list);
        let out = stdout(&eval(&args).success());
        assert!(
            out.contains("limit     0.000999999500000333333104166"),
            "{out}"
        );
        assert!(out.contains(&format!("x = ({ratio})")), "{out}");
    }
}

#[test]
fn expression_target_formula_in_json() {
    let a = eval(&[
        "--a",
        "n+2",
        "--b",
        "2n^2",
        "--constants",
        "log(3)-log(2)",
        "--json",
    ])
    .success();
    let j: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert_eq!(
        j["identification"]["formula"].as_str(),
        Some("x = 1/(log(3)-log(2))")
    );
}

/// (2n+1, −2n²): convergents oscillate between −0.49 and 6.13; no digit may be certified.
#[test]
fn divergent_pcf_is_reported_as_diverging() {
    for (a, b) in [
        ("2n+1", "-2n^2"),
        ("(n+1)^20", "-n^40"),
        ("1", "-1"),
        ("3n^2+1", "-3n^4"),
    ] {
        let out = eval(&["--a", a, "--b", b]).code(1);
        let text = stdout(&out);
        assert!(text.contains("diverges"), "{a}, {b}: {text}");
        assert!(!text.contains("certain"), "{a}, {b}: {text}");
    }
}

/// a = 1, b = n⁴: even and odd convergents tend to different values (1.689… and 1.105…), which
/// the balanced-degree rule does not see; sampling at even depths must not certify a limit.
#[test]
fn split_even_odd_convergents_certify_nothing() {
    let out = eval(&["--a", "1", "--b", "n^4", "--max-depth", "65536"]).code(1);
    let text = stdout(&out);
    assert!(text.contains("no limit detected"), "{text}");
}

#[test]
fn divergent_pcf_json_has_no_limit() {
    let out = eval(&["--a", "2n+1", "--b", "-2n^2", "--json"]).code(1);
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(j["limit"].is_null());
    assert!(j["no_limit"].as_str().unwrap().contains("diverges"));
}

#[test]
fn zero_digits_is_an_error_not_a_panic() {
    eval(&["--a", "2n+1", "--b", "n^2", "--digits", "0"])
        .code(2)
        .stderr(
            predicate::str::contains("--digits").and(predicate::str::contains("panicked").not()),
        );
}

/// Apéry's δ is 0.0805…; the shallow depth that 100 digits need gives 0.150.
#[test]
fn apery_delta_is_reported_where_it_has_settled() {
    let a = eval(&["--a", "34n^3+51n^2+27n+5", "--b", "-n^6", "--json"]).success();
    let j: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let delta = j["delta"].as_f64().unwrap();
    assert!((0.078..0.086).contains(&delta), "δ = {delta}");
    assert!(j["delta_depth"].as_u64().unwrap() >= 1024);
    assert_eq!(j["identification"]["formula"].as_str(), Some("x = 6/zeta3"));
}

/// (2, 1) → 1 + √2 under one canonical form, whichever constants were offered.
#[test]
fn quadratic_relation_has_one_canonical_form() {
    for constants in ["sqrt2", "pi,sqrt2", "sqrt2,sqrt3,phi"] {
        let a = eval(&["--a", "2", "--b", "1", "--constants", constants]).success();
        let out = stdout(&a);
        assert!(out.contains("x = sqrt2 + 1"), "{constants}: {out}");
    }
}

/// 10,000 digits of 4/π: the identification runs at a modest precision and is then confirmed
/// at all the certain digits.
#[test]
fn ten_thousand_digits_are_identified_and_confirmed() {
    let a = eval(&["--a", "2n+1", "--b", "n^2", "--digits", "10000", "--json"]).success();
    let j: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    assert!(j["certain_digits"].as_u64().unwrap() >= 10000);
    assert_eq!(j["identification"]["formula"].as_str(), Some("x = 4/pi"));
    assert!(j["identification"]["verified_digits"].as_u64().unwrap() >= 10000);
}

#[test]
fn bad_polynomial_names_the_problem() {
    eval(&["--a", "2n+", "--b", "n^2"])
        .code(2)
        .stderr(predicate::str::contains("reading the PCF").and(predicate::str::contains("2n+")));
    eval(&["--a", "((n^64)^64)^64", "--b", "n^2"])
        .code(2)
        .stderr(predicate::str::contains("degree"));
}
