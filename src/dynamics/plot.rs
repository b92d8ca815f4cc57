//! Plots of metric planes with their clusters and of convergence along the depth, with
//! `plotters` (pure-Rust backends; the bundled DejaVu Sans font is registered through ab_glyph, so
//! no system fontconfig is needed). The output format follows the path's extension: `.svg` writes
//! SVG, anything else PNG.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use thiserror::Error;

/// DejaVu Sans (Debian fonts-dejavu-core; licence in assets/DejaVuSans-LICENSE.txt).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();
const FONT_NAME: &str = "sans-serif";
/// Largest number of clusters named in the legend (the largest ones).
const MAX_LEGEND: usize = 14;

/// Errors of the plotting functions.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PlotError {
    /// Input slices have different lengths or nothing plottable.
    #[error("bad plot input: {0}")]
    Input(String),
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

fn is_svg(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
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

fn cluster_color(k: usize) -> RGBColor {
    // Well-separated qualitative colours, then golden-angle hues.
    const BASE: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (214, 39, 40),
        (44, 160, 44),
        (255, 127, 14),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (23, 190, 207),
        (188, 189, 34),
        (0, 0, 0),
    ];
    if let Some(&(r, g, b)) = BASE.get(k) {
        return RGBColor(r, g, b);
    }
    let h = (k as f64 * 0.618_033_988_75).fract();
    let (r, g, b) = hsl_to_rgb(h, 0.65, 0.45);
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

/// Scatter plot of a metric plane: noise (label `None`) in grey, each cluster k in its own colour
/// with legend entry `names[k]` ("cluster k" if missing), axes named by `plane_names`; the title
/// is "Blind-δ clusters: X vs Y". Writes PNG or SVG by the extension of `path`.
pub fn plot_clusters(
    points: &[[f64; 2]],
    labels: &[Option<usize>],
    names: &[String],
    plane_names: (&str, &str),
    path: &Path,
) -> Result<(), PlotError> {
    if points.len() != labels.len() {
        return Err(PlotError::Input(format!(
            "{} points but {} labels",
            points.len(),
            labels.len()
        )));
    }
    register_font();
    if is_svg(path) {
        let root = SVGBackend::new(path, (1100, 800)).into_drawing_area();
        draw_clusters(&root, points, labels, names, plane_names)?;
        root.present().map_err(draw_err)
    } else {
        let root = BitMapBackend::new(path, (1100, 800)).into_drawing_area();
        draw_clusters(&root, points, labels, names, plane_names)?;
        root.present().map_err(draw_err)
    }
}

fn draw_clusters<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[[f64; 2]],
    labels: &[Option<usize>],
    names: &[String],
    plane_names: (&str, &str),
) -> Result<(), PlotError> {
    let (x0, x1) = padded_range(points.iter().map(|p| p[0]))
        .ok_or_else(|| PlotError::Input("no finite point".into()))?;
    let (y0, y1) = padded_range(points.iter().map(|p| p[1]))
        .ok_or_else(|| PlotError::Input("no finite point".into()))?;
    // Leave the right third free for the legend.
    let x1 = x1 + 0.45 * (x1 - x0);
    root.fill(&WHITE).map_err(draw_err)?;
    let title = format!("Blind-δ clusters: {} vs {}", plane_names.0, plane_names.1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT_NAME, 28))
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(75)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)?;
    chart
        .configure_mesh()
        .x_desc(plane_names.0)
        .y_desc(plane_names.1)
        .label_style((FONT_NAME, 16))
        .axis_desc_style((FONT_NAME, 20))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(draw_err)?;
    let finite = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let noise: Vec<(f64, f64)> = points
        .iter()
        .zip(labels)
        .filter(|(p, l)| l.is_none() && finite(p))
        .map(|(p, _)| (p[0], p[1]))
        .collect();
    let grey = RGBColor(170, 170, 170);
    chart
        .draw_series(
            noise
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 2, grey.filled())),
        )
        .map_err(draw_err)?
        .label(format!("noise ({})", noise.len()))
        .legend(move |(x, y)| Circle::new((x + 10, y), 4, grey.filled()));
    let n_clusters = labels.iter().flatten().map(|&k| k + 1).max().unwrap_or(0);
    let mut sizes = vec![0usize; n_clusters];
    for &k in labels.iter().flatten() {
        sizes[k] += 1;
    }
    // Legend entries for the largest clusters only, so the legend stays readable.
    let mut by_size: Vec<usize> = (0..n_clusters).collect();
    by_size.sort_by_key(|&k| std::cmp::Reverse(sizes[k]));
    let legend_set: Vec<usize> = by_size.iter().copied().take(MAX_LEGEND).collect();
    let others = n_clusters.saturating_sub(MAX_LEGEND);
    for k in 0..n_clusters {
        let pts: Vec<(f64, f64)> = points
            .iter()
            .zip(labels)
            .filter(|(p, l)| **l == Some(k) && finite(p))
            .map(|(p, _)| (p[0], p[1]))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let color = cluster_color(k);
        let name = names
            .get(k)
            .cloned()
            .unwrap_or_else(|| format!("cluster {k}"));
        let series = chart
            .draw_series(
                pts.iter()
                    .map(|&(x, y)| Circle::new((x, y), 3, color.filled())),
            )
            .map_err(draw_err)?;
        if legend_set.contains(&k) {
            series
                .label(format!("{name} ({})", pts.len()))
                .legend(move |(x, y)| Circle::new((x + 10, y), 5, color.filled()));
        }
    }
    if others > 0 {
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
            .map_err(draw_err)?
            .label(format!("+ {others} smaller clusters"))
            .legend(|(x, y)| Circle::new((x + 10, y), 5, RGBColor(120, 120, 120)));
    }
    chart
        .configure_series_labels()
        .label_font((FONT_NAME, 16))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(draw_err)?;
    Ok(())
}

/// Two panels along the depth n: log₁₀|L − pₙ/qₙ| (`error_by_depth`, pairs (n, log₁₀ error)) and δ
/// (`delta_by_depth`, pairs (n, δ)). Writes PNG or SVG by the extension of `path`.
pub fn plot_convergence(
    error_by_depth: &[(f64, f64)],
    delta_by_depth: &[(f64, f64)],
    path: &Path,
) -> Result<(), PlotError> {
    register_font();
    if is_svg(path) {
        let root = SVGBackend::new(path, (1000, 900)).into_drawing_area();
        draw_convergence(&root, error_by_depth, delta_by_depth)?;
        root.present().map_err(draw_err)
    } else {
        let root = BitMapBackend::new(path, (1000, 900)).into_drawing_area();
        draw_convergence(&root, error_by_depth, delta_by_depth)?;
        root.present().map_err(draw_err)
    }
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
