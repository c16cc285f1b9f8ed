//! Board reports in Welsh: the PDF (through the API, a share link and the CLI's flag) and the
//! page carry the survey's Welsh texts and the catalogue's, and stay reproducible.

use crate::helpers::respondent::shipped_definition;
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::reports::pdf_text;
use serde_json::{Value, json};
use soundings::domain::definition::{Definition, QuestionKind};
use soundings::domain::language::Language;

/// Every question's most (or least) mature answer, as the JSON API takes them.
fn answers(def: &Definition, best: bool) -> Value {
    let mut out = serde_json::Map::new();
    for q in def.questions() {
        let score = |o: &&soundings::domain::definition::ChoiceOption| o.score.unwrap_or(0.0);
        let pick = |options: &[soundings::domain::definition::ChoiceOption]| {
            let mut sorted: Vec<_> = options.iter().collect();
            sorted.sort_by(|a, b| score(a).total_cmp(&score(b)));
            let chosen = if best { sorted.last() } else { sorted.first() };
            chosen.map(|o| o.value.clone()).unwrap_or_default()
        };
        let value = match &q.kind {
            QuestionKind::SingleChoice { options } => json!(pick(options)),
            QuestionKind::MultiChoice { options, .. } => json!([pick(options)]),
            QuestionKind::Scale { points, .. } => json!(if best { *points } else { 1 }),
            QuestionKind::YesNo { .. } => json!(if best { "yes" } else { "no" }),
            QuestionKind::Integer { .. } => json!(if best { 40 } else { 0 }),
            QuestionKind::Decimal { .. } => json!(if best { 4.0 } else { 0.0 }),
            QuestionKind::Text { .. } => json!("Ysbyty ŵ ŷ"),
        };
        out.insert(q.key.clone(), value);
    }
    Value::Object(out)
}

/// Six acute trusts on the shipped (bilingual) instrument: five answer as maturely as they
/// can, W6 as little, so W6's report has gaps down to the question.
async fn seeded(backend: Backend) -> TestApp {
    let app = spawn_app(backend).await;
    app.publish_shipped_survey().await;
    let codes = ["W1", "W2", "W3", "W4", "W5", "W6"];
    app.create_organisations(&codes).await;
    app.open_round("smm-2026").await;
    let def = shipped_definition();
    for code in codes {
        app.submits("smm-2026", code, answers(&def, code != "W6"))
            .await;
    }
    app
}

async fn pdf(app: &TestApp, path: &str) -> Vec<u8> {
    let resp = app.get_as(&app.admin_key, path).await;
    assert_eq!(resp.status(), 200, "GET {path}");
    resp.bytes().await.unwrap().to_vec()
}

/// The PDF's text with line breaks as spaces, so wrapped phrases can be found.
fn flat(bytes: &[u8]) -> String {
    pdf_text(bytes)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn welsh_prompts(text: &str) -> Vec<String> {
    let welsh = shipped_definition().localized(Language::Cy);
    welsh
        .questions()
        .map(|q| q.prompt.to_string())
        .filter(|p| text.contains(p.as_str()))
        .collect()
}

async fn the_welsh_pdf_carries_the_welsh_title_and_questions_and_is_reproducible(backend: Backend) {
    let app = seeded(backend).await;
    let path = "/api/v1/rounds/smm-2026/organisations/W6/report.pdf?lang=cy";
    let first = pdf(&app, path).await;
    let second = pdf(&app, path).await;
    assert!(first == second, "two renders of the Welsh report differ");
    let text = flat(&first);
    for welsh in [
        "Aeddfedrwydd cyfryngau cymdeithasol y GIG",
        "Adroddiad meincnodi i'r bwrdd",
        "Cryfderau a bylchau",
        "Strategaeth ac arweinyddiaeth",
        "Tudalen 1 o",
        "math acute",
    ] {
        assert!(
            text.contains(welsh),
            "no “{welsh}” in the Welsh PDF: {text}"
        );
    }
    assert!(
        !welsh_prompts(&text).is_empty(),
        "no Welsh question in the PDF: {text}"
    );
    assert!(!text.contains("Strengths and gaps"));

    // The CLI's --lang gives the same bytes as the API's ?lang=.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("w6.pdf");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_soundings"))
        .args([
            "report", "--round", "smm-2026", "--org", "W6", "--lang", "cy", "-o",
        ])
        .arg(&file)
        .env("DATABASE_URL", &app.database.url)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        std::fs::read(&file).unwrap() == first,
        "the CLI's Welsh PDF differs"
    );

    let english = flat(&pdf(&app, "/api/v1/rounds/smm-2026/organisations/W6/report.pdf").await);
    assert!(
        english.contains("Strengths and gaps") && english.contains("NHS social media maturity")
    );
    assert!(
        welsh_prompts(&english).is_empty(),
        "Welsh in the English PDF"
    );
}

async fn the_report_page_and_share_link_take_a_language(backend: Backend) {
    let app = seeded(backend).await;
    let page = app
        .get_as(
            &app.admin_key,
            "/api/v1/rounds/smm-2026/organisations/W6/report?lang=cy",
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"cy\">") && html.contains("Eich sgoriau o"));
    assert!(html.contains("report.pdf?lang=cy"));

    let created = app
        .admin_post(
            "/api/v1/rounds/smm-2026/organisations/W6/shares",
            json!({ "days": 7 }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let share: Value = created.json().await.unwrap();
    let link = share["link"].as_str().unwrap();
    let path = link.strip_prefix(&app.address).unwrap();
    let welsh = app
        .client
        .get(app.url(path))
        .header("accept-language", "cy")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(welsh.contains("<html lang=\"cy\">"));
    let browser = crate::helpers::browser::Browser::start().await;
    browser.goto(&app.url(&format!("{path}?lang=cy"))).await;
    browser
        .assert_accessible("the Welsh report through a share link")
        .await;
    browser.quit().await;
    let pdf = app.get(&format!("{path}/report.pdf?lang=cy")).await;
    assert_eq!(pdf.status(), 200);
    let text = flat(&pdf.bytes().await.unwrap());
    assert!(text.contains("Aeddfedrwydd cyfryngau cymdeithasol y GIG"));
}

async fn the_national_summary_takes_a_language(backend: Backend) {
    let app = seeded(backend).await;
    let path = "/api/v1/rounds/smm-2026/summary-report.pdf?lang=cy";
    let first = pdf(&app, path).await;
    assert!(
        first == pdf(&app, path).await,
        "two renders of the Welsh summary differ"
    );
    let text = flat(&first);
    for welsh in [
        "Crynodeb cenedlaethol: smm-2026",
        "Aeddfedrwydd cyfryngau cymdeithasol y GIG",
        "Strategaeth ac arweinyddiaeth",
        "Sgoriau fesul grŵp",
        "Pob sefydliad",
    ] {
        assert!(
            text.contains(welsh),
            "no “{welsh}” in the Welsh summary: {text}"
        );
    }
    let english = flat(&pdf(&app, "/api/v1/rounds/smm-2026/summary-report.pdf").await);
    assert!(
        english.contains("National summary: smm-2026") && english.contains("All organisations")
    );
    let page = app
        .get_as(
            &app.admin_key,
            "/api/v1/rounds/smm-2026/summary-report?lang=cy",
        )
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<html lang=\"cy\">") && html.contains("summary-report.pdf?lang=cy"));
}

crate::on_both_backends!(
    the_national_summary_takes_a_language,
    the_welsh_pdf_carries_the_welsh_title_and_questions_and_is_reproducible,
    the_report_page_and_share_link_take_a_language,
);
