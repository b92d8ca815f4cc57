//! Deterministic work units: a search split into self-contained index ranges that run anywhere
//! (a workstation, a Slurm array task, a BOINC volunteer) and merge back into the catalog with the
//! same result as one local search.
//!
//! * A [`Unit`] is a half-open range `[start, end)` of one space's enumeration, together with the
//!   space itself (its file text and canonical form), the space hash, the size of the space, the
//!   block size (checkpoint and witness granularity) and the [`COMPAT_VERSION`]. Unit files are
//!   postcard behind the magic `APRYUNIT` and a format version.
//! * A unit says what it computes ([`Work`]): the search (verified formulas, as `apery search`) or
//!   the convergence-dynamics metrics of every PCF (as `apery dynamics`).
//! * [`run_unit`] runs one unit on all cores through the ordinary drivers
//!   ([`crate::search::Searcher::run_into`], [`crate::dynamics::survey::metrics_rows`]). Each
//!   chunk's output depends only on the space and the chunk's range, so the [`UnitResult`]
//!   (verified formulas or metrics records sorted by index, stage counters, a work witness and a
//!   digest; magic `APRYRSLT`) is byte-identical for any thread count and interruption history.
//!   Checkpoints (magic `APRYCKPT`, with a checksum) hold the finished chunks and are written
//!   atomically.
//! * Formulas are exact (integers, strings, MPFR digits) and agree bit for bit on every host.
//!   Metrics are `f64` values computed from exact integers, but their logarithms come from the
//!   platform's `ln`, whose last bit may differ between C libraries: two hosts may then give
//!   results with different digests, which [`merge::metrics_agree`] compares with the stated
//!   tolerance [`merge::METRICS_REL_TOL`].
//! * [`merge`] trusts nothing that comes back: it recomputes every formula from (space, index)
//!   before it enters the catalog.

pub mod merge;

use crate::cancel::Cancel;
use crate::dynamics::metrics::{MetricsConfig, PcfMetrics};
use crate::dynamics::survey;
use crate::enumerate::{Enumerator, ScanStats};
use crate::search::{
    chunk_size, plan_chunks, run_chunks, ChunkOutput, Counters, Found, MemorySink, Searcher, Sink,
};
use crate::space::SearchSpace;
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The result-compatibility version: bumped whenever a change could alter the outcome for any
/// index (enumeration order, filters, thresholds, budgets, the result format). Workers refuse units
/// of another version and merge refuses results of another version.
///
/// History: 1, search units; 2, units say what they compute ([`Work`]) and results hold metrics
/// records for dynamics units.
pub const COMPAT_VERSION: u32 = 2;

/// Version of the unit, result and checkpoint file layout (2: the [`Work`] field and metrics
/// records).
pub const FORMAT_VERSION: u16 = 2;

const UNIT_MAGIC: &[u8; 8] = b"APRYUNIT";
const RESULT_MAGIC: &[u8; 8] = b"APRYRSLT";
const CKPT_MAGIC: &[u8; 8] = b"APRYCKPT";

/// A unit (or result) made for another compatibility version.
#[derive(Debug, thiserror::Error)]
#[error("compatibility version {found} does not match this build's version {expected}: the unit was made by another version of the engine")]
pub struct CompatError {
    /// The version in the file.
    pub found: u32,
    /// [`COMPAT_VERSION`].
    pub expected: u32,
}

/// What a unit computes at every index of its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Work {
    /// The search (`apery search`): screen, identify and verify; the result holds the verified
    /// formulas.
    Search,
    /// Convergence-dynamics metrics (`apery dynamics`) at this depth, with the recipe's sample
    /// ratio p = 2 and N* = 10⁹ ([`MetricsConfig::default`]); the result holds one
    /// [`MetricsRecord`] per PCF.
    Dynamics {
        /// Depth D of the metrics.
        depth: u64,
    },
}

impl Work {
    /// The metrics configuration of a dynamics unit.
    pub fn metrics_config(&self) -> Option<MetricsConfig> {
        match *self {
            Work::Search => None,
            Work::Dynamics { depth } => Some(MetricsConfig {
                depth: depth as usize,
                ..MetricsConfig::default()
            }),
        }
    }

