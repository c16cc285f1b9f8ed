//! Request bodies and responses that poem-openapi has no ready type for: text bodies accepted in
//! several formats (definitions as JSON or YAML, CSV uploads), and tables answered as JSON or CSV.

use poem::http::{StatusCode, header};
use poem::{IntoResponse, Request, RequestBody, Response};
use poem_openapi::payload::{Binary, Payload};
use poem_openapi::registry::{
    MetaHeader, MetaMediaType, MetaRequest, MetaResponse, MetaResponses, MetaSchemaRef, Registry,
};
use poem_openapi::types::{ToJSON, Type};
use poem_openapi::{ApiExtractor, ApiExtractorType, ApiResponse, ExtractParamOptions};

/// The media type of a request, without parameters, lower-cased.
fn essence(req: &Request) -> Option<String> {
    req.content_type().map(|ct| {
        ct.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    })
}

fn unsupported(got: Option<String>, accepted: &[&str]) -> poem::Error {
    let got = got.unwrap_or_else(|| "no content type".to_owned());
    poem::Error::from_string(
        format!(
            "The body's content type is {got}; send one of: {}.",
            accepted.join(", ")
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
}

fn request_meta(types: &[&'static str], schema: MetaSchemaRef) -> Option<MetaRequest> {
    Some(MetaRequest {
        description: None,
        content: types
            .iter()
            .map(|ct| MetaMediaType {
                content_type: ct,
                schema: schema.clone(),
            })
            .collect(),
        required: true,
    })
}

/// A body read as text, with the media type it was sent as (one of `ACCEPTED`).
pub struct TextBody<const CSV: bool> {
    pub media_type: String,
    pub text: String,
}

/// A survey definition document, as JSON (`application/json`) or YAML (`application/yaml`).
pub type DocumentBody = TextBody<false>;
/// A CSV file (`text/csv`, or `application/octet-stream`) with a header row.
pub type CsvBody = TextBody<true>;

impl<const CSV: bool> TextBody<CSV> {
    const fn accepted() -> &'static [&'static str] {
        if CSV {
            &["text/csv", "application/octet-stream"]
        } else {
            &[
                "application/json",
                "application/yaml",
                "application/x-yaml",
                "text/yaml",
            ]
        }
    }

    /// The media types the document lists: those generated clients can send. Client generators
    /// (openapi-python-client 0.29) leave out an operation whose only body is `text/csv` and warn
    /// about YAML, so the document lists the CSV upload as `application/octet-stream` and the
    /// definition as JSON; the operations' descriptions say that `text/csv` and YAML are taken too.
    const fn documented() -> &'static [&'static str] {
        if CSV {
            &["application/octet-stream"]
        } else {
            &["application/json"]
        }
    }
}

impl<'a, const CSV: bool> ApiExtractor<'a> for TextBody<CSV> {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::RequestObject];
    type ParamType = ();
    type ParamRawType = ();

    fn request_meta() -> Option<MetaRequest> {
        let schema = if CSV {
            Binary::<Vec<u8>>::schema_ref()
        } else {
            // A definition document is an object; its shape is described in the README.
            serde_json::Value::schema_ref()
        };
        request_meta(Self::documented(), schema)
    }

    async fn from_request(
        req: &'a Request,
        body: &mut RequestBody,
        _param_opts: ExtractParamOptions<Self::ParamType>,
    ) -> poem::Result<Self> {
        let media_type = essence(req);
        match media_type {
            Some(mt) if Self::accepted().contains(&mt.as_str()) => {
                let bytes = body.take()?.into_bytes().await?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    poem::Error::from_string(
                        "The body is not valid UTF-8 text.",
                        StatusCode::BAD_REQUEST,
                    )
                })?;
                Ok(TextBody {
                    media_type: mt,
                    text,
                })
            }
            other => Err(unsupported(other, Self::accepted())),
        }
    }
}

/// Whether the client asked for CSV (`Accept: text/csv`) rather than JSON.
pub fn wants_csv(req: &Request) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| {
            accept
                .split(',')
                .any(|part| part.trim().starts_with("text/csv"))
        })
}

