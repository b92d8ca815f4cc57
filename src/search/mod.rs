//! The search driver: enumerate a space on all cores, screen, identify, verify and store.
//!
//! The index range is cut into chunks on a fixed grid (`chunk_size` indices, aligned to multiples of it),
//! so the same space gives the same chunks whatever the shard split. Chunks run in parallel
//! (rayon); each produces a [`ChunkOutput`] that depends only on the space and the chunk's range
//! (no state is shared between chunks: every hit is evaluated and verified on its own), and a
//! single writer hands it to a [`Sink`]: the SQLite catalog ([`CatalogSink`], which stores the
//! conjectures together with the "chunk done" mark in one transaction) or a work unit's result
//! (see [`crate::unit`]). Hence an interrupted search (Ctrl-C, or even `kill -9`) keeps every
//! committed result and resumes by skipping the chunks marked done. Decisions across candidates
//! (deduplication by canonical key, the choice of the simplest representative, the variant count)
//! are taken by the catalog when rows are inserted, so the final catalog is independent of thread
//! count, chunk order, sharding and unit split.

use crate::cancel::Cancel;
use crate::catalog::{Catalog, Conjecture};
use crate::enumerate::{Enumerator, ScanStats};
use crate::identify::MobiusTable;
use crate::pcf::canonical::simplicity_key;
use crate::pcf::factorial_reduction::{self, FrVerdict};
use crate::pcf::first_pass::{Screen, LANES};
use crate::pcf::limit::EvalOptions;
use crate::pcf::Pcf;
use crate::precision::Certainty;
use crate::space::{evaluate_targets, SearchSpace};
use crate::verify::{evaluate_significant, latex_equation, verify_limit, Verified};
use anyhow::{Context, Result};
use rayon::prelude::*;
use rug::Float;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
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
    /// Verified formulas equivalent to another one verified in this run (same canonical key).
    pub variants: u64,
    /// Distinct formulas (canonical keys) verified in this run, by constant.
    pub formulas_by_constant: BTreeMap<String, u64>,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Wall time.
    pub elapsed: Duration,
}

/// Stage counters of a chunk (or a sum of chunks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Enumeration and filter counts.
    pub scan: ScanStats,
    /// First-pass values that had not converged enough to be looked up.
    pub unconverged: u64,
    /// Table candidates (PCF, table entry) sent to verification.
    pub candidates: u64,
    /// PCFs put through the factorial-reduction screen.
    pub fr_screened: u64,
    /// Of those, PCFs with factorial reduction.
    pub fr_positive: u64,
    /// Candidates that verified.
    pub verified: u64,
}

impl Counters {
    /// Adds another chunk's counters.
    pub fn add(&mut self, o: &Counters) {
        self.scan.add(&o.scan);
        self.unconverged += o.unconverged;
        self.candidates += o.candidates;
        self.fr_screened += o.fr_screened;
        self.fr_positive += o.fr_positive;
        self.verified += o.verified;
    }
}

/// A verified formula at one index of a space: the catalog row ([`Conjecture`]) of the formula
/// found there, with the index and the simplicity key the catalog orders representatives by. It
/// is a pure function of the space and the index: no other candidate influences it.
///
/// In result and checkpoint files a `Found` is written as the fields that depend on the index
/// (see [`FoundWire`]): the row's `kind` is always `pcf`, `variants` is 1, and the space name and
/// hash are those of the unit, so they are not repeated.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// Index in the space's enumeration.
    pub index: u64,
    /// Simplicity sort key (the catalog keeps the smallest per canonical key).
    pub simplicity: String,
    /// The catalog row, with an empty space name and hash (see [`Found::conjecture`]).
    pub formula: Conjecture,
}

/// The on-disk form of a [`Found`], field by field in this order (postcard): the layout of result
/// files of compatibility version 1, kept unchanged.
#[derive(Serialize, Deserialize)]
pub struct FoundWire {
    /// Index in the space's enumeration.
    pub index: u64,
    /// Canonical key (`pcf:…`).
    pub canonical_key: String,
    /// Simplicity sort key.
    pub simplicity: String,
    /// `a(n)`, SymPy-readable.
    pub a: String,
    /// `b(n)`, SymPy-readable.
    pub b: String,
    /// Names of the constants of the relation.
    pub constants: Vec<String>,
    /// The relation solved for the limit.
    pub relation: String,
    /// Leading digits of the limit.
    pub limit: String,
    /// Digits to which the limit and the relation agree.
    pub verified_digits: u32,
    /// Depth of the verifying evaluation.
    pub depth: u64,
    /// Irrationality measure δ (rounded to 6 decimals).
    pub delta: Option<f64>,
    /// Convergence rate in digits per term (rounded to 6 decimals).
    pub convergence_rate: Option<f64>,
    /// Kind-specific details as JSON text.
    pub details: String,
}

