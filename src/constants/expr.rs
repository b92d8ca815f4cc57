//! The expression AST, its canonical printing and its certified evaluation at any precision.
//!
//! Evaluation keeps exact rationals exact (integers, decimals, `Rational(p, q)`, `+ − × ÷` and integer
//! powers of them) and switches to ball arithmetic (`ball.rs`) as soon as an irrational value appears.
//! [`Expr::eval`] follows Ziv's strategy: evaluate at a working precision w = prec + guard, and accept when
//! both ends of the resulting ball round to the same `prec`-bit float (so the result is correctly rounded);
//! otherwise raise w by half and retry, up to 4·prec + 8192 bits.

use crate::constants::ball::{Ball, BallFailure};
use crate::constants::bessel::bessel_i;
use crate::constants::error::ExprError;
use crate::constants::func::Func;
use crate::constants::hypergeometric::hyp1f1;
use crate::constants::library::{self, Constant};
use crate::constants::polygamma::{hurwitz_zeta, polygamma};
use crate::constants::series::bit_len;
use crate::constants::MAX_PREC;
use rug::float::Round;
use rug::ops::Pow;
use rug::{Float, Integer, Rational};
use std::fmt;

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// a + b
    Add,
    /// a − b
    Sub,
    /// a · b
    Mul,
    /// a / b
    Div,
    /// a^b (written `^` or `**`): exact for rational a and integer b, otherwise MPFR's real power.
    Pow,
}

/// A node of the expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// An integer literal of any size.
    Integer(Integer),
    /// A decimal literal such as `1.25` or `3e-2`, kept as its exact rational value and its source text.
    Decimal {
        /// Exact value of the literal.
        value: Rational,
        /// The literal as written.
        text: String,
    },
    /// A named constant of the library.
    Constant(&'static Constant),
    /// Unary minus.
    Neg(Box<Node>),
    /// A binary operation.
    Binary(BinOp, Box<Node>, Box<Node>),
    /// A function call with its (arity-checked) arguments.
    Call(Func, Vec<Node>),
}

/// A parsed constant expression (no free variables), evaluable at any precision.
///
/// `Display` prints a canonical form (canonical names, `^` for powers, minimal parentheses) that parses
/// back to the same tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    root: Node,
}

/// Value of a subexpression at working precision w.
#[derive(Debug, Clone)]
enum Value {
    Exact(Rational),
    Approx(Ball),
}

/// Why a subexpression could not be evaluated at the current working precision.
#[derive(Debug)]
enum Failure {
    Error(ExprError),
    NeedPrecision,
}

impl From<BallFailure> for Failure {
    fn from(f: BallFailure) -> Failure {
        match f {
            BallFailure::NeedPrecision => Failure::NeedPrecision,
            BallFailure::Domain(m) => Failure::Error(ExprError::Domain(m)),
            BallFailure::DivisionByZero => Failure::Error(ExprError::DivisionByZero),
            BallFailure::Overflow(m) => Failure::Error(ExprError::Overflow(m)),
        }
    }
}

impl From<ExprError> for Failure {
    fn from(e: ExprError) -> Failure {
        Failure::Error(e)
    }
}

fn check_prec(prec: u64) -> Result<u32, ExprError> {
    if prec == 0 || prec > u64::from(MAX_PREC) {
        Err(ExprError::InvalidPrecision(prec))
    } else {
        Ok(prec as u32)
    }
}

impl Expr {
    /// Parses `src` (apery syntax or sympy-style strings; see the module documentation of `constants`).
    ///
    /// # Errors
    /// [`ExprError::Syntax`], [`ExprError::UnknownName`] or [`ExprError::Usage`] with the column.
    pub fn parse(src: &str) -> Result<Expr, ExprError> {
        crate::constants::parser::parse(src).map(|root| Expr { root })
    }

    /// Wraps an already built tree.
    pub fn from_node(root: Node) -> Expr {
        Expr { root }
    }

    /// The root of the tree.
    pub fn node(&self) -> &Node {
        &self.root
    }

