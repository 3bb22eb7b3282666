//! The report's chart: the yearly totals of each overview group as grouped
//! bars, drawn by plotters into inline SVG. Plotters escapes the texts it
//! draws (years, numbers); the group names are not drawn in the SVG but in
//! the HTML legend beside it and in the text alternative, both escaped by
//! [`super::html::escape`].

use super::html::escape;
use crate::model::Year;
use crate::normalize::danish::{format_danish_decimal, Unit};
use crate::write::overview::Overview;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// Size of the drawing (the SVG scales to the page's width).
const WIDTH: u32 = 820;
const HEIGHT: u32 = 380;

/// Fill colours of the groups, in order (distinguishable in grey print too;
/// the legend and the table say the same in text).
pub(crate) const COLOURS: [(u8, u8, u8); 6] = [
    (31, 95, 168),
    (224, 138, 0),
    (58, 138, 58),
    (138, 58, 138),
    (120, 120, 120),
    (178, 34, 34),
];

/// More bars than this and the bars carry no value labels (they would
/// overlap); the table below has every number.
const MAX_LABELLED_BARS: usize = 24;

/// One series: a group's name and its amount per year (display unit).
pub(crate) struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// The series of the overview's groups that have lines, amounts in `unit`.
pub(crate) fn series(ov: &Overview, unit: &Unit, unnamed: &str) -> Vec<Series> {
    ov.groups
        .iter()
        .filter(|g| !g.lines.is_empty())
        .map(|g| Series {
            name: g.name.clone().unwrap_or_else(|| unnamed.to_string()),
            values: ov
                .years
                .iter()
                .map(|y| {
                    let kr = g.totals.get(y).copied().unwrap_or_default();
                    kr.checked_div(unit.factor)
                        .and_then(|d| d.to_f64())
                        .unwrap_or(0.0)
                })
                .collect(),
        })
        .collect()
}

/// A number on the axis or over a bar, Danish: "12,5", "1.000", "0" (never
/// "0,0"), at most two decimals.
pub(crate) fn number(v: f64) -> String {
    let d = Decimal::from_f64(v)
        .unwrap_or_default()
        .round_dp(2)
        .normalize();
    if d.is_zero() {
        "0".to_string()
    } else {
        format_danish_decimal(d)
    }
}

/// The SVG (with `role="img"`, `<title>` and `<desc>`), or `None` when there
/// is nothing to draw (no years, or every amount is 0).
pub(crate) fn svg(years: &[Year], series: &[Series], unit: &Unit) -> Option<String> {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .fold(0.0_f64, f64::max);
    if years.is_empty() || series.is_empty() || max <= 0.0 {
        return None;
    }
    let mut out = String::new();
    draw(&mut out, years, series, unit, max * 1.15).ok()?;
    Some(accessible(&out, years, series, unit))
}

