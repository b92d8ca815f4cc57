//! Adjugates and determinants of integer matrices: `adj(m)·m = m·adj(m) = det(m)·I`, for the
//! inverting moves of a walk (`M⁻¹ = adj M / det M`), in checked `i128` and in GMP integers.

use crate::matrix::{mul_i128, IntMatrix};
use rug::Integer;

/// `(adj(m), det(m))` in checked `i128` (cofactor expansion skipping zero entries); `None` on
/// overflow.
pub(super) fn adjugate_i128(m: &[i128], d: usize) -> Option<(Vec<i128>, i128)> {
    if d >= 4 {
        return faddeev_leverrier_i128(m, d);
    }
    let det = det_i128(m, d)?;
    if d == 1 {
        return Some((vec![1], det));
    }
    let mut e = vec![0i128; d * d];
    let mut minor = Vec::with_capacity((d - 1) * (d - 1));
    for i in 0..d {
        for j in 0..d {
            minor.clear();
            for r in (0..d).filter(|&r| r != j) {
                for c in (0..d).filter(|&c| c != i) {
                    minor.push(m[r * d + c]);
                }
            }
            let c = det_i128(&minor, d - 1)?;
            e[i * d + j] = if (i + j) % 2 == 0 {
                c
            } else {
                c.checked_neg()?
            };
        }
    }
    Some((e, det))
}

/// [`faddeev_leverrier`] in checked `i128`.
fn faddeev_leverrier_i128(a: &[i128], d: usize) -> Option<(Vec<i128>, i128)> {
    let mut mk: Vec<i128> = (0..d * d).map(|k| i128::from(k / d == k % d)).collect();
    let mut am = a.to_vec();
    let mut c: i128 = (0..d).try_fold(0i128, |t, i| t.checked_add(a[i * d + i]))?;
    c = c.checked_neg()?;
    for k in 2..=d {
        mk = am;
        for i in 0..d {
            mk[i * d + i] = mk[i * d + i].checked_add(c)?;
        }
        am = mul_i128(a, &mk, d)?;
        let tr = (0..d).try_fold(0i128, |t, i| t.checked_add(am[i * d + i]))?;
        c = tr.checked_neg()? / k as i128;
    }
    let det = if d.is_multiple_of(2) {
        c
    } else {
        c.checked_neg()?
    };
    if d % 2 == 1 {
        Some((mk, det))
    } else {
        Some((
            mk.into_iter()
                .map(|x| x.checked_neg())
                .collect::<Option<_>>()?,
            det,
        ))
    }
}

fn det_i128(m: &[i128], d: usize) -> Option<i128> {
    match d {
        1 => Some(m[0]),
        2 => m[0].checked_mul(m[3])?.checked_sub(m[1].checked_mul(m[2])?),
        _ => {
            let mut acc: i128 = 0;
            let mut minor = Vec::with_capacity((d - 1) * (d - 1));
            for j in 0..d {
                if m[j] == 0 {
                    continue;
                }
                minor.clear();
                for r in 1..d {
                    for c in (0..d).filter(|&c| c != j) {
                        minor.push(m[r * d + c]);
                    }
                }
                let t = m[j].checked_mul(det_i128(&minor, d - 1)?)?;
                acc = if j % 2 == 0 {
                    acc.checked_add(t)?
                } else {
                    acc.checked_sub(t)?
                };
            }
            Some(acc)
        }
    }
}

/// `(adj(m), det(m))` with `m·adj(m) = det(m)·I`.
pub fn adjugate(m: &IntMatrix) -> (IntMatrix, Integer) {
    let d = m.dim;
    if d >= 4 {
        let (e, det) = faddeev_leverrier(&m.e, d);
        return (IntMatrix { dim: d, e }, det);
    }
    (
        IntMatrix {
            dim: d,
            e: cofactor_adjugate(&m.e, d),
        },
        int_det(&m.e, d),
    )
}

/// `adj(A)` of a `d × d` matrix (row-major `a`) by cofactors:
/// `adj[i][j] = (−1)^{i+j}·det(A without row j and column i)`; `adj = (1)` when `d = 1`.
fn cofactor_adjugate(a: &[Integer], d: usize) -> Vec<Integer> {
    if d == 1 {
        return vec![Integer::from(1)];
    }
    let mut e = vec![Integer::new(); d * d];
    for i in 0..d {
        for j in 0..d {
            let minor: Vec<Integer> = (0..d)
                .filter(|&r| r != j)
                .flat_map(|r| (0..d).filter(move |&c| c != i).map(move |c| (r, c)))
                .map(|(r, c)| a[r * d + c].clone())
                .collect();
            let c = int_det(&minor, d - 1);
            e[i * d + j] = if (i + j) % 2 == 0 { c } else { -c };
        }
    }
    e
}