/// A table answered as JSON, or as CSV when the client sends `Accept: text/csv`.
pub enum Table<T> {
    Json(T),
    Csv(String),
}

impl<T: ToJSON + Send> IntoResponse for Table<T> {
    fn into_response(self) -> Response {
        match self {
            Table::Json(value) => poem_openapi::payload::Json(value).into_response(),
            Table::Csv(text) => text
                .with_content_type("text/csv; charset=utf-8")
                .into_response(),
        }
    }
}

impl<T: ToJSON + Type + Send> ApiResponse for Table<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The table as JSON, or as CSV with a header row when the request has `Accept: text/csv`.",
                status: Some(200),
                status_range: None,
                content: vec![
                    MetaMediaType {
                        content_type: "application/json; charset=utf-8",
                        schema: T::schema_ref(),
                    },
                    MetaMediaType {
                        content_type: "text/csv; charset=utf-8",
                        schema: String::schema_ref(),
                    },
                ],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// A PDF (a report), sent as `application/pdf` with the file name it should be saved under.
pub enum PdfResponse {
    Pdf(Binary<Vec<u8>>, String),
}

impl IntoResponse for PdfResponse {
    fn into_response(self) -> Response {
        let PdfResponse::Pdf(bytes, file_name) = self;
        bytes
            .with_content_type("application/pdf")
            .with_header(header::CONTENT_DISPOSITION, file_name)
            .into_response()
    }
}

impl ApiResponse for PdfResponse {
    /// Listed as `application/pdf` and as `application/octet-stream`, both binary: generated
    /// clients type only the latter as bytes (openapi-python-client drops an `application/pdf`-only
    /// response); the server always sends `application/pdf`.
    fn meta() -> MetaResponses {
        let binary = |content_type| MetaMediaType {
            content_type,
            schema: Binary::<Vec<u8>>::schema_ref(),
        };
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The report as an A4 PDF (sent as `application/pdf`).",
                status: Some(200),
                status_range: None,
                content: vec![
                    binary("application/pdf"),
                    binary("application/octet-stream"),
                ],
                headers: vec![MetaHeader {
                    name: "Content-Disposition".to_owned(),
                    description: Some(
                        "`attachment` with the file name to save the PDF under.".to_owned(),
                    ),
                    required: true,
                    deprecated: false,
                    schema: String::schema_ref(),
                }],
            }],
        }
    }

    fn register(_registry: &mut Registry) {}
}

/// A row of a table that is also written as CSV: the JSON fields and the CSV columns are
/// declared side by side, so the two cannot drift apart.
pub trait CsvRow {
    /// The CSV header, in the order of [`CsvRow::cells`].
    fn header() -> Vec<&'static str>;
    fn cells(&self) -> Vec<String>;
}

/// Answers rows as JSON, or as CSV when the request asks for `text/csv`.
pub fn table<T: CsvRow>(req: &Request, rows: Vec<T>) -> Table<Vec<T>> {
    if wants_csv(req) {
        Table::Csv(to_csv(&T::header(), rows.iter().map(CsvRow::cells)))
    } else {
        Table::Json(rows)
    }
}

/// Writes rows as CSV text (header first). Values that a spreadsheet would run as a formula are
/// prefixed with `'`, so an exported file cannot carry a formula into someone's spreadsheet.
pub fn to_csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(header);
    for row in rows {
        let safe: Vec<String> = row.into_iter().map(defuse_formula).collect();
        let _ = writer.write_record(&safe);
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

fn defuse_formula(value: String) -> String {
    if value.starts_with(['=', '+', '@'])
        || (value.starts_with('-') && value.parse::<f64>().is_err())
    {
        format!("'{value}")
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::to_csv;

    #[test]
    fn csv_quotes_fields_and_defuses_formulas() {
        let text = to_csv(
            &["a", "b"],
            vec![
                vec!["x, y".to_owned(), "=1+1".to_owned()],
                vec!["-3.5".to_owned(), "-x".to_owned()],
            ],
        );
        assert_eq!(text, "a,b\n\"x, y\",'=1+1\n-3.5,'-x\n");
    }
}