    /// Checks the parameters (a dynamics depth of at least [`survey::MIN_DEPTH`]).
    pub fn check(&self) -> Result<()> {
        if let Work::Dynamics { depth } = *self {
            if depth < survey::MIN_DEPTH as u64 || depth > u32::MAX as u64 {
                bail!(
                    "dynamics depth {depth} is outside {}..={} (the recipe's sample points need at least {})",
                    survey::MIN_DEPTH,
                    u32::MAX,
                    survey::MIN_DEPTH
                );
            }
        }
        Ok(())
    }

    /// The default block size: the search's chunk size, or the metrics chunk.
    pub fn default_block_size(&self, space: &SearchSpace) -> u64 {
        match self {
            Work::Search => chunk_size(space),
            Work::Dynamics { .. } => survey::CHUNK,
        }
    }
}

/// The metrics of one PCF in a dynamics unit's result: its index and [`PcfMetrics`] (the PCF's
/// `a(n)`, `b(n)` and canonical key are rebuilt from the index at merge time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsRecord {
    /// Index in the space's enumeration.
    pub index: u64,
    /// The metrics.
    pub metrics: PcfMetrics,
}

/// One work unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Deterministic id (see [`unit_id_for`]).
    pub unit_id: String,
    /// The [`COMPAT_VERSION`] of the splitter.
    pub compat_version: u32,
    /// What the unit computes.
    pub work: Work,
    /// Version of the engine that made the unit (provenance only).
    pub engine_version: String,
    /// The search-space file's text, as validated by the splitter.
    pub space_toml: String,
    /// The canonical form of the space ([`SearchSpace::canonical_json`]).
    pub space_canonical: String,
    /// SHA-256 of the canonical form.
    pub space_hash: String,
    /// Number of candidates in the whole space.
    pub n_total: u64,
    /// First index of the unit.
    pub start: u64,
    /// One past the last index.
    pub end: u64,
    /// Checkpoint and witness granularity: chunks lie on the grid of multiples of it.
    pub block_size: u64,
}

/// The deterministic id of the search unit `[start, end)` of the space with hash `space_hash`:
/// `ap-<first 16 hex digits of the space hash>-<start>-<end>`.
pub fn unit_id(space_hash: &str, start: u64, end: u64) -> String {
    unit_id_for(Work::Search, space_hash, start, end)
}

/// The deterministic id of a unit: `ap-<first 16 hex digits of the space hash>-<start>-<end>`
/// for the search, `ap-<16 hex digits>-dyn<depth>-<start>-<end>` for dynamics.
pub fn unit_id_for(work: Work, space_hash: &str, start: u64, end: u64) -> String {
    let h = &space_hash[..16.min(space_hash.len())];
    match work {
        Work::Search => format!("ap-{h}-{start}-{end}"),
        Work::Dynamics { depth } => format!("ap-{h}-dyn{depth}-{start}-{end}"),
    }
}

impl Unit {
    /// The unit's space, re-validated from its text: its canonical form and hash must be the ones
    /// recorded (a worker that reads the file differently refuses instead of doing other work).
    pub fn space(&self) -> Result<SearchSpace> {
        let space = SearchSpace::from_toml(
            &self.space_toml,
            Path::new(&format!("unit {}", self.unit_id)),
        )?;
        if space.canonical_json() != self.space_canonical {
            bail!(
                "unit {}: the space text does not give the recorded canonical space",
                self.unit_id
            );
        }
        if space.hash != self.space_hash {
            bail!(
                "unit {}: space hash mismatch (recorded {}, computed {})",
                self.unit_id,
                self.space_hash,
                space.hash
            );
        }
        Ok(space)
    }

    /// The key under which the catalog tracks the coverage of the unit's work: the space hash
    /// for the search, the metrics progress key (space hash and depth) for dynamics.
    pub fn coverage_key(&self) -> String {
        match self.work {
            Work::Search => self.space_hash.clone(),
            Work::Dynamics { depth } => {
                crate::catalog::metrics::progress_key(&self.space_hash, depth as usize)
            }
        }
    }

