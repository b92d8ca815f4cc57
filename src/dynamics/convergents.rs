//! Exact PCF convergents p_n/q_n with big integers (the module's private recurrence routine).
//!
//! value = a(0) + b(1)/(a(1) + b(2)/(a(2) + …)); p₋₁ = 1, p₀ = a(0), q₋₁ = 0, q₀ = 1,
//! pₙ = a(n)·pₙ₋₁ + b(n)·pₙ₋₂ and the same for qₙ (algorithms.md §1.1).

use rug::Integer;

use super::delta::DeltaError;

/// Evaluates the integer polynomial `c[0] + c[1]·n + …` (lowest degree first) at `n`, or `None`
/// when the value does not fit in an `i64`.
pub(crate) fn poly_at(coeffs: &[i64], n: i64) -> Option<i64> {
    coeffs
        .iter()
        .rev()
        .try_fold(0i64, |acc, &c| acc.checked_mul(n)?.checked_add(c))
}

/// Evaluates the integer polynomial `c[0] + c[1]·n + …` exactly at `n`.
pub(crate) fn poly_at_big(coeffs: &[i64], n: &Integer) -> Integer {
    let mut acc = Integer::new();
    for &c in coeffs.iter().rev() {
        acc *= n;
        acc += c;
    }
    acc
}

/// Walks the exact PCF convergents: calls `visit(n, &p_n, &q_n)` for n = 0, 1, …, `depth`
/// (p₋₁ = 1, q₋₁ = 0 are implicit), with pₙ = a(n)pₙ₋₁ + b(n)pₙ₋₂, qₙ = a(n)qₙ₋₁ + b(n)qₙ₋₂.
///
/// This is the single place where the module runs the PCF recurrence; it updates p and q in place
/// (one `mpz_mul_si` and one `mpz_addmul_si` per sequence and step while a(n), b(n) fit in an
/// `i64`, big-integer coefficients otherwise) and never reduces by gcds.
/// Fails with [`DeltaError::CoefficientOverflow`] only if n itself does not fit in an `i64`.
pub(crate) fn walk_pcf_convergents(
    a: &[i64],
    b: &[i64],
    depth: usize,
    mut visit: impl FnMut(usize, &Integer, &Integer),
) -> Result<(), DeltaError> {
    let a0 = poly_at_big(a, &Integer::new());
    // (prev, cur) = (p_{n-1}, p_n), likewise for q.
    let mut p_prev = Integer::from(1);
    let mut p_cur = a0;
    let mut q_prev = Integer::new();
    let mut q_cur = Integer::from(1);
    visit(0, &p_cur, &q_cur);
    for n in 1..=depth {
        let ni = i64::try_from(n).map_err(|_| DeltaError::CoefficientOverflow { n })?;
        // p_{n-2} becomes p_n = b(n) p_{n-2} + a(n) p_{n-1}.
        if let (Some(an), Some(bn)) = (poly_at(a, ni), poly_at(b, ni)) {
            p_prev *= bn;
            p_prev += &p_cur * an;
            q_prev *= bn;
            q_prev += &q_cur * an;
        } else {
            let nb = Integer::from(ni);
            let (an, bn) = (poly_at_big(a, &nb), poly_at_big(b, &nb));
            p_prev *= &bn;
            p_prev += &p_cur * &an;
            q_prev *= &bn;
            q_prev += &q_cur * &an;
        }
        std::mem::swap(&mut p_prev, &mut p_cur);
        std::mem::swap(&mut q_prev, &mut q_cur);
        visit(n, &p_cur, &q_cur);
    }
    Ok(())
}

/// Returns the depth-`n` convergent (p_n, q_n) exactly.
pub(crate) fn pcf_convergent(
    a: &[i64],
    b: &[i64],
    n: usize,
) -> Result<(Integer, Integer), DeltaError> {
    let mut out = (Integer::new(), Integer::new());
    walk_pcf_convergents(a, b, n, |k, p, q| {
        if k == n {
            out = (p.clone(), q.clone());
        }
    })?;
    Ok(out)
}
