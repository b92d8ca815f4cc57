//! Clustering of PCFs in 2-D metric planes and anchor labelling (algorithms.md §10).
//!
//! Per plane: grid down-sampling (cell 0.001, first point per cell kept) → HDBSCAN
//! (min cluster size 5, `hdbscan` crate) on the samples (more than 500 clusters: skip the plane) →
//! every point takes the label of its nearest sample if that is within 0.01, else noise.
//! Planes are tried in the order (FR_Delta, d), (FR_Delta, c), (FR_Delta, convergence_d),
//! (FR_Delta, convergence_c); a cluster whose anchors name different constants is re-clustered
//! alone in the next plane (breadth-first).

use std::collections::{HashMap, VecDeque};

use hdbscan::{Hdbscan, HdbscanHyperParams};
use kdtree::distance::squared_euclidean;
use kdtree::KdTree;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::metrics::PcfMetrics;

/// Errors of the clustering.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ClusterError {
    /// HDBSCAN found more clusters than `max_clusters`: the recipe skips this plane.
    #[error("HDBSCAN found {found} clusters, more than the limit {limit}: plane skipped")]
    TooManyClusters {
        /// Clusters found.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// The HDBSCAN crate rejected its input.
    #[error("HDBSCAN failed: {0}")]
    Hdbscan(String),
    /// Planes and anchors do not describe the same number of points.
    #[error("plane {plane} has {got} points but {want} anchors were given")]
    Shape {
        /// Plane index.
        plane: usize,
        /// Points in that plane.
        got: usize,
        /// Number of anchors (= points).
        want: usize,
    },
}

/// Parameters of [`cluster_plane`] (defaults: the authors' `config.py`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClusterParams {
    /// Grid cell of the down-sampling (0.001).
    pub cell: f64,
    /// HDBSCAN minimum cluster size (5; also used as min_samples, as sklearn does by default).
    pub min_cluster_size: usize,
    /// Largest distance to a sampled neighbour for a point to inherit its label (0.01).
    pub label_radius: f64,
    /// More clusters than this in a plane: skip the plane (500).
    pub max_clusters: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        Self {
            cell: 0.001,
            min_cluster_size: 5,
            label_radius: 0.01,
            max_clusters: 500,
        }
    }
}

/// The recipe's metric planes, in the order they are tried: (FR_Delta, d), (FR_Delta, c),
/// (FR_Delta, convergence_d), (FR_Delta, convergence_c).
pub const PLANES: [(&str, &str); 4] = [
    ("FR_Delta", "d (eta')"),
    ("FR_Delta", "c (gamma')"),
    ("FR_Delta", "convergence_d (eta)"),
    ("FR_Delta", "convergence_c (gamma)"),
];

/// Coordinates of a PCF in the recipe's plane `plane` (index into [`PLANES`]); NaN where a
/// metric is missing (such points are never clustered).
pub fn plane_point(m: &PcfMetrics, plane: usize) -> [f64; 2] {
    let x = m.fr_delta.unwrap_or(f64::NAN);
    let y = match plane {
        0 => m.eta_prime,
        1 => m.gamma_prime,
        2 => m.eta,
        _ => m.gamma,
    };
    [x, y.unwrap_or(f64::NAN)]
}

