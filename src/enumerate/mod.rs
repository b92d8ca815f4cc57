//! Ordered, indexable enumeration of the PCFs of a search space.
//!
//! Every candidate has an index in `0..size`: for coefficient ranges the index is the mixed-radix
//! number `index = ia·|B| + ib` of the coefficient tuples of `a` and `b` (each tuple with its
//! highest-degree coefficient varying slowest); for templates it is the mixed-radix number of the
//! parameter tuple (first parameter slowest). Any index range is therefore a shard, and
//! [`Enumerator::candidate`] recovers the PCF from its index alone.
//!
//! The standard filters (RamanujanMachine / Nature-paper conventions) are applied in [`Enumerator::scan`]:
//! * the zero polynomial for `a` or `b`;
//! * the sign symmetry `(−a, b) → −L`: only `a` with a positive leading coefficient is kept;
//! * the balanced-degree divergence rule: `deg b = 2·deg a` and `4·lead(b) < −lead(a)²` gives
//!   complex eigenvalues of `M(n)` and no convergence;
//! * `a(n) = 0` or `b(n) = 0` for some `1 ≤ n ≤` the first-pass depth.

use crate::pcf::first_pass::{FirstPass, Screen, LANES};
use crate::pcf::Pcf;
use crate::poly::PolyExpr;
use crate::space::{Family, SearchSpace};
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// Counts of what a scan saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScanStats {
    /// Indices visited.
    pub enumerated: u64,
    /// Skipped by the sign symmetry or a zero polynomial.
    pub symmetric: u64,
    /// Skipped by the balanced-degree divergence rule.
    pub divergent: u64,
    /// Skipped because `a(n)` or `b(n)` vanishes in the first-pass range.
    pub vanishing: u64,
    /// Reached the first pass.
    pub screened: u64,
}

impl ScanStats {
    /// Adds another chunk's counts.
    pub fn add(&mut self, o: &ScanStats) {
        self.enumerated += o.enumerated;
        self.symmetric += o.symmetric;
        self.divergent += o.divergent;
        self.vanishing += o.vanishing;
        self.screened += o.screened;
    }
}

/// The enumeration of one search space.
#[derive(Clone, Debug)]
pub struct Enumerator {
    family: Family,
    size: u64,
    /// Number of `b` tuples (ranges) — the inner radix.
    b_count: u64,
    first_pass: FirstPass,
    /// The value tables of every `b` of a ranges space, built on the first scan (if small enough).
    b_tables: OnceLock<Option<Arc<BTables>>>,
}

/// Largest number of `f64` kept in [`BTables`] (64 MiB); bigger spaces build their `b` tables block by
/// block during each scan instead.
const B_TABLES_MAX_VALUES: u64 = 1 << 23;

/// What the filters need to know about one `b` polynomial.
#[derive(Clone, Copy, Debug, Default)]
struct BShape {
    /// Number of coefficients without trailing zeros (0 for the zero polynomial).
    len: usize,
    /// Leading coefficient.
    lead: i64,
    /// `b(n) = 0` for some `1 ≤ n ≤ depth` (also set for the padding past the last `b`).
    vanishes: bool,
}

/// Value tables of the *live* `b` polynomials of a space (not zero, no zero at `1 ≤ n ≤ depth`:
/// the others never reach the first pass, whatever `a`), [`LANES`] live `b`'s per block in index
/// order, interleaved the way [`FirstPass::run_lanes`] reads them: block `j` holds
/// `b_{live[j·LANES+i]}(n)` at `n·LANES + i`. No vector lane is spent on a `b` that is filtered.
#[derive(Debug)]
struct BTables {
    values: Vec<f64>,
    /// The shape of every `b`, by `b` index (for the filter counts).
    shapes: Vec<BShape>,
    /// The `b` indices of the live `b`'s, increasing.
    live: Vec<u32>,
    /// `zeros[i]` = number of zero `b`'s of index `< i` (`b_count + 1` entries).
    zeros: Vec<u32>,
    /// `vanishing[i]` = number of nonzero `b`'s of index `< i` with a zero at `1 ≤ n ≤ depth`.
    vanishing: Vec<u32>,
    /// The largest number of coefficients of a `b` (without trailing zeros).
    max_len: usize,
    /// `b_max[n]` = the largest `|b(n)|` of a live `b`, `n = 0..=depth` (for
    /// [`FirstPass::never_rescales`]).
    b_max: Vec<f64>,
}

