//! `apery cmf`: conservative matrix fields — list, check, walk, trajectory → PCF.

use anyhow::{bail, Context, Result};
use apery::cmf::pfq_limit::{closed_form, legend, PfqLimit};
use apery::cmf::shift::{parse_start, shifted, show, split_start};
use apery::cmf::spec::{parse_rational, Generated};
use apery::cmf::to_pcf::trajectory_to_pcf;
use apery::cmf::walk::{WalkLimit, WalkOptions, Walker};
use apery::cmf::{bundled, load, Cmf};
use apery::constants;
use apery::identify::identify_mobius;
use apery::pcf::limit::{decimal, log10_abs};
use apery::precision::{digits_to_write, Margin, SignificantDigits};
use rug::{Float, Rational};
use serde_json::json;

const EXAMPLES: &str = "Examples:
  apery cmf list                                          bundled fields
  apery cmf check zeta3                                   prove conservation exactly
  apery cmf check my-field.toml                           a field file of your own
  apery cmf walk zeta3 --trajectory 1,1 --start 1,1       limit with certain digits, identified
  apery cmf walk zeta3 --trajectory 1,0 --start 1,1 --depth 1000
  apery cmf walk cmf1 --param a=2 --param b=3 --digits 80
  apery cmf pcf zeta3 --trajectory 1,1 --start 1,1        Apéry's PCF (34n^3+51n^2+27n+5, -n^6)
  apery cmf walk \"pfq(2,1,1/2)\" --trajectory 1,1,2 --start 1,1,2   identified with 2F1 values
  apery cmf walk \"meijerg(1,2,2,2,1/2)\" --trajectory 0,0,1,0 --start 1/2,1/2,1/2,-1/2   with Meijer-G values
  apery cmf walk zeta3 --trajectory 1,1 --start 1/2,1      a rational start
  apery cmf search search-spaces/cmf-zeta3.toml           trajectories -> verified formulas in the catalog
  apery cmf search search-spaces/cmf-pi.toml --shard 0/4 -j 2";

/// Arguments of `apery cmf`.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(clap::Subcommand, Debug)]
enum Sub {
    /// List the bundled fields.
    List,
    /// Check a field's conservation M_i(x)·M_j(x+e_i) = M_j(x)·M_i(x+e_j) exactly for every pair of axes.
    Check(FieldArgs),
    /// Walk a trajectory: the limit P[0][last]/P[1][last] with the digits that are certain.
    Walk(WalkArgs),
    /// The PCF of a trajectory (inflated, deflated, shifted).
    Pcf(PathArgs),
    /// Search a field's (trajectory, start) pairs for verified formulas and store them in the catalog.
    Search(SearchArgs),
}

#[derive(clap::Args, Debug)]
#[command(after_help = SEARCH_EXAMPLES)]
struct SearchArgs {
    /// The CMF search-space file (TOML), e.g. search-spaces/cmf-zeta3.toml.
    space: std::path::PathBuf,
    /// Catalog database to write (created if missing).
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: std::path::PathBuf,
    #[command(flatten)]
    run: super::search::RunArgs,
}

