//! `apery split`, `unit show`, `run-unit`, `merge`, `status` and `slurm`: deterministic work units.

use anyhow::{bail, Context, Result};
use apery::cancel::Cancel;
use apery::catalog::Catalog;
use apery::unit::merge::{self, MergeOptions, MergeStatus, Recheck};
use apery::unit::{
    self, CompatError, Outcome, Periodic, RunOptions, Split, Unit, UnitResult, Work,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Exit status of `run-unit` when it stopped early (SIGTERM, SIGINT) after writing a checkpoint:
/// the unit is not finished and a rerun resumes it.
pub const EXIT_INTERRUPTED: u8 = 75;
/// Exit status of `run-unit` for a unit of another compatibility version.
pub const EXIT_COMPAT: u8 = 4;
/// Exit status of `merge` when a result file was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit status of `merge --require-complete` while coverage gaps remain.
pub const EXIT_INCOMPLETE: u8 = 3;

/// What the units compute.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// The search (`apery search`): verified formulas.
    Search,
    /// The convergence-dynamics metrics of every PCF (`apery dynamics`).
    Dynamics,
}

/// The work of the units: `--stage` and `--depth`.
#[derive(clap::Args, Debug)]
struct WorkArgs {
    /// What the units compute: the search's formulas, or the metrics of `apery dynamics`.
    #[arg(long, value_enum, default_value_t = Stage::Search)]
    stage: Stage,
    /// Depth of the metrics (with `--stage dynamics`; default 2000, as `apery dynamics`).
    #[arg(long)]
    depth: Option<u64>,
}

impl WorkArgs {
    fn work(&self) -> Result<Work> {
        match (self.stage, self.depth) {
            (Stage::Search, None) => Ok(Work::Search),
            (Stage::Search, Some(_)) => bail!("--depth needs --stage dynamics"),
            (Stage::Dynamics, d) => Ok(Work::Dynamics {
                depth: d.unwrap_or(apery::dynamics::metrics::DEFAULT_DEPTH as u64),
            }),
        }
    }
}

/// Arguments of `apery split`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  apery split search-spaces/pi-classic.toml --units 64 --out units/
  apery split search-spaces/dynamics-small.toml --stage dynamics --depth 2000 --units 8 --out dyn-units/")]
pub struct SplitArgs {
    /// The search-space file (TOML).
    space: PathBuf,
    #[command(flatten)]
    work: WorkArgs,
    /// Number of units (contiguous index ranges of nearly equal size).
    #[arg(
        long,
        conflicts_with = "unit_seconds",
        required_unless_present = "unit_seconds"
    )]
    units: Option<u64>,
    /// Size units to take about this many seconds each on one core of this machine (measured on
    /// the first indices of the space).
    #[arg(long, value_name = "S")]
    unit_seconds: Option<f64>,
    /// Directory for the unit files (`000000.unit`, `000001.unit`, …).
    #[arg(long)]
    out: PathBuf,
    /// Checkpoint and witness granularity in indices (default: the search's chunk size).
    #[arg(long, value_name = "B")]
    block_size: Option<u64>,
}

/// The file name of unit `i` of `n`: zero-padded to at least 6 digits (a Slurm array index).
pub fn unit_file_name(i: u64, n: u64) -> String {
    let w = n.saturating_sub(1).to_string().len().max(6);
    format!("{i:0w$}.unit")
}

fn read_space_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read the file", path.display()))
}

/// Writes the units of `split` into `out`; returns their number.
fn write_units(split: &Split, out: &Path) -> Result<u64> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for i in 0..split.len() {
        let path = out.join(unit_file_name(i, split.len()));
        std::fs::write(&path, split.unit(i).encode())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(split.len())
}

