//! Kind 3: membership in a conservative matrix field.
//!
//! A 2-axis field `M_x(x, y)`, `M_y(x, y)` (2×2 matrices of integer polynomials) with
//!
//! (conservation) `M_x(x, y)·M_y(x+1, y) = M_y(x, y)·M_x(x, y+1)`   identically,
//!
//! whose lines `y = y_A` and `y = y_P` are PCF matrices up to inflation: with `L_y(n) = M_x(n, y)`,
//!
//! (anchor link) `ℓ_A(n)·M_A(n)·U_A(n+1) = r_A(n)·U_A(n)·L_{y_A}(n)`, `M_A` the anchor's matrix;
//! (PCF link)    `ℓ_P(n)·L_{y_P}(n)·U_P(n+1) = r_P(n)·U_P(n)·M_P(n)`, `M_P` the PCF's matrix.
//!
//! Path independence: by conservation, the vertical path `V(n) = M_y(n, y_A)·M_y(n, y_A+1)···
//! M_y(n, y_P−1)` satisfies `L_{y_A}(n)·V(n+1) = V(n)·L_{y_P}(n)` (for `y_P < y_A` the path
//! `W` from `y_P` up to `y_A` gives `det W(n)·L_{y_A}(n)·adj W(n+1) = det W(n+1)·adj W(n)·L_{y_P}(n)`,
//! i.e. `ℓ_V = det W(n)`, `V = adj W(n)`, `r_V = det W(n+1)`; for `y_P = y_A`, `V = I`). Composing,
//!
//! `ℓ(n)·M_A(n)·U(n+1) = r(n)·U(n)·M_P(n)`, `ℓ = ℓ_Aℓ_Vℓ_P`, `r = r_Ar_Vr_P`, `U = U_A·V·U_P`,
//!
//! which is an equivalence (kind 1) between the anchor and the PCF. The certificate carries that
//! equivalence certificate; the checker verifies conservation, both links, that the equivalence's
//! `(ℓ, r, U)` is exactly this composition (shifts 0, base the certificate's anchor, same PCF and
//! claim), and then checks the equivalence itself (start index, Möbius map from the initial values,
//! convergence rule, claim), which turns the identity into the relation between the limits.

use super::anchors::PcfAnchor;
use super::equivalence::{
    build, coboundary_mismatch, inflation_coboundary, mat_det, mat_mul, Base, Equivalence,
    PolyMatrix,
};
use super::json::{JsonInt, JsonPoly};
use super::{broken, step_matrix, Certificate, Identity, Limit, PcfData, ProofError, Proven};
use crate::pcf::Pcf;
use crate::poly::multi::MPoly;
use crate::poly::Poly;
use rug::Rational;
use serde::{Deserialize, Serialize};

/// A polynomial in `x`, `y` with integer coefficients: its terms `[i, j, c]` for `c·x^i·y^j`.
pub type JsonPoly2 = Vec<(u32, u32, JsonInt)>;

/// The field: `M_x` and `M_y`, rows of polynomials in `x`, `y`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldData {
    /// A name for display.
    pub name: String,
    /// `M_x(x, y)`.
    pub mx: [[JsonPoly2; 2]; 2],
    /// `M_y(x, y)`.
    pub my: [[JsonPoly2; 2]; 2],
}

/// A coboundary `(ℓ, r, U)` linking a PCF and a line of the field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// `ℓ(n)`.
    pub ell: JsonPoly,
    /// `r(n)`.
    pub r: JsonPoly,
    /// `U(n)`.
    pub u: [[JsonPoly; 2]; 2],
}

/// The body of a membership certificate (the object next to `"kind": "membership"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The PCF proved.
    pub pcf: PcfData,
    /// Its limit as claimed.
    pub claim: Limit,
    /// The field.
    pub field: FieldData,
    /// The anchor (a copy of its `proofs/anchors.toml` entry).
    pub anchor: PcfAnchor,
    /// `y_A`: the line that is the anchor.
    pub anchor_line: i64,
    /// `y_P`: the line that is the PCF.
    pub pcf_line: i64,
    /// Anchor ↔ line `y_A`.
    pub anchor_link: Link,
    /// Line `y_P` ↔ PCF.
    pub pcf_link: Link,
    /// The equivalence anchor → PCF along the field's vertical path.
    pub equivalence: Equivalence,
}

