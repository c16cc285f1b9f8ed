//! What a respondent can do through an invitation link, shared by the HTML pages (`web::respond`)
//! and the JSON API (`api::respond`) so that both validate and store answers the same way.

use crate::domain::answers::{AnswerError, AnswerValue, Answers, check_complete, prune_hidden};
use crate::domain::definition::Definition;
use crate::domain::delegation::sections_of;
use crate::domain::response::ResponseStatus;
use crate::domain::round::accepting_responses;
use crate::domain::scoring;
use crate::service::{ServiceError, Services};

pub mod delegates;
mod link;
use crate::store::answers;
use crate::store::response_sections::{self, Claim};
use crate::store::responses::{self, Write};
use crate::store::submissions::{self, Submitted};
use crate::store::{DbError, audit, rounds};
use chrono::Utc;
use entity::response;
pub use link::{
    Access, Context, DelegateView, Hands, LinkCheck, PageKey, check_link, choose_language, open,
};
use serde_json::json;

/// Why a save or submission did not happen.
pub enum Refusal {
    /// Answers failed validation; each error names its question.
    Invalid(Vec<AnswerError>),
    /// Someone saved since this writer read the response.
    Stale { current_revision: i32 },
    /// The round is not accepting responses.
    Closed,
    /// This link may not do it: a delegate outside their sections, submitting, or changing a
    /// submitted response.
    Forbidden(String),
    /// The operation failed (the database did not answer, or a bug).
    Failed(ServiceError),
}

impl From<DbError> for Refusal {
    fn from(err: DbError) -> Self {
        Refusal::Failed(err.into())
    }
}

