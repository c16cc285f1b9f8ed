use super::{app_sending_to, path_of};
use crate::helpers::smtp::{Behaviour, SmtpServer};
use crate::helpers::{Backend, problem};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

const WELSH: &str = "Bwrdd Iechyd Prifysgol Hywel Dda";

async fn invitations_reach_every_contact_with_both_parts_and_a_link_that_opens_the_survey(
    backend: Backend,
) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1", "AA2", "AA3"]).await;
    let renamed = app
        .send(
            Method::PATCH,
            Some(&app.admin_key),
            "/api/v1/organisations/AA1",
            Some(json!({ "name": WELSH })),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    app.add_contact("AA1", "sian@aa1.example", Some("Siân Llŷr"))
        .await;
    app.add_contact("AA1", "deputy@aa1.example", None).await;
    app.add_contact("AA2", "comms@aa2.example", Some("Alex Smith"))
        .await;
    app.open_round("smm-2026").await;

    // A preview shows the message with a placeholder, never a secret.
    let preview = app
        .admin_get_json("/api/v1/rounds/smm-2026/mail/preview?organisation=AA1&kind=invitation")
        .await;
    assert_eq!(preview["to"], "sian@aa1.example");
    assert!(preview["subject"].as_str().unwrap().contains(WELSH));
    assert!(
        preview["text"]
            .as_str()
            .unwrap()
            .contains("/respond/<the organisation's secret link>")
    );
    assert!(preview["html"].as_str().unwrap().contains("Siân Llŷr"));

    let sent = app
        .admin_post("/api/v1/rounds/smm-2026/invitations/send", json!({}))
        .await;
    assert_eq!(sent.status(), 202);
    let sent: serde_json::Value = sent.json().await.unwrap();
    assert_eq!(sent["invited"], json!(["AA1", "AA2"]));
    assert_eq!(sent["without_contacts"], json!(["AA3"]));
    assert_eq!(sent["messages"], 3);

    // Asking again queues nothing twice.
    let again: serde_json::Value = app
        .admin_post("/api/v1/rounds/smm-2026/invitations/send", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["messages"], 0);
    assert_eq!(again["already_invited"], json!(["AA1", "AA2"]));

    let log = app
        .settled_deliveries("smm-2026", Duration::from_secs(30))
        .await;
    assert_eq!(log.len(), 3, "{log:#?}");
    for d in &log {
        assert_eq!(d["status"], "sent", "{d:#?}");
        assert_eq!(d["kind"], "invitation");
        assert!(
            d["smtp_reply"].as_str().unwrap().starts_with("250"),
            "{d:#?}"
        );
        assert!(d["sent_at"].is_string());
    }
    let mail = smtp.wait_for(3, Duration::from_secs(10)).await;
    assert_eq!(mail.len(), 3, "each contact once");

    let to_sian = mail
        .iter()
        .find(|m| m.to.contains("sian@aa1.example"))
        .unwrap();
    assert!(to_sian.to.contains("Siân Llŷr"), "{}", to_sian.to);
    assert!(
        to_sian.subject.contains(WELSH) && to_sian.subject.contains("smm-2026"),
        "{}",
        to_sian.subject
    );
    assert!(
        to_sian.from.contains("help@soundings.example"),
        "{}",
        to_sian.from
    );
    // A Message-ID per outbox row, so a receiving system can recognise a resent copy.
    assert!(
        to_sian.message_id.contains("@soundings.example"),
        "{}",
        to_sian.message_id
    );
    assert!(
        to_sian.raw_headers.is_ascii(),
        "headers must be encoded:\n{}",
        to_sian.raw_headers
    );
    assert!(to_sian.text.contains("Dear Siân Llŷr") && to_sian.text.contains(WELSH));
    assert!(to_sian.html.contains("<a href=\"") && to_sian.html.contains(WELSH));
    let link = to_sian.link();
    assert!(
        link.starts_with(&format!("{}/respond/", app.address)),
        "{link}"
    );
    // minijinja escapes `/` in HTML as `&#x2f;`, which browsers and mail readers decode.
    assert!(
        to_sian
            .html
            .replace("&#x2f;", "/")
            .contains(&format!("href=\"{link}\""))
    );

    // Both of AA1's contacts got AA1's one link; AA2 its own.
    let to_deputy = mail
        .iter()
        .find(|m| m.to.contains("deputy@aa1.example"))
        .unwrap();
    assert_eq!(to_deputy.link(), link);
    let to_aa2 = mail
        .iter()
        .find(|m| m.to.contains("comms@aa2.example"))
        .unwrap();
    assert_ne!(to_aa2.link(), link);

    // The link opens the survey.
    let page = app.get(&path_of(&link)).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(WELSH), "{page}");

    // The secret is in neither the audit trail nor the outbox.
    let secret = link.rsplit('/').next().unwrap().to_owned();
    let audit = app
        .admin_get_json("/api/v1/audit-events?per_page=500")
        .await;
    assert!(!audit.to_string().contains(&secret));
    use sea_orm::EntityTrait;
    let rows = entity::outbox_message::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(!format!("{rows:?}").contains(&secret));

    // A contact added later is sent the same link, and only they.
    app.add_contact("AA2", "new@aa2.example", None).await;
    let later: serde_json::Value = app
        .admin_post(
            "/api/v1/rounds/smm-2026/invitations/send",
            json!({ "organisations": ["AA2"] }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later["messages"], 1);
    let mail = smtp.wait_for(4, Duration::from_secs(30)).await;
    let to_new = mail
        .iter()
        .find(|m| m.to.contains("new@aa2.example"))
        .unwrap();
    assert_eq!(to_new.link(), to_aa2.link());

    // Unknown organisations: nothing is queued.
    let unknown = app
        .admin_post(
            "/api/v1/rounds/smm-2026/invitations/send",
            json!({ "organisations": ["NOPE"] }),
        )
        .await;
    assert_eq!(unknown.status(), 422);
    assert_eq!(
        problem(unknown).await["errors"][0]["path"],
        "organisations[0]"
    );
}