impl From<&Found> for FoundWire {
    fn from(f: &Found) -> FoundWire {
        let c = &f.formula;
        FoundWire {
            index: f.index,
            canonical_key: c.canonical_key.clone(),
            simplicity: f.simplicity.clone(),
            a: c.a.clone(),
            b: c.b.clone(),
            constants: c.constants.clone(),
            relation: c.relation.clone(),
            limit: c.limit.clone(),
            verified_digits: c.verified_digits,
            depth: c.depth,
            delta: c.delta,
            convergence_rate: c.convergence_rate,
            details: c.details.to_string(),
        }
    }
}

impl TryFrom<FoundWire> for Found {
    type Error = serde_json::Error;

    fn try_from(w: FoundWire) -> std::result::Result<Found, serde_json::Error> {
        Ok(Found {
            index: w.index,
            simplicity: w.simplicity,
            formula: Conjecture {
                kind: "pcf".into(),
                canonical_key: w.canonical_key,
                a: w.a,
                b: w.b,
                constants: w.constants,
                relation: w.relation,
                limit: w.limit,
                verified_digits: w.verified_digits,
                depth: w.depth,
                delta: w.delta,
                convergence_rate: w.convergence_rate,
                space: String::new(),
                space_hash: String::new(),
                variants: 1,
                details: serde_json::from_str(&w.details)?,
                cmf_sources: Vec::new(),
            },
        })
    }
}

impl Serialize for Found {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        FoundWire::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Found {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Found, D::Error> {
        let w = FoundWire::deserialize(d)?;
        Found::try_from(w).map_err(|e| serde::de::Error::custom(format!("details: {e}")))
    }
}

impl Found {
    /// The catalog row (and its simplicity key) of this formula found in `space`.
    pub fn conjecture(&self, space: &str, space_hash: &str) -> (Conjecture, String) {
        let mut c = self.formula.clone();
        c.space = space.to_string();
        c.space_hash = space_hash.to_string();
        (c, self.simplicity.clone())
    }
}

/// What one chunk of the global grid produced: a pure function of (space, range).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChunkOutput {
    /// The index range of the chunk.
    pub range: Range<u64>,
    /// Its stage counters.
    pub counters: Counters,
    /// Work witness of the chunk: SHA-256 over the range, the counters, a hash of every
    /// first-pass value and the indices of the verified formulas. Skipping the chunk's work cannot
    /// reproduce it without doing the first pass.
    pub witness: [u8; 32],
    /// The verified formulas, sorted by index.
    pub found: Vec<Found>,
}

/// Where the driver puts finished chunks: the SQLite catalog, a work unit's result, a test's vector.
/// The driver calls it from one thread only.
pub trait Sink {
    /// The parts of `range` already finished (they are skipped), in increasing order.
    fn done_within(&mut self, range: Range<u64>) -> Result<Vec<Range<u64>>>;
    /// Stores one finished chunk.
    fn commit(&mut self, chunk: ChunkOutput) -> Result<()>;
}

/// The catalog as a [`Sink`]: each chunk's rows and its "done" mark in one transaction.
pub struct CatalogSink<'c> {
    catalog: &'c mut Catalog,
    name: String,
    hash: String,
}

impl<'c> CatalogSink<'c> {
    /// Stores chunks of `space` into `catalog`.
    pub fn new(catalog: &'c mut Catalog, space: &SearchSpace) -> CatalogSink<'c> {
        CatalogSink {
            catalog,
            name: space.name.clone(),
            hash: space.hash.clone(),
        }
    }
}

impl Sink for CatalogSink<'_> {
    fn done_within(&mut self, range: Range<u64>) -> Result<Vec<Range<u64>>> {
        Ok(self.catalog.done_ranges_within(&self.hash, range)?)
    }

    fn commit(&mut self, chunk: ChunkOutput) -> Result<()> {
        let rows: Vec<(Conjecture, String)> = chunk
            .found
            .iter()
            .map(|f| f.conjecture(&self.name, &self.hash))
            .collect();
        let stats_json = serde_json::to_string(&chunk.counters.scan)?;
        self.catalog
            .commit_range(&self.hash, chunk.range.clone(), &stats_json, &rows, &[])
            .context("writing to the catalog")?;
        Ok(())
    }
}

