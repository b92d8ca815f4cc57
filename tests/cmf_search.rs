//! `apery cmf search`: trajectories of a field → verified formulas in the catalog, with their CMF
//! provenance; one conjecture per canonical key whichever finder found it; determinism across
//! threads and shards; resuming; bad space files; trajectories through a pole.

use apery::catalog::export::{render, Format};
use apery::catalog::{Catalog, Conjecture, Query};
use apery::cmf::search::{CmfSearcher, CmfSummary, Skip};
use apery::enumerate::shard;
use apery::pcf::canonical::CanonicalKey;
use apery::pcf::Pcf;
use apery::search::Searcher;
use apery::space::cmf::CmfSpace;
use apery::space::SearchSpace;
use common::units::{merge_into, run_unit_cmd};
use common::{apery, repo};
use rug::Float;
use std::path::Path;

mod common;

/// A CMF space over `field` with the given trajectory and start boxes (x, y axes).
fn space_text(field: &str, traj: [(i64, i64); 2], start: [(i64, i64); 2]) -> String {
    format!(
        "name = \"t-{field}\"\n[field]\nname = \"{field}\"\n\
         [trajectories]\nx = [{}, {}]\ny = [{}, {}]\n\
         [starts]\nx = [{}, {}]\ny = [{}, {}]\n\
         [targets]\nmax_coeff = 1000000\n",
        traj[0].0, traj[0].1, traj[1].0, traj[1].1, start[0].0, start[0].1, start[1].0, start[1].1
    )
}

/// The space of the ζ(3) field's diagonal (1, 1) from (1, 1) alone: Apéry's PCF.
fn diagonal_space_text() -> String {
    space_text("zeta3", [(1, 1), (1, 1)], [(1, 1), (1, 1)])
}

fn space(text: &str) -> CmfSpace {
    CmfSpace::from_toml(text, &repo("search-spaces/test.toml")).unwrap()
}

fn run_ranges(
    cat: &mut Catalog,
    s: &CmfSpace,
    ranges: &[std::ops::Range<u64>],
    threads: usize,
) -> Vec<CmfSummary> {
    let searcher = CmfSearcher::new(s).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        ranges
            .iter()
            .map(|r| searcher.run(cat, r.clone(), &|_| {}).unwrap())
            .collect()
    })
}

fn run_one(
    cat: &mut Catalog,
    s: &CmfSpace,
    range: std::ops::Range<u64>,
    threads: usize,
) -> CmfSummary {
    run_ranges(cat, s, std::slice::from_ref(&range), threads).remove(0)
}

/// Everything a catalog says about its conjectures: rows (with CMF provenance) and source kinds.
fn snapshot(cat: &Catalog) -> (String, Vec<(String, Vec<String>)>) {
    let rows = cat.query(&Query::default()).unwrap();
    let kinds = rows
        .iter()
        .map(|c| {
            (
                c.canonical_key.clone(),
                cat.source_kinds(&c.canonical_key).unwrap(),
            )
        })
        .collect();
    (render(&rows, Format::Json), kinds)
}

/// The conjectures of `kind` (`pcf`, `cmf`, …) in `cat`.
fn of_kind(cat: &Catalog, kind: &str) -> Vec<Conjecture> {
    cat.query(&Query {
        kind: Some(kind.into()),
        ..Default::default()
    })
    .unwrap()
}

fn zeta3(prec: u32) -> Float {
    apery::constants::evaluate("zeta3", prec).unwrap()
}

fn apery_pcf() -> Pcf {
    Pcf::parse("34*n**3 + 51*n**2 + 27*n + 5", "-n**6").unwrap()
}

