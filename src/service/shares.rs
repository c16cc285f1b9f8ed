//! Share links: an admin makes one so that a board member can open one organisation's report
//! without a key, lists a round's links, and revokes one; the board member opens it.

use super::records::ReportShare;
use super::reports::report_of;
use super::{ServiceError, ServiceResult, Services, organisations, record, rounds};
use crate::domain::language::Language;
use crate::domain::links::ShareStatus;
use crate::domain::secret::hash_secret;
use crate::report::model::Report;
use crate::store::{organisations as stored_organisations, rounds as stored_rounds, shares};
use chrono::{Duration, Utc};
use serde_json::json;

/// A share link as its round's admins see it: the link itself only when it was just made.
pub struct ShareLink {
    pub share: ReportShare,
    /// The organisation's and the round's codes.
    pub organisation: String,
    pub round: String,
    /// The address a board member opens; never stored, so never shown again.
    pub link: Option<String>,
    pub status: ShareStatus,
}

/// Makes a link to the report of organisation `organisation` in round `round` (codes) that works
/// for `days` days, recorded as made by `actor`.
pub async fn create(
    services: &Services,
    actor: &str,
    round: &str,
    organisation: &str,
    days: u32,
) -> ServiceResult<ShareLink> {
    let round = rounds::find(services, round).await?;
    let org = organisations::find(services, organisation).await?;
    // Refuse a link to a report that cannot be made.
    report_of(services, &round, org.clone(), Language::En).await?;
    let expires_at = Utc::now() + Duration::days(i64::from(days));
    let tx = services.db.begin_write().await?;
    let (share, secret) = shares::create(&*tx, round.id, org.id, actor, expires_at).await?;
    record(
        &*tx,
        actor,
        "report_share.create",
        &format!("{}/{}", round.code, org.code),
        json!({ "id": share.id, "expires_at": expires_at }),
    )
    .await?;
    tx.commit().await?;
    Ok(ShareLink {
        share,
        organisation: org.code,
        round: round.code,
        link: Some(format!("{}/share/{}", services.public_url, secret.expose())),
        status: ShareStatus::Active,
    })
}

/// Every share link of the round coded `round`, oldest first.
pub async fn list(services: &Services, round: &str) -> ServiceResult<Vec<ShareLink>> {
    let round = rounds::find(services, round).await?;
    let now = Utc::now();
    let mut out = Vec::new();
    for share in shares::list(&services.db, round.id).await? {
        let organisation = organisation_code(services, share.organisation_id).await?;
        out.push(ShareLink {
            status: ShareStatus::of(share.revoked_at, share.expires_at, now),
            share,
            organisation,
            round: round.code.clone(),
            link: None,
        });
    }
    Ok(out)
}

/// Revokes share `id`, recorded as done by `actor`. Revoking is idempotent: a share already
/// revoked (before, or by a request racing this one) is answered as it stands, and only the
/// revocation that happened is recorded.
pub async fn revoke(services: &Services, actor: &str, id: i32) -> ServiceResult<ShareLink> {
    let conn = &services.db;
    let missing = || ServiceError::not_found(format!("There is no share {id}."));
    let share = shares::find(conn, id).await?.ok_or_else(missing)?;
    let status = ShareStatus::of(share.revoked_at, share.expires_at, Utc::now());
    let tx = services.db.begin_write().await?;
    let changed = match status.revoke() {
        Ok(_) => shares::revoke(&*tx, share.id).await?,
        Err(_already) => None,
    };
    let revoked = match changed {
        Some(revoked) => {
            record(
                &*tx,
                actor,
                "report_share.revoke",
                &revoked.id.to_string(),
                json!({}),
            )
            .await?;
            tx.commit().await?;
            revoked
        }
        None => {
            drop(tx);
            shares::find(conn, share.id).await?.ok_or_else(missing)?
        }
    };
    let round = stored_rounds::find_by_id(conn, revoked.round_id)
        .await?
        .map(|r| r.code)
        .unwrap_or_default();
    let organisation = organisation_code(services, revoked.organisation_id).await?;
    Ok(ShareLink {
        status: ShareStatus::of(revoked.revoked_at, revoked.expires_at, Utc::now()),
        share: revoked,
        organisation,
        round,
        link: None,
    })
}

/// The report a share link's `secret` opens. Not found for a secret that is malformed, unknown
/// or revoked (a revoked link looks like one that never existed), or whose organisation has no
/// report; gone, saying since when, for an expired one.
pub async fn open(services: &Services, secret: &str, language: Language) -> ServiceResult<Report> {
    let not_found = || ServiceError::not_found("There is no report at this link.");
    if secret.len() != 40 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    let conn = &services.db;
    let share = shares::find_by_hash(conn, &hash_secret(secret))
        .await?
        .ok_or_else(not_found)?;
    match ShareStatus::of(share.revoked_at, share.expires_at, Utc::now()) {
        ShareStatus::Active => {}
        ShareStatus::Revoked => return Err(not_found()),
        ShareStatus::Expired => {
            return Err(ServiceError::Gone(format!(
                "The link stopped working on {}. Ask whoever sent it for a new one.",
                share.expires_at.format("%-d %B %Y")
            )));
        }
    }
    let round = stored_rounds::find_by_id(conn, share.round_id).await?;
    let org = stored_organisations::find_by_id(conn, share.organisation_id).await?;
    let (Some(round), Some(org)) = (round, org) else {
        return Err(not_found());
    };
    report_of(services, &round, org, language)
        .await
        .map_err(|err| match err {
            ServiceError::NotFound(_) => not_found(),
            other => other,
        })
}

/// The code of the organisation with this id, or empty if there is none: one odd row should not
/// make a whole listing fail.
async fn organisation_code(services: &Services, id: i32) -> ServiceResult<String> {
    Ok(stored_organisations::find_by_id(&services.db, id)
        .await?
        .map(|o| o.code)
        .unwrap_or_default())
}
