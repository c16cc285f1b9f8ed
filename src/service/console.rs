//! The operator console's sign-in, sessions and sign-out. A person pastes an API key once; the
//! key is checked exactly as the API checks it ([`super::keys::authenticate`]) and exchanged for
//! a session whose id only the browser holds (the database keeps its hash). The session acts
//! with the key's role and is named after the key in the audit trail.

use super::{ServiceResult, Services, keys, record};
use crate::domain::console_session::{SessionPolicy, SessionState, csrf_token};
use crate::domain::role::Role;
use crate::domain::secret::{Secret, hash_secret};
use crate::store::console_sessions;
use chrono::Utc;
use serde_json::json;

/// Who is using the console: the session and the key it was opened with.
#[derive(Clone, Debug)]
pub struct ConsoleUser {
    pub session_id: i32,
    pub key_prefix: String,
    pub key_name: String,
    pub role: Role,
    /// The token every form of this session must carry.
    pub csrf: String,
}

impl ConsoleUser {
    /// How this person is named in the audit trail: as their key is by the API.
    pub fn actor(&self) -> String {
        format!("key:{}", self.key_prefix)
    }
}

/// Why a session cannot be used, for the page that asks to sign in again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoSession {
    /// No such session, or its key was revoked.
    Unknown,
    Idle,
    Expired,
    Ended,
}

/// Signs in with an API key: `None` if the key is unknown or revoked; otherwise the new session
/// and the id for its cookie (shown to the browser once, stored only as a hash).
pub async fn sign_in(
    services: &Services,
    api_key: &str,
) -> ServiceResult<Option<(ConsoleUser, Secret)>> {
    let Some(key) = keys::authenticate(services, api_key.trim()).await? else {
        return Ok(None);
    };
    let tx = services.db.begin_write().await?;
    let (session, secret) = console_sessions::create(&*tx, key.id, Utc::now()).await?;
    let user = ConsoleUser {
        session_id: session.id,
        key_prefix: key.prefix,
        key_name: key.name,
        role: key.role,
        csrf: csrf_token(services.csrf_key(), &session.secret_hash),
    };
    record(
        &*tx,
        &user.actor(),
        "console.sign_in",
        &session.id.to_string(),
        json!({ "role": user.role.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(Some((user, secret)))
}

/// The person whose session id this is, if the session is still usable under `policy`; its last
/// use is noted (at most once a minute, best effort).
pub async fn session(
    services: &Services,
    session_id: &str,
    policy: &SessionPolicy,
) -> ServiceResult<Result<ConsoleUser, NoSession>> {
    let Some((session, key)) =
        console_sessions::find(&services.db, &hash_secret(session_id)).await?
    else {
        return Ok(Err(NoSession::Unknown));
    };
    let now = Utc::now();
    match policy.state(
        session.created_at,
        session.last_seen_at,
        session.ended_at,
        now,
    ) {
        SessionState::Live { touch } => {
            if touch && let Err(err) = console_sessions::touch(&services.db, session.id, now).await
            {
                tracing::warn!(error.cause = %err, "could not record a console session's use");
            }
            Ok(Ok(ConsoleUser {
                session_id: session.id,
                key_prefix: key.prefix,
                key_name: key.name,
                role: key.role,
                csrf: csrf_token(services.csrf_key(), &session.secret_hash),
            }))
        }
        SessionState::Idle => Ok(Err(NoSession::Idle)),
        SessionState::Expired => Ok(Err(NoSession::Expired)),
        SessionState::Ended => Ok(Err(NoSession::Ended)),
    }
}

/// Ends the session: its cookie signs nobody in from now on.
pub async fn sign_out(services: &Services, user: &ConsoleUser) -> ServiceResult<()> {
    let tx = services.db.begin_write().await?;
    if console_sessions::end(&*tx, user.session_id, Utc::now()).await? {
        record(
            &*tx,
            &user.actor(),
            "console.sign_out",
            &user.session_id.to_string(),
            json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
