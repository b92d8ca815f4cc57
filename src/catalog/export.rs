//! Exports of catalog rows: an aligned text table, JSON, CSV and LaTeX.
//!
//! The JSON form is the stable schema documented in the README: an array of [`Conjecture`] objects.

use super::metrics::MetricsRow;
use super::Conjecture;
use std::fmt::Write;

/// Output formats of `apery query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns for the terminal.
    Table,
    /// A JSON array (stable schema, see the README).
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// LaTeX equations, one per conjecture.
    Latex,
}

/// Renders conjectures in the given format.
pub fn render(rows: &[Conjecture], format: Format) -> String {
    match format {
        Format::Table => table(rows),
        Format::Json => serde_json::to_string_pretty(rows).expect("serialisable") + "\n",
        Format::Csv => csv(rows),
        Format::Latex => latex(rows),
    }
}

/// The proof status a row carries in `details.proof` (set by `apery query` from the catalog's
/// proofs table), if any row has one: exports add a proof column only then.
fn proof_of(c: &Conjecture) -> Option<&str> {
    c.details.get("proof").and_then(|v| v.as_str())
}

fn any_proof(rows: &[&Conjecture]) -> bool {
    rows.iter().any(|c| proof_of(c).is_some())
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.4}"))
}

/// Aligned columns under `header`, with a rule under the header.
fn aligned(header: &[&str], cells: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in cells {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, r: &[String]| {
        let parts: Vec<String> = r
            .iter()
            .zip(&width)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "{}", parts.join("  ").trim_end()).unwrap();
    };
    let head: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    line(&mut out, &head);
    let rule: Vec<String> = width.iter().map(|&w| "-".repeat(w)).collect();
    line(&mut out, &rule);
    for r in cells {
        line(&mut out, r);
    }
    out
}

/// PCF rows under `a(n)`, `b(n)`; ESMA rows (whose `a` is the left-hand side and `b` the sign
/// period) in a table of their own with those headers.
/// The digits cell of the table: `45`, or `~45` when they rest on an estimated limit
/// ([`Conjecture::digits_estimated`]).
fn digits_cell(c: &Conjecture) -> String {
    if c.digits_estimated() {
        format!("~{}", c.verified_digits)
    } else {
        c.verified_digits.to_string()
    }
}

fn table(rows: &[Conjecture]) -> String {
    let first_line = |c: &Conjecture| c.relation.lines().next().unwrap_or_default().to_string();
    let (esma, pcf): (Vec<&Conjecture>, Vec<&Conjecture>) =
        rows.iter().partition(|c| c.kind == "esma");
    let mut out = String::new();
    if !pcf.is_empty() || esma.is_empty() {
        let with_cmf = pcf.iter().any(|c| !c.cmf_sources.is_empty());
        let with_proof = any_proof(&pcf);
        let cells: Vec<Vec<String>> = pcf
            .iter()
            .map(|c| {
                let mut row = vec![
                    c.kind.clone(),
                    c.a.clone(),
                    c.b.clone(),
                    first_line(c),
                    digits_cell(c),
                    fmt_opt(c.delta),
                    fmt_opt(c.convergence_rate),
                    c.variants.to_string(),
                ];
                if with_cmf {
                    row.push(cmf_cell(c));
                }
                if with_proof {
                    row.push(proof_of(c).unwrap_or("conjecture").to_string());
                }
                row
            })
            .collect();
        let mut header = vec![
            "kind", "a(n)", "b(n)", "relation", "digits", "delta", "rate", "variants",
        ];
        if with_cmf {
            header.push("cmf trajectory");
        }
        if with_proof {
            header.push("proof");
        }
        out += &aligned(&header, &cells);
    }
    if !esma.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        let cells: Vec<Vec<String>> = esma
            .iter()
            .map(|c| {
                vec![
                    c.kind.clone(),
                    c.a.clone(),
                    c.b.trim_start_matches("signs ").to_string(),
                    first_line(c),
                    c.verified_digits.to_string(),
                    fmt_opt(c.convergence_rate),
                ]
            })
            .collect();
        out += &aligned(
            &[
                "kind",
                "left-hand side",
                "sign period",
                "signed continued fraction",
                "digits",
                "rate",
            ],
            &cells,
        );
    }
    writeln!(out, "{} conjecture(s)", rows.len()).unwrap();
    out
}

/// The first CMF source of a row (`zeta3 (1,1) from (1,1)`) and how many more there are.
fn cmf_cell(c: &Conjecture) -> String {
    match c.cmf_sources.split_first() {
        None => "-".into(),
        Some((first, [])) => first.describe(),
        Some((first, rest)) => format!("{} (+{} more)", first.describe(), rest.len()),
    }
}

