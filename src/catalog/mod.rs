//! The conjecture catalog: an SQLite database (WAL mode, one transaction per work chunk).
//!
//! One row per formula *up to equivalence*: the canonical key (see [`crate::pcf::canonical`]) is
//! unique, the row holds the simplest representative found so far and `variants` counts the
//! distinct equivalent PCFs seen (listed in the `variants` table). The `progress` table records the
//! index ranges of each search space (by content hash) that are complete, which is what makes a
//! search resumable: a range is marked done in the same transaction that stores its conjectures.

pub mod export;
pub mod families;
pub mod metrics;
pub mod proofs;
pub mod sources;
pub mod units;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::Path;

/// One conjecture as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conjecture {
    /// `pcf` or `esma`.
    pub kind: String,
    /// Canonical key (unique per formula up to equivalence).
    pub canonical_key: String,
    /// `a(n)` (PCF) or the left-hand side (ESMA), as a SymPy-readable string.
    pub a: String,
    /// `b(n)` (PCF) or the sign period (ESMA).
    pub b: String,
    /// Names of the constants the limit is expressed in.
    pub constants: Vec<String>,
    /// The relation solved for the limit, e.g. `x = 6/zeta3`.
    pub relation: String,
    /// Leading digits of the limit.
    pub limit: String,
    /// Significant digits to which the limit and the relation agree, all certain unless
    /// [`Conjecture::digits_estimated`]: `min(relative agreement, P + ⌊log₁₀|x|⌋)` for a limit
    /// known to `P` decimal places ([`crate::verify::verify_limit`]; ESMA: the significant digits
    /// compared).
    pub verified_digits: u32,
    /// Depth of the verifying evaluation.
    pub depth: u64,
    /// Irrationality measure δ (gcd-reduced denominators) where it has settled; its depth is in
    /// `details.delta_depth`.
    pub delta: Option<f64>,
    /// Convergence rate in digits per term.
    pub convergence_rate: Option<f64>,
    /// Search-space name.
    pub space: String,
    /// Search-space content hash.
    pub space_hash: String,
    /// Number of distinct equivalent formulas seen.
    pub variants: u64,
    /// Kind-specific details as JSON (ESMA closed form, LaTeX, …).
    pub details: serde_json::Value,
    /// The CMF trajectories that give this formula (filled by [`Catalog::query`]; empty, and absent
    /// from JSON, for a formula no CMF search found).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cmf_sources: Vec<sources::CmfSource>,
}

/// Catalog errors are SQLite errors with context.
pub type Result<T> = std::result::Result<T, rusqlite::Error>;

/// An open catalog.
pub struct Catalog {
    conn: Connection,
}

