//! `apery query`.

use anyhow::{Context, Result};
use apery::catalog::export::{render, Format};
use apery::catalog::{Catalog, Query};
use std::path::PathBuf;

/// Arguments of `apery query`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Catalog database to read.
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Only conjectures involving this constant (as named in the search space, e.g. zeta3, pi, e).
    #[arg(long)]
    constant: Option<String>,
    /// Only conjectures verified to at least this many digits.
    #[arg(long)]
    min_digits: Option<u32>,
    /// Only this kind: pcf or esma.
    #[arg(long)]
    kind: Option<String>,
    /// Only conjectures with δ at least this.
    #[arg(long, allow_hyphen_values = true)]
    min_delta: Option<f64>,
    /// Only conjectures found by this search space (its name).
    #[arg(long)]
    space: Option<String>,
    /// List the PCFs of this cluster (from `apery cluster`) with their metrics instead of conjectures.
    #[arg(long)]
    cluster: Option<i64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Runs `apery query`.
pub fn run(args: Args) -> Result<()> {
    if !args.catalog.exists() {
        anyhow::bail!(
            "no catalog at {} — run `apery search <space.toml>` first, or pass --catalog",
            args.catalog.display()
        );
    }
    let catalog = Catalog::open(&args.catalog)
        .with_context(|| format!("opening {}", args.catalog.display()))?;
    if let Some(k) = args.cluster {
        return print_cluster(&catalog, args.space, k, args.format);
    }
    let rows = catalog.query(&Query {
        constant: args.constant,
        min_digits: args.min_digits,
        kind: args.kind,
        min_delta: args.min_delta,
        space: args.space,
    })?;
    // A closed pipe (`apery query | head`) is not an error.
    let _ = std::io::Write::write_all(
        &mut std::io::stdout(),
        render(&rows, args.format).as_bytes(),
    );
    Ok(())
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
        anyhow::bail!("no PCF in cluster {k} (run `apery cluster` first, or choose --space)");
    }
    let out = match format {
        Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
        _ => {
            let mut t = format!(
                "{:<8} {:<24} {:<24} {:>10} {:>10} {:>10}  {}\n",
                "index", "a(n)", "b(n)", "fr_delta", "eta'", "gamma'", "label"
            );
            let f = |x: Option<f64>| x.map_or("-".to_string(), |v| format!("{v:.4}"));
            for r in &rows {
                t += &format!(
                    "{:<8} {:<24} {:<24} {:>10} {:>10} {:>10}  {}\n",
                    r.index,
                    r.a,
                    r.b,
                    f(r.metrics.fr_delta),
                    f(r.metrics.eta_prime),
                    f(r.metrics.gamma_prime),
                    r.label.clone().unwrap_or_default()
                );
            }
            t + &format!("{} PCF(s) in cluster {k}\n", rows.len())
        }
    };
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    Ok(())
}
