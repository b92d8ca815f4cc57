//! Exact convergents `p_n/q_n` of a PCF with GMP integers.
//!
//! The product `M(lo)·M(lo+1)···M(hi)` of the step matrices `M(n) = [[0, b(n)], [1, a(n)]]` is
//! computed sequentially for short spans (each step is the three-term recurrence done in place)
//! and by the crate's balanced product tree ([`crate::matrix::product`], shared with CMF walks)
//! for long ones, so that GMP's fast multiplication does the work when the entries have hundreds
//! of thousands of digits.

use super::Pcf;
use crate::matrix::product::{balanced_product, TreeMatrix};
use rug::Integer;

/// Spans at most this long are multiplied out sequentially.
const LEAF_SPAN: usize = 64;

/// A 2×2 integer matrix `[[m00, m01], [m10, m11]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mat2(pub [Integer; 4]);

impl Mat2 {
    /// The identity matrix.
    pub fn identity() -> Mat2 {
        Mat2([
            Integer::from(1),
            Integer::new(),
            Integer::new(),
            Integer::from(1),
        ])
    }

    /// The matrix product `self · o` ([`crate::matrix::mul2`]: seven products for wide
    /// entries, eight by the definition otherwise).
    pub fn mul(&self, o: &Mat2) -> Mat2 {
        Mat2(crate::matrix::mul2(&self.0, &o.0))
    }

    /// Right-multiplies in place by `M(n) = [[0, bn], [1, an]]`: each row `(x, y)` becomes
    /// `(y, x·bn + y·an)` — the recurrence `p_n = a(n)p_{n-1} + b(n)p_{n-2}`.
    pub fn step(&mut self, an: &Integer, bn: &Integer) {
        let [x, y, z, w] = &mut self.0;
        *x *= bn;
        *x += &*y * an;
        std::mem::swap(x, y);
        *z *= bn;
        *z += &*w * an;
        std::mem::swap(z, w);
    }

    /// The gcd of the four entries.
    pub fn content(&self) -> Integer {
        self.0.iter().fold(Integer::new(), |g, x| g.gcd(x))
    }
}

impl TreeMatrix for Mat2 {
    fn tree_mul(&self, o: &Mat2) -> Mat2 {
        self.mul(o)
    }
}

/// `M(lo)·M(lo+1)···M(hi)` (identity when `lo > hi`), by the crate's balanced product tree
/// ([`crate::matrix::product`]) with leaves of up to [`LEAF_SPAN`] steps.
pub fn step_product(pcf: &Pcf, lo: usize, hi: usize) -> Mat2 {
    if lo > hi {
        return Mat2::identity();
    }
    balanced_product(lo, hi + 1, LEAF_SPAN, &|a, b| leaf_product(pcf, a, b - 1))
}

/// `x ← x·b + y·a` and `z ← z·b + w·a` on two's-complement limbs (`b = ±bm`, `a = ±am` with the
/// signs `AN`, `BN` fixed at compile time, so that the loop has no sign selection).
fn limb_step<const AN: bool, const BN: bool>(
    x: &mut [u64],
    y: &[u64],
    z: &mut [u64],
    w: &[u64],
    am: u64,
    bm: u64,
) {
    let (am, bm) = (u128::from(am), u128::from(bm));
    let term = |c: i128, xi: u64, yi: u64| {
        let (p, q) = ((u128::from(xi) * bm) as i128, (u128::from(yi) * am) as i128);
        let c = if BN { c - p } else { c + p };
        if AN {
            c - q
        } else {
            c + q
        }
    };
    let n = x.len();
    let (y, z, w) = (&y[..n], &mut z[..n], &w[..n]);
    let (mut c0, mut c1) = (0i128, 0i128);
    for i in 0..n {
        let t0 = term(c0, x[i], y[i]);
        x[i] = t0 as u64;
        c0 = t0 >> 64;
        let t1 = term(c1, z[i], w[i]);
        z[i] = t1 as u64;
        c1 = t1 >> 64;
    }
}

