//! [`MobiusTable`]: all Möbius transforms (c₀ + c₁K)/(d₀ + d₁K) of a set of target constants K with
//! integer coefficients in [−r, r], as f64, for fast first-pass identification (algorithms.md §6.1,
//! the meet-in-the-middle table of MITM-RF, without its digit-boundary brittleness).
//!
//! **Entries.** For each target and each (c₀, c₁, d₀, d₁) ∈ [−r, r]⁴ with
//! * c₀d₁ − c₁d₀ ≠ 0 (the value is not rational),
//! * gcd(c₀, c₁, d₀, d₁) = 1,
//! * first nonzero of (d₀, d₁) positive (d₀ > 0, or d₀ = 0 and d₁ > 0),
//!
//! the value is stored once; distinct normalised tuples give distinct values for transcendental K. For
//! r = 20 and one target that is 1.3 M entries of 14 bytes. Values are computed in double-double
//! arithmetic from a double-double K, so each stored f64 is the correctly rounded value up to an ulp even
//! when d₀ + d₁K cancels.
//!
//! **Lookup.** Values are kept in one sorted array with a bucket index on the top 22 bits of an
//! order-preserving integer key of the f64 (buckets of relative width 2⁻¹⁰). [`MobiusTable::lookup`]
//! takes the buckets of both ends of the window [x − τ|x|, x + τ|x|] and binary-searches inside
//! them, so *every* entry with |v − x| ≤ τ|x| is returned: the window, not a rounded key, decides,
//! and there are no rounding boundaries. Two exact shortcuts come first: a presence bitmap over cells
//! of relative width 2⁻²⁰ (a window within two empty cells holds no value), and 16-bit fingerprints
//! (the next key bits) that narrow a one-bucket window before the f64 values are read.
//!
//! **Rational filter.** PCF limits are very often rational; an x within τ|x| of a rational p/q with
//! q ≤ `rational_max_den` (default [`DEFAULT_RATIONAL_MAX_DEN`]) yields no candidates (see
//! [`near_rational`]). A genuine Möbius value is filtered by accident with probability about
//! q_max²·τ·|x|, e.g. 3·10⁻⁴ for q_max = 1000, τ = 10⁻¹⁰, |x| ≈ 3.

use crate::identify::relation::Identification;
use rayon::prelude::*;
use rug::{Float, Integer};

/// Default largest denominator of the rational filter.
pub const DEFAULT_RATIONAL_MAX_DEN: u64 = 1000;

/// Largest supported coefficient bound r (coefficients are stored as i8).
pub const MAX_TABLE_COEFF: u32 = 127;

/// Errors building a [`MobiusTable`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MobiusTableError {
    /// r must be in 1..=127.
    #[error("coefficient bound r = {0} is outside 1..=127")]
    BadCoefficientBound(u32),
    /// No targets were given.
    #[error("a Möbius table needs at least one target constant")]
    NoTargets,
    /// Too many targets (at most 65,535).
    #[error("{0} targets, at most 65535 are supported")]
    TooManyTargets(usize),
    /// The table would hold more entries than fit in memory.
    #[error("a table with r = {r} for {targets} target(s) would hold about {entries} entries (more than 400 million): lower the Möbius bound")]
    TooLarge {
        /// Coefficient bound.
        r: u32,
        /// Number of targets.
        targets: usize,
        /// Estimated entries, (2r+1)⁴/2 per target.
        entries: u64,
    },
    /// A target is zero, NaN or infinite.
    #[error("target constant {0} is not a finite nonzero number")]
    BadTarget(String),
}

/// One table entry near a looked-up value: x ≈ (c₀ + c₁K)/(d₀ + d₁K) with K = target `target`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MobiusCandidate {
    /// Index of the target constant in the list the table was built from.
    pub target: usize,
    /// (c₀, c₁, d₀, d₁) in normal form.
    pub coefficients: [i64; 4],
    /// The f64 value (c₀ + c₁K)/(d₀ + d₁K).
    pub value: f64,
}