/// Clusters points of one metric plane: grid down-sampling (first point per `cell`), HDBSCAN on
/// the samples, then nearest-sample labelling within `label_radius`; finally noise that is dense
/// on the grid forms clusters of its own (`dense_noise_clusters`). Returns a cluster id per
/// point (`None` = noise or non-finite point).
pub fn cluster_plane(
    points: &[[f64; 2]],
    params: &ClusterParams,
) -> Result<Vec<Option<usize>>, ClusterError> {
    let mut seen: HashMap<(i64, i64), ()> = HashMap::new();
    let mut samples: Vec<usize> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if !(p[0].is_finite() && p[1].is_finite()) {
            continue;
        }
        let cell = (
            (p[0] / params.cell).floor() as i64,
            (p[1] / params.cell).floor() as i64,
        );
        if seen.insert(cell, ()).is_none() {
            samples.push(i);
        }
    }
    let mut labels = vec![None; points.len()];
    if samples.len() < params.min_cluster_size.max(2) {
        return Ok(labels);
    }
    let data: Vec<Vec<f64>> = samples.iter().map(|&i| points[i].to_vec()).collect();
    let hp = HdbscanHyperParams::builder()
        .min_cluster_size(params.min_cluster_size)
        .min_samples(params.min_cluster_size)
        .build();
    let sample_labels = Hdbscan::new(&data, hp)
        .cluster()
        .map_err(|e| ClusterError::Hdbscan(e.to_string()))?;
    let found = sample_labels
        .iter()
        .filter(|&&l| l >= 0)
        .map(|&l| l as usize + 1)
        .max()
        .unwrap_or(0);
    if found > params.max_clusters {
        return Err(ClusterError::TooManyClusters {
            found,
            limit: params.max_clusters,
        });
    }
    let mut tree: KdTree<f64, usize, [f64; 2]> = KdTree::with_capacity(2, samples.len().max(1));
    for (s, &i) in samples.iter().enumerate() {
        tree.add(points[i], s)
            .map_err(|e| ClusterError::Hdbscan(format!("k-d tree: {e:?}")))?;
    }
    let r2 = params.label_radius * params.label_radius;
    for (i, p) in points.iter().enumerate() {
        if !(p[0].is_finite() && p[1].is_finite()) {
            continue;
        }
        if let Ok(nearest) = tree.nearest(p, 1, &squared_euclidean) {
            if let Some(&(d2, &s)) = nearest.first() {
                let l = sample_labels[s];
                if d2 <= r2 && l >= 0 {
                    labels[i] = Some(l as usize);
                }
            }
        }
    }
    dense_noise_clusters(points, &mut labels, found, params);
    Ok(labels)
}

/// Down-sampling keeps one point per grid cell, so a tight group of many PCFs (e.g. the
/// constant-coefficient PCFs of quadratic irrationals, all at FR_Delta ≈ 1, η' = 0) shrinks to a
/// handful of samples that HDBSCAN calls noise. This restores the density the grid discarded: the
/// noise points are grouped by 8-connected occupied cells, and every group holding at least
/// `min_cluster_size` points becomes a cluster of its own (ids after the `found` HDBSCAN clusters).
fn dense_noise_clusters(
    points: &[[f64; 2]],
    labels: &mut [Option<usize>],
    found: usize,
    params: &ClusterParams,
) {
    let cell_of = |p: &[f64; 2]| {
        (
            (p[0] / params.cell).floor() as i64,
            (p[1] / params.cell).floor() as i64,
        )
    };
    let mut cells: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        if labels[i].is_none() && p[0].is_finite() && p[1].is_finite() {
            cells.entry(cell_of(p)).or_default().push(i);
        }
    }
    let mut keys: Vec<(i64, i64)> = cells.keys().copied().collect();
    keys.sort_unstable(); // deterministic cluster ids
    let mut visited: HashMap<(i64, i64), ()> = HashMap::new();
    let mut next = found;
    for start in keys {
        if visited.insert(start, ()).is_some() {
            continue;
        }
        let (mut group, mut stack) = (Vec::new(), vec![start]);
        while let Some(c) = stack.pop() {
            group.extend_from_slice(&cells[&c]);
            for dx in -1..=1 {
                for dy in -1..=1 {
                    let n = (c.0 + dx, c.1 + dy);
                    if cells.contains_key(&n) && visited.insert(n, ()).is_none() {
                        stack.push(n);
                    }
                }
            }
        }
        if group.len() >= params.min_cluster_size {
            for i in group {
                labels[i] = Some(next);
            }
            next += 1;
        }
    }
}

