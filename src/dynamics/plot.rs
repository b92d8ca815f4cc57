//! Plots of metric planes with their clusters and of convergence along the depth, with
//! `plotters` (pure-Rust backends; the bundled DejaVu Sans font is registered through ab_glyph, so
//! no system fontconfig is needed). The output format follows the path's extension, `.png` or
//! `.svg` (checked before anything is drawn, see [`check_output`]). A plot is drawn into a
//! temporary file beside the target and renamed over it only when complete, so a failed plot
//! leaves an existing image untouched.

use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use thiserror::Error;

/// DejaVu Sans (Debian fonts-dejavu-core; licence in assets/DejaVuSans-LICENSE.txt).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();
const FONT_NAME: &str = "sans-serif";
/// Largest number of legend lines given to clusters (labelled clusters come first).
const MAX_LEGEND: usize = 30;
/// Colour of noise points.
pub const NOISE_GREY: RGBColor = RGBColor(170, 170, 170);
/// The image formats written, by extension.
pub const EXTENSIONS: [&str; 2] = ["png", "svg"];

/// Errors of the plotting functions.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlotError {
    /// Input slices have different lengths or nothing plottable.
    #[error("bad plot input: {0}")]
    Input(String),
    /// The output path's extension is not one of [`EXTENSIONS`].
    #[error("cannot write {path}: unsupported image format {ext} (supported: .png, .svg)")]
    Format {
        /// The output path.
        path: String,
        /// Its extension (`none` if it has none).
        ext: String,
    },
    /// The drawing backend failed (e.g. the file cannot be written).
    #[error("drawing failed: {0}")]
    Draw(String),
}

fn register_font() {
    REGISTER.call_once(|| {
        // The bytes are the bundled TTF; a failure here would make text silently missing, which
        // the font test guards against.
        let _ = plotters::style::register_font(FONT_NAME, FontStyle::Normal, FONT);
    });
}

fn draw_err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}

/// Image formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImageFormat {
    Png,
    Svg,
}

/// Checks that `path` names a PNG or SVG file (by its extension, case-insensitive) — what the
/// plotting functions can write. Call it before expensive work that precedes a plot.
pub fn check_output(path: &Path) -> Result<(), PlotError> {
    format_of(path).map(|_| ())
}

fn format_of(path: &Path) -> Result<ImageFormat, PlotError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "png" => Ok(ImageFormat::Png),
        "svg" => Ok(ImageFormat::Svg),
        _ => Err(PlotError::Format {
            path: path.display().to_string(),
            ext: if ext.is_empty() {
                "(no extension)".to_string()
            } else {
                format!(".{ext}")
            },
        }),
    }
}

/// A temporary path beside `path`, with the same extension (the PNG encoder is chosen by it).
fn temporary_beside(path: &Path, format: ImageFormat) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = match format {
        ImageFormat::Png => "png",
        ImageFormat::Svg => "svg",
    };
    let name = format!(".{stem}.{}.partial.{ext}", std::process::id());
    path.with_file_name(name)
}

/// Draws a picture of `size` pixels with `draw` into a temporary file beside `path` and renames
/// it to `path` when drawing and writing succeeded; on failure the temporary file is removed and
/// an existing `path` is left untouched.
macro_rules! render_atomically {
    ($path:expr, $size:expr, |$root:ident| $body:expr) => {{
        let path: &Path = $path;
        let format = format_of(path)?;
        register_font();
        let tmp = temporary_beside(path, format);
        // The backend is dropped (which flushes it) before the file is renamed or removed.
        let drawn: Result<(), PlotError> = match format {
            ImageFormat::Svg => {
                let $root = SVGBackend::new(&tmp, $size).into_drawing_area();
                $body.and_then(|()| $root.present().map_err(draw_err))
            }
            ImageFormat::Png => {
                let $root = BitMapBackend::new(&tmp, $size).into_drawing_area();
                $body.and_then(|()| $root.present().map_err(draw_err))
            }
        };
        let done = drawn.and_then(|()| {
            std::fs::rename(&tmp, path)
                .map_err(|e| PlotError::Draw(format!("renaming to {}: {e}", path.display())))
        });
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done
    }};
}

/// Finite min/max of values, widened by 5 % (or ±0.5 when all are equal).
fn padded_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if !lo.is_finite() {
        return None;
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 };
    Some((lo - pad, hi + pad))
}

/// An axis range fitted to the data: the 0.1 % and 99.9 % quantiles of the finite values, extended
/// towards the extremes by at most a quarter of that span (so a few far outliers do not squeeze
/// the data into a corner), then padded by 5 %.
pub fn robust_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let mut v: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let (ql, qh) = (q(0.001), q(0.999));
    let reach = 0.25 * (qh - ql);
    let lo = v[0].max(ql - reach);
    let hi = v[v.len() - 1].min(qh + reach);
    padded_range([lo, hi].into_iter())
}

