//! Horizontal bar charts drawn as SVG on the server (no script): the geometry is worked out
//! here and the template only draws it. A bar whose figure is withheld by disclosure control has
//! no bar at all and says so, never a bar of zero.

use crate::domain::peers::{Attribute, Grouping};
use serde::Serialize;

/// The drawing's width in SVG units; it scales to its container (CSS `width: 100%`).
pub const WIDTH: f64 = 640.0;
/// Room on the left for the group's label.
const LABEL_WIDTH: f64 = 220.0;
/// Room on the right for the figure's text.
const VALUE_WIDTH: f64 = 90.0;
const BAR_HEIGHT: f64 = 22.0;
const GAP: f64 = 10.0;

/// The groupings every console chart is drawn for, with their headings: all organisations, by
/// kind and by region (the dashboard's response rates and the results' medians alike).
pub fn chart_groupings() -> [(&'static str, Grouping); 3] {
    [
        ("All organisations", Grouping::all()),
        ("By kind", Grouping::of(&[Attribute::Kind])),
        ("By region", Grouping::of(&[Attribute::Region])),
    ]
}

/// One group's figure: a share between 0 and 1, or `None` if it is withheld; `text` is how the
/// figure is written (a percentage of the share unless given).
pub struct Bar {
    pub label: String,
    pub share: Option<f64>,
    pub text: Option<String>,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct DrawnBar {
    pub label: String,
    /// Top of the bar's row.
    pub y: f64,
    /// Baseline of the row's text.
    pub text_y: f64,
    /// Where the bar starts, and how long it is (0 for a withheld figure, which has no bar).
    pub x: f64,
    pub width: f64,
    pub height: f64,
    /// Where the figure's text starts.
    pub value_x: f64,
    /// The figure (`42%`) or `withheld`.
    pub value: String,
    pub withheld: bool,
}

#[derive(Serialize, Debug)]
pub struct Chart {
    pub width: f64,
    pub height: f64,
    /// Where the axis is drawn (the bars' left edge).
    pub axis_x: f64,
    pub bars: Vec<DrawnBar>,
}

/// Lays out `bars` as percentages of the full length (a share of 1 fills it; shares outside
/// 0..=1 are clamped, so a bad figure cannot draw outside the chart).
pub fn bar_chart(bars: &[Bar]) -> Chart {
    let plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let drawn: Vec<DrawnBar> = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let y = GAP + i as f64 * (BAR_HEIGHT + GAP);
            let share = bar.share.map(|s| s.clamp(0.0, 1.0));
            let width = share.map_or(0.0, |s| (s * plot * 10.0).round() / 10.0);
            DrawnBar {
                label: bar.label.clone(),
                y,
                text_y: y + BAR_HEIGHT * 0.72,
                x: LABEL_WIDTH,
                width,
                height: BAR_HEIGHT,
                value_x: LABEL_WIDTH + width + 6.0,
                value: match (share, &bar.text) {
                    (None, _) => "withheld".to_owned(),
                    (Some(_), Some(text)) => text.clone(),
                    (Some(s), None) => format!("{}%", (s * 100.0).round()),
                },
                withheld: share.is_none(),
            }
        })
        .collect();
    Chart {
        width: WIDTH,
        height: GAP + drawn.len() as f64 * (BAR_HEIGHT + GAP),
        axis_x: LABEL_WIDTH,
        bars: drawn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, share: Option<f64>) -> Bar {
        Bar {
            label: label.into(),
            share,
            text: None,
        }
    }

    #[test]
    fn bars_are_proportional_to_their_share_and_stacked_without_overlap() {
        let chart = bar_chart(&[
            bar("a", Some(1.0)),
            bar("b", Some(0.5)),
            bar("c", Some(0.0)),
        ]);
        let plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
        assert_eq!(chart.bars[0].width, plot);
        assert_eq!(chart.bars[1].width, plot / 2.0);
        assert_eq!(chart.bars[2].width, 0.0);
        assert_eq!(chart.bars[1].value, "50%");
        for pair in chart.bars.windows(2) {
            assert!(pair[0].y + pair[0].height < pair[1].y);
        }
        let last = chart.bars.last().unwrap();
        assert!(last.y + last.height <= chart.height);
        // The longest bar's text still fits inside the drawing.
        assert!(chart.bars[0].value_x + 40.0 <= chart.width);
    }

    #[test]
    fn a_withheld_figure_has_no_bar_and_says_so() {
        let chart = bar_chart(&[bar("small group", None)]);
        assert_eq!(chart.bars[0].width, 0.0);
        assert!(chart.bars[0].withheld);
        assert_eq!(chart.bars[0].value, "withheld");
    }

    #[test]
    fn a_figure_may_be_written_its_own_way() {
        let mut b = bar("a", Some(0.667));
        b.text = Some("66.7".into());
        let chart = bar_chart(&[b, bar("b", None)]);
        assert_eq!(chart.bars[0].value, "66.7");
        assert_eq!(chart.bars[1].value, "withheld");
    }

    #[test]
    fn shares_outside_zero_to_one_are_clamped() {
        let chart = bar_chart(&[bar("a", Some(1.7)), bar("b", Some(-0.2))]);
        assert_eq!(chart.bars[0].width, WIDTH - LABEL_WIDTH - VALUE_WIDTH);
        assert_eq!(chart.bars[0].value, "100%");
        assert_eq!(chart.bars[1].width, 0.0);
    }

    #[test]
    fn an_empty_chart_has_room_for_nothing() {
        let chart = bar_chart(&[]);
        assert!(chart.bars.is_empty());
        assert_eq!(chart.height, GAP);
    }
}
