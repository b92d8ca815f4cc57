//! The content of an integer matrix — the gcd of its entries — and its smooth part.
//!
//! The products of hypergeometric walks gain a content made of small primes only: at a node
//! spanning `L` steps its primes are at most a small multiple of `L`. [`smooth_content`] finds
//! the part of the content made of primes up to a bound without any multi-limb gcd: it reduces
//! every entry modulo words `m = ∏ p^{e_p} < 2^64` (one pass over the limbs each) and takes
//! word gcds.

use gmp_mpfr_sys::gmp;
use rug::Integer;
use std::sync::OnceLock;

/// A GMP limb: a machine word, the size of the moduli.
type Limb = gmp::limb_t;

/// The primes of the precomputed table of moduli: every prime up to this bound. Larger bounds
/// build the moduli of their larger primes on each call.
pub const TABLE_BOUND: u32 = 1 << 16;

/// Bits of a word that the powers `p^{e_p}` of one small prime may fill (see [`exponent`]).
const SMALL_PRIME_BITS: u32 = 21;

/// One modulus `m = ∏ p^{e_p} ≤ Limb::MAX` over consecutive odd primes.
struct Modulus {
    /// Its prime powers `p^{e_p}`, with their primes.
    powers: Vec<(u32, Limb)>,
}

/// `e_p`, the exponent of the odd prime `p` in its modulus: the largest `e` with
/// `p^e < 2^SMALL_PRIME_BITS` (at least 1), so that the smallest primes — those that carry most of
/// a walk's content — are found a high power at a time and three of them share a word.
fn exponent(p: u32) -> u32 {
    let mut e = 1;
    let mut q = u64::from(p);
    while q * u64::from(p) < 1 << SMALL_PRIME_BITS {
        q *= u64::from(p);
        e += 1;
    }
    e
}

/// Raises the prime powers `p^e` of a modulus whose every power divided the content so far to
/// powers that share the word evenly (`p^E < 2^⌊63/k⌋` for `k` primes, at least the power it had),
/// so that a prime holding much of the content is found many digits at a time.
fn refill(powers: &mut [(u32, Limb)]) {
    let bits = 63 / powers.len() as u32;
    let filled: Vec<(u32, u128)> = powers
        .iter()
        .map(|&(p, pe)| {
            let mut q = u128::from(pe);
            while q * u128::from(p) < 1 << bits {
                q *= u128::from(p);
            }
            (p, q)
        })
        .collect();
    let prod = filled.iter().try_fold(1u128, |a, &(_, q)| {
        a.checked_mul(q).filter(|&m| m <= u128::from(Limb::MAX))
    });
    if prod.is_some() {
        for (slot, (_, q)) in powers.iter_mut().zip(filled) {
            slot.1 = q as Limb;
        }
    }
}

/// The odd primes in `lo..=hi`, ascending (a sieve of Eratosthenes up to `hi`).
fn odd_primes(lo: u32, hi: u32) -> Vec<u32> {
    let n = hi as usize;
    let mut composite = vec![false; n + 1];
    let mut out = Vec::new();
    for p in 2..=n {
        if composite[p] {
            continue;
        }
        if p >= 3 && p as u64 >= u64::from(lo) {
            out.push(p as u32);
        }
        let mut k = p * p;
        while k <= n {
            composite[k] = true;
            k += p;
        }
    }
    out
}

/// Groups the odd primes `ps` (ascending) greedily into moduli: each takes the next `p^{e_p}` while
/// the product stays a word.
fn group(ps: &[u32]) -> Vec<Modulus> {
    let mut out = Vec::new();
    let (mut m, mut powers) = (1u128, Vec::new());
    for &p in ps {
        let pe = Limb::try_from(u128::from(p).pow(exponent(p))).expect("p^e_p fits a word");
        if m * u128::from(pe) > u128::from(Limb::MAX) {
            out.push(Modulus {
                powers: std::mem::take(&mut powers),
            });
            m = 1;
        }
        m *= u128::from(pe);
        powers.push((p, pe));
    }
    if !powers.is_empty() {
        out.push(Modulus { powers });
    }
    out
}

