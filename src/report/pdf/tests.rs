//! The PDF read back with poppler's tools, as a reader or a board member's viewer would.

use std::io::Write;
use std::process::Command;

use super::{render_pdf, render_summary_pdf};
use crate::report::fixtures::{sample, sample_long_name, sample_summary};

/// Runs a poppler tool on `pdf` and returns what it printed. A missing tool fails the test:
/// skipping would let a broken PDF through unnoticed.
fn poppler(tool: &str, pdf: &[u8]) -> String {
    let mut file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    file.write_all(pdf).unwrap();
    let mut command = Command::new(tool);
    command.arg(file.path());
    if tool == "pdftotext" {
        command.arg("-"); // to standard output
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            panic!("`{tool}` is not installed: apt-get install poppler-utils")
        }
        Err(e) => panic!("could not run {tool}: {e}"),
    };
    assert!(
        output.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text with every run of whitespace (line ends included) made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn two_renders_of_the_sample_are_byte_identical() {
    let first = render_pdf(&sample()).unwrap();
    let second = render_pdf(&sample()).unwrap();
    assert!(first == second, "two renders of one report differ");
}

#[test]
fn the_text_holds_the_name_dimensions_peer_group_suppression_and_hash() {
    let report = sample();
    let pdf = render_pdf(&report).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = words(&poppler("pdftotext", &pdf));

    assert!(
        text.contains("Bwrdd Iechyd Prifysgol Cwm Tawel — ŵ ŷ test"),
        "{text}"
    );
    for dimension in &report.dimensions {
        assert!(
            text.contains(&dimension.title),
            "{} missing: {text}",
            dimension.title
        );
    }
    assert!(text.contains("Health boards in Wales (n = 7)"), "{text}");
    assert!(text.contains("suppressed"), "{text}");
    assert!(
        text.contains("only 4 peers answered every question"),
        "{text}"
    );
    assert!(text.contains("Health boards in West Wales (2)"), "{text}");
    assert!(text.contains(&report.survey.sha256), "{text}");
    assert!(text.contains("71% of peers have a board-approved strategy; you do not."));
    assert!(text.contains("Page 1 of"), "{text}");
}

#[test]
fn withheld_headline_figures_read_suppressed_with_their_reason() {
    let mut report = sample();
    let reason = "the peer group has 4 responses, fewer than k = 5";
    fn withheld<T>(reason: &str) -> crate::report::model::Disclosed<T> {
        crate::report::model::Disclosed {
            value: None,
            suppressed_reason: Some(reason.to_owned()),
        }
    }
    report.headline.percentile = withheld(reason);
    report.headline.quartile = withheld(reason);
    report.headline.peer_median = withheld(reason);
    report.headline.change_since_last = None;
    report.round.previous_round = None;
    report.peer_group.fell_back_from.clear();
    report.strengths.clear();

    let text = words(&poppler("pdftotext", &render_pdf(&report).unwrap()));
    // The headline comes first, so its reason is note 1; the dimension's is note 2.
    assert_eq!(text.matches("suppressed¹").count(), 3, "{text}");
    assert!(text.contains(&format!("¹ Suppressed: {reason}")), "{text}");
    assert!(text.contains("suppressed²"), "{text}");
    assert!(text.contains("first round of this survey"), "{text}");
    assert!(text.contains("None this round."), "{text}");
    assert!(!text.contains("The narrower group"), "{text}");
}

/// The page count and the page size in points (width, height) that `pdfinfo` reports.
fn pages_and_size(pdf: &[u8]) -> (usize, (f64, f64)) {
    let info = poppler("pdfinfo", pdf);
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name} in {info}"))
            .to_owned()
    };
    let pages: usize = field("Pages:").parse().unwrap();
    let size = field("Page size:");
    let dims: Vec<f64> = size
        .split_whitespace()
        .filter_map(|part| part.parse().ok())
        .collect();
    assert_eq!(dims.len(), 2, "page size {size}");
    (pages, (dims[0], dims[1]))
}