    /// Checks the version, the work, the space, the range and the id; returns the space.
    pub fn validate(&self) -> Result<SearchSpace> {
        if self.compat_version != COMPAT_VERSION {
            return Err(CompatError {
                found: self.compat_version,
                expected: COMPAT_VERSION,
            }
            .into());
        }
        self.work
            .check()
            .with_context(|| format!("unit {}", self.unit_id))?;
        let space = self.space()?;
        let size = crate::enumerate::Enumerator::new(&space)
            .map_err(anyhow::Error::msg)?
            .size();
        if self.n_total != size {
            bail!(
                "unit {}: the space has {size} candidates, the unit says {}",
                self.unit_id,
                self.n_total
            );
        }
        if self.start > self.end || self.end > self.n_total {
            bail!(
                "unit {}: range {}..{} is not within 0..{}",
                self.unit_id,
                self.start,
                self.end,
                self.n_total
            );
        }
        if self.block_size == 0 {
            bail!("unit {}: block size 0", self.unit_id);
        }
        if self.unit_id != unit_id_for(self.work, &self.space_hash, self.start, self.end) {
            bail!(
                "unit {}: the id does not match the space hash and range",
                self.unit_id
            );
        }
        Ok(space)
    }

    /// The file bytes: magic, format version, postcard body.
    pub fn encode(&self) -> Vec<u8> {
        frame(
            UNIT_MAGIC,
            &postcard::to_stdvec(self).expect("serialisable"),
        )
    }

    /// Parses unit file bytes (`name` is used in messages).
    pub fn decode(bytes: &[u8], name: &str) -> Result<Unit> {
        let body = unframe(UNIT_MAGIC, bytes, name, "unit")?;
        postcard::from_bytes(body).map_err(|e| anyhow!("{name}: malformed unit file: {e}"))
    }

    /// Reads a unit file.
    pub fn load(path: &Path) -> Result<Unit> {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        Unit::decode(&bytes, &path.display().to_string())
    }

    /// The unit's range.
    pub fn range(&self) -> Range<u64> {
        self.start..self.end
    }
}

fn frame(magic: &[u8; 8], body: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(body.len() + 10);
    v.extend_from_slice(magic);
    v.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    v.extend_from_slice(body);
    v
}

fn unframe<'b>(magic: &[u8; 8], bytes: &'b [u8], name: &str, what: &str) -> Result<&'b [u8]> {
    if bytes.len() < 10 || &bytes[..8] != magic {
        bail!("{name}: not an apery {what} file (bad magic)");
    }
    let v = u16::from_le_bytes([bytes[8], bytes[9]]);
    if v != FORMAT_VERSION {
        bail!("{name}: {what} file format version {v}, this build reads version {FORMAT_VERSION}");
    }
    Ok(&bytes[10..])
}

/// How to split a space into units.
#[derive(Clone, Debug)]
pub struct Split {
    template: Unit,
    n_units: u64,
}

impl Split {
    /// A split of the space file text `toml` (read from `path`) into `n_units` contiguous search
    /// units of (nearly) equal size, with chunks of `block_size` indices (default: the search's
    /// chunk size).
    pub fn new(toml: &str, path: &Path, n_units: u64, block_size: Option<u64>) -> Result<Split> {
        Split::new_for(Work::Search, toml, path, n_units, block_size)
    }

    /// [`Split::new`] for units that compute `work` (default block size:
    /// [`Work::default_block_size`]).
    pub fn new_for(
        work: Work,
        toml: &str,
        path: &Path,
        n_units: u64,
        block_size: Option<u64>,
    ) -> Result<Split> {
        work.check()?;
        let space = SearchSpace::from_toml(toml, path)?;
        let size = crate::enumerate::Enumerator::new(&space)
            .map_err(|e| anyhow!("{}: {e}", path.display()))?
            .size();
        if n_units == 0 {
            bail!("at least one unit is needed");
        }
        if size > 0 && n_units > size {
            bail!(
                "{n_units} units for a space of {size} candidates: at most one unit per candidate"
            );
        }
        let block_size = block_size.unwrap_or_else(|| work.default_block_size(&space));
        if block_size == 0 {
            bail!("block size 0");
        }
        Ok(Split {
            template: Unit {
                unit_id: String::new(),
                compat_version: COMPAT_VERSION,
                work,
                engine_version: env!("CARGO_PKG_VERSION").to_string(),
                space_toml: toml.to_string(),
                space_canonical: space.canonical_json(),
                space_hash: space.hash.clone(),
                n_total: size,
                start: 0,
                end: 0,
                block_size,
            },
            n_units,
        })
    }

