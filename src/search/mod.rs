//! The search driver: enumerate a space on all cores, screen, identify, verify and store.
//!
//! The index range is cut into chunks on a fixed grid (`chunk_size` indices, aligned to multiples of it),
//! so the same space gives the same chunks whatever the shard split. Chunks run in parallel
//! (rayon); each produces its verified conjectures, which a single writer stores together with the
//! "chunk done" mark in one SQLite transaction. Hence an interrupted search (Ctrl-C, or even
//! `kill -9`) keeps every committed result and resumes by skipping the chunks marked done; the
//! catalog's merge rule (simplest representative per canonical key, variants as a set) makes the
//! final catalog independent of thread count, chunk order and sharding.

use crate::cancel::Cancel;
use crate::catalog::{Catalog, Conjecture};
use crate::enumerate::{Enumerator, ScanStats};
use crate::identify::MobiusTable;
use crate::pcf::canonical::{simplicity_key, CanonicalKey};
use crate::pcf::factorial_reduction::{self, FrVerdict};
use crate::pcf::first_pass::Screen;
use crate::pcf::limit::{bits_for_digits, EvalOptions};
use crate::pcf::Pcf;
use crate::space::SearchSpace;
use crate::verify::{latex_equation, verify_limit, Verified};
use anyhow::{Context, Result};
use dashmap::DashMap;
use rayon::prelude::*;
use rug::Float;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// First-pass values whose estimated error exceeds this (relative) are not looked up: they have not
/// converged at the first-pass depth.
const CONVERGED_REL_ERR: f64 = 1e-9;
/// The smallest relative tolerance of a table lookup (double-precision rounding in the first pass).
const MIN_REL_TOL: f64 = 1e-12;

/// Largest coefficient of a PSLQ relation for PCFs found by the factorial-reduction screen (the
/// quality gate decides whether the digits pay for it).
const PSLQ_MAX_COEFF: u64 = 1000;

/// Progress reported to the caller after each committed chunk.
#[derive(Clone, Copy, Debug)]
pub struct ProgressEvent {
    /// Indices finished in this run so far.
    pub done: u64,
    /// Indices to do in this run.
    pub total: u64,
    /// Verified formulas found in this run so far (before deduplication).
    pub hits: u64,
}

/// What a search did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Size of the whole space.
    pub space_size: u64,
    /// The index range requested.
    pub range: Range<u64>,
    /// Indices skipped because an earlier run completed them.
    pub resumed: u64,
    /// Enumeration and filter counts of this run.
    pub stats: ScanStats,
    /// First-pass values that had not converged enough to be looked up.
    pub unconverged: u64,
    /// Table candidates sent to verification.
    pub candidates: u64,
    /// PCFs put through the factorial-reduction screen (when enabled): those not converged at the
    /// first-pass depth and those without a table hit.
    pub fr_screened: u64,
    /// Of those, PCFs with factorial reduction (identified by PSLQ at their certain digits).
    pub fr_positive: u64,
    /// Candidates that verified.
    pub verified: u64,
    /// Hits equivalent to a simpler formula verified in this run, recorded as variants unevaluated.
    pub variants: u64,
    /// Distinct formulas (canonical keys) verified in this run, by constant.
    pub formulas_by_constant: BTreeMap<String, u64>,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Wall time.
    pub elapsed: Duration,
}

struct ChunkResult {
    range: Range<u64>,
    stats: ScanStats,
    unconverged: u64,
    candidates: u64,
    fr_screened: u64,
    fr_positive: u64,
    found: Vec<Verified>,
    /// Hits whose canonical key was already verified in this run with a simpler representative:
    /// (key, a, b), recorded as variants without verifying them again.
    variants: Vec<(String, String, String)>,
}

/// The search context for one space: targets at full precision and the Möbius table.
pub struct Searcher<'a> {
    space: &'a SearchSpace,
    enumerator: Enumerator,
    table: MobiusTable,
    targets: Vec<Float>,
    named_targets: Vec<(String, Float)>,
    /// Canonical key → simplicity key of the simplest representative verified in this run, shared
    /// by the workers: a hit equivalent to a simpler verified formula is recorded as a variant
    /// without being evaluated again.
    seen: DashMap<String, String>,
    eval: EvalOptions,
    /// Checked between chunks and between the candidates of a chunk: a chunk cut short is dropped.
    cancel: Cancel,
}

/// Chunk size on the global grid.
pub fn chunk_size(space: &SearchSpace) -> u64 {
    match space.family {
        crate::space::Family::Ranges { .. } => 1 << 15,
        crate::space::Family::Template { .. } => 1 << 10,
    }
}

