//! Modified Bessel function of the first kind I_ν(x) for real ν and x (MPFR has only integer-order J, Y).
//!
//! Definition (power series, entire in x for fixed ν):
//! I_ν(x) = Σ_{k≥0} (x/2)^{2k+ν} / (k!·Γ(k+ν+1)).
//!
//! Terms follow t₀ = (x/2)^ν/Γ(ν+1), t_{k+1} = t_k·q_k with q_k = (x/2)²/((k+1)(k+ν+1)).
//! Stopping rule: once k+ν+1 > 0 the ratios q_j (j ≥ k) decrease, so when q_k ≤ 1/2 the tail after t_k is at
//! most |t_k|·q_k/(1−q_k) ≤ 2|t_k|q_k; the loop stops when this is below |S|·2^-wp. Rounding errors are
//! bounded through Σ|t_k| (see `series::accept`) and the pass is repeated with more guard bits if needed.
//! Integer orders use I_{−n} = I_n and I_n(−x) = (−1)^n I_n(x); a non-integer order needs x ≥ 0.

use crate::constants::ball::{abs_up, BallFailure, RAD_PREC};
use crate::constants::series::{add_abs, bit_len, negligible, ziv, SeriesPass, MAX_TERMS};
use rug::float::Round;
use rug::Float;

/// I_ν(x) with relative error at most 2^{1−w} (an exact 0 for I_ν(0), ν > 0).
pub(crate) fn bessel_i(nu: &Float, x: &Float, w: u32) -> Result<Float, BallFailure> {
    if nu.is_integer() {
        let n = Float::with_val(nu.prec(), nu.abs_ref());
        if x.is_sign_negative() && !x.is_zero() {
            let odd = n.to_integer().map(|i| i.is_odd()).unwrap_or(false);
            let v = bessel_i(&n, &Float::with_val(x.prec(), x.abs_ref()), w)?;
            return Ok(if odd { -v } else { v });
        }
        if nu.is_sign_negative() {
            return bessel_i(&n, x, w);
        }
    } else if x.is_sign_negative() && !x.is_zero() {
        return Err(BallFailure::Domain(format!(
            "besseli({}, {}) of non-integer order at negative x is complex",
            nu.to_f64(),
            x.to_f64()
        )));
    }
    if x.is_zero() {
        return if nu.is_zero() {
            Ok(Float::with_val(w, 1))
        } else if nu.is_sign_positive() {
            Ok(Float::new(w))
        } else {
            Err(BallFailure::Domain(format!(
                "besseli({}, 0) is infinite for negative non-integer order",
                nu.to_f64()
            )))
        };
    }
    ziv(w, 16 + bit_len(u64::from(w)), "besseli", |wp| {
        series(nu, x, wp)
    })
}

fn series(nu: &Float, x: &Float, wp: u32) -> Result<SeriesPass, BallFailure> {
    let half = Float::with_val(wp, x >> 1u32);
    let h2 = Float::with_val(wp, half.square_ref());
    let nu1 = Float::with_val(wp, nu + 1u32);
    let gamma = Float::with_val(wp, nu1.gamma_ref());
    let mut t = Float::with_val(wp, rug::ops::Pow::pow(&half, nu));
    t /= &gamma;
    if !t.is_finite() {
        return Err(BallFailure::Overflow(
            "besseli: leading term out of range".into(),
        ));
    }
    let mut sum = Float::new(wp);
    let mut abs_sum = Float::new(RAD_PREC);
    let mut k: u64 = 0;
    loop {
        sum += &t;
        abs_sum = add_abs(&abs_sum, &t);
        // q_k = h2 / ((k+1)(k+ν+1))
        let kn = Float::with_val(wp, nu + (k + 1));
        let den = Float::with_val(wp, &kn * (k + 1));
        let q = Float::with_val(wp, &h2 / &den);
        if kn > 0 && q <= 0.5 {
            // tail ≤ 2|t|q (rounded up generously by one extra factor 2 for the rounding of q)
            let mut tail = Float::with_val_round(RAD_PREC, &abs_up(&t) * &q, Round::Up).0;
            tail <<= 2u32;
            if negligible(&tail, &sum, wp) || t.is_zero() {
                return Ok(SeriesPass {
                    sum,
                    abs_sum,
                    terms: k + 1,
                    tail,
                    ops_per_term: 4,
                });
            }
        }
        t *= &q;
        k += 1;
        if k > MAX_TERMS {
            return Err(BallFailure::Overflow(
                "besseli: too many series terms".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i0_and_i1_at_one_match_published_values() {
        // A197035 (I₀(1)) and A197036 (I₁(1)).
        let w = 200;
        let one = Float::with_val(w, 1);
        for (nu, reference) in [
            (
                0,
                "1.26606587775200833559824462521471753760767031135496220680814",
            ),
            (
                1,
                "0.565159103992485027207696027609863307328899621621092009480294",
            ),
        ] {
            let v = bessel_i(&Float::with_val(w, nu), &one, w).unwrap();
            let r = Float::with_val(w, Float::parse(reference).unwrap());
            let d = Float::with_val(w, &v - &r).abs();
            assert!(d < Float::with_val(w, 1e-58), "I_{nu}(1) = {v}");
        }
    }

    #[test]
    fn zero_argument_and_complex_cases() {
        let w = 64;
        let zero = Float::new(w);
        assert_eq!(bessel_i(&Float::with_val(w, 0), &zero, w).unwrap(), 1);
        assert!(bessel_i(&Float::with_val(w, 2.5), &zero, w)
            .unwrap()
            .is_zero());
        assert!(bessel_i(&Float::with_val(w, -0.5), &zero, w).is_err());
        assert!(bessel_i(&Float::with_val(w, 0.5), &Float::with_val(w, -1), w).is_err());
    }
}