    /// Number of units.
    pub fn len(&self) -> u64 {
        self.n_units
    }

    /// Whether there are no units (never: a split has at least one).
    pub fn is_empty(&self) -> bool {
        self.n_units == 0
    }

    /// Unit `i` (0-based).
    pub fn unit(&self, i: u64) -> Unit {
        let r = crate::enumerate::shard(self.template.n_total, i, self.n_units);
        Unit {
            unit_id: unit_id_for(
                self.template.work,
                &self.template.space_hash,
                r.start,
                r.end,
            ),
            start: r.start,
            end: r.end,
            ..self.template.clone()
        }
    }
}

/// Candidates per second of `space` on this machine with the current thread pool, measured on its
/// first indices for about `budget` (at least one chunk of `block_size`).
pub fn measure_rate(space: &SearchSpace, block_size: u64, budget: Duration) -> Result<f64> {
    measure_rate_for(Work::Search, space, block_size, budget)
}

/// [`measure_rate`] for units that compute `work`.
pub fn measure_rate_for(
    work: Work,
    space: &SearchSpace,
    block_size: u64,
    budget: Duration,
) -> Result<f64> {
    if let Some(config) = work.metrics_config() {
        let e = Enumerator::new(space).map_err(anyhow::Error::msg)?;
        let t = Instant::now();
        let mut done = 0u64;
        while done < e.size() && (done == 0 || t.elapsed() < budget) {
            let end = (done + block_size.max(1)).min(e.size());
            survey::metrics_rows(&e, &config, done..end, &Cancel::new());
            done = end;
        }
        return Ok(done as f64 / t.elapsed().as_secs_f64().max(1e-9));
    }
    let searcher = Searcher::new(space)?;
    let size = searcher.enumerator().size();
    let t = Instant::now();
    let mut done = 0u64;
    let mut sink = MemorySink::default();
    while done < size && (done == 0 || t.elapsed() < budget) {
        let end = (done + block_size.max(1)).min(size);
        searcher.run_into(&mut sink, done..end, block_size, &|_| {})?;
        done = end;
    }
    Ok(done as f64 / t.elapsed().as_secs_f64().max(1e-9))
}

/// The result of one unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    /// The unit (copied from the unit file: space, hash, range, versions).
    pub unit: Unit,
    /// Stage counters summed over the unit. For a dynamics unit only `scan.enumerated` (indices
    /// visited) and `scan.screened` (PCFs with metrics) are used.
    pub counters: Counters,
    /// SHA-256 over the chunk witnesses in index order.
    pub witness: [u8; 32],
    /// The verified formulas, sorted by index (search units).
    pub conjectures: Vec<Found>,
    /// The metrics of every PCF with metrics, sorted by index (dynamics units).
    pub metrics: Vec<MetricsRecord>,
}

impl UnitResult {
    /// The file bytes: magic, format version, postcard body, then the digest (SHA-256 of all
    /// that precedes it).
    pub fn encode(&self) -> Vec<u8> {
        let mut v = frame(
            RESULT_MAGIC,
            &postcard::to_stdvec(self).expect("serialisable"),
        );
        let d: [u8; 32] = Sha256::digest(&v).into();
        v.extend_from_slice(&d);
        v
    }

    /// Parses result file bytes and checks the digest; returns the result and its digest (hex).
    pub fn decode(bytes: &[u8], name: &str) -> Result<(UnitResult, String)> {
        if bytes.len() < 42 {
            bail!("{name}: not an apery result file (too short)");
        }
        let (payload, digest) = bytes.split_at(bytes.len() - 32);
        let body = unframe(RESULT_MAGIC, payload, name, "result")?;
        if Sha256::digest(payload).as_slice() != digest {
            bail!("{name}: digest mismatch: the result was altered or damaged");
        }
        let r: UnitResult =
            postcard::from_bytes(body).map_err(|e| anyhow!("{name}: malformed result: {e}"))?;
        Ok((r, hex(digest)))
    }

