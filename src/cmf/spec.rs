//! Field files: a CMF written as TOML, and the fields bundled with the program.
//!
//! ```toml
//! name = "zeta3"
//! description = "Apéry's ζ(3) field"
//! axes = ["x", "y"]
//! limit = "(1 - zeta(3))/zeta(3)"     # optional: what the walks converge to (constant-library syntax)
//! constant = "zeta3"                  # optional: library constant for identification
//! walk = { trajectory = [1, 1], start = [1, 1] }   # optional default walk
//! definitions = [["Y", "2*y - c2"]]   # optional: named sub-expressions, in order
//!
//! [parameters]                        # optional: name = default value (integer or "p/q")
//! c2 = 0
//!
//! [matrices]                          # one square matrix per axis, entries in sympy syntax
//! x = [["0", "-x**3"], ["(x + 1)**3", "x**3 + (x + 1)**3 + 2*y*(y - 1)*(2*x + 1)"]]
//! y = [["-x**3 + 2*x**2*y - 2*x*y**2 + y**3", "-x**3"], ["x**3", "x**3 + 2*x**2*y + 2*x*y**2 + y**3"]]
//! ```
//!
//! A limit (or constant) that mentions parameters is a formula in them (`-a + b/log(1 + b/a)`); one
//! that does not is only valid at the default parameters and is dropped when they are overridden.

use super::{Cmf, NotConservative, RatMatrix};
use crate::poly::ratfun::{ParseError, RatFun, Scope};
use rug::Rational;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use thiserror::Error;

/// Why a field could not be loaded.
#[derive(Debug, Error)]
pub enum CmfError {
    /// The name is not bundled and no such file could be read.
    #[error("{path}: cannot read the field file ({message}); bundled fields: {known}")]
    Io {
        /// The path tried.
        path: String,
        /// The OS error.
        message: String,
        /// Bundled field names.
        known: String,
    },
    /// The file is not a valid field description.
    #[error("{origin}: invalid field file: {message}")]
    Format {
        /// File path or bundled name.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// An expression could not be read.
    #[error("{origin}: {what}: {source}")]
    Expr {
        /// File path or bundled name.
        origin: String,
        /// Which expression (matrix entry or definition).
        what: String,
        /// The parse error.
        source: ParseError,
    },
    /// The matrices do not form a conservative field.
    #[error("{origin}: not a conservative field: {detail}")]
    NotConservative {
        /// File path or bundled name.
        origin: String,
        /// The first failing axis pair and entry.
        detail: NotConservative,
    },
    /// A generated field (`pfq(p, q, z)`, `meijerg(m, n, p, q, z)`) named with bad parameters.
    #[error(transparent)]
    Generated(#[from] super::pfq::PfqError),
    /// A parameter override names no parameter of the field.
    #[error("{origin}: unknown parameter '{name}' (parameters: {known})")]
    UnknownParameter {
        /// File path or bundled name.
        origin: String,
        /// The name given.
        name: String,
        /// The field's parameters.
        known: String,
    },
}

/// A default walk of a field.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WalkSpec {
    /// Trajectory (one integer per axis).
    pub trajectory: Vec<i64>,
    /// Start point (one integer per axis).
    pub start: Vec<i64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
    axes: Vec<String>,
    limit: Option<String>,
    constant: Option<String>,
    walk: Option<WalkSpec>,
    #[serde(default)]
    definitions: Vec<(String, String)>,
    #[serde(default)]
    parameters: BTreeMap<String, toml::Value>,
    matrices: BTreeMap<String, Vec<Vec<String>>>,
}

/// A parsed field file: the field's text before parameters are bound.
#[derive(Clone, Debug)]
pub struct CmfSpec {
    /// Where it came from: the bundled name or the file path.
    pub origin: String,
    file: SpecFile,
    defaults: BTreeMap<String, Option<Rational>>,
    generated: Option<Generated>,
}

/// A field generated from a differential operator instead of read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Generated {
    /// `pFq(p, q, z)` ([`super::pfq`]).
    Pfq(usize, usize, Rational),
    /// `MeijerG(m, n, p, q, z)` ([`super::meijer`]).
    MeijerG(usize, usize, usize, usize, Rational),
}

