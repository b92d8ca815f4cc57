//! Metrics for every PCF of a search space, in parallel, sharded and resumable like a search.
//!
//! Every index whose `a` and `b` are non-zero polynomials gets its [`PcfMetrics`](super::metrics::PcfMetrics) (the Blind-δ
//! recipe; for the `blind-delta` space that is the paper's 1,768,900 PCFs). Chunks of the ordered
//! enumeration are committed to the catalog's `metrics` table together with their "done" mark.

use super::metrics::{metrics_with, MetricsConfig, PcfMetrics};
use crate::cancel::Cancel;
use crate::catalog::metrics::{progress_key, MetricsRow};
use crate::catalog::Catalog;
use crate::enumerate::Enumerator;
use crate::pcf::canonical::CanonicalKey;
use crate::precision::SignificantDigits;
use crate::search::{plan_chunks, run_chunks, ProgressEvent};
use crate::space::SearchSpace;
use anyhow::{Context, Result};
use std::ops::Range;
use std::time::{Duration, Instant};

/// Indices per chunk (a few hundred milliseconds of work at depth 2000).
pub const CHUNK: u64 = 256;

/// The smallest depth accepted for a metrics run: below it the recipe's sample points
/// `[6, S/8, S/4, S/2, S]` (S = depth/2) do not increase.
pub const MIN_DEPTH: usize = 114;

/// The metrics of the PCF at `index`, or `None` when the index is skipped: a zero polynomial,
/// coefficients beyond 64 bits, or metrics the recipe cannot compute at this depth.
pub fn metrics_at(e: &Enumerator, index: u64, config: &MetricsConfig) -> Option<PcfMetrics> {
    let pcf = e.candidate(index);
    let (Some(a), Some(b)) = (pcf.a.to_i64(), pcf.b.to_i64()) else {
        return None;
    };
    if a.is_empty() || b.is_empty() {
        return None;
    }
    metrics_with(&a, &b, config).ok()
}

/// The catalog row of the metrics `m` of the PCF at `index`: its `a(n)`, `b(n)` and canonical
/// key come from the enumeration, not from `m`.
pub fn metrics_row(e: &Enumerator, index: u64, m: PcfMetrics) -> MetricsRow {
    let pcf = e.candidate(index);
    MetricsRow {
        index,
        a: pcf.a.python(),
        b: pcf.b.python(),
        canonical_key: format!("pcf:{}", CanonicalKey::of(&pcf)),
        metrics: m,
        cluster: None,
        label: None,
    }
}

/// The metrics rows of `range` (in index order) and the number of indices skipped (see
/// [`metrics_at`]); `None` if `cancel` was cancelled before the range was finished. A pure
/// function of the space, the range and the configuration.
pub fn metrics_rows(
    e: &Enumerator,
    config: &MetricsConfig,
    range: Range<u64>,
    cancel: &Cancel,
) -> Option<(Vec<MetricsRow>, u64)> {
    let mut rows = Vec::new();
    let mut skipped = 0;
    for index in range {
        if cancel.is_cancelled() {
            return None;
        }
        match metrics_at(e, index, config) {
            Some(m) => rows.push(metrics_row(e, index, m)),
            None => skipped += 1,
        }
    }
    Some((rows, skipped))
}

/// What a metrics run did.
#[derive(Clone, Debug, Default)]
pub struct SurveySummary {
    /// Indices already done by an earlier run.
    pub resumed: u64,
    /// PCFs whose metrics were computed in this run.
    pub computed: u64,
    /// Indices skipped (zero polynomial or coefficients beyond 64 bits).
    pub skipped: u64,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Wall time.
    pub elapsed: Duration,
}

/// Computes and stores the metrics of `range` of the space's enumeration.
pub fn survey(
    space: &SearchSpace,
    config: &MetricsConfig,
    catalog: &mut Catalog,
    range: Range<u64>,
    progress: &(dyn Fn(ProgressEvent) + Sync),
) -> Result<SurveySummary> {
    survey_with_cancel(space, config, catalog, range, progress, &Cancel::new())
}

