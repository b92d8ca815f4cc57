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
        let mut r = Integer::from(self % p);
        if r < 0 {
            r += p;
        }
        r.to_u64().unwrap_or(0)
    }
}

fn mul_mod(a: u64, b: u64, p: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(p)) as u64
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
    let mut b = 1u64;
    for n in 0..s.len() {
        let mut d = s[n];
        for i in 1..=l.min(c.len() - 1) {
            d = (d + mul_mod(c[i], s[n - i], p)) % p;
        }
        if d == 0 {
            m += 1;
            continue;
        }
        let coef = mul_mod(d, pow_mod(b, p - 2, p), p);
        let old = c.clone();
        if c.len() < b_poly.len() + m {
            c.resize(b_poly.len() + m, 0);
        }
        for (i, &bi) in b_poly.iter().enumerate() {
            let t = mul_mod(coef, bi, p);
            c[i + m] = (c[i + m] + p - t) % p;
        }
        if 2 * l <= n {
            l = n + 1 - l;
            b_poly = old;
            b = d;
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
        (self.complexity.max(k)..seq.len()).all(|n| {
            let mut acc = Integer::new();
            for (j, &c) in self.connection.iter().enumerate() {
                if c != 0 {
                    acc += Integer::from(&seq[n - j] * c);
                }
            }
            acc == 0
        })
    }

    /// Continues `seed` to `n_terms` terms with a_n = −Σ_{j=1..k} c_j a_{n−j} for n ≥ len(seed).
    /// Returns `None` if the seed is shorter than deg C.
    pub fn extend(&self, seed: &[Integer], n_terms: usize) -> Option<Vec<Integer>> {
        let k = self.degree();
        if seed.len() < k {
            return None;
        }
        let mut out: Vec<Integer> = seed.iter().take(n_terms).cloned().collect();
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
