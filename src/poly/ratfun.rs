//! Rational functions `num/den` of multivariate polynomials over ℚ, and a parser for the
//! sympy-like expressions of field definitions (`x + y + 2`, `-y - 1`, `x**2`, `(x+1)*(y-2)`,
//! `Px/((1 - z)*z)`).
//!
//! Equality is exact: `A = B` iff `num(A)·den(B) − num(B)·den(A) = 0` as a polynomial
//! ([`RatFun::same_as`]), so no full gcd reduction is needed for zero tests. Univariate rational
//! functions are reduced by the polynomial gcd ([`RatFun::reduce`]).

use super::multi::MPoly;
use super::Poly;
use rug::{Integer, Rational};
use std::collections::HashMap;
use thiserror::Error;

/// A rational function `num/den` (`den ≠ 0`), normalised so that `den` has coprime integer
/// coefficients and a positive leading coefficient (a constant `den` is 1) and no monomial factor
/// common to `num` and `den` remains.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RatFun {
    num: MPoly,
    den: MPoly,
}

/// Division by the zero rational function, or evaluation at a pole.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("the denominator {den} vanishes")]
pub struct DivisionByZero {
    /// The denominator that vanished, as text (variables `x0, x1, …`).
    pub den: String,
}

impl RatFun {
    /// `num/den`, normalised.
    ///
    /// # Panics
    /// If `den` is zero or the rings differ.
    pub fn new(num: MPoly, den: MPoly) -> RatFun {
        assert!(!den.is_zero(), "zero denominator");
        assert_eq!(num.nvars(), den.nvars(), "rings differ");
        let (k, den) = den.primitive();
        let num = num.scale(&Rational::from(k.recip_ref()));
        // cancel the common monomial factor (x0·x1/x0 → x1)
        let (num, den) = if den.as_constant().is_some() || num.is_zero() {
            (num, den)
        } else {
            let (gn, gd) = (num.monomial_gcd(), den.monomial_gcd());
            let g: Vec<u32> = gn.iter().zip(&gd).map(|(a, b)| *a.min(b)).collect();
            if g.iter().any(|&e| e > 0) {
                (num.div_monomial(&g), den.div_monomial(&g))
            } else {
                (num, den)
            }
        };
        if let Some(c) = den.as_constant() {
            // den is primitive, so the constant is 1
            debug_assert_eq!(c, 1);
        }
        RatFun { num, den }
    }

    /// The polynomial `p` as `p/1`.
    pub fn poly(p: MPoly) -> RatFun {
        let den = MPoly::constant(p.nvars(), 1);
        RatFun { num: p, den }
    }

    /// The constant `c`.
    pub fn constant(nvars: usize, c: impl Into<Rational>) -> RatFun {
        RatFun::poly(MPoly::constant(nvars, c))
    }

    /// The variable `x_i`.
    pub fn var(nvars: usize, i: usize) -> RatFun {
        RatFun::poly(MPoly::var(nvars, i))
    }

    /// Numerator.
    pub fn num(&self) -> &MPoly {
        &self.num
    }

    /// Denominator.
    pub fn den(&self) -> &MPoly {
        &self.den
    }

