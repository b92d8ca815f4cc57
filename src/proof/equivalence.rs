//! Kind 1: equivalence of a PCF to a base with a known limit, by a polynomial coboundary.
//!
//! With `M₁(n) = [[0, b₁(n)], [1, a₁(n)]]` the base's step matrix and `M₂` the PCF's, the certificate
//! gives integer polynomials `ℓ, r`, a 2×2 polynomial matrix `U`, shifts `s₁, s₂ ≥ 0` and a start
//! index `n₀ ≥ 1` with
//!
//! `ℓ(n)·M₁(n+s₁)·U(n+1) = r(n)·U(n)·M₂(n+s₂)` (an identity in ℤ[n]),
//! `ℓ(n) ≠ 0, r(n) ≠ 0, det U(n) ≠ 0` for every integer `n ≥ n₀`.
//!
//! Then, with `Pᵢ(N) = Aᵢ·Mᵢ(1)···Mᵢ(N)` (`Aᵢ = [[1, aᵢ(0)], [0, 1]]`) and the constant matrices
//! `Hᵢ = Aᵢ·Mᵢ(1)···Mᵢ(n₀+sᵢ−1)`, for every `N ≥ n₀`
//!
//! `P₂(N+s₂) ∝ T·P₁(N+s₁)·U(N+1)`,  `T = H₂·U(n₀)⁻¹·H₁⁻¹`
//!
//! (a non-zero scalar `∏ r/ℓ`), so the PCF's convergent `p₂/q₂` at depth `N+s₂` is `T` applied to the
//! ratio `x_N/y_N` of `P₁(N+s₁)·(u₁₂(N+1), u₂₂(N+1))ᵀ`. The [`Convergence`] rule shows that
//! `x_N/y_N` tends to the base's limit `L₁`; since `T` is invertible and finite at `L₁`, the PCF
//! converges to `T(L₁)`. The statement is written out in `proofs/README.md`.

use super::anchors::{pcf_anchor, PcfAnchor};
use super::facts::{
    eventually_nonnegative, nonnegative_from, nonzero_from, positive_from, SignFact,
};
use super::json::{JsonInt, JsonPoly};
use super::linalg::nullspace;
use super::{
    broken, check, check_claim, denominators, finite_at, step_matrix, Certificate, Identity, Limit,
    Mobius, PcfData, ProofError, Proven,
};
use crate::pcf::canonical::CanonicalKey;
use crate::pcf::Pcf;
use crate::poly::Poly;
use rug::{Integer, Rational};
use serde::{Deserialize, Serialize};

/// A 2×2 matrix of integer polynomials in `n`.
pub type PolyMatrix = [[Poly; 2]; 2];

/// What the equivalence starts from: a bundled anchor theorem or another certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Base {
    /// A PCF anchor (a copy of the entry of `proofs/anchors.toml`).
    Anchor(PcfAnchor),
    /// A certificate proving the base PCF's limit (checked first).
    Certificate(Box<Certificate>),
}

/// Positivity of the base's convergent denominators: `q_m ≥ ρ(m)·q_{m−1} > 0` for all `m ≥ m₀`.
///
/// Checked by induction: `ρ(m) > 0` for `m ≥ m₀`; `q_{m₀−1} > 0` and `q_{m₀} ≥ ρ(m₀)q_{m₀−1}`
/// (computed); and for all `m > m₀` either `b(m) ≥ 0` and `a(m) − ρ(m) ≥ 0`, or `b(m) ≤ 0` and
/// `a(m)ρ(m−1) + b(m) − ρ(m)ρ(m−1) ≥ 0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Positivity {
    /// `ρ(m)`.
    pub rho: JsonPoly,
    /// `m₀ ≥ 1`.
    pub m0: i64,
}

