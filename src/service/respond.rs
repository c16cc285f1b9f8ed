//! What a respondent can do through an invitation link, shared by the HTML pages (`web::respond`)
//! and the JSON API (`api::respond`) so that both validate and store answers the same way.

use crate::domain::answers::{AnswerError, AnswerValue, Answers, check_complete, prune_hidden};
use crate::domain::definition::Definition;
use crate::domain::response::Progress;
use crate::domain::round::{RoundStatus, accepting_responses};
use crate::domain::scoring;
use crate::domain::secret::{hash_secret, keyed_hash};
use crate::service::Services;
use crate::store::responses::{self, Write};
use crate::store::{DbError, audit, invitations, rounds};
use chrono::Utc;
use entity::{invitation, organisation, response, round};
use serde_json::json;
use std::sync::Arc;

/// Everything about one invitation that a page or route needs.
pub struct Context {
    pub invitation: invitation::Model,
    pub round: round::Model,
    pub organisation: organisation::Model,
    pub definition: Arc<Definition>,
    pub response: Option<response::Model>,
    pub answers: Answers,
    /// `round.status` and `response.status`, parsed when the link was opened; write a new
    /// response through [`Context::replace_response`] so that the two stay in step.
    pub round_status: RoundStatus,
    pub progress: Progress,
}

impl Context {
    /// Puts a response just written in place of the one read, keeping `progress` in step.
    pub fn replace_response(&mut self, response: response::Model) -> Result<(), DbError> {
        self.progress = Progress::of(Some(responses::status(&response)?));
        self.response = Some(response);
        Ok(())
    }

    /// 0 until the first save.
    pub fn revision(&self) -> i32 {
        self.response.as_ref().map_or(0, |r| r.revision)
    }

    pub fn is_submitted(&self) -> bool {
        self.progress == Progress::Submitted
    }

    pub fn accepting(&self) -> bool {
        let r = &self.round;
        accepting_responses(self.round_status, r.opens_at, r.closes_at, Utc::now())
    }

    /// The key of the pages rendered from this context (see [`check_link`]).
    pub fn page_key(&self) -> PageKey {
        PageKey {
            invitation: self.invitation.id,
            version: self.round.survey_version_id,
            round_changed: self.round.updated_at.timestamp_micros(),
            organisation: self.organisation.revision,
            response: self.revision(),
        }
    }

    /// How the respondent is named in the audit trail.
    pub fn actor(&self) -> String {
        format!("respondent:{}", self.organisation.code)
    }

    /// The token respondent forms must carry. It is tied to the link, so a page from one link
    /// cannot be replayed against another, and it needs the server's key to make.
    pub fn csrf_token(&self, state: &Services) -> String {
        keyed_hash(
            &state.keys.csrf,
            &format!("csrf:{}", self.invitation.secret_hash),
        )
    }
}

/// What a respondent's page as rendered depends on, besides the page itself: the invitation, the
/// survey version, the round's last change, the organisation's revision and the response's. A
/// page rendered for one key can be served again while the key is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    invitation: i32,
    version: i32,
    round_changed: i64,
    organisation: i32,
    response: i32,
}

impl PageKey {
    /// A short tag for an `ETag` header.
    pub fn tag(&self) -> String {
        format!(
            "{:x}-{:x}-{:x}-{:x}-{:x}",
            self.invitation, self.version, self.round_changed, self.organisation, self.response
        )
    }
}

/// A link's state now, read in one lookup: whether its pages may be served from what was
/// rendered before.
pub struct LinkCheck {
    pub key: PageKey,
    /// Whether the round accepts responses now; if not, the page says so instead.
    pub accepting: bool,
}

/// The state of the link with this secret, or `None` for an unknown or revoked link.
pub async fn check_link(state: &Services, secret: &str) -> Result<Option<LinkCheck>, DbError> {
    if secret.len() != 40 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(link) = invitations::link_state(&state.db, &hash_secret(secret)).await? else {
        return Ok(None);
    };
    let status = RoundStatus::parse(&link.round_status)?;
    Ok(Some(LinkCheck {
        accepting: accepting_responses(status, link.opens_at, link.closes_at, Utc::now()),
        key: PageKey {
            invitation: link.invitation_id,
            version: link.survey_version_id,
            round_changed: link.round_updated_at.timestamp_micros(),
            organisation: link.organisation_revision,
            response: link.response_revision,
        },
    }))
}

/// What a link leads to.
pub enum Access {
    /// The round accepts responses (or the response can be read after the round closed).
    Found(Box<Context>),
    /// No active invitation has this secret: unknown and revoked links look the same.
    NotFound,
}

