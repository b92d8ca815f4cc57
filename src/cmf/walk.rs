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

use super::{try_for_each_move, Cmf, PolyMatrix};
use crate::matrix::mul_i128;
use crate::matrix::product::{product, Node};
pub use crate::matrix::IntMatrix;
use crate::pcf::limit::{
    bits_for_digits, claim_passes, delta_between, doubling_bound, geometric_bound, log10_int,
};
use crate::poly::multi::{power_table, IntPoly, MPoly};
use crate::poly::Poly;
use rug::ops::RemRounding;
use rug::{Float, Integer, Rational};
use std::sync::{Arc, Mutex};
use thiserror::Error;

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

/// Trajectory, start and the polynomial step matrix built for them.
type PolyStepCache = Mutex<Vec<(Vec<i64>, Vec<i64>, Option<Arc<PolyStep>>)>>;

/// The polynomial steps of generated `pFq` fields, shared by every walker of the process: such a
/// field is determined by its generator `pFq(p, q, z)` (its matrices are evaluated from the
/// operator), so the step along `(traj, start)` is the same for every copy of the field and is
/// built once, as ramanujantools caches a field's trajectory matrices. At most
/// [`SHARED_POLY_STEPS_MAX`] entries, the oldest dropped first.
#[allow(clippy::type_complexity)]
static SHARED_POLY_STEPS: Mutex<
    Vec<(
        super::spec::Generated,
        Vec<i64>,
        Vec<i64>,
        Option<Arc<PolyStep>>,
    )>,
> = Mutex::new(Vec::new());

/// Largest number of entries of [`SHARED_POLY_STEPS`].
const SHARED_POLY_STEPS_MAX: usize = 32;