const SEARCH_EXAMPLES: &str = "Examples:
  apery cmf search search-spaces/cmf-zeta3.toml                  the whole space, all cores
  apery cmf search search-spaces/cmf-e.toml --range 0..40 -j 2   a slice of the ordered pairs
  apery cmf search search-spaces/cmf-pi.toml --shard 1/3         shard 1 of 3
  apery cmf search search-spaces/cmf-zeta3-half.toml             half-integer starts (x = [\"1/2\", \"3/2\"])
  apery query --kind cmf                                          what the CMF searches found
Start coordinates in a space file may be fractions: [lo, hi] or [lo, hi, step] with integers or \"p/q\".
Run the same command again to resume an interrupted search.";

#[derive(clap::Args, Debug)]
struct FieldArgs {
    /// A bundled field name (see `list`) or the path of a field file (TOML).
    field: String,
    /// Parameter value, name=value (integer or p/q); repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct PathArgs {
    #[command(flatten)]
    field: FieldArgs,
    /// Trajectory, one integer per axis (default: the field's own walk).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    trajectory: Vec<i64>,
    /// Start point, one integer or fraction p/q per axis, e.g. 1/2,1,3/2 (default: the field's
    /// own walk). A fractional start walks the field shifted by the fractional part.
    #[arg(long, allow_hyphen_values = true)]
    start: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct WalkArgs {
    #[command(flatten)]
    path: PathArgs,
    /// Walk exactly this many trajectory steps (digits judged from depths N/8, N/4, N/2, N: a claim is reported only once the next depth has tested it).
    #[arg(long, conflicts_with = "digits")]
    depth: Option<usize>,
    /// Digits wanted; the depth doubles until they are certain or --max-depth is reached.
    #[arg(long)]
    digits: Option<u32>,
    /// Largest depth with --digits.
    #[arg(long, default_value_t = 1 << 14)]
    max_depth: usize,
}

/// Runs `apery cmf`.
pub fn run(args: Args) -> Result<()> {
    match args.command {
        Sub::List => list(),
        Sub::Check(a) => check(a),
        Sub::Walk(a) => walk(a),
        Sub::Pcf(a) => pcf(a),
        Sub::Search(a) => search(a),
    }
}

fn list() -> Result<()> {
    println!("{:<20} {:<18} {:<5} description", "name", "axes", "size");
    for spec in bundled() {
        let params: Vec<String> = spec
            .parameters()
            .iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k.clone(),
            })
            .collect();
        let cmf = spec.build(&[])?;
        println!(
            "{:<20} {:<18} {:<5} {}{}",
            spec.name(),
            spec.axes().join(","),
            format!("{0}×{0}", cmf.rank()),
            spec.description(),
            if params.is_empty() {
                String::new()
            } else {
                format!(" [parameters {}]", params.join(", "))
            }
        );
    }
    println!("\ngenerated families (any p, q ≥ 0 and rational z ≠ 0):");
    for (syntax, description) in apery::cmf::spec::GENERATED_FAMILIES {
        println!("{syntax:<20} {description}");
    }
    println!(
        "\nA field file of your own works wherever a name does (format: search-spaces/cmf/*.toml)."
    );
    Ok(())
}

fn overrides(params: &[String]) -> Result<Vec<(String, Rational)>> {
    params
        .iter()
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .with_context(|| format!("--param {p}: expected NAME=VALUE"))?;
            let v = parse_rational(v)
                .with_context(|| format!("--param {p}: '{v}' is not an integer or p/q"))?;
            Ok((k.trim().to_string(), v))
        })
        .collect()
}

fn field(a: &FieldArgs) -> Result<Cmf> {
    let spec = load(&a.field)?;
    Ok(spec.build(&overrides(&a.params)?)?)
}

