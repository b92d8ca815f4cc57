//! Integer balls: a big integer X known only through its leading bits and a certified error bound,
//! X ∈ [(m − r)·2ᵉ, (m + r)·2ᵉ] with m an integer, e ≥ 0 and r ≥ 0 a real bound.
//!
//! The Blind-δ metrics need only a few leading bits of some very large integers (p_D, q_D and the
//! cross terms P_D·Q_x − P_x·Q_D at depth D). A ball carries about `prec` significant bits; every
//! operation adds its truncation error to r, rounded upwards. A value read from a ball — the
//! truncated mantissa of `Integer::to_f64_exp`, or the rounding to a `Float` — is returned only
//! when both ends of the ball give the same result: these maps are monotone in X, so that result
//! is the one the exact integer gives, bit for bit. Otherwise the caller falls back to exact
//! arithmetic.

use rug::{Float, Integer};
use std::cmp::Ordering;

/// Number of bits a mantissa may exceed `prec` by before it is truncated again.
const SLACK: u32 = 64;

/// x·(1 + 2⁻⁴⁸): an upper bound for a quantity computed in f64 with a few roundings.
fn up(x: f64) -> f64 {
    x * (1.0 + f64::EPSILON * 16.0)
}

/// An upper bound for r/2ᵏ (dividing by at most 2¹⁰⁰⁰ overestimates, which is safe).
fn scale_down(r: f64, k: u32) -> f64 {
    // 2^{−k} for k ≤ 1000 is a normal f64: exponent field 1023 − k, zero mantissa.
    let k = u64::from(k.min(1000));
    r * f64::from_bits((1023 - k) << 52)
}

/// An upper bound for |x| as an f64 (+∞ when |x| ≥ 2¹⁰²⁴).
fn abs_upper(x: &Integer) -> f64 {
    // `to_f64` rounds towards zero; one relative step up covers it.
    up(x.to_f64().abs())
}

/// The integer ball [(m − r)·2ᵉ, (m + r)·2ᵉ].
#[derive(Clone, Debug)]
pub(crate) struct IntBall {
    m: Integer,
    e: u32,
    r: f64,
    prec: u32,
}

impl IntBall {
    /// The exact integer x, truncated to `prec` bits (error < 1 unit of the last kept bit).
    pub(crate) fn from_int(x: &Integer, prec: u32) -> IntBall {
        let bits = x.significant_bits();
        if bits <= prec {
            return IntBall {
                m: x.clone(),
                e: 0,
                r: 0.0,
                prec,
            };
        }
        let k = bits - prec;
        IntBall {
            m: Integer::from(x >> k),
            e: k,
            r: 1.0,
            prec,
        }
    }

    /// Builds a ball from a mantissa, exponent and error bound (r ≥ 0).
    pub(crate) fn new(m: Integer, e: u32, r: f64, prec: u32) -> IntBall {
        let mut b = IntBall { m, e, r, prec };
        b.normalize();
        b
    }

    /// Truncates the mantissa to `prec` significant bits once it exceeds `prec + SLACK`.
    fn normalize(&mut self) {
        if self.m.significant_bits() > self.prec + SLACK {
            self.normalize_to(self.prec);
        }
    }

    fn normalize_to(&mut self, prec: u32) {
        let bits = self.m.significant_bits();
        if bits > prec {
            let k = bits - prec;
            self.shift_down(k);
        }
    }

    /// Divides the mantissa by 2ᵏ (floor) and adds the truncation error.
    fn shift_down(&mut self, k: u32) {
        if k == 0 {
            return;
        }
        self.m >>= k;
        self.e = self.e.saturating_add(k);
        self.r = up(scale_down(self.r, k) + 1.0);
        if self.e == u32::MAX {
            self.r = f64::INFINITY;
        }
    }

    /// The product of two balls: |m₁m₂ − X₁X₂/2^{e₁+e₂}| ≤ |m₁|r₂ + |m₂|r₁ + r₁r₂.
    pub(crate) fn mul(&self, o: &IntBall) -> IntBall {
        let r = if self.r == 0.0 && o.r == 0.0 {
            0.0
        } else {
            up(abs_upper(&self.m) * o.r + abs_upper(&o.m) * self.r + self.r * o.r)
        };
        IntBall::new(
            Integer::from(&self.m * &o.m),
            self.e.saturating_add(o.e),
            r,
            self.prec.max(o.prec),
        )
    }