#[test]
fn zeta3_diagonal_gives_aperys_pcf_as_a_cmf_conjecture_equal_to_6_over_zeta3() {
    let s = space(&diagonal_space_text());
    assert_eq!(s.size(), 1);
    let mut cat = Catalog::in_memory().unwrap();
    let sum = run_one(&mut cat, &s, 0..1, 1);
    assert_eq!(sum.counters.verified, 1);
    assert_eq!(sum.new_formulas, 1);
    let rows = of_kind(&cat, "cmf");
    assert_eq!(rows.len(), 1);
    let c = &rows[0];
    assert_eq!(c.kind, "pcf");
    assert_eq!(
        c.canonical_key,
        format!("pcf:{}", CanonicalKey::of(&apery_pcf()))
    );
    assert_eq!(c.constants, vec!["zeta3".to_string()]);
    assert!(c.verified_digits >= 100, "{}", c.verified_digits);
    // The stored limit is Apéry's 6/ζ(3) (a(0) + K b/a).
    let limit = Float::with_val(200, Float::parse(&c.limit).unwrap());
    let six_over = Float::with_val(200, 6u32) / zeta3(200);
    let err = Float::with_val(200, &limit - &six_over).abs();
    assert!(err < 1e-40, "limit {} vs 6/ζ(3): error {err}", c.limit);
    // δ of Apéry's PCF settles near 0.08 (> 0: ζ(3) is irrational).
    let d = c.delta.unwrap();
    assert!(d > 0.06 && d < 0.1, "delta {d}");
    // provenance
    assert_eq!(c.cmf_sources.len(), 1);
    let src = &c.cmf_sources[0];
    assert_eq!(src.field, "zeta3");
    assert_eq!(src.trajectory, vec![1, 1]);
    assert_eq!(src.start, vec![1, 1]);
    assert_eq!(Pcf::parse(&src.a, &src.b).unwrap(), apery_pcf());
    assert!(src.walk_delta.is_some_and(|d| d > 0.0), "{src:?}");
    // nothing is a `pcf` kind that `--kind cmf` misses, and `--kind pcf` still lists it
    let pcf_rows = of_kind(&cat, "pcf");
    assert_eq!(pcf_rows.len(), 1);
}

#[test]
fn search_then_cmf_search_give_one_conjecture_with_both_sources() {
    let search_space = SearchSpace::load(&repo("search-spaces/zeta3-apery.toml")).unwrap();
    let mut cat = Catalog::in_memory().unwrap();
    let searcher = Searcher::new(&search_space).unwrap();
    searcher
        .run(&mut cat, 0..searcher.enumerator().size(), &|_| {})
        .unwrap();
    let key = format!("pcf:{}", CanonicalKey::of(&apery_pcf()));
    let before: Vec<Conjecture> = cat.query(&Query::default()).unwrap();
    assert!(before.iter().any(|c| c.canonical_key == key));
    assert_eq!(cat.source_kinds(&key).unwrap(), vec!["search"]);
    assert!(before.iter().all(|c| c.cmf_sources.is_empty()));

    let s = space(&diagonal_space_text());
    let sum = run_one(&mut cat, &s, 0..1, 1);
    assert_eq!((sum.new_formulas, sum.known_formulas), (0, 1));
    let after = cat.query(&Query::default()).unwrap();
    assert_eq!(after.len(), before.len(), "no second row");
    assert_eq!(
        after.iter().filter(|c| c.canonical_key == key).count(),
        1,
        "one conjecture per canonical key"
    );
    assert_eq!(cat.source_kinds(&key).unwrap(), vec!["cmf", "search"]);
    let cmf_rows = of_kind(&cat, "cmf");
    assert_eq!(cmf_rows.len(), 1);
    assert_eq!(cmf_rows[0].canonical_key, key);
    assert_eq!(cmf_rows[0].cmf_sources[0].trajectory, vec![1, 1]);
    // the row a CMF search writes for Apéry's PCF is the one `search` writes (same verify path)
    let mut alone = Catalog::in_memory().unwrap();
    run_one(&mut alone, &s, 0..1, 1);
    let by_cmf = alone.query(&Query::default()).unwrap().remove(0);
    let by_search = before.iter().find(|c| c.canonical_key == key).unwrap();
    let strip = |c: &Conjecture| Conjecture {
        space: String::new(),
        space_hash: String::new(),
        variants: 0,
        cmf_sources: Vec::new(),
        ..c.clone()
    };
    assert_eq!(strip(&by_cmf), strip(by_search));
}

