//! Merging unit results into the catalog, trusting nothing.
//!
//! For every result file: the digest must match the payload, the compatibility version must be this
//! build's, the space text must give the recorded canonical space and hash, the id and range must
//! fit the space, the formulas must be sorted by index and lie in the range, and every formula is
//! recomputed from (space, index) alone at the space's verification digits and must equal the one
//! reported. Any failure rejects the whole file and leaves the catalog untouched. A unit already
//! merged with the same digest is skipped; with another digest a conflict is recorded and nothing
//! else changes. Each file is stored in one transaction, and the catalog's rules (simplest
//! representative per canonical key, variants as a set) make the outcome independent of the
//! order of the files and of how often they are merged.
//!
//! Dynamics results are checked the same way, with two differences. Every record's PCF (its
//! coefficients) and depth must be those of its index, exactly; then the metrics of the indices
//! chosen by [`Recheck`] (all by default, or a random sample) are recomputed and must agree with
//! the reported ones: exactly in everything exact (status, sample points, the 60 MPFR digits of
//! the limit, which indices have metrics) and within [`METRICS_REL_TOL`] in the `f64` values,
//! whose logarithms come from the platform's `ln`. The rows stored are the reported ones, written
//! as `apery dynamics` writes them.

use super::{MetricsRecord, UnitResult, Work, COMPAT_VERSION};
use crate::catalog::units::UnitRecord;
use crate::catalog::Catalog;
use crate::dynamics::metrics::PcfMetrics;
use crate::dynamics::survey;
use crate::enumerate::Enumerator;
use crate::search::{Counters, Searcher};
use crate::space::SearchSpace;
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

/// Relative tolerance of the `f64` metrics when two computations of one PCF are compared:
/// `|x − y| ≤ METRICS_REL_TOL · max(1, |x|, |y|)`. The metrics are computed from exact integers;
/// only `ln` of their leading bits and a few least-squares fits of five points are floating-point,
/// so two correct C libraries (correct to within an ulp or two) disagree by about 1e-15 relative;
/// 1e-9 leaves a wide margin and still catches any real error. (A fit whose |η'| lies within an
/// ulp of the recipe's threshold 0.05 may be refitted on one host and not on the other; the two
/// results then disagree, as a conflict to settle by rerunning the unit on trusted hardware.)
pub const METRICS_REL_TOL: f64 = 1e-9;

/// Which metrics records of a dynamics result merge recomputes (besides, in any case, every index
/// with a PCF to compute that the result leaves without metrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recheck {
    /// Every index of the unit (as expensive as running the unit).
    All,
    /// This many indices per result file (those with a PCF to compute), drawn with the seed;
    /// the exact checks cover every record.
    Sample {
        /// Indices per result file.
        per_result: usize,
        /// Seed of the draw (keep it unpredictable to whoever computed the results).
        seed: u64,
    },
}

/// Options of [`merge_files_with`].
#[derive(Clone, Copy, Debug)]
pub struct MergeOptions {
    /// Which dynamics records to recompute.
    pub recheck: Recheck,
}

impl Default for MergeOptions {
    fn default() -> Self {
        MergeOptions {
            recheck: Recheck::All,
        }
    }
}

fn close(x: f64, y: f64) -> bool {
    if x.is_nan() || y.is_nan() {
        return x.is_nan() && y.is_nan();
    }
    if x.is_infinite() || y.is_infinite() {
        return x == y;
    }
    (x - y).abs() <= METRICS_REL_TOL * 1f64.max(x.abs()).max(y.abs())
}

fn close_opt(name: &str, x: Option<f64>, y: Option<f64>) -> std::result::Result<(), String> {
    match (x, y) {
        (None, None) => Ok(()),
        (Some(x), Some(y)) if close(x, y) => Ok(()),
        _ => Err(format!("{name}: {x:?} vs {y:?}")),
    }
}