fn show_point(cmf: &Cmf, p: &[i64]) -> String {
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
        for k in lo..hi {
            if let Some(p) = &poly {
                if let Ok(ki) = i64::try_from(k) {
                    if p.proportional_at(ki) {
                        ms.push(p.at(ki));
                        continue;
                    }
                }
            }
            for (xi, (s, t)) in x.iter_mut().zip(start.iter().zip(traj)) {
                *xi = s + k as i64 * t;
            }
            if poly.is_some() {
                // a singular point of the polynomial step: the moves one by one, in GMP
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
        Ok(product(&ms, self.cmf.rank()))
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

/// `(adj(m), det(m))` in checked `i128` (cofactor expansion skipping zero entries); `None` on
/// overflow.
fn adjugate_i128(m: &[i128], d: usize) -> Option<(Vec<i128>, i128)> {
    if d >= 4 {
        return faddeev_leverrier_i128(m, d);
    }
    let det = det_i128(m, d)?;
    if d == 1 {
        return Some((vec![1], det));
    }
    let mut e = vec![0i128; d * d];
    let mut minor = Vec::with_capacity((d - 1) * (d - 1));
    for i in 0..d {
        for j in 0..d {
            minor.clear();
            for r in (0..d).filter(|&r| r != j) {
                for c in (0..d).filter(|&c| c != i) {
                    minor.push(m[r * d + c]);
                }
            }
            let c = det_i128(&minor, d - 1)?;
            e[i * d + j] = if (i + j) % 2 == 0 {
                c
            } else {
                c.checked_neg()?
            };
        }
    }
    Some((e, det))
}

/// [`faddeev_leverrier`] in checked `i128`.
fn faddeev_leverrier_i128(a: &[i128], d: usize) -> Option<(Vec<i128>, i128)> {
    let mut mk: Vec<i128> = (0..d * d).map(|k| i128::from(k / d == k % d)).collect();
    let mut am = a.to_vec();
    let mut c: i128 = (0..d).try_fold(0i128, |t, i| t.checked_add(a[i * d + i]))?;
    c = c.checked_neg()?;
    for k in 2..=d {
        mk = am;
        for i in 0..d {
            mk[i * d + i] = mk[i * d + i].checked_add(c)?;
        }
        am = mul_i128(a, &mk, d)?;
        let tr = (0..d).try_fold(0i128, |t, i| t.checked_add(am[i * d + i]))?;
        c = tr.checked_neg()? / k as i128;
    }
    let det = if d.is_multiple_of(2) {
        c
    } else {
        c.checked_neg()?
    };
    if d % 2 == 1 {
        Some((mk, det))
    } else {
        Some((
            mk.into_iter()
                .map(|x| x.checked_neg())
                .collect::<Option<_>>()?,
            det,
        ))
    }
}

fn det_i128(m: &[i128], d: usize) -> Option<i128> {
    match d {
        1 => Some(m[0]),
        2 => m[0].checked_mul(m[3])?.checked_sub(m[1].checked_mul(m[2])?),
        _ => {
            let mut acc: i128 = 0;
            let mut minor = Vec::with_capacity((d - 1) * (d - 1));
            for j in 0..d {
                if m[j] == 0 {
                    continue;
                }
                minor.clear();
                for r in 1..d {
                    for c in (0..d).filter(|&c| c != j) {
                        minor.push(m[r * d + c]);
                    }
                }
                let t = m[j].checked_mul(det_i128(&minor, d - 1)?)?;
                acc = if j % 2 == 0 {
                    acc.checked_add(t)?
                } else {
                    acc.checked_sub(t)?
                };
            }
            Some(acc)
        }
    }
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

/// `(adj(m), det(m))` with `m·adj(m) = det(m)·I`.
pub fn adjugate(m: &IntMatrix) -> (IntMatrix, Integer) {
    let d = m.dim;
    if d >= 4 {
        let (e, det) = faddeev_leverrier(&m.e, d);
        return (IntMatrix { dim: d, e }, det);
    }
    let det = int_det(&m.e, d);
    if d == 1 {
        return (IntMatrix::identity(1), det);
    }
    let mut e = vec![Integer::new(); d * d];
    for i in 0..d {
        for j in 0..d {
            // adj[i][j] = (−1)^{i+j} · det(m without row j and column i)
            let minor: Vec<Integer> = (0..d)
                .filter(|&r| r != j)
                .flat_map(|r| (0..d).filter(move |&c| c != i).map(move |c| (r, c)))
                .map(|(r, c)| m.e[r * d + c].clone())
                .collect();
            let c = int_det(&minor, d - 1);
            e[i * d + j] = if (i + j) % 2 == 0 { c } else { -c };
        }
    }
    (IntMatrix { dim: d, e }, det)
}

/// `(adj(A), det(A))` by the Faddeev–LeVerrier recurrence, `O(d⁴)` exact integer operations:
/// `M_1 = I`, `c_{d−1} = −tr(A)`, `M_k = A·M_{k−1} + c_{d−k+1}·I`, `c_{d−k} = −tr(A·M_k)/k` (an
/// exact division: the `c` are the integer coefficients of the characteristic polynomial); then
/// `det A = (−1)^d·c_0` and `adj A = (−1)^{d+1}·M_d`.
fn faddeev_leverrier(a: &[Integer], d: usize) -> (Vec<Integer>, Integer) {
    let mut mk: Vec<Integer> = (0..d * d)
        .map(|k| Integer::from(u8::from(k / d == k % d)))
        .collect();
    let mut am = a.to_vec();
    let mut c = -(0..d).fold(Integer::new(), |t, i| t + &a[i * d + i]);
    for k in 2..=d {
        // M_k = A·M_{k−1} + c·I
        mk = am;
        for i in 0..d {
            mk[i * d + i] += &c;
        }
        am = mul_int(a, &mk, d);
        let tr = (0..d).fold(Integer::new(), |t, i| t + &am[i * d + i]);
        c = -tr;
        c.div_exact_u_mut(k as u32);
    }
    // c = c_0; A·M_d + c_0·I = 0
    let det = if d.is_multiple_of(2) { c } else { -c };
    if d % 2 == 1 {
        (mk, det)
    } else {
        (mk.into_iter().map(|x| -x).collect(), det)
    }
}

fn mul_int(a: &[Integer], b: &[Integer], d: usize) -> Vec<Integer> {
    let mut out = Vec::with_capacity(d * d);
    for r in 0..d {
        for col in 0..d {
            let mut acc = Integer::new();
            for k in 0..d {
                let (x, y) = (&a[r * d + k], &b[k * d + col]);
                if *x != 0 && *y != 0 {
                    acc += Integer::from(x * y);
                }
            }
            out.push(acc);
        }
    }
    out
}

fn int_det(m: &[Integer], d: usize) -> Integer {
    match d {
        1 => m[0].clone(),
        2 => Integer::from(&m[0] * &m[3]) - Integer::from(&m[1] * &m[2]),
        _ => {
            let mut acc = Integer::new();
            for j in 0..d {
                let minor: Vec<Integer> = (1..d)
                    .flat_map(|r| (0..d).filter(move |&c| c != j).map(move |c| (r, c)))
                    .map(|(r, c)| m[r * d + c].clone())
                    .collect();
                let t = Integer::from(&m[j] * &int_det(&minor, d - 1));
                if j % 2 == 0 {
                    acc += t;
                } else {
                    acc -= t;
                }
            }
            acc
        }
    }
}

/// Largest number of moves per step, and largest matrix size, for which a walk builds the step as
/// a polynomial matrix (beyond, the symbolic product can cost more than it saves).
const POLY_STEP_MAX_MOVES: u64 = 64;
const POLY_STEP_MAX_RANK: usize = 4;
/// Largest degree of a polynomial step matrix.
const POLY_STEP_MAX_DEGREE: usize = 96;
/// Shortest span of steps for which the polynomial step matrix is built.
const POLY_STEP_MIN_SPAN: usize = 8;

/// One trajectory step as a polynomial matrix of the step index `k`: `T_k = c_k·N(k)` with a
/// scalar `c_k ≠ 0` at every `k` where none of the `checks` vanishes.
///
/// Every move of the step is a polynomial matrix of `k` (the point `X = s + k·t + offset` is
/// linear in `k`): `N_i(X)` for a forward move (`M_i = N_i/d_i`), `adj N_i(X)` for an inverting
/// one (`M_i⁻¹ = d_i·adj N_i / det N_i`). Each is found by interpolation from its values at
/// `k = 0, …, D` (`D` the degree bound in `X` times the entries' degree in `N`), as
/// `D!·p(k) = Σ_j Δʲp(0)·(D!/j!)·k(k−1)···(k−j+1)` (Newton's forward differences, all in integers).
/// The product of the moves is kept primitive: after every multiplication the gcd `g(k)` of the
/// entries (as polynomials) and the integer content are divided out. The scalars `d_i(k)`,
/// `det N_i(k)` and `g(k)` are the `checks`: where one vanishes, `N(k)` need not be proportional to
/// `T_k`, and the walk takes that step by evaluating the moves one by one.
struct PolyStep {
    dim: usize,
    entries: Vec<Poly>,
    /// `entries` with `i128` coefficients, when they fit.
    small: Option<Vec<Vec<i128>>>,
    checks: Vec<(Poly, Option<Vec<i128>>)>,
    /// Every real root of every check is below this (`i64::MAX` if unknown): no check vanishes at
    /// a larger `k`.
    roots_below: i64,
}

/// A bound `B` with `|r| < B` for every complex root `r` of `p` (Fujiwara 1916:
/// `|r| ≤ 2·max(|a_{n−1}/a_n|, |a_{n−2}/a_n|^{1/2}, …, |a_0/(2a_n)|^{1/n})`), rounded up with
/// margin; `None` for constants or when the coefficients do not fit an `f64`.
fn root_bound(p: &Poly) -> Option<i64> {
    let n = p.degree().filter(|&n| n > 0)?;
    let c = p.coeffs();
    let lead = c[n].to_f64().abs();
    let mut m: f64 = 0.0;
    for i in 1..=n {
        let mut r = c[n - i].to_f64().abs() / lead;
        if i == n {
            r /= 2.0;
        }
        let r = r.powf(1.0 / i as f64);
        if !r.is_finite() {
            return None;
        }
        m = m.max(r);
    }
    let b = (2.0 * m * 1.01).ceil() + 1.0;
    (b.is_finite() && b < 1e15).then_some(b as i64)
}

/// `p(k)` by Horner's rule in checked `i128`.
fn horner_i128(c: &[i128], k: i128) -> Option<i128> {
    let mut acc: i128 = 0;
    for &x in c.iter().rev() {
        acc = acc.checked_mul(k)?.checked_add(x)?;
    }
    Some(acc)
}

fn poly_to_i128(p: &Poly) -> Option<Vec<i128>> {
    p.coeffs().iter().map(|c| c.to_i128()).collect()
}

impl PolyStep {
    /// Whether `N(k)` is proportional to `T_k` (no check vanishes at `k`).
    fn proportional_at(&self, k: i64) -> bool {
        k >= self.roots_below
            || self.checks.iter().all(|(p, small)| {
                match small.as_ref().and_then(|c| horner_i128(c, i128::from(k))) {
                    Some(v) => v != 0,
                    None => p.eval(k) != 0,
                }
            })
    }

    /// `N(k)`.
    fn at(&self, k: i64) -> Node {
        if let Some(small) = &self.small {
            let vals: Option<Vec<i128>> = small
                .iter()
                .map(|c| horner_i128(c, i128::from(k)))
                .collect();
            if let Some(v) = vals {
                return Node::Small(self.dim, v);
            }
        }
        Node::Big(IntMatrix {
            dim: self.dim,
            e: self.entries.iter().map(|p| p.eval(k)).collect(),
        })
    }
}

/// `D!·p(k)` for the polynomial `p` of degree `≤ D = v.len() − 1` with `p(j) = v[j]`: Newton's
/// forward differences, `p(k) = Σ_j Δʲp(0)·C(k, j)`, in integers.
fn interpolate_scaled(v: &[Integer]) -> Poly {
    if let Some(p) = interpolate_scaled_i128(v) {
        return p;
    }
    let dd = v.len() - 1;
    let mut row = v.to_vec();
    let mut coeffs = vec![Integer::new(); dd + 1];
    // falling factorial k(k−1)···(k−j+1), lowest power first
    let mut ff = vec![Integer::from(1)];
    for j in 0..=dd {
        if j > 0 {
            let r = (j - 1) as u64;
            let mut next = vec![Integer::new(); ff.len() + 1];
            for (i, c) in ff.iter().enumerate() {
                next[i + 1] += c;
                next[i] -= Integer::from(c * r);
            }
            ff = next;
        }
        let diff = &row[0];
        if *diff != 0 {
            // weight Δʲp(0)·D!/j!
            let mut w = diff.clone();
            for f in (j + 1)..=dd {
                w *= f as u64;
            }
            for (i, c) in ff.iter().enumerate() {
                coeffs[i] += &w * c;
            }
        }
        for i in 0..row.len() - 1 {
            let next = Integer::from(&row[i + 1] - &row[i]);
            row[i] = next;
        }
        row.pop();
    }
    Poly::new(coeffs)
}

/// [`interpolate_scaled`] in checked `i128`; `None` on overflow.
fn interpolate_scaled_i128(v: &[Integer]) -> Option<Poly> {
    let dd = v.len() - 1;
    let mut row: Vec<i128> = v.iter().map(|x| x.to_i128()).collect::<Option<_>>()?;
    let mut coeffs = vec![0i128; dd + 1];
    let mut ff = vec![1i128];
    for j in 0..=dd {
        if j > 0 {
            let r = (j - 1) as i128;
            let mut next = vec![0i128; ff.len() + 1];
            for (i, &c) in ff.iter().enumerate() {
                next[i + 1] = next[i + 1].checked_add(c)?;
                next[i] = next[i].checked_sub(c.checked_mul(r)?)?;
            }
            ff = next;
        }
        if row[0] != 0 {
            let mut w = row[0];
            for f in (j + 1)..=dd {
                w = w.checked_mul(f as i128)?;
            }
            for (i, &c) in ff.iter().enumerate() {
                coeffs[i] = coeffs[i].checked_add(w.checked_mul(c)?)?;
            }
        }
        for i in 0..row.len() - 1 {
            row[i] = row[i + 1].checked_sub(row[i])?;
        }
        row.pop();
    }
    Some(Poly::new(coeffs.into_iter().map(Integer::from).collect()))
}

/// `a·b` of square matrices of polynomials.
fn poly_matrix_mul(a: &[Poly], b: &[Poly], d: usize) -> Vec<Poly> {
    let mut c = Vec::with_capacity(d * d);
    for r in 0..d {
        for col in 0..d {
            let mut acc = Poly::default();
            for k in 0..d {
                let (x, y) = (&a[r * d + k], &b[k * d + col]);
                if !x.is_zero() && !y.is_zero() {
                    acc = &acc + &(x * y);
                }
            }
            c.push(acc);
        }
    }
    c
}

/// `a/g` when `g` divides `a` with an integer quotient (synthetic division in place).
fn div_exact_poly(a: &Poly, g: &Poly) -> Option<Poly> {
    let (Some(da), Some(dg)) = (a.degree(), g.degree()) else {
        return a.is_zero().then(Poly::default);
    };
    if da < dg {
        return None;
    }
    let gc = g.coeffs();
    let lc = &gc[dg];
    let mut r = a.coeffs().to_vec();
    let mut q = vec![Integer::new(); da - dg + 1];
    for i in (0..=da - dg).rev() {
        if r[i + dg] == 0 {
            continue;
        }
        if !r[i + dg].is_divisible(lc) {
            return None;
        }
        let t = Integer::from(r[i + dg].div_exact_ref(lc));
        for (j, c) in gc.iter().enumerate() {
            if *c != 0 {
                r[i + j] -= &t * c;
            }
        }
        q[i] = t;
    }
    r[..dg].iter().all(|c| *c == 0).then(|| Poly::new(q))
}

/// Divides the entries of a polynomial matrix by their gcd (a polynomial of positive degree,
/// returned) and by the integer content of what remains.
fn remove_content(m: &mut [Poly]) -> Option<Poly> {
    let mut order: Vec<usize> = (0..m.len()).filter(|&j| !m[j].is_zero()).collect();
    order.sort_by_key(|&j| m[j].degree());
    let mut g: Option<Poly> = None;
    if let Some(&first) = order.first() {
        // the gcd of the two lowest entries, widened until it divides every entry
        let mut gg = match order.get(1) {
            Some(&second) => m[first].gcd(&m[second]),
            None => m[first].primitive(),
        };
        'widen: while gg.degree().is_some_and(|d| d > 0) {
            let mut quotients = Vec::with_capacity(order.len());
            for &j in &order {
                match div_exact_poly(&m[j], &gg) {
                    Some(q) => quotients.push(q),
                    None => {
                        gg = gg.gcd(&m[j]);
                        continue 'widen;
                    }
                }
            }
            for (&j, q) in order.iter().zip(quotients) {
                m[j] = q;
            }
            g = Some(gg);
            break;
        }
    }
    let content = m.iter().fold(Integer::new(), |c, e| c.gcd(&e.content()));
    if content > 1 {
        for e in m.iter_mut() {
            *e = e.div_exact(&content);
        }
    }
    g
}

impl Walker<'_> {
    /// Degree bound of axis `i`'s polynomial form (numerator and denominator) in the coordinates.
    fn axis_degree(&self, i: usize) -> usize {
        if let Some(super::spec::Generated::Pfq(p, q, _)) = &self.cmf.generator {
            return (*p).max(*q + 1) + 1;
        }
        let ax = self.ax(i);
        let num = ax
            .num
            .iter()
            .flat_map(|p| p.terms().iter().map(|(m, _)| m.iter().sum::<u32>()))
            .max()
            .unwrap_or(0);
        num.max(ax.den.total_degree().unwrap_or(0)) as usize
    }

    /// `(N_i(X), d_i(X)·l)` of axis `i`'s polynomial form, also at poles (`l` clears the
    /// denominators of `d_i`'s coefficients).
    fn eval_axis_raw(&self, i: usize, x: &[i64], den_lcm: &Integer) -> (IntMatrix, Integer) {
        if let Some(r) = self.eval_pfq_raw(i, x) {
            return r;
        }
        let ax = self.ax(i);
        let xi: Vec<Integer> = x.iter().map(|&v| Integer::from(v)).collect();
        let powers = power_table(&xi, &ax.max);
        let e = ax.num.iter().map(|p| p.eval_with_powers(&powers)).collect();
        let d = ax
            .den
            .eval(&x.iter().map(|&v| Rational::from(v)).collect::<Vec<_>>())
            * Rational::from(den_lcm);
        let (d, one) = d.into_numer_denom();
        debug_assert_eq!(one, 1);
        (
            IntMatrix {
                dim: self.cmf.rank(),
                e,
            },
            d,
        )
    }

    /// The step along `traj` from `start + k·traj` as a polynomial matrix of `k` (moves in the
    /// natural order), or `None` when that does not pay or does not fit (see the constants above).
    fn poly_step(&self, traj: &[i64], start: &[i64]) -> Option<PolyStep> {
        let r = self.cmf.rank();
        let moves: u64 = traj.iter().map(|t| t.unsigned_abs()).sum();
        if r > POLY_STEP_MAX_RANK || moves > POLY_STEP_MAX_MOVES {
            return None;
        }
        let k = traj.len();
        let mut off = vec![0i64; k];
        let mut acc: Option<Vec<Poly>> = None;
        let mut checks: Vec<Poly> = Vec::new();
        let order: Vec<usize> = (0..k).filter(|&i| traj[i] != 0).collect();
        let generated_pfq = matches!(self.cmf.generator, Some(super::spec::Generated::Pfq(..)));
        try_for_each_move(
            &self.cmf.backward,
            traj,
            &order,
            &mut off,
            |i, invert, off| {
                let deg = self.axis_degree(i);
                let den_lcm = if generated_pfq {
                    Integer::from(1)
                } else {
                    self.ax(i).den.denominator_lcm()
                };
                let points = if invert { r * deg } else { deg } + 1;
                let mut f_vals = vec![Vec::with_capacity(points); r * r];
                let mut d_vals = Vec::with_capacity(points);
                let mut det_vals = Vec::with_capacity(points);
                for n in 0..points as i64 {
                    let x = (0..k)
                        .map(|j| {
                            start[j]
                                .checked_add(off[j])?
                                .checked_add(traj[j].checked_mul(n)?)
                        })
                        .collect::<Option<Vec<i64>>>()
                        .ok_or(())?;
                    let (m, d) = self.eval_axis_raw(i, &x, &den_lcm);
                    let f = if invert {
                        let (adj, det) = adjugate(&m);
                        det_vals.push(det);
                        adj
                    } else {
                        m
                    };
                    for (vals, e) in f_vals.iter_mut().zip(f.e) {
                        vals.push(e);
                    }
                    d_vals.push(d);
                }
                let f: Vec<Poly> = f_vals.iter().map(|v| interpolate_scaled(v)).collect();
                checks.push(interpolate_scaled(&d_vals));
                if invert {
                    checks.push(interpolate_scaled(&det_vals));
                }
                let mut prod = match acc.take() {
                    None => f,
                    Some(a) => poly_matrix_mul(&a, &f, r),
                };
                if let Some(g) = remove_content(&mut prod) {
                    checks.push(g);
                }
                if prod
                    .iter()
                    .any(|e| e.degree().unwrap_or(0) > POLY_STEP_MAX_DEGREE)
                {
                    return Err(());
                }
                acc = Some(prod);
                Ok(())
            },
        )
        .ok()?;
        let entries = acc?;
        if checks.iter().any(|c| c.is_zero()) {
            return None; // a pole or singular matrix on the whole line: the general path reports it
        }
        let small = entries.iter().map(poly_to_i128).collect();
        // a constant check is nonzero (zero checks were refused above)
        let roots_below = checks
            .iter()
            .filter(|c| c.degree().is_some_and(|d| d > 0))
            .map(root_bound)
            .try_fold(0i64, |b, r| Some(b.max(r?)))
            .unwrap_or(i64::MAX);
        let checks = checks
            .into_iter()
            .map(|c| {
                let s = poly_to_i128(&c);
                (c, s)
            })
            .collect();
        Some(PolyStep {
            dim: r,
            entries,
            small,
            checks,
            roots_below,
        })
    }

    /// For `pFq` fields: the step from `x` up to a scalar, from the operator form alone (no expanded
    /// matrices), in the first order of the moves (natural, then [`alternative_orders`]) that
    /// meets no zero of the operator form's denominators and no singular matrix; by conservation
    /// every such order gives the same matrix. `None` if no order does.
    fn step_pfq_any_order(&self, traj: &[i64], x: &[i64]) -> Option<IntMatrix> {
        if !matches!(self.cmf.generator, Some(super::spec::Generated::Pfq(..))) {
            return None;
        }
        let natural: Vec<usize> = (0..traj.len()).filter(|&i| traj[i] != 0).collect();
        std::iter::once(natural.clone())
            .chain(alternative_orders(&natural))
            .find_map(|order| self.step_pfq_in_order(traj, x, &order))
    }

    fn step_pfq_in_order(&self, traj: &[i64], start: &[i64], order: &[usize]) -> Option<IntMatrix> {
        let mut x = start.to_vec();
        let mut factors = Vec::new();
        try_for_each_move(&self.cmf.backward, traj, order, &mut x, |i, invert, x| {
            let (n, _) = self.eval_pfq(i, x).ok_or(())?;
            factors.push(Node::Big(if invert {
                let (adj, det) = adjugate(&n);
                if det == 0 {
                    return Err(());
                }
                adj
            } else {
                n
            }));
            Ok(())
        })
        .ok()?;
        Some(product(&factors, self.cmf.rank()))
    }

    /// The polynomial step of `(traj, start)`, built once per walker (if `build`; otherwise only
    /// one built before). For generated `pFq` fields, which their generator determines, the step is
    /// built once per process ([`SHARED_POLY_STEPS`]).
    fn cached_poly_step(&self, traj: &[i64], start: &[i64], build: bool) -> Option<Arc<PolyStep>> {
        let mut cache = self.poly_steps.lock().expect("not poisoned");
        if let Some((_, _, p)) = cache.iter().find(|(t, s, _)| t == traj && s == start) {
            return p.clone();
        }
        let generator = match &self.cmf.generator {
            Some(g @ super::spec::Generated::Pfq(..)) => Some(g),
            _ => None,
        };
        let shared = generator.and_then(|g| {
            let shared = SHARED_POLY_STEPS.lock().expect("not poisoned");
            shared
                .iter()
                .find(|(sg, t, s, _)| sg == g && t == traj && s == start)
                .map(|(_, _, _, p)| p.clone())
        });
        let p = match shared {
            Some(p) => p,
            None if !build => return None,
            None => {
                let p = self.poly_step(traj, start).map(Arc::new);
                if let Some(g) = generator {
                    let mut shared = SHARED_POLY_STEPS.lock().expect("not poisoned");
                    if shared.len() >= SHARED_POLY_STEPS_MAX {
                        shared.remove(0);
                    }
                    shared.push((g.clone(), traj.to_vec(), start.to_vec(), p.clone()));
                }
                p
            }
        };
        if cache.len() >= 8 {
            cache.remove(0);
        }
        cache.push((traj.to_vec(), start.to_vec(), p.clone()));
        p
    }
}

/// How far to walk for a limit.
#[derive(Clone, Copy, Debug)]
pub struct WalkOptions {
    /// Digits wanted (the depth doubles until they are certain).
    pub digits: u32,
    /// First depth.
    pub start_depth: usize,
    /// Largest depth.
    pub max_depth: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            digits: 100,
            start_depth: 16,
            max_depth: 1 << 14,
        }
    }
}

