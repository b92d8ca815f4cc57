//! From a trajectory of a 2×2 field to a PCF.
//!
//! For a trajectory `t` from `s`, the step matrix `T(n) = [[α, β], [γ, δ]](n)` is the product of the
//! axis matrices for one trajectory step starting at `s + n·t`, as rational functions of `n`. Rows
//! evolve as `r_{n+1} = r_n·T(n)`, and the first component satisfies
//!
//! `u_{n+1} = (α(n) + γ(n)δ(n−1)/γ(n−1))·u_n − (γ(n)/γ(n−1))·det T(n−1)·u_{n−1}`,
//!
//! which after inflation by `γ(n−1)` is the PCF
//!
//! `a'(n) = γ(n−1)·α(n) + γ(n)·δ(n−1)`,   `b'(n) = −γ(n)·γ(n−2)·det T(n−1)`.
//!
//! It is then deflated: every polynomial `f` with `f(n) | a(n)` and `f(n)·f(n−1) | b(n)` is removed
//! (`a ← a/f(n)`, `b ← b/(f(n)f(n−1))`) until `gcd(a(n), b(n), b(n+1))` is constant (a non-constant
//! irreducible factor `p` of it is removable alone, `p(n)` and `p(n−1)` being coprime), and so is
//! every integer `k` with `k | a`, `k² | b`. Rational start points (the field shifted over ℚ, see
//! [`super::shift`]) give the same guarantee: the scalar denominators are cleared first. If then
//! `b(s) = 0` for some integer `s ≥ 1`, the fraction's value collapses to its first terms, so the
//! leading terms are dropped by the shift `n → n + s` (largest such `s`). The PCF's limit is a
//! Möbius transformation of the walk's limit. A scalar factor `c(n)` of `T(n)` (used to clear
//! denominators) only changes `a', b'` by the equivalence `a → λ_n a`, `b → λ_n λ_{n−1} b`.

use super::walk::WalkError;
use super::{Cmf, PolyMatrix, RatMatrix};
use crate::pcf::Pcf;
use crate::poly::multi::MPoly;
use crate::poly::ratfun::RatFun;
use crate::poly::{small_divisors, Poly};
use rug::{Integer, Rational};
use thiserror::Error;

/// Why a trajectory has no PCF.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ToPcfError {
    /// Bad trajectory, start or field.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// The PCF construction needs a 2×2 field.
    #[error("the field's matrices are {0}×{0}; a PCF needs 2×2")]
    NotTwoByTwo(usize),
    /// A matrix has a pole along the whole trajectory.
    #[error("M_{axis} has a pole along the whole trajectory (its denominator vanishes identically on the line)")]
    PoleOnLine {
        /// The axis.
        axis: String,
    },
    /// A backward step along a line where the matrix is singular.
    #[error("M_{axis} is singular along the trajectory; a backward step cannot be taken")]
    SingularOnLine {
        /// The axis.
        axis: String,
    },
    /// γ(n) ≡ 0: the first row does not satisfy a second-order recurrence.
    #[error("the step matrix has γ(n) = 0 identically: the trajectory is not a PCF")]
    GammaZero,
}

/// The PCF of a trajectory with every intermediate result.
#[derive(Clone, Debug)]
pub struct TrajectoryPcf {
    /// `T(n)`, entries reduced rational functions of `n`.
    pub step: RatMatrix,
    /// `a'(n)` (inflated), with `T(n)` scaled to integer polynomial entries.
    pub a_inflated: Poly,
    /// `b'(n)` (inflated).
    pub b_inflated: Poly,
    /// The deflation factor `k·∏f(n)` removed from `a'`.
    pub deflation: Poly,
    /// Deflated `a(n)` before the shift.
    pub a: Poly,
    /// Deflated `b(n)` before the shift.
    pub b: Poly,
    /// The shift `s` (`0` if `b(n) ≠ 0` for all `n ≥ 1`).
    pub shift: i64,
    /// The final PCF `(a(n + s), b(n + s))`.
    pub pcf: Pcf,
    /// Integers `n ≥ 0` with `γ(n) = 0`: the recurrence divides by `γ(n − 1)` there, so the PCF may
    /// differ from the walk at those indices (shift the start if this is not empty).
    pub gamma_roots: Vec<i64>,
}