#[test]
fn pdfinfo_reports_two_to_four_a4_pages() {
    let (pages, (width, height)) = pages_and_size(&render_pdf(&sample()).unwrap());
    assert!((2..=4).contains(&pages), "{pages} pages");
    assert!(
        (width - 595.0).abs() < 1.0 && (height - 842.0).abs() < 1.0,
        "page size {width} x {height}"
    );
}

#[test]
fn the_fonts_are_embedded_as_subsets() {
    let pdf = render_pdf(&sample()).unwrap();
    let fonts = poppler("pdffonts", &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(row.contains("DejaVuSans"), "{fonts}");
        // name type encoding emb sub uni object ID
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            ["yes", "yes", "yes"],
            "{fonts}"
        );
    }
    assert!(
        pdf.len() < 120_000,
        "{} bytes: the fonts are not subset",
        pdf.len()
    );
}

#[test]
fn a_long_organisation_name_wraps_and_every_word_can_be_extracted() {
    let report = sample_long_name();
    let pdf = render_pdf(&report).unwrap();
    let text = words(&poppler("pdftotext", &pdf));
    for word in report.organisation.name.split_whitespace() {
        assert!(text.contains(word), "{word} missing: {text}");
    }
    assert!(text.contains(&words(&report.organisation.name)), "{text}");
    let info = poppler("pdfinfo", &pdf);
    assert!(info.contains("Pages:"), "{info}");
}

#[test]
fn two_renders_of_the_summary_are_byte_identical() {
    let first = render_summary_pdf(&sample_summary()).unwrap();
    let second = render_summary_pdf(&sample_summary()).unwrap();
    assert!(first.starts_with(b"%PDF-"));
    assert!(first == second, "two renders of one summary differ");
}

#[test]
fn the_summary_text_holds_every_column_group_suppression_and_hash() {
    let summary = sample_summary();
    let pdf = render_summary_pdf(&summary).unwrap();
    let text = words(&poppler("pdftotext", &pdf));

    for column in &summary.columns {
        assert!(text.contains(column.as_str()), "{column} missing: {text}");
    }
    for row in &summary.rows {
        assert!(text.contains(&row.label), "{} missing: {text}", row.label);
    }
    // The suppressed group's name is followed by its reason and nothing else: no figure, no 0.
    assert!(
        text.contains(
            "Specialist suppressed: fewer than 5 organisations in this group (suppressed to \
             protect their identity)"
        ),
        "{text}"
    );
    assert!(text.contains("187 of 212"), "{text}");
    assert!(text.contains("national summary"), "{text}");
    assert!(text.contains("Spring 2026"), "{text}");
    assert!(text.contains(&summary.sha256), "{text}");
    assert!(text.contains("engagement-maturity"), "{text}");
    assert!(text.contains("Hyndman & Fan type 7"), "{text}");
    assert!(text.contains("k = 5"), "{text}");
    assert!(text.contains("as at 31 March 2026"), "{text}");
    assert!(text.contains("Page 1 of"), "{text}");
    // The national median and its quartiles, as the table shows them.
    assert!(text.contains("52.4 43.4–60.5"), "{text}");
}

#[test]
fn the_summary_is_landscape_a4() {
    let (pages, (width, height)) = pages_and_size(&render_summary_pdf(&sample_summary()).unwrap());
    assert!((1..=3).contains(&pages), "{pages} pages");
    assert!(
        (width - 842.0).abs() < 1.0 && (height - 595.0).abs() < 1.0,
        "page size {width} x {height}"
    );
}

#[test]
fn many_dimensions_get_short_column_titles_and_a_key() {
    let mut summary = sample_summary();
    for i in 0..6 {
        summary
            .columns
            .push(format!("Extraordinarily comprehensive dimension {i}"));
        for row in &mut summary.rows {
            let copy = row.cells.get(1).cloned().flatten();
            row.cells.push(copy);
        }
    }
    let text = words(&poppler(
        "pdftotext",
        &render_summary_pdf(&summary).unwrap(),
    ));
    assert!(text.contains("Key: D1 Strategy and leadership"), "{text}");
    assert!(
        text.contains("D13 Extraordinarily comprehensive dimension 5"),
        "{text}"
    );
}