    /// The value rounded to nearest at `prec_bits` bits (correctly rounded whenever the value is not exactly
    /// halfway between two floats; a value that cannot be told from 0 at the precision cap but is within
    /// 2^-prec_bits of 0, such as `pi - pi`, evaluates to 0).
    ///
    /// # Errors
    /// Domain errors (log of a negative, poles, …), division by zero, overflow, or an invalid precision.
    pub fn eval(&self, prec_bits: u32) -> Result<Float, ExprError> {
        let prec = check_prec(u64::from(prec_bits))?;
        self.refine(prec, |v, _w| match v {
            Value::Exact(q) => Some(Float::with_val(prec, q)),
            Value::Approx(b) => {
                if b.is_exact() {
                    return Some(Float::with_val(prec, &b.mid));
                }
                let lo = Float::with_val(prec, b.lower());
                let hi = Float::with_val(prec, b.upper());
                (lo == hi && lo.is_sign_negative() == hi.is_sign_negative()).then_some(lo)
            }
        })
        .and_then(|r| match r {
            Refined::Done(f) => Ok(f),
            Refined::Capped(b, w) => self.fallback(&b, prec, w).map(|m| Float::with_val(prec, m)),
        })
    }

    /// Decimal string of the value with `digits` significant digits, correctly rounded (see [`digits`]).
    pub(crate) fn digits(&self, digits: usize) -> Result<String, ExprError> {
        let digits = digits.max(1);
        let bits = crate::precision::Margin::EXPRESSION.bits_u64(digits as u64);
        let prec = check_prec(bits)?;
        let decimal = |f: &Float| f.to_sign_string_exp(10, Some(digits));
        let r = self.refine(prec, |v, w| {
            let b = to_ball(v, w);
            if b.mid.is_zero() && b.is_exact() {
                return Some((false, "0".to_string(), None));
            }
            let lo = decimal(&b.lower());
            let hi = decimal(&b.upper());
            (lo == hi).then_some(lo)
        })?;
        let (neg, s, exp) = match r {
            Refined::Done(t) => t,
            Refined::Capped(b, w) => decimal(&self.fallback(&b, prec, w)?),
        };
        Ok(format_decimal(neg, &s, exp, digits))
    }

    /// After the precision cap: 0 if the ball contains 0, else the midpoint if it is still faithful.
    fn fallback(&self, b: &Ball, prec: u32, w: u32) -> Result<Float, ExprError> {
        let abs_mid = Float::with_val(b.mid.prec(), b.mid.abs_ref());
        if abs_mid <= b.rad {
            // Indistinguishable from 0: accept 0 only if it is also 0 to `prec` absolute bits (e.g.
            // `pi - pi`), not when the ball is merely wide (e.g. `tan(pi/2)` straddling a pole).
            let tiny = Float::with_val(b.rad.prec(), 1) >> prec;
            return if b.rad <= tiny {
                Ok(Float::new(prec))
            } else {
                Err(ExprError::Precision {
                    expr: self.to_string(),
                    target: prec,
                    reached: w,
                })
            };
        }
        let mut tol = Float::with_val(b.rad.prec(), &abs_mid);
        tol >>= prec + 1;
        if b.rad <= tol {
            Ok(b.mid.clone())
        } else {
            Err(ExprError::Precision {
                expr: self.to_string(),
                target: prec,
                reached: w,
            })
        }
    }

    fn refine<T>(
        &self,
        prec: u32,
        mut done: impl FnMut(&Value, u32) -> Option<T>,
    ) -> Result<Refined<T>, ExprError> {
        let cap = (4 * u64::from(prec) + 8192).min(u64::from(MAX_PREC)) as u32;
        let mut w = (prec + 24 + bit_len(u64::from(prec))).min(cap);
        loop {
            match eval_node(&self.root, w) {
                Ok(v) => {
                    if let Some(t) = done(&v, w) {
                        return Ok(Refined::Done(t));
                    }
                    if w >= cap {
                        return Ok(Refined::Capped(to_ball(&v, w), w));
                    }
                }
                Err(Failure::Error(e)) => return Err(e),
                Err(Failure::NeedPrecision) => {
                    if w >= cap {
                        return Err(ExprError::Precision {
                            expr: self.to_string(),
                            target: prec,
                            reached: w,
                        });
                    }
                }
            }
            w = (w + (w / 2).max(32)).min(cap);
        }
    }
}

enum Refined<T> {
    Done(T),
    Capped(Ball, u32),
}