/// Coefficients and target of one entry (the value lives in a parallel array).
#[derive(Clone, Copy, Debug)]
struct PackedEntry {
    coeffs: [i8; 4],
    target: u16,
}

/// Sorted f64 table of Möbius transforms of target constants (see the module documentation).
#[derive(Clone, Debug)]
pub struct MobiusTable {
    names: Vec<String>,
    r: u32,
    values: Vec<f64>,
    /// The bucket index: [`MobiusTable::bucket_start`]`(k)` = first index of `values` whose order
    /// key (see [`order_key`]) has its top `BUCKET_BITS` bits ≥ k.
    buckets: BucketIndex,
    /// `fingerprints[i]` = the 16 order-key bits of `values[i]` below its bucket bits ([`fingerprint`]):
    /// a quarter of the size of `values`, so the search inside a bucket stays in cache and touches
    /// `values` only where a fingerprint matches.
    fingerprints: Vec<u16>,
    /// Bit `cell(v) mod 2^PRESENCE_BITS` is set for every value v ([`cell`]): a 256 KiB filter that
    /// answers "no value near x" (the answer to nearly every lookup) without touching the arrays.
    presence: Vec<u64>,
    entries: Vec<PackedEntry>,
    rational_max_den: u64,
}

/// Bits of the bucket index: sign, exponent and the top 10 mantissa bits of an f64, i.e. buckets
/// of relative width 2⁻¹⁰.
const BUCKET_BITS: u32 = 22;

/// Bits of a bucket number below its binade (sign and exponent): the top mantissa bits.
const FINE_BITS: u32 = BUCKET_BITS - 12;

/// The first index of each bucket, stored only for the binades (sign and exponent) that hold
/// values: 2^FINE_BITS offsets per occupied binade and one offset per binade, about 0.2 MiB for a
/// table whose values span a few dozen binades instead of 4 · 2^BUCKET_BITS bytes.
#[derive(Clone, Debug)]
struct BucketIndex {
    /// `binade_start[e]` = first index of `values` whose binade is ≥ e (`4097` entries).
    binade_start: Vec<u32>,
    /// `slot[e]` = position of binade e's offsets in `fine` (`u32::MAX`: the binade is empty, all
    /// its buckets start at `binade_start[e]`).
    slot: Vec<u32>,
    /// For occupied binades, the first index of each of their 2^FINE_BITS buckets.
    fine: Vec<u32>,
}

impl BucketIndex {
    /// The index of sorted `values`.
    fn build(values: &[f64]) -> BucketIndex {
        let binades = 1usize << (BUCKET_BITS - FINE_BITS);
        let mut binade_start = Vec::with_capacity(binades + 1);
        let mut slot = vec![u32::MAX; binades + 1];
        let mut fine = Vec::new();
        let mut i = 0usize;
        for (e, slot) in slot.iter_mut().enumerate() {
            while i < values.len() && bucket(values[i]) >> FINE_BITS < e {
                i += 1;
            }
            binade_start.push(i as u32);
            if e < binades && i < values.len() && bucket(values[i]) >> FINE_BITS == e {
                *slot = (fine.len() >> FINE_BITS) as u32;
                for k in e << FINE_BITS..(e + 1) << FINE_BITS {
                    while i < values.len() && bucket(values[i]) < k {
                        i += 1;
                    }
                    fine.push(i as u32);
                }
            }
        }
        BucketIndex {
            binade_start,
            slot,
            fine,
        }
    }

    /// First index of `values` whose bucket is ≥ k, for `k ≤ 2^BUCKET_BITS`.
    #[inline]
    fn start(&self, k: usize) -> usize {
        let e = k >> FINE_BITS;
        match self.slot[e] {
            u32::MAX => self.binade_start[e] as usize,
            s => self.fine[((s as usize) << FINE_BITS) | (k & ((1 << FINE_BITS) - 1))] as usize,
        }
    }
}

