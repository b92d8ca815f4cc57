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

    /// The matrix product `self · o`.
    pub fn mul(&self, o: &Mat2) -> Mat2 {
        let [a, b, c, d] = &self.0;
        let [e, f, g, h] = &o.0;
        let prod = |x: &Integer, y: &Integer, z: &Integer, w: &Integer| {
            let mut r = Integer::from(x * y);
            r += z * w;
            r
        };
        Mat2([
            prod(a, e, b, g),
            prod(a, f, b, h),
            prod(c, e, d, g),
            prod(c, f, d, h),
        ])
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

/// `M(lo)···M(hi)` by the in-place recurrence; `a(n)`, `b(n)` in machine integers when they fit.
fn leaf_product(pcf: &Pcf, lo: usize, hi: usize) -> Mat2 {
    let mut m = Mat2::identity();
    if let (Some(a), Some(b)) = (pcf.a.to_i64(), pcf.b.to_i64()) {
        let horner = |c: &[i64], n: i128| -> Option<i64> {
            let mut acc: i128 = 0;
            for &k in c.iter().rev() {
                acc = acc.checked_mul(n)?.checked_add(k as i128)?;
            }
            i64::try_from(acc).ok()
        };
        let mut n = lo;
        while n <= hi {
            let (Some(an), Some(bn)) = (horner(&a, n as i128), horner(&b, n as i128)) else {
                break;
            };
            let [x, y, z, w] = &mut m.0;
            *x *= bn;
            *x += &*y * an;
            std::mem::swap(x, y);
            *z *= bn;
            *z += &*w * an;
            std::mem::swap(z, w);
            n += 1;
        }
        if n > hi {
            return m;
        }
        return m.mul(&leaf_product_big(pcf, n, hi));
    }
    leaf_product_big(pcf, lo, hi)
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
}
