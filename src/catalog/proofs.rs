//! Proof status of the catalog's conjectures (`apery prove`): per canonical key, either `proved`
//! with the certificate's path, kind, anchors and proof family, or `conjecture`.
//!
//! The table is created by the first write, so catalogs without proofs are unchanged; readers treat
//! a missing table as "no status recorded".

use super::{Catalog, Result};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// The `proofs` table.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS proofs (
    canonical_key TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    kind TEXT,
    certificate TEXT,
    family TEXT,
    anchors TEXT
);
";

/// The recorded proof status of one conjecture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofStatus {
    /// Canonical key of the conjecture.
    pub canonical_key: String,
    /// `proved` or `conjecture`.
    pub status: String,
    /// Certificate kind (`equivalence`, `euler`, `membership`) when proved.
    pub kind: Option<String>,
    /// Path of the certificate file when proved.
    pub certificate: Option<String>,
    /// The proven equivalence class: the PCF at the root of the certificate's chain of
    /// equivalences, with how it is proved (e.g. `a(n) = 2n + 1, b(n) = n^2 [anchor euler-arctan]`).
    pub family: Option<String>,
    /// The anchors the proof rests on, comma-separated.
    pub anchors: Option<String>,
}

impl ProofStatus {
    /// Whether the conjecture is proved.
    pub fn is_proved(&self) -> bool {
        self.status == "proved"
    }

    /// The short form shown in exports: `proved (kind) path` or `conjecture`.
    pub fn summary(&self) -> String {
        if self.is_proved() {
            format!(
                "proved ({}) {}",
                self.kind.as_deref().unwrap_or("?"),
                self.certificate.as_deref().unwrap_or("")
            )
            .trim_end()
            .to_string()
        } else {
            self.status.clone()
        }
    }
}

impl Catalog {
    /// Records (replaces) the proof status of a conjecture.
    pub fn record_proof(&mut self, s: &ProofStatus) -> Result<()> {
        self.conn.execute_batch(SCHEMA)?;
        self.conn.execute(
            "INSERT OR REPLACE INTO proofs (canonical_key, status, kind, certificate, family, anchors) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.canonical_key, s.status, s.kind, s.certificate, s.family, s.anchors],
        )?;
        Ok(())
    }

    /// Records (replaces) the proof statuses of many conjectures in one transaction.
    pub fn record_proofs(&mut self, all: &[ProofStatus]) -> Result<()> {
        self.conn.execute_batch(SCHEMA)?;
        let tx = self.conn.transaction()?;
        for s in all {
            tx.execute(
                "INSERT OR REPLACE INTO proofs (canonical_key, status, kind, certificate, family, anchors) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![s.canonical_key, s.status, s.kind, s.certificate, s.family, s.anchors],
            )?;
        }
        tx.commit()
    }

    /// All recorded proof statuses, ordered by canonical key (empty when none was ever recorded).
    pub fn proof_statuses(&self) -> Result<Vec<ProofStatus>> {
        if !self.has_table("proofs")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT canonical_key, status, kind, certificate, family, anchors FROM proofs \
             ORDER BY canonical_key",
        )?;
        let rows = st.query_map([], |r| {
            Ok(ProofStatus {
                canonical_key: r.get(0)?,
                status: r.get(1)?,
                kind: r.get(2)?,
                certificate: r.get(3)?,
                family: r.get(4)?,
                anchors: r.get(5)?,
            })
        })?;
        rows.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_replace() {
        let mut c = Catalog::in_memory().unwrap();
        assert!(c.proof_statuses().unwrap().is_empty());
        let mut s = ProofStatus {
            canonical_key: "pcf:k".into(),
            status: "conjecture".into(),
            kind: None,
            certificate: None,
            family: None,
            anchors: None,
        };
        c.record_proof(&s).unwrap();
        s.status = "proved".into();
        s.kind = Some("euler".into());
        s.certificate = Some("proofs/x.json".into());
        c.record_proof(&s).unwrap();
        let all = c.proof_statuses().unwrap();
        assert_eq!(all, vec![s.clone()]);
        assert_eq!(all[0].summary(), "proved (euler) proofs/x.json");
    }
}
