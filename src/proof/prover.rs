//! The search for certificates: given a PCF and its (numerically verified) limit, try the
//! certificate kinds in turn and return the first one that checks.
//!
//! 1. an inflation / sign flip / index shift of a known base (anchor or proved PCF), found by equal
//!    canonical keys ([`equivalence::inflation_coboundary`]);
//! 2. the Euler family ([`euler::find`]), `f` of degree ≤ 2;
//! 3. a general polynomial coboundary `M₁(n+s₁)U(n+1) = U(n)M₂(n+s₂)` with `U` of degree ≤ 2, solved
//!    as a linear system over ℚ ([`equivalence::solve_coboundary`]).
//!
//! Every candidate is checked by the exact checker and its derived limit compared with the claim;
//! nothing unchecked is ever returned.

use super::equivalence::{self, build, inflation_coboundary, solve_coboundary, Base};
use super::{anchors, euler, step_matrix, Certificate, Limit, Proven};
use crate::pcf::Pcf;
use crate::poly::Poly;

/// Index shifts `[s₁, s₂]` tried.
const SHIFTS: [[u32; 2]; 7] = [[0, 0], [1, 0], [0, 1], [2, 0], [0, 2], [3, 0], [0, 3]];

/// A base: a proved PCF (anchor or certificate) that other PCFs may be reduced to.
#[derive(Clone, Debug)]
pub struct ProvenBase {
    /// How it is proved.
    pub base: Base,
    /// What it proves.
    pub proven: Proven,
    /// Nesting depth (0 for an anchor).
    pub depth: usize,
}

/// The prover: the bases known so far.
#[derive(Clone, Debug)]
pub struct Prover {
    bases: Vec<ProvenBase>,
    /// Largest degree of `U` tried by the general coboundary search.
    pub max_u_degree: usize,
    /// Largest nesting depth of a certificate used as a base.
    pub max_depth: usize,
}

impl Default for Prover {
    fn default() -> Prover {
        Prover::new()
    }
}

impl Prover {
    /// A prover whose bases are the bundled PCF anchors.
    pub fn new() -> Prover {
        let bases = anchors::bundled()
            .pcf
            .iter()
            .filter_map(|a| {
                let base = Base::Anchor(a.clone());
                let proven = equivalence::check_anchor(a).ok()?;
                Some(ProvenBase {
                    base,
                    proven,
                    depth: 0,
                })
            })
            .collect();
        let mut prover = Prover {
            bases,
            max_u_degree: 2,
            max_depth: 2,
        };
        for (cert, proven) in series_seeds() {
            prover.add(&cert, &proven);
        }
        prover
    }

    /// The bases.
    pub fn bases(&self) -> &[ProvenBase] {
        &self.bases
    }

    /// Adds a checked certificate as a base for later proofs (ignored beyond `max_depth`).
    pub fn add(&mut self, cert: &Certificate, proven: &Proven) {
        let depth = depth(cert);
        if depth > self.max_depth
            || self
                .bases
                .iter()
                .any(|b| b.proven.pcf == proven.pcf && b.proven.limit.same_as(&proven.limit))
        {
            return;
        }
        self.bases.push(ProvenBase {
            base: Base::Certificate(Box::new(cert.clone())),
            proven: proven.clone(),
            depth,
        });
        self.bases.sort_by_key(|b| b.depth);
    }