/// Runs `apery split`.
pub fn run_split(args: SplitArgs) -> Result<()> {
    let text = read_space_text(&args.space)?;
    let work = args.work.work()?;
    let n = match (args.units, args.unit_seconds) {
        (Some(n), _) => n,
        (None, Some(s)) => {
            if !(s.is_finite() && s > 0.0) {
                bail!("--unit-seconds must be a positive number of seconds");
            }
            let space = apery::space::SearchSpace::from_toml(&text, &args.space)?;
            let block = args
                .block_size
                .unwrap_or_else(|| work.default_block_size(&space));
            let one = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .context("a one-thread pool")?;
            let rate = one
                .install(|| unit::measure_rate_for(work, &space, block, Duration::from_secs(2)))?;
            let size = Split::new_for(work, &text, &args.space, 1, args.block_size)?
                .unit(0)
                .n_total;
            let per_unit = (rate * s).max(1.0);
            let n = ((size as f64 / per_unit).ceil() as u64).clamp(1, size.max(1));
            eprintln!(
                "measured {rate:.3e} candidates per second on one core: {n} units of about {per_unit:.0} candidates"
            );
            n
        }
        (None, None) => bail!("give --units N or --unit-seconds S"),
    };
    let split = Split::new_for(work, &text, &args.space, n, args.block_size)?;
    let t = Instant::now();
    write_units(&split, &args.out)?;
    let u0 = split.unit(0);
    eprintln!(
        "space '{}' ({} candidates, hash {}): {} units written to {} in {:.2} s",
        args.space.display(),
        u0.n_total,
        &u0.space_hash[..16],
        n,
        args.out.display(),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Arguments of `apery unit`.
#[derive(clap::Args, Debug)]
pub struct UnitArgs {
    #[command(subcommand)]
    command: UnitCommand,
}

#[derive(clap::Subcommand, Debug)]
enum UnitCommand {
    /// Print a unit or result file as JSON.
    Show {
        /// A `.unit` or `.result` file.
        file: PathBuf,
    },
}

/// Runs `apery unit`.
pub fn run_unit_cmd(args: UnitArgs) -> Result<()> {
    let UnitCommand::Show { file } = args.command;
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let name = file.display().to_string();
    let json = if bytes.starts_with(b"APRYRSLT") {
        let (r, digest) = UnitResult::decode(&bytes, &name)?;
        let mut v = serde_json::json!({
            "kind": "result",
            "digest": digest,
            "witness": unit::hex(&r.witness),
            "counters": r.counters,
            "conjectures": r.conjectures,
            "metrics": r.metrics,
        });
        v["unit"] = serde_json::to_value(&r.unit)?;
        v
    } else {
        let u = Unit::decode(&bytes, &name)?;
        let mut v = serde_json::to_value(&u)?;
        v["kind"] = "unit".into();
        v
    };
    println!("{}", serde_json::to_string_pretty(&json)?);
    Ok(())
}

/// Arguments of `apery run-unit`.
#[derive(clap::Args, Debug)]
pub struct RunUnitArgs {
    /// The unit file.
    unit: PathBuf,
    /// Where to write the result (atomically).
    #[arg(long)]
    result: PathBuf,
    /// Directory of the checkpoint `<unit id>.ckpt` (none: no checkpoints).
    #[arg(long)]
    checkpoint_dir: Option<PathBuf>,
    /// Seconds between checkpoints (0: after every block).
    #[arg(long, default_value_t = 60.0)]
    checkpoint_secs: f64,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Testing aid: stop as if interrupted after this many blocks.
    #[arg(long, hide = true)]
    stop_after_blocks: Option<u64>,
}

static SIGNALLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    SIGNALLED.store(true, Ordering::SeqCst);
}

/// SIGTERM and SIGINT cancel `cancel` (the run then checkpoints and exits with
/// [`EXIT_INTERRUPTED`]). The handler only sets a flag; a watcher thread does the rest.
fn install_term_handler(cancel: Cancel) {
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        let h = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGTERM, h);
        libc::signal(libc::SIGINT, h);
    }
    std::thread::spawn(move || loop {
        if SIGNALLED.load(Ordering::SeqCst) {
            eprintln!("signal received: checkpointing and stopping");
            cancel.cancel();
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    });
}

