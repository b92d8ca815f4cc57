//! No input panics, aborts or allocates without bound: random polynomial strings and random
//! search-space files end in a clean error or a result (property tests).

use apery::enumerate::Enumerator;
use apery::pcf::limit::{evaluate, EvalOptions};
use apery::pcf::Pcf;
use apery::poly::parse;
use apery::space::SearchSpace;
use proptest::prelude::*;
use std::path::Path;

/// Strings over the polynomial alphabet, with long runs of one character to probe nesting and
/// exponent limits.
fn poly_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("n".to_string()),
        Just("+".to_string()),
        Just("-".to_string()),
        Just("*".to_string()),
        Just("**".to_string()),
        Just("^".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" ".to_string()),
        Just("x".to_string()),
        Just("{".to_string()),
        "[0-9]{1,25}",
        (0usize..200).prop_map(|k| "(".repeat(k)),
        (0usize..200).prop_map(|k| "-".repeat(k)),
        (1u32..100).prop_map(|k| format!("^{k}")),
    ];
    prop::collection::vec(token, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Any string: a polynomial of bounded degree, or an error.
    #[test]
    fn polynomial_strings_parse_or_fail_cleanly(s in poly_text()) {
        if let Ok(p) = parse(&s) {
            prop_assert!(p.degree().unwrap_or(0) as u64 <= apery::poly::MAX_DEGREE);
        }
    }

    /// Any PCF of small polynomials: a limit with honest digits, a divergence, or an error; never
    /// more digits than the working precision.
    #[test]
    fn small_pcfs_evaluate_or_fail_cleanly(
        a in prop::collection::vec(-6i64..=6, 1..4),
        b in prop::collection::vec(-6i64..=6, 1..5),
    ) {
        let pcf = Pcf::from_i64(&a, &b);
        let opts = EvalOptions { digits: 30, start_depth: 16, max_depth: 1024 };
        if let Ok(l) = evaluate(&pcf, &opts) {
            prop_assert!(l.digits.is_finite() && l.digits >= 0.0 && l.digits <= 60.0);
        }
    }
}

/// Random space files built from valid and invalid pieces.
fn space_text() -> impl Strategy<Value = String> {
    let range = (-50i64..50, -50i64..50).prop_map(|(a, b)| format!("[{a}, {b}]"));
    let ranges = prop::collection::vec(range, 0..5).prop_map(|v| format!("[{}]", v.join(", ")));
    let pcf_line = prop_oneof![
        ranges.clone().prop_map(|r| format!("a = {r}")),
        ranges.clone().prop_map(|r| format!("b = {r}")),
        poly_text().prop_map(|p| format!("a = \"{p}\"")),
        poly_text().prop_map(|p| format!("b = \"{p}\"")),
        Just("a = \"x0*n + x1\"".to_string()),
        Just("b = [[1, 1e9]]".to_string()),
        Just("a = [[1, 99999999999999999999]]".to_string()),
        Just("a = 3".to_string()),
        Just("bogus = 1".to_string()),
    ];
    let params = prop::collection::vec(
        (0usize..3, -9i64..9, -9i64..9).prop_map(|(i, a, b)| format!("x{i} = [{a}, {b}]")),
        0..3,
    );
    let targets = prop_oneof![
        Just("constants = [\"e\"]".to_string()),
        Just("constants = [\"pi\", \"log(3)-log(2)\"]".to_string()),
        Just("constants = []".to_string()),
        Just("constants = [\"nonsense(\"]".to_string()),
        (0u32..40).prop_map(|k| format!("constants = [\"e\"]\nmobius_bound = {k}")),
    ];
    let budget = prop_oneof![
        Just(String::new()),
        (0u64..100, 0u32..300, 0u64..100_000).prop_map(|(f, v, m)| format!(
            "first_pass_depth = {f}\nverify_digits = {v}\nmax_depth = {m}"
        )),
        Just("verify_digits = -1".to_string()),
    ];
    (
        prop::option::of(Just("name = \"fuzz\"")),
        prop::collection::vec(pcf_line, 0..4),
        params,
        prop::option::of(targets),
        budget,
    )
        .prop_map(|(name, pcf, params, targets, budget)| {
            let mut s = String::new();
            if let Some(n) = name {
                s += n;
                s += "\n";
            }
            s += "[pcf]\n";
            for l in pcf {
                s += &l;
                s += "\n";
            }
            if !params.is_empty() {
                s += "[pcf.params]\n";
                s += &params.join("\n");
                s += "\n";
            }
            if let Some(t) = targets {
                s += "[targets]\n";
                s += &t;
                s += "\n";
            }
            s += "[budget]\n";
            s += &budget;
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any space file: a validated space whose first candidates can be built, or an error that
    /// names the file.
    #[test]
    fn space_files_load_or_fail_cleanly(text in space_text()) {
        let path = Path::new("fuzz.toml");
        match SearchSpace::from_toml(&text, path) {
            Ok(space) => {
                if let Ok(e) = Enumerator::new(&space) {
                    for i in 0..e.size().min(20) {
                        let _ = e.candidate(i);
                    }
                }
            }
            Err(err) => prop_assert!(err.to_string().contains("fuzz.toml"), "{}", err),
        }
    }
}
