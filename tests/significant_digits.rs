//! Identification is fed significant digits: a limit known to P decimal places is trusted to
//! P + ⌊log₁₀|x|⌋ significant digits ([`SignificantDigits::from_places`]), since the identification
//! functions and their gate compare relative agreement.

use apery::identify::identify_mobius;
use apery::precision::{
    places_from_significant, significant_from_places, Certainty, SignificantDigits,
};
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

/// The standard output of `apery ARGS`, which must succeed.
fn apery(args: &[&str]) -> String {
    let out = Command::cargo_bin("apery")
        .unwrap()
        .args(args)
        .assert()
        .success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

/// `apery cmf walk` of the Bessel-ratio field fixture with `args`.
fn walk(args: &[&str]) -> String {
    let field = format!(
        "{}/tests/fixtures/cmf/bessel_ratio.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    apery(&[&["cmf", "walk", field.as_str()], args].concat())
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

// Verification (`apery::verify`) counts significant digits: a formula is catalogued with
// min(agreement, P + ⌊log₁₀|x|⌋) digits for a limit certain to P decimal places.

use apery::identify::Identification;
use apery::pcf::limit::{EvalOptions, Limit};
use apery::pcf::Pcf;
use apery::verify::{significant, verify, verify_limit};
use rug::Integer;

/// The Bessel ratio I₁(1/500)/I₀(1/500) = 0.000999999500… = 1/(1000 + 1/(2000 + …)).
const BESSEL: &str = "besseli(1,1/500)/besseli(0,1/500)";

fn constant(name: &str, prec: u32) -> Float {
    apery::constants::evaluate(name, prec).unwrap()
}

/// The evaluation of the verification tests: 100 digits, depth 32 doubling up to 4096.
fn hundred_digits() -> EvalOptions {
    EvalOptions {
        digits: 100,
        start_depth: 32,
        max_depth: 1 << 12,
    }
}

/// `x = (n₀ + n₁K)/(d₀ + d₁K)` with one constant `K` (target index 0).
fn mobius(name: &str, num: [i64; 2], den: [i64; 2]) -> Identification {
    Identification::new(
        vec![name.to_string()],
        vec![0],
        num.iter().map(|&c| Integer::from(c)).collect(),
        den.iter().map(|&c| Integer::from(c)).collect(),
    )
    .unwrap()
}

/// ⌊−log₁₀(|a − b|/|b|)⌋ at the precision of the arguments (both far more precise than needed).
fn real_agreement(a: &Float, b: &Float) -> u32 {
    let prec = a.prec().max(b.prec());
    let rel = Float::with_val(prec, a - b).abs() / Float::with_val(prec, b.abs_ref());
    (-rel.log10().to_f64()).floor() as u32
}

/// A limit 0.000999… certain to P = 100 decimal places carries only 96 significant digits. Its
/// value may be off by almost 10^{−100}; a formula matching that value exactly (here the "constant"
/// is the value itself) then agrees with the true limit to 97 significant digits only. Counting
/// the places as digits verified it to 100 digits, more than the true limit agrees; the count is
/// now the 96 certain significant digits.
#[test]
fn small_limit_is_not_verified_beyond_its_significant_digits() {
    let prec = 2000;
    let exact = constant(BESSEL, prec);
    let off = Float::with_val(prec, Float::parse("0.9e-100").unwrap());
    let value = Float::with_val(prec, &exact + &off);
    let limit = Limit {
        value: value.clone(),
        digits: 100.0,
        depth: 64,
        rate: 10.0,
        delta: None,
        geometric: true,
        certainty: Certainty::Certain,
    };
    let pcf = Pcf::parse("1000n", "1").unwrap();
    let id = mobius("k", [0, 1], [1, 0]);
    // The formula x = k with k the value itself agrees with the value to all its precision.
    let v = verify_limit(&pcf, limit.clone(), &id, std::slice::from_ref(&value), 90).unwrap();
    let real = real_agreement(&value, &exact);
    assert_eq!(real, 97, "the formula's value against the true limit");
    assert_eq!(v.identification.verified_digits, 96);
    assert!(v.identification.verified_digits <= real);
    // A threshold in significant digits: 97 are asked, 96 are certain.
    assert!(verify_limit(&pcf, limit, &id, std::slice::from_ref(&value), 97).is_none());
}

/// The PCF a(n) = 1000n, b(n) = 1 (limit 0.000999…, four decimal places of zeros) verified through
/// the library to 100 significant digits: the evaluation is asked for 104 places, so the 100
/// significant digits are certain, and the digits claimed never exceed the agreement of the
/// computed limit with the Bessel ratio computed independently at 2000 bits.
#[test]
fn small_limit_pcf_verifies_to_the_significant_digits_asked() {
    let pcf = Pcf::parse("1000n", "1").unwrap();
    let opts = hundred_digits();
    let targets = vec![constant(
        BESSEL,
        apery::precision::Margin::CONSTANTS.bits(100),
    )];
    let v = verify(&pcf, &mobius(BESSEL, [0, 1], [1, 0]), &targets, &opts)
        .expect("x = I1(1/500)/I0(1/500) verifies to 100 significant digits");
    let places = v.limit.digits.floor() as u32;
    assert!(places >= 104, "{places} places for 100 significant digits");
    let claimed = v.identification.verified_digits;
    assert!(claimed >= 100, "{claimed}");
    assert_eq!(claimed.min(significant(&v.limit).get()), claimed);
    assert!(claimed <= places - 4, "{claimed} > {places} places − 4");
    let real = real_agreement(&v.limit.value, &constant(BESSEL, 2000));
    assert!(claimed <= real, "{claimed} claimed, {real} real");
}

/// The PCF a(n) = 1000(2n + 1), b(n) = 10⁶n² (Brouncker's 4/π scaled by 1000: limit
/// 4000/π = 1273.2…) certain to P places has P + 3 significant digits: all are claimed (the
/// places alone under-claimed by 3), and none beyond the real agreement with 4000/π.
#[test]
fn large_limit_pcf_claims_all_its_significant_digits() {
    let pcf = Pcf::parse("2000n + 1000", "1000000n^2").unwrap();
    let opts = hundred_digits();
    let targets = vec![pi(apery::precision::Margin::CONSTANTS.bits(100))];
    let v = verify(&pcf, &mobius("pi", [4000, 0], [0, 1]), &targets, &opts)
        .expect("x = 4000/pi verifies");
    let places = v.limit.digits.floor() as u32;
    let claimed = v.identification.verified_digits;
    assert_eq!(claimed, places + 3, "{places} places");
    let exact = Float::with_val(4000, 4000u32) / pi(4000);
    let real = real_agreement(&v.limit.value, &exact);
    assert!(claimed <= real, "{claimed} claimed, {real} real");
}

/// `apery search` catalogs the limit 4000/π = 1273.2… with its significant digits: the certain
/// decimal places `eval` reports for the same PCF and digits, plus ⌊log₁₀ 1273.2⌋ = 3. Counting
/// the places as the verified digits under-claimed it by 3.
#[test]
fn search_catalogs_a_large_limit_with_its_significant_digits() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.sqlite");
    let catalog = catalog.to_str().unwrap();
    let space = format!(
        "{}/tests/fixtures/large-limit.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    apery(&["search", &space, "--catalog", catalog, "-q"]);
    let rows: serde_json::Value =
        serde_json::from_str(&apery(&["query", "--format", "json", "--catalog", catalog])).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["relation"], "x = (4000/pi)");
    let eval: serde_json::Value = serde_json::from_str(&apery(&[
        "eval",
        "--a",
        "2000n + 1000",
        "--b",
        "1000000n^2",
        "--digits",
        "100",
        "--constants",
        "4000/pi",
        "--json",
    ]))
    .unwrap();
    let places = eval["certain_digits"].as_u64().unwrap();
    assert!(places >= 100, "{eval}");
    assert_eq!(rows[0]["verified_digits"].as_u64(), Some(places + 3));
    assert_eq!(
        eval["identification"]["verified_digits"].as_u64(),
        Some(places + 3),
        "eval and search count the same digits"
    );
}

/// `eval` prints a limit to its certain decimal places and one more, whatever its magnitude: the
/// limit 0.000999… asked to 100 places shows 101 places, as 4/π = 1.27… does (it showed 101
/// significant digits, i.e. 104 places, three more than a limit of |x| ≥ 0.1 gets).
#[test]
fn eval_shows_a_small_limit_to_its_certain_places() {
    for (a, b) in [("1000n", "1"), ("2n + 1", "n^2")] {
        let j: serde_json::Value = serde_json::from_str(&apery(&[
            "eval", "--a", a, "--b", b, "--digits", "100", "--json",
        ]))
        .unwrap();
        let limit = j["limit"].as_str().unwrap();
        let places = limit.split_once('.').unwrap().1.len();
        assert!(j["certain_digits"].as_u64().unwrap() >= 100, "{j}");
        assert_eq!(places, 101, "{a}, {b}: {limit}");
    }
}

/// `cmf walk` prints its limit like `eval`: the certain decimal places and one more. The limit
/// 0.000999… certain to 566 places at depth 64 printed 567 significant digits, i.e. 570 places,
/// three more than are certain.
#[test]
fn walk_shows_a_small_limit_to_its_certain_places() {
    let j: serde_json::Value = serde_json::from_str(&walk(&["--depth", "64", "--json"])).unwrap();
    let text = walk(&["--depth", "64"]);
    let limit = j["limit"].as_str().unwrap();
    assert_eq!(limit.split_once('.').unwrap().1.len(), 567, "{limit}");
    assert!(text.contains(&format!("limit     {limit}\n")), "{text}");
}

/// `apery search SPACE` (a bundled space) into a fresh catalog: the folder holding it (kept alive
/// by the caller) and the catalog's path.
fn searched(space: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir
        .path()
        .join("catalog.sqlite")
        .to_str()
        .unwrap()
        .to_string();
    let space = format!("{}/search-spaces/{space}", env!("CARGO_MANIFEST_DIR"));
    apery(&["search", &space, "--catalog", &catalog, "-q"]);
    (dir, catalog)
}

/// The rows of a catalog after `apery search SPACE`.
fn catalogued(space: &str) -> Vec<serde_json::Value> {
    let (_dir, catalog) = searched(space);
    let rows: serde_json::Value = serde_json::from_str(&apery(&[
        "query",
        "--format",
        "json",
        "--catalog",
        &catalog,
    ]))
    .unwrap();
    rows.as_array().unwrap().clone()
}

/// The `apery query` table of a catalog after `apery search SPACE`.
fn table_of(space: &str) -> String {
    let (_dir, catalog) = searched(space);
    apery(&["query", "--catalog", &catalog])
}

/// A polynomially converging PCF's digits are the agreement of two Richardson extrapolations: an
/// estimate, not a bound. `eval` calls them estimated (text and JSON, where `certain_digits` is
/// null), and every catalog row verified from such a limit says so in its details (the ζ(3)
/// family of `zeta3-slow`); rows of geometrically converging PCFs (the quickstart space) do not.
/// Before, both were printed and catalogued as certain.
#[test]
fn extrapolated_digits_are_called_estimated() {
    let args = [
        "eval",
        "--a",
        "(n+1)^3+n^3",
        "--b",
        "-n^6",
        "--digits",
        "40",
    ];
    let text = apery(&args);
    assert!(text.contains("\nestimated "), "{text}");
    assert!(text.contains("Richardson extrapolation"), "{text}");
    assert!(!text.contains("\ncertain "), "{text}");
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let j: serde_json::Value = serde_json::from_str(&apery(&json_args)).unwrap();
    assert!(j["certain_digits"].is_null(), "{j}");
    assert!(j["estimated_digits"].as_u64().unwrap() >= 40, "{j}");
    let slow = catalogued("zeta3-slow.toml");
    assert!(slow.len() >= 5, "{slow:?}");
    for row in &slow {
        assert_eq!(row["details"]["verified_digits_estimated"], true, "{row}");
    }
    let fast = catalogued("quickstart.toml");
    assert!(
        table_of("zeta3-slow.toml").contains("  ~45  "),
        "the table marks estimated digits"
    );
    assert!(fast.len() >= 30, "{}", fast.len());
    for row in &fast {
        assert!(
            row["details"].get("verified_digits_estimated").is_none(),
            "{row}"
        );
    }
    let apery_pcf = apery(&["eval", "--a", "34n^3+51n^2+27n+5", "--b", "-n^6"]);
    assert!(apery_pcf.contains("\ncertain   "), "{apery_pcf}");
}
