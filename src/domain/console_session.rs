//! The operator console's sessions: when one has expired, and its CSRF token. Pure: the store
//! keeps the rows, `service::console` applies these rules, `web::admin` carries the cookie.
//!
//! A session ends at the first of: sign-out, `idle` without a request, `absolute` after sign-in,
//! or its API key being revoked.

use crate::domain::secret::{keyed_hash, same_secret};
use chrono::{DateTime, Duration, Utc};

/// Default idle expiry: a console left alone this long must be signed in to again.
pub const DEFAULT_IDLE_MINUTES: i64 = 30;
/// Default absolute expiry: however busy, a session ends this long after sign-in.
pub const DEFAULT_ABSOLUTE_HOURS: i64 = 12;

/// A session's last use is written at most this often, so that reads do not each become a write.
/// The idle expiry is therefore exact to within this much.
pub const TOUCH_RESOLUTION: Duration = Duration::seconds(60);

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::minutes(DEFAULT_IDLE_MINUTES),
            absolute: Duration::hours(DEFAULT_ABSOLUTE_HOURS),
        }
    }
}

/// What a stored session is worth at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Usable; `touch` says whether its last use should be written now.
    Live { touch: bool },
    /// Nothing happened in it for longer than the idle expiry.
    Idle,
    /// It is older than the absolute expiry.
    Expired,
    /// Its holder signed out.
    Ended,
}

impl SessionPolicy {
    /// The state at `now` of a session signed in at `created_at`, last used at `last_seen_at`,
    /// and signed out at `ended_at` (if it was).
    pub fn state(
        &self,
        created_at: DateTime<Utc>,
        last_seen_at: DateTime<Utc>,
        ended_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> SessionState {
        if ended_at.is_some() {
            SessionState::Ended
        } else if now >= created_at + self.absolute {
            SessionState::Expired
        } else if now >= last_seen_at + self.idle {
            SessionState::Idle
        } else {
            SessionState::Live {
                touch: now - last_seen_at >= TOUCH_RESOLUTION,
            }
        }
    }
}

/// The CSRF token of the session whose stored hash is `session_hash`: a keyed hash, so it cannot
/// be made without the server's key, and it changes with every session.
pub fn csrf_token(key: &[u8], session_hash: &str) -> String {
    keyed_hash(key, &format!("console-session:{session_hash}"))
}

/// The CSRF token of a sign-in form, bound to the random value in the browser's sign-in cookie
/// (a double-submit token: a page on another site can neither read the cookie nor make the
/// token).
pub fn sign_in_token(key: &[u8], nonce: &str) -> String {
    keyed_hash(key, &format!("console-sign-in:{nonce}"))
}

/// Whether a posted token is the expected one (compared in constant time; empty never matches).
pub fn token_matches(posted: &str, expected: &str) -> bool {
    !posted.is_empty() && same_secret(posted, expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes)
    }

    const POLICY: SessionPolicy = SessionPolicy {
        idle: Duration::minutes(30),
        absolute: Duration::hours(12),
    };

    #[test]
    fn a_session_used_within_the_idle_limit_lives_until_the_absolute_limit() {
        assert_eq!(
            POLICY.state(at(0), at(0), None, at(0)),
            SessionState::Live { touch: false }
        );
        assert_eq!(
            POLICY.state(at(0), at(700), None, at(719)),
            SessionState::Live { touch: true }
        );
        assert_eq!(
            POLICY.state(at(0), at(715), None, at(720)),
            SessionState::Expired
        );
    }

    #[test]
    fn a_session_left_alone_for_the_idle_limit_has_expired() {
        assert_eq!(POLICY.state(at(0), at(10), None, at(39)), {
            SessionState::Live { touch: true }
        });
        assert_eq!(
            POLICY.state(at(0), at(10), None, at(40)),
            SessionState::Idle
        );
    }

    #[test]
    fn a_signed_out_session_is_ended_whatever_the_time() {
        assert_eq!(
            POLICY.state(at(0), at(0), Some(at(1)), at(1)),
            SessionState::Ended
        );
    }

    #[test]
    fn last_use_is_written_at_most_once_a_minute() {
        let s = |secs| POLICY.state(at(0), at(0), None, at(0) + Duration::seconds(secs));
        assert_eq!(s(59), SessionState::Live { touch: false });
        assert_eq!(s(60), SessionState::Live { touch: true });
    }

    #[test]
    fn csrf_tokens_differ_per_session_and_per_key_and_only_the_right_one_matches() {
        let a = csrf_token(b"key", "hash-a");
        assert_eq!(a, csrf_token(b"key", "hash-a"));
        assert_ne!(a, csrf_token(b"key", "hash-b"));
        assert_ne!(a, csrf_token(b"other", "hash-a"));
        assert_ne!(a, sign_in_token(b"key", "hash-a"));
        assert!(token_matches(&a, &a));
        assert!(!token_matches("", ""));
        assert!(!token_matches(&a[..10], &a));
        assert!(!token_matches(&csrf_token(b"key", "hash-b"), &a));
    }
}
