//! Searching a field's trajectories for formulas.
//!
//! Every (trajectory `t`, start `s`) pair of a [`CmfSpace`] gives, through [`trajectory_to_pcf`]
//! (§11.7), a deflated PCF whose limit is a Möbius transformation of the walk's limit, hence of the
//! field's constant. Each pair is handled on its own, exactly as a PCF search handles a table hit:
//!
//! 1. `T(n)` and the deflated PCF `(a, b)` (a start with fractional coordinates: of the field
//!    shifted by the fractional part, from the integer part, [`crate::cmf::shift`]); a trajectory whose matrices have a pole or are singular
//!    along the whole line, or whose step matrix has `γ ≡ 0`, is skipped with the reason;
//! 2. the PCF's limit with honest digits ([`crate::verify::evaluate_significant`], up to the
//!    space's `max_depth`); a PCF that does not reach `verify_digits` certain significant digits
//!    is skipped;
//! 3. the limit identified as `(c₀ + c₁K)/(d₀ + d₁K)` with a target `K` by PSLQ (quality gated,
//!    `|cᵢ|, |dᵢ| ≤ max_coeff`) and verified to `verify_digits` digits by the same code as `apery
//!    search` ([`verify_limit`], [`conjecture_row`]), so a formula's catalog row is the same
//!    whichever way it was found;
//! 4. δ of the PCF (in the row) and δ of the walk along the trajectory (in the source).
//!
//! The output of an index depends only on the space and the index; indices are grouped in chunks
//! on a fixed grid, run in parallel and committed with their "done" mark in one transaction, so a
//! search is resumable and gives the same catalog on any thread count and shard split.

use crate::cancel::Cancel;
use crate::catalog::sources::CmfSource;
use crate::catalog::{Catalog, Conjecture};
use crate::cmf::shift::{shifted, split_start};
use crate::cmf::to_pcf::{trajectory_to_pcf, ToPcfError};
use crate::cmf::walk::{WalkOptions, Walker};
use crate::identify::identify_mobius;
use crate::pcf::limit::EvalOptions;
use crate::search::{conjecture_row, plan_chunks, run_chunks};
use crate::space::cmf::CmfSpace;
use crate::verify::{evaluate_significant, significant, verify_limit};
use anyhow::{Context, Result};
use rug::{Float, Rational};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::time::{Duration, Instant};

/// Indices per chunk on the global grid (each index costs milliseconds to a second).
pub const CHUNK: u64 = 4;
/// Depth of the first exact evaluation of a trajectory's PCF (then doubled).
const START_DEPTH: usize = 32;

/// Why an index gave no formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Skip {
    /// An axis matrix has a pole along the whole trajectory.
    Pole,
    /// A backward step through a matrix that is singular along the trajectory.
    Singular,
    /// The step matrix has `γ(n) ≡ 0` (no second-order recurrence).
    NotPcf,
    /// The PCF diverges or its convergents cannot be evaluated.
    Diverges,
    /// Fewer certain significant digits than `verify_digits` at `max_depth`.
    NotConverged,
    /// No gated Möbius relation with a target (or the limit is rational).
    NotIdentified,
    /// A relation was found but does not verify to `verify_digits` digits.
    NotVerified,
}

impl Skip {
    /// Every reason, in the summary's order.
    pub const ALL: [Skip; 7] = [
        Skip::Pole,
        Skip::Singular,
        Skip::NotPcf,
        Skip::Diverges,
        Skip::NotConverged,
        Skip::NotIdentified,
        Skip::NotVerified,
    ];

    /// A short description.
    pub fn describe(self) -> &'static str {
        match self {
            Skip::Pole => "pole of an axis matrix along the trajectory",
            Skip::Singular => "singular axis matrix on a backward step",
            Skip::NotPcf => "gamma(n) = 0: no PCF",
            Skip::Diverges => "PCF diverges or cannot be evaluated",
            Skip::NotConverged => "not converged to verify_digits by max_depth",
            Skip::NotIdentified => "limit not identified",
            Skip::NotVerified => "identification did not verify",
        }
    }
}

