//! Issue 18: contacts, and invitations, reminders and notices e-mailed through a real SMTP
//! server (aiosmtpd, `helpers::smtp`), never a mock transport.

mod contacts;
mod delivery;
mod demo;
mod failures;
mod languages;
mod logs;
mod outages;
mod reminders;

use crate::helpers::smtp::SmtpServer;
use crate::helpers::{Backend, TestApp, spawn_app_with};
use serde_json::json;
use std::time::{Duration, Instant};

/// The app, sending to `smtp`, with a worker that looks often and retries soon.
pub async fn app_sending_to(backend: Backend, smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    spawn_app_with(backend, move |s| {
        s.mail.smtp_url = Some(url);
        s.mail.from = "Soundings Tîm <help@soundings.example>".to_owned();
        s.mail.poll_interval = Duration::from_millis(50);
        s.mail.retry_base = Duration::from_millis(300);
        s.mail.retry_max = Duration::from_secs(2);
    })
    .await
}

impl TestApp {
    pub async fn add_contact(&self, organisation: &str, email: &str, name: Option<&str>) -> i64 {
        let resp = self
            .admin_post(
                &format!("/api/v1/organisations/{organisation}/contacts"),
                json!({ "email": email, "name": name, "role": "Head of Communications" }),
            )
            .await;
        assert_eq!(resp.status(), 201, "{}", resp.text().await.unwrap());
        resp.json::<serde_json::Value>().await.unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    /// Gives each organisation of `codes` one contact, [`contact_of`] its code.
    pub async fn add_contacts(&self, codes: &[&str]) {
        for code in codes {
            self.add_contact(code, &contact_of(code), None).await;
        }
    }

    /// Every message of a round in the delivery log, oldest first.
    pub async fn deliveries(&self, round: &str) -> Vec<serde_json::Value> {
        let page = self
            .admin_get_json(&format!("/api/v1/rounds/{round}/deliveries?per_page=500"))
            .await;
        let mut items = page["items"].as_array().unwrap().clone();
        items.reverse();
        items
    }

    /// Waits until the delivery log shows no message queued or being sent, and returns it.
    pub async fn settled_deliveries(
        &self,
        round: &str,
        within: Duration,
    ) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + within;
        loop {
            let items = self.deliveries(round).await;
            if !items.is_empty()
                && items
                    .iter()
                    .all(|d| d["status"] == "sent" || d["status"] == "failed")
            {
                return items;
            }
            assert!(
                Instant::now() < deadline,
                "messages still waiting after {within:?}: {items:#?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

/// The address [`TestApp::add_contacts`] gives an organisation's contact.
pub fn contact_of(code: &str) -> String {
    format!("comms@{}.example", code.to_lowercase())
}

/// The path (`/respond/...`) of a link in a message.
pub fn path_of(link: &str) -> String {
    let at = link.find("/respond/").unwrap();
    link[at..].to_owned()
}
