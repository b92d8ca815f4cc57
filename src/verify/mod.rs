//! Verification of a candidate formula at high precision.
//!
//! A candidate `x = (c0 + c1·K)/(d0 + d1·K)` from the first pass is accepted only if the PCF,
//! evaluated with exact convergents (see [`crate::pcf::limit`]), agrees with the formula to at
//! least the space's verification digits. Every count here is in **significant digits**
//! (`|x − L| ≤ 10^{−S}·|x|`, [`SignificantDigits`]): the limit's certain decimal places `P` are
//! converted to `P + ⌊log₁₀|x|⌋` significant digits, the agreement of `x` with the formula is
//! relative, and the digits recorded (`verified_digits`) are the honest minimum of the two:
//! "x agrees with the formula to `S` significant digits, all of them certain".

use crate::identify::Identification;
use crate::pcf::canonical::CanonicalKey;
use crate::pcf::limit::{evaluate, EvalOptions, Limit, LimitError};
use crate::pcf::Pcf;
use crate::precision::{decimal_exponent, SignificantDigits};
use rug::Float;

/// A formula that passed verification.
#[derive(Clone, Debug)]
pub struct Verified {
    /// The PCF.
    pub pcf: Pcf,
    /// Its limit.
    pub limit: Limit,
    /// The identification, with `verified_digits` set (significant digits).
    pub identification: Identification,
    /// The canonical key.
    pub key: CanonicalKey,
}

/// Decimal places that give a limit of decimal exponent `e = ⌊log₁₀|x|⌋` (`None` for 0) at least
/// `S` certain significant digits: `P = S − min(0, e)`, i.e. `S` places for `|x| ≥ 1` (which then
/// carry `S + e ≥ S` significant digits, as many places as before) and `S + k` places for
/// `10^{−k} ≤ |x| < 10^{1−k}`.
pub fn places_for_significant(exponent: Option<i64>, significant: u32) -> u32 {
    let extra = exponent.map_or(0, |e| (-e).max(0));
    u32::try_from(i64::from(significant) + extra).unwrap_or(u32::MAX)
}

/// The value of the convergent `p_N/q_N` at depth `N` in f64 (`p_{−1} = 1, q_{−1} = 0`,
/// `p_0 = a(0), q_0 = 1`, `p_n = a(n)p_{n−1} + b(n)p_{n−2}`, likewise `q_n`), rescaled as it goes;
/// `None` if it is not finite. An estimate of the limit's magnitude, not a digit of it.
fn shallow_value(pcf: &Pcf, depth: usize) -> Option<f64> {
    let (mut p0, mut q0, mut p1, mut q1) = (1.0f64, 0.0f64, pcf.a.eval_f64(0.0), 1.0f64);
    for n in 1..=depth {
        let (a, b) = (pcf.a.eval_f64(n as f64), pcf.b.eval_f64(n as f64));
        let (p2, q2) = (a * p1 + b * p0, a * q1 + b * q0);
        (p0, q0, p1, q1) = (p1, q1, p2, q2);
        let scale = p1.abs().max(q1.abs());
        if scale > 1e100 {
            (p0, q0, p1, q1) = (p0 / scale, q0 / scale, p1 / scale, q1 / scale);
        }
    }
    let x = p1 / q1;
    x.is_finite().then_some(x)
}

/// Evaluates `pcf` to `opts.digits` certain **significant** digits `S` (or to `opts.max_depth`):
/// to `P = S − min(0, ⌊log₁₀|x|⌋)` decimal places ([`places_for_significant`]). The exponent is
/// first estimated from the convergent at `opts.start_depth` in f64; if the exact exponent of the
/// limit found asks for other places, the PCF is evaluated again to those, so the result depends
/// only on `pcf` and `opts`. A limit of `|x| ≥ 1` is evaluated exactly as [`evaluate`] with `S`
/// places.
pub fn evaluate_significant(pcf: &Pcf, opts: &EvalOptions) -> Result<Limit, LimitError> {
    let guess = shallow_value(pcf, opts.start_depth)
        .filter(|x| *x != 0.0)
        .map(|x| x.abs().log10().floor() as i64);
    let places = places_for_significant(guess, opts.digits);
    let at = |digits| evaluate(pcf, &EvalOptions { digits, ..*opts });
    let limit = at(places)?;
    let needed = places_for_significant(decimal_exponent(&limit.value), opts.digits);
    if needed == places {
        return Ok(limit);
    }
    at(needed)
}

