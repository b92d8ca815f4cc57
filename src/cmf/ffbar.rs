//! The f, f̄ construction of a conservative matrix field around a given PCF (algorithms.md §11.3).
//!
//! Polynomials `f(x, y)`, `f̄(x, y)` are *conjugate* when
//!
//! * (linear)    `f(x, y) − f̄(x+1, y) = f(x+1, y−1) − f̄(x, y−1)`, and `a(x, y)` := either side;
//! * (quadratic) `f·f̄(x, y) − b(x)` depends on `y` only, for a polynomial `b(x)`.
//!
//! Then `M_X = [[0, b(x)], [1, a(x, y)]]`, `M_Y = [[f̄, b(x)], [1, f]]` is a conservative field: the
//! entries of `M_X(x,y)·M_Y(x+1,y) − M_Y(x,y)·M_X(x,y+1)` are the two sides of the linear
//! condition and `Δ_x(f·f̄) − Δ_x b`. (The usual normalisation `b(x) = f·f̄(x,0) − f·f̄(0,0)` fixes
//! the additive constant of `b`; any constant works, so `b(0) ≠ 0` is allowed here.) Every line
//! `y = y₀` is the PCF `(a(n, y₀), b(n))`, and `det M_Y = f·f̄ − b = h(y)`.
//!
//! [`solve`] finds `f`, `f̄` of total degree `d` whose line `y = 1` is a given PCF: the linear
//! condition and the line condition `a(x, 1) = a_PCF(x)` are a linear system over ℚ in the
//! coefficients of `f`, `f̄` (solved exactly: a particular solution plus a null-space basis with
//! parameters `t₁ … t_k`); the quadratic condition, "every coefficient of `x^i y^j` (`i, j ≥ 1`) of
//! `f·f̄` vanishes and the coefficient of `x^i` (`i ≥ 1`) is `b_i`", is a system of quadratic
//! polynomials in the `t`'s, solved by elimination: an equation linear in one parameter with a
//! constant coefficient is solved for it and substituted; an equation in one parameter is solved by
//! its rational roots (one branch per root); if neither exists, the parameter in the fewest
//! equations is tried at 0, 1, −1. The PCF is first deflated (§7.2): the field's line is the
//! deflated PCF, which is the input up to the inflation `c(n)`; constant inflations and the sign
//! of `a` need no special care, since `(λf, λf̄)` solves `(λa, λ²b)`, and shifts of `x` or `y` map
//! solutions to solutions. Every solution returned has been checked exactly ([`Cmf::check`] and
//! the two conditions).

use super::{Cmf, RatMatrix};
use crate::cmf::to_pcf::deflate;
use crate::pcf::Pcf;
use crate::poly::multi::MPoly;
use crate::poly::ratfun::RatFun;
use crate::poly::{small_divisors, Poly};
use rug::{Integer, Rational};
use std::collections::BTreeSet;
use thiserror::Error;

/// Largest total degree of `f`, `f̄` tried.
pub const MAX_DEGREE: u32 = 8;
/// The terms `(exponents, coefficient)` of a polynomial being assembled.
type Terms = Vec<(Vec<u32>, Rational)>;
/// Largest number of branches of the elimination followed.
const MAX_BRANCHES: usize = 64;

/// Options of [`solve`].
#[derive(Clone, Debug)]
pub struct FfbarOptions {
    /// Largest total degree of `f`, `f̄` (the smallest possible, `max(deg a, ⌈deg b/2⌉)`, is tried
    /// first, then one more for a solution whose lines differ).
    pub max_degree: u32,
}

impl Default for FfbarOptions {
    fn default() -> Self {
        FfbarOptions { max_degree: 6 }
    }
}

