//! Berlekamp–Massey over F_p and the exact integer recurrence built on it (algorithms.md §12).

use super::SequenceError;
use rug::Integer;
use std::fmt;

/// The Mersenne prime 2^61 − 1, the default modulus of [`find_recurrence`].
pub const MERSENNE_61: u64 = (1 << 61) - 1;

/// A value that can be reduced into F_p: returns the representative of `self mod p` in [0, p).
pub trait ModResidue {
    /// `self mod p` in [0, p) (p ≥ 1).
    fn residue(&self, p: u64) -> u64;
}

impl ModResidue for i64 {
    fn residue(&self, p: u64) -> u64 {
        (i128::from(*self).rem_euclid(i128::from(p))) as u64
    }
}

impl ModResidue for Integer {
    fn residue(&self, p: u64) -> u64 {
        if let Some(x) = self.to_i64() {
            return x.residue(p);
        }
        let mut r = Integer::from(self % p);
        if r < 0 {
            r += p;
        }
        r.to_u64().unwrap_or(0)
    }
}

/// a·b mod p for a, b < p. For p = 2^61 − 1 the 122-bit product is folded with shifts
/// (2^61 ≡ 1), which avoids a 128-bit division.
fn mul_mod(a: u64, b: u64, p: u64) -> u64 {
    let t = u128::from(a) * u128::from(b);
    if p == MERSENNE_61 {
        let folded = (t as u64 & MERSENNE_61) + (t >> 61) as u64;
        let r = (folded & MERSENNE_61) + (folded >> 61);
        if r >= MERSENNE_61 {
            r - MERSENNE_61
        } else {
            r
        }
    } else {
        (t % u128::from(p)) as u64
    }
}

fn pow_mod(mut a: u64, mut e: u64, p: u64) -> u64 {
    let mut r = 1 % p;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, a, p);
        }
        a = mul_mod(a, a, p);
        e >>= 1;
    }
    r
}

/// Checks that `p` is a prime usable by [`berlekamp_massey`] (2 ≤ p < 2^63).
fn check_prime(p: u64) -> Result<(), SequenceError> {
    if !(2..(1 << 63)).contains(&p)
        || Integer::from(p).is_probably_prime(30) == rug::integer::IsPrime::No
    {
        return Err(SequenceError::NotPrime(p));
    }
    Ok(())
}

/// Berlekamp–Massey over F_p (algorithms.md §12.1).
///
/// Returns the connection polynomial C(z) = 1 + c_1 z + … + c_k z^k as its coefficient vector
/// `[1, c_1, …, c_k]` — each c_j lifted to the symmetric range (−p/2, p/2], trailing zeros stripped —
/// and the linear complexity L, such that Σ_{j=0..k} c_j s_{n−j} ≡ 0 (mod p) for L ≤ n < len(seq);
/// deg C ≤ L, strictly less when the sequence has a preamble of length L − deg C.
///
/// Errors: [`SequenceError::NotPrime`] unless p is a prime below 2^63.
pub fn berlekamp_massey<T: ModResidue>(
    seq: &[T],
    prime: u64,
) -> Result<(Vec<i64>, usize), SequenceError> {
    check_prime(prime)?;
    let p = prime;
    let s: Vec<u64> = seq.iter().map(|x| x.residue(p)).collect();
    let mut c: Vec<u64> = vec![1];
    let mut b_poly: Vec<u64> = vec![1];
    let mut l = 0usize;
    let mut m = 1usize;
    let mut b_inv = 1u64; // 1/b for the last non-zero discrepancy b (1 at the start)
    let add = |x: u64, y: u64| -> u64 {
        // x, y < p < 2^63
        let t = x + y;
        if t >= p {
            t - p
        } else {
            t
        }
    };
    for n in 0..s.len() {
        let mut d = s[n];
        for i in 1..=l.min(c.len() - 1) {
            d = add(d, mul_mod(c[i], s[n - i], p));
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let coef = mul_mod(d, b_inv, p);
        let old = (2 * l <= n).then(|| c.clone());
        if c.len() < b_poly.len() + m {
            c.resize(b_poly.len() + m, 0);
        }
        for (i, &bi) in b_poly.iter().enumerate() {
            let t = mul_mod(coef, bi, p);
            c[i + m] = add(c[i + m], p - t);
        }
        if let Some(old) = old {
            l = n + 1 - l;
            b_poly = old;
            b_inv = pow_mod(d, p - 2, p);
            m = 1;
        } else {
            m += 1;
        }
    }
    while c.len() > 1 && *c.last().unwrap_or(&1) == 0 {
        c.pop();
    }
    let half = p / 2;
    let lifted = c
        .iter()
        .map(|&x| {
            if x > half {
                -((p - x) as i64)
            } else {
                x as i64
            }
        })
        .collect();
    Ok((lifted, l))
}

/// A linear recurrence with constant integer coefficients found by Berlekamp–Massey:
/// Σ_{j=0..k} c_j a_{n−j} = 0 for every n ≥ L, with c_0 = 1 and `connection = [1, c_1, …, c_k]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// C(z) = 1 + c_1 z + … + c_k z^k, coefficients lowest degree first.
    pub connection: Vec<i64>,
    /// Linear complexity L: the recurrence holds from n = L on (L ≥ deg C).
    pub complexity: usize,
}

