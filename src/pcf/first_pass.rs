//! The first pass: a PCF evaluated to a fixed small depth in double precision.
//!
//! `p_n = a(n)p_{n−1} + b(n)p_{n−2}` and the same for `q`, with the pair rescaled whenever it
//! grows past 10^150 (multiplied by 10^−150) so that nothing overflows. The values `a(n)`, `b(n)` come from tables
//! `Σ cᵢ·nⁱ` built once per polynomial, so the enumeration of a space with `k` choices of `a` and
//! `m` choices of `b` evaluates each polynomial once, not `k·m` times. Its only job is to screen:
//! anything it flags is recomputed exactly.

/// What the first pass says about one PCF.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Screen {
    /// `a(n) = 0` or `b(n) = 0` for some `1 ≤ n ≤ depth`: skipped by the standard filter.
    Vanishing,
    /// `q_N` is zero or the value is not finite.
    Undefined,
    /// The value `x = p_N/q_N` and the estimated error `|x_N − x_{N−1}|`.
    Value {
        /// `p_N/q_N`.
        x: f64,
        /// `|p_N/q_N − p_{N−1}/q_{N−1}|`.
        err: f64,
    },
}

/// Number of PCFs [`FirstPass::run_lanes`] screens together: their recurrences are independent, so
/// they fill the vector lanes and overlap their dependency chains (16 = two AVX-512 vectors, four
/// AVX2 vectors or eight SSE2 vectors in flight).
pub const LANES: usize = 16;

/// An implementation of [`FirstPass::run_lanes`]. Every kernel performs, lane by lane, exactly the
/// operations of [`FirstPass::run`] in the same order (no fused multiply–add, rescaling of a lane by
/// a multiplication by 10^−150 or by 1), so all kernels return bit-identical screens: which one ran
/// never changes a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// 512-bit vectors (x86-64 with AVX-512F).
    Avx512,
    /// 256-bit vectors (x86-64 with AVX2).
    Avx2,
    /// Whatever the build target offers (SSE2 on baseline x86-64).
    Portable,
}

impl Kernel {
    /// The fastest kernel this CPU supports.
    pub fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                return Kernel::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
        }
        Kernel::Portable
    }

    /// Every kernel this CPU supports, fastest first.
    pub fn available() -> Vec<Kernel> {
        let mut out = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f") {
                out.push(Kernel::Avx512);
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                out.push(Kernel::Avx2);
            }
        }
        out.push(Kernel::Portable);
        out
    }
}

/// Precomputed powers `nⁱ` for the evaluation tables.
#[derive(Clone, Debug)]
pub struct FirstPass {
    depth: usize,
    powers: Vec<Vec<f64>>,
    kernel: Kernel,
}

impl FirstPass {
    /// A first pass to `depth` terms for polynomials of degree ≤ `max_degree`.
    pub fn new(depth: usize, max_degree: usize) -> FirstPass {
        let powers = (0..=max_degree)
            .map(|k| (0..=depth).map(|n| (n as f64).powi(k as i32)).collect())
            .collect();
        FirstPass {
            depth,
            powers,
            kernel: Kernel::detect(),
        }
    }