/// The colour of the cluster drawn with rank `k` (see [`plot_clusters`]): twenty well-separated
/// qualitative colours, then golden-angle hues at alternating lightness and saturation. No two
/// ranks share a colour and none is the noise grey.
pub fn cluster_color(k: usize) -> RGBColor {
    const BASE: [(u8, u8, u8); 20] = [
        (31, 119, 180),
        (214, 39, 40),
        (44, 160, 44),
        (255, 127, 14),
        (148, 103, 189),
        (23, 190, 207),
        (227, 119, 194),
        (140, 86, 75),
        (188, 189, 34),
        (0, 0, 0),
        (0, 0, 128),
        (128, 0, 0),
        (0, 128, 128),
        (255, 215, 0),
        (128, 128, 0),
        (255, 0, 255),
        (0, 255, 127),
        (70, 240, 240),
        (250, 190, 190),
        (96, 60, 160),
    ];
    if let Some(&(r, g, b)) = BASE.get(k) {
        return RGBColor(r, g, b);
    }
    let j = k - BASE.len();
    let h = (j as f64 * 0.618_033_988_75).fract();
    let l = [0.42, 0.58, 0.32][j % 3];
    let s = [0.75, 0.55][(j / 3) % 2];
    let (r, g, b) = hsl_to_rgb(h, s, l);
    RGBColor(r, g, b)
}

fn hsl_to_rgb(h: f64, s: f64, l: f64) -> (u8, u8, u8) {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h * 6.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    (to(r), to(g), to(b))
}

/// One cluster of a [`ClusterPlot`].
#[derive(Clone, Debug, PartialEq)]
pub struct PlotCluster {
    /// Legend text, e.g. `3: pi`.
    pub name: String,
    /// Whether the cluster is labelled by constants (drawn on top, listed and coloured first).
    pub labelled: bool,
}

/// What [`plot_clusters`] draws.
#[derive(Clone, Debug)]
pub struct ClusterPlot<'a> {
    /// Title, e.g. `Clusters of 'blind-delta': FR_Delta vs d (eta')`.
    pub title: String,
    /// Names of the x and y axes.
    pub axes: (&'a str, &'a str),
    /// Every PCF's point in the plane (NaN where a metric is missing: counted, not drawn).
    pub points: &'a [[f64; 2]],
    /// Every PCF's cluster (index into `clusters`), `None` for noise.
    pub assignment: &'a [Option<usize>],
    /// The clusters.
    pub clusters: &'a [PlotCluster],
}

/// The order in which clusters get their colours and legend lines: labelled clusters first, then
/// the others, each group by decreasing size (ties by index). Returns the cluster indices.
pub fn legend_order(clusters: &[PlotCluster], sizes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..clusters.len()).collect();
    order.sort_by_key(|&k| (!clusters[k].labelled, std::cmp::Reverse(sizes[k]), k));
    order
}

/// Scatter plot of a metric plane: noise in grey, each cluster in its own colour (labelled
/// clusters first — see [`legend_order`] and [`cluster_color`]), axes fitted to the data
/// ([`robust_range`]) and a legend beside the plot listing every labelled cluster before the
/// unlabelled ones, with the number of PCFs in each (counted over all PCFs, drawn or not).
/// Writes PNG or SVG by the extension of `path`, atomically (see the module documentation).
pub fn plot_clusters(plot: &ClusterPlot<'_>, path: &Path) -> Result<(), PlotError> {
    if plot.points.len() != plot.assignment.len() {
        return Err(PlotError::Input(format!(
            "{} points but {} cluster assignments",
            plot.points.len(),
            plot.assignment.len()
        )));
    }
    if let Some(k) = plot
        .assignment
        .iter()
        .flatten()
        .find(|&&k| k >= plot.clusters.len())
    {
        return Err(PlotError::Input(format!(
            "cluster {k} assigned but only {} clusters given",
            plot.clusters.len()
        )));
    }
    render_atomically!(path, (1400, 850), |root| draw_clusters(&root, plot))
}

