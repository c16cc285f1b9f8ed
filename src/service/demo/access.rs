//! The demo's keys, the featured organisation's respondent link and its report's share link:
//! made on the first run and mended on later ones, since their secrets follow from the seed.

use super::{Access, DemoLinks};
use crate::domain::role::Role;
use crate::domain::secret::hash_secret;
use crate::service::{ServiceError, ServiceResult};
use crate::store::demo::access::{self as demo, Found, NewShare};
use crate::store::{Database, invitations, organisations, rounds};
use chrono::{Duration, Utc};
use sea_orm::ConnectionTrait;

/// Shares made by the demo last a year from when they were made or last restored.
const SHARE_DAYS: i64 = 365;

/// Makes sure the demo's keys, the featured organisation's respondent link and its report's share
/// link exist and work (someone may have revoked one while trying the platform out), and returns
/// the links.
pub(super) async fn ensure_access(
    db: &Database,
    access: &Access,
    notes: &mut Vec<String>,
) -> ServiceResult<DemoLinks> {
    let conn = db;
    ensure_key(
        conn,
        "Demo admin (public, demo only)",
        Role::Admin,
        &access.admin_key,
        notes,
    )
    .await?;
    ensure_key(
        conn,
        "Demo researcher (public, demo only)",
        Role::Researcher,
        &access.researcher_key,
        notes,
    )
    .await?;
    let code = &access.organisation_code;
    let org = organisations::find_by_code(conn, code)
        .await?
        .ok_or_else(|| ServiceError::internal(format!("demo organisation {code} is missing")))?;
    let round_id = |code: &'static str| async move {
        rounds::find(conn, code)
            .await?
            .map(|r| r.id)
            .ok_or_else(|| ServiceError::internal(format!("round {code} is missing")))
    };
    let open = round_id(access.open_round).await?;
    ensure_invitation(conn, open, org.id, &access.invitation_secret, notes).await?;
    let closed = round_id(access.closed_round).await?;
    ensure_share(conn, closed, org.id, &access.share_secret, notes).await?;
    let report = format!(
        "/api/v1/rounds/{}/organisations/{}/report",
        access.closed_round, org.code
    );
    let share = &access.share_secret;
    Ok(DemoLinks {
        organisation_name: org.name,
        organisation_code: org.code,
        open_round: access.open_round.to_owned(),
        closed_round: access.closed_round.to_owned(),
        respondent_path: format!("/respond/{}", access.invitation_secret),
        share_path: format!("/share/{share}"),
        share_pdf_path: format!("/share/{share}/report.pdf"),
        report_pdf_path: format!("{report}.pdf"),
        report_path: report,
        admin_key: access.admin_key.clone(),
        researcher_key: access.researcher_key.clone(),
    })
}

async fn ensure_key(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    secret: &str,
    notes: &mut Vec<String>,
) -> ServiceResult<()> {
    let hash = hash_secret(secret);
    // Keys show their first twelve characters, as `api_keys::create` stores them.
    let prefix: String = secret.chars().take(12).collect();
    match demo::find_key(db, &hash).await? {
        Found::Missing => demo::insert_key(db, name, role, &prefix, hash).await?,
        Found::Stopped(id) => {
            notes.push(format!(
                "The demo {role} key {prefix} was revoked; it works again."
            ));
            demo::unrevoke_key(db, id).await?;
        }
        Found::Working => {}
    }
    Ok(())
}

async fn ensure_invitation(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    secret: &str,
    notes: &mut Vec<String>,
) -> ServiceResult<()> {
    let hash = hash_secret(secret);
    match demo::find_invitation(db, &hash).await? {
        Found::Missing => {
            invitations::insert(db, round_id, organisation_id, hash).await?;
            notes.push("The demo respondent link was missing; it has been added again.".to_owned());
        }
        Found::Stopped(id) => {
            demo::unrevoke_invitation(db, id).await?;
            notes.push("The demo respondent link was revoked; it works again.".to_owned());
        }
        Found::Working => {}
    }
    Ok(())
}

async fn ensure_share(
    db: &impl ConnectionTrait,
    round_id: i32,
    organisation_id: i32,
    secret: &str,
    notes: &mut Vec<String>,
) -> ServiceResult<()> {
    let hash = hash_secret(secret);
    let now = Utc::now();
    let expires_at = now + Duration::days(SHARE_DAYS);
    match demo::find_share(db, &hash, now).await? {
        Found::Missing => {
            demo::insert_share(
                db,
                NewShare {
                    round_id,
                    organisation_id,
                    secret_hash: hash,
                    created_by: "demo",
                    created_at: now,
                    expires_at,
                },
            )
            .await?;
        }
        Found::Stopped(id) => {
            demo::restore_share(db, id, expires_at).await?;
            notes.push(
                "The demo report's share link had stopped working; it works again.".to_owned(),
            );
        }
        Found::Working => {}
    }
    Ok(())
}