/// Why no f, f̄ pair was looked for.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum FfbarError {
    /// `a` or `b` is zero.
    #[error("PCF ({a}, {b}): a and b must be nonzero polynomials")]
    Degenerate {
        /// `a(n)`.
        a: String,
        /// `b(n)`.
        b: String,
    },
    /// The degree needed exceeds the bound.
    #[error(
        "PCF ({a}, {b}) needs f, f̄ of degree at least {needed} (max(deg a, ⌈deg b/2⌉)); the bound is {max}: raise the maximum degree"
    )]
    DegreeTooHigh {
        /// `a(n)`.
        a: String,
        /// `b(n)`.
        b: String,
        /// Smallest possible degree.
        needed: u32,
        /// The bound.
        max: u32,
    },
}

/// A conjugate pair `f`, `f̄` whose line `y = line` is a PCF, with the data relating it to the input.
#[derive(Clone, Debug)]
pub struct FfbarSolution {
    /// `f(x, y)` (variables `x`, `y`).
    pub f: MPoly,
    /// `f̄(x, y)`.
    pub fbar: MPoly,
    /// `a(x, y) = f(x, y) − f̄(x+1, y)`.
    pub a: MPoly,
    /// `b(x)` (as a polynomial in `x`, `y`).
    pub b: MPoly,
    /// `h(y) = f·f̄ − b(x) = det M_Y`.
    pub h: MPoly,
    /// The total degree tried.
    pub degree: u32,
    /// The line `y = line` whose `M_X(n, line)` is the deflated PCF's matrix.
    pub line: i64,
    /// The input PCF.
    pub input: Pcf,
    /// The deflated PCF (the line's PCF).
    pub deflated: Pcf,
    /// The inflation `c(n)`: `a_in = c(n)·a`, `b_in = c(n)·c(n−1)·b`, so
    /// `M_in(n) = c(n−1)·U(n)⁻¹·M_X(n, line)·U(n+1)` with `U(n) = diag(1, c(n−1))`.
    pub inflation: Poly,
    /// Whether `a(x, y)` depends on `y` (otherwise every line is the same PCF and only the other
    /// trajectories give new formulas).
    pub lines_differ: bool,
}

/// The variable names of the field's ring.
pub fn xy() -> Vec<String> {
    vec!["x".into(), "y".into()]
}

impl FfbarSolution {
    /// The field `M_X = [[0, b], [1, a]]`, `M_Y = [[f̄, b], [1, f]]` (axes `x`, `y`), named `name`.
    pub fn cmf(&self, name: &str) -> Cmf {
        let p = |m: &MPoly| RatFun::poly(m.clone());
        let one = RatFun::constant(2, 1);
        let zero = RatFun::constant(2, 0);
        let mx = RatMatrix::from_rows(vec![vec![zero, p(&self.b)], vec![one.clone(), p(&self.a)]])
            .expect("2×2");
        let my = RatMatrix::from_rows(vec![vec![p(&self.fbar), p(&self.b)], vec![one, p(&self.f)]])
            .expect("2×2");
        Cmf {
            name: name.to_string(),
            axes: xy(),
            params: Vec::new(),
            matrices: vec![mx, my],
            backward: vec![false, false],
            generator: None,
            limit: None,
            constant: None,
        }
    }

    /// The field as a field file (TOML, the format of `search-spaces/cmf/`), with `f`, `f̄`, `a`, `b`
    /// as definitions and the line of the PCF as the default walk.
    pub fn field_toml(&self, name: &str, description: &str) -> String {
        let v = xy();
        format!(
            "name = \"{name}\"\ndescription = \"{description}\"\nsource = \"f, fbar construction (algorithms.md §11.3)\"\naxes = [\"x\", \"y\"]\nwalk = {{ trajectory = [1, 0], start = [1, {line}] }}\ndefinitions = [\n    [\"f\", \"{f}\"],\n    [\"fbar\", \"{fbar}\"],\n    [\"a\", \"{a}\"],\n    [\"b\", \"{b}\"],\n]\n\n[matrices]\nx = [[\"0\", \"b\"], [\"1\", \"a\"]]\ny = [[\"fbar\", \"b\"], [\"1\", \"f\"]]\n",
            line = self.line,
            f = self.f.display(&v),
            fbar = self.fbar.display(&v),
            a = self.a.display(&v),
            b = self.b.display(&v),
        )
    }
}