/// A walk's limit with the digits that are certain.
#[derive(Clone, Debug)]
pub struct WalkLimit {
    /// `x_D` at the final depth `D`.
    pub value: Float,
    /// `x_D` exactly.
    pub exact: Rational,
    /// Certain digits after the point: `|value − L| ≤ 10^{−digits}` (by the bounds below).
    pub digits: f64,
    /// Final depth `D`.
    pub depth: usize,
    /// `(c(D) − c(D'))/(D − D')` digits per step, `c(n) = −log10|x_n − x_{n−1}|`, `D'` the previous depth.
    pub rate: f64,
    /// δ of the reduced approximant `x_{D'} = p/q` at the previous depth against `x_D`:
    /// `|x_D − p/q| = q^{−(1+δ)}`; `None` if `q = 1`.
    pub delta: Option<f64>,
    /// Whether convergence looked geometric or faster.
    pub geometric: bool,
}

struct Level {
    depth: usize,
    /// `P(depth)` (integral part).
    cur: IntMatrix,
    x: Rational,
    /// `c = −log10|x_depth − x_{depth−1}|`.
    c: f64,
}

/// `log10 |r|` of a rational (`−∞` for 0).
fn log10_rat(r: &Rational) -> f64 {
    log10_int(r.numer()) - log10_int(r.denom())
}