    /// The digest (hex) of the encoded result.
    pub fn digest(&self) -> String {
        let v = self.encode();
        hex(&v[v.len() - 32..])
    }
}

/// Lower-case hex of bytes.
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The digest (hex) stored in a result file, read without decoding the body: the last 32 bytes of
/// a file with the result magic.
pub fn stored_digest(bytes: &[u8], name: &str) -> Result<String> {
    if bytes.len() < 42 {
        bail!("{name}: not an apery result file (too short)");
    }
    unframe(RESULT_MAGIC, &bytes[..bytes.len() - 32], name, "result")?;
    Ok(hex(&bytes[bytes.len() - 32..]))
}

/// What one chunk of a unit produced: a pure function of (space, work, range).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitChunk {
    /// The index range.
    pub range: Range<u64>,
    /// Stage counters (see [`UnitResult::counters`]).
    pub counters: Counters,
    /// Work witness of the chunk.
    pub witness: [u8; 32],
    /// Verified formulas (search), sorted by index.
    pub found: Vec<Found>,
    /// Metrics records (dynamics), sorted by index.
    pub metrics: Vec<MetricsRecord>,
}

impl From<ChunkOutput> for UnitChunk {
    fn from(c: ChunkOutput) -> UnitChunk {
        UnitChunk {
            range: c.range,
            counters: c.counters,
            witness: c.witness,
            found: c.found,
            metrics: Vec::new(),
        }
    }
}

/// The metrics chunk `range` of a dynamics unit (`None` if cancelled before it was finished).
/// Its witness is SHA-256 over the range and every record: nothing short of computing the
/// metrics reproduces it.
pub fn dynamics_chunk(
    e: &Enumerator,
    config: &MetricsConfig,
    range: Range<u64>,
    cancel: &Cancel,
) -> Option<UnitChunk> {
    let (rows, _skipped) = survey::metrics_rows(e, config, range.clone(), cancel)?;
    let metrics: Vec<MetricsRecord> = rows
        .into_iter()
        .map(|r| MetricsRecord {
            index: r.index,
            metrics: r.metrics,
        })
        .collect();
    let counters = Counters {
        scan: ScanStats {
            enumerated: range.end - range.start,
            screened: metrics.len() as u64,
            ..ScanStats::default()
        },
        ..Counters::default()
    };
    let mut d = Sha256::new();
    d.update(b"apery-dynamics-block-1");
    d.update(range.start.to_le_bytes());
    d.update(range.end.to_le_bytes());
    for m in &metrics {
        d.update(postcard::to_stdvec(m).expect("serialisable"));
    }
    Some(UnitChunk {
        range,
        counters,
        witness: d.finalize().into(),
        found: Vec::new(),
        metrics,
    })
}

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    unit_id: String,
    space_hash: String,
    compat_version: u32,
    chunks: Vec<UnitChunk>,
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename,
/// fsync of the directory. Readers see the old file or the new one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{}: not a file name", path.display()))?;
    let mut tmp_name = name.to_owned();
    tmp_name.push(format!(".tmp.{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow!("writing {}: {e}", path.display())
    })
}

/// Decides when a running unit writes a checkpoint, and hears about progress.
pub trait Checkpointer {
    /// `done` of `total` indices of the unit are finished (called after every chunk).
    fn progress(&mut self, _done: u64, _total: u64) {}
    /// Whether to write a checkpoint now (asked after every chunk).
    fn due(&mut self) -> bool;
    /// A checkpoint was written (`ok`) or writing it failed; called after every true [`due`].
    ///
    /// [`due`]: Checkpointer::due
    fn written(&mut self, _ok: bool) {}
}

/// Checkpoints at most every `period` (zero: after every chunk).
#[derive(Debug)]
pub struct Periodic {
    period: Duration,
    last: Instant,
}

impl Periodic {
    /// Checkpoints every `period`.
    pub fn new(period: Duration) -> Periodic {
        Periodic {
            period,
            last: Instant::now(),
        }
    }
}

