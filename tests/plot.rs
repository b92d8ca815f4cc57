//! Cluster plots: atomic writes, distinct colours, legend order, axes fitted to the data, and a
//! plot that agrees with `apery cluster` (both read the stored clustering).

use apery::dynamics::plot::{check_output, cluster_color, legend_order, robust_range, NOISE_GREY};
use apery::dynamics::{plot_clusters, plot_convergence, ClusterPlot, PlotCluster, PlotError};
use assert_cmd::Command;
use std::path::Path;

fn cluster(name: &str, labelled: bool) -> PlotCluster {
    PlotCluster {
        name: name.into(),
        labelled,
    }
}

#[test]
fn failed_plot_leaves_the_existing_image_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["png", "svg"] {
        let path = dir.path().join(format!("old.{ext}"));
        std::fs::write(&path, b"the previous image").unwrap();
        // No finite point: drawing fails after the canvas was created.
        let points = [[f64::NAN, 1.0], [f64::NAN, f64::NAN]];
        let plot = ClusterPlot {
            title: "t".into(),
            axes: ("x", "y"),
            points: &points,
            assignment: &[Some(0), None],
            clusters: &[cluster("0: e", true)],
        };
        let err = plot_clusters(&plot, &path).unwrap_err();
        assert!(matches!(err, PlotError::Input(_)), "{err}");
        let err = plot_convergence(&[], &[], &path).unwrap_err();
        assert!(matches!(err, PlotError::Input(_)), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"the previous image");
    }
    // No temporary file is left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["old.png", "old.svg"]);
}

#[test]
fn successful_plot_replaces_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.PNG");
    std::fs::write(&path, b"old").unwrap();
    let points: Vec<[f64; 2]> = (0..50).map(|i| [i as f64 / 50.0, (i % 7) as f64]).collect();
    let assignment: Vec<Option<usize>> = (0..50).map(|i| (i % 3 != 0).then_some(i % 2)).collect();
    let plot = ClusterPlot {
        title: "t".into(),
        axes: ("x", "y"),
        points: &points,
        assignment: &assignment,
        clusters: &[cluster("0: pi", true), cluster("1: unknown", false)],
    };
    plot_clusters(&plot, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn unsupported_extensions_are_refused_before_drawing() {
    for name in ["a.jpg", "a", "a.png.bak"] {
        let err = check_output(Path::new(name)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(name) && text.contains(".png") && text.contains(".svg"),
            "{text}"
        );
    }
    for name in ["a.png", "dir/a.SVG"] {
        check_output(Path::new(name)).unwrap();
    }
}

#[test]
fn cluster_colours_are_distinct_and_never_the_noise_grey() {
    let colours: Vec<(u8, u8, u8)> = (0..400)
        .map(|k| {
            let c = cluster_color(k);
            (c.0, c.1, c.2)
        })
        .collect();
    let mut unique = colours.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), colours.len());
    assert!(!colours.contains(&(NOISE_GREY.0, NOISE_GREY.1, NOISE_GREY.2)));
    // The first twenty are far apart (squared RGB distance).
    for i in 0..20 {
        for j in 0..i {
            let (a, b) = (colours[i], colours[j]);
            let d = |x: u8, y: u8| (x as i32 - y as i32).pow(2);
            assert!(d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2) > 2500, "{i} {j}");
        }
    }
}

#[test]
fn legend_lists_labelled_clusters_first_then_by_size() {
    let clusters = [
        cluster("0: unknown", false),
        cluster("1: pi", true),
        cluster("2: unknown", false),
        cluster("3: e", true),
    ];
    let sizes = [1000, 5, 50, 7];
    assert_eq!(legend_order(&clusters, &sizes), [3, 1, 0, 2]);
}

#[test]
fn axes_fit_the_data_not_its_outliers() {
    let mut xs: Vec<f64> = (0..10_000).map(|i| -1.0 + i as f64 / 10_000.0).collect();
    xs.push(50.0);
    xs.push(f64::NAN);
    let (lo, hi) = robust_range(xs.iter().copied()).unwrap();
    assert!((-1.2..=-1.0).contains(&lo), "{lo}");
    assert!((0.0..0.5).contains(&hi), "{hi}");
    // Without outliers every point is inside.
    let (lo, hi) = robust_range([0.0, 1.0, 0.5].into_iter()).unwrap();
    assert!(lo < 0.0 && hi > 1.0 && hi < 1.2);
}

/// `apery cluster` and `apery plot clusters` on dynamics-small: the same noise count and the same
/// labels and sizes, the title names the space, and labelled clusters are in the legend.
#[test]
fn cluster_command_and_plot_agree_on_labels_and_noise() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.sqlite");
    let space = Path::new(env!("CARGO_MANIFEST_DIR")).join("search-spaces/dynamics-small.toml");
    let run = |args: &[&str]| -> String {
        let out = Command::cargo_bin("apery")
            .unwrap()
            .args(args)
            .arg("--catalog")
            .arg(&cat)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let space_arg = space.to_str().unwrap();
    run(&["search", space_arg, "-q"]);
    run(&["dynamics", space_arg, "--depth", "300", "-q"]);
    let printed = run(&["cluster"]);
    let svg_path = dir.path().join("plot.svg");
    run(&["plot", "clusters", "--out", svg_path.to_str().unwrap()]);
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(
        svg.contains("Clusters of &apos;dynamics-small&apos;")
            || svg.contains("Clusters of 'dynamics-small'"),
        "title"
    );
    assert!(!svg.contains("Blind-δ"));
    let noise: usize = printed
        .lines()
        .next()
        .unwrap()
        .split(", ")
        .find_map(|p| p.strip_suffix(" in no cluster"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(svg.contains(&format!("noise ({noise})")), "noise {noise}");
    // Cluster lines: "     32  fr_delta,eta_prime   2252  e" (labelled first, then by size).
    let lines: Vec<(String, String, String)> = printed
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with(' '))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[0].to_string(), f[2].to_string(), f[3..].join(" "))
        })
        .collect();
    assert!(lines.iter().any(|(_, _, label)| label == "e"));
    for (id, size, label) in lines.iter().take(25) {
        let entry = format!("{id}: {label} ({size})").replace('\'', "&apos;");
        assert!(svg.contains(&entry), "legend lacks {entry}");
    }
}
