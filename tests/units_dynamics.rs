//! Work units of the convergence-dynamics metrics (`apery split --stage dynamics`): any split
//! merges to the metrics table of `apery dynamics`, results do not depend on the thread count or
//! on interruptions, and merge recomputes what it is given and rejects tampered results.

use apery::catalog::Catalog;
use apery::unit::merge::{
    merge_files, merge_files_with, metrics_agree, results_agree, MergeOptions, MergeStatus,
    Recheck, METRICS_REL_TOL,
};
use apery::unit::{self, Outcome, RunOptions, Split, Unit, UnitResult, Work};
use common::units::{
    boinc_templates, compare_results, edited, finished, merge_into, run_on_pool, run_unit_cmd,
    write_results,
};
use common::{apery, repo};
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

mod common;

const TINY: &str = "tests/fixtures/dynamics-tiny.toml";
/// A depth well above the recipe's minimum that keeps the tests fast.
const DEPTH: u64 = 300;
const WORK: Work = Work::Dynamics { depth: DEPTH };
/// Block size: several blocks per unit.
const BLOCK: u64 = 32;

fn tiny_text() -> String {
    std::fs::read_to_string(repo(TINY)).unwrap()
}

fn split(n: u64) -> Split {
    Split::new_for(WORK, &tiny_text(), &repo(TINY), n, Some(BLOCK)).unwrap()
}

fn run_with(u: &Unit, threads: usize, opts: &RunOptions) -> Outcome {
    run_on_pool(u, threads, opts, Duration::ZERO)
}

fn run(u: &Unit, threads: usize) -> UnitResult {
    finished(run_with(u, threads, &RunOptions::default()))
}

/// Every column of the metrics table (the REAL columns by their bits), in index order.
fn metrics_dump(path: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(path).unwrap();
    let mut st = c
        .prepare(
            "SELECT space_hash, depth, idx, space, a, b, canonical_key, limit_value, fr_delta, \
             naive_delta, predicted_delta, gamma_prime, eta_prime, beta, gamma, eta, json, cluster, \
             label FROM metrics ORDER BY space_hash, depth, idx",
        )
        .unwrap();
    let rows = st
        .query_map([], |r| {
            let mut s = String::new();
            for i in 0..19 {
                let v: rusqlite::types::Value = r.get(i)?;
                s.push_str(&match v {
                    rusqlite::types::Value::Real(x) => format!("{:x}", x.to_bits()),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                });
                s.push('|');
            }
            Ok(s)
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// `apery dynamics TINY --depth DEPTH -q --catalog CAT`, run.
fn dynamics_on(cat: &Path) -> assert_cmd::assert::Assert {
    apery()
        .arg("dynamics")
        .arg(repo(TINY))
        .args(["--depth", &DEPTH.to_string(), "-q", "--catalog"])
        .arg(cat)
        .assert()
}

/// `apery dynamics` on the tiny space: the reference catalog.
fn dynamics_catalog(dir: &Path) -> PathBuf {
    let cat = dir.join("dynamics.sqlite");
    dynamics_on(&cat).success();
    cat
}

/// The tiny space split into `n` units, each run on `threads` threads, written to `dir`.
fn results_of_split(dir: &Path, n: u64, threads: usize) -> Vec<PathBuf> {
    write_results(dir, &split(n), |u| run(u, threads))
}

#[test]
fn split_into_one_or_three_dynamics_units_merges_to_the_metrics_table_of_apery_dynamics() {
    let t = TempDir::new().unwrap();
    let reference = metrics_dump(&dynamics_catalog(t.path()));
    // a(n) = 2n + 1, b(n) = 1: 1 + 1/(3 + 1/(5 + …)) = coth 1 = (e² + 1)/(e² − 1).
    assert!(
        reference
            .iter()
            .any(|r| r.contains("|2*n + 1|1|") && r.contains("1.3130352854993313036361612")),
        "the coth(1) PCF's row"
    );
    assert!(reference.len() > 500, "{} rows", reference.len());
    for n in [1, 3] {
        let files = results_of_split(&t.path().join(format!("r{n}")), n, 2);
        let cat = t.path().join(format!("m{n}.sqlite"));
        let mut c = Catalog::open(&cat).unwrap();
        let out = merge_files(&mut c, &files).unwrap();
        assert!(
            out.iter()
                .all(|o| matches!(o.status, MergeStatus::Merged(_))),
            "{out:?}"
        );
        drop(c);
        assert_eq!(metrics_dump(&cat), reference, "{n} units");
    }
    // The command line gives the same table, and its status shows the metrics track complete.
    let files = t.path().join("r3");
    let cat = t.path().join("cli.sqlite");
    merge_into(&cat)
        .arg("--require-complete")
        .arg(&files)
        .assert()
        .success();
    assert_eq!(metrics_dump(&cat), reference);
    apery()
        .arg("status")
        .arg("--catalog")
        .arg(&cat)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "dynamics-tiny (metrics, depth {DEPTH})"
        )))
        .stdout(predicate::str::contains("625 of 625 indices done"));
    // `apery dynamics` on the merged catalog finds nothing left to do.
    dynamics_on(&cat)
        .success()
        .stdout(predicate::str::is_match(r"already done \(resumed\)\s+625").unwrap());
}

