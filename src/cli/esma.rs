//! `apery esma` and `apery bm`.

use anyhow::{bail, Context, Result};
use apery::catalog::{Catalog, Conjecture};
use apery::constants::Expr;
use apery::esma::{search_with_cancel, EsmaConfig, EsmaConjecture, EsmaProgress, Mode};
use apery::sequence::{berlekamp_massey, closed_form, find_recurrence, MERSENNE_61};
use apery::space::esma::EsmaSpace;
use rug::Integer;
use std::path::PathBuf;

/// Arguments of `apery esma`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// An ESMA space file (e.g. search-spaces/esma-e.toml); flags given as well override it.
    space: Option<PathBuf>,
    /// The constant: a library name or an expression, e.g. "exp(1)", "tan(1)", "besseli(0,2)/besseli(1,2)".
    #[arg(long)]
    constant: Option<String>,
    /// Degree bound d of P and Q in the left-hand sides P(K)/Q(K).
    #[arg(long)]
    poly_deg: Option<usize>,
    /// Coefficients of P and Q in [-L, L].
    #[arg(long)]
    coeff_limit: Option<i64>,
    /// Sign-period lengths, e.g. 2 or 1..3.
    #[arg(long)]
    period_len: Option<String>,
    /// Partial quotients extracted before Berlekamp–Massey.
    #[arg(long)]
    depth: Option<usize>,
    /// correct (default: L-seeded approval, p = 2^61−1 with exact re-check) or reference
    /// (p = 199, deg C seeding: reproduces the published counts).
    #[arg(long)]
    mode: Option<String>,
    /// Catalog database to write.
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Print the conjectures' statements.
    #[arg(long, short)]
    verbose: bool,
    /// Run even if there are more than 2^27 candidates (pairs (P, Q) × sign periods).
    #[arg(long)]
    allow_huge: bool,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

/// Raw ESMA candidates ((P, Q) pairs × sign periods) above which `apery esma` needs `--allow-huge`:
/// at about a thousand candidates per second per core, roughly a core-day and a half.
const ESMA_HUGE: u128 = 1 << 27;

fn parse_lengths(s: &str) -> Result<std::ops::RangeInclusive<usize>> {
    let (a, b) = s.split_once("..").unwrap_or((s, s));
    let a: usize = a
        .trim()
        .parse()
        .context("--period-len: expected N or A..B")?;
    let b: usize = b
        .trim()
        .trim_start_matches('=')
        .parse()
        .context("--period-len: expected N or A..B")?;
    if a == 0 || a > b {
        bail!("--period-len {s}: need 1 <= A <= B");
    }
    Ok(a..=b)
}

/// Runs `apery esma`.
pub fn run(args: Args) -> Result<()> {
    let (name, mut constant, mut cfg) = match &args.space {
        Some(p) => {
            let s = EsmaSpace::load(p)?;
            (s.name, s.constant, s.config)
        }
        None => ("esma".to_string(), String::new(), EsmaConfig::default()),
    };
    if let Some(c) = &args.constant {
        constant = c.clone();
    }
    if constant.is_empty() {
        bail!("give an ESMA space file or --constant, e.g. `apery esma --constant \"exp(1)\"`");
    }
    if let Some(m) = &args.mode {
        let mode =
            Mode::parse(m).with_context(|| format!("--mode {m}: expected correct or reference"))?;
        if mode == Mode::Reference {
            let keep = cfg.clone();
            cfg = EsmaConfig::reference();
            cfg.poly_degree = keep.poly_degree;
            cfg.coeff_limit = keep.coeff_limit;
            cfg.period_lengths = keep.period_lengths;
            cfg.depth = keep.depth;
        }
        cfg.mode = mode;
    }
    if let Some(d) = args.poly_deg {
        cfg.poly_degree = d;
    }
    if let Some(l) = args.coeff_limit {
        cfg.coeff_limit = l;
    }
    if let Some(p) = &args.period_len {
        cfg.period_lengths = parse_lengths(p)?;
    }
    if let Some(d) = args.depth {
        cfg.depth = d;
    }
    let expr = Expr::parse(&constant).with_context(|| format!("the constant '{constant}'"))?;
    let value = |prec: u32| expr.eval(prec).expect("checked below");
    expr.eval(64)
        .with_context(|| format!("evaluating '{constant}'"))?;
    cfg.validate().context("the ESMA configuration")?;
    let raw = cfg.raw_candidates();
    if raw > ESMA_HUGE && !args.allow_huge {
        let space = args
            .space
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        bail!(
            "{space}ESMA on {constant} with --poly-deg {} and --coeff-limit {} has {raw} candidates \
             (about {:.1e}: (2L+1)^(2(d+1)) pairs (P, Q) × {} sign periods), more than 2^27 \
             (at ~10^3 per second per core about {:.0} core-days); lower --poly-deg or --coeff-limit, or pass --allow-huge",
            cfg.poly_degree,
            cfg.coeff_limit,
            raw as f64,
            apery::esma::sign_periods(cfg.period_lengths.clone()).len(),
            raw as f64 / 1e3 / 86400.0
        );
    }
    let mut catalog = Catalog::open(&args.catalog)
        .with_context(|| format!("opening the catalog {}", args.catalog.display()))?;
    let cancel = super::search::install_ctrlc();
    let bar = super::search::Progress::new(args.quiet, 0);
    let report = search_with_cancel(
        &constant,
        &value,
        &cfg,
        &|e: EsmaProgress| {
            bar.update(e.done, e.total, &format!("approved: {}", e.approved));
        },
        &cancel,
    )?;
    bar.finish();
    for c in &report.conjectures {
        let (row, simplicity) = row(c, &name, cfg.depth);
        catalog.insert(&row, &simplicity)?;
        if args.verbose {
            println!("{}\n", c.statement());
        }
    }
    println!("ESMA on {constant} ({:?} mode)", cfg.mode);
    for (k, v) in [
        ("distinct left-hand sides", report.unique_lhs),
        ("candidates (LHS × sign period)", report.candidates),
        ("skipped (a partial quotient is 0)", report.skipped_zero),
        ("passed the Berlekamp–Massey filter", report.passed_filter),
        ("approved", report.approved),
        ("duplicates by value", report.duplicates),
        ("conjectures written", report.conjectures.len() as u64),
    ] {
        println!("  {k:<40} {v:>10}");
    }
    println!(
        "catalog: {} (`apery query --kind esma`)",
        args.catalog.display()
    );
    if report.interrupted {
        eprintln!(
            "interrupted: the {} conjectures approved so far are in the catalog; the counts cover the candidates finished",
            report.conjectures.len()
        );
        std::process::exit(130);
    }
    Ok(())
}