fn to_mpoly(p: &JsonPoly2) -> MPoly {
    MPoly::from_terms(
        2,
        p.iter()
            .map(|(i, j, c)| (vec![*i, *j], Rational::from(&c.0))),
    )
}

fn to_mat2(m: &[[JsonPoly2; 2]; 2]) -> [[MPoly; 2]; 2] {
    [
        [to_mpoly(&m[0][0]), to_mpoly(&m[0][1])],
        [to_mpoly(&m[1][0]), to_mpoly(&m[1][1])],
    ]
}

/// The JSON form of an integer polynomial in `x`, `y`; `None` if a coefficient is not an integer.
pub fn from_mpoly(p: &MPoly) -> Option<JsonPoly2> {
    p.terms()
        .map(|(m, c)| (*c.denom() == 1).then(|| (m[0], m[1], JsonInt(c.numer().clone()))))
        .collect()
}

fn mmul(a: &[[MPoly; 2]; 2], b: &[[MPoly; 2]; 2]) -> [[MPoly; 2]; 2] {
    let e = |i: usize, j: usize| &(&a[i][0] * &b[0][j]) + &(&a[i][1] * &b[1][j]);
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

fn mshift(m: &[[MPoly; 2]; 2], var: usize) -> [[MPoly; 2]; 2] {
    let one = Rational::from(1);
    let f = |p: &MPoly| p.shift(var, &one);
    [[f(&m[0][0]), f(&m[0][1])], [f(&m[1][0]), f(&m[1][1])]]
}

/// `M(n, y)` as a matrix of integer polynomials in `n`.
fn line(m: &[[MPoly; 2]; 2], y: i64) -> Result<PolyMatrix, ProofError> {
    let images = [MPoly::var(1, 0), MPoly::constant(1, y)];
    let f = |p: &MPoly| -> Result<Poly, ProofError> {
        p.compose(&images).to_poly().ok_or_else(|| {
            ProofError::Format("field entries must have integer coefficients".into())
        })
    };
    Ok([[f(&m[0][0])?, f(&m[0][1])?], [f(&m[1][0])?, f(&m[1][1])?]])
}

fn identity_matrix() -> PolyMatrix {
    [
        [Poly::constant(1), Poly::default()],
        [Poly::default(), Poly::constant(1)],
    ]
}

fn adjugate(m: &PolyMatrix) -> PolyMatrix {
    [
        [m[1][1].clone(), m[0][1].neg()],
        [m[1][0].neg(), m[0][0].clone()],
    ]
}

/// `(ℓ_V, r_V, V)` of the vertical path from line `ya` to line `yp` (see the module documentation).
fn vertical(
    my: &[[MPoly; 2]; 2],
    ya: i64,
    yp: i64,
) -> Result<(Poly, Poly, PolyMatrix), ProofError> {
    let (lo, hi) = (ya.min(yp), ya.max(yp));
    let mut w = identity_matrix();
    for y in lo..hi {
        w = mat_mul(&w, &line(my, y)?);
    }
    if yp >= ya {
        Ok((Poly::constant(1), Poly::constant(1), w))
    } else {
        let d = mat_det(&w);
        Ok((d.clone(), d.shift(1), adjugate(&w)))
    }
}

fn link_matrix(l: &Link) -> PolyMatrix {
    let f = |i: usize, j: usize| l.u[i][j].0.clone();
    [[f(0, 0), f(0, 1)], [f(1, 0), f(1, 1)]]
}

fn json_link(ell: Poly, r: Poly, u: PolyMatrix) -> Link {
    let j = |p: &Poly| JsonPoly(p.clone());
    Link {
        ell: j(&ell),
        r: j(&r),
        u: [[j(&u[0][0]), j(&u[0][1])], [j(&u[1][0]), j(&u[1][1])]],
    }
}

/// Checks `ℓ(n)·M₁(n)·U(n+1) = r(n)·U(n)·M₂(n)`.
fn check_link(what: &str, m1: &PolyMatrix, m2: &PolyMatrix, l: &Link) -> Result<(), ProofError> {
    match coboundary_mismatch(m1, m2, &link_matrix(l), &l.ell.0, &l.r.0) {
        None => Ok(()),
        Some((i, j, left, right)) => Err(broken(
            Identity::Coboundary,
            format!(
                "{what}: l(n)*M1(n)*U(n+1) = r(n)*U(n)*M2(n) fails at entry ({}, {}): {} vs {}",
                i + 1,
                j + 1,
                left.pretty(),
                right.pretty()
            ),
        )),
    }
}

/// Checks a membership certificate body (the extension point [`super::check_membership`]).
pub fn check(body: &serde_json::Value) -> Result<Proven, ProofError> {
    let m: Membership = serde_json::from_value(body.clone())
        .map_err(|e| ProofError::Format(format!("membership certificate: {e}")))?;
    m.check()
}

impl Membership {
    /// Checks the certificate exactly; see the module documentation.
    pub fn check(&self) -> Result<Proven, ProofError> {
        let mx = to_mat2(&self.field.mx);
        let my = to_mat2(&self.field.my);
        // 1. conservation
        let lhs = mmul(&mx, &mshift(&my, 0));
        let rhs = mmul(&my, &mshift(&mx, 1));
        for i in 0..2 {
            for j in 0..2 {
                let d = &lhs[i][j] - &rhs[i][j];
                if !d.is_zero() {
                    return Err(broken(
                        Identity::Coboundary,
                        format!(
                            "field conservation M_x(x,y)*M_y(x+1,y) = M_y(x,y)*M_x(x,y+1) (the coboundary between the lines y and y+1) fails at entry ({}, {}): difference {}",
                            i + 1,
                            j + 1,
                            d.display(&["x".to_string(), "y".to_string()])
                        ),
                    ));
                }
            }
        }
        let mut steps = vec![format!(
            "field {}: M_x(x,y)*M_y(x+1,y) = M_y(x,y)*M_x(x,y+1) holds identically",
            self.field.name
        )];
        // 2. the links
        let (ya, yp) = (self.anchor_line, self.pcf_line);
        let la = line(&mx, ya)?;
        let lp = line(&mx, yp)?;
        let ma = step_matrix(&self.anchor.pcf());
        let pcf = self.pcf.pcf();
        let mp = step_matrix(&pcf);
        check_link(
            &format!("anchor link (anchor {} to line y = {ya})", self.anchor.id),
            &ma,
            &la,
            &self.anchor_link,
        )?;
        check_link(
            &format!("PCF link (line y = {yp} to the PCF)"),
            &lp,
            &mp,
            &self.pcf_link,
        )?;
        steps.push(format!(
            "the anchor {} is the line y = {ya} and the PCF is the line y = {yp}, up to the stated coboundaries",
            self.anchor.id
        ));
        // 3. the composition along the vertical path
        let (lv, rv, v) = vertical(&my, ya, yp)?;
        let u = mat_mul(
            &mat_mul(&link_matrix(&self.anchor_link), &v),
            &link_matrix(&self.pcf_link),
        );
        let ell = &(&self.anchor_link.ell.0 * &lv) * &self.pcf_link.ell.0;
        let r = &(&self.anchor_link.r.0 * &rv) * &self.pcf_link.r.0;
        let e = &self.equivalence;
        let eu = [
            [e.u[0][0].0.clone(), e.u[0][1].0.clone()],
            [e.u[1][0].0.clone(), e.u[1][1].0.clone()],
        ];
        let same_base = matches!(&e.base, Base::Anchor(a) if *a == self.anchor);
        if e.shift != [0, 0] || e.ell.0 != ell || e.r.0 != r || eu != u || !same_base {
            return Err(broken(
                Identity::Coboundary,
                "the equivalence's (l, r, U) is not the composition of the anchor link, the field's vertical path and the PCF link (or its base is not the anchor)",
            ));
        }
        if e.pcf != self.pcf || e.claim != self.claim {
            return Err(broken(
                Identity::Claim,
                "the equivalence is about another PCF or claim than the membership certificate",
            ));
        }
        steps.push(format!(
            "path independence: U(n) = U_A(n)*V(n)*U_P(n) with V the product of M_y(n, y) between the lines {ya} and {yp}"
        ));
        // 4. the equivalence (start index, Möbius map, convergence, claim)
        let proven = e.check()?;
        steps.extend(proven.steps);
        Ok(Proven {
            pcf,
            limit: proven.limit,
            anchors: proven.anchors,
            steps,
        })
    }
}

/// Builds and checks a membership certificate: the field `(M_x, M_y)` (integer polynomial
/// entries), `(anchor, y_A)`: the anchor on the line `y = y_A`, and `(pcf, y_P)`: the PCF on the
/// line `y = y_P`, each equal to its line up to inflation (the same canonical key). `claim`, when
/// given, must be what the certificate derives.
pub fn build_membership(
    name: &str,
    mx: &[[MPoly; 2]; 2],
    my: &[[MPoly; 2]; 2],
    (anchor, anchor_line): (&PcfAnchor, i64),
    (pcf, pcf_line): (&Pcf, i64),
    claim: Option<&Limit>,
) -> Result<(Certificate, Proven), ProofError> {
    let field_json = |m: &[[MPoly; 2]; 2]| -> Result<[[JsonPoly2; 2]; 2], ProofError> {
        let f = |p: &MPoly| {
            from_mpoly(p).ok_or_else(|| {
                ProofError::Format("field entries must have integer coefficients".into())
            })
        };
        Ok([[f(&m[0][0])?, f(&m[0][1])?], [f(&m[1][0])?, f(&m[1][1])?]])
    };
    let field = FieldData {
        name: name.to_string(),
        mx: field_json(mx)?,
        my: field_json(my)?,
    };
    let la = line(mx, anchor_line)?;
    let lp = line(mx, pcf_line)?;
    let as_pcf = |l: &PolyMatrix, y: i64| -> Result<Pcf, ProofError> {
        if !l[0][0].is_zero() || l[1][0] != Poly::constant(1) {
            return Err(broken(
                Identity::Coboundary,
                format!("the line y = {y} is not a PCF matrix [[0, b], [1, a]]"),
            ));
        }
        Ok(Pcf::new(l[1][1].clone(), l[0][1].clone()))
    };
    let (pa, pp) = (as_pcf(&la, anchor_line)?, as_pcf(&lp, pcf_line)?);
    let no_link = |what: &str| {
        broken(
            Identity::Coboundary,
            format!("{what} is not an inflation of its line (different canonical keys)"),
        )
    };
    let (ea, ra, ua) =
        inflation_coboundary(&anchor.pcf(), &pa, [0, 0]).ok_or_else(|| no_link("the anchor"))?;
    let (ep, rp, up) = inflation_coboundary(&pp, pcf, [0, 0]).ok_or_else(|| no_link("the PCF"))?;
    let (lv, rv, v) = vertical(my, anchor_line, pcf_line)?;
    let u = mat_mul(&mat_mul(&ua, &v), &up);
    let ell = &(&ea * &lv) * &ep;
    let r = &(&ra * &rv) * &rp;
    let (equivalence, _) = build(Base::Anchor(anchor.clone()), pcf, claim, [0, 0], ell, r, u)?;
    let m = Membership {
        pcf: PcfData::of(pcf),
        claim: equivalence.claim.clone(),
        field,
        anchor: anchor.clone(),
        anchor_line,
        pcf_line,
        anchor_link: json_link(ea, ra, ua),
        pcf_link: json_link(ep, rp, up),
        equivalence,
    };
    let proven = m.check()?;
    let body = serde_json::to_value(&m)
        .map_err(|e| ProofError::Format(format!("membership certificate: {e}")))?;
    Ok((Certificate::Membership(body), proven))
}