/// Why the ratio `x_N/y_N = P₁(N+s₁)(z_N)`, `z_N = u₁₂(N+1)/u₂₂(N+1)`, tends to the base's limit.
///
/// With `r_m = q_{m−1}/q_m`, `P₁(m)(z) − p_m/q_m = (p_{m−1}/q_{m−1} − p_m/q_m)·z·r_m/(1 + z·r_m)`, so
/// it suffices that `z·r_m/(1 + z·r_m)` stays bounded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "lowercase")]
pub enum Convergence {
    /// `u₁₂ = 0`: the ratio is exactly the base's convergent `p_m/q_m`.
    Column,
    /// `u₂₂ = 0`: the ratio is exactly the base's convergent `p_{m−1}/q_{m−1}`.
    Swap,
    /// `u₁₂(n)u₂₂(n) ≥ 0` eventually and `q_m > 0`: the ratio is a weighted mediant of two
    /// consecutive convergents (`z·r_m ≥ 0`).
    Mediant(Positivity),
    /// `4u₁₂(n)² ≤ ρ(n−1+s₁)²u₂₂(n)²` eventually: `|z·r_m| ≤ 1/2`.
    Dominated(Positivity),
}

/// An equivalence certificate (see the module documentation for the statement).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Equivalence {
    /// The PCF proved.
    pub pcf: PcfData,
    /// Its limit as claimed.
    pub claim: Limit,
    /// The base.
    pub base: Base,
    /// `[s₁, s₂]`.
    pub shift: [u32; 2],
    /// `ℓ(n)`.
    pub ell: JsonPoly,
    /// `r(n)`.
    pub r: JsonPoly,
    /// `U(n)`, rows.
    pub u: [[JsonPoly; 2]; 2],
    /// `n₀`.
    pub n0: i64,
    /// `T` (integer, up to a scalar): limit of the PCF = `T(limit of the base)`.
    pub mobius: [[JsonInt; 2]; 2],
    /// The convergence rule.
    pub convergence: Convergence,
}

