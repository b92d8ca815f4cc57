//! The first pass: a PCF evaluated to a fixed small depth in double precision.
//!
//! `p_n = a(n)p_{n−1} + b(n)p_{n−2}` and the same for `q`, with the pair rescaled whenever it
//! grows past 2^±500 so that nothing overflows. The values `a(n)`, `b(n)` come from tables
//! `Σ cᵢ·nⁱ` built once per polynomial, so the enumeration of a space with `k` choices of `a` and
//! `m` choices of `b` evaluates each polynomial once, not `k·m` times. Its only job is to screen:
//! anything it flags is recomputed exactly.

/// What the first pass says about one PCF.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Screen {
    /// `a(n) = 0` or `b(n) = 0` for some `1 ≤ n ≤ depth`: skipped by the standard filter.
    Vanishing,
    /// `q_N` is zero or the value is not finite.
    Undefined,
    /// The value `x = p_N/q_N` and the estimated error `|x_N − x_{N−1}|`.
    Value {
        /// `p_N/q_N`.
        x: f64,
        /// `|p_N/q_N − p_{N−1}/q_{N−1}|`.
        err: f64,
    },
}

/// Precomputed powers `nⁱ` for the evaluation tables.
#[derive(Clone, Debug)]
pub struct FirstPass {
    depth: usize,
    powers: Vec<Vec<f64>>,
}

impl FirstPass {
    /// A first pass to `depth` terms for polynomials of degree ≤ `max_degree`.
    pub fn new(depth: usize, max_degree: usize) -> FirstPass {
        let powers = (0..=max_degree)
            .map(|k| (0..=depth).map(|n| (n as f64).powi(k as i32)).collect())
            .collect();
        FirstPass { depth, powers }
    }

    /// The depth `N`.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The largest polynomial degree the tables support.
    pub fn max_degree(&self) -> usize {
        self.powers.len() - 1
    }

    /// Fills `out[n] = Σ cᵢ·nⁱ` for `n = 0..=depth` (coefficients lowest degree first).
    pub fn table(&self, coeffs: &[i64], out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.depth + 1, 0.0);
        for (k, &c) in coeffs.iter().enumerate() {
            if c != 0 {
                let c = c as f64;
                for (o, p) in out.iter_mut().zip(&self.powers[k]) {
                    *o += c * p;
                }
            }
        }
    }

    /// Whether a table has a zero at some `1 ≤ n ≤ depth`.
    pub fn vanishes(table: &[f64]) -> bool {
        table[1..].contains(&0.0)
    }

    /// Runs the recurrence on tables of `a(n)` and `b(n)`.
    #[inline]
    pub fn run(&self, a: &[f64], b: &[f64]) -> Screen {
        const BIG: f64 = 1e150;
        const SCALE: f64 = 1e-150;
        let (mut p1, mut p2) = (a[0], 1.0);
        let (mut q1, mut q2) = (1.0, 0.0);
        for n in 1..self.depth {
            let (an, bn) = (a[n], b[n]);
            let p = an * p1 + bn * p2;
            let q = an * q1 + bn * q2;
            p2 = p1;
            q2 = q1;
            p1 = p;
            q1 = q;
            if q1.abs() > BIG || p1.abs() > BIG {
                p1 *= SCALE;
                p2 *= SCALE;
                q1 *= SCALE;
                q2 *= SCALE;
            }
        }
        let (an, bn) = (a[self.depth], b[self.depth]);
        let p = an * p1 + bn * p2;
        let q = an * q1 + bn * q2;
        if q == 0.0 || q1 == 0.0 {
            return Screen::Undefined;
        }
        let x = p / q;
        let err = (x - p1 / q1).abs();
        if !x.is_finite() || !err.is_finite() {
            return Screen::Undefined;
        }
        Screen::Value { x, err }
    }

    /// Table construction, the vanishing filter and the recurrence for one PCF.
    pub fn screen(&self, a: &[i64], b: &[i64]) -> Screen {
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        self.table(a, &mut ta);
        self.table(b, &mut tb);
        if Self::vanishes(&ta) || Self::vanishes(&tb) {
            return Screen::Vanishing;
        }
        self.run(&ta, &tb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_known_limits() {
        let fp = FirstPass::new(32, 6);
        // (n+3, -n) → e
        match fp.screen(&[3, 1], &[0, -1]) {
            Screen::Value { x, err } => {
                assert!(
                    (x - std::f64::consts::E).abs() < 1e-14 && err < 1e-14,
                    "{x} {err}"
                )
            }
            s => panic!("{s:?}"),
        }
        // Apéry: 6/ζ(3)
        match fp.screen(&[5, 27, 51, 34], &[0, 0, 0, 0, 0, 0, -1]) {
            Screen::Value { x, .. } => assert!((x - 6.0 / 1.2020569031595942).abs() < 1e-13),
            s => panic!("{s:?}"),
        }
        // a(n) = n - 3 vanishes at n = 3
        assert_eq!(fp.screen(&[-3, 1], &[1]), Screen::Vanishing);
    }
}
