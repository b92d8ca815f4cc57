//! The `metrics` table: per-PCF convergence-dynamics metrics of a search space (see
//! [`crate::dynamics`]), with the cluster each PCF was put in and the cluster's label.
//!
//! Rows are keyed by (space hash, depth, index). The plane coordinates are real columns so that
//! SQL can filter them; the whole [`PcfMetrics`] is kept as JSON.

use super::{Catalog, Result};
use crate::dynamics::metrics::PcfMetrics;
use rusqlite::params;
use std::ops::Range;

pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS metrics (
    space_hash TEXT NOT NULL,
    depth INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    space TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    canonical_key TEXT NOT NULL,
    limit_value TEXT,
    fr_delta REAL,
    naive_delta REAL,
    predicted_delta REAL,
    gamma_prime REAL,
    eta_prime REAL,
    beta REAL,
    gamma REAL,
    eta REAL,
    json TEXT NOT NULL,
    cluster INTEGER,
    label TEXT,
    PRIMARY KEY (space_hash, depth, idx)
);
CREATE INDEX IF NOT EXISTS metrics_by_cluster ON metrics(cluster);
CREATE INDEX IF NOT EXISTS metrics_by_key ON metrics(canonical_key);
CREATE INDEX IF NOT EXISTS metrics_by_space ON metrics(space, idx);
CREATE TABLE IF NOT EXISTS clusters (
    space TEXT NOT NULL,
    cluster INTEGER NOT NULL,
    plane INTEGER NOT NULL,
    size INTEGER NOT NULL,
    label TEXT NOT NULL,
    labelled INTEGER NOT NULL,
    PRIMARY KEY (space, cluster)
);
";

/// One final cluster of a space as stored by `apery cluster`: what `apery cluster` prints and
/// what `apery plot clusters` draws (both read it from here, so they cannot disagree).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StoredCluster {
    /// Cluster id (the `cluster` column of its members' metrics rows).
    pub id: i64,
    /// Index of the plane (in the recipe's order) in which the cluster was found.
    pub plane: usize,
    /// Number of members.
    pub size: usize,
    /// The cluster's label: a constant (`pi`), `x (pslq)`, `mixed: …` or `unknown…`.
    pub label: String,
    /// Whether the label names constants (anchored, identified by PSLQ, or mixed) rather than
    /// `unknown`.
    pub labelled: bool,
}

/// One metrics row.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MetricsRow {
    /// Index in the space's enumeration.
    pub index: u64,
    /// `a(n)` (SymPy-readable).
    pub a: String,
    /// `b(n)`.
    pub b: String,
    /// `pcf:` canonical key (joins with `conjectures`).
    pub canonical_key: String,
    /// The metrics.
    pub metrics: PcfMetrics,
    /// Cluster id after `apery cluster`.
    pub cluster: Option<i64>,
    /// Cluster label after `apery cluster`.
    pub label: Option<String>,
}

/// The progress key of a metrics run: ranges are tracked per space and depth.
pub fn progress_key(space_hash: &str, depth: usize) -> String {
    format!("metrics:{depth}:{space_hash}")
}

impl Catalog {
    /// Stores the metrics of one finished index range and marks it done, atomically.
    pub fn commit_metrics(
        &mut self,
        space: &str,
        space_hash: &str,
        depth: usize,
        range: Range<u64>,
        rows: &[MetricsRow],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert_metrics(&tx, space, space_hash, depth, rows)?;
        tx.execute(
            "INSERT OR REPLACE INTO progress (space_hash, start, end, stats) VALUES (?1, ?2, ?3, ?4)",
            params![progress_key(space_hash, depth), range.start as i64, range.end as i64, rows.len().to_string()],
        )?;
        tx.commit()
    }

    /// The depth of a space's metrics rows: the largest one if the space was surveyed at several.
    fn metrics_depth(&self, space: &str) -> Result<Option<i64>> {
        if !self.has_table("metrics")? {
            return Ok(None);
        }
        self.conn.query_row(
            "SELECT MAX(depth) FROM metrics WHERE space = ?1",
            [space],
            |r| r.get(0),
        )
    }