#[test]
fn the_cli_splits_and_runs_dynamics_units() {
    let t = TempDir::new().unwrap();
    let units = t.path().join("u");
    apery()
        .arg("split")
        .arg(repo(TINY))
        .args(["--stage", "dynamics", "--depth", "300", "--units", "2"])
        .args(["--block-size", "32", "--out"])
        .arg(&units)
        .assert()
        .success();
    let u = Unit::load(&units.join("000001.unit")).unwrap();
    assert_eq!(u.work, WORK);
    assert_eq!(u, split(2).unit(1));
    assert!(u.unit_id.contains("-dyn300-"), "{}", u.unit_id);
    let r = t.path().join("1.result");
    run_unit_cmd(&units.join("000001.unit"), &r)
        .args(["-j", "1"])
        .assert()
        .success()
        .stderr(predicate::str::contains("metrics records"));
    assert_eq!(std::fs::read(&r).unwrap(), run(&u, 2).encode());
    apery()
        .args(["unit", "show"])
        .arg(&r)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"fr_delta\""));
    // Bad parameters are refused before anything is written.
    for bad in [
        vec!["--stage", "dynamics", "--depth", "50"],
        vec!["--depth", "300"],
    ] {
        apery()
            .arg("split")
            .arg(repo(TINY))
            .args(&bad)
            .args(["--units", "2", "--out"])
            .arg(t.path().join("bad"))
            .assert()
            .failure()
            .stderr(predicate::str::contains("depth"));
        assert!(!t.path().join("bad").exists());
    }
}

#[test]
fn same_dynamics_unit_on_one_and_two_threads_is_byte_identical() {
    let u = split(2).unit(0);
    let one = run(&u, 1);
    let two = run(&u, 2);
    assert!(one.metrics.len() > 200);
    assert_eq!(one.encode(), two.encode());
    assert_eq!(one.digest(), two.digest());
}

#[test]
fn a_dynamics_unit_stopped_after_some_blocks_resumes_to_the_uninterrupted_result() {
    let t = TempDir::new().unwrap();
    let u = split(1).unit(0);
    let whole = run(&u, 2).encode();
    let ck = t.path().join("u.ckpt");
    let mut rounds = 0;
    let result = loop {
        rounds += 1;
        let opts = RunOptions {
            checkpoint: Some(ck.clone()),
            stop_after_chunks: Some(3),
            ..RunOptions::default()
        };
        match run_with(&u, 2, &opts) {
            Outcome::Finished(r) => break r.encode(),
            Outcome::Interrupted { done, total } => assert!(done < total && ck.exists()),
        }
        assert!(rounds < 100);
    };
    assert!(rounds > 2, "{rounds} rounds");
    assert_eq!(result, whole);
    // A checkpoint holding the whole unit (a death between the last checkpoint and the result)
    // just gives the result again.
    let log = std::sync::Mutex::new(Vec::new());
    let opts = RunOptions {
        checkpoint: Some(ck.clone()),
        ..RunOptions::default()
    };
    let mut never = unit::Periodic::new(Duration::from_secs(3600));
    match unit::run_unit(&u, &opts, &mut never, &|m| {
        log.lock().unwrap().push(m.to_string())
    })
    .unwrap()
    {
        Outcome::Finished(r) => assert_eq!(r.encode(), whole),
        o => panic!("{o:?}"),
    }
    let log = log.into_inner().unwrap().join("\n");
    assert!(log.contains("625 of 625 indices done"), "{log}");
}

fn metrics_rows(cat: &Path) -> usize {
    metrics_dump(cat).len()
}

