//! Parser for polynomial expressions in `n` with integer coefficients and optional integer
//! parameters: `+ - *`, powers `^`/`**` with non-negative integer exponents, parentheses and
//! implicit multiplication (`34n^3`, `2(n+1)`).

use super::multi::MPoly;
use super::Poly;
use rug::Integer;
use std::collections::BTreeMap;
use thiserror::Error;

/// Why a polynomial expression could not be read.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PolyParseError {
    /// A syntax error at a 1-based column.
    #[error("{what} at column {column} in '{src}'")]
    Syntax {
        /// What was wrong.
        what: String,
        /// 1-based column.
        column: usize,
        /// The whole input.
        src: String,
    },
    /// An expression beyond the size limits ([`MAX_LEN`], [`MAX_NESTING`], [`MAX_DEGREE`]).
    #[error("{what} in '{shown}'")]
    TooLarge {
        /// Which limit, with its value.
        what: String,
        /// The input, shortened to 80 characters.
        shown: String,
    },
    /// A name other than `n` or a declared parameter.
    #[error("unknown name '{name}' in '{src}' (a polynomial may use n{params})")]
    UnknownName {
        /// The name.
        name: String,
        /// The whole input.
        src: String,
        /// Declared parameters, pre-formatted.
        params: String,
    },
}

/// Longest polynomial expression accepted, in characters.
pub const MAX_LEN: usize = 4096;
/// Deepest nesting of parentheses and signs accepted.
pub const MAX_NESTING: usize = 64;
/// Largest degree of an expression accepted (before expansion, so that `((n^64)^64)^64` is refused
/// instead of expanded).
pub const MAX_DEGREE: u64 = 1000;

/// A parsed polynomial expression, possibly with integer parameters (`x0`, `x1`, …).
#[derive(Clone, Debug, PartialEq)]
pub enum PolyExpr {
    /// An integer literal.
    Int(Integer),
    /// The variable `n`.
    N,
    /// A named integer parameter.
    Param(String),
    /// Sum.
    Add(Box<PolyExpr>, Box<PolyExpr>),
    /// Difference.
    Sub(Box<PolyExpr>, Box<PolyExpr>),
    /// Product.
    Mul(Box<PolyExpr>, Box<PolyExpr>),
    /// Negation.
    Neg(Box<PolyExpr>),
    /// Power with a non-negative integer exponent.
    Pow(Box<PolyExpr>, u32),
}

impl PolyExpr {
    /// Expands the expression with the given parameter values into a polynomial in `n`.
    pub fn eval(&self, params: &BTreeMap<String, i64>) -> Poly {
        match self {
            PolyExpr::Int(k) => Poly::constant(k.clone()),
            PolyExpr::N => Poly::n(),
            PolyExpr::Param(p) => Poly::constant(params[p]),
            PolyExpr::Add(x, y) => &x.eval(params) + &y.eval(params),
            PolyExpr::Sub(x, y) => &x.eval(params) - &y.eval(params),
            PolyExpr::Mul(x, y) => &x.eval(params) * &y.eval(params),
            PolyExpr::Neg(x) => x.eval(params).neg(),
            PolyExpr::Pow(x, k) => {
                let base = x.eval(params);
                (0..*k).fold(Poly::constant(1), |acc, _| &acc * &base)
            }
        }
    }

    /// The expansion as a multivariate polynomial in `n` and the parameters: variable `x₀` is `n`,
    /// `x_{i+1}` is `params[i]` (so that `x0*(n+1)^2` with `params = ["x0"]` is `x₀²x₁ + 2x₀x₁ + x₁`).
    ///
    /// # Panics
    /// If the expression uses a parameter missing from `params` ([`parse_with_params`] accepts only
    /// the names it is given).
    pub fn expand(&self, params: &[String]) -> MPoly {
        let nvars = params.len() + 1;
        match self {
            PolyExpr::Int(k) => MPoly::constant(nvars, k.clone()),
            PolyExpr::N => MPoly::var(nvars, 0),
            PolyExpr::Param(p) => {
                let i = params
                    .iter()
                    .position(|q| q == p)
                    .unwrap_or_else(|| panic!("parameter {p} is not among {params:?}"));
                MPoly::var(nvars, i + 1)
            }
            PolyExpr::Add(x, y) => &x.expand(params) + &y.expand(params),
            PolyExpr::Sub(x, y) => &x.expand(params) - &y.expand(params),
            PolyExpr::Mul(x, y) => &x.expand(params) * &y.expand(params),
            PolyExpr::Neg(x) => -&x.expand(params),
            PolyExpr::Pow(x, k) => x.expand(params).pow(*k),
        }
    }

