//! The ESMA search: every reduced LHS |P(c)/Q(c)| times every sign period, signed-CF extraction,
//! Berlekamp–Massey with the "beauty" filter, exact re-check, approval and de-duplication by value
//! (algorithms.md §8.3–8.5). Candidates are processed in parallel (rayon) and reported in the
//! deterministic enumeration order (LHS-major, then sign period).

use super::approve::{
    approved_digits, convergence_rate, significant_digits, verified_digits, Mode, Verification,
};
use super::lhs::{powers, sign_periods, Lhs, LhsSpace};
use super::signed_cf::{
    expand_rational_function, expand_scaled, sign_at, CfStop, ScaledPowers, SignedCfExpansion,
};
use crate::cancel::Cancel;
use crate::precision::Margin;
use crate::sequence::{
    berlekamp_massey, closed_form_from_recurrence, InterlacedClosedForm, Recurrence, SequenceError,
    MERSENNE_61,
};
use rayon::prelude::*;
use rug::{Float, Integer, Rational};
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;

/// Errors of the ESMA search (all about the configuration or the constant supplied).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EsmaError {
    /// The BM modulus is not a usable prime.
    #[error("invalid prime for Berlekamp-Massey: {0}")]
    Prime(#[from] SequenceError),
    /// A configuration value is out of range.
    #[error("invalid ESMA configuration: {0}")]
    Config(String),
    /// The constant provider returned a non-finite value.
    #[error("the constant `{0}` evaluated to a non-finite number")]
    Constant(String),
}

/// Parameters of an ESMA search. `Default` = the reference implementation's defaults (LHS degree 1,
/// coefficients in [−2, 2], sign periods of length 2, depth 100, 500-digit extraction, approval with
/// 1000 terms at 1000 digits comparing 100 digits, beauty filter len(C) < depth/4) with the engine's
/// correct choices: L-seeded approval, BM modulo 2^61 − 1 and an exact integer re-check.
/// [`EsmaConfig::reference`] switches to the reference code's behaviour (p = 199, deg C seeding, no
/// re-check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsmaConfig {
    /// Maximal degree d of P and Q.
    pub poly_degree: usize,
    /// Coefficients of P and Q range over [−coeff_limit, coeff_limit].
    pub coeff_limit: i64,
    /// Lengths of the enumerated sign periods.
    pub period_lengths: RangeInclusive<usize>,
    /// Number D of partial quotients extracted and given to Berlekamp–Massey.
    pub depth: usize,
    /// Seeding of the regenerated sequence in the approval.
    pub mode: Mode,
    /// Prime modulus of Berlekamp–Massey.
    pub prime: u64,
    /// Keep a candidate iff len(C) < this bound; `None` means depth / 4 (the reference "beauty" filter).
    pub max_connection_len: Option<usize>,
    /// Require the lifted recurrence to hold exactly over Z on all extracted terms n ≥ L.
    pub exact_recheck: bool,
    /// Decimal digits of the constant used for the extraction (reference: 500).
    pub enum_digits: u32,
    /// Number of regenerated terms in the approval (reference: 1000).
    pub verify_terms: usize,
    /// Working precision of the approval in decimal digits (reference: 1000).
    pub verify_digits: u32,
    /// Significant digits that must agree (reference: 100).
    pub compare_digits: usize,
    /// The convergence rate is measured at the convergent after a_{rate_terms} (reference: 100).
    pub rate_terms: usize,
}

impl Default for EsmaConfig {
    fn default() -> Self {
        EsmaConfig {
            poly_degree: 1,
            coeff_limit: 2,
            period_lengths: 2..=2,
            depth: 100,
            mode: Mode::Correct,
            prime: MERSENNE_61,
            max_connection_len: None,
            exact_recheck: true,
            enum_digits: 500,
            verify_terms: 1000,
            verify_digits: 1000,
            compare_digits: 100,
            rate_terms: 100,
        }
    }
}