#[test]
fn a_cancelled_search_commits_nothing_and_resumes_in_full() {
    let s = space(&space_text("pi", [(1, 1), (0, 1)], [(0, 1), (0, 0)]));
    let mut cat = Catalog::in_memory().unwrap();
    let cancel = apery::cancel::Cancel::new();
    cancel.cancel();
    let cancelled = CmfSearcher::new(&s).unwrap().with_cancel(cancel);
    let sum = cancelled.run(&mut cat, 0..s.size(), &|_| {}).unwrap();
    assert!(sum.interrupted);
    assert_eq!(sum.counters.pairs, 0);
    assert!(cat.done_ranges(&s.hash).unwrap().is_empty());
    let sum = run_one(&mut cat, &s, 0..s.size(), 1);
    assert!(!sum.interrupted);
    assert_eq!((sum.resumed, sum.counters.pairs), (0, s.size()));
    assert!(sum.counters.verified >= 1);
}

#[test]
fn thread_count_and_shard_split_do_not_change_the_catalog() {
    let s = space(&space_text("zeta3", [(-1, 1), (-1, 1)], [(1, 1), (1, 2)]));
    assert_eq!(s.size(), 16); // 8 primitive trajectories × 2 starts
    let mut one = Catalog::in_memory().unwrap();
    run_one(&mut one, &s, 0..s.size(), 1);
    let mut three = Catalog::in_memory().unwrap();
    let shards: Vec<_> = (0..3).rev().map(|i| shard(s.size(), i, 3)).collect();
    run_ranges(&mut three, &s, &shards, 2);
    let a = snapshot(&one);
    assert!(
        a.1.len() >= 2,
        "the space holds several formulas: {:?}",
        a.1
    );
    assert_eq!(a, snapshot(&three));
}

#[test]
fn an_interrupted_search_resumes_where_it_stopped() {
    let s = space(&space_text("e", [(-1, 1), (-1, 1)], [(0, 1), (0, 0)]));
    let mut whole = Catalog::in_memory().unwrap();
    run_one(&mut whole, &s, 0..s.size(), 2);
    let mut parts = Catalog::in_memory().unwrap();
    let sums = run_ranges(&mut parts, &s, &[0..5, 0..s.size()], 2);
    assert_eq!(sums[0].counters.pairs, 5);
    assert_eq!(sums[1].resumed, 5);
    assert_eq!(sums[1].counters.pairs, s.size() - 5);
    assert_eq!(snapshot(&whole), snapshot(&parts));
    // a third run has nothing left to do
    let again = run_one(&mut parts, &s, 0..s.size(), 1);
    assert_eq!((again.resumed, again.counters.pairs), (s.size(), 0));
}

#[test]
fn a_trajectory_through_a_pole_is_skipped_with_the_reason() {
    // e gauged by diag(1, x − y): the diagonal from (1,1) runs along the pole x = y.
    let path = repo("tests/fixtures/cmf-e-gauged.toml");
    let s = CmfSpace::load(&path).unwrap();
    let mut cat = Catalog::in_memory().unwrap();
    let sum = run_one(&mut cat, &s, 0..s.size(), 2);
    assert!(sum.counters.skipped(Skip::Pole) >= 1, "{:?}", sum.counters);
    let pole = sum
        .examples
        .iter()
        .find(|k| k.why == Skip::Pole)
        .expect("the pole is reported");
    assert_eq!(pole.trajectory, vec![1, 1]);
    assert_eq!(pole.start[0], pole.start[1]);
    assert!(pole.message.contains("pole"), "{}", pole.message);
    // the other pairs still give verified formulas in e
    assert!(sum.counters.verified >= 1, "{:?}", sum.counters);
    let rows = cat.query(&Query::default()).unwrap();
    assert!(rows.iter().all(|c| c.constants == vec!["e".to_string()]));
    assert!(!rows.is_empty());
}

#[test]
fn the_space_hash_ignores_comments_and_follows_the_content() {
    let text = space_text("pi", [(-1, 1), (0, 1)], [(0, 1), (0, 1)]);
    let h = space(&text).hash;
    let commented = format!(
        "# a comment\n{}",
        text.replace("[starts]", "[starts] # box")
    );
    assert_eq!(space(&commented).hash, h);
    let other = space_text("pi", [(-1, 1), (0, 2)], [(0, 1), (0, 1)]);
    assert_ne!(space(&other).hash, h);
}

