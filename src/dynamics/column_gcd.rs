//! gcd(pₙ, qₙ) of a PCF convergent, the content of the column Πₙ·e₂ of
//! Πₙ = A·M(1)···M(n) = [[pₙ₋₁, pₙ], [qₙ₋₁, qₙ]], using what the PCF says about it.
//!
//! Every common divisor of pₙ and qₙ divides the determinant pₙ₋₁qₙ − pₙqₙ₋₁ = det Πₙ =
//! ∏_{k=1}^{n} (−b(k)), so when det Πₙ ≠ 0:
//!
//! * gcd(pₙ, qₙ) = gcd(|det Πₙ|, pₙ, qₙ), a gcd of numbers of the size of the determinant, which is
//!   cheaper when |det Πₙ| is much smaller than qₙ (deg b < deg a), and 1 when |det Πₙ| = 1;
//! * every prime factor of gcd(pₙ, qₙ) divides some b(k), k ≤ n, so when |b(k)| ≤ L for all
//!   k ≤ n the gcd is L-smooth: gcd(pₙ, qₙ) = ∏_{prime r ≤ L} r^{min(v_r(pₙ), v_r(qₙ))}. For small L
//!   (b of degree ≤ 1) the residues of pₙ and qₙ modulo a few words of packed primes find the
//!   primes r, far cheaper than Euclid's algorithm on numbers of thousands of bits.
//!
//! Each route gives the same integer as `gcd(pₙ, qₙ)`, hence bit-identical logarithms.

use rug::ops::PowAssign;
use rug::{Assign, Integer};
use std::sync::OnceLock;

use super::convergents::poly_at;

/// Largest L = max_{k≤n} |b(k)| for which the smooth route is tried (primes ≤ L are tested).
pub(crate) const SMOOTH_BOUND: u64 = 1 << 13;

/// Consecutive primes whose product fits in a `u64`, tested with one division of a big integer.
struct PrimeWord {
    /// ∏ of the primes.
    product: u64,
    /// The primes, increasing.
    primes: Vec<u64>,
}

/// The primes up to [`SMOOTH_BOUND`], packed greedily into words (built once).
fn prime_words() -> &'static [PrimeWord] {
    static WORDS: OnceLock<Vec<PrimeWord>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let n = usize::try_from(SMOOTH_BOUND).expect("small bound");
        let mut composite = vec![false; n + 1];
        let mut words: Vec<PrimeWord> = Vec::new();
        for r in 2..=n {
            if composite[r] {
                continue;
            }
            for m in (r * r..=n).step_by(r) {
                composite[m] = true;
            }
            let r = r as u64;
            match words.last_mut() {
                Some(w) if w.product.checked_mul(r).is_some() => {
                    w.product *= r;
                    w.primes.push(r);
                }
                _ => words.push(PrimeWord {
                    product: r,
                    primes: vec![r],
                }),
            }
        }
        words
    })
}

/// What the PCF tells about gcd(pₙ, qₙ) at one depth n.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnFacts {
    /// max_{1≤k≤n} |b(k)|, or `None` if some b(k) is 0 or does not fit in an `i64`.
    pub b_max: Option<u64>,
    /// An upper bound for the number of bits of |det Πₙ| = ∏_{k≤n} |b(k)|.
    pub det_bits: u64,
}

/// The ways [`column_gcd`] computes gcd(pₙ, qₙ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// Euclid's algorithm on pₙ and qₙ.
    Plain,
    /// Residues modulo the primes r ≤ max |b(k)| and their valuations (no prime: gcd 1).
    Smooth {
        /// max_{k≤n} |b(k)|.
        b_max: u64,
    },
    /// gcd(gcd(|det Πₙ|, pₙ), qₙ).
    Determinant,
}

/// The cheapest route `facts` allows for gcd(p, q) (see the module documentation).
pub(crate) fn route(p: &Integer, q: &Integer, facts: ColumnFacts) -> Route {
    if p.is_zero() || q.is_zero() {
        return Route::Plain;
    }
    let Some(b_max) = facts.b_max else {
        return Route::Plain;
    };
    let bits = u64::from(q.significant_bits().max(p.significant_bits()));
    if b_max <= SMOOTH_BOUND {
        let words = prime_words()
            .iter()
            .take_while(|w| w.primes[0] <= b_max)
            .count() as u64;
        // Two word divisions (p and q) per packed word against Euclid's several hundred
        // cycles per limb plus its quadratic part: smooth wins unless L is large and p, q small.
        if words <= 64 + 2 * (bits / 64 + 1) {
            return Route::Smooth { b_max };
        }
    }
    if facts.det_bits.saturating_mul(2) <= bits {
        return Route::Determinant;
    }
    Route::Plain
}

/// gcd(pₙ, qₙ) for the convergent of depth `n` of a PCF whose b has coefficients `b` (b(k) ≠ 0
/// for k ≤ n when `facts.b_max` is `Some`), by the cheapest route `facts` allows.
pub(crate) fn column_gcd(
    p: &Integer,
    q: &Integer,
    n: usize,
    b: &[i64],
    facts: ColumnFacts,
) -> Integer {
    match route(p, q, facts) {
        Route::Smooth { b_max } => smooth_gcd(p, q, b_max, prime_words()),
        Route::Determinant => match abs_determinant(b, n) {
            // gcd(p, q) divides det: gcd(gcd(|det|, p), q), each step reducing the larger
            // argument modulo the smaller one first.
            Some(det) => Integer::from(det.gcd_ref(p)).gcd(q),
            None => Integer::from(p.gcd_ref(q)),
        },
        Route::Plain => Integer::from(p.gcd_ref(q)),
    }
}

