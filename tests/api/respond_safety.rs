//! What respondent pages refuse and how they show text: links that lead nowhere, a closed round,
//! forms without a valid CSRF token or from another site, and free text shown escaped.

use crate::helpers::Backend;
use crate::helpers::respondent::TRICKY_TEXT;
use crate::helpers::respondent::fields;
use crate::respond_pages::{invited, stored_answers};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

async fn unknown_and_revoked_links_get_the_same_404_page(backend: Backend) {
    let (app, link) = invited(backend).await;
    let unknown = app
        .get("/respond/0123456789abcdef0123456789abcdef01234567")
        .await;
    assert_eq!(unknown.status(), 404);
    let unknown_html = unknown.text().await.unwrap();
    let garbage = app.get("/respond/not-even-hex").await;
    assert_eq!(garbage.status(), 404);

    app.admin_post("/api/v1/rounds/smm-2026/invitations/RW6/revoke", json!({}))
        .await;
    let revoked = app.get(&link).await;
    assert_eq!(revoked.status(), 404);
    assert_eq!(
        strip_ids(&revoked.text().await.unwrap()),
        strip_ids(&unknown_html),
        "a revoked link must look unknown"
    );
}

/// Pages differ only by nothing; kept as a function in case a request id ever enters the body.
fn strip_ids(html: &str) -> String {
    html.to_owned()
}

async fn a_closed_round_shows_a_clear_page_and_accepts_nothing(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let form = app.form(&path).await;
    app.admin_post("/api/v1/rounds/smm-2026/close", json!({}))
        .await;
    let page = app.get(&link).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("not open"));
    let save = app
        .post_form(
            &path,
            &fields(&form, "later", &[("strategy_status", vec!["board".into()])]),
        )
        .await;
    assert_eq!(save.status(), 410);
    assert!(
        entity::response::Entity::find()
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

async fn forms_without_a_valid_csrf_token_or_from_another_site_are_refused(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/strategy");
    let form = app.form(&path).await;
    let answers = [("strategy_status", vec!["board".to_owned()])];
    let mut no_token = fields(&form, "later", &answers);
    no_token.retain(|(k, _)| k != "csrf");
    assert_eq!(app.post_form(&path, &no_token).await.status(), 403);
    let mut wrong = fields(&form, "later", &answers);
    wrong[0].1 = "0".repeat(64);
    assert_eq!(app.post_form(&path, &wrong).await.status(), 403);
    // Another organisation's token does not work here either.
    let other = app.invite("smm-2026", "RX1").await;
    let other_form = app.form(&format!("{other}/sections/strategy")).await;
    let mut borrowed = fields(&form, "later", &answers);
    borrowed[0].1 = other_form.csrf;
    assert_eq!(app.post_form(&path, &borrowed).await.status(), 403);
    let cross_site = app
        .client
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body(format!(
            "csrf={}&revision=0&a.strategy_status=board",
            form.csrf
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert!(
        entity::response::Entity::find()
            .filter(entity::response::Column::Status.is_not_null())
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

async fn free_text_round_trips_exactly_and_is_shown_escaped(backend: Backend) {
    let (app, link) = invited(backend).await;
    let path = format!("{link}/sections/about_you");
    let form = app.form(&path).await;
    let resp = app
        .post_form(
            &path,
            &fields(&form, "later", &[("comments", vec![TRICKY_TEXT.into()])]),
        )
        .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        stored_answers(&app)
            .await
            .get("comments")
            .and_then(|v| v.as_text()),
        Some(TRICKY_TEXT)
    );
    for page in [path.clone(), format!("{link}/review")] {
        let html = app.get(&page).await.text().await.unwrap();
        assert!(
            !html.contains("<script>alert(1)</script>"),
            "{page} shows the text unescaped"
        );
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
                || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{page}"
        );
        assert!(
            html.contains("Ysbyty Gwynedd — ŵ ŷ"),
            "{page} mangles Welsh text"
        );
    }
}

crate::on_both_backends!(
    unknown_and_revoked_links_get_the_same_404_page,
    a_closed_round_shows_a_clear_page_and_accepts_nothing,
    forms_without_a_valid_csrf_token_or_from_another_site_are_refused,
    free_text_round_trips_exactly_and_is_shown_escaped,
);