fn load_err(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    let e = CmfSpace::load(&p).unwrap_err().to_string();
    assert!(e.contains(name), "the error names the file: {e}");
    e
}

#[test]
fn bad_space_files_give_errors_naming_the_file_and_the_key() {
    let good = space_text("zeta3", [(-1, 1), (-1, 1)], [(1, 1), (1, 1)]);
    let e = load_err("a.toml", &good.replace("y = [-1, 1]\n", ""));
    assert!(e.contains("trajectories.y") && e.contains("missing"), "{e}");
    let e = load_err(
        "b.toml",
        &good.replace("[starts]\n", "[starts]\nz = [0, 1]\n"),
    );
    assert!(e.contains("starts.z") && e.contains("not an axis"), "{e}");
    let e = load_err("c.toml", &format!("{good}[budget]\nverify_digits = 50\n"));
    assert!(e.contains("budget.verify_digits"), "{e}");
    let e = load_err("d.toml", &good.replace("\"zeta3\"", "\"no-such-field\""));
    assert!(e.contains("field.name"), "{e}");
    let e = load_err(
        "e.toml",
        &good.replace("x = [-1, 1]\ny = [-1, 1]", "x = [0, 0]\ny = [0, 0]"),
    );
    assert!(e.contains("trajectories") && e.contains("primitive"), "{e}");
    let e = load_err("f.toml", &good.replace("x = [1, 1]", "x = [2, 1]"));
    assert!(e.contains("starts.x") && e.contains("lo > hi"), "{e}");
    let e = load_err("g.toml", &format!("{good}[extra]\nk = 1\n"));
    assert!(e.contains("extra"), "{e}");
    // a field file that is not conservative (one coefficient of ζ(3)'s M_x changed)
    let dir = tempfile::tempdir().unwrap();
    let field = std::fs::read_to_string(repo("search-spaces/cmf/zeta3.toml"))
        .unwrap()
        .replace("2*y*(y - 1)*(2*x + 1)", "3*y*(y - 1)*(2*x + 1)");
    std::fs::write(dir.path().join("bad-field.toml"), field).unwrap();
    let p = dir.path().join("h.toml");
    std::fs::write(&p, good.replace("\"zeta3\"", "\"bad-field.toml\"")).unwrap();
    let e = CmfSpace::load(&p).unwrap_err().to_string();
    assert!(
        e.contains("h.toml") && e.contains("not a conservative field") && e.contains("axes (x, y)"),
        "{e}"
    );
}

/// `apery cmf search OPTS… --catalog CAT SPACE`.
fn cmf_search(opts: &[&str], cat: &Path, space: &Path) -> assert_cmd::Command {
    let mut c = apery();
    c.args(["cmf", "search"])
        .args(opts)
        .arg("--catalog")
        .arg(cat)
        .arg(space);
    c
}

/// The standard output of a command that must succeed, as text.
fn stdout(a: assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.success().get_output().stdout).to_string()
}

#[test]
fn query_shows_cmf_provenance_and_search_only_exports_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.db");
    let space = dir.path().join("diag.toml");
    std::fs::write(&space, diagonal_space_text()).unwrap();
    // a search-only catalog: the CSV header and the JSON keys are those of before
    apery()
        .args([
            "search",
            "search-spaces/zeta3-apery.toml",
            "-q",
            "--catalog",
        ])
        .arg(&cat)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let csv = query(&cat, &["--format", "csv"]);
    assert!(csv.starts_with(
        "kind,a,b,constants,relation,limit,verified_digits,depth,delta,convergence_rate,space,variants,canonical_key\n"
    ));
    assert!(!query(&cat, &["--format", "json"]).contains("cmf_sources"));
    assert!(!query(&cat, &[]).contains("cmf trajectory"));
    assert_eq!(query(&cat, &["--kind", "cmf"]).trim(), "kind  a(n)  b(n)  relation  digits  delta  rate  variants\n----  ----  ----  --------  ------  -----  ----  --------\n0 conjecture(s)");
    // then the CMF search
    let text = stdout(cmf_search(&["-q"], &cat, &space).assert());
    assert!(
        text.contains("distinct formulas already in the catalog"),
        "{text}"
    );
    let table = query(&cat, &["--kind", "cmf"]);
    assert!(
        table.contains("cmf trajectory") && table.contains("zeta3 (1,1) from (1,1)"),
        "{table}"
    );
    assert!(table.contains("1 conjecture(s)"), "{table}");
    let latex = query(&cat, &["--kind", "cmf", "--format", "latex"]);
    assert!(
        latex.contains("% CMF zeta3 (1,1) from (1,1) (space t-zeta3)"),
        "{latex}"
    );
    assert!(latex.contains("\\zeta(3)"), "{latex}");
    let json = query(&cat, &["--kind", "cmf", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v[0]["cmf_sources"][0]["trajectory"],
        serde_json::json!([1, 1])
    );
    assert!(query(&cat, &["--kind", "cmf", "--format", "csv"]).contains(",cmf_sources\n"));
}

