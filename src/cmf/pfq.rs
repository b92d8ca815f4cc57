//! Generated hypergeometric fields `pFq(p, q, z)` (D-finite CMFs, algorithms.md §11.6).
//!
//! The generalised hypergeometric function `F = pFq(x₀ … x_{p−1}; y₀ … y_{q−1}; z)` satisfies
//!
//! `D(θ)F = 0`,   `D(θ) = θ·∏_{j<q}(θ + y_j − 1) − z·∏_{i<p}(θ + x_i)`,   `θ = z·d/dz`,
//!
//! a polynomial in `θ` of degree `N = max(p, q+1)`, or `q` when `z = 1` and `p = q+1` (the leading
//! terms cancel). `Θ` is the companion matrix of the monic `D/lc(D)` (sympy's convention: ones on the
//! subdiagonal, `−c_k` in the last column), so that `θ` acts on `(F, θF, …, θ^{N−1}F)` as `Θ`.
//! The contiguous relations `θF = x_i(S_{x_i} − 1)F` and `θF = (y_j − 1)(1 − S_{y_j}⁻¹)F` give the
//! axis matrices
//!
//! * `M_{x_i} = I + Θ/x_i` (the step `x_i → x_i + 1`);
//! * `B_{y_j} = I + Θ/(y_j − 1)` (the step `y_j → y_j − 1`), whose inverse after `y_j → y_j + 1` is the
//!   forward matrix `M_{y_j}`. The field keeps `B_{y_j}` (see [`Cmf::backward`]); walks invert it
//!   numerically at the points they visit.
//!
//! All entries are exact rational functions over ℚ in the variables `x₀ … x_{p−1}, y₀ … y_{q−1}`;
//! conservation of every axis pair is proved by [`Cmf::check`]. These are the matrices of
//! ramanujantools' `pFq(p, q, z)` (`cmf/pfq.py`).

use super::{Cmf, RatMatrix};
use crate::poly::multi::MPoly;
use crate::poly::ratfun::RatFun;
use rug::Rational;
use thiserror::Error;

/// Largest `p` and `q` accepted (the matrices are at most `(q+1)×(q+1)` or `p×p`).
pub const MAX_PARAMS: usize = 16;

/// Why a `pFq` field cannot be generated.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PfqError {
    /// The name is not `pfq(p, q, z)`.
    #[error("'{0}': expected pfq(p, q, z) with integers p, q ≥ 0 and a rational z = a or a/b, e.g. pfq(2,1,1/2) or pfq(3,2,1)")]
    Syntax(String),
    /// `p` or `q` out of range.
    #[error("'{input}': p = {p}, q = {q}: need p + q ≥ 1 and p, q ≤ {MAX_PARAMS}")]
    Size {
        /// The text given.
        input: String,
        /// Numerator parameters.
        p: usize,
        /// Denominator parameters.
        q: usize,
    },
    /// `z = 0` makes the operator independent of the `x` axes.
    #[error("'{0}': z = 0 gives no field (the operator θ·∏(θ + y_j − 1) does not see the x axes); take z ≠ 0")]
    ZeroZ(String),
}

/// Rank (matrix size) of the `pFq(p, q, z)` field: `max(p, q+1)`, minus one if `z = 1` and `p = q+1`.
pub fn rank(p: usize, q: usize, z: &Rational) -> usize {
    let n = p.max(q + 1);
    if *z == 1 && p == q + 1 {
        n - 1
    } else {
        n
    }
}

/// Axis names `x0 … x{p−1}, y0 … y{q−1}`.
pub fn axis_names(p: usize, q: usize) -> Vec<String> {
    (0..p)
        .map(|i| format!("x{i}"))
        .chain((0..q).map(|j| format!("y{j}")))
        .collect()
}

/// The canonical name `pfq(p,q,z)` of a field.
pub fn name(p: usize, q: usize, z: &Rational) -> String {
    format!("pfq({p},{q},{z})")
}

/// Reads `pfq(p, q, z)` (case-insensitive, spaces allowed). `None` if the text does not start with
/// `pfq(`; an error if it does but is malformed.
pub fn parse_name(s: &str) -> Option<Result<(usize, usize, Rational), PfqError>> {
    let t = s.trim();
    if t.len() < 4 || !t[..4].eq_ignore_ascii_case("pfq(") {
        return None;
    }
    let syntax = || PfqError::Syntax(s.to_string());
    let parse = || -> Result<(usize, usize, Rational), PfqError> {
        let inner = t[4..].strip_suffix(')').ok_or_else(syntax)?;
        let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
        let [p, q, z] = parts[..] else {
            return Err(syntax());
        };
        let p: usize = p.parse().map_err(|_| syntax())?;
        let q: usize = q.parse().map_err(|_| syntax())?;
        let z = super::spec::parse_rational(z).ok_or_else(syntax)?;
        if p + q == 0 || p > MAX_PARAMS || q > MAX_PARAMS {
            return Err(PfqError::Size {
                input: s.to_string(),
                p,
                q,
            });
        }
        if z == 0 {
            return Err(PfqError::ZeroZ(s.to_string()));
        }
        Ok((p, q, z))
    };
    Some(parse())
}

/// `Σ_k c_k θ^k` with polynomial coefficients, lowest power first.
type ThetaPoly = Vec<MPoly>;

fn theta_mul_linear(a: &ThetaPoly, c: &MPoly) -> ThetaPoly {
    // a(θ)·(θ + c)
    let nv = c.nvars();
    let mut out = vec![MPoly::zero(nv); a.len() + 1];
    for (k, ak) in a.iter().enumerate() {
        out[k + 1] = &out[k + 1] + ak;
        out[k] = &out[k] + &(ak * c);
    }
    out
}