fn draw(
    out: &mut String,
    years: &[Year],
    series: &[Series],
    unit: &Unit,
    top: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let n = years.len();
    let mut chart = ChartBuilder::on(&root)
        .margin_top(16)
        .margin_right(16)
        .margin_left(8)
        .x_label_area_size(40)
        .y_label_area_size(84)
        .build_cartesian_2d(0f64..n as f64, 0f64..top)?;
    let axis_text = ("sans-serif", 17).into_font().color(&BLACK);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&|v| number(*v))
        .y_label_style(axis_text.clone())
        .y_desc(unit.name)
        .axis_desc_style(("sans-serif", 16))
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(220, 220, 220))
        .draw()?;

    // The bars: in each year, one per group side by side.
    let m = series.len() as f64;
    let slot = 0.8 / m;
    let labelled = series.len() * n <= MAX_LABELLED_BARS;
    for (k, s) in series.iter().enumerate() {
        let (r, g, b) = COLOURS[k % COLOURS.len()];
        let fill = RGBColor(r, g, b).filled();
        for (i, v) in s.values.iter().enumerate() {
            if *v <= 0.0 {
                continue;
            }
            let x0 = i as f64 + 0.1 + k as f64 * slot;
            let x1 = x0 + slot * 0.9;
            chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, *v)], fill)))?;
            if labelled {
                let (px, py) = chart.backend_coord(&((x0 + x1) / 2.0, *v));
                root.draw(&Text::new(
                    number(*v),
                    (px, py - 4),
                    ("sans-serif", 15)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                ))?;
            }
        }
    }
    // The years under their bars.
    for (i, y) in years.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        root.draw(&Text::new(
            y.as_str(),
            (px, py + 8),
            axis_text.clone().pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// Adds the text alternative: `role="img"`, `aria-labelledby`, `<title>` and
/// a `<desc>` with every number.
fn accessible(svg: &str, years: &[Year], series: &[Series], unit: &Unit) -> String {
    let mut desc = String::new();
    for (i, y) in years.iter().enumerate() {
        if i > 0 {
            desc.push_str("; ");
        }
        desc.push_str(y);
        desc.push_str(": ");
        let parts: Vec<String> = series
            .iter()
            .map(|s| format!("{} {} {}", s.name, number(s.values[i]), unit.short_name()))
            .collect();
        desc.push_str(&parts.join(", "));
    }
    let head = "<svg role=\"img\" aria-labelledby=\"diagram-titel diagram-beskrivelse\" class=\"diagram\" ";
    let body = svg.trim_start().strip_prefix("<svg ").unwrap_or(svg);
    let Some(end) = body.find('>') else {
        return svg.to_string();
    };
    format!(
        "{head}{}><title id=\"diagram-titel\">Årlige beløb pr. gruppe ({})</title><desc id=\"diagram-beskrivelse\">{}.</desc>{}",
        &body[..end],
        escape(unit.name),
        escape(&desc),
        &body[end + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_groups() -> (Vec<Year>, Vec<Series>) {
        let years = ["2008", "2009", "2010", "2011"].map(Year::from).to_vec();
        let series = vec![
            Series {
                name: "Integrationsindsatser".into(),
                values: vec![18.29, 18.29, 18.29, 18.29],
            },
            Series {
                name: "Øvrige <indsatser>".into(),
                values: vec![8.5, 0.0, 0.0, 0.0],
            },
        ];
        (years, series)
    }

    /// The texts plotters drew (`<text …>…</text>`).
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let start = t.find('>')? + 1;
                let end = t.find("</text>")?;
                Some(t[start..end].trim().to_string())
            })
            .collect()
    }

    #[test]
    fn numbers_are_danish_and_zero_is_plain() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(1e-9), "0");
        assert_eq!(number(12.5), "12,5");
        assert_eq!(number(18.29), "18,29");
        assert_eq!(number(1000.0), "1.000");
        assert_eq!(number(2.0), "2");
    }

    #[test]
    fn no_zero_labels_for_empty_years_and_danish_axis() {
        let (years, series) = two_groups();
        let svg = svg(&years, &series, &Unit::MIO).unwrap();
        let t = texts(&svg);
        assert!(!t.iter().any(|x| x == "0,0"), "{t:?}");
        assert!(
            !t.iter().any(|x| x.contains('.') && !x.contains("kr")),
            "{t:?}"
        );
        // Bars with a value carry it, in Danish.
        assert_eq!(t.iter().filter(|x| *x == "18,29").count(), 4, "{t:?}");
        assert_eq!(t.iter().filter(|x| *x == "8,5").count(), 1, "{t:?}");
        // Axis labels: 0 once as "0", others Danish with a comma if needed.
        assert!(t.iter().any(|x| x == "0"), "{t:?}");
        for y in &years {
            assert!(t.iter().any(|x| x == y.as_str()), "{y} missing: {t:?}");
        }
        assert!(t.iter().any(|x| x == "mio. kr."), "{t:?}");
    }

    #[test]
    fn the_svg_has_a_text_alternative_with_every_number() {
        let (years, series) = two_groups();
        let svg = svg(&years, &series, &Unit::MIO).unwrap();
        assert!(svg.starts_with(
            "<svg role=\"img\" aria-labelledby=\"diagram-titel diagram-beskrivelse\""
        ));
        assert!(svg.contains("<title id=\"diagram-titel\">"));
        assert!(svg.contains("viewBox="));
        assert!(svg.contains(
            "2008: Integrationsindsatser 18,29 mio., Øvrige &lt;indsatser&gt; 8,5 mio.; 2009:"
        ));
        assert!(!svg.contains("<indsatser>"));
    }

    #[test]
    fn nothing_to_draw_is_no_chart() {
        let (years, mut series) = two_groups();
        for s in &mut series {
            s.values.iter_mut().for_each(|v| *v = 0.0);
        }
        assert!(svg(&years, &series, &Unit::MIO).is_none());
        assert!(svg(&[], &[], &Unit::MIO).is_none());
    }
}
