//! Tests of organisation attributes and the organisations CSV.

use super::*;

fn raw() -> RawOrganisation<'static> {
    RawOrganisation {
        code: " rw6 ",
        name: "Bwrdd Iechyd Prifysgol Hywel Dda",
        kind: "Health Board",
        region: "West Wales",
        country: "Wales",
        size_band: "large",
        language: "",
    }
}

#[test]
fn a_language_is_en_cy_or_nothing() {
    let welsh = OrganisationInput::parse(RawOrganisation {
        language: " CY ",
        ..raw()
    })
    .unwrap();
    assert_eq!(welsh.language.as_deref(), Some("cy"));
    assert_eq!(OrganisationInput::parse(raw()).unwrap().language, None);
    let issues = OrganisationInput::parse(RawOrganisation {
        language: "fr",
        ..raw()
    })
    .unwrap_err();
    assert_eq!(issues[0].path, "language");
    let csv = "code,name,kind,region,country,size_band,language\nRW6,T,acute,L,Wales,large,cy\nRW7,U,acute,L,Wales,large,\n";
    let parsed = parse_csv(csv).unwrap();
    assert_eq!(parsed.rows[0].1.language.as_deref(), Some("cy"));
    assert_eq!(parsed.rows[1].1.language, None);
}

#[test]
fn valid_attributes_are_normalised() {
    let org = OrganisationInput::parse(raw()).unwrap();
    assert_eq!(org.code, "RW6");
    assert_eq!(org.kind, "health_board");
    assert_eq!(org.name, "Bwrdd Iechyd Prifysgol Hywel Dda");
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let bad = RawOrganisation {
        code: "R W6!",
        name: " ",
        kind: "9acute",
        ..raw()
    };
    let issues = OrganisationInput::parse(bad).unwrap_err();
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["code", "name", "kind"]);
}

#[test]
fn a_csv_reports_every_bad_row_with_its_line_number() {
    let csv = "code,name,kind,region,country,size_band\n\
               RW6,Good Trust,acute,North West,England,large\n\
               ,No Code Trust,acute,North West,England,large\n\
               RW6,Again,acute,North West,England,small\n\
               XY1,Bad Kind,9x,North West,England,small\n";
    let issues = parse_csv(csv).unwrap_err();
    let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(paths, ["line 3: code", "line 4: code", "line 5: kind"]);
    assert!(issues[1].message.contains("line 2"));
}

#[test]
fn a_csv_with_columns_in_another_order_parses() {
    let csv = "name,code,size_band,kind,country,region\n\"Trust, with comma\",ab1,small,acute,England,London\n";
    let rows = parse_csv(csv).unwrap().rows;
    assert_eq!(rows[0].0, 2);
    assert_eq!(rows[0].1.code, "AB1");
    assert_eq!(rows[0].1.name, "Trust, with comma");
}

#[test]
fn a_csv_without_a_required_column_is_refused() {
    let issues = parse_csv("code,name\nRW6,Trust\n").unwrap_err();
    assert_eq!(
        issues.len(),
        1,
        "one issue for the header, not one per column"
    );
    assert!(issues[0].message.contains("`size_band`"));
    assert!(issues[0].message.contains("lacks `kind`, `region`"));
}

#[test]
fn the_delimiter_is_read_from_the_header() {
    for (delimiter, sep) in [
        (Delimiter::Comma, ","),
        (Delimiter::Semicolon, ";"),
        (Delimiter::Tab, "\t"),
    ] {
        let csv = ["code", "name", "kind", "region", "country", "size_band"].join(sep)
            + "\n"
            + &[
                "rw6",
                "Trust; Comma, and all",
                "acute",
                "London",
                "England",
                "large",
            ]
            .join(sep)
            + "\n";
        let csv = csv.replace("Trust; Comma, and all", "\"Trust; Comma, and all\"");
        let read = parse_csv(&csv).unwrap();
        assert_eq!(read.delimiter, delimiter);
        assert_eq!(read.rows[0].1.name, "Trust; Comma, and all");
    }
}

#[test]
fn an_excel_byte_order_mark_is_not_part_of_the_first_column() {
    let csv = "\u{feff}code;name;kind;region;country;size_band\nRW6;T;acute;L;England;large\n";
    assert_eq!(parse_csv(csv).unwrap().rows[0].1.code, "RW6");
}

#[test]
fn an_unbalanced_quote_is_refused_with_its_line_number() {
    let csv = "code,name,kind,region,country,size_band\n\
               Q1,\"abc,acute,L,E,m\n\
               Q2,abc\",acute,L,E,m\n\
               Q3,Ok,acute,L,E,m\n";
    let issues = parse_csv(csv).unwrap_err();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].path, "line 2");
    assert!(issues[0].message.contains("quote"), "{}", issues[0].message);
    // A quote that is never closed swallows the rest of the file.
    let csv = "code,name,kind,region,country,size_band\nQ1,\"abc,acute,L,E,m\nQ2,abc,acute,L,E,m\n";
    let issues = parse_csv(csv).unwrap_err();
    assert_eq!(issues[0].path, "line 2", "{issues:?}");
}

#[test]
fn names_with_control_characters_are_refused_with_their_line_numbers() {
    for bad in ["a\u{0}b", "a\u{7}b", "a\tb", "a\u{85}b"] {
        let csv = format!(
            "code,name,kind,region,country,size_band\nQ1,Ok,acute,L,E,m\nQ2,\"{bad}\",acute,L,E,m\n"
        );
        let issues = parse_csv(&csv).unwrap_err();
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, ["line 3: name"], "{bad:?}");
    }
    let issues = OrganisationInput::parse(RawOrganisation {
        region: "North\u{0}West",
        ..raw()
    })
    .unwrap_err();
    assert_eq!(issues[0].path, "region");
}