/// `M(lo)···M(hi)` by the in-place recurrence; `a(n)`, `b(n)` in machine integers when they fit
/// (then on limb buffers, [`LimbRows`]), in GMP integers from the first `n` where they do not.
fn leaf_product(pcf: &Pcf, lo: usize, hi: usize) -> Mat2 {
    let (Some(a), Some(b)) = (pcf.a.to_i64(), pcf.b.to_i64()) else {
        return leaf_product_big(pcf, lo, hi);
    };
    let horner = |c: &[i64], n: i128| -> Option<i64> {
        let mut acc: i128 = 0;
        for &k in c.iter().rev() {
            acc = acc.checked_mul(n)?.checked_add(k as i128)?;
        }
        i64::try_from(acc).ok()
    };
    let mut rows = LimbRows::identity(hi + 1 - lo);
    let mut n = lo;
    while n <= hi {
        let (Some(an), Some(bn)) = (horner(&a, n as i128), horner(&b, n as i128)) else {
            break;
        };
        if !rows.step(an, bn) {
            break;
        }
        n += 1;
    }
    let m = rows.to_mat2();
    if n > hi {
        return m;
    }
    m.mul(&leaf_product_big(pcf, n, hi))
}

/// The four entries of a product of PCF step matrices, each as a two's-complement number on a
/// common number of 64-bit limbs: one step `(x, y) ↦ (y, x·b + y·a)` of both rows is one pass
/// over the limbs, `Σᵢ (xᵢ·b + yᵢ·a)·2^{64i}` with a signed carry, instead of four GMP calls.
/// The identity `X·b + Y·a ≡ Σᵢ (xᵢ·b + yᵢ·a)·2^{64i} (mod 2^{64L})` for the unsigned limbs `xᵢ`
/// of `X mod 2^{64L}` makes the low `L` limbs the exact result whenever it fits `L` signed limbs.
struct LimbRows {
    /// `[x, y, z, w]` of `[[x, y], [z, w]]`, each `len` limbs, least significant first.
    e: [Vec<u64>; 4],
    len: usize,
}

/// Largest `|a(n)|`, `|b(n)|` of a limb step: the products `xᵢ·b`, `yᵢ·a` stay below `2^125` and
/// their sum with the carry fits an `i128`.
const LIMB_STEP_MAX: u64 = 1 << 61;

impl LimbRows {
    fn identity(steps: usize) -> LimbRows {
        let cap = steps + 2;
        let limbs = |v: u64| {
            let mut l = Vec::with_capacity(cap);
            l.push(v);
            l
        };
        LimbRows {
            e: [limbs(1), limbs(0), limbs(0), limbs(1)],
            len: 1,
        }
    }

    /// Right-multiplies by `[[0, b], [1, a]]`; `false` (nothing changed) when `|a|` or `|b|`
    /// exceeds [`LIMB_STEP_MAX`].
    fn step(&mut self, a: i64, b: i64) -> bool {
        let (am, bm) = (a.unsigned_abs(), b.unsigned_abs());
        if am > LIMB_STEP_MAX || bm > LIMB_STEP_MAX {
            return false;
        }
        // one more limb, the sign extension: |x·b + y·a| < 2^{64·len − 1}·2^62
        for v in &mut self.e {
            let ext = if (v[self.len - 1] as i64) < 0 {
                u64::MAX
            } else {
                0
            };
            v.push(ext);
        }
        let len = self.len + 1;
        let [x, y, z, w] = &mut self.e;
        let (x, y, z, w) = (&mut x[..len], &y[..len], &mut z[..len], &w[..len]);
        match (a < 0, b < 0) {
            (false, false) => limb_step::<false, false>(x, y, z, w, am, bm),
            (false, true) => limb_step::<false, true>(x, y, z, w, am, bm),
            (true, false) => limb_step::<true, false>(x, y, z, w, am, bm),
            (true, true) => limb_step::<true, true>(x, y, z, w, am, bm),
        }
        self.e.swap(0, 1);
        self.e.swap(2, 3);
        self.len = len;
        // drop top limbs that only repeat the sign of the limb below in all four entries
        while self.len > 1
            && self.e.iter().all(|v| {
                let (top, below) = (v[self.len - 1], v[self.len - 2] as i64);
                (top == 0 && below >= 0) || (top == u64::MAX && below < 0)
            })
        {
            self.len -= 1;
            for v in &mut self.e {
                v.pop();
            }
        }
        true
    }