/// The linear condition's defect `f(x,y) − f̄(x+1,y) − f(x+1,y−1) + f̄(x,y−1)` (zero for a pair).
pub fn linear_defect(f: &MPoly, fbar: &MPoly) -> MPoly {
    let one = Rational::from(1);
    let m1 = Rational::from(-1);
    let lhs = f - &fbar.shift(0, &one);
    let rhs = &f.shift(0, &one).shift(1, &m1) - &fbar.shift(1, &m1);
    &lhs - &rhs
}

/// The quadratic condition's defect: the part of `f·f̄ − b(x)` that is not a function of `y` alone
/// (the terms `x^i y^j` with `i ≥ 1`); zero for a pair with this `b`.
pub fn quadratic_defect(f: &MPoly, fbar: &MPoly, b: &MPoly) -> MPoly {
    let p = &(f * fbar) - b;
    MPoly::from_terms(
        2,
        p.terms()
            .filter(|(m, _)| m[0] >= 1)
            .map(|(m, c)| (m.clone(), c.clone())),
    )
}

/// `U(x)⁻¹·M_i(x)·U(x + e_i)` on every axis (`U(x)⁻¹·B_i(x)·U(x − e_i)` on a backward axis): the
/// coboundary of a field by `U` (algorithms.md §7.5),
/// again a conservative field. `None` if `U` is singular.
pub fn coboundary(cmf: &Cmf, u: &RatMatrix) -> Option<Cmf> {
    let inv = u.inverse()?;
    let matrices = cmf
        .matrices
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if cmf.backward[i] {
                // B'_i(x) = M'_i(x − e_i)⁻¹ = U(x)⁻¹·B_i(x)·U(x − e_i)
                inv.mul(m).mul(&u.shift(i, -1))
            } else {
                inv.mul(m).mul(&u.shift(i, 1))
            }
        })
        .collect();
    Some(Cmf {
        name: format!("{} (coboundary)", cmf.name),
        matrices,
        // The gauged matrices are no longer the generating operator's.
        generator: None,
        ..cmf.clone()
    })
}

/// Finds conjugate pairs whose line `y = 1` is the (deflated) PCF, best first: pairs whose lines
/// differ before pairs whose lines are all the PCF, then pairs with a non-constant `det M_Y`, then
/// the simplest. Degrees from `max(deg a, ⌈deg b/2⌉)` up: the search stops at the first degree
/// with a pair whose lines differ (and after one degree more than the first with any pair).
/// An empty list means no pair up to `opts.max_degree`.
pub fn solve(pcf: &Pcf, opts: &FfbarOptions) -> Result<Vec<FfbarSolution>, FfbarError> {
    if pcf.a.is_zero() || pcf.b.is_zero() {
        return Err(FfbarError::Degenerate {
            a: pcf.a.python(),
            b: pcf.b.python(),
        });
    }
    let (a, b, inflation) = deflate(&pcf.a, &pcf.b);
    let deflated = Pcf::new(a, b);
    let da = deflated.a.degree().unwrap_or(0) as u32;
    let db = deflated.b.degree().unwrap_or(0) as u32;
    let needed = da.max(db.div_ceil(2)).max(1);
    let max = opts.max_degree.min(MAX_DEGREE);
    if needed > max {
        return Err(FfbarError::DegreeTooHigh {
            a: pcf.a.python(),
            b: pcf.b.python(),
            needed,
            max,
        });
    }
    let line = 1i64;
    let mut found: Vec<FfbarSolution> = Vec::new();
    let mut first_any: Option<u32> = None;
    for d in needed..=max {
        if first_any.is_some_and(|f| d > f + 1) {
            break;
        }
        let pairs = solve_degree(&deflated, d, line);
        for (f, fbar) in pairs {
            let sol = finish(f, fbar, &deflated, d, line, pcf, &inflation);
            if let Some(s) = sol {
                if !found.iter().any(|o| o.f == s.f && o.fbar == s.fbar) {
                    found.push(s);
                }
            }
        }
        if !found.is_empty() && first_any.is_none() {
            first_any = Some(d);
        }
        if found.iter().any(|s| s.lines_differ) {
            break;
        }
    }
    found.sort_by_key(rank);
    Ok(found)
}

