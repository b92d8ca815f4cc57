//! ESMA search-space files: a constant, the left-hand sides P(K)/Q(K) to enumerate and the sign periods.
//!
//! ```toml
//! name = "esma-e"
//! [esma]
//! constant = "e"            # a library name or an expression such as "exp(2)" or "tan(1)"
//! poly_degree = 1           # deg P, deg Q <= 1
//! coeff_limit = 2           # coefficients in [-2, 2]
//! period_lengths = [2, 2]   # sign periods of length 2..=2
//! depth = 105               # partial quotients extracted
//! mode = "correct"          # or "reference" (p = 199, deg C seeding: the published counts)
//! ```

use super::SpaceError;
use crate::constants::Expr;
use crate::esma::{EsmaConfig, Mode};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEsmaFile {
    name: String,
    #[serde(default)]
    description: String,
    esma: RawEsma,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEsma {
    constant: String,
    poly_degree: Option<usize>,
    coeff_limit: Option<i64>,
    period_lengths: Option<[usize; 2]>,
    depth: Option<usize>,
    mode: Option<String>,
}

/// A validated ESMA space.
#[derive(Clone, Debug)]
pub struct EsmaSpace {
    /// Name used in the catalog.
    pub name: String,
    /// Free text.
    pub description: String,
    /// The constant as written.
    pub constant: String,
    /// The parsed constant.
    pub expr: Expr,
    /// The search configuration.
    pub config: EsmaConfig,
}

impl EsmaSpace {
    /// Reads and validates an ESMA space file.
    pub fn load(path: &Path) -> Result<EsmaSpace, SpaceError> {
        let raw: RawEsmaFile = super::parse_toml(&super::read(path)?, path)?;
        let invalid = super::invalid_at(path);
        let expr =
            Expr::parse(&raw.esma.constant).map_err(|e| invalid("esma.constant", e.to_string()))?;
        let mut config = match raw.esma.mode.as_deref() {
            None | Some("correct") => EsmaConfig::default(),
            Some("reference") => EsmaConfig::reference(),
            Some(m) => {
                return Err(invalid(
                    "esma.mode",
                    format!("'{m}' is neither \"correct\" nor \"reference\""),
                ))
            }
        };
        if let Some(d) = raw.esma.poly_degree {
            config.poly_degree = d;
        }
        if let Some(c) = raw.esma.coeff_limit {
            config.coeff_limit = c;
        }
        if let Some([lo, hi]) = raw.esma.period_lengths {
            config.period_lengths = lo..=hi;
        }
        if let Some(d) = raw.esma.depth {
            config.depth = d;
        }
        config
            .validate()
            .map_err(|e| invalid("esma", e.to_string()))?;
        Ok(EsmaSpace {
            name: raw.name,
            description: raw.description,
            constant: raw.esma.constant,
            expr,
            config,
        })
    }
}

impl Mode {
    /// Parses `correct` / `reference`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "correct" => Some(Mode::Correct),
            "reference" => Some(Mode::Reference),
            _ => None,
        }
    }
}
