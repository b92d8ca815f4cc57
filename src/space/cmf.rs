//! CMF search-space files: a field, the trajectories and start points to walk, what to identify
//! the limits against and how many digits to verify.
//!
//! ```toml
//! name = "cmf-zeta3"
//! [field]
//! name = "zeta3"          # a bundled field (`apery cmf list`) or a field file, relative to this file
//! params = { a = 2 }      # parameter values (integers or "p/q"); symbolic parameters need one
//! [trajectories]          # one inclusive range per axis; only primitive vectors (gcd 1, not 0)
//! x = [-2, 2]
//! y = [-2, 2]
//! [starts]                # one inclusive range per axis: [lo, hi] or [lo, hi, step]
//! x = [1, 2]              # integers: 1, 2
//! y = ["1/2", "5/2"]      # fractions as "p/q" strings: 1/2, 3/2, 5/2 (step 1)
//! # z = [0, 1, "1/3"]     # with a step: 0, 1/3, 2/3, 1 (hi − lo a multiple of the step)
//! [targets]
//! constants = ["zeta3"]   # default: the field's constant
//! max_coeff = 1000        # bound on the Möbius coefficients found by PSLQ
//! [budget]
//! verify_digits = 100     # at least 100
//! max_depth = 16384       # deepest evaluation of a trajectory's PCF
//! ```
//!
//! The enumeration is ordered: trajectories in lexicographic order of their coordinates (axes in
//! the field's order), and for each trajectory the start points in lexicographic order; index
//! `i` is the pair (trajectory `i / S`, start `i mod S`) with `S` start points.
//!
//! A start point `s` with fractional coordinates is walked as the integer point `⌊s⌋` of the field
//! shifted by `s − ⌊s⌋` (exact over ℚ, [`crate::cmf::shift`]). A space whose starts are all integer
//! ranges with step 1 has the canonical form (and hash) it had before fractions were allowed.

use super::{invalid_at, parse_toml, read, SpaceError, Target};
use crate::cmf::spec::parse_rational;
use crate::cmf::{load, Cmf};
use crate::constants::Expr;
use rug::{Integer, Rational};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// Largest absolute trajectory coordinate (a trajectory step multiplies that many axis matrices).
pub const MAX_TRAJECTORY_COORD: i64 = 32;
/// Largest absolute start coordinate.
pub const MAX_START_COORD: i64 = 1 << 20;
/// Most trajectories a space may hold (they are listed in memory).
pub const MAX_TRAJECTORIES: usize = 1 << 20;
/// Largest denominator of a start coordinate (the shifted field's coefficients grow with it).
pub const MAX_START_DENOMINATOR: u32 = 1000;

/// The start coordinates of one axis: `lo, lo + step, …, lo + (count − 1)·step`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartRange {
    /// The first value.
    pub lo: Rational,
    /// The step (positive).
    pub step: Rational,
    /// How many values (at least 1).
    pub count: u64,
}

impl StartRange {
    /// The last value `lo + (count − 1)·step`.
    pub fn hi(&self) -> Rational {
        self.value(self.count - 1)
    }

    /// The value `lo + i·step`.
    pub fn value(&self, i: u64) -> Rational {
        Rational::from(&self.step * Integer::from(i)) + &self.lo
    }

    /// `[lo, hi]` for an integer range with step 1 (the form of integer spaces, whose canonical
    /// hashes must not change), else `["lo", "hi", "step"]`.
    fn canonical(&self) -> serde_json::Value {
        let int = |r: &Rational| (*r.denom() == 1).then(|| r.numer().to_i64()).flatten();
        match (int(&self.lo), int(&self.hi())) {
            (Some(lo), Some(hi)) if self.step == 1 => serde_json::json!([lo, hi]),
            _ => serde_json::json!([
                self.lo.to_string(),
                self.hi().to_string(),
                self.step.to_string()
            ]),
        }
    }