/// A filter for [`Catalog::query`].
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only conjectures involving this constant: a library name or alias (matched under all of
    /// the constant's names, see [`crate::constants::lookup`]) or a name as stored.
    pub constant: Option<String>,
    /// Only conjectures verified to at least this many digits.
    pub min_digits: Option<u32>,
    /// Only this kind (`pcf`, `esma`), or `cmf`: the conjectures with a CMF source.
    pub kind: Option<String>,
    /// Only δ ≥ this.
    pub min_delta: Option<f64>,
    /// Only this search space.
    pub space: Option<String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS conjectures (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    canonical_key TEXT NOT NULL UNIQUE,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    constants TEXT NOT NULL,
    relation TEXT NOT NULL,
    limit_value TEXT NOT NULL,
    verified_digits INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    delta REAL,
    convergence_rate REAL,
    space TEXT NOT NULL,
    space_hash TEXT NOT NULL,
    variants INTEGER NOT NULL DEFAULT 1,
    details TEXT NOT NULL DEFAULT '{}',
    simplicity TEXT NOT NULL,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX IF NOT EXISTS conjectures_by_constant ON conjectures(constants);
CREATE TABLE IF NOT EXISTS variants (
    canonical_key TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    PRIMARY KEY (canonical_key, a, b)
);
CREATE TABLE IF NOT EXISTS progress (
    space_hash TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    stats TEXT NOT NULL,
    PRIMARY KEY (space_hash, start, end)
);
";

impl Conjecture {
    /// Whether `verified_digits` rests on an estimated limit (`details.verified_digits_estimated`:
    /// a polynomially converging PCF evaluated by Richardson extrapolation) rather than a bound.
    pub fn digits_estimated(&self) -> bool {
        self.details.get("verified_digits_estimated") == Some(&serde_json::Value::Bool(true))
    }
}

impl Catalog {
    /// Opens (creating if needed) the catalog at `path`.
    pub fn open(path: &Path) -> Result<Catalog> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                let _ = std::fs::create_dir_all(dir);
            }
        }
        let conn = Connection::open(path)?;
        Catalog::writable(conn)
    }

    /// A writing connection in WAL mode with the schema in place.
    fn writable(conn: Connection) -> Result<Catalog> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(metrics::SCHEMA)?;
        conn.execute_batch(units::SCHEMA)?;
        conn.execute_batch(sources::SCHEMA)?;
        Ok(Catalog { conn })
    }

    /// Opens an existing catalog for writing; unlike [`Catalog::open`] it never creates the file
    /// (a missing catalog is an SQLite "unable to open" error and nothing appears on disk).
    pub fn open_existing(path: &Path) -> Result<Catalog> {
        use rusqlite::OpenFlags;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        Catalog::writable(conn)
    }

    /// Opens an existing catalog for reading only: nothing is ever written, neither to the
    /// database nor beside it, so a catalog in a read-only directory (or on read-only media) can be
    /// queried, and a missing one is an error instead of a new empty file.
    ///
    /// A catalog is kept in WAL mode. When no `-wal` file lies beside it, no writer is active and
    /// every committed transaction is in the main file: it is opened `immutable=1` (no locks, no
    /// `-shm`/`-wal` created). When a `-wal` file exists (a search may be running), it is opened
    /// read-only through the WAL so that the latest commits are seen; if that fails (e.g. the
    /// `-shm` file is missing and the directory is read-only), the main file is read immutable.
    /// Tables that an older catalog lacks read as empty.
    pub fn open_read_only(path: &Path) -> Result<Catalog> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let probe = |conn: Connection| -> Result<Catalog> {
            // Fails here, not at the first query, if the file is not a database.
            conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })?;
            Ok(Catalog { conn })
        };
        let uri = |query: &str| -> Result<String> {
            let abs = std::fs::canonicalize(path).map_err(|e| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(format!("{}: {e}", path.display())),
                )
            })?;
            Ok(format!("file:{}?{query}", uri_path(&abs)))
        };
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        if Path::new(&wal).exists() {
            let live = Connection::open_with_flags(uri("mode=ro")?, flags)
                .and_then(|c| {
                    c.busy_timeout(std::time::Duration::from_secs(30))?;
                    Ok(c)
                })
                .and_then(probe);
            if let Ok(c) = live {
                return Ok(c);
            }
        }
        probe(Connection::open_with_flags(uri("immutable=1")?, flags)?)
    }

    /// Whether the connection may write (false for [`Catalog::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
    }

    /// Whether the catalog has the table `name` (an older or foreign database may lack one).
    pub(crate) fn has_table(&self, name: &str) -> Result<bool> {
        self.conn.query_row(
            "SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get(0),
        )
    }

    /// An in-memory catalog (tests).
    pub fn in_memory() -> Result<Catalog> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(metrics::SCHEMA)?;
        conn.execute_batch(units::SCHEMA)?;
        conn.execute_batch(sources::SCHEMA)?;
        Ok(Catalog { conn })
    }

    /// The index ranges of a space already completed, merged: overlapping or adjacent ranges are
    /// returned as one, in increasing order.
    pub fn done_ranges(&self, space_hash: &str) -> Result<Vec<Range<u64>>> {
        self.done_ranges_within(space_hash, 0..u64::MAX)
    }

    /// The completed index ranges of a space that meet `within`, merged (overlapping or adjacent
    /// ranges become one), in increasing order. The rows are streamed from the database and merged
    /// as they come, so the memory used is proportional to the number of gaps between finished
    /// ranges, not to the number of committed chunks (which is unbounded on a huge space).
    pub fn done_ranges_within(
        &self,
        space_hash: &str,
        within: Range<u64>,
    ) -> Result<Vec<Range<u64>>> {
        let mut st = self.conn.prepare(
            "SELECT start, end FROM progress WHERE space_hash = ?1 AND end > ?2 AND start < ?3 \
             ORDER BY start",
        )?;
        let clamp = |x: u64| x.min(i64::MAX as u64) as i64;
        let mut rows = st.query(params![space_hash, clamp(within.start), clamp(within.end)])?;
        let mut merged: Vec<Range<u64>> = Vec::new();
        while let Some(r) = rows.next()? {
            let (a, b) = (r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64);
            match merged.last_mut() {
                Some(last) if a <= last.end => last.end = last.end.max(b),
                _ => merged.push(a..b),
            }
        }
        Ok(merged)
    }

    /// Stores the conjectures of one completed index range, and the variants (canonical key, a, b) of
    /// formulas verified elsewhere, and marks the range done, atomically.
    /// A conjecture whose canonical key exists already is merged: its variants are added, and the
    /// row is replaced when the new representative is simpler (`simplicity` compares as text).
    pub fn commit_range(
        &mut self,
        space_hash: &str,
        range: Range<u64>,
        stats_json: &str,
        found: &[(Conjecture, String)],
        variants: &[(String, String, String)],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        for (c, simplicity) in found {
            insert(&tx, c, simplicity)?;
        }
        for (key, a, b) in variants {
            add_variant(&tx, key, a, b)?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO progress (space_hash, start, end, stats) VALUES (?1, ?2, ?3, ?4)",
            params![space_hash, range.start as i64, range.end as i64, stats_json],
        )?;
        tx.commit()
    }

    /// Inserts or merges a single conjecture outside of a search (e.g. from `esma`).
    pub fn insert(&mut self, c: &Conjecture, simplicity: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        insert(&tx, c, simplicity)?;
        tx.commit()
    }

    /// Conjectures matching the filter, ordered by constants, then verified digits (descending), then key.
    pub fn query(&self, q: &Query) -> Result<Vec<Conjecture>> {
        let mut sql = String::from(
            "SELECT kind, canonical_key, a, b, constants, relation, limit_value, verified_digits, depth, \
             delta, convergence_rate, space, space_hash, variants, details FROM conjectures WHERE 1=1",
        );
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(c) = &q.constant {
            // A library constant is matched under its canonical name and every alias (`apery`
            // finds `zeta3`); any other name or expression is matched as written.
            let names: Vec<&str> = match crate::constants::lookup(c) {
                Some(k) => std::iter::once(k.name)
                    .chain(k.aliases.iter().copied())
                    .collect(),
                None => vec![c.as_str()],
            };
            let tests: Vec<&str> = names
                .iter()
                .map(|_| "instr(',' || constants || ',', ?) > 0")
                .collect();
            sql.push_str(&format!(" AND ({})", tests.join(" OR ")));
            args.extend(names.iter().map(|n| format!(",{n},").into()));
        }
        if let Some(d) = q.min_digits {
            sql.push_str(" AND verified_digits >= ?");
            args.push((d as i64).into());
        }
        match q.kind.as_deref() {
            Some("cmf") if !self.has_table("sources")? => return Ok(Vec::new()),
            Some("cmf") => sql.push_str(
                " AND EXISTS (SELECT 1 FROM sources s WHERE s.canonical_key = conjectures.canonical_key \
                 AND s.kind = 'cmf')",
            ),
            Some(k) => {
                sql.push_str(" AND kind = ?");
                args.push(k.to_string().into());
            }
            None => {}
        }
        if let Some(d) = q.min_delta {
            sql.push_str(" AND delta >= ?");
            args.push(d.into());
        }
        if let Some(s) = &q.space {
            sql.push_str(" AND space = ?");
            args.push(s.clone().into());
        }
        sql.push_str(" ORDER BY constants, kind, simplicity, canonical_key");
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args), |r| {
            let constants: String = r.get(4)?;
            let details: String = r.get(14)?;
            Ok(Conjecture {
                kind: r.get(0)?,
                canonical_key: r.get(1)?,
                a: r.get(2)?,
                b: r.get(3)?,
                constants: constants.split(',').map(str::to_string).collect(),
                relation: r.get(5)?,
                limit: r.get(6)?,
                verified_digits: r.get::<_, i64>(7)? as u32,
                depth: r.get::<_, i64>(8)? as u64,
                delta: r.get(9)?,
                convergence_rate: r.get(10)?,
                space: r.get(11)?,
                space_hash: r.get(12)?,
                variants: r.get::<_, i64>(13)? as u64,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
                cmf_sources: Vec::new(),
            })
        })?;
        let mut out: Vec<Conjecture> = rows.collect::<Result<_>>()?;
        for c in &mut out {
            c.cmf_sources = self.cmf_sources(&c.canonical_key)?;
        }
        Ok(out)
    }

    /// The distinct PCFs recorded as variants of a canonical key.
    pub fn variants(&self, canonical_key: &str) -> Result<Vec<(String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT a, b FROM variants WHERE canonical_key = ?1 ORDER BY a, b")?;
        let rows = st.query_map([canonical_key], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect()
    }
}

