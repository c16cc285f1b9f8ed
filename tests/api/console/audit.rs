//! The audit trail in the console, filtered by actor, action and time.

use super::{console_get, sign_in};
use crate::helpers::{Backend, spawn_app};

async fn the_audit_trail_filters_by_actor_action_and_day(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_organisations(&["A1"]).await;
    let _researcher = sign_in(&app, &app.researcher_key).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let get = |query: String| {
        let cookie = admin.cookie.clone();
        let app = &app;
        async move {
            let resp = console_get(app, &cookie, &format!("/admin/audit{query}")).await;
            (resp.status().as_u16(), resp.text().await.unwrap())
        }
    };
    let (status, all) = get(String::new()).await;
    assert_eq!(status, 200);
    assert!(
        all.contains("organisation.create") && all.contains("console.sign_in"),
        "{all}"
    );

    let researcher: String = app.researcher_key.chars().take(12).collect();
    let (_, theirs) = get(format!("?actor=key:{researcher}")).await;
    assert!(theirs.contains("console.sign_in"), "{theirs}");
    assert!(
        !theirs.contains("organisation.create"),
        "only that actor: {theirs}"
    );
    assert!(theirs.contains("1 event(s)"), "{theirs}");

    let (_, creates) = get("?action=organisation.create".into()).await;
    assert!(creates.contains("organisation.create") && !creates.contains("console.sign_in"));

    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let (_, from_today) = get(format!("?from={today}&to={today}")).await;
    assert!(from_today.contains("console.sign_in"), "{from_today}");
    let (_, later) = get(format!("?from={tomorrow}")).await;
    assert!(later.contains("No event matches"), "{later}");

    let (status, bad) = get("?from=yesterday".into()).await;
    assert_eq!(status, 422);
    assert!(
        bad.contains("There is a problem") && bad.contains("href=\"#audit-from\""),
        "{bad}"
    );
}

crate::on_both_backends!(the_audit_trail_filters_by_actor_action_and_day);