impl EsmaConfig {
    /// The reference code's behaviour (compatibility mode): p = 199, approval seeded with deg C terms,
    /// no exact re-check; everything else as in `Default`.
    pub fn reference() -> Self {
        EsmaConfig {
            mode: Mode::Reference,
            prime: 199,
            exact_recheck: false,
            ..EsmaConfig::default()
        }
    }

    /// The beauty bound: candidates need len(C) < this.
    pub fn connection_bound(&self) -> usize {
        self.max_connection_len.unwrap_or(self.depth / 4)
    }

    /// The number of (P, Q) pairs times the number of sign periods: what the enumeration walks through
    /// before de-duplication (saturating; the distinct LHS are fewer, about 60% of the pairs).
    pub fn raw_candidates(&self) -> u128 {
        LhsSpace::new(self.poly_degree, self.coeff_limit)
            .pairs()
            .saturating_mul(sign_periods(self.period_lengths.clone()).len() as u128)
    }

    /// Checks the ranges of all parameters.
    pub fn validate(&self) -> Result<(), EsmaError> {
        let bad = |m: &str| Err(EsmaError::Config(m.to_string()));
        if !(1..=6).contains(&self.poly_degree) {
            return bad("poly_degree must be in 1..=6");
        }
        if !(1..=20).contains(&self.coeff_limit) {
            return bad("coeff_limit must be in 1..=20");
        }
        if self.period_lengths.is_empty() || *self.period_lengths.start() == 0 {
            return bad("period_lengths must be a non-empty range of lengths >= 1");
        }
        if *self.period_lengths.end() > 16 {
            return bad("sign periods longer than 16 are not supported");
        }
        if self.depth < 8 {
            return bad("depth must be at least 8");
        }
        if self.enum_digits < 20 || self.verify_digits < 20 {
            return bad("enum_digits and verify_digits must be at least 20");
        }
        if self.compare_digits == 0 || self.compare_digits as u32 + 10 > self.verify_digits {
            return bad("compare_digits must be positive and at least 10 below verify_digits");
        }
        if self.verify_terms < self.depth {
            return bad("verify_terms must be at least depth");
        }
        if self.rate_terms == 0 {
            return bad("rate_terms must be positive");
        }
        berlekamp_massey(&[1i64], self.prime)?;
        Ok(())
    }
}

/// An approved ESMA conjecture: |P(c)/Q(c)| = a_0 + s_0/(a_1 + s_1/(a_2 + …)).
#[derive(Debug, Clone, PartialEq)]
pub struct EsmaConjecture {
    /// Display name of the constant c ("e", "tan(1)").
    pub constant_name: String,
    /// P, lowest degree first, oriented so that P(c) > 0.
    pub lhs_numerator: Vec<i64>,
    /// Q, lowest degree first, oriented so that Q(c) > 0.
    pub lhs_denominator: Vec<i64>,
    /// P(c)/Q(c) written with the constant's name: "e/(e - 1)".
    pub lhs: String,
    /// The sign period (s_0, …, s_{N−1}), repeated from s_0; ESMA's s_i is the PCF's b(i+1).
    pub sign_period: Vec<i8>,
    /// The extracted partial quotients a_0 … a_{D−1}.
    pub first_terms: Vec<Integer>,
    /// Connection polynomial C = [1, c_1, …, c_k] found by Berlekamp–Massey.
    pub connection: Vec<i64>,
    /// Linear complexity L.
    pub complexity: usize,
    /// Number of extracted terms that seeded the approved sequence (L, or deg C in reference mode).
    pub seed_len: usize,
    /// The interlaced closed form of the approved sequence, if C is a product of cyclotomic polynomials.
    pub closed_form: Option<InterlacedClosedForm>,
    /// Number N of interlaced channels (from the cyclotomic factors of C).
    pub period: Option<usize>,
    /// Channel degree bound K (from the multiplicities of the cyclotomic factors of C).
    pub channel_degree: Option<usize>,
    /// P_j(m) for j = 0 … N−1, rational coefficients lowest degree first.
    pub channel_polynomials: Vec<Vec<Rational>>,
    /// P_j(m) written out: "2m+1".
    pub channel_strings: Vec<String>,
    /// The agreeing significant digits of the CF and of the LHS ("1.5819…e0").
    pub digits: String,
    /// Significant digits to which the CF value of the first `verify_terms` regenerated partial
    /// quotients agrees with |P(c)/Q(c)|, measured, at most the digits compared
    /// ([`super::approve::verified_digits`]).
    pub verified_digits: usize,
    /// −log10|x − convergent after a_100| / 100, digits per term.
    pub convergence_rate: f64,
}