/// An order-preserving map of finite f64 to u64: `a < b ⇔ order_key(a) < order_key(b)`.
#[inline]
fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

#[inline]
fn bucket(v: f64) -> usize {
    (order_key(v) >> (64 - BUCKET_BITS)) as usize
}

/// Bits of the presence filter's index (2^21 bits = 256 KiB).
const PRESENCE_BITS: u32 = 21;

/// The cell of v: the top 32 bits of its order key (sign, exponent and 20 mantissa bits, i.e.
/// cells of relative width 2⁻²⁰, much wider than the lookup windows of the search).
#[inline]
fn cell(v: f64) -> u64 {
    order_key(v) >> 32
}

/// The 16 order-key bits after the bucket bits: within one bucket, `a ≤ b ⇒ fingerprint(a) ≤
/// fingerprint(b)`.
#[inline]
fn fingerprint(v: f64) -> u16 {
    (order_key(v) >> (64 - BUCKET_BITS - 16)) as u16
}

impl MobiusTable {
    /// Builds the table of all normalised (c₀ + c₁K)/(d₀ + d₁K), |cᵢ|, |dᵢ| ≤ r, for every target K.
    pub fn build(targets: &[(String, Float)], r: u32) -> Result<Self, MobiusTableError> {
        if r == 0 || r > MAX_TABLE_COEFF {
            return Err(MobiusTableError::BadCoefficientBound(r));
        }
        if targets.is_empty() {
            return Err(MobiusTableError::NoTargets);
        }
        if targets.len() > usize::from(u16::MAX) {
            return Err(MobiusTableError::TooManyTargets(targets.len()));
        }
        let entries = targets.len() as u64 * (2 * r as u64 + 1).pow(4) / 2;
        if entries > 400_000_000 {
            return Err(MobiusTableError::TooLarge {
                r,
                targets: targets.len(),
                entries,
            });
        }
        let ri = r as i32;
        let mut rows: Vec<(f64, PackedEntry)> = Vec::new();
        for (t, (name, k)) in targets.iter().enumerate() {
            if !k.is_finite() || k.is_zero() {
                return Err(MobiusTableError::BadTarget(name.clone()));
            }
            let k_hi = k.to_f64();
            let k_lo = Float::with_val(k.prec().max(128), k - k_hi).to_f64();
            // One d₀ per task (in parallel), concatenated in the order of d₀: the rows, hence the
            // sorted table, are those of the sequential loop.
            let per_d0: Vec<Vec<(f64, PackedEntry)>> = (0..=ri)
                .into_par_iter()
                .map(|d0| {
                    let mut rows = Vec::new();
                    for d1 in -ri..=ri {
                        if d0 == 0 && d1 <= 0 {
                            continue;
                        }
                        let den = dd_linear(d0, d1, k_hi, k_lo);
                        for c0 in -ri..=ri {
                            for c1 in -ri..=ri {
                                if c0 * d1 == c1 * d0 || gcd4(c0, c1, d0, d1) != 1 {
                                    continue;
                                }
                                let num = dd_linear(c0, c1, k_hi, k_lo);
                                let value = dd_div(num, den);
                                if !value.is_finite() {
                                    continue;
                                }
                                rows.push((
                                    value,
                                    PackedEntry {
                                        coeffs: [c0 as i8, c1 as i8, d0 as i8, d1 as i8],
                                        target: t as u16,
                                    },
                                ));
                            }
                        }
                    }
                    rows
                })
                .collect();
            rows.extend(per_d0.into_iter().flatten());
        }
        rows.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let (values, entries): (Vec<f64>, _) = rows.into_iter().unzip();
        let buckets = BucketIndex::build(&values);
        let fingerprints = values.iter().map(|&v| fingerprint(v)).collect();
        let mut presence = vec![0u64; 1 << (PRESENCE_BITS - 6)];
        for &v in &values {
            let bit = cell(v) & ((1 << PRESENCE_BITS) - 1);
            presence[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
        Ok(MobiusTable {
            names: targets.iter().map(|t| t.0.clone()).collect(),
            r,
            values,
            buckets,
            fingerprints,
            presence,
            entries,
            rational_max_den: DEFAULT_RATIONAL_MAX_DEN,
        })
    }

    /// Sets the largest denominator q of the rational filter (0 disables the filter).
    pub fn with_rational_filter(mut self, max_den: u64) -> Self {
        self.rational_max_den = max_den;
        self
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True if the table has no entries.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The coefficient bound r.
    pub fn coefficient_bound(&self) -> u32 {
        self.r
    }

    /// Names of the targets, in build order.
    pub fn target_names(&self) -> &[String] {
        &self.names
    }

    /// Every entry v with |v − x| ≤ `rel_tol`·|x|, in increasing order of v; nothing if x is not
    /// finite, `rel_tol` is negative or NaN, or x is within `rel_tol`·|x| of a rational with
    /// denominator ≤ the rational-filter bound.
    pub fn lookup(&self, x: f64, rel_tol: f64) -> impl Iterator<Item = MobiusCandidate> + '_ {
        // The window is cheaper than the rational test and almost always empty: test it first.
        let mut range = self.window(x, rel_tol);
        if !range.is_empty()
            && self.rational_max_den > 0
            && x.is_finite()
            && near_rational(x, self.rational_max_den, rel_tol).is_some()
        {
            range = 0..0;
        }
        self.candidates(range, x, rel_tol)
    }

    /// As [`Self::lookup`] but without the rational filter.
    pub fn lookup_unfiltered(
        &self,
        x: f64,
        rel_tol: f64,
    ) -> impl Iterator<Item = MobiusCandidate> + '_ {
        self.candidates(self.window(x, rel_tol), x, rel_tol)
    }

    /// Index range of the sorted values that can lie within the tolerance (slightly widened; the
    /// exact test is applied in [`Self::candidates`]).
    fn window(&self, x: f64, rel_tol: f64) -> std::ops::Range<usize> {
        if !x.is_finite() || (rel_tol.is_nan() || rel_tol < 0.0) {
            return 0..0;
        }
        if !self.may_contain(x, rel_tol) {
            return 0..0;
        }
        let (lo, hi) = search_window(x, rel_tol);
        // Every value in [lo, hi] lies in the buckets bucket(lo)..=bucket(hi) (the key is monotone).
        let (b_lo, b_hi) = (bucket(lo), bucket(hi));
        let mut first = self.buckets.start(b_lo);
        let mut last = self.buckets.start(b_hi + 1);
        if b_lo == b_hi {
            // One bucket (the usual case): its values in [lo, hi] have fingerprints in
            // [fingerprint(lo), fingerprint(hi)], so the fingerprints narrow the range first.
            let prints = &self.fingerprints[first..last];
            let (f_lo, f_hi) = (fingerprint(lo), fingerprint(hi));
            let start = prints.partition_point(|&f| f < f_lo);
            let end = start + prints[start..].partition_point(|&f| f <= f_hi);
            last = first + end;
            first += start;
        }
        let slice = &self.values[first..last];
        let start = first + slice.partition_point(|&v| v < lo);
        let end = first + slice.partition_point(|&v| v <= hi);
        start..end
    }

    /// False when no entry lies within `rel_tol`·|x| of x (then [`Self::lookup`] returns nothing);
    /// true when one may. One or two probes of the presence bitmap and no access to the sorted
    /// arrays: a search screens a block of values with it first, so that the probes' cache misses
    /// overlap, and looks up only those that pass.
    #[inline]
    pub fn may_contain(&self, x: f64, rel_tol: f64) -> bool {
        if !x.is_finite() || (rel_tol.is_nan() || rel_tol < 0.0) {
            return false;
        }
        let (lo, hi) = search_window(x, rel_tol);
        // Every value in [lo, hi] has its cell in cell(lo)..=cell(hi) (the key is monotone): when
        // that is at most two cells and neither is marked present, there is none.
        let (c_lo, c_hi) = (cell(lo), cell(hi));
        c_hi - c_lo > 1 || self.present(c_lo) || self.present(c_hi)
    }

    /// True if some value may lie in cell `c` (false: certainly none).
    #[inline]
    fn present(&self, c: u64) -> bool {
        let bit = c & ((1 << PRESENCE_BITS) - 1);
        self.presence[(bit >> 6) as usize] & (1 << (bit & 63)) != 0
    }

    /// Entries of `range` that satisfy |v − x| ≤ rel_tol·|x| exactly.
    fn candidates(
        &self,
        range: std::ops::Range<usize>,
        x: f64,
        rel_tol: f64,
    ) -> impl Iterator<Item = MobiusCandidate> + '_ {
        range
            .filter(move |&i| (self.values[i] - x).abs() <= rel_tol * x.abs())
            .map(move |i| {
                let e = self.entries[i];
                MobiusCandidate {
                    target: usize::from(e.target),
                    coefficients: e.coeffs.map(i64::from),
                    value: self.values[i],
                }
            })
    }