    /// The kernel [`FirstPass::run_lanes`] uses (the fastest the CPU supports).
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }

    /// The depth `N`.
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The largest polynomial degree the tables support.
    pub fn max_degree(&self) -> usize {
        self.powers.len() - 1
    }

    /// Fills `out[n] = Σ cᵢ·nⁱ` for `n = 0..=depth` (coefficients lowest degree first).
    pub fn table(&self, coeffs: &[i64], out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.depth + 1, 0.0);
        for (k, &c) in coeffs.iter().enumerate() {
            if c != 0 {
                let c = c as f64;
                for (o, p) in out.iter_mut().zip(&self.powers[k]) {
                    *o += c * p;
                }
            }
        }
    }

    /// Whether a table has a zero at some `1 ≤ n ≤ depth`.
    pub fn vanishes(table: &[f64]) -> bool {
        table[1..].contains(&0.0)
    }

    /// Runs the recurrence on tables of `a(n)` and `b(n)`.
    #[inline]
    pub fn run(&self, a: &[f64], b: &[f64]) -> Screen {
        const BIG: f64 = 1e150;
        const SCALE: f64 = 1e-150;
        let (mut p1, mut p2) = (a[0], 1.0);
        let (mut q1, mut q2) = (1.0, 0.0);
        for n in 1..self.depth {
            let (an, bn) = (a[n], b[n]);
            let p = an * p1 + bn * p2;
            let q = an * q1 + bn * q2;
            p2 = p1;
            q2 = q1;
            p1 = p;
            q1 = q;
            if q1.abs() > BIG || p1.abs() > BIG {
                p1 *= SCALE;
                p2 *= SCALE;
                q1 *= SCALE;
                q2 *= SCALE;
            }
        }
        finish(a[self.depth], b[self.depth], p1, p2, q1, q2)
    }

    /// [`FirstPass::run`] on [`LANES`] PCFs sharing `a`: `b` holds their tables interleaved,
    /// `b[n·LANES + i]` = b_i(n) for `n = 0..=depth`. `out[i]` is exactly `self.run(a, b_i)`
    /// (never [`Screen::Vanishing`]; the caller filters).
    pub fn run_lanes(&self, a: &[f64], b: &[f64], out: &mut [Screen; LANES]) {
        self.run_lanes_with(self.kernel, a, b, false, out)
    }

    /// [`FirstPass::run_lanes`], without the rescaling test when `rescale_free` (the answer of
    /// [`FirstPass::never_rescales`] for `a` and bounds of these `b`'s): then no lane can reach the
    /// threshold, the test would never fire, and the result is the same.
    pub fn run_lanes_bounded(
        &self,
        a: &[f64],
        b: &[f64],
        rescale_free: bool,
        out: &mut [Screen; LANES],
    ) {
        self.run_lanes_with(self.kernel, a, b, rescale_free, out)
    }

    /// [`FirstPass::run_lanes_bounded`] with a given kernel; an unsupported one falls back to
    /// [`Kernel::Portable`].
    pub fn run_lanes_with(
        &self,
        kernel: Kernel,
        a: &[f64],
        b: &[f64],
        rescale_free: bool,
        out: &mut [Screen; LANES],
    ) {
        let depth = self.depth;
        assert!(a.len() > depth && b.len() > depth * LANES + LANES - 1);
        #[cfg(target_arch = "x86_64")]
        {
            if kernel == Kernel::Avx512 && std::arch::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU supports AVX-512F (checked just above).
                return unsafe {
                    if rescale_free {
                        lanes_avx512::<false>(depth, a, b, out)
                    } else {
                        lanes_avx512::<true>(depth, a, b, out)
                    }
                };
            }
            if kernel == Kernel::Avx2 && std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2 (checked just above).
                return unsafe {
                    if rescale_free {
                        lanes_avx2::<false>(depth, a, b, out)
                    } else {
                        lanes_avx2::<true>(depth, a, b, out)
                    }
                };
            }
        }
        let _ = kernel;
        if rescale_free {
            lanes_body::<false>(depth, a, b, out)
        } else {
            lanes_portable(depth, a, b, out)
        }
    }

    /// Whether no PCF with this `a` table and `|b(n)| ≤ b_max[n]` can reach the rescaling
    /// threshold 10^150 at a step `1 ≤ n < depth`: `M₋₁ = 1`, `M₀ = max(|a(0)|, 1)`,
    /// `Mₙ = |a(n)|·Mₙ₋₁ + b_max[n]·Mₙ₋₂` bounds `|pₙ|` and `|qₙ|`, and the answer is `Mₙ ≤ 10^140`
    /// for all those n (ten decades of margin for the rounding of the f64 recurrence).
    pub fn never_rescales(&self, a: &[f64], b_max: &[f64]) -> bool {
        let (mut m2, mut m1) = (1.0f64, a[0].abs().max(1.0));
        for n in 1..self.depth {
            let m = a[n].abs() * m1 + b_max[n] * m2;
            // Also false for NaN.
            if m.is_nan() || m > 1e140 {
                return false;
            }
            (m2, m1) = (m1, m);
        }
        true
    }

    /// Table construction, the vanishing filter and the recurrence for one PCF.
    pub fn screen(&self, a: &[i64], b: &[i64]) -> Screen {
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        self.table(a, &mut ta);
        self.table(b, &mut tb);
        if Self::vanishes(&ta) || Self::vanishes(&tb) {
            return Screen::Vanishing;
        }
        self.run(&ta, &tb)
    }
}

