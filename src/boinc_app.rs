//! `apery-boinc`: one work unit as a BOINC application (cargo feature `boinc`; links the BOINC API
//! libraries of Debian's `libboinc-app-dev`, dynamically).
//!
//! The client gives the unit under the logical name `unit` and expects the result under the
//! logical name `result`; both are resolved with `boinc_resolve_filename`. Progress is reported
//! after every block, a checkpoint (`<unit id>.ckpt` in the slot directory) is written whenever the
//! client asks, the result is written inside a critical section, and the run ends with
//! `boinc_finish(status)`: 0 on success, 4 for a unit of another compatibility version, 1 for any
//! other error (the reason goes to `stderr.txt`, which the project receives).
//!
//! Options: `--nthreads N` (plan class `mt`; default 1 thread, BOINC's one task per core) and
//! `--checkpoint-every-blocks K` (tests: the standalone checkpoint period is 300 s).

use anyhow::{anyhow, Context, Result};
use apery::unit::{self, Checkpointer, CompatError, Outcome, RunOptions, Unit};
use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_int};
use std::path::PathBuf;

#[link(name = "boinc_api")]
#[link(name = "boinc")]
#[link(name = "stdc++")]
extern "C" {
    fn boinc_init() -> c_int;
    fn boinc_finish(status: c_int) -> c_int;
    fn boinc_resolve_filename(logical: *const c_char, physical: *mut c_char, len: c_int) -> c_int;
    fn boinc_fraction_done(x: f64) -> c_int;
    fn boinc_time_to_checkpoint() -> c_int;
    fn boinc_checkpoint_completed() -> c_int;
    fn boinc_begin_critical_section();
    fn boinc_end_critical_section();
    fn boinc_is_standalone() -> c_int;
}

/// The physical path of a logical file name.
fn resolve(logical: &str) -> Result<PathBuf> {
    let c = CString::new(logical)?;
    let mut buf = vec![0 as c_char; 4096];
    // SAFETY: `buf` is writable for its full length, which is passed; the name is NUL-terminated.
    let rc = unsafe { boinc_resolve_filename(c.as_ptr(), buf.as_mut_ptr(), buf.len() as c_int) };
    if rc != 0 {
        return Err(anyhow!("boinc_resolve_filename({logical}) failed: {rc}"));
    }
    // SAFETY: the library wrote a NUL-terminated string into `buf`.
    let s = unsafe { CStr::from_ptr(buf.as_ptr()) };
    Ok(PathBuf::from(s.to_string_lossy().into_owned()))
}

/// Checkpoints when the client asks (and every `every` blocks when testing).
struct BoincCheckpointer {
    every: Option<u64>,
    blocks: u64,
    asked: bool,
}

impl Checkpointer for BoincCheckpointer {
    fn progress(&mut self, done: u64, total: u64) {
        let x = if total == 0 {
            1.0
        } else {
            done as f64 / total as f64
        };
        // SAFETY: plain call into the BOINC API after boinc_init.
        unsafe {
            boinc_fraction_done(x);
        }
        self.blocks += 1;
    }

    fn due(&mut self) -> bool {
        // SAFETY: as above. A true answer enters a critical section that
        // boinc_checkpoint_completed leaves.
        self.asked = unsafe { boinc_time_to_checkpoint() } != 0;
        self.asked || self.every.is_some_and(|k| k > 0 && self.blocks % k == 0)
    }

    fn written(&mut self, _ok: bool) {
        if self.asked {
            // SAFETY: as above; always called after a true boinc_time_to_checkpoint.
            unsafe {
                boinc_checkpoint_completed();
            }
            self.asked = false;
        }
    }
}

fn run() -> Result<()> {
    let mut threads = 1usize;
    let mut every = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--nthreads" => {
                threads = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n: &usize| n > 0)
                    .ok_or_else(|| anyhow!("--nthreads needs a positive number"))?
            }
            "--checkpoint-every-blocks" => {
                every = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .ok_or_else(|| anyhow!("--checkpoint-every-blocks needs a number"))?,
                )
            }
            other => return Err(anyhow!("unknown argument '{other}'")),
        }
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .context("setting the thread count")?;
    let unit_path = resolve("unit")?;
    let result_path = resolve("result")?;
    let u = Unit::load(&unit_path)?;
    let checkpoint = PathBuf::from(format!("{}.ckpt", u.unit_id));
    // SAFETY: plain call after boinc_init.
    let standalone = unsafe { boinc_is_standalone() } != 0;
    eprintln!(
        "apery-boinc {}: unit {} ({}..{}), {threads} thread(s){}",
        env!("CARGO_PKG_VERSION"),
        u.unit_id,
        u.start,
        u.end,
        if standalone { ", standalone" } else { "" }
    );
    let opts = RunOptions {
        checkpoint: Some(checkpoint.clone()),
        ..RunOptions::default()
    };
    let mut ck = BoincCheckpointer {
        every,
        blocks: 0,
        asked: false,
    };
    match unit::run_unit(&u, &opts, &mut ck, &|m| eprintln!("{m}"))? {
        Outcome::Finished(r) => {
            // SAFETY: plain calls; the critical section keeps the library from exiting the
            // process while the result is written.
            unsafe { boinc_begin_critical_section() };
            let w = unit::write_atomic(&result_path, &r.encode());
            unsafe { boinc_end_critical_section() };
            w?;
            let _ = std::fs::remove_file(&checkpoint);
            eprintln!(
                "unit {}: {} formulas, {} metrics records, digest {}",
                u.unit_id,
                r.conjectures.len(),
                r.metrics.len(),
                r.digest()
            );
            Ok(())
        }
        Outcome::Interrupted { .. } => Err(anyhow!("the run stopped before the unit was finished")),
    }
}

fn main() {
    // GMP's fast loops on Intel CPUs newer than its dispatch table, before any thread starts.
    apery::gmp_cpu::select();
    // SAFETY: first BOINC call, before any other file I/O.
    let rc = unsafe { boinc_init() };
    if rc != 0 {
        eprintln!("apery-boinc: boinc_init failed: {rc}");
        // SAFETY: ends the process with the status.
        unsafe { boinc_finish(rc) };
    }
    let status = match std::panic::catch_unwind(run) {
        Ok(Ok(())) => {
            // SAFETY: plain call.
            unsafe { boinc_fraction_done(1.0) };
            0
        }
        Ok(Err(e)) => {
            eprintln!("apery-boinc: error: {e:#}");
            if e.downcast_ref::<CompatError>().is_some() {
                4
            } else {
                1
            }
        }
        Err(_) => {
            eprintln!("apery-boinc: internal error (panic)");
            1
        }
    };
    // SAFETY: boinc_finish writes boinc_finish_called and exits the process with `status`.
    unsafe { boinc_finish(status) };
    std::process::exit(status);
}