/// The generated families as `(syntax, description)`, for listings.
pub const GENERATED_FAMILIES: &[(&str, &str)] = &[
    (
        "pfq(p,q,z)",
        "pFq hypergeometric field: axes x0..x{p-1} (M = I + Θ/x), y0..y{q-1} (backward B = I + Θ/(y-1)); z rational",
    ),
    (
        "meijerg(m,n,p,q,z)",
        "Meijer-G field: backward axes a0..a{p-1}, forward axes b0..b{q-1}; z rational",
    ),
];

/// `(name, text)` of the bundled fields: `search-spaces/cmf/NAME.toml`, read at compile time.
macro_rules! bundled_files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../search-spaces/cmf/", $name, ".toml")))),*]
    };
}

const BUNDLED: &[(&str, &str)] = bundled_files![
    "e",
    "pi",
    "zeta3",
    "zeta3_ffbar",
    "symmetric_pi",
    "zeta2",
    "cmf1",
    "cmf2",
    "cmf3_1",
    "cmf3_2",
    "cmf3_3",
    "var_root",
    "hypergeometric_2f1",
    "hypergeometric_3f2",
];

/// The bundled fields, in a fixed order.
pub fn bundled() -> Vec<CmfSpec> {
    BUNDLED
        .iter()
        .map(|(name, text)| CmfSpec::parse(text, name).expect("bundled field files are valid"))
        .collect()
}

/// Names of the bundled fields.
pub fn bundled_names() -> Vec<&'static str> {
    BUNDLED.iter().map(|(n, _)| *n).collect()
}

/// A bundled field by name, or else a field file at the path `field`.
pub fn load(field: &str) -> Result<CmfSpec, CmfError> {
    if let Some((name, text)) = BUNDLED.iter().find(|(n, _)| *n == field) {
        return CmfSpec::parse(text, name);
    }
    if let Some(parsed) = super::pfq::parse_name(field) {
        let (p, q, z) = parsed?;
        return Ok(CmfSpec::generated(Generated::Pfq(p, q, z)));
    }
    if let Some(parsed) = super::meijer::parse_name(field) {
        let (m, n, p, q, z) = parsed?;
        return Ok(CmfSpec::generated(Generated::MeijerG(m, n, p, q, z)));
    }
    let text = std::fs::read_to_string(field).map_err(|e| CmfError::Io {
        path: field.to_string(),
        message: e.to_string(),
        known: bundled_names().join(", "),
    })?;
    CmfSpec::parse(&text, field)
}

impl CmfSpec {
    /// The spec of a generated field.
    pub fn generated(g: Generated) -> CmfSpec {
        let (name, description, axes) = match &g {
            Generated::Pfq(p, q, z) => (
                super::pfq::name(*p, *q, z),
                format!(
                    "pFq hypergeometric field, {p} numerator and {q} denominator parameters, z = {z}"
                ),
                super::pfq::axis_names(*p, *q),
            ),
            Generated::MeijerG(m, n, p, q, z) => (
                super::meijer::name(*m, *n, *p, *q, z),
                format!("Meijer-G field G^({m},{n})_({p},{q}), z = {z}"),
                super::meijer::axis_names(*p, *q),
            ),
        };
        CmfSpec {
            origin: name.clone(),
            file: SpecFile {
                name,
                description,
                source:
                    "generated from the θ-operator (ramanujantools cmf/pfq.py, cmf/meijer_g.py)"
                        .into(),
                axes,
                limit: None,
                constant: None,
                walk: None,
                definitions: Vec::new(),
                parameters: BTreeMap::new(),
                matrices: BTreeMap::new(),
            },
            defaults: BTreeMap::new(),
            generated: Some(g),
        }
    }

    /// The generating operator, for generated fields.
    pub fn generator(&self) -> Option<&Generated> {
        self.generated.as_ref()
    }

