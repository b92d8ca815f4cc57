//! `apery dynamics`, `apery cluster` and `apery plot`.

use super::search::RunArgs;
use anyhow::{bail, Context, Result};
use apery::catalog::Catalog;
use apery::dynamics::cluster::{plane_point, ClusterParams, PLANES};
use apery::dynamics::delta::delta_profile;
use apery::dynamics::metrics::MetricsConfig;
use apery::dynamics::plot::{
    check_output, plot_clusters, plot_convergence, ClusterPlot, PlotCluster,
};
use apery::dynamics::survey::{cluster_space, survey_with_cancel, MIN_DEPTH};
use apery::enumerate::Enumerator;
use apery::pcf::Pcf;
use apery::space::SearchSpace;
use std::path::PathBuf;

/// Arguments of `apery dynamics`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The search-space file, e.g. search-spaces/blind-delta.toml.
    space: PathBuf,
    /// Depth D of the metrics (the recipe uses 2000).
    #[arg(long, default_value_t = 2000)]
    depth: usize,
    /// Catalog database.
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Run even if the range has more than 2^40 PCFs.
    #[arg(long)]
    allow_huge: bool,
    #[command(flatten)]
    run: RunArgs,
}

/// Runs `apery dynamics`.
pub fn run(args: Args) -> Result<()> {
    args.run.init_threads()?;
    let space = SearchSpace::load(&args.space)?;
    let size = Enumerator::new(&space).map_err(anyhow::Error::msg)?.size();
    let range = args.run.range(size)?;
    if args.depth < MIN_DEPTH {
        bail!(
            "--depth {} is too small for the recipe's sample points (at least {MIN_DEPTH})",
            args.depth
        );
    }
    let todo = range.end.min(size).saturating_sub(range.start);
    // Metrics at depth 2000 cost about a millisecond per PCF per core.
    super::search::check_huge(&args.space, todo, args.allow_huge, 1e3)?;
    let cancel = super::search::install_ctrlc();
    let mut catalog = Catalog::open(&args.catalog)
        .with_context(|| format!("opening the catalog {}", args.catalog.display()))?;
    let bar = super::search::Progress::new(args.run.quiet, todo);
    let config = MetricsConfig {
        depth: args.depth,
        ..Default::default()
    };
    eprintln!(
        "metrics of space '{}' at depth {}: indices {}..{} of {}",
        space.name,
        args.depth,
        range.start,
        range.end.min(size),
        size
    );
    let progress = |e: apery::search::ProgressEvent| {
        bar.update(e.done, e.total, &format!("PCFs: {}", e.hits));
    };
    let s = survey_with_cancel(&space, &config, &mut catalog, range, &progress, &cancel)?;
    bar.finish();
    println!("metrics '{}' at depth {}", space.name, args.depth);
    println!("  {:<28} {:>12}", "already done (resumed)", s.resumed);
    println!("  {:<28} {:>12}", "computed", s.computed);
    println!("  {:<28} {:>12}", "skipped (zero a or b)", s.skipped);
    println!(
        "  {:<28} {:>12}",
        "wall time",
        format!(
            "{:.1} s ({:.2} ms per PCF per core)",
            s.elapsed.as_secs_f64(),
            s.elapsed.as_secs_f64() * 1e3 * rayon::current_num_threads() as f64
                / s.computed.max(1) as f64
        )
    );
    println!("next: `apery cluster --space {}`", space.name);
    if s.interrupted {
        eprintln!("interrupted: run the same command again to resume");
        std::process::exit(130);
    }
    Ok(())
}

/// Plane names accepted by `--plane`, in the recipe's order.
const PLANE_NAMES: [&str; 4] = [
    "fr_delta,eta_prime",
    "fr_delta,gamma_prime",
    "fr_delta,eta",
    "fr_delta,gamma",
];