async fn reissuing_mails_the_new_link_once_and_revoking_says_the_old_one_is_dead(backend: Backend) {
    let smtp = SmtpServer::start(Behaviour::Accept).await;
    let app = app_sending_to(backend, &smtp).await;
    app.publish_shipped_survey().await;
    app.create_organisations(&["AA1"]).await;
    app.add_contact("AA1", "comms@aa1.example", None).await;
    app.open_round("r1").await;
    app.admin_post("/api/v1/rounds/r1/invitations/send", json!({}))
        .await;
    let first = smtp.wait_for(1, Duration::from_secs(30)).await;
    let old = first[0].link();

    let reissued = app
        .admin_post("/api/v1/rounds/r1/invitations/AA1/reissue", json!({}))
        .await;
    assert_eq!(reissued.status(), 201);
    let mail = smtp.wait_for(2, Duration::from_secs(30)).await;
    let notice = mail
        .iter()
        .find(|m| m.subject.contains("a new link"))
        .unwrap();
    let new = notice.link();
    assert_ne!(new, old);
    assert!(notice.text.contains("The old link no longer works"));
    assert_eq!(app.get(&path_of(&old)).await.status(), 404);
    assert_eq!(app.get(&path_of(&new)).await.status(), 200);

    let revoked = app
        .admin_post("/api/v1/rounds/r1/invitations/AA1/revoke", json!({}))
        .await;
    assert_eq!(revoked.status(), 200);
    let mail = smtp.wait_for(3, Duration::from_secs(30)).await;
    let dead = mail
        .iter()
        .find(|m| m.subject.contains("no longer works"))
        .unwrap();
    assert!(
        !dead.text.contains("/respond/"),
        "a revocation carries no link"
    );
    assert_eq!(app.get(&path_of(&new)).await.status(), 404);

    // Once: revoking again finds nothing, and nothing more is queued.
    let again = app
        .admin_post("/api/v1/rounds/r1/invitations/AA1/revoke", json!({}))
        .await;
    assert_eq!(again.status(), 404);
    let log = app.settled_deliveries("r1", Duration::from_secs(30)).await;
    let kinds: Vec<&str> = log.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["invitation", "reissue", "revoke"]);
    assert_eq!(smtp.messages().len(), 3);
}

crate::on_both_backends!(
    invitations_reach_every_contact_with_both_parts_and_a_link_that_opens_the_survey,
    reissuing_mails_the_new_link_once_and_revoking_says_the_old_one_is_dead,
);