fn draw_clusters<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &ClusterPlot<'_>,
) -> Result<(), PlotError> {
    let finite = |p: &[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let (x0, x1) = robust_range(plot.points.iter().map(|p| p[0]))
        .ok_or_else(|| PlotError::Input("no finite point".into()))?;
    let (y0, y1) = robust_range(plot.points.iter().map(|p| p[1]))
        .ok_or_else(|| PlotError::Input("no finite point".into()))?;
    let inside = |p: &[f64; 2]| finite(p) && (x0..=x1).contains(&p[0]) && (y0..=y1).contains(&p[1]);
    let not_drawn = plot.points.iter().filter(|p| !inside(p)).count();
    root.fill(&WHITE).map_err(draw_err)?;
    let (area, legend) = root.split_horizontally(1020);
    let mut chart = ChartBuilder::on(&area)
        .caption(&plot.title, (FONT_NAME, 26))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(plot.axes.0)
        .y_desc(plot.axes.1)
        .label_style((FONT_NAME, 16))
        .axis_desc_style((FONT_NAME, 20))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(draw_err)?;
    let n = plot.clusters.len();
    let mut sizes = vec![0usize; n];
    for &k in plot.assignment.iter().flatten() {
        sizes[k] += 1;
    }
    let noise = plot.assignment.iter().filter(|a| a.is_none()).count();
    let order = legend_order(plot.clusters, &sizes);
    let mut color = vec![NOISE_GREY; n];
    for (rank, &k) in order.iter().enumerate() {
        color[k] = cluster_color(rank);
    }
    let pts_of = |want: Option<usize>| -> Vec<(f64, f64)> {
        plot.points
            .iter()
            .zip(plot.assignment)
            .filter(|(p, a)| **a == want && inside(p))
            .map(|(p, _)| (p[0], p[1]))
            .collect()
    };
    chart
        .draw_series(
            pts_of(None)
                .into_iter()
                .map(|(x, y)| Circle::new((x, y), 2, NOISE_GREY.filled())),
        )
        .map_err(draw_err)?;
    // Unlabelled clusters first (largest at the bottom), labelled ones on top.
    for &k in order.iter().rev() {
        let c = color[k];
        let r = if plot.clusters[k].labelled { 4 } else { 3 };
        chart
            .draw_series(
                pts_of(Some(k))
                    .into_iter()
                    .map(|(x, y)| Circle::new((x, y), r, c.filled())),
            )
            .map_err(draw_err)?;
    }
    // The legend, beside the plot.
    let mut lines: Vec<(RGBColor, String)> = vec![(NOISE_GREY, format!("noise ({noise})"))];
    let shown = order.len().min(MAX_LEGEND);
    for &k in &order[..shown] {
        lines.push((
            color[k],
            format!("{} ({})", plot.clusters[k].name, sizes[k]),
        ));
    }
    if order.len() > shown {
        let rest: usize = order[shown..].iter().map(|&k| sizes[k]).sum();
        lines.push((
            RGBColor(255, 255, 255),
            format!("+ {} more clusters ({rest} PCFs)", order.len() - shown),
        ));
    }
    if not_drawn > 0 {
        lines.push((
            RGBColor(255, 255, 255),
            format!("{not_drawn} not drawn (no metric or off axes)"),
        ));
    }
    let style = TextStyle::from((FONT_NAME, 15).into_font()).color(&BLACK);
    for (i, (c, text)) in lines.iter().enumerate() {
        let y = 70 + 24 * i as i32;
        legend
            .draw(&Circle::new((14, y + 8), 6, c.filled()))
            .map_err(draw_err)?;
        legend
            .draw(&Text::new(text.clone(), (28, y), style.clone()))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Two panels along the depth n: log₁₀|L − pₙ/qₙ| (`error_by_depth`, pairs (n, log₁₀ error)) and δ
/// (`delta_by_depth`, pairs (n, δ)). Writes PNG or SVG by the extension of `path`, atomically.
pub fn plot_convergence(
    error_by_depth: &[(f64, f64)],
    delta_by_depth: &[(f64, f64)],
    path: &Path,
) -> Result<(), PlotError> {
    render_atomically!(path, (1000, 900), |root| draw_convergence(
        &root,
        error_by_depth,
        delta_by_depth
    ))
}

fn draw_convergence<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    error_by_depth: &[(f64, f64)],
    delta_by_depth: &[(f64, f64)],
) -> Result<(), PlotError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let panels = root.split_evenly((2, 1));
    let specs = [
        (
            error_by_depth,
            "Convergence: log10 |L - p_n/q_n|",
            "log10 |error|",
            RGBColor(31, 119, 180),
        ),
        (
            delta_by_depth,
            "Irrationality measure δ by depth",
            "δ",
            RGBColor(214, 39, 40),
        ),
    ];
    for (panel, (data, title, ydesc, color)) in panels.iter().zip(specs) {
        let pts: Vec<(f64, f64)> = data
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let (x0, x1) = padded_range(pts.iter().map(|p| p.0))
            .ok_or_else(|| PlotError::Input(format!("no finite data for '{title}'")))?;
        let (y0, y1) = padded_range(pts.iter().map(|p| p.1)).unwrap_or((0.0, 1.0));
        let mut chart = ChartBuilder::on(panel)
            .caption(title, (FONT_NAME, 24))
            .margin(15)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc("depth n")
            .y_desc(ydesc)
            .label_style((FONT_NAME, 15))
            .axis_desc_style((FONT_NAME, 18))
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(draw_err)?;
        chart
            .draw_series(LineSeries::new(pts.iter().copied(), color.stroke_width(2)))
            .map_err(draw_err)?;
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
            .map_err(draw_err)?;
    }
    Ok(())
}