#[test]
fn tampered_dynamics_results_are_rejected_and_leave_the_catalog_untouched() {
    let t = TempDir::new().unwrap();
    let files = results_of_split(&t.path().join("r"), 3, 2);
    let good = std::fs::read(&files[1]).unwrap();
    let (r, _) = UnitResult::decode(&good, "r").unwrap();
    let k = r
        .metrics
        .iter()
        .position(|m| m.metrics.fr_delta.is_some())
        .unwrap();
    let beyond = 1.0 + 100.0 * METRICS_REL_TOL;
    let cases: Vec<(&str, Vec<u8>, &str, Recheck)> = vec![
        (
            "metric beyond the tolerance",
            edited(&good, |r| {
                let m = &mut r.metrics[k].metrics;
                m.fr_delta = m.fr_delta.map(|x| x * beyond + 1e-6);
            }),
            "fr_delta",
            Recheck::All,
        ),
        (
            "limit digits",
            edited(&good, |r| {
                let m = &mut r.metrics[k].metrics;
                m.limit_digits = m.limit_digits.as_ref().map(|d| format!("{d}7"));
            }),
            "limit_digits",
            Recheck::All,
        ),
        (
            "skipped work",
            edited(&good, |r| {
                r.metrics.remove(k);
                r.counters.scan.screened -= 1;
            }),
            "work skipped",
            // Indices left without metrics are recomputed whatever the sample.
            Recheck::Sample {
                per_result: 0,
                seed: 2,
            },
        ),
        (
            "another PCF",
            edited(&good, |r| r.metrics[k].metrics.b[0] += 1),
            "is not the space's",
            // Checked for every record, whatever the sample.
            Recheck::Sample {
                per_result: 0,
                seed: 1,
            },
        ),
        (
            "depth",
            edited(&good, |r| r.metrics[k].metrics.depth += 1),
            "depth",
            Recheck::All,
        ),
        (
            "counters",
            edited(&good, |r| r.counters.scan.screened += 1),
            "counters",
            Recheck::All,
        ),
        (
            "out of range",
            edited(&good, |r| r.metrics.last_mut().unwrap().index = r.unit.end),
            "outside the unit's range",
            Recheck::All,
        ),
    ];
    let cat = t.path().join("c.sqlite");
    let mut c = Catalog::open(&cat).unwrap();
    merge_files(&mut c, &files[..1]).unwrap();
    drop(c);
    let before = metrics_dump(&cat);
    for (what, bytes, msg, recheck) in cases {
        let f = t.path().join(format!("{}.result", what.replace(' ', "-")));
        std::fs::write(&f, bytes).unwrap();
        let mut c = Catalog::open(&cat).unwrap();
        let out = merge_files_with(&mut c, &[f], &MergeOptions { recheck }).unwrap();
        drop(c);
        match &out[0].status {
            MergeStatus::Rejected(why) => assert!(why.contains(msg), "{what}: {why}"),
            s => panic!("{what}: {s:?}"),
        }
        assert_eq!(metrics_dump(&cat), before, "{what}");
    }
    // A result that leaves nearly every PCF without metrics is recomputed in full (and rejected)
    // however small the sample: the draw must not wait for indices that are all taken.
    let lazy = edited(&good, |r| {
        r.metrics.truncate(2);
        r.counters.scan.screened = 2;
    });
    let f = t.path().join("lazy.result");
    std::fs::write(&f, lazy).unwrap();
    let mut c = Catalog::open(&cat).unwrap();
    let recheck = Recheck::Sample {
        per_result: 64,
        seed: 3,
    };
    let out = merge_files_with(&mut c, &[f], &MergeOptions { recheck }).unwrap();
    drop(c);
    assert!(
        matches!(&out[0].status, MergeStatus::Rejected(why) if why.contains("work skipped")),
        "{out:?}"
    );
    assert_eq!(metrics_dump(&cat), before);
    // An edited digest is rejected by the command line too.
    let mut digest_edit = good.clone();
    let n = digest_edit.len();
    digest_edit[n - 1] ^= 1;
    let f = t.path().join("digest.result");
    std::fs::write(&f, digest_edit).unwrap();
    merge_into(&cat)
        .arg(&f)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("digest mismatch"));
    assert_eq!(metrics_dump(&cat), before);
    // The genuine file merges afterwards.
    let before_rows = metrics_rows(&cat);
    merge_into(&cat)
        .args(["--recheck", "all"])
        .arg(&files[1])
        .assert()
        .success();
    assert_eq!(metrics_rows(&cat), before_rows + r.metrics.len());
}

