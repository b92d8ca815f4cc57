//! Hurwitz zeta ζ(s, a) for integer s ≥ 2 and the polygamma functions ψ⁽ᵐ⁾(x).
//!
//! * ψ⁽⁰⁾(x) = ψ(x) = Γ'(x)/Γ(x) is MPFR's `digamma`.
//! * ψ⁽ᵐ⁾(x) = (−1)^{m+1} m! ζ(m+1, x) for m ≥ 1, with ζ(s, a) = Σ_{k≥0} (a+k)^{−s}.
//!
//! ζ(s, a) is computed by Euler–Maclaurin summation with L = a + N:
//! ζ(s, a) = Σ_{k<N} (a+k)^{−s} + L^{1−s}/(s−1) + L^{−s}/2 + Σ_{j=1}^{M} T_j + R,
//! T_j = B_{2j}/(2j)! · s(s+1)…(s+2j−2) · L^{−s−2j+1}, and B_{2j}/(2j)! = (−1)^{j+1}·2ζ(2j)/(2π)^{2j}.
//! Error bound: f(x) = (L+x)^{−s} has derivatives of alternating constant sign (completely monotone), so the
//! remainder after T_M has the sign of T_{M+1} and |R| ≤ |T_{M+1}| (Graham–Knuth–Patashnik, *Concrete
//! Mathematics*, §9.5, eqs. 9.67–9.68). N is chosen with L ≥ wp/2 so that the T_j decrease to 2^−wp for
//! j ≤ M ≈ wp/10; a negative non-integer a is handled by the same direct sum (terms k < N include a+k < 0).
//! Rounding errors are bounded through the sum of absolute values of all terms, with a Ziv retry.

use crate::constants::ball::{BallFailure, RAD_PREC};
use crate::constants::series::{add_abs, bit_len, negligible, ziv, SeriesPass};
use rug::float::{Constant, Round};
use rug::{Float, Integer};

/// ζ(s, a) for integer s ≥ 2 and real a not a non-positive integer, relative error at most 2^{1−w}.
pub(crate) fn hurwitz_zeta(s: u32, a: &Float, w: u32) -> Result<Float, BallFailure> {
    if s < 2 {
        return Err(BallFailure::Domain(format!(
            "zeta({s}, a): the Hurwitz zeta function is implemented for integer s ≥ 2"
        )));
    }
    if a.is_integer() && *a <= 0 {
        return Err(BallFailure::Domain(format!(
            "zeta({s}, {}) has a pole at a non-positive integer a",
            a.to_f64()
        )));
    }
    ziv(w, 16 + 2 * bit_len(u64::from(w)), "zeta(s, a)", |wp| {
        euler_maclaurin(s, a, wp)
    })
}