impl<'a> Searcher<'a> {
    /// Prepares the targets and the table (this takes a moment for large Möbius bounds).
    pub fn new(space: &'a SearchSpace) -> Result<Searcher<'a>> {
        let enumerator = Enumerator::new(space).map_err(anyhow::Error::msg)?;
        let prec = bits_for_digits(space.verify_digits) + 64;
        let mut named = Vec::new();
        for t in &space.targets {
            let v = t
                .expr
                .eval(prec)
                .with_context(|| format!("evaluating target constant '{}'", t.name))?;
            named.push((t.name.clone(), v));
        }
        let table = MobiusTable::build(&named, space.mobius_bound as u32)
            .context("building the Möbius table")?;
        Ok(Searcher {
            space,
            enumerator,
            table,
            targets: named.iter().map(|x| x.1.clone()).collect(),
            named_targets: named,
            seen: DashMap::new(),
            eval: EvalOptions {
                digits: space.verify_digits,
                start_depth: space.first_pass_depth,
                max_depth: space.max_depth,
            },
            cancel: Cancel::new(),
        })
    }

    /// The same searcher, stopping when `cancel` is cancelled: chunks not started are skipped and a
    /// chunk in flight stops at its next candidate and is not committed (it is redone on resume).
    pub fn with_cancel(mut self, cancel: Cancel) -> Searcher<'a> {
        self.cancel = cancel;
        self
    }

    /// The enumeration.
    pub fn enumerator(&self) -> &Enumerator {
        &self.enumerator
    }

    /// Screens, identifies and verifies one index range; `None` if the search was cancelled before
    /// the range was finished.
    fn chunk(&self, range: Range<u64>) -> Option<ChunkResult> {
        let mut unconverged = 0;
        let mut candidates = Vec::new();
        let mut slow = Vec::new();
        let stats = self
            .enumerator
            .scan(range.clone(), |index, _a, _b, screen| {
                if let Screen::Value { x, err } = screen {
                    let scale = x.abs().max(1e-300);
                    if err > CONVERGED_REL_ERR * scale.max(1.0) {
                        unconverged += 1;
                        if self.space.factorial_reduction {
                            slow.push(index);
                        }
                        return;
                    }
                    let tol = (8.0 * err / scale).max(MIN_REL_TOL);
                    let before = candidates.len();
                    for c in self.table.lookup(x, tol) {
                        candidates.push((index, c));
                    }
                    if candidates.len() == before && self.space.factorial_reduction {
                        slow.push(index); // no table hit: FR screen and PSLQ with larger coefficients
                    }
                }
            });
        let n_candidates = candidates.len() as u64;
        let mut found: Vec<Verified> = Vec::new();
        let mut variants = Vec::new();
        // Candidates come in index order; all table entries of one PCF are tried on one evaluation.
        let mut i = 0;
        while i < candidates.len() {
            if self.cancel.is_cancelled() {
                return None;
            }
            let index = candidates[i].0;
            let j = i + candidates[i..].iter().take_while(|c| c.0 == index).count();
            let pcf = self.enumerator.candidate(index);
            if let Some(key) = self.already_simpler(&pcf) {
                variants.push((key, pcf.a.python(), pcf.b.python()));
            } else if let Ok(limit) = crate::pcf::limit::evaluate(&pcf, &self.eval) {
                let verified = candidates[i..j].iter().find_map(|(_, c)| {
                    let id = self.table.identification(c)?;
                    verify_limit(
                        &pcf,
                        limit.clone(),
                        &id,
                        &self.targets,
                        self.space.verify_digits,
                    )
                });
                if let Some(v) = verified {
                    self.remember(&v);
                    found.push(v);
                }
            }
            i = j;
        }
        let fr_screened = slow.len() as u64;
        let mut fr_positive = 0;
        for index in slow {
            if self.cancel.is_cancelled() {
                return None;
            }
            let pcf = self.enumerator.candidate(index);
            if let FrVerdict::Fr(_) = factorial_reduction::screen(&pcf) {
                fr_positive += 1;
                if let Some(key) = self.already_simpler(&pcf) {
                    variants.push((key, pcf.a.python(), pcf.b.python()));
                } else if let Some(v) = self.identify_slow(&pcf) {
                    self.remember(&v);
                    found.push(v);
                }
            }
        }
        Some(ChunkResult {
            range,
            stats,
            unconverged,
            candidates: n_candidates,
            fr_screened,
            fr_positive,
            found,
            variants,
        })
    }

    /// The canonical key of `pcf` if a simpler equivalent PCF was verified in this run.
    fn already_simpler(&self, pcf: &Pcf) -> Option<String> {
        let key = CanonicalKey::of(pcf).to_string();
        let known = self.seen.get(&key)?;
        (*known <= simplicity_key(pcf)).then(|| key.clone())
    }