impl Recurrence {
    /// deg C = k.
    pub fn degree(&self) -> usize {
        self.connection.len() - 1
    }

    /// Length of the preamble, L − deg C: the first terms that do not take part in the recurrence.
    pub fn preamble_len(&self) -> usize {
        self.complexity.saturating_sub(self.degree())
    }

    /// True iff Σ_j c_j a_{n−j} = 0 holds exactly over Z for every L ≤ n < len(seq).
    pub fn holds_on(&self, seq: &[Integer]) -> bool {
        let k = self.degree();
        let from = self.complexity.max(k);
        if from >= seq.len() {
            return true;
        }
        // Machine integers when every term fits in 64 bits: the sum of at most len(C) products
        // of two 64-bit numbers is summed in 128 bits with overflow checks.
        if let Some(small) = seq
            .iter()
            .map(Integer::to_i64)
            .collect::<Option<Vec<i64>>>()
        {
            let exact = (from..small.len()).try_fold(true, |ok, n| {
                let mut acc = 0i128;
                for (j, &c) in self.connection.iter().enumerate() {
                    acc = acc.checked_add(i128::from(c) * i128::from(small[n - j]))?;
                }
                Some(ok && acc == 0)
            });
            if let Some(exact) = exact {
                return exact;
            }
        }
        (from..seq.len()).all(|n| {
            let mut acc = Integer::new();
            for (j, &c) in self.connection.iter().enumerate() {
                if c != 0 {
                    acc += Integer::from(&seq[n - j] * c);
                }
            }
            acc == 0
        })
    }

    /// [`Recurrence::extend`] in machine integers: `Some` only if the seed and all `n_terms` terms
    /// fit in 64 bits (the sums are checked in 128 bits).
    pub fn extend_i64(&self, seed: &[Integer], n_terms: usize) -> Option<Vec<i64>> {
        if seed.len() < self.degree() {
            return None;
        }
        let seed = seed
            .iter()
            .take(n_terms)
            .map(Integer::to_i64)
            .collect::<Option<Vec<i64>>>()?;
        let out = self.extend_machine(seed, n_terms);
        (out.len() == n_terms).then_some(out)
    }

    /// Continues `small` (at least deg C terms) towards `n_terms` terms while they fit in 64 bits.
    fn extend_machine(&self, mut small: Vec<i64>, n_terms: usize) -> Vec<i64> {
        let k = self.degree();
        small.reserve(n_terms.saturating_sub(small.len()));
        'terms: while small.len() < n_terms {
            let n = small.len();
            let mut acc = 0i128;
            for j in 1..=k {
                let t = i128::from(self.connection[j]) * i128::from(small[n - j]);
                match acc.checked_sub(t) {
                    Some(v) => acc = v,
                    None => break 'terms,
                }
            }
            match i64::try_from(acc) {
                Ok(v) => small.push(v),
                Err(_) => break,
            }
        }
        small
    }

    /// Continues `seed` to `n_terms` terms with a_n = −Σ_{j=1..k} c_j a_{n−j} for n ≥ len(seed).
    /// Returns `None` if the seed is shorter than deg C.
    pub fn extend(&self, seed: &[Integer], n_terms: usize) -> Option<Vec<Integer>> {
        let k = self.degree();
        if seed.len() < k {
            return None;
        }
        let mut out: Vec<Integer> = seed.iter().take(n_terms).cloned().collect();
        out.reserve(n_terms.saturating_sub(out.len()));
        // Machine integers while the terms fit in 64 bits (checked); big integers from there on.
        let small = match out
            .iter()
            .map(Integer::to_i64)
            .collect::<Option<Vec<i64>>>()
        {
            Some(seed) => self.extend_machine(seed, n_terms),
            None => Vec::new(),
        };
        out.extend(small.iter().skip(out.len()).map(|&x| Integer::from(x)));
        while out.len() < n_terms {
            let n = out.len();
            let mut acc = Integer::new();
            for j in 1..=k {
                let c = self.connection[j];
                if c != 0 {
                    acc -= Integer::from(&out[n - j] * c);
                }
            }
            out.push(acc);
        }
        Some(out)
    }
}

