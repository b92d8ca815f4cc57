//! `apery constants`.

use anyhow::Result;
use apery::constants;

/// Arguments of `apery constants`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A constant's name or an expression such as "exp(2/3)" or "besseli(0,2/3)/besseli(1,2/3)";
    /// without it the library is listed.
    name: Option<String>,
    /// Significant digits to print.
    #[arg(long, default_value_t = 50)]
    digits: usize,
}

/// Runs `apery constants`.
pub fn run(args: Args) -> Result<()> {
    match args.name {
        Some(n) => println!("{}", constants::digits(&n, args.digits)?),
        None => {
            println!("{:<16} {:<10} definition", "name", "symbol");
            for c in constants::library() {
                println!("{:<16} {:<10} {}", c.name, c.symbol, c.description);
                if !c.aliases.is_empty() {
                    println!("{:<16} {:<10} aliases: {}", "", "", c.aliases.join(", "));
                }
            }
            println!(
                "\nExpressions combine these with + - * / ^, integers and functions (sqrt, exp, log, sin, cos, tan, \
                 atan, sinh, cosh, tanh, asinh, acosh, atanh, gamma, zeta, agm, besseli, hyp1f1, polygamma)."
            );
        }
    }
    Ok(())
}