impl BTables {
    /// The filter counts of the `b` indices `range` for a row whose `a` (nonzero, positive leading
    /// coefficient) cannot meet the balanced-degree rule with any `b` (`2·len(a) − 1 > max_len`):
    /// `(symmetric, vanishing)`, the others reach the first pass.
    fn row_counts(&self, range: Range<usize>, a_vanishes: bool) -> (u64, u64) {
        let n = (range.end - range.start) as u64;
        let symmetric = u64::from(self.zeros[range.end] - self.zeros[range.start]);
        let vanishing = if a_vanishes {
            n - symmetric
        } else {
            u64::from(self.vanishing[range.end] - self.vanishing[range.start])
        };
        (symmetric, vanishing)
    }
}

impl BTables {
    fn block_len(fp: &FirstPass) -> usize {
        (fp.depth() + 1) * LANES
    }

    /// Fills one block (tables and shapes of `b` indices `j·LANES ..`, padded past `b_count`).
    fn fill_block(
        fp: &FirstPass,
        ranges: &[(i64, i64)],
        b_count: u64,
        j: u64,
        values: &mut [f64],
        shapes: &mut [BShape],
        scratch: &mut (Vec<i64>, Vec<f64>),
    ) {
        let (cb, tb) = scratch;
        let first = j * LANES as u64;
        decode(first, ranges, cb);
        for i in 0..LANES {
            if first + (i as u64) < b_count {
                fp.table(cb, tb);
                let t = trim(cb);
                shapes[i] = BShape {
                    len: t.len(),
                    lead: t.last().copied().unwrap_or(0),
                    vanishes: FirstPass::vanishes(tb),
                };
                advance(cb, ranges);
            } else {
                tb.clear();
                tb.resize(fp.depth() + 1, 1.0);
                shapes[i] = BShape {
                    vanishes: true,
                    ..BShape::default()
                };
            }
            for (n, v) in tb.iter().enumerate() {
                values[n * LANES + i] = *v;
            }
        }
    }

    /// The tables of a space with `b_count < 2^32` `b`'s.
    fn build(fp: &FirstPass, ranges: &[(i64, i64)], b_count: u64) -> BTables {
        let (mut cb, mut tb) = (Vec::new(), Vec::new());
        let mut shapes = Vec::with_capacity(b_count as usize);
        let mut live = Vec::new();
        let mut values = Vec::new();
        let (mut zeros, mut vanishing) = (vec![0u32], vec![0u32]);
        let mut b_max = vec![0.0f64; fp.depth() + 1];
        decode(0, ranges, &mut cb);
        for ib in 0..b_count {
            fp.table(&cb, &mut tb);
            let t = trim(&cb);
            let sh = BShape {
                len: t.len(),
                lead: t.last().copied().unwrap_or(0),
                vanishes: FirstPass::vanishes(&tb),
            };
            shapes.push(sh);
            let (z, v) = (*zeros.last().unwrap_or(&0), *vanishing.last().unwrap_or(&0));
            zeros.push(z + u32::from(sh.len == 0));
            vanishing.push(v + u32::from(sh.len > 0 && sh.vanishes));
            if sh.len > 0 && !sh.vanishes {
                let i = live.len() % LANES;
                if i == 0 {
                    // A new block, padded with 1.0 (lanes past the last live b are never kept).
                    values.resize(values.len() + Self::block_len(fp), 1.0);
                }
                let block = values.len() - Self::block_len(fp);
                for (n, v) in tb.iter().enumerate() {
                    values[block + n * LANES + i] = *v;
                    b_max[n] = b_max[n].max(v.abs());
                }
                live.push(ib as u32);
            }
            advance(&mut cb, ranges);
        }
        let max_len = shapes.iter().map(|s| s.len).max().unwrap_or(0);
        BTables {
            values,
            shapes,
            live,
            zeros,
            vanishing,
            max_len,
            b_max,
        }
    }
}

