//! Catalog entries of kind `cmf-family`: a conservative matrix field containing a conjecture's PCF,
//! the PCF's place in it (one line or trajectory) and the PCFs of neighbouring lines and
//! trajectories with their verified limits. Each row is linked to its conjecture by the
//! conjecture's canonical key; one row per (conjecture, route, field). The table is created on the
//! first write, so catalogs that never had a family are unchanged.

use super::{Catalog, Result};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The table of families.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS families (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT 'cmf-family',
    conjecture_key TEXT NOT NULL,
    route TEXT NOT NULL,
    field_name TEXT NOT NULL,
    field TEXT NOT NULL,
    original TEXT NOT NULL,
    members TEXT NOT NULL,
    UNIQUE (conjecture_key, route, field_name)
);
";

/// One stored family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FamilyRow {
    /// Always `cmf-family`.
    pub kind: String,
    /// Canonical key of the conjecture generalised.
    pub conjecture_key: String,
    /// `ffbar` (f, f̄ construction) or `trajectory` (a bundled field).
    pub route: String,
    /// The field's name (bundled name, or `ffbar`).
    pub field_name: String,
    /// The field: a field file (TOML) for the f, f̄ route, the bundled name otherwise.
    pub field: String,
    /// The original PCF as a line of the field (JSON: role, trajectory, start, a, b, limit, …).
    pub original: serde_json::Value,
    /// The neighbouring lines and trajectories (JSON array of the same shape).
    pub members: serde_json::Value,
}

/// What `generalize` needs of a stored conjecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConjectureRef {
    /// `pcf` or `esma`.
    pub kind: String,
    /// Canonical key.
    pub canonical_key: String,
    /// `a(n)`.
    pub a: String,
    /// `b(n)`.
    pub b: String,
    /// The constants of its relation.
    pub constants: Vec<String>,
}

impl Catalog {
    /// Stores a family (replacing the row of the same conjecture, route and field).
    pub fn insert_family(&mut self, f: &FamilyRow) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute_batch(SCHEMA)?;
        tx.execute(
            "INSERT OR REPLACE INTO families (kind, conjecture_key, route, field_name, field, original, members) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                f.kind,
                f.conjecture_key,
                f.route,
                f.field_name,
                f.field,
                f.original.to_string(),
                f.members.to_string()
            ],
        )?;
        tx.commit()
    }

    /// The families stored, of one conjecture (canonical key) or all, in insertion order.
    pub fn families(&self, conjecture_key: Option<&str>) -> Result<Vec<FamilyRow>> {
        if !self.has_table("families")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT kind, conjecture_key, route, field_name, field, original, members FROM families \
             WHERE ?1 IS NULL OR conjecture_key = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([conjecture_key], |r| {
            let original: String = r.get(5)?;
            let members: String = r.get(6)?;
            Ok(FamilyRow {
                kind: r.get(0)?,
                conjecture_key: r.get(1)?,
                route: r.get(2)?,
                field_name: r.get(3)?,
                field: r.get(4)?,
                original: serde_json::from_str(&original).unwrap_or(serde_json::Value::Null),
                members: serde_json::from_str(&members).unwrap_or(serde_json::Value::Null),
            })
        })?;
        rows.collect()
    }

    /// The conjecture with row number `id` (the `id` column), or else with canonical key `id`.
    pub fn conjecture_ref(&self, id: &str) -> Result<Option<ConjectureRef>> {
        let sql = "SELECT kind, canonical_key, a, b, constants FROM conjectures WHERE ";
        let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<ConjectureRef> {
            let constants: String = r.get(4)?;
            Ok(ConjectureRef {
                kind: r.get(0)?,
                canonical_key: r.get(1)?,
                a: r.get(2)?,
                b: r.get(3)?,
                constants: constants.split(',').map(str::to_string).collect(),
            })
        };
        if let Ok(n) = id.trim().parse::<i64>() {
            let found = self
                .conn
                .query_row(&format!("{sql}id = ?1"), [n], row)
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
        self.conn
            .query_row(&format!("{sql}canonical_key = ?1"), [id.trim()], row)
            .optional()
    }
}