/// A [`Sink`] that keeps every chunk in memory, ordered by start index.
#[derive(Debug, Default)]
pub struct MemorySink {
    /// Finished chunks by start index.
    pub chunks: BTreeMap<u64, ChunkOutput>,
}

impl Sink for MemorySink {
    fn done_within(&mut self, range: Range<u64>) -> Result<Vec<Range<u64>>> {
        Ok(self
            .chunks
            .values()
            .filter(|c| c.range.end > range.start && c.range.start < range.end)
            .map(|c| c.range.clone())
            .collect())
    }

    fn commit(&mut self, chunk: ChunkOutput) -> Result<()> {
        self.chunks.insert(chunk.range.start, chunk);
        Ok(())
    }
}

/// The Mersenne prime 2^61 − 1 of the witness's polynomial hash.
const WITNESS_P: u64 = (1 << 61) - 1;
/// The base of the witness's polynomial hash.
const WITNESS_B: u64 = 0x1d6b_5a3c_93e1_7f25 % WITNESS_P;

/// Folds `v` into the polynomial hash `h` (mod 2^61 − 1): the definition of the witness hash,
/// computed a block at a time by [`fold_many`].
#[cfg(test)]
fn fold(h: u64, v: u64) -> u64 {
    // (h·B + (v mod P)) mod P with P = 2^61 − 1, reduced by folding (2^61 ≡ 1): the same value as
    // the 128-bit remainder without a 128-bit division. h < 2^64 and B < P, so the sum is < 2^126.
    let x = h as u128 * WITNESS_B as u128 + (v % WITNESS_P) as u128;
    let folded = (x & WITNESS_P as u128) + (x >> 61); // < 2^66
    let folded = (folded & WITNESS_P as u128) + (folded >> 61); // < 2^61 + 2^5
    let r = folded as u64;
    if r >= WITNESS_P {
        r - WITNESS_P
    } else {
        r
    }
}

/// `B^k mod P` for `k = 0..=3·LANES` (the most words a block folds).
const WITNESS_POWERS: [u64; 3 * LANES + 1] = {
    let mut p = [1u64; 3 * LANES + 1];
    let mut k = 1;
    while k < p.len() {
        p[k] = ((p[k - 1] as u128 * WITNESS_B as u128) % WITNESS_P as u128) as u64;
        k += 1;
    }
    p
};

/// `vs.iter().fold(h, fold)` for `h < P` and at most `3·LANES` words, without the serial chain:
/// `h·B^m + Σⱼ vⱼ·B^(m−1−j) mod P` with `m = vs.len()`. Every product is independent of the
/// others; one reduction at the end.
#[inline]
fn fold_many(h: u64, vs: &[u64]) -> u64 {
    /// A value `≡ a·b (mod P)` below 2^63 for `a < 2^62`, `b < P` (product below 2^123).
    #[inline(always)]
    fn mul_partial(a: u64, b: u64) -> u64 {
        let x = a as u128 * b as u128;
        ((x & WITNESS_P as u128) + (x >> 61)) as u64
    }
    let m = vs.len();
    debug_assert!(m < WITNESS_POWERS.len() && h < WITNESS_P);
    let mut acc = mul_partial(h, WITNESS_POWERS[m]) as u128;
    for (j, &v) in vs.iter().enumerate() {
        // v ≡ (v & P) + (v >> 61) < 2^61 + 8 (2^61 ≡ 1).
        let v = (v & WITNESS_P) + (v >> 61);
        acc += mul_partial(v, WITNESS_POWERS[m - 1 - j]) as u128;
    }
    // acc < 49·2^63 < 2^69: two folds bring it below 2^61 + 2^8, then one subtraction.
    let f = (acc & WITNESS_P as u128) + (acc >> 61);
    let f = ((f & WITNESS_P as u128) + (f >> 61)) as u64;
    if f >= WITNESS_P {
        f - WITNESS_P
    } else {
        f
    }
}

