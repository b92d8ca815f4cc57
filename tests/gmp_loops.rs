//! GMP's CPU-specific loops (`apery::gmp_cpu`) give the same integers as its generic ones.
//!
//! The in-process test checks GMP's products, squares, quotients and gcds after the selection
//! against residues computed here limb by limb (a slow oracle that does not use GMP), over sizes
//! from one limb through the basecase, Toom and FFT ranges. The CLI test runs the same commands
//! with GMP's own choice (`APERY_GMP_GENERIC=1`) and with the selection, and compares the output.

use assert_cmd::Command;
use rug::{Complete, Integer};

/// Three primes below 2⁶¹ for the residue checks.
const PRIMES: [u64; 3] = [
    2_305_843_009_213_693_951,
    2_305_843_009_213_693_921,
    1_000_000_000_000_000_003,
];

/// `x mod p` from the 64-bit limbs of `|x|`, most significant first, with sign.
fn residue(x: &Integer, p: u64) -> u64 {
    let mut r: u128 = 0;
    for &limb in x.as_limbs().iter().rev() {
        r = ((r << 64) | limb as u128) % p as u128;
    }
    let r = r as u64;
    if x.is_negative() && r != 0 {
        p - r
    } else {
        r
    }
}

fn mulmod(a: u64, b: u64, p: u64) -> u64 {
    (a as u128 * b as u128 % p as u128) as u64
}

/// A deterministic pseudo-random integer of `limbs` 64-bit limbs (xorshift, top limb nonzero).
fn pseudo_random(limbs: usize, seed: u64) -> Integer {
    let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v: Vec<u64> = (0..limbs)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        })
        .collect();
    if let Some(top) = v.last_mut() {
        *top |= 1 << 63;
    }
    Integer::from_digits(&v, rug::integer::Order::Lsf)
}

#[test]
fn gmp_loops_compute_the_same_integers() {
    let choice = apery::gmp_cpu::select();
    assert_eq!(apery::gmp_cpu::selected(), Some(choice));
    let sizes = (1..=40)
        .chain((41..=400).step_by(7))
        .chain([1000, 3000, 9000]);
    for (i, n) in sizes.enumerate() {
        let a = pseudo_random(n, 2 * i as u64 + 1);
        let b = -pseudo_random(n / 2 + 1, 2 * i as u64 + 2);
        let prod = (&a * &b).complete();
        let sq = (&a * &a).complete();
        for p in PRIMES {
            let (ra, rb) = (residue(&a, p), residue(&b, p));
            assert_eq!(
                residue(&prod, p),
                mulmod(ra, rb, p),
                "{n} limbs: a·b mod {p}"
            );
            assert_eq!(residue(&sq, p), mulmod(ra, ra, p), "{n} limbs: a² mod {p}");
        }
        let (q, r) = prod.clone().div_rem(b.clone());
        assert_eq!((q, r), (a.clone(), Integer::new()), "{n} limbs: (a·b)/b");
        let c = pseudo_random(n / 3 + 1, 7 * i as u64 + 3);
        let (ac, bc) = ((&a * &c).complete(), (&b * &c).complete());
        let g = ac.clone().gcd(&bc);
        assert!(g.is_divisible(&c), "{n} limbs: c divides gcd(a·c, b·c)");
        assert!(
            ac.is_divisible(&g) && bc.is_divisible(&g),
            "{n} limbs: the gcd divides both"
        );
    }
}

fn output(args: &[&str], generic: bool) -> String {
    let mut cmd = Command::cargo_bin("apery").unwrap();
    cmd.args(args);
    if generic {
        cmd.env("APERY_GMP_GENERIC", "1");
    } else {
        cmd.env_remove("APERY_GMP_GENERIC");
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn output_does_not_depend_on_gmp_loops() {
    let cases: [&[&str]; 2] = [
        &[
            "eval",
            "--a",
            "34n^3+51n^2+27n+5",
            "--b",
            "-n^6",
            "--digits",
            "3000",
        ],
        &[
            "cmf",
            "walk",
            "zeta3",
            "--trajectory",
            "2,1",
            "--start",
            "1,1",
            "--depth",
            "400",
            "--json",
        ],
    ];
    for args in cases {
        let generic = output(args, true);
        assert!(generic.len() > 1000, "{args:?} printed {generic}");
        assert_eq!(generic, output(args, false), "{args:?}");
    }
}
