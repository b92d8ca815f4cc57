//! Midpoint–radius ("ball") arithmetic: a value `mid` with a rigorous bound `rad` on the absolute error,
//! used by the expression evaluator to decide when its working precision is sufficient (Ziv's strategy).
//!
//! Rules (x = mx ± rx, y = my ± ry, w = working precision, every rounding to nearest has relative error
//! at most 2^-w, and radii are rounded upwards):
//! * x ± y: rad = rx + ry + |z|·2^-w
//! * x · y: rad = |mx|·ry + |my|·rx + rx·ry + |z|·2^-w
//! * x / y (|my| > ry): rad = (|mx|·ry + |my|·rx) / (|my|·(|my| − ry)) + |z|·2^-w
//! * f(x₁,…): f at the midpoint plus, for every inexact argument, twice the largest change of f between the
//!   midpoint and the two ends of that argument's interval (a mean-value estimate of the propagated error),
//!   plus the evaluation error of f itself (|f|·2^{2−w}).

use rug::float::Round;
use rug::Float;
use std::cmp::Ordering;

/// Precision of the radii.
pub(crate) const RAD_PREC: u32 = 32;

/// A floating-point midpoint together with an upper bound on its absolute error.
#[derive(Clone, Debug)]
pub(crate) struct Ball {
    /// Approximate value at the working precision.
    pub mid: Float,
    /// Upper bound on |true value − mid|.
    pub rad: Float,
}

/// Why a ball operation could not produce a result.
#[derive(Debug)]
pub(crate) enum BallFailure {
    /// The interval is too wide to decide (divisor or domain boundary inside it): retry at higher precision.
    NeedPrecision,
    /// A genuine error at the midpoint (the whole interval is outside the domain).
    Domain(String),
    /// Division by an interval that is exactly zero.
    DivisionByZero,
    /// Result not representable.
    Overflow(String),
}

/// |x|·2^-shift, rounded upwards, at radius precision.
pub(crate) fn rel_err(x: &Float, shift: u32) -> Float {
    let mut r = Float::with_val_round(RAD_PREC, x.abs_ref(), Round::Up).0;
    r >>= shift;
    r
}

fn up_add(a: &Float, b: &Float) -> Float {
    Float::with_val_round(RAD_PREC, a + b, Round::Up).0
}

fn up_mul(a: &Float, b: &Float) -> Float {
    Float::with_val_round(RAD_PREC, a * b, Round::Up).0
}

pub(crate) fn abs_up(x: &Float) -> Float {
    Float::with_val_round(RAD_PREC, x.abs_ref(), Round::Up).0
}

fn check_finite(mid: Float, what: &str) -> Result<Float, BallFailure> {
    if mid.is_finite() {
        Ok(mid)
    } else {
        Err(BallFailure::Overflow(format!(
            "{what} is out of MPFR's exponent range"
        )))
    }
}

impl Ball {
    /// A ball from a value rounded with ternary result `ord` at precision `w`.
    pub fn rounded(mid: Float, ord: Ordering, w: u32) -> Ball {
        let rad = if ord == Ordering::Equal {
            Float::new(RAD_PREC)
        } else {
            rel_err(&mid, w)
        };
        Ball { mid, rad }
    }

    /// A value known to be within |mid|·2^-w of the truth (e.g. a correctly rounded constant).
    pub fn faithful(mid: Float, w: u32) -> Ball {
        let rad = rel_err(&mid, w);
        Ball { mid, rad }
    }

    /// Whether the radius is zero (the midpoint is exact).
    pub fn is_exact(&self) -> bool {
        self.rad.is_zero()
    }

    /// Lower end of the interval, rounded down at the midpoint's precision.
    pub fn lower(&self) -> Float {
        Float::with_val_round(self.mid.prec(), &self.mid - &self.rad, Round::Down).0
    }

    /// Upper end of the interval, rounded up at the midpoint's precision.
    pub fn upper(&self) -> Float {
        Float::with_val_round(self.mid.prec(), &self.mid + &self.rad, Round::Up).0
    }

    /// Negation (exact).
    pub fn neg(self) -> Ball {
        Ball {
            mid: -self.mid,
            rad: self.rad,
        }
    }