impl Checkpointer for Periodic {
    fn due(&mut self) -> bool {
        self.last.elapsed() >= self.period
    }
    fn written(&mut self, _ok: bool) {
        self.last = Instant::now();
    }
}

/// Options of [`run_unit`].
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The checkpoint file (none: no checkpoints, no resume).
    pub checkpoint: Option<PathBuf>,
    /// Stop (and checkpoint) when cancelled.
    pub cancel: Cancel,
    /// Testing aid: stop as if cancelled after this many chunks of this run.
    pub stop_after_chunks: Option<u64>,
}

/// How a run of a unit ended.
#[derive(Debug)]
pub enum Outcome {
    /// The unit is complete.
    Finished(Box<UnitResult>),
    /// Stopped early; the finished chunks are in the checkpoint (if one was configured).
    Interrupted {
        /// Indices finished.
        done: u64,
        /// Indices of the unit.
        total: u64,
    },
}

struct UnitSink<'a> {
    chunks: BTreeMap<u64, UnitChunk>,
    unit: &'a Unit,
    path: Option<&'a Path>,
    ckpt: &'a mut dyn Checkpointer,
    cancel: &'a Cancel,
    stop_after: Option<u64>,
    committed: u64,
    done: u64,
    log: &'a dyn Fn(&str),
}

impl UnitSink<'_> {
    fn write_checkpoint(&self) -> Result<()> {
        let Some(path) = self.path else {
            return Ok(());
        };
        let c = Checkpoint {
            unit_id: self.unit.unit_id.clone(),
            space_hash: self.unit.space_hash.clone(),
            compat_version: COMPAT_VERSION,
            chunks: self.chunks.values().cloned().collect(),
        };
        let mut v = frame(CKPT_MAGIC, &postcard::to_stdvec(&c).expect("serialisable"));
        let d: [u8; 32] = Sha256::digest(&v).into();
        v.extend_from_slice(&d);
        write_atomic(path, &v)
    }

    fn done_ranges(&self, range: Range<u64>) -> Vec<Range<u64>> {
        self.chunks
            .values()
            .filter(|c| c.range.end > range.start && c.range.start < range.end)
            .map(|c| c.range.clone())
            .collect()
    }

    fn commit_chunk(&mut self, chunk: UnitChunk) {
        if self.stop_after.is_some_and(|k| self.committed >= k) {
            return; // stopping: blocks still in flight are dropped (redone on resume)
        }
        self.done += chunk.range.end - chunk.range.start;
        self.chunks.insert(chunk.range.start, chunk);
        self.committed += 1;
        self.ckpt
            .progress(self.done, self.unit.end - self.unit.start);
        if self.stop_after.is_some_and(|k| self.committed >= k) {
            self.cancel.cancel();
        }
        if self.ckpt.due() {
            let r = self.write_checkpoint();
            if let Err(e) = &r {
                (self.log)(&format!("checkpoint not written: {e:#}"));
            }
            self.ckpt.written(r.is_ok());
        }
    }
}

impl Sink for UnitSink<'_> {
    fn done_within(&mut self, range: Range<u64>) -> Result<Vec<Range<u64>>> {
        Ok(self.done_ranges(range))
    }

    fn commit(&mut self, chunk: ChunkOutput) -> Result<()> {
        self.commit_chunk(chunk.into());
        Ok(())
    }
}

/// Loads the finished chunks of a checkpoint for `unit`, or explains why it is not used.
fn load_checkpoint(path: &Path, unit: &Unit) -> std::result::Result<Vec<UnitChunk>, String> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read it: {e}")),
    };
    if bytes.len() < 42 {
        return Err("too short".into());
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 32);
    let body =
        unframe(CKPT_MAGIC, payload, "checkpoint", "checkpoint").map_err(|e| e.to_string())?;
    if Sha256::digest(payload).as_slice() != sum {
        return Err("checksum mismatch (damaged)".into());
    }
    let c: Checkpoint = postcard::from_bytes(body).map_err(|e| format!("malformed: {e}"))?;
    if c.unit_id != unit.unit_id || c.space_hash != unit.space_hash {
        return Err(format!("it belongs to unit {}", c.unit_id));
    }
    if c.compat_version != COMPAT_VERSION {
        return Err(format!("compatibility version {}", c.compat_version));
    }
    if c.chunks
        .iter()
        .any(|ch| ch.range.start < unit.start || ch.range.end > unit.end)
    {
        return Err("a chunk lies outside the unit".into());
    }
    Ok(c.chunks)
}

