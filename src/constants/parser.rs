//! Recursive-descent parser of the expression language.
//!
//! Grammar (precedence from loose to tight; `^` and `**` are right-associative and bind tighter than a
//! leading minus, as in Python: `-2^2 = −4`, `2^-1 = 1/2`):
//! ```text
//! expr    := term (('+' | '-') term)*
//! term    := unary (('*' | '/') unary)*
//! unary   := ('-' | '+') unary | power
//! power   := primary (('^' | '**') unary)?
//! primary := INTEGER | DECIMAL | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'
//! ```
//! DECIMAL is `digits.digits` with an optional exponent `e±digits`; NAME is a letter or `_` followed by
//! letters, digits or `_` (Unicode letters such as `π` included); a leading `sp.` (sympy) is stripped.

use crate::constants::error::ExprError;
use crate::constants::expr::{BinOp, Node};
use crate::constants::func::Func;
use crate::constants::library::{self, lookup};
use rug::{Integer, Rational};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Int(String),
    Dec(String),
    Name(String),
    Sym(&'static str),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    column: usize,
}

/// Largest decimal exponent accepted in a literal such as `1e100000`.
const MAX_DECIMAL_EXPONENT: i64 = 1_000_000;

fn describe(t: &Tok) -> String {
    match t {
        Tok::Int(s) | Tok::Dec(s) => format!("number '{s}'"),
        Tok::Name(s) => format!("name '{s}'"),
        Tok::Sym(s) => format!("'{s}'"),
        Tok::End => "end of input".to_string(),
    }
}

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Token>,
    pos: usize,
}

fn syntax(input: &str, expected: &str, found: &Tok, column: usize) -> ExprError {
    ExprError::Syntax {
        expected: expected.to_string(),
        found: describe(found),
        column,
        input: input.to_string(),
    }
}

fn tokenize(input: &str) -> Result<Vec<Token>, ExprError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let column = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            let mut decimal = false;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i < chars.len() && chars[i] == '.' {
                decimal = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            // Exponent only when followed by an (optionally signed) digit, so `2*E` stays a product.
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    decimal = true;
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Token {
                tok: if decimal {
                    Tok::Dec(text)
                } else {
                    Tok::Int(text)
                },
                column,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let mut name: String = chars[start..i].iter().collect();
            // sympy prefix: `sp.Rational` → `Rational`
            if name == "sp" && chars.get(i) == Some(&'.') {
                let j = i + 1;
                if chars.get(j).is_some_and(|d| d.is_alphabetic() || *d == '_') {
                    i = j;
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    name = chars[j..i].iter().collect();
                }
            }
            out.push(Token {
                tok: Tok::Name(name),
                column,
            });
            continue;
        }
        let sym: &'static str = match c {
            '*' if chars.get(i + 1) == Some(&'*') => "**",
            '+' => "+",
            '-' | '−' => "-",
            '*' | '×' | '·' => "*",
            '/' => "/",
            '^' => "^",
            '(' => "(",
            ')' => ")",
            ',' => ",",
            _ => {
                return Err(syntax(
                    input,
                    "a number, a name, an operator or a parenthesis",
                    &Tok::Sym("?"),
                    column,
                )
                .with_found(format!("'{c}'")))
            }
        };
        i += if sym == "**" { 2 } else { 1 };
        out.push(Token {
            tok: Tok::Sym(sym),
            column,
        });
    }
    out.push(Token {
        tok: Tok::End,
        column: chars.len() + 1,
    });
    Ok(out)
}

impl ExprError {
    fn with_found(self, text: String) -> ExprError {
        match self {
            ExprError::Syntax {
                expected,
                column,
                input,
                ..
            } => ExprError::Syntax {
                expected,
                found: text,
                column,
                input,
            },
            other => other,
        }
    }
}

