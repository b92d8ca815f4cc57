//! The polynomial step matrix of a trajectory: one step `T_k` as a polynomial matrix `N(k)` of the
//! step index, built once by interpolation and evaluated at every `k` of a projective walk.

use super::{alternative_orders, try_for_each_move, Walker};
use crate::matrix::product::{product, Node};
use crate::matrix::IntMatrix;
use crate::poly::multi::power_table;
use crate::poly::Poly;
use rug::{Integer, Rational};
use std::sync::{Arc, Mutex};

use super::adjugate::adjugate;

/// Trajectory, start and the polynomial step matrix built for them.
pub(super) type PolyStepCache = Mutex<Vec<(Vec<i64>, Vec<i64>, Option<Arc<PolyStep>>)>>;

/// The polynomial steps of generated `pFq` fields, shared by every walker of the process: such a
/// field is determined by its generator `pFq(p, q, z)` (its matrices are evaluated from the
/// operator), so the step along `(traj, start)` is the same for every copy of the field and is
/// built once, as ramanujantools caches a field's trajectory matrices. At most
/// [`SHARED_POLY_STEPS_MAX`] entries, the oldest dropped first.
#[allow(clippy::type_complexity)]
static SHARED_POLY_STEPS: Mutex<
    Vec<(
        crate::cmf::spec::Generated,
        Vec<i64>,
        Vec<i64>,
        Option<Arc<PolyStep>>,
    )>,
> = Mutex::new(Vec::new());

/// Largest number of entries of [`SHARED_POLY_STEPS`].
const SHARED_POLY_STEPS_MAX: usize = 32;

/// Largest number of moves per step, and largest matrix size, for which a walk builds the step as
/// a polynomial matrix (beyond, the symbolic product can cost more than it saves).
const POLY_STEP_MAX_MOVES: u64 = 64;
const POLY_STEP_MAX_RANK: usize = 4;
/// Largest degree of a polynomial step matrix.
const POLY_STEP_MAX_DEGREE: usize = 96;
/// Shortest span of steps for which the polynomial step matrix is built.
pub(super) const POLY_STEP_MIN_SPAN: usize = 8;

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
pub(super) struct PolyStep {
    dim: usize,
    entries: Vec<Poly>,
    /// `entries` with `i128` coefficients, when they fit.
    small: Option<Vec<Vec<i128>>>,
    checks: Vec<(Poly, Option<Vec<i128>>)>,
    /// Every real root of every check is below this (`i64::MAX` if unknown): no check vanishes at
    /// a larger `k`.
    roots_below: i64,
    /// The primitive steps `T_k / content` at singular points `k` met so far (at most
    /// [`SINGULAR_STEPS_MAX`]): each costs the moves one by one in GMP, and every walk from the
    /// same start meets the same ones.
    singular: Mutex<Vec<(usize, IntMatrix)>>,
}