impl fmt::Display for Recurrence {
    /// `a(n) = 2a(n-3) - a(n-6) for n >= 7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        for (j, &c) in self.connection.iter().enumerate().skip(1) {
            let c = -c;
            if c == 0 {
                continue;
            }
            let sign = if c < 0 { "-" } else { "+" };
            if s.is_empty() {
                if c < 0 {
                    s.push('-');
                }
            } else {
                s.push_str(&format!(" {sign} "));
            }
            if c.abs() != 1 {
                s.push_str(&c.abs().to_string());
            }
            s.push_str(&format!("a(n-{j})"));
        }
        if s.is_empty() {
            s.push('0');
        }
        write!(f, "a(n) = {s} for n >= {}", self.complexity)
    }
}

/// [`find_recurrence_mod`] with the default prime 2^61 − 1.
pub fn find_recurrence(seq: &[Integer]) -> Option<Recurrence> {
    find_recurrence_mod(seq, MERSENNE_61).ok().flatten()
}

/// The shortest integer linear recurrence of `seq`, if the data determine it.
///
/// Runs [`berlekamp_massey`] modulo `prime`, lifts C symmetrically and accepts the result only if
/// (i) 2L + 2 ≤ len(seq) — the minimal recurrence is unique once 2L ≤ len(seq), and two further terms
/// confirm it — and (ii) the lifted recurrence holds exactly over Z on every term n ≥ L.
/// Returns `Ok(None)` when no such recurrence exists; errors only on a bad modulus.
pub fn find_recurrence_mod(
    seq: &[Integer],
    prime: u64,
) -> Result<Option<Recurrence>, SequenceError> {
    let (connection, complexity) = berlekamp_massey(seq, prime)?;
    if 2 * complexity + 2 > seq.len() {
        return Ok(None);
    }
    let rec = Recurrence {
        connection,
        complexity,
    };
    Ok(rec.holds_on(seq).then_some(rec))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// The shift-and-add reduction modulo 2^61 − 1 is the remainder of the 128-bit product.
        #[test]
        fn mersenne_multiplication_is_the_remainder_of_the_product(
            a in 0..MERSENNE_61,
            b in 0..MERSENNE_61,
        ) {
            let want = ((u128::from(a) * u128::from(b)) % u128::from(MERSENNE_61)) as u64;
            prop_assert_eq!(mul_mod(a, b, MERSENNE_61), want);
        }

        /// Machine-integer continuation equals the big-integer one term by term, and stops (None)
        /// exactly when a term leaves 64 bits.
        #[test]
        fn machine_continuation_equals_big_integer_continuation(
            connection in proptest::collection::vec(-40i64..=40, 1..=4),
            seed in proptest::collection::vec(-1000i64..=1000, 4),
            n_terms in 4usize..80,
        ) {
            let mut connection = connection;
            connection.insert(0, 1);
            let rec = Recurrence { complexity: connection.len() - 1, connection };
            // A seed of exactly deg C terms: the recurrence then holds from n = deg C on.
            let seed: Vec<Integer> = seed[..rec.degree()].iter().map(|&x| Integer::from(x)).collect();
            let big = rec.extend(&seed, n_terms).unwrap();
            let fits = big.iter().all(|x| x.to_i64().is_some());
            match rec.extend_i64(&seed, n_terms) {
                Some(small) => {
                    prop_assert!(fits);
                    let small: Vec<Integer> = small.into_iter().map(Integer::from).collect();
                    prop_assert_eq!(small, big.clone());
                }
                None => prop_assert!(!fits),
            }
            // The exact re-check agrees with the definition on the continued terms and on a
            // perturbed copy.
            prop_assert!(rec.holds_on(&big));
            let mut bad = big.clone();
            let last = bad.len() - 1;
            bad[last] += 1;
            let by_definition = (rec.complexity.max(rec.degree())..bad.len()).all(|n| {
                let mut acc = Integer::new();
                for (j, &c) in rec.connection.iter().enumerate() {
                    acc += Integer::from(&bad[n - j] * c);
                }
                acc == 0
            });
            prop_assert_eq!(rec.holds_on(&bad), by_definition);
        }
    }

    #[test]
    fn berlekamp_massey_with_the_large_prime_finds_fibonacci_and_a_square_pattern() {
        // F(n) = F(n−1) + F(n−2): C(z) = 1 − z − z², L = 2
        let mut fib = vec![0i64, 1];
        for n in 2..60 {
            fib.push(fib[n - 1] + fib[n - 2]);
        }
        assert_eq!(
            berlekamp_massey(&fib, MERSENNE_61).unwrap(),
            (vec![1, -1, -1], 2)
        );
        // n²: (1 − z)³, L = 3
        let squares: Vec<i64> = (0..40).map(|n| n * n).collect();
        assert_eq!(
            berlekamp_massey(&squares, MERSENNE_61).unwrap(),
            (vec![1, -3, 3, -1], 3)
        );
    }
}