/// `T(n)` for the trajectory `traj` from `start`: the product of the axis matrices of one
/// trajectory step from `start + n·traj`, moves ordered axis by axis (positive moves `M_i(X)`,
/// negative moves `M_i(X − e_i)⁻¹`), as reduced rational functions of `n`.
pub fn trajectory_matrix(cmf: &Cmf, traj: &[i64], start: &[i64]) -> Result<RatMatrix, ToPcfError> {
    if !cmf.params.is_empty() {
        return Err(WalkError::Symbolic(cmf.params.join(", ")).into());
    }
    let k = cmf.dim();
    for (what, v) in [("trajectory", traj), ("start", start)] {
        if v.len() != k {
            return Err(WalkError::Dimension {
                expected: k,
                what,
                got: v.len(),
            }
            .into());
        }
    }
    if traj.iter().all(|&t| t == 0) {
        return Err(WalkError::ZeroTrajectory.into());
    }
    let natural: Vec<usize> = (0..k).filter(|&i| traj[i] != 0).collect();
    let first = trajectory_matrix_in_order(cmf, traj, start, &natural);
    if first.is_ok() {
        return first;
    }
    for order in super::walk::alternative_orders(&natural) {
        if let Ok(m) = trajectory_matrix_in_order(cmf, traj, start, &order) {
            return Ok(m);
        }
    }
    first
}

/// `T(n)` with the axes' moves in the given order.
fn trajectory_matrix_in_order(
    cmf: &Cmf,
    traj: &[i64],
    start: &[i64],
    order: &[usize],
) -> Result<RatMatrix, ToPcfError> {
    let n = MPoly::var(1, 0);
    let at = |offset: &[i64]| -> Vec<MPoly> {
        (0..cmf.dim())
            .map(|j| &n.scale(&Rational::from(traj[j])) + &MPoly::constant(1, start[j] + offset[j]))
            .collect()
    };
    step_product(cmf, traj, order, 1, &at)
}

/// One move of a trajectory step: the axis `i`, whether its matrix enters inverted, and the offset
/// from the step's start at which the matrix is evaluated.
struct Move {
    axis: usize,
    invert: bool,
    offset: Vec<i64>,
}

/// The moves of one trajectory step, in the given axis order: forward axes contribute `M_i(X)` on a
/// forward move and `M_i(X − e_i)⁻¹` on a backward one; backward axes `B_i(X + e_i)⁻¹` forward and
/// `B_i(X)` backward, where `X` is the current point.
fn step_moves(cmf: &Cmf, traj: &[i64], order: &[usize]) -> Vec<Move> {
    let mut offset = vec![0i64; cmf.dim()];
    let mut moves = Vec::new();
    super::try_for_each_move(
        &cmf.backward,
        traj,
        order,
        &mut offset,
        |axis, invert, x| {
            moves.push(Move {
                axis,
                invert,
                offset: x.to_vec(),
            });
            Ok::<(), std::convert::Infallible>(())
        },
    )
    .unwrap_or_else(|never| match never {});
    moves
}

/// The error of a matrix with a pole along the whole line.
fn pole_on_line(cmf: &Cmf, axis: usize) -> ToPcfError {
    ToPcfError::PoleOnLine {
        axis: cmf.axes[axis].clone(),
    }
}

/// The error of a matrix that is singular along the whole line.
fn singular_on_line(cmf: &Cmf, axis: usize) -> ToPcfError {
    ToPcfError::SingularOnLine {
        axis: cmf.axes[axis].clone(),
    }
}

/// The product of the moves of one trajectory step ([`step_moves`]) in the given axis order, with
/// every matrix composed with `at(offset)` (the images of the axes at the move's offset from the
/// step's start). Univariate entries are kept reduced.
fn step_product(
    cmf: &Cmf,
    traj: &[i64],
    order: &[usize],
    nvars: usize,
    at: &dyn Fn(&[i64]) -> Vec<MPoly>,
) -> Result<RatMatrix, ToPcfError> {
    let mut t_mat = RatMatrix::identity(cmf.rank(), nvars);
    for Move {
        axis,
        invert,
        offset,
    } in step_moves(cmf, traj, order)
    {
        let images = at(&offset);
        let composed = cmf.matrices[axis]
            .try_map(|e| e.compose(&images).map(|e| e.reduce()))
            .map_err(|_| pole_on_line(cmf, axis))?;
        let m = if invert {
            composed
                .inverse()
                .ok_or_else(|| singular_on_line(cmf, axis))?
                .map(|e| e.reduce())
        } else {
            composed
        };
        t_mat = t_mat.mul(&m).map(|e| e.reduce());
    }
    Ok(t_mat)
}

