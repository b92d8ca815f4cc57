//! Kind 2: the Euler family (algorithms.md §7.6).
//!
//! If `b(n) = −h₁(n)h₂(n)` and `f(n)a(n) = f(n−1)h₁(n) + f(n+1)h₂(n+1)` for integer polynomials
//! `f, h₁, h₂`, with `f(k) ≠ 0 (k ≥ 0)` and `h₂(k) ≠ 0 (k ≥ 1)`, then `y_n = f(n+1)∏_{i=1}^{n+1} h₂(i)`
//! solves the PCF's recurrence, and comparing the convergents with `y` (Casoratian
//! `p_n y_{n−1} − p_{n−1} y_n = (p_0y_{−1} − p_{−1}y_0)∏_{i≤n}(−b(i))`) gives, for every `n ≥ 0` with
//! `S_n ≠ 0`,
//!
//! `p_n/q_n = a(0) + (f(1)h₂(1)/f(0))·(1/S_n − 1)`, `S_n = Σ_{k=0}^{n} t_k`,
//! `t_k = f(0)f(1)/(f(k)f(k+1))·∏_{i=1}^{k} h₁(i)/h₂(i+1)`.
//!
//! So the PCF converges to `a(0) + c(1/S − 1)`, `c = f(1)h₂(1)/f(0)`, whenever `S = Σ t_k` converges to
//! a non-zero value. The certificate identifies the series with a bundled series anchor
//! `Σ u_k`: `t_{k+1}/t_k = f(k)h₁(k+1)/(f(k+2)h₂(k+2))` equals `u_{k+j+1}/u_{k+j}` as rational functions
//! and `t_0 = 1`, hence `t_k = u_{k+j}/u_j` and `S = (Σu − Σ_{i<j} u_i)/u_j`.

use super::anchors::{series_anchor, SeriesAnchor};
use super::facts::{nonzero_from, SignFact};
use super::json::{JsonInt, JsonPoly};
use super::linalg::nullspace;
use super::{broken, check_claim, finite_at, Identity, Limit, Mobius, PcfData, ProofError, Proven};
use crate::pcf::Pcf;
use crate::poly::Poly;
use rug::{Integer, Rational};
use serde::{Deserialize, Serialize};

/// An Euler-family certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EulerFamily {
    /// The PCF proved.
    pub pcf: PcfData,
    /// Its limit as claimed.
    pub claim: Limit,
    /// `h₁(n)`.
    pub h1: JsonPoly,
    /// `h₂(n)`.
    pub h2: JsonPoly,
    /// `f(n)`.
    pub f: JsonPoly,
    /// The series anchor (a copy of the entry of `proofs/anchors.toml`).
    pub series: SeriesAnchor,
    /// `j`: `t_k = u_{k+j}/u_j`.
    pub series_shift: u32,
    /// `V` (integer, up to a scalar): the PCF's limit is `V(Σ u_k)`.
    pub mobius: [[JsonInt; 2]; 2],
}

fn q(x: Integer) -> Rational {
    Rational::from(x)
}

/// The Möbius map `Σu ↦ a(0) + c(1/S − 1)`, `S = (Σu − Σ_{i<j}u_i)/u_j`, and the series' first terms.
fn value_map(pcf: &Pcf, f: &Poly, h2: &Poly, series: &SeriesAnchor, j: u32) -> Option<Mobius> {
    let f0 = f.eval(0);
    if f0 == 0 {
        return None;
    }
    let c = Rational::from((f.eval(1) * h2.eval(1), f0));
    let (pa, qa) = (&series.ratio[0].0, &series.ratio[1].0);
    let mut u = series.first.0.clone();
    let mut partial = Rational::new();
    for i in 0..j as i64 {
        partial += &u;
        let den = qa.eval(i);
        if den == 0 {
            return None;
        }
        u *= Rational::from((pa.eval(i), den));
    }
    if u == 0 {
        return None;
    }
    let lambda = Rational::from(1) / &u;
    let a0 = q(pcf.a.eval(0));
    // V = [[c, a0 − c], [0, 1]] ∘ W, W = [[0, 1], [λ, −λ·partial]] (w = 1/S)
    let v = Mobius([
        [c.clone(), Rational::from(&a0 - &c)],
        [Rational::new(), Rational::from(1)],
    ]);
    let w = Mobius([
        [Rational::new(), Rational::from(1)],
        [lambda.clone(), -(lambda * partial)],
    ]);
    Some(v.compose(&w))
}