/// [`survey`] that stops when `cancel` is cancelled: no new chunk is started and the chunk in
/// flight stops at its next PCF without being committed (it is redone on resume).
pub fn survey_with_cancel(
    space: &SearchSpace,
    config: &MetricsConfig,
    catalog: &mut Catalog,
    range: Range<u64>,
    progress: &(dyn Fn(ProgressEvent) + Sync),
    cancel: &Cancel,
) -> Result<SurveySummary> {
    let start = Instant::now();
    let e = Enumerator::new(space).map_err(anyhow::Error::msg)?;
    let range = range.start.min(e.size())..range.end.min(e.size());
    let key = progress_key(&space.hash, config.depth);
    let done = catalog.done_ranges_within(&key, range.clone())?;
    let chunks = plan_chunks(range.clone(), &done, CHUNK);
    let total = chunks.remaining();
    let mut s = SurveySummary {
        resumed: (range.end - range.start) - total,
        ..Default::default()
    };
    let mut done_count = 0;
    progress(ProgressEvent {
        done: 0,
        total,
        hits: 0,
    });
    let work = |r: Range<u64>| {
        let (rows, skipped) = metrics_rows(&e, config, r.clone(), cancel)?;
        Some((r, rows, skipped))
    };
    run_chunks(chunks, cancel, work, |(r, rows, skipped)| {
        catalog
            .commit_metrics(&space.name, &space.hash, config.depth, r.clone(), &rows)
            .context("writing metrics to the catalog")?;
        s.computed += rows.len() as u64;
        s.skipped += skipped;
        done_count += r.end - r.start;
        progress(ProgressEvent {
            done: done_count,
            total,
            hits: s.computed,
        });
        Ok(())
    })?;
    s.interrupted = done_count < total;
    s.elapsed = start.elapsed();
    Ok(s)
}

/// The clusters of a space's metrics, written back to the catalog.
#[derive(Clone, Debug)]
pub struct ClusterReport {
    /// Number of PCFs clustered.
    pub points: usize,
    /// Anchors (PCFs whose formula is in the catalog).
    pub anchors: usize,
    /// Final clusters as stored in the catalog (ids index `labelling.clusters`).
    pub clusters: Vec<crate::catalog::metrics::StoredCluster>,
    /// PCFs in no cluster (noise, or a metric missing in the planes tried).
    pub noise: usize,
    /// The labelling itself.
    pub labelling: super::cluster::Labelling,
    /// The metrics rows, in the order of `labelling.assignment`.
    pub rows: Vec<MetricsRow>,
    /// Per row: the label written (see [`cluster_space`]).
    pub labels: Vec<Option<String>>,
    /// Unanchored clusters whose limits are Möbius transforms of each other:
    /// (cluster, later cluster, `x = …` of the later's representative in terms of `C<cluster>`).
    pub relations: Vec<(usize, usize, String)>,
}

/// Digits a member's limit is evaluated to when its cluster's label is checked.
const CHECK_DIGITS: u32 = 40;
/// Fewest certain digits with which a label is confirmed by PSLQ.
const MIN_CHECK_DIGITS: u32 = 20;
/// Members of an unanchored cluster tested against the whole library.
const UNANCHORED_SAMPLE: usize = 5;

/// A PCF's limit with its certain decimal places (at most [`CHECK_DIGITS`]), if it has at least
/// [`MIN_CHECK_DIGITS`] of them within depth 2048.
fn member_limit(pcf: &crate::pcf::Pcf) -> Option<(rug::Float, u32)> {
    use crate::pcf::limit::{evaluate, EvalOptions};
    let opts = EvalOptions {
        digits: CHECK_DIGITS,
        start_depth: 32,
        max_depth: 2048,
    };
    let lim = evaluate(pcf, &opts).ok()?;
    let trusted = (lim.digits.floor() as u32).min(CHECK_DIGITS);
    (trusted >= MIN_CHECK_DIGITS).then_some((lim.value, trusted))
}

/// Identifies a PCF's limit with one of `targets` (Möbius transform, coefficients ≤ 1000) from
/// the digits that are certain; `None` when it converges too slowly to tell or nothing passes the gate.
fn identify_member(pcf: &crate::pcf::Pcf, targets: &[(String, rug::Float)]) -> Option<String> {
    let (x, places) = member_limit(pcf)?;
    let trusted = SignificantDigits::from_places(&x, places);
    let id = crate::identify::identify_mobius(&x, trusted, targets, 1000).ok()??;
    Some(id.constants.join(","))
}