    fn to_mat2(&self) -> Mat2 {
        use rug::integer::Order;
        Mat2(self.e.clone().map(|mut v| {
            if (v[self.len - 1] as i64) >= 0 {
                return Integer::from_digits(&v, Order::Lsf);
            }
            // −v: the two's complement of the limbs
            let mut carry = true;
            for l in &mut v {
                let (s, c) = (!*l).overflowing_add(u64::from(carry));
                *l = s;
                carry = c;
            }
            -Integer::from_digits(&v, Order::Lsf)
        }))
    }
}

fn leaf_product_big(pcf: &Pcf, lo: usize, hi: usize) -> Mat2 {
    let mut m = Mat2::identity();
    let (mut an, mut bn) = (Integer::new(), Integer::new());
    for n in lo..=hi {
        eval_into(&pcf.a, n as i64, &mut an);
        eval_into(&pcf.b, n as i64, &mut bn);
        m.step(&an, &bn);
    }
    m
}

/// `p(n)` into a reused integer (Horner's rule).
fn eval_into(p: &crate::poly::Poly, n: i64, out: &mut Integer) {
    out.assign_zero();
    for c in p.coeffs().iter().rev() {
        *out *= n;
        *out += c;
    }
}

trait AssignZero {
    fn assign_zero(&mut self);
}
impl AssignZero for Integer {
    fn assign_zero(&mut self) {
        use rug::Assign;
        self.assign(0);
    }
}

/// The pair of consecutive convergents at a depth `N`: `p_{N-1}/q_{N-1}` and `p_N/q_N`,
/// kept as the matrix `A·M(1)···M(N) = [[p_{N-1}, p_N], [q_{N-1}, q_N]]`.
#[derive(Clone, Debug)]
pub struct Convergents {
    /// The depth `N`.
    pub depth: usize,
    /// `[[p_{N-1}, p_N], [q_{N-1}, q_N]]`.
    pub matrix: Mat2,
}

impl Convergents {
    /// Convergents at depth `n` (`n = 0` gives `p_0/q_0 = a(0)/1`).
    pub fn new(pcf: &Pcf, depth: usize) -> Convergents {
        let a0 = pcf.a.eval(0);
        let start = Mat2([Integer::from(1), a0, Integer::new(), Integer::from(1)]);
        let matrix = if depth == 0 {
            start
        } else {
            start.mul(&step_product(pcf, 1, depth))
        };
        Convergents { depth, matrix }
    }

    /// Extends to a greater depth, reusing the product computed so far.
    pub fn extend(&mut self, pcf: &Pcf, depth: usize) {
        if depth > self.depth {
            self.matrix = self.matrix.mul(&step_product(pcf, self.depth + 1, depth));
            self.depth = depth;
        }
    }

    /// `p_N`.
    pub fn p(&self) -> &Integer {
        &self.matrix.0[1]
    }

    /// `q_N`.
    pub fn q(&self) -> &Integer {
        &self.matrix.0[3]
    }

    /// `p_{N-1}`.
    pub fn p_prev(&self) -> &Integer {
        &self.matrix.0[0]
    }

    /// `q_{N-1}`.
    pub fn q_prev(&self) -> &Integer {
        &self.matrix.0[2]
    }

