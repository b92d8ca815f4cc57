//! Integration tests of the `dynamics` module against tests/fixtures/dynamics_vectors.json
//! (algorithms.md §3.3 and §9.3).

use apery::dynamics::metrics::MetricsStatus;
use apery::dynamics::{blind_delta, delta_known, metrics};
use rug::float::Constant;
use rug::Float;
use serde_json::Value;

fn vectors() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dynamics_vectors.json"
    ))
    .expect("dynamics_vectors.json is readable");
    serde_json::from_str(&text).expect("dynamics_vectors.json parses")
}

/// Converts a key [A2, A1, A0, B2, B1, B0] into lowest-degree-first slices.
fn key_to_ab(key: &[i64]) -> (Vec<i64>, Vec<i64>) {
    (vec![key[2], key[1], key[0]], vec![key[5], key[4], key[3]])
}

fn close(name: &str, key: &[i64], got: Option<f64>, want: f64, tol: f64) {
    let got = got.unwrap_or_else(|| panic!("{key:?}: {name} missing"));
    assert!(
        (got - want).abs() <= tol,
        "{key:?}: {name} = {got}, expected {want} ± {tol}"
    );
}

#[test]
fn metric_table_reproduced() {
    let v = vectors();
    let tol = 1e-3;
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    for row in rows {
        let key: Vec<i64> = row["key"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap())
            .collect();
        let (a, b) = key_to_ab(&key);
        let m = metrics(&a, &b, 2000).unwrap();
        assert_eq!(m.status, MetricsStatus::Computed, "{key:?}");
        assert!(!m.divergent);
        assert_eq!(m.sample_points, vec![6, 125, 250, 500, 1000]);
        assert_eq!(
            m.complex_eigenvalues,
            row["complex_eigenvalues"].as_bool().unwrap()
        );
        // The limit is exact to the 40 digits given (the depth-1999 convergent is far closer).
        let want_limit = row["limit_40"].as_str().unwrap();
        let digits = m.limit_digits.as_deref().unwrap().replace('.', "");
        let want_digits = want_limit
            .replace('.', "")
            .trim_start_matches('0')
            .to_string();
        assert_eq!(&digits[..35], &want_digits[..35], "{key:?} limit");
        for (name, field, got) in [
            ("gamma'", "c_gamma_prime", m.gamma_prime),
            ("eta'", "d_eta_prime", m.eta_prime),
            ("log|ratio|", "log_abs_eig_ratio", m.log_eigen_ratio),
            ("naive delta", "delta_naive", m.naive_delta),
            ("FR delta", "delta_FR", m.fr_delta),
            ("predicted delta", "delta_pred", m.predicted_delta),
            ("beta", "beta", m.beta),
            ("gamma", "gamma", m.gamma),
            ("eta", "eta", m.eta),
        ] {
            close(name, &key, got, row[field].as_f64().unwrap(), tol);
        }
    }
}

/// ζ(3) to `prec` bits from ζ(3) = (5/2) Σ_{k≥1} (−1)^{k+1} / (k³·C(2k, k)) (each term costs
/// only small-integer operations; MPFR's general ζ is far slower at 10⁴ bits).
fn zeta3(prec: u32) -> Float {
    let work = prec + 64;
    let mut r = Float::with_val(work, 1); // 1/C(2k, k)
    let mut sum = Float::with_val(work, 0);
    let mut k: u32 = 1;
    loop {
        // 1/C(2k,k) = 1/C(2k−2,k−1) · k/(2(2k−1)).
        r *= k;
        r /= 2 * (2 * k - 1);
        let term = Float::with_val(work, &r / k) / k / k;
        if term.get_exp().unwrap_or(i32::MIN) < -(work as i32) {
            break;
        }
        if k % 2 == 1 {
            sum += &term;
        } else {
            sum -= &term;
        }
        k += 1;
    }
    Float::with_val(prec, sum * 5u32 / 2u32)
}

/// The limit of a δ reference row, to `prec` bits.
fn reference_limit(name: &str, prec: u32) -> Float {
    let one = Float::with_val(prec, 1);
    let e = Float::with_val(prec, one.exp_ref());
    let pi = Float::with_val(prec, Constant::Pi);
    match name {
        "6/zeta(3)" => 6 / zeta3(prec),
        "4/pi" => 4 / pi,
        "e" => e,
        "(e+1)/(e-1)" => Float::with_val(prec, &e + 1) / Float::with_val(prec, &e - 1),
        // ζ(2) = π²/6, so 5/ζ(2) = 30/π².
        "5/zeta(2)" => 30 / pi.square(),
        other => panic!("unknown limit {other}"),
    }
}