/// Unanchored clusters compared with each other: a representative limit of each (the first of its
/// first members with enough certain digits) is tested as a Möbius transform of the others'.
/// Returns `(earlier cluster, later cluster, formula of the later in terms of the earlier)`.
fn relate_unanchored(
    rows: &[MetricsRow],
    labelling: &super::cluster::Labelling,
    unanchored: &[usize],
) -> Vec<(usize, usize, String)> {
    use rayon::prelude::*;
    let reps: Vec<(usize, rug::Float, u32)> = unanchored
        .par_iter()
        .filter_map(|&k| {
            labelling.clusters[k]
                .members
                .iter()
                .take(UNANCHORED_SAMPLE)
                .find_map(|&i| {
                    let m = &rows[i].metrics;
                    member_limit(&crate::pcf::Pcf::from_i64(&m.a, &m.b)).map(|(x, t)| (k, x, t))
                })
        })
        .collect();
    let pairs: Vec<(usize, usize)> = (0..reps.len())
        .flat_map(|i| (i + 1..reps.len()).map(move |j| (i, j)))
        .collect();
    let mut out: Vec<(usize, usize, String)> = pairs
        .par_iter()
        .filter_map(|&(i, j)| {
            let (ki, xi, ti) = &reps[i];
            let (kj, xj, tj) = &reps[j];
            let name = format!("C{ki}");
            // Both limits are known to their decimal places only; the relation is trusted to
            // the fewer significant digits of the two.
            let trusted = SignificantDigits::from_places(xj, *tj)
                .min(SignificantDigits::from_places(xi, *ti));
            let id = crate::identify::identify_mobius(xj, trusted, &[(name, xi.clone())], 1000)
                .ok()??;
            Some((*ki, *kj, id.formula()))
        })
        .collect();
    out.sort();
    out
}

/// The named constants (library names or expressions) at the precision of [`identify_member`].
fn target_values(names: &[String]) -> Vec<(String, rug::Float)> {
    let prec = crate::precision::Margin::CONSTANTS.bits(CHECK_DIGITS);
    names
        .iter()
        .filter_map(|c| {
            crate::constants::evaluate(c, prec)
                .ok()
                .map(|v| (c.clone(), v))
        })
        .collect()
}

/// The label of a whole cluster (stored with it, shown by `apery cluster` and in the plot's
/// legend) and whether it names constants: an anchored cluster is named by its anchors' constant
/// (or `mixed: …`); an unanchored one by the identification PSLQ found most often among its tested
/// members (`ln2 (pslq)`), else by its members' common `unknown…` label.
fn cluster_label_text(
    label: &super::cluster::ClusterLabel,
    members: &[usize],
    member_labels: &[Option<String>],
) -> (String, bool) {
    use super::cluster::ClusterLabel;
    match label {
        ClusterLabel::Constant(c) => (c.clone(), true),
        ClusterLabel::Mixed(v) => (format!("mixed: {}", v.join(", ")), true),
        ClusterLabel::Unknown => {
            let mut found: Vec<&str> = members
                .iter()
                .filter_map(|&i| member_labels[i].as_deref())
                .filter(|l| l.ends_with("(pslq)"))
                .collect();
            found.sort_unstable();
            let mut best: Option<(&str, usize)> = None;
            for chunk in found.chunk_by(|a, b| a == b) {
                let better = match best {
                    Some((_, n)) => chunk.len() > n,
                    None => true,
                };
                if better {
                    best = Some((chunk[0], chunk.len()));
                }
            }
            match best {
                Some((l, _)) => (l.to_string(), true),
                None => {
                    let first = members
                        .iter()
                        .find_map(|&i| member_labels[i].clone())
                        .unwrap_or_else(|| "unknown".to_string());
                    (first, false)
                }
            }
        }
    }
}