/// A path in an SQLite `file:` URI: bytes outside the unreserved set and `/` are percent-encoded
/// (so `?`, `#` and `%` in a file name are taken literally).
fn uri_path(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut out = String::with_capacity(bytes.len());
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Records an equivalent PCF of a canonical key and refreshes the count on its conjecture (if stored);
/// returns the number of variants.
fn add_variant(tx: &rusqlite::Transaction<'_>, key: &str, a: &str, b: &str) -> Result<i64> {
    tx.execute(
        "INSERT OR IGNORE INTO variants (canonical_key, a, b) VALUES (?1, ?2, ?3)",
        params![key, a, b],
    )?;
    let variants: i64 = tx.query_row(
        "SELECT COUNT(*) FROM variants WHERE canonical_key = ?1",
        [key],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE conjectures SET variants = ?2 WHERE canonical_key = ?1",
        params![key, variants],
    )?;
    Ok(variants)
}

/// Stores a conjecture found by a search (or a work unit of one) and records that search as a source.
fn insert(tx: &rusqlite::Transaction<'_>, c: &Conjecture, simplicity: &str) -> Result<()> {
    sources::record_search(tx, c)?;
    store(tx, c, simplicity)
}

/// Stores or merges a conjecture by canonical key (the simpler representative is kept).
fn store(tx: &rusqlite::Transaction<'_>, c: &Conjecture, simplicity: &str) -> Result<()> {
    let variants = add_variant(tx, &c.canonical_key, &c.a, &c.b)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT simplicity FROM conjectures WHERE canonical_key = ?1",
            [&c.canonical_key],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(s) if s.as_str() <= simplicity => {} // the stored representative is simpler
        _ => {
            tx.execute(
                "INSERT OR REPLACE INTO conjectures (kind, canonical_key, a, b, constants, relation, limit_value, \
                 verified_digits, depth, delta, convergence_rate, space, space_hash, variants, details, simplicity) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                params![
                    c.kind,
                    c.canonical_key,
                    c.a,
                    c.b,
                    c.constants.join(","),
                    c.relation,
                    c.limit,
                    c.verified_digits as i64,
                    c.depth as i64,
                    c.delta,
                    c.convergence_rate,
                    c.space,
                    c.space_hash,
                    variants,
                    c.details.to_string(),
                    simplicity,
                ],
            )?;
        }
    }
    Ok(())
}