impl EulerFamily {
    /// Checks the certificate exactly; see the module documentation.
    pub fn check(&self) -> Result<Proven, ProofError> {
        let s = &self.series;
        match series_anchor(&s.id) {
            Some(b) if b == s => {}
            Some(_) => {
                return Err(broken(
                    Identity::Anchor,
                    format!(
                        "series anchor {:?} differs from the bundled proofs/anchors.toml entry",
                        s.id
                    ),
                ))
            }
            None => {
                return Err(broken(
                    Identity::Anchor,
                    format!("no bundled series anchor {:?}", s.id),
                ))
            }
        }
        let pcf = self.pcf.pcf();
        let (h1, h2, f) = (&self.h1.0, &self.h2.0, &self.f.0);
        let mut steps = vec![format!(
            "anchor {}: {} = {} [{}]",
            s.id, s.name, s.sum, s.reference
        )];
        let minus_h1h2 = (h1 * h2).neg();
        if pcf.b != minus_h1h2 {
            return Err(broken(
                Identity::EulerFactorisation,
                format!(
                    "b(n) = {} but -h1(n)h2(n) = {}",
                    pcf.b.pretty(),
                    minus_h1h2.pretty()
                ),
            ));
        }
        let left = f * &pcf.a;
        let right = &(&f.shift(-1) * h1) + &(&f.shift(1) * &h2.shift(1));
        if left != right {
            return Err(broken(
                Identity::EulerRecurrence,
                format!(
                    "f(n)a(n) = {} but f(n-1)h1(n) + f(n+1)h2(n+1) = {}",
                    left.pretty(),
                    right.pretty()
                ),
            ));
        }
        steps.push(format!(
            "b(n) = -({})({}) and f(n)a(n) = f(n-1)h1(n) + f(n+1)h2(n+1) with f(n) = {}",
            h1.pretty(),
            h2.pretty(),
            f.pretty()
        ));
        for (name, p, from) in [("f(k) != 0", f, 0), ("h2(k) != 0", h2, 1)] {
            match nonzero_from(p, from) {
                SignFact::Holds => {}
                SignFact::FailsAt(k) => {
                    return Err(broken(
                        Identity::EulerNonVanishing,
                        format!("{name} fails at k = {k} (needed for all k >= {from})"),
                    ))
                }
                SignFact::Undecided => {
                    return Err(broken(
                        Identity::EulerNonVanishing,
                        format!("{name} for all k >= {from} could not be decided"),
                    ))
                }
            }
        }
        let (pa, qa) = (&s.ratio[0].0, &s.ratio[1].0);
        for (name, p) in [("P", pa), ("Q", qa)] {
            if nonzero_from(p, 0) != SignFact::Holds {
                return Err(broken(
                    Identity::SeriesMatch,
                    format!("the anchor's ratio polynomial {name} vanishes at some k >= 0"),
                ));
            }
        }
        let j = self.series_shift as i64;
        let lhs = &(f * &h1.shift(1)) * &qa.shift(j);
        let rhs = &(&f.shift(2) * &h2.shift(2)) * &pa.shift(j);
        if lhs != rhs {
            return Err(broken(
                Identity::SeriesMatch,
                format!(
                    "f(k)h1(k+1)Q(k+{j}) = {} but f(k+2)h2(k+2)P(k+{j}) = {}",
                    lhs.pretty(),
                    rhs.pretty()
                ),
            ));
        }
        steps.push(format!(
            "t_(k+1)/t_k = u_(k+{j}+1)/u_(k+{j}): the series is the anchor's from term {j} on, divided by u_{j}"
        ));
        let v = value_map(&pcf, f, h2, s, self.series_shift).ok_or_else(|| {
            broken(
                Identity::MobiusMap,
                "f(0) = 0 or the anchor term u_j vanishes",
            )
        })?;
        v.check_stated(
            &self.mobius,
            "value = a(0) + c(1/S - 1), as a map of the anchor's sum,",
        )?;
        let full = v.compose(&s.sum.mobius());
        steps.push(finite_at(&s.sum.constant, &full)?);
        check_claim(&s.sum.constant, &full, &self.claim)?;
        steps.push(format!(
            "limit = a(0) + (f(1)h2(1)/f(0))(1/S - 1) = {}",
            self.claim
        ));
        Ok(Proven {
            pcf,
            limit: self.claim.clone(),
            anchors: vec![s.id.clone()],
            steps,
        })
    }
}