    /// Parses a field file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<CmfSpec, CmfError> {
        let format = |message: String| CmfError::Format {
            origin: origin.to_string(),
            message,
        };
        let file: SpecFile = toml::from_str(text).map_err(|e| format(e.to_string()))?;
        if file.axes.is_empty() {
            return Err(format("no axes".into()));
        }
        for a in &file.axes {
            if !file.matrices.contains_key(a) {
                return Err(format(format!("no matrix for axis '{a}'")));
            }
        }
        for k in file.matrices.keys() {
            if !file.axes.contains(k) {
                return Err(format(format!("matrix '{k}' is not an axis")));
            }
        }
        let mut defaults = BTreeMap::new();
        for (name, v) in &file.parameters {
            let value = match v {
                toml::Value::Integer(k) => Some(Rational::from(*k)),
                toml::Value::String(s) if s == "symbolic" => None,
                toml::Value::String(s) => Some(parse_rational(s).ok_or_else(|| {
                    format(format!("parameter {name} = '{s}' is not a rational number"))
                })?),
                other => {
                    return Err(format(format!(
                        "parameter {name} = {other} is not a rational number"
                    )))
                }
            };
            defaults.insert(name.clone(), value);
        }
        if let Some(w) = &file.walk {
            if w.trajectory.len() != file.axes.len() || w.start.len() != file.axes.len() {
                return Err(format(
                    "walk: trajectory and start need one entry per axis".into(),
                ));
            }
        }
        Ok(CmfSpec {
            origin: origin.to_string(),
            file,
            defaults,
            generated: None,
        })
    }

    /// Field name.
    pub fn name(&self) -> &str {
        &self.file.name
    }

    /// One-line description.
    pub fn description(&self) -> &str {
        &self.file.description
    }

    /// Where the field comes from (paper or code).
    pub fn source(&self) -> &str {
        &self.file.source
    }

    /// Axis names.
    pub fn axes(&self) -> &[String] {
        &self.file.axes
    }

    /// Parameters with their default values (`None`: symbolic).
    pub fn parameters(&self) -> &BTreeMap<String, Option<Rational>> {
        &self.defaults
    }

    /// The default walk, if the file names one.
    pub fn default_walk(&self) -> Option<&WalkSpec> {
        self.file.walk.as_ref()
    }

    /// The field at the default parameters with `overrides` applied, checked conservative. A
    /// generated field is conservative by construction and is not checked here (its check can take
    /// long for many axes); [`Cmf::check`] proves it.
    pub fn build(&self, overrides: &[(String, Rational)]) -> Result<Cmf, CmfError> {
        if let Some(g) = &self.generated {
            if let Some((name, _)) = overrides.first() {
                return Err(CmfError::UnknownParameter {
                    origin: self.origin.clone(),
                    name: name.clone(),
                    known: "none".into(),
                });
            }
            return Ok(match g {
                Generated::Pfq(p, q, z) => super::pfq::pfq(*p, *q, z)?,
                Generated::MeijerG(m, n, p, q, z) => super::meijer::meijer_g(*m, *n, *p, *q, z)?,
            });
        }
        let mut values = self.defaults.clone();
        for (name, v) in overrides {
            match values.get_mut(name) {
                Some(slot) => *slot = Some(v.clone()),
                None => {
                    return Err(CmfError::UnknownParameter {
                        origin: self.origin.clone(),
                        name: name.clone(),
                        known: self.defaults.keys().cloned().collect::<Vec<_>>().join(", "),
                    })
                }
            }
        }
        let cmf = self.instantiate(&values)?;
        cmf.check().map_err(|detail| CmfError::NotConservative {
            origin: self.origin.clone(),
            detail,
        })?;
        Ok(cmf)
    }

    /// The field with every parameter symbolic (extra ring variables), checked conservative: this
    /// proves conservation for the whole family at once.
    pub fn build_symbolic(&self) -> Result<Cmf, CmfError> {
        if self.generated.is_some() {
            let cmf = self.build(&[])?;
            cmf.check().map_err(|detail| CmfError::NotConservative {
                origin: self.origin.clone(),
                detail,
            })?;
            return Ok(cmf);
        }
        let values = self.defaults.keys().map(|k| (k.clone(), None)).collect();
        let cmf = self.instantiate(&values)?;
        cmf.check().map_err(|detail| CmfError::NotConservative {
            origin: self.origin.clone(),
            detail,
        })?;
        Ok(cmf)
    }

    /// The field without the conservation check.
    pub fn instantiate(
        &self,
        values: &BTreeMap<String, Option<Rational>>,
    ) -> Result<Cmf, CmfError> {
        if self.generated.is_some() {
            return self.build(&[]);
        }
        let params: Vec<String> = values
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k.clone())
            .collect();
        let vars: Vec<String> = self.file.axes.iter().chain(&params).cloned().collect();
        let nvars = vars.len();
        let mut scope = Scope::new(&vars);
        for (k, v) in values {
            if let Some(v) = v {
                scope
                    .defs
                    .insert(k.clone(), RatFun::constant(nvars, v.clone()));
            }
        }
        let expr_err = |what: String, source: ParseError| CmfError::Expr {
            origin: self.origin.clone(),
            what,
            source,
        };
        for (name, src) in &self.file.definitions {
            let v = scope
                .parse(src)
                .map_err(|e| expr_err(format!("definition {name}"), e))?;
            scope.defs.insert(name.clone(), v);
        }
        let mut matrices = Vec::new();
        let mut dim = None;
        for axis in &self.file.axes {
            let rows = &self.file.matrices[axis];
            let parsed: Vec<Vec<RatFun>> = rows
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    row.iter()
                        .enumerate()
                        .map(|(j, e)| {
                            scope
                                .parse(e)
                                .map_err(|err| expr_err(format!("matrix {axis}[{i}][{j}]"), err))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<_, _>>()?;
            let m = RatMatrix::from_rows(parsed).ok_or_else(|| CmfError::Format {
                origin: self.origin.clone(),
                message: format!("matrix {axis} is not square"),
            })?;
            if *dim.get_or_insert(m.dim()) != m.dim() {
                return Err(CmfError::Format {
                    origin: self.origin.clone(),
                    message: format!("matrix {axis} has another size than the first axis's"),
                });
            }
            matrices.push(m);
        }
        let bind = |l: &String| {
            if values.keys().any(|k| mentions(l, k)) {
                substitute(l, values)
            } else {
                let at_defaults = values.iter().all(|(k, v)| self.defaults.get(k) == Some(v));
                at_defaults.then(|| l.clone())
            }
        };
        let limit = self.file.limit.as_ref().and_then(bind);
        let constant = self.file.constant.as_ref().and_then(bind);
        Ok(Cmf {
            name: self.file.name.clone(),
            axes: self.file.axes.clone(),
            params,
            backward: vec![false; matrices.len()],
            generator: None,
            matrices,
            limit,
            constant,
        })
    }
}