/// Runs one unit with the current rayon pool. Resumes from `opts.checkpoint` when it holds an
/// intact checkpoint of this unit (and says so through `log`; a damaged or foreign one is ignored
/// with a message). On cancellation the finished chunks are checkpointed and
/// [`Outcome::Interrupted`] is returned; otherwise the complete result.
pub fn run_unit(
    unit: &Unit,
    opts: &RunOptions,
    ckpt: &mut dyn Checkpointer,
    log: &dyn Fn(&str),
) -> Result<Outcome> {
    let space = unit.validate()?;
    let mut chunks = BTreeMap::new();
    if let Some(p) = &opts.checkpoint {
        match load_checkpoint(p, unit) {
            Ok(loaded) if loaded.is_empty() => {}
            Ok(loaded) => {
                let done: u64 = loaded.iter().map(|c| c.range.end - c.range.start).sum();
                log(&format!(
                    "resuming unit {} from its checkpoint: {done} of {} indices done",
                    unit.unit_id,
                    unit.end - unit.start
                ));
                for c in loaded {
                    chunks.insert(c.range.start, c);
                }
            }
            Err(why) => log(&format!(
                "ignoring the checkpoint {}: {why}; starting from the beginning",
                p.display()
            )),
        }
    }
    let done0: u64 = chunks.values().map(|c| c.range.end - c.range.start).sum();
    let mut sink = UnitSink {
        chunks,
        unit,
        path: opts.checkpoint.as_deref(),
        ckpt,
        cancel: &opts.cancel,
        stop_after: opts.stop_after_chunks,
        committed: 0,
        done: done0,
        log,
    };
    let interrupted = match unit.work.metrics_config() {
        None => {
            let searcher = Searcher::new(&space)?.with_cancel(opts.cancel.clone());
            searcher
                .run_into(&mut sink, unit.range(), unit.block_size, &|_| {})?
                .interrupted
        }
        Some(config) => {
            let e = Enumerator::new(&space).map_err(anyhow::Error::msg)?;
            let done = sink.done_ranges(unit.range());
            let plan = plan_chunks(unit.range(), &done, unit.block_size);
            let cancel = opts.cancel.clone();
            run_chunks(
                plan,
                &cancel,
                |r| dynamics_chunk(&e, &config, r, &cancel),
                |c| {
                    sink.commit_chunk(c);
                    Ok(())
                },
            )?;
            false // an unfinished run shows in `sink.done`
        }
    };
    if interrupted || sink.done < unit.end - unit.start {
        sink.write_checkpoint()?;
        return Ok(Outcome::Interrupted {
            done: sink.done,
            total: unit.end - unit.start,
        });
    }
    let result = assemble(unit, sink.chunks.into_values())?;
    Ok(Outcome::Finished(Box::new(result)))
}

/// The result of `unit` from its finished chunks (in index order, covering the unit exactly).
pub fn assemble<C: Into<UnitChunk>>(
    unit: &Unit,
    chunks: impl IntoIterator<Item = C>,
) -> Result<UnitResult> {
    let mut counters = Counters::default();
    let mut w = Sha256::new();
    w.update(b"apery-witness-1");
    let mut conjectures = Vec::new();
    let mut metrics = Vec::new();
    let mut at = unit.start;
    for c in chunks {
        let c: UnitChunk = c.into();
        if c.range.start != at {
            bail!(
                "unit {}: chunks do not cover the unit (gap or overlap at {at})",
                unit.unit_id
            );
        }
        at = c.range.end;
        counters.add(&c.counters);
        w.update(c.witness);
        conjectures.extend(c.found);
        metrics.extend(c.metrics);
    }
    if at != unit.end {
        bail!(
            "unit {}: chunks end at {at}, not {}",
            unit.unit_id,
            unit.end
        );
    }
    Ok(UnitResult {
        unit: unit.clone(),
        counters,
        witness: w.finalize().into(),
        conjectures,
        metrics,
    })
}
