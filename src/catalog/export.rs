//! Exports of catalog rows: an aligned text table, JSON, CSV and LaTeX.
//!
//! The JSON form is the stable schema documented in the README: an array of [`Conjecture`] objects.

use super::Conjecture;
use std::fmt::Write;

/// Output formats of `apery query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
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

fn fmt_opt(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.4}"))
}

fn table(rows: &[Conjecture]) -> String {
    let header = [
        "kind", "a(n)", "b(n)", "relation", "digits", "delta", "rate", "variants",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|c| {
            [
                c.kind.clone(),
                c.a.clone(),
                c.b.clone(),
                c.relation.lines().next().unwrap_or_default().to_string(),
                c.verified_digits.to_string(),
                fmt_opt(c.delta),
                fmt_opt(c.convergence_rate),
                c.variants.to_string(),
            ]
        })
        .collect();
    let mut width = header.map(|h| h.chars().count());
    for r in &cells {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, r: &[String]| {
        let parts: Vec<String> = r
            .iter()
            .zip(width)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "{}", parts.join("  ").trim_end()).unwrap();
    };
    line(&mut out, &header.map(String::from));
    line(&mut out, &width.map(|w| "-".repeat(w)));
    for r in &cells {
        line(&mut out, r);
    }
    writeln!(out, "{} conjecture(s)", rows.len()).unwrap();
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
    let mut out = String::from(
        "kind,a,b,constants,relation,limit,verified_digits,depth,delta,convergence_rate,space,variants,canonical_key\n",
    );
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
        let f: Vec<String> = f.iter().map(|s| csv_field(s)).collect();
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
        writeln!(
            out,
            "% verified to {} digits ({} variant(s), space {})\n\\begin{{equation}}\n{}\n\\end{{equation}}",
            c.verified_digits, c.variants, c.space, body
        )
        .unwrap();
    }
    out
}
