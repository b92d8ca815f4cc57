//! The fast Blind-δ metrics (exact convergents up to S, certified balls beyond; see
//! `src/dynamics/measure.rs`) against the recipe computed the slow obvious way
//! (`metrics_reference`: every convergent by the three-term recurrence, every cross term and gcd
//! in full precision). The two must agree bit for bit, `None`s and status included.

use apery::dynamics::metrics::MetricsStatus;
use apery::dynamics::{metrics_reference, metrics_with, MetricsConfig, PcfMetrics};
use proptest::prelude::*;

/// Every field, floats by their bits (Debug prints the shortest round-trip form, NaN included).
fn dump(m: &PcfMetrics) -> String {
    format!("{m:?}")
}

fn config(depth: usize, p_ratio: usize) -> MetricsConfig {
    MetricsConfig {
        depth,
        p_ratio,
        ..MetricsConfig::default()
    }
}

/// The benchmark PCFs (π, e, √2, and the slowest cases of the degree-2 space) at the authors'
/// depth 2000, plus known constants: 4/π = (2n+1, n²) with L ≈ 4/π itself checked.
#[test]
fn fast_metrics_equal_reference_at_depth_2000() {
    let cases: [(&[i64], &[i64]); 8] = [
        (&[1, 3], &[0, 3, -2]),
        (&[3, 1], &[0, 1]),
        (&[2], &[1]),
        (&[5, 5, 5], &[5, 5, 5]),
        (&[-5, -5, -5], &[-5, 5, -5]),
        (&[1, -3, 2], &[2, 1, -4]),
        (&[1, 2], &[0, 0, 1]),
        (&[1, 0, 0], &[-1, 0, -1]),
    ];
    let cfg = MetricsConfig::default();
    for (a, b) in cases {
        let fast = metrics_with(a, b, &cfg).unwrap();
        let slow = metrics_reference(a, b, &cfg).unwrap();
        assert_eq!(dump(&fast), dump(&slow), "a = {a:?}, b = {b:?}");
    }
    // (2n+1, n²) converges to 4/π − 1 + 1 = 4/π with a(0) = 1.
    let m = metrics_with(&[1, 2], &[0, 0, 1], &cfg).unwrap();
    assert_eq!(m.status, MetricsStatus::Computed);
    let four_over_pi = 4.0 / std::f64::consts::PI;
    assert!((m.limit.unwrap() - four_over_pi).abs() < 1e-6);
}

/// The recipe's markers come out the same way on both paths.
#[test]
fn fast_and_reference_agree_on_markers() {
    let cfg = config(400, 2);
    // b(3) = 0: divergent marker; a = 2000: |L| ≥ 1000; a(n) = 1, b(n) = −1: q has period 6 with
    // zeros (q₂ = 0 when the list runs through it).
    for (a, b) in [
        (&[1i64, 1][..], &[-3i64, 1][..]),
        (&[2000][..], &[1][..]),
        (&[1][..], &[-1][..]),
        (&[0][..], &[1][..]),
    ] {
        let fast = metrics_with(a, b, &cfg).unwrap();
        let slow = metrics_reference(a, b, &cfg).unwrap();
        assert_eq!(dump(&fast), dump(&slow), "a = {a:?}, b = {b:?}");
    }
}

/// Regression: when L_D and L_S have opposite signs, |P_D|·|Q_S| − |P_S|·|Q_D| (the blind-δ
/// numerator) is not the cross term at S; the fast path once added the two magnitudes there.
/// (2, −4n) converges to ≈ −0.58 with convergents alternating in sign at depth 153.
#[test]
fn blind_numerator_with_limits_of_opposite_signs() {
    let cfg = config(153, 2);
    let fast = metrics_with(&[2], &[0, -4], &cfg).unwrap();
    let slow = metrics_reference(&[2], &[0, -4], &cfg).unwrap();
    assert_eq!(dump(&fast), dump(&slow));
    assert!((fast.limit.unwrap() + 0.580_012_810_761_871_7).abs() < 1e-15);
    assert!((fast.naive_delta.unwrap() + 0.999_466_605_157_381_3).abs() < 1e-12);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Random PCFs of the Blind-δ space shape (degree ≤ 2, coefficients in [−5, 5]) at small
    /// depths and sample ratios: the fast metrics are bit-identical to the reference.
    #[test]
    fn fast_metrics_equal_reference_on_random_pcfs(
        a in proptest::collection::vec(-5i64..=5, 1..=3),
        b in proptest::collection::vec(-5i64..=5, 1..=3),
        depth in 114usize..420,
        p_ratio in 1usize..=2,
    ) {
        let cfg = config(depth, p_ratio);
        let fast = metrics_with(&a, &b, &cfg);
        let slow = metrics_reference(&a, &b, &cfg);
        prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// |∏b(k)| = 1 (b ≡ ±1): the reduced denominators need no gcd at all; the fast metrics are
    /// still those of the reference.
    #[test]
    fn fast_metrics_equal_reference_when_b_is_a_unit(
        a in proptest::collection::vec(-5i64..=5, 1..=3),
        unit in prop_oneof![Just(1i64), Just(-1i64)],
        depth in 114usize..420,
        p_ratio in 1usize..=2,
    ) {
        let cfg = config(depth, p_ratio);
        let fast = metrics_with(&a, &[unit], &cfg);
        let slow = metrics_reference(&a, &[unit], &cfg);
        prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }

    /// b with a common factor m (high prime powers in ∏b(k): 2⁶, 3·2², 5·3·2, 7²): the gcds come
    /// from the primes up to max|b(k)| or from Euclid, and agree with the reference.
    #[test]
    fn fast_metrics_equal_reference_when_b_has_common_factors(
        a in proptest::collection::vec(-5i64..=5, 1..=3),
        b in proptest::collection::vec(-5i64..=5, 1..=3),
        m in prop_oneof![Just(2i64), Just(12), Just(30), Just(49), Just(64)],
        depth in 114usize..420,
        p_ratio in 1usize..=2,
    ) {
        let b: Vec<i64> = b.iter().map(|c| c * m).collect();
        let cfg = config(depth, p_ratio);
        let fast = metrics_with(&a, &b, &cfg);
        let slow = metrics_reference(&a, &b, &cfg);
        prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }

    /// |det Πₙ| = ∏|b(k)| much smaller than qₙ (a(n) ≈ 2⁴⁰·n, |b(k)| between 2¹³ and 2¹⁸, so
    /// ln|det| < ln|q|/2 from the first depths): gcd(pₙ, qₙ) = gcd(gcd(|det Πₙ|, pₙ), qₙ) agrees with the reference.
    #[test]
    fn fast_metrics_equal_reference_when_the_determinant_is_small(
        a1 in (1i64 << 40)..(1i64 << 44),
        a0 in -5i64..=5,
        b0 in 8_000i64..200_000,
        b1 in 0i64..200,
        sign in prop_oneof![Just(1i64), Just(-1i64)],
        depth in 114usize..300,
    ) {
        let (a, b) = ([a0, a1], [sign * b0, sign * b1]);
        let cfg = config(depth, 2);
        let fast = metrics_with(&a, &b, &cfg);
        let slow = metrics_reference(&a, &b, &cfg);
        prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }
}