/// Parses a whole expression.
pub(crate) fn parse(input: &str) -> Result<Node, ExprError> {
    let tokens = tokenize(input)?;
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
    };
    let node = p.expr()?;
    let t = p.peek().clone();
    if t.tok != Tok::End {
        return Err(syntax(
            input,
            "an operator or end of input",
            &t.tok,
            t.column,
        ));
    }
    Ok(node)
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.tokens[self.pos]
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if t.tok != Tok::End {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, sym: &str) -> bool {
        if matches!(&self.peek().tok, Tok::Sym(s) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, sym: &'static str) -> Result<(), ExprError> {
        if self.eat(sym) {
            Ok(())
        } else {
            let t = self.peek().clone();
            Err(syntax(self.input, &format!("'{sym}'"), &t.tok, t.column))
        }
    }

    fn expr(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.term()?;
        loop {
            let op = if self.eat("+") {
                BinOp::Add
            } else if self.eat("-") {
                BinOp::Sub
            } else {
                return Ok(lhs);
            };
            let rhs = self.term()?;
            lhs = Node::Binary(op, Box::new(lhs), Box::new(rhs));
        }
    }

    fn term(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = if self.eat("*") {
                BinOp::Mul
            } else if self.eat("/") {
                BinOp::Div
            } else {
                return Ok(lhs);
            };
            let rhs = self.unary()?;
            lhs = Node::Binary(op, Box::new(lhs), Box::new(rhs));
        }
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        if self.eat("-") {
            return Ok(Node::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return self.unary();
        }
        self.power()
    }

    fn power(&mut self) -> Result<Node, ExprError> {
        let base = self.primary()?;
        if self.eat("^") || self.eat("**") {
            let exponent = self.unary()?;
            return Ok(Node::Binary(BinOp::Pow, Box::new(base), Box::new(exponent)));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let t = self.next();
        match t.tok {
            Tok::Int(s) => Integer::from_str_radix(&s, 10)
                .map(Node::Integer)
                .map_err(|_| syntax(self.input, "an integer", &Tok::Int(s), t.column)),
            Tok::Dec(s) => parse_decimal(&s)
                .map(|value| Node::Decimal {
                    value,
                    text: s.clone(),
                })
                .ok_or_else(|| {
                    syntax(
                        self.input,
                        "a decimal literal with exponent of at most 1000000",
                        &Tok::Dec(s.clone()),
                        t.column,
                    )
                }),
            Tok::Sym("(") => {
                let inner = self.expr()?;
                self.expect(")")?;
                Ok(inner)
            }
            Tok::Name(name) => self.name(name, t.column),
            other => Err(syntax(
                self.input,
                "a number, a name or '('",
                &other,
                t.column,
            )),
        }
    }

    fn name(&mut self, name: String, column: usize) -> Result<Node, ExprError> {
        let called = self.peek().tok == Tok::Sym("(");
        if let Some(f) = Func::from_name(&name) {
            if !called {
                return Err(self.usage(
                    format!("function '{name}' must be called with arguments in parentheses"),
                    column,
                ));
            }
            self.pos += 1;
            let mut args = vec![self.expr()?];
            while self.eat(",") {
                args.push(self.expr()?);
            }
            self.expect(")")?;
            let (lo, hi) = f.arity();
            if args.len() < lo || args.len() > hi {
                let wanted = if lo == hi {
                    format!("{lo}")
                } else {
                    format!("{lo} or {hi}")
                };
                return Err(self.usage(
                    format!(
                        "'{name}' takes {wanted} argument{}, got {}",
                        if hi == 1 { "" } else { "s" },
                        args.len()
                    ),
                    column,
                ));
            }
            return Ok(Node::Call(f, args));
        }
        if let Some(c) = lookup(&name) {
            if called {
                return Err(self.usage(format!("'{name}' is a constant, not a function"), column));
            }
            return Ok(Node::Constant(c));
        }
        Err(ExprError::UnknownName {
            hint: suggestions(&name),
            name,
            column,
            input: self.input.to_string(),
        })
    }

    fn usage(&self, message: String, column: usize) -> ExprError {
        ExprError::Usage {
            message,
            column,
            input: self.input.to_string(),
        }
    }
}

/// Exact value of a decimal literal `d.ddd[e±x]`, or `None` if its exponent is out of range.
fn parse_decimal(s: &str) -> Option<Rational> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(k) => (&s[..k], s[k + 1..].parse::<i64>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    let digits = if digits.is_empty() { "0" } else { &digits };
    let m = Integer::from_str_radix(digits, 10).ok()?;
    let e = exp.checked_sub(frac.len() as i64)?;
    if e.abs() > MAX_DECIMAL_EXPONENT {
        return None;
    }
    let scale = Integer::from(Integer::u_pow_u(10, e.unsigned_abs() as u32));
    Some(if e >= 0 {
        Rational::from(m * scale)
    } else {
        Rational::from((m, scale))
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "did you mean …" for names within a small edit distance (or equal ignoring case), else all known names.
fn suggestions(name: &str) -> String {
    let mut known: Vec<&'static str> = Vec::new();
    for c in library::library() {
        known.push(c.name);
        known.extend(c.aliases.iter().copied());
    }
    for f in Func::ALL {
        known.push(f.name());
        known.extend(f.aliases().iter().copied());
    }
    let lower = name.to_lowercase();
    let len = name.chars().count();
    let limit = if len <= 1 { 0 } else { (len / 3).max(1) };
    let mut close: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| {
            let kl = k.to_lowercase();
            kl == lower || edit_distance(&kl, &lower) <= limit
        })
        .collect();
    close.dedup();
    if close.is_empty() {
        let consts: Vec<&str> = library::library().iter().map(|c| c.name).collect();
        let funcs: Vec<&str> = Func::ALL.iter().map(|f| f.name()).collect();
        format!(
            "known constants: {}; known functions: {}",
            consts.join(", "),
            funcs.join(", ")
        )
    } else {
        format!("did you mean {}?", close.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(src: &str) -> String {
        parse(src).unwrap().to_string()
    }

    #[test]
    fn literals_and_sympy_prefix() {
        assert_eq!(show("2*E"), "2*e");
        assert_eq!(show("2E+1"), "2E+1");
        assert_eq!(show("1.5e-3"), "1.5e-3");
        assert_eq!(show(".5"), ".5");
        assert_eq!(show("sp.Rational(1,3)"), "Rational(1, 3)");
        assert_eq!(
            show("123456789012345678901234567890"),
            "123456789012345678901234567890"
        );
        assert_eq!(parse_decimal("1.5e-3"), Some(Rational::from((3, 2000))));
        assert_eq!(parse_decimal("2e3"), Some(Rational::from(2000)));
        assert_eq!(parse_decimal("1e2000000"), None);
    }

    #[test]
    fn precedence_follows_python() {
        assert_eq!(parse("-2**2").unwrap(), parse("-(2^2)").unwrap());
        assert_eq!(parse("2^3^2").unwrap(), parse("2^(3^2)").unwrap());
        assert_eq!(parse("1-2-3").unwrap(), parse("(1-2)-3").unwrap());
        assert_eq!(parse("2^-1").unwrap(), parse("2^(-1)").unwrap());
        assert_eq!(parse("ln(2)").unwrap(), parse("log(2)").unwrap());
    }

    #[test]
    fn suggestions_list_close_names() {
        assert!(suggestions("catalann").contains("catalan"));
        assert!(suggestions("Zeta3").contains("zeta3"));
        assert!(suggestions("qqqqqq").starts_with("known constants:"));
    }
}
