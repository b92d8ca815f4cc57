//! End-to-end searches on the bundled spaces: what they find, deduplication, determinism across
//! thread counts and shard splits, and resuming.

use apery::catalog::{Catalog, Conjecture, Query};
use apery::enumerate::shard;
use apery::pcf::canonical::CanonicalKey;
use apery::pcf::Pcf;
use apery::search::Searcher;
use apery::space::SearchSpace;
use std::path::{Path, PathBuf};

fn space(name: &str) -> SearchSpace {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("search-spaces")
        .join(name);
    SearchSpace::load(&p).unwrap()
}

fn run(space: &SearchSpace, ranges: &[std::ops::Range<u64>], threads: usize) -> Vec<Conjecture> {
    let mut cat = Catalog::in_memory().unwrap();
    let s = Searcher::new(space).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        for r in ranges {
            s.run(&mut cat, r.clone(), &|_| {}).unwrap();
        }
    });
    cat.query(&Query::default()).unwrap()
}

fn row_of<'a>(rows: &'a [Conjecture], a: &str, b: &str) -> Option<&'a Conjecture> {
    let key = format!("pcf:{}", CanonicalKey::of(&Pcf::parse(a, b).unwrap()));
    rows.iter().find(|c| c.canonical_key == key)
}

#[test]
fn e_space_finds_e_and_e_over_e_minus_2_once() {
    let sp = space("e-degree1.toml");
    let rows = run(&sp, std::slice::from_ref(&(0..u64::MAX)), 2);
    let e = row_of(&rows, "n+3", "-n").expect("(n+3, -n) -> e");
    assert_eq!((e.a.as_str(), e.b.as_str()), ("n + 3", "-n"));
    assert_eq!(e.relation, "x = e");
    assert!(e.verified_digits >= 100);
    assert!(
        e.limit.starts_with("2.718281828459045235360287"),
        "{}",
        e.limit
    );
    // Its constant inflation (2n+6, -4n) -> 2e is in the space too: it is counted, not listed.
    assert!(e.variants >= 2, "{e:?}");
    assert!(rows.iter().all(|c| c.a != "2*n + 6" || c.b != "-4*n"));
    let f = row_of(&rows, "n+4", "-n").expect("(n+4, -n) -> e/(e-2)");
    assert!(f.relation.contains('e'));
    // Every canonical key appears once.
    let mut keys: Vec<_> = rows.iter().map(|c| &c.canonical_key).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), rows.len());
}

#[test]
fn apery_family_finds_six_over_zeta3() {
    let sp = space("zeta3-apery.toml");
    let rows = run(&sp, std::slice::from_ref(&(0..u64::MAX)), 2);
    let r = row_of(&rows, "34n^3+51n^2+27n+5", "-n^6").expect("Apéry's PCF");
    assert_eq!(r.relation, "x = 6/zeta3");
    assert!(r.verified_digits >= 100);
    assert!(r.limit.starts_with("4.9914"), "{}", r.limit); // 6/ζ(3) = 4.99144...
                                                           // R3 of the validation set, (2n+1)(3n^2+3n+1) -> 8/(7ζ(3)).
    assert!(row_of(&rows, "(2n+1)(3n^2+3n+1)", "-n^6").is_some());
}

#[test]
fn catalog_is_the_same_for_any_thread_count_and_shard_split() {
    let sp = space("quickstart.toml");
    let size = Searcher::new(&sp).unwrap().enumerator().size();
    let one = run(&sp, std::slice::from_ref(&(0..size)), 1);
    let shards: Vec<_> = [2, 0, 1].iter().map(|&i| shard(size, i, 3)).collect();
    let split = run(&sp, &shards, 2);
    let odd = run(&sp, &[0..12_345, 30_000..size, 12_345..30_000], 2);
    assert!(one.len() > 20, "{}", one.len());
    assert_eq!(one, split);
    assert_eq!(one, odd);
}

fn temp_catalog(tag: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("apery-test-{tag}-{}.sqlite", std::process::id()));
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", p.display()));
    }
    p
}

#[test]
fn an_interrupted_search_resumes_without_duplicates() {
    let sp = space("quickstart.toml");
    let s = Searcher::new(&sp).unwrap();
    let size = s.enumerator().size();
    let path = temp_catalog("resume");
    {
        // First run covers the first half only (as if it had been stopped there).
        let mut cat = Catalog::open(&path).unwrap();
        s.run(&mut cat, 0..size / 2, &|_| {}).unwrap();
    }
    let mut cat = Catalog::open(&path).unwrap();
    let summary = s.run(&mut cat, 0..size, &|_| {}).unwrap();
    assert_eq!(summary.resumed, size / 2, "{summary:?}");
    assert_eq!(summary.stats.enumerated, size - size / 2);
    let resumed = cat.query(&Query::default()).unwrap();
    assert_eq!(resumed, run(&sp, std::slice::from_ref(&(0..size)), 2));
    drop(cat);
    let _ = std::fs::remove_file(&path);
}

