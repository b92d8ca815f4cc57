//! The named constants of apery and their thread-safe, per-precision cache.

use crate::constants::expr::Expr;
use crate::constants::MAX_PREC;
use rug::float::Constant as MpfrConstant;
use rug::Float;
use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

/// A named mathematical constant known to apery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Constant {
    /// Canonical name (an identifier usable in expressions), e.g. `"zeta3"`.
    pub name: &'static str,
    /// Other names accepted by [`lookup`] and by the expression parser (case-sensitive).
    pub aliases: &'static [&'static str],
    /// Conventional mathematical symbol, e.g. `"ζ(3)"`.
    pub symbol: &'static str,
    /// Short description including the defining formula.
    pub description: &'static str,
}

/// How a constant is computed (kept apart from [`Constant`] so that its public fields stay plain data).
enum Definition {
    /// A value MPFR rounds correctly by itself at any precision.
    Mpfr(fn(u32) -> Float),
    /// A defining expression in apery's expression language, evaluated with certified rounding.
    Expression(&'static str),
}

const LIBRARY: &[Constant] = &[
    Constant {
        name: "pi",
        aliases: &["Pi", "PI", "π"],
        symbol: "π",
        description:
            "Archimedes' constant π = 4·atan(1) = 3.14159…, the ratio of circumference to diameter",
    },
    Constant {
        name: "e",
        aliases: &["E", "exp1"],
        symbol: "e",
        description: "Euler's number e = exp(1) = Σ_{n≥0} 1/n! = 2.71828…",
    },
    Constant {
        name: "ln2",
        aliases: &["log2", "Log2"],
        symbol: "ln 2",
        description: "natural logarithm of 2, ln 2 = Σ_{n≥1} (−1)^{n+1}/n = 0.69314…",
    },
    Constant {
        name: "ln3",
        aliases: &["log3"],
        symbol: "ln 3",
        description: "natural logarithm of 3, ln 3 = 1.09861…",
    },
    Constant {
        name: "zeta2",
        aliases: &["zeta_2"],
        symbol: "ζ(2)",
        description: "ζ(2) = Σ_{n≥1} 1/n² = π²/6 = 1.64493…",
    },
    Constant {
        name: "zeta3",
        aliases: &["zeta_3", "apery", "Apery"],
        symbol: "ζ(3)",
        description: "Apéry's constant ζ(3) = Σ_{n≥1} 1/n³ = 1.20205…",
    },
    Constant {
        name: "zeta4",
        aliases: &["zeta_4"],
        symbol: "ζ(4)",
        description: "ζ(4) = Σ_{n≥1} 1/n⁴ = π⁴/90 = 1.08232…",
    },
    Constant {
        name: "zeta5",
        aliases: &["zeta_5"],
        symbol: "ζ(5)",
        description: "ζ(5) = Σ_{n≥1} 1/n⁵ = 1.03692…",
    },
    Constant {
        name: "zeta6",
        aliases: &["zeta_6"],
        symbol: "ζ(6)",
        description: "ζ(6) = Σ_{n≥1} 1/n⁶ = π⁶/945 = 1.01734…",
    },
    Constant {
        name: "zeta7",
        aliases: &["zeta_7"],
        symbol: "ζ(7)",
        description: "ζ(7) = Σ_{n≥1} 1/n⁷ = 1.00834…",
    },
    Constant {
        name: "catalan",
        aliases: &["Catalan"],
        symbol: "G",
        description: "Catalan's constant G = Σ_{n≥0} (−1)^n/(2n+1)² = 0.91596…",
    },
    Constant {
        name: "euler_gamma",
        aliases: &["EulerGamma", "euler", "γ"],
        symbol: "γ",
        description: "Euler–Mascheroni constant γ = lim_{n→∞} (Σ_{k≤n} 1/k − ln n) = 0.57721…",
    },
    Constant {
        name: "gauss",
        aliases: &["Gauss", "G_B"],
        symbol: "G_B",
        description: "Gauss's constant G = 1/agm(1, √2) = 0.83462…",
    },
    Constant {
        name: "lemniscate",
        aliases: &["varpi", "ϖ"],
        symbol: "ϖ",
        description: "lemniscate constant ϖ = π/agm(1, √2) = π·G_B = 2.62205…",
    },
    Constant {
        name: "sqrt2",
        aliases: &["Sqrt2"],
        symbol: "√2",
        description: "Pythagoras' constant √2 = 1.41421…",
    },
    Constant {
        name: "sqrt3",
        aliases: &["Sqrt3"],
        symbol: "√3",
        description: "Theodorus' constant √3 = 1.73205…",
    },
    Constant {
        name: "phi",
        aliases: &["GoldenRatio", "golden_ratio", "φ"],
        symbol: "φ",
        description: "golden ratio φ = (1 + √5)/2 = 1.61803…",
    },
    Constant {
        name: "pi2",
        aliases: &["pi_squared"],
        symbol: "π²",
        description: "π² = 6·ζ(2) = 9.86960…",
    },
    Constant {
        name: "e2",
        aliases: &["e_squared"],
        symbol: "e²",
        description: "e² = exp(2) = 7.38905…",
    },
    Constant {
        name: "gamma_1_4",
        aliases: &["Gamma0dot25", "gamma_quarter"],
        symbol: "Γ(1/4)",
        description: "Γ(1/4) = ∫₀^∞ t^{−3/4} e^{−t} dt = 3.62560…",
    },
    Constant {
        name: "bessel_ratio_2",
        aliases: &["C_1", "bessel_ratio"],
        symbol: "I₁(2)/I₀(2)",
        description: "Bessel ratio I₁(2)/I₀(2) = 1/(1 + 1/(2 + 1/(3 + …))) = 0.69777…",
    },
];

fn definition(name: &str) -> Definition {
    use Definition::{Expression, Mpfr};
    match name {
        "pi" => Mpfr(|p| Float::with_val(p, MpfrConstant::Pi)),
        "e" => Mpfr(|p| Float::with_val(p, Float::with_val(p, 1).exp_ref())),
        "ln2" => Mpfr(|p| Float::with_val(p, MpfrConstant::Log2)),
        "ln3" => Mpfr(|p| Float::with_val(p, Float::with_val(p, 3).ln_ref())),
        "zeta2" => Mpfr(|p| Float::with_val(p, Float::zeta_u(2))),
        "zeta3" => Mpfr(|p| Float::with_val(p, Float::zeta_u(3))),
        "zeta4" => Mpfr(|p| Float::with_val(p, Float::zeta_u(4))),
        "zeta5" => Mpfr(|p| Float::with_val(p, Float::zeta_u(5))),
        "zeta6" => Mpfr(|p| Float::with_val(p, Float::zeta_u(6))),
        "zeta7" => Mpfr(|p| Float::with_val(p, Float::zeta_u(7))),
        "catalan" => Mpfr(|p| Float::with_val(p, MpfrConstant::Catalan)),
        "euler_gamma" => Mpfr(|p| Float::with_val(p, MpfrConstant::Euler)),
        "sqrt2" => Mpfr(|p| Float::with_val(p, Float::with_val(p, 2).sqrt_ref())),
        "sqrt3" => Mpfr(|p| Float::with_val(p, Float::with_val(p, 3).sqrt_ref())),
        "e2" => Mpfr(|p| Float::with_val(p, Float::with_val(p, 2).exp_ref())),
        "gamma_1_4" => Mpfr(|p| Float::with_val(p, Float::with_val(p, 0.25).gamma_ref())),
        "gauss" => Expression("1/agm(1, sqrt(2))"),
        "lemniscate" => Expression("pi/agm(1, sqrt(2))"),
        "phi" => Expression("(1 + sqrt(5))/2"),
        "pi2" => Expression("pi^2"),
        "bessel_ratio_2" => Expression("besseli(1, 2)/besseli(0, 2)"),
        other => unreachable!("constant '{other}' has no definition"),
    }
}

/// All named constants, in a fixed order (π first).
pub fn library() -> &'static [Constant] {
    LIBRARY
}

