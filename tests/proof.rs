//! Proof certificates (`apery::proof`): the anchors are true, certificates of the classical e and π
//! formulas are found and re-check, tampered certificates are rejected with the identity that broke,
//! and a numerically true but unproved formula gets no certificate.

use apery::pcf::Pcf;
use apery::proof::anchors::bundled;
use apery::proof::equivalence::{build, inflation_coboundary, Base};
use apery::proof::{check, euler, prover::Prover, Certificate, Identity, Limit, ProofError};
use rug::{Float, Integer};

const PREC: u32 = 400;

/// `p_N/q_N` of a PCF at depth `n`, exactly then rounded.
fn convergent(pcf: &Pcf, n: i64) -> Float {
    let (mut p0, mut p1) = (Integer::from(1), pcf.a.eval(0));
    let (mut q0, mut q1) = (Integer::new(), Integer::from(1));
    for k in 1..=n {
        let (a, b) = (pcf.a.eval(k), pcf.b.eval(k));
        let p2 = Integer::from(&a * &p1) + Integer::from(&b * &p0);
        let q2 = Integer::from(&a * &q1) + Integer::from(&b * &q0);
        p0 = std::mem::replace(&mut p1, p2);
        q0 = std::mem::replace(&mut q1, q2);
    }
    Float::with_val(PREC, &p1) / Float::with_val(PREC, &q1)
}

/// The value of a limit `(c0 + c1 K)/(d0 + d1 K)`.
fn value(l: &Limit) -> Float {
    let k = apery::constants::evaluate(&l.constant, PREC).unwrap();
    let c = |x: &Integer| Float::with_val(PREC, x);
    let num = c(&l.numerator[0].0) + c(&l.numerator[1].0) * k.clone();
    let den = c(&l.denominator[0].0) + c(&l.denominator[1].0) * k;
    num / den
}

fn digits_agree(x: &Float, y: &Float) -> f64 {
    let d = Float::with_val(PREC, x - y).abs();
    if d == 0 {
        return 120.0;
    }
    -d.log10().to_f64()
}

fn limit(constant: &str, num: [i64; 2], den: [i64; 2]) -> Limit {
    Limit::new(
        constant,
        [Integer::from(num[0]), Integer::from(num[1])],
        [Integer::from(den[0]), Integer::from(den[1])],
    )
}

fn pcf(a: &str, b: &str) -> Pcf {
    Pcf::parse(a, b).unwrap()
}

#[test]
fn pcf_anchors_converge_to_their_stated_limits() {
    for a in &bundled().pcf {
        let x = convergent(&a.pcf(), 3000);
        let d = digits_agree(&x, &value(&a.limit));
        assert!(d > 3.0, "anchor {}: only {d:.1} digits", a.id);
    }
}

#[test]
fn series_anchors_sum_to_their_stated_values() {
    for s in &bundled().series {
        let mut u = Float::with_val(PREC, &s.first.0);
        let mut sum = Float::with_val(PREC, 0);
        for k in 0..20000i64 {
            sum += &u;
            u *= Float::with_val(PREC, &s.ratio[0].0.eval(k));
            u /= Float::with_val(PREC, &s.ratio[1].0.eval(k));
        }
        let d = digits_agree(&sum, &value(&s.sum));
        assert!(d > 3.5, "series {}: only {d:.1} digits", s.id);
    }
}

#[test]
fn brouncker_is_proved_from_the_leibniz_series() {
    let brouncker = pcf("2", "(2n-1)^2");
    let claim = limit("pi", [4, 1], [0, 1]); // (4 + π)/π = 1 + 4/π
    let (cert, proven) = euler::find(&brouncker, Some(&claim), 2).expect("Euler family");
    assert_eq!(cert.series.id, "leibniz");
    assert_eq!(proven.limit, claim);
    // a wrong claim is not proved
    assert!(euler::find(&brouncker, Some(&limit("pi", [4, 2], [0, 1])), 2).is_none());
}

#[test]
fn e_formulas_of_the_euler_family_are_proved() {
    // §7.6 worked example: (n+2, −n) → e/(e−1)
    let (cert, _) = euler::find(&pcf("n+2", "-n"), Some(&limit("e", [0, 1], [-1, 1])), 2)
        .expect("Euler family for e/(e-1)");
    assert_eq!(cert.series.id, "exp");
    let p = check(&Certificate::Euler(Box::new(cert))).unwrap();
    assert_eq!(p.limit, limit("e", [0, 1], [-1, 1]));
}

#[test]
fn inflations_sign_flips_and_shifts_of_an_anchor_check() {
    let anchor = bundled()
        .pcf
        .iter()
        .find(|a| a.id == "euler-arctan")
        .unwrap();
    let base = anchor.pcf();
    // inflation by c(n) = n + 2: limit × c(0) = 2 → 8/π
    let infl = pcf("(n+2)(2n+1)", "(n+2)(n+1)n^2");
    let (l, r, u) = inflation_coboundary(&base, &infl, [0, 0]).unwrap();
    let (_, p) = build(Base::Anchor(anchor.clone()), &infl, None, [0, 0], l, r, u).unwrap();
    assert_eq!(p.limit, limit("pi", [8, 0], [0, 1]));
    // sign flip: −4/π
    let flip = pcf("-2n-1", "n^2");
    let (l, r, u) = inflation_coboundary(&base, &flip, [0, 0]).unwrap();
    let (_, p) = build(Base::Anchor(anchor.clone()), &flip, None, [0, 0], l, r, u).unwrap();
    assert_eq!(p.limit, limit("pi", [-4, 0], [0, 1]));
    // shift: PCF(2n+3, (n+1)^2) is the tail of the anchor: 1 + 1/x = 4/π ⇒ x = π/(4 − π)
    let tail = pcf("2n+3", "(n+1)^2");
    let (l, r, u) = inflation_coboundary(&base, &tail, [1, 0]).unwrap();
    let (_, p) = build(Base::Anchor(anchor.clone()), &tail, None, [1, 0], l, r, u).unwrap();
    let x = convergent(&tail, 4000);
    assert!(digits_agree(&x, &value(&p.limit)) > 5.0);
}