impl Walker<'_> {
    fn level(
        &self,
        traj: &[i64],
        start: &[i64],
        from: Option<&Level>,
        depth: usize,
    ) -> Result<Level, WalkError> {
        let (base, lo) = match from {
            Some(l) => (l.cur.clone(), l.depth),
            None => (IntMatrix::identity(self.cmf.rank()), 0),
        };
        let prev = base.mul(&self.steps_projective(traj, start, lo, depth - 1)?);
        let cur = prev.mul(&self.steps_projective(traj, start, depth - 1, depth)?);
        let x = cur.value().ok_or(WalkError::ZeroDenominator { depth })?;
        let c = match prev.value() {
            Some(xp) => -log10_rat(&Rational::from(&x - &xp)),
            None => f64::NEG_INFINITY,
        };
        Ok(Level { depth, cur, x, c })
    }

    /// The limit of the walk along `traj` from `start` by depth doubling, with the digits that are
    /// certain: with `d(N) = |x_{2N} − x_N|` shrinking by `r` per doubling, the tail after `2N` is at
    /// most `d(N)/(r − 1)` (safety factor 1.5); when the consecutive differences show geometric
    /// convergence (`c(2N) − c(N) ≥ 3.5`), the tail is at most `|x_{2N} − x_{2N−1}|/(ρ − 1)` with the
    /// per-step ratio `ρ = 10^{(c(2N) − c(N))/N}` (safety factor 2). The larger bound is reported, as in
    /// [`crate::pcf::limit::evaluate`].
    pub fn limit(
        &self,
        traj: &[i64],
        start: &[i64],
        opts: &WalkOptions,
    ) -> Result<WalkLimit, WalkError> {
        self.check_dims(traj, start)?;
        let mut depths = Vec::new();
        let mut n = opts.start_depth.max(2);
        while n <= opts.max_depth {
            depths.push(n);
            n *= 2;
        }
        self.limit_over(traj, start, &depths, opts.digits)
    }

    /// The walk at exactly depth `depth`, with its digits judged from depths `depth/8`, `depth/4`
    /// and `depth/2`: the claim of depth `depth` is reported when the claim of depth `depth/2`
    /// (which needs the two shallower ones) passes its test at `depth`.
    pub fn limit_at_depth(
        &self,
        traj: &[i64],
        start: &[i64],
        depth: usize,
    ) -> Result<WalkLimit, WalkError> {
        self.check_dims(traj, start)?;
        let depth = depth.max(16);
        self.limit_over(
            traj,
            start,
            &[depth / 8, depth / 4, depth / 2, depth],
            u32::MAX,
        )
    }

    fn limit_over(
        &self,
        traj: &[i64],
        start: &[i64],
        depths: &[usize],
        want: u32,
    ) -> Result<WalkLimit, WalkError> {
        assert!(depths.len() >= 2, "at least two depths");
        let mut lo = self.level(traj, start, None, depths[0])?;
        let mut prev_double: Option<f64> = None;
        // The previous level's claimed digits, not yet tested (see `pcf::limit`: a claim is
        // reported only after the next level has tested it).
        let mut prev_claim: Option<f64> = None;
        for (k, &d) in depths.iter().enumerate().skip(1) {
            let hi = self.level(traj, start, Some(&lo), d)?;
            let d_double = -log10_rat(&Rational::from(&hi.x - &lo.x));
            let gain = hi.c - lo.c;
            let geometric = gain.is_finite() && gain >= 3.5;
            let mut digits = doubling_bound(d_double, prev_double);
            if geometric {
                digits = digits.max(geometric_bound(hi.c, gain, hi.depth - lo.depth));
            }
            let exact = d_double.is_infinite() && hi.c.is_infinite();
            if exact {
                // x_n is constant from depth D/2 on: the walk is a terminating (rational) value.
                digits = f64::from(want.min(100_000));
            }
            let claim = digits;
            let tested = exact || prev_claim.is_some_and(|c| claim_passes(c, d_double));
            let digits = if tested { claim } else { 0.0 };
            prev_claim = Some(claim);
            if digits >= f64::from(want) || k + 1 == depths.len() {
                let shown = digits.clamp(10.0, 1e6).ceil() as u32;
                let prec = bits_for_digits(shown + 10);
                let value = Float::with_val(prec, &hi.x);
                let rate = if gain.is_finite() {
                    gain / (hi.depth - lo.depth) as f64
                } else {
                    0.0
                };
                let delta = delta_of(&lo.x, &hi.x);
                return Ok(WalkLimit {
                    value,
                    exact: hi.x,
                    digits: digits.max(0.0),
                    depth: hi.depth,
                    rate,
                    delta,
                    geometric,
                });
            }
            prev_double = Some(d_double);
            lo = hi;
        }
        unreachable!("the loop returns at the last depth")
    }
}

