//! Opening a respondent's link: what it leads to (its invitation, round, organisation,
//! definition and response), and, in one lookup, whether what was rendered for it still holds.

use crate::domain::answers::Answers;
use crate::domain::definition::Definition;
use crate::domain::delegation::Hand;
use crate::domain::language::Language;
use crate::domain::response::Progress;
use crate::domain::round::{RoundStatus, accepting_responses};
use crate::domain::secret::{hash_secret, keyed_hash};
use crate::service::{ServiceResult, Services};
use crate::store::delegates::{self, Delegation};
use crate::store::{answers, invitations, link_state, response_sections, responses, rounds};
use chrono::Utc;
use entity::{invitation, organisation, response, round};
use std::collections::BTreeMap;
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
    /// Who holds this link: the lead (the invitation's holder) or one of their delegates.
    pub hand: Hand,
    /// The link's own secret hash (the invitation's, or the delegate's).
    link_hash: String,
    /// Who is answering which section and who saved what (empty until the lead delegates).
    pub hands: Hands,
}

/// Who is answering a response: the lead's delegates and the sections each holds, and who
/// last saved each section and each answer (`lead`, `delegate:<id>`).
#[derive(Default)]
pub struct Hands {
    pub delegates: Vec<DelegateView>,
    pub section_saved_by: BTreeMap<String, String>,
    pub answered_by: BTreeMap<String, String>,
}

/// A delegate as the lead sees it.
pub struct DelegateView {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub created_at: chrono::DateTime<Utc>,
    /// The sections they hold now, each with whether they marked it ready.
    pub sections: Vec<(String, bool)>,
}

impl From<Delegation> for DelegateView {
    fn from(d: Delegation) -> Self {
        DelegateView {
            id: d.delegate.id,
            name: d.delegate.name,
            email: d.delegate.email,
            created_at: d.delegate.created_at,
            sections: d
                .sections
                .into_iter()
                .map(|s| (s.section_key, s.ready_at.is_some()))
                .collect(),
        }
    }
}

impl Hands {
    /// The delegate who holds a section now, and whether they marked it ready.
    pub fn holder(&self, section: &str) -> Option<(&DelegateView, bool)> {
        self.delegates.iter().find_map(|d| {
            d.sections
                .iter()
                .find(|(k, _)| k == section)
                .map(|(_, ready)| (d, *ready))
        })
    }
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
            hand: self.hand.id(),
            delegations: self.invitation.delegation_revision,
        }
    }

    /// How the respondent is named in the audit trail: a delegate by id, never by address.
    pub fn actor(&self) -> String {
        match &self.hand {
            Hand::Lead => format!("respondent:{}", self.organisation.code),
            hand => format!("respondent:{}/{}", self.organisation.code, hand.label()),
        }
    }

    /// The token respondent forms must carry. It is tied to the link, so a page from one link
    /// cannot be replayed against another, and it needs the server's key to make.
    pub fn csrf_token(&self, state: &Services) -> String {
        keyed_hash(&state.keys.csrf, &format!("csrf:{}", self.link_hash))
    }
}

/// What a respondent's page as rendered depends on, besides the page itself: the invitation, the
/// survey version, the round's last change, the organisation's revision and the response's, who
/// is looking (the lead, or which delegate) and the invitation's delegations. A page rendered for
/// one key can be served again while the key is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    invitation: i32,
    version: i32,
    round_changed: i64,
    organisation: i32,
    response: i32,
    /// 0 for the lead, the delegate's id otherwise: a delegate and the lead see different pages.
    hand: i32,
    delegations: i32,
}

impl PageKey {
    /// A short tag for an `ETag` header.
    pub fn tag(&self) -> String {
        format!(
            "{:x}-{:x}-{:x}-{:x}-{:x}-{:x}-{:x}",
            self.invitation,
            self.version,
            self.round_changed,
            self.organisation,
            self.response,
            self.hand,
            self.delegations
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
    let hash = hash_secret(secret);
    let (link, hand) = match link_state::link_state(&state.db, &hash).await? {
        Some(link) => (link, 0),
        None => {
            let Some(delegate) = delegates::find_active(&state.db, &hash).await? else {
                return Ok(None);
            };
            match link_state::link_state_of(&state.db, delegate.invitation_id).await? {
                Some(link) => (link, delegate.id),
                None => return Ok(None),
            }
        }
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
            hand,
            delegations: link.delegation_revision,
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
    let hash = hash_secret(secret);
    // A lead's link comes with the response and its answers; a delegate's reads them after.
    let (invitation, round, organisation, hand, mut hands, read) =
        match invitations::find_active_with_context(db, &hash).await? {
            Some(link) => {
                let hands = Hands {
                    delegates: if link.invitation.delegation_revision > 0 {
                        delegates::of_invitation(db, link.invitation.id)
                            .await?
                            .into_iter()
                            .map(DelegateView::from)
                            .collect()
                    } else {
                        Vec::new()
                    },
                    ..Hands::default()
                };
                let read = Some((link.response, link.answers));
                (
                    link.invitation,
                    link.round,
                    link.organisation,
                    Hand::Lead,
                    hands,
                    read,
                )
            }
            None => match delegates::find_active_with_context(db, &hash).await? {
                Some(link) => {
                    let hand = Hand::Delegate {
                        id: link.delegate.id,
                        sections: link
                            .sections
                            .iter()
                            .map(|s| s.section_key.clone())
                            .collect(),
                    };
                    let hands = Hands {
                        delegates: vec![DelegateView::from(Delegation {
                            delegate: link.delegate,
                            sections: link.sections,
                        })],
                        ..Hands::default()
                    };
                    (
                        link.invitation,
                        link.round,
                        link.organisation,
                        hand,
                        hands,
                        None,
                    )
                }
                None => return Ok(Access::NotFound),
            },
        };
    let definition = state
        .definitions
        .get(&state.db, round.survey_version_id)
        .await?;
    let (response, answers) = match read {
        Some(read) => read,
        None => answers::find_with_answers(db, round.id, organisation.id).await?,
    };
    if let Some(r) = &response
        && invitation.delegation_revision > 0
    {
        hands.section_saved_by = response_sections::saved_by(db, r.id).await?;
        hands.answered_by = response_sections::answered_by(db, r.id).await?;
    }
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
        hand,
        link_hash: hash,
        hands,
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