/// Runs `apery run-unit`: 0 when the result is written, [`EXIT_INTERRUPTED`] when stopped early
/// with a checkpoint, [`EXIT_COMPAT`] for a unit of another compatibility version.
pub fn run_run_unit(args: RunUnitArgs) -> Result<ExitCode> {
    super::search::set_threads(args.threads)?;
    let u = Unit::load(&args.unit)?;
    if let Err(e) = u.validate() {
        if let Some(c) = e.downcast_ref::<CompatError>() {
            eprintln!("error: {}: {c}", args.unit.display());
            return Ok(ExitCode::from(EXIT_COMPAT));
        }
        return Err(e.context(args.unit.display().to_string()));
    }
    if !(args.checkpoint_secs.is_finite() && args.checkpoint_secs >= 0.0) {
        bail!("--checkpoint-secs must be a number of seconds >= 0");
    }
    let checkpoint = match &args.checkpoint_dir {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            Some(d.join(format!("{}.ckpt", u.unit_id)))
        }
        None => None,
    };
    let cancel = Cancel::new();
    install_term_handler(cancel.clone());
    let opts = RunOptions {
        checkpoint: checkpoint.clone(),
        cancel,
        stop_after_chunks: args.stop_after_blocks,
    };
    let t = Instant::now();
    eprintln!(
        "unit {}: indices {}..{} on {} threads",
        u.unit_id,
        u.start,
        u.end,
        rayon::current_num_threads()
    );
    let mut ckpt = Periodic::new(Duration::from_secs_f64(args.checkpoint_secs));
    match unit::run_unit(&u, &opts, &mut ckpt, &|m| eprintln!("{m}"))? {
        Outcome::Finished(r) => {
            if let Some(d) = args.result.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            }
            unit::write_atomic(&args.result, &r.encode())?;
            if let Some(c) = &checkpoint {
                let _ = std::fs::remove_file(c);
            }
            let what = match u.work {
                Work::Search => format!("{} formulas", r.conjectures.len()),
                Work::Dynamics { .. } => format!("{} metrics records", r.metrics.len()),
            };
            eprintln!(
                "unit {}: {what}, {} candidates in {:.2} s; result {} (digest {})",
                u.unit_id,
                r.counters.scan.enumerated,
                t.elapsed().as_secs_f64(),
                args.result.display(),
                &r.digest()[..16]
            );
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Interrupted { done, total } => {
            eprintln!(
                "unit {}: stopped after {done} of {total} indices; {}",
                u.unit_id,
                if checkpoint.is_some() {
                    "checkpoint written, a rerun resumes"
                } else {
                    "no checkpoint directory, a rerun starts over"
                }
            );
            Ok(ExitCode::from(EXIT_INTERRUPTED))
        }
    }
}

/// Arguments of `apery merge`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Catalog database to write (created if missing).
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Fail (exit 3) unless every space with merged units is completely covered.
    #[arg(long)]
    require_complete: bool,
    /// Metrics records of each dynamics result to recompute: a number (drawn at random) or `all`.
    /// Every record's PCF and depth are checked in any case; formulas are always all re-verified.
    #[arg(long, default_value = "64", value_parser = parse_recheck)]
    recheck: Recheck,
    /// Result files, or directories of `*.result` files.
    #[arg(required = true)]
    results: Vec<PathBuf>,
}

fn parse_recheck(s: &str) -> Result<Recheck, String> {
    if s == "all" {
        return Ok(Recheck::All);
    }
    let per_result: usize = s
        .parse()
        .map_err(|_| format!("'{s}': give a number of records or 'all'"))?;
    // An unpredictable seed: whoever computed a result cannot know which records are recomputed.
    use std::hash::BuildHasher;
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = std::hash::RandomState::new().hash_one((t, std::process::id()));
    Ok(Recheck::Sample { per_result, seed })
}

