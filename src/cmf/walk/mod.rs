//! Walks on a CMF: exact trajectory products and their limits.
//!
//! A trajectory `t ∈ ℤ^k` from a start `s` takes steps `k = 0, 1, …`; step `k` starts at
//! `X = s + k·t` and moves `t₁` times along axis 1, then `t₂` times along axis 2, … . A move in
//! the positive direction of axis `i` multiplies on the right by `M_i(X)` and sets `X ← X + e_i`; a
//! move in the negative direction multiplies by `M_i(X − e_i)⁻¹` and sets `X ← X − e_i`. The walk
//! of depth `N` is
//!
//! `P(N) = ∏_{k=0}^{N−1} T_k`,   value `x_N = P[0][last] / P[1][last]`
//!
//! (top-right over bottom-right for 2×2 fields). Every matrix is evaluated at integer points with
//! exact integer arithmetic: `M_i = N_i/d_i` with `N_i` integral, and the scalar `1/d_i` (which
//! cancels in `x_N`) is kept apart in [`Walk::scale`]. The product uses a balanced product tree.
//! A pole (a vanishing denominator) or a singular backward step is reported with its axis and
//! point instead of failing somewhere inside the arithmetic.
//!
//! Submodules: `poly_step` (one step as a polynomial matrix of the step index, for projective
//! walks), `adjugate` (inverting moves), `limit` (limits by depth doubling), `rational`
//! (trajectory matrices at rational points).

use super::{try_for_each_move, Cmf, PolyMatrix};
use crate::matrix::mul_i128;
use crate::matrix::product::{product, product_projective, Node};
pub use crate::matrix::IntMatrix;
use crate::poly::multi::{power_table, IntPoly, MPoly};
use rug::{Integer, Rational};
use std::sync::Mutex;
use thiserror::Error;

mod adjugate;
mod limit;
mod poly_step;
mod rational;

pub use adjugate::adjugate;
use adjugate::adjugate_i128;
pub use limit::{delta_of, WalkLimit, WalkOptions};
use poly_step::{PolyStepCache, POLY_STEP_MIN_SPAN};
pub use rational::{projective_image, step_at};

/// Why a walk could not be taken.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum WalkError {
    /// A matrix entry has a pole at a lattice point of the path.
    #[error("M_{axis} has a pole at {point}: the denominator {den} of entry [{row}][{col}] vanishes there, in every order of the moves tried (try another start point)")]
    Pole {
        /// Axis of the matrix.
        axis: String,
        /// The point, as `(x, y) = (1, 2)`.
        point: String,
        /// Entry row.
        row: usize,
        /// Entry column.
        col: usize,
        /// The vanishing denominator.
        den: String,
    },
    /// A backward step needs `M_i(X − e_i)⁻¹` but that matrix is singular.
    #[error("M_{axis} is singular at {point}: the step along {axis} that inverts it cannot be taken there in any order of the moves (try another start point)")]
    Singular {
        /// Axis of the matrix.
        axis: String,
        /// The point.
        point: String,
    },
    /// Trajectory or start of the wrong length.
    #[error("the field has {expected} axes but the {what} has {got} entries")]
    Dimension {
        /// Axes of the field.
        expected: usize,
        /// What was wrong (trajectory or start).
        what: &'static str,
        /// Entries given.
        got: usize,
    },
    /// The field still has symbolic parameters.
    #[error("the parameters {0} are symbolic; give them values to walk")]
    Symbolic(String),
    /// The zero trajectory does not move.
    #[error("the trajectory is zero")]
    ZeroTrajectory,
    /// `P[1][last] = 0` at every depth tried.
    #[error("the walk's denominator P[1][last] vanishes at depth {depth}")]
    ZeroDenominator {
        /// The depth.
        depth: usize,
    },
}

/// A polynomial's terms with `i128` coefficients.
type SmallPoly = Vec<(Vec<u32>, i128)>;

/// One axis matrix prepared for evaluation: `M = N/d` with integral `N`.
struct AxisEval {
    num: Vec<IntPoly>,
    /// `d`, scaled by the same factor as `N` (so `M = N/d` still).
    den: MPoly,
    /// `d` if it is a constant.
    den_const: Option<Rational>,
    /// `N`'s terms as `i128` (when all coefficients fit), for the fast path of small points.
    small: Option<Vec<SmallPoly>>,
    /// `d`'s terms as `i128`, if they fit.
    den_small: Option<SmallPoly>,
    max: Vec<u32>,
    /// The entry denominators, for diagnostics.
    entry_dens: Vec<MPoly>,
}