/// The operator `D(θ) = θ·∏(θ + y_j − 1) − z·∏(θ + x_i)` as coefficients of `θ^k`.
pub fn operator(p: usize, q: usize, z: &Rational) -> Vec<MPoly> {
    let nv = p + q;
    let one = MPoly::constant(nv, 1);
    let mut left: ThetaPoly = vec![MPoly::zero(nv), one.clone()];
    for j in 0..q {
        left = theta_mul_linear(&left, &(&MPoly::var(nv, p + j) - &one));
    }
    let mut right: ThetaPoly = vec![MPoly::constant(nv, z.clone())];
    for i in 0..p {
        right = theta_mul_linear(&right, &MPoly::var(nv, i));
    }
    let len = left.len().max(right.len());
    let zero = MPoly::zero(nv);
    let mut d: Vec<MPoly> = (0..len)
        .map(|k| left.get(k).unwrap_or(&zero) - right.get(k).unwrap_or(&zero))
        .collect();
    while d.last().is_some_and(MPoly::is_zero) {
        d.pop();
    }
    d
}

/// `Θ`, the companion matrix of `D/lc(D)`: `Θ[k+1][k] = 1`, `Θ[k][N−1] = −c_k/c_N`.
pub fn theta_matrix(p: usize, q: usize, z: &Rational) -> RatMatrix {
    companion(&operator(p, q, z), p + q)
}

/// The companion matrix of the monic `D/lc(D)` for `D = Σ d_k θ^k` (`d` without trailing zeros).
pub(crate) fn companion(d: &[MPoly], nv: usize) -> RatMatrix {
    let n = d.len() - 1;
    let lc = RatFun::poly(d[n].clone());
    let rows = (0..n)
        .map(|r| {
            (0..n)
                .map(|c| {
                    if c == n - 1 {
                        -&RatFun::poly(d[r].clone())
                            .div(&lc)
                            .expect("the leading coefficient is not zero")
                    } else {
                        RatFun::constant(nv, i64::from(r == c + 1))
                    }
                })
                .collect()
        })
        .collect();
    RatMatrix::from_rows(rows).expect("square")
}

/// `α·Θ + β·I`.
pub(crate) fn affine(theta: &RatMatrix, alpha: &RatFun, beta: &RatFun) -> RatMatrix {
    let n = theta.dim();
    let zero = RatFun::constant(alpha.nvars(), 0);
    let rows = (0..n)
        .map(|r| {
            (0..n)
                .map(|c| &(theta.get(r, c) * alpha) + if r == c { beta } else { &zero })
                .collect()
        })
        .collect();
    RatMatrix::from_rows(rows).expect("square")
}

/// The field `pFq(p, q, z)`: axes `x0 … x{p−1}` with `M_{x_i} = I + Θ/x_i` and backward axes
/// `y0 … y{q−1}` with `B_{y_j} = I + Θ/(y_j − 1)` (module documentation). Conservative by
/// construction; [`Cmf::check`] proves it.
pub fn pfq(p: usize, q: usize, z: &Rational) -> Result<Cmf, PfqError> {
    let label = name(p, q, z);
    if p + q == 0 || p > MAX_PARAMS || q > MAX_PARAMS {
        return Err(PfqError::Size { input: label, p, q });
    }
    if *z == 0 {
        return Err(PfqError::ZeroZ(label));
    }
    let theta = theta_matrix(p, q, z);
    debug_assert_eq!(theta.dim(), rank(p, q, z));
    let nv = p + q;
    let one = RatFun::constant(nv, 1);
    let axis_matrix = |den: RatFun| affine(&theta, &den.recip().expect("not zero"), &one);
    let mut matrices = Vec::with_capacity(nv);
    for i in 0..p {
        matrices.push(axis_matrix(RatFun::var(nv, i)));
    }
    for j in 0..q {
        matrices.push(axis_matrix(&RatFun::var(nv, p + j) - &one));
    }
    Ok(Cmf {
        name: label,
        axes: axis_names(p, q),
        params: Vec::new(),
        matrices,
        backward: (0..nv).map(|k| k >= p).collect(),
        generator: Some(super::spec::Generated::Pfq(p, q, z.clone())),
        limit: None,
        constant: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_rule_of_predict_rank() {
        let one = Rational::from(1);
        let m1 = Rational::from(-1);
        for p in 1..5 {
            for q in 1..5 {
                for z in [&one, &m1] {
                    assert_eq!(theta_matrix(p, q, z).dim(), rank(p, q, z), "{p} {q} {z}");
                }
            }
        }
        assert_eq!(rank(3, 2, &one), 2);
        assert_eq!(rank(8, 7, &one), 7);
        assert_eq!(rank(2, 2, &m1), 3);
    }

    #[test]
    fn names_parse_and_errors_say_what_is_wrong() {
        let (p, q, z) = parse_name("pFq(2, 1, 1/2)").unwrap().unwrap();
        assert_eq!((p, q, z), (2, 1, Rational::from((1, 2))));
        assert_eq!(parse_name("zeta3"), None);
        for bad in [
            "pfq(2,1)",
            "pfq(a,1,1)",
            "pfq(2,1,x)",
            "pfq(2,1,1/0)",
            "pfq(2,1,1",
        ] {
            assert!(
                matches!(parse_name(bad), Some(Err(PfqError::Syntax(_)))),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_name("pfq(0,0,1)"),
            Some(Err(PfqError::Size { .. }))
        ));
        assert!(matches!(
            parse_name("pfq(2,1,0)"),
            Some(Err(PfqError::ZeroZ(_)))
        ));
    }
}