/// C(z) as text: "1 - 2z^3 + z^6".
fn connection_text(c: &[i64]) -> String {
    let mut s = String::new();
    for (k, &x) in c.iter().enumerate() {
        if x == 0 {
            continue;
        }
        if s.is_empty() {
            if x < 0 {
                s.push('-');
            }
        } else {
            s.push_str(if x < 0 { " - " } else { " + " });
        }
        let a = x.unsigned_abs();
        match k {
            0 => s.push_str(&a.to_string()),
            _ => {
                if a != 1 {
                    s.push_str(&a.to_string());
                }
                s.push('z');
                if k > 1 {
                    s.push_str(&format!("^{k}"));
                }
            }
        }
    }
    s
}

fn sign_text(s: i8) -> &'static str {
    if s > 0 {
        "+1"
    } else {
        "-1"
    }
}

/// LaTeX form of a constant's display name: "tan(1)" → "\tan(1)", "pi" → "\pi".
pub fn latex_name(name: &str) -> String {
    const FUNCS: [&str; 13] = [
        "tanh", "coth", "sinh", "cosh", "tan", "cot", "sin", "cos", "exp", "log", "ln", "pi",
        "zeta",
    ];
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if FUNCS.contains(&word.as_str()) {
            out.push('\\');
        }
        out.push_str(word);
        word.clear();
    };
    for ch in name.chars() {
        if ch.is_ascii_alphabetic() {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

impl EsmaConjecture {
    /// "1 + 1/(2 - 1/(3 + 1/(2 - ...)))" with `shown` partial quotients.
    pub fn expansion_text(&self, shown: usize) -> String {
        let terms: Vec<&Integer> = self.first_terms.iter().take(shown.max(1)).collect();
        let mut s = String::new();
        for (i, a) in terms.iter().enumerate() {
            s.push_str(&a.to_string());
            let sign = if sign_at(&self.sign_period, i) > 0 {
                " + "
            } else {
                " - "
            };
            s.push_str(sign);
            if i + 1 < terms.len() {
                s.push_str("1/(");
            } else {
                s.push_str("...");
            }
        }
        s.push_str(&")".repeat(terms.len() - 1));
        s
    }

    /// The recurrence found: "a(n) = 2a(n-3) - a(n-6) for n >= 7".
    pub fn recurrence(&self) -> Recurrence {
        Recurrence {
            connection: self.connection.clone(),
            complexity: self.complexity,
        }
    }

    /// The conjecture in plain text, e.g.
    /// `e/(e - 1) = 1 + 1/(2 - 1/(3 + 1/(2 - ...)))` followed by the sign period, the interlaced closed
    /// form of the partial quotients (a_{2m} = 2m+1, a_{2m+1} = 2), the recurrence with C(z) and L, and the
    /// convergence rate.
    pub fn statement(&self) -> String {
        let signs: Vec<&str> = self.sign_period.iter().map(|&s| sign_text(s)).collect();
        let mut out = format!(
            "{} = {}\n  signs: s_n = [{}][n mod {}] in x = a_0 + s_0/(a_1 + s_1/(a_2 + ...))\n",
            self.lhs,
            self.expansion_text(4),
            signs.join(", "),
            self.sign_period.len()
        );
        match &self.closed_form {
            Some(cf) => out.push_str(&format!("  partial quotients: {cf}\n")),
            None => {
                let first: Vec<String> = self
                    .first_terms
                    .iter()
                    .take(12)
                    .map(|a| a.to_string())
                    .collect();
                out.push_str(&format!("  partial quotients: {}, ...\n", first.join(", ")));
            }
        }
        out.push_str(&format!(
            "  recurrence: {} (C(z) = {}, L = {})\n",
            self.recurrence(),
            connection_text(&self.connection),
            self.complexity
        ));
        out.push_str(&format!(
            "  convergence: {:.3} digits per term; verified to {} significant digits",
            self.convergence_rate, self.verified_digits
        ));
        out
    }

    /// The conjecture in LaTeX: `\frac{e}{e - 1} = 1 + \cfrac{1}{2 - \cfrac{1}{3 + \cfrac{1}{2 - \dotsb}}}`
    /// followed by the channel formulas.
    pub fn latex(&self) -> String {
        let lhs = Lhs {
            numerator: self.lhs_numerator.clone(),
            denominator: self.lhs_denominator.clone(),
        };
        let lhs_tex = if self.lhs_numerator == [0, 1] && self.lhs_denominator == [1] {
            latex_name(&self.constant_name)
        } else {
            lhs.latex(&latex_name(&self.constant_name))
        };
        let terms: Vec<&Integer> = self.first_terms.iter().take(4).collect();
        let mut cf = String::new();
        for (i, a) in terms.iter().enumerate() {
            let sign = if sign_at(&self.sign_period, i) > 0 {
                " + "
            } else {
                " - "
            };
            if i + 1 < terms.len() {
                cf.push_str(&format!("{a}{sign}\\cfrac{{1}}{{"));
            } else {
                cf.push_str(&format!("{a}{sign}\\dotsb"));
            }
        }
        cf.push_str(&"}".repeat(terms.len() - 1));
        let mut out = format!("{lhs_tex} = {cf}");
        if let Some(form) = &self.closed_form {
            out.push_str(&format!(",\\qquad {}", form.channels_latex()));
            if !form.preamble.is_empty() {
                out.push_str(&format!(" \\ (n \\ge {})", form.preamble.len()));
            }
        }
        out
    }
}

/// Result of a search: the approved conjectures, de-duplicated by value, plus the counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EsmaReport {
    /// Display name of the constant.
    pub constant_name: String,
    /// Number of distinct reduced LHS.
    pub unique_lhs: u64,
    /// (LHS, sign period) pairs examined.
    pub candidates: u64,
    /// Skipped because some extracted a_i = 0.
    pub skipped_zero: u64,
    /// Extraction stopped early (precision exhausted or finite expansion).
    pub truncated: u64,
    /// Passed the beauty filter len(C) < bound ("BM candidates").
    pub passed_filter: u64,
    /// Passed the filter but the lifted recurrence failed the exact integer re-check.
    pub failed_recheck: u64,
    /// Approved before de-duplication.
    pub approved: u64,
    /// Approved but with a value already found (dropped).
    pub duplicates: u64,
    /// The approved, value-de-duplicated conjectures in enumeration order of each value's first hit.
    pub conjectures: Vec<EsmaConjecture>,
    /// The search was cancelled: the counts and conjectures cover the candidates finished before.
    pub interrupted: bool,
}

enum Outcome {
    SkippedZero,
    Truncated,
    Filtered,
    FailedRecheck,
    Rejected,
    Approved(Box<EsmaConjecture>),
}

/// The fixed-point powers of the exact extraction: scales 2^2048 (enough for about a hundred
/// partial quotients of size ~4n) and 2^(4·prec − 64), the finest that stays below the retry
/// precision 4·prec of the floating-point extraction.
fn scaled_powers(
    constant: &(dyn Fn(u32) -> Float + Sync),
    prec: u32,
    degree: usize,
) -> Vec<ScaledPowers> {
    let finest = 4 * prec - 64;
    let c = constant(finest + 128);
    if !c.is_finite() {
        return Vec::new();
    }
    let pw = powers(&c, degree);
    let mut scales = vec![finest];
    if finest > 2048 {
        scales.insert(0, 2048);
    }
    scales
        .into_iter()
        .map(|bits| ScaledPowers::new(&pw, bits))
        .collect()
}

struct Context<'a> {
    name: &'a str,
    constant: &'a (dyn Fn(u32) -> Float + Sync),
    cfg: &'a EsmaConfig,
    enum_powers: Vec<Float>,
    verify_powers: Vec<Float>,
    /// Fixed-point powers for the exact integer extraction, coarsest first; the finest has 64 bits
    /// less than the retry precision of the floating-point extraction (4× the enumeration
    /// precision), so whatever they certify the floating-point path certifies as well.
    scaled_powers: Vec<ScaledPowers>,
}

