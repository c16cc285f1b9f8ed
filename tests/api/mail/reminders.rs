use super::{app_sending_to, path_of};
use crate::helpers::Backend;
use crate::helpers::smtp::{Behaviour, SmtpServer};
use crate::respond_api::{put_answers, tiny_round};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

async fn reminders_go_only_to_organisations_that_have_not_submitted(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    tiny_round(&app).await;
    app.create_organisations(&["DONE", "DRAFT", "IDLE"]).await;
    for code in ["DONE", "DRAFT", "IDLE"] {
        app.add_contact(
            code,
            &format!("{}@trust.example", code.to_lowercase()),
            None,
        )
        .await;
    }
    app.admin_post("/api/v1/rounds/t1/invitations/send", json!({}))
        .await;
    let mail = smtp.wait_for(3, Duration::from_secs(30)).await;
    let link_of = |who: &str| {
        path_of(
            &mail
                .iter()
                .find(|m| m.to.contains(&format!("{who}@")))
                .unwrap()
                .link(),
        )
    };

    // DONE submits, DRAFT saves, IDLE does nothing, all through the mailed links.
    let done = link_of("done");
    assert_eq!(
        put_answers(&app, &done, 0, json!({ "has_plan": "no" }))
            .await
            .status(),
        200
    );
    let submitted = app
        .send(
            Method::POST,
            None,
            &format!("/api/v1{done}/submit"),
            Some(json!({ "revision": 1 })),
        )
        .await;
    assert_eq!(
        submitted.status(),
        200,
        "{}",
        submitted.text().await.unwrap()
    );
    let draft = link_of("draft");
    assert_eq!(
        put_answers(&app, &draft, 0, json!({ "wte": 1 }))
            .await
            .status(),
        200
    );

    let reminded: serde_json::Value = app
        .admin_post("/api/v1/rounds/t1/reminders", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        reminded["reminded"],
        json!([{ "organisation": "DRAFT", "reminder": 1 }, { "organisation": "IDLE", "reminder": 1 }])
    );
    let mail = smtp.wait_for(5, Duration::from_secs(30)).await;
    let reminders: Vec<_> = mail
        .iter()
        .filter(|m| m.subject.starts_with("Reminder"))
        .collect();
    assert_eq!(reminders.len(), 2);
    assert!(reminders.iter().all(|m| !m.to.contains("done@")));
    let to_draft = reminders.iter().find(|m| m.to.contains("draft@")).unwrap();
    assert_eq!(
        path_of(&to_draft.link()),
        draft,
        "a reminder carries the same link"
    );
    assert!(to_draft.text.contains("has started"), "{}", to_draft.text);

    // Only those with a draft: DRAFT's second reminder.
    let second: serde_json::Value = app
        .admin_post("/api/v1/rounds/t1/reminders", json!({ "only": "draft" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        second["reminded"],
        json!([{ "organisation": "DRAFT", "reminder": 2 }])
    );
    // Only those named: IDLE (lower case is fine); DONE, named too, has submitted.
    let named: serde_json::Value = app
        .admin_post(
            "/api/v1/rounds/t1/reminders",
            json!({ "organisations": ["idle", "DONE"] }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        named["reminded"],
        json!([{ "organisation": "IDLE", "reminder": 2 }])
    );
    // An unknown organisation: 422 naming it, and nothing is sent to the others.
    let unknown = app
        .admin_post(
            "/api/v1/rounds/t1/reminders",
            json!({ "organisations": ["DRAFT", "NOPE"] }),
        )
        .await;
    assert_eq!(unknown.status(), 422);
    let problem = crate::helpers::problem(unknown).await;
    assert_eq!(
        problem["errors"][0]["path"], "organisations[1]",
        "{problem}"
    );
    smtp.wait_for(7, Duration::from_secs(30)).await;
    app.settled_deliveries("t1", Duration::from_secs(30)).await;

    let progress = app.admin_get_json("/api/v1/rounds/t1/invitations").await;
    let rows = progress.as_array().unwrap();
    let row = |code: &str| {
        rows.iter()
            .find(|o| o["organisation"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(row("DRAFT")["reminders"], 2, "{progress:#}");
    assert_eq!(row("IDLE")["reminders"], 2);
    assert_eq!(row("DONE")["reminders"], 0);
    assert!(row("DRAFT")["last_reminded_at"].is_string());
    assert_eq!(row("IDLE")["delivery_failed"], false);
}

async fn a_reminder_policy_reminds_those_due_once_per_turn(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let url = smtp.url();
    let app = crate::helpers::spawn_app_with(backend, move |s| {
        s.mail.smtp_url = Some(url);
        s.mail.poll_interval = Duration::from_millis(50);
        s.mail.scheduler_interval = Duration::from_millis(100);
    })
    .await;
    tiny_round(&app).await;
    app.create_organisations(&["AA1"]).await;
    app.add_contact("AA1", "comms@aa1.example", None).await;
    app.admin_post("/api/v1/rounds/t1/invitations/send", json!({}))
        .await;
    smtp.wait_for(1, Duration::from_secs(30)).await;

    // The round closes in a day: a policy with no quiet days, every day; the invitation is
    // made to look two days old.
    invitations_look_two_days_old(&app).await;
    daily_policy(&app).await;

    let mail = smtp.wait_for(2, Duration::from_secs(30)).await;
    assert!(mail.iter().any(|m| m.subject.starts_with("Reminder")));
    // The policy's next turn is an hour away: nothing more comes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.messages().len(), 2);
    let policy = app
        .admin_get_json("/api/v1/rounds/t1/reminder-policy")
        .await;
    assert_eq!(policy["every_days"], 1);
}

/// Makes every queued message look two days old, so a daily policy finds its organisation due.
async fn invitations_look_two_days_old(app: &crate::helpers::TestApp) {
    use entity::outbox_message::{Column, Entity};
    use sea_orm::{EntityTrait, sea_query::Expr};
    let two_days_ago = chrono::Utc::now() - chrono::Duration::days(2);
    Entity::update_many()
        .col_expr(Column::QueuedAt, Expr::value(two_days_ago))
        .exec(&app.db)
        .await
        .unwrap();
}

/// Sets round t1's reminder policy to every day, at most three, no quiet days.
async fn daily_policy(app: &crate::helpers::TestApp) {
    let put = app
        .send(
            Method::PUT,
            Some(&app.admin_key),
            "/api/v1/rounds/t1/reminder-policy",
            Some(json!({ "every_days": 1, "max_reminders": 3, "quiet_days_before_close": 0 })),
        )
        .await;
    assert_eq!(put.status(), 200);
}

/// Issue 29: two servers run the scheduler over one database, each every 100 ms; a turn of the
/// policy still reminds each organisation once, not once per server.
async fn two_instances_running_the_scheduler_remind_each_organisation_once_per_turn(
    backend: Backend,
) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let url = smtp.url();
    let configure = move |s: &mut soundings::app::config::Settings| {
        s.mail.smtp_url = Some(url);
        s.mail.poll_interval = Duration::from_millis(50);
        s.mail.scheduler_interval = Duration::from_millis(100);
    };
    let app = crate::helpers::spawn_app_with(backend, configure.clone()).await;
    let other = app.another_instance(configure).await;
    tiny_round(&app).await;
    let codes = ["AA1", "AA2", "AA3", "AA4"];
    app.create_organisations(&codes).await;
    app.add_contacts(&codes).await;
    app.admin_post("/api/v1/rounds/t1/invitations/send", json!({}))
        .await;
    smtp.wait_for(codes.len(), Duration::from_secs(30)).await;

    invitations_look_two_days_old(&app).await;
    // Set through the second instance, run by both.
    daily_policy(&other).await;

    smtp.wait_for(2 * codes.len(), Duration::from_secs(30))
        .await;
    // Many more turns of both schedulers: the policy's next turn is a day away.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mail = smtp.messages();
    for code in codes {
        let to = super::contact_of(code);
        let reminders = mail
            .iter()
            .filter(|m| m.to.contains(&to) && m.subject.starts_with("Reminder"))
            .count();
        assert_eq!(reminders, 1, "{code} reminded once");
    }
    assert_eq!(mail.len(), 2 * codes.len());
}

crate::on_both_backends!(
    two_instances_running_the_scheduler_remind_each_organisation_once_per_turn,
    reminders_go_only_to_organisations_that_have_not_submitted,
    a_reminder_policy_reminds_those_due_once_per_turn,
);