/// Renders the metrics rows of cluster `k` (`apery query --cluster K`) in the given format: JSON
/// (an array of [`MetricsRow`] objects), CSV with a header row, LaTeX (a `tabular`) or a table.
pub fn render_cluster(rows: &[MetricsRow], k: i64, format: Format) -> String {
    let f = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
    match format {
        Format::Json => serde_json::to_string_pretty(rows).expect("serialisable") + "\n",
        Format::Csv => {
            let mut out = String::from(
                "index,a,b,fr_delta,eta_prime,gamma_prime,eta,gamma,limit,cluster,label,canonical_key\n",
            );
            for r in rows {
                let m = &r.metrics;
                let fields = [
                    r.index.to_string(),
                    r.a.clone(),
                    r.b.clone(),
                    f(m.fr_delta),
                    f(m.eta_prime),
                    f(m.gamma_prime),
                    f(m.eta),
                    f(m.gamma),
                    m.limit_digits.clone().unwrap_or_default(),
                    r.cluster.map_or(String::new(), |c| c.to_string()),
                    r.label.clone().unwrap_or_default(),
                    r.canonical_key.clone(),
                ];
                let fields: Vec<String> = fields.iter().map(|s| csv_field(s)).collect();
                writeln!(out, "{}", fields.join(",")).unwrap();
            }
            out
        }
        Format::Latex => {
            let mut out = format!(
                "% apery: the {} PCF(s) of cluster {k}\n\\begin{{tabular}}{{rllrrrl}}\n\
                 index & $a(n)$ & $b(n)$ & FR$\\Delta$ & $\\eta'$ & $\\gamma'$ & label \\\\\n\\hline\n",
                rows.len()
            );
            let g = |x: Option<f64>| x.map_or("--".to_string(), |v| format!("{v:.4}"));
            for r in rows {
                let m = &r.metrics;
                writeln!(
                    out,
                    "{} & \\texttt{{{}}} & \\texttt{{{}}} & {} & {} & {} & {} \\\\",
                    r.index,
                    tex_escape(&r.a),
                    tex_escape(&r.b),
                    g(m.fr_delta),
                    g(m.eta_prime),
                    g(m.gamma_prime),
                    tex_escape(r.label.as_deref().unwrap_or_default())
                )
                .unwrap();
            }
            out + "\\end{tabular}\n"
        }
        Format::Table => {
            let g = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.index.to_string(),
                        r.a.clone(),
                        r.b.clone(),
                        g(r.metrics.fr_delta),
                        g(r.metrics.eta_prime),
                        g(r.metrics.gamma_prime),
                        r.label.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            aligned(
                &[
                    "index", "a(n)", "b(n)", "fr_delta", "eta'", "gamma'", "label",
                ],
                &cells,
            ) + &format!("{} PCF(s) in cluster {k}\n", rows.len())
        }
    }
}

/// Text set literally in LaTeX (inside `\texttt`).
fn tex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '_' | '#' | '%' | '&' | '$' | '{' | '}' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: &[Conjecture]) -> String {
    // The provenance and proof columns appear only when some row has a CMF source or a proof
    // status, so other catalogs export exactly as before.
    let with_cmf = rows.iter().any(|c| !c.cmf_sources.is_empty());
    let with_proof = any_proof(&rows.iter().collect::<Vec<_>>());
    let mut out = String::from(
        "kind,a,b,constants,relation,limit,verified_digits,depth,delta,convergence_rate,space,variants,canonical_key",
    );
    if with_cmf {
        out.push_str(",cmf_sources");
    }
    out.push_str(if with_proof { ",proof\n" } else { "\n" });
    for c in rows {
        let f = [
            c.kind.clone(),
            c.a.clone(),
            c.b.clone(),
            c.constants.join(" "),
            c.relation.clone(),
            c.limit.clone(),
            c.verified_digits.to_string(),
            c.depth.to_string(),
            c.delta.map_or(String::new(), |d| d.to_string()),
            c.convergence_rate.map_or(String::new(), |d| d.to_string()),
            c.space.clone(),
            c.variants.to_string(),
            c.canonical_key.clone(),
        ];
        let mut f: Vec<String> = f.iter().map(|s| csv_field(s)).collect();
        if with_cmf {
            let sources: Vec<String> = c.cmf_sources.iter().map(|s| s.describe()).collect();
            f.push(csv_field(&sources.join("; ")));
        }
        if with_proof {
            f.push(csv_field(proof_of(c).unwrap_or("conjecture")));
        }
        writeln!(out, "{}", f.join(",")).unwrap();
    }
    out
}

fn latex(rows: &[Conjecture]) -> String {
    let mut out = String::from("% apery conjectures — requires amsmath\n");
    for c in rows {
        let body = c
            .details
            .get("latex")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("\\text{{{}}}", c.relation));
        for line in c.relation.lines() {
            writeln!(out, "% {}", line.trim_start()).unwrap();
        }
        for src in &c.cmf_sources {
            writeln!(
                out,
                "% CMF {} (space {}): PCF ({}, {})",
                src.describe(),
                src.space,
                src.a,
                src.b
            )
            .unwrap();
        }
        if let Some(p) = proof_of(c) {
            writeln!(out, "% proof: {p}").unwrap();
        }
        writeln!(
            out,
            "% verified to {} digits{} ({} variant(s), space {})\n\\begin{{equation}}\n{}\n\\end{{equation}}",
            c.verified_digits,
            if c.digits_estimated() {
                " (estimated: Richardson extrapolation)"
            } else {
                ""
            },
            c.variants,
            c.space,
            body
        )
        .unwrap();
    }
    out
}
