//! Operational tables of merged work units: the spaces seen, the units merged (with their result
//! digests) and conflicting digests for one unit. The mathematical tables (`conjectures`,
//! `variants`) never hold unit ids, so any split of a space gives the same rows.

use super::metrics::MetricsRow;
use super::{insert, Catalog, Conjecture, Result};
use rusqlite::{params, OptionalExtension};
use std::ops::Range;

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS spaces (
    space_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    n_total INTEGER NOT NULL,
    space_toml TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS units (
    unit_id TEXT PRIMARY KEY,
    space_hash TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    digest TEXT NOT NULL,
    compat_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS unit_conflicts (
    unit_id TEXT NOT NULL,
    digest_a TEXT NOT NULL,
    digest_b TEXT NOT NULL,
    PRIMARY KEY (unit_id, digest_a, digest_b)
);
";

/// A merged unit as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitRecord {
    /// Deterministic unit id.
    pub unit_id: String,
    /// The coverage track: the space hash for search units, the metrics progress key (space
    /// hash and depth) for dynamics units.
    pub space_hash: String,
    /// Name of the track: the space name (with the metrics depth for dynamics units).
    pub space_name: String,
    /// Size of the whole space.
    pub n_total: u64,
    /// The space file's text.
    pub space_toml: String,
    /// The unit's range.
    pub range: Range<u64>,
    /// Digest (hex) of the merged result.
    pub digest: String,
    /// Compatibility version of the result.
    pub compat_version: u32,
}

/// A space known to the unit tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpaceRecord {
    /// Space hash.
    pub space_hash: String,
    /// Space name.
    pub name: String,
    /// Size of the whole space.
    pub n_total: u64,
}

impl Catalog {
    /// The digest of the merged result of `unit_id`, if any.
    pub fn unit_digest(&self, unit_id: &str) -> Result<Option<String>> {
        if !self.has_table("units")? {
            return Ok(None);
        }
        self.conn
            .query_row(
                "SELECT digest FROM units WHERE unit_id = ?1",
                [unit_id],
                |r| r.get(0),
            )
            .optional()
    }

    /// Records that two different results (digests) came back for one unit.
    pub fn record_conflict(&mut self, unit_id: &str, d1: &str, d2: &str) -> Result<()> {
        let (a, b) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
        self.conn.execute(
            "INSERT OR IGNORE INTO unit_conflicts (unit_id, digest_a, digest_b) VALUES (?1, ?2, ?3)",
            params![unit_id, a, b],
        )?;
        Ok(())
    }

    /// Conflicting digests recorded: (unit id, digest, digest).
    pub fn unit_conflicts(&self) -> Result<Vec<(String, String, String)>> {
        if !self.has_table("unit_conflicts")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT unit_id, digest_a, digest_b FROM unit_conflicts ORDER BY unit_id, digest_a, digest_b",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect()
    }

    /// Stores a verified unit in one transaction: the space, the unit, its range as done (with
    /// `stats_json`) and its conjectures (merged by canonical key like a search's).
    pub fn commit_unit(
        &mut self,
        unit: &UnitRecord,
        stats_json: &str,
        found: &[(Conjecture, String)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        record_unit(&tx, unit, stats_json)?;
        for (c, simplicity) in found {
            insert(&tx, c, simplicity)?;
        }
        tx.commit()
    }

    /// Stores a verified dynamics unit in one transaction: the unit (whose `space_hash` is the
    /// metrics progress key of `space_hash` and `depth`), its range as done, and its metrics rows,
    /// written as `apery dynamics` writes them.
    pub fn commit_metrics_unit(
        &mut self,
        unit: &UnitRecord,
        space: &str,
        space_hash: &str,
        depth: usize,
        rows: &[MetricsRow],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        record_unit(&tx, unit, &rows.len().to_string())?;
        super::metrics::insert_metrics(&tx, space, space_hash, depth, rows)?;
        tx.commit()
    }

    /// The spaces of merged units, by name then hash.
    pub fn unit_spaces(&self) -> Result<Vec<SpaceRecord>> {
        if !self.has_table("spaces")? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn
            .prepare("SELECT space_hash, name, n_total FROM spaces ORDER BY name, space_hash")?;
        let rows = st.query_map([], |r| {
            Ok(SpaceRecord {
                space_hash: r.get(0)?,
                name: r.get(1)?,
                n_total: r.get::<_, i64>(2)? as u64,
            })
        })?;
        rows.collect()
    }

    /// Number of merged units.
    pub fn unit_count(&self) -> Result<u64> {
        if !self.has_table("units")? {
            return Ok(0);
        }
        self.conn
            .query_row("SELECT COUNT(*) FROM units", [], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
    }
}

/// Records a merged unit inside `tx`: its coverage track (`spaces`), the unit and its range as
/// done under the unit's `space_hash`.
fn record_unit(tx: &rusqlite::Transaction<'_>, unit: &UnitRecord, stats_json: &str) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO spaces (space_hash, name, n_total, space_toml) VALUES (?1, ?2, ?3, ?4)",
        params![unit.space_hash, unit.space_name, unit.n_total as i64, unit.space_toml],
    )?;
    tx.execute(
        "INSERT INTO units (unit_id, space_hash, start, end, digest, compat_version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            unit.unit_id,
            unit.space_hash,
            unit.range.start as i64,
            unit.range.end as i64,
            unit.digest,
            unit.compat_version as i64
        ],
    )?;
    if unit.range.start < unit.range.end {
        tx.execute(
            "INSERT OR REPLACE INTO progress (space_hash, start, end, stats) VALUES (?1, ?2, ?3, ?4)",
            params![
                unit.space_hash,
                unit.range.start as i64,
                unit.range.end as i64,
                stats_json
            ],
        )?;
    }
    Ok(())
}
