//! The insights' charts as SVG, drawn by `plotters` (its SVG backend, no fonts: the browser sets
//! the text). Colours read on light and dark backgrounds alike: teal bars, stone-500 text, faint
//! grid lines, no background.

use crate::domain::insights::{Charts, Insights};
use plotters::prelude::*;

const BAR: RGBColor = RGBColor(13, 148, 136); // teal-600
const TEXT: RGBColor = RGBColor(120, 113, 108); // stone-500
const GRID: RGBAColor = RGBAColor(120, 113, 108, 0.25);

pub fn draw(i: &Insights) -> Charts {
    let days: Vec<String> = i.by_day.iter().map(|d| d.label.get(5..).unwrap_or(&d.label).to_string()).collect();
    let tokens: Vec<f64> = i.by_day.iter().map(|d| (d.prompt_tokens + d.completion_tokens) as f64).collect();
    let hours: Vec<String> = (0..24).map(|h| format!("{h}")).collect();
    let booked: Vec<f64> = i.scheduling.by_hour.iter().map(|n| *n as f64).collect();
    Charts {
        tokens_by_day: bars("Tokens per day", &days, &tokens),
        busiest_hours: bars("Appointments by starting hour", &hours, &booked),
    }
}

/// A bar chart of `values` under `labels`; an empty string when there is nothing to draw or
/// plotters fails (the tables beside it still hold the numbers).
fn bars(title: &str, labels: &[String], values: &[f64]) -> String {
    if values.is_empty() || values.iter().all(|v| *v <= 0.0) {
        return String::new();
    }
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(&mut svg, (720, 260)).into_drawing_area();
        let top = values.iter().cloned().fold(0.0, f64::max) * 1.1;
        let n = values.len();
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .caption(title, ("sans-serif", 15).into_font().color(&TEXT))
            .x_label_area_size(28)
            .y_label_area_size(56)
            .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(GRID)
            .label_style(("sans-serif", 12).into_font().color(&TEXT))
            .x_labels(n.min(12))
            .x_label_formatter(&|x| labels.get(x.floor() as usize).cloned().unwrap_or_default())
            .y_label_formatter(&|y| short(*y))
            .draw()?;
        chart.draw_series(
            values
                .iter()
                .enumerate()
                .map(|(k, v)| Rectangle::new([(k as f64 + 0.15, 0.0), (k as f64 + 0.85, *v)], BAR.filled())),
        )?;
        root.present()?;
        Ok(())
    })();
    match drawn {
        Ok(()) => svg.replace("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title))),
        Err(e) => {
            tracing::warn!(error = %e, chart = title, "chart not drawn");
            String::new()
        }
    }
}

/// 1234 → "1.2k", 2500000 → "2.5M": axis labels stay short.
fn short(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_is_svg_with_one_bar_per_value_and_labels_escaped() {
        let labels: Vec<String> = vec!["a<b".into(), "c".into(), "d".into()];
        let svg = bars("Tokens per day", &labels, &[3.0, 0.0, 5.0]);
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Tokens per day\""), "{}", &svg[..200.min(svg.len())]);
        assert!(svg.contains("a&lt;b"), "labels are escaped by the backend");
        assert!(!svg.contains("a<b"));
        assert_eq!(bars("Empty", &labels, &[0.0, 0.0, 0.0]), "");
        assert_eq!(short(2_500_000.0), "2.5M");
        assert_eq!(short(1234.0), "1.2k");
    }
}