fn parse_plane(s: &str) -> Result<usize> {
    let s = s.replace(' ', "");
    PLANE_NAMES
        .iter()
        .position(|p| *p == s)
        .with_context(|| format!("unknown plane '{s}'; planes: {}", PLANE_NAMES.join(" | ")))
}

fn only_space(catalog: &Catalog, space: Option<String>) -> Result<String> {
    if let Some(s) = space {
        return Ok(s);
    }
    let spaces = catalog.metric_spaces()?;
    match spaces.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("the catalog has no metrics: run `apery dynamics <space.toml>` first"),
        many => bail!(
            "the catalog has metrics of several spaces ({}); choose one with --space",
            many.join(", ")
        ),
    }
}

/// Arguments of `apery cluster`.
#[derive(clap::Args, Debug)]
pub struct ClusterArgs {
    /// Catalog database.
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// The space whose metrics to cluster (needed when the catalog has several).
    #[arg(long)]
    space: Option<String>,
    /// Planes to try, in order (default: the recipe's four). Repeat the flag for several.
    #[arg(long, value_name = "X,Y")]
    plane: Vec<String>,
}

/// Runs `apery cluster`.
pub fn run_cluster(args: ClusterArgs) -> Result<()> {
    let mut catalog = super::open_existing_catalog(&args.catalog)?;
    let space = only_space(&catalog, args.space)?;
    let planes: Vec<usize> = args
        .plane
        .iter()
        .map(|p| parse_plane(p))
        .collect::<Result<_>>()?;
    let report = cluster_space(
        &mut catalog,
        &space,
        (!planes.is_empty()).then_some(planes.as_slice()),
        &ClusterParams::default(),
    )
    .map_err(|e| {
        if e.to_string().starts_with("no metrics for space") {
            anyhow::anyhow!("{e:#}: run `apery dynamics SPACE.toml` on it first")
        } else {
            e
        }
    })?;
    // What is printed is read back from the catalog: the same rows `apery plot clusters` draws.
    let (points, noise, mut clusters) = stored_clustering(&catalog, &space)?;
    println!(
        "space '{space}': {points} PCFs, {} anchors (formulas in the catalog), {noise} in no cluster",
        report.anchors
    );
    println!("{:>7}  {:<22} {:>8}  label", "cluster", "plane", "size");
    clusters.sort_by(|a, b| {
        (!a.labelled, std::cmp::Reverse(a.size), a.id).cmp(&(
            !b.labelled,
            std::cmp::Reverse(b.size),
            b.id,
        ))
    });
    for c in clusters.iter().take(40) {
        println!(
            "{:>7}  {:<22} {:>8}  {}",
            c.id, PLANE_NAMES[c.plane], c.size, c.label
        );
    }
    if clusters.len() > 40 {
        println!("… {} more clusters", clusters.len() - 40);
    }
    if !report.relations.is_empty() {
        println!("unanchored clusters related to each other (Möbius transforms of one another's limits):");
        for (ki, kj, f) in report.relations.iter().take(40) {
            println!(
                "  cluster {kj} ~ cluster {ki}: {}",
                f.replacen("x =", &format!("C{kj} ="), 1)
            );
        }
    }
    println!("read a cluster with `apery query --cluster K`; plot with `apery plot clusters`");
    Ok(())
}

/// The stored clustering of a space: (PCFs, PCFs in no cluster, clusters). Both `apery cluster`
/// and `apery plot clusters` report from this.
fn stored_clustering(
    catalog: &Catalog,
    space: &str,
) -> Result<(usize, usize, Vec<apery::catalog::metrics::StoredCluster>)> {
    let rows = catalog.metrics(space, None)?;
    let clusters = catalog.clusters(space)?;
    if clusters.is_empty() {
        bail!("no clusters stored for '{space}': run `apery cluster` first");
    }
    let noise = rows.iter().filter(|r| r.cluster.is_none()).count();
    Ok((rows.len(), noise, clusters))
}

/// Arguments of `apery plot`.
#[derive(clap::Args, Debug)]
pub struct PlotArgs {
    #[command(subcommand)]
    what: PlotWhat,
}