    /// `gcd(p_N, q_N)`.
    pub fn gcd(&self) -> Integer {
        Integer::from(self.p().gcd_ref(self.q()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact convergents of (2n+1, n²) → 4/π by the plain recurrence, against the tree.
    #[test]
    fn tree_matches_recurrence() {
        let pcf = Pcf::from_i64(&[1, 2], &[0, 0, 1]);
        let (mut p1, mut p2) = (Integer::from(1), Integer::from(1)); // p_0 = a(0) = 1, p_{-1} = 1
        let (mut q1, mut q2) = (Integer::from(1), Integer::from(0));
        for n in 1..=500i64 {
            let (a, b) = (2 * n + 1, n * n);
            let p = Integer::from(&p1 * a) + Integer::from(&p2 * b);
            let q = Integer::from(&q1 * a) + Integer::from(&q2 * b);
            p2 = std::mem::replace(&mut p1, p);
            q2 = std::mem::replace(&mut q1, q);
        }
        let c = Convergents::new(&pcf, 500);
        assert_eq!((c.p(), c.q(), c.p_prev(), c.q_prev()), (&p1, &q1, &p2, &q2));
        let mut d = Convergents::new(&pcf, 123);
        d.extend(&pcf, 500);
        assert_eq!(d.matrix, c.matrix);
        // The determinant identity p_N q_{N-1} - p_{N-1} q_N = (-1)^{N-1} ∏ b(i) = -(500!)^2.
        let det = Integer::from(c.p() * c.q_prev()) - Integer::from(c.p_prev() * c.q());
        let f = Integer::from(Integer::factorial(500));
        assert_eq!(det, -(f.clone() * f));
    }

    /// First convergents of the simple continued fraction of the golden ratio are Fibonacci ratios.
    #[test]
    fn golden_ratio_convergents() {
        let c = Convergents::new(&Pcf::from_i64(&[1], &[1]), 10);
        assert_eq!((c.p().to_u32(), c.q().to_u32()), (Some(144), Some(89)));
    }

    /// `M(lo)···M(hi)` by the plain recurrence on GMP integers: the slow oracle.
    fn recurrence(pcf: &Pcf, lo: usize, hi: usize) -> Mat2 {
        let mut m = Mat2::identity();
        for n in lo..=hi {
            m.step(&pcf.a.eval(n as i64), &pcf.b.eval(n as i64));
        }
        m
    }

    /// A coefficient: mostly small, sometimes zero, near the limb kernel's bound `2^61`, or wider
    /// than an `i64` (the GMP path).
    fn coeff() -> impl proptest::strategy::Strategy<Value = Integer> {
        use proptest::prelude::*;
        prop_oneof![
            6 => (-40i64..=40).prop_map(Integer::from),
            2 => Just(Integer::new()),
            1 => (-(1i64 << 61)..=(1i64 << 61)).prop_map(Integer::from),
            1 => any::<i128>().prop_map(Integer::from),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The limb kernel of the leaves and the tree above them give the product of the step
        /// matrices by the plain recurrence, for random PCFs with negative, zero and huge
        /// coefficients (values leaving `2^61` or `i64` part-way through a leaf included).
        #[test]
        fn step_product_equals_the_recurrence(
            a in proptest::collection::vec(coeff(), 0..4),
            b in proptest::collection::vec(coeff(), 0..5),
            lo in 1usize..40,
            len in 0usize..300,
        ) {
            let pcf = Pcf::new(crate::poly::Poly::new(a), crate::poly::Poly::new(b));
            let hi = lo + len;
            proptest::prop_assert_eq!(step_product(&pcf, lo, hi), recurrence(&pcf, lo, hi));
        }
    }

    /// Apéry's PCF (34n³+51n²+27n+5, −n⁶) to depth 1000 through the limb leaves: the tree equals
    /// the recurrence, and `p_N q_{N−1} − p_{N−1} q_N = (−1)^{N−1}·∏ b(i) = −(1000!)⁶`.
    #[test]
    fn apery_convergents_match_recurrence_and_determinant() {
        let pcf = Pcf::from_i64(&[5, 27, 51, 34], &[0, 0, 0, 0, 0, 0, -1]);
        let c = Convergents::new(&pcf, 1000);
        let start = Mat2([
            Integer::from(1),
            Integer::from(5),
            Integer::new(),
            Integer::from(1),
        ]);
        let [x, y, z, w] = &recurrence(&pcf, 1, 1000).0;
        let expected = Mat2([
            Integer::from(x + &(Integer::from(5) * z)),
            Integer::from(y + &(Integer::from(5) * w)),
            z.clone(),
            w.clone(),
        ]);
        assert_eq!(c.matrix, expected);
        assert_eq!(start.mul(&step_product(&pcf, 1, 1000)), c.matrix);
        let det = Integer::from(c.p() * c.q_prev()) - Integer::from(c.p_prev() * c.q());
        let f = Integer::from(Integer::factorial(1000));
        assert_eq!(det, -rug::ops::Pow::pow(f, 6u32));
        // p_N/q_N → 6/ζ(3): 1/ζ(3) = 0.8319073725807075…
        let r = rug::Float::with_val(128, c.p()) / rug::Float::with_val(128, c.q());
        let expect =
            rug::Float::with_val(128, 6) * rug::Float::with_val(128, 0.831_907_372_580_707_5f64);
        assert!((r - expect).abs() < 1e-12);
    }
}
