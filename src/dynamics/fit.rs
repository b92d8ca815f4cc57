//! Ordinary linear least squares without intercept: y ≈ Σⱼ θⱼ·xⱼ (algorithms.md §9.2 steps 4 and 8).
//!
//! Solved by a QR factorisation (modified Gram–Schmidt) of the design matrix X; the parameter
//! variances are the diagonal of s²·(XᵀX)⁻¹ with s² = RSS/(m − k), as `scipy.optimize.curve_fit`
//! reports them for a linear model (0 when m = k).

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Errors of the least-squares fit.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum FitError {
    /// Fewer observations than parameters, or mismatched column lengths.
    #[error("least squares needs at least as many observations as parameters ({params}) and equal column lengths; got {rows} observations")]
    Shape {
        /// Number of parameters.
        params: usize,
        /// Number of observations.
        rows: usize,
    },
    /// The design matrix has (numerically) dependent columns.
    #[error("design matrix is rank deficient")]
    RankDeficient,
    /// An observation or regressor is NaN or infinite.
    #[error("least squares input contains a non-finite value")]
    NonFinite,
}

/// Result of a least-squares fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeastSquares {
    /// Fitted parameters θ, one per column.
    pub params: Vec<f64>,
    /// Variances of the parameters: diag(s²·(XᵀX)⁻¹), s² = RSS/(m − k).
    pub variances: Vec<f64>,
    /// Residual sum of squares Σ (y − Xθ)².
    pub rss: f64,
}

/// Minimises Σᵢ (yᵢ − Σⱼ θⱼ·columns\[j\]\[i\])² (no intercept unless a column of ones is passed).
pub fn least_squares(columns: &[Vec<f64>], y: &[f64]) -> Result<LeastSquares, FitError> {
    let k = columns.len();
    let m = y.len();
    if k == 0 || m < k || columns.iter().any(|c| c.len() != m) {
        return Err(FitError::Shape { params: k, rows: m });
    }
    if y.iter()
        .chain(columns.iter().flatten())
        .any(|v| !v.is_finite())
    {
        return Err(FitError::NonFinite);
    }
    // Modified Gram–Schmidt: X = Q R, Q m×k orthonormal columns, R k×k upper triangular.
    let mut q: Vec<Vec<f64>> = columns.to_vec();
    let mut r = vec![vec![0.0; k]; k];
    for j in 0..k {
        let norm0: f64 = columns[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        for i in 0..j {
            let dot: f64 = q[i].iter().zip(&q[j]).map(|(u, v)| u * v).sum();
            r[i][j] = dot;
            let qi = q[i].clone();
            for (v, u) in q[j].iter_mut().zip(&qi) {
                *v -= dot * u;
            }
        }
        let norm: f64 = q[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm == 0.0 || norm <= 1e-12 * norm0 {
            return Err(FitError::RankDeficient);
        }
        r[j][j] = norm;
        for v in q[j].iter_mut() {
            *v /= norm;
        }
    }
    // θ = R⁻¹ Qᵀ y.
    let qty: Vec<f64> = q
        .iter()
        .map(|qj| qj.iter().zip(y).map(|(u, v)| u * v).sum())
        .collect();
    let mut theta = vec![0.0; k];
    for j in (0..k).rev() {
        let s: f64 = (j + 1..k).map(|l| r[j][l] * theta[l]).sum();
        theta[j] = (qty[j] - s) / r[j][j];
    }
    let rss: f64 = (0..m)
        .map(|i| {
            let fit: f64 = (0..k).map(|j| theta[j] * columns[j][i]).sum();
            (y[i] - fit).powi(2)
        })
        .sum();
    // (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ; its diagonal is the squared row norms of R⁻¹.
    let mut rinv = vec![vec![0.0; k]; k];
    for j in 0..k {
        rinv[j][j] = 1.0 / r[j][j];
        for i in (0..j).rev() {
            let s: f64 = (i + 1..=j).map(|l| r[i][l] * rinv[l][j]).sum();
            rinv[i][j] = -s / r[i][i];
        }
    }
    let s2 = if m > k { rss / (m - k) as f64 } else { 0.0 };
    let variances = (0..k)
        .map(|i| s2 * (i..k).map(|j| rinv[i][j].powi(2)).sum::<f64>())
        .collect();
    Ok(LeastSquares {
        params: theta,
        variances,
        rss,
    })
}
