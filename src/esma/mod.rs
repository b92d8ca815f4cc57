//! ESMA — Enumerated Signed-continued-fraction Massey Approve (algorithms.md §8).
//!
//! A rational function |P(c)/Q(c)| of a constant c is expanded as a signed continued fraction
//! x = a_0 + s_0/(a_1 + s_1/(a_2 + …)) under a periodic sign pattern ([`signed_cf`]); Berlekamp–Massey
//! looks for a short linear recurrence in (a_0, …, a_{D−1}) ([`crate::sequence`]); survivors are
//! regenerated to 1000 terms from the recurrence and approved at 1000 digits ([`approve`](mod@approve)); the
//! enumeration over LHS and sign periods runs in parallel ([`search`](mod@search)).

pub mod approve;
pub mod lhs;
pub mod search;
pub mod signed_cf;

pub use approve::{
    approve, convergence_rate, significant_digits, verified_digits, Approval, Mode, Verification,
};
pub use lhs::{enumerate_lhs, sign_periods, Lhs, LhsSpace};
pub use search::{
    search, search_with_cancel, EsmaConfig, EsmaConjecture, EsmaError, EsmaProgress, EsmaReport,
};
pub use signed_cf::{
    convergent, evaluate, expand_rational_function, expand_scaled, expand_value, sign_at, CfStop,
    ScaledPowers, SignedCfExpansion,
};
