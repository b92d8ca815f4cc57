//! `apery boinc`: the project side of volunteer computing with BOINC. Templates and work
//! creation commands, and the commands that BOINC's `script_validator` and `script_assimilator`
//! run. The volunteer side is the `apery-boinc` executable (cargo feature `boinc`).

use anyhow::{bail, Context, Result};
use apery::unit::{self, merge, Unit, COMPAT_VERSION};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status of `check-result` for a valid result.
const VALID: u8 = 0;
/// Exit status of `check-result` for an invalid result.
const INVALID: u8 = 1;
/// Exit status of `check-result` when the file cannot be read now (the validator retries later).
const TRANSIENT: u8 = 3;

/// Arguments of `apery boinc`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::Subcommand, Debug)]
enum Cmd {
    /// Write input/output templates, validator/assimilator wrappers, daemon entries and a
    /// `create_work.sh` for a directory of unit files.
    Templates(TemplatesArgs),
    /// Validator init script: exit 0 for a valid result, 3 if it cannot be read now, 1 if invalid.
    CheckResult {
        /// The result file(s) of one task (BOINC's `files` token).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The workunit name the result must belong to.
        #[arg(long)]
        wu_name: Option<String>,
    },
    /// Validator compare script: exit 0 if the two results have the same digest (or, for
    /// dynamics units, metrics that agree within the stated tolerance), 1 otherwise.
    CompareResults {
        /// The first result file.
        a: PathBuf,
        /// The second result file.
        b: PathBuf,
    },
    /// Assimilator script: copy the canonical result to INBOX/<wu_name>.result (atomically,
    /// idempotently), or write INBOX/<wu_name>.failed for a failed workunit (`--error N`).
    Collect {
        /// Directory that `apery merge` reads.
        #[arg(long)]
        inbox: PathBuf,
        /// The workunit failed with this error code.
        #[arg(long, allow_hyphen_values = true)]
        error: Option<i64>,
        /// The workunit name (the unit id).
        wu_name: String,
        /// The canonical result file (for `--error`: the workunit id and batch id, ignored).
        rest: Vec<PathBuf>,
    },
}

#[derive(clap::Args, Debug)]
struct TemplatesArgs {
    /// Output directory (`templates/`, `bin/`, `daemons.xml`, `create_work.sh`).
    #[arg(long)]
    out: PathBuf,
    /// Unit files to create workunits for (a directory of `*.unit`).
    #[arg(long)]
    units: Option<PathBuf>,
    /// Estimated floating-point operations per candidate (for `rsc_fpops_est`).
    #[arg(long, default_value_t = 2.0e4)]
    fpops_per_candidate: f64,
    /// Inbox directory the assimilator fills and `apery merge` reads.
    #[arg(long, default_value = "inbox")]
    inbox: PathBuf,
}

/// The BOINC application name: a new application per compatibility version, so that a quorum
/// never pairs results computed under different rules.
pub fn app_name() -> String {
    format!("apery_c{COMPAT_VERSION}")
}

/// Runs `apery boinc`.
pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        Cmd::Templates(a) => templates(a).map(|_| ExitCode::SUCCESS),
        Cmd::CheckResult { files, wu_name } => Ok(check(&files, wu_name.as_deref())),
        Cmd::CompareResults { a, b } => Ok(compare(&a, &b)),
        Cmd::Collect {
            inbox,
            error,
            wu_name,
            rest,
        } => collect(&inbox, error, &wu_name, &rest).map(|_| ExitCode::SUCCESS),
    }
}

fn check(files: &[PathBuf], wu_name: Option<&str>) -> ExitCode {
    for f in files {
        let bytes = match std::fs::read(f) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{}: cannot read it now: {e}", f.display());
                return ExitCode::from(TRANSIENT);
            }
        };
        match merge::check_result(&bytes, &f.display().to_string()) {
            Ok((r, _)) => {
                if let Some(w) = wu_name {
                    if r.unit.unit_id != w {
                        eprintln!(
                            "{}: result of unit {}, not of workunit {w}",
                            f.display(),
                            r.unit.unit_id
                        );
                        return ExitCode::from(INVALID);
                    }
                }
            }
            Err(why) => {
                eprintln!("{}: invalid: {why}", f.display());
                return ExitCode::from(INVALID);
            }
        }
    }
    ExitCode::from(VALID)
}

fn compare(a: &Path, b: &Path) -> ExitCode {
    let digest = |p: &Path| -> Result<(unit::UnitResult, String)> {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        merge::check_result(&bytes, &p.display().to_string()).map_err(anyhow::Error::msg)
    };
    match (digest(a), digest(b)) {
        (Ok((_, x)), Ok((_, y))) if x == y => ExitCode::SUCCESS,
        (Ok((ra, x)), Ok((rb, y))) => match merge::results_agree(&ra, &rb) {
            // Metrics from hosts whose `ln` differs in the last bit: equal within the tolerance.
            Ok(()) => {
                eprintln!(
                    "digests differ ({} vs {}) but the metrics agree within {:e}",
                    &x[..16],
                    &y[..16],
                    merge::METRICS_REL_TOL
                );
                ExitCode::SUCCESS
            }
            Err(why) => {
                eprintln!("digests differ: {} vs {}: {why}", &x[..16], &y[..16]);
                ExitCode::from(1)
            }
        },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e:#}");
            ExitCode::from(1)
        }
    }
}

