//! Where each conjecture was found: one row per (canonical key, finder) in the `sources` table.
//!
//! A conjecture (one row per canonical key in `conjectures`) may be found by a PCF search (kind
//! `search`: the space and the PCF enumerated) and by trajectories of conservative matrix fields
//! (kind `cmf`: the space, the field, the trajectory, the start point and the trajectory's own
//! deflated PCF). A formula found both ways stays one conjecture with several sources; `query
//! --kind cmf` selects the conjectures with at least one `cmf` source.

use super::{store, Catalog, Conjecture, Result};
use rug::Rational;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The `sources` table (created with the catalog).
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS sources (
    canonical_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    space TEXT NOT NULL,
    space_hash TEXT NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    trajectory TEXT NOT NULL DEFAULT '',
    start TEXT NOT NULL DEFAULT '',
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    walk_delta REAL,
    PRIMARY KEY (canonical_key, kind, space_hash, field, trajectory, start, a, b)
);
CREATE INDEX IF NOT EXISTS sources_by_kind ON sources(kind, canonical_key);
";

/// A CMF trajectory that gives a conjecture's formula.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CmfSource {
    /// The CMF search space's name.
    pub space: String,
    /// The field's name.
    pub field: String,
    /// The trajectory, one integer per axis.
    pub trajectory: Vec<i64>,
    /// The start point, one integer or fraction per axis (exact; stored as text `1/2,1`, in JSON as
    /// numbers for integers and `"p/q"` strings for fractions).
    #[serde(with = "exact_start")]
    pub start: Vec<Rational>,
    /// The trajectory's deflated PCF `a(n)` (an equivalent of the conjecture's representative).
    pub a: String,
    /// The trajectory's deflated PCF `b(n)`.
    pub b: String,
    /// δ of the walk along the trajectory (rounded to 6 decimals), if it was measured.
    pub walk_delta: Option<f64>,
}

impl CmfSource {
    /// `field (t₁,t₂) from (s₁,s₂)`.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}) from ({})",
            self.field,
            join(&self.trajectory),
            join_exact(&self.start)
        )
    }
}

