//! Generalising a PCF into a family: a conservative matrix field that contains it as one
//! trajectory, and the PCFs of the neighbouring lines and trajectories with their verified limits.
//!
//! Two routes, both exact:
//!
//! * **f, f̄** ([`super::ffbar`]): a field `M_X = [[0, b(x)], [1, a(x, y)]]`,
//!   `M_Y = [[f̄, b], [1, f]]` whose line `y = 1` is the (deflated) PCF. Its family: the lines
//!   `y = 2, 3, 4` (trajectory `(1, 0)`) and the trajectories `(1, 1)`, `(2, 1)`, `(1, 2)` from
//!   `(1, 1)`.
//! * **trajectory of a bundled field**: every primitive trajectory `t` (entries in `−1..=2` for
//!   two axes, `0..=1` for three) from every start `s` (entries in `0..=2`) of the bundled 2×2
//!   fields (default parameters) is turned into its deflated PCF (algorithms.md §11.7); the PCF is
//!   found when the canonical keys `b(n)/(a(n)a(n−1))` agree (the same formula up to inflation and
//!   sign). Its family: the same trajectory from the neighbouring starts `s + e_i` and the other
//!   small trajectories from `s`.
//!
//! Every member's limit is evaluated with [`crate::pcf::limit::evaluate`] (certain digits only)
//! and identified as a Möbius transform of the constants given (or the field's constant) with
//! [`crate::identify::identify_mobius`]; a member whose limit is not identified keeps its digits.
//! By path independence all members' limits are Möbius transforms of one another.

use super::ffbar::{self, FfbarOptions, FfbarSolution};
use super::spec::bundled;
use super::to_pcf::{trajectory_to_pcf, TrajectoryPcf};
use super::Cmf;
use crate::constants;
use crate::identify::identify_mobius;
use crate::pcf::canonical::CanonicalKey;
use crate::pcf::limit::{decimal, evaluate, EvalOptions};
use crate::pcf::Pcf;
use crate::precision::{significant_from_places, Margin, SignificantDigits};
use rug::Float;
use serde::{Deserialize, Serialize};

/// Options of [`generalize`].
#[derive(Clone, Debug)]
pub struct GeneralizeOptions {
    /// Degree bound of the f, f̄ route.
    pub ffbar: FfbarOptions,
    /// Digits each member's limit is evaluated to.
    pub digits: u32,
    /// Depth limit of each member's evaluation.
    pub max_depth: usize,
    /// Try the trajectory route (bundled fields).
    pub trajectories: bool,
}

impl Default for GeneralizeOptions {
    fn default() -> Self {
        GeneralizeOptions {
            ffbar: FfbarOptions::default(),
            digits: 50,
            max_depth: 1 << 13,
            trajectories: true,
        }
    }
}

/// One PCF of a family: where it lies in the field and its verified limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// What it is (`original`, `line y = 2`, `trajectory (1,1)`, …).
    pub role: String,
    /// Trajectory (one entry per axis).
    pub trajectory: Vec<i64>,
    /// Start point.
    pub start: Vec<i64>,
    /// `a(n)` of the deflated PCF (SymPy syntax).
    pub a: String,
    /// `b(n)`.
    pub b: String,
    /// The limit's certain digits (empty if none).
    pub limit: String,
    /// Certain decimal places of the limit (`|x − L| ≤ 10^{−P}`).
    pub certain_digits: u32,
    /// The limit as a Möbius transform of a constant, if identified (`x = …`).
    pub identification: Option<String>,
    /// Significant digits to which the identification holds, all certain:
    /// `min(agreement, P + ⌊log₁₀|x|⌋)`.
    pub verified_digits: u32,
}

/// How the field was found.
#[derive(Clone, Debug)]
pub enum Route {
    /// The f, f̄ construction around the PCF.
    Ffbar(Box<FfbarSolution>),
    /// A trajectory of a bundled field.
    Trajectory {
        /// The trajectory's PCF, with its inflation and shift.
        pcf: Box<TrajectoryPcf>,
    },
}