    /// The product with the exact integer c (exact while c has at most `prec + SLACK` bits).
    pub(crate) fn mul_int(&self, c: &Integer) -> IntBall {
        if c.significant_bits() > self.prec + SLACK {
            return self.mul(&IntBall::from_int(c, self.prec));
        }
        let r = if self.r == 0.0 {
            0.0
        } else {
            up(self.r * abs_upper(c))
        };
        IntBall::new(Integer::from(&self.m * c), self.e, r, self.prec)
    }

    /// The sum of two balls, aligned to the larger exponent (the other mantissa is shifted
    /// down, which adds at most one unit to its error).
    pub(crate) fn add(&self, o: &IntBall) -> IntBall {
        let e = self.e.max(o.e);
        let (keep, shift) = if self.e == e { (self, o) } else { (o, self) };
        let d = e - shift.e;
        let (m, r_shift) = if d == 0 {
            (Integer::from(&keep.m + &shift.m), shift.r)
        } else {
            let mut t = Integer::from(&shift.m >> d);
            t += &keep.m;
            (t, up(scale_down(shift.r, d) + 1.0))
        };
        let r = if keep.r == 0.0 && r_shift == 0.0 {
            0.0
        } else {
            up(keep.r + r_shift)
        };
        IntBall::new(m, e, r, self.prec.max(o.prec))
    }

    /// −X.
    pub(crate) fn neg(&self) -> IntBall {
        IntBall {
            m: Integer::from(-&self.m),
            ..self.clone()
        }
    }

    /// The integer ends (m − ⌈r⌉, m + ⌈r⌉), or `None` if r is not finite.
    fn ends(&self) -> Option<(Integer, Integer)> {
        if self.r == 0.0 {
            return Some((self.m.clone(), self.m.clone()));
        }
        let rr = Integer::from_f64(self.r.ceil())?;
        Some((Integer::from(&self.m - &rr), Integer::from(&self.m + &rr)))
    }

    /// The sign of X when the ball does not contain values of both signs (or is exactly 0).
    pub(crate) fn sign(&self) -> Option<Ordering> {
        let (lo, hi) = self.ends()?;
        let sl = lo.cmp0();
        let sh = hi.cmp0();
        (sl == sh).then_some(sl)
    }

    /// |X| as a ball, if the sign of X is certain.
    pub(crate) fn abs(&self) -> Option<IntBall> {
        match self.sign()? {
            Ordering::Less => Some(self.neg()),
            _ => Some(self.clone()),
        }
    }

    /// Bounds lo ≤ |X| ≤ hi as integers in units of 2ᵉ (lo = 0 when the ball contains 0).
    fn abs_ends(&self) -> Option<(Integer, Integer)> {
        let (lo, hi) = self.ends()?;
        match (lo.cmp0(), hi.cmp0()) {
            (Ordering::Less, Ordering::Greater) => {
                let hi_abs = if Integer::from(-&lo) > hi {
                    Integer::from(-&lo)
                } else {
                    hi
                };
                Some((Integer::new(), hi_abs))
            }
            (Ordering::Less, _) | (Ordering::Equal, Ordering::Less) => {
                Some((Integer::from(-&hi), Integer::from(-&lo)))
            }
            _ => Some((lo, hi)),
        }
    }

    /// An upper bound for the number of bits of |X| (from the mantissa, its error and the
    /// exponent).
    pub(crate) fn bits_upper(&self) -> u64 {
        let r_bits = if self.r.is_finite() {
            // ⌈log₂(r + 1)⌉ ≤ the f64 exponent of r + 1, plus one.
            (self.r + 1.0).log2().ceil() as u64 + 1
        } else {
            return u64::MAX;
        };
        u64::from(self.m.significant_bits()).max(r_bits) + 1 + u64::from(self.e)
    }