fn tuple_count(r: &[(i64, i64)]) -> Option<u64> {
    r.iter()
        .try_fold(1u64, |acc, (lo, hi)| acc.checked_mul((hi - lo + 1) as u64))
}

/// Decodes `index` into a coefficient tuple (lowest degree first; the highest degree varies slowest).
fn decode(mut index: u64, ranges: &[(i64, i64)], out: &mut Vec<i64>) {
    out.clear();
    out.resize(ranges.len(), 0);
    for (k, (lo, hi)) in ranges.iter().enumerate() {
        let radix = (hi - lo + 1) as u64;
        out[k] = lo + (index % radix) as i64;
        index /= radix;
    }
}

/// Advances a coefficient tuple to the next index (odometer, lowest degree fastest).
fn advance(t: &mut [i64], ranges: &[(i64, i64)]) {
    for (k, (lo, hi)) in ranges.iter().enumerate() {
        if t[k] < *hi {
            t[k] += 1;
            return;
        }
        t[k] = *lo;
    }
}

fn trim(c: &[i64]) -> &[i64] {
    let n = c.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
    &c[..n]
}

/// Why a PCF is skipped before evaluation, or `None` if it is kept.
fn structural_filter(a: &[i64], b: &[i64]) -> Option<Skip> {
    let (a, b) = (trim(a), trim(b));
    let (Some(&la), Some(&lb)) = (a.last(), b.last()) else {
        return Some(Skip::Symmetric);
    };
    if la < 0 {
        return Some(Skip::Symmetric);
    }
    let (da, db) = (a.len() - 1, b.len() - 1);
    if db == 2 * da && 4 * (lb as i128) < -(la as i128) * (la as i128) {
        return Some(Skip::Divergent);
    }
    None
}

/// [`structural_filter`] from the trimmed lengths and leading coefficients alone.
fn structural_filter_shape(a_len: usize, la: i64, b_len: usize, lb: i64) -> Option<Skip> {
    if a_len == 0 || b_len == 0 || la < 0 {
        return Some(Skip::Symmetric);
    }
    let (da, db) = (a_len - 1, b_len - 1);
    if db == 2 * da && 4 * (lb as i128) < -(la as i128) * (la as i128) {
        return Some(Skip::Divergent);
    }
    None
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    Symmetric,
    Divergent,
    /// `a(n)` or `b(n)` vanishes in the first-pass range (from the tables, not the structure).
    Vanishing,
}

impl Enumerator {
    /// The enumeration of a space, or an error naming the size if it does not fit in 64 bits.
    pub fn new(space: &SearchSpace) -> Result<Enumerator, String> {
        let (size, b_count, max_deg) = match &space.family {
            Family::Ranges { a, b } => {
                let na = tuple_count(a);
                let nb = tuple_count(b);
                let size = na.zip(nb).and_then(|(x, y)| x.checked_mul(y));
                let approx: f64 = a
                    .iter()
                    .chain(b)
                    .map(|(lo, hi)| (hi - lo + 1) as f64)
                    .product();
                let too_big = || {
                    format!("the space has about {approx:.2e} candidates, more than 2^64: narrow the coefficient ranges")
                };
                let nb = nb.ok_or_else(too_big)?;
                let size = size.ok_or_else(too_big)?;
                (size, nb, a.len().max(b.len()))
            }
            Family::Template { params, .. } => {
                let r: Vec<(i64, i64)> = params.iter().map(|p| (p.1, p.2)).collect();
                let size = tuple_count(&r).ok_or("the space has more than 2^64 candidates")?;
                (size, 1, 1)
            }
        };
        let max_deg = match &space.family {
            Family::Template { a, b, .. } => template_max_degree(a).max(template_max_degree(b)),
            Family::Ranges { .. } => max_deg - 1,
        };
        Ok(Enumerator {
            family: space.family.clone(),
            size,
            b_count,
            first_pass: FirstPass::new(space.first_pass_depth, max_deg),
            b_tables: OnceLock::new(),
        })
    }

