//! `apery eval`.

use anyhow::{Context, Result};
use apery::constants;
use apery::identify::{identify_mobius, identify_relation, Identification};
use apery::pcf::limit::{evaluate, settled_delta, EvalOptions, Limit, LimitError};
use apery::pcf::Pcf;
use apery::precision::{digits_to_write, Certainty, Margin, SignificantDigits};
use indicatif::ProgressBar;
use rug::Float;
use serde_json::json;
use std::process::ExitCode;

/// Digits at which the limit is identified; a relation found there is then confirmed at all the
/// certain digits. 100 digits explain any gated relation with coefficients up to 10⁶ among a few
/// constants, and evaluating the library to 100 digits takes milliseconds, against minutes for
/// some constants at 10,000 digits.
const IDENTIFY_DIGITS: u32 = 100;

/// Arguments of `apery eval`.
#[derive(clap::Args, Debug)]
#[command(after_help = EVAL_HELP)]
pub struct Args {
    /// a(n), e.g. "34n^3+51n^2+27n+5" (also n**3, 2*n, parentheses).
    #[arg(long, allow_hyphen_values = true)]
    a: String,
    /// b(n), e.g. "-n^6".
    #[arg(long, allow_hyphen_values = true)]
    b: String,
    /// Decimal places wanted (1 to 1,000,000); the depth doubles until they are certain or --max-depth is reached.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    digits: u32,
    /// Largest depth.
    #[arg(long, default_value_t = 1 << 17, value_parser = clap::value_parser!(u64).range(4..=1 << 26))]
    max_depth: u64,
    /// Constants to identify the limit with (names or expressions, separated by commas outside
    /// parentheses: `pi,besseli(1,1/500)`); default: the whole library.
    #[arg(long)]
    constants: Vec<String>,
    /// Largest coefficient allowed in a relation.
    #[arg(long, default_value_t = 1000)]
    max_coeff: u64,
    /// Print JSON (schema in the README).
    #[arg(long)]
    json: bool,
}

const EVAL_HELP: &str =
    "Exit status: 0 when a limit was evaluated, 1 when the PCF has no limit (it provably \
diverges, or no digit of a limit could be certified up to --max-depth), 2 on an error.

Examples:
  apery eval --a \"34n^3+51n^2+27n+5\" --b \"-n^6\"              Apéry: 6/ζ(3)
  apery eval --a \"2n+1\" --b \"n^2\" --digits 1000 --constants pi
  apery eval --a \"n+2\" --b \"2n^2\" --constants \"log(3)-log(2)\"
  apery eval --a \"1000n\" --b 1 --constants \"pi,besseli(1,1/500)/besseli(0,1/500)\"";