/// How a final cluster was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClusterLabel {
    /// All anchors in the cluster name this constant.
    Constant(String),
    /// No anchor in the cluster (to be identified by PSLQ against constants or between members).
    Unknown,
    /// Anchors disagree and no further plane separated them.
    Mixed(Vec<String>),
}

/// One final cluster of the hierarchical labelling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelledCluster {
    /// Indices of the member points.
    pub members: Vec<usize>,
    /// Index (into the planes) of the plane in which the cluster was found.
    pub plane: usize,
    /// The cluster's label.
    pub label: ClusterLabel,
}

/// Result of [`label_clusters`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Labelling {
    /// Final cluster id per point (index into `clusters`), `None` for noise.
    pub assignment: Vec<Option<usize>>,
    /// The final clusters.
    pub clusters: Vec<LabelledCluster>,
}

/// Hierarchical clustering with anchor labelling (algorithms.md §10.2).
///
/// `planes[j][i]` is point i in metric plane j (planes in the order to try, e.g. [`PLANES`] via
/// [`plane_point`]); `anchors[i]` is the known constant of point i, if any. Starting with all
/// points in plane 0, each cluster is labelled with its anchors' constant if they all agree,
/// left `Unknown` if it has none, and re-clustered alone in the next plane if they disagree
/// (`Mixed` when no plane is left). A plane with too many clusters is skipped.
pub fn label_clusters(
    planes: &[Vec<[f64; 2]>],
    anchors: &[Option<String>],
    params: &ClusterParams,
) -> Result<Labelling, ClusterError> {
    for (j, plane) in planes.iter().enumerate() {
        if plane.len() != anchors.len() {
            return Err(ClusterError::Shape {
                plane: j,
                got: plane.len(),
                want: anchors.len(),
            });
        }
    }
    let mut out = Labelling {
        assignment: vec![None; anchors.len()],
        clusters: Vec::new(),
    };
    let mut queue: VecDeque<(Vec<usize>, usize)> = VecDeque::new();
    queue.push_back(((0..anchors.len()).collect(), 0));
    while let Some((members, plane)) = queue.pop_front() {
        if plane >= planes.len() {
            let names = anchor_names(&members, anchors);
            push_cluster(
                &mut out,
                members,
                plane.saturating_sub(1),
                ClusterLabel::Mixed(names),
            );
            continue;
        }
        let pts: Vec<[f64; 2]> = members.iter().map(|&i| planes[plane][i]).collect();
        let labels = match cluster_plane(&pts, params) {
            Ok(l) => l,
            Err(ClusterError::TooManyClusters { .. }) => {
                queue.push_back((members, plane + 1));
                continue;
            }
            Err(e) => return Err(e),
        };
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (local, l) in labels.iter().enumerate() {
            if let Some(l) = *l {
                if groups.len() <= l {
                    groups.resize(l + 1, Vec::new());
                }
                groups[l].push(members[local]);
            }
        }
        for group in groups.into_iter().filter(|g| !g.is_empty()) {
            let names = anchor_names(&group, anchors);
            match names.len() {
                0 => push_cluster(&mut out, group, plane, ClusterLabel::Unknown),
                1 => {
                    let name = names.into_iter().next().unwrap_or_default();
                    push_cluster(&mut out, group, plane, ClusterLabel::Constant(name));
                }
                _ => queue.push_back((group, plane + 1)),
            }
        }
    }
    Ok(out)
}

/// Distinct anchor names among `members`, sorted.
fn anchor_names(members: &[usize], anchors: &[Option<String>]) -> Vec<String> {
    let mut names: Vec<String> = members.iter().filter_map(|&i| anchors[i].clone()).collect();
    names.sort();
    names.dedup();
    names
}

fn push_cluster(out: &mut Labelling, members: Vec<usize>, plane: usize, label: ClusterLabel) {
    let id = out.clusters.len();
    for &i in &members {
        out.assignment[i] = Some(id);
    }
    out.clusters.push(LabelledCluster {
        members,
        plane,
        label,
    });
}
