//! Square integer matrices and their exact products.
//!
//! [`product`] holds the one balanced product tree of the crate: PCF convergents
//! (`crate::pcf::convergents`, 2×2) and CMF walks (`crate::cmf::walk`, any size) both multiply
//! their step matrices with it.

pub mod product;

use rug::{Integer, Rational};

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

    /// The matrix of machine integers `e` (row-major, `dim²` entries).
    pub fn from_i128(dim: usize, e: &[i128]) -> IntMatrix {
        debug_assert_eq!(e.len(), dim * dim);
        IntMatrix {
            dim,
            e: e.iter().map(|&v| Integer::from(v)).collect(),
        }
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> &Integer {
        &self.e[i * self.dim + j]
    }

    /// `self · o`: `(self·o)[i][j] = Σ_k self[i][k]·o[k][j]`.
    pub fn mul(&self, o: &IntMatrix) -> IntMatrix {
        let d = self.dim;
        debug_assert_eq!(d, o.dim);
        let mut e = Vec::with_capacity(d * d);
        for i in 0..d {
            for j in 0..d {
                let mut acc = Integer::new();
                for k in 0..d {
                    let (x, y) = (self.get(i, k), o.get(k, j));
                    if *x != 0 && *y != 0 {
                        acc += x * y;
                    }
                }
                e.push(acc);
            }
        }
        IntMatrix { dim: d, e }
    }

    /// `self · o` for a matrix `o` of machine integers (row-major).
    pub fn mul_small(&self, o: &[i128]) -> IntMatrix {
        let d = self.dim;
        let mut t = Integer::new();
        let e = (0..d * d)
            .map(|ij| {
                let (i, j) = (ij / d, ij % d);
                mixed_dot((0..d).map(|k| (self.get(i, k), o[k * d + j])), &mut t)
            })
            .collect();
        IntMatrix { dim: d, e }
    }

    /// `a · self` for a matrix `a` of machine integers (row-major).
    pub fn small_mul(a: &[i128], m: &IntMatrix) -> IntMatrix {
        let d = m.dim;
        let mut t = Integer::new();
        let e = (0..d * d)
            .map(|ij| {
                let (i, j) = (ij / d, ij % d);
                mixed_dot((0..d).map(|k| (m.get(k, j), a[i * d + k])), &mut t)
            })
            .collect();
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

/// `a·b` of `dim × dim` `i128` matrices (row-major), `None` on overflow.
pub fn mul_i128(a: &[i128], b: &[i128], dim: usize) -> Option<Vec<i128>> {
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

/// `Σ xₖ·yₖ` for GMP integers `xₖ` and machine integers `yₖ`, skipping zero terms; `t` is scratch
/// space for a `yₖ` that does not fit an `i64`.
fn mixed_dot<'a>(terms: impl Iterator<Item = (&'a Integer, i128)>, t: &mut Integer) -> Integer {
    let mut acc = Integer::new();
    for (x, y) in terms {
        if y == 0 || *x == 0 {
            continue;
        }
        if let Ok(y) = i64::try_from(y) {
            acc += x * y;
        } else {
            rug::Assign::assign(&mut *t, y);
            acc += x * &*t;
        }
    }
    acc
}
