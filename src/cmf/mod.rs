//! Conservative matrix fields (CMFs).
//!
//! A CMF on axes `x₁ … x_k` is one square matrix of rational functions `M_i(x)` per axis such that
//! for every pair of axes `i < j`
//!
//! `M_i(x) · M_j(x + e_i) = M_j(x) · M_i(x + e_j)`   identically in `x`,
//!
//! so the product of step matrices along a lattice path depends only on its end points, and every
//! trajectory is a formula for the same constant (O. David, arXiv:2303.09318; Elimelech et al.,
//! arXiv:2308.11829).
//!
//! * [`Cmf`] holds the matrices, [`Cmf::check`] proves conservation exactly;
//! * [`spec`]: field files (TOML) and the bundled fields;
//! * [`walk`]: exact trajectory products, walk values and limits with honest digits;
//! * [`to_pcf`]: the PCF of a trajectory (inflated, then deflated);
//! * [`pfq`]: the generated hypergeometric fields `pFq(p, q, z)` (θ-operator companion matrices);
//! * [`pfq_value`]: `pFq` values at rational parameters; [`pfq_limit`]: a `pFq` walk's limit
//!   identified with the hypergeometric values at its start;
//! * [`meijer`]: the generated Meijer-G fields `meijerg(m, n, p, q, z)`; [`meijer_value`]: Meijer-G
//!   values at rational parameters (Slater's theorem), which identify their walks' limits;
//! * [`shift`]: rational start points (the field shifted by the fractional part);
//! * [`search`]: enumerating a field's (trajectory, start) pairs into catalog conjectures.

pub mod ffbar;
pub mod generalize;
pub mod matrix;
pub mod meijer;
pub mod meijer_value;
pub mod pfq;
pub mod pfq_limit;
pub mod pfq_value;
pub mod search;
pub mod shift;
pub mod spec;
pub mod to_pcf;
pub mod walk;

pub use matrix::{PolyMatrix, RatMatrix};
pub use spec::{bundled, load, CmfError, CmfSpec};

use crate::poly::multi::MPoly;
use std::fmt;

/// A conservative matrix field: axis names, one matrix per axis, and what its walks converge to.
///
/// The polynomial ring has the variables `axes ++ params` (free, symbolic parameters last).
#[derive(Clone, Debug)]
pub struct Cmf {
    /// Field name.
    pub name: String,
    /// Axis names (the first variables of the ring).
    pub axes: Vec<String>,
    /// Parameters left symbolic (the remaining variables); walks need none.
    pub params: Vec<String>,
    /// One matrix per axis: `M_i`, or for the axes marked in [`Cmf::backward`] the backward matrix
    /// `B_i` with `M_i(x) = B_i(x + e_i)⁻¹` (use [`Cmf::forward_matrix`] for `M_i` itself).
    pub matrices: Vec<RatMatrix>,
    /// Per axis: whether `matrices[i]` is the backward matrix `B_i` (a step `x_i → x_i − 1` multiplies
    /// by `B_i(x)`). The `y` axes of `pFq` fields are given so, as the θ-operator defines them; the
    /// forward matrix is an inverse that is never needed symbolically for a walk.
    pub backward: Vec<bool>,
    /// The operator a generated field comes from (`None` for fields read from files); walks use it
    /// to evaluate the matrices at a point without expanding them.
    pub generator: Option<spec::Generated>,
    /// The walks' limit as an expression of the constant library (`(1 - zeta(3))/zeta(3)`), if known.
    pub limit: Option<String>,
    /// The constant (a library name or expression, `zeta3`, `log(1 + 3/2)`) the limit is a Möbius
    /// transform of, for identification.
    pub constant: Option<String>,
}

/// Why a field is not conservative: the first axis pair and entry where
/// `M_i(x)·M_j(x + e_i) ≠ M_j(x)·M_i(x + e_j)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotConservative {
    /// The first axis name.
    pub axis_i: String,
    /// The second axis name.
    pub axis_j: String,
    /// The entry `(row, column)` (0-based) where the two products differ.
    pub entry: (usize, usize),
    /// `(M_i(x)·M_j(x+e_i) − M_j(x)·M_i(x+e_j))` at that entry, times the common denominator.
    pub difference: String,
}

impl fmt::Display for NotConservative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "axes ({i}, {j}): M_{i}(x)·M_{j}(x+e_{i}) ≠ M_{j}(x)·M_{i}(x+e_{j}) at entry [{r}][{c}] (difference × denominator = {d})",
            i = self.axis_i,
            j = self.axis_j,
            r = self.entry.0,
            c = self.entry.1,
            d = self.difference
        )
    }
}