/// Applies `changes` (a value to set, or `None` to clear) on top of the stored answers, drops
/// answers to questions that are now hidden, and saves if none of the sections the changes
/// touch was saved since `expected_revision` (see `store::response_sections`: colleagues
/// saving different sections at once both land). A submitted response stays submitted only
/// while complete: it is re-scored at once, and the earlier values go into the audit trail. A
/// delegate may change only their sections, and not a submitted response; their saves are
/// recorded in the audit trail.
pub async fn save(
    state: &Services,
    ctx: &Context,
    expected_revision: i32,
    changes: Vec<(String, Option<AnswerValue>)>,
) -> Result<(response::Model, Answers), Refusal> {
    if !ctx.accepting() {
        return Err(Refusal::Closed);
    }
    let touched = sections_of(&ctx.definition, changes.iter().map(|(k, _)| k));
    if let Some(outside) = touched.iter().find(|s| !ctx.hand.holds(s)) {
        return Err(Refusal::Forbidden(format!(
            "Section {outside} was not given to you; only the sections you were asked to answer can be changed through this link."
        )));
    }
    let tx = state.db.begin_write().await?;
    still_accepting(&*tx, ctx).await?;
    let ids = (ctx.round.id, ctx.organisation.id);
    let (saved, base) = match response_sections::claim(&*tx, ids, expected_revision, &touched)
        .await?
    {
        // Nobody saved since this writer read the response, and this link read it at the
        // same revision: the answers in hand are the stored ones.
        Claim::Fresh(model) if model.revision - 1 == ctx.revision() => (model, ctx.answers.clone()),
        Claim::Fresh(model) | Claim::Moved(model) => {
            let fresh = answers::answers(&*tx, model.id).await?;
            (model, fresh)
        }
        Claim::Stale { current_revision } => return Err(Refusal::Stale { current_revision }),
    };
    let submitted = responses::status(&saved)? == ResponseStatus::Submitted;
    if submitted && !ctx.hand.is_lead() {
        return Err(Refusal::Forbidden(
            "The response has been submitted; only the lead can change it now.".to_owned(),
        ));
    }
    let merged = merge(&ctx.definition, &base, changes);
    let card = if submitted {
        let missing = check_complete(&ctx.definition, &merged);
        if !missing.is_empty() {
            return Err(Refusal::Invalid(missing));
        }
        Some(scoring::score(&ctx.definition, &merged))
    } else {
        None
    };
    let label = ctx.hand.label();
    let now = Utc::now();
    answers::write_answers(&*tx, saved.id, (&base, &merged), now, &label).await?;
    let written = written_sections(ctx, touched, &base, &merged);
    match &card {
        // An amendment of a submitted response is recorded as a submission is: its sections,
        // its scores and the audit event (with the values it replaced), together.
        Some(card) => {
            let earlier: serde_json::Map<String, serde_json::Value> = base
                .iter()
                .filter(|(k, v)| merged.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
                .collect();
            let details = json!({ "revision": saved.revision, "earlier_values": earlier });
            let actor = ctx.actor();
            let submitted = Submitted {
                response: &saved,
                sections: &written,
                saved_by: &label,
                now,
                definition: &ctx.definition,
                card,
                event: response_event(ctx, &actor, "response.amend", details),
            };
            submissions::record(&*tx, submitted).await?;
        }
        None => {
            response_sections::mark(&*tx, saved.id, &written, saved.revision, &label, now).await?
        }
    }
    if let crate::domain::delegation::Hand::Delegate { id, .. } = &ctx.hand {
        // A section saved again is not ready any more until its colleague says so again. The
        // response's revision changed, so every page that shows the mark is rendered afresh.
        crate::store::delegates::unready(&*tx, *id, written.iter().cloned()).await?;
        record_response_event(
            &*tx,
            ctx,
            "response.save",
            json!({ "revision": saved.revision, "sections": written, "by": label }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok((saved, merged))
}

/// The sections a save wrote: those its changes name, and those whose answers it cleared
/// because they became hidden.
fn written_sections(
    ctx: &Context,
    mut touched: std::collections::BTreeSet<String>,
    base: &Answers,
    merged: &Answers,
) -> std::collections::BTreeSet<String> {
    let changed: Vec<&String> = base
        .keys()
        .chain(merged.keys())
        .filter(|k| base.get(*k) != merged.get(*k))
        .collect();
    touched.extend(sections_of(&ctx.definition, changed));
    touched
}

async fn record_response_event(
    db: &impl sea_orm::ConnectionTrait,
    ctx: &Context,
    action: &str,
    details: serde_json::Value,
) -> Result<(), DbError> {
    let actor = ctx.actor();
    audit::record(db, response_event(ctx, &actor, action, details)).await
}

/// An audit event about the link's response.
fn response_event<'a>(
    ctx: &Context,
    actor: &'a str,
    action: &'a str,
    details: serde_json::Value,
) -> audit::Event<'a> {
    audit::Event {
        actor,
        action,
        subject_type: "response",
        subject_id: Some(format!("{}/{}", ctx.round.code, ctx.organisation.code)),
        details,
    }
}

/// The stored answers with `changes` applied, less answers to questions they hide.
fn merge(
    definition: &Definition,
    base: &Answers,
    changes: Vec<(String, Option<AnswerValue>)>,
) -> Answers {
    let mut merged = base.clone();
    for (key, value) in changes {
        match value {
            Some(v) => merged.insert(key, v),
            None => merged.remove(&key),
        };
    }
    prune_hidden(definition, &mut merged);
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
    if !ctx.hand.is_lead() {
        return Err(only_the_lead());
    }
    if ctx.is_submitted() {
        return save(state, ctx, expected_revision, changes).await;
    }
    if !ctx.accepting() {
        return Err(Refusal::Closed);
    }
    let touched = sections_of(&ctx.definition, changes.iter().map(|(k, _)| k));
    let merged = merge(&ctx.definition, &ctx.answers, changes);
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
        &ctx.hand.label(),
    )
    .await?
    {
        Write::Done(model) => model,
        Write::Stale { current_revision } => return Err(Refusal::Stale { current_revision }),
    };
    let written = written_sections(ctx, touched, &ctx.answers, &merged);
    let (label, actor) = (ctx.hand.label(), ctx.actor());
    submissions::record(
        &*tx,
        Submitted {
            response: &submitted,
            sections: &written,
            saved_by: &label,
            now: Utc::now(),
            definition: &ctx.definition,
            card: &card,
            event: submission_event(ctx, &actor, &submitted, &card, &merged),
        },
    )
    .await?;
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
    if !ctx.hand.is_lead() {
        return Err(only_the_lead());
    }
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
    let actor = ctx.actor();
    audit::record(db, submission_event(ctx, &actor, submitted, card, answers)).await
}

/// The audit event of a submission, with the submitted answers.
fn submission_event<'a>(
    ctx: &Context,
    actor: &'a str,
    submitted: &response::Model,
    card: &scoring::ScoreCard,
    answers: &Answers,
) -> audit::Event<'a> {
    let details = json!({
        "revision": submitted.revision,
        "overall": card.overall,
        "answers": answers,
        "submitted_at": Utc::now(),
    });
    response_event(ctx, actor, "response.submit", details)
}

fn only_the_lead() -> Refusal {
    Refusal::Forbidden(
        "Only the holder of the organisation's invitation link can submit the response.".to_owned(),
    )
}
