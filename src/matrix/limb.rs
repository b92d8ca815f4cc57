//! Exact products of short runs of small square integer matrices on fixed-width limbs.
//!
//! A product `M₀·M₁···M_{n−1}` of a few `d × d` matrices (`2 ≤ d ≤ 4`, `n ≤ 16`) with entries of
//! a few 64-bit limbs costs `d³` GMP calls and as many allocations per factor in
//! [`IntMatrix::mul`]; here the running product lives in one buffer of 64-bit limbs, each entry
//! as a sign and the limbs of its absolute value, and one factor is, for every entry of the
//! result, one pass over its limbs in which the column sums `Σ xₐ·y_l` (`a + l` fixed) of all `d`
//! terms accumulate in registers (product scanning), signed, in two 192-bit accumulators; the
//! sizes `d` and the factor's limb count are compile-time constants of the kernel. The result's limbs are
//! taken modulo `2^{64W}`, which are its exact two's-complement digits whenever it fits `W`
//! signed limbs (the model is the 2×2 PCF leaf `LimbRows` of `crate::pcf::convergents`).
//!
//! Measured with bench `matrix` on 8 consecutive steps `T_500 … T_507` (2-core AMD EPYC, loaded
//! by other work): 7.8 against 12.7 µs for the GMP product tree on the 3×3 ₄F₃ walk (entries of
//! 66–107 bits), 28 against 38 µs on a 4×4 ₅F₄ walk (97–163 bits).

use super::product::Node;
use super::IntMatrix;
use gmp_mpfr_sys::gmp::limb_t;
use rug::integer::Order;
use rug::Integer;

/// Most factors [`short_product`] multiplies.
pub const MAX_FACTORS: usize = 16;

/// Widest input entry [`short_product`] takes: `|m| < 2^{64·MAX_INPUT_LIMBS}`.
pub const MAX_INPUT_LIMBS: usize = 4;

/// Widest product [`short_product`] computes: the a-priori bound on its entries must fit this many
/// signed 64-bit limbs.
pub const MAX_LIMBS: usize = 32;

/// Largest matrix size.
const MAX_DIM: usize = 4;

/// Zero limbs below every entry of the running product, so that the window of limbs
/// `x_{r+1−M} … x_r` a factor of `M ≤ MAX_INPUT_LIMBS` limbs reads never starts below it.
const PAD: usize = MAX_INPUT_LIMBS;