/// `δ = −log|l − p/q| / log q − 1` for the reduced fraction `p/q = approx` (`None` if `q = 1` or
/// `approx = l`): [`delta_between`], the δ of PCF limits.
pub fn delta_of(approx: &Rational, l: &Rational) -> Option<f64> {
    delta_between(approx.numer(), approx.denom(), l.numer(), l.denom())
}

/// The trajectory matrix `T(k)` exactly, as rationals (row-major): the product of the moves of one
/// step along `traj` from `start + k·traj`, for a start with rational coordinates. Integer points
/// take the integer path of [`Walker::steps`]; other points evaluate the matrices in ℚ. Singular
/// points are avoided as in the walks (other orders of the moves, ramanujantools issue #154).
pub fn step_at(
    cmf: &Cmf,
    traj: &[i64],
    start: &[Rational],
    k: i64,
) -> Result<Vec<Rational>, WalkError> {
    let walker = Walker::new(cmf)?;
    walker.check_dims(traj, start.iter().map(|_| 0).collect::<Vec<_>>().as_slice())?;
    if start.iter().all(|s| *s.denom() == 1) {
        let ints: Vec<i64> = start
            .iter()
            .map(|s| s.numer().to_i64().expect("start coordinates fit in i64"))
            .collect();
        let k = usize::try_from(k).expect("k ≥ 0 on the integer path");
        let w = walker.steps(traj, &ints, k, k + 1)?;
        return Ok(w.p.e.iter().map(|e| Rational::from(e) * &w.scale).collect());
    }
    let point: Vec<Rational> = start
        .iter()
        .zip(traj)
        .map(|(s, &t)| s + Rational::from(k * t))
        .collect();
    let natural: Vec<usize> = (0..traj.len()).filter(|&i| traj[i] != 0).collect();
    let first = rational_step(cmf, traj, &point, &natural);
    if first.is_ok() {
        return first;
    }
    for order in alternative_orders(&natural) {
        if let Ok(r) = rational_step(cmf, traj, &point, &order) {
            return Ok(r);
        }
    }
    first
}

