//! apery — discovers formulas for mathematical constants.
//!
//! The modules follow the pipeline:
//! 1. [`space`]: declarative search-space files;
//! 2. [`enumerate`]: ordered, indexable enumeration of candidate PCFs (any index range is a shard);
//! 3. [`pcf`]: polynomial continued fractions — first pass, exact convergents, honest limits,
//!    canonical forms; [`identify`]: Möbius transforms and integer relations of constants;
//! 4. [`verify`]: high-precision verification of a candidate formula;
//! 5. [`catalog`]: the deduplicated conjecture catalog (SQLite) and its exports;
//! 6. [`search`]: the parallel, resumable driver that ties them together;
//! 7. [`unit`]: deterministic work units (split, run, merge) for clusters and volunteer computing.
//!
//! [`constants`] is the constant library with its expression language, [`poly`] the integer
//! polynomials everything is made of, [`precision`] the conversions between decimal digits and
//! bits and between decimal places and significant digits.

pub mod cancel;
pub mod catalog;
pub mod cmf;
pub mod constants;
pub mod dynamics;
pub mod enumerate;
pub mod esma;
pub mod gmp_cpu;
pub mod identify;
pub mod matrix;
pub mod pcf;
pub mod poly;
pub mod precision;
pub mod proof;
pub mod search;
pub mod sequence;
pub mod space;
pub mod unit;
pub mod verify;
