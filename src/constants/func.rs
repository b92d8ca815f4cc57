//! The functions of the expression language: names, aliases, arities and definitions.

/// A function of the expression language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Func {
    /// √x (x ≥ 0).
    Sqrt,
    /// eˣ.
    Exp,
    /// Natural logarithm ln x (x > 0); alias `ln`.
    Log,
    /// sin x.
    Sin,
    /// cos x.
    Cos,
    /// tan x.
    Tan,
    /// atan x ∈ (−π/2, π/2).
    Atan,
    /// asinh x = ln(x + √(x²+1)).
    Asinh,
    /// acosh x = ln(x + √(x²−1)) (x ≥ 1).
    Acosh,
    /// atanh x = ½ ln((1+x)/(1−x)) (|x| < 1).
    Atanh,
    /// sinh x.
    Sinh,
    /// cosh x.
    Cosh,
    /// tanh x.
    Tanh,
    /// Γ(x) = ∫₀^∞ t^{x−1}e^{−t} dt (x not a non-positive integer).
    Gamma,
    /// zeta(s) = Σ n^{−s} (real s ≠ 1, MPFR) or zeta(s, a) = Σ (a+k)^{−s} (integer s ≥ 2, Euler–Maclaurin).
    Zeta,
    /// Arithmetic–geometric mean agm(a, b) of a, b ≥ 0.
    Agm,
    /// Modified Bessel function I_ν(x) = Σ (x/2)^{2k+ν}/(k! Γ(k+ν+1)).
    BesselI,
    /// Kummer's ₁F₁(a; b; z) = Σ (a)_k/(b)_k z^k/k!.
    Hyp1f1,
    /// ψ⁽ᵐ⁾(x) = (−1)^{m+1} m! ζ(m+1, x) for m ≥ 1, digamma for m = 0.
    Polygamma,
    /// Exact rational p/q of two integers (sympy's `Rational(p, q)`, also written `sp.Rational`).
    Rational,
}

impl Func {
    /// All functions, in documentation order.
    pub const ALL: &'static [Func] = &[
        Func::Sqrt,
        Func::Exp,
        Func::Log,
        Func::Sin,
        Func::Cos,
        Func::Tan,
        Func::Atan,
        Func::Asinh,
        Func::Acosh,
        Func::Atanh,
        Func::Sinh,
        Func::Cosh,
        Func::Tanh,
        Func::Gamma,
        Func::Zeta,
        Func::Agm,
        Func::BesselI,
        Func::Hyp1f1,
        Func::Polygamma,
        Func::Rational,
    ];

    /// Canonical name, used by `Display`.
    pub fn name(self) -> &'static str {
        match self {
            Func::Sqrt => "sqrt",
            Func::Exp => "exp",
            Func::Log => "log",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Atan => "atan",
            Func::Asinh => "asinh",
            Func::Acosh => "acosh",
            Func::Atanh => "atanh",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Tanh => "tanh",
            Func::Gamma => "gamma",
            Func::Zeta => "zeta",
            Func::Agm => "agm",
            Func::BesselI => "besseli",
            Func::Hyp1f1 => "hyp1f1",
            Func::Polygamma => "polygamma",
            Func::Rational => "Rational",
        }
    }

    /// Other accepted spellings (case-sensitive).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Func::Log => &["ln"],
            Func::Gamma => &["Gamma"],
            Func::BesselI => &["besselI", "BesselI"],
            Func::Hyp1f1 => &["hyp1F1"],
            _ => &[],
        }
    }

    /// Accepted numbers of arguments (inclusive range).
    pub fn arity(self) -> (usize, usize) {
        match self {
            Func::Zeta => (1, 2),
            Func::Agm | Func::BesselI | Func::Polygamma | Func::Rational => (2, 2),
            Func::Hyp1f1 => (3, 3),
            _ => (1, 1),
        }
    }

    /// Looks a function up by canonical name or alias.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL
            .iter()
            .copied()
            .find(|f| f.name() == name || f.aliases().contains(&name))
    }
}
