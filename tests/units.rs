//! Deterministic work units: splitting, running, checkpoints, the re-verifying merge, coverage,
//! and the Slurm and BOINC project-side commands (which need no extra packages).

use apery::catalog::{Catalog, Query};
use apery::search::{ChunkOutput, Counters, MemorySink, Searcher};
use apery::space::SearchSpace;
use apery::unit::merge::{merge_files, MergeStatus};
use apery::unit::{self, RunOptions, Split, Unit, UnitResult, COMPAT_VERSION};
use common::units::{
    boinc_templates, compare_results, edited, finished, merge_into, read_result, run_on_pool,
    run_unit_cmd, write_results,
};
use common::{apery, repo};
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tempfile::TempDir;

mod common;

const SMALL: &str = "tests/fixtures/units-small.toml";
/// Block size of the small space's units: many blocks per unit.
const BLOCK: u64 = 64;

fn small_text() -> String {
    std::fs::read_to_string(repo(SMALL)).unwrap()
}

/// The small space split into `n` units (of blocks of `block` candidates).
fn small_split(n: u64, block: Option<u64>) -> Split {
    Split::new(&small_text(), &repo(SMALL), n, block).unwrap()
}

/// `apery split SMALL EXTRA… --out OUT`, run from the repository.
fn split_cli(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    apery()
        .args(["split", SMALL])
        .args(extra)
        .arg("--out")
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
}

/// Everything mathematical in a catalog: rows (all fields) and the variants of each key.
type Dump = Vec<(
    String,
    String,
    String,
    String,
    u32,
    u64,
    u64,
    String,
    Vec<(String, String)>,
)>;

fn dump(path: &Path) -> Dump {
    let cat = Catalog::open_read_only(path).unwrap();
    cat.query(&Query::default())
        .unwrap()
        .into_iter()
        .map(|c| {
            let v = cat.variants(&c.canonical_key).unwrap();
            (
                c.canonical_key,
                c.a,
                c.b,
                c.relation,
                c.verified_digits,
                c.depth,
                c.variants,
                format!(
                    "{}|{:?}|{:?}|{}|{}|{}",
                    c.limit, c.delta, c.convergence_rate, c.details, c.space, c.space_hash
                ),
                v,
            )
        })
        .collect()
}

/// Every table of a catalog, as text (the operational tables included).
fn full_dump(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut out = String::new();
    for (table, order) in [
        ("conjectures", "canonical_key"),
        ("variants", "canonical_key, a, b"),
        ("progress", "space_hash, start, end"),
        ("units", "unit_id"),
        ("unit_conflicts", "unit_id, digest_a, digest_b"),
        ("spaces", "space_hash"),
    ] {
        let cols: Vec<String> = {
            let mut st = conn
                .prepare(&format!("PRAGMA table_info({table})"))
                .unwrap();
            st.query_map([], |r| r.get::<_, String>(1))
                .unwrap()
                .map(|c| c.unwrap())
                .filter(|c| c != "created" && c != "id")
                .collect()
        };
        let sql = format!(
            "SELECT {} FROM {table} ORDER BY {order}",
            cols.iter()
                .map(|c| format!("quote({c})"))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        );
        let mut st = conn.prepare(&sql).unwrap();
        let rows = st.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.push_str(&format!("[{table}]\n"));
        for r in rows {
            out.push_str(&r.unwrap());
            out.push('\n');
        }
    }
    out
}

/// Runs a unit in-process (no checkpoint) with `threads` threads.
fn run_in_process(u: &Unit, threads: usize) -> UnitResult {
    finished(run_on_pool(
        u,
        threads,
        &RunOptions::default(),
        Duration::from_secs(3600),
    ))
}

/// Splits the small space into `n` units, runs them and writes the results; returns the paths.
fn results_of_split(dir: &Path, n: u64) -> Vec<PathBuf> {
    write_results(dir, &small_split(n, Some(BLOCK)), |u| run_in_process(u, 2))
}

/// `apery boinc check-result EXTRA… FILE`: the BOINC validator's check of one result.
fn check_result(extra: &[&str], file: &Path) -> assert_cmd::assert::Assert {
    apery()
        .args(["boinc", "check-result"])
        .args(extra)
        .arg(file)
        .assert()
}

/// `apery status --missing --catalog CAT --units UNITS`: the indices of the units not merged.
fn missing_units(cat: &Path, units: &Path) -> assert_cmd::assert::Assert {
    apery()
        .args(["status", "--missing", "--catalog"])
        .arg(cat)
        .arg("--units")
        .arg(units)
        .assert()
}

fn search_catalog(dir: &Path) -> PathBuf {
    let cat = dir.join("search.sqlite");
    apery()
        .args(["search", SMALL, "-q", "--catalog"])
        .arg(&cat)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    cat
}

