//! Exact linear algebra over ℚ: the null space of a rational matrix (Gauss–Jordan elimination).

use rug::Rational;

/// A basis of `{x : A·x = 0}` for the `rows × cols` matrix `a` (row-major), each vector with
/// `cols` entries; the basis vector of free column `j` has `x_j = 1` and zeros in the other free columns.
pub fn nullspace(mut a: Vec<Vec<Rational>>, cols: usize) -> Vec<Vec<Rational>> {
    let mut pivots: Vec<usize> = Vec::new();
    let mut row = 0;
    for col in 0..cols {
        let Some(p) = (row..a.len()).find(|&r| a[r][col] != 0) else {
            continue;
        };
        a.swap(row, p);
        let inv = Rational::from(1) / &a[row][col];
        for x in a[row].iter_mut() {
            *x *= &inv;
        }
        for r in 0..a.len() {
            if r != row && a[r][col] != 0 {
                let f = a[r][col].clone();
                for c in 0..cols {
                    let d = Rational::from(&f * &a[row][c]);
                    a[r][c] -= d;
                }
            }
        }
        pivots.push(col);
        row += 1;
        if row == a.len() {
            break;
        }
    }
    let mut basis = Vec::new();
    for free in (0..cols).filter(|c| !pivots.contains(c)) {
        let mut x = vec![Rational::new(); cols];
        x[free] = Rational::from(1);
        for (r, &pc) in pivots.iter().enumerate() {
            x[pc] = -a[r][free].clone();
        }
        basis.push(x);
    }
    basis
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullspace_of_a_rank_one_matrix() {
        let q = |v: i64| Rational::from(v);
        let a = vec![vec![q(1), q(2), q(3)], vec![q(2), q(4), q(6)]];
        let ns = nullspace(a.clone(), 3);
        assert_eq!(ns.len(), 2);
        for v in &ns {
            for row in &a {
                let s: Rational = row.iter().zip(v).map(|(x, y)| Rational::from(x * y)).sum();
                assert_eq!(s, 0);
            }
        }
    }
}