/// Divisors of `|x|` in increasing order (for `|x| ≤ 10¹²`; `None` beyond).
fn divisors(x: &Integer) -> Option<Vec<Integer>> {
    let mut v = crate::poly::small_divisors(x)?;
    v.sort_unstable();
    Some(v.into_iter().map(Integer::from).collect())
}

/// The linear factors `(den·n − num)` of `p` over ℚ with multiplicities, the remaining primitive
/// factor and the signed content: `p = content · ∏ Lᵢ^{mᵢ} · rest`.
pub fn factor_linear(p: &Poly) -> (Integer, Vec<(Poly, usize)>, Poly) {
    let content = {
        let c = p.content();
        if p.leading() < 0 {
            -c
        } else {
            c
        }
    };
    let mut rest = p.div_exact(&content);
    let mut factors: Vec<(Poly, usize)> = Vec::new();
    let mut push = |l: Poly, rest: &mut Poly| {
        let mut m = 0;
        while let Some(q) = rest.div_poly(&l) {
            *rest = q;
            m += 1;
        }
        if m > 0 {
            factors.push((l, m));
        }
    };
    push(Poly::n(), &mut rest);
    if rest.degree().unwrap_or(0) >= 1 {
        let lead = rest.leading();
        let low = rest.coeffs()[0].clone();
        if let (Some(dl), Some(dn)) = (divisors(&lead), divisors(&low)) {
            for den in &dl {
                for num in &dn {
                    for sign in [1, -1] {
                        let num = Integer::from(num * sign);
                        if Integer::from(num.gcd_ref(den)) != 1 {
                            continue;
                        }
                        let l = Poly::new(vec![-num, den.clone()]);
                        push(l, &mut rest);
                    }
                }
            }
        }
    }
    (content, factors, rest)
}

/// All splittings `h₁·h₂ = −b` into integer polynomials built from the linear factors of `b`.
pub fn splittings(b: &Poly) -> Vec<(Poly, Poly)> {
    let (content, factors, rest) = factor_linear(&b.neg());
    let Some(divs) = divisors(&content) else {
        return Vec::new();
    };
    let mut exps: Vec<Vec<usize>> = vec![vec![]];
    for (_, m) in &factors {
        exps = exps
            .into_iter()
            .flat_map(|e| {
                (0..=*m).map(move |k| {
                    let mut e = e.clone();
                    e.push(k);
                    e
                })
            })
            .collect();
    }
    let rests: Vec<bool> = if rest.degree().unwrap_or(0) >= 1 {
        vec![false, true]
    } else {
        vec![false]
    };
    let mut out = Vec::new();
    for e in &exps {
        let mut p1 = Poly::constant(1);
        let mut p2 = Poly::constant(1);
        for ((l, m), k) in factors.iter().zip(e) {
            for _ in 0..*k {
                p1 = &p1 * l;
            }
            for _ in 0..(m - k) {
                p2 = &p2 * l;
            }
        }
        for &rest_in_1 in &rests {
            let (r1, r2) = if rest_in_1 {
                (&p1 * &rest, p2.clone())
            } else {
                (p1.clone(), &p2 * &rest)
            };
            for d in &divs {
                for sign in [1, -1] {
                    let d = Integer::from(d * sign);
                    let other = Integer::from(content.div_exact_ref(&d));
                    out.push((r1.scale(&d), r2.scale(&other)));
                }
            }
        }
    }
    out
}