/// Final step of the recurrence and the screen of one lane, exactly as in [`FirstPass::run`].
#[inline(always)]
fn finish(an: f64, bn: f64, p1: f64, p2: f64, q1: f64, q2: f64) -> Screen {
    let p = an * p1 + bn * p2;
    let q = an * q1 + bn * q2;
    classify(p / q, p1 / q1, q, q1)
}

/// The screen from `x = p/q`, `x₋ = p₁/q₁` and the two denominators, as in [`finish`] (the
/// divisions are correctly rounded whether done one at a time or in a vector).
#[inline(always)]
fn classify(x: f64, x_prev: f64, q: f64, q1: f64) -> Screen {
    if q == 0.0 || q1 == 0.0 {
        return Screen::Undefined;
    }
    let err = (x - x_prev).abs();
    if !x.is_finite() || !err.is_finite() {
        return Screen::Undefined;
    }
    Screen::Value { x, err }
}

/// Bits of the smallest f64 of the binade of the rescaling threshold 10^150 (biased exponent
/// 0x5F1): `|v| > 10^150` implies `bits(|v|) ≥ SUPERSET_BITS`, and `bits(|p|) | bits(|q|)` is at
/// least the larger of the two, so one OR, one AND and one integer compare per vector screen a
/// step for rescaling. When it fires (in practice only near the threshold) the exact test
/// `|p| > 10^150 ∨ |q| > 10^150` decides, so the rescaling schedule is that of [`FirstPass::run`].
const SUPERSET_BITS: i64 = 0x5F1 << 52;

/// AVX-512F: two 8-lane vectors per step. Per lane: `a·p1 + b·p2` as two products and a sum (no FMA).
/// Rescaling is screened by the superset test of [`SUPERSET_BITS`] and then applied under the exact
/// mask `|p| > 10^150 ∨ |q| > 10^150` (ordered compares, as `>` on `f64`); the last step and the two
/// divisions are done in vectors. The lanes reproduce [`FirstPass::run`] bit for bit.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
unsafe fn lanes_avx512<const CHECK: bool>(
    depth: usize,
    a: &[f64],
    b: &[f64],
    out: &mut [Screen; LANES],
) {
    use std::arch::x86_64::*;
    const V: usize = LANES / 8;
    let big = _mm512_set1_pd(1e150);
    let scale = _mm512_set1_pd(1e-150);
    let abs_bits = _mm512_set1_epi64(i64::MAX);
    let threshold = _mm512_set1_epi64(SUPERSET_BITS - 1);
    let mut p1 = [_mm512_set1_pd(a[0]); V];
    let mut p2 = [_mm512_set1_pd(1.0); V];
    let mut q1 = [_mm512_set1_pd(1.0); V];
    let mut q2 = [_mm512_setzero_pd(); V];
    for n in 1..depth {
        let an = _mm512_set1_pd(a[n]);
        let row = &b[n * LANES..n * LANES + LANES];
        let mut k: __mmask8 = 0;
        for v in 0..V {
            let bn = _mm512_loadu_pd(row.as_ptr().add(8 * v));
            let p = _mm512_add_pd(_mm512_mul_pd(an, p1[v]), _mm512_mul_pd(bn, p2[v]));
            let q = _mm512_add_pd(_mm512_mul_pd(an, q1[v]), _mm512_mul_pd(bn, q2[v]));
            p2[v] = p1[v];
            q2[v] = q1[v];
            p1[v] = p;
            q1[v] = q;
            if CHECK {
                // (p | q) & 0x7FF…F: 0xA8 is (A ∨ B) ∧ C.
                let m = _mm512_ternarylogic_epi64::<0xA8>(
                    _mm512_castpd_si512(p),
                    _mm512_castpd_si512(q),
                    abs_bits,
                );
                k |= _mm512_cmpgt_epi64_mask(m, threshold);
            }
        }
        if CHECK && k != 0 {
            for v in 0..V {
                let k = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(_mm512_abs_pd(q1[v]), big)
                    | _mm512_cmp_pd_mask::<_CMP_GT_OQ>(_mm512_abs_pd(p1[v]), big);
                p1[v] = _mm512_mask_mul_pd(p1[v], k, p1[v], scale);
                p2[v] = _mm512_mask_mul_pd(p2[v], k, p2[v], scale);
                q1[v] = _mm512_mask_mul_pd(q1[v], k, q1[v], scale);
                q2[v] = _mm512_mask_mul_pd(q2[v], k, q2[v], scale);
            }
        }
    }
    let an = _mm512_set1_pd(a[depth]);
    let row = &b[depth * LANES..depth * LANES + LANES];
    let mut st = [[0.0f64; LANES]; 4];
    for v in 0..V {
        let bn = _mm512_loadu_pd(row.as_ptr().add(8 * v));
        let p = _mm512_add_pd(_mm512_mul_pd(an, p1[v]), _mm512_mul_pd(bn, p2[v]));
        let q = _mm512_add_pd(_mm512_mul_pd(an, q1[v]), _mm512_mul_pd(bn, q2[v]));
        _mm512_storeu_pd(st[0].as_mut_ptr().add(8 * v), _mm512_div_pd(p, q));
        _mm512_storeu_pd(st[1].as_mut_ptr().add(8 * v), _mm512_div_pd(p1[v], q1[v]));
        _mm512_storeu_pd(st[2].as_mut_ptr().add(8 * v), q);
        _mm512_storeu_pd(st[3].as_mut_ptr().add(8 * v), q1[v]);
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = classify(st[0][i], st[1][i], st[2][i], st[3][i]);
    }
}