    /// The (unverified, `verified_digits = 0`) identification of a candidate of this table; verify it
    /// with [`Identification::verify`] at high precision before trusting it.
    pub fn identification(&self, candidate: &MobiusCandidate) -> Option<Identification> {
        let name = self.names.get(candidate.target)?.clone();
        let [c0, c1, d0, d1] = candidate.coefficients.map(Integer::from);
        Identification::new(
            vec![name],
            vec![candidate.target],
            vec![c0, c1],
            vec![d0, d1],
        )
        .ok()
    }
}

/// The closed interval [x − τ|x|, x + τ|x|] of a lookup, slightly widened (the exact test is applied
/// to the entries in it).
#[inline]
fn search_window(x: f64, rel_tol: f64) -> (f64, f64) {
    let half = rel_tol * x.abs() * (1.0 + 1e-12) + f64::MIN_POSITIVE;
    (x - half, x + half)
}

/// The rational p/q (q ≤ `max_den`) with |x − p/q| ≤ `rel_tol`·|x|, searched among the continued
/// fraction convergents of x (cheap: a few dozen f64 operations). By Legendre's theorem every such
/// p/q is a convergent when `rel_tol`·|x| < 1/(2q²), so nothing is missed in the intended regime of
/// small tolerances. Returns `None` for non-finite x.
pub fn near_rational(x: f64, max_den: u64, rel_tol: f64) -> Option<(i64, u64)> {
    if !x.is_finite() || (rel_tol.is_nan() || rel_tol < 0.0) {
        return None;
    }
    let tol = rel_tol * x.abs();
    let (mut h_prev, mut h) = (1f64, x.floor());
    let (mut k_prev, mut k) = (0f64, 1f64);
    let mut frac = x - x.floor();
    for _ in 0..64 {
        if k > max_den as f64 {
            return None;
        }
        if (x - h / k).abs() <= tol {
            return Some((h as i64, k as u64));
        }
        if frac == 0.0 {
            return None;
        }
        let inv = 1.0 / frac;
        let a = inv.floor();
        frac = inv - a;
        (h_prev, h) = (h, a * h + h_prev);
        (k_prev, k) = (k, a * k + k_prev);
        if !h.is_finite() || !k.is_finite() {
            return None;
        }
    }
    None
}