impl Context<'_> {
    fn run(&self, lhs: &Lhs, period: &[i8]) -> Outcome {
        let cfg = self.cfg;
        // Expand |P(c)/Q(c)|: orient P and Q so that both are positive at c.
        let lhs = &lhs.oriented(&self.verify_powers);
        let num: Vec<Integer> = lhs.numerator.iter().map(|&c| Integer::from(c)).collect();
        let den: Vec<Integer> = lhs.denominator.iter().map(|&c| Integer::from(c)).collect();
        // The exact integer extraction decides almost every candidate; only when it cannot certify
        // all `depth` terms does the floating-point extraction (and its retry) run, and then its
        // verdict alone counts (a finite expansion, too few certain terms, or the same terms).
        let certain = self
            .scaled_powers
            .iter()
            .find_map(|sp| expand_scaled(&num, &den, sp, period, cfg.depth));
        let mut exp = match certain {
            Some(terms) => SignedCfExpansion {
                terms,
                stop: CfStop::Complete,
            },
            None => expand_rational_function(&num, &den, &self.enum_powers, period, cfg.depth),
        };
        if exp.stop == CfStop::PrecisionExhausted {
            // One retry at four times the precision before giving up honestly.
            let prec = self.enum_powers[0].prec() * 4;
            let c = (self.constant)(prec);
            if c.is_finite() {
                let pw = powers(&c, cfg.poly_degree);
                exp = expand_rational_function(&num, &den, &pw, period, cfg.depth);
            }
        }
        if exp.terms.len() < cfg.depth {
            return Outcome::Truncated;
        }
        let terms = exp.terms;
        if terms.iter().any(|a| *a == 0) {
            return Outcome::SkippedZero;
        }
        let Ok((connection, complexity)) = berlekamp_massey(&terms, cfg.prime) else {
            return Outcome::Filtered;
        };
        if connection.len() >= cfg.connection_bound() {
            return Outcome::Filtered;
        }
        let rec = Recurrence {
            connection,
            complexity,
        };
        if cfg.exact_recheck && !rec.holds_on(&terms) {
            return Outcome::FailedRecheck;
        }
        let (target, target_error) = lhs.abs_value_with_error(&self.verify_powers);
        let verification = Verification {
            terms: cfg.verify_terms,
            prec_bits: self.verify_powers[0].prec(),
            compare_digits: cfg.compare_digits,
        };
        let target_digits = significant_digits(&target, cfg.compare_digits);
        let Some((digits, value)) = approved_digits(
            &terms,
            &rec,
            cfg.mode,
            period,
            &target_digits,
            &verification,
        ) else {
            return Outcome::Rejected;
        };
        let verified = verified_digits(&value, &target, &target_error, &verification);
        let seed_len = cfg.mode.seed_len(&rec);
        let oriented = lhs.clone();
        // The closed form and the convergence rate are filled in by `finish`, only for the
        // conjectures kept after de-duplication by value (about half of the approvals).
        Outcome::Approved(Box::new(EsmaConjecture {
            constant_name: self.name.to_string(),
            lhs: oriented.render(self.name),
            lhs_numerator: oriented.numerator,
            lhs_denominator: oriented.denominator,
            sign_period: period.to_vec(),
            first_terms: terms,
            connection: rec.connection,
            complexity: rec.complexity,
            seed_len,
            period: None,
            channel_degree: None,
            channel_polynomials: Vec::new(),
            channel_strings: Vec::new(),
            closed_form: None,
            digits,
            verified_digits: verified.get() as usize,
            convergence_rate: f64::NAN,
        }))
    }

    /// The interlaced closed form and the convergence rate of an approved conjecture, from the
    /// approval's regenerated terms (the recurrence seeded with the first `seed_len` extracted
    /// terms, continued to `verify_terms`) and the LHS value at the verification precision.
    fn finish(&self, conj: &mut EsmaConjecture) {
        let cfg = self.cfg;
        let approved_rec = Recurrence {
            connection: conj.connection.clone(),
            complexity: conj.seed_len,
        };
        let Some(terms) = approved_rec.extend(&conj.first_terms[..conj.seed_len], cfg.verify_terms)
        else {
            return;
        };
        let closed_form = closed_form_from_recurrence(&terms, &approved_rec);
        let lhs = Lhs {
            numerator: conj.lhs_numerator.clone(),
            denominator: conj.lhs_denominator.clone(),
        };
        let target = lhs.abs_value(&self.verify_powers);
        conj.convergence_rate =
            convergence_rate(&terms, &conj.sign_period, &target, cfg.rate_terms);
        conj.period = closed_form.as_ref().map(|f| f.period);
        conj.channel_degree = closed_form.as_ref().map(|f| f.degree);
        conj.channel_polynomials = closed_form
            .as_ref()
            .map(|f| f.channels.iter().map(|p| p.coefficients.clone()).collect())
            .unwrap_or_default();
        conj.channel_strings = closed_form
            .as_ref()
            .map(|f| {
                let var = if f.period == 1 { "n" } else { "m" };
                f.channels.iter().map(|p| p.render(var)).collect()
            })
            .unwrap_or_default();
        conj.closed_form = closed_form;
    }
}

