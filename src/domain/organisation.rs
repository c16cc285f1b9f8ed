//! Organisations and the attributes that define peer groups, parsed at the boundary.

use super::validation::{FieldIssue, Issues};

/// The attributes of an organisation, validated. Codes are upper-cased (ODS codes such as `RW6`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganisationInput {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    pub country: String,
    pub size_band: String,
    /// The language its e-mails are written in (`en` or `cy`); `None` when not chosen.
    pub language: Option<String>,
}

/// The raw text of an organisation's attributes, as read from JSON or a CSV row.
#[derive(Clone, Debug, Default)]
pub struct RawOrganisation<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub region: &'a str,
    pub country: &'a str,
    pub size_band: &'a str,
    /// `en`, `cy`, or empty for "not chosen".
    pub language: &'a str,
}

impl OrganisationInput {
    /// Checks every field and reports every problem, each under its field name.
    pub fn parse(raw: RawOrganisation<'_>) -> Result<Self, Vec<FieldIssue>> {
        let mut issues = Issues::default();
        let code = parse_code(raw.code)
            .map_err(|m| issues.add("code", m))
            .unwrap_or_default();
        let name = issues.text("name", raw.name, 300);
        let kind = parse_key(raw.kind)
            .map_err(|m| issues.add("kind", m))
            .unwrap_or_default();
        let region = issues.text("region", raw.region, 100);
        let country = issues.text("country", raw.country, 64);
        let size_band = parse_key(raw.size_band)
            .map_err(|m| issues.add("size_band", m))
            .unwrap_or_default();
        let language = match raw.language.trim().to_ascii_lowercase().as_str() {
            "" => None,
            code => match crate::domain::language::Language::parse(code) {
                Some(language) if language.code() == code => Some(code.to_owned()),
                _ => {
                    issues.add("language", "use en or cy, or leave it empty".to_owned());
                    None
                }
            },
        };
        issues.finish(OrganisationInput {
            code,
            name,
            kind,
            region,
            country,
            size_band,
            language,
        })
    }
}

/// An organisation code: 1 to 32 letters, digits or hyphens; stored upper-case.
pub fn parse_code(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err("is required".to_owned());
    }
    if code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(
            "must be 1 to 32 letters, digits or hyphens (e.g. an ODS code such as RW6)".to_owned(),
        );
    }
    Ok(code)
}

/// A lower-case key such as `acute` or `mental_health`: peer groups match on these exactly, so
/// they are normalised (trimmed, lower-cased, spaces to underscores) rather than free text.
pub fn parse_key(raw: &str) -> Result<String, String> {
    let key = raw.trim().to_lowercase().replace([' ', '-'], "_");
    if key.is_empty() {
        return Err("is required".to_owned());
    }
    let valid = key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(key)
    } else {
        Err("must be a short key of letters, digits and underscores, starting with a letter (e.g. mental_health)".to_owned())
    }
}

/// Most rows one CSV import may hold; larger lists are split by the operator.
pub const MAX_CSV_ROWS: usize = 20_000;

/// The columns an organisations CSV must have, in any order.
pub const CSV_COLUMNS: [&str; 6] = ["code", "name", "kind", "region", "country", "size_band"];

/// The separator a CSV was saved with. Spreadsheets in locales whose decimal separator is the
/// comma (Excel in much of Europe) save with `;`, and some exports use tabs, so all three are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    /// In the order tried; the first whose header names every column wins.
    pub const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    /// The name the API and the CLI report: `comma`, `semicolon` or `tab`.
    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "comma",
            Delimiter::Semicolon => "semicolon",
            Delimiter::Tab => "tab",
        }
    }
}

/// An organisations CSV as read: the separator its header used, and each row with its line number.
#[derive(Debug)]
pub struct OrganisationsCsv {
    pub delimiter: Delimiter,
    pub rows: Vec<(usize, OrganisationInput)>,
}

/// Where each of [`CSV_COLUMNS`] is in a header split by `delimiter`; `Err` lists those missing.
fn locate_columns(
    header_line: &str,
    delimiter: Delimiter,
) -> Result<[usize; 6], Vec<&'static str>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .delimiter(delimiter.byte())
        .from_reader(header_line.as_bytes());
    let header = reader
        .records()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default();
    let mut columns = [0usize; 6];
    let mut missing = Vec::new();
    for (slot, wanted) in columns.iter_mut().zip(CSV_COLUMNS) {
        match header.iter().position(|h| h.eq_ignore_ascii_case(wanted)) {
            Some(i) => *slot = i,
            None => missing.push(wanted),
        }
    }
    if missing.is_empty() {
        Ok(columns)
    } else {
        Err(missing)
    }
}