    /// Number of variables.
    pub fn nvars(&self) -> usize {
        self.num.nvars()
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    /// Whether the denominator is constant (a polynomial).
    pub fn is_poly(&self) -> bool {
        self.den.as_constant().is_some()
    }

    /// Exact identity test: `num(A)·den(B) − num(B)·den(A) = 0`.
    pub fn same_as(&self, o: &RatFun) -> bool {
        if self.den == o.den {
            return self.num == o.num;
        }
        (&self.num * &o.den) == (&o.num * &self.den)
    }

    /// `1/self`.
    pub fn recip(&self) -> Result<RatFun, DivisionByZero> {
        if self.num.is_zero() {
            return Err(DivisionByZero { den: "0".into() });
        }
        Ok(RatFun::new(self.den.clone(), self.num.clone()))
    }

    /// `self^e` for an integer exponent (negative exponents invert).
    pub fn pow(&self, e: i32) -> Result<RatFun, DivisionByZero> {
        let base = if e < 0 { self.recip()? } else { self.clone() };
        let e = e.unsigned_abs();
        Ok(RatFun {
            num: base.num.pow(e),
            den: base.den.pow(e),
        })
    }

    /// `self / o`.
    pub fn div(&self, o: &RatFun) -> Result<RatFun, DivisionByZero> {
        Ok(self * &o.recip()?)
    }

    /// `f(v)` at a rational point; an error if the denominator vanishes there.
    pub fn eval(&self, v: &[Rational]) -> Result<Rational, DivisionByZero> {
        let d = self.den.eval(v);
        if d == 0 {
            return Err(DivisionByZero {
                den: self.den.display(&[]),
            });
        }
        Ok(self.num.eval(v) / d)
    }

    /// The substitution `x_i → x_i + k`.
    pub fn shift(&self, i: usize, k: &Rational) -> RatFun {
        RatFun::new(self.num.shift(i, k), self.den.shift(i, k))
    }

    /// The composition with polynomial images of the variables (see [`MPoly::compose`]); an error
    /// if the denominator becomes identically zero.
    pub fn compose(&self, images: &[MPoly]) -> Result<RatFun, DivisionByZero> {
        let den = self.den.compose(images);
        if den.is_zero() {
            return Err(DivisionByZero {
                den: self.den.display(&[]),
            });
        }
        Ok(RatFun::new(self.num.compose(images), den))
    }

    /// The same function in more variables (new variables appended).
    pub fn widen(&self, nvars: usize) -> RatFun {
        RatFun {
            num: self.num.widen(nvars),
            den: self.den.widen(nvars),
        }
    }

    /// For a univariate function: cancels the gcd of numerator and denominator (over ℚ).
    /// Multivariate functions are returned unchanged.
    pub fn reduce(&self) -> RatFun {
        if self.nvars() != 1 || self.is_poly() {
            return self.clone();
        }
        if self.num.is_zero() {
            return RatFun::constant(1, 0);
        }
        let (kn, n) = self.num.primitive();
        let (kd, d) = self.den.primitive();
        let (n, d) = (n.to_poly().unwrap(), d.to_poly().unwrap());
        let g = n.gcd(&d);
        let n = n.div_poly(&g).expect("gcd divides");
        let d = d.div_poly(&g).expect("gcd divides");
        let k = kn / kd;
        RatFun::new(MPoly::from_poly(&n).scale(&k), MPoly::from_poly(&d))
    }

    /// sympy-style text with the given variable names.
    pub fn display(&self, names: &[String]) -> String {
        let n = self.num.display(names);
        if self.is_poly() {
            return n;
        }
        let n = if self.num.len() > 1 {
            format!("({n})")
        } else {
            n
        };
        let d = self.den.display(names);
        let d = if d.contains([' ', '*', '/']) {
            format!("({d})")
        } else {
            d
        };
        format!("{n}/{d}")
    }

    /// A univariate polynomial function as a [`Poly`] times a rational scale: `self = k·P(n)`, `P`
    /// primitive with a positive leading coefficient. `None` if not a univariate polynomial.
    pub fn to_scaled_poly(&self) -> Option<(Rational, Poly)> {
        if self.nvars() != 1 || !self.is_poly() {
            return None;
        }
        let (k, p) = self.num.primitive();
        Some((k, p.to_poly()?))
    }
}

impl std::ops::Add for &RatFun {
    type Output = RatFun;
    fn add(self, o: &RatFun) -> RatFun {
        if self.den == o.den {
            return RatFun {
                num: &self.num + &o.num,
                den: self.den.clone(),
            };
        }
        RatFun::new(
            &(&self.num * &o.den) + &(&o.num * &self.den),
            &self.den * &o.den,
        )
    }
}

impl std::ops::Sub for &RatFun {
    type Output = RatFun;
    fn sub(self, o: &RatFun) -> RatFun {
        self + &(-o)
    }
}

impl std::ops::Neg for &RatFun {
    type Output = RatFun;
    fn neg(self) -> RatFun {
        RatFun {
            num: -&self.num,
            den: self.den.clone(),
        }
    }
}

impl std::ops::Mul for &RatFun {
    type Output = RatFun;
    fn mul(self, o: &RatFun) -> RatFun {
        if self.is_zero() || o.is_zero() {
            return RatFun::constant(self.nvars(), 0);
        }
        // Cheap cancellations of a whole denominator against the other numerator.
        if self.den == o.num {
            return RatFun::new(self.num.clone(), o.den.clone());
        }
        if o.den == self.num {
            return RatFun::new(o.num.clone(), self.den.clone());
        }
        RatFun::new(&self.num * &o.num, &self.den * &o.den)
    }
}

/// Why an expression could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ParseError {
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
    /// A name that is neither a variable nor a definition.
    #[error("unknown name '{name}' in '{src}' (known: {known})")]
    UnknownName {
        /// The name.
        name: String,
        /// The whole input.
        src: String,
        /// Known names, comma separated.
        known: String,
    },
    /// Division by an expression that is identically zero.
    #[error("division by zero in '{src}'")]
    DivisionByZero {
        /// The whole input.
        src: String,
    },
}

