//! Constants at arbitrary precision (MPFR through `rug::Float`) and a small expression language.
//!
//! * [`library`], [`lookup`], [`value`]: the named constants (π, e, ln 2, ln 3, ζ(2..7), Catalan's G,
//!   Euler's γ, Gauss's constant, the lemniscate constant ϖ, √2, √3, φ, π², e², Γ(1/4), I₁(2)/I₀(2)),
//!   correctly rounded at any precision and cached per (constant, precision) for all threads.
//! * [`Expr`]: parse once, evaluate at any precision with certified (Ziv) rounding. The syntax accepts
//!   apery's own notation and the sympy-style strings of the fixtures:
//!   integers of any size, decimals (`1.5`, `2e-3`), `+ - * /`, unary minus, `^` or `**`, parentheses, the
//!   constants and their aliases (`E`, `pi`, `GoldenRatio`, `catalan`/`Catalan`, `EulerGamma`, …) and the
//!   functions of [`Func`]: `sqrt exp log ln sin cos tan atan asinh acosh atanh sinh cosh tanh gamma zeta
//!   agm besseli hyp1f1 polygamma Rational` (a leading `sp.` is ignored). Names are case-sensitive.
//! * [`evaluate`], [`digits`]: one-shot helpers.

pub(crate) mod ball;
mod bessel;
mod error;
mod expr;
mod func;
mod hypergeometric;
mod library;
mod parser;
mod polygamma;
mod series;

pub use error::ExprError;
pub use expr::{BinOp, Expr, Node};
pub use func::Func;
pub use library::{library, lookup, value, Constant};

use rug::Float;

/// Largest supported precision in bits (2²⁶ ≈ 20 million decimal digits).
pub const MAX_PREC: u32 = 1 << 26;

/// Parses `src` and evaluates it rounded to nearest at `prec_bits` bits (see [`Expr::eval`]).
///
/// # Errors
/// Any parse or evaluation error of [`Expr::parse`] / [`Expr::eval`].
pub fn evaluate(src: &str, prec_bits: u32) -> Result<Float, ExprError> {
    Expr::parse(src)?.eval(prec_bits)
}

/// The value of a constant name or expression printed with `digits` significant decimal digits, correctly
/// rounded to nearest (the working precision is raised until both ends of the error ball give the same
/// digits). Positional notation is used when the decimal exponent lies in −5..digits, otherwise
/// `d.ddd…eX`; an exact zero prints as `0`.
///
/// # Errors
/// Any parse or evaluation error, or [`ExprError::InvalidPrecision`] if `digits` needs more than
/// [`MAX_PREC`] bits.
pub fn digits(name_or_expr: &str, digits: usize) -> Result<String, ExprError> {
    Expr::parse(name_or_expr)?.digits(digits)
}
