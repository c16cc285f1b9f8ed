//! Opening a respondent's link: what it leads to (its invitation, round, organisation,
//! definition and response), and, in one lookup, whether what was rendered for it still holds.

use crate::domain::answers::Answers;
use crate::domain::definition::Definition;
use crate::domain::language::Language;
use crate::domain::response::Progress;
use crate::domain::round::{RoundStatus, accepting_responses};
use crate::domain::secret::{hash_secret, keyed_hash};
use crate::service::{ServiceResult, Services};
use crate::store::{invitations, responses, rounds};
use chrono::Utc;
use entity::{invitation, organisation, response, round};
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
    pub fn replace_response(&mut self, response: response::Model) -> ServiceResult<()> {
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
    language: Option<String>,
}

/// The state of the link with this secret, or `None` for an unknown or revoked link.
pub async fn check_link(state: &Services, secret: &str) -> ServiceResult<Option<LinkCheck>> {
    if secret.len() != 40 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let Some(link) = invitations::link_state(&state.db, &hash_secret(secret)).await? else {
        return Ok(None);
    };
    let status = RoundStatus::parse(&link.round_status).map_err(crate::store::DbError::from)?;
    Ok(Some(LinkCheck {
        accepting: accepting_responses(status, link.opens_at, link.closes_at, Utc::now()),
        language: link.language,
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
pub async fn open(state: &Services, secret: &str) -> ServiceResult<Access> {
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

impl Context {
    /// The language the respondent chose for this link earlier, if any.
    pub fn stored_language(&self) -> Option<Language> {
        self.invitation
            .language
            .as_deref()
            .and_then(Language::parse)
    }
}

impl LinkCheck {
    /// The language the respondent chose for this link earlier, if any.
    pub fn stored_language(&self) -> Option<Language> {
        self.language.as_deref().and_then(Language::parse)
    }
}

/// Remembers the language the respondent chose for this link's pages, in the database so that
/// every server instance (and another device) shows them in it. A display preference, so not
/// in the audit trail.
pub async fn choose_language(
    state: &Services,
    ctx: &mut Context,
    language: Language,
) -> ServiceResult<()> {
    if ctx.stored_language() == Some(language) {
        return Ok(());
    }
    let tx = state.db.begin_write().await?;
    invitations::set_language(&*tx, ctx.invitation.id, language.code()).await?;
    tx.commit().await?;
    ctx.invitation.language = Some(language.code().to_owned());
    Ok(())
}
