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

    /// `self · o`: `(self·o)[i][j] = Σ_k self[i][k]·o[k][j]`. When every entry of both factors has
    /// at least [`FAST_MUL_BITS`] bits, 2×2 products take Strassen's 7 multiplications and 3×3
    /// products Laderman's 23 (instead of 8 and 27): at those sizes one multiplication costs far
    /// more than the extra additions. The result is the same exact matrix.
    pub fn mul(&self, o: &IntMatrix) -> IntMatrix {
        debug_assert_eq!(self.dim, o.dim);
        let wide = |m: &IntMatrix| m.e.iter().all(|x| x.significant_bits() >= FAST_MUL_BITS);
        match self.dim {
            2 if wide(self) && wide(o) => strassen(&self.e, &o.e),
            3 if wide(self) && wide(o) => laderman(&self.e, &o.e),
            _ => self.mul_classical(o),
        }
    }

    /// `self · o` by the definition, `d³` multiplications (zero entries skipped).
    pub fn mul_classical(&self, o: &IntMatrix) -> IntMatrix {
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

/// Entry width (bits) from which [`IntMatrix::mul`] trades multiplications for additions.
pub const FAST_MUL_BITS: u32 = 8192;

/// `Σ pos − Σ neg`.
fn signed_sum(pos: &[&Integer], neg: &[&Integer]) -> Integer {
    let mut s = pos[0].clone();
    for x in &pos[1..] {
        s += *x;
    }
    for x in neg {
        s -= *x;
    }
    s
}

/// `a·b` of 2×2 matrices (row-major) by Strassen's seven products (Strassen 1969):
/// `m₁ = (a₁₁+a₂₂)(b₁₁+b₂₂)`, `m₂ = (a₂₁+a₂₂)b₁₁`, `m₃ = a₁₁(b₁₂−b₂₂)`, `m₄ = a₂₂(b₂₁−b₁₁)`,
/// `m₅ = (a₁₁+a₁₂)b₂₂`, `m₆ = (a₂₁−a₁₁)(b₁₁+b₁₂)`, `m₇ = (a₁₂−a₂₂)(b₂₁+b₂₂)`;
/// `c₁₁ = m₁+m₄−m₅+m₇`, `c₁₂ = m₃+m₅`, `c₂₁ = m₂+m₄`, `c₂₂ = m₁−m₂+m₃+m₆`.
fn strassen(a: &[Integer], b: &[Integer]) -> IntMatrix {
    let (a11, a12, a21, a22) = (&a[0], &a[1], &a[2], &a[3]);
    let (b11, b12, b21, b22) = (&b[0], &b[1], &b[2], &b[3]);
    let m1 = signed_sum(&[a11, a22], &[]) * signed_sum(&[b11, b22], &[]);
    let m2 = signed_sum(&[a21, a22], &[]) * b11;
    let m3 = a11 * signed_sum(&[b12], &[b22]);
    let m4 = a22 * signed_sum(&[b21], &[b11]);
    let m5 = signed_sum(&[a11, a12], &[]) * b22;
    let m6 = signed_sum(&[a21], &[a11]) * signed_sum(&[b11, b12], &[]);
    let m7 = signed_sum(&[a12], &[a22]) * signed_sum(&[b21, b22], &[]);
    let e = vec![
        signed_sum(&[&m1, &m4, &m7], &[&m5]),
        signed_sum(&[&m3, &m5], &[]),
        signed_sum(&[&m2, &m4], &[]),
        signed_sum(&[&m1, &m3, &m6], &[&m2]),
    ];
    IntMatrix { dim: 2, e }
}

/// `a·b` of 3×3 matrices (row-major) by Laderman's 23 products (J. Laderman, "A noncommutative
/// algorithm for multiplying 3×3 matrices using 23 multiplications", Bull. AMS 82, 1976), each a
/// sum of entries of `a` times a sum of entries of `b`.
fn laderman(a: &[Integer], b: &[Integer]) -> IntMatrix {
    let [a11, a12, a13, a21, a22, a23, a31, a32, a33] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(|k| &a[k]);
    let [b11, b12, b13, b21, b22, b23, b31, b32, b33] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(|k| &b[k]);
    let s = signed_sum;
    let m = [
        s(&[a11, a12, a13], &[a21, a22, a32, a33]) * b22,
        s(&[a11], &[a21]) * s(&[b22], &[b12]),
        a22 * s(&[b12, b21, b33], &[b11, b22, b23, b31]),
        s(&[a21, a22], &[a11]) * s(&[b11, b22], &[b12]),
        s(&[a21, a22], &[]) * s(&[b12], &[b11]),
        Integer::from(a11 * b11),
        s(&[a31, a32], &[a11]) * s(&[b11, b23], &[b13]),
        s(&[a31], &[a11]) * s(&[b13], &[b23]),
        s(&[a31, a32], &[]) * s(&[b13], &[b11]),
        s(&[a11, a12, a13], &[a22, a23, a31, a32]) * b23,
        a32 * s(&[b13, b21, b32], &[b11, b22, b23, b31]),
        s(&[a32, a33], &[a13]) * s(&[b22, b31], &[b32]),
        s(&[a13], &[a33]) * s(&[b22], &[b32]),
        Integer::from(a13 * b31),
        s(&[a32, a33], &[]) * s(&[b32], &[b31]),
        s(&[a22, a23], &[a13]) * s(&[b23, b31], &[b33]),
        s(&[a13], &[a23]) * s(&[b23], &[b33]),
        s(&[a22, a23], &[]) * s(&[b33], &[b31]),
        Integer::from(a12 * b21),
        Integer::from(a23 * b32),
        Integer::from(a21 * b13),
        Integer::from(a31 * b12),
        Integer::from(a33 * b33),
    ];
    // c = Σ of the listed products (1-based as in the paper)
    let c = |ks: &[usize]| s(&ks.iter().map(|&k| &m[k - 1]).collect::<Vec<_>>(), &[]);
    let e = vec![
        c(&[6, 14, 19]),
        c(&[1, 4, 5, 6, 12, 14, 15]),
        c(&[6, 7, 9, 10, 14, 16, 18]),
        c(&[2, 3, 4, 6, 14, 16, 17]),
        c(&[2, 4, 5, 6, 20]),
        c(&[14, 16, 17, 18, 21]),
        c(&[6, 7, 8, 11, 12, 13, 14]),
        c(&[12, 13, 14, 15, 22]),
        c(&[6, 7, 8, 9, 23]),
    ];
    IntMatrix { dim: 3, e }
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