/// The catalog row of an ESMA conjecture; deduplicated by its value (the compared digits).
fn row(c: &EsmaConjecture, space: &str, depth: usize) -> (Conjecture, String) {
    let period: Vec<String> = c.sign_period.iter().map(|s| s.to_string()).collect();
    let conj = Conjecture {
        kind: "esma".into(),
        canonical_key: format!("esma:{}", c.digits),
        a: c.lhs.clone(),
        b: format!("signs [{}]", period.join(", ")),
        constants: vec![c.constant_name.clone()],
        relation: c.statement(),
        limit: c.digits.clone(),
        verified_digits: c.verified_digits as u32,
        depth: depth as u64,
        delta: None,
        convergence_rate: Some((c.convergence_rate * 1e6).round() / 1e6),
        space: space.to_string(),
        space_hash: String::new(),
        variants: 1,
        details: serde_json::json!({
            "latex": c.latex(),
            "recurrence": c.recurrence().to_string(),
            "connection": c.connection,
            "linear_complexity": c.complexity,
            "period": c.period,
            "channel_degree": c.channel_degree,
            "channels": c.channel_strings,
        }),
        cmf_sources: Vec::new(),
    };
    let simplicity = format!("{:06}:{:06}:{}", c.complexity, c.connection.len(), c.lhs);
    (conj, simplicity)
}

/// Arguments of `apery bm`.
#[derive(clap::Args, Debug)]
pub struct BmArgs {
    /// The integer sequence, e.g. `apery bm 2 1 2 1 1 4 1 1 6 1 1 8 1 1 10 1 1 12` (the partial
    /// quotients of e; a recurrence of complexity L needs 2L+2 terms, here 16).
    #[arg(required = true, allow_hyphen_values = true, num_args = 1..)]
    terms: Vec<Integer>,
}

/// Runs `apery bm`: the shortest linear recurrence (Berlekamp–Massey, checked exactly) and the
/// interlaced polynomial closed form.
pub fn run_bm(args: BmArgs) -> Result<()> {
    let Some(rec) = find_recurrence(&args.terms) else {
        let n = args.terms.len();
        // Too few terms is the usual cause: say how many a recurrence of the complexity that
        // Berlekamp–Massey sees in these terms would need.
        if let Ok((_, l)) = berlekamp_massey(&args.terms, MERSENNE_61) {
            if 2 * l + 2 > n {
                bail!(
                    "too few terms: the shortest recurrence of these {n} terms has complexity \
                     L = {l}, and confirming it needs 2L+2 = {} terms; give at least {} more",
                    2 * l + 2,
                    2 * l + 2 - n
                );
            }
        }
        bail!(
            "no linear recurrence with constant coefficients holds exactly on these {n} terms \
             (a recurrence of complexity L needs 2L+2 terms)"
        );
    };
    println!("recurrence   {rec}");
    println!("complexity   L = {}", rec.complexity);
    match closed_form(&args.terms) {
        Some(cf) => println!("closed form  {cf}"),
        None => println!("closed form  none (the connection polynomial is not a product of cyclotomic polynomials)"),
    }
    Ok(())
}
