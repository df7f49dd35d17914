//! Charts of a report as inline SVG strings, drawn with plotters' SVG backend: ROC and
//! precision–recall curves, the reliability diagram, score histograms and the confusion
//! matrix heat map.

use super::curves::{Histogram, Reliability, Series};
use crate::error::{Error, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Width and height of one chart, in pixels.
pub const SIZE: (u32, u32) = (440, 340);

const COLORS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

fn err<E: std::fmt::Debug>(e: E) -> Error {
    Error::Data(format!("drawing a chart: {e:?}"))
}

use plotters::coord::types::RangedCoordf64;
type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A white chart area with a caption and room for axis labels.
fn frame<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    caption: impl AsRef<str>,
    y_label_area: u32,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, 'b>> {
    root.fill(&WHITE).map_err(err)?;
    ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(38)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

/// The series legend, boxed, at `pos`.
fn legend<'a, 'b: 'a>(chart: &mut Chart<'a, 'b>, pos: SeriesLabelPosition) -> Result<()> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .draw()
        .map_err(err)
}

/// Line chart of `series` over the unit square, with a dashed reference line from `diag.0`
/// to `diag.1` when given.
pub fn lines(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    series: &[Series],
    diag: Option<((f64, f64), (f64, f64))>,
) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let mut chart = frame(&root, title, 48, 0f64..1f64, 0f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        if let Some((a, b)) = diag {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![a, b],
                    4,
                    4,
                    RGBColor(150, 150, 150).into(),
                ))
                .map_err(err)?;
        }
        for (i, s) in series.iter().enumerate() {
            let c = color(i);
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().map(|p| (p[0], p[1])),
                    c.stroke_width(2),
                ))
                .map_err(err)?
                .label(s.label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Reliability diagram: observed frequency against mean predicted probability per bin, bars
/// of the bin's share of rows underneath, and the diagonal of perfect calibration.
/// With `before` (the scores before calibration), its curve is drawn too, and the caption
/// gives both errors.
pub fn reliability(r: &Reliability, before: Option<&Reliability>) -> Result<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let caption = match before {
            Some(b) => format!(
                "Reliability (ECE {:.3}, before calibration {:.3})",
                r.ece, b.ece
            ),
            None => format!("Reliability (ECE {:.3})", r.ece),
        };
        let mut chart = frame(&root, caption, 48, 0f64..1f64, 0f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_desc(format!("mean {}", r.of))
            .y_desc("observed frequency")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        let total: usize = r.bins.iter().map(|b| b.count).sum::<usize>().max(1);
        chart
            .draw_series(r.bins.iter().map(|b| {
                let share = b.count as f64 / total as f64;
                Rectangle::new(
                    [(b.lo + 0.005, 0.0), (b.hi - 0.005, share)],
                    RGBColor(200, 200, 200).filled(),
                )
            }))
            .map_err(err)?
            .label("share of rows")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 14, y + 5)],
                    RGBColor(200, 200, 200).filled(),
                )
            });
        chart
            .draw_series(DashedLineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                4,
                4,
                RGBColor(150, 150, 150).into(),
            ))
            .map_err(err)?;
        if let Some(b) = before {
            let c = color(1);
            chart
                .draw_series(DashedLineSeries::new(
                    b.bins.iter().map(|b| (b.mean_score, b.observed)),
                    6,
                    3,
                    c.stroke_width(2),
                ))
                .map_err(err)?
                .label("before calibration")
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2))
                });
        }
        let c = color(0);
        chart
            .draw_series(LineSeries::new(
                r.bins.iter().map(|b| (b.mean_score, b.observed)),
                c.stroke_width(2),
            ))
            .map_err(err)?
            .label(if before.is_some() {
                "calibrated"
            } else {
                "observed"
            })
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(2)));
        chart
            .draw_series(
                r.bins
                    .iter()
                    .map(|b| Circle::new((b.mean_score, b.observed), 3, c.filled())),
            )
            .map_err(err)?;
        legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Score histograms, one translucent set of bars per true class, as shares of that class.
pub fn histogram(h: &Histogram, name: &str) -> Result<String> {
    let mut buf = String::new();
    {
        let shares: Vec<Vec<f64>> = h
            .groups
            .iter()
            .map(|(_, c)| {
                let t = c.iter().sum::<usize>().max(1) as f64;
                c.iter().map(|&v| v as f64 / t).collect()
            })
            .collect();
        let top = shares
            .iter()
            .flatten()
            .fold(0.0f64, |a, &b| a.max(b))
            .max(0.01)
            * 1.1;
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let mut chart = frame(&root, "Scores by true class", 48, 0f64..1f64, 0f64..top)?;
        chart
            .configure_mesh()
            .x_desc(h.of.as_str())
            .y_desc("share of the class's rows")
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(err)?;
        for (g, ((class, _), sh)) in h.groups.iter().zip(&shares).enumerate() {
            let c = color(g);
            let edges = &h.edges;
            chart
                .draw_series(sh.iter().enumerate().map(move |(b, &v)| {
                    Rectangle::new([(edges[b], 0.0), (edges[b + 1], v)], c.mix(0.45).filled())
                }))
                .map_err(err)?
                .label(format!("{name} = {class}"))
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        }
        legend(&mut chart, SeriesLabelPosition::UpperMiddle)?;
        root.present().map_err(err)?;
    }
    Ok(buf)
}

/// Confusion matrix heat map: cell shade by the share of the true class, with counts.
pub fn confusion(classes: &[String], m: &[Vec<usize>]) -> Result<String> {
    let k = classes.len();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, SIZE).into_drawing_area();
        let mut chart = frame(
            &root,
            "Confusion matrix",
            70,
            0f64..k as f64,
            0f64..k as f64,
        )?;
        let label = |v: &f64| {
            let i = v.floor() as usize;
            if (v - v.floor() - 0.5).abs() < 1e-9 && i < k {
                classes[i].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("predicted")
            .y_desc("true")
            .x_labels(2 * k + 1)
            .y_labels(2 * k + 1)
            .x_label_formatter(&label)
            .y_label_formatter(&|v: &f64| label(&(k as f64 - v)))
            .draw()
            .map_err(err)?;
        for (t, row) in m.iter().enumerate() {
            let total = row.iter().sum::<usize>().max(1) as f64;
            for (p, &n) in row.iter().enumerate() {
                let share = n as f64 / total;
                // the true class runs top to bottom
                let y0 = (k - 1 - t) as f64;
                let shade = (255.0 - 200.0 * share) as u8;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(p as f64, y0), (p as f64 + 1.0, y0 + 1.0)],
                        RGBColor(shade, shade, 255).filled(),
                    )))
                    .map_err(err)?;
                let ink = if share > 0.6 { WHITE } else { BLACK };
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("{n} ({:.0}%)", 100.0 * share),
                        (p as f64 + 0.5, y0 + 0.5),
                        ("sans-serif", 14)
                            .into_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )))
                    .map_err(err)?;
            }
        }
        root.present().map_err(err)?;
    }
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_data() {
        let s = Series {
            label: "x = 1".into(),
            points: vec![[0.0, 0.0], [0.5, 0.8], [1.0, 1.0]],
        };
        let svg = lines("ROC", "FPR", "TPR", &[s], Some(((0.0, 0.0), (1.0, 1.0)))).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("ROC") && svg.contains("x = 1"));
        let svg = confusion(&["0".into(), "1".into()], &[vec![5, 1], vec![2, 7]]).unwrap();
        assert!(svg.contains("7 (78%)"), "{svg}");
    }
}