fn load_err(text: &str) -> String {
    SearchSpace::from_toml(text, Path::new("spaces/bad.toml"))
        .unwrap_err()
        .to_string()
}

const GOOD: &str = r#"
name = "t"
[pcf]
a = [[1, 2], [0, 3]]
b = [[-1, 1], [1, 2]]
[targets]
constants = ["e"]
"#;

#[test]
fn malformed_spaces_get_errors_naming_file_key_and_problem() {
    assert!(SearchSpace::from_toml(GOOD, Path::new("x.toml")).is_ok());
    let e = load_err(&GOOD.replace("[0, 3]", "[3, 0]"));
    assert!(
        e.contains("spaces/bad.toml") && e.contains("pcf.a") && e.contains("empty range"),
        "{e}"
    );
    let e = load_err(&GOOD.replace("[\"e\"]", "[\"exp(1\"]"));
    assert!(e.contains("targets.constants[0]"), "{e}");
    let e = load_err(&GOOD.replace("name = \"t\"", "name = \"t\"\ncolour = 3"));
    assert!(e.contains("spaces/bad.toml") && e.contains("colour"), "{e}");
    let e = load_err(&GOOD.replace("a = [[1, 2], [0, 3]]", "a = \"x0*n + 1\""));
    assert!(e.contains("pcf"), "{e}");
    let e = load_err(&GOOD.replace("[targets]", "[budget]\nverify_digits = 5\n[targets]"));
    assert!(e.contains("budget.verify_digits"), "{e}");
}

#[test]
fn every_bundled_space_is_valid() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("search-spaces");
    let mut n = 0;
    for f in std::fs::read_dir(dir).unwrap() {
        let p = f.unwrap().path();
        let esma = p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("esma-");
        let cmf = p.file_name().unwrap().to_string_lossy().starts_with("cmf-");
        if esma {
            apery::space::esma::EsmaSpace::load(&p).unwrap_or_else(|e| panic!("{e}"));
        } else if cmf {
            let s = apery::space::cmf::CmfSpace::load(&p).unwrap_or_else(|e| panic!("{e}"));
            assert!(s.size() > 0);
        } else if p.extension().is_some_and(|e| e == "toml") {
            let s = SearchSpace::load(&p).unwrap_or_else(|e| panic!("{e}"));
            assert!(Searcher::new(&s).unwrap().enumerator().size() > 0);
            n += 1;
        }
    }
    assert!(n >= 6);
}

#[test]
fn blind_delta_space_has_the_papers_size() {
    let s = space("blind-delta.toml");
    let e = apery::enumerate::Enumerator::new(&s).unwrap();
    assert_eq!(e.size(), 11u64.pow(6));
    // 1,768,900 = (11^3 - 1)^2 PCFs have non-zero a and b.
    let nonzero = (0..e.size())
        .filter(|&i| {
            let p = e.candidate(i);
            !p.a.is_zero() && !p.b.is_zero()
        })
        .count();
    assert_eq!(nonzero, 1_768_900);
}

#[test]
fn factorial_reduction_screen_finds_slow_zeta3_formulas() {
    let sp = space("zeta3-slow.toml");
    assert!(sp.factorial_reduction);
    let mut cat = Catalog::in_memory().unwrap();
    let summary = Searcher::new(&sp)
        .unwrap()
        .run(&mut cat, 0..u64::MAX, &|_| {})
        .unwrap();
    assert!(summary.fr_positive > 0 && summary.fr_screened >= summary.fr_positive);
    let rows = cat.query(&Query::default()).unwrap();
    // Validation row R10: its coefficients (224) exceed the table's Möbius bound (20), so only the
    // FR screen with PSLQ can find it.
    let r10 = row_of(&rows, "2*((n+1)**3 + n**3)+15*(2*n+1)", "-4*n**6").expect("R10");
    assert_eq!(r10.relation, "x = 54/(189*zeta3 - 224)");
    assert!(r10.verified_digits >= 20);
    // R7 -> 1/(ζ(3) - 1), a slowly converging member.
    assert_eq!(
        row_of(&rows, "((n+1)**3 + n**3)+4*(2*n+1)", "-n**6")
            .unwrap()
            .relation,
        "x = 1/(zeta3 - 1)"
    );
}