#[test]
fn any_split_merges_to_the_catalog_of_a_search() {
    let t = TempDir::new().unwrap();
    let reference = dump(&search_catalog(t.path()));
    assert!(reference.len() >= 10, "the small space has formulas");
    assert!(
        reference.iter().any(|r| r.6 >= 2),
        "some formula has variants, so representative choice matters"
    );
    let mut counters = Vec::new();
    for n in [1, 7, 64] {
        let files = results_of_split(&t.path().join(format!("r{n}")), n);
        let cat = t.path().join(format!("m{n}.sqlite"));
        let mut c = Catalog::open(&cat).unwrap();
        let out = merge_files(&mut c, &files).unwrap();
        assert!(
            out.iter()
                .all(|o| matches!(o.status, MergeStatus::Merged(_))),
            "{out:?}"
        );
        drop(c);
        assert_eq!(dump(&cat), reference, "split into {n} units");
        let mut sum = Counters::default();
        for f in &files {
            let r = read_result(f);
            sum.add(&r.counters);
        }
        counters.push(sum);
    }
    assert!(counters.windows(2).all(|w| w[0] == w[1]), "{counters:?}");
    assert_eq!(counters[0].scan.enumerated, 3564);
}

#[test]
fn the_cli_split_run_merge_path_equals_a_search() {
    let t = TempDir::new().unwrap();
    let reference = dump(&search_catalog(t.path()));
    let units = t.path().join("units");
    split_cli(&units, &["--units", "7", "--block-size", "100"]).success();
    let results = t.path().join("results");
    for i in 0..7 {
        run_unit_cmd(
            &units.join(format!("{i:06}.unit")),
            &results.join(format!("{i:06}.result")),
        )
        .arg("--checkpoint-dir")
        .arg(t.path().join("ckpt"))
        .assert()
        .success();
    }
    let cat = t.path().join("merged.sqlite");
    merge_into(&cat)
        .arg("--require-complete")
        .arg(&results)
        .assert()
        .success()
        .stdout(predicate::str::contains("merged 7 results"));
    assert_eq!(dump(&cat), reference);
    // Finished units leave no checkpoint behind.
    assert_eq!(std::fs::read_dir(t.path().join("ckpt")).unwrap().count(), 0);
    // `unit show` prints units and results as JSON.
    let out = apery()
        .args(["unit", "show"])
        .arg(results.join("000002.result"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "result");
    assert_eq!(v["unit"]["start"], 1018);
    assert_eq!(v["digest"].as_str().unwrap().len(), 64);
    let out = apery()
        .args(["unit", "show"])
        .arg(units.join("000000.unit"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["compat_version"], COMPAT_VERSION);
    assert_eq!(
        v["unit_id"].as_str().unwrap(),
        format!("ap-{}-0-509", &v["space_hash"].as_str().unwrap()[..16])
    );
}

#[test]
fn splitting_is_deterministic_and_covers_the_space_without_overlap() {
    let a = small_split(7, None);
    let b = small_split(7, None);
    let mut at = 0;
    for i in 0..7 {
        let (u, v) = (a.unit(i), b.unit(i));
        assert_eq!(u.encode(), v.encode());
        assert_eq!(u.start, at);
        assert!(u.end > u.start);
        at = u.end;
        assert_eq!(Unit::decode(&u.encode(), "u").unwrap(), u);
        u.validate().unwrap();
    }
    assert_eq!(at, 3564);
    assert!(Split::new(&small_text(), &repo(SMALL), 0, None).is_err());
    assert!(Split::new(&small_text(), &repo(SMALL), 3565, None).is_err());
}

#[test]
fn same_unit_on_one_and_two_threads_is_byte_identical() {
    let t = TempDir::new().unwrap();
    let split = small_split(2, Some(BLOCK));
    let u = t.path().join("u.unit");
    std::fs::write(&u, split.unit(1).encode()).unwrap();
    let mut bytes = Vec::new();
    for j in ["1", "2"] {
        let r = t.path().join(format!("r{j}.result"));
        run_unit_cmd(&u, &r)
            .args(["--threads", j])
            .assert()
            .success();
        bytes.push(std::fs::read(&r).unwrap());
    }
    assert_eq!(bytes[0], bytes[1]);
    let (r, _) = UnitResult::decode(&bytes[0], "r").unwrap();
    assert!(!r.conjectures.is_empty());
    // In-process runs with other pool sizes give the same bytes too.
    assert_eq!(run_in_process(&split.unit(1), 3).encode(), bytes[0]);
}

#[test]
fn a_unit_stopped_after_some_blocks_resumes_to_the_uninterrupted_result() {
    let t = TempDir::new().unwrap();
    let split = small_split(1, Some(BLOCK));
    let u = t.path().join("u.unit");
    std::fs::write(&u, split.unit(0).encode()).unwrap();
    let reference = run_in_process(&split.unit(0), 1).encode();
    let ckpt = t.path().join("ckpt");
    let res = t.path().join("r.result");
    let run = |extra: &[&str]| {
        run_unit_cmd(&u, &res)
            .arg("--checkpoint-dir")
            .arg(&ckpt)
            .args(extra)
            .assert()
    };
    // Stopped twice, then finished: exit 75 with a checkpoint each time.
    run(&["--stop-after-blocks", "5"]).code(75);
    assert!(!res.exists());
    let ck = ckpt.join(format!("{}.ckpt", split.unit(0).unit_id));
    assert!(ck.exists());
    run(&["--stop-after-blocks", "7", "-j", "1"])
        .code(75)
        .stderr(predicate::str::contains("resuming unit"));
    run(&[])
        .success()
        .stderr(predicate::str::contains("resuming unit"));
    assert_eq!(std::fs::read(&res).unwrap(), reference);
    assert!(!ck.exists());

    // A damaged checkpoint is ignored with a message, and the result is still the same.
    std::fs::create_dir_all(&ckpt).unwrap();
    std::fs::write(
        &ck,
        b"APRYCKPT\x01\x00garbage that is not a checkpoint at all, long enough",
    )
    .unwrap();
    std::fs::remove_file(&res).unwrap();
    run(&[])
        .success()
        .stderr(predicate::str::contains("ignoring the checkpoint"));
    assert_eq!(std::fs::read(&res).unwrap(), reference);

    // A checkpoint of another unit is ignored too.
    let other = small_split(2, Some(BLOCK));
    let o = t.path().join("o.unit");
    std::fs::write(&o, other.unit(0).encode()).unwrap();
    run_unit_cmd(&o, &t.path().join("o.result"))
        .arg("--checkpoint-dir")
        .arg(&ckpt)
        .args(["--stop-after-blocks", "2"])
        .assert()
        .code(75);
    let other_ck = ckpt.join(format!("{}.ckpt", other.unit(0).unit_id));
    std::fs::copy(&other_ck, &ck).unwrap();
    std::fs::remove_file(&res).unwrap();
    run(&[])
        .success()
        .stderr(predicate::str::contains("belongs to unit"));
    assert_eq!(std::fs::read(&res).unwrap(), reference);
}

/// A space big enough that a run takes a few seconds on one thread, written to `dir`.
fn slow_space(dir: &Path) -> (PathBuf, String) {
    let text = "name = \"units-kill\"\n[pcf]\na = [[1, 10], [-40, 40]]\nb = [[-40, 40], [-40, 40]]\n\
                [targets]\nconstants = [\"e\"]\nmobius_bound = 4\n[budget]\nverify_digits = 40\nmax_depth = 4096\n";
    let p = dir.join("slow.toml");
    std::fs::write(&p, text).unwrap();
    (p, text.to_string())
}

/// Starts `run-unit` in the background, waits for its checkpoint, then sends `signal`; returns
/// whether the signal hit a running process, and its exit status.
fn interrupt_after_checkpoint(
    unit: &Path,
    res: &Path,
    ckpt_dir: &Path,
    ckpt: &Path,
    signal: i32,
) -> (bool, std::process::ExitStatus) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("apery"))
        .arg("run-unit")
        .arg(unit)
        .arg("--result")
        .arg(res)
        .arg("--checkpoint-dir")
        .arg(ckpt_dir)
        .args(["--checkpoint-secs", "0", "-j", "1"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    while !ckpt.exists() && t.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let running = child.try_wait().unwrap().is_none();
    if running {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
    }
    (running, child.wait().unwrap())
}

#[test]
fn kill_9_after_a_checkpoint_then_resume_gives_the_uninterrupted_result() {
    use std::os::unix::process::ExitStatusExt;
    let t = TempDir::new().unwrap();
    let (path, text) = slow_space(t.path());
    let split = Split::new(&text, &path, 1, Some(8192)).unwrap();
    let u = split.unit(0);
    let up = t.path().join("u.unit");
    std::fs::write(&up, u.encode()).unwrap();
    let ckpt_dir = t.path().join("ckpt");
    let ck = ckpt_dir.join(format!("{}.ckpt", u.unit_id));
    let res = t.path().join("r.result");
    let (killed, status) = interrupt_after_checkpoint(&up, &res, &ckpt_dir, &ck, libc::SIGKILL);
    assert!(killed, "the run ended before the checkpoint could be seen");
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert!(ck.exists() && !res.exists());
    run_unit_cmd(&up, &res)
        .arg("--checkpoint-dir")
        .arg(&ckpt_dir)
        .assert()
        .success()
        .stderr(predicate::str::contains("resuming unit"));
    let reference = run_in_process(&u, 2).encode();
    assert_eq!(std::fs::read(&res).unwrap(), reference);

    // SIGTERM: checkpoint and the distinct exit status 75; the rerun completes the same result.
    std::fs::remove_file(&res).unwrap();
    let (termed, status) = interrupt_after_checkpoint(&up, &res, &ckpt_dir, &ck, libc::SIGTERM);
    assert!(termed);
    assert_eq!(status.code(), Some(75), "{status:?}");
    assert!(ck.exists() && !res.exists());
    run_unit_cmd(&up, &res)
        .arg("--checkpoint-dir")
        .arg(&ckpt_dir)
        .assert()
        .success();
    assert_eq!(std::fs::read(&res).unwrap(), reference);
}

#[test]
fn merging_twice_or_shuffled_gives_the_same_catalog() {
    let t = TempDir::new().unwrap();
    let files = results_of_split(&t.path().join("r"), 7);
    let a = t.path().join("a.sqlite");
    let b = t.path().join("b.sqlite");
    merge_into(&a).args(&files).assert().success();
    let once = full_dump(&a);
    merge_into(&a)
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains("7 already merged"));
    assert_eq!(full_dump(&a), once);
    let shuffled = [4, 0, 6, 2, 5, 1, 3].map(|i| files[i].clone());
    for f in &shuffled[..3] {
        merge_into(&b).arg(f).assert().success();
    }
    merge_into(&b).args(&shuffled[3..]).assert().success();
    assert_eq!(full_dump(&b), once);
}

#[test]
fn tampered_results_are_rejected_and_leave_the_catalog_untouched() {
    let t = TempDir::new().unwrap();
    let files = results_of_split(&t.path().join("r"), 7);
    let cat = t.path().join("c.sqlite");
    // Part of the run is merged already; the tampered files must not change anything.
    merge_into(&cat).args(&files[..3]).assert().success();
    let before = full_dump(&cat);
    let good = std::fs::read(&files[5]).unwrap();
    let (r, _) = UnitResult::decode(&good, "r").unwrap();
    assert!(
        !r.conjectures.is_empty(),
        "unit 5 has formulas to tamper with"
    );
    let (start, end) = (r.unit.start, r.unit.end);
    let mut digest_edit = good.clone();
    let n = digest_edit.len();
    digest_edit[n - 1] ^= 1;
    let mut body_edit = good.clone();
    body_edit[40] ^= 0x10;
    let nothing_at = (start..end)
        .find(|i| r.conjectures.iter().all(|c| c.index != *i))
        .unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("digest", digest_edit, "digest mismatch"),
        ("body", body_edit, "digest mismatch"),
        (
            "formula",
            edited(&good, |r| {
                r.conjectures[0].formula.relation = "x = pi".into()
            }),
            "index",
        ),
        (
            "digits",
            edited(&good, |r| r.conjectures[0].formula.verified_digits += 50),
            "index",
        ),
        (
            "coefficients",
            edited(&good, |r| r.conjectures[0].formula.b = "4*n + 1".into()),
            "index",
        ),
        (
            "invented",
            edited(&good, |r| {
                let mut f = r.conjectures[0].clone();
                f.index = nothing_at;
                r.conjectures.push(f);
                r.conjectures.sort_by_key(|c| c.index);
                r.counters.verified += 1;
            }),
            "index",
        ),
        (
            "space hash",
            edited(&good, |r| r.unit.space_hash = "0".repeat(64)),
            "hash",
        ),
        (
            "space text",
            edited(&good, |r| {
                r.unit.space_toml = r
                    .unit
                    .space_toml
                    .replace("mobius_bound = 6", "mobius_bound = 7")
            }),
            "canonical space",
        ),
        (
            "out of range",
            edited(&good, |r| {
                r.conjectures.last_mut().unwrap().index = end + 3;
            }),
            "outside the unit's range",
        ),
        (
            "compat",
            edited(&good, |r| r.unit.compat_version = COMPAT_VERSION + 1),
            "compatibility version",
        ),
    ];
    for (what, bytes, msg) in cases {
        let f = t
            .path()
            .join(format!("bad-{}.result", what.replace(' ', "-")));
        std::fs::write(&f, bytes).unwrap();
        merge_into(&cat)
            .arg(&f)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("rejected").and(predicate::str::contains(msg)));
        assert_eq!(full_dump(&cat), before, "{what}");
    }
    // The genuine file still merges afterwards.
    merge_into(&cat).arg(&files[5]).assert().success();
    assert_ne!(full_dump(&cat), before);
}