    /// All metrics rows of a space (by name; the largest depth if several), in index order;
    /// only the members of `cluster` if given.
    pub fn metrics(&self, space: &str, cluster: Option<i64>) -> Result<Vec<MetricsRow>> {
        let Some(depth) = self.metrics_depth(space)? else {
            return Ok(Vec::new());
        };
        let mut st = self.conn.prepare(
            "SELECT idx, a, b, canonical_key, json, cluster, label FROM metrics WHERE space = ?1 \
             AND depth = ?2 AND (?3 IS NULL OR cluster = ?3) ORDER BY idx",
        )?;
        let rows = st.query_map(params![space, depth, cluster], |r| {
            let json: String = r.get(4)?;
            Ok(MetricsRow {
                index: r.get::<_, i64>(0)? as u64,
                a: r.get(1)?,
                b: r.get(2)?,
                canonical_key: r.get(3)?,
                metrics: serde_json::from_str(&json).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        4,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
                cluster: r.get(5)?,
                label: r.get(6)?,
            })
        })?;
        rows.collect()
    }

    /// Names of the spaces that have metrics.
    pub fn metric_spaces(&self) -> Result<Vec<String>> {
        if !self.has_table("metrics")? {
            return Ok(Vec::new());
        }
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT space FROM metrics ORDER BY space")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Writes the clustering of a space atomically: the assignment of its metrics rows (index →
    /// (cluster, member label), at the depth [`Catalog::metrics`] reads) and the clusters
    /// themselves, replacing any earlier clustering of the space.
    pub fn set_clusters(
        &mut self,
        space: &str,
        assignment: &[(u64, Option<i64>, Option<String>)],
        clusters: &[StoredCluster],
    ) -> Result<()> {
        let depth = self.metrics_depth(space)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE metrics SET cluster = NULL, label = NULL WHERE space = ?1",
            [space],
        )?;
        tx.execute("DELETE FROM clusters WHERE space = ?1", [space])?;
        {
            let mut st = tx.prepare_cached(
                "UPDATE metrics SET cluster = ?4, label = ?5 WHERE space = ?1 AND depth = ?2 AND idx = ?3",
            )?;
            for (idx, c, l) in assignment {
                st.execute(params![space, depth, *idx as i64, c, l])?;
            }
            let mut st = tx.prepare_cached(
                "INSERT INTO clusters (space, cluster, plane, size, label, labelled) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for c in clusters {
                st.execute(params![
                    space,
                    c.id,
                    c.plane as i64,
                    c.size as i64,
                    c.label,
                    c.labelled
                ])?;
            }
        }
        tx.commit()
    }

    /// The stored clusters of a space (see [`Catalog::set_clusters`]), by id; empty if the space
    /// was never clustered (or was clustered by a version that did not store them).
    pub fn clusters(&self, space: &str) -> Result<Vec<StoredCluster>> {
        if !self.has_table("clusters")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT cluster, plane, size, label, labelled FROM clusters WHERE space = ?1 ORDER BY cluster",
        )?;
        let rows = st.query_map([space], |r| {
            Ok(StoredCluster {
                id: r.get(0)?,
                plane: r.get::<_, i64>(1)? as usize,
                size: r.get::<_, i64>(2)? as usize,
                label: r.get(3)?,
                labelled: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// Constants of the catalogued conjecture with this canonical key, if any (anchors for clustering).
    pub fn constants_of_key(&self, canonical_key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row(
                "SELECT constants FROM conjectures WHERE canonical_key = ?1",
                [canonical_key],
                |r| r.get(0),
            )
            .optional()
    }
}

/// Inserts (or replaces) metrics rows of a space at a depth, inside the caller's transaction.
pub(super) fn insert_metrics(
    tx: &rusqlite::Transaction<'_>,
    space: &str,
    space_hash: &str,
    depth: usize,
    rows: &[MetricsRow],
) -> Result<()> {
    let mut st = tx.prepare_cached(
                "INSERT OR REPLACE INTO metrics (space_hash, depth, idx, space, a, b, canonical_key, limit_value, \
                 fr_delta, naive_delta, predicted_delta, gamma_prime, eta_prime, beta, gamma, eta, json) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?;
    for r in rows {
        let m = &r.metrics;
        st.execute(params![
            space_hash,
            depth as i64,
            r.index as i64,
            space,
            r.a,
            r.b,
            r.canonical_key,
            m.limit_digits,
            m.fr_delta,
            m.naive_delta,
            m.predicted_delta,
            m.gamma_prime,
            m.eta_prime,
            m.beta,
            m.gamma,
            m.eta,
            serde_json::to_string(m).expect("serialisable"),
        ])?;
    }
    Ok(())
}