/// AVX2: four 4-lane vectors per step, the same superset screen of the rescaling as the AVX-512
/// kernel; lanes that need no rescaling are multiplied by 1.0 (exact). Bit-identical to
/// [`FirstPass::run`] for the same reasons as the AVX-512 kernel.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn lanes_avx2<const CHECK: bool>(
    depth: usize,
    a: &[f64],
    b: &[f64],
    out: &mut [Screen; LANES],
) {
    use std::arch::x86_64::*;
    const V: usize = LANES / 4;
    let big = _mm256_set1_pd(1e150);
    let scale = _mm256_set1_pd(1e-150);
    let one = _mm256_set1_pd(1.0);
    let abs_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(i64::MAX));
    let threshold = _mm256_set1_epi64x(SUPERSET_BITS - 1);
    let mut p1 = [_mm256_set1_pd(a[0]); V];
    let mut p2 = [_mm256_set1_pd(1.0); V];
    let mut q1 = [_mm256_set1_pd(1.0); V];
    let mut q2 = [_mm256_setzero_pd(); V];
    for n in 1..depth {
        let an = _mm256_set1_pd(a[n]);
        let row = &b[n * LANES..n * LANES + LANES];
        let mut any = _mm256_setzero_si256();
        for v in 0..V {
            let bn = _mm256_loadu_pd(row.as_ptr().add(4 * v));
            let p = _mm256_add_pd(_mm256_mul_pd(an, p1[v]), _mm256_mul_pd(bn, p2[v]));
            let q = _mm256_add_pd(_mm256_mul_pd(an, q1[v]), _mm256_mul_pd(bn, q2[v]));
            p2[v] = p1[v];
            q2[v] = q1[v];
            p1[v] = p;
            q1[v] = q;
            if CHECK {
                let m = _mm256_castpd_si256(_mm256_and_pd(_mm256_or_pd(p, q), abs_mask));
                any = _mm256_or_si256(any, _mm256_cmpgt_epi64(m, threshold));
            }
        }
        if CHECK && _mm256_movemask_pd(_mm256_castsi256_pd(any)) != 0 {
            for v in 0..V {
                let m = _mm256_or_pd(
                    _mm256_cmp_pd::<_CMP_GT_OQ>(_mm256_and_pd(q1[v], abs_mask), big),
                    _mm256_cmp_pd::<_CMP_GT_OQ>(_mm256_and_pd(p1[v], abs_mask), big),
                );
                let f = _mm256_blendv_pd(one, scale, m);
                p1[v] = _mm256_mul_pd(p1[v], f);
                p2[v] = _mm256_mul_pd(p2[v], f);
                q1[v] = _mm256_mul_pd(q1[v], f);
                q2[v] = _mm256_mul_pd(q2[v], f);
            }
        }
    }
    let an = _mm256_set1_pd(a[depth]);
    let row = &b[depth * LANES..depth * LANES + LANES];
    let mut st = [[0.0f64; LANES]; 4];
    for v in 0..V {
        let bn = _mm256_loadu_pd(row.as_ptr().add(4 * v));
        let p = _mm256_add_pd(_mm256_mul_pd(an, p1[v]), _mm256_mul_pd(bn, p2[v]));
        let q = _mm256_add_pd(_mm256_mul_pd(an, q1[v]), _mm256_mul_pd(bn, q2[v]));
        _mm256_storeu_pd(st[0].as_mut_ptr().add(4 * v), _mm256_div_pd(p, q));
        _mm256_storeu_pd(st[1].as_mut_ptr().add(4 * v), _mm256_div_pd(p1[v], q1[v]));
        _mm256_storeu_pd(st[2].as_mut_ptr().add(4 * v), q);
        _mm256_storeu_pd(st[3].as_mut_ptr().add(4 * v), q1[v]);
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = classify(st[0][i], st[1][i], st[2][i], st[3][i]);
    }
}