/// Whether two computations of one PCF's metrics agree: exactly in the exact fields and within
/// [`METRICS_REL_TOL`] in the `f64` ones; `Err` names the first field that differs.
pub fn metrics_agree(a: &PcfMetrics, b: &PcfMetrics) -> std::result::Result<(), String> {
    macro_rules! exact {
        ($($f:ident),*) => {$(
            if a.$f != b.$f {
                return Err(format!("{}: {:?} vs {:?}", stringify!($f), a.$f, b.$f));
            }
        )*};
    }
    exact!(
        a,
        b,
        depth,
        status,
        divergent,
        limit_digits,
        complex_eigenvalues,
        sample_points
    );
    macro_rules! float {
        ($($f:ident),*) => {$( close_opt(stringify!($f), a.$f, b.$f)?; )*};
    }
    float!(
        limit,
        naive_delta,
        fr_delta,
        predicted_delta,
        gamma_prime,
        eta_prime,
        gamma_prime_var,
        eta_prime_var,
        log_eigen_ratio,
        beta,
        gamma,
        eta
    );
    match (a.convergence_vars, b.convergence_vars) {
        (None, None) => Ok(()),
        (Some(x), Some(y)) if x.iter().zip(&y).all(|(p, q)| close(*p, *q)) => Ok(()),
        (x, y) => Err(format!("convergence_vars: {x:?} vs {y:?}")),
    }
}

/// Whether two dynamics results of one unit agree: same unit and counters, the same indices with
/// metrics, and every pair of records agreeing by [`metrics_agree`]. (What a volunteer-computing
/// validator uses when two digests differ.)
pub fn results_agree(x: &UnitResult, y: &UnitResult) -> std::result::Result<(), String> {
    if x.unit != y.unit {
        return Err("the results are of different units".into());
    }
    if !matches!(x.unit.work, Work::Dynamics { .. }) {
        return Err("search results agree only when their digests are equal".into());
    }
    if x.counters != y.counters || x.metrics.len() != y.metrics.len() {
        return Err("the counters or the number of records differ".into());
    }
    for (p, q) in x.metrics.iter().zip(&y.metrics) {
        if p.index != q.index {
            return Err(format!("index {} vs {}", p.index, q.index));
        }
        metrics_agree(&p.metrics, &q.metrics).map_err(|e| format!("index {}: {e}", p.index))?;
    }
    Ok(())
}

/// What happened to one result file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeStatus {
    /// Verified and stored, with this many formulas.
    Merged(usize),
    /// The unit was merged before with the same digest: nothing to do.
    AlreadyMerged,
    /// The unit was merged before with another digest: a conflict row was recorded.
    Conflict {
        /// The digest already merged.
        existing: String,
        /// The digest of this file.
        new: String,
    },
    /// Rejected; nothing was stored.
    Rejected(String),
}

/// One file's outcome.
#[derive(Clone, Debug)]
pub struct FileOutcome {
    /// The file.
    pub path: PathBuf,
    /// The unit id (when the file could be read).
    pub unit_id: Option<String>,
    /// What happened.
    pub status: MergeStatus,
}

struct Decoded {
    path: PathBuf,
    result: UnitResult,
    digest: String,
}

/// Checks everything that can be checked without evaluating a formula; returns the space hash
/// (the validated space is kept in `spaces`).
fn check_header(
    r: &UnitResult,
    spaces: &mut HashMap<String, SearchSpace>,
) -> Result<String, String> {
    let u = &r.unit;
    if u.compat_version != COMPAT_VERSION {
        return Err(format!(
            "compatibility version {} (this build: {COMPAT_VERSION})",
            u.compat_version
        ));
    }
    // Space text → canonical form → hash, size, range and id: all recomputed, none trusted.
    let space = u.validate().map_err(|e| format!("{e:#}"))?;
    spaces.entry(u.space_hash.clone()).or_insert(space);
    if let Work::Dynamics { depth } = u.work {
        return check_metrics_header(r, depth).map(|()| u.space_hash.clone());
    }
    if !r.metrics.is_empty() {
        return Err("a search result holds metrics records".into());
    }
    let mut last = None;
    for f in &r.conjectures {
        if f.index < u.start || f.index >= u.end {
            return Err(format!(
                "index {} is outside the unit's range {}..{}",
                f.index, u.start, u.end
            ));
        }
        if last.is_some_and(|l| l >= f.index) {
            return Err("formulas are not sorted by index (or repeated)".into());
        }
        last = Some(f.index);
    }
    if r.counters.verified != r.conjectures.len() as u64 {
        return Err(format!(
            "counters say {} verified, the file holds {}",
            r.counters.verified,
            r.conjectures.len()
        ));
    }
    Ok(u.space_hash.clone())
}

