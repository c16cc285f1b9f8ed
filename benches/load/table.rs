//! The one table the run prints: every figure per backend, its target, and whether it was met.
//! Markdown, so that it can go into the README as printed.

use crate::setup::Backend;

/// A target a figure is held to.
#[derive(Clone, Copy)]
pub enum Target {
    /// Shown for context (a rate that a ratio is made of, say).
    None,
    AtMost(f64),
    AtLeast(f64),
    /// None at all (a count of failures).
    Zero,
}

impl Target {
    fn met(self, value: f64) -> Option<bool> {
        match self {
            Target::None => None,
            _ if value.is_nan() => Some(false),
            Target::AtMost(limit) => Some(value < limit),
            Target::AtLeast(floor) => Some(value >= floor),
            Target::Zero => Some(value == 0.0),
        }
    }
}

/// How a figure is written.
#[derive(Clone, Copy)]
pub enum Unit {
    Ms,
    PerSecond,
    Percent,
    Seconds,
    Megabytes,
    Count,
}

impl Unit {
    fn show(self, value: f64) -> String {
        if value.is_nan() {
            return "n/a".to_owned();
        }
        match self {
            Unit::Ms if value < 10.0 => format!("{value:.2} ms"),
            Unit::Ms => format!("{value:.1} ms"),
            Unit::PerSecond => format!("{value:.0}/s"),
            Unit::Percent => format!("{value:.0}%"),
            Unit::Seconds => format!("{value:.1} s"),
            Unit::Megabytes => format!("{value:.0} MB"),
            Unit::Count => format!("{value:.0}"),
        }
    }

    fn target(self, target: Target) -> String {
        match target {
            Target::None => "—".to_owned(),
            Target::AtMost(v) => format!("< {}", self.show(v)),
            Target::AtLeast(v) => format!("≥ {}", self.show(v)),
            Target::Zero => "0".to_owned(),
        }
    }
}

struct Row {
    label: String,
    unit: Unit,
    target: Target,
    /// One value per backend, in [`BACKENDS`] order; `None` where it does not apply.
    values: [Option<f64>; 2],
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
}

impl Table {
    /// Adds `value` for `backend` to the row labelled `label`, creating the row if needed.
    pub fn add(&mut self, label: &str, unit: Unit, target: Target, backend: Backend, value: f64) {
        let slot = BACKENDS.iter().position(|b| *b == backend).unwrap_or(0);
        if let Some(row) = self.rows.iter_mut().find(|r| r.label == label) {
            row.values[slot] = Some(value);
            return;
        }
        let mut values = [None, None];
        values[slot] = Some(value);
        self.rows.push(Row {
            label: label.to_owned(),
            unit,
            target,
            values,
        });
    }

    /// Rows whose target was missed on some backend, for the closing summary.
    pub fn misses(&self) -> Vec<String> {
        let mut out = Vec::new();
        for row in &self.rows {
            for (backend, value) in BACKENDS.iter().zip(row.values) {
                if let Some(v) = value
                    && row.target.met(v) == Some(false)
                {
                    out.push(format!(
                        "{} on {}: {} (target {})",
                        row.label,
                        backend.name(),
                        row.unit.show(v),
                        row.unit.target(row.target)
                    ));
                }
            }
        }
        out
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("| measure | SQLite | PostgreSQL | target | result |\n");
        out.push_str("|---|---:|---:|---|---|\n");
        for row in &self.rows {
            let cells: Vec<String> = row
                .values
                .iter()
                .map(|v| v.map_or_else(|| "—".to_owned(), |v| row.unit.show(v)))
                .collect();
            let verdicts: Vec<&str> = row
                .values
                .iter()
                .filter_map(|v| v.and_then(|v| row.target.met(v)))
                .map(|met| if met { "pass" } else { "MISS" })
                .collect();
            let result = match verdicts.as_slice() {
                [] => String::new(),
                [one] => (*one).to_owned(),
                [a, b] if a == b => format!("{a} (both)"),
                [a, b] => format!("{a} / {b}"),
                _ => verdicts.join(" / "),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                row.label,
                cells[0],
                cells[1],
                row.unit.target(row.target),
                result
            ));
        }
        out
    }
}