/// Baseline target (SSE2 on x86-64): the lane-wise loop, vectorised by the compiler.
fn lanes_portable(depth: usize, a: &[f64], b: &[f64], out: &mut [Screen; LANES]) {
    lanes_body::<true>(depth, a, b, out)
}

/// The recurrence of [`FirstPass::run`] on [`LANES`] PCFs at once, written lane-wise so that the
/// compiler vectorises it for the enabled target features. Per lane the operations and their order
/// are those of `run` (Rust never contracts `x*y + z` into an FMA), and a lane that needs no rescaling
/// is multiplied by 1.0, which is exact: the results are bit-identical to `run`.
#[inline(always)]
fn lanes_body<const CHECK: bool>(depth: usize, a: &[f64], b: &[f64], out: &mut [Screen; LANES]) {
    const BIG: f64 = 1e150;
    const SCALE: f64 = 1e-150;
    const L: usize = LANES;
    let mut p1 = [a[0]; L];
    let mut p2 = [1.0f64; L];
    let mut q1 = [1.0f64; L];
    let mut q2 = [0.0f64; L];
    for n in 1..depth {
        let an = a[n];
        let bn: &[f64; L] = b[n * L..n * L + L].try_into().unwrap();
        let mut any = 0u64;
        for i in 0..L {
            let p = an * p1[i] + bn[i] * p2[i];
            let q = an * q1[i] + bn[i] * q2[i];
            p2[i] = p1[i];
            q2[i] = q1[i];
            p1[i] = p;
            q1[i] = q;
            // The superset screen of SUPERSET_BITS (integer operations the compiler vectorises).
            if CHECK {
                any |= u64::from(
                    ((p.to_bits() | q.to_bits()) & (i64::MAX as u64)) >= SUPERSET_BITS as u64,
                );
            }
        }
        // Rare: only then pay for the exact per-lane test and rescaling.
        if CHECK && any != 0 {
            for i in 0..L {
                let f = if q1[i].abs() > BIG || p1[i].abs() > BIG {
                    SCALE
                } else {
                    1.0
                };
                p1[i] *= f;
                p2[i] *= f;
                q1[i] *= f;
                q2[i] *= f;
            }
        }
    }
    let an = a[depth];
    let bn: &[f64; L] = b[depth * L..depth * L + L].try_into().unwrap();
    let (mut x, mut x1, mut q) = ([0.0f64; L], [0.0f64; L], [0.0f64; L]);
    for i in 0..L {
        let p = an * p1[i] + bn[i] * p2[i];
        q[i] = an * q1[i] + bn[i] * q2[i];
        x[i] = p / q[i];
        x1[i] = p1[i] / q1[i];
    }
    for (i, o) in out.iter_mut().enumerate() {
        *o = classify(x[i], x1[i], q[i], q1[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screens_known_limits() {
        let fp = FirstPass::new(32, 6);
        // (n+3, -n) → e
        match fp.screen(&[3, 1], &[0, -1]) {
            Screen::Value { x, err } => {
                assert!(
                    (x - std::f64::consts::E).abs() < 1e-14 && err < 1e-14,
                    "{x} {err}"
                )
            }
            s => panic!("{s:?}"),
        }
        // Apéry: 6/ζ(3)
        match fp.screen(&[5, 27, 51, 34], &[0, 0, 0, 0, 0, 0, -1]) {
            Screen::Value { x, .. } => assert!((x - 6.0 / 1.2020569031595942).abs() < 1e-13),
            s => panic!("{s:?}"),
        }
        // a(n) = n - 3 vanishes at n = 3
        assert_eq!(fp.screen(&[-3, 1], &[1]), Screen::Vanishing);
    }

    #[test]
    fn rescale_bound_separates_slow_and_fast_growth() {
        let fp = FirstPass::new(32, 3);
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        // The largest a and b of pi-classic: |p_n|, |q_n| stay far below 10^140 up to depth 32.
        fp.table(&[5, 5, 5], &mut ta);
        fp.table(&[4, 4, 4, 4], &mut tb);
        assert!(fp.never_rescales(&ta, &tb));
        // a(n) = 10^6·n³: p_n ≥ (10^6)^n·(n!)³ passes 10^150 well before n = 32, so the recurrence
        // rescales and the bound must not claim otherwise.
        fp.table(&[0, 0, 0, 1_000_000], &mut ta);
        assert!(!fp.never_rescales(&ta, &tb));
        let (mut p2, mut p1) = (1.0f64, ta[0]);
        let mut crossed = false;
        for n in 1..32 {
            (p2, p1) = (p1, ta[n] * p1 + tb[n] * p2);
            crossed |= p1.abs() > 1e150;
        }
        assert!(crossed);
    }

    /// Interleaves LANES tables the way `run_lanes` reads them.
    fn interleave(tables: &[Vec<f64>], depth: usize) -> Vec<f64> {
        let mut out = vec![0.0; (depth + 1) * LANES];
        for (i, t) in tables.iter().enumerate() {
            for n in 0..=depth {
                out[n * LANES + i] = t[n];
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Every kernel returns exactly (bit for bit) what the one-PCF recurrence returns, so the
        /// screening never depends on the CPU: no candidate the scalar path keeps is dropped and none
        /// it drops is kept. Large coefficients force the 10^−150 rescaling; zeros give undefined values.
        #[test]
        fn every_kernel_equals_the_scalar_recurrence(
            depth in 1usize..48,
            a in proptest::collection::vec(-6i64..=6, 1..=4),
            scale in proptest::sample::select(vec![1i64, 1000, 1_000_000, 1_000_000_000]),
            bs in proptest::collection::vec(proptest::collection::vec(-9i64..=9, 1..=5), LANES),
        ) {
            let fp = FirstPass::new(depth, 4);
            let a: Vec<i64> = a.iter().map(|c| c * scale).collect();
            let mut ta = Vec::new();
            fp.table(&a, &mut ta);
            let tables: Vec<Vec<f64>> = bs
                .iter()
                .map(|b| {
                    let b: Vec<i64> = b.iter().map(|c| c * scale).collect();
                    let mut t = Vec::new();
                    fp.table(&b, &mut t);
                    t
                })
                .collect();
            let lanes = interleave(&tables, depth);
            let b_max: Vec<f64> = (0..=depth)
                .map(|n| tables.iter().map(|t| t[n].abs()).fold(0.0, f64::max))
                .collect();
            // Without the rescaling test only where the bound allows it.
            let modes = if fp.never_rescales(&ta, &b_max) { vec![false, true] } else { vec![false] };
            for (kernel, rescale_free) in Kernel::available()
                .into_iter()
                .flat_map(|k| modes.iter().map(move |&m| (k, m)))
            {
                let mut out = [Screen::Undefined; LANES];
                fp.run_lanes_with(kernel, &ta, &lanes, rescale_free, &mut out);
                for (i, t) in tables.iter().enumerate() {
                    let want = fp.run(&ta, t);
                    match (out[i], want) {
                        (Screen::Value { x, err }, Screen::Value { x: x2, err: e2 }) => {
                            proptest::prop_assert_eq!(x.to_bits(), x2.to_bits(), "{:?} {} lane {}", kernel, rescale_free, i);
                            proptest::prop_assert_eq!(err.to_bits(), e2.to_bits(), "{:?} {} lane {}", kernel, rescale_free, i);
                        }
                        (got, want) => proptest::prop_assert_eq!(got, want, "{:?} {} lane {}", kernel, rescale_free, i),
                    }
                }
            }
        }
    }
}
