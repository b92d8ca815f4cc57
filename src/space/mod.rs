//! Search-space files: what to enumerate, what to look for, and how much precision to spend.
//!
//! A search space is a TOML file (see `search-spaces/` and the README). It is read with `serde`
//! into a raw form that mirrors the file, then validated into a [`SearchSpace`]; every error
//! names the file, the key and what is wrong.

pub mod cmf;
pub mod esma;

use crate::constants::Expr;
use crate::poly::{parse_with_params, PolyExpr};
use rug::Float;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A problem with a search-space file.
#[derive(Debug, Error)]
pub enum SpaceError {
    /// The file could not be read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// TOML syntax or an unknown/mistyped key (the message from the TOML reader names the key and line).
    #[error("{path}: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// What the TOML reader said.
        message: String,
    },
    /// A key with an invalid value.
    #[error("{path}: key '{key}': {problem}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The dotted key.
        key: String,
        /// What is wrong.
        problem: String,
    },
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawSpace {
    name: String,
    #[serde(default)]
    description: String,
    pcf: RawPcf,
    targets: RawTargets,
    #[serde(default)]
    budget: RawBudget,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawPcf {
    a: toml::Value,
    b: toml::Value,
    #[serde(default)]
    params: toml::Table,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawTargets {
    constants: Vec<String>,
    #[serde(default = "default_mobius_bound")]
    mobius_bound: i64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawBudget {
    #[serde(default = "default_first_pass_depth")]
    first_pass_depth: usize,
    #[serde(default = "default_verify_digits")]
    verify_digits: u32,
    #[serde(default = "default_max_depth")]
    max_depth: usize,
    #[serde(default)]
    factorial_reduction: bool,
}

impl Default for RawBudget {
    fn default() -> Self {
        RawBudget {
            first_pass_depth: default_first_pass_depth(),
            verify_digits: default_verify_digits(),
            max_depth: default_max_depth(),
            factorial_reduction: false,
        }
    }
}

fn default_mobius_bound() -> i64 {
    10
}
fn default_first_pass_depth() -> usize {
    32
}
fn default_verify_digits() -> u32 {
    100
}
fn default_max_depth() -> usize {
    16384
}

/// The polynomials of a PCF family.
#[derive(Clone, Debug)]
pub enum Family {
    /// Every coefficient ranges independently: `a[i] = (lo, hi)` for the coefficient of `nⁱ`
    /// (stored lowest degree first; the file lists them highest degree first).
    Ranges {
        /// Ranges of the coefficients of `a(n)`, lowest degree first.
        a: Vec<(i64, i64)>,
        /// Ranges of the coefficients of `b(n)`, lowest degree first.
        b: Vec<(i64, i64)>,
    },
    /// Polynomial templates with integer parameters, e.g. `a = x0((n+1)^3+n^3) + x1(2n+1)`.
    Template {
        /// The template of `a(n)`.
        a: PolyExpr,
        /// The template of `b(n)`.
        b: PolyExpr,
        /// Parameters with their inclusive ranges, in file order.
        params: Vec<(String, i64, i64)>,
    },
}

/// A target of the search: a named constant or an expression of constants.
#[derive(Clone, Debug)]
pub struct Target {
    /// As written in the file.
    pub name: String,
    /// Parsed expression.
    pub expr: Expr,
}

/// The targets evaluated for verifying `digits` digits: each value `x` at
/// [`Margin::CONSTANTS`] (`⌈(D + 20)·log₂10⌉ + 128` bits, 64 bits beyond a limit's working
/// precision), with the target's name as written. The same precision for the PCF search and the
/// CMF search, so both identify against the same values.
pub fn evaluate_targets(targets: &[Target], digits: u32) -> anyhow::Result<Vec<(String, Float)>> {
    use anyhow::Context;
    let prec = crate::precision::Margin::CONSTANTS.bits(digits);
    targets
        .iter()
        .map(|t| {
            let v = t
                .expr
                .eval(prec)
                .with_context(|| format!("evaluating target constant '{}'", t.name))?;
            Ok((t.name.clone(), v))
        })
        .collect()
}

/// A validated search space.
#[derive(Clone, Debug)]
pub struct SearchSpace {
    /// Short name (used in the catalog).
    pub name: String,
    /// Free text.
    pub description: String,
    /// SHA-256 (hex) of the space's canonical form ([`SearchSpace::canonical_json`]), which
    /// identifies it for resuming: comments, layout and key order of the file do not change it.
    pub hash: String,
    /// The PCF family.
    pub family: Family,
    /// Target constants.
    pub targets: Vec<Target>,
    /// Bound `r` on the integer coefficients of Möbius transforms `(c0 + c1·K)/(d0 + d1·K)`.
    pub mobius_bound: i64,
    /// Depth of the double-precision first pass.
    pub first_pass_depth: usize,
    /// Digits a conjecture must verify to before it enters the catalog.
    pub verify_digits: u32,
    /// Largest depth of exact evaluation.
    pub max_depth: usize,
    /// Screen the PCFs that have not converged at the first-pass depth or have no table hit for
    /// factorial reduction, and identify those that have it by PSLQ (coefficients up to 1000, quality
    /// gated) from their certain digits (see [`crate::pcf::factorial_reduction`]). Costs about a
    /// millisecond per screened PCF.
    pub factorial_reduction: bool,
}

impl SearchSpace {
    /// Reads and validates a search-space file.
    pub fn load(path: &Path) -> Result<SearchSpace, SpaceError> {
        SearchSpace::from_toml(&read(path)?, path)
    }

    /// Validates a search space given as TOML text (`path` is used in messages).
    pub fn from_toml(text: &str, path: &Path) -> Result<SearchSpace, SpaceError> {
        let raw: RawSpace = parse_toml(text, path)?;
        let invalid = invalid_at(path);
        if raw.name.trim().is_empty() {
            return Err(invalid("name", "must not be empty".into()));
        }
        let family = match (&raw.pcf.a, &raw.pcf.b) {
            (toml::Value::Array(_), toml::Value::Array(_)) => {
                if !raw.pcf.params.is_empty() {
                    return Err(invalid(
                        "pcf.params",
                        "parameters are only used with polynomial templates (strings for pcf.a and pcf.b)".into(),
                    ));
                }
                Family::Ranges {
                    a: ranges(&raw.pcf.a).map_err(|p| invalid("pcf.a", p))?,
                    b: ranges(&raw.pcf.b).map_err(|p| invalid("pcf.b", p))?,
                }
            }
            (toml::Value::String(sa), toml::Value::String(sb)) => {
                let mut params = Vec::new();
                for (k, v) in &raw.pcf.params {
                    let key = format!("pcf.params.{k}");
                    let r = range(v).map_err(|p| invalid(&key, p))?;
                    if k == "n" {
                        return Err(invalid(&key, "'n' is the variable, not a parameter".into()));
                    }
                    params.push((k.clone(), r.0, r.1));
                }
                let names: Vec<String> = params.iter().map(|p| p.0.clone()).collect();
                let a = parse_with_params(sa, &names).map_err(|e| invalid("pcf.a", e.to_string()))?;
                let b = parse_with_params(sb, &names).map_err(|e| invalid("pcf.b", e.to_string()))?;
                let mut used = Vec::new();
                a.params(&mut used);
                b.params(&mut used);
                if let Some(unused) = names.iter().find(|p| !used.contains(p)) {
                    return Err(invalid(
                        &format!("pcf.params.{unused}"),
                        "declared but used in neither pcf.a nor pcf.b".into(),
                    ));
                }
                Family::Template { a, b, params }
            }
            _ => {
                return Err(invalid(
                    "pcf",
                    "pcf.a and pcf.b must both be lists of [lo, hi] coefficient ranges (highest degree first) \
                     or both be polynomial templates (strings)"
                        .into(),
                ))
            }
        };
        if raw.targets.constants.is_empty() {
            return Err(invalid(
                "targets.constants",
                "list at least one constant".into(),
            ));
        }
        let mut targets = Vec::new();
        for (i, c) in raw.targets.constants.iter().enumerate() {
            let expr = Expr::parse(c)
                .map_err(|e| invalid(&format!("targets.constants[{i}]"), e.to_string()))?;
            targets.push(Target {
                name: c.clone(),
                expr,
            });
        }
        if !(1..=127).contains(&raw.targets.mobius_bound) {
            return Err(invalid(
                "targets.mobius_bound",
                format!("{} is outside 1..=127", raw.targets.mobius_bound),
            ));
        }
        let b = &raw.budget;
        if !(4..=256).contains(&b.first_pass_depth) {
            return Err(invalid(
                "budget.first_pass_depth",
                format!("{} is outside 4..=256", b.first_pass_depth),
            ));
        }
        if !(20..=100_000).contains(&b.verify_digits) {
            return Err(invalid(
                "budget.verify_digits",
                format!("{} is outside 20..=100000", b.verify_digits),
            ));
        }
        if b.max_depth < 4 * b.first_pass_depth {
            return Err(invalid(
                "budget.max_depth",
                format!("{} is less than 4 × first_pass_depth", b.max_depth),
            ));
        }
        let mut space = SearchSpace {
            name: raw.name,
            description: raw.description,
            hash: String::new(),
            family,
            targets,
            mobius_bound: raw.targets.mobius_bound,
            first_pass_depth: b.first_pass_depth,
            verify_digits: b.verify_digits,
            max_depth: b.max_depth,
            factorial_reduction: b.factorial_reduction,
        };
        space.hash = space.canonical_hash();
        Ok(space)
    }

    /// The canonical form of the validated space as JSON: everything that decides which candidates
    /// are enumerated and what is found in them (name, family, targets, Möbius bound, budget), with
    /// templates expanded into sorted monomials, and nothing of the file's layout (comments,
    /// whitespace, key order, the free-text description).
    pub fn canonical_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Canonical<'a> {
            format: &'static str,
            name: &'a str,
            family: CanonicalFamily<'a>,
            targets: Vec<String>,
            mobius_bound: i64,
            first_pass_depth: usize,
            verify_digits: u32,
            max_depth: usize,
            factorial_reduction: bool,
        }
        #[derive(serde::Serialize)]
        enum CanonicalFamily<'a> {
            Ranges {
                a: &'a [(i64, i64)],
                b: &'a [(i64, i64)],
            },
            Template {
                a: Vec<(Vec<(String, u32)>, String)>,
                b: Vec<(Vec<(String, u32)>, String)>,
                params: &'a [(String, i64, i64)],
            },
        }
        let family = match &self.family {
            Family::Ranges { a, b } => CanonicalFamily::Ranges { a, b },
            Family::Template { a, b, params } => CanonicalFamily::Template {
                a: monomials(a, params),
                b: monomials(b, params),
                params,
            },
        };
        let c = Canonical {
            format: "apery-space-1",
            name: self.name.trim(),
            family,
            targets: self
                .targets
                .iter()
                .map(|t| t.name.split_whitespace().collect())
                .collect(),
            mobius_bound: self.mobius_bound,
            first_pass_depth: self.first_pass_depth,
            verify_digits: self.verify_digits,
            max_depth: self.max_depth,
            factorial_reduction: self.factorial_reduction,
        };
        serde_json::to_string(&c).expect("serialisable")
    }

    /// SHA-256 (hex) of [`SearchSpace::canonical_json`]: the key under which the catalog records
    /// which index ranges of the space are done.
    pub fn canonical_hash(&self) -> String {
        Sha256::digest(self.canonical_json().as_bytes())
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    }
}