/// The checks of [`check_header`] for a dynamics result.
fn check_metrics_header(r: &UnitResult, depth: u64) -> std::result::Result<(), String> {
    let u = &r.unit;
    if !r.conjectures.is_empty() {
        return Err("a dynamics result holds formulas".into());
    }
    let mut last = None;
    for m in &r.metrics {
        if m.index < u.start || m.index >= u.end {
            return Err(format!(
                "index {} is outside the unit's range {}..{}",
                m.index, u.start, u.end
            ));
        }
        if last.is_some_and(|l| l >= m.index) {
            return Err("metrics records are not sorted by index (or repeated)".into());
        }
        last = Some(m.index);
        if m.metrics.depth as u64 != depth {
            return Err(format!(
                "index {}: metrics at depth {}, the unit asks for {depth}",
                m.index, m.metrics.depth
            ));
        }
    }
    let mut expected = Counters::default();
    expected.scan.enumerated = u.end - u.start;
    expected.scan.screened = r.metrics.len() as u64;
    if r.counters != expected {
        return Err(format!(
            "counters say {} indices and {} records; the unit has {} indices and the file {} records",
            r.counters.scan.enumerated,
            r.counters.scan.screened,
            u.end - u.start,
            r.metrics.len()
        ));
    }
    Ok(())
}

/// Result files under `inputs`: files as given, and the `*.result` files of directories (sorted;
/// temporary files are ignored).
pub fn result_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut v: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "result"))
                .collect();
            v.sort();
            out.extend(v);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Merges result files into `catalog` (see the module documentation) with the default options
/// (every dynamics record recomputed); one outcome per file, in the order given.
pub fn merge_files(catalog: &mut Catalog, files: &[PathBuf]) -> Result<Vec<FileOutcome>> {
    merge_files_with(catalog, files, &MergeOptions::default())
}

/// [`merge_files`] with options.
pub fn merge_files_with(
    catalog: &mut Catalog,
    files: &[PathBuf],
    opts: &MergeOptions,
) -> Result<Vec<FileOutcome>> {
    let mut outcomes: Vec<Option<FileOutcome>> = vec![None; files.len()];
    let mut spaces: HashMap<String, SearchSpace> = HashMap::new();
    let mut ready: Vec<(usize, Decoded, String)> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let name = path.display().to_string();
        let reject = |why: String, id: Option<String>| FileOutcome {
            path: path.clone(),
            unit_id: id,
            status: MergeStatus::Rejected(why),
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                outcomes[i] = Some(reject(format!("cannot read: {e}"), None));
                continue;
            }
        };
        let (result, digest) = match UnitResult::decode(&bytes, &name) {
            Ok(x) => x,
            Err(e) => {
                outcomes[i] = Some(reject(format!("{e:#}"), None));
                continue;
            }
        };
        let id = Some(result.unit.unit_id.clone());
        match check_header(&result, &mut spaces) {
            Ok(hash) => ready.push((
                i,
                Decoded {
                    path: path.clone(),
                    result,
                    digest,
                },
                hash,
            )),
            Err(why) => outcomes[i] = Some(reject(why, id)),
        }
    }
    let mut searchers: HashMap<&str, Searcher<'_>> = HashMap::new();
    for (i, d, hash) in ready {
        let status = match d.result.unit.work {
            Work::Search => merge_one(catalog, &d, &spaces[&hash], &mut searchers)?,
            Work::Dynamics { depth } => {
                merge_metrics(catalog, &d, &spaces[&hash], depth, &opts.recheck)?
            }
        };
        outcomes[i] = Some(FileOutcome {
            path: d.path,
            unit_id: Some(d.result.unit.unit_id.clone()),
            status,
        });
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.expect("every file has an outcome"))
        .collect())
}

