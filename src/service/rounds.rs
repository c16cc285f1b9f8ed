//! Rounds: creating them, changing their window, and the transitions of their state.

use super::records::Round;
use super::{ServiceError, ServiceResult, Services, record};
use crate::domain::round::{RoundAction, RoundStatus, accepting_responses};
use crate::domain::validation::{FieldIssue, NO_CONTROL, has_control};
use crate::store::{DbError, rounds, surveys};
use chrono::{DateTime, Utc};
use serde_json::json;

/// A round with what a reader wants beside it: its survey's slug and version number.
pub struct RoundView {
    pub round: Round,
    pub survey: String,
    pub version: i32,
    pub status: RoundStatus,
    /// Whether respondents can save and submit right now.
    pub accepting_responses: bool,
}

/// What a new round is made of.
pub struct NewRound {
    pub code: String,
    pub name: String,
    /// The survey's slug.
    pub survey: String,
    pub version: i32,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// Changes to a round; `None` keeps the value.
pub struct RoundChanges {
    pub name: Option<String>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// The round with this code.
pub async fn find(services: &Services, code: &str) -> ServiceResult<Round> {
    rounds::find(&services.db, code)
        .await?
        .ok_or_else(|| ServiceError::not_found(format!("There is no round {code}.")))
}

/// The round with this code, with its survey and version.
pub async fn get(services: &Services, code: &str) -> ServiceResult<RoundView> {
    let found = find(services, code).await?;
    view(services, found).await
}

/// Every round (of one survey, by slug, if given), in the order they open. An unknown survey has
/// no rounds.
pub async fn list(services: &Services, survey: Option<&str>) -> ServiceResult<Vec<RoundView>> {
    let survey_id = match survey {
        Some(slug) => match surveys::find(&services.db, slug).await? {
            Some(s) => Some(s.id),
            None => return Ok(vec![]),
        },
        None => None,
    };
    let mut out = Vec::new();
    for r in rounds::list(&services.db, survey_id).await? {
        out.push(view(services, r).await?);
    }
    Ok(out)
}

/// Creates a round of a published survey version, in status `draft`.
pub async fn create(services: &Services, actor: &str, new: NewRound) -> ServiceResult<RoundView> {
    let code = new.code.trim().to_owned();
    let name = new.name.trim().to_owned();
    let slug = new.survey.trim();
    let mut errors = Vec::new();
    if !valid_code(&code) {
        errors.push(FieldIssue::new(
            "code",
            "must be lower-case letters, digits and hyphens, starting with a letter or digit (at most 64)",
        ));
    }
    check_name_and_window(&mut errors, &name, new.opens_at, new.closes_at);
    let survey = surveys::find(&services.db, slug).await?;
    let version = match &survey {
        Some(s) => surveys::find_version(&services.db, s.id, new.version).await?,
        None => {
            errors.push(FieldIssue::new(
                "survey",
                format!("there is no survey {slug}"),
            ));
            None
        }
    };
    match &version {
        Some(v) => {
            if let Err(refused) = surveys::status(v)?.fieldable() {
                let sentence = refused.about(&format!("version {}", v.version));
                errors.push(FieldIssue::new("version", sentence.trim_end_matches('.')));
            }
        }
        None if survey.is_some() => errors.push(FieldIssue::new(
            "version",
            format!("the survey has no version {}", new.version),
        )),
        _ => {}
    }
    let (Some(survey), Some(version)) = (survey, version) else {
        return Err(ServiceError::rejected("The round is not valid.", errors));
    };
    if !errors.is_empty() {
        return Err(ServiceError::rejected("The round is not valid.", errors));
    }
    let tx = services.db.begin_write().await?;
    let created = rounds::create(
        &*tx,
        rounds::NewRound {
            survey_id: survey.id,
            survey_version_id: version.id,
            code: &code,
            name: &name,
            opens_at: new.opens_at,
            closes_at: new.closes_at,
        },
    )
    .await
    .map_err(|e| match e {
        DbError::Conflict(_) => {
            ServiceError::conflict(format!("A round with code {code} already exists."))
        }
        other => other.into(),
    })?;
    record(
        &*tx,
        actor,
        "round.create",
        &code,
        json!({ "survey": survey.slug, "version": version.version }),
    )
    .await?;
    tx.commit().await?;
    view(services, created).await
}

/// Renames a round or moves its window. A closed round can be given a later `closes_at` and then
/// reopened.
pub async fn update(
    services: &Services,
    actor: &str,
    code: &str,
    changes: RoundChanges,
) -> ServiceResult<RoundView> {
    let found = find(services, code).await?;
    let name = changes
        .name
        .map(|n| n.trim().to_owned())
        .unwrap_or_else(|| found.name.clone());
    let opens_at = changes.opens_at.unwrap_or(found.opens_at);
    let closes_at = changes.closes_at.unwrap_or(found.closes_at);
    let mut errors = Vec::new();
    check_name_and_window(&mut errors, &name, opens_at, closes_at);
    if !errors.is_empty() {
        return Err(ServiceError::rejected("The changes are not valid.", errors));
    }
    let round_code = found.code.clone();
    let tx = services.db.begin_write().await?;
    let saved = rounds::change(&*tx, found, name, opens_at, closes_at).await?;
    record(
        &*tx,
        actor,
        "round.update",
        &round_code,
        json!({ "opens_at": opens_at, "closes_at": closes_at }),
    )
    .await?;
    tx.commit().await?;
    view(services, saved).await
}

/// Applies `action` (open, close, reopen) to the round if its state allows it. The status is
/// read, the domain decides, and the store writes only if the status is still the one read; if
/// another request moved the round in between, this one is refused naming the state the round
/// is in now.
pub async fn transition(
    services: &Services,
    actor: &str,
    code: &str,
    action: RoundAction,
) -> ServiceResult<RoundView> {
    let found = find(services, code).await?;
    let from = rounds::status(&found)?;
    let subject = format!("Round {}", found.code);
    let to = from
        .apply(action, found.closes_at, Utc::now())
        .map_err(|refused| ServiceError::conflict(refused.about(&subject)))?;
    let tx = services.db.begin_write().await?;
    let Some(saved) = rounds::transition(&*tx, found.id, from, to).await? else {
        drop(tx);
        let now = find(services, code).await?;
        return Err(ServiceError::conflict(format!(
            "{subject} was {from} when this request read it, but another request moved it \
             first (it is now {}); nothing was done.",
            now.status
        )));
    };
    record(
        &*tx,
        actor,
        &format!("round.{}", action.as_str()),
        &saved.code,
        json!({ "from": from.as_str(), "to": to.as_str() }),
    )
    .await?;
    tx.commit().await?;
    view(services, saved).await
}

fn check_name_and_window(
    errors: &mut Vec<FieldIssue>,
    name: &str,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
) {
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldIssue::new("name", "must be 1 to 200 characters"));
    } else if has_control(name) {
        errors.push(FieldIssue::new("name", NO_CONTROL));
    }
    if closes_at <= opens_at {
        errors.push(FieldIssue::new("closes_at", "must be after opens_at"));
    }
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

async fn view(services: &Services, round: Round) -> ServiceResult<RoundView> {
    let survey = surveys::find_by_id(&services.db, round.survey_id)
        .await?
        .map(|s| s.slug)
        .unwrap_or_default();
    let version = surveys::find_version_by_id(&services.db, round.survey_version_id)
        .await?
        .map(|v| v.version)
        .unwrap_or_default();
    let status = rounds::status(&round)?;
    Ok(RoundView {
        accepting_responses: accepting_responses(
            status,
            round.opens_at,
            round.closes_at,
            Utc::now(),
        ),
        status,
        survey,
        version,
        round,
    })
}