/// Pairs (P, Q) handed to the workers at a time: outcomes are folded into the report block by block,
/// in enumeration order, so memory is bounded whatever the size of the space.
const BLOCK: u64 = 2048;

/// Runs ESMA on the constant `constant` (a provider returning c at a requested precision in bits) named
/// `constant_name`: enumerates the reduced LHS |P(c)/Q(c)| and sign periods of `cfg`, extracts `depth`
/// partial quotients of each signed CF (candidates containing a 0 are skipped), runs Berlekamp–Massey
/// modulo `cfg.prime` with the filter len(C) < bound, optionally re-checks the lifted recurrence exactly,
/// approves survivors ([`approve`]) and de-duplicates approved values by their digit string. Of several
/// approvals with the same value the one with the shortest recurrence (smallest (L, len C)) is kept, ties
/// going to the first in enumeration order; it stays at the position of the first hit.
/// `progress(done, total)` is called from worker threads as (P, Q) pairs are finished, counting
/// pairs × sign periods ([`EsmaConfig::raw_candidates`], saturated to 64 bits).
pub fn search(
    constant_name: &str,
    constant: &(dyn Fn(u32) -> Float + Sync),
    cfg: &EsmaConfig,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<EsmaReport, EsmaError> {
    search_with_cancel(
        constant_name,
        constant,
        cfg,
        &|e: EsmaProgress| progress(e.done, e.total),
        &Cancel::new(),
    )
}

/// Progress of an ESMA search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EsmaProgress {
    /// Candidates (pairs (P, Q) × sign periods) walked through, duplicates of earlier LHS included.
    pub done: u64,
    /// All candidates ([`EsmaConfig::raw_candidates`], saturated to 64 bits).
    pub total: u64,
    /// Approvals so far (before de-duplication by value).
    pub approved: u64,
}

