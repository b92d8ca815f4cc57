//! Square integer matrices and their exact products.
//!
//! [`product`] holds the one balanced product tree of the crate: PCF convergents
//! (`crate::pcf::convergents`, 2×2) and CMF walks (`crate::cmf::walk`, any size) both multiply
//! their step matrices with it. [`limb`] multiplies short runs of small matrices exactly on
//! fixed-width two's-complement limbs, without a GMP call per entry product.

pub mod limb;
pub mod product;

use rug::{Assign, Integer, Rational};

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

    /// `self · o`: `(self·o)[i][j] = Σ_k self[i][k]·o[k][j]`. 2×2 products are [`mul2`] (seven
    /// multiplications instead of eight from [`FAST_MUL2_BITS`] bits); when every entry of both
    /// factors has at least [`FAST_MUL_BITS`] bits, 3×3 products take Laderman's 23
    /// multiplications instead of 27: at those sizes one multiplication costs far more than the
    /// extra additions. The result is the same exact matrix.
    pub fn mul(&self, o: &IntMatrix) -> IntMatrix {
        debug_assert_eq!(self.dim, o.dim);
        let wide = |m: &IntMatrix| m.e.iter().all(|x| x.significant_bits() >= FAST_MUL_BITS);
        match self.dim {
            2 => IntMatrix {
                dim: 2,
                e: mul2(&self.e, &o.e).into(),
            },
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

/// Entry width (bits) from which [`IntMatrix::mul`] multiplies 3×3 matrices by Laderman's 23
/// products.
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

/// `a·b` of 2×2 matrices (row-major), the one 2×2 product of the crate (PCF convergents and
/// 2×2 walks): by Strassen–Winograd's seven products ([`winograd`]) when every entry of both
/// factors has at least [`FAST_MUL2_BITS`] bits, by the definition
/// `c_ij = a_i1·b_1j + a_i2·b_2j` (eight products, zero entries skipped) otherwise.
pub fn mul2(a: &[Integer], b: &[Integer]) -> [Integer; 4] {
    debug_assert!(a.len() == 4 && b.len() == 4);
    let wide = |m: &[Integer]| m.iter().all(|x| x.significant_bits() >= FAST_MUL2_BITS);
    if wide(a) && wide(b) {
        return winograd(a, b);
    }
    let dot = |x: &Integer, y: &Integer, z: &Integer, w: &Integer| {
        let mut r = Integer::new();
        if *x != 0 && *y != 0 {
            r.assign(x * y);
        }
        if *z != 0 && *w != 0 {
            r += z * w;
        }
        r
    };
    [
        dot(&a[0], &b[0], &a[1], &b[2]),
        dot(&a[0], &b[1], &a[1], &b[3]),
        dot(&a[2], &b[0], &a[3], &b[2]),
        dot(&a[2], &b[1], &a[3], &b[3]),
    ]
}

/// Entry width (bits) from which [`mul2`] takes Strassen–Winograd's seven products instead of
/// eight: measured with bench `pcf`, group `2x2 product` (4.2 against 4.9 µs at 2,048 bits, 1.96
/// against 1.74 µs at 1,024), where the fifteen additions cost
/// less than the multiplication they save.
pub const FAST_MUL2_BITS: u32 = 2048;

/// `a·b` of 2×2 matrices (row-major) by Winograd's form of Strassen's algorithm (seven products,
/// fifteen additions; S. Winograd 1971, as in Brent's and Knuth's accounts):
/// `s₁ = a₂₁+a₂₂`, `s₂ = s₁−a₁₁`, `s₃ = a₁₁−a₂₁`, `s₄ = a₁₂−s₂`,
/// `t₁ = b₁₂−b₁₁`, `t₂ = b₂₂−t₁`, `t₃ = b₂₂−b₁₂`, `t₄ = t₂−b₂₁`;
/// `m₁ = a₁₁b₁₁`, `m₂ = a₁₂b₂₁`, `m₃ = s₄b₂₂`, `m₄ = a₂₂t₄`, `m₅ = s₁t₁`, `m₆ = s₂t₂`, `m₇ = s₃t₃`;
/// `u₂ = m₁+m₆`, `u₃ = u₂+m₇`; `c₁₁ = m₁+m₂`, `c₁₂ = u₂+m₅+m₃`, `c₂₁ = u₃−m₄`, `c₂₂ = u₃+m₅`.
pub fn winograd(a: &[Integer], b: &[Integer]) -> [Integer; 4] {
    let (a11, a12, a21, a22) = (&a[0], &a[1], &a[2], &a[3]);
    let (b11, b12, b21, b22) = (&b[0], &b[1], &b[2], &b[3]);
    let s1 = Integer::from(a21 + a22);
    let s2 = Integer::from(&s1 - a11);
    let s3 = Integer::from(a11 - a21);
    let s4 = Integer::from(a12 - &s2);
    let t1 = Integer::from(b12 - b11);
    let t2 = Integer::from(b22 - &t1);
    let t3 = Integer::from(b22 - b12);
    let t4 = Integer::from(&t2 - b21);
    let m1 = Integer::from(a11 * b11);
    let mut c11 = Integer::from(a12 * b21);
    c11 += &m1;
    let mut u2 = Integer::from(&s2 * &t2);
    u2 += &m1;
    drop((m1, s2, t2));
    let m5 = Integer::from(&s1 * &t1);
    drop((s1, t1));
    let mut u3 = Integer::from(&s3 * &t3);
    u3 += &u2;
    let mut c12 = u2;
    c12 += &m5;
    c12 += &s4 * b22;
    let c22 = Integer::from(&u3 + &m5);
    drop(m5);
    let mut c21 = u3;
    c21 -= a22 * &t4;
    [c11, c12, c21, c22]
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
