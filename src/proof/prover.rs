//! The search for certificates: given a PCF and its (numerically verified) limit, try the
//! certificate kinds in turn and return the first one that checks.
//!
//! 1. an inflation / sign flip / index shift of a known base (anchor or proved PCF), found by equal
//!    canonical keys ([`equivalence::inflation_coboundary`]);
//! 2. the Euler family ([`euler::find`]), `f` of degree ≤ 4;
//! 3. a general polynomial coboundary `ℓ(n)M₁(n+s₁)U(n+1) = r(n)U(n)M₂(n+s₂)` with `U` of degree ≤ 4,
//!    shifts ≤ 3 and `ℓ, r` among 1 and the linear factors of the `a`'s and `b`'s, solved as a linear
//!    system over ℚ ([`equivalence::solve_coboundary`]) after a determinant test that rules out most
//!    combinations.
//!
//! Every candidate is checked by the exact checker and its derived limit compared with the claim;
//! nothing unchecked is ever returned.

use super::equivalence::{self, build_on, inflation_coboundary, solve_coboundary, Base};
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
            max_u_degree: 4,
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
    }

    /// A checked certificate proving `PCF = claim`, if one of the searches finds it.
    pub fn prove(&self, pcf: &Pcf, claim: &Limit) -> Option<(Certificate, Proven)> {
        self.prove_from(pcf, claim, 0, true)
    }

    /// [`Prover::prove`] using only the bases from index `first_base` on (bases are kept in the
    /// order they were added), with or without the Euler-family search.
    pub fn prove_from(
        &self,
        pcf: &Pcf,
        claim: &Limit,
        first_base: usize,
        euler_family: bool,
    ) -> Option<(Certificate, Proven)> {
        if pcf.b.is_zero() || pcf.a.is_zero() {
            return None;
        }
        let usable: Vec<&ProvenBase> = self.bases[first_base.min(self.bases.len())..]
            .iter()
            .filter(|b| b.proven.limit.constant == claim.constant)
            .collect();
        // 1. inflations, sign flips, shifts
        for b in &usable {
            for shift in SHIFTS {
                if let Some((ell, r, u)) = inflation_coboundary(&b.proven.pcf, pcf, shift) {
                    if let Ok((c, p)) = build_on(
                        b.base.clone(),
                        &b.proven,
                        pcf,
                        Some(claim),
                        shift,
                        ell,
                        r,
                        u,
                    ) {
                        return Some((Certificate::Equivalence(Box::new(c)), p));
                    }
                }
            }
        }
        // 2. Euler family
        if euler_family {
            if let Some((c, p)) = euler::find(pcf, Some(claim), 4) {
                return Some((Certificate::Euler(Box::new(c)), p));
            }
        }
        // 3. general coboundary, with scalar factors ℓ, r among 1 and the linear factors of the
        //    b's and a's (shifted by −1, 0, 1)
        let m2 = step_matrix(pcf);
        let one = Poly::constant(1);
        for b in &usable {
            let m1 = step_matrix(&b.proven.pcf);
            for shift in &SHIFTS {
                let m1s = equivalence::mat_shift(&m1, shift[0] as i64);
                let m2s = equivalence::mat_shift(&m2, shift[1] as i64);
                let mut factors: Vec<Poly> = Vec::new();
                for p in [&m1s[0][1], &m2s[0][1], &m1s[1][1], &m2s[1][1]] {
                    for s in -1..=1 {
                        for (l, _) in euler::factor_linear(&p.shift(s)).1 {
                            if !factors.contains(&l) {
                                factors.push(l);
                            }
                        }
                    }
                }
                let mut scalars = vec![(one.clone(), one.clone())];
                for f in &factors {
                    scalars.push((f.clone(), one.clone()));
                    scalars.push((one.clone(), f.clone()));
                }
                for (ell, r) in &scalars {
                    if !determinants_compatible(
                        &(&(ell * ell) * &m1s[0][1]),
                        &(&(r * r) * &m2s[0][1]),
                        2 * self.max_u_degree,
                    ) {
                        continue;
                    }
                    let m1l = equivalence::mat_scale(&m1s, ell);
                    let m2r = equivalence::mat_scale(&m2s, r);
                    for deg in 0..=self.max_u_degree {
                        for u in solve_coboundary(&m1l, &m2r, deg) {
                            if equivalence::mat_det(&u).is_zero() {
                                continue;
                            }
                            if let Ok((c, p)) = build_on(
                                b.base.clone(),
                                &b.proven,
                                pcf,
                                Some(claim),
                                *shift,
                                ell.clone(),
                                r.clone(),
                                u,
                            ) {
                                return Some((Certificate::Equivalence(Box::new(c)), p));
                            }
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

/// The PCF and the claimed limit of a catalog conjecture: kind `pcf`, one constant, and a Möbius
/// relation `x = (c₀ + c₁K)/(d₀ + d₁K)` (the `numerator`/`denominator` of its details). `None` for
/// anything else (ESMA rows, multi-constant relations).
pub fn claim_of(c: &crate::catalog::Conjecture) -> Option<(Pcf, Limit)> {
    if c.kind != "pcf" || c.constants.len() != 1 {
        return None;
    }
    let pcf = Pcf::parse(&c.a, &c.b).ok()?;
    let coeffs = |key: &str| -> Option<[rug::Integer; 2]> {
        let v = c.details.get(key)?.as_array()?;
        let mut out = [rug::Integer::new(), rug::Integer::new()];
        if v.is_empty() || v.len() > 2 {
            return None;
        }
        for (i, x) in v.iter().enumerate() {
            out[i] = rug::Integer::from_str_radix(x.as_str()?, 10).ok()?;
        }
        Some(out)
    };
    let limit = Limit::new(
        &c.constants[0],
        coeffs("numerator")?,
        coeffs("denominator")?,
    );
    Some((pcf, limit))
}

/// The file stem of the certificate of a conjecture: `<constant>-<12 hex digits of SHA-256 of the
/// canonical key>` (stable across runs and machines).
pub fn certificate_id(constant: &str, canonical_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(canonical_key.as_bytes());
    let hex: String = h.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let safe: String = constant
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{safe}-{hex}")
}

/// Proves what it can of `targets` (PCF, claimed limit), in passes: each proof found becomes a base
/// for the next targets, and the targets left are retried until a pass proves nothing new. The
/// result is in the order of `targets`; the same input gives the same certificates.
pub fn prove_all(
    prover: &mut Prover,
    targets: &[(Pcf, Limit)],
    mut progress: impl FnMut(usize),
) -> Vec<Option<(Certificate, Proven)>> {
    let mut out: Vec<Option<(Certificate, Proven)>> = vec![None; targets.len()];
    // tried[i]: number of bases target i was already tried against
    let mut tried: Vec<Option<usize>> = vec![None; targets.len()];
    loop {
        let mut new = false;
        for (i, (pcf, claim)) in targets.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            let n = prover.bases().len();
            if tried[i] == Some(n) {
                continue;
            }
            let found = prover.prove_from(pcf, claim, tried[i].unwrap_or(0), tried[i].is_none());
            tried[i] = Some(n);
            if let Some((c, p)) = found {
                prover.add(&c, &p);
                out[i] = Some((c, p));
                new = true;
                progress(i);
            }
        }
        if !new {
            return out;
        }
    }
}

/// A necessary condition for `ℓM₁(n)U(n+1) = rU(n)M₂(n)` with `det U = D` polynomial of degree
/// ≤ `max_deg`: taking determinants, `B₁(n)D(n+1) = B₂(n)D(n)` with `Bᵢ = ℓ²bᵢ` resp. `r²b₂`, so `B₁` and
/// `B₂` have the same degree and leading coefficient, and `(B₂ − B₁)`'s next coefficient is
/// `deg D · lead` (from `D(n+1)/D(n) = 1 + deg D/n + …`).
fn determinants_compatible(b1: &Poly, b2: &Poly, max_deg: usize) -> bool {
    let (Some(d1), Some(d2)) = (b1.degree(), b2.degree()) else {
        return false;
    };
    if d1 != d2 || b1.leading() != b2.leading() {
        return false;
    }
    if d1 == 0 {
        return true;
    }
    let diff = rug::Integer::from(&b2.coeffs()[d1 - 1] - &b1.coeffs()[d1 - 1]);
    let lead = b1.leading();
    if !diff.is_divisible(&lead) {
        return false;
    }
    let k = diff / lead;
    k >= 0 && k <= max_deg as i64
}