fn collect(inbox: &Path, error: Option<i64>, wu_name: &str, rest: &[PathBuf]) -> Result<()> {
    if wu_name.is_empty() || wu_name.contains('/') || wu_name.starts_with('.') {
        bail!("bad workunit name '{wu_name}'");
    }
    std::fs::create_dir_all(inbox).with_context(|| format!("creating {}", inbox.display()))?;
    if let Some(code) = error {
        unit::write_atomic(
            &inbox.join(format!("{wu_name}.failed")),
            format!("{code}\n").as_bytes(),
        )?;
        return Ok(());
    }
    let Some(file) = rest.first() else {
        bail!("no result file for workunit {wu_name}");
    };
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    unit::write_atomic(&inbox.join(format!("{wu_name}.result")), &bytes)
}

fn write_exec(path: &Path, body: &str) -> Result<()> {
    std::fs::write(path, body).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

fn templates(a: TemplatesArgs) -> Result<()> {
    let app = app_name();
    for d in ["templates", "bin"] {
        std::fs::create_dir_all(a.out.join(d))?;
    }
    let mut units: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &a.units {
        units = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "unit"))
            .collect();
        units.sort();
    }
    let mut largest = 0u64;
    let mut largest_dynamics = 0u64;
    let mut ids = Vec::new();
    for p in &units {
        let u = Unit::load(p)?;
        largest = largest.max(u.end - u.start);
        if matches!(u.work, unit::Work::Dynamics { .. }) {
            largest_dynamics = largest_dynamics.max(u.end - u.start);
        }
        ids.push((std::fs::canonicalize(p)?, u.unit_id));
    }
    let est = if largest > 0 {
        largest as f64 * a.fpops_per_candidate
    } else {
        2.0e13
    };
    let input = format!(
        "<input_template>
  <file_info>
    <number>0</number>
  </file_info>
  <workunit>
    <file_ref>
      <file_number>0</file_number>
      <open_name>unit</open_name>
    </file_ref>
    <rsc_fpops_est>{est:.3e}</rsc_fpops_est>
    <rsc_fpops_bound>{bound:.3e}</rsc_fpops_bound>
    <rsc_memory_bound>1.0e9</rsc_memory_bound>
    <rsc_disk_bound>2.0e8</rsc_disk_bound>
    <delay_bound>604800</delay_bound>
    <min_quorum>2</min_quorum>
    <target_nresults>2</target_nresults>
    <max_error_results>4</max_error_results>
    <max_total_results>8</max_total_results>
    <max_success_results>5</max_success_results>
  </workunit>
</input_template>
",
        bound = est * 20.0
    );
    // A dynamics result holds about 190 bytes per PCF (one metrics record each).
    let max_nbytes = 4_000_000u64.max(largest_dynamics * 400 + 1_000_000);
    let output = format!(
        "<output_template>
  <file_info>
    <name><OUTFILE_0/></name>
    <generated_locally/>
    <upload_when_present/>
    <max_nbytes>{max_nbytes}</max_nbytes>
    <url><UPLOAD_URL/></url>
  </file_info>
  <result>
    <file_ref>
      <file_name><OUTFILE_0/></file_name>
      <open_name>result</open_name>
    </file_ref>
  </result>
</output_template>
"
    );
    std::fs::write(a.out.join("templates").join(format!("{app}_in")), input)?;
    std::fs::write(a.out.join("templates").join(format!("{app}_out")), output)?;
    let exe = std::env::current_exe().context("locating the apery executable")?;
    let exe = exe.to_string_lossy();
    let inbox = std::path::absolute(&a.inbox).unwrap_or(a.inbox.clone());
    let inbox = inbox.to_string_lossy();
    write_exec(
        &a.out.join("bin").join("apery_check"),
        &format!("#!/bin/sh\nexec \"${{APERY:-{exe}}}\" boinc check-result \"$@\"\n"),
    )?;
    write_exec(
        &a.out.join("bin").join("apery_compare"),
        &format!("#!/bin/sh\nexec \"${{APERY:-{exe}}}\" boinc compare-results \"$@\"\n"),
    )?;
    write_exec(
        &a.out.join("bin").join("apery_collect"),
        &format!(
            "#!/bin/sh\nexec \"${{APERY:-{exe}}}\" boinc collect --inbox \"${{APERY_INBOX:-{inbox}}}\" \"$@\"\n"
        ),
    )?;
    std::fs::write(
        a.out.join("daemons.xml"),
        format!(
            "<!-- add inside <daemons> of the project's config.xml -->
<daemon><cmd>script_validator --app {app} --init_script \"apery_check files\" --compare_script \"apery_compare files files2\"</cmd></daemon>
<daemon><cmd>script_assimilator --app {app} --script \"apery_collect wu_name files\"</cmd></daemon>
"
        ),
    )?;
    let mut cw = String::from(
        "#!/bin/sh\n# Run from the project root: stages each unit file and creates one workunit per unit\n# (the workunit name is the deterministic unit id).\nset -e\n",
    );
    for (p, id) in &ids {
        let p = p.to_string_lossy();
        cw.push_str(&format!(
            "cp '{p}' '{id}.unit' && bin/stage_file --copy '{id}.unit' && rm -f '{id}.unit' && \\\n  bin/create_work --appname {app} --wu_name '{id}' --wu_template templates/{app}_in --result_template templates/{app}_out '{id}.unit'\n"
        ));
    }
    write_exec(&a.out.join("create_work.sh"), &cw)?;
    eprintln!(
        "BOINC files for application {app} in {} ({} workunits in create_work.sh)",
        a.out.display(),
        ids.len()
    );
    Ok(())
}
