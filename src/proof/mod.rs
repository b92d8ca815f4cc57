//! Proofs of PCF formulas: certificates that an exact checker re-verifies from the file alone.
//!
//! A [`Certificate`] proves `PCF(a, b) = (c₀ + c₁K)/(d₀ + d₁K)` for a constant `K`. Its kinds:
//!
//! 1. [`equivalence::Equivalence`] — a coboundary `ℓ(n)·M₁(n+s₁)·U(n+1) = r(n)·U(n)·M₂(n+s₂)`
//!    between the PCF (matrix `M₂`) and a *base* whose limit is known: an anchor theorem of
//!    `proofs/anchors.toml` or another certificate. Inflations, sign flips, index shifts and
//!    Möbius variants of a formula are all of this kind.
//! 2. [`euler::EulerFamily`] — `b = −h₁h₂`, `f(n)a(n) = f(n−1)h₁(n) + f(n+1)h₂(n+1)`: the PCF's
//!    convergents are an explicit function of the partial sums of a series whose sum is an anchor.
//! 3. Membership in a conservative matrix field: the body is checked by [`check_membership`], the
//!    extension point for that kind (see its documentation).
//!
//! [`check`] verifies a certificate exactly (integer polynomial identities, exact signs of
//! polynomials on the integers, rational Möbius maps) and returns what it proves ([`Proven`]); every
//! failure names the identity that broke ([`ProofError`]). The file format (JSON) is documented in
//! `proofs/README.md`; [`render`] writes the Markdown + LaTeX reading of a certificate.

pub mod anchors;
pub mod equivalence;
pub mod euler;
pub mod facts;
pub mod json;
pub mod linalg;
pub mod membership;
pub mod prover;
pub mod render;

use crate::pcf::Pcf;
use crate::poly::Poly;
use json::{JsonInt, JsonPoly};
use rug::{Integer, Rational};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The `format` field of every certificate file.
pub const FORMAT: &str = "apery-certificate/1";

/// A PCF as stored in a certificate: coefficient lists of `a(n)` and `b(n)`, lowest degree first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcfData {
    /// `a(n)`.
    pub a: JsonPoly,
    /// `b(n)`.
    pub b: JsonPoly,
}

impl PcfData {
    /// The PCF.
    pub fn pcf(&self) -> Pcf {
        Pcf::new(self.a.0.clone(), self.b.0.clone())
    }

    /// The stored form of a PCF.
    pub fn of(pcf: &Pcf) -> PcfData {
        PcfData {
            a: JsonPoly(pcf.a.clone()),
            b: JsonPoly(pcf.b.clone()),
        }
    }
}

/// An exact value `(c₀ + c₁·K)/(d₀ + d₁·K)` of a constant `K` (named as in `apery constants`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// The constant `K` (`pi`, `e`, `zeta3`, `catalan`, …).
    pub constant: String,
    /// `[c₀, c₁]`.
    pub numerator: [JsonInt; 2],
    /// `[d₀, d₁]`.
    pub denominator: [JsonInt; 2],
}

impl Limit {
    /// The limit `(c₀ + c₁K)/(d₀ + d₁K)`.
    pub fn new(constant: &str, numerator: [Integer; 2], denominator: [Integer; 2]) -> Limit {
        let [c0, c1] = numerator;
        let [d0, d1] = denominator;
        Limit {
            constant: constant.to_string(),
            numerator: [JsonInt(c0), JsonInt(c1)],
            denominator: [JsonInt(d0), JsonInt(d1)],
        }
    }

    /// The Möbius map `K ↦ (c₁K + c₀)/(d₁K + d₀)`.
    pub fn mobius(&self) -> Mobius {
        Mobius::from_integers([
            [self.numerator[1].0.clone(), self.numerator[0].0.clone()],
            [self.denominator[1].0.clone(), self.denominator[0].0.clone()],
        ])
    }

    /// The limit `T(K)` for the Möbius map `T` (normalised: integer, primitive, `d` sign fixed).
    pub fn from_mobius(constant: &str, t: &Mobius) -> Limit {
        let [[c1, c0], [d1, d0]] = t.normalized();
        Limit::new(constant, [c0, c1], [d0, d1])
    }

    /// Whether `self` and `other` are the same value of the same constant (projectively equal maps).
    pub fn same_as(&self, other: &Limit) -> bool {
        self.constant == other.constant && self.mobius().projectively_eq(&other.mobius())
    }
}