/// Counts of one chunk (or a sum of chunks).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CmfCounters {
    /// (trajectory, start) pairs handled.
    pub pairs: u64,
    /// Pairs that gave a verified formula.
    pub verified: u64,
    /// Pairs skipped, by reason.
    pub skipped: BTreeMap<Skip, u64>,
}

impl CmfCounters {
    /// Adds another chunk's counts.
    pub fn add(&mut self, o: &CmfCounters) {
        self.pairs += o.pairs;
        self.verified += o.verified;
        for (k, v) in &o.skipped {
            *self.skipped.entry(*k).or_default() += v;
        }
    }

    /// Skipped pairs of one reason.
    pub fn skipped(&self, why: Skip) -> u64 {
        self.skipped.get(&why).copied().unwrap_or(0)
    }
}

/// A verified formula at one index.
#[derive(Clone, Debug, PartialEq)]
pub struct CmfFound {
    /// Index in the space's enumeration.
    pub index: u64,
    /// The catalog row (kind `pcf`, the same row `apery search` writes for this PCF).
    pub conjecture: Conjecture,
    /// Its simplicity key.
    pub simplicity: String,
    /// The trajectory that gave it.
    pub source: CmfSource,
}

/// A pair skipped at one index, with the error's text.
#[derive(Clone, Debug, PartialEq)]
pub struct CmfSkipped {
    /// Index in the space's enumeration.
    pub index: u64,
    /// The trajectory.
    pub trajectory: Vec<i64>,
    /// The start point (exact; fractions where the space has them).
    pub start: Vec<Rational>,
    /// Why.
    pub why: Skip,
    /// The error's text.
    pub message: String,
}

/// What one chunk produced: a pure function of (space, range).
#[derive(Clone, Debug, PartialEq)]
pub struct CmfChunk {
    /// The index range.
    pub range: Range<u64>,
    /// Its counts.
    pub counters: CmfCounters,
    /// The verified formulas, by index.
    pub found: Vec<CmfFound>,
    /// The first skipped pairs of each reason (at most [`EXAMPLES_PER_REASON`]), by index.
    pub examples: Vec<CmfSkipped>,
}

/// The outcome of one index.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// A verified formula.
    Found(Box<CmfFound>),
    /// Skipped with the reason and the error's text.
    Skipped(Skip, String),
}

/// What a CMF search did.
#[derive(Clone, Debug, Default)]
pub struct CmfSummary {
    /// Size of the whole space.
    pub space_size: u64,
    /// The index range requested (clamped to the space).
    pub range: Range<u64>,
    /// Indices skipped because an earlier run completed them.
    pub resumed: u64,
    /// Counts of this run.
    pub counters: CmfCounters,
    /// Distinct canonical keys verified in this run that were not in the catalog before.
    pub new_formulas: u64,
    /// Distinct canonical keys verified in this run that the catalog held already.
    pub known_formulas: u64,
    /// Distinct formulas verified in this run, by constant.
    pub formulas_by_constant: BTreeMap<String, u64>,
    /// The first skipped pairs (by index) of each reason, at most [`EXAMPLES_PER_REASON`] each,
    /// ordered by reason and index.
    pub examples: Vec<CmfSkipped>,
    /// Whether the run was interrupted.
    pub interrupted: bool,
    /// Wall time.
    pub elapsed: Duration,
}

/// Skipped pairs kept per reason as examples.
pub const EXAMPLES_PER_REASON: usize = 3;

/// Keeps the first [`EXAMPLES_PER_REASON`] examples of each reason, ordered by reason and index.
fn keep_first(examples: &mut Vec<CmfSkipped>) {
    examples.sort_by_key(|e| (e.why, e.index));
    let mut kept: BTreeMap<Skip, usize> = BTreeMap::new();
    examples.retain(|e| {
        let k = kept.entry(e.why).or_default();
        *k += 1;
        *k <= EXAMPLES_PER_REASON
    });
}

