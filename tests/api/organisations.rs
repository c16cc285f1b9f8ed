use crate::helpers::{Backend, error_paths, problem, spawn_app};
use reqwest::Method;
use serde_json::json;

async fn an_admin_creates_gets_updates_and_lists_organisations(backend: Backend) {
    let app = spawn_app(backend).await;
    let resp = app
        .admin_post(
            "/api/v1/organisations",
            json!({ "code": "7a1", "name": "Bwrdd Iechyd Prifysgol Hywel Dda", "kind": "Health Board",
                    "region": "West Wales", "country": "Wales", "size_band": "large" }),
        )
        .await;
    assert_eq!(resp.status(), 201);
    let created: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(created["code"], "7A1");
    assert_eq!(created["kind"], "health_board");

    let got = app.admin_get_json("/api/v1/organisations/7A1").await;
    assert_eq!(got["name"], "Bwrdd Iechyd Prifysgol Hywel Dda");

    let patched = app
        .send(
            Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/organisations/7A1",
            Some(json!({ "size_band": "medium" })),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let patched: serde_json::Value = patched.json().await.unwrap();
    assert_eq!(patched["size_band"], "medium");
    assert_eq!(patched["name"], "Bwrdd Iechyd Prifysgol Hywel Dda");

    app.create_organisations(&["RW1", "RW2", "RW3:mental_health"])
        .await;
    let page = app
        .admin_get_json("/api/v1/organisations?kind=acute&per_page=1&page=2")
        .await;
    assert_eq!(page["total"], 2);
    assert_eq!(page["per_page"], 1);
    assert_eq!(page["items"][0]["code"], "RW2");
    let wales = app
        .admin_get_json("/api/v1/organisations?country=Wales")
        .await;
    assert_eq!(wales["total"], 1);
    let too_many = app
        .get_as(&app.admin_key, "/api/v1/organisations?per_page=501")
        .await;
    assert_eq!(too_many.status(), 400);
    assert_eq!(
        problem(too_many).await["type"],
        "/problems/malformed-request"
    );

    let missing = app
        .get_as(&app.admin_key, "/api/v1/organisations/NOPE")
        .await;
    assert_eq!(missing.status(), 404);
}

async fn invalid_or_duplicate_organisations_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["RW6"]).await;
    let dup = app
        .admin_post(
            "/api/v1/organisations",
            json!({ "code": "rw6", "name": "Again", "kind": "acute", "region": "r", "country": "England", "size_band": "small" }),
        )
        .await;
    assert_eq!(dup.status(), 409);
    assert!(
        problem(dup).await["detail"]
            .as_str()
            .unwrap()
            .contains("RW6")
    );

    let bad = app
        .admin_post(
            "/api/v1/organisations",
            json!({ "code": "no spaces!", "name": " ", "kind": "acute", "region": "r", "country": "", "size_band": "small" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    let paths = error_paths(&body);
    assert_eq!(paths, ["code", "name", "country"]);
}

async fn a_csv_import_is_all_or_nothing_and_names_every_bad_line(backend: Backend) {
    let app = spawn_app(backend).await;
    let good = "code,name,kind,region,country,size_band\n\
                AA1,Alpha Trust,acute,London,England,large\n\
                AA2,\"Beta, Gamma Trust\",community,London,England,small\n";
    let resp = app
        .admin_text(
            Method::POST,
            "/api/v1/organisations/import",
            "text/csv",
            good,
        )
        .await;
    assert_eq!(resp.status(), 200);
    let summary: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(summary["created"], 2);
    assert_eq!(summary["delimiter"], "comma");

    let bad = "code,name,kind,region,country,size_band\n\
               BB1,Fine Trust,acute,London,England,large\n\
               ,Missing Code,acute,London,England,large\n\
               BB3,Bad Kind,!!,London,England,large\n\
               BB1,Repeat,acute,London,England,large\n";
    let resp = app
        .admin_text(
            Method::POST,
            "/api/v1/organisations/import",
            "text/csv; charset=utf-8",
            bad,
        )
        .await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    let paths = error_paths(&body);
    assert_eq!(paths, ["line 3: code", "line 4: kind", "line 5: code"]);

    // A file whose rows are fine but whose codes already exist is refused whole too.
    let clash = "code,name,kind,region,country,size_band\n\
                 CC1,New Trust,acute,London,England,large\n\
                 AA1,Alpha Again,acute,London,England,large\n";
    let resp = app
        .admin_text(
            Method::POST,
            "/api/v1/organisations/import",
            "text/csv",
            clash,
        )
        .await;
    assert_eq!(resp.status(), 422);
    assert_eq!(problem(resp).await["errors"][0]["path"], "line 3: code");

    let all = app.admin_get_json("/api/v1/organisations").await;
    assert_eq!(all["total"], 2, "a refused import changed the database");
    let wrong_type = app
        .admin_text(
            Method::POST,
            "/api/v1/organisations/import",
            "application/json",
            "{}",
        )
        .await;
    assert_eq!(wrong_type.status(), 415);
}

pub async fn import(app: &crate::helpers::TestApp, csv: &str) -> reqwest::Response {
    app.admin_text(
        Method::POST,
        "/api/v1/organisations/import",
        "text/csv",
        csv,
    )
    .await
}

async fn a_csv_saved_with_commas_semicolons_or_tabs_is_imported_and_the_answer_names_the_separator(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    // What Excel writes in a French or German locale: semicolons, a byte-order mark, CRLF.
    let files = [
        ("comma", "code,name,kind,region,country,size_band\nCM1,\"Comma, Trust\",acute,London,England,large\n".to_owned()),
        ("semicolon", "\u{feff}code;name;kind;region;country;size_band\r\nSC1;Semi; Colon Trust;acute;London;England;large\r\n".replace("Semi; Colon Trust", "\"Semi; Colon Trust\"")),
        ("tab", "code\tname\tkind\tregion\tcountry\tsize_band\nTB1\tTab, Trust\tacute\tLondon\tEngland\tlarge\n".to_owned()),
    ];
    for (delimiter, csv) in &files {
        let resp = import(&app, csv).await;
        assert_eq!(
            resp.status(),
            200,
            "{delimiter}: {}",
            resp.text().await.unwrap()
        );
        let summary: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(summary["created"], 1);
        assert_eq!(summary["delimiter"], *delimiter);
    }
    for (code, name) in [
        ("CM1", "Comma, Trust"),
        ("SC1", "Semi; Colon Trust"),
        ("TB1", "Tab, Trust"),
    ] {
        let org = app
            .admin_get_json(&format!("/api/v1/organisations/{code}"))
            .await;
        assert_eq!(org["name"], name);
        assert_eq!(
            org["size_band"], "large",
            "the last column of {code} was read whole"
        );
    }
}

async fn a_csv_whose_header_fits_no_separator_gets_one_problem_naming_the_columns(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let resp = import(
        &app,
        "code|name|kind|region|country|size_band\nAA1|A|acute|L|England|large\n",
    )
    .await;
    assert_eq!(resp.status(), 422);
    let body = problem(resp).await;
    assert_eq!(body["type"], "/problems/validation-failed");
    assert_eq!(
        error_paths(&body),
        ["line 1"],
        "one problem, not one per column"
    );
    let message = body["errors"][0]["message"].as_str().unwrap();
    for column in [
        "`code`",
        "`name`",
        "`kind`",
        "`region`",
        "`country`",
        "`size_band`",
    ] {
        assert!(message.contains(column), "{message} names {column}");
    }
    assert!(message.contains("commas, semicolons or tabs"), "{message}");
    let all = app.admin_get_json("/api/v1/organisations").await;
    assert_eq!(all["total"], 0);
}

/// Imports of one file sent at the same moment: the codes are checked and written in one write
/// transaction, so one import creates them and every other is refused whole, as codes that exist
/// (422) or, when two found them free at once, as the unique index's conflict (409): never a
/// 500, never a row twice.
async fn imports_of_the_same_codes_at_once_create_them_once_and_refuse_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let csv = "code,name,kind,region,country,size_band\n\
               DD1,Delta Trust,acute,London,England,large\n\
               DD2,Echo Trust,community,London,England,small\n\
               DD3,Foxtrot Trust,acute,London,England,medium\n";
    let outcomes = futures_util::future::join_all((0..8).map(|_| async {
        let resp = import(&app, csv).await;
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.json().await.unwrap();
        (status, body)
    }))
    .await;
    let created: Vec<_> = outcomes.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(created.len(), 1, "{outcomes:?}");
    assert_eq!(created[0].1["created"], 3);
    for (status, body) in &outcomes {
        assert!([200, 409, 422].contains(status), "{status}: {body}");
    }
    let all = app.admin_get_json("/api/v1/organisations").await;
    assert_eq!(all["total"], 3);
}

crate::on_both_backends!(
    an_admin_creates_gets_updates_and_lists_organisations,
    imports_of_the_same_codes_at_once_create_them_once_and_refuse_the_rest,
    invalid_or_duplicate_organisations_are_refused,
    a_csv_import_is_all_or_nothing_and_names_every_bad_line,
    a_csv_saved_with_commas_semicolons_or_tabs_is_imported_and_the_answer_names_the_separator,
    a_csv_whose_header_fits_no_separator_gets_one_problem_naming_the_columns,
);