/// The moduli of every odd prime up to [`TABLE_BOUND`], built once.
fn table() -> &'static [Modulus] {
    static TABLE: OnceLock<Vec<Modulus>> = OnceLock::new();
    TABLE.get_or_init(|| group(&odd_primes(3, TABLE_BOUND)))
}

/// `d⁻¹ mod 2^w` for an odd word `d`, by Newton's iteration `x ← x·(2 − d·x)`, which doubles the
/// correct low bits (`x = d` is right to 3 bits: `d² ≡ 1 mod 8`).
fn inverse(d: Limb) -> Limb {
    let mut x = d;
    for _ in 0..6 {
        x = x.wrapping_mul((2 as Limb).wrapping_sub(d.wrapping_mul(x)));
    }
    debug_assert_eq!(d.wrapping_mul(x), 1);
    x
}

/// A word `r ≤ d` with `x ≡ −r·2^{wn} (mod d)` for the `n` limbs `x` and an odd word `d` (`dinv`
/// its inverse): Hensel's exact-division loop (GMP's `mpn_modexact_1_odd`, Montgomery's
/// reduction a limb at a time: `s = xᵢ − c`, `q = s·d⁻¹ mod 2^w`, `c = ⌊q·d / 2^w⌋ + borrow`).
/// Since `2^w` is prime to `d`, `gcd(d, x) = gcd(d, r)`. Two multiplications a limb; GMP's
/// `mpn_mod_1` takes a slower path for these moduli in this build.
fn hensel_residue(x: &[Limb], d: Limb, dinv: Limb) -> Limb {
    let mut c: Limb = 0;
    for &xi in x {
        let (s, borrow) = xi.overflowing_sub(c);
        let q = s.wrapping_mul(dinv);
        let h = ((u128::from(q) * u128::from(d)) >> Limb::BITS) as Limb;
        c = h + Limb::from(borrow);
    }
    c
}