/// Visits the moves of one trajectory step in the given axis order, with `x` at the step's start:
/// `visit(axis, invert, x)` gets the point at which that axis's matrix enters. Forward axes
/// contribute `M_i(X)` on a forward move and `M_i(X − e_i)⁻¹` on a backward one; backward axes
/// (matrices stored for the step `X + e_i → X`) contribute `B_i(X + e_i)⁻¹` forward and `B_i(X)`
/// backward, `X` being the current point. `x` ends at the step's end point `start + traj` (unless
/// `visit` fails, which stops the walk and is returned).
pub(crate) fn try_for_each_move<T, E>(
    backward: &[bool],
    traj: &[i64],
    order: &[usize],
    x: &mut [T],
    mut visit: impl FnMut(usize, bool, &[T]) -> Result<(), E>,
) -> Result<(), E>
where
    T: std::ops::AddAssign<i64> + std::ops::SubAssign<i64>,
{
    for &i in order {
        let (t, back) = (traj[i], backward[i]);
        for _ in 0..t.unsigned_abs() {
            // the matrix of this move is evaluated at X − e_i (forward axis, backward move) or
            // X + e_i (backward axis, forward move), else at X
            if t < 0 && !back {
                x[i] -= 1;
            }
            if t > 0 && back {
                x[i] += 1;
            }
            visit(i, (t > 0) == back, x)?;
            if t > 0 && !back {
                x[i] += 1;
            }
            if t < 0 && back {
                x[i] -= 1;
            }
        }
    }
    Ok(())
}

impl Cmf {
    /// All variable names: axes then free parameters.
    pub fn vars(&self) -> Vec<String> {
        self.axes.iter().chain(&self.params).cloned().collect()
    }

    /// Number of axes.
    pub fn dim(&self) -> usize {
        self.axes.len()
    }

    /// Matrix size.
    pub fn rank(&self) -> usize {
        self.matrices[0].dim()
    }

    /// Index of an axis by name.
    pub fn axis(&self, name: &str) -> Option<usize> {
        self.axes.iter().position(|a| a == name)
    }

    /// `M_i` (for a backward axis the symbolic inverse `B_i(x + e_i)⁻¹`; `None` if it is singular).
    pub fn forward_matrix(&self, i: usize) -> Option<RatMatrix> {
        if self.backward[i] {
            self.matrices[i].shift(i, 1).inverse()
        } else {
            Some(self.matrices[i].clone())
        }
    }

    /// Exact conservation check of every pair of axes: `M_i(x)·M_j(x+e_i) = M_j(x)·M_i(x+e_j)`.
    /// With `M_i = N_i/d_i` the identity is checked as
    ///
    /// `N_i(x)·N_j(x+e_i)·d_j(x)·d_i(x+e_j) = N_j(x)·N_i(x+e_j)·d_i(x)·d_j(x+e_i)`
    ///
    /// of polynomial matrices. For backward axes (`M_j(x) = B_j(x+e_j)⁻¹`) the same identity is
    /// checked without inverses: `B_j(x)·M_i(x−e_j) = M_i(x)·B_j(x+e_i)` when only `j` is backward,
    /// `B_j(x)·B_i(x−e_j) = B_i(x)·B_j(x−e_i)` when both are. Returns the first failing pair and entry.
    pub fn check(&self) -> Result<(), NotConservative> {
        let forms: Vec<PolyMatrix> = self.matrices.iter().map(|m| m.to_poly_form()).collect();
        for i in 0..self.dim() {
            for j in i + 1..self.dim() {
                // A(x + a)·B(x + b) = C(x + c)·D(x + d), each factor (matrix index, shift of axis i, of axis j)
                let sides: [(usize, i64, i64); 4] = match (self.backward[i], self.backward[j]) {
                    (false, false) => [(i, 0, 0), (j, 1, 0), (j, 0, 0), (i, 0, 1)],
                    (false, true) => [(j, 0, 0), (i, 0, -1), (i, 0, 0), (j, 1, 0)],
                    (true, false) => [(i, 0, 0), (j, -1, 0), (j, 0, 0), (i, 0, 1)],
                    (true, true) => [(j, 0, 0), (i, 0, -1), (i, 0, 0), (j, -1, 0)],
                };
                let f = |(k, si, sj): (usize, i64, i64)| forms[k].shift(i, si).shift(j, sj);
                let [a, b, c, d] = sides.map(f);
                let left_scale = &c.den * &d.den;
                let right_scale = &a.den * &b.den;
                let left = a.mul_num(&b);
                let right = c.mul_num(&d);
                for (k, (l, r)) in left.iter().zip(&right).enumerate() {
                    let diff = &(l * &left_scale) - &(r * &right_scale);
                    if !diff.is_zero() {
                        return Err(NotConservative {
                            axis_i: self.axes[i].clone(),
                            axis_j: self.axes[j].clone(),
                            entry: (k / a.dim, k % a.dim),
                            difference: diff.display(&self.vars()),
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// The polynomial `p` of this field's ring as text.
    pub fn show(&self, p: &MPoly) -> String {
        p.display(&self.vars())
    }
}
