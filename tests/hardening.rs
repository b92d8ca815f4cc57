//! Limits of the long-running commands, through the binary: size guards, bounded memory and prompt
//! progress on huge spaces, `--threads` validation, resuming by the parsed space (not the file
//! text), Ctrl-C keeping ESMA's approvals.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn apery() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_apery"));
    c.env_remove("APERY_PROGRESS_SECS");
    c
}

/// `apery COMMAND huge-1e16.toml EXTRA… --catalog DIR/c.db` (10¹⁶ candidates), stopped after
/// `secs` seconds.
fn on_the_huge_space(
    command: &str,
    extra: &[&str],
    dir: &Path,
    secs: u64,
) -> assert_cmd::assert::Assert {
    apery()
        .arg(command)
        .arg(fixture("huge-1e16.toml"))
        .args(extra)
        .arg("--catalog")
        .arg(dir.join("c.db"))
        .timeout(Duration::from_secs(secs))
        .assert()
}

/// Spawns the binary with standard error read line by line into a channel.
fn spawn(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_apery"))
        .args(args)
        .env("APERY_PROGRESS_SECS", "0.2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let err = child.stderr.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Waits (at most `limit`) for a stderr line satisfying `want`; returns it with the time it took.
fn wait_for(
    rx: &mpsc::Receiver<String>,
    limit: Duration,
    want: impl Fn(&str) -> bool,
) -> Option<(String, Duration)> {
    let start = Instant::now();
    while let Some(left) = limit.checked_sub(start.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(line) if want(&line) => return Some((line, start.elapsed())),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// `progress: DONE/TOTAL ...` with DONE > 0.
fn progressed(line: &str) -> bool {
    line.strip_prefix("progress: ")
        .and_then(|r| r.split('/').next())
        .and_then(|d| d.parse::<u64>().ok())
        .is_some_and(|d| d > 0)
}

/// Peak resident memory of a running process in kB (Linux /proc).
fn peak_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM line")
}

/// Runs a command on the 10^16-candidate space with `--allow-huge` until it reports finished work,
/// then checks its peak memory and kills it.
fn streams_huge_space(args: &[&str]) {
    let (mut child, rx) = spawn(args);
    let seen = wait_for(&rx, Duration::from_secs(120), progressed);
    let peak = peak_kb(child.id());
    child.kill().expect("kill");
    child.wait().expect("reaped");
    let (line, after) = seen.expect("a progress line with finished work");
    assert!(
        line.contains("/10000000000000000 "),
        "progress names the total: {line}"
    );
    assert!(
        after < Duration::from_secs(60),
        "first progress after {after:?}"
    );
    assert!(peak < 300 * 1024, "peak memory {peak} kB on a 10^16 space");
}

#[test]
fn huge_space_search_streams_in_bounded_memory_with_prompt_progress() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.db");
    streams_huge_space(&[
        "search",
        fixture("huge-1e16.toml").to_str().unwrap(),
        "--allow-huge",
        "-j",
        "2",
        "--catalog",
        cat.to_str().unwrap(),
    ]);
}

#[test]
fn huge_space_dynamics_streams_in_bounded_memory_with_prompt_progress() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.db");
    streams_huge_space(&[
        "dynamics",
        fixture("huge-1e16.toml").to_str().unwrap(),
        "--allow-huge",
        "--depth",
        "114",
        "-j",
        "2",
        "--catalog",
        cat.to_str().unwrap(),
    ]);
}

#[test]
fn dynamics_refuses_a_huge_space_without_allow_huge() {
    let dir = tempfile::tempdir().unwrap();
    on_the_huge_space("dynamics", &[], dir.path(), 60)
        .code(2)
        .stderr(
            predicate::str::contains("huge-1e16.toml")
                .and(predicate::str::contains("10000000000000000 candidates"))
                .and(predicate::str::contains("--allow-huge")),
        );
    // A slice of it is fine.
    on_the_huge_space(
        "dynamics",
        &["--range", "0..3", "--depth", "114"],
        dir.path(),
        60,
    )
    .success()
    .stdout(predicate::str::contains("computed"));
}

#[test]
fn search_refuses_a_huge_space_without_allow_huge() {
    let dir = tempfile::tempdir().unwrap();
    on_the_huge_space("search", &[], dir.path(), 60)
        .code(2)
        .stderr(
            predicate::str::contains("huge-1e16.toml")
                .and(predicate::str::contains("more than 2^40"))
                .and(predicate::str::contains("--allow-huge")),
        );
}

#[test]
fn thread_count_zero_or_beyond_the_cap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (j, says) in [
        ("0", "--threads 0"),
        ("10000", "--threads 10000 is more than"),
    ] {
        on_the_huge_space("search", &["--range", "0..10", "-j", j], dir.path(), 30)
            .code(2)
            .stderr(predicate::str::contains(says));
    }
    // Within the cap it runs.
    on_the_huge_space("search", &["--range", "0..10", "-j", "3"], dir.path(), 60).success();
}

