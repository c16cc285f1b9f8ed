//! What the lead (the holder of an organisation's invitation link) does about colleagues:
//! hands sections to one, lists them, revokes one or takes a section back; and what a colleague
//! does: marks a section ready. Every change is in the audit trail, naming the delegate by id.

use super::{Context, DelegateView};
use crate::domain::delegation::{DelegateInput, Hand};
use crate::service::{ServiceError, ServiceResult, Services, mail, record};
use crate::store::{DbError, delegates};
use serde_json::json;

/// Most colleague links one invitation may make, revoked ones included: a link's holder cannot
/// fill the database by making and ending links in a loop. (At most one colleague holds a
/// section, so far fewer are ever active at once.)
pub const MAX_DELEGATES: u64 = 100;

/// A colleague just invited, with their link (shown once: only its hash is kept), and whether
/// the link was also queued to them by e-mail.
pub struct Invited {
    pub delegate: DelegateView,
    pub link: String,
    pub emailed: bool,
}

/// Hands `sections` to a new colleague. Only the lead may; a section another colleague holds
/// is refused (409); the round must accept responses.
pub async fn invite(
    state: &Services,
    ctx: &Context,
    name: &str,
    email: &str,
    sections: &[String],
) -> ServiceResult<Invited> {
    lead_only(ctx)?;
    open_round(ctx)?;
    let input = DelegateInput::parse(&ctx.definition, name, email, sections)
        .map_err(|issues| ServiceError::invalid("colleague", issues))?;
    let tx = state.db.begin_write().await?;
    if delegates::count_ever_locked(&*tx, ctx.invitation.id).await? >= MAX_DELEGATES {
        return Err(ServiceError::conflict(format!(
            "This link has made {MAX_DELEGATES} colleague links already; ask the survey team for a new link if you need more."
        )));
    }
    let held =
        delegates::held_sections(&*tx, ctx.invitation.id, input.sections.iter().cloned()).await?;
    if !held.is_empty() {
        return Err(taken(&held));
    }
    let (model, secret) = match delegates::create(&*tx, ctx.invitation.id, &input).await {
        Ok(made) => made,
        // Another request gave one of the sections away at the same moment.
        Err(DbError::Conflict(_)) => return Err(taken(&[])),
        Err(err) => return Err(err.into()),
    };
    // Queued in the same transaction: exactly one message per colleague link, sent by the
    // outbox worker after the answer (never inside this request).
    let emailed = mail::queue_colleague(&*tx, &ctx.invitation, &model, &secret).await?;
    record(
        &*tx,
        &ctx.actor(),
        "delegate.create",
        &subject(ctx),
        json!({ "delegate": model.id, "sections": input.sections, "emailed": u8::from(emailed) }),
    )
    .await?;
    tx.commit().await?;
    Ok(Invited {
        emailed,
        link: crate::service::invitations::respond_link(state, secret.expose()),
        delegate: DelegateView {
            id: model.id,
            name: model.name,
            email: model.email,
            created_at: model.created_at,
            sections: input.sections.into_iter().map(|s| (s, false)).collect(),
        },
    })
}

/// The lead's colleagues and the sections each holds.
pub async fn list(state: &Services, ctx: &Context) -> ServiceResult<Vec<DelegateView>> {
    lead_only(ctx)?;
    Ok(delegates::of_invitation(&state.db, ctx.invitation.id)
        .await?
        .into_iter()
        .map(DelegateView::from)
        .collect())
}

/// Ends a colleague's link; their sections return to the lead. Their answers stay.
pub async fn revoke(state: &Services, ctx: &Context, delegate_id: i32) -> ServiceResult<()> {
    lead_only(ctx)?;
    let tx = state.db.begin_write().await?;
    if !delegates::revoke(&*tx, ctx.invitation.id, delegate_id).await? {
        return Err(ServiceError::not_found(
            "There is no such colleague on this link.",
        ));
    }
    record(
        &*tx,
        &ctx.actor(),
        "delegate.revoke",
        &subject(ctx),
        json!({ "delegate": delegate_id }),
    )
    .await?;
    mail::forget_colleagues(&*tx, &[delegate_id]).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a section back from a colleague: their link no longer opens it.
pub async fn take_back(
    state: &Services,
    ctx: &Context,
    delegate_id: i32,
    section: &str,
) -> ServiceResult<()> {
    lead_only(ctx)?;
    let tx = state.db.begin_write().await?;
    if !delegates::take_back(&*tx, ctx.invitation.id, delegate_id, section).await? {
        return Err(ServiceError::not_found(
            "That colleague does not hold that section.",
        ));
    }
    record(
        &*tx,
        &ctx.actor(),
        "delegate.take_back",
        &subject(ctx),
        json!({ "delegate": delegate_id, "section": section }),
    )
    .await?;
    // A colleague left with no section has a link that opens nothing: it is not mailed.
    if delegates::sections_of(&*tx, delegate_id).await?.is_empty() {
        mail::forget_colleagues(&*tx, &[delegate_id]).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A colleague marks one of their sections ready for the lead (or not ready again).
pub async fn mark_ready(
    state: &Services,
    ctx: &Context,
    section: &str,
    ready: bool,
) -> ServiceResult<()> {
    let Hand::Delegate { id, .. } = ctx.hand else {
        return Err(ServiceError::Forbidden(
            "Only a colleague marks their sections ready; the lead submits the response."
                .to_owned(),
        ));
    };
    if !ctx.hand.holds(section) {
        return Err(ServiceError::Forbidden(
            "That section was not given to you.".to_owned(),
        ));
    }
    let tx = state.db.begin_write().await?;
    if !delegates::mark_ready(&*tx, ctx.invitation.id, id, section, ready).await? {
        return Err(ServiceError::Forbidden(
            "That section was not given to you.".to_owned(),
        ));
    }
    record(
        &*tx,
        &ctx.actor(),
        "delegate.ready",
        &subject(ctx),
        json!({ "delegate": id, "section": section, "ready": ready }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn lead_only(ctx: &Context) -> ServiceResult<()> {
    if ctx.hand.is_lead() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "Only the holder of the organisation's invitation link can manage colleagues."
                .to_owned(),
        ))
    }
}

fn open_round(ctx: &Context) -> ServiceResult<()> {
    if ctx.accepting() {
        Ok(())
    } else {
        Err(ServiceError::Gone(format!(
            "Round {} is not accepting responses.",
            ctx.round.code
        )))
    }
}

fn taken(held: &[String]) -> ServiceError {
    ServiceError::conflict(if held.is_empty() {
        "A section you chose was just given to another colleague; take it back first.".to_owned()
    } else {
        format!(
            "Already given to another colleague: {}. Take a section back before giving it to someone else.",
            held.join(", ")
        )
    })
}

fn subject(ctx: &Context) -> String {
    format!("{}/{}", ctx.round.code, ctx.organisation.code)
}