/// [`step_product`] in the polynomial form `N/d` (one scalar denominator, inverses by adjugates),
/// which keeps multivariate products from growing per-entry denominators.
fn poly_step_product(
    cmf: &Cmf,
    forms: &[PolyMatrix],
    traj: &[i64],
    order: &[usize],
    at: &dyn Fn(&[i64]) -> Vec<MPoly>,
) -> Result<PolyMatrix, ToPcfError> {
    let mut acc: Option<PolyMatrix> = None;
    for Move {
        axis,
        invert,
        offset,
    } in step_moves(cmf, traj, order)
    {
        let composed = forms[axis]
            .compose(&at(&offset))
            .ok_or_else(|| pole_on_line(cmf, axis))?;
        let m = if invert {
            composed
                .inverse()
                .ok_or_else(|| singular_on_line(cmf, axis))?
        } else {
            composed
        };
        acc = Some(match acc {
            None => m,
            Some(a) => a.mul(&m),
        });
    }
    Ok(acc.expect("the basis vector is not zero"))
}

/// The sub-field on a lattice of trajectories (ramanujantools `CMF.sub_cmf`): new axes `names[k]`
/// with variables `a_k`, and axis matrix `T_k(a)` = the product of the moves of one step along
/// `basis[k]` from the point `Σ_j a_j·basis[j]` of the field. By conservation of the field these
/// matrices are again conservative. The basis must be linearly independent.
pub fn sub_cmf(cmf: &Cmf, basis: &[Vec<i64>], names: &[String]) -> Result<Cmf, ToPcfError> {
    if !cmf.params.is_empty() {
        return Err(WalkError::Symbolic(cmf.params.join(", ")).into());
    }
    assert_eq!(basis.len(), names.len(), "one name per basis vector");
    let k = names.len();
    for b in basis {
        if b.len() != cmf.dim() {
            return Err(WalkError::Dimension {
                expected: cmf.dim(),
                what: "trajectory",
                got: b.len(),
            }
            .into());
        }
        if b.iter().all(|&t| t == 0) {
            return Err(WalkError::ZeroTrajectory.into());
        }
    }
    let position: Vec<MPoly> = (0..cmf.dim())
        .map(|axis| {
            (0..k).fold(MPoly::zero(k), |acc, j| {
                &acc + &MPoly::var(k, j).scale(&Rational::from(basis[j][axis]))
            })
        })
        .collect();
    let at = |offset: &[i64]| -> Vec<MPoly> {
        position
            .iter()
            .zip(offset)
            .map(|(p, &o)| p + &MPoly::constant(k, o))
            .collect()
    };
    let forms: Vec<PolyMatrix> = cmf.matrices.iter().map(|m| m.to_poly_form()).collect();
    let mut matrices = Vec::with_capacity(k);
    for b in basis {
        let natural: Vec<usize> = (0..b.len()).filter(|&i| b[i] != 0).collect();
        let mut m = poly_step_product(cmf, &forms, b, &natural, &at);
        if m.is_err() {
            for order in super::walk::alternative_orders(&natural) {
                if let Ok(r) = poly_step_product(cmf, &forms, b, &order, &at) {
                    m = Ok(r);
                    break;
                }
            }
        }
        matrices.push(m?.to_rat_matrix());
    }
    Ok(Cmf {
        name: format!("sub-field of {}", cmf.name),
        axes: names.to_vec(),
        params: Vec::new(),
        backward: vec![false; k],
        generator: None,
        matrices,
        limit: cmf.limit.clone(),
        constant: cmf.constant.clone(),
    })
}

/// The least common multiple of the denominators of univariate rational functions, as a primitive
/// integer polynomial.
fn den_lcm(fs: &[RatFun]) -> Poly {
    let mut l = Poly::constant(1);
    for f in fs {
        let (_, d) = f.den().primitive();
        let d = d.to_poly().expect("univariate");
        let g = l.gcd(&d);
        l = (&l * &d).div_poly(&g).expect("gcd divides");
    }
    l
}