fn rank(s: &FfbarSolution) -> (bool, bool, usize, Integer, u32) {
    let height =
        s.f.terms()
            .chain(s.fbar.terms())
            .fold(Integer::new(), |acc, (_, c)| {
                acc + Integer::from(c.numer().abs_ref()) + Integer::from(c.denom() - 1u32)
            });
    (
        !s.lines_differ,
        s.h.as_constant().is_some(),
        s.f.len() + s.fbar.len(),
        height,
        s.degree,
    )
}

/// Builds and checks a solution; `None` if any identity fails (never expected).
fn finish(
    f: MPoly,
    fbar: MPoly,
    pcf: &Pcf,
    degree: u32,
    line: i64,
    input: &Pcf,
    inflation: &Poly,
) -> Option<FfbarSolution> {
    let a = &f - &fbar.shift(0, &Rational::from(1));
    let b = poly_in_x(&pcf.b);
    if !linear_defect(&f, &fbar).is_zero() || !quadratic_defect(&f, &fbar, &b).is_zero() {
        return None;
    }
    let h = &(&f * &fbar) - &b;
    if h.is_zero() {
        return None; // det M_Y ≡ 0: M_Y is singular, no field
    }
    // the line is the PCF
    let on_line = a.compose(&[MPoly::var(1, 0), MPoly::constant(1, line)]);
    if on_line != MPoly::from_poly(&pcf.a) {
        return None;
    }
    let lines_differ = a.degree_in(1).unwrap_or(0) > 0;
    let s = FfbarSolution {
        f,
        fbar,
        a,
        b,
        h,
        degree,
        line,
        input: input.clone(),
        deflated: pcf.clone(),
        inflation: inflation.clone(),
        lines_differ,
    };
    s.cmf("ffbar").check().ok()?;
    Some(s)
}

/// `p(n)` as a polynomial in `x` in the ring `(x, y)`.
fn poly_in_x(p: &Poly) -> MPoly {
    MPoly::from_terms(
        2,
        p.coeffs()
            .iter()
            .enumerate()
            .map(|(i, c)| (vec![i as u32, 0], Rational::from(c))),
    )
}

/// The monomials `x^i y^j`, `i + j ≤ d`.
fn monomials(d: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for i in 0..=d {
        for j in 0..=d - i {
            out.push((i, j));
        }
    }
    out
}