fn query(cat: &Path, args: &[&str]) -> String {
    stdout(
        apery()
            .arg("query")
            .arg("--catalog")
            .arg(cat)
            .args(args)
            .assert(),
    )
}

#[test]
fn work_units_record_a_search_source_that_a_cmf_search_joins() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units");
    apery()
        .args([
            "split",
            "search-spaces/zeta3-apery.toml",
            "--units",
            "2",
            "--out",
        ])
        .arg(&units)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .success();
    let results = dir.path().join("results");
    for i in 0..2 {
        run_unit_cmd(
            &units.join(format!("{i:06}.unit")),
            &results.join(format!("{i:06}.result")),
        )
        .assert()
        .success();
    }
    let cat = dir.path().join("c.db");
    merge_into(&cat)
        .arg("--require-complete")
        .arg(&results)
        .assert()
        .success();
    let key = format!("pcf:{}", CanonicalKey::of(&apery_pcf()));
    let kinds = |p: &Path| {
        Catalog::open_read_only(p)
            .unwrap()
            .source_kinds(&key)
            .unwrap()
    };
    assert_eq!(kinds(&cat), vec!["search"]);
    let space = dir.path().join("diag.toml");
    std::fs::write(&space, diagonal_space_text()).unwrap();
    cmf_search(&["-q"], &cat, &space).assert().success();
    assert_eq!(kinds(&cat), vec!["cmf", "search"]);
    let rows = Catalog::open_read_only(&cat)
        .unwrap()
        .query(&Query::default())
        .unwrap();
    assert_eq!(rows.iter().filter(|c| c.canonical_key == key).count(), 1);
}

/// Regression: the summary listed a skipped pair with its whole PCF, so the trajectory (−3, −2) of
/// the ζ(3) field (a(n) of degree 21, b(n) of degree 42) printed one line of 5,000 characters.
#[test]
fn summary_lines_of_skipped_long_pcfs_are_shortened() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.db");
    let space = dir.path().join("long.toml");
    std::fs::write(
        &space,
        space_text("zeta3", [(-3, -3), (-2, -2)], [(0, 0), (0, 0)]),
    )
    .unwrap();
    let out = cmf_search(&[], &cat, &space)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let skipped: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("(-3,-2) from (0,0)"))
        .collect();
    assert_eq!(skipped.len(), 1, "{stdout}");
    assert!(skipped[0].contains('…'), "{}", skipped[0]);
    for line in stdout.lines() {
        assert!(
            line.chars().count() <= 200,
            "a line of {} characters: {line}",
            line.chars().count()
        );
    }
}

// ---- rational start points -------------------------------------------------------------------

fn rat(s: &str) -> rug::Rational {
    apery::cmf::spec::parse_rational(s).unwrap()
}

fn rats(s: &str) -> Vec<rug::Rational> {
    apery::cmf::shift::parse_start(s).unwrap()
}

fn half_space() -> CmfSpace {
    CmfSpace::load(&repo("search-spaces/cmf-zeta3-half.toml")).unwrap()
}