fn check(a: FieldArgs) -> Result<()> {
    let spec = load(&a.field)?;
    let cmf = spec.build(&overrides(&a.params)?)?;
    if spec.generator().is_some() {
        cmf.check()
            .map_err(|detail| apery::cmf::CmfError::NotConservative {
                origin: spec.origin.clone(),
                detail,
            })?;
    }
    let symbolic = if spec.parameters().is_empty() {
        String::new()
    } else {
        spec.build_symbolic()?;
        format!(
            "; also for symbolic parameters {}",
            spec.parameters()
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let pairs = cmf.dim() * (cmf.dim() - 1) / 2;
    println!(
        "{}: conservative ({} axes, {} pair{} checked exactly, {}×{} matrices{symbolic})",
        cmf.name,
        cmf.dim(),
        pairs,
        if pairs == 1 { "" } else { "s" },
        cmf.rank(),
        cmf.rank()
    );
    let vars = cmf.vars();
    for (axis, m) in cmf.axes.iter().zip(&cmf.matrices) {
        let rows: Vec<String> = (0..m.dim())
            .map(|i| {
                let row: Vec<String> = (0..m.dim()).map(|j| m.get(i, j).display(&vars)).collect();
                format!("[{}]", row.join(", "))
            })
            .collect();
        let label = if cmf.backward[cmf.axis(axis).unwrap_or(0)] {
            "B" // the backward matrix
        } else {
            "M"
        };
        println!("  {label}_{axis} = [{}]", rows.join(", "));
    }
    Ok(())
}

/// A trajectory and start as walked: the start's integer part, in the field shifted by its
/// fractional part (`apery::cmf::shift`).
struct Path {
    trajectory: Vec<i64>,
    /// The start as given.
    start: Vec<Rational>,
    /// `⌊start⌋`, the start in `field`.
    integer_start: Vec<i64>,
    /// The field shifted by `start − ⌊start⌋` (the field itself for integer starts).
    field: Cmf,
    /// The start of the field's default walk, where its stated limit holds (`None`: the field
    /// file names no default walk, so the stated limit is taken to hold from any start).
    stated_start: Option<Vec<i64>>,
}

fn path(a: &PathArgs, cmf: &Cmf) -> Result<Path> {
    let spec = load(&a.field.field)?;
    let default = spec.default_walk();
    let t = if a.trajectory.is_empty() {
        match default {
            Some(w) => w.trajectory.clone(),
            None => bail!(
                "{}: give --trajectory (the field names no default walk)",
                cmf.name
            ),
        }
    } else {
        a.trajectory.clone()
    };
    let s: Vec<Rational> = match &a.start {
        Some(text) => parse_start(text).map_err(|e| anyhow::anyhow!("--start: {e}"))?,
        None => match default {
            Some(w) => w.start.iter().map(|&v| Rational::from(v)).collect(),
            None => vec![Rational::from(1); cmf.dim()],
        },
    };
    if s.len() != cmf.dim() {
        bail!(
            "--start {}: {} coordinates, the field {} has {} axes ({})",
            show(&s),
            s.len(),
            cmf.name,
            cmf.dim(),
            cmf.axes.join(", ")
        );
    }
    let (integer_start, frac) = split_start(&s).map_err(|e| anyhow::anyhow!("--start: {e}"))?;
    Ok(Path {
        trajectory: t,
        field: shifted(cmf, &frac),
        start: s,
        integer_start,
        stated_start: default.map(|w| w.start.clone()),
    })
}

/// The start for JSON: integers as numbers, fractions as "p/q".
fn start_json(s: &[Rational]) -> serde_json::Value {
    s.iter()
        .map(
            |v| match v.is_integer().then(|| v.numer().to_i64()).flatten() {
                Some(i) => json!(i),
                None => json!(v.to_string()),
            },
        )
        .collect()
}

fn fmt_vec(v: &[i64]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn walk(a: WalkArgs) -> Result<()> {
    let original = field(&a.path.field)?;
    let path = path(&a.path, &original)?;
    let (t, s) = (&path.trajectory, &path.integer_start);
    let cmf = &path.field;
    let walker = Walker::new(cmf)?;
    let lim = match a.depth {
        Some(d) => walker.limit_at_depth(t, s, d)?,
        None => walker.limit(
            t,
            s,
            &WalkOptions {
                digits: a.digits.unwrap_or(50),
                start_depth: 16,
                max_depth: a.max_depth,
            },
        )?,
    };
    let wanted = a.digits.unwrap_or(u32::MAX);
    let shown = (lim.digits.floor() as usize).clamp(1, wanted as usize);
    // the certain places and one more (fewer significant digits for |x| < 0.1)
    let value = decimal(
        &lim.value,
        digits_to_write(&lim.value, shown as u32 + 1) as usize,
    );
    let trusted = (lim.digits.floor() as u32).min(wanted);
    // agreement with the field's stated limit, which holds from its default walk's start only
    let stated_here = match &path.stated_start {
        Some(st) => {
            st.len() == path.start.len() && st.iter().zip(&path.start).all(|(a, b)| *b == *a)
        }
        None => true,
    };
    let stated = match &cmf.limit {
        Some(l) if stated_here => {
            let prec = Margin::LIMIT.bits(trusted.max(20) + 20);
            let v = constants::evaluate(l, prec).with_context(|| format!("the limit '{l}'"))?;
            let agree = -log10_abs(&Float::with_val(prec, &lim.value - &v));
            Some((l.clone(), agree.min(f64::from(trusted))))
        }
        _ => None,
    };
    let id = identify(&lim, trusted, cmf.constant.as_deref())?;
    let hyper = hypergeometric(&original, &path.start, &lim, trusted);
    if a.path.json {
        let mut j = json!({
            "field": original.name,
            "trajectory": t,
            "start": start_json(&path.start),
            "limit": value,
            "certain_digits": trusted,
            "depth": lim.depth,
            "delta": lim.delta,
            "convergence_rate": lim.rate,
            "geometric_convergence": lim.geometric,
            "stated_limit": stated.as_ref().map(|(l, d)| json!({"expression": l, "agreeing_digits": d.floor()})),
            "identification": id.as_ref().map(|i| json!({
                "formula": i.formula(),
                "relation": i.relation_string(),
                "constants": i.constants,
                "verified_digits": i.verified_digits,
            })),
        });
        if let Some(h) = &hyper {
            j["hypergeometric"] = h.json();
        }
        println!("{}", serde_json::to_string_pretty(&j)?);
        return Ok(());
    }
    println!(
        "field     {} trajectory ({}) from ({})",
        original.name,
        fmt_vec(t),
        show(&path.start)
    );
    if cmf.name != original.name {
        println!("walked    {} from ({})", cmf.name, fmt_vec(s));
    }
    println!("limit     {value}");
    println!(
        "certain   {} digits (depth {}){}",
        trusted,
        lim.depth,
        if a.digits.is_some_and(|d| lim.digits < f64::from(d)) {
            " — depth limit reached; raise --max-depth for more"
        } else {
            ""
        }
    );
    match lim.delta {
        Some(d) => println!(
            "delta     {d:.6} (reduced approximant at depth {} against depth {})",
            lim.depth / 2,
            lim.depth
        ),
        None => println!("delta     undefined"),
    }
    println!("{}", super::rate_line(lim.rate, lim.geometric, "step"));
    match (&stated, &cmf.limit, &path.stated_start) {
        (Some((l, d)), _, _) => println!("stated    {l}: agrees to {} digits", d.floor()),
        (None, Some(l), Some(st)) => println!(
            "stated    {l} is the limit from ({}); not compared from this start",
            fmt_vec(st)
        ),
        _ => {}
    }
    match (id, &hyper) {
        (Some(i), _) => println!(
            "identity  {}   [{}; agrees to {} digits]",
            i.formula(),
            i.relation_string(),
            i.verified_digits
        ),
        (None, Some(h)) => h.print(),
        (None, None) => match &cmf.constant {
            Some(c) => println!("identity  no Möbius relation with {c} found"),
            None => println!("identity  (the field names no constant)"),
        },
    }
    Ok(())
}

/// A `pFq` or Meijer-G walk's limit against the hypergeometric values at its start, and against
/// the library.
struct Hypergeometric {
    limit: PfqLimit,
    closed: Option<apery::identify::Identification>,
}

fn hypergeometric(
    cmf: &Cmf,
    start: &[Rational],
    lim: &WalkLimit,
    trusted: u32,
) -> Option<Hypergeometric> {
    let field = cmf.generator.as_ref()?;
    let (Generated::Pfq(.., z) | Generated::MeijerG(.., z)) = field;
    let x = Float::with_val(Margin::CONSTANTS.bits(trusted), &lim.exact);
    let limit = PfqLimit::of_walk(field, start, &x, trusted);
    let closed = closed_form(z, &x, trusted).ok().flatten();
    Some(Hypergeometric { limit, closed })
}

impl Hypergeometric {
    fn print(&self) {
        let shown = 20; // digits of each start value shown (at most its certain ones)
        match &self.limit {
            PfqLimit::Identified(i) => {
                println!(
                    "identity  {}   [agrees to {} digits], where",
                    i.formula(),
                    i.verified_digits
                );
                for l in i.legend(shown) {
                    println!("          {l}");
                }
            }
            PfqLimit::Rational {
                value,
                verified_digits,
            } => println!("identity  x = {value}, rational   [agrees to {verified_digits} digits]"),
            PfqLimit::NoRelation { basis, .. } if basis.is_empty() => {
                println!("identity  the values at the start could not be compared with the limit")
            }
            PfqLimit::NoRelation { basis, digits } if *digits < 12 => {
                println!("identity  {digits} certain digits are too few to identify (12 needed); the values at the start are");
                for l in legend(basis, shown) {
                    println!("          {l}");
                }
            }
            PfqLimit::NoRelation { basis, digits } => {
                println!("identity  no relation x = (Σ aᵢFᵢ)/(Σ bᵢFᵢ) (|aᵢ|, |bᵢ| ≤ 1000, {digits} digits) with");
                for l in legend(basis, shown) {
                    println!("          {l}");
                }
            }
            PfqLimit::Unavailable(e) => {
                println!("identity  the hypergeometric values at the start cannot be computed: {e}")
            }
        }
        if let Some(c) = &self.closed {
            println!(
                "closed    {}   [{}; agrees to {} digits]",
                c.formula(),
                c.relation_string(),
                c.verified_digits
            );
        }
    }

    fn json(&self) -> serde_json::Value {
        let basis = |b: &[apery::cmf::pfq_limit::BasisValue]| -> Vec<serde_json::Value> {
            b.iter()
                .enumerate()
                .map(|(k, v)| {
                    json!({
                        "name": format!("F{k}"),
                        "series": v.label,
                        "value": decimal(&v.value.value, v.value.digits.max(1) as usize),
                        "certain_digits": v.value.digits,
                        "method": v.value.method,
                    })
                })
                .collect()
        };
        let closed = self.closed.as_ref().map(|i| {
            json!({
                "formula": i.formula(),
                "relation": i.relation_string(),
                "constants": i.constants,
                "verified_digits": i.verified_digits,
            })
        });
        match &self.limit {
            PfqLimit::Identified(i) => json!({
                "formula": i.formula(),
                "numerator": i.numerator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "denominator": i.denominator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "basis": basis(&i.basis),
                "verified_digits": i.verified_digits,
                "closed_form": closed,
            }),
            PfqLimit::Rational {
                value,
                verified_digits,
            } => json!({
                "formula": format!("x = {value}"),
                "rational": value.to_string(),
                "verified_digits": verified_digits,
                "closed_form": closed,
            }),
            PfqLimit::NoRelation { basis: b, digits } => json!({
                "formula": null,
                "basis": basis(b),
                "searched_digits": digits,
                "closed_form": closed,
            }),
            PfqLimit::Unavailable(e) => json!({
                "formula": null,
                "error": e.to_string(),
                "closed_form": closed,
            }),
        }
    }
}

/// The walk's limit, certain to `places` decimal places, as a Möbius transform of the field's
/// constant, at the significant digits those places give ([`SignificantDigits::from_places`]:
/// agreement is relative), at most 2000.
fn identify(
    lim: &WalkLimit,
    places: u32,
    constant: Option<&str>,
) -> Result<Option<apery::identify::Identification>> {
    let Some(name) = constant else {
        return Ok(None);
    };
    let x = Float::with_val(Margin::CONSTANTS.bits(places.min(2000)), &lim.exact);
    let trusted = SignificantDigits::from_places(&x, places).at_most(2000);
    if trusted.get() < 12 {
        return Ok(None);
    }
    let prec = Margin::CONSTANTS.bits(trusted.get());
    let v = constants::evaluate(name, prec).with_context(|| format!("constant '{name}'"))?;
    let x = Float::with_val(prec, &lim.exact);
    let found = identify_mobius(&x, trusted, &[(name.to_string(), v)], 1000)?;
    Ok(found.map(|mut i| {
        i.verified_digits = i.verified_digits.min(trusted.get());
        i
    }))
}

fn pcf(a: PathArgs) -> Result<()> {
    let original = field(&a.field)?;
    let path = path(&a, &original)?;
    let (t, s) = (&path.trajectory, &path.integer_start);
    let cmf = &path.field;
    let r = trajectory_to_pcf(cmf, t, s)?;
    let n = vec!["n".to_string()];
    if a.json {
        let step: Vec<Vec<String>> = (0..2)
            .map(|i| (0..2).map(|j| r.step.get(i, j).display(&n)).collect())
            .collect();
        let j = json!({
            "field": original.name,
            "trajectory": t,
            "start": start_json(&path.start),
            "step_matrix": step,
            "a_inflated": r.a_inflated.python(),
            "b_inflated": r.b_inflated.python(),
            "deflation_factor": r.deflation.python(),
            "a_deflated": r.a.python(),
            "b_deflated": r.b.python(),
            "shift": r.shift,
            "a": r.pcf.a.python(),
            "b": r.pcf.b.python(),
            "gamma_roots": r.gamma_roots,
        });
        println!("{}", serde_json::to_string_pretty(&j)?);
        return Ok(());
    }
    println!(
        "field       {} trajectory ({}) from ({})",
        original.name,
        fmt_vec(t),
        show(&path.start)
    );
    if cmf.name != original.name {
        println!("walked      {} from ({})", cmf.name, fmt_vec(s));
    }
    println!(
        "T(n)        [[{}, {}], [{}, {}]]",
        r.step.get(0, 0).display(&n),
        r.step.get(0, 1).display(&n),
        r.step.get(1, 0).display(&n),
        r.step.get(1, 1).display(&n)
    );
    println!(
        "inflated    a'(n) = {}, b'(n) = {}",
        r.a_inflated, r.b_inflated
    );
    println!("deflated by {}", r.deflation);
    if r.shift != 0 {
        println!(
            "            a(n) = {}, b(n) = {}; b({}) = 0, so shifted n -> n + {}",
            r.a, r.b, r.shift, r.shift
        );
    }
    println!("PCF         {}", r.pcf);
    if !r.gamma_roots.is_empty() {
        println!(
            "warning     γ(n) = 0 at n = {:?}: the PCF may differ from the walk there; try another start",
            r.gamma_roots
        );
    }
    println!(
        "evaluate    apery eval --a \"{}\" --b \"{}\"",
        r.pcf.a.python(),
        r.pcf.b.python()
    );
    Ok(())
}

fn search(a: SearchArgs) -> Result<()> {
    use apery::catalog::Catalog;
    use apery::cmf::search::{CmfSearcher, Skip};
    use apery::space::cmf::CmfSpace;
    a.run.init_threads()?;
    let space = CmfSpace::load(&a.space)?;
    let size = space.size();
    let range = a.run.range(size)?;
    let todo = range.end.min(size).saturating_sub(range.start);
    eprintln!(
        "space '{}': field {}, {} trajectories × {} starts = {} pairs; running indices {}..{} on {} threads",
        space.name,
        space.field.name,
        space.trajectories.len(),
        space.starts_count(),
        size,
        range.start.min(size),
        range.end.min(size),
        rayon::current_num_threads()
    );
    let searcher = CmfSearcher::new(&space)
        .with_context(|| a.space.display().to_string())?
        .with_cancel(super::search::install_ctrlc());
    let mut catalog = Catalog::open(&a.catalog)
        .with_context(|| format!("opening the catalog {}", a.catalog.display()))?;
    let bar = super::search::Progress::new(a.run.quiet, todo);
    let s = searcher.run(&mut catalog, range, &|e| {
        bar.update(e.done, e.total, &format!("verified: {}", e.hits));
    })?;
    bar.finish();
    println!(
        "cmf search '{}' (field {}) — indices {}..{} of {}",
        space.name, space.field.name, s.range.start, s.range.end, s.space_size
    );
    let c = &s.counters;
    let mut rows: Vec<(String, String)> = vec![
        ("already done (resumed)".into(), s.resumed.to_string()),
        ("(trajectory, start) pairs".into(), c.pairs.to_string()),
    ];
    for why in Skip::ALL {
        rows.push((
            format!("skipped: {}", why.describe()),
            c.skipped(why).to_string(),
        ));
    }
    rows.extend([
        ("verified".into(), c.verified.to_string()),
        (
            "distinct formulas new to the catalog".into(),
            s.new_formulas.to_string(),
        ),
        (
            "distinct formulas already in the catalog".into(),
            s.known_formulas.to_string(),
        ),
        (
            "wall time".into(),
            format!("{:.2} s", s.elapsed.as_secs_f64()),
        ),
    ]);
    for (k, v) in rows {
        println!("  {k:<56} {v:>10}");
    }
    if !s.formulas_by_constant.is_empty() {
        println!("  distinct formulas verified in this run, by constant:");
        for (k, n) in &s.formulas_by_constant {
            println!("    {k:<54} {n:>10}");
        }
    }
    if !s.examples.is_empty() {
        println!("  first skipped pairs of each reason:");
    }
    for sk in &s.examples {
        println!(
            "    ({}) from ({}): {}",
            fmt_vec(&sk.trajectory),
            show(&sk.start),
            shorten(&sk.message, 160)
        );
    }
    println!(
        "catalog: {} (read it with `apery query --kind cmf`)",
        a.catalog.display()
    );
    if s.interrupted {
        eprintln!("interrupted: run the same command again to resume");
        std::process::exit(130);
    }
    Ok(())
}

/// `text` cut to at most `max` characters with `…` in the middle, so a summary line stays a line
/// (the PCF of a long trajectory has polynomials of degree 20 and more).
fn shorten(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let keep = (max - 1) / 2;
    let head: String = text.chars().take(keep).collect();
    let tail: String = text.chars().skip(n - keep).collect();
    format!("{head}…{tail}")
}
