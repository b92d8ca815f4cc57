//! Deterministic work units: a search split into self-contained index ranges that run anywhere
//! (a workstation, a Slurm array task, a BOINC volunteer) and merge back into the catalog with the
//! same result as one local search.
//!
//! * A [`Unit`] is a half-open range `[start, end)` of one space's enumeration, together with the
//!   space itself (its file text and canonical form), the space hash, the size of the space, the
//!   block size (checkpoint and witness granularity) and the [`COMPAT_VERSION`]. Unit files are
//!   postcard behind the magic `APRYUNIT` and a format version.
//! * [`run_unit`] runs one unit on all cores through the ordinary search driver
//!   ([`crate::search::Searcher::run_into`]). Each chunk's output depends only on the space and
//!   the chunk's range, so the [`UnitResult`] (verified formulas sorted by index, stage counters,
//!   a work witness and a digest; magic `APRYRSLT`) is byte-identical for any thread count, host
//!   and interruption history. Checkpoints (magic `APRYCKPT`, with a checksum) hold the finished
//!   chunks and are written atomically.
//! * [`merge`] trusts nothing that comes back: it recomputes every formula from (space, index)
//!   before it enters the catalog.

pub mod merge;

use crate::cancel::Cancel;
use crate::search::{chunk_size, ChunkOutput, Counters, Found, MemorySink, Searcher, Sink};
use crate::space::SearchSpace;
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The result-compatibility version: bumped whenever a change could alter the outcome for any
/// index (enumeration order, filters, thresholds, budgets, the result format). Workers refuse units
/// of another version and merge refuses results of another version.
pub const COMPAT_VERSION: u32 = 1;

/// Version of the unit, result and checkpoint file framing.
pub const FORMAT_VERSION: u16 = 1;

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

/// One work unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// Deterministic id: `ap-<first 16 hex digits of the space hash>-<start>-<end>`.
    pub unit_id: String,
    /// The [`COMPAT_VERSION`] of the splitter.
    pub compat_version: u32,
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

/// The deterministic id of the unit `[start, end)` of the space with hash `space_hash`.
pub fn unit_id(space_hash: &str, start: u64, end: u64) -> String {
    format!(
        "ap-{}-{start}-{end}",
        &space_hash[..16.min(space_hash.len())]
    )
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

    /// Checks the version, the space, the range and the id; returns the space.
    pub fn validate(&self) -> Result<SearchSpace> {
        if self.compat_version != COMPAT_VERSION {
            return Err(CompatError {
                found: self.compat_version,
                expected: COMPAT_VERSION,
            }
            .into());
        }
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
        if self.unit_id != unit_id(&self.space_hash, self.start, self.end) {
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
    /// A split of the space file text `toml` (read from `path`) into `n_units` contiguous units of
    /// (nearly) equal size, with chunks of `block_size` indices (default: the search's chunk size).
    pub fn new(toml: &str, path: &Path, n_units: u64, block_size: Option<u64>) -> Result<Split> {
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
        let block_size = block_size.unwrap_or_else(|| chunk_size(&space));
        if block_size == 0 {
            bail!("block size 0");
        }
        Ok(Split {
            template: Unit {
                unit_id: String::new(),
                compat_version: COMPAT_VERSION,
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
            unit_id: unit_id(&self.template.space_hash, r.start, r.end),
            start: r.start,
            end: r.end,
            ..self.template.clone()
        }
    }
}

/// Candidates per second of `space` on this machine with the current thread pool, measured on its
/// first indices for about `budget` (at least one chunk of `block_size`).
pub fn measure_rate(space: &SearchSpace, block_size: u64, budget: Duration) -> Result<f64> {
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
    /// Stage counters summed over the unit.
    pub counters: Counters,
    /// SHA-256 over the chunk witnesses in index order.
    pub witness: [u8; 32],
    /// The verified formulas, sorted by index.
    pub conjectures: Vec<Found>,
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

#[derive(Serialize, Deserialize)]
struct Checkpoint {
    unit_id: String,
    space_hash: String,
    compat_version: u32,
    chunks: Vec<ChunkOutput>,
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
    mem: MemorySink,
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
            chunks: self.mem.chunks.values().cloned().collect(),
        };
        let mut v = frame(CKPT_MAGIC, &postcard::to_stdvec(&c).expect("serialisable"));
        let d: [u8; 32] = Sha256::digest(&v).into();
        v.extend_from_slice(&d);
        write_atomic(path, &v)
    }
}

impl Sink for UnitSink<'_> {
    fn done_within(&mut self, range: Range<u64>) -> Result<Vec<Range<u64>>> {
        self.mem.done_within(range)
    }

    fn commit(&mut self, chunk: ChunkOutput) -> Result<()> {
        if self.stop_after.is_some_and(|k| self.committed >= k) {
            return Ok(()); // stopping: blocks still in flight are dropped (redone on resume)
        }
        self.done += chunk.range.end - chunk.range.start;
        self.mem.commit(chunk)?;
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
        Ok(())
    }
}

/// Loads the finished chunks of a checkpoint for `unit`, or explains why it is not used.
fn load_checkpoint(path: &Path, unit: &Unit) -> std::result::Result<Vec<ChunkOutput>, String> {
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
    let searcher = Searcher::new(&space)?.with_cancel(opts.cancel.clone());
    let mut mem = MemorySink::default();
    if let Some(p) = &opts.checkpoint {
        match load_checkpoint(p, unit) {
            Ok(chunks) if chunks.is_empty() => {}
            Ok(chunks) => {
                let done: u64 = chunks.iter().map(|c| c.range.end - c.range.start).sum();
                log(&format!(
                    "resuming unit {} from its checkpoint: {done} of {} indices done",
                    unit.unit_id,
                    unit.end - unit.start
                ));
                for c in chunks {
                    mem.commit(c)?;
                }
            }
            Err(why) => log(&format!(
                "ignoring the checkpoint {}: {why}; starting from the beginning",
                p.display()
            )),
        }
    }
    let done0: u64 = mem
        .chunks
        .values()
        .map(|c| c.range.end - c.range.start)
        .sum();
    let mut sink = UnitSink {
        mem,
        unit,
        path: opts.checkpoint.as_deref(),
        ckpt,
        cancel: &opts.cancel,
        stop_after: opts.stop_after_chunks,
        committed: 0,
        done: done0,
        log,
    };
    let summary = searcher.run_into(&mut sink, unit.range(), unit.block_size, &|_| {})?;
    if summary.interrupted || sink.done < unit.end - unit.start {
        sink.write_checkpoint()?;
        return Ok(Outcome::Interrupted {
            done: sink.done,
            total: unit.end - unit.start,
        });
    }
    let result = assemble(unit, sink.mem.chunks.into_values())?;
    Ok(Outcome::Finished(Box::new(result)))
}

/// The result of `unit` from its finished chunks (in index order, covering the unit exactly).
pub fn assemble(unit: &Unit, chunks: impl IntoIterator<Item = ChunkOutput>) -> Result<UnitResult> {
    let mut counters = Counters::default();
    let mut w = Sha256::new();
    w.update(b"apery-witness-1");
    let mut conjectures = Vec::new();
    let mut at = unit.start;
    for c in chunks {
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
    })
}
