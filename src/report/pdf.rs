//! The board report as an A4 PDF, laid out by hand as printpdf ops: text in an embedded
//! DejaVu Sans (so any Welsh or accented name renders and can be copied out), charts as
//! vectors. The same [`Report`] always gives the same bytes: no clock, no random ids. The
//! national summary of a round ([`render_summary_pdf`]) is made the same way.
//!
//! This module only lays out what the model already holds; it computes no figure.

mod back;
mod canvas;
mod chart;
mod fonts;
mod format;
mod front;
mod summary;
mod table;
#[cfg(test)]
mod tests;
mod tiles;

use crate::catalogue::{self, plain};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use printpdf::{Mm, PdfDocument, PdfPage, PdfParseErrorSeverity, PdfSaveOptions};

use crate::report::model::Report;

pub use summary::render_summary_pdf;

use canvas::{Canvas, MUTED, NAVY, Orientation, Style, WIDTH};
use fonts::Face;
use format::Footnotes;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded DejaVu Sans font could not be parsed")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Renders the report as an A4 PDF. Same `Report`, same bytes.
pub fn render_pdf(report: &Report) -> Result<Vec<u8>, PdfError> {
    let faces = fonts::faces()?;
    let mut canvas = Canvas::new(faces, header(faces, report), footer(report));
    canvas.language = report.language;
    let mut notes = Footnotes::default();

    front::title(&mut canvas, report);
    front::headline(&mut canvas, report, &mut notes);
    front::fallback_notice(&mut canvas, report);
    chart::section(&mut canvas, report, &mut notes);
    if canvas.page() == 0 {
        canvas.new_page();
    }
    table::results(&mut canvas, report, &mut notes);
    back::findings(&mut canvas, report);
    back::appendix(&mut canvas, report);

    let title = format!(
        "{}: {}, {}",
        report.organisation.name, report.survey.title, report.round.name
    );
    document(
        canvas,
        Orientation::Portrait,
        &title,
        &plain(report.language, "report-subject"),
    )
}

/// The finished pages as a PDF: numbered, the fonts cut down to what they show, and saved
/// without anything that would differ between two renders.
fn document(
    canvas: Canvas<'_>,
    orientation: Orientation,
    title: &str,
    subject: &str,
) -> Result<Vec<u8>, PdfError> {
    let faces = canvas.faces();
    let (pages, used) = canvas.finish();
    let mut doc = PdfDocument::new(title);
    doc.metadata.info.producer = "Soundings".to_owned();
    doc.metadata.info.subject = subject.to_owned();
    for face in Face::ALL {
        let chars = &used[face.index()];
        if !chars.is_empty() {
            doc.resources
                .fonts
                .map
                .insert(face.id(), faces.embed(face, chars));
        }
    }
    let (width, height) = orientation.size_mm();
    doc.pages = pages
        .into_iter()
        .map(|ops| PdfPage::new(Mm(width), Mm(height), ops))
        .collect();
    save(&doc)
}

/// The lines at the top of every page, wrapped so that a long name never runs off the page.
fn header(faces: &fonts::Faces, report: &Report) -> Vec<(String, Style)> {
    let name = Style::new(Face::Bold, 8.5, NAVY);
    let context = Style::new(Face::Regular, 7.5, MUTED);
    let group = &report.peer_group;
    let line = catalogue::text(
        report.language,
        "report-header-line",
        &[
            ("survey", report.survey.title.as_str().into()),
            ("round", report.round.name.as_str().into()),
            ("group", group.label.as_str().into()),
            ("n", group.n.into()),
        ],
    );
    let mut lines = Vec::new();
    for (text, style) in [(&report.organisation.name, name), (&line, context)] {
        for wrapped in faces.wrap(style.face, style.size, text, WIDTH) {
            lines.push((wrapped, style));
        }
    }
    lines
}

fn footer(report: &Report) -> String {
    catalogue::text(
        report.language,
        "report-footer",
        &[
            ("survey", report.survey.slug.as_str().into()),
            ("version", i64::from(report.survey.version).into()),
            ("date", report.as_at.as_str().into()),
        ],
    )
}

/// Serialises through lopdf rather than `PdfDocument::save`, to take out what would make
/// two renders differ: printpdf fills the trailer `/ID` from a process-wide counter (an `/ID`
/// is optional in an unencrypted file) and dates the info dictionary 1970 when not told
/// otherwise. No XMP block is written, since the default conformance does not ask for one.
fn save(doc: &PdfDocument) -> Result<Vec<u8>, PdfError> {
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: false, // a no-op without printpdf's `text_layout`; fonts::embed subsets
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    for warning in warnings
        .iter()
        .filter(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        tracing::warn!(pdf.warning = %warning.msg, "printpdf reported a problem writing a report");
    }
    pdf.trailer.remove(b"ID");
    if let Some(info) = pdf
        .trailer
        .get(b"Info")
        .and_then(|info| info.as_reference())
        .ok()
        && let Ok(info) = pdf.get_dictionary_mut(info)
    {
        for key in [
            &b"CreationDate"[..],
            b"ModDate",
            b"GTS_PDFXVersion",
            b"Identifier",
            b"Keywords",
            b"Author",
            b"Creator",
            b"Trapped",
        ] {
            info.remove(key);
        }
    }
    compress(&mut pdf)?;
    let mut bytes = Vec::with_capacity(64 * 1024);
    pdf.save_to(&mut bytes)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(bytes)
}

/// Deflates every stream, as lopdf's own `compress` would but at zlib's default level rather
/// than its best: that was most of the time a report took, for files a few per cent larger. The
/// font programs, which are the largest streams and the same in most reports (a subset of the
/// same characters), are deflated once per process and reused. The output depends only on the
/// input, so the same report still gives the same bytes.
fn compress(pdf: &mut lopdf::Document) -> Result<(), PdfError> {
    for object in pdf.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        // Only embedded font programs carry `Length1`.
        let compressed = if stream.dict.get(b"Length1").is_ok() {
            deflate_cached(&stream.content)?
        } else {
            Arc::new(deflate(&stream.content)?)
        };
        // As lopdf does: keep a stream that deflating would not make smaller as it is.
        if compressed.len() + 19 < stream.content.len() {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed.as_ref().clone());
        }
    }
    Ok(())
}

fn deflate(bytes: &[u8]) -> Result<Vec<u8>, PdfError> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(bytes.len() / 2),
        flate2::Compression::default(),
    );
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .map_err(|e| PdfError::Write(e.to_string()))
}

/// Deflated font programs by their bytes. Bounded: once full, new programs are deflated but not
/// kept (a run of reports uses a handful of distinct subsets).
fn deflate_cached(bytes: &[u8]) -> Result<Arc<Vec<u8>>, PdfError> {
    const KEEP: usize = 256;
    type Deflated = HashMap<Vec<u8>, Arc<Vec<u8>>>;
    static CACHE: LazyLock<Mutex<Deflated>> = LazyLock::new(Mutex::default);
    if let Some(found) = CACHE.lock().ok().and_then(|c| c.get(bytes).cloned()) {
        return Ok(found);
    }
    let compressed = Arc::new(deflate(bytes)?);
    if let Ok(mut cache) = CACHE.lock()
        && cache.len() < KEEP
    {
        cache.insert(bytes.to_vec(), compressed.clone());
    }
    Ok(compressed)
}
