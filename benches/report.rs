//! `cargo bench --bench report`: how long one board report takes to render as a PDF, in this
//! process, once the fonts are loaded (as in a long-running server). Prints the figures; it is a
//! measurement, not a test.

use soundings::report::fixtures::{sample, sample_long_name};
use soundings::report::pdf::render_pdf;
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    for (name, report) in [
        ("sample report", sample()),
        ("report with a long name", sample_long_name()),
    ] {
        let bytes = render_pdf(&report).map(|b| b.len()).unwrap_or(0);
        let runs: Vec<Duration> = (0..50)
            .map(|_| {
                let started = Instant::now();
                let _ = render_pdf(&report);
                started.elapsed()
            })
            .collect();
        let best = runs.iter().min().copied().unwrap_or_default();
        println!(
            "{name}: median {:.1} ms, best {:.1} ms over {} renders, {bytes} bytes (target: under 20 ms)",
            median(runs.clone()).as_secs_f64() * 1000.0,
            best.as_secs_f64() * 1000.0,
            runs.len()
        );
    }
}