/// Largest number of singular steps kept by a [`PolyStep`].
const SINGULAR_STEPS_MAX: usize = 64;

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
    pub(super) fn proportional_at(&self, k: i64) -> bool {
        k >= self.roots_below
            || self.checks.iter().all(|(p, small)| {
                match small.as_ref().and_then(|c| horner_i128(c, i128::from(k))) {
                    Some(v) => v != 0,
                    None => p.eval(k) != 0,
                }
            })
    }

    /// The primitive step at the singular point `k`, if an earlier walk computed it.
    pub(super) fn singular_step(&self, k: usize) -> Option<IntMatrix> {
        let kept = self.singular.lock().expect("not poisoned");
        kept.iter().find(|(j, _)| *j == k).map(|(_, m)| m.clone())
    }

    /// Keeps the primitive step `m` at the singular point `k` for later walks.
    pub(super) fn keep_singular_step(&self, k: usize, m: &IntMatrix) {
        let mut kept = self.singular.lock().expect("not poisoned");
        if kept.len() < SINGULAR_STEPS_MAX && kept.iter().all(|(j, _)| *j != k) {
            kept.push((k, m.clone()));
        }
    }

    /// `N(k)` from the GMP coefficients (the oracle of [`StepValues`]).
    #[cfg(test)]
    fn at_gmp(&self, k: i64) -> IntMatrix {
        IntMatrix {
            dim: self.dim,
            e: self.entries.iter().map(|p| p.eval(k)).collect(),
        }
    }

    /// `N(k)`.
    pub(super) fn at(&self, k: i64) -> Node {
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

impl PolyStep {
    /// The values `N(k₀), N(k₀+1), …` at consecutive `k` by forward differences ([`StepValues`]),
    /// or `None` when the entries or the first differences do not fit `i128`.
    pub(super) fn values_from(&self, k0: i64) -> Option<StepValues> {
        let small = self.small.as_ref()?;
        let diffs = small
            .iter()
            .map(|c| {
                let d = c.len().saturating_sub(1);
                let mut v: Vec<i128> = (0..=d as i64)
                    .map(|j| horner_i128(c, i128::from(k0.checked_add(j)?)))
                    .collect::<Option<_>>()?;
                // v[j] = p(k₀ + j)  →  v[j] = Δʲp(k₀)
                for j in 1..v.len() {
                    for i in (j..v.len()).rev() {
                        v[i] = v[i].checked_sub(v[i - 1])?;
                    }
                }
                Some(v)
            })
            .collect::<Option<Vec<_>>>()?;
        Some(StepValues {
            dim: self.dim,
            diffs,
            live: true,
        })
    }
}

/// `N(k)` at consecutive `k` of a walk: per entry the forward differences `Δʲp(k)`, `j = 0…deg`,
/// moved to `k + 1` by `Δʲp(k+1) = Δʲp(k) + Δʲ⁺¹p(k)` — `deg` additions per entry and step instead
/// of Horner's `deg` multiplications and additions. Exact: the same integers as [`PolyStep::at`].
pub(super) struct StepValues {
    dim: usize,
    /// `diffs[e][j] = Δʲ(entry e)(k)` at the current `k`.
    diffs: Vec<Vec<i128>>,
    /// `false` once a difference left `i128`.
    live: bool,
}

impl StepValues {
    /// `N(k)` (row-major) at the current `k`, then moves to `k + 1`; `None` from the first `k`
    /// whose differences do not fit `i128` on.
    pub(super) fn next_values(&mut self) -> Option<Node> {
        if !self.live {
            return None;
        }
        let out: Vec<i128> = self
            .diffs
            .iter()
            .map(|d| d.first().copied().unwrap_or(0))
            .collect();
        'advance: for d in &mut self.diffs {
            for i in 0..d.len().saturating_sub(1) {
                match d[i].checked_add(d[i + 1]) {
                    Some(v) => d[i] = v,
                    None => {
                        self.live = false;
                        break 'advance;
                    }
                }
            }
        }
        Some(Node::Small(self.dim, out))
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
        if let Some(crate::cmf::spec::Generated::Pfq(p, q, _)) = &self.cmf.generator {
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
        let generated_pfq = matches!(
            self.cmf.generator,
            Some(crate::cmf::spec::Generated::Pfq(..))
        );
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
            singular: Mutex::new(Vec::new()),
        })
    }

    /// For `pFq` fields: the step from `x` up to a scalar, from the operator form alone (no expanded
    /// matrices), in the first order of the moves (natural, then [`alternative_orders`]) that
    /// meets no zero of the operator form's denominators and no singular matrix; by conservation
    /// every such order gives the same matrix. `None` if no order does.
    pub(super) fn step_pfq_any_order(&self, traj: &[i64], x: &[i64]) -> Option<IntMatrix> {
        if !matches!(
            self.cmf.generator,
            Some(crate::cmf::spec::Generated::Pfq(..))
        ) {
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
    pub(super) fn cached_poly_step(
        &self,
        traj: &[i64],
        start: &[i64],
        build: bool,
    ) -> Option<Arc<PolyStep>> {
        let mut cache = self.poly_steps.lock().expect("not poisoned");
        if let Some((_, _, p)) = cache.iter().find(|(t, s, _)| t == traj && s == start) {
            return p.clone();
        }
        let generator = match &self.cmf.generator {
            Some(g @ crate::cmf::spec::Generated::Pfq(..)) => Some(g),
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

    /// The forward-difference values equal Horner's rule at every `k` (the slow oracle), for
    /// random polynomial matrices with negative, zero and near-`i128` values, until the first
    /// overflow, after which they stop; coefficients beyond `i128` give no difference table.
    #[test]
    fn forward_differences_equal_horner() {
        use proptest::prelude::*;
        let coeff = prop_oneof![
            6 => -50i128..=50,
            2 => Just(0i128),
            1 => any::<i64>().prop_map(i128::from),
            1 => any::<i128>().prop_map(|v| v >> 3),
        ];
        let poly = prop::collection::vec(coeff, 0..7);
        let strategy = (prop::collection::vec(poly, 4), -300i64..300, 1usize..200);
        proptest!(ProptestConfig::with_cases(128), |((small, k0, n) in strategy)| {
            let step = PolyStep {
                dim: 2,
                entries: small.iter().map(|c| Poly::new(c.iter().map(|&v| Integer::from(v)).collect())).collect(),
                small: Some(small.clone()),
                checks: Vec::new(),
                roots_below: 0,
                singular: Mutex::new(Vec::new()),
            };
            let Some(mut vals) = step.values_from(k0) else {
                // only when a first value or difference does not fit
                let fits = small.iter().all(|c| {
                    (0..c.len().max(1) as i64).all(|j| horner_i128(c, i128::from(k0 + j)).is_some())
                });
                prop_assert!(!fits || small.iter().any(|c| c.len() > 1));
                return Ok(());
            };
            for k in k0..k0 + n as i64 {
                match vals.next_values() {
                    Some(node) => prop_assert_eq!(node.into_int(), step.at_gmp(k)),
                    None => {
                        // stopped at an overflow: a difference (or a value) left i128 here
                        prop_assert!(vals.next_values().is_none());
                        break;
                    }
                }
            }
        });
        let huge = Poly::new(vec![Integer::from(1) << 130u32, Integer::from(1)]);
        let step = PolyStep {
            dim: 1,
            entries: vec![huge.clone()],
            small: poly_to_i128(&huge).map(|c| vec![c]),
            checks: Vec::new(),
            roots_below: 0,
            singular: Mutex::new(Vec::new()),
        };
        assert!(step.values_from(0).is_none());
        assert_eq!(step.at(3).into_int().e[0], huge.eval(3));
    }
}
