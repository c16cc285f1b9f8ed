//! A link reaches only its own organisation: a respondent's link writes only its own response,
//! and a share link shows only its own organisation's report (on the fixture of the access
//! matrix).

use crate::access_matrix::fixture;
use crate::helpers::Backend;
use crate::respond_api::put_answers;
use serde_json::json;

async fn a_link_writes_only_its_own_organisations_response(backend: Backend) {
    let (app, creds, _) = fixture(backend).await;
    let before_a = app
        .get(&format!("/api/v1/respond/{}", creds.own_link))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(before_a["organisation"], "A1");
    let own_score = |benchmark: &serde_json::Value| benchmark["overall"]["score"].clone();
    let before_score = own_score(
        &app.admin_get_json("/api/v1/rounds/t1/organisations/A1/benchmark")
            .await,
    );
    assert!(before_score.is_number(), "{before_score}");

    // B1 amends its own submitted response through its link...
    let other = format!("/respond/{}", creds.other_link);
    let changed = put_answers(&app, &other, 2, json!({ "wte": 5, "notes": "B1 changed" })).await;
    assert_eq!(changed.status(), 200);
    let changed: serde_json::Value = changed.json().await.unwrap();
    assert_eq!(changed["organisation"], "B1");
    assert_eq!(changed["answers"]["notes"], "B1 changed");

    // ...and A1's response is exactly as it was, answers, revision and scores alike.
    let after_a = app
        .get(&format!("/api/v1/respond/{}", creds.own_link))
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(after_a, before_a);
    let after_score = own_score(
        &app.admin_get_json("/api/v1/rounds/t1/organisations/A1/benchmark")
            .await,
    );
    assert_eq!(after_score, before_score);

    // A share link for A1 shows A1's report, not B1's, and opens nothing else.
    let page = app.get(&format!("/share/{}", creds.share_link)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("A1 Trust") && !html.contains("B1 Trust"));
    for path in [
        format!("/respond/{}", creds.share_link),
        format!("/api/v1/respond/{}", creds.share_link),
    ] {
        assert_eq!(app.get(&path).await.status(), 404, "{path}");
    }
}

crate::on_both_backends!(a_link_writes_only_its_own_organisations_response);