#[test]
fn esma_refuses_a_huge_space_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    apery()
        .args([
            "esma",
            "--constant",
            "exp(1)",
            "--poly-deg",
            "6",
            "--coeff-limit",
            "20",
            "--catalog",
        ])
        .arg(dir.path().join("c.db"))
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        // 41^14 pairs (P, Q) × 4 sign periods of length 2.
        .stderr(
            predicate::str::contains("151716908779662235208644 candidates")
                .and(predicate::str::contains("--allow-huge"))
                .and(predicate::str::contains("memory allocation").not()),
        );
    assert!(start.elapsed() < Duration::from_secs(30));
}

/// Sends SIGINT (what Ctrl-C sends) to a child.
fn interrupt(child: &Child) {
    // SAFETY: kill(2) on the pid of a child we have not reaped yet.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(r, 0);
}

#[test]
fn esma_ctrl_c_writes_the_conjectures_approved_so_far() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.db");
    // e, deg P, Q <= 2, coefficients in [-2, 2]: 15625 pairs × 4 periods, minutes of work.
    let (mut child, rx) = spawn(&[
        "esma",
        "--constant",
        "e",
        "--poly-deg",
        "2",
        "--coeff-limit",
        "2",
        "--catalog",
        cat.to_str().unwrap(),
    ]);
    let approved = |l: &str| {
        l.starts_with("progress: ")
            && l.rsplit("approved: ")
                .next()
                .and_then(|n| n.trim().parse::<u64>().ok())
                .is_some_and(|n| n >= 1)
    };
    let seen = wait_for(&rx, Duration::from_secs(240), approved);
    if seen.is_none() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no approval reported within the time limit");
    }
    interrupt(&child);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("did not stop within 60 s of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(130));
    let interrupted = wait_for(&rx, Duration::from_secs(5), |l| {
        l.contains("approved so far are in the catalog")
    });
    assert!(interrupted.is_some(), "the interruption is reported");
    let catalog = apery::catalog::Catalog::open(&cat).unwrap();
    let rows = catalog
        .query(&apery::catalog::Query {
            kind: Some("esma".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(!rows.is_empty(), "approved conjectures were written");
    // Each is a true statement about e: its digits agree with the left-hand side at e.
    for r in &rows {
        assert!(r.verified_digits >= 100, "{r:?}");
        assert!(r.constants == ["e"], "{r:?}");
    }
}

/// The tiny space of the resume tests, with its keys in one order and no comments.
const TINY: &str = r#"name = "tiny"
[pcf]
a = [[1, 2], [-2, 3]]
b = [[-2, 2], [-2, 2]]
[targets]
constants = ["e", "pi"]
mobius_bound = 4
[budget]
first_pass_depth = 32
verify_digits = 30
max_depth = 1024
"#;

/// The same space with comments, other whitespace and the keys and tables in another order.
const TINY_REWRITTEN: &str = r#"# a comment added to a finished space
name   =   "tiny"    # same name

[budget]
max_depth    = 1024   # largest depth
verify_digits = 30
first_pass_depth = 32

[targets]
mobius_bound = 4
constants = [ "e" , "pi" ]

[pcf]
b = [[-2, 2], [-2, 2]]   # b first now
a = [[1, 2], [-2, 3]]
"#;

fn resumed_and_enumerated(stdout: &str) -> (u64, u64) {
    let field = |key: &str| {
        stdout
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no '{key}' in\n{stdout}"))
    };
    (field("already done (resumed)"), field("enumerated"))
}

fn search_tiny(space: &Path, cat: &Path) -> (u64, u64) {
    let out = apery()
        .arg("search")
        .arg(space)
        .arg("--catalog")
        .arg(cat)
        .arg("-q")
        .timeout(Duration::from_secs(120))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    resumed_and_enumerated(&String::from_utf8(out).unwrap())
}

#[test]
fn comment_only_edit_of_a_space_resumes_instead_of_restarting() {
    let dir = tempfile::tempdir().unwrap();
    let (space, cat) = (dir.path().join("tiny.toml"), dir.path().join("c.db"));
    std::fs::write(&space, TINY).unwrap();
    // 2·6 values of a × 25 of b.
    assert_eq!(search_tiny(&space, &cat), (0, 300));
    std::fs::write(&space, TINY_REWRITTEN).unwrap();
    assert_eq!(
        search_tiny(&space, &cat),
        (300, 0),
        "comments and key order must not restart a finished search"
    );
    // A changed range is another space: it runs.
    std::fs::write(&space, TINY.replace("[-2, 3]", "[-2, 4]")).unwrap();
    assert_eq!(search_tiny(&space, &cat), (0, 350));
    // So is a changed budget.
    std::fs::write(
        &space,
        TINY.replace("verify_digits = 30", "verify_digits = 31"),
    )
    .unwrap();
    assert_eq!(search_tiny(&space, &cat), (0, 300));
}

// ---- library-level guards ----

use apery::cancel::Cancel;
use apery::esma::{enumerate_lhs, search_with_cancel, EsmaConfig, EsmaProgress, Lhs, LhsSpace};
use apery::search::{chunk_size, plan_chunks, Searcher};
use apery::space::SearchSpace;
use std::collections::HashSet;

/// The reduced LHS in order of first appearance, found the obvious way: a set of those seen.
fn lhs_with_a_seen_set(degree: usize, limit: i64) -> Vec<Lhs> {
    let base = (2 * limit + 1) as usize;
    let width = degree + 1;
    let vector = |mut idx: usize| {
        let mut v = vec![0i64; width];
        for k in (0..width).rev() {
            v[k] = (idx % base) as i64 - limit;
            idx /= base;
        }
        v
    };
    let count = base.pow(width as u32);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for i in 0..count {
        for j in 0..count {
            if let Some(l) = Lhs::reduced(&vector(i), &vector(j)) {
                if seen.insert(l.clone()) {
                    out.push(l);
                }
            }
        }
    }
    out
}

#[test]
fn streamed_lhs_enumeration_equals_the_seen_set_enumeration() {
    // Degrees with common factors and constant multiples (h = 2, h = n + 1, …) are where a pair
    // must recognise from itself alone that an earlier pair gave its LHS.
    for (d, l) in [(1, 1), (1, 2), (1, 4), (2, 1), (2, 2), (3, 1), (4, 1)] {
        let streamed = enumerate_lhs(d, l);
        let reference = lhs_with_a_seen_set(d, l);
        assert_eq!(
            streamed.len(),
            reference.len(),
            "count for d = {d}, L = {l}"
        );
        assert_eq!(streamed, reference, "order for d = {d}, L = {l}");
    }
    // The published count (d = 1, L = 2): 112 distinct non-constant |P/Q|.
    assert_eq!(enumerate_lhs(1, 2).len(), 112);
    // Pair counts of a space far too large to list.
    let huge = LhsSpace::new(6, 20);
    assert_eq!(huge.pairs(), 41u128.pow(14));
    let cfg = EsmaConfig {
        poly_degree: 6,
        coeff_limit: 20,
        ..EsmaConfig::default()
    };
    assert_eq!(cfg.raw_candidates(), 4 * 41u128.pow(14));
}

#[test]
fn cancelled_esma_search_keeps_what_it_approved() {
    let e = |prec: u32| rug::Float::with_val(prec, 1).exp();
    let cfg = EsmaConfig::default();
    let full = apery::esma::search("e", &e, &cfg, &|_, _| {}).unwrap();
    assert!(!full.interrupted);
    assert!(full.conjectures.len() >= 2, "{}", full.conjectures.len());
    let cancel = Cancel::new();
    let stop_after_first = |p: EsmaProgress| {
        if p.approved >= 1 {
            cancel.cancel();
        }
    };
    let part = search_with_cancel("e", &e, &cfg, &stop_after_first, &cancel).unwrap();
    assert!(part.interrupted);
    assert!(!part.conjectures.is_empty());
    assert!(part.candidates < full.candidates);
    for c in &part.conjectures {
        assert!(
            full.conjectures
                .iter()
                .any(|f| f.digits == c.digits && f.lhs == c.lhs),
            "{} is an approval of the full run",
            c.lhs
        );
    }
}

fn load(text: &str) -> SearchSpace {
    SearchSpace::from_toml(text, Path::new("t.toml")).unwrap()
}

#[test]
fn space_hash_ignores_layout_and_changes_with_content() {
    let h = load(TINY).hash;
    assert_eq!(load(TINY_REWRITTEN).hash, h);
    assert_eq!(
        load(&TINY.replace(
            "name = \"tiny\"",
            "name = \"tiny\"\ndescription = \"notes\""
        ))
        .hash,
        h
    );
    let changed = [
        TINY.replace("[-2, 3]", "[-3, 3]"),
        TINY.replace("[1, 2]", "[1, 3]"),
        TINY.replace("[\"e\", \"pi\"]", "[\"e\"]"),
        TINY.replace("[\"e\", \"pi\"]", "[\"pi\", \"e\"]"),
        TINY.replace("mobius_bound = 4", "mobius_bound = 5"),
        TINY.replace("first_pass_depth = 32", "first_pass_depth = 33"),
        TINY.replace("max_depth = 1024", "max_depth = 2048"),
        TINY.replace(
            "max_depth = 1024",
            "max_depth = 1024\nfactorial_reduction = true",
        ),
        TINY.replace("\"tiny\"", "\"tiny2\""),
    ];
    let mut hashes: HashSet<String> = changed.iter().map(|t| load(t).hash).collect();
    hashes.insert(h);
    assert_eq!(
        hashes.len(),
        changed.len() + 1,
        "every change gives a new hash"
    );
    // Templates are compared as polynomials: the same expansion, the same space.
    let template = |a: &str| {
        load(&format!(
            "name = \"t\"\n[pcf]\na = \"{a}\"\nb = \"-x0^2*n^6\"\n[pcf.params]\nx0 = [1, 2]\nx1 = [-2, 2]\n\
             [targets]\nconstants = [\"zeta3\"]\n"
        ))
        .hash
    };
    let t = template("x0*((n+1)^3 + n^3) + x1*(2n+1)");
    assert_eq!(template("x1*(1+2*n) + x0*(2n^3+3n^2+3n+1)"), t);
    assert_ne!(template("x0*((n+1)^3 + n^3) + x1*(2n+3)"), t);
}

#[test]
fn chunk_plan_is_lazy_and_skips_done_ranges() {
    // A plan over 10^16 indices costs nothing until iterated.
    let done = vec![5..70_000, 200_000..200_000];
    let plan = plan_chunks(0..10_000_000_000_000_000, &done, 1 << 15);
    assert_eq!(plan.remaining(), 10_000_000_000_000_000 - 69_995);
    let first: Vec<_> = plan.take(4).collect();
    assert_eq!(
        first,
        vec![0..5, 70_000..98_304, 98_304..131_072, 131_072..163_840]
    );
}

#[test]
fn cancel_stops_a_factorial_reduction_chunk_promptly_and_commits_nothing_partial() {
    let space = SearchSpace::load(&fixture("fr-heavy.toml")).unwrap();
    let step = chunk_size(&space);
    let cancel = Cancel::new();
    let canceller = cancel.clone();
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let mut cat = apery::catalog::Catalog::in_memory().unwrap();
        let searcher = Searcher::new(&space).unwrap().with_cancel(canceller);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let summary = pool
            .install(|| searcher.run(&mut cat, 0..4 * step, &|_| {}))
            .unwrap();
        tx.send(()).unwrap();
        (summary, cat.done_ranges(&space.hash).unwrap())
    });
    // Each chunk takes tens of seconds; cancel after one.
    std::thread::sleep(Duration::from_secs(1));
    cancel.cancel();
    let at = Instant::now();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("the search returns");
    let latency = at.elapsed();
    let (summary, done) = worker.join().unwrap();
    assert!(
        latency < Duration::from_secs(3),
        "stopped {latency:?} after the cancel"
    );
    assert!(summary.interrupted);
    // Whatever was committed is whole chunks of the grid.
    for r in &done {
        assert!(r.start % step == 0 && r.end % step == 0, "{r:?}");
    }
    assert_eq!(
        summary.stats.enumerated,
        done.iter().map(|r| r.end - r.start).sum::<u64>()
    );
}
