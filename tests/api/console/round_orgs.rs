//! A round's organisations in the console: statuses, and invite, reissue, revoke and remind on
//! the organisations ticked, each through the service the API calls.

use super::{Session, console_get, console_post, sign_in};
use crate::helpers::{Backend, TestApp, spawn_app};
use crate::respond_api::tiny_round_named;

async fn dashboard(app: &TestApp, admin: &Session, query: &str) -> String {
    console_get(app, &admin.cookie, &format!("/admin/rounds/t1{query}"))
        .await
        .text()
        .await
        .unwrap()
}

async fn act(app: &TestApp, admin: &Session, action: &str, orgs: &[&str]) -> (u16, String) {
    let mut fields = vec![("action", action)];
    fields.extend(orgs.iter().map(|o| ("org", *o)));
    let resp = console_post(
        app,
        &admin.cookie,
        "/admin/rounds/t1/organisations",
        Some(&admin.csrf),
        &fields,
    )
    .await;
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn ticked_organisations_are_invited_by_mail_and_their_status_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    app.create_organisations(&["A1", "A2", "A3"]).await;
    app.add_contact("A1", "comms@a1.example.org", Some("Ana"))
        .await;
    app.add_contact("A2", "comms@a2.example.org", None).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let before = dashboard(&app, &admin, "?status=not_invited").await;
    assert!(
        before.contains("A1 Trust") && before.contains("A3 Trust"),
        "{before}"
    );

    let (status, page) = act(&app, &admin, "invite", &["A1", "A3"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Invited by e-mail: A1."), "{page}");
    assert!(page.contains("no contact to mail (add one): A3."), "{page}");
    let invited = dashboard(&app, &admin, "?status=invited").await;
    assert!(
        invited.contains("A1 Trust") && !invited.contains("A2 Trust"),
        "{invited}"
    );
    let queued = app.deliveries("t1").await;
    assert_eq!(
        queued.len(),
        1,
        "one message to A1's one contact: {queued:?}"
    );

    let (status, page) = act(&app, &admin, "invite", &[]).await;
    assert_eq!(status, 422, "nothing ticked: {page}");
}

async fn a_reissued_link_is_shown_once_and_works_and_a_revoked_one_stops(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    app.create_organisations(&["A1", "A2"]).await;
    let old_a1 = app.invite("t1", "A1").await;
    let a2 = app.invite("t1", "A2").await;
    let admin = sign_in(&app, &app.admin_key).await;

    let (status, page) = act(&app, &admin, "reissue", &["A1"]).await;
    assert_eq!(status, 200, "{page}");
    // minijinja escapes `/` in text.
    let page = page.replace("&#x2f;", "/");
    assert!(page.contains("shown once"), "{page}");
    let start = page.find("/respond/").unwrap();
    let end = start + page[start..].find('<').unwrap();
    let new_a1 = &page[start..end];
    assert_eq!(app.get(new_a1).await.status(), 200, "the new link works");
    assert_eq!(app.get(&old_a1).await.status(), 404, "the old one does not");

    let (status, page) = act(&app, &admin, "revoke", &["A2"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("A2: its link no longer works."), "{page}");
    assert_eq!(app.get(&a2).await.status(), 404);
    assert!(
        dashboard(&app, &admin, "?status=revoked")
            .await
            .contains("A2 Trust")
    );
    let trail = app
        .get_as(&app.admin_key, "/api/v1/audit-events")
        .await
        .text()
        .await
        .unwrap();
    assert!(trail.contains("invitation.reissue") && trail.contains("invitation.revoke"));
    assert!(
        !trail.contains(new_a1.trim_start_matches("/respond/")),
        "no link in the trail"
    );
}

async fn reminders_go_to_the_non_submitters_of_an_open_round(backend: Backend) {
    let app = spawn_app(backend).await;
    tiny_round_named(&app, "t1", 1).await;
    app.create_organisations(&["A1", "A2"]).await;
    app.add_contact("A1", "comms@a1.example.org", None).await;
    app.add_contact("A2", "comms@a2.example.org", None).await;
    let admin = sign_in(&app, &app.admin_key).await;
    let (status, _) = act(&app, &admin, "invite", &["A1", "A2"]).await;
    assert_eq!(status, 200);
    // The organisations ticked only.
    let (status, page) = act(&app, &admin, "remind", &["A2"]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Reminded: A2."), "{page}");
    let reminders: Vec<_> = app
        .deliveries("t1")
        .await
        .into_iter()
        .filter(|d| d["kind"] == "reminder")
        .collect();
    assert_eq!(reminders.len(), 1, "{reminders:?}");
    assert_eq!(reminders[0]["organisation"], "A2");
    // Everyone the audience names.
    let resp = console_post(
        &app,
        &admin.cookie,
        "/admin/rounds/t1/remind",
        Some(&admin.csrf),
        &[("audience", "not_started")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    assert!(page.contains("2 organisation(s) reminded"), "{page}");
}

crate::on_both_backends!(
    ticked_organisations_are_invited_by_mail_and_their_status_follows,
    a_reissued_link_is_shown_once_and_works_and_a_revoked_one_stops,
    reminders_go_to_the_non_submitters_of_an_open_round,
);