/// The enumeration of a space with fractional starts is ordered and indexable like an integer one
/// (trajectory `i / S`, start `i mod S`, last axis fastest), and its canonical form lists the
/// fractional ranges with their step.
#[test]
fn rational_starts_are_enumerated_in_lexicographic_order() {
    let s = half_space();
    assert_eq!(
        (s.trajectories.len(), s.starts_count(), s.size()),
        (8, 10, 80)
    );
    assert!(!s.integer_starts());
    assert_eq!(s.pair(0), (vec![-1, -1], rats("1/2,0")));
    assert_eq!(s.pair(1), (vec![-1, -1], rats("1/2,1/2")));
    assert_eq!(s.pair(5), (vec![-1, -1], rats("3/2,0")));
    assert_eq!(s.pair(9), (vec![-1, -1], rats("3/2,2")));
    assert_eq!(s.pair(10), (vec![-1, 0], rats("1/2,0")));
    assert_eq!(s.pair(79), (vec![1, 1], rats("3/2,2")));
    let all: Vec<_> = (0..s.size()).map(|i| s.pair(i)).collect();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    let json: serde_json::Value = serde_json::from_str(&s.canonical_json()).unwrap();
    assert_eq!(
        json["starts"],
        serde_json::json!([["1/2", "3/2", "1"], ["0", "2", "1/2"]])
    );
}

/// Regression guard for the integer spaces: the same integer starts written as strings, with an
/// explicit step 1, or as the values of a fractional range, hash as before (`[lo, hi]`), and a
/// fractional start changes the hash.
#[test]
fn integer_starts_keep_their_canonical_form_whatever_the_spelling() {
    let text = space_text("pi", [(-1, 1), (0, 1)], [(0, 1), (0, 2)]);
    let h = space(&text).hash;
    let json: serde_json::Value = serde_json::from_str(&space(&text).canonical_json()).unwrap();
    assert_eq!(json["starts"], serde_json::json!([[0, 1], [0, 2]]));
    for spelled in [
        "x = [\"0\", \"1\"]\ny = [0, 2, 1]",
        "x = [0, \"2/2\"]\ny = [\"0/5\", 2, \"1\"]",
    ] {
        let t = text.replace("x = [0, 1]\ny = [0, 2]", spelled);
        assert_ne!(t, text);
        assert!(space(&t).integer_starts());
        assert_eq!(space(&t).hash, h, "{spelled}");
    }
    let t = text.replace("y = [0, 2]", "y = [0, 2, \"1/2\"]");
    assert_ne!(space(&t).hash, h);
}

#[test]
fn bad_rational_starts_give_errors_naming_the_file_the_key_and_the_value() {
    let good = space_text("zeta3", [(-1, 1), (-1, 1)], [(1, 2), (1, 1)]);
    let bad = |name: &str, x: &str| load_err(name, &good.replace("x = [1, 2]", x));
    for (name, x, expected) in [
        ("r1.toml", "x = [0.5, 2]", "lo = 0.5 is a float"),
        (
            "r2.toml",
            "x = [\"1/0\", 2]",
            "lo = '1/0' is not an integer or p/q",
        ),
        ("r3.toml", "x = [\"1/2\", \"half\"]", "hi = 'half'"),
        ("r4.toml", "x = [0, 2, \"0\"]", "step = 0 must be positive"),
        (
            "r5.toml",
            "x = [0, 1, \"2/3\"]",
            "hi − lo = 1 is not a multiple of the step 2/3",
        ),
        (
            "r6.toml",
            "x = [\"1/2\", \"5/3\"]",
            "[1/2, 5/3]: hi − lo = 7/6",
        ),
        (
            "r7.toml",
            "x = [\"1/1001\", 1]",
            "lo = 1/1001: denominator above 1000",
        ),
        (
            "r8.toml",
            "x = [\"3/2\", \"1/2\"]",
            "empty range [3/2, 1/2]",
        ),
        (
            "r9.toml",
            "x = [1]",
            "expected a range [lo, hi] or [lo, hi, step]",
        ),
        (
            "r10.toml",
            "x = [\"1/2\", \"3/2\", \"1/999\"]",
            "denominator 1998, above 1000",
        ),
    ] {
        let e = bad(name, x);
        assert!(e.contains("starts.x") && e.contains(expected), "{x}: {e}");
    }
}

