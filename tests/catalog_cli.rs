//! The catalog's read commands through the binary (`query`, `plot`, `cluster`, `bm`): exit
//! codes, error messages that name the problem, and that reading never writes.
//!
//! Every catalog is built in a temporary directory by the library, so nothing outside the
//! repository is read.

use apery::catalog::metrics::{MetricsRow, StoredCluster};
use apery::catalog::{Catalog, Conjecture};
use apery::dynamics::metrics;
use common::apery;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

mod common;

/// `apery ARGS… --catalog PATH`, run.
fn on_catalog(args: &[&str], path: &Path) -> assert_cmd::assert::Assert {
    apery().args(args).arg("--catalog").arg(path).assert()
}

/// The standard output of `apery ARGS… --catalog PATH`, which must succeed.
fn stdout_of(args: &[&str], path: &Path) -> String {
    let out = on_catalog(args, path).success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn conjecture(
    kind: &str,
    key: &str,
    a: &str,
    b: &str,
    constant: &str,
    relation: &str,
) -> Conjecture {
    Conjecture {
        kind: kind.into(),
        canonical_key: key.into(),
        a: a.into(),
        b: b.into(),
        constants: vec![constant.into()],
        relation: relation.into(),
        limit: "1.2".into(),
        verified_digits: 100,
        depth: 128,
        delta: Some(0.1),
        convergence_rate: Some(1.0),
        space: "tiny".into(),
        space_hash: "h".into(),
        variants: 1,
        details: serde_json::json!({}),
        cmf_sources: Vec::new(),
    }
}

/// PCFs of the tiny space (coefficients lowest degree first) and their stored clusters:
/// three in cluster 0 (`e`), two in cluster 1 (`unknown`), one in no cluster.
const TINY: [(&[i64], &[i64], Option<i64>); 6] = [
    (&[3, 1], &[0, -1], Some(0)),
    (&[1, 1], &[0, 1], Some(0)),
    (&[2, 1], &[0, -1], Some(0)),
    (&[1, 2], &[0, 0, 1], Some(1)),
    (&[3, 2], &[0, 0, 1], Some(1)),
    (&[2], &[1], None),
];

/// A catalog with a PCF formula for π, one for ζ(3), an ESMA formula, and clustered metrics of the
/// space `tiny`, written to `dir/catalog.sqlite` and closed (so no `-wal` is left beside it).
fn make_catalog(dir: &Path) -> PathBuf {
    let path = dir.join("catalog.sqlite");
    let mut cat = Catalog::open(&path).unwrap();
    cat.insert(
        &conjecture(
            "pcf",
            "pcf:(n**2)/(4*n**2 - 1)",
            "2*n + 1",
            "n**2",
            "pi",
            "x = 4/pi",
        ),
        "0",
    )
    .unwrap();
    cat.insert(
        &conjecture(
            "pcf",
            "pcf:apery",
            "34*n**3 + 51*n**2 + 27*n + 5",
            "-n**6",
            "zeta3",
            "x = 6/zeta3",
        ),
        "1",
    )
    .unwrap();
    cat.insert(
        &conjecture(
            "esma",
            "esma:2.16",
            "(e + 1)/(e - 1)",
            "signs [1, 1]",
            "e",
            "(e + 1)/(e - 1) = 2 + 1/(6 + 1/(10 + ...))\n  convergence: 4.4 digits per term",
        ),
        "2",
    )
    .unwrap();
    let rows: Vec<MetricsRow> = TINY
        .iter()
        .enumerate()
        .map(|(i, (a, b, _))| MetricsRow {
            index: i as u64,
            a: format!("{a:?}"),
            b: format!("{b:?}"),
            canonical_key: format!("pcf:{i}"),
            metrics: metrics(a, b, 300).unwrap(),
            cluster: None,
            label: None,
        })
        .collect();
    cat.commit_metrics("tiny", "h", 300, 0..6, &rows).unwrap();
    let assignment: Vec<(u64, Option<i64>, Option<String>)> = TINY
        .iter()
        .enumerate()
        .map(|(i, (_, _, c))| {
            let label = c.map(|c| if c == 0 { "e" } else { "unknown" }.to_string());
            (i as u64, *c, label)
        })
        .collect();
    let clusters = [
        StoredCluster {
            id: 0,
            plane: 0,
            size: 3,
            label: "e".into(),
            labelled: true,
        },
        StoredCluster {
            id: 1,
            plane: 0,
            size: 2,
            label: "unknown".into(),
            labelled: false,
        },
    ];
    cat.set_clusters("tiny", &assignment, &clusters).unwrap();
    drop(cat);
    path
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Bytes and modification time of a file.
fn snapshot(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    (
        std::fs::read(path).unwrap(),
        std::fs::metadata(path).unwrap().modified().unwrap(),
    )
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn read_commands_read_a_catalog_in_a_read_only_directory_without_writing() {
    let src = tempfile::tempdir().unwrap();
    let made = make_catalog(src.path());
    let ro = tempfile::tempdir().unwrap();
    let path = ro.path().join("catalog.sqlite");
    std::fs::copy(&made, &path).unwrap();
    // In rollback-journal mode, as a catalog copied by other tools may be: a command that opened
    // it for writing would switch it to WAL, which changes the file's header.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    drop(conn);
    let out = tempfile::tempdir().unwrap();
    let before = snapshot(&path);
    #[cfg(unix)]
    set_mode(ro.path(), 0o555);
    on_catalog(&["query"], &path)
        .success()
        .stdout(predicate::str::contains("x = 4/pi"));
    on_catalog(&["query", "--cluster", "0"], &path)
        .success()
        .stdout(predicate::str::contains("3 PCF(s) in cluster 0"));
    apery()
        .args(["plot", "clusters", "--catalog"])
        .arg(&path)
        .arg("--out")
        .arg(out.path().join("c.svg"))
        .assert()
        .success();
    #[cfg(unix)]
    set_mode(ro.path(), 0o755);
    // Nothing was written: not the database, not a -wal or -shm beside it (tests may run as
    // root, for whom the directory's mode stops nothing, so this is what shows it).
    assert_eq!(snapshot(&path), before);
    assert!(!sidecar(&path, "-wal").exists());
    assert!(!sidecar(&path, "-shm").exists());
    let names: Vec<_> = std::fs::read_dir(ro.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "only the catalog is in its directory");
}

#[test]
fn read_only_open_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    let before = snapshot(&path);
    let mut cat = Catalog::open_read_only(&path).unwrap();
    assert!(cat.is_read_only());
    assert_eq!(cat.query(&Default::default()).unwrap().len(), 3);
    let err = cat
        .insert(&conjecture("pcf", "k", "n", "n", "e", "x = e"), "0")
        .unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    drop(cat);
    assert_eq!(snapshot(&path), before);
    assert!(!sidecar(&path, "-wal").exists());
}

#[test]
fn read_only_open_of_a_missing_catalog_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.sqlite");
    assert!(Catalog::open_read_only(&path).is_err());
    assert!(Catalog::open_existing(&path).is_err());
    assert!(!path.exists());
}

#[test]
fn read_commands_on_a_missing_catalog_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("missing.sqlite");
    let runs: [&[&str]; 4] = [
        &["query"],
        &["query", "--cluster", "0"],
        &["cluster"],
        &["plot", "clusters"],
    ];
    for args in runs {
        let mut cmd = apery();
        cmd.args(args).arg("--catalog").arg(&path);
        if args[0] == "plot" {
            cmd.arg("--out").arg(dir.path().join("p.png"));
        }
        cmd.assert()
            .failure()
            .stderr(predicate::str::contains(path.display().to_string()))
            .stderr(predicate::str::contains("does not exist"))
            .stderr(predicate::str::contains("apery search"));
        assert!(!path.exists(), "{args:?} created the catalog");
        assert!(
            !path.parent().unwrap().exists(),
            "{args:?} created its directory"
        );
    }
    assert!(!dir.path().join("p.png").exists());
}