/// The PCF of the trajectory `traj` from `start` (see the module documentation).
pub fn trajectory_to_pcf(
    cmf: &Cmf,
    traj: &[i64],
    start: &[i64],
) -> Result<TrajectoryPcf, ToPcfError> {
    if cmf.rank() != 2 {
        return Err(ToPcfError::NotTwoByTwo(cmf.rank()));
    }
    let step = trajectory_matrix(cmf, traj, start)?;
    // c(n)·T(n) with integer polynomial entries
    let l = RatFun::from(&den_lcm(step.entries()));
    let scaled: Vec<RatFun> = step.entries().iter().map(|e| (e * &l).reduce()).collect();
    let k = scaled.iter().fold(Integer::from(1), |acc, e| {
        acc.lcm(&e.num().denominator_lcm())
    });
    let kr = Rational::from(k);
    let polys: Vec<Poly> = scaled
        .iter()
        .map(|e| {
            e.num()
                .scale(&kr)
                .to_poly()
                .expect("integral univariate polynomial")
        })
        .collect();
    let (alpha, beta, gamma, delta) = (&polys[0], &polys[1], &polys[2], &polys[3]);
    if gamma.is_zero() {
        return Err(ToPcfError::GammaZero);
    }
    let det = &(alpha * delta) - &(beta * gamma);
    let a_inflated = &(&gamma.shift(-1) * alpha) + &(gamma * &delta.shift(-1));
    let b_inflated = (&(gamma * &gamma.shift(-2)) * &det.shift(-1)).neg();
    let (a, b, deflation) = deflate(&a_inflated, &b_inflated);
    let shift = positive_integer_roots(&b).into_iter().max().unwrap_or(0);
    let pcf = Pcf::new(a.shift(shift), b.shift(shift));
    let gamma_roots = positive_integer_roots(gamma)
        .into_iter()
        .chain((gamma.eval(0) == 0).then_some(0))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    Ok(TrajectoryPcf {
        step,
        a_inflated,
        b_inflated,
        deflation,
        a,
        b,
        shift,
        pcf,
        gamma_roots,
    })
}

/// Deflation of a PCF: removes every polynomial `f` with `f(n) | a(n)`, `f(n)f(n−1) | b(n)` and every
/// integer `k` with `k | a`, `k² | b`. Returns `(a, b, factor)` with `a_in = factor·a` and
/// `b_in = factor(n)·factor(n−1)·b`; for `a ≠ 0` the result has `gcd(a(n), b(n), b(n+1))` constant
/// (candidates: that gcd whole, its linear factors, then [`removable_part`], which always
/// progresses).
pub fn deflate(a: &Poly, b: &Poly) -> (Poly, Poly, Poly) {
    let mut a = a.clone();
    let mut b = b.clone();
    let mut factor = Poly::constant(1);
    if a.is_zero() || b.is_zero() {
        return (a, b, factor);
    }
    'outer: loop {
        // every valid f divides F = gcd(a(n), b(n), b(n+1))
        let big = a.gcd(&b).gcd(&b.shift(1));
        if big.degree().unwrap_or(0) == 0 {
            break;
        }
        let mut candidates = vec![big.clone()];
        candidates.extend(linear_factors(&big));
        candidates.push(removable_part(&big, &b));
        for f in candidates {
            let ff = &f * &f.shift(-1);
            if let (Some(na), Some(nb)) = (a.div_poly(&f), b.div_poly(&ff)) {
                a = na;
                b = nb;
                factor = &factor * &f;
                continue 'outer;
            }
        }
        break;
    }
    let k = integer_deflation(&a.content(), &b.content());
    if k > 1 {
        let k2 = Integer::from(&k * &k);
        a = a.div_exact(&k);
        b = b.div_exact(&k2);
        factor = factor.scale(&k);
    }
    (a, b, factor)
}