/// [`search`] that reports [`EsmaProgress`] and stops when `cancel` is cancelled: the candidates
/// in flight stop at their next (LHS, sign period), and the report (marked `interrupted`) holds
/// every candidate finished before, in particular everything approved.
pub fn search_with_cancel(
    constant_name: &str,
    constant: &(dyn Fn(u32) -> Float + Sync),
    cfg: &EsmaConfig,
    progress: &(dyn Fn(EsmaProgress) + Sync),
    cancel: &Cancel,
) -> Result<EsmaReport, EsmaError> {
    cfg.validate()?;
    let c_enum = constant(Margin::ESMA.bits(cfg.enum_digits));
    let c_verify = constant(Margin::ESMA.bits(cfg.verify_digits));
    if !c_enum.is_finite() || !c_verify.is_finite() {
        return Err(EsmaError::Constant(constant_name.to_string()));
    }
    let ctx = Context {
        name: constant_name,
        constant,
        cfg,
        enum_powers: powers(&c_enum, cfg.poly_degree),
        scaled_powers: scaled_powers(constant, c_enum.prec(), cfg.poly_degree),
        verify_powers: powers(&c_verify, cfg.poly_degree),
    };
    let space = LhsSpace::new(cfg.poly_degree, cfg.coeff_limit);
    let periods = sign_periods(cfg.period_lengths.clone());
    let n_periods = periods.len() as u64;
    let pairs = space.pairs();
    let total = u64::try_from(cfg.raw_candidates()).unwrap_or(u64::MAX);
    let done = AtomicU64::new(0);
    let approved = AtomicU64::new(0);
    let report_progress = || {
        progress(EsmaProgress {
            done: done.load(Ordering::Relaxed).min(total),
            total,
            approved: approved.load(Ordering::Relaxed),
        })
    };
    let mut report = EsmaReport {
        constant_name: constant_name.to_string(),
        ..EsmaReport::default()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    report_progress();
    let mut start: u128 = 0;
    while start < pairs && !cancel.is_cancelled() {
        let len = (pairs - start).min(u128::from(BLOCK)) as u64;
        // Per pair: None if it is not the first appearance of its LHS; else the outcomes of its
        // sign periods, or None in the vector if cancelled before that period was run.
        let block: Vec<Option<Vec<Option<Outcome>>>> = (0..len)
            .into_par_iter()
            .map(|offset| {
                if cancel.is_cancelled() {
                    return Some(vec![None]);
                }
                let lhs = space.first_appearance(start + u128::from(offset));
                let out = lhs.map(|lhs| {
                    periods
                        .iter()
                        .map(|p| {
                            (!cancel.is_cancelled()).then(|| {
                                let o = ctx.run(&lhs, p);
                                if matches!(o, Outcome::Approved(_)) {
                                    approved.fetch_add(1, Ordering::Relaxed);
                                }
                                o
                            })
                        })
                        .collect()
                });
                done.fetch_add(n_periods, Ordering::Relaxed);
                if out.is_some() {
                    report_progress();
                }
                out
            })
            .collect();
        start += u128::from(len);
        for outcomes in block.into_iter().flatten() {
            if outcomes.iter().any(Option::is_none) {
                // Cut short: the sign periods finished are kept (with what they approved).
                report.interrupted = true;
            } else {
                report.unique_lhs += 1;
            }
            for outcome in outcomes.into_iter().flatten() {
                report.candidates += 1;
                fold(&mut report, &mut seen, outcome);
            }
        }
        report_progress();
    }
    report.interrupted |= start < pairs;
    report
        .conjectures
        .par_iter_mut()
        .for_each(|conj| ctx.finish(conj));
    Ok(report)
}

/// Adds one candidate's outcome to the report, de-duplicating approvals by value.
fn fold(report: &mut EsmaReport, seen: &mut HashMap<String, usize>, outcome: Outcome) {
    match outcome {
        Outcome::SkippedZero => report.skipped_zero += 1,
        Outcome::Truncated => report.truncated += 1,
        Outcome::Filtered => {}
        Outcome::FailedRecheck => {
            report.passed_filter += 1;
            report.failed_recheck += 1;
        }
        Outcome::Rejected => report.passed_filter += 1,
        Outcome::Approved(conj) => {
            report.passed_filter += 1;
            report.approved += 1;
            match seen.get(&conj.digits) {
                None => {
                    seen.insert(conj.digits.clone(), report.conjectures.len());
                    report.conjectures.push(*conj);
                }
                Some(&at) => {
                    report.duplicates += 1;
                    let kept = &report.conjectures[at];
                    if (conj.complexity, conj.connection.len())
                        < (kept.complexity, kept.connection.len())
                    {
                        report.conjectures[at] = *conj;
                    }
                }
            }
        }
    }
}