/// Clusters a space's metrics along the recipe's planes ([`super::cluster::PLANES`] order, or only
/// `planes` if given), labels clusters by the catalog's anchors and stores the assignment.
pub fn cluster_space(
    catalog: &mut Catalog,
    space: &str,
    planes: Option<&[usize]>,
    params: &super::cluster::ClusterParams,
) -> Result<ClusterReport> {
    use super::cluster::{label_clusters, plane_point, ClusterLabel, PLANES};
    let rows = catalog.metrics(space, None)?;
    anyhow::ensure!(
        !rows.is_empty(),
        "no metrics for space '{space}' in the catalog"
    );
    let order: Vec<usize> = planes.map_or_else(|| (0..PLANES.len()).collect(), <[usize]>::to_vec);
    let planes: Vec<Vec<[f64; 2]>> = order
        .iter()
        .map(|&j| rows.iter().map(|r| plane_point(&r.metrics, j)).collect())
        .collect();
    let mut anchors = Vec::with_capacity(rows.len());
    for r in &rows {
        anchors.push(catalog.constants_of_key(&r.canonical_key)?);
    }
    let labelling = label_clusters(&planes, &anchors, params)?;
    let label_text = |l: &ClusterLabel| match l {
        ClusterLabel::Constant(c) => c.clone(),
        ClusterLabel::Unknown => "unknown".to_string(),
        ClusterLabel::Mixed(v) => format!("mixed: {}", v.join(", ")),
    };
    // Labels are checked member by member: in a cluster anchored by a constant, a member is
    // labelled with it only if PSLQ identifies its limit with that constant ("c?" otherwise). An
    // unanchored cluster's first few members are tested against the whole constant library; those
    // identified are labelled "c (pslq)".
    let library_names: Vec<String> = crate::constants::library()
        .iter()
        .map(|c| c.name.to_string())
        .collect();
    let library = target_values(&library_names);
    let anchored: std::collections::HashMap<String, Vec<(String, rug::Float)>> = labelling
        .clusters
        .iter()
        .filter_map(|c| match &c.label {
            ClusterLabel::Constant(name) => {
                Some((name.clone(), target_values(std::slice::from_ref(name))))
            }
            _ => None,
        })
        .collect();
    let tested: std::collections::HashSet<usize> = labelling
        .clusters
        .iter()
        .filter(|c| !matches!(c.label, ClusterLabel::Constant(_)))
        .flat_map(|c| c.members.iter().take(UNANCHORED_SAMPLE).copied())
        .collect();
    let labels: Vec<Option<String>> = {
        use rayon::prelude::*;
        (0..rows.len())
            .into_par_iter()
            .map(|i| {
                let k = labelling.assignment[i]?;
                let pcf = || crate::pcf::Pcf::from_i64(&rows[i].metrics.a, &rows[i].metrics.b);
                Some(match &labelling.clusters[k].label {
                    ClusterLabel::Constant(c) => match identify_member(&pcf(), &anchored[c]) {
                        Some(_) => c.clone(),
                        None => format!("{c}?"),
                    },
                    other => match tested
                        .contains(&i)
                        .then(|| identify_member(&pcf(), &library))
                        .flatten()
                    {
                        Some(found) => format!("{found} (pslq)"),
                        None => label_text(other),
                    },
                })
            })
            .collect()
    };
    // Unanchored clusters that PSLQ could not tie to the library are compared with each other.
    let unanchored: Vec<usize> = (0..labelling.clusters.len())
        .filter(|&k| !matches!(labelling.clusters[k].label, ClusterLabel::Constant(_)))
        .filter(|&k| {
            !labelling.clusters[k]
                .members
                .iter()
                .any(|&i| labels[i].as_deref().is_some_and(|l| l.ends_with("(pslq)")))
        })
        .collect();
    let relations = relate_unanchored(&rows, &labelling, &unanchored);
    let mut labels = labels;
    for (ki, kj, _) in &relations {
        for &i in &labelling.clusters[*kj].members {
            if labels[i].as_deref() == Some("unknown") {
                labels[i] = Some(format!("unknown, Möbius-related to cluster {ki}"));
            }
        }
    }
    let assignment: Vec<(u64, Option<i64>, Option<String>)> = rows
        .iter()
        .zip(&labelling.assignment)
        .zip(&labels)
        .map(|((r, a), l)| (r.index, a.map(|k| k as i64), l.clone()))
        .collect();
    let clusters: Vec<crate::catalog::metrics::StoredCluster> = labelling
        .clusters
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (label, labelled) = cluster_label_text(&c.label, &c.members, &labels);
            crate::catalog::metrics::StoredCluster {
                id: k as i64,
                plane: order[c.plane],
                size: c.members.len(),
                label,
                labelled,
            }
        })
        .collect();
    catalog.set_clusters(space, &assignment, &clusters)?;
    let noise = labelling.assignment.iter().filter(|a| a.is_none()).count();
    Ok(ClusterReport {
        points: rows.len(),
        anchors: anchors.iter().filter(|a| a.is_some()).count(),
        clusters,
        noise,
        labelling,
        rows,
        labels,
        relations,
    })
}
