//! Square matrices of rational functions, and the same matrices written as a polynomial matrix over
//! one scalar denominator (`M = N/d`), the form used for exact identities and fast evaluation.

use crate::poly::multi::MPoly;
use crate::poly::ratfun::RatFun;
use rug::Rational;

/// A `dim × dim` matrix of rational functions, row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatMatrix {
    dim: usize,
    entries: Vec<RatFun>,
}

impl RatMatrix {
    /// The matrix with the given rows (all of length `rows.len()`).
    pub fn from_rows(rows: Vec<Vec<RatFun>>) -> Option<RatMatrix> {
        let dim = rows.len();
        if dim == 0 || rows.iter().any(|r| r.len() != dim) {
            return None;
        }
        Some(RatMatrix {
            dim,
            entries: rows.into_iter().flatten().collect(),
        })
    }

    /// The identity in `nvars` variables.
    pub fn identity(dim: usize, nvars: usize) -> RatMatrix {
        let entries = (0..dim * dim)
            .map(|k| RatFun::constant(nvars, i64::from(k / dim == k % dim)))
            .collect();
        RatMatrix { dim, entries }
    }

    /// Size.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> &RatFun {
        &self.entries[i * self.dim + j]
    }

    /// All entries, row-major.
    pub fn entries(&self) -> &[RatFun] {
        &self.entries
    }

    /// Matrix product `self · o`.
    pub fn mul(&self, o: &RatMatrix) -> RatMatrix {
        assert_eq!(self.dim, o.dim);
        let d = self.dim;
        let mut entries = Vec::with_capacity(d * d);
        for i in 0..d {
            for j in 0..d {
                let mut acc = RatFun::constant(self.get(0, 0).nvars(), 0);
                for k in 0..d {
                    acc = &acc + &(self.get(i, k) * o.get(k, j));
                }
                entries.push(acc);
            }
        }
        RatMatrix { dim: d, entries }
    }

    /// Entry-wise map.
    pub fn map(&self, f: impl Fn(&RatFun) -> RatFun) -> RatMatrix {
        RatMatrix {
            dim: self.dim,
            entries: self.entries.iter().map(f).collect(),
        }
    }

    /// Entry-wise fallible map.
    pub fn try_map<E>(&self, f: impl Fn(&RatFun) -> Result<RatFun, E>) -> Result<RatMatrix, E> {
        Ok(RatMatrix {
            dim: self.dim,
            entries: self.entries.iter().map(f).collect::<Result<_, _>>()?,
        })
    }

    /// The shift `x_i → x_i + k` of every entry.
    pub fn shift(&self, i: usize, k: i64) -> RatMatrix {
        let k = Rational::from(k);
        self.map(|e| e.shift(i, &k))
    }

    /// Determinant (Laplace expansion along the first row; the matrices here are small).
    pub fn det(&self) -> RatFun {
        det_of(&self.entries, self.dim)
    }

    /// `M⁻¹ = adj(M)/det(M)`, if `det M` is not identically zero.
    pub fn inverse(&self) -> Option<RatMatrix> {
        let det = self.det();
        let d = self.dim;
        if det.is_zero() {
            return None;
        }
        if d == 1 {
            return Some(RatMatrix {
                dim: 1,
                entries: vec![det.recip().ok()?],
            });
        }
        let mut entries = Vec::with_capacity(d * d);
        for i in 0..d {
            for j in 0..d {
                // adj[i][j] = (−1)^{i+j} · det(M without row j and column i)
                let minor: Vec<RatFun> = (0..d)
                    .filter(|&r| r != j)
                    .flat_map(|r| (0..d).filter(move |&c| c != i).map(move |c| (r, c)))
                    .map(|(r, c)| self.entries[r * d + c].clone())
                    .collect();
                let c = det_of(&minor, d - 1);
                let c = if (i + j) % 2 == 0 { c } else { -&c };
                entries.push(c.div(&det).ok()?);
            }
        }
        Some(RatMatrix { dim: d, entries })
    }

    /// The polynomial form `N/d`.
    pub fn to_poly_form(&self) -> PolyMatrix {
        // d = product of the distinct entry denominators
        let nvars = self.entries[0].nvars();
        let mut dens: Vec<&MPoly> = Vec::new();
        for e in &self.entries {
            if !e.is_poly() && !dens.contains(&e.den()) {
                dens.push(e.den());
            }
        }
        let d = dens
            .iter()
            .fold(MPoly::constant(nvars, 1), |acc, p| &acc * *p);
        let entries = self
            .entries
            .iter()
            .map(|e| {
                if e.is_poly() {
                    &e.num().scale(&den_constant(e)) * &d
                } else {
                    // d / den(e) = product of the other distinct denominators
                    let rest = dens
                        .iter()
                        .filter(|p| ***p != *e.den())
                        .fold(MPoly::constant(nvars, 1), |acc, p| &acc * *p);
                    e.num() * &rest
                }
            })
            .collect();
        PolyMatrix {
            dim: self.dim,
            entries,
            den: d,
        }
    }
}

/// For a polynomial entry, `1/den` (the denominator is the constant 1 after normalisation).
fn den_constant(e: &RatFun) -> Rational {
    e.den()
        .as_constant()
        .map_or(Rational::from(1), |c| Rational::from(c.recip_ref()))
}