/// The significant digits of a limit that are certain: its certain decimal places `P` as
/// `P + ⌊log₁₀|x|⌋` ([`SignificantDigits::from_places`]).
pub fn significant(limit: &Limit) -> SignificantDigits {
    SignificantDigits::from_places(&limit.value, limit.digits.max(0.0).floor() as u32)
}

/// Evaluates `pcf` to `opts.digits` certain significant digits ([`evaluate_significant`]) and
/// checks `candidate` against it with the target values `targets` (indexed like the
/// identification's `target_indices`); accepted iff at least `opts.digits` significant digits
/// agree and are certain.
pub fn verify(
    pcf: &Pcf,
    candidate: &Identification,
    targets: &[Float],
    opts: &EvalOptions,
) -> Option<Verified> {
    let limit = evaluate_significant(pcf, opts).ok()?;
    verify_limit(pcf, limit, candidate, targets, opts.digits)
}

/// Checks `candidate` against an already computed limit; accepted iff at least `digits`
/// significant digits are certain and agree. The digits recorded are
/// `min(agreement, P + ⌊log₁₀|x|⌋)`: the relative agreement of the limit with the formula
/// ([`Identification::verify`]) and the limit's certain significant digits ([`significant`]).
pub fn verify_limit(
    pcf: &Pcf,
    limit: Limit,
    candidate: &Identification,
    targets: &[Float],
    digits: u32,
) -> Option<Verified> {
    let trusted = significant(&limit).get();
    if trusted < digits {
        return None;
    }
    let values: Vec<Float> = candidate
        .target_indices
        .iter()
        .map(|&i| targets[i].clone())
        .collect();
    let agree = candidate.verify(&limit.value, &values);
    let certain = agree.min(trusted);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::precision::significant_from_places;
    use proptest::prelude::*;

    proptest! {
        /// The places asked give at least the significant digits wanted, and for |x| ≥ 1 no more
        /// places than digits.
        #[test]
        fn places_asked_reach_the_significant_digits(
            m in 1u64..u64::MAX, e in -400i32..400, s in 20u32..2000,
        ) {
            let mut x = Float::with_val(20_000, m);
            x *= Float::with_val(64, Float::i_exp(1, e));
            let exp = decimal_exponent(&x);
            let places = places_for_significant(exp, s);
            prop_assert!(significant_from_places(&x, places) >= s);
            if exp.unwrap() >= 0 {
                prop_assert_eq!(places, s);
            } else {
                prop_assert_eq!(significant_from_places(&x, places), s);
            }
        }
    }

    /// 1/(1000 + 1/(2000 + …)) = 0.000999…: 100 significant digits need 104 places, and the
    /// f64 estimate of the exponent is right, so one evaluation suffices and gives them.
    #[test]
    fn small_limit_is_evaluated_to_its_significant_digits() {
        let pcf = Pcf::parse("1000n", "1").unwrap();
        assert_eq!(
            shallow_value(&pcf, 32).map(|x| x.log10().floor()),
            Some(-4.0)
        );
        let opts = EvalOptions {
            digits: 100,
            start_depth: 32,
            max_depth: 1 << 12,
        };
        let limit = evaluate_significant(&pcf, &opts).unwrap();
        assert!(limit.digits >= 104.0, "{}", limit.digits);
        assert!(significant(&limit).get() >= 100);
    }
}