/// The expansion of a template into monomials in `n` and the parameters ([`PolyExpr::expand`]),
/// each written as its `(variable, exponent)` pairs with exponent > 0 sorted by name, with its non-zero
/// coefficient as a decimal string, the list sorted by monomial: `n+1` and `1 + n` and `(n+1)^1`
/// give the same list.
fn monomials(e: &PolyExpr, params: &[(String, i64, i64)]) -> Vec<(Vec<(String, u32)>, String)> {
    let names: Vec<String> = params.iter().map(|p| p.0.clone()).collect();
    let vars: Vec<&str> = std::iter::once("n")
        .chain(names.iter().map(String::as_str))
        .collect();
    let mut out: Vec<(Vec<(String, u32)>, String)> = e
        .expand(&names)
        .terms()
        .map(|(m, c)| {
            let mut key: Vec<(String, u32)> = vars
                .iter()
                .zip(m)
                .filter(|(_, &k)| k > 0)
                .map(|(v, &k)| (v.to_string(), k))
                .collect();
            key.sort();
            (key, c.to_string())
        })
        .collect();
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out
}

/// The text of a space file.
pub(crate) fn read(path: &Path) -> Result<String, SpaceError> {
    std::fs::read_to_string(path).map_err(|source| SpaceError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// TOML into the raw form of a file; the TOML reader's message names the key and the line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    path: &Path,
) -> Result<T, SpaceError> {
    toml::from_str(text).map_err(|e| SpaceError::Toml {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().replace('\n', "\n  "),
    })
}

/// A constructor of "invalid value" errors for one file: `invalid(key, problem)`.
pub(crate) fn invalid_at(path: &Path) -> impl Fn(&str, String) -> SpaceError + '_ {
    move |key, problem| SpaceError::Invalid {
        path: path.to_path_buf(),
        key: key.to_string(),
        problem,
    }
}

