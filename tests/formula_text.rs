//! What the catalog stores as a formula: expression targets read as the number they are, and a
//! relation with a quadratic irrational has one form whichever space found it. Divergent PCF
//! families never get certain digits.

use apery::catalog::{Catalog, Conjecture, Query};
use apery::pcf::canonical::CanonicalKey;
use apery::pcf::limit::{evaluate, EvalOptions, LimitError};
use apery::pcf::Pcf;
use apery::search::Searcher;
use apery::space::SearchSpace;
use std::path::Path;

fn search(toml: &str) -> Vec<Conjecture> {
    let space = SearchSpace::from_toml(toml, Path::new("test.toml")).unwrap();
    let mut cat = Catalog::in_memory().unwrap();
    Searcher::new(&space)
        .unwrap()
        .run(&mut cat, 0..u64::MAX, &|_| {})
        .unwrap();
    cat.query(&Query::default()).unwrap()
}

fn row<'a>(rows: &'a [Conjecture], a: &str, b: &str) -> &'a Conjecture {
    let key = format!("pcf:{}", CanonicalKey::of(&Pcf::parse(a, b).unwrap()));
    rows.iter()
        .find(|c| c.canonical_key == key)
        .unwrap_or_else(|| panic!("({a}, {b}) not found in {rows:#?}"))
}

/// `x = 1/log(3)-log(2)` reads as 0.217…; the limit of (n+2, 2n²) is 2.466….
#[test]
fn search_with_expression_target_stores_a_formula_that_reads_right() {
    let rows = search(
        r#"
name = "expr"
[pcf]
a = [[1, 1], [1, 3]]
b = [[1, 2], [0, 0], [0, 0]]
[targets]
constants = ["log(3)-log(2)"]
mobius_bound = 4
"#,
    );
    let r = row(&rows, "n+2", "2n^2");
    assert_eq!(r.relation, "x = 1/(log(3)-log(2))");
    assert!(r.limit.starts_with("2.46630346237643"), "{}", r.limit);
}

/// The PCF (2, 1) → 1 + √2 was stored as `(-5*sqrt2 - 3)/(2*sqrt2 - 7)` in one space and
/// `(3 - 2*sqrt2)/(5*sqrt2 - 7)` in another.
#[test]
fn quadratic_relation_is_the_same_in_every_space() {
    for (bound, targets) in [
        (10, r#"["sqrt2"]"#),
        (7, r#"["sqrt2", "pi"]"#),
        (3, r#"["phi", "sqrt2"]"#),
    ] {
        let rows = search(&format!(
            r#"
name = "sqrt2"
[pcf]
a = [[1, 3]]
b = [[1, 2]]
[targets]
constants = {targets}
mobius_bound = {bound}
"#
        ));
        let r = row(&rows, "2", "1");
        assert_eq!(
            r.relation, "x = sqrt2 + 1",
            "bound {bound}, targets {targets}"
        );
    }
}

/// Balanced degrees with `4·lead(b) < −lead(a)²`: complex eigenvalues of equal modulus, no limit.
#[test]
fn divergent_families_are_refused() {
    for deg in 0..=3u32 {
        for la in 1..=5i64 {
            for lb in -12..=-1i64 {
                if la * la + 4 * lb >= 0 {
                    continue;
                }
                let mut a = vec![0i64; deg as usize + 1];
                let mut b = vec![0i64; 2 * deg as usize + 1];
                a[deg as usize] = la;
                if deg > 0 {
                    a[0] += 1; // a lower term, which the rule ignores
                }
                b[2 * deg as usize] = lb;
                let pcf = Pcf::from_i64(&a, &b);
                let r = evaluate(&pcf, &EvalOptions::default());
                assert!(
                    matches!(r, Err(LimitError::Diverges(_))),
                    "{pcf}: {:?}",
                    r.map(|l| l.digits)
                );
            }
        }
    }
}

/// PCFs whose even and odd convergents tend to different values pass no rule; sampled at even
/// depths they look convergent. Their digits must stay below one.
#[test]
fn split_even_odd_limits_get_no_certain_digits() {
    for b in [[0, 0, 0, 0, 1], [0, 0, 0, 0, 2], [0, 0, 0, 1, 1]] {
        let pcf = Pcf::from_i64(&[1], &b);
        let l = evaluate(
            &pcf,
            &EvalOptions {
                digits: 50,
                start_depth: 32,
                max_depth: 1 << 16,
            },
        )
        .unwrap();
        assert!(l.digits < 1.0, "{pcf}: claimed {} digits", l.digits);
    }
}

/// The catalog's δ is read where it has settled: Apéry's PCF gives 0.155 at the depth that 100
/// digits need (128) and 0.0805… in the limit.
#[test]
fn catalog_delta_of_apery_is_the_settled_value() {
    let rows = search(
        r#"
name = "apery"
[pcf]
a = "34n^3+51n^2+27n+5"
b = "-n^6"
[targets]
constants = ["zeta3"]
mobius_bound = 6
"#,
    );
    let r = row(&rows, "34n^3+51n^2+27n+5", "-n^6");
    assert_eq!(r.relation, "x = 6/zeta3");
    let d = r.delta.unwrap();
    assert!((0.078..0.086).contains(&d), "δ = {d}");
    assert!(
        r.details["delta_depth"].as_u64().unwrap() >= 1024,
        "{}",
        r.details
    );
}