/// `A·B` for polynomial matrices.
pub fn mat_mul(a: &PolyMatrix, b: &PolyMatrix) -> PolyMatrix {
    let e = |i: usize, j: usize| &(&a[i][0] * &b[0][j]) + &(&a[i][1] * &b[1][j]);
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

/// `M(n + s)`.
pub fn mat_shift(m: &PolyMatrix, s: i64) -> PolyMatrix {
    let f = |p: &Poly| p.shift(s);
    [[f(&m[0][0]), f(&m[0][1])], [f(&m[1][0]), f(&m[1][1])]]
}

/// `p(n)·M(n)`.
pub fn mat_scale(m: &PolyMatrix, p: &Poly) -> PolyMatrix {
    let f = |q: &Poly| q * p;
    [[f(&m[0][0]), f(&m[0][1])], [f(&m[1][0]), f(&m[1][1])]]
}

/// The first entry `(i, j)` (0-based) where the coboundary identity
/// `ℓ(n)·M₁(n)·U(n+1) = r(n)·U(n)·M₂(n)` fails, with both sides of that entry; `None` when it holds
/// in ℤ[n]. Shared by the equivalence and membership checkers, which word the failure themselves.
pub fn coboundary_mismatch(
    m1: &PolyMatrix,
    m2: &PolyMatrix,
    u: &PolyMatrix,
    ell: &Poly,
    r: &Poly,
) -> Option<(usize, usize, Poly, Poly)> {
    let lhs = mat_scale(&mat_mul(m1, &mat_shift(u, 1)), ell);
    let rhs = mat_scale(&mat_mul(u, m2), r);
    (0..4)
        .map(|k| (k / 2, k % 2))
        .find(|&(i, j)| lhs[i][j] != rhs[i][j])
        .map(|(i, j)| (i, j, lhs[i][j].clone(), rhs[i][j].clone()))
}

/// `det M(n)`.
pub fn mat_det(m: &PolyMatrix) -> Poly {
    &(&m[0][0] * &m[1][1]) - &(&m[0][1] * &m[1][0])
}

fn mat_eval(m: &PolyMatrix, n: i64) -> Mobius {
    let f = |p: &Poly| Rational::from(p.eval(n));
    Mobius([[f(&m[0][0]), f(&m[0][1])], [f(&m[1][0]), f(&m[1][1])]])
}

fn adjugate(m: &Mobius) -> Mobius {
    let [[a, b], [c, d]] = &m.0;
    Mobius([
        [d.clone(), Rational::from(-b)],
        [Rational::from(-c), a.clone()],
    ])
}

/// `Aᵢ·Mᵢ(1)···Mᵢ(k)` evaluated exactly.
fn initial_product(pcf: &Pcf, k: i64) -> Mobius {
    let mut h = Mobius::from_integers([
        [Integer::from(1), pcf.a.eval(0)],
        [Integer::new(), Integer::from(1)],
    ]);
    let m = step_matrix(pcf);
    for j in 1..=k {
        h = h.compose(&mat_eval(&m, j));
    }
    h
}

fn sign_fact(identity: Identity, what: &str, from: i64, fact: SignFact) -> Result<(), ProofError> {
    match fact {
        SignFact::Holds => Ok(()),
        SignFact::FailsAt(n) => Err(broken(
            identity,
            format!("{what} fails at n = {n} (needed for all n >= {from})"),
        )),
        SignFact::Undecided => Err(broken(
            identity,
            format!("{what} for all n >= {from} could not be decided (root too large)"),
        )),
    }
}

/// Checks a [`Positivity`] claim for the base PCF; returns a description.
pub fn check_positivity(pcf: &Pcf, pos: &Positivity) -> Result<String, ProofError> {
    let id = Identity::Convergence;
    let m0 = pos.m0;
    if m0 < 1 {
        return Err(broken(id, format!("m0 = {m0} must be at least 1")));
    }
    let rho = &pos.rho.0;
    sign_fact(id, "rho(m) > 0", m0, positive_from(rho, m0))?;
    let q = denominators(pcf, m0);
    let (q_prev, q_m0) = (&q[m0 as usize], &q[m0 as usize + 1]);
    let bound: Integer = rho.eval(m0) * q_prev;
    if *q_prev <= 0 || *q_m0 < bound {
        return Err(broken(
            id,
            format!(
                "base case: q_{} = {q_prev}, q_{m0} = {q_m0}, rho({m0}) = {} (need q_{} > 0 and q_{m0} >= rho*q_{})",
                m0 - 1,
                rho.eval(m0),
                m0 - 1,
                m0 - 1
            ),
        ));
    }
    let after = m0 + 1;
    let (a, b) = (&pcf.a, &pcf.b);
    if nonnegative_from(b, after) == SignFact::Holds
        && nonnegative_from(&(a - rho), after) == SignFact::Holds
    {
        return Ok(format!(
            "q_m >= ({})*q_(m-1) > 0 for m >= {m0} (b >= 0 and a >= rho from m = {after})",
            rho.pretty()
        ));
    }
    let rho_prev = rho.shift(-1);
    let step = &(&(a * &rho_prev) + b) - &(rho * &rho_prev);
    if nonnegative_from(&b.neg(), after) == SignFact::Holds
        && nonnegative_from(&step, after) == SignFact::Holds
    {
        return Ok(format!(
            "q_m >= ({})*q_(m-1) > 0 for m >= {m0} (b <= 0 and a(m)rho(m-1) + b(m) - rho(m)rho(m-1) >= 0 from m = {after})",
            rho.pretty()
        ));
    }
    Err(broken(
        id,
        format!(
            "the induction q_m >= rho(m) q_(m-1) with rho = {} fails after m0 = {m0}",
            rho.pretty()
        ),
    ))
}

/// Checks a PCF anchor against the bundled one and returns what it states.
pub fn check_anchor(anchor: &PcfAnchor) -> Result<Proven, ProofError> {
    match pcf_anchor(&anchor.id) {
        Some(bundled) if bundled == anchor => Ok(Proven {
            pcf: anchor.pcf(),
            limit: anchor.limit.clone(),
            anchors: vec![anchor.id.clone()],
            steps: vec![format!(
                "anchor {}: PCF({}, {}) = {} [{}]",
                anchor.id,
                anchor.a.pretty(),
                anchor.b.pretty(),
                anchor.limit,
                anchor.reference
            )],
        }),
        Some(_) => Err(broken(
            Identity::Anchor,
            format!(
                "anchor {:?} differs from the bundled proofs/anchors.toml entry",
                anchor.id
            ),
        )),
        None => Err(broken(
            Identity::Anchor,
            format!("no bundled anchor {:?}", anchor.id),
        )),
    }
}

impl Equivalence {
    fn u(&self) -> PolyMatrix {
        let f = |i: usize, j: usize| self.u[i][j].0.clone();
        [[f(0, 0), f(0, 1)], [f(1, 0), f(1, 1)]]
    }

    /// Checks the certificate exactly; see the module documentation.
    pub fn check(&self) -> Result<Proven, ProofError> {
        let base = match &self.base {
            Base::Anchor(a) => check_anchor(a)?,
            Base::Certificate(c) => check(c)?,
        };
        let mut steps = base.steps.clone();
        let p1 = &base.pcf;
        let p2 = self.pcf.pcf();
        let (s1, s2) = (self.shift[0] as i64, self.shift[1] as i64);
        let u = self.u();
        let (ell, r) = (&self.ell.0, &self.r.0);

        // 1. The coboundary identity.
        let m1 = mat_shift(&step_matrix(p1), s1);
        let m2 = mat_shift(&step_matrix(&p2), s2);
        if let Some((i, j, left, right)) = coboundary_mismatch(&m1, &m2, &u, ell, r) {
            return Err(broken(
                Identity::Coboundary,
                format!(
                    "entry ({}, {}): left side {} but right side {}",
                    i + 1,
                    j + 1,
                    left.pretty(),
                    right.pretty()
                ),
            ));
        }
        steps.push(format!(
            "identity l(n)*M1(n+{s1})*U(n+1) = r(n)*U(n)*M2(n+{s2}) holds in Z[n]"
        ));

        // 2. The start index.
        let n0 = self.n0;
        if n0 < 1 {
            return Err(broken(
                Identity::StartIndex,
                format!("n0 = {n0} must be at least 1"),
            ));
        }
        let det_u = mat_det(&u);
        for (name, p) in [
            ("l(n) != 0", ell),
            ("r(n) != 0", r),
            ("det U(n) != 0", &det_u),
        ] {
            sign_fact(Identity::StartIndex, name, n0, nonzero_from(p, n0))?;
        }
        for k in 1..n0 + s1 {
            if p1.b.eval(k) == 0 {
                return Err(broken(
                    Identity::StartIndex,
                    format!("base b({k}) = 0: its initial product up to n0 + s1 - 1 is singular"),
                ));
            }
        }
        for k in 1..n0 + s2 {
            if p2.b.eval(k) == 0 {
                return Err(broken(
                    Identity::StartIndex,
                    format!("b({k}) = 0: the continued fraction terminates"),
                ));
            }
        }
        steps.push(format!(
            "l(n), r(n), det U(n) = {} are non-zero for all integers n >= {n0}",
            det_u.pretty()
        ));

        // 3. The Möbius map from the initial values.
        let h1 = initial_product(p1, n0 + s1 - 1);
        let h2 = initial_product(&p2, n0 + s2 - 1);
        let t = h2
            .compose(&adjugate(&mat_eval(&u, n0)))
            .compose(&adjugate(&h1));
        t.check_stated(&self.mobius, "T = H2*U(n0)^-1*H1^-1")?;
        steps.push(format!(
            "T = H2*U({n0})^-1*H1^-1 = {:?} (up to a scalar), invertible",
            t.normalized()
        ));

        // 4. Convergence of the carried ratio.
        steps.push(self.check_convergence(p1, &u, s1)?);

        // 5. The limit.
        let derived_map = t.compose(&base.limit.mobius());
        steps.push(finite_at(&base.limit.constant, &derived_map)?);
        check_claim(&base.limit.constant, &derived_map, &self.claim)?;
        steps.push(format!("limit = T({}) = {}", base.limit, self.claim));
        Ok(Proven {
            pcf: p2,
            limit: self.claim.clone(),
            anchors: base.anchors,
            steps,
        })
    }

    fn check_convergence(&self, p1: &Pcf, u: &PolyMatrix, s1: i64) -> Result<String, ProofError> {
        let id = Identity::Convergence;
        let (u12, u22) = (&u[0][1], &u[1][1]);
        match &self.convergence {
            Convergence::Column => {
                if !u12.is_zero() {
                    return Err(broken(id, "rule column needs u12 = 0"));
                }
                Ok("u12 = 0: the carried ratio is the base's convergent p_m/q_m".into())
            }
            Convergence::Swap => {
                if !u22.is_zero() {
                    return Err(broken(id, "rule swap needs u22 = 0"));
                }
                Ok("u22 = 0: the carried ratio is the base's convergent p_(m-1)/q_(m-1)".into())
            }
            Convergence::Mediant(pos) => {
                let q = check_positivity(p1, pos)?;
                if u12.is_zero() || u22.is_zero() || !eventually_nonnegative(&(u12 * u22)) {
                    return Err(broken(
                        id,
                        "rule mediant needs u12(n)*u22(n) >= 0 for large n (both non-zero)",
                    ));
                }
                Ok(format!(
                    "{q}; u12*u22 >= 0 for large n: the carried ratio is a weighted mediant of p_(m-1)/q_(m-1) and p_m/q_m"
                ))
            }
            Convergence::Dominated(pos) => {
                let q = check_positivity(p1, pos)?;
                if u22.is_zero() {
                    return Err(broken(id, "rule dominated needs u22 != 0"));
                }
                let rho = pos.rho.0.shift(s1 - 1);
                let gap = &(&(&rho * &rho) * &(u22 * u22)) - &(&(u12 * u12) * &Poly::constant(4));
                if !eventually_nonnegative(&gap) {
                    return Err(broken(
                        id,
                        "rule dominated needs 4*u12(n)^2 <= rho(n-1+s1)^2*u22(n)^2 for large n",
                    ));
                }
                Ok(format!(
                    "{q}; 2|u12(n)| <= rho(n-1+s1)|u22(n)| for large n, so |z*r_m| <= 1/2"
                ))
            }
        }
    }
}

/// Candidate `ρ` for the positivity lemma of a PCF, largest first: `c·n^d + e` with
/// `d = deg a`, `c = lead(a), …, 1`, `e ∈ {1, 0, 2, −1}`, then the powers `n^k`, `k < d`.
fn rho_candidates(pcf: &Pcf) -> Vec<Poly> {
    let mut out = Vec::new();
    let d = pcf.a.degree().unwrap_or(0);
    let lead = pcf.a.leading().to_i64().unwrap_or(1).clamp(1, 64);
    for c in (1..=lead).rev() {
        for e in [1, 0, 2, -1] {
            let mut m = vec![Integer::new(); d + 1];
            m[d] += c;
            m[0] += e;
            out.push(Poly::new(m));
        }
    }
    for k in (0..d).rev() {
        let mut m = vec![Integer::new(); k + 1];
        m[k] = Integer::from(1);
        out.push(Poly::new(m));
    }
    out.retain(|p| !p.is_zero());
    out.dedup();
    out
}

/// Finds a [`Positivity`] for `pcf` with `ρ` from a candidate list (largest first) and `m₀ ≤ 12`
/// (memoised per PCF).
pub fn find_positivity(pcf: &Pcf) -> Option<Positivity> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static CACHE: std::sync::OnceLock<Mutex<HashMap<Pcf, Option<Positivity>>>> =
        std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().expect("cache").get(pcf) {
        return hit.clone();
    }
    let found = rho_candidates(pcf).into_iter().find_map(|rho| {
        (1..=12).find_map(|m0| {
            let pos = Positivity {
                rho: JsonPoly(rho.clone()),
                m0,
            };
            check_positivity(pcf, &pos).is_ok().then_some(pos)
        })
    });
    cache
        .lock()
        .expect("cache")
        .insert(pcf.clone(), found.clone());
    found
}

