//! Berlekamp–Massey, exact recurrences and interlaced closed forms (algorithms.md §8.3, §12),
//! checked against `esma_vectors.json`.

mod common;

use apery::sequence::{
    berlekamp_massey, closed_form, cyclotomic_factorization, find_recurrence, find_recurrence_mod,
    Recurrence, SequenceError, MERSENNE_61,
};
use common::{i64s, integers, vectors};
use rug::ops::Pow;
use rug::Integer;

/// The cyclotomic index of a sympy factor string of `C_factored_over_Q`.
fn cyclotomic_index(factor: &str) -> usize {
    match factor {
        "z - 1" => 1,
        "z + 1" => 2,
        "z**2 + z + 1" => 3,
        "z**2 + 1" => 4,
        "z**4 + z**3 + z**2 + z + 1" => 5,
        "z**2 - z + 1" => 6,
        other => panic!("unexpected factor {other}"),
    }
}

/// Parses "(z - 1)**2*(z**2 + z + 1)**2" into [(1, 2), (3, 2)] sorted by index.
fn parse_factored(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let close = open + rest[open..].find(')').expect("closing parenthesis");
        let factor = &rest[open + 1..close];
        rest = &rest[close + 1..];
        let mult = if let Some(r) = rest.strip_prefix("**") {
            let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            let m = r[..end].parse().expect("exponent");
            rest = &r[end..];
            m
        } else {
            1
        };
        out.push((cyclotomic_index(factor), mult));
    }
    out.sort();
    out
}

#[test]
fn bm_mod_199_reproduces_every_fixture_case() {
    let v = vectors();
    let p = v["parameters"]["prime_p"].as_u64().unwrap();
    let mut checked = 0;
    for case in v["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let Some(all) = case.get("a_all_105") else {
            continue;
        };
        let seq = integers(all);
        assert_eq!(seq.len(), 105);
        let (c, l) = berlekamp_massey(&seq, p).unwrap();
        let expected_c = if let Some(c) = case.get("C_if_computed") {
            i64s(c)
        } else if case["C"].is_null() {
            i64s(&case["C_full_mod199_lifted"])
        } else {
            i64s(&case["C"])
        };
        assert_eq!(c, expected_c, "case {id}: C");
        assert_eq!(l as i64, case["L"].as_i64().unwrap(), "case {id}: L");
        assert_eq!(
            c.len() - 1,
            case["deg_C"].as_u64().unwrap() as usize,
            "case {id}"
        );
        // FLINT's monic minimal polynomial is z^L C(1/z) mod p.
        if let Some(mp) = case.get("flint_minpoly_mod199_low_to_high") {
            let mut minpoly = vec![0i64; l + 1];
            for (j, cj) in c.iter().enumerate() {
                minpoly[l - j] = cj.rem_euclid(p as i64);
            }
            assert_eq!(minpoly, i64s(mp), "case {id}: minpoly");
        }
        // The i64 entry point agrees with the Integer one.
        let small: Vec<i64> = seq.iter().map(|a| a.to_i64().unwrap()).collect();
        assert_eq!(berlekamp_massey(&small, p).unwrap(), (c.clone(), l));
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} cases had full sequences");
}

#[test]
fn negative_cases_have_no_short_recurrence() {
    let v = vectors();
    for case in v["cases"].as_array().unwrap() {
        if case["kind"] != "negative" || case["C"].is_null() && case.get("len_C").is_none() {
            continue;
        }
        let seq = integers(&case["a_all_105"]);
        let (c, l) = berlekamp_massey(&seq, 199).unwrap();
        assert_eq!(c.len() as i64, case["len_C"].as_i64().unwrap());
        assert_eq!(
            l, 53,
            "patternless sequences of length 105 have L = ceil(105/2)"
        );
        assert!(c.len() >= 105 / 4, "fails the beauty filter");
        // No exact recurrence over Z either.
        assert_eq!(find_recurrence(&seq), None, "case {}", case["id"]);
    }
}

#[test]
fn exact_recurrences_with_the_large_prime_match_the_fixture() {
    let v = vectors();
    for case in v["cases"].as_array().unwrap() {
        if case["kind"] != "positive" {
            continue;
        }
        let id = case["id"].as_str().unwrap();
        let seq = integers(&case["a_all_105"]);
        let rec = find_recurrence(&seq).unwrap_or_else(|| panic!("case {id}: no recurrence"));
        assert_eq!(rec.connection, i64s(&case["C"]), "case {id}");
        assert_eq!(
            rec.complexity as i64,
            case["L"].as_i64().unwrap(),
            "case {id}"
        );
        assert_eq!(
            rec.preamble_len() as i64,
            case["L_minus_degC"].as_i64().unwrap(),
            "case {id}"
        );
        assert!(rec.holds_on(&seq));
        // Regenerating from the first L terms reproduces all 105 terms exactly.
        assert_eq!(
            rec.extend(&seq[..rec.complexity], 105).unwrap(),
            seq,
            "case {id}"
        );
        // Factorisation of C over Q into cyclotomic polynomials.
        let expected = parse_factored(case["C_factored_over_Q"].as_str().unwrap());
        assert_eq!(
            cyclotomic_factorization(&rec.connection),
            Some(expected),
            "case {id}"
        );
    }
}

#[test]
fn reference_seeding_breaks_sequences_with_a_preamble() {
    // e = [2; 1, 2, 1, 1, 4, ...]: C = 1 - 2z^3 + z^6, L = 7; seeding with deg C = 6 terms gives
    // a_6 = 2a_3 - a_0 = 0 instead of 1 (algorithms.md §8.4).
    let v = vectors();
    let seq = integers(&v["cases"][0]["a_all_105"]);
    let rec = find_recurrence(&seq).unwrap();
    let wrong = rec.extend(&seq[..rec.degree()], 10).unwrap();
    assert_eq!(wrong[6], 0);
    assert_eq!(seq[6], 1);
}

