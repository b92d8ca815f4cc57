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

use super::{UnitResult, COMPAT_VERSION};
use crate::catalog::units::UnitRecord;
use crate::catalog::Catalog;
use crate::search::Searcher;
use crate::space::SearchSpace;
use anyhow::Result;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;

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

/// Merges result files into `catalog` (see the module documentation); one outcome per file, in
/// the order given.
pub fn merge_files(catalog: &mut Catalog, files: &[PathBuf]) -> Result<Vec<FileOutcome>> {
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
        let status = merge_one(catalog, &d, &spaces[&hash], &mut searchers)?;
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
    let u = &d.result.unit;
    if let Some(existing) = catalog.unit_digest(&u.unit_id)? {
        if existing == d.digest {
            return Ok(MergeStatus::AlreadyMerged);
        }
        catalog.record_conflict(&u.unit_id, &existing, &d.digest)?;
        return Ok(MergeStatus::Conflict {
            existing,
            new: d.digest.clone(),
        });
    }
    let mut rows = Vec::new();
    if !d.result.conjectures.is_empty() {
        if !searchers.contains_key(space.hash.as_str()) {
            searchers.insert(space.hash.as_str(), Searcher::new(space)?);
        }
        let searcher = &searchers[space.hash.as_str()];
        for f in &d.result.conjectures {
            match searcher.recompute(f.index) {
                Some(g) if g == *f => rows.push(g.conjecture(&space.name, &space.hash)),
                Some(g) => {
                    return Ok(MergeStatus::Rejected(format!(
                        "index {}: reported ({}, {}) {} but the space gives ({}, {}) {}",
                        f.index, f.a, f.b, f.relation, g.a, g.b, g.relation
                    )))
                }
                None => {
                    return Ok(MergeStatus::Rejected(format!(
                        "index {}: the reported formula ({}, {}) {} does not verify",
                        f.index, f.a, f.b, f.relation
                    )))
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

/// Whether `range` of the space `space_hash` is fully done in `catalog`.
pub fn is_covered(catalog: &Catalog, space_hash: &str, range: Range<u64>) -> Result<bool> {
    if range.start >= range.end {
        return Ok(catalog
            .unit_digest(&super::unit_id(space_hash, range.start, range.end))?
            .is_some());
    }
    let done = catalog.done_ranges_within(space_hash, range.clone())?;
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