/// Finds a constant by its canonical name or one of its aliases (exact, case-sensitive match).
pub fn lookup(name: &str) -> Option<&'static Constant> {
    LIBRARY
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name))
}

type Cache = RwLock<HashMap<(&'static str, u32), Float>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| RwLock::new(HashMap::new()))
}

/// The constant `name` (canonical name or alias) correctly rounded to nearest at `prec_bits` bits.
///
/// Values are cached per (constant, precision) in a process-wide `RwLock`ed map, so concurrent callers
/// (e.g. rayon workers) share work; the lock is not held while a value is computed. Returns `None` for an
/// unknown name or a precision outside `1..=MAX_PREC`.
pub fn value(name: &str, prec_bits: u32) -> Option<Float> {
    let constant = lookup(name)?;
    if prec_bits == 0 || prec_bits > MAX_PREC {
        return None;
    }
    let key = (constant.name, prec_bits);
    if let Some(v) = cache().read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Some(v.clone());
    }
    let v = compute(constant, prec_bits);
    cache()
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert_with(|| v.clone());
    Some(v)
}

fn compute(constant: &Constant, prec: u32) -> Float {
    match definition(constant.name) {
        Definition::Mpfr(f) => f(prec.max(rug::float::prec_min())),
        Definition::Expression(src) => Expr::parse(src)
            .and_then(|e| e.eval(prec))
            .unwrap_or_else(|e| unreachable!("definition of {} failed: {e}", constant.name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_are_unique_and_parse_as_identifiers() {
        let mut seen = std::collections::HashSet::new();
        for c in library() {
            for n in std::iter::once(&c.name).chain(c.aliases.iter()) {
                assert!(seen.insert(*n), "duplicate name {n}");
                assert!(
                    crate::constants::Func::from_name(n).is_none(),
                    "{n} is a function"
                );
                let e = Expr::parse(n).unwrap_or_else(|e| panic!("{n}: {e}"));
                assert_eq!(e.to_string(), c.name);
            }
            assert!(!c.description.is_empty() && !c.symbol.is_empty());
        }
    }

    #[test]
    fn every_definition_evaluates() {
        for c in library() {
            let v = value(c.name, 64).expect("known constant");
            assert!(v.is_finite() && v > 0, "{}", c.name);
        }
        assert!(value("nope", 64).is_none());
        assert!(value("pi", 0).is_none());
    }
}
