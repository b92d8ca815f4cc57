//! `apery eval`.

use anyhow::{Context, Result};
use apery::constants;
use apery::identify::{identify_mobius, identify_relation, Identification};
use apery::pcf::limit::{bits_for_digits, evaluate, EvalOptions, Limit};
use apery::pcf::Pcf;
use rug::Float;
use serde_json::json;

/// Arguments of `apery eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// a(n), e.g. "34n^3+51n^2+27n+5" (also n**3, 2*n, parentheses).
    #[arg(long, allow_hyphen_values = true)]
    a: String,
    /// b(n), e.g. "-n^6".
    #[arg(long, allow_hyphen_values = true)]
    b: String,
    /// Digits wanted; the depth doubles until they are certain or --max-depth is reached.
    #[arg(long, default_value_t = 100)]
    digits: u32,
    /// Largest depth.
    #[arg(long, default_value_t = 1 << 17)]
    max_depth: usize,
    /// Constants to identify the limit with (names or expressions); default: the whole library.
    #[arg(long, value_delimiter = ',')]
    constants: Vec<String>,
    /// Largest coefficient allowed in a relation.
    #[arg(long, default_value_t = 1000)]
    max_coeff: u64,
    /// Print JSON (schema in the README).
    #[arg(long)]
    json: bool,
}

/// Runs `apery eval`.
pub fn run(args: Args) -> Result<()> {
    let pcf = Pcf::parse(&args.a, &args.b).context("reading the PCF")?;
    let limit = evaluate(
        &pcf,
        &EvalOptions {
            digits: args.digits,
            start_depth: 32,
            max_depth: args.max_depth,
        },
    )?;
    let shown = (limit.digits.floor() as usize).clamp(1, args.digits as usize);
    let value = apery::pcf::limit::decimal(&limit.value, shown + 1 + int_digits(&limit));
    let names: Vec<String> = if args.constants.is_empty() {
        constants::library()
            .iter()
            .map(|c| c.name.to_string())
            .collect()
    } else {
        args.constants.clone()
    };
    let id = identify(&limit, &names, args.max_coeff)?;
    if args.json {
        let j = json!({
            "a": pcf.a.python(),
            "b": pcf.b.python(),
            "limit": value,
            "certain_digits": limit.digits.floor() as u64,
            "depth": limit.depth,
            "delta": limit.delta,
            "convergence_rate": limit.rate,
            "geometric_convergence": limit.geometric,
            "extrapolated": limit.extrapolated,
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
        return Ok(());
    }
    println!("PCF       {pcf}");
    println!("limit     {value}");
    println!(
        "certain   {} digits (depth {}{}{})",
        limit.digits.floor(),
        limit.depth,
        if limit.extrapolated {
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
    match limit.delta {
        Some(d) => println!(
            "delta     {d:.6} (gcd-reduced denominators at depth {})",
            limit.depth / 2
        ),
        None => println!("delta     undefined (reduced denominator 1)"),
    }
    println!(
        "rate      {:.4} digits per term ({})",
        limit.rate,
        if limit.geometric {
            "geometric or faster"
        } else {
            "sub-geometric"
        }
    );
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
    Ok(())
}

fn int_digits(l: &Limit) -> usize {
    let a = l.value.clone().abs();
    if a < 1 {
        0
    } else {
        apery::pcf::limit::log10_abs(&a).floor() as usize + 1
    }
}

/// Möbius identification against each constant, then a joint integer relation.
fn identify(limit: &Limit, names: &[String], max_coeff: u64) -> Result<Option<Identification>> {
    let trusted = limit.digits.floor() as u32;
    if trusted < 12 {
        return Ok(None);
    }
    let prec = bits_for_digits(trusted) + 64;
    let mut targets = Vec::new();
    for n in names {
        let v: Float = constants::evaluate(n, prec).with_context(|| format!("constant '{n}'"))?;
        targets.push((n.clone(), v));
    }
    let found = match identify_mobius(&limit.value, trusted, &targets, max_coeff)? {
        Some(id) => Some(id),
        // A joint relation with a few constants at a time is cheaper and safer than all at once.
        None => {
            let joint: Vec<(String, Float)> = targets.iter().take(6).cloned().collect();
            identify_relation(&limit.value, trusted, &joint, max_coeff)?
        }
    };
    // Agreement beyond the digits that are certain is not evidence.
    Ok(found.map(|mut id| {
        id.verified_digits = id.verified_digits.min(trusted);
        id
    }))
}