    /// A checked certificate proving `PCF = claim`, if one of the searches finds it.
    pub fn prove(&self, pcf: &Pcf, claim: &Limit) -> Option<(Certificate, Proven)> {
        if pcf.b.is_zero() || pcf.a.is_zero() {
            return None;
        }
        let usable: Vec<&ProvenBase> = self
            .bases
            .iter()
            .filter(|b| b.proven.limit.constant == claim.constant)
            .collect();
        // 1. inflations, sign flips, shifts
        for b in &usable {
            for shift in SHIFTS {
                if let Some((ell, r, u)) = inflation_coboundary(&b.proven.pcf, pcf, shift) {
                    if let Ok((c, p)) = build(b.base.clone(), pcf, Some(claim), shift, ell, r, u) {
                        return Some((Certificate::Equivalence(Box::new(c)), p));
                    }
                }
            }
        }
        // 2. Euler family
        if let Some((c, p)) = euler::find(pcf, Some(claim), 2) {
            return Some((Certificate::Euler(Box::new(c)), p));
        }
        // 3. general coboundary
        let m2 = step_matrix(pcf);
        for b in &usable {
            let m1 = step_matrix(&b.proven.pcf);
            for shift in &SHIFTS[..3] {
                let m1s = equivalence::mat_shift(&m1, shift[0] as i64);
                let m2s = equivalence::mat_shift(&m2, shift[1] as i64);
                for deg in 0..=self.max_u_degree {
                    for u in solve_coboundary(&m1s, &m2s, deg) {
                        if equivalence::mat_det(&u).is_zero() {
                            continue;
                        }
                        let one = Poly::constant(1);
                        if let Ok((c, p)) = build(
                            b.base.clone(),
                            pcf,
                            Some(claim),
                            *shift,
                            one.clone(),
                            one,
                            u,
                        ) {
                            return Some((Certificate::Equivalence(Box::new(c)), p));
                        }
                    }
                }
            }
        }
        None
    }
}

/// Nesting depth of a certificate (an equivalence to an anchor and an Euler certificate have depth 1).
pub fn depth(cert: &Certificate) -> usize {
    match cert {
        Certificate::Equivalence(e) => match &e.base {
            Base::Anchor(_) => 1,
            Base::Certificate(c) => 1 + depth(c),
        },
        _ => 1,
    }
}

/// The root of a certificate's chain of equivalences: the PCF at its bottom (an anchor's PCF, or
/// the PCF of the innermost non-equivalence certificate) and a label for it. Two PCFs with the same
/// root are proved coboundary-equivalent to one PCF: they belong to one proven equivalence class.
pub fn root(cert: &Certificate) -> (Pcf, String) {
    match cert {
        Certificate::Equivalence(e) => match &e.base {
            Base::Anchor(a) => (a.pcf(), format!("anchor {}", a.id)),
            Base::Certificate(c) => root(c),
        },
        Certificate::Euler(e) => (e.pcf.pcf(), format!("euler series {}", e.series.id)),
        Certificate::Membership(_) => (
            cert.pcf().unwrap_or_else(|| Pcf::from_i64(&[], &[])),
            "cmf".into(),
        ),
    }
}

/// The simplest Euler-family PCF of each series anchor `Σu_k` (`u_{k+1}/u_k = P(k)/Q(k)`) and shift
/// `j ≤ 2`: `f = 1`, `h₁(n) = P(n−1+j)`, `h₂(n) = Q(n−2+j)`, i.e. `a(n) = h₁(n) + h₂(n+1)`,
/// `b(n) = −h₁(n)h₂(n)` — checked certificates, used as bases for equivalences (they supply, for
/// instance, the e formulas with `b < 0` that no anchor with `b > 0` is coboundary-equivalent to).
pub fn series_seeds() -> Vec<(Certificate, Proven)> {
    let mut out = Vec::new();
    for s in &anchors::bundled().series {
        let (pa, qa) = (&s.ratio[0].0, &s.ratio[1].0);
        for j in 0..=2i64 {
            let h1 = pa.shift(j - 1);
            let h2 = qa.shift(j - 2);
            let pcf = Pcf::new(&h1 + &h2.shift(1), (&h1 * &h2).neg());
            if let Some((c, p)) = euler::find(&pcf, None, 0) {
                if c.series.id == s.id {
                    out.push((Certificate::Euler(Box::new(c)), p));
                }
            }
        }
    }
    out
}