fn parse_pcf(text: &str) -> (Vec<i64>, Vec<i64>) {
    match text {
        "Apery: a = 34n^3+51n^2+27n+5, b = -n^6" => {
            (vec![5, 27, 51, 34], vec![0, 0, 0, 0, 0, 0, -1])
        }
        "a = 2n+1, b = n^2" => (vec![1, 2], vec![0, 0, 1]),
        "a = n+3, b = -n" => (vec![3, 1], vec![0, -1]),
        "a = 4n+2, b = 1" => (vec![2, 4], vec![1]),
        "a = 11n^2+11n+3, b = n^4" => (vec![3, 11, 11], vec![0, 0, 0, 0, 1]),
        other => panic!("unknown PCF {other}"),
    }
}

#[test]
fn delta_reference_table() {
    let v = vectors();
    let reference = &v["delta_reference"];
    let tol = 1e-4;
    for row in reference["rows"].as_array().unwrap() {
        let (a, b) = parse_pcf(row["pcf"].as_str().unwrap());
        let n = row["N"].as_u64().unwrap() as usize;
        let limit = reference_limit(row["limit"].as_str().unwrap(), 24_000);
        let d = delta_known(&a, &b, n, &limit).unwrap();
        let name = row["pcf"].as_str().unwrap();
        assert!(
            (d.reduced - row["delta_reduced"].as_f64().unwrap()).abs() <= tol,
            "{name}: reduced δ {}",
            d.reduced
        );
        assert!(
            (d.naive - row["delta_naive"].as_f64().unwrap()).abs() <= tol,
            "{name}: naive δ {}",
            d.naive
        );
    }
    // Apéry depth series: the reduced δ fluctuates, naive δ decreases.
    let (a, b) = parse_pcf("Apery: a = 34n^3+51n^2+27n+5, b = -n^6");
    let limit = reference_limit("6/zeta(3)", 24_000);
    for row in reference["apery_depth_series"].as_array().unwrap() {
        let n = row["N"].as_u64().unwrap() as usize;
        let d = delta_known(&a, &b, n, &limit).unwrap();
        assert!(
            (d.reduced - row["delta_reduced"].as_f64().unwrap()).abs() <= 1e-4,
            "N={n}"
        );
        assert!(
            (d.naive - row["delta_naive"].as_f64().unwrap()).abs() <= 1e-4,
            "N={n}"
        );
    }
}

#[test]
fn insufficient_limit_precision_is_reported() {
    // (4n+2, 1) at depth 300 has |L − p/q| ≈ 10^-1500: 64 bits of (e+1)/(e−1) cannot resolve it.
    let limit = reference_limit("(e+1)/(e-1)", 64);
    let err = delta_known(&[2, 4], &[1], 300, &limit).unwrap_err();
    assert!(matches!(
        err,
        apery::dynamics::DeltaError::InsufficientPrecision { .. }
    ));
}

#[test]
fn blind_delta_matches_known_limit() {
    // L from depth 2N is so close to the true limit for these PCFs that blind and exact δ agree.
    for (a, b, n, name) in [
        (vec![2i64, 4], vec![1i64], 300usize, "(e+1)/(e-1)"),
        (vec![1, 2], vec![0, 0, 1], 1000, "4/pi"),
    ] {
        let known = delta_known(&a, &b, n, &reference_limit(name, 24_000)).unwrap();
        let blind = blind_delta(&a, &b, n).unwrap();
        assert!((known.reduced - blind.reduced).abs() < 1e-6, "{name}");
        assert!((known.naive - blind.naive).abs() < 1e-6, "{name}");
    }
    // Apéry at depth 2000 (ramanujantools' test asserts δ > 0.08; reference value 0.0866).
    let apery = blind_delta(&[5, 27, 51, 34], &[0, 0, 0, 0, 0, 0, -1], 2000).unwrap();
    assert!((apery.reduced - 0.0866).abs() < 1e-4, "{}", apery.reduced);
}

#[test]
fn recipe_markers() {
    // b(n) = n − 3 vanishes at n = 3: divergent marker.
    let m = metrics(&[1, 1], &[-3, 1], 2000).unwrap();
    assert_eq!(m.status, MetricsStatus::ZeroB { n: 3 });
    assert!(m.divergent && m.fr_delta.is_none());
    // a = 2000, b = 1: L ≈ 2000 ≥ 1000 → rational/divergent marker.
    let m = metrics(&[2000], &[1], 400).unwrap();
    assert_eq!(m.status, MetricsStatus::LargeLimit);
    assert!(m.divergent);
    // a = 1, b = −1: A² + 4B = −3 < 0, complex eigenvalues (no convergence).
    let m = metrics(&[1], &[-1], 400).unwrap();
    assert!(m.complex_eigenvalues && m.log_eigen_ratio.is_none() && m.predicted_delta.is_none());
    // Invalid input is an error, not a panic.
    assert!(metrics(&[], &[1], 2000).is_err());
    assert!(metrics(&[1], &[1], 50).is_err());
}