#[test]
fn query_cluster_honours_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    let text = stdout_of(&["query", "--cluster", "1", "--format", "csv"], &path);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("index,a,b,fr_delta,"), "{text}");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("3,") && lines[1].ends_with(",1,unknown,pcf:3"),
        "{text}"
    );
    let json = stdout_of(&["query", "--cluster", "1", "--format", "json"], &path);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    on_catalog(&["query", "--cluster", "1", "--format", "latex"], &path)
        .success()
        .stdout(predicate::str::contains("\\begin{tabular}"));
}

#[test]
fn query_rejects_an_unknown_kind_listing_the_valid_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    on_catalog(&["query", "--kind", "bogus"], &path)
        .failure()
        .stderr(predicate::str::contains("bogus"))
        .stderr(predicate::str::contains("pcf"))
        .stderr(predicate::str::contains("esma"));
    on_catalog(&["query", "--kind", "esma", "--format", "csv"], &path)
        .success()
        .stdout(predicate::str::contains("(e + 1)/(e - 1)"))
        .stdout(predicate::str::contains("4/pi").not());
}

#[test]
fn query_constant_resolves_library_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    for name in ["apery", "zeta3", "zeta_3"] {
        on_catalog(&["query", "--constant", name], &path)
            .success()
            .stdout(predicate::str::contains("x = 6/zeta3"))
            .stdout(predicate::str::contains("1 conjecture(s)"));
    }
    on_catalog(&["query", "--constant", "π"], &path)
        .success()
        .stdout(predicate::str::contains("x = 4/pi"))
        .stdout(predicate::str::contains("1 conjecture(s)"));
}