/// gcd(|a|, |b|, |c|, |d|).
fn gcd4(a: i32, b: i32, c: i32, d: i32) -> u32 {
    let g = gcd(gcd(a.unsigned_abs(), b.unsigned_abs()), c.unsigned_abs());
    gcd(g, d.unsigned_abs())
}

/// Euclid's gcd.
fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Exact s + e = a + b (Knuth's two-sum).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// Exact p + e = a·b (fused multiply-add).
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// a + b·K in double-double, K = k_hi + k_lo, a and b small integers.
fn dd_linear(a: i32, b: i32, k_hi: f64, k_lo: f64) -> (f64, f64) {
    let (p, pe) = two_prod(f64::from(b), k_hi);
    let (s, se) = two_sum(f64::from(a), p);
    let lo = se + pe + f64::from(b) * k_lo;
    two_sum(s, lo)
}

/// (n_hi + n_lo)/(d_hi + d_lo) rounded to f64.
fn dd_div(n: (f64, f64), d: (f64, f64)) -> f64 {
    let q1 = n.0 / d.0;
    let (p, pe) = two_prod(q1, d.0);
    let r = ((n.0 - p) - pe + n.1) - q1 * d.1;
    q1 + r / d.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The window by binary search over the whole sorted array: what the bucket index, the
    /// fingerprints and the presence filter must reproduce.
    fn window_by_full_search(t: &MobiusTable, x: f64, rel_tol: f64) -> Vec<usize> {
        let half = rel_tol * x.abs() * (1.0 + 1e-12) + f64::MIN_POSITIVE;
        let (lo, hi) = (x - half, x + half);
        let start = t.values.partition_point(|&v| v < lo);
        let end = t.values.partition_point(|&v| v <= hi);
        (start..end).collect()
    }

    fn pi_and_e_table() -> &'static MobiusTable {
        static TABLE: std::sync::OnceLock<MobiusTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let targets = [
                (
                    "pi".to_string(),
                    Float::with_val(128, rug::float::Constant::Pi),
                ),
                ("e".to_string(), Float::with_val(128, 1).exp()),
            ];
            MobiusTable::build(&targets, 6).unwrap()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Narrow windows (the search's 1e-12 … 1e-8) at table values, next to them and anywhere.
        #[test]
        fn window_equals_a_search_of_the_whole_table(
            i in 0usize..1_000_000,
            offset in -20.0f64..20.0,
            anywhere in -50.0f64..50.0,
            tol_exp in -12.0f64..-7.0,
            which in 0usize..3,
        ) {
            let t = pi_and_e_table();
            let rel_tol = 10f64.powf(tol_exp);
            let v = t.values[i % t.values.len()];
            let x = match which {
                0 => v,
                1 => v * (1.0 + offset * rel_tol),
                _ => anywhere,
            };
            let got: Vec<usize> = t.window(x, rel_tol).collect();
            prop_assert_eq!(got, window_by_full_search(t, x, rel_tol));
        }
    }

    #[test]
    fn rational_filter_finds_convergents() {
        assert_eq!(near_rational(0.5, 10, 1e-12), Some((1, 2)));
        assert_eq!(near_rational(-7.0 / 3.0, 10, 1e-12), Some((-7, 3)));
        assert_eq!(near_rational(355.0 / 113.0, 1000, 1e-14), Some((355, 113)));
        assert_eq!(near_rational(std::f64::consts::PI, 100, 1e-12), None);
    }

    #[test]
    fn double_double_value_is_correctly_rounded() {
        // (22 − 7π) cancels heavily; compare with MPFR.
        let pi = Float::with_val(200, rug::float::Constant::Pi);
        let (hi, lo) = (
            pi.to_f64(),
            Float::with_val(200, &pi - pi.to_f64()).to_f64(),
        );
        let v = dd_div(dd_linear(1, 0, hi, lo), dd_linear(22, -7, hi, lo));
        let exact = (Float::with_val(200, 22) - Float::with_val(200, &pi * 7u32)).recip();
        assert_eq!(v, exact.to_f64());
    }
}
