//! Invitations: each organisation's secret link to a round. The links are shown once, when
//! made, and only their hashes are kept.

use super::records::{Organisation, Round};
use super::{ServiceError, ServiceResult, Services, organisations, record, rounds};
use crate::domain::validation::FieldIssue;
use crate::store::{WriteTransaction, delegates, invitations, rounds as stored_rounds};
use serde_json::json;

pub use crate::store::invitations::InvitationStatus;

/// A link just made for an organisation.
pub struct NewLink {
    pub organisation: String,
    pub organisation_name: String,
    pub link: String,
}

/// What inviting did: the links made, and the organisations that already held one.
pub struct Batch {
    pub created: Vec<NewLink>,
    pub skipped: Vec<String>,
}

/// Invites the named organisations (every organisation when `None`) to a round that has not
/// closed. An organisation that holds an active link is skipped; if any code is unknown, nobody
/// is invited.
pub async fn invite(
    services: &Services,
    actor: &str,
    round_code: &str,
    codes: Option<Vec<String>>,
) -> ServiceResult<Batch> {
    let round = rounds::find(services, round_code).await?;
    takes_invitations(&round)?;
    let targets = match codes {
        None => crate::store::organisations::all(&services.db).await?,
        Some(codes) => named(services, codes).await?,
    };
    let tx = services.db.begin_write().await?;
    // Checked again with the round held: a close that committed after the first read must
    // not be followed by new links.
    let round = lock_round(&tx, &round).await?;
    takes_invitations(&round)?;
    let already = invitations::active_organisation_ids(&*tx, round.id).await?;
    let mut batch = Batch {
        created: Vec::new(),
        skipped: Vec::new(),
    };
    for org in targets {
        if already.contains(&org.id) {
            batch.skipped.push(org.code);
            continue;
        }
        let (_, secret) = invitations::create(&*tx, round.id, org.id).await?;
        batch.created.push(NewLink {
            link: respond_link(services, secret.expose()),
            organisation: org.code,
            organisation_name: org.name,
        });
    }
    record(
        &*tx,
        actor,
        "invitation.create",
        &round.code,
        json!({ "created": batch.created.len(), "skipped": batch.skipped.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(batch)
}

/// The organisations with these codes, by code; every unknown code is an issue.
async fn named(services: &Services, codes: Vec<String>) -> ServiceResult<Vec<Organisation>> {
    let codes: Vec<String> = codes
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .collect();
    let mut found = crate::store::organisations::find_by_codes(&services.db, &codes).await?;
    let known: std::collections::HashSet<&str> = found.iter().map(|o| o.code.as_str()).collect();
    let errors: Vec<FieldIssue> = codes
        .iter()
        .enumerate()
        .filter(|(_, c)| !known.contains(c.as_str()))
        .map(|(i, c)| {
            FieldIssue::new(
                format!("organisations[{i}]"),
                format!("there is no organisation {c}"),
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(ServiceError::rejected(
            "Some organisations do not exist; nobody was invited.",
            errors,
        ));
    }
    found.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(found)
}

/// One row per invited organisation, with its response status.
pub async fn list(services: &Services, round_code: &str) -> ServiceResult<Vec<InvitationStatus>> {
    let round = rounds::find(services, round_code).await?;
    Ok(invitations::statuses(&services.db, round.id).await?)
}

/// Revokes an organisation's link: it stops working at once; answers saved so far are kept.
/// Returns how many links were revoked; not found if the organisation held none.
pub async fn revoke(
    services: &Services,
    actor: &str,
    round_code: &str,
    organisation: &str,
) -> ServiceResult<u64> {
    let round = rounds::find(services, round_code).await?;
    let org = organisations::find(services, organisation).await?;
    let tx = services.db.begin_write().await?;
    let revoked_ids = invitations::active_ids_of(&*tx, round.id, org.id).await?;
    // Issue 21: colleagues' links hang from the invitation and end with it.
    let colleagues = delegates::count_active_of(&*tx, &revoked_ids).await?;
    let revoked = invitations::revoke(&*tx, round.id, org.id).await?;
    if revoked == 0 {
        return Err(ServiceError::not_found(format!(
            "{} holds no active link to round {}.",
            org.code, round.code
        )));
    }
    record(
        &*tx,
        actor,
        "invitation.revoke",
        &format!("{}/{}", round.code, org.code),
        json!({ "revoked": revoked, "colleague_links_ended": colleagues }),
    )
    .await?;
    // Issue 18: the contacts who were mailed the link are told, once, that it no longer works.
    super::mail::notify_revoke(&*tx, round.id, org.id, &revoked_ids).await?;
    tx.commit().await?;
    Ok(revoked)
}

/// Revokes any active link of an organisation and makes a new one, shown once. Answers saved
/// so far are kept and reachable through the new link.
pub async fn reissue(
    services: &Services,
    actor: &str,
    round_code: &str,
    organisation: &str,
) -> ServiceResult<NewLink> {
    let round = rounds::find(services, round_code).await?;
    let org = organisations::find(services, organisation).await?;
    // With the round held, two reissues for one organisation run one after the other: the
    // second revokes the link the first made, rather than both leaving a working link.
    let tx = services.db.begin_write().await?;
    let round = lock_round(&tx, &round).await?;
    let replaced = invitations::active_ids_of(&*tx, round.id, org.id).await?;
    let colleagues = delegates::count_active_of(&*tx, &replaced).await?;
    let revoked = invitations::revoke(&*tx, round.id, org.id).await?;
    let (invitation, secret) = invitations::create(&*tx, round.id, org.id).await?;
    // Issue 18: the organisation's contacts are mailed the new link, once.
    super::mail::notify_reissue(&*tx, round.id, org.id, &replaced, invitation.id, &secret).await?;
    record(
        &*tx,
        actor,
        "invitation.reissue",
        &format!("{}/{}", round.code, org.code),
        json!({ "revoked": revoked, "colleague_links_ended": colleagues }),
    )
    .await?;
    tx.commit().await?;
    Ok(NewLink {
        link: respond_link(services, secret.expose()),
        organisation: org.code,
        organisation_name: org.name,
    })
}

/// Refused unless the round (as read) may take invitations; not once it has closed.
fn takes_invitations(round: &Round) -> ServiceResult<()> {
    stored_rounds::status(round)?
        .takes_invitations()
        .map_err(|refused| ServiceError::conflict(refused.about(&format!("Round {}", round.code))))
}

/// The round as it is now, held for the rest of `tx` (see `store::rounds::lock`).
async fn lock_round(tx: &WriteTransaction, round: &Round) -> ServiceResult<Round> {
    stored_rounds::lock(&**tx, round.id)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no round {}.", round.code)))
}

/// The respondent's link for a secret.
pub fn respond_link(services: &Services, secret: &str) -> String {
    format!("{}/respond/{secret}", services.public_url)
}
