//! Rational start points: a walk from `s = ⌊s⌋ + r` (`0 ≤ rᵢ < 1`) is the walk from the integer
//! point `⌊s⌋` of the field shifted by `r`,
//!
//! `M'_i(x) = M_i(x + r)`,
//!
//! exact over ℚ. The shifted field is conservative whenever the field is (the identity
//! `M_i(x)·M_j(x + e_i) = M_j(x)·M_i(x + e_j)` holds for every `x`, in particular at `x + r`), and
//! its walks from integer points are the original field's walks from the rational points.

use super::Cmf;
use rug::{Integer, Rational};
use thiserror::Error;

/// A start point that cannot be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StartError {
    /// A coordinate is not an integer or `p/q` with `q ≠ 0`.
    #[error("start '{text}': coordinate {index} is '{coordinate}', expected an integer or p/q with q ≠ 0 (e.g. 1/2,1,3/2)")]
    Coordinate {
        /// The whole start text.
        text: String,
        /// The 1-based position of the bad coordinate.
        index: usize,
        /// The coordinate as given.
        coordinate: String,
    },
    /// The integer part does not fit in 64 bits.
    #[error("start coordinate {0} is too large (|⌊s⌋| must fit in 64 bits)")]
    TooLarge(String),
}

/// Reads a start point `1/2,1,-3/2` (comma-separated integers or fractions).
pub fn parse_start(text: &str) -> Result<Vec<Rational>, StartError> {
    text.split(',')
        .enumerate()
        .map(|(i, c)| {
            super::spec::parse_rational(c).ok_or_else(|| StartError::Coordinate {
                text: text.to_string(),
                index: i + 1,
                coordinate: c.trim().to_string(),
            })
        })
        .collect()
}

/// `(⌊s⌋, s − ⌊s⌋)` coordinate by coordinate.
pub fn split_start(start: &[Rational]) -> Result<(Vec<i64>, Vec<Rational>), StartError> {
    let mut ints = Vec::with_capacity(start.len());
    let mut fracs = Vec::with_capacity(start.len());
    for s in start {
        let f = Integer::from(s.floor_ref());
        let i = f
            .to_i64()
            .ok_or_else(|| StartError::TooLarge(s.to_string()))?;
        fracs.push(Rational::from(s - &f));
        ints.push(i);
    }
    Ok((ints, fracs))
}

/// The field with every axis variable `x_j` replaced by `x_j + r_j` (module documentation).
/// `r` has one entry per axis; the field is returned unchanged when `r = 0`. The shifted field
/// evaluates its matrices from the expanded entries (a generated field's operator shortcut
/// describes the unshifted field), and is named `NAME shifted by (r…)`.
pub fn shifted(cmf: &Cmf, r: &[Rational]) -> Cmf {
    assert_eq!(r.len(), cmf.dim(), "one shift per axis");
    if r.iter().all(|v| *v == 0) {
        return cmf.clone();
    }
    let matrices = cmf
        .matrices
        .iter()
        .map(|m| {
            m.map(|e| {
                r.iter()
                    .enumerate()
                    .filter(|(_, v)| **v != 0)
                    .fold(e.clone(), |acc, (j, v)| acc.shift(j, v))
            })
        })
        .collect();
    Cmf {
        name: format!("{} shifted by ({})", cmf.name, show(r)),
        axes: cmf.axes.clone(),
        params: cmf.params.clone(),
        matrices,
        backward: cmf.backward.clone(),
        generator: None,
        limit: cmf.limit.clone(),
        constant: cmf.constant.clone(),
    }
}

/// `1/2,0,3/2`.
pub fn show(v: &[Rational]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_split_into_floor_and_fraction() {
        let s = parse_start("1/2, -3/2,2").unwrap();
        let (i, f) = split_start(&s).unwrap();
        assert_eq!(i, [0, -2, 2]);
        assert_eq!(
            f,
            [
                Rational::from((1, 2)),
                Rational::from((1, 2)),
                Rational::new()
            ]
        );
        let err = parse_start("1/0,2").unwrap_err();
        assert!(err.to_string().contains("coordinate 1 is '1/0'"), "{err}");
        assert!(parse_start("1,x").is_err());
    }
}