    /// Records a verified formula as its key's representative if it is the simplest so far.
    fn remember(&self, v: &Verified) {
        let simp = simplicity_key(&v.pcf);
        self.seen
            .entry(v.key.to_string())
            .and_modify(|s| {
                if simp < *s {
                    *s = simp.clone();
                }
            })
            .or_insert(simp);
    }

    /// A PCF with factorial reduction that converges slowly: its limit with the digits that are
    /// certain (up to the space's `max_depth`), identified by PSLQ against the targets from those
    /// digits (quality gate) and accepted if they reach the space's verification digits.
    fn identify_slow(&self, pcf: &Pcf) -> Option<Verified> {
        let limit = crate::pcf::limit::evaluate(pcf, &self.eval).ok()?;
        let trusted = limit.digits.floor() as u32;
        if trusted < self.space.verify_digits {
            return None;
        }
        let id = crate::identify::identify_mobius(
            &limit.value,
            trusted,
            &self.named_targets,
            PSLQ_MAX_COEFF.max(self.space.mobius_bound as u64),
        )
        .ok()??;
        crate::verify::verify_limit(pcf, limit, &id, &self.targets, self.space.verify_digits)
    }

    /// The catalog row for a verified formula.
    pub fn conjecture(&self, v: &Verified) -> (Conjecture, String) {
        conjecture_row(v, &self.space.name, &self.space.hash)
    }

    /// Runs the search over `range` (clamped to the space), storing into `catalog`.
    pub fn run(
        &self,
        catalog: &mut Catalog,
        range: Range<u64>,
        progress: &(dyn Fn(ProgressEvent) + Sync),
    ) -> Result<Summary> {
        let start = Instant::now();
        let size = self.enumerator.size();
        let range = range.start.min(size)..range.end.min(size);
        let done = catalog.done_ranges_within(&self.space.hash, range.clone())?;
        let step = chunk_size(self.space);
        let chunks = plan_chunks(range.clone(), &done, step);
        let total = chunks.remaining();
        let resumed = (range.end - range.start) - total;
        let mut summary = Summary {
            space_size: size,
            range: range.clone(),
            resumed,
            ..Default::default()
        };
        self.seen.clear();
        let mut seen_here = std::collections::HashSet::new();
        let mut done_count = 0u64;
        let mut hits = 0u64;
        progress(ProgressEvent {
            done: 0,
            total,
            hits: 0,
        });
        run_chunks(
            chunks,
            &self.cancel,
            |c| self.chunk(c),
            |r: ChunkResult| {
                let rows: Vec<(Conjecture, String)> =
                    r.found.iter().map(|v| self.conjecture(v)).collect();
                let stats_json = serde_json::to_string(&r.stats)?;
                let variants: Vec<(String, String, String)> = r
                    .variants
                    .iter()
                    .map(|(k, a, b)| (format!("pcf:{k}"), a.clone(), b.clone()))
                    .collect();
                catalog
                    .commit_range(
                        &self.space.hash,
                        r.range.clone(),
                        &stats_json,
                        &rows,
                        &variants,
                    )
                    .context("writing to the catalog")?;
                for v in &r.found {
                    let key = v.key.to_string();
                    if seen_here.insert(key) {
                        for c in &v.identification.constants {
                            *summary.formulas_by_constant.entry(c.clone()).or_default() += 1;
                        }
                    }
                }
                summary.stats.add(&r.stats);
                summary.unconverged += r.unconverged;
                summary.candidates += r.candidates;
                summary.fr_screened += r.fr_screened;
                summary.fr_positive += r.fr_positive;
                summary.verified += r.found.len() as u64;
                summary.variants += r.variants.len() as u64;
                hits += r.found.len() as u64;
                done_count += r.range.end - r.range.start;
                progress(ProgressEvent {
                    done: done_count,
                    total,
                    hits,
                });
                Ok(())
            },
        )?;
        summary.interrupted = done_count < total;
        summary.elapsed = start.elapsed();
        Ok(summary)
    }
}

/// Deepest convergent δ is followed to for a catalog row (its convergents to twice this depth
/// cost milliseconds).
const DELTA_MAX_DEPTH: usize = 1 << 14;