/// All pairs of total degree ≤ `d` with line `y = line` equal to `pcf`, after the remaining free
/// parameters are specialised (see [`specialise`]).
fn solve_degree(pcf: &Pcf, d: u32, line: i64) -> Vec<(MPoly, MPoly)> {
    let mons = monomials(d);
    let nm = mons.len();
    let nu = 2 * nm;
    let one = Rational::from(1);
    let m1 = Rational::from(-1);
    let mono = |i: u32, j: u32| MPoly::from_terms(2, [(vec![i, j], Rational::from(1))]);
    // rows: monomial of the identity → coefficient per unknown
    let mut rows: std::collections::BTreeMap<(u8, Vec<u32>), Vec<Rational>> = Default::default();
    let mut rhs: std::collections::BTreeMap<(u8, Vec<u32>), Rational> = Default::default();
    for (k, &(i, j)) in mons.iter().enumerate() {
        let m = mono(i, j);
        // f's contribution to the linear defect: m(x,y) − m(x+1,y−1)
        let lf = &m - &m.shift(0, &one).shift(1, &m1);
        // f̄'s: −m(x+1,y) + m(x,y−1)
        let lg = &m.shift(1, &m1) - &m.shift(0, &one);
        for (p, col) in [(lf, k), (lg, nm + k)] {
            for (mm, c) in p.terms() {
                rows.entry((0, mm.clone()))
                    .or_insert_with(|| vec![Rational::new(); nu])[col] += c;
            }
        }
        // line condition: f(x, line) − f̄(x+1, line) = a(x)
        let mut yl = Rational::from(1);
        for _ in 0..j {
            yl *= line;
        }
        rows.entry((1, vec![i]))
            .or_insert_with(|| vec![Rational::new(); nu])[k] += &yl;
        let mx = MPoly::from_terms(1, [(vec![i], Rational::from(1))]).shift(0, &one);
        for (mm, c) in mx.terms() {
            rows.entry((1, mm.clone()))
                .or_insert_with(|| vec![Rational::new(); nu])[nm + k] -= Rational::from(c * &yl);
        }
    }
    for (e, c) in pcf.a.coeffs().iter().enumerate() {
        if *c != 0 {
            rows.entry((1, vec![e as u32]))
                .or_insert_with(|| vec![Rational::new(); nu]);
            rhs.insert((1, vec![e as u32]), Rational::from(c));
        }
    }
    let keys: Vec<_> = rows.keys().cloned().collect();
    let mat: Vec<Vec<Rational>> = keys.iter().map(|k| rows[k].clone()).collect();
    let b: Vec<Rational> = keys
        .iter()
        .map(|k| rhs.get(k).cloned().unwrap_or_default())
        .collect();
    let Some((x0, basis)) = solve_linear(mat, b, nu) else {
        return Vec::new();
    };
    // f, f̄ in the ring (x, y, t₁ … t_k)
    let k = basis.len();
    let nv = 2 + k;
    let build = |off: usize| -> MPoly {
        let mut terms = Vec::new();
        for (idx, &(i, j)) in mons.iter().enumerate() {
            let mut m = vec![0u32; nv];
            m[0] = i;
            m[1] = j;
            terms.push((m.clone(), x0[off + idx].clone()));
            for (t, v) in basis.iter().enumerate() {
                let mut mt = m.clone();
                mt[2 + t] = 1;
                terms.push((mt, v[off + idx].clone()));
            }
        }
        MPoly::from_terms(nv, terms)
    };
    let (f, g) = (build(0), build(nm));
    // quadratic equations in t: the coefficients of x^i y^j (i ≥ 1) of f·f̄ − b, from the dense
    // coefficient vectors of the particular solution (t₀ = 1) and the null-space basis
    let vectors: Vec<&Vec<Rational>> = std::iter::once(&x0).chain(basis.iter()).collect();
    let tmono = |p: usize, q: usize| -> Vec<u32> {
        let mut m = vec![0u32; k];
        if p > 0 {
            m[p - 1] += 1;
        }
        if q > 0 {
            m[q - 1] += 1;
        }
        m
    };
    let mut eqs: std::collections::BTreeMap<(u32, u32), Terms> = Default::default();
    for (p, vp) in vectors.iter().enumerate() {
        for (q, vq) in vectors.iter().enumerate() {
            for (ia, &(i1, j1)) in mons.iter().enumerate() {
                let cf = &vp[ia];
                if *cf == 0 {
                    continue;
                }
                for (ib, &(i2, j2)) in mons.iter().enumerate() {
                    let cg = &vq[nm + ib];
                    if *cg == 0 || i1 + i2 == 0 {
                        continue;
                    }
                    eqs.entry((i1 + i2, j1 + j2))
                        .or_default()
                        .push((tmono(p, q), Rational::from(cf * cg)));
                }
            }
        }
    }
    for (e, c) in pcf.b.coeffs().iter().enumerate().skip(1) {
        if *c != 0 {
            eqs.entry((e as u32, 0))
                .or_default()
                .push((vec![0; k], -Rational::from(c)));
        }
    }
    let equations: Vec<MPoly> = eqs
        .into_values()
        .map(|t| MPoly::from_terms(k, t))
        .filter(|p| !p.is_zero())
        .collect();
    let ident: Vec<MPoly> = (0..k).map(|t| MPoly::var(k, t)).collect();
    let mut sols = Vec::new();
    eliminate(equations, ident, &mut sols);
    let mut out = Vec::new();
    for s in sols {
        // substitute t → s(t) into f, f̄ (x, y kept)
        let images: Vec<MPoly> = [MPoly::var(nv, 0), MPoly::var(nv, 1)]
            .into_iter()
            .chain(s.iter().map(|p| lift(p, nv)))
            .collect();
        let (fs, gs) = (f.compose(&images), g.compose(&images));
        for (ff, gg) in specialise(&fs, &gs, k) {
            out.push((ff, gg));
        }
    }
    out
}

