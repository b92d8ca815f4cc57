//! `apery generalize`: a conservative matrix field containing a catalog PCF, and its family.

use anyhow::{bail, Context, Result};
use apery::catalog::families::FamilyRow;
use apery::cmf::ffbar::{self, FfbarOptions};
use apery::cmf::generalize::{
    generalize, membership_certificate, Family, GeneralizeOptions, Member, Outcome, Route,
};
use apery::constants;
use apery::pcf::canonical::CanonicalKey;
use apery::pcf::Pcf;
use serde_json::json;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  apery generalize --a \"2n+1\" --b \"-n^2\"                     the f, f̄ field of a PCF
  apery generalize --a \"34n^3+51n^2+27n+5\" --b \"-n^6\"         Apéry's PCF: a trajectory of the ζ(3) field
  apery generalize 3 --catalog results/catalog.sqlite          conjecture 3 (its row id, or its canonical key)
  apery generalize 3 --json --no-write                          print only
  apery generalize --a 5 --b \"n^2\" --certificate p.json        a membership certificate (anchor: 1/ln 2)";

/// Arguments of `apery generalize`.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// A conjecture of the catalog: its row id (`id` column) or its canonical key.
    #[arg(conflicts_with_all = ["a", "b"], required_unless_present_all = ["a", "b"])]
    id: Option<String>,
    /// The catalog (default results/catalog.sqlite). With ID the family is written into it; with
    /// --a/--b it is written only if this is given.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// a(n) of a PCF (instead of ID).
    #[arg(long, requires = "b", allow_hyphen_values = true)]
    a: Option<String>,
    /// b(n) of a PCF (instead of ID).
    #[arg(long, requires = "a", allow_hyphen_values = true)]
    b: Option<String>,
    /// Constants to identify the family's limits with (default: the conjecture's constants; with
    /// --a/--b the whole library).
    #[arg(long = "constant")]
    constants: Vec<String>,
    /// Largest total degree of f, f̄.
    #[arg(long, default_value_t = 6)]
    max_degree: u32,
    /// Digits each family member is evaluated to.
    #[arg(long, default_value_t = 50)]
    digits: u32,
    /// Do not search the bundled fields' trajectories.
    #[arg(long)]
    no_trajectories: bool,
    /// Print only; write nothing to the catalog.
    #[arg(long)]
    no_write: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Write the CMF-membership certificate (when an anchor is a line of the f, f̄ field) to FILE.
    #[arg(long, value_name = "FILE")]
    certificate: Option<PathBuf>,
}

