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
";

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
        {
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
        }
        tx.execute(
            "INSERT OR REPLACE INTO progress (space_hash, start, end, stats) VALUES (?1, ?2, ?3, ?4)",
            params![progress_key(space_hash, depth), range.start as i64, range.end as i64, rows.len().to_string()],
        )?;
        tx.commit()
    }

    /// All metrics rows of a space (by name; the most recent depth if several), in index order.
    pub fn metrics(&self, space: &str, cluster: Option<i64>) -> Result<Vec<MetricsRow>> {
        let mut st = self.conn.prepare(
            "SELECT idx, a, b, canonical_key, json, cluster, label FROM metrics WHERE space = ?1 \
             AND (?2 IS NULL OR cluster = ?2) ORDER BY depth, idx",
        )?;
        let rows = st.query_map(params![space, cluster], |r| {
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
        let mut st = self
            .conn
            .prepare("SELECT DISTINCT space FROM metrics ORDER BY space")?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect()
    }

    /// Writes the cluster assignment of a space's metrics rows (index → (cluster, label)).
    pub fn set_clusters(
        &mut self,
        space: &str,
        assignment: &[(u64, Option<i64>, Option<String>)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE metrics SET cluster = NULL, label = NULL WHERE space = ?1",
            [space],
        )?;
        {
            let mut st = tx.prepare_cached(
                "UPDATE metrics SET cluster = ?3, label = ?4 WHERE space = ?1 AND idx = ?2",
            )?;
            for (idx, c, l) in assignment {
                st.execute(params![space, *idx as i64, c, l])?;
            }
        }
        tx.commit()
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