impl AxisEval {
    fn new(pm: &PolyMatrix, entry_dens: Vec<MPoly>) -> AxisEval {
        let l = pm
            .entries
            .iter()
            .fold(Integer::from(1), |l, e| l.lcm(&e.denominator_lcm()));
        let lr = Rational::from(&l);
        let num: Vec<IntPoly> = pm
            .entries
            .iter()
            .map(|e| IntPoly::from_mpoly(&e.scale(&lr)).0)
            .collect();
        let mut max = vec![0; pm.den.nvars()];
        for p in &num {
            for (m, e) in max.iter_mut().zip(p.max_exponents()) {
                *m = (*m).max(e);
            }
        }
        let den = pm.den.scale(&lr);
        let small = num
            .iter()
            .map(|p| {
                p.terms()
                    .iter()
                    .map(|(m, c)| c.to_i128().map(|c| (m.clone(), c)))
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<Vec<_>>>();
        let (den_int, den_scale) = IntPoly::from_mpoly(&den);
        for (m, e) in max.iter_mut().zip(den_int.max_exponents()) {
            *m = (*m).max(e);
        }
        // only an integral `d` (a scaled one would change the walk's scale)
        let den_small = (den_int.terms().len() == den.len() && den_scale == 1)
            .then(|| {
                den_int
                    .terms()
                    .iter()
                    .map(|(m, c)| c.to_i128().map(|c| (m.clone(), c)))
                    .collect::<Option<Vec<_>>>()
            })
            .flatten();
        AxisEval {
            num,
            small,
            den_small,
            den_const: den.as_constant(),
            den,
            max,
            entry_dens,
        }
    }
}

/// A field prepared for walking (all parameters bound).
pub struct Walker<'a> {
    cmf: &'a Cmf,
    /// Each axis prepared on first use (expanding a generated field's matrices can cost more than
    /// a walk that evaluates them from the operator).
    axes: Vec<std::sync::OnceLock<AxisEval>>,
    /// Polynomial step matrices of the trajectories walked (`None`: not worth building).
    poly_steps: PolyStepCache,
}

/// `(x, y, …) = (p₀, p₁, …)`: a point of the field with its axis names, for error messages.
pub(super) fn show_point<T: std::fmt::Display>(cmf: &Cmf, p: &[T]) -> String {
    format!(
        "({}) = ({})",
        cmf.axes.join(", "),
        p.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The exact product of a walk, `P_true = p · scale`.
#[derive(Clone, Debug)]
pub struct Walk {
    /// The integer matrix product `∏ N`.
    pub p: IntMatrix,
    /// The product of the scalar factors (`1/d` per forward move, `d/det N` per backward move).
    pub scale: Rational,
}

impl<'a> Walker<'a> {
    /// Prepares `cmf` for walks; fails if it has symbolic parameters.
    pub fn new(cmf: &'a Cmf) -> Result<Walker<'a>, WalkError> {
        if !cmf.params.is_empty() {
            return Err(WalkError::Symbolic(cmf.params.join(", ")));
        }
        let axes = cmf
            .matrices
            .iter()
            .map(|_| std::sync::OnceLock::new())
            .collect();
        Ok(Walker {
            cmf,
            axes,
            poly_steps: Mutex::new(Vec::new()),
        })
    }

    /// Axis `i` prepared for evaluation.
    fn ax(&self, i: usize) -> &AxisEval {
        self.axes[i].get_or_init(|| {
            let m = &self.cmf.matrices[i];
            AxisEval::new(
                &m.to_poly_form(),
                m.entries().iter().map(|e| e.den().clone()).collect(),
            )
        })
    }

    /// Whether the expanded matrices are worth evaluating in `i128`: not for generated `pFq` fields
    /// of rank ≥ 5, whose expanded entries have thousands of terms (they are evaluated from the
    /// operator instead).
    fn expanded_is_cheap(&self) -> bool {
        !matches!(self.cmf.generator, Some(super::spec::Generated::Pfq(..))) || self.cmf.rank() < 5
    }

    fn check_dims(&self, traj: &[i64], start: &[i64]) -> Result<(), WalkError> {
        let k = self.cmf.dim();
        if traj.len() != k {
            return Err(WalkError::Dimension {
                expected: k,
                what: "trajectory",
                got: traj.len(),
            });
        }
        if start.len() != k {
            return Err(WalkError::Dimension {
                expected: k,
                what: "start",
                got: start.len(),
            });
        }
        if traj.iter().all(|&t| t == 0) {
            return Err(WalkError::ZeroTrajectory);
        }
        Ok(())
    }

    /// `(N(X), d(X))` of axis `i` at the point `X`; an error at a pole.
    fn eval_axis(&self, i: usize, x: &[i64]) -> Result<(IntMatrix, Rational), WalkError> {
        if let Some(r) = self.eval_pfq(i, x) {
            return Ok(r);
        }
        let ax = self.ax(i);
        let d = match &ax.den_const {
            Some(c) => c.clone(),
            None => ax
                .den
                .eval(&x.iter().map(|&v| Rational::from(v)).collect::<Vec<_>>()),
        };
        if d == 0 {
            let dim = self.cmf.rank();
            let pt: Vec<Rational> = x.iter().map(|&v| Rational::from(v)).collect();
            for (k, den) in ax.entry_dens.iter().enumerate() {
                if den.eval(&pt) == 0 {
                    return Err(WalkError::Pole {
                        axis: self.cmf.axes[i].clone(),
                        point: show_point(self.cmf, x),
                        row: k / dim,
                        col: k % dim,
                        den: self.cmf.show(den),
                    });
                }
            }
            unreachable!("the common denominator vanishes only where an entry's does");
        }
        let xi: Vec<Integer> = x.iter().map(|&v| Integer::from(v)).collect();
        let powers = power_table(&xi, &ax.max);
        let e = ax.num.iter().map(|p| p.eval_with_powers(&powers)).collect();
        Ok((
            IntMatrix {
                dim: self.cmf.rank(),
                e,
            },
            d,
        ))
    }

    /// For `pFq(p, q, z)` fields: the axis matrix at `X` straight from the operator, without the
    /// expanded polynomials. With `z = a/b`, `D'(θ) = b·θ∏(θ + y_j − 1) − a·∏(θ + x_i)` has integer
    /// coefficients `D'_k` at `X` and leading one `L`; `Θ = C/L` with the integer companion `C`
    /// (`C[k+1][k] = L`, `C[k][N−1] = −D'_k`), so `I + Θ/c = (c·L·I + C)/(c·L)` with `c = x_i` or
    /// `y_j − 1`. `None` where that denominator vanishes (the general path reports the pole).
    fn eval_pfq(&self, i: usize, x: &[i64]) -> Option<(IntMatrix, Rational)> {
        let (m, den) = self.eval_pfq_raw(i, x)?;
        (den != 0).then(|| (m, Rational::from(den)))
    }

    /// The numerator `c·L·I + C` and denominator `c·L` of [`Walker::eval_pfq`] at `X`, also where
    /// the denominator vanishes (both are polynomials in `X`); `None` for fields not generated as
    /// `pFq`.
    fn eval_pfq_raw(&self, i: usize, x: &[i64]) -> Option<(IntMatrix, Integer)> {
        let Some(super::spec::Generated::Pfq(p, q, z)) = &self.cmf.generator else {
            return None;
        };
        let (p, q) = (*p, *q);
        // coefficients of Π(θ + r) for the given roots r, lowest power first
        let expand = |lead: Integer, roots: &mut dyn Iterator<Item = i64>| {
            let mut c = vec![lead];
            for r in roots {
                c.push(Integer::new());
                for k in (0..c.len()).rev() {
                    let low = if k > 0 {
                        Integer::from(&c[k - 1])
                    } else {
                        Integer::new()
                    };
                    c[k] *= r;
                    c[k] += low;
                }
            }
            c
        };
        let left = expand(
            Integer::from(z.denom()),
            &mut std::iter::once(0).chain((0..q).map(|j| x[p + j] - 1)),
        );
        let right = expand(Integer::from(z.numer()), &mut (0..p).map(|k| x[k]));
        let len = left.len().max(right.len());
        let mut dk: Vec<Integer> = (0..len)
            .map(|k| {
                let l = left.get(k).cloned().unwrap_or_default();
                l - right.get(k).cloned().unwrap_or_default()
            })
            .collect();
        let n = self.cmf.rank();
        dk.truncate(n + 1);
        let lead = dk[n].clone();
        let c = if i < p { x[i] } else { x[i] - 1 };
        let den = Integer::from(&lead * c);
        let mut e = vec![Integer::new(); n * n];
        for k in 0..n {
            e[k * n + k] += &den;
            if k + 1 < n {
                e[(k + 1) * n + k] += &lead;
            }
            e[k * n + n - 1] -= &dk[k];
        }
        Some((IntMatrix { dim: n, e }, den))
    }

    /// `(N_i(X), d_i(X))` in `i128` arithmetic (`d` only if `with_den`, else 0); `None` on overflow,
    /// for more than 16 axes or exponents above 15.
    fn eval_axis_i128(&self, i: usize, x: &[i64], with_den: bool) -> Option<(Vec<i128>, i128)> {
        let ax = self.ax(i);
        let terms = ax.small.as_ref()?;
        // powers[j][e] = x_j^e (on the stack; larger fields take the general path)
        if x.len() > 16 || ax.max.iter().any(|&m| m > 15) {
            return None;
        }
        let mut powers = [[0i128; 16]; 16];
        for ((row, &v), &m) in powers.iter_mut().zip(x).zip(&ax.max) {
            row[0] = 1;
            for e in 1..=m as usize {
                row[e] = row[e - 1].checked_mul(i128::from(v))?;
            }
        }
        let eval = |entry: &SmallPoly| -> Option<i128> {
            let mut sum: i128 = 0;
            for (m, c) in entry {
                let mut t = *c;
                for (row, &e) in powers.iter().zip(m) {
                    if e > 0 {
                        t = t.checked_mul(row[e as usize])?;
                    }
                }
                sum = sum.checked_add(t)?;
            }
            Some(sum)
        };
        let out = terms.iter().map(eval).collect::<Option<Vec<_>>>()?;
        let den = if with_den {
            eval(ax.den_small.as_ref()?)?
        } else {
            0
        };
        Some((out, den))
    }

    /// One trajectory step from `x` (updated; garbage on `None`) with every axis matrix evaluated
    /// and (for inverting moves) adjugated in `i128`, the product accumulated in `i128` while it fits
    /// ([`Node::Small`]) and in GMP integers after ([`Node::Big`]): `(∏ factors, scale)`, the scale
    /// (`1/d` per forward move, `d/det` per inverting one) only if `want_scale`. `None` (the caller
    /// then takes the general path, which also reports poles and singular points) on overflow of a
    /// factor, a vanishing denominator or a singular matrix.
    fn step_machine(
        &self,
        traj: &[i64],
        x: &mut [i64],
        want_scale: bool,
    ) -> Option<(Node, Option<Rational>)> {
        if !self.expanded_is_cheap() {
            return None;
        }
        let d = self.cmf.rank();
        let mut small: Option<Vec<i128>> = None;
        let mut big: Option<IntMatrix> = None;
        let mut scale = want_scale.then(|| Rational::from(1));
        let natural: Vec<usize> = (0..traj.len()).collect();
        try_for_each_move(&self.cmf.backward, traj, &natural, x, |i, invert, x| {
            let (n, den) = self.eval_axis_i128(i, x, true).ok_or(())?;
            if den == 0 {
                return Err(());
            }
            let f = if invert {
                let (adj, det) = adjugate_i128(&n, d).ok_or(())?;
                if det == 0 {
                    return Err(());
                }
                if let Some(s) = scale.as_mut() {
                    *s *= Rational::from((Integer::from(den), Integer::from(det)));
                }
                adj
            } else {
                if let Some(s) = scale.as_mut().filter(|_| den != 1) {
                    *s /= Integer::from(den);
                }
                n
            };
            if let Some(b) = big.as_mut() {
                *b = b.mul_small(&f);
            } else if let Some(a) = small.take() {
                match mul_i128(&a, &f, d) {
                    Some(p) => small = Some(p),
                    None => big = Some(IntMatrix::from_i128(d, &a).mul_small(&f)),
                }
            } else {
                small = Some(f);
            }
            Ok(())
        })
        .ok()?;
        let m = match big {
            Some(b) => Node::Big(b),
            None => Node::Small(d, small?),
        };
        Some((m, scale))
    }

    /// The step matrix `T_k` (integral part and scale) of one trajectory step from `x` (updated).
    ///
    /// The moves are taken axis by axis in the natural order; if that order meets a pole or a
    /// singular matrix (ramanujantools issue #154), other orders of the same moves are tried — by
    /// conservation every order that avoids the singular points gives the same matrix. If every
    /// order tried fails, the natural order's error names the axis and point.
    fn step(&self, traj: &[i64], x: &mut [i64]) -> Result<(IntMatrix, Rational), WalkError> {
        let start = x.to_vec();
        let natural: Vec<usize> = (0..traj.len()).filter(|&i| traj[i] != 0).collect();
        let first = self.step_in_order(traj, x, &natural);
        if first.is_ok() {
            return first;
        }
        for order in alternative_orders(&natural) {
            x.copy_from_slice(&start);
            if let Ok(r) = self.step_in_order(traj, x, &order) {
                return Ok(r);
            }
        }
        first
    }

    /// One trajectory step with the axes' moves in the given order.
    fn step_in_order(
        &self,
        traj: &[i64],
        x: &mut [i64],
        order: &[usize],
    ) -> Result<(IntMatrix, Rational), WalkError> {
        // the moves' matrices, multiplied by a balanced product tree at the end
        let mut factors: Vec<IntMatrix> = Vec::new();
        let mut scale = Rational::from(1);
        try_for_each_move(&self.cmf.backward, traj, order, x, |i, invert, x| {
            let (n, d) = self.eval_axis(i, x)?;
            if invert {
                let (adj, det) = adjugate(&n);
                if det == 0 {
                    return Err(WalkError::Singular {
                        axis: self.cmf.axes[i].clone(),
                        point: show_point(self.cmf, x),
                    });
                }
                factors.push(adj);
                scale *= d / Rational::from(det);
            } else {
                factors.push(n);
                scale /= d;
            }
            Ok(())
        })?;
        assert!(!factors.is_empty(), "the trajectory is not zero");
        let factors: Vec<Node> = factors.into_iter().map(Node::Big).collect();
        Ok((product(&factors, self.cmf.rank()), scale))
    }

    /// The step matrices `T_k`, `lo ≤ k < hi`, each divided by the gcd of its entries (a scalar,
    /// which the walk value does not see), with the exact scalar factors if `want_scale`. Without
    /// them, the steps are `N(k)` of the polynomial step matrix ([`PolyStep`]) where that is
    /// proportional to `T_k`.
    fn step_matrices(
        &self,
        traj: &[i64],
        start: &[i64],
        lo: usize,
        hi: usize,
        want_scale: bool,
    ) -> Result<(Vec<Node>, Vec<Rational>), WalkError> {
        self.check_dims(traj, start)?;
        let poly = if want_scale {
            None
        } else {
            self.cached_poly_step(traj, start, hi.saturating_sub(lo) >= POLY_STEP_MIN_SPAN)
        };
        let mut ms = Vec::with_capacity(hi.saturating_sub(lo));
        let mut scales = Vec::new();
        let mut x = vec![0i64; start.len()];
        // N(k) at consecutive k by forward differences, Horner's rule after an overflow
        let mut values = poly
            .as_ref()
            .and_then(|p| p.values_from(i64::try_from(lo).ok()?));
        for k in lo..hi {
            if let Some(p) = &poly {
                let next = values.as_mut().and_then(|v| v.next_values());
                if let Ok(ki) = i64::try_from(k) {
                    if p.proportional_at(ki) {
                        ms.push(next.unwrap_or_else(|| p.at(ki)));
                        continue;
                    }
                }
            }
            for (xi, (s, t)) in x.iter_mut().zip(start.iter().zip(traj)) {
                *xi = s + k as i64 * t;
            }
            if let Some(p) = &poly {
                // a singular point of the polynomial step: the moves one by one, in GMP (once per
                // polynomial step and k, see `PolyStep::singular_step`)
                let m = match p.singular_step(k) {
                    Some(m) => m,
                    None => {
                        let mut m = match self.step_pfq_any_order(traj, &x) {
                            Some(m) => m,
                            None => self.step(traj, &mut x)?.0,
                        };
                        let g = m.content();
                        if g > 1 {
                            for e in &mut m.e {
                                e.div_exact_mut(&g);
                            }
                        }
                        p.keep_singular_step(k, &m);
                        m
                    }
                };
                ms.push(Node::Big(m));
                continue;
            }
            let (node, mut s) = match self.step_machine(traj, &mut x, want_scale) {
                Some((m, s)) => (m, s.unwrap_or_default()),
                None => {
                    // the machine path may have moved x before giving up
                    for (xi, (s, t)) in x.iter_mut().zip(start.iter().zip(traj)) {
                        *xi = s + k as i64 * t;
                    }
                    let (m, s) = self.step(traj, &mut x)?;
                    (Node::Big(m), s)
                }
            };
            let node = match node {
                Node::Small(dim, mut m) => {
                    let mut g = 0u128;
                    for v in &m {
                        g = gcd_u128(g, v.unsigned_abs());
                        if g == 1 {
                            break;
                        }
                    }
                    if g > 1 {
                        for v in &mut m {
                            *v /= g as i128;
                        }
                        if want_scale {
                            s *= Rational::from(Integer::from(g));
                        }
                    }
                    Node::Small(dim, m)
                }
                Node::Big(mut m) => {
                    let g = m.content();
                    if g > 1 {
                        for e in &mut m.e {
                            e.div_exact_mut(&g);
                        }
                        if want_scale {
                            s *= Rational::from(g);
                        }
                    }
                    Node::Big(m)
                }
            };
            ms.push(node);
            if want_scale {
                scales.push(s);
            }
        }
        Ok((ms, scales))
    }

    /// The steps `lo..hi` of the walk (`T_k` for `lo ≤ k < hi`), multiplied exactly.
    pub fn steps(
        &self,
        traj: &[i64],
        start: &[i64],
        lo: usize,
        hi: usize,
    ) -> Result<Walk, WalkError> {
        let (ms, scales) = self.step_matrices(traj, start, lo, hi, true)?;
        Ok(Walk {
            p: product(&ms, self.cmf.rank()),
            scale: rational_product(&scales),
        })
    }

    /// The steps `lo..hi` multiplied up to a nonzero scalar factor (enough for walk values, their
    /// differences and δ, which only see ratios of entries).
    pub fn steps_projective(
        &self,
        traj: &[i64],
        start: &[i64],
        lo: usize,
        hi: usize,
    ) -> Result<IntMatrix, WalkError> {
        let (ms, _) = self.step_matrices(traj, start, lo, hi, false)?;
        Ok(product_projective(&ms, self.cmf.rank()))
    }

    /// The walk of depth `n`: `P(n) = ∏_{k<n} T_k`, exactly (`p · scale`).
    pub fn walk(&self, traj: &[i64], start: &[i64], n: usize) -> Result<Walk, WalkError> {
        self.steps(traj, start, 0, n)
    }

    /// The walk of depth `n` up to a nonzero scalar factor: the same value `x_n`, faster.
    pub fn walk_projective(
        &self,
        traj: &[i64],
        start: &[i64],
        n: usize,
    ) -> Result<IntMatrix, WalkError> {
        self.steps_projective(traj, start, 0, n)
    }
}

/// Other orders of the axes `natural` for a trajectory step: every permutation for up to four
/// axes, else the rotations of the order and of its reverse.
pub fn alternative_orders(natural: &[usize]) -> Vec<Vec<usize>> {
    let k = natural.len();
    let mut out: Vec<Vec<usize>> = Vec::new();
    if k <= 4 {
        let mut idx: Vec<usize> = (0..k).collect();
        // Heap's algorithm
        let mut c = vec![0usize; k];
        let mut i = 0;
        while i < k {
            if c[i] < i {
                if i % 2 == 0 {
                    idx.swap(0, i);
                } else {
                    idx.swap(c[i], i);
                }
                out.push(idx.iter().map(|&j| natural[j]).collect());
                c[i] += 1;
                i = 0;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
    } else {
        let rev: Vec<usize> = natural.iter().rev().copied().collect();
        for base in [natural.to_vec(), rev] {
            for r in 0..k {
                let mut o = base.clone();
                o.rotate_left(r);
                if o != natural {
                    out.push(o);
                }
            }
        }
    }
    out
}

/// Binary gcd (128-bit division is slow); 64-bit when both fit.
fn gcd_u128(a: u128, b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(gcd_u64(a, b));
    }
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b);
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// Euclid on 64-bit words (fast hardware division).
fn gcd_u64(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

fn rational_product(rs: &[Rational]) -> Rational {
    match rs.len() {
        0 => Rational::from(1),
        1 => rs[0].clone(),
        n => {
            let (a, b) = rs.split_at(n / 2);
            rational_product(a) * rational_product(b)
        }
    }
}