/// Formats sign, digit string (implicit point before the first digit) and exponent: positional notation
/// when the decimal exponent is in −5..digits, otherwise `d.ddd…e±X`.
fn format_decimal(neg: bool, s: &str, exp: Option<i32>, digits: usize) -> String {
    let Some(exp) = exp else {
        return s.to_string();
    };
    let sign = if neg { "-" } else { "" };
    let e = i64::from(exp) - 1; // value = d.ddd × 10^e
    if (-5..digits as i64).contains(&e) {
        if e >= 0 {
            let int_len = (e + 1) as usize;
            let (i, f) = s.split_at(int_len);
            if f.is_empty() {
                format!("{sign}{i}")
            } else {
                format!("{sign}{i}.{f}")
            }
        } else {
            format!("{sign}0.{}{s}", "0".repeat((-e - 1) as usize))
        }
    } else {
        let (first, rest) = s.split_at(1);
        if rest.is_empty() {
            format!("{sign}{first}e{e}")
        } else {
            format!("{sign}{first}.{rest}e{e}")
        }
    }
}

fn to_ball(v: &Value, w: u32) -> Ball {
    match v {
        Value::Exact(q) => {
            let (mid, ord) = Float::with_val_round(w, q, Round::Nearest);
            Ball::rounded(mid, ord, w)
        }
        Value::Approx(b) => b.clone(),
    }
}

fn exact_integer(v: &Value) -> Option<Integer> {
    match v {
        Value::Exact(q) if *q.denom() == 1 => Some(q.numer().clone()),
        _ => None,
    }
}

fn eval_node(node: &Node, w: u32) -> Result<Value, Failure> {
    match node {
        Node::Integer(i) => Ok(Value::Exact(Rational::from(i))),
        Node::Decimal { value, .. } => Ok(Value::Exact(value.clone())),
        Node::Constant(c) => {
            let mid = library::value(c.name, w).ok_or(Failure::NeedPrecision)?;
            Ok(Value::Approx(Ball::faithful(mid, w)))
        }
        Node::Neg(x) => Ok(match eval_node(x, w)? {
            Value::Exact(q) => Value::Exact(-q),
            Value::Approx(b) => Value::Approx(b.neg()),
        }),
        Node::Binary(op, l, r) => {
            let a = eval_node(l, w)?;
            let b = eval_node(r, w)?;
            binary(*op, a, b, w)
        }
        Node::Call(f, args) => {
            let vals = args
                .iter()
                .map(|a| eval_node(a, w))
                .collect::<Result<Vec<_>, _>>()?;
            call(*f, &vals, w)
        }
    }
}

fn binary(op: BinOp, a: Value, b: Value, w: u32) -> Result<Value, Failure> {
    if let (Value::Exact(x), Value::Exact(y)) = (&a, &b) {
        match op {
            BinOp::Add => return Ok(Value::Exact(Rational::from(x + y))),
            BinOp::Sub => return Ok(Value::Exact(Rational::from(x - y))),
            BinOp::Mul => return Ok(Value::Exact(Rational::from(x * y))),
            BinOp::Div => {
                if y.is_zero() {
                    return Err(ExprError::DivisionByZero.into());
                }
                return Ok(Value::Exact(Rational::from(x / y)));
            }
            BinOp::Pow => {
                if let Some(q) = exact_power(x, y, w)? {
                    return Ok(Value::Exact(q));
                }
            }
        }
    }
    let (x, y) = (to_ball(&a, w), to_ball(&b, w));
    let r = match op {
        BinOp::Add => x.add(&y, false, w)?,
        BinOp::Sub => x.add(&y, true, w)?,
        BinOp::Mul => x.mul(&y, w)?,
        BinOp::Div => x.div(&y, w)?,
        BinOp::Pow => {
            if let Some(n) = exact_integer(&b) {
                if x.mid.is_zero() && x.is_exact() && n < 0 {
                    return Err(ExprError::DivisionByZero.into());
                }
                Ball::apply(&[x], w, |p, w| {
                    finite(Float::with_val(w, (&p[0]).pow(&n)), "power")
                })?
            } else {
                Ball::apply(&[x, y], w, |p, w| real_power(&p[0], &p[1], w))?
            }
        }
    };
    Ok(Value::Approx(r))
}