/// The search context for one space: targets at full precision and the Möbius table.
pub struct Searcher<'a> {
    space: &'a SearchSpace,
    enumerator: Enumerator,
    table: MobiusTable,
    targets: Vec<Float>,
    named_targets: Vec<(String, Float)>,
    /// The verifying evaluation; its `digits` are significant digits ([`evaluate_significant`]).
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
        let named = evaluate_targets(&space.targets, space.verify_digits)?;
        let table = MobiusTable::build(&named, space.mobius_bound as u32)
            .context("building the Möbius table")?;
        Ok(Searcher {
            space,
            enumerator,
            table,
            targets: named.iter().map(|x| x.1.clone()).collect(),
            named_targets: named,
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
    /// the range was finished. The output depends only on the space and `range`.
    fn chunk(&self, range: Range<u64>) -> Option<ChunkOutput> {
        let mut unconverged = 0;
        let mut candidates = Vec::new();
        let mut slow = Vec::new();
        let mut h = 0u64;
        let fr = self.space.factorial_reduction;
        let scan = self.enumerator.scan_blocks(range.clone(), |blk| {
            // The witness hash of the block: per kept PCF its index, then its value and error bits
            // (or 1 when undefined), folded in one go (see `fold_many`).
            let mut words = [0u64; 3 * LANES];
            let mut w = 0;
            // Pass 1: convergence, tolerance and the presence screen of the table, lane by lane
            // (independent probes, so their cache misses overlap).
            let mut probe: [Option<(f64, f64, bool)>; LANES] = [None; LANES];
            for (i, probe) in probe.iter_mut().enumerate() {
                if blk.kept >> i & 1 == 0 {
                    continue;
                }
                words[w] = blk.index[i];
                w += 1;
                if let Screen::Value { x, err } = blk.screens[i] {
                    words[w] = x.to_bits();
                    words[w + 1] = err.to_bits();
                    w += 2;
                    let scale = x.abs().max(1e-300);
                    if err <= CONVERGED_REL_ERR * scale.max(1.0) {
                        let tol = (8.0 * err / scale).max(MIN_REL_TOL);
                        *probe = Some((x, tol, self.table.may_contain(x, tol)));
                    }
                } else {
                    words[w] = 1;
                    w += 1;
                }
            }
            h = fold_many(h, &words[..w]);
            // Pass 2, in index order: unconverged PCFs, lookups where the screen passed.
            for (i, probe) in probe.iter().enumerate() {
                if blk.kept >> i & 1 == 0 {
                    continue;
                }
                let Screen::Value { .. } = blk.screens[i] else {
                    continue;
                };
                let index = blk.index[i];
                let Some((x, tol, maybe)) = *probe else {
                    unconverged += 1;
                    if fr {
                        slow.push(index);
                    }
                    continue;
                };
                let before = candidates.len();
                if maybe {
                    for c in self.table.lookup(x, tol) {
                        candidates.push((index, c));
                    }
                }
                if candidates.len() == before && fr {
                    slow.push(index); // no table hit: FR screen and PSLQ with larger coefficients
                }
            }
        });
        let n_candidates = candidates.len() as u64;
        let mut found: Vec<Found> = Vec::new();
        // Candidates come in index order; all table entries of one PCF are tried on one evaluation.
        let mut i = 0;
        while i < candidates.len() {
            if self.cancel.is_cancelled() {
                return None;
            }
            let index = candidates[i].0;
            let j = i + candidates[i..].iter().take_while(|c| c.0 == index).count();
            let pcf = self.enumerator.candidate(index);
            if let Ok(limit) = evaluate_significant(&pcf, &self.eval) {
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
                    found.push(found_of(index, &v));
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
                if let Some(v) = self.identify_slow(&pcf) {
                    found.push(found_of(index, &v));
                }
            }
        }
        found.sort_by_key(|f| f.index);
        let counters = Counters {
            scan,
            unconverged,
            candidates: n_candidates,
            fr_screened,
            fr_positive,
            verified: found.len() as u64,
        };
        let witness = block_witness(&range, &counters, h, &found);
        Some(ChunkOutput {
            range,
            counters,
            witness,
            found,
        })
    }

    /// Recomputes, from scratch, what the search finds at `index` alone (the re-verification of a
    /// reported formula): `None` if nothing verifies there.
    pub fn recompute(&self, index: u64) -> Option<Found> {
        if index >= self.enumerator.size() {
            return None;
        }
        self.chunk(index..index + 1)?.found.into_iter().next()
    }

    /// A PCF with factorial reduction that converges slowly: its limit with the significant
    /// digits that are certain (up to the space's `max_depth`), identified by PSLQ against the
    /// targets from those digits (quality gate) and accepted if they reach the space's
    /// verification digits.
    fn identify_slow(&self, pcf: &Pcf) -> Option<Verified> {
        let limit = evaluate_significant(pcf, &self.eval).ok()?;
        let trusted = crate::verify::significant(&limit);
        if trusted.get() < self.space.verify_digits {
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
        let mut sink = CatalogSink::new(catalog, self.space);
        self.run_into(&mut sink, range, chunk_size(self.space), progress)
    }

    /// Runs the search over `range` (clamped to the space) in chunks on the grid of multiples of
    /// `step`, skipping what `sink` reports done and handing every finished chunk to `sink`.
    pub fn run_into(
        &self,
        sink: &mut dyn Sink,
        range: Range<u64>,
        step: u64,
        progress: &(dyn Fn(ProgressEvent) + Sync),
    ) -> Result<Summary> {
        let start = Instant::now();
        let size = self.enumerator.size();
        let range = range.start.min(size)..range.end.min(size);
        let done = sink.done_within(range.clone())?;
        let chunks = plan_chunks(range.clone(), &done, step);
        let total = chunks.remaining();
        let resumed = (range.end - range.start) - total;
        let mut summary = Summary {
            space_size: size,
            range: range.clone(),
            resumed,
            ..Default::default()
        };
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
            |r: ChunkOutput| {
                let n = r.range.end - r.range.start;
                let c = r.counters;
                for f in &r.found {
                    if seen_here.insert(f.formula.canonical_key.clone()) {
                        for k in &f.formula.constants {
                            *summary.formulas_by_constant.entry(k.clone()).or_default() += 1;
                        }
                    }
                }
                sink.commit(r)?;
                summary.stats.add(&c.scan);
                summary.unconverged += c.unconverged;
                summary.candidates += c.candidates;
                summary.fr_screened += c.fr_screened;
                summary.fr_positive += c.fr_positive;
                summary.verified += c.verified;
                hits += c.verified;
                done_count += n;
                progress(ProgressEvent {
                    done: done_count,
                    total,
                    hits,
                });
                Ok(())
            },
        )?;
        summary.variants = summary.verified - seen_here.len() as u64;
        summary.interrupted = done_count < total;
        summary.elapsed = start.elapsed();
        Ok(summary)
    }
}

/// Deepest convergent δ is followed to for a catalog row (its convergents to twice this depth
/// cost milliseconds).
const DELTA_MAX_DEPTH: usize = 1 << 14;
/// The [`Found`] record of a formula verified at `index`.
fn found_of(index: u64, v: &Verified) -> Found {
    let (formula, simplicity) = conjecture_row(v, "", "");
    Found {
        index,
        simplicity,
        formula,
    }
}

/// The witness of one chunk (see [`ChunkOutput::witness`]).
fn block_witness(range: &Range<u64>, counters: &Counters, h: u64, found: &[Found]) -> [u8; 32] {
    let mut d = Sha256::new();
    d.update(b"apery-block-1");
    d.update(range.start.to_le_bytes());
    d.update(range.end.to_le_bytes());
    d.update(postcard::to_stdvec(counters).expect("serialisable"));
    d.update(h.to_le_bytes());
    for f in found {
        d.update(f.index.to_le_bytes());
    }
    d.finalize().into()
}

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
    let mut details = serde_json::json!({
        "latex": latex_equation(v),
        "relation": v.identification.relation_string(),
        "delta_depth": settled.map(|d| d.depth),
        "delta_settled": settled.map(|d| d.settled),
        "numerator": v.identification.numerator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "denominator": v.identification.denominator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
    });
    if v.limit.certainty == Certainty::Estimated {
        // the limit's digits are the agreement of two Richardson extrapolations, not a bound
        details["verified_digits_estimated"] = serde_json::Value::Bool(true);
    }
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
        details,
        cmf_sources: Vec::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The folded reduction of the witness hash is the 128-bit remainder (witnesses of old and
        /// new result files must agree).
        #[test]
        fn witness_fold_is_the_remainder_mod_2_61_minus_1(h in any::<u64>(), v in any::<u64>()) {
            let want = ((h as u128 * WITNESS_B as u128 + (v % WITNESS_P) as u128)
                % WITNESS_P as u128) as u64;
            prop_assert_eq!(fold(h, v), want);
        }

        /// The block fold of the witness is the word-by-word fold (old and new witnesses agree).
        #[test]
        fn fold_many_equals_folding_word_by_word(
            h in 0..WITNESS_P,
            vs in proptest::collection::vec(any::<u64>(), 0..=3 * LANES),
            top in proptest::bool::ANY,
        ) {
            // Also the largest words: u64::MAX and P itself reduce to small residues.
            let mut vs = vs;
            if top {
                vs.iter_mut().step_by(2).for_each(|v| *v = u64::MAX - (*v & 7));
            }
            let want = vs.iter().fold(h, |h, &v| fold(h, v));
            prop_assert_eq!(fold_many(h, &vs), want);
        }
    }
}
