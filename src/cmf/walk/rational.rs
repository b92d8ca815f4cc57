//! Trajectory matrices at rational points, and their projective images modulo a prime.

use super::{alternative_orders, try_for_each_move, Cmf, WalkError, Walker};
use rug::ops::RemRounding;
use rug::{Integer, Rational};

/// The trajectory matrix `T(k)` exactly, as rationals (row-major): the product of the moves of one
/// step along `traj` from `start + k·traj`, for a start with rational coordinates. Integer points
/// take the integer path of [`Walker::steps`]; other points evaluate the matrices in ℚ. Singular
/// points are avoided as in the walks (other orders of the moves, ramanujantools issue #154).
pub fn step_at(
    cmf: &Cmf,
    traj: &[i64],
    start: &[Rational],
    k: i64,
) -> Result<Vec<Rational>, WalkError> {
    let walker = Walker::new(cmf)?;
    walker.check_dims(traj, start.iter().map(|_| 0).collect::<Vec<_>>().as_slice())?;
    if start.iter().all(|s| *s.denom() == 1) {
        let ints: Vec<i64> = start
            .iter()
            .map(|s| s.numer().to_i64().expect("start coordinates fit in i64"))
            .collect();
        let k = usize::try_from(k).expect("k ≥ 0 on the integer path");
        let w = walker.steps(traj, &ints, k, k + 1)?;
        return Ok(w.p.e.iter().map(|e| Rational::from(e) * &w.scale).collect());
    }
    let point: Vec<Rational> = start
        .iter()
        .zip(traj)
        .map(|(s, &t)| s + Rational::from(k * t))
        .collect();
    let natural: Vec<usize> = (0..traj.len()).filter(|&i| traj[i] != 0).collect();
    let first = rational_step(cmf, traj, &point, &natural);
    if first.is_ok() {
        return first;
    }
    for order in alternative_orders(&natural) {
        if let Ok(r) = rational_step(cmf, traj, &point, &order) {
            return Ok(r);
        }
    }
    first
}

/// One step in ℚ at a rational point, moves in the given order.
fn rational_step(
    cmf: &Cmf,
    traj: &[i64],
    point: &[Rational],
    order: &[usize],
) -> Result<Vec<Rational>, WalkError> {
    let d = cmf.rank();
    let mut x = point.to_vec();
    let mut acc: Vec<Rational> = (0..d * d)
        .map(|k| Rational::from(u8::from(k / d == k % d)))
        .collect();
    try_for_each_move(&cmf.backward, traj, order, &mut x, |i, invert, x| {
        let m = cmf.matrices[i]
            .entries()
            .iter()
            .enumerate()
            .map(|(k, e)| {
                e.eval(x).map_err(|_| WalkError::Pole {
                    axis: cmf.axes[i].clone(),
                    point: super::show_point(cmf, x),
                    row: k / d,
                    col: k % d,
                    den: cmf.show(e.den()),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let m = if invert {
            rational_inverse(&m, d).ok_or_else(|| WalkError::Singular {
                axis: cmf.axes[i].clone(),
                point: super::show_point(cmf, x),
            })?
        } else {
            m
        };
        acc = rational_mul(&acc, &m, d);
        Ok(())
    })?;
    Ok(acc)
}

fn rational_mul(a: &[Rational], b: &[Rational], d: usize) -> Vec<Rational> {
    let mut c = Vec::with_capacity(d * d);
    for r in 0..d {
        for col in 0..d {
            let mut s = Rational::new();
            for k in 0..d {
                s += Rational::from(&a[r * d + k] * &b[k * d + col]);
            }
            c.push(s);
        }
    }
    c
}

/// Gauss–Jordan inverse in ℚ; `None` if singular.
fn rational_inverse(m: &[Rational], d: usize) -> Option<Vec<Rational>> {
    let mut a = m.to_vec();
    let mut inv: Vec<Rational> = (0..d * d)
        .map(|k| Rational::from(u8::from(k / d == k % d)))
        .collect();
    for col in 0..d {
        let piv = (col..d).find(|&r| a[r * d + col] != 0)?;
        if piv != col {
            for c in 0..d {
                a.swap(piv * d + c, col * d + c);
                inv.swap(piv * d + c, col * d + c);
            }
        }
        let p = Rational::from(a[col * d + col].recip_ref());
        for c in 0..d {
            a[col * d + c] *= &p;
            inv[col * d + c] *= &p;
        }
        for r in 0..d {
            if r != col && a[r * d + col] != 0 {
                let f = a[r * d + col].clone();
                for c in 0..d {
                    let (x, y) = (
                        Rational::from(&f * &a[col * d + c]),
                        Rational::from(&f * &inv[col * d + c]),
                    );
                    a[r * d + c] -= x;
                    inv[r * d + c] -= y;
                }
            }
        }
    }
    Some(inv)
}

/// The projective image of a matrix modulo `prime`: every entry `a/b` as `a·b⁻¹ mod prime`, all
/// divided by the first nonzero one (so a scalar multiple of the matrix has the same image). This is
/// the signature of ramanujantools' `cmf_benchmark._projective_digest`. `None` if every entry
/// vanishes modulo the prime or a denominator does.
pub fn projective_image(entries: &[Rational], prime: u64) -> Option<Vec<u64>> {
    let pr = Integer::from(prime);
    let vals: Vec<Integer> = entries
        .iter()
        .map(|e| {
            let inv = Integer::from(e.denom() % &pr).invert(&pr).ok()?;
            let num = Integer::from(e.numer() % &pr);
            Some((num * inv).rem_euc(&pr))
        })
        .collect::<Option<_>>()?;
    let first = vals.iter().find(|v| **v != 0)?;
    let inv = first.clone().invert(&pr).ok()?;
    Some(
        vals.iter()
            .map(|v| {
                Integer::from(v * &inv)
                    .rem_euc(&pr)
                    .to_u64()
                    .expect("below the prime")
            })
            .collect(),
    )
}