/// A field containing the PCF, with the PCF's place in it and its neighbours.
#[derive(Clone, Debug)]
pub struct Family {
    /// The field.
    pub field: Cmf,
    /// The field as a field file (TOML), for the f, f̄ route; the bundled name otherwise.
    pub field_text: String,
    /// How it was found.
    pub route: Route,
    /// The original PCF as a trajectory of the field.
    pub original: Member,
    /// Neighbouring lines and trajectories.
    pub members: Vec<Member>,
}

impl Family {
    /// `ffbar` or `trajectory`.
    pub fn route_name(&self) -> &'static str {
        match self.route {
            Route::Ffbar(_) => "ffbar",
            Route::Trajectory { .. } => "trajectory",
        }
    }
}

/// What was searched, for the report when nothing is found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tried {
    /// f, f̄ degrees tried (empty when the degree bound is too low, see `ffbar_note`).
    pub degrees: Vec<u32>,
    /// Why the f, f̄ route was not tried or found nothing usable.
    pub ffbar_note: String,
    /// Bundled fields searched.
    pub fields: Vec<String>,
    /// Number of (field, trajectory, start) PCFs compared.
    pub trajectories: usize,
}

/// The result of [`generalize`]: the families found (at most one per route) and what was tried.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Families, f, f̄ route first.
    pub families: Vec<Family>,
    /// The search done.
    pub tried: Tried,
}

/// Finds fields containing `pcf` (see the module documentation) and evaluates their families.
/// `constants` (names or expressions of the constant library) are what limits are identified
/// with; when empty, a bundled field's own constant is used.
pub fn generalize(pcf: &Pcf, constants: &[String], opts: &GeneralizeOptions) -> Outcome {
    let mut tried = Tried::default();
    let mut families = Vec::new();
    let key = CanonicalKey::of(pcf);
    match ffbar::solve(pcf, &opts.ffbar) {
        Ok(sols) => {
            let (a, b, _) = super::to_pcf::deflate(&pcf.a, &pcf.b);
            let needed = (a.degree().unwrap_or(0) as u32)
                .max((b.degree().unwrap_or(0) as u32).div_ceil(2))
                .max(1);
            tried.degrees = (needed..=opts.ffbar.max_degree.min(ffbar::MAX_DEGREE)).collect();
            if sols.is_empty() {
                tried.ffbar_note = "no conjugate pair f, f̄ exists at these degrees".into();
            }
            if let Some(best) = sols.into_iter().next() {
                if let Some(f) = ffbar_family(best, &key, constants, opts) {
                    families.push(f);
                }
            }
        }
        Err(e) => tried.ffbar_note = e.to_string(),
    }
    if opts.trajectories {
        if let Some(f) = trajectory_family(&key, constants, opts, &mut tried) {
            families.push(f);
        }
    }
    Outcome { families, tried }
}

fn ffbar_family(
    sol: FfbarSolution,
    key: &CanonicalKey,
    constants: &[String],
    opts: &GeneralizeOptions,
) -> Option<Family> {
    let name = "ffbar";
    let field = sol.cmf(name);
    let y0 = sol.line;
    let mut original = member(&field, "original", &[1, 0], &[1, y0], constants, opts)?;
    if CanonicalKey::of(&Pcf::parse(&original.a, &original.b).ok()?) != *key {
        return None;
    }
    original.role = format!("original: line y = {y0}");
    let mut members = Vec::new();
    for k in 1..=3 {
        let role = format!("line y = {}", y0 + k);
        members.extend(member(
            &field,
            &role,
            &[1, 0],
            &[1, y0 + k],
            constants,
            opts,
        ));
    }
    for t in [[1, 1], [2, 1], [1, 2]] {
        let role = format!("trajectory ({},{}) from (1,{y0})", t[0], t[1]);
        members.extend(member(&field, &role, &t, &[1, y0], constants, opts));
    }
    let description = format!(
        "f, fbar field whose line y = {y0} is the PCF ({}, {})",
        sol.deflated.a.python(),
        sol.deflated.b.python()
    );
    Some(Family {
        field_text: sol.field_toml(name, &description),
        field,
        route: Route::Ffbar(Box::new(sol)),
        original,
        members,
    })
}