    /// The shared `b` tables of a ranges space, built on first use; `None` if they would be too big.
    fn b_tables(&self, b: &[(i64, i64)]) -> Option<&BTables> {
        self.b_tables
            .get_or_init(|| {
                self.b_count
                    .checked_mul(self.first_pass.depth() as u64 + 1)
                    .filter(|&v| v <= B_TABLES_MAX_VALUES)?;
                Some(Arc::new(BTables::build(&self.first_pass, b, self.b_count)))
            })
            .as_deref()
    }

    /// Number of candidates (indices) in the space.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The first pass used by [`Enumerator::scan`].
    pub fn first_pass(&self) -> &FirstPass {
        &self.first_pass
    }

    /// The PCF with the given index (no filters applied).
    pub fn candidate(&self, index: u64) -> Pcf {
        match &self.family {
            Family::Ranges { a, b } => {
                let (mut ca, mut cb) = (Vec::new(), Vec::new());
                decode(index / self.b_count, a, &mut ca);
                decode(index % self.b_count, b, &mut cb);
                Pcf::from_i64(&ca, &cb)
            }
            Family::Template { a, b, params } => {
                let vals = self.params_at(index, params);
                Pcf::new(a.eval(&vals), b.eval(&vals))
            }
        }
    }

    fn params_at(&self, mut index: u64, params: &[(String, i64, i64)]) -> BTreeMap<String, i64> {
        let mut vals = BTreeMap::new();
        for (name, lo, hi) in params.iter().rev() {
            let radix = (hi - lo + 1) as u64;
            vals.insert(name.clone(), lo + (index % radix) as i64);
            index /= radix;
        }
        vals
    }

    /// Runs the filters and the first pass on every index of `range`, calling
    /// `visit(index, a_coeffs, b_coeffs, screen)` for each PCF that reaches the first pass
    /// (coefficients lowest degree first), in index order. The search itself uses
    /// [`Enumerator::scan_blocks`], which does not rebuild the coefficients of every PCF.
    pub fn scan(
        &self,
        range: Range<u64>,
        mut visit: impl FnMut(u64, &[i64], &[i64], Screen),
    ) -> ScanStats {
        let (mut ca, mut cb) = (Vec::new(), Vec::new());
        // The coefficients of the last visited index (a decoded once per row, b advanced).
        let mut at: Option<(u64, u64)> = None;
        self.scan_blocks(range, |blk| {
            for (index, screen) in blk.kept() {
                match &self.family {
                    Family::Ranges { a, b } => {
                        let (ia, ib) = (index / self.b_count, index % self.b_count);
                        match at {
                            Some((ja, jb)) if ja == ia && jb <= ib && ib - jb <= LANES as u64 => {
                                for _ in jb..ib {
                                    advance(&mut cb, b);
                                }
                            }
                            _ => {
                                decode(ia, a, &mut ca);
                                decode(ib, b, &mut cb);
                            }
                        }
                        at = Some((ia, ib));
                    }
                    Family::Template { .. } => {
                        let pcf = self.candidate(index);
                        // The scan only keeps PCFs with i64 coefficients.
                        ca = pcf.a.to_i64().unwrap_or_default();
                        cb = pcf.b.to_i64().unwrap_or_default();
                    }
                }
                visit(index, &ca, &cb, screen);
            }
        })
    }