fn det_of(m: &[RatFun], d: usize) -> RatFun {
    if d == 1 {
        return m[0].clone();
    }
    if d == 2 {
        return &(&m[0] * &m[3]) - &(&m[1] * &m[2]);
    }
    let mut acc = RatFun::constant(m[0].nvars(), 0);
    for j in 0..d {
        let minor: Vec<RatFun> = (1..d)
            .flat_map(|r| (0..d).filter(move |&c| c != j).map(move |c| (r, c)))
            .map(|(r, c)| m[r * d + c].clone())
            .collect();
        let t = &m[j] * &det_of(&minor, d - 1);
        acc = if j % 2 == 0 { &acc + &t } else { &acc - &t };
    }
    acc
}

/// A rational matrix written as `N/d`: a polynomial matrix `N` and one scalar polynomial `d ≠ 0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolyMatrix {
    /// Size.
    pub dim: usize,
    /// `N`, row-major.
    pub entries: Vec<MPoly>,
    /// `d`.
    pub den: MPoly,
}

impl PolyMatrix {
    /// Entry `(i, j)` of `N`.
    pub fn get(&self, i: usize, j: usize) -> &MPoly {
        &self.entries[i * self.dim + j]
    }

    /// `N · o.N` (denominators are the caller's business).
    pub fn mul_num(&self, o: &PolyMatrix) -> Vec<MPoly> {
        let d = self.dim;
        let mut out = Vec::with_capacity(d * d);
        for i in 0..d {
            for j in 0..d {
                let mut acc = MPoly::zero(self.den.nvars());
                for k in 0..d {
                    acc = &acc + &(self.get(i, k) * o.get(k, j));
                }
                out.push(acc);
            }
        }
        out
    }

    /// The shift `x_i → x_i + k` of `N` and `d`.
    pub fn shift(&self, i: usize, k: i64) -> PolyMatrix {
        let k = Rational::from(k);
        PolyMatrix {
            dim: self.dim,
            entries: self.entries.iter().map(|e| e.shift(i, &k)).collect(),
            den: self.den.shift(i, &k),
        }
    }
}

impl PolyMatrix {
    /// The composition of `N` and `d` with polynomial images of the variables
    /// ([`MPoly::compose`]); `None` if `d` becomes identically zero.
    pub fn compose(&self, images: &[MPoly]) -> Option<PolyMatrix> {
        let den = self.den.compose(images);
        if den.is_zero() {
            return None;
        }
        Some(PolyMatrix {
            dim: self.dim,
            entries: self.entries.iter().map(|e| e.compose(images)).collect(),
            den,
        })
    }

    /// `(N/d)·(o.N/o.d) = (N·o.N)/(d·o.d)`.
    pub fn mul(&self, o: &PolyMatrix) -> PolyMatrix {
        PolyMatrix {
            dim: self.dim,
            entries: self.mul_num(o),
            den: &self.den * &o.den,
        }
    }

    /// `(N/d)⁻¹ = d·adj(N)/det(N)`, all polynomial; `None` if `det N ≡ 0`.
    pub fn inverse(&self) -> Option<PolyMatrix> {
        let d = self.dim;
        let det = poly_det(&self.entries, d);
        if det.is_zero() {
            return None;
        }
        let entries = if d == 1 {
            vec![self.den.clone()]
        } else {
            let mut e = Vec::with_capacity(d * d);
            for i in 0..d {
                for j in 0..d {
                    // adj[i][j] = (−1)^{i+j} · det(N without row j and column i)
                    let minor: Vec<MPoly> = (0..d)
                        .filter(|&r| r != j)
                        .flat_map(|r| (0..d).filter(move |&c| c != i).map(move |c| (r, c)))
                        .map(|(r, c)| self.entries[r * d + c].clone())
                        .collect();
                    let c = &poly_det(&minor, d - 1) * &self.den;
                    e.push(if (i + j) % 2 == 0 { c } else { -&c });
                }
            }
            e
        };
        Some(PolyMatrix {
            dim: d,
            entries,
            den: det,
        })
    }

    /// The rational matrix `N/d`, entry by entry.
    pub fn to_rat_matrix(&self) -> RatMatrix {
        RatMatrix {
            dim: self.dim,
            entries: self
                .entries
                .iter()
                .map(|e| RatFun::new(e.clone(), self.den.clone()))
                .collect(),
        }
    }
}

fn poly_det(m: &[MPoly], d: usize) -> MPoly {
    match d {
        1 => m[0].clone(),
        2 => &(&m[0] * &m[3]) - &(&m[1] * &m[2]),
        _ => {
            let mut acc = MPoly::zero(m[0].nvars());
            for j in 0..d {
                if m[j].is_zero() {
                    continue;
                }
                let minor: Vec<MPoly> = (1..d)
                    .flat_map(|r| (0..d).filter(move |&c| c != j).map(move |c| (r, c)))
                    .map(|(r, c)| m[r * d + c].clone())
                    .collect();
                let t = &m[j] * &poly_det(&minor, d - 1);
                acc = if j % 2 == 0 { &acc + &t } else { &acc - &t };
            }
            acc
        }
    }
}
