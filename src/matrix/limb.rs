//! Exact products of short runs of small square integer matrices on fixed-width limbs.
//!
//! A product `M₀·M₁···M_{n−1}` of a few `d × d` matrices (`2 ≤ d ≤ 4`, `n ≤ 16`) with entries of
//! a few 64-bit limbs costs `d³` GMP calls and as many allocations per factor in
//! [`IntMatrix::mul`]; here every entry of the running product is a two's-complement number on a
//! common number of limbs in one buffer, and one factor is `d³` passes of limb multiply-adds
//! with `u128` intermediates. Arithmetic modulo `2^{64W}` is a ring, so the low `W` limbs of the
//! product are exact whenever its entries fit `W` signed limbs (the model is the 2×2 PCF leaf
//! `LimbRows` of `crate::pcf::convergents`).

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

/// `∏ ms[i]` (in order), exactly, or `None` when an entry is too wide for the fast path.
///
/// `None` also when `ms` is empty or longer than [`MAX_FACTORS`], when the sizes differ or lie
/// outside `2..=4`, when an entry has `|m| ≥ 2^{64·MAX_INPUT_LIMBS}`, or when the bound below
/// exceeds [`MAX_LIMBS`] limbs.
///
/// **Width bound.** Let `bᵢ` be the largest bit length of an entry's absolute value in `ms[i]`
/// (`|m| ≤ 2^{bᵢ} − 1`), `ℓ = ⌈log₂ d⌉`, and call `s` the *signed width* of an integer `v`, the
/// least `s` with `−2^{s−1} ≤ v < 2^{s−1}`, so `|v| ≤ 2^{s−1}`. If every entry of `P` has signed
/// width at most `s`, every entry of `P·M` is a sum of `d ≤ 2^ℓ` products and
/// `|Σₖ Pᵢₖ·Mₖⱼ| ≤ d·2^{s−1}·(2^b − 1) < 2^{s+b+ℓ−1}`: signed width at most `s + b + ℓ`. An entry
/// of `M₀` has signed width at most `b₀ + 1`, so by induction the prefix products have signed
/// width at most `Σ_{i≤j} bᵢ + j·ℓ + 1`, and the whole product at most
/// `B = Σᵢ bᵢ + (n−1)·ℓ + 1` bits: the result is refused when `⌈B/64⌉ > MAX_LIMBS`. Each factor
/// is multiplied at the width `⌈(s + b + ℓ)/64⌉` its operands need, with `s` the largest signed
/// width actually found in the running product (never more than the prefix bound); the low limbs
/// of a product modulo `2^{64W}` are its exact two's-complement digits when it fits `W` limbs.
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
    let stride = bound.div_ceil(64) as usize;
    if stride > MAX_LIMBS {
        return None;
    }
    let dd = d * d;
    // the running product and the next one, `dd` entries of `stride` limbs each
    let mut buf = vec![0u64; 2 * dd * stride];
    let (mut p, mut q) = buf.split_at_mut(dd * stride);
    let mut f = Factor::of(&ms[0]);
    let mut w = (bits[0] as usize + 1).div_ceil(64);
    for e in 0..dd {
        let x = &mut p[e * stride..][..w];
        let len = usize::from(f.len[e]);
        x[..len].copy_from_slice(&f.mag[e][..len]);
        if f.neg[e] {
            negate(x);
        }
    }
    let mut s = max_signed_bits(p, dd, stride, w);
    for (m, &b) in ms[1..].iter().zip(&bits[1..n]) {
        f = Factor::of(m);
        w = (s as usize).div_ceil(64);
        let wq = (s + b + lg).div_ceil(64) as usize;
        debug_assert!(wq <= stride);
        mul_factor(p, w, &f, d, q, wq, stride);
        std::mem::swap(&mut p, &mut q);
        s = max_signed_bits(p, dd, stride, wq);
    }
    w = (s as usize).div_ceil(64);
    let mut mag = [0u64; MAX_LIMBS];
    let e = (0..dd)
        .map(|e| {
            let x = &p[e * stride..][..w];
            let neg = (x[w - 1] as i64) < 0;
            let mag = &mut mag[..w];
            mag.copy_from_slice(x);
            if neg {
                negate(mag);
                -Integer::from_digits(mag, Order::Lsf)
            } else {
                Integer::from_digits(mag, Order::Lsf)
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
/// significant first, `len` of them, zero for a zero entry).
struct Factor {
    neg: [bool; MAX_DIM * MAX_DIM],
    len: [u8; MAX_DIM * MAX_DIM],
    mag: [[u64; MAX_INPUT_LIMBS]; MAX_DIM * MAX_DIM],
}

impl Factor {
    /// The entries of `m` (at most `MAX_DIM²`, each of fewer than `64·MAX_INPUT_LIMBS` bits).
    fn of(m: &Node) -> Factor {
        let mut f = Factor {
            neg: [false; MAX_DIM * MAX_DIM],
            len: [0; MAX_DIM * MAX_DIM],
            mag: [[0; MAX_INPUT_LIMBS]; MAX_DIM * MAX_DIM],
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
        f
    }
}

/// `q ← p·m` for `d × d` matrices: `p`'s entries on `w` signed limbs, `q`'s computed modulo
/// `2^{64·wq}` (entry `e` of either at `e·stride`).
fn mul_factor(p: &[u64], w: usize, m: &Factor, d: usize, q: &mut [u64], wq: usize, stride: usize) {
    for i in 0..d {
        for j in 0..d {
            let acc = &mut q[(i * d + j) * stride..][..wq];
            acc.fill(0);
            for k in 0..d {
                let e = k * d + j;
                let x = &p[(i * d + k) * stride..][..w];
                let len = usize::from(m.len[e]).min(wq);
                for (l, &y) in m.mag[e][..len].iter().enumerate() {
                    if y == 0 {
                        continue;
                    }
                    if m.neg[e] {
                        mul_acc::<true>(&mut acc[l..], x, y);
                    } else {
                        mul_acc::<false>(&mut acc[l..], x, y);
                    }
                }
            }
        }
    }
}

/// `acc ← acc ± X·y (mod 2^{64·acc.len()})` (`−` when `NEG`), for the two's-complement number
/// `X` on the limbs `x` and one limb `y`.
///
/// `X = X_u − s·2^{64w}` with `X_u` the limbs read unsigned and `s` the sign bit: the limbs of
/// `X_u·y` are added (subtracted) one by one with an unsigned carry, then `∓s·y` joins the carry
/// at limb `w` and the signed carry runs up until it vanishes or the accumulator ends.
#[inline]
fn mul_acc<const NEG: bool>(acc: &mut [u64], x: &[u64], y: u64) {
    let n = acc.len();
    let w = x.len();
    let top = w.min(n);
    let y128 = u128::from(y);
    // carry < 2^64: acc + x·y + carry ≤ (2^64 − 1)(2^64 + 1) + 2^64 − 1 < 2^128
    let mut c: u128 = 0;
    for (a, &xi) in acc[..top].iter_mut().zip(&x[..top]) {
        if NEG {
            let t = u128::from(xi) * y128 + c;
            let (r, borrow) = a.overflowing_sub(t as u64);
            *a = r;
            c = (t >> 64) + u128::from(borrow);
        } else {
            let t = u128::from(*a) + u128::from(xi) * y128 + c;
            *a = t as u64;
            c = t >> 64;
        }
    }
    if top == n {
        return;
    }
    let s = (x[w - 1] as i64) < 0;
    // what is left to add at limb `w`, in (−2^64, 2^64)
    let mut c: i128 = match (NEG, s) {
        (false, false) => c as i128,
        (false, true) => c as i128 - y as i128,
        (true, false) => -(c as i128),
        (true, true) => y as i128 - c as i128,
    };
    for a in &mut acc[top..] {
        if c == 0 {
            break;
        }
        let t = i128::from(*a) + c;
        *a = t as u64;
        c = t >> 64;
    }
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

/// The signed width (least `s` with `−2^{s−1} ≤ X < 2^{s−1}`) of the two's-complement number `X`
/// on the limbs `x`.
fn signed_bits(x: &[u64]) -> u32 {
    let ext = if (x[x.len() - 1] as i64) < 0 {
        u64::MAX
    } else {
        0
    };
    for (i, &l) in x.iter().enumerate().rev() {
        let v = l ^ ext;
        if v != 0 {
            return 64 * i as u32 + (u64::BITS - v.leading_zeros()) + 1;
        }
    }
    1
}

/// The largest signed width of the `dd` entries of `p` (each `w` limbs at `e·stride`).
fn max_signed_bits(p: &[u64], dd: usize, stride: usize, w: usize) -> u32 {
    (0..dd)
        .map(|e| signed_bits(&p[e * stride..][..w]))
        .max()
        .unwrap_or(1)
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
    fn run() -> impl Strategy<Value = (usize, Vec<Node>)> {
        (2usize..=4, 1usize..=16, 1usize..=5).prop_flat_map(|(d, n, max_limbs)| {
            (
                Just(max_limbs),
                prop::collection::vec(node(d, max_limbs), n),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// `short_product` is the exact product whenever it answers, and it answers for every run
        /// of at most 8 factors with entries of at most 2 limbs (bound ≤ 8·128 + 7·2 + 1 bits).
        #[test]
        fn short_product_equals_the_gmp_product((max_limbs, ms) in run()) {
            let got = short_product(&ms);
            if let Some(p) = &got {
                prop_assert_eq!(p, &oracle(&ms));
            }
            let widest = ms.iter().map(|m| max_bits(m, node_dim(m)).unwrap()).max().unwrap();
            if widest <= 128 && ms.len() <= 8 {
                prop_assert!(got.is_some(), "refused {} factors of ≤ 2 limbs", ms.len());
            }
            if max_limbs <= 4 && widest as usize > 64 * MAX_INPUT_LIMBS {
                prop_assert!(got.is_none());
            }
        }

        /// `signed_bits` is the two's-complement width GMP reports.
        #[test]
        fn signed_bits_matches_gmp(x in prop::collection::vec(limb(), 1..=4)) {
            let u = Integer::from_digits(&x, Order::Lsf);
            let v = if (x[x.len() - 1] as i64) < 0 {
                u - (Integer::from(1) << (64 * x.len() as u32))
            } else {
                u
            };
            prop_assert_eq!(signed_bits(&x), v.signed_bits());
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
