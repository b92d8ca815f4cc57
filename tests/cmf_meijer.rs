//! Meijer-G values at rational parameters (`apery::cmf::meijer_value`, Slater's theorem) against
//! closed forms, and walks of generated `meijerg(m,n,p,q,z)` fields identified with the G values at
//! their start (`apery::cmf::pfq_limit`), in the library and through the binary.

use apery::cmf::meijer_value::{meijer_value, MeijerError};
use apery::cmf::pfq_limit::{identify_limit, significant_digits, PfqLimit};
use apery::cmf::shift::parse_start;
use apery::cmf::spec::{parse_rational, Generated};
use apery::constants;
use apery::pcf::limit::{bits_for_digits, log10_abs};
use proptest::prelude::*;
use rug::{Float, Rational};

fn r(s: &str) -> Rational {
    parse_rational(s).unwrap()
}

fn rs(s: &str) -> Vec<Rational> {
    if s.is_empty() {
        return Vec::new();
    }
    parse_start(s).unwrap()
}

fn value(expr: &str) -> Float {
    constants::evaluate(expr, bits_for_digits(200)).unwrap()
}

fn agree(a: &Float, b: &Float) -> f64 {
    let d = Float::with_val(a.prec().max(b.prec()), a - b);
    if d.is_zero() {
        return f64::INFINITY;
    }
    log10_abs(b) - log10_abs(&d)
}

/// `G^{m,n}_{p,q}(a; b | z)` to 60 digits agrees with `closed` to every digit it claims (≥ `least`).
fn check_value((m, n): (usize, usize), a: &str, b: &str, z: &str, closed: &str, least: u32) {
    check_against((m, n), a, b, z, &value(closed), least);
}

/// `G^{m,n}_{p,q}(a; b | z)` to 60 digits agrees with `want` to every digit it claims (≥ `least`).
fn check_against((m, n): (usize, usize), a: &str, b: &str, z: &str, want: &Float, least: u32) {
    let v = meijer_value(m, n, &rs(a), &rs(b), &r(z), 60)
        .unwrap_or_else(|e| panic!("G^{m},{n}({a}; {b} | {z}): {e}"));
    assert!(v.digits >= least, "{a}; {b} | {z}: {} digits", v.digits);
    assert!(
        agree(&v.value, want) >= f64::from(v.digits),
        "G^{m},{n}({a}; {b} | {z}) = {} against {want}",
        v.value
    );
}

/// `G^{1,0}_{0,1}(−; b | z) = z^b·e^{−z}` (one Slater term, `0F0`), inside and outside the unit disc.
#[test]
fn g10_01_is_a_power_times_exp() {
    for z in ["2/3", "7"] {
        check_value((1, 0), "", "1/3", z, &format!("({z})^(1/3)*exp(-{z})"), 60);
    }
    check_value((1, 0), "", "-5/2", "3/2", "(3/2)^(-5/2)*exp(-3/2)", 60);
}

/// `G^{1,1}_{1,1}(a; b | z) = Γ(1 − a + b)·z^b·(1 + z)^{a−b−1}`; for `z > 1` through the expansion
/// over the `a`-poles (`G^{1,1}_{1,1}(1 − b; 1 − a | 1/z)`).
#[test]
fn g11_11_is_a_binomial_power() {
    for (a, b, z) in [
        ("1/3", "1/4", "1/2"),
        ("1/3", "1/4", "3"),
        ("-2/5", "3/7", "3/5"),
    ] {
        let closed = format!("gamma(1-({a})+({b}))*({z})^({b})*(1+{z})^(({a})-({b})-1)");
        check_value((1, 1), a, b, z, &closed, 60);
    }
}

/// `G^{1,2}_{2,2}(1, 1; 1, 0 | z) = log(1 + z)`, also on `|z| = 1` (the ₂F₁ at −1 extrapolated,
/// with the digits the extrapolation proves), and `G^{1,2}_{2,2}(5/6, 1/3; 1/3, −1/6 | z) =
/// 2·z^{−1/6}·arctan √z` (π/2 at `z = 1`).
#[test]
fn g12_22_is_a_logarithm_or_an_arctangent() {
    check_value((1, 2), "1,1", "1,0", "1/2", "log(3/2)", 60);
    check_value((1, 2), "1,1", "1,0", "1", "log(2)", 40);
    check_value(
        (1, 2),
        "5/6,1/3",
        "1/3,-1/6",
        "1/3",
        "2*(1/3)^(-1/6)*pi/6",
        60,
    );
    check_value((1, 2), "5/6,1/3", "1/3,-1/6", "1", "pi/2", 40);
}

