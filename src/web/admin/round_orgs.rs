//! A round's organisations in the console: each one's status (not invited, invited, delivery
//! failed, started, submitted, revoked) with search and filter, and the actions on one or many
//! of them from one form with checkboxes: invite by e-mail, revoke, reissue; and reminders to
//! the round's non-submitters. Each action is the service function the API calls.

use super::page::{render, service_error};
use super::session::require;
use crate::domain::mail::ReminderAudience;
use crate::domain::response::Progress;
use crate::domain::role::Role;
use crate::service::console::ConsoleUser;
use crate::service::{ServiceResult, invitations, mail, organisations};
use crate::web::Site;
use poem::http::StatusCode;
use poem::web::{Data, Form, Path};
use poem::{Response, handler};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Most organisations listed on one dashboard; past it the page says to search.
pub const MAX_LISTED: usize = 500;

/// Where an organisation stands in a round, from its invitation (active or not, and how far
/// its response got) and whether a message to it failed for good.
pub fn status(invitation: Option<(bool, Progress)>, delivery_failed: bool) -> &'static str {
    match invitation {
        None => "not_invited",
        Some((false, _)) => "revoked",
        Some((true, Progress::Submitted)) => "submitted",
        Some((true, Progress::InProgress)) => "started",
        Some((true, Progress::NotStarted)) if delivery_failed => "delivery_failed",
        Some((true, Progress::NotStarted)) => "invited",
    }
}

/// Every status, in the order the filter offers them.
pub const STATUSES: [&str; 6] = [
    "not_invited",
    "invited",
    "delivery_failed",
    "started",
    "submitted",
    "revoked",
];

/// Every organisation with its status in round `code`, those matching `q` (part of a code or
/// name) and `wanted` (a status), in code order; and how many matched in all.
pub async fn rows(
    site: &Site,
    code: &str,
    q: &str,
    wanted: Option<&str>,
) -> ServiceResult<(Vec<Value>, usize)> {
    let invited: HashMap<i32, (bool, Progress)> = invitations::list(site, code)
        .await?
        .into_iter()
        .map(|i| (i.organisation.id, (i.active, i.response_status)))
        .collect();
    let mail = mail::summaries(site, code).await?;
    let (all, _) =
        organisations::list(site, &organisations::Filter::default(), 0, u64::MAX >> 1).await?;
    let q = q.trim().to_lowercase();
    let matching: Vec<Value> = all
        .into_iter()
        .map(|o| {
            let failed = mail.get(&o.id).is_some_and(|m| m.delivery_failed);
            (status(invited.get(&o.id).copied(), failed), o)
        })
        .filter(|(s, o)| {
            (q.is_empty()
                || o.code.to_lowercase().contains(&q)
                || o.name.to_lowercase().contains(&q))
                && wanted.is_none_or(|w| w == *s)
        })
        .map(|(s, o)| {
            json!({ "code": o.code, "name": o.name, "kind": o.kind, "region": o.region,
                    "status": s, "label": s.replace('_', " ") })
        })
        .collect();
    let total = matching.len();
    Ok((matching.into_iter().take(MAX_LISTED).collect(), total))
}

/// The outcome page of an action: what was done, what was not, and any links shown once.
fn outcome(
    site: &Site,
    user: &ConsoleUser,
    code: &str,
    title: &str,
    lines: Vec<String>,
    links: Vec<Value>,
) -> Response {
    render(
        site,
        Some(user),
        "admin/round_outcome.html",
        json!({ "code": code, "title": title, "lines": lines, "mailed": !links.is_empty(), "links": links }),
        StatusCode::OK,
    )
}

fn codes_line(what: &str, codes: &[String]) -> Option<String> {
    (!codes.is_empty()).then(|| format!("{what}: {}.", codes.join(", ")))
}