/// `∏ ms[i]` (in order), exactly, or `None` when an entry is too wide for the fast path.
///
/// `None` also when `ms` is empty or longer than [`MAX_FACTORS`], when the sizes differ or lie
/// outside `2..=4`, when an entry has `|m| ≥ 2^{64·MAX_INPUT_LIMBS}`, or when the bound below
/// exceeds [`MAX_LIMBS`] limbs.
///
/// **Width bound.** Let `bᵢ` be the largest bit length of an entry's absolute value in `ms[i]`
/// (so `|m| ≤ 2^{bᵢ} − 1`) and `ℓ = ⌈log₂ d⌉`. If every entry of `P` has `|v| ≤ 2^s − 1`, every
/// entry of `P·M` is a sum of `d ≤ 2^ℓ` products and
/// `|Σₖ Pᵢₖ·Mₖⱼ| ≤ d·(2^s − 1)·(2^b − 1) < 2^{s+b+ℓ}`: at most `s + b + ℓ` bits, so
/// `−2^{s+b+ℓ} < Σ < 2^{s+b+ℓ}` fits `s + b + ℓ + 1` signed (two's-complement) bits. By induction
/// from `s = b₀` the prefix products have at most `Σ_{i≤j} bᵢ + j·ℓ` bits, and the whole product
/// fits `B = Σᵢ bᵢ + (n−1)·ℓ + 1` signed bits: the run is refused when `⌈B/64⌉ > MAX_LIMBS`.
/// Each factor is multiplied at the width `⌈(s + b + ℓ + 1)/64⌉` limbs, with `s` the largest bit
/// length actually found in the running product (at most the prefix bound, so never wider than
/// `⌈B/64⌉`); the low limbs of the result modulo `2^{64W}` are its exact two's-complement digits
/// when it fits `W` signed limbs, and its sign and absolute value follow from them.
pub fn short_product(ms: &[Node]) -> Option<IntMatrix> {
    let n = ms.len();
    if n == 0 || n > MAX_FACTORS {
        return None;
    }
    let d = node_dim(&ms[0]);
    if !(2..=MAX_DIM).contains(&d) {
        return None;
    }
    let lg = usize::BITS - (d - 1).leading_zeros(); // ⌈log₂ d⌉ for d ≥ 2
    let mut bits = [0u32; MAX_FACTORS];
    for (b, m) in bits.iter_mut().zip(ms) {
        *b = max_bits(m, d)?;
        if *b as usize > 64 * MAX_INPUT_LIMBS {
            return None;
        }
    }
    let bound = bits[..n].iter().sum::<u32>() + (n as u32 - 1) * lg + 1;
    let width = bound.div_ceil(64) as usize;
    if width > MAX_LIMBS {
        return None;
    }
    let dd = d * d;
    // the running product and the next one, `dd` entries of `PAD + width` limbs each
    let stride = PAD + width;
    let mut buf = vec![0u64; 2 * dd * stride];
    let (pl, ql) = buf.split_at_mut(dd * stride);
    let mut p = Entries::new(pl, stride);
    let mut q = Entries::new(ql, stride);
    let f = Factor::of(&ms[0]);
    for e in 0..dd {
        let len = usize::from(f.len[e]);
        p.limbs[e * stride + PAD..][..len].copy_from_slice(&f.mag[e][..len]);
        (p.neg[e], p.len[e]) = (f.neg[e], len);
    }
    p.high = usize::from(f.limbs);
    let mut s = bits[0];
    for (m, &b) in ms[1..].iter().zip(&bits[1..n]) {
        let wq = (s + b + lg + 1).div_ceil(64) as usize;
        debug_assert!(wq <= width);
        let f = Factor::of(m);
        s = match (d, f.limbs) {
            (2, 0 | 1) => mul_factor::<2, 1>(&p, &f, &mut q, wq),
            (2, 2) => mul_factor::<2, 2>(&p, &f, &mut q, wq),
            (2, 3) => mul_factor::<2, 3>(&p, &f, &mut q, wq),
            (2, _) => mul_factor::<2, 4>(&p, &f, &mut q, wq),
            (3, 0 | 1) => mul_factor::<3, 1>(&p, &f, &mut q, wq),
            (3, 2) => mul_factor::<3, 2>(&p, &f, &mut q, wq),
            (3, 3) => mul_factor::<3, 3>(&p, &f, &mut q, wq),
            (3, _) => mul_factor::<3, 4>(&p, &f, &mut q, wq),
            (_, 0 | 1) => mul_factor::<4, 1>(&p, &f, &mut q, wq),
            (_, 2) => mul_factor::<4, 2>(&p, &f, &mut q, wq),
            (_, 3) => mul_factor::<4, 3>(&p, &f, &mut q, wq),
            (_, _) => mul_factor::<4, 4>(&p, &f, &mut q, wq),
        };
        std::mem::swap(&mut p, &mut q);
    }
    let e = (0..dd)
        .map(|e| {
            let v = Integer::from_digits(p.entry(e), Order::Lsf);
            if p.neg[e] {
                -v
            } else {
                v
            }
        })
        .collect();
    Some(IntMatrix { dim: d, e })
}

/// The size of a node.
fn node_dim(m: &Node) -> usize {
    match m {
        Node::Small(d, _) => *d,
        Node::Big(b) => b.dim,
    }
}

/// The largest bit length of the absolute value of an entry of `m`, `None` unless `m` is `d × d`.
fn max_bits(m: &Node, d: usize) -> Option<u32> {
    match m {
        Node::Small(md, e) if *md == d && e.len() == d * d => e
            .iter()
            .map(|v| u128::BITS - v.unsigned_abs().leading_zeros())
            .max(),
        Node::Big(b) if b.dim == d && b.e.len() == d * d => {
            b.e.iter().map(Integer::significant_bits).max()
        }
        _ => None,
    }
}

