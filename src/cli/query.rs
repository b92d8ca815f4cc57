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