/// The degree ≤ 1 space (coefficients in [−5, 5], a(n), b(n) ≠ 0 for 1 ≤ n ≤ depth) plus the
/// π sub-family a = ±3n + A₀, b = −2n² + B₁n + B₀ of algorithms.md §10.3 (the degree ≤ 1 space
/// itself contains no PCF for π).
fn small_space(depth: i64) -> Vec<(Vec<i64>, Vec<i64>)> {
    let vanishes =
        |c: &[i64]| (1..=depth).any(|n| c.iter().rev().fold(0i64, |acc, &x| acc * n + x) == 0);
    let mut out = Vec::new();
    for a1 in -5i64..=5 {
        for a0 in -5i64..=5 {
            for b1 in -5i64..=5 {
                for b0 in -5i64..=5 {
                    let (a, b) = (vec![a0, a1], vec![b0, b1]);
                    if !vanishes(&a) && !vanishes(&b) {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    for s in [-3i64, 3] {
        for a0 in -5i64..=5 {
            for b1 in -5i64..=5 {
                for b0 in -5i64..=5 {
                    let (a, b) = (vec![a0, s], vec![b0, b1, -2]);
                    if !vanishes(&a) && !vanishes(&b) {
                        out.push((a, b));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn clustering_separates_constant_types_and_labels_by_anchor() {
    use apery::dynamics::cluster::{label_clusters, plane_point, ClusterLabel, ClusterParams};
    let depth = 400usize;
    let space = small_space(depth as i64);
    assert!(space.len() > 12_000);
    let ms: Vec<_> = space
        .iter()
        .map(|(a, b)| metrics(a, b, depth).unwrap())
        .collect();
    let index = |a: &[i64], b: &[i64]| space.iter().position(|(x, y)| x == a && y == b).unwrap();
    // Anchors: validation formulas D8 (n+3, −n) → e, R2 (n+1, n) → 1/(e−2), T3 (n+1, n+1) → e−1,
    // row 5 of the metric table (n+2, −n) → e/(e−1); D5 (3n+1, −2n²+3n) → 4/π,
    // D4 (3n, −2n²+3n) → 2/(π+2), D3 (3n+3, −n(2n−1)) → 4/(3π−8); (2, 1) → 1+√2; (n, 1) → C₁.
    let anchor_list: [(&[i64], &[i64], &str); 9] = [
        (&[3, 1], &[0, -1], "e"),
        (&[1, 1], &[0, 1], "e"),
        (&[1, 1], &[1, 1], "e"),
        (&[2, 1], &[0, -1], "e"),
        (&[1, 3], &[0, 3, -2], "pi"),
        (&[0, 3], &[0, 3, -2], "pi"),
        (&[3, 3], &[0, 1, -2], "pi"),
        (&[2, 0], &[1, 0], "sqrt2"),
        (&[0, 1], &[1, 0], "C1"),
    ];
    let mut anchors = vec![None; space.len()];
    for (a, b, name) in anchor_list {
        anchors[index(a, b)] = Some(name.to_string());
    }
    let planes: Vec<Vec<[f64; 2]>> = (0..4)
        .map(|j| ms.iter().map(|m| plane_point(m, j)).collect())
        .collect();
    let lab = label_clusters(&planes, &anchors, &ClusterParams::default()).unwrap();
    let cluster_of = |a: &[i64], b: &[i64]| lab.assignment[index(a, b)];
    let e = cluster_of(&[3, 1], &[0, -1]).expect("the e formula is clustered");
    let pi = cluster_of(&[1, 3], &[0, 3, -2]).expect("the 4/pi formula is clustered");
    let c1 = cluster_of(&[0, 1], &[1, 0]).expect("the C1 formula is clustered");
    assert_ne!(e, pi);
    assert_ne!(e, c1);
    assert_ne!(pi, c1);
    // The √2 formula is in a cluster of its own (with the other quadratic irrationals), labelled by it.
    let sqrt2 = cluster_of(&[2, 0], &[1, 0]).expect("the 1+√2 formula is clustered");
    assert!(sqrt2 != e && sqrt2 != pi && sqrt2 != c1);
    assert_eq!(
        lab.clusters[sqrt2].label,
        ClusterLabel::Constant("sqrt2".into())
    );
    // (1, 1) → φ and (4, 1) → 2+√5 are quadratic irrationals too: same cluster.
    assert_eq!(cluster_of(&[1, 0], &[1, 0]), Some(sqrt2));
    assert_eq!(cluster_of(&[4, 0], &[1, 0]), Some(sqrt2));
    // All e anchors share one cluster, labelled "e"; the π and C1 clusters carry their anchors.
    for (a, b) in [
        (&[1i64, 1][..], &[0i64, 1][..]),
        (&[1, 1], &[1, 1]),
        (&[2, 1], &[0, -1]),
    ] {
        assert_eq!(cluster_of(a, b), Some(e));
    }
    assert_eq!(lab.clusters[e].label, ClusterLabel::Constant("e".into()));
    assert_eq!(lab.clusters[pi].label, ClusterLabel::Constant("pi".into()));
    assert_eq!(lab.clusters[c1].label, ClusterLabel::Constant("C1".into()));
    // Every member of a cluster has the cluster id in the assignment.
    for (id, c) in lab.clusters.iter().enumerate() {
        assert!(c.members.iter().all(|&i| lab.assignment[i] == Some(id)));
    }
}

#[test]
fn conflicting_anchors_are_reclustered_in_the_next_plane() {
    use apery::dynamics::cluster::{label_clusters, ClusterLabel, ClusterParams};
    // Two groups that coincide in plane 0 but are far apart in plane 1.
    let mut p0 = Vec::new();
    let mut p1 = Vec::new();
    for g in 0..2 {
        for i in 0..40 {
            let t = i as f64 * 0.0013;
            p0.push([1.0 + t, 0.5 + (i % 7) as f64 * 0.0011]);
            p1.push([1.0 + t, g as f64 * 3.0 + (i % 7) as f64 * 0.0011]);
        }
    }
    let mut anchors = vec![None; 80];
    anchors[3] = Some("x".to_string());
    anchors[45] = Some("y".to_string());
    let lab = label_clusters(&[p0, p1], &anchors, &ClusterParams::default()).unwrap();
    let cx = lab.assignment[3].unwrap();
    let cy = lab.assignment[45].unwrap();
    assert_ne!(cx, cy);
    assert_eq!(lab.clusters[cx].plane, 1);
    assert_eq!(lab.clusters[cx].label, ClusterLabel::Constant("x".into()));
    assert_eq!(lab.clusters[cy].label, ClusterLabel::Constant("y".into()));
}

#[test]
fn plots_render_png_and_svg() {
    use apery::dynamics::cluster::{cluster_plane, ClusterParams};
    use apery::dynamics::{
        delta_profile, plot_clusters, plot_convergence, ClusterPlot, PlotCluster,
    };
    let depth = 300usize;
    let space = small_space(depth as i64);
    let ms: Vec<_> = space
        .iter()
        .map(|(a, b)| metrics(a, b, depth).unwrap())
        .collect();
    let pts: Vec<[f64; 2]> = ms
        .iter()
        .map(|m| {
            [
                m.fr_delta.unwrap_or(f64::NAN),
                m.eta_prime.unwrap_or(f64::NAN),
            ]
        })
        .filter(|p| p[0].abs() < 3.0)
        .collect();
    let labels = cluster_plane(&pts, &ClusterParams::default()).unwrap();
    assert!(labels.iter().flatten().count() > pts.len() / 2);
    let clusters: Vec<PlotCluster> = (0..labels.iter().flatten().max().unwrap() + 1)
        .map(|k| PlotCluster {
            name: format!("cluster {k}"),
            labelled: k == 0,
        })
        .collect();
    let dir = std::env::temp_dir();
    for ext in ["png", "svg"] {
        let path = dir.join(format!("apery_dynamics_clusters.{ext}"));
        let plot = ClusterPlot {
            title: "Clusters of 'small': FR_Delta vs d (eta')".into(),
            axes: ("FR_Delta", "d (eta')"),
            points: &pts,
            assignment: &labels,
            clusters: &clusters,
        };
        plot_clusters(&plot, &path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 10_000);
    }
    let svg = std::fs::read_to_string(dir.join("apery_dynamics_clusters.svg")).unwrap();
    assert!(svg.contains("FR_Delta") && svg.contains("cluster 0"));
    // Convergence of (2n+1, n²) → 4/π: error decays like (1+√2)^{−2n}, δ → about −0.2.
    let depths: Vec<usize> = (1..=40).map(|k| 25 * k).collect();
    let prof = delta_profile(&[1, 2], &[0, 0, 1], &depths, 2000).unwrap();
    assert_eq!(prof.len(), depths.len());
    let slope = (prof[39].log10_error - prof[19].log10_error) / 500.0;
    assert!(
        (slope + 2.0 * (1.0 + 2f64.sqrt()).log10()).abs() < 0.01,
        "{slope}"
    );
    let err: Vec<(f64, f64)> = prof.iter().map(|p| (p.n as f64, p.log10_error)).collect();
    let del: Vec<(f64, f64)> = prof.iter().map(|p| (p.n as f64, p.reduced_delta)).collect();
    for ext in ["png", "svg"] {
        let path = dir.join(format!("apery_dynamics_convergence.{ext}"));
        plot_convergence(&err, &del, &path).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() > 10_000);
    }
}