/// Runs `apery merge`: 0 when every file merged (or was merged before), 1 when a file was
/// rejected, 3 when `--require-complete` finds gaps.
pub fn run_merge(args: MergeArgs) -> Result<ExitCode> {
    let files = merge::result_files(&args.results)?;
    let mut catalog = Catalog::open(&args.catalog)
        .with_context(|| format!("opening the catalog {}", args.catalog.display()))?;
    let t = Instant::now();
    let outcomes = merge::merge_files_with(
        &mut catalog,
        &files,
        &MergeOptions {
            recheck: args.recheck,
        },
    )?;
    let (mut merged, mut again, mut conflicts, mut rejected, mut formulas) = (0, 0, 0, 0, 0);
    for o in &outcomes {
        let id = o.unit_id.as_deref().unwrap_or("?");
        match &o.status {
            MergeStatus::Merged(n) => {
                merged += 1;
                formulas += n;
            }
            MergeStatus::AlreadyMerged => again += 1,
            MergeStatus::Conflict { existing, new } => {
                conflicts += 1;
                eprintln!(
                    "conflict: {} (unit {id}): digest {} differs from the merged {}; recorded, catalog unchanged",
                    o.path.display(),
                    &new[..16],
                    &existing[..16]
                );
            }
            MergeStatus::Rejected(why) => {
                rejected += 1;
                eprintln!("rejected: {} (unit {id}): {why}", o.path.display());
            }
        }
    }
    println!(
        "merged {merged} results ({formulas} verified formulas or metrics records), {again} already merged, {conflicts} conflicts, {rejected} rejected, in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if rejected > 0 {
        return Ok(ExitCode::from(EXIT_REJECTED));
    }
    if args.require_complete {
        let cov = merge::coverage(&catalog)?;
        let gaps: u64 = cov.iter().map(|c| c.gaps.len() as u64).sum();
        if gaps > 0 || cov.is_empty() {
            for c in &cov {
                eprintln!(
                    "incomplete: space '{}': {} of {} indices done, {} gaps",
                    c.name,
                    c.done,
                    c.n_total,
                    c.gaps.len()
                );
            }
            return Ok(ExitCode::from(EXIT_INCOMPLETE));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Arguments of `apery status`.
#[derive(clap::Args, Debug)]
pub struct StatusArgs {
    /// Catalog database.
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Print only what is missing: with --units, the numbers of the unit files not yet merged as a
    /// comma list (ready for `sbatch --array=`); otherwise the gaps as START..END lines.
    #[arg(long)]
    missing: bool,
    /// Directory of the unit files of the run.
    #[arg(long)]
    units: Option<PathBuf>,
}

/// Runs `apery status`.
pub fn run_status(args: StatusArgs) -> Result<()> {
    let catalog = super::open_catalog_for_reading(&args.catalog)?;
    let cov = merge::coverage(&catalog)?;
    if args.missing {
        if let Some(dir) = &args.units {
            let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("reading {}", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "unit"))
                .collect();
            names.sort();
            let mut missing = Vec::new();
            for p in names {
                let u = Unit::load(&p)?;
                if !merge::is_covered(&catalog, &u)? {
                    let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
                    let stem = stem.unwrap_or_default();
                    // `000000` is array index 0 (leading zeros are not part of the number).
                    missing.push(stem.parse::<u64>().map_or(stem.clone(), |n| n.to_string()));
                }
            }
            println!("{}", missing.join(","));
        } else {
            for c in &cov {
                for g in &c.gaps {
                    println!("{}..{}", g.start, g.end);
                }
            }
        }
        return Ok(());
    }
    if cov.is_empty() {
        println!("no merged units in {}", args.catalog.display());
    }
    for c in &cov {
        let pct = if c.n_total == 0 {
            100.0
        } else {
            100.0 * c.done as f64 / c.n_total as f64
        };
        println!(
            "space '{}' ({}): {} of {} indices done ({pct:.2}%), {} gaps",
            c.name,
            &c.space_hash[..16],
            c.done,
            c.n_total,
            c.gaps.len()
        );
        for g in c.gaps.iter().take(20) {
            println!("  missing {}..{}", g.start, g.end);
        }
        if c.gaps.len() > 20 {
            println!("  … {} more gaps", c.gaps.len() - 20);
        }
    }
    println!("units merged: {}", catalog.unit_count()?);
    for (id, a, b) in catalog.unit_conflicts()? {
        println!("conflict: unit {id}: digests {} and {}", &a[..16], &b[..16]);
    }
    Ok(())
}

/// Arguments of `apery slurm`.
#[derive(clap::Args, Debug)]
pub struct SlurmArgs {
    /// The search-space file (TOML).
    space: PathBuf,
    #[command(flatten)]
    work: WorkArgs,
    /// Run directory (units, results, checkpoints, logs, catalog, scripts).
    #[arg(long)]
    run_dir: PathBuf,
    /// Number of units (array tasks; Slurm's default MaxArraySize allows up to 1001).
    #[arg(long)]
    units: u64,
    /// CPUs per array task.
    #[arg(long, default_value_t = 2)]
    cpus_per_task: u32,
    /// Time limit per array task (Slurm syntax).
    #[arg(long, default_value = "01:00:00")]
    time: String,
    /// Memory per array task (Slurm syntax; omitted by default).
    #[arg(long)]
    mem: Option<String>,
    /// Most array tasks running at once.
    #[arg(long, default_value_t = 64)]
    max_parallel: u32,
    /// Seconds between checkpoints of a task (0: after every block).
    #[arg(long, default_value_t = 60.0)]
    checkpoint_secs: f64,
    /// Checkpoint and witness granularity in indices (default: the search's chunk size).
    #[arg(long, value_name = "B")]
    block_size: Option<u64>,
    /// Submit the array and the merge job with sbatch.
    #[arg(long)]
    submit: bool,
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs `apery slurm`: split into `RUN_DIR/units` and write `shard.sbatch`, `merge.sbatch` and
/// `submit.sh` (and run it with `--submit`).
pub fn run_slurm(args: SlurmArgs) -> Result<()> {
    let text = read_space_text(&args.space)?;
    if !(args.checkpoint_secs.is_finite() && args.checkpoint_secs >= 0.0) {
        bail!("--checkpoint-secs must be a number of seconds >= 0");
    }
    let split = Split::new_for(
        args.work.work()?,
        &text,
        &args.space,
        args.units,
        args.block_size,
    )?;
    for d in ["units", "results", "ckpt", "logs"] {
        std::fs::create_dir_all(args.run_dir.join(d))
            .with_context(|| format!("creating {}", args.run_dir.join(d).display()))?;
    }
    let run_dir = std::fs::canonicalize(&args.run_dir)?;
    std::fs::write(run_dir.join("space.toml"), &text)?;
    let n = write_units(&split, &run_dir.join("units"))?;
    let exe = std::env::current_exe().context("locating the apery executable")?;
    let width = unit_file_name(0, n).len() - ".unit".len();
    let rd = shell_quote(&run_dir.to_string_lossy());
    let ex = shell_quote(&exe.to_string_lossy());
    let mem = args
        .mem
        .as_ref()
        .map_or(String::new(), |m| format!("#SBATCH --mem={m}\n"));
    let shard = format!(
        "#!/bin/bash
#SBATCH --job-name=apery-unit
#SBATCH --cpus-per-task={cpus}
#SBATCH --time={time}
{mem}#SBATCH --signal=B:TERM@120
# One array task = one work unit. The result is written atomically; a task whose result exists
# exits at once (resubmitting is harmless); a task stopped by SIGTERM checkpoints and exits 75,
# and its rerun resumes from the checkpoint.
set -euo pipefail
RUN_DIR=${{RUN_DIR:-{rd}}}
APERY=${{APERY:-{ex}}}
i=$(printf %0{width}d \"$SLURM_ARRAY_TASK_ID\")
[ -s \"$RUN_DIR/results/$i.result\" ] && exit 0
export RAYON_NUM_THREADS=${{SLURM_CPUS_PER_TASK:-1}}
exec \"$APERY\" run-unit \"$RUN_DIR/units/$i.unit\" --result \"$RUN_DIR/results/$i.result\" --checkpoint-dir \"$RUN_DIR/ckpt\" --checkpoint-secs {ckpt}
",
        cpus = args.cpus_per_task,
        time = args.time,
        ckpt = args.checkpoint_secs,
    );
    let merge = format!(
        "#!/bin/bash
#SBATCH --job-name=apery-merge
#SBATCH --cpus-per-task={cpus}
# The only writer of the catalog. It re-verifies every result and fails while units are missing:
# job states alone are not trusted.
set -euo pipefail
RUN_DIR=${{RUN_DIR:-{rd}}}
APERY=${{APERY:-{ex}}}
exec \"$APERY\" merge --catalog \"$RUN_DIR/catalog.sqlite\" --require-complete \"$RUN_DIR/results\"
",
        cpus = args.cpus_per_task,
    );
    let submit = format!(
        "#!/bin/bash
# Submits the unit array (all {n} units, or the indices given as the first argument, e.g. \"3,5\")
# and a merge job that runs only if every task succeeds (it is cancelled otherwise).
# Prints the array job id and the merge job id.
set -euo pipefail
RUN_DIR=${{RUN_DIR:-{rd}}}
export RUN_DIR
array=${{1:-0-{last}%{par}}}
aid=$(sbatch --parsable --array=\"$array\" --output=\"$RUN_DIR/logs/unit_%A_%a.log\" --export=ALL \"$RUN_DIR/shard.sbatch\")
aid=${{aid%%;*}}
mid=$(sbatch --parsable --dependency=afterok:\"$aid\" --kill-on-invalid-dep=yes --output=\"$RUN_DIR/logs/merge_%j.log\" --export=ALL \"$RUN_DIR/merge.sbatch\")
mid=${{mid%%;*}}
echo \"$aid $mid\"
",
        last = n - 1,
        par = args.max_parallel,
    );
    for (name, body) in [
        ("shard.sbatch", shard),
        ("merge.sbatch", merge),
        ("submit.sh", submit),
    ] {
        let p = run_dir.join(name);
        std::fs::write(&p, body).with_context(|| format!("writing {}", p.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755))?;
        }
    }
    eprintln!(
        "{n} units in {}; scripts shard.sbatch, merge.sbatch, submit.sh",
        run_dir.join("units").display()
    );
    if args.submit {
        let out = std::process::Command::new("bash")
            .arg(run_dir.join("submit.sh"))
            .output()
            .context("running submit.sh (is sbatch installed?)")?;
        if !out.status.success() {
            bail!(
                "submission failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let ids = String::from_utf8_lossy(&out.stdout);
        let mut it = ids.split_whitespace();
        let (a, m) = (it.next().unwrap_or("?"), it.next().unwrap_or("?"));
        println!("array job {a}, merge job {m}");
    } else {
        println!("submit with: bash {}", run_dir.join("submit.sh").display());
    }
    Ok(())
}
