//! Identification of a numeric limit x with known constants (algorithms.md §6).
//!
//! * [`pslq`](mod@pslq) — PSLQ integer-relation detection with MPFR floats.
//! * [`gate`] — the relation-quality gate: digits explained ≥ 2 × digits needed to write the relation.
//! * [`relation`] — [`Identification`], the normal form x = (c₀ + Σ cᵢKᵢ)/(d₀ + Σ dᵢKᵢ), printing and
//!   re-verification.
//! * [`mobius`] — [`identify_mobius`] (PSLQ on [1, K, x, xK] per target) and [`identify_relation`]
//!   (PSLQ on [1, K₁..K_k, x, xK₁..xK_k]).
//! * [`quadratic`] — one canonical form of a Möbius relation with a quadratic irrational (√2, φ, …),
//!   whose forms are not unique.
//! * [`rational`](mod@rational) — [`identify_rational`]: a limit that is a rational of small
//!   height, from its continued fraction, under the same gate.
//! * [`mobius_table`] — [`MobiusTable`], an f64 table of all Möbius transforms with small coefficients
//!   for fast first-pass lookups, with a filter for values near simple rationals.

pub mod gate;
pub mod mobius;
pub mod mobius_table;
pub mod pslq;
pub mod quadratic;
pub mod rational;
pub mod relation;

pub use mobius::{identify_mobius, identify_relation, IdentifyError};
pub use mobius_table::{near_rational, MobiusCandidate, MobiusTable, MobiusTableError};
pub use pslq::{pslq, PslqConfig, PslqError, PslqOutcome, PslqStop};
pub use rational::identify_rational;
pub use relation::{Identification, RelationError};