/// The names an expression may use: variables (`x_i` of the ring, in order) and named
/// rational functions (definitions, bound parameters).
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Variable names, index = variable number.
    pub vars: Vec<String>,
    /// Named values.
    pub defs: HashMap<String, RatFun>,
}

impl Scope {
    /// A scope with the given variables and no definitions.
    pub fn new(vars: &[String]) -> Scope {
        Scope {
            vars: vars.to_vec(),
            defs: HashMap::new(),
        }
    }

    /// Parses an expression in this scope.
    pub fn parse(&self, src: &str) -> Result<RatFun, ParseError> {
        let toks = tokenize(src)?;
        let mut p = Parser {
            toks,
            pos: 0,
            src,
            scope: self,
        };
        let v = p.expr()?;
        if p.pos < p.toks.len() {
            return Err(p.syntax("unexpected token"));
        }
        Ok(v)
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Int(Integer),
    Name(String),
    Op(&'static str),
}

fn tokenize(src: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let s = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[s..i].iter().collect();
            out.push((Tok::Int(text.parse().expect("digits")), col));
        } else if c.is_alphabetic() || c == '_' {
            let s = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Name(chars[s..i].iter().collect()), col));
        } else {
            let op = match c {
                '*' if chars.get(i + 1) == Some(&'*') => "**",
                '+' => "+",
                '-' | '−' => "-",
                '*' => "*",
                '/' => "/",
                '^' => "**",
                '(' => "(",
                ')' => ")",
                _ => {
                    return Err(ParseError::Syntax {
                        what: format!("unexpected character '{c}'"),
                        column: col,
                        src: src.into(),
                    })
                }
            };
            i += if op == "**" && c == '*' { 2 } else { 1 };
            out.push((Tok::Op(op), col));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    src: &'a str,
    scope: &'a Scope,
}