    /// Reads `[lo, hi]` or `[lo, hi, step]` with integers or `"p/q"` strings (see the module
    /// documentation); the problem names the bad value.
    fn parse(v: &toml::Value) -> Result<StartRange, String> {
        let arr = v
            .as_array()
            .filter(|a| a.len() == 2 || a.len() == 3)
            .ok_or_else(|| {
                format!("expected a range [lo, hi] or [lo, hi, step], found {v} (e.g. [1, 3] or [\"1/2\", \"5/2\"])")
            })?;
        let what = ["lo", "hi", "step"];
        let mut q = Vec::with_capacity(3);
        for (i, e) in arr.iter().enumerate() {
            let text = match e {
                toml::Value::Integer(k) => k.to_string(),
                toml::Value::String(t) => t.clone(),
                toml::Value::Float(f) => {
                    return Err(format!(
                        "{} = {f} is a float; write a fraction as a \"p/q\" string (e.g. \"1/2\")",
                        what[i]
                    ))
                }
                other => {
                    return Err(format!(
                        "{} = {other}: expected an integer or a \"p/q\" string",
                        what[i]
                    ))
                }
            };
            let r = parse_rational(&text).ok_or_else(|| {
                format!(
                    "{} = '{text}' is not an integer or p/q with q ≠ 0 (e.g. \"1/2\")",
                    what[i]
                )
            })?;
            if *r.denom() > MAX_START_DENOMINATOR {
                return Err(format!(
                    "{} = {r}: denominator above {MAX_START_DENOMINATOR}",
                    what[i]
                ));
            }
            q.push(r);
        }
        let step = q.get(2).cloned().unwrap_or_else(|| Rational::from(1));
        let (lo, hi) = (&q[0], &q[1]);
        if step <= 0 {
            return Err(format!("step = {step} must be positive"));
        }
        if lo > hi {
            return Err(format!("empty range [{lo}, {hi}] (lo > hi)"));
        }
        if lo.clone().abs() > MAX_START_COORD || hi.clone().abs() > MAX_START_COORD {
            return Err(format!("[{lo}, {hi}] exceeds ±{MAX_START_COORD}"));
        }
        let span = Rational::from(hi - lo) / &step;
        if *span.denom() != 1 {
            return Err(format!(
                "[{lo}, {hi}]: hi − lo = {} is not a multiple of the step {step}",
                Rational::from(hi - lo)
            ));
        }
        let den = Integer::from(lo.denom().lcm_ref(step.denom()));
        if den > MAX_START_DENOMINATOR {
            return Err(format!(
                "the values lo + k·step have denominator {den}, above {MAX_START_DENOMINATOR}"
            ));
        }
        let count = span
            .numer()
            .to_u64()
            .and_then(|c| c.checked_add(1))
            .filter(|&c| c <= 1 << 40)
            .ok_or_else(|| format!("more than 2^40 values in [{lo}, {hi}] with step {step}"))?;
        Ok(StartRange {
            lo: lo.clone(),
            step,
            count,
        })
    }
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawCmfSpace {
    name: String,
    #[serde(default)]
    description: String,
    field: RawField,
    trajectories: BTreeMap<String, toml::Value>,
    starts: BTreeMap<String, toml::Value>,
    #[serde(default)]
    targets: RawCmfTargets,
    #[serde(default)]
    budget: RawCmfBudget,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: String,
    #[serde(default)]
    params: toml::Table,
}

#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct RawCmfTargets {
    #[serde(default)]
    constants: Vec<String>,
    #[serde(default = "default_max_coeff")]
    max_coeff: u64,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct RawCmfBudget {
    #[serde(default = "default_verify_digits")]
    verify_digits: u32,
    #[serde(default = "default_max_depth")]
    max_depth: usize,
}

impl Default for RawCmfBudget {
    fn default() -> Self {
        RawCmfBudget {
            verify_digits: default_verify_digits(),
            max_depth: default_max_depth(),
        }
    }
}

fn default_max_coeff() -> u64 {
    1000
}
fn default_verify_digits() -> u32 {
    100
}
fn default_max_depth() -> usize {
    16384
}

/// A validated CMF search space.
#[derive(Clone, Debug)]
pub struct CmfSpace {
    /// Short name (used in the catalog).
    pub name: String,
    /// Free text.
    pub description: String,
    /// SHA-256 (hex) of [`CmfSpace::canonical_json`]: identifies the space for resuming.
    pub hash: String,
    /// The field as named in the file (a bundled name or the path written there).
    pub field_name: String,
    /// The field, built at the given parameters and checked conservative.
    pub field: Cmf,
    /// Parameter values given in the file, sorted by name.
    pub params: Vec<(String, String)>,
    /// The primitive trajectories, in enumeration order.
    pub trajectories: Vec<Vec<i64>>,
    /// The values of each start coordinate, in axis order.
    pub starts: Vec<StartRange>,
    /// Target constants.
    pub targets: Vec<Target>,
    /// Bound on the coefficients of the Möbius relations found by PSLQ.
    pub max_coeff: u64,
    /// Digits a conjecture must verify to (at least 100).
    pub verify_digits: u32,
    /// Deepest evaluation of a trajectory's PCF.
    pub max_depth: usize,
}

/// `gcd(|v₁|, …, |v_k|)` (0 for the zero vector).
pub fn gcd_of(v: &[i64]) -> u64 {
    v.iter().fold(0u64, |g, &x| {
        let (mut a, mut b) = (g, x.unsigned_abs());
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    })
}

impl CmfSpace {
    /// Reads and validates a CMF search-space file.
    pub fn load(path: &Path) -> Result<CmfSpace, SpaceError> {
        CmfSpace::from_toml(&read(path)?, path)
    }