#[test]
fn a_second_digest_for_a_merged_unit_is_recorded_as_a_conflict() {
    let t = TempDir::new().unwrap();
    let files = results_of_split(&t.path().join("r"), 3);
    let cat = t.path().join("c.sqlite");
    merge_into(&cat).args(&files).assert().success();
    let math = dump(&cat);
    let other = t.path().join("other.result");
    std::fs::write(
        &other,
        edited(&std::fs::read(&files[1]).unwrap(), |r| r.witness[0] ^= 1),
    )
    .unwrap();
    merge_into(&cat)
        .arg(&other)
        .assert()
        .success()
        .stderr(predicate::str::contains("conflict"));
    assert_eq!(dump(&cat), math);
    let c = Catalog::open_read_only(&cat).unwrap();
    let conflicts = c.unit_conflicts().unwrap();
    assert_eq!(conflicts.len(), 1);
    let r = read_result(&files[1]);
    assert_eq!(conflicts[0].0, r.unit.unit_id);
    apery()
        .args(["status", "--catalog"])
        .arg(&cat)
        .assert()
        .success()
        .stdout(predicate::str::contains("conflict: unit"));
}

#[test]
fn a_witness_catches_a_skipped_block() {
    let space = SearchSpace::from_toml(&small_text(), &repo(SMALL)).unwrap();
    let split = small_split(1, Some(BLOCK));
    let u = split.unit(0);
    let honest = run_in_process(&u, 2);
    // A lazy host runs every block but one, and claims "nothing found" there with plausible
    // counters (those of an honest neighbour block of the same size).
    let searcher = Searcher::new(&space).unwrap();
    let mut sink = MemorySink::default();
    searcher
        .run_into(&mut sink, 0..u.end, BLOCK, &|_| {})
        .unwrap();
    let skipped = 10 * BLOCK;
    let empty = sink
        .chunks
        .values()
        .find(|c| c.found.is_empty() && c.range.start != skipped)
        .unwrap()
        .clone();
    let real = sink.chunks[&skipped].clone();
    let fake = ChunkOutput {
        range: real.range.clone(),
        counters: empty.counters,
        witness: empty.witness,
        found: Vec::new(),
    };
    sink.chunks.insert(skipped, fake);
    let lazy = unit::assemble(&u, sink.chunks.into_values()).unwrap();
    assert_ne!(lazy.digest(), honest.digest());
    // Even with the skipped block's true counters the witness differs.
    let mut lazy2 = lazy.clone();
    lazy2.counters = honest.counters;
    assert_ne!(lazy2.digest(), honest.digest());
    assert_ne!(lazy2.witness, honest.witness);
    // And the BOINC quorum comparison tells them apart.
    let t = TempDir::new().unwrap();
    let (a, b) = (t.path().join("a.result"), t.path().join("b.result"));
    std::fs::write(&a, honest.encode()).unwrap();
    std::fs::write(&b, lazy2.encode()).unwrap();
    compare_results(&a, &b).assert().code(1);
    compare_results(&a, &a).assert().success();
}