    /// An upper bound of the degree in `n` (exact unless terms cancel), saturating.
    pub fn degree_bound(&self) -> u64 {
        match self {
            PolyExpr::Int(_) | PolyExpr::Param(_) => 0,
            PolyExpr::N => 1,
            PolyExpr::Add(x, y) | PolyExpr::Sub(x, y) => x.degree_bound().max(y.degree_bound()),
            PolyExpr::Mul(x, y) => x.degree_bound().saturating_add(y.degree_bound()),
            PolyExpr::Neg(x) => x.degree_bound(),
            PolyExpr::Pow(x, k) => x.degree_bound().saturating_mul(u64::from(*k)),
        }
    }

    /// Names of the parameters used.
    pub fn params(&self, out: &mut Vec<String>) {
        match self {
            PolyExpr::Param(p) => {
                if !out.contains(p) {
                    out.push(p.clone())
                }
            }
            PolyExpr::Add(x, y) | PolyExpr::Sub(x, y) | PolyExpr::Mul(x, y) => {
                x.params(out);
                y.params(out);
            }
            PolyExpr::Neg(x) | PolyExpr::Pow(x, _) => x.params(out),
            PolyExpr::Int(_) | PolyExpr::N => {}
        }
    }
}

/// Parses a polynomial in `n` with integer coefficients, e.g. `34n^3+51n^2+27n+5` or `-(2*n-1)*(n+1)`.
pub fn parse(src: &str) -> Result<Poly, PolyParseError> {
    Ok(parse_with_params(src, &[])?.eval(&BTreeMap::new()))
}

/// Parses a polynomial expression whose coefficients may use the given integer parameter names.
///
/// Inputs beyond [`MAX_LEN`] characters, [`MAX_NESTING`] levels or degree [`MAX_DEGREE`] are
/// refused, so that no input can exhaust the stack or the memory.
pub fn parse_with_params(src: &str, params: &[String]) -> Result<PolyExpr, PolyParseError> {
    let too_large = |what: String| PolyParseError::TooLarge {
        what,
        shown: shorten(src),
    };
    let len = src.chars().count();
    if len > MAX_LEN {
        return Err(too_large(format!(
            "expression of {len} characters, more than the {MAX_LEN} accepted"
        )));
    }
    let mut p = Parser {
        src,
        chars: src.char_indices().collect(),
        pos: 0,
        params,
        depth: 0,
    };
    let e = p.sum()?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.err("unexpected character"));
    }
    let degree = e.degree_bound();
    if degree > MAX_DEGREE {
        return Err(too_large(format!(
            "degree {degree} is more than the {MAX_DEGREE} accepted"
        )));
    }
    Ok(e)
}

fn shorten(src: &str) -> String {
    if src.chars().count() <= 80 {
        src.to_string()
    } else {
        format!("{}…", src.chars().take(80).collect::<String>())
    }
}

