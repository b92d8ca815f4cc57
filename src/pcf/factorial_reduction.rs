//! The factorial-reduction (FR) screen: PCFs whose limits are "interesting" constants tend to have
//! convergents with a super-exponentially growing common factor `g_n = gcd(p_n, q_n) ≈ (n!)^{deg a}·Cⁿ`.
//!
//! Every `BURST = 200` terms up to depth 1402 the statistic
//!
//! `v(n) = ln(g_n)/n + deg(a)·(1 − ln n)`
//!
//! is computed (RamanujanMachine's `check_for_fr`); the PCF has FR when two successive values differ by
//! less than 0.1, and is rejected early when the differences grow. The screen needs no target constant
//! and works for PCFs that converge far too slowly for the double-precision first pass.

use super::convergents::Convergents;
use super::Pcf;

/// Terms between two evaluations of `v(n)`.
pub const BURST: usize = 200;
/// Largest depth of the screen.
pub const MAX_DEPTH: usize = 1402;
/// `|v_k − v_{k−1}|` below this means FR.
pub const THRESHOLD: f64 = 0.1;

/// The verdict of the screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrVerdict {
    /// Successive `v(n)` agree within [`THRESHOLD`]; holds the last value.
    Fr(f64),
    /// The differences of successive `v(n)` grow.
    NoFr,
    /// Neither within [`MAX_DEPTH`].
    Indeterminate,
    /// `q_n = 0` at a checkpoint.
    ZeroDenominator,
}

/// `v(n)` at the convergents `c` for a PCF with `deg a = deg_a`.
fn statistic(c: &Convergents, deg_a: usize) -> f64 {
    let g = c.gcd();
    let ln_g = super::limit::log10_int(&g) * std::f64::consts::LN_10;
    let n = c.depth as f64;
    ln_g / n + deg_a as f64 * (1.0 - n.ln())
}

/// Runs the FR screen.
pub fn screen(pcf: &Pcf) -> FrVerdict {
    let deg_a = pcf.a.degree().unwrap_or(0);
    let mut c = Convergents::new(pcf, BURST);
    let mut values: Vec<f64> = Vec::new();
    loop {
        if *c.q() == 0 {
            return FrVerdict::ZeroDenominator;
        }
        let v = statistic(&c, deg_a);
        values.push(v);
        let k = values.len();
        if k >= 2 && (values[k - 1] - values[k - 2]).abs() < THRESHOLD {
            return FrVerdict::Fr(v);
        }
        if k >= 3 && (values[k - 1] - values[k - 2]).abs() > (values[k - 2] - values[k - 3]).abs() {
            return FrVerdict::NoFr;
        }
        if c.depth + BURST > MAX_DEPTH {
            return FrVerdict::Indeterminate;
        }
        c.extend(pcf, c.depth + BURST);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ζ(3) PCF (n+1)³+n³, −n⁶ (validation row R6) converges only polynomially but has FR;
    /// a generic PCF of the same shape does not.
    #[test]
    fn zeta3_family_has_fr_and_a_generic_pcf_does_not() {
        let r6 = Pcf::parse("(n+1)^3 + n^3", "-n^6").unwrap();
        assert!(matches!(screen(&r6), FrVerdict::Fr(_)), "{:?}", screen(&r6));
        let apery = Pcf::parse("34n^3+51n^2+27n+5", "-n^6").unwrap();
        assert!(matches!(screen(&apery), FrVerdict::Fr(_)));
        let generic = Pcf::parse("n^3 + 2n + 7", "-3n^6 + n^2 + 5").unwrap();
        assert!(
            !matches!(screen(&generic), FrVerdict::Fr(_)),
            "{:?}",
            screen(&generic)
        );
    }
}