impl Parser<'_> {
    fn syntax(&self, what: &str) -> ParseError {
        let column = self
            .toks
            .get(self.pos)
            .map_or(self.src.chars().count() + 1, |t| t.1);
        ParseError::Syntax {
            what: what.into(),
            column,
            src: self.src.into(),
        }
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some((Tok::Op(o), _)) => Some(o),
            _ => None,
        }
    }

    fn nvars(&self) -> usize {
        self.scope.vars.len()
    }

    fn expr(&mut self) -> Result<RatFun, ParseError> {
        let mut acc = self.term()?;
        while let Some(op @ ("+" | "-")) = self.peek_op() {
            self.pos += 1;
            let t = self.term()?;
            acc = if op == "+" { &acc + &t } else { &acc - &t };
        }
        Ok(acc)
    }

    fn term(&mut self) -> Result<RatFun, ParseError> {
        let mut acc = self.unary()?;
        while let Some(op @ ("*" | "/")) = self.peek_op() {
            self.pos += 1;
            let f = self.unary()?;
            acc = if op == "*" {
                &acc * &f
            } else {
                acc.div(&f).map_err(|_| ParseError::DivisionByZero {
                    src: self.src.into(),
                })?
            };
        }
        Ok(acc)
    }

    fn unary(&mut self) -> Result<RatFun, ParseError> {
        match self.peek_op() {
            Some("-") => {
                self.pos += 1;
                Ok(-&self.unary()?)
            }
            Some("+") => {
                self.pos += 1;
                self.unary()
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<RatFun, ParseError> {
        let base = self.atom()?;
        if self.peek_op() == Some("**") {
            self.pos += 1;
            let neg = if self.peek_op() == Some("-") {
                self.pos += 1;
                true
            } else {
                false
            };
            let e = match self.toks.get(self.pos) {
                Some((Tok::Int(k), _)) => k
                    .to_i32()
                    .filter(|&k| k <= 1000)
                    .ok_or_else(|| self.syntax("exponent too large"))?,
                _ => return Err(self.syntax("expected an integer exponent")),
            };
            self.pos += 1;
            let e = if neg { -e } else { e };
            return base.pow(e).map_err(|_| ParseError::DivisionByZero {
                src: self.src.into(),
            });
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<RatFun, ParseError> {
        let Some((tok, _)) = self.toks.get(self.pos).cloned() else {
            return Err(self.syntax("unexpected end of input"));
        };
        match tok {
            Tok::Int(k) => {
                self.pos += 1;
                Ok(RatFun::constant(self.nvars(), k))
            }
            Tok::Name(name) => {
                self.pos += 1;
                if let Some(i) = self.scope.vars.iter().position(|v| *v == name) {
                    return Ok(RatFun::var(self.nvars(), i));
                }
                if let Some(v) = self.scope.defs.get(&name) {
                    return Ok(v.clone());
                }
                let mut known: Vec<&str> = self.scope.vars.iter().map(|s| s.as_str()).collect();
                let mut defs: Vec<&str> = self.scope.defs.keys().map(|s| s.as_str()).collect();
                defs.sort_unstable();
                known.extend(defs);
                Err(ParseError::UnknownName {
                    name,
                    src: self.src.into(),
                    known: known.join(", "),
                })
            }
            Tok::Op("(") => {
                self.pos += 1;
                let v = self.expr()?;
                if self.peek_op() != Some(")") {
                    return Err(self.syntax("expected ')'"));
                }
                self.pos += 1;
                Ok(v)
            }
            Tok::Op(_) => Err(self.syntax("unexpected operator")),
        }
    }
}

/// A univariate rational function from a [`Poly`] (`p(n)/1`).
impl From<&Poly> for RatFun {
    fn from(p: &Poly) -> RatFun {
        RatFun::poly(MPoly::from_poly(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(vars: &[&str]) -> Scope {
        Scope::new(&vars.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_sympy_strings() {
        let s = scope(&["x", "y"]);
        let names = s.vars.clone();
        assert_eq!(s.parse("x + y + 2").unwrap().display(&names), "x + y + 2");
        assert_eq!(s.parse("-y - 1").unwrap().display(&names), "-y - 1");
        assert_eq!(
            s.parse("(x+1)*(y-2)").unwrap().display(&names),
            "x*y - 2*x + y - 2"
        );
        assert!(s
            .parse("(x + 1)**3")
            .unwrap()
            .same_as(&s.parse("x**3 + 3*x**2 + 3*x + 1").unwrap()));
        let f = s.parse("x/(x*y + x)").unwrap();
        assert!(f.same_as(&s.parse("1/(y + 1)").unwrap()));
        assert!(matches!(
            s.parse("x + z"),
            Err(ParseError::UnknownName { .. })
        ));
        assert!(matches!(s.parse("x +"), Err(ParseError::Syntax { .. })));
        assert!(matches!(
            s.parse("1/(x - x)"),
            Err(ParseError::DivisionByZero { .. })
        ));
    }

    #[test]
    fn univariate_reduction() {
        let s = scope(&["n"]);
        let f = s.parse("(n**2 - 1)/(2*n + 2)").unwrap().reduce();
        assert!(f.is_poly());
        assert_eq!(f.display(&s.vars), "1/2*n - 1/2");
    }
}
