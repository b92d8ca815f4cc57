//! Typed errors of the constant library and the expression language.

use thiserror::Error;

/// Everything that can go wrong while parsing or evaluating a constant expression.
///
/// Columns are 1-based character positions in the source text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ExprError {
    /// The text does not follow the grammar; `expected` says what the parser wanted.
    #[error("expected {expected} at column {column} in '{input}', found {found}")]
    Syntax {
        /// What the parser expected, e.g. `')'` or `a number, a name or '('`.
        expected: String,
        /// What it found instead, e.g. `end of input`.
        found: String,
        /// 1-based character column of the offending token.
        column: usize,
        /// The whole source text.
        input: String,
    },
    /// A name that is neither a known constant nor a known function (free variables are not allowed).
    #[error("unknown name '{name}' at column {column} in '{input}' (free variables are not allowed); {hint}")]
    UnknownName {
        /// The unknown identifier.
        name: String,
        /// 1-based character column of the identifier.
        column: usize,
        /// The whole source text.
        input: String,
        /// "did you mean …" with close matches, or the list of known names.
        hint: String,
    },
    /// A function called with the wrong number of arguments, or a constant/function used in the wrong role.
    #[error("{message} at column {column} in '{input}'")]
    Usage {
        /// What is wrong, e.g. `'besseli' takes 2 arguments, got 1`.
        message: String,
        /// 1-based character column of the name.
        column: usize,
        /// The whole source text.
        input: String,
    },
    /// A mathematical domain error, e.g. `log` of a negative number or a pole of `gamma`.
    #[error("domain error: {0}")]
    Domain(String),
    /// Division by an exact zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A result or intermediate value too large (or small) for MPFR's exponent range.
    #[error("overflow: {0}")]
    Overflow(String),
    /// The requested precision is outside the supported range.
    #[error("precision of {0} bits is outside the supported range 1..={max}", max = crate::constants::MAX_PREC)]
    InvalidPrecision(u64),
    /// The value could not be certified to the requested accuracy within the working-precision cap.
    #[error(
        "could not certify {target} bits of '{expr}' (working precision reached {reached} bits)"
    )]
    Precision {
        /// Canonical form of the expression.
        expr: String,
        /// Requested precision in bits.
        target: u32,
        /// Largest working precision tried.
        reached: u32,
    },
}