impl fmt::Display for Limit {
    /// Written like the catalog's relations: `4/pi`, `pi/(4 - pi)`, `(e + 1)/(e - 1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = &self.constant;
        let term = |c1: &Integer| -> String {
            let a = Integer::from(c1.abs_ref());
            if a == 1 {
                k.clone()
            } else {
                format!("{a}*{k}")
            }
        };
        let lin = |c0: &Integer, c1: &Integer| -> String {
            if *c1 == 0 {
                return c0.to_string();
            }
            let t = term(c1);
            match (c0.cmp0(), c1.cmp0()) {
                (std::cmp::Ordering::Equal, std::cmp::Ordering::Less) => format!("-{t}"),
                (std::cmp::Ordering::Equal, _) => t,
                (_, std::cmp::Ordering::Less) => format!("{c0} - {t}"),
                (std::cmp::Ordering::Less, _) => format!("{t} - {}", Integer::from(-c0)),
                _ => format!("{t} + {c0}"),
            }
        };
        let paren = |s: String| if s.contains(' ') { format!("({s})") } else { s };
        let num = lin(&self.numerator[0].0, &self.numerator[1].0);
        let den = lin(&self.denominator[0].0, &self.denominator[1].0);
        if den == "1" {
            write!(f, "{num}")
        } else {
            write!(f, "{}/{}", paren(num), paren(den))
        }
    }
}

/// A Möbius map `z ↦ (m₀₀z + m₀₁)/(m₁₀z + m₁₁)` with rational entries (a 2×2 matrix up to a scalar).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mobius(pub [[Rational; 2]; 2]);

impl Mobius {
    /// The identity map.
    pub fn identity() -> Mobius {
        Mobius::from_integers([
            [Integer::from(1), Integer::new()],
            [Integer::new(), Integer::from(1)],
        ])
    }

    /// Checks that the computed map `self` is invertible and equals the certificate's `stated` map
    /// up to a scalar; otherwise the Möbius-map identity is broken, with `what` naming the map.
    pub fn check_stated(&self, stated: &[[JsonInt; 2]; 2], what: &str) -> Result<(), ProofError> {
        let stated = Mobius::from_integers(stated.clone().map(|row| row.map(|c| c.0)));
        if self.det() == 0 || !self.projectively_eq(&stated) {
            return Err(broken(
                Identity::MobiusMap,
                format!(
                    "{what} is {:?} (up to a scalar), the certificate states {:?}",
                    self.normalized(),
                    stated.normalized()
                ),
            ));
        }
        Ok(())
    }

    /// The map with integer entries.
    pub fn from_integers(m: [[Integer; 2]; 2]) -> Mobius {
        let [[a, b], [c, d]] = m;
        Mobius([
            [Rational::from(a), Rational::from(b)],
            [Rational::from(c), Rational::from(d)],
        ])
    }

    /// The composition `self ∘ other` (matrix product).
    pub fn compose(&self, o: &Mobius) -> Mobius {
        let m = &self.0;
        let p = &o.0;
        let e = |i: usize, j: usize| {
            Rational::from(&m[i][0] * &p[0][j]) + Rational::from(&m[i][1] * &p[1][j])
        };
        Mobius([[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]])
    }

    /// The determinant `m₀₀m₁₁ − m₀₁m₁₀`.
    pub fn det(&self) -> Rational {
        let m = &self.0;
        Rational::from(&m[0][0] * &m[1][1]) - Rational::from(&m[0][1] * &m[1][0])
    }

    /// Whether the two matrices are proportional (the same map), both non-zero.
    pub fn projectively_eq(&self, o: &Mobius) -> bool {
        let a: Vec<&Rational> = self.0.iter().flatten().collect();
        let b: Vec<&Rational> = o.0.iter().flatten().collect();
        if a.iter().all(|x| **x == 0) || b.iter().all(|x| **x == 0) {
            return false;
        }
        (0..4).all(|i| (0..4).all(|j| Rational::from(a[i] * b[j]) == Rational::from(a[j] * b[i])))
    }

    /// The proportional integer matrix with coprime entries, the first non-zero entry of the bottom
    /// row positive.
    pub fn normalized(&self) -> [[Integer; 2]; 2] {
        let den = self
            .0
            .iter()
            .flatten()
            .fold(Integer::from(1), |l, x| l.lcm(x.denom()));
        let mut ints: Vec<Integer> = self
            .0
            .iter()
            .flatten()
            .map(|x| x.numer() * Integer::from(&den / x.denom()))
            .collect();
        let g = ints.iter().fold(Integer::new(), |g, x| g.gcd(x));
        if g != 0 {
            for x in ints.iter_mut() {
                *x /= &g;
            }
        }
        let flip = match ints[2..].iter().find(|x| **x != 0) {
            Some(x) => *x < 0,
            None => ints[..2].iter().find(|x| **x != 0).is_some_and(|x| *x < 0),
        };
        if flip {
            for x in ints.iter_mut() {
                *x = Integer::from(-&*x);
            }
        }
        let mut it = ints.into_iter();
        let mut next = || it.next().expect("four entries");
        [[next(), next()], [next(), next()]]
    }