fn merge_one<'s>(
    catalog: &mut Catalog,
    d: &Decoded,
    space: &'s SearchSpace,
    searchers: &mut HashMap<&'s str, Searcher<'s>>,
) -> Result<MergeStatus> {
    if let Some(s) = merged_before(catalog, d)? {
        return Ok(s);
    }
    let u = &d.result.unit;
    let mut rows = Vec::new();
    if !d.result.conjectures.is_empty() {
        if !searchers.contains_key(space.hash.as_str()) {
            searchers.insert(space.hash.as_str(), Searcher::new(space)?);
        }
        let searcher = &searchers[space.hash.as_str()];
        for f in &d.result.conjectures {
            let index = f.index;
            match searcher.recompute(index) {
                Some(g) if g == *f => rows.push(g.conjecture(&space.name, &space.hash)),
                Some(g) => {
                    let (f, g) = (&f.formula, &g.formula);
                    return Ok(MergeStatus::Rejected(format!(
                        "index {index}: reported ({}, {}) {} but the space gives ({}, {}) {}",
                        f.a, f.b, f.relation, g.a, g.b, g.relation
                    )));
                }
                None => {
                    let f = &f.formula;
                    return Ok(MergeStatus::Rejected(format!(
                        "index {index}: the reported formula ({}, {}) {} does not verify",
                        f.a, f.b, f.relation
                    )));
                }
            }
        }
    }
    let rec = UnitRecord {
        unit_id: u.unit_id.clone(),
        space_hash: u.space_hash.clone(),
        space_name: space.name.clone(),
        n_total: u.n_total,
        space_toml: u.space_toml.clone(),
        range: u.range(),
        digest: d.digest.clone(),
        compat_version: u.compat_version,
    };
    let stats = serde_json::to_string(&d.result.counters.scan)?;
    catalog.commit_unit(&rec, &stats, &rows)?;
    Ok(MergeStatus::Merged(rows.len()))
}

/// The digest check shared by both kinds of unit: `Some(status)` if the unit was merged before.
fn merged_before(catalog: &mut Catalog, d: &Decoded) -> Result<Option<MergeStatus>> {
    let u = &d.result.unit;
    if let Some(existing) = catalog.unit_digest(&u.unit_id)? {
        if existing == d.digest {
            return Ok(Some(MergeStatus::AlreadyMerged));
        }
        catalog.record_conflict(&u.unit_id, &existing, &d.digest)?;
        return Ok(Some(MergeStatus::Conflict {
            existing,
            new: d.digest.clone(),
        }));
    }
    Ok(None)
}

/// The indices of a dynamics unit to recompute: all, or a sample of those with a PCF to compute
/// together with every such index that the result claims has no metrics (honest results have
/// almost none: the indices without metrics are nearly all zero polynomials, which need no
/// recomputation; omitting records to skip work is therefore always caught).
fn recheck_indices(e: &Enumerator, r: &UnitResult, recheck: &Recheck) -> Vec<u64> {
    let computable = |i: u64| {
        let pcf = e.candidate(i);
        matches!((pcf.a.to_i64(), pcf.b.to_i64()), (Some(a), Some(b)) if !a.is_empty() && !b.is_empty())
    };
    let u = &r.unit;
    match *recheck {
        Recheck::All => (u.start..u.end).collect(),
        Recheck::Sample { per_result, seed } => {
            let population: Vec<u64> = (u.start..u.end).filter(|&i| computable(i)).collect();
            if population.len() <= per_result {
                return population;
            }
            let reported: std::collections::HashSet<u64> =
                r.metrics.iter().map(|m| m.index).collect();
            let mut picked: std::collections::BTreeSet<u64> = population
                .iter()
                .copied()
                .filter(|i| !reported.contains(i))
                .collect();
            let mut drawn = 0;
            let mut k = 0u64;
            while drawn < per_result && picked.len() < population.len() {
                let mut h = Sha256::new();
                h.update(seed.to_le_bytes());
                h.update(u.unit_id.as_bytes());
                h.update(k.to_le_bytes());
                let d = h.finalize();
                let x = u64::from_le_bytes(d[..8].try_into().expect("8 bytes"));
                if picked.insert(population[(x % population.len() as u64) as usize]) {
                    drawn += 1;
                }
                k += 1;
            }
            picked.into_iter().collect()
        }
    }
}