/// `(adj(A), det(A))` by the Faddeev–LeVerrier recurrence, `O(d⁴)` exact integer operations:
/// `M_1 = I`, `c_{d−1} = −tr(A)`, `M_k = A·M_{k−1} + c_{d−k+1}·I`, `c_{d−k} = −tr(A·M_k)/k` (an
/// exact division: the `c` are the integer coefficients of the characteristic polynomial); then
/// `det A = (−1)^d·c_0` and `adj A = (−1)^{d+1}·M_d`.
fn faddeev_leverrier(a: &[Integer], d: usize) -> (Vec<Integer>, Integer) {
    let mut mk: Vec<Integer> = (0..d * d)
        .map(|k| Integer::from(u8::from(k / d == k % d)))
        .collect();
    let mut am = a.to_vec();
    let mut c = -(0..d).fold(Integer::new(), |t, i| t + &a[i * d + i]);
    for k in 2..=d {
        // M_k = A·M_{k−1} + c·I
        mk = am;
        for i in 0..d {
            mk[i * d + i] += &c;
        }
        am = mul_int(a, &mk, d);
        let tr = (0..d).fold(Integer::new(), |t, i| t + &am[i * d + i]);
        c = -tr;
        c.div_exact_u_mut(k as u32);
    }
    // c = c_0; A·M_d + c_0·I = 0
    let det = if d.is_multiple_of(2) { c } else { -c };
    if d % 2 == 1 {
        (mk, det)
    } else {
        (mk.into_iter().map(|x| -x).collect(), det)
    }
}

fn mul_int(a: &[Integer], b: &[Integer], d: usize) -> Vec<Integer> {
    let mut out = Vec::with_capacity(d * d);
    for r in 0..d {
        for col in 0..d {
            let mut acc = Integer::new();
            for k in 0..d {
                let (x, y) = (&a[r * d + k], &b[k * d + col]);
                if *x != 0 && *y != 0 {
                    acc += Integer::from(x * y);
                }
            }
            out.push(acc);
        }
    }
    out
}

fn int_det(m: &[Integer], d: usize) -> Integer {
    match d {
        1 => m[0].clone(),
        2 => Integer::from(&m[0] * &m[3]) - Integer::from(&m[1] * &m[2]),
        _ => {
            let mut acc = Integer::new();
            for j in 0..d {
                let minor: Vec<Integer> = (1..d)
                    .flat_map(|r| (0..d).filter(move |&c| c != j).map(move |c| (r, c)))
                    .map(|(r, c)| m[r * d + c].clone())
                    .collect();
                let t = Integer::from(&m[j] * &int_det(&minor, d - 1));
                if j % 2 == 0 {
                    acc += t;
                } else {
                    acc -= t;
                }
            }
            acc
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Faddeev–LeVerrier against the cofactor definition `adj[i][j] = (−1)^{i+j}·det(minor_{ji})`,
    /// in GMP and in `i128`, for sizes 1 … 6.
    #[test]
    fn adjugates_agree_with_cofactors() {
        let mut seed = 12345u64;
        for d in 1..=6usize {
            for _ in 0..5 {
                let e: Vec<i64> = (0..d * d)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((seed >> 33) % 19) as i64 - 9
                    })
                    .collect();
                let m = IntMatrix {
                    dim: d,
                    e: e.iter().map(|&v| Integer::from(v)).collect(),
                };
                let det = int_det(&m.e, d);
                let cof = cofactor_adjugate(&m.e, d);
                let (fl, fdet) = faddeev_leverrier(&m.e, d);
                assert_eq!((&fl, &fdet), (&cof, &det), "d = {d}");
                let (adj, adet) = adjugate(&m);
                assert_eq!((adj.e, adet), (cof.clone(), det.clone()));
                let small: Vec<i128> = e.iter().map(|&v| i128::from(v)).collect();
                let (a128, d128) = adjugate_i128(&small, d).unwrap();
                assert_eq!(d128, det.to_i128().unwrap());
                let cof128: Vec<i128> = cof.iter().map(|c| c.to_i128().unwrap()).collect();
                assert_eq!(a128, cof128);
            }
        }
    }
}