/// Resolves a link's secret to its invitation, round, organisation, definition and response.
pub async fn open(state: &Services, secret: &str) -> Result<Access, DbError> {
    // Real secrets are 40 hex characters; anything else cannot match, so skip the query.
    if secret.len() != 40 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Access::NotFound);
    }
    let db = &state.db;
    let Some((invitation, round, organisation)) =
        invitations::find_active_with_context(db, &hash_secret(secret)).await?
    else {
        return Ok(Access::NotFound);
    };
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await?;
    let (response, answers) = responses::find_with_answers(db, round.id, organisation.id).await?;
    let progress = Progress::of(response.as_ref().map(responses::status).transpose()?);
    Ok(Access::Found(Box::new(Context {
        round_status: rounds::status(&round)?,
        progress,
        invitation,
        round,
        organisation,
        definition,
        response,
        answers,
    })))
}

/// Why a save or submission did not happen.
pub enum Refusal {
    /// Answers failed validation; each error names its question.
    Invalid(Vec<AnswerError>),
    /// Someone saved since this writer read the response.
    Stale {
        current_revision: i32,
    },
    /// The round is not accepting responses.
    Closed,
    Db(DbError),
}

impl From<DbError> for Refusal {
    fn from(err: DbError) -> Self {
        Refusal::Db(err)
    }
}