/// Reads the header with each [`Delimiter`] in turn and takes the first that names every column.
/// When none does, one issue names the expected columns and what the closest reading lacked,
/// rather than one issue per column of a file that was merely split on the wrong character.
fn detect_header(text: &str) -> Result<(Delimiter, [usize; 6]), FieldIssue> {
    let header_line = text.lines().next().unwrap_or("");
    let mut closest: Option<(Delimiter, Vec<&str>)> = None;
    for delimiter in Delimiter::ALL {
        match locate_columns(header_line, delimiter) {
            Ok(columns) => return Ok((delimiter, columns)),
            Err(missing) => {
                if closest
                    .as_ref()
                    .is_none_or(|(_, m)| missing.len() < m.len())
                {
                    closest = Some((delimiter, missing));
                }
            }
        }
    }
    let quoted = |names: &[&str]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (delimiter, missing) = closest.unwrap_or((Delimiter::Comma, CSV_COLUMNS.to_vec()));
    Err(FieldIssue::new(
        "line 1",
        format!(
            "the header row must name the columns {} (in any order), separated by commas, \
             semicolons or tabs; read as {}-separated it lacks {}",
            quoted(&CSV_COLUMNS),
            delimiter.name(),
            quoted(&missing),
        ),
    ))
}

/// Parses an organisations CSV (header row, then one organisation per row), separated by commas,
/// semicolons or tabs as its header shows. Every bad row is reported with its line number
/// (`line 7: code`), as are codes repeated within the file.
pub fn parse_csv(text: &str) -> Result<OrganisationsCsv, Vec<FieldIssue>> {
    // Excel puts a byte-order mark before the header of a UTF-8 file.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (delimiter, columns) = detect_header(text).map_err(|issue| vec![issue])?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .delimiter(delimiter.byte())
        .from_reader(text.as_bytes());
    let mut issues = Issues::default();
    if let Err(err) = reader.headers() {
        return Err(vec![FieldIssue::new(
            "line 1",
            format!("cannot read the header row: {err}"),
        )]);
    }
    // An optional `language` column (en, cy or empty) sets the organisation's e-mail language.
    let language_column = reader.headers().ok().and_then(|h| {
        h.iter()
            .position(|name| name.trim().eq_ignore_ascii_case("language"))
    });
    let mut rows = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(index + 2, |p| p.line() as usize);
        if index >= MAX_CSV_ROWS {
            issues.add(
                format!("line {line}"),
                format!("a file may hold at most {MAX_CSV_ROWS} organisations"),
            );
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(err) => {
                issues.add(
                    format!("line {line}"),
                    format!("cannot read this row: {err}"),
                );
                continue;
            }
        };
        // A quote left open runs its value on over the next lines, merging rows into one
        // organisation's name; no column may hold a line break, so such a row is refused.
        if record.iter().any(|value| value.contains(['\n', '\r'])) {
            issues.add(
                format!("line {line}"),
                "a quoted value runs on to the next line: check that every \" on this line is closed",
            );
            continue;
        }
        let field = |i: usize| record.get(columns[i]).unwrap_or("");
        let raw = RawOrganisation {
            code: field(0),
            name: field(1),
            kind: field(2),
            region: field(3),
            country: field(4),
            size_band: field(5),
            language: language_column.and_then(|i| record.get(i)).unwrap_or(""),
        };
        match OrganisationInput::parse(raw) {
            Ok(org) => {
                if let Some(first) = seen.insert(org.code.clone(), line) {
                    issues.add(
                        format!("line {line}: code"),
                        format!("{} is already on line {first}", org.code),
                    );
                }
                rows.push((line, org));
            }
            Err(errs) => {
                for e in errs {
                    issues.add(format!("line {line}: {}", e.path), e.message);
                }
            }
        }
    }
    if rows.is_empty() && issues.is_empty() {
        issues.add("line 2", "the file has no organisations");
    }
    issues
        .finish(rows)
        .map(|rows| OrganisationsCsv { delimiter, rows })
}

#[cfg(test)]
mod tests;