/// `gcd(a, b)` of words (binary: Stein's algorithm).
fn gcd_word(mut a: Limb, mut b: Limb) -> Limb {
    if a == 0 || b == 0 {
        return a | b;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// `gcd(q, x₁, x₂, …)` for an odd word `q` and integers `xᵢ`, stopping at 1: one
/// [`hensel_residue`] modulo the running gcd and a word gcd per entry.
fn word_gcd<'a>(q: Limb, xs: impl Iterator<Item = &'a Integer>) -> Limb {
    let mut g = q;
    for x in xs {
        if g == 1 {
            break;
        }
        g = gcd_word(g, hensel_residue(x.as_limbs(), g, inverse(g)));
    }
    g
}

/// The `bound`-smooth part of the content: the largest divisor of `gcd(entries)` whose prime
/// factors are all `≤ bound`, without a multi-limb gcd. Zero entries are skipped (zero is
/// divisible by everything); with no nonzero entry, or `bound < 2`, it is 1.
///
/// * The 2-part is `2^v`, `v = min vᵢ` over the nonzero entries of their trailing zeros.
/// * The odd primes `≤ bound` are grouped into words `m = ∏ p^{e_p}` (a static table of
///   consecutive primes up to [`TABLE_BOUND`]). For each, `g = gcd(m, x₁ mod m, x₂ mod m, …)` —
///   a pass over each entry's limbs and a word gcd, stopped as soon as `g = 1` — is
///   `gcd(content, m)`. For the primes whose whole power `p^{e_p}` divides `g`, the entries (a
///   copy) are divided exactly by those powers and the step repeats with their product as
///   the modulus, until no whole power divides: the result is `∏ p^{v_p(content)}`.
///
/// The caller divides the entries exactly by it ([`divide_out`]).
pub fn smooth_content(entries: &[Integer], bound: u32) -> Integer {
    smooth_part(entries, bound, true)
}

/// The part of the content found by one pass of [`smooth_content`]'s words, without repeats:
/// `gcd(content, 2^∞ · ∏_{3 ≤ p ≤ bound} p^{e_p})` with the table's exponents `e_p` (3^13, 5^9,
/// 7^7, …, one power of every prime past 2^21). It divides [`smooth_content`]; it is cheaper when
/// the content holds small primes to high powers, and what it leaves is found again at the node
/// above.
pub fn capped_smooth_content(entries: &[Integer], bound: u32) -> Integer {
    smooth_part(entries, bound, false)
}

/// [`smooth_content`] (`repeat`) or [`capped_smooth_content`].
fn smooth_part(entries: &[Integer], bound: u32, repeat: bool) -> Integer {
    let nz: Vec<&Integer> = entries.iter().filter(|x| **x != 0).collect();
    let mut c = Integer::from(1);
    if nz.is_empty() || bound < 2 {
        return c;
    }
    let v2 = nz
        .iter()
        .map(|x| x.find_one(0).expect("nonzero"))
        .min()
        .expect("nonempty");
    c <<= v2;
    if bound < 3 {
        return c;
    }
    // The nonzero entries divided by the whole prime powers found so far (`None`: not yet
    // divided).
    let mut work: Option<Vec<Integer>> = None;
    let mut each = |md: &Modulus| {
        let mut powers = md.powers.clone();
        loop {
            let q: Limb = powers.iter().map(|&(_, pe)| pe).product();
            let g = match &work {
                None => word_gcd(q, nz.iter().copied()),
                Some(w) => word_gcd(q, w.iter()),
            };
            if g == 1 {
                return;
            }
            c *= g;
            if !repeat {
                return;
            }
            // The whole powers that divide g: those primes may divide the content further.
            powers.retain(|&(_, pe)| g % pe == 0);
            if powers.is_empty() {
                return;
            }
            let d = Integer::from(powers.iter().map(|&(_, pe)| pe).product::<Limb>());
            match &mut work {
                None => {
                    work = Some(
                        nz.iter()
                            .map(|x| Integer::from(x.div_exact_ref(&d)))
                            .collect(),
                    )
                }
                Some(w) => w.iter_mut().for_each(|x| x.div_exact_mut(&d)),
            }
            refill(&mut powers);
        }
    };
    let t = table();
    let full = t.partition_point(|md| md.powers.last().expect("nonempty").0 <= bound);
    t[..full].iter().for_each(&mut each);
    if bound <= TABLE_BOUND {
        // The group straddling the bound, cut to its primes ≤ bound.
        if let Some(md) = t.get(full) {
            let powers: Vec<(u32, Limb)> = md
                .powers
                .iter()
                .copied()
                .filter(|&(p, _)| p <= bound)
                .collect();
            if !powers.is_empty() {
                each(&Modulus { powers });
            }
        }
    } else {
        group(&odd_primes(TABLE_BOUND + 1, bound))
            .iter()
            .for_each(each);
    }
    c
}

/// Divides every entry exactly by `c` (`c` must divide each: [`smooth_content`] or any divisor
/// of the content); zero entries stay zero.
pub fn divide_out(entries: &mut [Integer], c: &Integer) {
    if *c == 1 {
        return;
    }
    for e in entries {
        e.div_exact_mut(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::IntMatrix;
    use proptest::prelude::*;
    use rug::ops::Pow;

    /// The `bound`-smooth part of `g` by trial division by every `d = 2, …, bound` (a composite
    /// `d` no longer divides: its primes are gone).
    fn smooth_part_oracle(g: &Integer, bound: u32) -> Integer {
        let mut r = g.clone().abs();
        let mut s = Integer::from(1);
        if r == 0 {
            return s;
        }
        for d in 2..=bound {
            while r.is_divisible_u(d) {
                r.div_exact_u_mut(d);
                s *= d;
            }
        }
        s
    }

    /// `2^{v₂(g)} · ∏_{3 ≤ p ≤ bound} p^{min(v_p(g), e_p)}` by trial division (1 for `bound < 2`).
    fn capped_part_oracle(g: &Integer, bound: u32) -> Integer {
        let mut r = g.clone().abs();
        let mut s = Integer::from(1);
        if r == 0 {
            return s;
        }
        for d in 2..=bound {
            let prime = (2..d).all(|k| d % k != 0);
            let mut e = 0;
            while prime && r.is_divisible_u(d) && (d == 2 || e < exponent(d)) {
                r.div_exact_u_mut(d);
                s *= d;
                e += 1;
            }
        }
        s
    }

    fn ints(v: &[i64]) -> Vec<Integer> {
        v.iter().map(|&x| Integer::from(x)).collect()
    }

    /// A common factor: small primes to random powers, and sometimes a prime above the bounds.
    fn common_factor() -> impl Strategy<Value = Integer> {
        const SMALL: [u32; 12] = [2, 3, 5, 7, 11, 13, 31, 97, 101, 251, 257, 499];
        (proptest::collection::vec(0u32..70, SMALL.len()), 0usize..4).prop_map(|(es, big)| {
            let mut c = Integer::from(1);
            for (&p, &e) in SMALL.iter().zip(&es) {
                // Mostly low powers, a few far above one word.
                let e = if e < 55 { e % 6 } else { 20 * (e - 54) };
                c *= Integer::from(p).pow(e);
            }
            let big_primes = [1_000_003u64, (1 << 61) - 1, 65_537];
            if let Some(&q) = big_primes.get(big) {
                c *= q;
            }
            c
        })
    }

    /// A cofactor: zero, a word, or several limbs, of either sign.
    fn cofactor() -> impl Strategy<Value = Integer> {
        prop_oneof![
            1 => Just(Integer::new()),
            3 => any::<i64>().prop_map(Integer::from),
            4 => (proptest::collection::vec(any::<u64>(), 1..5), any::<bool>()).prop_map(
                |(limbs, neg)| {
                    let x = Integer::from_digits(&limbs, rug::integer::Order::Lsf);
                    if neg { -x } else { x }
                }
            ),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// On 3×3 matrices `c·(cofactors)`: the smooth content divides the true content and is
        /// its `bound`-smooth part.
        #[test]
        fn smooth_content_is_the_smooth_part_of_the_gcd(
            c in common_factor(),
            cof in proptest::collection::vec(cofactor(), 9),
            bound in prop_oneof![0u32..20, 0u32..700],
        ) {
            let m = IntMatrix { dim: 3, e: cof.iter().map(|x| Integer::from(x * &c)).collect() };
            let g = m.content();
            let s = smooth_content(&m.e, bound);
            prop_assert!(s >= 1);
            if g != 0 {
                prop_assert!(g.is_divisible(&s));
            }
            prop_assert_eq!(&s, &smooth_part_oracle(&g, bound));
            let capped = capped_smooth_content(&m.e, bound);
            prop_assert!(s.is_divisible(&capped));
            prop_assert_eq!(capped, capped_part_oracle(&g, bound));
        }
    }

    proptest! {
        /// `x ≡ −r·2^{64n} (mod d)` for Hensel's residue, and the word gcd is the gcd.
        #[test]
        fn hensel_residue_is_a_scaled_remainder(
            limbs in proptest::collection::vec(any::<Limb>(), 1..6),
            d in any::<Limb>(),
            b in any::<Limb>(),
        ) {
            let d = d | 1;
            let x = Integer::from_digits(&limbs, rug::integer::Order::Lsf);
            let r = hensel_residue(&limbs, d, inverse(d));
            prop_assert!(r <= d);
            let scaled = Integer::from(r) << (Limb::BITS * limbs.len() as u32);
            prop_assert!(Integer::from(&x + &scaled).is_divisible(&Integer::from(d)));
            prop_assert_eq!(
                Integer::from(gcd_word(d, r)),
                Integer::from(d).gcd(&x)
            );
            prop_assert_eq!(Integer::from(gcd_word(d, b)), Integer::from(d).gcd(&Integer::from(b)));
        }
    }

    #[test]
    fn all_entries_zero_but_one() {
        let x = Integer::from(-(1i64 << 5) * 2187 * 101 * 1_000_003);
        let e = vec![Integer::new(), Integer::new(), x, Integer::new()];
        assert_eq!(smooth_content(&e, 200), 32 * 2187 * 101);
        assert_eq!(smooth_content(&e, 100), 32 * 2187);
        assert_eq!(
            smooth_content(&e, 1_000_003),
            32 * 2187 * 101 * 1_000_003i64
        );
    }

    #[test]
    fn no_nonzero_entry_gives_one() {
        assert_eq!(smooth_content(&[], 100), 1);
        assert_eq!(smooth_content(&ints(&[0, 0, 0, 0]), 100), 1);
    }

    #[test]
    fn negative_entries() {
        let e = ints(&[-12 * 35, 12 * 77, -12 * 5 * 11 * 13, 12 * 17]);
        assert_eq!(smooth_content(&e, 50), 12);
        let e = ints(&[-45, -75]);
        assert_eq!(smooth_content(&e, 5), 15);
        assert_eq!(smooth_content(&e, 4), 3);
    }

    /// Repeating a prime whose whole word power divides the gcd: 3^300 is 476 bits of 3s.
    #[test]
    fn whole_power_repeats_past_one_word() {
        let p = Integer::from(3).pow(300);
        let e = vec![
            Integer::from(&p * (5 * 7 * 1024)),
            Integer::from(&p * (5 * 11 * 8 * 3)),
            Integer::from(&p * (5 * -13 * 64 * 9)),
            Integer::new(),
        ];
        assert_eq!(smooth_content(&e, 10), Integer::from(&p * 40));
        assert_eq!(smooth_content(&e, 4), Integer::from(&p * 8));
        assert_eq!(smooth_content(&e, 2), 8);
        // Many primes at once beyond their word powers.
        let q = Integer::from(3).pow(200) * Integer::from(5).pow(150) * Integer::from(7).pow(90);
        let e = vec![
            Integer::from(&q * 11),
            Integer::from(&q * -13),
            q.clone() * 121,
        ];
        assert_eq!(smooth_content(&e, 1000), q);
        // One pass stops at the table's powers 3^13·5^9·7^7.
        assert_eq!(
            capped_smooth_content(&e, 1000),
            1_594_323 * 1_953_125 * 823_543u128
        );
    }

    #[test]
    fn bound_below_two_gives_one() {
        let e = ints(&[8 * 9, 16 * 27]);
        assert_eq!(smooth_content(&e, 0), 1);
        assert_eq!(smooth_content(&e, 1), 1);
        assert_eq!(smooth_content(&e, 2), 8);
        assert_eq!(smooth_content(&e, 3), 72);
    }

    /// A zero entry is divisible by everything: it does not lower the content.
    #[test]
    fn zero_entry_is_skipped() {
        let e = ints(&[0, 6 * 25, 0, 6 * 35]);
        assert_eq!(smooth_content(&e, 10), 30);
    }

    /// A prime equal to the bound counts; primes past the precomputed table are found too.
    #[test]
    fn bound_is_inclusive_within_and_past_the_table() {
        let e = ints(&[3 * 499 * 2, 3 * 499 * 7]);
        assert_eq!(smooth_content(&e, 499), 3 * 499);
        assert_eq!(smooth_content(&e, 498), 3);
        // 65,537 is the first prime past TABLE_BOUND; 65,539 the next.
        let e = ints(&[65_537 * 65_539 * 5i64, 65_537 * 65_539 * 7i64]);
        assert_eq!(smooth_content(&e, TABLE_BOUND), 1);
        assert_eq!(smooth_content(&e, 65_537), 65_537);
        assert_eq!(smooth_content(&e, 70_000), 65_537i64 * 65_539);
    }

    #[test]
    fn divide_out_leaves_the_cofactors() {
        let mut e = ints(&[-12 * 5, 0, 12 * 7]);
        let c = smooth_content(&e, 10);
        divide_out(&mut e, &c);
        assert_eq!(e, ints(&[-5, 0, 7]));
    }

    /// The table's moduli are words, and its primes are each odd prime once, ascending.
    #[test]
    fn table_moduli_are_words_of_consecutive_prime_powers() {
        let t = table();
        let primes: Vec<u32> = t
            .iter()
            .flat_map(|m| m.powers.iter().map(|p| p.0))
            .collect();
        assert_eq!(primes, odd_primes(3, TABLE_BOUND));
        for md in t {
            let prod = md.powers.iter().fold(1u128, |a, &(p, pe)| {
                assert_eq!(u128::from(pe), u128::from(p).pow(exponent(p)));
                a * u128::from(pe)
            });
            assert!(prod <= u128::from(Limb::MAX));
        }
    }
}
