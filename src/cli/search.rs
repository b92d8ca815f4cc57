//! `apery search`.

use anyhow::{bail, Context, Result};
use apery::cancel::Cancel;
use apery::catalog::Catalog;
use apery::enumerate::shard;
use apery::search::{Searcher, Summary};
use apery::space::SearchSpace;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Candidates above which a search (or a metrics run) needs `--allow-huge`.
pub const HUGE: u64 = 1 << 40;

/// Refuses a run of more than [`HUGE`] indices unless `--allow-huge` was given; the error names the
/// space file, the approximate size and the way out.
pub fn check_huge(
    space: &Path,
    todo: u64,
    allow_huge: bool,
    per_core_per_second: f64,
) -> Result<()> {
    if todo > HUGE && !allow_huge {
        let approx = todo as f64;
        bail!(
            "{}: {todo} candidates (about {approx:.1e}) is more than 2^40 (at ~{per_core_per_second:.0e} per second \
             per core that is about {:.0} core-days); narrow the ranges, run a --shard or a --range, or pass --allow-huge",
            space.display(),
            approx / per_core_per_second / 86400.0
        );
    }
    Ok(())
}

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
    /// Sets the size of rayon's global pool if `--threads` was given; refuses 0 and more than
    /// [`max_threads`] (each thread holds its own big-number work space, and thousands of them only
    /// thrash).
    pub fn init_threads(&self) -> Result<()> {
        set_threads(self.threads)
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

/// Sets the size of rayon's global pool to `threads` if given; refuses 0 and more than
/// [`max_threads`] (each thread holds its own big-number work space, and thousands of them only
/// thrash).
pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(t) = threads {
        let max = max_threads();
        if t == 0 {
            bail!("--threads 0: at least one worker thread is needed (omit --threads to use all {} cores)", cores());
        }
        if t > max {
            bail!(
                "--threads {t} is more than {max} (4 × the {} cores of this machine, at least 16, at most 1024)",
                cores()
            );
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .context("setting the thread count")?;
    }
    Ok(())
}

/// The cores rayon would use by default.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The largest `--threads` accepted: 4 × the cores, at least 16 and at most 1024.
pub fn max_threads() -> usize {
    (4 * cores()).clamp(16, 1024)
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
    check_huge(&args.space, todo, args.allow_huge, 1e7)?;
    let cancel = install_ctrlc();
    let searcher = searcher.with_cancel(cancel);
    let mut catalog = Catalog::open(&args.catalog)
        .with_context(|| format!("opening the catalog {}", args.catalog.display()))?;
    let bar = Progress::new(args.run.quiet, todo);
    let summary = searcher.run(&mut catalog, range, &|e| {
        bar.update(e.done, e.total, &format!("verified: {}", e.hits));
    })?;
    bar.finish();
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
            "equivalent variants among the verified",
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

/// Ctrl-C: stop taking work, drop the chunks cut short and commit those finished (nothing committed
/// is lost); a second Ctrl-C quits at once. Returns the token the handler cancels.
pub fn install_ctrlc() -> Cancel {
    let cancel = Cancel::new();
    let handler = cancel.clone();
    let _ = ctrlc::set_handler(move || {
        if handler.cancel() {
            std::process::exit(130);
        }
        eprintln!(
            "\ninterrupted: stopping (work cut short is redone on resume; press Ctrl-C again to quit at once)"
        );
    });
    cancel
}

/// Progress of a long run on standard error: a bar on a terminal, and plain lines when standard
/// error is a file or a pipe (the first at once, then one every `APERY_PROGRESS_SECS` seconds,
/// default 10); nothing with `--quiet`.
pub struct Progress {
    bar: ProgressBar,
    plain: Option<Mutex<Plain>>,
}

struct Plain {
    start: Instant,
    last: Option<Instant>,
    every: Duration,
}

impl Progress {
    /// Progress over `len` units.
    pub fn new(quiet: bool, len: u64) -> Progress {
        let tty = std::io::stderr().is_terminal();
        let plain = (!quiet && !tty).then(|| {
            let secs = std::env::var("APERY_PROGRESS_SECS")
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .unwrap_or(10.0);
            Mutex::new(Plain {
                start: Instant::now(),
                last: None,
                every: Duration::from_secs_f64(secs),
            })
        });
        Progress {
            bar: progress_bar(quiet || !tty, len),
            plain,
        }
    }

    /// `done` of `total` units finished; `msg` says what was found so far.
    pub fn update(&self, done: u64, total: u64, msg: &str) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.bar.set_message(msg.to_string());
        if let Some(p) = &self.plain {
            let mut p = p.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let due = match p.last {
                None => true,
                Some(t) => now - t >= p.every,
            };
            if due || done == total {
                p.last = Some(now);
                let pct = if total == 0 {
                    100.0
                } else {
                    100.0 * done as f64 / total as f64
                };
                eprintln!(
                    "progress: {done}/{total} ({pct:.4}%) after {:.1} s; {msg}",
                    (now - p.start).as_secs_f64()
                );
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
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