/// A lower series parameter at a pole, `1 + b₀ − b₁ = 0`, met by `1/Γ(0)`: the regularised series
/// `1F̃1(1; 0; −z) = −z·e^{−z}`, so `G^{1,1}_{1,2}(1/3; 1/3, 4/3 | z) = −z^{4/3}·e^{−z}`.
#[test]
fn regularised_series_at_a_lower_pole() {
    check_value(
        (1, 1),
        "1/3",
        "1/3,4/3",
        "2/3",
        "-(2/3)^(4/3)*exp(-2/3)",
        60,
    );
}

/// Two Slater terms (`m = 2`): `G^{2,0}_{0,2}(−; 1/4, −1/4 | z) = 2·K_{1/2}(2√z)`
/// `= √(π/√z)·e^{−2√z}`, exponentially small against its terms at `z = 20`.
#[test]
fn two_slater_terms_cancel_honestly() {
    for z in ["1/2", "20"] {
        let closed = format!("sqrt(pi/sqrt({z}))*exp(-2*sqrt({z}))");
        check_value((2, 0), "", "1/4,-1/4", z, &closed, 60);
    }
}

/// Precision of the oracles of the logarithmic case.
const ORACLE_BITS: u32 = 1200;

/// `z` as a float at the oracles' precision.
fn oracle_z(z: &str) -> Float {
    Float::with_val(ORACLE_BITS, &r(z))
}

/// `Σ_{k<400} z^k/(k!)^e·f(k, H_k, H_k^{(2)})` with the harmonic numbers `H_k^{(j)} = Σ_{i≤k} i^{−j}`,
/// summed directly (the terms are below `10^{−300}` long before `k = 400` for `z ≤ 60`).
fn harmonic_series(z: &Float, e: u32, f: impl Fn(u32, &Float, &Float) -> Float) -> Float {
    let w = ORACLE_BITS;
    let (mut sum, mut power) = (Float::new(w), Float::with_val(w, 1));
    let (mut h1, mut h2) = (Float::new(w), Float::new(w));
    for k in 0..400u32 {
        if k > 0 {
            power *= z;
            for _ in 0..e {
                power /= k;
            }
            h1 += Float::with_val(w, k).recip();
            h2 += Float::with_val(w, k * k).recip();
        }
        sum += Float::with_val(w, &power * &f(k, &h1, &h2));
    }
    sum
}

/// `2·K₀(2√z) = 2·Σ_k z^k/(k!)²·(H_k − ln(√z) − γ)` (DLMF 10.31.2 at `x = 2√z`).
fn two_k0(z: &str) -> Float {
    let w = ORACLE_BITS;
    let z = oracle_z(z);
    let euler = Float::with_val(w, rug::float::Constant::Euler);
    let half_log = Float::with_val(w, z.ln_ref()) / 2u32;
    harmonic_series(&z, 2, |_, h, _| Float::with_val(w, h - &half_log) - &euler) * 2u32
}

/// `G^{2,0}_{0,2}(−; 0, 0 | z) = 2·K₀(2√z)` (double poles at every `s = k`; DLMF 10.32.13 gives
/// the Mellin transform `∫ K₀(2√t)·t^{−s−1}dt = Γ(−s)²/2`), against the series of `K₀`, also at
/// `z = 30` where the residues cancel to 1 part in 10^{9}; `G^{2,0}_{0,2}(−; 1/3, 1/3 | z) =
/// z^{1/3}·G^{2,0}_{0,2}(−; 0, 0 | z)`.
#[test]
fn double_poles_give_the_macdonald_function() {
    for z in ["1/2", "3", "30"] {
        check_against((2, 0), "", "0,0", z, &two_k0(z), 60);
        let power = Float::with_val(ORACLE_BITS, oracle_z(z).cbrt_ref());
        let want = Float::with_val(ORACLE_BITS, &two_k0(z) * &power);
        check_against((2, 0), "", "1/3,1/3", z, &want, 60);
    }
}

