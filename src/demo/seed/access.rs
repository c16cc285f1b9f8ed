//! The demo's keys, the featured organisation's respondent link and its report's share link:
//! made on the first run and mended on later ones, since their secrets follow from the seed.

use anyhow::Context;
use chrono::{Duration, Utc};
use entity::{api_key, invitation, report_share, round};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::domain::role::Role;
use crate::domain::secret::hash_secret;
use crate::store::{Database, DbError, invitations, organisations as org_store, rounds};

use super::{
    CLOSED_ROUND, DemoLinks, OPEN_ROUND, Plan, api_key_secret, derived_secret, invitation_secret,
};

/// Makes sure the demo's keys, the featured organisation's respondent link and its report's share
/// link exist and work (someone may have revoked one while trying the platform out), and returns
/// the links.
pub(super) async fn ensure_access(
    db: &Database,
    plan: &Plan,
    notes: &mut Vec<String>,
) -> anyhow::Result<DemoLinks> {
    let conn = &db.conn;
    let admin_key = api_key_secret(plan.seed, Role::Admin);
    let researcher_key = api_key_secret(plan.seed, Role::Researcher);
    ensure_key(
        conn,
        "Demo admin (public, demo only)",
        Role::Admin,
        &admin_key,
        notes,
    )
    .await?;
    ensure_key(
        conn,
        "Demo researcher (public, demo only)",
        Role::Researcher,
        &researcher_key,
        notes,
    )
    .await?;
    let featured = plan.featured();
    let org = org_store::find_by_code(conn, &featured.code)
        .await?
        .with_context(|| format!("demo organisation {} is missing", featured.code))?;
    let open = rounds::find(conn, OPEN_ROUND)
        .await?
        .with_context(|| format!("round {OPEN_ROUND} is missing"))?;
    let secret = invitation_secret(plan.seed, OPEN_ROUND, &featured.code);
    ensure_invitation(conn, &open, org.id, &secret, notes).await?;
    let closed = rounds::find(conn, CLOSED_ROUND)
        .await?
        .with_context(|| format!("round {CLOSED_ROUND} is missing"))?;
    let share = derived_secret(
        plan.seed,
        &format!("share:{CLOSED_ROUND}:{}", featured.code),
    );
    ensure_share(conn, &closed, org.id, &share, notes).await?;
    let report = format!(
        "/api/v1/rounds/{CLOSED_ROUND}/organisations/{}/report",
        featured.code
    );
    Ok(DemoLinks {
        organisation_name: org.name,
        organisation_code: org.code,
        open_round: OPEN_ROUND.to_owned(),
        closed_round: CLOSED_ROUND.to_owned(),
        respondent_path: format!("/respond/{secret}"),
        share_path: format!("/share/{share}"),
        share_pdf_path: format!("/share/{share}/report.pdf"),
        report_pdf_path: format!("{report}.pdf"),
        report_path: report,
        admin_key,
        researcher_key,
    })
}

async fn ensure_key(
    db: &impl ConnectionTrait,
    name: &str,
    role: Role,
    secret: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let hash = hash_secret(secret);
    let found = api_key::Entity::find()
        .filter(api_key::Column::SecretHash.eq(hash.as_str()))
        .one(db)
        .await?;
    match found {
        None => {
            api_key::ActiveModel {
                name: Set(name.to_owned()),
                role: Set(role.as_str().to_owned()),
                prefix: Set(secret.chars().take(12).collect()),
                secret_hash: Set(hash),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(DbError::classify)?;
        }
        Some(key) if key.revoked_at.is_some() => {
            notes.push(format!(
                "The demo {role} key {} was revoked; it works again.",
                key.prefix
            ));
            let mut active: api_key::ActiveModel = key.into();
            active.revoked_at = Set(None);
            active.update(db).await.map_err(DbError::classify)?;
        }
        Some(_) => {}
    }
    Ok(())
}

async fn ensure_invitation(
    db: &impl ConnectionTrait,
    round: &round::Model,
    organisation_id: i32,
    secret: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let hash = hash_secret(secret);
    let found = invitation::Entity::find()
        .filter(invitation::Column::SecretHash.eq(hash.as_str()))
        .one(db)
        .await?;
    match found {
        None => {
            invitations::insert(db, round.id, organisation_id, hash).await?;
            notes.push("The demo respondent link was missing; it has been added again.".to_owned());
        }
        Some(found) if found.revoked_at.is_some() => {
            let mut active: invitation::ActiveModel = found.into();
            active.revoked_at = Set(None);
            active.update(db).await.map_err(DbError::classify)?;
            notes.push("The demo respondent link was revoked; it works again.".to_owned());
        }
        Some(_) => {}
    }
    Ok(())
}

/// Shares made by the demo last a year from when they were made or last restored.
const SHARE_DAYS: i64 = 365;

async fn ensure_share(
    db: &impl ConnectionTrait,
    round: &round::Model,
    organisation_id: i32,
    secret: &str,
    notes: &mut Vec<String>,
) -> anyhow::Result<()> {
    let hash = hash_secret(secret);
    let found = report_share::Entity::find()
        .filter(report_share::Column::SecretHash.eq(hash.as_str()))
        .one(db)
        .await?;
    let now = Utc::now();
    match found {
        None => {
            report_share::ActiveModel {
                round_id: Set(round.id),
                organisation_id: Set(organisation_id),
                secret_hash: Set(hash),
                created_by: Set("demo".to_owned()),
                created_at: Set(now),
                expires_at: Set(now + Duration::days(SHARE_DAYS)),
                revoked_at: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await
            .map_err(DbError::classify)?;
        }
        Some(found) if found.revoked_at.is_some() || found.expires_at <= now => {
            let mut active: report_share::ActiveModel = found.into();
            active.revoked_at = Set(None);
            active.expires_at = Set(now + Duration::days(SHARE_DAYS));
            active.update(db).await.map_err(DbError::classify)?;
            notes.push(
                "The demo report's share link had stopped working; it works again.".to_owned(),
            );
        }
        Some(_) => {}
    }
    Ok(())
}