/// Builds and checks an equivalence certificate from a coboundary `(ℓ, r, U)` with shifts
/// `(s₁, s₂)`: chooses the smallest valid `n₀`, computes `T`, picks a convergence rule and derives
/// the limit. With `claim`, the derived limit must equal it. Returns the checked certificate or why
/// it could not be built.
pub fn build(
    base: Base,
    pcf: &Pcf,
    claim: Option<&Limit>,
    shift: [u32; 2],
    ell: Poly,
    r: Poly,
    u: PolyMatrix,
) -> Result<(Equivalence, Proven), ProofError> {
    let base_proven = match &base {
        Base::Anchor(a) => check_anchor(a)?,
        Base::Certificate(c) => check(c)?,
    };
    build_on(base, &base_proven, pcf, claim, shift, ell, r, u)
}

/// [`build`] with the base's checked statement given (the final check re-checks it).
#[allow(clippy::too_many_arguments)]
pub fn build_on(
    base: Base,
    base_proven: &Proven,
    pcf: &Pcf,
    claim: Option<&Limit>,
    shift: [u32; 2],
    ell: Poly,
    r: Poly,
    u: PolyMatrix,
) -> Result<(Equivalence, Proven), ProofError> {
    let (s1, s2) = (shift[0] as i64, shift[1] as i64);
    let det_u = mat_det(&u);
    // smallest n0 from which l, r, det U have no integer root
    let mut n0 = 1;
    for p in [&ell, &r, &det_u] {
        match super::facts::first_nonzero_tail(p, 1, 1000) {
            Some(k) => n0 = n0.max(k),
            None => {
                return Err(broken(
                    Identity::StartIndex,
                    "l, r or det U vanishes identically or has a large root",
                ))
            }
        }
    }
    let h1 = initial_product(&base_proven.pcf, n0 + s1 - 1);
    let h2 = initial_product(pcf, n0 + s2 - 1);
    let t = h2
        .compose(&adjugate(&mat_eval(&u, n0)))
        .compose(&adjugate(&h1));
    let convergence = if u[0][1].is_zero() {
        Convergence::Column
    } else if u[1][1].is_zero() {
        Convergence::Swap
    } else {
        let pos = find_positivity(&base_proven.pcf).ok_or_else(|| {
            broken(
                Identity::Convergence,
                "no positivity lemma found for the base",
            )
        })?;
        if eventually_nonnegative(&(&u[0][1] * &u[1][1])) {
            Convergence::Mediant(pos)
        } else {
            Convergence::Dominated(pos)
        }
    };
    if t.det() == 0 {
        return Err(broken(Identity::MobiusMap, "T is singular"));
    }
    let constant = base_proven.limit.constant.clone();
    let derived_map = t.compose(&base_proven.limit.mobius());
    let derived = Limit::from_mobius(&constant, &derived_map);
    let claim = match claim {
        Some(c) if !c.same_as(&derived) => {
            return Err(broken(
                Identity::Claim,
                format!("derives {derived}, not {c}"),
            ))
        }
        Some(c) => c.clone(),
        None => derived,
    };
    let j = |p: &Poly| JsonPoly(p.clone());
    let cert = Equivalence {
        pcf: PcfData::of(pcf),
        claim,
        base,
        shift,
        ell: j(&ell),
        r: j(&r),
        u: [[j(&u[0][0]), j(&u[0][1])], [j(&u[1][0]), j(&u[1][1])]],
        n0,
        mobius: t.normalized().map(|row| row.map(JsonInt)),
        convergence,
    };
    let proven = cert.check()?;
    Ok((cert, proven))
}