fn range(v: &toml::Value) -> Result<(i64, i64), String> {
    let arr = v
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or_else(|| format!("expected a range [lo, hi], found {v}"))?;
    let lo = arr[0]
        .as_integer()
        .ok_or_else(|| format!("expected integers in [lo, hi], found {v}"))?;
    let hi = arr[1]
        .as_integer()
        .ok_or_else(|| format!("expected integers in [lo, hi], found {v}"))?;
    if lo > hi {
        return Err(format!("empty range [{lo}, {hi}] (lo > hi)"));
    }
    if lo.unsigned_abs() > 1 << 20 || hi.unsigned_abs() > 1 << 20 {
        return Err(format!("range [{lo}, {hi}] exceeds ±2^20"));
    }
    Ok((lo, hi))
}

/// Coefficient ranges listed highest degree first, returned lowest degree first.
fn ranges(v: &toml::Value) -> Result<Vec<(i64, i64)>, String> {
    let arr = v.as_array().expect("checked by the caller");
    if arr.is_empty() || arr.len() > 9 {
        return Err(format!(
            "expected 1 to 9 coefficient ranges (degree 0 to 8), found {}",
            arr.len()
        ));
    }
    let mut out = Vec::new();
    for (i, r) in arr.iter().enumerate() {
        out.push(range(r).map_err(|p| format!("coefficient {i} (highest degree first): {p}"))?);
    }
    out.reverse();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcf::limit::bits_for_digits;

    fn target(name: &str) -> Target {
        Target {
            name: name.into(),
            expr: Expr::parse(name).unwrap(),
        }
    }

    #[test]
    fn evaluate_targets_gives_each_target_at_the_verification_precision() {
        let digits = 50;
        let prec = bits_for_digits(digits) + 64;
        let got = evaluate_targets(&[target("pi"), target("log(3)-log(2)")], digits).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "pi");
        assert_eq!(got[1].0, "log(3)-log(2)");
        let pi = Float::with_val(prec, rug::float::Constant::Pi);
        let ln_3_2 = Float::with_val(prec, Float::with_val(prec, 3) / 2u32).ln();
        for ((_, v), want) in got.iter().zip([pi, ln_3_2]) {
            assert_eq!(v.prec(), prec);
            let err = Float::with_val(prec, v - &want).abs();
            assert!(
                err < Float::with_val(prec, 1) >> (prec - 8),
                "{v} vs {want}"
            );
        }
        // log(3)−log(2) = 0.405465108108164381978013115464349136571990423462494928…
        assert!(got[1]
            .1
            .to_string_radix(10, Some(20))
            .starts_with("4.054651081081643819"));
        let err = evaluate_targets(&[target("pi"), target("log(2-2)")], digits).unwrap_err();
        assert!(format!("{err:#}").contains("'log(2-2)'"), "{err:#}");
    }
}