    /// The pole `z = −m₁₁/m₁₀` (`None` when `m₁₀ = 0`).
    pub fn pole(&self) -> Option<Rational> {
        (self.0[1][0] != 0).then(|| Rational::from(-&self.0[1][1]) / &self.0[1][0])
    }
}

/// The identities and hypotheses a checker verifies; [`ProofError::Broken`] names the one that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Identity {
    /// The anchor in the certificate is the bundled anchor of that id.
    Anchor,
    /// `ℓ(n)·M₁(n+s₁)·U(n+1) = r(n)·U(n)·M₂(n+s₂)`.
    Coboundary,
    /// `ℓ(n), r(n), det U(n) ≠ 0` for all `n ≥ n₀`, and the initial products are invertible.
    StartIndex,
    /// The convergence rule that carries the base's limit through `U(N+1)`.
    Convergence,
    /// The Möbius map between the limits computed from the initial values.
    MobiusMap,
    /// The derived limit equals the claimed relation.
    Claim,
    /// `b(n) = −h₁(n)·h₂(n)`.
    EulerFactorisation,
    /// `f(n)a(n) = f(n−1)h₁(n) + f(n+1)h₂(n+1)`.
    EulerRecurrence,
    /// `f(k) ≠ 0 (k ≥ 0)` and `h₂(k) ≠ 0 (k ≥ 1)`.
    EulerNonVanishing,
    /// The series' term ratio is the anchor series' term ratio (shifted).
    SeriesMatch,
    /// The limit is finite: the constant is not the pole of the derived Möbius map.
    Finiteness,
    /// The certificate's kind can be checked by this build.
    Kind,
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Identity::Anchor => "anchor",
            Identity::Coboundary => "coboundary identity l(n)*M1(n+s1)*U(n+1) = r(n)*U(n)*M2(n+s2)",
            Identity::StartIndex => "start index n0 (l, r, det U non-zero from n0 on)",
            Identity::Convergence => "convergence rule",
            Identity::MobiusMap => "Möbius map between the limits",
            Identity::Claim => "claimed relation",
            Identity::EulerFactorisation => "Euler factorisation b(n) = -h1(n)*h2(n)",
            Identity::EulerRecurrence => "Euler recurrence f(n)a(n) = f(n-1)h1(n) + f(n+1)h2(n+1)",
            Identity::EulerNonVanishing => "non-vanishing of f(k) (k >= 0) and h2(k) (k >= 1)",
            Identity::SeriesMatch => "series term ratio = anchor series term ratio",
            Identity::Finiteness => "finiteness of the limit",
            Identity::Kind => "certificate kind",
        })
    }
}

/// Why a certificate does not check (or cannot be read).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The file is not a certificate of this format.
    #[error("not a certificate ({FORMAT}): {0}")]
    Format(String),
    /// An identity or hypothesis fails.
    #[error("{identity} does not hold: {detail}")]
    Broken {
        /// Which one.
        identity: Identity,
        /// What was found, with the offending values.
        detail: String,
    },
}

impl ProofError {
    /// The identity that broke, if any.
    pub fn identity(&self) -> Option<Identity> {
        match self {
            ProofError::Broken { identity, .. } => Some(*identity),
            ProofError::Format(_) => None,
        }
    }
}

/// Shorthand for a broken identity.
pub(crate) fn broken(identity: Identity, detail: impl Into<String>) -> ProofError {
    ProofError::Broken {
        identity,
        detail: detail.into(),
    }
}

/// What a checked certificate proves: the PCF converges and its limit is `limit`.
#[derive(Clone, Debug, PartialEq)]
pub struct Proven {
    /// The PCF.
    pub pcf: Pcf,
    /// Its limit.
    pub limit: Limit,
    /// The ids of the anchors the proof rests on (bundled theorems), in order of use.
    pub anchors: Vec<String>,
    /// The statements verified, in order (for display).
    pub steps: Vec<String>,
}

/// A certificate (kind in the `kind` field of its JSON object).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Certificate {
    /// Kind 1: coboundary equivalence to a base with a known limit.
    Equivalence(Box<equivalence::Equivalence>),
    /// Kind 2: Euler family (an explicit series).
    Euler(Box<euler::EulerFamily>),
    /// Kind 3: membership in a conservative matrix field. The body (a JSON object) is read and
    /// checked by [`check_membership`].
    Membership(serde_json::Value),
}