/// `G^{3,0}_{0,3}(−; 0, 0, 0 | z)`: triple poles. At `s = k + ε`,
/// `Γ(−k − ε) = (−1)^{k+1}/(k!·ε)·exp((γ − H_k)ε + (ζ(2) + H_k^{(2)})ε²/2 + …)` (from
/// `Γ(1 − ε)/∏_{i≤k}(i + ε)` and `log Γ(1 − ε) = γε + ζ(2)ε²/2 + …`), so
/// `G = Σ_k (−z)^k/(k!)³·(A_k²/2 + B_k)` with `A_k = 3(γ − H_k) + ln z`,
/// `B_k = 3(ζ(2) + H_k^{(2)})/2`, written out here without polygamma functions.
#[test]
fn triple_poles_match_their_harmonic_number_series() {
    let w = ORACLE_BITS;
    for z in ["1/2", "5"] {
        let x = oracle_z(z);
        let euler = Float::with_val(w, rug::float::Constant::Euler);
        let zeta2 = Float::with_val(w, Float::zeta_u(2));
        let log_z = Float::with_val(w, x.ln_ref());
        let want = harmonic_series(&x, 3, |k, h1, h2| {
            let a = Float::with_val(w, &euler - h1) * 3u32 + &log_z;
            let b = Float::with_val(w, &zeta2 + h2) * 3u32 / 2u32;
            let t = Float::with_val(w, a.square_ref()) / 2u32 + b;
            if k % 2 == 1 {
                -t
            } else {
                t
            }
        });
        check_against((3, 0), "", "0,0,0", z, &want, 60);
    }
}

/// `m < q`, `p > 0`: `Y₀(2√z) = G^{2,0}_{1,3}(−1/2; 0, 0, −1/2 | z)` and
/// `Y₁(2√z) = G^{2,0}_{1,3}(−1; 1/2, −1/2, −1 | z)` (`Y_ν(x) = G^{2,0}_{1,3}(x²/4 | −(ν+1)/2;
/// ν/2, −ν/2, −(ν+1)/2)`; the integrand of `Y₀` is `−Γ(−s)²·cos(πs)·z^s/π`, whose residues give
/// DLMF 10.8.2), against MPFR's Bessel functions; `Y₁` has a simple pole at `−1/2` and double
/// ones from `1/2` on.
#[test]
fn bessel_y_is_a_meijer_g_with_double_poles() {
    for z in ["1/2", "7"] {
        let x = Float::with_val(ORACLE_BITS, oracle_z(z).sqrt_ref()) * 2u32;
        let y0 = Float::with_val(ORACLE_BITS, x.y0_ref());
        check_against((2, 0), "-1/2", "0,0,-1/2", z, &y0, 60);
        let y1 = Float::with_val(ORACLE_BITS, x.y1_ref());
        check_against((2, 0), "-1", "1/2,-1/2,-1", z, &y1, 60);
    }
}

/// `Γ(α, z) = G^{2,0}_{1,2}(1; 0, α | z)` (the Mellin transform `∫ Γ(α, t)·t^{s−1}dt =
/// Γ(s + α)/s`, DLMF 8.14.4): `α = 0` is `E₁(z) = −Ei(−z)` (MPFR), a double pole at 0;
/// `α = 2` is `(1 + z)·e^{−z}`, where the double pole at `s = 2, 3, …` meets the zeros of
/// `1/Γ(1 − s)`; `α = −1` is `e^{−z}/z − E₁(z)`.
#[test]
fn incomplete_gamma_at_integer_orders() {
    for z in ["1/3", "4"] {
        let minus = Float::with_val(ORACLE_BITS, -oracle_z(z));
        let e1 = -Float::with_val(ORACLE_BITS, minus.eint_ref());
        check_against((2, 0), "1", "0,0", z, &e1, 60);
        check_value((2, 0), "1", "0,2", z, &format!("(1+{z})*exp(-{z})"), 60);
        let want = value(&format!("exp(-{z})/({z})")) - e1;
        check_against((2, 0), "1", "0,-1", z, &want, 60);
    }
}