/// Applies `changes` (a value to set, or `None` to clear) on top of the stored answers, drops
/// answers to questions that are now hidden, and saves if the response is still at
/// `expected_revision`. A submitted response stays submitted only while complete: it is
/// re-scored at once, and the earlier values go into the audit trail.
pub async fn save(
    state: &Services,
    ctx: &Context,
    expected_revision: i32,
    changes: Vec<(String, Option<AnswerValue>)>,
) -> Result<(response::Model, Answers), Refusal> {
    if !ctx.accepting() {
        return Err(Refusal::Closed);
    }
    let merged = merge(ctx, changes);
    let card = if ctx.is_submitted() {
        let missing = check_complete(&ctx.definition, &merged);
        if !missing.is_empty() {
            return Err(Refusal::Invalid(missing));
        }
        Some(scoring::score(&ctx.definition, &merged))
    } else {
        None
    };
    let tx = state.db.begin_write().await?;
    still_accepting(&*tx, ctx).await?;
    let saved = save_in(&*tx, ctx, expected_revision, &merged).await?;
    if let Some(card) = &card {
        responses::replace_scores(&*tx, &saved, &ctx.definition, card).await?;
        let earlier: serde_json::Map<String, serde_json::Value> = ctx
            .answers
            .iter()
            .filter(|(k, v)| merged.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
            .collect();
        audit::record(
            &*tx,
            audit::Event {
                actor: &ctx.actor(),
                action: "response.amend",
                subject_type: "response",
                subject_id: Some(format!("{}/{}", ctx.round.code, ctx.organisation.code)),
                details: json!({ "revision": saved.revision, "earlier_values": earlier }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok((saved, merged))
}

/// The stored answers with `changes` applied, less answers to questions they hide.
fn merge(ctx: &Context, changes: Vec<(String, Option<AnswerValue>)>) -> Answers {
    let mut merged = ctx.answers.clone();
    for (key, value) in changes {
        match value {
            Some(v) => merged.insert(key, v),
            None => merged.remove(&key),
        };
    }
    prune_hidden(&ctx.definition, &mut merged);
    merged
}

/// Saves `changes` and submits the result in one transaction, for clients that send a whole
/// response at once. Nothing is saved unless the answers, once merged, are complete. A response
/// that is already submitted is saved as [`save`] does (it stays submitted, re-scored, and the
/// amendment is recorded).
pub async fn save_and_submit(
    state: &Services,
    ctx: &Context,
    expected_revision: i32,
    changes: Vec<(String, Option<AnswerValue>)>,
) -> Result<(response::Model, Answers), Refusal> {
    if ctx.is_submitted() {
        return save(state, ctx, expected_revision, changes).await;
    }
    if !ctx.accepting() {
        return Err(Refusal::Closed);
    }
    let merged = merge(ctx, changes);
    let missing = check_complete(&ctx.definition, &merged);
    if !missing.is_empty() {
        return Err(Refusal::Invalid(missing));
    }
    let card = scoring::score(&ctx.definition, &merged);
    let tx = state.db.begin_write().await?;
    still_accepting(&*tx, ctx).await?;
    // One statement saves and marks submitted (two revisions, as a save and then a submission
    // would make); then the scores and the audit event, as a submission records them.
    let submitted = match responses::save(
        &*tx,
        ctx.round.id,
        ctx.organisation.id,
        expected_revision,
        (&ctx.answers, &merged),
        Some(&ctx.actor()),
    )
    .await?
    {
        Write::Done(model) => model,
        Write::Stale { current_revision } => return Err(Refusal::Stale { current_revision }),
    };
    responses::replace_scores(&*tx, &submitted, &ctx.definition, &card).await?;
    record_submission(&*tx, ctx, &submitted, &card, &merged).await?;
    tx.commit().await?;
    Ok((submitted, merged))
}

/// Submits the response as stored, if complete and still at `expected_revision`: scores it, and
/// records the submitted answers in the audit trail (so an amended response keeps its history).
pub async fn submit(
    state: &Services,
    ctx: &Context,
    expected_revision: i32,
) -> Result<response::Model, Refusal> {
    if !ctx.accepting() {
        return Err(Refusal::Closed);
    }
    if ctx.response.is_none() {
        return Err(Refusal::Invalid(check_complete(
            &ctx.definition,
            &ctx.answers,
        )));
    }
    let missing = check_complete(&ctx.definition, &ctx.answers);
    if !missing.is_empty() {
        return Err(Refusal::Invalid(missing));
    }
    let card = scoring::score(&ctx.definition, &ctx.answers);
    let tx = state.db.begin_write().await?;
    still_accepting(&*tx, ctx).await?;
    let submitted = submit_in(&*tx, ctx, expected_revision, &card, &ctx.answers).await?;
    tx.commit().await?;
    Ok(submitted)
}

/// Within the caller's write transaction: whether the round still accepts responses. The round
/// is held until the transaction ends (`FOR SHARE` on PostgreSQL; SQLite's write transaction
/// already serialises writers), so a close that committed since the link was opened is seen
/// here, and a close that comes later waits for this write: nothing is saved after a close.
async fn still_accepting(db: &impl sea_orm::ConnectionTrait, ctx: &Context) -> Result<(), Refusal> {
    let round = rounds::hold(db, ctx.round.id)
        .await?
        .ok_or(Refusal::Closed)?;
    let status = rounds::status(&round)?;
    if accepting_responses(status, round.opens_at, round.closes_at, Utc::now()) {
        Ok(())
    } else {
        Err(Refusal::Closed)
    }
}

/// Within the caller's transaction: writes `merged` over the stored answers if the response is
/// still at `expected_revision` (creating the response at the first save).
async fn save_in(
    db: &impl sea_orm::ConnectionTrait,
    ctx: &Context,
    expected_revision: i32,
    merged: &Answers,
) -> Result<response::Model, Refusal> {
    let (round_id, organisation_id) = (ctx.round.id, ctx.organisation.id);
    match responses::save(
        db,
        round_id,
        organisation_id,
        expected_revision,
        (&ctx.answers, merged),
        None,
    )
    .await?
    {
        Write::Done(model) => Ok(model),
        Write::Stale { current_revision } => Err(Refusal::Stale { current_revision }),
    }
}

/// Within the caller's transaction: marks the response submitted if still at
/// `expected_revision`, stores its scores, and records the submitted `answers` in the audit trail.
async fn submit_in(
    db: &impl sea_orm::ConnectionTrait,
    ctx: &Context,
    expected_revision: i32,
    card: &scoring::ScoreCard,
    answers: &Answers,
) -> Result<response::Model, Refusal> {
    let submitted = match responses::submit(
        db,
        ctx.round.id,
        ctx.organisation.id,
        expected_revision,
        &ctx.actor(),
        &ctx.definition,
        card,
    )
    .await?
    {
        Write::Done(model) => model,
        Write::Stale { current_revision } => return Err(Refusal::Stale { current_revision }),
    };
    record_submission(db, ctx, &submitted, card, answers).await?;
    Ok(submitted)
}

/// Records a submission and the submitted `answers` in the audit trail (so an amended response
/// keeps its history).
async fn record_submission(
    db: &impl sea_orm::ConnectionTrait,
    ctx: &Context,
    submitted: &response::Model,
    card: &scoring::ScoreCard,
    answers: &Answers,
) -> Result<(), DbError> {
    audit::record(
        db,
        audit::Event {
            actor: &ctx.actor(),
            action: "response.submit",
            subject_type: "response",
            subject_id: Some(format!("{}/{}", ctx.round.code, ctx.organisation.code)),
            details: json!({
                "revision": submitted.revision,
                "overall": card.overall,
                "answers": answers,
                "submitted_at": Utc::now(),
            }),
        },
    )
    .await
}