#[test]
fn a_unit_of_another_compat_version_is_refused_with_its_own_exit_code() {
    let t = TempDir::new().unwrap();
    let mut u = small_split(2, None).unit(0);
    u.compat_version = COMPAT_VERSION + 1;
    let p = t.path().join("u.unit");
    std::fs::write(&p, u.encode()).unwrap();
    run_unit_cmd(&p, &t.path().join("r.result"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("compatibility version"));
    assert!(!t.path().join("r.result").exists());
}

#[test]
fn damaged_units_are_refused_with_the_file_and_the_problem() {
    let t = TempDir::new().unwrap();
    let good = small_split(2, None).unit(0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("garbage", b"not a unit".to_vec(), "bad magic"),
        (
            "truncated",
            good.encode()[..40].to_vec(),
            "malformed unit file",
        ),
        (
            "space",
            {
                let mut u = good.clone();
                u.space_toml = u.space_toml.replace("[-4, 4]]", "[-4, 3]]");
                u.encode()
            },
            "canonical space",
        ),
        (
            "misspelt key",
            {
                let mut u = good.clone();
                u.space_toml = u.space_toml.replace("mobius_bound", "mobius_bond");
                u.encode()
            },
            "mobius_bond",
        ),
        (
            "range",
            {
                let mut u = good.clone();
                u.end = u.n_total + 1;
                u.encode()
            },
            "not within",
        ),
    ];
    for (what, bytes, msg) in cases {
        let p = t.path().join(format!("{}.unit", what.replace(' ', "-")));
        std::fs::write(&p, bytes).unwrap();
        run_unit_cmd(&p, &t.path().join("r.result"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(msg))
            .stderr(predicate::str::contains(what.replace(' ', "-")));
    }
}

#[test]
fn status_lists_gaps_and_require_complete_fails_until_every_unit_is_merged() {
    let t = TempDir::new().unwrap();
    let units = t.path().join("units");
    split_cli(&units, &["--units", "7"]).success();
    let files = results_of_split(&t.path().join("r"), 7);
    let cat = t.path().join("c.sqlite");
    let partial: Vec<&PathBuf> = files
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 5)
        .map(|x| x.1)
        .collect();
    merge_into(&cat)
        .arg("--require-complete")
        .args(&partial)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("incomplete"));
    missing_units(&cat, &units).success().stdout("3,5\n");
    let u3 = Unit::load(&units.join("000003.unit")).unwrap();
    let u5 = Unit::load(&units.join("000005.unit")).unwrap();
    apery()
        .args(["status", "--missing", "--catalog"])
        .arg(&cat)
        .assert()
        .success()
        .stdout(format!(
            "{}..{}\n{}..{}\n",
            u3.start, u3.end, u5.start, u5.end
        ));
    apery()
        .args(["status", "--catalog"])
        .arg(&cat)
        .assert()
        .success()
        .stdout(predicate::str::contains("2 gaps"));
    merge_into(&cat)
        .arg("--require-complete")
        .arg(&files[3])
        .arg(&files[5])
        .assert()
        .success();
    missing_units(&cat, &units).success().stdout("\n");
}

