//! The shared product tree (`apery::matrix::product`) against the naive left-to-right product,
//! and the CMF walk's polynomial step matrices against the walk that evaluates every move.

use apery::cmf::load;
use apery::cmf::walk::Walker;
use apery::matrix::product::{balanced_product, product, product_projective, Node, CONTENT_SPAN};
use apery::matrix::IntMatrix;
use proptest::prelude::*;
use rug::Integer;

/// `ms[0]·ms[1]···` from left to right by the definition of the product: the slow oracle.
fn naive(ms: &[IntMatrix], dim: usize) -> IntMatrix {
    ms.iter()
        .fold(IntMatrix::identity(dim), |acc, m| acc.mul_classical(m))
}

/// An entry: mostly small, sometimes near the ends of `i64` or `i128` (so that products overflow
/// machine integers at the first level of the tree).
fn entry() -> impl Strategy<Value = i128> {
    prop_oneof![
        4 => -9i128..=9,
        2 => any::<i64>().prop_map(i128::from),
        1 => any::<i128>().prop_map(|v| v >> 1),
        1 => Just(i128::MAX),
        1 => Just(i128::MIN + 1),
    ]
}

fn matrices() -> impl Strategy<Value = (usize, Vec<Vec<i128>>, usize)> {
    (2usize..=5).prop_flat_map(|d| {
        (
            Just(d),
            prop::collection::vec(prop::collection::vec(entry(), d * d), 0..40),
            1usize..6,
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The tree over machine-integer leaves (with GMP above the first overflow) equals the naive
    /// product, for dimensions 2–5, and so does the tree with leaves of several factors.
    #[test]
    fn tree_equals_naive_product((d, ms, span) in matrices()) {
        let big: Vec<IntMatrix> = ms.iter().map(|m| IntMatrix::from_i128(d, m)).collect();
        let expected = naive(&big, d);
        let nodes: Vec<Node> = ms.iter().map(|m| Node::Small(d, m.clone())).collect();
        prop_assert_eq!(&product(&nodes, d), &expected);
        // mixed leaves: every third one already in GMP
        let mixed: Vec<Node> = ms
            .iter()
            .enumerate()
            .map(|(k, m)| if k % 3 == 0 { Node::Big(IntMatrix::from_i128(d, m)) } else { Node::Small(d, m.clone()) })
            .collect();
        prop_assert_eq!(&product(&mixed, d), &expected);
        if !ms.is_empty() {
            let spans = balanced_product(0, big.len(), span, &|a, b| naive(&big[a..b], d));
            prop_assert_eq!(&spans, &expected);
        }
    }
}

/// A matrix of `d × d` signed entries from 64-bit limbs (entries of about 8,000–13,000 bits, or
/// a few small ones among them).
fn wide_matrix(d: usize) -> impl Strategy<Value = IntMatrix> {
    let entry = prop_oneof![
        6 => (prop::collection::vec(any::<u64>(), 128..200), any::<bool>()).prop_map(|(limbs, neg)| {
            let x = Integer::from_digits(&limbs, rug::integer::Order::Lsf);
            if neg { -x } else { x }
        }),
        1 => (-3i64..=3).prop_map(Integer::from),
    ];
    prop::collection::vec(entry, d * d).prop_map(move |e| IntMatrix { dim: d, e })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Strassen's 2×2 and Laderman's 3×3 products (taken when every entry has at least
    /// `FAST_MUL_BITS` bits) equal the product by the definition, also with negative entries and
    /// with small entries that send the product back to the definition.
    #[test]
    fn fast_products_of_wide_matrices_equal_the_definition(
        (a, b) in (2usize..=3).prop_flat_map(|d| (wide_matrix(d), wide_matrix(d)))
    ) {
        prop_assert_eq!(a.mul(&b), a.mul_classical(&b));
    }
}

/// Whether two matrices are proportional by a nonzero factor (`a[i]·b[j] = a[j]·b[i]` for all
/// entries, and neither is zero).
fn proportional(a: &IntMatrix, b: &IntMatrix) -> bool {
    let nz = |m: &IntMatrix| m.e.iter().any(|x| *x != 0);
    nz(a)
        && nz(b)
        && (0..a.e.len()).all(|i| {
            (0..a.e.len())
                .all(|j| Integer::from(&a.e[i] * &b.e[j]) == Integer::from(&a.e[j] * &b.e[i]))
        })
}

/// The projective walk (steps from the polynomial step matrix, moves evaluated one by one only at
/// its singular points) is a scalar multiple of the exact walk (every move evaluated), for the ζ(3)
/// field along (1,1), (2,1) and a trajectory with a backward move, and for pFq(4,3,1) along the
/// ramanujantools benchmark trajectory, whose first steps are singular points of the polynomial step.
#[test]
fn polynomial_step_walk_is_proportional_to_the_exact_walk() {
    let zeta3 = load("zeta3").unwrap().build(&[]).unwrap();
    let f43 = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let cases: Vec<(&apery::cmf::Cmf, Vec<i64>, Vec<i64>, usize)> = vec![
        (&zeta3, vec![1, 1], vec![1, 1], 120),
        (&zeta3, vec![2, 1], vec![1, 1], 60),
        (&zeta3, vec![1, -1], vec![1, 80], 40),
        (
            &f43,
            vec![1, 1, 2, 2, 3, 3, 4],
            vec![1, 1, 2, 2, 3, 3, 4],
            40,
        ),
    ];
    for (cmf, t, s, n) in cases {
        let exact = Walker::new(cmf).unwrap().walk(&t, &s, n).unwrap();
        let proj = Walker::new(cmf)
            .unwrap()
            .walk_projective(&t, &s, n)
            .unwrap();
        assert!(proportional(&exact.p, &proj), "{t:?} from {s:?}");
        assert_eq!(exact.p.value(), proj.value(), "{t:?} from {s:?}");
    }
}

/// Two copies of a generated `pFq` field share one polynomial step (built by the first walk): the
/// second copy's projective walk equals the first's and is proportional to its exact walk.
#[test]
fn shared_polynomial_step_of_a_pfq_field_gives_the_same_walk() {
    let t = [1, 1, 2, 2, 3, 3, 4];
    let first = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let second = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let a = Walker::new(&first)
        .unwrap()
        .walk_projective(&t, &t, 64)
        .unwrap();
    let b = Walker::new(&second)
        .unwrap()
        .walk_projective(&t, &t, 64)
        .unwrap();
    assert_eq!(a, b);
    let exact = Walker::new(&second).unwrap().walk(&t, &t, 64).unwrap();
    assert!(proportional(&exact.p, &b));
}

/// The projective product (nodes of 3×3 and larger products divided by their content from
/// `CONTENT_SPAN` factors up) is a nonzero multiple of the exact product, for 2×2 to 4×4 factors
/// with entries in −9…9, including spans long enough for the division; and the 4F3 walk of
/// ramanujantools' benchmark to depth 160 (which passes through it) is proportional to the exact
/// walk, with less than half its bits.
#[test]
fn projective_product_is_proportional_to_the_product() {
    let mut seed = 99u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) % 19) as i128 - 9
    };
    for d in 2..=4usize {
        for n in [1, 5, CONTENT_SPAN, 3 * CONTENT_SPAN + 7] {
            let ms: Vec<Node> = (0..n)
                .map(|_| Node::Small(d, (0..d * d).map(|_| next()).collect()))
                .collect();
            let exact = product(&ms, d);
            assert!(
                proportional(&exact, &product_projective(&ms, d)),
                "d = {d}, n = {n}"
            );
        }
    }
    let f43 = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let t = [1, 1, 2, 2, 3, 3, 4];
    let w = Walker::new(&f43).unwrap();
    let exact = w.walk(&t, &t, 160).unwrap().p;
    let proj = w.walk_projective(&t, &t, 160).unwrap();
    assert!(proportional(&exact, &proj));
    let bits = |m: &IntMatrix| m.e.iter().map(|e| e.significant_bits()).max().unwrap();
    assert!(
        2 * bits(&proj) < bits(&exact),
        "{} vs {}",
        bits(&proj),
        bits(&exact)
    );
}

/// The singular points of a polynomial step (the first steps of the 4F3 benchmark walk) are
/// evaluated once and kept: a second projective walk with the same walker, and one to another
/// depth, take them from the cache and still equal the first walk and the exact walk up to a
/// scalar.
#[test]
fn kept_singular_steps_give_the_same_walk() {
    let f43 = load("pfq(4,3,1)").unwrap().build(&[]).unwrap();
    let t = [1, 1, 2, 2, 3, 3, 4];
    let w = Walker::new(&f43).unwrap();
    let first = w.walk_projective(&t, &t, 48).unwrap();
    let second = w.walk_projective(&t, &t, 48).unwrap();
    assert_eq!(first, second);
    let exact = w.walk(&t, &t, 48).unwrap().p;
    assert!(proportional(&exact, &second));
    let deeper = w.walk_projective(&t, &t, 70).unwrap();
    assert!(proportional(&w.walk(&t, &t, 70).unwrap().p, &deeper));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The one 2×2 product (`matrix::mul2`: Strassen–Winograd from `FAST_MUL2_BITS` bits) and
    /// Winograd's seven products themselves equal the definition, for entries of a few to 13,000
    /// bits of either sign and with zeros.
    #[test]
    fn two_by_two_products_equal_the_definition(
        a in prop::collection::vec(any_width_entry(), 4),
        b in prop::collection::vec(any_width_entry(), 4),
    ) {
        let (ma, mb) = (IntMatrix { dim: 2, e: a.clone() }, IntMatrix { dim: 2, e: b.clone() });
        let expected = ma.mul_classical(&mb).e;
        prop_assert_eq!(&apery::matrix::mul2(&a, &b).to_vec(), &expected);
        prop_assert_eq!(&apery::matrix::winograd(&a, &b).to_vec(), &expected);
        prop_assert_eq!(&ma.mul(&mb).e, &expected);
    }
}

/// An entry of 0 to 13,000 bits, either sign.
fn any_width_entry() -> impl Strategy<Value = Integer> {
    prop_oneof![
        1 => Just(Integer::new()),
        2 => any::<i64>().prop_map(Integer::from),
        4 => (prop::collection::vec(any::<u64>(), 1..200), any::<bool>()).prop_map(|(limbs, neg)| {
            let x = Integer::from_digits(&limbs, rug::integer::Order::Lsf);
            if neg { -x } else { x }
        }),
    ]
}