/// The coboundary of an inflation: when `PCF₂(n+s₂)` is the inflation of `PCF₁(n+s₁)` by the
/// rational function `c = p/q` (`a₂ = c·a₁`, `b₂ = c(n)c(n−1)·b₁`, which holds exactly when the two have
/// the same [`CanonicalKey`]), `ℓ = p(n−1)`, `r = q(n)`, `U = diag(q(n−1), p(n−1))`. Covers sign flips
/// (`c = −1`), constant and polynomial inflations and deflations. Returns `(ℓ, r, U)`.
pub fn inflation_coboundary(
    p1: &Pcf,
    p2: &Pcf,
    shift: [u32; 2],
) -> Option<(Poly, Poly, PolyMatrix)> {
    let a1 = p1.a.shift(shift[0] as i64);
    let a2 = p2.a.shift(shift[1] as i64);
    let k1 = CanonicalKey::of(&Pcf::new(a1.clone(), p1.b.shift(shift[0] as i64)));
    let k2 = CanonicalKey::of(&Pcf::new(a2.clone(), p2.b.shift(shift[1] as i64)));
    if k1 != k2 || a1.is_zero() || a2.is_zero() {
        return None;
    }
    let g = a1.gcd(&a2);
    // g is primitive, so a₂/g and a₁/g have integer coefficients (Gauss's lemma): c = p/q exactly.
    let p = a2.div_poly(&g)?;
    let q = a1.div_poly(&g)?;
    let zero = Poly::default();
    let u = [[q.shift(-1), zero.clone()], [zero, p.shift(-1)]];
    Some((p.shift(-1), q, u))
}