/// A factor `f` of `F = gcd(a(n), b(n), b(n+1))` with `f(n)·f(n−1) | b(n)`, of positive degree
/// whenever `F` has: the fixed point of the two narrowings
///
/// `f ← gcd(f, b / gcd(b, f(n−1)))`   (room for `f(n)` beside `f(n−1)` in `b`),
/// `f ← gcd(f, (b / gcd(b, f))(n+1))`   (room for `f(n−1)` beside `f(n)`),
///
/// started from `F`. For an irreducible `p` with multiplicity `e_p` in `f` and `p⁺(n) = p(n+1)`, the
/// pair removes exactly what breaks `e_p + e_{p⁺} ≤ v_p(b)`, so the fixed point satisfies it for
/// every `p`, i.e. `f(n)f(n−1) | b`. It is not constant: the last factor `p` of `F` in a chain
/// `p, p⁺, p⁺⁺, …` keeps multiplicity ≥ 1, since `p | b` and `p(n−1) | b` (from `F | b(n+1)`). This
/// finds the irreducible factors of degree ≥ 2 that neither `F` as a whole nor its linear factors
/// give (no factorisation over ℤ needed).
fn removable_part(big: &Poly, b: &Poly) -> Poly {
    let quotient = |g: &Poly| b.div_poly(g).expect("a gcd with b divides b");
    let mut f = big.clone();
    loop {
        let r1 = f.gcd(&quotient(&b.gcd(&f.shift(-1))));
        let r2 = r1.gcd(&quotient(&b.gcd(&r1)).shift(1));
        if r2.degree() == f.degree() {
            return r2;
        }
        f = r2;
    }
}

/// The largest `k` with `k | ca` and `k² | cb` (trial division of `gcd(ca, cb)` by primes below
/// 10⁶; a cofactor left above that is used whole if it qualifies).
fn integer_deflation(ca: &Integer, cb: &Integer) -> Integer {
    let mut g = ca.clone().gcd(cb);
    let mut k = Integer::from(1);
    let mut p = 2u32;
    while g > 1 && p < 1_000_000 {
        if Integer::from(p) * p > g {
            break;
        }
        if g.is_divisible_u(p) {
            // largest e with p^e | ca and p^{2e} | cb
            let mut e = 0u32;
            loop {
                let pe = Integer::from(Integer::u_pow_u(p, e + 1));
                let pe2 = Integer::from(&pe * &pe);
                if ca.is_divisible(&pe) && cb.is_divisible(&pe2) {
                    e += 1;
                } else {
                    break;
                }
            }
            k *= Integer::from(Integer::u_pow_u(p, e));
            while g.is_divisible_u(p) {
                g /= p;
            }
        }
        p += if p == 2 { 1 } else { 2 };
    }
    if g > 1 {
        let g2 = Integer::from(&g * &g);
        if ca.is_divisible(&g) && cb.is_divisible(&g2) {
            k *= g;
        }
    }
    k
}

/// Linear factors `(q·n − p)` of an integer polynomial from its rational roots `p/q` (searched among
/// `p | c₀`, `q | c_d` when these are below 10¹²), with multiplicity.
fn linear_factors(f: &Poly) -> Vec<Poly> {
    let mut out = Vec::new();
    let mut f = f.clone();
    while f.degree().unwrap_or(0) > 0 && f.coeffs()[0] == 0 {
        out.push(Poly::n());
        f = f.div_poly(&Poly::n()).expect("n divides");
    }
    if f.degree().unwrap_or(0) == 0 {
        return out;
    }
    let (Some(ps), Some(qs)) = (small_divisors(&f.coeffs()[0]), small_divisors(&f.leading()))
    else {
        return out;
    };
    for q in &qs {
        for p in &ps {
            for sign in [1i64, -1] {
                let lin = Poly::new(vec![Integer::from(-p * sign), Integer::from(*q)]);
                if Integer::from(*p).gcd(&Integer::from(*q)) != 1 {
                    continue;
                }
                while f.degree().unwrap_or(0) > 0 {
                    match f.div_poly(&lin) {
                        Some(r) => {
                            out.push(lin.clone());
                            f = r;
                        }
                        None => break,
                    }
                }
            }
        }
    }
    out
}