/// `p`, `-p`, `p/q` as a rational.
pub fn parse_rational(s: &str) -> Option<Rational> {
    let s = s.trim();
    match s.split_once('/') {
        Some((n, d)) => {
            let n: rug::Integer = n.trim().parse().ok()?;
            let d: rug::Integer = d.trim().parse().ok()?;
            (d != 0).then(|| Rational::from((n, d)))
        }
        None => s.parse::<rug::Integer>().ok().map(Rational::from),
    }
}

/// Identifier tokens of an expression.
fn identifiers(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            let st = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((st, i));
        } else if b[i].is_ascii_digit() {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    out
}

fn mentions(expr: &str, name: &str) -> bool {
    identifiers(expr).iter().any(|&(a, b)| &expr[a..b] == name)
}

/// Replaces parameter names by their values; `None` if a mentioned parameter is symbolic.
fn substitute(expr: &str, values: &BTreeMap<String, Option<Rational>>) -> Option<String> {
    let vals: HashMap<&str, &Option<Rational>> =
        values.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut out = String::new();
    let mut last = 0;
    for (a, b) in identifiers(expr) {
        if let Some(v) = vals.get(&expr[a..b]) {
            let v = v.as_ref()?;
            out.push_str(&expr[last..a]);
            if *v >= 0 && *v.denom() == 1 {
                out.push_str(&v.to_string());
            } else {
                out.push_str(&format!("({v})"));
            }
            last = b;
        }
    }
    out.push_str(&expr[last..]);
    Some(out)
}