/// The polynomials `f` of degree ≤ `deg` with `f(n)a(n) = f(n−1)h₁(n) + f(n+1)h₂(n+1)` (a basis,
/// integer, primitive).
pub fn solve_f(a: &Poly, h1: &Poly, h2: &Poly, deg: usize) -> Vec<Poly> {
    let h2s = h2.shift(1);
    let images: Vec<Poly> = (0..=deg)
        .map(|k| {
            let mut c = vec![Integer::new(); k + 1];
            c[k] = Integer::from(1);
            let f = Poly::new(c);
            &(&f * a) - &(&(&f.shift(-1) * h1) + &(&f.shift(1) * &h2s))
        })
        .collect();
    let len = images.iter().map(|p| p.coeffs().len()).max().unwrap_or(0);
    let rows: Vec<Vec<Rational>> = (0..len)
        .map(|c| {
            images
                .iter()
                .map(|p| Rational::from(p.coeffs().get(c).cloned().unwrap_or_default()))
                .collect()
        })
        .collect();
    nullspace(rows, deg + 1)
        .into_iter()
        .map(|v| {
            let den = v.iter().fold(Integer::from(1), |l, x| l.lcm(x.denom()));
            Poly::new(
                v.iter()
                    .map(|x| x.numer() * Integer::from(&den / x.denom()))
                    .collect(),
            )
            .primitive()
        })
        .collect()
}

/// Searches an Euler-family certificate for `pcf` (`f` of degree ≤ `max_f_deg`, series shifts ≤ 4)
/// whose derived limit is `claim` (or any bundled series' limit when `claim` is `None`); every
/// candidate is checked before it is returned.
pub fn find(pcf: &Pcf, claim: Option<&Limit>, max_f_deg: usize) -> Option<(EulerFamily, Proven)> {
    if pcf.b.is_zero() {
        return None;
    }
    let anchors = &super::anchors::bundled().series;
    for (h1, h2) in splittings(&pcf.b) {
        for deg in 0..=max_f_deg {
            for f in solve_f(&pcf.a, &h1, &h2, deg) {
                if f.is_zero()
                    || nonzero_from(&f, 0) != SignFact::Holds
                    || nonzero_from(&h2, 1) != SignFact::Holds
                {
                    continue;
                }
                for s in anchors {
                    if claim.is_some_and(|c| c.constant != s.sum.constant) {
                        continue;
                    }
                    let (pa, qa) = (&s.ratio[0].0, &s.ratio[1].0);
                    for j in 0..=4u32 {
                        let lhs = &(&f * &h1.shift(1)) * &qa.shift(j as i64);
                        let rhs = &(&f.shift(2) * &h2.shift(2)) * &pa.shift(j as i64);
                        if lhs != rhs {
                            continue;
                        }
                        let Some(v) = value_map(pcf, &f, &h2, s, j) else {
                            continue;
                        };
                        let derived =
                            Limit::from_mobius(&s.sum.constant, &v.compose(&s.sum.mobius()));
                        if claim.is_some_and(|c| !c.same_as(&derived)) {
                            continue;
                        }
                        let cert = EulerFamily {
                            pcf: PcfData::of(pcf),
                            claim: claim.cloned().unwrap_or(derived),
                            h1: JsonPoly(h1.clone()),
                            h2: JsonPoly(h2.clone()),
                            f: JsonPoly(f.clone()),
                            series: s.clone(),
                            series_shift: j,
                            mobius: v.normalized().map(|r| r.map(JsonInt)),
                        };
                        if let Ok(p) = cert.check() {
                            return Some((cert, p));
                        }
                    }
                }
            }
        }
    }
    None
}
