//! `apery search`.

use anyhow::{bail, Context, Result};
use apery::catalog::Catalog;
use apery::enumerate::shard;
use apery::search::{Searcher, Summary, STOP};
use apery::space::SearchSpace;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::atomic::Ordering;

/// Candidates above which a search needs `--allow-huge`.
const HUGE: u64 = 1 << 40;

/// Arguments of `apery search`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The search-space file (TOML), e.g. search-spaces/quickstart.toml.
    space: PathBuf,
    /// Catalog database to write (created if missing).
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Run even if the space has more than 2^40 candidates.
    #[arg(long)]
    allow_huge: bool,
    #[command(flatten)]
    run: RunArgs,
}

/// Options shared by the long-running commands (`search`, `dynamics`): which slice of the ordered
/// enumeration, how many threads, whether to show progress.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Run only shard I of N (0-based), e.g. --shard 3/16: a contiguous slice of the ordered enumeration.
    #[arg(long, value_name = "I/N", conflicts_with = "range")]
    shard: Option<String>,
    /// Run only the index range START..END of the ordered enumeration.
    #[arg(long, value_name = "START..END")]
    range: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

impl RunArgs {
    /// Sets the size of rayon's global pool if `--threads` was given.
    pub fn init_threads(&self) -> Result<()> {
        if let Some(t) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build_global()
                .context("setting the thread count")?;
        }
        Ok(())
    }

    /// The index range asked for (`--shard`, `--range`, or the whole space of `size` indices).
    pub fn range(&self, size: u64) -> Result<std::ops::Range<u64>> {
        match (&self.shard, &self.range) {
            (Some(s), _) => parse_shard(s, size),
            (_, Some(r)) => parse_range(r),
            _ => Ok(0..size),
        }
    }
}

fn parse_shard(s: &str, size: u64) -> Result<std::ops::Range<u64>> {
    let (i, n) = s
        .split_once('/')
        .context("--shard must look like I/N, e.g. 0/4")?;
    let (i, n): (u64, u64) = (
        i.trim().parse().context("--shard: I is not a number")?,
        n.trim().parse().context("--shard: N is not a number")?,
    );
    if n == 0 || i >= n {
        bail!("--shard {s}: need 0 <= I < N");
    }
    Ok(shard(size, i, n))
}

fn parse_range(s: &str) -> Result<std::ops::Range<u64>> {
    let (a, b) = s
        .split_once("..")
        .context("--range must look like START..END")?;
    let (a, b): (u64, u64) = (
        a.trim().parse().context("--range: START is not a number")?,
        b.trim().parse().context("--range: END is not a number")?,
    );
    if a > b {
        bail!("--range {s}: START > END");
    }
    Ok(a..b)
}

/// Runs `apery search`.
pub fn run(args: Args) -> Result<()> {
    args.run.init_threads()?;
    let space = SearchSpace::load(&args.space)?;
    let searcher = Searcher::new(&space).with_context(|| args.space.display().to_string())?;
    let size = searcher.enumerator().size();
    let range = args.run.range(size)?;
    let todo = range.end.min(size).saturating_sub(range.start);
    eprintln!(
        "space '{}': {} candidates; running indices {}..{} ({} candidates) on {} threads",
        space.name,
        size,
        range.start,
        range.end.min(size),
        todo,
        rayon::current_num_threads()
    );
    if todo > HUGE && !args.allow_huge {
        bail!(
            "{}: {todo} candidates is more than 2^40 (at ~10^7 per second per core that is about {:.0} core-days); \
             narrow the ranges, run a --shard, or pass --allow-huge",
            args.space.display(),
            todo as f64 / 1e7 / 86400.0
        );
    }
    install_ctrlc();
    let mut catalog = Catalog::open(&args.catalog)
        .with_context(|| format!("opening the catalog {}", args.catalog.display()))?;
    let bar = progress_bar(args.run.quiet, todo);
    let summary = searcher.run(&mut catalog, range, &|e| {
        bar.set_length(e.total);
        bar.set_position(e.done);
        bar.set_message(format!("verified: {}", e.hits));
    })?;
    bar.finish_and_clear();
    print_summary(&space, &summary, &args.catalog);
    if summary.interrupted {
        eprintln!("interrupted: run the same command again to resume");
        std::process::exit(130);
    }
    Ok(())
}

fn print_summary(space: &SearchSpace, s: &Summary, catalog: &std::path::Path) {
    let rate = s.stats.enumerated as f64 / s.elapsed.as_secs_f64().max(1e-9);
    println!(
        "search '{}' — indices {}..{} of {}",
        space.name, s.range.start, s.range.end, s.space_size
    );
    let rows: Vec<(&str, String)> = vec![
        ("already done (resumed)", s.resumed.to_string()),
        ("enumerated", s.stats.enumerated.to_string()),
        (
            "skipped: sign symmetry / zero",
            s.stats.symmetric.to_string(),
        ),
        (
            "skipped: divergent (balanced degrees)",
            s.stats.divergent.to_string(),
        ),
        (
            "skipped: a(n) or b(n) vanishes",
            s.stats.vanishing.to_string(),
        ),
        ("first pass", s.stats.screened.to_string()),
        (
            "not converged at first-pass depth",
            s.unconverged.to_string(),
        ),
        ("table candidates", s.candidates.to_string()),
        (
            "factorial-reduction screen: screened",
            s.fr_screened.to_string(),
        ),
        (
            "factorial-reduction screen: with FR",
            s.fr_positive.to_string(),
        ),
        ("verified", s.verified.to_string()),
        (
            "variants of verified formulas (not re-verified)",
            s.variants.to_string(),
        ),
        (
            "wall time",
            format!("{:.2} s ({:.3e} PCFs/s)", s.elapsed.as_secs_f64(), rate),
        ),
    ];
    for (k, v) in rows {
        println!("  {k:<48} {v:>14}");
    }
    if s.formulas_by_constant.is_empty() {
        println!("  no formula verified in this run");
    } else {
        println!("  distinct formulas verified in this run, by constant:");
        for (c, n) in &s.formulas_by_constant {
            println!("    {c:<46} {n:>14}");
        }
    }
    println!(
        "catalog: {} (read it with `apery query`)",
        catalog.display()
    );
}

/// Ctrl-C: finish the chunks in flight and stop; a second Ctrl-C quits at once.
pub fn install_ctrlc() {
    let _ = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupted: finishing the chunks in flight (press Ctrl-C again to quit at once; nothing committed is lost)"
        );
    });
}

/// The progress bar of long runs (hidden with `--quiet`).
pub fn progress_bar(quiet: bool, len: u64) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(len)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:32}] {percent:>3}% {human_pos}/{human_len} {per_sec} ETA {eta} {msg}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}