/// Integer roots `n ≥ 1` of a polynomial (searched up to the Cauchy bound, at most 10⁵).
pub fn positive_integer_roots(p: &Poly) -> Vec<i64> {
    if p.is_zero() {
        return Vec::new();
    }
    let lead = p.leading().to_f64().abs();
    let bound = p
        .coeffs()
        .iter()
        .map(|c| c.to_f64().abs() / lead)
        .fold(0.0f64, f64::max)
        + 1.0;
    let bound = bound.min(1e5) as i64;
    (1..=bound).filter(|&n| p.eval(n) == 0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poly::parse;

    /// `F = gcd(a, b(n), b(n+1)) = n(n+1)` is not removable as a whole (`F(n)F(n−1)` needs `n²`),
    /// but its factor `n` is.
    #[test]
    fn deflation_falls_back_to_linear_factors() {
        let a = parse("n*(n+1)*(2n+1)").unwrap();
        let b = parse("n*(n-1)*(n+1)*(n+5)").unwrap();
        let (a2, b2, f) = deflate(&a, &b);
        assert_eq!(a2, parse("(n+1)*(2n+1)").unwrap());
        assert_eq!(b2, parse("(n+1)*(n+5)").unwrap());
        assert_eq!(f, parse("n").unwrap());
    }

    /// Regression: with `p = n² + 1`, `a = p(n)p(n+1)`, `b = p(n−1)p(n)p(n+1)` the common factor
    /// `F = p(n)p(n+1)` is not removable whole (`F(n)F(n−1)` needs `p(n)²`) and has no linear factor,
    /// so deflation stopped with `p(n+1)` (removable: `p(n+1)p(n) | b`) still in `a` and `b`.
    #[test]
    fn deflation_removes_an_irreducible_quadratic_the_whole_gcd_and_linear_factors_miss() {
        let a = parse("(n^2+1)*((n+1)^2+1)").unwrap();
        let b = parse("((n-1)^2+1)*(n^2+1)*((n+1)^2+1)").unwrap();
        let (a2, b2, f) = deflate(&a, &b);
        assert_eq!(f, parse("(n+1)^2+1").unwrap());
        assert_eq!(a2, parse("n^2+1").unwrap());
        assert_eq!(b2, parse("(n-1)^2+1").unwrap());
        assert_eq!(a2.gcd(&b2).gcd(&b2.shift(1)).degree(), Some(0));
    }

    proptest::proptest! {
        /// The law of deflation: `a_in = f·a`, `b_in = f(n)f(n−1)·b`, and nothing removable is left:
        /// `gcd(a(n), b(n), b(n+1))` is constant (any non-constant irreducible factor `p` of it would
        /// be removable alone, `p(n)` and `p(n−1)` being coprime).
        #[test]
        fn deflation_leaves_no_common_factor(
            core_a in proptest::collection::vec(-6i64..=6, 1..4),
            core_b in proptest::collection::vec(-6i64..=6, 1..4),
            roots in proptest::collection::vec((-4i64..=4, 1i64..=3), 0..3),
            quad in 1i64..=5,
            k in 1i64..=6,
        ) {
            let core_a = Poly::from_i64(&core_a);
            let core_b = Poly::from_i64(&core_b);
            proptest::prop_assume!(!core_a.is_zero() && !core_b.is_zero());
            // f = k·(n² + quad)·∏(q·n − p), inflating a = f(n)·a₀ and b = f(n)f(n−1)·b₀·f(n+1)
            let mut f = &Poly::from_i64(&[quad, 0, 1]) * &Poly::constant(k);
            for (p, q) in roots {
                f = &f * &Poly::from_i64(&[-p, q]);
            }
            let a = &f * &core_a;
            let b = &(&(&f * &f.shift(-1)) * &f.shift(1)) * &core_b;
            let (a2, b2, g) = deflate(&a, &b);
            proptest::prop_assert_eq!(&(&g * &a2), &a);
            proptest::prop_assert_eq!(&(&(&g * &g.shift(-1)) * &b2), &b);
            proptest::prop_assert_eq!(a2.gcd(&b2).gcd(&b2.shift(1)).degree(), Some(0));
        }
    }

    #[test]
    fn integer_deflation_is_the_largest_k_with_k_dividing_a_and_k_squared_b() {
        let k = |a: u32, b: u32| integer_deflation(&Integer::from(a), &Integer::from(b));
        assert_eq!(k(8, 16), 4);
        assert_eq!(k(27, 27), 3);
        assert_eq!(k(6, 36), 6);
        assert_eq!(k(5, 7), 1);
        assert_eq!(
            positive_integer_roots(&parse("(n-1)*(n-4)*(2n+1)").unwrap()),
            vec![1, 4]
        );
    }
}