/// x^y for rational x and integer y when the exact result stays reasonably small.
fn exact_power(x: &Rational, y: &Rational, w: u32) -> Result<Option<Rational>, Failure> {
    if *y.denom() != 1 {
        return Ok(None);
    }
    let Some(n) = y.numer().to_i64() else {
        return Ok(None);
    };
    if x.is_zero() {
        return match n.signum() {
            -1 => Err(ExprError::DivisionByZero.into()),
            0 => Ok(Some(Rational::from(1))),
            _ => Ok(Some(Rational::new())),
        };
    }
    let size = u64::from(x.numer().significant_bits() + x.denom().significant_bits());
    let limit = 4 * u64::from(w) + 65_536;
    if n.unsigned_abs().saturating_mul(size) > limit {
        return Ok(None);
    }
    let p = Rational::from(x.pow(n.unsigned_abs() as u32));
    Ok(Some(if n < 0 { p.recip() } else { p }))
}

fn real_power(x: &Float, y: &Float, w: u32) -> Result<Float, BallFailure> {
    if x.is_sign_negative() && !x.is_zero() && !y.is_integer() {
        return Err(BallFailure::Domain(format!(
            "{}^{} (negative base, non-integer exponent) is not real",
            x.to_f64(),
            y.to_f64()
        )));
    }
    if x.is_zero() && y.is_sign_negative() {
        return Err(BallFailure::DivisionByZero);
    }
    finite(Float::with_val(w, x.pow(y)), "power")
}

fn finite(v: Float, what: &str) -> Result<Float, BallFailure> {
    if v.is_nan() {
        Err(BallFailure::Domain(format!("{what} is undefined here")))
    } else if v.is_infinite() {
        Err(BallFailure::Overflow(format!("{what} is out of range")))
    } else {
        Ok(v)
    }
}

fn domain(cond: bool, msg: impl FnOnce() -> String) -> Result<(), BallFailure> {
    if cond {
        Err(BallFailure::Domain(msg()))
    } else {
        Ok(())
    }
}

/// Evaluates an MPFR-backed or series-backed function at floating-point arguments.
fn real_function(f: Func, a: &[Float], w: u32) -> Result<Float, BallFailure> {
    let x = &a[0];
    let xf = || x.to_f64();
    let v = match f {
        Func::Sqrt => {
            domain(x.is_sign_negative() && !x.is_zero(), || {
                format!("sqrt of negative number {}", xf())
            })?;
            Float::with_val(w, x.sqrt_ref())
        }
        Func::Exp => Float::with_val(w, x.exp_ref()),
        Func::Log => {
            domain(*x <= 0, || format!("log of non-positive number {}", xf()))?;
            Float::with_val(w, x.ln_ref())
        }
        Func::Sin => Float::with_val(w, x.sin_ref()),
        Func::Cos => Float::with_val(w, x.cos_ref()),
        Func::Tan => Float::with_val(w, x.tan_ref()),
        Func::Atan => Float::with_val(w, x.atan_ref()),
        Func::Asinh => Float::with_val(w, x.asinh_ref()),
        Func::Acosh => {
            domain(*x < 1, || format!("acosh({}) needs an argument ≥ 1", xf()))?;
            Float::with_val(w, x.acosh_ref())
        }
        Func::Atanh => {
            domain(*x <= -1 || *x >= 1, || {
                format!("atanh({}) needs an argument in (−1, 1)", xf())
            })?;
            Float::with_val(w, x.atanh_ref())
        }
        Func::Sinh => Float::with_val(w, x.sinh_ref()),
        Func::Cosh => Float::with_val(w, x.cosh_ref()),
        Func::Tanh => Float::with_val(w, x.tanh_ref()),
        Func::Gamma => {
            domain(x.is_integer() && *x <= 0, || {
                format!("gamma has a pole at {}", xf())
            })?;
            Float::with_val(w, x.gamma_ref())
        }
        Func::Zeta => {
            domain(*x == 1, || "zeta has a pole at s = 1".to_string())?;
            // Integer s ≥ 2: MPFR's zeta_ui is far faster than the general real-argument zeta.
            match x.to_u32_saturating().filter(|&s| s >= 2 && *x == s) {
                Some(s) => Float::with_val(w, Float::zeta_u(s)),
                None => Float::with_val(w, x.zeta_ref()),
            }
        }
        Func::Agm => {
            let y = &a[1];
            domain(
                x.is_sign_negative() && !x.is_zero() || y.is_sign_negative() && !y.is_zero(),
                || format!("agm({}, {}) needs non-negative arguments", xf(), y.to_f64()),
            )?;
            Float::with_val(w, x.agm_ref(y))
        }
        Func::BesselI => bessel_i(x, &a[1], w)?,
        Func::Hyp1f1 => hyp1f1(x, &a[1], &a[2], w)?,
        Func::Polygamma | Func::Rational => {
            unreachable!("{} is evaluated by `call`", f.name())
        }
    };
    finite(v, f.name())
}