/// Runs `apery generalize`; exit status 1 when no family is found.
pub fn run(args: Args) -> Result<std::process::ExitCode> {
    let (pcf, key, consts, catalog) = match &args.id {
        Some(id) => {
            let path = args.catalog.clone().unwrap_or_else(super::default_catalog);
            let cat = if args.no_write {
                super::open_catalog_for_reading(&path)?
            } else {
                super::open_existing_catalog(&path)?
            };
            let Some(c) = cat.conjecture_ref(id)? else {
                bail!(
                    "{}: no conjecture with id or canonical key '{id}' (see `apery query --format json`)",
                    path.display()
                );
            };
            if c.kind != "pcf" {
                bail!(
                    "conjecture {id} is of kind '{}': only PCFs can be generalised",
                    c.kind
                );
            }
            let pcf = Pcf::parse(&c.a, &c.b)
                .with_context(|| format!("conjecture {id}: reading a = {}, b = {}", c.a, c.b))?;
            let consts = if args.constants.is_empty() {
                c.constants.clone()
            } else {
                args.constants.clone()
            };
            let cat = (!args.no_write).then_some(cat);
            (pcf, c.canonical_key, consts, cat)
        }
        None => {
            let (a, b) = (args.a.as_deref().unwrap(), args.b.as_deref().unwrap());
            let pcf = Pcf::parse(a, b).context("reading the PCF")?;
            let key = CanonicalKey::of(&pcf).to_string();
            let consts = if args.constants.is_empty() {
                constants::library()
                    .iter()
                    .map(|c| c.name.to_string())
                    .collect()
            } else {
                args.constants.clone()
            };
            let cat = match (&args.catalog, args.no_write) {
                (Some(p), false) => Some(super::open_existing_catalog(p)?),
                _ => None,
            };
            (pcf, key, consts, cat)
        }
    };
    if !args.json {
        eprintln!(
            "solving the f, f̄ conditions (degree ≤ {}){}…",
            args.max_degree,
            if args.no_trajectories {
                ""
            } else {
                " and searching the bundled fields' trajectories"
            }
        );
    }
    let opts = GeneralizeOptions {
        ffbar: FfbarOptions {
            max_degree: args.max_degree.min(ffbar::MAX_DEGREE),
        },
        digits: args.digits,
        trajectories: !args.no_trajectories,
        ..GeneralizeOptions::default()
    };
    let out = generalize(&pcf, &consts, &opts);
    if out.families.is_empty() {
        let msg = no_family(&pcf, &out);
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "pcf": {"a": pcf.a.python(), "b": pcf.b.python()},
                    "families": [],
                    "message": msg,
                }))?
            );
        } else {
            println!("{msg}");
        }
        return Ok(std::process::ExitCode::FAILURE);
    }
    let rows: Vec<FamilyRow> = out.families.iter().map(|f| row(f, &key)).collect();
    let proof = out.families.iter().find_map(|f| match &f.route {
        Route::Ffbar(s) => membership_certificate(s),
        Route::Trajectory { .. } => None,
    });
    if let Some(path) = &args.certificate {
        let Some((cert, _)) = &proof else {
            bail!(
                "no membership certificate: no anchor of proofs/anchors.toml is a line of the f, f̄ field"
            );
        };
        std::fs::write(path, cert.to_file_string())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(mut cat) = catalog {
        for r in &rows {
            cat.insert_family(r)
                .context("writing the family to the catalog")?;
        }
    }
    if args.json {
        let fams: Vec<_> = out.families.iter().map(family_json).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({
                "pcf": {"a": pcf.a.python(), "b": pcf.b.python()},
                "conjecture_key": key,
                "families": fams,
            }))?
        );
    } else {
        println!("PCF ({}, {})", pcf.a.python(), pcf.b.python());
        for f in &out.families {
            print_family(f);
        }
        if let Some((_, p)) = &proof {
            println!(
                "\nproof       CMF membership (anchor {}): PCF = {} — the certificate's identities are checked{}",
                p.anchors.join(", "),
                p.limit,
                match &args.certificate {
                    Some(path) => format!("; written to {}", path.display()),
                    None => "; --certificate FILE writes it".to_string(),
                }
            );
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn no_family(pcf: &Pcf, out: &Outcome) -> String {
    let t = &out.tried;
    let degrees = match (t.degrees.first(), t.degrees.last()) {
        (Some(a), Some(b)) => format!("degrees {a}..={b}"),
        _ => "no degree".to_string(),
    };
    let note = if t.ffbar_note.is_empty() {
        String::new()
    } else {
        format!(" ({})", t.ffbar_note)
    };
    let fields = if t.fields.is_empty() {
        "no bundled field searched".to_string()
    } else {
        format!(
            "{} trajectory PCFs of the bundled fields {} (trajectory entries −1..=2 for 2 axes, 0..=1 for 3; starts 0..=2)",
            t.trajectories,
            t.fields.join(", ")
        )
    };
    format!(
        "no family found for PCF ({}, {}).\n  tried: f, f̄ pairs at {degrees}{note}; {fields}.\n  hint: raise --max-degree, or inflate/shift the PCF differently",
        pcf.a.python(),
        pcf.b.python()
    )
}

fn row(f: &Family, key: &str) -> FamilyRow {
    FamilyRow {
        kind: "cmf-family".into(),
        conjecture_key: key.to_string(),
        route: f.route_name().into(),
        field_name: f.field.name.clone(),
        field: f.field_text.clone(),
        original: serde_json::to_value(&f.original).unwrap_or_default(),
        members: serde_json::to_value(&f.members).unwrap_or_default(),
    }
}

fn matrices(f: &Family) -> Vec<String> {
    let vars = f.field.vars();
    f.field
        .axes
        .iter()
        .zip(&f.field.matrices)
        .map(|(axis, m)| {
            let rows: Vec<String> = (0..m.dim())
                .map(|i| {
                    let r: Vec<String> = (0..m.dim()).map(|j| m.get(i, j).display(&vars)).collect();
                    format!("[{}]", r.join(", "))
                })
                .collect();
            format!("M_{axis} = [{}]", rows.join(", "))
        })
        .collect()
}

fn embedding(f: &Family) -> Vec<String> {
    let v = ffbar::xy();
    match &f.route {
        Route::Ffbar(s) => vec![
            format!("f(x, y)    = {}", s.f.display(&v)),
            format!("f̄(x, y)    = {}", s.fbar.display(&v)),
            format!("a(x, y)    = {}", s.a.display(&v)),
            format!("b(x)       = {}", s.b.display(&v)),
            format!("det M_y    = {}", s.h.display(&v)),
            format!(
                "line y = {}: M_x(n, {}) is the PCF ({}, {}); the input is its inflation by c(n) = {}: M_in(n) = c(n−1)·U(n)⁻¹·M_x(n, {})·U(n+1), U(n) = diag(1, c(n−1))",
                s.line,
                s.line,
                s.deflated.a.python(),
                s.deflated.b.python(),
                s.inflation.python(),
                s.line
            ),
        ],
        Route::Trajectory { pcf } => vec![format!(
            "trajectory {:?} from {:?}: step matrix T(n) gives the inflated PCF ({}, {}), deflated by {}{}: ({}, {})",
            f.original.trajectory,
            f.original.start,
            pcf.a_inflated.python(),
            pcf.b_inflated.python(),
            pcf.deflation.python(),
            if pcf.shift != 0 {
                format!(", shifted n → n + {}", pcf.shift)
            } else {
                String::new()
            },
            pcf.pcf.a.python(),
            pcf.pcf.b.python()
        )],
    }
}

fn member_line(m: &Member) -> String {
    let id = match &m.identification {
        Some(i) => format!("  {i} [{} digits]", m.verified_digits),
        None => String::new(),
    };
    format!(
        "  {:<34} a = {}, b = {}\n  {:<34} limit {} ({} certain digits){id}",
        m.role, m.a, m.b, "", m.limit, m.certain_digits
    )
}

fn print_family(f: &Family) {
    println!();
    match &f.route {
        Route::Ffbar(_) => {
            println!("field       f, f̄ construction (conservative: checked exactly)")
        }
        Route::Trajectory { .. } => println!(
            "field       bundled field '{}' (conservative: checked exactly)",
            f.field.name
        ),
    }
    for m in matrices(f) {
        println!("            {m}");
    }
    println!("embedding");
    for e in embedding(f) {
        println!("            {e}");
    }
    println!("family");
    println!("{}", member_line(&f.original));
    for m in &f.members {
        println!("{}", member_line(m));
    }
}

fn family_json(f: &Family) -> serde_json::Value {
    json!({
        "kind": "cmf-family",
        "route": f.route_name(),
        "field_name": f.field.name,
        "field": f.field_text,
        "matrices": matrices(f),
        "embedding": embedding(f),
        "original": f.original,
        "members": f.members,
    })
}
