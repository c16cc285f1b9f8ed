//! Board reports: the PDF and the page agree figure by figure, render Welsh names, are
//! byte-for-byte reproducible, and share links open them until revoked or expired.

use crate::helpers::{Backend, TestApp, spawn_app};
use crate::respond_api::tiny_round_named;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;

const WELSH: &str = "Bwrdd Iechyd Prifysgol Hywel Dda ŵ ŷ";

/// Six acute trusts in one region (overall scores 0, 6.67, 40, 53.33, 86.67, 100), a Welsh
/// health board whose own groups are too small, and five ambulance trusts (too few to be shown
/// apart from the board, whom they shield), all submitted in round t1.
async fn seeded(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.create_organisations(&[
        "A1",
        "A2",
        "A3",
        "A4",
        "A5",
        "A6",
        "E1:ambulance",
        "E2:ambulance",
        "E3:ambulance",
        "E4:ambulance",
        "E5:ambulance",
    ])
    .await;
    let welsh = app
        .admin_post(
            "/api/v1/organisations",
            json!({ "code": "7A2", "name": WELSH, "kind": "health_board", "region": "West Wales", "country": "Wales", "size_band": "large" }),
        )
        .await;
    assert_eq!(welsh.status(), 201);
    tiny_round_named(&app, "t1", 1).await;
    let mut answers = vec![
        ("A1", json!({ "has_plan": "no", "wte": 0 })),
        (
            "A2",
            json!({ "has_plan": "no", "channels": ["a"], "wte": 0 }),
        ),
        (
            "A3",
            json!({ "has_plan": "yes", "plan_stage": "draft", "wte": 0 }),
        ),
        (
            "A4",
            json!({ "has_plan": "yes", "plan_stage": "draft", "channels": ["a", "b"], "wte": 0 }),
        ),
        (
            "A5",
            json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["c"], "wte": 1 }),
        ),
        (
            "A6",
            json!({ "has_plan": "yes", "plan_stage": "approved", "channels": ["a", "c"], "wte": 2 }),
        ),
        (
            "7A2",
            json!({ "has_plan": "yes", "plan_stage": "approved", "wte": 3 }),
        ),
    ];
    for (i, code) in ["E1", "E2", "E3", "E4", "E5"].into_iter().enumerate() {
        answers.push((code, json!({ "has_plan": "no", "wte": i })));
    }
    for (org, given) in answers {
        app.submits("t1", org, given).await;
    }
    app
}