    /// Validates a CMF search space given as TOML text; `path` is used in messages and a field
    /// file named in it is looked up relative to `path`'s directory.
    pub fn from_toml(text: &str, path: &Path) -> Result<CmfSpace, SpaceError> {
        let raw: RawCmfSpace = parse_toml(text, path)?;
        let invalid = invalid_at(path);
        if raw.name.trim().is_empty() {
            return Err(invalid("name", "must not be empty".into()));
        }
        // the field: a bundled name, else a file path relative to the space file's directory
        let field_path = if crate::cmf::spec::bundled_names().contains(&raw.field.name.as_str()) {
            raw.field.name.clone()
        } else {
            let dir = path.parent().unwrap_or(Path::new(""));
            dir.join(&raw.field.name).to_string_lossy().into_owned()
        };
        let spec = load(&field_path).map_err(|e| invalid("field.name", e.to_string()))?;
        let mut overrides = Vec::new();
        let mut params = Vec::new();
        for (k, v) in &raw.field.params {
            let key = format!("field.params.{k}");
            let text = match v {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::String(s) => s.clone(),
                other => {
                    return Err(invalid(
                        &key,
                        format!("expected an integer or \"p/q\", found {other}"),
                    ))
                }
            };
            let q = parse_rational(&text)
                .ok_or_else(|| invalid(&key, format!("'{text}' is not an integer or p/q")))?;
            params.push((k.clone(), q.to_string()));
            overrides.push((k.clone(), q));
        }
        let field = spec
            .build(&overrides)
            .map_err(|e| invalid("field", e.to_string()))?;
        if !field.params.is_empty() {
            return Err(invalid(
                "field.params",
                format!(
                    "the field's parameters {} are symbolic; give each a value",
                    field.params.join(", ")
                ),
            ));
        }
        if field.rank() != 2 {
            return Err(invalid(
                "field",
                format!(
                    "the field's matrices are {0}×{0}; trajectories give PCFs only in 2×2 fields",
                    field.rank()
                ),
            ));
        }
        let check_axes =
            |table: &BTreeMap<String, toml::Value>, section: &str| -> Result<(), SpaceError> {
                match table.keys().find(|k| field.axis(k).is_none()) {
                    Some(k) => Err(invalid(
                        &format!("{section}.{k}"),
                        format!(
                            "'{k}' is not an axis of the field (axes: {})",
                            field.axes.join(", ")
                        ),
                    )),
                    None => Ok(()),
                }
            };
        let axis_ranges = |table: &BTreeMap<String, toml::Value>,
                           section: &str,
                           bound: i64|
         -> Result<Vec<(i64, i64)>, SpaceError> {
            check_axes(table, section)?;
            field
                .axes
                .iter()
                .map(|a| {
                    let key = format!("{section}.{a}");
                    let v = table.get(a).ok_or_else(|| {
                        invalid(&key, "missing: give a range [lo, hi] for every axis".into())
                    })?;
                    let (lo, hi) = super::range(v).map_err(|p| invalid(&key, p))?;
                    if lo < -bound || hi > bound {
                        return Err(invalid(&key, format!("[{lo}, {hi}] exceeds ±{bound}")));
                    }
                    Ok((lo, hi))
                })
                .collect()
        };
        let traj_ranges = axis_ranges(&raw.trajectories, "trajectories", MAX_TRAJECTORY_COORD)?;
        check_axes(&raw.starts, "starts")?;
        let starts: Vec<StartRange> = field
            .axes
            .iter()
            .map(|a| {
                let key = format!("starts.{a}");
                let v = raw.starts.get(a).ok_or_else(|| {
                    invalid(
                        &key,
                        "missing: give a range [lo, hi] or [lo, hi, step] for every axis".into(),
                    )
                })?;
                StartRange::parse(v).map_err(|p| invalid(&key, p))
            })
            .collect::<Result<_, _>>()?;
        let box_size: u128 = traj_ranges
            .iter()
            .map(|(lo, hi)| (hi - lo + 1) as u128)
            .product();
        if box_size > MAX_TRAJECTORIES as u128 {
            return Err(invalid(
                "trajectories",
                format!("{box_size} vectors in the box; at most {MAX_TRAJECTORIES}"),
            ));
        }
        let trajectories = primitive_vectors(&traj_ranges);
        if trajectories.is_empty() {
            return Err(invalid(
                "trajectories",
                "the box holds no primitive vector (non-zero with gcd 1)".into(),
            ));
        }
        let n_starts: u128 = starts.iter().map(|r| r.count as u128).product();
        if n_starts * trajectories.len() as u128 > 1u128 << 40 {
            return Err(invalid(
                "starts",
                format!(
                    "{} trajectories × {n_starts} starts exceeds 2^40",
                    trajectories.len()
                ),
            ));
        }
        let names: Vec<String> = if raw.targets.constants.is_empty() {
            match &field.constant {
                Some(c) => vec![c.clone()],
                None => {
                    return Err(invalid(
                        "targets.constants",
                        "the field names no constant; list at least one".into(),
                    ))
                }
            }
        } else {
            raw.targets.constants.clone()
        };
        let mut targets = Vec::new();
        for (i, c) in names.iter().enumerate() {
            let expr = Expr::parse(c)
                .map_err(|e| invalid(&format!("targets.constants[{i}]"), e.to_string()))?;
            targets.push(Target {
                name: c.clone(),
                expr,
            });
        }
        if !(1..=1_000_000_000).contains(&raw.targets.max_coeff) {
            return Err(invalid(
                "targets.max_coeff",
                format!("{} is outside 1..=10^9", raw.targets.max_coeff),
            ));
        }
        let b = &raw.budget;
        if !(100..=100_000).contains(&b.verify_digits) {
            return Err(invalid(
                "budget.verify_digits",
                format!("{} is outside 100..=100000", b.verify_digits),
            ));
        }
        if !(64..=1 << 20).contains(&b.max_depth) {
            return Err(invalid(
                "budget.max_depth",
                format!("{} is outside 64..=2^20", b.max_depth),
            ));
        }
        let mut space = CmfSpace {
            name: raw.name.trim().to_string(),
            description: raw.description,
            hash: String::new(),
            field_name: raw.field.name,
            field,
            params,
            trajectories,
            starts,
            targets,
            max_coeff: raw.targets.max_coeff,
            verify_digits: b.verify_digits,
            max_depth: b.max_depth,
        };
        space.hash = space.canonical_hash();
        Ok(space)
    }