fn show_rational_point(cmf: &Cmf, p: &[Rational]) -> String {
    format!(
        "({}) = ({})",
        cmf.axes.join(", "),
        p.iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// One step in ℚ at a rational point, moves in the given order.
fn rational_step(
    cmf: &Cmf,
    traj: &[i64],
    point: &[Rational],
    order: &[usize],
) -> Result<Vec<Rational>, WalkError> {
    let d = cmf.rank();
    let mut x = point.to_vec();
    let mut acc: Vec<Rational> = (0..d * d)
        .map(|k| Rational::from(u8::from(k / d == k % d)))
        .collect();
    try_for_each_move(&cmf.backward, traj, order, &mut x, |i, invert, x| {
        let m = cmf.matrices[i]
            .entries()
            .iter()
            .enumerate()
            .map(|(k, e)| {
                e.eval(x).map_err(|_| WalkError::Pole {
                    axis: cmf.axes[i].clone(),
                    point: show_rational_point(cmf, x),
                    row: k / d,
                    col: k % d,
                    den: cmf.show(e.den()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let m = if invert {
            rational_inverse(&m, d).ok_or_else(|| WalkError::Singular {
                axis: cmf.axes[i].clone(),
                point: show_rational_point(cmf, x),
            })?
        } else {
            m
        };
        acc = rational_mul(&acc, &m, d);
        Ok(())
    })?;
    Ok(acc)
}

fn rational_mul(a: &[Rational], b: &[Rational], d: usize) -> Vec<Rational> {
    let mut c = Vec::with_capacity(d * d);
    for r in 0..d {
        for col in 0..d {
            let mut s = Rational::new();
            for k in 0..d {
                s += Rational::from(&a[r * d + k] * &b[k * d + col]);
            }
            c.push(s);
        }
    }
    c
}

/// Gauss–Jordan inverse in ℚ; `None` if singular.
fn rational_inverse(m: &[Rational], d: usize) -> Option<Vec<Rational>> {
    let mut a = m.to_vec();
    let mut inv: Vec<Rational> = (0..d * d)
        .map(|k| Rational::from(u8::from(k / d == k % d)))
        .collect();
    for col in 0..d {
        let piv = (col..d).find(|&r| a[r * d + col] != 0)?;
        if piv != col {
            for c in 0..d {
                a.swap(piv * d + c, col * d + c);
                inv.swap(piv * d + c, col * d + c);
            }
        }
        let p = Rational::from(a[col * d + col].recip_ref());
        for c in 0..d {
            a[col * d + c] *= &p;
            inv[col * d + c] *= &p;
        }
        for r in 0..d {
            if r != col && a[r * d + col] != 0 {
                let f = a[r * d + col].clone();
                for c in 0..d {
                    let (x, y) = (
                        Rational::from(&f * &a[col * d + c]),
                        Rational::from(&f * &inv[col * d + c]),
                    );
                    a[r * d + c] -= x;
                    inv[r * d + c] -= y;
                }
            }
        }
    }
    Some(inv)
}

/// The projective image of a matrix modulo `prime`: every entry `a/b` as `a·b⁻¹ mod prime`, all
/// divided by the first nonzero one (so a scalar multiple of the matrix has the same image). This is
/// the signature of ramanujantools' `cmf_benchmark._projective_digest`. `None` if every entry
/// vanishes modulo the prime or a denominator does.
pub fn projective_image(entries: &[Rational], prime: u64) -> Option<Vec<u64>> {
    let pr = Integer::from(prime);
    let vals: Vec<Integer> = entries
        .iter()
        .map(|e| {
            let inv = Integer::from(e.denom() % &pr).invert(&pr).ok()?;
            let num = Integer::from(e.numer() % &pr);
            Some((num * inv).rem_euc(&pr))
        })
        .collect::<Option<_>>()?;
    let first = vals.iter().find(|v| **v != 0)?;
    let inv = first.clone().invert(&pr).ok()?;
    Some(
        vals.iter()
            .map(|v| {
                Integer::from(v * &inv)
                    .rem_euc(&pr)
                    .to_u64()
                    .expect("below the prime")
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newton's forward differences recover `D!·p` from `p(0), …, p(D)`, in `i128` and in GMP
    /// (values beyond `i128`), also when `D` exceeds the degree.
    #[test]
    fn interpolation_recovers_the_polynomial() {
        let p = Poly::from_i64(&[7, -2, 0, 3]); // 3k³ − 2k + 7
        let vals: Vec<Integer> = (0..6).map(|k| p.eval(k)).collect();
        assert_eq!(interpolate_scaled(&vals), p.scale(&Integer::from(120)));
        let big = p.scale(&(Integer::from(1) << 200));
        let vals: Vec<Integer> = (0..4).map(|k| big.eval(k)).collect();
        assert_eq!(interpolate_scaled(&vals), big.scale(&Integer::from(6)));
    }

    /// Exact division by a factor, and refusal of a non-factor or a quotient that is not integral.
    #[test]
    fn exact_division_by_a_polynomial_factor() {
        let f = Poly::from_i64(&[1, 1]); // k + 1
        let q = &Poly::from_i64(&[-2, 1]) * &Poly::from_i64(&[3, 2]); // (k − 2)(2k + 3)
        assert_eq!(div_exact_poly(&(&f * &q), &f), Some(q.clone()));
        assert_eq!(div_exact_poly(&q, &f), None);
        assert_eq!(
            div_exact_poly(&Poly::from_i64(&[1, 1]), &Poly::from_i64(&[1, 2])),
            None
        );
        // gcd (k + 1) of the entries of a matrix is removed, with the integer content 2
        let mut m = vec![
            (&f * &q).scale(&Integer::from(2)),
            f.scale(&Integer::from(4)),
            Poly::default(),
            (&f * &f).scale(&Integer::from(6)),
        ];
        let g = remove_content(&mut m);
        assert_eq!(g, Some(f.clone()));
        assert_eq!(
            m,
            vec![
                q,
                Poly::constant(2),
                Poly::default(),
                f.scale(&Integer::from(3))
            ]
        );
    }

    /// Fujiwara's bound exceeds every root: `(k + 7)(k − 30)(2k + 3)` has its largest root at 30,
    /// `k² + 1` none real; constants have no bound.
    #[test]
    fn root_bound_exceeds_the_roots() {
        let p = &(&Poly::from_i64(&[7, 1]) * &Poly::from_i64(&[-30, 1])) * &Poly::from_i64(&[3, 2]);
        let b = root_bound(&p).unwrap();
        assert!(b > 30 && b < 200, "{b}");
        assert!((b..b + 50).all(|k| p.eval(k) != 0));
        assert!(root_bound(&Poly::from_i64(&[1, 0, 1])).unwrap() >= 2);
        assert_eq!(root_bound(&Poly::constant(5)), None);
    }

    /// Faddeev–LeVerrier against the cofactor definition `adj[i][j] = (−1)^{i+j}·det(minor_{ji})`,
    /// in GMP and in `i128`, for sizes 1 … 6.
    #[test]
    fn adjugates_agree_with_cofactors() {
        let mut seed = 12345u64;
        for d in 1..=6usize {
            for _ in 0..5 {
                let e: Vec<i64> = (0..d * d)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((seed >> 33) % 19) as i64 - 9
                    })
                    .collect();
                let m = IntMatrix {
                    dim: d,
                    e: e.iter().map(|&v| Integer::from(v)).collect(),
                };
                let det = int_det(&m.e, d);
                let mut cof = vec![Integer::new(); d * d];
                if d == 1 {
                    cof[0] = Integer::from(1);
                } else {
                    for i in 0..d {
                        for j in 0..d {
                            let minor: Vec<Integer> = (0..d)
                                .filter(|&r| r != j)
                                .flat_map(|r| (0..d).filter(move |&c| c != i).map(move |c| (r, c)))
                                .map(|(r, c)| m.e[r * d + c].clone())
                                .collect();
                            let c = int_det(&minor, d - 1);
                            cof[i * d + j] = if (i + j) % 2 == 0 { c } else { -c };
                        }
                    }
                }
                let (fl, fdet) = faddeev_leverrier(&m.e, d);
                assert_eq!((&fl, &fdet), (&cof, &det), "d = {d}");
                let (adj, adet) = adjugate(&m);
                assert_eq!((adj.e, adet), (cof.clone(), det.clone()));
                let small: Vec<i128> = e.iter().map(|&v| i128::from(v)).collect();
                let (a128, d128) = adjugate_i128(&small, d).unwrap();
                assert_eq!(d128, det.to_i128().unwrap());
                let cof128: Vec<i128> = cof.iter().map(|c| c.to_i128().unwrap()).collect();
                assert_eq!(a128, cof128);
            }
        }
    }
}