/// `n > 0`, `p = q`: `G^{2,2}_{2,2}(1, 1; 1, 1 | z) = z·ln z/(z − 1)` (the integrand is
/// `(π/sin πs)²·z^s`, residue `z^k·ln z` at every `s = k ≥ 1`), on both sides of `z = 1` (for
/// `z > 1` the double poles are those of `Γ(1 − a_j + s)`); and `log(1 + z)` at `z = 3`, whose
/// expansion over the `a`-poles, `G^{2,1}_{2,2}(0, 1; 0, 0 | 1/3)`, has a double pole.
#[test]
fn logarithms_from_double_poles_on_both_sides_of_one() {
    for z in ["1/2", "3", "9/10"] {
        check_value(
            (2, 2),
            "1,1",
            "1,1",
            z,
            &format!("{z}*log({z})/({z}-1)"),
            60,
        );
    }
    check_value((1, 2), "1,1", "1,0", "3", "log(4)", 60);
}

/// The digits claimed are all correct and are all that were asked for, at three precisions and
/// with heavy cancellation (`2K₀(2√z)` at `z = 60` is `10^{−7}` against residues of size `10^6`).
#[test]
fn logarithmic_digits_are_neither_over_nor_under_claimed() {
    for z in ["2", "60"] {
        let want = two_k0(z);
        for digits in [20, 45, 110] {
            let v = meijer_value(2, 0, &[], &rs("0,0"), &r(z), digits).unwrap();
            assert_eq!(v.digits, digits, "z = {z}");
            let real = agree(&v.value, &want);
            assert!(real >= f64::from(v.digits), "z = {z}, {digits}: {real}");
        }
    }
}