impl Certificate {
    /// The kind name (`equivalence`, `euler`, `membership`).
    pub fn kind(&self) -> &'static str {
        match self {
            Certificate::Equivalence(_) => "equivalence",
            Certificate::Euler(_) => "euler",
            Certificate::Membership(_) => "membership",
        }
    }

    /// The PCF the certificate is about, when it can be read without checking.
    pub fn pcf(&self) -> Option<Pcf> {
        match self {
            Certificate::Equivalence(e) => Some(e.pcf.pcf()),
            Certificate::Euler(e) => Some(e.pcf.pcf()),
            Certificate::Membership(v) => {
                let p = v.get("pcf")?;
                serde_json::from_value::<PcfData>(p.clone())
                    .ok()
                    .map(|d| d.pcf())
            }
        }
    }

    /// The certificate file: `{"format": "apery-certificate/1", "certificate": {...}}`, pretty JSON.
    pub fn to_file_string(&self) -> String {
        let file = CertificateFile {
            format: FORMAT.to_string(),
            certificate: self.clone(),
        };
        serde_json::to_string_pretty(&file).expect("serialisable") + "\n"
    }

    /// Reads a certificate file written by [`Certificate::to_file_string`].
    pub fn from_file_str(text: &str) -> Result<Certificate, ProofError> {
        let file: CertificateFile =
            serde_json::from_str(text).map_err(|e| ProofError::Format(e.to_string()))?;
        if file.format != FORMAT {
            return Err(ProofError::Format(format!(
                "format is {:?}, expected {FORMAT:?}",
                file.format
            )));
        }
        Ok(file.certificate)
    }
}

#[derive(Serialize, Deserialize)]
struct CertificateFile {
    format: String,
    certificate: Certificate,
}

/// Checks a certificate exactly and returns what it proves.
///
/// # Errors
/// [`ProofError::Broken`] naming the first identity or hypothesis that fails.
pub fn check(cert: &Certificate) -> Result<Proven, ProofError> {
    match cert {
        Certificate::Equivalence(e) => e.check(),
        Certificate::Euler(e) => e.check(),
        Certificate::Membership(body) => check_membership(body),
    }
}

/// The checker of kind 3 (CMF membership): [`membership::check`] reads `body` (the certificate
/// object without its `kind` field) and returns the PCF and limit it proves.
pub fn check_membership(body: &serde_json::Value) -> Result<Proven, ProofError> {
    membership::check(body)
}

/// The PCF's step matrix `M(n) = [[0, b(n)], [1, a(n)]]` as polynomials in `n`.
pub fn step_matrix(pcf: &Pcf) -> [[Poly; 2]; 2] {
    [
        [Poly::default(), pcf.b.clone()],
        [Poly::constant(1), pcf.a.clone()],
    ]
}

/// The convergent denominators `q_{−1} = 0, q_0 = 1, q_m = a(m)q_{m−1} + b(m)q_{m−2}` up to `q_m`
/// (index `i` of the result is `q_{i−1}`).
pub fn denominators(pcf: &Pcf, m: i64) -> Vec<Integer> {
    let mut q = vec![Integer::new(), Integer::from(1)];
    for k in 1..=m {
        let next = pcf.a.eval(k) * &q[q.len() - 1] + pcf.b.eval(k) * &q[q.len() - 2];
        q.push(next);
    }
    q
}

/// The claim check of every certificate: the limit the checked steps derive, `T(K)` for the
/// constant `K`, must be the certificate's claim.
pub fn check_claim(constant: &str, t: &Mobius, claim: &Limit) -> Result<(), ProofError> {
    let derived = Limit::from_mobius(constant, t);
    if derived.same_as(claim) {
        Ok(())
    } else {
        Err(broken(
            Identity::Claim,
            format!("the certificate derives {derived}, the claim is {claim}"),
        ))
    }
}

/// Whether the value `T(K)` is finite (the constant is not the pole of `T`): exact when the
/// constant is known to be irrational ([`anchors::irrationality`]), otherwise decided numerically
/// with a margin far above the evaluation error (the value and the pole must differ by more than
/// 10⁻³⁰ at 400 bits). Returns the reason.
pub fn finite_at(constant: &str, t: &Mobius) -> Result<String, ProofError> {
    let Some(pole) = t.pole() else {
        return Ok("the map has no pole (d1 = 0)".into());
    };
    if let Some(reference) = anchors::irrationality(constant) {
        return Ok(format!(
            "{constant} is irrational ({reference}), so it is not the rational pole {pole}"
        ));
    }
    let k = crate::constants::evaluate(constant, 400).map_err(|e| {
        broken(
            Identity::Finiteness,
            format!("cannot evaluate {constant}: {e}"),
        )
    })?;
    let p = rug::Float::with_val(400, &pole);
    let diff = rug::Float::with_val(400, &k - &p).abs();
    if diff > rug::Float::with_val(400, 1e-30) {
        Ok(format!(
            "{constant} = {} differs from the pole {pole} by more than 1e-30",
            k.to_string_radix(10, Some(20))
        ))
    } else {
        Err(broken(
            Identity::Finiteness,
            format!("{constant} is (numerically) the pole {pole} of the Möbius map"),
        ))
    }
}