/// Progress after each committed chunk.
#[derive(Clone, Copy, Debug)]
pub struct CmfProgress {
    /// Pairs finished in this run.
    pub done: u64,
    /// Pairs to do in this run.
    pub total: u64,
    /// Verified formulas so far (before deduplication).
    pub hits: u64,
}

/// The search context of one CMF space: the target values at the verification precision.
pub struct CmfSearcher<'a> {
    space: &'a CmfSpace,
    named_targets: Vec<(String, Float)>,
    targets: Vec<Float>,
    cancel: Cancel,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

impl<'a> CmfSearcher<'a> {
    /// Evaluates the targets.
    pub fn new(space: &'a CmfSpace) -> Result<CmfSearcher<'a>> {
        let named = crate::space::evaluate_targets(&space.targets, space.verify_digits)?;
        Ok(CmfSearcher {
            space,
            targets: named.iter().map(|x| x.1.clone()).collect(),
            named_targets: named,
            cancel: Cancel::new(),
        })
    }

    /// The same searcher, stopping when `cancel` is cancelled (a chunk cut short is not committed).
    pub fn with_cancel(mut self, cancel: Cancel) -> CmfSearcher<'a> {
        self.cancel = cancel;
        self
    }

    /// What the search finds at `index` (`index < space.size()`).
    pub fn point(&self, index: u64) -> Outcome {
        let space = self.space;
        let (t, s) = space.pair(index);
        // a fractional start: the field shifted by the fractional part, from the integer part
        let (ints, frac) = split_start(&s).expect("start coordinates are bounded by the space");
        let shifted_field;
        let field = if frac.iter().all(|r| *r == 0) {
            &space.field
        } else {
            shifted_field = shifted(&space.field, &frac);
            &shifted_field
        };
        let tp = match trajectory_to_pcf(field, &t, &ints) {
            Ok(p) => p,
            Err(e) => {
                let why = match e {
                    ToPcfError::PoleOnLine { .. } => Skip::Pole,
                    ToPcfError::SingularOnLine { .. } => Skip::Singular,
                    _ => Skip::NotPcf,
                };
                return Outcome::Skipped(why, e.to_string());
            }
        };
        let pcf = tp.pcf;
        let opts = EvalOptions {
            digits: space.verify_digits,
            start_depth: START_DEPTH,
            max_depth: space.max_depth,
        };
        let limit = match evaluate_significant(&pcf, &opts) {
            Ok(l) => l,
            Err(e) => return Outcome::Skipped(Skip::Diverges, format!("{pcf}: {e}")),
        };
        let trusted = significant(&limit);
        if trusted.get() < space.verify_digits {
            return Outcome::Skipped(
                Skip::NotConverged,
                format!(
                    "{pcf}: {trusted} certain significant digits ({:.1} decimal places) at depth {}",
                    limit.digits, limit.depth
                ),
            );
        }
        let id = match identify_mobius(&limit.value, trusted, &self.named_targets, space.max_coeff)
        {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Outcome::Skipped(Skip::NotIdentified, format!("{pcf}: no relation"))
            }
            Err(e) => return Outcome::Skipped(Skip::NotIdentified, format!("{pcf}: {e}")),
        };
        let Some(v) = verify_limit(&pcf, limit, &id, &self.targets, space.verify_digits) else {
            return Outcome::Skipped(Skip::NotVerified, format!("{pcf}: {}", id.formula()));
        };
        let (conjecture, simplicity) = conjecture_row(&v, &space.name, &space.hash);
        let walk_delta = Walker::new(field)
            .ok()
            .and_then(|w| {
                w.limit(
                    &t,
                    &ints,
                    &WalkOptions {
                        digits: space.verify_digits,
                        start_depth: 16,
                        max_depth: space.max_depth,
                    },
                )
                .ok()
            })
            .and_then(|l| l.delta)
            .filter(|d| d.is_finite())
            .map(round6);
        let source = CmfSource {
            space: space.name.clone(),
            field: space.field.name.clone(),
            trajectory: t,
            start: s,
            a: pcf.a.python(),
            b: pcf.b.python(),
            walk_delta,
        };
        Outcome::Found(Box::new(CmfFound {
            index,
            conjecture,
            simplicity,
            source,
        }))
    }

    /// Handles one index range; `None` if cancelled before it was finished.
    pub fn chunk(&self, range: Range<u64>) -> Option<CmfChunk> {
        let mut counters = CmfCounters::default();
        let mut found = Vec::new();
        let mut examples = Vec::new();
        for index in range.clone() {
            if self.cancel.is_cancelled() {
                return None;
            }
            counters.pairs += 1;
            match self.point(index) {
                Outcome::Found(f) => {
                    counters.verified += 1;
                    found.push(*f);
                }
                Outcome::Skipped(why, message) => {
                    *counters.skipped.entry(why).or_default() += 1;
                    if counters.skipped(why) as usize <= EXAMPLES_PER_REASON {
                        let (trajectory, start) = self.space.pair(index);
                        examples.push(CmfSkipped {
                            index,
                            trajectory,
                            start,
                            why,
                            message,
                        });
                    }
                }
            }
        }
        Some(CmfChunk {
            range,
            counters,
            found,
            examples,
        })
    }

    /// Runs the search over `range` (clamped to the space) into `catalog`, skipping the chunks an
    /// earlier run completed.
    pub fn run(
        &self,
        catalog: &mut Catalog,
        range: Range<u64>,
        progress: &(dyn Fn(CmfProgress) + Sync),
    ) -> Result<CmfSummary> {
        let start = Instant::now();
        let size = self.space.size();
        let range = range.start.min(size)..range.end.min(size);
        let done = catalog.done_ranges_within(&self.space.hash, range.clone())?;
        let chunks = plan_chunks(range.clone(), &done, CHUNK);
        let total = chunks.remaining();
        let mut summary = CmfSummary {
            space_size: size,
            range: range.clone(),
            resumed: (range.end - range.start) - total,
            ..Default::default()
        };
        let mut seen = HashSet::new();
        let mut done_count = 0;
        progress(CmfProgress {
            done: 0,
            total,
            hits: 0,
        });
        let hash = self.space.hash.clone();
        run_chunks(
            chunks,
            &self.cancel,
            |c| self.chunk(c),
            |c: CmfChunk| {
                let rows: Vec<(Conjecture, String, CmfSource)> = c
                    .found
                    .iter()
                    .map(|f| (f.conjecture.clone(), f.simplicity.clone(), f.source.clone()))
                    .collect();
                let stats = serde_json::to_string(&c.counters)?;
                let new = catalog
                    .commit_cmf_range(&hash, c.range.clone(), &stats, &rows)
                    .context("writing to the catalog")?;
                for (f, is_new) in c.found.iter().zip(new) {
                    if seen.insert(f.conjecture.canonical_key.clone()) {
                        if is_new {
                            summary.new_formulas += 1;
                        } else {
                            summary.known_formulas += 1;
                        }
                        for k in &f.conjecture.constants {
                            *summary.formulas_by_constant.entry(k.clone()).or_default() += 1;
                        }
                    }
                }
                summary.counters.add(&c.counters);
                summary.examples.extend(c.examples);
                keep_first(&mut summary.examples);
                done_count += c.range.end - c.range.start;
                progress(CmfProgress {
                    done: done_count,
                    total,
                    hits: summary.counters.verified,
                });
                Ok(())
            },
        )?;
        summary.interrupted = done_count < total;
        summary.elapsed = start.elapsed();
        Ok(summary)
    }
}
