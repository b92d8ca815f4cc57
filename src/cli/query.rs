//! `apery query`.

use anyhow::{bail, Result};
use apery::catalog::export::{render, render_cluster, Format};
use apery::catalog::proofs::ProofStatus;
use apery::catalog::{Catalog, Query};
use std::path::PathBuf;

/// Kinds of conjectures in the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Polynomial continued fractions (`apery search`).
    Pcf,
    /// Signed continued fractions of functions of a constant (`apery esma`).
    Esma,
    /// PCFs given by a trajectory of a conservative matrix field (`apery cmf search`), whether or
    /// not `apery search` found them too.
    Cmf,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Pcf => "pcf",
            Kind::Esma => "esma",
            Kind::Cmf => "cmf",
        }
    }
}

/// Arguments of `apery query`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Catalog database to read.
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Only conjectures involving this constant: a library name or alias (zeta3, apery, pi, ln2, …;
    /// see `apery constants`) or a constant as named in the search space.
    #[arg(long)]
    constant: Option<String>,
    /// Only conjectures verified to at least this many significant digits. In the table, `~45`
    /// marks digits that rest on an estimated limit (a polynomially converging PCF evaluated by
    /// Richardson extrapolation), not on an error bound.
    #[arg(long)]
    min_digits: Option<u32>,
    /// Only this kind.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Only conjectures with δ at least this.
    #[arg(long, allow_hyphen_values = true)]
    min_delta: Option<f64>,
    /// Only conjectures found by this search space (its name).
    #[arg(long)]
    space: Option<String>,
    /// List the PCFs of this cluster (from `apery cluster`) with their metrics instead of conjectures.
    #[arg(long)]
    cluster: Option<i64>,
    /// Only conjectures proved by a checked certificate (`apery prove`).
    #[arg(long)]
    proved: bool,
    /// List the proven equivalence classes (`apery prove`): each family's root PCF and its members.
    #[arg(long, conflicts_with = "cluster")]
    families: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
}

/// Output formats of `apery query` (the command-line names of [`Format`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Aligned columns for the terminal.
    Table,
    /// A JSON array (stable schema, see the README).
    Json,
    /// Comma-separated values with a header row.
    Csv,
    /// LaTeX equations, one per conjecture.
    Latex,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Latex => Format::Latex,
        }
    }
}

/// Runs `apery query`: reads the catalog without writing anything.
pub fn run(args: Args) -> Result<()> {
    let catalog = super::open_catalog_for_reading(&args.catalog)?;
    if let Some(k) = args.cluster {
        return print_cluster(&catalog, args.space, k, args.format.into());
    }
    let mut rows = catalog.query(&Query {
        constant: args.constant,
        min_digits: args.min_digits,
        kind: args.kind.map(|k| k.as_str().to_string()),
        min_delta: args.min_delta,
        space: args.space,
    })?;
    // The proof status (from `apery prove`) goes into each row's details as `proof`; the exports
    // add their proof column only when some row has one, so catalogs without proofs export as before.
    let statuses: std::collections::HashMap<String, ProofStatus> = catalog
        .proof_statuses()?
        .into_iter()
        .map(|s| (s.canonical_key.clone(), s))
        .collect();
    if args.families {
        print(&families(&rows, &statuses));
        return Ok(());
    }
    for r in rows.iter_mut() {
        if let (Some(s), Some(d)) = (statuses.get(&r.canonical_key), r.details.as_object_mut()) {
            d.insert("proof".into(), serde_json::Value::String(s.summary()));
        }
    }
    if args.proved {
        rows.retain(|r| {
            statuses
                .get(&r.canonical_key)
                .is_some_and(ProofStatus::is_proved)
        });
    }
    print(&render(&rows, args.format.into()));
    Ok(())
}

/// The proven equivalence classes: conjectures grouped by the root of their certificates.
fn families(
    rows: &[apery::catalog::Conjecture],
    statuses: &std::collections::HashMap<String, ProofStatus>,
) -> String {
    use std::fmt::Write;
    let mut groups: std::collections::BTreeMap<&str, Vec<&apery::catalog::Conjecture>> =
        Default::default();
    for r in rows {
        if let Some(f) = statuses
            .get(&r.canonical_key)
            .filter(|s| s.is_proved())
            .and_then(|s| s.family.as_deref())
        {
            groups.entry(f).or_default().push(r);
        }
    }
    let mut out = String::new();
    for (family, members) in &groups {
        writeln!(out, "family {family}: {} conjecture(s)", members.len()).unwrap();
        for m in members {
            let rel = m.relation.lines().next().unwrap_or_default();
            writeln!(out, "  a(n) = {}, b(n) = {}: {rel}", m.a, m.b).unwrap();
        }
    }
    writeln!(
        out,
        "{} proven equivalence class(es) ({} proved conjecture(s))",
        groups.len(),
        groups.values().map(Vec::len).sum::<usize>()
    )
    .unwrap();
    out
}

/// Writes to stdout; a closed pipe (`apery query | head`) is not an error.
fn print(text: &str) {
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
}

fn print_cluster(catalog: &Catalog, space: Option<String>, k: i64, format: Format) -> Result<()> {
    let spaces = match space {
        Some(s) => vec![s],
        None => catalog.metric_spaces()?,
    };
    let mut rows = Vec::new();
    for s in &spaces {
        rows.extend(catalog.metrics(s, Some(k))?);
    }
    if rows.is_empty() {
        bail!("no PCF in cluster {k} (run `apery cluster` first, or choose --space)");
    }
    print(&render_cluster(&rows, k, format));
    Ok(())
}
