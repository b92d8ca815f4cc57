//! Pattern detection in integer sequences.
//!
//! * [`berlekamp_massey`](mod@berlekamp_massey) — the shortest linear recurrence (connection polynomial `C` and linear
//!   complexity `L`) of a sequence over the prime field F_p (algorithms.md §12.1);
//! * [`find_recurrence`] — the same over Z: BM modulo the Mersenne prime 2^61 − 1, symmetric lift and an
//!   exact integer re-check on every term (§12.2);
//! * [`closed_form`](mod@closed_form) — when every root of `C` is a root of unity, the sequence is an interlacing of
//!   polynomial channels a_{Nm+j} = P_j(m) after a finite preamble (§8.3); the channels are found by
//!   exact rational interpolation.

pub mod berlekamp_massey;
pub mod closed_form;

pub use berlekamp_massey::{
    berlekamp_massey, find_recurrence, find_recurrence_mod, ModResidue, Recurrence, MERSENNE_61,
};
pub use closed_form::{
    closed_form, closed_form_from_recurrence, cyclotomic_factorization, ChannelPolynomial,
    InterlacedClosedForm,
};

use thiserror::Error;

/// Errors of the sequence tools.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SequenceError {
    /// The modulus given to Berlekamp–Massey is not a prime in [2, 2^63).
    #[error("Berlekamp-Massey needs a prime modulus in [2, 2^63); {0} is not one")]
    NotPrime(u64),
}
