//! The balanced product tree of a sequence of matrices.
//!
//! `∏_{k=lo}^{hi−1} M_k` is split at the middle into two halves whose products are multiplied:
//! the two factors of every multiplication have about the same size, so that GMP's fast
//! multiplication (Toom–Cook, FFT) does the work when the entries grow to many thousands of
//! digits, instead of one huge and one small factor at every step of a left-to-right product.
//! Spans of at most `leaf_span` factors are multiplied by the caller's leaf function (e.g. a
//! three-term recurrence in place), and long spans are split across threads.
//!
//! [`Node`] is the matrix type of the general tree: the lower levels multiply in checked `i128`
//! while the entries fit, and in GMP integers above.

use super::limb::short_product;
use super::{mul_i128, IntMatrix};

/// Spans longer than this are multiplied on two threads.
const PARALLEL_SPAN: usize = 4096;

/// A matrix type the product tree can multiply.
pub trait TreeMatrix: Sized + Send {
    /// `self · o`.
    fn tree_mul(&self, o: &Self) -> Self;
}

/// `∏_{k=lo}^{hi−1} M_k` (in that order) by a balanced product tree; `leaf(a, b)` must return
/// `∏_{k=a}^{b−1} M_k` for spans `0 < b − a ≤ leaf_span`. `lo < hi` is required (the empty
/// product has no representative of unknown size).
pub fn balanced_product<M, F>(lo: usize, hi: usize, leaf_span: usize, leaf: &F) -> M
where
    M: TreeMatrix,
    F: Fn(usize, usize) -> M + Sync,
{
    assert!(lo < hi, "the product of an empty span");
    if hi - lo <= leaf_span.max(1) {
        return leaf(lo, hi);
    }
    let mid = lo + (hi - lo) / 2;
    let (left, right) = if hi - lo > PARALLEL_SPAN {
        rayon::join(
            || balanced_product(lo, mid, leaf_span, leaf),
            || balanced_product(mid, hi, leaf_span, leaf),
        )
    } else {
        (
            balanced_product(lo, mid, leaf_span, leaf),
            balanced_product(mid, hi, leaf_span, leaf),
        )
    };
    left.tree_mul(&right)
}

/// A matrix in the general product tree: machine integers while the entries fit, GMP above.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// `dim × dim` entries in `i128`, row-major.
    Small(usize, Vec<i128>),
    /// GMP entries.
    Big(IntMatrix),
}

impl Node {
    /// The matrix as GMP integers.
    pub fn into_int(self) -> IntMatrix {
        match self {
            Node::Small(d, e) => IntMatrix::from_i128(d, &e),
            Node::Big(m) => m,
        }
    }
}

impl TreeMatrix for Node {
    fn tree_mul(&self, o: &Node) -> Node {
        match (self, o) {
            (Node::Small(d, a), Node::Small(_, b)) => match mul_i128(a, b, *d) {
                Some(c) => Node::Small(*d, c),
                None => Node::Big(IntMatrix::from_i128(*d, a).mul_small(b)),
            },
            (Node::Big(a), Node::Small(_, b)) => Node::Big(a.mul_small(b)),
            (Node::Small(_, a), Node::Big(b)) => Node::Big(IntMatrix::small_mul(a, b)),
            (Node::Big(a), Node::Big(b)) => Node::Big(a.mul(b)),
        }
    }
}

impl TreeMatrix for IntMatrix {
    fn tree_mul(&self, o: &IntMatrix) -> IntMatrix {
        self.mul(o)
    }
}

/// The product `ms[0]·ms[1]···` of a list of matrices by the balanced tree (identity of size `dim`
/// for an empty list).
pub fn product(ms: &[Node], dim: usize) -> IntMatrix {
    if ms.is_empty() {
        return IntMatrix::identity(dim);
    }
    balanced_product(0, ms.len(), SHORT_SPAN, &|a, b| short_node(&ms[a..b])).into_int()
}

/// `∏ ms` for a span of at most [`SHORT_SPAN`] factors: [`short_product`] when its entries are
/// narrow enough, else the tree.
fn short_node(ms: &[Node]) -> Node {
    if ms.len() == 1 {
        return ms[0].clone();
    }
    match short_product(ms) {
        Some(p) => Node::Big(p),
        None => balanced_product(0, ms.len(), 1, &|a, _| ms[a].clone()),
    }
}

/// Spans of at least this many factors of a 3×3 or larger projective product are divided by the
/// gcd of their entries.
pub const CONTENT_SPAN: usize = 64;

/// `ms[0]·ms[1]···` up to a nonzero scalar factor (identity for an empty list): the tree of
/// [`product`], with every node below the root of `dim ≥ 3` spanning at least [`CONTENT_SPAN`]
/// factors divided by the gcd of its entries, and spans of at most [`SHORT_SPAN`] factors
/// multiplied by [`short_product`]. Walks of hypergeometric fields gain much common
/// content (the 3×3 ₄F₃ walk to depth 1000: 68,000 of its 84,000 bits), and at these sizes the
/// gcds cost less than the multiplications of wider entries they save above; 2×2 products gain
/// less than the gcds cost, so they are left alone. Deterministic: the tree's shape and the
/// divisions depend only on the factors.
pub fn product_projective(ms: &[Node], dim: usize) -> IntMatrix {
    if ms.is_empty() {
        return IntMatrix::identity(dim);
    }
    projective_node(ms, true).into_int()
}

/// Spans of at most this many factors are multiplied by [`short_product`] (on fixed-width limbs,
/// when their entries are narrow enough) instead of by the tree: for the 3×3 ₄F₃ walk to depth
/// 1000 the tree's nodes of 2 to 8 steps cost more in GMP calls and allocations than in
/// arithmetic (7.9 → 7.3 ms CPU per walk on a 2-core AMD EPYC; spans of 4 and 16 gain less).
pub const SHORT_SPAN: usize = 8;

// A short span is never divided by its content: it is below CONTENT_SPAN.
const _: () = assert!(SHORT_SPAN < CONTENT_SPAN);

fn projective_node(ms: &[Node], root: bool) -> Node {
    let n = ms.len();
    if n <= SHORT_SPAN {
        return short_node(ms);
    }
    let (left, right) = ms.split_at(n / 2);
    let (l, r) = if n > PARALLEL_SPAN {
        rayon::join(
            || projective_node(left, false),
            || projective_node(right, false),
        )
    } else {
        (projective_node(left, false), projective_node(right, false))
    };
    let mut m = l.tree_mul(&r);
    if !root && n >= CONTENT_SPAN {
        if let Node::Big(b) = &mut m {
            if b.dim >= 3 {
                let g = b.content();
                if g > 1 {
                    for e in &mut b.e {
                        e.div_exact_mut(&g);
                    }
                }
            }
        }
    }
    m
}