    /// Runs the filters and the first pass on every index of `range`, calling `visit` with the
    /// screens of each block of consecutive indices that share `a` (at most [`LANES`] of them), in
    /// index order; only the PCFs that reach the first pass are marked kept in a block.
    pub fn scan_blocks(&self, range: Range<u64>, mut visit: impl FnMut(&ScreenBlock)) -> ScanStats {
        let mut st = ScanStats::default();
        let range = range.start.min(self.size)..range.end.min(self.size);
        st.enumerated = range.end - range.start;
        let fp = &self.first_pass;
        let mut ta = Vec::new();
        let mut blk = ScreenBlock {
            index: [0; LANES],
            kept: 0,
            screens: [Screen::Undefined; LANES],
        };
        match &self.family {
            Family::Ranges { a, b } => {
                // Each a(n) table is built once per row, each b(n) table once per space (or once per
                // block of LANES b's in this scan when the space is too big to keep them), and the
                // recurrences run LANES PCFs at a time. Blocks stay in index order.
                let cache = self.b_tables(b);
                let block_len = BTables::block_len(fp);
                let mut own_values = vec![0.0; if cache.is_none() { block_len } else { 0 }];
                let mut own_shapes = [BShape::default(); LANES];
                let mut scratch = (Vec::new(), Vec::new());
                let mut ca = Vec::new();
                let mut index = range.start;
                while index < range.end {
                    let ia = index / self.b_count;
                    let row = ia * self.b_count;
                    let ib_end = ((ia + 1) * self.b_count).min(range.end) - row;
                    let ib0 = index % self.b_count;
                    decode(ia, a, &mut ca);
                    fp.table(&ca, &mut ta);
                    let a_vanishes = FirstPass::vanishes(&ta);
                    let a_trim = trim(&ca);
                    let (a_len, la) = (a_trim.len(), a_trim.last().copied().unwrap_or(0));
                    let filter = |sh: &BShape| {
                        structural_filter_shape(a_len, la, sh.len, sh.lead)
                            .or((a_vanishes || sh.vanishes).then_some(Skip::Vanishing))
                    };
                    index = row + ib_end;
                    if let Some(t) = cache {
                        // The counts of the row, the recurrences on the live b's only, LANES at a
                        // time.
                        let span = ib0 as usize..ib_end as usize;
                        let n = ib_end - ib0;
                        if a_len == 0 || la < 0 {
                            st.symmetric += n;
                            continue;
                        }
                        // Without a b of the balanced degree, prefix counts give the row's counts
                        // and every live b is kept.
                        let simple = 2 * a_len - 1 > t.max_len;
                        if simple {
                            let (symmetric, vanishing) = t.row_counts(span, a_vanishes);
                            st.symmetric += symmetric;
                            st.vanishing += vanishing;
                            st.screened += n - symmetric - vanishing;
                        } else {
                            for sh in &t.shapes[span] {
                                match filter(sh) {
                                    Some(Skip::Symmetric) => st.symmetric += 1,
                                    Some(Skip::Divergent) => st.divergent += 1,
                                    Some(Skip::Vanishing) => st.vanishing += 1,
                                    None => st.screened += 1,
                                }
                            }
                        }
                        if a_vanishes {
                            continue;
                        }
                        // Usually no PCF of the row comes near the rescaling threshold: then the
                        // kernels skip its test.
                        let rescale_free = fp.never_rescales(&ta, &t.b_max);
                        let lo = t.live.partition_point(|&x| u64::from(x) < ib0);
                        let hi = t.live.partition_point(|&x| u64::from(x) < ib_end);
                        let mut s = lo;
                        while s < hi {
                            let j = s / LANES;
                            let end = ((j + 1) * LANES).min(hi);
                            let mut kept = 0u32;
                            for k in s..end {
                                let ib = t.live[k];
                                if simple || filter(&t.shapes[ib as usize]).is_none() {
                                    kept |= 1 << (k - j * LANES);
                                }
                                blk.index[k - j * LANES] = row + u64::from(ib);
                            }
                            if kept != 0 {
                                fp.run_lanes_bounded(
                                    &ta,
                                    &t.values[j * block_len..(j + 1) * block_len],
                                    rescale_free,
                                    &mut blk.screens,
                                );
                                blk.kept = kept;
                                visit(&blk);
                            }
                            s = end;
                        }
                        continue;
                    }
                    // Too many b's to keep: their tables block by block, LANES consecutive b's.
                    let mut ib = ib0;
                    while ib < ib_end {
                        let j = ib / LANES as u64;
                        let lane0 = (ib - j * LANES as u64) as usize;
                        let lane_end = (ib_end - j * LANES as u64).min(LANES as u64) as usize;
                        BTables::fill_block(
                            fp,
                            b,
                            self.b_count,
                            j,
                            &mut own_values,
                            &mut own_shapes,
                            &mut scratch,
                        );
                        let mut kept = 0u32;
                        for (i, sh) in own_shapes.iter().enumerate().take(lane_end).skip(lane0) {
                            match filter(sh) {
                                Some(Skip::Symmetric) => st.symmetric += 1,
                                Some(Skip::Divergent) => st.divergent += 1,
                                Some(Skip::Vanishing) => st.vanishing += 1,
                                None => kept |= 1 << i,
                            }
                            blk.index[i] = row + j * LANES as u64 + i as u64;
                        }
                        if kept != 0 {
                            st.screened += u64::from(kept.count_ones());
                            fp.run_lanes(&ta, &own_values, &mut blk.screens);
                            blk.kept = kept;
                            visit(&blk);
                        }
                        ib = j * LANES as u64 + lane_end as u64;
                    }
                }
            }
            Family::Template { .. } => {
                for index in range {
                    let pcf = self.candidate(index);
                    let (Some(ca), Some(cb)) = (pcf.a.to_i64(), pcf.b.to_i64()) else {
                        st.symmetric += 1;
                        continue;
                    };
                    if ca.len() > fp_degree_limit(fp) || cb.len() > fp_degree_limit(fp) {
                        st.symmetric += 1;
                        continue;
                    }
                    match structural_filter(&ca, &cb) {
                        Some(Skip::Symmetric) => st.symmetric += 1,
                        Some(Skip::Divergent) => st.divergent += 1,
                        Some(Skip::Vanishing) => st.vanishing += 1,
                        None => match fp.screen(&ca, &cb) {
                            Screen::Vanishing => st.vanishing += 1,
                            s => {
                                st.screened += 1;
                                blk.index[0] = index;
                                blk.kept = 1;
                                blk.screens[0] = s;
                                visit(&blk)
                            }
                        },
                    }
                }
            }
        }
        st
    }
}

