//! The convergence-dynamics pipeline through the catalog: a search provides anchors, the survey
//! stores metrics (resumably), clustering labels at least one cluster by its anchor.

use apery::catalog::Catalog;
use apery::dynamics::cluster::{ClusterLabel, ClusterParams};
use apery::dynamics::metrics::MetricsConfig;
use apery::dynamics::survey::{cluster_space, survey};
use apery::pcf::canonical::CanonicalKey;
use apery::pcf::Pcf;
use apery::search::Searcher;
use apery::space::SearchSpace;
use std::path::PathBuf;

#[test]
fn small_space_clusters_are_labelled_by_catalog_anchors() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("search-spaces/dynamics-small.toml");
    let space = SearchSpace::load(&p).unwrap();
    let mut cat = Catalog::in_memory().unwrap();
    Searcher::new(&space)
        .unwrap()
        .run(&mut cat, 0..u64::MAX, &|_| {})
        .unwrap();
    let config = MetricsConfig {
        depth: 300,
        ..Default::default()
    };
    // Two halves, as an interrupted run would do them; the second call resumes.
    let size = 11u64.pow(4);
    let first = survey(&space, &config, &mut cat, 0..size / 2, &|_| {}).unwrap();
    let second = survey(&space, &config, &mut cat, 0..size, &|_| {}).unwrap();
    assert_eq!(second.resumed, size / 2);
    assert_eq!(
        first.computed + first.skipped + second.computed + second.skipped,
        size
    );
    // Indices with a = 0 or b = 0: 11² + 11² − 1 = 241.
    assert_eq!(first.skipped + second.skipped, 241);

    let report = cluster_space(&mut cat, &space.name, None, &ClusterParams::default()).unwrap();
    assert_eq!(report.points, 14_400);
    assert!(report.anchors > 0);
    let e_cluster = |a: &str, b: &str| {
        let key = format!("pcf:{}", CanonicalKey::of(&Pcf::parse(a, b).unwrap()));
        let i = report
            .rows
            .iter()
            .position(|r| r.canonical_key == key)
            .unwrap();
        report.labelling.assignment[i]
    };
    // (n+3, -n) -> e is an anchor; its cluster carries the label e.
    let k = e_cluster("n+3", "-n").expect("(n+3, -n) is clustered");
    assert_eq!(
        report.labelling.clusters[k].label,
        ClusterLabel::Constant("e".into())
    );
    // The labels are stored, member by member: "e" where PSLQ confirms the member's limit is a
    // Möbius transform of e, "e?" where it does not (the anchor itself is confirmed).
    let rows = cat.metrics(&space.name, Some(k as i64)).unwrap();
    assert_eq!(rows.len(), report.labelling.clusters[k].members.len());
    assert!(rows
        .iter()
        .all(|r| matches!(r.label.as_deref(), Some("e") | Some("e?"))));
    let anchor = rows.iter().find(|r| r.a == "n + 3" && r.b == "-n").unwrap();
    assert_eq!(anchor.label.as_deref(), Some("e"));
    // (n+1, n) -> 1/(e-2) is confirmed wherever it was clustered with e.
    let confirmed = rows
        .iter()
        .filter(|r| r.label.as_deref() == Some("e"))
        .count();
    assert!(confirmed >= 2, "{confirmed}");
}
