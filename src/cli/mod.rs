//! Command-line interface: one module per subcommand.

mod boinc;
mod cmf;
mod constants;
mod dynamics;
mod esma;
mod eval;
mod generalize;
mod prove;
mod query;
mod search;
mod units;

use anyhow::Context;
use apery::catalog::Catalog;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

/// apery discovers formulas for mathematical constants: it enumerates polynomial continued
/// fractions (PCFs) value = a(0) + b(1)/(a(1) + b(2)/(a(2) + …)), finds those whose limit is a
/// Möbius transform of a known constant, verifies them to high precision and stores them in a
/// deduplicated catalog.
#[derive(Parser, Debug)]
#[command(name = "apery", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  apery search search-spaces/quickstart.toml          run a search (all cores, resumable)
  apery eval --a \"34n^3+51n^2+27n+5\" --b \"-n^6\"       evaluate and identify one PCF
  apery query --constant zeta3 --format latex         read the catalog
  apery constants zeta3 --digits 50                   print a constant
  apery esma search-spaces/esma-e.toml                ESMA on e
  apery bm 2 1 2 1 1 4 1 1 6 1 1 8 1 1 10 1 1 12       recurrence of a sequence
  apery dynamics search-spaces/blind-delta.toml --shard 0/100
  apery cmf pcf zeta3 --trajectory 1,1 --start 1,1     a CMF trajectory as a PCF
  apery generalize --a \"2n+1\" --b \"-n^2\"              a CMF family containing a PCF
  apery prove --all && apery check-proof proofs/*.json  certificates for the catalog
  apery cluster && apery plot clusters --out results/clusters.png
  apery split search-spaces/quickstart.toml --units 8 --out run/units
  apery run-unit run/units/000000.unit --result run/results/000000.result
  apery merge --catalog run/catalog.sqlite run/results && apery status --catalog run/catalog.sqlite

Environment:
  APERY_GMP_GENERIC=1   keep GMP's own choice of inner loops instead of its Skylake loops on newer
                        Intel CPUs it does not know (to compare speed; the results are the same)";

#[derive(Subcommand, Debug)]
enum Command {
    /// Enumerate a search space, verify what is found and store it in the catalog.
    Search(search::Args),
    /// Evaluate one PCF: its limit with the digits that are certain, δ, rate and identification.
    Eval(eval::Args),
    /// Read the catalog.
    Query(query::Args),
    /// List the constant library or print a constant (or expression) to N digits.
    Constants(constants::Args),
    /// ESMA: signed continued fractions of functions of a constant, with Berlekamp–Massey pattern detection.
    Esma(esma::Args),
    /// Find the linear recurrence and interlaced closed form of an integer sequence.
    Bm(esma::BmArgs),
    /// Convergence-dynamics metrics (δ, growth and rate fits) of every PCF of a space (Blind-δ recipe).
    Dynamics(dynamics::Args),
    /// Cluster the metrics of a space (HDBSCAN on the recipe's planes) and label clusters by known formulas.
    Cluster(dynamics::ClusterArgs),
    /// Plots: clusters of a metric plane, or the convergence of one PCF.
    Plot(dynamics::PlotArgs),
    /// Conservative matrix fields: list, check conservation, walk trajectories, trajectory → PCF.
    Cmf(cmf::Args),
    /// Embed a PCF in a conservative matrix field (f, f̄ construction or a bundled field's
    /// trajectory) and store the family of neighbouring formulas in the catalog.
    Generalize(generalize::Args),
    /// Prove catalog conjectures: write checked certificates to proofs/ and record the status.
    Prove(prove::Args),
    /// Re-verify proof certificates exactly, from the files alone.
    CheckProof(prove::CheckArgs),
    /// Split a search space into deterministic work units (unit files).
    Split(units::SplitArgs),
    /// Inspect unit and result files.
    Unit(units::UnitArgs),
    /// Run one work unit on all cores and write its result file (checkpointed, resumable).
    RunUnit(units::RunUnitArgs),
    /// Re-verify result files and merge them into the catalog (idempotent, order-independent).
    Merge(units::MergeArgs),
    /// Coverage of the spaces with merged units: gaps, missing units, conflicts.
    Status(units::StatusArgs),
    /// Write (and optionally submit) a Slurm job array of work units plus its merge job.
    Slurm(units::SlurmArgs),
    /// BOINC project side: templates, validator and assimilator commands.
    Boinc(boinc::Args),
}

/// The `rate` line of `eval` and `cmf walk`: digits gained per term (or per step) and whether the
/// convergence looked geometric.
pub fn rate_line(rate: f64, geometric: bool, per: &str) -> String {
    let kind = if geometric {
        "geometric or faster"
    } else {
        "sub-geometric"
    };
    format!("rate      {rate:.4} digits per {per} ({kind})")
}

/// The default catalog location.
pub fn default_catalog() -> PathBuf {
    PathBuf::from("results/catalog.sqlite")
}

/// The error of a command that needs an existing catalog, when there is none at `path`.
fn missing_catalog(path: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "catalog {} does not exist: run `apery search <space.toml>` first to create it, or pass \
         --catalog PATH",
        path.display()
    )
}

/// Opens an existing catalog for a read-only command (`query`, `plot`): nothing is created or
/// written, so a missing catalog is an error and a read-only one can be read.
pub fn open_catalog_for_reading(path: &Path) -> anyhow::Result<Catalog> {
    if !path.exists() {
        return Err(missing_catalog(path));
    }
    Catalog::open_read_only(path).with_context(|| format!("opening the catalog {}", path.display()))
}

/// Opens an existing catalog for a command that updates it (`cluster`) without creating one.
pub fn open_existing_catalog(path: &Path) -> anyhow::Result<Catalog> {
    if !path.exists() {
        return Err(missing_catalog(path));
    }
    Catalog::open_existing(path).with_context(|| format!("opening the catalog {}", path.display()))
}

/// Parses the command line and runs the subcommand; the exit status is the subcommand's
/// (`eval` ends with 1 for a PCF without a limit).
pub fn run() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Eval(a) => return eval::run(a),
        Command::RunUnit(a) => return units::run_run_unit(a),
        Command::Merge(a) => return units::run_merge(a),
        Command::Boinc(a) => return boinc::run(a),
        Command::Generalize(a) => return generalize::run(a),
        Command::CheckProof(a) => return prove::run_check(a),
        Command::Split(a) => units::run_split(a),
        Command::Unit(a) => units::run_unit_cmd(a),
        Command::Status(a) => units::run_status(a),
        Command::Slurm(a) => units::run_slurm(a),
        Command::Search(a) => search::run(a),
        Command::Query(a) => query::run(a),
        Command::Constants(a) => constants::run(a),
        Command::Esma(a) => esma::run(a),
        Command::Bm(a) => esma::run_bm(a),
        Command::Dynamics(a) => dynamics::run(a),
        Command::Cluster(a) => dynamics::run_cluster(a),
        Command::Plot(a) => dynamics::run_plot(a),
        Command::Cmf(a) => cmf::run(a),
        Command::Prove(a) => prove::run(a),
    }?;
    Ok(std::process::ExitCode::SUCCESS)
}