/// The text `pdftotext` extracts; fails (never skips) when poppler-utils is missing.
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext is needed (apt-get install -y poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn pdf_as_admin(app: &TestApp, org: &str) -> Vec<u8> {
    let resp = app
        .get_as(
            &app.admin_key,
            &format!("/api/v1/rounds/t1/organisations/{org}/report.pdf"),
        )
        .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    resp.bytes().await.unwrap().to_vec()
}

async fn the_pdf_and_the_page_show_the_same_figures_and_the_pdf_is_reproducible(backend: Backend) {
    let app = seeded(backend).await;
    let first = pdf_as_admin(&app, "A4").await;
    let second = pdf_as_admin(&app, "A4").await;
    assert!(first.starts_with(b"%PDF"));
    assert!(first == second, "two renders of the same report differ");

    let text = pdf_text(&first);
    let page = app
        .get_as(&app.admin_key, "/api/v1/rounds/t1/organisations/A4/report")
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    // Overall 53.33; percentile 58.33 → 58; quartile 3; peer median 46.67; level Mid; Plan 60.0.
    for (what, figure) in [
        ("organisation", "A4 Trust"),
        ("plan", "Plan"),
        ("team", "Team"),
        ("group", "kind acute"),
        ("level", "Mid"),
        ("score", "53.3"),
        ("percentile", "58"),
        ("median", "46.7"),
        ("plan score", "60.0"),
    ] {
        assert!(
            text.contains(figure),
            "the PDF lacks the {what} ({figure}):\n{text}"
        );
        assert!(
            html.contains(figure),
            "the page lacks the {what} ({figure})"
        );
    }
    assert!(text.contains('6'), "the peer group's n");
    let sha = app.admin_get_json("/api/v1/surveys/tiny/versions/1").await["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        text.replace(['\n', ' '], "").contains(&sha),
        "the PDF lacks the definition hash"
    );
    assert!(html.contains(&sha));

    // Both explain the figures in the same words, from the one model, and the method section
    // says how disclosure control works.
    for words in [
        "lowest and highest scores are never shown",
        "secondary suppression",
    ] {
        let squashed = |s: &str| s.split_whitespace().collect::<String>();
        assert!(
            squashed(&text).contains(&squashed(words)),
            "the PDF lacks '{words}'"
        );
        assert!(html.contains(words), "the page lacks '{words}'");
    }
    let squashed = |s: &str| s.split_whitespace().collect::<String>();
    for words in [
        "Reading the figures",
        "either fewer than 5 organisations lie behind it (primary suppression)",
        "or it could be worked out from other published figures (secondary suppression)",
        "Q1 is the lowest quarter of peers, Q4 the highest.",
    ] {
        assert!(
            squashed(&text).contains(&squashed(words)),
            "the PDF lacks '{words}'"
        );
        assert!(html.contains(words), "the page lacks '{words}'");
    }
}

async fn a_welsh_name_renders_and_a_group_too_small_falls_back_with_a_note(backend: Backend) {
    let app = seeded(backend).await;
    let text = pdf_text(&pdf_as_admin(&app, "7A2").await);
    for word in WELSH.split(' ') {
        assert!(text.contains(word), "the PDF lacks {word}:\n{text}");
    }
    assert!(
        text.contains("all organisations"),
        "the group used is named"
    );
    assert!(
        text.contains("fewer than 5"),
        "the skipped groups are explained"
    );

    // A round with two responses suppresses every peer figure, and says so.
    let small = spawn_app(backend).await;
    small.create_organisations(&["S1", "S2"]).await;
    tiny_round_named(&small, "t1", 1).await;
    for org in ["S1", "S2"] {
        small.submits("t1", org, json!({ "has_plan": "no" })).await;
    }
    let text = pdf_text(&pdf_as_admin(&small, "S1").await);
    assert!(
        text.to_lowercase().contains("suppressed"),
        "no suppression note:\n{text}"
    );
}

async fn share_links_open_the_report_until_revoked_or_expired(backend: Backend) {
    let app = seeded(backend).await;
    let refused = app
        .send(
            Method::POST,
            Some(&app.researcher_key),
            "/api/v1/rounds/t1/organisations/A4/shares",
            Some(json!({})),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let created = app
        .admin_post(
            "/api/v1/rounds/t1/organisations/A4/shares",
            json!({ "days": 7 }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let share: serde_json::Value = created.json().await.unwrap();
    let link = share["link"].as_str().unwrap().to_owned();
    let path = link.strip_prefix(&app.address).unwrap().to_owned();

    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("A4 Trust"));
    let pdf = app.get(&format!("{path}/report.pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");

    let listed = app.admin_get_json("/api/v1/rounds/t1/shares").await;
    assert_eq!(listed[0]["status"], "active");
    assert!(listed[0]["link"].is_null(), "a link is shown only once");

    let id = share["id"].as_i64().unwrap();
    assert_eq!(
        app.admin_post(&format!("/api/v1/shares/{id}/revoke"), json!({}))
            .await
            .status(),
        200
    );
    let revoked = app.get(&path).await;
    assert_eq!(revoked.status(), 404);
    assert!(revoked.text().await.unwrap().contains("does not work"));
    assert_eq!(app.get(&format!("{path}/report.pdf")).await.status(), 404);

    let again: serde_json::Value = app
        .admin_post("/api/v1/rounds/t1/organisations/A4/shares", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let model = entity::report_share::Entity::find_by_id(again["id"].as_i64().unwrap() as i32)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut expired: entity::report_share::ActiveModel = model.into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::hours(1));
    expired.update(&app.db).await.unwrap();
    let path = again["link"]
        .as_str()
        .unwrap()
        .strip_prefix(&app.address)
        .unwrap()
        .to_owned();
    let gone = app.get(&path).await;
    assert_eq!(gone.status(), 410);
    assert!(gone.text().await.unwrap().contains("expired"));
    assert_eq!(
        app.get("/share/0123456789abcdef0123456789abcdef01234567")
            .await
            .status(),
        404
    );
}

async fn the_cli_writes_one_report_and_a_whole_round(backend: Backend) {
    let app = seeded(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("a4.pdf");
    let exe = env!("CARGO_BIN_EXE_soundings");
    let status = std::process::Command::new(exe)
        .args(["report", "--round", "t1", "--org", "A4", "-o"])
        .arg(&one)
        .env("DATABASE_URL", &app.database.url)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&one).unwrap();
    assert!(
        bytes == pdf_as_admin(&app, "A4").await,
        "the CLI and the API give different PDFs"
    );

    let out = dir.path().join("all");
    let run = std::process::Command::new(exe)
        .args(["reports", "--round", "t1", "--out"])
        .arg(&out)
        .env("DATABASE_URL", &app.database.url)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary = String::from_utf8_lossy(&run.stdout);
    assert!(summary.contains("Wrote 12 reports"), "{summary}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 12);

    let missing = std::process::Command::new(exe)
        .args(["report", "--round", "nope", "--org", "A4"])
        .env("DATABASE_URL", &app.database.url)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("there is no round `nope`"));
}

async fn the_national_summary_shows_each_kind_and_suppresses_small_groups(backend: Backend) {
    let app = seeded(backend).await;
    let resp = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/summary-report")
        .await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("12 of 12 invited organisations submitted"),
        "{html}"
    );
    assert!(html.contains("All organisations") && html.contains("Acute"));
    // One health board is below k: its row says suppressed and shows no figures.
    let board_row = html
        .split("Health board")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        board_row.contains("suppressed") && !board_row.contains("<strong>"),
        "{board_row}"
    );
    assert_eq!(
        app.get("/api/v1/rounds/t1/summary-report").await.status(),
        401
    );

    // The PDF holds the same groups, the small one suppressed.
    assert!(html.contains("href=\"summary-report.pdf\""), "{html}");
    let pdf = app
        .get_as(&app.researcher_key, "/api/v1/rounds/t1/summary-report.pdf")
        .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdf_text(&pdf.bytes().await.unwrap());
    assert!(
        text.contains("Acute") && text.contains("suppressed"),
        "{text}"
    );
    assert_eq!(
        app.get("/api/v1/rounds/t1/summary-report.pdf")
            .await
            .status(),
        401
    );
}

crate::on_both_backends!(
    the_pdf_and_the_page_show_the_same_figures_and_the_pdf_is_reproducible,
    a_welsh_name_renders_and_a_group_too_small_falls_back_with_a_note,
    share_links_open_the_report_until_revoked_or_expired,
    the_cli_writes_one_report_and_a_whole_round,
    the_national_summary_shows_each_kind_and_suppresses_small_groups,
);