/// One factor, each entry as its sign and the 64-bit limbs of its absolute value (least
/// significant first, `len` of them, none for a zero entry, zeros above); `limbs` is the largest
/// `len`.
struct Factor {
    neg: [bool; MAX_DIM * MAX_DIM],
    len: [u8; MAX_DIM * MAX_DIM],
    mag: [[u64; MAX_INPUT_LIMBS]; MAX_DIM * MAX_DIM],
    limbs: u8,
}

impl Factor {
    /// The entries of `m` (at most `MAX_DIM²`, each of fewer than `64·MAX_INPUT_LIMBS` bits).
    fn of(m: &Node) -> Factor {
        let mut f = Factor {
            neg: [false; MAX_DIM * MAX_DIM],
            len: [0; MAX_DIM * MAX_DIM],
            mag: [[0; MAX_INPUT_LIMBS]; MAX_DIM * MAX_DIM],
            limbs: 0,
        };
        match m {
            Node::Small(_, e) => {
                for (k, &v) in e.iter().enumerate() {
                    let a = v.unsigned_abs();
                    f.neg[k] = v < 0;
                    f.mag[k][0] = a as u64;
                    f.mag[k][1] = (a >> 64) as u64;
                    f.len[k] = ((u128::BITS - a.leading_zeros()).div_ceil(64)) as u8;
                }
            }
            Node::Big(b) => {
                for (k, v) in b.e.iter().enumerate() {
                    f.neg[k] = *v < 0;
                    // GMP's limbs (normalised: no zero limb on top) regrouped into 64-bit limbs;
                    // `limb_t` is `u64` or `u32` depending on the target
                    let per = 64 / limb_t::BITS as usize;
                    for (i, &l) in v.as_limbs().iter().enumerate() {
                        #[allow(clippy::useless_conversion)]
                        let l = u64::from(l);
                        f.mag[k][i / per] |= l << ((i % per) * limb_t::BITS as usize);
                    }
                    f.len[k] = v.significant_bits().div_ceil(64) as u8;
                }
            }
        }
        f.limbs = f.len.iter().copied().max().unwrap_or(0);
        f
    }
}

/// The running product: entry `e` as its sign `neg[e]` and the `len[e]` limbs of its absolute
/// value (no zero limb on top) at `limbs[e·stride + PAD..]`, the `PAD` limbs below and all limbs
/// above zero from `high` limbs on.
struct Entries<'a> {
    limbs: &'a mut [u64],
    stride: usize,
    neg: [bool; MAX_DIM * MAX_DIM],
    len: [usize; MAX_DIM * MAX_DIM],
    high: usize,
}