/// The polynomial matrices `U` of degree ≤ `deg` with `M₁(n)·U(n+1) = U(n)·M₂(n)` (a basis of the
/// solution space over ℚ, scaled to integer coefficients; when it has two or more elements their
/// sum is appended, since a basis element may be singular).
pub fn solve_coboundary(m1: &PolyMatrix, m2: &PolyMatrix, deg: usize) -> Vec<PolyMatrix> {
    let per = deg + 1;
    let cols = 4 * per;
    let unit = |idx: usize| -> PolyMatrix {
        let (e, k) = (idx / per, idx % per);
        let mut m: PolyMatrix = Default::default();
        let mut c = vec![Integer::new(); k + 1];
        c[k] = Integer::from(1);
        m[e / 2][e % 2] = Poly::new(c);
        m
    };
    let images: Vec<PolyMatrix> = (0..cols)
        .map(|idx| {
            let u = unit(idx);
            let l = mat_mul(m1, &mat_shift(&u, 1));
            let r = mat_mul(&u, m2);
            let mut d: PolyMatrix = Default::default();
            for i in 0..2 {
                for j in 0..2 {
                    d[i][j] = &l[i][j] - &r[i][j];
                }
            }
            d
        })
        .collect();
    let mut rows: Vec<Vec<Rational>> = Vec::new();
    for i in 0..2 {
        for j in 0..2 {
            let len = images
                .iter()
                .map(|m| m[i][j].coeffs().len())
                .max()
                .unwrap_or(0);
            for c in 0..len {
                rows.push(
                    images
                        .iter()
                        .map(|m| {
                            Rational::from(m[i][j].coeffs().get(c).cloned().unwrap_or_default())
                        })
                        .collect(),
                );
            }
        }
    }
    let basis = nullspace(rows, cols);
    let to_matrix = |v: &[Rational]| -> PolyMatrix {
        let den = v.iter().fold(Integer::from(1), |l, x| l.lcm(x.denom()));
        let mut m: PolyMatrix = Default::default();
        for e in 0..4 {
            let coeffs: Vec<Integer> = (0..per)
                .map(|k| {
                    let x = &v[e * per + k];
                    x.numer() * Integer::from(&den / x.denom())
                })
                .collect();
            m[e / 2][e % 2] = Poly::new(coeffs);
        }
        m
    };
    let mut out: Vec<PolyMatrix> = basis.iter().map(|v| to_matrix(v)).collect();
    if basis.len() >= 2 {
        let sum: Vec<Rational> = basis[0]
            .iter()
            .zip(&basis[1])
            .map(|(x, y)| Rational::from(x + y))
            .collect();
        out.push(to_matrix(&sum));
    }
    out
}