/// `p(t)` in the ring `(x, y, t)`.
fn lift(p: &MPoly, nv: usize) -> MPoly {
    MPoly::from_terms(
        nv,
        p.terms().map(|(m, c)| {
            let mut mm = vec![0u32, 0];
            mm.extend_from_slice(m);
            (mm, c.clone())
        }),
    )
}

/// The parameters left free by the elimination, specialised: all 0, then each one alone at 1.
/// Every specialisation satisfies the conditions (the family is free in them); the ranking in
/// [`solve`] picks among them.
fn specialise(f: &MPoly, g: &MPoly, k: usize) -> Vec<(MPoly, MPoly)> {
    let used: BTreeSet<usize> = f
        .terms()
        .chain(g.terms())
        .flat_map(|(m, _)| (0..k).filter(|&t| m[2 + t] > 0).collect::<Vec<_>>())
        .collect();
    let mut choices: Vec<Vec<i64>> = vec![vec![0; k]];
    for &t in &used {
        let mut v = vec![0; k];
        v[t] = 1;
        choices.push(v);
    }
    choices
        .into_iter()
        .map(|v| {
            let images: Vec<MPoly> = [MPoly::var(2, 0), MPoly::var(2, 1)]
                .into_iter()
                .chain(v.iter().map(|&c| MPoly::constant(2, c)))
                .collect();
            (f.compose(&images), g.compose(&images))
        })
        .collect()
}

/// Solves the polynomial system `eqs = 0` (in `k` variables) by elimination; `sub` maps each
/// variable to its value so far (a polynomial in the variables still free). Pushes complete
/// substitutions to `out`.
fn eliminate(eqs: Vec<MPoly>, sub: Vec<MPoly>, out: &mut Vec<Vec<MPoly>>) {
    if out.len() >= MAX_BRANCHES {
        return;
    }
    let eqs: Vec<MPoly> = eqs.into_iter().filter(|e| !e.is_zero()).collect();
    if eqs.iter().any(|e| e.as_constant().is_some()) {
        return; // a nonzero constant: inconsistent
    }
    if eqs.is_empty() {
        out.push(sub);
        return;
    }
    let k = sub.len();
    // the variables of each equation, as bit masks (k ≤ 2·45 < 128 unknowns)
    let masks: Vec<u128> = eqs
        .iter()
        .map(|e| {
            e.terms().fold(0u128, |acc, (m, _)| {
                m.iter()
                    .enumerate()
                    .filter(|(_, &x)| x > 0)
                    .fold(acc, |a, (t, _)| a | (1u128 << t))
            })
        })
        .collect();
    let vars_of = |i: usize| -> Vec<usize> { (0..k).filter(|&t| masks[i] >> t & 1 == 1).collect() };
    let mut order: Vec<usize> = (0..eqs.len()).collect();
    order.sort_by_key(|&i| (masks[i].count_ones(), eqs[i].len(), i));
    // 1. an equation linear in a variable with a constant coefficient
    for &i in &order {
        let e = &eqs[i];
        for t in vars_of(i) {
            if e.degree_in(t) != Some(1) {
                continue;
            }
            let coef: Vec<&Rational> = e
                .terms()
                .filter(|(m, _)| m[t] == 1)
                .map(|(_, c)| c)
                .collect();
            let only_t = e
                .terms()
                .filter(|(m, _)| m[t] == 1)
                .all(|(m, _)| m.iter().enumerate().all(|(j, &x)| j == t || x == 0));
            if !only_t || coef.len() != 1 {
                continue;
            }
            // c·t + rest = 0 → t = −rest/c
            let c = coef[0].clone();
            let rest = MPoly::from_terms(
                k,
                e.terms()
                    .filter(|(m, _)| m[t] == 0)
                    .map(|(m, v)| (m.clone(), v.clone())),
            );
            let value = rest.scale(&(-Rational::from(c.recip_ref())));
            substitute_and_recurse(&eqs, &sub, t, &value, out);
            return;
        }
    }
    // 2. an equation in one variable: its rational roots
    for &i in &order {
        if masks[i].count_ones() == 1 {
            let t = masks[i].trailing_zeros() as usize;
            let uni = univariate(&eqs[i], t);
            for r in rational_roots(&uni) {
                if out.len() >= MAX_BRANCHES {
                    return;
                }
                substitute_and_recurse(&eqs, &sub, t, &MPoly::constant(k, r), out);
            }
            return;
        }
    }
    // 3. stuck: try small values of the variable in the fewest equations
    let mut counts = vec![0usize; k];
    for i in 0..eqs.len() {
        for t in vars_of(i) {
            counts[t] += 1;
        }
    }
    let Some(t) = (0..k).filter(|&t| counts[t] > 0).min_by_key(|&t| counts[t]) else {
        return;
    };
    for v in [0i64, 1, -1] {
        let before = out.len();
        substitute_and_recurse(&eqs, &sub, t, &MPoly::constant(k, v), out);
        if out.len() > before {
            return;
        }
    }
}