/// `POST /admin/rounds/{code}/organisations`: `action` (invite, remind, revoke or reissue) on
/// every organisation ticked (`org`); a reminder goes to those of them that have not submitted.
#[handler]
pub async fn act(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = super::session::fields_of(form);
    let ticked: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "org")
        .map(|(_, v)| v.clone())
        .collect();
    let action = super::session::field(&fields, "action").unwrap_or_default();
    if ticked.is_empty() {
        return service_error(
            &site,
            &user,
            crate::service::ServiceError::Malformed(
                "Tick at least one organisation, then choose what to do.".into(),
            ),
        );
    }
    let actor = user.actor();
    match action {
        "invite" => match mail::send_invitations(&site, &actor, &code, Some(ticked)).await {
            Ok(done) => {
                let lines = [
                    codes_line("Invited by e-mail", &done.invited),
                    Some(format!("{} message(s) queued.", done.messages)),
                    codes_line(
                        "Not invited, no contact to mail (add one)",
                        &done.without_contacts,
                    ),
                    codes_line("Already invited by mail", &done.already_invited),
                    codes_line(
                        "Holding a link handed out by hand (reissue to mail a new one)",
                        &done.invited_by_hand,
                    ),
                ];
                let lines = lines.into_iter().flatten().collect();
                outcome(&site, &user, &code, "Invitations", lines, vec![])
            }
            Err(err) => service_error(&site, &user, err),
        },
        "revoke" => {
            let mut lines = Vec::new();
            for org in &ticked {
                match invitations::revoke(&site, &actor, &code, org).await {
                    Ok(_) => lines.push(format!("{org}: its link no longer works.")),
                    Err(err) => lines.push(format!("{org}: not revoked. {err}")),
                }
            }
            outcome(&site, &user, &code, "Links revoked", lines, vec![])
        }
        "reissue" => {
            let mut lines = Vec::new();
            let mut links = Vec::new();
            for org in &ticked {
                match invitations::reissue(&site, &actor, &code, org).await {
                    Ok(link) => links.push(json!({ "code": link.organisation,
                        "name": link.organisation_name, "link": link.link })),
                    Err(err) => lines.push(format!("{org}: not reissued. {err}")),
                }
            }
            outcome(&site, &user, &code, "New links", lines, links)
        }
        "remind" => reminded(
            &site,
            &user,
            &code,
            mail::remind(
                &site,
                &actor,
                &code,
                ReminderAudience::NotSubmitted,
                Some(ticked),
            )
            .await,
        ),
        _ => service_error(
            &site,
            &user,
            crate::service::ServiceError::Malformed(
                "Choose invite, remind, revoke or reissue.".into(),
            ),
        ),
    }
}

/// `POST /admin/rounds/{code}/remind`: reminds the round's non-submitters (`audience`:
/// `not_submitted`, `not_started` or `draft`).
#[handler]
pub async fn remind(
    site: Data<&Site>,
    user: Data<&ConsoleUser>,
    Path(code): Path<String>,
    form: poem::Result<Form<Vec<(String, String)>>>,
) -> Response {
    if let Some(refused) = require(&site, &user, Role::Admin) {
        return refused;
    }
    let fields = super::session::fields_of(form);
    let audience = match super::session::field(&fields, "audience") {
        Some("not_started") => ReminderAudience::NotStarted,
        Some("draft") => ReminderAudience::Draft,
        _ => ReminderAudience::NotSubmitted,
    };
    let done = mail::remind(&site, &user.actor(), &code, audience, None).await;
    reminded(&site, &user, &code, done)
}

/// The page that says who was reminded, or why not.
fn reminded(
    site: &Site,
    user: &ConsoleUser,
    code: &str,
    done: Result<mail::RemindersQueued, crate::service::ServiceError>,
) -> Response {
    match done {
        Ok(done) => {
            let reminded: Vec<String> = done.reminded.iter().map(|(c, _)| c.clone()).collect();
            let lines = [
                Some(format!(
                    "{} organisation(s) reminded, {} message(s) queued.",
                    reminded.len(),
                    done.messages
                )),
                codes_line("Reminded", &reminded),
                codes_line(
                    "Left out, their link was handed out by hand",
                    &done.invited_by_hand,
                ),
            ];
            let lines = lines.into_iter().flatten().collect();
            outcome(site, user, code, "Reminders", lines, vec![])
        }
        Err(err) => service_error(site, user, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisations_status_follows_its_invitation_response_and_mail() {
        assert_eq!(status(None, false), "not_invited");
        assert_eq!(status(Some((true, Progress::NotStarted)), false), "invited");
        assert_eq!(
            status(Some((true, Progress::NotStarted)), true),
            "delivery_failed"
        );
        // Once it answered, a failed message no longer matters.
        assert_eq!(status(Some((true, Progress::InProgress)), true), "started");
        assert_eq!(
            status(Some((true, Progress::Submitted)), false),
            "submitted"
        );
        assert_eq!(status(Some((false, Progress::Submitted)), false), "revoked");
        for s in STATUSES {
            assert!(!s.is_empty());
        }
    }
}
