//! The states of secret links: an organisation's invitation to a round, and a report's share
//! link. Neither has a status column: the state follows from `revoked_at` (and, for a share,
//! `expires_at`), and revoking is setting `revoked_at` where it is still null.

use super::state::{TransitionError, status_enum};
use chrono::{DateTime, Utc};

status_enum! {
    /// Whether an invitation link still works.
    InvitationState("invitation") {
        Active => "active",
        /// Replaced or withdrawn; answers saved through it are kept.
        Revoked => "revoked",
    }
}

impl InvitationState {
    pub fn of(revoked_at: Option<DateTime<Utc>>) -> InvitationState {
        match revoked_at {
            None => InvitationState::Active,
            Some(_) => InvitationState::Revoked,
        }
    }

    /// Active to revoked.
    pub fn revoke(self) -> Result<InvitationState, TransitionError> {
        match self {
            InvitationState::Active => Ok(InvitationState::Revoked),
            InvitationState::Revoked => Err(TransitionError::new(
                self.as_str(),
                "it already stopped working",
            )),
        }
    }
}

status_enum! {
    /// Whether a report share link still opens the report, as the API shows it.
    ShareStatus("share") {
        Active => "active",
        /// Past `expires_at`.
        Expired => "expired",
        Revoked => "revoked",
    }
}

impl ShareStatus {
    /// A revoked share reads as revoked even after it would have expired.
    pub fn of(
        revoked_at: Option<DateTime<Utc>>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> ShareStatus {
        if revoked_at.is_some() {
            ShareStatus::Revoked
        } else if expires_at <= now {
            ShareStatus::Expired
        } else {
            ShareStatus::Active
        }
    }

    /// Active or expired to revoked (an expired link is revoked so that it reads so for good).
    pub fn revoke(self) -> Result<ShareStatus, TransitionError> {
        match self {
            ShareStatus::Active | ShareStatus::Expired => Ok(ShareStatus::Revoked),
            ShareStatus::Revoked => Err(TransitionError::new(self.as_str(), "it already was")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{InvitationState, ShareStatus};
    use chrono::{Duration, Utc};

    #[test]
    fn an_invitation_is_revoked_once() {
        let now = Utc::now();
        assert_eq!(InvitationState::of(None), InvitationState::Active);
        assert_eq!(InvitationState::of(Some(now)), InvitationState::Revoked);
        assert_eq!(
            InvitationState::Active.revoke(),
            Ok(InvitationState::Revoked)
        );
        assert_eq!(
            InvitationState::Revoked.revoke().unwrap_err().from,
            "revoked"
        );
    }

    #[test]
    fn a_share_is_active_until_it_expires_or_is_revoked() {
        let now = Utc::now();
        let later = now + Duration::days(1);
        assert_eq!(ShareStatus::of(None, later, now), ShareStatus::Active);
        assert_eq!(ShareStatus::of(None, now, now), ShareStatus::Expired);
        assert_eq!(ShareStatus::of(Some(now), later, now), ShareStatus::Revoked);
        assert_eq!(
            ShareStatus::of(Some(now), now, now),
            ShareStatus::Revoked,
            "revoked wins over expired"
        );
    }

    #[test]
    fn a_share_that_is_not_yet_revoked_can_be() {
        assert_eq!(ShareStatus::Active.revoke(), Ok(ShareStatus::Revoked));
        assert_eq!(ShareStatus::Expired.revoke(), Ok(ShareStatus::Revoked));
        assert!(ShareStatus::Revoked.revoke().is_err());
    }

    #[test]
    fn every_state_round_trips_through_its_string() {
        for state in InvitationState::ALL {
            assert_eq!(InvitationState::parse(state.as_str()), Ok(*state));
        }
        for status in ShareStatus::ALL {
            assert_eq!(ShareStatus::parse(status.as_str()), Ok(*status));
        }
    }
}