fn call(f: Func, args: &[Value], w: u32) -> Result<Value, Failure> {
    match f {
        Func::Rational => {
            let (Some(p), Some(q)) = (exact_integer(&args[0]), exact_integer(&args[1])) else {
                return Err(
                    ExprError::Domain("Rational(p, q) needs two integer arguments".into()).into(),
                );
            };
            if q == 0 {
                return Err(ExprError::DivisionByZero.into());
            }
            Ok(Value::Exact(Rational::from((p, q))))
        }
        Func::Polygamma => {
            let m = exact_integer(&args[0])
                .and_then(|m| m.to_u32())
                .filter(|&m| m <= 10_000)
                .ok_or_else(|| {
                    ExprError::Domain("polygamma(m, x) needs an integer order 0 ≤ m ≤ 10000".into())
                })?;
            let x = to_ball(&args[1], w);
            Ok(Value::Approx(Ball::apply(&[x], w, |p, w| {
                polygamma(m, &p[0], w)
            })?))
        }
        Func::Zeta if args.len() == 2 => {
            let s = exact_integer(&args[0])
                .and_then(|s| s.to_u32())
                .filter(|&s| (2..=100_000).contains(&s))
                .ok_or_else(|| {
                    ExprError::Domain("zeta(s, a) is implemented for integer 2 ≤ s ≤ 100000".into())
                })?;
            let a = to_ball(&args[1], w);
            Ok(Value::Approx(Ball::apply(&[a], w, |p, w| {
                hurwitz_zeta(s, &p[0], w)
            })?))
        }
        _ => {
            let balls: Vec<Ball> = args.iter().map(|v| to_ball(v, w)).collect();
            Ok(Value::Approx(Ball::apply(&balls, w, |p, w| {
                real_function(f, p, w)
            })?))
        }
    }
}

/// Binding strength used for printing: sums 1, products 2, unary minus 3, powers 4, atoms 5.
fn strength(n: &Node) -> u8 {
    match n {
        Node::Binary(BinOp::Add | BinOp::Sub, ..) => 1,
        Node::Binary(BinOp::Mul | BinOp::Div, ..) => 2,
        Node::Neg(_) => 3,
        Node::Binary(BinOp::Pow, ..) => 4,
        _ => 5,
    }
}

struct Show<'a>(&'a Node);

fn wrap(f: &mut fmt::Formatter<'_>, n: &Node, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({})", Show(n))
    } else {
        write!(f, "{}", Show(n))
    }
}

impl fmt::Display for Show<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Node::Integer(i) => write!(f, "{i}"),
            Node::Decimal { text, .. } => f.write_str(text),
            Node::Constant(c) => f.write_str(c.name),
            Node::Neg(x) => {
                f.write_str("-")?;
                wrap(f, x, strength(x) <= 3)
            }
            Node::Binary(op, l, r) => {
                let (level, sym) = match op {
                    BinOp::Add => (1, " + "),
                    BinOp::Sub => (1, " - "),
                    BinOp::Mul => (2, "*"),
                    BinOp::Div => (2, "/"),
                    BinOp::Pow => (4, "^"),
                };
                let (ls, rs) = (strength(l), strength(r));
                let left_parens = if *op == BinOp::Pow {
                    ls <= 4
                } else {
                    ls < level
                };
                let right_parens = if *op == BinOp::Pow {
                    rs < 4
                } else {
                    rs <= level || rs == 3
                };
                wrap(f, l, left_parens)?;
                f.write_str(sym)?;
                wrap(f, r, right_parens)
            }
            Node::Call(func, args) => {
                write!(f, "{}(", func.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Show(a))?;
                }
                f.write_str(")")
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Show(&self.root))
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Show(self))
    }
}
