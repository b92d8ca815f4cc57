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

use super::{Cmf, PolyMatrix};
use crate::pcf::limit::{bits_for_digits, log10_int};
use crate::poly::multi::{power_table, IntPoly, MPoly};
use rug::{Float, Integer, Rational};
use thiserror::Error;

/// Why a walk could not be taken.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum WalkError {
    /// A matrix entry has a pole at a lattice point of the path.
    #[error("M_{axis} has a pole at {point}: the denominator {den} of entry [{row}][{col}] vanishes there (try another start point)")]
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
    #[error("M_{axis} is singular at {point}: a backward step along {axis} cannot be taken there (try another start point)")]
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

/// A square integer matrix, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntMatrix {
    /// Size.
    pub dim: usize,
    /// Entries, row-major.
    pub e: Vec<Integer>,
}

impl IntMatrix {
    /// The identity.
    pub fn identity(dim: usize) -> IntMatrix {
        IntMatrix {
            dim,
            e: (0..dim * dim)
                .map(|k| Integer::from(u8::from(k / dim == k % dim)))
                .collect(),
        }
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> &Integer {
        &self.e[i * self.dim + j]
    }

    /// `self · o`.
    pub fn mul(&self, o: &IntMatrix) -> IntMatrix {
        let d = self.dim;
        let mut e = Vec::with_capacity(d * d);
        let mut t = Integer::new();
        for i in 0..d {
            for j in 0..d {
                let mut acc = Integer::new();
                for k in 0..d {
                    rug::Assign::assign(&mut t, self.get(i, k) * o.get(k, j));
                    acc += &t;
                }
                e.push(acc);
            }
        }
        IntMatrix { dim: d, e }
    }

    /// The gcd of all entries.
    pub fn content(&self) -> Integer {
        self.e.iter().fold(Integer::new(), |g, x| g.gcd(x))
    }

    /// The walk value `self[0][last] / self[1][last]`, if the denominator is nonzero.
    pub fn value(&self) -> Option<Rational> {
        let l = self.dim - 1;
        let q = self.get(1, l);
        (*q != 0).then(|| Rational::from((self.get(0, l).clone(), q.clone())))
    }
}

/// Product of a slice of matrices by a balanced product tree.
pub fn product_tree(ms: &[IntMatrix], dim: usize) -> IntMatrix {
    match ms.len() {
        0 => IntMatrix::identity(dim),
        1 => ms[0].clone(),
        n => {
            let (a, b) = ms.split_at(n / 2);
            product_tree(a, dim).mul(&product_tree(b, dim))
        }
    }
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
        AxisEval {
            num,
            small,
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
    axes: Vec<AxisEval>,
}

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
            .map(|m| {
                AxisEval::new(
                    &m.to_poly_form(),
                    m.entries().iter().map(|e| e.den().clone()).collect(),
                )
            })
            .collect();
        Ok(Walker { cmf, axes })
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
        let ax = &self.axes[i];
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

    /// `N_i(X)` in `i128` arithmetic, `None` on overflow or without a fast path.
    fn eval_axis_small(&self, i: usize, x: &[i64]) -> Option<Vec<i128>> {
        let ax = &self.axes[i];
        let terms = ax.small.as_ref()?;
        ax.den_const.as_ref()?;
        // powers[j][e] = x_j^e (on the stack; larger fields take the general path)
        if x.len() > 8 || ax.max.iter().any(|&m| m > 15) {
            return None;
        }
        let mut powers = [[0i128; 16]; 8];
        for ((row, &v), &m) in powers.iter_mut().zip(x).zip(&ax.max) {
            row[0] = 1;
            for e in 1..=m as usize {
                row[e] = row[e - 1].checked_mul(i128::from(v))?;
            }
        }
        let mut out = Vec::with_capacity(terms.len());
        for entry in terms {
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
            out.push(sum);
        }
        Some(out)
    }

    /// The step from `x` (updated; garbage on `None`) in `i128` arithmetic for fields with constant
    /// denominators: `(∏ N, ∏ 1/d)` (the scale only if `want_scale`), or `None` if it overflows or
    /// needs a backward move.
    fn step_small(
        &self,
        traj: &[i64],
        x: &mut [i64],
        want_scale: bool,
    ) -> Option<(Vec<i128>, Option<Rational>)> {
        if traj.iter().any(|&t| t < 0) {
            return None;
        }
        let d = self.cmf.rank();
        let mut m: Option<Vec<i128>> = None;
        let mut scale = want_scale.then(|| Rational::from(1));
        for (i, &t) in traj.iter().enumerate() {
            for _ in 0..t {
                let n = self.eval_axis_small(i, x)?;
                let dc = self.axes[i].den_const.as_ref()?;
                if let Some(s) = scale.as_mut() {
                    if *dc != 1 {
                        *s /= dc;
                    }
                }
                m = Some(match m {
                    None => n,
                    Some(a) => mul_i128(&a, &n, d)?,
                });
                x[i] += 1;
            }
        }
        Some((m?, scale))
    }

    /// The step matrix `T_k` (integral part and scale) of one trajectory step from `x` (updated).
    fn step(&self, traj: &[i64], x: &mut [i64]) -> Result<(IntMatrix, Rational), WalkError> {
        let mut m: Option<IntMatrix> = None;
        let mut scale = Rational::from(1);
        let times = |m: Option<IntMatrix>, n: IntMatrix| match m {
            None => n,
            Some(m) => m.mul(&n),
        };
        for (i, &t) in traj.iter().enumerate() {
            for _ in 0..t.unsigned_abs() {
                if t > 0 {
                    let (n, d) = self.eval_axis(i, x)?;
                    m = Some(times(m, n));
                    scale /= d;
                    x[i] += 1;
                } else {
                    x[i] -= 1;
                    let (n, d) = self.eval_axis(i, x)?;
                    let (adj, det) = adjugate(&n);
                    if det == 0 {
                        return Err(WalkError::Singular {
                            axis: self.cmf.axes[i].clone(),
                            point: show_point(self.cmf, x),
                        });
                    }
                    m = Some(times(m, adj));
                    scale *= d / Rational::from(det);
                }
            }
        }
        Ok((m.expect("the trajectory is not zero"), scale))
    }

    /// The step matrices `T_k`, `lo ≤ k < hi`, each divided by the gcd of its entries (a scalar,
    /// which the walk value does not see), with the exact scalar factors if `want_scale`.
    fn step_matrices(
        &self,
        traj: &[i64],
        start: &[i64],
        lo: usize,
        hi: usize,
        want_scale: bool,
    ) -> Result<(Vec<IntMatrix>, Vec<Rational>), WalkError> {
        self.check_dims(traj, start)?;
        let mut ms = Vec::with_capacity(hi.saturating_sub(lo));
        let mut scales = Vec::new();
        let mut x = vec![0i64; start.len()];
        for k in lo..hi {
            for (xi, (s, t)) in x.iter_mut().zip(start.iter().zip(traj)) {
                *xi = s + k as i64 * t;
            }
            if let Some((mut m, mut s)) = self.step_small(traj, &mut x, want_scale) {
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
                    if let Some(s) = s.as_mut() {
                        *s *= Rational::from(Integer::from(g));
                    }
                }
                ms.push(IntMatrix {
                    dim: self.cmf.rank(),
                    e: m.into_iter().map(Integer::from).collect(),
                });
                if let Some(s) = s {
                    scales.push(s);
                }
                continue;
            }
            // the fast path may have moved x before giving up
            for (xi, (s, t)) in x.iter_mut().zip(start.iter().zip(traj)) {
                *xi = s + k as i64 * t;
            }
            let (mut m, mut s) = self.step(traj, &mut x)?;
            let g = m.content();
            if g > 1 {
                for e in &mut m.e {
                    e.div_exact_mut(&g);
                }
                if want_scale {
                    s *= Rational::from(g);
                }
            }
            ms.push(m);
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
            p: product_tree(&ms, self.cmf.rank()),
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
        Ok(product_tree(&ms, self.cmf.rank()))
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

/// `a·b` of `dim × dim` `i128` matrices, `None` on overflow.
fn mul_i128(a: &[i128], b: &[i128], dim: usize) -> Option<Vec<i128>> {
    let mut c = vec![0i128; dim * dim];
    for r in 0..dim {
        for col in 0..dim {
            let mut acc: i128 = 0;
            for k in 0..dim {
                acc = acc.checked_add(a[r * dim + k].checked_mul(b[k * dim + col])?)?;
            }
            c[r * dim + col] = acc;
        }
    }
    Some(c)
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

    /// The walk at exactly depth `depth`, with its digits judged from depths `depth/4` and `depth/2`.
    pub fn limit_at_depth(
        &self,
        traj: &[i64],
        start: &[i64],
        depth: usize,
    ) -> Result<WalkLimit, WalkError> {
        self.check_dims(traj, start)?;
        let depth = depth.max(8);
        self.limit_over(traj, start, &[depth / 4, depth / 2, depth], u32::MAX)
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
        for (k, &d) in depths.iter().enumerate().skip(1) {
            let hi = self.level(traj, start, Some(&lo), d)?;
            let d_double = -log10_rat(&Rational::from(&hi.x - &lo.x));
            let gain = hi.c - lo.c;
            let geometric = gain.is_finite() && gain >= 3.5;
            let mut digits = match prev_double {
                Some(dp) if d_double.is_finite() && d_double > dp => {
                    let r_m1 = ((d_double - dp).min(300.0) * std::f64::consts::LN_10).exp_m1();
                    d_double + r_m1.log10() - 1.5f64.log10()
                }
                _ => f64::NEG_INFINITY,
            };
            if geometric {
                let steps = (hi.depth - lo.depth) as f64;
                let rho_m1 = (gain / steps * std::f64::consts::LN_10).exp_m1();
                digits = digits.max(hi.c + rho_m1.log10() - std::f64::consts::LOG10_2);
            }
            let exact = d_double.is_infinite() && hi.c.is_infinite();
            if exact {
                // x_n is constant from depth D/2 on: the walk is a terminating (rational) value.
                digits = f64::from(want.min(100_000));
            }
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
/// `approx = l`).
pub fn delta_of(approx: &Rational, l: &Rational) -> Option<f64> {
    let q = approx.denom();
    if *q <= 1 {
        return None;
    }
    let err = log10_rat(&Rational::from(l - approx));
    if !err.is_finite() {
        return None;
    }
    Some(-err / log10_int(q) - 1.0)
}