#[test]
fn query_table_gives_esma_rows_their_own_headers() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    let text = stdout_of(&["query"], &path);
    let header_of = |needle: &str| {
        // The header line of the table a row is in: the last line above it that starts with "kind".
        let at = text.find(needle).unwrap();
        text[..at]
            .lines()
            .rfind(|l| l.starts_with("kind"))
            .unwrap()
            .to_string()
    };
    let pcf = header_of("2*n + 1");
    assert!(pcf.contains("a(n)") && pcf.contains("b(n)"), "{text}");
    let esma = header_of("(e + 1)/(e - 1)");
    assert!(
        esma.contains("left-hand side") && esma.contains("sign period"),
        "{text}"
    );
    assert!(!esma.contains("a(n)"), "{text}");
    assert!(text.contains("3 conjecture(s)"));
}

#[test]
fn plot_rejects_unsupported_extensions_naming_the_file_and_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    let jpg = dir.path().join("clusters.jpg");
    apery()
        .args(["plot", "clusters", "--catalog"])
        .arg(&path)
        .arg("--out")
        .arg(&jpg)
        .assert()
        .failure()
        .stderr(predicate::str::contains("clusters.jpg"))
        .stderr(predicate::str::contains(".png"))
        .stderr(predicate::str::contains(".svg"))
        .stderr(predicate::str::contains("ImageError").not());
    assert!(!jpg.exists());
    let gif = dir.path().join("conv.gif");
    apery()
        .args(["plot", "convergence", "--a", "2n+1", "--b", "n^2", "--out"])
        .arg(&gif)
        .assert()
        .failure()
        .stderr(predicate::str::contains("conv.gif"))
        .stderr(predicate::str::contains(".png"));
    assert!(!gif.exists());
}

/// The `apery bm …` example of a documentation text: the first `apery bm` followed by numbers.
fn bm_example(doc: &str) -> Vec<String> {
    doc.match_indices("apery bm ")
        .map(|(at, m)| {
            doc[at + m.len()..]
                .split(|c: char| !(c.is_ascii_digit() || c == ' ' || c == '-'))
                .next()
                .unwrap()
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|terms| !terms.is_empty())
        .expect("the text has an `apery bm` example")
}

#[test]
fn bm_documented_examples_find_the_recurrence_of_e() {
    let readme = std::fs::read_to_string(common::repo("README.md")).unwrap();
    let help = |args: &[&str]| {
        String::from_utf8(
            apery()
                .args(args)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone(),
        )
        .unwrap()
    };
    let docs = [readme, help(&["--help"]), help(&["bm", "--help"])];
    for doc in &docs {
        let terms = bm_example(doc);
        assert!(terms.len() >= 16, "{terms:?}");
        apery()
            .arg("bm")
            .args(&terms)
            .assert()
            .success()
            .stdout(predicate::str::contains("a(n) = 2a(n-3) - a(n-6)"))
            .stdout(predicate::str::contains("a_{3m+2} = 2m+2"));
    }
}

#[test]
fn bm_with_too_few_terms_says_how_many_are_needed() {
    apery()
        .args([
            "bm", "2", "1", "2", "1", "1", "4", "1", "1", "6", "1", "1", "8", "1", "1", "10",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("too few terms"))
        .stderr(predicate::str::contains("16"));
}

#[test]
fn read_only_open_sees_commits_of_a_writer_still_running() {
    let dir = tempfile::tempdir().unwrap();
    let path = make_catalog(dir.path());
    // A writer keeps the catalog open (as a running search does): its commits are in the -wal.
    let mut writer = Catalog::open(&path).unwrap();
    writer
        .insert(
            &conjecture("pcf", "pcf:new", "n", "n", "e", "x = 1/(e - 1)"),
            "3",
        )
        .unwrap();
    assert!(sidecar(&path, "-wal").exists());
    let reader = Catalog::open_read_only(&path).unwrap();
    assert!(reader.is_read_only());
    assert_eq!(reader.query(&Default::default()).unwrap().len(), 4);
    on_catalog(&["query"], &path)
        .success()
        .stdout(predicate::str::contains("x = 1/(e - 1)"));
}
