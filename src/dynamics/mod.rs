//! Convergence dynamics of polynomial continued fractions (PCFs): irrationality measure δ,
//! the Blind-δ per-PCF metrics, least-squares fits, clustering of metric planes with anchor
//! labelling, and plots (algorithms.md §3, §4, §9, §10).
//!
//! PCF convention: value = a(0) + b(1)/(a(1) + b(2)/(a(2) + …)), polynomials given as integer
//! coefficient slices, lowest degree first.

mod ball;
pub mod cluster;
mod column_gcd;
mod convergents;
pub mod delta;
pub mod fit;
mod measure;
pub mod metrics;
pub mod plot;
pub mod survey;

pub use cluster::{cluster_plane, label_clusters, ClusterParams};
pub use delta::{blind_delta, delta_known, delta_profile, Delta, DeltaError};
pub use metrics::{
    metrics, metrics_exact, metrics_reference, metrics_with, MetricsConfig, MetricsError,
    PcfMetrics,
};
pub use plot::{plot_clusters, plot_convergence, ClusterPlot, PlotCluster, PlotError};