struct Parser<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
    params: &'a [String],
    /// Current nesting of parentheses and unary signs.
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, what: &str) -> PolyParseError {
        let shown = match self.chars.get(self.pos) {
            Some((_, c)) => format!("{what} '{c}'"),
            None => format!("{what} (end of input)"),
        };
        PolyParseError::Syntax {
            what: shown,
            column: self.pos + 1,
            src: self.src.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        let n = s.chars().count();
        let matches = self.chars.len() >= self.pos + n
            && self.chars[self.pos..self.pos + n]
                .iter()
                .map(|&(_, c)| c)
                .eq(s.chars());
        if matches {
            self.pos += n;
        }
        matches
    }

    fn sum(&mut self) -> Result<PolyExpr, PolyParseError> {
        let mut acc = self.product()?;
        loop {
            if self.eat("+") {
                acc = PolyExpr::Add(Box::new(acc), Box::new(self.product()?));
            } else if self.eat("-") {
                acc = PolyExpr::Sub(Box::new(acc), Box::new(self.product()?));
            } else {
                return Ok(acc);
            }
        }
    }

    fn product(&mut self) -> Result<PolyExpr, PolyParseError> {
        let mut acc = self.unary()?;
        loop {
            self.skip_ws();
            if self.peek() == Some('*') && self.chars.get(self.pos + 1).map(|x| x.1) != Some('*') {
                self.pos += 1;
                acc = PolyExpr::Mul(Box::new(acc), Box::new(self.unary()?));
            } else if self
                .peek()
                .is_some_and(|c| c == '(' || c.is_ascii_alphanumeric() || c == '_')
            {
                // implicit multiplication: 34n, 2(n+1), (n+1)(n+2)
                acc = PolyExpr::Mul(Box::new(acc), Box::new(self.power()?));
            } else {
                return Ok(acc);
            }
        }
    }

    /// Enters one level of nesting, refusing more than [`MAX_NESTING`].
    fn nest(&mut self) -> Result<(), PolyParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(PolyParseError::TooLarge {
                what: format!("nesting deeper than {MAX_NESTING} levels"),
                shown: shorten(self.src),
            });
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<PolyExpr, PolyParseError> {
        if self.eat("-") {
            self.nest()?;
            let e = PolyExpr::Neg(Box::new(self.unary()?));
            self.depth -= 1;
            return Ok(e);
        }
        if self.eat("+") {
            self.nest()?;
            let e = self.unary();
            self.depth -= 1;
            return e;
        }
        self.power()
    }

    fn power(&mut self) -> Result<PolyExpr, PolyParseError> {
        let base = self.atom()?;
        if self.eat("**") || self.eat("^") {
            self.skip_ws();
            let braced = self.eat("{") || self.eat("(");
            self.skip_ws();
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            if start == self.pos {
                return Err(self.err("expected a non-negative integer exponent, found"));
            }
            let digits: String = self.chars[start..self.pos].iter().map(|x| x.1).collect();
            let k: u32 = digits
                .parse()
                .ok()
                .filter(|&k| k <= 64)
                .ok_or_else(|| self.err("exponent too large near"))?;
            if braced && !(self.eat("}") || self.eat(")")) {
                return Err(self.err("expected a closing bracket, found"));
            }
            return Ok(PolyExpr::Pow(Box::new(base), k));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<PolyExpr, PolyParseError> {
        self.skip_ws();
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                self.nest()?;
                let e = self.sum()?;
                if !self.eat(")") {
                    return Err(self.err("expected ')', found"));
                }
                self.depth -= 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let digits: String = self.chars[start..self.pos].iter().map(|x| x.1).collect();
                Ok(PolyExpr::Int(digits.parse().expect("digits")))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().map(|x| x.1).collect();
                if name == "n" {
                    Ok(PolyExpr::N)
                } else if self.params.contains(&name) {
                    Ok(PolyExpr::Param(name))
                } else {
                    let params = self.params.iter().map(|p| format!(", {p}")).collect();
                    Err(PolyParseError::UnknownName {
                        name,
                        src: self.src.to_string(),
                        params,
                    })
                }
            }
            _ => Err(self.err("expected a number, n, a parameter or '(', found")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notations() {
        assert_eq!(
            parse("-(2*n-1)*(n+1)").unwrap(),
            Poly::from_i64(&[1, -1, -2])
        );
        assert_eq!(parse("n**6").unwrap(), parse("n^6").unwrap());
        assert_eq!(parse("2(n+1)(n+2)").unwrap(), Poly::from_i64(&[4, 6, 2]));
        assert_eq!(
            parse("-n^6").unwrap(),
            Poly::from_i64(&[0, 0, 0, 0, 0, 0, -1])
        );
        assert_eq!(parse("1 - 9*n**2").unwrap(), Poly::from_i64(&[1, 0, -9]));
    }

    #[test]
    fn errors_name_the_place() {
        let e = parse("3n + x").unwrap_err().to_string();
        assert!(e.contains("unknown name 'x'"), "{e}");
        let e = parse("(n+1").unwrap_err().to_string();
        assert!(e.contains("expected ')'") && e.contains("column 5"), "{e}");
        let e = parse("n^-1").unwrap_err().to_string();
        assert!(e.contains("exponent"), "{e}");
    }

    #[test]
    fn templates() {
        let params = vec!["x0".to_string(), "x1".to_string(), "x2".to_string()];
        let a = parse_with_params("x0*((n+1)^3+n^3) + x1*(2n+1)", &params).unwrap();
        let b = parse_with_params("-x2^2*n^6", &params).unwrap();
        let vals: BTreeMap<String, i64> = [("x0", 17), ("x1", -12), ("x2", 1)]
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect();
        assert_eq!(a.eval(&vals), parse("34n^3+51n^2+27n+5").unwrap());
        assert_eq!(b.eval(&vals), parse("-n^6").unwrap());
    }
}