#[test]
fn metrics_within_the_tolerance_agree_and_beyond_it_do_not() {
    let t = TempDir::new().unwrap();
    let u = split(3).unit(2);
    let honest = run(&u, 2);
    let k = honest
        .metrics
        .iter()
        .position(|m| m.metrics.gamma.is_some())
        .unwrap();
    // Another host whose `ln` rounds differently: the last bits of a metric differ.
    let mut other = honest.clone();
    let g = other.metrics[k].metrics.gamma.unwrap();
    other.metrics[k].metrics.gamma = Some(f64::from_bits(g.to_bits() + 3));
    let mut wrong = honest.clone();
    wrong.metrics[k].metrics.gamma = Some(g * (1.0 + 1e-6) + 1e-6);
    assert_ne!(other.digest(), honest.digest());
    assert!(metrics_agree(&honest.metrics[k].metrics, &other.metrics[k].metrics).is_ok());
    assert!(results_agree(&honest, &other).is_ok());
    let why = results_agree(&honest, &wrong).unwrap_err();
    assert!(why.contains("gamma"), "{why}");
    // The BOINC validator's compare script accepts the first pair and refuses the second.
    let p = |name: &str, r: &UnitResult| {
        let f = t.path().join(name);
        std::fs::write(&f, r.encode()).unwrap();
        f
    };
    let (a, b, c) = (p("a", &honest), p("b", &other), p("c", &wrong));
    compare_results(&a, &b)
        .assert()
        .success()
        .stderr(predicate::str::contains("agree within"));
    compare_results(&a, &c)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("gamma"));
    // Merge accepts the other host's result (the rows are within the tolerance) and refuses the
    // wrong one.
    let cat = t.path().join("c.sqlite");
    let mut cg = Catalog::open(&cat).unwrap();
    let out = merge_files(&mut cg, &[c.clone(), b.clone()]).unwrap();
    assert!(matches!(out[0].status, MergeStatus::Rejected(_)), "{out:?}");
    assert!(matches!(out[1].status, MergeStatus::Merged(_)), "{out:?}");
    // Search results agree only by digest.
    let s = Split::new(&tiny_text(), &repo(TINY), 1, None)
        .unwrap()
        .unit(0);
    let fake = UnitResult {
        unit: s,
        counters: Default::default(),
        witness: [0; 32],
        conjectures: Vec::new(),
        metrics: Vec::new(),
    };
    assert!(results_agree(&fake, &fake.clone()).is_err());
}

/// The BOINC output template must let a dynamics result (one metrics record per PCF) upload: its
/// `max_nbytes` covers the largest unit's result.
#[test]
fn boinc_templates_allow_the_size_of_a_dynamics_result() {
    let t = TempDir::new().unwrap();
    let units = t.path().join("u");
    std::fs::create_dir_all(&units).unwrap();
    let u = split(1).unit(0);
    std::fs::write(units.join("000000.unit"), u.encode()).unwrap();
    let size = run(&u, 2).encode().len() as u64;
    boinc_templates(&t.path().join("p"), &units)
        .assert()
        .success();
    let out = std::fs::read_to_string(
        t.path()
            .join("p/templates")
            .join(format!("apery_c{}_out", unit::COMPAT_VERSION)),
    )
    .unwrap();
    let n: u64 = out
        .split("<max_nbytes>")
        .nth(1)
        .and_then(|x| x.split('<').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 2 * size, "max_nbytes {n}, result {size} bytes");
    // 625 indices of a 625-index space give about 190 bytes per record.
    assert!(size > 100 * 576 && size < 400 * 625, "{size}");
}

mod tolerance_laws {
    use super::*;
    use apery::dynamics::metrics::{metrics, PcfMetrics};
    use proptest::prelude::*;

    /// The metrics of a(n) = 2n + 1, b(n) = 1 (coth 1) at depth 300: every field defined.
    fn coth1() -> PcfMetrics {
        metrics(&[1, 2], &[1], DEPTH as usize).unwrap()
    }

    fn field(m: &mut PcfMetrics, k: usize) -> &mut Option<f64> {
        match k % 6 {
            0 => &mut m.limit,
            1 => &mut m.naive_delta,
            2 => &mut m.fr_delta,
            3 => &mut m.gamma_prime,
            4 => &mut m.beta,
            _ => &mut m.gamma,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Agreement is symmetric, holds for differences of up to a thousand ulps (far beyond
        /// what two C libraries' `ln` give) and fails for relative differences of 10⁻⁷.
        #[test]
        fn metrics_agree_up_to_ulps_and_not_beyond_the_tolerance(k in 0usize..6, ulps in 0u64..1000, up in any::<bool>()) {
            let a = coth1();
            let mut b = a.clone();
            let f = field(&mut b, k);
            let x = f.expect("defined for coth 1");
            let bits = if up { x.to_bits() + ulps } else { x.to_bits() - ulps };
            *f = Some(f64::from_bits(bits));
            prop_assert!(metrics_agree(&a, &b).is_ok());
            prop_assert!(metrics_agree(&b, &a).is_ok());
            let mut c = a.clone();
            let g = field(&mut c, k);
            *g = Some(x + 1e-7 * x.abs().max(1.0) * if up { 1.0 } else { -1.0 });
            prop_assert!(metrics_agree(&a, &c).is_err());
            prop_assert!(metrics_agree(&c, &a).is_err());
        }
    }
}