const _: () = assert!(LANES <= 32, "ScreenBlock::kept is a u32 bit mask");

/// The first-pass screens of up to [`LANES`] PCFs sharing `a` (a block of
/// [`Enumerator::scan_blocks`]), in increasing index order.
#[derive(Clone, Copy, Debug)]
pub struct ScreenBlock {
    /// The index of each lane (meaningful for kept lanes).
    pub index: [u64; LANES],
    /// Bit `i` set: index `index[i]` reached the first pass and `screens[i]` is its screen (the
    /// other lanes were filtered, or are padding).
    pub kept: u32,
    /// The screens, lane by lane.
    pub screens: [Screen; LANES],
}

impl ScreenBlock {
    /// The kept `(index, screen)` pairs in index order.
    pub fn kept(&self) -> impl Iterator<Item = (u64, Screen)> + '_ {
        (0..LANES)
            .filter(move |&i| self.kept >> i & 1 == 1)
            .map(move |i| (self.index[i], self.screens[i]))
    }
}

fn fp_degree_limit(fp: &FirstPass) -> usize {
    fp.max_degree() + 1
}

/// An upper bound on the degree in `n` of a template, by structural recursion.
fn template_max_degree(e: &PolyExpr) -> usize {
    match e {
        PolyExpr::Int(_) | PolyExpr::Param(_) => 0,
        PolyExpr::N => 1,
        PolyExpr::Add(x, y) | PolyExpr::Sub(x, y) => {
            template_max_degree(x).max(template_max_degree(y))
        }
        PolyExpr::Mul(x, y) => template_max_degree(x) + template_max_degree(y),
        PolyExpr::Neg(x) => template_max_degree(x),
        PolyExpr::Pow(x, k) => template_max_degree(x) * *k as usize,
    }
}