/// Refused parameters are refused with the reason, never guessed.
#[test]
fn degenerate_parameters_are_refused_with_the_reason() {
    let e = meijer_value(1, 2, &rs("3/2,1/2"), &rs("1/2,-1/2"), &r("1/2"), 30).unwrap_err();
    assert!(matches!(e, MeijerError::Degenerate { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("a0 − b0 = 3/2 − 1/2 = 1 is a positive integer"),
        "{e}"
    );
    // integer-spaced b's with p = q at z = 1 (residues decaying like log k/k²)
    let e = meijer_value(2, 1, &rs("1/3,1/5"), &rs("1/2,3/2"), &r("1"), 30).unwrap_err();
    assert!(matches!(e, MeijerError::Degenerate { .. }), "{e}");
    assert!(
        e.to_string().contains(
            "b0 = 1/2 and b1 = 3/2 differ by an integer (1) and z = 1 with p = q: the residue sum of the logarithmic case converges too slowly"
        ),
        "{e}"
    );
    let e = meijer_value(1, 1, &rs("1/3"), &rs("1/4"), &r("-1/2"), 30).unwrap_err();
    assert!(matches!(e, MeijerError::BranchCut { .. }), "{e}");
    let e = meijer_value(2, 0, &[], &rs("0,0"), &r("-1/2"), 30).unwrap_err();
    assert!(matches!(e, MeijerError::BranchCut { .. }), "{e}");
    let e = meijer_value(3, 0, &[], &rs("1/3"), &r("1/2"), 30).unwrap_err();
    assert!(e.to_string().contains("0 ≤ m ≤ q"), "{e}");
}

/// `−θG/G` at `G = G^{1,2}_{2,2}(1/2, 1/2; 1/2, −1/2 | z) = z^{−1/2}·log(1 + z)`:
/// `1/2 − z/((1 + z)·log(1 + z))`, the limit of the walk along `b₀` (checked through the binary
/// below). `θG = b₀G − G(b₀ + 1)` makes it `F1/F0 − 1/2`.
const LOG_LIMIT: &str = "1/2 - (1/2)/((3/2)*log(3/2))";

/// The identification with the values at the start: the right field and start give
/// `x = (−F0 + 2·F1)/(2·F0)`; a wrong `z`, or a start off by a non-integer shift, gives no relation.
#[test]
fn meijer_limit_is_identified_only_with_the_right_values() {
    let x = value(LOG_LIMIT);
    let field = |z: &str| Generated::MeijerG(1, 2, 2, 2, r(z));
    let found = identify_limit(&field("1/2"), &rs("1/2,1/2,1/2,-1/2"), &x, 60, 1000).unwrap();
    let PfqLimit::Identified(id) = found else {
        panic!("{found:?}")
    };
    assert_eq!(id.formula(), "x = (-F0 + 2*F1)/(2*F0)");
    assert!(id.verified_digits >= 59, "{}", id.verified_digits);
    assert_eq!(id.basis[0].label, "G^{1,2}_{2,2}(1/2,1/2;1/2,-1/2|1/2)");
    assert!(agree(&id.basis[0].value.value, &value("sqrt(2)*log(3/2)")) >= 60.0);
    for (z, start) in [
        ("1/3", "1/2,1/2,1/2,-1/2"),
        ("1/2", "1/2,1/2,1/3,-1/2"),
        ("1/2", "1/2,1/3,1/2,-1/2"),
    ] {
        let found = identify_limit(&field(z), &rs(start), &x, 60, 1000).unwrap();
        assert!(
            matches!(found, PfqLimit::NoRelation { digits: 59, .. }),
            "z = {z}, start {start}: {found:?}"
        );
    }
}

/// Walks count certain digits as decimal places; a limit of size 10^{−k} has k fewer significant
/// ones, and identification must be given those (a Meijer-G limit of −0.0063 certain to 57 places
/// was rejected by the gate for claiming 57 significant digits it did not have).
#[test]
fn small_limits_are_identified_at_their_significant_digits() {
    let x = value("-1/160");
    assert_eq!(significant_digits(&x, 57), 54);
    assert_eq!(significant_digits(&value("-7/2"), 57), 57);
    assert_eq!(significant_digits(&value("0"), 57), 57);
    // F1/F0 − 1/5 at G^{1,2}_{2,2}(1/2, 1/3; 1/5, 1/7 | 1/2), as the walk along b₀ gives it
    let field = Generated::MeijerG(1, 2, 2, 2, r("1/2"));
    let start = rs("1/2,1/3,1/5,1/7");
    let basis = apery::cmf::pfq_limit::basis_values(&field, &start, 80).unwrap();
    let f0 = &basis[0].value.value;
    let mut x = Float::with_val(f0.prec(), &basis[1].value.value / f0);
    x -= Float::with_val(f0.prec(), &r("1/5"));
    assert!(x < 0 && x > -0.01, "{x}");
    // known to 57 places only: perturb the 58th
    let mut blurred = x.clone();
    blurred += Float::with_val(64, 2e-58);
    let found = identify_limit(&field, &start, &blurred, 57, 1000).unwrap();
    let PfqLimit::Identified(id) = found else {
        panic!("{found:?}")
    };
    assert_eq!(id.formula(), "x = (-F0 + 5*F1)/(5*F0)");
}

/// A non-integer rational `k/d` (`d` in 2..=6) for the property tests.
fn param() -> impl Strategy<Value = Rational> {
    (2u32..=6, -12i32..=12)
        .prop_filter("not an integer", |(d, k)| k % (*d as i32) != 0)
        .prop_map(|(d, k)| Rational::from((k, d)))
}

/// `z^c·G(a; b | z) = G(a + c; b + c | z)` for `G^{m,n}`, to the digits both values claim; a set
/// refused at one point must be refused at the other (integer differences are shift-invariant).
fn check_shift_law(
    (m, n): (usize, usize),
    a: &[Rational],
    b: &[Rational],
    c: &Rational,
    z: &Rational,
) -> Result<(), TestCaseError> {
    let shift =
        |v: &[Rational]| -> Vec<Rational> { v.iter().map(|x| Rational::from(x + c)).collect() };
    let (g, gc) = (
        meijer_value(m, n, a, b, z, 40),
        meijer_value(m, n, &shift(a), &shift(b), z, 40),
    );
    prop_assert_eq!(g.is_ok(), gc.is_ok(), "{:?} {:?}", g, gc);
    let (Ok(g), Ok(gc)) = (g, gc) else {
        return Ok(());
    };
    let zc = constants::evaluate(&format!("({z})^({c})"), 400).unwrap();
    let lhs = Float::with_val(400, &g.value * &zc);
    let d = g.digits.min(gc.digits);
    prop_assert!(d >= 35, "{} {}", g.digits, gc.digits);
    prop_assert!(
        agree(&lhs, &gc.value) >= f64::from(d) - 1.0,
        "{} vs {}",
        lhs,
        gc.value
    );
    Ok(())
}

/// The contiguous relations of the field's axis matrices, `G(b₀ + 1) = −(θ − b₀)G` (`b₀` among
/// the first `m`) and `G(a₀ − 1) = (θ − a₀ + 1)G` (`a₀` among the first `n`), add up to
/// `G(a; b₀ + 1, b₁… | z) + G(a₀ − 1, a₁…; b | z) = (1 + b₀ − a₀)·G(a; b | z)`, checked to the
/// digits the three values claim (an absolute error of 10^{−d} of each). `Ok(false)` when one of
/// the three is refused (`a₀ − b_h` a positive integer).
fn check_contiguous_relation(
    (m, n): (usize, usize),
    a: &[Rational],
    b: &[Rational],
    z: &Rational,
) -> Result<bool, TestCaseError> {
    let (mut b_up, mut a_down) = (b.to_vec(), a.to_vec());
    b_up[0] += 1;
    a_down[0] -= 1;
    let (Ok(f), Ok(up), Ok(down)) = (
        meijer_value(m, n, a, b, z, 40),
        meijer_value(m, n, a, &b_up, z, 40),
        meijer_value(m, n, &a_down, b, z, 40),
    ) else {
        return Ok(false);
    };
    let d = f.digits.min(up.digits).min(down.digits);
    prop_assert!(d >= 35, "{} {} {}", f.digits, up.digits, down.digits);
    let coeff = Rational::from(1 + &b[0]) - &a[0];
    let rhs = Float::with_val(400, &f.value * &Float::with_val(400, &coeff));
    let lhs = Float::with_val(400, &up.value + &down.value);
    let scale = Float::with_val(64, up.value.abs_ref())
        + Float::with_val(64, down.value.abs_ref())
        + Float::with_val(64, rhs.abs_ref());
    let diff = Float::with_val(400, &lhs - &rhs);
    prop_assert!(
        log10_abs(&scale) - log10_abs(&diff) >= f64::from(d) - 1.0,
        "{} vs {}",
        lhs,
        rhs
    );
    Ok(true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// `z^c·G(a; b | z) = G(a + c; b + c | z)` (the Mellin–Barnes integral with `s → s + c`):
    /// different Γ arguments, powers and series give the same value to the digits both claim.
    #[test]
    fn shifting_every_parameter_multiplies_by_a_power_of_z(
        a0 in param(), a1 in param(), b0 in param(), b1 in param(), c in param(),
        z in prop::sample::select(vec!["1/3", "2/3", "5/2", "4"]),
    ) {
        check_shift_law((1, 2), &[a0, a1], &[b0, b1], &c, &r(z))?;
    }

    /// The contiguous relation ([`check_contiguous_relation`]) for `G^{1,2}_{2,2}`: three values
    /// with different Γ factors and series (both expansions: z on both sides of 1).
    #[test]
    fn values_satisfy_the_contiguous_relation_of_the_field(
        a0 in param(), a1 in param(), b0 in param(), b1 in param(),
        z in prop::sample::select(vec!["1/3", "2/3", "5/2", "4"]),
    ) {
        let checked = check_contiguous_relation((1, 2), &[a0, a1], &[b0, b1], &r(z))?;
        prop_assume!(checked); // a₀ − b₀ a positive integer at one of the three points
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The shift law `z^c·G(a; b | z) = G(a + c; b + c | z)` at integer-spaced parameters: `b₁ − b₀`
    /// and `a₁ − a₀` integers (double poles on the `b` side for `z < 1`, on the `a` side for
    /// `z > 1`), `c` moving every pole by a non-integer.
    #[test]
    fn shift_law_holds_at_integer_spaced_parameters(
        a0 in param(), b0 in param(), c in param(), da in 0i32..=2, db in 0i32..=2,
        z in prop::sample::select(vec!["1/3", "2/3", "5/2", "4"]),
    ) {
        let a = [a0.clone(), Rational::from(&a0 + da)];
        let b = [b0.clone(), Rational::from(&b0 + db)];
        check_shift_law((2, 2), &a, &b, &c, &r(z))?;
    }

    /// The contiguous relation with `b₁ = b₀ + d`: the three values have poles of order 1 or 2
    /// (`b₀ + 1 = b₁` when `d = 1`), through `G^{2,1}_{2,3}`, `p < q`, so any `z > 0` takes the
    /// `b` side.
    #[test]
    fn contiguous_relation_holds_at_integer_spaced_parameters(
        a0 in param(), a1 in param(), b0 in param(), b2 in param(), d in -1i32..=2,
        z in prop::sample::select(vec!["1/3", "2/3", "5/2", "4"]),
    ) {
        let b1 = Rational::from(&b0 + d);
        let checked = check_contiguous_relation((2, 1), &[a0, a1], &[b0, b1, b2], &r(z))?;
        prop_assume!(checked); // a₀ − b_h a positive integer at one of the three points
    }
}

mod cli {
    use super::{agree, value, LOG_LIMIT};
    use assert_cmd::Command;
    use rug::Float;
    use serde_json::Value;

    /// `apery cmf walk FIELD --trajectory T --start S [--json]`: its exit code and standard output.
    fn walk(field: &str, trajectory: &str, start: &str, json: bool) -> (Option<i32>, String) {
        let mut cmd = Command::cargo_bin("apery").unwrap();
        cmd.args([
            "cmf",
            "walk",
            field,
            "--trajectory",
            trajectory,
            "--start",
            start,
        ]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    }

    /// The `--json` output of a walk that succeeds.
    fn walk_json(field: &str, trajectory: &str, start: &str) -> Value {
        let (code, text) = walk(field, trajectory, start, true);
        assert_eq!(code, Some(0), "{text}");
        serde_json::from_str(&text).unwrap()
    }

    const WALK: (&str, &str, &str) = ("meijerg(1,2,2,2,1/2)", "0,0,1,0", "1/2,1/2,1/2,-1/2");

    /// The walk of `meijerg(1,2,2,2,1/2)` along `b₀` from `(1/2, 1/2, 1/2, −1/2)` is identified with
    /// its G values, and the limit agrees with `1/2 − 1/(3·log(3/2))`.
    #[test]
    fn meijer_walk_is_identified_through_the_binary() {
        let (field, trajectory, start) = WALK;
        let (code, text) = walk(field, trajectory, start, false);
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("identity  x = (-F0 + 2*F1)/(2*F0)   [agrees to "),
            "{text}"
        );
        assert!(
            text.contains("F0 = G^{1,2}_{2,2}(1/2,1/2;1/2,-1/2|1/2) = 0.57341425495563925622…"),
            "{text}"
        );
        assert!(
            text.contains("F1 = G^{1,2}_{2,2}(1/2,1/2;3/2,-1/2|1/2) = "),
            "{text}"
        );
        assert!(
            text.contains("closed    x = (3*log(3/2) - 2)/(6*log(3/2))"),
            "{text}"
        );
        let j = walk_json(field, trajectory, start);
        let h = &j["hypergeometric"];
        assert_eq!(h["formula"], "x = (-F0 + 2*F1)/(2*F0)");
        assert_eq!(
            h["basis"][1]["series"],
            "G^{1,2}_{2,2}(1/2,1/2;3/2,-1/2|1/2)"
        );
        assert_eq!(h["basis"][0]["method"], "series");
        assert_eq!(h["closed_form"]["constants"][0], "log(3/2)");
        assert!(h["verified_digits"].as_u64().unwrap() >= 50, "{h}");
        let certain = j["certain_digits"].as_u64().unwrap();
        assert!(certain >= 55, "{certain}");
        let limit = Float::with_val(400, Float::parse(j["limit"].as_str().unwrap()).unwrap());
        assert!(
            agree(&limit, &value(LOG_LIMIT)) >= certain as f64 - 1.0,
            "{limit}"
        );
    }

    /// Degenerate parameters at the start: the walk is still reported (exit 0) and the identity
    /// line says why the values cannot be computed; in `--json` as `hypergeometric.error`.
    #[test]
    fn degenerate_start_is_reported_with_the_reason() {
        // (along b₁: the walks along b₀ from such starts have rational limits, named as such)
        let (field, trajectory, start) = (WALK.0, "0,0,0,1", "3/2,1/3,1/2,-1/3");
        let (code, text) = walk(field, trajectory, start, false);
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("limit     "), "{text}");
        assert!(
            text.contains(
                "identity  the hypergeometric values at the start cannot be computed: \
                 G^{1,2}_{2,2}(3/2,1/3;1/2,-1/3|1/2): degenerate parameters: a0 − b0 = 3/2 − 1/2 = 1 \
                 is a positive integer"
            ),
            "{text}"
        );
        let j = walk_json(field, trajectory, start);
        assert!(j["hypergeometric"]["formula"].is_null());
        let err = j["hypergeometric"]["error"].as_str().unwrap();
        assert!(err.contains("so G is undefined"), "{err}");
    }

    /// A walk whose limit is rational (here the two G values at the start are rationally dependent,
    /// F1 = −F0/2, so no ratio of their combinations can be gated) is named as the rational, in
    /// text and `--json`, and the limit agrees with it to its certain digits.
    #[test]
    fn rational_walk_limits_are_named_as_rationals() {
        for (field, trajectory, start, want) in [
            ("meijerg(2,0,1,2,1/2)", "0,1,0", "1,1,2", (-3, 2)),
            ("meijerg(1,2,2,2,1/2)", "0,0,1,0", "1,1,1,2", (-4, 3)),
        ] {
            let (code, text) = walk(field, trajectory, start, false);
            assert_eq!(code, Some(0), "{text}");
            let line = format!(
                "identity  x = {}/{}, rational   [agrees to ",
                want.0, want.1
            );
            assert!(text.contains(&line), "{text}");
            let j = walk_json(field, trajectory, start);
            let h = &j["hypergeometric"];
            assert_eq!(h["rational"], format!("{}/{}", want.0, want.1));
            let certain = j["certain_digits"].as_u64().unwrap();
            let verified = h["verified_digits"].as_u64().unwrap();
            assert!(certain >= 50 && verified + 1 >= certain, "{h} {certain}");
            let limit = Float::with_val(700, Float::parse(j["limit"].as_str().unwrap()).unwrap());
            let exact = Float::with_val(700, want.0) / want.1;
            assert!(agree(&limit, &exact) >= certain as f64 - 1.0, "{limit}");
        }
    }

    /// An integer start, where the two `b`'s meet in double poles: the walk of
    /// `meijerg(2,2,2,2,1/2)` along `(0, 0, 1, 1)` from `(1, 1, 1, 1)` has the irrational limit
    /// `(1 − 2·log 2)/log 2 = −0.5573049591…`, identified with `F0 = G^{2,2}_{2,2}(1, 1; 1, 1 | 1/2)
    /// = log 2` (`z·ln z/(z − 1)`) and `F1 = G^{2,2}_{2,2}(1, 1; 2, 1 | 1/2) = 1 − log 2`
    /// (`(1 − θ)` of it) as `x = (F1 − F0)/F0`.
    #[test]
    fn meijer_walk_from_an_integer_start_is_identified() {
        let (field, trajectory, start) = ("meijerg(2,2,2,2,1/2)", "0,0,1,1", "1,1,1,1");
        let (code, text) = walk(field, trajectory, start, false);
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("identity  x = (-F0 + F1)/F0   [agrees to "),
            "{text}"
        );
        assert!(
            text.contains("F0 = G^{2,2}_{2,2}(1,1;1,1|1/2) = 0.69314718055994530942…"),
            "{text}"
        );
        assert!(
            text.contains("F1 = G^{2,2}_{2,2}(1,1;2,1|1/2) = 0.30685281944005469058…"),
            "{text}"
        );
        assert!(
            text.contains("closed    x = (1 - 2*ln2)/ln2   [1 - 2*ln2 - x*ln2 = 0; agrees to "),
            "{text}"
        );
        let j = walk_json(field, trajectory, start);
        let h = &j["hypergeometric"];
        assert_eq!(h["formula"], "x = (-F0 + F1)/F0");
        assert_eq!(h["basis"][0]["series"], "G^{2,2}_{2,2}(1,1;1,1|1/2)");
        assert_eq!(h["closed_form"]["constants"][0], "ln2");
        let values = h["basis"].as_array().unwrap();
        for (b, want) in values.iter().zip(["log(2)", "1 - log(2)"]) {
            let v = Float::with_val(700, Float::parse(b["value"].as_str().unwrap()).unwrap());
            let certain = b["certain_digits"].as_u64().unwrap();
            assert!(certain >= 90, "{b}");
            assert!(agree(&v, &value(want)) >= certain as f64 - 1.0, "{b}");
        }
        let certain = j["certain_digits"].as_u64().unwrap();
        assert!(h["verified_digits"].as_u64().unwrap() + 2 >= certain, "{h}");
        let limit = Float::with_val(700, Float::parse(j["limit"].as_str().unwrap()).unwrap());
        assert!(
            agree(&limit, &value("(1 - 2*log(2))/log(2)")) >= certain as f64 - 1.0,
            "{limit}"
        );
    }
}