impl<'a> Entries<'a> {
    fn new(limbs: &'a mut [u64], stride: usize) -> Entries<'a> {
        Entries {
            limbs,
            stride,
            neg: [false; MAX_DIM * MAX_DIM],
            len: [0; MAX_DIM * MAX_DIM],
            high: 0,
        }
    }

    /// The limbs of `|entry e|`.
    fn entry(&self, e: usize) -> &[u64] {
        &self.limbs[e * self.stride + PAD..][..self.len[e]]
    }

    /// The whole slot of entry `e`: `PAD` zeros, then its limbs, then zeros.
    fn slot(&self, e: usize) -> &[u64] {
        &self.limbs[e * self.stride..][..self.stride]
    }
}

/// `q ← p·m` for `D × D` matrices whose factor `m` has entries of at most `M` limbs, each entry
/// of `q` computed modulo `2^{64·wq}` (exact when it fits `wq` signed limbs); returns the largest
/// bit length of an entry of `q`.
///
/// Entry `(i, j)` is `Σₖ ±|pᵢₖ|·|mₖⱼ|`: limb `r` of it is the column sum
/// `Σₖ ± Σ_{l<M} x_{r−l}·y_l` (`x = |pᵢₖ|`, `y = |mₖⱼ|`, `x_a = 0` for `a < 0`) plus the carry
/// from limb `r − 1`. The even and the odd `k` accumulate in two signed 192-bit accumulators
/// `hi·2^128 + lo` (two independent carry chains), added at the end of the column: at most `16`
/// products below `2^128` each and a carry below `2^134` never reach `2^191`.
fn mul_factor<const D: usize, const M: usize>(
    p: &Entries,
    m: &Factor,
    q: &mut Entries,
    wq: usize,
) -> u32 {
    /// `(lo, hi) ± x·y` on a signed 192-bit accumulator.
    #[inline(always)]
    fn mac((lo, hi): (u128, i64), x: u64, y: u64, sub: bool) -> (u128, i64) {
        let t = u128::from(x) * u128::from(y);
        if sub {
            let (s, c) = lo.overflowing_sub(t);
            (s, hi - i64::from(c))
        } else {
            let (s, c) = lo.overflowing_add(t);
            (s, hi + i64::from(c))
        }
    }
    let mut bits = 0;
    for i in 0..D {
        for j in 0..D {
            let xs: [&[u64]; D] = std::array::from_fn(|k| p.slot(i * D + k));
            let ys: [[u64; M]; D] = std::array::from_fn(|k| {
                let y = &m.mag[k * D + j];
                std::array::from_fn(|l| y[l])
            });
            let sub: [bool; D] = std::array::from_fn(|k| p.neg[i * D + k] != m.neg[k * D + j]);
            let e = i * D + j;
            let slot = &mut q.limbs[e * q.stride..][..q.stride];
            let out = &mut slot[PAD..PAD + wq];
            let mut acc = (0u128, 0i64);
            for (r, o) in out.iter_mut().enumerate() {
                let mut odd = (0u128, 0i64);
                for k in (0..D).step_by(2) {
                    // x_{r+1−M} … x_r
                    let win: &[u64; M] = xs[k][PAD + r + 1 - M..][..M].try_into().unwrap();
                    for l in 0..M {
                        acc = mac(acc, win[M - 1 - l], ys[k][l], sub[k]);
                    }
                }
                for k in (1..D).step_by(2) {
                    let win: &[u64; M] = xs[k][PAD + r + 1 - M..][..M].try_into().unwrap();
                    for l in 0..M {
                        odd = mac(odd, win[M - 1 - l], ys[k][l], sub[k]);
                    }
                }
                let (s, c) = acc.0.overflowing_add(odd.0);
                let hi = acc.1 + odd.1 + i64::from(c);
                *o = s as u64;
                // (hi·2^128 + s) >> 64, arithmetic
                acc = ((s >> 64) | (u128::from(hi as u64) << 64), hi >> 63);
            }
            let negative = (out[wq - 1] as i64) < 0;
            if negative {
                negate(out);
            }
            let len = out.iter().rposition(|&l| l != 0).map_or(0, |t| t + 1);
            (q.neg[e], q.len[e]) = (negative, len);
            if len > 0 {
                bits = bits.max(64 * (len as u32 - 1) + (u64::BITS - out[len - 1].leading_zeros()));
            }
            // limbs left over from a wider product of two factors ago
            if q.high > wq {
                slot[PAD + wq..PAD + q.high].fill(0);
            }
        }
    }
    q.high = wq;
    bits
}

/// `x ← −x` on two's-complement limbs (modulo `2^{64·x.len()}`).
fn negate(x: &mut [u64]) {
    let mut carry = true;
    for l in x {
        let (s, c) = (!*l).overflowing_add(u64::from(carry));
        *l = s;
        carry = c;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `ms[0]·ms[1]···` by the definition on GMP integers, left to right: the slow oracle.
    fn oracle(ms: &[Node]) -> IntMatrix {
        ms[1..].iter().fold(ms[0].clone().into_int(), |p, m| {
            p.mul_classical(&m.clone().into_int())
        })
    }

    fn big(d: usize, e: Vec<Integer>) -> Node {
        Node::Big(IntMatrix { dim: d, e })
    }

    /// The integer `Σ limbs[i]·2^{64i}` with a sign.
    fn from_limbs(neg: bool, limbs: &[u64]) -> Integer {
        let v = Integer::from_digits(limbs, Order::Lsf);
        if neg {
            -v
        } else {
            v
        }
    }

    /// A limb: often one of the carry and sign edges `0, 1, 2^63 − 1, 2^63, 2^64 − 1`.
    fn limb() -> impl Strategy<Value = u64> {
        prop_oneof![
            3 => any::<u64>(),
            1 => prop::sample::select(vec![0, 1, (1 << 63) - 1, 1 << 63, u64::MAX]),
        ]
    }

    /// An entry of at most `max_limbs` limbs of absolute value, zero a quarter of the time.
    fn entry(max_limbs: usize) -> impl Strategy<Value = Integer> {
        prop_oneof![
            1 => Just(Integer::new()),
            3 => (any::<bool>(), prop::collection::vec(limb(), 1..=max_limbs))
                .prop_map(|(neg, l)| from_limbs(neg, &l)),
        ]
    }

    /// A `d × d` node: machine integers (any `i128`, `i128::MIN` included) or GMP entries of at
    /// most `max_limbs` limbs.
    fn node(d: usize, max_limbs: usize) -> impl Strategy<Value = Node> {
        let small = prop_oneof![
            2 => any::<i128>(),
            1 => -3i128..=3,
            1 => prop::sample::select(vec![i128::MIN, i128::MAX, i128::from(i64::MIN), -1]),
        ];
        prop_oneof![
            prop::collection::vec(small, d * d).prop_map(move |e| Node::Small(d, e)),
            prop::collection::vec(entry(max_limbs), d * d).prop_map(move |e| big(d, e)),
        ]
    }

    /// Sizes 2–4, 1–16 factors, entries of up to `max_limbs` (1–5) limbs.
    fn run() -> impl Strategy<Value = Vec<Node>> {
        (2usize..=4, 1usize..=16, 1usize..=5)
            .prop_flat_map(|(d, n, max_limbs)| prop::collection::vec(node(d, max_limbs), n))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// `short_product` is the exact product whenever it answers, and it answers for every run
        /// of at most 8 factors with entries of at most 2 limbs (bound ≤ 8·128 + 7·2 + 1 bits).
        #[test]
        fn short_product_equals_the_gmp_product(ms in run()) {
            let got = short_product(&ms);
            if let Some(p) = &got {
                prop_assert_eq!(p, &oracle(&ms));
            }
            let widest = ms.iter().map(|m| max_bits(m, node_dim(m)).unwrap()).max().unwrap();
            if widest <= 128 && ms.len() <= 8 {
                prop_assert!(got.is_some(), "refused {} factors of ≤ 2 limbs", ms.len());
            }
            if widest as usize > 64 * MAX_INPUT_LIMBS {
                prop_assert!(got.is_none(), "took an entry of {} bits", widest);
            }
        }
    }

    /// Negative entries cancelling to the zero matrix, multi-limb entries, and a factor after the
    /// zero product (the running width falls back to one limb).
    #[test]
    fn cancellation_to_zero_with_negative_entries() {
        let a = from_limbs(false, &[3, u64::MAX, 7]);
        let b = from_limbs(true, &[u64::MAX, 1 << 63]);
        let z = Integer::new();
        // rows (a, −a, b): the first two columns cancel against equal rows of the second factor
        let l = big(
            3,
            [
                &a,
                &-a.clone(),
                &z,
                &b,
                &-b.clone(),
                &z,
                &-a.clone(),
                &a,
                &z,
            ]
            .map(Integer::clone)
            .to_vec(),
        );
        let r = Node::Small(3, vec![5, -9, i128::MIN, 5, -9, i128::MIN, 0, 0, 0]);
        let zero = IntMatrix::from_i128(3, &[0; 9]);
        assert_eq!(short_product(&[l.clone(), r.clone()]), Some(zero.clone()));
        let after = Node::Small(3, vec![i128::MAX; 9]);
        assert_eq!(short_product(&[l, r, after]), Some(zero));
    }

    /// Products whose entries need exactly the bound's width, positive and negative: with
    /// `a = 2^{64k−33} − 1`, `[[a, a], [a, a]]·[[±a, ±a], [±a, ±a]]` has entries `±2a²`, of signed
    /// width `2·(64k − 33) + 1 + 1 = 64·(2k−1)` bits, the bound `B` itself, a whole number of
    /// limbs: the top limb's sign bit is the result's sign.
    #[test]
    fn product_filling_the_bound_width_exactly() {
        for k in 1..=2u32 {
            let a = (Integer::from(1) << (64 * k - 33)) - 1u32;
            let m = big(2, vec![a.clone(); 4]);
            for neg in [false, true] {
                let n = big(2, vec![if neg { -a.clone() } else { a.clone() }; 4]);
                let p = short_product(&[m.clone(), n.clone()]).unwrap();
                let two_a2 = Integer::from(&a * &a) * 2u32;
                let want = if neg { -two_a2 } else { two_a2 };
                assert_eq!(p, big_int(2, want.clone()));
                assert_eq!(want.signed_bits(), 64 * (2 * k - 1));
            }
        }
    }

    fn big_int(d: usize, v: Integer) -> IntMatrix {
        IntMatrix {
            dim: d,
            e: vec![v; d * d],
        }
    }

    /// The running width falls and grows again: `U(x)^a·U(−x)^a = I` for the unipotent
    /// `U(x) = [[1, x], [0, 1]]` with `x` of 200 bits, then `U(y)^c`: limbs of an earlier, wider
    /// product must not leak into the narrow one that follows.
    #[test]
    fn width_falls_after_cancellation_and_grows_again() {
        let x = (Integer::from(1) << 199u32) + 12_345u32;
        let u = |v: &Integer| {
            big(
                2,
                vec![
                    Integer::from(1),
                    v.clone(),
                    Integer::new(),
                    Integer::from(1),
                ],
            )
        };
        let y = Integer::from(u64::MAX) * 3u32;
        // at most 6·200 + 4·66 + 127 + 10 + 1 bits: within MAX_LIMBS
        for a in 1..=3 {
            for c in 1..=4 {
                let mut ms = vec![u(&x); a];
                ms.extend(vec![u(&-x.clone()); a]);
                ms.extend(vec![u(&y); c]);
                ms.push(Node::Small(2, vec![7, -1, i128::MAX, 3]));
                assert_eq!(short_product(&ms), Some(oracle(&ms)), "a = {a}, c = {c}");
            }
        }
    }

    /// The identity is neutral on either side, alone or repeated.
    #[test]
    fn identity_is_neutral() {
        for d in 2..=4 {
            let id = Node::Big(IntMatrix::identity(d));
            let m = big(
                d,
                (0..d * d)
                    .map(|k| from_limbs(k % 3 == 1, &[k as u64 + 1, u64::MAX, 1 << 63]))
                    .collect(),
            );
            let mi = m.clone().into_int();
            assert_eq!(
                short_product(std::slice::from_ref(&id)),
                Some(IntMatrix::identity(d))
            );
            assert_eq!(
                short_product(&vec![id.clone(); 16]),
                Some(IntMatrix::identity(d))
            );
            assert_eq!(short_product(&[id.clone(), m.clone()]).as_ref(), Some(&mi));
            assert_eq!(
                short_product(&[m.clone(), id.clone(), id]).as_ref(),
                Some(&mi)
            );
        }
    }

    /// Runs outside the fast path are refused: empty, too long, mixed or unsupported sizes, an
    /// entry of five limbs, a bound beyond `MAX_LIMBS`.
    #[test]
    fn refuses_what_it_cannot_multiply() {
        let id2 = Node::Small(2, vec![1, 0, 0, 1]);
        assert_eq!(short_product(&[]), None);
        assert_eq!(short_product(&vec![id2.clone(); MAX_FACTORS + 1]), None);
        assert_eq!(
            short_product(&[id2.clone(), Node::Small(3, vec![0; 9])]),
            None
        );
        assert_eq!(short_product(&[Node::Small(1, vec![1])]), None);
        assert_eq!(short_product(&[Node::Big(IntMatrix::identity(5))]), None);
        let wide = Integer::from(1) << 256u32;
        assert_eq!(
            short_product(&[big(
                2,
                vec![wide.clone(), Integer::new(), Integer::new(), wide]
            )]),
            None
        );
        // 16 factors of 200-bit entries: 3200 bits > 64·32
        let w = big(2, vec![Integer::from(1) << 199u32; 4]);
        assert_eq!(short_product(&vec![w; 16]), None);
    }
}
