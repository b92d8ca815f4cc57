//! Generated Meijer-G fields `MeijerG(m, n, p, q, z)` (D-finite CMFs, algorithms.md §11.6).
//!
//! `G = G^{m,n}_{p,q}(a₀ … a_{p−1}; b₀ … b_{q−1} | z)` satisfies `D(θ)G = 0` with
//!
//! `D(θ) = (−1)^{p−m−n}·z·∏_{i<p}(θ − a_i + 1) − ∏_{j<q}(θ − b_j)`,   `θ = z·d/dz`.
//!
//! With `Θ` the companion matrix of the monic `D/lc(D)` (as for [`super::pfq`]), the contiguous
//! relations of `G` give
//!
//! * for `b_j` (forward steps `b_j → b_j + 1`): `M_{b_j} = s_j·(Θ − b_j·I)`, `s_j = 1` if `j ≥ m`,
//!   else `−1`;
//! * for `a_i` (backward steps `a_i → a_i − 1`): `B_{a_i} = s_i·(Θ − (a_i − 1)·I)`, `s_i = −1` if
//!   `i ≥ n`, else `1`.
//!
//! These are the matrices of ramanujantools' `MeijerG(m, n, p, q, z)` (`cmf/meijer_g.py`);
//! [`Cmf::check`] proves their conservation exactly.

use super::pfq::{affine, companion, PfqError, MAX_PARAMS};
use super::Cmf;
use crate::poly::multi::MPoly;
use crate::poly::ratfun::RatFun;
use rug::Rational;

/// Axis names `a0 … a{p−1}, b0 … b{q−1}`.
pub fn axis_names(p: usize, q: usize) -> Vec<String> {
    (0..p)
        .map(|i| format!("a{i}"))
        .chain((0..q).map(|j| format!("b{j}")))
        .collect()
}

/// The canonical name `meijerg(m,n,p,q,z)`.
pub fn name(m: usize, n: usize, p: usize, q: usize, z: &Rational) -> String {
    format!("meijerg({m},{n},{p},{q},{z})")
}

/// `(m, n, p, q, z)` of a Meijer-G field.
pub type MeijerParams = (usize, usize, usize, usize, Rational);

/// Reads `meijerg(m, n, p, q, z)` (case-insensitive). `None` if the text does not start with
/// `meijerg(`.
pub fn parse_name(s: &str) -> Option<Result<MeijerParams, PfqError>> {
    let t = s.trim();
    if t.len() < 8 || !t[..8].eq_ignore_ascii_case("meijerg(") {
        return None;
    }
    let syntax = || PfqError::Syntax(s.to_string());
    let parse = || {
        let inner = t[8..].strip_suffix(')').ok_or_else(syntax)?;
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let [m, n, p, q, z] = parts[..] else {
            return Err(syntax());
        };
        let int = |v: &str| v.parse::<usize>().map_err(|_| syntax());
        let (m, n, p, q) = (int(m)?, int(n)?, int(p)?, int(q)?);
        let z = super::spec::parse_rational(z).ok_or_else(syntax)?;
        validate(s, m, n, p, q, &z)?;
        Ok((m, n, p, q, z))
    };
    Some(parse())
}

fn validate(s: &str, m: usize, n: usize, p: usize, q: usize, z: &Rational) -> Result<(), PfqError> {
    if p == 0 || q == 0 || n > p || m > q || p > MAX_PARAMS || q > MAX_PARAMS {
        return Err(PfqError::Size {
            input: format!("{s} (Meijer-G needs p, q ≥ 1, 0 ≤ n ≤ p, 0 ≤ m ≤ q)"),
            p,
            q,
        });
    }
    if *z == 0 {
        return Err(PfqError::ZeroZ(s.to_string()));
    }
    Ok(())
}

/// `D(θ)` as coefficients of `θ^k` (module documentation).
pub fn operator(m: usize, n: usize, p: usize, q: usize, z: &Rational) -> Vec<MPoly> {
    let nv = p + q;
    let one = MPoly::constant(nv, 1);
    let sign = if (p + m + n).is_multiple_of(2) { 1 } else { -1 };
    let mut left = vec![MPoly::constant(nv, Rational::from(z * sign))];
    for i in 0..p {
        // θ − a_i + 1
        left = times_linear(&left, &(&one - &MPoly::var(nv, i)));
    }
    let mut right = vec![one.clone()];
    for j in 0..q {
        right = times_linear(&right, &-&MPoly::var(nv, p + j));
    }
    let zero = MPoly::zero(nv);
    let len = left.len().max(right.len());
    let mut d: Vec<MPoly> = (0..len)
        .map(|k| left.get(k).unwrap_or(&zero) - right.get(k).unwrap_or(&zero))
        .collect();
    while d.last().is_some_and(MPoly::is_zero) {
        d.pop();
    }
    d
}

fn times_linear(a: &[MPoly], c: &MPoly) -> Vec<MPoly> {
    let mut out = vec![MPoly::zero(c.nvars()); a.len() + 1];
    for (k, ak) in a.iter().enumerate() {
        out[k + 1] = &out[k + 1] + ak;
        out[k] = &out[k] + &(ak * c);
    }
    out
}

/// The field `MeijerG(m, n, p, q, z)`: backward axes `a_i`, forward axes `b_j` (module documentation).
pub fn meijer_g(m: usize, n: usize, p: usize, q: usize, z: &Rational) -> Result<Cmf, PfqError> {
    let label = name(m, n, p, q, z);
    validate(&label, m, n, p, q, z)?;
    let nv = p + q;
    let theta = companion(&operator(m, n, p, q, z), nv);
    let mut matrices = Vec::with_capacity(nv);
    for i in 0..p {
        let s = RatFun::constant(nv, if i >= n { -1 } else { 1 });
        let shift = &RatFun::var(nv, i) - &RatFun::constant(nv, 1);
        matrices.push(affine(&theta, &s, &-&(&s * &shift)));
    }
    for j in 0..q {
        let s = RatFun::constant(nv, if j >= m { 1 } else { -1 });
        let b = RatFun::var(nv, p + j);
        matrices.push(affine(&theta, &s, &-&(&s * &b)));
    }
    Ok(Cmf {
        name: label,
        axes: axis_names(p, q),
        params: Vec::new(),
        matrices,
        backward: (0..nv).map(|k| k < p).collect(),
        generator: Some(super::spec::Generated::MeijerG(m, n, p, q, z.clone())),
        limit: None,
        constant: None,
    })
}