#[derive(clap::Subcommand, Debug)]
enum PlotWhat {
    /// A metric plane coloured by cluster (run `apery cluster` first).
    Clusters {
        /// Catalog database.
        #[arg(long, default_value_os_t = super::default_catalog())]
        catalog: PathBuf,
        /// The space (needed when the catalog has several).
        #[arg(long)]
        space: Option<String>,
        /// The plane to draw.
        #[arg(long, default_value = "fr_delta,eta_prime")]
        plane: String,
        /// Output file; .png or .svg.
        #[arg(long, default_value = "results/clusters.png")]
        out: PathBuf,
    },
    /// Error and δ against depth for one PCF.
    Convergence {
        /// a(n).
        #[arg(long, allow_hyphen_values = true)]
        a: String,
        /// b(n).
        #[arg(long, allow_hyphen_values = true)]
        b: String,
        /// Largest depth plotted (the limit is taken at twice this depth).
        #[arg(long, default_value_t = 1000)]
        depth: usize,
        /// Output file; .png or .svg.
        #[arg(long, default_value = "results/convergence.png")]
        out: PathBuf,
    },
}

/// Runs `apery plot`.
pub fn run_plot(args: PlotArgs) -> Result<()> {
    match args.what {
        PlotWhat::Clusters {
            catalog,
            space,
            plane,
            out,
        } => {
            check_output(&out)?;
            let j = parse_plane(&plane)?;
            let catalog = super::open_catalog_for_reading(&catalog)?;
            let space = only_space(&catalog, space)?;
            let rows = catalog.metrics(&space, None)?;
            let (_, _, stored) = stored_clustering(&catalog, &space)?;
            let points: Vec<[f64; 2]> = rows.iter().map(|r| plane_point(&r.metrics, j)).collect();
            // Clusters as stored by `apery cluster`: the same ids, sizes and labels it printed.
            let index: std::collections::HashMap<i64, usize> =
                stored.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
            let assignment: Vec<Option<usize>> = rows
                .iter()
                .map(|r| r.cluster.and_then(|c| index.get(&c).copied()))
                .collect();
            let clusters: Vec<PlotCluster> = stored
                .iter()
                .map(|c| PlotCluster {
                    name: format!("{}: {}", c.id, c.label),
                    labelled: c.labelled,
                })
                .collect();
            make_parent(&out)?;
            plot_clusters(
                &ClusterPlot {
                    title: format!("Clusters of '{space}': {} vs {}", PLANES[j].0, PLANES[j].1),
                    axes: PLANES[j],
                    points: &points,
                    assignment: &assignment,
                    clusters: &clusters,
                },
                &out,
            )?;
            println!("wrote {}", out.display());
        }
        PlotWhat::Convergence { a, b, depth, out } => {
            check_output(&out)?;
            let pcf = Pcf::parse(&a, &b)?;
            let (Some(ca), Some(cb)) = (pcf.a.to_i64(), pcf.b.to_i64()) else {
                bail!("coefficients must fit in 64 bits");
            };
            let depths: Vec<usize> = (1..=depth).step_by((depth / 200).max(1)).collect();
            let profile = delta_profile(&ca, &cb, &depths, 2 * depth)?;
            let err: Vec<(f64, f64)> = profile
                .iter()
                .filter(|p| p.log10_error.is_finite())
                .map(|p| (p.n as f64, p.log10_error))
                .collect();
            let del: Vec<(f64, f64)> = profile
                .iter()
                .filter(|p| p.reduced_delta.is_finite())
                .map(|p| (p.n as f64, p.reduced_delta))
                .collect();
            make_parent(&out)?;
            plot_convergence(&err, &del, &out)?;
            println!("wrote {}", out.display());
        }
    }
    Ok(())
}

fn make_parent(p: &std::path::Path) -> Result<()> {
    if let Some(d) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    Ok(())
}