/// Through the binary: a bad fractional start exits with status 2, names the key and the value,
/// and writes no catalog.
#[test]
fn a_bad_rational_start_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let space = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(repo("search-spaces/cmf-zeta3-half.toml"))
        .unwrap()
        .replace("x = [\"1/2\", \"3/2\"]", "x = [\"1/2\", \"3/x\"]");
    std::fs::write(&space, text).unwrap();
    let cat = dir.path().join("c.db");
    let out = cmf_search(&["-q"], &cat, &space).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("starts.x") && err.contains("'3/x'"),
        "{err}"
    );
    assert!(!cat.exists());
}

/// The PCF from a half-integer start is deflated as fully as from an integer one:
///
/// * along the diagonal from (1/2, 1/2), `T(n)` is that from (0, 0) at `n + 1/2`, so the deflated
///   PCF is the (0, 0) one, `((2n−1)(17n²−17n+5), −(n−1)⁶)` (§11.7), at `n + 1/2`, scaled by
///   `λ = 8` to integers: `(4n(68n² + 3), −(2n−1)⁶)`;
/// * from (1/2, 1), `γ(n) = (2n+3)³(4n+3)(12n²+18n+7)/64` and the recurrence's coefficient
///   `A(n) = α(n) + γ(n)δ(n−1)/γ(n−1)` is `(2n+3)³(4n+1)P₈(n)` over `16(2n+1)³(4n−1)(12n²−6n+1)`,
///   coprime (`P₈` the octic below), so every scalar `λ_n` making `λ_n·A(n)` a polynomial keeps
///   `(4n+1)P₈(n)`: `a` has degree 9, not 3. Its limit is −6/ζ(3), while the walk converges to
///   8/(7ζ(3)) − 1 (`P = −21(W + 1)/4`). From (1/2, 1/2) the relation is `P = 6W + 1`.
///
/// Neither has a removable factor left (`gcd(a, b, b(n+1))` constant, no `k` with `k | a`,
/// `k² | b`), and each limit is checked against the walk's.
#[test]
fn half_integer_starts_give_fully_deflated_pcfs_tied_to_the_walk() {
    use apery::cmf::shift::{shifted, split_start};
    use apery::cmf::to_pcf::trajectory_to_pcf;
    use apery::cmf::walk::{WalkOptions, Walker};
    use apery::pcf::limit::{evaluate, EvalOptions};
    use apery::poly::parse;
    let zeta3_field = apery::cmf::load("zeta3").unwrap().build(&[]).unwrap();
    let prec = 700;
    // (start, a, b, (p, q, d)): the PCF's limit is (p·W + q)/d with W the walk's limit
    let cases = [
        ("1/2,1/2", "4n(68n^2+3)", "-(2n-1)^6", (6, 1, 1)),
        (
            "1/2,1",
            "(4n+1)(6528n^8+13056n^7+6880n^6-1104n^5-1320n^4+92n^3+114n^2-5)",
            "-4n^6(2n-1)^6(4n-5)(4n+3)(12n^2-30n+19)(12n^2+18n+7)",
            (-21, -21, 4),
        ),
    ];
    for (start, a, b, (p, q, d)) in cases {
        let (ints, frac) = split_start(&rats(start)).unwrap();
        let field = shifted(&zeta3_field, &frac);
        let r = trajectory_to_pcf(&field, &[1, 1], &ints).unwrap();
        assert_eq!(r.a, parse(a).unwrap(), "a from ({start})");
        assert_eq!(r.b, parse(b).unwrap(), "b from ({start})");
        assert_eq!(r.shift, 0, "({start})");
        assert_eq!(r.a.gcd(&r.b).gcd(&r.b.shift(1)).degree(), Some(0));
        let ca = r.a.content();
        let cb = r.b.content();
        let g = rug::Integer::from(ca.gcd_ref(&cb));
        assert!(
            (2..=g.to_u32().unwrap()).all(|k| !(ca.is_divisible_u(k) && cb.is_divisible_u(k * k))),
            "({start}): an integer factor is left"
        );
        let pcf = evaluate(
            &r.pcf,
            &EvalOptions {
                digits: 150,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(pcf.digits >= 150.0, "({start}): {}", pcf.digits);
        let walk = Walker::new(&field)
            .unwrap()
            .limit(
                &[1, 1],
                &ints,
                &WalkOptions {
                    digits: 150,
                    ..Default::default()
                },
            )
            .unwrap();
        let expected = (Float::with_val(prec, &walk.value * p) + q) / d;
        let err = Float::with_val(prec, &pcf.value - &expected).abs();
        assert!(err < 1e-140, "({start}): PCF {} vs walk: {err}", pcf.value);
    }
    // and the limit from (1/2, 1) is −6/ζ(3)
    let (ints, frac) = split_start(&rats("1/2,1")).unwrap();
    let r = trajectory_to_pcf(&shifted(&zeta3_field, &frac), &[1, 1], &ints).unwrap();
    let v = evaluate(&r.pcf, &EvalOptions::default()).unwrap().value;
    let six = Float::with_val(400, -6i32) / zeta3(400);
    assert!(Float::with_val(400, &v - &six).abs() < 1e-95, "{v}");
}

/// `apery cmf search` on the bundled half-integer space: the verified conjecture −6/ζ(3) from the
/// rational start (1/2, 1) lands in the catalog with its exact start, `query` shows it in the table,
/// LaTeX and JSON, and a 3-way shard split gives the same catalog as one run.
#[test]
fn the_half_integer_space_finds_minus_6_over_zeta3_from_a_rational_start() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.db");
    let space = repo("search-spaces/cmf-zeta3-half.toml");
    let out = cmf_search(&["-q", "-j", "1"], &whole, &space)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("indices 0..80 of 80"), "{text}");
    let sharded = dir.path().join("sharded.db");
    for i in [2, 0, 1] {
        cmf_search(
            &["-q", "-j", "2", "--shard", &format!("{i}/3")],
            &sharded,
            &space,
        )
        .assert()
        .success();
    }
    let json = query(&whole, &["--format", "json"]);
    assert_eq!(json, query(&sharded, &["--format", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let expected = Pcf::parse(
        "(4n+1)*(6528n^8+13056n^7+6880n^6-1104n^5-1320n^4+92n^3+114n^2-5)",
        "-4n^6*(2n-1)^6*(4n-5)*(4n+3)*(12n^2-30n+19)*(12n^2+18n+7)",
    )
    .unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["cmf_sources"].as_array().unwrap().iter().any(|s| {
                s["trajectory"] == serde_json::json!([1, 1])
                    && s["start"] == serde_json::json!(["1/2", 1])
            })
        })
        .expect("the diagonal from (1/2, 1) is in the catalog");
    let src = row["cmf_sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| {
            s["trajectory"] == serde_json::json!([1, 1])
                && s["start"] == serde_json::json!(["1/2", 1])
        })
        .unwrap();
    assert_eq!(
        Pcf::parse(src["a"].as_str().unwrap(), src["b"].as_str().unwrap()).unwrap(),
        expected
    );
    // the catalog keeps the limit to about 60 digits
    let limit = Float::with_val(400, Float::parse(row["limit"].as_str().unwrap()).unwrap());
    let six = Float::with_val(400, -6i32) / zeta3(400);
    assert!(Float::with_val(400, &limit - &six).abs() < 1e-50, "{limit}");
    assert!(row["verified_digits"].as_u64().unwrap() >= 100);
    // the library reads the exact start back
    let cat = Catalog::open_read_only(&whole).unwrap();
    let key = row["canonical_key"].as_str().unwrap();
    let sources = cat.cmf_sources(key).unwrap();
    assert!(sources
        .iter()
        .any(|s| s.trajectory == vec![1, 1] && s.start == rats("1/2,1")));
    assert!(sources
        .iter()
        .all(|s| s.start[0] == rat("1/2") || s.start[0] == rat("3/2")));
    let latex = query(&whole, &["--kind", "cmf", "--format", "latex"]);
    assert!(
        latex.contains("% CMF zeta3 (1,1) from (1/2,1) (space cmf-zeta3-half)"),
        "{latex}"
    );
    let table = query(&whole, &["--kind", "cmf"]);
    assert!(
        table.contains(" from (1/2,") && table.contains("8 conjecture(s)"),
        "{table}"
    );
}
