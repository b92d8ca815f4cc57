//! Set-up shared by the integration tests: the binary, paths and fixtures of the repository, CMF
//! walks with their certain digits, the constants of the ESMA / Berlekamp–Massey fixture computed
//! directly with rug, and (in [`units`]) running and tampering with work units.
#![allow(dead_code)]

pub mod units;

use apery::cmf::walk::{WalkLimit, WalkOptions, Walker};
use apery::cmf::Cmf;
use rug::ops::Pow;
use rug::{Float, Integer};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// `p` inside the repository.
pub fn repo(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The `apery` binary of this build.
pub fn apery() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("apery").expect("the apery binary is built for the tests")
}

/// The CMF fixture `cmf_vectors.json`, read once.
pub fn cmf_vectors() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/cmf_vectors.json"
        ))
        .expect("fixture");
        serde_json::from_str(&text).expect("json")
    })
}

/// The limit of the walk of `cmf` along `traj` from `start` (from depth 16, at most depth 4096),
/// asserted to have at least `digits` certain digits.
pub fn walk_limit(cmf: &Cmf, traj: &[i64], start: &[i64], digits: u32) -> WalkLimit {
    let lim = Walker::new(cmf)
        .unwrap()
        .limit(
            traj,
            start,
            &WalkOptions {
                digits,
                start_depth: 16,
                max_depth: 4096,
            },
        )
        .unwrap();
    assert!(lim.digits >= f64::from(digits), "{} digits", lim.digits);
    lim
}

/// The ESMA fixture `esma_vectors.json`.
pub fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/esma_vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("esma_vectors.json is readable");
    serde_json::from_str(&text).expect("esma_vectors.json is valid JSON")
}

/// I_ν(x) = Σ_k (x/2)^{2k+ν} / (k! (k+ν)!) for a small integer x, summed to precision `prec`.
pub fn bessel_i(nu: u32, x: u32, prec: u32) -> Float {
    let p = prec + 64;
    let half = Float::with_val(p, x) / 2u32;
    let q = Float::with_val(p, &half * &half);
    // first term (x/2)^ν / ν!
    let mut term = Float::with_val(p, half.pow(nu))
        / Float::with_val(p, Integer::from(Integer::factorial(nu)));
    let mut sum = Float::with_val(p, 0);
    let mut k = 0u32;
    loop {
        sum += &term;
        k += 1;
        term *= &q;
        term /= k * (k + nu);
        if term.is_zero() || term.get_exp().unwrap_or(0) < sum.get_exp().unwrap_or(0) - p as i32 - 8
        {
            break;
        }
    }
    Float::with_val(prec, sum)
}

/// The constants of the fixture, keyed by their `expr_sympy` (or count-table name), at `prec` bits.
pub fn constant(expr: &str, prec: u32) -> Float {
    let p = prec + 32;
    let e = Float::with_val(p, 1).exp();
    let e2 = Float::with_val(p, 2).exp();
    let one = Float::with_val(p, 1);
    let v = match expr {
        "E" | "e" => e,
        "exp(2)" | "e^2" => e2,
        "E/(E-1)" => Float::with_val(p, &e / Float::with_val(p, &e - 1u32)),
        "E-1" => e - 1u32,
        "E/(E-2)" => Float::with_val(p, &e / Float::with_val(p, &e - 2u32)),
        "tan(1)" => one.tan(),
        "cot(1)" => one.cot(),
        "(exp(2)+1)/(exp(2)-1)" => Float::with_val(p, &e2 + 1u32) / Float::with_val(p, &e2 - 1u32),
        "sqrt(E)" => e.sqrt(),
        "besseli(0,2)/besseli(1,2)" | "I0(2)/I1(2)" => bessel_i(0, 2, p) / bessel_i(1, 2, p),
        "besseli(0,1)/besseli(1,1)" => bessel_i(0, 1, p) / bessel_i(1, 1, p),
        "besseli(1,2)/besseli(0,2)" => bessel_i(1, 2, p) / bessel_i(0, 2, p),
        "(exp(2)-1)/2" => (e2 - 1u32) / 2u32,
        "2/(exp(2)-1)" => 2u32 / (e2 - 1u32),
        "pi" => Float::with_val(p, rug::float::Constant::Pi),
        other => panic!("no test helper for constant {other}"),
    };
    Float::with_val(prec, v)
}

/// A JSON array of integers as rug Integers.
pub fn integers(v: &Value) -> Vec<Integer> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| Integer::from(x.as_i64().expect("integer")))
        .collect()
}

/// A JSON array of integers as i64.
pub fn i64s(v: &Value) -> Vec<i64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_i64().expect("integer"))
        .collect()
}

/// A JSON sign period as i8.
pub fn signs(v: &Value) -> Vec<i8> {
    i64s(v).into_iter().map(|s| s as i8).collect()
}

/// Bits for a number of decimal digits (with guard bits).
pub fn bits(digits: u32) -> u32 {
    (f64::from(digits) * std::f64::consts::LOG2_10).ceil() as u32 + 32
}