    /// Number of start points.
    pub fn starts_count(&self) -> u64 {
        self.starts.iter().map(|r| r.count).product()
    }

    /// Number of (trajectory, start) pairs.
    pub fn size(&self) -> u64 {
        self.trajectories.len() as u64 * self.starts_count()
    }

    /// The (trajectory, start) pair at `index` (`index < size()`): trajectory `index / S`, start
    /// `index mod S` in lexicographic order (last axis fastest).
    pub fn pair(&self, index: u64) -> (Vec<i64>, Vec<Rational>) {
        let s = self.starts_count();
        let traj = self.trajectories[(index / s) as usize].clone();
        let mut rest = index % s;
        let mut start = vec![Rational::new(); self.starts.len()];
        for (k, r) in self.starts.iter().enumerate().rev() {
            start[k] = r.value(rest % r.count);
            rest /= r.count;
        }
        (traj, start)
    }

    /// Whether every start coordinate is an integer (no start needs a shifted field).
    pub fn integer_starts(&self) -> bool {
        self.starts
            .iter()
            .all(|r| *r.lo.denom() == 1 && *r.step.denom() == 1)
    }

    /// The canonical form as JSON: everything that decides what is enumerated and found (name, the
    /// field's axes and matrices at the given parameters, trajectories, starts, targets, budget);
    /// nothing of the file's layout, comments or description.
    pub fn canonical_json(&self) -> String {
        let vars = self.field.vars();
        let matrices: Vec<Vec<String>> = self
            .field
            .matrices
            .iter()
            .map(|m| m.entries().iter().map(|e| e.display(&vars)).collect())
            .collect();
        let j = serde_json::json!({
            "format": "apery-cmf-space-1",
            "name": self.name,
            "field": self.field.name,
            "axes": self.field.axes,
            "matrices": matrices,
            "params": self.params,
            "trajectories": self.trajectories,
            "starts": self.starts.iter().map(StartRange::canonical).collect::<Vec<_>>(),
            "targets": self.targets.iter().map(|t| t.name.split_whitespace().collect::<String>()).collect::<Vec<_>>(),
            "max_coeff": self.max_coeff,
            "verify_digits": self.verify_digits,
            "max_depth": self.max_depth,
        });
        j.to_string()
    }