    /// Sum or difference (`negate_rhs`).
    pub fn add(&self, rhs: &Ball, negate_rhs: bool, w: u32) -> Result<Ball, BallFailure> {
        let (mid, ord) = if negate_rhs {
            Float::with_val_round(w, &self.mid - &rhs.mid, Round::Nearest)
        } else {
            Float::with_val_round(w, &self.mid + &rhs.mid, Round::Nearest)
        };
        let mid = check_finite(mid, "sum")?;
        let mut rad = up_add(&self.rad, &rhs.rad);
        if ord != Ordering::Equal {
            rad = up_add(&rad, &rel_err(&mid, w));
        }
        Ok(Ball { mid, rad })
    }

    /// Product.
    pub fn mul(&self, rhs: &Ball, w: u32) -> Result<Ball, BallFailure> {
        let (mid, ord) = Float::with_val_round(w, &self.mid * &rhs.mid, Round::Nearest);
        let mid = check_finite(mid, "product")?;
        let mut rad = up_add(
            &up_mul(&abs_up(&self.mid), &rhs.rad),
            &up_mul(&abs_up(&rhs.mid), &self.rad),
        );
        rad = up_add(&rad, &up_mul(&self.rad, &rhs.rad));
        if ord != Ordering::Equal {
            rad = up_add(&rad, &rel_err(&mid, w));
        }
        Ok(Ball { mid, rad })
    }

    /// Quotient; fails with `NeedPrecision` if the divisor interval contains zero.
    pub fn div(&self, rhs: &Ball, w: u32) -> Result<Ball, BallFailure> {
        if rhs.mid.is_zero() && rhs.is_exact() {
            return Err(BallFailure::DivisionByZero);
        }
        // |my| − ry rounded down must be positive.
        let ay = abs_up(&rhs.mid);
        let ay_down = Float::with_val_round(RAD_PREC, rhs.mid.abs_ref(), Round::Down).0;
        let gap = Float::with_val_round(RAD_PREC, &ay_down - &rhs.rad, Round::Down).0;
        if gap <= 0 {
            return Err(BallFailure::NeedPrecision);
        }
        let (mid, ord) = Float::with_val_round(w, &self.mid / &rhs.mid, Round::Nearest);
        let mid = check_finite(mid, "quotient")?;
        let num = up_add(
            &up_mul(&abs_up(&self.mid), &rhs.rad),
            &up_mul(&ay, &self.rad),
        );
        let den = Float::with_val_round(RAD_PREC, &ay_down * &gap, Round::Down).0;
        let mut rad = Float::with_val_round(RAD_PREC, &num / &den, Round::Up).0;
        if ord != Ordering::Equal {
            rad = up_add(&rad, &rel_err(&mid, w));
        }
        Ok(Ball { mid, rad })
    }

    /// Applies a real function `f` (evaluated at precision `w` with relative error at most 2^{2−w}) to
    /// balls, propagating the argument radii by evaluating `f` at both ends of each inexact argument.
    pub fn apply<F>(args: &[Ball], w: u32, f: F) -> Result<Ball, BallFailure>
    where
        F: Fn(&[Float], u32) -> Result<Float, BallFailure>,
    {
        let mids: Vec<Float> = args.iter().map(|b| b.mid.clone()).collect();
        let centre = match f(&mids, w) {
            Ok(c) => c,
            Err(BallFailure::Domain(msg)) => {
                // If some end of the box is inside the domain, the midpoint is only
                // outside because of rounding: more precision decides.
                for (i, b) in args.iter().enumerate() {
                    if b.is_exact() {
                        continue;
                    }
                    for end in [b.lower(), b.upper()] {
                        let mut p = mids.clone();
                        p[i] = end;
                        if f(&p, w).is_ok() {
                            return Err(BallFailure::NeedPrecision);
                        }
                    }
                }
                return Err(BallFailure::Domain(msg));
            }
            Err(e) => return Err(e),
        };
        let mut rad = rel_err(&centre, w.saturating_sub(2));
        for (i, b) in args.iter().enumerate() {
            if b.is_exact() {
                continue;
            }
            let mut change = Float::new(RAD_PREC);
            for end in [b.lower(), b.upper()] {
                let mut p = mids.clone();
                p[i] = end;
                let v = match f(&p, w) {
                    Ok(v) => v,
                    Err(BallFailure::Domain(_)) => return Err(BallFailure::NeedPrecision),
                    Err(e) => return Err(e),
                };
                let d = Float::with_val_round(RAD_PREC, &v - &centre, Round::AwayZero).0;
                let d = up_add(&abs_up(&d), &rel_err(&v, w.saturating_sub(2)));
                if d > change {
                    change = d;
                }
            }
            rad = up_add(&rad, &(change << 1u32));
        }
        Ok(Ball { mid: centre, rad })
    }
}