/// Splits `0..size` into `n` shards and returns shard `i` (0-based): `[i·size/n, (i+1)·size/n)`.
pub fn shard(size: u64, i: u64, n: u64) -> Range<u64> {
    let at = |k: u64| ((size as u128 * k as u128) / n as u128) as u64;
    at(i)..at(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcf::first_pass::Screen;

    fn space(toml: &str) -> SearchSpace {
        SearchSpace::from_toml(toml, std::path::Path::new("t.toml")).unwrap()
    }

    /// The obvious per-index scan: decode, filter, build both tables, run the one-PCF recurrence.
    fn scan_slow(e: &Enumerator, range: Range<u64>) -> (ScanStats, Vec<(u64, Screen)>) {
        let mut st = ScanStats::default();
        let mut seen = Vec::new();
        let range = range.start.min(e.size)..range.end.min(e.size);
        st.enumerated = range.end - range.start;
        let Family::Ranges { a, b } = &e.family else {
            unreachable!()
        };
        let (mut ca, mut cb) = (Vec::new(), Vec::new());
        for index in range {
            decode(index / e.b_count, a, &mut ca);
            decode(index % e.b_count, b, &mut cb);
            match structural_filter(&ca, &cb) {
                Some(Skip::Symmetric) => st.symmetric += 1,
                Some(Skip::Divergent) => st.divergent += 1,
                Some(Skip::Vanishing) => st.vanishing += 1,
                None => match e.first_pass.screen(&ca, &cb) {
                    Screen::Vanishing => st.vanishing += 1,
                    s => {
                        st.screened += 1;
                        seen.push((index, s));
                    }
                },
            }
        }
        (st, seen)
    }

    #[test]
    fn batched_scan_equals_the_per_index_scan() {
        let sp = space(
            "name = \"t\"\n[pcf]\na = [[-2, 3], [-3, 3], [-2, 2]]\nb = [[-3, 3], [-2, 2], [-4, 1]]\n\
             [targets]\nconstants = [\"pi\"]\n[budget]\nfirst_pass_depth = 20\n",
        );
        let cached = Enumerator::new(&sp).unwrap();
        // The same space with the b tables built block by block during the scan (big spaces).
        let uncached = Enumerator::new(&sp).unwrap();
        uncached.b_tables.set(None).unwrap();
        let size = cached.size();
        // Whole space, ragged ranges inside one row and across rows, empty and clipped ranges.
        let ranges = [0..size, 5..6, 3..77, 100..413, size - 50..size + 10, 7..7];
        for (e, r) in [&cached, &uncached]
            .into_iter()
            .flat_map(|e| ranges.iter().map(move |r| (e, r.clone())))
        {
            let mut fast = Vec::new();
            let st = e.scan(r.clone(), |i, ca, cb, s| {
                assert_eq!(e.candidate(i), Pcf::from_i64(ca, cb));
                fast.push((i, s));
            });
            let (st_slow, slow) = scan_slow(e, r.clone());
            assert_eq!(st, st_slow, "{r:?}");
            assert_eq!(fast.len(), slow.len(), "{r:?}");
            for ((i, s), (j, t)) in fast.iter().zip(&slow) {
                assert_eq!(i, j);
                match (s, t) {
                    (Screen::Value { x, err }, Screen::Value { x: y, err: f }) => {
                        assert_eq!((x.to_bits(), err.to_bits()), (y.to_bits(), f.to_bits()))
                    }
                    _ => assert_eq!(s, t),
                }
            }
        }
    }
}