    /// SHA-256 (hex) of [`CmfSpace::canonical_json`].
    pub fn canonical_hash(&self) -> String {
        Sha256::digest(self.canonical_json().as_bytes())
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect()
    }
}

/// The primitive integer vectors (non-zero, gcd of the coordinates 1) in a box, in lexicographic
/// order.
pub fn primitive_vectors(ranges: &[(i64, i64)]) -> Vec<Vec<i64>> {
    let mut out = Vec::new();
    let mut v: Vec<i64> = ranges.iter().map(|r| r.0).collect();
    if ranges.iter().any(|(lo, hi)| lo > hi) {
        return out;
    }
    loop {
        if gcd_of(&v) == 1 {
            out.push(v.clone());
        }
        // next in lexicographic order, last coordinate fastest
        let mut k = ranges.len();
        loop {
            if k == 0 {
                return out;
            }
            k -= 1;
            if v[k] < ranges[k].1 {
                v[k] += 1;
                break;
            }
            v[k] = ranges[k].0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitive_vectors_of_a_box_are_the_nonzero_vectors_with_gcd_one() {
        let v = primitive_vectors(&[(-2, 2), (-2, 2)]);
        // 25 vectors − 1 zero − 8 with gcd 2 ((±2,0),(0,±2),(±2,±2))
        assert_eq!(v.len(), 16);
        assert!(v.contains(&vec![1, 1]) && v.contains(&vec![-2, 1]));
        assert!(!v.contains(&vec![2, 2]) && !v.contains(&vec![0, 0]));
        let mut sorted = v.clone();
        sorted.sort();
        assert_eq!(sorted, v);
        assert_eq!(gcd_of(&[6, -4, 10]), 2);
    }

    proptest::proptest! {
        /// `[lo, hi, step]` read from `"p/q"` strings holds exactly `lo, lo + step, …, hi`, and an
        /// integer range with step 1 keeps the canonical form `[lo, hi]` of integer spaces.
        #[test]
        fn a_start_range_holds_lo_to_hi_by_step(
            lo_num in -40i64..40, den in 1i64..12, steps in 0u64..20, step_num in 1i64..5,
        ) {
            let lo = Rational::from((lo_num, den));
            let step = Rational::from((step_num, den));
            let hi = Rational::from(&step * Integer::from(steps)) + &lo;
            let v = toml::Value::Array(
                [&lo, &hi, &step]
                    .iter()
                    .map(|r| toml::Value::String(r.to_string()))
                    .collect(),
            );
            let r = StartRange::parse(&v).unwrap();
            proptest::prop_assert_eq!(r.count, steps + 1);
            proptest::prop_assert_eq!(r.value(0), lo.clone());
            proptest::prop_assert_eq!(r.hi(), hi.clone());
            for i in 1..r.count {
                proptest::prop_assert_eq!(r.value(i) - r.value(i - 1), step.clone());
            }
            let integral = *lo.denom() == 1 && step == 1;
            proptest::prop_assert_eq!(r.canonical().as_array().unwrap().len() == 2, integral);
        }
    }
}