/// Runs `apery eval`.
pub fn run(args: Args) -> Result<ExitCode> {
    let pcf = Pcf::parse(&args.a, &args.b).context("reading the PCF")?;
    let spinner = Spinner::new(args.json);
    spinner.say(format!("evaluating the limit to {} digits", args.digits));
    let opts = EvalOptions {
        digits: args.digits,
        start_depth: 32,
        max_depth: usize::try_from(args.max_depth).unwrap_or(usize::MAX),
    };
    let limit = match evaluate(&pcf, &opts) {
        Ok(l) => l,
        Err(LimitError::Diverges(d)) => {
            spinner.done();
            return no_limit(&args, &pcf, &format!("the PCF diverges: {d}"));
        }
        Err(e) => return Err(e).context("evaluating the PCF"),
    };
    if limit.digits < 1.0 {
        spinner.done();
        let why = format!(
            "no limit detected: not one digit is certain at depth {} (the convergents do not settle; \
             raise --max-depth if the PCF converges very slowly)",
            limit.depth
        );
        return no_limit(&args, &pcf, &why);
    }
    // The certain decimal places and one more, as significant digits (fewer for |x| < 0.1).
    let shown = (limit.digits.floor() as u32).clamp(1, args.digits);
    let value = apery::pcf::limit::decimal(
        &limit.value,
        digits_to_write(&limit.value, shown + 1) as usize,
    );
    spinner.say("δ at a settled depth".to_string());
    let delta = settled_delta(&pcf, 64, opts.max_depth.min(DELTA_MAX_DEPTH), DELTA_TOL);
    let names: Vec<String> = if args.constants.is_empty() {
        constants::library()
            .iter()
            .map(|c| c.name.to_string())
            .collect()
    } else {
        args.constants.iter().flat_map(|s| split_list(s)).collect()
    };
    let id = identify(&limit, &names, args.max_coeff, &spinner)?;
    spinner.done();
    if args.json {
        let j = json!({
            "a": pcf.a.python(),
            "b": pcf.b.python(),
            "limit": value,
            // decimal places; an estimate (Richardson extrapolation) is not called certain
            "certain_digits": (limit.certainty == Certainty::Certain).then_some(limit.digits.floor() as u64),
            "estimated_digits": (limit.certainty == Certainty::Estimated).then_some(limit.digits.floor() as u64),
            "depth": limit.depth,
            "delta": delta.map(|d| d.delta),
            "delta_depth": delta.map(|d| d.depth),
            "delta_settled": delta.map(|d| d.settled),
            "convergence_rate": limit.rate,
            "geometric_convergence": limit.geometric,
            "extrapolated": limit.certainty == Certainty::Estimated,
            "identification": id.as_ref().map(|i| json!({
                "formula": i.formula(),
                "relation": i.relation_string(),
                "constants": i.constants,
                "numerator": i.numerator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "denominator": i.denominator.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "verified_digits": i.verified_digits,
            })),
        });
        println!("{}", serde_json::to_string_pretty(&j)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("PCF       {pcf}");
    println!("limit     {value}");
    println!(
        "{:<10}{} digits (depth {}{}{})",
        limit.certainty.word(),
        limit.digits.floor(),
        limit.depth,
        if limit.certainty == Certainty::Estimated {
            ", Richardson extrapolation"
        } else {
            ""
        },
        if limit.digits < args.digits as f64 {
            " — depth limit reached; the convergence is slow, raise --max-depth for more"
        } else {
            ""
        }
    );
    match delta {
        Some(d) if d.settled => println!(
            "delta     {:.4} (gcd-reduced denominators at depth {}; settled: depths {}, {} agree within {DELTA_TOL})",
            d.delta,
            d.depth,
            d.depth / 4,
            d.depth / 2
        ),
        Some(d) => println!(
            "delta     {:.4} (gcd-reduced denominators at depth {}; not settled within depth {})",
            d.delta,
            d.depth,
            2 * d.depth
        ),
        None => println!("delta     undefined (reduced denominators are 1)"),
    }
    println!("{}", super::rate_line(limit.rate, limit.geometric, "term"));
    match id {
        Some(i) => println!(
            "identity  {}   [{}; agrees to {} digits]",
            i.formula(),
            i.relation_string(),
            i.verified_digits
        ),
        None => println!(
            "identity  none found among {} constant(s) (coefficients ≤ {})",
            names.len(),
            args.max_coeff
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Deepest depth for δ (its convergents to twice this depth cost milliseconds).
const DELTA_MAX_DEPTH: usize = 1 << 15;
/// δ counts as settled when three successive doublings agree this closely.
const DELTA_TOL: f64 = apery::pcf::limit::DELTA_SETTLED_TOL;

/// Reports a PCF without a limit (exit status 1).
fn no_limit(args: &Args, pcf: &Pcf, why: &str) -> Result<ExitCode> {
    if args.json {
        let j = json!({
            "a": pcf.a.python(),
            "b": pcf.b.python(),
            "limit": null,
            "certain_digits": 0,
            "no_limit": why,
        });
        println!("{}", serde_json::to_string_pretty(&j)?);
    } else {
        println!("PCF       {pcf}");
        println!("limit     none: {why}");
    }
    Ok(ExitCode::from(1))
}

/// A spinner on standard error naming the step in progress (drawn only on a terminal).
struct Spinner(Option<ProgressBar>);

impl Spinner {
    fn new(quiet: bool) -> Spinner {
        if quiet {
            return Spinner(None);
        }
        let pb = ProgressBar::new_spinner();
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        Spinner(Some(pb))
    }
    fn say(&self, msg: String) {
        if let Some(pb) = &self.0 {
            pb.set_message(msg);
        }
    }
    fn done(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}

/// Möbius identification against each constant, then a joint integer relation, at
/// [`IDENTIFY_DIGITS`] significant digits (or fewer when fewer are certain); a relation found is
/// then re-verified with the constants it uses evaluated at all the certain digits, and kept only
/// if it holds there. The certain decimal places of the limit are converted to significant digits
/// ([`SignificantDigits::from_places`]): agreement is relative.
fn identify(
    limit: &Limit,
    names: &[String],
    max_coeff: u64,
    spinner: &Spinner,
) -> Result<Option<Identification>> {
    let places = limit.digits.floor() as u32;
    let trusted = SignificantDigits::from_places(&limit.value, places);
    if trusted.get() < 12 {
        return Ok(None);
    }
    let search = trusted.at_most(IDENTIFY_DIGITS);
    spinner.say(format!(
        "identifying against {} constant(s) at {search} significant digits",
        names.len()
    ));
    let prec = Margin::CONSTANTS.bits(search.get());
    let mut targets = Vec::new();
    for n in names {
        let v: Float = constants::evaluate(n, prec).with_context(|| format!("constant '{n}'"))?;
        targets.push((n.clone(), v));
    }
    let x = Float::with_val(prec, &limit.value);
    let found = match identify_mobius(&x, search, &targets, max_coeff)? {
        Some(id) => Some(id),
        // A joint relation with a few constants at a time is cheaper and safer than all at once.
        None => {
            let joint: Vec<(String, Float)> = targets.iter().take(6).cloned().collect();
            identify_relation(&x, search, &joint, max_coeff)?
        }
    };
    let Some(mut id) = found else {
        return Ok(None);
    };
    if let [i] = id.target_indices.as_slice() {
        id = apery::identify::quadratic::canonical_form(&id, &targets[*i].1);
    }
    let trusted = trusted.get();
    if trusted > search.get() {
        spinner.say(format!(
            "confirming {} at {trusted} significant digits",
            id.formula()
        ));
        let full = Margin::CONSTANTS.bits(trusted);
        let values = id
            .constants
            .iter()
            .map(|n| constants::evaluate(n, full).with_context(|| format!("constant '{n}'")))
            .collect::<Result<Vec<Float>>>()?;
        id.verified_digits = id.verify(&limit.value, &values);
        // A relation that held to `search` digits but breaks before the certain digits is a
        // coincidence of the shorter precision, not an identity.
        if id.verified_digits + 2 < trusted {
            return Ok(None);
        }
    }
    // Agreement beyond the digits that are certain is not evidence.
    id.verified_digits = id.verified_digits.min(trusted);
    Ok(Some(id))
}

/// The items of a comma-separated list, splitting only at commas outside parentheses, so that
/// `pi,besseli(1,1/500)` is two constants; items are trimmed and empty ones dropped.
fn split_list(s: &str) -> Vec<String> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&s[start..]);
    items
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}