/// The catalog row (and its simplicity sort key) for a verified PCF formula.
pub fn conjecture_row(v: &Verified, space: &str, space_hash: &str) -> (Conjecture, String) {
    let simp = simplicity_key(&v.pcf);
    let digits = v.identification.verified_digits as usize;
    let limit = crate::pcf::limit::decimal(&v.limit.value, digits.clamp(10, 60));
    // δ where it has settled (the depth that verification needed is often too shallow: Apéry's
    // PCF gives 0.155 there and 0.0806 at depth 4096), with its depth.
    let settled = crate::pcf::limit::settled_delta(
        &v.pcf,
        64,
        DELTA_MAX_DEPTH,
        crate::pcf::limit::DELTA_SETTLED_TOL,
    );
    let c = Conjecture {
        kind: "pcf".into(),
        canonical_key: format!("pcf:{}", v.key),
        a: v.pcf.a.python(),
        b: v.pcf.b.python(),
        constants: v.identification.constants.clone(),
        relation: v.identification.formula(),
        limit,
        verified_digits: v.identification.verified_digits,
        depth: v.limit.depth as u64,
        delta: settled.map(|d| round6(d.delta)),
        convergence_rate: Some(round6(v.limit.rate)),
        space: space.to_string(),
        space_hash: space_hash.to_string(),
        variants: 1,
        details: serde_json::json!({
            "latex": latex_equation(v),
            "relation": v.identification.relation_string(),
            "delta_depth": settled.map(|d| d.depth),
            "delta_settled": settled.map(|d| d.settled),
            "numerator": v.identification.numerator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            "denominator": v.identification.denominator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        }),
    };
    (c, simp)
}

/// The chunks of `range` still to do: the parts not covered by `done`, cut on the grid of
/// multiples of `step` (so chunk boundaries do not depend on how a space was sharded). The chunks
/// are produced one at a time: the plan holds only the gaps between done ranges, whatever the size
/// of the range.
pub fn plan_chunks(range: Range<u64>, done: &[Range<u64>], step: u64) -> ChunkPlan {
    ChunkPlan {
        gaps: subtract(range, done).into_iter(),
        current: 0..0,
        step: step.max(1),
    }
}

/// A lazy sequence of chunks (see [`plan_chunks`]).
#[derive(Clone, Debug)]
pub struct ChunkPlan {
    gaps: std::vec::IntoIter<Range<u64>>,
    current: Range<u64>,
    step: u64,
}

impl ChunkPlan {
    /// Number of indices in the chunks not yet produced.
    pub fn remaining(&self) -> u64 {
        (self.current.end - self.current.start)
            + self
                .gaps
                .as_slice()
                .iter()
                .map(|g| g.end - g.start)
                .sum::<u64>()
    }
}

impl Iterator for ChunkPlan {
    type Item = Range<u64>;

    fn next(&mut self) -> Option<Range<u64>> {
        while self.current.start >= self.current.end {
            self.current = self.gaps.next()?;
        }
        let lo = self.current.start;
        let hi = (lo / self.step)
            .checked_add(1)
            .and_then(|k| k.checked_mul(self.step))
            .map_or(self.current.end, |h| h.min(self.current.end));
        self.current.start = hi;
        Some(lo..hi)
    }
}

/// Runs `work` on the chunks in parallel (rayon) and hands each result to `commit` on the calling
/// thread, in completion order. Chunks are taken from the iterator one at a time as workers become
/// free (memory does not depend on the number of chunks). Once `cancel` is cancelled no new chunk
/// is started; a chunk whose `work` returns `None` (cut short) is not committed; finished chunks in
/// flight still are. Returns the first error of `commit`.
pub fn run_chunks<R: Send>(
    chunks: impl Iterator<Item = Range<u64>> + Send,
    cancel: &Cancel,
    work: impl Fn(Range<u64>) -> Option<R> + Sync,
    mut commit: impl FnMut(R) -> Result<()>,
) -> Result<()> {
    let (tx, rx) = mpsc::sync_channel::<R>(64);
    let failed = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            chunks
                .take_while(|_| !cancel.is_cancelled() && !failed.load(Ordering::Relaxed))
                .par_bridge()
                .for_each_with(tx, |tx, c| {
                    if cancel.is_cancelled() || failed.load(Ordering::Relaxed) {
                        return;
                    }
                    if let Some(r) = work(c) {
                        let _ = tx.send(r);
                    }
                });
        });
        // Keep draining after an error so the workers can finish; report the first error.
        let mut first_err = None;
        for r in rx {
            if first_err.is_none() {
                if let Err(e) = commit(r) {
                    failed.store(true, Ordering::SeqCst);
                    first_err = Some(e);
                }
            }
        }
        first_err.map_or(Ok(()), Err)
    })
}

/// The parts of `range` not covered by the `done` ranges, in order.
fn subtract(range: Range<u64>, done: &[Range<u64>]) -> Vec<Range<u64>> {
    let mut done: Vec<Range<u64>> = done.to_vec();
    done.sort_by_key(|d| d.start);
    let mut out = Vec::new();
    let mut lo = range.start;
    for d in done {
        if d.end <= lo || d.start >= range.end {
            continue;
        }
        if d.start > lo {
            out.push(lo..d.start);
        }
        lo = lo.max(d.end);
    }
    if lo < range.end {
        out.push(lo..range.end);
    }
    out
}

/// Rounds to 6 decimals so that stored floating-point metrics are reproducible across platforms.
fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
