//! `apery prove` and `apery check-proof`.

use anyhow::{bail, Context, Result};
use apery::catalog::proofs::ProofStatus;
use apery::catalog::{Conjecture, Query};
use apery::proof::prover::{certificate_id, claim_of, prove_all, root, Prover};
use apery::proof::render::markdown;
use apery::proof::{check, Certificate};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const EXAMPLES: &str = "Examples:
  apery prove --all                                   prove what can be proved, certificates in proofs/
  apery prove --all --catalog run.sqlite --out /tmp/proofs
  apery prove 'pcf:(n**2)/(4*n**2 - 1)'               one conjecture, by canonical key
  apery prove pi-0a1b2c3d4e5f                          or by certificate id
  apery check-proof proofs/pi-0a1b2c3d4e5f.json        re-verify a certificate from the file alone";

/// Arguments of `apery prove`.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The conjecture: its canonical key (`apery query --format csv`) or certificate id.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    id: Option<String>,
    /// Try every PCF conjecture of the catalog.
    #[arg(long)]
    all: bool,
    /// Catalog database (updated with the proof status).
    #[arg(long, default_value_os_t = super::default_catalog())]
    catalog: PathBuf,
    /// Directory for the certificates (`ID.json`) and their readings (`ID.md`).
    #[arg(long, default_value = "proofs")]
    out: PathBuf,
    /// Do not print progress.
    #[arg(long, short)]
    quiet: bool,
}

/// Arguments of `apery check-proof`.
#[derive(clap::Args, Debug)]
#[command(after_help = EXAMPLES)]
pub struct CheckArgs {
    /// Certificate files (JSON, see proofs/README.md).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print only failures.
    #[arg(long, short)]
    quiet: bool,
}

fn matches(c: &Conjecture, id: &str) -> bool {
    c.canonical_key == id
        || c.constants
            .first()
            .is_some_and(|k| certificate_id(k, &c.canonical_key) == id)
}

/// Runs `apery prove`.
pub fn run(args: Args) -> Result<()> {
    let start = std::time::Instant::now();
    let mut catalog = super::open_existing_catalog(&args.catalog)?;
    let rows = catalog.query(&Query {
        kind: Some("pcf".into()),
        ..Query::default()
    })?;
    let rows: Vec<Conjecture> = match &args.id {
        Some(id) => {
            let r: Vec<Conjecture> = rows.into_iter().filter(|c| matches(c, id)).collect();
            if r.is_empty() {
                bail!(
                    "no PCF conjecture with canonical key or certificate id {id:?} in {} \
                     (list the keys with `apery query --format csv`)",
                    args.catalog.display()
                );
            }
            r
        }
        None => rows,
    };
    let usable: Vec<(usize, apery::pcf::Pcf, apery::proof::Limit)> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, c)| claim_of(c).map(|(p, l)| (i, p, l)))
        .collect();
    let targets: Vec<_> = usable
        .iter()
        .map(|(_, p, l)| (p.clone(), l.clone()))
        .collect();
    let mut prover = Prover::new();
    let quiet = args.quiet;
    let results = prove_all(&mut prover, &targets, |i| {
        if !quiet {
            eprintln!("proved  {}", targets[i].0);
        }
    });
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut proved = 0;
    let mut families = std::collections::BTreeSet::new();
    let mut statuses = Vec::new();
    for ((i, _, claim), result) in usable.iter().zip(&results) {
        let c = &rows[*i];
        let status = match result {
            Some((cert, proven)) => {
                // Written only after the checker accepted the certificate; re-check the file as written.
                let id = certificate_id(&claim.constant, &c.canonical_key);
                let json_path = args.out.join(format!("{id}.json"));
                let text = cert.to_file_string();
                let reread = Certificate::from_file_str(&text)?;
                check(&reread).map_err(|e| anyhow::anyhow!("internal: certificate {id}: {e}"))?;
                std::fs::write(&json_path, &text)
                    .with_context(|| format!("writing {}", json_path.display()))?;
                let md_path = args.out.join(format!("{id}.md"));
                std::fs::write(&md_path, markdown(cert, proven))
                    .with_context(|| format!("writing {}", md_path.display()))?;
                proved += 1;
                let (rpcf, label) = root(cert);
                let family = format!("{rpcf} [{label}]");
                families.insert(family.clone());
                ProofStatus {
                    canonical_key: c.canonical_key.clone(),
                    status: "proved".into(),
                    kind: Some(cert.kind().into()),
                    certificate: Some(json_path.display().to_string()),
                    family: Some(family),
                    anchors: Some(proven.anchors.join(",")),
                }
            }
            None => ProofStatus {
                canonical_key: c.canonical_key.clone(),
                status: "conjecture".into(),
                kind: None,
                certificate: None,
                family: None,
                anchors: None,
            },
        };
        statuses.push(status);
    }
    catalog.record_proofs(&statuses)?;
    println!(
        "proved {proved} of {} PCF conjecture(s) ({:.0} %) in {} proven equivalence class(es); \
         {} not provable by a Möbius relation to one constant; {:.2} s",
        usable.len(),
        if usable.is_empty() {
            0.0
        } else {
            100.0 * proved as f64 / usable.len() as f64
        },
        families.len(),
        rows.len() - usable.len(),
        start.elapsed().as_secs_f64()
    );
    println!(
        "certificates in {} (re-check with `apery check-proof {}/FILE.json`)",
        args.out.display(),
        args.out.display()
    );
    Ok(())
}

/// Runs `apery check-proof`: exit status 0 when every file checks, 1 otherwise.
pub fn run_check(args: CheckArgs) -> Result<ExitCode> {
    let mut failed = 0;
    for f in &args.files {
        match check_file(f) {
            Ok(lines) => {
                if !args.quiet {
                    println!("{}: OK", f.display());
                    for l in lines {
                        println!("  {l}");
                    }
                }
            }
            Err(e) => {
                failed += 1;
                println!("{}: FAILED: {e:#}", f.display());
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn check_file(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let cert = Certificate::from_file_str(&text)?;
    let proven = check(&cert)?;
    let mut lines = vec![format!("theorem: PCF({}) = {}", proven.pcf, proven.limit)];
    lines.extend(proven.steps);
    Ok(lines)
}