fn merge_metrics(
    catalog: &mut Catalog,
    d: &Decoded,
    space: &SearchSpace,
    depth: u64,
    recheck: &Recheck,
) -> Result<MergeStatus> {
    if let Some(s) = merged_before(catalog, d)? {
        return Ok(s);
    }
    let r = &d.result;
    let u = &r.unit;
    let config = u
        .work
        .metrics_config()
        .expect("a dynamics unit has a metrics configuration");
    let e = Enumerator::new(space).map_err(anyhow::Error::msg)?;
    // Exact checks of every record: the PCF of its index.
    for m in &r.metrics {
        let pcf = e.candidate(m.index);
        if pcf.a.to_i64().as_deref() != Some(&m.metrics.a[..])
            || pcf.b.to_i64().as_deref() != Some(&m.metrics.b[..])
        {
            return Ok(MergeStatus::Rejected(format!(
                "index {}: the record's PCF ({:?}, {:?}) is not the space's ({}, {})",
                m.index,
                m.metrics.a,
                m.metrics.b,
                pcf.a.python(),
                pcf.b.python()
            )));
        }
    }
    // Recomputation of the chosen indices, in parallel.
    let by_index: HashMap<u64, &MetricsRecord> = r.metrics.iter().map(|m| (m.index, m)).collect();
    let todo = recheck_indices(&e, r, recheck);
    let bad = {
        use rayon::prelude::*;
        todo.par_iter().find_map_first(|&i| {
            let mine = survey::metrics_at(&e, i, &config);
            match (mine, by_index.get(&i)) {
                (None, None) => None,
                (Some(_), None) => Some(format!(
                    "index {i}: the PCF has metrics but the result has none (work skipped)"
                )),
                (None, Some(_)) => Some(format!(
                    "index {i}: the result has metrics for a PCF that has none"
                )),
                (Some(a), Some(b)) => metrics_agree(&a, &b.metrics)
                    .err()
                    .map(|why| format!("index {i}: the reported metrics differ: {why}")),
            }
        })
    };
    if let Some(why) = bad {
        return Ok(MergeStatus::Rejected(why));
    }
    let rows: Vec<_> = r
        .metrics
        .iter()
        .map(|m| survey::metrics_row(&e, m.index, m.metrics.clone()))
        .collect();
    let rec = UnitRecord {
        unit_id: u.unit_id.clone(),
        space_hash: u.coverage_key(),
        space_name: format!("{} (metrics, depth {depth})", space.name),
        n_total: u.n_total,
        space_toml: u.space_toml.clone(),
        range: u.range(),
        digest: d.digest.clone(),
        compat_version: u.compat_version,
    };
    catalog.commit_metrics_unit(&rec, &space.name, &space.hash, depth as usize, &rows)?;
    Ok(MergeStatus::Merged(rows.len()))
}

/// Coverage of one space by merged units (and searches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// Space hash.
    pub space_hash: String,
    /// Space name.
    pub name: String,
    /// Size of the space.
    pub n_total: u64,
    /// Indices done.
    pub done: u64,
    /// The ranges not done, in order.
    pub gaps: Vec<Range<u64>>,
}

/// The coverage of every space with merged units.
pub fn coverage(catalog: &Catalog) -> Result<Vec<Coverage>> {
    let mut out = Vec::new();
    for s in catalog.unit_spaces()? {
        let done = catalog.done_ranges_within(&s.space_hash, 0..s.n_total)?;
        let mut gaps = Vec::new();
        let mut at = 0;
        let mut n_done = 0;
        for r in &done {
            let (a, b) = (r.start.max(at), r.end.min(s.n_total));
            if a > at {
                gaps.push(at..a);
            }
            if b > a {
                n_done += b - a;
            }
            at = at.max(b);
        }
        if at < s.n_total {
            gaps.push(at..s.n_total);
        }
        out.push(Coverage {
            space_hash: s.space_hash,
            name: s.name,
            n_total: s.n_total,
            done: n_done,
            gaps,
        });
    }
    Ok(out)
}

/// Whether the work of `unit` is fully done in `catalog` (by this unit or any other split).
pub fn is_covered(catalog: &Catalog, unit: &super::Unit) -> Result<bool> {
    let range = unit.range();
    if range.start >= range.end {
        return Ok(catalog.unit_digest(&unit.unit_id)?.is_some());
    }
    let done = catalog.done_ranges_within(&unit.coverage_key(), range.clone())?;
    Ok(done
        .iter()
        .any(|d| d.start <= range.start && d.end >= range.end))
}

/// Checks a result file without evaluating any formula (what a volunteer-computing validator
/// needs): framing, digest, compatibility version, space, id, range, order of the formulas and
/// the verified count. Returns the result and its digest, or why it is invalid.
pub fn check_result(bytes: &[u8], name: &str) -> Result<(UnitResult, String), String> {
    let (r, d) = UnitResult::decode(bytes, name).map_err(|e| format!("{e:#}"))?;
    check_header(&r, &mut HashMap::new())?;
    Ok((r, d))
}