fn euler_maclaurin(s: u32, a: &Float, wp: u32) -> Result<SeriesPass, BallFailure> {
    // L = a + N ≥ max(wp/2, s) + 1
    let target = f64::from(wp / 2).max(f64::from(s)) + 1.0;
    let a_f = a.to_f64();
    if !a_f.is_finite() || a_f.abs() > 1e15 {
        return Err(BallFailure::Overflow("zeta(s, a): |a| too large".into()));
    }
    let n = if a_f >= target {
        0u64
    } else {
        (target - a_f).ceil() as u64
    };
    let mut sum = Float::new(wp);
    let mut abs_sum = Float::new(RAD_PREC);
    for k in 0..n {
        let base = Float::with_val(wp, a + k);
        let mut t = Float::with_val(wp, rug::ops::Pow::pow(&base, s));
        t.recip_mut();
        sum += &t;
        abs_sum = add_abs(&abs_sum, &t);
    }
    let l = Float::with_val(wp, a + n);
    let l_pow = Float::with_val(wp, rug::ops::Pow::pow(&l, s)); // L^s
    let mut integral = Float::with_val(wp, &l / &l_pow); // L^{1−s}
    integral /= s - 1;
    let mut half = Float::with_val(wp, l_pow.recip_ref()); // L^{−s}
    half >>= 1u32;
    for t in [&integral, &half] {
        sum += t;
        abs_sum = add_abs(&abs_sum, t);
    }
    // P_1 = 2·s/((2π)² L^{s+1}); P_{j+1} = P_j (s+2j−1)(s+2j)/(2πL)²; T_j = (−1)^{j+1} ζ(2j) P_j.
    let two_pi = Float::with_val(wp, Constant::Pi) << 1u32;
    let two_pi_l_sq = Float::with_val(wp, &two_pi * &l).square();
    let mut p = Float::with_val(wp, 2 * s);
    p /= &two_pi_l_sq;
    p /= &l_pow;
    p *= &l; // 2s/((2πL)² L^{s−1}) = 2s/((2π)² L^{s+1})
    let mut prev_abs: Option<Float> = None;
    let mut j: u32 = 1;
    loop {
        let zeta = Float::with_val(wp, Float::zeta_u(2 * j));
        let mut t = Float::with_val(wp, &p * &zeta);
        if j.is_multiple_of(2) {
            t = -t;
        }
        let t_abs = Float::with_val_round(RAD_PREC, t.abs_ref(), Round::Up).0;
        if negligible(&t_abs, &sum, wp) {
            // |R| ≤ |T_j|, doubled for the rounding in computing T_j itself.
            return Ok(SeriesPass {
                sum,
                abs_sum,
                terms: n + u64::from(j) + u64::from(s) + 4,
                tail: t_abs << 1u32,
                ops_per_term: 4,
            });
        }
        if let Some(prev) = &prev_abs {
            if t_abs > *prev {
                return Err(BallFailure::Overflow(
                    "zeta(s, a): Euler–Maclaurin terms stopped decreasing".into(),
                ));
            }
        }
        sum += &t;
        abs_sum = add_abs(&abs_sum, &t);
        prev_abs = Some(t_abs);
        let f = Integer::from(s + 2 * j - 1) * (s + 2 * j);
        p *= &f;
        p /= &two_pi_l_sq;
        j += 1;
    }
}

/// ψ⁽ᵐ⁾(x) = dᵐ⁺¹/dxᵐ⁺¹ ln Γ(x), relative error at most 2^{2−w}; x must not be a non-positive integer.
pub(crate) fn polygamma(m: u32, x: &Float, w: u32) -> Result<Float, BallFailure> {
    if x.is_integer() && *x <= 0 {
        return Err(BallFailure::Domain(format!(
            "polygamma({m}, {}) has a pole at a non-positive integer",
            x.to_f64()
        )));
    }
    if m == 0 {
        let v = Float::with_val(w, x.digamma_ref());
        return if v.is_finite() {
            Ok(v)
        } else {
            Err(BallFailure::Domain(format!("polygamma(0, {})", x.to_f64())))
        };
    }
    let z = hurwitz_zeta(m + 1, x, w + 2)?;
    let fact = Integer::from(Integer::factorial(m));
    let mut v = Float::with_val(w, &z * &fact);
    if m.is_multiple_of(2) {
        v = -v;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hurwitz_at_one_and_one_half_reduce_to_riemann_zeta() {
        let w = 400;
        for s in 2..=7u32 {
            let z = Float::with_val(w, Float::zeta_u(s));
            let one = hurwitz_zeta(s, &Float::with_val(w, 1), w).unwrap();
            let d = Float::with_val(w, &one - &z).abs() / &z;
            assert!(d < Float::with_val(w, 1) >> (w - 2), "s = {s}");
            // ζ(s, 1/2) = (2^s − 1) ζ(s)
            let half = hurwitz_zeta(s, &Float::with_val(w, 0.5), w).unwrap();
            let expect = Float::with_val(w, &z * ((1u64 << s) - 1));
            let d = Float::with_val(w, &half - &expect).abs() / &expect;
            assert!(d < Float::with_val(w, 1) >> (w - 2), "s = {s}");
        }
    }

    #[test]
    fn poles_and_invalid_orders_are_domain_errors() {
        assert!(matches!(
            hurwitz_zeta(1, &Float::with_val(64, 1), 64),
            Err(BallFailure::Domain(_))
        ));
        assert!(matches!(
            polygamma(2, &Float::with_val(64, -3), 64),
            Err(BallFailure::Domain(_))
        ));
    }
}