/// ∏_{prime r ≤ b_max} r^{min(v_r(p), v_r(q))} for p, q ≠ 0.
fn smooth_gcd(p: &Integer, q: &Integer, b_max: u64, words: &[PrimeWord]) -> Integer {
    let mut g = Integer::from(1);
    let mut rp = Integer::new();
    let mut rq = Integer::new();
    // Copies of p and q with the common primes found so far removed (made on the first one).
    let mut work: Option<(Integer, Integer)> = None;
    let mut factor = Integer::new();
    for w in words.iter().take_while(|w| w.primes[0] <= b_max) {
        // |p mod ∏r| < 2⁶⁴ (the remainder takes the sign of p).
        rp.assign(p % w.product);
        rp.abs_mut();
        let up = rp.to_u64_wrapping();
        rq.assign(q % w.product);
        rq.abs_mut();
        let uq = rq.to_u64_wrapping();
        for &r in w.primes.iter().take_while(|&&r| r <= b_max) {
            if !up.is_multiple_of(r) || !uq.is_multiple_of(r) {
                continue;
            }
            let (wp, wq) = work.get_or_insert_with(|| (p.clone(), q.clone()));
            factor.assign(r);
            let v = wp
                .remove_factor_mut(&factor)
                .min(wq.remove_factor_mut(&factor));
            factor.pow_assign(v);
            g *= &factor;
        }
    }
    g
}

/// |det Πₙ| = ∏_{k=1}^{n} |b(k)| exactly, or `None` if some b(k) leaves `i64`.
fn abs_determinant(b: &[i64], n: usize) -> Option<Integer> {
    let mut acc = Integer::from(1);
    let mut word: u128 = 1;
    for k in 1..=n {
        let f = u128::from(poly_at(b, i64::try_from(k).ok()?)?.unsigned_abs());
        match word.checked_mul(f) {
            Some(w) if w < (1u128 << 100) => word = w,
            _ => {
                acc *= word;
                word = f;
            }
        }
    }
    acc *= word;
    Some(acc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::convergents::walk_pcf_convergents;

    /// The facts [`column_gcd`] is given at depth n, computed the plain way.
    fn facts(b: &[i64], n: usize) -> ColumnFacts {
        let mut b_max = Some(0u64);
        let mut det = Integer::from(1);
        for k in 1..=n {
            let bk = poly_at(b, k as i64).unwrap();
            det *= bk;
            b_max = b_max.filter(|_| bk != 0).map(|m| m.max(bk.unsigned_abs()));
        }
        ColumnFacts {
            b_max,
            det_bits: u64::from(det.significant_bits()),
        }
    }

    /// Along every depth up to 400, each route gives gcd(pₙ, qₙ) itself, and the PCFs below
    /// take the route they were chosen for at depth 400: b = 1 (|det| = 1), e's (n + 3, n) and
    /// b with high prime powers (smooth), a(n) = 2³⁰n with b = 10007 (determinant), π's
    /// (3n + 1, −2n² + 3n) (plain).
    #[test]
    fn every_route_gives_the_gcd() {
        let cases: [(&[i64], &[i64], &str); 6] = [
            (&[2], &[1], "smooth"),
            (&[3, 1], &[0, 1], "smooth"),
            (&[1, 1, 1], &[0, 0, 48], "plain"),
            (&[1, 2], &[0, 16], "smooth"),
            (&[0, 1 << 30], &[10007], "determinant"),
            (&[1, 3], &[0, 3, -2], "plain"),
        ];
        for (a, b, want) in cases {
            let mut last = Route::Plain;
            walk_pcf_convergents(a, b, 400, |n, p, q| {
                if n == 0 {
                    return;
                }
                let f = facts(b, n);
                last = route(p, q, f);
                assert_eq!(
                    column_gcd(p, q, n, b, f),
                    Integer::from(p.gcd_ref(q)),
                    "a = {a:?}, b = {b:?}, n = {n}, route {last:?}"
                );
            })
            .unwrap();
            let got = match last {
                Route::Plain => "plain",
                Route::Smooth { .. } => "smooth",
                Route::Determinant => "determinant",
            };
            assert_eq!(got, want, "a = {a:?}, b = {b:?}");
        }
    }

    /// The packed words hold every prime up to the bound once, in order, each word's product
    /// being the product of its primes.
    #[test]
    fn prime_words_cover_the_primes_up_to_the_bound() {
        let primes: Vec<u64> = prime_words()
            .iter()
            .flat_map(|w| w.primes.clone())
            .collect();
        let want: Vec<u64> = (2..=SMOOTH_BOUND)
            .filter(|&n| (2..n).take_while(|d| d * d <= n).all(|d| n % d != 0))
            .collect();
        assert_eq!(primes, want);
        for w in prime_words() {
            assert_eq!(w.primes.iter().product::<u64>(), w.product);
        }
    }
}
