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

use crate::pcf::first_pass::{FirstPass, Screen};
use crate::pcf::Pcf;
use crate::poly::PolyExpr;
use crate::space::{Family, SearchSpace};
use std::collections::BTreeMap;
use std::ops::Range;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Skip {
    Symmetric,
    Divergent,
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
        })
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
    /// (coefficients lowest degree first).
    pub fn scan(
        &self,
        range: Range<u64>,
        mut visit: impl FnMut(u64, &[i64], &[i64], Screen),
    ) -> ScanStats {
        let mut st = ScanStats::default();
        let range = range.start.min(self.size)..range.end.min(self.size);
        st.enumerated = range.end - range.start;
        let fp = &self.first_pass;
        let (mut ta, mut tb) = (Vec::new(), Vec::new());
        match &self.family {
            Family::Ranges { a, b } => {
                let (mut ca, mut cb) = (Vec::new(), Vec::new());
                let mut index = range.start;
                while index < range.end {
                    let ia = index / self.b_count;
                    let ib_end = ((ia + 1) * self.b_count).min(range.end) - ia * self.b_count;
                    let mut ib = index % self.b_count;
                    decode(ia, a, &mut ca);
                    decode(ib, b, &mut cb);
                    fp.table(&ca, &mut ta);
                    let a_vanishes = FirstPass::vanishes(&ta);
                    while ib < ib_end {
                        match structural_filter(&ca, &cb) {
                            Some(Skip::Symmetric) => st.symmetric += 1,
                            Some(Skip::Divergent) => st.divergent += 1,
                            None if a_vanishes => st.vanishing += 1,
                            None => {
                                fp.table(&cb, &mut tb);
                                if FirstPass::vanishes(&tb) {
                                    st.vanishing += 1;
                                } else {
                                    st.screened += 1;
                                    visit(ia * self.b_count + ib, &ca, &cb, fp.run(&ta, &tb));
                                }
                            }
                        }
                        ib += 1;
                        advance(&mut cb, b);
                    }
                    index = ia * self.b_count + ib_end;
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
                        None => match fp.screen(&ca, &cb) {
                            Screen::Vanishing => st.vanishing += 1,
                            s => {
                                st.screened += 1;
                                visit(index, &ca, &cb, s)
                            }
                        },
                    }
                }
            }
        }
        st
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