fn substitute_and_recurse(
    eqs: &[MPoly],
    sub: &[MPoly],
    t: usize,
    value: &MPoly,
    out: &mut Vec<Vec<MPoly>>,
) {
    let mut powers = vec![MPoly::constant(value.nvars(), 1)];
    let eqs2 = eqs
        .iter()
        .map(|e| subst(e, t, value, &mut powers))
        .collect();
    let sub2 = sub
        .iter()
        .map(|e| subst(e, t, value, &mut powers))
        .collect();
    eliminate(eqs2, sub2, out);
}

/// `p` with the variable `t` replaced by `value` (`powers` caches `value^e`); the terms are
/// collected once, so the cost is linear in the size of the result, up to the sort.
fn subst(p: &MPoly, t: usize, value: &MPoly, powers: &mut Vec<MPoly>) -> MPoly {
    let mut terms: Vec<(Vec<u32>, Rational)> = Vec::with_capacity(p.len());
    for (m, c) in p.terms() {
        let e = m[t] as usize;
        if e == 0 {
            terms.push((m.clone(), c.clone()));
            continue;
        }
        while powers.len() <= e {
            let next = powers.last().unwrap() * value;
            powers.push(next);
        }
        let mut rest = m.clone();
        rest[t] = 0;
        for (vm, vc) in powers[e].terms() {
            let mm: Vec<u32> = rest.iter().zip(vm).map(|(a, b)| a + b).collect();
            terms.push((mm, Rational::from(c * vc)));
        }
    }
    MPoly::from_terms(p.nvars(), terms)
}

/// The polynomial `e` (in the variable `t` only) as an integer polynomial.
fn univariate(e: &MPoly, t: usize) -> Poly {
    let (_, prim) = e.primitive();
    let deg = prim.degree_in(t).unwrap_or(0) as usize;
    let mut coeffs = vec![Integer::new(); deg + 1];
    for (m, c) in prim.terms() {
        coeffs[m[t] as usize] = c.numer().clone();
    }
    Poly::new(coeffs)
}