/// JSON of an exact start point: integers as numbers, fractions as `"p/q"` strings.
mod exact_start {
    use rug::{Integer, Rational};
    use serde::{de::Error, Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Coordinate {
        Int(i64),
        Text(String),
    }

    pub fn serialize<S: Serializer>(v: &[Rational], s: S) -> Result<S::Ok, S::Error> {
        v.iter()
            .map(
                |r| match (*r.denom() == 1).then(|| r.numer().to_i64()).flatten() {
                    Some(i) => Coordinate::Int(i),
                    None => Coordinate::Text(r.to_string()),
                },
            )
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Rational>, D::Error> {
        Vec::<Coordinate>::deserialize(d)?
            .into_iter()
            .map(|c| match c {
                Coordinate::Int(i) => Ok(Rational::from(Integer::from(i))),
                Coordinate::Text(t) => crate::cmf::spec::parse_rational(&t)
                    .ok_or_else(|| D::Error::custom(format!("start coordinate '{t}' is not p/q"))),
            })
            .collect()
    }
}

fn join(v: &[i64]) -> String {
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn split(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

fn join_exact(v: &[Rational]) -> String {
    v.iter()
        .map(Rational::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn split_exact(s: &str) -> Vec<Rational> {
    s.split(',')
        .filter_map(crate::cmf::spec::parse_rational)
        .collect()
}

/// Records that the search space `c.space` found the PCF `(c.a, c.b)` of `c.canonical_key` (the
/// hook of every insert of a `pcf` conjecture from a search or a work unit; ESMA rows and rows
/// without a space are not recorded).
pub(super) fn record_search(tx: &rusqlite::Transaction<'_>, c: &Conjecture) -> Result<()> {
    if c.kind != "pcf" || c.space.is_empty() {
        return Ok(());
    }
    tx.execute(
        "INSERT OR IGNORE INTO sources (canonical_key, kind, space, space_hash, a, b) \
         VALUES (?1, 'search', ?2, ?3, ?4, ?5)",
        params![c.canonical_key, c.space, c.space_hash, c.a, c.b],
    )?;
    Ok(())
}

fn record_cmf(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    space_hash: &str,
    s: &CmfSource,
) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO sources (canonical_key, kind, space, space_hash, field, trajectory, start, a, b, walk_delta) \
         VALUES (?1, 'cmf', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            key,
            s.space,
            space_hash,
            s.field,
            join(&s.trajectory),
            join_exact(&s.start),
            s.a,
            s.b,
            s.walk_delta
        ],
    )?;
    Ok(())
}

impl Catalog {
    /// Stores the formulas of one completed index range of a CMF search space and marks the range
    /// done, atomically. Each formula is inserted like a search's (merged by canonical key: a PCF
    /// already in the catalog gains a variant, never a second row) and its CMF source is recorded.
    /// Returns, for each formula in order, whether its canonical key was new to the catalog.
    pub fn commit_cmf_range(
        &mut self,
        space_hash: &str,
        range: Range<u64>,
        stats_json: &str,
        found: &[(Conjecture, String, CmfSource)],
    ) -> Result<Vec<bool>> {
        let tx = self.conn.transaction()?;
        let mut new = Vec::with_capacity(found.len());
        for (c, simplicity, source) in found {
            let existed: bool = tx.query_row(
                "SELECT COUNT(*) > 0 FROM conjectures WHERE canonical_key = ?1",
                [&c.canonical_key],
                |r| r.get(0),
            )?;
            new.push(!existed);
            store(&tx, c, simplicity)?;
            record_cmf(&tx, &c.canonical_key, space_hash, source)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO progress (space_hash, start, end, stats) VALUES (?1, ?2, ?3, ?4)",
            params![space_hash, range.start as i64, range.end as i64, stats_json],
        )?;
        tx.commit()?;
        Ok(new)
    }

    /// The CMF sources of a canonical key, ordered by space, field, trajectory and start (empty for a
    /// catalog without the `sources` table).
    pub fn cmf_sources(&self, canonical_key: &str) -> Result<Vec<CmfSource>> {
        if !self.has_table("sources")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT space, field, trajectory, start, a, b, walk_delta FROM sources \
             WHERE canonical_key = ?1 AND kind = 'cmf' ORDER BY space, field, trajectory, start, a, b",
        )?;
        let rows = st.query_map([canonical_key], |r| {
            Ok(CmfSource {
                space: r.get(0)?,
                field: r.get(1)?,
                trajectory: split(&r.get::<_, String>(2)?),
                start: split_exact(&r.get::<_, String>(3)?),
                a: r.get(4)?,
                b: r.get(5)?,
                walk_delta: r.get(6)?,
            })
        })?;
        let mut out: Vec<CmfSource> = rows.collect::<Result<_>>()?;
        // numeric order of the coordinates (the text order puts "-1" before "-2")
        out.sort_by(|x, y| {
            (&x.space, &x.field, &x.trajectory, &x.start).cmp(&(
                &y.space,
                &y.field,
                &y.trajectory,
                &y.start,
            ))
        });
        Ok(out)
    }

    /// The kinds of finder (`search`, `cmf`) recorded for a canonical key, sorted.
    pub fn source_kinds(&self, canonical_key: &str) -> Result<Vec<String>> {
        if !self.has_table("sources")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT kind FROM sources WHERE canonical_key = ?1 ORDER BY kind",
        )?;
        let rows = st.query_map([canonical_key], |r| r.get(0))?;
        rows.collect()
    }

    /// The canonical keys with a source of the given kind, sorted.
    pub fn keys_with_source(&self, kind: &str) -> Result<Vec<String>> {
        if !self.has_table("sources")? {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare(
            "SELECT DISTINCT canonical_key FROM sources WHERE kind = ?1 ORDER BY canonical_key",
        )?;
        let rows = st.query_map([kind], |r| r.get(0))?;
        rows.collect()
    }
}