/// Primitive trajectories searched for a field with `dim` axes, in a fixed order.
fn trajectories(dim: usize) -> Vec<Vec<i64>> {
    let range: Vec<i64> = if dim == 2 {
        (-1..=2).collect()
    } else {
        (0..=1).collect()
    };
    let mut out = vec![Vec::new()];
    for _ in 0..dim {
        out = out
            .into_iter()
            .flat_map(|v: Vec<i64>| {
                range.iter().map(move |&x| {
                    let mut w = v.clone();
                    w.push(x);
                    w
                })
            })
            .collect();
    }
    out.retain(|v| {
        let g = v.iter().fold(0i64, |g, &x| gcd(g, x.abs()));
        g == 1
    });
    // positive directions first, then short ones
    out.sort_by_key(|v| {
        (
            v.iter().any(|&x| x < 0),
            v.iter().map(|x| x.abs()).sum::<i64>(),
            v.iter().map(|&x| -x).collect::<Vec<_>>(),
        )
    });
    out
}

fn starts(dim: usize) -> Vec<Vec<i64>> {
    let mut out = vec![Vec::new()];
    for _ in 0..dim {
        out = out
            .into_iter()
            .flat_map(|v: Vec<i64>| {
                (0..=2).map(move |x| {
                    let mut w = v.clone();
                    w.push(x);
                    w
                })
            })
            .collect();
    }
    // starts off the coordinate hyperplanes first (where the matrices rarely vanish), then nearest
    out.sort_by_key(|v| {
        (
            v.iter().filter(|&&x| x == 0).count(),
            v.iter().sum::<i64>(),
            v.clone(),
        )
    });
    out
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn trajectory_family(
    key: &CanonicalKey,
    constants: &[String],
    opts: &GeneralizeOptions,
    tried: &mut Tried,
) -> Option<Family> {
    for spec in bundled() {
        let Ok(field) = spec.build(&[]) else {
            continue;
        };
        if field.rank() != 2 || field.dim() > 3 || !field.params.is_empty() {
            continue;
        }
        tried.fields.push(spec.name().to_string());
        for t in trajectories(field.dim()) {
            for s in starts(field.dim()) {
                tried.trajectories += 1;
                let Ok(r) = trajectory_to_pcf(&field, &t, &s) else {
                    continue;
                };
                if !r.gamma_roots.is_empty() || r.pcf.b.is_zero() || r.pcf.a.is_zero() {
                    continue;
                }
                if CanonicalKey::of(&r.pcf) != *key {
                    continue;
                }
                let own: Vec<String> = if constants.is_empty() {
                    field.constant.iter().cloned().collect()
                } else {
                    constants.to_vec()
                };
                let mut original = member(&field, "original", &t, &s, &own, opts)?;
                original.role =
                    format!("original: trajectory {} from {}", vec_str(&t), vec_str(&s));
                let mut members = Vec::new();
                for i in 0..field.dim() {
                    let mut s2 = s.clone();
                    s2[i] += 1;
                    let role = format!("trajectory {} from {}", vec_str(&t), vec_str(&s2));
                    members.extend(member(&field, &role, &t, &s2, &own, opts));
                }
                for t2 in trajectories(field.dim()) {
                    if t2 == t || t2.iter().any(|&x| x < 0) || t2.iter().sum::<i64>() > 3 {
                        continue;
                    }
                    let role = format!("trajectory {} from {}", vec_str(&t2), vec_str(&s));
                    members.extend(member(&field, &role, &t2, &s, &own, opts));
                }
                return Some(Family {
                    field_text: spec.name().to_string(),
                    field,
                    route: Route::Trajectory { pcf: Box::new(r) },
                    original,
                    members,
                });
            }
        }
    }
    None
}

fn vec_str(v: &[i64]) -> String {
    format!(
        "({})",
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(",")
    )
}

/// The PCF of trajectory `t` from `s`, evaluated and identified; `None` if the trajectory has no
/// PCF (a pole or γ ≡ 0) or the PCF has no limit.
fn member(
    field: &Cmf,
    role: &str,
    t: &[i64],
    s: &[i64],
    constants: &[String],
    opts: &GeneralizeOptions,
) -> Option<Member> {
    let r = trajectory_to_pcf(field, t, s).ok()?;
    if r.pcf.a.is_zero() || r.pcf.b.is_zero() {
        return None;
    }
    let (limit, certain, id, verified) = evaluate_and_identify(&r.pcf, constants, opts);
    Some(Member {
        role: role.to_string(),
        trajectory: t.to_vec(),
        start: s.to_vec(),
        a: r.pcf.a.python(),
        b: r.pcf.b.python(),
        limit,
        certain_digits: certain,
        identification: id,
        verified_digits: verified,
    })
}

/// The limit of `pcf` (certain digits) and its Möbius identification with one of `constants`.
pub fn evaluate_and_identify(
    pcf: &Pcf,
    constants: &[String],
    opts: &GeneralizeOptions,
) -> (String, u32, Option<String>, u32) {
    let eval = EvalOptions {
        digits: opts.digits,
        start_depth: 32,
        max_depth: opts.max_depth,
    };
    let Ok(l) = evaluate(pcf, &eval) else {
        return (String::new(), 0, None, 0);
    };
    let certain = (l.digits.max(0.0).floor() as u32).min(opts.digits);
    if certain == 0 {
        return (String::new(), 0, None, 0);
    }
    // The digits up to the last certain place: P + ⌊log₁₀|x|⌋ + 1 significant digits.
    let shown = decimal(
        &l.value,
        significant_from_places(&l.value, certain) as usize + 1,
    );
    if certain < 12 || constants.is_empty() {
        return (shown, certain, None, 0);
    }
    let prec = Margin::CONSTANTS.bits(certain);
    let targets: Vec<(String, Float)> = constants
        .iter()
        .filter_map(|c| Some((c.clone(), constants::evaluate(c, prec).ok()?)))
        .collect();
    let x = Float::with_val(prec, &l.value);
    // `certain` counts decimal places; agreement is relative.
    let trusted = SignificantDigits::from_places(&x, certain);
    match identify_mobius(&x, trusted, &targets, 1000) {
        Ok(Some(id)) => {
            let v = id.verified_digits.min(trusted.get());
            (shown, certain, Some(id.formula()), v)
        }
        _ => (shown, certain, None, 0),
    }
}

/// A CMF-membership certificate (kind 3) for the PCF of an f, f̄ solution: the first bundled PCF
/// anchor (in `proofs/anchors.toml` order) that is, up to inflation, one of the lines
/// `y = line − 3 … line + 3` of the field, joined to the PCF's line by the field's vertical path.
/// `None` if no anchor is a line, or the field has non-integer coefficients.
pub fn membership_certificate(
    sol: &FfbarSolution,
) -> Option<(crate::proof::Certificate, crate::proof::Proven)> {
    use crate::poly::multi::MPoly;
    let z = MPoly::zero(2);
    let one = MPoly::constant(2, 1);
    let mx = [[z, sol.b.clone()], [one.clone(), sol.a.clone()]];
    let my = [[sol.fbar.clone(), sol.b.clone()], [one, sol.f.clone()]];
    let b = sol
        .b
        .compose(&[MPoly::var(1, 0), MPoly::constant(1, 0)])
        .to_poly()?;
    for anchor in &crate::proof::anchors::bundled().pcf {
        let key = CanonicalKey::of(&anchor.pcf());
        for y in sol.line - 3..=sol.line + 3 {
            let a = sol
                .a
                .compose(&[MPoly::var(1, 0), MPoly::constant(1, y)])
                .to_poly()?;
            if a.is_zero() || CanonicalKey::of(&Pcf::new(a, b.clone())) != key {
                continue;
            }
            if let Ok(c) = crate::proof::membership::build_membership(
                "ffbar",
                &mx,
                &my,
                (anchor, y),
                (&sol.input, sol.line),
                None,
            ) {
                return Some(c);
            }
        }
    }
    None
}