/// The distinct rational roots of an integer polynomial, in increasing order (candidates `p/q`
/// with `p | c₀`, `q | c_d` after removing the root 0; coefficients beyond 10¹² are not
/// factored and only the root 0 is reported).
pub fn rational_roots(p: &Poly) -> Vec<Rational> {
    let mut out = BTreeSet::new();
    if p.degree().unwrap_or(0) == 0 {
        return Vec::new();
    }
    let mut c = p.coeffs().to_vec();
    while c.len() > 1 && c[0] == 0 {
        out.insert(Rational::new());
        c.remove(0);
    }
    let q = Poly::new(c);
    if q.degree().unwrap_or(0) > 0 {
        if let (Some(ps), Some(qs)) = (small_divisors(&q.coeffs()[0]), small_divisors(&q.leading()))
        {
            for den in &qs {
                for num in &ps {
                    for sign in [1i64, -1] {
                        let r = Rational::from((Integer::from(*num * sign), Integer::from(*den)));
                        if eval_rational(&q, &r) == 0 {
                            out.insert(r);
                        }
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

fn eval_rational(p: &Poly, r: &Rational) -> Rational {
    let mut acc = Rational::new();
    for c in p.coeffs().iter().rev() {
        acc = acc * r + c;
    }
    acc
}

/// Solves `A·u = b` over ℚ (`n` unknowns): a particular solution and a basis of the null space, or
/// `None` if inconsistent. Reduced row echelon form by exact Gaussian elimination.
fn solve_linear(
    mut a: Vec<Vec<Rational>>,
    mut b: Vec<Rational>,
    n: usize,
) -> Option<(Vec<Rational>, Vec<Vec<Rational>>)> {
    let mut pivots: Vec<usize> = Vec::new();
    let mut r = 0;
    for col in 0..n {
        let Some(p) = (r..a.len()).find(|&i| a[i][col] != 0) else {
            continue;
        };
        a.swap(r, p);
        b.swap(r, p);
        let inv = Rational::from(a[r][col].recip_ref());
        for v in a[r].iter_mut() {
            *v *= &inv;
        }
        b[r] *= &inv;
        for i in 0..a.len() {
            if i != r && a[i][col] != 0 {
                let factor = a[i][col].clone();
                let (row_r, bi) = (a[r].clone(), b[r].clone());
                for (v, w) in a[i].iter_mut().zip(&row_r) {
                    if *w != 0 {
                        *v -= Rational::from(&factor * w);
                    }
                }
                b[i] -= factor * bi;
            }
        }
        pivots.push(col);
        r += 1;
        if r == a.len() {
            break;
        }
    }
    if b[r..].iter().any(|v| *v != 0) {
        return None;
    }
    let mut x0 = vec![Rational::new(); n];
    for (i, &c) in pivots.iter().enumerate() {
        x0[c] = b[i].clone();
    }
    let free: Vec<usize> = (0..n).filter(|c| !pivots.contains(c)).collect();
    let basis = free
        .iter()
        .map(|&fc| {
            let mut v = vec![Rational::new(); n];
            v[fc] = Rational::from(1);
            for (i, &c) in pivots.iter().enumerate() {
                v[c] = -a[i][fc].clone();
            }
            v
        })
        .collect();
    Some((x0, basis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rational_roots_of_products_of_linear_factors() {
        // (2t − 3)(t + 4)·t = 2t³ + 5t² − 12t
        let p = Poly::from_i64(&[0, -12, 5, 2]);
        let r: Vec<String> = rational_roots(&p).iter().map(|r| r.to_string()).collect();
        assert_eq!(r, vec!["-4", "0", "3/2"]);
        // t² − 2 has no rational root
        assert!(rational_roots(&Poly::from_i64(&[-2, 0, 1])).is_empty());
    }

    #[test]
    fn linear_solver_returns_particular_solution_and_null_space() {
        let q = |v: i64| Rational::from(v);
        // u0 + u1 = 2, u1 − u2 = 1
        let a = vec![vec![q(1), q(1), q(0)], vec![q(0), q(1), q(-1)]];
        let (x0, basis) = solve_linear(a, vec![q(2), q(1)], 3).unwrap();
        assert_eq!(x0, vec![q(1), q(1), q(0)]);
        assert_eq!(basis, vec![vec![q(-1), q(1), q(1)]]);
        // inconsistent: u0 = 1, u0 = 2
        assert!(solve_linear(vec![vec![q(1)], vec![q(1)]], vec![q(1), q(2)], 1).is_none());
    }
}
