//! Verification of a candidate formula at high precision.
//!
//! A candidate `x = (c0 + c1·K)/(d0 + d1·K)` from the first pass is accepted only if the PCF,
//! evaluated with exact convergents to the space's verification digits (see [`crate::pcf::limit`]),
//! agrees with the formula to at least that many digits. The digits recorded are the honest
//! minimum of the certain digits of the limit and the digits of agreement.

use crate::identify::Identification;
use crate::pcf::canonical::CanonicalKey;
use crate::pcf::limit::{evaluate, EvalOptions, Limit};
use crate::pcf::Pcf;
use rug::Float;

/// A formula that passed verification.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The PCF.
    pub pcf: Pcf,
    /// Its limit.
    pub limit: Limit,
    /// The identification, with `verified_digits` set.
    pub identification: Identification,
    /// The canonical key.
    pub key: CanonicalKey,
}

/// Evaluates `pcf` to `opts.digits` certain digits and checks `candidate` against it with the
/// target values `targets` (indexed like the identification's `target_indices`).
pub fn verify(
    pcf: &Pcf,
    candidate: &Identification,
    targets: &[Float],
    opts: &EvalOptions,
) -> Option<Verified> {
    let limit = evaluate(pcf, opts).ok()?;
    verify_limit(pcf, limit, candidate, targets, opts.digits)
}

/// Checks `candidate` against an already computed limit; accepted iff at least `digits` digits agree.
pub fn verify_limit(
    pcf: &Pcf,
    limit: Limit,
    candidate: &Identification,
    targets: &[Float],
    digits: u32,
) -> Option<Verified> {
    if limit.digits < digits as f64 {
        return None;
    }
    let values: Vec<Float> = candidate
        .target_indices
        .iter()
        .map(|&i| targets[i].clone())
        .collect();
    let agree = candidate.verify(&limit.value, &values);
    let certain = agree.min(limit.digits.floor() as u32);
    if certain < digits {
        return None;
    }
    // One form for every relation with a quadratic irrational, whichever table or space found it.
    let mut identification = match values.as_slice() {
        [k] => crate::identify::quadratic::canonical_form(candidate, k),
        _ => candidate.clone(),
    };
    identification.verified_digits = certain;
    Some(Verified {
        key: CanonicalKey::of(pcf),
        pcf: pcf.clone(),
        limit,
        identification,
    })
}

/// LaTeX for a constant name of the library (falls back to `\mathrm{name}`).
pub fn latex_constant(name: &str) -> String {
    let known = [
        ("pi", "\\pi"),
        ("e", "e"),
        ("E", "e"),
        ("catalan", "G"),
        ("euler_gamma", "\\gamma"),
        ("ln2", "\\ln 2"),
        ("ln3", "\\ln 3"),
        ("sqrt2", "\\sqrt{2}"),
        ("sqrt3", "\\sqrt{3}"),
        ("phi", "\\varphi"),
        ("pi2", "\\pi^2"),
        ("e2", "e^2"),
        ("gauss", "G_{\\mathrm{Gauss}}"),
        ("lemniscate", "\\varpi"),
        ("gamma_1_4", "\\Gamma(1/4)"),
    ];
    if let Some((_, l)) = known.iter().find(|(n, _)| *n == name) {
        return l.to_string();
    }
    if let Some(k) = name
        .strip_prefix("zeta")
        .and_then(|k| k.parse::<u32>().ok())
    {
        return format!("\\zeta({k})");
    }
    format!("\\mathrm{{{}}}", name.replace('_', "\\_"))
}

/// `c₁K₁ + … + c₀` in LaTeX: constants first, led by a positive term when there is one
/// (the same reading order as [`Identification::formula`]).
fn latex_linear(coeffs: &[rug::Integer], names: &[String]) -> String {
    let mut out = String::new();
    for i in crate::identify::relation::reading_order(coeffs) {
        let c = &coeffs[i];
        let sym = if i == 0 {
            String::new()
        } else {
            latex_constant(&names[i - 1])
        };
        let abs = rug::Integer::from(c.abs_ref());
        let term = match (sym.is_empty(), abs == 1) {
            (true, _) => abs.to_string(),
            (false, true) => sym,
            (false, false) => format!("{abs}{sym}"),
        };
        if out.is_empty() {
            if *c < 0 {
                out.push('-');
            }
        } else {
            out.push_str(if *c < 0 { " - " } else { " + " });
        }
        out.push_str(&term);
    }
    if out.is_empty() {
        "0".into()
    } else {
        out
    }
}

/// The LaTeX equation `formula = PCF` for a verified conjecture.
pub fn latex_equation(v: &Verified) -> String {
    let id = &v.identification;
    let (num, den) = id.display_signed();
    let num = latex_linear(&num, &id.constants);
    let den = latex_linear(&den, &id.constants);
    let lhs = if den == "1" {
        num
    } else {
        format!("\\frac{{{num}}}{{{den}}}")
    };
    format!("{lhs} = {}", v.pcf.latex())
}
