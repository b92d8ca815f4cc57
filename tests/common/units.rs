//! Work units in the tests: running them in-process on a pool of a given size, writing their
//! results, tampering with a result (its digest redone), and the `merge` / `run-unit` /
//! `boinc compare-results` command lines.

use super::apery;
use apery::unit::{self, Outcome, RunOptions, Split, Unit, UnitResult};
use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Runs `u` in-process on a pool of `threads` threads, with `opts` and a checkpoint every `every`.
pub fn run_on_pool(u: &Unit, threads: usize, opts: &RunOptions, every: Duration) -> Outcome {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut ck = unit::Periodic::new(every);
    pool.install(|| unit::run_unit(u, opts, &mut ck, &|_| {}))
        .unwrap()
}

/// The result of a run that must have finished.
pub fn finished(o: Outcome) -> UnitResult {
    match o {
        Outcome::Finished(r) => *r,
        o => panic!("{o:?}"),
    }
}

/// Runs every unit of `split` with `run` and writes unit `i`'s result to `dir/{i:06}.result`;
/// returns the paths in unit order.
pub fn write_results(dir: &Path, split: &Split, run: impl Fn(&Unit) -> UnitResult) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (0..split.len())
        .map(|i| {
            let p = dir.join(format!("{i:06}.result"));
            std::fs::write(&p, run(&split.unit(i)).encode()).unwrap();
            p
        })
        .collect()
}

/// Re-encodes a result after `edit` (so that its digest is valid again).
pub fn edited(bytes: &[u8], edit: impl FnOnce(&mut UnitResult)) -> Vec<u8> {
    let (mut r, _) = UnitResult::decode(bytes, "r").unwrap();
    edit(&mut r);
    r.encode()
}

/// `apery merge --catalog CAT` (the results to merge still to be added).
pub fn merge_into(cat: &Path) -> Command {
    let mut c = apery();
    c.arg("merge").arg("--catalog").arg(cat);
    c
}

/// `apery run-unit UNIT --result RESULT` (options still to be added).
pub fn run_unit_cmd(unit: &Path, result: &Path) -> Command {
    let mut c = apery();
    c.arg("run-unit").arg(unit).arg("--result").arg(result);
    c
}

/// `apery boinc compare-results A B`: the BOINC validator's quorum comparison.
pub fn compare_results(a: &Path, b: &Path) -> Command {
    let mut c = apery();
    c.args(["boinc", "compare-results"]).arg(a).arg(b);
    c
}

/// `apery boinc templates --out OUT --units UNITS` (options still to be added).
pub fn boinc_templates(out: &Path, units: &Path) -> Command {
    let mut c = apery();
    c.args(["boinc", "templates", "--out"])
        .arg(out)
        .arg("--units")
        .arg(units);
    c
}

/// The result in the file `path`, decoded (its digest checked).
pub fn read_result(path: &Path) -> UnitResult {
    UnitResult::decode(&std::fs::read(path).unwrap(), "r")
        .unwrap()
        .0
}