#[test]
fn the_prover_proves_the_catalog_formulas_for_e_and_pi() {
    let prover = Prover::new();
    let cases = [
        ("2n+1", "n^2", limit("pi", [4, 0], [0, 1])),
        ("n+1", "n+1", limit("e", [-1, 1], [1, 0])),
        ("n", "n", limit("e", [1, 0], [-1, 1])),
        ("n+3", "-n", limit("e", [0, 1], [1, 0])),
        ("4n+2", "1", limit("e", [1, 1], [-1, 1])),
        ("34n^3+51n^2+27n+5", "-n^6", limit("zeta3", [6, 0], [0, 1])),
    ];
    for (a, b, claim) in cases {
        let p = pcf(a, b);
        let x = convergent(&p, 3000);
        assert!(digits_agree(&x, &value(&claim)) > 5.0, "test data {a}, {b}");
        let (cert, proven) = prover
            .prove(&p, &claim)
            .unwrap_or_else(|| panic!("no proof for PCF({a}, {b}) = {claim}"));
        assert_eq!(proven.limit, claim);
        // the file round-trips and re-checks
        let text = cert.to_file_string();
        let back = Certificate::from_file_str(&text).unwrap();
        assert_eq!(check(&back).unwrap().limit, claim, "{a}, {b}");
    }
}

fn brouncker_certificate() -> Certificate {
    let prover = Prover::new();
    let p = pcf("(2n+1)(n+3)", "(n+3)(n+2)n^2"); // inflation of euler-arctan by n+3: 12/π
    prover.prove(&p, &limit("pi", [12, 0], [0, 1])).unwrap().0
}

fn broken_identity(text: &str) -> Identity {
    let cert = Certificate::from_file_str(text).unwrap();
    match check(&cert) {
        Err(ProofError::Broken { identity, .. }) => identity,
        other => panic!("tampered certificate accepted: {other:?}"),
    }
}

#[test]
fn tampered_certificates_are_rejected_with_the_identity_that_broke() {
    let cert = brouncker_certificate();
    let good = cert.to_file_string();
    assert!(check(&Certificate::from_file_str(&good).unwrap()).is_ok());
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();

    // one coefficient of U changed
    let mut t = v.clone();
    t["certificate"]["u"][1][1][0] = serde_json::json!("7");
    assert_eq!(broken_identity(&t.to_string()), Identity::Coboundary);

    // a wrong Möbius map
    let mut t = v.clone();
    t["certificate"]["mobius"][0][0] = serde_json::json!("5");
    assert_eq!(broken_identity(&t.to_string()), Identity::MobiusMap);

    // a wrong claimed relation
    let mut t = v.clone();
    t["certificate"]["claim"]["numerator"][0] = serde_json::json!("13");
    assert_eq!(broken_identity(&t.to_string()), Identity::Claim);

    // a tampered anchor
    let mut t = v.clone();
    t["certificate"]["base"]["anchor"]["b"] = serde_json::json!(["0", "0", "2"]);
    assert_eq!(broken_identity(&t.to_string()), Identity::Anchor);
}

#[test]
fn a_start_index_below_a_root_of_det_u_is_rejected() {
    // U(n) = (n − 5)·I, ℓ = n − 5, r = n − 4: ℓ(n)·M(n)·U(n+1) = r(n)·U(n)·M(n) holds, and
    // ℓ, r, det U vanish at n = 4, 5, so the smallest valid start index is n0 = 6.
    let anchor = bundled()
        .pcf
        .iter()
        .find(|a| a.id == "euler-arctan")
        .unwrap();
    let target = pcf("2n+1", "n^2");
    let p = |s: &str| apery::poly::parse(s).unwrap();
    let zero = apery::poly::Poly::default();
    let u = [[p("n-5"), zero.clone()], [zero, p("n-5")]];
    let (cert, proven) = build(
        Base::Anchor(anchor.clone()),
        &target,
        None,
        [0, 0],
        p("n-5"),
        p("n-4"),
        u,
    )
    .unwrap();
    assert_eq!(cert.n0, 6);
    assert_eq!(proven.limit, limit("pi", [4, 0], [0, 1]));
    let mut v: serde_json::Value =
        serde_json::from_str(&Certificate::Equivalence(Box::new(cert)).to_file_string()).unwrap();
    v["certificate"]["n0"] = serde_json::json!(1);
    assert_eq!(broken_identity(&v.to_string()), Identity::StartIndex);
}

#[test]
fn a_numerically_true_but_unproved_formula_gets_no_certificate() {
    // Apéry-like ζ(3) formula (validation row R4): true to 150 digits, but neither an inflation of
    // the Apéry anchor nor an Euler-family PCF, and no coboundary of degree ≤ 2 to the anchor.
    let p = pcf("(2n+1)*(5n^2+5n+2)", "-16n^6");
    let claim = limit("zeta3", [12, 0], [0, 7]);
    assert!(digits_agree(&convergent(&p, 2000), &value(&claim)) > 5.0);
    assert!(Prover::new().prove(&p, &claim).is_none());
}