    /// `Integer::to_f64_exp` of |X| — the truncated 53-bit mantissa and the exponent — if it is
    /// the same at both ends of the ball (truncation is monotone, so then X gives it too).
    pub(crate) fn abs_f64_exp(&self) -> Option<(f64, i64)> {
        let (lo, hi) = self.abs_ends()?;
        let (ml, el) = lo.to_f64_exp();
        let (mh, eh) = hi.to_f64_exp();
        if lo.is_zero() || hi.is_zero() || ml != mh || el != eh {
            return None;
        }
        Some((ml, i64::from(el) + i64::from(self.e)))
    }

    /// ln|X| exactly as `delta::ln_abs` computes it from the integer X (ln|m| + e·ln 2 with
    /// X ≈ m·2ᵉ truncated), or `None` when the ball cannot decide it (or contains 0).
    pub(crate) fn ln_abs(&self) -> Option<f64> {
        let (m, e) = self.abs_f64_exp()?;
        let e = i32::try_from(e).ok()?;
        Some(m.abs().ln() + f64::from(e) * std::f64::consts::LN_2)
    }

    /// `Float::with_val(prec, X)` (round to nearest), if both ends of the ball round alike.
    pub(crate) fn to_float(&self, prec: u32) -> Option<Float> {
        let (lo, hi) = self.ends()?;
        let fl = Float::with_val(prec, &lo);
        let fh = Float::with_val(prec, &hi);
        if fl != fh || (fl.is_zero() && !(lo.is_zero() && hi.is_zero())) {
            return None;
        }
        Some(fl << self.e)
    }

    /// Whether |self| ≥ k·|o|, if the balls decide it.
    pub(crate) fn abs_ge_times(&self, k: u32, o: &IntBall) -> Option<bool> {
        let (sl, sh) = self.abs_ends()?;
        let (ol, oh) = o.abs_ends()?;
        // Compare X·2^{e_self} with k·Y·2^{e_o} on a common scale.
        let scale = |x: Integer, e: u32, base: u32| x << (e - base);
        let base = self.e.min(o.e);
        let sl = scale(sl, self.e, base);
        let sh = scale(sh, self.e, base);
        let ol = scale(ol, o.e, base) * k;
        let oh = scale(oh, o.e, base) * k;
        if sl >= oh {
            Some(true)
        } else if sh < ol {
            Some(false)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(seed: u32, bits: u32) -> Integer {
        // A deterministic pseudo-random integer with at least `bits` bits (xorshift64).
        let mut x = Integer::from(1);
        let mut s = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        while x.significant_bits() < bits {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            x <<= 64;
            x += s;
        }
        x
    }

    /// A ball built from an exact integer decides ln|X| and the 256-bit rounding exactly as the
    /// integer itself does, and products and sums of balls contain the exact results.
    #[test]
    fn ball_reads_match_exact_integer() {
        for seed in 1..40u32 {
            let x = big(seed, 3000 + seed * 37);
            let y = -big(seed + 100, 2000 + seed * 11);
            let bx = IntBall::from_int(&x, 384);
            let by = IntBall::from_int(&y, 384);
            let exact = Integer::from(&x * &y) + &x;
            let ball = bx.mul(&by).add(&bx);
            assert_eq!(
                ball.ln_abs().unwrap(),
                super::super::delta::ln_abs(&exact),
                "seed {seed}"
            );
            assert_eq!(
                ball.to_float(256).unwrap(),
                Float::with_val(256, &exact),
                "seed {seed}"
            );
            assert_eq!(ball.sign(), Some(Ordering::Less));
            assert_eq!(bx.abs_ge_times(1000, &by), Some(true));
            assert_eq!(by.abs_ge_times(1000, &bx), Some(false));
        }
    }

    /// With too few bits the ball refuses to answer rather than answer wrongly.
    #[test]
    fn imprecise_ball_declines() {
        let x = big(7, 5000);
        let y = Integer::from(&x - 1u32);
        // x − y = 1 exactly, but 64-bit balls of x and y cannot see it.
        let d = IntBall::from_int(&x, 64).add(&IntBall::from_int(&y, 64).neg());
        assert_eq!(d.ln_abs(), None);
        assert_eq!(d.sign(), None);
        assert_eq!(d.to_float(53), None);
    }
}
