//! The human-readable rendering of a certificate: Markdown with LaTeX formulas.

use super::equivalence::{Base, Convergence};
use super::{Certificate, Limit, Proven};
use crate::poly::Poly;
use std::fmt::Write;

fn lim_tex(l: &Limit) -> String {
    let k = match l.constant.as_str() {
        "pi" => "\\pi".to_string(),
        "zeta3" => "\\zeta(3)".to_string(),
        "zeta2" => "\\zeta(2)".to_string(),
        "ln2" => "\\ln 2".to_string(),
        "catalan" => "G".to_string(),
        other => other.to_string(),
    };
    let lin = |c: &[super::json::JsonInt; 2]| -> String {
        Poly::new(vec![c[0].0.clone(), c[1].0.clone()])
            .latex()
            .replace('n', &k)
    };
    let (num, den) = (lin(&l.numerator), lin(&l.denominator));
    if den == "1" {
        num
    } else {
        format!("\\frac{{{num}}}{{{den}}}")
    }
}

fn p(x: &Poly) -> String {
    x.latex()
}

/// The Markdown + LaTeX rendering of a checked certificate.
pub fn markdown(cert: &Certificate, proven: &Proven) -> String {
    let mut o = String::new();
    let pcf = &proven.pcf;
    writeln!(
        o,
        "# Proof: $a(n) = {}$, $b(n) = {}$\n",
        p(&pcf.a),
        p(&pcf.b)
    )
    .unwrap();
    writeln!(
        o,
        "**Theorem.** The continued fraction converges and\n\n$$ {} = {} $$\n",
        pcf.latex(),
        lim_tex(&proven.limit)
    )
    .unwrap();
    writeln!(
        o,
        "Certificate kind: **{}**; it rests on the anchor(s) {} of `proofs/anchors.toml`. \
         Re-check it with `apery check-proof` on the JSON file of the same name.\n",
        cert.kind(),
        proven
            .anchors
            .iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
    .unwrap();
    match cert {
        Certificate::Equivalence(e) => {
            let base = match &e.base {
                Base::Anchor(a) => format!("the anchor `{}`: {} ({})", a.id, a.name, a.reference),
                Base::Certificate(c) => {
                    let inner = c.pcf().map(|q| q.to_string()).unwrap_or_default();
                    format!(
                        "the PCF {inner}, proved by the embedded {} certificate",
                        c.kind()
                    )
                }
            };
            writeln!(o, "## Coboundary\n\nBase: {base}.\n").unwrap();
            let u = &e.u;
            writeln!(
                o,
                "With $M_i(n) = \\begin{{pmatrix}} 0 & b_i(n) \\\\ 1 & a_i(n) \\end{{pmatrix}}$, \
                 $s_1 = {}$, $s_2 = {}$, $\\ell(n) = {}$, $r(n) = {}$ and\n\n\
                 $$ U(n) = \\begin{{pmatrix}} {} & {} \\\\ {} & {} \\end{{pmatrix}} $$\n\n\
                 the identity $\\ell(n)\\,M_1(n+s_1)\\,U(n+1) = r(n)\\,U(n)\\,M_2(n+s_2)$ holds in \
                 $\\mathbb{{Z}}[n]$, and $\\ell(n)\\,r(n)\\det U(n) \\ne 0$ for all integers $n \\ge n_0 = {}$.\n",
                e.shift[0],
                e.shift[1],
                p(&e.ell),
                p(&e.r),
                p(&u[0][0]),
                p(&u[0][1]),
                p(&u[1][0]),
                p(&u[1][1]),
                e.n0
            )
            .unwrap();
            let t = &e.mobius;
            writeln!(
                o,
                "The initial products give $T = H_2\\,U(n_0)^{{-1}}H_1^{{-1}} \\propto \
                 \\begin{{pmatrix}} {} & {} \\\\ {} & {} \\end{{pmatrix}}$, and the limit is \
                 $T(L_1) = \\frac{{{}\\,L_1 + {}}}{{{}\\,L_1 + {}}}$.\n",
                t[0][0].0,
                t[0][1].0,
                t[1][0].0,
                t[1][1].0,
                t[0][0].0,
                t[0][1].0,
                t[1][0].0,
                t[1][1].0
            )
            .unwrap();
            let rule = match &e.convergence {
                Convergence::Column => "column ($u_{12} = 0$)".to_string(),
                Convergence::Swap => "swap ($u_{22} = 0$)".to_string(),
                Convergence::Mediant(q) => format!(
                    "mediant, with $q_m \\ge ({})\\,q_{{m-1}} > 0$ for $m \\ge {}$",
                    p(&q.rho),
                    q.m0
                ),
                Convergence::Dominated(q) => format!(
                    "dominated, with $q_m \\ge ({})\\,q_{{m-1}} > 0$ for $m \\ge {}$",
                    p(&q.rho),
                    q.m0
                ),
            };
            writeln!(o, "Convergence rule: {rule}.\n").unwrap();
        }
        Certificate::Euler(e) => {
            writeln!(
                o,
                "## Euler family\n\n$h_1(n) = {}$, $h_2(n) = {}$, $f(n) = {}$: \
                 $b(n) = -h_1(n)h_2(n)$ and $f(n)a(n) = f(n-1)h_1(n) + f(n+1)h_2(n+1)$, so\n\n\
                 $$ \\frac{{p_N}}{{q_N}} = a(0) + \\frac{{f(1)h_2(1)}}{{f(0)}}\\Big(\\frac{{1}}{{S_N}} - 1\\Big), \\quad \
                 S_N = \\sum_{{k=0}}^{{N}} \\frac{{f(0)f(1)}}{{f(k)f(k+1)}}\\prod_{{i=1}}^{{k}}\\frac{{h_1(i)}}{{h_2(i+1)}}. $$\n\n\
                 The series is the anchor `{}` ({}; {}) from its term {} on, divided by that term.\n",
                p(&e.h1),
                p(&e.h2),
                p(&e.f),
                e.series.id,
                e.series.name,
                e.series.reference,
                e.series_shift
            )
            .unwrap();
        }
        Certificate::Membership(_) => {
            writeln!(o, "## CMF membership\n").unwrap();
        }
    }
    writeln!(o, "## Checked\n").unwrap();
    for s in &proven.steps {
        writeln!(o, "- {s}").unwrap();
    }
    o
}