#[test]
fn closed_forms_read_like_the_fixture() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    let by_id = |id: &str| cases.iter().find(|c| c["id"] == id).unwrap();
    // Readings given in the fixture: e/(e-1), e-1 and cot(1).
    for id in ["3", "4", "7"] {
        let case = by_id(id);
        let form = closed_form(&integers(&case["a_all_105"])).unwrap();
        let reading = case["reading"].as_str().unwrap();
        assert!(
            reading.contains(&form.channels_text()),
            "case {id}: `{}` not in `{reading}`",
            form.channels_text()
        );
        assert!(form.preamble.is_empty());
    }
    // e: period 3, channels 1, 1, 2m+2 after the preamble a_0 = 2.
    let e = closed_form(&integers(&by_id("1")["a_all_105"])).unwrap();
    assert_eq!((e.period, e.degree), (3, 1));
    assert_eq!(e.preamble, vec![Integer::from(2)]);
    assert_eq!(
        e.channels_text(),
        "a_{3m} = 1, a_{3m+1} = 1, a_{3m+2} = 2m+2"
    );
    // e^2: period 5 (a_{5m+1} = 3m+2, a_{5m+4} = 3m+3, a_{5m+5} = 12m+18).
    let e2 = closed_form(&integers(&by_id("2")["a_all_105"])).unwrap();
    assert_eq!(e2.period, 5);
    assert_eq!(e2.preamble, vec![Integer::from(7)]);
    assert_eq!(
        e2.channels_text(),
        "a_{5m} = 12m+6, a_{5m+1} = 3m+2, a_{5m+2} = 1, a_{5m+3} = 1, a_{5m+4} = 3m+3"
    );
    // Every positive case: the closed form reproduces every one of its 105 terms.
    for case in cases.iter().filter(|c| c["kind"] == "positive") {
        let seq = integers(&case["a_all_105"]);
        let form = closed_form(&seq).unwrap();
        for (n, a) in seq.iter().enumerate() {
            assert_eq!(&form.term(n), a, "case {} term {n}", case["id"]);
        }
        // ... and beyond: the closed form agrees with the recurrence up to 400 terms.
        let rec = find_recurrence(&seq).unwrap();
        let long = rec.extend(&seq, 400).unwrap();
        assert!((0..400).all(|n| form.term(n) == long[n]));
    }
}

#[test]
fn quadratic_channels_are_interpolated_exactly() {
    // a_{2m} = m(m+1)/2 (triangular numbers), a_{2m+1} = 3m^2 - 1
    let seq: Vec<Integer> = (0..60i64)
        .map(|n| {
            let m = n / 2;
            Integer::from(if n % 2 == 0 {
                m * (m + 1) / 2
            } else {
                3 * m * m - 1
            })
        })
        .collect();
    let form = closed_form(&seq).unwrap();
    assert_eq!(form.period, 2);
    assert_eq!(form.degree, 2);
    assert_eq!(
        form.channels_text(),
        "a_{2m} = m^2/2+m/2, a_{2m+1} = 3m^2-1"
    );
    assert_eq!(format!("{form}"), form.channels_text());
}

#[test]
fn non_cyclotomic_recurrences_have_a_recurrence_but_no_closed_form() {
    // Fibonacci: C = 1 - z - z^2, L = 2, roots are not roots of unity.
    let mut fib = vec![Integer::from(0), Integer::from(1)];
    for n in 2..40 {
        let next = Integer::from(&fib[n - 1] + &fib[n - 2]);
        fib.push(next);
    }
    let rec = find_recurrence(&fib).unwrap();
    assert_eq!(rec.connection, vec![1, -1, -1]);
    assert_eq!(rec.complexity, 2);
    assert_eq!(rec.to_string(), "a(n) = a(n-1) + a(n-2) for n >= 2");
    assert_eq!(cyclotomic_factorization(&rec.connection), None);
    assert_eq!(closed_form(&fib), None);
}

#[test]
fn too_few_terms_or_bad_primes_are_reported() {
    // 2L + 2 > len: not determined.
    let short = integers(&serde_json::json!([2, 1, 2, 1, 1, 4, 1, 1, 6]));
    assert_eq!(find_recurrence(&short), None);
    assert_eq!(
        berlekamp_massey(&[1i64, 2], 200),
        Err(SequenceError::NotPrime(200))
    );
    assert_eq!(
        berlekamp_massey(&[1i64, 2], 1),
        Err(SequenceError::NotPrime(1))
    );
    assert!(find_recurrence_mod(&short, 91).is_err());
    assert!(berlekamp_massey(&[1i64, 2], MERSENNE_61).is_ok());
}

#[test]
fn lifting_with_p_199_can_be_wrong_where_the_large_prime_is_right() {
    // a_n = 150 a_{n-1}: mod 199 the coefficient lifts to -49, so the integer re-check fails,
    // while 2^61 - 1 recovers it exactly.
    let seq: Vec<Integer> = (0..20u32).map(|n| Integer::from(150).pow(n)).collect();
    let (c, l) = berlekamp_massey(&seq, 199).unwrap();
    assert_eq!((c.clone(), l), (vec![1, 49], 1));
    let lifted = Recurrence {
        connection: c,
        complexity: l,
    };
    assert!(!lifted.holds_on(&seq));
    let exact = find_recurrence(&seq).unwrap();
    assert_eq!(exact.connection, vec![1, -150]);
}