#[test]
fn split_by_unit_seconds_measures_and_sizes_units() {
    let t = TempDir::new().unwrap();
    let out = t.path().join("u");
    split_cli(&out, &["--unit-seconds", "1000"])
        .success()
        .stderr(predicate::str::contains("candidates per second"));
    // A thousand seconds is far more than the whole small space: one unit.
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn slurm_scripts_chain_the_array_and_the_merge_and_are_valid_shell() {
    let t = TempDir::new().unwrap();
    let run = t.path().join("run");
    apery()
        .args(["slurm", SMALL, "--units", "4", "--run-dir"])
        .arg(&run)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    assert_eq!(std::fs::read_dir(run.join("units")).unwrap().count(), 4);
    let submit = std::fs::read_to_string(run.join("submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok:\"$aid\" --kill-on-invalid-dep=yes"));
    assert!(submit.contains("0-3%64"));
    let shard = std::fs::read_to_string(run.join("shard.sbatch")).unwrap();
    assert!(shard.contains("run-unit \"$RUN_DIR/units/$i.unit\""));
    assert!(shard.contains("--signal=B:TERM@120"));
    let merge = std::fs::read_to_string(run.join("merge.sbatch")).unwrap();
    assert!(merge.contains("merge --catalog \"$RUN_DIR/catalog.sqlite\" --require-complete"));
    for s in ["submit.sh", "shard.sbatch", "merge.sbatch"] {
        let ok = std::process::Command::new("bash")
            .arg("-n")
            .arg(run.join(s))
            .status()
            .unwrap();
        assert!(ok.success(), "{s}");
    }
    // The shard script runs a unit outside Slurm too (as array task 2).
    let ok = std::process::Command::new("bash")
        .arg(run.join("shard.sbatch"))
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("APERY", assert_cmd::cargo::cargo_bin("apery"))
        .status()
        .unwrap();
    assert!(ok.success());
    assert!(run.join("results/000002.result").exists());
}

#[test]
fn boinc_validator_and_assimilator_commands_on_good_and_bad_results() {
    let t = TempDir::new().unwrap();
    let files = results_of_split(&t.path().join("r"), 2);
    let good = &files[0];
    let bad = t.path().join("bad.result");
    let mut b = std::fs::read(good).unwrap();
    b[50] ^= 1;
    std::fs::write(&bad, b).unwrap();
    check_result(&[], good).code(0);
    check_result(&[], &bad).code(1);
    let r = read_result(good);
    check_result(&["--wu-name", &r.unit.unit_id], good).code(0);
    check_result(&["--wu-name", "ap-other-0-1"], good).code(1);
    // Unreadable now (here: missing, or a directory): transient, retried by the validator.
    check_result(&[], &t.path().join("nope")).code(3);
    check_result(&[], t.path()).code(3);
    compare_results(good, good).assert().code(0);
    compare_results(good, &files[1]).assert().code(1);
    compare_results(good, &bad).assert().code(1);
    // The assimilator copies the canonical result into the inbox (twice is harmless) and marks
    // failed workunits.
    let inbox = t.path().join("inbox");
    for _ in 0..2 {
        apery()
            .args(["boinc", "collect", "--inbox"])
            .arg(&inbox)
            .arg(&r.unit.unit_id)
            .arg(good)
            .assert()
            .success();
    }
    let copied = inbox.join(format!("{}.result", r.unit.unit_id));
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read(good).unwrap()
    );
    apery()
        .args(["boinc", "collect", "--inbox"])
        .arg(&inbox)
        .args(["--error", "-161", "ap-x-0-9", "17", "0"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(inbox.join("ap-x-0-9.failed")).unwrap(),
        "-161\n"
    );
    merge_into(&t.path().join("c.sqlite"))
        .arg(&inbox)
        .assert()
        .success()
        .stdout(predicate::str::contains("merged 1 results"));
}

#[test]
fn boinc_templates_name_the_app_by_compat_version_and_create_one_workunit_per_unit() {
    let t = TempDir::new().unwrap();
    let units = t.path().join("units");
    split_cli(&units, &["--units", "3"]).success();
    let out = t.path().join("project");
    boinc_templates(&out, &units).assert().success();
    let app = format!("apery_c{COMPAT_VERSION}");
    let input = std::fs::read_to_string(out.join(format!("templates/{app}_in"))).unwrap();
    assert!(
        input.contains("<open_name>unit</open_name>")
            && input.contains("<min_quorum>2</min_quorum>")
    );
    let output = std::fs::read_to_string(out.join(format!("templates/{app}_out"))).unwrap();
    assert!(output.contains("<open_name>result</open_name>"));
    let cw = std::fs::read_to_string(out.join("create_work.sh")).unwrap();
    assert_eq!(cw.matches("bin/create_work --appname").count(), 3);
    let u = Unit::load(&units.join("000001.unit")).unwrap();
    assert!(cw.contains(&format!("--wu_name '{}'", u.unit_id)));
    let daemons = std::fs::read_to_string(out.join("daemons.xml")).unwrap();
    assert!(
        daemons.contains("apery_check files") && daemons.contains("apery_compare files files2")
    );
    assert!(daemons.contains("apery_collect wu_name files"));
    for s in [
        "bin/apery_check",
        "bin/apery_compare",
        "bin/apery_collect",
        "create_work.sh",
    ] {
        let ok = std::process::Command::new("sh")
            .arg("-n")
            .arg(out.join(s))
            .status()
            .unwrap();
        assert!(ok.success(), "{s}");
    }
}

/// Merging the result record into the catalog row must not have changed what a result file says:
/// a `Found` is written field by field as in compatibility version 1.
#[test]
fn a_found_formula_is_written_with_the_field_layout_of_the_first_result_format() {
    let r = run_in_process(&small_split(7, Some(BLOCK)).unit(5), 2);
    let f = &r.conjectures[0];
    let c = &f.formula;
    // e = 2.718281828…: the small space's formulas are for e and pi.
    assert!(c.constants == ["e"] || c.constants == ["pi"], "{c:?}");
    let v1 = postcard::to_stdvec(&(
        f.index,
        &c.canonical_key,
        &f.simplicity,
        &c.a,
        &c.b,
        &c.constants,
        &c.relation,
        &c.limit,
        c.verified_digits,
        c.depth,
        c.delta,
        c.convergence_rate,
        c.details.to_string(),
    ))
    .unwrap();
    assert_eq!(postcard::to_stdvec(f).unwrap(), v1);
    let back: apery::search::Found = postcard::from_bytes(&v1).unwrap();
    assert_eq!(&back, f);
    // The catalog row of the record is the search's row, with the space filled in.
    let (row, simp) = f.conjecture("units-small", &r.unit.space_hash);
    assert_eq!(
        (row.space.as_str(), row.kind.as_str()),
        ("units-small", "pcf")
    );
    assert_eq!(row.space_hash, r.unit.space_hash);
    assert_eq!(simp, f.simplicity);
    // Details that are not JSON make the record unreadable, not silently empty.
    let mut bad = v1.clone();
    let at = bad.len() - c.details.to_string().len();
    bad[at] = b'#';
    assert!(postcard::from_bytes::<apery::search::Found>(&bad).is_err());
}

/// Unit files of the first layout (no `work` field) are refused by their format version, with the
/// file named, instead of being misread.
#[test]
fn a_unit_file_of_the_previous_format_is_refused_by_its_version() {
    let u = small_split(2, None).unit(0);
    let mut bytes = u.encode();
    bytes[8..10].copy_from_slice(&1u16.to_le_bytes());
    let e = Unit::decode(&bytes, "old.unit").unwrap_err().to_string();
    assert!(
        e.contains("old.unit") && e.contains("format version 1"),
        "{e}"
    );
    assert_eq!(unit::FORMAT_VERSION, 2);
}

/// Regression: the unit file `000000.unit` was listed as `000000` by `status --missing`, which
/// `sbatch --array=` (and a rerun by index) does not read as index 0.
#[test]
fn status_missing_lists_the_first_unit_as_array_index_0() {
    let t = TempDir::new().unwrap();
    let units = t.path().join("units");
    split_cli(&units, &["--units", "3"]).success();
    let files = results_of_split(&t.path().join("r"), 3);
    let cat = t.path().join("c.sqlite");
    merge_into(&cat).args(&files[1..]).assert().success();
    missing_units(&cat, &units).success().stdout("0\n");
}

/// Runs one of the generated BOINC daemon scripts the way `script_validator` and
/// `script_assimilator` do: the command of `daemons.xml`, its tokens (`files`, `files2`,
/// `wu_name`) replaced by the paths and the workunit name.
fn run_daemon_script(project: &Path, command: &str, subst: &[(&str, String)]) -> Option<i32> {
    let mut words = command.split_whitespace();
    let script = project.join("bin").join(words.next().unwrap());
    let args: Vec<String> = words
        .map(|w| {
            subst
                .iter()
                .find(|(k, _)| *k == w)
                .map_or(w.to_string(), |(_, v)| v.clone())
        })
        .collect();
    std::process::Command::new(script)
        .args(&args)
        .env("APERY", assert_cmd::cargo::cargo_bin("apery"))
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap()
        .code()
}

#[test]
fn the_generated_validator_and_assimilator_scripts_work_as_the_boinc_daemons_call_them() {
    let t = TempDir::new().unwrap();
    let units = t.path().join("units");
    split_cli(&units, &["--units", "3", "--block-size", "64"]).success();
    let project = t.path().join("project");
    let inbox = t.path().join("inbox");
    boinc_templates(&project, &units)
        .arg("--inbox")
        .arg(&inbox)
        .assert()
        .success();
    let daemons = std::fs::read_to_string(project.join("daemons.xml")).unwrap();
    let quoted = |flag: &str| -> String {
        let rest = daemons.split(&format!("{flag} \"")).nth(1).unwrap();
        rest.split('"').next().unwrap().to_string()
    };
    let (init, compare, assimilate) = (
        quoted("--init_script"),
        quoted("--compare_script"),
        quoted("--script"),
    );
    // Two honest replicas of unit 1 and a forged one (a formula's relation edited, digest redone).
    let u = Unit::load(&units.join("000001.unit")).unwrap();
    let honest = run_in_process(&u, 1).encode();
    assert!(!UnitResult::decode(&honest, "r")
        .unwrap()
        .0
        .conjectures
        .is_empty());
    let forged = edited(&honest, |r| {
        r.conjectures[0].formula.relation = "x = e".into()
    });
    let p = |name: &str, b: &[u8]| {
        let f = t.path().join(name);
        std::fs::write(&f, b).unwrap();
        f.display().to_string()
    };
    let (a, b, c) = (p("a", &honest), p("b", &honest), p("c", &forged));
    let garbage = p("g", b"not a result");
    let files = |f: &str| vec![("files", f.to_string())];
    assert_eq!(run_daemon_script(&project, &init, &files(&a)), Some(0));
    assert_eq!(
        run_daemon_script(&project, &init, &files(&garbage)),
        Some(1)
    );
    let gone = t.path().join("gone").display().to_string();
    assert_eq!(run_daemon_script(&project, &init, &files(&gone)), Some(3));
    let pair = |x: &str, y: &str| vec![("files", x.to_string()), ("files2", y.to_string())];
    assert_eq!(
        run_daemon_script(&project, &compare, &pair(&a, &b)),
        Some(0)
    );
    // The forged result is well formed (the validator's init script passes it) but its digest
    // differs, so the quorum fails; merge would reject it by re-verification.
    assert_eq!(run_daemon_script(&project, &init, &files(&c)), Some(0));
    assert_eq!(
        run_daemon_script(&project, &compare, &pair(&a, &c)),
        Some(1)
    );
    let canonical = vec![("wu_name", u.unit_id.clone()), ("files", a.clone())];
    assert_eq!(
        run_daemon_script(&project, &assimilate, &canonical),
        Some(0)
    );
    assert_eq!(
        std::fs::read(inbox.join(format!("{}.result", u.unit_id))).unwrap(),
        honest
    );
    // The inbox merges into the catalog, re-verified.
    merge_into(&t.path().join("c.sqlite"))
        .arg(&inbox)
        .assert()
        .success()
        .stdout(predicate::str::contains("merged 1 results"));
}
